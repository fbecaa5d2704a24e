//! Work-precision measurements of the solvers on a scenario (`sim bench`), in
//! the form of SciMLBenchmarks: for each method and tolerance, the error
//! against an independent tight reference, the wall time, and the work
//! (right-hand-side evaluations, steps, Jacobians).
//!
//! Pure except for the clock: the caller passes a loaded scenario and gets a
//! [`BenchReport`]; its files (`bench.csv`, `bench.json`, charts) are made by
//! [`crate::output::bench`]. Timing covers only the integration of every arm
//! (raw states kept on the output grid); parsing, set-up and output writing
//! are outside the timed region. Failed runs are kept as rows with their error, never
//! dropped.

use crate::label;
use crate::model::{State, N_STATES, STATE_NAMES};
use crate::scenario::Scenario;
use crate::simulation::{integrate_arm, output_times, SimError};
use crate::solve::{Method, SettingsError, SolveStats, SolverSettings};
use serde::Serialize;
use std::time::Instant;

/// Largest tolerated disagreement between the two reference solutions
/// (`ode_solvers_dop853` at rtol 1e-13 and `bdf` at rtol 1e-12), absolute, any state, any time.
pub const REFERENCE_AGREEMENT: f64 = 1e-9;

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchSpec {
    /// Methods, in the order they are reported.
    pub methods: Vec<Method>,
    /// Relative tolerances; each run uses atol = rtol × 1e-3.
    pub tolerances: Vec<f64>,
    /// Timed runs per (method, tolerance), after one untimed warm-up.
    pub runs: usize,
    /// Step budget per arm for the measured runs.
    pub max_steps: u32,
}

impl BenchSpec {
    /// Every method, tolerances 1e-3 … 1e-10 by decades, 5 runs.
    pub fn new() -> Self {
        BenchSpec {
            methods: Method::ALL.to_vec(),
            tolerances: decades(1e-3, 1e-10),
            runs: 5,
            max_steps: SolverSettings::default().max_steps(),
        }
    }
}

impl Default for BenchSpec {
    fn default() -> Self {
        Self::new()
    }
}

/// The tolerances from `a` to `b` by decades, both ends included (either order).
pub fn decades(a: f64, b: f64) -> Vec<f64> {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    let (top, bottom) = (hi.log10().round() as i32, lo.log10().round() as i32);
    (bottom..=top).rev().map(|e| 10f64.powi(e)).collect()
}

/// The settings one measured run uses: rtol = `tol`, atol = `tol` × 1e-3, no
/// stiffness refusal. `rk4` is fixed-step, so its step follows the tolerance
/// instead: 0.5 days × (tol / 1e-3)^¼, which makes its error fall with the
/// tolerance like a fourth-order method's.
pub fn run_settings(
    method: Method,
    tol: f64,
    max_steps: u32,
) -> Result<SolverSettings, SettingsError> {
    Ok(SolverSettings::new(method)
        .with_rtol(tol)?
        .with_atol(tol * 1e-3)?
        .with_max_steps(max_steps)?
        .with_rk4_step_days(0.5 * (tol / 1e-3).powf(0.25))?
        .with_stiffness_detection(false))
}

/// Errors of one run against the reference, absolute, over every arm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Errors {
    /// Root mean square over states and arms at the final time.
    pub final_l2: f64,
    /// Largest absolute error over states and arms at the final time.
    pub final_max: f64,
    /// Root mean square over states, arms and output times.
    pub grid_l2: f64,
    /// Largest absolute error over states, arms and output times.
    pub grid_max: f64,
    /// Per state: (name, root mean square over arms and times, max over arms and times).
    pub per_state: Vec<StateError>,
}

/// One state's error over the grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateError {
    /// State name.
    pub state: &'static str,
    /// Root mean square over arms and output times.
    pub l2: f64,
    /// Largest absolute error over arms and output times.
    pub max: f64,
}

/// Wall time of the timed runs, seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    /// Median.
    pub median_s: f64,
    /// Fastest.
    pub min_s: f64,
    /// Slowest.
    pub max_s: f64,
    /// Timed runs.
    pub runs: usize,
}

