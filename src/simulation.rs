//! Runs a validated scenario: every arm from its profile's steady state, through
//! its dose events, to a trajectory. Pure: no files, no terminal.
//!
//! Each arm is one [`Integrator`] of the model, advanced from stop to stop
//! of its [`timeline`] (every dose event and the horizon), so a step never
//! crosses a dose. Output rows between two stops are read off the method's
//! dense output, accurate to the solver's tolerance (methods without one stop
//! at each output time instead; see [`crate::solve`]). At a stop, the
//! sessions there are applied in declaration order (a jump in the
//! integrator's state), the inputs change, then the output row (if any) is
//! recorded: rows at dose times are post-dose.

use crate::model::{ix, HairModel, State, FOLLICLE_STATES, GRAFT_CYCLE_STATES, N_STATES};
use crate::scenario::{Arm, Scenario};
use crate::schedule::{expand, Action, Event};
use crate::solve::{AsArray, Integrator, Method, SolveError, SolveStats, SolverSettings};
use crate::steady_state::steady_state;
use crate::timeline::{timeline, Stop, SAME_TIME_DAYS};
use crate::trajectory::{Observables, Trajectory};
use crate::treatment::TreatmentKind;

/// Largest tolerated drift of the follicle states (phases and follicles
/// lost) from summing to 1, or below 0, at tight solver tolerances; a looser
/// absolute tolerance widens it (ten times `atol`): a compartment that
/// empties may end a few `atol` below 0, which is the accuracy asked for.
const PHASE_TOLERANCE: f64 = 1e-6;

/// What a chart needs to mark a treatment: its continuous windows and its sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentMarks {
    /// Treatment kind as written in scenario files (`finasteride`, `prp`, …).
    pub kind: String,
    /// Human label, e.g. "finasteride 1 mg daily" or "prp, 3 sessions every 4 weeks".
    pub label: String,
    /// The treatment as scheduled (the charts word it in their language).
    pub treatment: crate::schedule::Treatment,
    /// Windows during which a continuous treatment is taken, (start, stop) in days.
    pub windows: Vec<(f64, f64)>,
    /// Times of discrete sessions actually given (after adherence), days.
    pub sessions: Vec<f64>,
}

/// One simulated arm.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmResult {
    /// Arm name from the scenario (unique within it).
    pub name: String,
    /// Its treatments, in declaration order.
    pub treatments: Vec<TreatmentMarks>,
    /// Observables on the output grid.
    pub trajectory: Trajectory,
    /// Solver work for this arm.
    pub stats: SolveStats,
    /// The arm's transplants so far, if it has any.
    pub grafts: Option<GraftTally>,
}

/// What became of an arm's transplanted grafts by the end of the run.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GraftTally {
    /// Follicular units transplanted (every session given).
    pub transplanted: f64,
    /// Follicular units still present at the end: those whose arrector pili
    /// muscle re-attached, and those still waiting to find out.
    pub surviving: f64,
    /// Surviving share, %.
    pub survival_pct: f64,
}

impl GraftTally {
    /// The tally of `arm`'s transplants, from the sessions given (`events`)
    /// and the final state `y`; `None` if the arm has no transplant session.
    fn of(arm: &Arm, events: &[Event], y: &State) -> Option<GraftTally> {
        let transplanted: f64 = events
            .iter()
            .filter(|e| e.action == Action::Session)
            .map(|e| &arm.treatments[e.treatment])
            .filter(|t| t.kind == TreatmentKind::HairTransplant)
            .map(|t| t.dose)
            .sum();
        if transplanted <= 0.0 {
            return None;
        }
        let present: f64 = GRAFT_CYCLE_STATES.iter().map(|&i| y[i]).sum();
        let share = present / (present + y[ix::GRAFT_LOST]).max(f64::MIN_POSITIVE);
        Some(GraftTally {
            transplanted,
            surviving: transplanted * share,
            survival_pct: 100.0 * share,
        })
    }
}

