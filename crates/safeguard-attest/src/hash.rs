//! Streaming SHA-256 and SHA-512 of files and readers.
//!
//! Data is read through one buffer of [`BUFFER_SIZE`] bytes. The free functions allocate that
//! buffer once per call; [`StreamHasher`] keeps it for hashing many files in a row. `sha2` picks
//! the fastest implementation the CPU offers at run time (SHA-NI / ARMv8 SHA extensions).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256, Sha512};

/// The read buffer size: 256 KiB.
pub const BUFFER_SIZE: usize = 256 << 10;

/// A reusable read buffer for hashing one stream after another.
pub struct StreamHasher {
    buf: Box<[u8]>,
}

impl Default for StreamHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamHasher {
    /// A hasher with a [`BUFFER_SIZE`] buffer.
    pub fn new() -> StreamHasher {
        StreamHasher {
            buf: vec![0u8; BUFFER_SIZE].into_boxed_slice(),
        }
    }

    fn feed<D: Digest, R: Read>(&mut self, mut reader: R, digest: &mut D) -> io::Result<u64> {
        let mut total = 0u64;
        loop {
            match reader.read(&mut self.buf) {
                Ok(0) => return Ok(total),
                Ok(n) => {
                    let chunk = self.buf.get(..n).ok_or_else(|| {
                        io::Error::new(io::ErrorKind::InvalidData, "reader reported too many bytes")
                    })?;
                    digest.update(chunk);
                    total += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// SHA-256 of everything `reader` yields.
    pub fn sha256_reader<R: Read>(&mut self, reader: R) -> io::Result<[u8; 32]> {
        let mut d = Sha256::new();
        self.feed(reader, &mut d)?;
        Ok(d.finalize().into())
    }

    /// SHA-512 of everything `reader` yields.
    pub fn sha512_reader<R: Read>(&mut self, reader: R) -> io::Result<[u8; 64]> {
        let mut d = Sha512::new();
        self.feed(reader, &mut d)?;
        Ok(d.finalize().into())
    }

    /// SHA-256 and SHA-512 of `reader` in one pass.
    pub fn sha256_sha512_reader<R: Read>(
        &mut self,
        mut reader: R,
    ) -> io::Result<([u8; 32], [u8; 64])> {
        let mut a = Sha256::new();
        let mut b = Sha512::new();
        loop {
            match reader.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => {
                    let chunk = self.buf.get(..n).ok_or_else(|| {
                        io::Error::new(io::ErrorKind::InvalidData, "reader reported too many bytes")
                    })?;
                    a.update(chunk);
                    b.update(chunk);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok((a.finalize().into(), b.finalize().into()))
    }

    /// SHA-256 of the file at `path`.
    pub fn sha256_file(&mut self, path: &Path) -> io::Result<[u8; 32]> {
        self.sha256_reader(open(path)?)
    }

    /// SHA-512 of the file at `path`.
    pub fn sha512_file(&mut self, path: &Path) -> io::Result<[u8; 64]> {
        self.sha512_reader(open(path)?)
    }
}

fn open(path: &Path) -> io::Result<File> {
    File::open(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// SHA-256 of the file at `path`.
pub fn sha256_file(path: impl AsRef<Path>) -> io::Result<[u8; 32]> {
    StreamHasher::new().sha256_file(path.as_ref())
}

/// SHA-512 of the file at `path`.
pub fn sha512_file(path: impl AsRef<Path>) -> io::Result<[u8; 64]> {
    StreamHasher::new().sha512_file(path.as_ref())
}

/// SHA-256 of everything `reader` yields.
pub fn sha256_reader<R: Read>(reader: R) -> io::Result<[u8; 32]> {
    StreamHasher::new().sha256_reader(reader)
}

/// SHA-512 of everything `reader` yields.
pub fn sha512_reader<R: Read>(reader: R) -> io::Result<[u8; 64]> {
    StreamHasher::new().sha512_reader(reader)
}

/// SHA-256 of bytes in memory.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// SHA-512 of bytes in memory.
pub fn sha512(data: &[u8]) -> [u8; 64] {
    Sha512::digest(data).into()
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // FIPS 180-2 "abc" examples.
        assert_eq!(
            to_hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            to_hex(&sha512(b"abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    /// A reader that returns a few bytes at a time and is sometimes interrupted.
    struct Choppy<'a> {
        data: &'a [u8],
        calls: usize,
    }

    impl Read for Choppy<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(3) {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = self.data.len().min(buf.len()).min(self.calls % 7 + 1);
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn streams_match_one_shot() {
        let data: Vec<u8> = (0..BUFFER_SIZE * 2 + 123)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let mut h = StreamHasher::new();
        assert_eq!(h.sha256_reader(&data[..]).unwrap(), sha256(&data));
        assert_eq!(h.sha512_reader(&data[..]).unwrap(), sha512(&data));
        let small = &data[..5000];
        let choppy = Choppy {
            data: small,
            calls: 0,
        };
        assert_eq!(h.sha256_reader(choppy).unwrap(), sha256(small));
        let (a, b) = h.sha256_sha512_reader(&data[..]).unwrap();
        assert_eq!((a, b), (sha256(&data), sha512(&data)));
    }

    #[test]
    fn files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"abc").unwrap();
        assert_eq!(sha256_file(&p).unwrap(), sha256(b"abc"));
        assert_eq!(sha512_file(&p).unwrap(), sha512(b"abc"));
        let e = sha256_file(dir.path().join("missing")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().contains("missing"), "{e}");
    }
}
