//! Charts: pure renderers from a [`SimulationResult`] to SVG text or PNG bytes.
//!
//! Files are written elsewhere (`output`); this module only draws. One file per
//! chart (`hair_count.rs`, `phases.rs`, `shedding.rs`, `signals.rs`,
//! `endpoints.rs`, `summary.rs`); shared parts: `frame.rs` (page, footer, legend),
//! `plot.rs` (axes and lines), `axis.rs` (ticks), `style.rs` (palette, fonts),
//! and for PNG only `glyphs.rs` (text) and `smooth.rs` (anti-aliased lines).
//! Every chart carries the non-clinical footer from [`crate::label::footer`].
//! Output is deterministic: the same result gives byte-identical files.
//!
//! ```no_run
//! # fn demo(result: &hairsim::simulation::SimulationResult) -> Result<(), hairsim::charts::ChartError> {
//! use hairsim::charts::{render, ChartKind, ImageFormat};
//! let svg = render(result, ChartKind::HairCount, ImageFormat::Svg)?;
//! let png = render(result, ChartKind::Summary, ImageFormat::Png)?;
//! # let _ = (svg, png);
//! # Ok(())
//! # }
//! ```

use plotters::backend::RGBPixel;
use plotters::prelude::*;
use serde::Serialize;

use crate::simulation::SimulationResult;

pub use bench::{render_bench, BenchChart};

mod axis;
mod bands;
mod bench;
mod endpoints;
mod frame;
mod glyphs;
mod hair_count;
mod phases;
mod plot;
mod responders;
pub mod scan;
pub mod sensitivity;
mod shedding;
mod signals;
mod smooth;
mod style;
mod summary;
#[cfg(test)]
mod tests;

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
    /// Endpoint bars at the chosen times.
    Endpoints,
    /// The main panels combined in one figure.
    Summary,
    /// Responder rate per arm (scenarios with a `[population]` only).
    Responders,
}

impl ChartKind {
    /// Every chart, in the order they are drawn.
    pub const ALL: [ChartKind; 7] = [
        ChartKind::HairCount,
        ChartKind::Phases,
        ChartKind::Shedding,
        ChartKind::Signals,
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
    /// Portable network graphics (bitmap, text drawn with the bundled DejaVu Sans).
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
    /// Plotters failed while drawing.
    #[error("drawing the {chart} chart ({format}) failed")]
    Draw {
        /// Chart name ([`ChartKind::name`]).
        chart: &'static str,
        /// `svg` or `png`.
        format: &'static str,
        /// The plotters error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The bitmap could not be encoded as PNG.
    #[error("encoding the {chart} chart as PNG failed")]
    Encode {
        /// Chart name ([`ChartKind::name`]).
        chart: &'static str,
        /// The encoder error.
        #[source]
        source: png::EncodingError,
    },
}

/// Renders one chart of `result` as SVG text (UTF-8 bytes) or PNG bytes.
///
/// Pure: no file or terminal I/O. Non-finite values are left out of lines and
/// bars. Fails when there is no arm, when an arm has no rows, or when drawing fails.
pub fn render(
    result: &SimulationResult,
    kind: ChartKind,
    format: ImageFormat,
) -> Result<Vec<u8>, ChartError> {
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
    let figure = ResultFigure { result, kind };
    let label = crate::label::footer(&result.scenario);
    render_figure(&figure, chart, size(result, kind), format, &label)
}

/// A figure that can draw itself on any plotters backend.
trait Figure {
    /// Draw the whole figure on `root`.
    fn draw<DB: frame::Backend>(&self, root: &frame::Area<DB>) -> frame::Drawn;
}

/// One chart of a simulation result.
struct ResultFigure<'r> {
    result: &'r SimulationResult,
    kind: ChartKind,
}

impl Figure for ResultFigure<'_> {
    fn draw<DB: frame::Backend>(&self, root: &frame::Area<DB>) -> frame::Drawn {
        draw(root, self.result, self.kind)
    }
}

/// Render any figure as SVG or PNG bytes; `label` goes into the PNG metadata.
fn render_figure(
    figure: &impl Figure,
    chart: &'static str,
    (w, h): (u32, u32),
    format: ImageFormat,
    label: &str,
) -> Result<Vec<u8>, ChartError> {
    if !style::fonts_ready() {
        return Err(ChartError::Font { chart });
    }
    let draw_error = |source| ChartError::Draw {
        chart,
        format: format.extension(),
        source,
    };
    match format {
        ImageFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                figure.draw(&root).map_err(draw_error)?;
                root.present().map_err(|e| draw_error(e.into()))?;
            }
            Ok(svg.into_bytes())
        }
        ImageFormat::Png => {
            let len = usize::try_from(u64::from(w) * u64::from(h) * 3).unwrap_or(usize::MAX);
            let mut rgb = vec![0u8; len];
            {
                let backend = BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut rgb, (w, h))
                    .map_err(|e| draw_error(e.into()))?;
                let root = backend.into_drawing_area();
                figure.draw(&root).map_err(draw_error)?;
                root.present().map_err(|e| draw_error(e.into()))?;
            }
            encode_png(&rgb, w, h, label).map_err(|source| ChartError::Encode { chart, source })
        }
    }
}

/// The title of a chart: what it shows and the scenario name.
pub fn title(result: &SimulationResult, kind: ChartKind) -> String {
    let name = &result.scenario;
    match kind {
        ChartKind::HairCount => format!("Hair count over time — {name}"),
        ChartKind::Phases => format!("Hair-cycle phases — {name}"),
        ChartKind::Shedding => format!("Hair shedding — {name}"),
        ChartKind::Signals => format!("Model signals — {name}"),
        ChartKind::Endpoints => format!("Hair count change at endpoints — {name}"),
        ChartKind::Summary => format!("{name} — summary"),
        ChartKind::Responders => format!("Responders — {name}"),
    }
}

/// Canvas size in pixels, the same for SVG and PNG.
fn size(result: &SimulationResult, kind: ChartKind) -> (u32, u32) {
    match kind {
        ChartKind::HairCount => hair_count::size(result),
        ChartKind::Phases => phases::size(result),
        ChartKind::Shedding => shedding::size(result),
        ChartKind::Signals => signals::size(result),
        ChartKind::Endpoints => endpoints::size(result),
        ChartKind::Summary => summary::size(result),
        ChartKind::Responders => responders::size(result),
    }
}

fn draw<DB: frame::Backend>(
    root: &frame::Area<DB>,
    result: &SimulationResult,
    kind: ChartKind,
) -> frame::Drawn {
    let title = title(result, kind);
    match kind {
        ChartKind::HairCount => hair_count::draw(root, result, &title),
        ChartKind::Phases => phases::draw(root, result, &title),
        ChartKind::Shedding => shedding::draw(root, result, &title),
        ChartKind::Signals => signals::draw(root, result, &title),
        ChartKind::Endpoints => endpoints::draw(root, result, &title),
        ChartKind::Summary => summary::draw(root, result, &title),
        ChartKind::Responders => responders::draw(root, result, &title),
    }
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

/// PNG bytes of an RGB8 buffer, carrying the non-clinical label as iTXt
/// metadata (`Disclaimer`, UTF-8) so the file is labelled even apart from its
/// pixels. The encoder writes no timestamp, so the bytes depend only on the
/// pixels and the label.
fn encode_png(rgb: &[u8], w: u32, h: u32, label: &str) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        encoder.add_itxt_chunk("Disclaimer".to_string(), label.to_string())?;
        encoder.add_text_chunk(
            "Software".to_string(),
            format!("hairsim {}", crate::label::VERSION),
        )?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}
