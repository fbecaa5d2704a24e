//! Responder chart (cohorts only): the share of virtual patients per arm whose
//! hair count rose by at least the threshold by the responder time.

use plotters::style::text_anchor::{HPos, VPos};

use super::arms;
use super::axis::{self, Axis};
use super::endpoints::time_label;
use super::frame::{self, Area, Drawn};
use super::plot::{self, PlotSpec};
use super::style;
use crate::simulation::SimulationResult;

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1200, 700)
}

/// The whole chart. Without a cohort it says so instead of drawing bars.
pub(super) fn draw(root: &Area, result: &SimulationResult, title: &str) -> Drawn {
    let Some(pop) = &result.population else {
        let body = frame::page(root, title, "", &crate::label::footer(&result.scenario))?;
        return frame::empty_note(
            &body,
            "This scenario has no [population]: no responder rates.",
        );
    };
    let subtitle = format!(
        "Share of {} virtual patients per arm with a hair-count change of at least {:+.0} % from their own start at {}.",
        pop.size,
        100.0 * pop.responder_threshold,
        time_label(pop.responder_time_days)
    );
    let body = frame::page(
        root,
        title,
        &subtitle,
        &crate::label::footer(&result.scenario),
    )?;
    let names: Vec<&str> = pop.arms.iter().map(|a| a.name.as_str()).collect();
    let body = frame::legend(&body, &frame::arm_legend(&names, true))?;
    // Arm names can be long: the legend names the bars, the axis numbers them.
    let x = Axis::categories((1..=names.len()).map(|i| format!("arm {i}")).collect());
    let y = axis::value_axis(0.0, 100.0, 6.0);
    let mut spec = PlotSpec::new(
        &x,
        &y,
        "Arms, in scenario order (colours as in the legend)",
        "Responders (% of patients)",
    );
    spec.x_grid = false;
    let chart = plot::plot(&body, &spec)?;
    let mut labels = Vec::new();
    let hidden = arms::probe::next_panel();
    for (i, arm) in pop.arms.iter().enumerate() {
        let v = 100.0 * arm.responder_rate;
        if hidden != Some(i) {
            plot::bar(
                &chart,
                (i as f64 + 0.2, i as f64 + 0.8),
                v,
                style::arm_style(i),
            )?;
        }
        labels.push((i as f64 + 0.5, v));
    }
    let (area, to_px) = plot::pixel_map(&chart);
    let st = style::text(style::NOTE_PX, style::INK);
    for (x, v) in labels {
        let (px, py) = to_px.at((x, v));
        frame::put_text(
            &area,
            &format!("{v:.1} %"),
            (px.round() as i32, py.round() as i32 - 5),
            &st,
            (HPos::Center, VPos::Bottom),
        )?;
    }
    Ok(())
}
