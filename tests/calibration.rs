//! Calibration targets from shared/REFERENCE.md, each checked on a shipped
//! scenario (see docs/CALIBRATION.md for the table of targets and values).

mod common;
use common::{arm, simulate, summary_json};
use hairsim::units::{DAYS_PER_MONTH, DAYS_PER_YEAR};

fn count_at(r: &hairsim::simulation::SimulationResult, name: &str, t: f64) -> f64 {
    arm(r, name)
        .trajectory
        .at(t)
        .expect("time inside the run")
        .hair_count
}

#[test]
fn healthy_steady_state_is_in_the_published_ranges_and_flat() {
    let r = simulate("baseline");
    let h = &arm(&r, "healthy").trajectory;
    for row in &h.rows {
        assert!((0.85..=0.93).contains(&row.anagen), "anagen {}", row.anagen);
        assert!(
            (0.01..=0.03).contains(&row.catagen),
            "catagen {}",
            row.catagen
        );
        let rest = row.telogen + row.kenogen;
        assert!((0.06..=0.15).contains(&rest), "telogen+kenogen {rest}");
        // 50–100 hairs a day per 100,000 follicles.
        assert!(
            (50.0..=100.0).contains(&row.shedding_per_day),
            "shedding {}",
            row.shedding_per_day
        );
    }
    let first = h.rows[0].hair_count;
    let drift = h
        .rows
        .iter()
        .map(|r| (r.hair_count / first - 1.0).abs())
        .fold(0.0, f64::max);
    assert!(drift < 1e-6, "healthy arm drifts by {drift}");
    // Barman 1965: mean 223 terminal hairs/cm² (175–300).
    assert!((200.0..=245.0).contains(&h.rows[0].hair_density_per_cm2));
    // Terminal:vellus ≈ 7:1 or more when healthy (Whiting 1993).
    assert!(h.rows[0].terminal_vellus_ratio >= 6.5);
}

#[test]
fn untreated_aga_declines_year_on_year() {
    let r = simulate("baseline");
    for name in ["AGA mild", "AGA moderate", "AGA severe"] {
        let counts: Vec<f64> = (0..=5)
            .map(|y| count_at(&r, name, y as f64 * DAYS_PER_YEAR))
            .collect();
        for w in counts.windows(2) {
            assert!(w[1] < w[0], "{name}: {counts:?}");
        }
    }
    // Kaufman 1998 placebo: about −21 of 876 hairs (−2.4%) at 1 year.
    let u = count_at(&r, "AGA moderate", DAYS_PER_YEAR) / count_at(&r, "AGA moderate", 0.0) - 1.0;
    assert!((-0.04..=-0.01).contains(&u), "untreated 1-year change {u}");
    // Severity orders the decline.
    let change = |n| count_at(&r, n, 5.0 * DAYS_PER_YEAR) / count_at(&r, n, 0.0);
    assert!(
        change("AGA mild") > change("AGA moderate")
            && change("AGA moderate") > change("AGA severe")
    );
}

#[test]
fn finasteride_1mg_gains_10_to_15_percent_over_untreated_at_12_months() {
    let r = simulate("finasteride");
    let t = 12.0 * DAYS_PER_MONTH;
    let vs = count_at(&r, "finasteride 1 mg", t) / count_at(&r, "untreated", t) - 1.0;
    assert!(
        (0.10..=0.15).contains(&vs),
        "finasteride vs untreated at 12 months: {vs}"
    );
    // 0.2 mg is already near maximal on DHT (Drake 1999) but a little weaker.
    let low = count_at(&r, "finasteride 0.2 mg", t) / count_at(&r, "untreated", t) - 1.0;
    assert!(low > 0.5 * vs && low < vs, "0.2 mg {low} vs 1 mg {vs}");
}

