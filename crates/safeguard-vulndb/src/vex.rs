//! VEX (Vulnerability Exploitability eXchange): reading OpenVEX and CycloneDX VEX documents,
//! and suppressing the findings they declare `not_affected`.
//!
//! Accepted inputs (JSON, UTF-8, an optional byte-order mark):
//! - OpenVEX 0.2.0 (`@context` `https://openvex.dev/ns/v0.2.0`), and the older 0.0.1 form in
//!   which `vulnerability` and `products` are plain strings;
//! - an in-toto statement whose predicate is an OpenVEX document (statements without products
//!   take the statement's subjects, as the OpenVEX inheritance rules say);
//! - CycloneDX 1.4–1.7 JSON with `vulnerabilities[].analysis.state` (a VEX BOM, or an SBOM
//!   carrying its own analysis).
//!
//! Matching: a statement applies to a finding when its vulnerability name, or one of its
//! aliases (OpenVEX `vulnerability.aliases`, CycloneDX `references[].id`), equals the finding's
//! id or one of the finding's aliases (ignoring ASCII case), and one of its products or
//! subcomponents names the finding's package: same purl type, namespace and name (after the
//! purl normalisation of [`safeguard_model::Purl`]), qualifiers and subpath ignored, and the
//! same version unless the statement's purl has no version (then every version matches).
//! Products that are not purls (CPE, hashes, other IRIs) never match.
//!
//! When several statements match, the one with the latest timestamp wins (a statement's own
//! `last_updated` or `timestamp`, else the document's; ties go to the statement written
//! later); only a winning `not_affected` suppresses. `affected`, `fixed`,
//! `under_investigation` (and CycloneDX's `exploitable`, `in_triage`, `resolved`,
//! `false_positive`) leave the finding open.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde::de::IgnoredAny;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::finding::{Finding, Suppression};
use safeguard_model::Purl;

/// A VEX document that could not be read, with the place in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", self.place())]
pub struct VexError {
    /// The file.
    pub path: String,
    /// 1-based line and column, for JSON syntax and type errors.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// What is wrong, naming the JSON element (`statements[2].status`) when there is no line.
    pub message: String,
}

impl VexError {
    fn place(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path),
            (Some(l), None) => format!("{}:{l}", self.path),
            _ => self.path.clone(),
        }
    }

    fn at(path: &str, message: impl Into<String>) -> VexError {
        VexError {
            path: path.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    fn json(path: &str, e: &serde_json::Error) -> VexError {
        // serde_json's Display ends with " at line L column C"; we print the place ourselves.
        let text = e.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) if e.line() > 0 => text.get(..i).unwrap_or(&text).to_string(),
            _ => text,
        };
        VexError {
            path: path.to_string(),
            line: (e.line() > 0).then_some(e.line()),
            // serde_json reports column 0 right after a newline; columns here are 1-based.
            column: (e.line() > 0).then_some(e.column().max(1)),
            message,
        }
    }
}

/// Which format a VEX document was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VexFormat {
    /// OpenVEX.
    OpenVex {
        /// Its `@context`.
        context: String,
    },
    /// OpenVEX inside an in-toto statement.
    InToto {
        /// The statement's `predicateType`.
        predicate_type: String,
    },
    /// CycloneDX.
    CycloneDx {
        /// Its `specVersion` (empty when missing).
        spec_version: String,
    },
}

/// The status a statement gives a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VexStatus {
    /// OpenVEX `not_affected`, CycloneDX `not_affected`: the only status that suppresses.
    NotAffected,
    /// OpenVEX `affected`, CycloneDX `exploitable`.
    Affected,
    /// OpenVEX `fixed`, CycloneDX `resolved` / `resolved_with_pedigree`.
    Fixed,
    /// OpenVEX `under_investigation`, CycloneDX `in_triage`.
    UnderInvestigation,
    /// CycloneDX `false_positive`.
    FalsePositive,
}

