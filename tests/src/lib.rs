//! Cross-crate test support: locating the scenario corpus, running its
//! scenarios and comparing their traces.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use continuity_core::trace;

pub mod sim;
use continuity_native::files::load_scenario;

/// The suffix of an expected trace file: `NAME.json` is checked against `NAME.trace.jsonl`.
pub const TRACE_SUFFIX: &str = ".trace.jsonl";

/// The folder holding the scenario corpus and its expected traces.
pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every scenario of the corpus: the `*.json` files directly in `dir` (not
/// in `bundles/`), sorted by name.
///
/// # Errors
///
/// When the folder cannot be read.
pub fn scenario_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    files_in(dir, |name| name.ends_with(".json"))
}

/// Every expected trace of the corpus: the `*.trace.jsonl` files directly in `dir`, sorted by name.
///
/// # Errors
///
/// When the folder cannot be read.
pub fn trace_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    files_in(dir, |name| name.ends_with(TRACE_SUFFIX))
}

fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let path = entry.path();
        if path.file_name().and_then(|n| n.to_str()).is_some_and(&keep) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A scenario's name: its file name without `.json` (or a trace's without `.trace.jsonl`).
pub fn scenario_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(TRACE_SUFFIX)
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(&name)
        .to_owned()
}

/// Where the expected trace of the scenario at `scenario` lives: `NAME.trace.jsonl` beside it.
pub fn expected_trace_path(scenario: &Path) -> PathBuf {
    scenario.with_file_name(format!("{}{TRACE_SUFFIX}", scenario_name(scenario)))
}

/// What running one scenario file gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The scenario's `description`, if it has one.
    pub description: Option<String>,
    /// The trace, rendered exactly as `continuity simulate` prints it.
    pub trace: String,
}

/// Loads the scenario at `path` (resolving its `bundle_file`), runs it and
/// renders its trace.
///
/// # Errors
///
/// A message naming the file when it cannot be read, parsed or run.
pub fn run_scenario(path: &Path) -> Result<Run, String> {
    let (scenario, loaded) = load_scenario(path).map_err(|err| err.to_string())?;
    let lines = scenario
        .run(loaded.bundle)
        .map_err(|err| format!("{}: {err}", path.display()))?;
    Ok(Run {
        description: scenario.description.clone(),
        trace: trace::render(&lines),
    })
}

/// The first line where two traces differ, described for a person reading
/// a test failure; `None` when they are byte for byte equal.
pub fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut expected_lines = expected.split_inclusive('\n');
    let mut actual_lines = actual.split_inclusive('\n');
    let mut number = 0usize;
    loop {
        number += 1;
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => continue,
            (e, a) => {
                let show = |line: Option<&str>| match line {
                    Some(line) if line.ends_with('\n') => line.trim_end_matches('\n').to_owned(),
                    Some(line) => format!("{line}  (no newline at the end)"),
                    None => "<end of trace>".to_owned(),
                };
                return Some(format!(
                    "first difference at line {number} (expected {} lines, got {}):\n  expected: {}\n  actual:   {}",
                    count_lines(expected),
                    count_lines(actual),
                    show(e),
                    show(a)
                ));
            }
        }
    }
}

fn count_lines(text: &str) -> usize {
    text.split_inclusive('\n').count()
}

/// Whether expected traces should be rewritten instead of checked (`CONTINUITY_BLESS=1`).
pub fn bless_requested() -> bool {
    std::env::var_os("CONTINUITY_BLESS").is_some_and(|v| v == "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_trace_paths() {
        let path = Path::new("/x/scenarios/outage-shorter-than-timeout.json");
        assert_eq!(scenario_name(path), "outage-shorter-than-timeout");
        assert_eq!(
            expected_trace_path(path),
            Path::new("/x/scenarios/outage-shorter-than-timeout.trace.jsonl")
        );
        assert_eq!(
            scenario_name(Path::new("a/b.trace.jsonl")),
            "b",
            "a trace is named for its scenario"
        );
    }

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        let diff = first_difference("a\nb\n", "a\nc\nd\n").unwrap();
        assert!(diff.contains("line 2"), "{diff}");
        assert!(diff.contains("expected: b"), "{diff}");
        assert!(diff.contains("actual:   c"), "{diff}");
        assert!(diff.contains("expected 2 lines, got 3"), "{diff}");
        let diff = first_difference("a\n", "a\nb\n").unwrap();
        assert!(diff.contains("expected: <end of trace>"), "{diff}");
        let diff = first_difference("a\n", "a").unwrap();
        assert!(diff.contains("no newline at the end"), "{diff}");
    }
}
