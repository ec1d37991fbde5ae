//! The fleet as a deployment engineer relies on it: every desktop fails over
//! and back within the documented times, the counts add up, the spreads
//! flatten the peaks, the capacity plan's spreads really keep every second
//! under the capacity, and the numbers do not depend on how the work is split.

use continuity_core::Bundle;
use continuity_fleet::{Detection, Fleet, FleetConfig, FleetError, Report, plan_capacity, svg};

fn bundle(name: &str) -> Bundle {
    let path = format!("{}/../examples/bundles/{name}", env!("CARGO_MANIFEST_DIR"));
    Bundle::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn config(desktops: u32) -> FleetConfig {
    FleetConfig {
        desktops,
        ..FleetConfig::default()
    }
}

fn run(bundle_name: &str, config: FleetConfig) -> Report {
    let fleet = Fleet::new(bundle(bundle_name), config).unwrap();
    fleet.report(fleet.run(0..u32::MAX))
}

#[test]
fn every_desktop_fails_over_and_back_within_the_documented_times() {
    let report = run("workspace.json", config(2000));
    let [lost, other] = &report.sites;
    assert_eq!(
        (lost.site.as_str(), other.site.as_str()),
        ("SiteA", "SiteB")
    );
    assert_eq!(report.detection_from, Detection::Default);
    assert_eq!(report.detection_ms, 20_000);
    // Loss → switch: the detection delay (≤ 20 s) plus T (60 s).
    assert_eq!(report.switch.count, 2000);
    assert!(report.switch.p50_ms.unwrap() >= 60_000);
    assert!(report.switch.max_ms.unwrap() <= 80_000);
    // Return → switch back: the first healthy probe (≤ 10 s + 50 ms), the
    // 60 s hold-down, then the 30 s restore spread.
    assert_eq!(report.switch_back.count, 2000);
    assert!(report.switch_back.p50_ms.unwrap() >= 60_000);
    assert!(report.switch_back.max_ms.unwrap() <= 100_100);
    // Everyone ends active back on the preferred site.
    assert_eq!(
        (
            lost.active_at_end,
            other.active_at_end,
            report.not_active_at_end
        ),
        (2000, 0, 0)
    );
    // SiteB: a connect and a REGISTER per desktop at the failover, an
    // un-REGISTER at the switchback; SiteA: a connect and a REGISTER on the
    // way back (start-up, at 0, is not counted).
    assert_eq!((other.connects.total, other.registers.total), (2000, 4000));
    assert_eq!((lost.connects.total, lost.registers.total), (2000, 2000));
    // The avalanche: SiteB's busiest second is between the first and the last possible switch.
    assert!((60_000..=80_000).contains(&(other.registers.peak.at_ms - 60_000)));
    assert!(
        other.registers.peak.count > 2000 / 20,
        "{}",
        other.registers.peak.count
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn the_same_seed_gives_the_same_report_however_the_work_is_split() {
    let fleet = Fleet::new(bundle("workspace.json"), config(1500)).unwrap();
    let whole = fleet.report(fleet.run(0..1500));
    let mut parts = fleet.run(1000..1500);
    parts.merge(fleet.run(0..300));
    parts.merge(fleet.run(300..1000));
    assert_eq!(fleet.report(parts), whole);
    assert_eq!(run("workspace.json", config(1500)), whole);
    let other_seed = run(
        "workspace.json",
        FleetConfig {
            seed: 1,
            ..config(1500)
        },
    );
    assert_ne!(other_seed.sites, whole.sites);
}

#[test]
fn a_failover_spread_flattens_the_avalanche_and_delays_no_one_past_it() {
    let plain = run("workspace.json", config(3000));
    let spread = run(
        "workspace.json",
        FleetConfig {
            failover_spread_ms: Some(60_000),
            ..config(3000)
        },
    );
    assert_eq!(spread.failover_spread_ms, 60_000);
    // SiteB's busiest second before the return (after it: the switchback's un-REGISTERs).
    let failover_peak = |r: &Report| {
        *r.sites[1].registers.per_second[..20 * 60]
            .iter()
            .max()
            .unwrap()
    };
    let (before, after) = (failover_peak(&plain), failover_peak(&spread));
    assert!(
        after * 2 < before,
        "peak {before}/s without a spread, {after}/s with 60 s"
    );
    assert!(spread.switch.max_ms.unwrap() <= 80_000 + 60_000);
    assert_eq!(spread.switch.count, 3000);
    // A spread longer than W (30 s) is the bundle's own warning.
    assert!(
        spread
            .warnings
            .iter()
            .any(|w| w.contains("failover-spread-exceeds-timeout")),
        "{:?}",
        spread.warnings
    );
}

#[test]
fn a_site_that_never_returns_keeps_the_fleet_on_the_other_one() {
    let report = run(
        "workspace.json",
        FleetConfig {
            return_at_ms: None,
            ..config(500)
        },
    );
    assert_eq!(report.switch.count, 500);
    assert_eq!(report.switch_back.count, 0);
    assert_eq!(
        (report.sites[0].active_at_end, report.sites[1].active_at_end),
        (0, 500)
    );
    assert_eq!(report.sites[0].registers.total, 0);
}

#[test]
fn losing_the_peer_moves_no_one() {
    let report = run(
        "workspace.json",
        FleetConfig {
            lost_site: Some("SiteB".to_owned()),
            ..config(300)
        },
    );
    assert_eq!(report.sites[0].site, "SiteB");
    assert_eq!(report.switch.count, 0);
    assert_eq!(
        (
            report.sites[1].active_at_end,
            report.sites[1].registers.total
        ),
        (300, 0)
    );
}

#[test]
fn the_detection_window_defaults_to_the_sip_server_connections_addp_timeout() {
    let report = run("agent-desktop.json", config(400));
    assert_eq!(
        (report.detection_from, report.detection_ms),
        (Detection::Addp, 25_000)
    );
    // Agent-desktop timeouts: T = 30 s here; loss → switch within 25 s + T.
    assert!(report.switch.max_ms.unwrap() <= 25_000 + report.site_timeout_ms);
    let given = run(
        "agent-desktop.json",
        FleetConfig {
            detection_ms: Some(5_000),
            ..config(400)
        },
    );
    assert_eq!(
        (given.detection_from, given.detection_ms),
        (Detection::Given, 5_000)
    );
}

#[test]
fn the_capacity_plans_spreads_keep_every_second_under_it_and_one_second_less_does_not() {
    let fleet = Fleet::new(bundle("workspace.json"), config(2000)).unwrap();
    let mut report = fleet.report(fleet.run(0..2000));
    let capacity = 40;
    let mut runs = 0;
    plan_capacity(&fleet, &mut report, capacity, &mut |fleet, _| {
        runs += 1;
        fleet.run(0..u32::MAX)
    })
    .unwrap();
    let plan = report.capacity.clone().unwrap();
    assert!(
        plan.seconds_over[1].seconds > 0,
        "the default avalanche is over 40/s"
    );
    assert!(plan.both_verified);
    let failover = plan.failover_spread.smallest_ms.unwrap();
    let restore = plan.restore_spread.smallest_ms.unwrap();
    assert_eq!(
        runs,
        plan.failover_spread.runs + plan.restore_spread.runs + 1,
        "each search's runs, and one with both"
    );
    let with = |f, r| {
        run(
            "workspace.json",
            FleetConfig {
                failover_spread_ms: Some(f),
                restore_spread_ms: Some(r),
                ..config(2000)
            },
        )
    };
    let fixed = with(failover, restore);
    assert!(
        fixed
            .sites
            .iter()
            .all(|s| s.registers.peak.count <= capacity)
    );
    // One second less of failover spread puts a second of the failover over it.
    let short = with(failover - 1000, restore);
    let back = 20 * 60;
    assert!(
        short.sites[1].registers.per_second[..back]
            .iter()
            .any(|&c| c > capacity)
    );
    let short = with(failover, restore - 1000);
    assert!(restore > 0);
    assert!(
        short
            .sites
            .iter()
            .any(|s| s.registers.per_second[back..].iter().any(|&c| c > capacity))
    );
    // The chart draws the capacity line, both sites and the markers.
    let chart = svg(&report);
    assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
    for text in [
        "registrar capacity 40/s",
        "around the loss of SiteA at 1:00",
        "around its return at 20:00",
        ">SiteA (lost)<",
        ">SiteB<",
        "SiteA lost",
        "SiteA back",
        "REGISTERs per second",
    ] {
        assert!(chart.contains(text), "{text}");
    }
    // A panel per site and window, each with the capacity line.
    assert_eq!(chart.matches("<path").count(), 4);
    assert_eq!(
        chart
            .matches("<title>registrar capacity: 40 REGISTERs/s</title>")
            .count(),
        4
    );
    let peak_b = report.sites[1].registers.peak.count;
    assert!(
        chart.contains(&format!("peak here {peak_b}/s")),
        "SiteB's peak is written on its panel"
    );
}

#[test]
fn bundles_that_cannot_make_a_fleet_say_why() {
    let mut local_only = bundle("workspace.json");
    local_only.servers.clear();
    local_only.person = None;
    local_only.application = None;
    local_only.tenant = None;
    local_only.agent_groups.clear();
    local_only.places.clear();
    let err = Fleet::new(local_only, config(10)).unwrap_err();
    assert!(
        err.to_string().contains("only the local configuration"),
        "{err}"
    );

    let mut off = bundle("workspace.json");
    let ws = off
        .application
        .as_mut()
        .unwrap()
        .options
        .get_mut("interaction-workspace")
        .unwrap();
    ws.insert(
        "disaster-recovery.enabled".to_owned(),
        continuity_core::config::OptionValue("false".to_owned()),
    );
    let err = Fleet::new(off, config(10)).unwrap_err();
    assert!(
        err.to_string().contains("Business Continuity is off"),
        "{err}"
    );

    let err = Fleet::new(
        bundle("workspace.json"),
        FleetConfig {
            lost_site: Some("SiteC".into()),
            ..config(10)
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "fleet `lost_site`: `SiteC` is not one of the bundle's Business Continuity sites: lose `SiteA` or `SiteB`"
    );

    let err = Fleet::new(bundle("broken-workspace.json"), config(10)).unwrap_err();
    assert!(
        matches!(&err, FleetError::Invalid { diagnostics } if !diagnostics.is_empty()),
        "{err}"
    );

    let err = Fleet::new(
        bundle("workspace.json"),
        FleetConfig {
            failover_spread_ms: Some(700_000_000),
            ..config(10)
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("at most a week"), "{err}");
}
