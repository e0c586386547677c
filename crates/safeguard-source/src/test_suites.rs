//! Test suites per language, the frameworks they use, and fuzz targets (claim 1.3.2).

use std::collections::{BTreeMap, BTreeSet};

use safeguard_model::facts::{LanguageTests, TestFacts};
use safeguard_model::{ClaimId, CollectContext, CollectError, Collector, Evidence, Facts};

use crate::util::{
    candidate_files, count, dirs, extension, file_name, in_dependency_dir, read_text,
};

const ID: &str = "test-suites";
const SAMPLE: usize = 10;

/// Counts test files per language, recognises test frameworks, and lists fuzz targets.
#[derive(Debug, Default, Clone, Copy)]
pub struct TestSuitesCollector;

impl Collector for TestSuitesCollector {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Test suites per language, test frameworks and fuzz targets"
    }

    fn claims(&self) -> Vec<ClaimId> {
        vec![ClaimId::new(1, 3, 2)]
    }

    fn collect(&self, cx: &CollectContext<'_>) -> Result<Vec<Evidence>, CollectError> {
        let files: Vec<&str> = candidate_files(cx)
            .filter(|f| !in_dependency_dir(f))
            .collect();
        let facts = scan(cx, &files);
        let summary = summarise(&facts, files.len());
        Ok(vec![cx.evidence(
            ID,
            &self.claims(),
            summary,
            Facts::TestSuites(facts),
        )])
    }
}

#[derive(Default)]
struct Lang {
    files: BTreeSet<String>,
    frameworks: BTreeSet<&'static str>,
}

#[derive(Default)]
struct Scan {
    langs: BTreeMap<&'static str, Lang>,
    fuzz: BTreeSet<String>,
}

impl Scan {
    fn file(&mut self, lang: &'static str, path: &str) {
        self.langs
            .entry(lang)
            .or_default()
            .files
            .insert(path.to_string());
    }
    fn framework(&mut self, lang: &'static str, framework: &'static str) {
        self.langs
            .entry(lang)
            .or_default()
            .frameworks
            .insert(framework);
    }
}

const JS_EXTS: &[&str] = &["js", "jsx", "mjs", "cjs"];
const TS_EXTS: &[&str] = &["ts", "tsx", "mts", "cts"];
const C_EXTS: &[&str] = &["c", "cc", "cpp", "cxx", "c++"];

/// JavaScript test frameworks: (package name or config file prefix, framework).
const JS_FRAMEWORKS: &[(&str, &str)] = &[
    ("jest", "jest"),
    ("vitest", "vitest"),
    ("mocha", "mocha"),
    ("jasmine", "jasmine"),
    ("ava", "ava"),
    ("@playwright/test", "playwright"),
    ("cypress", "cypress"),
];

/// Whether any line, leading whitespace removed, starts with one of `prefixes`.
fn line_starts(text: &str, prefixes: &[&str]) -> bool {
    text.lines()
        .map(str::trim_start)
        .any(|l| prefixes.iter().any(|p| l.starts_with(p)))
}

fn has_dir(path: &str, names: &[&str]) -> bool {
    dirs(path).any(|d| names.iter().any(|n| d.eq_ignore_ascii_case(n)))
}

