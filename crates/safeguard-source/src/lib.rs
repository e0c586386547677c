//! safeguard-source
