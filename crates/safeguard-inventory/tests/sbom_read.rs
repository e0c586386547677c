//! What we read: the CycloneDX specification's test BOMs, syft's golden outputs and malformed
//! SBOMs, the SPDX specification's examples and spdx-tools-python's test documents. Component
//! counts are checked against an independent count over the document itself.

#[path = "sbom_fixture.rs"]
mod fixture;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fixture::testdata;
use safeguard_inventory::Input;
use safeguard_inventory::sbom::{self, Document, MAX_NESTING, SbomFormat};
use serde_json::Value;

fn files(dir: &Path, prefix: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e} (test data lives in ../shared)", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with(prefix) && name.ends_with(ext)
        })
        .collect();
    out.sort();
    out
}

fn read_path(path: &Path) -> Result<Document, safeguard_inventory::ParseError> {
    let bytes = std::fs::read(path).unwrap();
    sbom::read(path.to_str().unwrap(), &bytes)
}

/// Components in a CycloneDX JSON document, counted over the JSON: the top-level list and
/// nested lists, depth-capped like the reader.
fn cdx_json_count(doc: &Value) -> usize {
    fn walk(list: &Value, depth: usize) -> usize {
        if depth > MAX_NESTING {
            return 0;
        }
        list.as_array()
            .into_iter()
            .flatten()
            .filter(|c| c.get("name").is_some() || c.get("purl").is_some())
            .map(|c| 1 + walk(&c["components"], depth + 1))
            .sum()
    }
    walk(&doc["components"], 1)
}

