//! DSSE v1 envelopes (Dead Simple Signing Envelope, secure-systems-lab/dsse): the
//! pre-authentication encoding ([`pae`]), the JSON envelope ([`Envelope`]), signing ([`sign`])
//! and threshold verification against trusted keys ([`verify`]).
//!
//! Signatures are made over `PAE(payloadType, payload)`, never over the payload alone, so a
//! signature cannot be replayed under another payload type. Reading accepts the standard and the
//! URL-safe base64 alphabets, padded or not; writing uses standard padded base64.

use base64::Engine as _;
use base64::engine::general_purpose::{
    STANDARD, STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT,
};
use serde::{Deserialize, Serialize};

use crate::signer::{SignError, Signer, Verifier};

/// The payload type of in-toto statements.
pub const INTOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The largest envelope JSON [`Envelope::from_json`] reads (256 MiB).
pub const MAX_ENVELOPE_BYTES: usize = 256 << 20;
/// The most signatures an envelope may carry.
pub const MAX_SIGNATURES: usize = 64;
/// The longest payload type accepted, in bytes.
pub const MAX_PAYLOAD_TYPE_BYTES: usize = 1024;
/// The longest key id accepted, in bytes.
pub const MAX_KEYID_BYTES: usize = 1024;
/// The largest decoded signature accepted, in bytes (room for RSA-16384 and post-quantum keys).
pub const MAX_SIGNATURE_BYTES: usize = 64 << 10;

/// Why an envelope could not be read, made or verified.
#[derive(Debug, thiserror::Error)]
pub enum DsseError {
    /// The input is not a DSSE envelope (bad JSON, missing or mistyped fields).
    #[error("not a DSSE envelope: {0}")]
    Json(String),
    /// A base64 field does not decode.
    #[error("malformed base64 in `{field}`: {reason}")]
    Base64 {
        /// Where: `payload` or `signatures[N].sig`.
        field: String,
        /// What the decoder said.
        reason: String,
    },
    /// Something is larger than the limits above.
    #[error("{what} is too large: {size} bytes, the limit is {limit}")]
    TooLarge {
        /// What was too large.
        what: String,
        /// Its size (bytes or count).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The envelope carries more signatures than [`MAX_SIGNATURES`].
    #[error("the envelope has {count} signatures; at most {MAX_SIGNATURES} are accepted")]
    TooManySignatures {
        /// How many there were.
        count: usize,
    },
    /// The envelope carries no signatures at all.
    #[error("the envelope has no signatures")]
    NoSignatures,
    /// The payload type is not one the caller accepts.
    #[error("unsupported payload type {payload_type:?}; expected one of: {}", .supported.join(", "))]
    UnsupportedPayloadType {
        /// The envelope's payload type.
        payload_type: String,
        /// The types the caller accepts.
        supported: Vec<String>,
    },
    /// Fewer distinct trusted keys verify than the threshold requires.
    #[error(
        "only {verified} of {threshold} required signatures verify ({signatures} signatures in \
         the envelope, {trusted} trusted keys)"
    )]
    ThresholdNotMet {
        /// Distinct trusted keys whose signature verified.
        verified: usize,
        /// Required.
        threshold: usize,
        /// Signatures present.
        signatures: usize,
        /// Trusted keys offered.
        trusted: usize,
    },
    /// A threshold of zero would accept anything.
    #[error("the signature threshold must be at least 1")]
    ZeroThreshold,
    /// Signing needs at least one signer.
    #[error("no signers were given")]
    NoSigners,
    /// A signer failed.
    #[error("signing with key {keyid} failed: {source}")]
    Sign {
        /// The failing signer's key id.
        keyid: String,
        /// Why.
        #[source]
        source: SignError,
    },
}

/// One signature in an envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Optional, unauthenticated hint naming the key. Never trusted for security.
    pub keyid: Option<String>,
    /// The raw signature bytes.
    pub sig: Vec<u8>,
}

/// A DSSE envelope with its payload and signatures decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The type of the payload, e.g. [`INTOTO_PAYLOAD_TYPE`].
    pub payload_type: String,
    /// The serialized body.
    pub payload: Vec<u8>,
    /// The signatures over `PAE(payload_type, payload)`.
    pub signatures: Vec<Signature>,
}

/// The outcome of a successful [`verify`]: what was signed, and by which trusted keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The authenticated payload type.
    pub payload_type: String,
    /// The authenticated payload.
    pub payload: Vec<u8>,
    /// Key ids ([`Verifier::key_id`]) of the distinct trusted keys whose signatures verified, in
    /// the order of the trusted list.
    pub keyids: Vec<String>,
}

