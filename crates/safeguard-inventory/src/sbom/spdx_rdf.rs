//! SPDX RDF/XML (2.x): reads packages, their purls, checksums and relationships into the same
//! input types as the JSON reader. Only the RDF/XML shapes SPDX tools write are understood
//! (typed elements with `rdf:about`, `rdf:resource` references, nested definitions).

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::Document;
use super::common::tag_start;
use super::spdx::{
    ChecksumIn, CreationInfoIn, ExternalRefIn, PackageIn, RelationshipIn, SpdxIn, convert,
};
use crate::{LineIndex, ParseError};

/// Elements nested deeper than this are refused.
const MAX_ELEMENT_DEPTH: usize = 512;

#[derive(Default)]
struct Frame {
    name: String,
    /// The SPDX id from `rdf:about`/`rdf:nodeID`, for typed elements.
    id: Option<String>,
    /// Index into the packages, for `Package` elements.
    package: Option<usize>,
    /// Index into the relationships, for `Relationship` elements.
    relationship: Option<usize>,
    /// The `rdf:resource` attribute.
    resource: Option<String>,
    checksum: Option<ChecksumIn>,
    external_ref: Option<ExternalRefIn>,
}

/// `…#SPDXRef-x` → `SPDXRef-x`.
fn local_id(uri: &str) -> String {
    uri.rsplit_once('#').map_or(uri, |(_, id)| id).to_string()
}

/// `…#relationshipType_devDependencyOf` → `DEV_DEPENDENCY_OF`.
fn relationship_type(uri: &str) -> String {
    let name = uri.rsplit_once('_').map_or(uri, |(_, n)| n);
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        let key_local = key.rsplit_once(':').map_or(key, |(_, l)| l);
        (key_local == local)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.trim().to_string())
            })
            .flatten()
    })
}

/// Reads an SPDX RDF/XML document.
pub(crate) fn read(path: &str, text: &str) -> Result<Document, ParseError> {
    let index = LineIndex::new(text);
    let err_at = |offset: u64, message: String| {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(text.len());
        let (line, col) = index.line_col(offset);
        ParseError::new(path, Some(line), Some(col), message)
    };
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;

    let mut doc = SpdxIn::default();
    let mut creators = Vec::new();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut text_buf = String::new();

    loop {
        let event = reader
            .read_event()
            .map_err(|e| err_at(reader.error_position(), format!("not well-formed XML: {e}")))?;
        let end_offset = reader.buffer_position();
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if frames.len() >= MAX_ELEMENT_DEPTH {
                    return Err(err_at(
                        end_offset,
                        format!("elements are nested deeper than {MAX_ELEMENT_DEPTH} levels"),
                    ));
                }
                text_buf.clear();
                let name = e.local_name().as_ref().to_string();
                let id = attr(e, "about")
                    .or_else(|| attr(e, "nodeID"))
                    .map(|a| local_id(&a));
                let mut frame = Frame {
                    name: name.clone(),
                    id: id.clone(),
                    resource: attr(e, "resource"),
                    ..Frame::default()
                };
                match name.as_str() {
                    "SpdxDocument" => doc.spdx_id = id.clone(),
                    "Package" => {
                        let key = id.clone().unwrap_or_default();
                        let i = match by_id.get(&key) {
                            Some(&i) if !key.is_empty() => i,
                            _ => {
                                let start = tag_start(text, end_offset);
                                doc.packages.push(PackageIn {
                                    spdx_id: key.clone(),
                                    line: Some(index.line(start)),
                                    ..PackageIn::default()
                                });
                                by_id.insert(key, doc.packages.len() - 1);
                                doc.packages.len() - 1
                            }
                        };
                        frame.package = Some(i);
                    }
                    "Relationship" => {
                        // The element holding `relationship` is the relationship's subject.
                        let owner = frames
                            .iter()
                            .rev()
                            .filter(|f| f.name != "relationship" && f.name != "Relationship")
                            .find_map(|f| f.id.clone())
                            .unwrap_or_default();
                        doc.relationships.push(RelationshipIn {
                            spdx_element_id: owner,
                            ..RelationshipIn::default()
                        });
                        frame.relationship = Some(doc.relationships.len() - 1);
                    }
                    "Checksum" => frame.checksum = Some(ChecksumIn::default()),
                    "ExternalRef" => frame.external_ref = Some(ExternalRefIn::default()),
                    _ => {}
                }
                // A typed element defined inside `relatedSpdxElement` or `describesPackage`.
                if let Some(id) = &id
                    && let Some(parent) = frames.last()
                {
                    match parent.name.as_str() {
                        "relatedSpdxElement" => {
                            if let Some(r) = frames
                                .len()
                                .checked_sub(2)
                                .and_then(|i| frames[i].relationship)
                                .and_then(|i| doc.relationships.get_mut(i))
                            {
                                r.related_spdx_element = id.clone();
                            }
                        }
                        "describesPackage" => doc.document_describes.push(id.clone()),
                        _ => {}
                    }
                }
                frames.push(frame);
                if empty {
                    finish(&mut frames, &mut doc, &mut creators, "");
                }
            }
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) => text_buf.push_str(&t.into_inner()),
            Event::GeneralRef(r) => {
                if let Ok(Some(ch)) = r.resolve_char_ref() {
                    text_buf.push(ch);
                } else {
                    match r.as_ref() {
                        "amp" => text_buf.push('&'),
                        "lt" => text_buf.push('<'),
                        "gt" => text_buf.push('>'),
                        "quot" => text_buf.push('"'),
                        "apos" => text_buf.push('\''),
                        _ => {}
                    }
                }
            }
            Event::End(_) => {
                let value = std::mem::take(&mut text_buf);
                finish(&mut frames, &mut doc, &mut creators, value.trim());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !doc.spdx_version.starts_with("SPDX-2.") {
        return Err(ParseError::new(
            path,
            None,
            None,
            format!(
                "not a readable SPDX RDF document: specVersion is {:?}, expected SPDX-2.x",
                doc.spdx_version
            ),
        ));
    }
    doc.creation_info = Some(CreationInfoIn { creators });
    convert(path, doc)
}

