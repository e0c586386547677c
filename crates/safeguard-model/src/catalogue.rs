//! The UK Software Security Code of Practice (DSIT and NCSC, May 2025) as data: 4 themes,
//! 14 principles, 45 assurance claims with their official ids, who each theme applies to, and
//! the product brief's alternative 1–14 numbering. Titles are short paraphrases; the Code's
//! text is Crown copyright (OGL v3).
//!
//! This is the one source of truth for every export; it is compiled into the binary.

use serde::{Deserialize, Serialize};

use crate::{ClaimId, PrincipleId};

/// A vendor's role, which decides which themes apply (the Code, table 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum VendorRole {
    /// Develops and distributes software: all four themes apply.
    #[default]
    #[serde(alias = "developer_and_distributor")]
    DeveloperAndDistributor,
    /// Resells software developed by others: themes 3 and 4 apply.
    Reseller,
    /// Develops software that others distribute: themes 1–3 apply (theme 3 where it is the
    /// developer's responsibility).
    #[serde(alias = "developer_only")]
    DeveloperOnly,
}

impl VendorRole {
    pub const ALL: [VendorRole; 3] = [
        VendorRole::DeveloperAndDistributor,
        VendorRole::Reseller,
        VendorRole::DeveloperOnly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VendorRole::DeveloperAndDistributor => "developer-and-distributor",
            VendorRole::Reseller => "reseller",
            VendorRole::DeveloperOnly => "developer-only",
        }
    }

    /// The themes (1–4) that apply to this role.
    pub fn themes(self) -> &'static [u8] {
        match self {
            VendorRole::DeveloperAndDistributor => &[1, 2, 3, 4],
            VendorRole::Reseller => &[3, 4],
            VendorRole::DeveloperOnly => &[1, 2, 3],
        }
    }

    pub fn applies_to(self, theme: u8) -> bool {
        self.themes().contains(&theme)
    }
}

impl std::fmt::Display for VendorRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Serialize)]
pub struct Theme {
    pub id: u8,
    /// The key used by the brief's self-assessment template for this theme.
    pub key: &'static str,
    pub title: &'static str,
    pub principles: &'static [Principle],
}

#[derive(Debug, Serialize)]
pub struct Principle {
    pub id: PrincipleId,
    pub title: &'static str,
    /// What the Code says the principle covers at a minimum, where it says so.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub note: &'static str,
    pub claims: &'static [Claim],
}

#[derive(Debug, Serialize)]
pub struct Claim {
    pub id: ClaimId,
    pub title: &'static str,
    /// The kind of document that typically evidences the claim when no collector observes it.
    pub typical_evidence: &'static str,
}

/// A reference from the brief's numbering to the Code: a whole principle or one claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficialRef {
    Principle(PrincipleId),
    Claim(ClaimId),
}

impl Serialize for OfficialRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OfficialRef::Principle(p) => s.collect_str(p),
            OfficialRef::Claim(c) => s.collect_str(c),
        }
    }
}

/// One of the brief's 14 principles (its secondary, 1–14 numbering).
#[derive(Debug, Serialize)]
pub struct BriefPrinciple {
    pub id: u8,
    /// The theme key the brief's template uses: `secure_design`, `build_environment`,
    /// `maintenance` or `communication`.
    pub theme: &'static str,
    pub topic: &'static str,
    pub official: &'static [OfficialRef],
}