/// The DSSE v1 pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in decimal bytes.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let t = payload_type.as_bytes();
    let mut out = Vec::with_capacity(6 + 1 + 20 + 1 + t.len() + 1 + 20 + 1 + payload.len());
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(t.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(t);
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEnvelope {
    payload: String,
    payload_type: String,
    #[serde(default)]
    signatures: Vec<RawSignature>,
}

#[derive(Deserialize)]
struct RawSignature {
    #[serde(default)]
    keyid: Option<String>,
    sig: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutEnvelope<'a> {
    payload_type: &'a str,
    payload: String,
    signatures: Vec<OutSignature<'a>>,
}

#[derive(Serialize)]
struct OutSignature<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    keyid: Option<&'a str>,
    sig: String,
}

/// Decode base64 in the standard or the URL-safe alphabet, padded or not.
fn decode_b64(field: impl FnOnce() -> String, text: &str) -> Result<Vec<u8>, DsseError> {
    match STANDARD_PAD_INDIFFERENT.decode(text) {
        Ok(v) => Ok(v),
        Err(first) => URL_SAFE_PAD_INDIFFERENT
            .decode(text)
            .map_err(|_| DsseError::Base64 {
                field: field(),
                reason: first.to_string(),
            }),
    }
}

impl Envelope {
    /// Read an envelope from its JSON form. Unknown fields are ignored; `keyid` may be absent.
    pub fn from_json(json: &[u8]) -> Result<Envelope, DsseError> {
        if json.len() > MAX_ENVELOPE_BYTES {
            return Err(DsseError::TooLarge {
                what: "the envelope".into(),
                size: json.len(),
                limit: MAX_ENVELOPE_BYTES,
            });
        }
        let raw: RawEnvelope =
            serde_json::from_slice(json).map_err(|e| DsseError::Json(e.to_string()))?;
        if raw.payload_type.len() > MAX_PAYLOAD_TYPE_BYTES {
            return Err(DsseError::TooLarge {
                what: "payloadType".into(),
                size: raw.payload_type.len(),
                limit: MAX_PAYLOAD_TYPE_BYTES,
            });
        }
        if raw.signatures.len() > MAX_SIGNATURES {
            return Err(DsseError::TooManySignatures {
                count: raw.signatures.len(),
            });
        }
        let payload = decode_b64(|| "payload".into(), &raw.payload)?;
        let mut signatures = Vec::with_capacity(raw.signatures.len());
        for (i, s) in raw.signatures.into_iter().enumerate() {
            if let Some(k) = &s.keyid
                && k.len() > MAX_KEYID_BYTES
            {
                return Err(DsseError::TooLarge {
                    what: format!("signatures[{i}].keyid"),
                    size: k.len(),
                    limit: MAX_KEYID_BYTES,
                });
            }
            if s.sig.len() / 4 * 3 > MAX_SIGNATURE_BYTES {
                return Err(DsseError::TooLarge {
                    what: format!("signatures[{i}].sig"),
                    size: s.sig.len() / 4 * 3,
                    limit: MAX_SIGNATURE_BYTES,
                });
            }
            let sig = decode_b64(|| format!("signatures[{i}].sig"), &s.sig)?;
            signatures.push(Signature {
                keyid: s.keyid,
                sig,
            });
        }
        Ok(Envelope {
            payload_type: raw.payload_type,
            payload,
            signatures,
        })
    }

    /// The envelope as compact JSON (`payloadType`, `payload`, `signatures`), base64 standard
    /// padded; `keyid` is omitted when absent.
    pub fn to_json(&self) -> String {
        let out = OutEnvelope {
            payload_type: &self.payload_type,
            payload: STANDARD.encode(&self.payload),
            signatures: self
                .signatures
                .iter()
                .map(|s| OutSignature {
                    keyid: s.keyid.as_deref(),
                    sig: STANDARD.encode(&s.sig),
                })
                .collect(),
        };
        // Serializing strings and vectors of strings cannot fail.
        serde_json::to_string(&out).unwrap_or_default()
    }

    /// `PAE(payload_type, payload)`: the bytes every signature covers.
    pub fn pae(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }
}

/// Sign `payload` as `payload_type` with every signer; each signature carries its signer's key
/// id.
pub fn sign(
    payload_type: &str,
    payload: &[u8],
    signers: &[&dyn Signer],
) -> Result<Envelope, DsseError> {
    if signers.is_empty() {
        return Err(DsseError::NoSigners);
    }
    let message = pae(payload_type, payload);
    let mut signatures = Vec::with_capacity(signers.len());
    for s in signers {
        let keyid = s.key_id();
        let sig = s.sign(&message).map_err(|source| DsseError::Sign {
            keyid: keyid.clone(),
            source,
        })?;
        signatures.push(Signature {
            keyid: Some(keyid),
            sig,
        });
    }
    Ok(Envelope {
        payload_type: payload_type.to_owned(),
        payload: payload.to_vec(),
        signatures,
    })
}

