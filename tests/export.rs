//! Issue 4: the SBML and Python exports compute what `sim run` computes.
//!
//! For every shipped scenario and every arm, the real binary exports the arm as
//! SBML (`sim export sbml`) and as a Python module (`sim export python`); then
//! one Python process per scenario (tests/python/check_exports.py) checks
//! (a) python-libsbml's `checkConsistency()`: zero errors (warnings are counted
//! and printed: unit-consistency warnings are acceptable);
//! (b) libroadrunner (CVODE, rtol 1e-10, atol 1e-13; see `roadrunner_settings` for its one retry) on the SBML and
//! (c) the module's `simulate` (scipy `solve_ivp` LSODA, rtol 1e-10, atol 1e-12)
//! against `sim run`'s timeseries.csv (ode_solvers_dop853, rtol 1e-12, atol 1e-14): every
//! column, every output row, within [`MATCH`] relative (the floor for columns
//! that decay to zero is explained in check_exports.py).
//!
//! The Python packages come from python/requirements.txt through
//! tools/python-env, called once per test binary. If they cannot be installed
//! the tests FAIL with the installer's message: they are never skipped.
//! Run with `cargo test --release --test export -- --nocapture` to see the
//! per-scenario report (worst errors, warning counts).

mod common;

use common::{python, root, shipped_scenarios, sim};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Largest accepted error of a peer against `sim run`'s CSV (issue 4).
const MATCH: f64 = 1e-5;

/// libroadrunner's CVODE settings. Long after a stop in `stiff_pk`'s
/// "finasteride stopped" the plasma and effect states decay to 1e-300 and
/// below, where round-off takes them under 0 and the model's `max(x, 0)` has a
/// kink; there CVODE's high-order BDF may stop (CV_ILL_INPUT, "initial ewt has
/// component(s) equal to zero", CV_CONV_FAILURE or CV_TOO_MUCH_ACC) at any
/// absolute tolerance from 1e-12 to 1e-15, and which one survives changes
/// with every change to the model (each has failed on one version and passed
/// on another). BDF limited to order 2 passes at all of them, so on those
/// errors only the arm is run again that way; the report names the retry, and
/// the match against `sim` is as strict.
fn roadrunner_settings() -> Value {
    serde_json::json!({"rtol": 1e-10, "atol": 1e-13, "retries": [{"maximum_bdf_order": 2}]})
}

/// scipy settings for the module's `simulate`. LSODA, not the module's default
/// DOP853: scipy's DOP853 steps up to 25 days at the stability limit of the
/// fast DHT and exposure modes (h·λ ≈ 11), and its dense output *between*
/// those steps is off by up to 8e-6 relative at rtol 1e-10 (1e-7 at 1e-12),
/// although the step ends are accurate: an interpolation artefact, not an
/// export error. LSODA at rtol 1e-10 matches within 3e-9 everywhere.
fn scipy_settings() -> Value {
    serde_json::json!({"method": "LSODA", "rtol": 1e-10, "atol": 1e-12})
}

fn checker() -> PathBuf {
    root().join("tests").join("python").join("check_exports.py")
}

