//! Hand-written scanners over policy text: e-mail addresses, URLs, reporting channels and the
//! statements a vulnerability disclosure policy is expected to make.

use std::collections::BTreeSet;

/// What one document says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub emails: Vec<String>,
    pub urls: Vec<String>,
    pub channels: Vec<String>,
    pub discourages_public_reports: bool,
    pub states_response_time: bool,
    pub lists_supported_versions: bool,
}

pub const EMAIL: &str = "email";
pub const PRIVATE_ADVISORY: &str = "private-advisory";
pub const ENCRYPTION_KEY: &str = "encryption-key";
pub const WEB_FORM: &str = "web-form";
pub const BUG_BOUNTY: &str = "bug-bounty";

/// Hosts of vulnerability-report platforms and form services.
const FORM_HOSTS: &[&str] = &[
    "hackerone.com",
    "bugcrowd.com",
    "intigriti.com",
    "yeswehack.com",
    "huntr.com",
    "huntr.dev",
    "forms.gle",
    "docs.google.com/forms",
    "forms.office.com",
    "forms.microsoft.com",
    "msrc.microsoft.com",
    "jotform.com",
    "tidelift.com/security",
    "g.co/vulnz",
    "bughunters.google.com",
    "typeform.com",
];

/// Analyse a prose policy (Markdown, plain text, reStructuredText, AsciiDoc).
pub fn analyse_prose(text: &str) -> Analysis {
    let emails = emails(text);
    let urls = urls(text);
    let norm = normalise(text);
    let mut channels = BTreeSet::new();
    if !emails.is_empty() {
        channels.insert(EMAIL);
    }
    if mentions_private_advisory(&norm) || urls.iter().any(|u| is_advisory_url(u)) {
        channels.insert(PRIVATE_ADVISORY);
    }
    let words = words(&norm);
    if words
        .iter()
        .any(|w| matches!(*w, "pgp" | "gpg" | "openpgp"))
    {
        channels.insert(ENCRYPTION_KEY);
    }
    if urls.iter().any(|u| is_form_url(u)) || mentions_form(&words) {
        channels.insert(WEB_FORM);
    }
    if mentions_bounty(&words) {
        channels.insert(BUG_BOUNTY);
    }
    Analysis {
        emails,
        urls,
        channels: channels.into_iter().map(str::to_string).collect(),
        discourages_public_reports: discourages_public_reports(text),
        states_response_time: states_response_time(text),
        lists_supported_versions: lists_supported_versions(text),
    }
}

/// Analyse an RFC 9116 `security.txt`: contacts and keys come from its fields only (comments
/// and the signature are ignored); the statements are looked for in the whole text.
pub fn analyse_security_txt(text: &str) -> Analysis {
    let mut emails = BTreeSet::new();
    let mut urls = BTreeSet::new();
    let mut channels = BTreeSet::new();
    let mut comments = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN PGP SIGNATURE") {
            break;
        }
        if let Some(comment) = line.strip_prefix('#') {
            comments.push_str(comment);
            comments.push('\n');
            continue;
        }
        let Some((field, value)) = line.split_once(':') else {
            continue;
        };
        let field = field.trim().to_ascii_lowercase();
        let value = value.trim();
        let lower = value.to_ascii_lowercase();
        let is_web = lower.starts_with("https://") || lower.starts_with("http://");
        match field.as_str() {
            "contact" => {
                if lower.starts_with("mailto:")
                    || (!lower.contains("://") && !lower.starts_with("tel:"))
                {
                    emails.extend(self::emails(value));
                } else if is_web {
                    urls.insert(value.to_string());
                    channels.insert(if is_advisory_url(value) {
                        PRIVATE_ADVISORY
                    } else {
                        WEB_FORM
                    });
                }
            }
            "encryption" => {
                channels.insert(ENCRYPTION_KEY);
                if is_web {
                    urls.insert(value.to_string());
                }
            }
            "policy" | "acknowledgments" | "acknowledgements" | "hiring" | "canonical"
                if is_web =>
            {
                urls.insert(value.to_string());
            }
            _ => {}
        }
    }
    if !emails.is_empty() {
        channels.insert(EMAIL);
    }
    if mentions_bounty(&words(&normalise(&comments))) {
        channels.insert(BUG_BOUNTY);
    }
    Analysis {
        emails: emails.into_iter().collect(),
        urls: urls.into_iter().collect(),
        channels: channels.into_iter().map(str::to_string).collect(),
        discourages_public_reports: discourages_public_reports(&comments),
        states_response_time: states_response_time(&comments),
        lists_supported_versions: false,
    }
}

/// Whether a text has the shape of an RFC 9116 file (a `Contact:` field at a line start).
pub fn looks_like_security_txt(text: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .split_once(':')
            .is_some_and(|(f, _)| f.trim().eq_ignore_ascii_case("contact"))
    })
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses and URLs.

fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// E-mail addresses (`local@domain.tld`) in a text, domain lower-cased, sorted, deduplicated.
pub fn emails(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices('@') {
        let mut start = at;
        while start > 0 && is_local_char(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_domain_char(bytes[end]) {
            end += 1;
        }
        // `git@github.com:org/repo` is an SSH remote, not an address.
        if bytes.get(end) == Some(&b':')
            && bytes.get(end + 1).is_some_and(|b| !b.is_ascii_whitespace())
        {
            continue;
        }
        let local = text[start..at].trim_start_matches('.');
        let domain = text[at + 1..end].trim_end_matches(['.', '-']);
        if local.is_empty() || local.ends_with('.') || local.contains("..") {
            continue;
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let valid_domain = labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty() && !l.starts_with('-'))
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        if valid_domain {
            out.insert(format!("{local}@{}", domain.to_ascii_lowercase()));
        }
    }
    out.into_iter().collect()
}

/// `http(s)://` URLs in a text, without trailing punctuation or unbalanced brackets, sorted.
pub fn urls(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = BTreeSet::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find("http").map(|p| p + from) {
        from = pos + 4;
        let rest = &lower[pos..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            continue;
        };
        // Not the tail of a longer word (`xhttp://`).
        if pos > 0 && lower.as_bytes()[pos - 1].is_ascii_alphanumeric() {
            continue;
        }
        let end = text[pos..]
            .find(|c: char| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '<' | '>' | '"' | '\'' | '`' | '[' | ']' | '{' | '}' | '|' | '\\' | '^'
                    )
            })
            .map_or(text.len(), |e| pos + e);
        let mut url = &text[pos..end];
        loop {
            let before = url.len();
            url = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_', '~']);
            if url.ends_with(')') && url.matches(')').count() > url.matches('(').count() {
                url = &url[..url.len() - 1];
            }
            if url.len() == before {
                break;
            }
        }
        let host = url[scheme..].split(['/', '?', '#']).next().unwrap_or("");
        if host.contains('.') || host.starts_with("localhost") {
            out.insert(url.to_string());
        }
        from = end.max(from);
    }
    out.into_iter().collect()
}

/// GitHub private vulnerability reporting: the new-advisory form, or a repository's advisories
/// page (which carries the "Report a vulnerability" button).
fn is_advisory_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.contains("/security/advisories/new")
        || (lower.contains("github.com/")
            && lower
                .trim_end_matches('/')
                .ends_with("/security/advisories"))
}

fn is_form_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    FORM_HOSTS.iter().any(|h| lower.contains(h))
}

// ---------------------------------------------------------------------------------------------
// Statements.

/// Lower-case, typographic quotes made plain, Markdown emphasis removed, whitespace collapsed.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '*' | '`' => continue,
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.extend(c.to_lowercase());
            space = false;
        }
    }
    out
}

/// Words of a normalised text (letters, digits, apostrophes and hyphens).
fn words(norm: &str) -> Vec<&str> {
    norm.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(['\'', '-']))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Clauses of a text: split at paragraph breaks and at `. ! ? ; , :` followed by a space.
fn clauses(text: &str, at_commas: bool) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let norm = normalise(para);
        let mut cur = String::new();
        let mut chars = norm.chars().peekable();
        while let Some(c) = chars.next() {
            let breaks =
                matches!(c, '.' | '!' | '?' | ';') || (at_commas && matches!(c, ',' | ':'));
            if breaks && chars.peek().is_none_or(|n| *n == ' ') {
                out.push(std::mem::take(&mut cur));
            } else {
                cur.push(c);
            }
        }
        out.push(cur);
    }
    out.retain(|c| !c.trim().is_empty());
    out
}

const NEGATIONS: &[&str] = &[
    "not", "don't", "dont", "never", "avoid", "instead", "rather", "without", "no", "refrain",
];

/// Whether the text asks reporters not to report or disclose publicly.
pub fn discourages_public_reports(text: &str) -> bool {
    clauses(text, true).iter().any(|clause| {
        let w = words(clause);
        if w.iter().any(|x| x.starts_with("hesitat")) {
            return false;
        }
        w.iter().enumerate().any(|(i, x)| {
            NEGATIONS.contains(x)
                && w[i + 1..].iter().take(8).enumerate().any(|(j, y)| {
                    let next = w.get(i + 2 + j).copied().unwrap_or("");
                    y.starts_with("public")
                        || (matches!(*y, "github" | "gitlab") && next.starts_with("issue"))
                        || (y.starts_with("issue") && next == "tracker")
                })
        })
    })
}

/// Numbers written as words, as policies state times ("within five working days").
pub(crate) const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fourteen",
    "fifteen",
    "twenty",
    "thirty",
    "forty-five",
    "sixty",
    "ninety",
];

