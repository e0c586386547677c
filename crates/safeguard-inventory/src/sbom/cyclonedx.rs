//! CycloneDX: JSON writer (1.5–1.7) and reader (JSON 1.2–1.7; XML builds the same input
//! types in `cdx_xml`).

use std::collections::{BTreeMap, BTreeSet};

use safeguard_model::{Component, HashAlg, Location, Relationship, Scope};
use serde::{Deserialize, Serialize};

use super::common::{self, Entry, PROP_PREFIX, RawPackage};
use super::{
    CdxVersion, Document, MAX_NESTING, Metadata, SbomFormat, Subject, SubjectLifecycle, json_scan,
};
use crate::ParseError;
use crate::discover::Inventory;

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    #[serde(rename = "bomFormat")]
    bom_format: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: &'static str,
    #[serde(rename = "serialNumber", skip_serializing_if = "Option::is_none")]
    serial_number: Option<String>,
    version: u32,
    metadata: BomMetadata,
    components: Vec<OutComponent<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<OutDependency<'a>>,
    compositions: Vec<OutComposition<'a>>,
}

#[derive(Serialize)]
struct BomMetadata {
    timestamp: String,
    lifecycles: Vec<OutLifecycle>,
    tools: OutTools,
    component: OutSubject,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<OutOrganization>,
}

/// A pre-defined lifecycle phase (CycloneDX 1.5+ `metadata.lifecycles[]`).
#[derive(Serialize)]
struct OutLifecycle {
    phase: &'static str,
}

#[derive(Serialize)]
struct OutTools {
    components: Vec<OutTool>,
}

#[derive(Serialize)]
struct OutTool {
    #[serde(rename = "type")]
    ty: &'static str,
    name: String,
    version: String,
}

#[derive(Serialize)]
struct OutOrganization {
    name: String,
}

#[derive(Serialize)]
struct OutSubject {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<OutOrganization>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<OutProperty>,
}

#[derive(Serialize)]
struct OutComponent<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    version: &'a str,
    scope: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<OutHash<'a>>,
    purl: &'a str,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<OutExternalReference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<OutEvidence<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<OutProperty>,
}

#[derive(Serialize)]
struct OutHash<'a> {
    alg: &'static str,
    content: &'a str,
}

#[derive(Serialize)]
struct OutExternalReference<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct OutEvidence<'a> {
    occurrences: Vec<OutOccurrence<'a>>,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct OutOccurrence<'a> {
    location: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct OutProperty {
    name: String,
    value: String,
}

#[derive(Serialize)]
struct OutDependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(rename = "dependsOn")]
    depends_on: Vec<&'a str>,
}

#[derive(Serialize)]
struct OutComposition<'a> {
    aggregate: &'static str,
    assemblies: Vec<&'a str>,
}

fn property(name: &str, value: impl Into<String>) -> OutProperty {
    OutProperty {
        name: format!("{PROP_PREFIX}{name}"),
        value: value.into(),
    }
}

/// The bom-ref of the subject (`metadata.component`); components use their purls.
fn subject_ref(subject: &Subject) -> String {
    format!("subject:{}", subject.name)
}

/// Writes the inventory as a CycloneDX JSON BOM of `version`: pretty-printed, with a trailing
/// newline, byte-identical for identical input.
///
/// One component per distinct purl (bom-ref = purl) with every declaration in
/// `evidence.occurrences` (with `line` from 1.6 on); scope `required` if any declaration is
/// runtime, `optional` if any is optional, else `excluded`; hashes unioned, Go's `h1:` hash as
/// the `safeguard:hash:go-h1` property; ecosystem, groups, relationship, commit and a source
/// that is not a URL as `safeguard:` properties; a URL source as a `vcs` or `distribution`
/// external reference. `dependencies` has the subject's direct components and each
/// component's recorded edges; `compositions` says `complete` only when the inventory has no
/// coverage gaps and no errors. `serialNumber` is a UUID derived from a SHA-256 of the rest
/// of the document.
///
/// `metadata.lifecycles` is `[{"phase": "build"}]`: the BOM is made from lockfiles, which hold
/// the resolved versions a build uses.
pub fn write_cyclonedx(inv: &Inventory, meta: &Metadata, version: CdxVersion) -> String {
    write_cyclonedx_with_lifecycle(inv, meta, version, None)
}

