//! Output writers: consumers of a result that turn it into files.
//!
//! `csv` and `json` are pure (result → text); this module decides file names.
//! Every command that writes files (`run`, `sensitivity`, `scan`, `follicles`, `bench`)
//! builds one [`OutputSet`] and writes it with [`OutputSet::write`]: every
//! file is rendered first, then staged, then all are renamed together (see
//! `atomic`). Every file carries the non-clinical label.

pub mod atomic;
pub mod csv;
pub mod json;

use crate::bench::BenchReport;
use crate::charts::{self, BenchChart, ChartError, ChartKind, ImageFormat};
use crate::i18n::Lang;
use crate::scan::ScanResult;
use crate::sensitivity::SensitivityResult;
use crate::simulation::SimulationResult;
use std::path::{Path, PathBuf};

/// A kind of output file of `sim run` (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// Charts as SVG.
    Svg,
    /// Charts as PNG.
    Png,
    /// `timeseries.csv` (and `population.csv`).
    Csv,
    /// `summary.json`.
    Json,
    /// `report.html`, the self-contained report (see [`crate::report`]).
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Svg,
        Format::Png,
        Format::Csv,
        Format::Json,
        Format::Html,
    ];

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

/// A set of formats, each at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Formats(u8);

impl Formats {
    /// Every format.
    pub fn all() -> Self {
        Format::ALL.into_iter().collect()
    }

    /// Whether `f` is in the set.
    pub fn contains(self, f: Format) -> bool {
        self.0 & (1 << f as u8) != 0
    }
}

impl FromIterator<Format> for Formats {
    fn from_iter<I: IntoIterator<Item = Format>>(formats: I) -> Self {
        Formats(formats.into_iter().fold(0, |set, f| set | (1 << f as u8)))
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
    Chart(#[from] ChartError),
    /// JSON serialization failed.
    #[error("cannot serialize the JSON output")]
    Json(#[from] serde_json::Error),
    /// The HTML report could not be written.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
}

/// The files of one command in one folder, rendered and not yet written.
///
/// [`OutputSet::write`] writes them so that a failure leaves earlier outputs
/// untouched: everything is rendered before anything is written; every file is
/// then staged (written and flushed under a hidden temporary name, see
/// [`atomic`]), and only when all are staged are they renamed into place, so a
/// full disk or any other write error part-way through changes nothing either.
/// `timeseries.csv` is streamed to its temporary file rather than built in memory.
#[derive(Debug)]
pub struct OutputSet<'a> {
    dir: PathBuf,
    timeseries: Option<(PathBuf, &'a SimulationResult)>,
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl<'a> OutputSet<'a> {
    /// An empty set for `dir`.
    pub fn new(dir: &Path) -> Self {
        OutputSet {
            dir: dir.to_path_buf(),
            timeseries: None,
            files: Vec::new(),
        }
    }

    /// The folder the set is written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Add a rendered file.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.push((self.dir.join(name), bytes));
    }

    /// Add `STEM.svg` and/or `STEM.png`, drawn by `render` now.
    pub fn add_chart(
        &mut self,
        stem: &str,
        images: &[ImageFormat],
        render: impl Fn(ImageFormat) -> Result<Vec<u8>, ChartError>,
    ) -> Result<(), ChartError> {
        for &image in images {
            let bytes = render(image)?;
            self.add(&format!("{stem}.{}", image.extension()), bytes);
        }
        Ok(())
    }

    /// Stage every file (the streamed time series first, if any), then rename
    /// all. Returns the paths written, in order.
    pub fn write(self) -> Result<Vec<PathBuf>, OutputError> {
        write_staged(&self.dir, self.timeseries, self.files)
    }
}

/// Both image formats.
const IMAGES: [ImageFormat; 2] = [ImageFormat::Svg, ImageFormat::Png];

/// `sim run`: `population.csv`, `summary.json`, the charts and `timeseries.csv`,
/// as far as `formats` asks for them.
pub fn simulation<'a>(
    result: &'a SimulationResult,
    charts: &[ChartKind],
    formats: Formats,
    lang: Lang,
    dir: &Path,
) -> Result<OutputSet<'a>, OutputError> {
    let mut set = OutputSet::new(dir);
    if formats.contains(Format::Csv) {
        if let Some(text) = csv::population(result) {
            set.add("population.csv", text.into_bytes());
        }
        set.timeseries = Some((dir.join("timeseries.csv"), result));
    }
    if formats.contains(Format::Json) {
        set.add("summary.json", json::summary(result)?.into_bytes());
    }
    let images: Vec<ImageFormat> = [
        (Format::Svg, ImageFormat::Svg),
        (Format::Png, ImageFormat::Png),
    ]
    .into_iter()
    .filter(|(f, _)| formats.contains(*f))
    .map(|(_, image)| image)
    .collect();
    let kinds: Vec<ChartKind> = charts
        .iter()
        .copied()
        .filter(|k| k.applies_to(result))
        .collect();
    // In parallel, each chart's SVG drawn once for both formats.
    for chart in charts::render_all(result, &kinds, &images, lang)? {
        set.add(
            &format!("{}.{}", chart.kind.name(), chart.format.extension()),
            chart.bytes,
        );
    }
    Ok(set)
}

/// The name of the HTML report in an output folder.
pub const REPORT_FILE: &str = "report.html";

/// `sim report` (and `sim run --format html`): `report.html` into `set`.
pub fn add_report(set: &mut OutputSet, input: &crate::report::Input) -> Result<(), OutputError> {
    set.add(REPORT_FILE, crate::report::html_page(input)?.into_bytes());
    Ok(())
}

/// `sim sensitivity`: `sensitivity.csv` and the tornado chart.
pub fn sensitivity(
    result: &SensitivityResult,
    dir: &Path,
) -> Result<OutputSet<'static>, OutputError> {
    let mut set = OutputSet::new(dir);
    set.add("sensitivity.csv", csv::sensitivity(result).into_bytes());
    set.add_chart("sensitivity", &IMAGES, |image| {
        charts::sensitivity::render(result, image)
    })?;
    Ok(set)
}

