//! OpenPGP signatures.
