//! Scenarios: an engine driven through timed inputs in virtual time.

use crate::config::{Bundle, MAX_BUNDLE_BYTES};
use crate::engine::Engine;
use crate::error::Error;
use crate::json::{self, Doc, Value};
use crate::types::Millis;
use crate::vocab::{Emitted, Input};

/// Scenarios larger than this many bytes are refused before parsing.
pub const MAX_SCENARIO_BYTES: usize = MAX_BUNDLE_BYTES + 4 * 1024 * 1024;

/// How many outputs a scenario may produce before the runner gives up on it.
pub const MAX_TRACE_LINES: usize = 1_000_000;

/// A scenario: a bundle, a seed, timed steps, and when to stop.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// What it shows, for people reading it.
    pub description: Option<String>,
    /// The bundle, inline or by file name.
    pub bundle: BundleSource,
    /// The engine's seed.
    pub seed: u64,
    /// The steps, in the order they are processed.
    pub steps: Vec<Step>,
    /// Deadlines are fired up to this time after the last step.
    pub until: Millis,
}

/// Where a scenario's bundle comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum BundleSource {
    /// Embedded in the scenario.
    Inline(Box<Bundle>),
    /// A file, relative to the scenario file (`"bundle_file"`); the host reads it.
    File(String),
}

/// One step of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Hand an input to the engine at `at`.
    Input {
        /// When.
        at: Millis,
        /// What.
        input: Input,
    },
    /// From `at`, the host is frozen: no deadline fires before `until`.
    Freeze {
        /// When the host freezes.
        at: Millis,
        /// When it runs again.
        until: Millis,
    },
}

impl Step {
    /// When the step happens.
    pub fn at(&self) -> Millis {
        match self {
            Step::Input { at, .. } | Step::Freeze { at, .. } => *at,
        }
    }
}

/// A scenario as written, before its steps are checked.
struct RawScenario {
    description: Option<String>,
    bundle: Option<Box<Bundle>>,
    bundle_file: Option<String>,
    seed: u64,
    steps: Vec<RawStep>,
    until: Option<Millis>,
}

/// A step as written.
struct RawStep {
    at: Millis,
    input: Option<Input>,
    freeze_until: Option<Millis>,
}

const SCENARIO_FIELDS: &[&str] = &[
    "description",
    "bundle",
    "bundle_file",
    "seed",
    "steps",
    "until",
];
const STEP_FIELDS: &[&str] = &["at", "input", "freeze_until", "note"];

impl RawScenario {
    fn from_value(doc: &Doc<'_>, value: &Value<'_>) -> Result<RawScenario, Error> {
        let obj = doc.object(value, "a scenario (a map)")?;
        obj.deny_unknown(SCENARIO_FIELDS, &[])?;
        Ok(RawScenario {
            description: obj.opt_string("description")?,
            bundle: obj
                .opt("bundle", |doc, v| Bundle::from_value(doc, v))?
                .map(Box::new),
            bundle_file: obj.opt_string("bundle_file")?,
            seed: obj.opt("seed", |doc, v| doc.u64(v))?.unwrap_or(0),
            steps: doc
                .array(obj.required("steps")?)?
                .iter()
                .map(|step| {
                    let step_obj = doc.object(step, "a step (a map)")?;
                    step_obj.deny_unknown(STEP_FIELDS, &[])?;
                    // A note is for the reader of the scenario; it must still be text.
                    step_obj.opt_string("note")?;
                    Ok(RawStep {
                        at: doc.u64(step_obj.required("at")?)?,
                        input: step_obj.opt("input", |doc, v| Input::from_value(doc, v))?,
                        freeze_until: step_obj.opt("freeze_until", |doc, v| doc.u64(v))?,
                    })
                })
                .collect::<Result<_, Error>>()?,
            until: obj.opt("until", |doc, v| doc.u64(v))?,
        })
    }
}

