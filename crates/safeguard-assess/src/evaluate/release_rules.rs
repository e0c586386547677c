//! Evaluators for the evidence of the releases collector and the integrity of third-party
//! components: claims 3.1.1 and 1.2.2, and the build-record additions to 2.2.1 and 2.2.2.

use safeguard_model::facts::{CiAuditFacts, CompositionFacts, ReleaseArtifact, ReleaseFacts};

use super::{Outcome, list, plural};
use crate::assessment::Status;

/// The paths of the artefacts whose check (`pick`) has `status`, with the reason.
fn with_status(
    r: &ReleaseFacts,
    pick: fn(&ReleaseArtifact) -> &safeguard_model::facts::ReleaseCheck,
    status: &str,
) -> Vec<String> {
    r.artifacts
        .iter()
        .filter(|a| pick(a).status == status)
        .map(|a| a.path.clone())
        .collect()
}

fn not_verified(
    r: &ReleaseFacts,
    pick: fn(&ReleaseArtifact) -> &safeguard_model::facts::ReleaseCheck,
) -> Vec<String> {
    r.artifacts
        .iter()
        .filter(|a| pick(a).status != "verified")
        .map(|a| {
            let c = pick(a);
            match &c.reason {
                Some(why) => format!("{} ({}: {why})", a.path, c.status),
                None => format!("{} ({})", a.path, c.status),
            }
        })
        .collect()
}

fn sig(a: &ReleaseArtifact) -> &safeguard_model::facts::ReleaseCheck {
    &a.signature
}

fn prov(a: &ReleaseArtifact) -> &safeguard_model::facts::ReleaseCheck {
    &a.provenance
}

fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = items.collect();
    v.sort();
    v.dedup();
    v
}

/// What the reproducible-build reports say, as a sentence (empty without reports).
fn repro_sentence(r: &ReleaseFacts) -> String {
    if r.repro.is_empty() {
        return String::new();
    }
    let ok: Vec<String> = r
        .repro
        .iter()
        .filter(|x| x.reproducible == Some(true))
        .map(|x| format!("{} ({} artefacts identical)", x.path, x.identical))
        .collect();
    let bad: Vec<String> = r
        .repro
        .iter()
        .filter(|x| x.reproducible != Some(true))
        .map(|x| match (&x.error, &x.first_difference) {
            (Some(e), _) => format!("{} (unreadable: {e})", x.path),
            (None, Some(d)) => format!("{} ({d})", x.path),
            (None, None) => x.path.clone(),
        })
        .collect();
    let mut s = String::new();
    if !ok.is_empty() {
        s.push_str(&format!(
            " Reproducible-build checks show identical artefacts from two independent builds in {}, so tampering in one build environment would be detectable.",
            list(&ok, 3)
        ));
    }
    if !bad.is_empty() {
        s.push_str(&format!(
            " Reproducible-build checks did not reproduce: {}.",
            list(&bad, 3)
        ));
    }
    s
}

