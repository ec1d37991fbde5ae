//! Running an engine live against real servers: the loop behind
//! `continuity watch` and `continuity demo`.
//!
//! [`run`] spawns a [`Driver`], carries out its commands with a
//! [`CommandHost`], hands every health report to the engine and every event to
//! a callback (to print it), until `stop` completes; then it shuts the
//! driver down, so the final `stop` commands are carried out and shown too.

use std::future::Future;

use continuity_core::{Emitted, Engine, Input, Millis, trace};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::driver::{Driver, HEALTH_QUEUE, ShutdownError};
use crate::health::HealthSettings;
use crate::host::{CommandHost, Endpoints};
use crate::text::{clock, describe_input, describe_output};

/// Something that happened during a live run.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A health report handed to the engine as an input, at engine time `at`.
    Input {
        /// Engine time, in milliseconds since the run started.
        at: Millis,
        /// The input.
        input: Input,
    },
    /// An output of the engine.
    Output(Emitted),
}

impl Event {
    /// Engine time of the event.
    pub fn at(&self) -> Millis {
        match self {
            Event::Input { at, .. } => *at,
            Event::Output(line) => line.at,
        }
    }

    /// One readable line: engine time, a mark (`<-` input, `->` command,
    /// `**` notice) and what happened.
    pub fn to_text(&self) -> String {
        let (mark, text) = match self {
            Event::Input { input, .. } => ("<-", describe_input(input)),
            Event::Output(line) if line.output.is_command() => {
                ("->", describe_output(&line.output))
            }
            Event::Output(line) => ("**", describe_output(&line.output)),
        };
        format!("{}  {mark} {text}", clock(self.at()))
    }

    /// One JSON line: `{"at": …, "output": {…}}` exactly as in a trace, or
    /// `{"at": …, "input": {…}}` for an input.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct InputLine<'a> {
            at: Millis,
            input: &'a Input,
        }
        let mut out = Vec::new();
        match self {
            Event::Output(emitted) => trace::write_line(emitted, &mut out),
            Event::Input { at, input } => {
                let line = InputLine { at: *at, input };
                // Spaced like trace lines, by the same rule.
                let compact = serde_json::to_string(&line).expect("inputs serialize");
                trace::space_json(compact.as_bytes(), &mut out);
                out.push(b'\n');
            }
        }
        let mut text = String::from_utf8(out).expect("JSON is UTF-8");
        text.pop();
        text
    }
}

/// Runs `engine` live: starts it, checks what its commands ask for, reports
/// every event to `on_event`, and shuts down cleanly when `stop` completes
/// (the engine's `stop` commands are carried out and reported before this
/// returns). Gives the engine back.
///
/// # Errors
///
/// [`ShutdownError`] if the driver's task failed.
pub async fn run(
    engine: Engine,
    endpoints: Endpoints,
    settings: HealthSettings,
    mut on_event: impl FnMut(&Event),
    stop: impl Future<Output = ()>,
) -> Result<Engine, ShutdownError> {
    let (driver, mut outputs) = Driver::spawn(engine);
    let (reports_tx, mut reports) = mpsc::channel(HEALTH_QUEUE);
    let mut host = CommandHost::new(endpoints, settings, reports_tx);
    let health = driver.health_sender();
    // Before start: an input sent to a running driver is always accepted.
    let _ = driver.send(Input::Start);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            line = outputs.next() => match line {
                Some(line) => {
                    host.carry_out(&line.output);
                    on_event(&Event::Output(line));
                }
                None => break,
            },
            Some((key, alive)) = reports.recv() => {
                on_event(&Event::Input { at: driver.now(), input: key.input(alive) });
                if health.send((key, alive)).await.is_err() {
                    break;
                }
            }
            () = &mut stop => break,
        }
    }
    host.stop_all();
    drop(health);
    let engine = driver.shutdown().await?;
    // The outputs of everything accepted before shutdown, `stop`'s last.
    while let Some(line) = outputs.next().await {
        host.carry_out(&line.output);
        on_event(&Event::Output(line));
    }
    host.stop_all();
    Ok(engine)
}
