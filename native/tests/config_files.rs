//! Bundles spread over several files, as a deployment engineer keeps them:
//! option exports (`options_file`, `.cfg`) and TOML bundles, run through
//! the `continuity` command with real files and exit codes.

mod common;

use std::fs;
use std::path::Path;

use common::{continuity, repo, stderr};
use serde_json::{Value, json};

/// A scratch folder for one test, emptied first.
fn scratch(name: &str) -> std::path::PathBuf {
    common::scratch("config-files", name)
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn write_json(path: &Path, value: &Value) {
    write(path, serde_json::to_string_pretty(value).unwrap());
}

/// The trace `continuity simulate` prints for `scenario`, which must succeed.
fn simulate(scenario: &Path) -> (String, String) {
    let output = continuity(&["simulate", scenario.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    (String::from_utf8(output.stdout).unwrap(), err)
}

/// `continuity simulate` on `scenario`, which must fail with exit status 2; its stderr.
fn simulate_fails(scenario: &Path) -> String {
    let output = continuity(&["simulate", scenario.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// The shipped example scenario (inline bundle, options inline).
fn example() -> Value {
    let text = fs::read_to_string(repo().join("examples/site-a-outage.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The person's options of the example, written as a Genesys Administrator
/// export the way Windows tools save it: BOM, CRLF, comments, padding.
fn person_export(scenario: &Value) -> String {
    let options = scenario["bundle"]["person"]["options"].as_object().unwrap();
    let mut text = String::from("\u{feff}; Genesys Administrator export: Person agent1\r\n\r\n");
    for (section, values) in options {
        text.push_str(&format!("# section {section}\r\n[{section}]\r\n"));
        for (key, value) in values.as_object().unwrap() {
            text.push_str(&format!("  {key} = {}\r\n", value.as_str().unwrap()));
        }
        text.push_str("\r\n");
    }
    text
}

/// `scenario` with its person's options replaced by `options_file: file`.
fn with_person_file(mut scenario: Value, file: &str) -> Value {
    let person = scenario["bundle"]["person"].as_object_mut().unwrap();
    person.remove("options");
    person.insert("options_file".into(), json!(file));
    scenario
}

/// `scenario` with its inline bundle moved to `bundle_file: file`; the bundle.
fn split_bundle(mut scenario: Value, file: &str) -> (Value, Value) {
    let object = scenario.as_object_mut().unwrap();
    let bundle = object.remove("bundle").unwrap();
    object.insert("bundle_file".into(), json!(file));
    (scenario, bundle)
}

#[test]
fn person_options_from_a_cfg_export_give_the_inline_trace() {
    let dir = scratch("cfg-same-trace");
    let example_path = repo().join("examples/site-a-outage.json");
    let (expected, _) = simulate(&example_path);
    assert!(expected.contains(r#""type": "switched""#), "{expected}");

    // Inline bundle: the export is found relative to the scenario.
    let export = person_export(&example());
    write(&dir.join("exports/person.cfg"), &export);
    let inline = dir.join("inline.json");
    write_json(&inline, &with_person_file(example(), "exports/person.cfg"));
    let (trace, warnings) = simulate(&inline);
    assert_eq!(trace, expected);
    assert!(warnings.is_empty(), "{warnings}");

    // Bundle file in another folder: the export is found relative to the bundle.
    write(&dir.join("bundles/exports/person.cfg"), &export);
    let (scenario, bundle) = split_bundle(
        with_person_file(example(), "exports/person.cfg"),
        "bundles/bundle.json",
    );
    write_json(&dir.join("bundles/bundle.json"), &bundle);
    let split = dir.join("split.json");
    write_json(&split, &scenario);
    let (trace, _) = simulate(&split);
    assert_eq!(trace, expected);
}

#[test]
fn a_repeated_option_in_an_export_is_a_warning_and_the_run_goes_on() {
    let dir = scratch("cfg-warning");
    let mut export = person_export(&example());
    export.push_str("[interaction-workspace]\r\ndisaster-recovery.preferred-site=SiteA\r\n");
    write(&dir.join("person.cfg"), &export);
    let scenario = dir.join("scenario.json");
    write_json(&scenario, &with_person_file(example(), "person.cfg"));
    let (trace, warnings) = simulate(&scenario);
    assert!(!trace.is_empty());
    let line = warnings.lines().next().unwrap_or_default();
    assert!(
        line.starts_with(&format!(
            "warning: {}: [duplicate-option] person agent1 [interaction-workspace] disaster-recovery.preferred-site: person.cfg: ",
            scenario.display()
        )),
        "{warnings}"
    );
    assert!(line.contains("on line 6 and on line 9"), "{warnings}");
}

#[test]
fn a_missing_export_names_the_bundle_the_object_and_the_export() {
    let dir = scratch("cfg-missing");
    let (scenario, bundle) = split_bundle(
        with_person_file(example(), "exports/person.cfg"),
        "bundle.json",
    );
    write_json(&dir.join("bundle.json"), &bundle);
    let path = dir.join("scenario.json");
    write_json(&path, &scenario);
    let err = simulate_fails(&path);
    let bundle_path = dir.join("bundle.json");
    let export_path = dir.join("exports/person.cfg");
    assert!(
        err.starts_with(&format!(
            "error: {}: person agent1: options_file `exports/person.cfg`: cannot read it: {}: ",
            bundle_path.display(),
            export_path.display()
        )),
        "{err}"
    );
}

#[test]
fn a_malformed_export_line_names_the_export_and_the_line() {
    let dir = scratch("cfg-malformed");
    let export = "\u{feff}[interaction-workspace]\r\ndisaster-recovery.preferred-site=SiteA\r\ndisaster-recovery.peer-site SiteB\r\n";
    write(&dir.join("person.cfg"), export);
    let path = dir.join("scenario.json");
    write_json(&path, &with_person_file(example(), "person.cfg"));
    let err = simulate_fails(&path);
    assert!(
        err.contains("person agent1: options_file `person.cfg`, line 3: `disaster-recovery.peer-site SiteB` is not an option line"),
        "{err}"
    );
}

#[test]
fn inline_options_beside_an_export_are_refused() {
    let dir = scratch("cfg-both");
    let mut scenario = example();
    scenario["bundle"]["person"]["options_file"] = json!("person.cfg");
    let path = dir.join("scenario.json");
    write_json(&path, &scenario);
    let err = simulate_fails(&path);
    assert!(
        err.contains("give either `options` or `options_file`, not both"),
        "{err}"
    );
}

#[test]
fn an_export_that_is_not_utf8_is_named_with_how_to_fix_it() {
    let dir = scratch("cfg-utf16");
    write(&dir.join("person.cfg"), [0xFF, 0xFE, b'[', 0]);
    let path = dir.join("scenario.json");
    write_json(&path, &with_person_file(example(), "person.cfg"));
    let err = simulate_fails(&path);
    assert!(
        err.contains("the file is UTF-16 text: save it as UTF-8"),
        "{err}"
    );
}

#[test]
fn a_toml_bundle_simulates_like_its_json_twin() {
    let dir = scratch("toml");
    let toml = fs::read_to_string(repo().join("core/tests/data/two-site.toml")).unwrap();
    write(&dir.join("two-site.toml"), toml);
    let json = fs::read_to_string(repo().join("tests/scenarios/bundles/two-site.json")).unwrap();
    write(&dir.join("two-site.json"), json);
    let (scenario, _) = split_bundle(example(), "two-site.json");
    write_json(&dir.join("json.json"), &scenario);
    let (scenario, _) = split_bundle(example(), "two-site.toml");
    write_json(&dir.join("toml.json"), &scenario);

    let (from_json, _) = simulate(&dir.join("json.json"));
    let (from_toml, _) = simulate(&dir.join("toml.json"));
    assert!(from_json.contains(r#""type": "switched""#), "{from_json}");
    assert_eq!(from_toml, from_json);
}

#[test]
fn a_toml_bundle_may_name_an_export() {
    let dir = scratch("toml-cfg");
    let toml = fs::read_to_string(repo().join("core/tests/data/two-site.toml")).unwrap();
    let person = "[person]\nname = \"agent1\"\n\n[person.options.interaction-workspace]\n\"disaster-recovery.preferred-site\" = \"SiteA\"\n\"disaster-recovery.peer-site\" = \"SiteB\"\n";
    assert!(toml.contains(person));
    let toml = toml.replace(
        person,
        "[person]\nname = \"agent1\"\noptions_file = \"agent1.cfg\"\n",
    );
    write(&dir.join("conf/bundle.toml"), toml);
    write(
        &dir.join("conf/agent1.cfg"),
        "[interaction-workspace]\ndisaster-recovery.preferred-site=SiteA\ndisaster-recovery.peer-site=SiteB\n",
    );
    let (scenario, _) = split_bundle(example(), "conf/bundle.toml");
    write_json(&dir.join("scenario.json"), &scenario);
    write(
        &dir.join("conf/two-site.json"),
        fs::read_to_string(repo().join("tests/scenarios/bundles/two-site.json")).unwrap(),
    );
    let (reference, _) = split_bundle(example(), "conf/two-site.json");
    write_json(&dir.join("reference.json"), &reference);

    let (trace, _) = simulate(&dir.join("scenario.json"));
    let (expected, _) = simulate(&dir.join("reference.json"));
    assert_eq!(trace, expected);
}

#[test]
fn malformed_toml_names_the_bundle_line_and_column() {
    let dir = scratch("toml-malformed");
    write(
        &dir.join("bundle.toml"),
        "version = 1\n[person]\nname = = 1\n",
    );
    let path = dir.join("scenario.json");
    write(&path, r#"{"bundle_file": "bundle.toml", "steps": []}"#);
    let err = simulate_fails(&path);
    assert!(
        err.contains(&format!(
            "{}: line 3, column 8: ",
            dir.join("bundle.toml").display()
        )),
        "{err}"
    );
}