/// Everything a run produced, ready for the output writers.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationResult {
    /// Scenario name (also the default output folder name).
    pub scenario: String,
    /// One-line scenario description.
    pub description: String,
    /// Simulated span, days.
    pub duration_days: f64,
    /// Endpoint times for the endpoint chart and `summary.json`, days.
    pub endpoint_times_days: Vec<f64>,
    /// Solver settings used (method name, tolerances).
    pub solver: SolverSettings,
    /// Arms in scenario order.
    pub arms: Vec<ArmResult>,
    /// Percentile bands and responder rates, when the scenario has a `[population]`.
    pub population: Option<crate::population::PopulationSummary>,
}

/// Why a simulation failed. Names the arm and the simulated time.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The solver failed.
    #[error("arm `{arm}`")]
    Solver {
        /// Arm name.
        arm: String,
        /// The solver's error.
        source: SolveError,
    },
    /// A state left its valid range.
    #[error("arm `{arm}`: {what} at day {t_days:.3} (value {value:.4e}) with {method}; {}", invalid_state_hint(*method))]
    InvalidState {
        /// Arm name.
        arm: String,
        /// The integration method in use.
        method: Method,
        /// What went wrong.
        what: &'static str,
        /// Simulated time, days.
        t_days: f64,
        /// The offending value.
        value: f64,
    },
}

/// What to try when a state leaves its valid range: a shorter step for a
/// fixed-step method, a tighter tolerance for an adaptive one.
fn invalid_state_hint(method: Method) -> &'static str {
    if method.is_adaptive() {
        "tighten the tolerance (e.g. rtol = 1e-8), try --solver dop853, or check parameter overrides for extreme values"
    } else {
        "the fixed step is too large for the model's fastest phase: use a shorter rk4_step (the default is \"0.5 days\") or --solver auto (adaptive, and implicit while the model is stiff: with [model] pk = \"explicit\" plasma kinetics take hours)"
    }
}

/// Output times: 0, Δ, 2Δ, … and the horizon itself.
pub fn output_grid(duration_days: f64, interval_days: f64) -> Vec<f64> {
    let n = (duration_days / interval_days + 1e-9).floor() as usize;
    let mut grid: Vec<f64> = (0..=n).map(|k| k as f64 * interval_days).collect();
    if grid
        .last()
        .is_some_and(|&t| duration_days - t > SAME_TIME_DAYS)
    {
        grid.push(duration_days);
    }
    grid
}

/// The output times of a scenario: its regular grid plus every endpoint time
/// (and the cohort's responder time), so these are exact step ends rather than
/// interpolated between rows.
pub fn output_times(scenario: &Scenario) -> Vec<f64> {
    let mut times = output_grid(scenario.duration_days, scenario.output_interval_days);
    times.extend(scenario.plot.endpoints_days.iter().copied());
    times.extend(scenario.population.as_ref().map(|p| p.responder_time_days));
    times.sort_by(f64::total_cmp);
    times.dedup_by(|b, a| (*b - *a).abs() <= SAME_TIME_DAYS);
    times
}

/// Simulate every arm of a scenario.
pub fn simulate(scenario: &Scenario) -> Result<SimulationResult, SimError> {
    let grid = output_times(scenario);
    let arms = scenario
        .arms
        .iter()
        .map(|arm| simulate_arm(arm, scenario.duration_days, &grid, &scenario.solver))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SimulationResult {
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        duration_days: scenario.duration_days,
        endpoint_times_days: scenario.plot.endpoints_days.clone(),
        solver: scenario.solver,
        arms,
        population: None,
    })
}

