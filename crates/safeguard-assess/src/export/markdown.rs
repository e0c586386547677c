//! The Markdown report: what a security lead hands to a customer.
//!
//! Free text that comes from evidence (summaries, file names, messages) is escaped so that a
//! hostile file name cannot open a table cell, a heading, a link or raw HTML. The output depends
//! only on the assessment: no clock is read.

use std::fmt::Write as _;

use safeguard_model::{Evidence, VendorRole};

use crate::assessment::{Assessment, ClaimResult, Counts, Status};

/// The report's title (Markdown and HTML).
pub const TITLE: &str = "Software Security Code of Practice — self-assessment";

/// `writeln!` into a `String`, which cannot fail.
macro_rules! w {
    ($dst:expr) => {{
        let _ = writeln!($dst);
    }};
    ($dst:expr, $($arg:tt)*) => {{
        let _ = writeln!($dst, $($arg)*);
    }};
}

/// The assessment as a Markdown report.
pub fn to_markdown(a: &Assessment) -> String {
    let mut out = String::new();
    header(&mut out, a);
    at_a_glance(&mut out, a);
    claims(&mut out, a);
    evidence(&mut out, a);
    failures(&mut out, a);
    ledger(&mut out, a);
    out
}

fn header(out: &mut String, a: &Assessment) {
    let s = &a.scope;
    w!(out, "# {TITLE}\n");
    w!(out, "- **Vendor:** {}", md_text(&s.vendor));
    w!(out, "- **Vendor role:** {}", role_words(s.vendor_role));
    match &s.sro {
        Some(sro) => {
            w!(
                out,
                "- **Senior responsible owner:** {}, {}",
                md_text(&sro.name),
                md_text(&sro.role)
            )
        }
        None => w!(out, "- **Senior responsible owner:** not named"),
    }
    if s.product_lines.is_empty() {
        w!(out, "- **Product lines:** none configured");
    } else {
        w!(out, "- **Product lines:**");
        for pl in &s.product_lines {
            let name = pl
                .name
                .as_deref()
                .map(|n| format!(" ({})", md_text(n)))
                .unwrap_or_default();
            let products = if pl.products.is_empty() {
                "no products listed".to_string()
            } else {
                pl.products
                    .iter()
                    .map(|p| md_text(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            w!(out, "  - {}{name}: {products}", md_code(&pl.id));
        }
    }
    w!(out, "- **Assessed folder:** {}", md_code(&s.root));
    if let Some(commit) = &s.commit {
        w!(out, "- **Commit:** {}", md_code(commit));
    }
    w!(
        out,
        "- **Assessment date:** {}",
        md_text(&a.assessment_date)
    );
    w!(
        out,
        "- **Tool:** {} {}",
        md_text(&a.tool.name),
        md_text(&a.tool.version)
    );
    w!(
        out,
        "- **Overall status:** **{}** ({})",
        a.summary.status.label(),
        counts_words(&a.summary.counts)
    );
    if !s.configured {
        w!(
            out,
            "\nNo `safeguard.toml` was found: the embedded defaults were used."
        );
    }
    w!(out);
}

fn at_a_glance(out: &mut String, a: &Assessment) {
    let cols: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
    let count_cells = |c: &Counts| {
        Status::ALL
            .iter()
            .map(|&s| c.get(s).to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let count_rule = vec!["--:"; Status::ALL.len()].join(" | ");

    w!(out, "## At a glance\n");
    w!(out, "### Themes\n");
    w!(out, "| Theme | Status | {} |", cols.join(" | "));
    w!(out, "| --- | --- | {count_rule} |");
    for t in &a.themes {
        w!(
            out,
            "| {}. {} | {} | {} |",
            t.id,
            md_text(&t.title),
            t.status.label(),
            count_cells(&t.counts)
        );
    }
    w!(out, "\n### Principles\n");
    w!(out, "| Principle | Title | Status | {} |", cols.join(" | "));
    w!(out, "| --- | --- | --- | {count_rule} |");
    for p in a.themes.iter().flat_map(|t| &t.principles) {
        w!(
            out,
            "| {} | {} | {} | {} |",
            p.id,
            md_text(&p.title),
            p.status.label(),
            count_cells(&p.counts)
        );
    }
    w!(out);
}

fn claims(out: &mut String, a: &Assessment) {
    w!(out, "## Claims\n");
    w!(
        out,
        "Each claim's status, the argument for it and the evidence it cites, grouped by theme and principle.\n"
    );
    for t in &a.themes {
        w!(
            out,
            "## Theme {}: {} — **{}**\n",
            t.id,
            md_text(&t.title),
            t.status.label()
        );
        if !t.applicable {
            w!(
                out,
                "This theme does not apply to a vendor whose role is {}.\n",
                role_words(a.scope.vendor_role)
            );
        }
        for p in &t.principles {
            w!(
                out,
                "### {} {} — **{}**\n",
                p.id,
                md_text(&p.title),
                p.status.label()
            );
            for c in p.claims.iter().filter_map(|&id| a.claim(id)) {
                claim(out, a, c);
            }
        }
    }
}

fn claim(out: &mut String, a: &Assessment, c: &ClaimResult) {
    w!(
        out,
        "#### {} {} — **{}**\n",
        c.id,
        md_text(&c.title),
        c.status.label()
    );
    if c.argument.trim().is_empty() {
        w!(out, "No argument recorded.\n");
    } else {
        w!(out, "{}\n", md_paragraph(&c.argument));
    }
    if c.evidence.is_empty() {
        w!(out, "Evidence: none cited.\n");
        return;
    }
    w!(out, "Evidence:\n");
    for id in &c.evidence {
        match a.evidence.get(id) {
            Some(ev) => w!(
                out,
                "- [{}](#{}) — {}",
                md_text(&short_id(id)),
                evidence_anchor(id),
                md_text(&ev.summary)
            ),
            None => w!(
                out,
                "- {} (record not included in this report)",
                md_code(id)
            ),
        }
    }
    w!(out);
}

fn evidence(out: &mut String, a: &Assessment) {
    w!(out, "## Evidence\n");
    if a.evidence.is_empty() {
        w!(out, "No evidence records.\n");
        return;
    }
    let n = a.evidence.len();
    w!(
        out,
        "{n} record{}, in order of id.\n",
        if n == 1 { "" } else { "s" }
    );
    for (id, ev) in &a.evidence {
        w!(
            out,
            "### <a id=\"{}\"></a>{}\n",
            evidence_anchor(id),
            md_code(id)
        );
        evidence_fields(out, ev);
        w!(out);
    }
}

fn evidence_fields(out: &mut String, ev: &Evidence) {
    let p = &ev.producer;
    w!(out, "- **Kind:** {}", ev.kind());
    w!(
        out,
        "- **Collector:** {} ({} {})",
        md_text(&p.collector),
        md_text(&p.tool),
        md_text(&p.version)
    );
    if let Some(run) = &p.ci_run {
        w!(out, "- **CI run:** {}", md_code(run));
    }
    w!(out, "- **Observed at:** {}", md_text(&ev.observed_at));
    let claims: Vec<String> = ev.claims.iter().map(|c| c.to_string()).collect();
    w!(
        out,
        "- **Claims:** {}",
        if claims.is_empty() {
            "none".into()
        } else {
            claims.join(", ")
        }
    );
    let s = &ev.subject;
    let subject: Vec<String> = [
        ("product", &s.product),
        ("version", &s.version),
        ("commit", &s.commit),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k} {}", md_code(v))))
    .collect();
    if !subject.is_empty() {
        w!(out, "- **Subject:** {}", subject.join(", "));
    }
    w!(out, "- **Summary:** {}", md_text(&ev.summary));
    if ev.artefacts.is_empty() {
        w!(out, "- **Artefacts:** none");
    } else {
        w!(out, "- **Artefacts:**");
        for art in &ev.artefacts {
            w!(
                out,
                "  - {} — sha256 {}",
                md_code(&art.path),
                md_code(&art.sha256)
            );
        }
    }
}

fn failures(out: &mut String, a: &Assessment) {
    if a.collector_failures.is_empty() {
        return;
    }
    w!(out, "## Collector failures\n");
    w!(
        out,
        "These collectors could not look; their claims were evaluated without their evidence.\n"
    );
    for f in &a.collector_failures {
        w!(
            out,
            "- **{}:** {}",
            md_text(&f.collector),
            md_text(&f.message)
        );
    }
    w!(out);
}

fn ledger(out: &mut String, a: &Assessment) {
    w!(out, "## Ledger\n");
    match &a.ledger {
        Some(l) => {
            w!(out, "- **Entries:** {}", l.entries);
            w!(out, "- **Head:** {}", md_code(&l.head));
            w!(
                out,
                "\nKeep the head hash: a later ledger whose history does not lead to it has been rewritten."
            );
        }
        None => w!(out, "No evidence ledger was used for this run."),
    }
    w!(out, "\nGenerated at {}.", md_text(&a.generated_at));
}

/// The role in words, with the themes that apply to it.
pub(crate) fn role_words(role: VendorRole) -> String {
    let name = match role {
        VendorRole::DeveloperAndDistributor => "developer and distributor",
        VendorRole::Reseller => "reseller",
        VendorRole::DeveloperOnly => "developer only",
    };
    let themes: Vec<String> = role.themes().iter().map(|t| t.to_string()).collect();
    format!("{name} (themes {} apply)", themes.join(", "))
}

/// Counts in words: `3 met, 1 partially met, 0 not met, …`, in [`Status::ALL`] order.
pub(crate) fn counts_words(c: &Counts) -> String {
    Status::ALL
        .iter()
        .map(|&s| format!("{} {}", c.get(s), s.label().to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The anchor of an evidence record: `ev-` and the first 12 characters of its digest. Only
/// `[0-9a-z]` follow the prefix, so the anchor is safe in URLs and attributes as it is.
pub(crate) fn evidence_anchor(id: &str) -> String {
    let digest = id.strip_prefix("sha256:").unwrap_or(id);
    let short: String = digest
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(12)
        .collect();
    format!("ev-{short}")
}

/// A short form of an evidence id for display: `sha256:` and 8 digest characters, then `…`.
/// Not escaped.
pub(crate) fn short_id(id: &str) -> String {
    match id.split_once(':') {
        Some((alg, digest)) if digest.chars().count() > 8 => {
            format!("{alg}:{}…", digest.chars().take(8).collect::<String>())
        }
        _ => id.to_string(),
    }
}

/// Free text made inert for Markdown, for use inside a line: line breaks and control characters
/// become spaces, leading spaces go, and the characters that open inline syntax (emphasis, code,
/// links, raw HTML, entities, table cells, headings) are backslash-escaped.
pub(crate) fn md_text(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim_start();
    let mut out = String::with_capacity(flat.len() + 8);
    for c in flat.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Free text that starts a paragraph: [`md_text`], and a block marker at its start (`-`, `+`,
/// `=`, or an ordered-list marker such as `1.`) escaped too.
pub(crate) fn md_paragraph(s: &str) -> String {
    let text = md_text(s);
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if text.starts_with(['-', '+', '=']) {
        format!("\\{text}")
    } else if digits > 0 && text[digits..].starts_with(['.', ')']) {
        format!("{}\\{}", &text[..digits], &text[digits..])
    } else {
        text
    }
}

/// A code span when `s` can be one safely (no backtick, no `|`, no control character, no
/// surrounding space); otherwise escaped text.
pub(crate) fn md_code(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.contains(['`', '|'])
        && !s.chars().any(char::is_control)
        && !s.starts_with(' ')
        && !s.ends_with(' ');
    if plain { format!("`{s}`") } else { md_text(s) }
}
