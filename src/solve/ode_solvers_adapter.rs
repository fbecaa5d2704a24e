//! The `ode_solvers` backend: its `Rk4`, `Dopri5` and `Dop853` as
//! `ode_solvers_rk4`, `ode_solvers_dopri5` and `ode_solvers_dop853`
//! (hairsim's `rk4`, `dopri5` and `dop853` run on its own explicit engine,
//! `erk`), kept for comparison and as an independent reference.
//!
//! `ode_solvers` constructors take long positional float lists whose order
//! differs by method; this is the only place that calls them, and the only
//! place that sees its types (it shares nalgebra 0.34 with the model, so the
//! state passes through unchanged).

use super::Segment;
use super::{Method, SolveError, SolveStats};
use crate::model::{HairModel, State};
use ode_solvers::dop_shared::{IntegrationError, OutputType, Stats};
use ode_solvers::{Dop853, Dopri5, Rk4, System};

/// Adapter so `ode_solvers` can borrow the model without copying it per segment.
struct Rhs<'a>(&'a HairModel);

impl System<f64, State> for Rhs<'_> {
    fn system(&self, _t: f64, y: &State, dy: &mut State) {
        self.0.derivatives(y, dy);
    }
}

fn add(stats: &mut SolveStats, s: Stats) {
    stats.rhs_evaluations += u64::from(s.num_eval);
    stats.accepted_steps += u64::from(s.accepted_steps);
    stats.rejected_steps += u64::from(s.rejected_steps);
}

/// Integrate one segment; `budget` (≥ 1) is the number of steps left for the arm.
pub(super) fn advance(seg: Segment<'_>, stats: &mut SolveStats) -> Result<State, SolveError> {
    let Segment {
        model,
        t0,
        t1,
        y0,
        settings,
        budget,
    } = seg;
    let len = t1 - t0;
    let method = settings.method;
    let n_max = u32::try_from(budget).unwrap_or(u32::MAX);
    let rhs = Rhs(model);
    let n_stiff = if settings.stiffness_detection {
        1000
    } else {
        u32::MAX
    };
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
                n_stiff,
                OutputType::Sparse,
            );
            let s = solver.integrate().map_err(map_err)?;
            (s, solver.y_out().last().copied())
        }};
    }
    let (s, y) = match method {
        Method::OdeSolversRk4 => {
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
        Method::OdeSolversDopri5 => adaptive!(Dopri5, 0.04, 0.2, 10.0),
        Method::OdeSolversDop853 => adaptive!(Dop853, 0.0, 0.333, 6.0),
        other => {
            return Err(SolveError::Backend {
                method: other,
                t_days: t0,
                message: "not an ode_solvers method".into(),
            })
        }
    };
    add(stats, s);
    Ok(y.unwrap_or(y0))
}
