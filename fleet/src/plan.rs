//! Given a registrar capacity: the seconds over it, and the smallest
//! spreads that keep every second under it.

use continuity_core::Millis;
use serde::Serialize;

use crate::config::{FleetConfig, FleetError};
use crate::desktop::Fleet;
use crate::report::Report;
use crate::tally::Tally;

/// The largest spread the search tries, in seconds (one hour).
const SEARCH_LIMIT: u64 = 3600;

/// A registrar capacity and what it takes to stay under it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Capacity {
    /// REGISTER requests per second each site's registrar can take.
    pub registers_per_second: u32,
    /// Per site (lost site first), the seconds of the run over the capacity.
    pub seconds_over: [SecondsOver; 2],
    /// The smallest `continuity.failover-spread` that keeps every second
    /// from the loss to the return at or under the capacity.
    pub failover_spread: SpreadSearch,
    /// The smallest `continuity.restore-spread` that keeps every second
    /// from the return on at or under the capacity, with that failover
    /// spread (when one was found).
    pub restore_spread: SpreadSearch,
    /// Whether a run with both found spreads keeps every second of the
    /// whole run at or under the capacity (`false` when either was not found).
    pub both_verified: bool,
}

/// The seconds of one site over the capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SecondsOver {
    /// How many seconds.
    pub seconds: u32,
    /// When the first starts (`null`: none).
    pub first_ms: Option<Millis>,
    /// When the last starts.
    pub last_ms: Option<Millis>,
}

/// The search for one spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SpreadSearch {
    /// The smallest whole-second spread found (`null`: none up to an hour).
    pub smallest_ms: Option<Millis>,
    /// The busiest second of its phase with that spread.
    pub peak: u32,
    /// Fleet runs the search took.
    pub runs: u32,
}

/// What a search run changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Knob {
    Failover,
    Restore,
}

/// Fills `report.capacity` for `capacity` REGISTERs per second per site:
/// the seconds over it, then the smallest failover and restore spreads that
/// keep their phase of the run (loss to return, return to end) at or under
/// it, each found by bisection over whole seconds up to an hour (with the
/// other spread as in the run). One second less than each answer was run and
/// put a second of its phase over the capacity (the peak is not exactly
/// monotone in the spread, so a smaller spread further down may fit by
/// chance; it would not be a margin to rely on). Then a last run with both.
///
/// `run` simulates a fleet (all of its desktops) and returns the tally;
/// `label` says what the run is for, for progress displays. The host
/// chooses how: threads natively, slices in a browser.
///
/// # Errors
///
/// [`FleetError::Config`] when `capacity` is 0.
pub fn plan_capacity(
    fleet: &Fleet,
    report: &mut Report,
    capacity: u32,
    run: &mut dyn FnMut(&Fleet, &str) -> Tally,
) -> Result<(), FleetError> {
    if capacity == 0 {
        return Err(FleetError::Config {
            field: "registrar_capacity".to_owned(),
            message: "a capacity of 0 REGISTERs per second leaves nothing to plan: give 1 or more"
                .to_owned(),
        });
    }
    let seconds_over =
        [0, 1].map(|site| seconds_over(&report.sites[site].registers.per_second, capacity));
    let mut planner = Planner {
        fleet,
        failover: fleet.config.failover_spread_ms,
        capacity,
        run,
    };
    let failover_spread = planner.search(Knob::Failover)?;
    // The restore spread is searched with the failover spread found, so the
    // two answers hold together (each desktop's draws depend on both).
    let found = failover_spread
        .smallest_ms
        .or(fleet.config.failover_spread_ms);
    planner.failover = found;
    let restore_spread = planner.search(Knob::Restore)?;
    let both_verified = match (failover_spread.smallest_ms, restore_spread.smallest_ms) {
        (Some(f), Some(r)) => {
            let config = FleetConfig {
                failover_spread_ms: Some(f),
                restore_spread_ms: Some(r),
                ..fleet.config.clone()
            };
            let checked = Fleet::new_like(fleet, config)?;
            let tally = (planner.run)(&checked, "both spreads");
            checked.report(tally).register_peak_in(0..usize::MAX) <= capacity
        }
        _ => false,
    };
    report.capacity = Some(Capacity {
        registers_per_second: capacity,
        seconds_over,
        failover_spread,
        restore_spread,
        both_verified,
    });
    Ok(())
}

