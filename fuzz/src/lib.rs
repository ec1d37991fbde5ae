//! What every fuzz target checks: parsers and the engine never panic, every
//! error says what is wrong, and a handled deadline is never handed back.
//!
//! A check that fails panics, which libFuzzer reports as a crash and saves
//! the input under `fuzz/artifacts/TARGET/`.

use std::sync::OnceLock;

use continuity_core::config::{Diagnostic, bootstrap_plan, validate};
use continuity_core::{Bundle, Engine, Error, Input, Member, Millis, Output, Service};

/// Scenarios whose steps and `until` stay below this (two hours) are run, not only parsed.
pub const RUN_LIMIT: Millis = 2 * 3600 * 1000;

/// The bundles of the scenario corpus, by the name scenarios give them in `bundle_file`.
pub const CORPUS_BUNDLES: &[(&str, &str)] = &[
    (
        "bundles/two-site.json",
        include_str!("../../tests/scenarios/bundles/two-site.json"),
    ),
    (
        "bundles/disabled.json",
        include_str!("../../tests/scenarios/bundles/disabled.json"),
    ),
    (
        "bundles/auto-restore-off.json",
        include_str!("../../tests/scenarios/bundles/auto-restore-off.json"),
    ),
    (
        "bundles/restore-when-idle-off.json",
        include_str!("../../tests/scenarios/bundles/restore-when-idle-off.json"),
    ),
    (
        "bundles/slow-sipphone.json",
        include_str!("../../tests/scenarios/bundles/slow-sipphone.json"),
    ),
    (
        "bundles/agent-desktop.json",
        include_str!("../../examples/bundles/agent-desktop.json"),
    ),
];

/// The option export `options_file`s are resolved to.
pub const OPTION_EXPORT: &str = include_str!("../../tests/scenarios/bundles/exports/agent1.cfg");

/// A corpus bundle, parsed once.
pub fn corpus_bundle(index: usize) -> Bundle {
    static PARSED: OnceLock<Vec<Bundle>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        CORPUS_BUNDLES
            .iter()
            .map(|(_, text)| Bundle::from_json(text).expect("the corpus bundles parse"))
            .collect()
    });
    parsed[index % parsed.len()].clone()
}

/// An error must say what is wrong.
pub fn check_error(err: &Error) {
    assert!(
        !err.to_string().trim().is_empty(),
        "an empty error: {err:?}"
    );
    match err {
        Error::Parse { message, .. }
        | Error::Scenario { message, .. }
        | Error::OptionsFile { message, .. } => {
            assert!(!message.trim().is_empty(), "an empty message: {err:?}");
        }
        Error::Invalid { diagnostics } => check_refusal(diagnostics),
        _ => {}
    }
}

/// A refusal holds at least one error, and every finding says something.
pub fn check_refusal(diagnostics: &[Diagnostic]) {
    assert!(
        diagnostics.iter().any(Diagnostic::is_error),
        "refused without an error: {diagnostics:?}"
    );
    check_diagnostics(diagnostics);
}

/// Every finding has a code and a message.
pub fn check_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(
            !d.code.is_empty() && !d.message.trim().is_empty(),
            "a finding that says nothing: {d:?}"
        );
    }
}

