//! `java/gradleverificationmetadataxml`: Gradle dependency verification metadata,
//! `gradle/verification-metadata.xml` (schema versions 1.0–1.3).
//!
//! Every `<components>/<component group name version>` is a component, located at its
//! start tag. Its hashes are those Gradle records (`sha512`, `sha256`, `sha1`, `md5`
//! `value`s; `also-trust` alternatives are not included) for the component's main
//! artefact: `<name>-<version>.<ext>` other than the `.pom` and `.module` metadata, or the
//! `.pom` when that is the only artefact (BOMs, parent POMs). Artefacts with a classifier
//! (`-sources.jar`, platform variants) are not the component's own artefact and are not
//! used. Gradle records every module the build resolved, build plugins included, and does
//! not say which are direct or test-only. A component repeated with the same coordinates
//! is reported once. A missing attribute is left empty, as Gradle would write it.

use std::collections::HashSet;

use safeguard_model::{Component, Ecosystem, Hash, HashAlg};

use super::xml::{self, XmlEvent, XmlReader};
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `java/gradleverificationmetadataxml`.
pub struct GradleVerificationMetadata;

impl Extractor for GradleVerificationMetadata {
    fn id(&self) -> &'static str {
        "java/gradleverificationmetadataxml"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Maven
    }
    fn kind(&self) -> FileKind {
        FileKind::Lockfile
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "verification-metadata.xml"
            && (path == "gradle/verification-metadata.xml"
                || path.ends_with("/gradle/verification-metadata.xml"))
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = xml::decode(input)?;
        let lines = LineIndex::new(&text);
        let mut xr = XmlReader::new(input, &text);
        let mut out = Vec::new();
        let mut seen: HashSet<(String, String, String)> = HashSet::new();
        let mut current: Option<Pending> = None;
        const COMPONENT: [&str; 3] = ["verification-metadata", "components", "component"];
        loop {
            match xr.next()? {
                XmlEvent::Eof => break,
                XmlEvent::Text(_) => {}
                XmlEvent::Start(e) => {
                    let path = xr.path();
                    if path.len() == 1 && path[0] != "verification-metadata" {
                        return Err(xr.error_at(
                            e.offset,
                            format!(
                                "this is not Gradle verification metadata: the root element is \
                                 <{}>, not <verification-metadata>",
                                path[0]
                            ),
                        ));
                    }
                    let Some(below) = xr.below(&COMPONENT) else {
                        continue;
                    };
                    match below {
                        [] => {
                            current = Some(Pending {
                                group: e.attr("group").unwrap_or_default(),
                                name: e.attr("name").unwrap_or_default(),
                                version: e.attr("version").unwrap_or_default(),
                                offset: e.offset,
                                artifacts: Vec::new(),
                            });
                        }
                        [a] if a == "artifact" => {
                            if let Some(p) = current.as_mut() {
                                p.artifacts
                                    .push((e.attr("name").unwrap_or_default(), Vec::new()));
                            }
                        }
                        [a, alg] if a == "artifact" => {
                            let hash = HashAlg::parse(alg)
                                .filter(|alg| alg != &HashAlg::GoH1)
                                .zip(e.attr("value"))
                                .and_then(|(alg, v)| Hash::from_hex(alg, &v));
                            if let (Some(h), Some(p)) = (hash, current.as_mut())
                                && let Some((_, hashes)) = p.artifacts.last_mut()
                            {
                                hashes.push(h);
                            }
                        }
                        _ => {}
                    }
                }
                XmlEvent::End => {
                    if !xr.at(&COMPONENT) {
                        continue;
                    }
                    let Some(p) = current.take() else { continue };
                    if !seen.insert((p.group.clone(), p.name.clone(), p.version.clone())) {
                        continue;
                    }
                    let name = format!("{}:{}", p.group, p.name);
                    let line = Some(lines.line(p.offset));
                    let mut c =
                        Component::new(Ecosystem::Maven, &name, &p.version, input.location(line));
                    c.hashes = p.main_hashes();
                    out.push(c);
                }
            }
        }
        Ok(out)
    }
}

struct Pending {
    group: String,
    name: String,
    version: String,
    offset: usize,
    /// (artefact file name, its hashes)
    artifacts: Vec<(String, Vec<Hash>)>,
}

