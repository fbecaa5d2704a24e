//! Endpoint chart: grouped bars of each arm's hair-count change from its own start
//! at the scenario's endpoint times, with the value written on each bar.
//!
//! The numbers come from [`crate::endpoints::compute`], the same as `summary.json`.

use plotters::style::text_anchor::{HPos, VPos};

use super::arms;
use super::axis::{self, Axis};
use super::frame::{self, Area, Drawn, Page};
use super::plot::{self, PlotSpec};
use super::style::{self, Dash};
use crate::endpoints::{self, Endpoint};
use crate::i18n::{Key, Lang};
use crate::simulation::SimulationResult;

/// Canvas size.
pub(super) fn size(_result: &SimulationResult) -> (u32, u32) {
    (1200, 700)
}

/// The whole chart.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let body = frame::page(
        root,
        &page.title,
        lang.get(Key::SubtitleEndpoints),
        &page.footer,
    )?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    let body = frame::legend(&body, &frame::arm_legend(&names, true))?;
    panel(&body, result, lang)
}

/// Endpoint times that at least one arm reached, in scenario order.
fn times(result: &SimulationResult, all: &[Vec<Endpoint>]) -> Vec<f64> {
    result
        .endpoint_times_days
        .iter()
        .copied()
        .filter(|t| all.iter().flatten().any(|e| e.time_days == *t))
        .collect()
}

/// The bars on `area`.
pub(super) fn panel(area: &Area, result: &SimulationResult, lang: Lang) -> Drawn {
    let all = endpoints::compute(result);
    let times = times(result, &all);
    if times.is_empty() {
        return frame::empty_note(area, lang.get(Key::NoEndpoint));
    }
    let x = Axis::categories(times.iter().map(|&t| lang.time(t)).collect());
    let values = all.iter().flatten().map(|e| e.hair_count_change_pct);
    let (lo, hi) = axis::extent(values, &[0.0]);
    // Room for the value labels above and below the bars.
    let pad = 0.14 * (hi - lo).max(1.0);
    let lo = if lo < 0.0 { lo - pad } else { lo };
    let y = axis::value_axis(lo, hi + pad, 8.0);
    let mut spec = PlotSpec::new(
        &x,
        &y,
        lang.get(Key::AxisTimeSinceStart),
        lang.get(Key::AxisHairCountChange),
    );
    spec.x_grid = false;
    let chart = plot::plot(area, &spec)?;

    let n_arms = all.len().max(1) as f64;
    let group_w = 0.8;
    let bar_w = group_w / n_arms;
    let mut bars: Vec<(f64, f64)> = Vec::new();
    let hidden = arms::probe::next_panel();
    for (g, &t) in times.iter().enumerate() {
        let left = g as f64 + 0.5 - group_w / 2.0;
        for (i, arm) in all.iter().enumerate() {
            let Some(e) = arm.iter().find(|e| e.time_days == t) else {
                continue;
            };
            let v = e.hair_count_change_pct;
            if !v.is_finite() {
                continue;
            }
            let x0 = left + bar_w * i as f64 + 0.06 * bar_w;
            let x1 = left + bar_w * (i as f64 + 1.0) - 0.06 * bar_w;
            if hidden != Some(i) {
                plot::bar(&chart, (x0, x1), v, style::arm_style(i))?;
            }
            bars.push(((x0 + x1) / 2.0, v));
        }
    }
    // Zero line on top of the bars.
    plot::line(
        &chart,
        &[(x.lo, 0.0), (x.hi, 0.0)],
        style::INK,
        Dash::Solid,
        2,
    )?;
    value_labels(&chart, &bars, bar_w)
}

/// How a bar value is written, and at which text size.
type LabelFormat = (fn(f64) -> String, f64);

/// Writes each bar's value above a rising bar or below a falling one, in the
/// largest format that fits the narrowest bar, the same for every bar.
fn value_labels(chart: &plot::Chart, bars: &[(f64, f64)], bar_w: f64) -> Drawn {
    let (plot, to_px) = plot::pixel_map(chart);
    let bar_px = to_px.at((bar_w, 0.0)).0 - to_px.at((0.0, 0.0)).0;
    let formats: [LabelFormat; 4] = [
        (|v| format!("{v:+.1} %"), style::NOTE_PX),
        (|v| format!("{v:+.1}"), style::NOTE_PX),
        (|v| format!("{v:+.1}"), 11.0),
        (|v| format!("{v:+.0}"), 11.0),
    ];
    for (fmt, px) in formats {
        let st = style::text(px, style::INK);
        let mut widest = 0;
        for &(_, v) in bars {
            widest = widest.max(frame::text_width(&fmt(v), &st));
        }
        if f64::from(widest) > bar_px + 8.0 {
            continue;
        }
        for &(x, v) in bars {
            let (px_x, px_y) = to_px.at((x, v));
            let (dy, v_pos) = if v >= 0.0 {
                (-5, VPos::Bottom)
            } else {
                (6, VPos::Top)
            };
            let at = (px_x.round() as i32, px_y.round() as i32 + dy);
            frame::put_text(&plot, &axis::minus(fmt(v)), at, &st, (HPos::Center, v_pos))?;
        }
        break;
    }
    Ok(())
}
