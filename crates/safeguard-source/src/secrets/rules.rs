//! The secret-detection rules.
//!
//! Every rule is written from the provider's documented token format (prefix, length, alphabet,
//! checksum) or, where a provider issues unprefixed random strings, from the configuration name
//! that the provider's own documentation tells users to put them in (`TWILIO_AUTH_TOKEN`,
//! `DD_API_KEY`, …). Each rule names:
//!
//! - the keyword literals that must occur for the rule to be tried at all (the prefilter);
//! - how far before and after a keyword the secret may lie (the window the regex runs in);
//! - a regex whose capture group is the secret (the group named `secret` when there is one,
//!   otherwise the first group that took part in the match);
//! - optionally a validator (checksum, entropy, decoding) that rejects a candidate or sets the
//!   confidence;
//! - a generator of a fake but format-valid example, used by the recall tests.
//!
//! **Documented examples are not reported.** Values that providers publish in their
//! documentation as examples (AWS's `AKIAIOSFODNN7EXAMPLE` and its example secret key, the
//! Azurite development-storage account key, the `jwt.io` sample token, Stripe's documentation
//! key, …) are public by design, cannot grant access, and would only add noise; see
//! [`is_known_example`]. The same goes for values that are evidently stand-ins (`xxxx…`,
//! `${VAR}`, `<your-token>`, `changeme`).

use serde::Serialize;

use super::check;
use super::examples::{self, Rng};

/// The kind of service or credential a rule detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// Cloud and hosting providers.
    Cloud,
    /// Source forges (GitHub, GitLab, Bitbucket, …).
    Vcs,
    /// CI/CD and infrastructure tooling (CircleCI, Vault, Terraform Cloud, Doppler, …).
    Ci,
    /// Package registries.
    Registry,
    /// Payment providers.
    Payment,
    /// Messaging, chat and e-mail services and their webhooks.
    Chat,
    /// AI model providers.
    Ai,
    /// Other SaaS APIs (observability, productivity, identity).
    Saas,
    /// Private keys (PEM, OpenSSH, PGP, PuTTY, age).
    PrivateKey,
    /// JSON Web Tokens.
    Jwt,
    /// Connection strings and URLs with embedded passwords.
    ConnectionString,
    /// High-entropy values assigned to secret-looking names.
    Generic,
}

impl Family {
    /// Every family, in report order.
    pub const ALL: [Family; 12] = [
        Family::Cloud,
        Family::Vcs,
        Family::Ci,
        Family::Registry,
        Family::Payment,
        Family::Chat,
        Family::Ai,
        Family::Saas,
        Family::PrivateKey,
        Family::Jwt,
        Family::ConnectionString,
        Family::Generic,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Cloud => "cloud",
            Family::Vcs => "vcs",
            Family::Ci => "ci",
            Family::Registry => "registry",
            Family::Payment => "payment",
            Family::Chat => "chat",
            Family::Ai => "ai",
            Family::Saas => "saas",
            Family::PrivateKey => "private-key",
            Family::Jwt => "jwt",
            Family::ConnectionString => "connection-string",
            Family::Generic => "generic",
        }
    }
}

/// How much harm a leak of this kind of secret can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Limited scope: test-mode keys, publishable identifiers, short-lived tokens.
    Low,
    /// Scoped access or access that needs a second value.
    Medium,
    /// Account or organisation access.
    High,
    /// Broad control of infrastructure, money or code signing.
    Critical,
}

impl Severity {
    /// The lowercase name (`low`, `medium`, `high`, `critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl Confidence {
    /// The lowercase name (`low`, `medium`, `high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// How sure the engine is that a match is a real secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Format-shaped but failing a check that real secrets pass (e.g. a bad checksum), or a
    /// heuristic (generic) match.
    Low,
    /// The documented format matches.
    Medium,
    /// The format matches and an embedded checksum or structure verifies.
    High,
}

/// What a validator decides about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not a secret: drop it.
    Reject,
    /// Report it with this confidence.
    Accept(Confidence),
}

/// What a validator sees: the whole regex match and the secret inside it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The whole text the rule's regex matched (including context such as a variable name).
    pub matched: &'a [u8],
    /// The secret (the capture group).
    pub secret: &'a [u8],
}

/// A validator: decides whether a candidate is reported and how confidently.
pub type Validator = fn(&Candidate<'_>) -> Verdict;

/// How an example value is laid out, which decides the contexts the recall tests plant it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A single-line token: assignment, JSON, YAML, code string, URL query.
    Token,
    /// A URL or connection string: assignment, JSON, YAML, code string, prose.
    Url,
    /// A multi-line block (PEM …): raw file, JSON-escaped string, YAML block scalar, code.
    Block,
    /// A whole JSON document (a service-account key file).
    Document,
}

/// How a rule's example is generated.
#[derive(Debug, Clone, Copy)]
pub enum ExampleGen {
    /// A template (see the `examples` module): `{C:N}` random characters, `<<…>>` the secret.
    Template(&'static str),
    /// A function producing the value (with optional `<<…>>` markers).
    Custom(fn(&mut Rng) -> String),
}

/// A generated example: a value to plant under a variable name, and the secret the rule must
/// report for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// A realistic variable name to assign the value to.
    pub key: &'static str,
    /// The layout of the value.
    pub shape: Shape,
    /// The value to plant.
    pub value: String,
    /// The secret the rule reports (a substring of `value`).
    pub secret: String,
    /// Where `secret` starts in `value`.
    pub secret_offset: usize,
}

/// One detection rule. See the module documentation.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case identifier (`github-classic-pat`).
    pub id: &'static str,
    /// The family it belongs to.
    pub family: Family,
    /// One line describing what it finds.
    pub description: &'static str,
    /// How harmful a leak is.
    pub severity: Severity,
    /// Literals of which at least one must occur (the prefilter).
    pub keywords: &'static [&'static str],
    /// Whether the keywords match regardless of ASCII case.
    pub keywords_ignore_case: bool,
    /// The regex (byte-oriented, ASCII classes); its capture group is the secret.
    pub pattern: &'static str,
    /// How many bytes before a keyword the match may start.
    pub before: u32,
    /// How many bytes after a keyword the match may end.
    pub after: u32,
    /// Optional validator.
    pub validator: Option<Validator>,
    /// The confidence reported when there is no validator.
    pub confidence: Confidence,
    /// Overlap priority: when matches of two rules overlap, only the higher priority is kept
    /// (prefixed formats 2; configuration-name, structural and URL rules 1; generic
    /// assignments 0).
    pub priority: u8,
    /// The example generator.
    pub example_key: &'static str,
    /// The example's layout.
    pub example_shape: Shape,
    /// The example's generator.
    pub example_gen: ExampleGen,
}

impl Rule {
    const fn new(
        id: &'static str,
        family: Family,
        severity: Severity,
        description: &'static str,
        keywords: &'static [&'static str],
        pattern: &'static str,
    ) -> Rule {
        Rule {
            id,
            family,
            description,
            severity,
            keywords,
            keywords_ignore_case: false,
            pattern,
            before: 1,
            after: 256,
            validator: None,
            confidence: Confidence::Medium,
            priority: 2,
            example_key: "API_TOKEN",
            example_shape: Shape::Token,
            example_gen: ExampleGen::Template(""),
        }
    }

    /// Keywords match regardless of case.
    const fn ci(mut self) -> Rule {
        self.keywords_ignore_case = true;
        self
    }

    /// A rule keyed on a configuration name: case-insensitive keywords, a window reaching
    /// back over the rest of the name and forward over the value, and priority below the
    /// prefixed formats (a prefixed token under such a name is reported by its own rule).
    const fn ctx(mut self) -> Rule {
        self.keywords_ignore_case = true;
        self.priority = 1;
        self.before = 48;
        self.after = 200;
        self
    }

    const fn win(mut self, before: u32, after: u32) -> Rule {
        self.before = before;
        self.after = after;
        self
    }

    const fn check(mut self, f: Validator) -> Rule {
        self.validator = Some(f);
        self
    }

    const fn prio(mut self, p: u8) -> Rule {
        self.priority = p;
        self
    }

    const fn ex(mut self, key: &'static str, template: &'static str) -> Rule {
        self.example_key = key;
        self.example_gen = ExampleGen::Template(template);
        self
    }

    const fn ex_fn(mut self, key: &'static str, f: fn(&mut Rng) -> String) -> Rule {
        self.example_key = key;
        self.example_gen = ExampleGen::Custom(f);
        self
    }

    const fn shape(mut self, s: Shape) -> Rule {
        self.example_shape = s;
        self
    }

    /// Generate this rule's example from `seed` (deterministic).
    pub fn example(&self, seed: u64) -> Example {
        let mut rng = Rng::new(seed ^ fnv(self.id.as_bytes()));
        let raw = match self.example_gen {
            ExampleGen::Template(t) => examples::expand(t, &mut rng),
            ExampleGen::Custom(f) => f(&mut rng),
        };
        let (value, secret, secret_offset) = match (raw.find("<<"), raw.find(">>")) {
            (Some(a), Some(b)) if a < b => {
                let secret = raw[a + 2..b].to_string();
                let value = format!("{}{}{}", &raw[..a], secret, &raw[b + 2..]);
                (value, secret, a)
            }
            _ => (raw.clone(), raw, 0),
        };
        Example {
            key: self.example_key,
            shape: self.example_shape,
            value,
            secret,
            secret_offset,
        }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// All built-in rules.
pub fn rules() -> &'static [Rule] {
    RULES
}

/// Values published in providers' documentation as examples. Never reported.
const KNOWN_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "foobared",
    // RFC 7617's Basic example, "Aladdin:open sesame".
    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
];

/// Distinctive fragments of documented examples that are often edited slightly (AWS's
/// `AKIAIOSFODNN7EXAMPLE` turned into `…EXAMPLF`; jwt.io's sample payload re-signed).
const KNOWN_EXAMPLE_FRAGMENTS: &[&str] = &[
    "AKIAIOSFODNN7",
    "wJalrXUtnFEMI/K7MDENG",
    // {"sub":"1234567890","name":"John Doe", … (the jwt.io sample claims)
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lI",
];

/// True when `secret` is, or ends with, a value that a provider publishes as a documentation
/// example (or contains the word `EXAMPLE`, as AWS's examples do).
pub fn is_known_example(secret: &[u8]) -> bool {
    KNOWN_EXAMPLES
        .iter()
        .any(|k| secret.ends_with(k.as_bytes()) || secret == k.as_bytes())
        || memchr::memmem::find(secret, b"EXAMPLE").is_some()
        || KNOWN_EXAMPLE_FRAGMENTS
            .iter()
            .any(|k| memchr::memmem::find(secret, k.as_bytes()).is_some())
}

