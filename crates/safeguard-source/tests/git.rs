mod common;

use common::Fixture;
use safeguard_source::Repo;

#[test]
fn pathspecs_are_literal() {
    let mut f = Fixture::git_repo();
    f.write("*.proto", "").write("a.proto", "");
    let first = f.commit_all("first");
    f.write("a.proto", "changed");
    let second = f.commit_all("second");
    let repo = Repo::open(f.top()).unwrap().unwrap();
    assert_eq!(
        repo.last_change(&["*.proto".into()])
            .unwrap()
            .unwrap()
            .commit,
        first
    );
    assert_eq!(
        repo.last_change(&["a.proto".into()])
            .unwrap()
            .unwrap()
            .commit,
        second
    );
    assert!(
        repo.changed_since(&first, &["*.proto".into()])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        repo.changed_since(&first, &["*.proto".into(), "a.proto".into()])
            .unwrap(),
        ["a.proto"]
    );
}

#[test]
fn many_paths_are_chunked() {
    let mut f = Fixture::git_repo();
    let paths: Vec<String> = (0..450).map(|i| format!("m/f{i:03}.tf")).collect();
    for p in &paths {
        f.write(p, "");
    }
    let first = f.commit_all("first");
    f.write("m/f420.tf", "changed");
    f.write("m/f007.tf", "changed");
    let second = f.commit_all("second");
    f.write("unrelated.txt", "");
    f.commit_all("third");

    let repo = Repo::open(f.top()).unwrap().unwrap();
    assert_eq!(repo.commit_count().unwrap(), 3);
    let last = repo.last_change(&paths).unwrap().unwrap();
    assert_eq!(last.commit, second);
    assert_eq!(
        repo.changed_since(&first, &paths).unwrap(),
        ["m/f007.tf", "m/f420.tf"]
    );
    assert_eq!(repo.tracked_files().unwrap().len(), 451);
}

#[test]
fn not_a_repository_and_empty_repository() {
    let f = Fixture::new();
    assert!(Repo::open(f.top()).unwrap().is_none());

    let f = Fixture::git_repo();
    let repo = Repo::open(f.top()).unwrap().unwrap();
    assert_eq!(repo.head_commit().unwrap(), None);
    assert_eq!(repo.commit_count().unwrap(), 0);
    assert_eq!(repo.last_change(&["x".into()]).unwrap(), None);
    assert!(repo.modified_files().unwrap().is_empty());
    assert!(!repo.is_shallow().unwrap());
}
