//! Test 6.1.11 (CWE): the weakness named by `cwe.id` must carry its catalogue name.
//!
//! Safeguard ships no copy of the full MITRE CWE list, only the names of the weaknesses that
//! advisories cite most (the CWE Top 25 of recent years and their frequent neighbours). For
//! these the name must match exactly; an id outside this table is accepted when well formed,
//! because its name cannot be checked offline. The id's form itself is the schema's job.

/// (id, name) from the MITRE CWE list (version 4.x).
const KNOWN: &[(&str, &str)] = &[
    ("CWE-20", "Improper Input Validation"),
    (
        "CWE-22",
        "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
    ),
    (
        "CWE-77",
        "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
    ),
    (
        "CWE-78",
        "Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
    ),
    (
        "CWE-79",
        "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
    ),
    (
        "CWE-89",
        "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
    ),
    (
        "CWE-94",
        "Improper Control of Generation of Code ('Code Injection')",
    ),
    (
        "CWE-119",
        "Improper Restriction of Operations within the Bounds of a Memory Buffer",
    ),
    ("CWE-125", "Out-of-bounds Read"),
    ("CWE-190", "Integer Overflow or Wraparound"),
    ("CWE-269", "Improper Privilege Management"),
    ("CWE-276", "Incorrect Default Permissions"),
    ("CWE-287", "Improper Authentication"),
    ("CWE-306", "Missing Authentication for Critical Function"),
    ("CWE-352", "Cross-Site Request Forgery (CSRF)"),
    ("CWE-416", "Use After Free"),
    ("CWE-434", "Unrestricted Upload of File with Dangerous Type"),
    ("CWE-476", "NULL Pointer Dereference"),
    ("CWE-502", "Deserialization of Untrusted Data"),
    (
        "CWE-611",
        "Improper Restriction of XML External Entity Reference",
    ),
    ("CWE-787", "Out-of-bounds Write"),
    ("CWE-798", "Use of Hard-coded Credentials"),
    ("CWE-862", "Missing Authorization"),
    ("CWE-863", "Incorrect Authorization"),
    ("CWE-918", "Server-Side Request Forgery (SSRF)"),
];

/// Why (`id`, `name`) is wrong, or `None` when it is right or cannot be checked.
pub(crate) fn problem(id: &str, name: &str) -> Option<String> {
    let (_, expected) = KNOWN.iter().find(|(k, _)| *k == id)?;
    (name != *expected).then(|| format!("{id} is named `{expected}`, not `{name}`"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrong_name_for_a_known_id_is_reported() {
        assert!(super::problem("CWE-79", "Improper Input Validation").is_some());
        assert_eq!(super::problem("CWE-20", "Improper Input Validation"), None);
        assert_eq!(super::problem("CWE-1234", "Anything"), None);
    }
}
