//! CVSS v2, v3.0, v3.1 and v4.0 vectors: parsing, base scores and qualitative ratings.
//!
//! STUB: the interface below is fixed; the implementation is being written.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CvssVersion {
    #[serde(rename = "2.0")]
    V2,
    #[serde(rename = "3.0")]
    V3_0,
    #[serde(rename = "3.1")]
    V3_1,
    #[serde(rename = "4.0")]
    V4_0,
}

/// Qualitative severity rating. Ordered: `None < Low < Medium < High < Critical`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    None,
    Low,
    Medium,
    High,
    Critical,
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rating::None => "none",
            Rating::Low => "low",
            Rating::Medium => "medium",
            Rating::High => "high",
            Rating::Critical => "critical",
        })
    }
}

/// A parsed vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Cvss {
    pub version: CvssVersion,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("CVSS vector {vector:?}: {reason}")]
pub struct CvssError {
    pub vector: String,
    pub reason: String,
}

impl Cvss {
    /// Parses a vector: `CVSS:3.1/…`, `CVSS:3.0/…`, `CVSS:4.0/…`, or a v2 vector
    /// (`AV:N/AC:L/…`, optionally wrapped in `(…)` or prefixed `CVSS:2.0/`).
    pub fn parse(vector: &str) -> Result<Cvss, CvssError> {
        Err(CvssError {
            vector: vector.to_owned(),
            reason: "not written yet".into(),
        })
    }

    /// The base score, 0.0–10.0, rounded as the version's specification says.
    /// (For v4.0 this is the score of the whole vector as given: CVSS-B, -BT, -BE or -BTE.)
    pub fn base_score(&self) -> f64 {
        0.0
    }

    /// The qualitative rating of the base score (v2 has no official "critical": we use
    /// the NVD v2 bands low 0–3.9, medium 4–6.9, high 7–10).
    pub fn rating(&self) -> Rating {
        Rating::None
    }
}
