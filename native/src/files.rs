//! Reading scenarios and bundles from disk, with errors that name the file.
//!
//! A bundle file is TOML when its name ends in `.toml`, JSON otherwise. The
//! `options_file` of its objects (Genesys Administrator option exports) are
//! read relative to the bundle file's folder, or to the scenario's folder
//! for a bundle written inline in a scenario.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use continuity_core::config::{MAX_BUNDLE_BYTES, MAX_CFG_BYTES};
use continuity_core::{
    Bundle, BundleSource, Diagnostic, Error, Scenario, scenario::MAX_SCENARIO_BYTES,
};

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

/// A bundle read from disk, its option exports resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedBundle {
    /// The bundle, every `options_file` replaced by the options it holds.
    pub bundle: Bundle,
    /// Warnings from its option exports, each naming its object and file.
    pub warnings: Vec<Diagnostic>,
    /// The file the bundle was written in: the bundle file, or the scenario
    /// for an inline bundle.
    pub path: PathBuf,
}

/// Reads a scenario and its bundle (inline, or the `bundle_file` it names,
/// relative to the scenario's folder), resolving the bundle's option
/// exports.
///
/// # Errors
///
/// A [`FileError`] naming the scenario or the bundle file.
pub fn load_scenario(path: &Path) -> Result<(Scenario, LoadedBundle), FileError> {
    let text = read_text(path, MAX_SCENARIO_BYTES)?;
    let scenario = Scenario::from_json(&text).map_err(|err| content(path, err))?;
    let bundle = match &scenario.bundle {
        BundleSource::Inline(bundle) => resolve((**bundle).clone(), path)?,
        BundleSource::File(file) => load_bundle(&folder(path).join(file))?,
    };
    Ok((scenario, bundle))
}

/// Reads a bundle file (TOML when its name ends in `.toml`, else JSON) and
/// the option exports its objects name, relative to its folder.
///
/// # Errors
///
/// A [`FileError`] naming the bundle file; for an option export that cannot
/// be read or parsed, the error names the object and the export too.
pub fn load_bundle(path: &Path) -> Result<LoadedBundle, FileError> {
    let text = read_text(path, MAX_BUNDLE_BYTES)?;
    let is_toml = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("toml"));
    let bundle = if is_toml {
        Bundle::from_toml(&text)
    } else {
        Bundle::from_json(&text)
    };
    resolve(bundle.map_err(|err| content(path, err))?, path)
}

/// Resolves `bundle`'s option exports relative to the folder of `path`, the
/// file the bundle was written in.
fn resolve(mut bundle: Bundle, path: &Path) -> Result<LoadedBundle, FileError> {
    let dir = folder(path);
    let warnings = bundle
        .resolve_option_files(|file| read_export(&dir.join(file)))
        .map_err(|err| content(path, err))?;
    Ok(LoadedBundle {
        bundle,
        warnings,
        path: path.to_owned(),
    })
}

/// Reads one option export, refusing what is too large or not UTF-8 text.
fn read_export(path: &Path) -> Result<String, String> {
    let fail = |why: &dyn fmt::Display| format!("{}: {why}", path.display());
    let size = fs::metadata(path).map_err(|err| fail(&err))?.len();
    if size > MAX_CFG_BYTES as u64 {
        return Err(fail(&format_args!(
            "the file is larger than the limit of {MAX_CFG_BYTES} bytes"
        )));
    }
    let bytes = fs::read(path).map_err(|err| fail(&err))?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(fail(&"the file is UTF-16 text: save it as UTF-8"));
    }
    String::from_utf8(bytes).map_err(|err| {
        fail(&format_args!(
            "the file is not UTF-8 text (invalid byte at offset {}): save it as UTF-8",
            err.utf8_error().valid_up_to()
        ))
    })
}

/// The folder holding `path`, against which the files it names are resolved.
fn folder(path: &Path) -> PathBuf {
    path.parent().unwrap_or(Path::new(".")).to_owned()
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
