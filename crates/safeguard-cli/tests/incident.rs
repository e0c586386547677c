//! `safeguard incident`: plan-lint, record/update/list and the timeliness report.

use std::path::Path;
use std::process::Command;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../safeguard-disclosure/tests/fixtures/incident"
);

/// Run `safeguard` in `dir` at 2026-01-01T00:00:00Z; (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env("USER", "tester")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn plan_lint_complete_and_absent() {
    let dir = tempfile::tempdir().unwrap();
    let complete = format!("{FIXTURES}/plan-complete.md");
    let (code, out, err) = run(
        dir.path(),
        &["incident", "plan-lint", &complete, "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["complete"], true);
    assert_eq!(v["elements"][0]["element"], "contacts");
    assert_eq!(v["elements"][0]["line"], 3);

    let (code, out, _) = run(
        Path::new(FIXTURES),
        &["incident", "plan-lint", "plan-absent.md"],
    );
    assert_eq!(code, 1);
    let roles = out
        .lines()
        .find(|l| l.starts_with("roles"))
        .unwrap_or_default();
    assert!(roles.contains("absent"), "{out}");
    let procedure = out
        .lines()
        .find(|l| l.starts_with("procedure"))
        .unwrap_or_default();
    assert!(
        procedure.contains("present") && procedure.contains("plan-absent.md:5"),
        "{out}"
    );
}

#[test]
fn plan_lint_uses_the_configured_plan_and_reports_malformed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::copy(
        format!("{FIXTURES}/plan-malformed.md"),
        dir.path().join("docs/ir.md"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("safeguard.toml"),
        "[incidents]\nplan = \"docs/ir.md\"\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["incident", "plan-lint", "--format", "json"]);
    assert_eq!(code, 0, "malformed is not absent: {err}");
    let v = json(&out);
    assert_eq!(v["complete"], false);
    assert_eq!(v["elements"][0]["status"], "malformed");
    assert_eq!(v["elements"][1]["status"], "malformed");
    assert_eq!(v["elements"][1]["line"], 7);

    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(empty.path(), &["incident", "plan-lint"]);
    assert_eq!(code, 2);
    assert!(err.contains("no incident-support plan found"), "{err}");
}

#[test]
fn record_update_list_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, err) = run(
        d,
        &[
            "incident",
            "record",
            "--title",
            "API outage",
            "--severity",
            "high",
            "--affects-customers",
            "--cra",
            "exploited-vulnerability",
            "--detected-at",
            "2025-12-30T09:00:00+01:00",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert_eq!(v["id"], "INC-2026-001");
    assert_eq!(v["created_by"], "tester");
    assert_eq!(v["detected_at"], "2025-12-30T09:00:00+01:00");

    // No offset: an error naming the option, nothing written.
    let (code, _, err) = run(
        d,
        &[
            "incident",
            "record",
            "--title",
            "x",
            "--detected-at",
            "2025-12-30T09:00:00",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--detected-at: `2025-12-30T09:00:00` has no UTC offset"),
        "{err}"
    );

    // Notified before detected: refused, naming the incident and fields.
    let (code, _, err) = run(
        d,
        &[
            "incident",
            "update",
            "INC-2026-001",
            "--customers-notified-at",
            "2025-12-30T07:00:00Z",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("incident INC-2026-001: customers_notified_at"),
        "{err}"
    );

    let (code, out, err) = run(
        d,
        &[
            "incident",
            "update",
            "INC-2026-001",
            "--by",
            "ops",
            "--customers-notified-at",
            "2025-12-30T20:00:00Z",
            "--early-warning-at",
            "2025-12-31T08:00:00Z",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "Updated INC-2026-001: API outage (open)");

    let (code, out, _) = run(d, &["incident", "list", "--format", "json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(v[0]["events"], 2);

    // At 2026-01-01T00:00Z: customers told in 12 h (met), early warning at exactly 24 h
    // (met), 72 h notification pending until 2026-01-02T08:00Z, final report waiting for a fix.
    let (code, out, err) = run(d, &["incident", "report", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let i = &v["incidents"][0];
    assert_eq!(i["detection_to_notification_seconds"], 12 * 3600);
    assert_eq!(i["customer_notification"]["status"], "met");
    assert_eq!(i["cra_early_warning"]["status"], "met");
    assert_eq!(i["cra_early_warning"]["margin_seconds"], 0);
    assert_eq!(i["cra_notification"]["status"], "pending");
    assert_eq!(i["cra_notification"]["due"], "2026-01-02T08:00:00Z");
    assert_eq!(i["cra_final_report"]["status"], "pending");

    // Later, the notification clock has been missed: exit 1.
    let (code, out, _) = run(
        d,
        &[
            "incident",
            "report",
            "--format",
            "markdown",
            "--now",
            "2026-01-03T08:00:00Z",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("| INC-2026-001 | cra-notification | missed | 2026-01-02T08:00:00Z |  | not done; missed by 1d so far (due 2026-01-02T08:00:00Z) |"),
        "{out}"
    );

    // A time recorded by mistake is emptied, and the clock it satisfied is pending again.
    let (code, out, err) = run(
        d,
        &[
            "incident",
            "update",
            "INC-2026-001",
            "--clear",
            "early-warning-at",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    assert!(v.get("early_warning_at").is_none_or(|t| t.is_null()), "{v}");
    assert_eq!(v["customers_notified_at"], "2025-12-30T20:00:00Z");
    let (_, out, _) = run(d, &["incident", "report", "--format", "json"]);
    assert_eq!(
        json(&out)["incidents"][0]["cra_early_warning"]["status"],
        "missed"
    );
    let (code, _, err) = run(
        d,
        &["incident", "record", "--title", "y", "--clear", "notes"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--clear is for `incident update`"), "{err}");

    let (code, _, _) = run(
        d,
        &["incident", "update", "INC-2026-001", "--status", "resolved"],
    );
    assert_eq!(code, 0);
    let (_, out, _) = run(d, &["incident", "list"]);
    assert!(out.starts_with("No open incidents"), "{out}");
    let (_, out, _) = run(d, &["incident", "list", "--all"]);
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("INC-2026-001  resolved  high")),
        "{out}"
    );
}

#[test]
fn truncated_log_line_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, _) = run(d, &["incident", "record", "--title", "One"]);
    assert_eq!(code, 0);
    let path = d.join(".safeguard/incidents.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"event\":\"upd");
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = run(d, &["incident", "list", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out).as_array().map(Vec::len), Some(1));
    assert!(
        err.contains("incidents.jsonl:2: incomplete last line"),
        "{err}"
    );
}