/// 3.1.1 Customers can verify the integrity of software and updates.
pub(super) fn verify_integrity(
    rel: Option<(&str, &ReleaseFacts)>,
    ci: Option<(&str, &CiAuditFacts)>,
) -> Option<Outcome> {
    let signing: &[String] = ci.map_or(&[], |c| c.1.signing.as_slice());
    let instructions: &[String] = rel.map_or(&[], |r| r.1.instructions.as_slice());
    let how = if instructions.is_empty() {
        "no instructions telling customers how to verify a download were found in README, SECURITY, VERIFY, INSTALL or docs/ (add the `safeguard verify` or `cosign verify-blob` command they should run)".to_string()
    } else {
        format!(
            "customers are told how to verify in {}",
            list(instructions, 3)
        )
    };
    let (rid, r) = match rel {
        Some((id, r)) if !r.artifacts.is_empty() => (id, r),
        _ => {
            // No artefacts checked: what the pipelines and the repository show.
            let committed: Vec<String> = rel
                .map(|r| r.1.committed.iter().map(|c| c.path.clone()).collect())
                .unwrap_or_default();
            if signing.is_empty() && instructions.is_empty() && committed.is_empty() {
                return None;
            }
            let mut cites: Vec<&str> = Vec::new();
            let mut seen = Vec::new();
            if !signing.is_empty()
                && let Some((cid, _)) = ci
            {
                cites.push(cid);
                seen.push(format!(
                    "the CI signs or attests releases ({})",
                    list(signing, 3)
                ));
            }
            if let Some((id, r)) = rel {
                cites.push(id);
                if !committed.is_empty() {
                    seen.push(format!(
                        "the repository holds {} ({})",
                        plural(committed.len() as u64, "signature or attestation file"),
                        list(&committed, 3)
                    ));
                }
                if !r.gaps.is_empty() {
                    seen.push(format!("problems: {}", list(&r.gaps, 3)));
                }
            }
            seen.push(how);
            return Some(Outcome::new(
                Status::PartiallyMet,
                format!(
                    "No release artefacts were checked: {}. To show customers can verify what they install, list the released files in `[release] artifacts = [\"dist/*\"]` with the signing key in `public_keys`, sign each with `safeguard sign` and attest it with `safeguard attest provenance`.",
                    seen.join("; ")
                ),
                &cites,
            ));
        }
    };
    let mut cites = vec![rid];
    let n = r.artifacts.len();
    let signed = with_status(r, sig, "verified");
    let attested = with_status(r, prov, "verified");
    let keys = distinct(
        r.artifacts
            .iter()
            .filter_map(|a| a.signature.key_id.clone())
            .map(|k| k[..k.len().min(12)].to_string()),
    );
    let builders = distinct(
        r.artifacts
            .iter()
            .filter_map(|a| a.provenance.builder_id.clone()),
    );
    let repro = repro_sentence(r);
    if signed.is_empty() {
        return Some(Outcome::new(
            Status::NotMet,
            format!(
                "None of the {} release artefacts has a signature customers could verify: {}. Sign each with `safeguard sign` and publish the public key; {how}.{repro}",
                n,
                list(&not_verified(r, sig), 3)
            ),
            &cites,
        ));
    }
    if signed.len() == n && attested.len() == n && !instructions.is_empty() {
        return Some(Outcome::new(
            Status::Met,
            format!(
                "All {n} release artefacts have a signature bundle that verifies with key {} and a signed SLSA provenance attestation naming them (builder {}); {how}.{repro}",
                list(&keys, 2),
                list(&builders, 2)
            ),
            &cites,
        ));
    }
    let mut gaps = Vec::new();
    if signed.len() < n {
        gaps.push(format!(
            "{} of {n} artefacts lack a verified signature: {}",
            n - signed.len(),
            list(&not_verified(r, sig), 3)
        ));
    }
    if attested.len() < n {
        gaps.push(format!(
            "{} of {n} lack a verified provenance attestation: {} (attest them with `safeguard attest provenance --subject FILE` and list the bundle in `[release] provenance`)",
            n - attested.len(),
            list(&not_verified(r, prov), 3)
        ));
    }
    if instructions.is_empty() {
        gaps.push(how.clone());
    }
    if let Some((cid, _)) = ci
        && !signing.is_empty()
    {
        cites.push(cid);
    }
    Some(Outcome::new(
        Status::PartiallyMet,
        format!(
            "{} of {n} release artefacts have a verified signature and {} a verified provenance attestation{}. Gaps: {}.{repro}",
            signed.len(),
            attested.len(),
            if instructions.is_empty() {
                String::new()
            } else {
                format!("; {how}")
            },
            gaps.join("; ")
        ),
        &cites,
    ))
}

