//! A light reading of shell scripts (`run:`, GitLab `script:`): the simple commands they run,
//! pipelines that execute downloaded code, and what well-known commands do (publish, sign,
//! attest, analyse, fuzz).

use std::sync::LazyLock;

use regex::Regex;

/// One simple command: its program and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd<'a> {
    /// The program's name without directories or `.exe` (after `sudo`, `env`, `npx`, `uvx`,
    /// `python -m` and similar wrappers).
    pub program: &'a str,
    /// The words after the program.
    pub args: Vec<&'a str>,
    /// Byte offset of the program word in the script.
    pub offset: usize,
    /// Index of the pipeline this command belongs to; commands joined by `|` share it.
    pub pipeline: usize,
    /// `VAR=value` assignments before the program.
    pub assigns: Vec<&'a str>,
}

/// Replace line continuations (`\` + newline) with spaces, keeping every byte offset.
fn join_continuations(text: &str) -> String {
    text.replace("\\\r\n", "   ").replace("\\\n", "  ")
}

/// The simple commands in `script`, in order. Comments are skipped; quotes only separate
/// words; `;`, `&`, `|`, `(`, `)`, `` ` ``, `$(` and newlines end a command, and all but `|`
/// end a pipeline.
pub fn commands(script: &str) -> Vec<Cmd<'_>> {
    let norm = join_continuations(script);
    let b = norm.as_bytes();
    let mut out = Vec::new();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut pipeline = 0usize;
    let mut word_start: Option<usize> = None;
    let mut i = 0;
    let flush_word = |words: &mut Vec<(usize, usize)>, start: &mut Option<usize>, end: usize| {
        if let Some(s) = start.take()
            && end > s
        {
            words.push((s, end));
        }
    };
    let mut flush_cmd = |words: &mut Vec<(usize, usize)>, pipeline: usize| {
        // `norm` has the same byte offsets as `script`.
        let mut taken: Vec<&str> = Vec::with_capacity(words.len());
        let mut offsets: Vec<usize> = Vec::with_capacity(words.len());
        for (s, e) in words.drain(..) {
            if let Some(w) = script.get(s..e) {
                taken.push(w.trim_matches(['"', '\'']));
                offsets.push(s);
            }
        }
        if let Some(cmd) = simple(&taken, &offsets, pipeline) {
            out.push(cmd);
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' if word_start.is_none() => {
                // A comment runs to the end of the line.
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b' ' | b'\t' | b'\r' | b'{' | b'}' => {
                flush_word(&mut words, &mut word_start, i);
            }
            b'"' | b'\'' => {
                // A quoted string is part of the word; separators inside it are text.
                if word_start.is_none() {
                    word_start = Some(i);
                }
                let mut j = i + 1;
                while j < b.len() && b[j] != c {
                    if c == b'"' && b[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                i = j.min(b.len());
            }
            b'|' => {
                flush_word(&mut words, &mut word_start, i);
                flush_cmd(&mut words, pipeline);
                if b.get(i + 1) == Some(&b'|') {
                    pipeline += 1;
                    i += 1;
                }
            }
            b'\n' | b';' | b'&' | b'(' | b')' | b'`' => {
                flush_word(&mut words, &mut word_start, i);
                flush_cmd(&mut words, pipeline);
                pipeline += 1;
                if c == b'&' && b.get(i + 1) == Some(&b'&') {
                    i += 1;
                }
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                flush_word(&mut words, &mut word_start, i);
                flush_cmd(&mut words, pipeline);
                pipeline += 1;
                i += 1;
            }
            _ => {
                if word_start.is_none() {
                    word_start = Some(i);
                }
            }
        }
        i += 1;
    }
    flush_word(&mut words, &mut word_start, b.len());
    flush_cmd(&mut words, pipeline);
    out
}

/// Strip wrappers and assignments; name the program.
fn simple<'a>(words: &[&'a str], offsets: &[usize], pipeline: usize) -> Option<Cmd<'a>> {
    let mut i = 0;
    let mut assigns = Vec::new();
    loop {
        let w = *words.get(i)?;
        let name = base(w);
        if w.contains('=') && !w.starts_with('-') {
            assigns.push(w);
            i += 1; // VAR=value
        } else if matches!(
            name,
            "sudo" | "doas" | "env" | "time" | "exec" | "nohup" | "command"
        ) {
            i += 1;
            while words
                .get(i)
                .is_some_and(|w| w.starts_with('-') || (name == "env" && w.contains('=')))
            {
                i += 1;
            }
        } else if matches!(name, "npx" | "bunx" | "pnpx" | "uvx") {
            i += 1;
            while words.get(i).is_some_and(|w| w.starts_with('-')) {
                i += 1;
            }
        } else if (matches!(name, "pipx" | "poetry" | "uv" | "pdm" | "hatch")
            && words.get(i + 1) == Some(&"run"))
            || (name.starts_with("python") && words.get(i + 1) == Some(&"-m"))
        {
            // `pipx run X`, `python -m X`: X is the program.
            i += 2;
        } else {
            break;
        }
    }
    let program = base(words.get(i)?);
    let offset = *offsets.get(i)?;
    let args = words.get(i + 1..).unwrap_or_default().to_vec();
    Some(Cmd {
        program,
        args,
        offset,
        pipeline,
        assigns,
    })
}

