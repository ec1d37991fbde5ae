//! Diagnostics: what is wrong with a configuration, where, and how to fix it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The configuration cannot be used.
    Error,
    /// The configuration works but probably not as intended.
    Warning,
}

/// One finding about a configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code, as in `preferred-site-missing`.
    pub code: String,
    /// The configuration object it is about, as in `person agent1`.
    pub object: Option<String>,
    /// The option section, as in `interaction-workspace`.
    pub section: Option<String>,
    /// The option name, as in `disaster-recovery.timeout`.
    pub option: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Diagnostic {
    /// An error with a code and a message; locate it with the builder methods.
    pub fn error(code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message.into())
    }

    /// A warning with a code and a message; locate it with the builder methods.
    pub fn warning(code: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message.into())
    }

    fn new(severity: Severity, code: &str, message: String) -> Diagnostic {
        Diagnostic {
            severity,
            code: code.to_owned(),
            object: None,
            section: None,
            option: None,
            message,
        }
    }

    /// Reorders `diagnostics` errors first, keeping the order within each severity.
    pub fn errors_first(diagnostics: &mut Vec<Diagnostic>) {
        // A stable partition rather than a sort: the order found is the
        // order of the bundle, and sorting code is large in WebAssembly.
        let (errors, warnings): (Vec<_>, Vec<_>) =
            diagnostics.drain(..).partition(Diagnostic::is_error);
        diagnostics.extend(errors);
        diagnostics.extend(warnings);
    }

    /// This diagnostic, about `object`.
    #[must_use]
    pub fn on(mut self, object: impl Into<String>) -> Diagnostic {
        self.object = Some(object.into());
        self
    }

    /// This diagnostic, about option `option` of section `section`.
    #[must_use]
    pub fn option(mut self, section: &str, option: &str) -> Diagnostic {
        self.section = Some(section.to_owned());
        self.option = Some(option.to_owned());
        self
    }

    /// Whether this is an error (as opposed to a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}[{}]", self.code)?;
        if let Some(object) = &self.object {
            write!(f, " {object}")?;
        }
        match (&self.section, &self.option) {
            (Some(section), Some(option)) => write!(f, " [{section}] {option}")?,
            (Some(section), None) => write!(f, " [{section}]")?,
            _ => {}
        }
        write!(f, ": {}", self.message)
    }
}
