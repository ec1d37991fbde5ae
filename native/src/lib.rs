//! Native host for the Continuity failover engine.
//!
//! For now this crate holds what the `continuity` command-line tool needs:
//! reading scenario and bundle files (JSON or TOML, with Genesys
//! Administrator option exports) from disk with errors that name the file,
//! the `validate` report, and a readable timeline of a scenario run.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod demo;
pub mod driver;
pub mod files;
pub mod host;
pub mod live;
pub mod probe;
pub mod report;
pub mod text;
