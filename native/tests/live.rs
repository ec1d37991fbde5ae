//! The engine live on real loopback sockets: the command host, `continuity
//! watch` (JSON Lines, Ctrl-C) and `continuity demo`.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use continuity_core::{Bundle, Member, Output, Service};
use continuity_native::demo::{self, FakeSite};
use continuity_native::driver::HealthKey;
use continuity_native::health::HealthSettings;
use continuity_native::host::{CommandHost, Endpoints};
use tokio::sync::mpsc;

fn fast_checks() -> HealthSettings {
    HealthSettings {
        interval: Duration::from_millis(100),
        timeout: Duration::from_millis(150),
        rise: 1,
        fall: 1,
    }
}

#[tokio::test]
async fn the_bundle_says_what_to_check_at_each_site() {
    let (a, b) = (
        FakeSite::start("SiteA").await.unwrap(),
        FakeSite::start("SiteB").await.unwrap(),
    );
    let endpoints = Endpoints::from_bundle(&demo::bundle(&a, &b));
    assert!(
        endpoints.unmonitored.is_empty(),
        "{:?}",
        endpoints.unmonitored
    );
    let site_a = &endpoints.sites["SiteA"];
    let members: Vec<_> = site_a
        .links
        .iter()
        .map(|l| (l.server.as_str(), l.service, l.member))
        .collect();
    assert_eq!(
        members,
        [
            ("SIPS_A", Service::SipServer, Member::Primary),
            ("SIPS_A_B", Service::SipServer, Member::Backup),
            ("Stat_A", Service::StatServer, Member::Primary),
            ("Stat_A_B", Service::StatServer, Member::Backup),
            ("CS_A", Service::ConfigServer, Member::Primary),
            ("CS_A_B", Service::ConfigServer, Member::Backup),
        ]
    );
    assert_eq!(site_a.sip.len(), 1);
    assert!(site_a.config_servers.iter().all(Option::is_some));

    // Agent-desktop dialect: servers belong to the site whose desktop
    // application object connects to them; a server without an address is
    // listed as unmonitored.
    let agent_desktop =
        Bundle::from_json(include_str!("../../examples/bundles/agent-desktop.json")).unwrap();
    let endpoints = Endpoints::from_bundle(&agent_desktop);
    assert!(endpoints.sites["SiteA"].links.is_empty());
    assert!(endpoints.unmonitored.contains(&"SIPS_A".to_owned()));
}

#[tokio::test]
async fn the_command_host_turns_commands_into_reports_from_real_sockets() {
    let (mut a, b) = (
        FakeSite::start("SiteA").await.unwrap(),
        FakeSite::start("SiteB").await.unwrap(),
    );
    let (reports_tx, mut reports) = mpsc::channel(64);
    let mut host = CommandHost::new(
        Endpoints::from_bundle(&demo::bundle(&a, &b)),
        fast_checks(),
        reports_tx,
    );
    host.carry_out(&Output::Connect {
        site: "SiteA".into(),
    });
    host.carry_out(&Output::RegisterEndpoint {
        site: "SiteA".into(),
    });
    let mut up = std::collections::BTreeSet::new();
    while up.len() < 7 {
        let (key, alive) = reports.recv().await.unwrap();
        assert!(alive, "{key} reported dead while SiteA is up");
        up.insert(key.to_string());
    }
    assert!(up.contains("SiteA SIP endpoint"), "{up:?}");

    a.kill();
    let mut down = std::collections::BTreeSet::new();
    while down.len() < 7 {
        let (key, alive) = reports.recv().await.unwrap();
        assert!(!alive, "{key} reported alive after SiteA went dark");
        down.insert(key.to_string());
    }

    host.carry_out(&Output::Probe {
        site: "SiteA".into(),
    });
    let probe = HealthKey::Probe {
        site: "SiteA".into(),
    };
    assert_eq!(reports.recv().await, Some((probe.clone(), false)));
    a.restore().await.unwrap();
    host.carry_out(&Output::Probe {
        site: "SiteA".into(),
    });
    // The monitors are still running and report SiteA up again; the
    // one-shot probe answers among them.
    loop {
        let (key, alive) = reports.recv().await.unwrap();
        if key == probe {
            assert!(alive);
            break;
        }
    }

    host.carry_out(&Output::Disconnect {
        site: "SiteA".into(),
    });
    host.carry_out(&Output::UnregisterEndpoint {
        site: "SiteA".into(),
    });
    a.kill();
    // Reports of checks already under way may still come; after that,
    // nothing is monitored any more and the channel stays quiet.
    tokio::time::sleep(Duration::from_millis(400)).await;
    while reports.try_recv().is_ok() {}
    let next = tokio::time::timeout(Duration::from_millis(500), reports.recv()).await;
    assert!(
        next.is_err(),
        "a report after the monitors stopped: {next:?}"
    );
}

