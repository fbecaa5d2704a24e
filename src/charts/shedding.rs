//! Shedding chart: hairs shed per day on the whole scalp, one line per arm.
//!
//! The y axis starts at 0 and the lines are drawn unsmoothed, so a transient
//! shedding spike (as after starting minoxidil) stands out at its true size.

use plotters::style::text_anchor::{HPos, VPos};

use super::arms;
use super::axis::{self, Axis, DAYS_PER_MONTH};
use super::bands::{self, Banded};
use super::frame::{self, Area, Drawn, Page};
use super::plot::{self, PlotSpec};
use super::style;
use crate::i18n::{Key, Lang};
use crate::simulation::SimulationResult;

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1200, 700)
}

/// The whole chart.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let subtitle = match &result.population {
        Some(pop) => bands::caption(lang.get(Key::BandWhatShedding), pop, lang),
        None => lang.get(Key::SubtitleShedding).to_string(),
    };
    let body = super::arms_page(root, result, page, &subtitle)?;
    let x = super::time_axis_of(result, 12);
    panel(&body, result, &x, lang)
}

/// The shedding lines on `area`.
pub(super) fn panel(area: &Area, result: &SimulationResult, x: &Axis, lang: Lang) -> Drawn {
    let series: Vec<Vec<(f64, f64)>> =
        bands::medians(result, Banded::Shedding).unwrap_or_else(|| {
            result
                .arms
                .iter()
                .map(|a| {
                    a.trajectory
                        .series(|r| r.shedding_per_day)
                        .into_iter()
                        .map(|(t, v)| (t / DAYS_PER_MONTH, v))
                        .collect()
                })
                .collect()
        });
    let banded: Vec<f64> = result
        .population
        .iter()
        .flat_map(|p| bands::all_values(p, Banded::Shedding))
        .collect();
    let values = series.iter().flatten().map(|p| p.1).chain(banded);
    let y = axis::non_negative_axis(values, 1.04, 6.0);
    let chart = plot::plot(
        area,
        &PlotSpec::new(
            x,
            &y,
            axis::time_title(x, lang),
            lang.get(Key::AxisShedding),
        ),
    )?;
    if let Some(pop) = &result.population {
        bands::draw(&chart, pop, Banded::Shedding)?;
    }
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    arms::draw(&chart, &series, &names, 2, lang)?;
    peak_labels(&chart, &series, &y, lang)
}

/// "in week 3" for early times, "at 7.5 months" later.
pub fn when(days: f64, lang: Lang) -> String {
    if days < 84.0 {
        let week = format!("{:.0}", (days / 7.0).floor() + 1.0);
        lang.fill(Key::InWeek, &[("n", &week)])
    } else {
        let months = format!("{:.1}", days / DAYS_PER_MONTH);
        lang.fill(Key::AtMonthsDecimal, &[("n", &months)])
    }
}

/// Labels each arm's shedding peak when it stands well above the arm's usual
/// level and its start.
fn peak_labels(chart: &plot::Chart, series: &[Vec<(f64, f64)>], y: &Axis, lang: Lang) -> Drawn {
    let (plot, to_px) = plot::pixel_map(chart);
    let mut peaks = Vec::new();
    for (i, s) in series.iter().enumerate() {
        let mut values: Vec<f64> = s.iter().map(|p| p.1).filter(|v| v.is_finite()).collect();
        let Some(&(t, peak)) = s
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .max_by(|a, b| a.1.total_cmp(&b.1))
        else {
            continue;
        };
        let Some(&start) = values.first() else {
            continue;
        };
        values.sort_by(f64::total_cmp);
        let Some(&median) = values.get(values.len() / 2) else {
            continue;
        };
        // A peak rises above both the usual level and the start: a line that
        // only falls from its start has none.
        let span = y.hi - y.lo;
        if peak > 1.25 * median && peak - median > 0.1 * span && peak - start > 0.05 * span {
            peaks.push((i, t, peak));
        }
    }
    // With many arms, only the four highest peaks are labelled.
    peaks.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    peaks.truncate(4);
    let wanted: Vec<i32> = peaks
        .iter()
        .map(|&(_, t, v)| to_px.at((t, v)).1.round() as i32 - 8)
        .collect();
    let (plot_w, plot_h) = frame::dims(&plot);
    let placed = frame::spread(&wanted, 18, 10, plot_h - 10);
    for (&(i, t, v), y) in peaks.iter().zip(placed) {
        let text = lang.fill(
            Key::ShedPeak,
            &[
                ("value", &format!("{v:.0}")),
                ("when", &when(t * DAYS_PER_MONTH, lang)),
            ],
        );
        let st = style::bold(style::NOTE_PX, style::arm_style(i).colour);
        // Right of the peak, or left of it near the right edge.
        let x = to_px.at((t, v)).0.round() as i32;
        let w = frame::text_width(&text, &st);
        let (x, h) = if x + 10 + w <= plot_w {
            (x + 10, HPos::Left)
        } else {
            (x - 10, HPos::Right)
        };
        frame::put_text(&plot, &text, (x, y), &st, (h, VPos::Center))?;
    }
    Ok(())
}