/// Verify `env`: its payload type must be in `supported_payload_types` (when given), and at least
/// `threshold` distinct keys of `trusted` must each have a signature over the PAE. Each trusted
/// key counts at most once however many signatures it made. Key ids in the envelope are only a
/// hint for which key to try first.
pub fn verify(
    env: &Envelope,
    trusted: &[&dyn Verifier],
    threshold: usize,
    supported_payload_types: Option<&[&str]>,
) -> Result<Verified, DsseError> {
    if threshold == 0 {
        return Err(DsseError::ZeroThreshold);
    }
    if let Some(types) = supported_payload_types
        && !types.contains(&env.payload_type.as_str())
    {
        return Err(DsseError::UnsupportedPayloadType {
            payload_type: env.payload_type.clone(),
            supported: types.iter().map(|t| (*t).to_owned()).collect(),
        });
    }
    if env.signatures.is_empty() {
        return Err(DsseError::NoSignatures);
    }
    if env.signatures.len() > MAX_SIGNATURES {
        return Err(DsseError::TooManySignatures {
            count: env.signatures.len(),
        });
    }
    let message = env.pae();
    let ids: Vec<String> = trusted.iter().map(|v| v.key_id()).collect();
    let mut used = vec![false; trusted.len()];
    for s in &env.signatures {
        // Try the key the hint names first, then every other key not yet counted.
        let hinted = s
            .keyid
            .as_deref()
            .and_then(|k| ids.iter().position(|id| id == k));
        let order = hinted
            .into_iter()
            .chain((0..trusted.len()).filter(|&i| Some(i) != hinted));
        for i in order {
            let (Some(done), Some(v)) = (used.get(i).copied(), trusted.get(i)) else {
                continue;
            };
            if !done && v.verify(&message, &s.sig) {
                if let Some(slot) = used.get_mut(i) {
                    *slot = true;
                }
                break;
            }
        }
    }
    let verified = used.iter().filter(|u| **u).count();
    if verified < threshold {
        return Err(DsseError::ThresholdNotMet {
            verified,
            threshold,
            signatures: env.signatures.len(),
            trusted: trusted.len(),
        });
    }
    let keyids = ids
        .into_iter()
        .zip(used)
        .filter_map(|(id, u)| u.then_some(id))
        .collect();
    Ok(Verified {
        payload_type: env.payload_type.clone(),
        payload: env.payload.clone(),
        keyids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_spec_example() {
        // The example from the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn round_trip_json_and_base64_alphabets() {
        let env = Envelope {
            payload_type: INTOTO_PAYLOAD_TYPE.into(),
            payload: vec![0xfb, 0xff, 0xbf, 0x3e, 0x3f],
            signatures: vec![
                Signature {
                    keyid: Some("k".into()),
                    sig: vec![0xff; 5],
                },
                Signature {
                    keyid: None,
                    sig: vec![1, 2, 3],
                },
            ],
        };
        let json = env.to_json();
        assert_eq!(
            json,
            r#"{"payloadType":"application/vnd.in-toto+json","payload":"+/+/Pj8=","signatures":[{"keyid":"k","sig":"//////8="},{"sig":"AQID"}]}"#
        );
        assert_eq!(Envelope::from_json(json.as_bytes()).unwrap(), env);
        let url = json
            .replace("+/+/Pj8=", "-_-_Pj8")
            .replace("//////8=", "______8");
        assert_eq!(Envelope::from_json(url.as_bytes()).unwrap(), env);
    }

    #[test]
    fn malformed_base64_names_the_field() {
        let e = Envelope::from_json(
            br#"{"payloadType":"t","payload":"AQID","signatures":[{"sig":"AQID"},{"sig":"A!"}]}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("malformed base64 in `signatures[1].sig`"),
            "{e}"
        );
        let e = Envelope::from_json(br#"{"payloadType":"t","payload":"*","signatures":[]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("`payload`"), "{e}");
    }

    #[test]
    fn hostile_json_is_an_error() {
        for bad in [
            &b""[..],
            b"[]",
            b"{\"payloadType\":1}",
            b"{\"payloadType\":\"t\",\"payload\":\"\",\"signatures\":{}}",
            &[b'['; 10_000],
        ] {
            assert!(matches!(Envelope::from_json(bad), Err(DsseError::Json(_))));
        }
        let many = format!(
            r#"{{"payloadType":"t","payload":"","signatures":[{}]}}"#,
            vec![r#"{"sig":""}"#; MAX_SIGNATURES + 1].join(",")
        );
        assert!(matches!(
            Envelope::from_json(many.as_bytes()),
            Err(DsseError::TooManySignatures { count: 65 })
        ));
    }
}
