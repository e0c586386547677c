//! Helpers for the interop tests: run the machine's `ssh-keygen`, `gpg` and `git`.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// True when `tool` can be run. When it cannot: with `SAFEGUARD_INTEROP=1` the test fails,
/// otherwise it says so on stderr and the caller skips.
pub fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        let strict = std::env::var("SAFEGUARD_INTEROP").is_ok_and(|v| v == "1");
        assert!(
            !strict,
            "{tool} is not installed, and SAFEGUARD_INTEROP=1 requires the interop tests to run"
        );
        // Written to the stderr handle rather than with eprintln!, which the test harness
        // captures and hides for passing tests: a skip must be seen.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {tool} is not installed; this interop test did not run \
             (set SAFEGUARD_INTEROP=1 to make that a failure)"
        );
    }
    ok
}

/// Run a command in `dir`, asserting that it succeeds; returns its output.
pub fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    run_env(dir, program, args, &[])
}

/// [`run`] with extra environment variables.
pub fn run_env(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Read a file the test wrote.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Write a file for the test.
pub fn write(path: &Path, data: &[u8]) {
    std::fs::write(path, data).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
