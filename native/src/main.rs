//! `continuity`: validate and replay Business Continuity configurations.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use continuity_core::trace;
use continuity_native::files::{FileError, FileErrorKind, load_scenario};

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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Simulate { scenario } => simulate(&scenario),
    }
}

fn simulate(path: &std::path::Path) -> ExitCode {
    let result = load_scenario(path).and_then(|(scenario, bundle)| {
        scenario.run(bundle).map_err(|err| FileError {
            path: path.to_owned(),
            kind: FileErrorKind::Content(err),
        })
    });
    match result {
        Ok(lines) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(trace::render(&lines).as_bytes());
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
