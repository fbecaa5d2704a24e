//! Phase chart: the share of follicles in each hair-cycle phase over time, as
//! stacked bands on the full 0–100 % scale, one small panel per arm.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{self, Axis, DAYS_PER_MONTH};
use super::frame::{self, Area, Drawn, LegendItem, Page, Swatch};
use super::plot::{self, PlotSpec};
use super::style;
use crate::i18n::{Key, Lang};
use crate::simulation::{ArmResult, SimulationResult};
use crate::trajectory::Observables;

const WIDTH: u32 = 1200;
const LEGEND_PX: i32 = 44;
const MIN_PANEL_PX: i32 = 300;
/// Height the panels share when there are few of them.
const PANELS_PX: i32 = 560;

/// The phases from the bottom of the stack up, with their colours. Contrasting
/// neighbours keep the thin catagen, telogen and kenogen bands readable.
/// Each with its legend name and its short name (for the end values).
const PHASES: [(Key, Key, RGBColor); 4] = [
    (Key::AnagenLong, Key::StateAnagen, style::OI_GREEN),
    (Key::CatagenLong, Key::StateCatagen, style::OI_VERMILLION),
    (Key::TelogenLong, Key::StateTelogen, style::OI_YELLOW),
    (Key::KenogenLong, Key::StateKenogen, style::OI_BLUE),
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
    let h = rows_i
        .saturating_mul(panel_height(rows))
        .saturating_add(frame::CHROME_PX + LEGEND_PX);
    (WIDTH, u32::try_from(h).unwrap_or(2000).min(6000))
}

/// The whole chart.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let body = frame::page(
        root,
        &page.title,
        lang.get(Key::SubtitlePhases),
        &page.footer,
    )?;
    let items: Vec<LegendItem> = PHASES
        .iter()
        .map(|&(label, _, colour)| LegendItem {
            label: lang.get(label).to_string(),
            swatch: Swatch::Block(colour),
        })
        .collect();
    let body = frame::legend(&body, &items)?;
    let (rows, cols) = layout(result.arms.len());
    let x = super::time_axis_of(
        result,
        match cols {
            1 => 12,
            2 => 8,
            _ => 4,
        },
    );
    let y = axis::value_axis(0.0, 100.0, 5.0);
    let cells = frame::grid(&body, rows, cols);
    for (i, (arm, cell)) in result.arms.iter().zip(&cells).enumerate() {
        panel(cell, arm, i, (&x, &y), lang)?;
    }
    Ok(())
}

fn panel(area: &Area, arm: &ArmResult, index: usize, (x, y): (&Axis, &Axis), lang: Lang) -> Drawn {
    let colour = style::arm_style(index).colour;
    let area = frame::panel_title(area, &arm.name, colour, "")?;
    let mut chart = plot::plot(
        &area,
        &PlotSpec::new(
            x,
            y,
            axis::time_title(x, lang),
            lang.get(Key::AxisFollicles),
        ),
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
    let Some(&(last_t, last)) = rows.last() else {
        return frame::empty_note(&area, lang.get(Key::NoPhaseValues));
    };
    // Each phase is drawn from the bottom up to the top of its band, top band
    // first, so neighbouring bands never leave a seam between them.
    for (p, (_, _, colour)) in PHASES.iter().enumerate().rev() {
        let top: Vec<(f64, f64)> = rows
            .iter()
            .map(|(t, f)| {
                let share: f64 = f[..=p].iter().map(|v| v.max(0.0)).sum();
                (*t, (100.0 * share).min(y.hi))
            })
            .collect();
        if let [(t, v)] = top.as_slice() {
            // A single row: a thin column, so it is still visible.
            chart.draw_series(std::iter::once(Rectangle::new(
                [(*t, y.lo), (t + 0.02 * (x.hi - x.lo), *v)],
                colour.filled(),
            )))?;
        } else {
            plot::fill_between(&chart, &top, None, *colour, 1.0)?;
        }
    }
    let min_anagen = rows.iter().map(|(_, f)| f[0]).fold(f64::INFINITY, f64::min);
    end_values(&chart, last_t * DAYS_PER_MONTH, &last, min_anagen, lang)
}

/// A small box in the lower left of the plot with each phase's share at the last
/// time, since the thin bands are hard to read off the axis.
fn end_values(
    chart: &plot::Chart,
    t_days: f64,
    last: &[f64; 4],
    min_anagen: f64,
    lang: Lang,
) -> Drawn {
    const LINE_PX: i32 = 16;
    let (plot, to_px) = plot::pixel_map(chart);
    let (left, bottom) = to_px.at((chart.x_range().start, chart.y_range().start));
    let (left, bottom) = (left.round() as i32, bottom.round() as i32);
    let head = lang.fill(Key::AtTime, &[("time", &lang.time(t_days))]);
    let lines: Vec<String> = PHASES
        .iter()
        .zip(last)
        .map(|(&(_, name, _), f)| {
            lang.fill(
                Key::PhaseShare,
                &[
                    ("phase", lang.get(name)),
                    ("value", &format!("{:.1}", 100.0 * f)),
                ],
            )
        })
        .collect();
    let note = style::text(style::NOTE_PX - 1.5, style::INK);
    let head_style = style::bold(style::NOTE_PX - 1.5, style::INK);
    let mut width = frame::text_width(&head, &head_style);
    for l in &lines {
        width = width.max(18 + frame::text_width(l, &note));
    }
    let (w, h) = (width + 16, LINE_PX * 5 + 8);
    let (x0, y1) = (left + 10, bottom - 10);
    let y0 = y1 - h;
    // The box must stay inside the anagen band, below its lowest top.
    let lowest_anagen = chart.y_range().start.max(100.0 * min_anagen);
    let band_top = to_px.at((chart.x_range().start, lowest_anagen)).1.round() as i32;
    if y0 < band_top + 6 {
        // Too small a panel for the box; the bands alone must do.
        return Ok(());
    }
    plot.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y1)],
        style::WHITE.mix(0.92).filled(),
    ))?;
    plot.draw(&Rectangle::new(
        [(x0, y0), (x0 + w, y1)],
        style::AXIS.stroke_width(1),
    ))?;
    let mut y = y0 + 6;
    frame::put_text(
        &plot,
        &head,
        (x0 + 8, y),
        &head_style,
        (HPos::Left, VPos::Top),
    )?;
    for (l, (_, _, colour)) in lines.iter().zip(PHASES.iter()) {
        y += LINE_PX;
        let swatch = [(x0 + 8, y), (x0 + 18, y + 10)];
        plot.draw(&Rectangle::new(swatch, colour.filled()))?;
        plot.draw(&Rectangle::new(swatch, style::AXIS.stroke_width(1)))?;
        frame::put_text(&plot, l, (x0 + 24, y + 1), &note, (HPos::Left, VPos::Top))?;
    }
    Ok(())
}
