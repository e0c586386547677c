//! SARIF 2.1.0 output of a CI audit report.

use serde_json::{Value, json};

use super::{Report, Severity, audit_catalogue, audits};

/// The `$schema` written into SARIF logs (the OASIS 2.1.0 errata 01 schema).
const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// `tool.driver.informationUri`.
const INFORMATION_URI: &str =
    "https://www.gov.uk/government/publications/software-security-code-of-practice";

/// SARIF level of a severity: critical and high are `error`, medium `warning`, the rest `note`.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub code scanning's `security-severity` (a CVSS-like score as a string).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// Percent-encode a repository-relative path as a relative URI reference.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(file: &str, line: u32, column: u32) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file), "uriBaseId": "%SRCROOT%" },
            "region": { "startLine": line.max(1), "startColumn": column.max(1) }
        }
    })
}

/// The report as a SARIF 2.1.0 log with one run:
///
/// - `tool.driver`: name `safeguard`, `tool_version`, and one rule per audit in catalogue
///   order (`id`, `name`, `shortDescription`, `help`, `defaultConfiguration.level` from the
///   audit's highest severity, `properties.security-severity` and `tags`);
/// - one result per finding, in report order: `ruleId`, `ruleIndex`, `level` (critical and
///   high: `error`, medium: `warning`, low and info: `note`), `message`, one location (relative
///   URI under `%SRCROOT%`, `startLine`, `startColumn`), and `properties` `severity`,
///   `confidence` and `fix`;
/// - files that could not be audited as `invocations[0].toolExecutionNotifications` (level
///   `error`, with their location);
/// - `properties.auditedFiles` and `properties.posture`.
///
/// The output depends only on the report and `tool_version`.
pub fn sarif(report: &Report, tool_version: &str) -> Value {
    let catalogue = audit_catalogue();
    let rules: Vec<Value> = catalogue
        .iter()
        .map(|(id, severity, description)| {
            json!({
                "id": id,
                "name": id,
                "shortDescription": { "text": description },
                "help": { "text": audits::help(id) },
                "defaultConfiguration": { "level": level(*severity) },
                "properties": {
                    "security-severity": security_severity(*severity),
                    "tags": ["security", "ci"]
                }
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = catalogue
                .iter()
                .position(|(id, _, _)| *id == f.audit)
                .unwrap_or(0);
            json!({
                "ruleId": f.audit,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [location(&f.file, f.line, f.column)],
                "properties": {
                    "severity": f.severity.as_str(),
                    "confidence": f.confidence.as_str(),
                    "fix": f.fix
                }
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.file, e.message) },
                "locations": [location(&e.file, e.line, e.column)]
            })
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "safeguard",
                    "version": tool_version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications
            }],
            "results": results,
            "properties": {
                "auditedFiles": report.files,
                "posture": report.posture
            }
        }]
    })
}
