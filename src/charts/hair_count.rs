//! Hair count chart: each arm's hair count as % of its own start, one line per
//! arm, with a treatment lane below the plot that shows which arm got what when.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::arms;
use super::axis::{self, Axis, DAYS_PER_MONTH};
use super::bands::{self, Banded};
use super::frame::{
    self, arm_legend, dims, put_text, text_width, Area, Drawn, LegendItem, Page, Swatch,
};
use super::plot::{end_labels, plot, reference_line, PlotSpec};
use super::style::{self, ArmStyle, Dash};
use crate::i18n::{Key, Lang};
use crate::simulation::{SimulationResult, TreatmentMarks};

const WIDTH: u32 = 1200;
/// Height without the treatment lane.
const BASE_HEIGHT: i32 = 600;
const LANE_HEAD_PX: i32 = 28;
const LANE_ROW_PX: i32 = 32;
/// Margin above the lane plus its x label area.
const LANE_AXIS_PX: i32 = 12 + 62 + 6;
/// Room right of the plot for the end-of-line values.
pub(super) const END_LABEL_PX: i32 = 84;

/// One lane row: an arm with one of its treatments, or an untreated arm.
struct LaneRow<'r> {
    arm: usize,
    name: &'r str,
    marks: Option<&'r TreatmentMarks>,
}

fn lane_rows(result: &SimulationResult) -> Vec<LaneRow<'_>> {
    let mut rows = Vec::new();
    for (i, arm) in result.arms.iter().enumerate() {
        if arm.treatments.is_empty() {
            rows.push(LaneRow {
                arm: i,
                name: &arm.name,
                marks: None,
            });
        }
        for t in &arm.treatments {
            rows.push(LaneRow {
                arm: i,
                name: &arm.name,
                marks: Some(t),
            });
        }
    }
    rows
}

fn lane_height(rows: usize) -> i32 {
    let rows = i32::try_from(rows).unwrap_or(i32::MAX);
    LANE_ROW_PX
        .saturating_mul(rows)
        .saturating_add(LANE_HEAD_PX + LANE_AXIS_PX)
}

/// Canvas size: the lane grows with the number of treatments.
pub(super) fn size(result: &SimulationResult) -> (u32, u32) {
    let h = BASE_HEIGHT.saturating_add(lane_height(lane_rows(result).len()));
    (WIDTH, u32::try_from(h).unwrap_or(2000).min(4000))
}

/// The whole chart.
pub(super) fn draw(root: &Area, result: &SimulationResult, page: &Page) -> Drawn {
    let lang = page.lang;
    let subtitle = match &result.population {
        Some(pop) => bands::caption(lang.get(Key::BandWhatHairCount), pop, lang),
        None => lang.get(Key::SubtitleHairCount).to_string(),
    };
    let body = frame::page(root, &page.title, &subtitle, &page.footer)?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    let mut items = arm_legend(&names, false);
    items.push(reference_item(lang));
    let body = frame::legend(&body, &items)?;

    let rows = lane_rows(result);
    let (_, h) = dims(&body);
    let lane_h = lane_height(rows.len());
    let (top, bottom) = body.split_vertically((h - lane_h).max(120));
    let x = super::time_axis_of(result, 12);
    panel(&top, result, &x, false, lang)?;
    lanes(&bottom, &rows, &x, lang)
}

/// Legend entry for the dashed 100 % line.
pub(super) fn reference_item(lang: Lang) -> LegendItem {
    LegendItem {
        label: lang.get(Key::StartLevel).to_string(),
        swatch: Swatch::Line(ArmStyle {
            colour: style::REFERENCE,
            dash: Dash::Dashed,
            solid_fill: true,
        }),
    }
}

/// The hair count lines with the 100 % reference and end values, on `area`.
pub(super) fn panel(
    area: &Area,
    result: &SimulationResult,
    x: &Axis,
    x_labels: bool,
    lang: Lang,
) -> Drawn {
    let series: Vec<Vec<(f64, f64)>> =
        bands::medians(result, Banded::HairCountPct).unwrap_or_else(|| {
            result
                .arms
                .iter()
                .map(|a| {
                    a.trajectory
                        .hair_count_percent_of_start()
                        .into_iter()
                        .map(|(t, v)| (t / DAYS_PER_MONTH, v))
                        .collect()
                })
                .collect()
        });
    let banded: Vec<f64> = result
        .population
        .iter()
        .flat_map(|p| bands::all_values(p, Banded::HairCountPct))
        .collect();
    // At least 95–105 % so that tiny changes do not look dramatic.
    let (lo, hi) = axis::extent(
        series.iter().flatten().map(|p| p.1).chain(banded),
        &[95.0, 105.0],
    );
    let y = axis::value_axis(lo, hi, 6.0);
    let mut spec = PlotSpec::new(
        x,
        &y,
        axis::time_title(x, lang),
        lang.get(Key::AxisHairCountPct),
    );
    spec.x_labels = x_labels;
    spec.right_px = END_LABEL_PX;
    let chart = plot(area, &spec)?;
    if let Some(pop) = &result.population {
        bands::draw(&chart, pop, Banded::HairCountPct)?;
    }
    reference_line(&chart, x, 100.0)?;
    let names: Vec<&str> = result.arms.iter().map(|a| a.name.as_str()).collect();
    arms::draw(&chart, &series, &names, 3, lang)?;
    end_labels(area, &chart, &series, |v| format!("{v:.1} %"))
}

