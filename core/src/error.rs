//! The crate's error type: what a caller handed in could not be used.

use std::fmt;

use crate::config::Diagnostic;

/// Why a bundle, scenario or input handed to the crate could not be used.
///
/// Events in the world (a site failing) are never errors; they are
/// [`Output`](crate::Output)s.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The text is not well-formed JSON, or a field has the wrong shape.
    Parse {
        /// 1-based line of the problem (0 when unknown).
        line: usize,
        /// 1-based column of the problem (0 when unknown).
        column: usize,
        /// What was found and what was expected.
        message: String,
    },
    /// The text is larger than the crate accepts.
    TooLarge {
        /// What was being read.
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The bundle is well-formed but does not validate.
    Invalid {
        /// Every error and warning found.
        diagnostics: Vec<crate::config::Diagnostic>,
    },
    /// A scenario is well-formed JSON but cannot be run as written.
    Scenario {
        /// Where in the scenario, as in `steps[3]`.
        location: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl Error {
    pub(crate) fn from_json(err: serde_json::Error) -> Error {
        let (line, column) = (err.line(), err.column());
        let mut message = err.to_string();
        let suffix = format!(" at line {line} column {column}");
        if message.ends_with(&suffix) {
            message.truncate(message.len() - suffix.len());
        }
        Error::Parse {
            line,
            column,
            message,
        }
    }

    /// The errors (not warnings) of an [`Error::Invalid`], else nothing.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid { diagnostics } => diagnostics,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse {
                line,
                column,
                message,
            } if *line > 0 => write!(f, "line {line}, column {column}: {message}"),
            Error::Parse { message, .. } => f.write_str(message),
            Error::TooLarge { what, limit } => {
                write!(f, "the {what} is larger than the limit of {limit} bytes")
            }
            Error::Invalid { diagnostics } => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "the configuration has {errors} error(s)")?;
                for d in diagnostics {
                    write!(f, "\n  {d}")?;
                }
                Ok(())
            }
            Error::Scenario { location, message } => write!(f, "{location}: {message}"),
        }
    }
}

impl std::error::Error for Error {}
