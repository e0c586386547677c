//! hash (stub).
