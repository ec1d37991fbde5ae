//! The sans-IO failover engine.

mod flow;
mod handled;
mod inputs;
#[cfg(feature = "planted-bugs")]
mod planted;
mod rng;
mod status;
mod timer;

use std::collections::VecDeque;

use crate::config::{
    self, BootstrapPlan, Bundle, Diagnostic, Local, ResolvedPolicy, Timing, Validated,
};
use crate::error::Error;
use crate::types::{Member, Millis, Name, Phase, Reason, Role, Service, ServiceSet};
use crate::vocab::{Emitted, Input, Output};

pub use handled::{Handled, Ignore};
#[cfg(feature = "planted-bugs")]
pub use planted::PlantedBug;
use rng::Rng;
pub use status::{Ignored, LinkState, NextTimer, PendingSwitch, ServiceStatus, Status};
pub use timer::TimerKind;
use timer::Timers;

/// The failover engine for one desktop.
///
/// The engine is a state machine with one owner and no callbacks. It never
/// reads a clock and never draws OS randomness: time is the host's monotonic
/// count of milliseconds, passed as `now` to every call, and randomness comes
/// from the seed given to [`Engine::new`]. The same bundle, seed and timed
/// inputs always produce the same outputs.
///
/// The methods fall into three groups:
///
/// - **`handle_*(…, now)`** feed it what happened: [`handle_input`] takes
///   any [`Input`]; each input also has a typed method
///   ([`handle_link_down`], …) that borrows names instead of taking them,
///   and [`handle_timeout`] tells it a deadline has come. Each input method
///   first handles the deadlines already due, then answers what became of
///   its input ([`Handled`]).
/// - **`poll_*`** take out what it decided: [`poll_output`] returns the
///   next [`Output`] with the time it was decided at ([`Emitted`]), until
///   there is none; [`poll_timeout`] returns when [`handle_timeout`] must
///   next be called.
/// - **getters** take `&self`: [`status`], [`phase`], [`next_timer`], [`now`].
///
/// After every `handle_*` call the host drains [`poll_output`], then asks
/// [`poll_timeout`] again. The crate docs show the run loop.
///
/// [`handle_input`]: Engine::handle_input
/// [`handle_link_down`]: Engine::handle_link_down
/// [`handle_timeout`]: Engine::handle_timeout
/// [`poll_output`]: Engine::poll_output
/// [`poll_timeout`]: Engine::poll_timeout
/// [`status`]: Engine::status
/// [`phase`]: Engine::phase
/// [`next_timer`]: Engine::next_timer
/// [`now`]: Engine::now
#[derive(Clone, Debug)]
pub struct Engine {
    /// The policy in force; `None` until a bootstrapping engine loads its configuration.
    policy: Option<ResolvedPolicy>,
    /// Set while the engine has only its local configuration.
    bootstrap: Option<BootstrapPlan>,
    /// The local configuration, merged under a bundle loaded at bootstrap.
    local: Local,
    warnings: Vec<Diagnostic>,
    state: State,
    timers: Timers,
    outputs: VecDeque<Emitted>,
    rng: Rng,
    now: Millis,
    /// Sites that failed in a row without becoming active (rule 5).
    failed_in_row: u8,
    /// Set by a manual switch, cleared by the next failure-driven one (rule 7).
    pinned: bool,
    interactions: Vec<Name>,
    ignored: Ignored,
    /// The (phase, site, role) last announced with `phase_changed`.
    announced: (Phase, Option<Name>, Option<Role>),
    /// A known bug planted for the simulation harness's self-test.
    #[cfg(feature = "planted-bugs")]
    planted: Option<PlantedBug>,
}

/// What the engine is doing; each state carries its own data.
#[derive(Clone, Debug)]
enum State {
    Idle,
    Bootstrapping(Bootstrap),
    Connected(Connection),
    /// All sites down, waiting out a backoff before the next attempt.
    Waiting {
        next: Role,
        all_down: AllDown,
    },
    Stopped,
}

