//! The engine's timers: a small table of optional deadlines, one per kind.

use std::fmt;

use serde::Serialize;

use crate::types::Millis;

/// What a deadline is for. When two fall due at the same millisecond they
/// fire in this order, so a site timeout wins a tie with an endpoint timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimerKind {
    /// Switch away: trigger services not all up within T.
    SiteTimeout,
    /// Switch away: endpoint not registered within W.
    EndpointTimeout,
    /// Switch back to the preferred site (auto-restore).
    Restore,
    /// The preferred site has answered probes for the whole hold-down.
    HoldDown,
    /// Probe the preferred site while on the peer.
    RestoreProbe,
    /// Next connection attempt while all sites are down.
    Retry,
    /// Probe the site(s) not being tried while all sites are down.
    DownProbe,
    /// Give up on one Configuration Server Proxy at bootstrap (or end a backoff round).
    Bootstrap,
}

impl TimerKind {
    const COUNT: usize = 8;

    /// The printable name, as in `site-timeout`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::SiteTimeout => "site-timeout",
            TimerKind::EndpointTimeout => "endpoint-timeout",
            TimerKind::Restore => "restore",
            TimerKind::HoldDown => "hold-down",
            TimerKind::RestoreProbe => "restore-probe",
            TimerKind::Retry => "retry",
            TimerKind::DownProbe => "down-probe",
            TimerKind::Bootstrap => "bootstrap",
        }
    }

    /// Whether firing this timer switches sites (and so must not act on stale evidence).
    pub(crate) fn switches(self) -> bool {
        matches!(
            self,
            TimerKind::SiteTimeout | TimerKind::EndpointTimeout | TimerKind::Restore
        )
    }
}

impl fmt::Display for TimerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One armed deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Deadline {
    pub(crate) at: Millis,
    /// Whether a `switchover_pending` was emitted for it (so cancelling it is announced too).
    pub(crate) announced: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Timers {
    slots: [Option<Deadline>; TimerKind::COUNT],
}

impl Timers {
    pub(crate) fn get(&self, kind: TimerKind) -> Option<Deadline> {
        self.slots[kind as usize]
    }

    pub(crate) fn is_armed(&self, kind: TimerKind) -> bool {
        self.slots[kind as usize].is_some()
    }

    pub(crate) fn arm(&mut self, kind: TimerKind, at: Millis, announced: bool) {
        self.slots[kind as usize] = Some(Deadline { at, announced });
    }

    pub(crate) fn take(&mut self, kind: TimerKind) -> Option<Deadline> {
        self.slots[kind as usize].take()
    }

    pub(crate) fn clear_all(&mut self) {
        self.slots = [None; TimerKind::COUNT];
    }

    /// The earliest deadline and its kind; ties go to the kind declared first.
    pub(crate) fn next(&self) -> Option<(Millis, TimerKind)> {
        ALL_KINDS
            .iter()
            .filter_map(|&kind| self.get(kind).map(|d| (d.at, kind)))
            .min()
    }
}

const ALL_KINDS: [TimerKind; TimerKind::COUNT] = [
    TimerKind::SiteTimeout,
    TimerKind::EndpointTimeout,
    TimerKind::Restore,
    TimerKind::HoldDown,
    TimerKind::RestoreProbe,
    TimerKind::Retry,
    TimerKind::DownProbe,
    TimerKind::Bootstrap,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_the_earliest_and_ties_follow_declaration_order() {
        let mut timers = Timers::default();
        assert_eq!(timers.next(), None);
        timers.arm(TimerKind::EndpointTimeout, 30, false);
        timers.arm(TimerKind::Retry, 40, false);
        timers.arm(TimerKind::SiteTimeout, 30, true);
        assert_eq!(timers.next(), Some((30, TimerKind::SiteTimeout)));
        assert!(timers.take(TimerKind::SiteTimeout).unwrap().announced);
        assert_eq!(timers.next(), Some((30, TimerKind::EndpointTimeout)));
        timers.clear_all();
        assert!(!timers.is_armed(TimerKind::Retry));
    }
}
