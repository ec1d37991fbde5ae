//! Bad input through the C ABI, called as C calls it: every failure returns
//! its code, `continuity_last_error()` says what went wrong, in which
//! function and how to fix it, and the engine is left exactly as it was and
//! still works (checked against a twin engine that never saw the bad call).

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use continuity_capi::{
    CONTINUITY_MAX_TIME_MS, CONTINUITY_NO_DEADLINE, ContinuityCode, ContinuityEngine,
    ContinuityHandled, continuity_code_name, continuity_engine_free, continuity_engine_handle,
    continuity_engine_handle_timeout, continuity_engine_new, continuity_engine_now,
    continuity_engine_poll_output, continuity_engine_poll_timeout, continuity_engine_status,
    continuity_last_error, continuity_resolve_option_files, continuity_string_free,
    continuity_validate, continuity_version,
};
use continuity_core::{Bundle, Scenario, trace};

/// A valid two-site Workspace bundle: Site A preferred, Site B peer, 60 s site timeout.
const WORKSPACE: &str = include_str!("../../examples/bundles/workspace.json");
/// A bundle with errors (`peer-site-missing`, `places-differ`) and warnings.
const BROKEN: &str = include_str!("../../examples/bundles/broken-workspace.json");
/// A scenario with an inline bundle: Site A fails, switchover, switchback.
const OUTAGE: &str = include_str!("../../examples/site-a-outage.json");

const LINK_DOWN: &str =
    r#"{"type":"link_down","site":"SiteA","service":"sip-server","member":"primary"}"#;

// ---- the cases ----

#[test]
fn new_refuses_a_null_bundle() {
    let mut engine = garbage();
    // SAFETY: a NULL bundle is what is tested; `engine` is writable.
    let code = unsafe { continuity_engine_new(ptr::null(), 7, &mut engine) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_new",
        &[
            "`bundle_json` is NULL",
            "pass a NUL-terminated UTF-8 string",
        ],
    );
    assert!(
        engine.is_null(),
        "a failed call sets the engine pointer to NULL"
    );
}

