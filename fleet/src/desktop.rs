//! One desktop of the fleet: a real engine and a host that answers its
//! commands as the two sites' servers would.

use continuity_core::config::{Dialect, Timing, options, site_of_server};
use continuity_core::{
    Bundle, Diagnostic, Emitted, Engine, Member, Millis, Name, Output, Phase, Service, validate,
};

use crate::config::{Detection, FleetConfig, FleetError};
use crate::rng::{desktop_seed, mix, up_to};
use crate::tally::Tally;

/// The detection window when neither the run nor the bundle sets one.
const DEFAULT_DETECTION: Millis = 20_000;

/// From a connect to the answer on its links, at a live site or a dead one.
const LINK_DELAY: Millis = 50;
/// From a REGISTER to its 200 OK.
const REGISTER_DELAY: Millis = 200;
/// From a probe to its answer.
const PROBE_DELAY: Millis = 50;

/// N desktops of one bundle, ready to simulate.
///
/// **The world.** Two sites; the lost site (index 0 in a [`Tally`]) dies at
/// `loss_at` and comes back at `return_at`, the other site (index 1) never
/// fails. Every desktop starts at 0 on its preferred site.
///
/// **Each desktop's host** carries out its engine's commands and reports
/// the truth, with fixed delays: a `connect` brings the site's six links up
/// 50 ms later when the site is alive, or reports them down; a
/// `register_endpoint` at a live site is answered `endpoint_registered`
/// 200 ms later (at a dead site, never); a `probe` is answered 50 ms later
/// with whether the site was alive. A desktop connected to the lost site
/// notices its loss after its own delay, drawn uniformly from `[0, window]`
/// (the detection window): all six links report down then. The phone's own
/// registration loss is not reported — it learns of it when the desktop
/// switches, as the engine's site timeout assumes. A desktop still connected
/// to the lost site when it returns sees its links come back after the same
/// delay. There are no calls and no frozen hosts.
///
/// **What is counted**, per second and per site: the `connect`s and the
/// REGISTER requests (registrations and un-registrations) that reach a live
/// site. Requests sent at time 0 — every desktop's start-up — are not
/// counted: the fleet is taken to be in service when the run begins.
/// REGISTER refreshes are not simulated.
#[derive(Clone, Debug)]
pub struct Fleet {
    pub(crate) config: FleetConfig,
    /// The desktops' bundle, with the run's spreads.
    desktop_bundle: Bundle,
    /// The lost site, then the other one.
    pub(crate) sites: [Name; 2],
    pub(crate) detection: Millis,
    pub(crate) detection_source: Detection,
    pub(crate) timing: Timing,
    pub(crate) warnings: Vec<Diagnostic>,
    /// The bundle as given, for runs with other spreads.
    bundle: Bundle,
}

