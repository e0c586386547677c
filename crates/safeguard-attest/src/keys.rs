//! keys (stub).
