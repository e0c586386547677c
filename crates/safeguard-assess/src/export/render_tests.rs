//! Tests of the CSV, Markdown and HTML renderers on a small hand-built assessment whose
//! evidence carries hostile text.

use std::collections::BTreeMap;

use safeguard_model::facts::CiFacts;
use safeguard_model::{
    ArtefactRef, ClaimId, Evidence, Facts, PrincipleId, Producer, Subject, VendorRole,
};

use super::csv::{HEADER, to_csv};
use super::html::to_html;
use super::markdown::{evidence_anchor, md_paragraph, md_text, to_markdown};
use crate::assessment::{
    Assessment, ClaimResult, CollectorFailure, Counts, LedgerState, PrincipleResult, ProductLine,
    Scope, Status, Summary, ThemeResult, Tool,
};

const HOSTILE: &str = "<script>alert(1)</script> | # \"quote\", =cmd 'single' *bold* [x] `tick`";
const HOSTILE_PATH: &str = "ci/evil|name <img>.yml";

fn evidence_record(facts: Facts, summary: &str, claims: Vec<ClaimId>) -> Evidence {
    Evidence {
        subject: Subject {
            product: None,
            version: None,
            commit: Some("0123abcd".into()),
        },
        observed_at: "2025-06-01T12:00:00Z".into(),
        producer: Producer {
            tool: "safeguard".into(),
            version: "0.1.0".into(),
            collector: facts.kind().into(),
            ci_run: None,
        },
        claims,
        summary: summary.into(),
        facts,
        artefacts: Vec::new(),
    }
}

fn counts(statuses: &[Status]) -> Counts {
    let mut c = Counts::default();
    for &s in statuses {
        c.add(s);
    }
    c
}

/// Two themes, one principle each, two claims each; two evidence records, the first with
/// hostile text in its summary, the second with a hostile artefact path.
fn sample() -> Assessment {
    let vcs = evidence_record(
        Facts::Vcs(Default::default()),
        HOSTILE,
        vec![ClaimId::new(1, 1, 1)],
    );
    let mut ci = evidence_record(
        Facts::CiConfig(CiFacts::default()),
        "CI configuration found in 1 file.",
        vec![ClaimId::new(1, 1, 2)],
    );
    ci.artefacts.push(ArtefactRef {
        path: HOSTILE_PATH.into(),
        sha256: "ab".repeat(32),
    });
    let (vcs_id, ci_id) = (vcs.id(), ci.id());
    let evidence: BTreeMap<String, Evidence> = [(vcs_id.clone(), vcs), (ci_id.clone(), ci)]
        .into_iter()
        .collect();

    let claim = |t, p, n, title: &str, status, argument: &str, evidence: Vec<String>| ClaimResult {
        id: ClaimId::new(t, p, n),
        principle: PrincipleId::new(t, p),
        theme: t,
        title: title.into(),
        status,
        argument: argument.into(),
        evidence,
        brief_principles: vec![1],
    };
    let mut both = vec![vcs_id.clone(), ci_id.clone()];
    both.sort();
    let claims = vec![
        claim(
            1,
            1,
            1,
            "Framework documented",
            Status::Met,
            "Seen: \"docs\", and more.",
            vec![vcs_id],
        ),
        claim(
            1,
            1,
            2,
            "Developers trained",
            Status::PartiallyMet,
            "=SUM(A1) line one\nline two",
            both,
        ),
        claim(
            2,
            1,
            1,
            "Build environment protected",
            Status::NotMet,
            "-1 nothing seen",
            vec![],
        ),
        claim(
            2,
            1,
            2,
            "Access is logged",
            Status::NeedsManualEvidence,
            "@manual",
            vec![],
        ),
    ];

    let principle = |t: u8, title: &str, statuses: &[Status]| PrincipleResult {
        id: PrincipleId::new(t, 1),
        title: title.into(),
        status: counts(statuses).rollup(),
        counts: counts(statuses),
        claims: vec![ClaimId::new(t, 1, 1), ClaimId::new(t, 1, 2)],
    };
    let theme = |t: u8, title: &str, p: PrincipleResult| ThemeResult {
        id: t,
        key: format!("theme_{t}"),
        title: title.into(),
        applicable: true,
        status: p.status,
        counts: p.counts.clone(),
        principles: vec![p],
    };
    let themes = vec![
        theme(
            1,
            "Secure design",
            principle(
                1,
                "Follow a framework",
                &[Status::Met, Status::PartiallyMet],
            ),
        ),
        theme(
            2,
            "Build \"environment\" <security>",
            principle(
                2,
                "Protect the build",
                &[Status::NotMet, Status::NeedsManualEvidence],
            ),
        ),
    ];
    let all: Vec<Status> = claims.iter().map(|c| c.status).collect();

    Assessment {
        schema_version: crate::assessment::SCHEMA_VERSION,
        tool: Tool {
            name: "safeguard".into(),
            version: "0.1.0".into(),
        },
        generated_at: "2025-06-01T12:00:00Z".into(),
        assessment_date: "2025-06-01".into(),
        scope: Scope {
            vendor: "Acme & Sons <Ltd>".into(),
            vendor_role: VendorRole::DeveloperAndDistributor,
            sro: None,
            product_lines: vec![ProductLine {
                id: "core".into(),
                name: Some("Core | platform".into()),
                products: vec!["api".into(), "web".into()],
            }],
            root: "acme".into(),
            commit: Some("0123abcd".into()),
            configured: true,
        },
        summary: Summary {
            status: counts(&all).rollup(),
            counts: counts(&all),
        },
        themes,
        claims,
        brief: Vec::new(),
        evidence,
        collector_failures: vec![CollectorFailure {
            collector: "threat-model".into(),
            message: "git failed: <boom> | exit 128".into(),
        }],
        ledger: Some(LedgerState {
            entries: 12,
            head: "cd".repeat(32),
            appended: 2,
        }),
        artefacts: Vec::new(),
    }
}

