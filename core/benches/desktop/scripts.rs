//! The workload scripts; each repeats forever and ends where it started.

use continuity_core::Member::{Backup, Primary};
use continuity_core::Service::{ConfigServer, SipServer, StatServer};

use super::Cond;
use super::Event;
use super::Event::{
    Ended, LinkDown, LinkUp, Registered, Started, Switch, Timeout, Unregistered, Until, World,
};
use super::Site::{A, B};

/// A desktop's life in steady state: flaps, calls, a lost and recovered
/// registration and trigger service, a failover to the peer, probes, an
/// auto-restore switchback, and a manual round trip. About seven virtual
/// minutes per round.
pub static STEADY_MIX: &[Event] = &[
    // Active on the preferred site: backup members flap, a call comes and goes.
    LinkDown(5_000, A, StatServer, Backup),
    LinkUp(2_000, A, StatServer, Backup),
    LinkDown(5_000, A, SipServer, Backup),
    LinkUp(2_000, A, SipServer, Backup),
    Started(1_000, 0),
    Ended(90_000, 0),
    // The endpoint loses its registration and gets it back: pending, then cancelled.
    Unregistered(5_000, A),
    Registered(3_000, A),
    // A trigger service goes down and recovers: pending, then cancelled.
    LinkDown(5_000, A, SipServer, Primary),
    LinkDown(0, A, SipServer, Backup),
    LinkUp(8_000, A, SipServer, Primary),
    LinkUp(1_000, A, SipServer, Backup),
    // Site A fails during a call: the site timeout fires, the desktop moves to B.
    Started(1_000, 1),
    World(A, false),
    LinkDown(10_000, A, ConfigServer, Primary),
    Until(Cond::Active(B)),
    Ended(30_000, 1),
    // On the peer: probes of A fail, a backup flaps, a call starts.
    Timeout,
    Timeout,
    LinkDown(2_000, B, StatServer, Backup),
    LinkUp(1_000, B, StatServer, Backup),
    Started(1_000, 2),
    // A recovers: probes succeed through the hold-down, the switchback is
    // scheduled, the call ends, the switchback happens.
    World(A, true),
    Until(Cond::RestorePending),
    Ended(500, 2),
    Until(Cond::Active(A)),
    // A manual round trip.
    Switch(20_000, B),
    Until(Cond::Active(B)),
    LinkDown(60_000, B, SipServer, Backup),
    LinkUp(1_000, B, SipServer, Backup),
    Switch(30_000, A),
    Until(Cond::Active(A)),
];

/// The hottest input path: active on the preferred site, links flap, calls
/// come and go, a registration and a trigger service are lost and recovered,
/// and the host wakes up with nothing due.
pub static LINK_FLAPS: &[Event] = &[
    LinkDown(1_000, A, StatServer, Backup),
    LinkUp(1_000, A, StatServer, Backup),
    LinkDown(1_000, A, SipServer, Backup),
    LinkUp(1_000, A, SipServer, Backup),
    LinkDown(1_000, A, ConfigServer, Backup),
    LinkUp(1_000, A, ConfigServer, Backup),
    Started(1_000, 0),
    Started(1_000, 1),
    Ended(1_000, 0),
    Ended(1_000, 1),
    Unregistered(1_000, A),
    Registered(1_000, A),
    LinkDown(1_000, A, SipServer, Primary),
    LinkDown(0, A, SipServer, Backup),
    LinkUp(1_000, A, SipServer, Primary),
    LinkUp(0, A, SipServer, Backup),
    Timeout,
];

/// Both sites down for good: attempts, backoff, probes answered "down".
pub static ALL_SITES_DOWN: &[Event] = &[Timeout];
