//! Scan figure: each arm's hair-count change at the endpoint against the value
//! of one scanned parameter.

use super::arms;
use super::axis;
use super::frame::{self, Area, Drawn};
use super::plot::{self, PlotSpec};
use super::{render_one, ChartError, Figure, ImageFormat};
use crate::i18n::Lang;
use crate::scan::ScanResult;

struct ScanFigure<'r>(&'r ScanResult);

/// Render the scan figure as SVG or PNG.
pub fn render(result: &ScanResult, format: ImageFormat) -> Result<Vec<u8>, ChartError> {
    let label = crate::label::footer(&result.scenario);
    render_one(&ScanFigure(result), "scan", (1200, 700), format, &label)
}

impl Figure for ScanFigure<'_> {
    fn draw(&self, root: &Area) -> Drawn {
        let r = self.0;
        let title = format!("Scan of `{}` — {}", r.parameter, r.scenario);
        let subtitle = format!(
            "Hair-count change from start at {} for each arm, as `{}` ({}) varies; everything else as in the scenario.",
            Lang::En.time(r.endpoint_days),
            r.parameter,
            r.unit
        );
        let body = frame::page(root, &title, &subtitle, &crate::label::footer(&r.scenario))?;
        let names: Vec<&str> = r.arms.iter().map(|(n, _)| n.as_str()).collect();
        let body = frame::legend(&body, &frame::arm_legend(&names, false))?;
        let (xlo, xhi) = axis::extent(r.values.iter().copied(), &[]);
        let x = axis::value_axis(xlo, xhi, 8.0);
        let (lo, hi) = axis::extent(r.arms.iter().flat_map(|(_, v)| v.iter().copied()), &[0.0]);
        let y = axis::value_axis(lo, hi, 6.0);
        let x_desc = format!("{} ({})", r.parameter, r.unit);
        let chart = plot::plot(
            &body,
            &PlotSpec::new(&x, &y, &x_desc, "Hair count change from start (%)"),
        )?;
        let series: Vec<Vec<(f64, f64)>> = r
            .arms
            .iter()
            .map(|(_, changes)| {
                r.values
                    .iter()
                    .copied()
                    .zip(changes.iter().copied())
                    .collect()
            })
            .collect();
        arms::draw(&chart, &series, &names, 3, Lang::En)
    }
}
