//! Native host for the Continuity failover engine.
//!
//! For now this crate holds what the `continuity` command-line tool needs:
//! reading scenario and bundle files from disk and turning failures into
//! messages that name the file.

pub mod files;
