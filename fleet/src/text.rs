//! The report for people.

use std::fmt::Write;

use continuity_core::Millis;

use crate::config::Detection;
use crate::report::{Report, Times};

/// A time since the start as `m:ss` (or `h:mm:ss`), to the second.
pub fn clock(ms: Millis) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A duration in seconds with one decimal.
fn seconds(ms: Millis) -> String {
    format!("{}.{} s", ms / 1000, ms % 1000 / 100)
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn times_row(out: &mut String, what: &str, times: &Times, of: u32) {
    let cell = |v: Option<Millis>| v.map(seconds).unwrap_or_else(|| "—".to_owned());
    let _ = writeln!(
        out,
        "  {what:<28} {:>9} {:>9} {:>9}   {} of {}",
        cell(times.p50_ms),
        cell(times.p99_ms),
        cell(times.max_ms),
        thousands(u64::from(times.count)),
        thousands(u64::from(of)),
    );
}

/// The report as `continuity fleet` prints it; `bundle` names the bundle.
pub fn render_text(report: &Report, bundle: &str) -> String {
    let mut out = String::new();
    let [lost, other] = &report.sites;
    let back = match report.return_at_ms {
        Some(at) => format!("back at {}", clock(at)),
        None => "never back".to_owned(),
    };
    let _ = writeln!(
        out,
        "{} desktops of {bundle} (fleet seed {}): {} lost at {}, {back}; {} simulated.",
        thousands(u64::from(report.desktops)),
        report.seed,
        lost.site,
        clock(report.loss_at_ms),
        clock(report.until_ms),
    );
    let from = match report.detection_from {
        Detection::Given => "given",
        Detection::Addp => "the ADDP timeout of the SIP Server connection",
        Detection::Default => "no ADDP timeout in the bundle: the default",
    };
    let _ = writeln!(
        out,
        "Each desktop notices the loss within {} ({from}); T = {}, W = {}, failover spread {}, restore spread {}.",
        seconds(report.detection_ms),
        seconds(report.site_timeout_ms),
        seconds(report.endpoint_timeout_ms),
        seconds(report.failover_spread_ms),
        seconds(report.restore_spread_ms),
    );
    for warning in &report.warnings {
        let _ = writeln!(out, "{warning}");
    }
    let _ = writeln!(
        out,
        "\nWhat each site receives (peak per second, and when):"
    );
    let _ = writeln!(
        out,
        "  {:<12} {:>18} {:>18} {:>12} {:>16}",
        "site", "connects/s", "REGISTERs/s", "REGISTERs", "active at end"
    );
    for site in [lost, other] {
        let name = if site.lost {
            format!("{} (lost)", site.site)
        } else {
            site.site.clone()
        };
        let peak =
            |count: u32, at: Millis| format!("{} at {}", thousands(u64::from(count)), clock(at));
        let _ = writeln!(
            out,
            "  {name:<12} {:>18} {:>18} {:>12} {:>16}",
            peak(site.connects.peak.count, site.connects.peak.at_ms),
            peak(site.registers.peak.count, site.registers.peak.at_ms),
            thousands(site.registers.total),
            thousands(u64::from(site.active_at_end)),
        );
    }
    let _ = writeln!(
        out,
        "\n  {:<28} {:>9} {:>9} {:>9}   desktops",
        "", "p50", "p99", "max"
    );
    times_row(&mut out, "loss → switch", &report.switch, report.desktops);
    if report.return_at_ms.is_some() {
        times_row(
            &mut out,
            "return → switch back",
            &report.switch_back,
            report.desktops,
        );
    }
    let _ = writeln!(
        out,
        "\nNot active at the end: {}.",
        thousands(u64::from(report.not_active_at_end))
    );
    if let Some(capacity) = &report.capacity {
        let cap = thousands(u64::from(capacity.registers_per_second));
        let _ = writeln!(out, "\nRegistrar capacity {cap} REGISTERs/s per site:");
        for (site, over) in report.sites.iter().zip(&capacity.seconds_over) {
            match (over.first_ms, over.last_ms) {
                (Some(first), Some(last)) => {
                    let _ = writeln!(
                        out,
                        "  {}: {} s over it, between {} and {}",
                        site.site,
                        over.seconds,
                        clock(first),
                        clock(last + 1000)
                    );
                }
                _ => {
                    let _ = writeln!(out, "  {}: never over it", site.site);
                }
            }
        }
        for (option, search) in [
            ("continuity.failover-spread", &capacity.failover_spread),
            ("continuity.restore-spread", &capacity.restore_spread),
        ] {
            let _ = match search.smallest_ms {
                Some(ms) => writeln!(
                    out,
                    "  smallest {option} that keeps its phase under it: {} s (peak {}/s; {} runs)",
                    ms / 1000,
                    thousands(u64::from(search.peak)),
                    search.runs
                ),
                None => writeln!(
                    out,
                    "  no {option} up to an hour keeps its phase under it (peak {}/s without one): add registrar capacity",
                    thousands(u64::from(search.peak))
                ),
            };
        }
        if capacity.failover_spread.smallest_ms.is_some()
            && capacity.restore_spread.smallest_ms.is_some()
        {
            let _ = writeln!(
                out,
                "  with both: {}",
                if capacity.both_verified {
                    "every second of the run at or under the capacity (checked by a run)"
                } else {
                    "a run with both still has seconds over the capacity: the two phases overlap"
                }
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_durations_and_thousands_read_well() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(81_999), "1:21");
        assert_eq!(clock(3_600_000), "1:00:00");
        assert_eq!(seconds(70_250), "70.2 s");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
