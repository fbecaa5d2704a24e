//! Output writers: consumers of a [`SimulationResult`] that turn it into files.
//!
//! `csv` and `json` are pure (result → text); this module decides file names
//! and writes every file atomically (see `atomic`). Every file carries the
//! non-clinical label.

pub mod atomic;
pub mod csv;
pub mod json;

use crate::charts::{self, ChartKind, ImageFormat};
use crate::simulation::SimulationResult;
use std::path::{Path, PathBuf};

/// A kind of output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// Charts as SVG.
    Svg,
    /// Charts as PNG.
    Png,
    /// `timeseries.csv`.
    Csv,
    /// `summary.json`.
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Svg, Format::Png, Format::Csv, Format::Json];

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// Parse a command-line name.
    pub fn from_name(s: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// Why outputs could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or folder could not be written.
    #[error("cannot write {path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    /// JSON serialization failed.
    #[error("cannot serialize summary.json")]
    Json(#[from] serde_json::Error),
}

/// Render everything first, then write: a run that fails while drawing leaves
/// earlier outputs untouched. Returns the paths written, in order.
pub fn write_all(
    result: &SimulationResult,
    charts: &[ChartKind],
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if formats.contains(&Format::Csv) {
        files.push((
            dir.join("timeseries.csv"),
            csv::timeseries(result).into_bytes(),
        ));
        if let Some(text) = csv::population(result) {
            files.push((dir.join("population.csv"), text.into_bytes()));
        }
    }
    if formats.contains(&Format::Json) {
        files.push((
            dir.join("summary.json"),
            json::summary(result)?.into_bytes(),
        ));
    }
    for &kind in charts.iter().filter(|k| k.applies_to(result)) {
        for (fmt, image, ext) in [
            (Format::Svg, ImageFormat::Svg, "svg"),
            (Format::Png, ImageFormat::Png, "png"),
        ] {
            if formats.contains(&fmt) {
                let bytes = charts::render(result, kind, image)?;
                files.push((dir.join(format!("{}.{ext}", kind.name())), bytes));
            }
        }
    }
    write_files(dir, files)
}

/// Create `dir` and write every (path, bytes) atomically, in order. Everything
/// was rendered before the first write, so a failure while drawing writes nothing.
pub fn write_files(
    dir: &Path,
    files: Vec<(PathBuf, Vec<u8>)>,
) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        atomic::write(&path, &bytes).map_err(|source| OutputError::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
