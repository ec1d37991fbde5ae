//! The generated case: bundle variants, the host's steps, and their strategies.

use continuity_core::{Bundle, Member, Millis, Service};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The two-site bundle of the scenario corpus (`tests/scenarios/bundles/two-site.json`).
const TWO_SITE: &str = include_str!("../data/two-site.json");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timings {
    /// The built-in defaults (T 60 s, W 30 s, …).
    Default,
    /// Every timing a few seconds.
    Short,
    /// Short, with zero hold-down, spread and wake gap.
    Zero,
}

impl Timings {
    /// Options set on the person, in seconds.
    fn options(self) -> &'static [(&'static str, &'static str)] {
        const SHORT: &[(&str, &str)] = &[
            ("disaster-recovery.timeout", "5"),
            ("disaster-recovery.wait-for-sipphone-timeout", "3"),
            ("continuity.restore-probe-interval", "2"),
            ("continuity.restore-hold-down", "4"),
            ("continuity.restore-spread", "3"),
            ("continuity.backoff-base", "1"),
            ("continuity.backoff-cap", "4"),
            ("continuity.wake-gap", "1"),
            ("continuity.recheck-grace", "2"),
            ("continuity.bootstrap-connect-timeout", "2"),
        ];
        const ZERO: &[(&str, &str)] = &[
            ("disaster-recovery.timeout", "5"),
            ("disaster-recovery.wait-for-sipphone-timeout", "3"),
            ("continuity.restore-probe-interval", "2"),
            ("continuity.restore-hold-down", "0"),
            ("continuity.restore-spread", "0"),
            ("continuity.backoff-base", "1"),
            ("continuity.backoff-cap", "4"),
            ("continuity.wake-gap", "0"),
            ("continuity.recheck-grace", "2"),
            ("continuity.bootstrap-connect-timeout", "2"),
        ];
        match self {
            Timings::Default => &[],
            Timings::Short => SHORT,
            Timings::Zero => ZERO,
        }
    }

    /// (T, W, backoff cap) in milliseconds.
    pub(crate) fn timing(self) -> (Millis, Millis, Millis) {
        match self {
            Timings::Default => (60_000, 30_000, 60_000),
            Timings::Short | Timings::Zero => (5_000, 3_000, 4_000),
        }
    }
}

/// Option variants of the two-site bundle.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Variant {
    pub(crate) enabled: bool,
    pub(crate) auto_restore: bool,
    pub(crate) restore_when_idle: bool,
    pub(crate) timings: Timings,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum StartBundle {
    Full(Variant),
    /// Only `local`: the engine bootstraps.
    LocalOnly,
}

/// The bundle of a `config_loaded`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LoadedConfig {
    Valid(Variant),
    /// SiteB preferred, SiteA peer.
    Swapped(Variant),
    /// Without `local` (the engine keeps its own).
    NoLocal(Variant),
    /// Invalid: preferred equals peer.
    SameSites,
    /// Invalid: a timeout that is not a number.
    BadTimeout,
    /// Invalid as a loaded configuration: no server application.
    LocalOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    A,
    B,
    /// Not in any policy.
    Z,
}

