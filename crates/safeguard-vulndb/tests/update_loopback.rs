#![cfg(feature = "update")]
//! `update::download` against a small HTTP/1.1 server on the loopback interface.

use std::collections::HashMap;
use std::io::{Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use safeguard_vulndb::update::{
    Downloaded, MAX_BODY_BYTES, Progress, UpdateError, UpdateOptions, UpdateReport, download,
    list_ecosystems,
};

/// What the server answers for one path.
#[derive(Clone)]
enum Reply {
    /// 200 with a body; 304 when the request's `If-None-Match` equals `etag` or its
    /// `If-Modified-Since` equals `last_modified`.
    Body {
        body: Vec<u8>,
        content_type: &'static str,
        etag: Option<&'static str>,
        last_modified: Option<&'static str>,
    },
    /// A bare status with a short text body.
    Status(u16),
    /// 200 announcing `declared` bytes, then `body`, then the connection closes.
    Truncated { declared: u64, body: Vec<u8> },
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    headers: HashMap<String, String>,
}

struct Server {
    base: String,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (r, s) = (Arc::clone(&routes), Arc::clone(&seen));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                serve(stream, &r, &s);
            }
        });
        Server {
            base: format!("http://{addr}"),
            routes,
            seen,
        }
    }

    fn route(&self, path: &str, reply: Reply) {
        self.routes
            .lock()
            .expect("routes lock")
            .insert(path.to_owned(), reply);
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen lock").clone()
    }

    fn options(&self, dest: &Path, ecosystems: &[&str]) -> UpdateOptions {
        UpdateOptions {
            base_url: format!("{}/", self.base),
            ecosystems: ecosystems.iter().map(|e| (*e).to_owned()).collect(),
            dest_dir: dest.to_path_buf(),
            timeout: Duration::from_secs(20),
        }
    }
}

fn serve(mut stream: TcpStream, routes: &Mutex<HashMap<String, Reply>>, seen: &Mutex<Vec<Seen>>) {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    seen.lock().expect("seen lock").push(Seen {
        path: path.clone(),
        headers: headers.clone(),
    });
    let reply = routes.lock().expect("routes lock").get(&path).cloned();
    let head = |status: &str, extra: &str, len: u64| {
        format!("HTTP/1.1 {status}\r\nConnection: close\r\n{extra}Content-Length: {len}\r\n\r\n")
    };
    let out = match reply {
        None => {
            let body = b"No such object";
            [
                head("404 Not Found", "", body.len() as u64).into_bytes(),
                body.to_vec(),
            ]
            .concat()
        }
        Some(Reply::Status(code)) => {
            let body = b"status";
            [
                head(&format!("{code} Whatever"), "", body.len() as u64).into_bytes(),
                body.to_vec(),
            ]
            .concat()
        }
        Some(Reply::Truncated { declared, body }) => [
            head("200 OK", "Content-Type: application/zip\r\n", declared).into_bytes(),
            body,
        ]
        .concat(),
        Some(Reply::Body {
            body,
            content_type,
            etag,
            last_modified,
        }) => {
            let mut extra = String::new();
            if let Some(e) = etag {
                extra.push_str(&format!("ETag: {e}\r\n"));
            }
            if let Some(lm) = last_modified {
                extra.push_str(&format!("Last-Modified: {lm}\r\n"));
            }
            let not_modified = etag
                .is_some_and(|e| headers.get("if-none-match").map(String::as_str) == Some(e))
                || last_modified.is_some_and(|lm| {
                    headers.get("if-modified-since").map(String::as_str) == Some(lm)
                });
            if not_modified {
                format!("HTTP/1.1 304 Not Modified\r\nConnection: close\r\n{extra}\r\n")
                    .into_bytes()
            } else {
                extra.push_str(&format!("Content-Type: {content_type}\r\n"));
                [head("200 OK", &extra, body.len() as u64).into_bytes(), body].concat()
            }
        }
    };
    let _ = stream.write_all(&out);
    let _ = stream.flush();
}

