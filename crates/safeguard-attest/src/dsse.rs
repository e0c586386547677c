//! dsse (stub).
