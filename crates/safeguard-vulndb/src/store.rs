//! The on-disk database: one file, memory-mapped, written whole and renamed into place.
//!
//! ```text
//! header (144 bytes)  magic "SGOSVDB1", format version, counts, seven (offset, length)
//!                     section descriptors, a CRC-32 of the lookup sections, a CRC-32 of itself
//! FRAMES              the stored records: per record [u32 len][u32 crc32][JSON bytes]
//! META                per record, 48 bytes: frame offset, JSON length, modified (µs), id
//!                     (offset, length into STRINGS), its AFF chunk (offset, length, crc32), flags
//! AFF                 per record, the affected packages in a compact binary form (below)
//! SLOTS               open-addressing hash table, 24-byte slots: key hash, key (offset, length
//!                     into STRINGS), first entry, entry count
//! ENTRIES             per (package, affected entry): record index, offset of the entry in AFF
//! STRINGS             ids and lookup keys
//! STATS               JSON: per-ecosystem record counts and newest `modified`
//! ```
//!
//! Opening maps the file, checks the header and the CRC of META, SLOTS, ENTRIES, STRINGS and
//! STATS (a few MB for 300k records), and trusts nothing else until it is read: a record's AFF
//! chunk and its JSON frame each carry their own CRC, checked on use. A corrupt file is
//! reported as such and never half-trusted; [`crate::db::import`] rebuilds it from the frames
//! that still check out.
//!
//! An AFF entry: `u8 1`, ecosystem (str), name (str), `u16` range count, per range `u8` type
//! (0 GIT, 1 SEMVER, 2 ECOSYSTEM) and `u16` event count, per event `u8` kind and version (str),
//! then `u32` version count and the versions (str). A str is `u16` length + UTF-8 bytes.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::osv::{EventKind, RangeType, RawRecord, Timestamp};

const MAGIC: &[u8; 8] = b"SGOSVDB1";
const FORMAT_VERSION: u32 = 1;
/// 24 bytes of fields, 7 section descriptors of 16 bytes, a CRC, padding.
const HEADER_LEN: usize = 144;
const META_LEN: usize = 48;
const SLOT_LEN: usize = 24;
const ENTRY_LEN: usize = 8;
const FLAG_WITHDRAWN: u32 = 1;

/// Section numbers.
const FRAMES: usize = 0;
const META: usize = 1;
const AFF: usize = 2;
const SLOTS: usize = 3;
const ENTRIES: usize = 4;
const STRINGS: usize = 5;
const STATS: usize = 6;
const SECTIONS: usize = 7;

/// Why a database file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a Safeguard vulnerability database (bad magic number)")]
    NotADatabase { path: PathBuf },
    #[error(
        "{path}: database format {found} is not supported by this safeguard (expects {FORMAT_VERSION}); run `safeguard db import` to rebuild it"
    )]
    Version { path: PathBuf, found: u32 },
    #[error(
        "{path}: the database is corrupt ({what}); run `safeguard db import` to rebuild it from the records that are intact"
    )]
    Corrupt { path: PathBuf, what: String },
    #[error("{what}: a string of {len} bytes is too long for the index (limit 65535)")]
    TooLong { what: String, len: usize },
}

fn corrupt(path: &Path, what: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        path: path.to_path_buf(),
        what: what.into(),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The base of an ecosystem name: `Debian:12` -> `Debian`.
pub fn ecosystem_base(ecosystem: &str) -> &str {
    ecosystem.split_once(':').map_or(ecosystem, |(b, _)| b)
}

/// The lookup form of a package name in an ecosystem: PyPI names are PEP 503-normalised,
/// NuGet, Packagist and Hex names are case-insensitive; others are exact.
pub fn normalize_name<'a>(ecosystem_base: &str, name: &'a str) -> std::borrow::Cow<'a, str> {
    match ecosystem_base {
        "PyPI" => {
            let needs = name
                .bytes()
                .any(|c| c.is_ascii_uppercase() || c == b'_' || c == b'.')
                || name.contains("--");
            if !needs {
                return name.into();
            }
            let mut out = String::with_capacity(name.len());
            let mut sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                    continue;
                }
                if sep && !out.is_empty() {
                    out.push('-');
                }
                sep = false;
                out.push(c.to_ascii_lowercase());
            }
            out.into()
        }
        "NuGet" | "Packagist" | "Hex" => {
            if name.bytes().any(|c| c.is_ascii_uppercase()) {
                name.to_ascii_lowercase().into()
            } else {
                name.into()
            }
        }
        _ => name.into(),
    }
}

/// FNV-1a, 64-bit: stable across runs and platforms, fast on short keys. Never 0 (0 marks an
/// empty slot).
fn key_hash(eco: &str, name: &str) -> u64 {
    key_hash_bytes(eco.as_bytes(), name.as_bytes())
}

