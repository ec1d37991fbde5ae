//! What a bundle does: every `impl Bundle` is here. Reading one (JSON and
//! TOML go through one reader, `read.rs`), resolving its `options_file`s
//! (`cfg.rs`), and the questions asked of it as a whole.

use std::fmt::Display;

use super::cfg;
use super::diagnostic::Diagnostic;
use super::objects::objects;
use super::read;
use super::schema::{Bundle, MAX_BUNDLE_BYTES};
use crate::error::Error;
use crate::json::{self, Doc, Value};

impl Bundle {
    /// Parses a bundle from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] past [`MAX_BUNDLE_BYTES`], [`Error::Parse`] with
    /// the line and column of malformed JSON or of a field of the wrong shape.
    pub fn from_json(text: &str) -> Result<Bundle, Error> {
        if text.len() > MAX_BUNDLE_BYTES {
            return Err(Error::TooLarge {
                what: "bundle",
                limit: MAX_BUNDLE_BYTES,
            });
        }
        let value = json::parse(text)?;
        Bundle::from_value(&Doc::new(text), &value)
    }

    /// Parses a bundle from TOML text: the same schema as JSON, written as
    /// TOML tables (needs the crate feature `toml`).
    ///
    /// The TOML document is read by the same reader as JSON, so the same
    /// fields are checked with the same messages. Option values may be TOML
    /// strings, integers, floats or booleans, kept in their text form:
    /// integers in decimal, floats as Rust writes them (`30.0` as `30`).
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] past [`MAX_BUNDLE_BYTES`], [`Error::Parse`] with
    /// the line and column of malformed TOML or of a field of the wrong shape.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Bundle, Error> {
        if text.len() > MAX_BUNDLE_BYTES {
            return Err(Error::TooLarge {
                what: "bundle",
                limit: MAX_BUNDLE_BYTES,
            });
        }
        let value = crate::toml_tree::parse(text)?;
        Bundle::from_value(&Doc::new(text), &value)
    }

    /// Reads a bundle from a parsed document (a bundle file, or the `bundle`
    /// of a scenario or an input).
    pub(crate) fn from_value(doc: &Doc<'_>, value: &Value<'_>) -> Result<Bundle, Error> {
        read::bundle(doc, value)
    }

    /// Replaces every `options_file` reference with the options read from
    /// that file, through `read`.
    ///
    /// The objects that may carry `options_file` are the application, the
    /// tenant, the agent groups, the person, the server applications and the
    /// desktop applications. For each, `read(path)` is called with the path
    /// as written in the bundle (the host decides what it is relative to),
    /// the text is parsed with [`parse_cfg`](cfg::parse_cfg), and the result becomes the
    /// object's `options`, its `options_file` cleared. The bundle is changed
    /// only when every file was read and parsed.
    ///
    /// Returns the warnings of every file, each naming its object and file.
    ///
    /// # Errors
    ///
    /// [`Error::OptionsFile`] naming the object and the file when an object
    /// gives both non-empty `options` and `options_file`, when its
    /// `options_file` is empty, when `read` fails, or when the file does not
    /// parse (with the line).
    pub fn resolve_option_files<E: Display>(
        &mut self,
        read: impl FnMut(&str) -> Result<String, E>,
    ) -> Result<Vec<Diagnostic>, Error> {
        cfg::resolve_option_files(self, read)
    }

    /// Whether any object still names an `options_file` to be resolved.
    pub fn has_option_files(&self) -> bool {
        objects(self)
            .iter()
            .any(|object| object.options_file.is_some())
    }

    /// The first object that still names an `options_file`, as messages
    /// name it (`person agent1`), with the file as written.
    pub fn first_option_file(&self) -> Option<(String, &str)> {
        objects(self)
            .into_iter()
            .find_map(|object| Some((object.describe(), object.options_file?)))
    }

    /// Whether this bundle holds only the local bootstrap configuration.
    ///
    /// Such a bundle names no server application, so the desktop has to reach
    /// a Configuration Server Proxy first (rule 1, bootstrap).
    pub fn is_local_only(&self) -> bool {
        self.servers.is_empty() && self.desktop_applications.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Member;

    #[test]
    fn version_other_than_one_is_refused_with_its_number() {
        let err = Bundle::from_json(r#"{"version": 2}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unsupported bundle version 2: this build reads version 1"),
            "{err}"
        );
        let err = Bundle::from_json("{}").unwrap_err();
        assert!(err.to_string().contains("missing field `version`"), "{err}");
    }

    #[test]
    fn a_bundle_with_only_local_is_local_only() {
        let bundle = Bundle::from_json(
            r#"{"version":1,"local":{"sites":[{"name":"SiteA","config_server":{"primary":"a:1"}}]}}"#,
        )
        .unwrap();
        assert!(bundle.is_local_only());
        assert_eq!(
            bundle.local.sites[0].config_server.member(Member::Primary),
            Some("a:1")
        );
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_bundles_read_like_json_ones() {
        let bundle = Bundle::from_toml(
            "version = 1\n\n[person]\nname = \"agent1\"\n\n[person.options.interaction-workspace]\n\"disaster-recovery.timeout\" = 30\n\"disaster-recovery.enabled\" = true\n",
        )
        .unwrap();
        let person = bundle.person.unwrap();
        let section = &person.options["interaction-workspace"];
        assert_eq!(section["disaster-recovery.timeout"].as_str(), "30");
        assert_eq!(section["disaster-recovery.enabled"].as_str(), "true");
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_errors_give_line_and_column() {
        let err = Bundle::from_toml("version = 1\n[person]\nname = = 1\n").unwrap_err();
        let Error::Parse { line, column, .. } = err else {
            panic!("{err:?}");
        };
        assert_eq!((line, column), (3, 8));
        let err = Bundle::from_toml("version = 2\n").unwrap_err();
        assert!(
            err.to_string().contains(
                "line 1, column 11: unsupported bundle version 2: this build reads version 1"
            ),
            "{err}"
        );
        let err = Bundle::from_toml("").unwrap_err();
        assert!(err.to_string().contains("missing field `version`"), "{err}");
        let text = " ".repeat(MAX_BUNDLE_BYTES + 1);
        assert!(matches!(
            Bundle::from_toml(&text),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn oversized_bundles_are_refused_before_parsing() {
        let text = " ".repeat(MAX_BUNDLE_BYTES + 1);
        assert!(matches!(
            Bundle::from_json(&text),
            Err(Error::TooLarge { .. })
        ));
    }
}
