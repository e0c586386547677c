//! The HTML report: one self-contained page (inline CSS and SVG, no JavaScript, nothing
//! fetched), with the same content as the Markdown report and at-a-glance bars.
//!
//! Every interpolated string is HTML-escaped; a Content-Security-Policy forbids scripts and
//! external resources as a second line of defence. The output depends only on the assessment.

use std::fmt::Write as _;

use safeguard_model::Evidence;

use super::markdown::{TITLE, counts_words, evidence_anchor, role_words, short_id};
use crate::assessment::{Assessment, ClaimResult, Counts, Status};

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($dst:expr) => {{
        let _ = writeln!($dst);
    }};
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

const STYLE: &str = "\
:root{color-scheme:light}\
body{font:15px/1.5 system-ui,sans-serif;color:#1b1b1b;max-width:62rem;margin:2rem auto;padding:0 1rem}\
h1,h2,h3,h4,h5{line-height:1.25}h5{font-size:1rem;margin:.3rem 0}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}\
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:middle}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}\
.badge{display:inline-block;padding:0 .55em;border-radius:.8em;font-size:.85em;font-weight:600;white-space:nowrap}\
.met{background:#2e7d32;color:#fff}.partially_met{background:#f0a202;color:#1b1b1b}\
.not_met{background:#c62828;color:#fff}.needs_manual_evidence{background:#5b7a99;color:#fff}\
.not_applicable{background:#d6d6d6;color:#1b1b1b}\
svg.bar{display:block;width:12rem;height:1rem;border:1px solid #999}\
.legend span{margin-right:1rem;white-space:nowrap}\
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em;border:1px solid #999}\
code{font:.88em ui-monospace,monospace;word-break:break-all}\
.claim{border-left:4px solid #ddd;padding-left:1rem;margin:1rem 0}\
.ev{border-top:1px solid #ddd;padding-top:.5rem}\
@media print{body{max-width:none;margin:0;font-size:10pt}a{color:inherit;text-decoration:none}\
.claim,.ev,tr{break-inside:avoid}h2,h3{break-after:avoid}\
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/// Bar colours, by status.
fn colour(s: Status) -> &'static str {
    match s {
        Status::Met => "#2e7d32",
        Status::PartiallyMet => "#f0a202",
        Status::NotMet => "#c62828",
        Status::NeedsManualEvidence => "#5b7a99",
        Status::NotApplicable => "#d6d6d6",
    }
}

/// The assessment as a self-contained HTML5 page.
pub fn to_html(a: &Assessment) -> String {
    let mut out = String::with_capacity(32 * 1024);
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"safeguard {}\">\n\
         <title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(env!("CARGO_PKG_VERSION")),
        esc(TITLE),
        esc(&a.scope.vendor)
    );
    header(&mut out, a);
    at_a_glance(&mut out, a);
    claims(&mut out, a);
    evidence(&mut out, a);
    failures(&mut out, a);
    ledger(&mut out, a);
    w!(
        out,
        "<footer><p>Generated at {}.</p></footer>\n</body>\n</html>\n",
        esc(&a.generated_at)
    );
    out
}

