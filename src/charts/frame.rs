//! Building blocks shared by the charts: the page frame (title, subtitle, footer),
//! the legend, panel titles, axis ticks, the standard plot and its lines.
//!
//! Everything here is generic over the plotters backend so SVG and PNG are drawn
//! by the same code.

use std::ops::Range;

use plotters::backend::RGBPixel;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::glyphs::{self, Placement};
use super::smooth;
use super::style::{self, ArmStyle, Dash};

/// The two backends charts are drawn on.
pub(super) trait Backend: DrawingBackend<ErrorType: 'static> {
    /// True for bitmaps, whose wide lines are drawn anti-aliased by [`smooth`].
    const RASTER: bool;
}

impl Backend for SVGBackend<'_> {
    const RASTER: bool = false;
}

impl Backend for BitMapBackend<'_, RGBPixel> {
    const RASTER: bool = true;
}

/// A drawing area in pixel coordinates.
pub(super) type Area<DB> = DrawingArea<DB, Shift>;

/// Any drawing error, boxed; `render` adds which chart failed.
pub(super) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Result of a drawing step.
pub(super) type Drawn<T = ()> = Result<T, BoxError>;

/// Every chart plots f64 against f64 with explicit tick positions.
pub(super) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<TickRange, TickRange>>;

/// A linear f64 coordinate whose grid lines and labels sit exactly at given ticks.
#[derive(Debug, Clone)]
pub(super) struct TickRange {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl TickRange {
    fn of(axis: &Axis) -> TickRange {
        TickRange {
            lo: axis.lo,
            hi: axis.hi,
            ticks: axis.ticks.clone(),
        }
    }
}

impl Ranged for TickRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.hi - self.lo;
        if !(span.is_finite() && span > 0.0) {
            return limit.0 / 2 + limit.1 / 2;
        }
        // Far-off values are pinned a little outside the plot instead of overflowing.
        let frac = ((value - self.lo) / span).clamp(-2.0, 3.0);
        let frac = if frac.is_nan() { 0.0 } else { frac };
        let len = f64::from(limit.1) - f64::from(limit.0);
        // In range by the clamp above, so the cast cannot saturate.
        limit.0.saturating_add((len * frac + 1e-3).floor() as i32)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// Days per average month: the time axis is in months.
pub(super) const DAYS_PER_MONTH: f64 = 30.4375;

/// Outer margin of the page, px.
pub(super) const MARGIN: i32 = 24;
const HEADER_PX: i32 = 92;
const FOOTER_PX: i32 = 38;
const LEGEND_ROW_PX: i32 = 28;
const LEGEND_SWATCH_PX: i32 = 34;
const LEGEND_GAP_PX: i32 = 30;
/// Width of the y label area (tick labels and the rotated axis name).
pub(super) const Y_LABEL_AREA_PX: i32 = 86;

/// Height taken by the title, subtitle and footer together.
pub(super) const CHROME_PX: i32 = HEADER_PX + FOOTER_PX;

/// Size of `area` in pixels, as signed integers.
pub(super) fn dims<DB: Backend>(area: &Area<DB>) -> (i32, i32) {
    let (w, h) = area.dim_in_pixel();
    (
        i32::try_from(w).unwrap_or(i32::MAX),
        i32::try_from(h).unwrap_or(i32::MAX),
    )
}

/// Width of `text` in `style`, px.
pub(super) fn text_width<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    style: &TextStyle,
) -> Drawn<i32> {
    let (w, _) = area.estimate_text_size(text, style)?;
    Ok(i32::try_from(w).unwrap_or(i32::MAX))
}

/// The largest size from `px` down to `min_px` at which `text` fits `max_w`.
fn fitting_size<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    px: f64,
    min_px: f64,
    max_w: i32,
    is_bold: bool,
) -> Drawn<f64> {
    let mut size = px;
    while size > min_px {
        let style = if is_bold {
            style::bold(size, style::INK)
        } else {
            style::text(size, style::INK)
        };
        if text_width(area, text, &style)? <= max_w {
            break;
        }
        size -= 1.0;
    }
    Ok(size.max(min_px))
}

