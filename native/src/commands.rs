//! `continuity watch` and `continuity demo`: the engine live on real sockets;
//! `continuity fleet`; and what every command shares: exit statuses,
//! warning lines.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use continuity_core::{Diagnostic, Engine, Error, Output, Reason};
use continuity_fleet::{Fleet, FleetConfig, FleetError, plan_capacity, render_text, svg};
use continuity_native::demo::{self, FakeSite};
use continuity_native::files::load_bundle;
use continuity_native::fleet::{ProgressBar, parse_duration, run_parallel};
use continuity_native::health::HealthSettings;
use continuity_native::host::Endpoints;
use continuity_native::live::{self, Event};
use continuity_native::text::clock;

/// Exit status for a bundle that does not validate.
const EXIT_INVALID: u8 = 1;

/// Exit status for input that cannot be read or used.
pub const EXIT_BAD_INPUT: u8 = 2;

/// How `watch` checks servers (see `continuity watch --help`).
#[derive(Args)]
pub struct HealthArgs {
    /// Time between two checks of one server, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    interval: u64,
    /// How long one check may take before it counts as failed, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    timeout: u64,
    /// Consecutive successes before a server counts as up.
    #[arg(long, value_name = "N", default_value_t = 2)]
    rise: u32,
    /// Consecutive failures before a server counts as down.
    #[arg(long, value_name = "N", default_value_t = 3)]
    fall: u32,
}

impl HealthArgs {
    /// The settings the flags give (not yet validated).
    fn settings(&self) -> HealthSettings {
        HealthSettings {
            interval: Duration::from_millis(self.interval),
            timeout: Duration::from_millis(self.timeout),
            rise: self.rise,
            fall: self.fall,
        }
    }
}

