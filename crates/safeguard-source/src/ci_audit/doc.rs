//! A parsed CI file: its kind, source and YAML root.

use std::rc::Rc;

use super::FileError;
use super::yaml::{self, Node, Source};

/// What a CI file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A GitHub Actions workflow.
    Workflow,
    /// A GitHub Action's metadata (`action.yml`).
    Action,
    /// GitLab CI configuration.
    GitLab,
}

/// One parsed CI file.
#[derive(Debug)]
pub struct CiDoc {
    /// Repository-relative path.
    pub path: String,
    /// What it is.
    pub kind: DocKind,
    /// Its text, for positions inside scalars.
    pub src: Source,
    /// The document's root mapping.
    pub root: Rc<Node>,
}

/// `.github/workflows/<name>.yml|yaml` (directly in that directory).
pub fn is_workflow_path(path: &str) -> bool {
    path.strip_prefix(".github/workflows/")
        .is_some_and(|name| !name.contains('/') && has_yaml_ext(name))
}

/// `action.yml` / `action.yaml` anywhere.
pub fn is_action_path(path: &str) -> bool {
    matches!(crate::util::file_name(path), "action.yml" | "action.yaml")
}

/// Paths in test data: a `fixtures`, `__fixtures__`, `testdata` or `test-data` folder
/// anywhere. Action files there are samples, not the project's actions.
pub fn in_test_data(path: &str) -> bool {
    path.split('/')
        .rev()
        .skip(1)
        .any(|d| matches!(d, "fixtures" | "__fixtures__" | "testdata" | "test-data"))
}

fn has_yaml_ext(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with(".yml") || lower.ends_with(".yaml")) && lower.len() > 4
}

fn error(path: &str, line: u32, column: u32, message: impl Into<String>) -> FileError {
    FileError {
        file: path.to_string(),
        line,
        column,
        message: message.into(),
    }
}

impl CiDoc {
    /// Parse `text`. `kind` is known in a tree walk; otherwise it comes from the path, or from
    /// the content for other YAML files.
    pub fn parse(path: &str, text: &str, kind: Option<DocKind>) -> Result<CiDoc, FileError> {
        let parsed = yaml::parse(text).map_err(|e| error(path, e.line, e.column, e.message))?;
        let kind = kind.unwrap_or_else(|| guess_kind(path, parsed.docs.first().map(|d| &**d)));
        // GitLab components put a `spec:` header document before the configuration.
        let root = match kind {
            DocKind::GitLab if parsed.docs.len() > 1 => {
                let first = parsed.docs.first().filter(|d| d.get("spec").is_some());
                match first {
                    Some(_) => parsed.docs.get(1).cloned(),
                    None => parsed.docs.first().cloned(),
                }
            }
            _ => parsed.docs.first().cloned(),
        };
        let root = match root {
            Some(r) if r.is_map() => r,
            Some(r) if r.is_null() => Rc::new(Node::empty_map()),
            None => Rc::new(Node::empty_map()),
            Some(r) => {
                return Err(error(
                    path,
                    r.line,
                    r.column,
                    format!(
                        "expected a mapping at the top level of {}, found {}",
                        match kind {
                            DocKind::Workflow => "a workflow",
                            DocKind::Action => "an action",
                            DocKind::GitLab => "a GitLab CI file",
                        },
                        if r.as_seq().is_some() {
                            "a sequence"
                        } else {
                            "a scalar"
                        }
                    ),
                ));
            }
        };
        Ok(CiDoc {
            path: path.to_string(),
            kind,
            src: Source::new(text),
            root,
        })
    }
}

fn guess_kind(path: &str, root: Option<&Node>) -> DocKind {
    let name = crate::util::file_name(path);
    if path.contains(".github/workflows/") {
        return DocKind::Workflow;
    }
    if is_action_path(path) {
        return DocKind::Action;
    }
    if name == ".gitlab-ci.yml" {
        return DocKind::GitLab;
    }
    match root {
        Some(r) if r.get("jobs").is_some() && r.get("on").is_some() => DocKind::Workflow,
        Some(r) if r.get("runs").is_some() => DocKind::Action,
        _ => DocKind::GitLab,
    }
}

#[cfg(test)]
mod test_data_tests {
    use super::in_test_data;

    #[test]
    fn test_data_folders_are_recognised() {
        assert!(in_test_data("crates/x/tests/fixtures/ci/a/action.yml"));
        assert!(in_test_data("testdata/action.yml"));
        assert!(!in_test_data("actions/build/action.yml"));
        assert!(!in_test_data("fixtures"));
    }
}