/// One (method, tolerance) cell of the study.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measurement {
    /// Method.
    pub method: Method,
    /// Relative tolerance requested.
    pub rtol: f64,
    /// Absolute tolerance used.
    pub atol: f64,
    /// `ok`, or `failed`.
    pub status: &'static str,
    /// Why the run failed (the solver's message), if it did.
    pub failure: Option<String>,
    /// Errors against the reference (successful runs only).
    pub errors: Option<Errors>,
    /// Wall time (successful runs only).
    pub timing: Option<Timing>,
    /// Solver work summed over every arm, from the checked (untimed) run.
    /// For a failed run: the work done before it failed, the arms before the
    /// failing one and the failing arm up to the failure (hairsim's and
    /// `diffsol`'s methods count the failing segment; `ode_solvers` reports
    /// nothing for it). A run that fails only in a timed repeat keeps the
    /// checked run's complete count.
    pub work: SolveStats,
}

/// The reference solution and how well its two independent solves agree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceInfo {
    /// How it was computed.
    pub method: String,
    /// Largest absolute difference between the two reference solves.
    pub disagreement: f64,
    /// The limit it had to stay under.
    pub limit: f64,
}

/// Where and with what the study ran; filled in by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Environment {
    /// CPU model name.
    pub cpu: String,
    /// Logical CPUs.
    pub cpus: usize,
    /// Memory, e.g. "15.6 GiB".
    pub memory: String,
    /// Operating system.
    pub os: String,
    /// `rustc --version` at build time, if known.
    pub rustc: String,
    /// Solver crates and their versions.
    pub crates: String,
    /// UTC date, YYYY-MM-DD.
    pub date: String,
}

impl Environment {
    /// One footer line: label, machine, versions and date.
    pub fn footer(&self, scenario: &str) -> String {
        format!(
            "{} · scenario: {scenario} · hairsim {} · {} ×{} · {} · {} · {}",
            label::SHORT,
            label::VERSION,
            self.cpu,
            self.cpus,
            self.rustc,
            self.crates,
            self.date
        )
    }
}

/// A whole study.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// The non-clinical disclaimer.
    pub disclaimer: &'static str,
    /// Scenario name.
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// hairsim version.
    pub version: &'static str,
    /// Arms integrated per run.
    pub arms: usize,
    /// Output rows per arm.
    pub output_rows: usize,
    /// The reference.
    pub reference: ReferenceInfo,
    /// Machine, versions and date.
    pub environment: Environment,
    /// One entry per (method, tolerance), methods in the requested order.
    pub measurements: Vec<Measurement>,
}