impl VexStatus {
    /// The OpenVEX name (`false_positive` for the CycloneDX-only status).
    pub fn as_str(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Affected => "affected",
            VexStatus::Fixed => "fixed",
            VexStatus::UnderInvestigation => "under_investigation",
            VexStatus::FalsePositive => "false_positive",
        }
    }
}

/// A package named by a purl, for matching: type, namespace, name and optional version
/// (qualifiers and subpath dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PurlPattern {
    /// Purl type (`npm`, `cargo`, …).
    pub ty: String,
    /// Namespace, when the purl has one.
    pub namespace: Option<String>,
    /// Package name (normalised as the purl type requires).
    pub name: String,
    /// Version; `None` matches every version.
    pub version: Option<String>,
}

impl PurlPattern {
    /// Parses a purl; `None` when it is not one.
    pub fn parse(s: &str) -> Option<PurlPattern> {
        let p = Purl::parse(s.trim()).ok()?;
        Some(PurlPattern {
            ty: p.ty,
            namespace: p.namespace,
            name: p.name,
            version: p.version,
        })
    }

    /// Whether this pattern names `package` (a component's purl, as a pattern): same type,
    /// namespace and name, and the same version unless the pattern has none.
    pub fn matches(&self, package: &PurlPattern) -> bool {
        self.ty == package.ty
            && self.name == package.name
            && self.namespace == package.namespace
            && self
                .version
                .as_ref()
                .is_none_or(|v| package.version.as_ref() == Some(v))
    }
}

/// One product a statement is about: the identifier as written and, when it is a purl, the
/// pattern to match components with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// The identifier as written (`@id`, `identifiers.purl`, a resolved CycloneDX ref).
    pub id: String,
    /// The purl pattern; `None` for identifiers that are not purls.
    pub purl: Option<PurlPattern>,
}

impl Product {
    fn new(id: &str) -> Product {
        Product {
            id: id.to_string(),
            purl: PurlPattern::parse(id),
        }
    }
}

/// One VEX statement, normalised across formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The vulnerability name (OpenVEX `vulnerability.name`, CycloneDX `id`).
    pub vulnerability: String,
    /// Other names (OpenVEX `vulnerability.aliases`, CycloneDX `references[].id`).
    pub aliases: Vec<String>,
    /// Products and subcomponents.
    pub products: Vec<Product>,
    /// What the statement says about them.
    pub status: VexStatus,
    /// The justification as written (OpenVEX or CycloneDX vocabulary).
    pub justification: Option<String>,
    /// OpenVEX `impact_statement`, CycloneDX `analysis.detail`.
    pub statement: Option<String>,
    /// When the statement was made (its own timestamp, else the document's).
    pub timestamp: Option<OffsetDateTime>,
}

/// A VEX document, read.
#[derive(Debug, Clone, PartialEq)]
pub struct VexDocument {
    /// The path it was read from (written into the suppressions it causes).
    pub path: String,
    /// The format it was read from.
    pub format: VexFormat,
    /// Its statements, in document order.
    pub statements: Vec<Statement>,
}

