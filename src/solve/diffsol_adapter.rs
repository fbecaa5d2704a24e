//! The `diffsol` backend: `bdf`, `tr_bdf2`, `esdirk34` (implicit) and its
//! `tsit45` as `diffsol_tsit45` (explicit; hairsim's own `tsit45` runs on the
//! explicit engine, `erk`).
//!
//! diffsol uses nalgebra 0.35 while the model uses 0.34, so no nalgebra type
//! crosses this boundary: diffsol's closures see plain `&[f64]` slices, which
//! are copied into and out of the model's stack-allocated [`State`]. The
//! right-hand side is [`crate::model::HairModel::derivatives`]; the Jacobian-vector product
//! the implicit methods need is [`crate::model::HairModel::jacobian_times`] (a central
//! finite difference, two right-hand-side evaluations, counted as such).
//! diffsol assembles its dense Jacobian from one product per state, so
//! Jacobian evaluations are reported as products ÷ states.

use super::Segment;
use super::{Method, SolveError, SolveStats, SolverSettings};
use crate::model::{State, N_STATES};
use diffsol::{
    DiffsolError, NalgebraLU, NalgebraMat, OdeBuilder, OdeEquations, OdeSolverMethod,
    OdeSolverStopReason, Vector,
};
use std::cell::Cell;

type M = NalgebraMat<f64>;
type LS = NalgebraLU<f64>;

/// Integrate one segment; `budget` (≥ 1) is the number of steps left for the
/// arm. Output times inside the segment are interpolated by the method.
pub(super) fn advance(
    seg: Segment<'_>,
    stats: &mut SolveStats,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<State, SolveError> {
    let Segment {
        model,
        t0,
        t1,
        y0,
        settings,
        budget,
    } = seg;
    let method = settings.method;
    let backend = |t_days: f64, e: &DiffsolError| SolveError::Backend {
        method,
        t_days,
        message: e.to_string(),
    };
    let rhs_calls = Cell::new(0u64);
    let jv_calls = Cell::new(0u64);
    let problem = OdeBuilder::<M>::new()
        .t0(t0)
        .h0(initial_step(t1 - t0, settings.rtol))
        .rtol(settings.rtol)
        .atol([settings.atol])
        .rhs_implicit(
            |x: &[f64], _p: &[f64], _t: f64, y: &mut [f64]| {
                rhs_calls.set(rhs_calls.get() + 1);
                let mut dy = State::zeros();
                model.derivatives(&State::from_column_slice(x), &mut dy);
                y.copy_from_slice(dy.as_slice());
            },
            |x: &[f64], _p: &[f64], _t: f64, v: &[f64], y: &mut [f64]| {
                jv_calls.set(jv_calls.get() + 1);
                let mut jv = State::zeros();
                model.jacobian_times(
                    &State::from_column_slice(x),
                    &State::from_column_slice(v),
                    &mut jv,
                );
                y.copy_from_slice(jv.as_slice());
            },
        )
        .init(
            move |_p: &[f64], _t: f64, y: &mut [f64]| y.copy_from_slice(y0.as_slice()),
            N_STATES,
        )
        .build()
        .map_err(|e| backend(t0, &e))?;

    let mut run_with = Run {
        t0,
        t1,
        budget,
        settings,
        outputs,
        emit,
    };
    let (result, counts) = match method {
        Method::Bdf => match problem.bdf::<LS>() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
        Method::TrBdf2 => match problem.tr_bdf2::<LS>() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
        Method::Esdirk34 => match problem.esdirk34::<LS>() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
        Method::DiffsolTsit45 => match problem.tsit45() {
            Ok(s) => run_with.run(s),
            Err(e) => (Err(backend(t0, &e)), (0, 0)),
        },
        other => (
            Err(SolveError::Backend {
                method: other,
                t_days: t0,
                message: "not a diffsol method".into(),
            }),
            (0, 0),
        ),
    };
    stats.accepted_steps += counts.0;
    stats.rejected_steps += counts.1;
    stats.rhs_evaluations += rhs_calls.get() + 2 * jv_calls.get();
    stats.jacobian_evaluations += jv_calls.get().div_ceil(N_STATES as u64);
    result
}

/// A first step a little below what the tolerance suggests, capped by the
/// segment: diffsol's explicit and SDIRK methods start from `h0` and adapt.
fn initial_step(len: f64, rtol: f64) -> f64 {
    (rtol.powf(0.2) * 0.1).min(len)
}

/// One segment's stepping loop, shared by every diffsol method.
struct Run<'s> {
    t0: f64,
    t1: f64,
    budget: u64,
    settings: &'s SolverSettings,
    outputs: &'s [f64],
    emit: &'s mut dyn FnMut(f64, &State),
}

impl Run<'_> {
    /// Step to `t1`; returns the state there and (accepted, rejected) steps,
    /// which are reported even when the segment fails.
    fn run<'a, Eqn, S>(&mut self, mut solver: S) -> (Result<State, SolveError>, (u64, u64))
    where
        Eqn: OdeEquations<T = f64> + 'a,
        S: OdeSolverMethod<'a, Eqn>,
    {
        let method = self.settings.method;
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
        let to_state = |v: &Eqn::V| State::from_fn(|i, _| v.get_index(i));
        let mut next_out = 0;
        loop {
            let step = solver.step();
            if step.is_ok() {
                let t_now = solver.state().t;
                while let Some(&to) = self
                    .outputs
                    .get(next_out)
                    .filter(|&&to| to <= t_now && to < self.t1)
                {
                    match solver.interpolate(to) {
                        Ok(v) => (self.emit)(to, &to_state(&v)),
                        Err(e) => return (Err(backend(to, e)), counts(&solver)),
                    }
                    next_out += 1;
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
                            max_steps: self.settings.max_steps,
                        };
                        return (Err(err), (acc, rej));
                    }
                }
                Err(e) => return (Err(backend(solver.state().t, e)), counts(&solver)),
            }
        }
        (Ok(to_state(solver.state().y)), counts(&solver))
    }
}
