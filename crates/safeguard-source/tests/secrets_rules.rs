//! Secret rules and engine: recall over every rule's generated example in realistic contexts,
//! negatives that must stay silent, streaming equivalence and bounded memory, invalid UTF-8,
//! redaction and fingerprints. The ignored `vendor_false_positives` test scans a real source
//! tree (`SAFEGUARD_BENCH_TREE`, default `/work/bench-secrets/vendor`) and prints hits per rule.

#[path = "../../safeguard-vulndb/tests/common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use safeguard_source::secrets::{
    self, Confidence, Example, Family, Match, Scanner, Shape, fingerprint, redact, rules,
};

// ---------------------------------------------------------------------------------------------
// A per-thread allocation counter, to prove streaming stays in bounded memory.

struct Counting;

thread_local! {
    static TRACK: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = TRACK.try_with(|t| {
        if t.get() {
            let _ = LIVE.try_with(|l| {
                let v = l.get() + delta;
                l.set(v);
                let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
            });
        }
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are plain
// thread-local cells without destructors.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize));
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's pointer, layout and size.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak bytes allocated (net) by this thread while running `f`.
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LIVE.with(|l| l.set(0));
    PEAK.with(|p| p.set(0));
    TRACK.with(|t| t.set(true));
    let out = f();
    TRACK.with(|t| t.set(false));
    (out, PEAK.with(Cell::get).max(0) as usize)
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn scanner() -> &'static Scanner {
    static S: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
    S.get_or_init(Scanner::new)
}

fn scan(data: &[u8]) -> Vec<Match> {
    let mut out = Vec::new();
    scanner().scan(data, &mut out);
    out
}

fn rule_index(id: &str) -> usize {
    rules()
        .iter()
        .position(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn target_dir() -> PathBuf {
    // `<target>/tmp` for integration tests: its parent is the target directory in use.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(Path::to_path_buf).unwrap_or(tmp)
}

fn json_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

fn unreserved(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// One planted context: the whole file, and the transform applied to the value.
struct Planted {
    name: &'static str,
    file: String,
    /// Byte offset of the expected secret in `file`.
    at: usize,
    /// The expected secret as it appears in `file`.
    secret: String,
}

/// Plant `ex` in every context its shape allows. `transform` must distribute over
/// concatenation (escaping, indenting), so the secret's place in the transformed value is
/// known exactly.
fn contexts(ex: &Example) -> Vec<Planted> {
    let key = ex.key;
    let lkey = key.to_ascii_lowercase();
    let prefix = &ex.value[..ex.secret_offset];
    let mut out = Vec::new();
    let mut plant =
        |name: &'static str, head: String, transform: &dyn Fn(&str) -> String, tail: &str| {
            let file = format!("{head}{}{tail}", transform(&ex.value));
            let at = head.len() + transform(prefix).len();
            out.push(Planted {
                name,
                file,
                at,
                secret: transform(&ex.secret),
            });
        };
    let id = |s: &str| s.to_string();
    match ex.shape {
        Shape::Token | Shape::Url => {
            plant(
                "env",
                format!("# billing service\nLOG_LEVEL=info\n{key}="),
                &id,
                "\nPORT=8080\n",
            );
            plant(
                "json",
                format!("{{\n  \"service\": \"billing\",\n  \"{lkey}\": \""),
                &json_escape,
                "\",\n  \"retries\": 3\n}\n",
            );
            plant(
                "yaml",
                format!("service:\n  name: billing\n  {lkey}: "),
                &id,
                "\n  replicas: 2\n",
            );
            plant(
                "code",
                format!("fn connect() -> Client {{\n    let {lkey} = \""),
                &json_escape,
                "\";\n    Client::new(&endpoint)\n}\n",
            );
            plant(
                "python",
                format!("import client\n\n{lkey} = '"),
                &id,
                "'\nclient.login()\n",
            );
            if ex.shape == Shape::Token && unreserved(&ex.value) {
                plant(
                    "url-query",
                    format!("curl -s \"https://api.acme-corp.net/v2/items?{lkey}="),
                    &id,
                    "&page=2\"\n",
                );
            }
            if ex.shape == Shape::Url {
                plant(
                    "prose",
                    "## Setup\n\nThe nightly job connects with ".to_string(),
                    &id,
                    " and exits.\n",
                );
            }
        }
        Shape::Block => {
            plant("raw", "# key material\n".to_string(), &id, "\n");
            plant(
                "json",
                format!("{{\"name\": \"edge\", \"{lkey}\": \""),
                &json_escape,
                "\"}\n",
            );
            plant(
                "yaml-block",
                format!("tls:\n  {lkey}: |\n  "),
                &|s: &str| s.replace('\n', "\n  "),
                "\n  port: 443\n",
            );
            plant("env-quoted", format!("{key}=\""), &id, "\"\nOTHER=1\n");
        }
        Shape::Document => {
            plant("file", String::new(), &id, "\n");
            plant("after-text", "// key file follows\n".to_string(), &id, "\n");
        }
    }
    out
}

fn line_col(file: &[u8], at: usize) -> (u32, u32) {
    let before = &file[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u32;
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => (at - nl) as u32,
        None => at as u32 + 1,
    };
    (line, col)
}

// ---------------------------------------------------------------------------------------------
// The rule table.

#[test]
fn rule_table_is_well_formed() {
    let all = rules();
    assert!(all.len() >= 110, "only {} rules", all.len());
    let mut ids = std::collections::HashSet::new();
    for r in all {
        assert!(ids.insert(r.id), "duplicate rule id {}", r.id);
        assert!(
            r.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !r.id.starts_with('-')
                && !r.id.ends_with('-'),
            "rule id {} is not kebab-case",
            r.id
        );
        assert!(!r.keywords.is_empty(), "{} has no keyword", r.id);
        assert!(
            r.keywords.iter().all(|k| k.len() >= 2),
            "{} has a keyword shorter than 2 bytes",
            r.id
        );
        assert!(!r.description.is_empty(), "{} has no description", r.id);
        let ex = r.example(1);
        assert!(!ex.secret.is_empty(), "{} generates an empty example", r.id);
        assert!(
            ex.value[ex.secret_offset..].starts_with(&ex.secret),
            "{}: secret offset is wrong",
            r.id
        );
    }
    // Every family has rules.
    for f in Family::ALL {
        assert!(
            all.iter().any(|r| r.family == f),
            "family {} has no rule",
            f.as_str()
        );
    }
    // Every rule compiles on its own too.
    for r in all {
        let s = Scanner::with_rules(&[r.id]).unwrap_or_else(|e| panic!("{}: {e}", r.id));
        assert_eq!(s.rule_indices().collect::<Vec<_>>(), vec![rule_index(r.id)]);
    }
}

#[test]
fn examples_are_deterministic_and_seed_dependent() {
    for r in rules() {
        assert_eq!(r.example(5), r.example(5), "{}", r.id);
        assert_ne!(r.example(5).secret, r.example(6).secret, "{}", r.id);
    }
}

// ---------------------------------------------------------------------------------------------
// (a) Recall.

#[test]
fn recall_every_rule_in_every_context() {
    const SEEDS: [u64; 3] = [1, 2, 3];
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut per_family: BTreeMap<Family, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut crosstalk = Vec::new();
    for (ri, r) in rules().iter().enumerate() {
        let mut found_all = true;
        for seed in SEEDS {
            let ex = r.example(seed);
            for p in contexts(&ex) {
                let matches = scan(p.file.as_bytes());
                let end = (p.at + p.secret.len()) as u64;
                let hit = matches.iter().find(|m| m.rule == ri);
                let entry = per_rule.entry(r.id).or_default();
                entry.1 += 1;
                match hit {
                    Some(m)
                        if m.start == p.at as u64
                            && m.end == end
                            && &*m.secret == p.secret.as_bytes() =>
                    {
                        let (line, col) = line_col(p.file.as_bytes(), p.at);
                        assert_eq!(
                            (m.line, m.column),
                            (line, col),
                            "{} in {}: wrong line/column",
                            r.id,
                            p.name
                        );
                        entry.0 += 1;
                    }
                    other => {
                        found_all = false;
                        misses.push(format!(
                            "{} [{} seed {seed}]: {}",
                            r.id,
                            p.name,
                            match other {
                                Some(m) => format!(
                                    "reported {}..{} `{}` instead of {}..{}",
                                    m.start,
                                    m.end,
                                    String::from_utf8_lossy(&m.secret),
                                    p.at,
                                    end
                                ),
                                None => format!("not found in {:?}", p.file),
                            }
                        ));
                    }
                }
                for m in &matches {
                    if m.rule != ri && m.start < end && m.end > p.at as u64 {
                        crosstalk.push(format!(
                            "{} example also reported by {} [{}]",
                            r.id,
                            m.rule().id,
                            p.name
                        ));
                    }
                }
            }
        }
        let f = per_family.entry(r.family).or_default();
        f.0 += 1;
        if found_all {
            f.1 += 1;
        }
        let e = per_rule.get(r.id).copied().unwrap_or_default();
        f.2 += e.1;
    }
    let mut table = String::from(
        "| family | rules | rules with 100% recall | planted examples | detected |\n|---|---:|---:|---:|---:|\n",
    );
    let (mut tr, mut tf, mut tp, mut td) = (0, 0, 0, 0);
    for (fam, (n, full, planted)) in &per_family {
        let detected: usize = rules()
            .iter()
            .filter(|r| r.family == *fam)
            .map(|r| per_rule.get(r.id).map_or(0, |e| e.0))
            .sum();
        table.push_str(&format!(
            "| {} | {n} | {full} | {planted} | {detected} |\n",
            fam.as_str()
        ));
        tr += n;
        tf += full;
        tp += planted;
        td += detected;
    }
    table.push_str(&format!("| **all** | {tr} | {tf} | {tp} | {td} |\n"));
    println!("{table}");
    let _ = std::fs::create_dir_all(target_dir());
    let _ = std::fs::write(target_dir().join("secrets-recall.md"), &table);
    common::check_doc_section(
        "secrets-recall",
        &format!(
            "## Secret detection: recall per rule family\n\n\
             Every rule's own generator makes format-valid fake tokens (3 seeds), planted in each \
             of the contexts a rule applies to (.env, JSON, YAML, Rust and Python strings, URL \
             query, prose, PEM raw / JSON-escaped / YAML block); the secret, its offset, line and \
             column must all come back, and no second rule may report the same span \
             (`cargo test -p safeguard-source --test secrets_rules recall`).\n\n{table}"
        ),
    );
    assert!(misses.is_empty(), "missed:\n{}", misses.join("\n"));
    assert!(
        crosstalk.is_empty(),
        "overlapping reports:\n{}",
        crosstalk.join("\n")
    );
    assert_eq!(td, tp);
    assert!(tr >= 110);
}

// ---------------------------------------------------------------------------------------------
// (b) Negatives.

const NEGATIVES: &[(&str, &str)] = &[
    ("placeholder password", "password = \"changeme\"\n"),
    (
        "placeholder env",
        "API_TOKEN=${API_TOKEN}\nGITHUB_TOKEN=$GITHUB_TOKEN\n",
    ),
    (
        "angle placeholder",
        "token: <your-token>\napi_key: <YOUR_API_KEY>\n",
    ),
    (
        "python environ",
        "api_key = os.environ[\"WEATHER_API_KEY\"]\n",
    ),
    ("node env", "const token = process.env.GITHUB_TOKEN;\n"),
    (
        "template",
        "password: \"{{ .Values.db.password }}\"\nsecret: '{{ secrets.DEPLOY }}'\n",
    ),
    (
        "xxx token",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    ),
    ("stars", "secret_key = \"****************************\"\n"),
    (
        "aws documented key id",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
    ),
    (
        "aws documented secret",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    ),
    (
        "azurite key",
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n",
    ),
    (
        "jwt.io sample",
        "token = \"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\"\n",
    ),
    (
        "uuids",
        "id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\nrequest_id = \"9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d\"\n",
    ),
    (
        "git shas",
        "commit 8f14e45fceea167a5a36dedd4bea2543e1b2d6c2\nrev = \"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\"\n",
    ),
    (
        "base64 of text",
        "message: SGVsbG8gd29ybGQsIHRoaXMgaXMgYSBwbGFpbiBzZW50ZW5jZSBvZiB0ZXh0Lg==\nsecret_message = \"VGhpcyBpcyBqdXN0IGFuIG9yZGluYXJ5IHNlbnRlbmNlIGZvciB0ZXN0aW5n\"\n",
    ),
    (
        "npm integrity",
        "\"integrity\": \"sha512-Tpp60P6IUJDTuOq/5Z8cdskzJujfwqfOTkrwIwj7IRISpnkJnT6SyJ4PCPnGMoFjC9ddhal5KVIYtAt97ix05A==\",\n",
    ),
    (
        "cargo lock checksum",
        "[[package]]\nname = \"aho-corasick\"\nversion = \"1.1.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"8e60d3430d3a69478ad0993f19238d2df97c507009a52b3c10addcd7f6bcb916\"\n",
    ),
    (
        "minified js",
        "!function(e,t){\"object\"==typeof exports?module.exports=t():e.lib=t()}(this,function(){var n={token:function(e){return e.a},password:function(t){return t.b}},r=n.token(x),o=n.password(y);return{token:r,secret:o,apiKey:void 0}});\n",
    ),
    (
        "rust code",
        "let token = input.parse::<Token>()?;\nlet secret: &[u8] = &self.secret;\nfn password(&self) -> &str { &self.password }\n",
    ),
    (
        "type annotations",
        "    pub token: TokenStream,\n    secret_key: Option<SecretKey>,\n    password_hash: String,\n",
    ),
    (
        "localhost db defaults",
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app\nREDIS_URL=redis://:password@localhost:6379\n",
    ),
    (
        "documentation url",
        "git clone https://user:password@example.com/repo.git\nhttps://alice:s3cr3tPa55w0rd@example.org/\n",
    ),
    (
        "empty pem",
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n",
    ),
    (
        "pem placeholder",
        "key: \"-----BEGIN PRIVATE KEY-----\\n<your key here>\\n-----END PRIVATE KEY-----\"\n",
    ),
    (
        "public key",
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8FZkbtG5zv4V1d9Cw3kZkzP9mLqZ\n-----END PUBLIC KEY-----\n",
    ),
    (
        "hex hash",
        "sha256 = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"\n",
    ),
    (
        "version strings",
        "token_version = \"1.2.3\"\npassword_min_length = 12\n",
    ),
    (
        "identifiers as values",
        "pub Password: LSA_UNICODE_STRING,\nDialogToken: DOT11_DIALOG_TOKEN,\npub GetToken: KspGetTokenFn,\nlet secret = my_private_key\nself.stop_on_duplicate_token = stop_on_duplicate_token;\npub const XBL_IDP_AUTH_TOKEN_STATUS_SUCCESS: XBL_IDP_AUTH_TOKEN_STATUS = 0i32;\nlet traffic_secret_expander = TLS13_CHACHA20_POLY1305_SHA256_INTERNAL\n\"accessToken\": \"base64string\",\n",
    ),
    (
        "checksum list",
        "{\"files\":{\"src/token.rs\":\"b3cc4a1f0d2e9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b\",\"tests/etc/passwd\":\"3728274286c9e78a8a3f17c0973930eb112e9cc7959de2310510ba0d6b60bf49\"}}\n",
    ),
    (
        "documented credentials in urls",
        "Proxy::all(\"https://Aladdin:opensesame@localhost:8887\")\nredis://foo:bar@somehost:6379/0\npostgresql://user:correct%20horse%20battery%20staple@localhost\nmysql://{user}:{encoded_password}@localhost/bar\n\"Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\"\nhttp://ldap%5Cgremlin:pass%3Bword@127.0.0.1:8080\n",
    ),
    ("edited aws example", "\"AKIAIOSFODNN7EXAMPLF\",\n"),
    (
        "cache keys",
        "let k = \"cache-key-5d41402abc4b2a76b9719d911017c592\";\nid: build_key-0cc175b9c0f1b6a831c399e269772661\n",
    ),
    (
        "url parser test data",
        "\"password\": \"%20!%22$%&'()*+,-.%3A%3B%3C%3D%3E%40%5B%5C%5D%5E_%60%7B%7C%7D~\",\n",
    ),
];

#[test]
fn negatives_stay_silent() {
    let mut noisy = Vec::new();
    for (name, text) in NEGATIVES {
        for m in scan(text.as_bytes()) {
            noisy.push(format!(
                "{name}: {} reported `{}`",
                m.rule().id,
                String::from_utf8_lossy(&m.secret)
            ));
        }
    }
    assert!(noisy.is_empty(), "false positives:\n{}", noisy.join("\n"));
}

#[test]
fn lockfiles_from_shared_testdata_stay_silent() {
    for rel in [
        "bench/inputs/bignode/package-lock.json",
        "bench/inputs/bigrust/Cargo.lock",
        "testdata/cdxgen-testdata/test/data/package-json/theia/package-lock.json",
    ] {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).join(rel);
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(data.len() > 10_000, "{rel} looks truncated");
        let found = scan(&data);
        let ids: Vec<String> = found
            .iter()
            .map(|m| format!("{}:{} {}", m.line, m.rule().id, m.redacted()))
            .collect();
        assert!(ids.is_empty(), "{rel}: {ids:?}");
    }
}

#[test]
fn github_checksum_sets_confidence() {
    let ex = rules()[rule_index("github-classic-pat")].example(9);
    let good = format!("GITHUB_TOKEN={}\n", ex.secret);
    let m = scan(good.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].confidence, Confidence::High);
    // Change one checksum character: still the format, but not a token GitHub issued.
    let mut bad = ex.secret.clone().into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'a' { b'b' } else { b'a' };
    let bad = format!("GITHUB_TOKEN={}\n", String::from_utf8_lossy(&bad));
    let m = scan(bad.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].rule().id, "github-classic-pat");
    assert_eq!(m[0].confidence, Confidence::Low);
}

#[test]
fn age_key_checksum_sets_confidence() {
    let ex = rules()[rule_index("age-secret-key")].example(4);
    let m = scan(ex.secret.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].confidence, Confidence::High);
    let mut broken = ex.secret.into_bytes();
    let i = broken.len() - 3;
    broken[i] = if broken[i] == b'Q' { b'P' } else { b'Q' };
    let m = scan(&broken);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].confidence, Confidence::Low);
}

