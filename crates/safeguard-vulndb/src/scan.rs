//! Matching components against the database.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use safeguard_model::purl::Purl;
use safeguard_model::{Component, Ecosystem, Relationship};

use crate::cvss::{Cvss, CvssVersion, Rating};
use crate::finding::{
    AffectedComponent, DbSummary, Finding, ScanReport, Severity, SeveritySource, Unchecked,
};
use crate::osv::{Record, Timestamp};
use crate::range::{self, Verdict};
use crate::store::{AffectedView, Database, StoreError};

/// The OSV ecosystem of a component, if it has one we can look up.
pub fn osv_ecosystem(c: &Component) -> Option<String> {
    if c.ecosystem != Ecosystem::Generic {
        return Some(c.ecosystem.osv_name().to_owned());
    }
    // Components read from SBOMs may carry purl types the inventory has no ecosystem for.
    let purl = Purl::parse(&c.purl).ok()?;
    let distro = purl.namespace.as_deref().unwrap_or("").to_ascii_lowercase();
    let eco = match purl.ty.as_str() {
        "deb" if distro == "ubuntu" => "Ubuntu",
        "deb" => "Debian",
        "apk" if distro == "wolfi" => "Wolfi",
        "apk" if distro == "chainguard" => "Chainguard",
        "apk" => "Alpine",
        "hackage" => "Hackage",
        "conan" => "ConanCenter",
        "bitnami" => "Bitnami",
        _ => return None,
    };
    Some(eco.to_owned())
}

/// The distribution release of an OS package, from its purl's `distro` qualifier, in the form
/// OSV puts after the ecosystem's `:` (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04`).
pub fn distro_release(c: &Component) -> Option<String> {
    let purl = Purl::parse(&c.purl).ok()?;
    let distro = purl
        .qualifiers
        .iter()
        .find(|(k, _)| k.as_str() == "distro")
        .map(|(_, v)| v.to_ascii_lowercase())?;
    let major_minor = |v: &str| -> String { v.split('.').take(2).collect::<Vec<_>>().join(".") };
    match purl.ty.as_str() {
        "deb" => {
            let v = distro
                .trim_start_matches("debian-")
                .trim_start_matches("ubuntu-");
            let named = match v {
                "wheezy" => "7",
                "jessie" => "8",
                "stretch" => "9",
                "buster" => "10",
                "bullseye" => "11",
                "bookworm" => "12",
                "trixie" => "13",
                "bionic" => "18.04",
                "focal" => "20.04",
                "jammy" => "22.04",
                "noble" => "24.04",
                other => other,
            };
            if purl
                .namespace
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("ubuntu"))
            {
                Some(major_minor(named))
            } else {
                Some(named.split('.').next().unwrap_or(named).to_owned())
            }
        }
        "apk" => {
            let v = distro.rsplit('-').next().unwrap_or(&distro);
            Some(format!("v{}", major_minor(v.trim_start_matches('v'))))
        }
        _ => None,
    }
}

/// Whether an affected entry's ecosystem (`Debian:12`) applies to a component of `release`
/// (`12`). Entries without a release suffix, and components whose release is unknown, match.
pub fn release_matches(entry_ecosystem: &str, release: Option<&str>) -> bool {
    let (Some((_, suffix)), Some(release)) = (entry_ecosystem.split_once(':'), release) else {
        return true;
    };
    suffix
        .split(':')
        .any(|part| part.eq_ignore_ascii_case(release))
}

/// The name OSV uses for a component in its ecosystem.
fn osv_name(c: &Component) -> String {
    match c.ecosystem {
        Ecosystem::Generic => Purl::parse(&c.purl)
            .map(|p| p.name)
            .unwrap_or_else(|_| c.name.clone()),
        _ => c.name.clone(),
    }
}