/// Packages in an SPDX JSON document minus the one it describes when that one is the
/// subject (exactly one described package among several).
fn spdx_json_count(doc: &Value) -> usize {
    let packages: Vec<&str> = doc["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| p["SPDXID"].as_str().unwrap())
        .collect();
    let mut described: BTreeSet<&str> = doc["documentDescribes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .collect();
    for r in doc["relationships"].as_array().into_iter().flatten() {
        if r["relationshipType"] == "DESCRIBES" && r["spdxElementId"] == "SPDXRef-DOCUMENT" {
            described.insert(r["relatedSpdxElement"].as_str().unwrap());
        }
    }
    described.retain(|d| packages.contains(d));
    packages.len() - usize::from(described.len() == 1 && packages.len() > 1)
}

/// XML test BOMs whose JSON twin describes other components (a purl only in the XML, other
/// names or versions): checked by hand, the readers are not at fault.
const TWINS_WITH_OTHER_DATA: &[&str] = &[
    "valid-bom-1.4.xml",
    "valid-dependency-1.4.xml",
    "valid-license-expression-1.4.xml",
    "valid-license-id-1.4.xml",
    "valid-license-name-1.4.xml",
    "valid-bom-1.5.xml",
    "valid-dependency-1.5.xml",
    "valid-license-expression-1.5.xml",
    "valid-license-id-1.5.xml",
    "valid-license-name-1.5.xml",
    "valid-component-external-with-version.xml",
    "valid-cryptography-implementation-1.7.xml",
    "valid-license-choice-1.7.xml",
];

#[test]
fn cyclonedx_spec_valid_boms_are_read() {
    let root = testdata("cyclonedx-specification/tools/src/test/resources");
    let mut report = Vec::new();
    for version in ["1.4", "1.5", "1.6", "1.7"] {
        let dir = root.join(version);
        let json = files(&dir, "valid-", ".json");
        let xml = files(&dir, "valid-", ".xml");
        assert!(!json.is_empty(), "no valid-*.json in {}", dir.display());
        let mut components = 0;
        for f in &json {
            let doc = read_path(f).unwrap_or_else(|e| panic!("{e}"));
            let value: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
            assert_eq!(
                doc.components.len(),
                cdx_json_count(&value),
                "{}",
                f.display()
            );
            assert_eq!(
                doc.format,
                SbomFormat::CycloneDx {
                    spec_version: version.into()
                },
                "{}",
                f.display()
            );
            components += doc.components.len();
        }
        // The XML twins of the JSON files describe the same components.
        let mut xml_matched = 0;
        for f in &xml {
            let doc = read_path(f).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                doc.format,
                SbomFormat::CycloneDx {
                    spec_version: version.into()
                }
            );
            let twin = f.with_extension("json");
            if twin.is_file() {
                let from_json = read_path(&twin).unwrap();
                let key = |d: &Document| -> BTreeSet<(String, String, String)> {
                    d.components
                        .iter()
                        .map(|c| (c.purl.clone(), c.name.clone(), c.version.clone()))
                        .collect()
                };
                let name = f.file_name().unwrap().to_str().unwrap();
                if key(&doc) == key(&from_json) {
                    assert!(!TWINS_WITH_OTHER_DATA.contains(&name), "{name} now agrees");
                    xml_matched += 1;
                } else {
                    assert!(
                        TWINS_WITH_OTHER_DATA.contains(&name),
                        "{name}: XML and JSON readers disagree"
                    );
                    let (a, b) = (key(&doc), key(&from_json));
                    eprintln!(
                        "XML and JSON differ: {}: only XML {:?}, only JSON {:?}",
                        f.display(),
                        a.difference(&b).collect::<Vec<_>>(),
                        b.difference(&a).collect::<Vec<_>>()
                    );
                }
            }
        }
        report.push(format!(
            "CycloneDX {version}: {} valid JSON read ({components} components), {} valid XML read ({xml_matched} agree with their JSON twin)",
            json.len(),
            xml.len()
        ));
        if version == "1.6" {
            assert_eq!(json.len(), 45);
        }
    }
    eprintln!("{}", report.join("\n"));
}

#[test]
fn cyclonedx_spec_invalid_boms_never_panic() {
    let root = testdata("cyclonedx-specification/tools/src/test/resources");
    let (mut read, mut refused) = (0, 0);
    for version in ["1.4", "1.5", "1.6", "1.7"] {
        for f in files(&root.join(version), "invalid-", "") {
            match read_path(&f) {
                Ok(_) => read += 1,
                Err(e) => {
                    if std::env::var_os("SBOM_VERBOSE").is_some() {
                        eprintln!("refused {e}");
                    }
                    refused += 1;
                    assert_eq!(e.file, f.to_str().unwrap());
                    assert!(!e.message.is_empty());
                }
            }
        }
    }
    eprintln!(
        "CycloneDX invalid-*: {refused} refused, {read} read (schema rules we do not enforce)"
    );
    assert!(refused > 0 && read + refused > 90);
    // One we must refuse: a bomFormat that is not CycloneDX.
    // A scope outside the enumeration, in JSON and XML alike.
    for f in ["1.6/invalid-scope-1.6.json", "1.6/invalid-scope-1.6.xml"] {
        let e = read_path(&root.join(f)).unwrap_err();
        assert!(e.message.contains("foo") && e.line.is_some(), "{e}");
    }
    let e = read_path(&root.join("1.6/invalid-bomformat-1.6.json")).unwrap_err();
    assert!(e.message.contains("bomFormat"), "{e}");
    assert_eq!(e.line, Some(1));
}

fn syft(rel: &str) -> PathBuf {
    testdata("syft-formats/syft/format").join(rel)
}

#[test]
fn syft_cyclonedx_outputs() {
    for f in files(&syft("cyclonedxjson/testdata/identify"), "", ".json") {
        let doc = read_path(&f).unwrap_or_else(|e| panic!("{e}"));
        let value: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        assert_eq!(
            doc.components.len(),
            cdx_json_count(&value),
            "{}",
            f.display()
        );
        assert!(!doc.components.is_empty(), "{}", f.display());
    }
    for f in files(&syft("cyclonedxjson/testdata/snapshot"), "", ".golden") {
        let doc = read_path(&f).unwrap_or_else(|e| panic!("{e}"));
        let value: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        assert_eq!(doc.components.len(), cdx_json_count(&value));
        assert_eq!(doc.tool.as_deref(), Some("syft v0.42.0-bogus"));
    }
    // XML: 1.0 to 1.7, each the same single Go module.
    let xml = files(&syft("cyclonedxxml/testdata/identify"), "", ".xml");
    assert_eq!(xml.len(), 8);
    for f in &xml {
        let doc = read_path(f).unwrap_or_else(|e| panic!("{e}"));
        let purls: Vec<&str> = doc.components.iter().map(|c| c.purl.as_str()).collect();
        assert_eq!(
            purls,
            ["pkg:golang/github.com/wagoodman/go-partybus@v0.0.0-20230516145632-8ccac152c651"],
            "{}",
            f.display()
        );
        assert_eq!(doc.components[0].name, "github.com/wagoodman/go-partybus");
    }
    let image = read_path(&syft(
        "cyclonedxxml/testdata/snapshot/TestCycloneDxImageEncoder.golden",
    ))
    .unwrap();
    let from_json = read_path(&syft(
        "cyclonedxjson/testdata/snapshot/TestCycloneDxImageEncoder.golden",
    ))
    .unwrap();
    assert_eq!(image.components.len(), 3);
    let names = |d: &Document| -> Vec<(String, String, String)> {
        d.components
            .iter()
            .map(|c| (c.name.clone(), c.version.clone(), c.purl.clone()))
            .collect()
    };
    assert_eq!(names(&image), names(&from_json));
    // "a-purl-1" is not a purl: the name and version are used.
    assert!(names(&image).contains(&(
        "package-1".into(),
        "1.0.1".into(),
        "pkg:generic/package-1@1.0.1".into()
    )));
    assert_eq!(image.subject.as_ref().unwrap().name, "user-image-input");
}

#[test]
fn syft_spdx_outputs() {
    let mut checked = 0;
    for dir in ["spdxjson/testdata/identify", "spdxjson/testdata/spdx"] {
        for f in files(&syft(dir), "", ".json") {
            let value: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
            if value.get("spdxVersion").is_none() {
                let e = read_path(&f).unwrap_err();
                assert!(e.message.contains("SPDX 3"), "{e}");
                continue;
            }
            let doc = read_path(&f).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                doc.components.len(),
                spdx_json_count(&value),
                "{}",
                f.display()
            );
            checked += 1;
        }
    }
    for f in files(&syft("spdxjson/testdata/snapshot"), "", ".golden") {
        let value: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let doc = read_path(&f).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            doc.components.len(),
            spdx_json_count(&value),
            "{}",
            f.display()
        );
        checked += 1;
    }
    assert_eq!(checked, 12);
    // Tag-value: the golden outputs agree with the JSON ones.
    let tv = read_path(&syft(
        "spdxtagvalue/testdata/snapshot/TestSPDXTagValueImageEncoder.golden",
    ))
    .unwrap();
    let json = read_path(&syft(
        "spdxjson/testdata/snapshot/TestSPDXJSONImageEncoder.golden",
    ))
    .unwrap();
    let key = |d: &Document| -> BTreeSet<(String, String)> {
        d.components
            .iter()
            .map(|c| (c.name.clone(), c.version.clone()))
            .collect()
    };
    assert_eq!(key(&tv), key(&json));
    assert_eq!(tv.components.len(), 2);
    for f in files(&syft("spdxtagvalue/testdata/identify"), "", ".sbom") {
        let doc = read_path(&f).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            doc.components
                .iter()
                .any(|c| c.name == "github.com/wagoodman/go-partybus"),
            "{}",
            f.display()
        );
    }
    let doc = read_path(&syft("spdxtagvalue/testdata/tag-value.spdx")).unwrap();
    assert!(!doc.components.is_empty());
}