/// A strict RFC 4180 reader: records end with CRLF, a quote may only open a field and must be
/// followed by a separator when it closes, bare CR or LF outside quotes is an error.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut in_quotes, mut closed) = (false, false);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c != '"' {
                field.push(c);
            } else if chars.peek() == Some(&'"') {
                chars.next();
                field.push('"');
            } else {
                in_quotes = false;
                closed = true;
            }
            continue;
        }
        match c {
            ',' => {
                row.push(std::mem::take(&mut field));
                closed = false;
            }
            '\r' => {
                assert_eq!(
                    chars.next(),
                    Some('\n'),
                    "CR not followed by LF outside quotes"
                );
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                closed = false;
            }
            '\n' => panic!("bare LF outside quotes"),
            '"' => {
                assert!(
                    field.is_empty() && !closed,
                    "quote inside an unquoted field"
                );
                in_quotes = true;
            }
            c => {
                assert!(!closed, "text after a closing quote");
                field.push(c);
            }
        }
    }
    assert!(!in_quotes, "unterminated quoted field");
    assert!(
        field.is_empty() && row.is_empty(),
        "last record does not end with CRLF"
    );
    rows
}

#[test]
fn csv_has_header_and_one_row_per_claim() {
    let a = sample();
    let csv = to_csv(&a);
    assert!(csv.starts_with("claim_id,principle,theme,title,status,argument,evidence\r\n"));
    let rows = parse_csv(&csv);
    assert_eq!(rows.len(), 1 + a.claims.len());
    assert_eq!(rows[0], HEADER);
    for (row, c) in rows[1..].iter().zip(&a.claims) {
        assert_eq!(row.len(), HEADER.len(), "{row:?}");
        assert_eq!(row[0], c.id.to_string());
        assert_eq!(row[1], c.principle.to_string());
        assert_eq!(row[2], c.theme.to_string());
        assert_eq!(row[4], c.status.as_str());
    }
    assert_eq!(rows[2][4], "partially_met");
    assert_eq!(rows[4][4], "needs_manual_evidence");
}

