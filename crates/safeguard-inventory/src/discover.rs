//! Walking a repository: which files to read, reading them, and what is not covered.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use safeguard_model::facts::{CompositionFacts, CompositionFile, EcosystemComposition};
use safeguard_model::{Component, Ecosystem, Relationship};
use serde::Serialize;

use crate::error::ParseError;
use crate::extractor::{self, Extractor, FileKind, file_name};
use crate::input::{Input, MAX_FILE_SIZE};

/// Directories never descended into: VCS metadata, installed dependencies, build output.
pub const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".safeguard",
    "node_modules",
    "bower_components",
    "target",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".gradle",
    ".dart_tool",
    "_build",
    "deps",
];

/// Whether a root-relative path lies inside one of the [`SKIPPED_DIRS`], so that callers
/// with their own file list (`assess`) read exactly what [`walk`] would.
pub fn is_skipped(path: &str) -> bool {
    path.split('/')
        .rev()
        .skip(1)
        .any(|dir| SKIPPED_DIRS.contains(&dir))
}

/// One file an extractor read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScannedFile {
    /// Root-relative path.
    pub path: String,
    /// The extractor's id.
    pub extractor: &'static str,
    pub ecosystem: Ecosystem,
    pub kind: FileKind,
    /// Components read from it (0 when it failed).
    pub components: usize,
    /// Whether reading it failed (the error is in [`Inventory::errors`]).
    pub failed: bool,
}

/// A manifest with no lockfile pinning its dependencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageGap {
    /// Root-relative path of the manifest.
    pub manifest: String,
    pub ecosystem: Ecosystem,
    /// Lockfile names that would have covered it, in its folder or a parent folder.
    pub expected: Vec<&'static str>,
}

/// Everything found in one repository.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    /// Components, sorted by purl then location. One entry per declaration: the same package
    /// locked in two files appears twice, each with its own location.
    pub components: Vec<Component>,
    /// Files read, sorted by path.
    pub files: Vec<ScannedFile>,
    /// Manifests without a lockfile.
    pub gaps: Vec<CoverageGap>,
    /// Files that could not be read, sorted by path.
    pub errors: Vec<ParseError>,
}

impl Inventory {
    /// Number of distinct purls.
    pub fn distinct(&self) -> usize {
        let mut purls: Vec<&str> = self.components.iter().map(|c| c.purl.as_str()).collect();
        purls.sort_unstable();
        purls.dedup();
        purls.len()
    }

    /// The evidence summary of this inventory for claims 1.2.1 and 1.2.2: distinct
    /// components per ecosystem, how many carry an integrity hash, the files read and the
    /// manifests no lockfile covers.
    pub fn facts(&self) -> CompositionFacts {
        use std::collections::BTreeMap;
        // Per distinct purl: ecosystem, has a strong hash anywhere, relationship seen, has
        // only weak (MD5, SHA-1) hashes.
        let mut distinct: BTreeMap<&str, (Ecosystem, bool, bool, bool, bool)> = BTreeMap::new();
        for c in &self.components {
            let e = distinct.entry(c.purl.as_str()).or_insert((
                c.ecosystem,
                false,
                false,
                false,
                false,
            ));
            let strong = c.hashes.iter().any(|h| is_strong(h.alg));
            e.1 |= strong;
            e.2 |= c.relationship == Relationship::Direct;
            e.3 |= c.relationship == Relationship::Transitive;
            e.4 |= !strong && c.has_integrity();
        }
        let mut per: BTreeMap<&'static str, EcosystemComposition> = BTreeMap::new();
        fn slot<'m>(
            per: &'m mut BTreeMap<&'static str, EcosystemComposition>,
            e: Ecosystem,
        ) -> &'m mut EcosystemComposition {
            per.entry(e.osv_name())
                .or_insert_with(|| EcosystemComposition {
                    ecosystem: e.osv_name().to_string(),
                    ..Default::default()
                })
        }
        let mut facts = CompositionFacts::default();
        for (eco, hashed, direct, transitive, weak) in distinct.values() {
            let weak = (*weak && !*hashed) as u64;
            let p = slot(&mut per, *eco);
            p.components += 1;
            p.with_integrity += *hashed as u64;
            p.weak_integrity += weak;
            facts.components += 1;
            facts.with_integrity += *hashed as u64;
            facts.weak_integrity += weak;
            if *direct {
                facts.direct += 1;
            } else if *transitive {
                facts.transitive += 1;
            }
        }
        for f in &self.files {
            slot(&mut per, f.ecosystem).files += 1;
            facts.files.push(CompositionFile {
                path: f.path.clone(),
                format: f.extractor.to_string(),
                components: f.components as u64,
                error: self.errors.iter().find(|e| e.file == f.path).map(|e| {
                    match (e.line, e.column) {
                        (Some(l), Some(c)) => format!("{l}:{c}: {}", e.message),
                        (Some(l), None) => format!("{l}: {}", e.message),
                        _ => format!(" {}", e.message),
                    }
                }),
            });
        }
        for g in &self.gaps {
            slot(&mut per, g.ecosystem).manifests_without_lockfile += 1;
            facts.manifests_without_lockfile.push(g.manifest.clone());
        }
        facts.manifests_without_lockfile.sort();
        facts.ecosystems = per.into_values().collect();
        facts
    }
}

