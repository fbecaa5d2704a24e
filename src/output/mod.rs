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
/// earlier outputs untouched. Every file is first staged (written and flushed
/// under a hidden temporary name, see [`atomic`]); only when all are staged are
/// they renamed into place, so a full disk or any other write error part-way
/// through also leaves every earlier output untouched. `timeseries.csv` is
/// streamed to its temporary file rather than built in memory. Returns the
/// paths written, in order.
pub fn write_all(
    result: &SimulationResult,
    charts: &[ChartKind],
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    let mut rendered: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if formats.contains(&Format::Csv) {
        if let Some(text) = csv::population(result) {
            rendered.push((dir.join("population.csv"), text.into_bytes()));
        }
    }
    if formats.contains(&Format::Json) {
        rendered.push((
            dir.join("summary.json"),
            json::summary(result)?.into_bytes(),
        ));
    }
    let kinds: Vec<ChartKind> = charts
        .iter()
        .copied()
        .filter(|k| k.applies_to(result))
        .collect();
    let images: Vec<ImageFormat> = [
        (Format::Svg, ImageFormat::Svg),
        (Format::Png, ImageFormat::Png),
    ]
    .into_iter()
    .filter(|(fmt, _)| formats.contains(fmt))
    .map(|(_, image)| image)
    .collect();
    for chart in charts::render_all(result, &kinds, &images)? {
        let name = format!("{}.{}", chart.kind.name(), chart.format.extension());
        rendered.push((dir.join(name), chart.bytes));
    }
    let csv_path = formats
        .contains(&Format::Csv)
        .then(|| dir.join("timeseries.csv"));
    write_staged(dir, csv_path.map(|p| (p, result)), rendered)
}

/// Write already-rendered files with the same staging guarantees as
/// [`write_all`] (used by `sim sensitivity`, `sim scan` and `sim bench`).
pub fn write_files(
    dir: &Path,
    files: Vec<(PathBuf, Vec<u8>)>,
) -> Result<Vec<PathBuf>, OutputError> {
    write_staged(dir, None, files)
}

/// Stage every file (the streamed time series first, if any), then rename all.
fn write_staged(
    dir: &Path,
    timeseries: Option<(PathBuf, &SimulationResult)>,
    rendered: Vec<(PathBuf, Vec<u8>)>,
) -> Result<Vec<PathBuf>, OutputError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| OutputError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let targets: Vec<&Path> = timeseries
        .iter()
        .map(|(p, _)| p.as_path())
        .chain(rendered.iter().map(|(p, _)| p.as_path()))
        .collect();
    let names: Vec<&str> = targets
        .iter()
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()))
        .collect();
    atomic::remove_stale(dir, &names);
    for path in &targets {
        if path.is_dir() {
            return Err(io_err(path)(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "a folder of that name is in the way",
            )));
        }
    }
    let mut staged = Vec::with_capacity(targets.len());
    if let Some((path, result)) = &timeseries {
        let s =
            atomic::stage_with(path, |w| csv::write_timeseries(result, w)).map_err(io_err(path))?;
        staged.push((path.clone(), s));
    }
    for (path, bytes) in rendered {
        let s = atomic::stage(&path, &bytes).map_err(io_err(&path))?;
        staged.push((path, s));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (path, s) in staged {
        s.commit().map_err(io_err(&path))?;
        written.push(path);
    }
    if let Some(p) = written.first() {
        atomic::sync_dir(p);
    }
    Ok(written)
}
