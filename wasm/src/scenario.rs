//! Scenarios run in the browser or in Node, with the trace the native
//! `continuity simulate` prints.

use continuity_core::{Bundle, BundleSource, Scenario, trace};
use wasm_bindgen::prelude::*;

use crate::config::{bundle_from_json, read_files};
use crate::error::{from_core, js_error};

/// Runs scenario JSON and returns its trace (JSON Lines). `files` is JSON
/// `{path: text}` holding the scenario's `bundle_file` and the option
/// exports its bundle names, by the paths written in them.
///
/// # Errors
///
/// A `ContinuityError` when the scenario or its bundle cannot be read or
/// run.
#[wasm_bindgen]
pub fn simulate(scenario: &str, files: Option<String>) -> Result<String, JsValue> {
    let scenario = Scenario::from_json(scenario).map_err(|e| from_core("scenario", &e))?;
    let mut bundle = match &scenario.bundle {
        BundleSource::Inline(bundle) => Bundle::clone(bundle),
        BundleSource::File(path) => {
            let text = file_text(files.as_deref(), path)?;
            bundle_from_json(&text)?
        }
    };
    read_files(&mut bundle, files.as_deref())?;
    let lines = scenario
        .run(bundle)
        .map_err(|e| from_core("scenario", &e))?;
    Ok(trace::render(&lines))
}

fn file_text(files: Option<&str>, path: &str) -> Result<String, JsValue> {
    let missing = || {
        js_error(
            "missing-file",
            &format!(
                "the scenario's bundle_file `{path}` is not in `files`: pass its text as files[\"{path}\"]"
            ),
        )
    };
    let files: serde_json::Map<String, serde_json::Value> = match files {
        Some(text) => serde_json::from_str(text).map_err(|err| {
            js_error(
                "invalid-files",
                &format!("`files` must map each file's path to its text: {err}"),
            )
        })?,
        None => return Err(missing()),
    };
    files
        .get(path)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(missing)
}
