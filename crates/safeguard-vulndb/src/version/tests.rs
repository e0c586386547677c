use super::*;
use std::cmp::Ordering::{Equal, Greater, Less};

fn v(scheme: Scheme, s: &str) -> Version {
    scheme
        .parse(s)
        .unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

/// Asserts that the versions are in strictly increasing order, both ways round, for every pair.
fn ascending(scheme: Scheme, versions: &[&str]) {
    for (i, a) in versions.iter().enumerate() {
        for (j, b) in versions.iter().enumerate() {
            let want = i.cmp(&j);
            assert_eq!(
                v(scheme, a).cmp(&v(scheme, b)),
                want,
                "{scheme}: {a} vs {b} should be {want:?}"
            );
        }
    }
}

fn equal(scheme: Scheme, a: &str, b: &str) {
    assert_eq!(scheme.compare(a, b).unwrap(), Equal, "{scheme}: {a} = {b}");
    assert_eq!(scheme.compare(b, a).unwrap(), Equal, "{scheme}: {b} = {a}");
    assert_eq!(v(scheme, a), v(scheme, b));
}

fn reason(scheme: Scheme, s: &str) -> String {
    match scheme.parse(s) {
        Ok(parsed) => panic!("{scheme}: {s:?} should not parse, got {parsed:?}"),
        Err(e) => {
            assert_eq!(e.scheme, scheme);
            assert_eq!(e.version, s);
            e.reason
        }
    }
}

/// Checks that `cmp` is a total order on the versions: antisymmetric and transitive.
fn total_order(scheme: Scheme, versions: &[&str]) {
    let parsed: Vec<Version> = versions.iter().map(|s| v(scheme, s)).collect();
    for a in &parsed {
        assert_eq!(a.cmp(a), Equal, "{scheme}: {a} vs itself");
        for b in &parsed {
            assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{scheme}: {a} vs {b}");
            for c in &parsed {
                if a <= b && b <= c {
                    assert!(a <= c, "{scheme}: {a} <= {b} <= {c} but {a} > {c}");
                }
            }
        }
    }
}

#[test]
fn ecosystems_map_to_schemes() {
    let cases = [
        ("crates.io", Some(Scheme::SemVer)),
        ("npm", Some(Scheme::SemVer)),
        ("Pub", Some(Scheme::SemVer)),
        ("Hex", Some(Scheme::SemVer)),
        ("SwiftURL", Some(Scheme::SemVer)),
        ("Bitnami", Some(Scheme::SemVer)),
        ("SEMVER", Some(Scheme::SemVer)),
        ("Go", Some(Scheme::Go)),
        ("PyPI", Some(Scheme::Pep440)),
        ("Maven", Some(Scheme::Maven)),
        (
            "Maven:https://repo.maven.apache.org/maven2/",
            Some(Scheme::Maven),
        ),
        ("NuGet", Some(Scheme::NuGet)),
        ("RubyGems", Some(Scheme::RubyGems)),
        ("Packagist", Some(Scheme::Packagist)),
        ("Debian", Some(Scheme::Debian)),
        ("Debian:12", Some(Scheme::Debian)),
        ("Ubuntu:22.04:LTS", Some(Scheme::Debian)),
        ("Alpine:v3.20", Some(Scheme::Alpine)),
        ("Wolfi", Some(Scheme::Alpine)),
        ("Chainguard", Some(Scheme::Alpine)),
        ("CRAN", Some(Scheme::Cran)),
        ("Bioconductor", Some(Scheme::Cran)),
        ("pypi", Some(Scheme::Pep440)),
        ("Red Hat:enterprise_linux:9", None),
        ("Rocky Linux:9", None),
        ("GIT", None),
        ("", None),
        ("Hackage", None),
    ];
    for (name, want) in cases {
        assert_eq!(Scheme::for_ecosystem(name), want, "{name:?}");
    }
}

#[test]
fn scheme_names_round_trip() {
    for scheme in Scheme::ALL {
        assert_eq!(Scheme::from_name(scheme.name()), Some(scheme));
        assert_eq!(scheme.to_string(), scheme.name());
    }
    assert_eq!(Scheme::from_name("PEP440"), Some(Scheme::Pep440));
    assert_eq!(Scheme::from_name("rpm"), None);
}

#[test]
fn version_keeps_text_and_scheme() {
    let x = v(Scheme::Pep440, "  1.0.POST1 \n");
    assert_eq!(x.as_str(), "1.0.POST1");
    assert_eq!(x.to_string(), "1.0.POST1");
    assert_eq!(x.scheme(), Scheme::Pep440);
}

#[test]
fn semver_leading_v_and_lenient_parts() {
    equal(Scheme::SemVer, "v1.2.3", "1.2.3");
    equal(Scheme::SemVer, "V1.2.3-beta", "1.2.3-beta");
    equal(Scheme::SemVer, "1.2", "1.2.0");
    equal(Scheme::SemVer, "1", "1.0.0");
    equal(Scheme::SemVer, "01.002.3", "1.2.3");
    equal(Scheme::SemVer, "1.2.3.0", "1.2.3");
    equal(Scheme::SemVer, "1.2.3beta", "1.2.3-beta");
    ascending(
        Scheme::SemVer,
        &["1.0.0", "1.0.0.1", "1.0.0.2", "1.0.1", "1.2", "1.2.0.1"],
    );
}

#[test]
fn semver_precedence_follows_section_11() {
    ascending(
        Scheme::SemVer,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ],
    );
    // Numeric identifiers before alphanumeric ones; ASCII order, so upper case first.
    ascending(
        Scheme::SemVer,
        &["1.0.0-2", "1.0.0-10", "1.0.0-A", "1.0.0-a"],
    );
    // Build metadata is ignored.
    equal(Scheme::SemVer, "1.2.3+build.1", "1.2.3+other");
    equal(Scheme::SemVer, "1.2.3-rc.1+x", "1.2.3-rc.1");
    // Numbers of any size.
    ascending(
        Scheme::SemVer,
        &[
            "18446744073709551615.0.0",
            "18446744073709551616.0.0",
            "99999999999999999999999999.0.0",
        ],
    );
}

