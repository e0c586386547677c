//! The CSV export: one row per claim, for assessors who work in spreadsheets.
//!
//! RFC 4180: CRLF record separators, fields quoted when they contain `,`, `"`, CR or LF, quotes
//! doubled. Fields that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
//! tab or CR) get a leading `'`, so evidence text cannot run as a formula when the file is opened.

use crate::assessment::Assessment;

/// The header row's fields, in column order.
pub const HEADER: [&str; 7] = [
    "claim_id",
    "principle",
    "theme",
    "title",
    "status",
    "argument",
    "evidence",
];

/// The assessment as CSV, one row per claim in catalogue order.
pub fn to_csv(a: &Assessment) -> String {
    let mut out = String::new();
    write_record(&mut out, HEADER.iter().map(|s| s.to_string()));
    for c in &a.claims {
        write_record(
            &mut out,
            [
                c.id.to_string(),
                c.principle.to_string(),
                c.theme.to_string(),
                c.title.clone(),
                c.status.as_str().to_string(),
                c.argument.clone(),
                c.evidence.join("; "),
            ],
        );
    }
    out
}

fn write_record(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(&f));
    }
    out.push_str("\r\n");
}

/// One field, guarded against formula injection and quoted when needed.
pub(crate) fn field(raw: &str) -> String {
    let guarded = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_string()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}
