//! safeguard-assess