/// Catch a state that left its valid range at once, naming it. Non-finite
/// values are caught first: a NaN would compare false and slip past the rest.
fn check_state(arm: &str, settings: &SolverSettings, t: f64, y: &State) -> Result<(), SimError> {
    let method = settings.method();
    let tolerance = PHASE_TOLERANCE.max(10.0 * settings.atol());
    let bad = |what, value| {
        Err(SimError::InvalidState {
            arm: arm.to_string(),
            method,
            what,
            t_days: t,
            value,
        })
    };
    // Checked for every output row: one branch-free pass first (it
    // vectorizes), the search for the culprit only when something is wrong.
    if !y.as_slice().iter().fold(true, |ok, v| ok & v.is_finite()) {
        if let Some(&v) = y.iter().find(|v| !v.is_finite()) {
            return bad("a state became NaN or infinite", v);
        }
    }
    let sum: f64 = FOLLICLE_STATES.iter().map(|&i| y[i]).sum();
    if (sum - 1.0).abs() > tolerance {
        return bad("phase fractions no longer sum to 1", sum);
    }
    for &i in &FOLLICLE_STATES {
        if y[i] < -tolerance {
            return bad("a phase fraction became negative", y[i]);
        }
    }
    for i in GRAFT_CYCLE_STATES
        .into_iter()
        .chain([ix::GRAFT_LOST, ix::GRAFT_TERMINAL])
    {
        if y[i] < -tolerance {
            return bad(
                "a share of the transplanted follicles became negative",
                y[i],
            );
        }
    }
    Ok(())
}

/// An output row with a value that is not finite (an extreme parameter override
/// can overflow an observable even when the state is fine).
fn check_row(arm: &str, method: Method, t: f64, row: &Observables) -> Result<(), SimError> {
    match row.values().into_iter().find(|v| !v.is_finite()) {
        Some(value) => Err(SimError::InvalidState {
            arm: arm.to_string(),
            method,
            what: "an output value is not finite",
            t_days: t,
            value,
        }),
        None => Ok(()),
    }
}

fn marks(arm: &Arm, events: &[Event], horizon: f64) -> Vec<crate::simulation::TreatmentMarks> {
    arm.treatments
        .iter()
        .enumerate()
        .map(|(i, tr)| {
            let mine = events.iter().filter(|e| e.treatment == i);
            let mut windows = Vec::new();
            let mut sessions = Vec::new();
            let mut open: Option<f64> = None;
            for e in mine {
                match e.action {
                    Action::Start => open = Some(e.time_days),
                    Action::Stop => {
                        if let Some(s) = open.take() {
                            windows.push((s, e.time_days));
                        }
                    }
                    Action::Session => sessions.push(e.time_days),
                }
            }
            if let Some(s) = open {
                windows.push((s, horizon));
            }
            TreatmentMarks {
                kind: tr.kind.name().to_string(),
                label: tr.label(),
                treatment: *tr,
                windows,
                sessions,
            }
        })
        .collect()
}

/// Simulate one arm on the given output grid.
pub fn simulate_arm(
    arm: &Arm,
    duration_days: f64,
    grid: &[f64],
    settings: &SolverSettings,
) -> Result<ArmResult, SimError> {
    let mut trajectory = Trajectory {
        times_days: Vec::with_capacity(grid.len()),
        rows: Vec::with_capacity(grid.len()),
    };
    let mut stats = SolveStats::default();
    let mut last = State::zeros();
    integrate_arm(
        arm,
        duration_days,
        grid,
        settings,
        &mut stats,
        |t, model, y| {
            trajectory.times_days.push(t);
            trajectory.rows.push(model.observe(y));
            last = *y;
        },
    )?;
    for (t, row) in trajectory.times_days.iter().zip(&trajectory.rows) {
        check_row(&arm.name, settings.method(), *t, row)?;
    }
    let events = expand(&arm.treatments, duration_days);
    Ok(ArmResult {
        name: arm.name.clone(),
        treatments: marks(arm, &events, duration_days),
        trajectory,
        stats,
        grafts: GraftTally::of(arm, &events, &last),
    })
}

