//! What the NuGet readers need from MSBuild files (`*.csproj`, `Directory.Packages.props`):
//! package items with their versions and the file's own properties.
//!
//! Conditions (`Condition="…"`) are not evaluated: every item and property counts, the last
//! definition of a property winning as in MSBuild's evaluation order. Imports are not
//! followed.

use std::collections::HashMap;

use crate::formats::java::xml::{self, TextBuf, XmlEvent, XmlReader};
use crate::{Input, LineIndex, ParseError};

/// The item types that name NuGet packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ItemKind {
    /// `<PackageReference>`: a project's dependency.
    PackageReference,
    /// `<PackageVersion>`: a central version (Central Package Management).
    PackageVersion,
    /// `<GlobalPackageReference>`: a dependency of every project (analyzers, build tools).
    GlobalPackageReference,
}

impl ItemKind {
    fn parse(element: &str) -> Option<ItemKind> {
        [
            ("PackageReference", ItemKind::PackageReference),
            ("PackageVersion", ItemKind::PackageVersion),
            ("GlobalPackageReference", ItemKind::GlobalPackageReference),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(element))
        .map(|(_, k)| k)
    }
}

/// One package item.
#[derive(Debug, Clone)]
pub(super) struct Item {
    pub kind: ItemKind,
    /// The `Include` value (may list several packages separated by `;`).
    pub include: String,
    /// `Version` metadata, attribute or child element, as written.
    pub version: Option<String>,
    /// `VersionOverride` metadata (Central Package Management).
    pub version_override: Option<String>,
    /// `PrivateAssets` metadata.
    pub private_assets: Option<String>,
    /// 1-based line of the item's start tag.
    pub line: u32,
}

impl Item {
    /// The package names of the `Include` list.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.include
            .split(';')
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }

    /// Whether the package's assets do not flow to consumers (`PrivateAssets="all"`): the
    /// form NuGet gives development dependencies (analyzers, build tools).
    pub fn is_private(&self) -> bool {
        self.private_assets
            .as_deref()
            .is_some_and(|p| p.split(';').any(|a| a.trim().eq_ignore_ascii_case("all")))
    }
}

/// The package items and properties of one MSBuild file.
#[derive(Debug, Default)]
pub(super) struct Project {
    pub items: Vec<Item>,
    /// Property names lower-cased (MSBuild names are case-insensitive).
    properties: HashMap<String, String>,
}

/// How deep `$(…)` references are followed.
const MAX_PROPERTY_DEPTH: usize = 16;
/// Longest value a property reference may expand to.
const MAX_EXPANSION: usize = 4096;
/// Most property references followed for one value.
const MAX_REFERENCES: usize = 1024;

impl Project {
    /// Reads the items and properties of an MSBuild file.
    pub fn parse(input: &Input<'_>) -> Result<Project, ParseError> {
        let text = xml::decode(input)?;
        let lines = LineIndex::new(&text);
        let mut xr = XmlReader::new(input, &text);
        let mut tb = TextBuf::default();
        let mut project = Project::default();
        let mut item: Option<Item> = None;
        // Depth of the open package item in the path.
        let mut item_depth = 0;
        loop {
            match xr.next()? {
                XmlEvent::Eof => break,
                XmlEvent::Text(t) => tb.push(&t),
                XmlEvent::Start(e) => {
                    tb.start();
                    let path = xr.path();
                    if path.len() == 1 && path[0] != "Project" {
                        return Err(xr.error_at(
                            e.offset,
                            format!(
                                "this is not an MSBuild file: the root element is <{}>, not \
                                 <Project>",
                                path[0]
                            ),
                        ));
                    }
                    let n = path.len();
                    if item.is_none()
                        && n >= 3
                        && path[n - 2] == "ItemGroup"
                        && let Some(kind) = ItemKind::parse(&path[n - 1])
                    {
                        let include = e.attr_ci("Include").unwrap_or_default();
                        item = Some(Item {
                            kind,
                            include,
                            version: e.attr_ci("Version"),
                            version_override: e.attr_ci("VersionOverride"),
                            private_assets: e.attr_ci("PrivateAssets"),
                            line: lines.line(e.offset),
                        });
                        item_depth = n;
                    }
                }
                XmlEvent::End => {
                    let path = xr.path();
                    let n = path.len();
                    if let Some(it) = item.as_mut() {
                        if n == item_depth {
                            project.items.extend(item.take());
                        } else if n == item_depth + 1 {
                            let value = tb.take();
                            let meta = &path[n - 1];
                            if meta.eq_ignore_ascii_case("Version") {
                                it.version = Some(value);
                            } else if meta.eq_ignore_ascii_case("VersionOverride") {
                                it.version_override = Some(value);
                            } else if meta.eq_ignore_ascii_case("PrivateAssets") {
                                it.private_assets = Some(value);
                            }
                        }
                    } else if n >= 3 && path[n - 2] == "PropertyGroup" {
                        let value = tb.take();
                        project
                            .properties
                            .insert(path[n - 1].to_ascii_lowercase(), value);
                    }
                }
            }
        }
        Ok(project)
    }

