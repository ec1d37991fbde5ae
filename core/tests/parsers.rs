//! The text parsers against any input: option exports (`.cfg`), TOML
//! bundles read like their JSON twins, and every JSON parser (bundles,
//! scenarios, inputs) against any text and any JSON value, down through
//! validation and a running engine; option values substituted into the
//! two-site bundle are judged exactly.
//!
//! The fuzz targets in `fuzz/` (`bash scripts/fuzz.sh`) push the same
//! parsers further, coverage-guided.
//!
//! `PROPTEST_CASES=…` runs more (or fewer) cases than the default
//! [`DEFAULT_CASES`] per property; a failing case is shrunk, printed and
//! saved in `parsers.proptest-regressions` beside this file.

use continuity_core::Error;
use continuity_core::config::{Bundle, OptionValue, Options, parse_cfg};
#[path = "common/mod.rs"]
mod common;

use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 512;

fn config() -> Config {
    common::cases(DEFAULT_CASES)
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
    prop::collection::btree_map(name, section, 0..4).prop_map(|sections| {
        sections
            .into_iter()
            .map(|(name, section)| (name, section.into_iter().collect()))
            .collect()
    })
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
            person.options.insert("s".into(), [("k".into(), OptionValue::from("v"))].into_iter().collect());
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

/// Every JSON parser against any text and any JSON value; every bundle that
/// parses through validation, the bootstrap plan and a running engine.
mod json_parsers {
    use continuity_core::config::{Diagnostic, bootstrap_plan, options, validate};
    use continuity_core::{Engine, Input, Member, Millis, Name, Scenario, Service};
    use serde_json::{Map, Value};

    use super::*;

    /// The bundles mutations start from: both dialects, valid and broken,
    /// options from an export, and local only.
    const SEED_BUNDLES: &[&str] = &[
        include_str!("data/two-site.json"),
        include_str!("../../examples/bundles/agent-desktop.json"),
        include_str!("../../examples/bundles/broken-workspace.json"),
        include_str!("../../examples/bundles/broken-agent-desktop.json"),
        include_str!("../../tests/scenarios/bundles/two-site-cfg-export.json"),
        r#"{"version": 1, "local": {"sites": [
            {"name": "SiteA", "config_server": {"primary": "cs-a1:2020", "backup": "cs-a2:2020"}},
            {"name": "SiteB", "config_server": {"primary": "cs-b1:2020"}}]}}"#,
    ];

    /// The option export `options_file`s ending in `.cfg` read as.
    const OPTION_EXPORT: &str = include_str!("../../tests/scenarios/bundles/exports/agent1.cfg");

    /// Scenarios whose steps and `until` stay below this are run, not only parsed.
    const RUN_LIMIT: Millis = 600_000;

    /// Field names of the bundle, scenario and input schemas and the option
    /// sections and names the validator reads: random objects draw most keys
    /// from here, so deserialization gets past the first field.
    #[rustfmt::skip]
    fn schema_keys() -> Vec<&'static str> {
        use options::*;
        vec![
            // Bundle.
            "version", "local", "sites", "name", "config_server", "primary", "backup",
            "application", "type", "place", "tenant", "agent_groups", "person", "options",
            "options_file", "servers", "desktop_applications", "connections", "server",
            "addp_timeout", "places", "site", "dns",
            // Sections and options.
            WORKSPACE_SECTION, AGENT_DESKTOP_SECTION, ENABLED, PREFERRED_SITE, PEER_SITE, TIMEOUT,
            WAIT_FOR_SIPPHONE_TIMEOUT, AUTO_RESTORE, SITE, NAME, RESTORE_PROBE_INTERVAL,
            RESTORE_HOLD_DOWN, RESTORE_SPREAD, RESTORE_WHEN_IDLE, BACKOFF_BASE, BACKOFF_CAP,
            WAKE_GAP, RECHECK_GRACE, BOOTSTRAP_CONNECT_TIMEOUT, SITE_1, SITE_2, SITE_TIMEOUT,
            SITE_SIP_REGISTER_TIMEOUT, "sipendpoint.proxies.proxy0.reregister_in_seconds",
            "sipendpoint.sbc-register-address", "sipendpoint.sbc-register-port",
            // Scenario and input.
            "description", "bundle", "bundle_file", "seed", "steps", "until", "at", "input",
            "freeze_until", "note", "service", "member", "ok", "id",
        ]
    }

    /// Strings the schema gives a meaning to: names, server and input types, option values.
    #[rustfmt::skip]
    const STRINGS: &[&str] = &[
        "SiteA", "SiteB", "agent1", "WDE", "WDE_SiteA", "AIL_SiteA", "AIL_SiteB", "SIPS_A",
        "SIPS_A_B", "CSP_B", "Place_7001", "7001", "exports/agent1.cfg", "cs-a1.example:2020",
        "_sip._udp.sbc.example", "InteractionWorkspace",
        "sip-server", "stat-server", "config-server", "primary", "backup",
        "start", "config_loaded", "link_up", "link_down", "endpoint_registered",
        "endpoint_unregistered", "probe_result", "interaction_started", "interaction_ended",
        "switch_requested", "resumed", "stop",
        "true", "TRUE", "false", "0", "-1", "30", " 30 ", "99999999999999999999", "",
    ];

    fn json_string() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(STRINGS).prop_map(String::from),
            1 => "\\PC{0,12}",
        ]
    }

    fn json_key() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => prop::sample::select(schema_keys()).prop_map(String::from),
            1 => "\\PC{0,8}",
        ]
    }

    // The strategies below are boxed: unboxed, their nested types make
    // frames that overflow a debug test thread's 2 MB stack.

    /// Null, booleans, numbers (small, negative, huge, fractional) and strings.
    fn json_leaf() -> BoxedStrategy<Value> {
        let float = prop_oneof![
            Just(0.5),
            Just(-1.5),
            Just(-0.0),
            Just(1e20),
            Just(-1e300),
            Just(f64::MIN_POSITIVE),
            any::<f64>(),
        ]
        .prop_filter_map("JSON numbers are finite", |f| {
            serde_json::Number::from_f64(f).map(Value::Number)
        });
        prop_oneof![
            1 => Just(Value::Null),
            1 => any::<bool>().prop_map(Value::Bool),
            // Small numbers are versions, seeds and times.
            3 => (0u64..4).prop_map(Value::from),
            1 => (0u64..RUN_LIMIT).prop_map(Value::from),
            1 => any::<i64>().prop_map(Value::from),
            1 => any::<u64>().prop_map(Value::from),
            1 => float,
            4 => json_string().prop_map(Value::String),
        ]
        .boxed()
    }

    /// Any JSON value, nested up to eight levels, objects keyed mostly by schema names.
    fn json_value() -> BoxedStrategy<Value> {
        json_leaf()
            .prop_recursive(8, 96, 6, |inner| {
                prop_oneof![
                    1 => prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                    3 => prop::collection::vec((json_key(), inner), 0..7)
                        .prop_map(|entries| Value::Object(entries.into_iter().collect())),
                ]
            })
            .boxed()
    }

    /// Half of the objects get `"version": 1`, without which no bundle parses.
    fn versioned(values: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        (values, any::<bool>())
            .prop_map(|(mut value, versioned)| {
                if let (true, Value::Object(object)) = (versioned, &mut value) {
                    object.insert("version".into(), Value::from(1));
                }
                value
            })
            .boxed()
    }

    /// One change to a JSON tree.
    #[derive(Clone, Debug)]
    enum Edit {
        /// A leaf becomes another of its kind (a string another string, …);
        /// an object gets a string field, an array a copy of an element.
        Tweak {
            string: String,
            number: Value,
            boolean: bool,
            key: String,
            index: usize,
        },
        /// The node becomes any value.
        Replace(Value),
        /// A field or element goes.
        Remove(usize),
        /// A field or element comes, of any value.
        Insert(String, Value),
    }

    /// Where to change a tree (a child index per level, wrapped around) and how.
    fn edit() -> BoxedStrategy<(Vec<usize>, Edit)> {
        let number = prop_oneof![
            3 => (0u64..4).prop_map(Value::from),
            2 => (0u64..RUN_LIMIT).prop_map(Value::from),
            1 => json_leaf(),
        ];
        let tweak = (
            json_string(),
            number,
            any::<bool>(),
            json_key(),
            any::<usize>(),
        )
            .prop_map(|(string, number, boolean, key, index)| Edit::Tweak {
                string,
                number,
                boolean,
                key,
                index,
            });
        let replacement = || prop_oneof![3 => json_leaf(), 1 => json_value()];
        let edit = prop_oneof![
            8 => tweak,
            1 => replacement().prop_map(Edit::Replace),
            1 => any::<usize>().prop_map(Edit::Remove),
            1 => (json_key(), replacement()).prop_map(|(key, value)| Edit::Insert(key, value)),
        ];
        // Mostly below the top level, where a change breaks less of the schema.
        let path = prop_oneof![
            1 => prop::collection::vec(any::<usize>(), 0..2),
            6 => prop::collection::vec(any::<usize>(), 2..7),
        ];
        (path, edit).boxed()
    }

    /// Follows `path` down `value` as far as it goes, then applies `edit` there.
    fn apply(value: &mut Value, path: &[usize], edit: &Edit) {
        let child = match (path.split_first(), &mut *value) {
            (Some((&i, _)), Value::Object(map)) if !map.is_empty() => {
                let len = map.len();
                map.values_mut().nth(i % len)
            }
            (Some((&i, _)), Value::Array(items)) if !items.is_empty() => {
                let len = items.len();
                items.get_mut(i % len)
            }
            _ => None,
        };
        if let Some(child) = child {
            return apply(child, &path[1..], edit);
        }
        match (edit, value) {
            (Edit::Tweak { key, string, .. }, Value::Object(map)) => {
                map.insert(key.clone(), Value::String(string.clone()));
            }
            (Edit::Tweak { index, .. }, Value::Array(items)) if !items.is_empty() => {
                let copy = items[index % items.len()].clone();
                items.push(copy);
            }
            (Edit::Tweak { string, .. }, node @ Value::String(_)) => {
                *node = Value::String(string.clone());
            }
            (Edit::Tweak { number, .. }, node @ Value::Number(_)) => *node = number.clone(),
            (Edit::Tweak { boolean, .. }, node) => *node = Value::Bool(*boolean),
            (Edit::Remove(i), Value::Object(map)) if !map.is_empty() => {
                let key = map.keys().nth(i % map.len()).cloned().unwrap_or_default();
                map.remove(&key);
            }
            (Edit::Remove(i), Value::Array(items)) if !items.is_empty() => {
                items.remove(i % items.len());
            }
            (Edit::Insert(key, new), Value::Object(map)) => {
                map.insert(key.clone(), new.clone());
            }
            (Edit::Insert(_, new), Value::Array(items)) => items.push(new.clone()),
            (Edit::Replace(new) | Edit::Insert(_, new), node) => *node = new.clone(),
            (Edit::Remove(_), node) => *node = Value::Null,
        }
    }

    /// A seed bundle with a few edits anywhere in its tree: mostly still a
    /// bundle, so validation and the engine see odd but well-typed data.
    fn mutated_bundle() -> BoxedStrategy<Value> {
        (
            prop::sample::select(SEED_BUNDLES),
            prop::collection::vec(edit(), 1..4),
        )
            .prop_map(|(text, edits)| {
                let mut value: Value =
                    serde_json::from_str(text).expect("the seed bundles are JSON");
                for (path, edit) in &edits {
                    apply(&mut value, path, edit);
                }
                value
            })
            .boxed()
    }

    fn site_name() -> impl Strategy<Value = Name> {
        prop_oneof![
            6 => prop::sample::select(vec!["SiteA", "SiteB"]),
            1 => Just(""),
        ]
        .prop_map(Name::from)
    }

    fn seed_bundle() -> impl Strategy<Value = Bundle> {
        prop::sample::select(SEED_BUNDLES)
            .prop_map(|text| Bundle::from_json(text).expect("the seed bundles parse"))
    }

    /// Any input, naming the sites of the seed bundles (or none).
    fn input() -> BoxedStrategy<Input> {
        let service = || prop::sample::select(Service::ALL.to_vec());
        let member = || prop::sample::select(Member::ALL.to_vec());
        let id = || prop::sample::select(vec!["call-1", "call-2"]).prop_map(Name::from);
        prop_oneof![
            1 => Just(Input::Start),
            1 => seed_bundle().prop_map(|bundle| Input::ConfigLoaded { bundle: Box::new(bundle) }),
            4 => (site_name(), service(), member())
                .prop_map(|(site, service, member)| Input::LinkUp { site, service, member }),
            4 => (site_name(), service(), member())
                .prop_map(|(site, service, member)| Input::LinkDown { site, service, member }),
            2 => site_name().prop_map(|site| Input::EndpointRegistered { site }),
            2 => site_name().prop_map(|site| Input::EndpointUnregistered { site }),
            2 => (site_name(), any::<bool>()).prop_map(|(site, ok)| Input::ProbeResult { site, ok }),
            1 => id().prop_map(|id| Input::InteractionStarted { id }),
            1 => id().prop_map(|id| Input::InteractionEnded { id }),
            1 => site_name().prop_map(|site| Input::SwitchRequested { site }),
            1 => Just(Input::Resumed),
            1 => Just(Input::Stop),
        ]
        .boxed()
    }

    /// A well-formed input as JSON.
    fn typed_input_value() -> BoxedStrategy<Value> {
        input()
            .prop_map(|input| serde_json::to_value(input).expect("inputs serialize"))
            .boxed()
    }

    /// An input as JSON: well-formed, edited, or an object with a known `type` and random fields.
    fn input_value() -> BoxedStrategy<Value> {
        prop_oneof![
            2 => typed_input_value(),
            2 => (typed_input_value(), edit()).prop_map(|(mut value, (path, edit))| {
                apply(&mut value, &path, &edit);
                value
            }),
            1 => (
                json_string(),
                prop::collection::vec((json_key(), json_leaf()), 0..4),
            )
                .prop_map(|(kind, fields)| {
                    let mut object: Map<String, Value> = fields.into_iter().collect();
                    object.insert("type".into(), Value::String(kind));
                    Value::Object(object)
                }),
        ]
        .boxed()
    }

    /// A scenario as JSON: every field optional, steps mostly shaped like steps.
    fn scenario_value() -> BoxedStrategy<Value> {
        // Mostly well-formed parts: one bad step or field refuses the whole scenario.
        let time = || prop_oneof![12 => (0u64..RUN_LIMIT).prop_map(Value::from), 1 => json_leaf()];
        let input = prop_oneof![12 => typed_input_value(), 1 => input_value()];
        // An input or a freeze; rarely both or neither.
        let action = prop_oneof![
            12 => input.prop_map(|input| (Some(input), None)),
            2 => time().prop_map(|until| (None, Some(until))),
            1 => (typed_input_value(), time()).prop_map(|(input, until)| (Some(input), Some(until))),
            1 => Just((None, None)),
        ];
        let step = (
            time(),
            action,
            prop::option::weighted(0.2, json_string()),
            prop::option::weighted(0.02, (json_key(), json_leaf())),
        )
            .prop_map(|(at, (input, freeze_until), note, extra)| {
                let mut step = Map::new();
                step.insert("at".into(), at);
                insert(&mut step, "input", input);
                insert(&mut step, "freeze_until", freeze_until);
                insert(&mut step, "note", note.map(Value::String));
                if let Some((key, value)) = extra {
                    step.insert(key, value);
                }
                Value::Object(step)
            });
        let steps = prop_oneof![
            12 => prop::collection::vec(step, 0..8).prop_map(Value::Array),
            1 => json_value(),
        ];
        let bundle = prop_oneof![
            4 => seed_bundle().prop_map(|bundle| serde_json::to_value(bundle).expect("bundles serialize")),
            4 => mutated_bundle(),
            1 => json_value(),
        ];
        (
            prop::option::weighted(0.3, json_string()),
            prop::option::weighted(0.9, bundle),
            prop::option::weighted(0.05, json_string()),
            prop::option::weighted(
                0.5,
                prop_oneof![4 => any::<u64>().prop_map(Value::from), 1 => json_leaf()],
            ),
            prop::option::weighted(0.95, steps),
            prop::option::weighted(0.5, time()),
        )
            .prop_map(|(description, bundle, bundle_file, seed, steps, until)| {
                let mut scenario = Map::new();
                insert(&mut scenario, "description", description.map(Value::String));
                insert(&mut scenario, "bundle", bundle);
                insert(&mut scenario, "bundle_file", bundle_file.map(Value::String));
                insert(&mut scenario, "seed", seed);
                insert(&mut scenario, "steps", steps);
                insert(&mut scenario, "until", until);
                Value::Object(scenario)
            })
            .boxed()
    }

    fn insert(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
        if let Some(value) = value {
            object.insert(key.into(), value);
        }
    }

    /// One thing a host does to a running engine.
    #[derive(Clone, Debug)]
    enum HostStep {
        /// Hand it an input this many ms after its last time (negative: back in time).
        Input { after: i64, input: Input },
        /// Call `handle_timeout` this many ms after the next deadline.
        Timeout { late: Millis },
    }

    fn host_steps() -> impl Strategy<Value = Vec<HostStep>> {
        let after = prop_oneof![
            8 => 0i64..5_000,
            4 => 0i64..200_000,
            1 => -5_000i64..0,
            1 => Just(i64::MAX),
        ];
        let late = prop_oneof![6 => Just(0), 3 => 0..20_000u64, 1 => any::<u64>()];
        let step = prop_oneof![
            3 => (after, input()).prop_map(|(after, input)| HostStep::Input { after, input }),
            2 => late.prop_map(|late| HostStep::Timeout { late }),
        ];
        prop::collection::vec(step, 0..24)
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn json_parsers_never_panic_on_any_string(text in any::<String>()) {
            check_parsers(&text)?;
        }

        #[test]
        fn json_parsers_never_panic_on_any_json_value(
            value in versioned(json_value()),
            seed in any::<u64>(),
            steps in host_steps(),
        ) {
            check_parsers(&value.to_string())?;
            check_value(&value, seed, &steps)?;
        }

        #[test]
        fn from_json_locates_every_error_in_the_text(
            bundle in prop::sample::select(SEED_BUNDLES),
            cut in any::<prop::sample::Index>(),
            junk in "[\\[\\]{}\",:a-z0-9 .eE+-]{0,6}",
        ) {
            // A seed bundle with junk spliced in somewhere (all ASCII, so every byte is a boundary).
            let cut = cut.index(bundle.len() + 1);
            let text = format!("{}{junk}{}", &bundle[..cut], &bundle[cut..]);
            match Bundle::from_json(&text) {
                Err(Error::Parse { line, column, message }) => {
                    prop_assert!(line >= 1 && line <= text.lines().count() + 1, "line {}", line);
                    let width = text.lines().nth(line - 1).map_or(0, str::len);
                    prop_assert!(column <= width + 1, "column {}", column);
                    prop_assert!(!message.trim().is_empty());
                }
                Err(other) => prop_assert!(false, "unexpected error {:?}", other),
                Ok(_) => {}
            }
        }

        #[test]
        fn mutated_bundles_never_panic_validation_or_the_engine(
            value in mutated_bundle(),
            seed in any::<u64>(),
            steps in host_steps(),
        ) {
            check_value(&value, seed, &steps)?;
        }

        #[test]
        fn scenarios_from_any_json_value_parse_or_explain(value in scenario_value()) {
            let text = value.to_string();
            let scenario = match Scenario::from_json(&text) {
                Ok(scenario) => scenario,
                Err(err) => return check_error(&err),
            };
            let bounded = scenario.until <= RUN_LIMIT
                && scenario.steps.iter().all(|step| match step {
                    continuity_core::Step::Input { at, .. } => *at <= RUN_LIMIT,
                    continuity_core::Step::Freeze { at, until } => *at <= RUN_LIMIT && *until <= RUN_LIMIT,
                });
            if let (true, Some(bundle)) = (bounded, scenario.inline_bundle()) {
                if let Err(err) = scenario.run(bundle.clone()) {
                    check_error(&err)?;
                    prop_assert!(!err.to_string().contains("bug"), "{}", err);
                }
            }
        }

        #[test]
        fn inputs_from_any_json_value_parse_or_explain(value in input_value()) {
            match Input::from_json(&value.to_string()) {
                Ok(input) => {
                    prop_assert_eq!(value["type"].as_str(), Some(input.type_name()));
                    let again = serde_json::to_value(&input).expect("inputs serialize");
                    prop_assert_eq!(Input::from_json(&again.to_string()).ok(), Some(input));
                }
                Err(err) => prop_assert!(!err.to_string().trim().is_empty()),
            }
        }
    }

    /// The generators reach past parsing: the shares of generated values that
    /// parse, validate and run, printed with `--nocapture`.
    #[test]
    fn generated_values_reach_the_engine() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut sample = |strategy: &BoxedStrategy<Value>| -> Vec<Value> {
            (0..400)
                .map(|_| {
                    strategy
                        .new_tree(&mut runner)
                        .expect("no rejection")
                        .current()
                })
                .collect()
        };
        let share = |values: &[Value], ok: &dyn Fn(&Value) -> bool| {
            values.iter().filter(|v| ok(v)).count() * 100 / values.len()
        };
        let starts = |v: &Value| {
            Bundle::from_json(&v.to_string())
                .ok()
                .and_then(|bundle| Engine::new(bundle, 0).ok())
                .is_some()
        };
        let parses = |v: &Value| Bundle::from_json(&v.to_string()).is_ok();

        let random = sample(&versioned(json_value()));
        let mutated = sample(&mutated_bundle());
        let scenarios = sample(&scenario_value());
        let inputs = sample(&input_value());
        // The runner is deterministic, so these shares are the same on every run.
        let shares = [
            (
                "random values that parse as bundles",
                share(&random, &parses),
                10,
            ),
            ("mutated bundles that parse", share(&mutated, &parses), 25),
            (
                "mutated bundles that start an engine",
                share(&mutated, &starts),
                8,
            ),
            (
                "scenarios that parse",
                share(&scenarios, &|v| Scenario::from_json(&v.to_string()).is_ok()),
                8,
            ),
            (
                "inputs that parse",
                share(&inputs, &|v| Input::from_json(&v.to_string()).is_ok()),
                30,
            ),
        ];
        for (what, percent, at_least) in shares {
            println!("{what}: {percent}%");
            assert!(
                percent >= at_least,
                "only {percent}% of {what} (want {at_least}%)"
            );
        }
    }

    /// Feeds `text` to every JSON parser: none may panic, every error must say something.
    fn check_parsers(text: &str) -> Result<(), TestCaseError> {
        if let Err(err) = Bundle::from_json(text) {
            check_error(&err)?;
        }
        if let Err(err) = Scenario::from_json(text) {
            check_error(&err)?;
        }
        if let Err(err) = Input::from_json(text) {
            check_error(&err)?;
        }
        Ok(())
    }

    /// Reads `value` as a bundle, a scenario and an input; a bundle that
    /// parses goes further, after its `options_file`s are read (as the
    /// two-site export when they end in `.cfg`, as unreadable otherwise).
    fn check_value(value: &Value, seed: u64, steps: &[HostStep]) -> Result<(), TestCaseError> {
        match Bundle::from_json(&value.to_string()) {
            Ok(mut bundle) => {
                if bundle.has_option_files() {
                    let read = |file: &str| {
                        if file.ends_with(".cfg") {
                            Ok(OPTION_EXPORT.to_owned())
                        } else {
                            Err("no such file")
                        }
                    };
                    match bundle.resolve_option_files(read) {
                        Ok(warnings) => check_diagnostics(&warnings)?,
                        Err(err) => check_error(&err)?,
                    }
                }
                check_bundle(&bundle, seed, steps)?;
            }
            Err(err) => check_error(&err)?,
        }
        if let Err(err) = Scenario::from_json(&value.to_string()) {
            check_error(&err)?;
        }
        if let Err(err) = Input::from_json(&value.to_string()) {
            prop_assert!(!err.to_string().trim().is_empty());
        }
        Ok(())
    }

    /// Validates `bundle`, plans its bootstrap and runs an engine on it: the
    /// engine starts exactly when the check that applies to it passes.
    fn check_bundle(bundle: &Bundle, seed: u64, steps: &[HostStep]) -> Result<(), TestCaseError> {
        let validated = validate(bundle);
        match &validated {
            Ok(validated) => check_diagnostics(&validated.warnings)?,
            Err(diagnostics) => check_refusal(diagnostics)?,
        }
        let plan = bootstrap_plan(bundle);
        if let Err(diagnostics) = &plan {
            check_refusal(diagnostics)?;
        }
        let usable = if bundle.is_local_only() {
            plan.is_ok()
        } else {
            validated.is_ok()
        };
        match Engine::new(bundle.clone(), seed) {
            Ok(mut engine) => {
                prop_assert!(usable, "the engine took a bundle its check refuses");
                drive(&mut engine, steps)
            }
            Err(err) => {
                prop_assert!(!usable, "the engine refused a usable bundle: {}", err);
                prop_assert!(matches!(err, Error::Invalid { .. }), "{:?}", err);
                check_error(&err)
            }
        }
    }

    /// Starts `engine` and walks it through `steps`; a handled deadline is never handed back.
    fn drive(engine: &mut Engine, steps: &[HostStep]) -> Result<(), TestCaseError> {
        engine.handle_start(0);
        drain(engine)?;
        for step in steps {
            match step {
                HostStep::Input { after, input } => {
                    let now = engine.now();
                    let at = match u64::try_from(*after) {
                        Ok(after) => now.saturating_add(after),
                        Err(_) => now.saturating_sub(after.unsigned_abs()),
                    };
                    engine.handle_input(input.clone(), at);
                    drain(engine)?;
                }
                HostStep::Timeout { late } => {
                    let Some(deadline) = engine.poll_timeout() else {
                        continue;
                    };
                    engine.handle_timeout(deadline.saturating_add(*late));
                    drain(engine)?;
                    let now = engine.now();
                    if let Some(next) = engine.poll_timeout() {
                        // Deadlines saturate at the end of time; only there may one stay put.
                        prop_assert!(
                            next > now || now == Millis::MAX,
                            "after handle_timeout({}) the next deadline is {} (now {})",
                            deadline.saturating_add(*late),
                            next,
                            now
                        );
                    }
                }
            }
            let _ = engine.status();
        }
        Ok(())
    }

    fn drain(engine: &mut Engine) -> Result<(), TestCaseError> {
        while let Some(emitted) = engine.poll_output() {
            if let continuity_core::Output::ConfigError { diagnostics } = &emitted.output {
                check_refusal(diagnostics)?;
            }
        }
        Ok(())
    }

    /// An error must say what is wrong.
    fn check_error(err: &Error) -> Result<(), TestCaseError> {
        prop_assert!(!err.to_string().trim().is_empty(), "{:?}", err);
        match err {
            Error::Parse { message, .. }
            | Error::Scenario { message, .. }
            | Error::OptionsFile { message, .. } => {
                prop_assert!(!message.trim().is_empty(), "{:?}", err);
            }
            Error::Invalid { diagnostics } => check_refusal(diagnostics)?,
            _ => {}
        }
        Ok(())
    }

    /// A refusal holds at least one error, and every finding says something.
    fn check_refusal(diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
        prop_assert!(
            diagnostics.iter().any(Diagnostic::is_error),
            "refused without an error: {:?}",
            diagnostics
        );
        check_diagnostics(diagnostics)
    }

    fn check_diagnostics(diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
        for d in diagnostics {
            prop_assert!(
                !d.code.is_empty() && !d.message.trim().is_empty(),
                "{:?}",
                d
            );
        }
        Ok(())
    }
}