/// Why a study could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BenchError {
    /// A reference solve failed.
    #[error("the reference solve with {what} failed")]
    Reference {
        /// Which reference.
        what: &'static str,
        /// The cause.
        source: SimError,
    },
    /// The two reference solves disagree, so no error can be trusted.
    #[error("the two reference solutions disagree by {disagreement:e} (state `{state}`, arm `{arm}`, day {t_days:.2}), more than {limit:e}; the errors would not be trustworthy, so nothing was measured")]
    ReferenceDisagreement {
        /// Largest absolute difference.
        disagreement: f64,
        /// The limit.
        limit: f64,
        /// Where: state name.
        state: &'static str,
        /// Where: arm name.
        arm: String,
        /// Where: time.
        t_days: f64,
    },
    /// Nothing to measure.
    #[error("nothing to measure: {0}")]
    Empty(&'static str),
    /// Solver settings out of range.
    #[error(transparent)]
    Settings(#[from] SettingsError),
}

/// Raw states of every arm on the output grid.
type Solution = Vec<Vec<State>>;

/// Integrate every arm, keeping raw states; the work is added to `work` as it
/// is done, so a run that fails still shows what it cost up to the failure.
fn solve_all(
    scenario: &Scenario,
    grid: &[f64],
    settings: &SolverSettings,
    out: &mut Solution,
    work: &mut SolveStats,
) -> Result<(), SimError> {
    out.resize_with(scenario.arms.len(), Vec::new);
    for (arm, rows) in scenario.arms.iter().zip(out.iter_mut()) {
        rows.clear();
        integrate_arm(
            arm,
            scenario.duration_days,
            grid,
            settings,
            work,
            |_, _, y| rows.push(*y),
        )?;
    }
    Ok(())
}

/// The reference: `ode_solvers_dop853` at rtol 1e-13, checked against `bdf`
/// at rtol 1e-12. Both are crates' code, so the reference stays independent
/// of hairsim's own methods that the bench measures.
pub fn reference(scenario: &Scenario) -> Result<(Solution, ReferenceInfo), BenchError> {
    let grid = output_times(scenario);
    // One tight solve of every arm; its work is not reported.
    let tight = |method, rtol: f64, what| {
        let settings = SolverSettings::new(method)
            .with_rtol(rtol)
            .and_then(|s| s.with_atol(rtol * 1e-2))
            .and_then(|s| s.with_max_steps(u32::MAX))?
            .with_stiffness_detection(false);
        let mut sol = Solution::new();
        solve_all(
            scenario,
            &grid,
            &settings,
            &mut sol,
            &mut SolveStats::default(),
        )
        .map_err(|source| BenchError::Reference { what, source })?;
        Ok::<_, BenchError>(sol)
    };
    let a = tight(
        Method::ODE_SOLVERS_DOP853,
        1e-13,
        "ode_solvers_dop853 at rtol 1e-13",
    )?;
    let b = tight(Method::BDF, 1e-12, "bdf at rtol 1e-12")?;
    let mut worst = (0.0_f64, 0, 0, 0);
    for (arm, (ra, rb)) in a.iter().zip(&b).enumerate() {
        for (row, (ya, yb)) in ra.iter().zip(rb).enumerate() {
            for i in 0..N_STATES {
                let d = (ya[i] - yb[i]).abs();
                if d > worst.0 || d.is_nan() {
                    worst = (if d.is_nan() { f64::INFINITY } else { d }, arm, row, i);
                }
            }
        }
    }
    let (disagreement, arm, row, state) = worst;
    if disagreement > REFERENCE_AGREEMENT {
        return Err(BenchError::ReferenceDisagreement {
            disagreement,
            limit: REFERENCE_AGREEMENT,
            state: STATE_NAMES[state].0,
            arm: scenario.arms[arm].name.clone(),
            t_days: grid.get(row).copied().unwrap_or(f64::NAN),
        });
    }
    Ok((
        a,
        ReferenceInfo {
            method:
                "ode_solvers_dop853 at rtol 1e-13 (atol 1e-15), checked against bdf at rtol 1e-12 (atol 1e-14)"
                    .into(),
            disagreement,
            limit: REFERENCE_AGREEMENT,
        },
    ))
}

/// Errors of `sol` against `reference` (same arms and grid), or why they cannot be compared.
fn errors(sol: &Solution, reference: &Solution) -> Result<Errors, String> {
    let mut sum_sq = [0.0; N_STATES];
    let mut max = [0.0_f64; N_STATES];
    let (mut final_sq, mut final_max, mut rows, mut arms) = (0.0, 0.0_f64, 0usize, 0usize);
    for (s, r) in sol.iter().zip(reference) {
        if s.len() != r.len() {
            return Err(format!(
                "stopped early: {} of {} output rows",
                s.len(),
                r.len()
            ));
        }
        for (y, yr) in s.iter().zip(r) {
            for i in 0..N_STATES {
                let e = (y[i] - yr[i]).abs();
                if !e.is_finite() {
                    return Err(format!("state `{}` is not finite", STATE_NAMES[i].0));
                }
                sum_sq[i] += e * e;
                max[i] = max[i].max(e);
            }
            rows += 1;
        }
        if let (Some(y), Some(yr)) = (s.last(), r.last()) {
            for i in 0..N_STATES {
                let e = (y[i] - yr[i]).abs();
                final_sq += e * e;
                final_max = final_max.max(e);
            }
            arms += 1;
        }
    }
    if rows == 0 {
        return Err("no output rows".into());
    }
    let per_state: Vec<StateError> = (0..N_STATES)
        .map(|i| StateError {
            state: STATE_NAMES[i].0,
            l2: (sum_sq[i] / rows as f64).sqrt(),
            max: max[i],
        })
        .collect();
    let grid_l2 = (sum_sq.iter().sum::<f64>() / (rows * N_STATES) as f64).sqrt();
    Ok(Errors {
        final_l2: (final_sq / (arms.max(1) * N_STATES) as f64).sqrt(),
        final_max,
        grid_l2,
        grid_max: max.iter().copied().fold(0.0, f64::max),
        per_state,
    })
}

/// Median of a non-empty slice (sorted in place).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Measure one (method, tolerance) cell: a warm-up run whose result is
/// checked, then `runs` timed runs.
pub fn measure(
    scenario: &Scenario,
    reference: &Solution,
    method: Method,
    tol: f64,
    spec: &BenchSpec,
) -> Measurement {
    let grid = output_times(scenario);
    let mut m = Measurement {
        method,
        rtol: tol,
        atol: tol * 1e-3,
        status: "failed",
        failure: None,
        errors: None,
        timing: None,
        work: SolveStats::default(),
    };
    let settings = match run_settings(method, tol, spec.max_steps) {
        Ok(s) => s,
        Err(e) => {
            m.failure = Some(e.to_string());
            return m;
        }
    };
    let mut sol = Solution::new();
    if let Err(e) = solve_all(scenario, &grid, &settings, &mut sol, &mut m.work) {
        m.failure = Some(error_chain(&e));
        return m;
    }
    match errors(&sol, reference) {
        Ok(e) => m.errors = Some(e),
        Err(why) => {
            m.failure = Some(why);
            return m;
        }
    }
    let mut times = Vec::with_capacity(spec.runs);
    for _ in 0..spec.runs.max(1) {
        let start = Instant::now();
        let r = solve_all(
            scenario,
            &grid,
            &settings,
            &mut sol,
            &mut SolveStats::default(),
        );
        times.push(start.elapsed().as_secs_f64());
        if let Err(e) = r {
            m.failure = Some(format!("a timed run failed: {}", error_chain(&e)));
            m.errors = None;
            return m;
        }
    }
    let (min_s, max_s) = times.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), &t| {
        (lo.min(t), hi.max(t))
    });
    m.timing = Some(Timing {
        median_s: median(&mut times),
        min_s,
        max_s,
        runs: times.len(),
    });
    m.status = "ok";
    m
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(c) = source {
        s.push_str(": ");
        s.push_str(&c.to_string());
        source = c.source();
    }
    s
}