#[test]
fn malformed_sboms_error_with_file_and_place() {
    for rel in [
        "cyclonedxjson/testdata/bad-sbom",
        "cyclonedxxml/testdata/bad-sbom",
        "spdxjson/testdata/spdx/bad/bad-sbom",
        "spdxtagvalue/testdata/bad-sbom",
    ] {
        let f = syft(rel);
        let e = read_path(&f).unwrap_err();
        assert_eq!(e.file, f.to_str().unwrap());
        assert_eq!((e.line, e.column), (Some(1), Some(1)), "{e}");
        assert!(e.message.starts_with("not an SBOM"), "{e}");
    }
    // Wrong types in otherwise JSON SPDX: creators as objects, "false" as a string.
    let bad = files(&syft("spdxjson/testdata/spdx/bad"), "", ".json");
    assert_eq!(bad.len(), 4);
    for f in bad {
        let e = read_path(&f).unwrap_err();
        assert!(e.line.is_some() && e.column.is_some(), "{e}");
        assert!(e.to_string().starts_with(f.to_str().unwrap()), "{e}");
        assert!(e.message.contains("invalid type"), "{e}");
    }
}

#[test]
fn spdx_spec_examples_in_every_serialisation_agree() {
    let dir = testdata("spdx-spec/examples");
    let json_path = dir.join("SPDXJSONExample-v2.3.spdx.json");
    let value: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    let json = read_path(&json_path).unwrap();
    assert_eq!(json.components.len(), spdx_json_count(&value));
    assert_eq!(json.components.len(), 3, "glibc is the described package");
    assert_eq!(json.subject.as_ref().unwrap().name, "glibc");
    let key = |d: &Document| -> BTreeSet<(String, String, String)> {
        d.components
            .iter()
            .map(|c| (c.name.clone(), c.version.clone(), c.purl.clone()))
            .collect()
    };
    for other in [
        "SPDXTagExample-v2.3.spdx",
        "SPDXYAMLExample-2.3.spdx.yaml",
        "SPDXRdfExample-v2.3.spdx.rdf.xml",
    ] {
        let doc = read_path(&dir.join(other)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(key(&doc), key(&json), "{other}");
        assert_eq!(doc.subject, json.subject, "{other}");
    }
    // Apache Commons Lang has a purl? Whatever it has, the hashes come through.
    assert!(json.components.iter().any(|c| !c.hashes.is_empty()));
    // SPDX's own XML serialisation is not read, and says so.
    let e = read_path(&dir.join("SPDXXMLExample-v2.3.spdx.xml")).unwrap_err();
    assert!(e.message.contains("not an SBOM"), "{e}");
}

#[test]
fn spdx_tools_python_documents() {
    let dir = testdata("spdx-tools-python/tests/spdx/data");
    let mut checked = 0;
    for f in files(&dir, "", ".json") {
        let bytes = std::fs::read(&f).unwrap();
        let doc = read_path(&f).unwrap_or_else(|e| panic!("{e}"));
        if bytes.starts_with(b"\xFF\xFE") {
            // The UTF-16 copy of the 2.2 example.
            let twin = read_path(&dir.join("SPDXJSONExample-v2.2.spdx.json")).unwrap();
            assert_eq!(doc.components, {
                let mut c = twin.components.clone();
                for x in &mut c {
                    x.location.file = f.to_str().unwrap().into();
                }
                c
            });
        } else {
            let value: Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                doc.components.len(),
                spdx_json_count(&value),
                "{}",
                f.display()
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 5);
    // The invalid one (trivy) is invalid for spdx-tools (no document name) but readable.
    let trivy = read_path(&dir.join("invalid/spdx-trivy-fluentd.json")).unwrap();
    assert_eq!(trivy.components.len(), 514);
    assert!(
        trivy
            .components
            .iter()
            .any(|c| c.purl.starts_with("pkg:gem/"))
    );
    for f in [
        "SPDXTagExample-v2.3.spdx",
        "SPDXLite.spdx",
        "SPDXYAMLExample-v2.3.spdx.yaml",
    ] {
        let doc = read_path(&dir.join(f)).unwrap_or_else(|e| panic!("{e}"));
        assert!(!doc.components.is_empty() || doc.subject.is_some(), "{f}");
    }
}

#[test]
fn errors_name_the_place() {
    let e = sbom::read(
        "x.json",
        b"{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": {}\n}",
    )
    .unwrap_err();
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.column.is_some(), "{e}");
    assert!(
        e.message.contains("invalid type: map, expected a sequence"),
        "{e}"
    );

    let e = sbom::read("x.json", b"{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": \"1.6\",\n \"components\": [{\"name\": \"a\", \"scope\": \"always\"}]}")
        .unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.contains("unknown variant `always`"), "{e}");

    let e = sbom::read(
        "x.json",
        b"{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": \"1.6\",\n",
    )
    .unwrap_err();
    assert!(e.message.starts_with("not valid JSON"), "{e}");
    assert_eq!(e.line, Some(3));

    let e = sbom::read("x.json", b"[1, 2]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.json:1:1: not an SBOM: the document must be a JSON object"
    );

    let e = sbom::read("x.json", b"  {\"name\": \"nope\"}").unwrap_err();
    assert_eq!((e.line, e.column), (Some(1), Some(3)));

    let e = sbom::read(
        "x.json",
        b"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.1\"}",
    )
    .unwrap_err();
    assert!(e.message.contains("1.1"), "{e}");

    let e = sbom::read("x.xml", b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n<component></components>").unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");

    let e = sbom::read(
        "x.spdx",
        "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageDescription: <text>never closed\n"
            .as_bytes(),
    )
    .unwrap_err();
    assert_eq!(e.line, Some(3), "{e}");

    let e = sbom::read("x.json", b"").unwrap_err();
    assert!(e.message.contains("empty"));
    let e = sbom::read("x.json", b"{\"a\": \"\xff\"}").unwrap_err();
    assert_eq!((e.line, e.column), (Some(1), Some(8)));
}

