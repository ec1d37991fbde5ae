//! Deterministic simulation testing (DESIGN §8), after TigerBeetle's VOPR and
//! FoundationDB's simulator: per seed, a whole world around one engine.
//!
//! A seed draws its fault rates first (swarm testing: some faults are off
//! for a seed, others frequent), then its timings, then every event: both
//! sites' members crash, restart and flap, whole sites go dark, the
//! registrar drops the endpoint, calls start and end, the agent switches by
//! hand, probe answers are lost or late, the host sleeps (frozen) or runs
//! in a hidden tab (timers at most once a minute), its clock jumps back,
//! and inputs arrive twice or out of order. The host reacts causally to the
//! engine's commands: a connect to a live site brings its links up after a
//! delay, a REGISTER at a live SIP Server succeeds, a probe answers the
//! truth unless it is lost.
//!
//! Safety invariants are checked after every engine call ([`check`]);
//! liveness once the faults heal, in the last part of the run. Everything is
//! a pure function of the seed: [`run`] twice gives the same trace, and the
//! run's own record ([`Run::scenario`]) replays through
//! [`Scenario::run`](continuity_core::Scenario::run) — the runner every host
//! shares — to the same trace.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use continuity_core::config::Timing;
use continuity_core::{
    Bundle, BundleSource, Emitted, Engine, Input, Member, Millis, Name, Output, Phase, PlantedBug,
    Scenario, Service, Step,
};

pub mod check;

use check::Checker;

/// The services of a site, and the members of a pair.
const SERVICES: [Service; 3] = [
    Service::SipServer,
    Service::StatServer,
    Service::ConfigServer,
];
const MEMBERS: [Member; 2] = [Member::Primary, Member::Backup];
const SITES: [&str; 2] = ["SiteA", "SiteB"];

const SECOND: Millis = 1_000;
const MINUTE: Millis = 60 * SECOND;
const HOUR: Millis = 60 * MINUTE;

/// SplitMix64: small, fast, and the same everywhere.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_c0de_0000_0001)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, n)` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Uniform in `[lo, hi]`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }

    /// An exponential wait with mean `mean` ms (at least 1 ms).
    pub fn wait(&mut self, mean: Millis) -> Millis {
        let u = ((self.next_u64() >> 11) as f64 + 1.0) / ((1u64 << 53) as f64 + 1.0);
        ((-(u.ln()) * mean as f64) as Millis).max(1)
    }
}

/// A seed's fault rates (swarm testing): each fault is on or off for the
/// seed, and when on, has a rate of its own. Means are in simulated ms;
/// `*_every` is the mean time between two such faults.
#[derive(Clone, Debug, PartialEq)]
pub struct Rates {
    /// Mean time between crashes of one member (any site, service, member).
    pub member_crash_every: Option<Millis>,
    /// Mean time a crashed member stays down.
    pub member_down_for: Millis,
    /// A restarted member crashes again at once (flaps) with this probability.
    pub flap: f64,
    /// Mean time between whole-site losses.
    pub site_loss_every: Option<Millis>,
    /// Mean time a lost site stays dark.
    pub site_down_for: Millis,
    /// Mean time between registrar losses of the endpoint's registration.
    pub registration_loss_every: Option<Millis>,
    /// Mean time between calls, and their mean length.
    pub call_every: Option<Millis>,
    /// Mean call length.
    pub call_length: Millis,
    /// Mean time between manual switches.
    pub manual_every: Option<Millis>,
    /// A probe answer is lost with this probability.
    pub probe_lost: f64,
    /// A probe answer comes late (past the next probe) with this probability.
    pub probe_late: f64,
    /// Mean time between host freezes (a sleeping laptop), and their mean length.
    pub freeze_every: Option<Millis>,
    /// Mean freeze length.
    pub freeze_for: Millis,
    /// The host runs in a hidden tab: timers fire at most once a minute.
    pub throttled: bool,
    /// An input arrives with the host's clock jumped back, with this probability.
    pub clock_jump: f64,
    /// An input is delivered twice with this probability.
    pub duplicate: f64,
    /// The host's reactions take up to this long, so they can overtake each other.
    pub jitter: Millis,
}

