//! End-to-end: the real `sim` binary on every shipped scenario, the label in
//! every output, byte-identical reruns, and exit codes.

mod common;
use common::{files_in, shipped_scenarios, sim, sim_run};
use predicates::prelude::*;
use std::fs;

const LABEL: &str = "Illustrative model — not clinical guidance";
const CHARTS: [&str; 6] = [
    "hair_count",
    "phases",
    "shedding",
    "signals",
    "endpoints",
    "summary",
];

#[test]
fn every_shipped_scenario_runs_and_labels_every_file() {
    let scenarios = shipped_scenarios();
    assert!(scenarios.len() >= 6, "ship at least six scenarios");
    for path in scenarios {
        let out = tempfile::tempdir().unwrap();
        sim_run(&path, &[], out.path())
            .assert()
            .success()
            .stderr(predicate::str::contains("NOT CLINICAL GUIDANCE"));
        let files = files_in(out.path());
        let names: Vec<String> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for c in CHARTS {
            assert!(
                names.contains(&format!("{c}.svg")) && names.contains(&format!("{c}.png")),
                "{}: {c} missing in {names:?}",
                path.display()
            );
        }
        for f in &files {
            let bytes = fs::read(f).unwrap();
            let name = f.file_name().unwrap().to_string_lossy();
            match f.extension().and_then(|e| e.to_str()) {
                Some("csv") => {
                    let text = String::from_utf8(bytes).unwrap();
                    assert!(text.starts_with(&format!("# {LABEL}")), "{name}");
                    let header = text.lines().find(|l| !l.starts_with('#')).unwrap();
                    assert!(name != "timeseries.csv" || header.starts_with("arm,time_days,anagen,catagen,telogen,kenogen,hair_count,hair_density_per_cm2,shedding_per_day,mean_diameter_um,terminal_vellus_ratio,dht,inflammation,growth_factor,stimulation"));
                }
                Some("json") => {
                    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    assert!(v["disclaimer"].as_str().unwrap().starts_with(LABEL));
                    assert!(
                        v["solver"]["per_arm"][0]["rhs_evaluations"]
                            .as_u64()
                            .unwrap()
                            > 0
                    );
                    assert!(v["arms"][0]["endpoints"][0]["hair_count"]
                        .as_f64()
                        .is_some());
                }
                Some("svg") => assert!(String::from_utf8(bytes).unwrap().contains(LABEL), "{name}"),
                Some("png") => {
                    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}");
                    assert!(
                        bytes.windows(LABEL.len()).any(|w| w == LABEL.as_bytes()),
                        "{name} carries the label in its metadata"
                    );
                }
                _ => panic!("unexpected output file {name}"),
            }
        }
        // Nothing half-written is left behind.
        assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
    }
}

#[test]
fn same_inputs_give_byte_identical_files() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for d in [&a, &b] {
        sim_run("scenarios/prp.toml", &[], d.path())
            .assert()
            .success();
    }
    let (fa, fb) = (files_in(a.path()), files_in(b.path()));
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(
            fs::read(x).unwrap(),
            fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
}

#[test]
fn format_and_solver_flags_choose_outputs_and_method() {
    let out = tempfile::tempdir().unwrap();
    let flags = ["--format", "csv,json", "--solver", "dop853"];
    sim_run("scenarios/finasteride.toml", &flags, out.path())
        .assert()
        .success();
    let names: Vec<_> = files_in(out.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["summary.json", "timeseries.csv"]);
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(v["solver"]["method"], "dop853");
}

#[test]
fn several_scenarios_go_to_one_folder_each() {
    let out = tempfile::tempdir().unwrap();
    sim()
        .args([
            "run",
            "scenarios/prp.toml",
            "scenarios/finasteride.toml",
            "--format",
            "json",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    assert!(out.path().join("prp/summary.json").exists());
    assert!(out.path().join("finasteride/summary.json").exists());
}

#[test]
fn check_list_model_and_completions() {
    sim()
        .args(["check", "scenarios/combo.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok:"));
    let list = sim().arg("list").assert().success();
    let text = String::from_utf8(list.get_output().stdout.clone()).unwrap();
    for s in [
        "baseline",
        "combo",
        "finasteride",
        "minoxidil",
        "prp",
        "stop_treatment",
    ] {
        assert!(text.contains(&format!("{s}.toml")), "{s} listed");
    }
    sim()
        .arg("model")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("anagen_days").and(predicate::str::contains("Wolfram 2003")),
        )
        .stderr(predicate::str::contains("NOT CLINICAL GUIDANCE"));
    sim()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("sim"));
}

