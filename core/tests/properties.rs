//! Property tests: random timed input sequences against the engine's contract.
//!
//! Each property drives a real `Engine` through a small host model
//! (`host::Host`): it feeds inputs through `Engine::handle_input`, calls
//! `Engine::handle_timeout` exactly at, after or before
//! `Engine::poll_timeout`, drains `Engine::poll_output` after every call
//! and records everything, then checks the recording against a rule of
//! DESIGN §4.3 / `docs/rules.md`.
//!
//! A failing case (bundle variant, engine seed, steps) is shrunk and printed,
//! and proptest saves it in `properties.proptest-regressions` beside this
//! file, to be replayed first on the next run. `PROPTEST_RNG_SEED=…` replays
//! a whole run; `PROPTEST_CASES=…` runs more (or fewer) cases than the
//! default [`DEFAULT_CASES`] per property.
//!
//! The host either feeds raw random inputs, or lives in a simulated
//! `World` where sites are healthy or not and answers the engine's
//! commands as a real desktop would (that is what reaches auto-restore
//! switchbacks often enough); `generated_cases_reach_every_rule` checks the
//! generator reaches every rule the properties talk about.

use std::collections::BTreeMap;

use continuity_core::config::Timing;
use continuity_core::{Member, Millis, Name, Output, Phase, Reason};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 192;

/// More `handle_timeout` calls than this in one virtual minute of a host loop is a busy loop.
const MAX_TIMEOUTS_PER_MINUTE: u32 = 240;

/// More commands than this from deadlines in one virtual second of all-sites-down is a tight loop.
const MAX_ALL_DOWN_COMMANDS_PER_SECOND: usize = 10;

/// A host loop that needs more calls than this is spinning (it stops the loop).
const RUN_CALL_CAP: u32 = 20_000;

#[path = "properties/case.rs"]
mod case;
#[path = "common/mod.rs"]
mod common;
#[path = "properties/host.rs"]
mod host;

use case::{Case, StartBundle, Step, all_down_case, case, variant_enabled};
use host::{Replay, Source, replay};

// ---- the properties ----

fn config() -> Config {
    Config {
        max_shrink_iters: 4096,
        ..common::cases(DEFAULT_CASES)
    }
}

proptest! {
    #![proptest_config(config())]

    /// (a) No input sequence panics; `status()` is callable after every call and
    /// agrees with the getters and the last `phase_changed`; an ignored input
    /// changes nothing and emits nothing (rule 10); an input's commands come
    /// before its notices.
    #[test]
    fn a_no_panic_and_status_is_consistent(case in case()) {
        let replay = replay(&case, case.seed);
        prop_assert!(replay.anomalies.is_empty(), "{}", replay.anomalies.join("\n"));
    }

    /// (b) `handle_timeout` always moves `poll_timeout` past the engine's time,
    /// and a host that jumps from deadline to deadline makes bounded progress.
    #[test]
    fn b_timeouts_never_stall_or_spin(case in case()) {
        let replay = replay(&case, case.seed);
        check_progress(&replay).map_err(TestCaseError::fail)?;
    }

    /// (c) Never connected (or registered) at two sites at once.
    #[test]
    fn c_never_on_two_sites(case in case()) {
        let replay = replay(&case, case.seed);
        check_one_site(&replay).map_err(TestCaseError::fail)?;
    }

    /// (d) No failure-driven switch before its deadline.
    #[test]
    fn d_no_failure_switch_before_its_deadline(case in case()) {
        let replay = replay(&case, case.seed);
        check_switch_deadlines(&replay).map_err(TestCaseError::fail)?;
    }

    /// (d, rule 9) A switch deadline handled more than the wake gap late is not
    /// acted on (the host was frozen): the engine rechecks instead.
    #[test]
    fn d_no_switch_on_stale_evidence(case in case()) {
        let replay = replay(&case, case.seed);
        check_no_stale_switch(&replay).map_err(TestCaseError::fail)?;
    }

    /// (e) Same bundle, seed and inputs give the same outputs; another seed
    /// changes only the timing of randomized decisions.
    #[test]
    fn e_deterministic_and_seed_only_moves_random_times(case in case(), other_seed in any::<u64>()) {
        let first = replay(&case, case.seed);
        let second = replay(&case, case.seed);
        prop_assert!(first.outputs() == second.outputs(), "same seed, different traces");
        prop_assert_eq!(&first.final_status, &second.final_status);
        let other = replay(&case, other_seed);
        check_seed_divergence(&first, &other).map_err(TestCaseError::fail)?;
    }

    /// (f) With all sites down the engine's own deadlines never emit commands
    /// in a tight loop.
    #[test]
    fn f_all_sites_down_is_never_a_tight_loop(case in all_down_case()) {
        let replay = replay(&case, case.seed);
        check_all_down_rate(&replay).map_err(TestCaseError::fail)?;
        check_progress(&replay).map_err(TestCaseError::fail)?;
    }

    /// (f, liveness) Left alone with every site down, the engine keeps
    /// alternating between the sites, one attempt at most a backoff cap after
    /// the previous one failed (rule 5).
    #[test]
    fn f_all_sites_down_keeps_alternating(variant in variant_enabled(), seed in any::<u64>()) {
        let case = Case {
            start: StartBundle::Full(variant),
            seed,
            autostart: true,
            world: None,
            steps: vec![Step::Run(30 * 60_000)],
        };
        let replay = replay(&case, seed);
        check_alternating(&replay, variant.timings.timing()).map_err(TestCaseError::fail)?;
    }
}