/// [`write_cyclonedx`], with the product version's lifecycle dates (when known) as properties
/// of `metadata.component`: `safeguard:lifecycle:general_availability`,
/// `safeguard:lifecycle:end_of_security_support` and `safeguard:lifecycle:end_of_life`, each
/// valued with the date as written (`YYYY-MM-DD` or RFC 3339).
pub fn write_cyclonedx_with_lifecycle(
    inv: &Inventory,
    meta: &Metadata,
    version: CdxVersion,
    lifecycle: Option<&SubjectLifecycle>,
) -> String {
    let entries = common::entries(inv);
    let root = subject_ref(&meta.subject);
    let with_lines = version >= CdxVersion::V1_6;

    let components: Vec<OutComponent<'_>> = entries
        .iter()
        .map(|e| out_component(e, with_lines))
        .collect();

    let mut dependencies = Vec::new();
    let direct: Vec<&str> = entries
        .iter()
        .filter(|e| e.relationship == Relationship::Direct)
        .map(|e| e.purl)
        .collect();
    if !direct.is_empty() {
        dependencies.push(OutDependency {
            reference: &root,
            depends_on: direct,
        });
    }
    for e in &entries {
        if e.edges_known || !e.dependencies.is_empty() {
            dependencies.push(OutDependency {
                reference: e.purl,
                depends_on: e.dependencies.iter().copied().collect(),
            });
        }
    }

    let complete = inv.gaps.is_empty() && inv.errors.is_empty();
    let subject = &meta.subject;
    let mut subject_props = Vec::new();
    if let Some(commit) = &subject.commit {
        subject_props.push(property("commit", commit.clone()));
    }
    if let Some(l) = lifecycle {
        for (name, value) in [
            ("lifecycle:general_availability", &l.general_availability),
            (
                "lifecycle:end_of_security_support",
                &l.end_of_security_support,
            ),
            ("lifecycle:end_of_life", &l.end_of_life),
        ] {
            if let Some(v) = value {
                subject_props.push(property(name, v.clone()));
            }
        }
    }
    let mut bom = Bom {
        schema: format!("http://cyclonedx.org/schema/bom-{}.schema.json", version),
        bom_format: "CycloneDX",
        spec_version: version.as_str(),
        serial_number: None,
        version: 1,
        metadata: BomMetadata {
            timestamp: common::timestamp(meta.timestamp),
            lifecycles: vec![OutLifecycle { phase: "build" }],
            tools: OutTools {
                components: vec![OutTool {
                    ty: "application",
                    name: meta.tool_name.clone(),
                    version: meta.tool_version.clone(),
                }],
            },
            component: OutSubject {
                ty: "application",
                bom_ref: root.clone(),
                supplier: subject
                    .supplier
                    .clone()
                    .map(|name| OutOrganization { name }),
                name: subject.name.clone(),
                version: subject.version.clone().or_else(|| subject.commit.clone()),
                properties: subject_props,
            },
            supplier: subject
                .supplier
                .clone()
                .map(|name| OutOrganization { name }),
        },
        components,
        dependencies,
        compositions: vec![OutComposition {
            aggregate: if complete { "complete" } else { "incomplete" },
            assemblies: vec![&root],
        }],
    };
    let unsigned = serde_json::to_vec(&bom).unwrap_or_default();
    bom.serial_number = Some(format!("urn:uuid:{}", common::uuid_from(&unsigned)));
    let mut out = serde_json::to_string_pretty(&bom).unwrap_or_default();
    out.push('\n');
    out
}

fn out_component<'a>(e: &Entry<'a>, with_lines: bool) -> OutComponent<'a> {
    let parsed = safeguard_model::Purl::parse(e.purl).ok();
    let (group, name) = match &parsed {
        Some(p) => (p.namespace.clone(), p.name.clone()),
        None => (None, e.first.name.clone()),
    };
    let mut hashes = Vec::new();
    let mut properties = vec![property("ecosystem", e.first.ecosystem.osv_name())];
    for h in &e.hashes {
        if h.alg == HashAlg::GoH1 {
            properties.push(property("hash:go-h1", common::go_h1_string(h)));
        } else {
            hashes.push(OutHash {
                alg: h.alg.name(),
                content: &h.value,
            });
        }
    }
    for g in &e.groups {
        properties.push(property("group", *g));
    }
    match e.relationship {
        Relationship::Direct => properties.push(property("relationship", "direct")),
        Relationship::Transitive => properties.push(property("relationship", "transitive")),
        Relationship::Unknown => {}
    }
    let mut external_references = Vec::new();
    if let Some(source) = e.source {
        if common::is_plain_uri(source) {
            external_references.push(OutExternalReference {
                ty: if common::is_vcs_source(source) {
                    "vcs"
                } else {
                    "distribution"
                },
                url: source,
            });
        } else {
            properties.push(property("source", source));
        }
    }
    if let Some(commit) = e.commit {
        properties.push(property("commit", commit));
    }
    properties.sort();
    properties.dedup();

    let mut occurrences: Vec<OutOccurrence<'_>> = e
        .locations
        .iter()
        .filter(|l| !l.file.is_empty())
        .map(|l| OutOccurrence {
            location: &l.file,
            line: if with_lines { l.line } else { None },
        })
        .collect();
    occurrences.sort();
    occurrences.dedup();

    OutComponent {
        ty: "library",
        bom_ref: e.purl,
        group,
        name,
        version: &e.first.version,
        scope: match e.scope {
            Scope::Runtime => "required",
            Scope::Optional => "optional",
            Scope::Dev => "excluded",
        },
        hashes,
        purl: e.purl,
        external_references,
        evidence: (!occurrences.is_empty()).then_some(OutEvidence { occurrences }),
        properties,
    }
}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

