//! Runs a validated scenario: every arm from its profile's steady state, through
//! its dose events, to a trajectory. Pure: no files, no terminal.
//!
//! The integrator stops at every dose event (and the horizon), so a step never
//! crosses a dose. Output rows between two stops are read off the method's
//! dense output, accurate to the solver's tolerance (methods without one stop
//! at each output time instead; see [`crate::solve`]). At a stop, the events
//! there are applied in declaration order, then the output row (if any) is
//! recorded: rows at dose times are post-dose.

use crate::model::{ix, HairModel, Inputs, State};
use crate::scenario::{Arm, Patient, Scenario};
use crate::schedule::{expand, Action, Event};
use crate::solve::{advance_with_outputs, SolveError, SolveStats, SolverSettings};
use crate::steady_state::steady_state;
use crate::trajectory::Trajectory;

/// Two times closer than this (days) are the same stop.
const SAME_TIME_DAYS: f64 = 1e-9;

/// Largest tolerated drift of the phase fractions from summing to 1, or below 0.
const PHASE_TOLERANCE: f64 = 1e-6;

/// What a chart needs to mark a treatment: its continuous windows and its sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentMarks {
    /// Treatment kind as written in scenario files (`finasteride`, `prp`, …).
    pub kind: String,
    /// Human label, e.g. "finasteride 1 mg daily" or "prp, 3 sessions every 4 weeks".
    pub label: String,
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
    #[error("arm `{arm}`: {what} at day {t_days:.3} (value {value:e}); the solver's tolerance may be too loose (try rtol = 1e-8) or a parameter override too extreme")]
    InvalidState {
        /// Arm name.
        arm: String,
        /// What went wrong.
        what: &'static str,
        /// Simulated time, days.
        t_days: f64,
        /// The offending value.
        value: f64,
    },
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

/// The inputs implied by the continuous treatments that are on.
fn inputs_for(arm: &Arm, patient: &Patient, on: &[bool]) -> Inputs {
    let mut inputs = Inputs::default();
    for (tr, _) in arm.treatments.iter().zip(on).filter(|(_, on)| **on) {
        tr.kind
            .add_continuous(&patient.params, tr.dose_per_day(), &mut inputs);
    }
    inputs
}

/// Where the integrator must stop: every time at which an event changes
/// something (a session, or drugs switched on or off so that the inputs
/// change), and the horizon (sorted, de-duplicated). A stop and a restart of
/// the same dose at the same time change nothing, so a compact schedule and
/// the same doses written out stop at the same times. Output times are not
/// stops: the solver reports them from inside a segment (see
/// [`crate::solve::advance_with_outputs`]).
fn stop_points(arm: &Arm, duration_days: f64, events: &[Event]) -> Vec<f64> {
    let mut stops = vec![0.0];
    let mut on = vec![false; arm.treatments.len()];
    let mut inputs = inputs_for(arm, &arm.patient, &on);
    let mut i = 0;
    while let Some(first) = events.get(i) {
        let t = first.time_days;
        let mut session = false;
        while let Some(e) = events.get(i).filter(|e| e.time_days <= t + SAME_TIME_DAYS) {
            match e.action {
                Action::Start => on[e.treatment] = true,
                Action::Stop => on[e.treatment] = false,
                Action::Session => session = true,
            }
            i += 1;
        }
        let next = inputs_for(arm, &arm.patient, &on);
        if session || next != inputs {
            stops.push(t);
        }
        inputs = next;
    }
    stops.push(duration_days);
    stops.sort_by(f64::total_cmp);
    stops.dedup_by(|b, a| (*b - *a).abs() <= SAME_TIME_DAYS);
    stops
}

fn check_state(arm: &str, t: f64, y: &State) -> Result<(), SimError> {
    let bad = |what, value| {
        Err(SimError::InvalidState {
            arm: arm.to_string(),
            what,
            t_days: t,
            value,
        })
    };
    let phases = [ix::ANAGEN, ix::CATAGEN, ix::TELOGEN, ix::KENOGEN];
    let sum: f64 = phases.iter().map(|&i| y[i]).sum();
    if (sum - 1.0).abs() > PHASE_TOLERANCE {
        return bad("phase fractions no longer sum to 1", sum);
    }
    for &i in &phases {
        if y[i] < -PHASE_TOLERANCE {
            return bad("a phase fraction became negative", y[i]);
        }
    }
    if !(-PHASE_TOLERANCE..=1.0 + PHASE_TOLERANCE).contains(&y[ix::TERMINAL]) {
        return bad("the terminal fraction left [0, 1]", y[ix::TERMINAL]);
    }
    Ok(())
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
    let stats = integrate_arm(arm, duration_days, grid, settings, |t, model, y| {
        trajectory.times_days.push(t);
        trajectory.rows.push(model.observe(y));
    })?;
    let events = expand(&arm.treatments, duration_days);
    Ok(ArmResult {
        name: arm.name.clone(),
        treatments: marks(arm, &events, duration_days),
        trajectory,
        stats,
    })
}

/// Integrate one arm through its events and hand every output row (time, the
/// model with the inputs in force, post-dose state) to `row`. The solver work
/// is returned. [`simulate_arm`] observes the rows; `bench` keeps raw states.
pub fn integrate_arm(
    arm: &Arm,
    duration_days: f64,
    grid: &[f64],
    settings: &SolverSettings,
    mut row: impl FnMut(f64, &HairModel, &State),
) -> Result<SolveStats, SimError> {
    let patient = &arm.patient;
    let events = expand(&arm.treatments, duration_days);
    let stops = stop_points(arm, duration_days, &events);
    let mut on = vec![false; arm.treatments.len()];
    let mut model = HairModel {
        pk: arm.pk,
        ..HairModel::untreated(patient.params)
    };
    let mut y = steady_state(&patient.params, patient.terminal_fraction_start);
    let mut stats = SolveStats::default();
    let (mut t, mut next_event, mut next_row) = (0.0, 0, 0);
    let solver_err = |source| SimError::Solver {
        arm: arm.name.clone(),
        source,
    };

    for &stop in &stops {
        // Output rows strictly inside the segment come from the solver.
        let first = next_row;
        while grid
            .get(next_row)
            .is_some_and(|&g| g < stop - SAME_TIME_DAYS)
        {
            next_row += 1;
        }
        let inside = &grid[first..next_row];
        let mut bad_row = Ok(());
        y = advance_with_outputs(
            &model,
            t,
            stop,
            y,
            settings,
            &mut stats,
            inside,
            &mut |g, y| {
                if bad_row.is_ok() {
                    bad_row = check_state(&arm.name, g, y);
                }
                row(g, &model, y);
            },
        )
        .map_err(solver_err)?;
        bad_row?;
        t = stop;
        check_state(&arm.name, t, &y)?;

        let mut inputs_changed = false;
        while let Some(e) = events
            .get(next_event)
            .filter(|e| e.time_days <= t + SAME_TIME_DAYS)
        {
            let tr = &arm.treatments[e.treatment];
            match e.action {
                Action::Start => {
                    on[e.treatment] = true;
                    inputs_changed = true;
                }
                Action::Stop => {
                    on[e.treatment] = false;
                    inputs_changed = true;
                }
                Action::Session => tr.kind.apply_session(&patient.params, tr.dose, &mut y),
            }
            next_event += 1;
        }
        if inputs_changed {
            model.inputs = inputs_for(arm, patient, &on);
        }
        if let Some(&g) = grid.get(next_row) {
            if (g - t).abs() <= SAME_TIME_DAYS {
                row(g, &model, &y);
                next_row += 1;
            }
        }
    }
    Ok(stats)
}
