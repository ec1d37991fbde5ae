//! The health checks against real sockets on 127.0.0.1 — well-behaved and
//! misbehaving listeners, a real Kamailio started by `scripts/sip-server.sh`
//! — and the monitor's rise/fall logic in paused time.
//!
//! Real-socket tests use real time with timeouts of at most 300 ms; the
//! monitor tests run in paused time and take no wall-clock time.

mod health_support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant as WallClock};

use continuity_native::health::{
    BuiltinCheck, Check, CheckError, Health, HealthSettings, Monitor, OptionsResponder,
    SettingsError, Target, Transition, options_response, sip_options, spawn_monitor, tcp_check,
};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};
use tokio::sync::mpsc;
use tokio::time::Instant;

use health_support::{Kamailio, Peer, Replies, Rng};

/// The timeout of real-socket checks that are expected to time out.
const SHORT: Duration = Duration::from_millis(200);
/// A timeout long enough to show that a failure did not wait for it.
const LONG: Duration = Duration::from_secs(5);
/// How late a real-time check may end after its timeout on a busy machine.
const SLACK: Duration = Duration::from_millis(250);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn assert_timed_out(
    result: Result<impl std::fmt::Debug, CheckError>,
    started: WallClock,
    timeout: Duration,
) {
    let elapsed = started.elapsed();
    let err = result.expect_err("the check should have failed");
    assert!(matches!(err, CheckError::Timeout { .. }), "{err:?}");
    assert!(
        elapsed >= timeout,
        "failed after {elapsed:?}, before the {timeout:?} timeout: {err}"
    );
    assert!(
        elapsed < timeout + SLACK,
        "failed only after {elapsed:?}: {err}"
    );
}

fn assert_refused_at_once(result: Result<impl std::fmt::Debug, CheckError>, started: WallClock) {
    let elapsed = started.elapsed();
    let err = result.expect_err("the check should have failed");
    assert!(matches!(err, CheckError::Refused { .. }), "{err:?}");
    assert!(
        elapsed < ms(500),
        "refusal took {elapsed:?}: it should not wait for the timeout"
    );
}

// ---------------------------------------------------------------- TCP

#[tokio::test]
async fn tcp_a_listener_that_accepts_is_alive() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            drop(stream);
        }
    });
    tcp_check(addr, ms(300)).await.unwrap();
    // The same target written as text, and by a name that resolves.
    tcp_check(&addr.to_string(), ms(300)).await.unwrap();
    tcp_check(format!("localhost:{}", addr.port()), ms(300))
        .await
        .unwrap();
}

#[tokio::test]
async fn tcp_a_listener_that_accepts_then_hangs_is_alive() {
    // Connect checks measure reachability: the handshake completes in the
    // kernel, whatever the program then does with the connection.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&held);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            keep.lock().unwrap().push(stream); // never read, never written
        }
    });
    tcp_check(addr, ms(300)).await.unwrap();
    tcp_check(addr, ms(300)).await.unwrap();
}

#[tokio::test]
async fn tcp_a_listener_slow_to_accept_is_alive_within_the_timeout() {
    // A listener that has not called accept() yet: the kernel completes
    // the handshake into the backlog, so the port is reachable.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let started = WallClock::now();
    tcp_check(addr, ms(300)).await.unwrap();
    assert!(started.elapsed() < ms(300));
    // It accepts later; the check's connection was already closed (EOF).
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(stream.read(&mut buf).await.unwrap(), 0);
}

#[tokio::test]
async fn tcp_a_closed_port_is_refused_at_once() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let started = WallClock::now();
    assert_refused_at_once(tcp_check(addr, LONG).await, started);
}

#[tokio::test]
async fn tcp_a_listener_with_a_full_backlog_is_dead_at_the_timeout() {
    // With its accept queue full, Linux drops new SYNs: the handshake never
    // completes, as with a host that drops packets. Backlog 0 admits one
    // connection; fill until a connect stalls.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut filling = Vec::new();
    let full = loop {
        assert!(filling.len() < 16, "the backlog of {addr} never filled");
        match tokio::time::timeout(ms(50), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => filling.push(stream),
            Ok(Err(err)) => panic!("connect failed: {err}"),
            Err(_) => break true,
        }
    };
    assert!(full);
    let started = WallClock::now();
    assert_timed_out(tcp_check(addr, SHORT).await, started, SHORT);
    drop(listener);
}

