//! The `diffsol` backend: `bdf`, `tr_bdf2`, `esdirk34` (implicit) and its
//! `tsit45` as `diffsol_tsit45` (explicit; hairsim's own `tsit45` runs on the
//! explicit engine, `erk`).
//!
//! diffsol uses nalgebra 0.35 while the solve core uses 0.34, so no nalgebra
//! type crosses this boundary: diffsol's closures see plain `&[f64]` slices,
//! which are copied into and out of the stack-allocated [`Vector`]. The
//! right-hand side is the problem's [`Rhs::eval`]; the Jacobian-vector
//! product the implicit methods need is its [`Rhs::jacobian_times`] (by
//! default a central finite difference: two evaluations, counted as such).
//! diffsol assembles its dense Jacobian from one product per component, so
//! Jacobian evaluations are reported as products ÷ components.

use super::integrator::{Integrator, Rows};
use super::method::{DiffsolMethod, Method};
use super::problem::{Rhs, Vector};
use super::SolveError;
use diffsol::{
    DiffsolError, NalgebraLU, NalgebraMat, OdeBuilder, OdeEquations, OdeSolverMethod,
    OdeSolverStopReason, Vector as _,
};
use std::cell::Cell;

type M = NalgebraMat<f64>;
type LS = NalgebraLU<f64>;

/// Integrate from the integrator's time to `t_stop` with `method`, with at
/// most `budget` steps (≥ 1); output rows are interpolated by the method.
/// Updates the integrator's work counts, and its state on success (on
/// failure it stays at the advance's start).
pub(super) fn advance<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    method: DiffsolMethod,
    (t1, budget): (f64, u64),
    rows: &mut Rows<'_, N>,
) -> Result<(), SolveError> {
    let t0 = integ.t;
    let (rhs, settings, y0) = (&integ.rhs, &integ.settings, integ.y);
    let backend = |t_days: f64, e: &DiffsolError| SolveError::Backend {
        method: Method::Diffsol(method),
        t_days,
        message: e.to_string(),
    };
    let rhs_calls = Cell::new(0u64);
    let jv_calls = Cell::new(0u64);
    let problem = OdeBuilder::<M>::new()
        .t0(t0)
        .h0(initial_step(t1 - t0, settings.rtol()))
        .rtol(settings.rtol())
        .atol([settings.atol()])
        .rhs_implicit(
            |x: &[f64], _p: &[f64], _t: f64, y: &mut [f64]| {
                rhs_calls.set(rhs_calls.get() + 1);
                let mut dy = Vector::<N>::zeros();
                rhs.eval(&Vector::<N>::from_column_slice(x), &mut dy);
                y.copy_from_slice(dy.as_slice());
            },
            |x: &[f64], _p: &[f64], _t: f64, v: &[f64], y: &mut [f64]| {
                jv_calls.set(jv_calls.get() + 1);
                let mut jv = Vector::<N>::zeros();
                rhs.jacobian_times(
                    &Vector::<N>::from_column_slice(x),
                    &Vector::<N>::from_column_slice(v),
                    &mut jv,
                );
                y.copy_from_slice(jv.as_slice());
            },
        )
        .init(
            move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(y0.as_slice()),
            N,
        )
        .build()
        .map_err(|e| backend(t0, &e))?;

    let mut run_with = Run {
        method: Method::Diffsol(method),
        t0,
        t1,
        budget,
        max_steps: settings.max_steps(),
        rows,
    };
    let (result, counts) = match method {
        DiffsolMethod::Bdf => match problem.bdf::<LS>() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
        DiffsolMethod::TrBdf2 => match problem.tr_bdf2::<LS>() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
        DiffsolMethod::Esdirk34 => match problem.esdirk34::<LS>() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
        DiffsolMethod::Tsit45 => match problem.tsit45() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
    };
    let stats = &mut integ.stats;
    stats.accepted_steps += counts.0;
    stats.rejected_steps += counts.1;
    stats.rhs_evaluations += rhs_calls.get() + 2 * jv_calls.get();
    stats.jacobian_evaluations += jv_calls.get().div_ceil(N as u64);
    let (t, y) = result?;
    integ.t = t;
    integ.y = y;
    Ok(())
}

/// A first step a little below what the tolerance suggests, capped by the
/// advance: diffsol's explicit and SDIRK methods start from `h0` and adapt.
fn initial_step(len: f64, rtol: f64) -> f64 {
    (rtol.powf(0.2) * 0.1).min(len)
}

/// One advance's stepping loop, shared by every diffsol method.
struct Run<'r, 'e, const N: usize> {
    method: Method,
    t0: f64,
    t1: f64,
    budget: u64,
    max_steps: u32,
    rows: &'r mut Rows<'e, N>,
}

impl<const N: usize> Run<'_, '_, N> {
    /// Step to `t1`; returns the time and state reached and (accepted,
    /// rejected) steps, which are reported even when the advance fails.
    #[allow(clippy::type_complexity)]
    fn run<'a, Eqn, S>(
        &mut self,
        mut solver: S,
    ) -> (Result<(f64, Vector<N>), SolveError>, (u64, u64))
    where
        Eqn: OdeEquations<T = f64> + 'a,
        S: OdeSolverMethod<'a, Eqn>,
    {
        let method = self.method;
        let counts = |s: &S| {
            let st = s.get_statistics();
            let rejected = st.number_of_error_test_failures + st.number_of_nonlinear_solver_fails;
            (st.number_of_steps as u64, rejected as u64)
        };
        let backend = |t_days: f64, e: DiffsolError| SolveError::Backend {
            method,
            t_days,
            message: e.to_string(),
        };
        if let Err(e) = solver.set_stop_time(self.t1) {
            return (Err(backend(self.t0, e)), (0, 0));
        }
        let to_state = |v: &Eqn::V| Vector::<N>::from_fn(|i, _| v.get_index(i));
        loop {
            let step = solver.step();
            if step.is_ok() {
                let t_now = solver.state().t.min(self.t1);
                while let Some(to) = self.rows.due(t_now) {
                    match solver.interpolate(to) {
                        Ok(v) => self.rows.emit(to, &to_state(&v)),
                        Err(e) => return (Err(backend(to, e)), counts(&solver)),
                    }
                }
            }
            match step {
                Ok(OdeSolverStopReason::TstopReached) => break,
                Ok(_) => {
                    let (acc, rej) = counts(&solver);
                    if acc + rej >= self.budget {
                        let err = SolveError::TooManySteps {
                            method,
                            t_days: solver.state().t,
                            max_steps: self.max_steps,
                        };
                        return (Err(err), (acc, rej));
                    }
                }
                Err(e) => return (Err(backend(solver.state().t, e)), counts(&solver)),
            }
        }
        (Ok((self.t1, to_state(solver.state().y))), counts(&solver))
    }
}
