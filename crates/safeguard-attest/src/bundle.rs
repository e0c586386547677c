//! bundle (stub).
