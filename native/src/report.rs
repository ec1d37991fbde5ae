//! `continuity validate`: a bundle's diagnostics, for people and for machines.

use std::collections::BTreeMap;
use std::fmt::Write;

use continuity_core::config::{self, BootstrapPlan, Dialect, Validated};
use continuity_core::{Bundle, Diagnostic, ResolvedPolicy, Severity};
use serde_json::{Value, json};

/// What validating a bundle found.
#[derive(Clone, Debug)]
pub struct Report {
    /// The file the bundle came from, as given.
    pub file: String,
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
    /// Validates `bundle` (read from `file`); `extra` are findings made while
    /// reading it (option-file warnings), reported with the rest.
    pub fn new(file: &str, bundle: &Bundle, extra: Vec<Diagnostic>) -> Report {
        let (outcome, found) = if bundle.is_local_only() {
            match config::bootstrap_plan(bundle) {
                Ok(plan) => (Outcome::Bootstrap(plan), Vec::new()),
                Err(diagnostics) => (Outcome::Invalid, diagnostics),
            }
        } else {
            match config::validate(bundle) {
                Ok(Validated { policy, warnings }) => (Outcome::Valid(Box::new(policy)), warnings),
                Err(diagnostics) => (Outcome::Invalid, diagnostics),
            }
        };
        let mut diagnostics = extra;
        diagnostics.extend(found);
        diagnostics.sort_by_key(|d| d.severity);
        Report {
            file: file.to_owned(),
            outcome,
            diagnostics,
        }
    }

    /// The exit status: 0 valid (warnings allowed), 1 invalid.
    pub fn exit_code(&self) -> u8 {
        match self.outcome {
            Outcome::Invalid => 1,
            _ => 0,
        }
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// The report for people: a verdict line, then the findings grouped by object.
    pub fn to_text(&self) -> String {
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        let mut out = String::new();
        let verdict = match &self.outcome {
            Outcome::Invalid => "invalid",
            _ => "valid",
        };
        let _ = writeln!(
            out,
            "{}: {verdict}, {errors} error(s), {warnings} warning(s)",
            self.file
        );
        let mut groups: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &self.diagnostics {
            groups
                .entry(d.object.as_deref().unwrap_or("bundle"))
                .or_default()
                .push(d);
        }
        for (object, findings) in groups {
            let _ = writeln!(out, "\n  {object}");
            for d in findings {
                let severity = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let place = match (&d.section, &d.option) {
                    (Some(section), Some(option)) => format!(" [{section}] {option}"),
                    _ => String::new(),
                };
                let _ = writeln!(out, "    {severity}[{}]{place}", d.code);
                let _ = writeln!(out, "      {}", d.message);
            }
        }
        match &self.outcome {
            Outcome::Valid(policy) => {
                let _ = writeln!(out, "\n  resolves to: {}", describe(policy));
            }
            Outcome::Bootstrap(plan) => {
                let first = plan
                    .config_servers
                    .first()
                    .map(|(site, member)| format!("{site} {member}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "\n  local configuration only: the desktop bootstraps through {} Config Server Proxies, starting with {first}",
                    plan.config_servers.len()
                );
            }
            Outcome::Invalid => {}
        }
        out
    }

    /// The report for machines: one JSON object.
    pub fn to_json(&self) -> String {
        let policy = match &self.outcome {
            Outcome::Valid(policy) => policy_json(policy),
            _ => Value::Null,
        };
        let value = json!({
            "file": self.file,
            "valid": !matches!(self.outcome, Outcome::Invalid),
            "bootstrap": matches!(self.outcome, Outcome::Bootstrap(_)),
            "errors": self.count(Severity::Error),
            "warnings": self.count(Severity::Warning),
            "policy": policy,
            "diagnostics": self.diagnostics,
        });
        // A Value of strings, numbers and arrays always serializes.
        serde_json::to_string_pretty(&value).expect("a JSON value serializes") + "\n"
    }
}

fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Workspace => "workspace",
        Dialect::AgentDesktop => "agent-desktop",
    }
}

fn describe(policy: &ResolvedPolicy) -> String {
    let t = &policy.timing;
    if !policy.enabled {
        return format!(
            "{} dialect, Business Continuity off, always on site {}",
            dialect_name(policy.dialect),
            policy.preferred
        );
    }
    format!(
        "{} dialect, Business Continuity on, preferred {}, peer {}, switch after {} s (site) / {} s (endpoint), auto-restore {}",
        dialect_name(policy.dialect),
        policy.preferred,
        policy.peer.as_deref().unwrap_or("-"),
        t.site_timeout / 1000,
        t.endpoint_timeout / 1000,
        if policy.auto_restore { "on" } else { "off" }
    )
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