/// Option values substituted into the valid two-site bundle: validation
/// never panics, and judges the timing and boolean options exactly.
mod option_values {
    use continuity_core::config::options::{self, MAX_SECONDS, WORKSPACE_SECTION};
    use continuity_core::config::validate;

    use super::*;

    const TWO_SITE_JSON: &str = include_str!("data/two-site.json");

    /// How the validator must read an option.
    #[derive(Clone, Copy, Debug)]
    enum Kind {
        /// A whole number of seconds, at most a week; zero only where allowed.
        Seconds { allow_zero: bool },
        /// `true` or `false`, any ASCII case.
        Boolean,
        /// Anything: only no panic and a message on every finding.
        Other,
    }

    const OPTIONS: &[(&str, Kind)] = &[
        (options::TIMEOUT, Kind::Seconds { allow_zero: false }),
        (
            options::RESTORE_HOLD_DOWN,
            Kind::Seconds { allow_zero: true },
        ),
        (options::AUTO_RESTORE, Kind::Boolean),
        (options::RESTORE_WHEN_IDLE, Kind::Boolean),
        (options::ENABLED, Kind::Other),
        (options::PREFERRED_SITE, Kind::Other),
        (options::PEER_SITE, Kind::Other),
        (options::BACKOFF_CAP, Kind::Other),
        (options::NAME, Kind::Other),
        (
            "sipendpoint.proxies.proxy0.reregister_in_seconds",
            Kind::Other,
        ),
        ("sipendpoint.sbc-register-address", Kind::Other),
    ];