/// 1.2.2 The integrity of third-party components and their updates is verified: strong
/// lockfile hashes, and CI installs that enforce them.
pub(super) fn component_integrity(
    id: &str,
    c: &CompositionFacts,
    ci: Option<(&str, &CiAuditFacts)>,
) -> Option<Outcome> {
    if c.components == 0 {
        return None;
    }
    let pct = |n: u64, d: u64| (n as f64 * 1000.0 / d as f64).floor() / 10.0;
    let without: Vec<String> = c
        .ecosystems
        .iter()
        .filter(|e| e.with_integrity < e.components)
        .map(|e| {
            format!(
                "{} of {} {}",
                e.components - e.with_integrity,
                e.components,
                e.ecosystem
            )
        })
        .collect();
    let weak = if c.weak_integrity > 0 {
        format!(
            " {} only MD5 or SHA-1 hashes, which are open to collisions and do not count.",
            if c.weak_integrity == 1 {
                "1 component carries".to_string()
            } else {
                format!("{} components carry", c.weak_integrity)
            }
        )
    } else {
        String::new()
    };
    let mut cites = vec![id];
    let installs: &[String] = ci.map_or(&[], |c| c.1.installs.as_slice());
    let verified: Vec<String> = installs
        .iter()
        .filter_map(|i| i.strip_suffix(" verified").map(str::to_string))
        .collect();
    let unverified: Vec<String> = installs
        .iter()
        .filter_map(|i| i.strip_suffix(" unverified").map(str::to_string))
        .collect();
    if let Some((cid, _)) = ci
        && !installs.is_empty()
    {
        cites.push(cid);
    }
    let ci_sentence = match (verified.is_empty(), unverified.is_empty(), ci.is_some()) {
        (_, _, false) | (true, true, true) => {
            " No dependency install was seen in CI, so nothing there bypasses the lockfiles."
                .to_string()
        }
        (false, true, true) => format!(
            " CI installs enforce the lockfile hashes ({}).",
            list(&verified, 3)
        ),
        (_, false, true) => format!(
            " But CI installs dependencies without enforcing the lockfile hashes: {}; use `npm ci`, `--frozen-lockfile`, `pip install --require-hashes`, `uv sync --locked` or `cargo … --locked`.",
            list(&unverified, 3)
        ),
    };
    if c.with_integrity == 0 {
        return Some(Outcome::new(
            Status::NotMet,
            format!(
                "None of the {} third-party components has a SHA-256 or stronger integrity hash in a lockfile, so nothing checks that what is installed is what was reviewed.{weak}",
                c.components
            ),
            &cites,
        ));
    }
    let base = format!(
        "{} of {} ({}%) have a SHA-256 or stronger integrity hash in their lockfile, which the package manager checks on every install and update.{weak}",
        c.with_integrity,
        plural(c.components, "third-party component"),
        pct(c.with_integrity, c.components)
    );
    let status = if c.with_integrity == c.components && unverified.is_empty() {
        Status::Met
    } else {
        Status::PartiallyMet
    };
    let missing = if c.with_integrity < c.components {
        format!(" Without one: {}.", list(&without, 5))
    } else {
        String::new()
    };
    Some(Outcome::new(
        status,
        format!("{base}{missing}{ci_sentence}"),
        &cites,
    ))
}

