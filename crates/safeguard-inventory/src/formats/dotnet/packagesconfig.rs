//! `dotnet/packagesconfig`: NuGet 2-style `packages.config`.
//!
//! Each `<package id version targetFramework developmentDependency>` is a component at its
//! line; `developmentDependency="true"` → [`Scope::Dev`]. The file lists every package
//! the project restores, direct and transitive alike, so the relationship is unknown.
//! Entries without an `id` or a `version` are skipped. The `allowedVersions` range is a
//! constraint for updates, not the installed version, and is not used.

use safeguard_model::{Component, Ecosystem, Scope};

use crate::formats::java::xml::{self, XmlEvent, XmlReader};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `dotnet/packagesconfig`.
pub struct PackagesConfig;

impl Extractor for PackagesConfig {
    fn id(&self) -> &'static str {
        "dotnet/packagesconfig"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::NuGet
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "packages.config"
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = xml::decode(input)?;
        let lines = LineIndex::new(&text);
        let mut xr = XmlReader::new(input, &text);
        let mut out = Vec::new();
        loop {
            match xr.next()? {
                XmlEvent::Eof => break,
                XmlEvent::Start(e) => {
                    let path = xr.path();
                    if path.len() == 1 && path[0] != "packages" {
                        return Err(xr.error_at(
                            e.offset,
                            format!(
                                "this is not a packages.config: the root element is <{}>, not \
                                 <packages>",
                                path[0]
                            ),
                        ));
                    }
                    if !xr.at(&["packages", "package"]) {
                        continue;
                    }
                    let id = e.attr("id").unwrap_or_default();
                    let version = e.attr("version").unwrap_or_default();
                    let (id, version) = (id.trim(), version.trim());
                    if id.is_empty() || version.is_empty() {
                        tracing::debug!(
                            "{}:{}: a package without id or version is skipped",
                            input.path,
                            lines.line(e.offset)
                        );
                        continue;
                    }
                    let line = Some(lines.line(e.offset));
                    let mut c = Component::new(Ecosystem::NuGet, id, version, input.location(line));
                    if e.attr("developmentDependency")
                        .is_some_and(|d| d.trim().eq_ignore_ascii_case("true"))
                    {
                        c.scope = Scope::Dev;
                    }
                    out.push(c);
                }
                XmlEvent::End | XmlEvent::Text(_) => {}
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeguard_model::Relationship;

    fn read(src: &[u8]) -> Result<Vec<Component>, ParseError> {
        PackagesConfig.extract(&Input::in_memory("packages.config", src))
    }

    #[test]
    fn scopes_and_lines() {
        let cs = read(
            b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<packages>\r\n  <package id=\"A\" version=\"1.0.0\" targetFramework=\"net46\" />\r\n  <package id=\"B\" version=\"2.0\" developmentDependency=\"true\" />\r\n</packages>\r\n",
        )
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
                ("A", "1.0.0", Scope::Runtime, Some(3)),
                ("B", "2.0", Scope::Dev, Some(4))
            ]
        );
        assert_eq!(cs[0].purl, "pkg:nuget/A@1.0.0");
        assert_eq!(cs[0].relationship, Relationship::Unknown);
    }

    #[test]
    fn errors_name_the_place() {
        let e = read(b"<packages>\n  <package id=\"A\" version=\"1\">\n</packages>").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = read(b"not\nxml").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
    }

    #[test]
    fn real_files() {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cdxgen-testdata/test/data"
        );
        let cs = read(&std::fs::read(format!("{base}/packages.config")).unwrap()).unwrap();
        assert_eq!(cs.len(), 21);
        assert!(cs.iter().any(|c| c.name == "Newtonsoft.Json"
            && c.version == "8.0.3"
            && c.location.line == Some(18)));
        let cs = read(&std::fs::read(format!("{base}/packages2.config")).unwrap()).unwrap();
        assert_eq!(cs.len(), 1);
    }
}
