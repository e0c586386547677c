//! Bundler lockfiles: `Gemfile.lock` and `gems.locked` (all Bundler versions).
//!
//! - `GEM`, `GIT` and `PATH` sections: each `specs:` entry `name (version[-platform])` is a
//!   component located at its line, with the section's `remote:` as its source; `GIT`
//!   sections give the `revision:` as the commit. A platform other than `ruby` becomes the
//!   purl's `platform` qualifier, so platform builds of one version stay distinct.
//! - The deeper-indented lines under a spec are its dependencies; they become edges to the
//!   locked gem of that name.
//! - `DEPENDENCIES` lists what the Gemfile asks for: those gems are
//!   [`Relationship::Direct`], the others [`Relationship::Transitive`].
//! - `CHECKSUMS` (Bundler 2.5+): `name (version[-platform]) sha256=hex` gives hashes.
//! - `PLATFORMS`, `RUBY VERSION`, `BUNDLED WITH` and `PLUGIN SOURCE` are skipped.
//!
//! Spec lines without a version are ignored, as Bundler and osv-scalibr do.

use std::collections::{HashMap, HashSet};

use safeguard_model::{Component, Ecosystem, Hash, Relationship};

use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `Gemfile.lock` and `gems.locked` (`ruby/gemfilelock`).
pub struct GemfileLock;

impl Extractor for GemfileLock {
    fn id(&self) -> &'static str {
        "ruby/gemfilelock"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::RubyGems
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name == "Gemfile.lock" || name == "gems.locked"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        parse(input, text)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Source { git: bool },
    Dependencies,
    Checksums,
    Other,
}

struct Spec<'a> {
    name: &'a str,
    /// `version` or `version-platform`, as written.
    full_version: &'a str,
    line: u32,
    remote: Option<&'a str>,
    revision: Option<&'a str>,
    deps: Vec<&'a str>,
}

/// Splits `name (inner)` into `name` and `inner`; `name` alone gives no inner part. The
/// offset is the column (0-based) of any error.
fn name_and_paren(s: &str) -> Result<(&str, Option<&str>), usize> {
    match s.split_once(" (") {
        Some((name, rest)) => match rest.rfind(')') {
            Some(close) => Ok((name.trim(), Some(&rest[..close]))),
            None => Err(name.len() + 1),
        },
        None => Ok((s.trim(), None)),
    }
}