/// The last path segment, without `.exe`, `.cmd` or `.bat`.
fn base(word: &str) -> &str {
    let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
    for ext in [".exe", ".cmd", ".bat"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem;
        }
    }
    name
}

impl Cmd<'_> {
    /// The first argument that is not an option (and, for `cargo`, not a `+toolchain`).
    fn sub(&self) -> Option<&str> {
        self.args
            .iter()
            .copied()
            .find(|a| !a.starts_with('-') && !a.starts_with('+'))
    }

    fn has(&self, arg: &str) -> bool {
        self.args.contains(&arg)
    }

    fn sub_is(&self, names: &[&str]) -> bool {
        self.sub().is_some_and(|s| names.contains(&s))
    }
}

/// What a well-known command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Practice {
    /// Uploads a release or package.
    Publish,
    /// Signs an artifact.
    Sign,
    /// Produces a provenance or other attestation.
    Attest,
    /// Static analysis for security (SAST).
    Sast,
    /// Fuzzing.
    Fuzz,
    /// Running tests (recognised by [`crate::test_commands`]).
    Test,
}

/// What `cmd` does, with a short name for it.
pub fn practice(cmd: &Cmd<'_>) -> Option<(Practice, &'static str)> {
    use Practice::*;
    let dry = cmd.has("--dry-run") || cmd.has("--snapshot");
    let p = cmd.program;
    let found = match p {
        "cargo" if cmd.sub_is(&["publish"]) => (Publish, "cargo publish"),
        "cargo" if cmd.sub_is(&["fuzz"]) => (Fuzz, "cargo fuzz"),
        "npm" if cmd.sub_is(&["publish"]) => {
            if cmd.has("--provenance") {
                (Attest, "npm publish --provenance")
            } else {
                (Publish, "npm publish")
            }
        }
        "yarn" | "pnpm" if cmd.sub_is(&["publish"]) => (Publish, "package publish"),
        "yarn" if cmd.sub_is(&["npm"]) && cmd.has("publish") => (Publish, "yarn npm publish"),
        "twine" if cmd.sub_is(&["upload"]) => (Publish, "twine upload"),
        "poetry" | "uv" | "flit" | "hatch" | "pdm" if cmd.sub_is(&["publish"]) => {
            (Publish, "Python package publish")
        }
        "gem" if cmd.sub_is(&["push"]) => (Publish, "gem push"),
        "docker" | "podman" if cmd.sub_is(&["push"]) => (Publish, "image push"),
        "docker" if cmd.sub_is(&["buildx", "build"]) && cmd.has("--push") => {
            (Publish, "docker build --push")
        }
        "mvn" | "mvnw"
            if cmd
                .args
                .iter()
                .any(|a| *a == "deploy" || a.ends_with(":deploy")) =>
        {
            (Publish, "mvn deploy")
        }
        "gradle" | "gradlew"
            if cmd
                .args
                .iter()
                .any(|a| a.starts_with("publish") && !a.contains("Local")) =>
        {
            (Publish, "gradle publish")
        }
        "dotnet" if cmd.sub_is(&["nuget"]) && cmd.has("push") => (Publish, "dotnet nuget push"),
        "nuget" if cmd.sub_is(&["push"]) => (Publish, "nuget push"),
        "gh" if cmd.sub_is(&["release"]) && (cmd.has("create") || cmd.has("upload")) => {
            (Publish, "gh release")
        }
        "glab" if cmd.sub_is(&["release"]) && cmd.has("create") => (Publish, "glab release"),
        "release-cli" if cmd.has("create") => (Publish, "release-cli create"),
        "goreleaser" if cmd.sub().is_none() || cmd.sub_is(&["release"]) => {
            (Publish, "goreleaser release")
        }
        "helm" if cmd.sub_is(&["push"]) => (Publish, "helm push"),
        "vsce" | "ovsx" if cmd.sub_is(&["publish"]) => (Publish, "extension publish"),
        "dart" | "flutter" if cmd.sub_is(&["pub"]) && cmd.has("publish") => {
            (Publish, "pub publish")
        }
        "mix" if cmd.sub_is(&["hex.publish"]) => (Publish, "mix hex.publish"),
        "cosign" if cmd.sub_is(&["sign", "sign-blob"]) => (Sign, "cosign"),
        "cosign" if cmd.sub_is(&["attest", "attest-blob"]) => (Attest, "cosign attest"),
        "gpg" | "gpg2" if is_gpg_sign(cmd) => (Sign, "gpg"),
        "minisign" | "signify" if cmd.has("-S") => (Sign, "minisign/signify"),
        "sigstore" if cmd.sub_is(&["sign"]) => (Sign, "sigstore"),
        "safeguard" if cmd.sub_is(&["sign"]) => (Sign, "safeguard sign"),
        "safeguard" if cmd.sub_is(&["attest"]) => (Attest, "safeguard attest"),
        "notation" if cmd.sub_is(&["sign"]) => (Sign, "notation"),
        "signtool" if cmd.sub_is(&["sign"]) => (Sign, "signtool"),
        "codesign" if cmd.has("-s") || cmd.has("--sign") => (Sign, "codesign"),
        "jarsigner" => (Sign, "jarsigner"),
        "rpmsign" | "debsign" => (Sign, "package signing"),
        "semgrep" if cmd.sub_is(&["scan", "ci"]) || cmd.has("--config") => (Sast, "Semgrep"),
        "codeql" if cmd.sub_is(&["database"]) && cmd.has("analyze") => (Sast, "CodeQL CLI"),
        "gosec" => (Sast, "gosec"),
        "bandit" => (Sast, "bandit"),
        "brakeman" => (Sast, "Brakeman"),
        "zizmor" => (Sast, "zizmor"),
        "flawfinder" => (Sast, "flawfinder"),
        "njsscan" => (Sast, "njsscan"),
        "sonar-scanner" => (Sast, "SonarQube scanner"),
        "go" if cmd.sub_is(&["test"]) && cmd.args.iter().any(|a| a.starts_with("-fuzz")) => {
            (Fuzz, "go test -fuzz")
        }
        "gitlab-cov-fuzz" => (Fuzz, "GitLab coverage fuzzing"),
        _ => return None,
    };
    if dry && found.0 == Publish {
        return None;
    }
    Some(found)
}