/// 2.2.1 and 2.2.2: add what the signed provenance and the reproducible-build reports show.
/// A signed build record is a log of each build's parameters, so for 2.2.1 it turns "no
/// evidence" into partially met; otherwise the status is left as the history judged it.
pub(super) fn with_build_record(
    base: Option<Outcome>,
    rel: Option<(&str, &ReleaseFacts)>,
    upgrade: bool,
) -> Option<Outcome> {
    let Some((rid, r)) = rel else {
        return base;
    };
    let attested: Vec<&ReleaseArtifact> = r
        .artifacts
        .iter()
        .filter(|a| a.provenance.status == "verified")
        .collect();
    let repro = repro_sentence(r);
    if attested.is_empty() && repro.is_empty() {
        return base;
    }
    let mut text = String::new();
    if !attested.is_empty() {
        let builds = distinct(attested.iter().map(|a| {
            format!(
                "{} with build type {}{}",
                a.provenance.builder_id.as_deref().unwrap_or("?"),
                a.provenance.build_type.as_deref().unwrap_or("?"),
                match (&a.provenance.source_uri, &a.provenance.source_commit) {
                    (Some(u), Some(c)) => format!(" from {u} at {}", &c[..c.len().min(12)]),
                    (Some(u), None) => format!(" from {u}"),
                    _ => String::new(),
                }
            )
        }));
        text.push_str(&format!(
            " Each release build's parameters are logged in a signed record: verified SLSA provenance for {} of {} release artefacts names the builder ({}).",
            attested.len(),
            r.artifacts.len(),
            list(&builds, 2)
        ));
    }
    text.push_str(&repro);
    Some(match base {
        Some(mut o) => {
            if upgrade && o.status == Status::NeedsManualEvidence && !attested.is_empty() {
                o.status = Status::PartiallyMet;
            }
            o.argument.push_str(&text);
            o.cites.push(rid.to_string());
            o
        }
        None if upgrade && !attested.is_empty() => Outcome::new(
            Status::PartiallyMet,
            format!(
                "{} Access to the build environment itself is not in the repository: register the CI system's audit-log retention.",
                text.trim_start()
            ),
            &[rid],
        ),
        None => return None,
    })
}

#[cfg(test)]
mod tests {
    use safeguard_model::facts::{EcosystemComposition, ReleaseCheck, ReproSummary};

    use super::*;

    fn check(status: &str) -> ReleaseCheck {
        ReleaseCheck {
            status: status.into(),
            reason: (status != "verified").then(|| format!("{status} because")),
            key_id: (status == "verified").then(|| "ab".repeat(32)),
            builder_id: (status == "verified").then(|| "https://ci.example/builder".into()),
            build_type: (status == "verified").then(|| "https://safeguard.dev/t".into()),
            source_uri: (status == "verified").then(|| "git+https://git.example/app".into()),
            source_commit: (status == "verified").then(|| "0123456789abcdef0123".into()),
            ..ReleaseCheck::default()
        }
    }

    fn artefact(path: &str, sig: &str, prov: &str) -> ReleaseArtifact {
        ReleaseArtifact {
            path: path.into(),
            sha256: Some("00".repeat(32)),
            size: 1,
            signature: check(sig),
            provenance: check(prov),
        }
    }

    fn release(arts: Vec<ReleaseArtifact>, instructions: &[&str]) -> ReleaseFacts {
        ReleaseFacts {
            patterns: vec!["dist/*".into()],
            artifacts: arts,
            instructions: instructions.iter().map(|s| s.to_string()).collect(),
            ..ReleaseFacts::default()
        }
    }

    fn ci(signing: &[&str], installs: &[&str]) -> CiAuditFacts {
        CiAuditFacts {
            files: 1,
            signing: signing.iter().map(|s| s.to_string()).collect(),
            installs: installs.iter().map(|s| s.to_string()).collect(),
            ..CiAuditFacts::default()
        }
    }

    #[test]
    fn integrity_met_needs_signature_provenance_and_instructions() {
        let r = release(
            vec![artefact("dist/a", "verified", "verified")],
            &["README.md:3 cosign verify"],
        );
        let o = verify_integrity(Some(("rel", &r)), None).unwrap();
        assert_eq!(o.status, Status::Met, "{}", o.argument);
        assert!(o.argument.contains("key `abababababab`"), "{}", o.argument);
        assert!(o.argument.contains("`README.md:3 cosign verify`"));
        assert_eq!(o.cites, ["rel"]);

        // Without instructions: partial, and it says how to fix.
        let r = release(vec![artefact("dist/a", "verified", "verified")], &[]);
        let o = verify_integrity(Some(("rel", &r)), None).unwrap();
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(o.argument.contains("no instructions"), "{}", o.argument);
    }

