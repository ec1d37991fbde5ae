//! The engine's timers: a small table of optional deadlines, one per kind.

use crate::types::{Millis, Reason};
use crate::wire_enum;

wire_enum! {
    /// What a deadline is for. When two fall due at the same millisecond they
    /// fire in this order, so a site timeout wins a tie with an endpoint timeout.
    #[derive(PartialOrd, Ord)]
    pub enum TimerKind {
        /// Switch away: trigger services not all up within T.
        SiteTimeout = "site-timeout",
        /// Switch away: endpoint not registered within W.
        EndpointTimeout = "endpoint-timeout",
        /// Switch back to the preferred site (auto-restore).
        Restore = "restore",
        /// The preferred site has answered probes for the whole hold-down.
        HoldDown = "hold-down",
        /// Probe the preferred site while on the peer.
        RestoreProbe = "restore-probe",
        /// Next connection attempt while all sites are down.
        Retry = "retry",
        /// Probe the site(s) not being tried while all sites are down.
        DownProbe = "down-probe",
        /// Give up on one Configuration Server Proxy at bootstrap (or end a backoff round).
        Bootstrap = "bootstrap",
    }
}

impl TimerKind {
    const COUNT: usize = TimerKind::ALL.len();

    /// The reason of the switch this deadline makes, for the three that
    /// switch sites (and so must not act on stale evidence); `None` for the others.
    pub(crate) fn switch_reason(self) -> Option<Reason> {
        match self {
            TimerKind::SiteTimeout => Some(Reason::SiteTimeout),
            TimerKind::EndpointTimeout => Some(Reason::EndpointTimeout),
            TimerKind::Restore => Some(Reason::AutoRestore),
            TimerKind::HoldDown
            | TimerKind::RestoreProbe
            | TimerKind::Retry
            | TimerKind::DownProbe
            | TimerKind::Bootstrap => None,
        }
    }

    /// Whether firing this timer switches sites.
    pub(crate) fn switches(self) -> bool {
        self.switch_reason().is_some()
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
    /// The earliest deadline, kept up to date by every change: every input
    /// and every `poll_timeout` asks for it, far more often than a deadline
    /// is armed or dropped.
    earliest: Option<(Millis, TimerKind)>,
}

impl Timers {
    pub(crate) fn get(&self, kind: TimerKind) -> Option<Deadline> {
        self.slots[kind as usize]
    }

    pub(crate) fn is_armed(&self, kind: TimerKind) -> bool {
        self.slots[kind as usize].is_some()
    }

    pub(crate) fn arm(&mut self, kind: TimerKind, at: Millis, announced: bool) {
        let replaced = self.slots[kind as usize].replace(Deadline { at, announced });
        self.earliest = match self.earliest {
            // Re-arming the earliest may make another one the earliest.
            Some((_, first)) if replaced.is_some() && first == kind => self.scan_since(0),
            // Ties go to the kind declared first, as in a scan.
            Some((first_at, first)) if (first_at, first as usize) < (at, kind as usize) => {
                self.earliest
            }
            _ => Some((at, kind)),
        };
    }

    pub(crate) fn take(&mut self, kind: TimerKind) -> Option<Deadline> {
        let taken = self.slots[kind as usize].take();
        if taken.is_some() && self.earliest.is_some_and(|(_, first)| first == kind) {
            self.earliest = self.scan_since(0);
        }
        taken
    }

    pub(crate) fn clear_all(&mut self) {
        self.slots = [None; TimerKind::COUNT];
        self.earliest = None;
    }

    /// The earliest deadline and its kind; ties go to the kind declared first.
    pub(crate) fn next(&self) -> Option<(Millis, TimerKind)> {
        self.earliest
    }

    /// The earliest deadline at or after `from`, as [`Timers::next`].
    pub(crate) fn next_since(&self, from: Millis) -> Option<(Millis, TimerKind)> {
        match self.earliest {
            // The usual case: nothing is stale, the earliest is the answer.
            Some((at, _)) if at >= from => self.earliest,
            None => None,
            Some(_) => self.scan_since(from),
        }
    }

    /// [`Timers::next_since`] by one plain pass over the slots, where a
    /// strict `<` keeps the first of equal times.
    fn scan_since(&self, from: Millis) -> Option<(Millis, TimerKind)> {
        let mut next: Option<(Millis, TimerKind)> = None;
        for (slot, kind) in self.slots.iter().zip(TimerKind::ALL) {
            if let Some(deadline) = slot
                && deadline.at >= from
                && next.is_none_or(|(at, _)| deadline.at < at)
            {
                next = Some((deadline.at, kind));
            }
        }
        next
    }
}

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

    #[test]
    fn the_kept_earliest_is_always_what_a_scan_finds() {
        let mut rng = crate::engine::rng::Rng::new(5);
        let mut timers = Timers::default();
        for _ in 0..100_000 {
            let kind = TimerKind::ALL[rng.below(TimerKind::COUNT as u64) as usize];
            match rng.below(5) {
                0 => {
                    timers.take(kind);
                }
                4 if rng.below(50) == 0 => timers.clear_all(),
                // Few distinct times, so that ties are common.
                _ => timers.arm(kind, rng.below(8) * 10, false),
            }
            assert_eq!(timers.next(), timers.scan_since(0));
            let from = rng.below(9) * 10;
            assert_eq!(timers.next_since(from), timers.scan_since(from));
        }
    }
}