/// Scans `components` (deduplicated by purl) and returns the findings.
pub fn scan(
    db: &Database,
    components: &[Component],
    target: &str,
    tool_version: &str,
) -> Result<ScanReport, StoreError> {
    let stats = db.stats()?;
    let mut report = ScanReport {
        target: target.to_owned(),
        tool_version: tool_version.to_owned(),
        scanned_at: time::OffsetDateTime::now_utc(),
        db: DbSummary {
            path: db.path().display().to_string(),
            records: stats.records,
            newest_modified: stats.newest_modified.map(|n| Timestamp(n).to_datetime()),
        },
        components: 0,
        unchecked: Vec::new(),
        findings: Vec::new(),
    };
    let graph = Graph::new(components);
    let mut seen: HashSet<&str> = HashSet::new();
    let mut records: HashMap<u32, Record> = HashMap::new();
    for c in components {
        if c.first_party || !seen.insert(c.purl.as_str()) {
            continue;
        }
        report.components += 1;
        let Some(eco) = osv_ecosystem(c) else {
            report.unchecked.push(Unchecked {
                purl: c.purl.clone(),
                reason: "no OSV ecosystem for this package type".into(),
            });
            continue;
        };
        if c.version.is_empty() {
            report.unchecked.push(Unchecked {
                purl: c.purl.clone(),
                reason: "no version".into(),
            });
            continue;
        }
        let name = osv_name(c);
        let hits = db.lookup(&eco, &name)?;
        if hits.is_empty() {
            continue;
        }
        // Group the package's entries per record: a record may list the package several times.
        let release = distro_release(c);
        let mut per_record: BTreeMap<u32, Vec<AffectedView<'_>>> = BTreeMap::new();
        for h in hits.iter() {
            let h = h?;
            if release_matches(h.affected.ecosystem, release.as_deref()) {
                per_record.entry(h.record).or_default().push(h.affected);
            }
        }
        for (index, entries) in per_record {
            let mut affected = false;
            let mut unknown = None;
            for e in &entries {
                match range::evaluate(e, &c.version, c.commit.as_deref()) {
                    Verdict::Affected => affected = true,
                    Verdict::NotAffected => {}
                    Verdict::Unknown(r) => unknown = Some(r),
                }
            }
            if !affected {
                if let Some(reason) = unknown {
                    let id = db.record_ref(index)?.id;
                    report.unchecked.push(Unchecked {
                        purl: c.purl.clone(),
                        reason: format!("{id}: {reason}"),
                    });
                }
                continue;
            }
            let record = match records.entry(index) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let json = db.record_json(index)?;
                    let r = Record::from_json(json).map_err(|e| StoreError::Corrupt {
                        path: db.path().to_path_buf(),
                        what: format!("stored record {index} is not valid JSON: {e}"),
                    })?;
                    v.insert(r)
                }
            };
            let fixed = range::fixed_versions(&entries);
            let upgrade = range::smallest_upgrade(&entries, &c.version);
            report.findings.push(Finding {
                component: AffectedComponent {
                    ecosystem: eco.clone(),
                    name: c.name.clone(),
                    version: c.version.clone(),
                    purl: c.purl.clone(),
                    file: Some(c.location.file.clone()).filter(|f| !f.is_empty()),
                    line: c.location.line,
                    relationship: match c.relationship {
                        Relationship::Direct => "direct",
                        Relationship::Transitive => "transitive",
                        Relationship::Unknown => "unknown",
                    }
                    .to_owned(),
                    introduced_by: graph.introduced_by(&c.purl),
                },
                id: record.id.clone(),
                aliases: record.aliases.clone(),
                summary: record.summary.clone().filter(|s| !s.is_empty()),
                severity: severity(record, &c.name),
                fixed_versions: fixed.iter().map(|s| (*s).to_owned()).collect(),
                upgrade_to: upgrade.map(str::to_owned),
                references: references(record),
                published: record
                    .published
                    .as_deref()
                    .and_then(Timestamp::parse)
                    .map(Timestamp::to_datetime),
                modified: Timestamp::parse(&record.modified)
                    .map(Timestamp::to_datetime)
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
                informational: informational(record, &c.name),
                suppressed: None,
            });
        }
    }
    sort_findings(&mut report.findings);
    Ok(report)
}

/// RustSec's `database_specific.informational` for this package (`unmaintained`, `unsound`,
/// `notice`), when the record is informational.
fn informational(record: &Record, package: &str) -> Option<String> {
    record
        .affected
        .iter()
        .filter(|a| a.package.as_ref().is_none_or(|p| p.name == package))
        .find_map(|a| {
            a.database_specific
                .as_ref()?
                .get("informational")?
                .as_str()
                .map(str::to_owned)
        })
        .filter(|s| !s.is_empty())
}

/// Open findings first, highest rating first, then by package and id.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.suppressed
            .is_some()
            .cmp(&b.suppressed.is_some())
            .then_with(|| b.rating().cmp(&a.rating()))
            .then_with(|| {
                b.severity
                    .rating
                    .is_some()
                    .cmp(&a.severity.rating.is_some())
            })
            .then_with(|| a.component.purl.cmp(&b.component.purl))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// The severity of a record for one package: the newest CVSS version given (record-level, or
/// the package's own), else the database's own rating.
pub fn severity(record: &Record, package: &str) -> Severity {
    let mut vectors: Vec<&str> = record
        .severity
        .iter()
        .filter(|s| s.kind.starts_with("CVSS_"))
        .map(|s| s.score.as_str())
        .collect();
    for a in &record.affected {
        if a.package.as_ref().is_none_or(|p| p.name == package) {
            vectors.extend(
                a.severity
                    .iter()
                    .filter(|s| s.kind.starts_with("CVSS_"))
                    .map(|s| s.score.as_str()),
            );
        }
    }
    let mut best: Option<Cvss> = None;
    for v in vectors {
        if let Ok(c) = Cvss::parse(v)
            && best
                .as_ref()
                .is_none_or(|b| rank(c.version) > rank(b.version))
        {
            best = Some(c);
        }
    }
    if let Some(c) = best {
        return Severity {
            rating: Some(c.rating()),
            score: Some(c.base_score()),
            vector: Some(c.vector().to_owned()),
            cvss_version: Some(c.version),
            source: SeveritySource::Cvss,
        };
    }
    if let Some(r) = database_rating(record) {
        return Severity {
            rating: Some(r),
            score: None,
            vector: None,
            cvss_version: None,
            source: SeveritySource::Database,
        };
    }
    Severity {
        rating: None,
        score: None,
        vector: None,
        cvss_version: None,
        source: SeveritySource::Unknown,
    }
}

