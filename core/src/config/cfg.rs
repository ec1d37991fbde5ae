//! Genesys Administrator option exports (`.cfg` files) and the bundle's
//! `options_file` references to them.
//!
//! An option export holds the options of one configuration object:
//!
//! ```text
//! ; exported from Genesys Administrator
//! [interaction-workspace]
//! disaster-recovery.preferred-site = SiteA
//! disaster-recovery.peer-site=SiteB
//! ```
//!
//! How [`parse_cfg`] reads it, line by line:
//!
//! - **Encoding and line ends.** The text is UTF-8; one byte-order mark
//!   (U+FEFF) at the very start is skipped. Lines end with LF or CRLF (the
//!   CR is dropped); a CR anywhere else is an ordinary character (trimmed
//!   like other whitespace at the ends of a line).
//! - **Blank lines** (nothing but whitespace) are skipped.
//! - **Comments** are lines whose first non-whitespace character is `#` or
//!   `;`. Only whole lines are comments: a `#` or `;` after a value is part
//!   of the value, because Genesys values may contain both (URLs, lists).
//! - **Section headers** are lines `[name]`. Whitespace around the line and
//!   around the name is trimmed (`[ a ]` is section `a`); the name is
//!   everything between the first `[` and the last `]`. A header whose `]`
//!   is missing, one with text after its `]` (a trailing comment, say), and
//!   an empty name are errors. A section that appears twice is merged into
//!   one.
//! - **Options** are lines `key=value`, split at the first `=`, so a value
//!   may itself contain `=`. Key and value are trimmed; keys are kept as
//!   written (case-sensitive). An empty value is kept as the empty string;
//!   an empty key is an error. Quotes are not interpreted: they are part of
//!   the value. An option before the first section header is an error.
//! - **A repeated option** within one section (including in a repeated
//!   section): the last value wins, with a `duplicate-option` warning naming
//!   the lines of both.
//! - **Anything else** (a line that is not blank, not a comment, not a
//!   header and has no `=`) is an error that quotes the line.
//! - **Size.** Text longer than [`MAX_CFG_BYTES`] is refused before parsing.
//!
//! Errors are [`Error::Parse`] with the 1-based line (and column 1: every
//! problem is about a whole line); parsing stops at the first one. Nothing
//! panics, whatever the input.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt::Display;

use super::diagnostic::Diagnostic;
use super::objects::{ObjectMut, objects_mut};
use super::schema::{Bundle, MAX_BUNDLE_BYTES, OptionValue, Options};
use crate::error::Error;

/// Option exports larger than this many bytes are refused before parsing.
///
/// The options read from a file end up in the bundle, so an export may be
/// as large as a whole bundle, and no larger.
pub const MAX_CFG_BYTES: usize = MAX_BUNDLE_BYTES;

/// How many characters of an offending line an error message quotes.
const QUOTE_CHARS: usize = 60;

/// The options read from one option export, and what was odd about them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedOptions {
    /// The options, by section.
    pub options: Options,
    /// Warnings (`duplicate-option`), in line order.
    pub warnings: Vec<Diagnostic>,
}