#[test]
fn finasteride_suppresses_scalp_dht_like_drake_1999() {
    let r = simulate("finasteride");
    let six_weeks = 42.0;
    let d1 = arm(&r, "finasteride 1 mg")
        .trajectory
        .at(six_weeks)
        .unwrap()
        .dht;
    assert!(
        (0.30..=0.42).contains(&d1),
        "scalp DHT at 6 weeks on 1 mg: {d1}"
    );
    let d02 = arm(&r, "finasteride 0.2 mg")
        .trajectory
        .at(six_weeks)
        .unwrap()
        .dht;
    assert!(d02 < 0.55, "0.2 mg near maximal: {d02}");
    let dut = arm(&r, "dutasteride 0.5 mg")
        .trajectory
        .at(180.0)
        .unwrap()
        .dht;
    assert!(
        dut < 0.1 && dut < d1,
        "dutasteride suppresses DHT more deeply: {dut}"
    );
}

#[test]
fn dht_returns_within_two_weeks_of_stopping_finasteride_but_over_months_for_dutasteride() {
    let r = simulate("stop_treatment");
    let stop = 12.0 * DAYS_PER_MONTH;
    let fin = &arm(&r, "finasteride, stopped at 12 months").trajectory;
    assert!(
        fin.at(stop + 14.0).unwrap().dht > 0.9,
        "finasteride DHT 2 weeks after stopping"
    );
    let dut = &arm(&r, "dutasteride, stopped at 12 months").trajectory;
    assert!(
        dut.at(stop + 30.0).unwrap().dht < 0.5,
        "dutasteride still suppressing after a month"
    );
    assert!(
        dut.at(stop + 270.0).unwrap().dht > 0.8,
        "dutasteride mostly recovered after 9 months"
    );
}

#[test]
fn minoxidil_5_beats_2_beats_untreated_at_48_weeks_with_early_shedding() {
    let r = simulate("minoxidil");
    let t = 48.0 * 7.0;
    let (m5, m2, u) = (
        count_at(&r, "minoxidil 5%", t),
        count_at(&r, "minoxidil 2%", t),
        count_at(&r, "untreated", t),
    );
    assert!(m5 > m2 && m2 > u, "5% {m5}, 2% {m2}, untreated {u}");
    // Early synchronized shedding: more than 20% above the untreated rate in the first weeks.
    let shed = |name: &str, t: f64| arm(&r, name).trajectory.at(t).unwrap().shedding_per_day;
    let peak = (1..=42)
        .map(|d| shed("minoxidil 5%", d as f64))
        .fold(0.0, f64::max);
    assert!(peak > 1.2 * shed("untreated", 14.0), "peak shedding {peak}");
    // Oral 5 mg is not superior to topical 5% (Penha 2024): within 1%.
    let oral = count_at(&r, "oral minoxidil 5 mg", t);
    assert!((oral / m5 - 1.0).abs() < 0.01);
}

#[test]
fn minoxidil_gain_fades_after_stopping() {
    let r = simulate("stop_treatment");
    let m = &arm(&r, "minoxidil 5%, stopped at 12 months").trajectory;
    let at_stop = m.at(12.0 * DAYS_PER_MONTH).unwrap().hair_count;
    let later = m.at(24.0 * DAYS_PER_MONTH).unwrap().hair_count;
    let untreated = arm(&r, "untreated")
        .trajectory
        .at(24.0 * DAYS_PER_MONTH)
        .unwrap()
        .hair_count;
    assert!(later < at_stop);
    assert!(
        (later / untreated - 1.0).abs() < 0.03,
        "back near untreated a year after stopping"
    );
}

#[test]
fn sessions_help_modestly_and_combination_beats_every_monotherapy_in_it() {
    let prp = simulate("prp");
    let t = 6.0 * DAYS_PER_MONTH;
    for name in [
        "PRP x3 + maintenance",
        "exosomes x3 (speculative)",
        "low-level laser 3x/week",
    ] {
        let vs = count_at(&prp, name, t) / count_at(&prp, "untreated", t) - 1.0;
        assert!((0.02..=0.20).contains(&vs), "{name}: {vs}");
    }
    let combo = simulate("combo");
    for t in combo.endpoint_times_days.clone() {
        let c = |n| count_at(&combo, n, t);
        let best_mono = c("finasteride").max(c("minoxidil")).max(c("PRP"));
        assert!(
            c("finasteride + minoxidil") >= best_mono * (1.0 - 1e-9),
            "t = {t}"
        );
        assert!(
            c("fin + minox + PRP + microneedling") >= c("finasteride + minoxidil") * (1.0 - 1e-9),
            "t = {t}"
        );
    }
}

