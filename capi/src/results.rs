//! What a call's result means, for C: the name of a result code and the
//! message of the last failure.
//!
//! These entry points sit above [`boundary`](crate::boundary) (they run
//! through its panic guard) and read what [`code`](crate::code) and
//! [`error`](crate::error) keep, so those two import nothing from here.

use std::ffi::{CStr, c_char};

use crate::boundary;
use crate::code::ContinuityCode;
use crate::error;

/// The name of a result code as the header spells it, as in
/// `"CONTINUITY_CODE_STOPPED"`, for log lines; `"CONTINUITY_CODE_UNKNOWN"` for a
/// number that is no code.
///
/// Ownership: the string is static. Do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn continuity_code_name(code: i32) -> *const c_char {
    const UNKNOWN: &CStr = c"CONTINUITY_CODE_UNKNOWN";
    boundary::catch(UNKNOWN.as_ptr(), || {
        ContinuityCode::from_i32(code)
            .map_or(UNKNOWN, ContinuityCode::c_name)
            .as_ptr()
    })
}

/// The message of the last call on this thread that failed (returned a
/// negative code): what went wrong, in which function, and how to fix it.
///
/// Never NULL: returns an empty string when no call has failed on this
/// thread yet. Successful calls leave the message alone, so read it right
/// after the call that failed.
///
/// Ownership and lifetime: the library owns the string; do not free it. It
/// stays valid until the next failing call on the same thread (which
/// replaces it) or until the thread exits; copy it to keep it longer. Each
/// thread has its own last error, so a failure on one thread never changes
/// another thread's message.
#[unsafe(no_mangle)]
pub extern "C" fn continuity_last_error() -> *const c_char {
    boundary::catch(c"".as_ptr(), error::last_error)
}
