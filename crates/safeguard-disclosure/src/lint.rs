//! Disclosure-policy lint: which elements the NCSC Vulnerability Disclosure Toolkit and
//! ISO/IEC 29147 expect a published policy (`SECURITY.md`, a disclosure policy page) to have,
//! each found present, absent or malformed, with the line it was found on.
//!
//! Matching is plain case-insensitive phrase sets per element. Markdown-aware: headings count
//! (a `## Supported Versions` heading is the scope), fenced code blocks are skipped.
//!
//! Evidence: the whole result supports claim 3.2.1 (a disclosure policy and process are
//! published: scope, report contents, timelines, coordinated disclosure, safe harbour,
//! recognition); [`Element::ConfidentialChannel`] supports 3.2.2 (how to report
//! confidentially).

use serde::Serialize;

use crate::securitytxt::is_email;

/// An element of a disclosure policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    /// A private way to report: e-mail, a private advisory form, a web form, a PGP key.
    ConfidentialChannel,
    /// What products and versions the policy covers.
    Scope,
    /// What a report should include.
    ReportContents,
    /// How soon a report is acknowledged.
    AcknowledgementTimeline,
    /// How soon reports are triaged, fixed or updated.
    ResponseTimeline,
    /// Coordinated disclosure terms.
    CoordinatedDisclosure,
    /// Safe harbour for good-faith research.
    SafeHarbour,
    /// Recognition: hall of fame, credit, bounty.
    Recognition,
}

impl Element {
    /// Every element, in report order.
    pub const ALL: [Element; 8] = [
        Element::ConfidentialChannel,
        Element::Scope,
        Element::ReportContents,
        Element::AcknowledgementTimeline,
        Element::ResponseTimeline,
        Element::CoordinatedDisclosure,
        Element::SafeHarbour,
        Element::Recognition,
    ];

    /// True for the elements whose absence fails the lint.
    pub fn required(self) -> bool {
        matches!(
            self,
            Element::ConfidentialChannel
                | Element::Scope
                | Element::AcknowledgementTimeline
                | Element::ResponseTimeline
        )
    }

    /// The claim of the Code of Practice the element backs.
    pub fn claim(self) -> &'static str {
        match self {
            Element::ConfidentialChannel => "3.2.2",
            _ => "3.2.1",
        }
    }

    /// The snake_case name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Element::ConfidentialChannel => "confidential_channel",
            Element::Scope => "scope",
            Element::ReportContents => "report_contents",
            Element::AcknowledgementTimeline => "acknowledgement_timeline",
            Element::ResponseTimeline => "response_timeline",
            Element::CoordinatedDisclosure => "coordinated_disclosure",
            Element::SafeHarbour => "safe_harbour",
            Element::Recognition => "recognition",
        }
    }

    fn phrases(self) -> &'static [&'static str] {
        match self {
            Element::ConfidentialChannel => &[
                "security/advisories/new",
                "private vulnerability report",
                "privately report",
                "report privately",
                "report a vulnerability",
                "security advisory",
                "pgp",
                "gpg",
                "openpgp",
                "encrypt",
                "web form",
                "contact form",
                "reporting form",
                "hackerone",
                "bugcrowd",
                "intigriti",
                "yeswehack",
            ],
            Element::Scope => &[
                "supported versions",
                "supported version",
                "in scope",
                "out of scope",
                "scope",
                "this policy applies to",
                "this policy covers",
                "covered by this policy",
                "products covered",
                "versions are supported",
                "receive security updates",
            ],
            Element::ReportContents => &[
                "please include",
                "should include",
                "include the following",
                "what to include",
                "steps to reproduce",
                "proof of concept",
                "proof-of-concept",
                "reproduction steps",
                "affected versions",
                "affected version",
                "details of the vulnerability",
            ],
            Element::AcknowledgementTimeline => &[
                "acknowledge",
                "acknowledgement",
                "acknowledgment of",
                "confirm receipt",
                "receipt of your report",
                "initial response",
                "first response",
                "respond to your report",
                "get back to you",
                "hear back",
            ],
            Element::ResponseTimeline => &[
                "remediat",
                "fix",
                "patch within",
                "resolve",
                "resolution",
                "triage",
                "status update",
                "keep you informed",
                "keep you updated",
                "regular updates",
                "response timeline",
                "timeline",
            ],
            Element::CoordinatedDisclosure => &[
                "coordinated disclosure",
                "coordinated vulnerability disclosure",
                "responsible disclosure",
                "embargo",
                "disclose publicly",
                "publicly disclose",
                "public disclosure",
                "disclosure deadline",
                "before it is disclosed",
                "until a fix",
            ],
            Element::SafeHarbour => &[
                "safe harbor",
                "safe harbour",
                "legal action",
                "good faith",
                "good-faith",
                "not pursue",
                "will not take legal",
                "authorised research",
                "authorized research",
                "computer misuse act",
            ],
            Element::Recognition => &[
                "hall of fame",
                "credit",
                "acknowledgments page",
                "acknowledgements page",
                "bounty",
                "reward",
                "recogni",
                "thanks page",
            ],
        }
    }

    fn needs_duration(self) -> bool {
        matches!(
            self,
            Element::AcknowledgementTimeline | Element::ResponseTimeline
        )
    }
}

