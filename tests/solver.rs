//! The solve pipeline on the hair model against known answers: a closed-form
//! linear chain, dose breakpoints that tolerances cannot move, compact vs
//! explicit schedules, agreement between methods, and the explicit engine's
//! shortened loops. (The solve core's own tests, on problems that are not the
//! hair model, are in `src/solve/`.)

mod common;
use hairsim::model::{
    compartment, follicle_state, ix, HairModel, Kind, State, ANAGEN_STAGES, N_STATES,
};
use hairsim::params::Parameters;
use hairsim::scenario;
use hairsim::simulation::{simulate, SimulationResult};
use hairsim::solve::{Integrator, Method, Rhs, SolveStats, SolverSettings};
use nalgebra::{SMatrix, SVector};

fn run_text(text: &str) -> SimulationResult {
    let sc = scenario::parse("test.toml", text).expect("valid scenario");
    simulate(&sc).expect("simulates")
}

fn settings(method: Method, rtol: f64) -> SolverSettings {
    SolverSettings::new(method)
        .with_rtol(rtol)
        .and_then(|s| s.with_atol(rtol * 1e-3))
        .and_then(|s| s.with_rk4_step_days(0.25))
        .expect("valid settings")
}

/// With the signals fixed (no treatment, DHT and inflammation at baseline, no
/// niche loss, no rise of the androgen sensitivity), the cycle is a linear
/// chain dy/dt = Q y with the closed form y(t) = exp(Q t) y0, and the long-run
/// fractions are mean duration over cycle length.
#[test]
fn every_method_matches_the_closed_form_linear_chain() {
    let (model, y0, exact_at) = linear_chain();
    let r = model.rates(&y0);
    for (method, rtol, tol) in [
        (Method::DOPRI5, 1e-10, 1e-8),
        (Method::DOP853, 1e-12, 1e-9),
        (Method::RK4, 1e-12_f64, 1e-8),
    ] {
        let mut integ = Integrator::new(model, 0.0, y0, settings(method, rtol));
        for t1 in [30.0, 200.0, 1000.0, 3000.0] {
            integ.advance_to(t1, &[], &mut |_, _| {}).unwrap();
            let (y, exact) = (integ.y(), exact_at(t1));
            for k in 0..CYCLE {
                assert!(
                    (in_compartment(y, k) - exact[k]).abs() < tol,
                    "{method} compartment {k} at {t1}: {} vs {}",
                    in_compartment(y, k),
                    exact[k]
                );
            }
        }
        assert!(integ.stats().rhs_evaluations > 0);
    }
    // Long run: each compartment holds its mean duration over the cycle length.
    let mut integ = Integrator::new(model, 0.0, y0, settings(Method::DOPRI5, 1e-10));
    integ.advance_to(60_000.0, &[], &mut |_, _| {}).unwrap();
    let y = integ.y();
    let stage = r.anagen_days / ANAGEN_STAGES as f64;
    let mut durations = [stage; CYCLE];
    durations[ANAGEN_STAGES..].copy_from_slice(&[
        r.anagen_held_days,
        r.catagen_days,
        r.telogen_days,
        r.kenogen_days,
    ]);
    let cycle: f64 = durations.iter().sum();
    for (k, duration) in durations.iter().enumerate() {
        assert!(
            (in_compartment(y, k) - duration / cycle).abs() < 1e-8,
            "compartment {k}"
        );
    }
}

const ONE_SESSION: &str = r#"
[scenario]
name = "one_session"
duration = "300 days"
output_interval = "5 days"
[solver]
rtol = RTOL
atol = 1e-12
[[arm]]
name = "untreated"
[[arm]]
name = "session"
[[arm.treatment]]
kind = "microneedling"
start = "100 days"
"#;

/// A single short session at day 100 is a breakpoint: a loose tolerance cannot
/// step over it, so its effect is the same at rtol 1e-3 and 1e-9.
#[test]
fn a_single_session_moves_the_curve_equally_at_loose_and_tight_tolerance() {
    let effect = |rtol: &str| {
        let r = run_text(&ONE_SESSION.replace("RTOL", rtol));
        let (u, s) = (&r.arms[0].trajectory, &r.arms[1].trajectory);
        // The session's growth-factor jump is visible at the dose row
        // (post-dose; its hypoxia pulse reaches the stimulation afterwards) …
        let at = s.at(100.0).unwrap();
        assert!(
            at.growth_factor > 0.29,
            "post-dose row at the session shows the jump"
        );
        assert!(s.at(95.0).unwrap().growth_factor.abs() < 1e-12);
        assert!(s.at(105.0).unwrap().stimulation > 0.1);
        // … and the hair-count gain at the end.
        s.rows.last().unwrap().hair_count - u.rows.last().unwrap().hair_count
    };
    let (loose, tight) = (effect("1e-3"), effect("1e-9"));
    assert!(tight > 1.0, "the session has an effect: {tight}");
    assert!(
        (loose - tight).abs() <= 1e-3 * tight.abs(),
        "loose {loose} vs tight {tight}"
    );
}

