//! `package.json`, read as the npm package it describes.
//!
//! This is how installed packages are found (each `node_modules/<name>/package.json`), so the
//! result is the package itself, by its `name` and `version`; the dependency ranges it
//! declares are not resolved versions and are not reported. Files without both a name and a
//! version, VS Code extension manifests (`engines.vscode` or `contributes`) and Unity package
//! manifests (`unity`) describe no npm package and yield nothing.
//!
//! Not run by repository discovery: a project's own `package.json` is not a third-party
//! component.

use safeguard_model::{Component, Ecosystem};

use super::json::Dialect;
use super::parse_json;
use crate::{Extractor, FileKind, Input, LineIndex, ParseError, file_name};

/// Reads `javascript/packagejson`: the package a `package.json` describes.
pub struct PackageJson;

impl Extractor for PackageJson {
    fn id(&self) -> &'static str {
        "javascript/packagejson"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Npm
    }
    fn kind(&self) -> FileKind {
        FileKind::Manifest
    }
    fn matches(&self, path: &str) -> bool {
        file_name(path) == "package.json"
    }
    fn in_discovery(&self) -> bool {
        false
    }
    fn extract(&self, input: &Input<'_>) -> Result<Vec<Component>, ParseError> {
        let text = input.text()?;
        let doc = parse_json(input, text, Dialect::Strict)?;
        let Some(members) = doc.as_object() else {
            return Err(input.error_at(
                text,
                doc.offset,
                format!("package.json must be a JSON object, found {}", doc.kind()),
            ));
        };
        let name = doc.get_str("name").unwrap_or_default().trim();
        let version = doc.get_str("version").unwrap_or_default().trim();
        if name.is_empty() || version.is_empty() {
            return Ok(Vec::new());
        }
        let vscode = doc.get("engines").and_then(|e| e.get("vscode")).is_some()
            || doc.get("contributes").is_some();
        if vscode || doc.get("unity").is_some() {
            return Ok(Vec::new());
        }
        let line = members
            .iter()
            .rev()
            .find(|m| m.key == "name")
            .map(|m| LineIndex::new(text).line(m.key_offset));
        Ok(vec![Component::new(
            Ecosystem::Npm,
            name,
            version,
            input.location(line),
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(text: &str) -> Result<Vec<Component>, ParseError> {
        PackageJson.extract(&Input::in_memory(
            "node_modules/x/package.json",
            text.as_bytes(),
        ))
    }

    #[test]
    fn the_package_itself() {
        let cs = extract("{\n  \"version\": \"1.2.3\",\n  \"name\": \"@s/x\",\n  \"dependencies\": {\"y\": \"1.0.0\"}\n}")
            .unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(
            (cs[0].name.as_str(), cs[0].version.as_str()),
            ("@s/x", "1.2.3")
        );
        assert_eq!(cs[0].purl, "pkg:npm/%40s/x@1.2.3");
        assert_eq!(cs[0].location.line, Some(3));
    }

    #[test]
    fn not_npm_packages() {
        assert!(extract(r#"{"name": "x"}"#).unwrap().is_empty());
        assert!(
            extract(r#"{"name": "x", "version": "1", "engines": {"vscode": "*"}}"#)
                .unwrap()
                .is_empty()
        );
        assert!(
            extract(r#"{"name": "x", "version": "1", "contributes": {}}"#)
                .unwrap()
                .is_empty()
        );
        assert!(
            extract(r#"{"name": "x", "version": "1", "unity": "2020.3"}"#)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            extract(r#"{"name": "x", "version": "1", "engines": ["node"]}"#)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn errors_name_the_place() {
        let e = extract("{\n  \"name\": PACKAGE\n}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(11)));
        assert!(extract("[]").is_err());
    }
}
