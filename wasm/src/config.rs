//! Configuration for JavaScript: validation reports, option exports, bundles
//! whose objects name option files.

use std::collections::BTreeMap;

use continuity_core::config::{Report, parse_cfg};
use continuity_core::{Bundle, Diagnostic};
use wasm_bindgen::prelude::*;

use crate::error::{from_core, js_error};

/// Validates bundle JSON; `files` is JSON `{path: text}` of the option
/// exports it names. Returns the report as JSON: `valid`, `bootstrap`,
/// `errors`, `warnings`, `policy`, `diagnostics`.
///
/// # Errors
///
/// A `ContinuityError` when the bundle is not well-formed or an option export
/// cannot be read; a bundle that is merely invalid is a report, not an error.
#[wasm_bindgen]
pub fn validate(bundle: &str, files: Option<String>) -> Result<String, JsValue> {
    let mut bundle = bundle_from_json(bundle)?;
    let warnings = read_files(&mut bundle, files.as_deref())?;
    let report = Report::new(&bundle, warnings);
    Ok(report.to_json_value().to_string())
}

/// Parses a Genesys Administrator option export; returns JSON
/// `{options, warnings}`.
///
/// # Errors
///
/// A `ContinuityError` (`parse` with the line, or `too-large`).
#[wasm_bindgen(js_name = parseCfg)]
pub fn parse_cfg_text(text: &str) -> Result<String, JsValue> {
    let parsed = parse_cfg(text).map_err(|e| from_core("option export", &e))?;
    let value = serde_json::json!({ "options": parsed.options, "warnings": parsed.warnings });
    Ok(value.to_string())
}

/// Replaces every `options_file` of bundle JSON with the options of the
/// matching text in `files` (JSON `{path: text}`); returns the bundle JSON
/// and the warnings, as `{bundle, warnings}`.
///
/// # Errors
///
/// A `ContinuityError` when the bundle is not well-formed or a file is
/// missing from `files` or does not parse.
#[wasm_bindgen(js_name = resolveOptionFiles)]
pub fn resolve_option_files(bundle: &str, files: &str) -> Result<String, JsValue> {
    let mut bundle = bundle_from_json(bundle)?;
    let warnings = read_files(&mut bundle, Some(files))?;
    let value = serde_json::json!({ "bundle": bundle, "warnings": warnings });
    Ok(value.to_string())
}

/// Parses bundle JSON.
pub(crate) fn bundle_from_json(text: &str) -> Result<Bundle, JsValue> {
    Bundle::from_json(text).map_err(|e| from_core("bundle", &e))
}

/// Resolves the bundle's option files from `files` (JSON `{path: text}`),
/// returning their warnings.
pub(crate) fn read_files(
    bundle: &mut Bundle,
    files: Option<&str>,
) -> Result<Vec<Diagnostic>, JsValue> {
    let files: BTreeMap<String, String> = match files {
        Some(text) => serde_json::from_str(text).map_err(|err| {
            js_error(
                "invalid-files",
                &format!("`files` must map each option file's path to its text: {err}"),
            )
        })?,
        None => BTreeMap::new(),
    };
    if !bundle.has_option_files() {
        return Ok(Vec::new());
    }
    bundle
        .resolve_option_files(|path| {
            files
                .get(path)
                .cloned()
                .ok_or_else(|| format!("it is not in `files`: pass its text as files[\"{path}\"]"))
        })
        .map_err(|e| from_core("option export", &e))
}