impl Rates {
    /// The rates of one seed.
    fn draw(rng: &mut Rng) -> Rates {
        let on = |p: f64, rng: &mut Rng, mean_lo: Millis, mean_hi: Millis| {
            rng.chance(p).then(|| rng.between(mean_lo, mean_hi))
        };
        Rates {
            member_crash_every: on(0.7, rng, 20 * SECOND, 10 * MINUTE),
            member_down_for: rng.between(5 * SECOND, 3 * MINUTE),
            flap: if rng.chance(0.3) { 0.5 } else { 0.0 },
            site_loss_every: on(0.6, rng, 2 * MINUTE, 20 * MINUTE),
            site_down_for: rng.between(10 * SECOND, 5 * MINUTE),
            registration_loss_every: on(0.5, rng, MINUTE, 20 * MINUTE),
            call_every: on(0.7, rng, MINUTE, 10 * MINUTE),
            call_length: rng.between(10 * SECOND, 5 * MINUTE),
            manual_every: on(0.3, rng, 2 * MINUTE, 30 * MINUTE),
            probe_lost: if rng.chance(0.4) { 0.2 } else { 0.0 },
            probe_late: if rng.chance(0.3) { 0.2 } else { 0.0 },
            freeze_every: on(0.4, rng, 2 * MINUTE, 20 * MINUTE),
            freeze_for: rng.between(5 * SECOND, 5 * MINUTE),
            throttled: rng.chance(0.2),
            clock_jump: if rng.chance(0.2) { 0.02 } else { 0.0 },
            duplicate: if rng.chance(0.3) { 0.05 } else { 0.0 },
            jitter: rng.between(0, 2 * SECOND),
        }
    }
}

impl fmt::Display for Rates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let every =
            |v: Option<Millis>| v.map_or("off".to_owned(), |ms| format!("every {} s", ms / SECOND));
        write!(
            f,
            "member crash {} (down {} s, flap {}), site loss {} (dark {} s), registration loss {}, calls {} ({} s), manual {}, probe lost {} late {}, freeze {} ({} s), throttled {}, clock jump {}, duplicate {}, jitter {} ms",
            every(self.member_crash_every),
            self.member_down_for / SECOND,
            self.flap,
            every(self.site_loss_every),
            self.site_down_for / SECOND,
            every(self.registration_loss_every),
            every(self.call_every),
            self.call_length / SECOND,
            every(self.manual_every),
            self.probe_lost,
            self.probe_late,
            every(self.freeze_every),
            self.freeze_for / SECOND,
            self.throttled,
            self.clock_jump,
            self.duplicate,
            self.jitter
        )
    }
}

/// How a seed's run went.
#[derive(Debug)]
pub struct Run {
    /// The seed.
    pub seed: u64,
    /// Its fault rates.
    pub rates: Rates,
    /// Its timings.
    pub timing: Timing,
    /// The bundle it ran on.
    pub bundle: Bundle,
    /// Every output with its time.
    pub trace: Vec<Emitted>,
    /// Every step the engine was given, as a scenario records them.
    pub steps: Vec<Step>,
    /// Engine calls made.
    pub calls: u64,
    /// The first broken invariant, if any.
    pub failure: Option<String>,
}

impl Run {
    /// The run as a scenario: `continuity simulate` replays it to [`Run::trace`].
    pub fn scenario(&self) -> Scenario {
        Scenario {
            description: Some(format!("simulation seed {}: {}", self.seed, self.rates)),
            bundle: BundleSource::Inline(Box::new(self.bundle.clone())),
            seed: self.seed,
            steps: self.steps.clone(),
            until: self
                .steps
                .iter()
                .map(Step::at)
                .max()
                .unwrap_or(0)
                .max(self.trace.last().map_or(0, |e| e.at)),
        }
    }
}

