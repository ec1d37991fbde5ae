//! The boundary with C: every entry point runs through here, so that no panic
//! unwinds into C and no pointer argument is used before it is checked.

use std::any::Any;
use std::ffi::{CStr, CString, c_char};
use std::panic::{self, AssertUnwindSafe};
use std::ptr::{self, NonNull};

use crate::code::ContinuityCode;
use crate::error::Failure;

/// The largest time, in milliseconds, a function accepts: 2^53 - 1.
///
/// Larger times are refused with `CONTINUITY_CODE_BAD_TIME`. The limit is the
/// WebAssembly package's (JavaScript's `Number.MAX_SAFE_INTEGER`), so every
/// time in a trace or a status reads back exactly in any JSON reader, and it
/// leaves room for the engine to add timeouts without overflow. A monotonic
/// clock in milliseconds reaches it after 285,000 years.
pub const CONTINUITY_MAX_TIME_MS: u64 = 9_007_199_254_740_991;

/// Runs the body of the entry point `function` and returns its code; a
/// failure becomes the thread's last error, a panic `CONTINUITY_CODE_INTERNAL`.
pub(crate) fn entry(
    function: &'static str,
    body: impl FnOnce() -> Result<ContinuityCode, Failure>,
) -> ContinuityCode {
    // AssertUnwindSafe: the one value a body can leave half-changed is an
    // engine, and `ContinuityEngine::change` poisons an engine whose change
    // panicked, so nobody observes the broken state afterwards.
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(code)) => code,
        Ok(Err(failure)) => failure.record(function),
        Err(payload) => internal(&*payload).record(function),
    }
}

/// Runs `body`, returning `fallback` if it panics: for the entry points that
/// return a value rather than a code and report no error.
pub(crate) fn catch<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    // AssertUnwindSafe: these bodies change nothing a later call could see.
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// The failure reported for a panic: a bug, with the panic's message.
fn internal(payload: &(dyn Any + Send)) -> Failure {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    Failure::new(
        ContinuityCode::Internal,
        format!(
            "internal error, a bug in Continuity (please report it with this message): {what}; \
             if this call was given an engine, that engine is unusable now: free it with \
             continuity_engine_free and create a new one"
        ),
    )
}

/// Reads the string argument `name`: NUL-terminated UTF-8.
///
/// # Errors
///
/// `NULL_ARGUMENT` for NULL, `INVALID_UTF8` naming the first bad byte.
///
/// # Safety
///
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for `'a`.
pub(crate) unsafe fn read_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(null_argument(
            name,
            "a NUL-terminated UTF-8 string, such as JSON text",
        ));
    }
    // SAFETY: `ptr` is not NULL (checked above) and, by this function's
    // contract, points to a NUL-terminated string valid for 'a.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes).map_err(|err| {
        let offset = err.valid_up_to();
        Failure::new(
            ContinuityCode::InvalidUtf8,
            format!(
                "`{name}` is not valid UTF-8: byte {:#04x} at offset {offset} does not fit; \
                 pass UTF-8 text (convert from the system code page or from UTF-16 first)",
                bytes[offset]
            ),
        )
    })
}

/// The failure for a NULL pointer argument `name` that must be `what`.
pub(crate) fn null_argument(name: &str, what: &str) -> Failure {
    Failure::new(
        ContinuityCode::NullArgument,
        format!("`{name}` is NULL: pass {what}"),
    )
}

/// Checks a time argument against [`CONTINUITY_MAX_TIME_MS`].
///
/// # Errors
///
/// `BAD_TIME` naming the argument and the limit.
pub(crate) fn check_time(now_ms: u64, name: &str) -> Result<u64, Failure> {
    if now_ms <= CONTINUITY_MAX_TIME_MS {
        return Ok(now_ms);
    }
    Err(Failure::new(
        ContinuityCode::BadTime,
        format!(
            "`{name}` is {now_ms}, past the largest time the engine accepts \
             (CONTINUITY_MAX_TIME_MS = {CONTINUITY_MAX_TIME_MS}): pass milliseconds on a \
             monotonic clock, such as clock_gettime(CLOCK_MONOTONIC) in ms"
        ),
    ))
}

/// An out-pointer argument: where a function writes its result.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks the out-pointer argument `name`.
    ///
    /// # Errors
    ///
    /// `NULL_ARGUMENT` for NULL.
    ///
    /// # Safety
    ///
    /// `ptr` is NULL or valid for writes of an aligned `T` until the
    /// function returns.
    pub unsafe fn new(ptr: *mut T, name: &str) -> Result<Out<T>, Failure> {
        NonNull::new(ptr)
            .map(Out)
            .ok_or_else(|| null_argument(name, "the address of a variable to write the result to"))
    }

    /// Writes the result; whatever the pointer held before is not read or dropped.
    pub fn write(&mut self, value: T) {
        // SAFETY: `Out::new`'s contract: valid for writes of an aligned T.
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Sets a string or handle out-pointer to NULL, unless it is NULL itself, so
/// that a failed call never leaves it holding garbage.
///
/// # Safety
///
/// As [`Out::new`].
pub(crate) unsafe fn clear<T>(ptr: *mut *mut T) {
    // SAFETY: forwarded to the caller.
    if let Ok(mut out) = unsafe { Out::new(ptr, "") } {
        out.write(ptr::null_mut());
    }
}

/// Hands `text` to C as a string the caller frees with `continuity_string_free`.
///
/// `text` must hold no NUL byte: JSON written by `serde_json` never does (it
/// escapes control characters).
pub(crate) fn to_c_string(text: impl Into<Vec<u8>>) -> *mut c_char {
    CString::new(text)
        .expect("JSON text written by serde_json holds no NUL byte")
        .into_raw()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error;

    fn last_error() -> String {
        // SAFETY: last_error returns a valid NUL-terminated string.
        unsafe { CStr::from_ptr(error::last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_an_internal_error_with_its_message() {
        let code = entry("continuity_test", || panic!("the invariant broke"));
        assert_eq!(code, ContinuityCode::Internal);
        let message = last_error();
        assert!(
            message.starts_with("continuity_test: internal error, a bug in Continuity"),
            "{message}"
        );
        assert!(message.contains("the invariant broke"), "{message}");
        let code = entry("continuity_test", || panic!("{} formatted", 42));
        assert_eq!(code, ContinuityCode::Internal);
        assert!(last_error().contains("42 formatted"), "{}", last_error());
    }

    #[test]
    fn catch_returns_the_fallback_on_panic() {
        assert_eq!(catch(7, || 3), 3);
        assert_eq!(catch(7, || panic!("boom")), 7);
    }

    #[test]
    fn times_up_to_the_limit_are_accepted() {
        assert_eq!(check_time(0, "now_ms"), Ok(0));
        assert_eq!(
            check_time(CONTINUITY_MAX_TIME_MS, "now_ms"),
            Ok(CONTINUITY_MAX_TIME_MS)
        );
        let failure = check_time(CONTINUITY_MAX_TIME_MS + 1, "now_ms").unwrap_err();
        assert_eq!(failure.code, ContinuityCode::BadTime);
        assert!(failure.message.contains("9007199254740992"), "{failure:?}");
    }

    #[test]
    fn messages_with_a_nul_are_kept_whole() {
        let code = Failure::new(ContinuityCode::InvalidInput, "site \0 here").record("f");
        assert_eq!(code, ContinuityCode::InvalidInput);
        assert_eq!(last_error(), "f: site \\0 here");
    }
}
