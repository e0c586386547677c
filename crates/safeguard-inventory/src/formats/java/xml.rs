//! A small, strict streaming XML reader shared by the XML formats (Maven POMs, Gradle
//! verification metadata, NuGet `packages.config`, MSBuild project files).
//!
//! It wraps quick-xml's borrowing reader and adds what the lockfile readers need:
//! - decoding: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, and
//!   ISO-8859-1 / windows-1252 when the XML declaration says so;
//! - a stack of local element names ([`XmlReader::path`]) and the byte offset of every start
//!   tag, so callers can report 1-based lines with [`LineIndex`](crate::LineIndex);
//! - a nesting-depth cap ([`MAX_DEPTH`]);
//! - refusal of `<!DOCTYPE>` and of entity references other than the five predefined ones
//!   and character references: entities are never expanded;
//! - well-formedness checks quick-xml leaves to the caller: element names must be XML names,
//!   there must be exactly one root element, no text outside it, and no unclosed element at
//!   the end of the file.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use crate::{Input, ParseError};

/// Deepest element nesting accepted.
pub(crate) const MAX_DEPTH: usize = 256;

/// One event of the simplified stream.
pub(crate) enum XmlEvent<'a> {
    /// A start tag (or an empty-element tag, which is followed by [`XmlEvent::End`]). The
    /// element's local name is the last entry of [`XmlReader::path`].
    Start(Element<'a>),
    /// The end of an element; it is still the last entry of [`XmlReader::path`] until the
    /// next call.
    End,
    /// A piece of character data (text, CDATA, or a resolved reference) inside an element.
    Text(Cow<'a, str>),
    /// The end of the document.
    Eof,
}

/// A start tag.
pub(crate) struct Element<'a> {
    start: BytesStart<'a>,
    /// Byte offset of the `<` in the decoded text.
    pub offset: usize,
}

impl Element<'_> {
    /// The value of the first attribute whose local name `is` accepts, unescaped and
    /// normalised. Attribute errors were reported when the element was read.
    fn find_attr(&self, is: impl Fn(&str) -> bool) -> Option<String> {
        self.start.attributes().find_map(|a| {
            let a = a.ok()?;
            if !is(a.key.local_name().into_inner()) {
                return None;
            }
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
    }

    /// The value of the attribute with this local name, compared exactly.
    pub fn attr(&self, name: &str) -> Option<String> {
        self.find_attr(|k| k == name)
    }

    /// The value of the attribute with this local name, compared ignoring ASCII case (MSBuild
    /// metadata names are case-insensitive).
    pub fn attr_ci(&self, name: &str) -> Option<String> {
        self.find_attr(|k| k.eq_ignore_ascii_case(name))
    }
}

/// The text of an XML file, decoded.
pub(crate) fn decode<'a>(input: &Input<'a>) -> Result<Cow<'a, str>, ParseError> {
    let bytes = input.bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(input, rest, u16::from_le_bytes).map(Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(input, rest, u16::from_be_bytes).map(Cow::Owned);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(_) if declares_single_byte_encoding(body) => Ok(Cow::Owned(
            body.iter().map(|b| single_byte_char(*b)).collect(),
        )),
        // Reports the place of the first bad byte.
        Err(_) => input.text().map(Cow::Borrowed),
    }
}

fn decode_utf16(
    input: &Input<'_>,
    rest: &[u8],
    unit: fn([u8; 2]) -> u16,
) -> Result<String, ParseError> {
    if !rest.len().is_multiple_of(2) {
        return Err(input.error(None, None, "the UTF-16 file has an odd number of bytes"));
    }
    let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| input.error(None, None, "the file is not valid UTF-16"))
}

