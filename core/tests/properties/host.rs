//! The host model: drives an engine through a case and records everything.

use std::collections::BTreeMap;

use continuity_core::config::Timing;
use continuity_core::{Engine, Input, Member, Millis, Name, Output, Phase, Role, Service};

use crate::RUN_CALL_CAP;
use crate::case::{Action, Case, Clock, Site, Step, World, loaded_bundle, start_bundle};

/// Where a call's outputs came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Input(&'static str),
    Timeout,
}

/// One output, at the engine time of the call that produced it.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    pub(crate) at: Millis,
    pub(crate) output: Output,
}

/// One engine call.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub(crate) source: Source,
    pub(crate) phase_before: Phase,
    pub(crate) phase_after: Phase,
    /// The timings of the policy in force after the call.
    pub(crate) timing: Option<Timing>,
    /// Its outputs, as a range of [`Replay::trace`].
    pub(crate) outputs: std::ops::Range<usize>,
}

/// One `handle_timeout` call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimeoutCall {
    pub(crate) arg: Millis,
    /// `poll_timeout()` just before.
    pub(crate) deadline: Option<Millis>,
    /// Engine time just after.
    pub(crate) now: Millis,
    /// `poll_timeout()` just after, outputs drained.
    pub(crate) next: Option<Millis>,
}

/// One host loop ([`Step::Run`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct RunStats {
    pub(crate) from: Millis,
    pub(crate) until: Millis,
    pub(crate) per_minute: BTreeMap<Millis, u32>,
    pub(crate) hit_cap: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Replay {
    pub(crate) trace: Vec<Record>,
    pub(crate) calls: Vec<Call>,
    pub(crate) timeouts: Vec<TimeoutCall>,
    pub(crate) runs: Vec<RunStats>,
    /// Broken status invariants, as messages.
    pub(crate) anomalies: Vec<String>,
    pub(crate) final_status: String,
}

impl Replay {
    pub(crate) fn outputs(&self) -> Vec<(Millis, &Output)> {
        self.trace.iter().map(|r| (r.at, &r.output)).collect()
    }
}

pub(crate) struct Host {
    pub(crate) engine: Engine,
    /// The host's clock; it may go backwards.
    pub(crate) clock: Millis,
    pub(crate) sites: [Name; 3],
    pub(crate) calls: [Name; 3],
    /// Probes asked for and not answered yet.
    pub(crate) probes: Vec<Name>,
    /// The last `phase_changed` triple.
    pub(crate) announced: (Phase, Option<Name>, Option<Role>),
    /// The time of the last output.
    pub(crate) last_output_at: Millis,
    /// The world the host lives in, if any.
    pub(crate) world: Option<World>,
    /// The site of the last `connect` not followed by `disconnect`.
    pub(crate) connected: Option<Name>,
    /// Inputs the world sends in answer to commands, not fed yet.
    pub(crate) reactions: Vec<Input>,
    /// Set when the engine stalled or ran away: the rest of the case is skipped
    /// so that a failing case fails (and shrinks) fast.
    pub(crate) broken: bool,
    pub(crate) replay: Replay,
}

/// More outputs than this in one case means the engine ran away.
pub(crate) const TRACE_CAP: usize = 200_000;

/// More reactions than this to one step means the host and engine feed each other forever.
pub(crate) const REACTION_CAP: usize = 1_000;

/// Runs a case with `seed` and records everything.
pub(crate) fn replay(case: &Case, seed: u64) -> Replay {
    let engine = Engine::new(start_bundle(case.start), seed).expect("the start bundle validates");
    let mut host = Host {
        engine,
        clock: 0,
        sites: ["SiteA".into(), "SiteB".into(), "SiteZ".into()],
        calls: ["call-1".into(), "call-2".into(), "call-3".into()],
        probes: Vec::new(),
        announced: (Phase::Idle, None, None),
        last_output_at: 0,
        world: case.world,
        connected: None,
        reactions: Vec::new(),
        broken: false,
        replay: Replay::default(),
    };
    host.check_status();
    if case.autostart {
        host.input(Input::Start);
    }
    for step in &case.steps {
        host.step(*step);
    }
    let mut replay = host.replay;
    replay.final_status = serde_json::to_string(&host.engine.status()).expect("status serializes");
    replay
}

