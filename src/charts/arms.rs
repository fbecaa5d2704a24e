//! One line per arm on a plot, each kept visible where lines coincide.
//!
//! Lines are first reduced to the pixel grid (`decimate.rs`) and drawn in arm
//! (scenario) order, so where two arms cross, the later one is on top for those
//! few pixels. Where several arms lie on the same pixels for a stretch (untreated,
//! minoxidil and PRP all at DHT 1.0), drawing them in order would leave only the
//! last one visible. There the arms share the stretch instead: it is cut into
//! short slots that go to each arm of the group in turn, so the stretch shows
//! every arm's colour. Groups that coincide nearly everywhere are also named in a
//! note inside the plot ("untreated = minoxidil = PRP").

use super::decimate;
use super::frame::{self, Drawn};
use super::notes;
use super::plot::{self, finite_runs, Chart};
use super::style;
use crate::i18n::Lang;

/// Length of one arm's slot along a shared stretch, px.
const SLOT_PX: usize = 10;
/// Shortest stretch treated as shared, px: lines that merely cross share a few
/// pixels and keep their drawing order.
const MIN_SHARED_PX: usize = 24;

/// Draws one line per arm (`series[i]` in data coordinates, arm `i`'s style)
/// `width` px wide, and a note naming the arms whose lines coincide throughout.
pub(super) fn draw(
    chart: &Chart,
    series: &[Vec<(f64, f64)>],
    names: &[&str],
    width: u32,
    lang: Lang,
) -> Drawn {
    let hidden = probe::next_panel();
    let (area, to_px) = plot::pixel_map(chart);
    let (plot_w, _) = frame::dims(&area);
    let columns = usize::try_from(plot_w).unwrap_or(0) + 1;
    let lines: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| {
            let px: Vec<(f64, f64)> = s
                .iter()
                .map(|&p| {
                    if p.0.is_finite() && p.1.is_finite() {
                        to_px.at(p)
                    } else {
                        (f64::NAN, f64::NAN)
                    }
                })
                .collect();
            decimate::line(&px)
        })
        .collect();
    let ordered = lines.iter().all(|l| {
        let mut xs = l.iter().map(|p| p.0).filter(|x| x.is_finite());
        let mut last = f64::NEG_INFINITY;
        xs.all(|x| std::mem::replace(&mut last, x) <= x)
    });
    let tolerance = f64::from(width) + 0.5;
    let layout = if ordered {
        Layout::of(&lines, columns, tolerance)
    } else {
        Layout::unshared(lines.len(), columns)
    };
    for (i, line) in lines.iter().enumerate() {
        if hidden == Some(i) {
            continue;
        }
        let st = style::arm_style(i);
        let pieces = match layout.slots(i) {
            None => finite_runs(line),
            Some(on) => shared_pieces(line, on),
        };
        for piece in pieces {
            plot::path(&area, &piece, st.colour, width, st.dash)?;
        }
    }
    if ordered {
        notes::draw(&area, &layout.envelopes, names, tolerance, lang)?;
    }
    Ok(())
}

/// Which columns each arm draws in.
struct Layout {
    /// Per arm, per column: whether the arm draws there. `None` for an arm that
    /// shares no stretch (it draws everywhere).
    on: Vec<Option<Vec<bool>>>,
    /// Per arm, per column: the line's lowest and highest pixel there.
    envelopes: Vec<Envelope>,
}

impl Layout {
    /// Every arm draws everywhere (lines not ordered in x, e.g. work-precision).
    fn unshared(arms: usize, columns: usize) -> Layout {
        Layout {
            on: vec![None; arms],
            envelopes: vec![vec![None; columns]; arms],
        }
    }

