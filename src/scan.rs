//! A one-parameter scan: the endpoint of every arm as one parameter moves over
//! a range, the rest held at the scenario's values.

use crate::population::Varied;
use crate::scenario::Scenario;
use crate::simulation::{simulate_arm, SimError};
use rayon::prelude::*;
use serde::Serialize;

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

/// `steps` evenly spaced values from `lo` to `hi` inclusive.
pub fn values(lo: f64, hi: f64, steps: u32) -> Vec<f64> {
    let n = steps.max(2);
    (0..n)
        .map(|i| lo + (hi - lo) * f64::from(i) / f64::from(n - 1))
        .collect()
}

/// Scan `varied` over `values` (already checked to be valid values).
pub fn scan(
    scenario: &Scenario,
    varied: Varied,
    values: &[f64],
    t_days: f64,
) -> Result<ScanResult, SimError> {
    let unit = match varied {
        Varied::Parameter(p) => p.unit,
        Varied::TerminalFractionStart => "fraction of follicles",
    };
    let arms = scenario
        .arms
        .iter()
        .map(|arm| {
            let changes = values
                .par_iter()
                .map(|&v| {
                    let mut a = arm.clone();
                    match varied {
                        Varied::Parameter(p) => {
                            let _ = a.patient.params.set(p.name, v);
                        }
                        Varied::TerminalFractionStart => {
                            a.patient.terminal_fraction_start = Some(v)
                        }
                    }
                    let r = simulate_arm(&a, t_days, &[0.0, t_days], &scenario.solver)?;
                    let rows = &r.trajectory.rows;
                    Ok(match (rows.first(), rows.last()) {
                        (Some(s), Some(e)) => 100.0 * (e.hair_count / s.hair_count - 1.0),
                        _ => f64::NAN,
                    })
                })
                .collect::<Result<Vec<f64>, SimError>>()?;
            Ok((arm.name.clone(), changes))
        })
        .collect::<Result<Vec<_>, SimError>>()?;
    Ok(ScanResult {
        scenario: scenario.name.clone(),
        parameter: varied.name(),
        unit,
        endpoint_days: t_days,
        values: values.to_vec(),
        arms,
    })
}
