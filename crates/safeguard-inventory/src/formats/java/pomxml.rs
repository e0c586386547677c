//! `java/pomxml`: Maven `pom.xml` (POM model 4.0.0).
//!
//! What is read, and how:
//! - the project's `<dependencies>`, plus those of profiles marked
//!   `<activeByDefault>true</activeByDefault>` (other activations depend on the build
//!   machine and are not evaluated). Build-plugin dependencies are not components.
//! - `<dependencyManagement>` supplies missing versions and scopes of declared dependencies;
//!   its own entries are not components (they are constraints, and `import`-scoped BOMs
//!   cannot be resolved offline).
//! - `${…}` placeholders are resolved from `<properties>` and from `project.groupId`,
//!   `project.artifactId`, `project.version` and `project.parent.*` (`pom.*` too).
//! - the parent POM is read when it is on disk where `<relativePath>` (default
//!   `../pom.xml`) points and its coordinates match `<parent>`; its properties, managed
//!   versions and dependencies are inherited, as Maven does. Inherited dependencies are
//!   located at this file's `<parent>` element. A parent only in a remote repository is not
//!   fetched: versions it would manage stay empty.
//! - a version that cannot be resolved inside the files read is left empty (the component
//!   is still reported, unpinned); a version range yields its inclusive lower bound
//!   (`[1.2,2.0)` → `1.2`), the version Maven's nearest match starts from, or empty.
//! - a dependency whose `groupId` or `artifactId` is missing or cannot be resolved is
//!   skipped: it cannot be named.
//! - scope `test`, `provided` and `system` → [`Scope::Dev`]; `<optional>true` →
//!   [`Scope::Optional`]; the scope (when not `compile`) and `optional` are also `groups`.
//! - `type` (when not `jar`) and `classifier` become purl qualifiers; declarations are
//!   unique by `groupId:artifactId:type:classifier`, the first one winning.
//! - the project itself is not a component; every dependency is [`Relationship::Direct`].

use std::collections::{HashMap, HashSet};

use safeguard_model::{Component, Ecosystem, Relationship, Scope};

use super::xml::{self, TextBuf, XmlEvent, XmlReader};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `java/pomxml`.
pub struct PomXml;

impl Extractor for PomXml {
    fn id(&self) -> &'static str {
        "java/pomxml"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "pom.xml"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = xml::decode(input)?;
        let pom = parse(input, &text)?;
        let parents = load_parents(input, &pom);
        Ok(resolve(input, &text, &pom, &parents))
    }
}

/// How many parent POMs are followed at most.
const MAX_PARENTS: usize = 16;
/// Longest value a placeholder may expand to.
const MAX_EXPANSION: usize = 4096;
/// Deepest chain of properties referring to properties.
const MAX_PROPERTY_DEPTH: usize = 32;

#[derive(Debug, Default, Clone)]
struct RawDep {
    group: String,
    artifact: String,
    version: Option<String>,
    ty: String,
    classifier: String,
    scope: String,
    optional: String,
    offset: usize,
}

#[derive(Debug, Default, Clone)]
struct ParentRef {
    group: String,
    artifact: String,
    version: String,
    /// `None`: absent (Maven's default `../pom.xml`); `Some("")`: explicitly none.
    relative_path: Option<String>,
    offset: usize,
}

#[derive(Debug, Default)]
struct Section {
    properties: Vec<(String, String)>,
    deps: Vec<RawDep>,
    managed: Vec<RawDep>,
}

#[derive(Debug, Default)]
struct Profile {
    section: Section,
    active_by_default: bool,
}

#[derive(Debug, Default)]
struct RawPom {
    group: String,
    artifact: String,
    version: String,
    parent: Option<ParentRef>,
    main: Section,
    profiles: Vec<Profile>,
}

