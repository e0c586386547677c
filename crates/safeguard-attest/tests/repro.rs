//! Reproducibility checks with small shell builds.

use std::fs;

use safeguard_attest::repro::{ArtifactStatus, ReproError, ReproOptions, ReproReport, run};

/// A source folder and a separate work folder for the copies.
struct Fixture {
    src: tempfile::TempDir,
    work: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let src = tempfile::tempdir().expect("temp source");
        fs::write(src.path().join("input.txt"), "source text\n").expect("write input");
        Fixture {
            src,
            work: tempfile::tempdir().expect("temp work"),
        }
    }

    fn opts(&self, script: &str, artifacts: &[&str]) -> ReproOptions {
        ReproOptions {
            source: self.src.path().to_path_buf(),
            artifacts: artifacts.iter().map(|s| s.to_string()).collect(),
            command: vec!["/bin/sh".into(), "-c".into(), script.into()],
            work_dir: Some(self.work.path().to_path_buf()),
        }
    }

    fn run(&self, script: &str, artifacts: &[&str]) -> Result<ReproReport, ReproError> {
        run(&self.opts(script, artifacts))
    }

    /// The length of `<work>/safeguard-repro-<16 hex>/`, the part both copies' paths share.
    fn shared_prefix_len(&self) -> usize {
        let work = fs::canonicalize(self.work.path()).expect("canonical work");
        work.to_str().expect("utf-8 temp path").len() + 1 + "safeguard-repro-".len() + 16 + 1
    }
}

fn only(report: &ReproReport) -> &safeguard_attest::repro::ArtifactResult {
    assert_eq!(report.artifacts.len(), 1, "{:?}", report.artifacts);
    &report.artifacts[0]
}

#[test]
fn deterministic_build_is_reproducible() {
    let f = Fixture::new();
    let r = f
        .run("mkdir -p out; printf hello > out/a.bin", &["out/a.bin"])
        .expect("run");
    assert!(r.reproducible);
    let a = only(&r);
    assert_eq!(a.path, "out/a.bin");
    assert_eq!(a.status, ArtifactStatus::Identical);
    let hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    assert_eq!(a.sha256_first.as_deref(), Some(hello));
    assert_eq!(a.sha256_second.as_deref(), Some(hello));
    assert_eq!((a.size_first, a.size_second), (Some(5), Some(5)));
    assert_eq!(a.first_difference, None);

    // The two runs differ in path (and its length), TZ, locale and umask.
    assert_eq!(r.runs.len(), 2);
    let (one, two) = (&r.runs[0], &r.runs[1]);
    assert_eq!((one.name.as_str(), two.name.as_str()), ("first", "second"));
    assert_ne!(one.dir.as_os_str().len(), two.dir.as_os_str().len());
    assert_eq!(
        (one.tz.as_str(), two.tz.as_str()),
        ("UTC", "Pacific/Kiritimati")
    );
    assert_eq!(
        (one.locale.as_str(), two.locale.as_str()),
        ("C.UTF-8", "fr_FR.UTF-8")
    );
    assert_eq!((one.umask.as_str(), two.umask.as_str()), ("022", "077"));
    assert_eq!((one.exit_code, two.exit_code), (Some(0), Some(0)));
    // The copies are removed afterwards.
    assert!(!one.dir.exists() && !two.dir.exists());
    assert_eq!(fs::read_dir(f.work.path()).expect("work dir").count(), 0);

    let json = serde_json::to_value(&r).expect("json");
    assert_eq!(json["reproducible"], true);
    assert_eq!(json["artifacts"][0]["status"], "identical");
    assert_eq!(json["artifacts"][0]["path"], "out/a.bin");
}

