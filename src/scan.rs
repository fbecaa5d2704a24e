//! A one-parameter scan: the endpoint of every arm as one parameter moves over
//! a range, the rest held at the scenario's values ([`scan`], `sim scan`), or
//! every arm's whole hair-count curve at each value ([`curves`], the report's
//! what-if slider).

use crate::params::ParamError;
use crate::population::{Varied, VariedError};
use crate::scenario::{Arm, Scenario};
use crate::simulation::{simulate_arm, SimError};
use rayon::prelude::*;
use serde::Serialize;
use std::str::FromStr;

/// Fewest values a scan visits (its two ends).
pub const MIN_STEPS: u32 = 2;
/// Most values a scan visits.
pub const MAX_STEPS: u32 = 1000;
/// Values a scan visits unless told otherwise.
pub const DEFAULT_STEPS: u32 = 21;

/// The scan of one parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanResult {
    /// Scenario name.
    pub scenario: String,
    /// Parameter scanned.
    pub parameter: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// Endpoint time, days.
    pub endpoint_days: f64,
    /// The values scanned, ascending.
    pub values: Vec<f64>,
    /// Per arm: name and hair-count change from start at the endpoint, % (one per value).
    pub arms: Vec<(String, Vec<f64>)>,
}

/// The range of a scan, `LO..HI`: two finite numbers, LO below HI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanRange {
    /// Lower end, included.
    pub lo: f64,
    /// Upper end, included.
    pub hi: f64,
}

/// Why a range was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RangeError {
    /// Not `LO..HI` with two numbers.
    #[error("write the range as LO..HI with two numbers, e.g. 0.5..1.5 (got `{0}`)")]
    Syntax(String),
    /// LO is not below HI (or an end is not finite).
    #[error("LO must be a finite number below HI (got {lo}..{hi})")]
    Order {
        /// Lower end as given.
        lo: f64,
        /// Upper end as given.
        hi: f64,
    },
}

impl ScanRange {
    /// `lo..hi`, if both are finite and `lo < hi`.
    pub fn new(lo: f64, hi: f64) -> Result<Self, RangeError> {
        if lo.is_finite() && hi.is_finite() && lo < hi {
            Ok(ScanRange { lo, hi })
        } else {
            Err(RangeError::Order { lo, hi })
        }
    }

    /// `steps` evenly spaced values from `lo` to `hi`, both included (at least two).
    pub fn values(&self, steps: u32) -> Vec<f64> {
        let n = steps.max(MIN_STEPS);
        (0..n)
            .map(|i| self.lo + (self.hi - self.lo) * f64::from(i) / f64::from(n - 1))
            .collect()
    }
}

impl FromStr for ScanRange {
    type Err = RangeError;
    fn from_str(text: &str) -> Result<Self, RangeError> {
        let syntax = || RangeError::Syntax(text.to_string());
        let (a, b) = text.split_once("..").ok_or_else(syntax)?;
        let number = |s: &str| s.trim().parse::<f64>().map_err(|_| syntax());
        Self::new(number(a)?, number(b)?)
    }
}

/// Per arm of `scenario`, one copy for each of `values` with `varied` set to
/// it. Every value is checked here, before anything is simulated.
fn variants(
    scenario: &Scenario,
    varied: Varied,
    values: &[f64],
) -> Result<Vec<Vec<Arm>>, ParamError> {
    scenario
        .arms
        .iter()
        .map(|arm| {
            values
                .iter()
                .map(|&v| {
                    let mut a = arm.clone();
                    varied.apply(&mut a.patient, v)?;
                    Ok(a)
                })
                .collect::<Result<Vec<Arm>, ParamError>>()
        })
        .collect()
}

/// Every arm's hair count at each value of a scanned quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveScan {
    /// Quantity scanned.
    pub parameter: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// The values scanned, ascending.
    pub values: Vec<f64>,
    /// Its value in the scenario itself (of the first arm).
    pub nominal: f64,
    /// Output times, days.
    pub times_days: Vec<f64>,
    /// Per arm, per value, per time: hair count, % of the arm's start.
    pub hair_count_pct: Vec<Vec<Vec<f64>>>,
}

