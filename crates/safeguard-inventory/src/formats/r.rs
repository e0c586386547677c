//! Readers for the R family: `renv.lock` (renv 0.x and 1.x JSON lockfiles).
//!
//! Each member of `Packages` installed from a CRAN-like repository (a `Repository` field,
//! `Source` absent or `"Repository"`) is a CRAN component. Packages from GitHub, GitLab,
//! Bioconductor, local paths and so on are left out, as osv-scalibr does: they are not CRAN
//! packages and a CRAN purl would name the wrong thing. `Hash` is renv's MD5 of the
//! package's DESCRIPTION metadata, not of the archive, and nothing checks downloads against
//! it, so it is not reported as an integrity hash. Edges come from `Requirements` and,
//! in newer lockfiles, `Depends` / `Imports` / `LinkingTo`, resolved to locked packages.

use std::collections::{BTreeMap, HashMap};

use safeguard_model::{Component, Ecosystem};
use serde::Deserialize;
use serde_json::Value;

use crate::formats::python::{member_lines, parse_json};
use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `renv.lock`.
pub struct RenvLock;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Package {
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    repository: Option<String>,
    #[serde(default)]
    requirements: Vec<String>,
    #[serde(default)]
    depends: Vec<String>,
    #[serde(default)]
    imports: Vec<String>,
    #[serde(default)]
    linking_to: Vec<String>,
}

/// The package name of a DESCRIPTION-style dependency (`"R (>= 3.5)"` gives `R`).
fn dep_name(dep: &str) -> &str {
    let dep = dep.trim();
    dep.split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or(dep)
}

impl Extractor for RenvLock {
    fn id(&self) -> &'static str {
        "r/renvlock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Cran
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "renv.lock"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let doc: BTreeMap<String, Value> = parse_json(input, text)?;
        let repositories: HashMap<&str, &str> = doc
            .get("R")
            .and_then(|r| r.get("Repositories"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r.get("Name")?.as_str()?, r.get("URL")?.as_str()?)))
            .collect();
        let entries = match doc.get("Packages") {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Object(m)) => m,
            Some(_) => return Err(input.error(None, None, "\"Packages\" must be an object")),
        };
        let lines = member_lines(text, &["Packages"]);

        let mut packages: Vec<(String, Option<u32>, Package)> = Vec::with_capacity(entries.len());
        for (key, raw) in entries {
            let line = lines.get(&("Packages".to_string(), key.clone())).copied();
            let p = Package::deserialize(raw)
                .map_err(|e| input.error(line, None, format!("Packages.{key}: {e}")))?;
            let from_cran = p.repository.as_deref().is_some_and(|r| {
                !r.trim().is_empty() && !r.to_ascii_lowercase().starts_with("bioc")
            }) && p.source.as_deref().is_none_or(|s| s == "Repository");
            if !from_cran || p.version.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            let name = p.package.clone().unwrap_or_else(|| key.clone());
            packages.push((name, line, p));
        }
        let by_name: HashMap<&str, usize> = packages
            .iter()
            .enumerate()
            .map(|(i, (name, _, _))| (name.as_str(), i))
            .collect();
        let purl = |i: usize| {
            packages.get(i).map(|(name, _, p)| {
                Ecosystem::Cran
                    .purl(name, p.version.as_deref().unwrap_or(""))
                    .to_string()
            })
        };

        let mut out = Vec::with_capacity(packages.len());
        for (i, (name, line, p)) in packages.iter().enumerate() {
            let version = p.version.as_deref().unwrap_or("");
            let mut c = Component::new(Ecosystem::Cran, name, version, input.location(*line));
            c.source = p
                .repository
                .as_deref()
                .map(|r| repositories.get(r).copied().unwrap_or(r).to_string());
            let mut deps: Vec<String> = p
                .requirements
                .iter()
                .chain(&p.depends)
                .chain(&p.imports)
                .chain(&p.linking_to)
                .filter_map(|d| by_name.get(dep_name(d)).copied())
                .filter(|j| *j != i)
                .filter_map(purl)
                .collect();
            deps.sort();
            deps.dedup();
            c.dependencies = deps;
            out.push(c);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"{
  "R": {
    "Version": "4.3.1",
    "Repositories": [{"Name": "CRAN", "URL": "https://cloud.r-project.org"}]
  },
  "Packages": {
    "markdown": {
      "Package": "markdown",
      "Version": "1.0",
      "Source": "Repository",
      "Repository": "CRAN",
      "Requirements": ["mime", "utils"],
      "Hash": "4584a57f565dd7987d59dda3a02cfb41"
    },
    "mime": {
      "Package": "mime",
      "Version": "0.12",
      "Source": "Repository",
      "Repository": "RSPM",
      "Depends": ["R (>= 3.0)"],
      "Hash": "bad"
    },
    "gh": {
      "Package": "gh",
      "Version": "0.1",
      "Source": "GitHub",
      "RemoteSha": "1763e0dcb72fb58d97bab97bb834fc71f1e012bc"
    },
    "BSgenome": {
      "Package": "BSgenome",
      "Version": "1.60.0",
      "Source": "Bioconductor",
      "Repository": "Bioconductor 3.18"
    }
  }
}"#;

    #[test]
    fn cran_packages_hashes_edges_lines() {
        let got = RenvLock
            .extract(&Input::in_memory("renv.lock", LOCK.as_bytes()))
            .unwrap();
        let names: Vec<&str> = got.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["markdown", "mime"]);
        let md = &got[0];
        assert_eq!(md.purl, "pkg:cran/markdown@1.0");
        assert_eq!(md.location.line, Some(7));
        // renv's Hash covers DESCRIPTION metadata, not the package archive.
        assert!(md.hashes.is_empty());
        assert_eq!(md.dependencies, ["pkg:cran/mime@0.12"]);
        assert_eq!(md.source.as_deref(), Some("https://cloud.r-project.org"));
        assert!(got[1].hashes.is_empty());
        assert_eq!(got[1].location.line, Some(15));
        assert_eq!(got[1].source.as_deref(), Some("RSPM"));
    }

    #[test]
    fn errors_name_the_place() {
        let err = RenvLock
            .extract(&Input::in_memory(
                "renv.lock",
                b"{\n  \"Packages\": {\n    \"a\": {\"Version\": 1}\n  }\n}",
            ))
            .unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("Packages.a"), "{}", err.message);
        let err = RenvLock
            .extract(&Input::in_memory(
                "renv.lock",
                b"{\n  \"Packages\": [1,]\n}",
            ))
            .unwrap_err();
        assert_eq!(err.line, Some(2));
        let err = RenvLock
            .extract(&Input::in_memory("renv.lock", b"{\"Packages\": []}"))
            .unwrap_err();
        assert!(err.message.contains("object"));
    }
}
