//! What we write: CycloneDX 1.5/1.6/1.7 validated against the official schemas (referenced
//! schemas registered locally, no network), SPDX 2.3 against the SPDX schema, the content the
//! writers promise, determinism, and read(write(x)) round trips.

#[path = "sbom_fixture.rs"]
mod fixture;

use std::collections::{BTreeMap, BTreeSet};

use fixture::*;
use safeguard_inventory::sbom::{self, CdxVersion, SbomFormat};
use safeguard_model::{Component, Ecosystem, Relationship, Scope};
use serde_json::Value;

fn load(rel: &str) -> Value {
    let path = testdata(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (test data lives in ../shared)", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Validation errors of `doc` against the CycloneDX schema of `version`.
fn cdx_schema_errors(version: &str, doc: &Value) -> Vec<String> {
    let dir = "cyclonedx-specification/schema";
    let schema = load(&format!("{dir}/bom-{version}.schema.json"));
    let mut builder = jsonschema::Registry::new();
    for f in [
        "spdx.schema.json",
        "jsf-0.82.schema.json",
        "cryptography-defs.schema.json",
    ] {
        let s = load(&format!("{dir}/{f}"));
        let id = s["$id"].as_str().unwrap().to_string();
        builder = builder.add(id, s).unwrap();
    }
    let registry = builder.prepare().unwrap();
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn spdx_schema_errors(doc: &Value) -> Vec<String> {
    let schema = load("spdx-spec/schemas/spdx-schema.json");
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn write_all() -> Vec<(CdxVersion, String)> {
    let inv = inventory();
    let meta = metadata();
    CdxVersion::ALL
        .into_iter()
        .map(|v| (v, sbom::write_cyclonedx(&inv, &meta, v)))
        .collect()
}

#[test]
fn cyclonedx_validates_against_the_official_schemas() {
    let mut checked = 0;
    for (v, text) in write_all() {
        assert!(text.ends_with("}\n"), "trailing newline");
        let doc: Value = serde_json::from_str(&text).unwrap();
        let errors = cdx_schema_errors(v.as_str(), &doc);
        assert!(errors.is_empty(), "CycloneDX {v}: {errors:#?}\n{text}");
        checked += 1;
    }
    // An empty inventory is valid too.
    let empty = sbom::write_cyclonedx(&Default::default(), &metadata(), CdxVersion::V1_6);
    let errors = cdx_schema_errors("1.6", &serde_json::from_str(&empty).unwrap());
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(checked, 3);
}

#[test]
fn the_schema_check_can_fail() {
    // Guard against a validator that accepts anything: a wrong scope and serial are caught.
    let (_, text) = write_all().remove(1);
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["components"][0]["scope"] = "sometimes".into();
    doc["serialNumber"] = "urn:uuid:nope".into();
    let errors = cdx_schema_errors("1.6", &doc);
    assert!(errors.len() >= 2, "{errors:#?}");
    // `line` in an occurrence is not allowed in 1.5.
    let (_, text) = write_all().remove(1);
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut as15 = doc.clone();
    as15["specVersion"] = "1.5".into();
    as15["$schema"] = "http://cyclonedx.org/schema/bom-1.5.schema.json".into();
    assert!(!cdx_schema_errors("1.5", &as15).is_empty());

    let spdx = sbom::write_spdx(&inventory(), &metadata());
    let mut doc: Value = serde_json::from_str(&spdx).unwrap();
    doc["packages"][1]["primaryPackagePurpose"] = "GADGET".into();
    assert!(!spdx_schema_errors(&doc).is_empty());
}

#[test]
fn spdx_validates_against_the_schema() {
    let text = sbom::write_spdx(&inventory(), &metadata());
    assert!(text.ends_with("}\n"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let errors = spdx_schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    let empty = sbom::write_spdx(&Default::default(), &metadata());
    assert!(spdx_schema_errors(&serde_json::from_str(&empty).unwrap()).is_empty());
}

fn component<'a>(doc: &'a Value, purl: &str) -> &'a Value {
    doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purl"] == purl)
        .unwrap_or_else(|| panic!("no component {purl}"))
}

fn props(c: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in c["properties"].as_array().into_iter().flatten() {
        out.entry(p["name"].as_str().unwrap().to_string())
            .or_default()
            .push(p["value"].as_str().unwrap().to_string());
    }
    out
}

#[test]
fn cyclonedx_content() {
    for (v, text) in write_all() {
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["specVersion"], v.as_str());
        assert_eq!(
            doc["$schema"],
            format!("http://cyclonedx.org/schema/bom-{v}.schema.json")
        );
        let serial = doc["serialNumber"].as_str().unwrap();
        let uuid = serial.strip_prefix("urn:uuid:").unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "5", "version nibble");
        assert!("89ab".contains(&uuid[19..20]), "variant bits");

        let meta = &doc["metadata"];
        assert_eq!(meta["timestamp"], "2026-01-01T10:34:56Z");
        assert_eq!(meta["tools"]["components"][0]["name"], "safeguard");
        assert_eq!(meta["tools"]["components"][0]["version"], "0.1.0");
        assert_eq!(meta["component"]["type"], "application");
        assert_eq!(meta["component"]["name"], "acme-app");
        assert_eq!(meta["component"]["version"], "1.2.0");
        assert_eq!(props(&meta["component"])["safeguard:commit"], [COMMIT]);
        assert_eq!(meta["supplier"]["name"], "Acme Ltd");
        let root = meta["component"]["bom-ref"].as_str().unwrap();

        let comps = doc["components"].as_array().unwrap();
        assert_eq!(comps.len(), 9, "11 declarations of 9 distinct purls");
        for c in comps {
            assert_eq!(c["bom-ref"], c["purl"]);
        }

        let ms = component(&doc, "pkg:npm/ms@2.1.3");
        assert_eq!(ms["scope"], "required", "runtime in one file wins");
        let algs: Vec<&str> = ms["hashes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["alg"].as_str().unwrap())
            .collect();
        assert_eq!(algs, ["SHA-1", "SHA-512"]);
        let occurrences = ms["evidence"]["occurrences"].as_array().unwrap();
        assert_eq!(occurrences.len(), 2);
        assert_eq!(occurrences[0]["location"], "other/package-lock.json");
        assert_eq!(occurrences[1]["location"], "web/package-lock.json");
        if v >= CdxVersion::V1_6 {
            assert_eq!(occurrences[1]["line"], 20);
        } else {
            assert!(occurrences[1].get("line").is_none());
        }
        assert_eq!(props(ms)["safeguard:group"], ["dev"]);
        assert_eq!(props(ms)["safeguard:ecosystem"], ["npm"]);
        assert_eq!(props(ms)["safeguard:relationship"], ["transitive"]);

        let net = component(&doc, "pkg:golang/golang.org/x/net@v0.17.0");
        assert_eq!(net["scope"], "required");
        assert!(net.get("hashes").is_none(), "go-h1 has no CycloneDX name");
        assert_eq!(props(net)["safeguard:hash:go-h1"], [GO_H1]);
        assert_eq!(net["evidence"]["occurrences"].as_array().unwrap().len(), 2);
        assert_eq!(net["group"], "golang.org/x");
        assert_eq!(net["name"], "net");

        assert_eq!(component(&doc, "pkg:npm/jest@29.0.0")["scope"], "excluded");
        assert_eq!(
            component(&doc, "pkg:npm/fsevents@2.3.2")["scope"],
            "optional"
        );
        let app = component(&doc, "pkg:npm/%40scope/app-lib@2.0.0");
        assert_eq!(app["group"], "@scope");
        assert_eq!(app["externalReferences"][0]["type"], "distribution");
        let mycrate = component(&doc, "pkg:cargo/mycrate@0.1.0");
        assert_eq!(mycrate["externalReferences"][0]["type"], "vcs");
        assert_eq!(props(mycrate)["safeguard:commit"], [COMMIT]);
        let slf4j = component(&doc, "pkg:maven/org.slf4j/slf4j-api@2.0.9");
        assert_eq!(props(slf4j)["safeguard:source"], ["libs/slf4j api"]);
        assert!(slf4j.get("externalReferences").is_none());
        let requests = component(&doc, "pkg:pypi/requests@2.31.0");
        assert_eq!(
            requests["evidence"]["occurrences"][0]["location"],
            "requirements.txt"
        );
        assert!(requests["evidence"]["occurrences"][0].get("line").is_none());

        let deps: BTreeMap<&str, Vec<&str>> = doc["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["ref"].as_str().unwrap(),
                    d["dependsOn"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap())
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            deps[root],
            [
                "pkg:golang/golang.org/x/net@v0.17.0",
                "pkg:maven/org.slf4j/slf4j-api@2.0.9",
                "pkg:npm/%40scope/app-lib@2.0.0",
                "pkg:npm/jest@29.0.0",
                "pkg:pypi/requests@2.31.0",
            ]
        );
        assert_eq!(deps["pkg:npm/%40scope/app-lib@2.0.0"], ["pkg:npm/ms@2.1.3"]);
        assert_eq!(
            deps["pkg:npm/jest@29.0.0"],
            ["pkg:npm/ms@2.1.3"],
            "absent dropped"
        );
        // web/package-lock.json records edges, so its leaves are declared with none.
        assert!(deps["pkg:npm/fsevents@2.3.2"].is_empty());
        // Cargo.lock here records none: unknown, so not in the graph.
        assert!(!deps.contains_key("pkg:cargo/serde@1.0.190"));

        assert_eq!(doc["compositions"][0]["aggregate"], "incomplete");
        assert_eq!(doc["compositions"][0]["assemblies"][0], root);
    }
    let mut complete = inventory();
    complete.gaps.clear();
    let doc: Value = serde_json::from_str(&sbom::write_cyclonedx(
        &complete,
        &metadata(),
        CdxVersion::V1_7,
    ))
    .unwrap();
    assert_eq!(doc["compositions"][0]["aggregate"], "complete");
}

#[test]
fn spdx_content() {
    let text = sbom::write_spdx(&inventory(), &metadata());
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(doc["dataLicense"], "CC0-1.0");
    assert_eq!(doc["creationInfo"]["created"], "2026-01-01T10:34:56Z");
    assert_eq!(
        doc["creationInfo"]["creators"],
        serde_json::json!(["Tool: safeguard-0.1.0", "Organization: Acme Ltd"])
    );
    let ns = doc["documentNamespace"].as_str().unwrap();
    assert!(
        ns.starts_with("https://spdx.org/spdxdocs/acme-app-"),
        "{ns}"
    );
    let packages = doc["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 10, "root + 9 distinct purls");
    let ids: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["SPDXID"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 10);
    for id in &ids {
        assert!(id.starts_with("SPDXRef-"));
        assert!(
            id[8..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        );
    }
    let root = &packages[0];
    assert_eq!(root["name"], "acme-app");
    assert_eq!(root["versionInfo"], "1.2.0");
    assert_eq!(root["supplier"], "Organization: Acme Ltd");
    assert_eq!(root["primaryPackagePurpose"], "APPLICATION");
    let by_purl = |purl: &str| -> &Value {
        packages
            .iter()
            .find(|p| {
                p["externalRefs"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| r["referenceType"] == "purl" && r["referenceLocator"] == purl)
            })
            .unwrap_or_else(|| panic!("no package {purl}"))
    };
    let ms = by_purl("pkg:npm/ms@2.1.3");
    assert_eq!(ms["name"], "ms");
    assert_eq!(ms["versionInfo"], "2.1.3");
    assert_eq!(ms["supplier"], "NOASSERTION");
    assert_eq!(ms["filesAnalyzed"], false);
    assert_eq!(ms["downloadLocation"], "NOASSERTION");
    let algs: Vec<&str> = ms["checksums"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["algorithm"].as_str().unwrap())
        .collect();
    assert_eq!(algs, ["SHA1", "SHA512"]);
    let net = by_purl("pkg:golang/golang.org/x/net@v0.17.0");
    assert_eq!(net["name"], "golang.org/x/net");
    assert!(
        net["externalRefs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["referenceCategory"] == "OTHER" && r["referenceLocator"] == GO_H1)
    );
    assert_eq!(
        by_purl("pkg:npm/%40scope/app-lib@2.0.0")["downloadLocation"],
        "https://registry.npmjs.org/@scope/app-lib/-/app-lib-2.0.0.tgz"
    );
    assert_eq!(
        by_purl("pkg:cargo/mycrate@0.1.0")["downloadLocation"],
        format!("git+https://github.com/acme/mycrate@{COMMIT}")
    );
    assert_eq!(
        by_purl("pkg:cargo/serde@1.0.190")["downloadLocation"],
        "NOASSERTION",
        "a registry index is not where the package downloads from"
    );
    assert_eq!(
        by_purl("pkg:maven/org.slf4j/slf4j-api@2.0.9")["name"],
        "org.slf4j:slf4j-api"
    );

    let id = |purl: &str| by_purl(purl)["SPDXID"].as_str().unwrap().to_string();
    let rels: BTreeSet<(String, String, String)> = doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["spdxElementId"].as_str().unwrap().to_string(),
                r["relationshipType"].as_str().unwrap().to_string(),
                r["relatedSpdxElement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let root_id = root["SPDXID"].as_str().unwrap().to_string();
    let has = |a: &str, ty: &str, b: &str| rels.contains(&(a.into(), ty.into(), b.into()));
    assert!(has("SPDXRef-DOCUMENT", "DESCRIBES", &root_id));
    assert!(has(&root_id, "DEPENDS_ON", &id("pkg:npm/jest@29.0.0")));
    assert!(has(
        &root_id,
        "DEPENDS_ON",
        &id("pkg:golang/golang.org/x/net@v0.17.0")
    ));
    assert!(!has(&root_id, "DEPENDS_ON", &id("pkg:npm/ms@2.1.3")));
    assert!(has(
        &id("pkg:npm/%40scope/app-lib@2.0.0"),
        "DEPENDS_ON",
        &id("pkg:npm/ms@2.1.3")
    ));
    assert!(has(
        &id("pkg:npm/jest@29.0.0"),
        "DEV_DEPENDENCY_OF",
        &root_id
    ));
    assert!(has(
        &id("pkg:npm/fsevents@2.3.2"),
        "OPTIONAL_DEPENDENCY_OF",
        &root_id
    ));
    assert!(!has(&id("pkg:npm/ms@2.1.3"), "DEV_DEPENDENCY_OF", &root_id));
    assert_eq!(
        rels.len(),
        1 + 5 + 2 + 1 + 1,
        "describes, 5 direct, 2 edges, dev, optional"
    );
}

#[test]
fn writing_is_deterministic() {
    let inv = inventory();
    let meta = metadata();
    for v in CdxVersion::ALL {
        assert_eq!(
            sbom::write_cyclonedx(&inv, &meta, v),
            sbom::write_cyclonedx(&inv, &meta, v)
        );
    }
    assert_eq!(sbom::write_spdx(&inv, &meta), sbom::write_spdx(&inv, &meta));
    // Declaration order does not matter.
    let mut shuffled = inv.clone();
    shuffled.components.reverse();
    assert_eq!(
        sbom::write_cyclonedx(&inv, &meta, CdxVersion::V1_6),
        sbom::write_cyclonedx(&shuffled, &meta, CdxVersion::V1_6)
    );
    assert_eq!(
        sbom::write_spdx(&inv, &meta),
        sbom::write_spdx(&shuffled, &meta)
    );
    // Different content, different serial number and namespace.
    let mut later = meta.clone();
    later.timestamp += time::Duration::seconds(1);
    let serial = |t: &str| {
        serde_json::from_str::<Value>(t).unwrap()["serialNumber"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(
        serial(&sbom::write_cyclonedx(&inv, &meta, CdxVersion::V1_6)),
        serial(&sbom::write_cyclonedx(&inv, &later, CdxVersion::V1_6))
    );
    let ns = |t: &str| {
        serde_json::from_str::<Value>(t).unwrap()["documentNamespace"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(
        ns(&sbom::write_spdx(&inv, &meta)),
        ns(&sbom::write_spdx(&inv, &later))
    );
}

/// What the writers promise to keep per distinct purl.
#[derive(Debug, PartialEq)]
struct Kept {
    version: String,
    hashes: BTreeSet<String>,
    scope: Scope,
    deps: BTreeSet<String>,
}

fn expected_after_merge() -> BTreeMap<String, Kept> {
    let inv = inventory();
    let present: BTreeSet<&str> = inv.components.iter().map(|c| c.purl.as_str()).collect();
    let mut out: BTreeMap<String, Kept> = BTreeMap::new();
    for c in &inv.components {
        let k = out.entry(c.purl.clone()).or_insert(Kept {
            version: c.version.clone(),
            hashes: BTreeSet::new(),
            scope: Scope::Dev,
            deps: BTreeSet::new(),
        });
        k.hashes.extend(
            c.hashes
                .iter()
                .map(|h| format!("{}:{}", h.alg.name(), h.value)),
        );
        k.scope = k.scope.min(c.scope);
        k.deps.extend(
            c.dependencies
                .iter()
                .filter(|d| present.contains(d.as_str()))
                .cloned(),
        );
    }
    out
}

fn kept(components: &[Component]) -> BTreeMap<String, Kept> {
    components
        .iter()
        .map(|c| {
            (
                c.purl.clone(),
                Kept {
                    version: c.version.clone(),
                    hashes: c
                        .hashes
                        .iter()
                        .map(|h| format!("{}:{}", h.alg.name(), h.value))
                        .collect(),
                    scope: c.scope,
                    deps: c.dependencies.iter().cloned().collect(),
                },
            )
        })
        .collect()
}

#[test]
fn cyclonedx_round_trip() {
    let want = expected_after_merge();
    let inv = inventory();
    for (v, text) in write_all() {
        let doc = sbom::read("bom.cdx.json", text.as_bytes()).unwrap();
        assert_eq!(
            doc.format,
            SbomFormat::CycloneDx {
                spec_version: v.as_str().into()
            }
        );
        assert_eq!(doc.components.len(), 9);
        assert_eq!(kept(&doc.components), want, "CycloneDX {v}");
        let subject = doc.subject.unwrap();
        assert_eq!(subject, metadata().subject);
        assert_eq!(doc.tool.as_deref(), Some("safeguard 0.1.0"));
        for c in &doc.components {
            let original = inv.components.iter().find(|o| o.purl == c.purl).unwrap();
            assert_eq!(c.name, original.name, "{}", c.purl);
            assert_eq!(c.ecosystem, original.ecosystem);
            assert_eq!(c.location.file, "bom.cdx.json");
            assert!(c.location.line.is_some());
            let merged_rel = inv
                .components
                .iter()
                .filter(|o| o.purl == c.purl)
                .map(|o| o.relationship)
                .min()
                .unwrap();
            assert_eq!(c.relationship, merged_rel, "{}", c.purl);
        }
        let mycrate = doc.components.iter().find(|c| c.name == "mycrate").unwrap();
        assert_eq!(mycrate.commit.as_deref(), Some(COMMIT));
        assert_eq!(
            mycrate.source,
            inv.components
                .iter()
                .find(|c| c.name == "mycrate")
                .unwrap()
                .source
        );
        let ms = doc.components.iter().find(|c| c.name == "ms").unwrap();
        assert_eq!(ms.groups, ["dev"]);
    }
}

#[test]
fn spdx_round_trip() {
    let want = expected_after_merge();
    let text = sbom::write_spdx(&inventory(), &metadata());
    let doc = sbom::read("sbom.spdx.json", text.as_bytes()).unwrap();
    assert_eq!(
        doc.format,
        SbomFormat::Spdx {
            version: "SPDX-2.3".into()
        }
    );
    assert_eq!(doc.components.len(), 9, "the root package is the subject");
    assert_eq!(kept(&doc.components), want);
    assert_eq!(doc.subject.unwrap(), metadata().subject);
    assert_eq!(doc.tool.as_deref(), Some("safeguard-0.1.0"));
    let rel: BTreeMap<&str, Relationship> = doc
        .components
        .iter()
        .map(|c| (c.purl.as_str(), c.relationship))
        .collect();
    assert_eq!(rel["pkg:npm/jest@29.0.0"], Relationship::Direct);
    assert_eq!(
        rel["pkg:npm/ms@2.1.3"],
        Relationship::Transitive,
        "reachable"
    );
    assert_eq!(
        rel["pkg:cargo/serde@1.0.190"],
        Relationship::Unknown,
        "not reachable"
    );
    let net = doc
        .components
        .iter()
        .find(|c| c.ecosystem == Ecosystem::Go)
        .unwrap();
    assert_eq!(net.name, "golang.org/x/net");
    assert!(net.location.line.is_some());
}

#[test]
fn merge_keeps_every_location() {
    let meta = metadata();
    let inv = inventory();
    let a = sbom::read(
        "a.cdx.json",
        sbom::write_cyclonedx(&inv, &meta, CdxVersion::V1_6).as_bytes(),
    )
    .unwrap();
    let b = sbom::read("b.spdx.json", sbom::write_spdx(&inv, &meta).as_bytes()).unwrap();
    let merged = sbom::merge(&[a, b]);
    assert_eq!(merged.components.len(), 18);
    assert_eq!(merged.distinct(), 9);
    let files: Vec<&str> = merged.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(files, ["a.cdx.json", "b.spdx.json"]);
    assert_eq!(merged.files[0].extractor, "sbom/cdx");
    assert_eq!(merged.files[1].components, 9);
    // Written again, each purl is one component with both SBOMs as occurrences.
    let doc: Value =
        serde_json::from_str(&sbom::write_cyclonedx(&merged, &meta, CdxVersion::V1_6)).unwrap();
    assert_eq!(doc["components"].as_array().unwrap().len(), 9);
    let occ = &component(&doc, "pkg:npm/ms@2.1.3")["evidence"]["occurrences"];
    let locations: Vec<&str> = occ
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["location"].as_str().unwrap())
        .collect();
    assert_eq!(locations, ["a.cdx.json", "b.spdx.json"]);
    assert!(cdx_schema_errors("1.6", &doc).is_empty());
}

#[test]
fn thousands_of_components_are_quick() {
    // 3000 npm packages, each depending on the next two, each locked in two files.
    let n = 3000;
    let purls: Vec<String> = (0..n)
        .map(|i| purl(Ecosystem::Npm, &format!("pkg-{i}"), "1.0.0"))
        .collect();
    let mut inv = safeguard_inventory::Inventory::default();
    for file in ["a/package-lock.json", "b/package-lock.json"] {
        for i in 0..n {
            let mut c = Component::new(
                Ecosystem::Npm,
                &format!("pkg-{i}"),
                "1.0.0",
                safeguard_model::Location {
                    file: file.into(),
                    line: Some(i as u32 + 1),
                },
            );
            c.dependencies = purls[i + 1..(i + 3).min(n)].to_vec();
            c.relationship = if i < 10 {
                Relationship::Direct
            } else {
                Relationship::Transitive
            };
            inv.components.push(c);
        }
    }
    let cdx = sbom::write_cyclonedx(&inv, &metadata(), CdxVersion::V1_6);
    let spdx = sbom::write_spdx(&inv, &metadata());
    let a = sbom::read("a.cdx.json", cdx.as_bytes()).unwrap();
    let b = sbom::read("b.spdx.json", spdx.as_bytes()).unwrap();
    assert_eq!(a.components.len(), n);
    assert_eq!(b.components.len(), n);
    assert_eq!(a.components[5].dependencies.len(), 2);
    assert_eq!(
        b.components
            .iter()
            .filter(|c| c.relationship == Relationship::Direct)
            .count(),
        10
    );
}