impl Fleet {
    /// Prepares a fleet of `bundle`'s desktops.
    ///
    /// The spreads of `config`, when set, replace the bundle's (on the
    /// person, its most specific layer), and the bundle is validated with
    /// them: a spread longer than its timeout is a warning in
    /// [`Report::warnings`](crate::Report::warnings).
    ///
    /// # Errors
    ///
    /// [`FleetError::Config`] for a run out of range, [`FleetError::Invalid`]
    /// for a bundle that does not validate, [`FleetError::Bundle`] for one
    /// that holds only local configuration, has Business Continuity off, or
    /// does not name the lost site.
    pub fn new(mut bundle: Bundle, config: FleetConfig) -> Result<Fleet, FleetError> {
        config.check()?;
        if bundle.is_local_only() {
            return Err(FleetError::Bundle {
                message: "this bundle holds only the local configuration (the desktop would bootstrap from a Configuration Server, which the fleet does not simulate): give the full bundle, as `continuity validate` checks it".to_owned(),
            });
        }
        let given = bundle.clone();
        let invalid = |diagnostics| FleetError::Invalid { diagnostics };
        let dialect = validate(&bundle).map_err(invalid)?.policy.dialect;
        override_spreads(&mut bundle, dialect, &config);
        let validated = validate(&bundle).map_err(invalid)?;
        let policy = &validated.policy;
        let Some(peer) = policy.peer.clone().filter(|_| policy.enabled) else {
            return Err(FleetError::Bundle {
                message: "Business Continuity is off in this bundle, so no desktop would ever switch: turn `disaster-recovery.enabled` on (or set `site-2`)".to_owned(),
            });
        };
        let preferred = policy.preferred.clone();
        let sites = match config.lost_site.as_deref() {
            None => [preferred, peer],
            Some(site) if site == &*preferred => [preferred, peer],
            Some(site) if site == &*peer => [peer, preferred],
            Some(site) => {
                return Err(FleetError::Config {
                    field: "lost_site".to_owned(),
                    message: format!(
                        "`{site}` is not one of the bundle's Business Continuity sites: lose `{preferred}` or `{peer}`"
                    ),
                });
            }
        };
        let (detection, detection_source) = match config.detection_ms {
            Some(window) => (window, Detection::Given),
            None => match addp_timeout(&bundle, &sites[0]) {
                Some(window) => (window, Detection::Addp),
                None => (DEFAULT_DETECTION, Detection::Default),
            },
        };
        let timing = policy.timing;
        let warnings = validated.warnings;
        Ok(Fleet {
            config,
            desktop_bundle: bundle,
            sites,
            detection,
            detection_source,
            timing,
            warnings,
            bundle: given,
        })
    }

    /// The same bundle with another run (for the capacity plan's runs).
    pub(crate) fn new_like(fleet: &Fleet, config: FleetConfig) -> Result<Fleet, FleetError> {
        Fleet::new(fleet.bundle.clone(), config)
    }

    /// The run this fleet simulates.
    pub fn config(&self) -> &FleetConfig {
        &self.config
    }

    /// Simulates desktops `desktops` (indices from 0 to the fleet's size;
    /// indices past it are skipped) and counts what they send.
    pub fn run(&self, desktops: std::ops::Range<u32>) -> Tally {
        let mut tally = Tally::new(self.seconds());
        // A template of this call's own (its site names are not shared with
        // other threads' engines: no reference counts bounce between cores).
        // `new` validated the bundle, so the engine is made.
        let Ok(template) = Engine::new(self.desktop_bundle.clone(), 0) else {
            return tally;
        };
        // The engines' own site names, lost site first: handing them back
        // with inputs, and finding them in outputs, compares pointers, not bytes.
        let names = self.sites.clone().map(|site| {
            let policy = template.policy();
            [
                policy.map(|p| &p.preferred),
                policy.and_then(|p| p.peer.as_ref()),
            ]
            .into_iter()
            .flatten()
            .find(|name| ***name == *site)
            .cloned()
            .unwrap_or(site)
        });
        for index in desktops.start..desktops.end.min(self.config.desktops) {
            Desktop::new(self, &template, &names, index).run(&mut tally);
        }
        tally
    }

    /// The number of whole or part seconds the run lasts.
    pub(crate) fn seconds(&self) -> usize {
        usize::try_from(self.config.until_ms.div_ceil(1000)).unwrap_or(usize::MAX)
    }

    fn alive(&self, site: usize, at: Millis) -> bool {
        site != 0
            || at < self.config.loss_at_ms
            || self.config.return_at_ms.is_some_and(|back| at >= back)
    }
}

/// Writes the run's spreads over the bundle's, on the person.
fn override_spreads(bundle: &mut Bundle, dialect: Dialect, config: &FleetConfig) {
    let section = match dialect {
        Dialect::Workspace => options::WORKSPACE_SECTION,
        Dialect::AgentDesktop => options::AGENT_DESKTOP_SECTION,
    };
    let person = bundle
        .person
        .get_or_insert_with(|| continuity_core::config::ConfigObject {
            name: "fleet".to_owned(),
            ..Default::default()
        });
    for (option, spread) in [
        (options::FAILOVER_SPREAD, config.failover_spread_ms),
        (options::RESTORE_SPREAD, config.restore_spread_ms),
    ] {
        if let Some(ms) = spread {
            person
                .options
                .entry(section.to_owned())
                .or_default()
                .insert(
                    option.to_owned(),
                    continuity_core::config::OptionValue((ms / 1000).to_string()),
                );
        }
    }
}