#[tokio::test]
async fn what_the_bundle_does_not_locate_is_taken_as_registered_or_unhealthy() {
    // workspace.json gives no addresses at all.
    let bundle = Bundle::from_json(include_str!("../../examples/bundles/workspace.json")).unwrap();
    let (reports_tx, mut reports) = mpsc::channel(8);
    let mut host = CommandHost::new(Endpoints::from_bundle(&bundle), fast_checks(), reports_tx);
    host.carry_out(&Output::RegisterEndpoint {
        site: "SiteA".into(),
    });
    assert_eq!(
        reports.recv().await,
        Some((
            HealthKey::Endpoint {
                site: "SiteA".into()
            },
            true
        )),
        "no SIP address: the registration cannot be watched and counts as done"
    );
    host.carry_out(&Output::Probe {
        site: "SiteA".into(),
    });
    assert_eq!(
        reports.recv().await,
        Some((
            HealthKey::Probe {
                site: "SiteA".into()
            },
            false
        )),
        "nothing to probe: the site cannot be shown healthy"
    );
}

/// Lines of a child's standard output, as they come.
fn lines_of(child: &mut std::process::Child) -> std_mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std_mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (at most 30 s) for a line containing `needle`; returns every line read.
fn wait_for(lines: &std_mpsc::Receiver<String>, needle: &str, seen: &mut Vec<String>) {
    loop {
        match lines.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return;
                }
            }
            Err(_) => panic!(
                "no line with {needle} came; output so far:\n{}",
                seen.join("\n")
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_follows_real_servers_and_stops_cleanly_on_ctrl_c() {
    let (mut a, b) = (
        FakeSite::start("SiteA").await.unwrap(),
        FakeSite::start("SiteB").await.unwrap(),
    );
    let dir = common::scratch("live", "watch");
    let path = dir.join("bundle.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&demo::bundle(&a, &b)).unwrap(),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_continuity"))
        .args(["watch", path.to_str().unwrap(), "--json"])
        .args([
            "--interval",
            "100",
            "--timeout",
            "150",
            "--rise",
            "1",
            "--fall",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = lines_of(&mut child);
    let mut seen = Vec::new();
    wait_for(&lines, r#""phase": "active", "site": "SiteA""#, &mut seen);
    for line in &seen {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(value["at"].is_u64(), "{line}");
        assert!(
            value["output"].is_object() || value["input"].is_object(),
            "{line}"
        );
    }
    a.kill();
    wait_for(&lines, r#""type": "switchover_pending""#, &mut seen);
    wait_for(
        &lines,
        r#""type": "switched", "from": "SiteA", "to": "SiteB""#,
        &mut seen,
    );
    wait_for(&lines, r#""phase": "active", "site": "SiteB""#, &mut seen);

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    seen.extend(lines.iter());
    assert!(exit.success(), "watch exited with {exit:?}");
    let tail: Vec<serde_json::Value> = seen
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["output"].clone())
        .collect();
    assert_eq!(
        tail,
        [
            serde_json::json!({"type": "unregister_endpoint", "site": "SiteB"}),
            serde_json::json!({"type": "disconnect", "site": "SiteB"}),
            serde_json::json!({"type": "phase_changed", "phase": "stopped", "site": null, "role": null}),
        ],
        "Ctrl-C stops the engine and shows its last commands before exiting:\n{}",
        seen.join("\n")
    );
    drop(b);
}

#[test]
fn watch_refuses_what_it_cannot_watch() {
    let dir = common::scratch("live", "refuses");
    let local_only = dir.join("local.json");
    std::fs::write(
        &local_only,
        r#"{"version": 1, "local": {"sites": [{"name": "SiteA", "config_server": {"primary": "127.0.0.1:1"}}]}}"#,
    )
    .unwrap();
    let output = common::continuity(&["watch", local_only.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        common::stderr(&output).contains("holds only the local configuration"),
        "{}",
        common::stderr(&output)
    );

    let broken = common::repo().join("examples/bundles/broken-workspace.json");
    let output = common::continuity(&["watch", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(common::stderr(&output).contains("does not validate"));

    let workspace = common::repo().join("examples/bundles/workspace.json");
    let output = common::continuity(&["watch", workspace.to_str().unwrap(), "--fall", "0"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_demo_switches_over_and_back_by_itself() {
    let started = std::time::Instant::now();
    let output = common::continuity(&["demo"]);
    let stdout = common::stdout(&output);
    assert!(
        output.status.success(),
        "demo failed:\n{stdout}\n{}",
        common::stderr(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(120));
    for needle in [
        "SiteA goes dark",
        "SWITCHED SiteA => SiteB",
        "SiteA is back",
        "SWITCHED SiteB => SiteA (auto-restore)",
        "Timeline",
    ] {
        assert!(stdout.contains(needle), "no {needle:?} in:\n{stdout}");
    }
}
