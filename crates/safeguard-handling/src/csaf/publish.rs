//! The CSAF provider folder (CSAF 2.0 section 7.1): `provider-metadata.json` (requirement 7),
//! one folder per year of `initial_release_date` (requirement 11) holding each advisory under
//! the file name of section 5.1 (requirement 2), `index.txt` (12), `changes.csv` (13, newest
//! first) and a `.sha256` and `.sha512` file beside each advisory (18).
//!
//! Publishing is idempotent: the same advisory again changes nothing. An advisory already in the
//! folder with the same tracking id and a lower version is replaced; one with the same or a
//! higher version is left alone and reported. Every file is written to a temporary name in the
//! same folder and renamed into place, so a reader never sees half a file.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha512};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::validate::{self, Finding, MAX_INPUT_BYTES, PROVIDER_SCHEMA};
use super::version::DocVersion;

/// The file name of section 5.1: the tracking id in lower case, every run of characters other
/// than `a-z 0-9 + -` replaced by one `_`, then `.json`.
pub fn file_name(tracking_id: &str) -> String {
    let mut out = String::with_capacity(tracking_id.len() + 5);
    let mut in_run = false;
    for c in tracking_id.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    out.push_str(".json");
    out
}

/// Settings for [`publish`].
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The URL the folder is served at (`https://acme.example/.well-known/csaf`), without the
    /// trailing slash: `provider-metadata.json`'s `canonical_url` and directory URL derive from it.
    pub base_url: String,
    /// `csaf_publisher`, `csaf_provider` (the default) or `csaf_trusted_provider`.
    pub role: String,
    /// When the folder is updated (`provider-metadata.json`'s `last_updated`).
    pub now: OffsetDateTime,
}

/// What happened to one advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Written; there was no advisory with this id.
    Published,
    /// Written over an older version.
    Replaced {
        /// The version that was there.
        previous_version: String,
    },
    /// The same advisory (same bytes) is already there.
    Unchanged,
    /// An advisory with this id and the same or a higher version is already there, with other
    /// content: left alone.
    KeptExisting {
        /// The version that is there.
        existing_version: String,
    },
    /// Not valid CSAF (schema or mandatory tests): not written.
    Refused {
        /// Why.
        findings: Vec<Finding>,
    },
}

/// One advisory's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// `/document/tracking/id` (empty when the document has none).
    pub tracking_id: String,
    /// `/document/tracking/version`.
    pub version: String,
    /// The path inside the folder (`2026/acme-sa-2026-001.json`), empty when refused.
    pub path: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The result of [`publish`], one entry per advisory in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublishReport {
    /// Per advisory.
    pub entries: Vec<Entry>,
}

impl PublishReport {
    /// True when at least one advisory was refused.
    pub fn any_refused(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e.outcome, Outcome::Refused { .. }))
    }
}

/// Why the folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An advisory already in the folder is not readable CSAF.
    #[error(
        "{path}: an existing file in the provider folder is not a readable CSAF document: {reason}"
    )]
    Existing {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The provider metadata would not be valid (a bad base URL or role).
    #[error("provider-metadata.json would not be valid: {0}")]
    ProviderMetadata(String),
    /// The publishers of the advisories differ (one provider folder speaks for one publisher).
    #[error(
        "the advisories name different publishers ({0} and {1}); publish each publisher's advisories to its own folder"
    )]
    MixedPublishers(String, String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PublishError + '_ {
    move |source| PublishError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), PublishError> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io(path))
}

/// Writes `bytes` unless the file already holds exactly them. True when written.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, PublishError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

fn tracking_field<'a>(doc: &'a Value, key: &str) -> Option<&'a str> {
    doc.get("document")?.get("tracking")?.get(key)?.as_str()
}

/// The serialised form of an advisory in the folder: pretty JSON and a final newline.
pub fn to_bytes(doc: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(doc).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn provider_validator() -> &'static Result<jsonschema::Validator, String> {
    static V: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    V.get_or_init(|| {
        // The provider schema refers to the CSAF schema's publisher definition.
        let mut resources = validate::CVSS_RESOURCES.to_vec();
        resources.push((
            "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
            validate::CSAF_SCHEMA,
        ));
        validate::build(PROVIDER_SCHEMA, &resources)
    })
}

