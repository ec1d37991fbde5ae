//! Engine throughput and allocations per event in steady state.
//!
//! A simulated desktop ([`desktop::Desktop`]) drives the engine through
//! three endlessly repeating workloads (`desktop/workloads.txt`, read by
//! [`desktop::scripts`]), one engine
//! call per event, through the typed `handle_*` methods with pre-built
//! names; outputs are drained, reacted to and dropped.
//!
//! - `cargo bench -p continuity-core --bench engine`: criterion measures
//!   each workload (throughput in events), then the bench measures ns/event
//!   and allocations/event itself, prints a markdown table, and fails if
//!   the engine allocated in steady state.
//! - `cargo bench -p continuity-core --bench engine -- --test`: the quick
//!   CI mode; criterion runs each workload once, the allocation check runs
//!   on fewer events, and it takes a few seconds.
//!
//! Allocations are counted by a global allocator wrapper (`stats_alloc`),
//! so the bench needs no `unsafe` code of its own.

mod desktop;

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

use desktop::Desktop;
use desktop::scripts::{self, Workload};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The time budget per event (a target, reported, not enforced: timings vary by machine).
const TARGET_NS_PER_EVENT: f64 = 50.0;

/// Events per criterion iteration.
const BATCH: u64 = 1_000;

/// Events run before anything is measured, so every path (and every
/// buffer the engine keeps) has been through at least once.
const WARM_UP: u64 = 20_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    // Criterion's own rule: `cargo bench` passes `--bench`; `-- --test` or
    // `cargo test --benches` (no `--bench`) is test mode.
    let quick = flag("--test") || !flag("--bench");

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let workloads = scripts::workloads();
    let criterion_ns = criterion_benches(&mut criterion, &workloads);
    criterion.final_summary();
    if flag("--list") {
        return;
    }

    let events = if quick { 20_000 } else { 1_000_000 };
    let timed = if criterion_ns.iter().all(Option::is_some) {
        Timed::Criterion
    } else {
        Timed::Once
    };
    let rows: Vec<Row> = workloads
        .iter()
        .zip(criterion_ns)
        .map(|(w, ns)| measure(w, events, ns))
        .collect();
    print_table(&rows, timed);
    for (workload, row) in workloads.iter().zip(&rows) {
        if row.allocations > 0 {
            let culprit = first_allocating_event(workload);
            panic!(
                "allocation regression: workload `{}` made {} allocations ({} bytes) in {} \
                 steady-state events; the engine must not allocate per event. First \
                 allocating call: {culprit}",
                row.name, row.allocations, row.bytes, row.events
            );
        }
    }
}

/// Runs criterion over every workload; returns, per workload, the median
/// ns/event of criterion's last samples (`None` when it took none worth the
/// name, as in test mode).
fn criterion_benches(criterion: &mut Criterion, workloads: &[Workload]) -> Vec<Option<f64>> {
    let mut group = criterion.benchmark_group("engine");
    group.throughput(Throughput::Elements(BATCH));
    let mut medians = Vec::new();
    for workload in workloads {
        let mut desktop = Desktop::new(workload.script, workload.healthy, WARM_UP);
        // (events, elapsed) of every call criterion made; pushed outside the timed part.
        let mut samples: Vec<(u64, Duration)> = Vec::with_capacity(1024);
        group.bench_function(workload.name, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    for _ in 0..BATCH {
                        desktop.step();
                    }
                }
                let elapsed = start.elapsed();
                black_box(desktop.events);
                samples.push((iters * BATCH, elapsed));
                elapsed
            });
        });
        medians.push(median_ns_per_event(&samples));
    }
    group.finish();
    medians
}

/// The median ns/event over the last `CRITERION_SAMPLES` samples (the
/// measured ones; earlier calls are criterion's warm-up).
fn median_ns_per_event(samples: &[(u64, Duration)]) -> Option<f64> {
    const CRITERION_SAMPLES: usize = 100;
    let measured = &samples[samples.len().saturating_sub(CRITERION_SAMPLES)..];
    if measured.iter().map(|(events, _)| events).sum::<u64>() < 100_000 {
        return None;
    }
    let mut ns: Vec<f64> = measured
        .iter()
        .map(|(events, elapsed)| elapsed.as_nanos() as f64 / *events as f64)
        .collect();
    ns.sort_by(f64::total_cmp);
    Some(ns[ns.len() / 2])
}

