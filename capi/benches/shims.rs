//! What the native shims cost per input, on top of the engine itself.
//!
//! One engine, active on Site A, is fed the same cycle of inputs three ways:
//!
//! - **typed**: `Engine::handle_input` and `poll_output` in Rust, the floor;
//! - **C ABI**: `continuity_engine_handle` with the input as JSON text (made
//!   once per distinct input), every output taken as JSON with
//!   `continuity_engine_poll_output` and freed: what a C, C++ or .NET host
//!   pays;
//! - **tokio driver**: `Driver::send` from another task on a current-thread
//!   runtime, outputs taken from its stream: the channel hop, the task
//!   wake-up and the status published after each input.
//!
//! Workloads: `backup-flaps` (a backup link going down and up: no output),
//! `loss-and-recovery` (a Stat Server pair lost and back: a switchover
//! announced and cancelled, two outputs per four inputs).
//!
//! `cargo bench -p continuity-capi --bench shims` prints the table (median
//! of 5 runs of 200 000 inputs each, after a warm-up); `-- --test` (and
//! `cargo test --benches`) runs 2 000 inputs once, the quick check that
//! every host sees the same outputs.

use std::ffi::{CString, c_char};
use std::hint::black_box;
use std::time::Instant;

use continuity_capi::{
    ContinuityCode, ContinuityEngine, continuity_engine_free, continuity_engine_handle,
    continuity_engine_new, continuity_engine_poll_output, continuity_string_free,
};
use continuity_core::{Bundle, Engine, Input, Member, Service};
use continuity_native::driver::{Driver, Outputs};

const BUNDLE: &str = include_str!("../../examples/bundles/workspace.json");
const SEED: u64 = 7;

/// One workload: a cycle of inputs and the JSON text of each.
struct Workload {
    name: &'static str,
    cycle: Vec<(Input, CString)>,
}

fn link(up: bool, service: Service, member: Member) -> Input {
    Input::link(up, "SiteA".into(), service, member)
}

fn workloads() -> Vec<Workload> {
    let with_json = |inputs: Vec<Input>| {
        inputs
            .into_iter()
            .map(|input| {
                let json = serde_json::to_string(&input).expect("inputs serialize");
                (input, CString::new(json).expect("JSON has no NUL"))
            })
            .collect()
    };
    use {Member::*, Service::*};
    vec![
        Workload {
            name: "backup-flaps",
            cycle: with_json(vec![
                link(false, SipServer, Backup),
                link(true, SipServer, Backup),
            ]),
        },
        Workload {
            name: "loss-and-recovery",
            cycle: with_json(vec![
                link(false, StatServer, Primary),
                link(false, StatServer, Backup),
                link(true, StatServer, Primary),
                link(true, StatServer, Backup),
            ]),
        },
    ]
}

/// The inputs that bring an engine from idle to active on Site A.
fn activation() -> Vec<Input> {
    let mut inputs = vec![Input::Start];
    for service in Service::ALL {
        for member in [Member::Primary, Member::Backup] {
            inputs.push(link(true, service, member));
        }
    }
    inputs.push(Input::EndpointRegistered {
        site: "SiteA".into(),
    });
    inputs
}

fn active_engine() -> Engine {
    let bundle = Bundle::from_json(BUNDLE).expect("the example bundle reads");
    let mut engine = Engine::new(bundle, SEED).expect("the example bundle validates");
    for input in activation() {
        engine.handle_input(input, 0);
    }
    while engine.poll_output().is_some() {}
    engine
}

/// Feeds `count` inputs of the cycle; answers the outputs seen.
trait Host {
    fn feed(&mut self, cycle: &[(Input, CString)], count: usize) -> usize;
}

struct Typed {
    engine: Engine,
    now: u64,
}

impl Host for Typed {
    fn feed(&mut self, cycle: &[(Input, CString)], count: usize) -> usize {
        let mut outputs = 0;
        for (input, _) in cycle.iter().cycle().take(count) {
            self.now += 1;
            self.engine.handle_input(input.clone(), self.now);
            while let Some(output) = self.engine.poll_output() {
                black_box(output);
                outputs += 1;
            }
        }
        outputs
    }
}

/// An engine behind the C ABI, freed on drop.
struct Abi {
    engine: *mut ContinuityEngine,
    now: u64,
}

impl Abi {
    fn new() -> Abi {
        let bundle = CString::new(BUNDLE).expect("no NUL in the bundle");
        let mut engine = std::ptr::null_mut();
        // SAFETY: a NUL-terminated bundle and a writable out-pointer.
        let code = unsafe { continuity_engine_new(bundle.as_ptr(), SEED, &mut engine) };
        assert_eq!(code, ContinuityCode::Ok);
        let mut abi = Abi { engine, now: 0 };
        for input in activation() {
            let json = CString::new(serde_json::to_string(&input).unwrap()).unwrap();
            abi.handle(&json);
            abi.drain();
        }
        abi
    }