#[tokio::test]
async fn tcp_a_target_that_is_not_host_port_is_an_error_not_a_hang() {
    let err = tcp_check("no-port-here", LONG).await.unwrap_err();
    assert!(matches!(err, CheckError::InvalidTarget(_)), "{err:?}");
    assert!(err.to_string().contains("is not host:port"), "{err}");
}

// ---------------------------------------------------------------- SIP, real Kamailio

#[tokio::test]
async fn sip_kamailio_answers_options_with_200() {
    let kamailio = Kamailio::start();
    let answer = sip_options(kamailio.addr(), ms(300)).await.unwrap();
    assert_eq!(
        (answer.code, answer.reason.as_str()),
        (200, "OK"),
        "{answer:?}"
    );
    assert!(answer.is_success());
    assert_eq!(answer.remote, kamailio.addr());
    let server = answer.server.unwrap_or_default();
    assert!(
        server.contains("kamailio"),
        "answered by {server:?}, not Kamailio"
    );
    // A second check is a new transaction, answered as well.
    assert_eq!(
        sip_options(kamailio.addr(), ms(300)).await.unwrap().code,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sip_monitor_sees_kamailio_up_then_down_when_it_stops() {
    let mut kamailio = Kamailio::start();
    let settings = HealthSettings {
        interval: ms(100),
        timeout: ms(300),
        rise: 2,
        fall: 2,
    };
    let (tx, mut rx) = mpsc::channel::<Transition<&str>>(4);
    let check = BuiltinCheck::SipOptions(kamailio.addr().into());
    let _monitor = Monitor::spawn(settings, "SiteA sip-server primary", tx, check).unwrap();

    let up = tokio::time::timeout(LONG, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (up.key, up.health),
        ("SiteA sip-server primary", Health::Up)
    );

    tokio::task::block_in_place(|| kamailio.stop());
    let down = tokio::time::timeout(LONG, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(down.health, Health::Down);
    // The port is closed: the ICMP refusal ends each check at once.
    assert!(
        matches!(down.error, Some(CheckError::Refused { .. })),
        "{:?}",
        down.error
    );
}

// ---------------------------------------------------------------- SIP, fake peers

/// A peer that answers each OPTIONS with the given status after `delay`.
async fn answering(code: u16, reason: &'static str, delay: Duration) -> Peer {
    Peer::spawn(move |request, from| {
        options_response(request, from, code, reason)
            .map(|reply| vec![(delay, reply)])
            .unwrap_or_default()
    })
    .await
}

#[tokio::test]
async fn sip_the_in_process_responder_answers_200_and_refuses_once_stopped() {
    let responder = OptionsResponder::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = responder.local_addr();
    let answer = sip_options(addr, ms(300)).await.unwrap();
    assert_eq!(answer.code, 200);
    assert_eq!(
        answer.server.as_deref(),
        Some(concat!("continuity/", env!("CARGO_PKG_VERSION")))
    );
    responder.stop().await.unwrap();
    let started = WallClock::now();
    assert_refused_at_once(sip_options(addr, LONG).await, started);
}

#[tokio::test]
async fn sip_a_503_is_a_live_server_that_declines() {
    let peer = answering(503, "Service Unavailable", Duration::ZERO).await;
    let answer = sip_options(peer.addr(), ms(300)).await.unwrap();
    assert_eq!(
        (answer.code, answer.reason.as_str()),
        (503, "Service Unavailable")
    );
    assert!(!answer.is_success());
}

#[tokio::test]
async fn sip_a_peer_that_answers_garbage_is_dead_at_the_timeout_not_earlier() {
    let seed = 0x5eed_0001;
    println!("garbage seed {seed:#x}");
    let rng = Arc::new(Mutex::new(Rng::new(seed)));
    let peer = Peer::spawn(move |request, _| {
        let mut rng = rng.lock().unwrap();
        let mut replies: Replies = (0..20u64)
            .map(|i| {
                let len = (rng.next() % 700) as usize;
                (ms(i * 5), rng.bytes(len))
            })
            .collect();
        // And a well-formed response cut before its empty line, and the
        // request itself echoed back: neither is an answer.
        let whole = options_response(request, "127.0.0.1:9".parse().unwrap(), 200, "OK").unwrap();
        replies.push((ms(3), whole[..whole.len() - 2].to_vec()));
        replies.push((ms(4), request.to_vec()));
        replies
    })
    .await;
    let started = WallClock::now();
    assert_timed_out(sip_options(peer.addr(), SHORT).await, started, SHORT);
    assert_eq!(
        peer.received(),
        1,
        "no retransmission within 200 ms (T1 is 500 ms)"
    );
}

#[tokio::test]
async fn sip_a_peer_that_never_answers_is_dead_at_the_timeout() {
    let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let started = WallClock::now();
    assert_timed_out(
        sip_options(silent.local_addr().unwrap(), SHORT).await,
        started,
        SHORT,
    );
}

#[tokio::test]
async fn sip_a_slow_answer_within_the_timeout_is_alive() {
    let peer = answering(200, "OK", ms(100)).await;
    let answer = sip_options(peer.addr(), ms(300)).await.unwrap();
    assert_eq!(answer.code, 200);
    assert!(answer.elapsed >= ms(100), "{answer:?}");
}

#[tokio::test]
async fn sip_an_answer_after_the_timeout_is_dead_at_the_timeout() {
    let peer = answering(200, "OK", ms(300)).await;
    let started = WallClock::now();
    assert_timed_out(sip_options(peer.addr(), SHORT).await, started, SHORT);
}

#[tokio::test]
async fn sip_a_provisional_answer_keeps_waiting_for_the_final_one() {
    let peer = Peer::spawn(|request, from| {
        vec![
            (
                Duration::ZERO,
                options_response(request, from, 100, "Trying").unwrap(),
            ),
            (ms(80), options_response(request, from, 200, "OK").unwrap()),
        ]
    })
    .await;
    let answer = sip_options(peer.addr(), ms(300)).await.unwrap();
    assert_eq!(answer.code, 200);
    assert!(answer.elapsed >= ms(80), "{answer:?}");

    // Provisional answers alone never make a live server.
    let trying = answering(100, "Trying", Duration::ZERO).await;
    let started = WallClock::now();
    assert_timed_out(sip_options(trying.addr(), SHORT).await, started, SHORT);
}

#[tokio::test]
async fn sip_answers_to_other_transactions_are_ignored() {
    // Each request gets three well-formed 200s for other transactions at
    // once, and the real answer only after 100 ms.
    let peer = Peer::spawn(|request, from| {
        let ok = String::from_utf8(options_response(request, from, 200, "OK").unwrap()).unwrap();
        let other_branch = ok.replacen(";branch=z9hG4bK", ";branch=z9hG4bKother", 1);
        let other_call = ok.replacen("Call-ID: ", "Call-ID: other", 1);
        let other_cseq = ok.replacen("CSeq: ", "CSeq: 9", 1);
        assert!(other_branch != ok && other_call != ok && other_cseq != ok);
        vec![
            (Duration::ZERO, other_branch.into_bytes()),
            (Duration::ZERO, other_call.into_bytes()),
            (Duration::ZERO, other_cseq.into_bytes()),
            (ms(100), ok.into_bytes()),
        ]
    })
    .await;
    let answer = sip_options(peer.addr(), ms(300)).await.unwrap();
    assert_eq!(answer.code, 200);
    assert!(
        answer.elapsed >= ms(100),
        "a foreign answer was taken: {answer:?}"
    );
}

#[tokio::test]
async fn sip_a_closed_port_is_refused_at_once() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    drop(socket);
    let started = WallClock::now();
    assert_refused_at_once(sip_options(addr, LONG).await, started);
}

#[tokio::test]
async fn sip_the_responder_survives_garbage_and_builds_responses_from_any_bytes() {
    let seed = 0x5eed_0002;
    println!("garbage seed {seed:#x}");
    let mut rng = Rng::new(seed);
    let from: SocketAddr = "127.0.0.1:5060".parse().unwrap();
    for _ in 0..2000 {
        let len = (rng.next() % 400) as usize;
        let _ = options_response(&rng.bytes(len), from, 200, "OK");
    }
    let responder = OptionsResponder::bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for _ in 0..50 {
        let len = (rng.next() % 400) as usize;
        client
            .send_to(&rng.bytes(len), responder.local_addr())
            .await
            .unwrap();
    }
    assert_eq!(
        sip_options(responder.local_addr(), ms(300))
            .await
            .unwrap()
            .code,
        200
    );
    responder.stop().await.unwrap();
}

// ---------------------------------------------------------------- monitor, paused time

/// A fake check that plays `script` ('+' alive, '-' dead; the last result
/// repeats) and records when it ran.
fn scripted(script: &'static str) -> (impl Check, Arc<Mutex<Vec<Instant>>>) {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&calls);
    let results: Vec<bool> = script.chars().map(|c| c == '+').collect();
    let check = move || {
        let mut log = log.lock().unwrap();
        let ok = results[log.len().min(results.len() - 1)];
        log.push(Instant::now());
        async move {
            if ok {
                Ok(())
            } else {
                Err(CheckError::Refused {
                    addr: "127.0.0.1:9".parse().unwrap(),
                })
            }
        }
    };
    (check, calls)
}

fn settings(interval_ms: u64, rise: u32, fall: u32) -> HealthSettings {
    HealthSettings {
        interval: ms(interval_ms),
        timeout: ms(1000),
        rise,
        fall,
    }
}

/// Every transition received within `span` of paused time, with its time
/// since `start`.
async fn collect<K>(
    rx: &mut mpsc::Receiver<Transition<K>>,
    start: Instant,
    span: Duration,
) -> Vec<(Duration, Health, K)> {
    let mut seen = Vec::new();
    let end = start + span;
    while let Ok(Some(t)) = tokio::time::timeout_at(end, rx.recv()).await {
        seen.push((t.at - start, t.health, t.key));
    }
    seen
}

#[tokio::test(start_paused = true)]
async fn monitor_reports_up_after_rise_down_after_fall_and_only_changes() {
    let start = Instant::now();
    let (check, _calls) = scripted("++++--+---++--");
    let (tx, mut rx) = mpsc::channel(8);
    let _monitor = Monitor::spawn(settings(2000, 2, 3), "link", tx, check).unwrap();
    let seen = collect(&mut rx, start, Duration::from_secs(60)).await;
    // Checks at 0, 2, 4, … s: up at the 2nd; "--+" breaks the fall streak;
    // down at the 3rd of "---" (check 10, t = 18 s); up at check 12 (22 s);
    // the final "--" repeats: down at the 3rd failure (check 15, 28 s).
    let secs = |s| Duration::from_secs(s);
    assert_eq!(
        seen,
        [
            (secs(2), Health::Up, "link"),
            (secs(18), Health::Down, "link"),
            (secs(22), Health::Up, "link"),
            (secs(28), Health::Down, "link"),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn monitor_first_verdict_can_be_down_and_carries_the_error() {
    let start = Instant::now();
    let (check, _calls) = scripted("-");
    let (tx, mut rx) = mpsc::channel::<Transition<u32>>(8);
    let _monitor = Monitor::spawn(settings(1000, 2, 3), 7, tx, check).unwrap();
    let first = rx.recv().await.unwrap();
    assert_eq!(
        (first.key, first.health, first.at - start),
        (7, Health::Down, ms(2000))
    );
    assert!(
        matches!(first.error, Some(CheckError::Refused { .. })),
        "{:?}",
        first.error
    );
    assert!(
        collect(&mut rx, start, Duration::from_secs(60))
            .await
            .is_empty()
    );
}

#[tokio::test(start_paused = true)]
async fn monitor_does_not_busy_loop() {
    let start = Instant::now();
    // A check that fails at once, every time: one check per interval.
    let (check, calls) = scripted("-");
    let (tx, mut rx) = mpsc::channel(8);
    let _monitor = Monitor::spawn(settings(2000, 2, 3), (), tx, check).unwrap();
    collect(&mut rx, start, Duration::from_secs(61)).await;
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 31, "checks at 0, 2, …, 60 s");
    for (i, at) in calls.iter().enumerate() {
        assert_eq!(*at - start, ms(2000 * i as u64));
    }

    // A check slower than the interval delays the next: no bunching.
    let start = Instant::now();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&count);
    let slow = move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            tokio::time::sleep(ms(3000)).await;
            true
        }
    };
    let (tx, mut rx) = mpsc::channel(8);
    let settings = HealthSettings {
        interval: ms(1000),
        timeout: ms(5000),
        rise: 1,
        fall: 1,
    };
    let _slow = Monitor::spawn(settings, (), tx, slow).unwrap();
    collect(&mut rx, start, ms(29_999)).await;
    assert_eq!(count.load(Ordering::SeqCst), 10, "checks at 0, 3, …, 27 s");
}

#[tokio::test(start_paused = true)]
async fn monitor_fails_a_check_that_outlasts_the_timeout() {
    let start = Instant::now();
    let hang = || std::future::pending::<bool>();
    let (tx, mut rx) = mpsc::channel::<Transition<&str>>(8);
    let _monitor = Monitor::spawn(settings(2000, 1, 2), "hang", tx, hang).unwrap();
    let down = rx.recv().await.unwrap();
    // Checks at 0 and 2 s, each failed at its 1 s timeout.
    assert_eq!((down.health, down.at - start), (Health::Down, ms(3000)));
    assert!(
        matches!(down.error, Some(CheckError::Timeout { .. })),
        "{:?}",
        down.error
    );
}

#[tokio::test(start_paused = true)]
async fn monitor_ends_when_its_receiver_is_dropped_or_it_is_dropped() {
    // Receiver dropped while the monitor has nothing to report.
    let (check, calls) = scripted("+");
    let (tx, mut rx) = mpsc::channel::<Transition<()>>(8);
    let monitor = Monitor::spawn(settings(2000, 1, 1), (), tx, check).unwrap();
    assert_eq!(rx.recv().await.unwrap().health, Health::Up);
    drop(rx);
    tokio::time::sleep(ms(10)).await;
    assert!(monitor.is_finished());
    let after = calls.lock().unwrap().len();
    tokio::time::sleep(Duration::from_secs(20)).await;
    assert_eq!(calls.lock().unwrap().len(), after, "no check after the end");

    // Monitor dropped: the task, and the check it owns, are gone.
    let (check, calls) = scripted("+");
    let (tx, _rx) = mpsc::channel::<Transition<()>>(8);
    let monitor = Monitor::spawn(settings(2000, 1, 1), (), tx, check).unwrap();
    tokio::time::sleep(ms(4500)).await;
    assert_eq!(calls.lock().unwrap().len(), 3);
    drop(monitor);
    tokio::task::yield_now().await;
    assert_eq!(Arc::strong_count(&calls), 1, "the check was dropped");

    // `stop` waits for the same.
    let (check, calls) = scripted("+");
    let (tx, _rx) = mpsc::channel::<Transition<()>>(8);
    let monitor = Monitor::spawn(settings(2000, 1, 1), (), tx, check).unwrap();
    monitor.stop().await;
    assert_eq!(Arc::strong_count(&calls), 1);
}

#[tokio::test(start_paused = true)]
async fn spawn_monitor_reports_key_and_alive_tuples_and_stops_when_aborted() {
    // The shape engine inputs are made from: (key, alive).
    let start = Instant::now();
    let (check, calls) = scripted("--++");
    let (tx, mut rx) = mpsc::channel::<((&str, &str, &str), bool)>(8);
    let task = spawn_monitor(
        settings(500, 2, 2),
        ("SiteB", "stat-server", "backup"),
        tx,
        check,
    );
    assert_eq!(
        rx.recv().await.unwrap(),
        (("SiteB", "stat-server", "backup"), false)
    );
    assert_eq!(Instant::now() - start, ms(500));
    assert!(rx.recv().await.unwrap().1, "up after two successes");
    assert_eq!(Instant::now() - start, ms(1500));
    task.abort();
    let _ = task.await;
    let after = calls.lock().unwrap().len();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(calls.lock().unwrap().len(), after);
}

#[tokio::test]
async fn invalid_settings_are_refused_with_a_clear_error() {
    let (tx, _rx) = mpsc::channel::<Transition<()>>(1);
    let zero_interval = HealthSettings {
        interval: Duration::ZERO,
        ..HealthSettings::default()
    };
    let err = Monitor::spawn(zero_interval, (), tx.clone(), || async { true }).unwrap_err();
    assert_eq!(err, SettingsError::ZeroInterval);
    assert_eq!(
        err.to_string(),
        "health-check interval must be greater than zero"
    );
    let zero_fall = HealthSettings {
        fall: 0,
        ..HealthSettings::default()
    };
    let err = Monitor::spawn(zero_fall, (), tx.clone(), || async { true }).unwrap_err();
    assert_eq!(
        err.to_string(),
        "health-check fall count must be at least 1"
    );
    let err = Monitor::builtin(
        HealthSettings::default(),
        (),
        tx,
        BuiltinCheck::Tcp,
        "[::1]5060",
    )
    .unwrap_err();
    assert!(matches!(err, SettingsError::Target { .. }), "{err:?}");
    assert_eq!(
        HealthSettings::default(),
        HealthSettings {
            interval: ms(2000),
            timeout: ms(1000),
            rise: 2,
            fall: 3
        }
    );
    let target: Target = "sip.example.net:5060".parse().unwrap();
    assert_eq!(target.to_string(), "sip.example.net:5060");
}
