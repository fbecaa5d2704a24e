//! Responder chart (cohorts only): the share of virtual patients per arm whose
//! hair count rose by at least the threshold by the responder time.

use plotters::style::text_anchor::{HPos, VPos};

use super::arms;
use super::axis::{self, Axis};
use super::frame::{self, Area, Drawn, Page};
use super::plot::{self, PlotSpec};
use super::style;
use crate::i18n::Key;
use crate::simulation::SimulationResult;

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1200, 700)
}

/// The whole chart. Without a cohort it says so instead of drawing bars.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let Some(pop) = &result.population else {
        let body = frame::page(root, &page.title, "", &page.footer)?;
        return frame::empty_note(&body, lang.get(Key::NoPopulation));
    };
    let subtitle = lang.fill(
        Key::SubtitleResponders,
        &[
            ("size", &pop.size.to_string()),
            (
                "threshold",
                &format!("{:+.0}", 100.0 * pop.responder_threshold),
            ),
            ("time", &lang.time(pop.responder_time_days)),
        ],
    );
    let body = frame::page(root, &page.title, &subtitle, &page.footer)?;
    let names: Vec<&str> = pop.arms.iter().map(|a| a.name.as_str()).collect();
    let body = frame::legend(&body, &frame::arm_legend(&names, true))?;
    // Arm names can be long: the legend names the bars, the axis numbers them.
    let x = Axis::categories(
        (1..=names.len())
            .map(|i| lang.fill(Key::ArmNumber, &[("n", &i.to_string())]))
            .collect(),
    );
    let y = axis::value_axis(0.0, 100.0, 6.0);
    let mut spec = PlotSpec::new(
        &x,
        &y,
        lang.get(Key::AxisArms),
        lang.get(Key::AxisResponders),
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