/// The run as a scenario file (JSON) that `continuity simulate` replays to its trace.
pub fn scenario_json(run: &Run) -> String {
    let scenario = run.scenario();
    let steps: Vec<serde_json::Value> = scenario
        .steps
        .iter()
        .map(|step| match step {
            Step::Input { at, input } => serde_json::json!({ "at": at, "input": input }),
            Step::Freeze { at, until } => serde_json::json!({ "at": at, "freeze_until": until }),
        })
        .collect();
    let value = serde_json::json!({
        "description": scenario.description,
        "bundle": run.bundle,
        "seed": scenario.seed,
        "steps": steps,
        "until": scenario.until,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).expect("a scenario serializes")
    )
}

/// The bundle of a seed: the corpus' two-site deployment with timings drawn for it.
fn bundle(rng: &mut Rng) -> Bundle {
    let template = include_str!("../scenarios/bundles/two-site.json");
    let seconds = |rng: &mut Rng, lo: u64, hi: u64| rng.between(lo, hi).to_string();
    let timeout = seconds(rng, 2, 60);
    let options = [
        ("disaster-recovery.timeout", timeout),
        (
            "disaster-recovery.wait-for-sipphone-timeout",
            seconds(rng, 2, 60),
        ),
        (
            "disaster-recovery.auto-restore",
            if rng.chance(0.85) { "true" } else { "false" }.to_owned(),
        ),
        ("continuity.restore-probe-interval", seconds(rng, 1, 20)),
        ("continuity.restore-hold-down", seconds(rng, 0, 90)),
        ("continuity.restore-spread", seconds(rng, 0, 60)),
        (
            "continuity.restore-when-idle",
            if rng.chance(0.8) { "true" } else { "false" }.to_owned(),
        ),
        ("continuity.backoff-base", seconds(rng, 1, 10)),
        ("continuity.wake-gap", seconds(rng, 0, 10)),
        ("continuity.recheck-grace", seconds(rng, 1, 20)),
        (
            "continuity.failover-spread",
            if rng.chance(0.5) {
                "0".to_owned()
            } else {
                seconds(rng, 1, 60)
            },
        ),
    ];
    let base: u64 = options[7].1.parse().unwrap_or(5);
    let cap = (base + rng.below(60)).to_string();
    let mut extra = String::new();
    for (name, value) in options
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .chain([("continuity.backoff-cap", cap.as_str())])
    {
        extra.push_str(&format!(",\n        \"{name}\": \"{value}\""));
    }
    let anchor = "\"disaster-recovery.peer-site\": \"SiteB\"";
    let text = template.replacen(anchor, &format!("{anchor}{extra}"), 1);
    Bundle::from_json(&text).expect("the simulation's bundle is valid for every draw")
}

/// Something that happens in the simulated world at a time.
#[derive(Clone, Debug)]
enum Event {
    /// The host hands an input to the engine (a reaction, or an observation).
    Deliver(Input),
    /// A member crashes (or, `up`, restarts).
    Member {
        site: usize,
        service: usize,
        member: usize,
        up: bool,
    },
    /// A whole site goes dark or comes back.
    Site { site: usize, up: bool },
    /// The registrar of a site drops the endpoint's registration.
    RegistrationLost,
    /// A call starts or ends.
    CallStart,
    /// A call ends.
    CallEnd(u32),
    /// The agent asks to switch to the site the desktop is not on.
    Manual,
    /// The host freezes (a sleeping laptop) until the given time.
    Freeze(Millis),
    /// A fault generator's next draw.
    Next(Generator),
    /// Faults stop: the world heals.
    Heal,
}

/// The fault generators, each drawing its next event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Generator {
    MemberCrash,
    SiteLoss,
    RegistrationLoss,
    Call,
    Manual,
    Freeze,
}