fn parse(input: &Input<'_>, text: &str) -> Result<Vec<Component>, ParseError> {
    let mut section = Section::Other;
    let mut remote: Option<&str> = None;
    let mut revision: Option<&str> = None;
    let mut specs: Vec<Spec<'_>> = Vec::new();
    // Index of the first spec of the current source section, so a `remote:` or `revision:`
    // written after `specs:` still applies.
    let mut section_start = 0;
    let mut direct: Option<HashSet<&str>> = None;
    let mut checksums: HashMap<(&str, &str), Vec<Hash>> = HashMap::new();

    for (n, raw) in text.lines().enumerate() {
        let line_no = n as u32 + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if indent == 0 {
            section = match content {
                "GEM" => Section::Source { git: false },
                "PATH" => Section::Source { git: false },
                "GIT" => Section::Source { git: true },
                "DEPENDENCIES" => {
                    direct.get_or_insert_with(HashSet::new);
                    Section::Dependencies
                }
                "CHECKSUMS" => Section::Checksums,
                _ => Section::Other,
            };
            remote = None;
            revision = None;
            section_start = specs.len();
            continue;
        }
        let paren_error = |col: usize| {
            input.error(
                Some(line_no),
                Some((indent + col + 1) as u32),
                "\"(\" without a closing \")\"",
            )
        };
        match section {
            Section::Source { git } => match indent {
                2 => {
                    if let Some(r) = content.strip_prefix("remote:") {
                        // The first remote is the primary one.
                        if remote.is_none() {
                            remote = Some(r.trim());
                            for s in &mut specs[section_start..] {
                                s.remote = remote;
                            }
                        }
                    } else if let Some(r) = content.strip_prefix("revision:")
                        && git
                    {
                        revision = Some(r.trim());
                        for s in &mut specs[section_start..] {
                            s.revision = revision;
                        }
                    }
                }
                4 => {
                    let (name, version) = name_and_paren(content).map_err(paren_error)?;
                    let Some(version) = version.map(str::trim).filter(|v| !v.is_empty()) else {
                        tracing::debug!(
                            file = input.path,
                            line = line_no,
                            "gem spec {name:?} has no version; skipped"
                        );
                        continue;
                    };
                    specs.push(Spec {
                        name,
                        full_version: version,
                        line: line_no,
                        remote,
                        revision,
                        deps: Vec::new(),
                    });
                }
                i if i >= 6 => {
                    let (name, _) = name_and_paren(content).map_err(paren_error)?;
                    if let Some(last) = specs[section_start..].last_mut() {
                        last.deps.push(name);
                    }
                }
                _ => {}
            },
            Section::Dependencies if indent == 2 => {
                let (name, _) = name_and_paren(content).map_err(paren_error)?;
                if let Some(d) = direct.as_mut() {
                    d.insert(name.trim_end_matches('!'));
                }
            }
            Section::Checksums if indent == 2 => {
                let (head, sums) = match content.rfind(") ") {
                    Some(i) => (&content[..=i], content[i + 2..].trim()),
                    None => (content, ""),
                };
                let (name, version) = name_and_paren(head).map_err(paren_error)?;
                let hashes: Vec<Hash> = sums
                    .split(',')
                    .filter_map(|s| Hash::from_prefixed_hex(s.trim()))
                    .collect();
                if let Some(v) = version
                    && !hashes.is_empty()
                {
                    checksums.insert((name, v.trim()), hashes);
                }
            }
            _ => {}
        }
    }

    let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(specs.len());
    let mut out: Vec<Component> = Vec::with_capacity(specs.len());
    for (i, s) in specs.iter().enumerate() {
        let (version, platform) = match s.full_version.split_once('-') {
            Some((v, p)) => (v, Some(p)),
            None => (s.full_version, None),
        };
        let mut c = Component::new(
            Ecosystem::RubyGems,
            s.name,
            version,
            input.location(Some(s.line)),
        );
        if let Some(p) = platform.filter(|p| *p != "ruby") {
            c.purl = Ecosystem::RubyGems
                .purl(s.name, version)
                .with_qualifier("platform", p)
                .to_string();
        }
        c.source = s.remote.map(str::to_string);
        c.commit = s.revision.map(str::to_string);
        if let Some(h) = checksums.get(&(s.name, s.full_version)) {
            c.hashes = h.clone();
        }
        c.relationship = match &direct {
            Some(d) if d.contains(s.name) => Relationship::Direct,
            Some(_) => Relationship::Transitive,
            None => Relationship::Unknown,
        };
        // Prefer the platform-independent build as the target of edges.
        let entry = by_name.entry(s.name).or_insert(i);
        if platform.is_none() && specs[*entry].full_version.contains('-') {
            *entry = i;
        }
        out.push(c);
    }
    for (i, s) in specs.iter().enumerate() {
        let mut deps: Vec<String> = Vec::with_capacity(s.deps.len());
        for d in &s.deps {
            match by_name.get(d) {
                Some(&j) => {
                    if !deps.contains(&out[j].purl) {
                        deps.push(out[j].purl.clone());
                    }
                }
                None => tracing::debug!(
                    file = input.path,
                    "dependency {d:?} of {} is not a locked gem",
                    s.name
                ),
            }
        }
        out[i].dependencies = deps;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::HashAlg;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        GemfileLock.extract(&Input::in_memory("Gemfile.lock", text.as_bytes()))
    }

    const LOCK: &str = "GIT
  remote: https://github.com/hanami/utils.git
  revision: 5904fc9a70683b8749aa2861257d0c8c01eae4aa
  specs:
    hanami-utils (2.0.0.alpha1)
      concurrent-ruby (~> 1.0)

GEM
  remote: https://rubygems.org/
  specs:
    concurrent-ruby (1.1.7)
    nokogiri (1.13.3)
      racc (~> 1.4)
    nokogiri (1.13.3-x86_64-linux)
      racc (~> 1.4)
    racc (1.6.0)

PLATFORMS
  ruby
  x86_64-linux

DEPENDENCIES
  hanami-utils!
  nokogiri (~> 1.13)

CHECKSUMS
  concurrent-ruby (1.1.7) sha256=1e280232e6a33754cde542bc5ef85520b74db2aac73ec14acef453784447cc12
  hanami-utils (2.0.0.alpha1)
  nokogiri (1.13.3-x86_64-linux) sha256=3c6bc4ff9e5f0ee1e1cd8bf31e71f9e5e4e7d6a1e6a3f2a5fa0d8d0c1f2e3a4b

BUNDLED WITH
   2.5.4
";

    #[test]
    fn sections_edges_direct_and_checksums() {
        let c = extract(LOCK).unwrap();
        let got: Vec<_> = c
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.location.line,
                    c.relationship,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "hanami-utils",
                    "2.0.0.alpha1",
                    Some(5),
                    Relationship::Direct
                ),
                (
                    "concurrent-ruby",
                    "1.1.7",
                    Some(11),
                    Relationship::Transitive
                ),
                ("nokogiri", "1.13.3", Some(12), Relationship::Direct),
                ("nokogiri", "1.13.3", Some(14), Relationship::Direct),
                ("racc", "1.6.0", Some(16), Relationship::Transitive),
            ]
        );
        assert_eq!(
            c[0].commit.as_deref(),
            Some("5904fc9a70683b8749aa2861257d0c8c01eae4aa")
        );
        assert_eq!(
            c[0].source.as_deref(),
            Some("https://github.com/hanami/utils.git")
        );
        assert_eq!(c[1].source.as_deref(), Some("https://rubygems.org/"));
        assert_eq!(c[1].commit, None);
        assert_eq!(c[0].dependencies, ["pkg:gem/concurrent-ruby@1.1.7"]);
        assert_eq!(c[2].purl, "pkg:gem/nokogiri@1.13.3");
        assert_eq!(c[3].purl, "pkg:gem/nokogiri@1.13.3?platform=x86_64-linux");
        assert_eq!(c[3].dependencies, ["pkg:gem/racc@1.6.0"]);
        assert_eq!(c[1].hashes[0].alg, HashAlg::Sha256);
        assert_eq!(
            c[1].hashes[0].value,
            "1e280232e6a33754cde542bc5ef85520b74db2aac73ec14acef453784447cc12"
        );
        assert!(c[0].hashes.is_empty());
        assert!(c[2].hashes.is_empty());
        assert_eq!(c[3].hashes.len(), 1);
    }

    #[test]
    fn crlf_and_no_dependencies_section() {
        let c =
            extract("GEM\r\n  remote: https://rubygems.org/\r\n  specs:\r\n    ast (2.4.2)\r\n")
                .unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].name.as_str(), c[0].version.as_str()),
            ("ast", "2.4.2")
        );
        assert_eq!(c[0].relationship, Relationship::Unknown);
    }

    #[test]
    fn errors_name_the_place() {
        let err = extract("GEM\n  specs:\n    ast (2.4.2\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(9)));
    }

    #[test]
    fn cdxgen_lockfiles() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data"
        );
        let mut total = 0;
        for f in [
            "Gemfile.lock",
            "Gemfile1.lock",
            "Gemfile2.lock",
            "Gemfile4.lock",
            "Gemfile5.lock",
            "Gemfile6.lock",
            "Gemfile-opt.lock",
        ] {
            let bytes = std::fs::read(format!("{dir}/{f}")).unwrap();
            let c = GemfileLock
                .extract(&Input::in_memory("Gemfile.lock", &bytes))
                .unwrap();
            assert!(c.len() > 20, "{f}: {}", c.len());
            assert!(
                c.iter().any(|c| c.relationship == Relationship::Direct),
                "{f}"
            );
            assert!(c.iter().any(|c| !c.dependencies.is_empty()), "{f}");
            total += c.len();
        }
        assert!(total > 300, "{total}");
        let bytes = std::fs::read(format!("{dir}/Gemfile-opt.lock")).unwrap();
        let c = GemfileLock
            .extract(&Input::in_memory("Gemfile.lock", &bytes))
            .unwrap();
        let protobuf: Vec<_> = c.iter().filter(|c| c.name == "google-protobuf").collect();
        assert_eq!(protobuf.len(), 2);
        assert!(protobuf.iter().all(|c| c.version == "3.23.4"));
    }
}
