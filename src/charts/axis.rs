//! Axes: tick positions and labels chosen for people (round months, 1–2–2.5–5
//! steps), and the plotters coordinate that puts grid lines exactly there.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

use crate::i18n::{Key, Lang};

/// Days per average month: the time axis is in months.
pub(super) const DAYS_PER_MONTH: f64 = 30.4375;

/// A linear f64 coordinate whose grid lines and labels sit exactly at given ticks.
#[derive(Debug, Clone)]
pub(super) struct TickRange {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl TickRange {
    pub(super) fn of(axis: &Axis) -> TickRange {
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

/// One axis: its range, tick positions and tick labels.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    /// Tick labels, one per tick.
    pub labels: Vec<String>,
    /// A time axis (positions in months) labelled in years.
    pub years: bool,
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
        Axis::with_ticks(lo, hi, ticks, labels)
    }

    /// An axis with the given ticks and labels (one label per tick).
    pub fn with_ticks(lo: f64, hi: f64, ticks: Vec<f64>, labels: Vec<String>) -> Axis {
        Axis {
            lo,
            hi,
            ticks,
            labels,
            years: false,
        }
    }

    /// A category axis: one slot of width 1 per label, ticks at slot centres.
    pub fn categories(labels: Vec<String>) -> Axis {
        let n = labels.len().max(1);
        let ticks = (0..labels.len()).map(|i| i as f64 + 0.5).collect();
        Axis::with_ticks(0.0, n as f64, ticks, labels)
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

/// A value axis for a quantity that cannot be negative, from 0 to a little
/// above the largest value (`headroom` × it), or 0–1 when every value is 0.
/// Values below 0 beyond rounding noise (which only a model fault could give)
/// still widen the axis, so nothing is hidden.
pub(super) fn non_negative_axis(
    values: impl IntoIterator<Item = f64>,
    headroom: f64,
    target: f64,
) -> Axis {
    let (lo, hi) = extent(values, &[0.0]);
    let noise = 1e-6 * hi.abs().max(1e-300);
    let lo = if lo >= -noise { 0.0 } else { lo };
    let hi = if hi > 0.0 { hi * headroom } else { 1.0 };
    value_axis(lo, hi, target)
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

/// Longest span, in months, labelled in months; longer runs are read in years.
const LONGEST_IN_MONTHS: f64 = 72.0;

/// The time axis over `first..last` days, with round ticks and at most
/// `max_intervals` intervals between ticks (fewer for narrow panels). Positions
/// are always in months; runs longer than six years are labelled in years
/// (ticks on whole years), where 240 months would be hard to read.
pub(super) fn time_axis(first_days: f64, last_days: f64, max_intervals: usize) -> Axis {
    let (a, b) = if first_days.is_finite() && last_days.is_finite() && first_days <= last_days {
        (first_days / DAYS_PER_MONTH, last_days / DAYS_PER_MONTH)
    } else {
        (0.0, 1.0)
    };
    let b = if b - a < 1e-6 { a + 1.0 } else { b };
    let span = b - a;
    let years = span > LONGEST_IN_MONTHS;
    const MONTH_STEPS: [f64; 12] = [
        0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 60.0, 120.0, 240.0, 600.0,
    ];
    const YEAR_STEPS: [f64; 9] = [
        12.0, 24.0, 60.0, 120.0, 240.0, 600.0, 1200.0, 2400.0, 6000.0,
    ];
    let steps: &[f64] = if years { &YEAR_STEPS } else { &MONTH_STEPS };
    let step = steps
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
    let mut axis = Axis::stepped(a, b, step, decimals_for(step));
    if years {
        let decimals = decimals_for(step / 12.0);
        axis.labels = axis
            .ticks
            .iter()
            .map(|t| minus(format!("{:.decimals$}", t / 12.0)))
            .collect();
        axis.years = true;
    }
    axis
}

/// The title of a time axis made by [`time_axis`]: months or years.
pub(super) fn time_title(axis: &Axis, lang: Lang) -> &'static str {
    lang.get(if axis.years {
        Key::AxisTimeYears
    } else {
        Key::AxisTimeMonths
    })
}
