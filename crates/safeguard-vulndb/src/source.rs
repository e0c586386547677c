//! Where OSV records come from: single JSON or YAML files, folders of them, NDJSON files (one
//! record a line), and zip archives in the layout of osv.dev's per-ecosystem `all.zip` exports.
//!
//! Inputs are streamed: a zip entry or an NDJSON line is read into one reused buffer, handed to
//! the visitor, and dropped, so importing a 400 MB export does not hold it in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The largest single record accepted (the largest real OSV records, Linux kernel CVEs with long
/// version lists, are a few MB).
pub const MAX_RECORD_SIZE: u64 = 64 * 1024 * 1024;

/// How a record's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Json,
    Yaml,
}

/// One record's bytes and where they came from.
pub struct Item<'b> {
    /// `file`, `archive.zip!entry.json`, or `file.ndjson:LINE`.
    pub origin: &'b str,
    pub bytes: &'b [u8],
    pub encoding: Encoding,
}

/// An input that could not be read at all (as opposed to a record that is invalid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub origin: String,
    pub message: String,
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// The kind of input a path is, by its name.
fn kind_of(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.ends_with(".zip") {
        Some(Kind::Zip)
    } else if name.ends_with(".ndjson") || name.ends_with(".jsonl") {
        Some(Kind::Ndjson)
    } else if name.ends_with(".json") {
        Some(Kind::Single(Encoding::Json))
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(Kind::Single(Encoding::Yaml))
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Single(Encoding),
    Ndjson,
    Zip,
}

/// Lists the record files under `paths` (folders are walked in name order; hidden folders and
/// files of other kinds are skipped). A path given explicitly is always read, whatever its name
/// (JSON is assumed when the extension says nothing).
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<SourceError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut files, &mut errors),
            Ok(_) => files.push(p.clone()),
            Err(e) => errors.push(SourceError {
                origin: p.display().to_string(),
                message: io_message(&e),
            }),
        }
    }
    (files, errors)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<SourceError>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) => {
                errors.push(SourceError {
                    origin: d.display().to_string(),
                    message: io_message(&e),
                });
                continue;
            }
        };
        let mut entries: Vec<(PathBuf, bool)> = rd
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| {
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                (e.path(), is_dir)
            })
            .collect();
        entries.sort();
        let mut subdirs = Vec::new();
        for (path, is_dir) in entries {
            if is_dir {
                subdirs.push(path);
            } else if kind_of(&path).is_some() {
                files.push(path);
            }
        }
        // Reverse so that the stack pops folders in name order.
        stack.extend(subdirs.into_iter().rev());
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Reads every record of one file, calling `visit` for each. Returns the errors that stopped
/// part or all of the file from being read (the records before a truncation are still visited).
pub fn read_file(path: &Path, visit: &mut dyn FnMut(Item<'_>)) -> Vec<SourceError> {
    let origin = path.display().to_string();
    let err = |message: String| {
        vec![SourceError {
            origin: origin.clone(),
            message,
        }]
    };
    let kind = kind_of(path).unwrap_or(Kind::Single(Encoding::Json));
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return err(io_message(&e)),
    };
    match kind {
        Kind::Single(encoding) => {
            let mut bytes = Vec::new();
            if let Err(e) = file.take(MAX_RECORD_SIZE + 1).read_to_end(&mut bytes) {
                return err(io_message(&e));
            }
            if bytes.len() as u64 > MAX_RECORD_SIZE {
                return err(format!(
                    "larger than {} MB; not an OSV record",
                    MAX_RECORD_SIZE >> 20
                ));
            }
            visit(Item {
                origin: &origin,
                bytes: &bytes,
                encoding,
            });
            Vec::new()
        }
        Kind::Ndjson => read_ndjson(&origin, file, visit),
        Kind::Zip => read_zip(&origin, file, visit),
    }
}

