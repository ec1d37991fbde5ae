//! What a fleet run found, for people (text), tools (JSON) and charts.

use continuity_core::Millis;
use serde::Serialize;

use crate::config::Detection;
use crate::desktop::Fleet;
use crate::plan::Capacity;
use crate::tally::Tally;

/// A fleet run's findings. Serialized as JSON by `continuity fleet --json`
/// and the WebAssembly tools module (times in milliseconds, counts per
/// second in `per_second`, one entry per second of the run).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Desktops simulated.
    pub desktops: u32,
    /// The fleet's seed.
    pub seed: u64,
    /// When the site was lost.
    pub loss_at_ms: Millis,
    /// When it came back (`null`: never).
    pub return_at_ms: Option<Millis>,
    /// How long the run lasted.
    pub until_ms: Millis,
    /// The detection window.
    pub detection_ms: Millis,
    /// Where it came from: `given`, `addp` or `default`.
    pub detection_from: Detection,
    /// The desktops' site timeout T.
    pub site_timeout_ms: Millis,
    /// The desktops' endpoint timeout W.
    pub endpoint_timeout_ms: Millis,
    /// The desktops' failover spread.
    pub failover_spread_ms: Millis,
    /// The desktops' restore spread.
    pub restore_spread_ms: Millis,
    /// The lost site, then the other one.
    pub sites: [SiteReport; 2],
    /// From the loss to each desktop's switch away from the lost site.
    pub switch: Times,
    /// From the return to each desktop's switch back.
    pub switch_back: Times,
    /// Desktops not active on any site at the end.
    pub not_active_at_end: u32,
    /// The bundle's validation warnings (with the run's spreads), as text.
    pub warnings: Vec<String>,
    /// The registrar capacity plan, when one was asked for.
    pub capacity: Option<Capacity>,
}

/// What one site received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteReport {
    /// The site's name.
    pub site: String,
    /// Whether it is the site that was lost.
    pub lost: bool,
    /// `connect`s per second.
    pub connects: Series,
    /// REGISTER requests (registrations and un-registrations) per second.
    pub registers: Series,
    /// Desktops active on this site at the end.
    pub active_at_end: u32,
}

/// A count per second, its total and its peak.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// The count in each second of the run.
    pub per_second: Vec<u32>,
    /// Their sum.
    pub total: u64,
    /// The busiest second.
    pub peak: Peak,
}

/// The busiest second of a series (the first, among equals).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Peak {
    /// How many in that second.
    pub count: u32,
    /// When that second starts.
    pub at_ms: Millis,
}

/// A distribution of durations (nearest-rank percentiles); `None` when
/// no desktop counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Times {
    /// How many desktops it covers.
    pub count: u32,
    /// Half of them took at most this.
    pub p50_ms: Option<Millis>,
    /// 99 in 100 took at most this.
    pub p99_ms: Option<Millis>,
    /// The slowest.
    pub max_ms: Option<Millis>,
}

impl Times {
    fn of(mut durations: Vec<Millis>) -> Times {
        durations.sort_unstable();
        let rank = |p: usize| {
            let n = durations.len();
            (n > 0).then(|| durations[(p * n).div_ceil(100).max(1) - 1])
        };
        Times {
            count: u32::try_from(durations.len()).unwrap_or(u32::MAX),
            p50_ms: rank(50),
            p99_ms: rank(99),
            max_ms: durations.last().copied(),
        }
    }
}

impl Series {
    fn of(per_second: Vec<u32>) -> Series {
        let mut peak = Peak { count: 0, at_ms: 0 };
        for (second, &count) in per_second.iter().enumerate() {
            if count > peak.count {
                peak = Peak {
                    count,
                    at_ms: second as Millis * 1000,
                };
            }
        }
        Series {
            total: per_second.iter().map(|&c| u64::from(c)).sum(),
            per_second,
            peak,
        }
    }
}

impl Fleet {
    /// The report of a run, from the [`Tally`] of all its desktops.
    pub fn report(&self, tally: Tally) -> Report {
        let Tally {
            connects: [connects_0, connects_1],
            registers: [registers_0, registers_1],
            switch_ms,
            back_ms,
            not_active,
            active_on,
            desktops,
        } = tally;
        let site = |i: usize, connects, registers| SiteReport {
            site: self.sites[i].to_string(),
            lost: i == 0,
            connects: Series::of(connects),
            registers: Series::of(registers),
            active_at_end: active_on[i],
        };
        let config = &self.config;
        Report {
            desktops,
            seed: config.seed,
            loss_at_ms: config.loss_at_ms,
            return_at_ms: config.return_at_ms,
            until_ms: config.until_ms,
            detection_ms: self.detection,
            detection_from: self.detection_source,
            site_timeout_ms: self.timing.site_timeout,
            endpoint_timeout_ms: self.timing.endpoint_timeout,
            failover_spread_ms: self.timing.failover_spread,
            restore_spread_ms: self.timing.restore_spread,
            sites: [
                site(0, connects_0, registers_0),
                site(1, connects_1, registers_1),
            ],
            switch: Times::of(switch_ms),
            switch_back: Times::of(back_ms),
            not_active_at_end: not_active,
            warnings: self.warnings.iter().map(ToString::to_string).collect(),
            capacity: None,
        }
    }
}

impl Report {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The most REGISTERs any site received in one second of `range` (seconds).
    pub(crate) fn register_peak_in(&self, range: std::ops::Range<usize>) -> u32 {
        self.sites
            .iter()
            .filter_map(|s| {
                s.registers
                    .per_second
                    .get(range.start..range.end.min(s.registers.per_second.len()))
            })
            .flat_map(|seconds| seconds.iter().copied())
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let t = Times::of((1..=200).rev().collect());
        assert_eq!(
            (t.count, t.p50_ms, t.p99_ms, t.max_ms),
            (200, Some(100), Some(198), Some(200))
        );
        let one = Times::of(vec![7]);
        assert_eq!(
            (one.p50_ms, one.p99_ms, one.max_ms),
            (Some(7), Some(7), Some(7))
        );
        let none = Times::of(Vec::new());
        assert_eq!((none.count, none.p50_ms, none.max_ms), (0, None, None));
    }

    #[test]
    fn the_peak_is_the_first_busiest_second() {
        let s = Series::of(vec![0, 3, 9, 9, 1]);
        assert_eq!(
            (s.total, s.peak),
            (
                22,
                Peak {
                    count: 9,
                    at_ms: 2000
                }
            )
        );
    }
}
