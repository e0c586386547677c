//! The disclosure-policy lint against present, absent and malformed fixtures.

use safeguard_disclosure::lint::{self, Element, Status};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lint");

fn lint_file(name: &str) -> lint::LintReport {
    lint::lint(&std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap())
}

fn summary(r: &lint::LintReport) -> Vec<(Element, Status, Option<usize>)> {
    r.elements
        .iter()
        .map(|e| (e.element, e.status, e.line))
        .collect()
}

#[test]
fn complete_policy() {
    let r = lint_file("complete.md");
    assert_eq!(
        summary(&r),
        [
            (Element::ConfidentialChannel, Status::Present, Some(13)),
            (Element::Scope, Status::Present, Some(3)),
            (Element::ReportContents, Status::Present, Some(16)),
            (Element::AcknowledgementTimeline, Status::Present, Some(24)),
            (Element::ResponseTimeline, Status::Present, Some(25)),
            (Element::CoordinatedDisclosure, Status::Present, Some(27)),
            (Element::SafeHarbour, Status::Present, Some(31)),
            (Element::Recognition, Status::Present, Some(35)),
        ]
    );
    assert!(r.missing_required().is_empty());
    let channel = r.get(Element::ConfidentialChannel).unwrap();
    assert_eq!(
        channel.evidence.as_deref(),
        Some(
            "Email security@example.com, encrypted with our PGP key at https://example.com/pgp.asc,"
        )
    );
    assert_eq!(channel.claim, "3.2.2");
    assert_eq!(r.get(Element::Scope).unwrap().claim, "3.2.1");
}

#[test]
fn empty_policy() {
    let r = lint_file("absent.md");
    assert!(
        r.elements
            .iter()
            .all(|e| e.status == Status::Absent && e.line.is_none())
    );
    assert_eq!(
        r.missing_required(),
        [
            Element::ConfidentialChannel,
            Element::Scope,
            Element::AcknowledgementTimeline,
            Element::ResponseTimeline
        ]
    );
}

#[test]
fn malformed_elements() {
    let r = lint_file("malformed.md");
    assert_eq!(
        summary(&r),
        [
            (Element::ConfidentialChannel, Status::Malformed, Some(7)),
            (Element::Scope, Status::Present, Some(3)),
            (Element::ReportContents, Status::Absent, None),
            (
                Element::AcknowledgementTimeline,
                Status::Malformed,
                Some(11)
            ),
            (Element::ResponseTimeline, Status::Malformed, Some(12)),
            (Element::CoordinatedDisclosure, Status::Absent, None),
            (Element::SafeHarbour, Status::Absent, None),
            (Element::Recognition, Status::Absent, None),
        ]
    );
    let channel = r.get(Element::ConfidentialChannel).unwrap();
    assert_eq!(
        channel.problem.as_deref(),
        Some("`security@example` is not a valid e-mail address")
    );
    // Malformed is not absent: nothing required is missing.
    assert!(r.missing_required().is_empty());
}

#[test]
fn public_issue_contradicts_confidentiality() {
    let r = lint_file("public-issues.md");
    let channel = r.get(Element::ConfidentialChannel).unwrap();
    assert_eq!(channel.status, Status::Malformed);
    assert_eq!(channel.line, Some(7));
    assert!(channel.problem.as_deref().unwrap().contains("public issue"));
    assert_eq!(
        r.get(Element::AcknowledgementTimeline).unwrap().status,
        Status::Present
    );
    assert_eq!(r.get(Element::ResponseTimeline).unwrap().line, Some(8));

    // Pointing non-security bugs at the tracker is fine.
    let r = lint::lint(
        "For non-security bugs, open an issue.\nReport vulnerabilities to security@example.org.\n",
    );
    let channel = r.get(Element::ConfidentialChannel).unwrap();
    assert_eq!((channel.status, channel.line), (Status::Present, Some(2)));
}

#[test]
fn code_blocks_are_skipped_and_headings_count() {
    let r = lint::lint("```\nsecurity@example.com\n```\n~~~\nSupported versions\n~~~\n");
    assert_eq!(
        r.get(Element::ConfidentialChannel).unwrap().status,
        Status::Absent
    );
    assert_eq!(r.get(Element::Scope).unwrap().status, Status::Absent);

    let r = lint::lint("# Title\n\n## Response timeline\n\n- Triage: 3 business days\n");
    let resp = r.get(Element::ResponseTimeline).unwrap();
    // The evidence is the line with the duration.
    assert_eq!((resp.status, resp.line), (Status::Present, Some(5)));
}
