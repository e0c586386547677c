//! `dotnet/csproj`: the `<PackageReference>` items of MSBuild project files (`*.csproj`,
//! `*.fsproj`, `*.vbproj`; SDK-style and legacy).
//!
//! - The version is the `VersionOverride` or `Version` metadata (attribute or child
//!   element), with `$(Property)` references resolved from the file's own
//!   `<PropertyGroup>`s. A reference without a version takes it from the nearest
//!   `Directory.Packages.props` above the project (Central Package Management); one with no
//!   version anywhere is skipped, as NuGet cannot restore it either.
//! - Versions are pinned as NuGet resolves them when the requested version exists (`1.2.3`
//!   and `[1.2.3,2)` → `1.2.3`); floating versions (`1.*`), open lower bounds and properties
//!   defined elsewhere leave the version empty.
//! - `PrivateAssets="all"` (NuGet's form of a development dependency: analyzers, build
//!   tools) → [`Scope::Dev`].
//! - Every package reference is [`Relationship::Direct`]. Old-style `<Reference>` assembly
//!   references are not packages (their packages are in `packages.config`).

use std::collections::HashMap;

use safeguard_model::{Component, Ecosystem, Relationship, Scope};

use super::msbuild::{self, ItemKind, Project};
use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `dotnet/csproj`.
pub struct Csproj;

impl Extractor for Csproj {
    fn id(&self) -> &'static str {
        "dotnet/csproj"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name.ends_with(".csproj") || name.ends_with(".fsproj") || name.ends_with(".vbproj")
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let project = Project::parse(input)?;
        let mut central: Option<HashMap<String, String>> = None;
        let mut out = Vec::new();
        for item in &project.items {
            if item.kind != ItemKind::PackageReference {
                continue;
            }
            let declared = msbuild::pin(
                &project,
                item.version_override
                    .as_deref()
                    .filter(|v| !v.trim().is_empty())
                    .or(item.version.as_deref()),
            );
            for name in item.names() {
                let version = match &declared {
                    Some(v) => v.clone(),
                    None => {
                        let central = central.get_or_insert_with(|| central_versions(input));
                        match central.get(&name.to_ascii_lowercase()) {
                            Some(v) => v.clone(),
                            None => {
                                tracing::debug!(
                                    "{}:{}: {name} has no version; skipped",
                                    input.path,
                                    item.line
                                );
                                continue;
                            }
                        }
                    }
                };
                let mut c = Component::new(
                    Ecosystem::NuGet,
                    name,
                    &version,
                    input.location(Some(item.line)),
                );
                c.relationship = Relationship::Direct;
                if item.is_private() {
                    c.scope = Scope::Dev;
                }
                out.push(c);
            }
        }
        Ok(out)
    }
}

/// The `PackageVersion`s of the nearest `Directory.Packages.props` at or above the project's
/// folder, by lower-cased package name. Empty when there is none or it cannot be read.
fn central_versions(input: &Input<'_>) -> HashMap<String, String> {
    let levels = input.dir().split('/').filter(|s| !s.is_empty()).count();
    for up in 0..=levels {
        let rel = format!("{}Directory.Packages.props", "../".repeat(up));
        let (path, bytes) = match input.read_relative(&rel) {
            Ok(Some(found)) => found,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!("{}: {e}", input.path);
                return HashMap::new();
            }
        };
        let props_input = Input {
            path: &path,
            bytes: &bytes,
            root: input.root,
        };
        let props = match Project::parse(&props_input) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("{}: central package versions not used: {e}", input.path);
                return HashMap::new();
            }
        };
        let mut versions = HashMap::new();
        for item in props
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::PackageVersion)
        {
            if let Some(v) = msbuild::pin(&props, item.version.as_deref()) {
                for name in item.names() {
                    versions.insert(name.to_ascii_lowercase(), v.clone());
                }
            }
        }
        return versions;
    }
    HashMap::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_scopes_lines() {
        let src = r#"<?xml version="1.0" encoding="utf-8"?>
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><SerilogVersion>3.1.1</SerilogVersion></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Serilog" Version="$(SerilogVersion)" />
    <PackageReference Include="StyleCop.Analyzers" Version="1.1.118" PrivateAssets="All" />
    <PackageReference Include="Floating" Version="6.*" />
    <PackageReference Include="NoVersion" />
    <ProjectReference Include="..\Other\Other.csproj" />
  </ItemGroup>
</Project>"#;
        let cs = Csproj
            .extract(&Input::in_memory("src/App.csproj", src.as_bytes()))
            .unwrap();
        let got: Vec<_> = cs
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.scope,
                    c.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Serilog", "3.1.1", Scope::Runtime, Some(5)),
                ("StyleCop.Analyzers", "1.1.118", Scope::Dev, Some(6)),
                ("Floating", "", Scope::Runtime, Some(7)),
            ]
        );
        assert_eq!(cs[0].purl, "pkg:nuget/Serilog@3.1.1");
        assert!(cs.iter().all(|c| c.relationship == Relationship::Direct));
    }

    #[test]
    fn central_package_management() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/App")).unwrap();
        std::fs::write(
            dir.path().join("Directory.Packages.props"),
            r#"<Project><ItemGroup><PackageVersion Include="Serilog" Version="3.0.0"/></ItemGroup></Project>"#,
        )
        .unwrap();
        let src = br#"<Project><ItemGroup>
<PackageReference Include="serilog" />
<PackageReference Include="Other" VersionOverride="2.0.0" />
<PackageReference Include="Missing" />
</ItemGroup></Project>"#;
        let input = Input {
            path: "src/App/App.csproj",
            bytes: src,
            root: Some(dir.path()),
        };
        let cs = Csproj.extract(&input).unwrap();
        let got: Vec<_> = cs
            .iter()
            .map(|c| (c.name.as_str(), c.version.as_str()))
            .collect();
        assert_eq!(got, [("serilog", "3.0.0"), ("Other", "2.0.0")]);
    }

    #[test]
    fn errors_name_the_place() {
        let e = Csproj
            .extract(&Input::in_memory(
                "a.csproj",
                b"<Project>\n  <ItemGroup>\n    <PackageReference Include=\"A\" Version=\"1\">\n  </ItemGroup>\n</Project>",
            ))
            .unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn real_project_files() {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test"
        );
        let read = |rel: &str| {
            let bytes = std::fs::read(format!("{base}/{rel}")).unwrap();
            Csproj.extract(&Input::in_memory(rel, &bytes)).unwrap()
        };
        let cs = read("sample.csproj");
        assert_eq!(cs.len(), 5);
        assert!(
            cs.iter()
                .any(|c| c.name == "Microsoft.Bot.Builder.Adapters.Facebook"
                    && c.version == "4.8.0-rc2-preview"
                    && c.location.line == Some(12))
        );
        // Versions come from a Directory.Packages.props that is not there.
        assert!(read("data/Logging.csproj").is_empty());
        // Legacy project files with a BOM and CRLF: assembly references only.
        assert!(read("data/Server.csproj").is_empty());
        assert!(read("data/WindowsFormsApplication1.csproj").is_empty());
    }
}
