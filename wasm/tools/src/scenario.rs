//! Scenarios run in the browser or in Node, with the trace the native
//! `continuity simulate` prints.

use continuity_core::{Bundle, BundleSource, Scenario, trace};
use wasm_bindgen::prelude::*;

use continuity_wasm_shared::bundle_from_json;
use continuity_wasm_shared::error::{ErrorCode, from_core, js_error};

use crate::config::{Files, read_files};

/// Runs scenario JSON and returns its trace (JSON Lines). `paths` and
/// `texts` hold the scenario's `bundle_file` and the option exports its
/// bundle names, by the paths written in them.
///
/// # Errors
///
/// A `ContinuityError` when the scenario or its bundle cannot be read or
/// run.
#[wasm_bindgen]
pub fn simulate(scenario: &str, paths: Vec<String>, texts: Vec<String>) -> Result<String, JsValue> {
    let files = Files::new(paths, texts)?;
    let scenario = Scenario::from_json(scenario).map_err(|e| from_core("scenario", &e))?;
    let mut bundle = match &scenario.bundle {
        BundleSource::Inline(bundle) => Bundle::clone(bundle),
        BundleSource::File(path) => {
            let text = files.get(path).ok_or_else(|| {
                js_error(
                    ErrorCode::MissingFile,
                    &format!(
                        "the scenario's bundle_file `{path}` is not in `files`: pass its text as files[\"{path}\"]"
                    ),
                )
            })?;
            bundle_from_json(text)?
        }
    };
    read_files(&mut bundle, &files)?;
    let lines = scenario
        .run(bundle)
        .map_err(|e| from_core("scenario", &e))?;
    Ok(trace::render(&lines))
}