fn header(out: &mut String, a: &Assessment) {
    let s = &a.scope;
    w!(
        out,
        "<header>\n<h1>{}</h1>\n<dl class=\"meta\">\n",
        esc(TITLE)
    );
    let mut row = |k: &str, v: String| {
        w!(out, "<dt>{}</dt><dd>{v}</dd>\n", esc(k));
    };
    row("Vendor", esc(&s.vendor));
    row("Vendor role", esc(&role_words(s.vendor_role)));
    row(
        "Senior responsible owner",
        match &s.sro {
            Some(sro) => format!("{}, {}", esc(&sro.name), esc(&sro.role)),
            None => "not named".into(),
        },
    );
    let lines = if s.product_lines.is_empty() {
        "none configured".to_string()
    } else {
        let mut l = String::from("<ul>");
        for pl in &s.product_lines {
            let name = pl
                .name
                .as_deref()
                .map(|n| format!(" ({})", esc(n)))
                .unwrap_or_default();
            let products = if pl.products.is_empty() {
                "no products listed".to_string()
            } else {
                pl.products
                    .iter()
                    .map(|p| esc(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            w!(l, "<li><code>{}</code>{name}: {products}</li>", esc(&pl.id));
        }
        l.push_str("</ul>");
        l
    };
    row("Product lines", lines);
    row("Assessed folder", format!("<code>{}</code>", esc(&s.root)));
    if let Some(commit) = &s.commit {
        row("Commit", format!("<code>{}</code>", esc(commit)));
    }
    row("Assessment date", esc(&a.assessment_date));
    row(
        "Tool",
        format!("{} {}", esc(&a.tool.name), esc(&a.tool.version)),
    );
    row(
        "Overall status",
        format!(
            "{} ({})",
            badge(a.summary.status),
            esc(&counts_words(&a.summary.counts))
        ),
    );
    w!(out, "</dl>\n");
    if !s.configured {
        w!(
            out,
            "<p>No <code>safeguard.toml</code> was found: the embedded defaults were used.</p>\n"
        );
    }
    w!(out, "</header>\n");
}

fn badge(s: Status) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        s.as_str(),
        esc(s.label())
    )
}

/// A horizontal stacked bar of the counts, with its counts in words for assistive technology.
fn bar(what: &str, c: &Counts) -> String {
    const WIDTH: u64 = 1000;
    let words = esc(&format!("{what}: {}", counts_words(c)));
    let mut svg = format!(
        "<svg class=\"bar\" role=\"img\" aria-label=\"{words}\" viewBox=\"0 0 {WIDTH} 10\" \
         preserveAspectRatio=\"none\"><title>{words}</title>"
    );
    let total = u64::from(c.total());
    // Integer edges from cumulative counts, so the segments always add up to the full width.
    // A segment is only drawn for a non-zero count, so `total` is not zero when dividing.
    let (mut cumulative, mut x) = (0u64, 0u64);
    for s in Status::ALL {
        let n = u64::from(c.get(s));
        if n == 0 {
            continue;
        }
        cumulative += n;
        let end = (cumulative * WIDTH + total / 2) / total;
        w!(
            svg,
            "<rect x=\"{x}\" y=\"0\" width=\"{}\" height=\"10\" fill=\"{}\"/>",
            end - x,
            colour(s)
        );
        x = end;
    }
    if total == 0 {
        w!(
            svg,
            "<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"10\" fill=\"#ffffff\"/>"
        );
    }
    svg.push_str("</svg>");
    svg
}

fn legend(out: &mut String) {
    w!(out, "<p class=\"legend\">");
    for s in Status::ALL {
        w!(
            out,
            "<span><span class=\"sw {}\"></span>{}</span>",
            s.as_str(),
            esc(s.label())
        );
    }
    w!(out, "</p>\n");
}

fn count_cells(out: &mut String, c: &Counts) {
    for s in Status::ALL {
        w!(out, "<td class=\"n\">{}</td>", c.get(s));
    }
}

fn count_headers(out: &mut String) {
    for s in Status::ALL {
        w!(out, "<th class=\"n\" scope=\"col\">{}</th>", esc(s.label()));
    }
}

fn at_a_glance(out: &mut String, a: &Assessment) {
    w!(out, "<section id=\"at-a-glance\">\n<h2>At a glance</h2>\n");
    legend(out);
    w!(
        out,
        "<h3>Themes</h3>\n<table>\n<thead><tr><th scope=\"col\">Theme</th><th scope=\"col\">Status</th><th scope=\"col\">Proportion of claims</th>"
    );
    count_headers(out);
    w!(out, "</tr></thead>\n<tbody>\n");
    for t in &a.themes {
        w!(
            out,
            "<tr><th scope=\"row\"><a href=\"#theme-{}\">{}. {}</a></th><td>{}</td><td>{}</td>",
            t.id,
            t.id,
            esc(&t.title),
            badge(t.status),
            bar(&format!("Theme {} {}", t.id, t.title), &t.counts)
        );
        count_cells(out, &t.counts);
        w!(out, "</tr>\n");
    }
    w!(out, "</tbody>\n</table>\n");
    w!(
        out,
        "<h3>Principles</h3>\n<table>\n<thead><tr><th scope=\"col\">Principle</th><th scope=\"col\">Status</th><th scope=\"col\">Proportion of claims</th>"
    );
    count_headers(out);
    w!(out, "</tr></thead>\n<tbody>\n");
    for p in a.themes.iter().flat_map(|t| &t.principles) {
        w!(
            out,
            "<tr><th scope=\"row\"><a href=\"#principle-{}\">{} {}</a></th><td>{}</td><td>{}</td>",
            p.id,
            p.id,
            esc(&p.title),
            badge(p.status),
            bar(&format!("Principle {} {}", p.id, p.title), &p.counts)
        );
        count_cells(out, &p.counts);
        w!(out, "</tr>\n");
    }
    w!(out, "</tbody>\n</table>\n</section>\n");
}

fn claims(out: &mut String, a: &Assessment) {
    w!(
        out,
        "<section id=\"claims\">\n<h2>Claims</h2>\n<p>Each claim's status, the argument for it and \
         the evidence it cites, grouped by theme and principle.</p>\n"
    );
    for t in &a.themes {
        w!(
            out,
            "<section id=\"theme-{}\">\n<h3>Theme {}: {} {}</h3>\n",
            t.id,
            t.id,
            esc(&t.title),
            badge(t.status)
        );
        if !t.applicable {
            w!(
                out,
                "<p>This theme does not apply to a vendor whose role is {}.</p>\n",
                esc(&role_words(a.scope.vendor_role))
            );
        }
        for p in &t.principles {
            w!(
                out,
                "<section id=\"principle-{}\">\n<h4>{} {} {}</h4>\n",
                p.id,
                p.id,
                esc(&p.title),
                badge(p.status)
            );
            for c in p.claims.iter().filter_map(|&id| a.claim(id)) {
                claim(out, a, c);
            }
            w!(out, "</section>\n");
        }
        w!(out, "</section>\n");
    }
    w!(out, "</section>\n");
}

fn claim(out: &mut String, a: &Assessment, c: &ClaimResult) {
    w!(
        out,
        "<article class=\"claim\" id=\"claim-{}\">\n<h5>{} {} {}</h5>\n",
        c.id,
        c.id,
        esc(&c.title),
        badge(c.status)
    );
    if c.argument.trim().is_empty() {
        w!(out, "<p>No argument recorded.</p>\n");
    } else {
        w!(out, "<p>{}</p>\n", esc(&c.argument));
    }
    if c.evidence.is_empty() {
        w!(out, "<p>Evidence: none cited.</p>\n");
    } else {
        w!(out, "<p>Evidence:</p>\n<ul>\n");
        for id in &c.evidence {
            match a.evidence.get(id) {
                Some(ev) => w!(
                    out,
                    "<li><a href=\"#{}\" title=\"{}\"><code>{}</code></a> — {}</li>\n",
                    evidence_anchor(id),
                    esc(id),
                    esc(&short_id(id)),
                    esc(&ev.summary)
                ),
                None => w!(
                    out,
                    "<li><code>{}</code> (record not included in this report)</li>\n",
                    esc(id)
                ),
            }
        }
        w!(out, "</ul>\n");
    }
    w!(out, "</article>\n");
}

fn evidence(out: &mut String, a: &Assessment) {
    w!(out, "<section id=\"evidence\">\n<h2>Evidence</h2>\n");
    if a.evidence.is_empty() {
        w!(out, "<p>No evidence records.</p>\n</section>\n");
        return;
    }
    let n = a.evidence.len();
    w!(
        out,
        "<p>{n} record{}, in order of id.</p>\n",
        if n == 1 { "" } else { "s" }
    );
    for (id, ev) in &a.evidence {
        w!(
            out,
            "<article class=\"ev\" id=\"{}\">\n<h3><code>{}</code></h3>\n<dl class=\"meta\">\n",
            evidence_anchor(id),
            esc(id)
        );
        evidence_fields(out, ev);
        w!(out, "</dl>\n</article>\n");
    }
    w!(out, "</section>\n");
}

fn evidence_fields(out: &mut String, ev: &Evidence) {
    let mut row = |k: &str, v: String| {
        w!(out, "<dt>{}</dt><dd>{v}</dd>\n", esc(k));
    };
    let p = &ev.producer;
    row("Kind", esc(ev.kind()));
    row(
        "Collector",
        format!(
            "{} ({} {})",
            esc(&p.collector),
            esc(&p.tool),
            esc(&p.version)
        ),
    );
    if let Some(run) = &p.ci_run {
        // Shown, never linked: the page fetches and links nothing outside itself.
        row("CI run", format!("<code>{}</code>", esc(run)));
    }
    row("Observed at", esc(&ev.observed_at));
    let claims: Vec<String> = ev.claims.iter().map(|c| c.to_string()).collect();
    row(
        "Claims",
        if claims.is_empty() {
            "none".into()
        } else {
            esc(&claims.join(", "))
        },
    );
    let s = &ev.subject;
    let subject: Vec<String> = [
        ("product", &s.product),
        ("version", &s.version),
        ("commit", &s.commit),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k} <code>{}</code>", esc(v))))
    .collect();
    if !subject.is_empty() {
        row("Subject", subject.join(", "));
    }
    row("Summary", esc(&ev.summary));
    if ev.artefacts.is_empty() {
        row("Artefacts", "none".into());
    } else {
        let mut l = String::from("<ul>");
        for art in &ev.artefacts {
            w!(
                l,
                "<li><code>{}</code> — sha256 <code>{}</code></li>",
                esc(&art.path),
                esc(&art.sha256)
            );
        }
        l.push_str("</ul>");
        row("Artefacts", l);
    }
}

fn failures(out: &mut String, a: &Assessment) {
    if a.collector_failures.is_empty() {
        return;
    }
    w!(
        out,
        "<section id=\"collector-failures\">\n<h2>Collector failures</h2>\n<p>These collectors could \
         not look; their claims were evaluated without their evidence.</p>\n<ul>\n"
    );
    for f in &a.collector_failures {
        w!(
            out,
            "<li><strong>{}:</strong> {}</li>\n",
            esc(&f.collector),
            esc(&f.message)
        );
    }
    w!(out, "</ul>\n</section>\n");
}

fn ledger(out: &mut String, a: &Assessment) {
    w!(out, "<section id=\"ledger\">\n<h2>Ledger</h2>\n");
    match &a.ledger {
        Some(l) => {
            w!(
                out,
                "<dl class=\"meta\">\n<dt>Entries</dt><dd>{}</dd>\n\
                 <dt>Head</dt><dd><code>{}</code></dd>\n</dl>\n<p>Keep the head hash: a later ledger \
                 whose history does not lead to it has been rewritten.</p>\n",
                l.entries,
                esc(&l.head)
            );
        }
        None => {
            w!(out, "<p>No evidence ledger was used for this run.</p>\n");
        }
    }
    w!(out, "</section>\n");
}

/// HTML-escapes text for element content and quoted attribute values: `& < > " '`. Other
/// control characters than tab, line feed and carriage return become U+FFFD.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