/// `text` shortened with an ellipsis so it fits `max_w` in `style`.
pub(super) fn ellipsize<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    style: &TextStyle,
    max_w: i32,
) -> Drawn<String> {
    if text_width(area, text, style)? <= max_w {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 0 {
        keep -= 1;
        let candidate: String = chars[..keep].iter().collect::<String>() + "…";
        if text_width(area, &candidate, style)? <= max_w {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

/// Draws `text` at `(x, y)`, placed by `anchor` (e.g. left/top: its top-left corner).
pub(super) fn put_text<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    pos: (i32, i32),
    style: &TextStyle,
    anchor: (HPos, VPos),
) -> Drawn {
    place_text(
        area,
        text,
        pos,
        style,
        Placement {
            anchor,
            vertical: false,
        },
    )
}

/// Draws `text` at `pos`; bitmaps get the bundled glyphs, SVG a `<text>` element.
pub(super) fn place_text<DB: Backend>(
    area: &Area<DB>,
    text: &str,
    pos: (i32, i32),
    style: &TextStyle,
    place: Placement,
) -> Drawn {
    if text.is_empty() {
        return Ok(());
    }
    if DB::RASTER {
        let c = style.color;
        glyphs::draw(
            area,
            text,
            pos,
            style.font.get_size(),
            matches!(style.font.get_style(), FontStyle::Bold),
            RGBAColor(c.rgb.0, c.rgb.1, c.rgb.2, c.alpha),
            place,
        )
    } else {
        let (h, v) = place.anchor;
        let mut st = style.pos(Pos::new(h, v));
        if place.vertical {
            st = st.transform(FontTransform::Rotate270);
        }
        area.draw(&Text::new(text, pos, st))?;
        Ok(())
    }
}

/// Paints the page: white background, title, subtitle and the footer band with the
/// non-clinical label. Returns the body area between header and footer.
pub(super) fn page<DB: Backend>(
    root: &Area<DB>,
    title: &str,
    subtitle: &str,
    footer: &str,
) -> Drawn<Area<DB>> {
    root.fill(&style::WHITE)?;
    let (w, h) = dims(root);
    let max_w = w - 2 * MARGIN;

    let title_px = fitting_size(root, title, style::TITLE_PX, 18.0, max_w, true)?;
    let title_style = style::bold(title_px, style::INK);
    let title = ellipsize(root, title, &title_style, max_w)?;
    put_text(
        root,
        &title,
        (MARGIN, 20),
        &title_style,
        (HPos::Left, VPos::Top),
    )?;

    if !subtitle.is_empty() {
        let sub_style = style::text(style::SUBTITLE_PX, style::MUTED);
        let subtitle = ellipsize(root, subtitle, &sub_style, max_w)?;
        put_text(
            root,
            &subtitle,
            (MARGIN, 60),
            &sub_style,
            (HPos::Left, VPos::Top),
        )?;
    }

    let (_, rest) = root.split_vertically(HEADER_PX);
    let (body, foot) = rest.split_vertically((h - HEADER_PX - FOOTER_PX).max(0));
    foot.fill(&style::BAND)?;
    foot.draw(&PathElement::new(
        vec![(0, 0), (w, 0)],
        style::RULE.stroke_width(1),
    ))?;
    // The footer is never cut: it shrinks instead, down to a still readable size.
    let footer_px = fitting_size(&foot, footer, style::FOOTER_PX, 10.0, max_w, false)?;
    put_text(
        &foot,
        footer,
        (MARGIN, FOOTER_PX / 2),
        &style::text(footer_px, style::INK),
        (HPos::Left, VPos::Center),
    )?;
    Ok(body)
}

/// A panel title (bold) above a panel, with an optional note right-aligned on the
/// same line. Returns the area below it.
pub(super) fn panel_title<DB: Backend>(
    area: &Area<DB>,
    title: &str,
    colour: RGBColor,
    note: &str,
) -> Drawn<Area<DB>> {
    const PANEL_HEAD_PX: i32 = 34;
    let (w, _) = dims(area);
    let title_style = style::bold(style::PANEL_TITLE_PX, colour);
    let left = Y_LABEL_AREA_PX - 40;
    let title = ellipsize(area, title, &title_style, w - left - 20)?;
    put_text(
        area,
        &title,
        (left, 8),
        &title_style,
        (HPos::Left, VPos::Top),
    )?;
    if !note.is_empty() {
        let note_style = style::text(style::NOTE_PX, style::MUTED);
        let used = text_width(area, &title, &title_style)?;
        let room = w - left - used - 40;
        if room > 60 {
            let note = ellipsize(area, note, &note_style, room)?;
            put_text(
                area,
                &note,
                (w - 28, 12),
                &note_style,
                (HPos::Right, VPos::Top),
            )?;
        }
    }
    Ok(area.split_vertically(PANEL_HEAD_PX).1)
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    /// A line in an arm's colour and dash pattern.
    Line(ArmStyle),
    /// A filled box (phases, bars).
    Block(RGBColor),
    /// A hollow box with a coloured border (bars of arms past the seventh).
    Hollow(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(super) struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

/// Legend entries for the arms of a result, lines or boxes.
pub(super) fn arm_legend(names: &[&str], as_blocks: bool) -> Vec<LegendItem> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let s = style::arm_style(i);
            let swatch = match (as_blocks, s.solid_fill) {
                (false, _) => Swatch::Line(s),
                (true, true) => Swatch::Block(s.colour),
                (true, false) => Swatch::Hollow(s.colour),
            };
            LegendItem {
                label: (*name).to_string(),
                swatch,
            }
        })
        .collect()
}

/// Rows of legend entries (indices) that fit `max_w`, with each row's width.
fn legend_rows<DB: Backend>(
    area: &Area<DB>,
    items: &[LegendItem],
    max_w: i32,
) -> Drawn<Vec<(Vec<usize>, i32)>> {
    let label_style = style::text(style::LEGEND_PX, style::INK);
    let mut rows: Vec<(Vec<usize>, i32)> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut width = 0;
    for (i, item) in items.iter().enumerate() {
        let w = LEGEND_SWATCH_PX + 8 + text_width(area, &item.label, &label_style)?;
        let extra = if current.is_empty() {
            w
        } else {
            LEGEND_GAP_PX + w
        };
        if !current.is_empty() && width + extra > max_w {
            rows.push((std::mem::take(&mut current), width));
            width = w;
        } else {
            width += extra;
        }
        current.push(i);
    }
    if !current.is_empty() {
        rows.push((current, width));
    }
    Ok(rows)
}

/// Draws a centred, wrapping legend strip at the top of `area` and returns the
/// area below it. Legends sit outside the plots so they never hide data.
pub(super) fn legend<DB: Backend>(area: &Area<DB>, items: &[LegendItem]) -> Drawn<Area<DB>> {
    if items.is_empty() {
        return Ok(area.clone());
    }
    let (w, _) = dims(area);
    let rows = legend_rows(area, items, w - 2 * MARGIN)?;
    let label_style = style::text(style::LEGEND_PX, style::INK);
    let mut y = 4 + LEGEND_ROW_PX / 2;
    for (row, row_w) in &rows {
        let mut x = (w - row_w) / 2;
        for &i in row {
            let item = &items[i];
            draw_swatch(area, item.swatch, x, y)?;
            put_text(
                area,
                &item.label,
                (x + LEGEND_SWATCH_PX + 8, y),
                &label_style,
                (HPos::Left, VPos::Center),
            )?;
            x +=
                LEGEND_SWATCH_PX + 8 + text_width(area, &item.label, &label_style)? + LEGEND_GAP_PX;
        }
        y += LEGEND_ROW_PX;
    }
    let used = 4 + LEGEND_ROW_PX * i32::try_from(rows.len()).unwrap_or(1) + 6;
    Ok(area.split_vertically(used).1)
}

fn draw_swatch<DB: Backend>(area: &Area<DB>, swatch: Swatch, x: i32, y: i32) -> Drawn {
    let x1 = x + LEGEND_SWATCH_PX;
    match swatch {
        Swatch::Line(s) => {
            let (x, x1, y) = (f64::from(x), f64::from(x1), f64::from(y));
            path(area, &[(x, y), (x1, y)], s.colour, 3, s.dash)?;
        }
        Swatch::Block(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                c.filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                style::AXIS.stroke_width(1),
            ))?;
        }
        Swatch::Hollow(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                c.mix(0.35).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x + 4, y - 8), (x1 - 4, y + 8)],
                c.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}