const RESPONSE_WORDS: &[&str] = &[
    "respond",
    "response",
    "acknowledg",
    "reply",
    "replies",
    "fix",
    "patch",
    "triage",
    "resolv",
    "remediat",
    "disclos",
    "hear",
    "contact",
    "update",
    "confirm",
    "assess",
    "investigat",
];

fn is_number(w: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(w)
        || w.split_once('-')
            .is_some_and(|(a, b)| digits(a) && digits(b))
        || NUMBER_WORDS.contains(&w)
}

fn is_unit(w: &str, months: bool) -> bool {
    ["hour", "hr", "day", "week"]
        .iter()
        .any(|u| w.starts_with(u))
        || (months && w.starts_with("month"))
}

/// A single word such as `48h`, `72hrs`, `90-day` or `30days`.
fn is_fused_duration(w: &str) -> bool {
    let split = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
    let (n, unit) = w.split_at(split);
    let unit = unit.trim_start_matches('-');
    !n.is_empty() && (unit == "h" || is_unit(unit, false))
}

/// Whether the text states a response, acknowledgement or fix time ("within 48 hours",
/// "a 90-day disclosure deadline").
pub fn states_response_time(text: &str) -> bool {
    clauses(text, false).iter().any(|sentence| {
        let w = words(sentence);
        let about_response = w
            .iter()
            .any(|x| RESPONSE_WORDS.iter().any(|r| x.starts_with(r)));
        (0..w.len()).any(|i| {
            let within = w[i.saturating_sub(4)..i].contains(&"within");
            let n = w[i];
            let next = w.get(i + 1).copied().unwrap_or("");
            let after = w.get(i + 2).copied().unwrap_or("");
            let qualified =
                matches!(next, "business" | "working" | "calendar") && after.starts_with("day");
            let duration = is_fused_duration(n)
                || (is_number(n) && (is_unit(next, within) || qualified))
                || (within && n == "a" && is_unit(next, true));
            duration && (within || about_response)
        })
    })
}

/// Whether the text has a "Supported Versions" section or a table of supported versions.
pub fn lists_supported_versions(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines.iter().enumerate().any(|(i, line)| {
        let lower = line.to_lowercase();
        let underline = lines.get(i + 1).is_some_and(|n| {
            n.len() >= 3
                && n.chars()
                    .all(|c| matches!(c, '=' | '-' | '~' | '^' | '"' | '+' | '#' | '*'))
        });
        let heading =
            line.starts_with('#') || line.starts_with("==") || (underline && !line.is_empty());
        let about_support =
            lower.contains("support") && (lower.contains("version") || lower.contains("release"));
        (heading && about_support) || (line.starts_with('|') && lower.contains("supported"))
    })
}

fn mentions_private_advisory(norm: &str) -> bool {
    if [
        "private vulnerability report",
        "privately report a vulnerability",
        "private security advisor",
        "draft security advisor",
        "draft a security advisor",
        "confidential issue",
        "security/advisories/new",
    ]
    .iter()
    .any(|p| norm.contains(p))
    {
        return true;
    }
    // GitHub's "Report a vulnerability" button, quoted or named as a button.
    norm.match_indices("report a vulnerability").any(|(i, m)| {
        let before = norm[..i].chars().next_back();
        let after = &norm[i + m.len()..];
        matches!(before, Some('"' | '\'' | '[' | '_'))
            || after
                .chars()
                .take(20)
                .collect::<String>()
                .contains("button")
    })
}

fn mentions_form(words: &[&str]) -> bool {
    const BEFORE: &[&str] = &[
        "web",
        "online",
        "contact",
        "reporting",
        "report",
        "submission",
        "disclosure",
        "vulnerability",
        "security",
        "the",
        "this",
        "our",
    ];
    words.windows(2).enumerate().any(|(i, pair)| {
        let followed_by_of = words.get(i + 2) == Some(&"of");
        BEFORE.contains(&pair[0]) && pair[1] == "form" && !followed_by_of
    })
}