/// The world, the host and the engine of one seed.
struct Sim {
    rng: Rng,
    rates: Rates,
    timing: Timing,
    engine: Engine,
    /// `up[site][service][member]`.
    up: [[[bool; 2]; 3]; 2],
    /// Whether the registrar of a site holds the endpoint.
    registered: [bool; 2],
    /// The site the host holds links to (after `connect`, until `disconnect`).
    connected: Option<usize>,
    /// Where the engine wants the endpoint registered.
    phone_at: Option<usize>,
    /// Event times by (time, sequence); the events themselves by sequence.
    queue: BinaryHeap<Reverse<(Millis, u64)>>,
    events: BTreeMap<u64, Event>,
    seq: u64,
    now: Millis,
    /// The host is frozen until then (no timer fires, observations wait).
    frozen_until: Millis,
    /// Hidden tab: the last time a timer fired.
    last_timer: Millis,
    /// Faults stop here (the world heals); the run ends at `end`.
    heal_at: Millis,
    end: Millis,
    calls: u32,
    open_calls: Vec<u32>,
    steps: Vec<Step>,
    trace: Vec<Emitted>,
    checker: Checker,
    engine_calls: u64,
}

/// The share of a run, at its end, that is fault-free (for liveness).
const HEALED_SHARE: u64 = 4;

/// Runs one seed for `duration` simulated ms.
pub fn run(seed: u64, duration: Millis) -> Run {
    run_planted(seed, duration, None)
}

/// Runs one seed with a known bug planted in the engine (the harness's self-test).
pub fn run_planted(seed: u64, duration: Millis, bug: Option<PlantedBug>) -> Run {
    let mut rng = Rng::new(seed);
    let rates = Rates::draw(&mut rng);
    let bundle = bundle(&mut rng);
    let mut engine = Engine::new(bundle.clone(), seed).expect("a valid bundle makes an engine");
    if let Some(bug) = bug {
        engine.plant(bug);
    }
    let timing = engine.policy().expect("a full bundle has a policy").timing;
    let heal_at = duration - duration / HEALED_SHARE;
    let mut sim = Sim {
        rng,
        rates: rates.clone(),
        timing,
        engine,
        up: [[[true; 2]; 3]; 2],
        registered: [false; 2],
        connected: None,
        phone_at: None,
        queue: BinaryHeap::new(),
        events: BTreeMap::new(),
        seq: 0,
        now: 0,
        frozen_until: 0,
        last_timer: 0,
        heal_at,
        end: duration,
        calls: 0,
        open_calls: Vec::new(),
        steps: Vec::new(),
        trace: Vec::new(),
        checker: Checker::new(timing, SITES.map(Name::from)),
        engine_calls: 0,
    };
    let failure = sim.go().err();
    Run {
        seed,
        rates,
        timing,
        bundle,
        trace: sim.trace,
        steps: sim.steps,
        calls: sim.engine_calls,
        failure,
    }
}

impl Sim {
    fn go(&mut self) -> Result<(), String> {
        for generator in [
            Generator::MemberCrash,
            Generator::SiteLoss,
            Generator::RegistrationLoss,
            Generator::Call,
            Generator::Manual,
            Generator::Freeze,
        ] {
            self.schedule_next(generator);
        }
        self.push(self.heal_at, Event::Heal);
        self.feed(Input::Start)?;
        loop {
            let event_at = self.queue.peek().map(|Reverse((at, _))| *at);
            let timer_at = self.timer_at();
            let next = match (event_at, timer_at) {
                (None, None) => break,
                (Some(e), Some(t)) => e.min(t),
                (Some(at), None) | (None, Some(at)) => at,
            };
            if next > self.end {
                break;
            }
            self.now = self.now.max(next);
            if timer_at == Some(next) && event_at.is_none_or(|e| next < e) {
                self.fire_timer()?;
            } else if let Some(Reverse((_, seq))) = self.queue.pop() {
                let event = self
                    .events
                    .remove(&seq)
                    .expect("every queued time has its event");
                self.happen(event)?;
            }
        }
        self.checker.liveness(&self.engine, self.heal_at, self.end)
    }

