//! Fixture repositories for the collector tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use safeguard_model::{CollectContext, Collector, Evidence, Facts, Subject};

pub const OBSERVED_AT: &str = "2025-01-01T00:00:00Z";
/// 2024-01-01T00:00:00Z.
const BASE_TIME: i64 = 1_704_067_200;

pub struct Fixture {
    dir: tempfile::TempDir,
    /// Where collectors look: the fixture root, or a subdirectory of it.
    pub root: PathBuf,
    pub excluded: Vec<String>,
    /// List files under the excluded prefixes too (to check collectors filter them).
    pub list_excluded: bool,
    commits: i64,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        Fixture {
            dir,
            root,
            excluded: vec![".safeguard/".into(), "safeguard-report/".into()],
            list_excluded: false,
            commits: 0,
        }
    }

    /// A fixture with an initialised git repository (branch `main`).
    pub fn git_repo() -> Self {
        let f = Self::new();
        f.git(&["init", "-q"]);
        f
    }

    pub fn top(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.top().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    /// Run git in the fixture's top directory with a neutral, deterministic environment.
    pub fn git(&self, args: &[&str]) -> String {
        let date = format!("@{} +0000", BASE_TIME + self.commits * 86_400);
        self.git_at_date(args, &date)
    }

    pub fn git_at_date(&self, args: &[&str], date: &str) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
            .arg("-C")
            .arg(self.top())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Stage everything and commit; each commit is one day after the previous one.
    pub fn commit_all(&mut self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.commits += 1;
        self.git(&["rev-parse", "HEAD"])
    }

    /// Commit with an explicit committer date (`@<unix> +0000`).
    pub fn commit_all_at(&mut self, message: &str, unix: i64) -> String {
        let date = format!("@{unix} +0000");
        self.git_at_date(&["add", "-A"], &date);
        self.git_at_date(&["commit", "-q", "-m", message], &date);
        self.commits += 1;
        self.git(&["rev-parse", "HEAD"])
    }

    /// Files under `root`, relative, `/`-separated and sorted, without `.git/` and the
    /// excluded prefixes (as the assessment would list them).
    pub fn files(&self) -> Vec<String> {
        fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let path = entry.path();
                if entry.file_name() == ".git" {
                    continue;
                }
                if entry.file_type().unwrap().is_dir() {
                    walk(base, &path, out);
                } else {
                    let rel = path.strip_prefix(base).unwrap();
                    let parts: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    out.push(parts.join("/"));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &self.root, &mut out);
        if !self.list_excluded {
            out.retain(|f| !self.excluded.iter().any(|p| f.starts_with(p.as_str())));
        }
        out.sort();
        out
    }

    /// Run a collector and return its single record.
    pub fn collect(&self, collector: &dyn Collector) -> Evidence {
        self.try_collect(collector)
            .unwrap_or_else(|e| panic!("collector failed: {e}"))
    }

    pub fn try_collect(
        &self,
        collector: &dyn Collector,
    ) -> Result<Evidence, safeguard_model::CollectError> {
        let files = self.files();
        let subject = Subject::default();
        let cx = CollectContext {
            root: &self.root,
            files: &files,
            excluded_prefixes: &self.excluded,
            observed_at: OBSERVED_AT,
            subject: &subject,
            tool_version: "0.0.0-test",
            ci_run: None,
            artefacts: &Default::default(),
        };
        let mut records = collector.collect(&cx)?;
        assert_eq!(records.len(), 1, "exactly one record");
        let record = records.pop().unwrap();
        assert_eq!(record.producer.collector, collector.id());
        assert_eq!(record.kind(), collector.id());
        assert_eq!(record.claims, collector.claims());
        assert!(
            record.summary.ends_with('.'),
            "summary is a sentence: {}",
            record.summary
        );
        assert!(!record.summary.contains('\n'));
        Ok(record)
    }
}

pub fn vcs(e: &Evidence) -> &safeguard_model::facts::VcsFacts {
    match &e.facts {
        Facts::Vcs(f) => f,
        other => panic!("unexpected facts {other:?}"),
    }
}

pub fn ci(e: &Evidence) -> &safeguard_model::facts::CiFacts {
    match &e.facts {
        Facts::CiConfig(f) => f,
        other => panic!("unexpected facts {other:?}"),
    }
}

pub fn tests(e: &Evidence) -> &safeguard_model::facts::TestFacts {
    match &e.facts {
        Facts::TestSuites(f) => f,
        other => panic!("unexpected facts {other:?}"),
    }
}

pub fn threat(e: &Evidence) -> &safeguard_model::facts::ThreatModelFacts {
    match &e.facts {
        Facts::ThreatModel(f) => f,
        other => panic!("unexpected facts {other:?}"),
    }
}
