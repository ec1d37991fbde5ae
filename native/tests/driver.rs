//! The tokio driver in virtual time (`tokio::time::pause()`): it makes the
//! decisions of the scenario runner at the same milliseconds, sleeps between
//! events, publishes its status, and shuts down without dropping anything.

mod common;

use std::time::Duration;

use continuity_core::{
    Bundle, Emitted, Engine, Input, Member, Millis, Output, Phase, Scenario, Service, Step, trace,
};
use continuity_native::driver::{Closed, Driver, HealthKey, Outputs};
use continuity_native::files::load_scenario;
use tokio::runtime::Runtime;
use tokio::time::{Instant, sleep_until};

/// A current-thread runtime whose clock starts paused: time moves only when
/// every task waits, straight to the next timer.
fn paused_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

fn workspace_bundle() -> Bundle {
    Bundle::from_json(include_str!("../../examples/bundles/workspace.json")).unwrap()
}

async fn collect(mut outputs: Outputs) -> Vec<Emitted> {
    let mut lines = Vec::new();
    while let Some(line) = outputs.next().await {
        lines.push(line);
    }
    lines
}

/// Runs a scenario's steps through a driver in virtual time, each input sent
/// when the clock reads its `at`, then shuts down at `until`.
async fn drive(scenario: &Scenario, bundle: Bundle) -> Vec<Emitted> {
    let origin = Instant::now();
    let (driver, outputs) = Driver::spawn(Engine::new(bundle, scenario.seed).unwrap());
    let collected = tokio::spawn(collect(outputs));
    for step in &scenario.steps {
        let Step::Input { at, input } = step else {
            unreachable!("scenarios with freezes are not driven")
        };
        sleep_until(origin + Duration::from_millis(*at)).await;
        driver.send(input.clone()).unwrap();
    }
    sleep_until(origin + Duration::from_millis(scenario.until)).await;
    driver.shutdown().await.unwrap();
    collected.await.unwrap()
}

/// What the scenario runner gives for the same steps followed by `stop` at
/// `until`, which is what the driver's shutdown does.
fn expected(scenario: &Scenario, bundle: Bundle) -> Vec<Emitted> {
    let mut with_stop = scenario.clone();
    with_stop.steps.push(Step::Input {
        at: scenario.until,
        input: Input::Stop,
    });
    with_stop.run(bundle).unwrap()
}

/// A scenario the driver can play in real (virtual) time: no frozen host
/// (a driver's clock cannot be stopped from outside) and steps in time order.
fn drivable(scenario: &Scenario) -> bool {
    let mut last = 0;
    scenario.steps.iter().all(|step| {
        let ok = matches!(step, Step::Input { .. }) && step.at() >= last;
        last = step.at();
        ok
    }) && scenario.until >= last
}

#[test]
fn driver_makes_every_decision_of_the_scenario_corpus_at_the_same_millisecond() {
    let dir = common::repo().join("tests/scenarios");
    let mut driven = 0;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "json")
                && !path.to_string_lossy().ends_with(".trace.jsonl")
        })
        .collect();
    paths.sort();
    for path in paths {
        let (scenario, loaded) = load_scenario(&path).unwrap();
        if !drivable(&scenario) {
            continue;
        }
        let want = expected(&scenario, loaded.bundle.clone());
        let got = paused_runtime().block_on(drive(&scenario, loaded.bundle));
        assert_eq!(
            trace::render(&got),
            trace::render(&want),
            "{}: the driver's trace differs from the scenario runner's",
            path.display()
        );
        driven += 1;
    }
    assert!(
        driven >= 40,
        "only {driven} scenarios were drivable: the corpus moved?"
    );
}