/// Gain of `name` over the untreated arm of `stop_treatment`, relative.
fn gain_vs_untreated(r: &hairsim::simulation::SimulationResult, name: &str, t: f64) -> f64 {
    count_at(r, name, t) / count_at(r, "untreated", t) - 1.0
}

/// Largest gain over untreated while the drug was taken (the first 12 months).
fn peak_gain(r: &hairsim::simulation::SimulationResult, name: &str) -> f64 {
    (1..=365)
        .map(|d| gain_vs_untreated(r, name, d as f64))
        .fold(f64::MIN, f64::max)
}

const STOP_MONTHS: f64 = 12.0;

#[test]
fn finasteride_gain_is_lost_within_12_months_of_stopping() {
    // Propecia label: "withdrawal of treatment leads to reversal of effect
    // within 12 months".
    let r = simulate("stop_treatment");
    let name = "finasteride, stopped at 12 months";
    let peak = peak_gain(&r, name);
    assert!(peak > 0.05, "finasteride peak gain {peak}");
    let after = gain_vs_untreated(&r, name, (STOP_MONTHS + 12.0) * DAYS_PER_MONTH);
    assert!(
        after.abs() <= 0.10 * peak,
        "12 months after stopping: {after} of a peak {peak}"
    );
}

#[test]
fn dutasteride_gain_is_lost_within_18_months_of_stopping() {
    // No published figure: its DHT suppression wanes over ~4–6 months (label
    // PK), then the finasteride course follows (illustrative assumption,
    // docs/CALIBRATION.md).
    let r = simulate("stop_treatment");
    let name = "dutasteride, stopped at 12 months";
    let peak = peak_gain(&r, name);
    let after = gain_vs_untreated(&r, name, (STOP_MONTHS + 18.0) * DAYS_PER_MONTH);
    assert!(
        after.abs() <= 0.10 * peak,
        "18 months after stopping: {after} of a peak {peak}"
    );
    // It outlasts finasteride: more of its gain is left 6 months after stopping.
    let six = (STOP_MONTHS + 6.0) * DAYS_PER_MONTH;
    assert!(
        gain_vs_untreated(&r, name, six)
            > gain_vs_untreated(&r, "finasteride, stopped at 12 months", six)
    );
}

