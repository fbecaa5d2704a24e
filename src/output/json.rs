//! `summary.json`: the disclaimer, scenario, version, solver work per arm, and
//! each arm's endpoints; and `bench.json`, the work-precision study.

use crate::bench::BenchReport;
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
    #[serde(skip_serializing_if = "Option::is_none")]
    population: Option<PopulationJson<'a>>,
}

/// The cohort part of summary.json: responder rates and, at each endpoint, the
/// percentiles of the hair-count change across patients (bands are in
/// population.csv).
#[derive(Serialize)]
struct PopulationJson<'a> {
    size: u32,
    seed: u64,
    quantiles: [f64; 5],
    responder_threshold: f64,
    responder_time_days: f64,
    arms: Vec<PopulationArm<'a>>,
}

#[derive(Serialize)]
struct PopulationArm<'a> {
    name: &'a str,
    responders: u32,
    responder_rate: f64,
    endpoints: Vec<PopulationEndpoint>,
}

#[derive(Serialize)]
struct PopulationEndpoint {
    time_days: f64,
    hair_count_change_pct: [f64; 5],
}

fn population_json<'a>(result: &'a SimulationResult) -> Option<PopulationJson<'a>> {
    let pop = result.population.as_ref()?;
    let arms = pop
        .arms
        .iter()
        .map(|a| PopulationArm {
            name: &a.name,
            responders: a.responders,
            responder_rate: a.responder_rate,
            endpoints: result
                .endpoint_times_days
                .iter()
                .filter_map(|&t| {
                    let i = a.times_days.iter().position(|x| (x - t).abs() < 1e-6)?;
                    Some(PopulationEndpoint {
                        time_days: t,
                        hair_count_change_pct: a.hair_count_pct[i].map(|q| q - 100.0),
                    })
                })
                .collect(),
        })
        .collect();
    Some(PopulationJson {
        size: pop.size,
        seed: pop.seed,
        quantiles: pop.quantiles,
        responder_threshold: pop.responder_threshold,
        responder_time_days: pop.responder_time_days,
        arms,
    })
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
    /// Follicles lost for good over the whole run (whole scalp).
    follicles_lost: f64,
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
                follicles_lost: match (a.trajectory.rows.first(), a.trajectory.rows.last()) {
                    (Some(first), Some(last)) => first.follicles_present - last.follicles_present,
                    _ => 0.0,
                },
                endpoints,
            })
            .collect(),
        population: population_json(result),
    };
    pretty(&summary)
}

/// `bench.json`: the whole study, as [`BenchReport`] serializes.
pub fn bench(report: &BenchReport) -> Result<String, serde_json::Error> {
    pretty(report)
}

/// Pretty-printed, stable key order, trailing newline.
fn pretty(value: &impl Serialize) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}