    fn handle(&mut self, json: &CString) {
        // SAFETY: a live engine and a NUL-terminated input.
        let code = unsafe {
            continuity_engine_handle(self.engine, json.as_ptr(), self.now, std::ptr::null_mut())
        };
        assert_eq!(code, ContinuityCode::Ok);
    }

    fn drain(&mut self) -> usize {
        let mut outputs = 0;
        loop {
            let mut json: *mut c_char = std::ptr::null_mut();
            // SAFETY: a live engine and a writable out-pointer.
            let code = unsafe {
                continuity_engine_poll_output(self.engine, &mut json, std::ptr::null_mut())
            };
            if code != ContinuityCode::Ok {
                assert_eq!(code, ContinuityCode::None);
                return outputs;
            }
            black_box(json);
            // SAFETY: a string this library returned, freed once.
            unsafe { continuity_string_free(json) };
            outputs += 1;
        }
    }
}

impl Host for Abi {
    fn feed(&mut self, cycle: &[(Input, CString)], count: usize) -> usize {
        let mut outputs = 0;
        for (_, json) in cycle.iter().cycle().take(count) {
            self.now += 1;
            self.handle(json);
            outputs += self.drain();
        }
        outputs
    }
}

impl Drop for Abi {
    fn drop(&mut self) {
        // SAFETY: the engine from continuity_engine_new, freed once.
        unsafe { continuity_engine_free(self.engine) };
    }
}

/// An engine in the tokio driver, fed from the runtime's main task.
struct Tokio {
    runtime: tokio::runtime::Runtime,
    driver: Driver,
    outputs: Outputs,
}

impl Tokio {
    fn new() -> Tokio {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime");
        let (driver, outputs) = runtime.block_on(async {
            let bundle = Bundle::from_json(BUNDLE).expect("the example bundle reads");
            Driver::spawn(Engine::new(bundle, SEED).expect("the example bundle validates"))
        });
        let mut host = Tokio {
            runtime,
            driver,
            outputs,
        };
        let activation = activation();
        let target = activation.len() as u64;
        for input in activation {
            host.driver.send(input).expect("the driver runs");
        }
        host.handled(target);
        host
    }

    /// Lets the driver's task run until it has handled `target` inputs in
    /// all; answers the outputs waiting then.
    fn handled(&mut self, target: u64) -> usize {
        let driver = &self.driver;
        self.runtime.block_on(async {
            while driver.stats().inputs < target {
                tokio::task::yield_now().await;
            }
        });
        let mut outputs = 0;
        while let Some(line) = self.outputs.try_next() {
            black_box(line);
            outputs += 1;
        }
        outputs
    }
}

impl Host for Tokio {
    fn feed(&mut self, cycle: &[(Input, CString)], count: usize) -> usize {
        let target = self.driver.stats().inputs + count as u64;
        for (input, _) in cycle.iter().cycle().take(count) {
            self.driver.send(input.clone()).expect("the driver runs");
        }
        self.handled(target)
    }
}

/// Median ns per input over `runs` runs of `count` inputs.
fn measure(
    host: &mut dyn Host,
    cycle: &[(Input, CString)],
    count: usize,
    runs: usize,
) -> (f64, usize) {
    let mut outputs = host.feed(cycle, count / 10 + cycle.len());
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        outputs = host.feed(cycle, count);
        times.push(started.elapsed().as_nanos() as f64 / count as f64);
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], outputs)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Criterion's rule: `cargo bench` passes `--bench`; anything else
    // (`-- --test`, `cargo test --benches`) is the quick check.
    let quick = args.iter().any(|a| a == "--test") || !args.iter().any(|a| a == "--bench");
    let (count, runs) = if quick { (2_000, 1) } else { (200_000, 5) };

    println!(
        "| workload | typed (ns/input) | C ABI, JSON (ns/input) | tokio driver (ns/input) | C ABI − typed | driver − typed |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for workload in workloads() {
        let cycle = &workload.cycle;
        let (typed, typed_outputs) = measure(
            &mut Typed {
                engine: active_engine(),
                now: 0,
            },
            cycle,
            count,
            runs,
        );
        let (abi, abi_outputs) = measure(&mut Abi::new(), cycle, count, runs);
        let (tokio, tokio_outputs) = measure(&mut Tokio::new(), cycle, count, runs);
        assert_eq!(
            (abi_outputs, tokio_outputs),
            (typed_outputs, typed_outputs),
            "{}: every host must see the outputs the bare engine sees",
            workload.name
        );
        println!(
            "| {} | {typed:.1} | {abi:.1} | {tokio:.1} | +{:.0} | +{:.0} |",
            workload.name,
            abi - typed,
            tokio - typed
        );
    }
    if quick {
        println!(
            "(quick check: {count} inputs once; `cargo bench -p continuity-capi --bench shims` measures)"
        );
    }
}
