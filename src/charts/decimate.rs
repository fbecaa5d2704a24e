//! Lines reduced to what the pixel grid can show.
//!
//! A chart is about a thousand pixels wide, while a long daily run has tens of
//! thousands of rows per line. Within one pixel column a line can show no more
//! than where it enters, where it leaves, and how low and how high it reaches,
//! so each column keeps those four points (the "M4" reduction, in time order).
//! The drawn picture is the same, and a line never has more than four points per
//! column, however many rows the run has.
//!
//! SVG coordinates are whole pixels, so a line with a point in every column
//! would wobble by rounding. [`simplify`] then keeps only the points that the
//! line's shape needs (Ramer–Douglas–Peucker within a fraction of a pixel), so
//! smooth stretches become a few long straight pieces.

/// How far a simplified line may stray from the full one, px: well under what
/// anti-aliasing can show.
pub(super) const TOLERANCE_PX: f64 = 0.25;

/// `points` (already in pixel coordinates, x not decreasing) reduced to at most
/// four per pixel column: the first, lowest, highest and last point of each
/// column, in their original order. A non-finite point ends the column it is in
/// and is kept, so a gap in the data stays a gap.
pub(super) fn to_pixel_columns(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len().min(4096));
    let mut start = 0;
    while start < points.len() {
        let (x, y) = points[start];
        if !(x.is_finite() && y.is_finite()) {
            out.push(points[start]);
            start += 1;
            continue;
        }
        let column = x.floor();
        let mut end = start + 1;
        while end < points.len() && points[end].0.floor() == column && points[end].1.is_finite() {
            end += 1;
        }
        push_column(&points[start..end], &mut out);
        start = end;
    }
    out
}

/// The first, lowest, highest and last point of one column, in order, each once.
fn push_column(column: &[(f64, f64)], out: &mut Vec<(f64, f64)>) {
    if column.len() <= 4 {
        out.extend_from_slice(column);
        return;
    }
    let last = column.len() - 1;
    let (mut lo, mut hi) = (0, 0);
    for (i, p) in column.iter().enumerate() {
        if p.1 < column[lo].1 {
            lo = i;
        }
        if p.1 > column[hi].1 {
            hi = i;
        }
    }
    let mut keep = [0, lo, hi, last];
    keep.sort_unstable();
    let mut previous = None;
    for i in keep {
        if previous != Some(i) {
            out.push(column[i]);
            previous = Some(i);
        }
    }
}

/// `points` (pixels, finite) with the points dropped that lie within `tolerance`
/// px of the straight line between the points kept around them.
pub(super) fn simplify(points: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if points.len() <= 2 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let limit = tolerance * tolerance;
    let mut stack = vec![(0, points.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let mut far = (0.0, a);
        for i in a + 1..b {
            let d = distance_squared(points[i], points[a], points[b]);
            if d > far.0 {
                far = (d, i);
            }
        }
        if far.0 > limit {
            keep[far.1] = true;
            stack.push((a, far.1));
            stack.push((far.1, b));
        }
    }
    points
        .iter()
        .zip(&keep)
        .filter(|(_, &k)| k)
        .map(|(p, _)| *p)
        .collect()
}

/// Squared distance of `p` from the segment `a`–`b`.
fn distance_squared(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (p.0 - a.0 - t * dx, p.1 - a.1 - t * dy);
    ex * ex + ey * ey
}

/// A line in pixels (non-finite points break it) reduced to the pixel grid and
/// simplified to within [`TOLERANCE_PX`]; its runs stay separated by a
/// non-finite point.
pub(super) fn line(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let columns = to_pixel_columns(points);
    let mut out = Vec::with_capacity(columns.len());
    let mut run: Vec<(f64, f64)> = Vec::new();
    let flush = |run: &mut Vec<(f64, f64)>, out: &mut Vec<(f64, f64)>| {
        if run.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push((f64::NAN, f64::NAN));
        }
        out.extend(simplify(run, TOLERANCE_PX));
        run.clear();
    };
    for p in columns {
        if p.0.is_finite() && p.1.is_finite() {
            run.push(p);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_points_pass_through_unchanged() {
        let points = vec![(0.5, 1.0), (3.2, 2.0), (7.9, -1.0)];
        assert_eq!(to_pixel_columns(&points), points);
    }

    #[test]
    fn a_dense_line_keeps_four_points_per_column_and_its_extremes() {
        // 100 rows per pixel column over 50 columns, with one spike.
        let points: Vec<(f64, f64)> = (0..5000)
            .map(|i| {
                let x = f64::from(i) / 100.0;
                let y = if i == 2345 { 90.0 } else { (x * 0.7).sin() };
                (x, y)
            })
            .collect();
        let reduced = to_pixel_columns(&points);
        assert!(reduced.len() <= 4 * 50, "{}", reduced.len());
        assert!(reduced.contains(&points[2345]), "the spike is kept");
        assert_eq!(reduced.first(), points.first());
        assert_eq!(reduced.last(), points.last());
        // Each column keeps its true range.
        for c in 0..50 {
            let range = |ps: &[(f64, f64)]| {
                let ys: Vec<f64> = ps
                    .iter()
                    .filter(|p| p.0.floor() == f64::from(c))
                    .map(|p| p.1)
                    .collect();
                let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                (lo, hi)
            };
            assert_eq!(range(&reduced), range(&points), "column {c}");
        }
        // Time order is kept.
        assert!(reduced.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn gaps_stay_gaps() {
        let mut points: Vec<(f64, f64)> = (0..400).map(|i| (f64::from(i) / 100.0, 1.0)).collect();
        points[150].1 = f64::NAN;
        let reduced = to_pixel_columns(&points);
        assert_eq!(reduced.iter().filter(|p| p.1.is_nan()).count(), 1);
        assert!(reduced.len() <= 4 * 4 + 1 + 2);
    }
}