/// The generator is not vacuous: a fixed sample of cases reaches every rule
/// the properties talk about (each switch reason, pending and cancel, all
/// sites down, wake rechecks, bootstrap, configuration errors, stop).
#[test]
fn generated_cases_reach_every_rule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = case();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for _ in 0..200 {
        let case = strategy
            .new_tree(&mut runner)
            .expect("the case strategy always generates")
            .current();
        for record in replay(&case, case.seed).trace {
            *seen.entry(coverage_key(&record.output)).or_default() += 1;
        }
    }
    let mut expected = vec![
        "all_sites_down".to_owned(),
        "config_error".to_owned(),
        "connect_config_server".to_owned(),
        "probe".to_owned(),
        "recheck".to_owned(),
        "phase_changed active peer".to_owned(),
        "phase_changed stopped".to_owned(),
    ];
    for reason in [
        Reason::SiteTimeout,
        Reason::EndpointTimeout,
        Reason::AutoRestore,
    ] {
        expected.push(format!("switchover_pending {reason}"));
        expected.push(format!("switchover_cancelled {reason}"));
    }
    for reason in [
        Reason::SiteTimeout,
        Reason::EndpointTimeout,
        Reason::AutoRestore,
        Reason::Manual,
    ] {
        expected.push(format!("switched {reason}"));
    }
    let missing: Vec<&String> = expected.iter().filter(|k| !seen.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "200 generated cases never produced {missing:?}; seen: {seen:#?}"
    );
}

fn coverage_key(output: &Output) -> String {
    match output {
        Output::Switched { reason, .. } => format!("switched {reason}"),
        Output::SwitchoverPending { reason, .. } => format!("switchover_pending {reason}"),
        Output::SwitchoverCancelled { reason, .. } => format!("switchover_cancelled {reason}"),
        Output::PhaseChanged { phase, role, .. } => match role {
            Some(role) => format!("phase_changed {phase} {role}"),
            None => format!("phase_changed {phase}"),
        },
        other => other.type_name().to_owned(),
    }
}

// ---- checks ----

/// (b): every `handle_timeout` leaves the next deadline after the engine's time;
/// host loops stay under [`MAX_TIMEOUTS_PER_MINUTE`].
fn check_progress(replay: &Replay) -> Result<(), String> {
    for call in &replay.timeouts {
        if let Some(next) = call.next
            && next <= call.now
        {
            return Err(format!(
                "handle_timeout({}) with poll_timeout {:?} before it left poll_timeout at {next}, \
                 not after engine time {} (a host would busy-loop)",
                call.arg, call.deadline, call.now
            ));
        }
    }
    for run in &replay.runs {
        if run.hit_cap {
            return Err(format!(
                "host loop from {} to {} needed more than {RUN_CALL_CAP} handle_timeout calls",
                run.from, run.until
            ));
        }
        if let Some((minute, calls)) = run.per_minute.iter().max_by_key(|(_, calls)| **calls)
            && *calls > MAX_TIMEOUTS_PER_MINUTE
        {
            return Err(format!(
                "host loop made {calls} handle_timeout calls in virtual minute {minute} \
                 (more than {MAX_TIMEOUTS_PER_MINUTE})"
            ));
        }
    }
    Ok(())
}