/// Parses a Genesys Administrator option export (see the [module
/// docs](self) for the format).
///
/// # Errors
///
/// [`Error::TooLarge`] past [`MAX_CFG_BYTES`]; [`Error::Parse`] naming the
/// line of the first malformed line.
pub fn parse_cfg(text: &str) -> Result<ParsedOptions, Error> {
    if text.len() > MAX_CFG_BYTES {
        return Err(Error::TooLarge {
            what: "option export",
            limit: MAX_CFG_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = ParsedOptions::default();
    // The line each option was last set on, to name both lines of a repeat.
    let mut set_on: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut section: Option<String> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let number = index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            let name = section_name(line).map_err(|message| parse_error(number, message))?;
            parsed.options.entry(name.to_owned()).or_default();
            section = Some(name.to_owned());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(parse_error(
                number,
                format!(
                    "`{}` is not an option line: expected a `[section]` header, a `key=value` option, or a comment starting with `#` or `;`",
                    quote(line)
                ),
            ));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            return Err(parse_error(
                number,
                format!(
                    "the option `{}` has no name before its `=`: write it as `name=value`",
                    quote(line)
                ),
            ));
        }
        let Some(section) = &section else {
            return Err(parse_error(
                number,
                format!(
                    "the option `{}` comes before any section header: put a `[section]` line, as in `[interaction-workspace]`, above it",
                    quote(key)
                ),
            ));
        };
        let options = parsed.options.entry(section.clone()).or_default();
        options.insert(key.to_owned(), OptionValue(value.to_owned()));
        match set_on.entry((section.clone(), key.to_owned())) {
            Entry::Vacant(entry) => {
                entry.insert(number);
            }
            Entry::Occupied(mut entry) => {
                let earlier = entry.insert(number);
                parsed.warnings.push(
                    Diagnostic::warning(
                        "duplicate-option",
                        format!(
                            "`{key}` is set twice in section `[{section}]`, on line {earlier} and on line {number}: the value from line {number} is used; delete the line you do not mean"
                        ),
                    )
                    .option(section, key),
                );
            }
        }
    }
    Ok(parsed)
}

/// Replaces every `options_file` reference of `bundle` with the options
/// read from that file, through `read`; see [`Bundle::resolve_option_files`].
pub(crate) fn resolve_option_files<E: Display>(
    bundle: &mut Bundle,
    mut read: impl FnMut(&str) -> Result<String, E>,
) -> Result<Vec<Diagnostic>, Error> {
    let mut objects: Vec<ObjectMut<'_>> = objects_mut(bundle).collect();
    let mut resolved = Vec::new();
    let mut warnings = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        let Some(file) = object.options_file.as_deref() else {
            continue;
        };
        let error = |line, message: String| Error::OptionsFile {
            object: object.describe(),
            file: file.to_owned(),
            line,
            message,
        };
        if file.trim().is_empty() {
            return Err(error(
                0,
                "`options_file` is empty: give the path of the option export, or remove `options_file`".to_owned(),
            ));
        }
        if !object.options.is_empty() {
            return Err(error(
                0,
                "the object also has inline `options`: give either `options` or `options_file`, not both".to_owned(),
            ));
        }
        let text = read(file).map_err(|err| error(0, format!("cannot read it: {err}")))?;
        let parsed = parse_cfg(&text).map_err(|err| match err {
            Error::Parse { line, message, .. } => error(line, message),
            other => error(0, other.to_string()),
        })?;
        warnings.extend(parsed.warnings.into_iter().map(|warning| Diagnostic {
            message: format!("{file}: {}", warning.message),
            ..warning.on(object.describe())
        }));
        resolved.push((index, parsed.options));
    }
    for (index, options) in resolved {
        let object = &mut objects[index];
        *object.options = options;
        *object.options_file = None;
    }
    Ok(warnings)
}

/// The name of the section a trimmed header line `[name]` opens.
fn section_name(line: &str) -> Result<&str, String> {
    let inner = &line[1..];
    let Some(close) = inner.rfind(']') else {
        return Err(format!(
            "the section header `{}` has no closing `]`: write it as `[section]`",
            quote(line)
        ));
    };
    if close + 1 != inner.len() {
        return Err(format!(
            "the section header `{}` has text after its closing `]`: put comments on a line of their own, starting with `#` or `;`",
            quote(line)
        ));
    }
    let name = inner[..close].trim();
    if name.is_empty() {
        return Err(
            "the section header `[]` has no name: write the section's name between the brackets, as in `[interaction-workspace]`".to_owned(),
        );
    }
    Ok(name)
}