fn scan(cx: &CollectContext<'_>, files: &[&str]) -> TestFacts {
    let mut s = Scan::default();
    let mut js_frameworks: BTreeSet<&'static str> = BTreeSet::new();
    let read = |p: &str| read_text(cx.root, p).unwrap_or_default();

    for &path in files {
        let name = file_name(path);
        let lower = name.to_ascii_lowercase();
        let ext = extension(path);
        match ext.as_str() {
            "rs" => {
                if has_dir(path, &["fuzz_targets"]) {
                    s.fuzz.insert(path.to_string());
                    continue;
                }
                let text = read(path);
                // Only code that defines an entry point counts (a line starting with it), so
                // a file that merely mentions one, such as this collector, does not.
                if line_starts(
                    &text,
                    &[
                        "fuzz_target!(",
                        "libfuzzer_sys::fuzz_target!(",
                        "pub extern \"C\" fn LLVMFuzzerTestOneInput",
                        "extern \"C\" fn LLVMFuzzerTestOneInput",
                        "pub unsafe extern \"C\" fn LLVMFuzzerTestOneInput",
                    ],
                ) {
                    s.fuzz.insert(path.to_string());
                }
                let in_tests = has_dir(path, &["tests"]);
                let marked = [
                    "#[test]",
                    "#[cfg(test)]",
                    "#[tokio::test",
                    "#[rstest",
                    "#[test_case",
                    "proptest!",
                ]
                .iter()
                .any(|m| line_starts(&text, &[m]));
                if in_tests || marked {
                    s.file("rust", path);
                    s.framework("rust", "cargo-test");
                }
            }
            "py" => {
                let text = read(path);
                if line_starts(&text, &["import atheris", "from atheris"]) {
                    s.fuzz.insert(path.to_string());
                }
                let is_test = lower.starts_with("test_")
                    || lower.ends_with("_test.py")
                    || lower == "conftest.py"
                    || lower == "tests.py";
                if is_test {
                    s.file("python", path);
                    if lower == "conftest.py"
                        || line_starts(&text, &["import pytest", "from pytest"])
                    {
                        s.framework("python", "pytest");
                    }
                    if line_starts(&text, &["import unittest", "from unittest"]) {
                        s.framework("python", "unittest");
                    }
                }
            }
            "go" if lower.ends_with("_test.go") => {
                let text = read(path);
                s.file("go", path);
                s.framework("go", "go-test");
                if text.contains("github.com/stretchr/testify") {
                    s.framework("go", "testify");
                }
                if text.lines().any(|l| l.starts_with("func Fuzz")) {
                    s.fuzz.insert(path.to_string());
                }
            }
            e if JS_EXTS.contains(&e) || TS_EXTS.contains(&e) => {
                let lang = if TS_EXTS.contains(&e) {
                    "typescript"
                } else {
                    "javascript"
                };
                let stem_parts: Vec<&str> = lower.split('.').collect();
                let marked = stem_parts.len() >= 3
                    && stem_parts[1..stem_parts.len() - 1]
                        .iter()
                        .any(|p| *p == "test" || *p == "spec");
                if marked || has_dir(path, &["__tests__"]) {
                    s.file(lang, path);
                }
            }
            "java" | "kt" => {
                let lang = if ext == "java" { "java" } else { "kotlin" };
                let text = read(path);
                if line_starts(&text, &["import com.code_intelligence.jazzer", "@FuzzTest"]) {
                    s.fuzz.insert(path.to_string());
                }
                if path.contains("src/test/") || path.contains("src/androidTest/") {
                    s.file(lang, path);
                    if text.contains("org.junit") {
                        s.framework(lang, "junit");
                    }
                    if text.contains("org.testng") {
                        s.framework(lang, "testng");
                    }
                    if text.contains("io.kotest") {
                        s.framework(lang, "kotest");
                    }
                }
            }
            "cs" => {
                let in_test_project = dirs(path).any(|d| {
                    let d = d.to_ascii_lowercase();
                    d.ends_with(".tests") || d.ends_with(".test") || d.ends_with(".unittests")
                });
                if lower.ends_with("tests.cs") || lower.ends_with("test.cs") || in_test_project {
                    s.file("csharp", path);
                    let text = read(path);
                    if text.contains("using Xunit") {
                        s.framework("csharp", "xunit");
                    }
                    if text.contains("using NUnit") {
                        s.framework("csharp", "nunit");
                    }
                    if text.contains("Microsoft.VisualStudio.TestTools.UnitTesting") {
                        s.framework("csharp", "mstest");
                    }
                }
            }
            "csproj" => {
                let text = read(path).to_ascii_lowercase();
                for (needle, fw) in [
                    ("include=\"xunit", "xunit"),
                    ("include=\"nunit", "nunit"),
                    ("include=\"mstest", "mstest"),
                ] {
                    if text.contains(needle) {
                        s.framework("csharp", fw);
                    }
                }
            }
            "rb" => {
                if lower.ends_with("_spec.rb") {
                    s.file("ruby", path);
                    s.framework("ruby", "rspec");
                } else if (lower.ends_with("_test.rb") || lower.starts_with("test_"))
                    && has_dir(path, &["test", "tests"])
                {
                    s.file("ruby", path);
                    s.framework("ruby", "minitest");
                }
            }
            "php" => {
                if lower == "pest.php" {
                    s.framework("php", "pest");
                } else if name.ends_with("Test.php") {
                    s.file("php", path);
                }
            }
            "swift"
                if name.ends_with("Tests.swift")
                    || name.ends_with("Test.swift")
                    || dirs(path).any(|d| d.ends_with("Tests")) =>
            {
                s.file("swift", path);
                let text = read(path);
                if line_starts(&text, &["import XCTest"]) {
                    s.framework("swift", "xctest");
                }
                if line_starts(&text, &["import Testing"]) {
                    s.framework("swift", "swift-testing");
                }
            }
            "exs" if lower.ends_with("_test.exs") => {
                s.file("elixir", path);
                s.framework("elixir", "exunit");
            }
            "dart" if lower.ends_with("_test.dart") => {
                s.file("dart", path);
                let text = read(path);
                if text.contains("package:flutter_test") {
                    s.framework("dart", "flutter-test");
                } else if text.contains("package:test") {
                    s.framework("dart", "dart-test");
                }
            }
            e if C_EXTS.contains(&e) => {
                let stem = lower.rsplit_once('.').map(|(s, _)| s).unwrap_or(&lower);
                let text = read(path);
                if stem.ends_with("_fuzzer")
                    || stem.ends_with("_fuzz")
                    || text.contains("int LLVMFuzzerTestOneInput(")
                {
                    s.fuzz.insert(path.to_string());
                    continue;
                }
                if has_dir(path, &["test", "tests"])
                    || stem.ends_with("_test")
                    || stem.ends_with("_unittest")
                    || stem.starts_with("test_")
                {
                    s.file("c-cpp", path);
                    if text.contains("gtest/gtest.h") || text.contains("gmock/gmock.h") {
                        s.framework("c-cpp", "googletest");
                    }
                    if text.contains("catch2/") || text.contains("catch.hpp") {
                        s.framework("c-cpp", "catch2");
                    }
                }
            }
            _ => {}
        }

        // Configuration files that name a framework.
        match lower.as_str() {
            "pytest.ini" => s.framework("python", "pytest"),
            "pyproject.toml" | "setup.cfg" | "tox.ini" => {
                let text = read(path);
                if text.contains("[tool.pytest")
                    || text.contains("[tool:pytest")
                    || text.contains("[pytest]")
                {
                    s.framework("python", "pytest");
                }
            }
            "cmakelists.txt" => {
                let text = read(path).to_ascii_lowercase();
                if text.contains("add_test(")
                    || text.contains("enable_testing(")
                    || text.contains("gtest_discover_tests(")
                {
                    s.framework("c-cpp", "ctest");
                }
            }
            "phpunit.xml" | "phpunit.xml.dist" | "phpunit.dist.xml" => {
                s.framework("php", "phpunit")
            }
            ".rspec" => s.framework("ruby", "rspec"),
            "package.json" => js_frameworks.extend(package_json_frameworks(&read(path))),
            _ => {
                for (pkg, fw) in JS_FRAMEWORKS {
                    if !pkg.starts_with('@')
                        && (lower.starts_with(&format!("{pkg}.config."))
                            || lower.starts_with(&format!(".{pkg}rc")))
                    {
                        js_frameworks.insert(fw);
                    }
                }
                if lower.starts_with("playwright.config.") {
                    js_frameworks.insert("playwright");
                }
            }
        }
        if lower == "nextest.toml" && path.ends_with(".config/nextest.toml") {
            s.framework("rust", "nextest");
        }
    }

    // PHP: phpunit is the default runner for `*Test.php` files.
    if s.langs
        .get("php")
        .is_some_and(|l| !l.files.is_empty() && l.frameworks.is_empty())
    {
        s.framework("php", "phpunit");
    }
    // JavaScript frameworks apply to whichever of JavaScript and TypeScript has tests.
    if !js_frameworks.is_empty() {
        let targets: Vec<&'static str> = ["javascript", "typescript"]
            .into_iter()
            .filter(|l| s.langs.get(l).is_some_and(|l| !l.files.is_empty()))
            .collect();
        let targets = if targets.is_empty() {
            vec!["javascript"]
        } else {
            targets
        };
        for lang in targets {
            for fw in &js_frameworks {
                s.framework(lang, fw);
            }
        }
    }

    let languages = s
        .langs
        .into_iter()
        .filter(|(_, l)| !l.files.is_empty() || !l.frameworks.is_empty())
        .map(|(language, l)| LanguageTests {
            language: language.to_string(),
            test_files: l.files.len() as u64,
            frameworks: l.frameworks.iter().map(|f| f.to_string()).collect(),
            sample: l.files.iter().take(SAMPLE).cloned().collect(),
        })
        .collect();
    TestFacts {
        languages,
        fuzz_targets: s.fuzz.into_iter().collect(),
    }
}

