//! Charts: pure renderers from a [`SimulationResult`] to SVG text or PNG bytes.
//!
//! Files are written elsewhere (`output`); this module only draws. Each chart is
//! drawn once, as SVG, with plotters (`canvas.rs`: its SVG backend on a
//! quarter-pixel grid); its PNG is that SVG rasterized by resvg (`raster.rs`)
//! with the bundled fonts (`fonts.rs`), so the two formats show the same
//! picture. One file per chart (`hair_count.rs`, `phases.rs`, `shedding.rs`,
//! `signals.rs`, `hair_quality.rs`, `endpoints.rs`, `summary.rs`, `responders.rs`); shared parts:
//! `frame.rs` (page, footer, legend), `plot.rs` (axes, lines, areas, bars),
//! `arms.rs` (one line per arm, each kept visible where lines coincide),
//! `notes.rs` (naming arms that coincide), `decimate.rs` (lines reduced to what
//! the pixel grid can show), `axis.rs` (ticks), `style.rs` (palette, text sizes). Every chart carries the non-clinical footer from
//! [`crate::label::footer`]. Output is deterministic: the same result gives
//! byte-identical files.
//!
//! ```no_run
//! # fn demo(result: &hairsim::simulation::SimulationResult) -> Result<(), hairsim::charts::ChartError> {
//! use hairsim::charts::{render, render_all, ChartKind, ImageFormat};
//! use hairsim::i18n::Lang;
//! let svg = render(result, ChartKind::HairCount, ImageFormat::Svg)?;
//! let png = render(result, ChartKind::Summary, ImageFormat::Png)?;
//! // Several charts at once, in parallel, each drawn once for both formats:
//! // In Japanese (every text of the chart from the message table):
//! let all = render_all(result, &ChartKind::ALL, &[ImageFormat::Svg, ImageFormat::Png], Lang::Ja)?;
//! # let _ = (svg, png, all);
//! # Ok(())
//! # }
//! ```

use plotters::prelude::*;
use rayon::prelude::*;
use serde::Serialize;

use crate::i18n::{Key, Lang};
use crate::simulation::SimulationResult;

pub use bench::{render_bench, BenchChart};

mod arms;
mod axis;
mod bands;
mod bench;
mod canvas;
mod decimate;
mod endpoints;
pub mod follicles;
pub mod fonts;
mod frame;
mod hair_count;
mod hair_quality;
mod notes;
mod phases;
mod plot;
pub(crate) mod raster;
mod responders;
pub mod scan;
pub mod sensitivity;
mod shedding;
pub use shedding::when;
mod signals;
mod style;
mod summary;
#[cfg(test)]
mod tests;
pub mod trial_noise;

/// Which chart to draw. The file stem is the snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Hair count over time, % of start, one line per arm, treatments marked.
    HairCount,
    /// Phase composition per arm (stacked areas).
    Phases,
    /// Hairs shed per day.
    Shedding,
    /// DHT, inflammation, growth factor, stimulation.
    Signals,
    /// Shaft growth speed, hair-mass index, and the hair of each population.
    HairQuality,
    /// Endpoint bars at the chosen times.
    Endpoints,
    /// The main panels combined in one figure.
    Summary,
    /// Responder rate per arm (scenarios with a `[population]` only).
    Responders,
}

impl ChartKind {
    /// Every chart, in the order they are drawn.
    pub const ALL: [ChartKind; 8] = [
        ChartKind::HairCount,
        ChartKind::Phases,
        ChartKind::Shedding,
        ChartKind::Signals,
        ChartKind::HairQuality,
        ChartKind::Endpoints,
        ChartKind::Summary,
        ChartKind::Responders,
    ];

    /// Whether this chart has something to show for `result` (the responder
    /// chart needs a cohort).
    pub fn applies_to(self, result: &SimulationResult) -> bool {
        self != ChartKind::Responders || result.population.is_some()
    }

    /// Name as written in scenario files and used as the file stem.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::HairCount => "hair_count",
            ChartKind::Phases => "phases",
            ChartKind::Shedding => "shedding",
            ChartKind::Signals => "signals",
            ChartKind::HairQuality => "hair_quality",
            ChartKind::Endpoints => "endpoints",
            ChartKind::Summary => "summary",
            ChartKind::Responders => "responders",
        }
    }

    /// Parse a scenario-file name.
    pub fn from_name(s: &str) -> Option<ChartKind> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Image format of a rendered chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics (text).
    Svg,
    /// Portable network graphics: the SVG rasterized, text in the bundled DejaVu Sans.
    Png,
}

