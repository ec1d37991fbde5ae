//! `continuity validate` as a deployment engineer runs it: exit codes,
//! grouped findings for people, one JSON object for machines.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{repo, stdout};

fn validate(args: &[&str]) -> Output {
    let mut all = vec!["validate"];
    all.extend_from_slice(args);
    common::continuity(&all)
}

fn example(name: &str) -> String {
    let path = repo().join("examples/bundles").join(name);
    path.to_str().unwrap().to_owned()
}

#[test]
fn correct_bundles_in_both_dialects_exit_0_and_say_what_they_resolve_to() {
    for (file, dialect) in [
        ("workspace.json", "workspace dialect"),
        ("agent-desktop.json", "agent-desktop dialect"),
    ] {
        let output = validate(&[&example(file)]);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stdout(&output));
        let text = stdout(&output);
        assert!(text.contains("valid, 0 error(s), 0 warning(s)"), "{text}");
        assert!(text.contains(dialect), "{text}");
        assert!(text.contains("preferred SiteA, peer SiteB"), "{text}");
    }
}

#[test]
fn a_broken_bundle_exits_1_with_findings_grouped_by_object() {
    let output = validate(&[&example("broken-workspace.json")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("broken-workspace.json: invalid, 2 error(s), 2 warning(s)"),
        "{text}"
    );
    let person = text
        .find("\n  person agent1\n")
        .expect("a group for the person");
    let typo = text
        .find("did you mean `disaster-recovery.timeout`?")
        .unwrap();
    assert!(typo > person, "the finding sits under its object:\n{text}");
    assert!(text.contains("error[places-differ]"), "{text}");
    assert!(text.contains("warning[agent-group-conflict]"), "{text}");
}

#[test]
fn json_output_is_one_object_for_machines() {
    let output = validate(&[&example("broken-agent-desktop.json"), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"], 3);
    assert_eq!(report["warnings"], 1);
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"connection-to-backup"), "{codes:?}");
    assert_eq!(
        report["diagnostics"][0]["severity"], "error",
        "errors come first"
    );

    let output = validate(&[&example("agent-desktop.json"), "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["policy"]["dialect"], "agent-desktop");
    assert_eq!(
        report["policy"]["triggers"],
        serde_json::json!(["sip-server"])
    );
    assert_eq!(report["policy"]["timing_ms"]["site_timeout"], 30_000);
}

#[test]
fn unreadable_input_exits_2() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validate-unreadable");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    fs::write(&broken, "{ \"version\": 1, ").unwrap();
    for path in [broken, dir.join("missing.json")] {
        let output = validate(&[path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2));
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(
            err.contains(path.file_name().unwrap().to_str().unwrap()),
            "{err}"
        );
    }
}

#[test]
fn a_local_only_bundle_is_valid_and_bootstraps() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("validate-local-only");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("local.json");
    fs::write(
        &path,
        r#"{"version": 1, "local": {"sites": [{"name": "SiteA", "config_server": {"primary": "a:1", "backup": "b:1"}}]}}"#,
    )
    .unwrap();
    let output = validate(&[path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output)
            .contains("bootstraps through 2 Config Server Proxies, starting with SiteA primary")
    );
}
