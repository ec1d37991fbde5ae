//! The invariants a simulation checks: safety after every engine call, the
//! notices a desktop UI relies on, and liveness once the world has healed.

use std::collections::BTreeMap;

use continuity_core::config::Timing;
use continuity_core::{Emitted, Engine, Input, Millis, Name, Output, Phase, Reason, Service};

use super::SERVICES;

/// Commands the engine may emit within one simulated second.
pub const COMMANDS_PER_SECOND: u32 = 24;

/// What the checker knows from the outputs (and the inputs) so far.
pub struct Checker {
    timing: Timing,
    sites: [Name; 2],
    /// Sites the desktop holds links to, from connect/disconnect.
    connected: Vec<Name>,
    /// Where the endpoint is meant to be registered, from register/unregister.
    registered_at: Option<Name>,
    /// The last phase_changed (phase, site).
    phase: Option<(Phase, Option<Name>)>,
    /// Announced pending switches not yet cancelled or carried out: reason -> (to, at).
    pending: BTreeMap<&'static str, (Name, Millis)>,
    /// When the current site was connected.
    connected_at: Millis,
    /// The site last left: when it was connected, and what the engine was told of it.
    left: (Millis, BTreeMap<(Service, bool), bool>, bool),
    /// Links and registration of the current site as the engine was told: (service, member) -> up.
    links: BTreeMap<(Service, bool), bool>,
    endpoint: bool,
    /// Commands in the current simulated second.
    second: Millis,
    commands: u32,
    /// When the engine asked for rechecks since the connect (a deadline re-armed then runs from one).
    rechecks: Vec<Millis>,
    /// (time, phase, site) of every phase change, for liveness.
    history: Vec<(Millis, Phase, Option<Name>)>,
}

impl Checker {
    /// A checker for an engine with `timing` on `sites` (preferred first).
    pub fn new(timing: Timing, sites: [Name; 2]) -> Checker {
        Checker {
            timing,
            sites,
            connected: Vec::new(),
            registered_at: None,
            phase: None,
            pending: BTreeMap::new(),
            connected_at: 0,
            left: (0, BTreeMap::new(), false),
            links: BTreeMap::new(),
            endpoint: false,
            second: 0,
            commands: 0,
            rechecks: Vec::new(),
            history: Vec::new(),
        }
    }

    /// An input the engine is about to take: what it is told of the current site.
    pub fn input(&mut self, input: &Input) {
        let current = self.connected.first();
        match input {
            Input::LinkUp {
                site,
                service,
                member,
            }
            | Input::LinkDown {
                site,
                service,
                member,
            } if Some(site) == current => {
                let up = matches!(input, Input::LinkUp { .. });
                self.links
                    .insert((*service, *member == continuity_core::Member::Primary), up);
            }
            Input::EndpointRegistered { site } if Some(site) == current => self.endpoint = true,
            Input::EndpointUnregistered { site } if Some(site) == current => self.endpoint = false,
            _ => {}
        }
    }

