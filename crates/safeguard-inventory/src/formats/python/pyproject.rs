//! What a project declares it depends on, read from the `pyproject.toml` or `Pipfile` beside
//! a lockfile. Used only to tell direct from transitive dependencies and to name groups; a
//! missing or unreadable manifest just means "unknown".

use std::collections::{BTreeMap, HashSet};

use toml::Value;

use super::{normalize, requirement_name};
use crate::Input;

/// The project's own dependencies, by normalised name.
#[derive(Debug, Default)]
pub(crate) struct Declared {
    /// Every name the project asks for, in any group.
    pub names: HashSet<String>,
    /// Groups that are extras (`[project.optional-dependencies]`, Poetry extras).
    pub optional_groups: HashSet<String>,
    /// Groups that are for development (`[dependency-groups]`, Poetry groups, PDM dev groups,
    /// Pipfile `[dev-packages]`).
    pub dev_groups: HashSet<String>,
    /// Members of each group, by normalised name.
    pub group_members: BTreeMap<String, HashSet<String>>,
}

impl Declared {
    /// Whether the project asks for `name` itself.
    pub(crate) fn is_direct(&self, name: &str) -> bool {
        self.names.contains(&normalize(name))
    }

    /// Direct when the project asks for `name` itself, else transitive.
    pub(crate) fn relationship(&self, name: &str) -> safeguard_model::Relationship {
        if self.is_direct(name) {
            safeguard_model::Relationship::Direct
        } else {
            safeguard_model::Relationship::Transitive
        }
    }

    fn add(&mut self, group: Option<&str>, name: &str) {
        let n = normalize(name);
        if n.is_empty() {
            return;
        }
        if let Some(g) = group {
            self.group_members
                .entry(g.to_string())
                .or_default()
                .insert(n.clone());
        }
        self.names.insert(n);
    }

    fn add_requirements(&mut self, group: Option<&str>, list: Option<&Value>) {
        for item in list.and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = item.as_str().and_then(requirement_name) {
                self.add(group, name);
            }
        }
    }

    fn add_keys(&mut self, group: Option<&str>, table: Option<&Value>) {
        for key in table
            .and_then(Value::as_table)
            .into_iter()
            .flat_map(|t| t.keys())
        {
            if key != "python" {
                self.add(group, key);
            }
        }
    }
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

/// Reads `pyproject.toml` beside `input`. `None` when there is none or it is not TOML.
pub(crate) fn read_pyproject(input: &Input<'_>) -> Option<Declared> {
    let (_, bytes) = input.read_relative("pyproject.toml").ok()??;
    let doc = Value::Table(toml::from_slice::<toml::Table>(&bytes).ok()?);
    let mut d = Declared::default();
    d.add_requirements(None, get(&doc, &["project", "dependencies"]));
    if let Some(extras) = get(&doc, &["project", "optional-dependencies"]).and_then(Value::as_table)
    {
        for (g, list) in extras {
            d.optional_groups.insert(g.clone());
            d.add_requirements(Some(g), Some(list));
        }
    }
    // PEP 735 groups; `{include-group = ...}` entries name no package.
    let mut dev_lists: Vec<(&String, &Value)> = Vec::new();
    for path in [
        &["dependency-groups"][..],
        &["tool", "pdm", "dev-dependencies"],
    ] {
        if let Some(t) = get(&doc, path).and_then(Value::as_table) {
            dev_lists.extend(t.iter());
        }
    }
    for (g, list) in dev_lists {
        d.dev_groups.insert(g.clone());
        d.add_requirements(Some(g), Some(list));
    }
    if let Some(list) = get(&doc, &["tool", "uv", "dev-dependencies"]) {
        d.dev_groups.insert("dev".into());
        d.add_requirements(Some("dev"), Some(list));
    }
    // Poetry.
    d.add_keys(None, get(&doc, &["tool", "poetry", "dependencies"]));
    if let Some(t) = get(&doc, &["tool", "poetry", "dev-dependencies"]) {
        d.dev_groups.insert("dev".into());
        d.add_keys(Some("dev"), Some(t));
    }
    if let Some(groups) = get(&doc, &["tool", "poetry", "group"]).and_then(Value::as_table) {
        for (g, body) in groups {
            d.dev_groups.insert(g.clone());
            d.add_keys(Some(g), body.get("dependencies"));
        }
    }
    if let Some(extras) = get(&doc, &["tool", "poetry", "extras"]).and_then(Value::as_table) {
        for (g, list) in extras {
            d.optional_groups.insert(g.clone());
            d.add_requirements(Some(g), Some(list));
        }
    }
    Some(d)
}

/// Reads the `Pipfile` beside `input`: `[packages]` is runtime, `[dev-packages]` and other
/// category tables are development groups.
pub(crate) fn read_pipfile(input: &Input<'_>) -> Option<Declared> {
    let (_, bytes) = input.read_relative("Pipfile").ok()??;
    let doc = Value::Table(toml::from_slice::<toml::Table>(&bytes).ok()?);
    let mut d = Declared::default();
    for (section, body) in doc.as_table()? {
        match section.as_str() {
            "packages" => d.add_keys(None, Some(body)),
            "source" | "requires" | "scripts" | "pipenv" => {}
            other => {
                let group = if other == "dev-packages" {
                    "develop"
                } else {
                    other
                };
                d.dev_groups.insert(group.to_string());
                d.add_keys(Some(group), Some(body));
            }
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_declaration_style() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            r#"
[project]
dependencies = ["Requests[socks]>=2", "click"]
[project.optional-dependencies]
cli = ["rich>=1; python_version > '3'"]
[dependency-groups]
test = ["pytest", {include-group = "lint"}]
lint = ["ruff"]
[tool.poetry.dependencies]
python = "^3.10"
Flask_Login = "*"
[tool.poetry.group.docs.dependencies]
sphinx = "*"
"#,
        )
        .unwrap();
        let input = Input {
            path: "poetry.lock",
            bytes: b"",
            root: Some(dir.path()),
        };
        let d = read_pyproject(&input).unwrap();
        for n in [
            "requests",
            "click",
            "rich",
            "pytest",
            "ruff",
            "flask-login",
            "sphinx",
        ] {
            assert!(d.is_direct(n), "{n}");
        }
        assert!(!d.is_direct("python"));
        assert!(d.optional_groups.contains("cli"));
        assert!(d.dev_groups.contains("test") && d.dev_groups.contains("docs"));
        assert!(d.group_members["test"].contains("pytest"));
    }
}