#[test]
fn nuget_has_four_parts_and_ignores_label_case() {
    equal(Scheme::NuGet, "1.0", "1.0.0.0");
    equal(Scheme::NuGet, "1.0.0-BETA", "1.0.0-beta");
    equal(Scheme::NuGet, "1.0.01", "1.0.1");
    ascending(
        Scheme::NuGet,
        &[
            "1.0.0-alpha",
            "1.0.0-BETA",
            "1.0.0-beta.2",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
        ],
    );
    assert!(reason(Scheme::NuGet, "1.2.3.4.5").contains("at most four"));
    // SemVer itself keeps case.
    assert_eq!(
        Scheme::SemVer.compare("1.0.0-BETA", "1.0.0-beta").unwrap(),
        Less
    );
}

#[test]
fn go_pseudo_versions_and_incompatible() {
    ascending(
        Scheme::Go,
        &[
            "v0.0.0-20190101000000-aaaaaaaaaaaa",
            "v0.0.0-20210101000000-abcdef123456",
            "v0.0.1",
            "v1.2.3",
            "v1.2.4-0.20210101000000-abcdef123456",
            "v1.2.4-0.20220101000000-abcdef123456",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20210101000000-abcdef123456",
            "v1.2.4",
            "v2.0.0+incompatible",
            "v2.0.1",
        ],
    );
    equal(Scheme::Go, "v2.0.0+incompatible", "v2.0.0");
    equal(Scheme::Go, "1.2.3", "v1.2.3");
    assert!(v(Scheme::Go, "v0.0.0-20210101000000-abcdef123456").is_prerelease());
    assert!(v(Scheme::Go, "v1.2.4-0.20210101000000-abcdef123456").is_prerelease());
    assert!(!v(Scheme::Go, "v2.0.0+incompatible").is_prerelease());
}

