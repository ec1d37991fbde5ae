//! What a bundle resolves to: the [`ResolvedPolicy`] the engine runs on,
//! and the [`Dialect`] it came from.
//!
//! The policy resolution (`policy.rs`) produces it; the validation rules
//! (`rules.rs`), the engine and the reports read it.

use serde::Serialize;

use super::options::Timing;
use crate::types::{Member, Name, ServiceSet};

/// Which configuration dialect a policy was resolved from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// `interaction-workspace` / `disaster-recovery.*` (Workspace Desktop Edition).
    Workspace,
    /// `agent-desktop` / `site-1`, `site-2` (SIP Disaster Recovery configuration data).
    AgentDesktop,
}

/// Everything the engine needs to run, resolved from a bundle.
///
/// Both configuration dialects resolve to this one type; the engine never
/// looks at a bundle's options itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedPolicy {
    /// The dialect the policy came from.
    pub dialect: Dialect,
    /// Whether Business Continuity is on.
    pub enabled: bool,
    /// The preferred site (with Business Continuity off: the site to connect to).
    pub preferred: Name,
    /// The peer site. Always set with Business Continuity on; with it off,
    /// set only when configured (a desktop on it stays there, never switches).
    pub peer: Option<Name>,
    /// The services whose loss starts the switchover timer.
    pub triggers: ServiceSet,
    /// Switch back to the preferred site when it recovers.
    pub auto_restore: bool,
    /// Defer the switchback while an interaction is active.
    pub restore_when_idle: bool,
    /// Every timing, in milliseconds.
    pub timing: Timing,
    /// The Configuration Server Proxies to try at bootstrap, in order.
    pub config_servers: Vec<(Name, Member)>,
}