/// "Every 28 days, 3 sessions" simulates exactly like the three sessions written out.
#[test]
fn compact_schedule_equals_the_doses_written_out() {
    let head = "[scenario]\nname = \"s\"\nduration = \"1 year\"\noutput_interval = \"3 days\"\n[[arm]]\nname = \"a\"\n";
    let compact = run_text(&format!(
        "{head}[[arm.treatment]]\nkind = \"prp\"\nstart = \"10 days\"\nevery = \"28 days\"\nsessions = 3\n\
         [[arm.treatment]]\nkind = \"finasteride\"\nstart = \"5 days\"\nstop = \"200 days\"\n"
    ));
    let explicit = run_text(&format!(
        "{head}[[arm.treatment]]\nkind = \"prp\"\nstart = \"10 days\"\n\
         [[arm.treatment]]\nkind = \"prp\"\nstart = \"38 days\"\n\
         [[arm.treatment]]\nkind = \"prp\"\nstart = \"66 days\"\n\
         [[arm.treatment]]\nkind = \"finasteride\"\nstart = \"5 days\"\nstop = \"100 days\"\n\
         [[arm.treatment]]\nkind = \"finasteride\"\nstart = \"100 days\"\nstop = \"200 days\"\n"
    ));
    let (a, b) = (&compact.arms[0].trajectory, &explicit.arms[0].trajectory);
    assert_eq!(a.times_days, b.times_days);
    for (x, y) in a.rows.iter().zip(&b.rows) {
        for (u, v) in x.values().iter().zip(y.values()) {
            assert!((u - v).abs() <= 1e-9 * (1.0 + v.abs()), "{u} vs {v}");
        }
    }
}

/// rk4, dopri5 and dop853 agree on the richest arm of the combo scenario.
#[test]
fn methods_agree_on_the_combo_scenario() {
    let sc = scenario::load(&common::scenario("combo")).unwrap();
    let arm = sc.arms.last().unwrap().clone();
    let grid = hairsim::simulation::output_grid(sc.duration_days, sc.output_interval_days);
    let run = |s: SolverSettings| {
        hairsim::simulation::simulate_arm(&arm, sc.duration_days, &grid, &s).unwrap()
    };
    let reference = run(settings(Method::DOP853, 1e-12));
    let rk4 = settings(Method::RK4, 1e-8)
        .with_rk4_step_days(0.1)
        .expect("valid step");
    for s in [settings(Method::DOPRI5, 1e-8), rk4] {
        let other = run(s);
        for (x, y) in other.trajectory.rows.iter().zip(&reference.trajectory.rows) {
            let rel = (x.hair_count / y.hair_count - 1.0).abs();
            assert!(rel < 1e-6, "{}: {rel:e}", s.method());
        }
    }
}

/// Output rows sit exactly on the grid, strictly increasing, ending at the horizon.
#[test]
fn output_grid_has_no_duplicates_and_ends_at_the_horizon() {
    let r = run_text("[scenario]\nname = \"g\"\nduration = \"100 days\"\noutput_interval = \"7 days\"\n[[arm]]\nname = \"a\"\n[[arm.treatment]]\nkind = \"prp\"\nstart = \"7 days\"\nevery = \"7 days\"\n");
    let t = &r.arms[0].trajectory.times_days;
    assert_eq!(t.len(), 16); // 0, 7, …, 98, and 100
    assert!(t.windows(2).all(|w| w[1] > w[0]));
    assert!((t[t.len() - 1] - 100.0).abs() < 1e-12);
    assert!((t[1] - 7.0).abs() < 1e-12);
}

#[test]
fn an_untreated_arm_of_every_profile_starts_at_its_steady_state() {
    for profile in ["healthy", "aga_mild", "aga_moderate", "aga_severe"] {
        // Without the slow rise of the androgen sensitivity, every phase
        // starts at rest; as re-entries make follicles lose their niche
        // (which then wait longer in kenogen) the shares drift, slowly.
        let r = run_text(&format!("[scenario]\nname = \"p\"\nduration = \"30 days\"\n[patient]\nprofile = \"{profile}\"\n[patient.parameters]\ndht_sensitivity_rise_per_year = 0\n[[arm]]\nname = \"u\"\n"));
        let rows = &r.arms[0].trajectory.rows;
        let (a, b) = (rows[0], rows[rows.len() - 1]);
        // The terminal share drifts slowly from the profile's given value
        // towards its balance.
        assert!(
            (a.anagen - b.anagen).abs() < 5e-4,
            "{profile}: {} {}",
            a.anagen,
            b.anagen
        );
        let drift = (b.terminal_vellus_ratio / a.terminal_vellus_ratio - 1.0).abs();
        assert!(drift < 5e-3, "{profile}: {drift}");
        assert!((a.dht - b.dht).abs() < 1e-12 && (a.inflammation - b.inflammation).abs() < 1e-12);
    }
}

