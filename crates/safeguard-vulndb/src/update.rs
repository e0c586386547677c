//! Downloading osv.dev's per-ecosystem exports, for `safeguard db update`.
//!
//! osv.dev publishes every ecosystem's records as one archive at
//! `{DEFAULT_BASE_URL}/{ECOSYSTEM}/all.zip` (the ecosystem name percent-encoded as one URL path
//! segment, so `Red Hat` is fetched from `Red%20Hat/all.zip`), and the list of ecosystems at
//! `{DEFAULT_BASE_URL}/ecosystems.txt`. The bucket is served by Google Cloud Storage, which
//! sends `ETag` and `Last-Modified` with each object and answers `304 Not Modified` to a
//! matching `If-None-Match` or a not-older `If-Modified-Since`.
//!
//! [`download`] fetches each requested ecosystem in turn:
//!
//! 1. the body is streamed to a temporary file in the destination folder (never held in
//!    memory), capped at [`MAX_BODY_BYTES`];
//! 2. the file must start like a zip archive and open with [`zip::ZipArchive`], so an HTML error
//!    page served with status 200 (a captive portal, a proxy) is refused;
//! 3. it is then renamed over `{dest_dir}/{file_stem}.zip` in one step, and its `ETag` /
//!    `Last-Modified` are kept in `{file_stem}.zip.meta.json` for the next run's conditional
//!    request. A `304` leaves the previous file in place and reports it as unchanged.
//!
//! A failure for one ecosystem never touches that ecosystem's previous file and does not stop
//! the others: [`UpdateReport`] carries one [`Outcome`] per ecosystem. Proxies are taken from the
//! usual environment variables (`ALL_PROXY`, `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), except for
//! loopback base URLs, which are always fetched directly.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use safeguard_model::Ecosystem;
use serde::{Deserialize, Serialize};

/// Where osv.dev publishes its exports (a public Google Cloud Storage bucket).
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The largest export accepted, in bytes (4 GiB). osv.dev's largest per-ecosystem archives are
/// a few hundred megabytes.
pub const MAX_BODY_BYTES: u64 = 4 << 30;

/// The largest `ecosystems.txt` accepted by [`list_ecosystems`], in bytes.
pub const MAX_LIST_BYTES: u64 = 1 << 20;

/// The default for [`UpdateOptions::timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest ecosystem name accepted, in bytes; keeps the file names it maps to short enough
/// for every common file system.
pub const MAX_ECOSYSTEM_LEN: usize = 64;

/// What the user can do when the network is not available.
const OFFLINE_HINT: &str = "If this machine is offline or behind a firewall, download all.zip \
     elsewhere and run `safeguard db import FILE`";

/// The size of the copy buffer.
const CHUNK: usize = 64 * 1024;

/// How many leading body bytes are kept to describe a body that is not a zip.
const HEAD_LEN: usize = 64;

/// The OSV ecosystems Safeguard's inventory produces components for, by their OSV names.
pub fn default_ecosystems() -> Vec<&'static str> {
    Ecosystem::ALL
        .iter()
        .filter(|e| **e != Ecosystem::Generic)
        .map(|e| e.osv_name())
        .collect()
}

/// What to download and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateOptions {
    /// The export root, `http://` or `https://`, with or without a trailing `/`;
    /// normally [`DEFAULT_BASE_URL`].
    pub base_url: String,
    /// OSV ecosystem names, spelt as OSV spells them (`crates.io`, `PyPI`, `Red Hat`).
    /// Repeated names are fetched once.
    pub ecosystems: Vec<String>,
    /// The folder the archives are kept in; created if missing.
    pub dest_dir: PathBuf,
    /// How long any one network step (name lookup, connecting, waiting for the response
    /// headers, each read of the body) may take. The whole download has no time limit, so a
    /// slow but steady connection still finishes. [`Duration::ZERO`] means no limit.
    pub timeout: Duration,
}

