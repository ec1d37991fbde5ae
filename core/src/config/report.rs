//! The outcome of validating a bundle, shaped for tools: the command-line
//! `validate`, the WebAssembly `validate()`.

use serde_json::{Value, json};

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

    /// The report as one JSON object: `valid`, `bootstrap`, `errors`,
    /// `warnings`, `policy` (the resolved policy, or `null`) and `diagnostics`.
    pub fn to_json_value(&self) -> Value {
        let policy = match &self.outcome {
            Outcome::Valid(policy) => policy_json(policy),
            _ => Value::Null,
        };
        json!({
            "valid": self.is_valid(),
            "bootstrap": matches!(self.outcome, Outcome::Bootstrap(_)),
            "errors": self.count(Severity::Error),
            "warnings": self.count(Severity::Warning),
            "policy": policy,
            "diagnostics": self.diagnostics,
        })
    }
}

/// A dialect's name in reports: `workspace` or `agent-desktop`.
pub fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Workspace => "workspace",
        Dialect::AgentDesktop => "agent-desktop",
    }
}

fn policy_json(policy: &ResolvedPolicy) -> Value {
    let t = &policy.timing;
    json!({
        "dialect": dialect_name(policy.dialect),
        "enabled": policy.enabled,
        "preferred": &*policy.preferred,
        "peer": policy.peer.as_deref(),
        "triggers": policy.triggers,
        "auto_restore": policy.auto_restore,
        "restore_when_idle": policy.restore_when_idle,
        "timing_ms": {
            "site_timeout": t.site_timeout,
            "endpoint_timeout": t.endpoint_timeout,
            "probe_interval": t.probe_interval,
            "hold_down": t.hold_down,
            "spread": t.spread,
            "backoff_base": t.backoff_base,
            "backoff_cap": t.backoff_cap,
            "wake_gap": t.wake_gap,
            "recheck_grace": t.recheck_grace,
            "bootstrap_connect_timeout": t.bootstrap_connect_timeout,
        },
    })
}
