//! CycloneDX XML (1.0–1.7): builds the same input types as the JSON reader.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::common::tag_start;
use super::cyclonedx::{
    CdxIn, ComponentIn, DependencyIn, ExternalReferenceIn, HashIn, MetadataIn, OrganizationIn,
    PropertyIn, ScopeIn,
};
use super::{Document, MAX_NESTING};
use crate::{LineIndex, ParseError};

/// Elements nested deeper than this are refused.
const MAX_ELEMENT_DEPTH: usize = 512;

/// Where a `<component>` element sits, which decides what it is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `bom/components/component` or nested `component/components/component`.
    Component,
    /// `bom/metadata/component`: the subject.
    Subject,
    /// `bom/metadata/tools/components/component`.
    Tool,
}

struct Frame {
    name: String,
    /// `Some` when this element pushed a component onto the component stack.
    component: Option<Role>,
    /// The attribute that matters for this element (`alg`, `name`, `type`, `ref`).
    attr: Option<String>,
}

/// Reads a CycloneDX XML document.
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

    let mut bom = CdxIn::default();
    let mut metadata = MetadataIn::default();
    let mut frames: Vec<Frame> = Vec::new();
    let mut stack: Vec<(ComponentIn, Role)> = Vec::new();
    let mut deps: Vec<DependencyIn> = Vec::new();
    let mut dep_stack: Vec<usize> = Vec::new();
    let mut tool_parts: (Option<String>, Option<String>) = (None, None);
    let mut text_buf = String::new();
    let mut seen_root = false;

    loop {
        let event = reader
            .read_event()
            .map_err(|e| err_at(reader.error_position(), format!("not well-formed XML: {e}")))?;
        let end_offset = reader.buffer_position();
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_string();
                if !seen_root {
                    seen_root = true;
                    if name != "bom" {
                        return Err(err_at(
                            0,
                            format!(
                                "not a CycloneDX document: the root element is <{name}>, expected <bom>"
                            ),
                        ));
                    }
                    bom.spec_version = namespace_version(e).unwrap_or_default();
                }
                if frames.len() >= MAX_ELEMENT_DEPTH {
                    return Err(err_at(
                        end_offset,
                        format!("elements are nested deeper than {MAX_ELEMENT_DEPTH} levels"),
                    ));
                }
                text_buf.clear();
                let parent = frames.last().map(|f| f.name.as_str());
                let grandparent = frames.len().checked_sub(2).and_then(|i| frames.get(i));
                let mut frame = Frame {
                    name: name.clone(),
                    component: None,
                    attr: None,
                };
                match name.as_str() {
                    "component" => {
                        let role =
                            match (parent, grandparent.map(|g| (g.name.as_str(), g.component))) {
                                (Some("components"), Some(("bom", _))) => Some(Role::Component),
                                (
                                    Some("components"),
                                    Some(("component", Some(Role::Component))),
                                ) if stack.len() < MAX_NESTING => Some(Role::Component),
                                (Some("components"), Some(("tools", _))) => Some(Role::Tool),
                                (Some("metadata"), _) => Some(Role::Subject),
                                _ => None,
                            };
                        if let Some(role) = role {
                            let start = tag_start(text, end_offset);
                            let c = ComponentIn {
                                bom_ref: attr(e, "bom-ref"),
                                line: Some(index.line(start)),
                                ..ComponentIn::default()
                            };
                            stack.push((c, role));
                            frame.component = Some(role);
                        }
                    }
                    "hash" => frame.attr = attr(e, "alg"),
                    "property" => frame.attr = attr(e, "name"),
                    "reference" => frame.attr = attr(e, "type"),
                    "dependency" => {
                        let reference = attr(e, "ref").unwrap_or_default();
                        match parent {
                            Some("dependencies") => {
                                deps.push(DependencyIn {
                                    reference,
                                    depends_on: Vec::new(),
                                });
                                dep_stack.push(deps.len() - 1);
                                frame.attr = Some("top".into());
                            }
                            Some("dependency") => {
                                if let Some(&i) = dep_stack.last()
                                    && let Some(d) = deps.get_mut(i)
                                {
                                    d.depends_on.push(reference);
                                }
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                }
                frames.push(frame);
                if empty {
                    finish(
                        &mut frames,
                        &mut stack,
                        &mut bom,
                        &mut metadata,
                        &mut dep_stack,
                        &mut tool_parts,
                        "",
                    )
                    .map_err(|m| err_at(end_offset, m))?;
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
                finish(
                    &mut frames,
                    &mut stack,
                    &mut bom,
                    &mut metadata,
                    &mut dep_stack,
                    &mut tool_parts,
                    value.trim(),
                )
                .map_err(|m| err_at(end_offset, m))?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(ParseError::new(
            path,
            Some(1),
            Some(1),
            "not a CycloneDX document: no <bom> element",
        ));
    }
    bom.dependencies = deps;
    bom.metadata = Some(metadata);
    super::cyclonedx::convert(path, bom)
}

/// `http://cyclonedx.org/schema/bom/1.6` → `1.6`.
fn namespace_version(e: &BytesStart<'_>) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        if key != "xmlns" && !key.starts_with("xmlns:") {
            return None;
        }
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()?;
        value
            .strip_prefix("http://cyclonedx.org/schema/bom/")
            .map(|v| v.trim_end_matches('/').to_string())
    })
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.trim().to_string())
        })
}