impl Pending {
    fn main_hashes(mut self) -> Vec<Hash> {
        let stem = format!("{}-{}.", self.name, self.version);
        let ext = |file: &str| file.strip_prefix(&stem).map(str::to_string);
        let pick = self
            .artifacts
            .iter()
            .position(|(f, _)| {
                ext(f).is_some_and(|e| {
                    !e.is_empty() && !e.contains('.') && e != "pom" && e != "module"
                })
            })
            .or_else(|| {
                self.artifacts
                    .iter()
                    .position(|(f, _)| ext(f).as_deref() == Some("pom"))
            });
        let mut hashes = match pick {
            Some(i) => std::mem::take(&mut self.artifacts[i].1),
            None => Vec::new(),
        };
        hashes.sort();
        hashes.dedup();
        hashes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> Result<Vec<Component>, ParseError> {
        GradleVerificationMetadata.extract(&Input::in_memory(
            "gradle/verification-metadata.xml",
            src.as_bytes(),
        ))
    }

    #[test]
    fn hashes_of_the_main_artifact() {
        let sha256 = "a".repeat(64);
        let sha512 = "B".repeat(128);
        let src = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<verification-metadata xmlns="https://schema.gradle.org/dependency-verification">
  <components>
    <component group="g" name="lib" version="1.0">
      <artifact name="lib-1.0-sources.jar"><sha256 value="{c}"/></artifact>
      <artifact name="lib-1.0.jar">
        <sha256 value="{sha256}" origin="Generated by Gradle"><also-trust value="{c}"/></sha256>
        <sha512 value="{sha512}"/>
      </artifact>
      <artifact name="lib-1.0.pom"><sha256 value="{c}"/></artifact>
    </component>
    <component group="g" name="bom" version="2">
      <artifact name="bom-2.pom"><sha1 value="{sha1}"/><pgp value="abc"/></artifact>
    </component>
    <component group="g" name="bom" version="2"/>
  </components>
</verification-metadata>"#,
            c = "c".repeat(64),
            sha1 = "d".repeat(40),
        );
        let cs = read(&src).unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].name, "g:lib");
        assert_eq!(cs[0].location.line, Some(4));
        assert_eq!(
            cs[0].hashes,
            [
                Hash::from_hex(HashAlg::Sha256, &sha256).unwrap(),
                Hash::from_hex(HashAlg::Sha512, &sha512).unwrap()
            ]
        );
        assert_eq!(cs[0].hashes[1].value, "b".repeat(128));
        assert_eq!(cs[1].hashes[0].alg, HashAlg::Sha1);
    }

    #[test]
    fn errors_name_the_place() {
        let e = read("<verification-metadata>\n<components>\n<component group=\"a\" name=\"b\" version=\"1\">\n</components>").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        let e = read("<gradle/>").unwrap_err();
        assert!(
            e.message.contains("not Gradle verification metadata"),
            "{e}"
        );
    }

    #[test]
    fn matches_the_gradle_folder_only() {
        let ex = GradleVerificationMetadata;
        assert!(ex.matches("gradle/verification-metadata.xml"));
        assert!(ex.matches("sub/gradle/verification-metadata.xml"));
        assert!(!ex.matches("verification-metadata.xml"));
        assert!(!ex.matches("x/notgradle/verification-metadata.xml"));
    }

    #[test]
    fn large_file() {
        let mut src = String::from(
            "<?xml version=\"1.0\"?>\n<verification-metadata>\n<configuration><verify-metadata>true</verify-metadata></configuration>\n<components>\n",
        );
        for i in 0..4000 {
            src.push_str(&format!(
                "<component group=\"org.g{i}\" name=\"a{i}\" version=\"1.{i}\">\n<artifact name=\"a{i}-1.{i}.jar\">\n<sha256 value=\"{:064x}\" origin=\"Generated by Gradle\"/>\n</artifact>\n</component>\n",
                i
            ));
        }
        src.push_str("</components>\n</verification-metadata>\n");
        let cs = read(&src).unwrap();
        assert_eq!(cs.len(), 4000);
        assert_eq!(cs[3999].name, "org.g3999:a3999");
        assert_eq!(cs[3999].location.line, Some(5 + 5 * 3999));
        assert_eq!(cs[3999].hashes[0].value, format!("{:064x}", 3999));
    }
}
