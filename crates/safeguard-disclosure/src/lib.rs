//! safeguard-disclosure
