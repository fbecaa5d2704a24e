//! Sensitivity figure: a tornado of normalized local sensitivities (left) and
//! the Morris μ* screening with σ whiskers (right), top parameters only.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{self, Axis};
use super::frame::{self, Area, Drawn};
use super::plot::{self, PlotSpec};
use super::style::{self, Dash};
use super::{render_one, ChartError, Figure, ImageFormat};
use crate::i18n::Lang;
use crate::sensitivity::{Sensitivity, SensitivityResult};

/// Parameters shown per panel.
const TOP: usize = 15;
/// Width of the parameter-name column, px.
const NAMES_PX: i32 = 330;

struct SensitivityFigure<'r>(&'r SensitivityResult);

/// Render the sensitivity figure as SVG or PNG.
pub fn render(result: &SensitivityResult, format: ImageFormat) -> Result<Vec<u8>, ChartError> {
    let label = crate::label::footer(&result.scenario);
    render_one(
        &SensitivityFigure(result),
        "sensitivity",
        (1600, 800),
        format,
        &label,
    )
}

impl Figure for SensitivityFigure<'_> {
    fn draw(&self, root: &Area) -> Drawn {
        let r = self.0;
        let subtitle = format!(
            "Arm `{}`: what moves its hair count at {} relative to its start (nominal {:.3}).",
            r.arm,
            Lang::En.time(r.endpoint_days),
            r.endpoint_ratio
        );
        let title = format!("Which parameter matters most — {}", r.scenario);
        let body = frame::page(root, &title, &subtitle, &crate::label::footer(&r.scenario))?;
        let cells = frame::grid(&body, 1, 2);
        if let [left, right] = cells.as_slice() {
            let by_local: Vec<&Sensitivity> = r.parameters.iter().take(TOP).collect();
            let mut by_mu: Vec<&Sensitivity> = r.parameters.iter().collect();
            by_mu.sort_by(|a, b| {
                b.mu_star_pct
                    .total_cmp(&a.mu_star_pct)
                    .then(a.name.cmp(b.name))
            });
            by_mu.truncate(TOP);
            let head = frame::panel_title(
                left,
                "Local, normalized: (p / E) ∂E/∂p",
                style::INK,
                "tornado",
            )?;
            bars(
                &head,
                &by_local,
                |s| s.local,
                None,
                "normalized sensitivity",
            )?;
            let note = format!(
                "Morris, {} trajectories, ±{:.0} %",
                r.morris.trajectories,
                100.0 * r.morris.spread
            );
            let head = frame::panel_title(
                right,
                "Global screening: Morris μ* (σ as whisker)",
                style::INK,
                &note,
            )?;
            bars(
                &head,
                &by_mu,
                |s| s.mu_star_pct,
                Some(|s: &Sensitivity| s.sigma_pct),
                "μ*: % of nominal endpoint",
            )?;
        }
        Ok(())
    }
}

/// Horizontal bars, largest on top, names in a column on the left.
fn bars(
    area: &Area,
    rows: &[&Sensitivity],
    value: impl Fn(&Sensitivity) -> f64,
    whisker: Option<fn(&Sensitivity) -> f64>,
    x_desc: &str,
) -> Drawn {
    if rows.is_empty() {
        return frame::empty_note(area, "No parameters.");
    }
    let (w, _) = frame::dims(area);
    let (names, plot_area) = area.split_horizontally(NAMES_PX.min(w / 2));
    let n = rows.len();
    let values: Vec<f64> = rows.iter().map(|s| value(s)).collect();
    let extra: Vec<f64> = rows
        .iter()
        .zip(&values)
        .map(|(s, v)| v + whisker.map_or(0.0, |f| f(s)))
        .collect();
    let (lo, hi) = axis::extent(values.iter().chain(&extra).copied(), &[0.0]);
    let x = axis::value_axis(lo, hi, 6.0);
    let y = Axis::with_ticks(0.0, n as f64, Vec::new(), Vec::new());
    let mut spec = PlotSpec::new(&x, &y, x_desc, "");
    spec.right_px = 24;
    let mut chart = plot::plot(&plot_area, &spec)?;
    for (i, (s, v)) in rows.iter().zip(&values).enumerate() {
        let top = (n - i) as f64 - 0.15;
        let bottom = (n - i - 1) as f64 + 0.15;
        let colour = if *v >= 0.0 {
            style::OI_BLUE
        } else {
            style::OI_VERMILLION
        };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, bottom), (*v, top)],
            colour.filled(),
        )))?;
        if let Some(f) = whisker {
            let mid = (top + bottom) / 2.0;
            plot::line(
                &chart,
                &[(*v, mid), (v + f(s), mid)],
                style::INK,
                Dash::Solid,
                2,
            )?;
        }
    }
    plot::line(
        &chart,
        &[(0.0, 0.0), (0.0, n as f64)],
        style::INK,
        Dash::Solid,
        1,
    )?;
    // Names, right-aligned against the plot, level with their bars.
    let (_, to_px) = plot::pixel_map(&chart);
    let (nx, ny) = names.get_base_pixel();
    let (px, py) = plot_area.get_base_pixel();
    let st = style::text(style::NOTE_PX, style::INK);
    for (i, s) in rows.iter().enumerate() {
        let (_, y_px) = to_px.at((0.0, (n - i) as f64 - 0.5));
        let at = (px - nx - 4, py - ny + y_px.round() as i32 + 12);
        frame::put_text(&names, s.name, at, &st, (HPos::Right, VPos::Center))?;
    }
    Ok(())
}