/// Whether a `specVersion` is one we read as JSON (JSON exists from 1.2 on).
pub(crate) fn supported_json_version(v: &str) -> bool {
    let Some(minor) = v.trim().strip_prefix("1.") else {
        return false;
    };
    minor.parse::<u32>().is_ok_and(|m| m >= 2)
}

#[derive(Deserialize, Default)]
pub(crate) struct CdxIn {
    #[serde(rename = "specVersion")]
    pub spec_version: String,
    #[serde(default)]
    pub metadata: Option<MetadataIn>,
    #[serde(default)]
    pub components: Vec<ComponentIn>,
    #[serde(default)]
    pub dependencies: Vec<DependencyIn>,
}

#[derive(Deserialize, Default)]
pub(crate) struct MetadataIn {
    /// `name version` of each tool, from the legacy array or the 1.5+ object form.
    #[serde(default, deserialize_with = "de_tools")]
    pub tools: Vec<String>,
    #[serde(default)]
    pub component: Option<ComponentIn>,
    #[serde(default)]
    pub supplier: Option<OrganizationIn>,
    #[serde(default)]
    pub manufacturer: Option<OrganizationIn>,
}

#[derive(Deserialize, Default)]
pub(crate) struct OrganizationIn {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ComponentIn {
    #[serde(rename = "bom-ref", default)]
    pub bom_ref: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub scope: Option<ScopeIn>,
    #[serde(default)]
    pub hashes: Vec<HashIn>,
    #[serde(default)]
    pub purl: Option<String>,
    #[serde(default)]
    pub cpe: Option<String>,
    #[serde(default)]
    pub supplier: Option<OrganizationIn>,
    #[serde(rename = "externalReferences", default)]
    pub external_references: Vec<ExternalReferenceIn>,
    #[serde(default)]
    pub properties: Vec<PropertyIn>,
    #[serde(default)]
    pub components: Vec<ComponentIn>,
    #[serde(skip)]
    pub line: Option<u32>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ScopeIn {
    Required,
    Optional,
    Excluded,
}

#[derive(Deserialize, Default)]
pub(crate) struct HashIn {
    pub alg: String,
    pub content: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct ExternalReferenceIn {
    #[serde(rename = "type")]
    pub ty: String,
    pub url: String,
}

#[derive(Deserialize, Default)]
pub(crate) struct PropertyIn {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct DependencyIn {
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(rename = "dependsOn", default)]
    pub depends_on: Vec<String>,
}

fn de_tools<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    let describe = |t: &serde_json::Value| -> Option<String> {
        let name = t.get("name")?.as_str()?.trim();
        if name.is_empty() {
            return None;
        }
        Some(match t.get("version").and_then(|v| v.as_str()) {
            Some(v) if !v.trim().is_empty() => format!("{name} {}", v.trim()),
            _ => name.to_string(),
        })
    };
    let mut out = Vec::new();
    match &value {
        serde_json::Value::Array(tools) => out.extend(tools.iter().filter_map(describe)),
        serde_json::Value::Object(o) => {
            for key in ["components", "services"] {
                if let Some(list) = o.get(key).and_then(|v| v.as_array()) {
                    out.extend(list.iter().filter_map(describe));
                }
            }
        }
        _ => {}
    }
    Ok(out)
}

pub(crate) fn read_json(path: &str, text: &str) -> Result<Document, ParseError> {
    let mut bom: CdxIn = serde_json::from_str(text).map_err(|e| ParseError::from_json(path, &e))?;
    let offsets = json_scan::element_offsets(text, "components", true, MAX_NESTING);
    if !offsets.is_empty() {
        let index = crate::LineIndex::new(text);
        let mut lines = offsets.into_iter().map(|o| index.line(o));
        assign_lines(&mut bom.components, &mut lines, 1);
    }
    convert(path, bom)
}

/// Gives each component (pre-order, depth-capped like the scan) its line.
fn assign_lines(list: &mut [ComponentIn], lines: &mut impl Iterator<Item = u32>, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    for c in list {
        c.line = lines.next();
        assign_lines(&mut c.components, lines, depth + 1);
    }
}

fn flatten<'a>(list: &'a [ComponentIn], depth: usize, out: &mut Vec<&'a ComponentIn>) {
    if depth > MAX_NESTING {
        tracing::warn!("components nested deeper than {MAX_NESTING} levels are not read");
        return;
    }
    for c in list {
        out.push(c);
        flatten(&c.components, depth + 1, out);
    }
}

fn prop<'a>(c: &'a ComponentIn, name: &str) -> impl Iterator<Item = &'a str> {
    let full = format!("{PROP_PREFIX}{name}");
    c.properties
        .iter()
        .filter(move |p| p.name == full)
        .filter_map(|p| p.value.as_deref())
}

