//! Claim evaluators: pure functions from the evidence set to a status, an argument and the
//! evidence cited. Automated evidence and manual evidence are judged separately and the
//! stronger result wins; with neither, a claim needs manual evidence (never silently met).

use safeguard_model::catalogue::{self, BriefPrinciple};
use safeguard_model::facts::{
    CiFacts, CompositionFacts, ImportedStatementFacts, ManualDocumentFacts, SecurityPolicyFacts,
    TestFacts, ThreatModelFacts, VcsFacts, VulnerabilityFacts,
};
use safeguard_model::{ClaimId, Evidence, Facts, VendorRole};

use crate::assessment::{BriefResult, ClaimResult, Counts, Status};

mod release_rules;
mod source_rules;
mod vuln_rules;

/// One evidence record with its id.
pub struct Cited<'a> {
    pub id: &'a str,
    pub evidence: &'a Evidence,
}

/// A judgement of one claim from one source of evidence.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    status: Status,
    argument: String,
    cites: Vec<String>,
}

impl Outcome {
    fn new(status: Status, argument: impl Into<String>, cites: &[&str]) -> Self {
        Outcome {
            status,
            argument: argument.into(),
            cites: cites.iter().map(|s| s.to_string()).collect(),
        }
    }
}

fn find<'a, T>(
    ev: &'a [Cited<'a>],
    pick: impl Fn(&'a Facts) -> Option<&'a T>,
) -> Option<(&'a str, &'a T)> {
    ev.iter()
        .find_map(|c| pick(&c.evidence.facts).map(|f| (c.id, f)))
}

fn list(items: &[String], max: usize) -> String {
    let mut shown: Vec<String> = items.iter().take(max).map(|s| format!("`{s}`")).collect();
    if items.len() > max {
        shown.push(format!("{} more", items.len() - max));
    }
    match shown.len() {
        0 => String::new(),
        1 => shown.remove(0),
        _ => {
            let last = shown.pop().unwrap_or_default();
            format!("{} and {last}", shown.join(", "))
        }
    }
}

fn short_commit(c: &Option<String>) -> String {
    c.as_deref()
        .map(|c| c[..c.len().min(12)].to_string())
        .unwrap_or_else(|| "(none)".into())
}

