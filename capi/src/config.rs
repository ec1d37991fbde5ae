//! Bundles from C: validation reports, option exports, and the errors of
//! bundle text that cannot be used.

use std::collections::HashMap;
use std::ffi::c_char;

use continuity_core::config::Report;
use continuity_core::{Bundle, Diagnostic, Error};
use serde::Serialize;

use crate::boundary::{self, Out, entry, null_argument, read_str, to_c_string};
use crate::code::ContinuityCode;
use crate::error::Failure;

/// Validates a bundle (JSON) and writes the report as JSON to
/// `*out_report_json`: the object `continuity validate --format json`
/// prints, byte for byte, less its `"file"` member — `bootstrap`,
/// `diagnostics` (each with `code`, `message`, `object`, `option`, `section`,
/// `severity`), `errors`, `policy` (the resolved policy, or null), `valid`
/// and `warnings`, keys sorted, indented by two spaces, with a final newline.
///
/// Returns `CONTINUITY_CODE_OK` whenever it wrote a report, whether the
/// bundle is valid or not: read `valid` in the report. It fails only for
/// text that cannot be read as a bundle: `CONTINUITY_CODE_INVALID_JSON`, or
/// `CONTINUITY_CODE_INVALID_BUNDLE` for a field of the wrong shape. A bundle
/// with unresolved `options_file`s is reported with the error
/// `options-file-unresolved`: resolve them first with
/// `continuity_resolve_option_files`, which returns the exports' warnings
/// (the command-line tool lists those among the report's diagnostics).
///
/// Ownership: `bundle_json` stays the caller's; the report belongs to the
/// caller, who frees it with `continuity_string_free`. On failure
/// `*out_report_json` is set to NULL.
///
/// # Safety
///
/// `bundle_json` is NULL or a NUL-terminated string; `out_report_json` is
/// NULL or points to a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_validate(
    bundle_json: *const c_char,
    out_report_json: *mut *mut c_char,
) -> ContinuityCode {
    entry("continuity_validate", || {
        // SAFETY: the caller's contract for `out_report_json`.
        unsafe { boundary::clear(out_report_json) };
        // SAFETY: the caller's contract for `bundle_json`.
        let text = unsafe { read_str(bundle_json, "bundle_json") }?;
        // SAFETY: the caller's contract for `out_report_json`.
        let mut out = unsafe { Out::new(out_report_json, "out_report_json") }?;
        let bundle = parse_bundle(text, "bundle_json")?;
        // Through a JSON value, as the command-line tool does: that sorts
        // the keys of every object, diagnostics' included.
        let report = serde_json::to_value(Report::new(&bundle, Vec::new()))
            .expect("a report holds strings, numbers and lists: it serializes");
        let json = serde_json::to_string_pretty(&report).expect("a JSON value serializes") + "\n";
        out.write(to_c_string(json));
        Ok(ContinuityCode::Ok)
    })
}

/// Replaces every `options_file` of a bundle (JSON) with the options of the
/// Genesys Administrator option export it names. The library reads no file:
/// the caller reads each export and passes `count` pairs, `paths[i]` (the
/// path exactly as written in the bundle) and `texts[i]` (the export's
/// UTF-8 text). Pairs the bundle does not name are ignored.
///
/// Writes `{"bundle": {...}, "warnings": [...]}` to `*out_json`: the bundle
/// to give `continuity_engine_new`, and the exports' warnings (each with the
/// fields of a diagnostic, naming its object and file).
///
/// Returns `CONTINUITY_CODE_OK`; `CONTINUITY_CODE_INVALID_BUNDLE` when an
/// export the bundle names is not among `paths`, does not parse (the message
/// names the object, the file and the line), or an object has both
/// `options` and `options_file`; `CONTINUITY_CODE_INVALID_JSON`,
/// `CONTINUITY_CODE_INVALID_UTF8` or `CONTINUITY_CODE_NULL_ARGUMENT` for bad
/// arguments (the message names the argument, as in `texts[2]`).
///
/// Ownership: the arguments stay the caller's; the JSON belongs to the
/// caller, who frees it with `continuity_string_free`. On failure `*out_json`
/// is set to NULL.
///
/// # Safety
///
/// `bundle_json` is NULL or a NUL-terminated string; `paths` and `texts` are
/// each NULL (allowed when `count` is 0) or point to `count` pointers, each
/// NULL or a NUL-terminated string; `out_json` is NULL or points to a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn continuity_resolve_option_files(
    bundle_json: *const c_char,
    paths: *const *const c_char,
    texts: *const *const c_char,
    count: usize,
    out_json: *mut *mut c_char,
) -> ContinuityCode {
    entry("continuity_resolve_option_files", || {
        // SAFETY: the caller's contract for `out_json`.
        unsafe { boundary::clear(out_json) };
        // SAFETY: the caller's contract for `bundle_json`.
        let text = unsafe { read_str(bundle_json, "bundle_json") }?;
        // SAFETY: the caller's contract for `paths` and `texts`.
        let paths = unsafe { read_str_array(paths, count, "paths") }?;
        // SAFETY: as above.
        let texts = unsafe { read_str_array(texts, count, "texts") }?;
        // SAFETY: the caller's contract for `out_json`.
        let mut out = unsafe { Out::new(out_json, "out_json") }?;
        let mut bundle = parse_bundle(text, "bundle_json")?;
        let files: HashMap<&str, &str> = paths.into_iter().zip(texts).collect();
        let warnings = bundle
            .resolve_option_files(|path| {
                files.get(path).copied().map(str::to_owned).ok_or(
                    "it is not among `paths`: read the file, and pass its path as written in \
                     the bundle in `paths` and its text at the same index in `texts`",
                )
            })
            .map_err(|err| bundle_failure(&err, "bundle_json", false))?;
        #[derive(Serialize)]
        struct Resolved<'a> {
            bundle: &'a Bundle,
            warnings: &'a [Diagnostic],
        }
        let json = serde_json::to_string(&Resolved {
            bundle: &bundle,
            warnings: &warnings,
        })
        .expect("a bundle and diagnostics serialize");
        out.write(to_c_string(json));
        Ok(ContinuityCode::Ok)
    })
}

