//! The simulation harness in the test command: 10,000 seeds × one simulated
//! hour each, every safety invariant after every engine call and liveness
//! once the world heals (tests/src/sim.rs); determinism: a sample of seeds
//! run twice, and replayed from their own record by the scenario runner
//! every host shares, give the same trace byte for byte; and the harness
//! can fail: each known bug planted in the engine is found within a few
//! seeds.

use continuity_core::{Bundle, BundleSource, PlantedBug, Scenario, trace};
use continuity_tests::sim::{self, ONE_HOUR};

/// Seeds in the test command (`cargo run --release -p continuity-tests --bin sim -- --seeds N` runs more).
const SEEDS: u64 = 10_000;

#[test]
fn ten_thousand_seeds_of_an_hour_keep_every_invariant() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (failed, totals) = sim::campaign(0, SEEDS, ONE_HOUR, threads);
    let report: Vec<String> = failed
        .iter()
        .take(10)
        .map(|run| {
            format!(
                "seed {}: {}\n  rates: {}\n  replay: cargo run --release -p continuity-tests --bin sim -- --seed {} --scenario seed-{}.json",
                run.seed,
                run.failure.as_deref().unwrap_or(""),
                run.rates,
                run.seed,
                run.seed
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {SEEDS} seeds failed:\n{}",
        failed.len(),
        report.join("\n")
    );
    // The world did what it is there for.
    for kind in [
        "switched (site-timeout)",
        "switched (endpoint-timeout)",
        "switched (auto-restore)",
        "switched (manual)",
        "all_sites_down",
        "recheck",
    ] {
        let n = totals.outputs.get(kind).copied().unwrap_or(0);
        assert!(
            n >= SEEDS / 10,
            "only {n} `{kind}` in {SEEDS} seeds: the simulated world is too quiet"
        );
    }
}

#[test]
fn a_seed_gives_the_same_trace_twice_and_from_its_own_record() {
    for seed in (0..SEEDS).step_by(97) {
        let run = sim::run(seed, ONE_HOUR);
        let again = sim::run(seed, ONE_HOUR);
        assert_eq!(
            trace::render(&run.trace),
            trace::render(&again.trace),
            "seed {seed} ran twice"
        );
        assert_eq!(run.steps, again.steps, "seed {seed} ran twice");

        // The record, through the scenario file and the shared runner.
        let scenario =
            Scenario::from_json(&sim::scenario_json(&run)).expect("the record is a scenario");
        let bundle = match &scenario.bundle {
            BundleSource::Inline(bundle) => Bundle::clone(bundle),
            BundleSource::File(_) => unreachable!("the record holds its bundle"),
        };
        let replayed = scenario.run(bundle).expect("the record runs");
        assert_eq!(
            trace::render(&replayed),
            trace::render(&run.trace),
            "seed {seed}: the scenario runner's trace"
        );
    }
}

#[test]
fn rates_are_drawn_per_seed_and_printed() {
    let a = sim::run(1, ONE_HOUR);
    let b = sim::run(2, ONE_HOUR);
    assert_ne!(
        a.rates, b.rates,
        "swarm testing: each seed draws its own fault rates"
    );
    let text = a.rates.to_string();
    for word in [
        "member crash",
        "site loss",
        "registration loss",
        "calls",
        "manual",
        "probe lost",
        "freeze",
        "throttled",
        "clock jump",
        "duplicate",
        "jitter",
    ] {
        assert!(text.contains(word), "the printed rates name {word}: {text}");
    }
}

/// Seeds the harness may take to find a planted bug.
const FIND_WITHIN: u64 = 200;

#[test]
fn the_harness_finds_each_planted_bug_within_a_few_seeds() {
    for bug in [
        PlantedBug::NoDeadline,
        PlantedBug::NoBackoffCap,
        PlantedBug::DoubleConnect,
    ] {
        let found = (0..FIND_WITHIN).find_map(|seed| {
            let run = sim::run_planted(seed, ONE_HOUR, Some(bug));
            run.failure.map(|failure| (seed, failure))
        });
        let Some((seed, failure)) = found else {
            panic!("{bug:?} was not found in {FIND_WITHIN} seeds: the harness cannot see it");
        };
        println!("{bug:?}: found by seed {seed}: {failure}");
    }
}
