//! The fleet: what each site's servers receive when a whole site fails over.
//!
//! When a site dies, every desktop on it notices within seconds of the
//! others and, with one timeout, switches in the same second: N
//! REGISTERs at the surviving site at once, the registration avalanche that
//! is a well-known cause of a second outage. This crate simulates N desktops
//! of one bundle — each a real [`Engine`](continuity_core::Engine) with its own
//! seed, driven by a host that answers its commands as real servers would —
//! through the loss of a site and its return, and counts, per second and
//! per site, the connects and REGISTERs each site receives.
//!
//! Like the core it is sans-IO: no clock, no threads, no OS randomness. The
//! same [`FleetConfig`] gives the same [`Report`] on every target;
//! [`Fleet::run`] simulates any range of desktops, so hosts split the work
//! across threads (the `continuity fleet` command) or in slices between
//! progress updates (the WebAssembly tools module) and [`Tally::merge`] the
//! parts, in any order.
//!
//! ```
//! use continuity_core::Bundle;
//! use continuity_fleet::{Fleet, FleetConfig};
//!
//! let bundle = Bundle::from_json(include_str!("../../tests/scenarios/bundles/two-site.json")).unwrap();
//! let config = FleetConfig { desktops: 200, ..FleetConfig::default() };
//! let fleet = Fleet::new(bundle, config).unwrap();
//! let report = fleet.report(fleet.run(0..200));
//! assert_eq!(report.switch.count, 200);
//! assert_eq!(report.not_active_at_end, 0);
//! ```
//!
//! What the simulated servers do, and what is counted, is written on
//! [`Fleet`].

mod chart;
mod config;
mod desktop;
mod plan;
mod report;
mod rng;
mod tally;
mod text;

pub use chart::svg;
pub use config::{Detection, FleetConfig, FleetError, MAX_DESKTOPS, MAX_UNTIL};
pub use desktop::Fleet;
pub use plan::{Capacity, SpreadSearch, plan_capacity};
pub use report::{Peak, Report, SiteReport, Times};
pub use tally::Tally;
pub use text::{clock, render_text};
