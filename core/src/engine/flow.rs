//! The rules of DESIGN §4.3 as transitions: connect, switch, reconcile, restore, all-down, bootstrap.

use super::{AllDown, Bootstrap, Connection, Engine, Handled, Ignore, LinkState, State, TimerKind};
use crate::config::{Diagnostic, ResolvedPolicy, Timing};
use crate::types::{Member, Millis, Reason, Role, Service};
use crate::vocab::Output;

/// The all-sites-down backoff window before attempt `attempt` (full jitter draws from `[0, window)`).
fn backoff_window(timing: &Timing, attempt: u32) -> Millis {
    let factor = 1u64.checked_shl(attempt.min(40)).unwrap_or(u64::MAX);
    timing
        .backoff_base
        .saturating_mul(factor)
        .min(timing.backoff_cap)
}

impl Engine {
    /// After any change: bring deadlines in line with the state, then announce a new phase.
    pub(super) fn settle(&mut self, now: Millis) {
        self.reconcile(now);
        self.announce_running_deadlines();
        self.announce_phase();
    }

    /// Rule 2: once the site is active, a switch deadline still running from
    /// the connect (the endpoint's registration, typically) is announced, so
    /// that no switch out of `active` comes without warning. Before
    /// `phase_changed`, which comes last of an input's outputs.
    fn announce_running_deadlines(&mut self) {
        let State::Connected(conn) = &self.state else {
            return;
        };
        if !conn.active {
            return;
        }
        for kind in [TimerKind::SiteTimeout, TimerKind::EndpointTimeout] {
            if let Some(deadline) = self.timers.get(kind)
                && !deadline.announced
            {
                self.pend(kind, deadline.at);
            }
        }
    }

    /// Rule 2: connect to `site`, with fresh deadlines.
    pub(super) fn connect(&mut self, site: Role, now: Millis, all_down: Option<AllDown>) {
        let name = self.site_name(site);
        self.emit(Output::Connect { site: name.clone() });
        self.emit(Output::RegisterEndpoint { site: name });
        if all_down.is_none() {
            self.timers.take(TimerKind::DownProbe);
        }
        self.state = State::Connected(Connection::new(site, now, all_down));
        self.timers.take(TimerKind::Retry);
        if self.enabled() {
            let timing = self.timing();
            self.timers.arm(
                TimerKind::SiteTimeout,
                now.saturating_add(timing.site_timeout),
                false,
            );
            self.timers.arm(
                TimerKind::EndpointTimeout,
                now.saturating_add(timing.endpoint_timeout),
                false,
            );
        }
    }

    /// Unregisters from and disconnects `site`, dropping its deadlines.
    pub(super) fn leave(&mut self, site: Role) {
        let name = self.site_name(site);
        self.emit(Output::UnregisterEndpoint { site: name.clone() });
        self.emit(Output::Disconnect { site: name });
        for kind in [
            TimerKind::SiteTimeout,
            TimerKind::EndpointTimeout,
            TimerKind::Restore,
            TimerKind::HoldDown,
            TimerKind::RestoreProbe,
        ] {
            self.timers.take(kind);
        }
    }

    /// Rule 4: switch from the current site to `to`.
    pub(super) fn switch(
        &mut self,
        to: Role,
        reason: Reason,
        all_down: Option<AllDown>,
        now: Millis,
    ) {
        let Some(from) = self.current_site() else {
            return;
        };
        #[cfg(feature = "planted-bugs")]
        if self.planted(super::PlantedBug::DoubleConnect) {
            self.connect(to, now, all_down);
            self.leave(from);
            self.emit(Output::Switched {
                from: self.site_name(from),
                to: self.site_name(to),
                reason,
            });
            return;
        }
        self.leave(from);
        self.connect(to, now, all_down);
        self.emit(Output::Switched {
            from: self.site_name(from),
            to: self.site_name(to),
            reason,
        });
    }

