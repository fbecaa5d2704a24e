//! What the benches share: the shipped scenarios, and the
//! states of a real trajectory (the inputs of a right-hand-side micro-bench).

use hairsim::model::State;
use hairsim::scenario::{self, Arm, Scenario};
use hairsim::simulation::{integrate_arm, output_grid};
use hairsim::solve::SolveStats;
use std::path::Path;

/// `scenarios/<stem>.toml`, the file the tests use.
pub fn load(stem: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{stem}.toml"));
    match scenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("benches need scenarios/{stem}.toml: {e}"),
    }
}

/// The states of `arm`'s trajectory on the scenario's output grid, with the
/// scenario's solver settings.
#[allow(dead_code)] // benches/cohort.rs uses only `load`
pub fn trajectory_states(sc: &Scenario, arm: &Arm) -> Vec<State> {
    let grid = output_grid(sc.duration_days, sc.output_interval_days);
    let mut states = Vec::with_capacity(grid.len());
    let mut work = SolveStats::default();
    if let Err(e) = integrate_arm(
        arm,
        sc.duration_days,
        &grid,
        &sc.solver,
        &mut work,
        |_, _, y| states.push(*y),
    ) {
        panic!("arm `{}` solves: {e}", arm.name);
    }
    states
}
