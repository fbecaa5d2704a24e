//! Percentile bands of a virtual cohort (5–95 % light, 25–75 % darker) drawn
//! under the median lines of the hair count and shedding charts.

use super::axis::DAYS_PER_MONTH;
use super::frame::Drawn;
use super::plot::{fill_between, Chart};
use super::style;
use crate::i18n::{Key, Lang};
use crate::population::{ArmPopulation, PopulationSummary};
use crate::simulation::SimulationResult;

/// Which banded quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Banded {
    /// Hair count, % of each patient's start.
    HairCountPct,
    /// Hairs shed per day.
    Shedding,
}

fn quantiles(arm: &ArmPopulation, which: Banded) -> &[[f64; 5]] {
    match which {
        Banded::HairCountPct => &arm.hair_count_pct,
        Banded::Shedding => &arm.shedding_per_day,
    }
}

/// Quantile `k` (0 = p5 … 4 = p95) of one arm as (months, value) points.
pub(super) fn series(arm: &ArmPopulation, which: Banded, k: usize) -> Vec<(f64, f64)> {
    arm.times_days
        .iter()
        .zip(quantiles(arm, which))
        .map(|(t, q)| (t / DAYS_PER_MONTH, q[k]))
        .collect()
}

/// The cohort's median per arm, or `None` without a cohort.
pub(super) fn medians(result: &SimulationResult, which: Banded) -> Option<Vec<Vec<(f64, f64)>>> {
    let pop = result.population.as_ref()?;
    Some(pop.arms.iter().map(|a| series(a, which, 2)).collect())
}

/// Every quantile value, for axis ranges.
pub(super) fn all_values(pop: &PopulationSummary, which: Banded) -> impl Iterator<Item = f64> + '_ {
    pop.arms
        .iter()
        .flat_map(move |a| quantiles(a, which).iter().flat_map(|q| q.iter().copied()))
}

/// Draw the 5–95 % and 25–75 % bands of every arm.
pub(super) fn draw(chart: &Chart, pop: &PopulationSummary, which: Banded) -> Drawn {
    for (i, arm) in pop.arms.iter().enumerate() {
        let colour = style::arm_style(i).colour;
        for ((lo, hi), opacity) in [((0, 4), 0.10), ((1, 3), 0.22)] {
            let upper = series(arm, which, hi);
            let lower = series(arm, which, lo);
            fill_between(chart, &upper, Some(&lower), colour, opacity)?;
        }
    }
    Ok(())
}

/// Subtitle naming the cohort, replacing a chart's single-patient subtitle.
pub(super) fn caption(what: &str, pop: &PopulationSummary, lang: Lang) -> String {
    lang.fill(
        Key::BandCaption,
        &[("what", what), ("size", &pop.size.to_string())],
    )
}