/// A manifest that needs a lockfile, and the lockfiles that satisfy it.
struct ManifestRule {
    matches: fn(&str) -> bool,
    ecosystem: Ecosystem,
    lockfiles: &'static [&'static str],
    /// A lockfile in a parent folder counts (workspaces).
    workspace: bool,
}

const MANIFESTS: &[ManifestRule] = &[
    ManifestRule {
        matches: |n| n == "package.json",
        ecosystem: Ecosystem::Npm,
        lockfiles: &[
            "package-lock.json",
            "npm-shrinkwrap.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "bun.lock",
            "bun.lockb",
        ],
        workspace: true,
    },
    ManifestRule {
        matches: |n| n == "Cargo.toml",
        ecosystem: Ecosystem::Cargo,
        lockfiles: &["Cargo.lock"],
        workspace: true,
    },
    ManifestRule {
        matches: |n| n == "pyproject.toml",
        ecosystem: Ecosystem::PyPI,
        lockfiles: &[
            "poetry.lock",
            "uv.lock",
            "pdm.lock",
            "pylock.toml",
            "requirements.txt",
        ],
        workspace: true,
    },
    ManifestRule {
        matches: |n| n == "Pipfile",
        ecosystem: Ecosystem::PyPI,
        lockfiles: &["Pipfile.lock"],
        workspace: false,
    },
    ManifestRule {
        matches: |n| n == "Gemfile" || n == "gems.rb",
        ecosystem: Ecosystem::RubyGems,
        lockfiles: &["Gemfile.lock", "gems.locked"],
        workspace: false,
    },
    ManifestRule {
        matches: |n| n == "composer.json",
        ecosystem: Ecosystem::Packagist,
        lockfiles: &["composer.lock"],
        workspace: false,
    },
    ManifestRule {
        matches: |n| n == "build.gradle" || n == "build.gradle.kts",
        ecosystem: Ecosystem::Maven,
        lockfiles: &["gradle.lockfile", "verification-metadata.xml"],
        workspace: true,
    },
    ManifestRule {
        matches: |n| n.ends_with(".csproj") || n.ends_with(".fsproj") || n.ends_with(".vbproj"),
        ecosystem: Ecosystem::NuGet,
        lockfiles: &["packages.lock.json"],
        workspace: false,
    },
    ManifestRule {
        matches: |n| n == "Package.swift",
        ecosystem: Ecosystem::Swift,
        lockfiles: &["Package.resolved"],
        workspace: false,
    },
    ManifestRule {
        matches: |n| n == "pubspec.yaml",
        ecosystem: Ecosystem::Pub,
        lockfiles: &["pubspec.lock"],
        workspace: true,
    },
    ManifestRule {
        matches: |n| n == "mix.exs",
        ecosystem: Ecosystem::Hex,
        lockfiles: &["mix.lock"],
        workspace: true,
    },
];

/// Lists the files under `root` that a walk considers: `.gitignore` and the other ignore
/// files are honoured (inside or outside a git repository), [`SKIPPED_DIRS`] are never
/// entered, and `excluded` root-relative prefixes are left out. Paths come back sorted,
/// relative, `/`-separated.
pub fn walk(root: &Path, excluded: &[String]) -> Result<Vec<String>, ParseError> {
    if !root.is_dir() {
        return Err(ParseError::new(
            root.display().to_string(),
            None,
            None,
            "not a directory",
        ));
    }
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .require_git(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && e.depth() > 0
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("skipping an unreadable entry under {}: {e}", root.display());
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let Some(rel) = rel.to_str() else {
            tracing::warn!(
                "skipping a path that is not UTF-8: {}",
                entry.path().display()
            );
            continue;
        };
        let rel = rel.replace('\\', "/");
        if excluded
            .iter()
            .any(|p| rel == *p || rel.starts_with(&format!("{}/", p.trim_end_matches('/'))))
        {
            continue;
        }
        files.push(rel);
    }
    files.sort();
    Ok(files)
}

/// Walks `root` and reads every lockfile it finds.
pub fn scan(root: &Path, progress: &(dyn Fn(&str) + Sync)) -> Result<Inventory, ParseError> {
    let files = walk(root, &[])?;
    Ok(scan_files(root, &files, progress))
}

