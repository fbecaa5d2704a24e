//! Issue 17: nothing valid fails with the default settings. The default
//! method, `auto`, switches to `rodas4` where `dopri5` would give up as the
//! problem turns stiff: the issue's example at every horizon and drug, every
//! shipped scenario stretched to the 200-year maximum, random valid scenarios
//! (every profile, every treatment kind, random schedules and adherence,
//! horizons up to 200 years, output rows from hours to years), and `auto`'s
//! accuracy against `sim bench`'s tight reference on every shipped scenario.

mod common;
use common::{bench_cells, shipped_scenarios, sim};
use hairsim::profile::PROFILES;
use hairsim::scenario;
use hairsim::simulation::{output_times, simulate};
use hairsim::treatment::{Delivery, Target, TreatmentKind};
use hairsim::units::DoseUnit;
use proptest::prelude::*;
use std::fs;
use std::path::Path;

/// `sim run FILE --format json` into `dir/out`; the parsed summary.json, or
/// the exit code and stderr.
fn run_json(file: &Path, dir: &Path, flags: &[&str]) -> Result<serde_json::Value, String> {
    let out = dir.join("out");
    let o = sim()
        .arg("run")
        .arg(file)
        .args(["--format", "json"])
        .args(flags)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    if o.status.code() != Some(0) {
        return Err(format!(
            "exit {:?}: {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    let text = fs::read_to_string(out.join("summary.json")).unwrap();
    Ok(serde_json::from_str(&text).unwrap())
}

/// The issue's scenario: untreated against one drug, every setting default.
fn issue_example(years: u32, kind: &str, dose: &str) -> String {
    format!(
        "[scenario]\nname = \"t\"\nduration = \"{years} years\"\n\n[patient]\nprofile = \"aga_moderate\"\n\n\
         [[arm]]\nname = \"untreated\"\n\n[[arm]]\nname = \"fin\"\n[[arm.treatment]]\n\
         kind = \"{kind}\"\ndose = \"{dose}\"\nevery = \"daily\"\n"
    )
}

/// The issue's failing example (untreated vs finasteride 1 mg daily over 20
/// years, nothing else set) and its variants (0.1 mg, each drug, 50, 100 and
/// 200 years) run with the defaults; `dopri5` chosen explicitly still gives
/// up on the first, as a solver study must see.
#[test]
fn the_issue_17_example_runs_with_defaults_at_every_horizon_and_drug() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("t.toml");
    let drugs = [
        ("finasteride", "1 mg"),
        ("finasteride", "0.1 mg"),
        ("dutasteride", "0.5 mg"),
        ("minoxidil_topical", "5%"),
        ("minoxidil_oral", "5 mg"),
    ];
    for years in [20, 50, 100, 200] {
        for (kind, dose) in drugs {
            fs::write(&file, issue_example(years, kind, dose)).unwrap();
            let what = format!("{years} years, {kind} {dose}");
            let json = run_json(&file, tmp.path(), &[]).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(json["solver"]["method"], "auto", "{what}");
            let days = f64::from(years) * 365.25;
            assert!((json["duration_days"].as_f64().unwrap() - days).abs() < 1e-9);
            for arm in json["solver"]["per_arm"].as_array().unwrap() {
                let auto = &arm["auto"];
                // Each arm turned stiff once the scalp settled, and was handed over.
                assert!(auto["switches"].as_u64().unwrap() >= 1, "{what}: {arm}");
                let total =
                    auto["dopri5_days"].as_f64().unwrap() + auto["rodas4_days"].as_f64().unwrap();
                assert!((total - days).abs() < 1e-6 * days, "{what}: {arm}");
            }
        }
    }
    fs::write(&file, issue_example(20, "finasteride", "1 mg")).unwrap();
    let e = run_json(&file, tmp.path(), &["--solver", "dopri5"]).expect_err("dopri5 gives up");
    assert!(
        e.contains("exit Some(1)")
            && e.contains("dopri5: the problem became stiff")
            && e.contains("use --solver auto"),
        "{e}"
    );
}

/// Flares (custom sessions raising DHT or inflammation) given every day for a
/// year and more: each adds a fixed flare, so the signal settles at a higher
/// level and the default solver runs to the end, where multiplying the
/// current level would compound past floating point within months.
#[test]
fn daily_flares_saturate_and_run_with_defaults() {
    for target in ["inflammation", "dht"] {
        let text = format!(
            "[scenario]\nname = \"flares\"\nduration = \"2 years\"\noutput_interval = \"7 days\"\n\
             [patient]\nprofile = \"aga_moderate\"\n[[arm]]\nname = \"a\"\n[[arm.treatment]]\n\
             kind = \"custom\"\ntarget = \"{target}\"\ndelivery = \"sessions\"\neffect = 2.0\n\
             every = \"1 days\"\nsessions = 400\n"
        );
        let sc = scenario::parse("flares.toml", &text).unwrap();
        let r = simulate(&sc).unwrap_or_else(|e| panic!("{target}: {e}"));
        let rows = &r.arms[0].trajectory.rows;
        let (start, peak) = match target {
            "dht" => (rows[0].dht, rows.iter().map(|o| o.dht).fold(0.0, f64::max)),
            _ => (
                rows[0].inflammation,
                rows.iter().map(|o| o.inflammation).fold(0.0, f64::max),
            ),
        };
        // Three times the untreated level a day, relaxing between sessions:
        // well above the start, but bounded (compounding reached 3^95).
        assert!(
            peak > 2.0 * start && peak < 200.0 * start,
            "{target}: start {start}, peak {peak}"
        );
        // A year after the last flare the signal is back near where it began.
        let last = rows.last().unwrap();
        let end = if target == "dht" {
            last.dht
        } else {
            last.inflammation
        };
        assert!(end < 1.5 * start, "{target}: start {start}, end {end}");
    }
}

/// `text` with the `[scenario]` duration set to 200 years and a cohort cut to
/// 16 patients (the 1,000 of cohort.toml over two centuries would take
/// minutes; the solver sees the same arms either way).
fn at_200_years(text: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in text.lines() {
        if !done && line.starts_with("duration = ") {
            out.push_str("duration = \"200 years\"");
            done = true;
        } else if line.starts_with("size = ") {
            out.push_str("size = 16");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    assert!(done, "a duration to stretch");
    out
}

/// Every shipped scenario, stretched to the 200-year maximum, runs with its
/// own settings (none sets a method: all use the default).
#[test]
fn every_shipped_scenario_runs_for_200_years() {
    let tmp = tempfile::tempdir().unwrap();
    let mut switched = 0;
    for path in shipped_scenarios() {
        let what = path.display().to_string();
        let text = fs::read_to_string(&path).unwrap();
        assert!(!text.contains("method ="), "{what} sets a method");
        let file = tmp.path().join(path.file_name().unwrap());
        fs::write(&file, at_200_years(&text)).unwrap();
        let json = run_json(&file, tmp.path(), &["--format", "json,csv"])
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(json["duration_days"], 73050.0, "{what}");
        assert_eq!(json["solver"]["method"], "auto", "{what}");
        let csv = fs::read_to_string(tmp.path().join("out/timeseries.csv")).unwrap();
        let last = csv.lines().last().unwrap();
        assert!(
            last.contains(",73050,"),
            "{what}: the last row is not day 73050: {last}"
        );
        for arm in json["solver"]["per_arm"].as_array().unwrap() {
            let switches = arm["auto"]["switches"].as_u64().unwrap();
            // Hysteresis: at most a few switches in two centuries, never a flip-flop.
            assert!(switches <= 4, "{what}: {arm}");
            switched += usize::from(switches > 0);
        }
    }
    // Not a vacuous pass: the long horizons do turn stiff.
    assert!(switched >= 8, "only {switched} arms switched");
}

/// With `auto`, every shipped scenario agrees with `sim bench`'s tight
/// reference within the requested tolerance: the root-mean-square error over
/// every state, arm and output row (`grid_l2`, the first error column of
/// `sim bench`) is at most rtol, at every rtol from 1e-3 to 1e-8.
#[test]
fn auto_is_within_the_requested_tolerance_on_every_shipped_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    for path in shipped_scenarios() {
        let what = path.display().to_string();
        let cells = bench_cells(
            &path,
            &[
                "--solvers",
                "auto",
                "--tolerances",
                "1e-3..1e-8",
                "--runs",
                "1",
            ],
            tmp.path(),
        );
        assert_eq!(cells.len(), 6, "{what}");
        for m in cells {
            assert_eq!(m["status"], "ok", "{what}: {m}");
            let rtol = m["rtol"].as_f64().unwrap();
            let l2 = m["errors"]["grid_l2"].as_f64().unwrap();
            assert!(l2 <= rtol, "{what}: rtol {rtol:e}, grid RMS error {l2:e}");
        }
    }
}

/// Days as a duration string (six decimals: an hour is 0.041667 days).
fn days(d: f64) -> String {
    format!("\"{d:.6} days\"")
}

/// The profile names, from the library, so a new one is drawn too.
fn profile_name(i: usize) -> &'static str {
    PROFILES[i % PROFILES.len()].name
}

prop_compose! {
    /// One treatment of any kind (every built-in kind, from the library's
    /// list, and custom on any target with either delivery), a dose anywhere
    /// in a wide range of its unit, a random start inside the scenario, a
    /// stop before or after its end, every 1–120 days, a session count or
    /// none, and a random adherence.
    fn treatment(duration: f64)(k in 0..=TreatmentKind::BUILT_IN.len(), x in 0.0..1.0f64,
                                start in 0.0..1.0f64, len in 0.001..1.5f64, every in 1.0..120.0f64,
                                form in 0u32..3, count in 1u32..500, target in 0..Target::ALL.len(),
                                adherence in 0.0..=1.0f64) -> String {
        let builtin = TreatmentKind::BUILT_IN.get(k);
        let start = (start * duration).floor();
        let stop = format!("stop = {}", days(start + (len * duration).max(0.5)));
        let every = days(every.floor());
        let (kind, dose, sessions) = match builtin {
            Some(b) => {
                let dose = match b.dose_unit() {
                    DoseUnit::Mg => format!("\"{:.3} mg\"", 0.01 + 10.0 * x),
                    DoseUnit::Percent => format!("\"{:.2}%\"", 0.5 + 9.5 * x),
                    DoseUnit::Relative => format!("{:.3}", 0.1 + 3.0 * x),
                    DoseUnit::Grafts => format!("\"{:.0} grafts\"", 1.0 + 4000.0 * x),
                    DoseUnit::Cells => format!("\"{:.0} cells\"", 1e4 + 1e7 * x),
                };
                (b.name(), format!("dose = {dose}\n"), b.delivery() == Delivery::Sessions)
            }
            None => {
                let t = Target::ALL[target];
                // Multiplied targets take an effect ≥ −1; the signals are levels.
                let effect = if t.is_multiplicative() { -1.0 + 3.0 * x } else { 3.0 * x };
                let delivery = if form == 0 { Delivery::Continuous } else { Delivery::Sessions };
                let text = format!("target = \"{}\"\ndelivery = \"{}\"\neffect = {effect:.4}\n",
                                   t.name(), delivery.name());
                (TreatmentKind::CUSTOM, text, delivery == Delivery::Sessions)
            }
        };
        // A transplant is a procedure or two: the donor region limits the
        // grafts of all its sessions together (validation refuses more).
        let transplant = builtin == Some(&TreatmentKind::HairTransplant);
        let schedule = match (sessions, form) {
            // A continuous custom treatment holds its effect from start to stop.
            (false, _) if builtin.is_none() => stop,
            (true, _) if transplant => format!("every = {every}\nsessions = {}", 1 + count % 2),
            (false, _) => format!("every = {every}\n{stop}"),
            (true, 0) => String::new(),
            (true, 1) => format!("every = {every}\n{stop}"),
            (true, _) => format!("every = {every}\nsessions = {count}"),
        };
        format!("[[arm.treatment]]\nkind = \"{kind}\"\n{dose}start = {}\n{schedule}\nadherence = {adherence:.3}\n",
                days(start))
    }
}

prop_compose! {
    /// An arm with its own profile or the patient's and up to four treatments.
    fn arm(duration: f64)(own in prop::option::of(0..PROFILES.len()),
                          treatments in prop::collection::vec(treatment(duration), 0..=4)) -> String {
        let profile = own.map_or(String::new(), |p| format!("profile = \"{}\"\n", profile_name(p)));
        format!("{profile}{}", treatments.concat())
    }
}

prop_compose! {
    /// A horizon of a day to 200 years: half log-uniform (days to decades),
    /// half uniform in years (mostly the long horizons where stiffness appears).
    fn horizon()(log in any::<bool>(), x in 0.0..1.0f64) -> f64 {
        let d = if log { 73050f64.powf(x) } else { 365.25 * (1.0 + 199.0 * x) };
        d.clamp(1.0, 73050.0).floor()
    }
}

prop_compose! {
    /// A whole scenario with no `[solver]` table: 1–3 arms, any profile,
    /// sometimes a starting severity or the stiff explicit plasma kinetics,
    /// rows every hour to every year (log-uniform), kept to at most 200,000
    /// rows in all so that a case takes well under a second.
    fn scenario_text()(duration in horizon())
                      (profile in 0..PROFILES.len(), severity in prop::option::of(0.2..0.95f64),
                       explicit_pk in prop::bool::weighted(0.25), interval in -1.38..2.57f64,
                       arms in prop::collection::vec(arm(duration), 1..=3), duration in Just(duration))
                      -> String {
        let rows_floor = duration * arms.len() as f64 / 200_000.0;
        let interval = 10f64.powf(interval).max(rows_floor);
        let interval = if interval >= duration { days(duration) } else { days(interval) };
        let severity = severity.map_or(String::new(), |s| format!("terminal_fraction_start = {s:.3}\n"));
        let model = if explicit_pk { "[model]\npk = \"explicit\"\n" } else { "" };
        let arms: String = arms
            .iter()
            .enumerate()
            .map(|(i, a)| format!("[[arm]]\nname = \"arm {i}\"\n{a}"))
            .collect();
        format!("[scenario]\nname = \"p\"\nduration = {}\noutput_interval = {interval}\n\
                 [patient]\nprofile = \"{}\"\n{severity}{model}{arms}",
                days(duration), profile_name(profile))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any valid scenario simulates with the default settings: every arm
    /// reaches the end with every row finite.
    #[test]
    fn random_valid_scenarios_succeed_with_the_defaults(text in scenario_text()) {
        let sc = scenario::parse("p.toml", &text).expect("generated scenarios are valid");
        let r = simulate(&sc).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(r.solver.method().name(), "auto");
        let rows = output_times(&sc).len();
        for arm in &r.arms {
            prop_assert_eq!(arm.trajectory.rows.len(), rows);
            prop_assert!(arm.trajectory.rows.iter().all(|row| row.values().iter().all(|v| v.is_finite())));
            prop_assert!(arm.stats.auto.is_some());
        }
    }
}