impl ImageFormat {
    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        }
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The result has no arm, so there is nothing to plot.
    #[error("cannot draw the {chart} chart: the result has no arms")]
    NoArms {
        /// Chart name ([`ChartKind::name`]).
        chart: &'static str,
    },
    /// An arm has no output row.
    #[error("cannot draw the {chart} chart: arm `{arm}` has an empty trajectory")]
    EmptyTrajectory {
        /// Chart name ([`ChartKind::name`]).
        chart: &'static str,
        /// Name of the arm without rows.
        arm: String,
    },
    /// The bundled DejaVu fonts could not be loaded.
    #[error("cannot draw the {chart} chart: the bundled font could not be loaded")]
    Font {
        /// Chart name ([`ChartKind::name`]).
        chart: &'static str,
    },
    /// Plotters failed while drawing the SVG.
    #[error("drawing the {chart} chart failed")]
    Draw {
        /// Chart name ([`ChartKind::name`]).
        chart: &'static str,
        /// The plotters error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The SVG could not be rasterized or encoded as PNG.
    #[error("rendering the {chart} chart as PNG failed")]
    Raster {
        /// Chart name ([`ChartKind::name`]).
        chart: &'static str,
        /// What went wrong (reading the SVG, the canvas, or the encoder).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// One rendered chart file.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Which chart.
    pub kind: ChartKind,
    /// In which format.
    pub format: ImageFormat,
    /// SVG text (UTF-8) or PNG bytes.
    pub bytes: Vec<u8>,
}

/// Renders one chart of `result` as SVG text (UTF-8 bytes) or PNG bytes, in
/// English.
///
/// Pure: no file or terminal I/O. Non-finite values are left out of lines and
/// bars. Fails when there is no arm, when an arm has no rows, or when drawing fails.
pub fn render(
    result: &SimulationResult,
    kind: ChartKind,
    format: ImageFormat,
) -> Result<Vec<u8>, ChartError> {
    let mut files = render_chart(result, kind, &[format], Lang::En)?;
    Ok(files.pop().map(|r| r.bytes).unwrap_or_default())
}

/// Renders every chart of `kinds` in every format of `formats`, with every
/// text in `lang`, charts in parallel. Each chart's SVG is drawn once and serves both formats. The result
/// is in the order of `kinds`, then of `formats`; the first failure is returned.
pub fn render_all(
    result: &SimulationResult,
    kinds: &[ChartKind],
    formats: &[ImageFormat],
    lang: Lang,
) -> Result<Vec<Rendered>, ChartError> {
    if kinds.is_empty() || formats.is_empty() {
        // Nothing to draw: do not start the thread pool for it.
        return Ok(Vec::new());
    }
    let per_chart: Vec<Vec<Rendered>> = kinds
        .par_iter()
        .map(|&kind| render_chart(result, kind, formats, lang))
        .collect::<Result<_, _>>()?;
    Ok(per_chart.into_iter().flatten().collect())
}

/// One chart in each of `formats`, its SVG drawn once.
fn render_chart(
    result: &SimulationResult,
    kind: ChartKind,
    formats: &[ImageFormat],
    lang: Lang,
) -> Result<Vec<Rendered>, ChartError> {
    let chart = kind.name();
    if result.arms.is_empty() {
        return Err(ChartError::NoArms { chart });
    }
    if let Some(arm) = result.arms.iter().find(|a| a.trajectory.is_empty()) {
        return Err(ChartError::EmptyTrajectory {
            chart,
            arm: arm.name.clone(),
        });
    }
    let figure = ResultFigure { result, kind, lang };
    let label = lang.footer(&result.scenario);
    let files = render_figure(&figure, chart, size(result, kind), formats, &label)?;
    Ok(formats
        .iter()
        .zip(files)
        .map(|(&format, bytes)| Rendered {
            kind,
            format,
            bytes,
        })
        .collect())
}

/// A figure that draws itself as SVG with plotters.
trait Figure {
    /// Draw the whole figure on `root`.
    fn draw(&self, root: &frame::Area) -> frame::Drawn;
}

/// One chart of a simulation result.
struct ResultFigure<'r> {
    result: &'r SimulationResult,
    kind: ChartKind,
    lang: Lang,
}

impl Figure for ResultFigure<'_> {
    fn draw(&self, root: &frame::Area) -> frame::Drawn {
        draw(root, self.result, self.kind, self.lang)
    }
}

