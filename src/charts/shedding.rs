//! Shedding chart: hairs shed per day on the whole scalp, one line per arm.
//!
//! The y axis starts at 0 and the lines are drawn unsmoothed, so a transient
//! shedding spike (as after starting minoxidil) stands out at its true size.

use super::frame::{self, line, Area, Axis, Backend, Drawn, PlotSpec, DAYS_PER_MONTH};
use super::style;
use crate::simulation::SimulationResult;

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1200, 700)
}

/// The whole chart.
pub(super) fn draw<DB: Backend>(root: &Area<DB>, result: &SimulationResult, title: &str) -> Drawn {
    let body = frame::page(
        root,
        title,
        "Hairs shed per day on the whole scalp. In the model, a short rise after a treatment \
         starts means resting hairs are released as follicles restart growth.",
        &crate::label::footer(&result.scenario),
    )?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    let body = frame::legend(&body, &frame::arm_legend(&names, false))?;
    let x = super::time_axis_of(result, 12);
    panel(&body, result, &x)
}

/// The shedding lines on `area`.
pub(super) fn panel<DB: Backend>(area: &Area<DB>, result: &SimulationResult, x: &Axis) -> Drawn {
    let series: Vec<Vec<(f64, f64)>> = result
        .arms
        .iter()
        .map(|a| {
            a.trajectory
                .series(|r| r.shedding_per_day)
                .into_iter()
                .map(|(t, v)| (t / DAYS_PER_MONTH, v))
                .collect()
        })
        .collect();
    let (lo, hi) = frame::extent(series.iter().flatten().map(|p| p.1), &[0.0]);
    let y = frame::value_axis(lo, hi * 1.04, 6.0);
    let chart = frame::plot(
        area,
        &PlotSpec::new(x, &y, "Time (months)", "Hairs shed per day (whole scalp)"),
    )?;
    for (i, s) in series.iter().enumerate() {
        let st = style::arm_style(i);
        line(&chart, s, st.colour, st.dash, 2)?;
    }
    Ok(())
}