/// A zip archive holding `files` (name, contents), built in memory.
fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in files {
        writer.start_file(*name, options).expect("start zip entry");
        writer
            .write_all(contents.as_bytes())
            .expect("write zip entry");
    }
    writer.finish().expect("finish zip").into_inner()
}

fn zip_reply(body: Vec<u8>, etag: Option<&'static str>) -> Reply {
    Reply::Body {
        body,
        content_type: "application/zip",
        etag,
        last_modified: None,
    }
}

/// The entries of a zip file on disk, name and contents, in archive order.
fn read_zip(path: &Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).expect("open downloaded zip");
    let mut archive = zip::ZipArchive::new(file).expect("downloaded file is a zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("zip entry");
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("entry text");
            (entry.name().to_owned(), text)
        })
        .collect()
}

/// A progress report as recorded: (ecosystem, bytes, total, done).
type Event = (String, u64, Option<u64>, bool);

/// Runs `download`, recording progress.
fn run(opts: &UpdateOptions) -> (UpdateReport, Vec<Event>) {
    let mut events = Vec::new();
    let mut record = |p: Progress<'_>| {
        events.push((p.ecosystem.to_owned(), p.bytes, p.total, p.done));
    };
    let report = download(opts, &mut record).expect("download runs");
    (report, events)
}

fn ok_of<'a>(report: &'a UpdateReport, ecosystem: &str) -> &'a Downloaded {
    let outcome = report
        .outcomes
        .iter()
        .find(|o| o.ecosystem == ecosystem)
        .unwrap_or_else(|| panic!("no outcome for {ecosystem}"));
    match &outcome.result {
        Ok(d) => d,
        Err(e) => panic!("{ecosystem} failed: {e}"),
    }
}