#[test]
fn build_reads_the_copied_source_and_keeps_modes() {
    let f = Fixture::new();
    let script = f.src.path().join("build.sh");
    fs::write(
        &script,
        "#!/bin/sh\nmkdir -p out\ncat input.txt > out/copy.txt\n",
    )
    .expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let mut opts = f.opts("", &["out/copy.txt"]);
    opts.command = vec!["./build.sh".into()];
    let r = run(&opts).expect("run");
    assert!(r.reproducible);
    assert_eq!(only(&r).size_first, Some("source text\n".len() as u64));
    // The build wrote only into the copies.
    assert!(!f.src.path().join("out").exists());
}

#[test]
fn embedded_build_path_differs_at_the_first_path_byte() {
    let f = Fixture::new();
    let r = f
        .run(
            r#"mkdir -p out; printf 'path=%s' "$PWD" > out/a.bin"#,
            &["out/a.bin"],
        )
        .expect("run");
    assert!(!r.reproducible);
    let a = only(&r);
    assert_eq!(a.status, ArtifactStatus::Differs);
    // `path=` + `<work>/safeguard-repro-XXXX/` then `r1/…` vs `second-run/…`.
    assert_eq!(a.first_difference, Some(5 + f.shared_prefix_len() as u64));
    assert_ne!(a.size_first, a.size_second);
    assert_ne!(a.sha256_first, a.sha256_second);
}

#[test]
fn umask_difference_is_found() {
    let f = Fixture::new();
    let r = f
        .run("mkdir -p out; umask > out/u.txt", &["out/u.txt"])
        .expect("run");
    let a = only(&r);
    assert!(!r.reproducible);
    assert_eq!(a.status, ArtifactStatus::Differs);
    // "0022\n" vs "0077\n".
    assert_eq!(a.first_difference, Some(2));
    assert_eq!((a.size_first, a.size_second), (Some(5), Some(5)));
}

#[test]
fn timezone_and_locale_differ_and_source_date_epoch_is_unset() {
    let f = Fixture::new();
    let r = f
        .run(
            r#"mkdir -p out; printf 'sde=%s;lc=%s' "${SOURCE_DATE_EPOCH-unset}" "$LC_ALL" > out/l.txt; printf '%s' "$TZ" > out/tz.txt"#,
            &["out/*.txt"],
        )
        .expect("run");
    assert_eq!(r.artifacts.len(), 2);
    let l = &r.artifacts[0];
    assert_eq!(l.path, "out/l.txt");
    // "sde=unset;lc=C.UTF-8" vs "sde=unset;lc=fr_FR.UTF-8".
    assert_eq!(l.first_difference, Some("sde=unset;lc=".len() as u64));
    assert_eq!(l.size_first, Some("sde=unset;lc=C.UTF-8".len() as u64));
    let tz = &r.artifacts[1];
    assert_eq!(tz.path, "out/tz.txt");
    assert_eq!(tz.first_difference, Some(0));
    assert_eq!(tz.size_second, Some("Pacific/Kiritimati".len() as u64));
}

#[test]
fn embedded_time_differs_where_the_digits_do() {
    let f = Fixture::new();
    let r = f
        .run(
            "mkdir -p out; t=$(date +%s%N); printf '%s' \"$t\" > out/t.bin; printf '%s' \"$t\"",
            &["out/t.bin"],
        )
        .expect("run");
    let (s1, s2) = (&r.runs[0].stdout_tail, &r.runs[1].stdout_tail);
    assert!(s1.len() >= 10 && s2.len() >= 10, "{s1:?} {s2:?}");
    let expected = s1
        .bytes()
        .zip(s2.bytes())
        .position(|(a, b)| a != b)
        .expect("sequential runs see different nanosecond clocks");
    let a = only(&r);
    assert_eq!(a.status, ArtifactStatus::Differs);
    assert_eq!(a.first_difference, Some(expected as u64));
    assert!(!r.reproducible);
}

#[test]
fn prefix_difference_reports_the_shorter_length() {
    let f = Fixture::new();
    let r = f
        .run(
            r#"mkdir -p out; if [ "$TZ" = UTC ]; then printf abc; else printf abcdef; fi > out/p"#,
            &["out/p"],
        )
        .expect("run");
    let a = only(&r);
    assert_eq!(a.status, ArtifactStatus::Differs);
    assert_eq!(a.first_difference, Some(3));
    assert_eq!((a.size_first, a.size_second), (Some(3), Some(6)));
}

