//! `Input` from any JSON text: an input that parses writes back to the same
//! input, and a running engine takes it.
#![no_main]

use continuity_core::{Engine, Input};
use continuity_fuzz::{Host, corpus_bundle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let input = match Input::from_json(text) {
        Ok(input) => input,
        Err(err) => return assert!(!err.to_string().trim().is_empty()),
    };
    let written = serde_json::to_string(&input).expect("inputs serialize");
    let again = Input::from_json(&written).expect("a written input reads back");
    assert_eq!(again, input, "{written}");
    assert!(written.contains(&format!("\"type\":\"{}\"", input.type_name())));

    let engine = Engine::new(corpus_bundle(0), 0).expect("the two-site bundle validates");
    let mut host = Host::new(engine);
    host.input(Input::Start, 0);
    host.input(input, 1000);
    host.run_for(600_000);
});