/// The treatment lane: one row per (arm, treatment), bars for continuous windows
/// and triangles for sessions, on the same time axis as the plot above.
fn lanes(area: &Area, rows: &[LaneRow], x: &Axis, lang: Lang) -> Drawn {
    let y = Axis::with_ticks(0.0, 1.0, Vec::new(), Vec::new());
    let mut spec = PlotSpec::new(x, &y, axis::time_title(x, lang), "");
    spec.right_px = END_LABEL_PX;
    let chart = plot(area, &spec)?;
    let pa = chart.plotting_area().strip_coord_spec();
    let (base_x, _) = pa.get_base_pixel();
    let (w, _) = dims(&pa);
    let to_px = |days: f64| {
        let m = (days / DAYS_PER_MONTH).clamp(x.lo, x.hi);
        chart.backend_coord(&(m, 0.0)).0 - base_x
    };

    put_text(
        &pa,
        lang.get(Key::LaneHead),
        (6, 7),
        &style::text(style::NOTE_PX, style::MUTED),
        (HPos::Left, VPos::Top),
    )?;

    let name_style_of = |c: RGBColor| style::bold(style::NOTE_PX + 1.0, c);
    let label_style = style::text(style::NOTE_PX + 1.0, style::INK);
    for (k, row) in rows.iter().enumerate() {
        let st = style::arm_style(row.arm);
        let y0 = LANE_HEAD_PX + LANE_ROW_PX * i32::try_from(k).unwrap_or(0);
        if row.arm % 2 == 1 {
            pa.draw(&Rectangle::new(
                [(0, y0), (w, y0 + LANE_ROW_PX)],
                style::BAND.filled(),
            ))?;
        }
        let (bar_top, bar_bottom) = (y0 + 19, y0 + 27);

        let (label, first_day) = match row.marks {
            None => (lang.get(Key::NoTreatment).to_string(), None),
            Some(m) => {
                let first = m
                    .windows
                    .iter()
                    .map(|w| w.0)
                    .chain(m.sessions.iter().copied())
                    .filter(|d| d.is_finite())
                    .reduce(f64::min);
                // The lane says how strong the evidence behind the kind is.
                let grade = m.treatment.kind.evidence().words(lang);
                let label =
                    m.treatment.label_in(lang) + &lang.fill(Key::LaneEvidence, &[("grade", grade)]);
                (label, first)
            }
        };

        // Text above the marks, starting where the treatment starts.
        let name_style = name_style_of(st.colour);
        let name = format!("{}: ", row.name);
        let total = text_width(&name, &name_style) + text_width(&label, &label_style);
        let start_px = first_day.map_or(6, |d| to_px(d) + 2);
        let tx = start_px.min(w - total - 4).max(4);
        put_text(
            &pa,
            &name,
            (tx, y0 + 2),
            &name_style,
            (HPos::Left, VPos::Top),
        )?;
        let nx = tx + text_width(&name, &name_style);
        let label_colour = if row.marks.is_some() {
            style::INK
        } else {
            style::MUTED
        };
        put_text(
            &pa,
            &label,
            (nx, y0 + 2),
            &style::text(style::NOTE_PX + 1.0, label_colour),
            (HPos::Left, VPos::Top),
        )?;

        let Some(marks) = row.marks else { continue };
        for &(a, b) in &marks.windows {
            if !(a.is_finite() && b.is_finite()) {
                continue;
            }
            let (x0, x1) = (to_px(a.min(b)), to_px(a.max(b)));
            pa.draw(&Rectangle::new(
                [(x0, bar_top), (x1.max(x0 + 2), bar_bottom)],
                st.colour.mix(0.85).filled(),
            ))?;
        }
        // One mark per pixel column: a century of weekly sessions stays a few
        // hundred marks.
        let mut xs: Vec<i32> = marks
            .sessions
            .iter()
            .filter(|d| d.is_finite())
            .map(|&d| to_px(d))
            .collect();
        xs.sort_unstable();
        xs.dedup();
        let crowded = xs.windows(2).any(|p| (p[1] - p[0]).abs() < 9);
        for &sx in &xs {
            if crowded {
                pa.draw(&PathElement::new(
                    vec![(sx, bar_top - 2), (sx, bar_bottom + 1)],
                    st.colour.stroke_width(1),
                ))?;
            } else {
                pa.draw(&Polygon::new(
                    vec![
                        (sx - 6, bar_bottom + 1),
                        (sx + 6, bar_bottom + 1),
                        (sx, bar_top - 3),
                    ],
                    st.colour.filled(),
                ))?;
            }
        }
    }
    Ok(())
}
