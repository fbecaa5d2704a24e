//! The standard plot: a plotters chart with our own grid, ticks, tick labels and
//! axis names, and single lines drawn on it (arm lines: see `arms.rs`).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Axis, TickRange};
use super::canvas::{Canvas, FineShape, Outline};
use super::decimate;
use super::frame::{put_text, put_vertical_text, spread, Area, Drawn, Y_LABEL_AREA_PX};
use super::style::{self, ArmStyle, Dash};

/// Every chart plots f64 against f64 with explicit tick positions.
pub(super) type Chart<'a, 'b> = ChartContext<'a, Canvas<'b>, Cartesian2d<TickRange, TickRange>>;

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
pub(super) fn plot<'a, 'b>(area: &'a Area<'b>, spec: &PlotSpec) -> Drawn<Chart<'a, 'b>> {
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
fn axes(area: &Area, chart: &Chart, spec: &PlotSpec) -> Drawn {
    let (plot, to_px) = pixel_map(chart);
    let (ox, oy) = {
        let (px, py) = plot.get_base_pixel();
        let (ax, ay) = area.get_base_pixel();
        (px - ax, py - ay)
    };
    let round = |v: f64| v.round() as i32;
    let (left, bottom) = to_px.at((spec.x.lo, spec.y.lo));
    let (right, top) = to_px.at((spec.x.hi, spec.y.hi));
    let (left, bottom, right, top) = (round(left), round(bottom), round(right), round(top));
    let grid = style::GRID.stroke_width(1);
    let axis = style::AXIS.stroke_width(1);
    const TICK: i32 = 5;

    for &t in &spec.y.ticks {
        let y = round(to_px.at((spec.x.lo, t)).1);
        plot.draw(&PathElement::new(vec![(left, y), (right, y)], grid))?;
    }
    if spec.x_grid {
        for &t in &spec.x.ticks {
            let x = round(to_px.at((t, spec.y.lo)).0);
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
        let y = round(to_px.at((spec.x.lo, t)).1);
        plot.draw(&PathElement::new(vec![(left - TICK, y), (left, y)], axis))?;
        let at = (ox + left - TICK - 4, oy + y);
        put_text(area, label, at, &tick_style, (HPos::Right, VPos::Center))?;
    }
    for (&t, label) in spec.x.ticks.iter().zip(&spec.x.labels) {
        let x = round(to_px.at((t, spec.y.lo)).0);
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
        put_vertical_text(area, spec.y_desc, at, &desc_style)?;
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

/// Maps data coordinates of a plot to pixels of its plot area.
///
/// It is the plot's own linear map without rounding to whole pixels, so lines can
/// be reduced to the pixel grid before plotters rounds them.
#[derive(Debug, Clone, Copy)]
pub(super) struct ToPixels {
    /// (data lo, data hi, pixel at lo, pixel at hi) for x and for y.
    x: (f64, f64, f64, f64),
    y: (f64, f64, f64, f64),
}

impl ToPixels {
    /// Pixel position of the data point `(x, y)`; far-off values are pinned a
    /// little outside the plot.
    pub fn at(&self, (x, y): (f64, f64)) -> (f64, f64) {
        fn along(v: f64, (lo, hi, p0, p1): (f64, f64, f64, f64)) -> f64 {
            let frac = if hi > lo {
                ((v - lo) / (hi - lo)).clamp(-2.0, 3.0)
            } else {
                0.5
            };
            p0 + frac * (p1 - p0)
        }
        (along(x, self.x), along(y, self.y))
    }
}

/// The plot region of `chart` as a pixel area, and the map from data to its pixels.
pub(super) fn pixel_map<'b>(chart: &Chart<'_, 'b>) -> (Area<'b>, ToPixels) {
    let area = chart.plotting_area().strip_coord_spec();
    let (bx, by) = area.get_base_pixel();
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let (x0, y0) = chart.backend_coord(&(xr.start, yr.start));
    let (x1, y1) = chart.backend_coord(&(xr.end, yr.end));
    let map = ToPixels {
        x: (xr.start, xr.end, f64::from(x0 - bx), f64::from(x1 - bx)),
        y: (yr.start, yr.end, f64::from(y0 - by), f64::from(y1 - by)),
    };
    (area, map)
}

/// Draws a data series as a line, leaving out non-finite points.
pub(super) fn line(
    chart: &Chart,
    points: &[(f64, f64)],
    colour: RGBColor,
    dash: Dash,
    width: u32,
) -> Drawn {
    let (area, to_px) = pixel_map(chart);
    for run in finite_runs(points) {
        let px: Vec<(f64, f64)> = run.into_iter().map(|p| to_px.at(p)).collect();
        path(&area, &px, colour, width, dash)?;
    }
    Ok(())
}

/// A horizontal dashed reference line at `y` across the plot.
pub(super) fn reference_line(chart: &Chart, x: &Axis, y: f64) -> Drawn {
    line(
        chart,
        &[(x.lo, y), (x.hi, y)],
        style::REFERENCE,
        Dash::Dashed,
        2,
    )
}

/// How a line of `width` px in `dash` is drawn.
fn outline(dash: Dash, width: u32) -> Outline {
    let w = i32::try_from(width).unwrap_or(1);
    match dash {
        Dash::Solid => Outline::Solid,
        Dash::Dashed => Outline::Dashed(4 * w + 4, 2 * w + 3),
        Dash::Dotted => Outline::Dashed(w.max(2), (3 * w) / 2 + 3),
    }
}

/// Draws a polyline in (fractional) pixel coordinates of `area`. A lone point
/// becomes a dot.
pub(super) fn path(
    area: &Area,
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
    area.draw(&FineShape {
        points: points.to_vec(),
        style: colour.stroke_width(width),
        outline: outline(dash, width),
    })?;
    Ok(())
}

/// Fills the region between `upper` and `lower` (data coordinates, x not
/// decreasing; non-finite points left out) on `chart`, each edge reduced to the
/// pixel grid. Without `lower` the region reaches down to the plot's bottom.
pub(super) fn fill_between(
    chart: &Chart,
    upper: &[(f64, f64)],
    lower: Option<&[(f64, f64)]>,
    colour: RGBColor,
    opacity: f64,
) -> Drawn {
    let (area, to_px) = pixel_map(chart);
    let edge = |points: &[(f64, f64)]| -> Vec<(f64, f64)> {
        let px: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|&p| to_px.at(p))
            .collect();
        decimate::line(&px)
    };
    let mut outline = edge(upper);
    let (Some(&first), Some(&last)) = (outline.first(), outline.last()) else {
        return Ok(());
    };
    match lower {
        Some(lower) => outline.extend(edge(lower).into_iter().rev()),
        None => {
            let bottom = to_px.at((chart.x_range().start, chart.y_range().start)).1;
            outline.extend([(last.0, bottom), (first.0, bottom)]);
        }
    }
    if outline.len() >= 3 {
        area.draw(&FineShape {
            points: outline,
            style: colour.mix(opacity).filled(),
            outline: Outline::Filled,
        })?;
    }
    Ok(())
}

/// Shortest bar drawn, px: a bar of (nearly) 0 still shows its arm's colour
/// beside the zero line; its value label gives the number.
const MIN_BAR_PX: f64 = 5.0;

/// A bar from 0 to `value` over `x0..x1` (data coordinates) in the arm style
/// `st`: filled for the first round of colours, hollow after that.
pub(super) fn bar(chart: &Chart, (x0, x1): (f64, f64), value: f64, st: ArmStyle) -> Drawn {
    if !value.is_finite() {
        return Ok(());
    }
    let (area, to_px) = pixel_map(chart);
    let (left, zero) = to_px.at((x0, 0.0));
    let (right, top) = to_px.at((x1, value));
    let top = if (top - zero).abs() >= MIN_BAR_PX {
        top
    } else if value >= 0.0 {
        zero - MIN_BAR_PX
    } else {
        zero + MIN_BAR_PX
    };
    let corners = [(left, zero), (right, zero), (right, top), (left, top)];
    let fill = if st.solid_fill { 1.0 } else { 0.35 };
    area.draw(&FineShape {
        points: corners.to_vec(),
        style: st.colour.mix(fill).filled(),
        outline: Outline::Filled,
    })?;
    if !st.solid_fill {
        let mut closed = corners.to_vec();
        closed.push(corners[0]);
        path(&area, &closed, st.colour, 2, Dash::Solid)?;
    }
    Ok(())
}

/// Writes each series' last finite value right of its line end, in the arm's
/// colour, moved apart so that no two labels overlap.
pub(super) fn end_labels(
    area: &Area,
    chart: &Chart,
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
