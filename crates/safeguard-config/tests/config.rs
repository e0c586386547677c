use std::path::Path;

use safeguard_config::{ConfigError, DocumentLocation, Location, parse, template};
use safeguard_model::VendorRole;

fn p() -> &'static Path {
    Path::new("safeguard.toml")
}

fn err(text: &str) -> ConfigError {
    parse(text, p()).expect_err("should be rejected")
}

const FULL: &str = r#"
[vendor]
name = "Example Software Ltd"
role = "reseller"

[sro]
name = "Jane Smith"
role = "CTO"

[[product_lines]]
id = "acme-enterprise"

[[products]]
id = "acme-server"
line = "acme-enterprise"
version = "4.2.0"

[[manual_evidence]]
id = "tm"
document = "docs/tm.pdf"
sha256 = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
owner = "Security"
reviewed = 2025-09-01
expires = "2026-09-01"
claims = ["1.4.1", "1.1.1"]

[[manual_evidence]]
id = "training"
document = "https://intranet.example/training"
owner = "HR"
reviewed = 2025-01-01
expires = 2026-01-01
claims = ["1.1.2"]
"#;

#[test]
fn full_config_parses() {
    let c = parse(FULL, p()).unwrap();
    assert_eq!(c.vendor.name.as_deref(), Some("Example Software Ltd"));
    assert_eq!(c.vendor.role, VendorRole::Reseller);
    assert_eq!(c.sro.as_ref().unwrap().role, "CTO");
    assert_eq!(
        c.products[0].line.as_ref().unwrap().get_ref().as_str(),
        "acme-enterprise"
    );
    let m = &c.manual_evidence[0];
    assert_eq!(m.document, DocumentLocation::File("docs/tm.pdf".into()));
    assert_eq!(
        m.sha256.as_ref().unwrap().0,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(m.expires.get_ref().to_string(), "2026-09-01");
    assert_eq!(m.claims.get_ref().len(), 2);
    assert!(matches!(
        c.manual_evidence[1].document,
        DocumentLocation::Url(_)
    ));
}

#[test]
fn empty_file_gives_defaults() {
    let c = parse("", p()).unwrap();
    assert_eq!(c.vendor.role, VendorRole::DeveloperAndDistributor);
    assert!(c.manual_evidence.is_empty());
}

#[test]
fn template_parses_and_names_the_vendor() {
    let t = template("Acme \"Widgets\" Ltd", "Acme Server");
    let c = parse(&t, p()).unwrap();
    assert_eq!(c.vendor.name.as_deref(), Some("Acme \"Widgets\" Ltd"));
    assert_eq!(c.products[0].id.get_ref().as_str(), "acme-server");
    // Uncommenting the example register entry (with a real digest) must also parse.
    let uncommented: String = t
        .lines()
        .map(|l| {
            if l.starts_with("# [[manual_evidence]]")
                || l.starts_with("# [source]")
                || l.starts_with("# [secrets]")
                || l.starts_with("# [release]")
                || l.starts_with("# [disclosure]")
                || l.starts_with("# [incidents]")
                || l.starts_with("# [lifecycle]")
                || l.starts_with("# [[lifecycle.versions]]")
                || l.starts_with("# [vulns")
                || (l.starts_with("# ")
                    && l[2..].contains(" = ")
                    && !l.contains("[sro]")
                    && !l.starts_with("# name")
                    && !l.starts_with("# role")
                    && !l.starts_with("# version = \"1.0.0\""))
            {
                l[2..].replace("<64 hex digits>", &"a".repeat(64))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let c = parse(&uncommented, p()).unwrap();
    assert_eq!(c.manual_evidence.len(), 1, "{uncommented}");
    assert_eq!(
        c.source.allowed_signers.as_deref(),
        Some(".github/allowed_signers")
    );
    assert_eq!(c.source.protection.len(), 1);
    assert!(c.secrets.history);
    assert_eq!(
        c.secrets.baseline.as_deref(),
        Some(".safeguard-secrets.toml")
    );
    assert_eq!(c.release.artifacts, ["dist/*.tar.gz"]);
    assert_eq!(c.release.public_keys, ["keys/release.pub"]);
    assert_eq!(
        c.release.source_uri.as_deref(),
        Some("https://github.com/acme/app")
    );
    assert_eq!(c.disclosure.contact, ["mailto:security@example.com"]);
    assert_eq!(c.vulns.store.as_deref(), Some(".safeguard/store.db"));
    assert_eq!(c.vendor.url.as_deref(), Some("https://example.com"));
    let sla = c.vulns.sla.expect("[vulns.sla] parsed");
    use safeguard_handling::model::Severity;
    assert_eq!(
        [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Unknown
        ]
        .map(|s| sla.days_for(s)),
        [7, 30, 90, 180, 90]
    );
    assert_eq!(c.disclosure.expires_in_days(), 180);
    assert_eq!(c.disclosure.preferred_languages, ["en"]);
    assert_eq!(
        c.incidents.plan.as_deref(),
        Some("docs/incident-response.md")
    );
    assert_eq!(c.incidents.notify_within_hours, Some(72));
    let l = c.lifecycle.as_ref().expect("[lifecycle] uncommented");
    assert_eq!(l.update_policy.as_deref(), Some("docs/updates.md"));
    assert_eq!(l.versions.len(), 1);
    assert_eq!(l.versions[0].version.get_ref().0, "4.2");
}

#[test]
fn incidents_section_parses_with_defaults() {
    let c = parse(
        "[incidents]\nplan = \"INCIDENTS.md\"\nnotify_within_hours = 24\n",
        p(),
    )
    .unwrap();
    assert_eq!(c.incidents.plan.as_deref(), Some("INCIDENTS.md"));
    assert_eq!(c.incidents.notify_within_hours(), 24);
    assert_eq!(c.incidents.log(), ".safeguard/incidents.jsonl");
    let c = parse("", p()).unwrap();
    assert_eq!(c.incidents.notify_within_hours(), 72);
    let e = parse("[incidents]\nnotify_within = 5\n", p()).unwrap_err();
    assert!(e.to_string().contains("notify_within"), "{e}");
    assert!(parse("[incidents]\nnotify_within_hours = -1\n", p()).is_err());
}

#[test]
fn release_section_parses() {
    let c = parse(
        r#"
[release]
artifacts = ["dist/*.tar.gz", "dist/*.whl"]
public_keys = ["keys/release.pub"]
bundle_suffix = ".bundle"
provenance = ["dist/*.intoto.sigstore.json"]
builder_id = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"
source_uri = "https://github.com/acme/app"
repro = ["reports/repro.json"]
"#,
        p(),
    )
    .unwrap();
    let r = &c.release;
    assert_eq!(r.artifacts, ["dist/*.tar.gz", "dist/*.whl"]);
    assert_eq!(r.public_keys, ["keys/release.pub"]);
    assert_eq!(r.bundle_suffix(), ".bundle");
    assert_eq!(r.provenance, ["dist/*.intoto.sigstore.json"]);
    assert_eq!(
        r.builder_id.as_deref(),
        Some("https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main")
    );
    assert_eq!(r.source_uri.as_deref(), Some("https://github.com/acme/app"));
    assert_eq!(r.repro, ["reports/repro.json"]);
    // Defaults.
    let d = parse("", p()).unwrap();
    assert!(d.release.artifacts.is_empty());
    assert_eq!(d.release.bundle_suffix(), ".sigstore.json");
}

#[test]
fn release_unknown_key_is_located() {
    let e = err("[vendor]\nname = \"x\"\n\n[release]\nartifacts = []\nsignatures = [\"a\"]\n");
    assert_eq!(e.location, Some(Location { line: 6, column: 1 }), "{e}");
    assert!(e.message.contains("signatures"), "{e}");
    let e = err("[release]\nartifacts = \"dist/*\"\n");
    assert_eq!(e.location.map(|l| l.line), Some(2), "{e}");
}

#[test]
fn unknown_key_is_located() {
    let e = err("[vendor]\nname = \"x\"\ncolour = \"blue\"\n");
    assert_eq!(e.location, Some(Location { line: 3, column: 1 }));
    assert!(e.message.contains("colour"), "{e}");
    assert!(e.to_string().starts_with("safeguard.toml:3:1: "), "{e}");
}

#[test]
fn bad_values_are_located() {
    let e = err("[vendor]\nrole = \"distributor\"\n");
    assert_eq!(e.location.unwrap().line, 2);
    assert!(e.message.contains("developer-and-distributor"), "{e}");

    let base = "[[manual_evidence]]\nid = \"a\"\ndocument = \"x.pdf\"\nowner = \"o\"\nreviewed = 2025-01-01\nexpires = 2026-01-01\n";
    let e = err(&format!("{base}claims = [\"1.2.9\"]\n"));
    assert_eq!(
        e.location,
        Some(Location {
            line: 7,
            column: 11
        }),
        "{e}"
    );
    assert!(e.message.contains("1.2.9"), "{e}");

    let e = err(&format!("{base}claims = [\"one\"]\n"));
    assert_eq!(e.location.unwrap().line, 7, "{e}");

    let e = err(&format!("{base}claims = []\n"));
    assert_eq!(e.location.unwrap().line, 7, "{e}");

    let e = err(&format!("{base}claims = [\"1.1.1\"]\nsha256 = \"abc\"\n"));
    assert_eq!(e.location.unwrap().line, 8, "{e}");
    assert!(e.message.contains("64 hexadecimal"), "{e}");

    let e = err(&format!(
        "{}claims = [\"1.1.1\"]\n",
        base.replace("expires = 2026-01-01", "expires = 2024-01-01")
    ));
    assert_eq!(e.location.unwrap().line, 6, "{e}");
    assert!(e.message.contains("after"), "{e}");

    let e = err(&base.replace("2025-01-01", "\"2025-13-01\""));
    assert_eq!(e.location.unwrap().line, 5, "{e}");
    assert!(e.message.contains("YYYY-MM-DD"), "{e}");

    let e = err(&base.replace("2025-01-01", "2025-01-01T10:00:00Z"));
    assert_eq!(e.location.unwrap().line, 5, "{e}");

    let e = err(&base.replace("\"x.pdf\"", "\"ftp://host/x\""));
    assert_eq!(e.location.unwrap().line, 3, "{e}");
}

#[test]
fn cross_references_are_checked() {
    let e = err("[[product_lines]]\nid = \"a\"\n[[products]]\nid = \"p\"\nline = \"b\"\n");
    assert_eq!(e.location, Some(Location { line: 5, column: 8 }), "{e}");
    assert!(e.message.contains("declared: a"), "{e}");

    let e = err("[[products]]\nid = \"p\"\n[[products]]\nid = \"p\"\n");
    assert_eq!(e.location.unwrap().line, 4, "{e}");

    let e = err("[[products]]\nid = \"bad id\"\n");
    assert_eq!(e.location.unwrap().line, 2, "{e}");
}

#[test]
fn syntax_errors_are_located() {
    let e = err("[vendor\nname = 1\n");
    assert_eq!(e.location.unwrap().line, 1, "{e}");
    let e = err("[vendor]\nname = \n");
    assert_eq!(e.location.unwrap().line, 2, "{e}");
    let e = err("[sro]\nname = \"x\"\n");
    assert!(e.message.contains("role"), "{e}");
}

#[test]
fn hostile_input_never_panics() {
    let samples = [
        "\u{0}",
        "[[[",
        "a = \"\\uD800\"",
        &"[a]\n".repeat(3),
        "x = 1e99999",
        "vendor = []",
        "[vendor]\nname = \"\"\n",
    ];
    for s in samples {
        let _ = parse(s, p());
    }
    let deep = "a = ".to_string() + &"[".repeat(10_000);
    assert!(parse(&deep, p()).is_err());
}

#[test]
fn vulns_sla_is_validated_with_a_location() {
    let c = parse("[vulns.sla.days]\ncritical = 3\n", p()).unwrap();
    assert_eq!(
        c.vulns
            .sla_policy()
            .days_for(safeguard_handling::model::Severity::Critical),
        3
    );
    assert_eq!(
        c.vulns
            .sla_policy()
            .days_for(safeguard_handling::model::Severity::High),
        30
    );
    let e = parse("[vulns]\n[vulns.sla.days]\nhigh = -1\n", p()).unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("safeguard.toml:3:8: days.high is -1"),
        "{text}"
    );
    assert!(text.contains("cannot be negative"), "{text}");
    let e = parse("[vulns.sla.days]\nurgent = 1\n", p()).unwrap_err();
    assert!(e.to_string().contains("unknown severity"), "{e}");
}
