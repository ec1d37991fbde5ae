//! What both WebAssembly modules of the `continuity-engine` package share:
//! the runtime (`continuity-wasm`, built for size) and the tools module
//! (`continuity-wasm-tools`, built for speed). The package's own codes,
//! errors thrown to JavaScript as `ContinuityError`s, and JSON in and out,
//! so that the two modules word every error alike.

pub mod codes;
pub mod error;
pub mod json_text;
mod value;

pub use value::to_js;

use continuity_core::Bundle;
use wasm_bindgen::JsValue;

use crate::error::from_core;

/// Parses bundle JSON.
///
/// # Errors
///
/// A `ContinuityError`: `parse` with the line and column, `too-large`.
pub fn bundle_from_json(text: &str) -> Result<Bundle, JsValue> {
    Bundle::from_json(text).map_err(|e| from_core("bundle", &e))
}
