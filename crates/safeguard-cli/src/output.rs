use std::io::IsTerminal;

/// Logs go to stderr; `SAFEGUARD_LOG` (e.g. `debug`, `safeguard_assess=trace`) overrides `-v`.
pub fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, _) => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAFEGUARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .try_init();
}

/// Progress lines on stderr, only when it is a terminal and not `--quiet`.
pub fn progress(quiet: bool) -> impl Fn(&str) {
    let show = !quiet && std::io::stderr().is_terminal();
    move |msg: &str| {
        if show {
            eprintln!("  collecting: {msg}");
        }
    }
}

/// A plain text table with left-aligned columns (widths from content, capped).
pub fn table(headers: &[&str], rows: &[Vec<String>], max_width: usize) -> String {
    let cols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, cell) in r.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(cell.chars().count().min(max_width));
        }
    }
    let fit = |s: &str, w: usize| {
        let n = s.chars().count();
        if n > w {
            let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
            t.push('…');
            t
        } else {
            format!("{s}{}", " ".repeat(w - n))
        }
    };
    let mut out = String::new();
    let line = |cells: Vec<String>| cells.join("  ").trim_end().to_string() + "\n";
    out.push_str(&line(
        headers
            .iter()
            .enumerate()
            .map(|(i, h)| fit(h, widths[i]))
            .collect(),
    ));
    for r in rows {
        out.push_str(&line(
            r.iter()
                .enumerate()
                .take(cols)
                .map(|(i, c)| fit(c, widths[i]))
                .collect(),
        ));
    }
    out
}
