//! The configuration model: the bundle as read, and the policy it resolves to.
//!
//! The modules, each importing only those listed before it:
//!
//! - `diagnostic`: what is wrong, where, and how to fix it.
//! - `schema`: the bundle's types, as plain data.
//! - `objects`: the one walk over the objects that carry options.
//! - `read`: the one reader of a bundle, from a parsed document (JSON, or
//!   TOML through `toml`).
//! - [`cfg`](mod@cfg): Genesys Administrator option exports, and resolving a
//!   bundle's `options_file`s.
//! - `bundle`: every `impl Bundle` (reading, resolving, questions).
//! - [`options`]: option names, defaults, and the option hierarchy.
//! - `topology`: which server is at which site, and the primary of a backup.
//! - `suggest`: "did you mean" for misspelt option names.
//! - `resolved`: the policy a bundle resolves to, and its dialect.
//! - `policy`: resolving the options into that policy, dialect by dialect.
//! - `rules`: the validation rules beyond resolving the options.
//! - `validate`: policy and rules in one pass.
//! - `report`: the outcome of validating, shaped for tools.

mod bundle;
pub mod cfg;
mod diagnostic;
mod objects;
pub mod options;
mod policy;
mod read;
mod report;
mod resolved;
mod rules;
mod schema;
mod sorted;
mod suggest;
mod topology;
mod validate;

#[cfg(test)]
mod tests;

pub use cfg::{MAX_CFG_BYTES, ParsedOptions, parse_cfg};
pub use diagnostic::{Diagnostic, Severity};
pub use options::Timing;
pub use policy::{BootstrapPlan, bootstrap_plan};
pub use report::{Outcome, PolicyJson, Report, dialect_name};
pub use resolved::{Dialect, ResolvedPolicy};
pub use schema::{
    ApplicationRef, BUNDLE_VERSION, Bundle, ConfigObject, ConfigServerPair, Connection,
    DesktopApplication, Local, LocalSite, MAX_BUNDLE_BYTES, OptionValue, Options, Place,
    ServerApplication, Version, split_host_port,
};
pub use sorted::{SortedMap, SortedMapEntry};
pub use topology::{primary_of, site_of_server};
pub use validate::{Validated, validate};