fn read_ndjson(origin: &str, file: File, visit: &mut dyn FnMut(Item<'_>)) -> Vec<SourceError> {
    // Map the file when we can: no copy through a read buffer. Fall back to reading.
    // SAFETY: the map is read-only and only lives for this call; if another process truncates
    // the file meanwhile we may fault, as any reader of a file being truncated might.
    if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
        let _ = map.advise(memmap2::Advice::Sequential);
        let mut label = String::new();
        let mut offset = 0usize;
        let mut released = 0usize;
        let mut pos = 0usize;
        let mut i = 0usize;
        while pos < map.len() {
            let line_end = memchr::memchr(b'\n', &map[pos..]).map_or(map.len(), |n| pos + n);
            let line = &map[pos..line_end];
            pos = line_end + 1;
            i += 1;
            let start = offset;
            offset += line.len() + 1;
            // Give back the pages already read, so a big export does not stay resident.
            if start - released >= 64 << 20 {
                let end = start & !4095;
                // SAFETY: the map is private and read-only; dropped pages are re-read from the
                // file if touched again, and nothing before `end` is borrowed any more.
                let _ = unsafe {
                    map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        released,
                        end - released,
                    )
                };
                released = end;
            }
            let trimmed = line.trim_ascii();
            if trimmed.is_empty() {
                continue;
            }
            if trimmed.len() as u64 > MAX_RECORD_SIZE {
                return vec![SourceError {
                    origin: format!("{origin}:{i}"),
                    message: format!(
                        "line longer than {} MB; stopped reading",
                        MAX_RECORD_SIZE >> 20
                    ),
                }];
            }
            label.clear();
            use std::fmt::Write;
            let _ = write!(label, "{origin}:{i}");
            visit(Item {
                origin: &label,
                bytes: trimmed,
                encoding: Encoding::Json,
            });
        }
        return Vec::new();
    }
    read_ndjson_buffered(origin, file, visit)
}

fn read_ndjson_buffered(
    origin: &str,
    file: File,
    visit: &mut dyn FnMut(Item<'_>),
) -> Vec<SourceError> {
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut label = String::new();
    loop {
        line.clear();
        number += 1;
        match (&mut reader)
            .take(MAX_RECORD_SIZE + 1)
            .read_until(b'\n', &mut line)
        {
            Ok(0) => return Vec::new(),
            Ok(_) => {}
            Err(e) => {
                return vec![SourceError {
                    origin: format!("{origin}:{number}"),
                    message: io_message(&e),
                }];
            }
        }
        if line.len() as u64 > MAX_RECORD_SIZE {
            return vec![SourceError {
                origin: format!("{origin}:{number}"),
                message: format!(
                    "line longer than {} MB; stopped reading",
                    MAX_RECORD_SIZE >> 20
                ),
            }];
        }
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        label.clear();
        use std::fmt::Write;
        let _ = write!(label, "{origin}:{number}");
        visit(Item {
            origin: &label,
            bytes: trimmed,
            encoding: Encoding::Json,
        });
    }
}

fn read_zip(origin: &str, file: File, visit: &mut dyn FnMut(Item<'_>)) -> Vec<SourceError> {
    // Reading through a map: the reader seeks to every entry, and a buffered file reader would
    // throw its buffer away (and read again) at each seek.
    // SAFETY: read-only map of a file we only read; see `read_ndjson`.
    match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) => {
            let release = || {
                // SAFETY: private read-only map; dropped pages are re-read from the file if
                // touched again, and no slice of the map outlives the entry being read.
                let _ = unsafe { map.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) };
            };
            if let Some(errors) = read_zip_sequential(origin, &map, visit, &release) {
                return errors;
            }
            read_zip_from(origin, std::io::Cursor::new(&map[..]), visit, &release)
        }
        Err(_) => read_zip_from(origin, BufReader::new(file), visit, &|| {}),
    }
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// One entry found by [`read_zip_sequential`]'s first pass.
struct LocalEntry {
    name: std::ops::Range<usize>,
    data: std::ops::Range<usize>,
    method: u16,
    crc: u32,
    size: u32,
}

