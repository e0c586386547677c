//! The CSAF 2.0 validator: the official JSON schema (with the FIRST CVSS schemas it references)
//! plus the mandatory tests of section 6.1 of the specification.
//!
//! [`validate_bytes`] reads untrusted input: it refuses more than [`MAX_INPUT_BYTES`], anything
//! that is not JSON (naming line and column) and nesting deeper than [`MAX_DEPTH`], and never
//! panics. [`validate`] takes a parsed document. Every [`Finding`] names the test (`schema` for
//! a schema violation, `6.1.x` for a mandatory test), the JSON pointer of the offending value and
//! a message.

use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use super::mandatory;

/// The largest document [`validate_bytes`] reads (50 MiB). The CSAF TC suggests providers keep
/// documents far below this.
pub const MAX_INPUT_BYTES: usize = 50 * 1024 * 1024;

/// The deepest nesting of arrays and objects accepted. Real advisories stay below 30 (deep
/// product trees included); `serde_json` itself stops at 128.
pub const MAX_DEPTH: usize = 100;

/// The test id given to findings of the JSON schema.
pub const SCHEMA_TEST: &str = "schema";

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// `schema`, or the mandatory test's section number (`6.1.1` … `6.1.33`, `6.1.27.1` …).
    pub test: String,
    /// JSON pointer (RFC 6901) to the offending value, `""` for the whole document.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "[{}] {}: {}", self.test, path, self.message)
    }
}

/// What the validator found in one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every problem, sorted by test, path and message. Empty for a valid document.
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when the document passed the schema and every mandatory test.
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }

    /// The distinct test ids that failed, in order.
    pub fn failed_tests(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.findings.iter().map(|f| f.test.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Why a document could not be validated at all.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Larger than [`MAX_INPUT_BYTES`].
    #[error("the document is {size} bytes; the validator reads at most {max} bytes")]
    TooLarge {
        /// The input's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not JSON.
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    NotJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's description.
        message: String,
    },
}

/// Parses `bytes` as JSON and validates it. Errors only when the input is too large or not JSON;
/// everything else (including excessive nesting) is reported as findings.
pub fn validate_bytes(bytes: &[u8]) -> Result<Report, InputError> {
    let value = parse(bytes)?;
    Ok(validate(&value))
}

/// Parses untrusted bytes into a JSON value, with the size limit applied.
pub fn parse(bytes: &[u8]) -> Result<Value, InputError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size: bytes.len(),
            max: MAX_INPUT_BYTES,
        });
    }
    serde_json::from_slice(bytes).map_err(|e| InputError::NotJson {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Validates a parsed document against the CSAF 2.0 schema and the mandatory tests 6.1.1–6.1.33.
///
/// A document nested deeper than [`MAX_DEPTH`] gets a single `schema` finding and is not examined
/// further (so a hostile value cannot exhaust the stack).
pub fn validate(doc: &Value) -> Report {
    if let Some(path) = too_deep(doc, MAX_DEPTH) {
        return Report {
            findings: vec![Finding {
                test: SCHEMA_TEST.into(),
                path,
                message: format!(
                    "the document nests arrays and objects deeper than {MAX_DEPTH} levels"
                ),
            }],
        };
    }
    let mut findings = schema_findings(doc);
    findings.extend(mandatory::run(doc));
    findings.sort();
    findings.dedup();
    Report { findings }
}

/// The pointer of the first value nested deeper than `max`, found without recursion.
fn too_deep(doc: &Value, max: usize) -> Option<String> {
    let mut stack: Vec<(&Value, usize, String)> = vec![(doc, 1, String::new())];
    while let Some((v, depth, path)) = stack.pop() {
        if depth > max {
            return Some(path);
        }
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.is_array() || item.is_object() {
                        stack.push((item, depth + 1, format!("{path}/{i}")));
                    }
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    if item.is_array() || item.is_object() {
                        stack.push((item, depth + 1, format!("{path}/{}", escape(k))));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Escapes one JSON pointer reference token (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub(crate) const CSAF_SCHEMA: &str = include_str!("../../schemas/csaf_json_schema.json");
const CVSS_V2: &str = include_str!("../../schemas/cvss-v2.0_strict.json");
const CVSS_V30: &str = include_str!("../../schemas/cvss-v3.0_strict.json");
const CVSS_V31: &str = include_str!("../../schemas/cvss-v3.1_strict.json");
/// The CSAF provider metadata schema (section 7.1.7), for [`super::publish`].
pub(crate) const PROVIDER_SCHEMA: &str = include_str!("../../schemas/provider_json_schema.json");

/// The FIRST CVSS schemas, under the URIs the CSAF schema refers to them by.
pub(crate) const CVSS_RESOURCES: [(&str, &str); 3] = [
    ("https://www.first.org/cvss/cvss-v2.0.json", CVSS_V2),
    ("https://www.first.org/cvss/cvss-v3.0.json", CVSS_V30),
    ("https://www.first.org/cvss/cvss-v3.1.json", CVSS_V31),
];

fn compiled() -> &'static Result<jsonschema::Validator, String> {
    static VALIDATOR: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    VALIDATOR.get_or_init(|| build(CSAF_SCHEMA, &CVSS_RESOURCES))
}

/// Compiles an embedded schema with the given resources registered under their URIs (offline).
pub(crate) fn build(
    schema: &str,
    resources: &[(&str, &str)],
) -> Result<jsonschema::Validator, String> {
    let schema: Value =
        serde_json::from_str(schema).map_err(|e| format!("embedded schema: {e}"))?;
    let mut registry = jsonschema::Registry::new();
    for (uri, text) in resources {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("embedded schema {uri}: {e}"))?;
        registry = registry
            .add(*uri, value)
            .map_err(|e| format!("embedded schema {uri}: {e}"))?;
    }
    let registry = registry
        .prepare()
        .map_err(|e| format!("embedded schemas: {e}"))?;
    jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schema)
        .map_err(|e| format!("embedded schema: {e}"))
}

/// The schema's findings. A violation inside a CVSS object is test 6.1.8 (Invalid CVSS), whose
/// definition is "valid according to the referenced schema".
fn schema_findings(doc: &Value) -> Vec<Finding> {
    let validator = match compiled() {
        Ok(v) => v,
        Err(e) => {
            return vec![Finding {
                test: SCHEMA_TEST.into(),
                path: String::new(),
                message: format!("internal error: the CSAF schema does not compile: {e}"),
            }];
        }
    };
    validator
        .iter_errors(doc)
        .map(|e| {
            let path = e.instance_path().to_string();
            let test = if is_cvss_path(&path) {
                "6.1.8"
            } else {
                SCHEMA_TEST
            };
            Finding {
                test: test.into(),
                message: clip(&e.to_string(), 300),
                path,
            }
        })
        .collect()
}

/// `/vulnerabilities/N/scores/M/cvss_v2` or `…/cvss_v3`, or anything below.
fn is_cvss_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() >= 6
        && parts[1] == "vulnerabilities"
        && parts[3] == "scores"
        && (parts[5] == "cvss_v2" || parts[5] == "cvss_v3")
}

/// Shortens a message to at most `max` characters (long enum lists and echoed values).
pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// Checks a value against an embedded schema and returns `(pointer, message)` pairs.
pub(crate) fn check_against(
    validator: &jsonschema::Validator,
    doc: &Value,
) -> Vec<(String, String)> {
    validator
        .iter_errors(doc)
        .map(|e| (e.instance_path().to_string(), clip(&e.to_string(), 300)))
        .collect()
}