    /// One output, checked against what came before it.
    pub fn output(&mut self, emitted: &Emitted) -> Result<(), String> {
        let at = emitted.at;
        if emitted.output.is_command() {
            if at / 1000 != self.second {
                self.second = at / 1000;
                self.commands = 0;
            }
            self.commands += 1;
            if self.commands > COMMANDS_PER_SECOND {
                return Err(format!(
                    "at {at}: more than {COMMANDS_PER_SECOND} commands in one second (a tight loop)"
                ));
            }
        }
        match &emitted.output {
            Output::Connect { site } => {
                if !self.connected.is_empty() {
                    return Err(format!(
                        "at {at}: connect to {site} while connected to {}",
                        self.connected[0]
                    ));
                }
                self.connected.push(site.clone());
                self.connected_at = at;
                self.rechecks.clear();
                self.links.clear();
                self.endpoint = false;
            }
            Output::Disconnect { site } => {
                if self.connected.first() == Some(site) {
                    self.left = (
                        self.connected_at,
                        std::mem::take(&mut self.links),
                        self.endpoint,
                    );
                }
                self.connected.retain(|s| s != site);
            }
            Output::RegisterEndpoint { site } => {
                if let Some(other) = self.registered_at.as_ref().filter(|other| *other != site) {
                    return Err(format!(
                        "at {at}: register_endpoint at {site} while registered at {other}"
                    ));
                }
                self.registered_at = Some(site.clone());
            }
            Output::UnregisterEndpoint { site } if self.registered_at.as_ref() == Some(site) => {
                self.registered_at = None;
            }
            Output::SwitchoverPending {
                to,
                reason,
                at: due,
                ..
            } => {
                if *due < at {
                    return Err(format!(
                        "at {at}: switchover_pending due at {due}, in the past"
                    ));
                }
                // A failure deadline is the full timeout after the loss (plus
                // at most the failover spread), the connect's own deadline,
                // or a recheck's grace — never sooner.
                let t = self.timing;
                let timeout = match reason {
                    Reason::SiteTimeout => Some(t.site_timeout),
                    Reason::EndpointTimeout => Some(t.endpoint_timeout),
                    _ => None,
                };
                let after_recheck = self.rechecks.iter().any(|r| r + t.recheck_grace == *due);
                if let Some(timeout) = timeout
                    && !(at + timeout..=at + timeout + t.failover_spread).contains(due)
                    && !after_recheck
                    && *due != self.connected_at + timeout
                {
                    return Err(format!(
                        "at {at}: switchover_pending ({}) due at {due}: neither the timeout ({timeout} ms, plus the failover spread) after now, nor after the connect, nor a recheck's grace",
                        reason.as_str()
                    ));
                }
                self.pending.insert(reason.as_str(), (to.clone(), *due));
            }
            Output::SwitchoverCancelled { reason, .. }
                if self.pending.remove(reason.as_str()).is_none() =>
            {
                return Err(format!(
                    "at {at}: switchover_cancelled ({}) of nothing announced",
                    reason.as_str()
                ));
            }
            Output::Switched { from, to, reason } => self.switched(at, from, to, *reason)?,
            Output::Recheck { .. } => self.rechecks.push(at),
            Output::AllSitesDown { retry_at }
                if retry_at.saturating_sub(at) > self.timing.backoff_cap =>
            {
                return Err(format!(
                    "at {at}: all_sites_down retry at {retry_at}, past the backoff cap {}",
                    self.timing.backoff_cap
                ));
            }
            Output::PhaseChanged { phase, site, .. } => {
                if *phase == Phase::Stopped
                    || site.as_ref() != self.phase.as_ref().and_then(|(_, s)| s.as_ref())
                {
                    // A new site (or none) has no switch pending for it yet.
                    if site.as_ref() != self.connected.first() || site.is_none() {
                        self.pending.clear();
                    }
                }
                self.phase = Some((*phase, site.clone()));
                self.history.push((at, *phase, site.clone()));
            }
            _ => {}
        }
        Ok(())
    }

    /// Rule 3/4 checks on a switch: when, why, and announced.
    fn switched(
        &mut self,
        at: Millis,
        from: &Name,
        to: &Name,
        reason: Reason,
    ) -> Result<(), String> {
        let was_active = matches!(&self.phase, Some((Phase::Active, Some(site))) if site == from);
        let timeout = match reason {
            Reason::SiteTimeout => Some(self.timing.site_timeout),
            Reason::EndpointTimeout => Some(self.timing.endpoint_timeout),
            _ => None,
        };
        if let Some(timeout) = timeout {
            let name = reason.as_str();
            if was_active {
                // Announced, with the time it happens.
                match self.pending.get(name) {
                    Some((pending_to, due)) if pending_to == to && *due == at => {}
                    Some((pending_to, due)) => {
                        return Err(format!(
                            "at {at}: switched {from} => {to} ({name}) out of active, but the pending switch announced {pending_to} at {due}"
                        ));
                    }
                    None => {
                        return Err(format!(
                            "at {at}: switched {from} => {to} ({name}) out of active without a switchover_pending"
                        ));
                    }
                }
            }
            // The switch's commands have already moved the desktop: judge the site it left.
            let (connected_at, links, endpoint) = &self.left;
            if !was_active
                && at
                    < connected_at
                        + timeout
                            .min(self.timing.site_timeout)
                            .min(self.timing.endpoint_timeout)
            {
                return Err(format!(
                    "at {at}: switched {from} => {to} ({name}) {} ms after the connect, before any deadline",
                    at - connected_at
                ));
            }
            // Never away from a site the engine was told is healthy.
            let healthy = match reason {
                Reason::SiteTimeout => SERVICES.into_iter().all(|s| {
                    links.get(&(s, true)) == Some(&true) || links.get(&(s, false)) == Some(&true)
                }),
                _ => *endpoint,
            };
            if healthy {
                return Err(format!(
                    "at {at}: switched {from} => {to} ({name}) although {from} was reported healthy"
                ));
            }
        }
        self.pending.clear();
        Ok(())
    }