impl RawPom {
    /// The main section, then the sections of profiles active by default.
    fn sections(&self) -> impl Iterator<Item = &Section> {
        std::iter::once(&self.main).chain(
            self.profiles
                .iter()
                .filter(|p| p.active_by_default)
                .map(|p| &p.section),
        )
    }
    fn effective_group(&self) -> &str {
        match &self.parent {
            Some(p) if self.group.is_empty() => &p.group,
            _ => &self.group,
        }
    }
    fn effective_version(&self) -> &str {
        match &self.parent {
            Some(p) if self.version.is_empty() => &p.version,
            _ => &self.version,
        }
    }
}

fn parse(input: &Input<'_>, text: &str) -> Result<RawPom, ParseError> {
    let mut xr = XmlReader::new(input, text);
    let mut pom = RawPom::default();
    let mut tb = TextBuf::default();
    let mut dep: Option<RawDep> = None;
    let mut profile: Option<Profile> = None;
    loop {
        match xr.next()? {
            XmlEvent::Eof => break,
            XmlEvent::Text(t) => tb.push(&t),
            XmlEvent::Start(e) => {
                tb.start();
                let path = xr.path();
                if path.len() == 1 && path[0] != "project" {
                    return Err(xr.error_at(
                        e.offset,
                        format!(
                            "this is not a Maven POM: the root element is <{}>, not <project>",
                            path[0]
                        ),
                    ));
                }
                let Some((in_profile, rest)) = split(path) else {
                    continue;
                };
                match rest.as_slice() {
                    ["dependencies", "dependency"]
                    | ["dependencyManagement", "dependencies", "dependency"] => {
                        dep = Some(RawDep {
                            offset: e.offset,
                            ..RawDep::default()
                        });
                    }
                    ["parent"] if !in_profile => {
                        pom.parent = Some(ParentRef {
                            offset: e.offset,
                            ..ParentRef::default()
                        });
                    }
                    [] if in_profile => profile = Some(Profile::default()),
                    _ => {}
                }
            }
            XmlEvent::End => {
                let path = xr.path();
                let Some((in_profile, rest)) = split(path) else {
                    continue;
                };
                let section = match (&mut profile, in_profile) {
                    (Some(p), true) => &mut p.section,
                    (None, true) => continue,
                    (_, false) => &mut pom.main,
                };
                match rest.as_slice() {
                    ["dependencies", "dependency", field]
                    | ["dependencyManagement", "dependencies", "dependency", field] => {
                        if let Some(d) = dep.as_mut() {
                            let value = tb.take();
                            match *field {
                                "groupId" => d.group = value,
                                "artifactId" => d.artifact = value,
                                "version" => d.version = Some(value),
                                "type" => d.ty = value,
                                "classifier" => d.classifier = value,
                                "scope" => d.scope = value,
                                "optional" => d.optional = value,
                                _ => {}
                            }
                        }
                    }
                    ["dependencies", "dependency"] => section.deps.extend(dep.take()),
                    ["dependencyManagement", "dependencies", "dependency"] => {
                        section.managed.extend(dep.take())
                    }
                    ["properties", key] => {
                        let value = tb.take();
                        section.properties.push((key.to_string(), value));
                    }
                    ["activation", "activeByDefault"] if in_profile => {
                        if let Some(p) = profile.as_mut() {
                            p.active_by_default = tb.take().eq_ignore_ascii_case("true");
                        }
                    }
                    [] if in_profile => pom.profiles.extend(profile.take()),
                    [field] if !in_profile => {
                        let value = tb.take();
                        match *field {
                            "groupId" => pom.group = value,
                            "artifactId" => pom.artifact = value,
                            "version" => pom.version = value,
                            _ => {}
                        }
                    }
                    ["parent", field] if !in_profile => {
                        if let Some(p) = pom.parent.as_mut() {
                            let value = tb.take();
                            match *field {
                                "groupId" => p.group = value,
                                "artifactId" => p.artifact = value,
                                "version" => p.version = value,
                                "relativePath" => p.relative_path = Some(value),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(pom)
}

/// Splits an element path into (inside a profile?, path relative to the project or the
/// profile). `None` outside `<project>`.
fn split(path: &[String]) -> Option<(bool, Vec<&str>)> {
    let (first, rest) = path.split_first()?;
    if first != "project" {
        return None;
    }
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match rest.as_slice() {
        ["profiles", "profile", tail @ ..] => Some((true, tail.to_vec())),
        _ => Some((false, rest)),
    }
}

/// The parent POMs found on disk, nearest first.
fn load_parents(input: &Input<'_>, pom: &RawPom) -> Vec<RawPom> {
    let mut out: Vec<RawPom> = Vec::new();
    let mut seen: HashSet<String> = HashSet::from([input.path.to_string()]);
    let mut current = input.path.to_string();
    let mut wanted = pom.parent.clone();
    while let Some(parent) = wanted.take() {
        if out.len() >= MAX_PARENTS {
            break;
        }
        let rel = match parent.relative_path.as_deref().map(str::trim) {
            Some("") => break,
            Some(r) if r.ends_with(".xml") => r.to_string(),
            Some(r) => format!("{}/pom.xml", r.trim_end_matches(['/', '\\'])),
            None => "../pom.xml".to_string(),
        };
        let here = Input {
            path: &current,
            bytes: &[],
            root: input.root,
        };
        let (path, bytes) = match here.read_relative(&rel) {
            Ok(Some(found)) => found,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!("{}: parent POM not read: {e}", input.path);
                break;
            }
        };
        if !seen.insert(path.clone()) {
            break;
        }
        let pinput = Input {
            path: &path,
            bytes: &bytes,
            root: input.root,
        };
        let parsed = match xml::decode(&pinput).and_then(|t| parse(&pinput, &t)) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("{}: parent POM not used: {e}", input.path);
                break;
            }
        };
        let same_version = parent.version.contains("${")
            || parsed.effective_version().contains("${")
            || parent.version == parsed.effective_version();
        if parsed.artifact != parent.artifact
            || parsed.effective_group() != parent.group
            || !same_version
        {
            tracing::debug!(
                "{}: {path} is not the parent {}:{}:{}",
                input.path,
                parent.group,
                parent.artifact,
                parent.version
            );
            break;
        }
        wanted = parsed.parent.clone();
        current = path;
        out.push(parsed);
    }
    out
}

/// Property values with `${…}` resolution, memoised.
struct Properties {
    raw: HashMap<String, String>,
    done: HashMap<String, Option<String>>,
    visiting: Vec<String>,
}

impl Properties {
    fn new(pom: &RawPom, parents: &[RawPom]) -> Self {
        let mut raw = HashMap::new();
        // Farthest ancestor first, so nearer files override.
        for layer in parents.iter().rev().chain(std::iter::once(pom)) {
            for section in layer.sections() {
                for (k, v) in &section.properties {
                    raw.insert(k.clone(), v.clone());
                }
            }
        }
        let mut model = vec![
            ("groupId", pom.effective_group().to_string()),
            ("artifactId", pom.artifact.clone()),
            ("version", pom.effective_version().to_string()),
        ];
        if let Some(p) = &pom.parent {
            model.push(("parent.groupId", p.group.clone()));
            model.push(("parent.artifactId", p.artifact.clone()));
            model.push(("parent.version", p.version.clone()));
        }
        for (k, v) in model {
            if !v.is_empty() {
                raw.insert(format!("project.{k}"), v.clone());
                raw.insert(format!("pom.{k}"), v);
            }
        }
        Properties {
            raw,
            done: HashMap::new(),
            visiting: Vec::new(),
        }
    }

    fn value(&mut self, key: &str) -> Option<String> {
        if let Some(v) = self.done.get(key) {
            return v.clone();
        }
        let raw = self.raw.get(key)?.clone();
        if self.visiting.len() >= MAX_PROPERTY_DEPTH || self.visiting.iter().any(|k| k == key) {
            return None;
        }
        self.visiting.push(key.to_string());
        let resolved = self.expand(&raw);
        self.visiting.pop();
        self.done.insert(key.to_string(), resolved.clone());
        resolved
    }

    /// `s` with every placeholder replaced; `None` when one cannot be resolved.
    fn expand(&mut self, s: &str) -> Option<String> {
        if !s.contains("${") {
            return Some(s.to_string());
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let j = after.find('}')?;
            out.push_str(&self.value(after[..j].trim())?);
            if out.len() > MAX_EXPANSION {
                return None;
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        (out.len() <= MAX_EXPANSION).then_some(out)
    }
}

/// A dependency's management key after interpolation.
type Key = (String, String, String, String);

fn resolve(input: &Input<'_>, text: &str, pom: &RawPom, parents: &[RawPom]) -> Vec<Component> {
    let mut props = Properties::new(pom, parents);
    let lines = LineIndex::new(text);
    let parent_line = pom.parent.as_ref().map(|p| lines.line(p.offset));

    let layers = || std::iter::once(pom).chain(parents.iter());
    // Nearer declarations win: insert only when absent.
    let mut managed: HashMap<Key, &RawDep> = HashMap::new();
    for layer in layers() {
        for section in layer.sections() {
            for d in &section.managed {
                if let Some(key) = key_of(d, &mut props) {
                    managed.entry(key).or_insert(d);
                }
            }
        }
    }

    let mut seen: HashSet<Key> = HashSet::new();
    let mut out = Vec::new();
    for (depth, layer) in layers().enumerate() {
        for d in layer.sections().flat_map(|s| s.deps.iter()) {
            let Some(key) = key_of(d, &mut props) else {
                tracing::debug!(
                    "{}: a dependency without a resolvable groupId/artifactId is skipped",
                    input.path
                );
                continue;
            };
            if !seen.insert(key.clone()) {
                continue;
            }
            let m = managed.get(&key).copied();
            let raw_version = d
                .version
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .or_else(|| m.and_then(|m| m.version.as_deref()))
                .unwrap_or("");
            let version = props
                .expand(raw_version)
                .map(|v| pin(&v))
                .unwrap_or_default();
            let scope = match d.scope.trim() {
                "" => m.map_or(String::new(), |m| {
                    props.expand(&m.scope).unwrap_or_default()
                }),
                s => props.expand(s).unwrap_or_default(),
            };
            let optional = props
                .expand(&d.optional)
                .is_some_and(|o| o.trim().eq_ignore_ascii_case("true"));
            let (group, artifact, ty, classifier) = key;
            let line = if depth == 0 {
                Some(lines.line(d.offset))
            } else {
                parent_line
            };
            let name = format!("{group}:{artifact}");
            let mut c = Component::new(Ecosystem::Maven, &name, &version, input.location(line));
            let mut purl = Ecosystem::Maven.purl(&name, &version);
            if ty != "jar" {
                purl = purl.with_qualifier("type", &ty);
            }
            purl = purl.with_qualifier("classifier", &classifier);
            c.purl = purl.to_string();
            let scope = scope.trim().to_ascii_lowercase();
            c.scope = match scope.as_str() {
                "test" | "provided" | "system" => Scope::Dev,
                _ if optional => Scope::Optional,
                _ => Scope::Runtime,
            };
            if !scope.is_empty() && scope != "compile" {
                c.groups.push(scope);
            }
            if optional {
                c.groups.push("optional".to_string());
            }
            c.relationship = Relationship::Direct;
            out.push(c);
        }
    }
    out
}

/// (groupId, artifactId, type, classifier), interpolated; `None` when the name is missing or
/// unresolvable.
fn key_of(d: &RawDep, props: &mut Properties) -> Option<Key> {
    let group = props.expand(d.group.trim())?;
    let artifact = props.expand(d.artifact.trim())?;
    if group.is_empty() || artifact.is_empty() {
        return None;
    }
    let ty = props.expand(d.ty.trim()).unwrap_or_default();
    let ty = if ty.is_empty() { "jar".to_string() } else { ty };
    let classifier = props.expand(d.classifier.trim()).unwrap_or_default();
    Some((group, artifact, ty, classifier))
}

/// A version requirement as one version: soft requirements as written, `[1.0]` → `1.0`,
/// `[1.0,2.0)` → `1.0`, ranges without an inclusive lower bound → empty.
fn pin(v: &str) -> String {
    let v = v.trim();
    let inclusive = match v.as_bytes().first() {
        Some(b'[') => true,
        Some(b'(') => false,
        _ => return v.to_string(),
    };
    let Some(end) = v.find([']', ')']) else {
        return String::new();
    };
    let inner = &v[1..end];
    let lower = match inner.split_once(',') {
        None => inner,
        Some((lo, _)) => lo,
    };
    if inclusive {
        lower.trim().to_string()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> Result<Vec<Component>, ParseError> {
        PomXml.extract(&Input::in_memory("app/pom.xml", src.as_bytes()))
    }

    fn find<'a>(cs: &'a [Component], name: &str) -> &'a Component {
        cs.iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("{name} not found"))
    }

    #[test]
    fn scopes_groups_qualifiers_lines() {
        let cs = read(
            r#"<project>
  <groupId>g</groupId><artifactId>me</artifactId><version>7</version>
  <properties><v>1.0</v><w>${v}.1</w></properties>
  <dependencies>
    <dependency><groupId>a</groupId><artifactId>t</artifactId><version>${w}</version><scope>test</scope></dependency>
    <dependency><groupId>a</groupId><artifactId>o</artifactId><version>2</version><optional>true</optional></dependency>
    <dependency><groupId>a</groupId><artifactId>q</artifactId><version>[3.1,4)</version><type>pom</type><classifier>x</classifier></dependency>
    <dependency><groupId>${project.groupId}</groupId><artifactId>sib</artifactId><version>${project.version}</version><scope>provided</scope></dependency>
    <dependency><groupId>a</groupId><artifactId>u</artifactId><version>${nope}</version></dependency>
  </dependencies>
</project>"#,
        )
        .unwrap();
        assert_eq!(cs.len(), 5);
        let t = find(&cs, "a:t");
        assert_eq!(
            (
                t.version.as_str(),
                t.scope,
                t.groups.clone(),
                t.location.line
            ),
            ("1.0.1", Scope::Dev, vec!["test".to_string()], Some(5))
        );
        assert_eq!(t.relationship, Relationship::Direct);
        assert_eq!(t.location.file, "app/pom.xml");
        let o = find(&cs, "a:o");
        assert_eq!(
            (o.scope, o.groups.clone()),
            (Scope::Optional, vec!["optional".into()])
        );
        let q = find(&cs, "a:q");
        assert_eq!(q.purl, "pkg:maven/a/q@3.1?classifier=x&type=pom");
        let s = find(&cs, "g:sib");
        assert_eq!((s.version.as_str(), s.scope), ("7", Scope::Dev));
        assert_eq!(find(&cs, "a:u").version, "");
    }

    #[test]
    fn managed_versions_and_profiles() {
        let cs = read(
            r#"<project>
  <dependencyManagement><dependencies>
    <dependency><groupId>m</groupId><artifactId>x</artifactId><version>9</version><scope>test</scope></dependency>
  </dependencies></dependencyManagement>
  <dependencies><dependency><groupId>m</groupId><artifactId>x</artifactId></dependency></dependencies>
  <profiles>
    <profile><id>on</id><activation><activeByDefault>true</activeByDefault></activation>
      <dependencies><dependency><groupId>p</groupId><artifactId>on</artifactId><version>1</version></dependency></dependencies></profile>
    <profile><id>off</id>
      <dependencies><dependency><groupId>p</groupId><artifactId>off</artifactId><version>1</version></dependency></dependencies></profile>
  </profiles>
</project>"#,
        )
        .unwrap();
        let names: Vec<_> = cs.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["m:x", "p:on"]);
        assert_eq!((cs[0].version.as_str(), cs[0].scope), ("9", Scope::Dev));
    }

    #[test]
    fn parent_on_disk_is_inherited() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("app")).unwrap();
        std::fs::write(
            dir.path().join("pom.xml"),
            r#"<project><groupId>g</groupId><artifactId>parent</artifactId><version>2</version>
<properties><lib.version>5.5</lib.version></properties>
<dependencyManagement><dependencies><dependency><groupId>l</groupId><artifactId>lib</artifactId><version>${lib.version}</version></dependency></dependencies></dependencyManagement>
<dependencies><dependency><groupId>l</groupId><artifactId>common</artifactId><version>${project.version}</version></dependency></dependencies>
</project>"#,
        )
        .unwrap();
        let child = "<project>\n<parent><groupId>g</groupId><artifactId>parent</artifactId><version>2</version></parent>\n<artifactId>app</artifactId><version>3</version>\n<dependencies><dependency><groupId>l</groupId><artifactId>lib</artifactId></dependency></dependencies></project>";
        let input = Input {
            path: "app/pom.xml",
            bytes: child.as_bytes(),
            root: Some(dir.path()),
        };
        let cs = PomXml.extract(&input).unwrap();
        assert_eq!(find(&cs, "l:lib").version, "5.5");
        // project.version is the child's, as Maven interpolates the effective model.
        let common = find(&cs, "l:common");
        assert_eq!(
            (common.version.as_str(), common.location.line),
            ("3", Some(2))
        );
    }

    #[test]
    fn property_cycles_and_blowups_stay_bounded() {
        let mut props = String::new();
        for i in 0..40 {
            props.push_str(&format!("<p{i}>${{p{}}}${{p{}}}</p{i}>", i + 1, i + 1));
        }
        let src = format!(
            "<project><properties>{props}<p40>xxxxxxxx</p40><a>${{b}}</a><b>${{a}}</b></properties>\
<dependencies><dependency><groupId>g</groupId><artifactId>x</artifactId><version>${{p0}}</version></dependency>\
<dependency><groupId>g</groupId><artifactId>y</artifactId><version>${{a}}</version></dependency></dependencies></project>"
        );
        let cs = read(&src).unwrap();
        assert_eq!(cs.len(), 2);
        assert!(cs.iter().all(|c| c.version.is_empty()));
    }

    #[test]
    fn errors_name_the_place() {
        let e =
            read("<project>\n  <dependencies>\n    <dependency>\n  </dependencies>\n</project>")
                .unwrap_err();
        assert_eq!(e.file, "app/pom.xml");
        assert_eq!(e.line, Some(4), "{e}");
        let e = read("<?xml version=\"1.0\"?>\n<settings/>").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        assert!(e.message.contains("not a Maven POM"), "{e}");
    }

    #[test]
    fn version_ranges() {
        assert_eq!(pin("1.0"), "1.0");
        assert_eq!(pin("[1.0]"), "1.0");
        assert_eq!(pin("[1.0,2.0)"), "1.0");
        assert_eq!(pin("(1.0,2.0)"), "");
        assert_eq!(pin("(,2.0]"), "");
        assert_eq!(pin("[1.0"), "");
    }

    #[test]
    fn real_poms() {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test"
        );
        let read_file = |rel: &str| {
            let bytes = std::fs::read(format!("{base}/{rel}")).unwrap();
            PomXml.extract(&Input::in_memory(rel, &bytes)).unwrap()
        };
        let cs = read_file("pom.xml");
        assert_eq!(cs.len(), 13);
        let servlet = find(&cs, "javax.servlet:javax.servlet-api");
        assert_eq!(
            (servlet.version.as_str(), servlet.scope),
            ("3.1.0", Scope::Dev)
        );
        assert_eq!(
            find(&cs, "org.apache.logging.log4j:log4j-core").version,
            "2.10.0"
        );
        // The surefire plugin's own dependency is not a component.
        assert!(!cs.iter().any(|c| c.name.contains("surefire")));

        let cs = read_file("data/pom-quarkus.xml");
        assert_eq!(cs.len(), 46);
        assert_eq!(find(&cs, "org.mapstruct:mapstruct").version, "1.6.3");
        // Managed by the imported Quarkus BOM, which is not read offline.
        assert_eq!(find(&cs, "io.quarkus:quarkus-arc").version, "");
        assert_eq!(find(&cs, "org.assertj:assertj-core").scope, Scope::Dev);
    }
}
