//! Errors thrown to JavaScript: real `Error` objects named `ContinuityError`
//! with a stable `code` (and the `diagnostics` of an invalid bundle).

use continuity_core::Error;
use wasm_bindgen::JsValue;

pub use crate::codes::ErrorCode;

/// A JavaScript `Error` with `name` `ContinuityError`, `code` and `message`.
pub fn js_error(code: ErrorCode, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("ContinuityError");
    // Setting a property on a fresh, extensible Error cannot fail.
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.as_str().into());
    error.into()
}

/// The `code` and `message` of `value` when it is an error [`js_error`]
/// made (an `Error` named `ContinuityError`); `None` for anything else.
pub fn code_and_message(value: &JsValue) -> Option<(String, String)> {
    use wasm_bindgen::JsCast;
    let error = value.dyn_ref::<js_sys::Error>()?;
    if error.name() != "ContinuityError" {
        return None;
    }
    let code = js_sys::Reflect::get(value, &"code".into())
        .ok()?
        .as_string()?;
    Some((code, String::from(error.message())))
}

/// The JavaScript error for a core [`Error`]; `what` names the value that was
/// read (`bundle`, `scenario`, …) for parse errors.
pub fn from_core(what: &str, error: &Error) -> JsValue {
    let (code, message) = match error {
        Error::Parse { .. } => (ErrorCode::Parse, format!("cannot read the {what}: {error}")),
        Error::TooLarge { .. } => (ErrorCode::TooLarge, error.to_string()),
        Error::Invalid { .. } => (ErrorCode::InvalidBundle, error.to_string()),
        Error::OptionsFile { .. } => (ErrorCode::OptionsFile, error.to_string()),
        Error::Scenario { .. } => (ErrorCode::InvalidScenario, format!("scenario {error}")),
        // `Error` is non-exhaustive: a kind added to the core later.
        _ => (ErrorCode::Error, error.to_string()),
    };
    let value = js_error(code, &message);
    if let Error::Invalid { diagnostics } = error {
        let _ = js_sys::Reflect::set(
            &value,
            &"diagnostics".into(),
            &crate::value::to_js(diagnostics),
        );
    }
    value
}