/// Run check_exports.py on a manifest; its JSON report.
fn check(manifest: &Value, dir: &Path) -> Value {
    let path = dir.join("manifest.json");
    std::fs::write(&path, manifest.to_string()).expect("write manifest");
    let out = Command::new(python())
        .arg(checker())
        .arg(&path)
        .output()
        .expect("run check_exports.py");
    assert!(
        out.status.success(),
        "check_exports.py failed on {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check_exports.py printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn num(v: &Value) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("expected a number, got {v}"))
}

/// `peer`'s worst error in one arm's report, with where it happened.
fn worst(arm: &Value, peer: &str) -> (f64, String) {
    let w = &arm[peer]["worst"];
    (
        num(&w["error"]),
        format!(
            "{} at day {} ({} vs sim {})",
            w["column"].as_str().unwrap_or("?"),
            w["time_days"],
            w["got"],
            w["want"]
        ),
    )
}

/// `sim run` at tight tolerances; the path of its timeseries.csv.
///
/// timeseries.csv holds the nominal patient only, so for a scenario with a
/// `[population]` (cohort.toml) a copy with `size = 1` is run: the same CSV
/// without 1,000 virtual patients at rtol 1e-12 (≈ 10 s).
fn reference_csv(scenario: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("run");
    let text = std::fs::read_to_string(scenario).expect("read scenario");
    let run_this = if text.contains("[population]") {
        let small: Vec<String> = text
            .lines()
            .map(|l| match l.trim_start().starts_with("size =") {
                true => "size = 1".to_string(),
                false => l.to_string(),
            })
            .collect();
        let copy = dir.join(scenario.file_name().expect("file name"));
        std::fs::write(&copy, small.join("\n")).expect("write scenario copy");
        copy
    } else {
        scenario.to_path_buf()
    };
    sim()
        .arg("run")
        .arg(&run_this)
        .args([
            "--solver",
            "ode_solvers_dop853",
            "--rtol",
            "1e-12",
            "--atol",
            "1e-14",
        ])
        .args(["--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success();
    out.join("timeseries.csv")
}

/// Arm names in the order of the CSV (the scenario's order).
fn arms_of(csv: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(csv).expect("read timeseries.csv");
    let mut reader_lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = reader_lines.next().expect("CSV header");
    assert!(header.starts_with("arm,time_days,"), "{header}");
    let mut arms: Vec<String> = Vec::new();
    for line in reader_lines {
        // Arm names may be quoted (RFC 4180); none of the shipped ones holds a comma.
        let name = line.rsplitn(header.split(',').count(), ',').last().unwrap();
        let name = name.trim_matches('"').to_string();
        if arms.last() != Some(&name) {
            arms.push(name);
        }
    }
    arms
}

/// Export one arm in both formats into `dir`; (sbml, module) paths.
fn export(scenario: &Path, arm: &str, k: usize, dir: &Path) -> (PathBuf, PathBuf) {
    let sbml = dir.join(format!("arm{k}.xml"));
    let module = dir.join(format!("arm{k}.py"));
    for (format, file) in [("sbml", &sbml), ("python", &module)] {
        sim()
            .args(["export", format])
            .arg(scenario)
            .args(["--arm", arm, "-o"])
            .arg(file)
            .assert()
            .success();
        assert!(
            file.exists(),
            "sim export {format} wrote no {}",
            file.display()
        );
    }
    (sbml, module)
}

/// Everything one scenario needs, checked in one Python process.
struct ScenarioCheck {
    name: String,
    report: Value,
    seconds: f64,
}

fn check_scenario(scenario: &Path) -> ScenarioCheck {
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = reference_csv(scenario, dir.path());
    let arms = arms_of(&csv);
    assert!(
        !arms.is_empty(),
        "{}: no arms in the CSV",
        scenario.display()
    );
    let entries: Vec<Value> = arms
        .iter()
        .enumerate()
        .map(|(k, arm)| {
            let (sbml, module) = export(scenario, arm, k, dir.path());
            serde_json::json!({"name": arm, "sbml": sbml, "module": module})
        })
        .collect();
    let manifest = serde_json::json!({
        "csv": csv,
        "arms": entries,
        "roadrunner": roadrunner_settings(),
        "scipy": scipy_settings(),
    });
    let report = check(&manifest, dir.path());
    ScenarioCheck {
        name: scenario.file_stem().unwrap().to_string_lossy().into_owned(),
        report,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// What is wrong with one scenario's report (empty: all good); prints its summary.
fn judge(c: &ScenarioCheck) -> Vec<String> {
    let mut problems = Vec::new();
    let arms = c.report["arms"].as_array().expect("arms");
    let (mut errors, mut warnings) = (0, 0);
    let mut categories = std::collections::BTreeMap::<String, u64>::new();
    let mut worst_rr = (0.0, String::new());
    let mut worst_py = (0.0, String::new());
    let mut nfev = 0;
    for arm in arms {
        let name = arm["name"].as_str().unwrap_or("?");
        if let Some(f) = arm.get("failure") {
            problems.push(format!("{} / {name}: {f}", c.name));
            continue;
        }
        let sbml = &arm["sbml"];
        let e = sbml["errors"].as_u64().unwrap_or(u64::MAX);
        errors += e;
        warnings += sbml["warnings"].as_u64().unwrap_or(0);
        for (cat, n) in sbml["warnings_by_category"]
            .as_object()
            .into_iter()
            .flatten()
        {
            *categories.entry(cat.clone()).or_default() += n.as_u64().unwrap_or(0);
        }
        if e > 0 {
            problems.push(format!(
                "{} / {name}: libsbml reports {e} consistency error(s): {}",
                c.name, sbml["messages"]
            ));
        }
        if sbml["level_version"] != serde_json::json!([3, 2]) {
            problems.push(format!(
                "{} / {name}: SBML level/version {} (want L3V2)",
                c.name, sbml["level_version"]
            ));
        }
        for (peer, w) in [("roadrunner", &mut worst_rr), ("scipy", &mut worst_py)] {
            let (err, at) = worst(arm, peer);
            if err > MATCH || err.is_nan() {
                problems.push(format!(
                    "{} / {name}: {peer} differs from sim run by {err:.2e} relative: {at}",
                    c.name
                ));
            }
            if err > w.0 || w.1.is_empty() {
                *w = (err, format!("{name}: {at}"));
            }
        }
        if arm["scipy"]["labelled"] != Value::Bool(true) {
            problems.push(format!(
                "{} / {name}: the module's docstring lacks the non-clinical label",
                c.name
            ));
        }
        nfev += arm["scipy"]["nfev"].as_u64().unwrap_or(0);
    }
    println!(
        "{:<16} {} arms, {:.1} s: libsbml {errors} errors, {warnings} warnings {:?}",
        c.name,
        arms.len(),
        c.seconds,
        categories
    );
    println!("    worst roadrunner {:.2e}  ({})", worst_rr.0, worst_rr.1);
    println!(
        "    worst scipy      {:.2e}  ({}; {nfev} RHS evaluations)",
        worst_py.0, worst_py.1
    );
    problems
}

#[test]
fn every_shipped_scenario_arm_exports_faithfully() {
    python();
    let scenarios = shipped_scenarios();
    // Two workers (the machine has two cores): each scenario is one `sim run`,
    // two exports per arm and one Python process.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<ScenarioCheck> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(sc) = scenarios.get(i) else { break };
                        done.push(check_scenario(sc));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    results.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(results.len(), scenarios.len());
    println!(
        "export check, tolerance {MATCH:e} relative ({} scenarios)",
        results.len()
    );
    let problems: Vec<String> = results.iter().flat_map(judge).collect();
    if let Some(r) = results.first() {
        println!("versions: {}", r.report["versions"]);
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Negative control on a real export: a 0.1% change in one parameter, in the
/// module's `p` and in the SBML, must be caught by the same comparison.
#[test]
fn a_perturbed_parameter_is_caught() {
    python();
    let scenario = common::scenario("combo");
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = reference_csv(&scenario, dir.path());
    let (sbml, module) = export(&scenario, "finasteride", 0, dir.path());
    let arm = serde_json::json!({"name": "finasteride", "sbml": sbml, "module": module});
    let honest = check(
        &serde_json::json!({"csv": csv, "arms": [arm], "checks": ["roadrunner", "scipy"],
            "roadrunner": roadrunner_settings(), "scipy": scipy_settings()}),
        dir.path(),
    );
    let perturbed = check(
        &serde_json::json!({
            "csv": csv, "arms": [arm], "checks": ["roadrunner", "scipy"],
            "roadrunner": roadrunner_settings(), "scipy": scipy_settings(),
            "perturb": {"parameter": "anagen_days", "factor": 1.001},
        }),
        dir.path(),
    );
    for peer in ["roadrunner", "scipy"] {
        let (good, _) = worst(&honest["arms"][0], peer);
        let (bad, at) = worst(&perturbed["arms"][0], peer);
        println!("{peer}: honest {good:.2e}, anagen_days × 1.001: {bad:.2e} ({at})");
        assert!(
            good <= MATCH,
            "{peer}: the honest export differs by {good:e}"
        );
        assert!(
            bad > 10.0 * MATCH,
            "{peer}: a 0.1% change of anagen_days went unnoticed ({bad:e})"
        );
    }
}

/// The hand-written fixture of the export contract (tests/python/fixtures):
/// it needs no exporter, so it checks the Python environment, the checker and
/// libroadrunner's behaviour on its own. toy.csv holds the closed-form growth
/// factor, with sessions at days 20 and 40 that are also output times; the
/// CSV rows there are post-session, so a match proves that libroadrunner
/// reports post-event values at an output time equal to an event time, as
/// sim's CSV does.
#[test]
fn hand_written_fixture_matches_and_roadrunner_reports_post_event_rows() {
    let fixtures = root().join("tests").join("python").join("fixtures");
    let dir = tempfile::tempdir().expect("temp dir");
    let arm = serde_json::json!({
        "name": "toy",
        "sbml": fixtures.join("toy.xml"),
        "module": fixtures.join("toy_module.py"),
    });
    let csv = fixtures.join("toy.csv");
    let report = check(&serde_json::json!({"csv": csv, "arms": [arm]}), dir.path());
    let a = &report["arms"][0];
    assert!(a.get("failure").is_none(), "{}", a["failure"]);
    assert_eq!(a["sbml"]["errors"], 0, "{}", a["sbml"]["messages"]);
    for peer in ["roadrunner", "scipy"] {
        let (err, at) = worst(a, peer);
        assert!(err < 1e-7, "{peer}: {err:e} at {at}");
    }
    // Pre-event values at days 20 and 40 would be off by 1 / 1.52 and 1 / 1.78.
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.contains("toy,20,1.51685133449"),
        "fixture holds post-event rows"
    );

    let perturbed = check(
        &serde_json::json!({"csv": csv, "arms": [arm],
            "perturb": {"parameter": "k_gf", "factor": 1.001}}),
        dir.path(),
    );
    for peer in ["roadrunner", "scipy"] {
        let (err, _) = worst(&perturbed["arms"][0], peer);
        assert!(
            err > 10.0 * MATCH,
            "{peer}: k_gf × 1.001 went unnoticed ({err:e})"
        );
    }
}
