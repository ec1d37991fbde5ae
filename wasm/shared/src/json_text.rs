//! A small serde serializer that writes the engine's values as compact JSON
//! text, as `serde_json::to_string` would write them.
//!
//! It writes only what the engine's values hold — strings, unsigned and
//! signed integers, booleans, `null`, lists, maps and structs, enums as serde
//! tags them — and refuses floats and bytes, which no value of the engine
//! has. Map keys are written as strings (a number key in quotes), as
//! `serde_json` does.
//!
//! Why not `serde_json` or `serde-wasm-bindgen`: the runtime module carries
//! this writer for every value it sends to JavaScript, and it is smaller
//! than either (see [`to_js`](crate::to_js) for the figures).

use std::fmt::{self, Display};

use serde::ser::{self, Serialize};

/// Writes `value` as compact JSON text.
///
/// # Errors
///
/// When `value` holds a float or bytes (no value of the engine does).
pub fn to_string(value: &(impl Serialize + ?Sized)) -> Result<String, Unsupported> {
    let mut writer = Writer(String::new());
    value.serialize(&mut writer)?;
    Ok(writer.0)
}

/// A value JSON text is not written for here (a float or bytes).
#[derive(Debug)]
pub struct Unsupported;

impl Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value the engine does not send (a float or bytes)")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: Display>(_: T) -> Self {
        Unsupported
    }
}

/// The text written so far.
struct Writer(String);

impl Writer {
    fn string(&mut self, s: &str) {
        let out = &mut self.0;
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if c < ' ' => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let low = c as usize;
                    out.push_str("\\u00");
                    out.push(char::from(HEX[low >> 4]));
                    out.push(char::from(HEX[low & 15]));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn unsigned(&mut self, mut n: u64) {
        // Digits into a small buffer, last first: no formatting machinery.
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &digit in &digits[at..] {
            self.0.push(char::from(digit));
        }
    }

    /// Opens an object or a list; the compound writes its members.
    fn open(&mut self, bracket: char) -> Compound<'_> {
        self.0.push(bracket);
        Compound {
            writer: self,
            first: true,
        }
    }

    /// `{"variant":` — an externally tagged variant's opening.
    fn tag(&mut self, variant: &str) {
        self.0.push('{');
        self.string(variant);
        self.0.push(':');
    }
}

/// An object or a list being written.
struct Compound<'w> {
    writer: &'w mut Writer,
    first: bool,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.writer.0.push(',');
        }
        self.first = false;
    }

    fn element(&mut self, value: &(impl Serialize + ?Sized)) -> Result<(), Unsupported> {
        self.comma();
        value.serialize(&mut *self.writer)
    }

    fn field(&mut self, key: &str, value: &(impl Serialize + ?Sized)) -> Result<(), Unsupported> {
        self.comma();
        self.writer.string(key);
        self.writer.0.push(':');
        value.serialize(&mut *self.writer)
    }

    fn close(self, end: &str) -> Result<(), Unsupported> {
        self.writer.0.push_str(end);
        Ok(())
    }
}

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Compound<'w>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Compound<'w>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        if v < 0 {
            self.0.push('-');
        }
        self.unsigned(v.unsigned_abs());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.unsigned(v);
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        self.tag(variant);
        value.serialize(&mut *self)?;
        self.0.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open('['))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open('['))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open('['))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w>, Unsupported> {
        self.tag(variant);
        Ok(self.open('['))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open('{'))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'w>, Unsupported> {
        Ok(self.open('{'))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w>, Unsupported> {
        self.tag(variant);
        Ok(self.open('{'))
    }
}

/// The compounds whose members are elements, and those whose members are
/// named fields, each with the text that ends it (a variant's also ends
/// the object around it).
macro_rules! compound {
    ($($kind:ident :: $method:ident => $end:literal),* ; $($named:ident => $named_end:literal),*) => {
        $(impl ser::$kind for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
                self.element(value)
            }
            fn end(self) -> Result<(), Unsupported> {
                self.close($end)
            }
        })*
        $(impl ser::$named for Compound<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Unsupported> {
                self.field(key, value)
            }
            fn end(self) -> Result<(), Unsupported> {
                self.close($named_end)
            }
        })*
    };
}