/// Integrate one arm through its stops and hand every output row (time, the
/// model with the inputs in force, post-dose state) to `row`. [`simulate_arm`]
/// observes the rows; `bench` keeps raw states.
///
/// The arm's solver work is added to `stats`, also when the arm fails
/// part-way, so that `sim bench` can report what a failed run cost up to the
/// failure (hairsim's own methods and the `diffsol` ones count the failing
/// advance too; `ode_solvers` reports no work for an integration it fails
/// in). The step budget (`max_steps`) is the arm's own.
pub fn integrate_arm(
    arm: &Arm,
    duration_days: f64,
    grid: &[f64],
    settings: &SolverSettings,
    stats: &mut SolveStats,
    mut row: impl FnMut(f64, &HairModel, &State),
) -> Result<(), SimError> {
    let patient = &arm.patient;
    let model = HairModel::untreated(patient.params).with_pk(arm.pk);
    let y0 = steady_state(&patient.params, patient.terminal_fraction_start);
    let mut integrator = Integrator::new(model, 0.0, y0, *settings);
    let stops = timeline(arm, duration_days);
    let result = run_stops(arm, &stops, grid, &mut integrator, &mut row);
    *stats += *integrator.stats();
    result
}

/// Advance `integrator` from stop to stop, applying what happens at each.
fn run_stops(
    arm: &Arm,
    stops: &[Stop],
    grid: &[f64],
    integrator: &mut Integrator<HairModel, N_STATES>,
    row: &mut impl FnMut(f64, &HairModel, &State),
) -> Result<(), SimError> {
    let settings = *integrator.settings();
    let mut next_row = 0;
    for stop in stops {
        // Output rows strictly inside the advance come from the solver.
        let first = next_row;
        while grid
            .get(next_row)
            .is_some_and(|&g| g < stop.t_days - SAME_TIME_DAYS)
        {
            next_row += 1;
        }
        let inside = &grid[first..next_row];
        let model = *integrator.rhs();
        let mut bad_row = Ok(());
        let advanced = integrator.advance_to(stop.t_days, inside, &mut |g, y| {
            if bad_row.is_ok() {
                bad_row = check_state(&arm.name, &settings, g, y);
            }
            row(g, &model, y);
        });
        // A bad row comes first: it is the earliest sign (an explicit method
        // that went unstable leaves NaN rows before the solver reports the
        // non-finite state at the advance's end).
        bad_row?;
        advanced.map_err(|source| SimError::Solver {
            arm: arm.name.clone(),
            source,
        })?;
        let t = stop.t_days;
        check_state(&arm.name, &settings, t, integrator.y())?;
        stop.apply_sessions(arm, &arm.patient.params, integrator.y_mut().as_array_mut());
        check_state(&arm.name, &settings, t, integrator.y())?;
        if let Some(inputs) = stop.inputs {
            integrator.rhs_mut().inputs = inputs;
        }
        if let Some(&g) = grid.get(next_row) {
            if (g - t).abs() <= SAME_TIME_DAYS {
                row(g, integrator.rhs(), integrator.y());
                next_row += 1;
            }
        }
    }
    Ok(())
}

