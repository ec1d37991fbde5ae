//! The simulation harness from the command line (DESIGN §8; tests/src/sim.rs).
//!
//! ```text
//! cargo run --release -p continuity-tests --bin sim -- --seed N [--hours H] [--scenario FILE] [--trace FILE]
//! cargo run --release -p continuity-tests --bin sim -- --seeds COUNT [--from FIRST] [--hours H] [--threads T]
//! ```
//!
//! `--seed` runs one seed and prints its fault rates, its timings and what
//! it found (with `--scenario`, writes the run as a scenario file that
//! `continuity simulate` replays to the same trace; with `--trace`, writes
//! the run's own trace). `--seeds` runs a
//! campaign and reports seeds per second; every failing seed is printed with
//! the command that replays it.

use std::process::ExitCode;
use std::time::Instant;

use continuity_tests::sim::{self, ONE_HOUR};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let number = |name: &str, default: u64| -> Result<u64, String> {
        value(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| format!("{name} takes a whole number; got {v}"))
        })
    };
    let parsed = (|| -> Result<(Option<u64>, u64, u64, u64, u64), String> {
        let seed = value("--seed")
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("--seed takes a whole number; got {v}"))
            })
            .transpose()?;
        Ok((
            seed,
            number("--seeds", 1000)?,
            number("--from", 0)?,
            number("--hours", 1)?,
            number("--threads", default_threads())?,
        ))
    })();
    let (seed, count, from, hours, threads) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!(
                "error: {message}\nusage: sim --seed N [--hours H] [--scenario FILE] | sim --seeds COUNT [--from FIRST] [--hours H] [--threads T]"
            );
            return ExitCode::from(2);
        }
    };
    let duration = hours.max(1) * ONE_HOUR;
    if let Some(seed) = seed {
        let run = sim::run(seed, duration);
        println!(
            "seed {seed}: {} engine calls, {} outputs",
            run.calls,
            run.trace.len()
        );
        println!("  rates: {}", run.rates);
        println!("  timing: {:?}", run.timing);
        if let Some(file) = value("--trace") {
            if let Err(err) = std::fs::write(file, continuity_core::trace::render(&run.trace)) {
                eprintln!("error: cannot write {file}: {err}");
                return ExitCode::FAILURE;
            }
            println!("  trace written to {file}");
        }
        if let Some(file) = value("--scenario") {
            let json = sim::scenario_json(&run);
            if let Err(err) = std::fs::write(file, json) {
                eprintln!("error: cannot write {file}: {err}");
                return ExitCode::FAILURE;
            }
            println!("  scenario written to {file} (continuity simulate {file})");
        }
        return match run.failure {
            None => {
                println!("  ok");
                ExitCode::SUCCESS
            }
            Some(failure) => {
                println!("  FAILED: {failure}");
                ExitCode::FAILURE
            }
        };
    }
    let started = Instant::now();
    let (failed, totals) = sim::campaign(from, count, duration, threads as usize);
    let calls = totals.calls;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{count} seeds x {hours} h (seeds {from}..{}) on {threads} threads in {seconds:.1} s: {:.0} seeds/s, {:.1} M engine calls/s, {} failed",
        from + count,
        count as f64 / seconds,
        calls as f64 / seconds / 1e6,
        failed.len()
    );
    let outputs: Vec<String> = totals
        .outputs
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    println!("outputs: {}", outputs.join(", "));
    for run in &failed {
        println!(
            "seed {}: {}",
            run.seed,
            run.failure.as_deref().unwrap_or("")
        );
        println!(
            "  replay: cargo run --release -p continuity-tests --bin sim -- --seed {} --hours {hours}",
            run.seed
        );
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn default_threads() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
}
