//! The `ode_solvers` backend: its `Rk4`, `Dopri5` and `Dop853` as
//! `ode_solvers_rk4`, `ode_solvers_dopri5` and `ode_solvers_dop853`
//! (hairsim's `rk4`, `dopri5` and `dop853` run on its own explicit engine,
//! `erk`), kept for comparison and as an independent reference.
//!
//! `ode_solvers` constructors take long positional float lists whose order
//! differs by method; this is the only place that calls them, and the only
//! place that sees its types (it shares nalgebra 0.34 with the solve core, so
//! the state passes through unchanged). Its dense output can only emit an
//! evenly spaced grid, so the integrator stops it at every output time.

use super::integrator::Integrator;
use super::method::{Method, OdeSolversMethod};
use super::problem::{Rhs, Vector};
use super::SolveError;
use ode_solvers::dop_shared::{IntegrationError, OutputType, Stats};
use ode_solvers::{Dop853, Dopri5, Rk4, System};

/// Adapter so `ode_solvers` can borrow the problem without copying it.
struct Borrowed<'a, R>(&'a R);

impl<R: Rhs<N>, const N: usize> System<f64, Vector<N>> for Borrowed<'_, R> {
    fn system(&self, _t: f64, y: &Vector<N>, dy: &mut Vector<N>) {
        self.0.eval(y, dy);
    }
}

/// Integrate from the integrator's time to `t1` with `method`, with at most
/// `budget` steps (≥ 1). Updates the integrator's state and work counts on
/// success; a failed integration reports no work and leaves the state.
pub(super) fn advance<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    method: OdeSolversMethod,
    t1: f64,
    budget: u64,
) -> Result<(), SolveError> {
    let (t0, y0, settings) = (integ.t, integ.y, &integ.settings);
    let len = t1 - t0;
    let named = Method::OdeSolvers(method);
    let n_max = u32::try_from(budget).unwrap_or(u32::MAX);
    let rhs = Borrowed(&integ.rhs);
    let n_stiff = if settings.stiffness_detection() {
        1000
    } else {
        u32::MAX
    };
    let map_err = |e: IntegrationError| match e {
        IntegrationError::MaxNumStepReached { x, .. } => SolveError::TooManySteps {
            method: named,
            t_days: x,
            max_steps: settings.max_steps(),
        },
        IntegrationError::StepSizeUnderflow { x } => SolveError::StepSizeUnderflow {
            method: named,
            t_days: x,
        },
        IntegrationError::StiffnessDetected { x } => SolveError::Stiff {
            method: named,
            t_days: x,
        },
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
                settings.rtol(),
                settings.atol(),
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
    let (s, y): (Stats, Option<Vector<N>>) = match method {
        OdeSolversMethod::Rk4 => {
            let n = (len / settings.rk4_step_days()).ceil().max(1.0);
            if n > f64::from(n_max) {
                return Err(SolveError::TooManySteps {
                    method: named,
                    t_days: t0,
                    max_steps: settings.max_steps(),
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
        OdeSolversMethod::Dopri5 => adaptive!(Dopri5, 0.04, 0.2, 10.0),
        OdeSolversMethod::Dop853 => adaptive!(Dop853, 0.0, 0.333, 6.0),
    };
    integ.stats.rhs_evaluations += u64::from(s.num_eval);
    integ.stats.accepted_steps += u64::from(s.accepted_steps);
    integ.stats.rejected_steps += u64::from(s.rejected_steps);
    integ.y = y.unwrap_or(y0);
    integ.t = t1;
    Ok(())
}