    /// After every engine call: status() agrees with the outputs so far.
    pub fn after_call(&mut self, engine: &Engine, what: &str) -> Result<(), String> {
        let status = engine.status();
        let now = engine.now();
        if let Some((phase, site)) = &self.phase {
            if status.phase != *phase || status.site.as_ref() != site.as_ref() {
                return Err(format!(
                    "at {now} after {what}: status() says {:?} on {:?}, the last phase_changed said {phase:?} on {site:?}",
                    status.phase, status.site
                ));
            }
        }
        if self.connected.len() > 1 {
            return Err(format!(
                "at {now} after {what}: connected to {:?} at once",
                self.connected
            ));
        }
        match &status.pending {
            Some(p) => {
                // While not active, the connect's own deadlines need no notice: the phase says it (rule 2).
                let connect_deadline = status.phase != Phase::Active
                    && p.reason != continuity_core::Reason::AutoRestore;
                if !connect_deadline
                    && !self
                        .pending
                        .values()
                        .any(|(to, due)| *to == p.to && *due == p.at)
                {
                    return Err(format!(
                        "at {now} after {what}: status() has a pending switch to {} at {} ({}) that no outstanding switchover_pending announced ({:?})",
                        p.to,
                        p.at,
                        p.reason.as_str(),
                        self.pending
                    ));
                }
            }
            None if status.phase == Phase::Active && !self.pending.is_empty() => {
                return Err(format!(
                    "at {now} after {what}: status() has nothing pending, but {:?} was announced and neither cancelled nor carried out",
                    self.pending
                ));
            }
            None => {}
        }
        Ok(())
    }

    /// Once the world has healed at `heal_at`, the desktop is active within
    /// the documented bound, and back on the preferred site (auto-restore on,
    /// not pinned) within hold-down + spread + probe interval + backoff cap
    /// after that.
    pub fn liveness(&self, engine: &Engine, heal_at: Millis, end: Millis) -> Result<(), String> {
        let t = self.timing;
        // Host delays: links and registration come within a few seconds (jitter up to 2 s).
        let slack = 5_000;
        let active_by = heal_at
            + 2 * t.backoff_cap
            + t.site_timeout.max(t.endpoint_timeout)
            + t.failover_spread
            + t.recheck_grace
            + slack;
        let became_active = self
            .history
            .iter()
            .filter(|(at, phase, _)| *phase == Phase::Active && *at <= active_by)
            .any(|(at, _, _)| *at >= heal_at)
            || self
                .history
                .iter()
                .rev()
                .find(|(at, _, _)| *at <= heal_at)
                .is_some_and(|(_, phase, _)| *phase == Phase::Active);
        if !became_active && end > active_by {
            return Err(format!(
                "liveness: the world healed at {heal_at}, the desktop was not active by {active_by}"
            ));
        }
        let policy = engine.policy().expect("a full bundle has a policy");
        let status = engine.status();
        let back_by =
            active_by + t.hold_down + t.restore_spread + t.probe_interval + t.backoff_cap + slack;
        if policy.auto_restore && !status.pinned && end > back_by {
            let preferred = &self.sites[0];
            let since = self
                .history
                .iter()
                .rev()
                .take_while(|(_, _, site)| site.as_ref() == Some(preferred))
                .last();
            match since {
                Some((at, _, _)) if *at <= back_by && status.phase == Phase::Active => {}
                _ => {
                    return Err(format!(
                        "liveness: the world healed at {heal_at}; the desktop should be back on {preferred} by {back_by}, it is {:?} on {:?} (since {:?})",
                        status.phase,
                        status.site,
                        since.map(|(at, _, _)| at)
                    ));
                }
            }
        }
        Ok(())
    }
}