/// Dash and gap lengths of a pattern, px.
fn dash_pattern(dash: Dash, width: u32) -> Option<(f64, f64)> {
    let w = f64::from(width);
    match dash {
        Dash::Solid => None,
        Dash::Dashed => Some((4.0 * w + 4.0, 2.0 * w + 3.0)),
        Dash::Dotted => Some((w.max(2.0), 1.5 * w + 3.0)),
    }
}

/// Draws a polyline in pixel coordinates of `area`: anti-aliased on bitmaps,
/// as SVG paths otherwise. A lone point becomes a dot.
pub(super) fn path<DB: Backend>(
    area: &Area<DB>,
    points: &[(f64, f64)],
    colour: RGBColor,
    width: u32,
    dash: Dash,
) -> Drawn {
    if let [(x, y)] = points {
        let centre = (x.round() as i32, y.round() as i32);
        area.draw(&Circle::new(centre, width + 1, colour.filled()))?;
        return Ok(());
    }
    let pieces = match dash_pattern(dash, width) {
        None => vec![points.to_vec()],
        Some((on, off)) => smooth::dashes(points, on, off),
    };
    for piece in pieces {
        if DB::RASTER {
            smooth::stroke(area, &piece, width, colour)?;
        } else {
            let rounded: Vec<(i32, i32)> = piece
                .iter()
                .map(|(x, y)| (x.round() as i32, y.round() as i32))
                .collect();
            area.draw(&PathElement::new(rounded, colour.stroke_width(width)))?;
        }
    }
    Ok(())
}