#[test]
fn bad_input_exits_2_with_a_located_message() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "[scenario]\nname = \"x\"\nduratoin = \"1 year\"\n").unwrap();
    sim().arg("check").arg(&bad).assert().code(2).stderr(
        predicate::str::contains("bad.toml:3:1")
            .and(predicate::str::contains("did you mean `duration`")),
    );
    sim()
        .args(["run", "does/not/exist.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exist.toml"));
    sim()
        .args(["run", "scenarios/combo.toml", "--format", "pdf"])
        .assert()
        .code(2);
    sim()
        .args(["run", "scenarios/combo.toml", "--solver", "euler"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rk4"));
    sim().arg("frobnicate").assert().code(2);
    sim()
        .args(["check", "scenarios"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("directory"));
}

#[test]
fn a_failing_run_leaves_earlier_outputs_untouched_and_exits_1() {
    let out = tempfile::tempdir().unwrap();
    sim_run("scenarios/prp.toml", &["--format", "json"], out.path())
        .assert()
        .success();
    let before = fs::read(out.path().join("summary.json")).unwrap();
    // Same scenario name, but a step budget far too small: the solver fails.
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(common::scenario("prp"))
        .unwrap()
        .replace("[scenario]", "[solver]\nmax_steps = 1\n\n[scenario]");
    let file = dir.path().join("prp.toml");
    fs::write(&file, text).unwrap();
    sim_run(&file, &["--format", "json"], out.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("arm `untreated`").and(predicate::str::contains("max_steps")),
        );
    assert_eq!(fs::read(out.path().join("summary.json")).unwrap(), before);
}

#[test]
fn export_writes_labelled_sbml_and_python_for_a_named_arm() {
    let out = tempfile::tempdir().unwrap();
    let combo = common::scenario("combo");
    for (format, file, marker) in [
        (
            "sbml",
            "arm.xml",
            "<sbml xmlns=\"http://www.sbml.org/sbml/level3/version2/core\"",
        ),
        ("python", "arm.py", "def simulate("),
    ] {
        let path = out.path().join(file);
        sim()
            .args(["export", format])
            .arg(&combo)
            .args(["--arm", "fin + minox + PRP + microneedling", "-o"])
            .arg(&path)
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::contains("NOT CLINICAL GUIDANCE"));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(marker), "{format}");
        assert!(
            text.contains(LABEL) || text.contains("NOT CLINICAL GUIDANCE"),
            "{format} carries the label"
        );
        // Without -o the same text goes to stdout.
        let printed = sim()
            .args(["export", format])
            .arg(&combo)
            .args(["--arm", "fin + minox + PRP + microneedling"])
            .output()
            .unwrap();
        assert!(printed.status.success());
        assert_eq!(String::from_utf8(printed.stdout).unwrap(), text);
    }
}

#[test]
fn export_asks_for_an_arm_and_names_the_choices() {
    let combo = common::scenario("combo");
    sim()
        .args(["export", "sbml"])
        .arg(&combo)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("choose one with --arm")
                .and(predicate::str::contains("\"finasteride + minoxidil\"")),
        );
    sim()
        .args(["export", "python"])
        .arg(&combo)
        .args(["--arm", "finasterid"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no arm `finasterid`"));
    // A one-arm scenario needs no --arm.
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.toml");
    fs::write(
        &one,
        "[scenario]\nname = \"one\"\nduration = \"1 year\"\noutput_interval = \"1 month\"\n[[arm]]\nname = \"only\"\n",
    )
    .unwrap();
    sim()
        .args(["export", "sbml"])
        .arg(&one)
        .assert()
        .success()
        .stdout(predicate::str::contains("id=\"hairsim_one_only\""));
}

#[test]
fn run_takes_tolerances_and_rejects_bad_ones() {
    let out = tempfile::tempdir().unwrap();
    sim()
        .args([
            "run", "--format", "csv", "--rtol", "1e-10", "--atol", "1e-13", "--out",
        ])
        .arg(out.path())
        .arg(common::scenario("minoxidil"))
        .assert()
        .success();
    for bad in ["--rtol=0", "--rtol=1.5", "--atol=-1", "--atol=inf"] {
        let flag = bad.split('=').next().unwrap();
        let name = flag.trim_start_matches('-');
        sim()
            .arg("run")
            .arg(bad)
            .arg(common::scenario("minoxidil"))
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(format!("'{flag} <"))
                    .and(predicate::str::contains(format!("{name} must be"))),
            );
    }
}

/// Issue 23: `sim run --format html` writes the report beside the other
/// outputs, byte for byte what `sim report` writes; with several scenarios
/// each report goes to its own folder; the combo report stays under 3 MB.
#[test]
fn the_report_comes_from_sim_report_and_from_run_format_html() {
    let combo = common::scenario("combo");
    let (run, report) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    sim_run(&combo, &["--format", "csv,html"], run.path())
        .assert()
        .success();
    let names: Vec<String> = files_in(run.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.html", "timeseries.csv"]);
    sim()
        .arg("report")
        .arg(&combo)
        .arg(common::scenario("prp"))
        .arg("--out")
        .arg(report.path())
        .assert()
        .success();
    let a = fs::read(run.path().join("report.html")).unwrap();
    let b = fs::read(report.path().join("combo").join("report.html")).unwrap();
    assert!(a == b, "sim run --format html and sim report differ");
    assert!(report.path().join("prp").join("report.html").is_file());
    assert!(a.len() < 3 << 20, "the combo report is {} bytes", a.len());
    let text = String::from_utf8(a).unwrap();
    assert!(text.contains(LABEL));
}
