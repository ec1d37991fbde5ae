//! Rise and fall counts: from single check results to up/down verdicts.

/// Whether an endpoint is reachable, as a monitor reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Health {
    /// `rise` checks in a row succeeded.
    Up,
    /// `fall` checks in a row failed.
    Down,
}

/// Turns a stream of check results into up/down transitions.
///
/// The state starts unknown. The first verdict is [`Health::Up`] after
/// `rise` consecutive successes or [`Health::Down`] after `fall` consecutive
/// failures, whichever comes first; after that only changes are reported.
/// A result that breaks a streak starts the other count afresh: with
/// `fall = 3`, fail, fail, succeed, fail, fail keeps an up endpoint up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hysteresis {
    rise: u32,
    fall: u32,
    health: Option<Health>,
    successes: u32,
    failures: u32,
}

impl Hysteresis {
    /// Counts for `rise` successes and `fall` failures (a zero count acts as 1).
    pub fn new(rise: u32, fall: u32) -> Self {
        Self {
            rise: rise.max(1),
            fall: fall.max(1),
            health: None,
            successes: 0,
            failures: 0,
        }
    }

    /// The current verdict; `None` until the first one.
    pub fn health(&self) -> Option<Health> {
        self.health
    }

    /// Records one check result; returns the new verdict when it changes.
    pub fn record(&mut self, ok: bool) -> Option<Health> {
        let (streak, needed, verdict) = if ok {
            self.failures = 0;
            self.successes = self.successes.saturating_add(1);
            (self.successes, self.rise, Health::Up)
        } else {
            self.successes = 0;
            self.failures = self.failures.saturating_add(1);
            (self.failures, self.fall, Health::Down)
        };
        if streak >= needed && self.health != Some(verdict) {
            self.health = Some(verdict);
            return Some(verdict);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rise: u32, fall: u32, results: &str) -> Vec<Option<Health>> {
        let mut h = Hysteresis::new(rise, fall);
        results.chars().map(|c| h.record(c == '+')).collect()
    }

    #[test]
    fn first_verdict_needs_a_full_streak_either_way() {
        use Health::{Down, Up};
        assert_eq!(run(2, 3, "++"), [None, Some(Up)]);
        assert_eq!(run(2, 3, "---"), [None, None, Some(Down)]);
        assert_eq!(run(2, 3, "+-+-+-"), [None; 6]);
        assert_eq!(
            run(2, 3, "-+--+++"),
            [None, None, None, None, None, Some(Up), None]
        );
    }

    #[test]
    fn only_changes_are_reported_and_broken_streaks_restart() {
        use Health::{Down, Up};
        assert_eq!(
            run(2, 3, "++++--+--+---++"),
            [
                None,
                Some(Up),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                Some(Down),
                None,
                Some(Up)
            ]
        );
    }

    #[test]
    fn counts_of_one_follow_every_result_and_zero_acts_as_one() {
        use Health::{Down, Up};
        assert_eq!(run(1, 1, "+-+"), [Some(Up), Some(Down), Some(Up)]);
        assert_eq!(run(0, 0, "-+"), [Some(Down), Some(Up)]);
    }
}