/// One axis: its range, tick positions and tick labels.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    /// Tick labels, one per tick.
    pub labels: Vec<String>,
}

impl Axis {
    /// An axis with ticks every `step` from `lo` to `hi`, labelled with `decimals`.
    fn stepped(lo: f64, hi: f64, step: f64, decimals: usize) -> Axis {
        let mut ticks = Vec::new();
        if step.is_finite() && step > 0.0 {
            let first = (lo / step - 1e-9).ceil();
            for k in 0..=200 {
                let t = (first + f64::from(k)) * step;
                if t > hi + step * 1e-9 {
                    break;
                }
                // Avoid "-0".
                ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
            }
        }
        let labels = ticks
            .iter()
            .map(|t| minus(format!("{t:.decimals$}")))
            .collect();
        Axis {
            lo,
            hi,
            ticks,
            labels,
        }
    }

    /// A category axis: one slot of width 1 per label, ticks at slot centres.
    pub fn categories(labels: Vec<String>) -> Axis {
        let n = labels.len().max(1);
        Axis {
            lo: 0.0,
            hi: n as f64,
            ticks: (0..labels.len()).map(|i| i as f64 + 0.5).collect(),
            labels,
        }
    }
}

/// `s` with a leading hyphen replaced by a true minus sign.
pub(super) fn minus(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

/// A "nice" step (1, 2, 2.5 or 5 × 10ⁿ) giving about `target` intervals over `span`.
fn nice_step(span: f64, target: f64) -> f64 {
    let raw = span / target;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// A value axis covering `lo..hi`, widened to whole ticks.
pub(super) fn value_axis(lo: f64, hi: f64, target: f64) -> Axis {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let (lo, hi) = if hi - lo < 1e-9 * (1.0 + lo.abs()) {
        let pad = if lo == 0.0 { 1.0 } else { 0.05 * lo.abs() };
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    };
    let step = nice_step(hi - lo, target);
    if !step.is_finite() || step <= 0.0 {
        return Axis::stepped(0.0, 1.0, 0.2, 1);
    }
    let lo = (lo / step).floor() * step;
    let hi = (hi / step).ceil() * step;
    let decimals = decimals_for(step);
    Axis::stepped(lo, hi, step, decimals)
}

fn decimals_for(step: f64) -> usize {
    let mut d = 0usize;
    while d < 6 && (step * 10f64.powi(d as i32)).fract().abs() > 1e-6 {
        d += 1;
    }
    d
}

/// Finite min and max of `values`, widened to include `always` (e.g. 0 or 100).
pub(super) fn extent(values: impl IntoIterator<Item = f64>, always: &[f64]) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.into_iter().chain(always.iter().copied()) {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    (lo, hi)
}

/// The time axis in months over `first..last` days, with round month ticks and at
/// most `max_intervals` intervals between ticks (fewer for narrow panels).
pub(super) fn time_axis(first_days: f64, last_days: f64, max_intervals: usize) -> Axis {
    let (a, b) = if first_days.is_finite() && last_days.is_finite() && first_days <= last_days {
        (first_days / DAYS_PER_MONTH, last_days / DAYS_PER_MONTH)
    } else {
        (0.0, 1.0)
    };
    let b = if b - a < 1e-6 { a + 1.0 } else { b };
    let span = b - a;
    const STEPS: [f64; 12] = [
        0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 60.0, 120.0, 240.0, 600.0,
    ];
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / s <= max_intervals.max(2) as f64)
        .unwrap_or_else(|| nice_step(span, 10.0));
    // 730 days is 23.98 months: end on the round tick when it is that close.
    let round_end = (b / step).ceil() * step;
    let b = if round_end - b < 0.03 * span {
        round_end
    } else {
        b
    };
    let round_start = (a / step).floor() * step;
    let a = if a - round_start < 0.03 * span {
        round_start
    } else {
        a
    };
    Axis::stepped(a, b, step, decimals_for(step))
}

/// How a plot's axes are labelled.
pub(super) struct PlotSpec<'s> {
    pub x: &'s Axis,
    pub y: &'s Axis,
    /// Axis names; empty for none.
    pub x_desc: &'s str,
    pub y_desc: &'s str,
    /// Whether the x tick labels are drawn.
    pub x_labels: bool,
    /// Whether vertical grid lines are drawn.
    pub x_grid: bool,
    /// Extra space right of the plot, px (for end-of-line labels).
    pub right_px: i32,
}