#[test]
fn new_refuses_a_null_out_pointer() {
    let bundle = c(WORKSPACE);
    // SAFETY: a valid bundle string; the NULL out-pointer is what is tested.
    let code = unsafe { continuity_engine_new(bundle.as_ptr(), 7, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_new",
        &["`out_engine` is NULL", "the address of a variable"],
    );
}

#[test]
fn new_refuses_a_bundle_that_is_not_utf8() {
    let mut engine = garbage();
    let bundle = CString::new(b"{\"version\": 1, \"x\": \"caf\xe9\"}".to_vec()).unwrap();
    // SAFETY: a NUL-terminated string; `engine` is writable.
    let code = unsafe { continuity_engine_new(bundle.as_ptr(), 7, &mut engine) };
    assert_failed(
        code,
        ContinuityCode::InvalidUtf8,
        "continuity_engine_new",
        &[
            "`bundle_json` is not valid UTF-8",
            "byte 0xe9 at offset 24",
            "convert",
        ],
    );
    assert!(engine.is_null());
}

#[test]
fn new_refuses_malformed_json_with_its_line_and_column() {
    let mut engine = garbage();
    let bundle = c("{\n  \"version\": 1,\n  \"local\": {\"sites\": [}\n}");
    // SAFETY: a valid string; `engine` is writable.
    let code = unsafe { continuity_engine_new(bundle.as_ptr(), 7, &mut engine) };
    assert_failed(
        code,
        ContinuityCode::InvalidJson,
        "continuity_engine_new",
        &["`bundle_json` is not well-formed JSON", "line 3, column 23"],
    );
    assert!(engine.is_null());
}

#[test]
fn new_refuses_json_that_is_not_a_bundle() {
    for (bundle, fragments) in [
        (
            r#"{"version": 1, "servers": 5}"#,
            &[
                "`bundle_json` is not a bundle",
                "line 1, column 27",
                "invalid type",
            ][..],
        ),
        (
            r#"{"version": 2}"#,
            &["`bundle_json` is not a bundle", "version"][..],
        ),
        ("[]", &["`bundle_json` is not a bundle"][..]),
    ] {
        let mut engine = garbage();
        let text = c(bundle);
        // SAFETY: a valid string; `engine` is writable.
        let code = unsafe { continuity_engine_new(text.as_ptr(), 7, &mut engine) };
        assert_failed(
            code,
            ContinuityCode::InvalidBundle,
            "continuity_engine_new",
            fragments,
        );
        assert!(engine.is_null());
    }
}

#[test]
fn new_lists_every_diagnostic_code_of_an_invalid_bundle() {
    let mut engine = garbage();
    let bundle = c(BROKEN);
    // SAFETY: a valid string; `engine` is writable.
    let code = unsafe { continuity_engine_new(bundle.as_ptr(), 7, &mut engine) };
    let message = assert_failed(
        code,
        ContinuityCode::InvalidBundle,
        "continuity_engine_new",
        &[
            "the bundle does not validate",
            "2 error(s)",
            "error[peer-site-missing] application WDE",
            "error[places-differ]",
            "continuity_validate returns them as JSON",
        ],
    );
    // Every finding `continuity_validate` reports is in the message.
    let report: serde_json::Value = serde_json::from_str(&validate(BROKEN)).unwrap();
    for diagnostic in report["diagnostics"].as_array().unwrap() {
        let code = diagnostic["code"].as_str().unwrap();
        assert!(message.contains(&format!("[{code}]")), "{code}: {message}");
    }
    assert!(engine.is_null());
}

#[test]
fn new_points_unresolved_option_exports_to_the_resolver() {
    let (bundle, _) = bundle_with_person_export();
    let mut engine = garbage();
    let text = c(&bundle);
    // SAFETY: a valid string; `engine` is writable.
    let code = unsafe { continuity_engine_new(text.as_ptr(), 7, &mut engine) };
    assert_failed(
        code,
        ContinuityCode::InvalidBundle,
        "continuity_engine_new",
        &[
            "error[options-file-unresolved]",
            "continuity_resolve_option_files",
        ],
    );
}

#[test]
fn handle_refuses_a_null_engine() {
    let input = c(r#"{"type":"start"}"#);
    // SAFETY: the NULL engine is what is tested; a valid input string.
    let code =
        unsafe { continuity_engine_handle(ptr::null_mut(), input.as_ptr(), 0, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_handle",
        &["`engine` is NULL", "continuity_engine_new"],
    );
}

#[test]
fn handle_refuses_a_null_input_and_changes_nothing() {
    let (engine, twin) = active_pair();
    // SAFETY: a live engine; the NULL input is what is tested.
    let code = unsafe { continuity_engine_handle(engine.0, ptr::null(), 20_000, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_handle",
        &["`input_json` is NULL", "JSON text"],
    );
    assert_same_and_working(&engine, &twin);
}

#[test]
fn handle_refuses_input_that_is_not_utf8_and_changes_nothing() {
    let (engine, twin) = active_pair();
    let input = CString::new(b"{\"type\":\"start\xff\"}".to_vec()).unwrap();
    // SAFETY: a live engine and a NUL-terminated string.
    let code =
        unsafe { continuity_engine_handle(engine.0, input.as_ptr(), 20_000, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::InvalidUtf8,
        "continuity_engine_handle",
        &["`input_json` is not valid UTF-8", "byte 0xff at offset 14"],
    );
    assert_same_and_working(&engine, &twin);
}

/// Every way input text can fail to be an input, each with the code and the
/// words the message must hold.
#[test]
fn handle_refuses_every_kind_of_bad_input_and_changes_nothing() {
    let cases: &[(&str, ContinuityCode, &[&str])] = &[
        ("", ContinuityCode::InvalidJson, &["not well-formed JSON"]),
        (
            r#"{"type":"start""#,
            ContinuityCode::InvalidJson,
            &["not well-formed JSON", "line 1, column 16"],
        ),
        (
            r#"{"type":"start"} {}"#,
            ContinuityCode::InvalidJson,
            &["not well-formed JSON", "trailing characters"],
        ),
        (
            "{'type':'start'}",
            ContinuityCode::InvalidJson,
            &["not well-formed JSON", "line 1, column 2"],
        ),
        (
            r#""start""#,
            ContinuityCode::InvalidInput,
            &["`input_json` is not an input", "expected an input"],
        ),
        (
            r#"{"type":"link_dwon"}"#,
            ContinuityCode::InvalidInput,
            &[
                "unknown variant `link_dwon`",
                "`link_down`",
                "such as {\"type\"",
            ],
        ),
        (
            r#"{"site":"SiteA"}"#,
            ContinuityCode::InvalidInput,
            &["missing field `type`"],
        ),
        (
            r#"{"type":"link_down","site":"SiteA","service":"sip-server"}"#,
            ContinuityCode::InvalidInput,
            &["missing field `member`"],
        ),
        (
            r#"{"type":"link_down","site":5,"service":"sip-server","member":"primary"}"#,
            ContinuityCode::InvalidInput,
            &[
                "line 1, column 28",
                "invalid type: integer `5`, expected a string",
            ],
        ),
        (
            r#"{"type":"probe_result","site":"SiteA","ok":"yes"}"#,
            ContinuityCode::InvalidInput,
            &["invalid type: string \"yes\", expected a boolean"],
        ),
        (
            r#"{"type":"start","site":"SiteA"}"#,
            ContinuityCode::InvalidInput,
            &["unknown field `site`"],
        ),
        (
            r#"{"type":"link_up","site":"SiteA","service":"web","member":"primary"}"#,
            ContinuityCode::InvalidInput,
            &["unknown variant `web`", "`sip-server`"],
        ),
        (
            r#"{"type":"config_loaded","bundle":{"version":1,"servers":"none"}}"#,
            ContinuityCode::InvalidInput,
            &["invalid type"],
        ),
        (
            r#"{"type":"link\u0000up"}"#,
            ContinuityCode::InvalidInput,
            &["unknown variant `link\\0up`"],
        ),
    ];
    let (engine, twin) = active_pair();
    for (input, expected, fragments) in cases {
        let code = engine.handle(input, 20_000);
        let message = assert_failed(code, *expected, "continuity_engine_handle", fragments);
        assert!(message.contains("`input_json`"), "{input}: {message}");
    }
    assert_same_and_working(&engine, &twin);
}

#[test]
fn handle_refuses_times_past_the_limit_and_changes_nothing() {
    let (engine, twin) = active_pair();
    for now in [CONTINUITY_MAX_TIME_MS + 1, u64::MAX] {
        let code = engine.handle(LINK_DOWN, now);
        assert_failed(
            code,
            ContinuityCode::BadTime,
            "continuity_engine_handle",
            &[
                &format!("`now_ms` is {now}"),
                "CONTINUITY_MAX_TIME_MS = 9007199254740991",
                "monotonic clock",
            ],
        );
    }
    assert_same_and_working(&engine, &twin);
    // The limit itself is a time like any other.
    let (engine, _) = active_pair();
    assert_eq!(
        engine.handle(LINK_DOWN, CONTINUITY_MAX_TIME_MS),
        ContinuityCode::Ok
    );
    assert_eq!(engine.now(), CONTINUITY_MAX_TIME_MS);
    assert!(engine.outputs()[0].contains(r#""type": "switchover_pending""#));
}

#[test]
fn handle_timeout_refuses_a_null_engine_and_times_past_the_limit() {
    // SAFETY: the NULL engine is what is tested.
    let code = unsafe { continuity_engine_handle_timeout(ptr::null_mut(), 0) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_handle_timeout",
        &["`engine` is NULL"],
    );
    let (engine, twin) = active_pair();
    let code = engine.timeout(u64::MAX);
    assert_failed(
        code,
        ContinuityCode::BadTime,
        "continuity_engine_handle_timeout",
        &["`now_ms` is 18446744073709551615"],
    );
    assert_same_and_working(&engine, &twin);
}

#[test]
fn times_that_go_backwards_count_as_the_last_time_seen() {
    let (engine, _) = active_pair();
    engine.handle_ok(r#"{"type":"interaction_started","id":"call-1"}"#, 15_000);
    engine.handle_ok(LINK_DOWN, 9_000);
    assert_eq!(engine.now(), 15_000);
    assert_eq!(
        engine.outputs(),
        [concat!(
            r#"{"type": "switchover_pending", "from": "SiteA", "to": "SiteB", "#,
            r#""reason": "site-timeout", "at": 75000}"#
        )]
    );
    assert_eq!(
        engine.timeout(0),
        ContinuityCode::Ok,
        "a time in the past is no error"
    );
    assert_eq!(engine.deadline(), Some(75_000));
}

#[test]
fn handle_says_what_became_of_each_input_and_outputs_carry_their_time() {
    let (engine, _) = active_pair();
    let handled = |input: &str, now: u64| {
        let input = c(input);
        let mut handled = ContinuityHandled::Refused;
        // SAFETY: a live engine used by this thread only, a valid string, a writable out-pointer.
        let code = unsafe { continuity_engine_handle(engine.0, input.as_ptr(), now, &mut handled) };
        assert_eq!(code, ContinuityCode::Ok, "{}", last_error());
        handled
    };
    assert_eq!(
        handled(r#"{"type":"start"}"#, 2_000),
        ContinuityHandled::Duplicate
    );
    assert_eq!(
        handled(r#"{"type":"endpoint_registered","site":"SiteZ"}"#, 2_000),
        ContinuityHandled::Unknown
    );
    assert_eq!(
        handled(r#"{"type":"endpoint_registered","site":"SiteB"}"#, 2_000),
        ContinuityHandled::OutOfPhase
    );
    assert_eq!(handled(LINK_DOWN, 12_000), ContinuityHandled::Applied);
    engine.outputs();
    // The switch falls due at 72 s; no handle_timeout call comes, and an
    // input at 73 s finds it handled first, at its own time.
    assert_eq!(
        handled(r#"{"type":"interaction_started","id":"call-1"}"#, 73_000),
        ContinuityHandled::Applied
    );
    let mut times = Vec::new();
    loop {
        let mut json = ptr::null_mut();
        let mut at = 0;
        // SAFETY: a live engine; `json` and `at` are writable.
        match unsafe { continuity_engine_poll_output(engine.0, &mut json, &mut at) } {
            ContinuityCode::Ok => times.push((at, take(json))),
            ContinuityCode::None => break,
            code => panic!("{code:?}: {}", last_error()),
        }
    }
    assert!(!times.is_empty());
    assert!(
        times.iter().all(|(at, _)| *at == 72_000),
        "every output of the switch carries the deadline's time: {times:?}"
    );
    assert!(
        times
            .iter()
            .any(|(_, json)| json.contains(r#""type": "switched""#))
    );
}

#[test]
fn a_stopped_engine_refuses_inputs_and_changes_nothing() {
    let (engine, twin) = active_pair();
    for e in [&engine, &twin] {
        e.handle_ok(r#"{"type":"stop"}"#, 10_000);
        assert_eq!(
            e.outputs().len(),
            3,
            "unregister, disconnect, phase_changed"
        );
    }
    for (input, name) in [(LINK_DOWN, "link_down"), (r#"{"type":"stop"}"#, "stop")] {
        // The twin is refused the same inputs: both count them (rule 10).
        let mut handled = ContinuityHandled::Applied;
        assert_eq!(twin.handle(input, 20_000), ContinuityCode::Stopped);
        // SAFETY: a live engine used by this thread only, a valid string, a writable out-pointer.
        let code =
            unsafe { continuity_engine_handle(engine.0, c(input).as_ptr(), 20_000, &mut handled) };
        assert_eq!(handled, ContinuityHandled::Refused);
        assert_failed(
            code,
            ContinuityCode::Stopped,
            "continuity_engine_handle",
            &[
                &format!("the engine is stopped, so `{name}` was refused"),
                "create a new one",
            ],
        );
    }
    assert_eq!(engine.state(), twin.state());
    assert_eq!(
        engine.timeout(30_000),
        ContinuityCode::Ok,
        "a stopped engine has no deadlines"
    );
    assert_eq!(engine.deadline(), None);
    assert!(engine.outputs().is_empty());
    assert!(engine.status().contains(r#""phase":"stopped""#));
}

#[test]
fn poll_output_refuses_null_pointers_and_keeps_the_output() {
    let (engine, twin) = active_pair();
    engine.handle_ok(LINK_DOWN, 12_000);
    twin.handle_ok(LINK_DOWN, 12_000);
    let mut json = garbage_string();
    // SAFETY: the NULL engine is what is tested; `json` is writable.
    let code =
        unsafe { continuity_engine_poll_output(ptr::null_mut(), &mut json, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_poll_output",
        &["`engine` is NULL"],
    );
    assert!(
        json.is_null(),
        "a failed call sets the string pointer to NULL"
    );
    // SAFETY: a live engine; the NULL out-pointer is what is tested.
    let code = unsafe { continuity_engine_poll_output(engine.0, ptr::null_mut(), ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_poll_output",
        &["`out_json` is NULL"],
    );
    assert_same_and_working(&engine, &twin);
}

#[test]
fn poll_output_says_none_and_writes_null_when_drained() {
    let (engine, _) = active_pair();
    let mut json = garbage_string();
    let mut at = 7;
    // SAFETY: a live engine; `json` and `at` are writable.
    let code = unsafe { continuity_engine_poll_output(engine.0, &mut json, &mut at) };
    assert_eq!(code, ContinuityCode::None);
    assert!(json.is_null());
}

#[test]
fn poll_timeout_refuses_null_pointers_and_says_none_without_a_deadline() {
    let mut deadline = 5;
    // SAFETY: the NULL engine is what is tested; `deadline` is writable.
    let code = unsafe { continuity_engine_poll_timeout(ptr::null(), &mut deadline) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_poll_timeout",
        &["`engine` is NULL"],
    );
    let (engine, twin) = active_pair();
    // SAFETY: a live engine; the NULL out-pointer is what is tested.
    let code = unsafe { continuity_engine_poll_timeout(engine.0, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_poll_timeout",
        &["`out_deadline_ms` is NULL"],
    );
    assert_same_and_working(&engine, &twin);
    // An idle engine has no deadline: NONE, and "never" written.
    let idle = Engine::new(WORKSPACE, 7);
    // SAFETY: a live engine; `deadline` is writable.
    let code = unsafe { continuity_engine_poll_timeout(idle.0, &mut deadline) };
    assert_eq!(code, ContinuityCode::None);
    assert_eq!(deadline, CONTINUITY_NO_DEADLINE);
    assert_eq!(deadline, u64::MAX);
}

#[test]
fn now_and_status_refuse_null_pointers() {
    let (engine, twin) = active_pair();
    let mut now = 0;
    let mut json = garbage_string();
    // SAFETY: the NULL engine is what is tested; `now` is writable.
    let code = unsafe { continuity_engine_now(ptr::null(), &mut now) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_now",
        &["`engine`"],
    );
    // SAFETY: a live engine; the NULL out-pointer is what is tested.
    let code = unsafe { continuity_engine_now(engine.0, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_now",
        &["`out_now_ms` is NULL"],
    );
    // SAFETY: the NULL engine is what is tested; `json` is writable.
    let code = unsafe { continuity_engine_status(ptr::null(), &mut json) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_status",
        &["`engine`"],
    );
    assert!(json.is_null());
    // SAFETY: a live engine; the NULL out-pointer is what is tested.
    let code = unsafe { continuity_engine_status(engine.0, ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_engine_status",
        &["`out_json` is NULL"],
    );
    assert_same_and_working(&engine, &twin);
}

#[test]
fn validate_refuses_what_cannot_be_read_as_a_bundle() {
    let mut report = garbage_string();
    // SAFETY: the NULL bundle is what is tested; `report` is writable.
    let code = unsafe { continuity_validate(ptr::null(), &mut report) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_validate",
        &["`bundle_json`"],
    );
    assert!(report.is_null());
    let bundle = c(WORKSPACE);
    // SAFETY: a valid string; the NULL out-pointer is what is tested.
    let code = unsafe { continuity_validate(bundle.as_ptr(), ptr::null_mut()) };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_validate",
        &["`out_report_json` is NULL"],
    );
    for (text, expected) in [
        ("{\"version\": 1,", ContinuityCode::InvalidJson),
        ("{\"version\": \"one\"}", ContinuityCode::InvalidBundle),
    ] {
        let bundle = c(text);
        // SAFETY: a valid string; `report` is writable.
        let code = unsafe { continuity_validate(bundle.as_ptr(), &mut report) };
        assert_failed(
            code,
            expected,
            "continuity_validate",
            &["`bundle_json`", "line 1"],
        );
        assert!(report.is_null());
    }
}

#[test]
fn validate_reports_an_invalid_bundle_as_the_command_line_does() {
    let report = validate(BROKEN);
    // `continuity validate --format json`: pretty, every object's keys
    // sorted (a serde_json map sorts them), a final newline; no "file".
    let value: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report, serde_json::to_string_pretty(&value).unwrap() + "\n");
    assert!(report.starts_with("{\n  \"bootstrap\": false,\n  \"diagnostics\": [\n    {\n      \"code\": \"peer-site-missing\",\n      \"message\": "), "{report}");
    assert!(
        report.ends_with("  \"valid\": false,\n  \"warnings\": 2\n}\n"),
        "{report}"
    );
    assert_eq!(value["errors"], 2);
    assert!(value.get("file").is_none());
    assert!(value["policy"].is_null());
    let valid: serde_json::Value = serde_json::from_str(&validate(WORKSPACE)).unwrap();
    assert_eq!(valid["valid"], true);
    assert_eq!(valid["policy"]["preferred"], "SiteA");
    assert_eq!(valid["policy"]["timing_ms"]["site_timeout"], 60_000);
}

#[test]
fn resolve_option_files_inlines_the_exports_it_is_given() {
    let (bundle, export) = bundle_with_person_export();
    let resolved = resolve(&bundle, &[("person.cfg", &export), ("unused.cfg", "")]).unwrap();
    let value: serde_json::Value = serde_json::from_str(&resolved).unwrap();
    assert_eq!(value["warnings"], serde_json::json!([]));
    let inlined = Bundle::from_json(&value["bundle"].to_string()).unwrap();
    assert_eq!(inlined, Bundle::from_json(WORKSPACE).unwrap());
    // And the engine takes it.
    let engine = Engine::new(&value["bundle"].to_string(), 7);
    engine.handle_ok(r#"{"type":"start"}"#, 0);
    assert_eq!(engine.outputs().len(), 3);
}

#[test]
fn resolve_option_files_names_what_is_missing_or_malformed() {
    let (bundle, export) = bundle_with_person_export();
    let code = resolve(&bundle, &[]).unwrap_err();
    assert_failed(
        code,
        ContinuityCode::InvalidBundle,
        "continuity_resolve_option_files",
        &[
            "person agent1: options_file `person.cfg`",
            "it is not among `paths`",
            "at the same index in `texts`",
        ],
    );
    let code = resolve(
        &bundle,
        &[("person.cfg", "[interaction-workspace]\nno equals sign\n")],
    )
    .unwrap_err();
    assert_failed(
        code,
        ContinuityCode::InvalidBundle,
        "continuity_resolve_option_files",
        &["options_file `person.cfg`, line 2"],
    );
    let text = c(&bundle);
    let path = c("person.cfg");
    let mut out = garbage_string();
    // SAFETY: valid strings; a NULL `texts` with a count of 1 is what is tested.
    let code = unsafe {
        continuity_resolve_option_files(text.as_ptr(), &path.as_ptr(), ptr::null(), 1, &mut out)
    };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_resolve_option_files",
        &["`texts` is NULL", "only when `count` is 0"],
    );
    assert!(out.is_null());
    let export = c(&export);
    let texts = [export.as_ptr(), ptr::null()];
    let paths = [path.as_ptr(), path.as_ptr()];
    // SAFETY: arrays of two pointers; the NULL `texts[1]` is what is tested.
    let code = unsafe {
        continuity_resolve_option_files(text.as_ptr(), paths.as_ptr(), texts.as_ptr(), 2, &mut out)
    };
    assert_failed(
        code,
        ContinuityCode::NullArgument,
        "continuity_resolve_option_files",
        &["`texts[1]` is NULL"],
    );
}

#[test]
fn freeing_null_is_a_no_op() {
    // SAFETY: NULL is documented as a no-op for both.
    unsafe {
        continuity_engine_free(ptr::null_mut());
        continuity_string_free(ptr::null_mut());
    }
}

#[test]
fn the_last_error_is_per_thread_and_outlives_successful_calls() {
    let fresh = std::thread::spawn(last_error).join().unwrap();
    assert_eq!(fresh, "", "no call has failed on a new thread");
    let (engine, _) = active_pair();
    assert_eq!(engine.handle("{", 0), ContinuityCode::InvalidJson);
    let mine = last_error();
    let theirs = std::thread::spawn(|| {
        let engine = Engine::new(WORKSPACE, 1);
        assert_eq!(engine.timeout(u64::MAX), ContinuityCode::BadTime);
        last_error()
    })
    .join()
    .unwrap();
    assert!(
        theirs.starts_with("continuity_engine_handle_timeout: "),
        "{theirs}"
    );
    assert_eq!(
        last_error(),
        mine,
        "another thread's failure leaves this thread's message"
    );
    engine.handle_ok(LINK_DOWN, 12_000);
    assert_eq!(last_error(), mine, "a successful call leaves the message");
}

#[test]
fn codes_have_names_and_the_version_is_the_crate_version() {
    for (code, name) in [
        (0, "CONTINUITY_CODE_OK"),
        (1, "CONTINUITY_CODE_NONE"),
        (-1, "CONTINUITY_CODE_NULL_ARGUMENT"),
        (-7, "CONTINUITY_CODE_STOPPED"),
        (-8, "CONTINUITY_CODE_INTERNAL"),
        (-9, "CONTINUITY_CODE_UNKNOWN"),
        (i32::MAX, "CONTINUITY_CODE_UNKNOWN"),
    ] {
        // SAFETY: continuity_code_name returns a static NUL-terminated string.
        let got = unsafe { CStr::from_ptr(continuity_code_name(code)) };
        assert_eq!(got.to_str(), Ok(name));
    }
    // SAFETY: continuity_version returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(continuity_version()) };
    assert_eq!(version.to_str(), Ok(env!("CARGO_PKG_VERSION")));
}

#[test]
fn outputs_are_the_bytes_of_the_trace() {
    let scenario = Scenario::from_json(OUTAGE).unwrap();
    let bundle = scenario.inline_bundle().unwrap().clone();
    let expected = trace::render(&scenario.run(bundle.clone()).unwrap());
    // The scenario runner's rules, through the ABI: every deadline at its
    // time before the next step (this scenario has no freeze).
    let engine = Engine::new(&serde_json::to_string(&bundle).unwrap(), scenario.seed);
    let mut lines = String::new();
    for step in &scenario.steps {
        let continuity_core::Step::Input { at, input } = step else {
            panic!("the example has no freeze");
        };
        fire_deadlines(&engine, *at, &mut lines);
        engine.handle_ok(&serde_json::to_string(input).unwrap(), *at);
        drain_into(&engine, &mut lines);
    }
    fire_deadlines(&engine, scenario.until, &mut lines);
    assert!(expected.lines().count() > 20, "{expected}");
    assert_eq!(lines, expected);
}

// ---- helpers ----

/// An engine created through the ABI, freed on drop.
struct Engine(*mut ContinuityEngine);

/// What can be seen of an engine from outside.
#[derive(Debug, PartialEq)]
struct State {
    status: String,
    now: u64,
    deadline: Option<u64>,
}

impl Engine {
    fn new(bundle: &str, seed: u64) -> Engine {
        let bundle = c(bundle);
        let mut engine = ptr::null_mut();
        // SAFETY: a valid string; `engine` is writable.
        let code = unsafe { continuity_engine_new(bundle.as_ptr(), seed, &mut engine) };
        assert_eq!(code, ContinuityCode::Ok, "{}", last_error());
        assert!(!engine.is_null());
        Engine(engine)
    }

    fn handle(&self, input: &str, now: u64) -> ContinuityCode {
        let input = c(input);
        // SAFETY: a live engine used by this thread only, and a valid string.
        unsafe { continuity_engine_handle(self.0, input.as_ptr(), now, ptr::null_mut()) }
    }

    #[track_caller]
    fn handle_ok(&self, input: &str, now: u64) {
        assert_eq!(
            self.handle(input, now),
            ContinuityCode::Ok,
            "{}",
            last_error()
        );
    }

    fn timeout(&self, now: u64) -> ContinuityCode {
        // SAFETY: a live engine used by this thread only.
        unsafe { continuity_engine_handle_timeout(self.0, now) }
    }

    /// Every output waiting.
    fn outputs(&self) -> Vec<String> {
        let mut outputs = Vec::new();
        loop {
            let mut json = ptr::null_mut();
            // SAFETY: a live engine; `json` is writable; the time is not wanted.
            match unsafe { continuity_engine_poll_output(self.0, &mut json, ptr::null_mut()) } {
                ContinuityCode::Ok => outputs.push(take(json)),
                ContinuityCode::None => return outputs,
                code => panic!("{code:?}: {}", last_error()),
            }
        }
    }

    fn status(&self) -> String {
        let mut json = ptr::null_mut();
        // SAFETY: a live engine; `json` is writable.
        let code = unsafe { continuity_engine_status(self.0, &mut json) };
        assert_eq!(code, ContinuityCode::Ok, "{}", last_error());
        take(json)
    }

    fn now(&self) -> u64 {
        let mut now = 0;
        // SAFETY: a live engine; `now` is writable.
        let code = unsafe { continuity_engine_now(self.0, &mut now) };
        assert_eq!(code, ContinuityCode::Ok, "{}", last_error());
        now
    }

    fn deadline(&self) -> Option<u64> {
        let mut deadline = 0;
        // SAFETY: a live engine; `deadline` is writable.
        match unsafe { continuity_engine_poll_timeout(self.0, &mut deadline) } {
            ContinuityCode::Ok => Some(deadline),
            ContinuityCode::None => None,
            code => panic!("{code:?}: {}", last_error()),
        }
    }

    fn state(&self) -> State {
        State {
            status: self.status(),
            now: self.now(),
            deadline: self.deadline(),
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: the engine is live and freed once, here.
        unsafe { continuity_engine_free(self.0) };
    }
}

/// Two engines from the same bundle and seed, each active on Site A at
/// 1000 ms with its outputs drained: one to give bad calls, its twin not.
fn active_pair() -> (Engine, Engine) {
    let pair = (Engine::new(WORKSPACE, 7), Engine::new(WORKSPACE, 7));
    for engine in [&pair.0, &pair.1] {
        engine.handle_ok(r#"{"type":"start"}"#, 0);
        for service in ["sip-server", "stat-server", "config-server"] {
            engine.handle_ok(
                &format!(
                    r#"{{"type":"link_up","site":"SiteA","service":"{service}","member":"primary"}}"#
                ),
                500,
            );
        }
        engine.handle_ok(r#"{"type":"endpoint_registered","site":"SiteA"}"#, 1_000);
        let outputs = engine.outputs();
        // Active at 500 ms, with the endpoint deadline announced then and
        // cancelled by the registration.
        assert!(
            outputs.iter().any(|o| o.contains(r#""phase": "active""#))
                && outputs.last().unwrap().contains("switchover_cancelled"),
            "{outputs:?}"
        );
    }
    pair
}

/// Asserts that `engine` is exactly as `twin` (which never saw the bad calls)
/// and behaves the same: the same outputs for the same inputs, up to a switch.
#[track_caller]
fn assert_same_and_working(engine: &Engine, twin: &Engine) {
    assert_eq!(engine.state(), twin.state());
    let mut seen = Vec::new();
    for e in [engine, twin] {
        let mut outputs = e.outputs();
        e.handle_ok(LINK_DOWN, 12_000);
        outputs.extend(e.outputs());
        while let Some(deadline) = e.deadline().filter(|d| *d <= 80_000) {
            assert_eq!(e.timeout(deadline), ContinuityCode::Ok, "{}", last_error());
            outputs.extend(e.outputs());
        }
        seen.push((outputs, e.state()));
    }
    assert_eq!(seen[0], seen[1]);
    assert!(
        seen[0]
            .0
            .iter()
            .any(|o| o.contains(r#""type": "switched""#)),
        "{:?}",
        seen[0].0
    );
}

/// Appends every output waiting to `lines` as trace lines.
fn drain_into(engine: &Engine, lines: &mut String) {
    let now = engine.now();
    for output in engine.outputs() {
        *lines += &format!("{{\"at\": {now}, \"output\": {output}}}\n");
    }
}

/// Fires every deadline due by `limit`, each at its time, appending the outputs to `lines`.
fn fire_deadlines(engine: &Engine, limit: u64, lines: &mut String) {
    while let Some(deadline) = engine.deadline().filter(|d| *d <= limit) {
        assert_eq!(
            engine.timeout(deadline.max(engine.now())),
            ContinuityCode::Ok
        );
        drain_into(engine, lines);
    }
}

/// Validates `bundle` through the ABI and returns the report.
fn validate(bundle: &str) -> String {
    let bundle = c(bundle);
    let mut report = ptr::null_mut();
    // SAFETY: a valid string; `report` is writable.
    let code = unsafe { continuity_validate(bundle.as_ptr(), &mut report) };
    assert_eq!(code, ContinuityCode::Ok, "{}", last_error());
    take(report)
}

/// Resolves `bundle`'s option exports from `(path, text)` pairs through the ABI.
fn resolve(bundle: &str, files: &[(&str, &str)]) -> Result<String, ContinuityCode> {
    let bundle = c(bundle);
    let paths: Vec<CString> = files.iter().map(|(path, _)| c(path)).collect();
    let texts: Vec<CString> = files.iter().map(|(_, text)| c(text)).collect();
    let paths: Vec<*const c_char> = paths.iter().map(|p| p.as_ptr()).collect();
    let texts: Vec<*const c_char> = texts.iter().map(|t| t.as_ptr()).collect();
    let mut out = garbage_string();
    // SAFETY: valid strings; arrays of `files.len()` valid strings; `out` is writable.
    let code = unsafe {
        continuity_resolve_option_files(
            bundle.as_ptr(),
            paths.as_ptr(),
            texts.as_ptr(),
            files.len(),
            &mut out,
        )
    };
    match code {
        ContinuityCode::Ok => Ok(take(out)),
        code => {
            assert!(out.is_null());
            Err(code)
        }
    }
}

/// The Workspace bundle with the person's options moved into an option
/// export `person.cfg`, and that export's text.
fn bundle_with_person_export() -> (String, String) {
    let mut bundle: serde_json::Value = serde_json::from_str(WORKSPACE).unwrap();
    let person = bundle["person"].as_object_mut().unwrap();
    let options = person.remove("options").unwrap();
    person.insert("options_file".into(), "person.cfg".into());
    let mut export = String::from("; Genesys Administrator export of Person agent1\r\n");
    for (section, values) in options.as_object().unwrap() {
        export += &format!("[{section}]\r\n");
        for (name, value) in values.as_object().unwrap() {
            export += &format!("{name}={}\r\n", value.as_str().unwrap());
        }
    }
    (bundle.to_string(), export)
}

/// Asserts that a call failed with `expected`, and that the last error starts
/// with `function` and holds every fragment; returns the message.
#[track_caller]
fn assert_failed(
    code: ContinuityCode,
    expected: ContinuityCode,
    function: &str,
    fragments: &[&str],
) -> String {
    let message = last_error();
    assert_eq!(code, expected, "{message}");
    assert!(message.starts_with(&format!("{function}: ")), "{message}");
    for fragment in fragments {
        assert!(
            message.contains(fragment),
            "expected `{fragment}` in: {message}"
        );
    }
    message
}

fn last_error() -> String {
    // SAFETY: continuity_last_error returns a NUL-terminated string, never NULL.
    let message = unsafe { CStr::from_ptr(continuity_last_error()) };
    message.to_str().unwrap().to_owned()
}

/// Takes ownership of a string the library returned.
fn take(json: *mut c_char) -> String {
    assert!(!json.is_null());
    // SAFETY: a string the library returned and nobody freed yet.
    let text = unsafe { CStr::from_ptr(json) }.to_str().unwrap().to_owned();
    // SAFETY: as above; freed once, here.
    unsafe { continuity_string_free(json) };
    text
}

fn c(text: &str) -> CString {
    CString::new(text).expect("test strings hold no NUL")
}

/// A non-NULL engine pointer that must never be used: a failed call must overwrite it.
fn garbage() -> *mut ContinuityEngine {
    ptr::dangling_mut()
}

/// A non-NULL string pointer that must never be used: a failed call must overwrite it.
fn garbage_string() -> *mut c_char {
    ptr::dangling_mut()
}
