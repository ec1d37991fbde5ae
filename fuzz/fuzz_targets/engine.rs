//! The engine driven by any sequence of typed inputs and timeouts, on a
//! corpus bundle with fuzzed timings: no panic, every deadline handled moves
//! on, and a `handle_timeout` with nothing due changes nothing.
#![no_main]

use continuity_core::config::options::{self, AGENT_DESKTOP_SECTION, WORKSPACE_SECTION};
use continuity_core::config::{ConfigObject, OptionValue};
use continuity_core::{Bundle, Engine, Input, Member, Millis, Name, Service};
use continuity_fuzz::{Host, check_error, corpus_bundle};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Case {
    bundle: Variant,
    timings: Vec<(TimingOption, u8)>,
    seed: u64,
    steps: Vec<Op>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Variant {
    /// One of the corpus bundles (see `continuity_fuzz::CORPUS_BUNDLES`).
    Corpus(u8),
    /// The two-site bundle's local section only: the engine bootstraps.
    LocalOnly,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum TimingOption {
    Site,
    Endpoint,
    ProbeInterval,
    HoldDown,
    Spread,
    BackoffBase,
    BackoffCap,
    WakeGap,
    RecheckGrace,
    BootstrapConnect,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Input {
        after: Delay,
        input: FuzzInput,
    },
    /// `handle_timeout` this long after the next deadline.
    Timeout {
        late: Delay,
    },
    /// `handle_timeout` this many ms before the next deadline: a spurious call.
    EarlyTimeout {
        early: u16,
    },
    /// Fire every deadline at its time for this long.
    Run {
        duration: Delay,
    },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Delay {
    Zero,
    Millis(u8),
    Seconds(u16),
    Minutes(u16),
    /// Back in time, in ms.
    Back(u16),
    Far(u64),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Site {
    A,
    B,
    Unknown,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum FuzzService {
    Sip,
    Stat,
    Config,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum FuzzMember {
    Primary,
    Backup,
}

#[derive(Arbitrary, Debug)]
enum FuzzInput {
    Start,
    ConfigLoaded(Variant),
    LinkUp(Site, FuzzService, FuzzMember),
    LinkDown(Site, FuzzService, FuzzMember),
    EndpointRegistered(Site),
    EndpointUnregistered(Site),
    ProbeResult(Site, bool),
    InteractionStarted(u8),
    InteractionEnded(u8),
    SwitchRequested(Site),
    Resumed,
    Stop,
}

fuzz_target!(|case: Case| {
    let bundle = bundle(case.bundle, &case.timings);
    let engine = match Engine::new(bundle, case.seed) {
        Ok(engine) => engine,
        Err(err) => return check_error(&err),
    };
    let mut host = Host::new(engine);
    host.input(Input::Start, 0);
    // Each run fires up to 500 deadlines: a few of them go a long way, and
    // more would only slow the fuzzer down.
    let mut runs = 8;
    for op in case.steps {
        match op {
            Op::Input { after, input } => {
                let at = later(host.now(), after);
                host.input(input.into_input(&case.timings), at);
            }
            Op::Timeout { late } => {
                if let Some(deadline) = host.engine.poll_timeout() {
                    host.timeout(later(deadline, late));
                }
            }
            Op::EarlyTimeout { early } => {
                if let Some(deadline) = host.engine.poll_timeout() {
                    let at = deadline.saturating_sub(u64::from(early) + 1);
                    if at >= host.now() {
                        host.timeout(at);
                    }
                }
            }
            Op::Run { duration } if runs > 0 => {
                runs -= 1;
                let until = later(host.now(), duration);
                host.run_for(until.saturating_sub(host.now()));
            }
            Op::Run { .. } => {}
        }
    }
});

/// A corpus bundle, or the two-site bundle's local section, with the
/// fuzzed timings (in seconds) set on the person in the dialect's section.
fn bundle(variant: Variant, timings: &[(TimingOption, u8)]) -> Bundle {
    let mut bundle = match variant {
        Variant::Corpus(index) => corpus_bundle(usize::from(index)),
        Variant::LocalOnly => Bundle {
            local: corpus_bundle(0).local,
            ..Bundle::default()
        },
    };
    // The corpus's agent-desktop bundle names its sites on the person.
    let agent_desktop = bundle
        .person
        .as_ref()
        .is_some_and(|person| person.options.contains_key(AGENT_DESKTOP_SECTION));
    let section = if agent_desktop {
        AGENT_DESKTOP_SECTION
    } else {
        WORKSPACE_SECTION
    };
    let person = bundle.person.get_or_insert_with(|| ConfigObject {
        name: "agent1".into(),
        ..ConfigObject::default()
    });
    let options = person.options.entry(section.into()).or_default();
    for (option, seconds) in timings {
        let name = match (option, agent_desktop) {
            (TimingOption::Site, false) => options::TIMEOUT,
            (TimingOption::Site, true) => options::SITE_TIMEOUT,
            (TimingOption::Endpoint, false) => options::WAIT_FOR_SIPPHONE_TIMEOUT,
            (TimingOption::Endpoint, true) => options::SITE_SIP_REGISTER_TIMEOUT,
            (TimingOption::ProbeInterval, _) => options::RESTORE_PROBE_INTERVAL,
            (TimingOption::HoldDown, _) => options::RESTORE_HOLD_DOWN,
            (TimingOption::Spread, _) => options::RESTORE_SPREAD,
            (TimingOption::BackoffBase, _) => options::BACKOFF_BASE,
            (TimingOption::BackoffCap, _) => options::BACKOFF_CAP,
            (TimingOption::WakeGap, _) => options::WAKE_GAP,
            (TimingOption::RecheckGrace, _) => options::RECHECK_GRACE,
            (TimingOption::BootstrapConnect, _) => options::BOOTSTRAP_CONNECT_TIMEOUT,
        };
        options.insert(name.into(), OptionValue(seconds.to_string()));
    }
    bundle
}

/// `base` moved by `delay`, saturating at both ends of time.
fn later(base: Millis, delay: Delay) -> Millis {
    match delay {
        Delay::Zero => base,
        Delay::Millis(ms) => base.saturating_add(u64::from(ms)),
        Delay::Seconds(s) => base.saturating_add(u64::from(s) * 1000),
        Delay::Minutes(m) => base.saturating_add(u64::from(m) * 60_000),
        Delay::Back(ms) => base.saturating_sub(u64::from(ms)),
        Delay::Far(ms) => base.saturating_add(ms),
    }
}

impl Site {
    fn name(self) -> Name {
        match self {
            Site::A => "SiteA",
            Site::B => "SiteB",
            Site::Unknown => "SiteC",
        }
        .into()
    }
}

impl FuzzInput {
    fn into_input(self, timings: &[(TimingOption, u8)]) -> Input {
        let service = |s: FuzzService| match s {
            FuzzService::Sip => Service::SipServer,
            FuzzService::Stat => Service::StatServer,
            FuzzService::Config => Service::ConfigServer,
        };
        let member = |m: FuzzMember| match m {
            FuzzMember::Primary => Member::Primary,
            FuzzMember::Backup => Member::Backup,
        };
        let id = |n: u8| Name::from(format!("call-{}", n % 4));
        match self {
            FuzzInput::Start => Input::Start,
            FuzzInput::ConfigLoaded(variant) => Input::ConfigLoaded {
                bundle: Box::new(bundle(variant, timings)),
            },
            FuzzInput::LinkUp(site, s, m) => Input::LinkUp {
                site: site.name(),
                service: service(s),
                member: member(m),
            },
            FuzzInput::LinkDown(site, s, m) => Input::LinkDown {
                site: site.name(),
                service: service(s),
                member: member(m),
            },
            FuzzInput::EndpointRegistered(site) => Input::EndpointRegistered { site: site.name() },
            FuzzInput::EndpointUnregistered(site) => {
                Input::EndpointUnregistered { site: site.name() }
            }
            FuzzInput::ProbeResult(site, ok) => Input::ProbeResult {
                site: site.name(),
                ok,
            },
            FuzzInput::InteractionStarted(n) => Input::InteractionStarted { id: id(n) },
            FuzzInput::InteractionEnded(n) => Input::InteractionEnded { id: id(n) },
            FuzzInput::SwitchRequested(site) => Input::SwitchRequested { site: site.name() },
            FuzzInput::Resumed => Input::Resumed,
            FuzzInput::Stop => Input::Stop,
        }
    }
}