/// Drives a scenario whose freezes stand for a late timer: an input inside a
/// freeze is sent, then the clock is moved to its time without letting the
/// driver's timer run first, so the input reaches the task before the
/// overdue deadline's wake-up does.
///
/// Answers the outputs and the timer wake-ups during the freezes.
async fn drive_with_late_timer(scenario: &Scenario, bundle: Bundle) -> (Vec<Emitted>, u64) {
    let origin = Instant::now();
    let (driver, outputs) = Driver::spawn(Engine::new(bundle, scenario.seed).unwrap());
    assert_eq!(
        driver.instant(72_000),
        Some(origin + Duration::from_secs(72)),
        "engine time is milliseconds since the spawn"
    );
    let collected = tokio::spawn(collect(outputs));
    let mut frozen_until = 0;
    let mut wakeups_while_frozen = 0;
    for step in &scenario.steps {
        match step {
            Step::Freeze { at, until } => {
                sleep_until(origin + Duration::from_millis(*at)).await;
                frozen_until = *until;
            }
            Step::Input { at, input } if *at < frozen_until => {
                let before = driver.stats().timer_wakeups;
                driver.send(input.clone()).unwrap();
                let now = Instant::now().duration_since(origin);
                tokio::time::advance(Duration::from_millis(*at).saturating_sub(now)).await;
                wakeups_while_frozen += driver.stats().timer_wakeups - before;
            }
            Step::Input { at, input } => {
                sleep_until(origin + Duration::from_millis(*at)).await;
                driver.send(input.clone()).unwrap();
            }
        }
    }
    sleep_until(origin + Duration::from_millis(scenario.until)).await;
    driver.shutdown().await.unwrap();
    (collected.await.unwrap(), wakeups_while_frozen)
}

#[test]
fn an_input_that_beats_a_late_timer_gets_the_scenario_runners_trace() {
    let path = common::repo().join("tests/scenarios/late-timer-changes-nothing.json");
    let (scenario, loaded) = load_scenario(&path).unwrap();
    let want = expected(&scenario, loaded.bundle.clone());
    let (got, wakeups) = paused_runtime().block_on(drive_with_late_timer(&scenario, loaded.bundle));
    assert_eq!(
        wakeups, 0,
        "the inputs reached the task before the late timer: the engine caught up by itself"
    );
    assert_eq!(trace::render(&got), trace::render(&want));
    let switched = got
        .iter()
        .find(|emitted| matches!(emitted.output, Output::Switched { .. }))
        .expect("the scenario switches");
    assert_eq!(
        switched.at, 72_000,
        "the deadline's own time, not the input's"
    );
}

#[test]
fn a_lost_sip_server_pair_switches_at_exactly_t_plus_the_site_timeout() {
    paused_runtime().block_on(async {
        let origin = Instant::now();
        let (driver, mut outputs) = Driver::spawn(Engine::new(workspace_bundle(), 1).unwrap());
        // workspace.json leaves disaster-recovery.timeout at its default, 60 s.
        let timeout: Millis = 60_000;
        driver.send(Input::Start).unwrap();
        let health = driver.health_sender();
        for service in [
            Service::SipServer,
            Service::StatServer,
            Service::ConfigServer,
        ] {
            let key = HealthKey::Link {
                site: "SiteA".into(),
                service,
                member: Member::Primary,
            };
            health.send((key, true)).await.unwrap();
        }
        driver
            .send(Input::EndpointRegistered {
                site: "SiteA".into(),
            })
            .unwrap();
        let mut status = driver.status();
        status
            .wait_for(|status| status.phase == Phase::Active)
            .await
            .unwrap();

        sleep_until(origin + Duration::from_millis(12_000)).await;
        let down = HealthKey::Link {
            site: "SiteA".into(),
            service: Service::SipServer,
            member: Member::Primary,
        };
        health.send((down, false)).await.unwrap();

        let switched = loop {
            let line = outputs.next().await.unwrap();
            if let Output::Switched { .. } = line.output {
                break line;
            }
        };
        assert_eq!(switched.at, 12_000 + timeout);
        assert_eq!(
            Instant::now() - origin,
            Duration::from_millis(12_000 + timeout),
            "the switch came out at the deadline's instant"
        );
        assert_eq!(
            switched.output,
            Output::Switched {
                from: "SiteA".into(),
                to: "SiteB".into(),
                reason: continuity_core::Reason::SiteTimeout,
            }
        );
        assert_eq!(driver.status().borrow().site.as_deref(), Some("SiteB"));
        driver.shutdown().await.unwrap();
    });
}