/// Render any figure in each of `formats` (same order): its SVG drawn once,
/// rasterized for PNG with `label` in the PNG metadata.
fn render_figure(
    figure: &impl Figure,
    chart: &'static str,
    (w, h): (u32, u32),
    formats: &[ImageFormat],
    label: &str,
) -> Result<Vec<Vec<u8>>, ChartError> {
    if !fonts::ready() {
        return Err(ChartError::Font { chart });
    }
    let draw_error = |source| ChartError::Draw { chart, source };
    let mut svg = String::new();
    {
        let root = canvas::Canvas::new(&mut svg, (w, h)).into_drawing_area();
        figure.draw(&root).map_err(draw_error)?;
        root.present().map_err(|e| draw_error(e.into()))?;
    }
    let svg = canvas::page_size(svg, (w, h))
        .ok_or_else(|| draw_error("the SVG does not start with the expected header".into()))?;
    formats
        .iter()
        .map(|format| match format {
            ImageFormat::Svg => Ok(svg.clone().into_bytes()),
            ImageFormat::Png => raster::png(&svg, label).map_err(|e| ChartError::Raster {
                chart,
                source: Box::new(e),
            }),
        })
        .collect()
}

/// Render a figure in one format.
fn render_one(
    figure: &impl Figure,
    chart: &'static str,
    size: (u32, u32),
    format: ImageFormat,
    label: &str,
) -> Result<Vec<u8>, ChartError> {
    let mut files = render_figure(figure, chart, size, &[format], label)?;
    Ok(files.pop().unwrap_or_default())
}

/// The colour (`#RRGGBB`) of arm `index` and whether its lines are dashed, as
/// every chart draws it (for the report's interactive charts).
pub fn arm_colour(index: usize) -> (String, bool) {
    let s = style::arm_style(index);
    let c = s.colour;
    (
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2),
        s.dash != style::Dash::Solid,
    )
}

/// The title of a chart: what it shows and the scenario name.
pub fn title(result: &SimulationResult, kind: ChartKind, lang: Lang) -> String {
    let key = match kind {
        ChartKind::HairCount => Key::TitleHairCount,
        ChartKind::Phases => Key::TitlePhases,
        ChartKind::Shedding => Key::TitleShedding,
        ChartKind::Signals => Key::TitleSignals,
        ChartKind::HairQuality => Key::TitleHairQuality,
        ChartKind::Endpoints => Key::TitleEndpoints,
        ChartKind::Summary => Key::TitleSummary,
        ChartKind::Responders => Key::TitleResponders,
    };
    lang.fill(key, &[("scenario", &result.scenario)])
}

/// Canvas size in pixels, the same for SVG and PNG.
fn size(result: &SimulationResult, kind: ChartKind) -> (u32, u32) {
    match kind {
        ChartKind::HairCount => hair_count::size(result),
        ChartKind::Phases => phases::size(result),
        ChartKind::Shedding => shedding::size(result),
        ChartKind::Signals => signals::size(result),
        ChartKind::HairQuality => hair_quality::size(result),
        ChartKind::Endpoints => endpoints::size(result),
        ChartKind::Summary => summary::size(result),
        ChartKind::Responders => responders::size(result),
    }
}

fn draw(
    root: &frame::Area,
    result: &SimulationResult,
    kind: ChartKind,
    lang: Lang,
) -> frame::Drawn {
    let page = frame::Page {
        title: title(result, kind, lang),
        footer: lang.footer(&result.scenario),
        lang,
    };
    match kind {
        ChartKind::HairCount => hair_count::draw(root, result, &page),
        ChartKind::Phases => phases::draw(root, result, &page),
        ChartKind::Shedding => shedding::draw(root, result, &page),
        ChartKind::Signals => signals::draw(root, result, &page),
        ChartKind::HairQuality => hair_quality::draw(root, result, &page),
        ChartKind::Endpoints => endpoints::draw(root, result, &page),
        ChartKind::Summary => summary::draw(root, result, &page),
        ChartKind::Responders => responders::draw(root, result, &page),
    }
}

/// A page (title, `subtitle`, footer) with the legend of the result's arms:
/// the area left for the panels.
fn arms_page<'b>(
    root: &frame::Area<'b>,
    result: &SimulationResult,
    page: &frame::Page,
    subtitle: &str,
) -> frame::Drawn<frame::Area<'b>> {
    let body = frame::page(root, &page.title, subtitle, &page.footer)?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    frame::legend(&body, &frame::arm_legend(&names, false))
}

/// The shared time axis of a result: first to last output time over all arms,
/// with at most `max_intervals` tick intervals.
fn time_axis_of(result: &SimulationResult, max_intervals: usize) -> axis::Axis {
    let times = result
        .arms
        .iter()
        .flat_map(|a| a.trajectory.times_days.iter().copied());
    let (first, last) = axis::extent(times, &[]);
    axis::time_axis(first, last, max_intervals)
}
