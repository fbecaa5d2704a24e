//! Anti-aliased wide lines for bitmaps.
//!
//! The plotters bitmap backend fills lines wider than one pixel as polygons whose
//! corners are rounded to whole pixels, so data lines come out jagged. Here a line
//! is drawn pixel by pixel instead: each pixel near the line gets the line colour
//! with an alpha from its distance to the line, on sub-pixel positions. SVG does
//! not need this; its viewer anti-aliases.

use plotters::prelude::*;

use super::frame::{dims, Area, Backend, Drawn};

/// Strokes the polyline `points` (pixels of `area`, may be fractional) `width` px
/// wide in `colour`.
pub(super) fn stroke<DB: Backend>(
    area: &Area<DB>,
    points: &[(f64, f64)],
    width: u32,
    colour: RGBColor,
) -> Drawn {
    let finite: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let Some(&first) = finite.first() else {
        return Ok(());
    };
    let radius = f64::from(width.max(1)) / 2.0;
    let reach = radius + 1.0;
    let (w, h) = dims(area);
    // Pixels a little outside the area are still drawn, as plotters does, so a
    // line along the edge of a plot is not cut in half.
    let margin = 8.0;
    let (mut x0, mut y0, mut x1, mut y1) = (first.0, first.1, first.0, first.1);
    for &(x, y) in &finite {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let x0 = (x0 - reach).max(-margin).floor();
    let y0 = (y0 - reach).max(-margin).floor();
    let x1 = (x1 + reach).min(f64::from(w) + margin).ceil();
    let y1 = (y1 + reach).min(f64::from(h) + margin).ceil();
    if x0 > x1 || y0 > y1 {
        return Ok(());
    }
    // Bounded by the area size plus the margin, so these casts are exact.
    let box_w = (x1 - x0) as usize + 1;
    let box_h = (y1 - y0) as usize + 1;
    let mut coverage = vec![0f32; box_w * box_h];
    // The cells a segment reached, so that drawing visits them and not the
    // whole bounding box: a data line's box is most of the plot (about a
    // million cells), of which the line covers a few thousand.
    let mut touched: Vec<usize> = Vec::new();

    let segments: Vec<((f64, f64), (f64, f64))> = if finite.len() == 1 {
        vec![(first, first)]
    } else {
        finite.windows(2).map(|p| (p[0], p[1])).collect()
    };
    for (a, b) in segments {
        let sx0 = (a.0.min(b.0) - reach).floor().max(x0);
        let sx1 = (a.0.max(b.0) + reach).ceil().min(x1);
        let sy0 = (a.1.min(b.1) - reach).floor().max(y0);
        let sy1 = (a.1.max(b.1) + reach).ceil().min(y1);
        if sx0 > sx1 || sy0 > sy1 {
            continue;
        }
        for iy in (sy0 - y0) as usize..=(sy1 - y0) as usize {
            for ix in (sx0 - x0) as usize..=(sx1 - x0) as usize {
                let p = (x0 + ix as f64, y0 + iy as f64);
                let c = (radius + 0.5 - distance_to_segment(p, a, b)).clamp(0.0, 1.0) as f32;
                let i = iy * box_w + ix;
                if let Some(cell) = coverage.get_mut(i) {
                    if *cell == 0.0 && c > 0.0 {
                        touched.push(i);
                    }
                    *cell = cell.max(c);
                }
            }
        }
    }

    // In row-major order, as a scan of the box would draw them.
    touched.sort_unstable();
    for i in touched {
        let Some(&c) = coverage.get(i) else { continue };
        let x = x0 as i32 + (i % box_w) as i32;
        let y = y0 as i32 + (i / box_w) as i32;
        area.draw(&Pixel::new((x, y), colour.mix(f64::from(c))))?;
    }
    Ok(())
}

/// Distance from `p` to the segment `a`–`b`.
///
/// Called for every pixel near a line, it was the largest single cost of `sim
/// run` (libm's `hypot` took 14% of the whole process, profiled with `perf
/// record`). `hypot` guards against overflow and underflow of the squares,
/// which pixel coordinates (well under 1e6) never reach, so the plain square
/// root is used; the two differ in the last bit at most.
fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p.0 - (a.0 + t * dx), p.1 - (a.1 + t * dy));
    (ex * ex + ey * ey).sqrt()
}

/// Cuts a polyline into dashes `on` px long with `off` px gaps.
pub(super) fn dashes(points: &[(f64, f64)], on: f64, off: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    if on <= 0.0 || off < 0.0 {
        return out;
    }
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut drawing = true;
    let mut left = on;
    for seg in points.windows(2) {
        let (mut a, b) = (seg[0], seg[1]);
        if drawing && current.is_empty() {
            current.push(a);
        }
        let mut len = (b.0 - a.0).hypot(b.1 - a.1);
        while len > 0.0 {
            if len < left {
                left -= len;
                if drawing {
                    current.push(b);
                }
                break;
            }
            let t = left / len;
            let cut = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            if drawing {
                current.push(cut);
                out.push(std::mem::take(&mut current));
            } else {
                current.push(cut);
            }
            len -= left;
            a = cut;
            drawing = !drawing;
            left = if drawing { on } else { off };
            if !drawing {
                current.clear();
            }
        }
    }
    if drawing && current.len() > 1 {
        out.push(current);
    }
    out
}
