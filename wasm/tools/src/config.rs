//! Option exports (Genesys Administrator `.cfg` files) for JavaScript: read
//! one, resolve every `options_file` a bundle names into inline options (the
//! form the runtime takes), or validate a bundle with its exports.

use continuity_core::config::{Options, Report, parse_cfg};
use continuity_core::{Bundle, Diagnostic};
use continuity_wasm_shared::error::{ErrorCode, from_core, js_error};
use continuity_wasm_shared::{bundle_from_json, to_js};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Validates bundle JSON as `continuity validate` does, reading the option
/// exports it names (`paths` and `texts`, by the path written in the
/// bundle): the runtime's report, with the exports' warnings. Returns the
/// report: `bootstrap`, `diagnostics`, `errors`, `policy`, `valid`,
/// `warnings`.
///
/// # Errors
///
/// A `ContinuityError` when the bundle is not well-formed or an option export
/// cannot be read; a bundle that is merely invalid is a report, not an error.
#[wasm_bindgen]
pub fn validate(bundle: &str, paths: Vec<String>, texts: Vec<String>) -> Result<JsValue, JsValue> {
    let mut bundle = bundle_from_json(bundle)?;
    let warnings = read_files(&mut bundle, &Files::new(paths, texts)?)?;
    Ok(to_js(&Report::new(&bundle, warnings)))
}

/// Parses a Genesys Administrator option export; returns
/// `{options, warnings}`.
///
/// # Errors
///
/// A `ContinuityError` (`parse` with the line, or `too-large`).
#[wasm_bindgen(js_name = parseCfg)]
pub fn parse_cfg_text(text: &str) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Parsed<'a> {
        options: &'a Options,
        warnings: &'a [Diagnostic],
    }
    let parsed = parse_cfg(text).map_err(|e| from_core("option export", &e))?;
    Ok(to_js(&Parsed {
        options: &parsed.options,
        warnings: &parsed.warnings,
    }))
}

/// Replaces every `options_file` of bundle JSON with the options of the
/// matching text (`paths` and `texts`, by the path written in the bundle);
/// returns `{bundle, warnings}`.
///
/// # Errors
///
/// A `ContinuityError` when the bundle is not well-formed or a file is
/// missing or does not parse.
#[wasm_bindgen(js_name = resolveOptionFiles)]
pub fn resolve_option_files(
    bundle: &str,
    paths: Vec<String>,
    texts: Vec<String>,
) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Resolved<'a> {
        bundle: &'a Bundle,
        warnings: &'a [Diagnostic],
    }
    let mut bundle = bundle_from_json(bundle)?;
    let warnings = read_files(&mut bundle, &Files::new(paths, texts)?)?;
    Ok(to_js(&Resolved {
        bundle: &bundle,
        warnings: &warnings,
    }))
}

/// The texts of the files a bundle or scenario names, by path.
pub(crate) struct Files {
    paths: Vec<String>,
    texts: Vec<String>,
}

impl Files {
    /// Pairs `paths` with `texts`.
    ///
    /// # Errors
    ///
    /// `invalid-files` when the two lists differ in length.
    pub fn new(paths: Vec<String>, texts: Vec<String>) -> Result<Files, JsValue> {
        if paths.len() != texts.len() {
            return Err(js_error(
                ErrorCode::InvalidFiles,
                "files must map each file's path to its text: got a different number of paths and texts",
            ));
        }
        Ok(Files { paths, texts })
    }

    /// The text of the file at `path`, if given.
    pub fn get(&self, path: &str) -> Option<&str> {
        let index = self.paths.iter().position(|p| p == path)?;
        self.texts.get(index).map(String::as_str)
    }
}

/// Resolves the bundle's option files from `files`, returning their warnings.
pub(crate) fn read_files(bundle: &mut Bundle, files: &Files) -> Result<Vec<Diagnostic>, JsValue> {
    if !bundle.has_option_files() {
        return Ok(Vec::new());
    }
    bundle
        .resolve_option_files(|path| {
            files
                .get(path)
                .map(str::to_owned)
                .ok_or_else(|| format!("it is not in `files`: pass its text as files[\"{path}\"]"))
        })
        .map_err(|e| from_core("option export", &e))
}
