//! `sim bench` end to end on a shipped scenario: the files it writes, their
//! label, the measurements, and failures reported rather than dropped.
//! Bench outputs contain timings, so no test compares their bytes.

mod common;
use common::{bench_cells, sim};
use std::fs;

#[test]
fn bench_writes_labelled_csv_json_and_charts() {
    let out = tempfile::tempdir().unwrap();
    let run = sim()
        .args([
            "bench",
            "scenarios/stiff_pk.toml",
            "--solvers",
            "dopri5,bdf",
            "--tolerances",
            "1e-4..1e-5",
            "--runs",
            "1",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("dopri5") && stdout.contains("bdf"),
        "{stdout}"
    );
    for name in [
        "bench.csv",
        "bench.json",
        "work_precision.svg",
        "work_precision.png",
        "evaluations.svg",
        "evaluations.png",
    ] {
        assert!(out.path().join(name).exists(), "{name} written");
    }
    let csv = fs::read_to_string(out.path().join("bench.csv")).unwrap();
    assert!(csv.starts_with("# Illustrative model — not clinical guidance"));
    assert_eq!(
        csv.lines().count(),
        2 + 4,
        "header, columns, 2 methods × 2 tolerances"
    );
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("bench.json")).unwrap()).unwrap();
    assert!(json["disclaimer"]
        .as_str()
        .unwrap()
        .contains("not clinical guidance"));
    let ms = json["measurements"].as_array().unwrap();
    assert_eq!(ms.len(), 4);
    for m in ms {
        assert_eq!(m["status"], "ok", "{m}");
        let err = m["errors"]["grid_l2"].as_f64().unwrap();
        assert!(err > 0.0 && err < 1e-2, "{m}");
        assert!(m["timing"]["median_s"].as_f64().unwrap() > 0.0);
        assert!(m["work"]["rhs_evaluations"].as_u64().unwrap() > 0);
    }
    let bdf = ms.iter().find(|m| m["method"] == "bdf").unwrap();
    assert!(bdf["work"]["jacobian_evaluations"].as_u64().unwrap() > 0);
    for chart in ["work_precision.svg", "evaluations.svg"] {
        let svg = fs::read_to_string(out.path().join(chart)).unwrap();
        assert!(svg.contains("not clinical guidance"), "{chart} labelled");
        assert!(svg.contains("diffsol"), "{chart} footer names versions");
    }
}

#[test]
fn failed_runs_are_reported_not_dropped() {
    let out = tempfile::tempdir().unwrap();
    let ms = bench_cells(
        "scenarios/stiff_pk.toml",
        &[
            "--solvers",
            "rk4,bdf",
            "--tolerances",
            "1e-4",
            "--runs",
            "1",
            "--max-steps",
            "50",
        ],
        out.path(),
    );
    assert_eq!(ms.len(), 2, "both cells are reported");
    let rk4 = ms.iter().find(|m| m["method"] == "rk4").unwrap();
    assert_eq!(rk4["status"], "failed");
    assert!(rk4["failure"].as_str().unwrap().contains("steps"), "{rk4}");
    assert!(rk4["errors"].is_null() && rk4["timing"].is_null());
    let csv = fs::read_to_string(out.path().join("bench.csv")).unwrap();
    assert!(csv
        .lines()
        .any(|l| l.starts_with("rk4,") && l.contains(",failed,")));
}

/// A failed cell keeps the work it did before failing, and says why in
/// terms of the method: `dopri5` out of its step budget part-way through the
/// second arm, `rk4` blown up by a fixed step far longer than the hours of
/// the explicit plasma kinetics (its message points to `rk4_step` and
/// `auto`, not only to parameter overrides).
#[test]
fn failed_runs_report_the_work_done_before_failing() {
    let out = tempfile::tempdir().unwrap();
    let bench = |solvers: &str, extra: &[&str]| -> serde_json::Value {
        let run = sim()
            .args(["bench", "scenarios/stiff_pk.toml", "--solvers", solvers])
            .args(["--tolerances", "1e-4", "--runs", "1", "--json"])
            .args(extra)
            .arg("--out")
            .arg(out.path())
            .assert()
            .success();
        let json: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
        json["measurements"][0].clone()
    };
    let steps = |m: &serde_json::Value| {
        m["work"]["accepted_steps"].as_u64().unwrap()
            + m["work"]["rejected_steps"].as_u64().unwrap()
    };

    let dopri5 = bench("dopri5", &["--max-steps", "50"]);
    assert_eq!(dopri5["status"], "failed", "{dopri5}");
    assert!(
        dopri5["failure"]
            .as_str()
            .unwrap()
            .contains("more than 50 steps"),
        "{dopri5}"
    );
    // The failing arm used its whole budget of 50, after the arms before it.
    assert!(steps(&dopri5) >= 50, "{dopri5}");
    assert!(
        dopri5["work"]["rhs_evaluations"].as_u64().unwrap() >= 6 * 50,
        "{dopri5}"
    );

    let rk4 = bench("rk4", &[]);
    assert_eq!(rk4["status"], "failed", "{rk4}");
    let why = rk4["failure"].as_str().unwrap();
    // The first bad output row, well before the segment's end (1095.75).
    assert!(
        why.contains("a state became NaN or infinite at day"),
        "{why}"
    );
    assert!(!why.contains("1095.750"), "{why}");
    assert!(
        why.contains("rk4_step") && why.contains("--solver auto"),
        "{why}"
    );
    assert!(steps(&rk4) > 0, "{rk4}");
    assert!(
        rk4["work"]["rhs_evaluations"].as_u64().unwrap() >= 4 * steps(&rk4),
        "{rk4}"
    );
    let csv = fs::read_to_string(out.path().join("bench.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("rk4,")).unwrap();
    let evals: u64 = row.split(',').nth(12).unwrap().parse().unwrap();
    assert!(evals > 0, "the CSV row carries the work too: {row}");
}

#[test]
fn bad_bench_arguments_are_usage_errors() {
    sim()
        .args(["bench", "scenarios/stiff_pk.toml", "--solvers", "bfd"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `bdf`"));
    sim()
        .args([
            "bench",
            "scenarios/stiff_pk.toml",
            "--tolerances",
            "2..1e-3",
        ])
        .assert()
        .code(2);
}

/// With no `--solvers`, the study measures every method, the default `auto`
/// first, and its work says how it switched.
#[test]
fn the_default_study_measures_auto_first_with_its_switches() {
    let out = tempfile::tempdir().unwrap();
    let cells = bench_cells(
        "scenarios/stiff_pk.toml",
        &["--tolerances", "1e-4", "--runs", "1"],
        out.path(),
    );
    assert_eq!(cells.len(), hairsim::solve::Method::ALL.len());
    let auto = &cells[0];
    assert_eq!(auto["method"], "auto");
    assert_eq!(auto["status"], "ok", "{auto}");
    assert!(
        auto["work"]["auto"]["switches"].as_u64().unwrap() >= 1,
        "{auto}"
    );
    assert!(
        auto["work"]["auto"]["rodas4_steps"].as_u64().unwrap() > 0,
        "{auto}"
    );
}