/// (c): replaying the commands, a site is connected only after the previous one
/// was disconnected, and the endpoint registered at one site at most.
fn check_one_site(replay: &Replay) -> Result<(), String> {
    let mut connected: Option<&Name> = None;
    let mut registered: Option<&Name> = None;
    for record in &replay.trace {
        let at = record.at;
        match &record.output {
            Output::Connect { site } => {
                if let Some(other) = connected {
                    return Err(format!(
                        "at {at}: connect {{{site}}} while still connected to {other} (no disconnect)"
                    ));
                }
                connected = Some(site);
            }
            Output::Disconnect { site } => {
                if connected != Some(site) {
                    return Err(format!(
                        "at {at}: disconnect {{{site}}} while connected to {connected:?}"
                    ));
                }
                connected = None;
            }
            Output::RegisterEndpoint { site } => {
                if let Some(other) = registered {
                    return Err(format!(
                        "at {at}: register_endpoint {{{site}}} while registering at {other} \
                         (no unregister_endpoint)"
                    ));
                }
                registered = Some(site);
            }
            Output::UnregisterEndpoint { site } => {
                if registered.is_some_and(|r| r != site) {
                    return Err(format!(
                        "at {at}: unregister_endpoint {{{site}}} while registering at {registered:?}"
                    ));
                }
                registered = None;
            }
            _ => {}
        }
    }
    Ok(())
}

/// What one connection has promised about its failure deadlines.
#[derive(Clone, Copy, Debug)]
struct ConnectionTrack {
    since: Millis,
    /// The smallest T and W in force since the connect.
    min_t: Millis,
    min_w: Millis,
    /// Whether `phase_changed {active}` was seen for this connection.
    active: bool,
    /// Announced, not cancelled `switchover_pending` times: [site-timeout, endpoint-timeout].
    pending: [Option<Millis>; 2],
}

