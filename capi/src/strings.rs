//! Strings the library hands to C, and its version.

use std::ffi::{CString, c_char};

use crate::boundary;

/// Frees a string this library returned (`continuity_engine_poll_output`,
/// `continuity_engine_status`, `continuity_validate`,
/// `continuity_resolve_option_files`). NULL is a no-op.
///
/// Ownership: takes the string back; it must not be used afterwards. Do not
/// free these strings with `free()`, and do not pass this function anything
/// else (not `continuity_last_error()`, `continuity_version()` or
/// `continuity_code_name()`, which are the library's).
///
/// # Safety
///
/// `string` is NULL or a string returned by this library and not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_string_free(string: *mut c_char) {
    boundary::catch((), || {
        if !string.is_null() {
            // SAFETY: by the contract above, `string` came from
            // CString::into_raw (boundary::to_c_string) and is freed once.
            drop(unsafe { CString::from_raw(string) });
        }
    });
}

/// The library's version, as in `"0.1.0"` (semantic versioning).
///
/// Ownership: the string is static. Do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn continuity_version() -> *const c_char {
    const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(version) => version,
        Err(_) => panic!("the package version holds no NUL byte"),
    };
    boundary::catch(VERSION.as_ptr(), || VERSION.as_ptr())
}
