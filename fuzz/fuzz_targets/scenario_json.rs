//! `Scenario::from_json` on any text; a scenario that parses, with an
//! inline bundle or one of the corpus's, is run when it is short enough.
#![no_main]

use continuity_core::{Bundle, BundleSource, Scenario, Step};
use continuity_fuzz::{CORPUS_BUNDLES, RUN_LIMIT, check_error, corpus_bundle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let scenario = match Scenario::from_json(text) {
        Ok(scenario) => scenario,
        Err(err) => return check_error(&err),
    };
    let bundle: Bundle = match &scenario.bundle {
        BundleSource::Inline(bundle) => (**bundle).clone(),
        BundleSource::File(file) => {
            match CORPUS_BUNDLES.iter().position(|(name, _)| name == file) {
                Some(index) => corpus_bundle(index),
                None => return,
            }
        }
    };
    let short = scenario.until <= RUN_LIMIT
        && scenario.steps.iter().all(|step| match step {
            Step::Input { at, .. } => *at <= RUN_LIMIT,
            Step::Freeze { until, .. } => *until <= RUN_LIMIT,
        });
    if !short {
        return;
    }
    if let Err(err) = scenario.run(bundle) {
        check_error(&err);
        // The runner reports an engine that does not move its deadline as a bug.
        assert!(!err.to_string().contains("bug"), "{err}");
    }
});