/// Whether the XML declaration names ISO-8859-1 / windows-1252 / ASCII.
fn declares_single_byte_encoding(body: &[u8]) -> bool {
    if !body.starts_with(b"<?xml") {
        return false;
    }
    let end = body
        .windows(2)
        .take(512)
        .position(|w| w == b"?>")
        .unwrap_or(0);
    let decl = String::from_utf8_lossy(&body[..end]).to_ascii_lowercase();
    let Some(at) = decl.find("encoding") else {
        return false;
    };
    let value: String = decl[at + "encoding".len()..]
        .trim_start_matches([' ', '=', '"', '\'', '\t', '\r', '\n'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    matches!(
        value.as_str(),
        "iso-8859-1"
            | "iso8859-1"
            | "iso_8859-1"
            | "latin1"
            | "latin-1"
            | "l1"
            | "windows-1252"
            | "cp1252"
            | "us-ascii"
            | "ascii"
    )
}

/// windows-1252 (a superset of ISO-8859-1's printable range) to Unicode.
fn single_byte_char(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Whether `name` is an XML name (the ASCII part of the production checked exactly; any
/// non-ASCII character accepted).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start_ok = |c: char| c.is_ascii_alphabetic() || c == '_' || c == ':' || !c.is_ascii();
    start_ok(first) && chars.all(|c| start_ok(c) || c.is_ascii_digit() || c == '-' || c == '.')
}

/// The streaming reader.
pub(crate) struct XmlReader<'a, 'i> {
    input: &'i Input<'i>,
    text: &'a str,
    reader: Reader<&'a [u8]>,
    path: Vec<String>,
    pending_end: bool,
    pending_pop: bool,
    seen_root: bool,
}

impl<'a, 'i> XmlReader<'a, 'i> {
    /// A reader over `text` (from [`decode`]); errors name `input`'s file.
    pub fn new(input: &'i Input<'i>, text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.check_end_names = true;
        // `--` inside comments is not well-formed, but hand-written POMs and project files
        // have it and their own tools accept it.
        config.check_comments = false;
        config.allow_unmatched_ends = false;
        config.expand_empty_elements = false;
        XmlReader {
            input,
            text,
            reader,
            path: Vec::new(),
            pending_end: false,
            pending_pop: false,
            seen_root: false,
        }
    }

    /// Local names of the open elements, outermost first.
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// Whether the open elements are exactly `want`.
    pub fn at(&self, want: &[&str]) -> bool {
        self.path.len() == want.len() && self.path.iter().zip(want).all(|(a, b)| a == b)
    }

    /// The open elements below `prefix`, when the path starts with it.
    pub fn below(&self, prefix: &[&str]) -> Option<&[String]> {
        let inside =
            self.path.len() >= prefix.len() && self.path.iter().zip(prefix).all(|(a, b)| a == b);
        inside.then(|| &self.path[prefix.len()..])
    }

    /// An error at a byte offset of the text.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> ParseError {
        self.input
            .error_at(self.text, offset.min(self.text.len()), message)
    }

    /// The next event.
    pub fn next(&mut self) -> Result<XmlEvent<'a>, ParseError> {
        loop {
            if self.pending_pop {
                self.pending_pop = false;
                self.path.pop();
            }
            if self.pending_end {
                self.pending_end = false;
                self.pending_pop = true;
                return Ok(XmlEvent::End);
            }
            let pos = self.reader.buffer_position() as usize;
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = self.reader.error_position() as usize;
                    return Err(self.error_at(at, format!("not well-formed XML: {e}")));
                }
            };
            match event {
                Event::Start(e) | Event::Empty(e) if self.seen_root && self.path.is_empty() => {
                    let _ = e;
                    return Err(self.error_at(pos, "a second root element; XML allows one"));
                }
                Event::Start(e) => return self.open(e, pos, false),
                Event::Empty(e) => return self.open(e, pos, true),
                Event::End(_) => {
                    self.pending_pop = true;
                    return Ok(XmlEvent::End);
                }
                Event::Text(t) => {
                    if self.path.is_empty() {
                        if t.trim().is_empty() {
                            continue;
                        }
                        return Err(self.outside_root(pos));
                    }
                    return Ok(XmlEvent::Text(t.xml10_content()));
                }
                Event::CData(c) => {
                    if self.path.is_empty() {
                        return Err(self.outside_root(pos));
                    }
                    return Ok(XmlEvent::Text(c.xml10_content()));
                }
                Event::GeneralRef(r) => {
                    if self.path.is_empty() {
                        return Err(self.outside_root(pos));
                    }
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match &*r {
                            "lt" => "<".to_string(),
                            "gt" => ">".to_string(),
                            "amp" => "&".to_string(),
                            "apos" => "'".to_string(),
                            "quot" => "\"".to_string(),
                            other => {
                                return Err(self.error_at(
                                    pos,
                                    format!(
                                        "the entity reference &{other}; is not supported: \
                                         entities are not expanded"
                                    ),
                                ));
                            }
                        },
                        Err(e) => {
                            return Err(self.error_at(pos, format!("bad character reference: {e}")));
                        }
                    };
                    return Ok(XmlEvent::Text(Cow::Owned(resolved)));
                }
                Event::DocType(_) => {
                    return Err(self.error_at(
                        pos,
                        "<!DOCTYPE> declarations are not supported: remove it (entities are \
                         never expanded)",
                    ));
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof => {
                    if let Some(open) = self.path.last() {
                        return Err(self.error_at(
                            self.text.len(),
                            format!("the file ends inside <{open}>: the element is not closed"),
                        ));
                    }
                    if !self.seen_root {
                        return Err(self.error_at(0, "no XML element found: this is not XML"));
                    }
                    return Ok(XmlEvent::Eof);
                }
            }
        }
    }

    fn outside_root(&self, pos: usize) -> ParseError {
        // Point at the first non-blank character.
        let skip = self
            .text
            .get(pos..)
            .map_or(0, |t| t.len() - t.trim_start().len());
        self.error_at(
            pos + skip,
            if self.seen_root {
                "text after the root element"
            } else {
                "text before the root element: this is not an XML document"
            },
        )
    }

    fn open(
        &mut self,
        e: BytesStart<'a>,
        pos: usize,
        empty: bool,
    ) -> Result<XmlEvent<'a>, ParseError> {
        let qname = e.name().into_inner();
        if !is_xml_name(qname) {
            return Err(self.error_at(pos, format!("<{qname}> is not a valid XML element name")));
        }
        if self.path.len() >= MAX_DEPTH {
            return Err(self.error_at(
                pos,
                format!("elements are nested more than {MAX_DEPTH} deep"),
            ));
        }
        for a in e.attributes() {
            match a {
                Ok(a) => {
                    if let Err(err) = a.normalized_value(XmlVersion::Implicit1_0) {
                        return Err(self.error_at(
                            pos,
                            format!(
                                "attribute {} of <{qname}>: {err} (entities are not expanded)",
                                a.key.into_inner()
                            ),
                        ));
                    }
                }
                Err(err) => {
                    return Err(self.error_at(pos, format!("bad attribute in <{qname}>: {err}")));
                }
            }
        }
        self.seen_root = true;
        self.path.push(e.local_name().into_inner().to_string());
        self.pending_end = empty;
        Ok(XmlEvent::Start(Element {
            start: e,
            offset: pos,
        }))
    }
}