#[test]
fn zero_is_the_minimum_in_every_scheme() {
    let below: &[(Scheme, &[&str])] = &[
        (
            Scheme::SemVer,
            &["0.0.0-alpha", "0.0.0-0", "0.0.0", "0.0.1"],
        ),
        (
            Scheme::Go,
            &["v0.0.0-20210101000000-abcdef123456", "v0.0.0"],
        ),
        (Scheme::NuGet, &["0.0.0-alpha", "0.0.0.0"]),
        (
            Scheme::Pep440,
            &[
                "0.dev0",
                "0a1",
                "0.0.1",
                "0.post1",
                "0+local",
                "legacy-name",
            ],
        ),
        (Scheme::Maven, &["0-alpha", "0-SNAPSHOT", "0.0.1", "0-sp"]),
        (Scheme::RubyGems, &["0.a", "0.0.0.pre", "0.0.1"]),
        (Scheme::Packagist, &["0-dev", "0.0", "dev-main", "0a1"]),
        (Scheme::Debian, &["0~rc1", "~", "0.0", "0-1"]),
        (Scheme::Alpine, &["0_alpha", "0.0", "0-r1", "0_p1"]),
        (Scheme::Cran, &["0.0", "0.0.1", "0-1"]),
    ];
    for &(scheme, others) in below {
        let zero = v(scheme, "0");
        for other in others {
            assert_eq!(zero.cmp(&v(scheme, other)), Less, "{scheme}: 0 < {other}");
            assert_eq!(
                v(scheme, other).cmp(&zero),
                Greater,
                "{scheme}: {other} > 0"
            );
        }
    }
    // Where 0 has other spellings that are equal by the scheme's rules, they stay equal.
    equal(Scheme::Pep440, "0", "0.0.0");
    equal(Scheme::Pep440, "0", "0!0");
    equal(Scheme::Maven, "0", "0.0.0-final-ga");
    equal(Scheme::RubyGems, "0", "0.0");
    equal(Scheme::Debian, "0", "0:0-0");
    equal(Scheme::Alpine, "0", "00");
    // SemVer's 0.0.0 has pre-releases below it, so only the literal "0" is the minimum.
    assert_eq!(Scheme::SemVer.compare("0", "0.0.0").unwrap(), Less);
}

#[test]
fn pep440_normalisation() {
    equal(Scheme::Pep440, "1.0", "1.0.0");
    equal(Scheme::Pep440, "v1.0", "1.0");
    equal(Scheme::Pep440, "1.0RC1", "1.0rc1");
    equal(Scheme::Pep440, "1.0c1", "1.0rc1");
    equal(Scheme::Pep440, "1.0-pre-1", "1.0rc1");
    equal(Scheme::Pep440, "1.0.preview.1", "1.0rc1");
    equal(Scheme::Pep440, "1.0.alpha", "1.0a0");
    equal(Scheme::Pep440, "1.0_Beta_2", "1.0b2");
    equal(Scheme::Pep440, "1.0-1", "1.0.post1");
    equal(Scheme::Pep440, "1.0.r1", "1.0.post1");
    equal(Scheme::Pep440, "1.0rev", "1.0.post0");
    equal(Scheme::Pep440, "1.0.POST1.DEV2", "1.0.post1.dev2");
    equal(Scheme::Pep440, "1.0-dev", "1.0.dev0");
    equal(Scheme::Pep440, "0!1.0", "1.0");
    equal(Scheme::Pep440, "1.0+Ubuntu-1", "1.0+ubuntu.1");
    equal(Scheme::Pep440, "1.0+1", "1.0+01");
}

#[test]
fn pep440_order() {
    ascending(
        Scheme::Pep440,
        &[
            "1.0.dev0",
            "1.0.dev1",
            "1.0a0.dev0",
            "1.0a0",
            "1.0a1",
            "1.0b1.dev1",
            "1.0b1",
            "1.0b1.post1.dev1",
            "1.0b1.post1",
            "1.0rc1",
            "1.0",
            "1.0+abc",
            "1.0+abc.5",
            "1.0+5",
            "1.0+6.abc",
            "1.0.post1.dev0",
            "1.0.post1",
            "1.0.post2",
            "1.0.1",
            "1.1",
            "2!0.1",
        ],
    );
    // Legacy versions sort before every PEP 440 version.
    ascending(
        Scheme::Pep440,
        &["0.1-bulbasaur", "0.1-charmander", "0.9-doduo", "0.0.1"],
    );
}

#[test]
fn pep440_errors_say_why() {
    assert_eq!(
        reason(Scheme::Pep440, "1.0+"),
        "empty local version label at the end"
    );
    assert!(reason(Scheme::Pep440, "1.0+a..b").contains("local version labels"));
    assert!(reason(Scheme::Pep440, "1.0+a b").contains("whitespace"));
    // Not PEP 440 but printable ASCII: a legacy version, accepted.
    assert!(Scheme::Pep440.parse("2013-01-21T20:33:09+0100").is_ok());
    assert!(Scheme::Pep440.parse("1.0é").is_err());
}

