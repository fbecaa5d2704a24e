//! Shared helpers for integration tests: the shipped scenarios, running the real
//! `sim` binary, temporary output folders, and the Python of the export checks.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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

/// `sim run SCENARIO FLAGS… --out OUT`.
pub fn sim_run(
    scenario: impl AsRef<std::ffi::OsStr>,
    flags: &[&str],
    out: &Path,
) -> assert_cmd::Command {
    let mut cmd = sim();
    cmd.arg("run")
        .arg(scenario)
        .args(flags)
        .arg("--out")
        .arg(out);
    cmd
}

/// `sim run SCENARIO --format json`, which must succeed: its summary.json.
pub fn summary_json(scenario: impl AsRef<std::ffi::OsStr>) -> serde_json::Value {
    let out = tempfile::tempdir().expect("temporary directory");
    sim_run(scenario, &["--format", "json"], out.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(out.path().join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("summary.json parses")
}

/// `sim run …` (see [`sim_run`]) that must fail with exit code 1; its stderr.
pub fn run_fails(scenario: impl AsRef<std::ffi::OsStr>, flags: &[&str], out: &Path) -> String {
    let o = sim_run(scenario, flags, out).output().expect("sim runs");
    assert_eq!(o.status.code(), Some(1));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `sim bench SCENARIO ARGS… --json --out OUT`, which must succeed: its
/// measurements, one per (method, tolerance).
pub fn bench_cells(
    scenario: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    out: &Path,
) -> Vec<serde_json::Value> {
    let run = sim()
        .arg("bench")
        .arg(scenario)
        .args(args)
        .args(["--json", "--out"])
        .arg(out)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_slice(&run.get_output().stdout).expect("bench.json on stdout");
    json["measurements"]
        .as_array()
        .expect("a list of measurements")
        .clone()
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

/// What `tools/<script>` printed (a path), run once per test binary; a
/// failure panics with `why` and the script's message.
fn tool_path(script: &str, why: &str) -> PathBuf {
    let script = root().join("tools").join(script);
    let out = Command::new("bash")
        .arg(&script)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} failed, so {why} Its message:\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(
        path.exists(),
        "{} printed {}",
        script.display(),
        path.display()
    );
    path
}

/// The interpreter of target/python-venv, created on first use.
pub fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        tool_path(
            "python-env",
            "the Python checks of the exports cannot run. They need python-libsbml, \
             libroadrunner, scipy and numpy from python/requirements.txt (CPython 3.11 with \
             venv and pip, network to PyPI).",
        )
    })
}

/// Debian's Chromium for the report's browser tests, installed on first use
/// by tools/browser-env (which .ci/run also calls).
pub fn chromium() -> &'static Path {
    static CHROMIUM: OnceLock<PathBuf> = OnceLock::new();
    CHROMIUM.get_or_init(|| {
        tool_path(
            "browser-env",
            "the report cannot be checked in a browser. It needs Debian's `chromium` \
             package (apt-get as root or through sudo).",
        )
    })
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