/// `sim scan`: `scan.csv` and its chart.
pub fn scan(result: &ScanResult, dir: &Path) -> Result<OutputSet<'static>, OutputError> {
    let mut set = OutputSet::new(dir);
    set.add("scan.csv", csv::scan(result).into_bytes());
    set.add_chart("scan", &IMAGES, |image| charts::scan::render(result, image))?;
    Ok(set)
}

/// `sim follicles`: `follicles.csv` and the automaton-against-ODE chart
/// (its text in `lang`).
pub fn follicles(
    result: &crate::follicles::FollicleResult,
    dir: &Path,
    lang: Lang,
) -> Result<OutputSet<'static>, OutputError> {
    let mut set = OutputSet::new(dir);
    set.add("follicles.csv", csv::follicles(result).into_bytes());
    set.add_chart("follicles", &IMAGES, |image| {
        charts::follicles::render(result, image, lang)
    })?;
    Ok(set)
}

/// `sim bench`: `bench.csv`, `bench.json` and the work-precision charts.
pub fn bench(report: &BenchReport, dir: &Path) -> Result<OutputSet<'static>, OutputError> {
    let mut set = OutputSet::new(dir);
    set.add("bench.csv", csv::bench(report).into_bytes());
    set.add("bench.json", json::bench(report)?.into_bytes());
    for kind in BenchChart::ALL {
        set.add_chart(kind.name(), &IMAGES, |image| {
            charts::render_bench(report, kind, image)
        })?;
    }
    Ok(set)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_set_holds_each_format_once() {
        let set: Formats = [Format::Json, Format::Csv, Format::Json]
            .into_iter()
            .collect();
        assert!(set.contains(Format::Json) && set.contains(Format::Csv));
        assert!(!set.contains(Format::Svg) && !set.contains(Format::Png));
    }

    #[test]
    fn every_format_is_in_the_full_set() {
        assert!(Format::ALL.into_iter().all(|f| Formats::all().contains(f)));
    }

    #[test]
    fn a_set_is_written_whole_and_in_order() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let mut set = OutputSet::new(&dir);
        set.add("b.txt", b"second".to_vec());
        set.add("a.txt", b"first".to_vec());
        let written = set.write().unwrap();
        assert_eq!(written, vec![dir.join("b.txt"), dir.join("a.txt")]);
        assert_eq!(std::fs::read(dir.join("a.txt")).unwrap(), b"first");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file is left");
    }
}
