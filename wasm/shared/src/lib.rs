//! What both WebAssembly modules of the `continuity-engine` package share:
//! the runtime (`continuity-wasm`, built for size) and the tools module
//! (`continuity-wasm-tools`, built for speed). The package's own codes,
//! errors thrown to JavaScript as `ContinuityError`s, and JSON in and out,
//! so that the two modules word every error alike.

pub mod codes;
pub mod error;

use continuity_core::Bundle;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::error::{ErrorCode, from_core, js_error};

/// Parses bundle JSON.
///
/// # Errors
///
/// A `ContinuityError`: `parse` with the line and column, `too-large`.
pub fn bundle_from_json(text: &str) -> Result<Bundle, JsValue> {
    Bundle::from_json(text).map_err(|e| from_core("bundle", &e))
}

/// A value of the engine as a JavaScript value — a plain object, array,
/// string, number, boolean or `null`, exactly what `JSON.parse` gives for
/// its JSON — built by `serde-wasm-bindgen` (objects for maps, `null` for
/// `None`), with no JSON text in between.
///
/// The runtime sends everything out this way: measured against
/// `serde_json::to_string` and `JSON.parse` on the JavaScript side, it is
/// 0.9 KB gzip smaller in the runtime module, and there is no text to parse.
pub fn to_js(value: &impl Serialize) -> JsValue {
    // Serializing never fails for the engine's values: only `u64`s past
    // 2^53 (no time or count reaches them) and non-string map keys would.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// Serializes a value this package built (strings, numbers, lists) as JSON.
///
/// # Errors
///
/// A `ContinuityError` with code `error` if serialization fails, which
/// values built by this package never do.
pub fn to_json(value: &impl Serialize) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|err| js_error(ErrorCode::Error, &err.to_string()))
}
