//! The communication collector: what customers are told (claims 3.2.1, 3.2.2, 4.1.1–4.3.2).
//!
//! It runs the checks of `safeguard disclosure`, `safeguard lifecycle` and `safeguard incident`
//! over the assessed tree and `safeguard.toml`, and records each result as one
//! [`CommunicationCheck`] naming the claim it supports:
//!
//! - `security.txt` (`.well-known/security.txt`, `security.txt`): valid under RFC 9116 and not
//!   expired (3.2.1), with a contact (3.2.2);
//! - the disclosure-policy lint of `SECURITY.md` and the like: each element present or not
//!   (3.2.1, 3.2.2);
//! - `[lifecycle]`: end-of-support dates (4.1.1), update policy (4.1.2), user documentation
//!   (4.1.3), a year's notice (4.2.1);
//! - the incident-support plan (`[incidents] plan`, else `INCIDENT*.md` or `docs/incident*`):
//!   each element (4.3.1);
//! - the incident log (`[incidents] log`): the customer-notification and CRA clocks of each
//!   incident that affects customers (4.3.2).

use std::path::{Path, PathBuf};

use safeguard_config::Config;
use safeguard_disclosure::incident::{log::Log, plan, timeliness};
use safeguard_disclosure::{lifecycle, lint, securitytxt};
use safeguard_model::facts::{CommunicationCheck, CommunicationFacts};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};
use time::OffsetDateTime;

/// Largest document read.
const MAX_DOC: u64 = 2 << 20;

const CLAIMS: [ClaimId; 8] = [
    ClaimId::new(3, 2, 1),
    ClaimId::new(3, 2, 2),
    ClaimId::new(4, 1, 1),
    ClaimId::new(4, 1, 2),
    ClaimId::new(4, 1, 3),
    ClaimId::new(4, 2, 1),
    ClaimId::new(4, 3, 1),
    ClaimId::new(4, 3, 2),
];

/// Runs the customer-communication checks.
pub struct CommunicationCollector {
    pub config: Config,
    /// The folder of `safeguard.toml`: `[lifecycle]` and `[incidents]` paths are relative to
    /// it.
    pub base: PathBuf,
}

impl Collector for CommunicationCollector {
    fn id(&self) -> &'static str {
        "communication"
    }

    fn title(&self) -> &'static str {
        "security.txt, the disclosure policy, product lifecycle and end-of-support notice, the incident plan and incident timeliness"
    }

    fn claims(&self) -> Vec<ClaimId> {
        CLAIMS.to_vec()
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let now = OffsetDateTime::parse(
            cx.observed_at,
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let files: Vec<&str> = cx
            .files
            .iter()
            .filter(|f| !cx.is_excluded(f))
            .map(String::as_str)
            .collect();
        let facts = collect_communication(&self.config, &self.base, cx.root, &files, now);
        if facts.checks.is_empty() && facts.errors.is_empty() {
            return Ok(Vec::new());
        }
        let pass = facts.checks.iter().filter(|c| c.status == "pass").count();
        let summary = format!(
            "{} communication checks over {} ({} pass, {} fail, {} pending){}.",
            facts.checks.len(),
            if facts.sources.is_empty() {
                "no document".to_string()
            } else {
                facts.sources.join(", ")
            },
            pass,
            facts.checks.iter().filter(|c| c.status == "fail").count(),
            facts
                .checks
                .iter()
                .filter(|c| c.status == "pending")
                .count(),
            if facts.errors.is_empty() {
                String::new()
            } else {
                format!("; {} inputs could not be read", facts.errors.len())
            }
        );
        Ok(vec![cx.evidence(
            self.id(),
            &CLAIMS,
            summary,
            Facts::Communication(facts),
        )])
    }
}

fn read_doc(path: &Path) -> Result<Vec<u8>, String> {
    crate::releases::read_at_most(path, MAX_DOC)
}

struct Out {
    f: CommunicationFacts,
}

impl Out {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        claim: &str,
        source: &str,
        check: &str,
        status: &str,
        required: bool,
        location: Option<String>,
        detail: String,
    ) {
        self.f.checks.push(CommunicationCheck {
            claim: claim.to_string(),
            source: source.to_string(),
            check: check.to_string(),
            status: status.to_string(),
            required,
            location,
            detail,
        });
    }
}

/// Every check, from the configuration (`config`, in `base`), the tree `root` and its files.
pub fn collect_communication(
    config: &Config,
    base: &Path,
    root: &Path,
    files: &[&str],
    now: OffsetDateTime,
) -> CommunicationFacts {
    let mut out = Out {
        f: CommunicationFacts::default(),
    };
    security_txt(&mut out, root, files, now);
    disclosure_policy(&mut out, root, files);
    lifecycle_checks(&mut out, config, base, now);
    incident_plan(&mut out, config, base, root, files);
    incident_log(&mut out, config, base, now);
    out.f.sources.sort();
    out.f.sources.dedup();
    out.f
}

