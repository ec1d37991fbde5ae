//! `continuity validate`: a bundle's diagnostics, for people and for machines.

use std::collections::BTreeMap;
use std::fmt::Write;

use continuity_core::config::{self, Outcome, dialect_name};
use continuity_core::{Bundle, Diagnostic, ResolvedPolicy, Severity};

/// What validating a bundle read from a file found.
#[derive(Clone, Debug)]
pub struct Report {
    /// The file the bundle came from, as given.
    pub file: String,
    /// The outcome and the findings.
    pub report: config::Report,
}

impl Report {
    /// Validates `bundle` (read from `file`); `extra` are findings made while
    /// reading it (option-file warnings), reported with the rest.
    pub fn new(file: &str, bundle: &Bundle, extra: Vec<Diagnostic>) -> Report {
        Report {
            file: file.to_owned(),
            report: config::Report::new(bundle, extra),
        }
    }

    /// The exit status: 0 valid (warnings allowed), 1 invalid.
    pub fn exit_code(&self) -> u8 {
        if self.report.is_valid() { 0 } else { 1 }
    }

    /// The report for people: a verdict line, then the findings grouped by object.
    pub fn to_text(&self) -> String {
        let report = &self.report;
        let (errors, warnings) = (
            report.count(Severity::Error),
            report.count(Severity::Warning),
        );
        let mut out = String::new();
        let verdict = if report.is_valid() {
            "valid"
        } else {
            "invalid"
        };
        let _ = writeln!(
            out,
            "{}: {verdict}, {errors} error(s), {warnings} warning(s)",
            self.file
        );
        let mut groups: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &report.diagnostics {
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
        match &report.outcome {
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

    /// The report for machines: one JSON object, with the file it came from.
    pub fn to_json(&self) -> String {
        // A report holds strings, numbers and lists only: it always serializes.
        let mut value = serde_json::to_value(&self.report).expect("a report serializes");
        if let serde_json::Value::Object(fields) = &mut value {
            fields.insert("file".to_owned(), self.file.clone().into());
        }
        serde_json::to_string_pretty(&value).expect("a JSON value serializes") + "\n"
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