/// Parses bundle text given as the argument `name`.
///
/// # Errors
///
/// `INVALID_JSON` for malformed JSON, `INVALID_BUNDLE` for anything else.
pub(crate) fn parse_bundle(text: &str, name: &str) -> Result<Bundle, Failure> {
    Bundle::from_json(text).map_err(|err| {
        json_failure(&err, text, name).unwrap_or_else(|| bundle_failure(&err, name, false))
    })
}

/// The failure for a core error about a bundle given as the argument `name`;
/// `unresolved` says whether the bundle still names option exports.
pub(crate) fn bundle_failure(err: &Error, name: &str, unresolved: bool) -> Failure {
    let message = match err {
        Error::Invalid { .. } => {
            let hint = if unresolved {
                "resolve the `options_file`s first with continuity_resolve_option_files"
            } else {
                "fix them in the bundle; continuity_validate returns them as JSON"
            };
            format!("the bundle does not validate: {err}\n{hint}")
        }
        Error::Parse { .. } => format!(
            "`{name}` is not a bundle: {err}; the bundle format is in the README, \"Bundles\""
        ),
        Error::OptionsFile { .. } => format!("an option export cannot be used: {err}"),
        _ => format!("`{name}`: {err}"),
    };
    Failure::new(ContinuityCode::InvalidBundle, message)
}

/// `INVALID_JSON` when `err` is a parse error and `text` (the argument
/// `name`) is not well-formed JSON; `None` when the text is JSON, so the
/// error is about its content.
pub(crate) fn json_failure(err: &Error, text: &str, name: &str) -> Option<Failure> {
    if !matches!(err, Error::Parse { .. }) || well_formed(text) {
        return None;
    }
    Some(Failure::new(
        ContinuityCode::InvalidJson,
        format!("`{name}` is not well-formed JSON: {err}"),
    ))
}

/// Whether `text` is one well-formed JSON value. Only asked after the core's
/// reader failed, to tell malformed text from a value of the wrong shape
/// (the two readers accept the same texts: the core tests that).
fn well_formed(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Reads `count` strings from the array argument `name`.
///
/// # Safety
///
/// `array` is NULL or points to `count` pointers, each NULL or a
/// NUL-terminated string, all valid and unchanged for `'a`.
unsafe fn read_str_array<'a>(
    array: *const *const c_char,
    count: usize,
    name: &str,
) -> Result<Vec<&'a str>, Failure> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if array.is_null() {
        return Err(null_argument(
            name,
            &format!("an array of {count} strings (NULL is allowed only when `count` is 0)"),
        ));
    }
    // SAFETY: not NULL (checked above) and, by the contract, `count` pointers long.
    let pointers = unsafe { std::slice::from_raw_parts(array, count) };
    pointers
        .iter()
        .enumerate()
        // SAFETY: each pointer is NULL or a NUL-terminated string (the contract).
        .map(|(index, &ptr)| unsafe { read_str(ptr, &format!("{name}[{index}]")) })
        .collect()
}