/// Test frameworks named in a `package.json`: dependencies, devDependencies, or a top-level
/// `jest`/`mocha`/`ava` section.
fn package_json_frameworks(text: &str) -> Vec<&'static str> {
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (pkg, fw) in JS_FRAMEWORKS {
        let in_deps = ["dependencies", "devDependencies"].iter().any(|section| {
            doc.get(*section)
                .and_then(|d| d.as_object())
                .is_some_and(|d| d.contains_key(*pkg))
        });
        if in_deps || doc.contains_key(*pkg) {
            out.push(*fw);
        }
    }
    out
}

fn summarise(f: &TestFacts, examined: usize) -> String {
    let total: u64 = f.languages.iter().map(|l| l.test_files).sum();
    let fuzz = count(f.fuzz_targets.len(), "fuzz target", "fuzz targets");
    if f.languages.is_empty() {
        return format!(
            "No test files found among {} examined; {fuzz} found.",
            count(examined, "file", "files")
        );
    }
    let parts: Vec<String> = f
        .languages
        .iter()
        .map(|l| {
            if l.frameworks.is_empty() {
                format!("{} {}", l.language, l.test_files)
            } else {
                format!(
                    "{} {} ({})",
                    l.language,
                    l.test_files,
                    l.frameworks.join(", ")
                )
            }
        })
        .collect();
    format!(
        "Found {} in {}: {}; {fuzz}.",
        count(total as usize, "test file", "test files"),
        count(f.languages.len(), "language", "languages"),
        parts.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json_names_frameworks() {
        let json = r#"{"devDependencies": {"vitest": "1", "@playwright/test": "1"}, "jest": {}}"#;
        assert_eq!(
            package_json_frameworks(json),
            ["jest", "vitest", "playwright"]
        );
        assert!(package_json_frameworks("not json").is_empty());
    }
}
