//! Virtual cohorts, sensitivity and scans: determinism across thread counts,
//! collapse to the single patient without variance, and sensitivities that
//! agree with finite differences of the real simulation.

mod common;
use common::{files_in, root, sim, sim_run};
use hairsim::population::{self, Varied};
use hairsim::scenario;
use hairsim::sensitivity;
use hairsim::simulation::simulate;
use std::fs;

/// `tests/data/small_cohort.toml` with `size` patients and every variation's `cv`.
fn cohort(size: u32, cv: f64) -> String {
    fs::read_to_string(root().join("tests/data/small_cohort.toml"))
        .expect("tests/data/small_cohort.toml")
        .replace("size = 150", &format!("size = {size}"))
        .replace("cv = 0.3", &format!("cv = {cv}"))
}

#[test]
fn same_seed_gives_identical_files_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("small_cohort.toml");
    fs::write(&file, cohort(150, 0.3)).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        sim_run(&file, &[], &out)
            .env("RAYON_NUM_THREADS", threads)
            .assert()
            .success();
        outputs.push(out);
    }
    let (a, b) = (files_in(&outputs[0]), files_in(&outputs[1]));
    assert!(
        a.iter().any(|p| p.ends_with("population.csv"))
            && a.iter().any(|p| p.ends_with("responders.png"))
    );
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(
            fs::read(x).unwrap() == fs::read(y).unwrap(),
            "{} differs between thread counts",
            x.display()
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(outputs[0].join("summary.json")).unwrap()).unwrap();
    let rate = summary["population"]["arms"][1]["responder_rate"]
        .as_f64()
        .unwrap();
    assert!((0.0..=1.0).contains(&rate));
    let csv = fs::read_to_string(outputs[0].join("population.csv")).unwrap();
    assert!(csv.starts_with("# Illustrative model — not clinical guidance"));
}

#[test]
fn zero_variance_collapses_to_the_single_patient() {
    let sc = scenario::parse("c.toml", &cohort(40, 0.0)).unwrap();
    let single = simulate(&sc).unwrap();
    let pop = population::run(&sc, sc.population.as_ref().unwrap(), &|_| {}).unwrap();
    for (arm, bands) in single.arms.iter().zip(&pop.arms) {
        let pct = arm.trajectory.hair_count_percent_of_start();
        for ((_, v), q) in pct.iter().zip(&bands.hair_count_pct) {
            for x in q {
                assert!((x - v).abs() < 1e-9, "{}: {x} vs {v}", arm.name);
            }
        }
        for (row, q) in arm.trajectory.rows.iter().zip(&bands.shedding_per_day) {
            assert!(q.iter().all(|x| (x - row.shedding_per_day).abs() < 1e-9));
        }
    }
    // Every patient is the nominal one: responders are all or nothing.
    for b in &pop.arms {
        assert!(b.responders == 0 || b.responders == 40);
    }
}

#[test]
fn patients_are_the_same_across_arms_and_runs() {
    let sc = scenario::parse("c.toml", &cohort(10, 0.3)).unwrap();
    let pop = sc.population.as_ref().unwrap();
    let d = population::draws(pop, 3);
    assert_eq!(d, population::draws(pop, 3));
    assert_ne!(d, population::draws(pop, 4));
    let a = population::patient_arm(&sc.arms[0], pop, &d).unwrap();
    let b = population::patient_arm(&sc.arms[1], pop, &d).unwrap();
    assert!((a.patient.params.dht_sensitivity - b.patient.params.dht_sensitivity).abs() < 1e-15);
    assert_eq!(
        a.patient.terminal_fraction_start,
        b.patient.terminal_fraction_start
    );
}

