//! `continuity`: validate, replay and watch Business Continuity configurations.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use continuity_core::{Entry, trace};
use continuity_native::files::{FileError, FileErrorKind, load_bundle, load_scenario};
use continuity_native::report::Report;
use continuity_native::text;

use crate::commands::{EXIT_BAD_INPUT, HealthArgs, describe_warning};

mod commands;

#[derive(Parser)]
#[command(
    name = "continuity",
    version,
    about = "Failover engine for two-site SIP Business Continuity agent desktops"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a Business Continuity configuration bundle (JSON or TOML).
    ///
    /// Exit status: 0 valid (warnings allowed), 1 invalid, 2 unreadable.
    Validate {
        /// The bundle file (`.json`, or `.toml`).
        bundle: PathBuf,
        /// `text`: findings grouped by object, for people; `json`: one JSON object, for machines.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Replay a scenario in virtual time and print its trace (JSON Lines).
    Simulate {
        /// The scenario file (JSON).
        scenario: PathBuf,
        /// `jsonl`: the trace, one output per line (the contract other tools
        /// compare); `text`: a readable timeline with the scenario's inputs.
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
    },
    /// Check the servers a bundle names (TCP connect, SIP OPTIONS) and show the engine's decisions live.
    ///
    /// Every server application with an `address` (`host:port`) is probed
    /// with TCP connects while the desktop is connected to its site, and
    /// each SIP Server's `sip_address` with SIP OPTIONS over UDP for the
    /// endpoint's registration and for restore probes (docs/configuration.md,
    /// "Endpoints"). Ctrl-C stops the engine cleanly and exits.
    ///
    /// Exit status: 0 after Ctrl-C, 1 if the bundle does not validate,
    /// 2 if it cannot be read or used.
    Watch {
        /// The bundle file (`.json`, or `.toml`).
        bundle: PathBuf,
        /// Print JSON Lines: `{"at": …, "output": {…}}` as in a trace, and
        /// `{"at": …, "input": {…}}` for what the health checks found.
        #[arg(long)]
        json: bool,
        /// The engine's seed (it spreads switchbacks and backoff).
        #[arg(long, default_value_t = 7)]
        seed: u64,
        #[command(flatten)]
        health: HealthArgs,
    },
    /// Simulate a fleet of desktops through the loss and return of a site,
    /// and show what each site's servers receive.
    ///
    /// N desktops of the bundle (each its own engine and seed) start in
    /// service on the preferred site; it is lost, every desktop notices after
    /// its own delay within the detection window and switches, and after the
    /// site returns they switch back. Prints the peak connects and
    /// REGISTERs per second at each site, the time to switch and to switch
    /// back (p50, p99, max) and the desktops not active at the end; with
    /// `--registrar-capacity`, the seconds over it and the smallest spreads
    /// that keep every second under it. Deterministic for a fleet seed.
    ///
    /// Exit status: 0 done, 1 if the bundle does not validate, 2 if it
    /// cannot be read or used.
    Fleet(commands::FleetArgs),
    /// Run a two-site environment on loopback, kill Site A, and watch the
    /// desktop switch over and back (about 25 seconds).
    Demo {
        /// Print the events as JSON Lines (the story goes to standard error).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Text,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { bundle, format } => validate(&bundle, format),
        Command::Simulate { scenario, format } => simulate(&scenario, format),
        Command::Watch {
            bundle,
            json,
            seed,
            health,
        } => commands::watch(&bundle, json, seed, &health),
        Command::Demo { json } => commands::demo(json),
        Command::Fleet(args) => commands::fleet(&args),
    }
}

fn validate(path: &std::path::Path, format: ReportFormat) -> ExitCode {
    let loaded = match load_bundle(path) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let report = Report::new(&path.display().to_string(), &loaded.bundle, loaded.warnings);
    let rendered = match format {
        ReportFormat::Text => report.to_text(),
        ReportFormat::Json => report.to_json(),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(rendered.as_bytes());
    let _ = stdout.flush();
    ExitCode::from(report.exit_code())
}

fn simulate(path: &std::path::Path, format: Format) -> ExitCode {
    let result = load_scenario(path).and_then(|(scenario, loaded)| {
        for warning in &loaded.warnings {
            eprintln!("{}", describe_warning(&loaded.path, warning));
        }
        scenario.replay(loaded.bundle).map_err(|err| FileError {
            path: path.to_owned(),
            kind: FileErrorKind::Content(err),
        })
    });
    match result {
        Ok(journal) => {
            let rendered = match format {
                Format::Jsonl => {
                    let lines: Vec<_> = journal
                        .into_iter()
                        .filter_map(|entry| match entry {
                            Entry::Output(line) => Some(line),
                            _ => None,
                        })
                        .collect();
                    trace::render(&lines)
                }
                Format::Text => text::render_journal(&journal),
            };
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(rendered.as_bytes());
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