#[test]
fn maven_qualifiers() {
    ascending(
        Scheme::Maven,
        &[
            "1.0-alpha-1",
            "1.0-alpha-2",
            "1.0-beta-1",
            "1.0-milestone-1",
            "1.0-rc-1",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp-1",
            "1.0-abc",
            "1.0-xyz",
            "1.0-1",
            "1.0.1",
        ],
    );
    equal(Scheme::Maven, "1a1", "1-alpha-1");
    equal(Scheme::Maven, "1b2", "1-beta-2");
    equal(Scheme::Maven, "1m3", "1-milestone-3");
    equal(Scheme::Maven, "1cr", "1rc");
    equal(Scheme::Maven, "1.0.RELEASE", "1");
    equal(Scheme::Maven, "1-ga-1", "1-1");
    equal(Scheme::Maven, "1.0.0-foo.0.0", "1-foo");
    equal(Scheme::Maven, "1.0", "1");
    // `a` only means alpha directly before a number.
    assert_eq!(Scheme::Maven.compare("1-a", "1").unwrap(), Greater);
    // Spring-style dotted qualifiers.
    ascending(
        Scheme::Maven,
        &[
            "5.0.0.M1",
            "5.0.0.M2",
            "5.0.0.RC1",
            "5.0.0.RELEASE",
            "5.0.0.SP1",
            "5.0.1.RELEASE",
        ],
    );
}

#[test]
fn maven_order_is_total_where_comparable_version_is_not() {
    // ComparableVersion has 2.9.0.RC1 < 2.9 < 2.9-1 < 2.9.0.RC1 and 1.sp < 1-alpha < 1 < 1.sp.
    ascending(Scheme::Maven, &["2.9.0.RC1", "2.9", "2.9-1", "2.9.0.1"]);
    ascending(Scheme::Maven, &["1-alpha", "1", "1.sp"]);
    total_order(
        Scheme::Maven,
        &[
            "1",
            "1.0.alpha",
            "1-1",
            "1.sp",
            "1-sp",
            "1-alpha",
            "1.alpha",
            "1.0.1",
            "1.ga.1",
            "1-0.1",
            "1.0.0.RC1",
            "1-RC1",
            "1.RC1",
            "1.foo",
            "1-foo",
            "1.0.foo",
            "0-alpha",
            "1.0-1",
            "1.1",
            "1-ga",
            "1.0.0.ga.1",
        ],
    );
}

fn exact(scheme: Scheme, a: &str, b: &str) -> Ordering {
    v(scheme, a).cmp_exact(&v(scheme, b))
}

/// Asserts `cmp_exact` gives `want` for `a` vs `b` and the reverse for `b` vs `a`, and that
/// `Scheme::compare` agrees.
fn exact_is(scheme: Scheme, a: &str, want: Ordering, b: &str) {
    assert_eq!(exact(scheme, a, b), want, "{scheme}: {a} vs {b}");
    assert_eq!(exact(scheme, b, a), want.reverse(), "{scheme}: {b} vs {a}");
    assert_eq!(
        scheme.compare(a, b).unwrap(),
        want,
        "{scheme}: compare({a}, {b})"
    );
}

