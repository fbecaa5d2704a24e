//! Integrating the model over one segment between two stop points, with the
//! method and tolerances of one settings struct.
//!
//! `ode_solvers` constructors take long positional float lists whose order
//! differs by method; this module is the only place that calls them. Segments
//! never contain a dose event or an output time in their interior (the caller
//! guarantees it), so every method restarts cleanly at each stop and no
//! interpolation is needed: output rows are exact step ends.

use crate::model::{HairModel, Rhs, State, STATE_NAMES};
use ode_solvers::dop_shared::{IntegrationError, OutputType, Stats};
use ode_solvers::{Dop853, Dopri5, Rk4};
use serde::Serialize;
use std::fmt;

/// Integration method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Classic fixed-step Runge–Kutta of order 4.
    Rk4,
    /// Dormand–Prince 5(4), adaptive (the default).
    Dopri5,
    /// Dormand–Prince 8(5,3), adaptive, for tight tolerances.
    Dop853,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 3] = [Method::Rk4, Method::Dopri5, Method::Dop853];

    /// Name as written in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Rk4 => "rk4",
            Method::Dopri5 => "dopri5",
            Method::Dop853 => "dop853",
        }
    }

    /// Parse a method name.
    pub fn from_name(s: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to solve. One struct for every method; fields a method does not use are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolverSettings {
    /// Method.
    pub method: Method,
    /// Relative tolerance (adaptive methods).
    pub rtol: f64,
    /// Absolute tolerance (adaptive methods).
    pub atol: f64,
    /// Most steps (accepted + rejected) one arm may take.
    pub max_steps: u32,
    /// Largest step of the fixed-step method, days (shrunk to fit each segment evenly).
    pub rk4_step_days: f64,
}

impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings {
            method: Method::Dopri5,
            rtol: 1e-6,
            atol: 1e-9,
            max_steps: 1_000_000,
            rk4_step_days: 0.5,
        }
    }
}

/// Work done by the solver for one arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SolveStats {
    /// Right-hand-side evaluations.
    pub rhs_evaluations: u64,
    /// Accepted steps.
    pub accepted_steps: u64,
    /// Rejected steps.
    pub rejected_steps: u64,
    /// Segments integrated (one per interval between stop points).
    pub segments: u64,
}

impl SolveStats {
    fn add(&mut self, s: Stats) {
        self.rhs_evaluations += u64::from(s.num_eval);
        self.accepted_steps += u64::from(s.accepted_steps);
        self.rejected_steps += u64::from(s.rejected_steps);
        self.segments += 1;
    }

    fn steps(&self) -> u64 {
        self.accepted_steps + self.rejected_steps
    }
}

/// Why a segment could not be integrated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The arm used up its step budget.
    #[error("{method} needed more than {max_steps} steps (stopped at day {t_days:.3}); raise [solver] max_steps, loosen rtol, or try another method")]
    TooManySteps {
        /// Method.
        method: Method,
        /// Simulated time reached, days.
        t_days: f64,
        /// The budget.
        max_steps: u32,
    },
    /// The step size became too small for floating point.
    #[error(
        "{method}: step size underflow at day {t_days:.3}; loosen rtol/atol or try --solver dop853"
    )]
    StepSizeUnderflow {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
    },
    /// The explicit method detected stiffness.
    #[error("{method}: the problem became stiff at day {t_days:.3}; loosen tolerances or use smaller parameter rates")]
    Stiff {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
    },
    /// A state became NaN or infinite.
    #[error("{method}: state `{state}` is not finite at day {t_days:.3}; check parameter overrides for extreme values")]
    NonFinite {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
        /// Name of the first bad state.
        state: &'static str,
    },
}

/// Integrate `y0` from `t0` to `t1` (no dose or output time strictly inside) and
/// return the state at `t1`. Adds the work to `stats`; the step budget is shared
/// by all segments of an arm.
pub fn advance(
    model: &HairModel,
    t0: f64,
    t1: f64,
    y0: State,
    settings: &SolverSettings,
    stats: &mut SolveStats,
) -> Result<State, SolveError> {
    let len = t1 - t0;
    if len <= 0.0 {
        return Ok(y0);
    }
    let method = settings.method;
    let budget = u64::from(settings.max_steps).saturating_sub(stats.steps());
    let n_max = u32::try_from(budget).unwrap_or(u32::MAX);
    if n_max == 0 {
        return Err(SolveError::TooManySteps {
            method,
            t_days: t0,
            max_steps: settings.max_steps,
        });
    }
    let rhs = Rhs(model);
    let map_err = |e: IntegrationError| match e {
        IntegrationError::MaxNumStepReached { x, .. } => SolveError::TooManySteps {
            method,
            t_days: x,
            max_steps: settings.max_steps,
        },
        IntegrationError::StepSizeUnderflow { x } => {
            SolveError::StepSizeUnderflow { method, t_days: x }
        }
        IntegrationError::StiffnessDetected { x } => SolveError::Stiff { method, t_days: x },
    };
    // Both adaptive methods share one constructor shape; only the step-size
    // controller constants differ. Sparse output: every accepted step, the last
    // being exactly t1.
    macro_rules! adaptive {
        ($solver:ident, $beta:expr, $fac_min:expr, $fac_max:expr) => {{
            let mut solver = $solver::from_param(
                rhs,
                t0,
                t1,
                len,
                y0,
                settings.rtol,
                settings.atol,
                0.9,
                $beta,
                $fac_min,
                $fac_max,
                len,
                0.0,
                n_max,
                1000,
                OutputType::Sparse,
            );
            let s = solver.integrate().map_err(map_err)?;
            (s, solver.y_out().last().copied())
        }};
    }
    let (s, y) = match method {
        Method::Rk4 => {
            let n = (len / settings.rk4_step_days).ceil().max(1.0);
            if n > f64::from(n_max) {
                return Err(SolveError::TooManySteps {
                    method,
                    t_days: t0,
                    max_steps: settings.max_steps,
                });
            }
            let h = len / n;
            // Rk4 takes ceil((end - start) / h) steps; shave the end so rounding
            // cannot add a step past t1.
            let mut solver = Rk4::new(rhs, t0, y0, t1 - 0.5 * h, h);
            let s = solver.integrate().map_err(map_err)?;
            (s, solver.y_out().last().copied())
        }
        // Controller constants are each method's published defaults (Hairer's
        // DOPRI5 / DOP853 codes): safety 0.9, then beta, fac_min, fac_max.
        Method::Dopri5 => adaptive!(Dopri5, 0.04, 0.2, 10.0),
        Method::Dop853 => adaptive!(Dop853, 0.0, 0.333, 6.0),
    };
    stats.add(s);
    let y = y.unwrap_or(y0);
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        return Err(SolveError::NonFinite {
            method,
            t_days: t1,
            state: STATE_NAMES[i].0,
        });
    }
    Ok(y)
}