    fn of(lines: &[Vec<(f64, f64)>], columns: usize, tolerance: f64) -> Layout {
        let envelopes: Vec<Envelope> = lines.iter().map(|l| envelope(l, columns)).collect();
        let n = lines.len();
        // Per column, the cluster each arm's line is in (arms lying on the same
        // pixels there), and whether it shares the column with another arm.
        let mut cluster = vec![vec![usize::MAX; columns]; n];
        let mut shared = vec![vec![false; columns]; n];
        let mut present: Vec<(usize, (f64, f64))> = Vec::with_capacity(n);
        for c in 0..columns {
            present.clear();
            present.extend(
                envelopes
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| e[c].map(|v| (i, v))),
            );
            present.sort_by(|a, b| a.1 .0.total_cmp(&b.1 .0).then(a.0.cmp(&b.0)));
            let mut id = 0;
            for k in 0..present.len() {
                if k > 0 && !near(Some(present[k - 1].1), Some(present[k].1), tolerance) {
                    id += 1;
                }
                cluster[present[k].0][c] = id;
            }
            for k in 0..present.len() {
                let same = |m: usize| cluster[present[m].0][c] == cluster[present[k].0][c];
                shared[present[k].0][c] =
                    (k > 0 && same(k - 1)) || (k + 1 < present.len() && same(k + 1));
            }
        }
        // Lines that merely cross share a few columns: those keep their order.
        for flags in &mut shared {
            let long = long_runs(flags, MIN_SHARED_PX);
            flags.iter_mut().for_each(|f| *f = false);
            for (a, b) in long {
                flags[a..b].iter_mut().for_each(|f| *f = true);
            }
        }
        let mut on: Vec<Option<Vec<bool>>> = vec![None; n];
        for c in 0..columns {
            for i in (0..n).filter(|&i| shared[i][c]) {
                // The arms sharing this stretch with `i`, in arm order.
                let group: Vec<usize> = (0..n)
                    .filter(|&j| shared[j][c] && cluster[j][c] == cluster[i][c])
                    .collect();
                let rank = group.iter().position(|&g| g == i).unwrap_or(0);
                let slots = on[i].get_or_insert_with(|| vec![true; columns]);
                slots[c] = (c / SLOT_PX) % group.len().max(1) == rank;
            }
        }
        Layout { on, envelopes }
    }

    fn slots(&self, arm: usize) -> Option<&[bool]> {
        self.on.get(arm)?.as_deref()
    }
}

/// Per pixel column, the lowest and highest pixel of a line there, or `None`
/// where it has none.
pub(super) type Envelope = Vec<Option<(f64, f64)>>;

/// The envelope of `line` over columns `0..columns`, segments between points
/// included.
fn envelope(line: &[(f64, f64)], columns: usize) -> Envelope {
    let mut env: Vec<Option<(f64, f64)>> = vec![None; columns];
    let last = columns.saturating_sub(1) as f64;
    let column = |x: f64| x.floor().clamp(0.0, last) as usize;
    let mut add = |c: usize, y: f64| {
        if let Some(slot) = env.get_mut(c) {
            *slot = Some(match *slot {
                None => (y, y),
                Some((lo, hi)) => (lo.min(y), hi.max(y)),
            });
        }
    };
    for run in finite_runs(line) {
        if let [p] = run.as_slice() {
            add(column(p.0), p.1);
        }
        for w in run.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            let (c0, c1) = (column(x0), column(x1));
            let at = |x: f64| {
                if x1 > x0 {
                    y0 + (y1 - y0) * ((x - x0) / (x1 - x0)).clamp(0.0, 1.0)
                } else {
                    y1
                }
            };
            for c in c0..=c1 {
                let left = (c as f64).max(x0);
                let right = (c as f64 + 1.0).min(x1);
                add(c, at(left));
                add(c, at(right));
            }
            if c0 == c1 {
                add(c0, y0);
            }
        }
    }
    env
}

/// Whether two columns' extents lie within `tolerance` px of each other.
pub(super) fn near(a: Option<(f64, f64)>, b: Option<(f64, f64)>, tolerance: f64) -> bool {
    match (a, b) {
        (Some((a_lo, a_hi)), Some((b_lo, b_hi))) => {
            (a_lo - b_lo).abs() <= tolerance && (a_hi - b_hi).abs() <= tolerance
        }
        _ => false,
    }
}

