//! Print the SHA-256 of each file named on the command line, `sha256sum` style, using
//! `safeguard_attest::hash` (used by scripts/bench-hash.sh).
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    let mut hasher = safeguard_attest::hash::StreamHasher::new();
    for path in std::env::args_os().skip(1) {
        let path = std::path::PathBuf::from(path);
        match hasher.sha256_file(&path) {
            Ok(d) => println!("{}  {}", safeguard_attest::hash::to_hex(&d), path.display()),
            Err(e) => {
                eprintln!("sha256: {e}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