impl BriefPrinciple {
    /// The official claims this brief principle covers, in catalogue order.
    pub fn claims(&self) -> Vec<ClaimId> {
        let mut out: Vec<ClaimId> = Vec::new();
        for r in self.official {
            match *r {
                OfficialRef::Claim(c) => out.push(c),
                OfficialRef::Principle(p) => out.extend(
                    principle(p)
                        .into_iter()
                        .flat_map(|p| p.claims.iter().map(|c| c.id)),
                ),
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

const fn c(t: u8, p: u8, n: u8, title: &'static str) -> Claim {
    Claim {
        id: ClaimId::new(t, p, n),
        title,
        typical_evidence: typical_evidence(t, p, n),
    }
}

/// What typically evidences each claim, for the "needs manual evidence" guidance.
const fn typical_evidence(t: u8, p: u8, n: u8) -> &'static str {
    match (t, p, n) {
        (1, 1, 1) => {
            "your secure development policy naming the framework (NIST SSDF, Microsoft SDL, OWASP SAMM…)"
        }
        (1, 1, 2) => "training records for developers on the framework and its tools",
        (1, 1, 3) => {
            "a tooling maintenance record or dependency-update configuration for build tools"
        }
        (1, 1, 4) => "a configuration management plan listing what is under version control",
        (1, 1, 5) => {
            "the requirements register or backlog where security requirements are recorded"
        }
        (1, 1, 6) => "user research or design documents showing the design follows user need",
        (1, 2, 1) => "an SBOM or component inventory for each product",
        (1, 2, 2) => {
            "the procedure or build configuration that verifies component hashes or signatures"
        }
        (1, 2, 3) => "the component vetting procedure and its records",
        (1, 2, 4) => "test records for dependency updates",
        (1, 2, 5) => "the third-party component update process",
        (1, 3, 1) => "the test plan, showing coverage of requirements and third-party components",
        (1, 3, 2) => "CI configuration and test reports",
        (1, 3, 3) => "defect tracking records showing test findings are fixed",
        (1, 4, 1) => "the threat model and the record of its last review",
        (1, 4, 2) => {
            "the product's authentication configuration or design showing MFA for privileged users"
        }
        (1, 4, 3) => "the product's secure-defaults design or hardening guide",
        (1, 4, 4) => "the input validation standard and its test evidence",
        (1, 4, 5) => "the credential storage design (hashing, key management, secret stores)",
        (2, 1, 1) => "the build environment role and permission matrix",
        (2, 1, 2) => "the identity provider's session and re-authentication policy",
        (2, 1, 3) => "the build credential inventory showing role-bound credentials",
        (2, 1, 4) => "the secrets management policy and secret-store configuration",
        (2, 1, 5) => "the identity provider's MFA enforcement settings",
        (2, 1, 6) => "the latest build environment access review",
        (2, 2, 1) => "audit log configuration for the build environment",
        (2, 2, 2) => "branch protection and change-approval settings for build configuration",
        (2, 2, 3) => "the log retention policy",
        (2, 2, 4) => "log storage access controls and integrity protection",
        (3, 1, 1) => {
            "signing and verification instructions for customers (signatures, checksums, provenance)"
        }
        (3, 1, 2) => "the distribution channel description (TLS endpoints, package repositories)",
        (3, 2, 1) => "the published vulnerability disclosure policy",
        (3, 2, 2) => "the confidential reporting channel in the disclosure policy",
        (3, 3, 1) => "vulnerability scanning configuration and its recent results",
        (3, 3, 2) => "the vulnerability management plan with prioritisation rules",
        (3, 4, 1) => "the internal escalation procedure for vulnerabilities",
        (3, 4, 2) => "the customer notification procedure and past advisories",
        (3, 5, 1) => "the patch timeline policy and release records",
        (3, 5, 2) => "update test and release procedures",
        (4, 1, 1) => "the published support lifecycle with end-of-support dates",
        (4, 1, 2) => "the published update policy (frequency and how updates are applied)",
        (4, 1, 3) => "user documentation on updating and secure use",
        (4, 2, 1) => "the end-of-support notice policy guaranteeing at least a year's notice",
        (4, 3, 1) => "the published incident support plan",
        (4, 3, 2) => "incident communication records with notification times",
        _ => "a document that shows the claim holds",
    }
}
const fn pr(t: u8, p: u8) -> OfficialRef {
    OfficialRef::Principle(PrincipleId::new(t, p))
}
const fn cl(t: u8, p: u8, n: u8) -> OfficialRef {
    OfficialRef::Claim(ClaimId::new(t, p, n))
}

pub static THEMES: &[Theme] = &[
    Theme {
        id: 1,
        key: "secure_design",
        title: "Secure design and development",
        principles: &[
            Principle {
                id: PrincipleId::new(1, 1),
                title: "Follow an established secure development framework",
                note: "The framework covers at least threat modelling, secure coding, requirements capture, governance and roles, test strategy, data management and configuration management (for example NIST SSDF, Microsoft SDL, OWASP SDLC, SLSA, S2C2F).",
                claims: &[
                    c(1, 1, 1, "The development framework in use is documented"),
                    c(
                        1,
                        1,
                        2,
                        "Developers are trained in the framework and its tools",
                    ),
                    c(
                        1,
                        1,
                        3,
                        "Development tools are maintained and kept up to date",
                    ),
                    c(
                        1,
                        1,
                        4,
                        "Items under configuration control are identified and kept in version control",
                    ),
                    c(1, 1, 5, "Requirements are captured and recorded"),
                    c(1, 1, 6, "The software is designed around user need"),
                ],
            },
            Principle {
                id: PrincipleId::new(1, 2),
                title: "Know the software's composition and manage third-party component risk across the lifecycle",
                note: "An SBOM is one acceptable inventory; it includes compilers and build systems, can be shared with customers, and components are checked for known vulnerabilities regularly.",
                claims: &[
                    c(
                        1,
                        2,
                        1,
                        "Every third-party component is identified and documented",
                    ),
                    c(
                        1,
                        2,
                        2,
                        "Integrity of third-party components and their updates is verified",
                    ),
                    c(
                        1,
                        2,
                        3,
                        "Each third-party component is tested before first deployment",
                    ),
                    c(1, 2, 4, "Updates to third-party components are tested"),
                    c(
                        1,
                        2,
                        5,
                        "A process exists to manage and deploy third-party component updates",
                    ),
                ],
            },
            Principle {
                id: PrincipleId::new(1, 3),
                title: "Have a clear process for testing software and updates before distribution",
                note: "At a minimum: static and dynamic analysis, peer review, unit tests, integration tests including fuzzing, and point-in-time assessments such as penetration tests.",
                claims: &[
                    c(
                        1,
                        3,
                        1,
                        "A test plan covers all requirements and third-party components",
                    ),
                    c(
                        1,
                        3,
                        2,
                        "Test execution is automated and repeatable where possible",
                    ),
                    c(1, 3, 3, "Defects found in testing are addressed"),
                ],
            },
            Principle {
                id: PrincipleId::new(1, 4),
                title: "Follow secure-by-design and secure-by-default principles throughout development",
                note: "",
                claims: &[
                    c(1, 4, 1, "Threat modelling informed the software's design"),
                    c(
                        1,
                        4,
                        2,
                        "Multi-factor authentication is enforced for privileged users of the software",
                    ),
                    c(1, 4, 3, "No default or persistent passwords are used"),
                    c(1, 4, 4, "Input data is validated"),
                    c(
                        1,
                        4,
                        5,
                        "Credentials and sensitive data are stored securely",
                    ),
                ],
            },
        ],
    },
    Theme {
        id: 2,
        key: "build_environment",
        title: "Build environment security",
        principles: &[
            Principle {
                id: PrincipleId::new(2, 1),
                title: "Protect the build environment against unauthorised access",
                note: "",
                claims: &[
                    c(
                        2,
                        1,
                        1,
                        "Roles define which data and functions each role may access",
                    ),
                    c(2, 1, 2, "Build environment users re-authenticate regularly"),
                    c(
                        2,
                        1,
                        3,
                        "Build environment credentials are bound to the user's role",
                    ),
                    c(2, 1, 4, "Credentials are securely managed and stored"),
                    c(2, 1, 5, "Credentials are multi-factor"),
                    c(
                        2,
                        1,
                        6,
                        "Access to the build environment is reviewed regularly for continued need",
                    ),
                ],
            },
            Principle {
                id: PrincipleId::new(2, 2),
                title: "Control and log changes to the build environment",
                note: "",
                claims: &[
                    c(
                        2,
                        2,
                        1,
                        "Access to and changes of the build environment are logged",
                    ),
                    c(
                        2,
                        2,
                        2,
                        "Only authorised personnel can change the build environment",
                    ),
                    c(2, 2, 3, "Logs are auditable and kept for an agreed period"),
                    c(2, 2, 4, "Log confidentiality and integrity are protected"),
                ],
            },
        ],
    },
    Theme {
        id: 3,
        key: "deployment_maintenance",
        title: "Secure deployment and maintenance",
        principles: &[
            Principle {
                id: PrincipleId::new(3, 1),
                title: "Distribute software securely to customers",
                note: "Customers can verify integrity and provenance before installing; trusted channels (TLS); code signed through the pipeline; rollback to a known version is possible.",
                claims: &[
                    c(
                        3,
                        1,
                        1,
                        "Customers can verify the integrity of software and updates in their environment",
                    ),
                    c(
                        3,
                        1,
                        2,
                        "Software and updates are distributed over trusted channels",
                    ),
                ],
            },
            Principle {
                id: PrincipleId::new(3, 2),
                title: "Implement and publish an effective vulnerability disclosure process",
                note: "The NCSC Vulnerability Disclosure Toolkit is the reference; the process is backed by an internal handling policy.",
                claims: &[
                    c(
                        3,
                        2,
                        1,
                        "A vulnerability disclosure policy and process are published",
                    ),
                    c(
                        3,
                        2,
                        2,
                        "The process explains how to report a vulnerability confidentially",
                    ),
                ],
            },
            Principle {
                id: PrincipleId::new(3, 3),
                title: "Proactively detect, prioritise and manage vulnerabilities in software components",
                note: "A security response playbook with roles, tested periodically; discovered vulnerabilities reported to CVE; root-cause analysis.",
                claims: &[
                    c(
                        3,
                        3,
                        1,
                        "Knowledge of public vulnerabilities is kept current",
                    ),
                    c(
                        3,
                        3,
                        2,
                        "A vulnerability management plan assesses and prioritises responses",
                    ),
                ],
            },
            Principle {
                id: PrincipleId::new(3, 4),
                title: "Report vulnerabilities to relevant parties where appropriate",
                note: "Internal security teams, customers, CVE/NVD, regulators, third-party vendors and upstream open-source projects.",
                claims: &[
                    c(3, 4, 1, "Internal security teams are informed"),
                    c(3, 4, 2, "Affected customers are informed"),
                ],
            },
            Principle {
                id: PrincipleId::new(3, 5),
                title: "Provide timely security updates, patches and notifications",
                note: "Fixes are not a premium feature; critical issues get out-of-band updates; updates are signed and tested; security content is labelled as such.",
                claims: &[
                    c(3, 5, 1, "Security updates ship as soon as practicable"),
                    c(3, 5, 2, "Security updates are tested and secure by default"),
                ],
            },
        ],
    },
    Theme {
        id: 4,
        key: "communication",
        title: "Communication with customers",
        principles: &[
            Principle {
                id: PrincipleId::new(4, 1),
                title: "Tell customers the level of support and maintenance provided",
                note: "",
                claims: &[
                    c(
                        4,
                        1,
                        1,
                        "End-of-support dates are published for all software components",
                    ),
                    c(
                        4,
                        1,
                        2,
                        "Update frequency and how updates are applied are published",
                    ),
                    c(
                        4,
                        1,
                        3,
                        "User documentation explains how to apply updates and use the software securely",
                    ),
                ],
            },
            Principle {
                id: PrincipleId::new(4, 2),
                title: "Give at least one year's notice before support or maintenance ends",
                note: "",
                claims: &[c(
                    4,
                    2,
                    1,
                    "Customers get at least one year's notice of end of support",
                )],
            },
            Principle {
                id: PrincipleId::new(4, 3),
                title: "Inform customers about notable incidents that may significantly affect them",
                note: "",
                claims: &[
                    c(4, 3, 1, "An incident support plan is published"),
                    c(
                        4,
                        3,
                        2,
                        "Customers are told about relevant incidents in good time",
                    ),
                ],
            },
        ],
    },
];

pub static BRIEF: &[BriefPrinciple] = &[
    BriefPrinciple {
        id: 1,
        theme: "secure_design",
        topic: "threat modelling at design and on material change",
        official: &[cl(1, 4, 1), pr(1, 1)],
    },
    BriefPrinciple {
        id: 2,
        theme: "secure_design",
        topic: "secure coding, code review, memory-safe languages",
        official: &[pr(1, 1), pr(1, 3)],
    },
    BriefPrinciple {
        id: 3,
        theme: "secure_design",
        topic: "SBOM generation and third-party component vetting",
        official: &[pr(1, 2), cl(3, 3, 1)],
    },
    BriefPrinciple {
        id: 4,
        theme: "secure_design",
        topic: "source integrity, signed commits, repository access governance",
        official: &[cl(1, 1, 4), pr(2, 1), pr(2, 2)],
    },
    BriefPrinciple {
        id: 5,
        theme: "build_environment",
        topic: "build pipeline integrity, reproducible builds, hardened agents, SLSA provenance",
        official: &[pr(2, 1), pr(2, 2), cl(3, 1, 1)],
    },
    BriefPrinciple {
        id: 6,
        theme: "build_environment",
        topic: "hardware-backed or equivalent secret management with rotation",
        official: &[cl(1, 4, 5), cl(2, 1, 4)],
    },
    BriefPrinciple {
        id: 7,
        theme: "build_environment",
        topic: "signed artefacts with verifiable provenance",
        official: &[cl(3, 1, 1)],
    },
    BriefPrinciple {
        id: 8,
        theme: "maintenance",
        topic: "vulnerability handling policy with defined SLAs",
        official: &[pr(3, 3), cl(3, 5, 1)],
    },
    BriefPrinciple {
        id: 9,
        theme: "maintenance",
        topic: "authenticated, integrity-protected update channels",
        official: &[cl(3, 1, 1), cl(3, 1, 2), pr(3, 5)],
    },
    BriefPrinciple {
        id: 10,
        theme: "maintenance",
        topic: "hardened default configurations",
        official: &[cl(1, 4, 2), cl(1, 4, 3)],
    },
    BriefPrinciple {
        id: 11,
        theme: "maintenance",
        topic: "end-of-support communications",
        official: &[pr(4, 1), pr(4, 2)],
    },
    BriefPrinciple {
        id: 12,
        theme: "communication",
        topic: "published vulnerability disclosure policy (ISO/IEC 29147)",
        official: &[pr(3, 2)],
    },
    BriefPrinciple {
        id: 13,
        theme: "communication",
        topic: "timely security advisories",
        official: &[pr(3, 4), pr(3, 5)],
    },
    BriefPrinciple {
        id: 14,
        theme: "communication",
        topic: "customer-accessible security posture information",
        official: &[pr(4, 1), pr(4, 3)],
    },
];

/// Every claim in catalogue order, with its principle and theme.
pub fn claims() -> impl Iterator<Item = (&'static Theme, &'static Principle, &'static Claim)> {
    THEMES.iter().flat_map(|t| {
        t.principles
            .iter()
            .flat_map(move |p| p.claims.iter().map(move |c| (t, p, c)))
    })
}

pub fn principles() -> impl Iterator<Item = (&'static Theme, &'static Principle)> {
    THEMES
        .iter()
        .flat_map(|t| t.principles.iter().map(move |p| (t, p)))
}

pub fn claim(id: ClaimId) -> Option<&'static Claim> {
    claims().find(|(_, _, c)| c.id == id).map(|(_, _, c)| c)
}

pub fn principle(id: PrincipleId) -> Option<&'static Principle> {
    principles().find(|(_, p)| p.id == id).map(|(_, p)| p)
}

pub fn theme(id: u8) -> Option<&'static Theme> {
    THEMES.iter().find(|t| t.id == id)
}

