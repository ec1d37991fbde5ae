//! `continuity fleet` as a deployment engineer runs it: the report, the
//! chart, JSON for tools, the same numbers on any number of threads, and
//! clear errors.

mod common;

use std::fs;

use common::{repo, scratch, stderr, stdout};
use continuity_core::Bundle;
use continuity_fleet::{Fleet, FleetConfig};

fn example(name: &str) -> String {
    repo()
        .join("examples/bundles")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn fleet(args: &[&str]) -> std::process::Output {
    let mut all = vec!["fleet"];
    all.extend_from_slice(args);
    common::continuity(&all)
}

#[test]
fn the_report_names_the_avalanche_the_switch_times_and_the_spreads_that_fix_it() {
    let bundle = example("workspace.json");
    let output = fleet(&[&bundle, "--desktops", "2000", "--registrar-capacity", "40"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for line in [
        "2,000 desktops of ",
        "SiteA lost at 1:00, back at 20:00; 1:00:00 simulated.",
        "Each desktop notices the loss within 20.0 s (no ADDP timeout in the bundle: the default); T = 60.0 s, W = 30.0 s, failover spread 0.0 s, restore spread 30.0 s.",
        "  SiteA (lost) ",
        "  loss → switch ",
        "  return → switch back ",
        "Not active at the end: 0.",
        "Registrar capacity 40 REGISTERs/s per site:",
        "  smallest continuity.failover-spread that keeps its phase under it: ",
        "  smallest continuity.restore-spread that keeps its phase under it: ",
        "  with both: every second of the run at or under the capacity (checked by a run)",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    // Standard error is not a terminal here: no progress bar.
    assert_eq!(stderr(&output), "");
}

#[test]
fn json_is_the_librarys_report_and_the_same_on_one_thread_or_two() {
    let bundle = example("agent-desktop.json");
    let args = [
        bundle.as_str(),
        "--desktops",
        "700",
        "--seed",
        "5",
        "--loss-at",
        "2m",
        "--return-at",
        "30m",
        "--until",
        "50m",
        "--json",
    ];
    let one = fleet(&[&args[..], &["--threads", "1"]].concat());
    let two = fleet(&[&args[..], &["--threads", "2"]].concat());
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    assert_eq!(stdout(&one), stdout(&two));
    let config = FleetConfig {
        desktops: 700,
        seed: 5,
        loss_at_ms: 120_000,
        return_at_ms: Some(1_800_000),
        until_ms: 3_000_000,
        ..FleetConfig::default()
    };
    let library = Fleet::new(
        Bundle::from_json(&fs::read_to_string(&bundle).unwrap()).unwrap(),
        config,
    )
    .unwrap();
    let report = library.report(library.run(0..700));
    assert_eq!(stdout(&one), report.to_json() + "\n");
    let json: serde_json::Value = serde_json::from_str(&stdout(&one)).unwrap();
    assert_eq!(json["detection_from"], "addp");
    assert_eq!(
        json["sites"][0]["registers"]["per_second"]
            .as_array()
            .unwrap()
            .len(),
        3000
    );
}

#[test]
fn svg_writes_the_chart_with_the_capacity_line() {
    let dir = scratch("fleet", "svg");
    let chart = dir.join("fleet.svg");
    let output = fleet(&[
        &example("workspace.json"),
        "--desktops",
        "300",
        "--registrar-capacity",
        "20",
        "--svg",
        chart.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let svg = fs::read_to_string(&chart).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("registrar capacity 20/s"),
        "{svg}"
    );
}

#[test]
fn bad_input_says_what_and_how_to_fix_it() {
    let bundle = example("workspace.json");
    let cases: [(&[&str], i32, &str); 6] = [
        (
            &[&bundle, "--loss-at", "soon"],
            2,
            "`soon` is not a duration: write whole seconds (`90`) or a number with a unit",
        ),
        (
            &[&bundle, "--desktops", "0"],
            2,
            "fleet `desktops`: 0 desktops: simulate between 1 and 10000000",
        ),
        (
            &[&bundle, "--return-at", "30s"],
            2,
            "fleet `return_at`: the site comes back at 30000 ms, not after its loss at 60000 ms",
        ),
        (
            &[&bundle, "--lose", "SiteC"],
            2,
            "`SiteC` is not one of the bundle's Business Continuity sites: lose `SiteA` or `SiteB`",
        ),
        (
            &[&bundle, "--registrar-capacity", "0", "--desktops", "10"],
            2,
            "a capacity of 0 REGISTERs per second leaves nothing to plan",
        ),
        (
            &[&example("broken-workspace.json")],
            1,
            "does not validate:",
        ),
    ];
    for (args, code, message) in cases {
        let output = fleet(args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "{args:?}");
    }
    let output = fleet(&[&repo().join("no-such.json").to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no-such.json"),
        "{}",
        stderr(&output)
    );
}

/// The fenced block right after `marker` in the README.
fn readme_block(readme: &str, marker: &str) -> String {
    let after = &readme[readme.find(marker).expect("the README has the marker")..];
    let start = after.find("```").unwrap();
    let body = &after[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_readme_shows_the_commands_own_output() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let command = readme_block(&readme, "<!-- fleet-readme-command -->");
    let args: Vec<&str> = command
        .trim()
        .split_once(" -- ")
        .expect("a cargo run … -- fleet … line")
        .1
        .split_whitespace()
        .collect();
    assert_eq!(args[0], "fleet");
    let chart = scratch("fleet", "readme").join("fleet.svg");
    let args: Vec<&str> = args[1..]
        .iter()
        .map(|arg| {
            if *arg == "fleet.svg" {
                chart.to_str().unwrap()
            } else {
                arg
            }
        })
        .collect();
    // From the repository's root, as the README runs it.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_continuity"))
        .arg("fleet")
        .args(&args)
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        readme_block(&readme, "<!-- fleet-readme-output -->"),
        "the README's fleet output is the command's (regenerate it and docs/images/fleet-*.svg)"
    );
    // The chart in the README is this run's.
    let committed = fs::read_to_string(repo().join("docs/images/fleet-avalanche.svg")).unwrap();
    assert_eq!(fs::read_to_string(&chart).unwrap(), committed);
}