    /// Brings the deadlines of the current connection in line with what is known (rules 2, 3, 6, 8, 12).
    fn reconcile(&mut self, now: Millis) {
        let Some(policy) = &self.policy else {
            return;
        };
        let (enabled, triggers, timing) = (policy.enabled, policy.triggers, policy.timing);
        let restore_allowed = enabled && policy.auto_restore && !self.pinned;
        let State::Connected(conn) = &mut self.state else {
            return;
        };
        let up = conn.triggers_up(triggers);
        let became_active = up && !conn.active;
        if became_active {
            conn.active = true;
            conn.all_down = None;
        }
        let (site, active, registered) = (conn.site, conn.active, conn.endpoint_registered);
        let on_peer = active && site == Role::Peer;
        if became_active {
            self.failed_in_row = 0;
            // The connect deadline was never announced; all-sites-down is over.
            for kind in [
                TimerKind::SiteTimeout,
                TimerKind::Retry,
                TimerKind::DownProbe,
            ] {
                self.timers.take(kind);
            }
        }
        if !enabled {
            self.cancel(TimerKind::SiteTimeout);
            self.cancel(TimerKind::EndpointTimeout);
            self.stop_restore();
            return;
        }
        let site_deadline = self.timers.is_armed(TimerKind::SiteTimeout);
        match (up, site_deadline) {
            (false, false) if active => {
                let at = self.failover_at(now, timing.site_timeout);
                self.pend(TimerKind::SiteTimeout, at);
            }
            // Business Continuity was just enabled while connecting.
            (false, false) => self.timers.arm(
                TimerKind::SiteTimeout,
                now.saturating_add(timing.site_timeout),
                false,
            ),
            (true, true) => self.cancel(TimerKind::SiteTimeout),
            _ => {}
        }
        match (registered, self.timers.is_armed(TimerKind::EndpointTimeout)) {
            (false, false) => {
                let at = self.failover_at(now, timing.endpoint_timeout);
                self.pend(TimerKind::EndpointTimeout, at);
            }
            (true, true) => self.cancel(TimerKind::EndpointTimeout),
            _ => {}
        }
        if on_peer && restore_allowed {
            if !self.timers.is_armed(TimerKind::RestoreProbe) {
                self.timers.arm(
                    TimerKind::RestoreProbe,
                    now.saturating_add(timing.probe_interval),
                    false,
                );
            }
        } else {
            self.stop_restore();
        }
    }

    /// Rule 3: when a loss at `now` falls due — after `timeout`, plus a draw
    /// from `[0, failover-spread]` so that the desktops of a lost site do not
    /// all arrive at the other one in the same second. With no spread
    /// nothing is drawn, so the seed's later draws are unchanged.
    fn failover_at(&mut self, now: Millis, timeout: Millis) -> Millis {
        let spread = self.timing().failover_spread;
        let extra = if spread == 0 {
            0
        } else {
            self.rng.below(spread.saturating_add(1))
        };
        now.saturating_add(timeout).saturating_add(extra)
    }

    /// Arms a switch deadline and announces it with `switchover_pending`
    /// (also to announce the new time of one moved by a recheck).
    pub(super) fn pend(&mut self, kind: TimerKind, at: Millis) {
        // Only switch deadlines are pended.
        let (Some(reason), Some(from)) = (kind.switch_reason(), self.current_site()) else {
            return;
        };
        let Some(to) = self.other(from) else {
            return;
        };
        #[cfg(feature = "planted-bugs")]
        let at = if self.planted(super::PlantedBug::NoDeadline) {
            self.now.saturating_add(1)
        } else {
            at
        };
        self.timers.arm(kind, at, true);
        self.emit(Output::SwitchoverPending {
            from: self.site_name(from),
            to: self.site_name(to),
            reason,
            at,
        });
    }

    /// Drops a failure deadline, announcing it with `switchover_cancelled` if it was announced.
    fn cancel(&mut self, kind: TimerKind) {
        let Some(deadline) = self.timers.take(kind) else {
            return;
        };
        let Some(to) = self.current_site().and_then(|s| self.other(s)) else {
            return;
        };
        if let (true, Some(reason)) = (deadline.announced, kind.switch_reason()) {
            self.emit(Output::SwitchoverCancelled {
                to: self.site_name(to),
                reason,
            });
        }
    }

    /// Emits `phase_changed` when the (phase, site, role) triple differs from the last one announced.
    fn announce_phase(&mut self) {
        let phase = self.phase();
        let role = self.current_site();
        let (last_phase, _, last_role) = &self.announced;
        // The site follows from the role while the policy stays; a new
        // policy (rule 12) can rename it, so the name is compared too.
        let same_site = match (&self.announced.1, role) {
            (Some(last), Some(role)) => super::same_name(last, self.site_name_ref(role)),
            (last, role) => last.is_none() && role.is_none(),
        };
        if *last_phase == phase && *last_role == role && same_site {
            return;
        }
        let site = role.map(|r| self.site_name(r));
        self.announced = (phase, site.clone(), role);
        self.emit(Output::PhaseChanged { phase, site, role });
    }

