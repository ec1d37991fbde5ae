//! The raw layer, tested where it runs: in Node and in headless Chromium
//! (`wasm-bindgen-test`; scripts/test-wasm.sh runs both).

use continuity_wasm_shared::error::code_and_message;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::config::validate;
use continuity_core::InputType;

use crate::engine::{APPLIED, BAD_NAME, BAD_TIME, DUPLICATE, NOT_A_SITE, RawEngine, STOPPED};

const TWO_SITE: &str = include_str!("../../tests/scenarios/bundles/two-site.json");
const CFG_BUNDLE: &str = include_str!("../../tests/scenarios/bundles/two-site-cfg-export.json");

/// `start` at `now`, as the package feeds it (`InputType::Start` is index 0).
fn start(engine: &mut RawEngine, now: f64) -> i32 {
    engine.handle_named(InputType::Start.index() as u32, "", 0, 0, false, now)
}

/// A value the module gives JavaScript, as JSON text.
fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .unwrap_or_default()
}

fn engine() -> RawEngine {
    RawEngine::new(TWO_SITE, 7).expect("the corpus bundle is valid")
}

/// Every waiting output, as a JSON array, taken one by one as the package does.
fn take_outputs(engine: &mut RawEngine) -> String {
    let mut outputs = Vec::new();
    while engine.next_output() != 0 {
        outputs.push(json(&engine.output()));
    }
    format!("[{}]", outputs.join(","))
}

/// The `code` and `message` of a thrown value, checking it is a `ContinuityError`.
fn error_parts(value: &JsValue) -> (String, String) {
    code_and_message(value)
        .unwrap_or_else(|| panic!("not a ContinuityError with a code: {value:?}"))
}

#[wasm_bindgen_test]
fn start_connects_to_the_preferred_site() {
    let mut engine = engine();
    assert_eq!(Some(start(&mut engine, 0.0)), Some(APPLIED));
    assert_eq!(engine.pending(), 3);
    assert_eq!(Some(start(&mut engine, 0.0)), Some(DUPLICATE));
    assert_eq!(
        take_outputs(&mut engine),
        r#"[{"type":"connect","site":"SiteA"},{"type":"register_endpoint","site":"SiteA"},{"type":"phase_changed","phase":"connecting","site":"SiteA","role":"preferred"}]"#
    );
    assert_eq!(engine.pending(), 0);
    assert_eq!(take_outputs(&mut engine), "[]");
    assert_eq!(engine.next_output(), 0);
    assert_eq!(json(&engine.output()), "null");
}