/// Whether a dependency install enforces the hashes its lockfile records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstallCheck {
    /// The command refuses anything whose hash differs from the lockfile (`npm ci`,
    /// `pip install --require-hashes`, `cargo build --locked`, …).
    Verified,
    /// The command may resolve and install versions the lockfile does not pin, or does not
    /// check hashes (`npm install`, `pip install name`).
    Unverified,
    /// `pip install -r FILE…`: pip checks hashes when any of these requirement files pins one
    /// with `--hash=` (hash-checking mode), which only the files can tell.
    HashesIn(Vec<String>),
}

/// A dependency install command, named (`npm ci`, `cargo test --locked`), and whether it
/// enforces the lockfile's hashes.
pub fn install(cmd: &Cmd<'_>) -> Option<(String, InstallCheck)> {
    use InstallCheck::*;
    let sub = cmd.sub();
    let has_any = |flags: &[&str]| cmd.args.iter().any(|a| flags.contains(a));
    let found = match cmd.program {
        "npm" => match sub? {
            "ci" | "clean-install" | "install-clean" | "cit" | "install-ci-test" => {
                ("npm ci".to_string(), Verified)
            }
            "install" | "i" | "add" | "isntall" | "in" => ("npm install".to_string(), Unverified),
            _ => return None,
        },
        "yarn" => match sub {
            None | Some("install") => {
                if has_any(&["--frozen-lockfile", "--immutable"]) {
                    ("yarn install --frozen-lockfile".to_string(), Verified)
                } else {
                    ("yarn install".to_string(), Unverified)
                }
            }
            Some("add") => ("yarn add".to_string(), Unverified),
            _ => return None,
        },
        "pnpm" => match sub? {
            // pnpm defaults to --frozen-lockfile on CI.
            "install" | "i" if !cmd.has("--no-frozen-lockfile") => {
                ("pnpm install --frozen-lockfile".to_string(), Verified)
            }
            "install" | "i" => ("pnpm install --no-frozen-lockfile".to_string(), Unverified),
            "add" => ("pnpm add".to_string(), Unverified),
            _ => return None,
        },
        "pip" | "pip3" => pip_install(cmd, "pip")?,
        "uv" => match sub? {
            "sync" if has_any(&["--locked", "--frozen"]) => {
                ("uv sync --locked".to_string(), Verified)
            }
            "sync" => ("uv sync".to_string(), Unverified),
            "pip" if cmd.args.iter().any(|a| *a == "install" || *a == "sync") => {
                pip_install(cmd, "uv pip")?
            }
            _ => return None,
        },
        "poetry" if sub == Some("install") => ("poetry install".to_string(), Verified),
        "poetry" if sub == Some("add") => ("poetry add".to_string(), Unverified),
        "cargo" => {
            let s = sub?;
            if !matches!(
                s,
                "build"
                    | "b"
                    | "test"
                    | "t"
                    | "check"
                    | "c"
                    | "run"
                    | "r"
                    | "install"
                    | "fetch"
                    | "clippy"
                    | "doc"
                    | "bench"
                    | "nextest"
            ) {
                return None;
            }
            let locked = has_any(&["--locked", "--frozen"]);
            let verdict = if locked { Verified } else { Unverified };
            let s = match s {
                "b" => "build",
                "t" => "test",
                "c" => "check",
                "r" => "run",
                other => other,
            };
            (
                format!("cargo {s}{}", if locked { " --locked" } else { "" }),
                verdict,
            )
        }
        "go" if sub == Some("mod") && cmd.has("verify") => ("go mod verify".to_string(), Verified),
        "bundle" if sub.is_none() || sub == Some("install") => {
            let frozen = has_any(&["--frozen", "--deployment"])
                || cmd.assigns.iter().any(|a| {
                    matches!(
                        a.to_ascii_lowercase().as_str(),
                        "bundle_frozen=true" | "bundle_frozen=1" | "bundle_deployment=true"
                    )
                });
            if frozen {
                ("bundle install --frozen".to_string(), Verified)
            } else {
                ("bundle install".to_string(), Unverified)
            }
        }
        "composer" if sub == Some("install") => ("composer install".to_string(), Verified),
        "composer" if matches!(sub, Some("update" | "require")) => {
            (format!("composer {}", sub.unwrap_or_default()), Unverified)
        }
        _ => return None,
    };
    Some(found)
}