/// Handles the end of the innermost element, whose text is `value`.
fn finish(
    frames: &mut Vec<Frame>,
    stack: &mut Vec<(ComponentIn, Role)>,
    bom: &mut CdxIn,
    metadata: &mut MetadataIn,
    dep_stack: &mut Vec<usize>,
    tool_parts: &mut (Option<String>, Option<String>),
    value: &str,
) -> Result<(), String> {
    let Some(frame) = frames.pop() else {
        return Ok(());
    };
    let n = frames.len();
    let at = |k: usize| -> Option<&Frame> { n.checked_sub(k).and_then(|i| frames.get(i)) };
    let owner = |k: usize| at(k).and_then(|f| f.component).is_some();
    let text = || (!value.is_empty()).then(|| value.to_string());

    if let Some(role) = frame.component {
        let Some((c, _)) = stack.pop() else {
            return Ok(());
        };
        match role {
            Role::Subject => metadata.component = Some(c),
            Role::Tool => {
                if let Some(name) = c.name.filter(|n| !n.is_empty()) {
                    metadata.tools.push(match c.version {
                        Some(v) if !v.is_empty() => format!("{name} {v}"),
                        _ => name,
                    });
                }
            }
            Role::Component => match stack.last_mut() {
                Some((parent, Role::Component)) => parent.components.push(c),
                _ => bom.components.push(c),
            },
        }
        return Ok(());
    }
    if frame.name == "dependency" && frame.attr.as_deref() == Some("top") {
        dep_stack.pop();
        return Ok(());
    }
    // Direct children of a component.
    if owner(1)
        && let Some((c, _)) = stack.last_mut()
    {
        match frame.name.as_str() {
            "name" => c.name = text(),
            "group" => c.group = text(),
            "version" => c.version = text(),
            "purl" => c.purl = text(),
            "cpe" => c.cpe = text(),
            "scope" => {
                c.scope = match value {
                    "required" => Some(ScopeIn::Required),
                    "optional" => Some(ScopeIn::Optional),
                    "excluded" => Some(ScopeIn::Excluded),
                    other => {
                        return Err(format!(
                            "unknown scope {other:?}, expected required, optional or excluded"
                        ));
                    }
                }
            }
            _ => {}
        }
        return Ok(());
    }
    // Grandchildren: hashes/hash, properties/property, supplier/name.
    if owner(2)
        && let Some((c, _)) = stack.last_mut()
    {
        match (at(1).map(|f| f.name.as_str()), frame.name.as_str()) {
            (Some("hashes"), "hash") => c.hashes.push(HashIn {
                alg: frame.attr.unwrap_or_default(),
                content: value.to_string(),
            }),
            (Some("properties"), "property") => c.properties.push(PropertyIn {
                name: frame.attr.unwrap_or_default(),
                value: text(),
            }),
            (Some("supplier"), "name") => {
                c.supplier = Some(OrganizationIn { name: text() });
            }
            _ => {}
        }
        return Ok(());
    }
    // externalReferences/reference/url.
    if owner(3)
        && frame.name == "url"
        && at(2).map(|f| f.name.as_str()) == Some("externalReferences")
        && let (Some((c, _)), Some(reference)) = (stack.last_mut(), at(1))
    {
        c.external_references.push(ExternalReferenceIn {
            ty: reference.attr.clone().unwrap_or_default(),
            url: value.to_string(),
        });
        return Ok(());
    }
    // metadata/supplier/name, metadata/manufacturer/name, legacy metadata/tools/tool.
    if !(3..=4).contains(&frames.len()) {
        return Ok(());
    }
    let names: Vec<&str> = frames.iter().map(|f| f.name.as_str()).collect();
    match (names.as_slice(), frame.name.as_str()) {
        (["bom", "metadata", "supplier"], "name") => {
            metadata.supplier = Some(OrganizationIn { name: text() });
        }
        (["bom", "metadata", "manufacturer"], "name") => {
            metadata.manufacturer = Some(OrganizationIn { name: text() });
        }
        (["bom", "metadata", "tools", "tool"], "name") => tool_parts.0 = text(),
        (["bom", "metadata", "tools", "tool"], "version") => tool_parts.1 = text(),
        (["bom", "metadata", "tools"], "tool") => {
            if let Some(name) = tool_parts.0.take() {
                metadata.tools.push(match tool_parts.1.take() {
                    Some(v) => format!("{name} {v}"),
                    None => name,
                });
            }
            tool_parts.1 = None;
        }
        _ => {}
    }
    Ok(())
}