/// (d): a `switched` for site-timeout or endpoint-timeout happens no earlier than
/// the `at` announced for it, or than connect + T / + W when unannounced.
fn check_switch_deadlines(replay: &Replay) -> Result<(), String> {
    let mut current: Option<ConnectionTrack> = None;
    let mut left: Option<ConnectionTrack> = None;
    for call in &replay.calls {
        if let (Some(conn), Some(timing)) = (current.as_mut(), call.timing) {
            conn.min_t = conn.min_t.min(timing.site_timeout);
            conn.min_w = conn.min_w.min(timing.endpoint_timeout);
        }
        for record in &replay.trace[call.outputs.clone()] {
            let at = record.at;
            match &record.output {
                Output::Connect { .. } => {
                    let timing = call.timing.unwrap_or(Timing {
                        site_timeout: 0,
                        endpoint_timeout: 0,
                        ..Timing::default()
                    });
                    current = Some(ConnectionTrack {
                        since: at,
                        min_t: timing.site_timeout,
                        min_w: timing.endpoint_timeout,
                        active: false,
                        pending: [None; 2],
                    });
                }
                Output::Disconnect { .. } => left = current.take(),
                Output::PhaseChanged {
                    phase: Phase::Active,
                    ..
                } => {
                    if let Some(conn) = current.as_mut() {
                        conn.active = true;
                    }
                }
                Output::SwitchoverPending { reason, at, .. } => {
                    if let (Some(slot), Some(conn)) = (failure_slot(*reason), current.as_mut()) {
                        conn.pending[slot] = Some(*at);
                    }
                }
                Output::SwitchoverCancelled { reason, .. } => {
                    if let (Some(slot), Some(conn)) = (failure_slot(*reason), current.as_mut()) {
                        conn.pending[slot] = None;
                    }
                }
                Output::Switched { reason, from, to } => {
                    let Some(slot) = failure_slot(*reason) else {
                        continue;
                    };
                    // Rule 5: with all sites down, a good probe switches at once,
                    // with the reason that brought all sites down.
                    if call.phase_before == Phase::AllSitesDown {
                        if call.source != Source::Input("probe_result") {
                            return Err(format!(
                                "at {at}: switched {from}→{to} ({reason}) in all_sites_down from {:?}, \
                                 not from a probe_result",
                                call.source
                            ));
                        }
                        continue;
                    }
                    if call.source != Source::Timeout {
                        return Err(format!(
                            "at {at}: switched {from}→{to} ({reason}) from {:?}, not from a deadline",
                            call.source
                        ));
                    }
                    let Some(conn) = left else {
                        return Err(format!(
                            "at {at}: switched {from}→{to} ({reason}) without a connection"
                        ));
                    };
                    let earliest = match conn.pending[slot] {
                        Some(announced) => announced,
                        None if slot == 0 && conn.active => {
                            return Err(format!(
                                "at {at}: switched {from}→{to} ({reason}) from an active site \
                                 without an outstanding switchover_pending"
                            ));
                        }
                        None if slot == 0 => conn.since + conn.min_t,
                        None => conn.since + conn.min_w,
                    };
                    if at < earliest {
                        return Err(format!(
                            "at {at}: switched {from}→{to} ({reason}) before its deadline {earliest} \
                             (connected at {}, announced {:?})",
                            conn.since, conn.pending
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// (d, rule 9): a deadline-driven switch whose announced time was never moved
/// (no `recheck`, no `resumed` since) happens within the wake gap of it.
fn check_no_stale_switch(replay: &Replay) -> Result<(), String> {
    // Per reason (site-timeout, endpoint-timeout, auto-restore): the announced time.
    let mut announced: [Option<Millis>; 3] = [None; 3];
    // Whether a recheck or `resumed` may have moved the deadlines of this connection.
    let mut moved = false;
    // The same for the connection a switch just left.
    let mut left = ([None; 3], false);
    for call in &replay.calls {
        if call.source == Source::Input("resumed") {
            moved = true;
        }
        for record in &replay.trace[call.outputs.clone()] {
            match &record.output {
                Output::Disconnect { .. } => {
                    left = (announced, moved);
                    announced = [None; 3];
                    moved = false;
                }
                Output::Recheck { .. } => moved = true,
                Output::SwitchoverPending { reason, at, .. } => {
                    announced[reason_slot(*reason)] = Some(*at);
                }
                Output::SwitchoverCancelled { reason, .. } => {
                    announced[reason_slot(*reason)] = None;
                }
                Output::Switched { reason, from, to } => {
                    let (announced, moved) = left;
                    let (Some(due), Some(timing)) = (announced[reason_slot(*reason)], call.timing)
                    else {
                        continue;
                    };
                    let late = record.at.saturating_sub(due);
                    if call.source == Source::Timeout
                        && call.phase_before != Phase::AllSitesDown
                        && !moved
                        && late > timing.wake_gap
                    {
                        return Err(format!(
                            "at {}: switched {from}→{to} ({reason}) {late} ms after it was due at {due}, \
                             more than the wake gap {} ms: it should have rechecked",
                            record.at, timing.wake_gap
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn reason_slot(reason: Reason) -> usize {
    match reason {
        Reason::SiteTimeout => 0,
        Reason::EndpointTimeout => 1,
        Reason::AutoRestore | Reason::Manual => 2,
    }
}

fn failure_slot(reason: Reason) -> Option<usize> {
    match reason {
        Reason::SiteTimeout => Some(0),
        Reason::EndpointTimeout => Some(1),
        Reason::AutoRestore | Reason::Manual => None,
    }
}

/// (e): two runs with different seeds agree up to the first randomized decision,
/// and that decision differs only in its time, inside its window.
fn check_seed_divergence(a: &Replay, b: &Replay) -> Result<(), String> {
    let (a, b) = (a.outputs(), b.outputs());
    let Some(split) = a.iter().zip(&b).position(|(x, y)| x != y) else {
        // One trace may be a prefix of the other only after a randomized decision.
        let common = a.len().min(b.len());
        if a.len() == b.len() || a[..common].iter().any(|(_, o)| is_randomized(o)) {
            return Ok(());
        }
        return Err(format!(
            "traces differ in length ({} vs {}) without a randomized decision",
            a.len(),
            b.len()
        ));
    };
    if a[..split].iter().any(|(_, o)| is_randomized(o)) {
        return Ok(());
    }
    let ((at_a, out_a), (at_b, out_b)) = (&a[split], &b[split]);
    let same_but_time = at_a == at_b
        && match (out_a, out_b) {
            (Output::AllSitesDown { .. }, Output::AllSitesDown { .. }) => true,
            (
                Output::SwitchoverPending {
                    from: f1,
                    to: t1,
                    reason: Reason::AutoRestore,
                    ..
                },
                Output::SwitchoverPending {
                    from: f2,
                    to: t2,
                    reason: Reason::AutoRestore,
                    ..
                },
            ) => f1 == f2 && t1 == t2,
            _ => false,
        };
    if same_but_time {
        return Ok(());
    }
    Err(format!(
        "another seed changed output #{split} without a randomized decision before it: \
         {at_a}: {out_a:?} vs {at_b}: {out_b:?}"
    ))
}

/// Outputs that carry (or follow) a draw from the engine's PRNG.
fn is_randomized(output: &Output) -> bool {
    match output {
        Output::AllSitesDown { .. } => true,
        Output::SwitchoverPending { reason, .. } => *reason == Reason::AutoRestore,
        // The last Configuration Server Proxy of a round: after it comes the round backoff.
        Output::ConnectConfigServer { site, member } => {
            &**site == "SiteB" && *member == Member::Backup
        }
        _ => false,
    }
}

/// (f): commands emitted by deadlines in or into all-sites-down stay under
/// [`MAX_ALL_DOWN_COMMANDS_PER_SECOND`] in every virtual second.
fn check_all_down_rate(replay: &Replay) -> Result<(), String> {
    let times: Vec<Millis> = replay
        .calls
        .iter()
        .filter(|call| {
            call.source == Source::Timeout
                && (call.phase_before == Phase::AllSitesDown
                    || call.phase_after == Phase::AllSitesDown)
        })
        .flat_map(|call| &replay.trace[call.outputs.clone()])
        .filter(|record| record.output.is_command())
        .map(|record| record.at)
        .collect();
    let mut start = 0;
    for (end, &at) in times.iter().enumerate() {
        while times[start] + 1000 <= at {
            start += 1;
        }
        let count = end - start + 1;
        if count > MAX_ALL_DOWN_COMMANDS_PER_SECOND {
            return Err(format!(
                "{count} commands from deadlines in all_sites_down between {} and {at}",
                times[start]
            ));
        }
    }
    Ok(())
}

/// (f, liveness): with nobody answering, attempts alternate between the sites
/// and follow each other within min(T, W) + backoff cap.
fn check_alternating(replay: &Replay, timing: (Millis, Millis, Millis)) -> Result<(), String> {
    let (t, w, cap) = timing;
    let connects: Vec<(Millis, &Name)> = replay
        .trace
        .iter()
        .filter_map(|r| match &r.output {
            Output::Connect { site } => Some((r.at, site)),
            _ => None,
        })
        .collect();
    if !replay
        .trace
        .iter()
        .any(|r| matches!(r.output, Output::AllSitesDown { .. }))
    {
        return Err("no all_sites_down in 30 minutes without a single link".into());
    }
    for pair in connects.windows(2) {
        let ((t1, s1), (t2, s2)) = (pair[0], pair[1]);
        if s1 == s2 {
            return Err(format!("connect {s1} at {t1} then {s2} again at {t2}"));
        }
        if t2 - t1 > t.min(w) + cap {
            return Err(format!(
                "connect {s1} at {t1}, next attempt {s2} only at {t2} (more than min(T, W) + cap = {})",
                t.min(w) + cap
            ));
        }
    }
    Ok(())
}