// ---------------------------------------------------------------------------------------------
// (c) Streaming.

/// A reader handing out at most `step` bytes per call.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn stream(data: &[u8], step: usize) -> Vec<Match> {
    let mut out = Vec::new();
    let n = scanner()
        .scan_reader(Trickle { data, step }, &mut out)
        .unwrap_or_else(|e| panic!("in-memory reader failed: {e}"));
    assert_eq!(n, data.len() as u64);
    out
}

/// Filler that looks like source: lines of identifiers and punctuation, no secrets.
fn filler(len: usize, seed: u64) -> Vec<u8> {
    let words: [&[u8]; 12] = [
        b"let",
        b"value",
        b"token",
        b"=",
        b"self.parse()",
        b";",
        b"fn",
        b"config",
        b"//",
        b"if",
        b"secret_name",
        b"return",
    ];
    let mut out = Vec::with_capacity(len + 16);
    let mut s = seed | 1;
    while out.len() < len {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        out.extend_from_slice(words[(s % 12) as usize]);
        out.push(if s.is_multiple_of(9) { b'\n' } else { b' ' });
    }
    out.truncate(len);
    out
}

#[test]
fn secret_straddling_a_chunk_boundary_is_found_once() {
    let ov = scanner().overlap();
    let token = rules()[rule_index("github-classic-pat")].example(11).secret;
    // The first chunk reports secrets starting before CHUNK - overlap; the file ends well past
    // the first CHUNK so that boundary and the physical one at CHUNK are both crossed.
    for start in [
        secrets::CHUNK - ov - 20,
        secrets::CHUNK - ov - 1,
        secrets::CHUNK - ov,
        secrets::CHUNK - ov + 1,
        secrets::CHUNK - 20,
        secrets::CHUNK - 1,
        secrets::CHUNK,
    ] {
        let mut data = filler(start - 1, start as u64);
        data.push(b'\n');
        data.extend_from_slice(token.as_bytes());
        data.extend_from_slice(b"\n");
        data.extend(filler(secrets::CHUNK + 1000, 7));
        let whole = scan(&data);
        let streamed = stream(&data, 1 << 20);
        let ours: Vec<&Match> = streamed
            .iter()
            .filter(|m| m.rule().id == "github-classic-pat")
            .collect();
        assert_eq!(ours.len(), 1, "start {start}: {ours:?}");
        assert_eq!(ours[0].start, start as u64);
        let (line, col) = line_col(&data, start);
        assert_eq!((ours[0].line, ours[0].column), (line, col), "start {start}");
        assert_eq!(col, 1);
        assert_eq!(whole, streamed, "start {start}");
    }
}