/// Reads an OpenVEX document, an in-toto statement carrying one, or a CycloneDX BOM with
/// `vulnerabilities[].analysis`, detecting which from the content.
///
/// Never panics. JSON syntax and type errors (an unknown status or justification included)
/// name `path:line:column`; errors found after parsing name the JSON element
/// (`statements[2]: …`). An OpenVEX `not_affected` statement without a justification or an
/// impact statement is rejected, as the OpenVEX specification requires one.
pub fn read(path: &str, bytes: &[u8]) -> Result<VexDocument, VexError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(i) = bytes.iter().position(|b| !b.is_ascii_whitespace())
        && bytes.get(i) != Some(&b'{')
    {
        let before = bytes.get(..i).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = i - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |n| n + 1)
            + 1;
        return Err(VexError {
            path: path.to_string(),
            line: Some(line),
            column: Some(column),
            message: "a VEX document is a JSON object ({ … })".into(),
        });
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| VexError::json(path, &e))?;

    if let Some(format) = &probe.bom_format
        && format.as_str() == Some("CycloneDX")
    {
        return read_cyclonedx(path, bytes);
    }
    if let Some(doc) = &probe.document
        && doc.get("csaf_version").is_some()
    {
        return Err(VexError::at(
            path,
            "this is a CSAF document; CSAF VEX is not supported, convert it to OpenVEX or CycloneDX VEX",
        ));
    }
    if probe.statement_type.is_some() {
        let pt = probe
            .predicate_type
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        if pt.starts_with("https://openvex.dev/ns") {
            return read_in_toto(path, bytes);
        }
        return Err(VexError::at(
            path,
            format!(
                "an in-toto statement whose predicateType is {pt:?}, not OpenVEX (https://openvex.dev/ns…)"
            ),
        ));
    }
    if let Some(ctx) = probe.context.as_ref().and_then(serde_json::Value::as_str) {
        if ctx.starts_with("https://openvex.dev/ns") {
            let raw: RawOpenVex =
                serde_json::from_slice(bytes).map_err(|e| VexError::json(path, &e))?;
            return openvex(
                path,
                raw,
                &[],
                VexFormat::OpenVex {
                    context: ctx.to_string(),
                },
            );
        }
        return Err(VexError::at(
            path,
            format!("@context is {ctx:?}, not an OpenVEX context (https://openvex.dev/ns…)"),
        ));
    }
    Err(VexError::at(
        path,
        "not a VEX document: expected OpenVEX (\"@context\": \"https://openvex.dev/ns/v0.2.0\"), \
         an in-toto statement with an OpenVEX predicate, or a CycloneDX BOM (\"bomFormat\": \"CycloneDX\")",
    ))
}

/// Applies one document to `findings`; returns how many findings it suppressed. See
/// [`apply_all`].
pub fn apply(doc: &VexDocument, findings: &mut [Finding]) -> usize {
    apply_all(std::slice::from_ref(doc), findings)
}

/// Applies several documents together, so that the latest statement across all of them wins;
/// returns how many findings were suppressed.
///
/// A winning `not_affected` statement sets [`Suppression::Vex`] (file, status, justification,
/// statement). It replaces an ignore-file suppression (a VEX statement is a finding of fact,
/// an ignore entry a temporary acceptance) but never a VEX suppression already set, and
/// nothing here ever clears a suppression. Ties in timestamp go to the later document, then
/// the later statement.
pub fn apply_all(docs: &[VexDocument], findings: &mut [Finding]) -> usize {
    // Statement index by upper-cased vulnerability name and alias.
    let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (d, doc) in docs.iter().enumerate() {
        for (s, st) in doc.statements.iter().enumerate() {
            let mut names: Vec<String> = std::iter::once(&st.vulnerability)
                .chain(st.aliases.iter())
                .map(|n| n.trim().to_ascii_uppercase())
                .filter(|n| !n.is_empty())
                .collect();
            names.sort_unstable();
            names.dedup();
            for n in names {
                index.entry(n).or_default().push((d, s));
            }
        }
    }
    if index.is_empty() {
        return 0;
    }

    let mut suppressed = 0;
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for f in findings.iter_mut() {
        if matches!(f.suppressed, Some(Suppression::Vex { .. })) {
            continue;
        }
        candidates.clear();
        seen.clear();
        for name in std::iter::once(&f.id).chain(f.aliases.iter()) {
            if let Some(list) = index.get(&name.trim().to_ascii_uppercase()) {
                for &c in list {
                    if seen.insert(c) {
                        candidates.push(c);
                    }
                }
            }
        }
        if candidates.is_empty() {
            continue;
        }
        let Some(package) = PurlPattern::parse(&f.component.purl) else {
            continue;
        };
        let winner = candidates
            .iter()
            .filter_map(|&(d, s)| {
                let doc = docs.get(d)?;
                let st = doc.statements.get(s)?;
                st.products
                    .iter()
                    .any(|p| p.purl.as_ref().is_some_and(|pat| pat.matches(&package)))
                    .then_some((st.timestamp, d, s, doc, st))
            })
            .max_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
        if let Some((_, _, _, doc, st)) = winner
            && st.status == VexStatus::NotAffected
        {
            f.suppressed = Some(Suppression::Vex {
                file: doc.path.clone(),
                status: st.status.as_str().to_string(),
                justification: st.justification.clone(),
                statement: st.statement.clone(),
            });
            suppressed += 1;
        }
    }
    suppressed
}