    /// Handles one due deadline.
    pub(super) fn fire(&mut self, kind: TimerKind, at: Millis, now: Millis) {
        match kind {
            TimerKind::SiteTimeout => self.fail(Reason::SiteTimeout, now),
            TimerKind::EndpointTimeout => self.fail(Reason::EndpointTimeout, now),
            TimerKind::Restore => self.restore_due(at, now),
            TimerKind::HoldDown => self.schedule_restore(now),
            TimerKind::RestoreProbe => self.restore_probe(now),
            TimerKind::Retry => self.retry(now),
            TimerKind::DownProbe => self.down_probe(now),
            TimerKind::Bootstrap => self.bootstrap_timeout(now),
        }
    }

    /// A failure deadline passed: switch away, or count the failure towards all-sites-down (rules 3-5).
    fn fail(&mut self, reason: Reason, now: Millis) {
        let State::Connected(conn) = &self.state else {
            return;
        };
        let (site, active, all_down) = (conn.site, conn.active, conn.all_down);
        let Some(other) = self.other(site) else {
            return;
        };
        self.pinned = false;
        if let Some(all_down) = all_down {
            let all_down = AllDown {
                attempt: all_down.attempt.saturating_add(1),
                reported_up: false,
            };
            return self.wait_for_retry(site, all_down, now);
        }
        if !active {
            self.failed_in_row = self.failed_in_row.saturating_add(1);
        }
        if self.failed_in_row >= 2 {
            let all_down = AllDown {
                attempt: 0,
                reported_up: false,
            };
            return self.wait_for_retry(site, all_down, now);
        }
        self.switch(other, reason, None, now);
    }

    /// Rule 5: leave `from` and wait out a backoff before trying the other site.
    fn wait_for_retry(&mut self, from: Role, all_down: AllDown, now: Millis) {
        self.leave(from);
        let timing = self.timing();
        #[cfg_attr(not(feature = "planted-bugs"), allow(unused_mut))]
        let mut window = backoff_window(&timing, all_down.attempt);
        #[cfg(feature = "planted-bugs")]
        if self.planted(super::PlantedBug::NoBackoffCap) {
            let uncapped = Timing {
                backoff_cap: Millis::MAX,
                ..timing
            };
            window = backoff_window(&uncapped, all_down.attempt);
        }
        let retry_at = now.saturating_add(self.rng.below(window));
        let next = self.other(from).unwrap_or(from);
        self.state = State::Waiting { next, all_down };
        self.timers.arm(TimerKind::Retry, retry_at, false);
        if !self.timers.is_armed(TimerKind::DownProbe) {
            self.timers.arm(
                TimerKind::DownProbe,
                now.saturating_add(timing.probe_interval),
                false,
            );
        }
        self.emit(Output::AllSitesDown { retry_at });
    }

    fn retry(&mut self, now: Millis) {
        if let State::Waiting { next, all_down } = self.state {
            self.connect(next, now, Some(all_down));
        }
    }

    /// With all sites down: probe every site not being tried.
    fn down_probe(&mut self, now: Millis) {
        match &self.state {
            State::Waiting { .. } => {
                for role in [Role::Preferred, Role::Peer] {
                    self.emit(Output::Probe {
                        site: self.site_name(role),
                    });
                }
            }
            State::Connected(conn) if conn.all_down.is_some() => {
                let Some(other) = self.other(conn.site) else {
                    return;
                };
                self.emit(Output::Probe {
                    site: self.site_name(other),
                });
            }
            _ => return,
        }
        let interval = self.timing().probe_interval;
        self.timers
            .arm(TimerKind::DownProbe, now.saturating_add(interval), false);
    }

    /// A `probe_result` arrived; returns whether it applied (else it is out of phase).
    pub(super) fn probe_answered(&mut self, role: Role, ok: bool, now: Millis) -> bool {
        let restoring = self.timers.is_armed(TimerKind::RestoreProbe);
        let hold_down = self.timing().hold_down;
        match &mut self.state {
            State::Waiting { all_down, .. } => {
                let all_down = AllDown {
                    reported_up: true,
                    ..*all_down
                };
                if ok {
                    self.connect(role, now, Some(all_down));
                }
                true
            }
            State::Connected(conn) if conn.all_down.is_some() => {
                if role == conn.site {
                    return false;
                }
                // Jump to the other site only if the one being tried was not
                // itself reported up: two healthy reports must not cause churn.
                if let Some(all_down) = conn.all_down
                    && ok
                    && !all_down.reported_up
                {
                    let all_down = AllDown {
                        reported_up: true,
                        ..all_down
                    };
                    // The move is the probe's doing: the other site answered
                    // healthy (not a timeout of the site being tried).
                    self.switch(role, Reason::AutoRestore, Some(all_down), now);
                }
                true
            }
            State::Connected(conn)
                if conn.site == Role::Peer && role == Role::Preferred && restoring =>
            {
                conn.restore.probe_outstanding = false;
                if !ok {
                    self.restore_failed();
                } else if conn.restore.healthy_since.is_none() {
                    conn.restore.healthy_since = Some(now);
                    self.timers
                        .arm(TimerKind::HoldDown, now.saturating_add(hold_down), false);
                }
                true
            }
            _ => false,
        }
    }

