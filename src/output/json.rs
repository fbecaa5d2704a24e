//! `summary.json`: the disclaimer, scenario, version, solver work per arm, and
//! each arm's endpoints.

use crate::endpoints::{self, Endpoint};
use crate::label;
use crate::simulation::SimulationResult;
use crate::solve::{SolveStats, SolverSettings};
use serde::Serialize;

#[derive(Serialize)]
struct Summary<'a> {
    disclaimer: &'static str,
    scenario: &'a str,
    description: &'a str,
    version: &'static str,
    duration_days: f64,
    solver: SolverSummary<'a>,
    arms: Vec<ArmSummary<'a>>,
}

#[derive(Serialize)]
struct SolverSummary<'a> {
    #[serde(flatten)]
    settings: &'a SolverSettings,
    per_arm: Vec<ArmStats<'a>>,
}

#[derive(Serialize)]
struct ArmStats<'a> {
    arm: &'a str,
    #[serde(flatten)]
    stats: &'a SolveStats,
}

#[derive(Serialize)]
struct ArmSummary<'a> {
    name: &'a str,
    treatments: Vec<&'a str>,
    treatment_labels: Vec<&'a str>,
    endpoints: Vec<Endpoint>,
}

/// The JSON text (pretty-printed, stable key order, trailing newline).
pub fn summary(result: &SimulationResult) -> Result<String, serde_json::Error> {
    let endpoints = endpoints::compute(result);
    let summary = Summary {
        disclaimer: label::DISCLAIMER,
        scenario: &result.scenario,
        description: &result.description,
        version: label::VERSION,
        duration_days: result.duration_days,
        solver: SolverSummary {
            settings: &result.solver,
            per_arm: result
                .arms
                .iter()
                .map(|a| ArmStats {
                    arm: &a.name,
                    stats: &a.stats,
                })
                .collect(),
        },
        arms: result
            .arms
            .iter()
            .zip(endpoints)
            .map(|(a, endpoints)| ArmSummary {
                name: &a.name,
                treatments: a.treatments.iter().map(|t| t.kind.as_str()).collect(),
                treatment_labels: a.treatments.iter().map(|t| t.label.as_str()).collect(),
                endpoints,
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&summary)?;
    s.push('\n');
    Ok(s)
}