/// 50 MiB of filler with a secret of a rotating rule every ~16 KiB.
fn big_input() -> (Vec<u8>, BTreeMap<&'static str, usize>) {
    const SIZE: usize = 50 << 20;
    let singles: Vec<usize> = rules()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.example_shape == Shape::Token && r.family != Family::Generic)
        .map(|(i, _)| i)
        .collect();
    let mut data = Vec::with_capacity(SIZE + 4096);
    let mut planted: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut k = 0u64;
    while data.len() < SIZE {
        let gap = 12_000 + (k as usize * 7919) % 8000;
        data.extend(filler(gap, k));
        let r = &rules()[singles[k as usize % singles.len()]];
        let ex = r.example(1000 + k);
        data.extend_from_slice(format!("\n{}={}\n", ex.key, ex.value).as_bytes());
        *planted.entry(r.id).or_default() += 1;
        k += 1;
    }
    (data, planted)
}

#[test]
fn streaming_equals_whole_scan_in_bounded_memory() {
    let (data, planted) = big_input();
    let whole = scan(&data);
    let mut found: BTreeMap<&'static str, usize> = BTreeMap::new();
    for m in whole.iter().filter(|m| m.rule().family != Family::Generic) {
        *found.entry(m.rule().id).or_default() += 1;
    }
    assert_eq!(found, planted, "every planted secret is found once");
    let mut out = Vec::with_capacity(whole.len() + 16);
    let (read, peak) = peak_allocation(|| {
        scanner()
            .scan_reader(&data[..], &mut out)
            .unwrap_or_else(|e| panic!("in-memory reader failed: {e}"))
    });
    assert_eq!(read, data.len() as u64);
    assert_eq!(out, whole);
    // The chunk buffer plus overlaps and per-chunk bookkeeping; nothing like the 50 MiB input.
    let bound = secrets::CHUNK + 4 * scanner().overlap() + (4 << 20);
    assert!(
        peak <= bound,
        "peak allocation {peak} bytes exceeds {bound} bytes"
    );
    // Small reads give the same answer.
    assert_eq!(stream(&data[..12 << 20], 65_537), scan(&data[..12 << 20]));
}