/// Reads the local header at `pos`; `None` when this path cannot read the entry (encrypted,
/// zip64, sizes in a data descriptor) or it runs past the end.
fn local_entry(map: &[u8], pos: usize) -> Option<LocalEntry> {
    let flags = le16(map, pos + 6)?;
    let method = le16(map, pos + 8)?;
    let crc = le32(map, pos + 14)?;
    let csize = le32(map, pos + 18)?;
    let size = le32(map, pos + 22)?;
    let name_len = usize::from(le16(map, pos + 26)?);
    let extra_len = usize::from(le16(map, pos + 28)?);
    if flags & 0x0009 != 0 || csize == u32::MAX || size == u32::MAX {
        return None;
    }
    let name_start = pos + 30;
    let data_start = name_start + name_len + extra_len;
    let data_end = data_start.checked_add(csize as usize)?;
    if data_end > map.len() {
        return None;
    }
    Some(LocalEntry {
        name: name_start..name_start + name_len,
        data: data_start..data_end,
        method,
        crc,
        size,
    })
}

/// The fast path for the common export layout: walks the local file headers in order,
/// straight from the map, without holding the central directory in memory. Returns `None`
/// (before visiting anything) when the archive needs the general reader: no end-of-central-
/// directory record (truncated: the general reader reports it), or an entry that is encrypted,
/// zip64, or whose sizes follow its data (a data descriptor).
fn read_zip_sequential(
    origin: &str,
    map: &[u8],
    visit: &mut dyn FnMut(Item<'_>),
    release: &dyn Fn(),
) -> Option<Vec<SourceError>> {
    const LOCAL: u32 = 0x0403_4b50;
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    // The end-of-central-directory record lies in the last 64 KiB + 22 bytes.
    let tail = &map[map.len().saturating_sub(65_557)..];
    if !tail.windows(4).any(|w| w == EOCD) {
        return None;
    }
    // First pass: every local header must be one this path can read, so that falling back
    // never visits an entry twice. Nothing is kept: the second pass walks the headers again.
    let mut pos = 0usize;
    while le32(map, pos) == Some(LOCAL) {
        pos = local_entry(map, pos)?.data.end;
    }
    // The first pass touched a page of every entry.
    release();
    let mut errors = Vec::new();
    let mut inflater = flate2::Decompress::new(false);
    let mut out = Vec::new();
    let mut label = String::new();
    let mut pos = 0usize;
    let mut n = 0usize;
    while le32(map, pos) == Some(LOCAL) {
        let Some(e) = local_entry(map, pos) else {
            break;
        };
        pos = e.data.end;
        n += 1;
        if n.is_multiple_of(8_192) {
            release();
        }
        let name = String::from_utf8_lossy(&map[e.name.clone()]);
        let encoding = match kind_of(Path::new(name.as_ref())) {
            Some(Kind::Single(enc)) if !name.ends_with('/') => enc,
            _ => continue,
        };
        label.clear();
        label.push_str(origin);
        label.push('!');
        label.push_str(&name);
        if u64::from(e.size) > MAX_RECORD_SIZE {
            errors.push(SourceError {
                origin: label.clone(),
                message: format!(
                    "entry of {} bytes is larger than {} MB; skipped",
                    e.size,
                    MAX_RECORD_SIZE >> 20
                ),
            });
            continue;
        }
        let data = &map[e.data.clone()];
        let result = match e.method {
            0 => {
                out.clear();
                out.extend_from_slice(data);
                Ok(())
            }
            8 => inflate(&mut inflater, data, e.size, &mut out),
            other => Err(format!(
                "compression method {other} is not supported (use deflate or none)"
            )),
        }
        .and_then(|()| {
            if crc32fast::hash(&out) == e.crc {
                Ok(())
            } else {
                Err("CRC-32 mismatch: the entry is damaged".to_string())
            }
        });
        match result {
            Ok(()) => visit(Item {
                origin: &label,
                bytes: &out,
                encoding,
            }),
            Err(message) => errors.push(SourceError {
                origin: label.clone(),
                message,
            }),
        }
    }
    Some(errors)
}

/// Inflates raw deflate `data` into `out` with a reused decompressor, refusing more than
/// [`MAX_RECORD_SIZE`].
fn inflate(
    inflater: &mut flate2::Decompress,
    data: &[u8],
    size_hint: u32,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    out.clear();
    out.reserve((size_hint as usize).min(MAX_RECORD_SIZE as usize));
    inflater.reset(false);
    loop {
        let consumed = inflater.total_in() as usize;
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(4096));
        }
        if out.len() as u64 > MAX_RECORD_SIZE {
            return Err(format!(
                "inflates to more than {} MB; skipped",
                MAX_RECORD_SIZE >> 20
            ));
        }
        let before = out.len();
        let status = inflater
            .decompress_vec(
                data.get(consumed..).unwrap_or_default(),
                out,
                flate2::FlushDecompress::Finish,
            )
            .map_err(|e| format!("cannot decompress: {e}"))?;
        match status {
            flate2::Status::StreamEnd => return Ok(()),
            _ if inflater.total_in() as usize == consumed
                && out.len() == before
                && out.len() < out.capacity() =>
            {
                return Err(
                    "cannot decompress: the compressed data ends early (truncated?)".into(),
                );
            }
            _ => {}
        }
    }
}