/// `text`, cut to [`QUOTE_CHARS`] characters (with `…` when cut).
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn parse_error(line: usize, message: String) -> Error {
    Error::Parse {
        line,
        column: 1,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Severity;

    fn options(text: &str) -> Options {
        let parsed = parse_cfg(text).unwrap();
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        parsed.options
    }

    fn value<'a>(options: &'a Options, section: &str, key: &str) -> &'a str {
        options[section][key].as_str()
    }

    /// The line and message of a parse error.
    fn parse_failure(text: &str) -> (usize, String) {
        match parse_cfg(text) {
            Err(Error::Parse {
                line,
                column,
                message,
            }) => {
                assert_eq!(column, 1);
                (line, message)
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    #[test]
    fn sections_and_options_are_read() {
        let options = options("[a]\nx=1\ny=2\n[b]\nx=3\n");
        assert_eq!(value(&options, "a", "x"), "1");
        assert_eq!(value(&options, "a", "y"), "2");
        assert_eq!(value(&options, "b", "x"), "3");
        assert_eq!(options.len(), 2);
    }

    #[test]
    fn whitespace_around_names_keys_and_values_is_trimmed() {
        let options = options("  [ interaction-workspace ]  \n\t key \t=  value with spaces  \n");
        assert_eq!(
            value(&options, "interaction-workspace", "key"),
            "value with spaces"
        );
    }

    #[test]
    fn crlf_lf_and_a_bom_are_accepted() {
        let crlf = options("\u{feff}[a]\r\nx=1\r\n\r\ny=2\r\n");
        let lf = options("[a]\nx=1\n\ny=2");
        assert_eq!(crlf, lf);
        assert_eq!(value(&crlf, "a", "y"), "2");
    }

    #[test]
    fn a_bom_only_counts_at_the_start() {
        let options = options("[a]\nx=\u{feff}1\n");
        assert_eq!(value(&options, "a", "x"), "\u{feff}1");
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let options = options("# top\n; also\n\n[a]\n  # indented\n\t; too\nx=1\n   \n");
        assert_eq!(options["a"].len(), 1);
    }

    #[test]
    fn a_comment_character_after_a_value_is_part_of_it() {
        let options = options("[a]\nurl=http://h/p#frag\nlist=a;b\n");
        assert_eq!(value(&options, "a", "url"), "http://h/p#frag");
        assert_eq!(value(&options, "a", "list"), "a;b");
    }

    #[test]
    fn a_value_may_contain_equals_signs() {
        let options = options("[a]\nquery = k=v&w=z\n");
        assert_eq!(value(&options, "a", "query"), "k=v&w=z");
    }

    #[test]
    fn an_empty_value_is_kept_as_the_empty_string() {
        let options = options("[a]\nx=\ny =  \n");
        assert_eq!(value(&options, "a", "x"), "");
        assert_eq!(value(&options, "a", "y"), "");
    }

    #[test]
    fn quotes_are_part_of_the_value() {
        let options = options("[a]\nx=\"30\"\n");
        assert_eq!(value(&options, "a", "x"), "\"30\"");
    }

    #[test]
    fn keys_are_case_sensitive() {
        let options = options("[a]\nKey=1\nkey=2\n");
        assert_eq!(options["a"].len(), 2);
    }

    #[test]
    fn a_section_without_options_is_kept_empty() {
        let options = options("[a]\n[b]\nx=1\n");
        assert!(options["a"].is_empty());
    }

    #[test]
    fn a_repeated_option_keeps_the_last_value_and_warns_with_both_lines() {
        let parsed = parse_cfg("[a]\nx=1\ny=2\nx=3\n").unwrap();
        assert_eq!(value(&parsed.options, "a", "x"), "3");
        let [warning] = parsed.warnings.as_slice() else {
            panic!("one warning expected: {:?}", parsed.warnings);
        };
        assert_eq!(warning.severity, Severity::Warning);
        assert_eq!(warning.code, "duplicate-option");
        assert_eq!(warning.section.as_deref(), Some("a"));
        assert_eq!(warning.option.as_deref(), Some("x"));
        assert!(
            warning.message.contains("on line 2 and on line 4"),
            "{}",
            warning.message
        );
        assert!(
            warning.message.contains("the value from line 4 is used"),
            "{}",
            warning.message
        );
    }

    #[test]
    fn a_third_setting_names_the_one_it_replaces() {
        let parsed = parse_cfg("[a]\nx=1\nx=2\nx=3\n").unwrap();
        assert_eq!(value(&parsed.options, "a", "x"), "3");
        assert_eq!(parsed.warnings.len(), 2);
        assert!(
            parsed.warnings[1]
                .message
                .contains("on line 3 and on line 4")
        );
    }

    #[test]
    fn a_repeated_section_is_merged() {
        let parsed = parse_cfg("[a]\nx=1\n[b]\nz=0\n[a]\ny=2\nx=3\n").unwrap();
        assert_eq!(parsed.options["a"].len(), 2);
        assert_eq!(value(&parsed.options, "a", "y"), "2");
        assert_eq!(value(&parsed.options, "a", "x"), "3");
        assert_eq!(parsed.warnings.len(), 1, "x is repeated across the merge");
        assert!(
            parsed.warnings[0]
                .message
                .contains("on line 2 and on line 7")
        );
    }

    #[test]
    fn the_same_key_in_two_sections_is_not_a_repeat() {
        let options = options("[a]\nx=1\n[b]\nx=2\n");
        assert_eq!(value(&options, "a", "x"), "1");
        assert_eq!(value(&options, "b", "x"), "2");
    }

    #[test]
    fn an_option_before_any_section_is_an_error_naming_the_line() {
        let (line, message) = parse_failure("# header comment\n\nx=1\n[a]\n");
        assert_eq!(line, 3);
        assert!(
            message.contains("the option `x` comes before any section header"),
            "{message}"
        );
        assert!(message.contains("put a `[section]` line"), "{message}");
    }

    #[test]
    fn a_line_without_equals_is_quoted_with_what_was_expected() {
        let (line, message) = parse_failure("[a]\nx=1\r\njust some words\r\n");
        assert_eq!(line, 3);
        assert!(
            message.starts_with("`just some words` is not an option line"),
            "{message}"
        );
        assert!(
            message.contains("expected a `[section]` header, a `key=value` option, or a comment"),
            "{message}"
        );
    }

    #[test]
    fn a_long_offending_line_is_quoted_truncated() {
        let long = "é".repeat(500);
        let (_, message) = parse_failure(&format!("[a]\n{long}\n"));
        assert!(message.contains(&format!("`{}…`", "é".repeat(QUOTE_CHARS))));
        assert!(message.len() < 400, "{message}");
    }

    #[test]
    fn an_unterminated_header_is_an_error() {
        let (line, message) = parse_failure("[a]\nx=1\n[abc\n");
        assert_eq!(line, 3);
        assert!(
            message.contains("the section header `[abc` has no closing `]`"),
            "{message}"
        );
    }

    #[test]
    fn text_after_a_header_is_an_error() {
        let (line, message) = parse_failure("[a] ; comment\n");
        assert_eq!(line, 1);
        assert!(message.contains("text after its closing `]`"), "{message}");
    }

    #[test]
    fn a_header_name_runs_to_the_last_bracket() {
        let options = options("[a]b]\nx=1\n");
        assert_eq!(value(&options, "a]b", "x"), "1");
    }

    #[test]
    fn an_empty_section_name_is_an_error() {
        let (line, message) = parse_failure("[a]\n[  ]\n");
        assert_eq!(line, 2);
        assert!(message.contains("has no name"), "{message}");
    }

    #[test]
    fn an_empty_key_is_an_error() {
        let (line, message) = parse_failure("[a]\n  = 5\n");
        assert_eq!(line, 2);
        assert!(message.contains("has no name before its `=`"), "{message}");
    }

    #[test]
    fn empty_text_has_no_options() {
        assert_eq!(parse_cfg("").unwrap(), ParsedOptions::default());
        assert_eq!(parse_cfg("\u{feff}").unwrap(), ParsedOptions::default());
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = "#".repeat(MAX_CFG_BYTES + 1);
        assert_eq!(
            parse_cfg(&text),
            Err(Error::TooLarge {
                what: "option export",
                limit: MAX_CFG_BYTES
            })
        );
    }

    // ---- resolve_option_files ----

    fn bundle() -> Bundle {
        Bundle::from_json(
            r#"{"version": 1,
                "application": {"name": "WDE", "options_file": "app.cfg"},
                "tenant": {"name": "Resources", "options": {"s": {"t": "1"}}},
                "agent_groups": [{"name": "Sales", "options_file": "sales.cfg"}],
                "person": {"name": "agent1", "options_file": "person.cfg"},
                "servers": [{"name": "SIPS_A", "type": "sip-server", "options_file": "sips.cfg"}],
                "desktop_applications": [{"name": "AIL_A", "options_file": "ail.cfg"}]}"#,
        )
        .unwrap()
    }

    /// A reader over in-memory files that records what it was asked for.
    fn files<'a>(
        files: &'a [(&'a str, &'a str)],
        asked: &'a mut Vec<String>,
    ) -> impl FnMut(&str) -> Result<String, String> + 'a {
        move |path| {
            asked.push(path.to_owned());
            files
                .iter()
                .find(|(name, _)| *name == path)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| format!("no such file `{path}`"))
        }
    }

    const ALL_FILES: &[(&str, &str)] = &[
        (
            "app.cfg",
            "[interaction-workspace]\ndisaster-recovery.enabled=true\n",
        ),
        ("sales.cfg", "[interaction-workspace]\nx=1\n"),
        (
            "person.cfg",
            "\u{feff}[interaction-workspace]\r\ndisaster-recovery.preferred-site=SiteA\r\ndisaster-recovery.preferred-site=SiteB\r\n",
        ),
        (
            "sips.cfg",
            "[interaction-workspace]\ndisaster-recovery.site=SiteA\n",
        ),
        ("ail.cfg", "[agent-desktop]\nsite-timeout=30\n"),
    ];

    #[test]
    fn every_kind_of_object_is_resolved_and_its_file_cleared() {
        let mut bundle = bundle();
        assert!(bundle.has_option_files());
        let mut asked = Vec::new();
        let warnings = bundle
            .resolve_option_files(files(ALL_FILES, &mut asked))
            .unwrap();
        assert_eq!(
            asked,
            ["app.cfg", "sales.cfg", "person.cfg", "sips.cfg", "ail.cfg"]
        );
        assert!(!bundle.has_option_files());
        let application = bundle.application.as_ref().unwrap();
        assert_eq!(
            value(
                &application.options,
                "interaction-workspace",
                "disaster-recovery.enabled"
            ),
            "true"
        );
        assert_eq!(
            value(
                &bundle.agent_groups[0].options,
                "interaction-workspace",
                "x"
            ),
            "1"
        );
        let person = bundle.person.as_ref().unwrap();
        assert_eq!(
            value(
                &person.options,
                "interaction-workspace",
                "disaster-recovery.preferred-site"
            ),
            "SiteB"
        );
        assert_eq!(
            value(
                &bundle.servers[0].options,
                "interaction-workspace",
                "disaster-recovery.site"
            ),
            "SiteA"
        );
        assert_eq!(
            value(
                &bundle.desktop_applications[0].options,
                "agent-desktop",
                "site-timeout"
            ),
            "30"
        );
        assert_eq!(
            value(&bundle.tenant.as_ref().unwrap().options, "s", "t"),
            "1",
            "inline options are left alone"
        );

        let [warning] = warnings.as_slice() else {
            panic!("one warning expected: {warnings:?}");
        };
        assert_eq!(warning.code, "duplicate-option");
        assert_eq!(warning.object.as_deref(), Some("person agent1"));
        assert!(
            warning
                .message
                .starts_with("person.cfg: `disaster-recovery.preferred-site` is set twice"),
            "{}",
            warning.message
        );
    }

    #[test]
    fn a_bundle_without_option_files_reads_nothing() {
        let mut bundle = Bundle::from_json(r#"{"version": 1, "person": {"name": "p"}}"#).unwrap();
        let before = bundle.clone();
        let mut asked = Vec::new();
        let warnings = bundle.resolve_option_files(files(&[], &mut asked)).unwrap();
        assert!(warnings.is_empty() && asked.is_empty());
        assert_eq!(bundle, before);
    }

    #[test]
    fn options_and_options_file_together_are_an_error_naming_the_object() {
        let mut bundle = Bundle::from_json(
            r#"{"version": 1, "person": {"name": "agent1", "options": {"a": {"x": "1"}}, "options_file": "p.cfg"}}"#,
        )
        .unwrap();
        let err = bundle
            .resolve_option_files(|_| Ok::<_, String>(String::new()))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "person agent1: options_file `p.cfg`: the object also has inline `options`: give either `options` or `options_file`, not both"
        );
    }

    #[test]
    fn empty_inline_options_beside_a_file_are_fine() {
        let mut bundle = Bundle::from_json(
            r#"{"version": 1, "person": {"name": "agent1", "options": {}, "options_file": "p.cfg"}}"#,
        )
        .unwrap();
        bundle
            .resolve_option_files(|_| Ok::<_, String>("[a]\nx=1\n".to_owned()))
            .unwrap();
        assert_eq!(value(&bundle.person.unwrap().options, "a", "x"), "1");
    }

    #[test]
    fn an_empty_options_file_is_an_error() {
        let mut bundle = Bundle::from_json(
            r#"{"version": 1, "tenant": {"name": "Resources", "options_file": " "}}"#,
        )
        .unwrap();
        let err = bundle
            .resolve_option_files(|_| Ok::<_, String>(String::new()))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("tenant Resources: options_file ` `: `options_file` is empty"),
            "{err}"
        );
    }

    #[test]
    fn a_read_failure_names_the_object_and_file_and_changes_nothing() {
        let mut bundle = bundle();
        let before = bundle.clone();
        let mut asked = Vec::new();
        let err = bundle
            .resolve_option_files(files(&ALL_FILES[..2], &mut asked))
            .unwrap_err();
        assert_eq!(
            err,
            Error::OptionsFile {
                object: "person agent1".to_owned(),
                file: "person.cfg".to_owned(),
                line: 0,
                message: "cannot read it: no such file `person.cfg`".to_owned(),
            }
        );
        assert_eq!(
            err.to_string(),
            "person agent1: options_file `person.cfg`: cannot read it: no such file `person.cfg`"
        );
        assert_eq!(
            bundle, before,
            "a failed resolution leaves the bundle alone"
        );
    }

    #[test]
    fn a_parse_failure_names_the_object_file_and_line() {
        let mut bundle = bundle();
        let err = bundle
            .resolve_option_files(|path: &str| {
                Ok::<_, String>(if path == "sips.cfg" {
                    "[a]\r\nx=1\r\noops\r\n".to_owned()
                } else {
                    String::new()
                })
            })
            .unwrap_err();
        let Error::OptionsFile {
            object, file, line, ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(
            (object.as_str(), file.as_str(), *line),
            ("server application SIPS_A", "sips.cfg", 3)
        );
        assert!(
            err.to_string().starts_with(
                "server application SIPS_A: options_file `sips.cfg`, line 3: `oops` is not an option line"
            ),
            "{err}"
        );
    }

    #[test]
    fn an_oversized_file_names_the_limit() {
        let mut bundle = bundle();
        let big = "#".repeat(MAX_CFG_BYTES + 1);
        let err = bundle
            .resolve_option_files(|_| Ok::<_, String>(big.clone()))
            .unwrap_err();
        assert!(
            err.to_string().ends_with(&format!(
                "the option export is larger than the limit of {MAX_CFG_BYTES} bytes"
            )),
            "{err}"
        );
    }
}
