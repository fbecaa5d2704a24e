//! Female pattern hair loss on `scenarios/women.toml`: the arms ordered as
//! the trials in women order them (docs/CALIBRATION.md, "Women").

mod common;
use common::{arm, simulate};
use hairsim::simulation::SimulationResult;
use hairsim::units::DAYS_PER_MONTH;

/// Weeks in days.
const WEEK: f64 = 7.0;

/// Change of the density of (terminal) hairs per cm² from the arm's start.
fn density_change(r: &SimulationResult, name: &str, t: f64) -> f64 {
    let rows = &arm(r, name).trajectory;
    rows.at(t)
        .expect("time inside the run")
        .hair_density_per_cm2
        - rows.rows[0].hair_density_per_cm2
}

#[test]
fn topical_minoxidil_5_beats_2_beats_untreated_at_48_weeks_by_about_lucky_2004() {
    let r = simulate("women");
    let t = 48.0 * WEEK;
    let untreated = density_change(&r, "untreated", t);
    let two = density_change(&r, "minoxidil 2%", t) - untreated;
    let five = density_change(&r, "minoxidil 5%", t) - untreated;
    // Lucky et al. 2004, nonvellus hairs/cm² over placebo: +16.6 (5 %) and
    // +11.3 (2 %).
    assert!((13.0..=21.0).contains(&five), "5 % over untreated: {five}");
    assert!((8.0..=15.0).contains(&two), "2 % over untreated: {two}");
    assert!(five > two + 2.0, "5 % {five} vs 2 % {two}");
}

#[test]
fn oral_minoxidil_0_25_mg_does_as_well_as_topical_2_percent_like_vahabi_amlashi_2021() {
    let r = simulate("women");
    for months in [3.0, 9.0] {
        let t = months * DAYS_PER_MONTH;
        let oral = density_change(&r, "oral minoxidil 0.25 mg", t);
        let topical = density_change(&r, "minoxidil 2%", t);
        assert!(
            (oral - topical).abs() < 1.0,
            "{months} months: oral {oral}, topical {topical}"
        );
    }
}

#[test]
fn finasteride_after_menopause_does_about_as_untreated_like_price_2000() {
    let r = simulate("women");
    let t = 12.0 * DAYS_PER_MONTH;
    let fin = density_change(&r, "postmenopausal, finasteride 1 mg", t);
    let untreated = density_change(&r, "postmenopausal, untreated", t);
    let minoxidil = density_change(&r, "minoxidil 5%", t) - density_change(&r, "untreated", t);
    // No significant difference in Price 2000: within a small fraction of
    // what minoxidil does.
    assert!(
        (fin - untreated).abs() < 0.15 * minoxidil,
        "finasteride {fin}, untreated {untreated}, minoxidil's gain {minoxidil}"
    );
}

#[test]
fn spironolactone_blocks_the_effect_of_dht_not_dht_and_helps_modestly() {
    let r = simulate("women");
    let t = 12.0 * DAYS_PER_MONTH;
    // An anti-androgen at the receptor: scalp DHT stays where it was.
    for row in &arm(&r, "spironolactone 100 mg").trajectory.rows {
        assert!((row.dht - 1.0).abs() < 1e-9, "DHT {}", row.dht);
    }
    let spiro = density_change(&r, "spironolactone 100 mg", t) - density_change(&r, "untreated", t);
    let two = density_change(&r, "minoxidil 2%", t) - density_change(&r, "untreated", t);
    // Sinclair 2005 (uncontrolled): as many stabilize as regrow; the mean
    // patient gains a little, less than on minoxidil.
    assert!(
        spiro > 1.0 && spiro < two,
        "spironolactone {spiro}, minoxidil 2 % {two}"
    );
}

#[test]
fn the_non_hormonal_combination_does_at_least_as_well_as_minoxidil_alone() {
    let r = simulate("women");
    let t = 12.0 * DAYS_PER_MONTH;
    assert!(density_change(&r, "minoxidil 5% + PRP", t) > density_change(&r, "minoxidil 5%", t));
}
