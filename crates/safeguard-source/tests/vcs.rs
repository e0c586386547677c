mod common;

use common::{Fixture, vcs};
use safeguard_model::facts::ConfigItem;
use safeguard_source::VcsCollector;

fn item(path: &str, category: &str, tracked: bool) -> ConfigItem {
    ConfigItem {
        path: path.into(),
        category: category.into(),
        tracked,
    }
}

#[test]
fn reports_tracked_untracked_modified_and_config_items() {
    let mut f = Fixture::git_repo();
    f.write("Cargo.toml", "[package]\nname = \"x\"\n")
        .write("Cargo.lock", "# lock\n")
        .write("src/main.rs", "fn main() {}\n")
        .write(".github/workflows/ci.yml", "on: push\n");
    f.commit_all("first");
    f.write("README.md", "hello\n");
    let head = f.commit_all("second");

    f.write("Dockerfile", "FROM scratch\n"); // untracked configuration item
    f.write("notes/odd name é.txt", "x"); // untracked, odd name
    f.write("src/main.rs", "fn main() { println!(); }\n"); // modified
    f.write(".safeguard/state.json", "{}"); // Safeguard's own: never counted
    f.write("safeguard-report/index.html", "<html>");

    let e = f.collect(&VcsCollector);
    let v = vcs(&e);
    assert_eq!(v.system.as_deref(), Some("git"));
    assert_eq!(v.head_commit.as_deref(), Some(head.as_str()));
    assert_eq!(v.branch.as_deref(), Some("main"));
    assert_eq!(v.commits, 2);
    assert!(!v.shallow);
    assert_eq!(v.tracked_files, 5);
    assert_eq!(v.untracked_files, 2);
    assert_eq!(v.untracked_sample, ["Dockerfile", "notes/odd name é.txt"]);
    assert_eq!(v.modified_files, 1);
    assert_eq!(
        v.config_items,
        [
            item(".github/workflows/ci.yml", "ci", true),
            item("Cargo.lock", "lockfile", true),
            item("Cargo.toml", "build", true),
            item("Dockerfile", "container", false),
        ]
    );
    assert!(e.summary.contains("with 2 commits"), "{}", e.summary);
    assert!(
        e.summary.contains("3 of 4 configuration items tracked"),
        "{}",
        e.summary
    );

    // Deterministic: the same tree gives the same record.
    assert_eq!(f.collect(&VcsCollector), e);
}

#[test]
fn staged_changes_count_as_modified_and_deleted_tracked_items_still_listed() {
    let mut f = Fixture::git_repo();
    f.write("package.json", "{}")
        .write("package-lock.json", "{}")
        .write("index.js", "");
    f.commit_all("first");
    f.write("index.js", "console.log(1)");
    f.git(&["add", "index.js"]);
    std::fs::remove_file(f.top().join("package-lock.json")).unwrap();

    let v = vcs(&f.collect(&VcsCollector)).clone();
    assert_eq!(v.modified_files, 2, "staged edit and deletion");
    assert_eq!(v.untracked_files, 0);
    assert_eq!(
        v.config_items,
        [
            item("package-lock.json", "lockfile", true),
            item("package.json", "build", true)
        ]
    );
}

#[test]
fn not_a_repository() {
    let f = Fixture::new();
    f.write("Cargo.toml", "").write("src/lib.rs", "");
    let e = f.collect(&VcsCollector);
    let v = vcs(&e);
    assert_eq!(v.system, None);
    assert_eq!(v.head_commit, None);
    assert_eq!(
        (
            v.commits,
            v.tracked_files,
            v.untracked_files,
            v.modified_files
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(v.config_items, [item("Cargo.toml", "build", false)]);
    assert!(
        e.summary.contains("not under version control"),
        "{}",
        e.summary
    );
}

#[test]
fn empty_repository_without_commits_is_not_an_error() {
    let f = Fixture::git_repo();
    f.write("go.mod", "module x\n")
        .write("main.go", "package main\n");
    f.git(&["add", "go.mod"]);
    let e = f.collect(&VcsCollector);
    let v = vcs(&e);
    assert_eq!(v.system.as_deref(), Some("git"));
    assert_eq!(v.head_commit, None);
    assert_eq!(v.branch.as_deref(), Some("main"));
    assert_eq!(v.commits, 0);
    assert_eq!(v.tracked_files, 1);
    assert_eq!(v.untracked_files, 1);
    assert_eq!(v.untracked_sample, ["main.go"]);
    assert_eq!(v.config_items, [item("go.mod", "build", true)]);
    assert!(e.summary.contains("no commits yet"), "{}", e.summary);
}

#[test]
fn subdirectory_of_a_repository_sees_paths_relative_to_itself() {
    let mut f = Fixture::git_repo();
    f.write("service/pyproject.toml", "")
        .write("service/app.py", "")
        .write("other/Makefile", "");
    f.commit_all("first");
    f.write("service/requirements.txt", "requests\n");
    f.root = f.top().join("service");

    let v = vcs(&f.collect(&VcsCollector)).clone();
    assert_eq!(v.tracked_files, 2);
    assert_eq!(v.untracked_sample, ["requirements.txt"]);
    assert_eq!(
        v.config_items,
        [
            item("pyproject.toml", "build", true),
            item("requirements.txt", "lockfile", false)
        ]
    );
}

#[test]
fn detached_head_has_no_branch() {
    let mut f = Fixture::git_repo();
    f.write("a.txt", "1");
    let first = f.commit_all("first");
    f.write("a.txt", "2");
    f.commit_all("second");
    f.git(&["checkout", "-q", "--detach", &first]);
    let v = vcs(&f.collect(&VcsCollector)).clone();
    assert_eq!(v.branch, None);
    assert_eq!(v.head_commit.as_deref(), Some(first.as_str()));
    assert_eq!(v.commits, 1);
}
