//! The brief's self-assessment template: byte-for-byte round trip and located errors.

use std::path::Path;

use safeguard_assess::template::SelfAssessment;

const EXAMPLE: &str = "../../../shared/reference/self-assessment-example.yaml";

#[test]
fn reference_example_round_trips_byte_for_byte() {
    let text = std::fs::read_to_string(EXAMPLE).expect("../shared/reference beside the repo");
    let sa = SelfAssessment::parse(&text, Path::new(EXAMPLE)).unwrap();
    assert_eq!(sa.vendor, "Example Software Ltd");
    assert_eq!(sa.assessment_date, "2025-09-15");
    assert_eq!(sa.product_lines, ["acme-enterprise", "acme-cloud"]);
    assert_eq!(
        sa.principles.iter().map(|p| p.id).collect::<Vec<_>>(),
        [1, 3, 8]
    );
    assert_eq!(
        sa.principles[0].evidence,
        ["STRIDE_workshop_minutes_2025-Q3", "threat_model_v4.2.pdf"]
    );
    assert_eq!(sa.to_yaml(), text);
}

#[test]
fn awkward_strings_survive_a_round_trip() {
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    let mut sa = SelfAssessment::parse(&text, Path::new("x.yaml")).unwrap();
    sa.vendor = "Acme: \"Quoted\" #1, Ltd".into();
    sa.principles[0].statement = "yes".into();
    sa.principles[0].evidence = vec![
        "a, b".into(),
        "[x]".into(),
        "123".into(),
        "".into(),
        "ünï".into(),
    ];
    sa.product_lines = vec!["null".into(), "- dash".into()];
    let back = SelfAssessment::parse(&sa.to_yaml(), Path::new("x.yaml")).unwrap();
    assert_eq!(back, sa);
}

fn err(text: &str) -> safeguard_assess::template::TemplateError {
    SelfAssessment::parse(text, Path::new("sa.yaml")).expect_err("should be rejected")
}

const HEAD: &str = "vendor: V\nassessment_date: 2025-09-15\nassessment_scope:\n  product_lines: [a]\nprinciples:\n";

#[test]
fn unknown_principle_id_is_located() {
    let e = err(&format!(
        "{HEAD}  - id: 3\n    theme: secure_design\n    statement: s\n    evidence: []\n    status: implemented\n  - id: 15\n    theme: secure_design\n    statement: s\n    evidence: []\n    status: implemented\n"
    ));
    assert_eq!(e.location.map(|l| l.0), Some(11), "{e}");
    assert!(e.message.contains("15"), "{e}");
    assert!(e.to_string().starts_with("sa.yaml:11:"), "{e}");
}

#[test]
fn bad_fields_are_located() {
    let p = |body: &str| format!("{HEAD}  - id: 1\n{body}");
    let e = err(&p(
        "    theme: maintenance\n    statement: s\n    evidence: []\n    status: implemented\n",
    ));
    assert_eq!(e.location.map(|l| l.0), Some(7), "{e}");
    assert!(e.message.contains("secure_design"), "{e}");
    let e = err(&p(
        "    theme: secure_design\n    statement: s\n    evidence: []\n    status: done\n",
    ));
    assert_eq!(e.location.map(|l| l.0), Some(10), "{e}");
    let e = err(&p(
        "    theme: secure_design\n    statement: s\n    colour: red\n    status: implemented\n",
    ));
    assert_eq!(e.location.map(|l| l.0), Some(9), "{e}");
    assert!(e.message.contains("colour"), "{e}");
    let e = err(&(HEAD.replace("2025-09-15", "15/09/2025")
        + "  - id: 1\n    theme: secure_design\n    statement: s\n    status: partial\n"));
    assert_eq!(e.location.map(|l| l.0), Some(2), "{e}");
    let e = err("vendor: [unclosed\n");
    assert!(e.location.is_some(), "{e}");
    assert!(
        !e.message.starts_with("error:") && !e.message.starts_with("line "),
        "{e}"
    );
}

#[test]
fn hostile_yaml_never_panics() {
    for s in [
        "",
        "\u{0}",
        "a: &a [*a]",
        "- - - -",
        &"[".repeat(5000),
        "vendor: !!binary AAAA",
        "? x\n: y",
    ] {
        let _ = SelfAssessment::parse(s, Path::new("h.yaml"));
    }
    // Billion laughs: aliases must not blow up memory.
    let laughs = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
    assert!(SelfAssessment::parse(laughs, Path::new("h.yaml")).is_err());
}

#[test]
fn alias_bomb_inside_a_valid_field_is_refused() {
    // Nine-fold nesting seven deep: ~4.8 million strings if expanded.
    let mut doc = String::from(
        "vendor: V\nassessment_date: 2025-09-15\nassessment_scope:\n  product_lines: [a]\nprinciples:\n",
    );
    doc.push_str("  - id: 1\n    theme: secure_design\n    statement: s\n    status: partial\n    evidence: &l0 [x,x,x,x,x,x,x,x,x]\n");
    for i in 1..8 {
        let refs = vec![format!("*l{}", i - 1); 9].join(",");
        doc.push_str(&format!("  - id: {}\n    theme: secure_design\n    statement: &l{i} [{refs}]\n    status: partial\n", i + 1));
    }
    let started = std::time::Instant::now();
    let e = SelfAssessment::parse(&doc, Path::new("bomb.yaml")).expect_err("must be refused");
    eprintln!("{e}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}