impl<'s> PlotSpec<'s> {
    /// A plot with both axes labelled and both grids.
    pub fn new(x: &'s Axis, y: &'s Axis, x_desc: &'s str, y_desc: &'s str) -> Self {
        PlotSpec {
            x,
            y,
            x_desc,
            y_desc,
            x_labels: true,
            x_grid: true,
            right_px: 28,
        }
    }
}

/// Builds a plot on `area` and draws its grid and axes.
pub(super) fn plot<'a, DB: Backend>(area: &'a Area<DB>, spec: &PlotSpec) -> Drawn<Chart<'a, DB>> {
    let x_label_px = match (spec.x_labels, spec.x_desc.is_empty()) {
        (false, _) => 4,
        (true, true) => 34,
        (true, false) => 62,
    };
    let chart = ChartBuilder::on(area)
        .margin_top(12)
        .margin_right(spec.right_px)
        .margin_left(6)
        .x_label_area_size(x_label_px)
        .y_label_area_size(Y_LABEL_AREA_PX)
        .build_cartesian_2d(TickRange::of(spec.x), TickRange::of(spec.y))?;
    axes(area, &chart, spec)?;
    Ok(chart)
}

/// Grid, axis lines, ticks, tick labels and axis names of a plot on `area`.
fn axes<DB: Backend>(area: &Area<DB>, chart: &Chart<DB>, spec: &PlotSpec) -> Drawn {
    let (plot, to_px) = pixel_map(chart);
    let (ox, oy) = {
        let (px, py) = plot.get_base_pixel();
        let (ax, ay) = area.get_base_pixel();
        (px - ax, py - ay)
    };
    let round = |v: f64| v.round() as i32;
    let (left, bottom) = to_px((spec.x.lo, spec.y.lo));
    let (right, top) = to_px((spec.x.hi, spec.y.hi));
    let (left, bottom, right, top) = (round(left), round(bottom), round(right), round(top));
    let grid = style::GRID.stroke_width(1);
    let axis = style::AXIS.stroke_width(1);
    const TICK: i32 = 5;

    for &t in &spec.y.ticks {
        let y = round(to_px((spec.x.lo, t)).1);
        plot.draw(&PathElement::new(vec![(left, y), (right, y)], grid))?;
    }
    if spec.x_grid {
        for &t in &spec.x.ticks {
            let x = round(to_px((t, spec.y.lo)).0);
            plot.draw(&PathElement::new(vec![(x, top), (x, bottom)], grid))?;
        }
    }
    plot.draw(&PathElement::new(vec![(left, top), (left, bottom)], axis))?;
    plot.draw(&PathElement::new(
        vec![(left, bottom), (right, bottom)],
        axis,
    ))?;

    let tick_style = style::text(style::TICK_PX, style::INK);
    for (&t, label) in spec.y.ticks.iter().zip(&spec.y.labels) {
        let y = round(to_px((spec.x.lo, t)).1);
        plot.draw(&PathElement::new(vec![(left - TICK, y), (left, y)], axis))?;
        let at = (ox + left - TICK - 4, oy + y);
        put_text(area, label, at, &tick_style, (HPos::Right, VPos::Center))?;
    }
    for (&t, label) in spec.x.ticks.iter().zip(&spec.x.labels) {
        let x = round(to_px((t, spec.y.lo)).0);
        plot.draw(&PathElement::new(
            vec![(x, bottom), (x, bottom + TICK)],
            axis,
        ))?;
        if spec.x_labels {
            let at = (ox + x, oy + bottom + TICK + 5);
            put_text(area, label, at, &tick_style, (HPos::Center, VPos::Top))?;
        }
    }

    let desc_style = style::text(style::AXIS_DESC_PX, style::INK);
    if spec.x_labels && !spec.x_desc.is_empty() {
        let at = (ox + (left + right) / 2, oy + bottom + TICK + 33);
        put_text(
            area,
            spec.x_desc,
            at,
            &desc_style,
            (HPos::Center, VPos::Top),
        )?;
    }
    if !spec.y_desc.is_empty() {
        let at = (ox + left - Y_LABEL_AREA_PX + 14, oy + (top + bottom) / 2);
        let place = Placement {
            anchor: (HPos::Center, VPos::Center),
            vertical: true,
        };
        place_text(area, spec.y_desc, at, &desc_style, place)?;
    }
    Ok(())
}