/// Checks a `provider-metadata.json` value against the CSAF provider metadata schema;
/// returns `(pointer, message)` for each violation.
pub fn check_provider_metadata(doc: &Value) -> Vec<(String, String)> {
    match provider_validator() {
        Ok(v) => validate::check_against(v, doc),
        Err(e) => vec![(String::new(), format!("internal error: {e}"))],
    }
}

/// Publishes advisories into the provider folder `dir` (created if missing). Each advisory is
/// validated first; invalid ones are refused (reported, not written) and the others published.
pub fn publish(
    dir: &Path,
    advisories: &[Value],
    opts: &PublishOptions,
) -> Result<PublishReport, PublishError> {
    let mut report = PublishReport::default();
    let mut publisher: Option<Value> = None;
    let mut changed = false;
    for doc in advisories {
        let tracking_id = tracking_field(doc, "id").unwrap_or_default().to_string();
        let version = tracking_field(doc, "version")
            .unwrap_or_default()
            .to_string();
        let mut entry = Entry {
            tracking_id: tracking_id.clone(),
            version: version.clone(),
            path: String::new(),
            outcome: Outcome::Published,
        };
        let checked = validate::validate(doc);
        if !checked.is_valid() {
            entry.outcome = Outcome::Refused {
                findings: checked.findings,
            };
            report.entries.push(entry);
            continue;
        }
        let doc_publisher = doc["document"]["publisher"].clone();
        match &publisher {
            None => publisher = Some(doc_publisher),
            Some(p) if p["namespace"] != doc_publisher["namespace"] => {
                return Err(PublishError::MixedPublishers(
                    p["namespace"].as_str().unwrap_or_default().into(),
                    doc_publisher["namespace"]
                        .as_str()
                        .unwrap_or_default()
                        .into(),
                ));
            }
            Some(_) => {}
        }
        // Valid CSAF has a date-time here (schema format check), so the year is there.
        let year = tracking_field(doc, "initial_release_date")
            .and_then(|d| OffsetDateTime::parse(d, &Rfc3339).ok())
            .map(|d| d.to_offset(time::UtcOffset::UTC).year())
            .unwrap_or(1970);
        let rel = format!("{year:04}/{}", file_name(&tracking_id));
        entry.path = rel.clone();
        let path = dir.join(&rel);
        let bytes = to_bytes(doc);
        if path.exists() {
            let old = read_existing(&path)?;
            let old_version = tracking_field(&old, "version")
                .unwrap_or_default()
                .to_string();
            let newer = match (DocVersion::parse(&version), DocVersion::parse(&old_version)) {
                (Some(new), Some(old)) => new.precedence(&old) == std::cmp::Ordering::Greater,
                _ => false,
            };
            if !newer {
                entry.outcome = if std::fs::read(&path).is_ok_and(|b| b == bytes) {
                    Outcome::Unchanged
                } else {
                    Outcome::KeptExisting {
                        existing_version: old_version,
                    }
                };
                // the hash files belong to the file that is there
                let existing = std::fs::read(&path).map_err(io(&path))?;
                changed |= write_hashes(&path, &existing)?;
                report.entries.push(entry);
                continue;
            }
            entry.outcome = Outcome::Replaced {
                previous_version: old_version,
            };
        }
        write_atomic(&path, &bytes)?;
        write_hashes(&path, &bytes)?;
        changed = true;
        report.entries.push(entry);
    }
    changed |= write_indexes(dir)?;
    let metadata_path = dir.join("provider-metadata.json");
    if changed || !metadata_path.exists() {
        let publisher = match publisher {
            Some(p) => p,
            None => match read_existing(&metadata_path) {
                Ok(m) => m["publisher"].clone(),
                // nothing published and no metadata yet: nothing to describe
                Err(_) => return Ok(report),
            },
        };
        let base = opts.base_url.trim_end_matches('/');
        let metadata = json!({
            "canonical_url": format!("{base}/provider-metadata.json"),
            "distributions": [{"directory_url": format!("{base}/")}],
            "last_updated": opts.now.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default(),
            "list_on_CSAF_aggregators": true,
            "metadata_version": "2.0",
            "mirror_on_CSAF_aggregators": true,
            "publisher": publisher,
            "role": opts.role,
        });
        let problems = check_provider_metadata(&metadata);
        if let Some((path, message)) = problems.first() {
            return Err(PublishError::ProviderMetadata(format!("{path}: {message}")));
        }
        write_if_changed(&metadata_path, &to_bytes(&metadata))?;
    }
    Ok(report)
}