#[test]
fn difference_past_the_first_chunk() {
    let f = Fixture::new();
    // 200,000 zero bytes then a byte that differs: beyond the 64 KiB comparison chunks.
    let r = f
        .run(
            r#"mkdir -p out; head -c 200000 /dev/zero > out/big; printf '%s' "$TZ" >> out/big"#,
            &["out/big"],
        )
        .expect("run");
    assert_eq!(only(&r).first_difference, Some(200_000));
}

#[test]
fn artefact_missing_in_one_run() {
    let f = Fixture::new();
    let r = f
        .run(
            r#"mkdir -p out; printf y > out/both.bin; if [ "$TZ" = UTC ]; then printf x > out/first.bin; else printf x > out/second.bin; fi"#,
            &["out/*.bin"],
        )
        .expect("run");
    assert!(!r.reproducible);
    let got: Vec<(&str, ArtifactStatus)> = r
        .artifacts
        .iter()
        .map(|a| (a.path.as_str(), a.status))
        .collect();
    assert_eq!(
        got,
        vec![
            ("out/both.bin", ArtifactStatus::Identical),
            ("out/first.bin", ArtifactStatus::MissingInSecond),
            ("out/second.bin", ArtifactStatus::MissingInFirst),
        ]
    );
    let first_only = &r.artifacts[1];
    assert!(first_only.sha256_first.is_some() && first_only.sha256_second.is_none());
    assert_eq!(first_only.size_second, None);
}

#[test]
fn failing_build_is_an_error_naming_the_run() {
    let f = Fixture::new();
    match f.run("echo boom >&2; exit 3", &["out/a.bin"]) {
        Err(ReproError::BuildFailed {
            run,
            status,
            stderr_tail,
        }) => {
            assert_eq!(run, "first");
            assert_eq!(status, "exit code 3");
            assert_eq!(stderr_tail, "boom\n");
        }
        other => panic!("expected BuildFailed, got {other:?}"),
    }
    let err = f
        .run(
            r#"[ "$TZ" = UTC ] || { echo second broke >&2; exit 4; }"#,
            &["x"],
        )
        .expect_err("second run fails");
    let msg = err.to_string();
    assert!(
        msg.starts_with("second build failed (exit code 4)"),
        "{msg}"
    );
    assert!(msg.ends_with("second broke\n"), "{msg}");
    // Nothing is left behind after a failure.
    assert_eq!(fs::read_dir(f.work.path()).expect("work dir").count(), 0);
}

#[test]
fn missing_program_is_reported() {
    let f = Fixture::new();
    let mut opts = f.opts("", &["x"]);
    opts.command = vec!["safeguard-no-such-program-xyz".into()];
    match run(&opts) {
        Err(ReproError::BuildFailed { run, status, .. }) => {
            assert_eq!(run, "first");
            assert_eq!(status, "exit code 127: command not found");
        }
        other => panic!("expected BuildFailed, got {other:?}"),
    }
}

#[test]
fn glob_matching_nothing_is_an_error() {
    let f = Fixture::new();
    match f.run(
        "mkdir -p out; printf a > out/a.bin",
        &["out/a.bin", "dist/*.whl"],
    ) {
        Err(ReproError::NoArtifactMatched { patterns }) => {
            assert_eq!(patterns, vec!["dist/*.whl".to_string()]);
        }
        other => panic!("expected NoArtifactMatched, got {other:?}"),
    }
    let err = f.run("true", &["out/a.bin"]).expect_err("nothing built");
    assert!(err.to_string().contains("`out/a.bin`"), "{err}");
}