/// Reads the lockfiles among `files` (root-relative, sorted) and reports coverage gaps.
/// A file that fails is listed in [`Inventory::errors`]; the others are still read.
pub fn scan_files(root: &Path, files: &[String], progress: &(dyn Fn(&str) + Sync)) -> Inventory {
    let jobs: Vec<(&str, &'static dyn Extractor)> = files
        .iter()
        .filter_map(|f| extractor::for_path(f).map(|e| (f.as_str(), e)))
        .collect();
    type Outcome = (usize, Result<Vec<Component>, ParseError>);
    let results: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, ex)) = jobs.get(i) else { break };
                    progress(&format!("reading {path}"));
                    let result = read_one(root, path, *ex);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);

    let mut inv = Inventory::default();
    for (i, result) in results {
        let (path, ex) = jobs[i];
        let (count, failed) = match result {
            Ok(components) => {
                // The project's own packages (workspace members) are the subject, not
                // third-party components.
                let n = components.iter().filter(|c| !c.first_party).count();
                inv.components
                    .extend(components.into_iter().filter(|c| !c.first_party));
                (n, false)
            }
            Err(e) => {
                inv.errors.push(e);
                (0, true)
            }
        };
        inv.files.push(ScannedFile {
            path: path.to_string(),
            extractor: ex.id(),
            ecosystem: ex.ecosystem(),
            kind: ex.kind(),
            components: count,
            failed,
        });
    }
    inv.components
        .sort_by(|a, b| (&a.purl, &a.location, &a.scope).cmp(&(&b.purl, &b.location, &b.scope)));
    inv.components
        .dedup_by(|a, b| a.purl == b.purl && a.location == b.location);
    inv.errors
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    inv.gaps = coverage_gaps(files);
    inv
}

/// Reads one file with one extractor, turning I/O failures and (defensively) panics into
/// errors that name the file.
pub fn read_one(root: &Path, path: &str, ex: &dyn Extractor) -> Result<Vec<Component>, ParseError> {
    let full = root.join(path);
    let meta = std::fs::metadata(&full)
        .map_err(|e| ParseError::new(path, None, None, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_SIZE {
        return Err(ParseError::new(
            path,
            None,
            None,
            format!(
                "the file is {} bytes, over the {MAX_FILE_SIZE}-byte limit",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(&full)
        .map_err(|e| ParseError::new(path, None, None, format!("cannot read: {e}")))?;
    let input = Input {
        path,
        bytes: &bytes,
        root: Some(root),
    };
    match catch_unwind(AssertUnwindSafe(|| ex.extract(&input))) {
        Ok(r) => r,
        Err(_) => Err(ParseError::new(
            path,
            None,
            None,
            format!(
                "internal error: the {} reader failed on this file; please report it",
                ex.id()
            ),
        )),
    }
}

/// Manifests in `files` with no lockfile that covers them.
pub fn coverage_gaps(files: &[String]) -> Vec<CoverageGap> {
    let present: std::collections::HashSet<&str> = files.iter().map(String::as_str).collect();
    let mut gaps = Vec::new();
    for manifest in files {
        let name = file_name(manifest);
        let Some(rule) = MANIFESTS.iter().find(|r| (r.matches)(name)) else {
            continue;
        };
        let mut dir = manifest.rsplit_once('/').map(|(d, _)| d);
        let mut covered = false;
        loop {
            let prefix = dir.map_or(String::new(), |d| format!("{d}/"));
            if rule.lockfiles.iter().any(|l| {
                present.contains(format!("{prefix}{l}").as_str())
                    || (*l == "verification-metadata.xml"
                        && present.contains(format!("{prefix}gradle/{l}").as_str()))
            }) {
                covered = true;
                break;
            }
            if !rule.workspace {
                break;
            }
            match dir {
                Some(d) => dir = d.rsplit_once('/').map(|(p, _)| p),
                None => break,
            }
        }
        if !covered {
            gaps.push(CoverageGap {
                manifest: manifest.clone(),
                ecosystem: rule.ecosystem,
                expected: rule.lockfiles.to_vec(),
            });
        }
    }
    gaps
}

/// Hash algorithms strong enough for an integrity check: SHA-256 and above, and Go's `h1:`
/// (a SHA-256 over the module's file hashes). MD5 and SHA-1 are collision-prone.
fn is_strong(alg: safeguard_model::HashAlg) -> bool {
    use safeguard_model::HashAlg;
    matches!(
        alg,
        HashAlg::Sha256 | HashAlg::Sha384 | HashAlg::Sha512 | HashAlg::GoH1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn skipped_dirs_match_any_folder_but_not_the_file_name() {
        assert!(is_skipped("vendor/github.com/x/go.mod"));
        assert!(is_skipped("web/node_modules/a/package-lock.json"));
        assert!(is_skipped("py/.venv/lib/requirements.txt"));
        assert!(!is_skipped("target"));
        assert!(!is_skipped("src/vendoring/Cargo.lock"));
    }

    #[test]
    fn workspace_lockfiles_cover_members() {
        let f = files(&[
            "Cargo.lock",
            "Cargo.toml",
            "crates/a/Cargo.toml",
            "web/package.json",
            "web/app/package.json",
            "web/yarn.lock",
            "tools/package.json",
            "py/pyproject.toml",
            "ruby/Gemfile",
            "ruby/sub/Gemfile.lock",
        ]);
        let gaps: Vec<String> = coverage_gaps(&f).into_iter().map(|g| g.manifest).collect();
        assert_eq!(
            gaps,
            ["tools/package.json", "py/pyproject.toml", "ruby/Gemfile"]
        );
    }
}
