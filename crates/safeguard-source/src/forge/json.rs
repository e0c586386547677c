//! Reading JSON exports with the JSON path of every value at hand, so that an error can say
//! where in the file it is (`$[3].rules[1].type`), also for syntax errors such as truncation.

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::ForgeError;

/// One step of a JSON path.
enum Step {
    Key(String),
    Index(usize),
}

/// Append `.key` (or `["key"]` when the key is not a plain identifier) to a path.
pub(crate) fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !key.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if plain {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        // A JSON string literal is a faithful quoting of any key.
        path.push_str(&Value::String(key.to_string()).to_string());
        path.push(']');
    }
}

fn render(steps: &[Step]) -> String {
    let mut path = String::from("$");
    for step in steps {
        match step {
            Step::Key(k) => push_key(&mut path, k),
            Step::Index(i) => {
                let _ = write!(path, "[{i}]");
            }
        }
    }
    path
}

struct Tracker {
    steps: RefCell<Vec<Step>>,
}

struct Seed<'t>(&'t Tracker);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor(self.0))
    }
}

struct ValueVisitor<'t>(&'t Tracker);

impl<'de> Visitor<'de> for ValueVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.0.steps.borrow_mut().push(Step::Index(items.len()));
            // On error the step stays pushed, so the path names the element being read.
            let next = seq.next_element_seed(Seed(self.0))?;
            self.0.steps.borrow_mut().pop();
            match next {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut obj = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.0.steps.borrow_mut().push(Step::Key(key.clone()));
            let v = map.next_value_seed(Seed(self.0))?;
            self.0.steps.borrow_mut().pop();
            obj.insert(key, v);
        }
        Ok(Value::Object(obj))
    }
}

/// Parse `bytes` as JSON. A syntax error names the file, line, column and the JSON path of
/// the value that was being read.
pub(crate) fn parse(file: &str, bytes: &[u8]) -> Result<Value, ForgeError> {
    let tracker = Tracker {
        steps: RefCell::new(Vec::new()),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = Seed(&tracker)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    result.map_err(|e| {
        let path = render(&tracker.steps.borrow());
        let message = e.to_string();
        // serde_json appends " at line L column C"; the error carries those separately.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        ForgeError::Syntax {
            file: file.to_string(),
            path,
            line: e.line().max(1),
            column: e.column().max(1),
            message,
        }
    })
}

/// What a value is, in words for an error message.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON value with its path and the file it came from.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    pub v: &'a Value,
    pub path: String,
    pub file: &'a str,
}

