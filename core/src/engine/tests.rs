//! What traces cannot show: status snapshots, ignored-input counters, the
//! timeout contract. (Rule-by-rule behaviour is checked by the scenario corpus.)

use super::*;
use crate::types::Reason;

/// The corpus' two-site bundle with a 30 s site timeout.
fn bundle() -> serde_json::Value {
    let mut value: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/data/two-site.json")).unwrap();
    value["application"]["options"]["interaction-workspace"]["disaster-recovery.timeout"] =
        "30".into();
    value
}

fn engine() -> Engine {
    engine_with_seed(1)
}

fn engine_with_seed(seed: u64) -> Engine {
    Engine::new(serde_json::from_value(bundle()).unwrap(), seed).unwrap()
}

fn drain(engine: &mut Engine) -> Vec<Output> {
    std::iter::from_fn(|| engine.poll_output().map(|e| e.output)).collect()
}

/// Starts on SiteA and brings every service up, endpoint registered.
fn active_on_a(engine: &mut Engine) {
    engine.handle_start(0);
    for service in Service::ALL {
        engine.handle_link_up("SiteA", service, Member::Primary, 100);
    }
    engine.handle_endpoint_registered("SiteA", 200);
    drain(engine);
}

#[test]
fn status_tracks_the_connection_and_the_pending_switch() {
    let mut engine = engine();
    assert_eq!(engine.status().phase, Phase::Idle);
    active_on_a(&mut engine);
    engine.handle_interaction_started("call-1".into(), 300);
    engine.handle_link_down("SiteA", Service::StatServer, Member::Primary, 1_000);
    let status = engine.status();
    assert_eq!(status.phase, Phase::Active);
    assert_eq!(status.site.as_deref(), Some("SiteA"));
    assert_eq!(status.role, Some(Role::Preferred));
    assert_eq!(status.connected_since, Some(0));
    assert_eq!(
        status.pending,
        Some(PendingSwitch {
            to: "SiteB".into(),
            at: 31_000,
            reason: Reason::SiteTimeout
        })
    );
    let stat = status.services[Service::StatServer.index()];
    assert_eq!(
        (stat.primary, stat.backup, stat.up),
        (LinkState::Down, LinkState::Unknown, false)
    );
    assert!(stat.trigger);
    assert!(status.endpoint_registered);
    assert_eq!(status.interactions, [Name::from("call-1")]);
    assert_eq!(
        status.next_timer,
        Some(NextTimer {
            at: 31_000,
            timer: TimerKind::SiteTimeout
        })
    );
}

#[test]
fn ignored_inputs_are_counted_by_kind_and_emit_nothing() {
    use Handled::{Applied, Ignored as Ign, Refused};
    let mut engine = engine();
    assert_eq!(
        engine.handle_link_up("SiteA", Service::SipServer, Member::Primary, 0),
        Ign(Ignore::OutOfPhase),
        "link before start"
    );
    assert_eq!(engine.ignored().out_of_phase, 1);
    active_on_a(&mut engine);
    let answers = [
        engine.handle_start(300),
        engine.handle_link_up("SiteA", Service::SipServer, Member::Primary, 300),
        engine.handle_link_down("SiteZ", Service::SipServer, Member::Primary, 300),
        engine.handle_link_down("SiteB", Service::SipServer, Member::Primary, 300),
        engine.handle_interaction_ended("no-such-call", 300),
        engine.handle_switch_requested("SiteA", 300),
        engine.handle_probe_result("SiteB", true, 300),
    ];
    assert_eq!(
        answers,
        [
            Ign(Ignore::Duplicate),
            Ign(Ignore::Duplicate),
            Ign(Ignore::Unknown),
            Ign(Ignore::OutOfPhase),
            Ign(Ignore::Unknown),
            Ign(Ignore::Duplicate),
            Ign(Ignore::OutOfPhase),
        ]
    );
    assert!(drain(&mut engine).is_empty());
    assert_eq!(
        engine.ignored(),
        Ignored {
            duplicate: 3,
            unknown: 2,
            out_of_phase: 3
        }
    );
    assert_eq!(engine.handle_stop(400), Applied);
    drain(&mut engine);
    assert_eq!(engine.handle_start(500), Refused);
    assert_eq!(
        engine.handle_link_up("SiteA", Service::SipServer, Member::Primary, 500),
        Refused
    );
    assert_eq!(engine.handle_stop(500), Refused, "stop is final");
    assert_eq!(engine.ignored().out_of_phase, 6);
    assert_eq!(engine.ignored().duplicate, 3);
    assert!(drain(&mut engine).is_empty());
    assert_eq!(
        [
            Applied.as_str(),
            Ign(Ignore::OutOfPhase).as_str(),
            Refused.as_str()
        ],
        ["applied", "out-of-phase", "refused"]
    );
}