#[test]
fn hostile_input_never_panics() {
    // Deep nesting: JSON arrays, CycloneDX components, XML elements.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(sbom::read("d.json", deep.as_bytes()).is_err());
    let mut nested =
        String::from("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
    for i in 0..60 {
        nested.push_str(&format!(
            "{{\"type\":\"library\",\"name\":\"c{i}\",\"components\":["
        ));
    }
    nested.push_str(&"]}".repeat(60));
    nested.push_str("]}");
    let doc = sbom::read("n.json", nested.as_bytes()).unwrap();
    assert_eq!(doc.components.len(), MAX_NESTING, "nesting is capped");
    assert_eq!(doc.components[0].location.line, Some(1));
    let xml = format!(
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>{}{}</components></bom>",
        "<component><name>x</name><components>".repeat(100),
        "</components></component>".repeat(100)
    );
    assert_eq!(
        sbom::read("n.xml", xml.as_bytes())
            .unwrap()
            .components
            .len(),
        MAX_NESTING
    );
    let xml = format!(
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">{}",
        "<a>".repeat(10_000)
    );
    assert!(sbom::read("n.xml", xml.as_bytes()).is_err());

    // Every prefix of real documents, and byte flips: errors or documents, never a panic.
    let mut samples = vec![
        testdata("cyclonedx-specification/tools/src/test/resources/1.6/valid-bom-1.6.json"),
        testdata("cyclonedx-specification/tools/src/test/resources/1.6/valid-bom-1.6.xml"),
        testdata("spdx-spec/examples/SPDXTagExample-v2.3.spdx"),
        testdata("spdx-spec/examples/SPDXRdfExample-v2.3.spdx.rdf.xml"),
        testdata("spdx-spec/examples/SPDXYAMLExample-2.3.spdx.yaml"),
    ];
    samples.push(testdata(
        "osv-scalibr-extractors/sbom/spdx/testdata/sbom.spdx.json",
    ));
    for f in samples {
        let bytes = std::fs::read(&f).unwrap();
        let step = (bytes.len() / 300).max(1);
        for end in (0..bytes.len()).step_by(step) {
            let _ = sbom::read("p", &bytes[..end]);
        }
        for i in (0..bytes.len()).step_by(step) {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            let _ = sbom::read("p", &b);
        }
    }
    // Odd UTF-16.
    assert!(sbom::read("u", b"\xFF\xFE{\x00\x00").is_err());
    assert!(sbom::read("u", b"\xFE\xFF\xD8\x00").is_err());
}

#[test]
fn extractors_read_and_match() {
    let cdx = safeguard_inventory::extractor::by_id("sbom/cdx").unwrap();
    let spdx = safeguard_inventory::extractor::by_id("sbom/spdx").unwrap();
    assert!(cdx.matches("out/app.cdx.json") && cdx.matches("bom.xml") && !cdx.matches("x.json"));
    assert!(spdx.matches("a/b.spdx.json") && spdx.matches("b.spdx") && !spdx.matches("b.json"));
    assert!(!cdx.in_discovery() && !spdx.in_discovery());
    let bytes = std::fs::read(testdata(
        "osv-scalibr-extractors/sbom/cdx/testdata/sbom-with-locations.cdx.json",
    ))
    .unwrap();
    let got = cdx
        .extract(&Input::in_memory("x.cdx.json", &bytes))
        .unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].name, "@gar/promisify");
    assert_eq!(
        got[0].purl, "pkg:npm/%40gar/promisify@1.1.3",
        "canonical form"
    );
    assert_eq!(got[0].location.line, Some(7));
}