impl Site {
    /// The index into [`World::healthy`], for the two real sites.
    pub(crate) fn index(self) -> Option<usize> {
        match self {
            Site::A => Some(0),
            Site::B => Some(1),
            Site::Z => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Clock {
    Forward(Millis),
    Back(Millis),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Action {
    Start,
    Config(LoadedConfig),
    LinkUp(Site, Service, Member),
    LinkDown(Site, Service, Member),
    Registered(Site),
    Unregistered(Site),
    Probe(Site, bool),
    /// Answer every probe the engine asked for and nobody answered yet.
    AnswerProbes(bool),
    /// Every primary link up, then the endpoint registered.
    SiteUp(Site),
    Started(u8),
    Ended(u8),
    Switch(Site),
    Resumed,
    Stop,
    /// In a [`World`]: a site becomes healthy or fails.
    Health(Site, bool),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Step {
    /// Move the host clock, then feed an input.
    Input(Clock, Action),
    /// `handle_timeout` exactly at `poll_timeout()`.
    TimeoutAtDeadline,
    /// `handle_timeout` this long after `poll_timeout()`.
    TimeoutLate(Millis),
    /// Move the host clock, then `handle_timeout` (often nothing is due).
    TimeoutAt(Clock),
    /// Host loop: jump from deadline to deadline for this long.
    Run(Millis),
}

#[derive(Clone, Debug)]
pub(crate) struct Case {
    pub(crate) start: StartBundle,
    pub(crate) seed: u64,
    /// Whether `start` is fed at time 0 before the steps.
    pub(crate) autostart: bool,
    /// Whether the host reacts to commands like a real desktop in a world
    /// where each site is healthy or not (see [`World`]).
    pub(crate) world: Option<World>,
    pub(crate) steps: Vec<Step>,
}

/// A simulated world: which sites are healthy. A host in this world reports
/// a healthy site's links up and its endpoint registered right after
/// `connect`, answers every `probe` with the site's health, answers
/// `recheck` with the site's links, and reports a change of health of the
/// site it is on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct World {
    pub(crate) healthy: [bool; 2],
}

pub(crate) fn site() -> impl Strategy<Value = Site> {
    prop_oneof![4 => Just(Site::A), 4 => Just(Site::B), 1 => Just(Site::Z)]
}

pub(crate) fn service() -> impl Strategy<Value = Service> {
    prop::sample::select(Service::ALL.to_vec())
}

pub(crate) fn member() -> impl Strategy<Value = Member> {
    prop::sample::select(Member::ALL.to_vec())
}

pub(crate) fn timings() -> impl Strategy<Value = Timings> {
    prop_oneof![
        Just(Timings::Default),
        Just(Timings::Short),
        Just(Timings::Zero)
    ]
}

pub(crate) fn variant() -> impl Strategy<Value = Variant> {
    (
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.7),
        any::<bool>(),
        timings(),
    )
        .prop_map(
            |(enabled, auto_restore, restore_when_idle, timings)| Variant {
                enabled,
                auto_restore,
                restore_when_idle,
                timings,
            },
        )
}

pub(crate) fn variant_enabled() -> impl Strategy<Value = Variant> {
    variant().prop_map(|v| Variant { enabled: true, ..v })
}

pub(crate) fn loaded_config() -> impl Strategy<Value = LoadedConfig> {
    prop_oneof![
        3 => variant().prop_map(LoadedConfig::Valid),
        1 => variant().prop_map(LoadedConfig::Swapped),
        1 => variant().prop_map(LoadedConfig::NoLocal),
        1 => Just(LoadedConfig::SameSites),
        1 => Just(LoadedConfig::BadTimeout),
        1 => Just(LoadedConfig::LocalOnly),
    ]
}

pub(crate) fn clock() -> impl Strategy<Value = Clock> {
    prop_oneof![
        4 => (0u64..2_000).prop_map(Clock::Forward),
        4 => (0u64..120_000).prop_map(Clock::Forward),
        1 => (0u64..60_000).prop_map(Clock::Back),
    ]
}

pub(crate) fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => Just(Action::Start),
        3 => loaded_config().prop_map(Action::Config),
        24 => (site(), service(), member()).prop_map(|(s, v, m)| Action::LinkUp(s, v, m)),
        20 => (site(), service(), member()).prop_map(|(s, v, m)| Action::LinkDown(s, v, m)),
        12 => site().prop_map(Action::Registered),
        8 => site().prop_map(Action::Unregistered),
        8 => (site(), any::<bool>()).prop_map(|(s, ok)| Action::Probe(s, ok)),
        12 => prop::bool::weighted(0.7).prop_map(Action::AnswerProbes),
        12 => site().prop_map(Action::SiteUp),
        8 => (0u8..3).prop_map(Action::Started),
        8 => (0u8..3).prop_map(Action::Ended),
        4 => site().prop_map(Action::Switch),
        4 => Just(Action::Resumed),
        1 => Just(Action::Stop),
        12 => (site(), prop::bool::weighted(0.6)).prop_map(|(s, ok)| Action::Health(s, ok)),
    ]
}

pub(crate) fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => (clock(), action()).prop_map(|(c, a)| Step::Input(c, a)),
        4 => Just(Step::TimeoutAtDeadline),
        1 => (0u64..120_000).prop_map(Step::TimeoutLate),
        2 => clock().prop_map(Step::TimeoutAt),
        1 => (0u64..600_000).prop_map(Step::Run),
    ]
}

pub(crate) fn world() -> impl Strategy<Value = Option<World>> {
    prop::option::weighted(
        0.6,
        (prop::bool::weighted(0.7), prop::bool::weighted(0.8))
            .prop_map(|(a, b)| World { healthy: [a, b] }),
    )
}

pub(crate) fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![9 => variant().prop_map(StartBundle::Full), 1 => Just(StartBundle::LocalOnly)],
        any::<u64>(),
        prop::bool::weighted(0.9),
        world(),
        prop::collection::vec(step(), 0..80),
    )
        .prop_map(|(start, seed, autostart, world, steps)| Case {
            start,
            seed,
            autostart,
            world,
            steps,
        })
}

