//! Lint an incident-support plan (claim 4.3.1): does the published document say how customers
//! and the vendor reach each other during an incident, who is responsible, what the procedure
//! is, how customers are kept informed, how service is recovered and how the incident is
//! reviewed afterwards?
//!
//! The text is read as Markdown: a heading names a section that runs to the next heading of
//! the same or a higher level; fenced code blocks are skipped. An element is *present* when a
//! heading or a sentence uses one of its phrases, *malformed* when its section is there but
//! does not hold what it must (a contacts section with no address, a section with no text),
//! and *absent* otherwise.

use serde::Serialize;

/// One of the things an incident-support plan must cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Element {
    /// How customers and the vendor reach each other during an incident.
    Contacts,
    /// Who leads and owns the response.
    Roles,
    /// Detection, triage, containment and escalation.
    Procedure,
    /// How and when customers are informed.
    Communication,
    /// Restoring service and remediating.
    Recovery,
    /// Lessons learned after the incident.
    PostIncidentReview,
}

impl Element {
    /// Every element, in report order.
    pub const ALL: [Element; 6] = [
        Element::Contacts,
        Element::Roles,
        Element::Procedure,
        Element::Communication,
        Element::Recovery,
        Element::PostIncidentReview,
    ];

    /// The element's name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Element::Contacts => "contacts",
            Element::Roles => "roles",
            Element::Procedure => "procedure",
            Element::Communication => "communication",
            Element::Recovery => "recovery",
            Element::PostIncidentReview => "post-incident-review",
        }
    }

    /// Lower-case phrases that show the element is covered, in a heading or in the text.
    fn phrases(self) -> &'static [&'static str] {
        match self {
            Element::Contacts => &[
                "contact",
                "reach us",
                "report an incident",
                "reporting an incident",
                "get in touch",
                "hotline",
                "on-call number",
            ],
            Element::Roles => &[
                "roles",
                "responsibilit",
                "incident lead",
                "incident manager",
                "incident commander",
                "incident owner",
                "incident response team",
                "who does what",
                "accountable",
            ],
            Element::Procedure => &[
                "procedure",
                "triage",
                "containment",
                "contain the",
                "escalat",
                "detection",
                "response process",
                "response steps",
            ],
            Element::Communication => &[
                "communication",
                "status page",
                "notify customers",
                "notifying customers",
                "inform customers",
                "informing customers",
                "customers are informed",
                "customers will be informed",
                "customers are notified",
                "customers will be notified",
                "customer notification",
                "keep customers",
            ],
            Element::Recovery => &[
                "recovery",
                "recover",
                "restore",
                "restoration",
                "remediat",
                "business continuity",
            ],
            Element::PostIncidentReview => &[
                "post-incident",
                "post incident",
                "postmortem",
                "post-mortem",
                "lessons learned",
                "lessons learnt",
                "root cause",
                "retrospective",
                "after-action",
            ],
        }
    }
}

/// Whether an element was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElementStatus {
    /// Covered.
    Present,
    /// Its section exists but does not hold what it must.
    Malformed,
    /// Not mentioned.
    Absent,
}

impl ElementStatus {
    /// The status as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            ElementStatus::Present => "present",
            ElementStatus::Malformed => "malformed",
            ElementStatus::Absent => "absent",
        }
    }
}

/// The finding for one element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElementFinding {
    /// Which element.
    pub element: Element,
    /// Present, malformed or absent.
    pub status: ElementStatus,
    /// The 1-based line that shows it (the heading, or the sentence), when found.
    pub line: Option<usize>,
    /// What was found, or what is missing, in words.
    pub detail: String,
}

/// The result of [`lint`]: one finding per [`Element`], in [`Element::ALL`] order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    /// The findings.
    pub elements: Vec<ElementFinding>,
}

impl PlanReport {
    /// True when every element is present.
    pub fn complete(&self) -> bool {
        self.elements
            .iter()
            .all(|e| e.status == ElementStatus::Present)
    }

    /// True when some element is absent (the CLI's failure condition).
    pub fn any_absent(&self) -> bool {
        self.elements
            .iter()
            .any(|e| e.status == ElementStatus::Absent)
    }

    /// The finding for `element`.
    pub fn get(&self, element: Element) -> Option<&ElementFinding> {
        self.elements.iter().find(|e| e.element == element)
    }
}

/// A line of prose or a heading, outside code blocks.
struct Line<'a> {
    number: usize,
    /// Heading level (1-6) when the line is an ATX heading.
    level: Option<usize>,
    /// The heading's text or the line's text, lower-cased.
    lower: String,
    raw: &'a str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim_start();
        let indent = raw.len() - t.len();
        let fence_char = t.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = fence_char {
            let run = t.chars().take_while(|x| *x == c).count();
            if run >= 3 && indent < 4 {
                match fence {
                    None => {
                        fence = Some((c, run));
                        continue;
                    }
                    Some((open, len)) if open == c && run >= len && t[run..].trim().is_empty() => {
                        fence = None;
                        continue;
                    }
                    Some(_) => {}
                }
            }
        }
        if fence.is_some() || indent >= 4 || t.is_empty() {
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        let level = (1..=6)
            .contains(&hashes)
            .then_some(hashes)
            .filter(|_| t[hashes..].is_empty() || t[hashes..].starts_with([' ', '\t']));
        let body = match level {
            Some(n) => t[n..].trim().trim_end_matches('#').trim(),
            None => t,
        };
        out.push(Line {
            number: i + 1,
            level,
            lower: body.to_lowercase(),
            raw,
        });
    }
    out
}