#[test]
fn maven_cmp_exact_follows_comparable_version_where_ord_cannot() {
    let m = Scheme::Maven;
    // The three fixture lines `Ord` departs from, with the chains that contradict them.
    exact_is(m, "2.9.0-1", Less, "2.9.0.RC1");
    assert_eq!(v(m, "2.9.0-1").cmp(&v(m, "2.9.0.RC1")), Greater);
    exact_is(m, "2.9.0.RC1", Less, "2.9.0.RC3");
    exact_is(m, "2.9.0.RC3", Less, "2.9.0");
    exact_is(m, "2.9.0", Less, "2.9.0-1");

    exact_is(m, "1.0.0-gradle-rework-beta3", Less, "1.0.0.RC7-3");
    assert_eq!(
        v(m, "1.0.0-gradle-rework-beta3").cmp(&v(m, "1.0.0.RC7-3")),
        Greater
    );
    exact_is(m, "1.0.0.RC7-3", Less, "1.0.0");
    exact_is(m, "1.0.0", Less, "1.0.0-gradle-rework-beta3");

    exact_is(m, "1.1.0-01-glassfish", Less, "1.1.0.Beta1");
    assert_eq!(
        v(m, "1.1.0-01-glassfish").cmp(&v(m, "1.1.0.Beta1")),
        Greater
    );
    exact_is(m, "1.1.0.Beta1", Less, "1.1.0.Final");
    exact_is(m, "1.1.0.Final", Equal, "1.1.0");
    exact_is(m, "1.1.0", Less, "1.1.0-01-glassfish");

    // The other cycle: `.qualifier` < `-qualifier` whatever the ranks.
    exact_is(m, "1.sp", Less, "1-alpha");
    exact_is(m, "1-alpha", Less, "1");
    exact_is(m, "1", Less, "1.sp");
    assert_eq!(v(m, "1.sp").cmp(&v(m, "1-alpha")), Greater);

    // Where ComparableVersion is transitive the two agree.
    for (a, b) in [
        ("1.0-alpha-1", "1.0-beta-1"),
        ("1.0-SNAPSHOT", "1.0"),
        ("1.0", "1.0-sp-1"),
        ("1.0-abc", "1.0-1"),
        ("1.0-1", "1.0.1"),
        ("1-ga-1", "1-1"),
        ("1.0.0-foo.0.0", "1-foo"),
        ("5.0.0.M1", "5.0.0.RC1"),
        ("0", "0-alpha"),
    ] {
        assert_eq!(exact(m, a, b), v(m, a).cmp(&v(m, b)), "{a} vs {b}");
    }
    exact_is(m, "1-ga-1", Equal, "1-1");
    // The OSV "0" rule applies to cmp_exact too.
    exact_is(m, "0", Less, "0-alpha");
}

#[test]
fn packagist_cmp_exact_treats_hash_as_any_number() {
    let p = Scheme::Packagist;
    // The fixture line `Ord` departs from, and the two that contradict it.
    exact_is(p, "1.2.3.#", Equal, "1.2.3.1");
    exact_is(p, "1.2.3.#", Equal, "1.2.3");
    exact_is(p, "1.2.3", Less, "1.2.3.1");
    assert_eq!(v(p, "1.2.3.#").cmp(&v(p, "1.2.3.1")), Less);
    assert_eq!(v(p, "1.2.3.#"), v(p, "1.2.3"));
    // `#` against words ranks as a number; against the end it is skipped.
    exact_is(p, "1.2.3.#", Equal, "1.2.3.999");
    exact_is(p, "1.2.3.#", Greater, "1.2.3.RC1");
    exact_is(p, "1.2.3.#", Less, "1.2.3.pl1");
    exact_is(p, "1.2.3.#.1", Greater, "1.2.3");
    exact_is(p, "1.2.3.#.p3", Greater, "1.2.3");
    exact_is(p, "1.2.3.#.beta", Less, "1.2.3");
    // Without `#` the two agree.
    for (a, b) in [
        ("1.0-dev", "1.0a1"),
        ("1.0RC1", "1.0"),
        ("1.0", "1.0.0"),
        ("1.0", "1.0pl1"),
    ] {
        assert_eq!(exact(p, a, b), v(p, a).cmp(&v(p, b)), "{a} vs {b}");
    }
    // A version of only `#` is still rejected.
    assert!(reason(p, "#").contains("letter or digit"));
}

#[test]
fn cmp_exact_is_ord_for_other_schemes() {
    let cases = [
        (Scheme::SemVer, "1.0.0-alpha", "1.0.0"),
        (Scheme::Go, "v1.2.3", "v1.2.4-0.20200101000000-abcdefabcdef"),
        (Scheme::Pep440, "1.0.dev1", "1.0a1"),
        (Scheme::NuGet, "1.0.0.1", "1.0.0-beta"),
        (Scheme::RubyGems, "1.0.a", "1.0"),
        (Scheme::Debian, "1:1.0-1", "2.0-1"),
        (Scheme::Alpine, "1.0_rc1", "1.0"),
        (Scheme::Cran, "1.0-1", "1.0.2"),
    ];
    for (scheme, a, b) in cases {
        let (x, y) = (v(scheme, a), v(scheme, b));
        assert_ne!(x.cmp(&y), Equal, "{scheme}: {a} vs {b}");
        assert_eq!(x.cmp_exact(&y), x.cmp(&y), "{scheme}: {a} vs {b}");
        assert_eq!(y.cmp_exact(&x), y.cmp(&x), "{scheme}: {b} vs {a}");
    }
    // Across schemes, the scheme decides, as in Ord.
    let (x, y) = (v(Scheme::Maven, "2"), v(Scheme::Packagist, "1"));
    assert_eq!(x.cmp_exact(&y), Less);
    assert_eq!(x.cmp(&y), Less);
}

