//! `dotnet/nugetcpm`: `Directory.Packages.props`, NuGet Central Package Management.
//!
//! - `<PackageVersion Include Version>`: the version every project referencing the package
//!   gets. Whether a project references it is in the project files, so these are
//!   [`Relationship::Unknown`].
//! - `<GlobalPackageReference Include Version>`: a reference added to every project, with
//!   `PrivateAssets="all"` implied (analyzers, build tools) → [`Scope::Dev`],
//!   [`Relationship::Direct`].
//! - `<PackageReference Include Version>` in the props file: a reference of every project
//!   importing it → [`Relationship::Direct`].
//!
//! Items without a package name or without a version are skipped. Versions are pinned as in
//! [`super::csproj`]; `$(Property)` references resolve from the file's own properties.

use safeguard_model::{Component, Ecosystem, Relationship, Scope};

use super::msbuild::{self, ItemKind, Project};
use crate::{Extractor, FileKind, Input, ParseError, file_name};

/// Reads `dotnet/nugetcpm`.
pub struct NugetCpm;

impl Extractor for NugetCpm {
    fn id(&self) -> &'static str {
        "dotnet/nugetcpm"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "Directory.Packages.props"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let project = Project::parse(input)?;
        let mut out = Vec::new();
        for item in &project.items {
            let version_raw = match item.kind {
                ItemKind::PackageReference => item
                    .version_override
                    .as_deref()
                    .filter(|v| !v.trim().is_empty())
                    .or(item.version.as_deref()),
                _ => item.version.as_deref(),
            };
            let Some(version) = msbuild::pin(&project, version_raw) else {
                tracing::debug!("{}:{}: no version; skipped", input.path, item.line);
                continue;
            };
            for name in item.names() {
                let mut c = Component::new(
                    Ecosystem::NuGet,
                    name,
                    &version,
                    input.location(Some(item.line)),
                );
                match item.kind {
                    ItemKind::PackageVersion => {}
                    ItemKind::GlobalPackageReference => {
                        c.relationship = Relationship::Direct;
                        c.scope = Scope::Dev;
                    }
                    ItemKind::PackageReference => {
                        c.relationship = Relationship::Direct;
                        if item.is_private() {
                            c.scope = Scope::Dev;
                        }
                    }
                }
                out.push(c);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_versions_and_global_references() {
        let src = r#"<Project>
  <PropertyGroup>
    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
    <AspNetVersion>8.0.1</AspNetVersion>
  </PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="Microsoft.AspNetCore.OpenApi" Version="$(AspNetVersion)" />
    <PackageVersion Include="Newtonsoft.Json">
      <Version>13.0.3</Version>
    </PackageVersion>
    <PackageVersion Include="NoVersion" />
    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.6.133" />
  </ItemGroup>
</Project>"#;
        let cs = NugetCpm
            .extract(&Input::in_memory(
                "Directory.Packages.props",
                src.as_bytes(),
            ))
            .unwrap();
        let got: Vec<_> = cs
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.version.as_str(),
                    c.scope,
                    c.relationship,
                    c.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Microsoft.AspNetCore.OpenApi",
                    "8.0.1",
                    Scope::Runtime,
                    Relationship::Unknown,
                    Some(7)
                ),
                (
                    "Newtonsoft.Json",
                    "13.0.3",
                    Scope::Runtime,
                    Relationship::Unknown,
                    Some(8)
                ),
                (
                    "Nerdbank.GitVersioning",
                    "3.6.133",
                    Scope::Dev,
                    Relationship::Direct,
                    Some(12)
                ),
            ]
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = NugetCpm
            .extract(&Input::in_memory(
                "Directory.Packages.props",
                b"<Project>\n<ItemGroup>\n<PackageVersion Include=\"A\" Version=\"1\" Version=\"2\"/>\n</ItemGroup>\n</Project>",
            ))
            .unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
    }
}
