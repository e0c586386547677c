/// The commented `safeguard.toml` that `safeguard init` writes. `vendor` and `product` seed the
/// obvious fields; everything else is an example to edit.
pub fn template(vendor: &str, product: &str) -> String {
    let vendor = toml_string(vendor);
    let product_id = ident(product);
    let product = toml_string(product);
    format!(
        r#"# safeguard.toml: what Safeguard needs to know about you to assess this repository against
# the UK Software Security Code of Practice (DSIT and NCSC, May 2025).
# Every key is optional unless marked "required"; unknown keys are errors.
# Run `safeguard assess` after editing. `safeguard catalogue` lists the 45 claim ids.

[vendor]
# Your organisation's legal or trading name, as customers know it.
name = {vendor}
# Which themes of the Code apply to you (the Code, table 1):
#   "developer-and-distributor"  all four themes (default)
#   "reseller"                   themes 3 and 4
#   "developer-only"             themes 1, 2 and 3
role = "developer-and-distributor"
# Your web address: the namespace of the advisories and VEX documents you publish.
# url = "https://example.com"

# The Senior Responsible Owner: the person at leadership level accountable for the Code.
# [sro]
# name = "Jane Smith"          # required in this table
# role = "Chief Technology Officer"   # required in this table

# Product lines group products in the self-assessment's scope.
[[product_lines]]
id = "{product_id}"            # required: letters, digits, '-', '_' or '.'
name = {product}

# Products assessed from this repository.
[[products]]
id = "{product_id}"            # required
name = {product}
line = "{product_id}"          # a product line id declared above
# version = "1.0.0"

# The manual evidence register: documents that back claims no collector can observe (training
# records, access reviews, incident plans…). Each entry counts towards its claims while its
# digest matches and it has not expired. Copy the block for each document.
#
# [[manual_evidence]]
# id = "threat-model"                        # required, unique
# title = "Threat model v4.2"
# document = "docs/security/threat-model.pdf"   # required: path relative to this file, or https:// URL
# sha256 = "<64 hex digits>"                 # of the document; `sha256sum FILE` prints it
# owner = "Head of Product Security"          # required
# reviewed = 2025-09-01                      # required: date of the last review
# expires = 2026-09-01                       # required: after this date it no longer counts
# claims = ["1.4.1"]                         # required: the claims it supports

# Commit provenance (`safeguard source`, claims 1.1.4, 2.2.1, 2.2.2). Paths are relative to
# this file.
# [source]
# allowed_signers = ".github/allowed_signers"   # git's SSH format, to verify SSH signatures
# keyring = "keys/maintainers.asc"              # OpenPGP public keys, to verify PGP signatures
# reviews = ["exports/prs.json"]                # gh pr list --json … / GitLab merge requests
# protection = ["exports/main-protection.json"] # GitHub protection or ruleset, GitLab branches
# max_commits = 10000

# Secret scanning (`safeguard secrets`, claims 1.4.3, 1.4.5, 2.1.4).
# [secrets]
# history = true                                # scan every blob of the git history too
# baseline = ".safeguard-secrets.toml"          # reviewed secrets (safeguard secrets review)

# Release artefacts (claims 3.1.1, 2.2.1, 2.2.2): each is checked for a signature bundle beside
# it and a provenance attestation naming it. Paths and globs are relative to this file.
# [release]
# artifacts = ["dist/*.tar.gz"]                 # released files (globs)
# public_keys = ["keys/release.pub"]            # PEM public keys trusted to sign releases
# bundle_suffix = ".sigstore.json"              # signature bundle beside each artefact
# provenance = ["dist/*.intoto.sigstore.json"]  # provenance attestation bundles (globs)
# builder_id = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"
# source_uri = "https://github.com/acme/app"    # the repository the provenance must name
# repro = ["reports/repro.json"]                # `safeguard repro --format json` outputs

# security.txt (RFC 9116, claims 3.2.1, 3.2.2): `safeguard disclosure securitytxt generate`
# writes it from these fields. Fields that may repeat take a string or a list.
# [disclosure]
# contact = ["mailto:security@example.com"]     # at least one: mailto:, tel: or https://
# expires_in_days = 180                         # or expires = "2026-12-31T23:00:00Z"; max 365
# canonical = "https://example.com/.well-known/security.txt"
# policy = "https://example.com/security/disclosure-policy"
# encryption = "https://example.com/pgp-key.asc"
# acknowledgments = "https://example.com/security/thanks"
# preferred_languages = ["en"]
# hiring = "https://example.com/jobs"
# Incidents (`safeguard incident`, claims 4.3.1 and 4.3.2). Paths are relative to this file.
# [incidents]
# plan = "docs/incident-response.md"            # the published incident-support plan
# log = ".safeguard/incidents.jsonl"            # the append-only incident log
# notify_within_hours = 72                      # target from detection to telling customers

# Vulnerability handling (`safeguard vulns`, claims 3.3.2, 3.4.1, 3.4.2, 3.5.1).
# [vulns]
# store = ".safeguard/store.db"                 # tickets, triage and their audit trail
# [vulns.sla]
# clock = "first_seen"                          # or "published": the advisory's date, if earlier
# due_soon_percent = 25                         # "due soon" in the last quarter of the window
# [vulns.sla.days]                              # days to fix, per severity
# critical = 7
# high = 30
# medium = 90
# low = 180
# unknown = 90                                  # no rating in the advisory

# Product lifecycle (`safeguard lifecycle check`, claims 4.1.1, 4.1.2, 4.1.3, 4.2.1). Dates are
# YYYY-MM-DD (that day in UTC) or RFC 3339 date-times with an offset. Paths are relative to
# this file.
# [lifecycle]
# update_policy = "docs/updates.md"             # how often updates ship and how they are applied
# user_docs = ["docs/secure-use.md"]            # secure use and how to apply updates
# file = "lifecycle.json"                       # optional OpenEoX-style JSON with more versions
# [[lifecycle.versions]]
# product = "acme-server"                       # optional when there is one product
# version = "4.2"                               # required
# general_availability = 2025-01-15
# end_of_security_support = 2027-01-15
# end_of_life = 2027-07-15
# notice_published = 2025-12-01                 # when customers were told the end date
# shipped = true                                # still offered for download or sale
"#
    )
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out = out
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    if out.is_empty() {
        "product".into()
    } else {
        out
    }
}