/// Does `s` hold an e-mail address, a phone number or a URL?
fn has_address(s: &str) -> bool {
    let lower = s.to_lowercase();
    if lower.contains("https://") || lower.contains("http://") || lower.contains("mailto:") {
        return true;
    }
    let email = lower
        .split(|c: char| c.is_whitespace() || "<>()[],;`*".contains(c))
        .any(|w| {
            let w = w.trim_end_matches('.');
            match w.split_once('@') {
                Some((user, host)) => {
                    !user.is_empty()
                        && host.contains('.')
                        && !host.starts_with('.')
                        && !host.ends_with('.')
                }
                None => false,
            }
        });
    if email {
        return true;
    }
    // A phone number: a run of at least 7 digits, allowing spaces, dashes, dots and brackets.
    let mut digits = 0usize;
    let mut best = 0usize;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            best = best.max(digits);
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+') {
            digits = 0;
        }
    }
    best >= 7
}

/// Lint the text of an incident-support plan.
pub fn lint(text: &str) -> PlanReport {
    let lines = lines(text);
    let elements = Element::ALL
        .iter()
        .map(|&element| find(&lines, element))
        .collect();
    PlanReport { elements }
}

/// The lines of the section a heading at `idx` opens (not including the heading).
fn section<'a, 'b>(lines: &'b [Line<'a>], idx: usize) -> &'b [Line<'a>] {
    let level = lines.get(idx).and_then(|l| l.level).unwrap_or(1);
    let start = idx + 1;
    let end = lines
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, l)| l.level.is_some_and(|n| n <= level))
        .map_or(lines.len(), |(i, _)| i);
    lines.get(start..end).unwrap_or(&[])
}

fn find(lines: &[Line<'_>], element: Element) -> ElementFinding {
    let phrases = element.phrases();
    let matches = |l: &Line<'_>| phrases.iter().any(|p| l.lower.contains(p));
    // Headings first: the section must hold something.
    let mut malformed: Option<ElementFinding> = None;
    for (i, l) in lines.iter().enumerate() {
        if l.level.is_none() || !matches(l) {
            continue;
        }
        let body = section(lines, i);
        let prose: Vec<&Line<'_>> = body.iter().filter(|b| b.level.is_none()).collect();
        let problem = if prose.is_empty() {
            Some(format!("the section `{}` has no text", l.raw.trim()))
        } else if element == Element::Contacts
            && !has_address(l.raw)
            && !body.iter().any(|b| has_address(b.raw))
        {
            Some(format!(
                "the section `{}` gives no e-mail address, phone number or URL",
                l.raw.trim()
            ))
        } else {
            None
        };
        match problem {
            None => {
                return ElementFinding {
                    element,
                    status: ElementStatus::Present,
                    line: Some(l.number),
                    detail: format!("section `{}`", l.raw.trim()),
                };
            }
            Some(detail) => {
                if malformed.is_none() {
                    malformed = Some(ElementFinding {
                        element,
                        status: ElementStatus::Malformed,
                        line: Some(l.number),
                        detail,
                    });
                }
            }
        }
    }
    // Then sentences; contacts need an address on the same line.
    for l in lines.iter().filter(|l| l.level.is_none() && matches(l)) {
        if element == Element::Contacts && !has_address(l.raw) {
            continue;
        }
        return ElementFinding {
            element,
            status: ElementStatus::Present,
            line: Some(l.number),
            detail: "mentioned in the text".into(),
        };
    }
    if let Some(m) = malformed {
        return m;
    }
    if element == Element::Contacts
        && let Some(l) = lines.iter().find(|l| matches(l))
    {
        return ElementFinding {
            element,
            status: ElementStatus::Malformed,
            line: Some(l.number),
            detail: "contacts are mentioned but no e-mail address, phone number or URL is given"
                .into(),
        };
    }
    ElementFinding {
        element,
        status: ElementStatus::Absent,
        line: None,
        detail: format!("no heading or sentence mentions {}", describe(element)),
    }
}

fn describe(element: Element) -> &'static str {
    match element {
        Element::Contacts => "how customers and the vendor contact each other during an incident",
        Element::Roles => "who leads and owns the incident response (roles, responsibilities)",
        Element::Procedure => "the response procedure (detection, triage, containment, escalation)",
        Element::Communication => "how and when customers are informed (communication plan)",
        Element::Recovery => "recovery (restoring service, remediation)",
        Element::PostIncidentReview => "a post-incident review (lessons learned, root cause)",
    }
}
