//! The result codes every function returns.

use std::ffi::CStr;

/// What a call did: `CONTINUITY_CODE_OK` (0), `CONTINUITY_CODE_NONE` (1), or an
/// error (negative).
///
/// The values are stable: a code keeps its number in every later version and
/// new codes get new numbers. Test `code < 0` for "failed"; after a failure,
/// `continuity_last_error()` says what went wrong, where, and how to fix it.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContinuityCode {
    /// The call succeeded.
    Ok = 0,
    /// The call succeeded and there was nothing to return: no output waiting
    /// (`continuity_engine_poll_output`) or no deadline
    /// (`continuity_engine_poll_timeout`). Not an error.
    None = 1,
    /// A pointer argument that must not be NULL was NULL. The message names it.
    NullArgument = -1,
    /// A string argument is not valid UTF-8. The message gives the byte offset.
    InvalidUtf8 = -2,
    /// A string argument is not well-formed JSON. The message gives the line
    /// and column.
    InvalidJson = -3,
    /// Well-formed JSON that is not an input: an unknown `type`, or a field
    /// that is missing, unknown, or of the wrong type.
    InvalidInput = -4,
    /// Well-formed JSON that is not a usable bundle: a field of the wrong
    /// shape, an option export that cannot be read, or a configuration that
    /// does not validate (the message lists every diagnostic with its code).
    InvalidBundle = -5,
    /// A time argument is larger than `CONTINUITY_MAX_TIME_MS`.
    BadTime = -6,
    /// The engine is stopped (it handled a `stop` input) and refuses every
    /// further input. Stopping is final: free the engine and create a new one.
    Stopped = -7,
    /// A bug in Continuity (a Rust panic, caught before it reached C). The
    /// engine the call was given is unusable from then on: every later call
    /// on it returns this code. Free it and create a new one, and please
    /// report the message.
    Internal = -8,
}

impl ContinuityCode {
    /// The code with number `value`, if there is one.
    pub fn from_i32(value: i32) -> Option<ContinuityCode> {
        Some(match value {
            0 => ContinuityCode::Ok,
            1 => ContinuityCode::None,
            -1 => ContinuityCode::NullArgument,
            -2 => ContinuityCode::InvalidUtf8,
            -3 => ContinuityCode::InvalidJson,
            -4 => ContinuityCode::InvalidInput,
            -5 => ContinuityCode::InvalidBundle,
            -6 => ContinuityCode::BadTime,
            -7 => ContinuityCode::Stopped,
            -8 => ContinuityCode::Internal,
            _ => return None,
        })
    }

    /// The code's name as the C header spells it, as in `CONTINUITY_CODE_STOPPED`.
    pub fn name(self) -> &'static str {
        self.c_name()
            .to_str()
            .expect("code names are ASCII literals")
    }

    /// The code's name as a C string, for the C ABI.
    pub(crate) fn c_name(self) -> &'static CStr {
        match self {
            ContinuityCode::Ok => c"CONTINUITY_CODE_OK",
            ContinuityCode::None => c"CONTINUITY_CODE_NONE",
            ContinuityCode::NullArgument => c"CONTINUITY_CODE_NULL_ARGUMENT",
            ContinuityCode::InvalidUtf8 => c"CONTINUITY_CODE_INVALID_UTF8",
            ContinuityCode::InvalidJson => c"CONTINUITY_CODE_INVALID_JSON",
            ContinuityCode::InvalidInput => c"CONTINUITY_CODE_INVALID_INPUT",
            ContinuityCode::InvalidBundle => c"CONTINUITY_CODE_INVALID_BUNDLE",
            ContinuityCode::BadTime => c"CONTINUITY_CODE_BAD_TIME",
            ContinuityCode::Stopped => c"CONTINUITY_CODE_STOPPED",
            ContinuityCode::Internal => c"CONTINUITY_CODE_INTERNAL",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_from_its_number_and_has_its_header_name() {
        let codes: Vec<ContinuityCode> = (-100..100).filter_map(ContinuityCode::from_i32).collect();
        assert_eq!(codes.len(), 10);
        for code in codes {
            assert_eq!(ContinuityCode::from_i32(code as i32), Some(code));
            let name = code.name();
            assert!(name.starts_with("CONTINUITY_CODE_"), "{name}");
            let words = format!("{code:?}")
                .chars()
                .fold(String::new(), |mut out, c| {
                    if c.is_uppercase() && !out.is_empty() {
                        out.push('_');
                    }
                    out.push(c.to_ascii_uppercase());
                    out
                });
            assert_eq!(name, format!("CONTINUITY_CODE_{words}"));
        }
    }
}