    /// When the host's timer fires: the engine's deadline, after a freeze's
    /// end, and in a hidden tab at most once a minute.
    fn timer_at(&self) -> Option<Millis> {
        let deadline = self.engine.poll_timeout()?;
        let mut at = deadline.max(self.frozen_until).max(self.now);
        if self.rates.throttled {
            at = at.max(self.last_timer + MINUTE);
        }
        Some(at)
    }

    /// The host's timer did not fire for a deadline due before `at` (it was
    /// frozen or throttled): the record says so with a freeze, so that the
    /// scenario runner — which fires every deadline on time — hands it late too.
    fn record_late_timer(&mut self, at: Millis) {
        if let Some(deadline) = self.engine.poll_timeout().filter(|&d| d < at) {
            // Steps are processed in order even when their times go back, so
            // the freeze starts just before the deadline it holds back.
            self.steps.push(Step::Freeze {
                at: deadline.saturating_sub(1),
                until: at,
            });
        }
    }

    fn fire_timer(&mut self) -> Result<(), String> {
        let deadline = self.engine.poll_timeout().unwrap_or(self.now);
        self.record_late_timer(self.now);
        self.last_timer = self.now;
        self.engine.handle_timeout(self.now);
        self.engine_calls += 1;
        self.after("handle_timeout")?;
        if self.engine.poll_timeout() == Some(deadline) && deadline <= self.now {
            return Err(format!(
                "at {}: poll_timeout() stayed at {deadline} after handle_timeout",
                self.now
            ));
        }
        Ok(())
    }

    /// Hands an input to the engine now (or, while frozen, when the host wakes),
    /// after the network's jitter.
    fn observe(&mut self, input: Input) {
        let jitter = self.rng.below(self.rates.jitter + 1);
        self.observe_in_order(input, jitter);
    }

    /// As [`Sim::observe`], with a fixed delay: the desktop's own events (a
    /// call's start and end) reach the engine in the order they happened.
    fn observe_in_order(&mut self, input: Input, delay: Millis) {
        let at = if self.now < self.frozen_until {
            self.frozen_until
        } else {
            self.now
        };
        self.push(at + delay, Event::Deliver(input));
    }

    fn feed(&mut self, input: Input) -> Result<(), String> {
        let mut at = self.now;
        if self.rng.chance(self.rates.clock_jump) {
            // The host's clock jumped back a little for this input. The
            // record first marks the latest time the engine has seen (an
            // empty freeze), so that the scenario runner has handled what
            // was due by then, as the engine had.
            let seen = self.engine.now();
            self.steps.push(Step::Freeze {
                at: seen,
                until: seen,
            });
            at = at.saturating_sub(self.rng.between(1, 5 * SECOND));
        }
        self.record_late_timer(at);
        let twice = self.rng.chance(self.rates.duplicate);
        for _ in 0..if twice { 2 } else { 1 } {
            self.steps.push(Step::Input {
                at,
                input: input.clone(),
            });
            self.engine.handle_input(input.clone(), at);
            self.engine_calls += 1;
            // Deadlines the call caught up on were handled before the input:
            // the checker learns of the input after their outputs.
            self.after(input.type_name())?;
            self.checker.input(&input);
        }
        Ok(())
    }

    /// Drains the outputs, lets the host react, and checks the invariants.
    fn after(&mut self, what: &str) -> Result<(), String> {
        while let Some(emitted) = self.engine.poll_output() {
            self.react(&emitted.output);
            self.checker.output(&emitted)?;
            self.trace.push(emitted);
        }
        self.checker.after_call(&self.engine, what)
    }