/// Evaluate every claim of the Code for a vendor role.
pub fn evaluate(role: VendorRole, evidence: &[Cited<'_>]) -> Vec<ClaimResult> {
    catalogue::claims()
        .map(|(theme, principle, claim)| {
            let (status, argument, mut cites) = if !role.applies_to(theme.id) {
                (
                    Status::NotApplicable,
                    format!(
                        "Theme {} ({}) does not apply to a {} vendor (the Code, table 1).",
                        theme.id,
                        theme.title.to_lowercase(),
                        role.as_str().replace('-', " ")
                    ),
                    Vec::new(),
                )
            } else {
                let auto = automated(claim.id, evidence);
                let manual = manual(claim.id, evidence);
                combine(claim.id, auto, manual)
            };
            cites.sort();
            cites.dedup();
            ClaimResult {
                id: claim.id,
                principle: principle.id,
                theme: theme.id,
                title: claim.title.to_string(),
                status,
                argument,
                evidence: cites,
                brief_principles: catalogue::brief_for_claim(claim.id),
            }
        })
        .collect()
}

fn combine(
    id: ClaimId,
    auto: Option<Outcome>,
    manual: Option<Outcome>,
) -> (Status, String, Vec<String>) {
    match (auto, manual) {
        (None, None) => (
            Status::NeedsManualEvidence,
            format!(
                "No collector observes claim {id} and no manual evidence is registered for it. Register {} in [[manual_evidence]] in safeguard.toml.",
                catalogue::claim(id).map_or("a supporting document", |c| c.typical_evidence)
            ),
            Vec::new(),
        ),
        (Some(a), None) => (a.status, a.argument, a.cites),
        (None, Some(m)) => (m.status, m.argument, m.cites),
        (Some(a), Some(m)) => {
            let (first, second) = if m.status.rank() > a.status.rank() {
                (m, a)
            } else {
                (a, m)
            };
            let mut cites = first.cites;
            cites.extend(second.cites);
            (
                first.status,
                format!("{} {}", first.argument, second.argument),
                cites,
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Automated evaluators, one per claim that a collector can observe.

fn automated(id: ClaimId, ev: &[Cited<'_>]) -> Option<Outcome> {
    match (id.theme, id.principle, id.claim) {
        (1, 1, 4) => find(ev, |f| if let Facts::Vcs(v) = f { Some(v) } else { None })
            .map(|(i, v)| vcs(i, v))
            .map(|o| with_history(o, ev)),
        (1, 2, 1) => find(ev, |f| {
            if let Facts::Composition(c) = f {
                Some(c)
            } else {
                None
            }
        })
        .map(|(i, c)| components_identified(i, c)),
        (1, 2, 2) => find(ev, |f| {
            if let Facts::Composition(c) = f {
                Some(c)
            } else {
                None
            }
        })
        .and_then(|(i, c)| release_rules::component_integrity(i, c, find(ev, ci_audit_of))),
        (1, 3, 2) => test_automation(ev).map(|o| with_ci_checks(o, ev)),
        (1, 4, 3) => find(ev, secrets_of).map(|(i, s)| source_rules::default_passwords(i, s)),
        (1, 4, 5) => find(ev, secrets_of).map(|(i, s)| source_rules::credentials_stored(i, s)),
        (2, 1, 3) => find(ev, ci_audit_of).map(|(i, c)| source_rules::token_scope(i, c)),
        (2, 1, 4) => source_rules::build_credentials(find(ev, secrets_of), find(ev, ci_audit_of)),
        (2, 2, 1) => release_rules::with_build_record(
            find(ev, provenance_of).map(|(i, p)| source_rules::changes_logged(i, p)),
            find(ev, releases_of),
            true,
        ),
        (2, 2, 2) => release_rules::with_build_record(
            source_rules::authorised_changes(find(ev, provenance_of), find(ev, ci_audit_of)),
            find(ev, releases_of),
            false,
        ),
        (3, 1, 1) => release_rules::verify_integrity(find(ev, releases_of), find(ev, ci_audit_of)),
        (3, 3, 2) => find(ev, handling_of).map(|(i, f)| vuln_rules::management_plan(i, f)),
        (3, 4, 1) => find(ev, handling_of).map(|(i, f)| vuln_rules::internal_informed(i, f)),
        (3, 4, 2) => find(ev, handling_of).map(|(i, f)| vuln_rules::customers_informed(i, f)),
        (3, 5, 1) => find(ev, handling_of).map(|(i, f)| vuln_rules::updates_timely(i, f)),
        (3, 3, 1) => find(ev, |f| {
            if let Facts::Vulnerabilities(v) = f {
                Some(v)
            } else {
                None
            }
        })
        .map(|(i, v)| vulnerability_knowledge(i, v)),
        (1, 4, 1) => find(ev, |f| {
            if let Facts::ThreatModel(t) = f {
                Some(t)
            } else {
                None
            }
        })
        .map(|(i, t)| threat_model(i, t)),
        (3, 2, 1) => find(ev, |f| {
            if let Facts::SecurityPolicy(p) = f {
                Some(p)
            } else {
                None
            }
        })
        .map(|(i, p)| disclosure_published(i, p))
        .map(|o| with_communication(o, ev, "3.2.1")),
        (3, 2, 2) => find(ev, |f| {
            if let Facts::SecurityPolicy(p) = f {
                Some(p)
            } else {
                None
            }
        })
        .map(|(i, p)| disclosure_confidential(i, p))
        .map(|o| with_communication(o, ev, "3.2.2")),
        (4, _, _) => find(ev, communication_of).and_then(|(i, c)| {
            communication_claim(i, c, &format!("{}.{}.{}", id.theme, id.principle, id.claim))
        }),
        _ => None,
    }
}

fn vcs(id: &str, v: &VcsFacts) -> Outcome {
    let Some(system) = &v.system else {
        return Outcome::new(
            Status::NotMet,
            "The assessed tree is not under version control, so its configuration items cannot be shown to be controlled.",
            &[id],
        );
    };
    if v.commits == 0 {
        return Outcome::new(
            Status::PartiallyMet,
            format!(
                "A {system} repository exists but has no commits yet, so nothing is under version control."
            ),
            &[id],
        );
    }
    let untracked: Vec<String> = v
        .config_items
        .iter()
        .filter(|c| !c.tracked)
        .map(|c| c.path.clone())
        .collect();
    let base = format!(
        "{} tracks {} files at commit {} ({} commits).",
        capital(system),
        v.tracked_files,
        short_commit(&v.head_commit),
        v.commits
    );
    if !untracked.is_empty() {
        return Outcome::new(
            Status::PartiallyMet,
            format!(
                "{base} {} of {} configuration items are not under version control: {}.",
                untracked.len(),
                v.config_items.len(),
                list(&untracked, 5)
            ),
            &[id],
        );
    }
    let extra = if v.untracked_files > 0 {
        format!(
            " {} other files are untracked (for example {}).",
            v.untracked_files,
            list(&v.untracked_sample, 3)
        )
    } else {
        String::new()
    };
    Outcome::new(
        Status::Met,
        format!(
            "{base} All {} configuration items identified (build definitions, lockfiles, CI, container and infrastructure files) are tracked.{extra}",
            v.config_items.len()
        ),
        &[id],
    )
}

/// How old the newest database record may be for knowledge to count as current.
const DB_FRESH_HOURS: i64 = 24;

fn vulnerability_knowledge(id: &str, v: &VulnerabilityFacts) -> Outcome {
    if let Some(e) = &v.error {
        return Outcome::new(
            Status::NeedsManualEvidence,
            format!(
                "Components could not be checked for known vulnerabilities: {e}. Alternatively, register evidence of how public vulnerabilities are monitored."
            ),
            &[id],
        );
    }
    if v.records == 0 {
        return Outcome::new(
            Status::NeedsManualEvidence,
            format!(
                "The vulnerability database {} holds no records, so no component was checked. Run `safeguard db update`.",
                v.database
            ),
            &[id],
        );
    }
    let open: u64 = v.open.values().sum();
    let by_rating: Vec<String> = ["critical", "high", "medium", "low", "unknown"]
        .iter()
        .filter_map(|r| {
            v.open
                .get(*r)
                .filter(|n| **n > 0)
                .map(|n| format!("{n} {r}"))
        })
        .collect();
    let findings = if open == 0 {
        "no open findings".to_string()
    } else {
        format!(
            "{} ({}); their handling is judged under 3.3.2",
            plural(open, "open finding"),
            by_rating.join(", ")
        )
    };
    let base = format!(
        "{} checked against {} vulnerability records: {findings}{}.",
        plural(v.components, "component"),
        v.records,
        if v.suppressed > 0 {
            format!(", {} suppressed by VEX or the ignore file", v.suppressed)
        } else {
            String::new()
        }
    );
    let mut gaps = Vec::new();
    match v.age_hours {
        Some(h) if h > DB_FRESH_HOURS => gaps.push(format!(
            "the newest record was modified {} ago ({}), more than {DB_FRESH_HOURS} h before this run, so the knowledge is not current; run `safeguard db update` before each assessment",
            if h >= 48 { format!("{} days", h / 24) } else { format!("{h} h") },
            v.newest_modified.as_deref().unwrap_or("unknown")
        )),
        None => gaps.push("the database does not say when its records were modified".to_string()),
        _ => {}
    }
    if v.unchecked * 10 > v.components {
        gaps.push(format!(
            "{} of {} components could not be checked (no OSV ecosystem, no version, or a version that does not parse)",
            v.unchecked, v.components
        ));
    }
    if gaps.is_empty() {
        let note = if v.unchecked > 0 {
            format!(
                " {} could not be checked.",
                plural(v.unchecked, "component")
            )
        } else {
            String::new()
        };
        Outcome::new(
            Status::Met,
            format!("{base} The database was updated within {DB_FRESH_HOURS} h of the run.{note}"),
            &[id],
        )
    } else {
        Outcome::new(
            Status::PartiallyMet,
            format!("{base} But {}.", gaps.join("; and ")),
            &[id],
        )
    }
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn ecosystems_phrase(c: &CompositionFacts) -> String {
    let parts: Vec<String> = c
        .ecosystems
        .iter()
        .filter(|e| e.components > 0)
        .map(|e| format!("{} {}", e.components, e.ecosystem))
        .collect();
    parts.join(", ")
}

fn components_identified(id: &str, c: &CompositionFacts) -> Outcome {
    let failed: Vec<String> = c
        .files
        .iter()
        .filter_map(|f| f.error.as_ref().map(|e| format!("{}:{e}", f.path)))
        .collect();
    let read = c.files.len() - failed.len();
    if c.files.is_empty() && c.manifests_without_lockfile.is_empty() {
        return Outcome::new(
            Status::NeedsManualEvidence,
            "No package manifest or lockfile was found, so no third-party component could be identified automatically. Components outside package managers (vendored code, compilers, build tools) must be documented by hand.",
            &[id],
        );
    }
    let base = format!(
        "{} identified from {}{}{}.",
        plural(c.components, "third-party component"),
        plural(read as u64, "lockfile"),
        if c.components > 0 {
            format!(" ({})", ecosystems_phrase(c))
        } else {
            String::new()
        },
        if c.direct + c.transitive > 0 {
            format!(", {} direct and {} transitive", c.direct, c.transitive)
        } else {
            String::new()
        }
    );
    let mut gaps = Vec::new();
    if !failed.is_empty() {
        gaps.push(format!(
            "{} lockfiles could not be read: {}",
            failed.len(),
            list(&failed, 3)
        ));
    }
    if !c.manifests_without_lockfile.is_empty() {
        gaps.push(format!(
            "{} manifests have no lockfile pinning their dependencies: {}",
            c.manifests_without_lockfile.len(),
            list(&c.manifests_without_lockfile, 5)
        ));
    }
    if gaps.is_empty() {
        Outcome::new(
            Status::Met,
            format!(
                "{base} Every manifest found is covered by a lockfile, and the SBOM in the report folder documents each component with its package URL and source file."
            ),
            &[id],
        )
    } else {
        Outcome::new(
            Status::PartiallyMet,
            format!(
                "{base} Not every component is identified: {}.",
                gaps.join("; ")
            ),
            &[id],
        )
    }
}

fn communication_of(f: &Facts) -> Option<&safeguard_model::facts::CommunicationFacts> {
    if let Facts::Communication(c) = f {
        Some(c)
    } else {
        None
    }
}

/// `check at location (detail)` for the argument.
fn describe_check(c: &safeguard_model::facts::CommunicationCheck) -> String {
    let place = c
        .location
        .as_deref()
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    format!("{} {}{place}: {}", c.source, c.check, c.detail)
}

/// A theme-4 claim judged from the communication checks that support it: met when every
/// check passes (pending clocks do not count against it), not met when none does, partially
/// met otherwise. `None` when no check supports the claim.
fn communication_claim(
    id: &str,
    c: &safeguard_model::facts::CommunicationFacts,
    claim: &str,
) -> Option<Outcome> {
    let checks: Vec<_> = c.checks.iter().filter(|k| k.claim == claim).collect();
    if checks.is_empty() {
        return None;
    }
    let failed: Vec<String> = checks
        .iter()
        .filter(|k| k.status == "fail")
        .map(|k| describe_check(k))
        .collect();
    let pending: Vec<String> = checks
        .iter()
        .filter(|k| k.status == "pending")
        .map(|k| describe_check(k))
        .collect();
    let passed = checks.iter().filter(|k| k.status == "pass").count();
    let sources: Vec<String> = {
        let mut s: Vec<String> = checks.iter().map(|k| k.source.clone()).collect();
        s.dedup();
        s
    };
    let base = format!(
        "{passed} of {} checks from {} pass.",
        checks.len(),
        sources.join(" and ")
    );
    let pend = if pending.is_empty() {
        String::new()
    } else {
        format!(" Pending: {}.", list(&pending, 3))
    };
    Some(if failed.is_empty() {
        let passed_list: Vec<String> = checks
            .iter()
            .filter(|k| k.status == "pass")
            .map(|k| describe_check(k))
            .collect();
        Outcome::new(
            Status::Met,
            format!("{base} {}.{pend}", list(&passed_list, 3)),
            &[id],
        )
    } else if passed == 0 && pending.is_empty() {
        Outcome::new(
            Status::NotMet,
            format!("{base} Failing: {}.", list(&failed, 4)),
            &[id],
        )
    } else {
        Outcome::new(
            Status::PartiallyMet,
            format!("{base} Failing: {}.{pend}", list(&failed, 4)),
            &[id],
        )
    })
}

/// Add the security.txt and disclosure-policy checks for `claim` to a 3.2 outcome. A failed
/// required check (a required policy element absent, an invalid or expired security.txt)
/// keeps the claim from being met.
fn with_communication(o: Outcome, ev: &[Cited<'_>], claim: &str) -> Outcome {
    let Some((cid, c)) = find(ev, communication_of) else {
        return o;
    };
    let checks: Vec<_> = c.checks.iter().filter(|k| k.claim == claim).collect();
    if checks.is_empty() {
        return o;
    }
    let failed_required: Vec<String> = checks
        .iter()
        .filter(|k| k.status == "fail" && k.required)
        .map(|k| describe_check(k))
        .collect();
    let failed_other: Vec<String> = checks
        .iter()
        .filter(|k| k.status == "fail" && !k.required)
        .map(|k| describe_check(k))
        .collect();
    let passed = checks.iter().filter(|k| k.status == "pass").count();
    let mut argument = format!(
        "{} The disclosure checks pass {passed} of {}.",
        o.argument,
        checks.len()
    );
    if !failed_required.is_empty() {
        argument.push_str(&format!(
            " Required but failing: {}.",
            list(&failed_required, 4)
        ));
    }
    if !failed_other.is_empty() {
        argument.push_str(&format!(
            " Recommended but missing: {}.",
            list(&failed_other, 4)
        ));
    }
    let status = if o.status == Status::Met && !failed_required.is_empty() {
        Status::PartiallyMet
    } else {
        o.status
    };
    let mut cites = o.cites;
    cites.push(cid.to_string());
    Outcome {
        status,
        argument,
        cites,
    }
}

fn secrets_of(f: &Facts) -> Option<&safeguard_model::facts::SecretsFacts> {
    if let Facts::Secrets(s) = f {
        Some(s)
    } else {
        None
    }
}

fn ci_audit_of(f: &Facts) -> Option<&safeguard_model::facts::CiAuditFacts> {
    if let Facts::CiAudit(c) = f {
        Some(c)
    } else {
        None
    }
}

fn handling_of(f: &Facts) -> Option<&safeguard_model::facts::VulnHandlingFacts> {
    if let Facts::VulnHandling(v) = f {
        Some(v)
    } else {
        None
    }
}

fn releases_of(f: &Facts) -> Option<&safeguard_model::facts::ReleaseFacts> {
    if let Facts::Releases(r) = f {
        Some(r)
    } else {
        None
    }
}

fn provenance_of(f: &Facts) -> Option<&safeguard_model::facts::SourceProvenanceFacts> {
    if let Facts::SourceProvenance(p) = f {
        Some(p)
    } else {
        None
    }
}

/// Add what the commit history shows (authorship, signatures) to the version-control argument.
fn with_history(mut o: Outcome, ev: &[Cited<'_>]) -> Outcome {
    let Some((id, p)) = find(ev, provenance_of) else {
        return o;
    };
    if p.commits == 0 {
        return o;
    }
    let unsigned = p.signature_kinds.get("none").copied().unwrap_or(0);
    let good = p.verification.get("good").copied().unwrap_or(0);
    o.argument.push_str(&format!(
        " The history read ({}) records {} by {}; {} signed{}.",
        p.range,
        plural(p.commits, "commit"),
        plural(p.authors, "author"),
        p.commits - unsigned,
        if p.trust.is_empty() {
            String::new()
        } else {
            format!(
                ", {good} with a good signature against {}",
                p.trust.join(" and ")
            )
        }
    ));
    o.cites.push(id.to_string());
    o
}

/// Add the security checks the CI audit saw (SAST, fuzzing) to the test-automation argument.
fn with_ci_checks(mut o: Outcome, ev: &[Cited<'_>]) -> Outcome {
    let Some((id, c)) = find(ev, ci_audit_of) else {
        return o;
    };
    let mut parts = Vec::new();
    if !c.sast.is_empty() {
        parts.push(format!("static analysis ({})", list(&c.sast, 2)));
    }
    if !c.fuzzing.is_empty() {
        parts.push(format!("fuzzing ({})", list(&c.fuzzing, 2)));
    }
    if parts.is_empty() {
        o.argument
            .push_str(" The pipelines run no static analysis or fuzzing step.");
    } else {
        o.argument
            .push_str(&format!(" The pipelines also run {}.", parts.join(" and ")));
    }
    o.cites.push(id.to_string());
    o
}

fn test_automation(ev: &[Cited<'_>]) -> Option<Outcome> {
    let tests = find(ev, |f| {
        if let Facts::TestSuites(t) = f {
            Some(t)
        } else {
            None
        }
    });
    let ci = find(ev, |f| {
        if let Facts::CiConfig(c) = f {
            Some(c)
        } else {
            None
        }
    });
    if tests.is_none() && ci.is_none() {
        return None;
    }
    let cites: Vec<&str> = [tests.map(|t| t.0), ci.map(|c| c.0)]
        .into_iter()
        .flatten()
        .collect();
    let empty_t = TestFacts::default();
    let empty_c = CiFacts::default();
    let t = tests.map_or(&empty_t, |t| t.1);
    let c = ci.map_or(&empty_c, |c| c.1);
    let files: u64 = t.languages.iter().map(|l| l.test_files).sum();
    let langs: Vec<String> = t
        .languages
        .iter()
        .map(|l| format!("{} ({} files)", l.language, l.test_files))
        .collect();
    let mut commands: Vec<String> = c
        .files
        .iter()
        .flat_map(|f| f.test_commands.iter().cloned())
        .collect();
    commands.sort();
    commands.dedup();
    let systems = c.systems.join(", ");
    let fuzz = if t.fuzz_targets.is_empty() {
        String::new()
    } else {
        format!(" {} fuzz targets were also found.", t.fuzz_targets.len())
    };
    let o = match (files > 0, !c.systems.is_empty(), !commands.is_empty()) {
        (true, true, true) => Outcome::new(
            Status::Met,
            format!(
                "Test suites were found for {} and CI configuration ({systems}) runs tests with {}.{fuzz}",
                langs.join(", "),
                list(&commands, 4)
            ),
            &cites,
        ),
        (true, true, false) => Outcome::new(
            Status::PartiallyMet,
            format!(
                "Test suites were found for {}, and CI configuration ({systems}) is present, but no test command was recognised in it.{fuzz}",
                langs.join(", ")
            ),
            &cites,
        ),
        (true, false, _) => Outcome::new(
            Status::PartiallyMet,
            format!(
                "Test suites were found for {}, but no CI configuration runs them automatically.{fuzz}",
                langs.join(", ")
            ),
            &cites,
        ),
        (false, true, true) => Outcome::new(
            Status::PartiallyMet,
            format!(
                "CI configuration ({systems}) runs {}, but no test files were recognised in the repository.",
                list(&commands, 4)
            ),
            &cites,
        ),
        (false, _, _) => Outcome::new(
            Status::NotMet,
            "No test suites were found in the repository and no CI configuration runs tests.",
            &cites,
        ),
    };
    Some(o)
}

fn threat_model(id: &str, t: &ThreatModelFacts) -> Outcome {
    if t.documents.is_empty() {
        return Outcome::new(
            Status::NeedsManualEvidence,
            "No threat-model document was found in the repository; register one as manual evidence if it is kept elsewhere.",
            &[id],
        );
    }
    let docs = list(&t.documents, 3);
    let when = t
        .last_threat_model_change
        .as_ref()
        .map(|c| {
            format!(
                " was last revised on {} (commit {})",
                day(&c.time),
                short(&c.commit, 12)
            )
        })
        .unwrap_or_default();
    match t.stale {
        Some(false) => Outcome::new(
            Status::Met,
            format!(
                "Threat model {docs}{when}, after the last change to architecture-relevant files{}.",
                t.last_architecture_change
                    .as_ref()
                    .map(|c| format!(" ({})", day(&c.time)))
                    .unwrap_or_default()
            ),
            &[id],
        ),
        Some(true) => Outcome::new(
            Status::PartiallyMet,
            format!(
                "Threat model {docs}{when}, but {} architecture-relevant files changed since ({}); the Code asks for threat modelling to be repeated on material change.",
                t.changed_since_threat_model.len(),
                list(&t.changed_since_threat_model, 3)
            ),
            &[id],
        ),
        None if t.architecture_files == 0 => Outcome::new(
            Status::Met,
            format!(
                "Threat model {docs}{}; no architecture-relevant files were found that it could lag behind.",
                if when.is_empty() {
                    " is present"
                } else {
                    when.as_str()
                }
            ),
            &[id],
        ),
        None => Outcome::new(
            Status::PartiallyMet,
            format!(
                "Threat model {docs} is present, but without version-control history it cannot be shown to follow the {} architecture-relevant files.",
                t.architecture_files
            ),
            &[id],
        ),
    }
}

fn disclosure_published(id: &str, p: &SecurityPolicyFacts) -> Outcome {
    if p.documents.is_empty() {
        return Outcome::new(
            Status::NotMet,
            "No vulnerability disclosure policy (SECURITY.md, security.txt) was found in the repository.",
            &[id],
        );
    }
    let with_contact: Vec<String> = p
        .documents
        .iter()
        .filter(|d| {
            !d.emails.is_empty() || !d.urls.is_empty() || !d.confidential_channels.is_empty()
        })
        .map(|d| d.path.clone())
        .collect();
    let paths: Vec<String> = p.documents.iter().map(|d| d.path.clone()).collect();
    if with_contact.is_empty() {
        return Outcome::new(
            Status::PartiallyMet,
            format!(
                "{} is present but names no contact or channel for reporting a vulnerability.",
                list(&paths, 3)
            ),
            &[id],
        );
    }
    let mut contacts: Vec<String> = p
        .documents
        .iter()
        .flat_map(|d| d.emails.iter().cloned())
        .collect();
    if contacts.is_empty() {
        contacts = p
            .documents
            .iter()
            .flat_map(|d| d.urls.iter().cloned())
            .collect();
    }
    contacts.sort();
    contacts.dedup();
    let extras: Vec<&str> = [
        p.documents
            .iter()
            .any(|d| d.states_response_time)
            .then_some("response times"),
        p.documents
            .iter()
            .any(|d| d.lists_supported_versions)
            .then_some("supported versions"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let extra = if extras.is_empty() {
        String::new()
    } else {
        format!(" It also states {}.", extras.join(" and "))
    };
    Outcome::new(
        Status::Met,
        format!(
            "{} publishes a vulnerability disclosure process with a reporting contact ({}).{extra}",
            list(&with_contact, 3),
            list(&contacts, 2)
        ),
        &[id],
    )
}

fn disclosure_confidential(id: &str, p: &SecurityPolicyFacts) -> Outcome {
    if p.documents.is_empty() {
        return Outcome::new(
            Status::NotMet,
            "No vulnerability disclosure policy was found, so nothing explains how to report confidentially.",
            &[id],
        );
    }
    let mut channels: Vec<String> = p
        .documents
        .iter()
        .flat_map(|d| d.confidential_channels.iter().cloned())
        .collect();
    channels.sort();
    channels.dedup();
    let discourages = p.documents.iter().any(|d| d.discourages_public_reports);
    if channels.is_empty() {
        return if discourages {
            Outcome::new(
                Status::PartiallyMet,
                "The policy asks reporters not to disclose publicly but names no confidential channel to use instead.",
                &[id],
            )
        } else {
            Outcome::new(
                Status::NotMet,
                "The policy names no confidential reporting channel (private e-mail, private advisory, encryption key or web form).",
                &[id],
            )
        };
    }
    let names: Vec<String> = channels
        .iter()
        .map(|c| channel_name(c).to_string())
        .collect();
    Outcome::new(
        Status::Met,
        format!(
            "The policy offers confidential reporting by {}{}.",
            names.join(", "),
            if discourages {
                " and asks reporters not to disclose publicly"
            } else {
                ""
            }
        ),
        &[id],
    )
}

fn channel_name(c: &str) -> &str {
    match c {
        "email" => "e-mail",
        "private-advisory" => "private security advisory",
        "encryption-key" => "encrypted message (published key)",
        "web-form" => "web form",
        "bug-bounty" => "bug bounty programme",
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Manual evidence: the register in safeguard.toml and imported self-assessments.

fn manual(id: ClaimId, ev: &[Cited<'_>]) -> Option<Outcome> {
    let mut best: Option<Outcome> = None;
    for c in ev.iter().filter(|c| c.evidence.claims.contains(&id)) {
        let o = match &c.evidence.facts {
            Facts::ManualDocument(m) => manual_document(c.id, m),
            Facts::ImportedStatement(s) => imported(c.id, s),
            _ => continue,
        };
        best = match best {
            Some(b) if b.status.rank() > o.status.rank() => Some(b),
            Some(mut b) if b.status == o.status => {
                b.cites.extend(o.cites);
                Some(b)
            }
            _ => Some(o),
        };
    }
    best
}

fn manual_document(id: &str, m: &ManualDocumentFacts) -> Outcome {
    let who = format!(
        "\"{}\" (owner {}, reviewed {})",
        m.title,
        m.owner,
        m.reviewed.as_deref().unwrap_or("never")
    );
    if m.digest == "missing" {
        return Outcome::new(
            Status::NotMet,
            format!(
                "Manual evidence {who} is registered, but its document `{}` does not exist.",
                m.location
            ),
            &[id],
        );
    }
    if m.expired {
        return Outcome::new(
            Status::PartiallyMet,
            format!(
                "Manual evidence {who} expired on {}; review it and renew the register entry.",
                m.expires.as_deref().unwrap_or("?")
            ),
            &[id],
        );
    }
    if m.digest == "mismatched" {
        return Outcome::new(
            Status::PartiallyMet,
            format!(
                "Manual evidence {who} changed since it was registered (its SHA-256 no longer matches); review it and update the digest."
            ),
            &[id],
        );
    }
    let digest = match m.digest.as_str() {
        "matched" => "its digest matches",
        "unverifiable" => "it is a URL whose digest cannot be checked offline",
        _ => "no digest is recorded for it",
    };
    Outcome::new(
        Status::Met,
        format!(
            "Manual evidence {who} supports this claim until {}; {digest}.",
            m.expires.as_deref().unwrap_or("?")
        ),
        &[id],
    )
}

fn imported(id: &str, s: &ImportedStatementFacts) -> Outcome {
    let status = match s.status.as_str() {
        "implemented" => Status::Met,
        "partial" => Status::PartiallyMet,
        "not_applicable" => Status::NotApplicable,
        _ => Status::NotMet,
    };
    let refs = if s.evidence.is_empty() {
        "no evidence".to_string()
    } else {
        list(&s.evidence, 3)
    };
    Outcome::new(
        status,
        format!(
            "The imported self-assessment `{}` declares brief principle {} \"{}\" {} (citing {refs}).",
            s.source,
            s.principle,
            s.statement,
            s.status.replace('_', " ")
        ),
        &[id],
    )
}

// ---------------------------------------------------------------------------------------------
// Roll-ups and the brief's 1–14 view.

/// Counts for a set of claim results.
pub fn counts<'a>(results: impl IntoIterator<Item = &'a ClaimResult>) -> Counts {
    let mut c = Counts::default();
    for r in results {
        c.add(r.status);
    }
    c
}

/// The brief's template status for a set of claims.
pub fn brief_status(c: &Counts) -> &'static str {
    match c.rollup() {
        Status::NotApplicable => "not_applicable",
        Status::Met => "implemented",
        Status::PartiallyMet => "partial",
        Status::NotMet | Status::NeedsManualEvidence => {
            if c.met + c.partially_met > 0 {
                "partial"
            } else {
                "not_implemented"
            }
        }
    }
}

/// The brief's 14 principles, from the claim results.
pub fn brief(
    results: &[ClaimResult],
    references: impl Fn(&str) -> Vec<String>,
) -> Vec<BriefResult> {
    catalogue::BRIEF
        .iter()
        .map(|b: &BriefPrinciple| {
            let claims = b.claims();
            let rs: Vec<&ClaimResult> = results.iter().filter(|r| claims.contains(&r.id)).collect();
            let c = counts(rs.iter().copied());
            let mut evidence: Vec<String> = rs
                .iter()
                .filter(|r| matches!(r.status, Status::Met | Status::PartiallyMet))
                .flat_map(|r| r.evidence.iter().flat_map(|id| references(id)))
                .collect();
            evidence.sort();
            evidence.dedup();
            BriefResult {
                id: b.id,
                theme: b.theme.to_string(),
                statement: capital(b.topic),
                status: brief_status(&c).to_string(),
                claims,
                evidence,
            }
        })
        .collect()
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn short(s: &str, n: usize) -> &str {
    &s[..s.len().min(n)]
}

fn day(rfc3339: &str) -> &str {
    short(rfc3339, 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::facts::{CommunicationCheck, CommunicationFacts};

    fn check(claim: &str, status: &str, required: bool, name: &str) -> CommunicationCheck {
        CommunicationCheck {
            claim: claim.into(),
            source: "lifecycle".into(),
            check: name.into(),
            status: status.into(),
            required,
            location: Some("acme 4.2".into()),
            detail: format!("{name} {status}"),
        }
    }

    fn facts(checks: Vec<CommunicationCheck>) -> CommunicationFacts {
        CommunicationFacts {
            sources: vec!["safeguard.toml [lifecycle]".into()],
            checks,
            errors: Vec::new(),
        }
    }

    #[test]
    fn theme_four_claims_from_communication_checks() {
        let f = facts(vec![
            check("4.2.1", "pass", true, "notice-period"),
            check("4.2.1", "pass", true, "notice-due"),
            check("4.1.1", "pass", true, "end-of-support-date"),
            check("4.1.1", "fail", true, "shipped-after-end"),
            check("4.1.2", "fail", true, "update-policy"),
            check("4.3.2", "pending", true, "cra-final-report"),
        ]);
        let o = communication_claim("e1", &f, "4.2.1").expect("checks");
        assert_eq!(o.status, Status::Met);
        assert!(
            o.argument.starts_with("2 of 2 checks from lifecycle pass."),
            "{}",
            o.argument
        );
        assert_eq!(o.cites, ["e1"]);
        let o = communication_claim("e1", &f, "4.1.1").expect("checks");
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(
            o.argument.contains(
                "Failing: `lifecycle shipped-after-end (acme 4.2): shipped-after-end fail`"
            ),
            "{}",
            o.argument
        );
        assert_eq!(
            communication_claim("e1", &f, "4.1.2")
                .expect("checks")
                .status,
            Status::NotMet
        );
        // A pending clock is neither a pass nor a failure.
        let o = communication_claim("e1", &f, "4.3.2").expect("checks");
        assert_eq!(o.status, Status::Met);
        assert!(o.argument.contains("Pending: "), "{}", o.argument);
        assert_eq!(communication_claim("e1", &f, "4.3.1"), None);
    }

    #[test]
    fn disclosure_checks_refine_principle_3_2() {
        let f = facts(vec![
            check("3.2.1", "pass", true, "scope"),
            check("3.2.1", "fail", false, "safe_harbour"),
            check("3.2.2", "fail", true, "confidential_channel"),
        ]);
        let e = Evidence {
            subject: safeguard_model::Subject::default(),
            observed_at: "2026-01-01T00:00:00Z".into(),
            producer: safeguard_model::Producer {
                tool: "safeguard".into(),
                version: "test".into(),
                collector: "communication".into(),
                ci_run: None,
            },
            claims: Vec::new(),
            summary: String::new(),
            facts: Facts::Communication(f),
            artefacts: Vec::new(),
        };
        let ev = [Cited {
            id: "c1",
            evidence: &e,
        }];
        let met = Outcome::new(
            Status::Met,
            "SECURITY.md names security@acme.example.",
            &["p1"],
        );
        // An optional element missing is reported but does not lower the status.
        let o = with_communication(met.clone(), &ev, "3.2.1");
        assert_eq!(o.status, Status::Met);
        assert!(
            o.argument
                .contains("Recommended but missing: `lifecycle safe_harbour"),
            "{}",
            o.argument
        );
        assert_eq!(o.cites, ["p1", "c1"]);
        // A required element failing does.
        let o = with_communication(met.clone(), &ev, "3.2.2");
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(
            o.argument.contains("Required but failing: "),
            "{}",
            o.argument
        );
        // No checks for the claim: unchanged.
        assert_eq!(with_communication(met.clone(), &[], "3.2.1"), met);
    }

    #[test]
    fn lists_read_as_english() {
        let items = |n: usize| (1..=n).map(|i| format!("f{i}")).collect::<Vec<_>>();
        assert_eq!(list(&items(0), 3), "");
        assert_eq!(list(&items(1), 3), "`f1`");
        assert_eq!(list(&items(2), 3), "`f1` and `f2`");
        assert_eq!(list(&items(3), 3), "`f1`, `f2` and `f3`");
        assert_eq!(list(&items(5), 3), "`f1`, `f2`, `f3` and 2 more");
        assert_eq!(list(&items(0), 0), "");
    }
}