// ---------------------------------------------------------------------------------------------
// (d) Invalid UTF-8.

#[test]
fn tokens_inside_invalid_utf8_are_found() {
    for id in [
        "github-classic-pat",
        "slack-bot-token",
        "aws-access-key-id",
        "stripe-secret-key",
    ] {
        let ex = rules()[rule_index(id)].example(21);
        let mut data = vec![0xff, 0xfe, 0x00, 0xc3, b'\n', 0x80, b' '];
        let at = data.len();
        data.extend_from_slice(ex.secret.as_bytes());
        data.extend_from_slice(&[0x00, 0xff, 0xc0, 0xaf]);
        let m = scan(&data);
        assert_eq!(m.len(), 1, "{id}: {m:?}");
        assert_eq!(m[0].rule().id, id);
        assert_eq!(m[0].start, at as u64);
        assert_eq!((m[0].line, m[0].column), (2, 3));
    }
    // Random binary noise never panics and finds nothing.
    let mut noise = Vec::with_capacity(1 << 20);
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..(1 << 20) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        noise.push((s >> 24) as u8);
    }
    assert_eq!(scan(&noise), Vec::new());
}

#[test]
fn pathological_repetitions_find_nothing_and_end() {
    // Dense keyword hits merge into one window per rule; every regex then runs once over it.
    for unit in [
        &b"token="[..],
        b"password: ",
        b"-----BEGIN RSA PRIVATE KEY-----\n",
        b"https://",
        b"eyJhbGciOi.",
        b"ghp_",
        b"AKIA",
        b"sk-proj-T3BlbkFJ",
    ] {
        let data = unit.repeat((2 << 20) / unit.len());
        let summary = |ms: Vec<Match>| -> Vec<String> {
            ms.iter()
                .take(5)
                .map(|m| format!("{} at {} len {}", m.rule().id, m.start, m.secret.len()))
                .collect()
        };
        let name = String::from_utf8_lossy(unit);
        assert_eq!(summary(scan(&data)), Vec::<String>::new(), "{name}");
        assert_eq!(
            summary(stream(&data, 1 << 16)),
            Vec::<String>::new(),
            "{name}"
        );
    }
    // A real secret after a long run of near-misses is still found, on the right line.
    let mut data = b"token=".repeat(100_000);
    data.push(b'\n');
    let ex = rules()[rule_index("slack-bot-token")].example(2).secret;
    data.extend_from_slice(ex.as_bytes());
    let m = scan(&data);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].line, m[0].column), (2, 1));
}