/// The runs of finite points in `points` (a NaN breaks the line).
pub(super) fn finite_runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            run.push((x, y));
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// The plot region of `chart` as a pixel area, and a map from data to its pixels.
///
/// The map is the plot's own linear map without rounding to whole pixels, so
/// anti-aliased lines sit smoothly between pixels.
pub(super) fn pixel_map<'c, DB: Backend>(
    chart: &'c Chart<DB>,
) -> (Area<DB>, impl Fn((f64, f64)) -> (f64, f64) + 'c) {
    let area = chart.plotting_area().strip_coord_spec();
    let (bx, by) = area.get_base_pixel();
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let (ax, ay) = chart.backend_coord(&(xr.start, yr.start));
    let (bx1, by1) = chart.backend_coord(&(xr.end, yr.end));
    let map = move |(x, y): (f64, f64)| {
        let along = |v: f64, lo: f64, hi: f64, p0: i32, p1: i32| {
            let frac = if hi > lo {
                ((v - lo) / (hi - lo)).clamp(-2.0, 3.0)
            } else {
                0.5
            };
            f64::from(p0) + frac * f64::from(p1 - p0)
        };
        (
            along(x, xr.start, xr.end, ax, bx1) - f64::from(bx),
            along(y, yr.start, yr.end, ay, by1) - f64::from(by),
        )
    };
    (area, map)
}

/// Draws a data series as a line, leaving out non-finite points.
pub(super) fn line<DB: Backend>(
    chart: &Chart<DB>,
    points: &[(f64, f64)],
    colour: RGBColor,
    dash: Dash,
    width: u32,
) -> Drawn {
    let (area, to_px) = pixel_map(chart);
    for run in finite_runs(points) {
        let px: Vec<(f64, f64)> = run.into_iter().map(&to_px).collect();
        path(&area, &px, colour, width, dash)?;
    }
    Ok(())
}