/// Local sensitivities agree with a central difference of the real simulation
/// taken independently through `scan` (with its own, larger step).
#[test]
fn local_sensitivities_agree_with_finite_differences_of_the_simulation() {
    let text = "[scenario]\nname = \"s\"\nduration = \"1 year\"\n[solver]\nmethod = \"dop853\"\nrtol = 1e-11\natol = 1e-13\n\
                [[arm]]\nname = \"fin\"\n[[arm.treatment]]\nkind = \"finasteride\"\n[[arm.treatment]]\nkind = \"prp\"\nevery = \"4 weeks\"\nsessions = 3\n";
    let sc = scenario::parse("s.toml", text).unwrap();
    let t = 365.25;
    let local = sensitivity::local(&sc.arms[0], t).unwrap();
    let names: Vec<&str> = hairsim::params::PARAMETERS.iter().map(|p| p.name).collect();
    for name in [
        "dht_sensitivity",
        "anagen_days",
        "kenogen_days",
        "growth_factor_anagen_entry",
        "finasteride_ic50_mg",
    ] {
        let i = names.iter().position(|n| *n == name).unwrap();
        let p = sc.arms[0].patient.params.get(name).unwrap();
        let delta = 0.1 * hairsim::sensitivity::RELATIVE_STEP.sqrt();
        let values = [p * (1.0 - delta), p, p * (1.0 + delta)];
        let r = hairsim::scan::scan(&sc, Varied::find(name).unwrap(), &values, t).unwrap();
        let c = &r.arms[0].1;
        let e = |pct: f64| 1.0 + pct / 100.0;
        let fd = (e(c[2]) - e(c[0])) / (2.0 * delta * p) * p / e(c[1]);
        assert!(
            (fd - local[i]).abs() < 2e-4 + 1e-2 * fd.abs(),
            "{name}: local {} vs finite difference {fd}",
            local[i]
        );
    }
    assert!(matches!(
        Varied::find("dht_sensitivity"),
        Some(Varied::Parameter(_))
    ));
}

#[test]
fn the_sensitivity_command_writes_labelled_outputs() {
    let dir = tempfile::tempdir().unwrap();
    sim()
        .args(["sensitivity", "scenarios/finasteride.toml", "--arm"])
        .args(["finasteride 1 mg", "--trajectories", "4", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let csv = fs::read_to_string(dir.path().join("sensitivity.csv")).unwrap();
    assert!(csv.starts_with("# Illustrative model — not clinical guidance"));
    assert!(csv.contains("dht_sensitivity,"));
    assert!(fs::read_to_string(dir.path().join("sensitivity.svg"))
        .unwrap()
        .contains("not clinical guidance"));
}

#[test]
fn sensitivity_needs_an_existing_arm() {
    sim()
        .args(["sensitivity", "scenarios/finasteride.toml", "--arm", "nope"])
        .assert()
        .code(2);
    sim()
        .args(["sensitivity", "scenarios/finasteride.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("choose one with --arm"));
}

/// `sim scan scenarios/finasteride.toml --param PARAM --range RANGE`.
fn scan(param: &str, range: &str) -> assert_cmd::Command {
    let mut cmd = sim();
    cmd.args(["scan", "scenarios/finasteride.toml", "--param", param])
        .args(["--range", range]);
    cmd
}

#[test]
fn the_scan_command_writes_one_row_per_arm_and_value() {
    let dir = tempfile::tempdir().unwrap();
    scan("dht_sensitivity", "0.5..1.5")
        .args(["--steps", "5", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let csv = fs::read_to_string(dir.path().join("scan.csv")).unwrap();
    assert_eq!(
        csv.lines().filter(|l| !l.starts_with('#')).count(),
        1 + 5 * 5
    );
}

#[test]
fn a_scan_of_an_unknown_parameter_is_a_usage_error() {
    scan("dht_sensitivty", "0..1").assert().code(2);
}

#[test]
fn a_reversed_scan_range_is_a_usage_error() {
    scan("dht_sensitivity", "2..1").assert().code(2);
}

#[test]
fn a_scan_range_beyond_the_valid_values_is_a_usage_error() {
    scan("terminal_fraction_start", "0.5..1.5")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("terminal_fraction_start"));
}

/// The cohort varies the niche parameters like any other, and they matter:
/// the patients' hair counts at 3 years spread out.
#[test]
fn a_cohort_varies_the_niche_parameters() {
    let text = "[scenario]\nname = \"n\"\nduration = \"3 years\"\noutput_interval = \"30 days\"\n\
        [solver]\nmethod = \"rodas4\"\n\
        [population]\nsize = 8\nseed = 3\n\
        [[population.vary]]\nparameter = \"niche_loss_dht_per_cycle\"\ndistribution = \"uniform\"\nmin = 0.01\nmax = 0.3\n\
        [[population.vary]]\nparameter = \"niche_lost_dropout_per_cycle\"\ndistribution = \"uniform\"\nmin = 0.05\nmax = 0.5\n\
        [[arm]]\nname = \"untreated\"\n";
    let sc = scenario::parse("n.toml", text).expect("the niche parameters can be varied");
    let pop = sc.population.as_ref().expect("a [population] table");
    let p = population::run(&sc, pop, &|_| {}).expect("every patient simulates");
    let last = p.arms[0].hair_count_pct.last().expect("rows");
    assert!(last[4] - last[0] > 0.2, "p5–p95 at 3 years: {last:?}");
}