/// One line of the table.
struct Row {
    name: &'static str,
    events: u64,
    ns_per_event: f64,
    allocations: u64,
    bytes: u64,
    /// Outputs, switches and deadline calls per 1 000 events (what the workload exercises).
    mix: desktop::Mix,
}

/// Counts allocations over `events` steady-state events. The time per event
/// is criterion's when it measured one, else a timed run of the same events.
fn measure(workload: &Workload, events: u64, criterion_ns: Option<f64>) -> Row {
    let mut desktop = Desktop::new(workload.script, workload.healthy, WARM_UP);
    let before = desktop.counters;
    let region = Region::new(GLOBAL);
    for _ in 0..events {
        desktop.step();
    }
    let stats = region.change();
    let mix = desktop.counters.since(before, events);

    let start = Instant::now();
    for _ in 0..events {
        desktop.step();
    }
    let timed = start.elapsed().as_nanos() as f64 / events as f64;
    let bytes = stats.bytes_allocated as u64 + stats.bytes_reallocated.max(0) as u64;
    Row {
        name: workload.name,
        events,
        ns_per_event: criterion_ns.unwrap_or(timed),
        allocations: (stats.allocations + stats.reallocations) as u64,
        bytes,
        mix,
    }
}

/// Steps a fresh desktop one event at a time until one allocates, and says which.
fn first_allocating_event(workload: &Workload) -> String {
    let mut desktop = Desktop::new(workload.script, workload.healthy, WARM_UP);
    for _ in 0..1_000_000 {
        let region = Region::new(GLOBAL);
        desktop.step();
        let stats = region.change();
        if stats.allocations + stats.reallocations > 0 {
            return format!(
                "{} ({} bytes), engine phase {:?} at {} ms",
                desktop.last,
                stats.bytes_allocated + stats.bytes_reallocated.max(0) as usize,
                desktop.engine().phase(),
                desktop.engine().now()
            );
        }
    }
    "none found in a fresh run (allocations only after a long warm-up?)".into()
}

/// Where the ns/event column comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Timed {
    /// The median of criterion's samples.
    Criterion,
    /// One short timed run (quick mode, or a workload criterion filtered out).
    Once,
}

fn print_table(rows: &[Row], timed: Timed) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let threads = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!();
    let build = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "optimized build"
    };
    let timed_by = match timed {
        Timed::Criterion => "criterion, median of its samples",
        Timed::Once => "one short timed run, indicative only",
    };
    println!(
        "Steady state, {build}, {cpu}, {threads} threads; ns/event from {timed_by}; \
         allocations counted over the events shown:"
    );
    println!();
    println!("| workload | events | ns/event | allocs/event | bytes/event |");
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        let events = row.events as f64;
        println!(
            "| {} | {} | {:.1} | {} | {} |",
            row.name,
            row.events,
            row.ns_per_event,
            ratio(row.allocations, events),
            ratio(row.bytes, events),
        );
    }
    println!();
    let slow: Vec<&str> = rows
        .iter()
        .filter(|r| r.ns_per_event > TARGET_NS_PER_EVENT)
        .map(|r| r.name)
        .collect();
    let allocating: Vec<&str> = rows
        .iter()
        .filter(|r| r.allocations > 0)
        .map(|r| r.name)
        .collect();
    let speed = if cfg!(debug_assertions) {
        "not judged in a debug build".to_owned()
    } else if timed == Timed::Once {
        "not judged without criterion's samples".to_owned()
    } else {
        verdict(&slow)
    };
    println!(
        "Targets: ≤ {TARGET_NS_PER_EVENT} ns/event: {speed}; 0 allocations/event: {}.",
        verdict(&allocating)
    );
    println!();
    println!("Per 1 000 events: outputs, switches, handle_timeout calls.");
    println!();
    println!("| workload | outputs | switches | deadline calls |");
    println!("|---|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {:.0} | {:.1} | {:.0} |",
            row.name, row.mix.outputs, row.mix.switches, row.mix.timeouts
        );
    }
    println!();
}

fn verdict(failing: &[&str]) -> String {
    if failing.is_empty() {
        "met".into()
    } else {
        format!("NOT met by {}", failing.join(", "))
    }
}

fn ratio(count: u64, events: f64) -> String {
    if count == 0 {
        "0".into()
    } else {
        format!("{:.4}", count as f64 / events)
    }
}
