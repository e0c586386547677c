//! SSH signatures.
