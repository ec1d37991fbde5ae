//! Values going out to JavaScript.

use serde::Serialize;
use wasm_bindgen::JsValue;

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
