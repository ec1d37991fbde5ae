//! The configuration model: the bundle as read, and the policy it resolves to.

mod bundle;
mod diagnostic;
pub mod options;
mod policy;
mod rules;

pub use bundle::{
    ApplicationRef, BUNDLE_VERSION, Bundle, ConfigObject, ConfigServerPair, Connection,
    DesktopApplication, Local, LocalSite, MAX_BUNDLE_BYTES, OptionValue, Options, Place,
    ServerApplication, ServerType, Version,
};
pub use diagnostic::{Diagnostic, Severity};
pub use options::Timing;
pub use policy::{BootstrapPlan, Dialect, ResolvedPolicy, Validated, bootstrap_plan, validate};