/// Whether an element was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Found and well formed.
    Present,
    /// Not found.
    Absent,
    /// Found but wrong (see [`ElementResult::problem`]).
    Malformed,
}

/// One element of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementResult {
    /// Which element.
    pub element: Element,
    /// Whether it was found.
    pub status: Status,
    /// Whether its absence fails the lint.
    pub required: bool,
    /// The claim it supports (`3.2.1` or `3.2.2`).
    pub claim: &'static str,
    /// 1-based line where it was found (for malformed: where the problem is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The line's text, trimmed and cut to 160 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// What is wrong, for [`Status::Malformed`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The lint of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// Every element, in [`Element::ALL`] order.
    pub elements: Vec<ElementResult>,
}

impl LintReport {
    /// The required elements that are absent.
    pub fn missing_required(&self) -> Vec<Element> {
        self.elements
            .iter()
            .filter(|e| e.required && e.status == Status::Absent)
            .map(|e| e.element)
            .collect()
    }

    /// The result for one element.
    pub fn get(&self, element: Element) -> Option<&ElementResult> {
        self.elements.iter().find(|e| e.element == element)
    }
}

/// The largest document read, in bytes; the rest is ignored.
pub const MAX_SIZE: usize = 1024 * 1024;

/// Where a disclosure policy usually lives, relative to a repository's root.
pub const DEFAULT_PATHS: [&str; 8] = [
    "SECURITY.md",
    ".github/SECURITY.md",
    "docs/SECURITY.md",
    "SECURITY.txt",
    "VULNERABILITY_DISCLOSURE.md",
    "docs/vulnerability-disclosure-policy.md",
    "docs/VULNERABILITY_DISCLOSURE.md",
    "DISCLOSURE.md",
];

struct DocLine<'a> {
    number: usize,
    text: &'a str,
    lower: String,
    heading: bool,
}

/// Lint a policy document (Markdown or plain text).
pub fn lint(text: &str) -> LintReport {
    let text = text.get(..floor_boundary(text, MAX_SIZE)).unwrap_or("");
    let lines = prose_lines(text);
    let elements = Element::ALL
        .iter()
        .map(|&el| lint_element(el, &lines))
        .collect();
    LintReport { elements }
}

fn floor_boundary(s: &str, max: usize) -> usize {
    let mut i = max.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The lines outside fenced code blocks and HTML comments.
fn prose_lines(text: &str) -> Vec<DocLine<'_>> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut comment = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if t.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        if comment {
            if t.contains("-->") {
                comment = false;
            }
            continue;
        }
        if t.starts_with("<!--") {
            comment = !t.contains("-->");
            continue;
        }
        let heading = t.starts_with('#');
        out.push(DocLine {
            number: i + 1,
            text: line.trim(),
            lower: line.to_lowercase(),
            heading,
        });
    }
    out
}

fn snippet(s: &str) -> String {
    let mut out: String = s.chars().take(160).collect();
    if s.chars().count() > 160 {
        out.push('…');
    }
    out
}

fn result(
    element: Element,
    status: Status,
    line: Option<&DocLine<'_>>,
    problem: Option<String>,
) -> ElementResult {
    ElementResult {
        element,
        status,
        required: element.required(),
        claim: element.claim(),
        line: line.map(|l| l.number),
        evidence: line.map(|l| snippet(l.text)),
        problem,
    }
}