    /// The host carries out a command.
    fn react(&mut self, output: &Output) {
        match output {
            Output::Connect { site } => {
                let s = site_index(site);
                self.connected = Some(s);
                self.report_links(s, 50);
            }
            Output::Disconnect { site } if self.connected == Some(site_index(site)) => {
                self.connected = None;
            }
            Output::RegisterEndpoint { site } => {
                let s = site_index(site);
                self.phone_at = Some(s);
                if self.sip_up(s) {
                    self.registered[s] = true;
                    self.later(200, Input::EndpointRegistered { site: site.clone() });
                }
            }
            Output::UnregisterEndpoint { site } => {
                let s = site_index(site);
                self.registered[s] = false;
                if self.phone_at == Some(s) {
                    self.phone_at = None;
                }
            }
            Output::Probe { site } => {
                let s = site_index(site);
                if self.rng.chance(self.rates.probe_lost) {
                    return;
                }
                let delay = if self.rng.chance(self.rates.probe_late) {
                    self.timing.probe_interval + self.rng.between(1, 5 * SECOND)
                } else {
                    self.rng.between(10, 300)
                };
                self.later(
                    delay,
                    Input::ProbeResult {
                        site: site.clone(),
                        ok: self.sip_up(s),
                    },
                );
            }
            Output::Recheck { site } => {
                let s = site_index(site);
                if self.connected == Some(s) {
                    self.report_links(s, 20);
                }
                let registered = self.registered[s];
                let site = site.clone();
                self.later(
                    30,
                    if registered {
                        Input::EndpointRegistered { site }
                    } else {
                        Input::EndpointUnregistered { site }
                    },
                );
            }
            _ => {}
        }
    }

    fn report_links(&mut self, s: usize, delay: Millis) {
        for (i, service) in SERVICES.into_iter().enumerate() {
            for (j, member) in MEMBERS.into_iter().enumerate() {
                let input = Input::link(self.up[s][i][j], Name::from(SITES[s]), service, member);
                self.later(delay + 10 * (2 * i + j) as Millis, input);
            }
        }
    }

    fn later(&mut self, delay: Millis, input: Input) {
        let at = (self.now + delay).max(self.frozen_until);
        let jitter = self.rng.below(self.rates.jitter + 1);
        self.push(at + jitter, Event::Deliver(input));
    }

    fn sip_up(&self, s: usize) -> bool {
        self.up[s][0][0] || self.up[s][0][1]
    }