// ---------------------------------------------------------------------------------------------
// (e) Redaction and fingerprints.

#[test]
fn redaction_never_contains_the_secret() {
    for r in rules() {
        for seed in 0..4 {
            let s = r.example(seed).secret;
            let red = redact(s.as_bytes());
            assert!(!red.contains(&s), "{}: {red}", r.id);
            assert!(
                red.ends_with(&format!("…({} chars)", s.len())),
                "{}: {red}",
                r.id
            );
            let shown = red.split('…').next().unwrap_or_default();
            assert!(shown.len() <= 4, "{}: {red}", r.id);
            assert!(s.starts_with(shown), "{}: {red}", r.id);
        }
    }
}

#[test]
fn fingerprints_are_location_independent() {
    let ex = rules()[rule_index("gitlab-pat")].example(3);
    let a = scan(format!("GITLAB_TOKEN={}\n", ex.secret).as_bytes());
    let b = scan(format!("\n\n\n  token: \"{}\"\n", ex.secret).as_bytes());
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_ne!((a[0].line, a[0].column), (b[0].line, b[0].column));
    assert_eq!(a[0].fingerprint(), b[0].fingerprint());
    assert_eq!(
        a[0].fingerprint(),
        fingerprint("gitlab-pat", ex.secret.as_bytes())
    );
    assert_ne!(
        fingerprint("gitlab-pat", ex.secret.as_bytes()),
        fingerprint("gitlab-deploy-token", ex.secret.as_bytes())
    );
    // sha256("safeguard-secret-v1\0r\0s") computed outside Rust.
    assert_eq!(
        fingerprint("r", b"s"),
        "d8fccc7f0071c4121f0860563ad9c1636bf0df9e6583c52fca3a61ddef17ff66"
    );
}

