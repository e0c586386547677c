//! Offline verification of the signatures git commits and tags carry.
//!
//! - [`sshsig`]: SSH signatures (the `SSHSIG` format that `ssh-keygen -Y sign` writes), checked
//!   against git's allowed-signers file.
//! - [`openpgp`]: OpenPGP signatures (RFC 4880 / RFC 9580), checked against a keyring.
//!
//! Nothing here touches the network or the file system beyond what the caller passes in.

pub mod openpgp;
pub mod sshsig;