#[derive(Clone, Copy, Debug)]
struct Bootstrap {
    /// Index into the plan's Configuration Server Proxies.
    index: usize,
    /// Completed rounds over every proxy.
    round: u32,
    /// Whether the current proxy's link is up (the host is reading the configuration).
    linked: bool,
    /// Whether the engine is waiting out a backoff between rounds.
    backing_off: bool,
}

#[derive(Clone, Debug)]
struct Connection {
    site: Role,
    /// When the connect was issued.
    since: Millis,
    /// Whether every trigger service has been up since the connect.
    active: bool,
    /// `[service][member]` link states.
    links: [[LinkState; 2]; 3],
    endpoint_registered: bool,
    /// Set while this connection is an attempt made with all sites down.
    all_down: Option<AllDown>,
    restore: RestoreProgress,
}

#[derive(Clone, Copy, Debug)]
struct AllDown {
    /// Failed attempts since all sites went down (drives the backoff).
    attempt: u32,
    /// The site being tried was reported up by a probe, so a report for the
    /// other site does not pull the desktop away from it.
    reported_up: bool,
}

/// Auto-restore progress while on the peer (rule 6).
#[derive(Clone, Copy, Debug, Default)]
struct RestoreProgress {
    /// A probe was emitted and not answered yet.
    probe_outstanding: bool,
    /// Since when the preferred site has answered every probe.
    healthy_since: Option<Millis>,
    /// The switchback fell due at this time but waits for interactions to end.
    due: Option<Millis>,
}

impl Connection {
    fn new(site: Role, now: Millis, all_down: Option<AllDown>) -> Connection {
        Connection {
            site,
            since: now,
            active: false,
            links: [[LinkState::Unknown; 2]; 3],
            endpoint_registered: false,
            all_down,
            restore: RestoreProgress::default(),
        }
    }

    fn service_up(&self, service: Service) -> bool {
        self.links[service.index()].contains(&LinkState::Up)
    }

    fn triggers_up(&self, triggers: ServiceSet) -> bool {
        triggers.iter().all(|s| self.service_up(s))
    }
}

