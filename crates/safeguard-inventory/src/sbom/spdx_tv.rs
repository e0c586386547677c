//! SPDX tag-value (2.1–2.3): builds the same input types as the JSON reader.

use super::Document;
use super::spdx::{
    ChecksumIn, CreationInfoIn, ExternalRefIn, PackageIn, RelationshipIn, SpdxIn, convert,
};
use crate::ParseError;

/// Whether the text is SPDX tag-value: an `SPDXVersion:` tag among its first lines.
pub(crate) fn looks_like(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(50)
        .any(|l| l.starts_with("SPDXVersion:"))
}

enum Section {
    Document,
    Package(usize),
    /// Files, snippets, extracted licences, annotations: read past.
    Other,
}

/// Reads an SPDX tag-value document.
pub(crate) fn read(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut doc = SpdxIn::default();
    let mut creators = Vec::new();
    let mut section = Section::Document;
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = trimmed.split_once(':') else {
            return Err(ParseError::new(
                path,
                Some(line_no),
                Some(1),
                "expected `Tag: value` in an SPDX tag-value document",
            ));
        };
        let tag = tag.trim();
        let mut value = value.trim().to_string();
        if let Some(rest) = value.strip_prefix("<text>") {
            // Multi-line text runs to `</text>`.
            let mut body = rest.to_string();
            let mut closed = body.contains("</text>");
            while !closed {
                let Some((_, more)) = lines.next() else {
                    return Err(ParseError::new(
                        path,
                        Some(line_no),
                        Some(1),
                        format!("the <text> value of {tag} is never closed with </text>"),
                    ));
                };
                body.push('\n');
                body.push_str(more);
                closed = more.contains("</text>");
            }
            value = body
                .split("</text>")
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
        }
        match tag {
            "SPDXVersion" => doc.spdx_version = value,
            "Creator" => creators.push(value),
            "PackageName" => {
                doc.packages.push(PackageIn {
                    name: value,
                    line: Some(line_no),
                    ..PackageIn::default()
                });
                section = Section::Package(doc.packages.len() - 1);
            }
            "FileName" | "SnippetSPDXID" | "LicenseID" | "Annotator" => section = Section::Other,
            "Relationship" => {
                let mut parts = value.split_whitespace();
                if let (Some(a), Some(ty), Some(b)) = (parts.next(), parts.next(), parts.next()) {
                    doc.relationships.push(RelationshipIn {
                        spdx_element_id: a.to_string(),
                        relationship_type: ty.to_string(),
                        related_spdx_element: b.to_string(),
                    });
                }
            }
            "SPDXID" => match section {
                Section::Document => doc.spdx_id = Some(value),
                Section::Package(p) => {
                    if let Some(pkg) = doc.packages.get_mut(p) {
                        pkg.spdx_id = value;
                    }
                }
                Section::Other => {}
            },
            _ => {
                let Section::Package(p) = section else {
                    continue;
                };
                let Some(pkg) = doc.packages.get_mut(p) else {
                    continue;
                };
                match tag {
                    "PackageVersion" => pkg.version_info = Some(value),
                    "PackageSupplier" => pkg.supplier = Some(value),
                    "PackageDownloadLocation" => pkg.download_location = Some(value),
                    "PackageSourceInfo" => pkg.source_info = Some(value),
                    "PackageChecksum" => {
                        if let Some((alg, hex)) = value.split_once(':') {
                            pkg.checksums.push(ChecksumIn {
                                algorithm: alg.trim().to_string(),
                                checksum_value: hex.trim().to_string(),
                            });
                        }
                    }
                    "ExternalRef" => {
                        let mut parts = value.split_whitespace();
                        if let (Some(category), Some(ty), Some(locator)) =
                            (parts.next(), parts.next(), parts.next())
                        {
                            pkg.external_refs.push(ExternalRefIn {
                                reference_category: category.to_string(),
                                reference_type: ty.to_string(),
                                reference_locator: locator.to_string(),
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if !doc.spdx_version.starts_with("SPDX-2.") {
        return Err(ParseError::new(
            path,
            None,
            None,
            format!(
                "SPDX version {:?} is not supported; SPDX 2.1 to 2.3 are read",
                doc.spdx_version
            ),
        ));
    }
    doc.creation_info = Some(CreationInfoIn { creators });
    convert(path, doc)
}
