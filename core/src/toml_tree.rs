//! TOML text to the tree of values [`crate::json`] makes, so that a TOML
//! bundle is read by the same reader as a JSON one (`config/read.rs`): the
//! same field checks, the same messages, each located in the TOML text.
//!
//! Every value keeps the byte offset where it starts in the TOML text. The
//! TOML kinds map onto JSON's as `toml`'s serde support shows them:
//!
//! - integers (any radix, with `_`) become numbers in decimal (`0x1F` as
//!   `31`), floats numbers as Rust writes an `f64` (`30.0` as `30`, `1.5e3`
//!   as `1500`, `nan` as `NaN`), so an option value reads as it did through
//!   serde (a float that denotes a whole number therefore reads as that
//!   integer: `version = 1.0` is version 1);
//! - a datetime becomes a one-member table (the key is `toml`'s private
//!   datetime key, the value its text): it is not a string, and where a
//!   string is expected it is refused as a map, as serde refused it;
//! - tables keep their keys in `toml`'s order (sorted), which the reader
//!   does not depend on: it looks fields up by name, and TOML has no
//!   repeated keys.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Error, line_and_column};
use crate::json::{Kind, Value, error_at};

/// How deeply arrays and tables may nest (as for JSON).
const MAX_DEPTH: usize = 128;

/// The key `toml`'s serde support gives a datetime's one-member table.
const DATETIME_KEY: &str = "$__toml_private_datetime";

/// Parses `text` as a TOML document: its root table as a [`Value`].
///
/// # Errors
///
/// [`Error::Parse`] with the line and column of malformed TOML, of an
/// integer beyond 128 bits, or of nesting deeper than 128 levels.
pub(crate) fn parse(text: &str) -> Result<Value<'_>, Error> {
    let root = DeTable::parse(text).map_err(|err| syntax_error(text, &err))?;
    let at = root.span().start;
    table(text, at, root.into_inner(), 0)
}

fn value<'t>(
    text: &'t str,
    spanned: Spanned<DeValue<'t>>,
    depth: usize,
) -> Result<Value<'t>, Error> {
    let at = spanned.span().start;
    let kind = match spanned.into_inner() {
        DeValue::String(s) => Kind::String(s),
        DeValue::Boolean(b) => Kind::Bool(b),
        DeValue::Integer(integer) => {
            let (digits, radix) = (integer.as_str(), integer.radix());
            let decimal = i128::from_str_radix(digits, radix)
                .map_err(|_| error_at(text, at, "integer number overflowed"))?;
            Kind::Number(Cow::Owned(decimal.to_string()))
        }
        DeValue::Float(float) => {
            let number: f64 = float
                .as_str()
                .parse()
                .map_err(|_| error_at(text, at, "invalid floating-point number"))?;
            Kind::Number(Cow::Owned(number.to_string()))
        }
        DeValue::Datetime(datetime) => Kind::Object(vec![(
            Cow::Borrowed(DATETIME_KEY),
            Value {
                at,
                kind: Kind::String(Cow::Owned(datetime.to_string())),
            },
        )]),
        DeValue::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(error_at(text, at, "recursion limit exceeded"));
            }
            let items = items
                .into_iter()
                .map(|item| value(text, item, depth + 1))
                .collect::<Result<_, _>>()?;
            Kind::Array(items)
        }
        DeValue::Table(members) => return table(text, at, members, depth),
    };
    Ok(Value { at, kind })
}

fn table<'t>(
    text: &'t str,
    at: usize,
    members: DeTable<'t>,
    depth: usize,
) -> Result<Value<'t>, Error> {
    if depth >= MAX_DEPTH {
        return Err(error_at(text, at, "recursion limit exceeded"));
    }
    let members = members
        .into_iter()
        .map(|(key, item)| Ok((key.into_inner(), value(text, item, depth + 1)?)))
        .collect::<Result<_, Error>>()?;
    Ok(Value {
        at,
        kind: Kind::Object(members),
    })
}

/// A TOML syntax error, located by line and column in `text`.
fn syntax_error(text: &str, err: &toml::de::Error) -> Error {
    let (line, column) = err
        .span()
        .map_or((0, 0), |span| line_and_column(text, span.start));
    Error::Parse {
        line,
        column,
        message: err.message().trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str, key: &str) -> Kind<'static> {
        let Kind::Object(members) = parse(text).unwrap().kind else {
            panic!("a table")
        };
        let (_, value) = members.into_iter().find(|(k, _)| k == key).unwrap();
        match value.kind {
            Kind::Number(n) => Kind::Number(Cow::Owned(n.into_owned())),
            Kind::String(s) => Kind::String(Cow::Owned(s.into_owned())),
            Kind::Bool(b) => Kind::Bool(b),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers_read_as_serde_read_them() {
        for (toml, number) in [
            ("x = 30", "30"),
            ("x = 0x1F", "31"),
            ("x = 1_000", "1000"),
            ("x = -7", "-7"),
            ("x = 30.0", "30"),
            ("x = 1.5e3", "1500"),
            ("x = 0.25", "0.25"),
            ("x = nan", "NaN"),
        ] {
            assert_eq!(kind(toml, "x"), Kind::Number(number.into()), "{toml}");
        }
        assert_eq!(kind("x = true", "x"), Kind::Bool(true));
        assert_eq!(kind("x = 'a\\b'", "x"), Kind::String("a\\b".into()));
    }

    #[test]
    fn values_remember_where_they_start() {
        let value = parse("a = 1\n[t]\nb = \"x\"\n").unwrap();
        let Kind::Object(members) = value.kind else {
            panic!("a table")
        };
        assert_eq!(members[0].1.at, 4, "a's value");
        let Kind::Object(inner) = &members[1].1.kind else {
            panic!("a table")
        };
        assert_eq!(
            line_and_column("a = 1\n[t]\nb = \"x\"\n", inner[0].1.at),
            (3, 5)
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("x = {}{}", "[".repeat(200), "]".repeat(200));
        // `toml` stops first (at 80 levels); the tree's own bound is a backstop.
        let err = parse(&deep).unwrap_err();
        assert!(err.to_string().contains("recursion"), "{err}");
    }
}