/// Business Continuity on, links rarely up: the engine spends its time with all sites down.
pub(crate) fn all_down_case() -> impl Strategy<Value = Case> {
    let action = prop_oneof![
        6 => (site(), any::<bool>()).prop_map(|(s, ok)| Action::Probe(s, ok)),
        6 => prop::bool::weighted(0.2).prop_map(Action::AnswerProbes),
        3 => (site(), service(), member()).prop_map(|(s, v, m)| Action::LinkUp(s, v, m)),
        3 => (site(), service(), member()).prop_map(|(s, v, m)| Action::LinkDown(s, v, m)),
        2 => site().prop_map(Action::Registered),
        2 => site().prop_map(Action::Unregistered),
        1 => site().prop_map(Action::SiteUp),
        1 => site().prop_map(Action::Switch),
        2 => Just(Action::Resumed),
        2 => (0u8..3).prop_map(Action::Started),
        2 => (0u8..3).prop_map(Action::Ended),
        1 => (site(), prop::bool::weighted(0.3)).prop_map(|(s, ok)| Action::Health(s, ok)),
    ];
    (
        variant_enabled(),
        any::<u64>(),
        prop::option::weighted(
            0.3,
            Just(World {
                healthy: [false, false],
            }),
        ),
        prop::collection::vec(((1_000u64..120_000), action), 0..20),
    )
        .prop_map(|(variant, seed, world, inputs)| {
            let mut steps = vec![Step::Run(5 * 60_000)];
            for (gap, action) in inputs {
                steps.push(Step::Run(gap));
                steps.push(Step::Input(Clock::Forward(0), action));
            }
            steps.push(Step::Run(10 * 60_000));
            Case {
                start: StartBundle::Full(variant),
                seed,
                autostart: true,
                world,
                steps,
            }
        })
}

// ---- bundles ----

pub(crate) fn bundle_json(variant: Variant, swapped: bool) -> Value {
    let mut bundle: Value = serde_json::from_str(TWO_SITE).expect("the two-site bundle is JSON");
    let options = &mut bundle["person"]["options"]["interaction-workspace"];
    let (preferred, peer) = if swapped {
        ("SiteB", "SiteA")
    } else {
        ("SiteA", "SiteB")
    };
    options["disaster-recovery.preferred-site"] = json!(preferred);
    options["disaster-recovery.peer-site"] = json!(peer);
    options["disaster-recovery.enabled"] = json!(variant.enabled.to_string());
    options["disaster-recovery.auto-restore"] = json!(variant.auto_restore.to_string());
    options["continuity.restore-when-idle"] = json!(variant.restore_when_idle.to_string());
    for (option, value) in variant.timings.options() {
        options[*option] = json!(value);
    }
    bundle
}

pub(crate) fn parse(bundle: &Value) -> Bundle {
    Bundle::from_json(&bundle.to_string()).expect("a generated bundle parses")
}

pub(crate) fn start_bundle(start: StartBundle) -> Bundle {
    match start {
        StartBundle::Full(variant) => parse(&bundle_json(variant, false)),
        StartBundle::LocalOnly => local_only(),
    }
}

pub(crate) fn local_only() -> Bundle {
    let full: Value = serde_json::from_str(TWO_SITE).expect("the two-site bundle is JSON");
    parse(&json!({ "version": 1, "local": full["local"] }))
}

pub(crate) fn loaded_bundle(config: LoadedConfig) -> Bundle {
    match config {
        LoadedConfig::Valid(variant) => parse(&bundle_json(variant, false)),
        LoadedConfig::Swapped(variant) => parse(&bundle_json(variant, true)),
        LoadedConfig::NoLocal(variant) => {
            let mut bundle = bundle_json(variant, false);
            bundle
                .as_object_mut()
                .expect("a bundle is an object")
                .remove("local");
            parse(&bundle)
        }
        LoadedConfig::SameSites => {
            let mut bundle = bundle_json(any_variant(), false);
            bundle["person"]["options"]["interaction-workspace"]["disaster-recovery.peer-site"] =
                json!("SiteA");
            parse(&bundle)
        }
        LoadedConfig::BadTimeout => {
            let mut bundle = bundle_json(any_variant(), false);
            bundle["person"]["options"]["interaction-workspace"]["disaster-recovery.timeout"] =
                json!("soon");
            parse(&bundle)
        }
        LoadedConfig::LocalOnly => local_only(),
    }
}

pub(crate) fn any_variant() -> Variant {
    Variant {
        enabled: true,
        auto_restore: true,
        restore_when_idle: true,
        timings: Timings::Short,
    }
}
