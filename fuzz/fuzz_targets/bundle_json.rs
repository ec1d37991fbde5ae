//! `Bundle::from_json` on any text; a bundle that parses goes through
//! validation, the bootstrap plan and a running engine.
#![no_main]

use continuity_core::Bundle;
use continuity_fuzz::{check_bundle, check_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match Bundle::from_json(text) {
        Ok(bundle) => check_bundle(&bundle),
        Err(err) => check_error(&err),
    }
});