pub fn watch(path: &Path, json: bool, seed: u64, args: &HealthArgs) -> ExitCode {
    let settings = args.settings();
    if let Err(err) = settings.validate() {
        eprintln!("error: {err}");
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let loaded = match load_bundle(path) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    for warning in &loaded.warnings {
        eprintln!("{}", describe_warning(&loaded.path, warning));
    }
    if loaded.bundle.is_local_only() {
        eprintln!(
            "error: {}: the bundle holds only the local configuration; watch needs the whole configuration (servers with their addresses): export it from the Configuration Server and try again",
            path.display()
        );
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let endpoints = Endpoints::from_bundle(&loaded.bundle);
    let engine = match Engine::new(loaded.bundle, seed) {
        Ok(engine) => engine,
        Err(Error::Invalid { diagnostics }) => {
            eprintln!(
                "error: {}: the bundle does not validate (`continuity validate` explains each finding):",
                path.display()
            );
            for diagnostic in diagnostics {
                eprintln!("  {diagnostic}");
            }
            return ExitCode::from(EXIT_INVALID);
        }
        Err(err) => {
            eprintln!("error: {}: {err}", path.display());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    for warning in engine.warnings() {
        eprintln!("{}", describe_warning(path, warning));
    }
    describe_endpoints(&endpoints, &settings);
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let result = runtime.block_on(live::run(
        engine,
        endpoints,
        settings,
        |event| print_event(event, json),
        async {
            if tokio::signal::ctrl_c().await.is_err() {
                // No signal handling here: run until killed.
                std::future::pending::<()>().await;
            }
            eprintln!("stopping (Ctrl-C)");
        },
    ));
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `warning: FILE: [code] object …: message`, for a warning about `path`.
pub fn describe_warning(path: &Path, warning: &Diagnostic) -> String {
    let text = warning.to_string();
    // The diagnostic says `warning[code] …`; the prefix already says warning.
    let text = text.strip_prefix("warning").unwrap_or(&text);
    format!("warning: {}: {text}", path.display())
}

/// Says on standard error what will be checked, and what cannot be.
fn describe_endpoints(endpoints: &Endpoints, settings: &HealthSettings) {
    eprintln!(
        "checking every {} ms (timeout {} ms; up after {}, down after {} in a row):",
        settings.interval.as_millis(),
        settings.timeout.as_millis(),
        settings.rise,
        settings.fall
    );
    for (site, targets) in &endpoints.sites {
        let links: Vec<String> = targets
            .links
            .iter()
            .map(|l| format!("{} {} ({})", l.server, l.address, l.member))
            .collect();
        eprintln!("  {site}: tcp {}", or_none(&links.join(", ")));
        if targets.sip.is_empty() {
            eprintln!("  {site}: sip (no sip_address: the SIP endpoint counts as registered)");
        } else {
            eprintln!("  {site}: sip {}", targets.sip.join(", "));
        }
    }
    if !endpoints.unmonitored.is_empty() {
        eprintln!(
            "  not checked (no `address`, or no site): {} — their services never come up here",
            endpoints.unmonitored.join(", ")
        );
    }
}

fn or_none(text: &str) -> &str {
    if text.is_empty() { "(none)" } else { text }
}

fn print_event(event: &Event, json: bool) {
    let line = if json {
        event.to_json()
    } else {
        event.to_text()
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| {
            eprintln!("error: cannot start the async runtime: {err}");
            ExitCode::FAILURE
        })
}

pub fn demo(json: bool) -> ExitCode {
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(run_demo(json))
}

/// Prints a line of the story: to standard output among the events, or to
/// standard error when standard output carries JSON.
fn say(json: bool, line: &str) {
    if json {
        eprintln!("{line}");
    } else {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    }
}

async fn run_demo(json: bool) -> ExitCode {
    let (mut a, b) = match (
        FakeSite::start("SiteA").await,
        FakeSite::start("SiteB").await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(err), _) | (_, Err(err)) => {
            eprintln!("error: cannot open loopback sockets for the demo: {err}");
            return ExitCode::FAILURE;
        }
    };
    let bundle = demo::bundle(&a, &b);
    let endpoints = Endpoints::from_bundle(&bundle);
    let engine = Engine::new(bundle, 7).expect("the demo bundle validates");
    let settings = demo::health_settings();
    say(
        json,
        &format!(
            "Two sites on 127.0.0.1, {} sockets each (SIP, Stat and Configuration Server pairs, a SIP responder).\n\
             The desktop prefers SiteA; site timeout 3 s, restore hold-down 3 s; servers checked every {} ms, down after {} misses.\n\
             SiteA goes dark at {}, comes back at {}; the demo ends at {}.\n",
            a.sockets(),
            settings.interval.as_millis(),
            settings.fall,
            clock(demo::KILL_AT.as_millis() as u64),
            clock(demo::RESTORE_AT.as_millis() as u64),
            clock(demo::END_AT.as_millis() as u64),
        ),
    );
    let start = tokio::time::Instant::now();
    let story = tokio::spawn(async move {
        tokio::time::sleep_until(start + demo::KILL_AT).await;
        a.kill();
        say(
            json,
            &format!(
                "{}  !! SiteA goes dark: its {} sockets are closed",
                clock(elapsed(start)),
                a.sockets()
            ),
        );
        tokio::time::sleep_until(start + demo::RESTORE_AT).await;
        match a.restore().await {
            Ok(()) => say(
                json,
                &format!(
                    "{}  !! SiteA is back on the same ports",
                    clock(elapsed(start))
                ),
            ),
            Err(err) => eprintln!("warning: SiteA could not come back: {err}"),
        }
        (a, b)
    });
    let mut events = Vec::new();
    let result = live::run(
        engine,
        endpoints,
        settings,
        |event| {
            if json {
                print_event(event, true);
            } else {
                say(false, &event.to_text());
            }
            events.push(event.clone());
        },
        tokio::time::sleep_until(start + demo::END_AT),
    )
    .await;
    let _sites = story.await;
    if let Err(err) = result {
        eprintln!("error: {err}");
        return ExitCode::FAILURE;
    }
    summarize(json, &events)
}

fn elapsed(start: tokio::time::Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

/// The closing timeline; fails the demo if the desktop did not go over and back.
fn summarize(json: bool, events: &[Event]) -> ExitCode {
    // The first switch at or after `from`: a switchback or not.
    let switch_after = |from: u64, switchback: bool| {
        events.iter().find_map(|event| match event {
            Event::Output(line) if line.at >= from => match &line.output {
                Output::Switched { reason, .. }
                    if (*reason == Reason::AutoRestore) == switchback =>
                {
                    Some(line)
                }
                _ => None,
            },
            _ => None,
        })
    };
    let mut lines = vec![String::from("\nTimeline")];
    let mut complete = true;
    let steps = [
        (demo::KILL_AT, "SiteA goes dark", false, "the failure"),
        (demo::RESTORE_AT, "SiteA is back", true, "SiteA came back"),
    ];
    for (when, what, switchback, since) in steps {
        let at = when.as_millis() as u64;
        lines.push(format!("  {}  {what}", clock(at)));
        match switch_after(at, switchback) {
            Some(line) => lines.push(format!(
                "  {}  {} — {:.1} s after {since}",
                clock(line.at),
                continuity_native::text::describe_output(&line.output),
                (line.at - at) as f64 / 1000.0
            )),
            None => complete = false,
        }
    }
    say(json, &lines.join("\n"));
    if complete {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: the desktop did not switch over and back as expected");
        ExitCode::FAILURE
    }
}

/// `continuity fleet`'s options (see `continuity fleet --help`).
#[derive(Args)]
pub struct FleetArgs {
    /// The bundle file (`.json`, or `.toml`).
    bundle: PathBuf,
    /// How many desktops.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    desktops: u32,
    /// The fleet's seed (every desktop's seed and detection delay come from it).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The site that is lost (default: the preferred site).
    #[arg(long, value_name = "SITE")]
    lose: Option<String>,
    /// When the site is lost (`90`, `90s`, `2m`, …).
    #[arg(long, value_name = "TIME", default_value = "60s", value_parser = parse_duration)]
    loss_at: u64,
    /// When it comes back.
    #[arg(long, value_name = "TIME", default_value = "20m", value_parser = parse_duration, conflicts_with = "never_return")]
    return_at: u64,
    /// The lost site never comes back.
    #[arg(long)]
    never_return: bool,
    /// How long to simulate.
    #[arg(long, value_name = "TIME", default_value = "1h", value_parser = parse_duration)]
    until: u64,
    /// Each desktop notices the loss after a delay drawn up to this window
    /// (default: the ADDP timeout of the lost site's SIP Server connection, else 20 s).
    #[arg(long, value_name = "TIME", value_parser = parse_duration)]
    detection: Option<u64>,
    /// `continuity.failover-spread` for every desktop, instead of the bundle's (whole seconds).
    #[arg(long, value_name = "TIME", value_parser = parse_duration)]
    failover_spread: Option<u64>,
    /// `continuity.restore-spread` for every desktop, instead of the bundle's (whole seconds).
    #[arg(long, value_name = "TIME", value_parser = parse_duration)]
    restore_spread: Option<u64>,
    /// REGISTERs per second each site's registrar takes: adds the seconds
    /// over it and the smallest spreads that keep every second under it.
    #[arg(long, value_name = "R")]
    registrar_capacity: Option<u32>,
    /// Write the chart of REGISTERs per second per site (SVG) to this file.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Print the report as JSON (per-second counts included), for tools.
    #[arg(long)]
    json: bool,
    /// Threads to simulate on (default: every core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar (it is drawn only on a terminal anyway).
    #[arg(long)]
    no_progress: bool,
}

pub fn fleet(args: &FleetArgs) -> ExitCode {
    let loaded = match load_bundle(&args.bundle) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let config = FleetConfig {
        desktops: args.desktops,
        seed: args.seed,
        lost_site: args.lose.clone(),
        loss_at_ms: args.loss_at,
        return_at_ms: (!args.never_return).then_some(args.return_at),
        until_ms: args.until,
        detection_ms: args.detection,
        failover_spread_ms: args.failover_spread,
        restore_spread_ms: args.restore_spread,
    };
    let fleet = match Fleet::new(loaded.bundle, config) {
        Ok(fleet) => fleet,
        Err(FleetError::Invalid { diagnostics }) => {
            eprintln!("error: {} does not validate:", loaded.path.display());
            for d in &diagnostics {
                eprintln!("  {d}");
            }
            return ExitCode::from(EXIT_INVALID);
        }
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
    let mut bar = ProgressBar::new(!args.no_progress);
    let mut runs = 0;
    let mut run = |fleet: &Fleet, what: &str| {
        let total = fleet.config().desktops;
        runs += 1;
        let what = format!("run {runs}: {what}");
        bar.restart();
        let tally = run_parallel(fleet, threads, &mut |done| bar.draw(&what, done, total));
        bar.clear();
        tally
    };
    let what = format!("{} desktops", fleet.config().desktops);
    let tally = run(&fleet, &what);
    let mut report = fleet.report(tally);
    if let Some(capacity) = args.registrar_capacity
        && let Err(err) = plan_capacity(&fleet, &mut report, capacity, &mut run)
    {
        eprintln!("error: {err}");
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    if let Some(path) = &args.svg
        && let Err(err) = std::fs::write(path, svg(&report))
    {
        eprintln!("error: cannot write the chart to {}: {err}", path.display());
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let rendered = if args.json {
        report.to_json() + "\n"
    } else {
        render_text(&report, &args.bundle.display().to_string())
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(rendered.as_bytes());
    let _ = stdout.flush();
    ExitCode::SUCCESS
}