/// Collects the text of leaf elements: call [`TextBuf::start`] on every start tag, feed
/// [`XmlEvent::Text`] to [`TextBuf::push`], and [`TextBuf::take`] the trimmed text at the end
/// tag. Text of an element with children is the text after its last child; callers only use
/// leaves.
#[derive(Default)]
pub(crate) struct TextBuf {
    buf: String,
}

impl TextBuf {
    pub fn start(&mut self) {
        self.buf.clear();
    }
    pub fn push(&mut self, s: &str) {
        self.buf.push_str(s);
    }
    pub fn take(&mut self) -> String {
        let s = self.buf.trim().to_string();
        self.buf.clear();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(src: &str) -> Result<Vec<String>, ParseError> {
        let input = Input::in_memory("t.xml", src.as_bytes());
        let text = decode(&input)?;
        let mut r = XmlReader::new(&input, &text);
        let mut out = Vec::new();
        loop {
            match r.next()? {
                XmlEvent::Start(e) => {
                    out.push(format!("<{}@{}", r.path().join("/"), e.offset));
                }
                XmlEvent::End => out.push(format!(">{}", r.path().join("/"))),
                XmlEvent::Text(t) => out.push(t.into_owned()),
                XmlEvent::Eof => return Ok(out),
            }
        }
    }

    #[test]
    fn reads_elements_text_and_references() {
        let got =
            events("<?xml version=\"1.0\"?>\n<a x='1'><b>x &amp; &#65;<![CDATA[<c>]]></b><d/></a>")
                .unwrap();
        assert_eq!(
            got,
            [
                "<a@22", "<a/b@31", "x ", "&", " ", "A", "<c>", ">a/b", "<a/d@66", ">a/d", ">a"
            ]
        );
    }

    #[test]
    fn rejects_doctype_and_entities() {
        let e = events("<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("DOCTYPE"), "{e}");
        let e = events("<a>\n  &x;</a>").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert!(e.message.contains("&x;"), "{e}");
        let e = events("<a b=\"&x;\"/>").unwrap_err();
        assert!(e.message.contains("attribute b"), "{e}");
    }

    #[test]
    fn rejects_non_xml() {
        let e = events("this is not xml").unwrap_err();
        assert!(e.message.contains("not an XML document"), "{e}");
        let e = events("<a>\n<${x}>1</${x}></a>").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        let e = events("<a><b></a>").unwrap_err();
        assert!(e.message.contains("not well-formed"), "{e}");
        let e = events("<a>\n<b>").unwrap_err();
        assert!(e.message.contains("inside <b>"), "{e}");
        assert!(events("").is_err());
        assert!(events("<a><!-- a -- b --></a>").is_ok());
        assert!(events("<a/><b/>").is_err());
    }

    #[test]
    fn caps_depth() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        let e = events(&deep).unwrap_err();
        assert!(e.message.contains("nested"), "{e}");
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(events(&ok).is_ok());
    }

    #[test]
    fn decodes_utf16_and_latin1() {
        let src = "<a>é</a>";
        let mut le = vec![0xFF, 0xFE];
        le.extend(src.encode_utf16().flat_map(u16::to_le_bytes));
        let input = Input::in_memory("t.xml", &le);
        assert_eq!(decode(&input).unwrap(), src);
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9\x80</a>";
        let input = Input::in_memory("t.xml", latin);
        assert!(decode(&input).unwrap().ends_with("<a>é€</a>"));
        let bad = b"<a>\xE9</a>";
        let input = Input::in_memory("t.xml", bad);
        assert_eq!(decode(&input).unwrap_err().column, Some(4));
    }
}