fn err_of<'a>(report: &'a UpdateReport, ecosystem: &str) -> &'a UpdateError {
    let outcome = report
        .outcomes
        .iter()
        .find(|o| o.ecosystem == ecosystem)
        .unwrap_or_else(|| panic!("no outcome for {ecosystem}"));
    match &outcome.result {
        Ok(d) => panic!("{ecosystem} should have failed, got {d:?}"),
        Err(e) => e,
    }
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dest dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn two_ecosystems_are_downloaded_and_readable() {
    let server = Server::start();
    let crates = zip_of(&[("RUSTSEC-2024-0001.json", r#"{"id":"RUSTSEC-2024-0001"}"#)]);
    let npm = zip_of(&[
        (
            "GHSA-aaaa-bbbb-cccc.json",
            r#"{"id":"GHSA-aaaa-bbbb-cccc"}"#,
        ),
        (
            "GHSA-dddd-eeee-ffff.json",
            r#"{"id":"GHSA-dddd-eeee-ffff"}"#,
        ),
    ]);
    server.route(
        "/crates.io/all.zip",
        zip_reply(crates.clone(), Some("\"c1\"")),
    );
    server.route("/npm/all.zip", zip_reply(npm.clone(), None));
    let dir = tempfile::tempdir().expect("tempdir");
    let dest = dir.path().join("osv");
    let (report, events) = run(&server.options(&dest, &["crates.io", "npm"]));

    assert!(report.is_complete());
    assert_eq!(report.outcomes.len(), 2);
    let c = ok_of(&report, "crates.io");
    assert_eq!(c.path, dest.join("crates.io.zip"));
    assert_eq!(c.bytes, crates.len() as u64);
    assert!(!c.unchanged);
    let n = ok_of(&report, "npm");
    assert_eq!(n.path, dest.join("npm.zip"));
    assert_eq!(n.bytes, npm.len() as u64);
    assert_eq!(std::fs::read(&c.path).expect("read"), crates);
    assert_eq!(
        read_zip(&n.path),
        [
            (
                "GHSA-aaaa-bbbb-cccc.json".to_owned(),
                r#"{"id":"GHSA-aaaa-bbbb-cccc"}"#.to_owned()
            ),
            (
                "GHSA-dddd-eeee-ffff.json".to_owned(),
                r#"{"id":"GHSA-dddd-eeee-ffff"}"#.to_owned()
            ),
        ]
    );
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/crates.io/all.zip", "/npm/all.zip"]);
    // Only the archives and their sidecars remain: no temporary files.
    assert_eq!(
        listing(&dest),
        [
            "crates.io.zip",
            "crates.io.zip.meta.json",
            "npm.zip",
            "npm.zip.meta.json"
        ]
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dest.join("crates.io.zip.meta.json")).expect("meta"))
            .expect("meta is JSON");
    assert_eq!(meta["etag"], "\"c1\"");
    assert_eq!(meta["bytes"], crates.len() as u64);

    // Progress: each ecosystem starts at 0, rises to its size, and ends with one `done`.
    for (eco, size) in [
        ("crates.io", crates.len() as u64),
        ("npm", npm.len() as u64),
    ] {
        let mine: Vec<_> = events.iter().filter(|e| e.0 == eco).collect();
        assert_eq!(mine.first().map(|e| (e.1, e.3)), Some((0, false)), "{eco}");
        assert_eq!(
            mine.last().map(|e| (e.1, e.2, e.3)),
            Some((size, Some(size), true)),
            "{eco}"
        );
        assert_eq!(mine.iter().filter(|e| e.3).count(), 1, "{eco}");
        assert!(mine.windows(2).all(|w| w[0].1 <= w[1].1), "{eco}: {mine:?}");
        assert!(
            mine.iter()
                .any(|e| !e.3 && e.1 == size && e.2 == Some(size)),
            "{eco}: {mine:?}"
        );
    }
    // crates.io finishes before npm starts.
    let first_npm = events
        .iter()
        .position(|e| e.0 == "npm")
        .expect("npm events");
    assert!(
        events[..first_npm]
            .iter()
            .any(|e| e.0 == "crates.io" && e.3)
    );
}

#[test]
fn a_404_fails_only_that_ecosystem_and_names_the_url() {
    let server = Server::start();
    let pypi = zip_of(&[("PYSEC-2024-1.json", "{}")]);
    server.route("/PyPI/all.zip", zip_reply(pypi.clone(), None));
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, events) = run(&server.options(dir.path(), &["NoSuchEco", "PyPI"]));

    assert!(!report.is_complete());
    assert_eq!(ok_of(&report, "PyPI").bytes, pypi.len() as u64);
    let url = format!("{}/NoSuchEco/all.zip", server.base);
    match err_of(&report, "NoSuchEco") {
        UpdateError::Status { url: u, status, .. } => {
            assert_eq!(u, &url);
            assert_eq!(*status, 404);
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    let message = err_of(&report, "NoSuchEco").to_string();
    assert!(message.contains(&url), "{message}");
    assert!(message.contains("HTTP 404 Not Found"), "{message}");
    assert!(message.contains("ecosystems.txt"), "{message}");
    let failures: Vec<&str> = report.failures().map(|(e, _)| e).collect();
    assert_eq!(failures, ["NoSuchEco"]);
    assert_eq!(listing(dir.path()), ["PyPI.zip", "PyPI.zip.meta.json"]);
    // The failed ecosystem still reports `done`, with nothing received.
    assert!(events.contains(&("NoSuchEco".to_owned(), 0, None, true)));
}

#[test]
fn a_200_html_page_is_refused_and_the_previous_archive_stays() {
    let server = Server::start();
    let good = zip_of(&[("GHSA-1.json", r#"{"id":"GHSA-1"}"#)]);
    server.route("/npm/all.zip", zip_reply(good.clone(), Some("\"v1\"")));
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = server.options(dir.path(), &["npm"]);
    let (first, _) = run(&opts);
    assert_eq!(ok_of(&first, "npm").bytes, good.len() as u64);
    let meta_before = std::fs::read(dir.path().join("npm.zip.meta.json")).expect("meta");

    server.route(
        "/npm/all.zip",
        Reply::Body {
            body: b"<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>".to_vec(),
            content_type: "text/html; charset=utf-8",
            etag: Some("\"portal\""),
            last_modified: None,
        },
    );
    let (second, _) = run(&opts);
    let url = format!("{}/npm/all.zip", server.base);
    match err_of(&second, "npm") {
        UpdateError::NotZip { url: u, detail } => {
            assert_eq!(u, &url);
            assert!(detail.contains("text/html"), "{detail}");
            assert!(detail.contains("<!DOCTYPE html>"), "{detail}");
        }
        other => panic!("expected NotZip, got {other:?}"),
    }
    assert!(
        err_of(&second, "npm")
            .to_string()
            .contains("safeguard db import FILE")
    );
    assert_eq!(
        std::fs::read(dir.path().join("npm.zip")).expect("read"),
        good
    );
    assert_eq!(
        std::fs::read(dir.path().join("npm.zip.meta.json")).expect("meta"),
        meta_before
    );
    assert_eq!(listing(dir.path()), ["npm.zip", "npm.zip.meta.json"]);
}

#[test]
fn a_body_that_starts_like_a_zip_but_is_not_one_is_refused() {
    let server = Server::start();
    let good = zip_of(&[("A.json", "{}")]);
    server.route("/Go/all.zip", zip_reply(good.clone(), None));
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = server.options(dir.path(), &["Go"]);
    let (first, _) = run(&opts);
    assert!(first.is_complete());

    // The first half of a real archive: right magic, no central directory.
    let half = good[..good.len() / 2].to_vec();
    server.route("/Go/all.zip", zip_reply(half, None));
    let (second, _) = run(&opts);
    match err_of(&second, "Go") {
        UpdateError::NotZip { detail, .. } => {
            assert!(detail.contains("cannot be opened"), "{detail}");
        }
        other => panic!("expected NotZip, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(dir.path().join("Go.zip")).expect("read"),
        good
    );
    assert_eq!(listing(dir.path()), ["Go.zip", "Go.zip.meta.json"]);
}

#[test]
fn a_truncated_body_errors_and_the_previous_archive_stays() {
    let server = Server::start();
    let good = zip_of(&[("GO-2024-1.json", r#"{"id":"GO-2024-1"}"#)]);
    server.route("/Maven/all.zip", zip_reply(good.clone(), None));
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = server.options(dir.path(), &["Maven"]);
    let (first, _) = run(&opts);
    assert!(first.is_complete());

    let newer = zip_of(&[("GO-2024-2.json", &"x".repeat(5000))]);
    server.route(
        "/Maven/all.zip",
        Reply::Truncated {
            declared: newer.len() as u64 + 1000,
            body: newer[..newer.len() / 2].to_vec(),
        },
    );
    let (second, events) = run(&opts);
    let url = format!("{}/Maven/all.zip", server.base);
    match err_of(&second, "Maven") {
        UpdateError::Body {
            url: u,
            received,
            expected,
            ..
        } => {
            assert_eq!(u, &url);
            assert_eq!(*expected, Some(newer.len() as u64 + 1000));
            assert!(*received <= (newer.len() / 2) as u64, "{received}");
        }
        other => panic!("expected a Body error, got {other:?}"),
    }
    let message = err_of(&second, "Maven").to_string();
    assert!(message.contains(&url), "{message}");
    assert!(
        message.contains(&format!("of {}", newer.len() + 1000)),
        "{message}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("Maven.zip")).expect("read"),
        good
    );
    assert_eq!(listing(dir.path()), ["Maven.zip", "Maven.zip.meta.json"]);
    assert_eq!(events.last().map(|e| (e.1, e.3)), Some((0, true)));
}

#[test]
fn an_announced_size_over_the_limit_is_refused_before_reading() {
    let server = Server::start();
    let good = zip_of(&[("A.json", "{}")]);
    server.route("/Hex/all.zip", zip_reply(good.clone(), None));
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = server.options(dir.path(), &["Hex"]);
    assert!(run(&opts).0.is_complete());

    server.route(
        "/Hex/all.zip",
        Reply::Truncated {
            declared: MAX_BODY_BYTES + 1,
            body: good.clone(),
        },
    );
    let (second, _) = run(&opts);
    match err_of(&second, "Hex") {
        UpdateError::TooLarge {
            limit, declared, ..
        } => {
            assert_eq!(*limit, MAX_BODY_BYTES);
            assert_eq!(*declared, Some(MAX_BODY_BYTES + 1));
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_eq!(
        std::fs::read(dir.path().join("Hex.zip")).expect("read"),
        good
    );
}

#[test]
fn etag_round_trip_gives_unchanged_and_a_new_etag_downloads_again() {
    let server = Server::start();
    let v1 = zip_of(&[("CVE-1.json", r#"{"id":"CVE-1"}"#)]);
    server.route(
        "/RubyGems/all.zip",
        zip_reply(v1.clone(), Some("\"etag-v1\"")),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = server.options(dir.path(), &["RubyGems"]);

    let (first, _) = run(&opts);
    assert!(!ok_of(&first, "RubyGems").unchanged);
    assert_eq!(server.seen()[0].headers.get("if-none-match"), None);

    let (second, events) = run(&opts);
    let d = ok_of(&second, "RubyGems");
    assert!(d.unchanged);
    assert_eq!(d.bytes, v1.len() as u64);
    assert_eq!(d.path, dir.path().join("RubyGems.zip"));
    assert_eq!(
        server.seen()[1]
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"etag-v1\"")
    );
    assert_eq!(std::fs::read(&d.path).expect("read"), v1);
    assert_eq!(events.last().map(|e| (e.1, e.3)), Some((0, true)));

    let v2 = zip_of(&[("CVE-1.json", "{}"), ("CVE-2.json", "{}")]);
    server.route(
        "/RubyGems/all.zip",
        zip_reply(v2.clone(), Some("\"etag-v2\"")),
    );
    let (third, _) = run(&opts);
    let d = ok_of(&third, "RubyGems");
    assert!(!d.unchanged);
    assert_eq!(d.bytes, v2.len() as u64);
    assert_eq!(
        server.seen()[2]
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"etag-v1\"")
    );
    assert_eq!(
        read_zip(&d.path)
            .into_iter()
            .map(|e| e.0)
            .collect::<Vec<_>>(),
        ["CVE-1.json", "CVE-2.json"]
    );

    let (fourth, _) = run(&opts);
    assert!(ok_of(&fourth, "RubyGems").unchanged);
    assert_eq!(
        server.seen()[3]
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"etag-v2\"")
    );
}

#[test]
fn last_modified_round_trip_gives_unchanged() {
    let server = Server::start();
    let body = zip_of(&[("A.json", "{}")]);
    let lm = "Tue, 03 Jun 2025 10:00:00 GMT";
    server.route(
        "/NuGet/all.zip",
        Reply::Body {
            body: body.clone(),
            content_type: "application/zip",
            etag: None,
            last_modified: Some(lm),
        },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = server.options(dir.path(), &["NuGet"]);
    assert!(!ok_of(&run(&opts).0, "NuGet").unchanged);
    let (second, _) = run(&opts);
    assert!(ok_of(&second, "NuGet").unchanged);
    let seen = server.seen();
    assert_eq!(
        seen[1].headers.get("if-modified-since").map(String::as_str),
        Some(lm)
    );
    assert_eq!(seen[1].headers.get("if-none-match"), None);
}

#[test]
fn a_missing_archive_is_fetched_in_full_even_with_a_sidecar() {
    let server = Server::start();
    let body = zip_of(&[("A.json", "{}")]);
    server.route("/Pub/all.zip", zip_reply(body.clone(), Some("\"p\"")));
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = server.options(dir.path(), &["Pub"]);
    assert!(run(&opts).0.is_complete());
    std::fs::remove_file(dir.path().join("Pub.zip")).expect("remove archive");

    let (second, _) = run(&opts);
    let d = ok_of(&second, "Pub");
    assert!(!d.unchanged);
    assert_eq!(std::fs::read(&d.path).expect("read"), body);
    assert_eq!(server.seen()[1].headers.get("if-none-match"), None);
}

#[test]
fn a_space_in_the_ecosystem_is_percent_encoded() {
    let server = Server::start();
    let body = zip_of(&[("RHSA-2024:0001.json", "{}")]);
    server.route("/Red%20Hat/all.zip", zip_reply(body.clone(), None));
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, _) = run(&server.options(dir.path(), &["Red Hat"]));

    let d = ok_of(&report, "Red Hat");
    assert_eq!(d.ecosystem, "Red Hat");
    assert_eq!(d.path, dir.path().join("Red%20Hat.zip"));
    assert_eq!(std::fs::read(&d.path).expect("read"), body);
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/Red%20Hat/all.zip"]);
}

#[test]
fn unusable_names_and_repeats_are_handled_per_ecosystem() {
    let server = Server::start();
    let body = zip_of(&[("A.json", "{}")]);
    server.route("/CRAN/all.zip", zip_reply(body, None));
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, _) = run(&server.options(dir.path(), &["../etc", "CRAN", "CRAN"]));

    assert_eq!(report.outcomes.len(), 2);
    assert!(matches!(
        err_of(&report, "../etc"),
        UpdateError::BadEcosystem { reason, .. } if *reason == "it contains a slash"
    ));
    assert!(!ok_of(&report, "CRAN").unchanged);
    let paths: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, ["/CRAN/all.zip"]);
}

#[test]
fn server_errors_and_unreachable_hosts_give_advice() {
    let server = Server::start();
    server.route("/Packagist/all.zip", Reply::Status(503));
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, _) = run(&server.options(dir.path(), &["Packagist"]));
    let message = err_of(&report, "Packagist").to_string();
    assert!(
        message.starts_with(&format!(
            "GET {}/Packagist/all.zip answered HTTP 503 Service Unavailable: ",
            server.base
        )),
        "{message}"
    );
    assert!(message.contains("try again later"), "{message}");

    // A port nothing listens on: bind one, note it, close it.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let opts = UpdateOptions {
        base_url: format!("http://{addr}"),
        ecosystems: vec!["npm".to_owned()],
        dest_dir: dir.path().to_path_buf(),
        timeout: Duration::from_secs(20),
    };
    let (report, _) = run(&opts);
    match err_of(&report, "npm") {
        UpdateError::Transport { url, .. } => {
            assert_eq!(url, &format!("http://{addr}/npm/all.zip"))
        }
        other => panic!("expected Transport, got {other:?}"),
    }
    let message = err_of(&report, "npm").to_string();
    assert!(message.contains("safeguard db import FILE"), "{message}");
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

#[test]
fn a_bad_base_url_stops_before_any_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = UpdateOptions {
        base_url: "ftp://example.test".to_owned(),
        ecosystems: vec!["npm".to_owned()],
        dest_dir: dir.path().join("never"),
        timeout: Duration::from_secs(1),
    };
    let err = download(&opts, &mut |_| {}).expect_err("ftp is refused");
    assert!(matches!(err, UpdateError::BadBaseUrl { .. }));
    assert!(err.to_string().contains("ftp://example.test"));
    assert!(!dir.path().join("never").exists());
}

#[test]
fn ecosystems_list_is_read_line_by_line() {
    let server = Server::start();
    server.route(
        "/ecosystems.txt",
        Reply::Body {
            body: b"crates.io\nnpm\r\nRed Hat\n\n".to_vec(),
            content_type: "text/plain",
            etag: None,
            last_modified: None,
        },
    );
    let list = list_ecosystems(&server.base, Duration::from_secs(20)).expect("list");
    assert_eq!(list, ["crates.io", "npm", "Red Hat"]);

    let missing = Server::start();
    match list_ecosystems(&missing.base, Duration::from_secs(20)) {
        Err(UpdateError::Status { status, url, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(url, format!("{}/ecosystems.txt", missing.base));
        }
        other => panic!("expected 404, got {other:?}"),
    }
}
