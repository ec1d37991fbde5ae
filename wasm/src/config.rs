//! Configuration for JavaScript: validation reports, and the bundles the
//! runtime takes (options inline; option exports are read by the tools
//! module's `resolveOptionFiles`).

use continuity_core::Bundle;
use continuity_core::config::Report;
use continuity_wasm_shared::error::{ErrorCode, js_error};
use continuity_wasm_shared::{bundle_from_json, to_js};
use wasm_bindgen::prelude::*;

/// Validates bundle JSON. Returns the report: `bootstrap`, `diagnostics`,
/// `errors`, `policy`, `valid`, `warnings`.
///
/// # Errors
///
/// A `ContinuityError` when the bundle is not well-formed or still names an
/// option export; a bundle that is merely invalid is a report, not an error.
#[wasm_bindgen]
pub fn validate(bundle: &str) -> Result<JsValue, JsValue> {
    let bundle = runtime_bundle(bundle)?;
    Ok(to_js(&Report::new(&bundle, Vec::new())))
}

/// Parses bundle JSON whose options are all inline.
///
/// The `.cfg` reader is not in the runtime (it is a tool's job, done once
/// per deployment, not on every desktop's start): a bundle that still names
/// an `options_file` is refused with the way out.
pub(crate) fn runtime_bundle(text: &str) -> Result<Bundle, JsValue> {
    let bundle = bundle_from_json(text)?;
    if let Some((object, file)) = bundle.first_option_file() {
        return Err(js_error(
            ErrorCode::OptionsFile,
            &format!(
                "{object}: options_file `{file}`: the runtime reads bundles with their options inline; \
                 resolve option files first with resolveOptionFiles from continuity-engine/tools"
            ),
        ));
    }
    Ok(bundle)
}