/// The ADDP timeout of a desktop application's connection to `site`'s SIP Server.
fn addp_timeout(bundle: &Bundle, site: &str) -> Option<Millis> {
    bundle
        .desktop_applications
        .iter()
        .flat_map(|app| &app.connections)
        .find_map(|connection| {
            let server = bundle
                .servers
                .iter()
                .find(|s| s.name == connection.server)?;
            let at_site = site_of_server(bundle, server).is_some_and(|s| s == site);
            if server.kind != Service::SipServer || !at_site {
                return None;
            }
            let seconds: u64 = connection
                .addp_timeout
                .as_ref()?
                .as_str()
                .trim()
                .parse()
                .ok()?;
            Some(seconds * 1000)
        })
}

/// Something the host will report to its engine.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Event {
    /// The links of a site the desktop connected to: up if it is alive.
    Links(usize),
    /// The REGISTER at a site is answered.
    Registered(usize),
    /// A probe of a site is answered.
    Probe(usize, bool),
    /// The desktop notices the lost site is gone.
    NoticeLoss,
    /// The desktop notices the lost site is back.
    NoticeReturn,
}

/// One desktop: its engine, its host's view, and what it has done.
struct Desktop<'a> {
    fleet: &'a Fleet,
    /// The engine's names of the lost site and the other one.
    names: &'a [Name; 2],
    engine: Engine,
    /// Scheduled reports, in no order: (time, sequence, event).
    events: Vec<(Millis, u32, Event)>,
    sequence: u32,
    /// The site the host is connected to, and whether its links are up.
    connected: Option<usize>,
    links_up: bool,
    switched_at: Option<Millis>,
    back_at: Option<Millis>,
}

