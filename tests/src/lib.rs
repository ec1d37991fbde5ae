//! Cross-crate test support: locating the scenario corpus.

use std::path::PathBuf;

/// The folder holding the scenario corpus and its expected traces.
pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}