compound!(
    SerializeSeq::serialize_element => "]",
    SerializeTuple::serialize_element => "]",
    SerializeTupleStruct::serialize_field => "]",
    SerializeTupleVariant::serialize_field => "]}";
    SerializeStruct => "}",
    SerializeStructVariant => "}}"
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.comma();
        let start = self.writer.0.len();
        key.serialize(&mut *self.writer)?;
        // A key that is not a string (a number) is quoted, as serde_json does.
        if !self.writer.0[start..].starts_with('"') {
            self.writer.0.insert(start, '"');
            self.writer.0.push('"');
        }
        self.writer.0.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unsupported> {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Unsupported> {
        self.close("}")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::Path;

    use continuity_core::config::{PolicyJson, Report};
    use continuity_core::{Bundle, Emitted, Engine, Input};
    use serde::Serialize;

    use super::to_string;

    /// What `serde_json::to_string` writes, which the runtime's text must equal.
    fn assert_like_serde_json(value: &impl Serialize) {
        let expected = serde_json::to_string(value).unwrap();
        assert_eq!(to_string(value).unwrap(), expected);
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn repo(path: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path)
    }

    #[test]
    fn every_output_of_the_scenario_corpus_is_written_as_serde_json_writes_it() {
        let mut lines = 0;
        for entry in fs::read_dir(repo("tests/scenarios")).unwrap() {
            let path = entry.unwrap().path();
            if !path.to_string_lossy().ends_with(".trace.jsonl") {
                continue;
            }
            for line in read(&path).lines().filter(|l| !l.trim().is_empty()) {
                let emitted: Emitted = serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("{}: {e}: {line}", path.display()));
                assert_like_serde_json(&emitted);
                lines += 1;
            }
        }
        assert!(lines > 100, "only {lines} trace lines read");
    }

    #[test]
    fn status_policy_warnings_and_reports_are_written_as_serde_json_writes_them() {
        let bundle = Bundle::from_json(&read(&repo("examples/bundles/workspace.json"))).unwrap();
        let mut engine = Engine::new(bundle.clone(), 7).unwrap();
        assert_like_serde_json(&engine.status());
        let _ = engine.handle_start(0);
        let inputs = [
            r#"{"type":"link_up","site":"SiteA","service":"sip-server","member":"primary"}"#,
            r#"{"type":"link_down","site":"SiteA","service":"sip-server","member":"primary"}"#,
            r#"{"type":"interaction_started","id":"call \"1\"\n"}"#,
        ];
        for (at, input) in inputs.iter().enumerate() {
            let _ = engine.handle_input(Input::from_json(input).unwrap(), at as u64 * 1000);
            assert_like_serde_json(&engine.status());
        }
        engine.handle_timeout(600_000);
        assert_like_serde_json(&engine.status());
        assert_like_serde_json(&engine.policy().map(PolicyJson::new));
        assert_like_serde_json(&engine.warnings());
        assert_like_serde_json(&Report::new(&bundle, Vec::new()));
        for broken in ["broken-workspace.json", "broken-agent-desktop.json"] {
            let text = read(&repo(&format!("examples/bundles/{broken}")));
            let report = Report::new(&Bundle::from_json(&text).unwrap(), Vec::new());
            assert_like_serde_json(&report);
        }
    }

    #[derive(Serialize)]
    enum Shapes {
        Unit,
        Newtype(i64),
        Tuple(u8, Option<String>),
        Struct { a: bool, b: Vec<()> },
    }

    #[test]
    fn every_shape_serde_has_is_written_as_serde_json_writes_it() {
        let text = "quote \" backslash \\ controls \u{0}\u{1f}\u{8}\u{c}\n\r\t é 𝄞";
        assert_like_serde_json(&text);
        assert_like_serde_json(&'\u{7}');
        for n in [i64::MIN, -1, 0, 9, 10, i64::MAX] {
            assert_like_serde_json(&n);
        }
        assert_like_serde_json(&u64::MAX);
        assert_like_serde_json(&(1u8, 2u16, 3u32, -4i8, -5i16, -6i32));
        assert_like_serde_json(&[
            Shapes::Unit,
            Shapes::Newtype(-3),
            Shapes::Tuple(1, None),
            Shapes::Struct {
                a: true,
                b: vec![(), ()],
            },
        ]);
        let keyed: BTreeMap<u32, &str> = [(1, "one"), (20, "twenty")].into_iter().collect();
        assert_like_serde_json(&keyed);
        let empty: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        assert_like_serde_json(&(empty, Vec::<u8>::new(), Some(Some(false))));
    }

    #[test]
    fn floats_and_bytes_are_refused_not_written_wrong() {
        assert!(to_string(&1.5f64).is_err());
        assert!(to_string(&[0.0f32]).is_err());
        assert!(to_string(serde_bytes_like()).is_err());
    }

    /// A value serialized as bytes.
    fn serde_bytes_like() -> &'static impl Serialize {
        struct Bytes;
        impl Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(b"raw")
            }
        }
        &Bytes
    }
}
