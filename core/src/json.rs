//! A small JSON reader: text to a tree of values that remember where they
//! start, so every error names its line and column.
//!
//! Bundles, inputs and scenarios are read through this tree rather than
//! through serde's derived readers: those are compiled once per type and
//! per reader. Measured in the runtime module a desktop downloads (53.3 KB
//! gzip with this reader): reading the bundle with `serde_json` and the
//! derived `Deserialize` instead makes it 80.4 KB (+27.1 KB); taking the
//! bundle as a JavaScript object through `serde-wasm-bindgen` and the same
//! derive, 67.5 KB (+14.2 KB). This reader pays for itself. Writing goes
//! through serde's `Serialize`: to JSON text with `serde_json` natively, and
//! in the package with a small writer of its own (`continuity-wasm-shared`'s
//! `json_text`).

use std::borrow::Cow;

use crate::error::Error;
use crate::wire::WireEnum;

/// How deeply arrays and objects may nest (as serde_json).
const MAX_DEPTH: usize = 128;

/// A JSON value and the byte offset where it starts in the text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Value<'a> {
    /// Byte offset of the value's first character.
    pub at: usize,
    /// The value.
    pub kind: Kind<'a>,
}

/// The kinds of JSON values.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind<'a> {
    Null,
    Bool(bool),
    /// A number, as written (the grammar is checked); a TOML number as
    /// Rust writes it (see `toml_tree`).
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in the order written (a repeated key is kept twice).
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl Kind<'_> {
    /// What the value is, for "invalid type" messages, as serde words it.
    pub fn describe(&self) -> String {
        match self {
            Kind::Null => "null".to_owned(),
            Kind::Bool(b) => format!("boolean `{b}`"),
            Kind::Number(n) if is_integer(n) => format!("integer `{n}`"),
            Kind::Number(n) => format!("floating point `{n}`"),
            Kind::String(s) => format!("string \"{s}\""),
            Kind::Array(_) => "sequence".to_owned(),
            Kind::Object(_) => "map".to_owned(),
        }
    }
}

/// Whether a JSON number (as written) is an integer: no fraction, no exponent.
pub(crate) fn is_integer(number: &str) -> bool {
    !number.contains(['.', 'e', 'E'])
}

/// Parses `text` as one JSON value.
///
/// # Errors
///
/// [`Error::Parse`] with the line and column of the first character that
/// does not fit.
pub(crate) fn parse(text: &str) -> Result<Value<'_>, Error> {
    let mut parser = Parser { text, pos: 0 };
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos < text.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok(value)
}