fn key_hash_bytes(eco: &[u8], name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in eco.iter().chain(std::iter::once(&0u8)).chain(name) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h.max(1)
}

fn push_str(out: &mut Vec<u8>, s: &str, what: &str) -> Result<(), StoreError> {
    let len = u16::try_from(s.len()).map_err(|_| StoreError::TooLong {
        what: what.to_owned(),
        len: s.len(),
    })?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// (ecosystem base, normalised package name, offset of the entry in its record's AFF chunk).
type PackageKey<'r> = (&'r str, std::borrow::Cow<'r, str>, u32);

/// Appends a record's affected packages (its AFF chunk) to `out`, and returns the ecosystem
/// base, normalised name and offset (relative to the chunk start) of each package entry.
fn encode_affected<'r>(
    record: &'r RawRecord<'_>,
    out: &mut Vec<u8>,
) -> Result<Vec<PackageKey<'r>>, StoreError> {
    let start = out.len();
    let mut keys = Vec::with_capacity(record.affected.len());
    for a in &record.affected {
        let Some(p) = &a.package else { continue };
        let offset = (out.len() - start) as u32;
        out.push(1);
        push_str(out, &p.ecosystem, "ecosystem")?;
        push_str(out, &p.name, "package name")?;
        let nranges = u16::try_from(a.ranges.len()).map_err(|_| StoreError::TooLong {
            what: format!("{}: ranges", record.id),
            len: a.ranges.len(),
        })?;
        out.extend_from_slice(&nranges.to_le_bytes());
        for r in &a.ranges {
            out.push(match r.kind {
                RangeType::Git => 0,
                RangeType::Semver => 1,
                RangeType::Ecosystem => 2,
            });
            let nevents = u16::try_from(r.events.len()).map_err(|_| StoreError::TooLong {
                what: format!("{}: events", record.id),
                len: r.events.len(),
            })?;
            out.extend_from_slice(&nevents.to_le_bytes());
            for e in &r.events {
                out.push(match e.kind {
                    EventKind::Introduced => 0,
                    EventKind::Fixed => 1,
                    EventKind::LastAffected => 2,
                    EventKind::Limit => 3,
                });
                push_str(out, &e.version, "event version")?;
            }
        }
        out.extend_from_slice(&(a.versions.len() as u32).to_le_bytes());
        for v in &a.versions {
            push_str(out, v, "version")?;
        }
        let base = ecosystem_base(&p.ecosystem);
        keys.push((base, normalize_name(base, &p.name), offset));
    }
    Ok(keys)
}

/// A fast, non-cryptographic hasher for the builder's maps (keys are not attacker-chosen in a
/// way that matters: a collision flood only slows one import down).
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.0 = h;
    }
}

fn fast_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = FastHasher(0x9e37_79b9_7f4a_7c15);
    h.write(bytes);
    // Fold the high bits in: hashbrown takes its control bits from the top.
    let v = h.finish();
    v ^ (v >> 29)
}

struct MetaRow {
    frame_offset: u64,
    json_len: u32,
    modified: i64,
    id_offset: u32,
    id_len: u32,
    aff_offset: u32,
    aff_len: u32,
    aff_crc: u32,
    flags: u32,
    dead: bool,
    /// Bit n: the record affects `Builder::ecosystems[n]` (bit 127: any further ecosystem).
    ecosystems: u128,
}

#[derive(Default, serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct EcosystemStats {
    pub records: u64,
    pub withdrawn: u64,
    /// Newest `modified`, microseconds since the epoch.
    pub newest_modified: Option<i64>,
}

/// Statistics stored in the file.
#[derive(Default, serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct Stats {
    pub records: u64,
    pub withdrawn: u64,
    pub newest_modified: Option<i64>,
    /// Keyed by ecosystem base name; a record counts once in each ecosystem it affects.
    pub ecosystems: std::collections::BTreeMap<String, EcosystemStats>,
    /// When the file was written, seconds since the epoch.
    pub built_at: i64,
}

/// Writes a new database file. Records are added one by one; [`Builder::finish`] writes the
/// lookup sections and renames the file into place.
pub struct Builder {
    final_path: PathBuf,
    tmp_path: PathBuf,
    out: BufWriter<File>,
    written: u64,
    meta: Vec<MetaRow>,
    aff: Vec<u8>,
    strings: Vec<u8>,
    /// Lookup keys (`ecosystem\0name`), numbered by position in `key_spans`; the bytes live in
    /// `key_arena`. The tables hold numbers only: no allocation per record.
    keys: hashbrown::HashTable<u32>,
    key_arena: Vec<u8>,
    key_spans: Vec<(u32, u32)>,
    /// (key number, record, AFF offset), in insertion order.
    entries: Vec<(u32, u32, u32)>,
    /// Record ids -> index in `meta` (the id bytes are in `strings`).
    by_id: hashbrown::HashTable<u32>,
    /// Ecosystem names seen, numbered; records carry a bit mask of them.
    ecosystems: Vec<String>,
    key_buf: Vec<u8>,
}