    #[test]
    fn integrity_partial_names_the_failing_files() {
        let r = release(
            vec![
                artefact("dist/a", "verified", "verified"),
                artefact("dist/b", "verified", "missing"),
                artefact("dist/c", "failed", "verified"),
            ],
            &["README.md:3 cosign verify"],
        );
        let o =
            verify_integrity(Some(("rel", &r)), Some(("ci", &ci(&["x:1 cosign"], &[])))).unwrap();
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(
            o.argument.starts_with(
                "2 of 3 release artefacts have a verified signature and 2 a verified provenance"
            ),
            "{}",
            o.argument
        );
        assert!(
            o.argument.contains("`dist/c (failed: failed because)`"),
            "{}",
            o.argument
        );
        assert!(
            o.argument.contains("`dist/b (missing: missing because)`"),
            "{}",
            o.argument
        );
        assert!(o.argument.contains("safeguard attest provenance"));
        assert_eq!(o.cites, ["rel", "ci"]);
    }

    #[test]
    fn integrity_not_met_when_no_signature_verifies() {
        let r = release(
            vec![
                artefact("dist/a", "missing", "verified"),
                artefact("dist/b", "failed", "missing"),
            ],
            &["README.md:3 cosign verify"],
        );
        let o = verify_integrity(Some(("rel", &r)), None).unwrap();
        assert_eq!(o.status, Status::NotMet);
        assert!(
            o.argument.contains(
                "`dist/a (missing: missing because)` and `dist/b (failed: failed because)`"
            ),
            "{}",
            o.argument
        );
    }

    #[test]
    fn integrity_without_artefacts() {
        // Nothing at all: no evidence.
        assert_eq!(verify_integrity(None, Some(("ci", &ci(&[], &[])))), None);
        let empty = ReleaseFacts::default();
        assert_eq!(verify_integrity(Some(("rel", &empty)), None), None);
        // CI signs: partial, citing it, and saying what to configure.
        let o = verify_integrity(
            None,
            Some(("ci", &ci(&[".github/workflows/r.yml:9 cosign"], &[]))),
        )
        .unwrap();
        assert_eq!(o.status, Status::PartiallyMet);
        assert_eq!(o.cites, ["ci"]);
        assert!(
            o.argument.contains("`.github/workflows/r.yml:9 cosign`"),
            "{}",
            o.argument
        );
        assert!(o.argument.contains("[release] artifacts"), "{}", o.argument);
        // Instructions only.
        let r = ReleaseFacts {
            instructions: vec!["README.md:1 gpg --verify".into()],
            gaps: vec!["`dist/*`: matches no file".into()],
            ..ReleaseFacts::default()
        };
        let o = verify_integrity(Some(("rel", &r)), None).unwrap();
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(
            o.argument.contains("`README.md:1 gpg --verify`"),
            "{}",
            o.argument
        );
        assert!(o.argument.contains("matches no file"), "{}", o.argument);
    }

    fn composition(components: u64, with: u64, weak: u64) -> CompositionFacts {
        CompositionFacts {
            components,
            with_integrity: with,
            weak_integrity: weak,
            ecosystems: vec![EcosystemComposition {
                ecosystem: "npm".into(),
                components,
                with_integrity: with,
                weak_integrity: weak,
                files: 1,
                manifests_without_lockfile: 0,
            }],
            ..CompositionFacts::default()
        }
    }