fn seconds_over(per_second: &[u32], capacity: u32) -> SecondsOver {
    let over: Vec<Millis> = per_second
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > capacity)
        .map(|(second, _)| second as Millis * 1000)
        .collect();
    SecondsOver {
        seconds: u32::try_from(over.len()).unwrap_or(u32::MAX),
        first_ms: over.first().copied(),
        last_ms: over.last().copied(),
    }
}

struct Planner<'a, 'r> {
    fleet: &'a Fleet,
    /// The failover spread of restore-spread runs.
    failover: Option<Millis>,
    capacity: u32,
    run: &'r mut dyn FnMut(&Fleet, &str) -> Tally,
}

impl Planner<'_, '_> {
    /// The busiest second of `knob`'s phase with that spread, in seconds.
    fn peak(&mut self, knob: Knob, spread: u64) -> Result<u32, FleetError> {
        let base = &self.fleet.config;
        let loss = usize::try_from(base.loss_at_ms / 1000).unwrap_or(usize::MAX);
        let back = base
            .return_at_ms
            .map(|at| usize::try_from(at / 1000).unwrap_or(usize::MAX));
        let (config, phase, label) = match knob {
            // Only the time before the return matters: the run stops there.
            Knob::Failover => (
                FleetConfig {
                    failover_spread_ms: Some(spread * 1000),
                    until_ms: base
                        .return_at_ms
                        .unwrap_or(base.until_ms)
                        .min(base.until_ms),
                    ..base.clone()
                },
                loss..back.unwrap_or(usize::MAX),
                format!("failover-spread {spread} s"),
            ),
            Knob::Restore => (
                FleetConfig {
                    restore_spread_ms: Some(spread * 1000),
                    failover_spread_ms: self.failover,
                    ..base.clone()
                },
                back.unwrap_or(usize::MAX)..usize::MAX,
                format!("restore-spread {spread} s"),
            ),
        };
        let fleet = Fleet::new_like(self.fleet, config)?;
        let tally = (self.run)(&fleet, &label);
        Ok(fleet.report(tally).register_peak_in(phase))
    }

    /// Bisection over whole seconds: double until the phase fits, then halve the gap.
    fn search(&mut self, knob: Knob) -> Result<SpreadSearch, FleetError> {
        if knob == Knob::Restore
            && self
                .fleet
                .config
                .return_at_ms
                .is_none_or(|at| at >= self.fleet.config.until_ms)
        {
            // The site never returns within the run: nothing to spread.
            return Ok(SpreadSearch {
                smallest_ms: Some(0),
                peak: 0,
                runs: 0,
            });
        }
        let mut runs = 1;
        let peak = self.peak(knob, 0)?;
        if peak <= self.capacity {
            return Ok(SpreadSearch {
                smallest_ms: Some(0),
                peak,
                runs,
            });
        }
        let (mut bad, mut good) = (0, None);
        let mut probe = 1;
        while probe <= SEARCH_LIMIT {
            runs += 1;
            let peak = self.peak(knob, probe)?;
            if peak <= self.capacity {
                good = Some((probe, peak));
                break;
            }
            bad = probe;
            probe = if probe == SEARCH_LIMIT {
                SEARCH_LIMIT + 1
            } else {
                (probe * 2).min(SEARCH_LIMIT)
            };
        }
        let Some((mut good, mut good_peak)) = good else {
            return Ok(SpreadSearch {
                smallest_ms: None,
                peak,
                runs,
            });
        };
        while good - bad > 1 {
            let middle = bad + (good - bad) / 2;
            runs += 1;
            let peak = self.peak(knob, middle)?;
            if peak <= self.capacity {
                (good, good_peak) = (middle, peak);
            } else {
                bad = middle;
            }
        }
        // Here `bad` = `good` - 1 was run and did not fit: one second less
        // than the answer puts a second of its phase over the capacity.
        Ok(SpreadSearch {
            smallest_ms: Some(good * 1000),
            peak: good_peak,
            runs,
        })
    }
}