#[test]
fn the_driver_sleeps_between_deadlines_and_never_spins() {
    paused_runtime().block_on(async {
        let origin = Instant::now();
        let (driver, outputs) = Driver::spawn(Engine::new(workspace_bundle(), 3).unwrap());
        let collected = tokio::spawn(collect(outputs));
        // Nothing ever comes up: the engine alternates between the sites with
        // backoff for an hour of virtual time.
        driver.send(Input::Start).unwrap();
        sleep_until(origin + Duration::from_secs(3600)).await;
        let stats = driver.stats();
        assert_eq!(driver.status().borrow().phase, Phase::AllSitesDown);
        driver.shutdown().await.unwrap();
        let lines = collected.await.unwrap();
        // One wake-up per deadline: each one moves the engine on, so it
        // leaves a mark in the trace (a switch, an attempt, a probe).
        let instants: std::collections::BTreeSet<Millis> =
            lines.iter().map(|line| line.at).collect();
        assert!(stats.timer_wakeups > 10, "{stats:?}");
        assert!(
            stats.timer_wakeups <= instants.len() as u64,
            "{} wake-ups for {} distinct output times: the driver woke without cause",
            stats.timer_wakeups,
            instants.len()
        );
        assert!(
            stats.timer_wakeups < 3600,
            "more than one wake-up a second on average: {stats:?}"
        );
    });
}

#[test]
fn an_engine_with_nothing_due_is_not_woken_at_all() {
    paused_runtime().block_on(async {
        let origin = Instant::now();
        let bundle =
            Bundle::from_json(include_str!("../../tests/scenarios/bundles/disabled.json")).unwrap();
        let (driver, _outputs) = Driver::spawn(Engine::new(bundle, 3).unwrap());
        driver.send(Input::Start).unwrap();
        sleep_until(origin + Duration::from_secs(24 * 3600)).await;
        assert_eq!(driver.stats().timer_wakeups, 0, "{:?}", driver.stats());
        driver.shutdown().await.unwrap();
    });
}

#[test]
fn shutdown_handles_every_accepted_input_then_stops() {
    paused_runtime().block_on(async {
        let (driver, outputs) = Driver::spawn(Engine::new(workspace_bundle(), 5).unwrap());
        let collected = tokio::spawn(collect(outputs));
        let sender = driver.input_sender();
        sender.send(Input::Start).unwrap();
        for id in 0..1000 {
            sender
                .send(Input::InteractionStarted {
                    id: format!("call-{id}").into(),
                })
                .unwrap();
        }
        let engine = driver.shutdown().await.unwrap();
        assert_eq!(engine.status().interactions.len(), 1000);
        assert_eq!(engine.phase(), Phase::Stopped);
        assert_eq!(
            sender.send(Input::Resumed),
            Err(Closed),
            "after shutdown an input is refused, not lost silently"
        );
        let lines = collected.await.unwrap();
        let tail: Vec<_> = lines
            .iter()
            .rev()
            .take(3)
            .rev()
            .map(|l| &l.output)
            .collect();
        assert_eq!(
            tail,
            [
                &Output::UnregisterEndpoint {
                    site: "SiteA".into()
                },
                &Output::Disconnect {
                    site: "SiteA".into()
                },
                &Output::PhaseChanged {
                    phase: Phase::Stopped,
                    site: None,
                    role: None
                },
            ],
            "the stream ends with the stop's commands"
        );
    });
}

#[test]
fn dropping_every_sender_stops_the_engine_and_ends_the_stream() {
    paused_runtime().block_on(async {
        let (driver, outputs) = Driver::spawn(Engine::new(workspace_bundle(), 5).unwrap());
        driver.send(Input::Start).unwrap();
        drop(driver);
        let lines = collect(outputs).await;
        assert_eq!(
            lines.last().map(|line| &line.output),
            Some(&Output::PhaseChanged {
                phase: Phase::Stopped,
                site: None,
                role: None
            })
        );
    });
}

#[test]
fn status_follows_the_engine() {
    paused_runtime().block_on(async {
        let (driver, _outputs) = Driver::spawn(Engine::new(workspace_bundle(), 5).unwrap());
        let mut status = driver.status();
        assert_eq!(status.borrow_and_update().phase, Phase::Idle);
        driver.send(Input::Start).unwrap();
        status.changed().await.unwrap();
        let now = status.borrow_and_update().clone();
        assert_eq!(now.phase, Phase::Connecting);
        assert_eq!(now.site.as_deref(), Some("SiteA"));
        driver.shutdown().await.unwrap();
    });
}
