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
    /// The text is not well-formed (JSON, TOML or an option export), or a
    /// field has the wrong shape.
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
    /// An object's `options_file` could not be used: it could not be read,
    /// it does not parse, or the object also has inline options.
    OptionsFile {
        /// The object that names the file, as in `person agent1`.
        object: String,
        /// The file, as written in the bundle.
        file: String,
        /// 1-based line of the problem in the file (0 when it is not about one line).
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
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
            Error::OptionsFile {
                object,
                file,
                line,
                message,
            } if *line > 0 => write!(f, "{object}: options_file `{file}`, line {line}: {message}"),
            Error::OptionsFile {
                object,
                file,
                message,
                ..
            } => write!(f, "{object}: options_file `{file}`: {message}"),
            Error::Scenario { location, message } => write!(f, "{location}: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// The 1-based line and column (in characters) of byte `offset` of `text`;
/// an offset past the end counts as the end.
pub(crate) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "ab\ncé d\r\n\nx";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 2), (1, 3));
        assert_eq!(line_and_column(text, 3), (2, 1));
        assert_eq!(line_and_column(text, 7), (2, 4), "é is one column");
        assert_eq!(line_and_column(text, 10), (3, 1));
        assert_eq!(line_and_column(text, 11), (4, 1));
        assert_eq!(line_and_column(text, 99), (4, 2));
        assert_eq!(line_and_column("", 5), (1, 1));
    }
}
