//! The text parsers against any input: option exports (`.cfg`), and TOML
//! bundles read like their JSON twins.
//!
//! `PROPTEST_CASES=…` runs more (or fewer) cases than the default
//! [`DEFAULT_CASES`] per property; a failing case is shrunk, printed and
//! saved in `parsers.proptest-regressions` beside this file.

use std::collections::BTreeMap;

use continuity_core::Error;
use continuity_core::config::{Bundle, OptionValue, Options, parse_cfg};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 512;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        ..Config::default()
    }
}

/// A line that looks like an option export's, or nearly: headers (some
/// broken), options, comments, blanks, junk, with odd whitespace and line ends.
fn cfg_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ \t]*\\[[ a-z.\\]\\[-]{0,8}\\]?[ \t;#a-z]{0,3}",
        "[ \t]*[a-z.=\\[ -]{0,10}=[ a-z0-9=#;\"\r-]{0,10}",
        "[ \t]*[#;].{0,10}",
        "[ \t\r]{0,3}",
        ".{0,12}",
    ]
    .prop_flat_map(|line| {
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")]
            .prop_map(move |end| format!("{line}{end}"))
    })
}

fn cfg_text() -> impl Strategy<Value = String> {
    (any::<bool>(), prop::collection::vec(cfg_line(), 0..24)).prop_map(|(bom, lines)| {
        let bom = if bom { "\u{feff}" } else { "" };
        format!("{bom}{}", lines.concat())
    })
}

/// Options whose names and values survive a trip through a `.cfg` file:
/// no line breaks, no `=` or `]` in names, nothing that trims away.
fn exportable_options() -> impl Strategy<Value = Options> {
    let name = "[a-z][a-z0-9.-]{0,12}";
    let value = "([!-~]([ -~]{0,14}[!-~])?)?";
    let section = prop::collection::btree_map(name, value.prop_map(OptionValue), 0..5);
    prop::collection::btree_map(name, section, 0..4)
}

/// `options` written as an export, with the given line end and padding.
fn render(options: &Options, end: &str, pad: &str, comments: bool) -> String {
    let mut text = String::new();
    for (section, values) in options {
        if comments {
            text.push_str(&format!("{pad}; section {section}{end}"));
        }
        text.push_str(&format!("{pad}[{pad}{section}{pad}]{pad}{end}"));
        for (key, value) in values {
            text.push_str(&format!(
                "{pad}{key}{pad}={pad}{}{pad}{end}",
                value.as_str()
            ));
            if comments {
                text.push_str(&format!("# {key}{end}{end}"));
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_cfg_never_panics_on_any_string(text in any::<String>()) {
        let _ = parse_cfg(&text);
    }

    #[test]
    fn parse_cfg_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_cfg(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn parse_cfg_never_panics_on_near_exports(text in cfg_text()) {
        match parse_cfg(&text) {
            Ok(parsed) => {
                for warning in &parsed.warnings {
                    prop_assert_eq!(warning.code.as_str(), "duplicate-option");
                }
            }
            Err(Error::Parse { line, column, message }) => {
                prop_assert!(line >= 1 && line <= text.split('\n').count(), "line {}", line);
                prop_assert_eq!(column, 1);
                prop_assert!(!message.is_empty());
            }
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }

    #[test]
    fn exported_options_read_back_the_same(
        options in exportable_options(),
        crlf in any::<bool>(),
        pad in "[ \t]{0,2}",
        comments in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let bom = if bom { "\u{feff}" } else { "" };
        let text = format!("{bom}{}", render(&options, end, &pad, comments));
        let parsed = parse_cfg(&text).map_err(|err| TestCaseError::fail(format!("{err}\n{text}")))?;
        prop_assert!(parsed.warnings.is_empty());
        prop_assert_eq!(parsed.options, options);
    }

    #[test]
    fn resolving_option_files_never_panics(text in cfg_text(), inline in any::<bool>()) {
        let mut bundle = Bundle::from_json(
            r#"{"version": 1, "person": {"name": "agent1", "options_file": "p.cfg"}}"#,
        ).unwrap();
        if inline {
            let person = bundle.person.as_mut().unwrap();
            person.options.insert("s".into(), BTreeMap::from([("k".into(), OptionValue::from("v"))]));
        }
        match bundle.resolve_option_files(|_| Ok::<_, String>(text.clone())) {
            Ok(_) => prop_assert!(!bundle.has_option_files()),
            Err(Error::OptionsFile { object, file, .. }) => {
                prop_assert_eq!(object, "person agent1");
                prop_assert_eq!(file, "p.cfg");
                prop_assert!(bundle.has_option_files());
            }
            Err(other) => prop_assert!(false, "unexpected error {:?}", other),
        }
    }
}

#[cfg(feature = "toml")]
mod toml_bundles {
    use super::*;

    const TWO_SITE_TOML: &str = include_str!("data/two-site.toml");

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn from_toml_never_panics(text in any::<String>()) {
            let _ = Bundle::from_toml(&text);
        }

        #[test]
        fn from_toml_locates_every_error_in_the_text(cut in 0..TWO_SITE_TOML.len(), junk in "[\\[\\]={}\",a-z0-9 \n]{0,6}") {
            // The reference bundle with junk spliced in somewhere.
            let cut = (0..=cut).rev().find(|&i| TWO_SITE_TOML.is_char_boundary(i)).unwrap_or(0);
            let text = format!("{}{junk}{}", &TWO_SITE_TOML[..cut], &TWO_SITE_TOML[cut..]);
            if let Err(Error::Parse { line, column, .. }) = Bundle::from_toml(&text) {
                prop_assert!(line >= 1 && line <= text.lines().count() + 1, "line {}", line);
                prop_assert!(column >= 1);
            }
        }
    }

    #[test]
    fn the_toml_two_site_bundle_equals_the_json_one() {
        let toml = Bundle::from_toml(TWO_SITE_TOML).unwrap();
        let json = Bundle::from_json(include_str!("data/two-site.json")).unwrap();
        assert_eq!(toml, json);
        let corpus =
            Bundle::from_json(include_str!("../../tests/scenarios/bundles/two-site.json")).unwrap();
        assert_eq!(toml, corpus);
    }
}