#[test]
fn double_star_globs() {
    let f = Fixture::new();
    let script = "mkdir -p out/a/b other; printf 1 > out/a/b/c.bin; printf 2 > out/x.bin; \
                  printf 3 > other/y.txt; printf 4 > top.bin";
    let paths =
        |r: &ReproReport| -> Vec<String> { r.artifacts.iter().map(|a| a.path.clone()).collect() };
    let r = f.run(script, &["**/*.bin"]).expect("run");
    assert_eq!(paths(&r), ["out/a/b/c.bin", "out/x.bin", "top.bin"]);
    let r = f
        .run(script, &["out/**/c.bin", "other/?.txt"])
        .expect("run");
    assert_eq!(paths(&r), ["other/y.txt", "out/a/b/c.bin"]);
    let r = f.run(script, &["out/**"]).expect("run");
    assert_eq!(paths(&r), ["out/a/b/c.bin", "out/x.bin"]);
    assert!(r.reproducible);
}

#[test]
fn copy_leaves_out_build_folders_but_keeps_git() {
    let f = Fixture::new();
    let s = f.src.path();
    for dir in [
        ".git",
        "target",
        "node_modules",
        "sub/node_modules",
        ".safeguard",
        "sub/target",
    ] {
        fs::create_dir_all(s.join(dir)).expect("mkdir");
        fs::write(s.join(dir).join("f"), "x").expect("write");
    }
    let r = f
        .run(
            "mkdir -p out; for p in .git target node_modules sub/node_modules .safeguard sub/target; \
             do [ -e $p/f ] && echo $p; done > out/seen; cat out/seen",
            &["out/seen"],
        )
        .expect("run");
    assert_eq!(r.runs[0].stdout_tail, ".git\nsub/target\n");
    assert!(r.reproducible);
}

#[test]
fn work_dir_inside_the_source_is_not_copied_into_itself() {
    let f = Fixture::new();
    let mut opts = f.opts(
        "mkdir -p out; ls -A tmp 2>/dev/null | wc -l | tr -d ' ' > out/seen; cat out/seen",
        &["out/seen"],
    );
    opts.work_dir = Some(f.src.path().join("tmp"));
    let r = run(&opts).expect("run");
    assert!(r.reproducible);
    assert_eq!(r.runs[0].stdout_tail, "0\n");
    assert_eq!(r.runs[1].stdout_tail, "0\n");
}

#[test]
fn bad_options_are_errors() {
    let f = Fixture::new();
    let mut opts = f.opts("true", &["x"]);
    opts.command.clear();
    assert!(matches!(run(&opts), Err(ReproError::EmptyCommand)));

    let opts = f.opts("true", &[]);
    assert!(matches!(run(&opts), Err(ReproError::NoArtifactPatterns)));

    for bad in ["../x", "/etc/passwd", "a/b**"] {
        let opts = f.opts("true", &[bad]);
        match run(&opts) {
            Err(ReproError::InvalidPattern { pattern, .. }) => assert_eq!(pattern, bad),
            other => panic!("{bad}: expected InvalidPattern, got {other:?}"),
        }
    }

    let mut opts = f.opts("true", &["x"]);
    opts.source = f.src.path().join("missing");
    assert!(matches!(run(&opts), Err(ReproError::Source { .. })));
    opts.source = f.src.path().join("input.txt");
    assert!(matches!(run(&opts), Err(ReproError::Source { .. })));
}

#[test]
fn symlinks_are_copied_as_links() {
    let f = Fixture::new();
    #[cfg(unix)]
    std::os::unix::fs::symlink("input.txt", f.src.path().join("link.txt")).expect("symlink");
    let r = f
        .run(
            "mkdir -p out; readlink link.txt > out/target; cat link.txt > out/content",
            &["out/*"],
        )
        .expect("run");
    assert!(r.reproducible);
    assert_eq!(r.artifacts[1].path, "out/target");
    assert_eq!(r.artifacts[1].size_first, Some("input.txt\n".len() as u64));
    assert_eq!(
        r.artifacts[0].size_first,
        Some("source text\n".len() as u64)
    );
}
