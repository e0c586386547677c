//! Lines of JSON object members, found with one forward scan (serde_json keeps no positions).

use std::collections::HashMap;

/// For each top-level key in `parents` whose value is an object, the 1-based line of each of
/// that object's keys: `(parent, key) -> line`. Meant for text that already parsed as JSON;
/// on other text it returns whatever it found without failing. Keys with escapes are
/// decoded.
pub(crate) fn member_lines(text: &str, parents: &[&str]) -> HashMap<(String, String), u32> {
    let bytes = text.as_bytes();
    let mut out = HashMap::new();
    let mut depth = 0usize;
    let mut line = 1u32;
    // The current top-level key, when it is one of `parents`.
    let mut parent: Option<String> = None;
    // Whether the container at each depth is an object (only the first two levels matter).
    let mut is_object = [false; 3];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'{' | b'[' => {
                depth += 1;
                if depth < is_object.len() {
                    is_object[depth] = bytes[i] == b'{';
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        escaped = true;
                        j += 1;
                    } else if bytes[j] == b'\n' {
                        line += 1;
                    }
                    j += 1;
                }
                let end = j.min(bytes.len());
                let key_line = line;
                i = end + 1;
                // A key is a string inside an object followed by ':'.
                let mut k = i;
                while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                let is_key = bytes.get(k) == Some(&b':')
                    && (1..is_object.len()).contains(&depth)
                    && is_object[depth];
                if is_key {
                    let raw = text.get(start..end).unwrap_or_default();
                    let key = if escaped {
                        serde_json::from_str::<String>(
                            text.get(start - 1..end + 1).unwrap_or("\"\""),
                        )
                        .unwrap_or_else(|_| raw.to_string())
                    } else {
                        raw.to_string()
                    };
                    if depth == 1 {
                        parent = parents.contains(&key.as_str()).then_some(key);
                    } else if let Some(p) = &parent {
                        out.entry((p.clone(), key)).or_insert(key_line);
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_second_level_keys() {
        let text = "{\n \"_meta\": {\"x\": {\"a\": 1}},\n \"default\": {\n  \"six\": {\"v\": \"}\"},\n  \"a\\u0062\": {}\n },\n \"develop\": {\"six\": {}}\n}";
        let lines = member_lines(text, &["default", "develop"]);
        assert_eq!(lines.get(&("default".into(), "six".into())), Some(&4));
        assert_eq!(lines.get(&("default".into(), "ab".into())), Some(&5));
        assert_eq!(lines.get(&("develop".into(), "six".into())), Some(&7));
        assert_eq!(lines.get(&("default".into(), "v".into())), None);
        assert_eq!(lines.len(), 3);
    }
}
