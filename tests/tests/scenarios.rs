//! The scenario corpus: every `tests/scenarios/*.json` is replayed and its
//! trace compared byte for byte with the `NAME.trace.jsonl` beside it.
//!
//! With `CONTINUITY_BLESS=1` the expected traces are rewritten from the
//! engine's output instead; review the diff with git before committing it.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use continuity_tests::{
    bless_requested, expected_trace_path, first_difference, run_scenario, scenario_files,
    scenario_name, scenarios_dir, trace_files,
};

/// The corpus must not shrink below this many scenarios.
const MIN_SCENARIOS: usize = 30;

const BLESS_HINT: &str = "If the change is intended, run \
     `CONTINUITY_BLESS=1 cargo test -p continuity-tests --test scenarios` and review the diff with git.";

fn scenarios() -> Vec<PathBuf> {
    let dir = scenarios_dir();
    scenario_files(&dir).unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
}

#[test]
fn every_scenario_matches_its_expected_trace() {
    let bless = bless_requested();
    let mut failures = Vec::new();
    let mut blessed = Vec::new();
    for path in scenarios() {
        let name = scenario_name(&path);
        let run = match run_scenario(&path) {
            Ok(run) => run,
            Err(err) => {
                failures.push(format!("scenario `{name}` did not run: {err}"));
                continue;
            }
        };
        let expected_path = expected_trace_path(&path);
        let expected = fs::read_to_string(&expected_path);
        if bless {
            if expected.as_deref().ok() != Some(run.trace.as_str()) {
                if let Err(err) = fs::write(&expected_path, &run.trace) {
                    failures.push(format!(
                        "scenario `{name}`: cannot write {}: {err}",
                        expected_path.display()
                    ));
                } else {
                    blessed.push(name);
                }
            }
            continue;
        }
        match expected {
            Err(err) => failures.push(format!(
                "scenario `{name}`: cannot read its expected trace {}: {err}",
                expected_path.display()
            )),
            Ok(expected) => {
                if let Some(difference) = first_difference(&expected, &run.trace) {
                    failures.push(format!(
                        "scenario `{name}` ({}) does not match {}:\n{difference}",
                        path.display(),
                        expected_path.display()
                    ));
                }
            }
        }
    }
    if !blessed.is_empty() {
        eprintln!(
            "rewrote {} expected trace(s): {}",
            blessed.len(),
            blessed.join(", ")
        );
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n\n{}\n\n{}",
        failures.len(),
        failures.join("\n\n"),
        if bless { "" } else { BLESS_HINT }
    );
}

#[test]
fn corpus_is_large_and_has_no_orphans() {
    let dir = scenarios_dir();
    let scenarios = scenarios();
    assert!(
        scenarios.len() >= MIN_SCENARIOS,
        "the corpus has {} scenarios in {}; it must keep at least {MIN_SCENARIOS}",
        scenarios.len(),
        dir.display()
    );
    // While blessing, the other test is writing the missing traces.
    let bless = bless_requested();
    let mut problems = Vec::new();
    let names: BTreeSet<String> = scenarios.iter().map(|p| scenario_name(p)).collect();
    for path in &scenarios {
        let trace = expected_trace_path(path);
        if !bless && !trace.is_file() {
            problems.push(format!(
                "scenario {} has no expected trace {}",
                path.display(),
                trace.display()
            ));
        }
        match run_scenario(path) {
            Ok(run)
                if run
                    .description
                    .as_deref()
                    .is_some_and(|d| !d.trim().is_empty()) => {}
            Ok(_) => problems.push(format!(
                "scenario {} has no `description` saying what it shows",
                path.display()
            )),
            Err(err) => problems.push(err),
        }
    }
    let traces =
        trace_files(&dir).unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()));
    for trace in traces {
        if !names.contains(&scenario_name(&trace)) {
            problems.push(format!(
                "expected trace {} has no scenario {}.json (an orphan: delete it or restore its scenario)",
                trace.display(),
                scenario_name(&trace)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_scenario_is_deterministic() {
    let mut failures = Vec::new();
    for path in scenarios() {
        let name = scenario_name(&path);
        match (run_scenario(&path), run_scenario(&path)) {
            (Ok(first), Ok(second)) => {
                if let Some(difference) = first_difference(&first.trace, &second.trace) {
                    failures.push(format!(
                        "scenario `{name}` gave two different traces:\n{difference}"
                    ));
                }
            }
            (Err(err), _) | (_, Err(err)) => {
                failures.push(format!("scenario `{name}` did not run: {err}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Scenarios whose freezes are short late timers: removing the freeze (a
/// punctual timer) must give the very same trace, times included (rule 9).
const LATE_TIMER_SCENARIOS: &[&str] = &["late-timer-changes-nothing"];

#[test]
fn a_timer_late_by_less_than_the_wake_gap_changes_nothing() {
    for name in LATE_TIMER_SCENARIOS {
        let path = scenarios_dir().join(format!("{name}.json"));
        let (scenario, loaded) = continuity_native::files::load_scenario(&path)
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(
            scenario
                .steps
                .iter()
                .any(|step| matches!(step, continuity_core::Step::Freeze { .. })),
            "{name} has a late timer (a freeze step)"
        );
        let mut punctual = scenario.clone();
        punctual
            .steps
            .retain(|step| matches!(step, continuity_core::Step::Input { .. }));
        let late = continuity_core::trace::render(&scenario.run(loaded.bundle.clone()).unwrap());
        let on_time = continuity_core::trace::render(&punctual.run(loaded.bundle).unwrap());
        if let Some(difference) = first_difference(&on_time, &late) {
            panic!("{name}: the late timer changed the trace:\n{difference}");
        }
    }
}