/// `pip install …` (and `uv pip install/sync …`).
fn pip_install(cmd: &Cmd<'_>, name: &str) -> Option<(String, InstallCheck)> {
    let at = cmd
        .args
        .iter()
        .position(|a| *a == "install" || (name == "uv pip" && *a == "sync"))?;
    let args = cmd.args.get(at + 1..).unwrap_or_default();
    if args.contains(&"--require-hashes") {
        return Some((
            format!("{name} install --require-hashes"),
            InstallCheck::Verified,
        ));
    }
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if *a == "-r" || *a == "--requirement" || (name == "uv pip" && *a == "sync") {
            if let Some(f) = it.next() {
                files.push((*f).to_string());
            }
        } else if let Some(f) = a
            .strip_prefix("--requirement=")
            .or_else(|| a.strip_prefix("-r").filter(|f| !f.is_empty()))
        {
            files.push(f.to_string());
        } else if name == "uv pip" && cmd.args.get(at) == Some(&"sync") && !a.starts_with('-') {
            files.push((*a).to_string());
        }
    }
    if files.is_empty() {
        return Some((format!("{name} install"), InstallCheck::Unverified));
    }
    Some((
        format!("{name} install -r {}", files.join(" -r ")),
        InstallCheck::HashesIn(files),
    ))
}

