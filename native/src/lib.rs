//! Native host for the Continuity failover engine: what thick clients link
//! and what the `continuity` command-line tool runs.
//!
//! - [`driver`]: the engine in a tokio task, in real time — inputs and health
//!   reports in, outputs out as a stream, status on a watch channel.
//! - [`health`]: health checks (TCP connect, SIP OPTIONS over UDP) and
//!   rise/fall monitors that turn real endpoints into link, endpoint and
//!   `probe_result` inputs.
//! - [`host`]: [`host::CommandHost`], which carries out the engine's commands
//!   (`connect`, `register_endpoint`, `probe`, …) with those checks, at the
//!   addresses a bundle gives.
//! - [`live`]: the loop behind `continuity watch` and `continuity demo`.
//! - [`demo`]: two fake sites on loopback for `continuity demo`.
//! - [`fleet`]: `continuity fleet`'s runner: a fleet simulated on every
//!   core, with a progress bar.
//! - [`files`], [`report`], [`text`]: reading bundles and scenarios from
//!   disk, the `validate` report, readable timelines.
//!
//! The C ABI is a crate of its own, `continuity-capi`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod demo;
pub mod driver;
pub mod files;
pub mod fleet;
pub mod health;
pub mod host;
pub mod live;
pub mod report;
pub mod text;

/// The README's Rust examples (the core crate's and this one's), compiled as
/// doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