    /// `s` with `$(Property)` references replaced from this file's properties; `None` when
    /// one is not defined here (it comes from an import, the SDK or the command line).
    pub fn expand(&self, s: &str) -> Option<String> {
        let mut budget = MAX_REFERENCES;
        self.expand_at(s, 0, &mut budget)
    }

    fn expand_at(&self, s: &str, depth: usize, budget: &mut usize) -> Option<String> {
        if !s.contains("$(") {
            return Some(s.to_string());
        }
        if depth >= MAX_PROPERTY_DEPTH {
            return None;
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("$(") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let j = after.find(')')?;
            *budget = budget.checked_sub(1)?;
            let value = self
                .properties
                .get(&after[..j].trim().to_ascii_lowercase())?;
            out.push_str(&self.expand_at(value, depth + 1, budget)?);
            if out.len() > MAX_EXPANSION {
                return None;
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        Some(out)
    }
}

/// A NuGet version as written in a manifest, as one version.
///
/// `None` when nothing is written. Otherwise the version NuGet resolves to when the
/// requested one exists: a bare `1.2.3` (NuGet's "at least", lowest applicable chosen) and
/// `[1.2.3]` give `1.2.3`, `[1.0,2.0)` gives `1.0`; floating versions (`1.*`), ranges
/// without an inclusive lower bound and unresolvable property references give `""`.
pub(super) fn pin(project: &Project, raw: Option<&str>) -> Option<String> {
    let raw = raw.map(str::trim).filter(|v| !v.is_empty())?;
    let Some(v) = project.expand(raw) else {
        return Some(String::new());
    };
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if v.contains('*') {
        return Some(String::new());
    }
    let inclusive = match v.as_bytes().first() {
        Some(b'[') => true,
        Some(b'(') => false,
        _ => return Some(v.to_string()),
    };
    let Some(end) = v.find([']', ')']) else {
        return Some(String::new());
    };
    let inner = &v[1..end];
    let lower = inner.split_once(',').map_or(inner, |(lo, _)| lo).trim();
    Some(if inclusive && !lower.contains('*') {
        lower.to_string()
    } else {
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(src: &str) -> Project {
        Project::parse(&Input::in_memory("a.csproj", src.as_bytes())).unwrap()
    }

    #[test]
    fn items_metadata_and_properties() {
        let p = project(
            r#"<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><XVersion>1.2.3</XVersion><Y>$(XVERSION)</Y></PropertyGroup>
  <ItemGroup Condition="'$(TargetFramework)' == 'net48'">
    <PackageReference Include="A" Version="$(Y)" />
    <PackageReference Include="B">
      <Version>[2.0, 3.0)</Version>
      <PrivateAssets>all</PrivateAssets>
    </PackageReference>
    <PackageReference Include="C" version="1.*" />
  </ItemGroup>
</Project>"#,
        );
        let got: Vec<_> = p
            .items
            .iter()
            .map(|i| {
                (
                    i.include.as_str(),
                    pin(&p, i.version.as_deref()),
                    i.is_private(),
                    i.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A", Some("1.2.3".to_string()), false, 4),
                ("B", Some("2.0".to_string()), true, 5),
                ("C", Some(String::new()), false, 9),
            ]
        );
    }

    #[test]
    fn pins() {
        let p = Project::default();
        let pin = |v: &str| pin(&p, Some(v));
        assert_eq!(pin(""), None);
        assert_eq!(pin("1.0"), Some("1.0".into()));
        assert_eq!(pin("[1.0]"), Some("1.0".into()));
        assert_eq!(pin("(1.0,)"), Some(String::new()));
        assert_eq!(pin("$(Unknown)"), Some(String::new()));
        assert_eq!(pin("[1.0"), Some(String::new()));
    }

    #[test]
    fn self_referencing_properties_stop() {
        let p = project(
            "<Project><PropertyGroup><A>$(A)$(A)</A></PropertyGroup><ItemGroup><PackageReference Include=\"x\" Version=\"$(A)\"/></ItemGroup></Project>",
        );
        assert_eq!(pin(&p, p.items[0].version.as_deref()), Some(String::new()));
        // Ten references per level, twelve levels (under the depth cap): bounded by the reference budget.
        let mut props = String::new();
        for i in 0..12 {
            props.push_str(&format!(
                "<P{i}>{}</P{i}>",
                format!("$(P{})", i + 1).repeat(10)
            ));
        }
        let p = project(&format!(
            "<Project><PropertyGroup>{props}<P12></P12></PropertyGroup></Project>"
        ));
        // Exponential expansion would not finish; the expander gives up instead.
        assert_eq!(p.expand("$(P0)"), None);
    }

    #[test]
    fn not_msbuild() {
        let e = Project::parse(&Input::in_memory("a.csproj", b"<packages/>")).unwrap_err();
        assert!(e.message.contains("not an MSBuild file"), "{e}");
        let e = Project::parse(&Input::in_memory("a.csproj", b"not\nxml")).unwrap_err();
        assert_eq!(e.line, Some(1));
    }
}
