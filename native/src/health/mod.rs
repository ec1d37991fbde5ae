//! Health checks: real endpoints turned into the engine's link, endpoint and
//! `probe_result` inputs.
//!
//! The engine never does I/O; the host tells it what the network looks like
//! (`link_up` / `link_down {site, service, member}`, `probe_result {site, ok}`,
//! `endpoint_registered` / `endpoint_unregistered {site}`). This module
//! produces that evidence for the native tokio shim (the engine's own
//! `probe {site}` command is answered with one of these checks; see
//! [`host`](crate::host)):
//!
//! - [`tcp_check`]: one TCP connect to `host:port` (a Configuration Server,
//!   Stat Server or SIP Server port);
//! - [`sip_options`]: one SIP `OPTIONS` request over UDP, answered by a SIP
//!   server;
//! - [`spawn_monitor`] / [`Monitor`]: either check (or any [`Check`]) run every
//!   [`HealthSettings::interval`], with rise/fall counts, reporting
//!   [`Transition`]s on a tokio channel under a caller-chosen key that the
//!   host maps to engine inputs;
//! - [`serve_options`] / [`OptionsResponder`]: a tiny in-process SIP server
//!   that answers `OPTIONS` with `200 OK`, for tests and `continuity demo`.
//!
//! # What a check proves, and what it does not
//!
//! | check | alive means | it does not prove |
//! | --- | --- | --- |
//! | TCP connect | the kernel at `host:port` completed a three-way handshake within the timeout | that the application behind the socket reads, answers, or is healthy: a process that accepts and then hangs is *alive*; so is a port held by a load balancer whose backends are all down |
//! | SIP OPTIONS | a SIP element at `host:port` parsed our request and sent a final response (200–699) for *this* transaction within the timeout | that it would accept a REGISTER or route a call: `404`, `483` or `503` from a live server still count as alive — the server is reachable and speaking SIP, which is what the engine's link input means; policy on status codes belongs to the caller ([`SipAnswer::code`]) |
//!
//! Failures are of three kinds, and the difference matters for how fast a
//! check reports a dead endpoint:
//!
//! - **refused** ([`CheckError::Refused`]): a TCP reset, or for UDP an ICMP
//!   port-unreachable seen as "connection refused" on the connected socket.
//!   The check fails at once, without waiting for the timeout.
//! - **timeout** ([`CheckError::Timeout`]): nothing (usable) came back: a
//!   host that drops packets, a full accept backlog, a SIP peer that answers
//!   only garbage, provisional responses, or other transactions. The check
//!   fails exactly at the timeout, never earlier.
//! - **other errors** (no route, resolution failure): at once.
//!
//! # SIP messages: why no SIP crate
//!
//! The SIP check writes one request and reads four things from a response
//! (status line, top Via branch, Call-ID, CSeq); the responder echoes five
//! headers. The SIP crates on crates.io were weighed (November 2026):
//!
//! - `rsip` 0.4: no release since 2022; pins `uuid` 0.8, `sha2` and `md-5`
//!   0.9, `bstr` 0.2;
//! - `rsipstack` 0.7: maintained, but a whole SIP stack (its default
//!   features pull rustls, hickory-resolver and tungstenite; without them
//!   still md-5, sha2, futures, async-trait), its message types an internal
//!   fork of `rsip`;
//! - `sip-core` 0.3: young, and depends on tokio with the `full` feature,
//!   `rand` and `uuid`, which would widen this crate's tokio features;
//! - `ezk-sip-types` 0.6: maintained and the best of them, but a
//!   general-purpose nom 7 parser with `anyhow`, `lazy_static`, `bytesstr`
//!   and `ezk-internal`, to be composed by the caller from low-level pieces.
//!
//! None is worth its weight for four fields, and none states that its
//! parser cannot panic on hostile input. So the check has a small, strict
//! parser of its own (no dependency): start line and headers up to the
//! empty line, valid UTF-8, `SIP/2.0` only, status codes 100–699, token
//! header names compared case-insensitively, the compact forms `v`, `i`,
//! `f`, `t` understood, obsolete line folding rejected. Anything it does not
//! accept is ignored, and property tests feed it random and mutated
//! datagrams to show it never panics.
//!
//! # Time
//!
//! Every wait uses [`tokio::time`], so the monitor runs in paused time in
//! tests (`tokio::time::pause()`), and a monitor waits out its interval
//! between checks: it never spins, whatever its check returns.
//!
//! # Example
//!
//! ```no_run
//! use continuity_native::health::{BuiltinCheck, Health, HealthSettings, Monitor, Transition};
//! use tokio::sync::mpsc;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let (tx, mut rx) = mpsc::channel::<Transition<&str>>(16);
//! let key = "SiteA/sip-server/primary";
//! let target = "sip-a.example.net:5060";
//! let settings = HealthSettings::default();
//! let _monitor = Monitor::builtin(settings, key, tx, BuiltinCheck::SipOptions, target)?;
//! while let Some(change) = rx.recv().await {
//!     match change.health {
//!         Health::Up => println!("{} link up", change.key),
//!         Health::Down => println!("{} link down: {:?}", change.key, change.error),
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod error;
mod hysteresis;
mod monitor;
mod settings;
mod sip;
mod target;
mod tcp;

pub use error::CheckError;
pub use hysteresis::{Health, Hysteresis};
pub use monitor::{BuiltinCheck, Check, CheckOutcome, Failure, Monitor, Transition, spawn_monitor};
pub use settings::{HealthSettings, SettingsError};
pub use sip::{
    OptionsResponder, SipAnswer, T1, T2, options_response, serve_options, serve_options_until,
    sip_options,
};
pub use target::{IntoTarget, Target};
pub use tcp::tcp_check;
