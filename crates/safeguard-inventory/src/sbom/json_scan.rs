//! Where the components start in a JSON SBOM, found by one forward scan of the text (serde
//! does not report positions of successfully parsed values).

/// Byte offsets of the objects that are elements of the array under `key` in the root object
/// and, when `nested`, of the arrays under `key` inside those elements, recursively up to
/// `max_depth` levels. Offsets come in document order (pre-order), which is the order the
/// readers flatten components in. Meant for text that already parsed as JSON; on anything
/// else it returns what it found so far.
pub(crate) fn element_offsets(text: &str, key: &str, nested: bool, max_depth: usize) -> Vec<usize> {
    #[derive(Clone, Copy)]
    enum Frame {
        /// `element` is `Some(depth)` for a recorded element; the root object is depth 0.
        Object {
            element: Option<usize>,
            expecting_key: bool,
            key_matches: bool,
        },
        Array {
            /// Depth of the elements it holds when it is a target list.
            target: Option<usize>,
        },
    }
    let bytes = text.as_bytes();
    let key = key.as_bytes();
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(bytes.len());
                if let Some(Frame::Object {
                    expecting_key,
                    key_matches,
                    ..
                }) = stack.last_mut()
                    && *expecting_key
                {
                    *expecting_key = false;
                    *key_matches = bytes.get(start..end) == Some(key);
                }
                i = j + 1;
                continue;
            }
            b',' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = true;
                }
            }
            b'{' => {
                let element = match stack.last() {
                    None => Some(0),
                    Some(Frame::Array {
                        target: Some(depth),
                    }) => {
                        out.push(i);
                        Some(*depth)
                    }
                    _ => None,
                };
                stack.push(Frame::Object {
                    element,
                    expecting_key: true,
                    key_matches: false,
                });
            }
            b'[' => {
                let target = match stack.last() {
                    Some(Frame::Object {
                        element: Some(depth),
                        key_matches: true,
                        ..
                    }) if (*depth == 0 || nested) && *depth < max_depth => Some(depth + 1),
                    _ => None,
                };
                stack.push(Frame::Array { target });
            }
            b'}' | b']' => {
                stack.pop();
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
    fn finds_nested_components_in_order() {
        let text = r#"{"metadata":{"component":{"name":"x"},"tools":{"components":[{"a":1}]}},
"components":[{"name":"a","components":[{"name":"b","x":"}{[","components":[{"name":"c"}]}]},
{"name":"d\"components","hashes":[{"alg":"x"}]}]}"#;
        let offsets = element_offsets(text, "components", true, 8);
        let names: Vec<&str> = offsets.iter().map(|o| &text[o + 9..o + 10]).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(element_offsets(text, "components", false, 8).len(), 2);
        assert_eq!(element_offsets(text, "components", true, 2).len(), 3);
    }
}