/// Ecosystems beyond this many distinct names are counted under "(other)" in the statistics.
const MAX_ECOSYSTEMS: usize = 127;

/// What happened to a record offered to the builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// New id.
    New,
    /// Replaced an older version of the same id.
    Updated,
    /// Same or older `modified` than the version already added: ignored.
    NotNewer,
}

impl Builder {
    /// Starts writing `path` (through a temporary file beside it).
    pub fn create(path: &Path) -> Result<Builder, StoreError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let tmp_path = dir.join(format!(
            ".{}.tmp-{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("osv.db"),
            std::process::id()
        ));
        let file = File::create(&tmp_path).map_err(io(&tmp_path))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(&[0u8; HEADER_LEN]).map_err(io(&tmp_path))?;
        Ok(Builder {
            final_path: path.to_path_buf(),
            tmp_path,
            out,
            written: HEADER_LEN as u64,
            meta: Vec::new(),
            aff: Vec::new(),
            strings: Vec::new(),
            keys: hashbrown::HashTable::new(),
            key_arena: Vec::new(),
            key_spans: Vec::new(),
            entries: Vec::new(),
            by_id: hashbrown::HashTable::new(),
            ecosystems: Vec::new(),
            key_buf: Vec::new(),
        })
    }

    /// The `modified` of the version of `id` added so far.
    pub fn modified_of(&self, id: &str) -> Option<i64> {
        let h = fast_hash(id.as_bytes());
        self.by_id
            .find(h, |&i| self.id_of(i) == id.as_bytes())
            .map(|&i| self.meta[i as usize].modified)
    }

    /// Adds a validated record with its JSON bytes.
    pub fn add(
        &mut self,
        record: &RawRecord<'_>,
        json: &[u8],
        modified: Timestamp,
        withdrawn: bool,
    ) -> Result<Added, StoreError> {
        let start = self.aff.len();
        let keys = match encode_affected(record, &mut self.aff) {
            Ok(k) => k,
            Err(e) => {
                self.aff.truncate(start);
                return Err(e);
            }
        };
        self.add_encoded(&record.id, json, modified.0, withdrawn, start, &keys)
    }

    /// Adds a record whose AFF chunk was appended to `self.aff` at `aff_start`.
    fn add_encoded(
        &mut self,
        id: &str,
        json: &[u8],
        modified: i64,
        withdrawn: bool,
        aff_start: usize,
        keys: &[PackageKey<'_>],
    ) -> Result<Added, StoreError> {
        let mut result = Added::New;
        let index = self.meta.len() as u32;
        let h = fast_hash(id.as_bytes());
        let (meta, strings) = (&self.meta, &self.strings);
        let same = |&i: &u32| {
            let m = &meta[i as usize];
            strings.get(m.id_offset as usize..(m.id_offset + m.id_len) as usize)
                == Some(id.as_bytes())
        };
        match self.by_id.find_mut(h, same) {
            Some(prev) => {
                let p = *prev as usize;
                if self.meta[p].modified >= modified {
                    self.aff.truncate(aff_start);
                    return Ok(Added::NotNewer);
                }
                self.meta[p].dead = true;
                *prev = index;
                result = Added::Updated;
            }
            None => {
                let (meta, strings) = (&self.meta, &self.strings);
                self.by_id.insert_unique(h, index, |&i| {
                    let m = &meta[i as usize];
                    fast_hash(&strings[m.id_offset as usize..(m.id_offset + m.id_len) as usize])
                });
            }
        }
        let json_len = u32::try_from(json.len()).map_err(|_| StoreError::TooLong {
            what: format!("{id}: record"),
            len: json.len(),
        })?;
        let crc = crc32fast::hash(json);
        let frame_offset = self.written;
        self.out
            .write_all(&json_len.to_le_bytes())
            .map_err(io(&self.tmp_path))?;
        self.out
            .write_all(&crc.to_le_bytes())
            .map_err(io(&self.tmp_path))?;
        self.out.write_all(json).map_err(io(&self.tmp_path))?;
        self.written += 8 + json.len() as u64;

        let id_offset = self.strings.len() as u32;
        self.strings.extend_from_slice(id.as_bytes());
        let mut mask = 0u128;
        for (eco, name, off) in keys {
            let n = match self.ecosystems.iter().position(|e| e == eco) {
                Some(n) => n,
                None if self.ecosystems.len() < MAX_ECOSYSTEMS => {
                    self.ecosystems.push((*eco).to_owned());
                    self.ecosystems.len() - 1
                }
                None => MAX_ECOSYSTEMS,
            };
            mask |= 1u128 << n;
            if withdrawn {
                continue;
            }
            self.key_buf.clear();
            self.key_buf.extend_from_slice(eco.as_bytes());
            self.key_buf.push(0);
            self.key_buf.extend_from_slice(name.as_bytes());
            let kh = fast_hash(&self.key_buf);
            let (arena, spans, buf) = (&self.key_arena, &self.key_spans, &self.key_buf);
            let key = match self.keys.find(kh, |&k| {
                let (o, l) = spans[k as usize];
                &arena[o as usize..(o + l) as usize] == buf.as_slice()
            }) {
                Some(&k) => k,
                None => {
                    let next = self.key_spans.len() as u32;
                    self.key_spans
                        .push((self.key_arena.len() as u32, self.key_buf.len() as u32));
                    self.key_arena.extend_from_slice(&self.key_buf);
                    let (arena, spans) = (&self.key_arena, &self.key_spans);
                    self.keys.insert_unique(kh, next, |&k| {
                        let (o, l) = spans[k as usize];
                        fast_hash(&arena[o as usize..(o + l) as usize])
                    });
                    next
                }
            };
            self.entries.push((key, index, aff_start as u32 + off));
        }
        let chunk = &self.aff[aff_start..];
        self.meta.push(MetaRow {
            frame_offset,
            json_len,
            modified,
            id_offset,
            id_len: id.len() as u32,
            aff_offset: aff_start as u32,
            aff_len: chunk.len() as u32,
            aff_crc: crc32fast::hash(chunk),
            flags: if withdrawn { FLAG_WITHDRAWN } else { 0 },
            dead: false,
            ecosystems: mask,
        });
        Ok(result)
    }

    fn id_of(&self, index: u32) -> &[u8] {
        let m = &self.meta[index as usize];
        &self.strings[m.id_offset as usize..(m.id_offset + m.id_len) as usize]
    }

    /// Copies a record from an existing database without re-parsing it.
    pub fn copy_from(&mut self, db: &Database, index: u32) -> Result<Added, StoreError> {
        let rec = db.record_ref(index)?;
        let json = db.record_json(index)?;
        let chunk = db.aff_chunk(index)?;
        let start = self.aff.len();
        self.aff.extend_from_slice(chunk);
        let mut keys = Vec::new();
        let mut pos = 0usize;
        while pos < chunk.len() {
            let entry = AffectedView::decode(chunk, pos)
                .ok_or_else(|| corrupt(&db.path, "affected data"))?;
            let base = ecosystem_base(entry.ecosystem);
            keys.push((base, normalize_name(base, entry.name), pos as u32));
            pos = entry.end;
        }
        self.add_encoded(rec.id, json, rec.modified, rec.withdrawn, start, &keys)
    }

    /// Writes the lookup sections and header, syncs, and renames the file into place.
    pub fn finish(mut self) -> Result<Stats, StoreError> {
        let path = self.tmp_path.clone();
        // Group entries by key (stable: record order within a key), dropping superseded records.
        let dead: Vec<bool> = self.meta.iter().map(|m| m.dead).collect();
        self.entries.retain(|(_, r, _)| !dead[*r as usize]);
        self.entries.sort_by_key(|e| e.0);
        let key_arena = std::mem::take(&mut self.key_arena);
        let key_spans = std::mem::take(&mut self.key_spans);

        let mut stats = Stats {
            built_at: time::OffsetDateTime::now_utc().unix_timestamp(),
            ..Stats::default()
        };
        for m in &self.meta {
            if m.dead {
                continue;
            }
            let withdrawn = m.flags & FLAG_WITHDRAWN != 0;
            stats.records += 1;
            stats.withdrawn += u64::from(withdrawn);
            stats.newest_modified = stats.newest_modified.max(Some(m.modified));
            let mut bits = m.ecosystems;
            while bits != 0 {
                let n = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let name = self.ecosystems.get(n).map_or("(other)", String::as_str);
                let e = stats.ecosystems.entry(name.to_owned()).or_default();
                e.records += 1;
                e.withdrawn += u64::from(withdrawn);
                e.newest_modified = e.newest_modified.max(Some(m.modified));
            }
        }

        let mut sections = [(0u64, 0u64); SECTIONS];
        sections[FRAMES] = (HEADER_LEN as u64, self.written - HEADER_LEN as u64);
        let mut meta = Vec::with_capacity(self.meta.len() * META_LEN);
        for m in &self.meta {
            meta.extend_from_slice(&m.frame_offset.to_le_bytes());
            meta.extend_from_slice(&m.json_len.to_le_bytes());
            meta.extend_from_slice(&m.modified.to_le_bytes());
            meta.extend_from_slice(&m.id_offset.to_le_bytes());
            meta.extend_from_slice(&m.id_len.to_le_bytes());
            meta.extend_from_slice(&m.aff_offset.to_le_bytes());
            meta.extend_from_slice(&m.aff_len.to_le_bytes());
            meta.extend_from_slice(&m.aff_crc.to_le_bytes());
            let flags = m.flags | if m.dead { 2 } else { 0 };
            meta.extend_from_slice(&flags.to_le_bytes());
            meta.extend_from_slice(&[0u8; 4]);
        }
        let distinct = {
            let mut n = 0usize;
            let mut last = None;
            for e in &self.entries {
                if last != Some(e.0) {
                    n += 1;
                    last = Some(e.0);
                }
            }
            n
        };
        let nslots = (distinct * 2).next_power_of_two().max(16);
        let mut slots = vec![0u8; nslots * SLOT_LEN];
        let mut entries = Vec::with_capacity(self.entries.len() * ENTRY_LEN);
        let mut at = 0;
        while at < self.entries.len() {
            let key_no = self.entries[at].0;
            let mut end = at;
            while end < self.entries.len() && self.entries[end].0 == key_no {
                end += 1;
            }
            let (ko, kl) = key_spans[key_no as usize];
            let key = &key_arena[ko as usize..(ko + kl) as usize];
            let (eco, name) = match key.iter().position(|&b| b == 0) {
                Some(z) => (&key[..z], &key[z + 1..]),
                None => (key, &key[..0]),
            };
            let h = key_hash_bytes(eco, name);
            let key_offset = self.strings.len() as u32;
            self.strings.extend_from_slice(key);
            let key_len = key.len() as u32;
            let first = (entries.len() / ENTRY_LEN) as u32;
            for (_, rec, off) in &self.entries[at..end] {
                entries.extend_from_slice(&rec.to_le_bytes());
                entries.extend_from_slice(&off.to_le_bytes());
            }
            let count = (end - at) as u32;
            at = end;
            let mut i = (h as usize) & (nslots - 1);
            loop {
                let s = &mut slots[i * SLOT_LEN..(i + 1) * SLOT_LEN];
                if s[..8] == [0u8; 8] {
                    s[0..8].copy_from_slice(&h.to_le_bytes());
                    s[8..12].copy_from_slice(&key_offset.to_le_bytes());
                    s[12..16].copy_from_slice(&key_len.to_le_bytes());
                    s[16..20].copy_from_slice(&first.to_le_bytes());
                    s[20..24].copy_from_slice(&count.to_le_bytes());
                    break;
                }
                i = (i + 1) & (nslots - 1);
            }
        }
        let stats_json = serde_json::to_vec(&stats).unwrap_or_default();

        let mut crc = crc32fast::Hasher::new();
        let mut offset = self.written;
        for (n, bytes) in [
            (META, &meta),
            (AFF, &self.aff),
            (SLOTS, &slots),
            (ENTRIES, &entries),
            (STRINGS, &self.strings),
            (STATS, &stats_json),
        ] {
            sections[n] = (offset, bytes.len() as u64);
            self.out.write_all(bytes).map_err(io(&path))?;
            offset += bytes.len() as u64;
            if n != AFF {
                crc.update(bytes);
            }
        }
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        header.extend_from_slice(&(self.meta.len() as u32).to_le_bytes());
        header.extend_from_slice(&(nslots as u32).to_le_bytes());
        header.extend_from_slice(&crc.finalize().to_le_bytes());
        for (o, l) in sections {
            header.extend_from_slice(&o.to_le_bytes());
            header.extend_from_slice(&l.to_le_bytes());
        }
        header.resize(HEADER_LEN - 4, 0);
        let hcrc = crc32fast::hash(&header);
        header.extend_from_slice(&hcrc.to_le_bytes());
        self.out.flush().map_err(io(&path))?;
        let file = self.out.get_mut();
        file.seek(SeekFrom::Start(0)).map_err(io(&path))?;
        file.write_all(&header).map_err(io(&path))?;
        file.sync_all().map_err(io(&path))?;
        std::fs::rename(&path, &self.final_path).map_err(io(&self.final_path))?;
        if let Some(dir) = self.final_path.parent()
            && let Ok(d) = File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(stats)
    }
}

