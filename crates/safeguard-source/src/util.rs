//! Small helpers shared by the collectors: bounded file reading, name matching, wording.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use safeguard_model::CollectContext;

/// The most of any file's content a collector reads.
pub const MAX_READ: u64 = 1024 * 1024;

/// Directories whose contents are never the assessed software's own (dependencies).
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "vendor",
    "third_party",
    "third-party",
];

/// Read up to [`MAX_READ`] bytes of `root/rel` as text (lossy UTF-8). `None` for anything that
/// is not a regular file, cannot be read, or looks binary (a NUL byte in the first 8 KiB).
pub fn read_text(root: &Path, rel: &str) -> Option<String> {
    let path = root.join(rel);
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut buf = Vec::new();
    File::open(&path)
        .ok()?
        .take(MAX_READ)
        .read_to_end(&mut buf)
        .ok()?;
    if buf[..buf.len().min(8192)].contains(&0) {
        return None;
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// The files a collector should look at: `cx.files` without Safeguard's own paths.
pub fn candidate_files<'a>(cx: &'a CollectContext<'_>) -> impl Iterator<Item = &'a str> + 'a {
    cx.files
        .iter()
        .map(String::as_str)
        .filter(move |f| !cx.is_excluded(f))
}

/// True when a path lies in a dependency directory (`node_modules/`, `vendor/`, …).
pub fn in_dependency_dir(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts.iter().any(|p| SKIPPED_DIRS.contains(p))
}

/// The last `/`-separated component.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The directory components of a path (without the file name).
pub fn dirs(path: &str) -> impl Iterator<Item = &str> {
    let parent = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    parent.split('/').filter(|s| !s.is_empty())
}

/// The extension of the file name, lower-cased, without the dot (`""` when there is none).
pub fn extension(path: &str) -> String {
    let name = file_name(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Case-insensitive glob match where `*` matches any run of characters except `/`.
pub fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => {
                // Try every split point up to the next `/`.
                let mut i = 0;
                loop {
                    if go(rest, &t[i..]) {
                        return true;
                    }
                    if i == t.len() || t[i] == b'/' {
                        return false;
                    }
                    i += 1;
                }
            }
            Some((c, rest)) => {
                t.first().is_some_and(|x| x.eq_ignore_ascii_case(c)) && go(rest, &t[1..])
            }
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Words in `text`: runs of characters that are not whitespace or shell/markup punctuation.
pub fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '\'' | '`' | '(' | ')' | '[' | ']' | '{' | '}' | ',' | '='
            )
    })
    .filter(|w| !w.is_empty())
    .collect()
}

/// `1 file`, `2 files`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The first 12 characters of a commit id.
pub fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_within_a_segment() {
        assert!(glob(".github/workflows/*.yml", ".github/workflows/ci.yml"));
        assert!(glob(".github/workflows/*.yml", ".GitHub/Workflows/CI.YML"));
        assert!(!glob(
            ".github/workflows/*.yml",
            ".github/workflows/sub/ci.yml"
        ));
        assert!(glob("requirements*.txt", "requirements-dev.txt"));
        assert!(glob("Dockerfile.*", "Dockerfile.prod"));
        assert!(!glob("Dockerfile.*", "Dockerfile"));
        assert!(glob("*", ""));
        assert!(!glob("a", ""));
    }

    #[test]
    fn path_parts() {
        assert_eq!(file_name("a/b/c.rs"), "c.rs");
        assert_eq!(dirs("a/b/c.rs").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(dirs("c.rs").count(), 0);
        assert_eq!(extension("a/B.TXT"), "txt");
        assert_eq!(extension(".bashrc"), "");
        assert!(in_dependency_dir("web/node_modules/x/package.json"));
        assert!(!in_dependency_dir("vendor"));
    }

    #[test]
    fn reads_bounded_and_skips_binary() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("big.txt"),
            vec![b'a'; (MAX_READ as usize) + 10],
        )
        .unwrap();
        std::fs::write(dir.path().join("bin"), b"\x7fELF\0\0\0").unwrap();
        std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9 cargo test").unwrap();
        assert_eq!(
            read_text(dir.path(), "big.txt").unwrap().len(),
            MAX_READ as usize
        );
        assert!(read_text(dir.path(), "bin").is_none());
        assert!(
            read_text(dir.path(), "latin1.txt")
                .unwrap()
                .ends_with("cargo test")
        );
        assert!(read_text(dir.path(), "missing").is_none());
        assert!(read_text(dir.path(), ".").is_none());
    }
}
