//! Phase chart: the share of follicles in each hair-cycle phase over time, as
//! stacked bands on the full 0–100 % scale, one small panel per arm.

use plotters::prelude::*;

use super::frame::{
    self, Area, Axis, Backend, Drawn, LegendItem, PlotSpec, Swatch, DAYS_PER_MONTH,
};
use super::style;
use crate::simulation::{ArmResult, SimulationResult};
use crate::trajectory::Observables;

const WIDTH: u32 = 1200;
const LEGEND_PX: i32 = 44;
const MIN_PANEL_PX: i32 = 290;
/// Height the panels share when there are few of them.
const PANELS_PX: i32 = 560;

/// The phases from the bottom of the stack up, with their colours. Contrasting
/// neighbours keep the thin catagen, telogen and kenogen bands readable.
const PHASES: [(&str, RGBColor); 4] = [
    ("anagen (growing)", style::OI_GREEN),
    ("catagen (regressing)", style::OI_VERMILLION),
    ("telogen (resting)", style::OI_YELLOW),
    ("kenogen (empty follicle)", style::OI_BLUE),
];

fn fractions(r: &Observables) -> [f64; 4] {
    [r.anagen, r.catagen, r.telogen, r.kenogen]
}

/// Panel grid (rows, columns) for `n` arms.
fn layout(n: usize) -> (usize, usize) {
    let cols = match n {
        0 | 1 => 1,
        2 | 4 => 2,
        _ => 3,
    };
    (n.max(1).div_ceil(cols), cols)
}

fn panel_height(rows: usize) -> i32 {
    let rows = i32::try_from(rows.max(1)).unwrap_or(1);
    (PANELS_PX / rows).max(MIN_PANEL_PX)
}

/// Canvas size: taller with more rows of panels.
pub(super) fn size(result: &SimulationResult) -> (u32, u32) {
    let (rows, _) = layout(result.arms.len());
    let rows_i = i32::try_from(rows).unwrap_or(1);
    let h = frame::CHROME_PX + LEGEND_PX + rows_i.saturating_mul(panel_height(rows));
    (WIDTH, u32::try_from(h).unwrap_or(2000).min(6000))
}

/// The whole chart.
pub(super) fn draw<DB: Backend>(root: &Area<DB>, result: &SimulationResult, title: &str) -> Drawn {
    let body = frame::page(
        root,
        title,
        "Share of follicles in each phase of the hair cycle, stacked to 100 %. \
         Most follicles are growing (anagen); the thin bands above are the rest.",
        &crate::label::footer(&result.scenario),
    )?;
    let items: Vec<LegendItem> = PHASES
        .iter()
        .map(|(label, colour)| LegendItem {
            label: (*label).to_string(),
            swatch: Swatch::Block(*colour),
        })
        .collect();
    let body = frame::legend(&body, &items)?;
    let (rows, cols) = layout(result.arms.len());
    let x = super::time_axis_of(result, if cols >= 3 { 4 } else { 12 / cols });
    let y = frame::value_axis(0.0, 100.0, 5.0);
    let cells = frame::grid(&body, rows, cols);
    for (i, (arm, cell)) in result.arms.iter().zip(&cells).enumerate() {
        panel(cell, arm, i, &x, &y)?;
    }
    Ok(())
}

fn panel<DB: Backend>(area: &Area<DB>, arm: &ArmResult, index: usize, x: &Axis, y: &Axis) -> Drawn {
    let note = arm
        .trajectory
        .rows
        .iter()
        .rev()
        .find(|r| fractions(r).iter().all(|v| v.is_finite()))
        .map(|r| {
            format!(
                "at end: A {:.0} % · C {:.1} % · T {:.1} % · K {:.1} %",
                100.0 * r.anagen,
                100.0 * r.catagen,
                100.0 * r.telogen,
                100.0 * r.kenogen
            )
        })
        .unwrap_or_default();
    let colour = style::arm_style(index).colour;
    let area = frame::panel_title(area, &arm.name, colour, &note)?;
    let mut chart = frame::plot(
        &area,
        &PlotSpec::new(x, y, "Time (months)", "Follicles (%)"),
    )?;

    // Rows with a full set of finite fractions; a bad row is left out, not drawn as 0.
    let rows: Vec<(f64, [f64; 4])> = arm
        .trajectory
        .times_days
        .iter()
        .zip(&arm.trajectory.rows)
        .filter(|(t, r)| t.is_finite() && fractions(r).iter().all(|v| v.is_finite()))
        .map(|(t, r)| (t / DAYS_PER_MONTH, fractions(r)))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let mut lower = vec![0.0; rows.len()];
    for (p, (_, colour)) in PHASES.iter().enumerate() {
        let upper: Vec<f64> = rows
            .iter()
            .zip(&lower)
            .map(|((_, f), lo)| (lo + 100.0 * f[p].max(0.0)).min(y.hi))
            .collect();
        let mut outline: Vec<(f64, f64)> = rows
            .iter()
            .map(|(t, _)| *t)
            .zip(upper.iter().copied())
            .collect();
        outline.extend(
            rows.iter()
                .map(|(t, _)| *t)
                .zip(lower.iter().copied())
                .rev(),
        );
        if rows.len() == 1 {
            // A single row: draw a thin column so it is still visible.
            let t = rows[0].0;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(t, lower[0]), (t + 0.02 * (x.hi - x.lo), upper[0])],
                colour.filled(),
            )))?;
        } else {
            chart.draw_series(std::iter::once(Polygon::new(outline, colour.filled())))?;
        }
        lower = upper;
    }
    Ok(())
}