/// Scan `varied` over `values`, keeping every arm's hair count (% of its
/// start) at `times` (which must start at 0). Every value is checked before
/// anything is simulated: [`VariedError::Value`] means nothing was.
pub fn curves(
    scenario: &Scenario,
    varied: Varied,
    values: &[f64],
    times: &[f64],
) -> Result<CurveScan, VariedError> {
    let variants = variants(scenario, varied, values)?;
    let end = times.last().copied().unwrap_or(0.0);
    let hair_count_pct = variants
        .par_iter()
        .map(|variants| {
            variants
                .par_iter()
                .map(|a| {
                    let r = simulate_arm(a, end, times, &scenario.solver)?;
                    let start = r.trajectory.rows.first().map_or(f64::NAN, |s| s.hair_count);
                    Ok(r.trajectory
                        .rows
                        .iter()
                        .map(|row| 100.0 * row.hair_count / start)
                        .collect())
                })
                .collect::<Result<Vec<Vec<f64>>, SimError>>()
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    Ok(CurveScan {
        parameter: varied.name(),
        unit: varied.unit(),
        values: values.to_vec(),
        nominal: scenario
            .arms
            .first()
            .map_or(f64::NAN, |a| varied.value_in(&a.patient)),
        times_days: times.to_vec(),
        hair_count_pct,
    })
}

/// Scan `varied` over `values` at `t_days`. Every value is checked before
/// anything is simulated: [`VariedError::Value`] means nothing was.
pub fn scan(
    scenario: &Scenario,
    varied: Varied,
    values: &[f64],
    t_days: f64,
) -> Result<ScanResult, VariedError> {
    let variants = variants(scenario, varied, values)?;
    let arms = scenario
        .arms
        .iter()
        .zip(&variants)
        .map(|(arm, variants)| {
            let changes = variants
                .par_iter()
                .map(|a| change_at(a, t_days, scenario))
                .collect::<Result<Vec<f64>, SimError>>()?;
            Ok((arm.name.clone(), changes))
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    Ok(ScanResult {
        scenario: scenario.name.clone(),
        parameter: varied.name(),
        unit: varied.unit(),
        endpoint_days: t_days,
        values: values.to_vec(),
        arms,
    })
}

/// The hair-count change of `arm` from its start to `t_days`, %.
fn change_at(arm: &Arm, t_days: f64, scenario: &Scenario) -> Result<f64, SimError> {
    let r = simulate_arm(arm, t_days, &[0.0, t_days], &scenario.solver)?;
    let rows = &r.trajectory.rows;
    Ok(match (rows.first(), rows.last()) {
        (Some(s), Some(e)) => 100.0 * (e.hair_count / s.hair_count - 1.0),
        _ => f64::NAN,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_reads_lo_and_hi() {
        assert_eq!("0.5..1.5".parse(), ScanRange::new(0.5, 1.5));
    }

    #[test]
    fn a_reversed_range_is_refused() {
        assert_eq!(
            "2..1".parse::<ScanRange>(),
            Err(RangeError::Order { lo: 2.0, hi: 1.0 })
        );
    }

    #[test]
    fn an_empty_range_is_refused() {
        assert!(ScanRange::new(1.0, 1.0).is_err());
    }

    #[test]
    fn an_infinite_end_is_refused() {
        assert!("0..inf".parse::<ScanRange>().is_err());
    }

    #[test]
    fn a_range_without_dots_is_refused() {
        let e = "abc".parse::<ScanRange>().unwrap_err();
        assert!(e.to_string().contains("(got `abc`)"), "{e}");
    }

    #[test]
    fn values_include_both_ends() {
        let v = ScanRange { lo: 1.0, hi: 2.0 }.values(5);
        assert_eq!(v.len(), 5);
        assert!((v[0] - 1.0).abs() < 1e-15 && (v[4] - 2.0).abs() < 1e-15);
    }
}
