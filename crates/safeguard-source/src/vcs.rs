//! Version control in use, and which configuration items are under it (claim 1.1.4).

use std::collections::{BTreeMap, BTreeSet};

use safeguard_model::facts::{ConfigItem, VcsFacts};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

use crate::classify::config_category;
use crate::git::{GitError, Repo};
use crate::util::{count, short};

const ID: &str = "vcs";
const UNTRACKED_SAMPLE: usize = 20;

/// Reports whether the assessed tree is under git, what is tracked and what is not, and
/// whether its configuration items (build files, lockfiles, CI, container and infrastructure
/// definitions, toolchain pins) are under version control.
#[derive(Debug, Default, Clone, Copy)]
pub struct VcsCollector;

pub(crate) fn git_error(collector: &str, err: GitError) -> CollectError {
    CollectError::new(collector, err.to_string())
}

impl Collector for VcsCollector {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Version control: what is tracked, and whether configuration items are under it"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![ClaimId::new(1, 1, 4)]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let repo = Repo::open(cx.root).map_err(|e| git_error(ID, e).at(cx.root))?;
        let facts = match repo {
            Some(repo) => from_git(cx, &repo).map_err(|e| git_error(ID, e).at(cx.root))?,
            None => VcsFacts {
                config_items: config_items(cx, &BTreeSet::new()),
                ..VcsFacts::default()
            },
        };
        let summary = summarise(&facts);
        Ok(vec![cx.evidence(
            ID,
            &self.claims(),
            summary,
            Facts::Vcs(facts),
        )])
    }
}

fn from_git(cx: &CollectContext<'_>, repo: &Repo) -> Result<VcsFacts, GitError> {
    let keep =
        |v: Vec<String>| -> Vec<String> { v.into_iter().filter(|p| !cx.is_excluded(p)).collect() };
    let tracked = keep(repo.tracked_files()?);
    let untracked = keep(repo.untracked_files()?);
    let modified = keep(repo.modified_files()?);
    let tracked_set: BTreeSet<&str> = tracked.iter().map(String::as_str).collect();
    Ok(VcsFacts {
        system: Some("git".into()),
        head_commit: repo.head_commit()?,
        branch: repo.branch()?,
        commits: repo.commit_count()?,
        shallow: repo.is_shallow()?,
        tracked_files: tracked.len() as u64,
        untracked_files: untracked.len() as u64,
        untracked_sample: untracked.iter().take(UNTRACKED_SAMPLE).cloned().collect(),
        modified_files: modified.len() as u64,
        config_items: config_items(cx, &tracked_set),
    })
}

/// Configuration items among the files present and the files tracked.
fn config_items(cx: &CollectContext<'_>, tracked: &BTreeSet<&str>) -> Vec<ConfigItem> {
    let mut items: BTreeMap<&str, &'static str> = BTreeMap::new();
    for path in cx
        .files
        .iter()
        .map(String::as_str)
        .chain(tracked.iter().copied())
    {
        if cx.is_excluded(path) {
            continue;
        }
        if let Some(category) = config_category(path) {
            items.insert(path, category);
        }
    }
    items
        .into_iter()
        .map(|(path, category)| ConfigItem {
            path: path.to_string(),
            category: category.to_string(),
            tracked: tracked.contains(path),
        })
        .collect()
}

fn summarise(f: &VcsFacts) -> String {
    let items = f.config_items.len();
    let tracked_items = f.config_items.iter().filter(|i| i.tracked).count();
    if f.system.is_none() {
        return format!(
            "The assessed tree is not under version control (no git work tree found); {} found, none tracked.",
            count(items, "configuration item", "configuration items")
        );
    }
    let at = match (&f.head_commit, &f.branch) {
        (Some(c), Some(b)) => format!("at commit {} on branch {b}", short(c)),
        (Some(c), None) => format!("at commit {} (detached HEAD)", short(c)),
        (None, Some(b)) => format!("with no commits yet on branch {b}"),
        (None, None) => "with no commits yet".to_string(),
    };
    let history = if f.commits > 0 {
        format!(
            " with {}{}",
            count(f.commits as usize, "commit", "commits"),
            if f.shallow { " (shallow clone)" } else { "" }
        )
    } else {
        String::new()
    };
    format!(
        "Git repository {at}{history}: {} tracked, {} untracked and {} with uncommitted changes; {tracked_items} of {} tracked.",
        count(f.tracked_files as usize, "file", "files"),
        f.untracked_files,
        f.modified_files,
        count(items, "configuration item", "configuration items"),
    )
}
