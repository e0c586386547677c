//! Reading GitLab CI configuration: jobs, scripts, images, includes.

use super::doc::CiDoc;
use super::yaml::{Kind, Node};

/// The most files followed through `include: local:` from `.gitlab-ci.yml`.
pub const MAX_INCLUDED_FILES: usize = 100;

/// Top-level keys that are not jobs.
const GLOBAL_KEYS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
];

/// One job (or hidden template job, `.name`).
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The job name.
    pub name: &'a str,
    /// The job mapping.
    pub node: &'a Node,
}

impl Job<'_> {
    /// Hidden jobs (`.name`) are templates.
    pub fn hidden(&self) -> bool {
        self.name.starts_with('.')
    }
}

/// The jobs of a GitLab CI file, hidden ones included.
pub fn jobs(root: &Node) -> Vec<Job<'_>> {
    root.entries()
        .into_iter()
        .filter(|e| e.value.is_map())
        .filter_map(|e| {
            let name = e.key.as_str()?;
            if GLOBAL_KEYS.contains(&name) {
                return None;
            }
            Some(Job {
                name,
                node: &e.value,
            })
        })
        .collect()
}

/// The script lines of a job (`before_script`, `script`, `after_script`), or of `default:` or
/// the top level, as scalar nodes. Nested lists (from `!reference`) are flattened.
pub fn scripts(node: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    for key in ["before_script", "script", "after_script"] {
        if let Some(s) = node.get(key) {
            flatten_scalars(s, &mut out);
        }
    }
    out
}

fn flatten_scalars<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    // Script lists nest at most a few levels; walk without recursion anyway.
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.kind {
            Kind::Scalar(_) => out.push(n),
            Kind::Seq(items) => stack.extend(items.iter().rev().map(|i| &**i)),
            Kind::Map(_) => {}
        }
    }
}

/// An image reference (`image:` or a `services:` entry).
#[derive(Debug, Clone, Copy)]
pub struct Image<'a> {
    /// The image name as written.
    pub name: &'a str,
    /// Where.
    pub at: &'a Node,
    /// `image` or `service`.
    pub what: &'static str,
}

/// The images used by a job, `default:` or the top level.
pub fn images(node: &Node) -> Vec<Image<'_>> {
    let mut out = Vec::new();
    if let Some(n) = node.get("image").and_then(name_of)
        && let Some(name) = n.as_str()
    {
        out.push(Image {
            name,
            at: n,
            what: "image",
        });
    }
    if let Some(items) = node.get("services").and_then(Node::as_seq) {
        for item in items {
            if let Some(n) = name_of(item)
                && let Some(name) = n.as_str()
            {
                out.push(Image {
                    name,
                    at: n,
                    what: "service",
                });
            }
        }
    }
    out
}

/// The image name node of `image:`/a service: a string, or a mapping's `name:`.
fn name_of(n: &Node) -> Option<&Node> {
    if n.as_str().is_some() {
        Some(n)
    } else {
        n.get("name").filter(|v| v.as_str().is_some())
    }
}