impl Drop for Builder {
    fn drop(&mut self) {
        // After a successful finish the temporary file was renamed and this fails harmlessly.
        let _ = std::fs::remove_file(&self.tmp_path);
    }
}

/// An open database (memory-mapped).
pub struct Database {
    path: PathBuf,
    map: memmap2::Mmap,
    sections: [(usize, usize); SECTIONS],
    records: u32,
    nslots: u32,
}

/// A record's header fields.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    pub id: &'a str,
    pub modified: i64,
    pub withdrawn: bool,
    /// Superseded by a newer version in the same file (kept only until the next rewrite).
    pub dead: bool,
}

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}
fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

impl Database {
    /// Opens and checks a database file.
    pub fn open(path: &Path) -> Result<Database, StoreError> {
        let file = File::open(path).map_err(io(path))?;
        // SAFETY: the file is only ever replaced by rename, never written in place, so the
        // mapping cannot change under us; every read below is bounds-checked.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io(path))?;
        Database::from_map(path, map)
    }

    fn from_map(path: &Path, map: memmap2::Mmap) -> Result<Database, StoreError> {
        let b = &map[..];
        if b.len() < HEADER_LEN || &b[..8] != MAGIC {
            if b.len() >= 8 && &b[..7] == b"SGOSVDB" {
                return Err(StoreError::Version {
                    path: path.to_path_buf(),
                    found: u32::from(b[7]),
                });
            }
            return Err(StoreError::NotADatabase {
                path: path.to_path_buf(),
            });
        }
        let version = le_u32(b, 8).unwrap_or(0);
        if version != FORMAT_VERSION {
            return Err(StoreError::Version {
                path: path.to_path_buf(),
                found: version,
            });
        }
        let hcrc = le_u32(b, HEADER_LEN - 4).unwrap_or(0);
        if crc32fast::hash(&b[..HEADER_LEN - 4]) != hcrc {
            return Err(corrupt(path, "header checksum mismatch"));
        }
        let records = le_u32(b, 12).unwrap_or(0);
        let nslots = le_u32(b, 16).unwrap_or(0);
        let crc = le_u32(b, 20).unwrap_or(0);
        let mut sections = [(0usize, 0usize); SECTIONS];
        for (i, s) in sections.iter_mut().enumerate() {
            let o = le_u64(b, 24 + i * 16).unwrap_or(u64::MAX);
            let l = le_u64(b, 32 + i * 16).unwrap_or(u64::MAX);
            let end = o.checked_add(l).filter(|&e| e <= b.len() as u64);
            if end.is_none() || o < HEADER_LEN as u64 {
                return Err(corrupt(
                    path,
                    format!("section {i} lies outside the file (truncated?)"),
                ));
            }
            *s = (o as usize, l as usize);
        }
        if sections[META].1 != records as usize * META_LEN
            || sections[SLOTS].1 != nslots as usize * SLOT_LEN
            || !nslots.is_power_of_two()
            || sections[ENTRIES].1 % ENTRY_LEN != 0
        {
            return Err(corrupt(path, "section sizes disagree with the header"));
        }
        let mut h = crc32fast::Hasher::new();
        for n in [META, SLOTS, ENTRIES, STRINGS, STATS] {
            let (o, l) = sections[n];
            h.update(&b[o..o + l]);
        }
        if h.finalize() != crc {
            return Err(corrupt(path, "index checksum mismatch"));
        }
        Ok(Database {
            path: path.to_path_buf(),
            map,
            sections,
            records,
            nslots,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn section(&self, n: usize) -> &[u8] {
        let (o, l) = self.sections[n];
        &self.map[o..o + l]
    }

    /// Number of record slots (including superseded ones).
    pub fn len(&self) -> u32 {
        self.records
    }

    pub fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// The stored statistics.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        serde_json::from_slice(self.section(STATS)).map_err(|_| corrupt(&self.path, "statistics"))
    }

    fn meta(&self, index: u32) -> Result<&[u8], StoreError> {
        let at = index as usize * META_LEN;
        self.section(META)
            .get(at..at + META_LEN)
            .ok_or_else(|| corrupt(&self.path, "record index out of range"))
    }

    /// A record's id, dates and flags.
    pub fn record_ref(&self, index: u32) -> Result<RecordRef<'_>, StoreError> {
        let m = self.meta(index)?;
        let bad = || corrupt(&self.path, format!("record {index} metadata"));
        let modified = le_u64(m, 12).ok_or_else(bad)? as i64;
        let id_off = le_u32(m, 20).ok_or_else(bad)? as usize;
        let id_len = le_u32(m, 24).ok_or_else(bad)? as usize;
        let flags = le_u32(m, 40).ok_or_else(bad)?;
        let id = self
            .section(STRINGS)
            .get(id_off..id_off.saturating_add(id_len))
            .and_then(|s| std::str::from_utf8(s).ok())
            .ok_or_else(bad)?;
        Ok(RecordRef {
            id,
            modified,
            withdrawn: flags & FLAG_WITHDRAWN != 0,
            dead: flags & 2 != 0,
        })
    }

    /// A record's JSON, checked against its CRC.
    pub fn record_json(&self, index: u32) -> Result<&[u8], StoreError> {
        let m = self.meta(index)?;
        let bad = || corrupt(&self.path, format!("record {index} frame"));
        let off = le_u64(m, 0).ok_or_else(bad)? as usize;
        let len = le_u32(m, 8).ok_or_else(bad)? as usize;
        let (fo, fl) = self.sections[FRAMES];
        if off < fo || off.saturating_add(8 + len) > fo + fl {
            return Err(bad());
        }
        let frame_len = le_u32(&self.map, off).ok_or_else(bad)? as usize;
        let crc = le_u32(&self.map, off + 4).ok_or_else(bad)?;
        let json = &self.map[off + 8..off + 8 + len];
        if frame_len != len || crc32fast::hash(json) != crc {
            return Err(bad());
        }
        Ok(json)
    }

    /// A record's AFF chunk, checked against its CRC.
    fn aff_chunk(&self, index: u32) -> Result<&[u8], StoreError> {
        let m = self.meta(index)?;
        let bad = || corrupt(&self.path, format!("record {index} affected data"));
        let off = le_u32(m, 28).ok_or_else(bad)? as usize;
        let len = le_u32(m, 32).ok_or_else(bad)? as usize;
        let crc = le_u32(m, 36).ok_or_else(bad)?;
        let chunk = self
            .section(AFF)
            .get(off..off.saturating_add(len))
            .ok_or_else(bad)?;
        if crc32fast::hash(chunk) != crc {
            return Err(bad());
        }
        Ok(chunk)
    }

    /// The affected entries recorded for a package. `ecosystem` may carry a suffix
    /// (`Debian:12`); lookup is by its base. Entries of withdrawn records are not indexed.
    /// Nothing is decoded until the entries are read from the returned [`Hits`].
    pub fn lookup(&self, ecosystem: &str, name: &str) -> Result<Hits<'_>, StoreError> {
        let base = ecosystem_base(ecosystem);
        let name = normalize_name(base, name);
        let h = key_hash(base, &name);
        let slots = self.section(SLOTS);
        let strings = self.section(STRINGS);
        let mask = self.nslots as usize - 1;
        let mut i = (h as usize) & mask;
        for _ in 0..self.nslots {
            let s = &slots[i * SLOT_LEN..(i + 1) * SLOT_LEN];
            let sh = le_u64(s, 0).unwrap_or(0);
            if sh == 0 {
                return Ok(Hits {
                    db: self,
                    first: 0,
                    count: 0,
                });
            }
            if sh == h {
                let ko = le_u32(s, 8).unwrap_or(0) as usize;
                let kl = le_u32(s, 12).unwrap_or(0) as usize;
                let key = strings
                    .get(ko..ko.saturating_add(kl))
                    .ok_or_else(|| corrupt(&self.path, "lookup key"))?;
                if key.len() == base.len() + 1 + name.len()
                    && &key[..base.len()] == base.as_bytes()
                    && key[base.len()] == 0
                    && &key[base.len() + 1..] == name.as_bytes()
                {
                    let first = le_u32(s, 16).unwrap_or(0) as usize;
                    let count = le_u32(s, 20).unwrap_or(0) as usize;
                    if first.saturating_add(count) * ENTRY_LEN > self.section(ENTRIES).len() {
                        return Err(corrupt(&self.path, "lookup entries out of range"));
                    }
                    return Ok(Hits {
                        db: self,
                        first,
                        count,
                    });
                }
            }
            i = (i + 1) & mask;
        }
        Ok(Hits {
            db: self,
            first: 0,
            count: 0,
        })
    }