#[test]
fn with_rules_selects_and_rejects_unknown_ids() {
    let err = Scanner::with_rules(&["github-classic-pat", "no-such-rule"])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("no-such-rule"), "{err}");
    let only = Scanner::with_rules(&["slack-bot-token"]).unwrap_or_else(|e| panic!("{e}"));
    let gh = rules()[rule_index("github-classic-pat")].example(1).secret;
    let sl = rules()[rule_index("slack-bot-token")].example(1).secret;
    let text = format!("a={gh}\nb={sl}\n");
    let mut out = Vec::new();
    only.scan(text.as_bytes(), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].rule().id, "slack-bot-token");
    assert_eq!(out[0].line, 2);
    let mut all = Vec::new();
    Scanner::new().scan(text.as_bytes(), &mut all);
    assert_eq!(all.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// False positives on a real tree (ignored by default: needs the benchmark tree).

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&e.path(), files);
        } else if ft.is_file() {
            files.push(e.path());
        }
    }
}

#[test]
#[ignore = "scans the benchmark tree in SAFEGUARD_BENCH_TREE (default /work/bench-secrets/vendor)"]
fn vendor_false_positives() {
    let root = std::env::var("SAFEGUARD_BENCH_TREE")
        .unwrap_or_else(|_| "/work/bench-secrets/vendor".to_string());
    let mut files = Vec::new();
    walk(Path::new(&root), &mut files);
    files.sort();
    let s = scanner();
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut samples: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut bytes = 0u64;
    let mut out = Vec::new();
    let started = std::time::Instant::now();
    for f in &files {
        let Ok(data) = std::fs::read(f) else { continue };
        bytes += data.len() as u64;
        out.clear();
        s.scan(&data, &mut out);
        for m in &out {
            *per_rule.entry(m.rule().id).or_default() += 1;
            let v = samples.entry(m.rule().id).or_default();
            if v.len() < 5 {
                let rel = f.strip_prefix(&root).unwrap_or(f);
                v.push(format!("{}:{} {}", rel.display(), m.line, m.redacted()));
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let mut report = format!(
        "{} files, {:.1} MB, {} hits, {:.0} MB/s (this build profile)\n\n| rule | hits | samples |\n|---|---:|---|\n",
        files.len(),
        bytes as f64 / 1e6,
        per_rule.values().sum::<usize>(),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
    for (id, n) in &per_rule {
        report.push_str(&format!(
            "| {id} | {n} | {} |\n",
            samples.get(id).map(|v| v.join("<br>")).unwrap_or_default()
        ));
    }
    println!("{report}");
    let _ = std::fs::write(target_dir().join("secrets-fp.md"), &report);
    assert!(bytes > 0, "no files under {root}");
}