fn is_gpg_sign(cmd: &Cmd<'_>) -> bool {
    cmd.args.iter().any(|a| {
        matches!(
            *a,
            "--sign" | "--detach-sign" | "--detach-sig" | "--clearsign" | "--clear-sign"
        ) || (a.starts_with('-')
            && !a.starts_with("--")
            && a.len() > 1
            && a[1..].bytes().all(|c| c.is_ascii_alphabetic())
            && a[1..].bytes().any(|c| c == b's' || c == b'b'))
    })
}

/// Shells and interpreters that run a program read from standard input.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "python", "python2", "python3", "perl",
    "ruby", "node",
];

/// True when `cmd` (an interpreter) runs its standard input as a program, rather than a script
/// given inline (`-c`, `-e`) or in a file.
fn runs_stdin(cmd: &Cmd<'_>) -> bool {
    let inline: &[u8] = match cmd.program {
        "python" | "python2" | "python3" => b"cm",
        "perl" | "ruby" => b"eEnp",
        "node" => b"ep",
        _ => b"c",
    };
    for a in &cmd.args {
        if *a == "-" || *a == "--" {
            return true;
        }
        if let Some(flags) = a.strip_prefix("--") {
            if matches!(flags, "eval" | "print" | "command") {
                return false;
            }
            continue;
        }
        if let Some(flags) = a.strip_prefix('-') {
            if flags.bytes().any(|f| inline.contains(&f)) {
                return false;
            }
            if matches!(cmd.program, "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash")
                && flags.contains('s')
            {
                return true;
            }
            continue;
        }
        // A script file: standard input is only its data.
        return false;
    }
    true
}

fn is_interpreter(program: &str) -> bool {
    INTERPRETERS.contains(&program)
        || (program.starts_with("python3.") && program[8..].bytes().all(|c| c.is_ascii_digit()))
}

/// Places in `script` that run code fetched from the network without checking it: a download
/// (`curl`, `wget`) piped into a shell or interpreter, a shell reading a download through
/// process substitution or `$(…)`, and PowerShell's `iwr … | iex`. Returns (byte offset,
/// description).
pub fn remote_exec(script: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let cmds = commands(script);
    // Walk backwards, remembering the nearest later interpreter reading standard input in the
    // same pipeline (linear in the number of commands).
    let mut runner: Option<(usize, &str)> = None;
    for c in cmds.iter().rev() {
        if runner.is_some_and(|(p, _)| p != c.pipeline) {
            runner = None;
        }
        if matches!(c.program, "curl" | "wget")
            && let Some((_, r)) = runner
        {
            out.push((c.offset, format!("`{} … | {r}`", c.program)));
        }
        if is_interpreter(c.program) && runs_stdin(c) {
            runner = Some((c.pipeline, c.program));
        }
    }
    let norm = join_continuations(script);
    for (re, what) in PATTERNS.iter() {
        for m in re.find_iter(&norm).take(MAX_PER_SCRIPT) {
            if in_comment(&norm, m.start()) {
                continue;
            }
            let text = m.as_str();
            let what = what.unwrap_or(text);
            out.push((m.start(), format!("`{}`", what.trim())));
        }
    }
    out.sort();
    out.dedup_by_key(|(o, _)| *o);
    out.truncate(MAX_PER_SCRIPT);
    out
}

