//! Charts of a `sim bench` study: the work-precision diagram (log error
//! against log wall time, one line per method, as in SciMLBenchmarks) and
//! right-hand-side evaluations against tolerance. Both are log–log, drawn on
//! the shared frame, with the footer carrying the non-clinical label, the
//! machine, the versions and the date. Failed runs are listed under the title,
//! never silently left out.

use plotters::prelude::*;

use super::arms;
use super::axis::Axis;
use super::frame::{self, Area, Drawn};
use super::plot::{self, PlotSpec};
use super::style;
use super::{render_one, ChartError, Figure, ImageFormat};
use crate::bench::{BenchReport, Measurement};
use crate::i18n::Lang;
use crate::solve::Method;

/// Which bench chart to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchChart {
    /// Error over the output grid against median wall time.
    WorkPrecision,
    /// Right-hand-side evaluations against requested tolerance.
    Evaluations,
}

impl BenchChart {
    /// Both charts.
    pub const ALL: [BenchChart; 2] = [BenchChart::WorkPrecision, BenchChart::Evaluations];

    /// File stem.
    pub fn name(self) -> &'static str {
        match self {
            BenchChart::WorkPrecision => "work_precision",
            BenchChart::Evaluations => "evaluations",
        }
    }
}

/// Renders one bench chart as SVG text (UTF-8 bytes) or PNG bytes. Pure.
pub fn render_bench(
    report: &BenchReport,
    kind: BenchChart,
    format: ImageFormat,
) -> Result<Vec<u8>, ChartError> {
    let label = report.environment.footer(&report.scenario);
    render_one(
        &BenchFigure { report, kind },
        kind.name(),
        (1200, 780),
        format,
        &label,
    )
}

/// One bench chart of a report.
struct BenchFigure<'r> {
    report: &'r BenchReport,
    kind: BenchChart,
}

impl Figure for BenchFigure<'_> {
    fn draw(&self, root: &Area) -> Drawn {
        draw(root, self.report, self.kind)
    }
}

/// A log10 axis over `values` (already log10), ticks at whole decades labelled 1e-6 etc.
fn log_axis(values: impl Iterator<Item = f64>) -> Axis {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (lo, hi) = (-1.0, 0.0);
    }
    let (lo, hi) = ((lo - 0.15).floor(), (hi + 0.15).ceil());
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    let step = ((hi - lo) / 8.0).ceil().max(1.0);
    let mut ticks = Vec::new();
    let mut t = lo;
    while t <= hi + 1e-9 {
        ticks.push(t);
        t += step;
    }
    let labels = ticks.iter().map(|t| format!("1e{t:.0}")).collect();
    Axis::with_ticks(lo, hi, ticks, labels)
}

/// The methods present, in report order.
fn methods(report: &BenchReport) -> Vec<Method> {
    let mut v: Vec<Method> = Vec::new();
    for m in &report.measurements {
        if !v.contains(&m.method) {
            v.push(m.method);
        }
    }
    v
}

/// (x, y) in log10 of the successful runs of one method, in tolerance order
/// (as SciMLBenchmarks connects them), not sorted by x.
fn points(
    report: &BenchReport,
    method: Method,
    f: impl Fn(&Measurement) -> Option<(f64, f64)>,
) -> Vec<(f64, f64)> {
    report
        .measurements
        .iter()
        .filter(|m| m.method == method && m.status == "ok")
        .filter_map(&f)
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .map(|(x, y)| (x.log10(), y.log10()))
        .collect()
}

/// "failed: rk4 at 1e-3 (…); …" or a note that every run succeeded.
fn failures(report: &BenchReport) -> String {
    let failed: Vec<String> = report
        .measurements
        .iter()
        .filter(|m| m.status != "ok")
        .map(|m| format!("{} at {:e}", m.method, m.rtol))
        .collect();
    if failed.is_empty() {
        "every run succeeded".into()
    } else {
        format!(
            "{} failed run(s), not plotted (see bench.csv): {}",
            failed.len(),
            failed.join(", ")
        )
    }
}

fn draw(root: &Area, report: &BenchReport, kind: BenchChart) -> Drawn {
    let (title, subtitle, x_desc, y_desc) = match kind {
        BenchChart::WorkPrecision => (
            format!("Work-precision — {}", report.scenario),
            format!(
                "Error over the output grid (RMS, absolute, vs {}) against median wall time of {} arm(s). {}.",
                "reference", report.arms, failures(report)
            ),
            "Median wall time, seconds (log)",
            "Error, RMS over states and time (log)",
        ),
        BenchChart::Evaluations => (
            format!("Right-hand-side evaluations — {}", report.scenario),
            format!(
                "Evaluations summed over {} arm(s), including finite-difference Jacobian products. {}.",
                report.arms,
                failures(report)
            ),
            "Requested relative tolerance (log)",
            "Right-hand-side evaluations (log)",
        ),
    };
    let body = frame::page(
        root,
        &title,
        &subtitle,
        &report.environment.footer(&report.scenario),
    )?;
    let methods = methods(report);
    let names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
    let body = frame::legend(&body, &frame::arm_legend(&names, false))?;
    let series: Vec<Vec<(f64, f64)>> = methods
        .iter()
        .map(|&method| match kind {
            BenchChart::WorkPrecision => points(report, method, |m| {
                Some((m.timing.as_ref()?.median_s, m.errors.as_ref()?.grid_l2))
            }),
            BenchChart::Evaluations => points(report, method, |m| {
                Some((m.rtol, m.work.rhs_evaluations as f64))
            }),
        })
        .collect();
    let x = log_axis(series.iter().flatten().map(|p| p.0));
    let y = log_axis(series.iter().flatten().map(|p| p.1));
    let chart = plot::plot(&body, &PlotSpec::new(&x, &y, x_desc, y_desc))?;
    arms::draw(&chart, &series, &names, 2, Lang::En)?;
    let (area, to_px) = plot::pixel_map(&chart);
    for (i, s) in series.iter().enumerate() {
        let st = style::arm_style(i);
        for &p in s {
            let (px, py) = to_px.at(p);
            area.draw(&Circle::new(
                (px.round() as i32, py.round() as i32),
                4,
                st.colour.filled(),
            ))?;
        }
    }
    Ok(())
}
