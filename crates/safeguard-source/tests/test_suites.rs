mod common;

use common::{Fixture, tests};
use safeguard_model::facts::LanguageTests;
use safeguard_source::TestSuitesCollector;

fn lang(language: &str, frameworks: &[&str], sample: &[&str]) -> LanguageTests {
    LanguageTests {
        language: language.into(),
        test_files: sample.len() as u64,
        frameworks: frameworks.iter().map(|s| s.to_string()).collect(),
        sample: sample.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn counts_test_files_frameworks_and_fuzz_targets() {
    let f = Fixture::new();
    f.write("Cargo.toml", "[package]\nname = \"x\"\n")
        .write("src/lib.rs", "pub fn f() {}\n#[cfg(test)]\nmod tests {}\n")
        .write("src/main.rs", "fn main() {}\n")
        .write(
            "src/gen.rs",
            "const MARK: &str = \"#[test] fuzz_target!(\";\n",
        )
        .write("py/gen.py", "TEMPLATE = 'import atheris'\n")
        .write("tests/it.rs", "#[test]\nfn t() {}\n")
        .write(
            "fuzz/fuzz_targets/parse.rs",
            "#![no_main]\nlibfuzzer_sys::fuzz_target!(|d: &[u8]| {});\n",
        )
        .write("py/tests/test_api.py", "import pytest\n")
        .write("py/tests/conftest.py", "")
        .write("py/legacy_test.py", "import unittest\n")
        .write("py/app.py", "print('contest')\n")
        .write("py/fuzz_parse.py", "import atheris\n")
        .write(
            "go/parse_test.go",
            "package p\n\nfunc FuzzParse(f *testing.F) {}\n",
        )
        .write(
            "go/util_test.go",
            "package p\n\nimport \"github.com/stretchr/testify/assert\"\n",
        )
        .write(
            "web/package.json",
            r#"{"devDependencies": {"vitest": "^1"}}"#,
        )
        .write("web/src/app.test.ts", "")
        .write("web/src/__tests__/util.js", "")
        .write("web/src/app.ts", "")
        .write("web/node_modules/dep/index.test.js", "")
        .write(
            "java/src/test/java/AppTest.java",
            "import org.junit.jupiter.api.Test;\n",
        )
        .write("java/src/main/java/App.java", "")
        .write(
            "cpp/CMakeLists.txt",
            "enable_testing()\nadd_test(NAME t COMMAND t)\n",
        )
        .write("cpp/tests/t.cpp", "#include <gtest/gtest.h>\n")
        .write("cpp/png_fuzzer.cc", "")
        .write("ruby/spec/models/user_spec.rb", "")
        .write("assets/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0".as_slice());

    let e = f.collect(&TestSuitesCollector);
    let t = tests(&e);
    assert_eq!(
        t.languages,
        [
            lang("c-cpp", &["ctest", "googletest"], &["cpp/tests/t.cpp"]),
            lang(
                "go",
                &["go-test", "testify"],
                &["go/parse_test.go", "go/util_test.go"]
            ),
            lang("java", &["junit"], &["java/src/test/java/AppTest.java"]),
            lang("javascript", &["vitest"], &["web/src/__tests__/util.js"]),
            lang(
                "python",
                &["pytest", "unittest"],
                &[
                    "py/legacy_test.py",
                    "py/tests/conftest.py",
                    "py/tests/test_api.py"
                ]
            ),
            lang("ruby", &["rspec"], &["ruby/spec/models/user_spec.rb"]),
            lang("rust", &["cargo-test"], &["src/lib.rs", "tests/it.rs"]),
            lang("typescript", &["vitest"], &["web/src/app.test.ts"]),
        ]
    );
    assert_eq!(
        t.fuzz_targets,
        [
            "cpp/png_fuzzer.cc",
            "fuzz/fuzz_targets/parse.rs",
            "go/parse_test.go",
            "py/fuzz_parse.py"
        ]
    );
    assert!(
        e.summary.starts_with("Found 12 test files in 8 languages"),
        "{}",
        e.summary
    );
    assert!(e.summary.contains("4 fuzz targets"), "{}", e.summary);
}

#[test]
fn sample_is_capped_at_ten() {
    let f = Fixture::new();
    for i in 0..12 {
        f.write(&format!("pkg/f{i:02}_test.go"), "package pkg\n");
    }
    let t = tests(&f.collect(&TestSuitesCollector)).clone();
    assert_eq!(t.languages.len(), 1);
    assert_eq!(t.languages[0].test_files, 12);
    assert_eq!(t.languages[0].sample.len(), 10);
    assert_eq!(t.languages[0].sample[9], "pkg/f09_test.go");
}

#[test]
fn no_tests_found() {
    let f = Fixture::new();
    f.write("src/main.rs", "fn main() {}\n")
        .write("contest.py", "");
    let e = f.collect(&TestSuitesCollector);
    assert!(tests(&e).languages.is_empty());
    assert!(tests(&e).fuzz_targets.is_empty());
    assert!(
        e.summary
            .starts_with("No test files found among 2 files examined"),
        "{}",
        e.summary
    );
}

#[test]
fn odd_files_do_not_panic() {
    let f = Fixture::new();
    f.write(
        "src/latin1.rs",
        b"// caf\xe9\n#[test]\nfn t() {}\n".as_slice(),
    );
    let mut big = b"#[cfg(test)]\n".to_vec();
    big.resize(3 * 1024 * 1024, b'/');
    f.write("src/big.rs", big);
    f.write("src/binary.rs", b"\0\0#[test]".as_slice());
    let t = tests(&f.collect(&TestSuitesCollector)).clone();
    assert_eq!(
        t.languages,
        [lang(
            "rust",
            &["cargo-test"],
            &["src/big.rs", "src/latin1.rs"]
        )]
    );
}

#[test]
fn mentioning_a_fuzz_entry_point_is_not_defining_one() {
    let f = Fixture::new();
    f.write(
        "src/detect.rs",
        "const MARKERS: &[&str] = &[\"fn LLVMFuzzerTestOneInput\", \"fuzz_target!(\"];\n",
    )
    .write(
        "native/entry.rs",
        "#[unsafe(no_mangle)]\npub extern \"C\" fn LLVMFuzzerTestOneInput(d: *const u8, n: usize) -> i32 { 0 }\n",
    );
    let e = f.collect(&TestSuitesCollector);
    assert_eq!(tests(&e).fuzz_targets, ["native/entry.rs"]);
}
