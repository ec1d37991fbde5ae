//! Continuity's deterministic failover engine for two-site SIP Business
//! Continuity agent desktops.
//!
//! An agent desktop has a *preferred* site and a *peer* site, each running
//! HA pairs of SIP Server, Stat Server and Configuration Server. When the
//! desktop's site fails, the [`Engine`] decides when to switch the desktop
//! and its SIP phone to the peer site, and when to come back. It does no I/O
//! at all: the host (a browser desktop through the WebAssembly package, a
//! thick client through the native shim, or the scenario runner) feeds it
//! what happened and carries out the commands it emits.
//!
//! # Glossary
//!
//! The words below mean one thing each, in the code, the docs and every
//! binding.
//!
//! - **Site**: a named location (`SiteA`) running one HA pair of each
//!   **service** — `sip-server`, `stat-server`, `config-server`. For one
//!   agent a site plays a **role**: `preferred` or `peer`.
//! - **Member**: `primary` or `backup`, one server of an HA pair. A **link**
//!   is the desktop's connection to one member; a service is *up* while at
//!   least one of its links is. **Trigger services** are those whose loss
//!   starts the switchover timer.
//! - **Endpoint**: the agent's SIP phone, registered at one site.
//!   **Interaction**: a call (or other work) on the desktop.
//! - **Bundle** ([`Bundle`]): everything one desktop is configured with; it
//!   resolves to a **policy** ([`ResolvedPolicy`]) or to **diagnostics**
//!   ([`Diagnostic`]).
//! - **Input** ([`Input`]): something that happened, handed to a `handle_*`
//!   method; each answers what became of it ([`Handled`]: applied, ignored
//!   and why, or refused). **Output** ([`Output`]): what the engine
//!   decided — a **command** the host carries out (`connect`,
//!   `register_endpoint`, `probe`, …) or a **notice** for the UI
//!   (`switched`, `phase_changed`, …). [`Emitted`] is an output with the
//!   engine time it was decided at.
//! - **Engine time** ([`Millis`]): the host's monotonic milliseconds, passed
//!   as `now`. A **deadline** is a time the engine asked to be called back
//!   at ([`Engine::poll_timeout`]), for a [`TimerKind`].
//! - **Switch** (switchover): leaving one site for the other, for a
//!   [`Reason`]; a **pending** switch is announced before it happens. The
//!   **switchback** is the switch back to the preferred site
//!   (`auto-restore`).
//! - **Probe**: the engine's `probe {site}` command, "is this site
//!   healthy?", answered by the `probe_result` input. (How a host finds out
//!   — TCP connects, SIP OPTIONS — is its own business; the native shim
//!   calls those *health checks*.)
//! - **Phase** ([`Phase`]): what the desktop is doing, as a UI shows it.
//! - **Scenario** ([`Scenario`]): timed inputs run in virtual time; its
//!   **trace** is the emitted outputs, one JSON line each ([`trace`]).
//!
//! # Time
//!
//! All time is an input. The host passes `now` — milliseconds on any
//! monotonic clock it likes — as the last argument of every `handle_*`
//! call; the engine never reads a clock and never draws OS randomness
//! (randomness comes from the seed given to [`Engine::new`]). Time that goes
//! backwards is treated as the last time seen. That is what makes tests run
//! in virtual time, faster than real time, and traces replay byte for byte.
//!
//! # Run loop
//!
//! 1. Create the engine from a [`Bundle`] and a seed, then `handle_start(now)`.
//! 2. Drain [`Engine::poll_output`] until it returns `None`, carrying out each
//!    command (`connect`, `register_endpoint`, …) and showing each notice.
//! 3. Ask [`Engine::poll_timeout`] for the next deadline and sleep until it,
//!    or until something happens.
//! 4. If something happened, call the matching `handle_*(…, now)`; if the
//!    deadline came, call [`Engine::handle_timeout`]`(now)`.
//! 5. Go to 2.
//!
//! The host needs nothing more: before an input, the engine itself handles
//! every deadline already due, each at its own time (within the wake gap;
//! see [`Engine::handle_timeout`]), so a host whose timer fired late gets
//! exactly the decisions, and the times, of one whose timer was punctual.
//! Each output carries the time it was decided at ([`Emitted::at`]).
//!
//! ```no_run
//! use continuity_core::{Bundle, Engine, Input, Output};
//!
//! # fn next_event(_deadline: Option<u64>) -> (Option<Input>, u64) { unimplemented!() }
//! # fn carry_out(_output: Output) {}
//! let bundle = Bundle::from_json(&std::fs::read_to_string("bundle.json")?)?;
//! let mut engine = Engine::new(bundle, 7)?;
//! engine.handle_start(0);
//! loop {
//!     while let Some(emitted) = engine.poll_output() {
//!         carry_out(emitted.output);
//!     }
//!     // Wait for an event or the deadline, whichever comes first.
//!     match next_event(engine.poll_timeout()) {
//!         (Some(input), now) => {
//!             engine.handle_input(input, now);
//!         }
//!         (None, now) => engine.handle_timeout(now),
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Scenarios
//!
//! A [`Scenario`] drives an engine through timed inputs in virtual time and
//! yields a trace ([`trace::render`]): the contract shared by the native
//! command-line tool and the WebAssembly package.
//!
//! ```
//! use continuity_core::{Scenario, trace};
//!
//! let scenario = Scenario::from_json(r#"{
//!   "bundle": { "version": 1,
//!     "local": { "sites": [ { "name": "SiteA" } ] },
//!     "servers": [ { "name": "SIPS_A", "type": "sip-server",
//!       "options": { "interaction-workspace": { "disaster-recovery.site": "SiteA" } } } ] },
//!   "steps": [ { "at": 0, "input": { "type": "start" } } ] }"#)?;
//! let bundle = scenario.inline_bundle().cloned().unwrap();
//! let lines = scenario.run(bundle)?;
//! assert_eq!(
//!     trace::render(&lines).lines().next(),
//!     Some(r#"{"at": 0, "output": {"type": "connect", "site": "SiteA"}}"#)
//! );
//! # Ok::<(), continuity_core::Error>(())
//! ```
//!
//! # Panics
//!
//! Nothing reachable from input panics: malformed data is an [`Error`], and
//! inputs that make no sense in the current state are ignored, counted
//! ([`Engine::ignored`]) and answered as such ([`Handled::Ignored`]). The few `expect`s state the invariant they rely on.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod config;
mod engine;
mod error;
mod json;
pub mod scenario;
#[cfg(feature = "toml")]
mod toml_tree;
pub mod trace;
mod types;
mod vocab;
pub mod wire;

pub use config::{Bundle, Diagnostic, ResolvedPolicy, Severity, validate};
#[cfg(feature = "planted-bugs")]
pub use engine::PlantedBug;
pub use engine::{
    Engine, Handled, Ignore, Ignored, LinkState, NextTimer, PendingSwitch, ServiceStatus, Status,
    TimerKind,
};
pub use error::Error;
pub use scenario::{BundleSource, Entry, Scenario, Step};
pub use types::{Member, Millis, Name, Phase, Reason, Role, Service, ServiceSet};
pub use vocab::{Emitted, FieldKind, Input, InputType, Output, OutputType};