impl Host {
    fn step(&mut self, step: Step) {
        if self.broken {
            return;
        }
        self.step_only(step);
        self.react();
    }

    /// Feeds the world's answers until it has nothing more to say.
    fn react(&mut self) {
        let mut fed = 0;
        while !self.reactions.is_empty() && !self.broken {
            let input = self.reactions.remove(0);
            fed += 1;
            if fed > REACTION_CAP {
                self.anomaly(format!(
                    "at {}: the world's reactions never end (last: {input:?})",
                    self.engine.now()
                ));
                self.reactions.clear();
                return;
            }
            self.input(input);
        }
    }

    fn step_only(&mut self, step: Step) {
        match step {
            Step::Input(clock, action) => {
                self.move_clock(clock);
                self.act(action);
            }
            Step::TimeoutAtDeadline => {
                if let Some(deadline) = self.engine.poll_timeout() {
                    self.clock = self.clock.max(deadline);
                    self.timeout(deadline);
                }
            }
            Step::TimeoutLate(late) => {
                if let Some(deadline) = self.engine.poll_timeout() {
                    let at = deadline.saturating_add(late);
                    self.clock = self.clock.max(at);
                    self.timeout(at);
                }
            }
            Step::TimeoutAt(clock) => {
                self.move_clock(clock);
                self.timeout(self.clock);
            }
            Step::Run(duration) => self.run(duration),
        }
    }

    fn move_clock(&mut self, clock: Clock) {
        self.clock = match clock {
            Clock::Forward(ms) => self.clock.saturating_add(ms),
            Clock::Back(ms) => self.clock.saturating_sub(ms),
        };
    }

    fn site(&self, site: Site) -> Name {
        self.sites[site as usize].clone()
    }

    fn act(&mut self, action: Action) {
        let input = match action {
            Action::Start => Input::Start,
            Action::Config(config) => Input::ConfigLoaded {
                bundle: Box::new(loaded_bundle(config)),
            },
            Action::LinkUp(site, service, member) => Input::LinkUp {
                site: self.site(site),
                service,
                member,
            },
            Action::LinkDown(site, service, member) => Input::LinkDown {
                site: self.site(site),
                service,
                member,
            },
            Action::Registered(site) => Input::EndpointRegistered {
                site: self.site(site),
            },
            Action::Unregistered(site) => Input::EndpointUnregistered {
                site: self.site(site),
            },
            Action::Probe(site, ok) => Input::ProbeResult {
                site: self.site(site),
                ok,
            },
            Action::AnswerProbes(ok) => {
                for site in std::mem::take(&mut self.probes) {
                    self.input(Input::ProbeResult { site, ok });
                }
                return;
            }
            Action::SiteUp(site) => {
                for service in Service::ALL {
                    self.input(Input::LinkUp {
                        site: self.site(site),
                        service,
                        member: Member::Primary,
                    });
                }
                Input::EndpointRegistered {
                    site: self.site(site),
                }
            }
            Action::Started(call) => Input::InteractionStarted {
                id: self.calls[usize::from(call)].clone(),
            },
            Action::Ended(call) => Input::InteractionEnded {
                id: self.calls[usize::from(call)].clone(),
            },
            Action::Switch(site) => Input::SwitchRequested {
                site: self.site(site),
            },
            Action::Resumed => Input::Resumed,
            Action::Stop => Input::Stop,
            Action::Health(site, healthy) => {
                let (Some(world), Some(index)) = (self.world.as_mut(), site.index()) else {
                    return;
                };
                world.healthy[index] = healthy;
                let name = self.site(site);
                if self.connected.as_ref() == Some(&name) {
                    self.report_site(name, healthy);
                }
                return;
            }
        };
        self.input(input);
    }

    /// The world reports what a site looks like: every link up and the
    /// endpoint registered, or every link down and the endpoint lost.
    fn report_site(&mut self, site: Name, healthy: bool) {
        if healthy {
            for service in Service::ALL {
                self.reactions.push(Input::LinkUp {
                    site: site.clone(),
                    service,
                    member: Member::Primary,
                });
            }
            self.reactions.push(Input::EndpointRegistered { site });
        } else {
            for service in Service::ALL {
                for member in Member::ALL {
                    self.reactions.push(Input::LinkDown {
                        site: site.clone(),
                        service,
                        member,
                    });
                }
            }
            self.reactions.push(Input::EndpointUnregistered { site });
        }
    }

