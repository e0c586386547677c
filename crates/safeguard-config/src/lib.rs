//! safeguard-config