/// True when a value matched by a specific (prefixed) rule is evidently a stand-in: the words
/// `example`/`sample`, runs of `x`/`*`, template syntax, or a run of eight identical characters.
pub(crate) fn looks_fake(secret: &[u8]) -> bool {
    let lower: Vec<u8> = secret.iter().map(u8::to_ascii_lowercase).collect();
    let has = |n: &[u8]| memchr::memmem::find(&lower, n).is_some();
    if has(b"example")
        || has(b"xxxxx")
        || has(b"*****")
        || has(b"${")
        || has(b"{{")
        || has(b"<your")
        || has(b"0123456789")
        || has(b"abcdefghij")
    {
        return true;
    }
    if secret.contains(&b'\n') || secret.len() > 400 {
        return false;
    }
    let mut run = 1;
    for w in secret.windows(2) {
        if w[0] == w[1] {
            run += 1;
            if run >= 8 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Validators.

fn v_github(c: &Candidate<'_>) -> Verdict {
    if check::base62_crc_ok(c.secret, 4, 30) {
        Verdict::Accept(Confidence::High)
    } else {
        Verdict::Accept(Confidence::Low)
    }
}

/// A value found under a provider-specific configuration name: not a placeholder, and not a
/// low-entropy filler.
fn v_context(c: &Candidate<'_>) -> Verdict {
    if check::is_placeholder(c.secret) || check::entropy(c.secret) < 3.0 {
        Verdict::Reject
    } else {
        Verdict::Accept(Confidence::Medium)
    }
}

/// Fragments of a (normalised: lower-case, separators removed) variable name that show its
/// value is not a secret even though the name contains `token`, `secret`, `password`, ….
const NON_SECRET_NAME_PARTS: &[&str] = &[
    "tokeniz",
    "hash",
    "csrf",
    "xsrf",
    "public",
    "publishable",
    "cancellation",
    "continuation",
    "nextpage",
    "pagetoken",
    "synctoken",
    "forgot",
    "placeholder",
    "maxtoken",
    "mintoken",
    "tokenstream",
    "tokentree",
    "tokentype",
    "tokenkind",
    "secretname",
    "secretref",
    "passwordfield",
    "passwordinput",
    "passwordless",
    "passwordpolicy",
    "tokencount",
    "numtokens",
];

/// Endings of a normalised variable name that show its value is not a secret.
const NON_SECRET_NAME_SUFFIXES: &[&str] = &[
    "url",
    "uri",
    "endpoint",
    "file",
    "path",
    "dir",
    "name",
    "type",
    "kind",
    "len",
    "length",
    "size",
    "count",
    "prefix",
    "suffix",
    "field",
    "header",
    "param",
    "policy",
    "regex",
    "pattern",
    "format",
    "ttl",
    "label",
    "hint",
    "prompt",
    "mode",
    "version",
    "algorithm",
    "alg",
    "method",
    "provider",
    "store",
    "manager",
    "required",
    "enabled",
    "reset",
    "confirm",
    "strength",
    "min",
    "max",
    "limit",
    "timeout",
    "location",
    "env",
    "var",
    "index",
    "id",
    "ids",
    "salt",
    "expiry",
    "expires",
    "expiration",
    "rotation",
    "chars",
    "rules",
    "flag",
    "validator",
    "encoder",
    "decoder",
    "parser",
    "handler",
    "callback",
    "source",
];

/// The variable name at the start of a generic match: everything before the first `=`/`:`,
/// lower-cased, with `_`, `-`, `.`, quotes and spaces removed.
fn normalised_key(matched: &[u8]) -> Vec<u8> {
    let end = matched
        .iter()
        .position(|&b| b == b'=' || b == b':')
        .unwrap_or(matched.len());
    matched[..end]
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(u8::to_ascii_lowercase)
        .collect()
}

fn looks_like_code(v: &[u8]) -> bool {
    if v.starts_with(b"/") || v.starts_with(b"./") || v.starts_with(b"~") {
        return true;
    }
    let lower_start: Vec<u8> = v.iter().take(8).map(u8::to_ascii_lowercase).collect();
    if lower_start.starts_with(b"http") || lower_start.starts_with(b"file:") {
        return true;
    }
    if memchr::memmem::find(v, b"::").is_some() || memchr::memmem::find(v, b"->").is_some() {
        return true;
    }
    // An identifier chain: `self.password`, `config.db.secret`, `Foo.BAR`.
    if v.contains(&b'.')
        && v.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && v.split(|&b| b == b'.').all(|seg| {
            seg.first()
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        })
    {
        return true;
    }
    // A dotted version or date-like value: `1.2.3`, `2024-01-01`.
    if v.iter()
        .all(|&b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b':')
    {
        return true;
    }
    false
}

/// Base64 that decodes to ordinary text (letters and spaces) is an encoded message, not a key.
fn base64_of_text(v: &[u8]) -> bool {
    if v.len() < 12 {
        return false;
    }
    let Some(d) = check::base64_decode(v, 4096) else {
        return false;
    };
    if d.len() < 8 || !d.contains(&b' ') {
        return false;
    }
    let texty = d
        .iter()
        .filter(|b| b.is_ascii_alphabetic() || **b == b' ')
        .count();
    texty * 10 >= d.len() * 9
}

/// The share of `v` made of words (`camelCase`, `snake_case`, `SCREAMING_SNAKE` segments of three
/// or more letters). Identifiers and prose score high; random strings with digits spread
/// through them rarely reach 0.8.
fn word_share(v: &[u8]) -> f64 {
    let mut in_words = 0usize;
    let mut i = 0;
    while i < v.len() {
        let c = v[i];
        if c.is_ascii_uppercase() {
            // An all-caps run counts when it is a whole `_`/`-`/`.`-delimited segment.
            let mut j = i;
            while j < v.len() && v[j].is_ascii_uppercase() {
                j += 1;
            }
            let delimited_before = i == 0 || matches!(v[i - 1], b'_' | b'-' | b'.');
            let delimited_after =
                j == v.len() || matches!(v[j], b'_' | b'-' | b'.') || v[j].is_ascii_digit();
            if j - i >= 3 && delimited_before && delimited_after {
                in_words += j - i;
                i = j;
                continue;
            }
            // Otherwise the last capital may start a capitalised word.
            let start = j - 1;
            let mut k = j;
            while k < v.len() && v[k].is_ascii_lowercase() {
                k += 1;
            }
            if k - start >= 3 {
                in_words += k - start;
            }
            i = k.max(i + 1);
        } else if c.is_ascii_lowercase() {
            let mut j = i;
            while j < v.len() && v[j].is_ascii_lowercase() {
                j += 1;
            }
            if j - i >= 3 {
                in_words += j - i;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    if v.is_empty() {
        0.0
    } else {
        in_words as f64 / v.len() as f64
    }
}

/// True when `v` reads as a code identifier or a phrase: `_`/`-`/`.`-separated segments of
/// letters with digits only at their ends (`DOT11_DIALOG_TOKEN`, `KspGetTokenFn`,
/// `my_private_key`), mostly made of words. Random secrets almost always have a digit between
/// letters somewhere.
fn identifier_like(v: &[u8]) -> bool {
    if !v.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    // A constant name: `TLS13_CHACHA20_POLY1305_SHA256_INTERNAL`.
    if v.iter().filter(|&&b| b == b'_').count() >= 2
        && v.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
    {
        return true;
    }
    let segments_ok = v.split(|&b| matches!(b, b'_' | b'-' | b'.')).all(|seg| {
        let letters = seg.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        seg[letters..].iter().all(u8::is_ascii_digit)
    });
    let w = word_share(v);
    (segments_ok && w >= 0.6) || w >= 0.8
}

/// File extensions: a name such as `src/token.rs` in a checksum list is a path, not a setting.
const FILE_EXTENSIONS: &[&str] = &[
    "rs", "json", "py", "js", "ts", "go", "java", "c", "h", "cc", "cpp", "hpp", "md", "txt",
    "toml", "yaml", "yml", "html", "rb", "pem", "key", "crt", "der", "bin", "lock", "sh", "xml",
    "cfg", "ini", "conf", "php", "cs", "kt", "swift", "png", "svg", "gz", "zip", "tar", "orig",
];

fn key_is_file_name(matched: &[u8]) -> bool {
    let end = matched
        .iter()
        .position(|&b| b == b'=' || b == b':')
        .unwrap_or(matched.len());
    let key = matched[..end].trim_ascii();
    let quoted = key.ends_with(b"\"") || key.ends_with(b"'");
    let key = key
        .strip_suffix(b"\"")
        .or_else(|| key.strip_suffix(b"'"))
        .unwrap_or(key);
    if quoted && key.contains(&b'.') || key.contains(&b'/') {
        return true;
    }
    match memchr::memrchr(b'.', key) {
        Some(dot) => {
            let ext = key[dot + 1..].to_ascii_lowercase();
            FILE_EXTENSIONS
                .iter()
                .any(|e| e.as_bytes() == ext.as_slice())
        }
        None => false,
    }
}

/// Test data for URL parsers: two or more `%XX` escapes.
fn percent_encoded(v: &[u8]) -> bool {
    v.windows(3)
        .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count()
        >= 2
}

fn generic(c: &Candidate<'_>, min_len: usize, min_entropy: f64) -> Verdict {
    let v = c.secret;
    if v.len() < min_len
        || identifier_like(v)
        || percent_encoded(v)
        || key_is_file_name(c.matched)
        || check::is_placeholder(v)
        || check::char_classes(v) < 2
        || check::entropy(v) < min_entropy
        || looks_like_code(v)
        || base64_of_text(v)
    {
        return Verdict::Reject;
    }
    let key = normalised_key(c.matched);
    if NON_SECRET_NAME_PARTS
        .iter()
        .any(|p| memchr::memmem::find(&key, p.as_bytes()).is_some())
        || NON_SECRET_NAME_SUFFIXES
            .iter()
            .any(|s| key.ends_with(s.as_bytes()))
    {
        return Verdict::Reject;
    }
    let lower: Vec<u8> = v.iter().map(u8::to_ascii_lowercase).collect();
    if lower == key {
        return Verdict::Reject;
    }
    Verdict::Accept(Confidence::Low)
}

fn v_generic_password(c: &Candidate<'_>) -> Verdict {
    generic(c, 8, 2.8)
}

fn v_generic_key(c: &Candidate<'_>) -> Verdict {
    generic(c, 12, 3.3)
}

fn v_bearer(c: &Candidate<'_>) -> Verdict {
    match generic(c, 20, 3.5) {
        Verdict::Reject => Verdict::Reject,
        Verdict::Accept(_) => Verdict::Accept(Confidence::Medium),
    }
}

fn v_basic_header(c: &Candidate<'_>) -> Verdict {
    let Some(d) = check::base64_decode(c.secret, 1024) else {
        return Verdict::Reject;
    };
    let Some(colon) = d.iter().position(|&b| b == b':') else {
        return Verdict::Reject;
    };
    let (user, pass) = (&d[..colon], &d[colon + 1..]);
    if user.is_empty()
        || pass.len() < 3
        || !d.iter().all(|b| (0x20..0x7f).contains(b))
        || conn_placeholder(pass)
    {
        return Verdict::Reject;
    }
    Verdict::Accept(Confidence::Medium)
}

/// Passwords in connection strings that are documentation defaults or stand-ins.
fn conn_placeholder(pw: &[u8]) -> bool {
    const WORDS: &[&str] = &[
        "password",
        "pass",
        "passwd",
        "pwd",
        "pw",
        "secret",
        "changeme",
        "root",
        "admin",
        "user",
        "username",
        "test",
        "guest",
        "postgres",
        "mysql",
        "redis",
        "rabbitmq",
        "mongo",
        "sa",
        "foobared",
        "example",
        "default",
        "demo",
        "dev",
        "local",
        "none",
        "null",
        "token",
        "mypassword",
        "opensesame",
        "foo",
        "bar",
        "baz",
        "yourpassword",
        "p4ssw0rd",
        "passw0rd",
        "letmein",
        "hunter2",
    ];
    let lower: Vec<u8> = pw.iter().map(u8::to_ascii_lowercase).collect();
    pw.len() < 5
        || memchr::memmem::find(&lower, b"pass").is_some()
        || memchr::memmem::find(&lower, b"%20").is_some()
        || WORDS.iter().any(|w| lower == w.as_bytes())
        || check::is_placeholder(pw) && !(pw.len() >= 16 && check::entropy(pw) > 3.5)
        || pw.starts_with(b"$")
        || pw.starts_with(b"%")
        || pw.iter().all(|&b| b == b'*' || b == b'x' || b == b'X')
}

/// A password in a URL or connection string: not a stand-in, not the user name repeated, and
/// not aimed at a documentation domain (RFC 2606: `example.com`, `.example`, `.invalid`).
fn v_conn(c: &Candidate<'_>) -> Verdict {
    if conn_placeholder(c.secret) {
        return Verdict::Reject;
    }
    let m = c.matched;
    if let Some(scheme_end) = memchr::memmem::find(m, b"://") {
        let rest = &m[scheme_end + 3..];
        if let Some(colon) = rest.iter().position(|&b| b == b':') {
            let user = &rest[..colon];
            if user.eq_ignore_ascii_case(c.secret) {
                return Verdict::Reject;
            }
        }
    }
    if let Some(at) = memchr::memrchr(b'@', m) {
        let host: Vec<u8> = m[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'.' || **b == b'-')
            .map(u8::to_ascii_lowercase)
            .collect();
        for doc in [
            &b"example.com"[..],
            b"example.org",
            b"example.net",
            b".example",
            b".invalid",
        ] {
            if host.ends_with(doc) {
                return Verdict::Reject;
            }
        }
        if host == b"example" || host == b"host" || host == b"hostname" {
            return Verdict::Reject;
        }
    }
    Verdict::Accept(Confidence::Medium)
}

fn v_jwt(c: &Candidate<'_>) -> Verdict {
    let header = c.secret.split(|&b| b == b'.').next().unwrap_or_default();
    let Some(h) = check::base64_decode(header, 1024) else {
        return Verdict::Reject;
    };
    let trimmed = h.trim_ascii();
    if trimmed.first() != Some(&b'{') || memchr::memmem::find(trimmed, b"\"alg\"").is_none() {
        return Verdict::Reject;
    }
    Verdict::Accept(Confidence::Medium)
}

/// The base64 body of a PEM-like block: the lines between the BEGIN and END lines, without
/// armour headers (`Key: value`) and the PGP checksum line (`=XXXX`). Lines are split on real
/// newlines and on the two-character escape `\n`.
fn pem_body(block: &[u8]) -> Option<Vec<u8>> {
    let begin_end = memchr::memmem::find(block, b"-----")?;
    let after_begin = begin_end + 5 + memchr::memmem::find(&block[begin_end + 5..], b"-----")? + 5;
    let end = memchr::memmem::rfind(block, b"-----END")?;
    let body = block.get(after_begin..end)?;
    let mut b64 = Vec::with_capacity(body.len());
    let mut line = Vec::new();
    let mut i = 0;
    let flush = |line: &mut Vec<u8>, b64: &mut Vec<u8>| {
        let t = line.trim_ascii();
        if !t.contains(&b':') && !t.starts_with(b"=") {
            b64.extend_from_slice(t);
        }
        line.clear();
    };
    while i < body.len() {
        match body[i] {
            b'\n' => flush(&mut line, &mut b64),
            b'\\' if matches!(body.get(i + 1), Some(b'n')) => {
                flush(&mut line, &mut b64);
                i += 1;
            }
            b'\\' if matches!(body.get(i + 1), Some(b'r')) => i += 1,
            b => line.push(b),
        }
        i += 1;
    }
    flush(&mut line, &mut b64);
    check::base64_decode(&b64, 1 << 16)
}

fn v_pem_der(c: &Candidate<'_>) -> Verdict {
    let encrypted = memchr::memmem::find(c.secret, b"ENCRYPTED").is_some();
    match pem_body(c.secret) {
        Some(d) if d.len() >= 40 && (encrypted || d[0] == 0x30) => {
            Verdict::Accept(Confidence::High)
        }
        _ => Verdict::Reject,
    }
}

fn v_openssh(c: &Candidate<'_>) -> Verdict {
    match pem_body(c.secret) {
        Some(d) if d.starts_with(b"openssh-key-v1\0") => Verdict::Accept(Confidence::High),
        _ => Verdict::Reject,
    }
}

fn v_pgp(c: &Candidate<'_>) -> Verdict {
    match pem_body(c.secret) {
        Some(d) if d.len() >= 40 => {
            let tag = d[0];
            let secret_key = if tag & 0x40 != 0 {
                tag & 0x3f == 5
            } else {
                (tag >> 2) & 0x0f == 5
            };
            if tag & 0x80 != 0 && secret_key {
                Verdict::Accept(Confidence::High)
            } else {
                Verdict::Accept(Confidence::Low)
            }
        }
        _ => Verdict::Reject,
    }
}

fn v_putty(c: &Candidate<'_>) -> Verdict {
    if memchr::memmem::find(c.secret, b"Private-Lines:").is_some() {
        Verdict::Accept(Confidence::High)
    } else {
        Verdict::Reject
    }
}

fn v_age(c: &Candidate<'_>) -> Verdict {
    if check::bech32_ok(c.secret) {
        Verdict::Accept(Confidence::High)
    } else {
        Verdict::Accept(Confidence::Low)
    }
}

/// A Discord bot token's first segment is the base64 of the bot's numeric user id.
fn v_discord(c: &Candidate<'_>) -> Verdict {
    let first = c.secret.split(|&b| b == b'.').next().unwrap_or_default();
    match check::base64_decode(first, 64) {
        Some(d) if (15..=21).contains(&d.len()) && d.iter().all(u8::is_ascii_digit) => {
            Verdict::Accept(Confidence::High)
        }
        _ => Verdict::Reject,
    }
}

fn v_entropy_token(c: &Candidate<'_>) -> Verdict {
    if check::entropy(c.secret) < 3.0 {
        Verdict::Reject
    } else {
        Verdict::Accept(Confidence::Medium)
    }
}

// ---------------------------------------------------------------------------------------------
// Custom example generators.

fn ex_github_classic(r: &mut Rng) -> String {
    examples::crc_token("ghp_", r)
}
fn ex_github_oauth(r: &mut Rng) -> String {
    examples::crc_token("gho_", r)
}
fn ex_github_user(r: &mut Rng) -> String {
    examples::crc_token("ghu_", r)
}
fn ex_github_server(r: &mut Rng) -> String {
    examples::crc_token("ghs_", r)
}
fn ex_github_refresh(r: &mut Rng) -> String {
    examples::crc_token("ghr_", r)
}
fn ex_npm(r: &mut Rng) -> String {
    examples::crc_token("npm_", r)
}

fn ex_age(r: &mut Rng) -> String {
    let data: Vec<u8> = (0..52).map(|_| r.below(32) as u8).collect();
    let sum = check::bech32_checksum(b"age-secret-key-", &data);
    let mut s = String::from("AGE-SECRET-KEY-1");
    for &d in &data {
        s.push(char::from(check::BECH32[d as usize].to_ascii_uppercase()));
    }
    for c in sum {
        s.push(char::from(c.to_ascii_uppercase()));
    }
    s
}

fn ex_jwt(r: &mut Rng) -> String {
    let header = examples::base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = examples::base64url(
        format!(
            r#"{{"sub":"{}","iat":{},"scope":"deploy"}}"#,
            r.next_u64() % 1_000_000,
            1_700_000_000 + r.next_u64() % 10_000_000
        )
        .as_bytes(),
    );
    let sig = examples::base64url(&r.bytes(32));
    format!("{header}.{payload}.{sig}")
}

fn ex_discord(r: &mut Rng) -> String {
    let id = format!("1{}", r.chars(b"0123456789", 17));
    let first = examples::base64url(id.as_bytes());
    let w = examples::cls('w');
    format!("{first}.{}.{}", r.chars(w, 6), r.chars(w, 38))
}

fn pem_of(label: &str, r: &mut Rng, len: usize) -> String {
    examples::pem(label, &examples::der_like(r, len))
}
fn ex_pem_rsa(r: &mut Rng) -> String {
    pem_of("RSA PRIVATE KEY", r, 600)
}
fn ex_pem_ec(r: &mut Rng) -> String {
    pem_of("EC PRIVATE KEY", r, 118)
}
fn ex_pem_dsa(r: &mut Rng) -> String {
    pem_of("DSA PRIVATE KEY", r, 440)
}
fn ex_pem_pkcs8(r: &mut Rng) -> String {
    pem_of("PRIVATE KEY", r, 600)
}
fn ex_pem_pkcs8_encrypted(r: &mut Rng) -> String {
    pem_of("ENCRYPTED PRIVATE KEY", r, 700)
}
fn ex_pem_openssh(r: &mut Rng) -> String {
    let mut body = b"openssh-key-v1\0\0\0\0\x04none\0\0\0\x04none".to_vec();
    body.extend(r.bytes(380));
    examples::pem("OPENSSH PRIVATE KEY", &body)
}
fn ex_pgp(r: &mut Rng) -> String {
    let mut body = vec![0xC5, 0x58, 0x04];
    body.extend(r.bytes(300));
    let b = examples::base64(&body);
    let mut out = String::from("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n");
    for line in b.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("={}\n", &examples::base64(&r.bytes(3))));
    out.push_str("-----END PGP PRIVATE KEY BLOCK-----");
    out
}
fn ex_putty(r: &mut Rng) -> String {
    let public = examples::base64(&r.bytes(51));
    let private = examples::base64(&r.bytes(48));
    let h = examples::cls('h');
    format!(
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy@build\n\
         Public-Lines: 2\n{}\n{}\nPrivate-Lines: 1\n{}\nPrivate-MAC: {}",
        &public[..64],
        &public[64..],
        private,
        r.chars(h, 64)
    )
}
fn ex_gcp_service_account(r: &mut Rng) -> String {
    let key = examples::pem("PRIVATE KEY", &examples::der_like(r, 600)).replace('\n', "\\n");
    let h = examples::cls('h');
    let d = examples::cls('d');
    format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"billing-{}\",\n  \
         \"private_key_id\": \"{}\",\n  \"private_key\": \"<<{}\\n>>\",\n  \
         \"client_email\": \"deployer@billing.iam.gserviceaccount.com\",\n  \"client_id\": \"{}\"\n}}",
        r.chars(d, 6),
        r.chars(h, 40),
        key,
        r.chars(d, 21)
    )
}

// ---------------------------------------------------------------------------------------------
// Pattern fragments.

/// After a configuration name: optional closing quote, an assignment operator, optional
/// opening quote.
macro_rules! assign {
    () => {
        r#"["']?\s{0,4}(?::=|=>|=|:)\s{0,4}["'`]?"#
    };
}
/// A token end for tokens over `[A-Za-z0-9_-]`.
macro_rules! end_w {
    () => {
        r"(?:[^A-Za-z0-9_-]|\z)"
    };
}
/// A token end for base64 tokens.
macro_rules! end_b {
    () => {
        r"(?:[^A-Za-z0-9+/=]|\z)"
    };
}
/// A UUID.
macro_rules! uuid {
    () => {
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    };
}
/// A PEM block with the given label; the body is base64 lines (real or `\n`-escaped newlines,
/// any indentation) with optional `Key: value` armour headers.
macro_rules! pem {
    ($label:literal) => {
        concat!(
            r"(-----BEGIN ",
            $label,
            r"-----(?:\s|\\[rn])+(?:[A-Za-z0-9+/=]|\s|\\[rn]|[A-Za-z-]{2,20}: [^\n\\]{1,100})+?-----END ",
            $label,
            r"-----)"
        )
    };
}

use Family::*;
use Severity::{Critical, High, Low, Medium};

static RULES: &[Rule] = &[
    // ----------------------------------------------------------------- cloud
    Rule::new(
        "aws-access-key-id",
        Cloud,
        High,
        "AWS access key id (AKIA long-term, ASIA temporary)",
        &["AKIA", "ASIA", "ABIA", "ACCA"],
        r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
    )
    .ex("AWS_ACCESS_KEY_ID", "AKIA{3:16}"),
    Rule::new(
        "aws-secret-access-key",
        Cloud,
        Critical,
        "AWS secret access key assigned to an AWS secret-key setting",
        &["secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret"],
        concat!(
            r"(?i:aws[\w.-]{0,20}secret[\w.-]{0,20}|secret[_.-]?access[_.-]?key)",
            assign!(),
            r"([A-Za-z0-9/+]{40})",
            end_b!()
        ),
    )
    .ctx()
    .check(v_context)
    .ex("AWS_SECRET_ACCESS_KEY", "{b:40}"),
    Rule::new(
        "aws-session-token",
        Cloud,
        Medium,
        "AWS temporary session token (STS) assigned to a session-token setting",
        &["session_token", "sessiontoken", "security_token"],
        concat!(
            r"(?i:session[_.-]?token|security[_.-]?token)",
            assign!(),
            r"([A-Za-z0-9/+]{100,2000}={0,2})",
            end_b!()
        ),
    )
    .ctx()
    .win(48, 2100)
    .check(v_context)
    .ex("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2Vj{b:300}"),
    Rule::new(
        "gcp-api-key",
        Cloud,
        High,
        "Google Cloud / Firebase API key (AIza…)",
        &["AIza"],
        concat!(r"\b(AIza[0-9A-Za-z_-]{35})", end_w!()),
    )
    .ex("GOOGLE_API_KEY", "AIza{w:35}"),
    Rule::new(
        "gcp-service-account-key",
        Cloud,
        Critical,
        "Google Cloud service-account key file (private_key of a JSON key)",
        &["\"private_key\""],
        r#""private_key"\s*:\s*"(-----BEGIN (?:RSA )?PRIVATE KEY-----\\n(?:[A-Za-z0-9+/=]|\\n)+?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)""#,
    )
    .win(0, 12000)
    .check(v_pem_der)
    .ex_fn("GOOGLE_APPLICATION_CREDENTIALS_JSON", ex_gcp_service_account)
    .shape(Shape::Document),
    Rule::new(
        "gcp-oauth-client-secret",
        Cloud,
        High,
        "Google OAuth client secret (GOCSPX-)",
        &["GOCSPX-"],
        concat!(r"\b(GOCSPX-[A-Za-z0-9_-]{28})", end_w!()),
    )
    .ex("GOOGLE_CLIENT_SECRET", "GOCSPX-{w:28}"),
    Rule::new(
        "google-oauth-access-token",
        Cloud,
        Medium,
        "Google OAuth 2.0 access token (ya29.)",
        &["ya29."],
        concat!(r"\b(ya29\.[A-Za-z0-9_-]{30,2000})", end_w!()),
    )
    .win(1, 2100)
    .ex("GOOGLE_ACCESS_TOKEN", "ya29.a0{w:150}"),
    Rule::new(
        "google-oauth-refresh-token",
        Cloud,
        High,
        "Google OAuth 2.0 refresh token (1//0…)",
        &["1//0"],
        concat!(r"(?:^|[^A-Za-z0-9/])(1//0[A-Za-z0-9_-]{40,500})", end_w!()),
    )
    .win(1, 600)
    .ex("GOOGLE_REFRESH_TOKEN", "1//0{w:97}"),
    Rule::new(
        "azure-storage-account-key",
        Cloud,
        Critical,
        "Azure Storage account key (AccountKey= in a connection string)",
        &["AccountKey"],
        r"(?i:AccountKey)\s{0,2}=\s{0,2}([A-Za-z0-9+/]{86}==)",
    )
    .ci()
    .ex(
        "AZURE_STORAGE_CONNECTION_STRING",
        "DefaultEndpointsProtocol=https;AccountName=billing{l:6};AccountKey=<<{b:86}==>>;EndpointSuffix=core.windows.net",
    )
    .shape(Shape::Url),
    Rule::new(
        "azure-sas-token",
        Cloud,
        High,
        "Azure shared access signature (sv=…&sig=)",
        &["sig="],
        r#"\bsv=20\d\d-\d\d-\d\d&[^\s"'<>#]{0,500}?\bsig=([A-Za-z0-9%+/]{43,64})"#,
    )
    .win(600, 80)
    .ex(
        "AZURE_BLOB_SAS_URL",
        "https://billing{l:6}.blob.core.windows.net/exports/ledger.csv?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig=<<{A:43}%3D>>",
    )
    .shape(Shape::Url),
    Rule::new(
        "azure-ad-client-secret",
        Cloud,
        High,
        "Microsoft Entra ID (Azure AD) application client secret (…Q~…)",
        &["Q~"],
        r"(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|\z)",
    )
    .win(5, 40)
    .ex("AZURE_CLIENT_SECRET", "{A:3}8Q~{A:34}"),
    Rule::new(
        "azure-devops-pat",
        Cloud,
        High,
        "Azure DevOps personal access token (84-character identifiable format)",
        &["JQQJ99"],
        r"\b([A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4})\b",
    )
    .win(53, 40)
    .ex("AZURE_DEVOPS_EXT_PAT", "{A:52}JQQJ99{A:18}AZDO{A:4}"),
    Rule::new(
        "digitalocean-pat",
        Cloud,
        Critical,
        "DigitalOcean personal access token (dop_v1_)",
        &["dop_v1_"],
        r"\b(dop_v1_[a-f0-9]{64})\b",
    )
    .ex("DIGITALOCEAN_ACCESS_TOKEN", "dop_v1_{h:64}"),
    Rule::new(
        "digitalocean-oauth-token",
        Cloud,
        High,
        "DigitalOcean OAuth access token (doo_v1_)",
        &["doo_v1_"],
        r"\b(doo_v1_[a-f0-9]{64})\b",
    )
    .ex("DO_OAUTH_TOKEN", "doo_v1_{h:64}"),
    Rule::new(
        "digitalocean-refresh-token",
        Cloud,
        High,
        "DigitalOcean OAuth refresh token (dor_v1_)",
        &["dor_v1_"],
        r"\b(dor_v1_[a-f0-9]{64})\b",
    )
    .ex("DO_REFRESH_TOKEN", "dor_v1_{h:64}"),
    Rule::new(
        "alibaba-access-key-id",
        Cloud,
        High,
        "Alibaba Cloud AccessKey ID (LTAI)",
        &["LTAI"],
        r"\b(LTAI[A-Za-z0-9]{12,20})\b",
    )
    .ex("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI{A:20}"),
    Rule::new(
        "alibaba-access-key-secret",
        Cloud,
        Critical,
        "Alibaba Cloud AccessKey secret assigned to an Alibaba/Aliyun secret setting",
        &["alibaba", "aliyun", "access_key_secret", "accesskeysecret"],
        concat!(
            r"(?i:(?:alibaba|aliyun)[\w.-]{0,30}secret[\w.-]{0,20}|access[_.-]?key[_.-]?secret)",
            assign!(),
            r"([A-Za-z0-9]{30})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "{A:30}"),
    Rule::new(
        "ibm-cloud-api-key",
        Cloud,
        High,
        "IBM Cloud API key assigned to an IBM API-key setting",
        &["ibm"],
        concat!(
            r"(?i:ibm[\w.-]{0,20}(?:api[_.-]?key|apikey))",
            assign!(),
            r"([A-Za-z0-9_-]{44})",
            end_w!()
        ),
    )
    .ctx()
    .check(v_context)
    .ex("IBM_CLOUD_API_KEY", "{w:44}"),
    Rule::new(
        "heroku-api-key",
        Cloud,
        High,
        "Heroku API key (HRKU- prefixed format)",
        &["HRKU-"],
        concat!(r"\b(HRKU-[A-Za-z0-9_-]{60})", end_w!()),
    )
    .ex("HEROKU_API_KEY", "HRKU-AA{w:58}"),
    Rule::new(
        "heroku-api-key-legacy",
        Cloud,
        High,
        "Heroku API key (UUID format) assigned to a Heroku setting",
        &["heroku"],
        concat!(
            r"(?i:heroku[\w.-]{0,30}(?:key|token|secret))",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("HEROKU_API_KEY", "{uuid}"),
    Rule::new(
        "cloudflare-api-token",
        Cloud,
        High,
        "Cloudflare API token assigned to a Cloudflare token setting",
        &["cloudflare", "cf_api_token"],
        concat!(
            r"(?i:(?:cloudflare|cf)[\w.-]{0,30}token)",
            assign!(),
            r"([A-Za-z0-9_-]{40})",
            end_w!()
        ),
    )
    .ctx()
    .check(v_context)
    .ex("CLOUDFLARE_API_TOKEN", "{w:40}"),
    Rule::new(
        "cloudflare-global-api-key",
        Cloud,
        Critical,
        "Cloudflare global API key (37 hex) assigned to a Cloudflare key setting",
        &["cloudflare", "cf_api_key"],
        concat!(
            r"(?i:(?:cloudflare|cf)[\w.-]{0,30}key)",
            assign!(),
            r"([0-9a-f]{37})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("CLOUDFLARE_API_KEY", "{h:37}"),
    Rule::new(
        "cloudflare-origin-ca-key",
        Cloud,
        High,
        "Cloudflare Origin CA key (v1.0-…)",
        &["v1.0-"],
        r"\b(v1\.0-[0-9a-f]{24}-[0-9a-f]{146})\b",
    )
    .win(1, 400)
    .ex("CLOUDFLARE_ORIGIN_CA_KEY", "v1.0-{h:24}-{h:146}"),
    Rule::new(
        "fastly-api-token",
        Cloud,
        High,
        "Fastly API token assigned to a Fastly setting",
        &["fastly"],
        concat!(
            r"(?i:fastly[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([A-Za-z0-9_-]{32})",
            end_w!()
        ),
    )
    .ctx()
    .check(v_context)
    .ex("FASTLY_API_TOKEN", "{w:32}"),
    Rule::new(
        "linode-token",
        Cloud,
        Critical,
        "Linode (Akamai) personal access token assigned to a Linode setting",
        &["linode"],
        concat!(
            r"(?i:linode[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([0-9a-f]{64})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("LINODE_TOKEN", "{h:64}"),
    Rule::new(
        "scaleway-access-key",
        Cloud,
        Medium,
        "Scaleway access key id (SCW…)",
        &["SCW"],
        r"\b(SCW[A-Z0-9]{17})\b",
    )
    .ex("SCW_ACCESS_KEY", "SCW{U:17}"),
    Rule::new(
        "scaleway-secret-key",
        Cloud,
        Critical,
        "Scaleway secret key (UUID) assigned to a Scaleway secret setting",
        &["scw_secret", "scaleway"],
        concat!(
            r"(?i:(?:scw|scaleway)[\w.-]{0,20}secret[\w.-]{0,10})",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("SCW_SECRET_KEY", "{uuid}"),
    Rule::new(
        "vultr-api-key",
        Cloud,
        Critical,
        "Vultr API key assigned to a Vultr setting",
        &["vultr"],
        concat!(
            r"(?i:vultr[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([A-Z0-9]{36})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("VULTR_API_KEY", "{U:36}"),
    Rule::new(
        "hetzner-cloud-token",
        Cloud,
        Critical,
        "Hetzner Cloud API token assigned to an hcloud/Hetzner setting",
        &["hcloud", "hetzner"],
        concat!(
            r"(?i:(?:hcloud|hetzner)[\w.-]{0,30}token)",
            assign!(),
            r"([A-Za-z0-9]{64})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("HCLOUD_TOKEN", "{A:64}"),
    Rule::new(
        "tencent-cloud-secret-id",
        Cloud,
        High,
        "Tencent Cloud SecretId (AKID)",
        &["AKID"],
        r"\b(AKID[A-Za-z0-9]{32})\b",
    )
    .ex("TENCENTCLOUD_SECRET_ID", "AKID{A:32}"),
    Rule::new(
        "netlify-access-token",
        Cloud,
        High,
        "Netlify personal access token (nfp_)",
        &["nfp_"],
        r"\b(nfp_[A-Za-z0-9]{36})\b",
    )
    .ex("NETLIFY_AUTH_TOKEN", "nfp_{A:36}"),
    Rule::new(
        "supabase-access-token",
        Cloud,
        High,
        "Supabase personal access token (sbp_)",
        &["sbp_"],
        r"\b(sbp_[a-f0-9]{40})\b",
    )
    .ex("SUPABASE_ACCESS_TOKEN", "sbp_{h:40}"),
    Rule::new(
        "supabase-secret-key",
        Cloud,
        Critical,
        "Supabase secret API key (sb_secret_)",
        &["sb_secret_"],
        concat!(r"\b(sb_secret_[A-Za-z0-9_-]{20,64})", end_w!()),
    )
    .ex("SUPABASE_SECRET_KEY", "sb_secret_{w:31}"),
    Rule::new(
        "flyio-access-token",
        Cloud,
        High,
        "Fly.io access token (FlyV1 fm2_…)",
        &["FlyV1 fm2_"],
        r"(FlyV1 fm2_[A-Za-z0-9+/=,_-]{60,2900})",
    )
    .win(0, 3000)
    .ex("FLY_API_TOKEN", "FlyV1 fm2_{b:200}"),
    Rule::new(
        "planetscale-token",
        Cloud,
        High,
        "PlanetScale service token or password (pscale_tkn_, pscale_pw_, pscale_oauth_)",
        &["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
        concat!(
            r"\b(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_-]{32,64})",
            end_w!()
        ),
    )
    .ex("PLANETSCALE_SERVICE_TOKEN", "pscale_tkn_{w:43}"),
    Rule::new(
        "databricks-token",
        Cloud,
        High,
        "Databricks personal access token (dapi)",
        &["dapi"],
        r"\b(dapi[a-f0-9]{32}(?:-[0-9])?)\b",
    )
    .ex("DATABRICKS_TOKEN", "dapi{h:32}"),
    // ----------------------------------------------------------------- vcs
    Rule::new(
        "github-classic-pat",
        Vcs,
        Critical,
        "GitHub personal access token, classic (ghp_, CRC-32 checked)",
        &["ghp_"],
        r"\b(ghp_[A-Za-z0-9]{36})\b",
    )
    .check(v_github)
    .ex_fn("GITHUB_TOKEN", ex_github_classic),
    Rule::new(
        "github-oauth-token",
        Vcs,
        High,
        "GitHub OAuth access token (gho_, CRC-32 checked)",
        &["gho_"],
        r"\b(gho_[A-Za-z0-9]{36})\b",
    )
    .check(v_github)
    .ex_fn("GH_OAUTH_TOKEN", ex_github_oauth),
    Rule::new(
        "github-user-to-server-token",
        Vcs,
        High,
        "GitHub App user-to-server token (ghu_, CRC-32 checked)",
        &["ghu_"],
        r"\b(ghu_[A-Za-z0-9]{36})\b",
    )
    .check(v_github)
    .ex_fn("GH_USER_TOKEN", ex_github_user),
    Rule::new(
        "github-server-to-server-token",
        Vcs,
        High,
        "GitHub App installation (server-to-server) token (ghs_, CRC-32 checked)",
        &["ghs_"],
        r"\b(ghs_[A-Za-z0-9]{36})\b",
    )
    .check(v_github)
    .ex_fn("GH_INSTALLATION_TOKEN", ex_github_server),
    Rule::new(
        "github-refresh-token",
        Vcs,
        High,
        "GitHub App refresh token (ghr_, CRC-32 checked)",
        &["ghr_"],
        r"\b(ghr_[A-Za-z0-9]{36})\b",
    )
    .check(v_github)
    .ex_fn("GH_REFRESH_TOKEN", ex_github_refresh),
    Rule::new(
        "github-fine-grained-pat",
        Vcs,
        Critical,
        "GitHub fine-grained personal access token (github_pat_)",
        &["github_pat_"],
        r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
    )
    .ex("GITHUB_PAT", "github_pat_{A:22}_{A:59}"),
    Rule::new(
        "gitlab-pat",
        Vcs,
        Critical,
        "GitLab personal, project or group access token (glpat-)",
        &["glpat-"],
        concat!(
            r"\b(glpat-[A-Za-z0-9_-]{20,80}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?)",
            end_w!()
        ),
    )
    .ex("GITLAB_TOKEN", "glpat-{w:20}"),
    Rule::new(
        "gitlab-deploy-token",
        Vcs,
        High,
        "GitLab deploy token (gldt-)",
        &["gldt-"],
        concat!(r"\b(gldt-[A-Za-z0-9_-]{20,80})", end_w!()),
    )
    .ex("GITLAB_DEPLOY_TOKEN", "gldt-{w:20}"),
    Rule::new(
        "gitlab-runner-token",
        Vcs,
        High,
        "GitLab runner authentication token (glrt-)",
        &["glrt-"],
        concat!(r"\b(glrt-[A-Za-z0-9_-]{20,80})", end_w!()),
    )
    .ex("CI_RUNNER_TOKEN", "glrt-t1_{w:27}"),
    Rule::new(
        "gitlab-pipeline-trigger-token",
        Vcs,
        High,
        "GitLab pipeline trigger token (glptt-)",
        &["glptt-"],
        r"\b(glptt-[0-9a-f]{40})\b",
    )
    .ex("GITLAB_TRIGGER_TOKEN", "glptt-{h:40}"),
    Rule::new(
        "gitlab-runner-registration-token",
        Vcs,
        High,
        "GitLab runner registration token (GR1348941)",
        &["GR1348941"],
        concat!(r"\b(GR1348941[A-Za-z0-9_-]{20})", end_w!()),
    )
    .ex("REGISTRATION_TOKEN", "GR1348941{w:20}"),
    Rule::new(
        "gitlab-ci-build-token",
        Vcs,
        Medium,
        "GitLab CI/CD job token (glcbt-)",
        &["glcbt-"],
        concat!(r"\b(glcbt-[0-9a-fA-F]{1,5}_[A-Za-z0-9_-]{20})", end_w!()),
    )
    .ex("CI_JOB_TOKEN", "glcbt-64_{w:20}"),
    Rule::new(
        "gitlab-oauth-app-secret",
        Vcs,
        High,
        "GitLab OAuth application secret (gloas-)",
        &["gloas-"],
        r"\b(gloas-[0-9a-f]{64})\b",
    )
    .ex("GITLAB_OAUTH_SECRET", "gloas-{h:64}"),
    Rule::new(
        "gitlab-feed-token",
        Vcs,
        Medium,
        "GitLab feed token (glft-)",
        &["glft-"],
        concat!(r"\b(glft-[A-Za-z0-9_-]{20})", end_w!()),
    )
    .ex("GITLAB_FEED_TOKEN", "glft-{w:20}"),
    Rule::new(
        "gitlab-agent-token",
        Vcs,
        High,
        "GitLab agent for Kubernetes token (glagent-)",
        &["glagent-"],
        concat!(r"\b(glagent-[A-Za-z0-9_-]{50})", end_w!()),
    )
    .ex("GITLAB_AGENT_TOKEN", "glagent-{w:50}"),
    Rule::new(
        "gitlab-scim-token",
        Vcs,
        High,
        "GitLab SCIM OAuth token (glsoat-)",
        &["glsoat-"],
        concat!(r"\b(glsoat-[A-Za-z0-9_-]{20})", end_w!()),
    )
    .ex("GITLAB_SCIM_TOKEN", "glsoat-{w:20}"),
    Rule::new(
        "gitlab-feature-flag-token",
        Vcs,
        Medium,
        "GitLab feature-flags client token (glffct-)",
        &["glffct-"],
        concat!(r"\b(glffct-[A-Za-z0-9_-]{20})", end_w!()),
    )
    .ex("UNLEASH_TOKEN", "glffct-{w:20}"),
    Rule::new(
        "gitlab-incoming-mail-token",
        Vcs,
        Medium,
        "GitLab incoming e-mail token (glimt-)",
        &["glimt-"],
        concat!(r"\b(glimt-[A-Za-z0-9_-]{25})", end_w!()),
    )
    .ex("GITLAB_INCOMING_EMAIL_TOKEN", "glimt-{w:25}"),
    Rule::new(
        "bitbucket-app-password",
        Vcs,
        High,
        "Bitbucket app password (ATBB)",
        &["ATBB"],
        concat!(r"\b(ATBB[A-Za-z0-9_=.-]{32})", end_w!()),
    )
    .ex("BITBUCKET_APP_PASSWORD", "ATBB{A:32}"),
    Rule::new(
        "bitbucket-access-token",
        Vcs,
        High,
        "Bitbucket repository/project/workspace access token (ATCTT3)",
        &["ATCTT3"],
        concat!(r"\b(ATCTT3[A-Za-z0-9_=-]{150,300})", end_w!()),
    )
    .win(1, 400)
    .ex("BITBUCKET_ACCESS_TOKEN", "ATCTT3xFfGN0{w:170}={H:8}"),
    Rule::new(
        "gitea-token",
        Vcs,
        High,
        "Gitea / Forgejo access token (40 hex) assigned to a Gitea or Forgejo setting",
        &["gitea", "forgejo"],
        concat!(
            r"(?i:(?:gitea|forgejo)[\w.-]{0,30}token)",
            assign!(),
            r"([0-9a-f]{40})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("GITEA_TOKEN", "{h:40}"),
    Rule::new(
        "sourcegraph-token",
        Vcs,
        High,
        "Sourcegraph access token (sgp_)",
        &["sgp_"],
        r"\b(sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40})\b",
    )
    .ex("SRC_ACCESS_TOKEN", "sgp_{h:16}_{h:40}"),
    // ----------------------------------------------------------------- ci
    Rule::new(
        "circleci-personal-token",
        Ci,
        High,
        "CircleCI personal API token (CCIPAT_)",
        &["CCIPAT_"],
        r"\b(CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})\b",
    )
    .ex("CIRCLECI_TOKEN", "CCIPAT_{A:22}_{h:40}"),
    Rule::new(
        "circleci-project-token",
        Ci,
        High,
        "CircleCI project API token (CCIPRJ_)",
        &["CCIPRJ_"],
        r"\b(CCIPRJ_[A-Za-z0-9]{22}_[a-f0-9]{40})\b",
    )
    .ex("CIRCLE_PROJECT_TOKEN", "CCIPRJ_{A:22}_{h:40}"),
    Rule::new(
        "travis-ci-token",
        Ci,
        High,
        "Travis CI API token assigned to a Travis setting",
        &["travis"],
        concat!(
            r"(?i:travis[\w.-]{0,30}token)",
            assign!(),
            r"([A-Za-z0-9_-]{22})",
            end_w!()
        ),
    )
    .ctx()
    .check(v_context)
    .ex("TRAVIS_API_TOKEN", "{w:22}"),
    Rule::new(
        "buildkite-token",
        Ci,
        High,
        "Buildkite API access token (bkua_)",
        &["bkua_"],
        r"\b(bkua_[a-f0-9]{40})\b",
    )
    .ex("BUILDKITE_API_TOKEN", "bkua_{h:40}"),
    Rule::new(
        "codecov-token",
        Ci,
        Medium,
        "Codecov upload token (UUID) assigned to a Codecov setting",
        &["codecov"],
        concat!(
            r"(?i:codecov[\w.-]{0,30}token)",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("CODECOV_TOKEN", "{uuid}"),
    Rule::new(
        "sonarqube-token",
        Ci,
        High,
        "SonarQube user, project or global analysis token (squ_, sqp_, sqa_)",
        &["squ_", "sqp_", "sqa_"],
        r"\b(sq[upa]_[a-f0-9]{40})\b",
    )
    .ex("SONAR_TOKEN", "squ_{h:40}"),
    Rule::new(
        "snyk-token",
        Ci,
        High,
        "Snyk API token (UUID) assigned to a Snyk setting",
        &["snyk"],
        concat!(
            r"(?i:snyk[\w.-]{0,30}(?:token|key))",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("SNYK_TOKEN", "{uuid}"),
    Rule::new(
        "jenkins-api-token",
        Ci,
        High,
        "Jenkins API token (11 + 32 hex) assigned to a Jenkins setting",
        &["jenkins"],
        concat!(
            r"(?i:jenkins[\w.-]{0,30}(?:token|key))",
            assign!(),
            r"(11[0-9a-f]{32})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("JENKINS_API_TOKEN", "11{h:32}"),
    Rule::new(
        "vault-service-token",
        Ci,
        Critical,
        "HashiCorp Vault service token (hvs.)",
        &["hvs."],
        concat!(r"\b(hvs\.[A-Za-z0-9_-]{90,400})", end_w!()),
    )
    .win(1, 600)
    .ex("VAULT_TOKEN", "hvs.CAESI{w:86}"),
    Rule::new(
        "vault-batch-token",
        Ci,
        High,
        "HashiCorp Vault batch token (hvb.)",
        &["hvb."],
        concat!(r"\b(hvb\.[A-Za-z0-9_-]{100,700})", end_w!()),
    )
    .win(1, 800)
    .ex("VAULT_BATCH_TOKEN", "hvb.AAAAAQ{w:132}"),
    Rule::new(
        "terraform-cloud-token",
        Ci,
        Critical,
        "Terraform Cloud / HCP Terraform API token (….atlasv1.…)",
        &[".atlasv1."],
        concat!(
            r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70})",
            end_w!()
        ),
    )
    .win(15, 100)
    .ex("TFE_TOKEN", "{A:14}.atlasv1.{w:67}"),
    Rule::new(
        "pulumi-access-token",
        Ci,
        High,
        "Pulumi access token (pul-)",
        &["pul-"],
        r"\b(pul-[a-f0-9]{40})\b",
    )
    .ex("PULUMI_ACCESS_TOKEN", "pul-{h:40}"),
    Rule::new(
        "doppler-personal-token",
        Ci,
        High,
        "Doppler personal token (dp.pt.)",
        &["dp.pt."],
        r"\b(dp\.pt\.[A-Za-z0-9]{40,44})\b",
    )
    .ex("DOPPLER_TOKEN", "dp.pt.{A:43}"),
    Rule::new(
        "doppler-service-token",
        Ci,
        High,
        "Doppler service token (dp.st.)",
        &["dp.st."],
        r"\b(dp\.st\.(?:[a-z0-9_-]{2,35}\.)?[A-Za-z0-9]{40,44})\b",
    )
    .ex("DOPPLER_SERVICE_TOKEN", "dp.st.prd.{A:43}"),
    Rule::new(
        "doppler-cli-token",
        Ci,
        High,
        "Doppler CLI token (dp.ct.)",
        &["dp.ct."],
        r"\b(dp\.ct\.[A-Za-z0-9]{40,44})\b",
    )
    .ex("DOPPLER_CLI_TOKEN", "dp.ct.{A:43}"),
    Rule::new(
        "doppler-service-account-token",
        Ci,
        High,
        "Doppler service-account token (dp.sa.)",
        &["dp.sa."],
        r"\b(dp\.sa\.[A-Za-z0-9]{40,44})\b",
    )
    .ex("DOPPLER_SA_TOKEN", "dp.sa.{A:43}"),
    Rule::new(
        "doppler-scim-token",
        Ci,
        High,
        "Doppler SCIM token (dp.scim.)",
        &["dp.scim."],
        r"\b(dp\.scim\.[A-Za-z0-9]{40,44})\b",
    )
    .ex("DOPPLER_SCIM_TOKEN", "dp.scim.{A:43}"),
    // ----------------------------------------------------------------- registries
    Rule::new(
        "npm-access-token",
        Registry,
        Critical,
        "npm access token (npm_, CRC-32 checked)",
        &["npm_"],
        r"\b(npm_[A-Za-z0-9]{36})\b",
    )
    .check(v_github)
    .ex_fn("NPM_TOKEN", ex_npm),
    Rule::new(
        "pypi-upload-token",
        Registry,
        Critical,
        "PyPI API token (pypi-AgEIcHlwaS5vcmc…)",
        &["pypi-AgEIcHlwaS5vcmc"],
        concat!(r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1400})", end_w!()),
    )
    .win(1, 1500)
    .ex("TWINE_PASSWORD", "pypi-AgEIcHlwaS5vcmc{w:150}"),
    Rule::new(
        "testpypi-upload-token",
        Registry,
        Low,
        "TestPyPI API token (pypi-AgENdGVzdC5weXBpLm9yZw…)",
        &["pypi-AgENdGVzdC5weXBpLm9yZw"],
        concat!(
            r"\b(pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,1400})",
            end_w!()
        ),
    )
    .win(1, 1500)
    .ex("TEST_PYPI_TOKEN", "pypi-AgENdGVzdC5weXBpLm9yZw{w:150}"),
    Rule::new(
        "rubygems-api-key",
        Registry,
        Critical,
        "RubyGems.org API key (rubygems_)",
        &["rubygems_"],
        r"\b(rubygems_[a-f0-9]{48})\b",
    )
    .ex("GEM_HOST_API_KEY", "rubygems_{h:48}"),
    Rule::new(
        "nuget-api-key",
        Registry,
        Critical,
        "NuGet.org API key (oy2)",
        &["oy2"],
        r"\b(oy2[a-z0-9]{43})\b",
    )
    .ex("NUGET_API_KEY", "oy2{L:43}"),
    Rule::new(
        "crates-io-token",
        Registry,
        Critical,
        "crates.io API token (cio)",
        &["cio"],
        r"\b(cio[A-Za-z0-9]{32})\b",
    )
    .check(v_entropy_token)
    .ex("CARGO_REGISTRY_TOKEN", "cio{A:32}"),
    Rule::new(
        "dockerhub-pat",
        Registry,
        High,
        "Docker Hub personal access token (dckr_pat_)",
        &["dckr_pat_"],
        concat!(r"\b(dckr_pat_[A-Za-z0-9_-]{27})", end_w!()),
    )
    .ex("DOCKERHUB_TOKEN", "dckr_pat_{w:27}"),
    Rule::new(
        "dockerhub-org-token",
        Registry,
        High,
        "Docker Hub organisation access token (dckr_oat_)",
        &["dckr_oat_"],
        concat!(r"\b(dckr_oat_[A-Za-z0-9_-]{32})", end_w!()),
    )
    .ex("DOCKERHUB_ORG_TOKEN", "dckr_oat_{w:32}"),
    Rule::new(
        "jfrog-api-key",
        Registry,
        High,
        "JFrog Artifactory API key (AKCp)",
        &["AKCp"],
        r"\b(AKCp[A-Za-z0-9]{69})\b",
    )
    .ex("ARTIFACTORY_API_KEY", "AKCp{A:69}"),
    Rule::new(
        "jfrog-reference-token",
        Registry,
        High,
        "JFrog reference token (base64 of reftkn:01:)",
        &["cmVmdGtuOjAxOj"],
        r"\b(cmVmdGtuOjAxOj[A-Za-z0-9]{50})\b",
    )
    .ex("JFROG_ACCESS_TOKEN", "cmVmdGtuOjAxOj{A:50}"),
    Rule::new(
        "artifactory-password",
        Registry,
        High,
        "Artifactory password or token assigned to an Artifactory setting",
        &["artifactory"],
        concat!(
            r"(?i:artifactory[\w.-]{0,30}(?:password|token|key|secret))",
            assign!(),
            r"([A-Za-z0-9+/=_.-]{16,128})",
            r#"(?:["'`\s,;&]|\z)"#
        ),
    )
    .ctx()
    .check(v_context)
    .ex("ARTIFACTORY_PASSWORD", "{A:24}"),
    Rule::new(
        "clojars-token",
        Registry,
        High,
        "Clojars deploy token (CLOJARS_)",
        &["CLOJARS_"],
        r"\b(CLOJARS_[a-z0-9]{60})\b",
    )
    .ex("CLOJARS_PASSWORD", "CLOJARS_{L:60}"),
    Rule::new(
        "hex-pm-api-key",
        Registry,
        High,
        "Hex.pm API key assigned to HEX_API_KEY",
        &["hex_api_key"],
        concat!(r"(?i:hex_api_key)", assign!(), r"([0-9a-f]{32})\b"),
    )
    .ctx()
    .check(v_context)
    .ex("HEX_API_KEY", "{h:32}"),
    // ----------------------------------------------------------------- payment
    Rule::new(
        "stripe-secret-key",
        Payment,
        Critical,
        "Stripe live secret key (sk_live_)",
        &["sk_live_"],
        r"\b(sk_live_[A-Za-z0-9]{24,247})\b",
    )
    .ex("STRIPE_SECRET_KEY", "sk_live_{A:99}"),
    Rule::new(
        "stripe-restricted-key",
        Payment,
        High,
        "Stripe live restricted key (rk_live_)",
        &["rk_live_"],
        r"\b(rk_live_[A-Za-z0-9]{24,247})\b",
    )
    .ex("STRIPE_RESTRICTED_KEY", "rk_live_{A:99}"),
    Rule::new(
        "stripe-test-secret-key",
        Payment,
        Low,
        "Stripe test-mode secret key (sk_test_)",
        &["sk_test_"],
        r"\b(sk_test_[A-Za-z0-9]{24,247})\b",
    )
    .ex("STRIPE_TEST_KEY", "sk_test_{A:99}"),
    Rule::new(
        "stripe-webhook-secret",
        Payment,
        High,
        "Stripe webhook signing secret (whsec_)",
        &["whsec_"],
        concat!(r"\b(whsec_[A-Za-z0-9+/=]{32,88})", end_b!()),
    )
    .ex("STRIPE_WEBHOOK_SECRET", "whsec_{A:32}"),
    Rule::new(
        "square-access-token",
        Payment,
        Critical,
        "Square access token (EAAA)",
        &["EAAA"],
        concat!(r"\b(EAAA[A-Za-z0-9_-]{60})", end_w!()),
    )
    .ex("SQUARE_ACCESS_TOKEN", "EAAA{w:60}"),
    Rule::new(
        "square-legacy-access-token",
        Payment,
        Critical,
        "Square legacy access token (sq0atp-)",
        &["sq0atp-"],
        concat!(r"\b(sq0atp-[A-Za-z0-9_-]{22})", end_w!()),
    )
    .ex("SQUARE_TOKEN", "sq0atp-{w:22}"),
    Rule::new(
        "square-oauth-secret",
        Payment,
        High,
        "Square OAuth application secret (sq0csp-)",
        &["sq0csp-"],
        concat!(r"\b(sq0csp-[A-Za-z0-9_-]{43})", end_w!()),
    )
    .ex("SQUARE_APP_SECRET", "sq0csp-{w:43}"),
    Rule::new(
        "braintree-access-token",
        Payment,
        Critical,
        "PayPal Braintree production access token (access_token$production$)",
        &["access_token$production$"],
        r"\b(access_token\$production\$[a-z0-9]{16}\$[a-f0-9]{32})\b",
    )
    .ex("BRAINTREE_ACCESS_TOKEN", "access_token$production${L:16}${h:32}"),
    Rule::new(
        "paypal-client-secret",
        Payment,
        High,
        "PayPal REST client secret assigned to a PayPal secret setting",
        &["paypal"],
        concat!(
            r"(?i:paypal[\w.-]{0,30}secret)",
            assign!(),
            r"([A-Za-z0-9_-]{80})",
            end_w!()
        ),
    )
    .ctx()
    .check(v_context)
    .ex("PAYPAL_CLIENT_SECRET", "E{w:79}"),
    Rule::new(
        "shopify-access-token",
        Payment,
        Critical,
        "Shopify Admin API access token (shpat_)",
        &["shpat_"],
        r"\b(shpat_[a-fA-F0-9]{32})\b",
    )
    .ex("SHOPIFY_ACCESS_TOKEN", "shpat_{h:32}"),
    Rule::new(
        "shopify-shared-secret",
        Payment,
        High,
        "Shopify app shared secret (shpss_)",
        &["shpss_"],
        r"\b(shpss_[a-fA-F0-9]{32})\b",
    )
    .ex("SHOPIFY_API_SECRET", "shpss_{h:32}"),
    Rule::new(
        "shopify-custom-app-token",
        Payment,
        Critical,
        "Shopify custom app access token (shpca_)",
        &["shpca_"],
        r"\b(shpca_[a-fA-F0-9]{32})\b",
    )
    .ex("SHOPIFY_CUSTOM_APP_TOKEN", "shpca_{h:32}"),
    Rule::new(
        "shopify-private-app-token",
        Payment,
        Critical,
        "Shopify private app access token (shppa_)",
        &["shppa_"],
        r"\b(shppa_[a-fA-F0-9]{32})\b",
    )
    .ex("SHOPIFY_PRIVATE_APP_PASSWORD", "shppa_{h:32}"),
    Rule::new(
        "adyen-api-key",
        Payment,
        Critical,
        "Adyen API key (AQE…) assigned to an Adyen setting",
        &["adyen"],
        concat!(
            r"(?i:adyen[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"(AQE[A-Za-z0-9+/=._-]{60,250})",
            r#"(?:["'`\s,;]|\z)"#
        ),
    )
    .ctx()
    .win(48, 400)
    .check(v_context)
    .ex("ADYEN_API_KEY", "AQEyhmfxK{b:100}"),
    Rule::new(
        "razorpay-key-id",
        Payment,
        Medium,
        "Razorpay live key id (rzp_live_)",
        &["rzp_live_"],
        r"\b(rzp_live_[A-Za-z0-9]{14})\b",
    )
    .ex("RAZORPAY_KEY_ID", "rzp_live_{A:14}"),
    Rule::new(
        "razorpay-key-secret",
        Payment,
        Critical,
        "Razorpay key secret assigned to a Razorpay secret setting",
        &["razorpay"],
        concat!(
            r"(?i:razorpay[\w.-]{0,30}secret)",
            assign!(),
            r"([A-Za-z0-9]{24})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("RAZORPAY_KEY_SECRET", "{A:24}"),
    Rule::new(
        "plaid-access-token",
        Payment,
        High,
        "Plaid production/development access token (access-production-…)",
        &["access-production-", "access-development-"],
        concat!(r"\b(access-(?:production|development)-", uuid!(), r")\b"),
    )
    .ex("PLAID_ACCESS_TOKEN", "access-production-{uuid}"),
    Rule::new(
        "plaid-secret",
        Payment,
        High,
        "Plaid API secret (30 hex) assigned to a Plaid secret setting",
        &["plaid"],
        concat!(
            r"(?i:plaid[\w.-]{0,30}secret)",
            assign!(),
            r"([0-9a-f]{30})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("PLAID_SECRET", "{h:30}"),
    Rule::new(
        "flutterwave-secret-key",
        Payment,
        Critical,
        "Flutterwave secret key (FLWSECK-…-X)",
        &["FLWSECK"],
        r"\b(FLWSECK(?:_TEST)?-[a-f0-9]{32}-X)(?:[^A-Za-z0-9]|\z)",
    )
    .ex("FLW_SECRET_KEY", "FLWSECK-{h:32}-X"),
    Rule::new(
        "shippo-api-token",
        Payment,
        High,
        "Shippo live API token (shippo_live_)",
        &["shippo_live_"],
        r"\b(shippo_live_[a-f0-9]{40})\b",
    )
    .ex("SHIPPO_API_TOKEN", "shippo_live_{h:40}"),
    Rule::new(
        "easypost-api-key",
        Payment,
        High,
        "EasyPost production API key (EZAK)",
        &["EZAK"],
        r"\b(EZAK[a-z0-9]{54})\b",
    )
    .ex("EASYPOST_API_KEY", "EZAK{L:54}"),
    // ----------------------------------------------------------------- chat
    Rule::new(
        "slack-bot-token",
        Chat,
        High,
        "Slack bot token (xoxb-)",
        &["xoxb-"],
        r"\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})\b",
    )
    .ex("SLACK_BOT_TOKEN", "xoxb-{d:12}-{d:13}-{A:24}"),
    Rule::new(
        "slack-user-token",
        Chat,
        Critical,
        "Slack user token (xoxp-)",
        &["xoxp-"],
        r"\b(xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})\b",
    )
    .ex("SLACK_USER_TOKEN", "xoxp-{d:12}-{d:12}-{d:13}-{h:32}"),
    Rule::new(
        "slack-workspace-token",
        Chat,
        High,
        "Slack workspace app token (xoxa-)",
        &["xoxa-"],
        r"\b(xoxa-(?:[0-9]+-)+[A-Za-z0-9]{32,64})\b",
    )
    .ex("SLACK_WORKSPACE_TOKEN", "xoxa-2-{d:12}-{d:12}-{d:13}-{h:64}"),
    Rule::new(
        "slack-refresh-token",
        Chat,
        High,
        "Slack refresh token (xoxe-1-, xoxr-)",
        &["xoxe-", "xoxr-"],
        r"\b((?:xoxe-[0-9]-|xoxr-)[A-Za-z0-9-]{40,300})\b",
    )
    .win(1, 400)
    .ex("SLACK_REFRESH_TOKEN", "xoxe-1-{A:146}"),
    Rule::new(
        "slack-config-token",
        Chat,
        High,
        "Slack app configuration token (xoxe.xoxp-, xoxe.xoxb-)",
        &["xoxe.xox"],
        r"\b(xoxe\.xox[bp]-[0-9]-[A-Za-z0-9-]{100,300})\b",
    )
    .win(1, 400)
    .ex("SLACK_CONFIG_TOKEN", "xoxe.xoxp-1-{A:160}"),
    Rule::new(
        "slack-app-token",
        Chat,
        High,
        "Slack app-level token (xapp-)",
        &["xapp-"],
        r"\b(xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,16}-[a-f0-9]{64})\b",
    )
    .ex("SLACK_APP_TOKEN", "xapp-1-A{U:10}-{d:13}-{h:64}"),
    Rule::new(
        "slack-webhook-url",
        Chat,
        Medium,
        "Slack incoming webhook or workflow trigger URL",
        &["hooks.slack.com/"],
        r"(https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Za-z0-9]{8,24}/[A-Za-z0-9]{20,40})",
    )
    .win(8, 200)
    .ex("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T{U:10}/B{U:10}/{A:24}")
    .shape(Shape::Url),
    Rule::new(
        "discord-bot-token",
        Chat,
        High,
        "Discord bot token assigned to a Discord setting (first segment decodes to a user id)",
        &["discord"],
        concat!(
            r"(?i:discord[\w.-]{0,30}(?:token|secret|key))",
            assign!(),
            r"([MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})",
            end_w!()
        ),
    )
    .ctx()
    .check(v_discord)
    .ex_fn("DISCORD_BOT_TOKEN", ex_discord),
    Rule::new(
        "discord-webhook-url",
        Chat,
        Medium,
        "Discord webhook URL",
        &["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
        r"(https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,72})",
    )
    .win(30, 200)
    .ex("DISCORD_WEBHOOK_URL", "https://discord.com/api/webhooks/1{d:18}/{w:68}")
    .shape(Shape::Url),
    Rule::new(
        "telegram-bot-token",
        Chat,
        High,
        "Telegram Bot API token (<bot id>:AA…)",
        &[":AA"],
        concat!(
            r"(?:^|[^0-9A-Za-z_:])([0-9]{8,10}:AA[A-Za-z0-9_-]{33})",
            end_w!()
        ),
    )
    .win(11, 40)
    .ex("TELEGRAM_BOT_TOKEN", "7{d:9}:AA{w:33}"),
    Rule::new(
        "teams-webhook-url",
        Chat,
        Medium,
        "Microsoft Teams incoming webhook URL",
        &["webhook.office.com"],
        concat!(
            r"(https://[a-z0-9-]{1,60}\.webhook\.office\.com/webhookb2/",
            uuid!(),
            "@",
            uuid!(),
            r"/IncomingWebhook/[0-9a-f]{32}/",
            uuid!(),
            r"(?:/[A-Za-z0-9_-]{20,80})?)"
        ),
    )
    .win(70, 300)
    .ex(
        "TEAMS_WEBHOOK_URL",
        "https://acme.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}",
    )
    .shape(Shape::Url),
    Rule::new(
        "twilio-api-key",
        Chat,
        High,
        "Twilio API key SID (SK…) assigned to a Twilio setting",
        &["twilio"],
        concat!(
            r"(?i:twilio)[\w.-]{0,30}",
            assign!(),
            r"(SK[0-9a-fA-F]{32})\b"
        ),
    )
    .ctx()
    .ex("TWILIO_API_KEY", "SK{h:32}"),
    Rule::new(
        "twilio-auth-token",
        Chat,
        Critical,
        "Twilio auth token assigned to a Twilio auth-token setting",
        &["twilio"],
        concat!(
            r"(?i:twilio[\w.-]{0,20}(?:auth[_.-]?token|secret))",
            assign!(),
            r"([0-9a-f]{32})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("TWILIO_AUTH_TOKEN", "{h:32}"),
    Rule::new(
        "sendgrid-api-key",
        Chat,
        High,
        "SendGrid API key (SG.)",
        &["SG."],
        concat!(
            r"(?:^|[^A-Za-z0-9_.])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
            end_w!()
        ),
    )
    .ex("SENDGRID_API_KEY", "SG.{w:22}.{w:43}"),
    Rule::new(
        "mailgun-api-key",
        Chat,
        High,
        "Mailgun private API key (key-)",
        &["key-"],
        r"(?:^|[^A-Za-z0-9_.-])(key-[0-9a-f]{32})\b",
    )
    .ex("MAILGUN_API_KEY", "key-{h:32}"),
    Rule::new(
        "mailgun-private-key",
        Chat,
        High,
        "Mailgun API key (32 hex-8 hex-8 hex) assigned to a Mailgun setting",
        &["mailgun"],
        concat!(
            r"(?i:mailgun[\w.-]{0,30}(?:key|secret))",
            assign!(),
            r"([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("MAILGUN_SENDING_KEY", "{h:32}-{h:8}-{h:8}"),
    Rule::new(
        "mailchimp-api-key",
        Chat,
        High,
        "Mailchimp API key (32 hex with a -usN data-centre suffix)",
        &["-us"],
        r"\b([0-9a-f]{32}-us[0-9]{1,2})\b",
    )
    .win(33, 5)
    .ex("MAILCHIMP_API_KEY", "{h:32}-us{d:2}"),
    Rule::new(
        "postmark-server-token",
        Chat,
        High,
        "Postmark server or account token (UUID) assigned to a Postmark setting",
        &["postmark"],
        concat!(
            r"(?i:postmark[\w.-]{0,30}(?:token|key))",
            assign!(),
            "(",
            uuid!(),
            r")\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("POSTMARK_SERVER_TOKEN", "{uuid}"),
    Rule::new(
        "brevo-api-key",
        Chat,
        High,
        "Brevo (Sendinblue) API key (xkeysib-)",
        &["xkeysib-"],
        r"\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})\b",
    )
    .ex("BREVO_API_KEY", "xkeysib-{h:64}-{A:16}"),
    Rule::new(
        "mailersend-api-token",
        Chat,
        High,
        "MailerSend API token (mlsn.)",
        &["mlsn."],
        r"\b(mlsn\.[a-f0-9]{64})\b",
    )
    .ex("MAILERSEND_API_KEY", "mlsn.{h:64}"),
    Rule::new(
        "firebase-cloud-messaging-key",
        Chat,
        High,
        "Firebase Cloud Messaging legacy server key (AAAA…:APA91b…)",
        &[":APA91b"],
        concat!(
            r"\b(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134})",
            end_w!()
        ),
    )
    .win(12, 150)
    .ex("FCM_SERVER_KEY", "AAAA{w:7}:APA91b{w:134}"),
    // ----------------------------------------------------------------- ai
    Rule::new(
        "openai-api-key",
        Ai,
        High,
        "OpenAI API key, legacy user format (sk-…T3BlbkFJ…)",
        &["T3BlbkFJ"],
        r"\b(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})\b",
    )
    .win(24, 30)
    .ex("OPENAI_API_KEY", "sk-{A:20}T3BlbkFJ{A:20}"),
    Rule::new(
        "openai-project-key",
        Ai,
        High,
        "OpenAI project, service-account or admin key (sk-proj-, sk-svcacct-, sk-admin-)",
        &["sk-proj-", "sk-svcacct-", "sk-admin-"],
        concat!(
            r"\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})",
            end_w!()
        ),
    )
    .win(1, 500)
    .ex("OPENAI_API_KEY", "sk-proj-{w:74}T3BlbkFJ{w:74}"),
    Rule::new(
        "anthropic-api-key",
        Ai,
        High,
        "Anthropic API key (sk-ant-api03-)",
        &["sk-ant-api"],
        concat!(r"\b(sk-ant-api[0-9]{2}-[A-Za-z0-9_-]{80,100}AA)", end_w!()),
    )
    .ex("ANTHROPIC_API_KEY", "sk-ant-api03-{w:93}AA"),
    Rule::new(
        "anthropic-admin-key",
        Ai,
        Critical,
        "Anthropic Admin API key (sk-ant-admin01-)",
        &["sk-ant-admin"],
        concat!(r"\b(sk-ant-admin[0-9]{2}-[A-Za-z0-9_-]{80,100}AA)", end_w!()),
    )
    .ex("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-{w:93}AA"),
    Rule::new(
        "huggingface-token",
        Ai,
        High,
        "Hugging Face user access token (hf_)",
        &["hf_"],
        r"\b(hf_[A-Za-z]{34})\b",
    )
    .ex("HF_TOKEN", "hf_{a:34}"),
    Rule::new(
        "huggingface-org-token",
        Ai,
        High,
        "Hugging Face organisation API token (api_org_)",
        &["api_org_"],
        r"\b(api_org_[A-Za-z]{34})\b",
    )
    .ex("HF_ORG_TOKEN", "api_org_{a:34}"),
    Rule::new(
        "groq-api-key",
        Ai,
        High,
        "Groq API key (gsk_)",
        &["gsk_"],
        r"\b(gsk_[A-Za-z0-9]{52})\b",
    )
    .ex("GROQ_API_KEY", "gsk_{A:52}"),
    Rule::new(
        "replicate-api-token",
        Ai,
        High,
        "Replicate API token (r8_)",
        &["r8_"],
        r"\b(r8_[A-Za-z0-9]{37})\b",
    )
    .ex("REPLICATE_API_TOKEN", "r8_{A:37}"),
    Rule::new(
        "perplexity-api-key",
        Ai,
        High,
        "Perplexity API key (pplx-)",
        &["pplx-"],
        r"\b(pplx-[A-Za-z0-9]{48})\b",
    )
    .ex("PERPLEXITY_API_KEY", "pplx-{A:48}"),
    Rule::new(
        "xai-api-key",
        Ai,
        High,
        "xAI API key (xai-)",
        &["xai-"],
        r"\b(xai-[A-Za-z0-9]{80})\b",
    )
    .ex("XAI_API_KEY", "xai-{A:80}"),
    Rule::new(
        "openrouter-api-key",
        Ai,
        High,
        "OpenRouter API key (sk-or-v1-)",
        &["sk-or-v1-"],
        r"\b(sk-or-v1-[a-f0-9]{64})\b",
    )
    .ex("OPENROUTER_API_KEY", "sk-or-v1-{h:64}"),
    Rule::new(
        "langsmith-api-key",
        Ai,
        High,
        "LangSmith API key (lsv2_pt_, lsv2_sk_)",
        &["lsv2_"],
        r"\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})\b",
    )
    .ex("LANGSMITH_API_KEY", "lsv2_pt_{h:32}_{h:10}"),
    Rule::new(
        "cohere-api-key",
        Ai,
        High,
        "Cohere API key assigned to a Cohere setting",
        &["cohere", "co_api_key"],
        concat!(
            r"(?i:(?:cohere|co)[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([A-Za-z0-9]{40})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("COHERE_API_KEY", "{A:40}"),
    Rule::new(
        "mistral-api-key",
        Ai,
        High,
        "Mistral AI API key assigned to a Mistral setting",
        &["mistral"],
        concat!(
            r"(?i:mistral[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([A-Za-z0-9]{32})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("MISTRAL_API_KEY", "{A:32}"),
    // ----------------------------------------------------------------- saas
    Rule::new(
        "atlassian-api-token",
        Saas,
        High,
        "Atlassian (Jira, Confluence) API token (ATATT3)",
        &["ATATT3"],
        concat!(r"\b(ATATT3[A-Za-z0-9_=-]{150,300})", end_w!()),
    )
    .win(1, 400)
    .ex("JIRA_API_TOKEN", "ATATT3xFfGF0{w:170}={H:8}"),
    Rule::new(
        "linear-api-key",
        Saas,
        High,
        "Linear personal API key (lin_api_)",
        &["lin_api_"],
        r"\b(lin_api_[A-Za-z0-9]{40})\b",
    )
    .ex("LINEAR_API_KEY", "lin_api_{A:40}"),
    Rule::new(
        "linear-oauth-token",
        Saas,
        High,
        "Linear OAuth access token (lin_oauth_)",
        &["lin_oauth_"],
        r"\b(lin_oauth_[a-f0-9]{64})\b",
    )
    .ex("LINEAR_OAUTH_TOKEN", "lin_oauth_{h:64}"),
    Rule::new(
        "notion-integration-token",
        Saas,
        High,
        "Notion internal integration token, legacy format (secret_)",
        &["secret_"],
        r"\b(secret_[A-Za-z0-9]{43})\b",
    )
    .check(v_entropy_token)
    .ex("NOTION_TOKEN", "secret_{A:43}"),
    Rule::new(
        "notion-token",
        Saas,
        High,
        "Notion integration token (ntn_)",
        &["ntn_"],
        r"\b(ntn_[0-9]{11}[A-Za-z0-9]{35})\b",
    )
    .ex("NOTION_API_KEY", "ntn_{d:11}{A:35}"),
    Rule::new(
        "sentry-org-token",
        Saas,
        High,
        "Sentry organisation auth token (sntrys_)",
        &["sntrys_"],
        concat!(r"\b(sntrys_eyJ[A-Za-z0-9+/=_-]{60,900})", end_b!()),
    )
    .win(1, 1000)
    .ex("SENTRY_AUTH_TOKEN", "sntrys_eyJ{w:120}_{w:43}"),
    Rule::new(
        "sentry-user-token",
        Saas,
        High,
        "Sentry user auth token (sntryu_)",
        &["sntryu_"],
        r"\b(sntryu_[a-f0-9]{64})\b",
    )
    .ex("SENTRY_USER_TOKEN", "sntryu_{h:64}"),
    Rule::new(
        "grafana-cloud-token",
        Saas,
        High,
        "Grafana Cloud access policy token (glc_)",
        &["glc_"],
        concat!(r"\b(glc_[A-Za-z0-9+/]{32,500}={0,2})", end_b!()),
    )
    .win(1, 600)
    .ex("GRAFANA_CLOUD_TOKEN", "glc_eyJ{b:100}"),
    Rule::new(
        "grafana-service-account-token",
        Saas,
        High,
        "Grafana service account token (glsa_)",
        &["glsa_"],
        r"\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b",
    )
    .ex("GRAFANA_SA_TOKEN", "glsa_{A:32}_{h:8}"),
    Rule::new(
        "datadog-api-key",
        Saas,
        High,
        "Datadog API key (32 hex) assigned to a Datadog/DD API-key setting",
        &["datadog", "dd_api_key", "dd-api-key"],
        concat!(
            r"(?i:(?:datadog|dd)[\w.-]{0,20}api[_.-]?key)",
            assign!(),
            r"([a-f0-9]{32})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("DD_API_KEY", "{h:32}"),
    Rule::new(
        "datadog-app-key",
        Saas,
        High,
        "Datadog application key (40 hex) assigned to a Datadog/DD app-key setting",
        &["datadog", "dd_app_key", "dd_application_key", "dd-application-key"],
        concat!(
            r"(?i:(?:datadog|dd)[\w.-]{0,20}app(?:lication)?[_.-]?key)",
            assign!(),
            r"([a-f0-9]{40})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("DD_APP_KEY", "{h:40}"),
    Rule::new(
        "newrelic-user-api-key",
        Saas,
        High,
        "New Relic user API key (NRAK-)",
        &["NRAK-"],
        r"\b(NRAK-[A-Z0-9]{27})\b",
    )
    .ex("NEW_RELIC_API_KEY", "NRAK-{U:27}"),
    Rule::new(
        "newrelic-insert-key",
        Saas,
        High,
        "New Relic insights insert key (NRII-)",
        &["NRII-"],
        concat!(r"\b(NRII-[A-Za-z0-9_-]{32})", end_w!()),
    )
    .ex("NEW_RELIC_INSERT_KEY", "NRII-{w:32}"),
    Rule::new(
        "newrelic-license-key",
        Saas,
        High,
        "New Relic ingest license key (…NRAL)",
        &["NRAL"],
        r"\b([a-f0-9]{36}NRAL)\b",
    )
    .win(37, 5)
    .ex("NEW_RELIC_LICENSE_KEY", "{h:36}NRAL"),
    Rule::new(
        "newrelic-browser-key",
        Saas,
        Low,
        "New Relic browser API key (NRJS-)",
        &["NRJS-"],
        r"\b(NRJS-[a-f0-9]{19})\b",
    )
    .ex("NEW_RELIC_BROWSER_KEY", "NRJS-{h:19}"),
    Rule::new(
        "okta-api-token",
        Saas,
        Critical,
        "Okta API token (00…) assigned to an Okta setting",
        &["okta"],
        concat!(
            r"(?i:okta[\w.-]{0,30}(?:token|key))",
            assign!(),
            r"(00[A-Za-z0-9_-]{40})",
            end_w!()
        ),
    )
    .ctx()
    .check(v_context)
    .ex("OKTA_API_TOKEN", "00{w:40}"),
    Rule::new(
        "figma-pat",
        Saas,
        High,
        "Figma personal access token (figd_)",
        &["figd_"],
        concat!(r"\b(figd_[A-Za-z0-9_-]{40})", end_w!()),
    )
    .ex("FIGMA_TOKEN", "figd_{w:40}"),
    Rule::new(
        "postman-api-key",
        Saas,
        High,
        "Postman API key (PMAK-)",
        &["PMAK-"],
        r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b",
    )
    .ex("POSTMAN_API_KEY", "PMAK-{h:24}-{h:34}"),
    Rule::new(
        "onepassword-service-account-token",
        Saas,
        Critical,
        "1Password service account token (ops_eyJ)",
        &["ops_eyJ"],
        concat!(r"\b(ops_eyJ[A-Za-z0-9+/=_-]{100,1900})", end_b!()),
    )
    .win(1, 2000)
    .ex("OP_SERVICE_ACCOUNT_TOKEN", "ops_eyJ{w:300}"),
    Rule::new(
        "dynatrace-api-token",
        Saas,
        High,
        "Dynatrace API token (dt0c01.)",
        &["dt0c01."],
        r"\b(dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})\b",
    )
    .ex("DT_API_TOKEN", "dt0c01.{U:24}.{U:64}"),
    Rule::new(
        "algolia-admin-key",
        Saas,
        High,
        "Algolia admin API key (32 hex) assigned to an Algolia setting",
        &["algolia"],
        concat!(
            r"(?i:algolia[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([a-f0-9]{32})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("ALGOLIA_ADMIN_KEY", "{h:32}"),
    Rule::new(
        "mapbox-secret-token",
        Saas,
        High,
        "Mapbox secret access token (sk.eyJ)",
        &["sk.eyJ"],
        concat!(
            r"\b(sk\.eyJ[A-Za-z0-9_-]{50,500}\.[A-Za-z0-9_-]{22})",
            end_w!()
        ),
    )
    .win(1, 600)
    .ex("MAPBOX_SECRET_TOKEN", "sk.eyJ1{w:80}.{w:22}"),
    Rule::new(
        "contentful-pat",
        Saas,
        High,
        "Contentful personal access token (CFPAT-)",
        &["CFPAT-"],
        concat!(r"\b(CFPAT-[A-Za-z0-9_-]{43})", end_w!()),
    )
    .ex("CONTENTFUL_MANAGEMENT_TOKEN", "CFPAT-{w:43}"),
    Rule::new(
        "airtable-pat",
        Saas,
        High,
        "Airtable personal access token (pat….<64 hex>) assigned to an Airtable setting",
        &["airtable"],
        concat!(
            r"(?i:airtable[\w.-]{0,30}(?:key|token|pat))",
            assign!(),
            r"(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b"
        ),
    )
    .ctx()
    .ex("AIRTABLE_TOKEN", "pat{A:14}.{h:64}"),
    Rule::new(
        "hubspot-private-app-token",
        Saas,
        High,
        "HubSpot private app access token (pat-na1-, pat-eu1-)",
        &["pat-na", "pat-eu"],
        concat!(r"\b(pat-(?:na|eu)[0-9]-", uuid!(), r")\b"),
    )
    .ex("HUBSPOT_ACCESS_TOKEN", "pat-na1-{uuid}"),
    Rule::new(
        "typeform-pat",
        Saas,
        High,
        "Typeform personal access token (tfp_)",
        &["tfp_"],
        concat!(r"\b(tfp_[A-Za-z0-9_-]{40,64})", end_w!()),
    )
    .ex("TYPEFORM_TOKEN", "tfp_{w:44}_{w:14}"),
    Rule::new(
        "prefect-api-key",
        Saas,
        High,
        "Prefect Cloud API key (pnu_)",
        &["pnu_"],
        r"\b(pnu_[A-Za-z0-9]{36})\b",
    )
    .ex("PREFECT_API_KEY", "pnu_{A:36}"),
    Rule::new(
        "pagerduty-api-key",
        Saas,
        High,
        "PagerDuty REST API key assigned to a PagerDuty setting",
        &["pagerduty"],
        concat!(
            r"(?i:pagerduty[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([A-Za-z0-9_+-]{20})",
            r"(?:[^A-Za-z0-9_+-]|\z)"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("PAGERDUTY_API_KEY", "u+{A:18}"),
    Rule::new(
        "zendesk-api-token",
        Saas,
        High,
        "Zendesk API token assigned to a Zendesk setting",
        &["zendesk"],
        concat!(
            r"(?i:zendesk[\w.-]{0,30}(?:key|token))",
            assign!(),
            r"([A-Za-z0-9]{40})\b"
        ),
    )
    .ctx()
    .check(v_context)
    .ex("ZENDESK_API_TOKEN", "{A:40}"),
    Rule::new(
        "age-secret-key",
        PrivateKey,
        Critical,
        "age encryption secret key (AGE-SECRET-KEY-1, bech32 checked)",
        &["AGE-SECRET-KEY-1"],
        r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b",
    )
    .check(v_age)
    .ex_fn("SOPS_AGE_KEY", ex_age),
    // ----------------------------------------------------------------- private keys
    Rule::new(
        "private-key-rsa",
        PrivateKey,
        Critical,
        "PEM RSA private key (PKCS #1) with its body",
        &["BEGIN RSA PRIVATE KEY"],
        pem!("RSA PRIVATE KEY"),
    )
    .win(12, 20000)
    .check(v_pem_der)
    .prio(1)
    .ex_fn("TLS_KEY", ex_pem_rsa)
    .shape(Shape::Block),
    Rule::new(
        "private-key-ec",
        PrivateKey,
        Critical,
        "PEM EC private key (SEC 1) with its body",
        &["BEGIN EC PRIVATE KEY"],
        pem!("EC PRIVATE KEY"),
    )
    .win(12, 8000)
    .check(v_pem_der)
    .prio(1)
    .ex_fn("TLS_KEY", ex_pem_ec)
    .shape(Shape::Block),
    Rule::new(
        "private-key-dsa",
        PrivateKey,
        Critical,
        "PEM DSA private key with its body",
        &["BEGIN DSA PRIVATE KEY"],
        pem!("DSA PRIVATE KEY"),
    )
    .win(12, 8000)
    .check(v_pem_der)
    .prio(1)
    .ex_fn("SSH_KEY", ex_pem_dsa)
    .shape(Shape::Block),
    Rule::new(
        "private-key-openssh",
        PrivateKey,
        Critical,
        "OpenSSH private key with its body",
        &["BEGIN OPENSSH PRIVATE KEY"],
        pem!("OPENSSH PRIVATE KEY"),
    )
    .win(12, 20000)
    .check(v_openssh)
    .prio(1)
    .ex_fn("SSH_PRIVATE_KEY", ex_pem_openssh)
    .shape(Shape::Block),
    Rule::new(
        "private-key-pkcs8",
        PrivateKey,
        Critical,
        "PEM PKCS #8 private key with its body",
        &["BEGIN PRIVATE KEY"],
        pem!("PRIVATE KEY"),
    )
    .win(12, 20000)
    .check(v_pem_der)
    .prio(1)
    .ex_fn("TLS_KEY", ex_pem_pkcs8)
    .shape(Shape::Block),
    Rule::new(
        "private-key-pkcs8-encrypted",
        PrivateKey,
        High,
        "PEM encrypted PKCS #8 private key with its body",
        &["BEGIN ENCRYPTED PRIVATE KEY"],
        pem!("ENCRYPTED PRIVATE KEY"),
    )
    .win(12, 20000)
    .check(v_pem_der)
    .prio(1)
    .ex_fn("TLS_KEY", ex_pem_pkcs8_encrypted)
    .shape(Shape::Block),
    Rule::new(
        "pgp-private-key-block",
        PrivateKey,
        Critical,
        "OpenPGP private key block (ASCII armour) with its body",
        &["BEGIN PGP PRIVATE KEY BLOCK"],
        pem!("PGP PRIVATE KEY BLOCK"),
    )
    .win(12, 65536)
    .check(v_pgp)
    .prio(1)
    .ex_fn("GPG_PRIVATE_KEY", ex_pgp)
    .shape(Shape::Block),
    Rule::new(
        "putty-private-key",
        PrivateKey,
        Critical,
        "PuTTY private key file (PuTTY-User-Key-File-2/3)",
        &["PuTTY-User-Key-File-"],
        r"(PuTTY-User-Key-File-[23]: [a-z0-9-]{3,40}(?:\r?\n|(?:\\r)?\\n)(?s:.)*?Private-MAC: [0-9a-f]{40,64})",
    )
    .win(0, 16384)
    .check(v_putty)
    .prio(1)
    .ex_fn("PUTTY_KEY", ex_putty)
    .shape(Shape::Block),
    // ----------------------------------------------------------------- jwt
    Rule::new(
        "jwt",
        Jwt,
        Medium,
        "JSON Web Token (three base64url segments, header with \"alg\")",
        &["eyJ"],
        r"(?:^|[^A-Za-z0-9_.-])(eyJ[A-Za-z0-9_-]{10,2000}\.[A-Za-z0-9_-]{2,4000}\.[A-Za-z0-9_-]{16,1500})(?:[^A-Za-z0-9_.=-]|\z)",
    )
    .win(1, 8192)
    .check(v_jwt)
    .prio(1)
    .ex_fn("SESSION_JWT", ex_jwt),
    // ----------------------------------------------------------------- connection strings
    Rule::new(
        "postgres-uri-password",
        ConnectionString,
        High,
        "PostgreSQL connection URI with an embedded password",
        &["postgres://", "postgresql://", "postgres+", "postgresql+"],
        r#"(?i:postgres(?:ql)?(?:\+[a-z0-9]{1,20})?)://(?P<user>[^:@/\s"'<>\[\](){}&]{1,64}):(?P<secret>[^:@/\s"'<>\[\](){}&]{1,128})@[A-Za-z0-9._-]{1,253}"#,
    )
    .ci()
    .win(0, 500)
    .check(v_conn)
    .ex("DATABASE_URL", "postgres://ledger_app:<<{A:20}>>@db.internal.acme-corp.net:5432/ledger")
    .shape(Shape::Url),
    Rule::new(
        "mysql-uri-password",
        ConnectionString,
        High,
        "MySQL / MariaDB connection URI with an embedded password",
        &["mysql://", "mariadb://", "mysql+"],
        r#"(?i:mysql|mariadb)(?:\+[a-z0-9]{1,20})?://(?P<user>[^:@/\s"'<>\[\](){}&]{1,64}):(?P<secret>[^:@/\s"'<>\[\](){}&]{1,128})@[A-Za-z0-9._-]{1,253}"#,
    )
    .ci()
    .win(0, 500)
    .check(v_conn)
    .ex("MYSQL_URL", "mysql://orders:<<{A:18}>>@mysql.internal.acme-corp.net:3306/orders")
    .shape(Shape::Url),
    Rule::new(
        "mongodb-uri-password",
        ConnectionString,
        High,
        "MongoDB connection URI (mongodb://, mongodb+srv://) with an embedded password",
        &["mongodb://", "mongodb+srv://"],
        r#"(?i:mongodb(?:\+srv)?)://(?P<user>[^:@/\s"'<>\[\](){}&]{1,64}):(?P<secret>[^:@/\s"'<>\[\](){}&]{1,128})@[A-Za-z0-9._-]{1,253}"#,
    )
    .ci()
    .win(0, 500)
    .check(v_conn)
    .ex("MONGODB_URI", "mongodb+srv://reporting:<<{A:22}>>@cluster0.ab1cd.mongodb.net/reports?retryWrites=true")
    .shape(Shape::Url),
    Rule::new(
        "amqp-uri-password",
        ConnectionString,
        High,
        "AMQP (RabbitMQ) connection URI with an embedded password",
        &["amqp://", "amqps://"],
        r#"(?i:amqps?)://(?P<user>[^:@/\s"'<>\[\](){}&]{1,64}):(?P<secret>[^:@/\s"'<>\[\](){}&]{1,128})@[A-Za-z0-9._-]{1,253}"#,
    )
    .ci()
    .win(0, 500)
    .check(v_conn)
    .ex("AMQP_URL", "amqps://worker:<<{A:20}>>@mq.internal.acme-corp.net:5671/jobs")
    .shape(Shape::Url),
    Rule::new(
        "redis-uri-password",
        ConnectionString,
        High,
        "Redis connection URI (redis://, rediss://) with an embedded password",
        &["redis://", "rediss://"],
        r#"(?i:rediss?)://(?P<user>[^:@/\s"'<>\[\](){}&]{0,64}):(?P<secret>[^:@/\s"'<>\[\](){}&]{1,128})@[A-Za-z0-9._-]{1,253}"#,
    )
    .ci()
    .win(0, 500)
    .check(v_conn)
    .ex("REDIS_URL", "rediss://:<<{A:32}>>@cache.internal.acme-corp.net:6380/0")
    .shape(Shape::Url),
    Rule::new(
        "jdbc-password",
        ConnectionString,
        High,
        "JDBC URL with a password parameter",
        &["jdbc:"],
        r#"(?i:jdbc:[a-z0-9]{2,20}:[^\s"'<>]{0,300}?[;?&](?:password|pwd)=)([^;&\s"'<>]{1,128})"#,
    )
    .ci()
    .win(0, 500)
    .check(v_conn)
    .ex(
        "JDBC_URL",
        "jdbc:sqlserver://sql.internal.acme-corp.net:1433;databaseName=ledger;user=ledger;password=<<{A:20}>>;encrypt=true",
    )
    .shape(Shape::Url),
    Rule::new(
        "ado-connection-string-password",
        ConnectionString,
        High,
        "ADO.NET / ODBC connection string with a Password= or Pwd= value",
        &["password=", "pwd="],
        r#"(?i:(?:server|data source|host|address)\s{0,2}=[^;"'\n]{1,200};[^"'\n]{0,300}?(?:password|pwd)\s{0,2}=\s{0,2})([^;"'\s]{1,128})"#,
    )
    .ci()
    .win(520, 140)
    .check(v_conn)
    .ex(
        "ConnectionStrings__Ledger",
        "Server=tcp:sql.internal.acme-corp.net,1433;Database=ledger;User ID=ledger;Password=<<{A:20}>>;Encrypt=True",
    )
    .shape(Shape::Url),
    Rule::new(
        "basic-auth-url",
        ConnectionString,
        High,
        "URL with embedded credentials (https://user:password@host)",
        &["://"],
        r#"\b(?i:https?|ftps?|sftp|smtps?|ldaps?|git|ssh|svn|wss?|imaps?|pop3s?|nntp)://(?P<user>[^:@/\s"'<>\[\](){}&]{1,64}):(?P<secret>[^:@/\s"'<>\[\](){}&]{1,128})@[A-Za-z0-9._-]{1,253}"#,
    )
    .win(12, 500)
    .check(v_conn)
    .prio(1)
    .ex("REPO_MIRROR_URL", "https://deploy-bot:<<{A:24}>>@git.internal.acme-corp.net/platform/ledger.git")
    .shape(Shape::Url),
    // ----------------------------------------------------------------- generic
    Rule::new(
        "generic-password",
        Generic,
        Medium,
        "A password-named setting (password, passwd, passphrase, pwd) with a literal value",
        &["password", "passwd", "passphrase", "pwd"],
        concat!(
            r"(?i)[\w./-]{0,30}(?:password|passwd|passphrase|pwd)[\w.-]{0,30}",
            r#"["']?\s{0,4}(?::=|=>|=|:)\s{0,4}"#,
            r#"(?:"([^"\s\\]{8,200})"|'([^'\s\\]{8,200})'|`([^`\s\\]{8,200})`|([A-Za-z0-9+/_.~!@#%^*-][A-Za-z0-9+/=_.~!@#%^*-]{7,199})(?:[ \t]*(?:[\r\n#]|\z)|[&"'<]))"#
        ),
    )
    .ctx()
    .win(32, 260)
    .check(v_generic_password)
    .prio(0)
    .ex("DB_PASSWORD", "{A:16}"),
    Rule::new(
        "generic-secret",
        Generic,
        Medium,
        "A secret-named setting (client_secret, secret_key, …) with a high-entropy literal value",
        &["secret"],
        concat!(
            r"(?i)[\w./-]{0,30}secret[\w.-]{0,30}",
            r#"["']?\s{0,4}(?::=|=>|=|:)\s{0,4}"#,
            r#"(?:"([^"\s\\]{12,200})"|'([^'\s\\]{12,200})'|`([^`\s\\]{12,200})`|([A-Za-z0-9+/_.~!@#%^*-][A-Za-z0-9+/=_.~!@#%^*-]{11,199})(?:[ \t]*(?:[\r\n#]|\z)|[&"'<]))"#
        ),
    )
    .ctx()
    .win(32, 260)
    .check(v_generic_key)
    .prio(0)
    .ex("APP_CLIENT_SECRET", "{A:32}"),
    Rule::new(
        "generic-api-key",
        Generic,
        Medium,
        "An API-key-named setting (api_key, apikey, access_key, auth_key) with a high-entropy literal value",
        &["api_key", "apikey", "api-key", "access_key", "accesskey", "access-key", "auth_key"],
        concat!(
            r"(?i)[\w./-]{0,30}(?:api[_-]?key|access[_-]?key|auth_key)[\w.-]{0,30}",
            r#"["']?\s{0,4}(?::=|=>|=|:)\s{0,4}"#,
            r#"(?:"([^"\s\\]{12,200})"|'([^'\s\\]{12,200})'|`([^`\s\\]{12,200})`|([A-Za-z0-9+/_.~!@#%^*-][A-Za-z0-9+/=_.~!@#%^*-]{11,199})(?:[ \t]*(?:[\r\n#]|\z)|[&"'<]))"#
        ),
    )
    .ctx()
    .win(32, 260)
    .check(v_generic_key)
    .prio(0)
    .ex("WEATHER_API_KEY", "{A:32}"),
    Rule::new(
        "generic-token",
        Generic,
        Medium,
        "A token-named setting (access_token, auth_token, …) with a high-entropy literal value",
        &["token"],
        concat!(
            r"(?i)[\w./-]{0,30}token[\w.-]{0,30}",
            r#"["']?\s{0,4}(?::=|=>|=|:)\s{0,4}"#,
            r#"(?:"([^"\s\\]{12,200})"|'([^'\s\\]{12,200})'|`([^`\s\\]{12,200})`|([A-Za-z0-9+/_.~!@#%^*-][A-Za-z0-9+/=_.~!@#%^*-]{11,199})(?:[ \t]*(?:[\r\n#]|\z)|[&"'<]))"#
        ),
    )
    .ctx()
    .win(32, 260)
    .check(v_generic_key)
    .prio(0)
    .ex("SERVICE_AUTH_TOKEN", "{A:32}"),
    Rule::new(
        "authorization-bearer",
        Generic,
        Medium,
        "A literal bearer token in an Authorization header",
        &["bearer "],
        r"(?i:bearer)\s{1,4}([A-Za-z0-9._~+/-]{20,2000}={0,2})",
    )
    .ci()
    .win(1, 2100)
    .check(v_bearer)
    .prio(0)
    .ex("AUTH_HEADER", "Authorization: Bearer <<{A:40}>>"),
    Rule::new(
        "authorization-basic",
        Generic,
        High,
        "A literal Basic credential (base64 user:password) in an Authorization header",
        &["authorization"],
        r#"(?i:authorization)["']?\s{0,4}[:=]\s{0,4}["']?(?i:basic)\s{1,4}([A-Za-z0-9+/]{8,500}={0,2})"#,
    )
    .ci()
    .win(1, 600)
    .check(v_basic_header)
    .prio(1)
    .ex_fn("HTTP_AUTH", ex_basic_header),
];

fn ex_basic_header(r: &mut Rng) -> String {
    let pw = r.chars(examples::cls('A'), 20);
    format!(
        "Authorization: Basic <<{}>>",
        examples::base64(format!("ci-bot:{pw}").as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_body_handles_escapes_and_headers() {
        let block = b"-----BEGIN RSA PRIVATE KEY-----\\nProc-Type: 4,ENCRYPTED\\nDEK-Info: AES-128-CBC,00\\n\\naGVsbG8=\\n-----END RSA PRIVATE KEY-----";
        assert_eq!(pem_body(block).as_deref(), Some(&b"hello"[..]));
    }

    #[test]
    fn generic_rejects_code_and_keeps_random() {
        let c = |m: &'static str, s: &'static str| Candidate {
            matched: m.as_bytes(),
            secret: s.as_bytes(),
        };
        assert_eq!(
            v_generic_key(&c("token: TokenStream,", "TokenStream")),
            Verdict::Reject
        );
        assert_eq!(
            v_generic_key(&c("secret = self.secret.clone", "self.secret.clone")),
            Verdict::Reject
        );
        assert_eq!(
            v_generic_key(&c("token_url = \"x\"", "q8Zt2LmX9vRw4Kp1Jd7s")),
            Verdict::Reject
        );
        assert_eq!(
            v_generic_key(&c("api_token = \"x\"", "q8Zt2LmX9vRw4Kp1Jd7s")),
            Verdict::Accept(Confidence::Low)
        );
    }

    #[test]
    fn wordiness_separates_identifiers_from_random_strings() {
        for w in [
            "DOT11_DIALOG_TOKEN",
            "SpGetContextTokenFn",
            "stop_on_duplicate_token",
            "azure_storage_account_key",
            "LSA_UNICODE_STRING",
            "correcthorsebatterystaple",
        ] {
            assert!(identifier_like(w.as_bytes()), "{w}");
        }
        for w in ["TLS13_CHACHA20_POLY1305_SHA256_INTERNAL", "base64string"] {
            assert!(identifier_like(w.as_bytes()), "{w}");
        }
        for r in [
            "yUsiwWnzNSJy2ofkf688TpiEPhzyWhiJ",
            "q8Zt2LmX9vRw4Kp1Jd7s",
            "jMqRDgxSsBqqznfmddGdu1TmmZOJQxdM",
            "K3J4H5L6M7N8P9Q2R3S4T5V6",
            "3f786850e387550fdab836ed7e6dc881de23001b",
        ] {
            assert!(!identifier_like(r.as_bytes()), "{r}");
        }
    }

    #[test]
    fn checksum_list_keys_are_file_names() {
        assert!(key_is_file_name(b"src/token.rs\":\"ab"));
        assert!(key_is_file_name(b"token.json: x"));
        assert!(!key_is_file_name(b"config.token = x"));
        assert!(!key_is_file_name(b"API_TOKEN=x"));
        assert!(key_is_file_name(b"lib/libwinapi_token.a\": \"x"));
        assert!(key_is_file_name(b"etc/passwd\":\"x"));
    }

    #[test]
    fn known_examples_are_recognised() {
        assert!(is_known_example(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(!is_known_example(b"AKIAQ2LB7WXRZK4MHT3N"));
    }
}