/// The most places one script reports (a hostile script cannot make reporting quadratic).
pub const MAX_PER_SCRIPT: usize = 32;

static PATTERNS: LazyLock<Vec<(Regex, Option<&'static str>)>> = LazyLock::new(|| {
    [
        (
            r"\b(?:bash|sh|zsh|ksh|dash|source)[ \t]+<\([ \t]*(?:curl|wget)\b",
            None,
        ),
        (r"(?:^|[ \t;&|])\.[ \t]+<\([ \t]*(?:curl|wget)\b", None),
        (
            r#"\b(?:bash|sh|zsh|ksh|dash)[ \t]+-c[ \t]+["']?\$\([ \t]*(?:curl|wget)\b"#,
            None,
        ),
        (r#"\beval[ \t]+["']?\$\([ \t]*(?:curl|wget)\b"#, None),
        (
            r"\b(?i-u:iwr|irm|invoke-webrequest|invoke-restmethod)\b[^\n|]*\|[ \t]*(?i-u:iex|invoke-expression)\b",
            Some("iwr … | iex"),
        ),
        (
            r"\b(?i-u:iex|invoke-expression)\b[ \t]*\(?[^\n]*\b(?i-u:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b",
            Some("iex (… DownloadString …)"),
        ),
    ]
    .into_iter()
    .filter_map(|(p, w)| Regex::new(p).ok().map(|r| (r, w)))
    .collect()
});

