//! YAML helpers for pnpm and yarn berry lockfiles (parsed with serde-saphyr).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::{Input, ParseError};

/// A mapping kept in file order, with each key's 1-based line.
#[derive(Debug)]
pub struct Entries<V>(pub Vec<(Key, V)>);

/// A mapping key and where it starts (1-based; 0 when unknown).
#[derive(Debug)]
pub struct Key {
    pub text: String,
    pub line: u32,
    pub column: u32,
}

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries(Vec::new()))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_map(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(k) = map.next_key::<serde_saphyr::Spanned<Text>>()? {
                    let v = map.next_value::<V>()?;
                    let line = u32::try_from(k.referenced.line()).unwrap_or(0);
                    let column = u32::try_from(k.referenced.column()).unwrap_or(0);
                    out.push((
                        Key {
                            text: k.value.0,
                            line,
                            column,
                        },
                        v,
                    ));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_option(V2(PhantomData))
    }
}

impl<V> Entries<V> {
    /// Iterates over keys and values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.text.as_str(), v))
    }
}

/// Any scalar, as the text it was written with (`1.10` stays `1.10`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Text)
    }
}

/// Parses a YAML document into `T`, with errors located in the file.
pub fn parse<T: for<'de> Deserialize<'de>>(input: &Input<'_>, text: &str) -> Result<T, ParseError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 50_000_000,
            max_nodes: 20_000_000,
            max_depth: 128,
        },
        // Forwarding repeated keys (rather than buffering every mapping to drop them) is
        // several times faster; a repeated package key then yields one entry per copy.
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::PassThrough,
        emit_comments: false,
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (u32::try_from(l.line()).ok(), u32::try_from(l.column()).ok()))
            .unwrap_or((None, None));
        let msg = e.to_string();
        // The library's message may embed a snippet of the file; keep its first line.
        let mut msg = msg.lines().next().unwrap_or("invalid YAML").trim();
        msg = msg.strip_prefix("error: ").unwrap_or(msg);
        if msg.starts_with("line ")
            && let Some((_, rest)) = msg.split_once(": ")
        {
            msg = rest;
        }
        input.error(
            line.filter(|l| *l > 0),
            col.filter(|c| *c > 0),
            format!("invalid YAML: {msg}"),
        )
    })
}