#[test]
fn rubygems_order() {
    ascending(
        Scheme::RubyGems,
        &[
            "1.0.a", "1.0.a.2", "1.0.a10", "1.0.b1", "1.0.pre", "1.0.rc1", "1.0", "1.0.1", "1.10",
        ],
    );
    equal(Scheme::RubyGems, "1.0.a2", "1.0.a.2");
    equal(Scheme::RubyGems, "1.0-1", "1.0.pre.1");
    equal(Scheme::RubyGems, "1.0.0", "1");
    assert!(reason(Scheme::RubyGems, "1_0").contains("'_'"));
}

#[test]
fn packagist_order() {
    ascending(
        Scheme::Packagist,
        &[
            "1.0-dev", "1.0a1", "1.0b1", "1.0RC1", "1.0", "1.0.0", "1.0pl1", "1.1",
        ],
    );
    equal(Scheme::Packagist, "v1.0pl1", "1.0pl1");
    equal(Scheme::Packagist, "1.25.0-beta2.1", "1.25.0-b.2.1");
    equal(Scheme::Packagist, "1.0RC1", "1.0rc1");
    ascending(Scheme::Packagist, &["dev-main", "1.0"]);
}

#[test]
fn debian_order() {
    ascending(
        Scheme::Debian,
        &[
            "1.0~rc1",
            "1.0",
            "1.0-1~deb7u1",
            "1.0-1",
            "1.0-1+deb7u1",
            "1.0a",
            "1.0+dfsg",
            "1.0.1",
            "1:0.1",
        ],
    );
    equal(Scheme::Debian, "0:1.0-0", "1.0");
    equal(Scheme::Debian, "1.0-00", "1.0");
    assert!(reason(Scheme::Debian, "a:1.0").contains("epoch"));
    assert!(reason(Scheme::Debian, ":1.0").contains("epoch"));
    assert!(reason(Scheme::Debian, "1:-1").contains("upstream"));
}

#[test]
fn alpine_order() {
    ascending(
        Scheme::Alpine,
        &[
            "1.2_alpha1",
            "1.2_beta",
            "1.2_pre1",
            "1.2_rc1",
            "1.2",
            "1.2-r1",
            "1.2_cvs1",
            "1.2_p1",
            "1.2a",
            "1.2.1",
        ],
    );
    // A later number starting with 0 sorts by its zeros first (more zeros lower), as apk does.
    ascending(Scheme::Alpine, &["1.001", "1.0", "1.01", "1.02", "1.1"]);
    // A revision, even -r0, sorts after none.
    ascending(Scheme::Alpine, &["1", "1-r0", "1-r1"]);
    equal(Scheme::Alpine, "1-r1", "1-r01");
}

#[test]
fn cran_order() {
    ascending(
        Scheme::Cran,
        &["0.1", "0.1-0", "0.1.0.0", "0.9", "0.75", "1.0"],
    );
    equal(Scheme::Cran, "0.01.0", "0.1-0");
    assert!(reason(Scheme::Cran, "1.0a").contains("'a'"));
}

#[test]
fn prereleases() {
    let cases: &[(Scheme, &str, bool)] = &[
        (Scheme::SemVer, "1.0.0-alpha", true),
        (Scheme::SemVer, "1.0.0+build", false),
        (Scheme::NuGet, "1.0.0-rc.1", true),
        (Scheme::Pep440, "1.0a1", true),
        (Scheme::Pep440, "1.0rc1", true),
        (Scheme::Pep440, "1.0.dev3", true),
        (Scheme::Pep440, "1.0.post1.dev1", true),
        (Scheme::Pep440, "1.0.post1", false),
        (Scheme::Pep440, "1.0+local", false),
        (Scheme::Maven, "1.0-alpha-1", true),
        (Scheme::Maven, "1.0-b2", true),
        (Scheme::Maven, "5.0.0.M1", true),
        (Scheme::Maven, "1.0-cr1", true),
        (Scheme::Maven, "1.0-SNAPSHOT", true),
        (Scheme::Maven, "1.0.Final", false),
        (Scheme::Maven, "1.0-sp1", false),
        (Scheme::Maven, "1.0-jre", false),
        (Scheme::RubyGems, "1.0.pre", true),
        (Scheme::RubyGems, "1.0-1", true),
        (Scheme::RubyGems, "1.0.1", false),
        (Scheme::Packagist, "1.0-dev", true),
        (Scheme::Packagist, "1.0RC1", true),
        (Scheme::Packagist, "1.0pl1", false),
        (Scheme::Debian, "1.0~rc1-1", true),
        (Scheme::Debian, "1.0-1~deb7u1", false),
        (Scheme::Alpine, "1.2_rc1-r0", true),
        (Scheme::Alpine, "1.2_p1-r0", false),
        (Scheme::Cran, "1.0-1", false),
    ];
    for &(scheme, s, want) in cases {
        assert_eq!(v(scheme, s).is_prerelease(), want, "{scheme}: {s}");
    }
}