impl UpdateOptions {
    /// Options for the default base URL, the [`default_ecosystems`] and [`DEFAULT_TIMEOUT`].
    pub fn new(dest_dir: impl Into<PathBuf>) -> Self {
        UpdateOptions {
            base_url: DEFAULT_BASE_URL.to_owned(),
            ecosystems: default_ecosystems()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            dest_dir: dest_dir.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Progress of one ecosystem's download, reported while its body arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress<'a> {
    /// The ecosystem being fetched.
    pub ecosystem: &'a str,
    /// Body bytes received so far. In the final (`done`) report: the archive's size after a
    /// fresh download, 0 when it was unchanged or the download failed.
    pub bytes: u64,
    /// The body size, when the server announced it (in the final report: when a fresh
    /// archive was stored).
    pub total: Option<u64>,
    /// Whether this ecosystem is finished, successfully or not. Reported exactly once per
    /// ecosystem, last.
    pub done: bool,
}

/// An export that is now on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The OSV ecosystem name.
    pub ecosystem: String,
    /// The archive, `{dest_dir}/{file_stem}.zip`.
    pub path: PathBuf,
    /// The archive's size in bytes.
    pub bytes: u64,
    /// The server said the archive has not changed since the previous download, which was
    /// kept as it was.
    pub unchanged: bool,
}

/// The result for one ecosystem.
#[derive(Debug)]
pub struct Outcome {
    /// The OSV ecosystem name, as requested.
    pub ecosystem: String,
    /// The archive on disk, or why it could not be fetched (the previous archive, if any, is
    /// then still in place).
    pub result: Result<Downloaded, UpdateError>,
}

/// The results of [`download`], one per requested ecosystem, in request order.
#[derive(Debug, Default)]
pub struct UpdateReport {
    /// One entry per distinct requested ecosystem.
    pub outcomes: Vec<Outcome>,
}

impl UpdateReport {
    /// The ecosystems whose archive is on disk and current.
    pub fn downloaded(&self) -> impl Iterator<Item = &Downloaded> {
        self.outcomes.iter().filter_map(|o| o.result.as_ref().ok())
    }

    /// The ecosystems that failed, with the reason.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &UpdateError)> {
        self.outcomes
            .iter()
            .filter_map(|o| o.result.as_ref().err().map(|e| (o.ecosystem.as_str(), e)))
    }

    /// Whether every ecosystem succeeded.
    pub fn is_complete(&self) -> bool {
        self.outcomes.iter().all(|o| o.result.is_ok())
    }
}

/// Why an update, or one ecosystem's download, failed. Each message names the URL or file and
/// says what to try next.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The base URL cannot be used.
    #[error(
        "the download URL `{url}` is not usable: {reason}; give an http:// or https:// URL such as {DEFAULT_BASE_URL}"
    )]
    BadBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The ecosystem name cannot be turned into a URL and a file name.
    #[error(
        "the ecosystem name {ecosystem:?} is not usable: {reason}; use an OSV ecosystem name such as `crates.io` or `PyPI`"
    )]
    BadEcosystem {
        /// The name as given.
        ecosystem: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The destination folder could not be created.
    #[error("cannot create the database folder {}: {source}; check the path and its permissions", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The request could not be made or no response arrived (DNS, connection, TLS, proxy,
    /// timeout).
    #[error(
        "could not fetch {url}: {message}. Check the network connection and any proxy settings (HTTPS_PROXY, NO_PROXY). {OFFLINE_HINT}"
    )]
    Transport {
        /// The URL requested.
        url: String,
        /// The HTTP client's description of the failure.
        message: String,
    },
    /// The server answered with a status other than 200 (or 304 to a conditional request).
    #[error("GET {url} answered HTTP {status}{}{reason}: {hint}", if reason.is_empty() { "" } else { " " })]
    Status {
        /// The URL requested.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The status' standard reason phrase, if it has one.
        reason: &'static str,
        /// What to do about it.
        hint: String,
    },
    /// The body broke off or could not be read.
    #[error("the download of {url} broke off after {received} bytes{}: {source}. Try again. {OFFLINE_HINT}", match expected { Some(n) => format!(" of {n}"), None => String::new() })]
    Body {
        /// The URL requested.
        url: String,
        /// Bytes received before the failure.
        received: u64,
        /// The announced size, if any.
        expected: Option<u64>,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The body is larger than the limit.
    #[error("{url} is larger than the {} limit{}; this is not an OSV export. Check the download URL", human_bytes(*limit), match declared { Some(n) => format!(" (the server announced {n} bytes)"), None => String::new() })]
    TooLarge {
        /// The URL requested.
        url: String,
        /// The limit, [`MAX_BODY_BYTES`].
        limit: u64,
        /// The size the server announced, if it did.
        declared: Option<u64>,
    },
    /// The body is not a zip archive.
    #[error(
        "{url} did not send a zip archive ({detail}). A proxy, captive portal or wrong download URL may have answered instead of osv.dev. {OFFLINE_HINT}"
    )]
    NotZip {
        /// The URL requested.
        url: String,
        /// What was received instead.
        detail: String,
    },
    /// A local file could not be written, read or renamed.
    #[error("cannot {action} {}: {source}; check free space and permissions", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What was being done, e.g. "write".
        action: &'static str,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// Downloads each of `opts.ecosystems` into `opts.dest_dir`, reporting progress as it goes.