/// Half-open ranges of `flags` that are true for at least `min` in a row.
fn long_runs(flags: &[bool], min: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, &f) in flags.iter().chain(std::iter::once(&false)).enumerate() {
        match (f, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= min {
                    runs.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// The arms connected to `arm` through `partners`, ascending.
pub(super) fn component(partners: &[Vec<usize>], arm: usize) -> Vec<usize> {
    let mut group = vec![arm];
    let mut k = 0;
    while k < group.len() {
        for &p in &partners[group[k]] {
            if !group.contains(&p) {
                group.push(p);
            }
        }
        k += 1;
    }
    group.sort_unstable();
    group
}

/// The parts of `line` (x not decreasing) over the columns where `on` is true.
fn shared_pieces(line: &[(f64, f64)], on: &[bool]) -> Vec<Vec<(f64, f64)>> {
    let mut pieces = Vec::new();
    let runs = finite_runs(line);
    for (a, b) in long_runs(on, 1) {
        for run in &runs {
            pieces.extend(clip_x(run, a as f64, b as f64));
        }
    }
    // The last column ends at the plot's right edge, where the line ends too.
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// The parts of `run` (finite, x not decreasing) with `x0 <= x <= x1`.
fn clip_x(run: &[(f64, f64)], x0: f64, x1: f64) -> Vec<Vec<(f64, f64)>> {
    let interpolate = |(ax, ay): (f64, f64), (bx, by): (f64, f64), x: f64| {
        if bx > ax {
            (x, ay + (by - ay) * (x - ax) / (bx - ax))
        } else {
            (x, by)
        }
    };
    // Points before `first` lie left of the slab; start one earlier for the entry.
    let first = run.partition_point(|p| p.0 < x0).saturating_sub(1);
    let mut piece: Vec<(f64, f64)> = Vec::new();
    if let [p] = &run[first..] {
        if p.0 >= x0 && p.0 <= x1 {
            piece.push(*p);
        }
    }
    for w in run[first..].windows(2) {
        let (p, q) = (w[0], w[1]);
        if p.0 > x1 {
            break;
        }
        if q.0 < x0 {
            continue;
        }
        let start = if p.0 < x0 { interpolate(p, q, x0) } else { p };
        let end = if q.0 > x1 { interpolate(p, q, x1) } else { q };
        if piece.last() != Some(&start) {
            piece.push(start);
        }
        piece.push(end);
    }
    if piece.is_empty() {
        Vec::new()
    } else {
        vec![piece]
    }
}

/// A test probe: hides one arm in one panel, so a test can check that the arm
/// shows pixels of its own there. Panels are counted per render on this thread,
/// in drawing order; outside tests nothing is hidden.
pub(super) mod probe {
    #[cfg(test)]
    use std::cell::Cell;

    #[cfg(test)]
    thread_local! {
        static PANELS: Cell<usize> = const { Cell::new(0) };
        static HIDDEN: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
    }

    /// Starts counting panels again, hiding `arm` in `panel` if given.
    #[cfg(test)]
    pub(in crate::charts) fn start(hidden: Option<(usize, usize)>) {
        PANELS.set(0);
        HIDDEN.set(hidden);
    }

    /// Panels of arms drawn since [`start`].
    #[cfg(test)]
    pub(in crate::charts) fn panels() -> usize {
        PANELS.get()
    }

    /// Marks the start of a panel of arms; the arm to leave out of it, if any.
    #[cfg(test)]
    pub(in crate::charts) fn next_panel() -> Option<usize> {
        let panel = PANELS.get();
        PANELS.set(panel + 1);
        HIDDEN.get().filter(|h| h.0 == panel).map(|h| h.1)
    }

    /// Marks the start of a panel of arms; nothing is hidden outside tests.
    #[cfg(not(test))]
    pub(in crate::charts) fn next_panel() -> Option<usize> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_shorter_than_the_minimum_are_dropped() {
        let flags = [true, true, false, true, true, true, true, false, true];
        assert_eq!(long_runs(&flags, 3), vec![(3, 7)]);
        assert_eq!(long_runs(&flags, 1), vec![(0, 2), (3, 7), (8, 9)]);
    }

    #[test]
    fn clipping_cuts_segments_at_the_slab_edges() {
        let run = [(0.0, 0.0), (10.0, 10.0), (20.0, 0.0)];
        let pieces = clip_x(&run, 5.0, 15.0);
        assert_eq!(pieces, vec![vec![(5.0, 5.0), (10.0, 10.0), (15.0, 5.0)]]);
        assert!(clip_x(&run, 21.0, 30.0).is_empty());
    }

    #[test]
    fn coinciding_lines_take_turns_and_separate_lines_draw_everywhere() {
        let flat = |y: f64| -> Vec<(f64, f64)> { (0..=200).map(|x| (f64::from(x), y)).collect() };
        let lines = vec![flat(50.0), flat(50.5), flat(90.0)];
        let layout = Layout::of(&lines, 201, 2.5);
        assert!(layout.slots(2).is_none(), "the separate line is whole");
        let (a, b) = (layout.slots(0).unwrap(), layout.slots(1).unwrap());
        assert!(
            a.iter().zip(b).all(|(x, y)| x != y),
            "one of the two in each column"
        );
        assert!(a.iter().filter(|&&x| x).count() > 80);
        assert!(b.iter().filter(|&&x| x).count() > 80);
    }

    #[test]
    fn crossing_lines_keep_their_order() {
        let rising: Vec<(f64, f64)> = (0..=200).map(|x| (f64::from(x), f64::from(x))).collect();
        let falling: Vec<(f64, f64)> = (0..=200)
            .map(|x| (f64::from(x), 200.0 - f64::from(x)))
            .collect();
        let layout = Layout::of(&[rising, falling], 201, 2.5);
        assert!(layout.slots(0).is_none() && layout.slots(1).is_none());
    }
}