/// Whether two site names are the same; the names the engine hands out (in
/// its outputs) compare by address first, without reading their bytes.
fn same_name(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

impl Engine {
    /// Creates an engine for one desktop, idle until [`handle_start`](Engine::handle_start).
    ///
    /// A bundle holding only the `local` section makes the engine bootstrap
    /// (rule 1); a full bundle is resolved and validated now.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] with the diagnostics when the bundle does not validate.
    pub fn new(bundle: Bundle, seed: u64) -> Result<Engine, Error> {
        let (policy, bootstrap, warnings) = if bundle.is_local_only() {
            let plan = config::bootstrap_plan(&bundle)
                .map_err(|diagnostics| Error::Invalid { diagnostics })?;
            (None, Some(plan), Vec::new())
        } else {
            let Validated { policy, warnings } =
                config::validate(&bundle).map_err(|diagnostics| Error::Invalid { diagnostics })?;
            (Some(policy), None, warnings)
        };
        Ok(Engine::idle(
            policy,
            bootstrap,
            bundle.local,
            warnings,
            seed,
        ))
    }

    /// An idle engine on a resolved configuration.
    fn idle(
        policy: Option<ResolvedPolicy>,
        bootstrap: Option<BootstrapPlan>,
        local: Local,
        warnings: Vec<Diagnostic>,
        seed: u64,
    ) -> Engine {
        Engine {
            policy,
            bootstrap,
            local,
            warnings,
            state: State::Idle,
            timers: Timers::default(),
            outputs: VecDeque::with_capacity(16),
            rng: Rng::new(seed),
            now: 0,
            failed_in_row: 0,
            pinned: false,
            interactions: Vec::with_capacity(4),
            ignored: Ignored::default(),
            announced: (Phase::Idle, None, None),
            #[cfg(feature = "planted-bugs")]
            planted: None,
        }
    }

    /// Another desktop on this engine's configuration: a new, idle engine
    /// with `seed`, as [`Engine::new`] would make it from the bundle that
    /// configured this one (or from the last `config_loaded` it applied),
    /// without reading and validating the bundle again. Nothing of this
    /// engine's state is carried over. A fleet of desktops is made this way.
    pub fn sibling(&self, seed: u64) -> Engine {
        Engine::idle(
            self.policy.clone(),
            self.bootstrap.clone(),
            self.local.clone(),
            self.warnings.clone(),
            seed,
        )
    }

    /// Plants a known bug, for the simulation harness's self-test only
    /// (feature `planted-bugs`).
    #[cfg(feature = "planted-bugs")]
    pub fn plant(&mut self, bug: PlantedBug) {
        self.planted = Some(bug);
    }

    /// Whether `bug` is planted.
    #[cfg(feature = "planted-bugs")]
    fn planted(&self, bug: PlantedBug) -> bool {
        self.planted == Some(bug)
    }

    /// Feeds any input; dispatches to the typed `handle_*` method.
    pub fn handle_input(&mut self, input: Input, now: Millis) -> Handled {
        match input {
            Input::Start => self.handle_start(now),
            Input::ConfigLoaded { bundle } => self.handle_config_loaded(*bundle, now),
            Input::LinkUp {
                site,
                service,
                member,
            } => self.handle_link_up(&site, service, member, now),
            Input::LinkDown {
                site,
                service,
                member,
            } => self.handle_link_down(&site, service, member, now),
            Input::EndpointRegistered { site } => self.handle_endpoint_registered(&site, now),
            Input::EndpointUnregistered { site } => self.handle_endpoint_unregistered(&site, now),
            Input::ProbeResult { site, ok } => self.handle_probe_result(&site, ok, now),
            Input::InteractionStarted { id } => self.handle_interaction_started(id, now),
            Input::InteractionEnded { id } => self.handle_interaction_ended(&id, now),
            Input::SwitchRequested { site } => self.handle_switch_requested(&site, now),
            Input::Resumed => self.handle_resumed(now),
            Input::Stop => self.handle_stop(now),
        }
    }

    /// `start`: bootstrap, or connect to the preferred site.
    pub fn handle_start(&mut self, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.start(now))
    }

    /// `config_loaded`: a configuration read from a Configuration Server (rules 1 and 12).
    ///
    /// A bundle that does not validate is still applied in the sense of
    /// [`Handled`]: the engine answers it with `config_error`.
    pub fn handle_config_loaded(&mut self, bundle: Bundle, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.config_loaded(bundle, now))
    }

    /// `link_up`: a connection to one member of a site's service came up.
    pub fn handle_link_up(
        &mut self,
        site: &str,
        service: Service,
        member: Member,
        now: Millis,
    ) -> Handled {
        self.accept(now, |engine, now| {
            engine.link(site, service, member, LinkState::Up, now)
        })
    }

    /// `link_down`: a connection to one member of a site's service went down.
    pub fn handle_link_down(
        &mut self,
        site: &str,
        service: Service,
        member: Member,
        now: Millis,
    ) -> Handled {
        self.accept(now, |engine, now| {
            engine.link(site, service, member, LinkState::Down, now)
        })
    }

    /// `endpoint_registered`: the SIP endpoint registered at `site`.
    pub fn handle_endpoint_registered(&mut self, site: &str, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.endpoint(site, true, now))
    }

    /// `endpoint_unregistered`: the SIP endpoint lost its registration at `site`.
    pub fn handle_endpoint_unregistered(&mut self, site: &str, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.endpoint(site, false, now))
    }

    /// `probe_result`: the answer to a `probe`.
    pub fn handle_probe_result(&mut self, site: &str, ok: bool, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.probe_result(site, ok, now))
    }

    /// `interaction_started`: a call or other interaction started.
    pub fn handle_interaction_started(&mut self, id: Name, now: Millis) -> Handled {
        self.accept(now, |engine, _| engine.interaction_started(id))
    }

    /// `interaction_ended`: an interaction ended; the last one may release a deferred switchback.
    pub fn handle_interaction_ended(&mut self, id: &str, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.interaction_ended(id, now))
    }

    /// `switch_requested`: switch to `site` now and pin the desktop there (rule 7).
    pub fn handle_switch_requested(&mut self, site: &str, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.switch_requested(site, now))
    }

    /// `resumed`: the host was frozen; recheck before acting on old evidence (rule 9).
    pub fn handle_resumed(&mut self, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.resumed(now))
    }

    /// `stop`: unregister, disconnect, and refuse every later input, `stop` included (rule 13).
    pub fn handle_stop(&mut self, now: Millis) -> Handled {
        self.accept(now, |engine, now| engine.stop(now))
    }

    /// Handles every deadline due at `now`. A call with nothing due changes nothing.
    ///
    /// Each deadline is handled at its own time when the call comes no more
    /// than the wake gap after it: its outputs carry that time, and the
    /// deadlines it arms count from it, so a late timer changes nothing. A
    /// switch deadline handled later than that is not acted on: the host was
    /// frozen, so the engine emits `recheck` and re-arms it at `now` +
    /// recheck grace (rule 9); other deadlines that late are handled at `now`.
    ///
    /// Every `handle_*` method does the same before it takes its input, so a
    /// host never needs to call this before an input.
    pub fn handle_timeout(&mut self, now: Millis) {
        self.catch_up(now);
    }

    /// The next output with the engine time it was decided at, or `None`
    /// when all have been taken.
    ///
    /// The time is the `now` of the call that emitted it, or the deadline's
    /// own time for a deadline handled late (see [`Engine::handle_timeout`]):
    /// outputs come out in time order, and never later than [`Engine::now`].
    pub fn poll_output(&mut self) -> Option<Emitted> {
        self.outputs.pop_front()
    }

    /// How many outputs are waiting to be polled.
    pub fn pending_outputs(&self) -> usize {
        self.outputs.len()
    }

    /// When [`handle_timeout`](Engine::handle_timeout) must next be called.
    ///
    /// While outputs are waiting to be polled this answers the current time,
    /// so a host that forgot to drain them is not put to sleep. After a
    /// deadline is handled it always moves past it.
    pub fn poll_timeout(&self) -> Option<Millis> {
        if !self.outputs.is_empty() {
            return Some(self.now);
        }
        self.timers.next().map(|(at, _)| at)
    }

    /// The next deadline and what it is for.
    pub fn next_timer(&self) -> Option<NextTimer> {
        self.timers
            .next()
            .map(|(at, timer)| NextTimer { at, timer })
    }

    /// The latest time the engine has seen.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// The current phase.
    pub fn phase(&self) -> Phase {
        match &self.state {
            State::Idle => Phase::Idle,
            State::Bootstrapping(_) => Phase::Bootstrapping,
            State::Connected(conn) if conn.all_down.is_some() => Phase::AllSitesDown,
            State::Connected(conn) if conn.active => Phase::Active,
            State::Connected(_) => Phase::Connecting,
            State::Waiting { .. } => Phase::AllSitesDown,
            State::Stopped => Phase::Stopped,
        }
    }

    /// The policy in force, if the configuration has been loaded.
    pub fn policy(&self) -> Option<&ResolvedPolicy> {
        self.policy.as_ref()
    }

    /// Warnings found when the policy in force was validated.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Whether `site` names a site of this engine: one of the policy in
    /// force or, while bootstrapping, one of the Configuration Server Proxy
    /// sites. Inputs naming any other site are ignored as unknown.
    pub fn knows_site(&self, site: &str) -> bool {
        self.role_of(site).is_some()
            || self
                .bootstrap
                .as_ref()
                .is_some_and(|p| p.config_servers.iter().any(|(s, _)| &**s == site))
    }

    /// Counters of inputs that changed nothing.
    pub fn ignored(&self) -> Ignored {
        self.ignored
    }

    /// A snapshot of everything the engine knows.
    pub fn status(&self) -> Status {
        let connection = match &self.state {
            State::Connected(conn) => Some(conn),
            _ => None,
        };
        let triggers = self
            .policy
            .as_ref()
            .map_or(ServiceSet::EMPTY, |p| p.triggers);
        let services = Service::ALL
            .into_iter()
            .map(|service| {
                let [primary, backup] =
                    connection.map_or([LinkState::Unknown; 2], |c| c.links[service.index()]);
                ServiceStatus {
                    service,
                    primary,
                    backup,
                    up: connection.is_some_and(|c| c.service_up(service)),
                    trigger: triggers.contains(service),
                }
            })
            .collect();
        let site = self.current_site();
        Status {
            phase: self.phase(),
            site: site.map(|s| self.site_name(s)),
            role: site,
            connected_since: connection.map(|c| c.since),
            pending: self.pending_switch(),
            services,
            endpoint_registered: connection.is_some_and(|c| c.endpoint_registered),
            interactions: self.interactions.clone(),
            pinned: self.pinned,
            next_timer: self.next_timer(),
            ignored: self.ignored,
        }
    }

    fn pending_switch(&self) -> Option<PendingSwitch> {
        let State::Connected(conn) = &self.state else {
            return None;
        };
        let other = self.other(conn.site)?;
        let failure = [TimerKind::SiteTimeout, TimerKind::EndpointTimeout]
            .into_iter()
            .filter_map(|kind| Some((self.timers.get(kind)?.at, kind.switch_reason()?)))
            .min_by_key(|&(at, _)| at);
        if let Some((at, reason)) = failure {
            return Some(PendingSwitch {
                to: self.site_name(other),
                at,
                reason,
            });
        }
        let restore_at = self
            .timers
            .get(TimerKind::Restore)
            .map(|d| d.at)
            .or(conn.restore.due)?;
        Some(PendingSwitch {
            to: self.site_name(Role::Preferred),
            at: restore_at,
            reason: Reason::AutoRestore,
        })
    }

    // ---- small helpers shared by the handlers and the flow ----

    /// Handles every deadline due at or before `now` (see
    /// [`Engine::handle_timeout`]), then moves engine time to `now`; time
    /// that goes backwards counts as the last time seen. Answers the time
    /// the caller acts at.
    fn catch_up(&mut self, now: Millis) -> Millis {
        let now = now.max(self.now);
        // Most inputs find nothing due: one pass over the timer table.
        if self.timers.next().is_some_and(|(at, _)| at <= now) {
            self.handle_due(now);
        }
        self.now = now;
        now
    }

    /// Handles the deadlines due at `now`, each at its own time or, later
    /// than the wake gap, as a frozen host's (rule 9).
    fn handle_due(&mut self, now: Millis) {
        let wake_gap = self.timing().wake_gap;
        let mut rechecked = false;
        // Each pass takes one deadline out of the table. A periodic deadline
        // handled at its own time can fall due again within the same call
        // (at most wake gap / interval times); the bound keeps a pathological
        // configuration from spinning, and whatever it leaves stays due, so
        // `poll_timeout` asks for another call at once.
        for _ in 0..64 {
            // Deadlines only a little late come first, each at its own time;
            // the stale ones (handled at `now`) after them, so that time
            // never runs backwards between two deadlines of one call.
            let fresh = self
                .timers
                .next_since(now.saturating_sub(wake_gap))
                .filter(|(at, _)| *at <= now);
            let Some((at, kind)) = fresh.or_else(|| self.timers.next()) else {
                break;
            };
            if at > now {
                break;
            }
            let Some(deadline) = self.timers.take(kind) else {
                break;
            };
            let stale = now - deadline.at > wake_gap;
            // On time or a little late: at its own time, so a late timer
            // changes nothing. Later than the wake gap: the host was frozen.
            self.now = if stale {
                now
            } else {
                deadline.at.max(self.now)
            };
            if stale && kind.switches() {
                let grace = now.saturating_add(self.timing().recheck_grace);
                if !rechecked {
                    rechecked = true;
                    if let Some(site) = self.current_site() {
                        self.emit(Output::Recheck {
                            site: self.site_name(site),
                        });
                    }
                }
                // An announced switch keeps its notice true: its new time is
                // announced (after the recheck, a command).
                if deadline.announced {
                    self.pend(kind, grace);
                } else {
                    self.timers.arm(kind, grace, false);
                }
                continue;
            }
            self.fire(kind, deadline.at, self.now);
            self.settle(self.now);
        }
    }

    /// Every input's way in: catches up on due deadlines (see
    /// [`Engine::catch_up`]), then applies the input at `now` — or refuses
    /// it once the engine is stopped.
    fn accept(
        &mut self,
        now: Millis,
        apply: impl FnOnce(&mut Engine, Millis) -> Handled,
    ) -> Handled {
        let now = self.catch_up(now);
        if matches!(self.state, State::Stopped) {
            self.ignored.out_of_phase += 1;
            return Handled::Refused;
        }
        apply(self, now)
    }

    fn timing(&self) -> Timing {
        match (&self.policy, &self.bootstrap) {
            (Some(policy), _) => policy.timing,
            (None, Some(plan)) => plan.timing,
            (None, None) => Timing::default(),
        }
    }

    fn enabled(&self) -> bool {
        self.policy.as_ref().is_some_and(|p| p.enabled)
    }

    fn role_of(&self, site: &str) -> Option<Role> {
        let policy = self.policy.as_ref()?;
        let same = |name: &str| same_name(name, site);
        if same(&policy.preferred) {
            Some(Role::Preferred)
        } else if policy.peer.as_deref().is_some_and(same) {
            Some(Role::Peer)
        } else {
            None
        }
    }

    /// The name of the site playing `role`.
    ///
    /// Only called for roles the policy has: the preferred site always, the
    /// peer only through [`Engine::other`], which checks it exists.
    /// The name of the site in `role`, borrowed ("" without a policy).
    fn site_name_ref(&self, role: Role) -> &str {
        let Some(policy) = &self.policy else {
            return "";
        };
        match role {
            Role::Preferred => &policy.preferred,
            Role::Peer => policy.peer.as_deref().unwrap_or(&policy.preferred),
        }
    }

    fn site_name(&self, role: Role) -> Name {
        let Some(policy) = &self.policy else {
            return Name::from("");
        };
        match role {
            Role::Preferred => policy.preferred.clone(),
            Role::Peer => policy
                .peer
                .clone()
                .unwrap_or_else(|| policy.preferred.clone()),
        }
    }

    /// The other site, if the policy has two.
    fn other(&self, role: Role) -> Option<Role> {
        let policy = self.policy.as_ref()?;
        policy.peer.as_ref()?;
        Some(match role {
            Role::Preferred => Role::Peer,
            Role::Peer => Role::Preferred,
        })
    }

    fn current_site(&self) -> Option<Role> {
        match &self.state {
            State::Connected(conn) => Some(conn.site),
            _ => None,
        }
    }

    fn emit(&mut self, output: Output) {
        self.outputs.push_back(Emitted {
            at: self.now,
            output,
        });
    }

    /// Counts an input that changed nothing and says why.
    fn ignore(&mut self, why: Ignore) -> Handled {
        let counter = match why {
            Ignore::Duplicate => &mut self.ignored.duplicate,
            Ignore::Unknown => &mut self.ignored.unknown,
            Ignore::OutOfPhase => &mut self.ignored.out_of_phase,
        };
        *counter += 1;
        Handled::Ignored(why)
    }
}

#[cfg(test)]
mod tests;