impl<'a> Desktop<'a> {
    fn new(fleet: &'a Fleet, template: &Engine, names: &'a [Name; 2], index: u32) -> Desktop<'a> {
        let seed = desktop_seed(fleet.config.seed, index);
        let detect = up_to(mix(seed ^ 0xD1B5_4A32_D192_ED03), fleet.detection);
        let mut desktop = Desktop {
            fleet,
            names,
            engine: template.sibling(seed),
            events: Vec::with_capacity(8),
            sequence: 0,
            connected: None,
            links_up: false,
            switched_at: None,
            back_at: None,
        };
        desktop.schedule(fleet.config.loss_at_ms + detect, Event::NoticeLoss);
        if let Some(back) = fleet.config.return_at_ms {
            desktop.schedule(back + detect, Event::NoticeReturn);
        }
        desktop
    }

    fn schedule(&mut self, at: Millis, event: Event) {
        self.sequence += 1;
        self.events.push((at, self.sequence, event));
    }

    /// The earliest scheduled event (first scheduled among equals).
    fn next_event(&self) -> Option<(usize, Millis)> {
        self.events
            .iter()
            .enumerate()
            .min_by_key(|(_, (at, seq, _))| (*at, *seq))
            .map(|(i, (at, _, _))| (i, *at))
    }

    // Not inlined: a WebAssembly engine moves a function to its optimizing
    // tier between two calls, never inside one, so the desktop loop must be
    // a function of its own that is called once per desktop (measured in
    // Node 20: inlined into one long call, the fleet ran 25% slower).
    // scripts/build-wasm.sh names it so that wasm-opt keeps it too.
    #[inline(never)]
    fn run(mut self, tally: &mut Tally) {
        let until = self.fleet.config.until_ms;
        self.engine.handle_start(0);
        self.drain(tally);
        loop {
            let timer = self.engine.poll_timeout();
            let event = self.next_event();
            match (event, timer) {
                (Some((i, at)), timer) if at <= until && timer.is_none_or(|t| at <= t) => {
                    let (_, _, event) = self.events.swap_remove(i);
                    self.report(event, at);
                }
                (_, Some(t)) if t <= until => self.engine.handle_timeout(t),
                _ => break,
            }
            self.drain(tally);
        }
        let config = &self.fleet.config;
        let active = self.engine.phase() == Phase::Active;
        tally.desktop_done(
            self.switched_at.map(|at| (at, config.loss_at_ms)),
            self.back_at.zip(config.return_at_ms),
            active,
            self.connected,
        );
    }

    /// Carries out every command the engine has emitted.
    fn drain(&mut self, tally: &mut Tally) {
        while let Some(Emitted { at, output }) = self.engine.poll_output() {
            self.command(at, output, tally);
        }
    }

    fn site(&self, name: &str) -> Option<usize> {
        let names = self.names;
        names
            .iter()
            .position(|n| std::ptr::eq(&**n, name))
            .or_else(|| names.iter().position(|n| &**n == name))
    }

    fn command(&mut self, at: Millis, output: Output, tally: &mut Tally) {
        let fleet = self.fleet;
        match output {
            Output::Connect { site } => {
                let Some(site) = self.site(&site) else { return };
                self.connected = Some(site);
                self.links_up = false;
                if fleet.alive(site, at) {
                    tally.connect(site, at);
                }
                self.schedule(at + LINK_DELAY, Event::Links(site));
            }
            Output::Disconnect { site } if self.connected == self.site(&site) => {
                self.connected = None;
                self.links_up = false;
            }
            Output::RegisterEndpoint { site } => {
                let Some(site) = self.site(&site) else { return };
                if fleet.alive(site, at) {
                    tally.register(site, at);
                    self.schedule(at + REGISTER_DELAY, Event::Registered(site));
                }
            }
            Output::UnregisterEndpoint { site } => {
                if let Some(site) = self.site(&site)
                    && fleet.alive(site, at)
                {
                    tally.register(site, at);
                }
            }
            Output::Probe { site } => {
                let Some(site) = self.site(&site) else { return };
                self.schedule(at + PROBE_DELAY, Event::Probe(site, fleet.alive(site, at)));
            }
            Output::Recheck { site } => {
                if let Some(site) = self.site(&site) {
                    self.schedule(at + LINK_DELAY, Event::Links(site));
                }
            }
            Output::Switched { from, to, .. } => {
                if self.site(&from) == Some(0)
                    && self.switched_at.is_none()
                    && at >= fleet.config.loss_at_ms
                {
                    self.switched_at = Some(at);
                }
                if self.site(&to) == Some(0)
                    && self.back_at.is_none()
                    && fleet.config.return_at_ms.is_some_and(|back| at >= back)
                {
                    self.back_at = Some(at);
                }
            }
            _ => {}
        }
    }

    /// Reports one event to the engine at `now`.
    fn report(&mut self, event: Event, now: Millis) {
        match event {
            Event::Links(site) if self.connected == Some(site) => {
                self.set_links(site, self.fleet.alive(site, now), now);
            }
            Event::Registered(site) if self.connected == Some(site) => {
                let fleet = self.fleet;
                if fleet.alive(site, now) {
                    self.engine
                        .handle_endpoint_registered(&fleet.sites[site], now);
                }
            }
            Event::Probe(site, ok) => {
                self.engine.handle_probe_result(&self.names[site], ok, now);
            }
            Event::NoticeLoss if self.connected == Some(0) && self.links_up => {
                self.set_links(0, false, now);
            }
            Event::NoticeReturn if self.connected == Some(0) && !self.links_up => {
                self.set_links(0, true, now);
            }
            _ => {}
        }
    }

    /// Reports every link of `site` up or down.
    fn set_links(&mut self, site: usize, up: bool, now: Millis) {
        self.links_up = up;
        let name: &str = &self.names[site];
        for service in Service::ALL {
            for member in Member::ALL {
                if up {
                    self.engine.handle_link_up(name, service, member, now);
                } else {
                    self.engine.handle_link_down(name, service, member, now);
                }
            }
        }
    }
}