#[test]
fn large_yaml_is_read_and_alias_bombs_are_not() {
    // More nodes than serde-saphyr's default budget (250 000) allows.
    let mut y = String::from("spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\npackages:\n");
    for i in 0..20_000 {
        y.push_str(&format!(
            "- SPDXID: SPDXRef-a{i}\n  name: a{i}\n  versionInfo: \"1.0\"\n  downloadLocation: NOASSERTION\n  externalRefs:\n  - referenceCategory: PACKAGE-MANAGER\n    referenceType: purl\n    referenceLocator: pkg:npm/a{i}@1.0\n"
        ));
    }
    let doc = sbom::read("big.spdx.yaml", y.as_bytes()).unwrap();
    assert_eq!(doc.components.len(), 20_000);
    assert_eq!(doc.components[19_999].purl, "pkg:npm/a19999@1.0");
    // A billion-laughs document is refused with the place.
    let mut bomb = String::from("spdxVersion: SPDX-2.3\na: &a [x, x, x, x, x, x, x, x, x]\n");
    let mut prev = "a".to_string();
    for i in 0..9 {
        let n = format!("b{i}");
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb.push_str(&format!("{n}: &{n} [{refs}]\n"));
        prev = n;
    }
    let e = sbom::read("bomb.spdx.yaml", bomb.as_bytes()).unwrap_err();
    assert!(e.line.is_some() && e.message.contains("budget"), "{e}");
}