/// An [`Error::Parse`] at byte `at` of `text`.
pub(crate) fn error_at(text: &str, at: usize, message: impl Into<String>) -> Error {
    let (line, column) = crate::error::line_and_column(text, at);
    Error::Parse {
        line,
        column,
        message: message.into(),
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: &str) -> Error {
        error_at(self.text, self.pos, message)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, Error> {
        self.skip_whitespace();
        let at = self.pos;
        let kind = match self.peek() {
            None => return Err(self.error("EOF while parsing a value")),
            Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => {
                return Err(self.error("recursion limit exceeded"));
            }
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(Cow::Borrowed(self.number()?)),
            Some(_) if self.keyword("true") => Kind::Bool(true),
            Some(_) if self.keyword("false") => Kind::Bool(false),
            Some(_) if self.keyword("null") => Kind::Null,
            Some(_) => return Err(self.error("expected value")),
        };
        Ok(Value { at, kind })
    }

    /// The text from `from` to `to`. Both are at ASCII delimiters, so at
    /// character boundaries: `get` never fails here, and unlike indexing it
    /// brings no panic path (with its formatting code) into the module.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// Whether the text at the current position starts with `prefix`.
    fn at(&self, prefix: &str) -> bool {
        self.text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(prefix.as_bytes()))
    }

    fn keyword(&mut self, word: &str) -> bool {
        if self.at(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind<'a>, Error> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'"') => {}
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("key must be a string")),
            }
            let key = self.string()?;
            self.skip_whitespace();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `:`")),
            }
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Kind::Object(members));
                }
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind<'a>, Error> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Kind::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Kind::Array(items));
                }
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn number(&mut self) -> Result<&'a str, Error> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let digits = |pos: &mut usize| {
            let from = *pos;
            while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos > from
        };
        let mut pos = self.pos;
        if bytes[pos] == b'-' {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(b'0') => pos += 1,
            Some(b'1'..=b'9') => {
                digits(&mut pos);
            }
            _ => {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            if !digits(&mut pos) {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = bytes.get(pos) {
            pos += 1;
            if let Some(b'+' | b'-') = bytes.get(pos) {
                pos += 1;
            }
            if !digits(&mut pos) {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        self.pos = pos;
        Ok(self.slice(start, pos))
    }

    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.pos += 1;
        let start = self.pos;
        let bytes = self.text.as_bytes();
        // The common case: no escape, borrowed as it is.
        loop {
            match bytes.get(self.pos) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    let s = self.slice(start, self.pos);
                    self.pos += 1;
                    return Ok(Cow::Borrowed(s));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => {
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                Some(_) => self.pos += 1,
            }
        }
        let mut out = String::from(self.slice(start, self.pos));
        loop {
            match bytes.get(self.pos) {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(0..=0x1f) => {
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                Some(_) => {
                    // Copy up to the next quote, backslash or control character.
                    let from = self.pos;
                    while bytes
                        .get(self.pos)
                        .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
                    {
                        self.pos += 1;
                    }
                    out.push_str(self.slice(from, self.pos));
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                match first {
                    0xD800..=0xDBFF => {
                        if !self.at("\\u") {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        self.pos += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.error("lone trailing surrogate in hex escape"));
                    }
                    code => char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("invalid escape"));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let Some(hex) = self.text.get(self.pos..self.pos + 4) else {
            return Err(self.error("EOF while parsing a string"));
        };
        let Some(code) = hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
        else {
            return Err(self.error("invalid escape"));
        };
        self.pos += 4;
        Ok(code)
    }
}

/// Reads typed fields out of a parsed document, with serde's wording for
/// every mistake and the line and column where it is.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'t> {
    text: &'t str,
}

impl<'t> Doc<'t> {
    /// A reader for values parsed from `text`.
    pub fn new(text: &'t str) -> Doc<'t> {
        Doc { text }
    }

    /// An error located at `value`.
    pub fn error(&self, value: &Value<'_>, message: impl Into<String>) -> Error {
        error_at(self.text, value.at, message)
    }

    /// "invalid type: …, expected …".
    pub fn invalid_type(&self, value: &Value<'_>, expected: &str) -> Error {
        self.error(
            value,
            format!(
                "invalid type: {}, expected {expected}",
                value.kind.describe()
            ),
        )
    }

    /// The members of an object, for reading a struct.
    pub fn object<'v, 'a>(
        &self,
        value: &'v Value<'a>,
        expected: &str,
    ) -> Result<Obj<'v, 'a, 't>, Error> {
        match &value.kind {
            Kind::Object(members) => Ok(Obj {
                doc: *self,
                value,
                members,
            }),
            _ => Err(self.invalid_type(value, expected)),
        }
    }

    /// A string.
    pub fn string(&self, value: &Value<'_>) -> Result<String, Error> {
        match &value.kind {
            Kind::String(s) => Ok(s.as_ref().to_owned()),
            _ => Err(self.invalid_type(value, "a string")),
        }
    }

    /// A boolean.
    pub fn bool(&self, value: &Value<'_>) -> Result<bool, Error> {
        match value.kind {
            Kind::Bool(b) => Ok(b),
            _ => Err(self.invalid_type(value, "a boolean")),
        }
    }

    /// A non-negative integer that fits in 64 bits.
    pub fn u64(&self, value: &Value<'_>) -> Result<u64, Error> {
        match &value.kind {
            Kind::Number(n) if is_integer(n) => n.parse().map_err(|_| {
                self.error(value, format!("invalid value: integer `{n}`, expected u64"))
            }),
            _ => Err(self.invalid_type(value, "u64")),
        }
    }

    /// An array's items.
    pub fn array<'v, 'a>(&self, value: &'v Value<'a>) -> Result<&'v [Value<'a>], Error> {
        match &value.kind {
            Kind::Array(items) => Ok(items),
            _ => Err(self.invalid_type(value, "a sequence")),
        }
    }

    /// One of `names`, given as a string.
    pub fn variant<'n>(&self, value: &Value<'_>, names: &[&'n str]) -> Result<&'n str, Error> {
        let Kind::String(s) = &value.kind else {
            return Err(self.invalid_type(value, "a string"));
        };
        names
            .iter()
            .find(|name| **name == s.as_ref())
            .copied()
            .ok_or_else(|| self.unknown_variant(value, s, names))
    }

    /// A variant of a [`WireEnum`], given as its wire name.
    pub fn wire<T: WireEnum>(&self, value: &Value<'_>) -> Result<T, Error> {
        let Kind::String(s) = &value.kind else {
            return Err(self.invalid_type(value, "a string"));
        };
        T::from_wire_name(s).ok_or_else(|| self.unknown_variant(value, s, T::NAMES))
    }

    /// "unknown variant `s`, expected …".
    fn unknown_variant(&self, value: &Value<'_>, s: &str, names: &[&str]) -> Error {
        self.error(
            value,
            format!("unknown variant `{s}`, {}", expected_list(names)),
        )
    }
}

/// An object being read into a struct.
pub(crate) struct Obj<'v, 'a, 't> {
    doc: Doc<'t>,
    value: &'v Value<'a>,
    members: &'v [(Cow<'a, str>, Value<'a>)],
}

impl<'v, 'a> Obj<'v, 'a, '_> {
    /// The field `name`, if present.
    ///
    /// # Errors
    ///
    /// "duplicate field" when the object gives it twice.
    pub fn get(&self, name: &str) -> Result<Option<&'v Value<'a>>, Error> {
        let mut found = self.members.iter().filter(|(key, _)| key == name);
        let first = found.next().map(|(_, value)| value);
        if let Some((_, again)) = found.next() {
            return Err(self.doc.error(again, format!("duplicate field `{name}`")));
        }
        Ok(first)
    }

    /// The field `name`, which must be present.
    pub fn required(&self, name: &str) -> Result<&'v Value<'a>, Error> {
        self.get(name)?.ok_or_else(|| {
            self.doc
                .error(self.value, format!("missing field `{name}`"))
        })
    }

    /// Refuses any field but `fields` (named in the message) and `also`
    /// (a tag such as `type`, not named).
    pub fn deny_unknown(&self, fields: &[&str], also: &[&str]) -> Result<(), Error> {
        let known = |key: &str| fields.contains(&key) || also.contains(&key);
        match self.members.iter().find(|(key, _)| !known(key)) {
            Some((key, value)) => Err(self.doc.error(
                value,
                format!("unknown field `{key}`, {}", expected_list(fields)),
            )),
            None => Ok(()),
        }
    }

    /// Every member, in order.
    pub fn members(&self) -> &'v [(Cow<'a, str>, Value<'a>)] {
        self.members
    }

    /// An optional string field (`null` counts as absent).
    pub fn opt_string(&self, name: &str) -> Result<Option<String>, Error> {
        self.opt(name, |doc, v| doc.string(v))
    }

    /// An optional field read by `read` (`null` counts as absent).
    pub fn opt<T>(
        &self,
        name: &str,
        read: impl FnOnce(&Doc<'_>, &'v Value<'a>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.get(name)? {
            None => Ok(None),
            Some(value) if value.kind == Kind::Null => Ok(None),
            Some(value) => read(&self.doc, value).map(Some),
        }
    }

    /// A list field, absent meaning empty, each item read by `read`.
    pub fn list<T>(
        &self,
        name: &str,
        mut read: impl FnMut(&Doc<'_>, &'v Value<'a>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let Some(value) = self.get(name)? else {
            return Ok(Vec::new());
        };
        // A loop, not `collect::<Result<Vec<_>, _>>()`: that adapter is
        // compiled once per element type at several times the size
        // (measured in the runtime module: 3.1 KB raw, 1.5 KB gzip less).
        let items = self.doc.array(value)?;
        let mut list = Vec::with_capacity(items.len());
        for item in items {
            list.push(read(&self.doc, item)?);
        }
        Ok(list)
    }
}

/// serde's "expected …" tail for a list of names.
fn expected_list(names: &[&str]) -> String {
    match names {
        [] => "there are no fields".to_owned(),
        [one] => format!("expected `{one}`"),
        [a, b] => format!("expected `{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("expected one of {}", quoted.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Kind<'_> {
        parse(text).unwrap().kind
    }

    fn fails(text: &str) -> (usize, usize, String) {
        match parse(text) {
            Err(Error::Parse {
                line,
                column,
                message,
            }) => (line, column, message),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn reads_every_kind_of_value_with_its_offset() {
        let value = parse(r#" {"a": [1, -2.5e3, true, false, null], "b": "x"} "#).unwrap();
        assert_eq!(value.at, 1);
        let Kind::Object(members) = value.kind else {
            panic!("an object")
        };
        assert_eq!(members[0].0, "a");
        let Kind::Array(items) = &members[0].1.kind else {
            panic!("an array")
        };
        let kinds: Vec<_> = items.iter().map(|v| v.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                Kind::Number("1".into()),
                Kind::Number("-2.5e3".into()),
                Kind::Bool(true),
                Kind::Bool(false),
                Kind::Null
            ]
        );
        assert_eq!(items[1].at, 11);
        assert_eq!(members[1].1.kind, Kind::String("x".into()));
    }

    #[test]
    fn strings_unescape_like_serde_json() {
        for (text, expected) in [
            (r#""plain""#, "plain"),
            (r#""a\"b\\c\/d""#, "a\"b\\c/d"),
            (r#""\b\f\n\r\t""#, "\u{8}\u{c}\n\r\t"),
            (r#""\u00e9\u20AC""#, "é€"),
            (r#""\ud83d\ude00!""#, "😀!"),
            ("\"é and 😀\"", "é and 😀"),
        ] {
            assert_eq!(kind(text), Kind::String(expected.into()), "{text}");
            let serde: String = serde_json::from_str(text).unwrap();
            assert_eq!(serde, expected);
        }
    }

    #[test]
    fn malformed_text_is_located() {
        for (text, line, column, message) in [
            ("", 1, 1, "EOF while parsing a value"),
            ("{\"a\": 1,\n  \"b\" 2}", 2, 7, "expected `:`"),
            ("[1, 2", 1, 6, "EOF while parsing a list"),
            ("[1 2]", 1, 4, "expected `,` or `]`"),
            ("{1: 2}", 1, 2, "key must be a string"),
            ("{\"a\": tru}", 1, 7, "expected value"),
            ("01", 1, 2, "trailing characters"),
            ("1.", 1, 3, "invalid number"),
            ("-", 1, 2, "invalid number"),
            ("1e+", 1, 4, "invalid number"),
            ("\"\\x\"", 1, 3, "invalid escape"),
            ("\"\\u12g4\"", 1, 4, "invalid escape"),
            ("\"\\ud800\"", 1, 8, "lone leading surrogate in hex escape"),
            ("\"\\udc00\"", 1, 8, "lone trailing surrogate in hex escape"),
            ("\"a\nb\"", 1, 3, "control character"),
            ("\"abc", 1, 5, "EOF while parsing a string"),
            ("{} {}", 1, 4, "trailing characters"),
        ] {
            let (l, c, m) = fails(text);
            assert_eq!((l, c), (line, column), "{text:?}: {m}");
            assert!(m.contains(message), "{text:?}: {m}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(fails(&deep).2.contains("recursion limit"));
        let fine = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn values_are_described_as_serde_does() {
        assert_eq!(kind("5").describe(), "integer `5`");
        assert_eq!(kind("-1.5").describe(), "floating point `-1.5`");
        assert_eq!(kind("\"x\"").describe(), "string \"x\"");
        assert_eq!(kind("[]").describe(), "sequence");
        assert_eq!(kind("{}").describe(), "map");
        assert_eq!(kind("null").describe(), "null");
        assert_eq!(kind("true").describe(), "boolean `true`");
    }

    /// Our tree, as serde_json's, to compare the two readers.
    fn to_serde(value: &Value<'_>) -> serde_json::Value {
        match &value.kind {
            Kind::Null => serde_json::Value::Null,
            Kind::Bool(b) => serde_json::Value::Bool(*b),
            Kind::Number(n) => serde_json::from_str(n).expect("a number serde reads"),
            Kind::String(s) => serde_json::Value::String(s.as_ref().to_owned()),
            Kind::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
            Kind::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.as_ref().to_owned(), to_serde(v)))
                    .collect(),
            ),
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            (-1e12f64..1e12).prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
        ))]

        /// Whatever serde_json writes, we read back as the same value.
        #[test]
        fn reads_what_serde_json_writes(value in json_value(), pretty in proptest::bool::ANY) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let ours = parse(&text).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}: {text}")))?;
            // Compared with serde's reading of the same text: its float
            // parsing does not always give back the exact value it wrote.
            let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
            proptest::prop_assert_eq!(to_serde(&ours), theirs);
        }

        /// On any text (a JSON text with one byte changed, or JSON-ish
        /// noise), we accept exactly what serde_json accepts, and read it
        /// alike; numbers beyond f64 and nesting past 127 levels aside.
        #[test]
        fn accepts_what_serde_json_accepts(
            value in json_value(),
            at in proptest::prelude::any::<proptest::sample::Index>(),
            byte in proptest::prelude::prop_oneof![
                proptest::prelude::Just(b'"'), proptest::prelude::Just(b'\\'),
                proptest::prelude::Just(b','), proptest::prelude::Just(b':'),
                proptest::prelude::Just(b'{'), proptest::prelude::Just(b']'),
                proptest::prelude::Just(b'e'), proptest::prelude::Just(b'-'),
                proptest::prelude::Just(b'0'), proptest::prelude::Just(b' '),
                proptest::prelude::Just(b'u'), proptest::prelude::Just(b'\n'),
            ],
            noise in "[\\[\\]{}\",:0-9eE.+\\-a-z \\\\]{0,24}",
        ) {
            let mut bytes = serde_json::to_vec(&value).unwrap();
            let i = at.index(bytes.len() + 1);
            if i < bytes.len() { bytes[i] = byte; } else { bytes.push(byte); }
            for text in [String::from_utf8_lossy(&bytes).into_owned(), noise] {
                let theirs = serde_json::from_str::<serde_json::Value>(&text);
                let ours = parse(&text);
                match (&theirs, &ours) {
                    (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, &to_serde(b), "{}", text),
                    (Err(e), Ok(_)) if e.to_string().contains("number out of range") => {}
                    (Err(_), Err(_)) => {}
                    _ => proptest::prop_assert!(false, "{text:?}: serde {theirs:?}, ours {ours:?}"),
                }
            }
        }
    }
}