    fn push(&mut self, at: Millis, event: Event) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq)));
        self.events.insert(self.seq, event);
    }

    fn schedule_next(&mut self, generator: Generator) {
        let mean = match generator {
            Generator::MemberCrash => self.rates.member_crash_every,
            Generator::SiteLoss => self.rates.site_loss_every,
            Generator::RegistrationLoss => self.rates.registration_loss_every,
            Generator::Call => self.rates.call_every,
            Generator::Manual => self.rates.manual_every,
            Generator::Freeze => self.rates.freeze_every,
        };
        if let Some(mean) = mean {
            let at = self.now + self.rng.wait(mean);
            if at < self.heal_at {
                self.push(at, Event::Next(generator));
            }
        }
    }

    fn happen(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Deliver(input) => {
                // Observations wait for a frozen host.
                if self.now < self.frozen_until {
                    self.push(self.frozen_until, Event::Deliver(input));
                    return Ok(());
                }
                if self.engine.phase() == Phase::Stopped {
                    return Ok(());
                }
                // Once healed, no new call: the one still on its way never started.
                if self.now >= self.heal_at && matches!(input, Input::InteractionStarted { .. }) {
                    return Ok(());
                }
                self.feed(input)?;
            }
            Event::Next(generator) => {
                self.generate(generator);
                self.schedule_next(generator);
            }
            Event::Member {
                site,
                service,
                member,
                up,
            } => self.set_member(site, service, member, up),
            Event::Site { site, up } => {
                for service in 0..3 {
                    for member in 0..2 {
                        self.set_member(site, service, member, up);
                    }
                }
            }
            Event::RegistrationLost => {
                if let Some(s) = self.phone_at.filter(|&s| self.registered[s]) {
                    self.registered[s] = false;
                    self.observe(Input::EndpointUnregistered {
                        site: Name::from(SITES[s]),
                    });
                }
            }
            Event::CallStart => {
                self.calls += 1;
                let id = self.calls;
                self.open_calls.push(id);
                self.observe_in_order(
                    Input::InteractionStarted {
                        id: Name::from(format!("call-{id}")),
                    },
                    0,
                );
                let length = self.rng.wait(self.rates.call_length);
                self.push(self.now + length, Event::CallEnd(id));
            }
            Event::CallEnd(id) => {
                if self.open_calls.contains(&id) {
                    self.open_calls.retain(|&c| c != id);
                    self.observe_in_order(
                        Input::InteractionEnded {
                            id: Name::from(format!("call-{id}")),
                        },
                        0,
                    );
                }
            }
            Event::Manual => {
                if let Some(s) = self.connected {
                    self.observe(Input::SwitchRequested {
                        site: Name::from(SITES[1 - s]),
                    });
                }
            }
            Event::Freeze(until) => {
                // The record shows the freeze where it matters: as the deadlines
                // it held back (see record_late_timer).
                self.frozen_until = self.frozen_until.max(until);
            }
            Event::Heal => {
                for site in 0..2 {
                    for service in 0..3 {
                        for member in 0..2 {
                            self.set_member(site, service, member, true);
                        }
                    }
                }
                self.rates.probe_lost = 0.0;
                self.rates.probe_late = 0.0;
                self.rates.throttled = false;
                self.rates.clock_jump = 0.0;
                self.rates.duplicate = 0.0;
                // The network is quick again: answers come before the next probe.
                self.rates.jitter = self.rates.jitter.min(100);
                // Calls end, so that a switchback is not held for ever: every
                // call the engine holds (a duplicated start may outlive its end).
                self.open_calls.clear();
                for id in self.engine.status().interactions {
                    self.observe_in_order(Input::InteractionEnded { id }, 0);
                }
                // The phone registers again where it should be.
                if let Some(s) = self.phone_at.filter(|&s| !self.registered[s]) {
                    self.registered[s] = true;
                    self.later(
                        200,
                        Input::EndpointRegistered {
                            site: Name::from(SITES[s]),
                        },
                    );
                }
            }
        }
        Ok(())
    }

    fn generate(&mut self, generator: Generator) {
        match generator {
            Generator::MemberCrash => {
                let (site, service, member) = (
                    self.rng.below(2) as usize,
                    self.rng.below(3) as usize,
                    self.rng.below(2) as usize,
                );
                self.set_member(site, service, member, false);
                let back = self.now + self.rng.wait(self.rates.member_down_for);
                self.push(
                    back.min(self.heal_at),
                    Event::Member {
                        site,
                        service,
                        member,
                        up: true,
                    },
                );
                if self.rng.chance(self.rates.flap) {
                    let again = back + self.rng.between(SECOND, 10 * SECOND);
                    if again < self.heal_at {
                        self.push(
                            again,
                            Event::Member {
                                site,
                                service,
                                member,
                                up: false,
                            },
                        );
                        let down_for = self.rng.wait(self.rates.member_down_for);
                        self.push(
                            (again + down_for).min(self.heal_at),
                            Event::Member {
                                site,
                                service,
                                member,
                                up: true,
                            },
                        );
                    }
                }
            }
            Generator::SiteLoss => {
                let site = self.rng.below(2) as usize;
                self.push(self.now, Event::Site { site, up: false });
                let back = self.now + self.rng.wait(self.rates.site_down_for);
                self.push(back.min(self.heal_at), Event::Site { site, up: true });
            }
            Generator::RegistrationLoss => self.push(self.now, Event::RegistrationLost),
            Generator::Call => self.push(self.now, Event::CallStart),
            Generator::Manual => self.push(self.now, Event::Manual),
            Generator::Freeze => {
                let until = self.now + self.rng.wait(self.rates.freeze_for);
                self.push(self.now, Event::Freeze(until.min(self.heal_at)));
            }
        }
    }

    fn set_member(&mut self, s: usize, i: usize, j: usize, up: bool) {
        if self.up[s][i][j] == up {
            return;
        }
        let sip_before = self.sip_up(s);
        self.up[s][i][j] = up;
        if self.connected == Some(s) {
            let site = Name::from(SITES[s]);
            let (service, member) = (SERVICES[i], MEMBERS[j]);
            self.observe(Input::link(up, site, service, member));
        }
        // A SIP Server pair that dies loses its registrations; the phone
        // learns of it when it next re-registers, and registers again when
        // the server is back.
        if i == 0 && sip_before && !self.sip_up(s) && self.registered[s] {
            self.registered[s] = false;
            if self.phone_at == Some(s) {
                let site = Name::from(SITES[s]);
                let noticed = self.rng.between(SECOND, 30 * SECOND);
                self.later(noticed, Input::EndpointUnregistered { site });
            }
        }
        if i == 0
            && !sip_before
            && self.sip_up(s)
            && self.phone_at == Some(s)
            && !self.registered[s]
        {
            self.registered[s] = true;
            self.later(
                200,
                Input::EndpointRegistered {
                    site: Name::from(SITES[s]),
                },
            );
        }
    }
}

