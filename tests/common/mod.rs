//! Shared helpers for integration tests: the shipped scenarios, running the real
//! `sim` binary, and temporary output folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shipped scenario file by stem, e.g. `scenario("combo")`.
pub fn scenario(stem: &str) -> PathBuf {
    root().join("scenarios").join(format!("{stem}.toml"))
}

/// Every shipped scenario, sorted.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/ exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

/// The `sim` binary, run from the repository root.
pub fn sim() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("sim").expect("sim binary builds");
    cmd.current_dir(root());
    cmd
}

/// Load and simulate a shipped scenario through the library.
pub fn simulate(stem: &str) -> hairsim::simulation::SimulationResult {
    let sc = hairsim::scenario::load(&scenario(stem)).expect("shipped scenario is valid");
    hairsim::simulation::simulate(&sc).expect("shipped scenario simulates")
}

/// One arm of a result by name.
pub fn arm<'a>(
    r: &'a hairsim::simulation::SimulationResult,
    name: &str,
) -> &'a hairsim::simulation::ArmResult {
    r.arms
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("arm {name} exists"))
}

/// Files in a folder, sorted by name.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("output dir exists")
        .map(|e| e.expect("dir entry").path())
        .collect();
    v.sort();
    v
}

/// The `aga_moderate` profile at its untreated steady state, put on
/// finasteride 1 mg/day and minoxidil 5 %: a transient over months, with the
/// default (effect-compartment) model.
pub fn treated_model() -> (hairsim::model::HairModel, hairsim::model::State) {
    let profile = hairsim::profile::PROFILES
        .iter()
        .find(|p| p.name == "aga_moderate")
        .expect("profile exists");
    let params = profile.parameters().expect("valid profile");
    let mut model = hairsim::model::HairModel::untreated(params);
    model.inputs.finasteride_mg_per_day = 1.0;
    model.inputs.minoxidil_percent = 5.0;
    let y0 = hairsim::steady_state::steady_state(&params, profile.terminal_fraction_start);
    (model, y0)
}