#[test]
fn minoxidil_gain_is_lost_within_4_months_of_stopping_with_a_shedding_wave() {
    // Drug Facts (quoted): new hair lost within 3–4 months of stopping; Van
    // Neste 2020: effects vanish within the first month, with a massive
    // transition into telogen–exogen.
    let r = simulate("stop_treatment");
    let name = "minoxidil 5%, stopped at 12 months";
    let stop = STOP_MONTHS * DAYS_PER_MONTH;
    let peak = peak_gain(&r, name);
    assert!(peak > 0.05, "minoxidil peak gain {peak}");
    let after = gain_vs_untreated(&r, name, stop + 4.0 * DAYS_PER_MONTH);
    assert!(
        after <= 0.20 * peak,
        "4 months after stopping: {after} of {peak}"
    );
    // The count may dip below the untreated course while the released
    // follicles are empty, but by less than half the gain it had.
    let dip = (0..=365)
        .map(|d| gain_vs_untreated(&r, name, stop + d as f64))
        .fold(f64::MAX, f64::min);
    assert!(dip > -0.5 * peak, "dip {dip} below untreated");
    // The shedding wave: shedding rises 20% above untreated between weeks 2
    // and 8 after stopping and peaks within 3 months.
    let shed = |n: &str, d: f64| arm(&r, n).trajectory.at(stop + d).unwrap().shedding_per_day;
    let onset = (1..=120)
        .map(|d| d as f64)
        .find(|&d| shed(name, d) > 1.2 * shed("untreated", d))
        .expect("a shedding wave after stopping");
    assert!(
        (14.0..=56.0).contains(&onset),
        "wave onset {onset} days after stopping"
    );
    let (peak_day, peak_shed) = (1..=180)
        .map(|d| (d as f64, shed(name, d as f64)))
        .fold((0.0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
    assert!(
        peak_day <= 91.0,
        "shedding peaks {peak_day} days after stopping"
    );
    assert!(peak_shed > 1.3 * shed("untreated", peak_day), "{peak_shed}");
}

/// The largest |gain| over untreated from `from` to `to` months after
/// stopping, checked every two weeks.
fn largest_gain_after_stop(
    r: &hairsim::simulation::SimulationResult,
    name: &str,
    from: f64,
    to: f64,
) -> f64 {
    let stop = STOP_MONTHS * DAYS_PER_MONTH;
    let steps = ((to - from) * 2.0).round() as usize;
    (0..=steps)
        .map(|i| stop + (from + i as f64 / 2.0) * DAYS_PER_MONTH)
        .map(|t| gain_vs_untreated(r, name, t).abs())
        .fold(0.0, f64::max)
}

#[test]
fn every_stopped_arm_rejoins_the_untreated_course_and_stays_there() {
    // No cited mechanism keeps a benefit after stopping (what may remain is
    // the year of protected niche, a few tenths of a point:
    // docs/CALIBRATION.md quantifies it). Each arm must come within half a
    // point of untreated, or within 10% of its peak gain, and stay there
    // until 48 months after stopping: finasteride from 24 months after
    // stopping (label: reversal within 12 months; Van Neste 2019: 94% of the
    // kept terminal hairs miniaturized within 30 months), dutasteride from 36
    // months (its DHT suppression wanes over 4–6 months, then the finasteride
    // course: illustrative assumption), minoxidil from 18 months (label: new
    // hair lost within 3–4 months; the dip below untreated while the follicles
    // it released refill is tested above and lasts about a cycle).
    let r = simulate("stop_treatment");
    for (name, from) in [
        ("finasteride, stopped at 12 months", 24.0),
        ("dutasteride, stopped at 12 months", 36.0),
        ("minoxidil 5%, stopped at 12 months", 18.0),
    ] {
        let peak = peak_gain(&r, name);
        let left = largest_gain_after_stop(&r, name, from, 48.0);
        assert!(
            left <= 0.005_f64.max(0.10 * peak),
            "{name}: up to {left} from {from} to 48 months after stopping (peak {peak})"
        );
    }
}

/// Starting late recovers less, for good: in `early_vs_late` the same patient
/// on finasteride from year 5 has lost more follicles at 10 years than from
/// year 0 (fewer than untreated), has fewer hairs, and summary.json reports
/// the follicles lost per arm and endpoint.
#[test]
fn a_late_start_keeps_fewer_follicles_and_summary_json_reports_them() {
    let json = summary_json("scenarios/early_vs_late.toml");
    let arms = json["arms"].as_array().expect("arms");
    let by_name = |n: &str| {
        arms.iter()
            .find(|a| a["name"] == n)
            .unwrap_or_else(|| panic!("arm {n}"))
    };
    let lost = |n: &str| {
        by_name(n)["follicles_lost"]
            .as_f64()
            .expect("follicles_lost")
    };
    let (untreated, early, late) = (
        lost("untreated"),
        lost("finasteride from year 0"),
        lost("finasteride from year 5"),
    );
    assert!(
        early < late && late < untreated && early > 0.0,
        "follicles lost: early {early}, late {late}, untreated {untreated}"
    );
    // Per endpoint too: until year 5 the late starter is the untreated patient.
    let endpoint = |n: &str, i: usize| by_name(n)["endpoints"][i].clone();
    let five_years = |n: &str| endpoint(n, 1)["follicles_lost"].as_f64().unwrap();
    assert!((five_years("finasteride from year 5") / five_years("untreated") - 1.0).abs() < 1e-4);
    let count = |n: &str| endpoint(n, 3)["hair_count"].as_f64().unwrap();
    // The lasting difference is what a cited mechanism keeps: follicles and
    // niches (spared terminal follicles miniaturize within about a cycle
    // once DHT returns, and both starters are on the drug at 10 years).
    let gap = count("finasteride from year 0") / count("finasteride from year 5") - 1.0;
    assert!(
        gap > 0.01,
        "the early starter has {gap} more hairs at 10 years"
    );
    let lost_at_10 = endpoint("untreated", 3)["follicles_lost"].as_f64().unwrap();
    assert!((lost_at_10 / untreated - 1.0).abs() < 1e-9);
}