/// How many compartments the cycle has (anagen's stages to kenogen).
const CYCLE: usize = compartment::KENOGEN + 1;

/// The follicles of every kind in compartment `c`.
fn in_compartment(y: &State, c: usize) -> f64 {
    Kind::ALL.iter().map(|&k| y[follicle_state(k, c)]).sum()
}

/// The fixed-signal linear chain of the closed-form test, as (model, y0,
/// exact(t)): no niche loss and no rise of the androgen sensitivity, so the
/// rates stay constant.
fn linear_chain() -> (HairModel, State, impl Fn(f64) -> SVector<f64, CYCLE>) {
    let p = Parameters {
        dht_sensitivity: 1.0,
        inflammation_baseline: 0.7,
        niche_loss_dht_per_cycle: 0.0,
        niche_loss_m1_per_cycle: 0.0,
        // A held stage as slow as catagen keeps the test chain non-stiff, so
        // that every explicit method's error follows its tolerance.
        anagen_release_days: 20.0,
        ..Parameters::default()
    };
    let model = HairModel::untreated(p);
    let mut y0 = State::zeros();
    // Terminal and miniaturized follicles with intact niches: they cycle
    // alike, so the chain holds for their sum whatever M1 miniaturizes.
    for (kind, share) in [(Kind::Terminal, 0.8), (Kind::Miniaturized, 0.2)] {
        y0[follicle_state(kind, compartment::ANAGEN_1)] = 0.5 * share;
        y0[follicle_state(kind, compartment::KENOGEN)] = 0.5 * share;
    }
    y0[ix::DHT] = 1.0;
    y0[ix::ANDROGEN_SENSITIVITY] = 1.0;
    y0[ix::MACROPHAGE_M1] = 0.7;
    y0[ix::MACROPHAGE_M2] = p.macrophage_m2_baseline;
    let r = model.rates(&y0);
    let rate = r.cycle_exit_rates(true);
    // Compartment i empties into i + 1, the last into the first.
    let q = SMatrix::<f64, CYCLE, CYCLE>::from_fn(|i, j| {
        if i == j {
            -rate[j]
        } else if i == (j + 1) % CYCLE {
            rate[j]
        } else {
            0.0
        }
    });
    let v0 =
        SVector::<f64, CYCLE>::from_fn(|i, _| if i == 0 || i == CYCLE - 1 { 0.5 } else { 0.0 });
    (model, y0, move |time: f64| (q * time).exp() * v0)
}

/// Largest phase error of `method` at `rtol` over the chain, with output rows
/// read off dense output where the method has it.
fn chain_error(method: Method, rtol: f64) -> (f64, SolveStats) {
    let (model, y0, exact) = linear_chain();
    let mut integ = Integrator::new(model, 0.0, y0, settings(method, rtol));
    let outputs = [30.0, 200.0, 1000.0];
    let mut worst = 0.0_f64;
    let mut check = |t: f64, y: &State| {
        let e = exact(t);
        for (k, exact) in e.iter().enumerate() {
            worst = worst.max((in_compartment(y, k) - exact).abs());
        }
    };
    integ
        .advance_to(3000.0, &outputs, &mut |t, y| check(t, y))
        .unwrap_or_else(|e| panic!("{method}: {e}"));
    check(3000.0, integ.y());
    (worst, *integ.stats())
}

/// Every method, including the diffsol ones, reaches its requested tolerance
/// on the closed-form chain (global error within 100 × rtol; rk4 by its step).
#[test]
fn every_method_reaches_its_tolerance_on_the_closed_form_chain() {
    for method in Method::ALL {
        let rtol = 1e-8;
        let (err, stats) = chain_error(method, rtol);
        assert!(
            err < 100.0 * rtol,
            "{method}: error {err:e} at rtol {rtol:e} ({stats:?})"
        );
        assert!(stats.rhs_evaluations > 0 && stats.accepted_steps > 0);
        if method.is_implicit() {
            assert!(stats.jacobian_evaluations > 0, "{method} reports Jacobians");
        } else {
            assert_eq!(stats.jacobian_evaluations, 0, "{method}");
        }
    }
}

