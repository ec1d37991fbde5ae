//! `Bundle::from_toml` on any text; a bundle that parses goes through
//! validation, the bootstrap plan and a running engine.
#![no_main]

use continuity_core::{Bundle, Error};
use continuity_fuzz::{check_bundle, check_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match Bundle::from_toml(text) {
        Ok(bundle) => check_bundle(&bundle),
        Err(err) => {
            check_error(&err);
            if let Error::Parse { line, .. } = err {
                assert!(
                    line <= text.lines().count() + 1,
                    "line {line} is past the text"
                );
            }
        }
    }
});
