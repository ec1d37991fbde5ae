//! The `continuity` command as a user runs it: real files, real exit codes.

mod common;

use std::fs;

use common::{continuity, repo, stderr};

/// A scratch folder for one test, emptied first.
fn scratch(name: &str) -> std::path::PathBuf {
    common::scratch("cli", name)
}

#[test]
fn simulate_prints_the_trace_of_the_shipped_example() {
    let example = repo().join("examples/site-a-outage.json");
    let output = continuity(&["simulate", example.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let trace = String::from_utf8(output.stdout).unwrap();
    assert!(trace.lines().any(|line| line
        == r#"{"at": 180500, "output": {"type": "switched", "from": "SiteA", "to": "SiteB", "reason": "site-timeout"}}"#));
    assert!(trace.lines().all(|line| line.starts_with(r#"{"at": "#)));
}

#[test]
fn simulate_text_shows_inputs_and_outputs_on_a_clock() {
    let example = repo().join("examples/site-a-outage.json");
    let output = continuity(&["simulate", example.to_str().unwrap(), "--format", "text"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("02:00.000  <- SiteA sip-server primary link DOWN"),
        "{text}"
    );
    assert!(
        text.contains("03:00.500  ** SWITCHED SiteA => SiteB (site-timeout)"),
        "{text}"
    );
}

#[test]
fn malformed_json_names_the_file_line_and_column_and_exits_2() {
    let dir = scratch("malformed");
    let path = dir.join("broken.json");
    fs::write(
        &path,
        "{\n  \"bundle_file\": \"b.json\",\n  \"steps\": [ {\"at\": 0, } ]\n}\n",
    )
    .unwrap();
    let output = continuity(&["simulate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("broken.json: line 3, column"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unknown_input_type_is_named_with_what_was_expected() {
    let dir = scratch("unknown-type");
    let path = dir.join("typo.json");
    fs::write(
        &path,
        r#"{"bundle_file": "b.json", "steps": [{"at": 0, "input": {"type": "link_dwon"}}]}"#,
    )
    .unwrap();
    let output = continuity(&["simulate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("typo.json: line 1"), "{err}");
    assert!(
        err.contains("unknown variant `link_dwon`, expected one of"),
        "{err}"
    );
}

#[test]
fn a_missing_bundle_file_names_the_bundle_path() {
    let dir = scratch("missing-bundle");
    let path = dir.join("scenario.json");
    fs::write(&path, r#"{"bundle_file": "nowhere.json", "steps": []}"#).unwrap();
    let output = continuity(&["simulate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("nowhere.json: cannot read the file"), "{err}");
}

#[test]
fn an_invalid_bundle_lists_its_diagnostics() {
    let dir = scratch("invalid-bundle");
    fs::write(
        dir.join("bundle.json"),
        r#"{"version": 1, "application": {"name": "WDE", "options": {"interaction-workspace": {"disaster-recovery.enabled": "true"}}},
            "servers": [{"name": "S", "type": "sip-server"}]}"#,
    )
    .unwrap();
    let path = dir.join("scenario.json");
    fs::write(&path, r#"{"bundle_file": "bundle.json", "steps": []}"#).unwrap();
    let output = continuity(&["simulate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("scenario.json: the configuration has 2 error(s)"),
        "{err}"
    );
    assert!(err.contains("error[preferred-site-missing]"), "{err}");
}

#[test]
fn a_step_without_an_action_is_named_by_index() {
    let dir = scratch("bad-step");
    let path = dir.join("scenario.json");
    fs::write(
        &path,
        r#"{"bundle_file": "b.json", "steps": [{"at": 5, "freeze_until": 1}]}"#,
    )
    .unwrap();
    let output = continuity(&["simulate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("scenario.json: steps[0] (at 5): `freeze_until` (1) is before"),
        "{err}"
    );
}