    /// Rule 6: probe the preferred site; an unanswered probe counts as a failed one.
    fn restore_probe(&mut self, now: Millis) {
        let State::Connected(conn) = &mut self.state else {
            return;
        };
        let unanswered = conn.restore.probe_outstanding;
        conn.restore.probe_outstanding = true;
        // The command first, then the notice a missed answer causes.
        self.emit(Output::Probe {
            site: self.site_name(Role::Preferred),
        });
        if unanswered {
            self.restore_failed();
        }
        let interval = self.timing().probe_interval;
        self.timers
            .arm(TimerKind::RestoreProbe, now.saturating_add(interval), false);
    }

    /// The hold-down passed: schedule the switchback inside the spread window.
    fn schedule_restore(&mut self, now: Millis) {
        let spread = self.timing().restore_spread;
        let at = now.saturating_add(self.rng.below(spread));
        self.timers.arm(TimerKind::Restore, at, true);
        self.emit(Output::SwitchoverPending {
            from: self.site_name(Role::Peer),
            to: self.site_name(Role::Preferred),
            reason: Reason::AutoRestore,
            at,
        });
    }

    /// The switchback fell due: switch, or wait for the last interaction to end.
    fn restore_due(&mut self, at: Millis, now: Millis) {
        let when_idle = self.policy.as_ref().is_some_and(|p| p.restore_when_idle);
        if when_idle && !self.interactions.is_empty() {
            if let State::Connected(conn) = &mut self.state {
                conn.restore.due = Some(at);
            }
            return;
        }
        self.switch(Role::Preferred, Reason::AutoRestore, None, now);
    }

    /// The last interaction ended: a deferred switchback goes now.
    pub(super) fn release_deferred_restore(&mut self, now: Millis) {
        let State::Connected(conn) = &mut self.state else {
            return;
        };
        if conn.restore.due.take().is_some() {
            self.switch(Role::Preferred, Reason::AutoRestore, None, now);
        }
    }

    /// A probe failed: the preferred site's healthy streak is over.
    fn restore_failed(&mut self) {
        let State::Connected(conn) = &mut self.state else {
            return;
        };
        conn.restore.healthy_since = None;
        let deferred = conn.restore.due.take().is_some();
        self.timers.take(TimerKind::HoldDown);
        let scheduled = self.timers.take(TimerKind::Restore).is_some();
        if scheduled || deferred {
            self.emit(Output::SwitchoverCancelled {
                to: self.site_name(Role::Preferred),
                reason: Reason::AutoRestore,
            });
        }
    }

    /// Auto-restore no longer applies: drop its timers, announcing a scheduled switchback's end.
    fn stop_restore(&mut self) {
        self.restore_failed();
        self.timers.take(TimerKind::RestoreProbe);
        if let State::Connected(conn) = &mut self.state {
            conn.restore.probe_outstanding = false;
        }
    }

    /// The current connection, if it is to `site`; otherwise why an input
    /// about `site` is ignored: unknown (no such site) or out of phase (not on that site).
    pub(super) fn connection_at(&mut self, site: &str) -> Result<&mut Connection, Ignore> {
        let role = self.role_of(site).ok_or(Ignore::Unknown)?;
        match &mut self.state {
            State::Connected(conn) if conn.site == role => Ok(conn),
            _ => Err(Ignore::OutOfPhase),
        }
    }