/// Every output with its time.
fn drain_timed(engine: &mut Engine) -> Vec<(Millis, &'static str)> {
    std::iter::from_fn(|| engine.poll_output())
        .map(|e| (e.at, e.output.type_name()))
        .collect()
}

#[test]
fn an_input_after_a_late_timer_finds_the_deadline_handled_at_its_own_time() {
    // The site timeout falls due at 30 s; the host's timer has not fired
    // when a link comes up at 31 s (a throttled tab).
    let mut late = engine();
    late.handle_start(0);
    drain(&mut late);
    assert_eq!(
        late.handle_link_up("SiteB", Service::SipServer, Member::Primary, 31_000),
        Handled::Applied,
        "the switch to SiteB happened first, so the link is SiteB's"
    );
    let outputs = drain_timed(&mut late);
    assert_eq!(
        &outputs[..5],
        &[
            (30_000, "unregister_endpoint"),
            (30_000, "disconnect"),
            (30_000, "connect"),
            (30_000, "register_endpoint"),
            (30_000, "switched"),
        ]
    );
    // The same inputs with a punctual timer: the same outputs, the same times,
    // and the next deadlines count from 30 s either way.
    let mut punctual = engine();
    punctual.handle_start(0);
    drain(&mut punctual);
    punctual.handle_timeout(30_000);
    punctual.handle_link_up("SiteB", Service::SipServer, Member::Primary, 31_000);
    assert_eq!(drain_timed(&mut punctual), outputs);
    assert_eq!(late.poll_timeout(), punctual.poll_timeout());
    assert_eq!(late.poll_timeout(), Some(60_000));
}

#[test]
fn a_deadline_later_than_the_wake_gap_is_rechecked_even_when_an_input_comes_first() {
    let mut engine = engine();
    engine.handle_start(0);
    drain(&mut engine);
    // 30 s due, the host wakes at 40 s (more than the 5 s wake gap) with an input.
    engine.handle_link_up("SiteA", Service::SipServer, Member::Primary, 40_000);
    assert_eq!(drain_timed(&mut engine), [(40_000, "recheck")]);
    assert_eq!(
        engine.poll_timeout(),
        Some(50_000),
        "re-armed at now + grace"
    );
}

#[test]
fn poll_timeout_answers_now_while_outputs_wait_and_moves_past_handled_deadlines() {
    let mut engine = engine();
    engine.handle_start(1_000);
    assert_eq!(engine.poll_timeout(), Some(1_000), "outputs are waiting");
    drain(&mut engine);
    assert_eq!(engine.poll_timeout(), Some(31_000));
    engine.handle_timeout(30_999);
    assert!(
        drain(&mut engine).is_empty(),
        "a spurious timeout is a no-op"
    );
    engine.handle_timeout(31_000);
    let outputs = drain(&mut engine);
    assert!(matches!(
        outputs[4],
        Output::Switched {
            reason: Reason::SiteTimeout,
            ..
        }
    ));
    assert!(engine.poll_timeout().unwrap() > 31_000);
}

