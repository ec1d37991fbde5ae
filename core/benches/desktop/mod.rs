//! A simulated agent desktop that drives the engine through a scripted,
//! endlessly repeating workload, one engine call per [`Desktop::step`].
//!
//! The desktop lives in a small world where each site is healthy or not. It
//! reacts to the engine's commands like a real host: after `connect` to a
//! healthy site it reports that site's links up and its endpoint registered;
//! it answers every `probe` with the probed site's health. Everything it
//! feeds the engine is built from pre-made [`Name`]s, and its reaction queue
//! is allocated once, so a step allocates nothing of its own: whatever the
//! counting allocator sees during a step is the engine's.

pub mod scripts;

use std::collections::VecDeque;
use std::fmt;

use continuity_core::{Bundle, Engine, Member, Millis, Name, Output, Phase, Reason, Service};

/// The two-site bundle of the scenario corpus, with the built-in timings.
const TWO_SITE: &str = include_str!("../../tests/data/two-site.json");

/// Latency of the world's answers (link reports, probe results), in ms.
const ANSWER_LATENCY: Millis = 20;

/// More consecutive deadline calls than this waiting on one condition means the script is wrong.
const STUCK_LIMIT: u32 = 1_000;

/// A site of the two-site bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// `SiteA`, the preferred site.
    A,
    /// `SiteB`, the peer site.
    B,
}

/// A condition on what the desktop has seen, for [`Event::Until`].
#[derive(Clone, Copy, Debug)]
pub enum Cond {
    /// Phase `active` on this site.
    Active(Site),
    /// A switchback was announced (`switchover_pending`, reason auto-restore).
    RestorePending,
}

/// One entry of a workload script.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// `link_up` after `dt`.
    LinkUp(Millis, Site, Service, Member),
    /// `link_down` after `dt`.
    LinkDown(Millis, Site, Service, Member),
    /// `endpoint_registered` after `dt`.
    Registered(Millis, Site),
    /// `endpoint_unregistered` after `dt`.
    Unregistered(Millis, Site),
    /// `interaction_started` after `dt`, with one of the desktop's interaction ids.
    Started(Millis, usize),
    /// `interaction_ended` after `dt`.
    Ended(Millis, usize),
    /// `switch_requested` after `dt`.
    Switch(Millis, Site),
    /// Not an engine call: the site becomes healthy or fails in the world.
    World(Site, bool),
    /// `handle_timeout` at `poll_timeout()`.
    Timeout,
    /// `handle_timeout` at `poll_timeout()` until the condition holds
    /// (checked before each call; no call when it already holds).
    Until(Cond),
}

/// The desktop: an engine, its world, and where it is in its script.
pub struct Desktop {
    engine: Engine,
    script: &'static [Event],
    position: usize,
    now: Millis,
    sites: [Name; 2],
    interactions: [Name; 3],
    healthy: [bool; 2],
    /// The world's answers, fed before the next script entry.
    answers: VecDeque<Answer>,
    /// What the desktop has seen of the engine.
    phase: Phase,
    site: Option<Site>,
    restore_pending: bool,
    stuck: u32,
    /// Engine calls made so far.
    pub events: u64,
    /// What the engine produced so far.
    pub counters: Counters,
    /// The last engine call made.
    pub last: Call,
}

/// An engine call, for reports.
#[derive(Clone, Copy, Debug)]
pub enum Call {
    /// None yet.
    None,
    /// An answer of the world (`link_up`, `endpoint_registered`, `probe_result`).
    Answer(&'static str),
    /// A script entry, with its position.
    Script(usize, Event),
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Call::None => f.write_str("none"),
            Call::Answer(input) => write!(f, "the world's answer `{input}`"),
            Call::Script(position, event) => write!(f, "script entry {position}: {event:?}"),
        }
    }
}

/// Running counts of what the engine did.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counters {
    /// Outputs drained.
    pub outputs: u64,
    /// `switched` outputs.
    pub switches: u64,
    /// `handle_timeout` calls.
    pub timeouts: u64,
}

/// [`Counters`] per 1 000 events.
#[derive(Clone, Copy, Debug)]
pub struct Mix {
    /// Outputs per 1 000 events.
    pub outputs: f64,
    /// Switches per 1 000 events.
    pub switches: f64,
    /// `handle_timeout` calls per 1 000 events.
    pub timeouts: f64,
}

impl Counters {
    /// What happened since `before`, over `events` events, per 1 000 events.
    pub fn since(self, before: Counters, events: u64) -> Mix {
        let per_mille = |now: u64, then: u64| (now - then) as f64 * 1000.0 / events as f64;
        Mix {
            outputs: per_mille(self.outputs, before.outputs),
            switches: per_mille(self.switches, before.switches),
            timeouts: per_mille(self.timeouts, before.timeouts),
        }
    }
}

/// An answer of the world, fed to the engine as one input.
#[derive(Clone, Debug)]
enum Answer {
    LinkUp(Name, Service),
    Registered(Name),
    Probe(Name, bool),
}

impl Desktop {
    /// A started desktop with both sites healthy, run until its first
    /// connection is active, then through `warm_up` script steps.
    pub fn new(script: &'static [Event], healthy: [bool; 2], warm_up: u64) -> Desktop {
        let bundle = Bundle::from_json(TWO_SITE).expect("the two-site bundle parses");
        let engine = Engine::new(bundle, 7).expect("the two-site bundle validates");
        let mut desktop = Desktop {
            engine,
            script,
            position: 0,
            now: 0,
            sites: ["SiteA".into(), "SiteB".into()],
            interactions: ["call-1".into(), "call-2".into(), "call-3".into()],
            healthy,
            answers: VecDeque::with_capacity(64),
            phase: Phase::Idle,
            site: None,
            restore_pending: false,
            stuck: 0,
            events: 0,
            counters: Counters::default(),
            last: Call::None,
        };
        desktop.engine.handle_start(0);
        desktop.drain();
        for _ in 0..warm_up {
            desktop.step();
        }
        desktop
    }