    /// Rule 12: a new valid policy replaces the one in force; returns whether it did.
    pub(super) fn reconfigure(&mut self, policy: ResolvedPolicy, now: Millis) -> bool {
        let role_in = |name: &str| {
            if &*policy.preferred == name {
                Some(Role::Preferred)
            } else if policy.peer.as_deref() == Some(name) {
                Some(Role::Peer)
            } else {
                None
            }
        };
        let current = self.current_site().map(|r| self.site_name(r));
        let current_role = match &current {
            Some(name) => match role_in(name) {
                Some(role) => Some(role),
                None => {
                    self.emit(Output::ConfigError {
                        diagnostics: vec![Diagnostic::error(
                            "connected-site-removed",
                            format!(
                                "the new configuration does not include site `{name}`, which the desktop is connected to: \
                                 keep `{name}` as the preferred or peer site, or stop the engine before moving the agent"
                            ),
                        )],
                    });
                    return false;
                }
            },
            None => None,
        };
        let waiting_next = match &self.state {
            State::Waiting { next, .. } => {
                Some(role_in(&self.site_name(*next)).unwrap_or(Role::Preferred))
            }
            _ => None,
        };
        let enabled = policy.enabled;
        // Announce cancellations while the old policy still names the sites.
        if !enabled {
            self.cancel(TimerKind::SiteTimeout);
            self.cancel(TimerKind::EndpointTimeout);
        }
        if !enabled || current_role != self.current_site() {
            self.stop_restore();
        }
        self.policy = Some(policy);
        self.bootstrap = None;
        match &mut self.state {
            State::Connected(conn) => {
                if let Some(role) = current_role {
                    conn.site = role;
                }
                if !enabled && conn.all_down.take().is_some() {
                    self.timers.take(TimerKind::DownProbe);
                }
            }
            State::Waiting { next, .. } => {
                let next_role = waiting_next.unwrap_or(Role::Preferred);
                *next = next_role;
                if !enabled {
                    self.timers.take(TimerKind::DownProbe);
                    self.connect(Role::Preferred, now, None);
                }
            }
            _ => {}
        }
        true
    }

    /// Bootstrap: ask the host to connect to the current Configuration Server Proxy.
    pub(super) fn try_config_server(&mut self, now: Millis) {
        let State::Bootstrapping(boot) = self.state else {
            return;
        };
        let Some((site, member)) = self.config_server(boot) else {
            return;
        };
        self.emit(Output::ConnectConfigServer { site, member });
        let timeout = self.timing().bootstrap_connect_timeout;
        self.timers
            .arm(TimerKind::Bootstrap, now.saturating_add(timeout), false);
    }

    fn config_server(&self, boot: Bootstrap) -> Option<(crate::types::Name, Member)> {
        let plan = self.bootstrap.as_ref()?;
        plan.config_servers.get(boot.index).cloned()
    }

    pub(super) fn bootstrap_link(
        &mut self,
        boot: Bootstrap,
        site: &str,
        service: Service,
        member: Member,
        state: LinkState,
        now: Millis,
    ) -> Handled {
        let current = self.config_server(boot);
        let is_current = current.is_some_and(|(s, m)| &*s == site && m == member);
        if service != Service::ConfigServer || boot.backing_off || !is_current {
            return self.ignore(if self.knows_site(site) {
                Ignore::OutOfPhase
            } else {
                Ignore::Unknown
            });
        }
        match state {
            LinkState::Up if boot.linked => return self.ignore(Ignore::Duplicate),
            LinkState::Up => {
                // Connected: the same timeout now bounds reading the configuration.
                self.state = State::Bootstrapping(Bootstrap {
                    linked: true,
                    ..boot
                });
                let timeout = self.timing().bootstrap_connect_timeout;
                self.timers
                    .arm(TimerKind::Bootstrap, now.saturating_add(timeout), false);
            }
            // Down (the host never reports a link as unknown).
            LinkState::Down | LinkState::Unknown => {
                self.next_config_server(now);
                self.settle(now);
            }
        }
        Handled::Applied
    }

    /// Moves on to the next Configuration Server Proxy, backing off after a whole round.
    fn next_config_server(&mut self, now: Millis) {
        let State::Bootstrapping(boot) = self.state else {
            return;
        };
        let count = self
            .bootstrap
            .as_ref()
            .map_or(0, |p| p.config_servers.len());
        let mut boot = Bootstrap {
            linked: false,
            ..boot
        };
        if boot.index + 1 < count {
            boot.index += 1;
            self.state = State::Bootstrapping(boot);
            return self.try_config_server(now);
        }
        let window = backoff_window(&self.timing(), boot.round);
        boot.index = 0;
        boot.round = boot.round.saturating_add(1);
        boot.backing_off = true;
        self.state = State::Bootstrapping(boot);
        let delay = self.rng.below(window);
        self.timers
            .arm(TimerKind::Bootstrap, now.saturating_add(delay), false);
    }

    fn bootstrap_timeout(&mut self, now: Millis) {
        let State::Bootstrapping(boot) = self.state else {
            return;
        };
        if boot.backing_off {
            self.state = State::Bootstrapping(Bootstrap {
                backing_off: false,
                ..boot
            });
            self.try_config_server(now);
        } else {
            self.next_config_server(now);
        }
    }
}