impl Scenario {
    /// Parses a scenario from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::Parse`] with line and column for malformed JSON or a field of
    /// the wrong shape; [`Error::Scenario`] naming the step for a step that
    /// is well-formed but cannot be run.
    pub fn from_json(text: &str) -> Result<Scenario, Error> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(Error::TooLarge {
                what: "scenario",
                limit: MAX_SCENARIO_BYTES,
            });
        }
        let value = json::parse(text)?;
        let raw = RawScenario::from_value(&Doc::new(text), &value)?;
        let bundle = match (raw.bundle, raw.bundle_file) {
            (Some(bundle), None) => BundleSource::Inline(bundle),
            (None, Some(file)) => BundleSource::File(file),
            (Some(_), Some(_)) => {
                return Err(scenario_error(
                    "scenario",
                    "it has both `bundle` and `bundle_file`: keep one",
                ));
            }
            (None, None) => {
                return Err(scenario_error(
                    "scenario",
                    "it has no bundle: add `bundle` (inline) or `bundle_file` (a path relative to the scenario)",
                ));
            }
        };
        let mut steps = Vec::with_capacity(raw.steps.len());
        for (index, step) in raw.steps.into_iter().enumerate() {
            let location = || format!("steps[{index}] (at {})", step.at);
            steps.push(match (step.input, step.freeze_until) {
                (Some(input), None) => Step::Input { at: step.at, input },
                (None, Some(until)) if until >= step.at => Step::Freeze { at: step.at, until },
                (None, Some(until)) => {
                    return Err(scenario_error(
                        &location(),
                        &format!(
                            "`freeze_until` ({until}) is before the step's `at`: a freeze must end after it starts"
                        ),
                    ));
                }
                _ => {
                    return Err(scenario_error(
                        &location(),
                        "a step needs exactly one of `input` or `freeze_until`",
                    ));
                }
            });
        }
        let last = steps.iter().map(Step::at).max().unwrap_or(0);
        Ok(Scenario {
            description: raw.description,
            bundle,
            seed: raw.seed,
            steps,
            until: raw.until.unwrap_or(last),
        })
    }

    /// Runs the scenario on `bundle` (the inline one, or the file the host read).
    ///
    /// Every deadline fires at its exact time before the next step; during a
    /// freeze, deadlines wait for its end. Steps are processed in order, even
    /// when their times go backwards (the engine then counts the last time
    /// seen). Each output is stamped with the engine time it came out at.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when the bundle does not validate, and
    /// [`Error::Scenario`] if the run exceeds [`MAX_TRACE_LINES`] outputs.
    pub fn run(&self, bundle: Bundle) -> Result<Vec<Emitted>, Error> {
        Ok(self
            .replay(bundle)?
            .into_iter()
            .filter_map(|entry| match entry {
                Entry::Output(line) => Some(line),
                _ => None,
            })
            .collect())
    }

    /// Runs the scenario like [`Scenario::run`], keeping its steps in the
    /// record too: the journal a person reads to follow what happened.
    ///
    /// # Errors
    ///
    /// As [`Scenario::run`].
    pub fn replay(&self, bundle: Bundle) -> Result<Vec<Entry>, Error> {
        let mut run = Run {
            engine: Engine::new(bundle, self.seed)?,
            frozen_until: 0,
            journal: Vec::new(),
            outputs: 0,
        };
        for step in &self.steps {
            run.fire_deadlines(step.at())?;
            run.journal.push(Entry::Step(step.clone()));
            match step {
                Step::Input { at, input } => {
                    run.engine.handle_input(input.clone(), *at);
                    run.drain()?;
                }
                Step::Freeze { until, .. } => run.frozen_until = run.frozen_until.max(*until),
            }
        }
        run.fire_deadlines(self.until)?;
        Ok(run.journal)
    }

    /// The inline bundle, if the scenario embeds one.
    pub fn inline_bundle(&self) -> Option<&Bundle> {
        match &self.bundle {
            BundleSource::Inline(bundle) => Some(bundle),
            BundleSource::File(_) => None,
        }
    }
}

/// One entry of a scenario's journal: a step as written, or an output.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A step of the scenario, at the point it was processed.
    Step(Step),
    /// An output of the engine.
    Output(Emitted),
}

struct Run {
    engine: Engine,
    frozen_until: Millis,
    journal: Vec<Entry>,
    outputs: usize,
}

impl Run {
    /// Fires every deadline due up to `limit`, each at its exact time (or at the end of a freeze).
    fn fire_deadlines(&mut self, limit: Millis) -> Result<(), Error> {
        while let Some(deadline) = self.engine.poll_timeout() {
            let at = deadline.max(self.frozen_until).max(self.engine.now());
            if at > limit {
                break;
            }
            self.engine.handle_timeout(at);
            self.drain()?;
            if self.engine.poll_timeout() == Some(deadline) && deadline <= at {
                return Err(scenario_error(
                    "run",
                    &format!(
                        "the engine did not move its deadline past {deadline} ms (this is a bug in the engine)"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn drain(&mut self) -> Result<(), Error> {
        while let Some(emitted) = self.engine.poll_output() {
            self.journal.push(Entry::Output(emitted));
            self.outputs += 1;
        }
        if self.outputs > MAX_TRACE_LINES {
            return Err(scenario_error(
                "run",
                &format!(
                    "the trace passed {MAX_TRACE_LINES} lines: shorten the scenario or its `until`"
                ),
            ));
        }
        Ok(())
    }
}

fn scenario_error(location: &str, message: &str) -> Error {
    Error::Scenario {
        location: location.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_need_exactly_one_action() {
        let err = Scenario::from_json(
            r#"{"bundle_file":"b.json","steps":[{"at":0,"input":{"type":"start"}},{"at":5}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "steps[1] (at 5): a step needs exactly one of `input` or `freeze_until`"
        );
    }

    #[test]
    fn malformed_scenarios_report_line_and_column() {
        let err = Scenario::from_json("{\"bundle_file\":\"b.json\",\n\"steps\":[{\"at\":-1}]}")
            .unwrap_err();
        let Error::Parse {
            line,
            column,
            message,
        } = &err
        else {
            panic!("expected a parse error, got {err:?}");
        };
        assert_eq!((*line, *column), (2, 16), "the value's first character");
        assert!(message.contains("expected u64"), "{message}");
        let err =
            Scenario::from_json(r#"{"bundle_file":"b.json","steps":[],"seeds":1}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `seeds`"), "{err}");
    }

    #[test]
    fn a_scenario_needs_one_bundle() {
        let err = Scenario::from_json(r#"{"steps":[]}"#).unwrap_err();
        assert!(err.to_string().contains("add `bundle`"), "{err}");
        let until =
            Scenario::from_json(r#"{"bundle_file":"b.json","steps":[{"at":7,"freeze_until":9}]}"#)
                .unwrap()
                .until;
        assert_eq!(until, 7, "until defaults to the last step");
    }
}