/// Work-precision sanity: for every adaptive method, the error falls as the
/// tolerance tightens, and the work grows.
#[test]
fn error_falls_as_the_tolerance_tightens() {
    for method in Method::ALL.into_iter().filter(|m| m.is_adaptive()) {
        let runs: Vec<(f64, SolveStats)> = [1e-4, 1e-6, 1e-8]
            .iter()
            .map(|&rtol| chain_error(method, rtol))
            .collect();
        for w in runs.windows(2) {
            assert!(
                w[1].0 < w[0].0,
                "{method}: error {:e} at the tighter tolerance vs {:e}",
                w[1].0,
                w[0].0
            );
            assert!(w[1].1.rhs_evaluations > w[0].1.rhs_evaluations, "{method}");
        }
    }
}

/// On the stiff variant, implicit methods (and `auto`) take far fewer steps
/// than explicit ones (step counts, never time).
#[test]
fn implicit_methods_take_far_fewer_steps_on_stiff_pk() {
    let sc = scenario::load(&common::scenario("stiff_pk")).unwrap();
    let arm = sc
        .arms
        .iter()
        .find(|a| a.name == "finasteride")
        .unwrap()
        .clone();
    let grid = hairsim::simulation::output_times(&sc);
    let steps = |method| {
        let s = settings(method, 1e-6).with_stiffness_detection(false);
        hairsim::simulation::simulate_arm(&arm, sc.duration_days, &grid, &s)
            .unwrap_or_else(|e| panic!("{method}: {e}"))
            .stats
            .steps()
    };
    let explicit = [Method::DOPRI5, Method::TSIT45].map(steps);
    // `auto` too: it hands the problem to `rodas4` within days.
    for method in Method::ALL
        .into_iter()
        .filter(|m| m.is_implicit() || m.is_switching())
    {
        let n = steps(method);
        for (e, m) in explicit.iter().zip(["dopri5", "tsit45"]) {
            assert!(
                10 * n < *e,
                "{method} took {n} steps, {m} {e}: implicit should take far fewer"
            );
        }
    }
}

/// The stiff variant keeps the default model's finasteride effect: at 1 mg
/// daily, DHT falls to the same level within 1%.
#[test]
fn explicit_pk_matches_the_default_model_at_steady_dosing() {
    let sc = scenario::load(&common::scenario("stiff_pk")).unwrap();
    let mut default = sc.clone();
    for arm in &mut default.arms {
        arm.pk = hairsim::model::Pk::Effect;
    }
    let (a, b) = (simulate(&sc).unwrap(), simulate(&default).unwrap());
    for name in ["finasteride", "dutasteride"] {
        let pick = |r: &SimulationResult| {
            let arm = r.arms.iter().find(|x| x.name == name).unwrap();
            arm.trajectory.rows.last().unwrap().dht
        };
        let (explicit, effect) = (pick(&a), pick(&b));
        assert!(
            (explicit / effect - 1.0).abs() < 0.01,
            "{name}: DHT {explicit} (explicit PK) vs {effect}"
        );
    }
}

/// The hair model with its explicit-PK states declared live: the explicit
/// engine then runs its loops over all 16 states.
#[derive(Clone, Copy)]
struct AllStates(HairModel);

impl Rhs<N_STATES> for AllStates {
    fn eval(&self, y: &State, dy: &mut State) {
        self.0.derivatives(y, dy);
    }
}

/// The default variant's solves skip the four explicit-PK states; the
/// results are those of the full loops to the bit (rows, end state, work).
#[test]
fn skipping_the_explicit_pk_states_changes_no_bit() {
    let (model, y0) = common::treated_model();
    let rows: Vec<f64> = (1..100).map(|k| 7.0 * f64::from(k)).collect();
    for method in [Method::RK4, Method::DOPRI5, Method::TSIT45, Method::DOP853] {
        let s = settings(method, 1e-8);
        let mut trimmed = Integrator::new(model, 0.0, y0, s);
        let mut full = Integrator::new(AllStates(model), 0.0, y0, s);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        trimmed
            .advance_to(730.0, &rows, &mut |t, y| a.push((t, *y)))
            .unwrap();
        full.advance_to(730.0, &rows, &mut |t, y| b.push((t, *y)))
            .unwrap();
        let bits = |v: &State| v.map(f64::to_bits);
        assert_eq!(bits(trimmed.y()), bits(full.y()), "{method}");
        assert_eq!(trimmed.stats(), full.stats(), "{method}");
        assert_eq!(a.len(), rows.len());
        for ((ta, ya), (tb, yb)) in a.iter().zip(&b) {
            assert!(ta == tb && bits(ya) == bits(yb), "{method} at day {ta}");
        }
    }
}