    fn hit(&self, entry: usize) -> Result<Hit<'_>, StoreError> {
        let entries = self.section(ENTRIES);
        let at = entry * ENTRY_LEN;
        let bad = || corrupt(&self.path, "lookup entry");
        let record = le_u32(entries, at).ok_or_else(bad)?;
        let aff_at = le_u32(entries, at + 4).ok_or_else(bad)? as usize;
        // Check the record's whole chunk, then decode the entry inside it.
        let m = self.meta(record)?;
        let chunk_off = le_u32(m, 28).ok_or_else(bad)? as usize;
        let chunk = self.aff_chunk(record)?;
        let rel = aff_at
            .checked_sub(chunk_off)
            .filter(|&r| r < chunk.len())
            .ok_or_else(bad)?;
        let affected = AffectedView::decode(chunk, rel).ok_or_else(bad)?;
        Ok(Hit { record, affected })
    }

    /// Iterates every live (not superseded) record index.
    pub fn live_records(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.records).filter(|&i| self.record_ref(i).is_ok_and(|r| !r.dead))
    }

    /// Finds a record by id (linear: for `db show` and incremental imports only).
    pub fn find_id(&self, id: &str) -> Option<u32> {
        self.live_records()
            .find(|&i| self.record_ref(i).is_ok_and(|r| r.id == id))
    }

    /// Salvages record JSON frames from a damaged file: walks the FRAMES area from the header on
    /// and returns every frame whose CRC checks, stopping at the first one that cannot be framed.
    pub fn salvage(path: &Path) -> Result<(Vec<Vec<u8>>, usize), StoreError> {
        let bytes = std::fs::read(path).map_err(io(path))?;
        let mut out = Vec::new();
        let mut bad = 0usize;
        let end = if bytes.len() >= HEADER_LEN && &bytes[..8] == MAGIC {
            // Trust the frames length only if it fits.
            le_u64(&bytes, 24 + 8)
                .and_then(|l| (HEADER_LEN as u64).checked_add(l))
                .filter(|&e| e <= bytes.len() as u64)
                .map_or(bytes.len(), |e| e as usize)
        } else {
            return Ok((out, 0));
        };
        let mut pos = HEADER_LEN;
        while pos + 8 <= end {
            let len = le_u32(&bytes, pos).unwrap_or(0) as usize;
            let crc = le_u32(&bytes, pos + 4).unwrap_or(0);
            let Some(json) = bytes
                .get(pos + 8..pos + 8 + len)
                .filter(|_| pos + 8 + len <= end)
            else {
                bad += 1;
                break;
            };
            if crc32fast::hash(json) == crc {
                out.push(json.to_vec());
            } else {
                bad += 1;
            }
            pos += 8 + len;
        }
        Ok((out, bad))
    }
}

