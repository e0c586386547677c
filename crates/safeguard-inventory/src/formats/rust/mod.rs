//! Readers for Rust: `Cargo.lock` (format versions 1 to 4) and `Cargo.toml` manifests.

mod cargolock;
mod cargotoml;

pub use cargolock::CargoLock;
pub use cargotoml::CargoToml;

/// Whether `s` is a full 40-character hexadecimal git commit id.
fn is_commit(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Turns a toml error into ours, with the line and column of its span when it has one.
fn toml_error(input: &crate::Input<'_>, text: &str, err: &toml::de::Error) -> crate::ParseError {
    let msg = err.message().trim().to_string();
    match err.span() {
        Some(span) => input.error_at(text, span.start.min(text.len()), msg),
        None => input.error(None, None, msg),
    }
}