/// The whole study: the reference, then every (method, tolerance) cell.
pub fn run(
    scenario: &Scenario,
    spec: &BenchSpec,
    environment: Environment,
) -> Result<BenchReport, BenchError> {
    if spec.methods.is_empty() {
        return Err(BenchError::Empty("no solver was given"));
    }
    if spec.tolerances.is_empty() {
        return Err(BenchError::Empty("no tolerance was given"));
    }
    let (reference_solution, reference) = reference(scenario)?;
    let mut measurements = Vec::new();
    for &method in &spec.methods {
        for &tol in &spec.tolerances {
            measurements.push(measure(scenario, &reference_solution, method, tol, spec));
        }
    }
    Ok(BenchReport {
        disclaimer: label::DISCLAIMER,
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        version: label::VERSION,
        arms: scenario.arms.len(),
        output_rows: output_times(scenario).len(),
        reference,
        environment,
        measurements,
    })
}

/// A UTC date "YYYY-MM-DD" from seconds since the Unix epoch (civil-from-days).
pub fn utc_date(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_cover_both_ends_in_either_order() {
        let d = decades(1e-3, 1e-6);
        assert_eq!(d.len(), 4);
        assert!((d[0] / 1e-3 - 1.0).abs() < 1e-12 && (d[3] / 1e-6 - 1.0).abs() < 1e-12);
        assert_eq!(decades(1e-6, 1e-3).len(), 4);
    }

    #[test]
    fn median_of_odd_and_even() {
        assert!((median(&mut [3.0, 1.0, 2.0]) - 2.0).abs() < 1e-15);
        assert!((median(&mut [4.0, 1.0, 2.0, 3.0]) - 2.5).abs() < 1e-15);
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_700_000_000), "2023-11-14");
    }
}