pub fn brief(id: u8) -> Option<&'static BriefPrinciple> {
    BRIEF.iter().find(|b| b.id == id)
}

/// The brief principles (1–14) that cover a claim.
pub fn brief_for_claim(id: ClaimId) -> Vec<u8> {
    BRIEF
        .iter()
        .filter(|b| b.claims().contains(&id))
        .map(|b| b.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(THEMES.len(), 4);
        assert_eq!(principles().count(), 14);
        assert_eq!(claims().count(), 45);
        assert_eq!(BRIEF.len(), 14);
    }

    #[test]
    fn ids_are_consistent_and_ordered() {
        let mut prev: Option<ClaimId> = None;
        for (t, p, c) in claims() {
            assert_eq!(c.id.theme, t.id);
            assert_eq!(c.id.principle_id(), p.id);
            assert!(prev.is_none_or(|prev| prev < c.id));
            prev = Some(c.id);
        }
    }

    #[test]
    fn brief_references_resolve() {
        for b in BRIEF {
            assert!(!b.claims().is_empty(), "brief {} maps to no claim", b.id);
            for r in b.official {
                match *r {
                    OfficialRef::Principle(p) => assert!(principle(p).is_some()),
                    OfficialRef::Claim(c) => assert!(claim(c).is_some()),
                }
            }
        }
        assert_eq!(brief(1).unwrap().claims().len(), 7); // 1.1.1-1.1.6 and 1.4.1
    }

    #[test]
    fn every_claim_has_its_own_evidence_hint() {
        let hints: std::collections::BTreeSet<&str> =
            claims().map(|(_, _, c)| c.typical_evidence).collect();
        assert_eq!(hints.len(), 45);
    }
}