fn mentions_bounty(words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| w.contains("bounty") || w.contains("bounties"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_emails() {
        let text = "Mail <mailto:Security@Example.COM>, or sec.team+vuln@sub.example.org. \
                    Not git@github.com:org/repo.git, @scope/pkg, a@b, x@localhost, user@host.c0m.";
        assert_eq!(
            emails(text),
            ["Security@example.com", "sec.team+vuln@sub.example.org"]
        );
        assert!(emails("no addresses here @ all").is_empty());
        assert_eq!(emails("(security@acme.io)."), ["security@acme.io"]);
    }

    #[test]
    fn finds_urls() {
        let text = "See [the policy](https://acme.io/security). Or <https://hackerone.com/acme>, \
                    https://en.wikipedia.org/wiki/Foo_(bar), and (http://acme.io/a). xhttp://no.pe \
                    https://";
        assert_eq!(
            urls(text),
            [
                "http://acme.io/a",
                "https://acme.io/security",
                "https://en.wikipedia.org/wiki/Foo_(bar)",
                "https://hackerone.com/acme"
            ]
        );
    }

    #[test]
    fn discourages_public_reports_phrases() {
        for yes in [
            "Please do not report security vulnerabilities through public GitHub issues.",
            "**Do not open a public issue.**",
            "Please don\u{2019}t file a public\nissue for security problems.",
            "Report privately, not publicly.",
            "Instead of opening a public issue, email us.",
            "Security issues must never be discussed in public.",
            "Please do not use GitHub issues for vulnerabilities.",
        ] {
            assert!(discourages_public_reports(yes), "{yes}");
        }
        for no in [
            "We publish advisories publicly once a fix is out.",
            "If you don't hear back, you may disclose publicly after 90 days.",
            "For other bugs, don't hesitate to open a GitHub issue.",
            "Email security@acme.io.",
        ] {
            assert!(!discourages_public_reports(no), "{no}");
        }
    }

    #[test]
    fn states_response_time_phrases() {
        for yes in [
            "We will acknowledge your report within 48 hours.",
            "You will receive a response within two business days.",
            "We aim to fix issues within 3 months",
            "We follow a 90-day disclosure deadline.",
            "Expect a reply in 5 working days.",
            "We respond within a week.",
        ] {
            assert!(states_response_time(yes), "{yes}");
        }
        for no in [
            "Versions are supported for 12 months.",
            "Version 2 was released in 2021.",
            "We will respond as soon as possible.",
            "Each release gets 30 days of testing.",
        ] {
            assert!(!states_response_time(no), "{no}");
        }
    }

    #[test]
    fn supported_versions_sections() {
        assert!(lists_supported_versions(
            "# Policy\n\n## Supported Versions\n\nonly latest"
        ));
        assert!(lists_supported_versions(
            "Supported versions\n------------------\n"
        ));
        assert!(lists_supported_versions(
            "| Version | Supported |\n| --- | --- |\n| 1.x | yes |"
        ));
        assert!(!lists_supported_versions(
            "We support the latest version only."
        ));
    }

    #[test]
    fn channels_from_prose() {
        let a = analyse_prose(
            "Use the \"Report a vulnerability\" button, or email security@acme.io with our PGP key. \
             We run a bug bounty on https://hackerone.com/acme.",
        );
        assert_eq!(
            a.channels,
            [
                BUG_BOUNTY,
                EMAIL,
                ENCRYPTION_KEY,
                PRIVATE_ADVISORY,
                WEB_FORM
            ]
        );
        // Plain prose about reporting is not the GitHub button.
        let a = analyse_prose(
            "To report a vulnerability, write to us. The form of the report is free.",
        );
        assert!(a.channels.is_empty(), "{:?}", a.channels);
        assert!(
            analyse_prose("Open a confidential issue on GitLab.").channels == [PRIVATE_ADVISORY]
        );
        assert!(analyse_prose("Use our web form.").channels == [WEB_FORM]);
        let a = analyse_prose("Submit an advisory at https://github.com/o/r/security/advisories.");
        assert_eq!(a.channels, [PRIVATE_ADVISORY]);
        let a = analyse_prose(
            "Published advisories: https://github.com/o/r/security/advisories/GHSA-1",
        );
        assert!(a.channels.is_empty());
        assert_eq!(
            analyse_prose("Use https://tidelift.com/security.").channels,
            [WEB_FORM]
        );
    }

    #[test]
    fn security_txt_fields() {
        let text = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n\
                    # Our security address: ignored@example.org\n\
                    Contact: mailto:security@Acme.io\n\
                    contact: https://acme.io/report\n\
                    Contact: tel:+44-20-7946-0000\n\
                    Encryption: https://acme.io/pgp-key.txt\n\
                    Policy: https://acme.io/security-policy\n\
                    Expires: 2030-01-01T00:00:00.000Z\n\
                    -----BEGIN PGP SIGNATURE-----\nContact: mailto:sig@evil.example\n";
        assert!(looks_like_security_txt(text));
        let a = analyse_security_txt(text);
        assert_eq!(a.emails, ["security@acme.io"]);
        assert_eq!(
            a.urls,
            [
                "https://acme.io/pgp-key.txt",
                "https://acme.io/report",
                "https://acme.io/security-policy"
            ]
        );
        assert_eq!(a.channels, [EMAIL, ENCRYPTION_KEY, WEB_FORM]);
        assert!(!a.lists_supported_versions);
        assert!(!looks_like_security_txt("Please read SECURITY.md"));
    }
}
