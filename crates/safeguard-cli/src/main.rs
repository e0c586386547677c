//! `safeguard`: evidence for the UK Software Security Code of Practice from your repositories.
//!
//! This crate only parses arguments, wires the library crates together and prints.
//! Exit codes: 0 success; 1 a policy failed (`--strict`, a ledger that fails verification);
//! 2 bad usage or unreadable input.

mod advisory;
mod attest;
mod ci;
mod cmd;
mod db;
mod disclosure;
mod incident;
mod lifecycle;
mod output;
mod sbom;
mod scan;
mod secrets;
mod source;
mod vulns;

use std::process::ExitCode;

use clap::Parser;

use crate::cmd::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::init_logging(cli.verbose, cli.quiet);
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