#[test]
fn time_going_backwards_counts_as_the_last_time_seen() {
    let mut engine = engine();
    engine.handle_start(10_000);
    engine.handle_link_down("SiteA", Service::SipServer, Member::Primary, 5_000);
    assert_eq!(engine.now(), 10_000);
    assert_eq!(engine.poll_timeout(), Some(10_000));
    drain(&mut engine);
    assert_eq!(
        engine.poll_timeout(),
        Some(40_000),
        "deadline from the connect at 10 s"
    );
}

#[test]
fn an_invalid_bundle_is_refused_with_its_diagnostics() {
    let mut value = bundle();
    value["person"]["options"]["interaction-workspace"]
        .as_object_mut()
        .unwrap()
        .remove("disaster-recovery.peer-site");
    let err = Engine::new(serde_json::from_value(value).unwrap(), 1).unwrap_err();
    let Error::Invalid { diagnostics } = err else {
        panic!("expected an invalid-configuration error");
    };
    assert_eq!(diagnostics[0].code, "peer-site-missing");
}

#[test]
fn a_manual_switch_pins_and_status_says_so() {
    let mut engine = engine();
    active_on_a(&mut engine);
    engine.handle_switch_requested("SiteB", 1_000);
    let outputs = drain(&mut engine);
    assert!(outputs.contains(&Output::Switched {
        from: "SiteA".into(),
        to: "SiteB".into(),
        reason: Reason::Manual
    }));
    assert!(engine.status().pinned);
}

#[test]
fn the_same_seed_and_inputs_give_the_same_outputs() {
    let run = |seed| {
        let mut engine = engine_with_seed(seed);
        engine.handle_start(0);
        let mut outputs = drain(&mut engine);
        // Neither site ever comes up: all sites down, with seeded backoff.
        for _ in 0..12 {
            let Some(at) = engine.poll_timeout() else {
                break;
            };
            engine.handle_timeout(at);
            outputs.extend(drain(&mut engine));
        }
        outputs
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4), "the backoff is drawn from the seed");
}

#[test]
fn the_sites_an_engine_knows_are_its_policy_sites_or_its_bootstrap_sites() {
    let engine = engine();
    assert!(engine.knows_site("SiteA") && engine.knows_site("SiteB"));
    assert!(!engine.knows_site("SiteC"));

    let local_only = serde_json::json!({ "version": 1, "local": bundle()["local"] });
    let booting = Engine::new(serde_json::from_value(local_only).unwrap(), 1).unwrap();
    assert!(booting.policy().is_none());
    assert!(booting.knows_site("SiteA") && booting.knows_site("SiteB"));
    assert!(!booting.knows_site("SiteC"));
}

#[test]
fn a_sibling_starts_idle_and_decides_as_a_new_engine_with_its_seed() {
    let mut used = engine_with_seed(3);
    active_on_a(&mut used);
    drain(&mut used);
    // A sibling of a running engine carries none of its state …
    let mut sibling = used.sibling(9);
    assert_eq!(sibling.phase(), Phase::Idle);
    assert_eq!(sibling.poll_timeout(), None);
    // … and makes the same decisions, timings and draws as `Engine::new` with that seed.
    let mut fresh = engine_with_seed(9);
    for engine in [&mut sibling, &mut fresh] {
        active_on_a(engine);
        engine.handle_link_down("SiteA", Service::SipServer, Member::Primary, 1_000);
        engine.handle_link_down("SiteA", Service::SipServer, Member::Backup, 1_000);
        engine.handle_timeout(31_000);
    }
    let (a, b) = (drain(&mut sibling), drain(&mut fresh));
    assert!(a.iter().any(|o| matches!(o, Output::Switched { .. })));
    assert_eq!(a, b);
    assert_eq!(sibling.status(), fresh.status());
}
