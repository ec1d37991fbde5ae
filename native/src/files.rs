//! Reading scenarios and bundles from disk, with errors that name the file.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use continuity_core::{Bundle, BundleSource, Error, Scenario, scenario::MAX_SCENARIO_BYTES};

/// A scenario file could not be used: which file, and why.
#[derive(Debug)]
pub struct FileError {
    /// The file at fault (the scenario, or the bundle it names).
    pub path: PathBuf,
    /// What went wrong.
    pub kind: FileErrorKind,
}

/// Why a file could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileErrorKind {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file was read but its content is malformed or invalid.
    Content(Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.kind {
            FileErrorKind::Io(err) => write!(f, "{path}: cannot read the file: {err}"),
            FileErrorKind::Content(err) => write!(f, "{path}: {err}"),
        }
    }
}

impl std::error::Error for FileError {}

/// Reads a scenario and its bundle (inline, or the `bundle_file` it names,
/// relative to the scenario's folder).
///
/// # Errors
///
/// A [`FileError`] naming the scenario or the bundle file.
pub fn load_scenario(path: &Path) -> Result<(Scenario, Bundle), FileError> {
    let text = read_text(path, MAX_SCENARIO_BYTES)?;
    let scenario = Scenario::from_json(&text).map_err(|err| content(path, err))?;
    let bundle = match &scenario.bundle {
        BundleSource::Inline(bundle) => (**bundle).clone(),
        BundleSource::File(file) => {
            let bundle_path = path.parent().unwrap_or(Path::new(".")).join(file);
            load_bundle(&bundle_path)?
        }
    };
    Ok((scenario, bundle))
}

/// Reads a bundle file.
///
/// # Errors
///
/// A [`FileError`] naming the file.
pub fn load_bundle(path: &Path) -> Result<Bundle, FileError> {
    let text = read_text(path, continuity_core::config::MAX_BUNDLE_BYTES)?;
    Bundle::from_json(&text).map_err(|err| content(path, err))
}

fn read_text(path: &Path, limit: usize) -> Result<String, FileError> {
    let io = |err| FileError {
        path: path.to_owned(),
        kind: FileErrorKind::Io(err),
    };
    let size = fs::metadata(path).map_err(io)?.len();
    if size > limit as u64 {
        return Err(content(
            path,
            Error::TooLarge {
                what: "file",
                limit,
            },
        ));
    }
    fs::read_to_string(path).map_err(io)
}

fn content(path: &Path, err: Error) -> FileError {
    FileError {
        path: path.to_owned(),
        kind: FileErrorKind::Content(err),
    }
}