fn security_txt(out: &mut Out, root: &Path, files: &[&str], now: OffsetDateTime) {
    for path in [".well-known/security.txt", "security.txt"] {
        if !files.contains(&path) {
            continue;
        }
        let bytes = match read_doc(&root.join(path)) {
            Ok(b) => b,
            Err(e) => {
                out.f.errors.push(format!("{path}: {e}"));
                continue;
            }
        };
        out.f.sources.push(path.to_string());
        let report = securitytxt::check(&bytes, &securitytxt::CheckOptions::at(now));
        let contacts = report.contacts();
        out.push(
            "3.2.2",
            "security.txt",
            "contact",
            if contacts.is_empty() { "fail" } else { "pass" },
            true,
            Some(path.to_string()),
            if contacts.is_empty() {
                "no Contact field".to_string()
            } else {
                format!("Contact: {}", contacts.join(", "))
            },
        );
        let detail = if report.errors.is_empty() {
            format!(
                "valid under RFC 9116{}",
                report
                    .expires
                    .as_deref()
                    .map(|e| format!(", expires {e}"))
                    .unwrap_or_default()
            )
        } else {
            report
                .errors
                .iter()
                .take(3)
                .map(|f| match f.line {
                    Some(l) => format!("line {l}: {} ({})", f.message, f.code),
                    None => format!("{} ({})", f.message, f.code),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        out.push(
            "3.2.1",
            "security.txt",
            "rfc9116",
            if report.valid { "pass" } else { "fail" },
            true,
            Some(path.to_string()),
            detail,
        );
    }
}

fn disclosure_policy(out: &mut Out, root: &Path, files: &[&str]) {
    for path in lint::DEFAULT_PATHS {
        if !files.contains(&path) {
            continue;
        }
        let text = match read_doc(&root.join(path)) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                out.f.errors.push(format!("{path}: {e}"));
                continue;
            }
        };
        out.f.sources.push(path.to_string());
        for e in lint::lint(&text).elements {
            let status = match e.status {
                lint::Status::Present => "pass",
                lint::Status::Absent | lint::Status::Malformed => "fail",
            };
            let detail = match (&e.status, &e.problem, &e.evidence) {
                (lint::Status::Malformed, Some(p), _) => format!("malformed: {p}"),
                (lint::Status::Absent, _, _) => "absent".to_string(),
                (_, _, Some(ev)) => ev.clone(),
                _ => "present".to_string(),
            };
            out.push(
                e.claim,
                "disclosure-policy",
                e.element.name(),
                status,
                e.required,
                Some(match e.line {
                    Some(l) => format!("{path}:{l}"),
                    None => path.to_string(),
                }),
                detail,
            );
        }
    }
}

fn lifecycle_checks(out: &mut Out, config: &Config, base: &Path, now: OffsetDateTime) {
    let Some(settings) = &config.lifecycle else {
        return;
    };
    out.f.sources.push("safeguard.toml [lifecycle]".to_string());
    let lc = match lifecycle::load(settings, base) {
        Ok(lc) => lc,
        Err(e) => {
            out.f.errors.push(format!("[lifecycle]: {e}"));
            out.push(
                "4.1.1",
                "lifecycle",
                "lifecycle-data",
                "fail",
                true,
                None,
                format!("the lifecycle data cannot be used: {e}"),
            );
            return;
        }
    };
    for c in lifecycle::check(&lc, now, base).checks {
        out.push(
            c.claim,
            "lifecycle",
            c.check,
            match c.status {
                lifecycle::CheckStatus::Pass => "pass",
                lifecycle::CheckStatus::Fail => "fail",
            },
            true,
            c.subject,
            c.message,
        );
    }
}

fn incident_plan(out: &mut Out, config: &Config, base: &Path, root: &Path, files: &[&str]) {
    let (shown, path) = match &config.incidents.plan {
        Some(p) => (p.clone(), base.join(p)),
        None => {
            let found = files.iter().find(|f| {
                let lower = f.to_ascii_lowercase();
                let name = lower.rsplit('/').next().unwrap_or(&lower);
                let doc = [".md", ".rst", ".txt", ".adoc"]
                    .iter()
                    .any(|x| name.ends_with(x));
                doc && (!lower.contains('/') && name.starts_with("incident")
                    || lower.starts_with("docs/") && name.starts_with("incident"))
            });
            match found {
                Some(f) => (f.to_string(), root.join(f)),
                None => return,
            }
        }
    };
    let text = match read_doc(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            out.f.errors.push(format!("{shown}: {e}"));
            out.push(
                "4.3.1",
                "incident-plan",
                "plan",
                "fail",
                true,
                Some(shown),
                format!("the incident-support plan cannot be read: {e}"),
            );
            return;
        }
    };
    out.f.sources.push(shown.clone());
    for e in plan::lint(&text).elements {
        out.push(
            "4.3.1",
            "incident-plan",
            e.element.as_str(),
            if e.status == plan::ElementStatus::Present {
                "pass"
            } else {
                "fail"
            },
            true,
            Some(match e.line {
                Some(l) => format!("{shown}:{l}"),
                None => shown.clone(),
            }),
            format!("{}: {}", e.status.as_str(), e.detail),
        );
    }
}

fn incident_log(out: &mut Out, config: &Config, base: &Path, now: OffsetDateTime) {
    let shown = config.incidents.log().to_string();
    let path = base.join(&shown);
    if !path.exists() {
        return;
    }
    out.f.sources.push(shown.clone());
    let incidents = match Log::open(&path).incidents() {
        Ok(i) => i,
        Err(e) => {
            out.f.errors.push(format!("{shown}: {e}"));
            out.push(
                "4.3.2",
                "incident-log",
                "log",
                "fail",
                true,
                Some(shown),
                format!("the incident log cannot be read: {e}"),
            );
            return;
        }
    };
    let settings = timeliness::Settings {
        notify_within_hours: config.incidents.notify_within_hours(),
    };
    for inc in timeliness::report(&incidents, now, &settings).incidents {
        for clock in inc.clocks() {
            let status = match clock.status {
                timeliness::ClockStatus::Met => "pass",
                timeliness::ClockStatus::Missed => "fail",
                timeliness::ClockStatus::Pending => "pending",
                timeliness::ClockStatus::NotApplicable => continue,
            };
            out.push(
                "4.3.2",
                "incident-log",
                clock.name,
                status,
                true,
                Some(inc.id.clone()),
                clock.detail.clone(),
            );
        }
    }
}