/// The entries of one package, decoded (and checked) one by one as they are read.
#[derive(Clone, Copy)]
pub struct Hits<'a> {
    db: &'a Database,
    first: usize,
    count: usize,
}

impl<'a> Hits<'a> {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The `i`-th entry.
    pub fn get(&self, i: usize) -> Result<Hit<'a>, StoreError> {
        if i >= self.count {
            return Err(corrupt(&self.db.path, "entry index out of range"));
        }
        self.db.hit(self.first + i)
    }

    /// Every entry, in record order.
    pub fn iter(&self) -> impl Iterator<Item = Result<Hit<'a>, StoreError>> + 'a {
        let (db, first, count) = (self.db, self.first, self.count);
        (first..first + count).map(move |e| db.hit(e))
    }
}

/// One matched affected entry.
#[derive(Debug, Clone)]
pub struct Hit<'a> {
    pub record: u32,
    pub affected: AffectedView<'a>,
}

/// A decoded AFF entry, borrowing from the map.
#[derive(Debug, Clone)]
pub struct AffectedView<'a> {
    pub ecosystem: &'a str,
    pub name: &'a str,
    pub ranges: Vec<RangeView<'a>>,
    pub versions: Vec<&'a str>,
    end: usize,
}

#[derive(Debug, Clone)]
pub struct RangeView<'a> {
    pub kind: RangeType,
    pub events: Vec<(EventKind, &'a str)>,
}