    /// The objects of the hierarchy in the two-site bundle, as diagnostics name them.
    const LAYERS: &[&str] = &[
        "person agent1",
        "agent group Sales",
        "tenant Resources",
        "application WDE",
    ];

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "0", "-1", "99999999999999999999", "true", "TRUE", " 30 ", "30", "604800",
                "604801", "+30", "1e3", "30s", "007", "0x1e", "\u{3000}30\u{3000}", "３０",
                "false", " False\t", "yes", "", "\u{1F600}",
            ])
            .prop_map(String::from),
            2 => "[0-9]{1,21}",
            2 => "[ \t]{0,2}[+-]?[0-9]{1,7}[ \t]{0,2}",
            2 => "[ \t]{0,2}(true|false|TRUE|FALSE|True|tRuE|fals|truee)[ \t\n]{0,2}",
            2 => "\\PC{0,10}",
            1 => any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn option_values_are_judged_exactly(
            (option, kind) in prop::sample::select(OPTIONS),
            layer in 0..LAYERS.len(),
            value in value(),
        ) {
            let mut bundle = Bundle::from_json(TWO_SITE_JSON).unwrap();
            let options = match layer {
                0 => &mut bundle.person.as_mut().unwrap().options,
                1 => &mut bundle.agent_groups[0].options,
                2 => &mut bundle.tenant.as_mut().unwrap().options,
                _ => &mut bundle.application.as_mut().unwrap().options,
            };
            options
                .entry(WORKSPACE_SECTION.into())
                .or_default()
                .insert(option.into(), OptionValue(value.clone()));

            let result = validate(&bundle);
            let diagnostics = match &result {
                Ok(validated) => &validated.warnings,
                Err(diagnostics) => diagnostics,
            };
            for d in diagnostics {
                prop_assert!(!d.code.is_empty() && !d.message.trim().is_empty(), "{:?}", d);
            }
            let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
            let (code, well_formed) = match kind {
                Kind::Seconds { allow_zero } => {
                    ("invalid-integer", seconds(&value, allow_zero).is_some())
                }
                Kind::Boolean => ("invalid-boolean", boolean(&value).is_some()),
                Kind::Other => return Ok(()),
            };
            if !well_formed {
                prop_assert_eq!(errors.len(), 1, "{:?}", diagnostics);
                let error = errors[0];
                prop_assert_eq!(error.code.as_str(), code);
                prop_assert_eq!(error.object.as_deref(), Some(LAYERS[layer]));
                prop_assert_eq!(error.section.as_deref(), Some(WORKSPACE_SECTION));
                prop_assert_eq!(error.option.as_deref(), Some(option));
                return Ok(());
            }
            let Ok(validated) = &result else {
                let refusal = format!("`{value}` was refused: {diagnostics:?}");
                return Err(TestCaseError::fail(refusal));
            };
            let policy = &validated.policy;
            let ms = |allow_zero| seconds(&value, allow_zero).map(|s| s * 1000);
            match option {
                options::TIMEOUT => prop_assert_eq!(Some(policy.timing.site_timeout), ms(false)),
                options::RESTORE_HOLD_DOWN => prop_assert_eq!(Some(policy.timing.hold_down), ms(true)),
                options::AUTO_RESTORE => prop_assert_eq!(Some(policy.auto_restore), boolean(&value)),
                _ => prop_assert_eq!(Some(policy.restore_when_idle), boolean(&value)),
            }
        }
    }

    #[test]
    fn the_reference_reads_values_as_documented() {
        assert_eq!(seconds(" 30 ", false), Some(30));
        assert_eq!(seconds("0", true), Some(0));
        assert_eq!(seconds("0000604800", false), Some(MAX_SECONDS));
        for malformed in [
            "0",
            "+30",
            "-1",
            "604801",
            "99999999999999999999",
            "30s",
            "1e3",
            "３０",
            "",
        ] {
            assert_eq!(seconds(malformed, false), None, "{malformed:?}");
        }
        assert_eq!(boolean(" TRUE\t"), Some(true));
        assert_eq!(boolean("False"), Some(false));
        for malformed in ["yes", "1", "", "truee", "ｔｒｕｅ"] {
            assert_eq!(boolean(malformed), None, "{malformed:?}");
        }
    }

    /// The seconds in a well-formed value: digits only after trimming, at
    /// most a week, zero only where allowed.
    fn seconds(value: &str, allow_zero: bool) -> Option<u64> {
        let trimmed = value.trim();
        let digits = trimmed;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let significant = digits.trim_start_matches('0');
        // Longer than the maximum's digits: too large, however many there are.
        if significant.len() > MAX_SECONDS.to_string().len() {
            return None;
        }
        let n: u64 = if significant.is_empty() {
            0
        } else {
            significant.parse().ok()?
        };
        (n <= MAX_SECONDS && (allow_zero || n > 0)).then_some(n)
    }

    /// The boolean in a well-formed value: `true` or `false` in any ASCII case, trimmed.
    fn boolean(value: &str) -> Option<bool> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("true") {
            Some(true)
        } else if value.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
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

    /// The message of a bundle's error, without its location (a TOML and a
    /// JSON text put the same field in different places).
    fn message(result: Result<Bundle, Error>) -> String {
        match result {
            Err(Error::Parse {
                line,
                column,
                message,
            }) => {
                assert!(line >= 1 && column >= 1, "{message} is located");
                message
            }
            other => panic!("a parse error, not {other:?}"),
        }
    }

    #[test]
    fn a_malformed_field_gives_the_same_message_from_toml_as_from_json() {
        for (toml, json) in [
            (
                "version = 1\n[person]\nname = 7\n",
                r#"{"version": 1, "person": {"name": 7}}"#,
            ),
            ("version = 2\n", r#"{"version": 2}"#),
            ("version = \"1\"\n", r#"{"version": "1"}"#),
            (
                "version = 1\n[[servers]]\nname = \"S\"\ntype = \"sip\"\n",
                r#"{"version": 1, "servers": [{"name": "S", "type": "sip"}]}"#,
            ),
            (
                "version = 1\n[[servers]]\nname = \"S\"\n",
                r#"{"version": 1, "servers": [{"name": "S"}]}"#,
            ),
            (
                "version = 1\nperson = 3\n",
                r#"{"version": 1, "person": 3}"#,
            ),
            (
                "version = 1\n[person]\nname = \"a\"\n[person.options.s]\nx = [1]\n",
                r#"{"version": 1, "person": {"name": "a", "options": {"s": {"x": [1]}}}}"#,
            ),
            (
                "version = 1\n[local]\nsites = [{ name = 1 }]\n",
                r#"{"version": 1, "local": {"sites": [{"name": 1}]}}"#,
            ),
        ] {
            let from_toml = message(Bundle::from_toml(toml));
            assert_eq!(from_toml, message(Bundle::from_json(json)), "{toml}");
        }
        // And the TOML error is located at the field in the TOML text.
        let err = Bundle::from_toml("version = 1\n[person]\nname = 7\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3, column 8: invalid type: integer `7`, expected a string"
        );
    }
}