    fn healthy(&self, site: &str) -> Option<bool> {
        let world = self.world?;
        let index = ["SiteA", "SiteB"].iter().position(|s| *s == site)?;
        Some(world.healthy[index])
    }

    /// Feeds one input; checks that an ignored one changed and emitted nothing.
    ///
    /// Deadlines already due are handled first, in a call of their own: the
    /// engine would handle them first anyway (each `handle_*` catches up),
    /// and this way each output is put down to what caused it.
    fn input(&mut self, input: Input) {
        if self
            .engine
            .poll_timeout()
            .is_some_and(|deadline| deadline <= self.clock.max(self.engine.now()))
        {
            self.timeout(self.clock);
            if self.broken {
                return;
            }
        }
        let before = self.engine.status();
        let source = Source::Input(input.type_name());
        let description = format!("{input:?}");
        let phase_before = self.engine.phase();
        self.engine.handle_input(input, self.clock);
        let emitted = self.drain(source, phase_before);
        self.check_order(&description);
        let after = self.engine.status();
        if after.ignored != before.ignored {
            if emitted > 0 {
                self.anomaly(format!(
                    "ignored input {description} emitted {emitted} outputs"
                ));
            }
            let unchanged = continuity_core::Status {
                ignored: after.ignored,
                ..before
            };
            if unchanged != after {
                self.anomaly(format!(
                    "ignored input {description} changed the status:\n  before {unchanged:?}\n  after  {after:?}"
                ));
            }
        }
        self.check_status();
    }

    fn timeout(&mut self, at: Millis) {
        let deadline = self.engine.poll_timeout();
        let phase_before = self.engine.phase();
        self.engine.handle_timeout(at);
        self.drain(Source::Timeout, phase_before);
        let call = TimeoutCall {
            arg: at,
            deadline,
            now: self.engine.now(),
            next: self.engine.poll_timeout(),
        };
        self.replay.timeouts.push(call);
        if call.next.is_some_and(|next| next <= call.now) {
            // A stall: check_progress reports it; going on would only spin.
            self.broken = true;
        }
        self.check_status();
    }

    /// A host loop that sleeps until each deadline and handles it.
    fn run(&mut self, duration: Millis) {
        let from = self.clock;
        let until = from.saturating_add(duration);
        let mut stats = RunStats {
            from,
            until,
            ..RunStats::default()
        };
        let mut calls = 0;
        while let Some(deadline) = self.engine.poll_timeout() {
            if deadline > until || self.broken {
                break;
            }
            if calls == RUN_CALL_CAP {
                stats.hit_cap = true;
                break;
            }
            calls += 1;
            self.clock = self.clock.max(deadline);
            self.timeout(self.clock);
            self.react();
            *stats
                .per_minute
                .entry(self.engine.now() / 60_000)
                .or_default() += 1;
        }
        self.clock = self.clock.max(until);
        self.replay.runs.push(stats);
    }

    /// Takes every output; returns how many there were.
    fn drain(&mut self, source: Source, phase_before: Phase) -> usize {
        let first = self.replay.trace.len();
        // While outputs wait, poll_timeout answers "now".
        let pending_at = self.engine.poll_timeout();
        if let Some(emitted) = self.engine.poll_output() {
            if pending_at != Some(self.engine.now()) {
                self.anomaly(format!(
                    "poll_timeout was {pending_at:?} with outputs queued at {}",
                    self.engine.now()
                ));
            }
            self.record_timed(emitted);
        }
        while let Some(emitted) = self.engine.poll_output() {
            self.record_timed(emitted);
        }
        if self.replay.trace.len() > TRACE_CAP {
            self.broken = true;
            self.anomaly(format!(
                "more than {TRACE_CAP} outputs: the engine ran away"
            ));
        }
        let timing = self.engine.policy().map(|p| p.timing);
        self.replay.calls.push(Call {
            source,
            phase_before,
            phase_after: self.engine.phase(),
            timing,
            outputs: first..self.replay.trace.len(),
        });
        self.replay.trace.len() - first
    }