/// A horizontal dashed reference line at `y` across the plot.
pub(super) fn reference_line<DB: Backend>(chart: &Chart<DB>, x: &Axis, y: f64) -> Drawn {
    line(
        chart,
        &[(x.lo, y), (x.hi, y)],
        style::REFERENCE,
        Dash::Dashed,
        2,
    )
}

/// A grey note in the middle of an area that has nothing to plot.
pub(super) fn empty_note<DB: Backend>(area: &Area<DB>, note: &str) -> Drawn {
    let (w, h) = dims(area);
    put_text(
        area,
        note,
        (w / 2, h / 2),
        &style::text(style::LEGEND_PX, style::MUTED),
        (HPos::Center, VPos::Center),
    )
}

/// Splits `area` into a grid of `rows × cols` cells, row by row.
pub(super) fn grid<DB: Backend>(area: &Area<DB>, rows: usize, cols: usize) -> Vec<Area<DB>> {
    let (w, h) = dims(area);
    let rows_i = i32::try_from(rows.max(1)).unwrap_or(1);
    let cols_i = i32::try_from(cols.max(1)).unwrap_or(1);
    let mut cells = Vec::new();
    let mut rest = area.clone();
    for r in 0..rows_i {
        let (row, below) = if r + 1 < rows_i {
            rest.split_vertically(h / rows_i)
        } else {
            (rest.clone(), rest.clone())
        };
        let mut rest_row = row;
        for c in 0..cols_i {
            let (cell, right) = if c + 1 < cols_i {
                rest_row.split_horizontally(w / cols_i)
            } else {
                (rest_row.clone(), rest_row.clone())
            };
            cells.push(cell);
            rest_row = right;
        }
        rest = below;
    }
    cells
}

/// Moves label positions (px, top to bottom order not required) apart so that no
/// two are closer than `gap`, keeping them as near their wishes as possible.
pub(super) fn spread(wanted: &[i32], gap: i32, lo: i32, hi: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| (wanted[i], i));
    let mut placed = vec![0; wanted.len()];
    let mut prev: Option<i32> = None;
    for &i in &order {
        let y = match prev {
            Some(p) => wanted[i].max(p + gap),
            None => wanted[i].max(lo),
        };
        placed[i] = y;
        prev = Some(y);
    }
    // Push back up from the bottom if the stack ran past `hi`.
    let mut next: Option<i32> = None;
    for &i in order.iter().rev() {
        let limit = next.map_or(hi, |n| n - gap);
        if placed[i] > limit {
            placed[i] = limit;
        }
        next = Some(placed[i]);
    }
    placed
}

/// Writes each series' last finite value right of its line end, in the arm's
/// colour, moved apart so that no two labels overlap.
pub(super) fn end_labels<DB: Backend>(
    area: &Area<DB>,
    chart: &Chart<DB>,
    series: &[Vec<(f64, f64)>],
    fmt: impl Fn(f64) -> String,
) -> Drawn {
    let (ax, ay) = area.get_base_pixel();
    let mut wanted = Vec::new();
    let mut labels = Vec::new();
    for (i, s) in series.iter().enumerate() {
        if let Some(&(x, y)) = s.iter().rev().find(|p| p.0.is_finite() && p.1.is_finite()) {
            let (px, py) = chart.backend_coord(&(x, y));
            labels.push((i, px - ax, fmt(y)));
            wanted.push(py - ay);
        }
    }
    let (_, y_range) = chart.plotting_area().get_pixel_range();
    let placed = spread(&wanted, 18, y_range.start - ay + 6, y_range.end - ay - 6);
    for ((i, px, text), y) in labels.iter().zip(placed) {
        let colour = style::arm_style(*i).colour;
        put_text(
            area,
            text,
            (px + 8, y),
            &style::bold(style::NOTE_PX, colour),
            (HPos::Left, VPos::Center),
        )?;
    }
    Ok(())
}
