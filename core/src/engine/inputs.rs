//! What each input does, once [`Engine::accept`](super::Engine) has handled
//! the deadlines due before it and checked that the engine takes inputs.
//! Each answers what became of its input.

use super::{Bootstrap, Engine, Handled, Ignore, LinkState, State, TimerKind};
use crate::config::{self, Bundle, Diagnostic, Validated};
use crate::types::{Member, Millis, Name, Reason, Role, Service};
use crate::vocab::Output;

impl Engine {
    /// `start`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn start(&mut self, now: Millis) -> Handled {
        if !matches!(self.state, State::Idle) {
            return self.ignore(Ignore::Duplicate);
        }
        if self.policy.is_some() {
            self.connect(Role::Preferred, now, None);
        } else {
            self.state = State::Bootstrapping(Bootstrap {
                index: 0,
                round: 0,
                linked: false,
                backing_off: false,
            });
            self.try_config_server(now);
        }
        self.settle(now);
        Handled::Applied
    }

    /// `config_loaded`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn config_loaded(&mut self, bundle: Bundle, now: Millis) -> Handled {
        let mut bundle = bundle;
        if bundle.local.sites.is_empty() {
            bundle.local = self.local.clone();
        }
        let validated = if bundle.is_local_only() {
            Err(vec![Diagnostic::error(
                "no-server-applications",
                "the loaded configuration names no server application: load the bundle with its \
                 `servers` (and `desktop_applications`), not only its `local` section",
            )])
        } else {
            config::validate(&bundle)
        };
        let bootstrapping = matches!(self.state, State::Bootstrapping(_));
        match validated {
            Err(diagnostics) => {
                self.emit(Output::ConfigError { diagnostics });
                if bootstrapping {
                    self.timers.clear_all();
                    self.state = State::Stopped;
                }
            }
            Ok(Validated { policy, warnings }) => {
                let applied = if bootstrapping {
                    self.timers.clear_all();
                    self.bootstrap = None;
                    self.policy = Some(policy);
                    self.connect(Role::Preferred, now, None);
                    true
                } else {
                    self.reconfigure(policy, now)
                };
                if applied {
                    self.warnings = warnings;
                    self.local = bundle.local;
                }
            }
        }
        self.settle(now);
        Handled::Applied
    }

    /// `probe_result`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn probe_result(&mut self, site: &str, ok: bool, now: Millis) -> Handled {
        let Some(role) = self.role_of(site) else {
            return self.ignore(Ignore::Unknown);
        };
        if !self.probe_answered(role, ok, now) {
            return self.ignore(Ignore::OutOfPhase);
        }
        self.settle(now);
        Handled::Applied
    }

    /// `interaction_ended`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn interaction_ended(&mut self, id: &str, now: Millis) -> Handled {
        let Some(index) = self.interactions.iter().position(|i| &**i == id) else {
            return self.ignore(Ignore::Unknown);
        };
        self.interactions.remove(index);
        if self.interactions.is_empty() {
            self.release_deferred_restore(now);
        }
        self.settle(now);
        Handled::Applied
    }

    /// `interaction_started`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn interaction_started(&mut self, id: Name) -> Handled {
        if self.interactions.contains(&id) {
            return self.ignore(Ignore::Duplicate);
        }
        self.interactions.push(id);
        Handled::Applied
    }

    /// `switch_requested`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn switch_requested(&mut self, site: &str, now: Millis) -> Handled {
        let Some(target) = self.role_of(site) else {
            return self.ignore(Ignore::Unknown);
        };
        if !self.enabled() {
            return self.ignore(Ignore::OutOfPhase);
        }
        match &self.state {
            State::Connected(conn) if conn.site == target => {
                return self.ignore(Ignore::Duplicate);
            }
            State::Connected(_) => self.switch(target, Reason::Manual, None, now),
            State::Waiting { .. } => self.connect(target, now, None),
            _ => return self.ignore(Ignore::OutOfPhase),
        }
        self.pinned = true;
        self.failed_in_row = 0;
        self.settle(now);
        Handled::Applied
    }

    /// `resumed`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn resumed(&mut self, now: Millis) -> Handled {
        let grace = now.saturating_add(self.timing().recheck_grace);
        let State::Connected(conn) = &mut self.state else {
            return self.ignore(Ignore::OutOfPhase);
        };
        let site = conn.site;
        // A switchback deferred by an interaction rests on probes from before
        // the freeze: it becomes a scheduled one again, so the probes of the
        // grace period can still cancel it.
        let deferred = conn.restore.due.take().is_some();
        if deferred {
            self.timers.arm(TimerKind::Restore, grace, true);
        }
        let kinds = [
            TimerKind::SiteTimeout,
            TimerKind::EndpointTimeout,
            TimerKind::Restore,
        ];
        let mut moved = [None; 3];
        for (kind, moved) in kinds.into_iter().zip(&mut moved) {
            if let Some(deadline) = self.timers.get(kind) {
                let at = deadline.at.max(grace);
                self.timers.arm(kind, at, deadline.announced);
                let rescheduled = at != deadline.at || (deferred && kind == TimerKind::Restore);
                if deadline.announced && rescheduled {
                    *moved = Some((kind, at));
                }
            }
        }
        self.emit(Output::Recheck {
            site: self.site_name(site),
        });
        // Announced switches keep their notices true: their new times.
        for (kind, at) in moved.into_iter().flatten() {
            self.pend(kind, at);
        }
        Handled::Applied
    }

    /// `stop`, once due deadlines are handled and the engine is not stopped.
    pub(super) fn stop(&mut self, now: Millis) -> Handled {
        if let State::Connected(conn) = &self.state {
            let site = conn.site;
            self.leave(site);
        }
        self.timers.clear_all();
        self.state = State::Stopped;
        self.settle(now);
        Handled::Applied
    }

    /// A `link_up` / `link_down` input.
    pub(super) fn link(
        &mut self,
        site: &str,
        service: Service,
        member: Member,
        state: LinkState,
        now: Millis,
    ) -> Handled {
        if let State::Bootstrapping(boot) = self.state {
            return self.bootstrap_link(boot, site, service, member, state, now);
        }
        let conn = match self.connection_at(site) {
            Ok(conn) => conn,
            Err(why) => return self.ignore(why),
        };
        let link = &mut conn.links[service.index()][member.index()];
        if *link == state {
            return self.ignore(Ignore::Duplicate);
        }
        *link = state;
        self.settle(now);
        Handled::Applied
    }

    /// An `endpoint_registered` / `endpoint_unregistered` input.
    pub(super) fn endpoint(&mut self, site: &str, registered: bool, now: Millis) -> Handled {
        let conn = match self.connection_at(site) {
            Ok(conn) => conn,
            Err(why) => return self.ignore(why),
        };
        if conn.endpoint_registered == registered {
            return self.ignore(Ignore::Duplicate);
        }
        conn.endpoint_registered = registered;
        self.settle(now);
        Handled::Applied
    }
}