///
/// Returns an error only when nothing can be attempted (an unusable base URL, a destination
/// folder that cannot be created); otherwise one [`Outcome`] per distinct ecosystem, each
/// independent of the others.
pub fn download(
    opts: &UpdateOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpdateReport, UpdateError> {
    let base = check_base_url(&opts.base_url)?;
    fs::create_dir_all(&opts.dest_dir).map_err(|source| UpdateError::CreateDir {
        path: opts.dest_dir.clone(),
        source,
    })?;
    let agent = make_agent(base, opts.timeout);
    let mut buf = vec![0u8; CHUNK];
    let mut report = UpdateReport::default();
    for (i, eco) in opts.ecosystems.iter().enumerate() {
        if opts.ecosystems[..i].contains(eco) {
            continue;
        }
        let mut on_bytes = |bytes: u64, total: Option<u64>| {
            progress(Progress {
                ecosystem: eco,
                bytes,
                total,
                done: false,
            })
        };
        let result = fetch_one(&agent, base, eco, &opts.dest_dir, &mut buf, &mut on_bytes);
        let bytes = match &result {
            Ok(d) if !d.unchanged => d.bytes,
            _ => 0,
        };
        let total = result
            .as_ref()
            .ok()
            .filter(|d| !d.unchanged)
            .map(|d| d.bytes);
        progress(Progress {
            ecosystem: eco,
            bytes,
            total,
            done: true,
        });
        report.outcomes.push(Outcome {
            ecosystem: eco.clone(),
            result,
        });
    }
    Ok(report)
}

/// Fetches `{base_url}/ecosystems.txt`, osv.dev's list of exported ecosystems, one name a line.
pub fn list_ecosystems(base_url: &str, timeout: Duration) -> Result<Vec<String>, UpdateError> {
    let base = check_base_url(base_url)?;
    let url = format!("{base}/ecosystems.txt");
    let agent = make_agent(base, timeout);
    let mut response = agent
        .get(&url)
        .call()
        .map_err(|e| transport_error(&url, &e))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(status_error(&url, status, None));
    }
    let total = response.body().content_length();
    if let Some(n) = total
        && n > MAX_LIST_BYTES
    {
        return Err(UpdateError::TooLarge {
            url,
            limit: MAX_LIST_BYTES,
            declared: Some(n),
        });
    }
    let mut text = Vec::new();
    let mut buf = vec![0u8; 8 * 1024];
    let mut reader = response.body_mut().as_reader();
    let copied = copy_capped(
        &mut reader,
        &mut text,
        MAX_LIST_BYTES,
        &mut buf,
        &mut |_| {},
    );
    match copied {
        Ok(_) => {}
        Err((CopyError::TooLarge, _)) => {
            return Err(UpdateError::TooLarge {
                url,
                limit: MAX_LIST_BYTES,
                declared: total,
            });
        }
        Err((CopyError::Read(source) | CopyError::Write(source), received)) => {
            return Err(UpdateError::Body {
                url,
                received,
                expected: total,
                source,
            });
        }
    }
    let text = String::from_utf8_lossy(&text);
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The file name stem an ecosystem's archive is stored under: the name percent-encoded so it
/// is safe on every common file system (`Red Hat` becomes `Red%20Hat`, `Debian:12` becomes
/// `Debian%3A12`). Distinct names give distinct stems. A leading `.` and the start of names
/// Windows reserves (`CON`, `NUL`, `COM1`, ...) are encoded too.
pub fn file_stem(ecosystem: &str) -> String {
    let mut out = String::with_capacity(ecosystem.len() + 8);
    percent_encode_into(ecosystem, &mut out);
    let first_part = out.split('.').next().unwrap_or("");
    if out.starts_with('.') || is_windows_reserved(first_part) {
        // Encode the first character, which is ASCII here (a `.` or a letter).
        if let Some(first) = out.chars().next() {
            out.replace_range(..first.len_utf8(), &format!("%{:02X}", first as u32));
        }
    }
    out
}

/// Where [`download`] keeps an ecosystem's archive: `{dest_dir}/{file_stem}.zip`.
pub fn export_path(dest_dir: &Path, ecosystem: &str) -> PathBuf {
    dest_dir.join(format!("{}.zip", file_stem(ecosystem)))
}

/// The URL of an ecosystem's export under `base_url` (which must not end in `/`).
fn export_url(base_url: &str, ecosystem: &str) -> String {
    let mut url = String::with_capacity(base_url.len() + ecosystem.len() + 16);
    url.push_str(base_url);
    url.push('/');
    percent_encode_into(ecosystem, &mut url);
    url.push_str("/all.zip");
    url
}

/// Percent-encodes every byte except RFC 3986 unreserved characters.
fn percent_encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Whether `name` (without extension) is a device name Windows reserves.
fn is_windows_reserved(name: &str) -> bool {
    const PLAIN: [&str; 4] = ["CON", "PRN", "AUX", "NUL"];
    if PLAIN.iter().any(|r| name.eq_ignore_ascii_case(r)) {
        return true;
    }
    match (name.get(..3), name.get(3..)) {
        (Some(prefix), Some(digit)) => {
            (prefix.eq_ignore_ascii_case("COM") || prefix.eq_ignore_ascii_case("LPT"))
                && digit.len() == 1
                && digit.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// Checks a base URL and returns it without trailing slashes.
fn check_base_url(url: &str) -> Result<&str, UpdateError> {
    let bad = |reason| UpdateError::BadBaseUrl {
        url: url.to_owned(),
        reason,
    };
    let trimmed = url.trim_end_matches('/');
    let strip = |prefix: &str| {
        trimmed
            .get(..prefix.len())
            .filter(|s| s.eq_ignore_ascii_case(prefix))
            .and_then(|_| trimmed.get(prefix.len()..))
    };
    let Some(rest) = strip("https://").or_else(|| strip("http://")) else {
        return Err(bad("it must start with http:// or https://"));
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(bad("it has no host name"));
    }
    if rest.contains(['?', '#']) {
        return Err(bad("it must not have a query (`?`) or fragment (`#`)"));
    }
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains spaces or control characters"));
    }
    Ok(trimmed)
}

/// The host part of a checked base URL; an IPv6 address keeps its opening `[`.
fn host_of(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port.split_once(']').map_or(host_port, |(h, _)| h);
    }
    host_port.split(':').next().unwrap_or(host_port)
}

/// Whether a base URL points at this machine, where no proxy can help.
fn is_loopback(base: &str) -> bool {
    let host = host_of(base);
    if let Some(v6) = host.strip_prefix('[') {
        return v6
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|a| a.is_loopback());
    }
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// Checks an ecosystem name can be used in a URL path segment and a file name.
fn check_ecosystem(ecosystem: &str) -> Result<(), UpdateError> {
    let reason = if ecosystem.is_empty() {
        Some("it is empty")
    } else if ecosystem.len() > MAX_ECOSYSTEM_LEN {
        Some("it is longer than 64 bytes")
    } else if ecosystem == "." || ecosystem == ".." {
        Some("it is `.` or `..`")
    } else if ecosystem.contains(['/', '\\']) {
        Some("it contains a slash")
    } else if ecosystem.chars().any(char::is_control) {
        Some("it contains control characters")
    } else if ecosystem.trim() != ecosystem {
        Some("it starts or ends with white space")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(UpdateError::BadEcosystem {
            ecosystem: ecosystem.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// The HTTP client: errors for statuses are handled here, not by ureq.
fn make_agent(base: &str, timeout: Duration) -> ureq::Agent {
    let t = (!timeout.is_zero()).then_some(timeout);
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .user_agent(format!(
            "safeguard/{} (db update)",
            env!("CARGO_PKG_VERSION")
        ))
        .max_redirects(5)
        .timeout_resolve(t)
        .timeout_connect(t)
        .timeout_send_request(t)
        .timeout_recv_response(t)
        .timeout_per_read(t);
    if is_loopback(base) {
        config = config.proxy(None);
    }
    config.build().new_agent()
}

/// What is remembered about the last successful download, for conditional requests.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Meta {
    /// The URL the archive came from; validators from another URL are not sent.
    url: String,
    /// The archive's size, to notice an archive replaced or truncated since.
    bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
}

/// The sidecar file holding [`Meta`] for an archive.
fn meta_path(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push(".meta.json");
    PathBuf::from(name)
}

/// Whether a remembered header value can be sent back as it is.
fn sendable(value: &str) -> bool {
    !value.is_empty() && value.len() <= 1024 && value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// The remembered validators, if they belong to `url` and to the archive now on disk.
fn prior_meta(archive: &Path, url: &str) -> Option<Meta> {
    let text = fs::read(meta_path(archive)).ok()?;
    let mut meta: Meta = serde_json::from_slice(&text).ok()?;
    let on_disk = fs::metadata(archive).ok()?;
    if meta.url != url || !on_disk.is_file() || on_disk.len() != meta.bytes {
        return None;
    }
    meta.etag = meta.etag.filter(|v| sendable(v));
    meta.last_modified = meta.last_modified.filter(|v| sendable(v));
    (meta.etag.is_some() || meta.last_modified.is_some()).then_some(meta)
}

/// A file in the destination folder removed on drop unless it was renamed into place.
struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl TempFile {
    /// Creates a new, empty, uniquely named file next to `target`.
    fn create(target: &Path) -> Result<(TempFile, File), UpdateError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = target.parent().unwrap_or(Path::new("."));
        let stem = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut last_err = None;
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".{stem}.{}-{n}.part", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((TempFile { path, armed: true }, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
                Err(source) => {
                    return Err(UpdateError::File {
                        path,
                        action: "create",
                        source,
                    });
                }
            }
        }
        Err(UpdateError::File {
            path: dir.to_path_buf(),
            action: "create a temporary file in",
            source: last_err.unwrap_or_else(|| io::Error::other("no free temporary file name")),
        })
    }

    /// Renames the file over `target`, replacing any previous file in one step.
    fn persist(mut self, target: &Path) -> Result<(), UpdateError> {
        fs::rename(&self.path, target).map_err(|source| UpdateError::File {
            path: target.to_path_buf(),
            action: "replace",
            source,
        })?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Why [`copy_capped`] stopped.
#[derive(Debug)]
enum CopyError {
    Read(io::Error),
    Write(io::Error),
    TooLarge,
}

/// Copies `reader` to `out` through `buf`, refusing more than `limit` bytes, and calls
/// `on_chunk` with the running total after each chunk. Returns the byte count and the first
/// [`HEAD_LEN`] bytes; on failure, the cause and the bytes received.
fn copy_capped(
    reader: &mut dyn Read,
    out: &mut dyn Write,
    limit: u64,
    buf: &mut [u8],
    on_chunk: &mut dyn FnMut(u64),
) -> Result<(u64, Vec<u8>), (CopyError, u64)> {
    let mut received: u64 = 0;
    let mut head = Vec::with_capacity(HEAD_LEN);
    loop {
        let n = match reader.read(buf) {
            Ok(0) => return Ok((received, head)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err((CopyError::Read(e), received)),
        };
        let chunk = buf.get(..n).unwrap_or(&[]);
        received = received.saturating_add(n as u64);
        if received > limit {
            return Err((CopyError::TooLarge, received));
        }
        if head.len() < HEAD_LEN {
            let take = (HEAD_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(chunk.get(..take).unwrap_or(&[]));
        }
        out.write_all(chunk)
            .map_err(|e| (CopyError::Write(e), received))?;
        on_chunk(received);
    }
}

/// A byte count for messages: whole KiB, MiB or GiB when exact, else bytes.
fn human_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}

/// Describes the start of a body that is not a zip archive, for an error message.
fn describe_head(content_type: Option<&str>, head: &[u8], bytes: u64) -> String {
    let mut detail = String::new();
    match content_type {
        Some(ct) => detail.push_str(&format!("Content-Type {ct}, ")),
        None => detail.push_str("no Content-Type, "),
    }
    detail.push_str(&format!("{bytes} bytes"));
    if !head.is_empty() {
        let shown: String = head
            .iter()
            .take(40)
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        detail.push_str(&format!(" starting {shown:?}"));
    }
    detail
}

/// The error for an unexpected HTTP status, with advice fitting the status.
fn status_error(url: &str, status: u16, ecosystem: Option<&str>) -> UpdateError {
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let hint = match status {
        404 => {
            let mut hint = String::from(
                "there is no export under that name. Ecosystem names are case-sensitive and \
                 spelt as OSV spells them (`crates.io`, `PyPI`, `RubyGems`); the list is \
                 ecosystems.txt at the root of the download URL",
            );
            if let Some(prefix) = ecosystem.and_then(|e| e.split_once(':')).map(|(p, _)| p) {
                hint.push_str(&format!(
                    ". OSV exports only whole ecosystems: try `{prefix}`"
                ));
            }
            hint
        }
        401 | 403 | 407 => format!(
            "access was refused, which usually means a proxy or firewall is in the way. \
             Check HTTPS_PROXY / NO_PROXY. {OFFLINE_HINT}"
        ),
        304 => format!(
            "the server said \"not modified\" to a request that had no previous download to \
             compare with. Try again. {OFFLINE_HINT}"
        ),
        429 | 500..=599 => {
            format!("the server is busy or failing; try again later. {OFFLINE_HINT}")
        }
        _ => format!("expected 200 OK. Check the download URL. {OFFLINE_HINT}"),
    };
    UpdateError::Status {
        url: url.to_owned(),
        status,
        reason,
        hint,
    }
}

/// The error for a request that got no response.
fn transport_error(url: &str, e: &ureq::Error) -> UpdateError {
    UpdateError::Transport {
        url: url.to_owned(),
        message: e.to_string(),
    }
}

/// Downloads one ecosystem's export.
fn fetch_one(
    agent: &ureq::Agent,
    base: &str,
    ecosystem: &str,
    dest_dir: &Path,
    buf: &mut [u8],
    on_bytes: &mut dyn FnMut(u64, Option<u64>),
) -> Result<Downloaded, UpdateError> {
    check_ecosystem(ecosystem)?;
    let url = export_url(base, ecosystem);
    let target = export_path(dest_dir, ecosystem);
    let prior = prior_meta(&target, &url);

    let mut request = agent.get(&url);
    if let Some(meta) = &prior {
        if let Some(etag) = &meta.etag {
            request = request.header("If-None-Match", etag.as_str());
        }
        if let Some(lm) = &meta.last_modified {
            request = request.header("If-Modified-Since", lm.as_str());
        }
    }
    on_bytes(0, None);
    let mut response = request.call().map_err(|e| transport_error(&url, &e))?;
    let status = response.status().as_u16();
    if status == 304
        && let Some(meta) = &prior
    {
        return Ok(Downloaded {
            ecosystem: ecosystem.to_owned(),
            path: target,
            bytes: meta.bytes,
            unchanged: true,
        });
    }
    if status != 200 {
        return Err(status_error(&url, status, Some(ecosystem)));
    }

    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header("etag");
    let last_modified = header("last-modified");
    let content_type = header("content-type");
    let total = response.body().content_length();
    if let Some(n) = total
        && n > MAX_BODY_BYTES
    {
        return Err(UpdateError::TooLarge {
            url,
            limit: MAX_BODY_BYTES,
            declared: Some(n),
        });
    }

    let (temp, mut file) = TempFile::create(&target)?;
    let mut reader = response.body_mut().as_reader();
    let copied = copy_capped(&mut reader, &mut file, MAX_BODY_BYTES, buf, &mut |n| {
        on_bytes(n, total)
    });
    drop(reader);
    let (bytes, head) = match copied {
        Ok(ok) => ok,
        Err((CopyError::TooLarge, _)) => {
            return Err(UpdateError::TooLarge {
                url,
                limit: MAX_BODY_BYTES,
                declared: total,
            });
        }
        Err((CopyError::Read(source), received)) => {
            return Err(UpdateError::Body {
                url,
                received,
                expected: total,
                source,
            });
        }
        Err((CopyError::Write(source), _)) => {
            return Err(UpdateError::File {
                path: temp.path.clone(),
                action: "write",
                source,
            });
        }
    };
    if let Some(expected) = total
        && bytes != expected
    {
        return Err(UpdateError::Body {
            url,
            received: bytes,
            expected: total,
            source: io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the connection closed before the announced length",
            ),
        });
    }
    if !head.starts_with(b"PK") {
        return Err(UpdateError::NotZip {
            url,
            detail: describe_head(content_type.as_deref(), &head, bytes),
        });
    }
    file.sync_all().map_err(|source| UpdateError::File {
        path: temp.path.clone(),
        action: "write",
        source,
    })?;
    drop(file);
    check_zip(&temp.path, &url)?;
    temp.persist(&target)?;

    let meta = Meta {
        url,
        bytes,
        etag,
        last_modified,
    };
    if let Err(e) = write_meta(&target, &meta) {
        // The archive is in place; without validators the next update simply downloads it
        // in full again.
        tracing::warn!("{e}");
    }
    Ok(Downloaded {
        ecosystem: ecosystem.to_owned(),
        path: target,
        bytes,
        unchanged: false,
    })
}

/// Checks the downloaded file opens as a zip archive.
fn check_zip(path: &Path, url: &str) -> Result<(), UpdateError> {
    let file = File::open(path).map_err(|source| UpdateError::File {
        path: path.to_path_buf(),
        action: "read",
        source,
    })?;
    match zip::ZipArchive::new(file) {
        Ok(_) => Ok(()),
        Err(e) => Err(UpdateError::NotZip {
            url: url.to_owned(),
            detail: format!("it starts like a zip archive but cannot be opened: {e}"),
        }),
    }
}

/// Writes the sidecar for `archive`, replacing the old one in one step.
fn write_meta(archive: &Path, meta: &Meta) -> Result<(), UpdateError> {
    let path = meta_path(archive);
    let json = serde_json::to_vec_pretty(meta).map_err(|e| UpdateError::File {
        path: path.clone(),
        action: "write",
        source: io::Error::other(e),
    })?;
    let (temp, mut file) = TempFile::create(&path)?;
    file.write_all(&json).map_err(|source| UpdateError::File {
        path: temp.path.clone(),
        action: "write",
        source,
    })?;
    drop(file);
    temp.persist(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stem_encodes_unsafe_characters() {
        assert_eq!(file_stem("crates.io"), "crates.io");
        assert_eq!(file_stem("PyPI"), "PyPI");
        assert_eq!(file_stem("Red Hat"), "Red%20Hat");
        assert_eq!(file_stem("Debian:12"), "Debian%3A12");
        assert_eq!(
            file_stem("Ubuntu:Pro:18.04:LTS"),
            "Ubuntu%3APro%3A18.04%3ALTS"
        );
        assert_eq!(file_stem("[EMPTY]"), "%5BEMPTY%5D");
        assert_eq!(file_stem("a%b"), "a%25b");
        assert_eq!(file_stem("a*b?c|d\"e<f>"), "a%2Ab%3Fc%7Cd%22e%3Cf%3E");
        assert_eq!(file_stem("é"), "%C3%A9");
    }

    #[test]
    fn file_stem_avoids_hidden_and_reserved_names() {
        assert_eq!(file_stem(".hidden"), "%2Ehidden");
        assert_eq!(file_stem("CON"), "%43ON");
        assert_eq!(file_stem("nul"), "%6Eul");
        assert_eq!(file_stem("com1"), "%63om1");
        assert_eq!(file_stem("LPT9.x"), "%4CPT9.x");
        assert_eq!(file_stem("CONSOLE"), "CONSOLE");
        assert_eq!(file_stem("COMX"), "COMX");
        assert_eq!(file_stem("COM10"), "COM10");
        assert_eq!(file_stem("CO\u{e9}"), "CO%C3%A9");
    }

    #[test]
    fn file_stem_keeps_distinct_names_distinct() {
        let names = [
            "Red Hat",
            "Red%20Hat",
            "Red_Hat",
            "CON",
            "%43ON",
            ".x",
            "%2Ex",
            "a:b",
            "a%3Ab",
        ];
        let stems: Vec<String> = names.iter().map(|n| file_stem(n)).collect();
        for (i, a) in stems.iter().enumerate() {
            for (j, b) in stems.iter().enumerate() {
                if i != j {
                    assert_ne!(a, b, "{} and {} collide", names[i], names[j]);
                }
            }
        }
    }

    #[test]
    fn export_url_and_path() {
        assert_eq!(
            export_url("http://h", "Red Hat"),
            "http://h/Red%20Hat/all.zip"
        );
        assert_eq!(
            export_path(Path::new("/db"), "Red Hat"),
            Path::new("/db/Red%20Hat.zip")
        );
        assert_eq!(
            meta_path(Path::new("/db/npm.zip")),
            Path::new("/db/npm.zip.meta.json")
        );
    }

    #[test]
    fn default_ecosystems_are_the_inventory_ones() {
        assert_eq!(
            default_ecosystems(),
            [
                "crates.io",
                "npm",
                "PyPI",
                "Go",
                "RubyGems",
                "Packagist",
                "Maven",
                "NuGet",
                "SwiftURL",
                "Pub",
                "Hex",
                "CRAN"
            ]
        );
    }

    #[test]
    fn base_url_checks() {
        assert_eq!(
            check_base_url("https://x.test/").ok(),
            Some("https://x.test")
        );
        assert_eq!(
            check_base_url("HTTP://x.test/a//").ok(),
            Some("HTTP://x.test/a")
        );
        for bad in [
            "ftp://x",
            "x.test",
            "http://",
            "https:///a",
            "http://x?q",
            "http://a b",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(UpdateError::BadBaseUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:8080"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://user@[::1]:80"));
        assert!(is_loopback("http://127.1.2.3"));
        assert!(!is_loopback("http://[::2]"));
        assert!(!is_loopback(
            "https://osv-vulnerabilities.storage.googleapis.com"
        ));
        assert!(!is_loopback("http://127.example.com"));
        assert_eq!(host_of("http://u:p@host:1/x"), "host");
    }

    #[test]
    fn ecosystem_checks() {
        for ok in ["crates.io", "Red Hat", "Debian:12", "[EMPTY]"] {
            assert!(check_ecosystem(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "a/b",
            "a\\b",
            "a\nb",
            " npm",
            &"x".repeat(65),
        ] {
            assert!(
                matches!(check_ecosystem(bad), Err(UpdateError::BadEcosystem { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn copy_capped_counts_and_keeps_the_head() {
        let data: Vec<u8> = (0..200u8).collect();
        let mut out = Vec::new();
        let mut buf = [0u8; 7];
        let mut seen = Vec::new();
        let result = copy_capped(&mut &data[..], &mut out, 200, &mut buf, &mut |n| {
            seen.push(n)
        });
        let (bytes, head) = result.expect("copy succeeds");
        assert_eq!(bytes, 200);
        assert_eq!(out, data);
        assert_eq!(head, data[..HEAD_LEN]);
        assert_eq!(seen.first(), Some(&7));
        assert_eq!(seen.last(), Some(&200));
        assert_eq!(seen.len(), 29);
    }

    #[test]
    fn copy_capped_refuses_more_than_the_limit() {
        let data = [1u8; 100];
        let mut out = Vec::new();
        let mut buf = [0u8; 16];
        match copy_capped(&mut &data[..], &mut out, 40, &mut buf, &mut |_| {}) {
            Err((CopyError::TooLarge, received)) => assert_eq!(received, 48),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert_eq!(out.len(), 32);
    }

    #[test]
    fn human_bytes_for_limits() {
        assert_eq!(human_bytes(MAX_BODY_BYTES), "4 GiB");
        assert_eq!(human_bytes(MAX_LIST_BYTES), "1 MiB");
        assert_eq!(human_bytes(1536), "1536 bytes");
        assert_eq!(human_bytes(0), "0 bytes");
    }

    #[test]
    fn describe_head_shows_printable_start() {
        let d = describe_head(Some("text/html"), b"<html>\n<body>", 13);
        assert_eq!(
            d,
            "Content-Type text/html, 13 bytes starting \"<html>.<body>\""
        );
    }

    #[test]
    fn status_error_hints() {
        let e = status_error("http://h/Debian%3A12/all.zip", 404, Some("Debian:12"));
        let msg = e.to_string();
        assert!(
            msg.starts_with("GET http://h/Debian%3A12/all.zip answered HTTP 404 Not Found: "),
            "{msg}"
        );
        assert!(msg.contains("try `Debian`"), "{msg}");
        let msg = status_error("http://h/x", 503, None).to_string();
        assert!(msg.contains("HTTP 503 Service Unavailable"), "{msg}");
        assert!(msg.contains("safeguard db import FILE"), "{msg}");
    }
}
