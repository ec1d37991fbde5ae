//! The tools module's raw layer, tested where it runs: in Node and in
//! headless Chromium (`wasm-bindgen-test`; scripts/test-wasm.sh runs both).

use continuity_wasm_shared::error::code_and_message;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::config::{parse_cfg_text, resolve_option_files, validate};
use crate::scenario::simulate;

const TWO_SITE: &str = include_str!("../../../tests/scenarios/bundles/two-site.json");
const CFG_BUNDLE: &str = include_str!("../../../tests/scenarios/bundles/two-site-cfg-export.json");
const AGENT_CFG: &str = include_str!("../../../tests/scenarios/bundles/exports/agent1.cfg");
const OUTAGE: &str = include_str!("../../../tests/scenarios/site-a-outage-past-timeout.json");
const OUTAGE_TRACE: &str =
    include_str!("../../../tests/scenarios/site-a-outage-past-timeout.trace.jsonl");

/// A value the module returned, as JSON text.
fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .expect("a plain value")
}

/// The `code` and `message` of a thrown value, checking it is a `ContinuityError`.
fn error_parts(value: &JsValue) -> (String, String) {
    code_and_message(value)
        .unwrap_or_else(|| panic!("not a ContinuityError with a code: {value:?}"))
}

#[wasm_bindgen_test]
fn option_exports_are_read_from_files() {
    let (paths, texts) = (
        vec!["exports/agent1.cfg".to_owned()],
        vec![AGENT_CFG.to_owned()],
    );
    let resolved = json(
        &resolve_option_files(CFG_BUNDLE, paths.clone(), texts).expect("the export is readable"),
    );
    assert!(!resolved.contains("options_file"), "{resolved}");
    assert!(resolved.contains("interaction-workspace"), "{resolved}");
    let report =
        json(&validate(CFG_BUNDLE, paths.clone(), vec![AGENT_CFG.to_owned()]).expect("readable"));
    assert!(report.contains(r#""site_timeout":20000"#), "{report}");
    let error = resolve_option_files(CFG_BUNDLE, paths, vec![]).expect_err("paths without texts");
    assert_eq!(error_parts(&error).0, "invalid-files");

    let error =
        resolve_option_files(CFG_BUNDLE, vec![], vec![]).expect_err("the export is missing");
    let (code, message) = error_parts(&error);
    assert_eq!(code, "options-file");
    assert!(message.contains("exports/agent1.cfg"), "{message}");

    let parsed = json(&parse_cfg_text(AGENT_CFG).expect("the export parses"));
    assert!(parsed.contains("interaction-workspace"), "{parsed}");
    let (code, message) = error_parts(&parse_cfg_text("[s]\nno equals sign\n").unwrap_err());
    assert_eq!(code, "parse");
    assert!(message.contains("line 2"), "{message}");
}

#[wasm_bindgen_test]
fn a_scenario_gives_the_native_trace_byte_for_byte() {
    let (paths, texts) = (
        vec!["bundles/two-site.json".to_owned()],
        vec![TWO_SITE.to_owned()],
    );
    assert_eq!(simulate(OUTAGE, paths, texts).unwrap(), OUTAGE_TRACE);
    let (code, message) = error_parts(&simulate(OUTAGE, vec![], vec![]).unwrap_err());
    assert_eq!(code, "missing-file");
    assert!(message.contains("bundles/two-site.json"), "{message}");
}