/// Turns the parsed BOM (from JSON or XML) into a [`Document`].
pub(crate) fn convert(path: &str, bom: CdxIn) -> Result<Document, ParseError> {
    let mut flat = Vec::new();
    flatten(&bom.components, 1, &mut flat);

    let mut components: Vec<Component> = Vec::with_capacity(flat.len());
    let mut by_ref: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &flat {
        let raw = RawPackage {
            purl: c.purl.as_deref(),
            group: c.group.as_deref(),
            name: c.name.as_deref(),
            version: c.version.as_deref(),
            cpe: c.cpe.as_deref(),
        };
        let location = Location {
            file: path.to_string(),
            line: c.line,
        };
        let Some(mut component) = common::make_component(&raw, location) else {
            tracing::warn!(
                "{path}:{}: skipping a component with neither a name nor a purl",
                c.line.unwrap_or(0)
            );
            continue;
        };
        component.scope = match c.scope {
            Some(ScopeIn::Optional) => Scope::Optional,
            Some(ScopeIn::Excluded) => Scope::Dev,
            Some(ScopeIn::Required) | None => Scope::Runtime,
        };
        let mut hashes: BTreeSet<_> = c
            .hashes
            .iter()
            .filter_map(|h| common::parse_hash(&h.alg, &h.content))
            .collect();
        hashes.extend(prop(c, "hash:go-h1").filter_map(common::parse_go_h1));
        component.hashes = hashes.into_iter().collect();
        component.groups = prop(c, "group").map(str::to_string).collect();
        component.relationship = match prop(c, "relationship").next() {
            Some("direct") => Relationship::Direct,
            Some("transitive") => Relationship::Transitive,
            _ => Relationship::Unknown,
        };
        component.source = prop(c, "source").next().map(str::to_string).or_else(|| {
            ["vcs", "distribution"].iter().find_map(|ty| {
                c.external_references
                    .iter()
                    .find(|r| r.ty == *ty && !r.url.trim().is_empty())
                    .map(|r| r.url.trim().to_string())
            })
        });
        component.commit = prop(c, "commit").next().map(str::to_string);
        if let Some(r) = c.bom_ref.as_deref() {
            by_ref.entry(r).or_insert(components.len());
        }
        components.push(component);
    }

    let metadata = bom.metadata.unwrap_or_default();
    let root_ref = metadata
        .component
        .as_ref()
        .and_then(|c| c.bom_ref.as_deref());
    let mut root_deps: Option<Vec<String>> = None;
    let mut edges: Vec<(usize, Vec<String>)> = Vec::new();
    for dep in &bom.dependencies {
        let targets: Vec<String> = dep
            .depends_on
            .iter()
            .filter_map(|r| by_ref.get(r.as_str()).map(|&i| components[i].purl.clone()))
            .collect();
        if Some(dep.reference.as_str()) == root_ref {
            root_deps.get_or_insert_with(Vec::new).extend(targets);
        } else if let Some(&i) = by_ref.get(dep.reference.as_str()) {
            edges.push((i, targets));
        }
    }
    for (i, targets) in edges {
        let c = &mut components[i];
        c.dependencies
            .extend(targets.into_iter().filter(|t| *t != c.purl));
    }
    for c in &mut components {
        c.dependencies.sort();
        c.dependencies.dedup();
    }
    super::classify_relationships(&mut components, root_deps.as_deref());

    let subject = metadata.component.as_ref().map(|c| {
        let name = match (c.group.as_deref(), c.name.as_deref()) {
            (_, Some(n)) if !n.trim().is_empty() => n.trim().to_string(),
            _ => c.purl.clone().unwrap_or_default(),
        };
        let commit = prop(c, "commit").next().map(str::to_string);
        let version = c
            .version
            .clone()
            .filter(|v| !v.trim().is_empty() && Some(v) != commit.as_ref());
        let supplier = [&metadata.supplier, &c.supplier, &metadata.manufacturer]
            .into_iter()
            .flatten()
            .find_map(|o| o.name.clone().filter(|n| !n.trim().is_empty()));
        Subject {
            name,
            version,
            commit,
            supplier,
        }
    });
    let tool = (!metadata.tools.is_empty()).then(|| metadata.tools.join(", "));
    Ok(Document {
        path: path.to_string(),
        format: SbomFormat::CycloneDx {
            spec_version: bom.spec_version.trim().to_string(),
        },
        subject,
        components,
        tool,
    })
}