#[test]
fn common_errors() {
    for scheme in Scheme::ALL {
        assert_eq!(reason(scheme, ""), "the version is empty");
        assert_eq!(reason(scheme, "   "), "the version is empty");
        assert!(
            reason(scheme, "1 .0").contains("whitespace"),
            "{scheme}: inner whitespace"
        );
        assert!(reason(scheme, "1\u{7}").contains("control"), "{scheme}");
        let long = "1".repeat(MAX_LEN + 1);
        assert!(reason(scheme, &long).contains("at most 1024"), "{scheme}");
        // The longest accepted version still parses.
        assert!(scheme.parse(&"1".repeat(MAX_LEN)).is_ok(), "{scheme}");
    }
    assert!(reason(Scheme::SemVer, "1.2.3-").contains("empty pre-release identifier"));
    assert!(reason(Scheme::SemVer, "1..2").contains("expected a release number"));
    assert!(reason(Scheme::SemVer, "1.2.3+").contains("empty build metadata"));
    assert!(reason(Scheme::SemVer, "1.2.3-a_b").contains("'_'"));
    assert!(reason(Scheme::Go, "vx").contains("expected a release number"));
    assert!(reason(Scheme::Maven, "").contains("empty"));
    let err = Scheme::SemVer.parse("1.2.3-").unwrap_err();
    assert_eq!(
        err.to_string(),
        "SemVer version \"1.2.3-\": empty pre-release identifier at byte 6"
    );
}

#[test]
fn schemes_order_first_across_schemes() {
    let semver = v(Scheme::SemVer, "9.9.9");
    let go = v(Scheme::Go, "0.0.1");
    assert_eq!(semver.cmp(&go), Less);
    assert_ne!(v(Scheme::SemVer, "1.0.0"), v(Scheme::Go, "1.0.0"));
}

#[test]
fn every_scheme_is_a_total_order_on_awkward_input() {
    let inputs = [
        "0",
        "1",
        "1.0",
        "1.0.0",
        "1-0",
        "1_0",
        "1.0-1",
        "1.0-r1",
        "1.0a",
        "1.0A",
        "1.0_alpha",
        "1.0_p1",
        "1.0~1",
        "1.0-rc1",
        "1.0rc1",
        "v1.0",
        "1.0+x",
        "1:1.0",
        "1.0-",
        "1.0.",
        "1..0",
        "a",
        "b1",
        "1-ruff",
        "1-r-1",
        ".1",
        "1.0bc",
        "1.0.alpha",
        "1-1",
        "1.sp",
        "1.0.0.1",
        "00",
        "0.0",
        "1.#.2",
        "dev-x",
        "1.0pl1",
        "1.0-dev",
    ];
    for scheme in Scheme::ALL {
        let ok: Vec<&str> = inputs
            .iter()
            .copied()
            .filter(|s| scheme.parse(s).is_ok())
            .collect();
        assert!(ok.len() >= 3, "{scheme}: too few inputs parse to test");
        total_order(scheme, &ok);
        // cmp_exact need not be transitive, but it is antisymmetric and reflexive.
        for a in &ok {
            assert_eq!(exact(scheme, a, a), Equal, "{scheme}: {a} vs itself");
            for b in &ok {
                assert_eq!(
                    exact(scheme, a, b),
                    exact(scheme, b, a).reverse(),
                    "{scheme}: {a} vs {b}"
                );
            }
        }
    }
}
