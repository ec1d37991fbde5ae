//! The runtime module of the `continuity-engine` npm package: what a
//! desktop loads to run the engine (the engine, reading a bundle, resolving
//! its options, validating it), built for size. What only tools need — the
//! scenario runner, `.cfg` parsing, the fleet — is the tools module
//! (`continuity-wasm-tools`), loaded on demand (DESIGN §5).
//!
//! The exports here are called by the package's JavaScript (`js/api.js`),
//! which checks argument types, maps names to small integers for the hot
//! path, and builds outputs from the numbers they are packed in. Desktop
//! code imports the package, never this layer.
//!
//! Inputs cross the boundary as numbers, strings or JSON text read by the
//! same code the native build uses, so the two builds produce the same
//! bytes for the same inputs; values going out (status, reports, the rare
//! output that does not pack) are written as JSON text by the engine's
//! serde code and parsed by `JSON.parse` ([`continuity_wasm_shared::to_js`]). Nothing reachable from JavaScript panics: a
//! malformed value is a thrown `Error` (see [`continuity_wasm_shared::error`])
//! and the engine stays as it was. A panic hook writing to `console.error`
//! is installed only as a last resort for bugs.

pub mod config;
pub mod engine;

/// The allocator: a free list sorted by address that merges neighbours
/// (`lol_alloc`), in place of the standard library's dlmalloc — 3.3 KB gzip
/// less in the module every desktop downloads. The engine allocates little
/// and keeps few blocks alive (a bundle, its policy, queued outputs), so
/// walking the free list costs nothing that the benchmarks can see.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

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
