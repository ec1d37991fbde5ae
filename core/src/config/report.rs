//! The outcome of validating a bundle, shaped for tools: the command-line
//! `validate`, the WebAssembly `validate()`.

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::types::{Millis, ServiceSet};

use super::{
    BootstrapPlan, Bundle, Diagnostic, Dialect, ResolvedPolicy, Severity, Validated,
    bootstrap_plan, validate,
};

/// What validating a bundle found: the outcome and every finding.
#[derive(Clone, Debug)]
pub struct Report {
    /// The outcome.
    pub outcome: Outcome,
    /// Every error and warning, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

/// The outcome of validating a bundle.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The bundle resolves to this policy (warnings allowed).
    Valid(Box<ResolvedPolicy>),
    /// The bundle holds only local configuration; the desktop bootstraps with this plan.
    Bootstrap(BootstrapPlan),
    /// The bundle has errors.
    Invalid,
}

impl Report {
    /// Validates `bundle`; `extra` are findings made while reading it
    /// (option-file warnings), reported with the rest.
    pub fn new(bundle: &Bundle, extra: Vec<Diagnostic>) -> Report {
        let (outcome, found) = if bundle.is_local_only() {
            match bootstrap_plan(bundle) {
                Ok(plan) => (Outcome::Bootstrap(plan), Vec::new()),
                Err(diagnostics) => (Outcome::Invalid, diagnostics),
            }
        } else {
            match validate(bundle) {
                Ok(Validated { policy, warnings }) => (Outcome::Valid(Box::new(policy)), warnings),
                Err(diagnostics) => (Outcome::Invalid, diagnostics),
            }
        };
        let mut diagnostics = extra;
        diagnostics.extend(found);
        Diagnostic::errors_first(&mut diagnostics);
        Report {
            outcome,
            diagnostics,
        }
    }

    /// Whether the bundle can be used (warnings allowed).
    pub fn is_valid(&self) -> bool {
        !matches!(self.outcome, Outcome::Invalid)
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// One JSON object: `bootstrap`, `diagnostics`, `errors`, `policy` (the
/// resolved policy, or `null`), `valid` and `warnings`, in that order.
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let policy = match &self.outcome {
            Outcome::Valid(policy) => Some(PolicyJson::new(policy)),
            _ => None,
        };
        let mut report = serializer.serialize_struct("Report", 6)?;
        report.serialize_field("bootstrap", &matches!(self.outcome, Outcome::Bootstrap(_)))?;
        report.serialize_field("diagnostics", &self.diagnostics)?;
        report.serialize_field("errors", &self.count(Severity::Error))?;
        report.serialize_field("policy", &policy)?;
        report.serialize_field("valid", &self.is_valid())?;
        report.serialize_field("warnings", &self.count(Severity::Warning))?;
        report.end()
    }
}

/// A dialect's name in reports: `workspace` or `agent-desktop`.
pub fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Workspace => "workspace",
        Dialect::AgentDesktop => "agent-desktop",
    }
}

/// A resolved policy as reports show it: names, switches and every timing
/// in milliseconds (`timing_ms`), fields in alphabetical order.
#[derive(Serialize)]
pub struct PolicyJson<'a> {
    auto_restore: bool,
    dialect: &'static str,
    enabled: bool,
    peer: Option<&'a str>,
    preferred: &'a str,
    restore_when_idle: bool,
    timing_ms: TimingJson,
    triggers: ServiceSet,
}

#[derive(Serialize)]
struct TimingJson {
    backoff_base: Millis,
    backoff_cap: Millis,
    bootstrap_connect_timeout: Millis,
    endpoint_timeout: Millis,
    failover_spread: Millis,
    hold_down: Millis,
    probe_interval: Millis,
    recheck_grace: Millis,
    restore_spread: Millis,
    site_timeout: Millis,
    wake_gap: Millis,
}

impl<'a> PolicyJson<'a> {
    /// The report view of `policy`.
    pub fn new(policy: &'a ResolvedPolicy) -> PolicyJson<'a> {
        let t = &policy.timing;
        PolicyJson {
            auto_restore: policy.auto_restore,
            dialect: dialect_name(policy.dialect),
            enabled: policy.enabled,
            peer: policy.peer.as_deref(),
            preferred: &policy.preferred,
            restore_when_idle: policy.restore_when_idle,
            timing_ms: TimingJson {
                backoff_base: t.backoff_base,
                backoff_cap: t.backoff_cap,
                bootstrap_connect_timeout: t.bootstrap_connect_timeout,
                endpoint_timeout: t.endpoint_timeout,
                failover_spread: t.failover_spread,
                hold_down: t.hold_down,
                probe_interval: t.probe_interval,
                recheck_grace: t.recheck_grace,
                restore_spread: t.restore_spread,
                site_timeout: t.site_timeout,
                wake_gap: t.wake_gap,
            },
            triggers: policy.triggers,
        }
    }
}
