//! intoto (stub).
