use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An assurance claim id such as `1.2.1` (theme.principle.claim).
///
/// Only the shape is checked here; whether the claim exists is the catalogue's business.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClaimId {
    pub theme: u8,
    pub principle: u8,
    pub claim: u8,
}

/// A principle id such as `3.2` (theme.principle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrincipleId {
    pub theme: u8,
    pub principle: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a claim id: expected THEME.PRINCIPLE.CLAIM, for example 1.2.1")]
pub struct ClaimIdError {
    pub input: String,
}

impl ClaimId {
    pub const fn new(theme: u8, principle: u8, claim: u8) -> Self {
        Self {
            theme,
            principle,
            claim,
        }
    }

    pub const fn principle_id(self) -> PrincipleId {
        PrincipleId {
            theme: self.theme,
            principle: self.principle,
        }
    }
}

impl PrincipleId {
    pub const fn new(theme: u8, principle: u8) -> Self {
        Self { theme, principle }
    }
}

fn parse_parts<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut parts = s.split('.');
    for slot in &mut out {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
        if *slot == 0 {
            return None;
        }
    }
    parts.next().is_none().then_some(out)
}

impl FromStr for ClaimId {
    type Err = ClaimIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_parts::<3>(s.trim())
            .map(|[t, p, c]| ClaimId::new(t, p, c))
            .ok_or_else(|| ClaimIdError {
                input: s.to_string(),
            })
    }
}

impl FromStr for PrincipleId {
    type Err = ClaimIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_parts::<2>(s.trim())
            .map(|[t, p]| PrincipleId::new(t, p))
            .ok_or_else(|| ClaimIdError {
                input: s.to_string(),
            })
    }
}

impl fmt::Display for ClaimId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.theme, self.principle, self.claim)
    }
}

impl fmt::Display for PrincipleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.theme, self.principle)
    }
}

macro_rules! string_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(ClaimId);
string_serde!(PrincipleId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_numerically() {
        let a: ClaimId = "1.2.10".parse().unwrap();
        let b: ClaimId = "1.2.9".parse().unwrap();
        assert!(b < a);
        assert_eq!(a.to_string(), "1.2.10");
        assert_eq!(a.principle_id().to_string(), "1.2");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "", "1", "1.2", "1.2.3.4", "a.b.c", "1..2", "0.1.1", "1.2.-1", "100.1.1",
        ] {
            assert!(bad.parse::<ClaimId>().is_err(), "{bad} should be rejected");
        }
        assert!("1.2".parse::<PrincipleId>().is_ok());
        assert!("1.2.3".parse::<PrincipleId>().is_err());
    }
}