#[cfg(test)]
mod lifecycle_tests {
    use super::*;
    use serde_json::Value;

    fn schema_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/testdata/cyclonedx-specification/schema")
    }

    fn load(name: &str) -> Value {
        let path = schema_dir().join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (test data lives in ../shared)", path.display()));
        serde_json::from_str(&text).unwrap()
    }

    fn schema_errors(version: &str, doc: &Value) -> Vec<String> {
        let schema = load(&format!("bom-{version}.schema.json"));
        let mut builder = jsonschema::Registry::new();
        for f in [
            "spdx.schema.json",
            "jsf-0.82.schema.json",
            "cryptography-defs.schema.json",
        ] {
            let s = load(f);
            let id = s["$id"].as_str().unwrap().to_string();
            builder = builder.add(id, s).unwrap();
        }
        let registry = builder.prepare().unwrap();
        let validator = jsonschema::options()
            .offline()
            .with_registry(&registry)
            .build(&schema)
            .unwrap();
        validator
            .iter_errors(doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    fn meta() -> Metadata {
        Metadata {
            tool_name: "safeguard".into(),
            tool_version: "0.1.0".into(),
            timestamp: time::macros::datetime!(2026-01-01 00:00 UTC),
            subject: Subject {
                name: "acme-server".into(),
                version: Some("4.2".into()),
                commit: None,
                supplier: None,
            },
        }
    }

    #[test]
    fn lifecycles_and_end_of_support_properties_are_schema_valid() {
        let lc = SubjectLifecycle {
            general_availability: Some("2025-01-15".into()),
            end_of_security_support: Some("2027-01-15T09:00:00+01:00".into()),
            end_of_life: None,
        };
        for v in [CdxVersion::V1_5, CdxVersion::V1_6, CdxVersion::V1_7] {
            let text = write_cyclonedx_with_lifecycle(&Inventory::default(), &meta(), v, Some(&lc));
            let doc: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                doc["metadata"]["lifecycles"],
                serde_json::json!([{"phase": "build"}])
            );
            let props = &doc["metadata"]["component"]["properties"];
            assert_eq!(
                props,
                &serde_json::json!([
                    {"name": "safeguard:lifecycle:general_availability", "value": "2025-01-15"},
                    {"name": "safeguard:lifecycle:end_of_security_support", "value": "2027-01-15T09:00:00+01:00"},
                ])
            );
            let errors = schema_errors(v.as_str(), &doc);
            assert!(errors.is_empty(), "{v}: {errors:#?}");
        }
        // Without lifecycle data: the phase only, no properties.
        let doc: Value = serde_json::from_str(&write_cyclonedx(
            &Inventory::default(),
            &meta(),
            CdxVersion::V1_6,
        ))
        .unwrap();
        assert_eq!(doc["metadata"]["lifecycles"][0]["phase"], "build");
        assert!(doc["metadata"]["component"].get("properties").is_none());
        // A phase outside the schema's enumeration is rejected, so the check above can fail.
        let mut bad = doc.clone();
        bad["metadata"]["lifecycles"][0]["phase"] = "compile".into();
        assert!(!schema_errors("1.6", &bad).is_empty());
    }
}