/// A copy of `scenario` cut short for smoke tests and fuzzing: at most
/// `max_days` long, every endpoint inside it, and a step budget of `max_steps`
/// per arm (at least 1), so that any valid scenario simulates in milliseconds.
pub fn shortened(scenario: &Scenario, max_days: f64, max_steps: u32) -> Scenario {
    let mut s = scenario.clone();
    s.duration_days = s.duration_days.min(max_days);
    s.output_interval_days = s.output_interval_days.min(s.duration_days);
    s.plot.endpoints_days.retain(|&d| d <= s.duration_days);
    if s.plot.endpoints_days.is_empty() {
        s.plot.endpoints_days.push(s.duration_days);
    }
    if let Ok(solver) = s.solver.with_max_steps(s.solver.max_steps().min(max_steps)) {
        s.solver = solver;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{compartment, follicle_state, Kind};

    fn healthy_state() -> State {
        let p = crate::params::Parameters::default();
        steady_state(&p, None)
    }

    fn what(r: Result<(), SimError>) -> &'static str {
        match r {
            Err(SimError::InvalidState { what, .. }) => what,
            other => panic!("expected InvalidState, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_state_passes() {
        assert!(check_state(
            "a",
            &SolverSettings::new(Method::DOPRI5),
            0.0,
            &healthy_state()
        )
        .is_ok());
    }

    #[test]
    fn nan_and_infinity_are_caught_in_any_state() {
        for i in 0..crate::model::N_STATES {
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let mut y = healthy_state();
                y[i] = bad;
                assert_eq!(
                    what(check_state(
                        "a",
                        &SolverSettings::new(Method::DOPRI5),
                        1.0,
                        &y
                    )),
                    "a state became NaN or infinite",
                    "state {i} = {bad}"
                );
            }
        }
    }

    #[test]
    fn drift_and_negative_phases_are_named() {
        let state = |c| follicle_state(Kind::Primed, c);
        let mut y = healthy_state();
        y[state(compartment::ANAGEN_1 + 2)] += 1e-4;
        assert_eq!(
            what(check_state(
                "a",
                &SolverSettings::new(Method::DOPRI5),
                1.0,
                &y
            )),
            "phase fractions no longer sum to 1"
        );
        let mut y = healthy_state();
        // Keep the sum at 1 while catagen goes below zero.
        y[state(compartment::ANAGEN_1)] += y[state(compartment::CATAGEN)] + 1e-3;
        y[state(compartment::CATAGEN)] = -1e-3;
        assert_eq!(
            what(check_state(
                "a",
                &SolverSettings::new(Method::DOPRI5),
                1.0,
                &y
            )),
            "a phase fraction became negative"
        );
    }

    /// A compartment that empties may end a few `atol` below zero: that is
    /// the accuracy asked for, so a loose `atol` widens the floor (ten times
    /// it) and a tight one keeps 1e-6.
    #[test]
    fn the_negative_floor_follows_the_absolute_tolerance() {
        let mut y = healthy_state();
        let kenogen = follicle_state(Kind::Terminal, compartment::KENOGEN);
        let telogen = follicle_state(Kind::Terminal, compartment::TELOGEN);
        y[telogen] += y[kenogen] + 5e-6;
        y[kenogen] = -5e-6;
        let tight = SolverSettings::new(Method::DOPRI5)
            .with_atol(1e-9)
            .expect("valid");
        let loose = SolverSettings::new(Method::DOPRI5)
            .with_atol(1e-6)
            .expect("valid");
        assert_eq!(
            what(check_state("a", &tight, 1.0, &y)),
            "a phase fraction became negative"
        );
        assert!(check_state("a", &loose, 1.0, &y).is_ok());
    }

    #[test]
    fn the_message_names_arm_time_value_method_and_a_fix() {
        let mut y = healthy_state();
        let kenogen = follicle_state(Kind::Terminal, compartment::KENOGEN);
        let telogen = follicle_state(Kind::Terminal, compartment::TELOGEN);
        y[telogen] += y[kenogen] + 0.5;
        y[kenogen] = -0.5;
        let e = check_state("PRP arm", &SolverSettings::new(Method::DOPRI5), 42.5, &y)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("arm `PRP arm`: a phase fraction became negative at day 42.500"),
            "{e}"
        );
        assert!(e.contains("(value -5.0000e-1) with dopri5; tighten"), "{e}");
    }

    #[test]
    fn shortened_keeps_a_valid_scenario() {
        let text = "[scenario]\nname = \"s\"\nduration = \"5 years\"\noutput_interval = \"1 year\"\n[[arm]]\nname = \"a\"\n";
        let sc = crate::scenario::parse("s.toml", text).unwrap();
        let short = shortened(&sc, 60.0, 500);
        assert!((short.duration_days - 60.0).abs() < 1e-12);
        assert!((short.output_interval_days - 60.0).abs() < 1e-12);
        assert_eq!(short.plot.endpoints_days, vec![60.0]);
        assert_eq!(short.solver.max_steps(), 500);
        assert!(simulate(&short).is_ok());
    }
}
