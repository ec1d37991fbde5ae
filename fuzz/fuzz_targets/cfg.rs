//! `config::parse_cfg` on any text: an option export parses, with warnings
//! that say something, or fails on a line of the text with a message.
#![no_main]

use continuity_core::Error;
use continuity_core::config::parse_cfg;
use continuity_fuzz::{check_diagnostics, check_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match parse_cfg(text) {
        Ok(parsed) => check_diagnostics(&parsed.warnings),
        Err(err) => {
            check_error(&err);
            if let Error::Parse { line, .. } = err {
                let lines = text.split('\n').count();
                assert!(line <= lines, "line {line} is past the text");
            }
        }
    }
});