#[test]
fn csv_quotes_and_doubles_quotes() {
    let a = sample();
    let csv = to_csv(&a);
    // A field with `"` and `,` is quoted and its quotes doubled.
    assert!(csv.contains(r#","Seen: ""docs"", and more.","#), "{csv}");
    // A field with a line break is quoted, and the break survives a round trip.
    let rows = parse_csv(&csv);
    assert_eq!(rows[1][5], "Seen: \"docs\", and more.");
    assert_eq!(rows[2][5], "'=SUM(A1) line one\nline two");
    // Evidence ids joined with `; `, in the cited order.
    assert_eq!(rows[2][6], a.claims[1].evidence.join("; "));
    assert!(rows[2][6].contains("; sha256:"));
    assert_eq!(rows[3][6], "");
}

#[test]
fn csv_guards_formulas() {
    let a = sample();
    let rows = parse_csv(&to_csv(&a));
    assert_eq!(rows[2][5].chars().next(), Some('\''));
    assert_eq!(rows[3][5], "'-1 nothing seen");
    assert_eq!(rows[4][5], "'@manual");
    // Fields that do not start with a formula character are left alone.
    assert_eq!(rows[1][5].chars().next(), Some('S'));
    for row in &rows {
        for f in row {
            assert!(
                !f.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unguarded field {f:?}"
            );
        }
    }
    assert_eq!(super::csv::field("\tx"), "'\tx");
    assert_eq!(super::csv::field("\rx"), "\"'\rx\"");
    assert_eq!(super::csv::field("+1"), "'+1");
    assert_eq!(super::csv::field("plain"), "plain");
}

#[test]
fn csv_is_deterministic_and_crlf_only() {
    let a = sample();
    let csv = to_csv(&a);
    assert_eq!(csv, to_csv(&a.clone()));
    assert!(csv.ends_with("\r\n"));
    // The only bare LF is the one inside the quoted argument.
    let bare_lf = csv
        .match_indices('\n')
        .filter(|(i, _)| !csv[..*i].ends_with('\r'))
        .count();
    assert_eq!(bare_lf, 1);
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn html_escapes_hostile_text() {
    let a = sample();
    let html = to_html(&a);
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "raw script tag in the page"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;quote&quot;"));
    assert!(html.contains("&#39;single&#39;"));
    assert!(html.contains("Acme &amp; Sons &lt;Ltd&gt;"));
    assert!(html.contains("ci/evil|name &lt;img&gt;.yml"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<boom>"));
    // The theme title with quotes lands in an attribute (aria-label) escaped.
    assert!(!html.contains("\"environment\""));
    assert!(html.contains("aria-label=\"Theme 2 Build &quot;environment&quot; &lt;security&gt;: "));
}

#[test]
fn html_has_one_bar_per_theme_and_principle() {
    let a = sample();
    let html = to_html(&a);
    let principles: usize = a.themes.iter().map(|t| t.principles.len()).sum();
    assert_eq!(count(&html, "<svg"), a.themes.len() + principles);
    assert_eq!(
        count(&html, "<svg class=\"bar\" role=\"img\" aria-label=\""),
        4
    );
    assert_eq!(count(&html, "<title>"), 1 + 4);
    assert!(html.contains(
        "aria-label=\"Theme 1 Secure design: 1 met, 1 partially met, 0 not met, \
         0 needs manual evidence, 0 not applicable\""
    ));
    // Segments in the fixed colours: one met + one partial claim is half green, half amber.
    assert!(html.contains("<rect x=\"0\" y=\"0\" width=\"500\" height=\"10\" fill=\"#2e7d32\"/>"));
    assert!(
        html.contains("<rect x=\"500\" y=\"0\" width=\"500\" height=\"10\" fill=\"#f0a202\"/>")
    );
    // A legend naming every status.
    let legend = &html[html.find("class=\"legend\"").expect("legend")..];
    for s in Status::ALL {
        assert!(legend.contains(s.label()), "legend lacks {}", s.label());
    }
}

#[test]
fn html_links_every_cited_id_to_an_anchor() {
    let a = sample();
    let html = to_html(&a);
    let mut cited = 0;
    for c in &a.claims {
        for id in &c.evidence {
            let anchor = evidence_anchor(id);
            assert_eq!(anchor.len(), 3 + 12);
            assert!(
                html.contains(&format!("href=\"#{anchor}\"")),
                "no link to {anchor}"
            );
            assert_eq!(
                count(&html, &format!("id=\"{anchor}\"")),
                1,
                "anchor {anchor}"
            );
            cited += 1;
        }
    }
    assert_eq!(cited, 3);
    // And every evidence record has its anchor, whether cited or not.
    for id in a.evidence.keys() {
        assert!(html.contains(&format!(
            "<article class=\"ev\" id=\"{}\">",
            evidence_anchor(id)
        )));
    }
}

#[test]
fn html_is_self_contained() {
    let a = sample();
    let html = to_html(&a);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for bad in [
        "http://", "https://", " src=", "<link", "url(", "@import", "<script", "<iframe",
    ] {
        assert!(
            !html.to_ascii_lowercase().contains(bad),
            "page contains {bad}"
        );
    }
    assert!(html.contains(&format!(
        "<meta name=\"generator\" content=\"safeguard {}\">",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(html.contains("@media print"));
    assert_eq!(count(&html, "<style>"), 1);
    // Every `href` is an in-page anchor.
    for (i, _) in html.match_indices("href=\"") {
        assert_eq!(&html[i + 6..i + 7], "#", "external link at {i}");
    }
    assert_eq!(html, to_html(&a.clone()));
}

#[test]
fn html_shows_status_as_text_badges() {
    let a = sample();
    let html = to_html(&a);
    for c in &a.claims {
        let badge = format!(
            "<span class=\"badge {}\">{}</span>",
            c.status.as_str(),
            c.status.label()
        );
        let heading = format!("<h5>{} {} {badge}</h5>", c.id, c.title);
        assert!(html.contains(&heading), "missing {heading}");
    }
    assert!(html.contains("<dt>Senior responsible owner</dt><dd>not named</dd>"));
    assert!(html.contains("<h2>Collector failures</h2>"));
    assert!(html.contains(&"cd".repeat(32)));
}

/// Counts the `|` that are not backslash-escaped.
fn cell_separators(line: &str) -> usize {
    let (mut n, mut after_backslash) = (0, false);
    for c in line.chars() {
        if c == '|' && !after_backslash {
            n += 1;
        }
        after_backslash = c == '\\' && !after_backslash;
    }
    n
}

#[test]
fn markdown_tables_and_headings_survive_hostile_text() {
    let mut a = sample();
    a.themes[0].principles[0].title = "Framework | with # pipes".into();
    a.claims[0].argument = "# not a heading | <b>x</b> [link](javascript:x) *em*".into();
    let md = to_markdown(&a);
    // Every table row has as many cell separators as its header.
    let mut in_table = 0;
    for line in md.lines() {
        if line.starts_with('|') {
            if in_table == 0 {
                in_table = cell_separators(line);
            }
            assert_eq!(cell_separators(line), in_table, "broken table row: {line}");
        } else {
            in_table = 0;
        }
    }
    assert!(
        md.contains("| 1.1 | Framework \\| with \\# pipes | Partially met | 1 | 1 | 0 | 0 | 0 |")
    );
    // Only our own headings start lines with `#`.
    for line in md.lines().filter(|l| l.starts_with('#')) {
        assert!(!line.contains("not a heading"), "injected heading: {line}");
    }
    assert!(
        md.contains("\\# not a heading \\| \\<b\\>x\\</b\\> \\[link\\](javascript:x) \\*em\\*")
    );
    assert!(!md.contains("<b>"));
    assert!(!md.contains("[link]"));
}

#[test]
fn markdown_escapes_evidence_text() {
    let a = sample();
    let md = to_markdown(&a);
    assert!(!md.contains("<script>"), "raw script tag");
    assert!(md.contains("\\<script\\>alert(1)\\</script\\> \\| \\# \"quote\", =cmd"));
    assert!(md.contains("\\*bold\\* \\[x\\] \\`tick\\`"));
    // The hostile artefact path is not a code span (it contains `|`) and is escaped.
    assert!(md.contains("ci/evil\\|name \\<img\\>.yml"));
    assert!(md.contains("**Senior responsible owner:** not named"));
    assert!(md.contains("Acme \\& Sons \\<Ltd\\>"));
    assert!(md.contains("git failed: \\<boom\\> \\| exit 128"));
}

#[test]
fn markdown_has_every_claim_heading_and_anchor() {
    let a = sample();
    let md = to_markdown(&a);
    assert!(md.starts_with("# Software Security Code of Practice — self-assessment\n"));
    for c in &a.claims {
        let heading = format!("#### {} {} — **{}**\n", c.id, c.title, c.status.label());
        assert_eq!(count(&md, &heading), 1, "missing {heading}");
    }
    for id in a.evidence.keys() {
        let anchor = evidence_anchor(id);
        assert_eq!(count(&md, &format!("<a id=\"{anchor}\"></a>")), 1);
    }
    for id in a.claims.iter().flat_map(|c| &c.evidence) {
        let short = &id["sha256:".len().."sha256:".len() + 8];
        let link = format!("[sha256:{short}…](#{})", evidence_anchor(id));
        assert!(md.contains(&link), "missing {link}");
    }
    for section in [
        "## At a glance",
        "## Claims",
        "## Evidence",
        "## Collector failures",
        "## Ledger",
    ] {
        assert_eq!(count(&md, &format!("{section}\n")), 1, "{section}");
    }
    assert!(md.contains("- **Entries:** 12"));
    assert_eq!(md, to_markdown(&a.clone()));
}

#[test]
fn markdown_omits_absent_failures_and_names_the_sro() {
    let mut a = sample();
    a.collector_failures.clear();
    a.scope.sro = Some(crate::assessment::Sro {
        name: "Jo Bloggs".into(),
        role: "CISO".into(),
    });
    let md = to_markdown(&a);
    assert!(!md.contains("Collector failures"));
    assert!(md.contains("**Senior responsible owner:** Jo Bloggs, CISO"));
}

#[test]
fn md_paragraph_neutralises_block_markers() {
    assert_eq!(md_paragraph("- item"), "\\- item");
    assert_eq!(md_paragraph("+ item"), "\\+ item");
    assert_eq!(md_paragraph("= item"), "\\= item");
    assert_eq!(md_paragraph("12. item"), "12\\. item");
    assert_eq!(md_paragraph("1) item"), "1\\) item");
    assert_eq!(md_paragraph("    - code"), "\\- code");
    assert_eq!(md_paragraph("1.2.1 met"), "1\\.2.1 met");
    assert_eq!(md_paragraph("# heading"), "\\# heading");
    assert_eq!(md_paragraph("plain text, 3.5"), "plain text, 3.5");
    // Inside a line, numbers and dashes are left alone.
    assert_eq!(md_text("0.1.0 - ok"), "0.1.0 - ok");
    assert_eq!(md_text("a\nb\rc\td"), "a b c d");
    assert_eq!(md_text("\\*"), "\\\\\\*");
}