impl<'a> Node<'a> {
    /// The top of a document.
    pub fn root(file: &'a str, v: &'a Value) -> Node<'a> {
        Node {
            v,
            path: "$".to_string(),
            file,
        }
    }

    /// An error about this value.
    pub fn err(&self, message: impl Into<String>) -> ForgeError {
        ForgeError::Invalid {
            file: self.file.to_string(),
            path: self.path.clone(),
            message: message.into(),
        }
    }

    fn child_path(&self, key: &str) -> String {
        let mut p = self.path.clone();
        push_key(&mut p, key);
        p
    }

    /// Whether this is an object with `key` (even when its value is null).
    pub fn has(&self, key: &str) -> bool {
        self.v.as_object().is_some_and(|o| o.contains_key(key))
    }

    /// The member `key`, or `None` when it is absent or null. Errors when this is not an object.
    pub fn get(&self, key: &str) -> Result<Option<Node<'a>>, ForgeError> {
        let obj = self.object()?;
        Ok(match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(Node {
                v,
                path: self.child_path(key),
                file: self.file,
            }),
        })
    }

    /// The member `key`; an error naming its path when absent or null.
    pub fn req(&self, key: &str, expected: &str) -> Result<Node<'a>, ForgeError> {
        let obj = self.object()?;
        match obj.get(key) {
            Some(Value::Null) => Err(ForgeError::Invalid {
                file: self.file.to_string(),
                path: self.child_path(key),
                message: format!("is null; expected {expected}"),
            }),
            Some(v) => Ok(Node {
                v,
                path: self.child_path(key),
                file: self.file,
            }),
            None => Err(self.missing(key, expected)),
        }
    }

    /// The error for a missing member `key`.
    pub fn missing(&self, key: &str, expected: &str) -> ForgeError {
        ForgeError::Invalid {
            file: self.file.to_string(),
            path: self.child_path(key),
            message: format!("missing; expected {expected}"),
        }
    }

    /// This value as an object.
    pub fn object(&self) -> Result<&'a Map<String, Value>, ForgeError> {
        self.v
            .as_object()
            .ok_or_else(|| self.err(format!("expected an object, found {}", kind(self.v))))
    }

    /// This value as a boolean.
    pub fn bool(&self) -> Result<bool, ForgeError> {
        self.v
            .as_bool()
            .ok_or_else(|| self.err(format!("expected a boolean, found {}", kind(self.v))))
    }

    /// This value as a non-negative integer.
    pub fn u64(&self) -> Result<u64, ForgeError> {
        self.v.as_u64().ok_or_else(|| {
            self.err(format!(
                "expected a non-negative whole number, found {}",
                match self.v {
                    Value::Number(n) => format!("the number {n}"),
                    other => kind(other).to_string(),
                }
            ))
        })
    }

    /// This value as a non-negative integer that fits `u32`.
    pub fn u32(&self) -> Result<u32, ForgeError> {
        let n = self.u64()?;
        u32::try_from(n).map_err(|_| self.err(format!("the number {n} is too large")))
    }

    /// This value as a string.
    pub fn str(&self) -> Result<&'a str, ForgeError> {
        self.v
            .as_str()
            .ok_or_else(|| self.err(format!("expected a string, found {}", kind(self.v))))
    }

    /// This value as an array of nodes.
    pub fn items(&self) -> Result<Vec<Node<'a>>, ForgeError> {
        let arr = self
            .v
            .as_array()
            .ok_or_else(|| self.err(format!("expected an array, found {}", kind(self.v))))?;
        Ok(arr
            .iter()
            .enumerate()
            .map(|(i, v)| Node {
                v,
                path: format!("{}[{i}]", self.path),
                file: self.file,
            })
            .collect())
    }

    /// Optional boolean member (absent or null: `None`).
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ForgeError> {
        self.get(key)?.map(|n| n.bool()).transpose()
    }

    /// Optional string member (absent or null: `None`).
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, ForgeError> {
        self.get(key)?.map(|n| n.str()).transpose()
    }

    /// Required boolean member.
    pub fn req_bool(&self, key: &str) -> Result<bool, ForgeError> {
        self.req(key, "a boolean")?.bool()
    }

    /// Required `{"enabled": bool}` member; absent means `default`.
    pub fn enabled(&self, key: &str, default: bool) -> Result<bool, ForgeError> {
        match self.get(key)? {
            None => Ok(default),
            Some(n) => n.req_bool("enabled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_path(text: &str) -> (String, usize, usize) {
        match parse("f.json", text.as_bytes()).unwrap_err() {
            ForgeError::Syntax {
                path, line, column, ..
            } => (path, line, column),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn syntax_errors_name_the_path() {
        assert_eq!(syntax_path(r#"[{"a": 1}, {"b": [1, 2"#).0, "$[1].b[2]");
        assert_eq!(
            syntax_path(r#"{"rules": [{"type": tru"#).0,
            "$.rules[0].type"
        );
        assert_eq!(syntax_path("").0, "$");
        let (path, line, column) = syntax_path("{\n \"a b\": {\"x\": 1,,}}");
        assert_eq!(path, "$[\"a b\"]");
        assert_eq!((line, column), (2, 17));
        assert_eq!(syntax_path("[1] x").0, "$");
    }

    #[test]
    fn parses_values_and_navigates() {
        let v = parse("f.json", br#"{"a": [true, 2, "s", null, 1.5]}"#).unwrap();
        let root = Node::root("f.json", &v);
        let items = root.req("a", "an array").unwrap().items().unwrap();
        assert!(items[0].bool().unwrap());
        assert_eq!(items[1].u64().unwrap(), 2);
        assert_eq!(items[2].str().unwrap(), "s");
        assert_eq!(
            items[4].u64().unwrap_err().to_string(),
            "f.json: $.a[4]: expected a non-negative whole number, found the number 1.5"
        );
        assert_eq!(
            root.req("b", "a string").unwrap_err().to_string(),
            "f.json: $.b: missing; expected a string"
        );
        assert!(root.get("zz").unwrap().is_none());
        assert!(deep_nesting_is_an_error());
    }

    fn deep_nesting_is_an_error() -> bool {
        let text = "[".repeat(10_000);
        matches!(
            parse("f.json", text.as_bytes()),
            Err(ForgeError::Syntax { .. })
        )
    }
}