fn finish(frames: &mut Vec<Frame>, doc: &mut SpdxIn, creators: &mut Vec<String>, value: &str) {
    let Some(frame) = frames.pop() else {
        return;
    };
    let Some(parent) = frames.last_mut() else {
        return;
    };
    let text = || (!value.is_empty()).then(|| value.to_string());
    if let Some(checksum) = frame.checksum {
        if let Some(p) = parent_package(frames, doc) {
            p.checksums.push(checksum);
        }
        return;
    }
    if let Some(r) = frame.external_ref {
        if let Some(p) = parent_package(frames, doc) {
            p.external_refs.push(r);
        }
        return;
    }
    if let Some(i) = parent.package
        && let Some(p) = doc.packages.get_mut(i)
    {
        match frame.name.as_str() {
            "name" => p.name = value.to_string(),
            "versionInfo" => p.version_info = text(),
            "supplier" => p.supplier = text(),
            "downloadLocation" => {
                p.download_location = text().or_else(|| frame.resource.as_deref().map(local_id))
            }
            "sourceInfo" => p.source_info = text(),
            _ => {}
        }
        return;
    }
    if let Some(c) = parent.checksum.as_mut() {
        match frame.name.as_str() {
            "algorithm" => {
                c.algorithm = frame
                    .resource
                    .as_deref()
                    .map(|r| r.rsplit_once('_').map_or(r, |(_, a)| a).to_string())
                    .unwrap_or_default();
            }
            "checksumValue" => c.checksum_value = value.to_string(),
            _ => {}
        }
        return;
    }
    if let Some(r) = parent.external_ref.as_mut() {
        match frame.name.as_str() {
            "referenceType" => {
                r.reference_type = frame
                    .resource
                    .as_deref()
                    .map(|t| t.rsplit(['/', '#']).next().unwrap_or(t).to_string())
                    .or_else(text)
                    .unwrap_or_default();
            }
            "referenceCategory" => {
                r.reference_category = frame
                    .resource
                    .as_deref()
                    .map(|t| t.rsplit_once('_').map_or(t, |(_, c)| c).to_string())
                    .or_else(text)
                    .unwrap_or_default();
            }
            "referenceLocator" => r.reference_locator = value.to_string(),
            _ => {}
        }
        return;
    }
    if let Some(i) = parent.relationship
        && let Some(r) = doc.relationships.get_mut(i)
    {
        match frame.name.as_str() {
            "relationshipType" => {
                r.relationship_type = frame
                    .resource
                    .as_deref()
                    .map(relationship_type)
                    .unwrap_or_default();
            }
            "relatedSpdxElement" => {
                if let Some(res) = frame.resource.as_deref() {
                    r.related_spdx_element = local_id(res);
                }
            }
            _ => {}
        }
        return;
    }
    match (parent.name.as_str(), frame.name.as_str()) {
        ("SpdxDocument", "specVersion") => doc.spdx_version = value.to_string(),
        ("SpdxDocument", "describesPackage") => {
            if let Some(res) = frame.resource.as_deref() {
                doc.document_describes.push(local_id(res));
            }
        }
        ("CreationInfo", "creator") => creators.push(value.to_string()),
        _ => {}
    }
}

/// The package the innermost `checksum`/`externalRef` belongs to: the frame above the
/// property element.
fn parent_package<'a>(frames: &[Frame], doc: &'a mut SpdxIn) -> Option<&'a mut PackageIn> {
    let holder = frames.len().checked_sub(2).and_then(|i| frames.get(i))?;
    doc.packages.get_mut(holder.package?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rdf_names() {
        assert_eq!(
            relationship_type("http://spdx.org/rdf/terms#relationshipType_devDependencyOf"),
            "DEV_DEPENDENCY_OF"
        );
        assert_eq!(
            relationship_type("x#relationshipType_describes"),
            "DESCRIBES"
        );
        assert_eq!(local_id("http://x/doc#SPDXRef-a"), "SPDXRef-a");
    }
}