    /// Checks an output's time (in order, never past the engine's clock), then records it.
    fn record_timed(&mut self, emitted: continuity_core::Emitted) {
        if emitted.at < self.last_output_at || emitted.at > self.engine.now() {
            self.anomaly(format!(
                "an output at {} after one at {}, with the engine at {}",
                emitted.at,
                self.last_output_at,
                self.engine.now()
            ));
        }
        self.last_output_at = emitted.at;
        self.record(emitted.at, emitted.output);
    }

    /// Reacts to an output as the host would, and keeps it with its time.
    fn record(&mut self, at: Millis, output: Output) {
        match &output {
            Output::Connect { site } => {
                self.connected = Some(site.clone());
                if self.healthy(site) == Some(true) {
                    self.report_site(site.clone(), true);
                }
            }
            Output::Disconnect { .. } => self.connected = None,
            Output::Recheck { site } => {
                if let Some(healthy) = self.healthy(site) {
                    self.report_site(site.clone(), healthy);
                }
            }
            Output::Probe { site } => match self.healthy(site) {
                Some(ok) => self.reactions.push(Input::ProbeResult {
                    site: site.clone(),
                    ok,
                }),
                None => self.probes.push(site.clone()),
            },
            Output::PhaseChanged { phase, site, role } => {
                self.announced = (*phase, site.clone(), *role);
            }
            _ => {}
        }
        self.replay.trace.push(Record { at, output });
    }

    /// Within one input, commands come before notices and `phase_changed` is
    /// last (docs/rules.md, "Vocabulary and ordering"). Not checked for
    /// `handle_timeout`: one call may handle several deadlines, each in order.
    fn check_order(&mut self, input: &str) {
        let call = self.replay.calls.last().expect("drain records the call");
        let outputs = &self.replay.trace[call.outputs.clone()];
        let first_notice = outputs.iter().position(|r| !r.output.is_command());
        let misplaced = outputs.iter().enumerate().find(|(i, r)| {
            (r.output.is_command() && first_notice.is_some_and(|n| n < *i))
                || (matches!(r.output, Output::PhaseChanged { .. }) && *i + 1 != outputs.len())
        });
        if let Some((i, record)) = misplaced {
            let all: Vec<&Output> = outputs.iter().map(|r| &r.output).collect();
            self.anomaly(format!(
                "input {input}: output #{i} {:?} out of order in {all:?}",
                record.output
            ));
        }
    }

    /// `status()` agrees with the getters and with the last `phase_changed`.
    fn check_status(&mut self) {
        let status = self.engine.status();
        let now = self.engine.now();
        if status.phase != self.engine.phase() {
            self.anomaly(format!(
                "at {now}: status().phase {:?} but phase() {:?}",
                status.phase,
                self.engine.phase()
            ));
        }
        if status.next_timer != self.engine.next_timer() {
            self.anomaly(format!(
                "at {now}: status().next_timer differs from next_timer()"
            ));
        }
        if self.engine.poll_timeout() != self.engine.next_timer().map(|t| t.at) {
            self.anomaly(format!(
                "at {now}: poll_timeout {:?} with outputs drained but next_timer {:?}",
                self.engine.poll_timeout(),
                self.engine.next_timer()
            ));
        }
        let shown = (status.phase, status.site.clone(), status.role);
        if shown != self.announced {
            self.anomaly(format!(
                "at {now}: status shows {shown:?} but the last phase_changed said {:?}",
                self.announced
            ));
        }
        if status.site.is_some() != status.connected_since.is_some() {
            self.anomaly(format!(
                "at {now}: site and connected_since disagree: {status:?}"
            ));
        }
        if let Err(error) = serde_json::to_string(&status) {
            self.anomaly(format!("at {now}: status does not serialize: {error}"));
        }
    }

    fn anomaly(&mut self, message: String) {
        // Keep the report short: the first few are enough to see the bug.
        if self.replay.anomalies.len() < 5 {
            self.replay.anomalies.push(message);
        }
    }
}