fn read_existing(path: &Path) -> Result<Value, PublishError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(PublishError::Existing {
            path: path.into(),
            reason: format!("larger than {MAX_INPUT_BYTES} bytes"),
        });
    }
    let bytes = std::fs::read(path).map_err(io(path))?;
    validate::parse(&bytes).map_err(|e| PublishError::Existing {
        path: path.into(),
        reason: e.to_string(),
    })
}

/// Writes `<file>.sha256` and `<file>.sha512` (`<hex>  <file name>`, as sha256sum prints).
fn write_hashes(path: &Path, bytes: &[u8]) -> Result<bool, PublishError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sha256 = format!("{}  {name}\n", safeguard_model::hex(&Sha256::digest(bytes)));
    let sha512 = format!("{}  {name}\n", safeguard_model::hex(&Sha512::digest(bytes)));
    let a = write_if_changed(
        &path.with_file_name(format!("{name}.sha256")),
        sha256.as_bytes(),
    )?;
    let b = write_if_changed(
        &path.with_file_name(format!("{name}.sha512")),
        sha512.as_bytes(),
    )?;
    Ok(a || b)
}

/// Rewrites `index.txt` and `changes.csv` from the year folders. True when either changed.
fn write_indexes(dir: &Path) -> Result<bool, PublishError> {
    let mut docs: Vec<(String, String)> = Vec::new(); // (path, current_release_date)
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io(dir)(e)),
    };
    for year in entries {
        let year = year.map_err(io(dir))?;
        let name = year.file_name().to_string_lossy().into_owned();
        if name.len() != 4 || !name.bytes().all(|b| b.is_ascii_digit()) || !year.path().is_dir() {
            continue;
        }
        let ydir = year.path();
        for f in std::fs::read_dir(&ydir).map_err(io(&ydir))? {
            let f = f.map_err(io(&ydir))?;
            let fname = f.file_name().to_string_lossy().into_owned();
            if !fname.ends_with(".json") || fname.starts_with('.') {
                continue;
            }
            let doc = read_existing(&f.path())?;
            let current = tracking_field(&doc, "current_release_date")
                .unwrap_or_default()
                .to_string();
            docs.push((format!("{name}/{fname}"), current));
        }
    }
    let parsed = |s: &str| OffsetDateTime::parse(s, &Rfc3339).ok();
    docs.sort_by(|a, b| parsed(&b.1).cmp(&parsed(&a.1)).then_with(|| a.0.cmp(&b.0)));
    let mut index: Vec<&str> = docs.iter().map(|(p, _)| p.as_str()).collect();
    index.sort_unstable();
    let mut index_txt = String::new();
    for p in index {
        index_txt.push_str(p);
        index_txt.push('\n');
    }
    let mut changes = String::new();
    for (p, d) in &docs {
        changes.push_str(&format!("\"{p}\",\"{d}\"\n"));
    }
    let a = write_if_changed(&dir.join("index.txt"), index_txt.as_bytes())?;
    let b = write_if_changed(&dir.join("changes.csv"), changes.as_bytes())?;
    Ok(a || b)
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_follow_section_5_1() {
        assert_eq!(file_name("2022_#01-A"), "2022_01-a.json");
        assert_eq!(
            file_name("Example Company - 2019-YH3234"),
            "example_company_-_2019-yh3234.json"
        );
        assert_eq!(file_name("RHBA-2019:0024"), "rhba-2019_0024.json");
        assert_eq!(
            file_name("cisco-sa-20190513-secureboot"),
            "cisco-sa-20190513-secureboot.json"
        );
        assert_eq!(file_name("ÄÖ+x"), "_+x.json");
    }
}
