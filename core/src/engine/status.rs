//! The engine's answer to "what is going on right now?".

use serde::Serialize;

use super::timer::TimerKind;
use crate::types::{Millis, Name, Phase, Reason, Role, Service};
use crate::wire_enum;

/// A snapshot of the engine, for a status banner or a log line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Status {
    /// The current phase.
    pub phase: Phase,
    /// The site the desktop is on or connecting to, if any.
    pub site: Option<Name>,
    /// That site's role, if any.
    pub role: Option<Role>,
    /// When the desktop started connecting to that site.
    pub connected_since: Option<Millis>,
    /// The switch that will happen unless something changes, if any.
    pub pending: Option<PendingSwitch>,
    /// Each service's links at the current site, in [`Service::ALL`] order.
    pub services: Vec<ServiceStatus>,
    /// Whether the SIP endpoint is registered at the current site.
    pub endpoint_registered: bool,
    /// Active interactions, in the order they started.
    pub interactions: Vec<Name>,
    /// Whether a manual switch pinned the desktop (no auto-restore until the next failure).
    pub pinned: bool,
    /// The next deadline and what it is for.
    pub next_timer: Option<NextTimer>,
    /// Counters of inputs that changed nothing.
    pub ignored: Ignored,
}

/// A scheduled switch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingSwitch {
    /// The site it switches to.
    pub to: Name,
    /// When (for a switchback deferred by an active interaction: when it fell due).
    pub at: Millis,
    /// Why.
    pub reason: Reason,
}

/// The engine's next deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NextTimer {
    /// When.
    pub at: Millis,
    /// What for.
    pub timer: TimerKind,
}

wire_enum! {
    /// The state of one link, as last reported by the host.
    #[derive(Default)]
    pub enum LinkState {
        /// Nothing reported since the desktop connected to this site.
        #[default]
        Unknown = "unknown",
        /// Up.
        Up = "up",
        /// Down.
        Down = "down",
    }
}

/// One service's links at the current site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceStatus {
    /// The service.
    pub service: Service,
    /// The primary member's link.
    pub primary: LinkState,
    /// The backup member's link.
    pub backup: LinkState,
    /// Whether at least one member is up.
    pub up: bool,
    /// Whether losing this service starts the switchover timer.
    pub trigger: bool,
}

/// Counters of inputs that changed nothing and emitted nothing (rule 10).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ignored {
    /// Inputs that repeated what the engine already knew.
    pub duplicate: u64,
    /// Inputs naming a site or interaction the engine does not know.
    pub unknown: u64,
    /// Inputs that do not apply in the current phase or to the current site.
    pub out_of_phase: u64,
}