    #[test]
    fn component_integrity_statuses() {
        assert_eq!(component_integrity("c", &composition(0, 0, 0), None), None);

        let o = component_integrity("c", &composition(4, 4, 0), None).unwrap();
        assert_eq!(o.status, Status::Met);
        assert!(
            o.argument.contains("No dependency install was seen in CI"),
            "{}",
            o.argument
        );

        let ok = ci(&[], &["ci.yml:3 npm ci verified"]);
        let o = component_integrity("c", &composition(4, 4, 0), Some(("ci", &ok))).unwrap();
        assert_eq!(o.status, Status::Met);
        assert!(o.argument.contains("(`ci.yml:3 npm ci`)"), "{}", o.argument);
        assert_eq!(o.cites, ["c", "ci"]);

        let mixed = ci(
            &[],
            &[
                "ci.yml:3 npm ci verified",
                "ci.yml:9 pip install unverified",
            ],
        );
        let o = component_integrity("c", &composition(4, 4, 0), Some(("ci", &mixed))).unwrap();
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(
            o.argument
                .contains("without enforcing the lockfile hashes: `ci.yml:9 pip install`"),
            "{}",
            o.argument
        );

        let o = component_integrity("c", &composition(4, 3, 1), Some(("ci", &ok))).unwrap();
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(
            o.argument.contains("1 component carries only MD5 or SHA-1"),
            "{}",
            o.argument
        );
        assert!(
            o.argument.contains("Without one: `1 of 4 npm`"),
            "{}",
            o.argument
        );

        let o = component_integrity("c", &composition(4, 0, 4), None).unwrap();
        assert_eq!(o.status, Status::NotMet);
        assert!(
            o.argument.contains("4 components carry only MD5 or SHA-1"),
            "{}",
            o.argument
        );
    }

    #[test]
    fn build_record_additions() {
        let r = ReleaseFacts {
            repro: vec![ReproSummary {
                path: "reports/repro.json".into(),
                reproducible: Some(false),
                artifacts: 2,
                identical: 1,
                first_difference: Some("dist/b differs at byte 4".into()),
                error: None,
            }],
            ..release(
                vec![
                    artefact("dist/a", "verified", "verified"),
                    artefact("dist/b", "verified", "failed"),
                ],
                &[],
            )
        };
        // No history evidence: 2.2.1 becomes partially met on the signed build record alone.
        let o = with_build_record(None, Some(("rel", &r)), true).unwrap();
        assert_eq!(o.status, Status::PartiallyMet);
        assert!(
            o.argument.contains("verified SLSA provenance for 1 of 2 release artefacts names the builder (`https://ci.example/builder with build type https://safeguard.dev/t from git+https://git.example/app at 0123456789ab`)"),
            "{}",
            o.argument
        );
        assert!(
            o.argument
                .contains("did not reproduce: `reports/repro.json (dist/b differs at byte 4)`"),
            "{}",
            o.argument
        );
        // 2.2.2 does not turn release evidence alone into a judgement.
        assert_eq!(with_build_record(None, Some(("rel", &r)), false), None);
        // An existing outcome keeps its status and gains the sentence and the citation.
        let base = Outcome::new(Status::NotMet, "History says no.", &["prov"]);
        let o = with_build_record(Some(base.clone()), Some(("rel", &r)), false).unwrap();
        assert_eq!(o.status, Status::NotMet);
        assert!(
            o.argument.starts_with(
                "History says no. Each release build's parameters are logged in a signed record"
            ),
            "{}",
            o.argument
        );
        assert_eq!(o.cites, ["prov", "rel"]);
        let manual = Outcome::new(Status::NeedsManualEvidence, "No commits.", &["prov"]);
        assert_eq!(
            with_build_record(Some(manual), Some(("rel", &r)), true)
                .unwrap()
                .status,
            Status::PartiallyMet
        );
        // Nothing verified and no repro: unchanged.
        let bare = release(vec![artefact("dist/a", "failed", "missing")], &[]);
        assert_eq!(
            with_build_record(Some(base.clone()), Some(("rel", &bare)), true),
            Some(base)
        );
        // A reproducible report alone is mentioned.
        let rep = ReleaseFacts {
            repro: vec![ReproSummary {
                path: "r.json".into(),
                reproducible: Some(true),
                artifacts: 3,
                identical: 3,
                first_difference: None,
                error: None,
            }],
            ..ReleaseFacts::default()
        };
        let o = with_build_record(
            Some(Outcome::new(Status::PartiallyMet, "H.", &["p"])),
            Some(("rel", &rep)),
            true,
        )
        .unwrap();
        assert!(o.argument.contains("identical artefacts from two independent builds in `r.json (3 artefacts identical)`"), "{}", o.argument);
    }
}