/// True when `offset` is on a line whose first non-blank character is `#`.
fn in_comment(text: &str, offset: usize) -> bool {
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map(|i| i + 1)
        .unwrap_or(0);
    text.get(start..offset)
        .is_some_and(|l| l.trim_start().starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progs(s: &str) -> Vec<(&str, usize)> {
        commands(s)
            .iter()
            .map(|c| (c.program, c.pipeline))
            .collect()
    }

    #[test]
    fn splits_commands() {
        assert_eq!(
            progs(
                "sudo -E env A=1 curl -fsSL x | bash -s -- -y && echo ok # cargo publish\nnpx -y semgrep ci"
            ),
            [("curl", 0), ("bash", 0), ("echo", 1), ("semgrep", 2)]
        );
        let s = "echo a \\\n  | sh";
        assert_eq!(progs(s), [("echo", 0), ("sh", 0)]);
        let c = &commands("  python3 -m twine upload dist/*")[0];
        assert_eq!(
            (c.program, c.offset, c.args.clone()),
            ("twine", 13, vec!["upload", "dist/*"])
        );
    }

    #[test]
    fn remote_exec_patterns() {
        let hits = |s: &str| {
            remote_exec(s)
                .into_iter()
                .map(|(o, _)| o)
                .collect::<Vec<_>>()
        };
        assert_eq!(hits("curl -fsSL https://x.sh | sh"), [0]);
        assert_eq!(
            hits("set -e\n  wget -qO- 'https://x?a=1&b=2' | sudo bash -"),
            [9]
        );
        assert_eq!(hits("echo \"curl x | sh\""), Vec::<usize>::new());
        assert_eq!(hits("curl -sSf https://sh.rustup.rs | sh -s -- -y"), [0]);
        assert_eq!(hits("bash <(curl -s https://codecov.io/bash)"), [0]);
        assert_eq!(hits("sh -c \"$(curl -fsSL https://x)\""), [0]);
        assert_eq!(PATTERNS.len(), 6, "every pattern compiles");
        assert_eq!(hits("iwr https://x.ps1 -useb | iex"), [0]);
        assert_eq!(
            hits(
                "Set-ExecutionPolicy Bypass; iex ((New-Object Net.WebClient).DownloadString('https://x'))"
            ),
            [28]
        );
        // Not executing the download.
        assert!(hits("curl -s https://api | python3 -c 'import json,sys'").is_empty());
        assert!(hits("curl -s https://x | tar xz").is_empty());
        assert!(hits("curl -s https://x | sha256sum -c sums").is_empty());
        assert!(hits("curl -fsSL https://x || bash fallback.sh").is_empty());
        assert!(hits("# curl https://x | sh").is_empty());
        assert!(hits("curl -o x.sh https://x; bash x.sh").is_empty());
        assert!(hits("curl -s https://x | jq .tag | bash script.sh").is_empty());
    }

    #[test]
    fn installs() {
        use InstallCheck::*;
        let i = |s: &str| commands(s).iter().filter_map(install).collect::<Vec<_>>();
        let one = |s: &str, what: &str, c: InstallCheck| {
            assert_eq!(i(s), [(what.to_string(), c)], "{s}");
        };
        one("npm ci", "npm ci", Verified);
        one("npm install", "npm install", Unverified);
        one("npm i -g typescript", "npm install", Unverified);
        one(
            "yarn install --frozen-lockfile",
            "yarn install --frozen-lockfile",
            Verified,
        );
        one(
            "yarn install --immutable",
            "yarn install --frozen-lockfile",
            Verified,
        );
        one("yarn", "yarn install", Unverified);
        one("pnpm install", "pnpm install --frozen-lockfile", Verified);
        one(
            "pnpm install --no-frozen-lockfile",
            "pnpm install --no-frozen-lockfile",
            Unverified,
        );
        one(
            "python -m pip install --require-hashes -r req.txt",
            "pip install --require-hashes",
            Verified,
        );
        one("pip install requests", "pip install", Unverified);
        one(
            "pip3 install -r requirements.txt",
            "pip install -r requirements.txt",
            HashesIn(vec!["requirements.txt".into()]),
        );
        one(
            "pip install --requirement=a.txt -rb.txt",
            "pip install -r a.txt -r b.txt",
            HashesIn(vec!["a.txt".into(), "b.txt".into()]),
        );
        one("uv sync --locked", "uv sync --locked", Verified);
        one(
            "uv sync --frozen --all-extras",
            "uv sync --locked",
            Verified,
        );
        one("uv sync", "uv sync", Unverified);
        one("poetry install --no-root", "poetry install", Verified);
        one(
            "cargo build --locked --release",
            "cargo build --locked",
            Verified,
        );
        one(
            "cargo +stable test --frozen",
            "cargo test --locked",
            Verified,
        );
        one("cargo t", "cargo test", Unverified);
        one("cargo install cargo-deny", "cargo install", Unverified);
        one("go mod verify", "go mod verify", Verified);
        one(
            "bundle install --frozen",
            "bundle install --frozen",
            Verified,
        );
        one(
            "BUNDLE_FROZEN=true bundle install",
            "bundle install --frozen",
            Verified,
        );
        one("bundle install", "bundle install", Unverified);
        one("composer install --no-dev", "composer install", Verified);
        one("composer update", "composer update", Unverified);
        assert!(i("npm run build && cargo fmt --check && go mod tidy").is_empty());
        assert!(i("echo npm install").is_empty());
    }

    #[test]
    fn practices() {
        let p = |s: &str| commands(s).iter().filter_map(practice).collect::<Vec<_>>();
        assert_eq!(
            p("cargo +nightly fuzz run parse"),
            [(Practice::Fuzz, "cargo fuzz")]
        );
        assert_eq!(p("cargo publish --dry-run"), []);
        assert_eq!(
            p("cargo publish -p x"),
            [(Practice::Publish, "cargo publish")]
        );
        assert_eq!(
            p("npm publish --provenance --access public"),
            [(Practice::Attest, "npm publish --provenance")]
        );
        assert_eq!(
            p("gpg --batch --armor --detach-sign f"),
            [(Practice::Sign, "gpg")]
        );
        assert_eq!(p("gpg --import key.asc"), []);
        assert_eq!(p("cosign sign-blob --yes f"), [(Practice::Sign, "cosign")]);
        assert_eq!(p("uvx semgrep scan --error"), [(Practice::Sast, "Semgrep")]);
        assert_eq!(
            p("go test -fuzz=FuzzX -fuzztime 30s ./..."),
            [(Practice::Fuzz, "go test -fuzz")]
        );
        assert_eq!(p("./gradlew publishToMavenLocal"), []);
        assert_eq!(
            p("gh release create v1 dist/*"),
            [(Practice::Publish, "gh release")]
        );
    }
}
