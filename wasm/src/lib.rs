//! The WebAssembly binding of the Continuity failover engine.
//!
//! This crate is the raw layer of the `continuity-engine` npm package: the
//! exports here are called by the package's JavaScript (`js/api.js`), which
//! checks argument types, maps names to small integers for the hot path, and
//! turns the JSON this layer returns into objects. Desktop code imports the
//! package, never this layer.
//!
//! Everything crosses the boundary as numbers, strings or JSON text parsed
//! by the same `serde` code the native build uses, so the two builds produce
//! the same bytes for the same inputs. Nothing reachable from JavaScript
//! panics: a malformed value is a thrown `Error` (see [`error`]) and the
//! engine stays as it was. A panic hook writing to `console.error` is
//! installed only as a last resort for bugs.

pub mod codes;
pub mod config;
pub mod engine;
pub mod error;
pub mod scenario;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Installs the last-resort panic hook; wasm-bindgen runs it when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!(
            "continuity: internal error (a bug; please report it): {info}"
        ));
    }));
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests;