/// Takes a parsed bundle as far as it goes: its `options_file`s resolved to
/// [`OPTION_EXPORT`], validation, the bootstrap plan, and an engine that
/// starts, loses its preferred site's SIP Server pair and runs its timers.
pub fn check_bundle(bundle: &Bundle) {
    let mut bundle = bundle.clone();
    if bundle.has_option_files() {
        match bundle.resolve_option_files(|file| {
            if file.ends_with(".cfg") {
                Ok(OPTION_EXPORT.to_owned())
            } else {
                Err("no such file")
            }
        }) {
            Ok(warnings) => check_diagnostics(&warnings),
            Err(err) => check_error(&err),
        }
    }
    let validated = validate(&bundle);
    match &validated {
        Ok(validated) => check_diagnostics(&validated.warnings),
        Err(diagnostics) => check_refusal(diagnostics),
    }
    let plan = bootstrap_plan(&bundle);
    if let Err(diagnostics) = &plan {
        check_refusal(diagnostics);
    }
    let usable = if bundle.is_local_only() {
        plan.is_ok()
    } else {
        validated.is_ok()
    };
    let engine = match Engine::new(bundle, 7) {
        Ok(engine) => engine,
        Err(err) => {
            assert!(!usable, "the engine refused a usable bundle: {err}");
            return check_error(&err);
        }
    };
    assert!(usable, "the engine took a bundle its check refuses");
    let mut host = Host::new(engine);
    host.input(Input::Start, 0);
    let Some(policy) = host.engine.policy().cloned() else {
        // Bootstrapping: walk the Configuration Server Proxies.
        return host.run_for(120_000);
    };
    let site = policy.preferred.clone();
    for service in Service::ALL {
        for member in Member::ALL {
            let (site, at) = (site.clone(), host.now() + 10);
            host.input(
                Input::LinkUp {
                    site,
                    service,
                    member,
                },
                at,
            );
        }
    }
    host.input(
        Input::EndpointRegistered { site: site.clone() },
        host.now() + 10,
    );
    for member in Member::ALL {
        let (site, at) = (site.clone(), host.now() + 1000);
        let service = Service::SipServer;
        host.input(
            Input::LinkDown {
                site,
                service,
                member,
            },
            at,
        );
    }
    host.run_for(10 * 60 * 1000);
}

/// A host around an engine: drains every output after every call, and
/// checks the engine's timing contract on every `handle_timeout`.
pub struct Host {
    /// The engine being driven.
    pub engine: Engine,
}

impl Host {
    /// A host for `engine`.
    pub fn new(engine: Engine) -> Host {
        Host { engine }
    }

    /// The engine's time.
    pub fn now(&self) -> Millis {
        self.engine.now()
    }

    /// Hands the engine an input at `at`.
    pub fn input(&mut self, input: Input, at: Millis) {
        self.engine.handle_input(input, at);
        self.drain();
    }

    /// Calls `handle_timeout(at)`. When a deadline was due, the next one
    /// must lie past the engine's time; when none was, nothing may change.
    pub fn timeout(&mut self, at: Millis) {
        let before = self.engine.poll_timeout();
        let due = before.is_some_and(|deadline| deadline <= at.max(self.now()));
        self.engine.handle_timeout(at);
        if !due {
            assert!(
                self.engine.poll_output().is_none(),
                "handle_timeout({at}) with nothing due (next deadline {before:?}) emitted an output"
            );
            assert_eq!(
                self.engine.poll_timeout(),
                before,
                "handle_timeout({at}) with nothing due moved the deadline"
            );
            return;
        }
        self.drain();
        let now = self.now();
        if let Some(next) = self.engine.poll_timeout() {
            // Deadlines saturate at the end of time; only there may one stay put.
            assert!(
                next > now || now == Millis::MAX,
                "handle_timeout({at}) handled the deadline at {before:?} but the next one is {next} (now {now})"
            );
        }
    }

    /// Fires every deadline, in order, at its exact time, for `duration` ms
    /// (at most 500 of them).
    pub fn run_for(&mut self, duration: Millis) {
        let until = self.now().saturating_add(duration);
        for _ in 0..500 {
            match self.engine.poll_timeout() {
                Some(deadline) if deadline <= until => self.timeout(deadline),
                _ => return,
            }
        }
    }

    fn drain(&mut self) {
        while let Some(emitted) = self.engine.poll_output() {
            if let Output::ConfigError { diagnostics } = &emitted.output {
                check_refusal(diagnostics);
            }
        }
        let _ = self.engine.status();
    }
}
