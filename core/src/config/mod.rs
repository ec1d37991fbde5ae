//! The configuration model: the bundle as read, and the policy it resolves to.

mod bundle;
pub mod cfg;
mod diagnostic;
pub mod options;
mod policy;
mod read;
mod report;
mod rules;

pub use bundle::{
    ApplicationRef, BUNDLE_VERSION, Bundle, ConfigObject, ConfigServerPair, Connection,
    DesktopApplication, Local, LocalSite, MAX_BUNDLE_BYTES, OptionValue, Options, Place,
    ServerApplication, Version, split_host_port,
};
pub use cfg::{MAX_CFG_BYTES, ParsedOptions, parse_cfg};
pub use diagnostic::{Diagnostic, Severity};
pub use options::Timing;
pub use policy::{BootstrapPlan, Dialect, ResolvedPolicy, Validated, bootstrap_plan, validate};
pub use report::{Outcome, PolicyJson, Report, dialect_name};
pub use rules::{primary_of, site_of_server};
