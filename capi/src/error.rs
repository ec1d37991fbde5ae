//! Failures and the per-thread last error message.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

use crate::code::ContinuityCode;

/// A failed call: its code and the message `continuity_last_error()` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The code the call returns; never `Ok` or `None`.
    pub code: ContinuityCode,
    /// What went wrong and how to fix it, without the function's name.
    pub message: String,
}

impl Failure {
    /// A failure with `code` and `message`.
    pub fn new(code: ContinuityCode, message: impl Into<String>) -> Failure {
        debug_assert!((code as i32) < 0, "{code:?} is not an error code");
        Failure {
            code,
            message: message.into(),
        }
    }

    /// Records this failure of `function` as the thread's last error and returns its code.
    pub fn record(self, function: &str) -> ContinuityCode {
        set_last_error(&format!("{function}: {}", self.message));
        self.code
    }
}

thread_local! {
    /// The message of the last failed call on this thread.
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Replaces the thread's last error message.
fn set_last_error(message: &str) {
    // A message may quote the caller's text, which may hold a NUL (JSON
    // allows `\u0000` in strings): show it as `\0` rather than cut it short.
    let message =
        CString::new(message.replace('\0', "\\0")).expect("every NUL was replaced just above");
    // Only fails while the thread is being torn down, when nobody can read it.
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = Some(message));
}

/// The thread's last error message, as a C string owned by the thread (an
/// empty string when no call has failed on this thread yet).
pub(crate) fn last_error() -> *const c_char {
    LAST_ERROR.with(|last| match &*last.borrow() {
        // The pointer stays valid after the borrow ends: the CString's
        // heap buffer moves only when a later failure replaces it, which
        // is the lifetime `continuity_last_error` documents.
        Some(message) => message.as_ptr(),
        None => c"".as_ptr(),
    })
}