fn lint_element(el: Element, lines: &[DocLine<'_>]) -> ElementResult {
    if el == Element::ConfidentialChannel {
        return lint_channel(lines);
    }
    let hit = lines
        .iter()
        .position(|l| el.phrases().iter().any(|p| l.lower.contains(p)));
    let Some(idx) = hit else {
        return result(el, Status::Absent, None, None);
    };
    let Some(line) = lines.get(idx) else {
        return result(el, Status::Absent, None, None);
    };
    if !el.needs_duration() {
        return result(el, Status::Present, Some(line), None);
    }
    // A timeline needs a duration on the line, or in the section (after a heading) or
    // the next few lines of the paragraph.
    let mut window = vec![line];
    for l in lines
        .iter()
        .skip(idx + 1)
        .take(if line.heading { 30 } else { 3 })
    {
        if l.heading || (!line.heading && l.text.is_empty()) {
            break;
        }
        window.push(l);
    }
    let all_hits: Vec<&DocLine<'_>> = lines
        .iter()
        .filter(|l| el.phrases().iter().any(|p| l.lower.contains(p)))
        .collect();
    if let Some(l) = window
        .iter()
        .copied()
        .chain(all_hits.iter().copied())
        .find(|l| has_duration(&l.lower))
    {
        return result(el, Status::Present, Some(l), None);
    }
    result(
        el,
        Status::Malformed,
        Some(line),
        Some(
            "a timeline is mentioned but gives no duration (e.g. \"within 5 working days\")".into(),
        ),
    )
}

const UNITS: [&str; 5] = ["hour", "day", "week", "month", "h "];

/// True when the (lowercase) text holds a number followed closely by a time unit.
fn has_duration(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || "(),;:".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let is_num = (!digits.is_empty()
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '–'))
            || crate::scan::NUMBER_WORDS.contains(w);
        if !is_num {
            continue;
        }
        // `72h`, `5d`
        let suffix = w.get(digits.len()..).unwrap_or("");
        if !digits.is_empty() && matches!(suffix, "h" | "hrs" | "hours" | "d" | "days") {
            return true;
        }
        for next in words.iter().skip(i + 1).take(3) {
            if UNITS.iter().any(|u| next.starts_with(u.trim_end())) {
                return true;
            }
        }
    }
    false
}

const PUBLIC_ISSUE: [&str; 7] = [
    "open an issue",
    "open a new issue",
    "create an issue",
    "file an issue",
    "raise an issue",
    "public issue",
    "github issues",
];
const NEGATIONS: [&str; 8] = [
    "do not",
    "don't",
    "never",
    "not ",
    "please don’t",
    "avoid",
    "instead of",
    "rather than",
];
const NON_SECURITY: [&str; 5] = [
    "non-security",
    "not security",
    "other bugs",
    "general bugs",
    "feature request",
];

/// E-mail-like tokens of a line: words with an `@` inside, stripped of link punctuation.
fn email_tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "<>()[]\"'`,;*".contains(c))
        .map(|w| w.strip_prefix("mailto:").unwrap_or(w))
        .map(|w| w.trim_end_matches(['.', ':', '!', '?']))
        .filter(|w| w.contains('@') && !w.starts_with('@') && !w.contains("://"))
        .collect()
}

fn lint_channel(lines: &[DocLine<'_>]) -> ElementResult {
    let el = Element::ConfidentialChannel;
    // A "report it in a public issue" instruction contradicts confidentiality.
    for l in lines {
        if PUBLIC_ISSUE.iter().any(|p| l.lower.contains(p))
            && !NEGATIONS.iter().any(|n| l.lower.contains(n))
            && !NON_SECURITY.iter().any(|n| l.lower.contains(n))
        {
            return result(
                el,
                Status::Malformed,
                Some(l),
                Some("tells reporters to use a public issue, which discloses the vulnerability before a fix".into()),
            );
        }
    }
    let mut first_phrase: Option<&DocLine<'_>> = None;
    let mut bad_email: Option<(&DocLine<'_>, String)> = None;
    for l in lines {
        for tok in email_tokens(l.text) {
            if is_email(tok) {
                return result(el, Status::Present, Some(l), None);
            }
            if bad_email.is_none() {
                bad_email = Some((l, tok.to_string()));
            }
        }
        if first_phrase.is_none() && el.phrases().iter().any(|p| l.lower.contains(p)) {
            first_phrase = Some(l);
        }
    }
    if let Some((l, tok)) = bad_email {
        return result(
            el,
            Status::Malformed,
            Some(l),
            Some(format!("`{tok}` is not a valid e-mail address")),
        );
    }
    match first_phrase {
        Some(l) => result(el, Status::Present, Some(l), None),
        None => result(el, Status::Absent, None, None),
    }
}
