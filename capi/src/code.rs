//! The result codes every function returns.

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

c_enum!(ContinuityCode [
    Ok,
    None,
    NullArgument,
    InvalidUtf8,
    InvalidJson,
    InvalidInput,
    InvalidBundle,
    BadTime,
    Stopped,
    Internal,
]);

impl ContinuityCode {
    /// The code's name as the C header spells it, as in `CONTINUITY_CODE_STOPPED`.
    pub fn name(self) -> &'static str {
        self.c_name()
            .to_str()
            .expect("code names are ASCII literals")
    }
}

/// Derives, from the variant list of a `#[repr(i32)]` enum declared for
/// cbindgen, `ALL`, `from_i32` and `c_name` (the header's spelling, made as
/// cbindgen's `QualifiedScreamingSnakeCase` makes it).
///
/// cbindgen reads only enums written out, never one a macro makes, so the
/// declaration stays a plain enum and this list names its variants again;
/// the generated `match` fails to compile when the list misses one.
macro_rules! c_enum {
    ($Name:ident [$($Variant:ident),+ $(,)?]) => {
        impl $Name {
            /// Every variant, in declaration order.
            pub const ALL: [$Name; [$(stringify!($Variant)),+].len()] = [$($Name::$Variant),+];

            /// The variant with number `value`, if there is one.
            pub fn from_i32(value: i32) -> Option<$Name> {
                $Name::ALL.into_iter().find(|v| *v as i32 == value)
            }

            /// The variant's name as the C header spells it, as in `CONTINUITY_CODE_STOPPED`.
            pub const fn c_name(self) -> &'static ::std::ffi::CStr {
                match self {
                    $($Name::$Variant => {
                        const BYTES: [u8; $crate::code::c_name_len(stringify!($Name), stringify!($Variant))] =
                            $crate::code::c_name_bytes(stringify!($Name), stringify!($Variant));
                        const NAME: &::std::ffi::CStr = match ::std::ffi::CStr::from_bytes_with_nul(&BYTES) {
                            Ok(name) => name,
                            Err(_) => panic!("a C name is ASCII letters, digits and `_`, then NUL"),
                        };
                        NAME
                    })+
                }
            }
        }
    };
}

pub(crate) use c_enum;

/// The length of `Type_Variant` in SCREAMING_SNAKE_CASE, with its NUL.
pub(crate) const fn c_name_len(type_name: &str, variant: &str) -> usize {
    screaming_len(type_name) + 1 + screaming_len(variant) + 1
}

/// `Type_Variant` in SCREAMING_SNAKE_CASE, NUL-terminated: an underscore
/// before each capital but the first, as in `CONTINUITY_CODE_INVALID_UTF8`.
pub(crate) const fn c_name_bytes<const N: usize>(type_name: &str, variant: &str) -> [u8; N] {
    let mut out = [0; N];
    let at = screaming(type_name, &mut out, 0);
    out[at] = b'_';
    screaming(variant, &mut out, at + 1);
    out
}

const fn screaming_len(camel: &str) -> usize {
    let bytes = camel.as_bytes();
    let mut len = bytes.len();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i].is_ascii_uppercase() {
            len += 1;
        }
        i += 1;
    }
    len
}

/// Writes `camel` in SCREAMING_SNAKE_CASE into `out` from `at`; returns where it ended.
const fn screaming(camel: &str, out: &mut [u8], mut at: usize) -> usize {
    let bytes = camel.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if i > 0 && bytes[i].is_ascii_uppercase() {
            out[at] = b'_';
            at += 1;
        }
        out[at] = bytes[i].to_ascii_uppercase();
        at += 1;
        i += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use continuity_core::Handled;

    use super::*;
    use crate::engine::ContinuityHandled;

    const HEADER: &str = include_str!("../include/continuity.h");

    #[test]
    fn every_code_reads_back_from_its_number_and_has_its_header_name() {
        let codes: Vec<ContinuityCode> = (-100..100).filter_map(ContinuityCode::from_i32).collect();
        assert_eq!(codes.len(), ContinuityCode::ALL.len());
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
            let line = format!("  {name} = {},\n", code as i32);
            assert!(HEADER.contains(&line), "{line}");
        }
    }

    #[test]
    fn handled_follows_the_core_declaration() {
        for (index, handled) in ContinuityHandled::ALL.into_iter().enumerate() {
            assert_eq!(handled as usize, index);
            assert_eq!(ContinuityHandled::from_i32(index as i32), Some(handled));
            let core = Handled::ALL[index];
            assert_eq!(ContinuityHandled::from(core), handled);
            let name = handled.c_name().to_str().unwrap();
            let expected = format!("CONTINUITY_HANDLED_{}", core.as_str().replace('-', "_"));
            assert_eq!(name, expected.to_ascii_uppercase());
            let line = format!("  {name} = {index},\n");
            assert!(HEADER.contains(&line), "{line}");
        }
    }
}