    /// Makes exactly one engine call (an answer of the world, or the next
    /// script entry), then drains and reacts to the outputs.
    pub fn step(&mut self) {
        if let Some(answer) = self.answers.pop_front() {
            self.now += ANSWER_LATENCY;
            self.last = Call::Answer(match answer {
                Answer::LinkUp(..) => "link_up",
                Answer::Registered(_) => "endpoint_registered",
                Answer::Probe(..) => "probe_result",
            });
            match answer {
                Answer::LinkUp(site, service) => {
                    self.engine
                        .handle_link_up(&site, service, Member::Primary, self.now)
                }
                Answer::Registered(site) => self.engine.handle_endpoint_registered(&site, self.now),
                Answer::Probe(site, ok) => self.engine.handle_probe_result(&site, ok, self.now),
            };
        } else {
            self.scripted();
        }
        self.events += 1;
        self.drain();
    }

    /// The engine, for a final look at its status.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn scripted(&mut self) {
        loop {
            let event = self.script[self.position];
            match event {
                Event::World(site, healthy) => {
                    self.healthy[site as usize] = healthy;
                    self.advance();
                    continue;
                }
                Event::Until(cond) if self.holds(cond) => {
                    self.stuck = 0;
                    self.advance();
                    continue;
                }
                Event::Until(cond) => {
                    self.stuck += 1;
                    self.last = Call::Script(self.position, event);
                    assert!(
                        self.stuck < STUCK_LIMIT,
                        "workload stuck at script entry {} waiting for {cond:?}: phase {:?}",
                        self.position,
                        self.phase
                    );
                    self.timeout();
                    return;
                }
                _ => {}
            }
            self.last = Call::Script(self.position, event);
            self.advance();
            match event {
                Event::LinkUp(dt, site, service, member) => {
                    self.now += dt;
                    let name = &self.sites[site as usize];
                    self.engine.handle_link_up(name, service, member, self.now);
                }
                Event::LinkDown(dt, site, service, member) => {
                    self.now += dt;
                    let name = &self.sites[site as usize];
                    self.engine
                        .handle_link_down(name, service, member, self.now);
                }
                Event::Registered(dt, site) => {
                    self.now += dt;
                    let name = &self.sites[site as usize];
                    self.engine.handle_endpoint_registered(name, self.now);
                }
                Event::Unregistered(dt, site) => {
                    self.now += dt;
                    let name = &self.sites[site as usize];
                    self.engine.handle_endpoint_unregistered(name, self.now);
                }
                Event::Started(dt, id) => {
                    self.now += dt;
                    let id = self.interactions[id].clone();
                    self.engine.handle_interaction_started(id, self.now);
                }
                Event::Ended(dt, id) => {
                    self.now += dt;
                    let id = &self.interactions[id];
                    self.engine.handle_interaction_ended(id, self.now);
                }
                Event::Switch(dt, site) => {
                    self.now += dt;
                    let name = &self.sites[site as usize];
                    self.engine.handle_switch_requested(name, self.now);
                }
                Event::Timeout => self.timeout(),
                Event::World(..) | Event::Until(_) => unreachable!("handled above"),
            }
            return;
        }
    }

    fn advance(&mut self) {
        self.position = (self.position + 1) % self.script.len();
    }

    fn holds(&self, cond: Cond) -> bool {
        match cond {
            Cond::Active(site) => self.phase == Phase::Active && self.site == Some(site),
            Cond::RestorePending => self.restore_pending,
        }
    }

    /// Sleeps until the engine's deadline and hands it over.
    fn timeout(&mut self) {
        if let Some(deadline) = self.engine.poll_timeout() {
            self.now = self.now.max(deadline);
        }
        self.engine.handle_timeout(self.now);
        self.counters.timeouts += 1;
    }

    /// Takes every output, reacts like the host would, and drops it.
    fn drain(&mut self) {
        while let Some(emitted) = self.engine.poll_output() {
            self.counters.outputs += 1;
            let is_switch = matches!(emitted.output, Output::Switched { .. });
            match emitted.output {
                Output::Connect { site } => {
                    let index = self.index(&site);
                    self.site = Some(if index == 0 { Site::A } else { Site::B });
                    if self.healthy[index] {
                        for service in Service::ALL {
                            self.answers
                                .push_back(Answer::LinkUp(site.clone(), service));
                        }
                        self.answers.push_back(Answer::Registered(site));
                    }
                }
                Output::Disconnect { .. } => self.site = None,
                Output::Probe { site } => {
                    let ok = self.healthy[self.index(&site)];
                    self.answers.push_back(Answer::Probe(site, ok));
                }
                Output::PhaseChanged { phase, .. } => self.phase = phase,
                Output::SwitchoverPending {
                    reason: Reason::AutoRestore,
                    ..
                } => self.restore_pending = true,
                Output::SwitchoverCancelled {
                    reason: Reason::AutoRestore,
                    ..
                }
                | Output::Switched { .. } => {
                    if is_switch {
                        self.counters.switches += 1;
                    }
                    self.restore_pending = false;
                }
                _ => {}
            }
        }
    }

    fn index(&self, site: &str) -> usize {
        usize::from(&*self.sites[1] == site)
    }
}