// ---------------------------------------------------------------------------------------------
// Format detection
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "@context", default)]
    context: Option<serde_json::Value>,
    #[serde(rename = "bomFormat", default)]
    bom_format: Option<serde_json::Value>,
    #[serde(rename = "_type", default)]
    statement_type: Option<IgnoredAny>,
    #[serde(rename = "predicateType", default)]
    predicate_type: Option<serde_json::Value>,
    #[serde(default)]
    document: Option<serde_json::Value>,
}

// ---------------------------------------------------------------------------------------------
// OpenVEX
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct RawOpenVex {
    #[serde(default)]
    timestamp: Option<String>,
    statements: Vec<RawStatement>,
}

#[derive(Deserialize)]
struct RawInToto {
    #[serde(rename = "predicateType")]
    predicate_type: String,
    #[serde(default)]
    subject: Vec<RawSubject>,
    predicate: RawOpenVex,
}

#[derive(Deserialize)]
struct RawSubject {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawStatement {
    vulnerability: RawVulnerability,
    #[serde(default)]
    products: Vec<RawProduct>,
    /// OpenVEX 0.0.1 listed subcomponents beside the products.
    #[serde(default)]
    subcomponents: Vec<RawProduct>,
    status: OpenVexStatus,
    #[serde(default)]
    justification: Option<OpenVexJustification>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawVulnerability {
    Name(String),
    Object {
        name: String,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawProduct {
    Id(String),
    Object {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        identifiers: Option<RawIdentifiers>,
        #[serde(default)]
        subcomponents: Vec<RawProduct>,
    },
}

#[derive(Deserialize)]
struct RawIdentifiers {
    #[serde(default)]
    purl: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum OpenVexStatus {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum OpenVexJustification {
    ComponentNotPresent,
    VulnerableCodeNotPresent,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeCannotBeControlledByAdversary,
    InlineMitigationsAlreadyExist,
}

impl OpenVexJustification {
    fn as_str(self) -> &'static str {
        match self {
            OpenVexJustification::ComponentNotPresent => "component_not_present",
            OpenVexJustification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            OpenVexJustification::VulnerableCodeNotInExecutePath => {
                "vulnerable_code_not_in_execute_path"
            }
            OpenVexJustification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            OpenVexJustification::InlineMitigationsAlreadyExist => {
                "inline_mitigations_already_exist"
            }
        }
    }
}

fn read_in_toto(path: &str, bytes: &[u8]) -> Result<VexDocument, VexError> {
    let raw: RawInToto = serde_json::from_slice(bytes).map_err(|e| VexError::json(path, &e))?;
    let subjects: Vec<Product> = raw
        .subject
        .iter()
        .filter_map(|s| s.name.as_deref())
        .filter(|n| !n.trim().is_empty())
        .map(Product::new)
        .collect();
    openvex(
        path,
        raw.predicate,
        &subjects,
        VexFormat::InToto {
            predicate_type: raw.predicate_type,
        },
    )
}

fn openvex(
    path: &str,
    raw: RawOpenVex,
    inherited_products: &[Product],
    format: VexFormat,
) -> Result<VexDocument, VexError> {
    let doc_time = parse_time(path, "timestamp", raw.timestamp.as_deref())?;
    let mut statements = Vec::with_capacity(raw.statements.len());
    for (i, st) in raw.statements.into_iter().enumerate() {
        let here = |field: &str| format!("statements[{i}]{field}");
        let (vulnerability, aliases) = match st.vulnerability {
            RawVulnerability::Name(n) => (n, Vec::new()),
            RawVulnerability::Object { name, aliases } => (name, aliases),
        };
        if vulnerability.trim().is_empty() {
            return Err(VexError::at(
                path,
                format!("{}: the vulnerability name is empty", here("")),
            ));
        }

        let mut products = Vec::new();
        let mut stack: Vec<(RawProduct, usize)> = st
            .products
            .into_iter()
            .chain(st.subcomponents)
            .map(|p| (p, 0))
            .collect();
        while let Some((p, depth)) = stack.pop() {
            match p {
                RawProduct::Id(id) => products.push(Product::new(&id)),
                RawProduct::Object {
                    id,
                    identifiers,
                    subcomponents,
                } => {
                    if let Some(id) = id {
                        products.push(Product::new(&id));
                    }
                    if let Some(purl) = identifiers.and_then(|i| i.purl) {
                        products.push(Product::new(&purl));
                    }
                    // Subcomponents nest one level in OpenVEX; go no deeper than that.
                    if depth == 0 {
                        stack.extend(subcomponents.into_iter().map(|s| (s, 1)));
                    }
                }
            }
        }
        if products.is_empty() {
            products.extend(inherited_products.iter().cloned());
        }
        if products.is_empty() {
            return Err(VexError::at(
                path,
                format!(
                    "{}: the statement about {vulnerability} names no product",
                    here("")
                ),
            ));
        }
        products.sort_by(|a, b| a.id.cmp(&b.id));
        products.dedup_by(|a, b| a.id == b.id);

        let status = match st.status {
            OpenVexStatus::NotAffected => VexStatus::NotAffected,
            OpenVexStatus::Affected => VexStatus::Affected,
            OpenVexStatus::Fixed => VexStatus::Fixed,
            OpenVexStatus::UnderInvestigation => VexStatus::UnderInvestigation,
        };
        let statement = st.impact_statement.filter(|s| !s.trim().is_empty());
        if status == VexStatus::NotAffected && st.justification.is_none() && statement.is_none() {
            return Err(VexError::at(
                path,
                format!(
                    "{}: {vulnerability} is not_affected but the statement gives neither a \
                     justification nor an impact_statement (OpenVEX requires one)",
                    here("")
                ),
            ));
        }
        let own = match parse_time(path, &here(".last_updated"), st.last_updated.as_deref())? {
            Some(t) => Some(t),
            None => parse_time(path, &here(".timestamp"), st.timestamp.as_deref())?,
        };
        statements.push(Statement {
            vulnerability,
            aliases,
            products,
            status,
            justification: st.justification.map(|j| j.as_str().to_string()),
            statement,
            timestamp: own.or(doc_time),
        });
    }
    Ok(VexDocument {
        path: path.to_string(),
        format,
        statements,
    })
}

fn parse_time(
    path: &str,
    field: &str,
    value: Option<&str>,
) -> Result<Option<OffsetDateTime>, VexError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => OffsetDateTime::parse(v, &Rfc3339).map(Some).map_err(|_| {
            VexError::at(
                path,
                format!("{field}: {v:?} is not an RFC 3339 date-time (2023-01-08T18:02:03Z)"),
            )
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// CycloneDX
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct RawBom {
    #[serde(rename = "specVersion", default)]
    spec_version: Option<String>,
    #[serde(default)]
    metadata: Option<RawMetadata>,
    #[serde(default)]
    components: Vec<RawComponent>,
    #[serde(default)]
    vulnerabilities: Vec<RawVuln>,
}

#[derive(Deserialize)]
struct RawMetadata {
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    component: Option<RawComponent>,
}

#[derive(Deserialize)]
struct RawComponent {
    #[serde(rename = "bom-ref", default)]
    bom_ref: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    components: Vec<RawComponent>,
}

#[derive(Deserialize)]
struct RawVuln {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    references: Vec<RawReference>,
    #[serde(default)]
    analysis: Option<RawAnalysis>,
    #[serde(default)]
    affects: Vec<RawAffects>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    updated: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize)]
struct RawAnalysis {
    #[serde(default)]
    state: Option<CdxState>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(rename = "firstIssued", default)]
    first_issued: Option<String>,
    #[serde(rename = "lastUpdated", default)]
    last_updated: Option<String>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum CdxState {
    Resolved,
    ResolvedWithPedigree,
    Exploitable,
    InTriage,
    FalsePositive,
    NotAffected,
}

#[derive(Deserialize)]
struct RawAffects {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default)]
    versions: Vec<RawAffectedVersion>,
}

#[derive(Deserialize)]
struct RawAffectedVersion {
    #[serde(default)]
    version: Option<String>,
}

fn read_cyclonedx(path: &str, bytes: &[u8]) -> Result<VexDocument, VexError> {
    let raw: RawBom = serde_json::from_slice(bytes).map_err(|e| VexError::json(path, &e))?;

    // bom-ref → purl, through every component (explicit stack; serde already bounded depth).
    let mut purls: HashMap<&str, &str> = HashMap::new();
    let mut stack: Vec<&RawComponent> = raw.components.iter().collect();
    if let Some(c) = raw.metadata.as_ref().and_then(|m| m.component.as_ref()) {
        stack.push(c);
    }
    while let Some(c) = stack.pop() {
        if let (Some(r), Some(p)) = (c.bom_ref.as_deref(), c.purl.as_deref()) {
            purls.entry(r).or_insert(p);
        }
        stack.extend(c.components.iter());
    }
    let doc_time = parse_time(
        path,
        "metadata.timestamp",
        raw.metadata.as_ref().and_then(|m| m.timestamp.as_deref()),
    )?;

    let mut statements = Vec::new();
    for (i, v) in raw.vulnerabilities.iter().enumerate() {
        let here = |field: &str| format!("vulnerabilities[{i}]{field}");
        let Some(analysis) = &v.analysis else {
            continue;
        };
        let Some(state) = analysis.state else {
            continue;
        };
        let Some(id) = v.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            return Err(VexError::at(
                path,
                format!("{}: a vulnerability with an analysis has no id", here("")),
            ));
        };
        let mut aliases: Vec<String> = v
            .references
            .iter()
            .filter_map(|r| r.id.as_deref())
            .map(str::trim)
            .filter(|r| !r.is_empty() && *r != id)
            .map(str::to_string)
            .collect();
        aliases.sort();
        aliases.dedup();

        let mut products = Vec::new();
        for a in &v.affects {
            let target = resolve_ref(&a.reference, &purls);
            let pattern = PurlPattern::parse(&target);
            let exact: Vec<&str> = a
                .versions
                .iter()
                .filter_map(|ver| ver.version.as_deref())
                .filter(|s| !s.is_empty())
                .collect();
            match pattern {
                // A versionless ref narrowed by `versions`: one product per exact version
                // (ranges alone cannot be evaluated here, so such a ref matches nothing).
                Some(p) if p.version.is_none() && !a.versions.is_empty() => {
                    if exact.is_empty() {
                        products.push(Product {
                            id: target.clone(),
                            purl: None,
                        });
                    }
                    for ver in exact {
                        let mut q = p.clone();
                        q.version = Some(ver.to_string());
                        products.push(Product {
                            id: format!("{target}@{ver}"),
                            purl: Some(q),
                        });
                    }
                }
                pattern => products.push(Product {
                    id: target,
                    purl: pattern,
                }),
            }
        }
        if products.is_empty() {
            return Err(VexError::at(
                path,
                format!(
                    "{}: the analysis of {id} names no affected component (affects is empty)",
                    here("")
                ),
            ));
        }

        let own = [
            (".analysis.lastUpdated", analysis.last_updated.as_deref()),
            (".analysis.firstIssued", analysis.first_issued.as_deref()),
            (".updated", v.updated.as_deref()),
            (".published", v.published.as_deref()),
        ];
        let mut timestamp = None;
        for (field, value) in own {
            if let Some(t) = parse_time(path, &here(field), value)? {
                timestamp = Some(t);
                break;
            }
        }

        statements.push(Statement {
            vulnerability: id.to_string(),
            aliases,
            products,
            status: match state {
                CdxState::NotAffected => VexStatus::NotAffected,
                CdxState::Exploitable => VexStatus::Affected,
                CdxState::Resolved | CdxState::ResolvedWithPedigree => VexStatus::Fixed,
                CdxState::InTriage => VexStatus::UnderInvestigation,
                CdxState::FalsePositive => VexStatus::FalsePositive,
            },
            justification: analysis
                .justification
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            statement: analysis
                .detail
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            timestamp: timestamp.or(doc_time),
        });
    }
    Ok(VexDocument {
        path: path.to_string(),
        format: VexFormat::CycloneDx {
            spec_version: raw.spec_version.unwrap_or_default(),
        },
        statements,
    })
}

/// A CycloneDX `affects.ref` as a purl: the purl of the component with that bom-ref; for a
/// BOM-link (`urn:cdx:<serial>/<version>#<bom-ref>`) the same for its decoded fragment; else
/// the ref itself (tools that use purls as bom-refs, Safeguard included, need no lookup).
fn resolve_ref(reference: &str, purls: &HashMap<&str, &str>) -> String {
    let reference = reference.trim();
    if let Some(p) = purls.get(reference) {
        return (*p).to_string();
    }
    if let Some(rest) = reference.strip_prefix("urn:cdx:")
        && let Some((_, fragment)) = rest.split_once('#')
    {
        let decoded = percent_decode(fragment).unwrap_or_else(|| fragment.to_string());
        return match purls.get(decoded.as_str()) {
            Some(p) => (*p).to_string(),
            None => decoded,
        };
    }
    reference.to_string()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let any = PurlPattern::parse("pkg:npm/%40scope/lib").unwrap();
        let v1 = PurlPattern::parse("pkg:npm/%40scope/lib@1.0.0?arch=x#sub").unwrap();
        let v2 = PurlPattern::parse("pkg:npm/%40Scope/Lib@2.0.0").unwrap();
        assert!(any.matches(&v1));
        assert!(any.matches(&v2), "npm names are case-normalised");
        assert!(v1.matches(&PurlPattern::parse("pkg:npm/%40scope/lib@1.0.0").unwrap()));
        assert!(!v1.matches(&v2));
        assert!(
            !v1.matches(&any),
            "a versioned pattern does not match an unversioned purl"
        );
        assert!(!any.matches(&PurlPattern::parse("pkg:npm/lib@1.0.0").unwrap()));
        assert!(!any.matches(&PurlPattern::parse("pkg:cargo/%40scope/lib@1").unwrap()));
        assert!(PurlPattern::parse("cpe:2.3:a:x").is_none());
    }

    #[test]
    fn refs() {
        let purls = HashMap::from([("c1", "pkg:cargo/a@1"), ("pkg:x/y@1", "pkg:cargo/y@1")]);
        assert_eq!(resolve_ref("c1", &purls), "pkg:cargo/a@1");
        assert_eq!(resolve_ref("pkg:cargo/b@2", &purls), "pkg:cargo/b@2");
        assert_eq!(
            resolve_ref(
                "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:x%2Fy@1",
                &purls
            ),
            "pkg:cargo/y@1"
        );
        assert_eq!(
            resolve_ref("urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#c9", &purls),
            "c9"
        );
        assert_eq!(percent_decode("a%2"), None);
        assert_eq!(percent_decode("%41b").as_deref(), Some("Ab"));
    }
}