/// One `include:` item.
#[derive(Debug, Clone, Copy)]
pub enum Include<'a> {
    /// `local:` (or a plain path).
    Local(&'a Node),
    /// `project:` with its `ref:`.
    Project {
        /// The project node.
        project: &'a Node,
        /// The `ref:` node, if any.
        git_ref: Option<&'a Node>,
    },
    /// `remote:` (or a plain URL), and whether it has an `integrity:` hash.
    Remote(&'a Node, bool),
    /// `template:`.
    Template(&'a Node),
    /// `component:`.
    Component(&'a Node),
}

/// The `include:` items of a GitLab CI file.
pub fn includes(root: &Node) -> Vec<Include<'_>> {
    let Some(inc) = root.get("include") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match inc.as_seq() {
        Some(items) => items.iter().map(|i| &**i).collect(),
        None => vec![inc],
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(s) = item.as_str() {
            if s.starts_with("https://") || s.starts_with("http://") {
                out.push(Include::Remote(item, false));
            } else {
                out.push(Include::Local(item));
            }
            continue;
        }
        if let Some(n) = item.get("local").filter(|n| n.as_str().is_some()) {
            out.push(Include::Local(n));
        } else if let Some(project) = item.get("project").filter(|n| n.as_str().is_some()) {
            out.push(Include::Project {
                project,
                git_ref: item.get("ref").filter(|n| n.as_str().is_some()),
            });
        } else if let Some(n) = item.get("remote").filter(|n| n.as_str().is_some()) {
            out.push(Include::Remote(n, item.get("integrity").is_some()));
        } else if let Some(n) = item.get("template").filter(|n| n.as_str().is_some()) {
            out.push(Include::Template(n));
        } else if let Some(n) = item.get("component").filter(|n| n.as_str().is_some()) {
            out.push(Include::Component(n));
        }
    }
    out
}

/// A local include to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalInclude {
    /// The path or glob, relative to the repository root.
    pub pattern: String,
    /// Where it is written.
    pub line: u32,
    /// Where it is written.
    pub column: u32,
}

/// The local includes of a file (paths with CI/CD variables are skipped: they cannot be
/// resolved statically).
pub fn local_includes(doc: &CiDoc) -> Vec<LocalInclude> {
    includes(&doc.root)
        .into_iter()
        .filter_map(|i| match i {
            Include::Local(n) => {
                let p = n.as_str()?.trim();
                if p.contains('$') || p.is_empty() {
                    return None;
                }
                Some(LocalInclude {
                    pattern: p.trim_start_matches('/').to_string(),
                    line: n.line,
                    column: n.column,
                })
            }
            _ => None,
        })
        .collect()
}

/// The tree files a local include names (a path, or a glob where `*` stays within a directory
/// and `**` crosses directories), sorted. Only YAML files are included.
pub fn resolve_local(pattern: &str, files: &[String]) -> Vec<String> {
    let mut out: Vec<String> = if pattern.contains('*') {
        files
            .iter()
            .filter(|f| glob(pattern.as_bytes(), f.as_bytes()))
            .filter(|f| {
                let l = f.to_ascii_lowercase();
                l.ends_with(".yml") || l.ends_with(".yaml")
            })
            .cloned()
            .collect()
    } else {
        files.iter().filter(|f| *f == pattern).cloned().collect()
    };
    out.sort();
    out
}

/// Glob match by dynamic programming over (pattern token, text position): linear memory,
/// no recursion, no exponential backtracking.
fn glob(p: &[u8], t: &[u8]) -> bool {
    #[derive(Clone, Copy)]
    enum Tok {
        Lit(u8),
        Star,
        AnyStar,
    }
    let mut toks = Vec::with_capacity(p.len());
    let mut i = 0;
    while let Some(&c) = p.get(i) {
        if c == b'*' {
            if p.get(i + 1) == Some(&b'*') {
                toks.push(Tok::AnyStar);
                i += 2;
            } else {
                toks.push(Tok::Star);
                i += 1;
            }
        } else {
            toks.push(Tok::Lit(c));
            i += 1;
        }
    }
    let m = t.len();
    // `next[j]`: tokens after the current one match `t[j..]`.
    let mut next = vec![false; m + 1];
    next[m] = true;
    let mut cur = vec![false; m + 1];
    for tok in toks.iter().rev() {
        for j in (0..=m).rev() {
            let here = t.get(j).copied();
            cur[j] = match *tok {
                Tok::Lit(c) => here == Some(c) && next[j + 1],
                Tok::Star => next[j] || (here.is_some_and(|h| h != b'/') && cur[j + 1]),
                Tok::AnyStar => next[j] || (here.is_some() && cur[j + 1]),
            };
        }
        std::mem::swap(&mut next, &mut cur);
    }
    next[0]
}

/// The cache a job uses: its own `cache:` (an empty one means none), else the global one
/// (`default: cache:` or top-level `cache:`) unless the job opts out of inheriting defaults.
pub fn effective_cache<'a>(root: &'a Node, job: &'a Node) -> Option<&'a Node> {
    if let Some(c) = job.get("cache") {
        return Some(c).filter(|c| !is_empty(c));
    }
    let inherit = job
        .get("inherit")
        .and_then(|i| i.get("default"))
        .and_then(Node::as_str);
    if inherit == Some("false") {
        return None;
    }
    root.get("default")
        .and_then(|d| d.get("cache"))
        .or_else(|| root.get("cache"))
        .filter(|c| !is_empty(c))
}

fn is_empty(n: &Node) -> bool {
    match &n.kind {
        Kind::Seq(items) => items.is_empty(),
        Kind::Map(entries) => entries.is_empty(),
        Kind::Scalar(_) => n.is_null(),
    }
}

/// Why a GitLab job counts as a release job, or `None`: it has `release:`, runs only for tags,
/// or its name says release, publish or deploy.
pub fn release_reason(job: &Job<'_>) -> Option<String> {
    if job.node.get("release").is_some() {
        return Some("has a `release:` keyword".to_string());
    }
    let lower = job.name.to_ascii_lowercase();
    if let Some(w) = ["release", "publish", "deploy"]
        .into_iter()
        .find(|w| lower.contains(w))
    {
        return Some(format!("its name says {w}"));
    }
    if let Some(rules) = job.node.get("rules").and_then(Node::as_seq) {
        let tag_rule = rules.iter().any(|r| {
            r.get("if").and_then(Node::as_str).is_some_and(|c| {
                c.contains("$CI_COMMIT_TAG") && !c.contains("== null") && !c.contains("!$CI")
            })
        });
        if tag_rule {
            return Some("runs for tags (`$CI_COMMIT_TAG` rule)".to_string());
        }
    }
    let only = job.node.get("only");
    let only_refs = only.and_then(|o| o.get("refs")).or(only);
    if let Some(items) = only_refs.and_then(Node::as_seq)
        && items.iter().any(|i| i.as_str() == Some("tags"))
    {
        return Some("runs only for tags".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_globs() {
        let files: Vec<String> = ["ci/a.yml", "ci/sub/b.yml", "ci/c.txt", "x.yml"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(resolve_local("ci/*.yml", &files), ["ci/a.yml"]);
        assert_eq!(
            resolve_local("ci/**.yml", &files),
            ["ci/a.yml", "ci/sub/b.yml"]
        );
        assert_eq!(resolve_local("ci/**/*.yml", &files), ["ci/sub/b.yml"]);
        assert_eq!(resolve_local("x.yml", &files), ["x.yml"]);
        assert!(resolve_local("y.yml", &files).is_empty());
        let deep = vec!["ci/a/b/c.yml".to_string()];
        assert_eq!(resolve_local("ci/**/*.yml", &deep), ["ci/a/b/c.yml"]);
        assert!(resolve_local("ci/*/*.yml", &deep).is_empty());
    }
}