#[wasm_bindgen_test]
fn losing_the_sip_server_pair_switches_after_the_site_timeout() {
    let mut engine = engine();
    start(&mut engine, 0.0);
    take_outputs(&mut engine);
    let site_a = engine.site_id("SiteA");
    assert_ne!(site_a, NOT_A_SITE);
    assert_eq!(
        engine.site_id("SiteA"),
        site_a,
        "an index keeps its meaning"
    );
    for service in 0..3 {
        for member in 0..2 {
            engine.link_up(site_a, service, member, 1_000.0);
        }
    }
    engine.endpoint_registered(site_a, 1_000.0);
    assert!(take_outputs(&mut engine).contains(r#""phase":"active""#));
    assert_eq!(
        engine.link_down(site_a, 0, 0, 12_000.0),
        APPLIED,
        "applied, though the backup is still up"
    );
    assert_eq!(engine.pending(), 0, "so nothing to do yet");
    assert_eq!(engine.link_down(site_a, 0, 0, 12_000.0), DUPLICATE);
    assert_eq!(engine.link_down(site_a, 0, 1, 12_000.0), APPLIED);
    assert_eq!(engine.pending(), 1);
    assert_eq!(
        take_outputs(&mut engine),
        r#"[{"type":"switchover_pending","from":"SiteA","to":"SiteB","reason":"site-timeout","at":72000}]"#
    );
    assert_eq!(engine.poll_timeout(), 72_000.0);
    assert_eq!(engine.pending(), 0);
    assert_eq!(
        engine.handle_timeout(71_999.0),
        0,
        "nothing before the deadline"
    );
    assert!(engine.handle_timeout(72_000.0) > 0);
    let outputs = take_outputs(&mut engine);
    assert!(
        outputs
            .contains(r#"{"type":"switched","from":"SiteA","to":"SiteB","reason":"site-timeout"}"#),
        "{outputs}"
    );
}

#[wasm_bindgen_test]
fn an_input_after_a_late_timer_finds_the_deadline_handled_at_its_own_time() {
    let mut engine = engine();
    start(&mut engine, 0.0);
    let site_a = engine.site_id("SiteA");
    for service in 0..3 {
        engine.link_up(site_a, service, 0, 1_000.0);
    }
    engine.endpoint_registered(site_a, 1_000.0);
    engine.link_down(site_a, 0, 0, 12_000.0);
    take_outputs(&mut engine);
    assert_eq!(engine.poll_timeout(), 72_000.0);
    // No handleTimeout call comes before an input at 73 s.
    let site_b = engine.site_id("SiteB");
    assert_eq!(engine.link_up(site_b, 0, 0, 73_000.0), APPLIED);
    let mut times = Vec::new();
    while engine.next_output() != 0 {
        times.push(engine.output_at());
    }
    assert!(!times.is_empty());
    assert!(
        times.iter().all(|&at| at == 72_000.0),
        "the switch's outputs carry the deadline's time: {times:?}"
    );
    assert_eq!(engine.output_at(), -1.0, "nothing taken last");
}

#[wasm_bindgen_test]
fn times_that_are_not_milliseconds_are_refused_without_change() {
    let mut engine = engine();
    for bad in [f64::NAN, f64::INFINITY, -1.0, 9_007_199_254_740_992.0] {
        assert_eq!(engine.handle_timeout(bad), BAD_TIME);
        assert_eq!(Some(start(&mut engine, bad)), Some(BAD_TIME));
        assert_eq!(engine.interaction_started("call-1", bad), BAD_TIME);
    }
    assert_eq!(engine.pending(), 0);
    assert_eq!(Some(start(&mut engine, 5.9)), Some(APPLIED));
    assert_eq!(engine.now(), 5.0, "a fraction of a millisecond is dropped");
}

#[wasm_bindgen_test]
fn out_of_range_indexes_are_refused() {
    let mut engine = engine();
    let site_a = engine.site_id("SiteA");
    assert_eq!(engine.site_id("Nowhere"), NOT_A_SITE);
    assert_eq!(engine.link_down(site_a, 3, 0, 0.0), BAD_NAME);
    assert_eq!(engine.link_down(site_a, 0, 2, 0.0), BAD_NAME);
    assert_eq!(engine.endpoint_registered(NOT_A_SITE, 0.0), BAD_NAME);
    assert_eq!(engine.probe_result(99, true, 0.0), BAD_NAME);
}

#[wasm_bindgen_test]
fn malformed_inputs_are_refused_and_change_nothing() {
    let mut engine = engine();
    start(&mut engine, 0.0);
    let before = json(&engine.status());
    let link_up = InputType::LinkUp.index() as u32;
    assert_eq!(engine.handle_named(99, "SiteA", 0, 0, false, 1.0), BAD_NAME);
    assert_eq!(
        engine.handle_named(link_up, "SiteA", 3, 0, false, 1.0),
        BAD_NAME
    );
    assert_eq!(
        engine.handle_named(link_up, "SiteA", 0, 2, false, 1.0),
        BAD_NAME
    );
    let config_loaded = InputType::ConfigLoaded.index() as u32;
    assert_eq!(
        engine.handle_named(config_loaded, "", 0, 0, false, 1.0),
        BAD_NAME,
        "config_loaded takes its bundle through configLoaded"
    );
    for (bundle, fragment) in [
        (r#"{"version": 2}"#, "unsupported bundle version 2"),
        (
            r#"{"version": 1, "servers": 5}"#,
            "invalid type: integer `5`",
        ),
        ("[1, 2]", "invalid type"),
        ("{", "EOF"),
    ] {
        let error = engine.config_loaded(bundle, 1.0).expect_err(bundle);
        let (code, message) = error_parts(&error);
        assert_eq!(code, "invalid-input", "{bundle}");
        assert!(message.starts_with("invalid input: "), "{message}");
        assert!(message.contains(fragment), "{bundle}: {message}");
        assert!(!message.contains("line 1"), "{message}");
    }
    assert_eq!(json(&engine.status()), before);
}

#[wasm_bindgen_test]
fn inputs_after_stop_are_refused() {
    let mut engine = engine();
    start(&mut engine, 0.0);
    engine.handle_named(InputType::Stop.index() as u32, "", 0, 0, false, 1.0);
    assert!(engine.stopped());
    let site_a = engine.site_id("SiteA");
    assert_eq!(Some(start(&mut engine, 2.0)), Some(STOPPED));
    assert_eq!(engine.link_up(site_a, 0, 0, 2.0), STOPPED);
    assert_eq!(engine.interaction_ended("x", 2.0), STOPPED);
    assert_eq!(
        engine.handle_timeout(3.0),
        engine.pending(),
        "timeouts stay harmless"
    );
}

#[wasm_bindgen_test]
fn an_invalid_bundle_throws_its_diagnostics() {
    let error = RawEngine::new(r#"{"version": 1, "servers": []}"#, 0)
        .err()
        .expect("a bundle without sites is refused");
    let (code, message) = error_parts(&error);
    assert_eq!(code, "invalid-bundle");
    assert!(message.contains("error"), "{message}");
    let diagnostics = js_sys::Reflect::get(&error, &"diagnostics".into()).unwrap();
    assert!(js_sys::Array::is_array(&diagnostics));
    assert!(js_sys::Array::from(&diagnostics).length() > 0);

    let error = RawEngine::new(r#"{"version": 2}"#, 0).err().unwrap();
    let (code, message) = error_parts(&error);
    assert_eq!(code, "parse");
    assert!(
        message.contains("unsupported bundle version 2"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn a_bundle_naming_an_option_export_is_refused_with_the_way_out() {
    for error in [
        validate(CFG_BUNDLE).expect_err("the runtime reads no .cfg"),
        RawEngine::new(CFG_BUNDLE, 7)
            .err()
            .expect("the runtime reads no .cfg"),
    ] {
        let (code, message) = error_parts(&error);
        assert_eq!(code, "options-file");
        assert!(
            message.contains("person agent1: options_file `exports/agent1.cfg`"),
            "{message}"
        );
        assert!(
            message.contains("resolveOptionFiles from continuity-engine/tools"),
            "{message}"
        );
    }
}

#[wasm_bindgen_test]
fn outputs_are_packed_with_their_sites_and_times() {
    let mut engine = engine();
    start(&mut engine, 0.0);
    let connect = engine.next_output();
    assert_eq!(connect & 0xf, 2, "connect");
    assert_eq!(engine.site_name(connect >> 4 & 0xff), "SiteA");
    assert_eq!(engine.output_time(), -1.0);
    take_outputs(&mut engine);
    let site_a = engine.site_id("SiteA");
    for service in 0..3 {
        for member in 0..2 {
            engine.link_up(site_a, service, member, 1_000.0);
        }
    }
    engine.endpoint_registered(site_a, 1_000.0);
    take_outputs(&mut engine);
    engine.link_down(site_a, 0, 0, 12_000.0);
    engine.link_down(site_a, 0, 1, 12_000.0);
    let pending = engine.next_output();
    assert_eq!(pending & 0xf, 9, "switchover_pending");
    assert_eq!(engine.site_name(pending >> 4 & 0xff), "SiteA");
    assert_eq!(engine.site_name(pending >> 12 & 0xff), "SiteB");
    assert_eq!(pending >> 24 & 0xf, 1, "site-timeout");
    assert_eq!(engine.output_time(), 72_000.0);
    assert_eq!(engine.site_name(200), "", "no such site");
}

#[wasm_bindgen_test]
fn the_policy_in_force_is_reported_as_validate_reports_it() {
    let engine = engine();
    let policy = json(&engine.policy());
    assert!(policy.contains(r#""preferred":"SiteA""#), "{policy}");
    assert!(policy.contains(r#""peer":"SiteB""#), "{policy}");
    assert!(policy.contains(r#""site_timeout":60000"#), "{policy}");
    let report = json(&validate(TWO_SITE).unwrap());
    assert!(report.contains(&policy), "{report}");

    let bootstrapping = RawEngine::new(
        r#"{"version": 1, "local": {"sites": [{"name": "SiteA", "config_server": {"primary": "cs-a:2020"}}]}}"#,
        0,
    )
    .unwrap();
    assert_eq!(json(&bootstrapping.policy()), "null");
}
