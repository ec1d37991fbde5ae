//! `continuity`: validate and replay Business Continuity configurations.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use continuity_core::{Entry, trace};
use continuity_native::files::{FileError, FileErrorKind, load_scenario};
use continuity_native::text;

/// Exit status for input that cannot be read or used.
const EXIT_BAD_INPUT: u8 = 2;

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
    /// Replay a scenario in virtual time and print its trace (JSON Lines).
    Simulate {
        /// The scenario file (JSON).
        scenario: PathBuf,
        /// `jsonl`: the trace, one output per line (the contract other tools
        /// compare); `text`: a readable timeline with the scenario's inputs.
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Jsonl,
    Text,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Simulate { scenario, format } => simulate(&scenario, format),
    }
}

fn simulate(path: &std::path::Path, format: Format) -> ExitCode {
    let result = load_scenario(path).and_then(|(scenario, bundle)| {
        scenario.replay(bundle).map_err(|err| FileError {
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