fn rank(v: CvssVersion) -> u8 {
    match v {
        CvssVersion::V2 => 0,
        CvssVersion::V3_0 => 1,
        CvssVersion::V3_1 => 2,
        CvssVersion::V4_0 => 3,
    }
}

/// GHSA-style `database_specific.severity` (CRITICAL/HIGH/MODERATE/LOW) or an Ubuntu priority.
fn database_rating(record: &Record) -> Option<Rating> {
    let from_word = |w: &str| match w.to_ascii_lowercase().as_str() {
        "critical" => Some(Rating::Critical),
        "high" | "important" => Some(Rating::High),
        "moderate" | "medium" => Some(Rating::Medium),
        "low" | "negligible" => Some(Rating::Low),
        _ => None,
    };
    if let Some(s) = record.severity.iter().find(|s| s.kind == "Ubuntu") {
        return from_word(&s.score);
    }
    record
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(|s| s.as_str())
        .and_then(from_word)
}

fn references(record: &Record) -> Vec<String> {
    let order = |k: &str| match k {
        "ADVISORY" => 0,
        "WEB" | "REPORT" | "ARTICLE" => 1,
        _ => 2,
    };
    let mut refs: Vec<(u8, &str)> = record
        .references
        .iter()
        .map(|r| (order(&r.kind), r.url.as_str()))
        .collect();
    refs.sort_by_key(|r| r.0);
    let mut out: Vec<String> = Vec::new();
    for (_, url) in refs {
        if !out.iter().any(|u| u == url) {
            out.push(url.to_owned());
        }
    }
    out
}

/// Dependency edges walked backwards, to find the direct dependencies that bring a component in.
pub struct Graph<'a> {
    parents: HashMap<&'a str, Vec<&'a str>>,
    direct: HashSet<&'a str>,
}

impl<'a> Graph<'a> {
    pub fn new(components: &'a [Component]) -> Graph<'a> {
        let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut direct: HashSet<&str> = HashSet::new();
        for c in components {
            if c.relationship == Relationship::Direct {
                direct.insert(&c.purl);
            }
            for d in &c.dependencies {
                parents.entry(d.as_str()).or_default().push(&c.purl);
            }
        }
        Graph { parents, direct }
    }

    /// The direct dependencies (purls, sorted) through which `purl` is reached; empty when it is
    /// itself direct or no edges lead to it.
    pub fn introduced_by(&self, purl: &str) -> Vec<String> {
        if self.direct.contains(purl) {
            return Vec::new();
        }
        let mut found: Vec<String> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut queue: VecDeque<&str> = VecDeque::new();
        queue.push_back(purl);
        while let Some(p) = queue.pop_front() {
            for &parent in self.parents.get(p).map(Vec::as_slice).unwrap_or_default() {
                if !seen.insert(parent) {
                    continue;
                }
                if self.direct.contains(parent) {
                    found.push(parent.to_owned());
                } else {
                    queue.push_back(parent);
                }
            }
        }
        found.sort();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::Location;

    fn generic(purl: &str) -> Component {
        let mut c = Component::new(Ecosystem::Generic, "x", "1", Location::default());
        c.purl = purl.to_owned();
        c
    }

    #[test]
    fn os_package_releases_come_from_the_distro_qualifier() {
        assert_eq!(
            distro_release(&generic("pkg:deb/debian/curl@7.88.1-10?distro=debian-12.5")).as_deref(),
            Some("12")
        );
        assert_eq!(
            distro_release(&generic("pkg:deb/debian/curl@7.88.1-10?distro=bookworm")).as_deref(),
            Some("12")
        );
        assert_eq!(
            distro_release(&generic("pkg:deb/ubuntu/curl@8.5.0?distro=ubuntu-22.04")).as_deref(),
            Some("22.04")
        );
        assert_eq!(
            distro_release(&generic(
                "pkg:apk/alpine/musl@1.2.4-r2?distro=alpine-3.20.3"
            ))
            .as_deref(),
            Some("v3.20")
        );
        assert_eq!(
            distro_release(&generic("pkg:deb/debian/curl@7.88.1-10")),
            None
        );
        assert_eq!(
            osv_ecosystem(&generic("pkg:deb/ubuntu/curl@8.5.0")).as_deref(),
            Some("Ubuntu")
        );
    }

    #[test]
    fn entries_for_other_releases_do_not_match() {
        assert!(release_matches("Debian:12", Some("12")));
        assert!(!release_matches("Debian:11", Some("12")));
        assert!(release_matches("Ubuntu:22.04:LTS", Some("22.04")));
        assert!(!release_matches("Alpine:v3.19", Some("v3.20")));
        assert!(
            release_matches("Debian", Some("12")),
            "no suffix: every release"
        );
        assert!(
            release_matches("Debian:11", None),
            "release unknown: every entry"
        );
    }
}
