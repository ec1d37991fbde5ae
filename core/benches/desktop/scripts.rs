//! The workload scripts, read from `workloads.txt` (shared with the
//! WebAssembly benchmark, `wasm/bench/speed.mjs`); the file's header
//! describes the format.

use continuity_core::{Member, Millis, Service};

use super::{Cond, Event, Site};

/// The workloads file, compiled in.
const WORKLOADS: &str = include_str!("workloads.txt");

/// One workload: a script and the world it starts in.
pub struct Workload {
    /// Its name, as in `steady-mix`.
    pub name: &'static str,
    /// The events, repeated forever (read once, kept for the whole run).
    pub script: &'static [Event],
    /// Whether SiteA and SiteB are healthy at the start.
    pub healthy: [bool; 2],
}

/// Every workload of `workloads.txt`, in file order.
///
/// # Panics
///
/// On a line that is not in the file's format, naming it: the file is part
/// of the benchmark's source.
pub fn workloads() -> Vec<Workload> {
    let mut read: Vec<(&'static str, [bool; 2], Vec<Event>)> = Vec::new();
    for (index, line) in WORKLOADS.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [first, ..] if first.starts_with('#') => {}
            ["workload", name, healthy] => {
                let healthy = match *healthy {
                    "both" => [true, true],
                    "none" => [false, false],
                    _ => unreadable(index, line),
                };
                read.push((name, healthy, Vec::new()));
            }
            words => match (event(words), read.last_mut()) {
                (Some(event), Some((_, _, script))) => script.push(event),
                _ => unreadable(index, line),
            },
        }
    }
    read.into_iter()
        .map(|(name, healthy, script)| Workload {
            name,
            script: Vec::leak(script),
            healthy,
        })
        .collect()
}

fn unreadable(index: usize, line: &str) -> ! {
    panic!("workloads.txt line {}: cannot read `{line}`", index + 1)
}

/// One event line, split into words.
fn event(words: &[&str]) -> Option<Event> {
    let dt = |word: &str| word.parse::<Millis>().ok();
    let site = |word: &str| match word {
        "A" => Some(Site::A),
        "B" => Some(Site::B),
        _ => None,
    };
    let member = |word: &str| match word {
        "primary" => Some(Member::Primary),
        "backup" => Some(Member::Backup),
        _ => None,
    };
    Some(match *words {
        ["link_up", t, s, service, m] => {
            Event::LinkUp(dt(t)?, site(s)?, Service::from_name(service)?, member(m)?)
        }
        ["link_down", t, s, service, m] => {
            Event::LinkDown(dt(t)?, site(s)?, Service::from_name(service)?, member(m)?)
        }
        ["registered", t, s] => Event::Registered(dt(t)?, site(s)?),
        ["unregistered", t, s] => Event::Unregistered(dt(t)?, site(s)?),
        ["started", t, id] => Event::Started(dt(t)?, id.parse().ok()?),
        ["ended", t, id] => Event::Ended(dt(t)?, id.parse().ok()?),
        ["switch", t, s] => Event::Switch(dt(t)?, site(s)?),
        ["world", s, "up"] => Event::World(site(s)?, true),
        ["world", s, "down"] => Event::World(site(s)?, false),
        ["timeout"] => Event::Timeout,
        ["until", "active", s] => Event::Until(Cond::Active(site(s)?)),
        ["until", "restore_pending"] => Event::Until(Cond::RestorePending),
        _ => return None,
    })
}