fn site_index(site: &str) -> usize {
    SITES
        .iter()
        .position(|s| *s == site)
        .expect("the engine names only the bundle's sites")
}

/// What a campaign did: engine calls, and outputs of each kind (switches by reason).
#[derive(Debug, Default)]
pub struct Totals {
    /// Engine calls made.
    pub calls: u64,
    /// Outputs by kind (`switched` split by reason).
    pub outputs: BTreeMap<String, u64>,
}

impl Totals {
    fn add(&mut self, run: &Run) {
        self.calls += run.calls;
        for emitted in &run.trace {
            let key = match &emitted.output {
                Output::Switched { reason, .. } => format!("switched ({})", reason.as_str()),
                other => other.type_name().to_owned(),
            };
            *self.outputs.entry(key).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Totals) {
        self.calls += other.calls;
        for (key, n) in other.outputs {
            *self.outputs.entry(key).or_default() += n;
        }
    }
}

/// Runs seeds `from..from + count` on `threads` threads; returns the failed runs and what the campaign did.
pub fn campaign(from: u64, count: u64, duration: Millis, threads: usize) -> (Vec<Run>, Totals) {
    let threads = threads.max(1) as u64;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut failed = Vec::new();
                    let mut totals = Totals::default();
                    let mut seed = from + t;
                    while seed < from + count {
                        let run = catch_unwind(AssertUnwindSafe(|| run(seed, duration)))
                            .unwrap_or_else(|panic| {
                                let message = panic
                                    .downcast_ref::<String>()
                                    .cloned()
                                    .or_else(|| {
                                        panic.downcast_ref::<&str>().map(|s| (*s).to_owned())
                                    })
                                    .unwrap_or_default();
                                panicked(seed, message)
                            });
                        totals.add(&run);
                        if run.failure.is_some() {
                            failed.push(run);
                        }
                        seed += threads;
                    }
                    (failed, totals)
                })
            })
            .collect();
        let mut failed = Vec::new();
        let mut totals = Totals::default();
        for handle in handles {
            let (f, t) = handle.join().expect("a simulation thread panicked");
            failed.extend(f);
            totals.merge(t);
        }
        failed.sort_by_key(|run| run.seed);
        (failed, totals)
    })
}

/// A run that panicked: the seed and the message.
fn panicked(seed: u64, message: String) -> Run {
    let mut rng = Rng::new(seed);
    let rates = Rates::draw(&mut rng);
    let bundle = bundle(&mut rng);
    let timing = Engine::new(bundle.clone(), seed)
        .ok()
        .and_then(|engine| engine.policy().map(|p| p.timing))
        .unwrap_or_default();
    Run {
        seed,
        rates,
        timing,
        bundle,
        trace: Vec::new(),
        steps: Vec::new(),
        calls: 0,
        failure: Some(format!("panicked: {message}")),
    }
}

/// One simulated hour, the length of a run in the test command.
pub const ONE_HOUR: Millis = HOUR;
