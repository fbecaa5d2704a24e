//! Endpoint summaries: the hair count of each arm at the chosen times, against
//! its own start and against the arm named `untreated`, and the follicles it
//! has lost for good by then.
//!
//! Shared by `summary.json` and the endpoint bar chart so both show the same numbers.

use crate::simulation::SimulationResult;

/// Name of the arm that `change_vs_untreated_pct` compares against.
pub const UNTREATED_ARM: &str = "untreated";

/// One arm at one endpoint time.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Endpoint {
    /// Endpoint time, days since the start.
    pub time_days: f64,
    /// Terminal hair count on the whole scalp.
    pub hair_count: f64,
    /// Change against this arm's own start, %.
    pub hair_count_change_pct: f64,
    /// Change against the `untreated` arm at the same time, %; absent without such an arm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_vs_untreated_pct: Option<f64>,
    /// Follicles lost for good since the start (their niche was lost and they
    /// dropped out), on the whole scalp.
    pub follicles_lost: f64,
}

/// Endpoints of every arm, in arm order; each inner list follows `result.endpoint_times_days`.
///
/// Endpoint times outside the simulated span are skipped (validation already
/// rejects them for scenario files).
pub fn compute(result: &SimulationResult) -> Vec<Vec<Endpoint>> {
    let untreated = result.arms.iter().find(|a| a.name == UNTREATED_ARM);
    result
        .arms
        .iter()
        .map(|arm| {
            let first = arm.trajectory.rows.first();
            let start = first.map(|r| r.hair_count);
            let present_at_start = first.map_or(0.0, |r| r.follicles_present);
            result
                .endpoint_times_days
                .iter()
                .filter_map(|&t| {
                    let now = arm.trajectory.at(t)?;
                    let start = start?;
                    let vs = untreated
                        .and_then(|u| u.trajectory.at(t))
                        .map(|u| 100.0 * (now.hair_count / u.hair_count - 1.0));
                    Some(Endpoint {
                        time_days: t,
                        hair_count: now.hair_count,
                        hair_count_change_pct: 100.0 * (now.hair_count / start - 1.0),
                        change_vs_untreated_pct: vs,
                        follicles_lost: present_at_start - now.follicles_present,
                    })
                })
                .collect()
        })
        .collect()
}