impl<'a> AffectedView<'a> {
    /// An entry built in memory (for tests and callers that evaluate ranges directly).
    pub fn new(
        ecosystem: &'a str,
        name: &'a str,
        ranges: Vec<RangeView<'a>>,
        versions: Vec<&'a str>,
    ) -> Self {
        AffectedView {
            ecosystem,
            name,
            ranges,
            versions,
            end: 0,
        }
    }

    fn decode(b: &'a [u8], mut pos: usize) -> Option<AffectedView<'a>> {
        let str_at = |pos: &mut usize| -> Option<&'a str> {
            let len = le_u16(b, *pos)? as usize;
            let s = std::str::from_utf8(b.get(*pos + 2..*pos + 2 + len)?).ok()?;
            *pos += 2 + len;
            Some(s)
        };
        if *b.get(pos)? != 1 {
            return None;
        }
        pos += 1;
        let ecosystem = str_at(&mut pos)?;
        let name = str_at(&mut pos)?;
        let nranges = le_u16(b, pos)? as usize;
        pos += 2;
        let mut ranges = Vec::with_capacity(nranges);
        for _ in 0..nranges {
            let kind = match *b.get(pos)? {
                0 => RangeType::Git,
                1 => RangeType::Semver,
                2 => RangeType::Ecosystem,
                _ => return None,
            };
            let nevents = le_u16(b, pos + 1)? as usize;
            pos += 3;
            let mut events = Vec::with_capacity(nevents);
            for _ in 0..nevents {
                let kind = match *b.get(pos)? {
                    0 => EventKind::Introduced,
                    1 => EventKind::Fixed,
                    2 => EventKind::LastAffected,
                    3 => EventKind::Limit,
                    _ => return None,
                };
                pos += 1;
                events.push((kind, str_at(&mut pos)?));
            }
            ranges.push(RangeView { kind, events });
        }
        let nversions = le_u32(b, pos)? as usize;
        pos += 4;
        let mut versions = Vec::with_capacity(nversions.min(b.len() / 2));
        for _ in 0..nversions {
            versions.push(str_at(&mut pos)?);
        }
        Some(AffectedView {
            ecosystem,
            name,
            ranges,
            versions,
            end: pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_are_normalised() {
        assert_eq!(
            normalize_name("PyPI", "Django_REST.framework"),
            "django-rest-framework"
        );
        assert_eq!(normalize_name("PyPI", "a--b"), "a-b");
        assert_eq!(normalize_name("npm", "Foo"), "Foo");
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
    }

    #[test]
    fn hash_is_never_zero_and_separates_ecosystems() {
        assert_ne!(key_hash("npm", "a"), key_hash("PyPI", "a"));
        assert_ne!(key_hash("", ""), 0);
    }
}