fn read_zip_from<R: Read + std::io::Seek>(
    origin: &str,
    reader: R,
    visit: &mut dyn FnMut(Item<'_>),
    release: &dyn Fn(),
) -> Vec<SourceError> {
    let mut archive = match zip::ZipArchive::new(reader) {
        Ok(a) => a,
        Err(e) => {
            return vec![SourceError {
                origin: origin.to_owned(),
                message: format!("not a readable zip archive (truncated or corrupt?): {e}"),
            }];
        }
    };
    let mut errors = Vec::new();
    let mut buf = Vec::new();
    let mut raw = Vec::new();
    let mut inflater = flate2::Decompress::new(false);
    let mut label = String::new();
    for i in 0..archive.len() {
        // Give back the pages of the entries read so far, so a big export does not stay resident.
        if i % 16_384 == 16_383 {
            release();
        }
        // Raw access: the name, sizes and CRC without setting up a decompressor.
        let entry = match archive.by_index_raw(i) {
            Ok(e) => e,
            Err(e) => {
                errors.push(SourceError {
                    origin: format!("{origin}!#{i}"),
                    message: format!("unreadable entry: {e}"),
                });
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let encoding = match kind_of(Path::new(entry.name())) {
            Some(Kind::Single(enc)) => enc,
            _ => continue,
        };
        label.clear();
        label.push_str(origin);
        label.push('!');
        label.push_str(entry.name());
        let (method, crc, size) = (entry.compression(), entry.crc32(), entry.size());
        drop(entry);
        if size > MAX_RECORD_SIZE {
            errors.push(SourceError {
                origin: label.clone(),
                message: format!(
                    "entry of {size} bytes is larger than {} MB; skipped",
                    MAX_RECORD_SIZE >> 20
                ),
            });
            continue;
        }
        if let Err(message) = read_entry(
            &mut archive,
            i,
            method,
            crc,
            size,
            &mut inflater,
            &mut raw,
            &mut buf,
        ) {
            errors.push(SourceError {
                origin: label.clone(),
                message,
            });
            continue;
        }
        visit(Item {
            origin: &label,
            bytes: &buf,
            encoding,
        });
    }
    errors
}

/// Reads entry `i` into `out`: stored entries as they are, deflated ones through one reused
/// decompressor (a fresh one per entry costs more than the inflating itself on an export of
/// 300k small records). The CRC-32 is checked.
#[allow(clippy::too_many_arguments)]
fn read_entry<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    i: usize,
    method: zip::CompressionMethod,
    crc: u32,
    size: u64,
    inflater: &mut flate2::Decompress,
    raw: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    raw.clear();
    out.clear();
    let mut entry = archive
        .by_index_raw(i)
        .map_err(|e| format!("unreadable entry: {e}"))?;
    (&mut entry)
        .take(MAX_RECORD_SIZE + 1)
        .read_to_end(raw)
        .map_err(|e| format!("cannot read: {e}"))?;
    drop(entry);
    match method {
        zip::CompressionMethod::Stored => out.extend_from_slice(raw),
        zip::CompressionMethod::Deflated => {
            inflate(inflater, raw, u32::try_from(size).unwrap_or(u32::MAX), out)?;
        }
        other => {
            return Err(format!(
                "compression method {other} is not supported (use deflate or none)"
            ));
        }
    }
    if crc32fast::hash(out) != crc {
        return Err("CRC-32 mismatch: the entry is damaged".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn ndjson_lines_are_labelled_and_blank_lines_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.ndjson");
        std::fs::write(&p, "{\"a\":1}\n\n{\"b\":2}\n").unwrap();
        let mut seen = Vec::new();
        let errors = read_file(&p, &mut |item| {
            seen.push((item.origin.to_owned(), item.bytes.to_vec()))
        });
        assert!(errors.is_empty());
        assert_eq!(seen.len(), 2);
        assert!(seen[1].0.ends_with("x.ndjson:3"), "{}", seen[1].0);
        assert_eq!(seen[1].1, b"{\"b\":2}");
    }

    #[test]
    fn truncated_zip_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("all.zip");
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("A.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"{}").unwrap();
        let bytes = w.finish().unwrap().into_inner();
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        let errors = read_file(&p, &mut |_| panic!("nothing to visit"));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("not a readable zip archive"),
            "{}",
            errors[0]
        );
        assert!(errors[0].origin.ends_with("all.zip"));
    }

    #[test]
    fn a_damaged_entry_is_reported_and_the_next_one_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("all.zip");
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let body_a = "{\"id\":\"A\",\"text\":\"".to_string() + &"aaaa bbbb ".repeat(200) + "\"}";
        w.start_file("A.json", deflated).unwrap();
        w.write_all(body_a.as_bytes()).unwrap();
        w.start_file(
            "B.json",
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap();
        w.write_all(b"{\"id\":\"B\"}").unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        // Both read back intact first.
        std::fs::write(&p, &bytes).unwrap();
        let mut seen = Vec::new();
        assert!(read_file(&p, &mut |item| seen.push(item.bytes.to_vec())).is_empty());
        assert_eq!(
            seen,
            vec![body_a.as_bytes().to_vec(), b"{\"id\":\"B\"}".to_vec()]
        );
        // Damage A's compressed data (just after its 30-byte local header and name).
        bytes[30 + 6 + 5] ^= 0x55;
        std::fs::write(&p, &bytes).unwrap();
        let mut seen = Vec::new();
        let errors = read_file(&p, &mut |item| seen.push(item.bytes.to_vec()));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].origin.ends_with("all.zip!A.json"),
            "{}",
            errors[0]
        );
        assert!(
            errors[0].message.contains("decompress") || errors[0].message.contains("CRC"),
            "{}",
            errors[0]
        );
        assert_eq!(seen, vec![b"{\"id\":\"B\"}".to_vec()]);
    }

    #[test]
    fn walk_skips_hidden_and_other_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join("b/2.yaml"), "").unwrap();
        std::fs::write(dir.path().join("a.json"), "").unwrap();
        std::fs::write(dir.path().join("README.md"), "").unwrap();
        std::fs::write(dir.path().join(".git/x.json"), "").unwrap();
        let (files, errors) = expand(&[dir.path().to_path_buf(), dir.path().join("missing")]);
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(dir.path()).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            vec![PathBuf::from("a.json"), PathBuf::from("b/2.yaml")]
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("no such file"));
    }
}
