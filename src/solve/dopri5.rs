//! hairsim's own Dormand–Prince 5(4) loop: the same method, coefficients,
//! step-size controller, initial-step rule and stiffness test as Hairer's
//! DOPRI5 (and `ode_solvers::Dopri5`), written so that nothing is allocated
//! inside the step loop and output times inside a segment are read off the
//! method's 4th-order dense output instead of stopping the integrator there.
//!
//! Why not `ode_solvers` for this: its `integrate` allocates a `Vec` of seven
//! stage vectors per call and pushes every accepted step (or every dense
//! output) into a growing `Vec`, so it cannot pass the no-allocation test, and
//! its dense output can only emit an evenly spaced grid from the segment start.
//! `ode_solvers`' own `Dopri5` stays available as `ode_solvers_dopri5`.

use super::{check_step, initial_step, Carried, Segment};
use super::{SolveError, SolveStats};
use crate::model::{State, N_STATES};
use std::cell::Cell;

// Butcher tableau (Dormand & Prince 1980), as in Hairer's DOPRI5. The model is
// autonomous, so the nodes c_i are not needed.
const A21: f64 = 1.0 / 5.0;
const A31: f64 = 3.0 / 40.0;
const A32: f64 = 9.0 / 40.0;
const A41: f64 = 44.0 / 45.0;
const A42: f64 = -56.0 / 15.0;
const A43: f64 = 32.0 / 9.0;
const A51: f64 = 19372.0 / 6561.0;
const A52: f64 = -25360.0 / 2187.0;
const A53: f64 = 64448.0 / 6561.0;
const A54: f64 = -212.0 / 729.0;
const A61: f64 = 9017.0 / 3168.0;
const A62: f64 = -355.0 / 33.0;
const A63: f64 = 46732.0 / 5247.0;
const A64: f64 = 49.0 / 176.0;
const A65: f64 = -5103.0 / 18656.0;
const A71: f64 = 35.0 / 384.0;
const A73: f64 = 500.0 / 1113.0;
const A74: f64 = 125.0 / 192.0;
const A75: f64 = -2187.0 / 6784.0;
const A76: f64 = 11.0 / 84.0;
const E1: f64 = 71.0 / 57600.0;
const E3: f64 = -71.0 / 16695.0;
const E4: f64 = 71.0 / 1920.0;
const E5: f64 = -17253.0 / 339200.0;
const E6: f64 = 22.0 / 525.0;
const E7: f64 = -1.0 / 40.0;
const D1: f64 = -12715105075.0 / 11282082432.0;
const D3: f64 = 87487479700.0 / 32700410799.0;
const D4: f64 = -10690763975.0 / 1880347072.0;
const D5: f64 = 701980252875.0 / 199316789632.0;
const D6: f64 = -1453857185.0 / 822651844.0;
const D7: f64 = 69997945.0 / 29380423.0;

// Controller constants of Hairer's code: safety, PI beta, step-ratio limits.
const SAFETY: f64 = 0.9;
const BETA: f64 = 0.04;
const FAC_MIN: f64 = 0.2;
const FAC_MAX: f64 = 10.0;
// Stiffness test: every NSTIFF accepted steps; stiff after 15 positive tests.
const NSTIFF: u64 = 1000;
const STIFF_LIMIT: f64 = 3.25;

/// `out = base + h · Σ cⱼ kⱼ`, written in place, one pass over the fixed-size
/// arrays inside the vectors: nalgebra's operators would make a temporary per
/// term, a returned vector must be zeroed and copied, and its indexing checks
/// bounds. The sum is grouped as in Hairer's code (`Y + H*(A21*K1 + …)`), so
/// the results are bit for bit those of the vector form.
macro_rules! stage {
    ($out:expr; $base:expr, $h:expr; $c0:expr, $k0:expr $(; $c:expr, $k:expr)*) => {{
        let (o, b) = (&mut $out.data.0[0], &$base.data.0[0]);
        for i in 0..N_STATES {
            o[i] = b[i] + $h * ($c0 * $k0.data.0[0][i] $(+ $c * $k.data.0[0][i])*);
        }
    }};
}

/// The components of a state as a plain array (no bounds checks in loops).
fn arr(s: &State) -> &[f64; N_STATES] {
    &s.data.0[0]
}

/// Integrate one segment from `t0` to `t1`, calling `emit` at each time of
/// `outputs` (sorted, strictly inside the segment) with the dense-output
/// state. `budget` (≥ 1) is the number of steps left for the arm; `carried`
/// is the step to try first and the controller's memory from the previous
/// segment (`None`: Hairer's starting step, fresh memory). Returns the state
/// at `t1` and what to carry into the next segment: the step the controller
/// proposed for going on past `t1` (before the last step was shortened to
/// land on `t1`), if the error test chose it (see [`step_loop`]).
pub(super) fn integrate(
    seg: Segment<'_>,
    carried: Option<Carried>,
    stats: &mut SolveStats,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<(State, Option<Carried>), SolveError> {
    let mut work = Work::default();
    let result = step_loop(seg, carried, &mut work, outputs, emit);
    stats.rhs_evaluations += work.evals.get();
    stats.accepted_steps += work.accepted;
    stats.rejected_steps += work.rejected;
    result
}

/// Work done in one segment, kept even when it fails.
#[derive(Default)]
struct Work {
    evals: Cell<u64>,
    accepted: u64,
    rejected: u64,
}

fn step_loop(
    seg: Segment<'_>,
    carried: Option<Carried>,
    work: &mut Work,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<(State, Option<Carried>), SolveError> {
    let Segment {
        model,
        t0,
        t1,
        y0,
        settings,
        budget,
    } = seg;
    let method = settings.method;
    let (rtol, atol) = (settings.rtol, settings.atol);
    let h_max = t1 - t0;
    let alpha = 0.2 - BETA * 0.75;
    let evals = &work.evals;
    let f = |y: &State, dy: &mut State| {
        evals.set(evals.get() + 1);
        model.derivatives(y, dy);
    };

    let mut y = y0;
    let mut t = t0;
    let mut k1 = State::zeros();
    f(&y, &mut k1);
    // After a dose the state jumps but the time scales of the model do not, so
    // the step the controller reached before the stop is a far better start
    // than Hairer's estimate, which guesses from two evaluations at the new
    // state (one of them extra), picks ~1/25 of the settled step after a
    // microneedling session and then needs four or five steps to grow back.
    // A too-large start is caught by the error test like any other step. Only
    // a step the error test chose is carried (`by_error`): one held at the
    // growth limit or the segment length (a solution at rest) says nothing
    // about the time scale after the jump, and starting from it would take
    // the first steps of a fresh transient far larger than Hairer's code does.
    // The PI controller's memory (the last accepted error) is carried with the
    // step: reset to Hairer's 1e-4 it would cut the second step by a third.
    // The model is autonomous, so nothing else depends on the restart time.
    let ln_fac_floor = 1e-4_f64.ln();
    let carried = carried.filter(|c| c.h > 0.0 && c.h.is_finite());
    let mut h = match carried {
        Some(c) => c.h.min(h_max),
        None => initial_step(
            &mut |y| {
                let mut dy = State::zeros();
                f(y, &mut dy);
                dy
            },
            &y,
            &k1,
            (rtol, atol),
            h_max,
            5,
        ),
    };
    let mut ln_fac_old = carried.map_or(ln_fac_floor, |c| c.ln_fac_old);
    let mut by_error = carried.is_some();
    let mut h_proposed = None;
    let mut proposed_ln_fac_old = ln_fac_old;

    let (mut k2, mut k3, mut k4, mut k5, mut k6, mut k7) = (
        State::zeros(),
        State::zeros(),
        State::zeros(),
        State::zeros(),
        State::zeros(),
        State::zeros(),
    );
    // Stage arguments: stages 2–5 share one; stage 6's is kept for the
    // stiffness test, stage 7's is the new solution.
    let (mut ys, mut y_stiff, mut y_new) = (State::zeros(), State::zeros(), State::zeros());
    let mut next_out = 0;
    let mut rejected_last = false;
    let mut steps = 0u64;
    let (mut stiff_hits, mut non_stiff) = (0u32, 0u32);
    loop {
        check_step(steps, budget, h, t, settings)?;
        let last = t + 1.01 * h >= t1;
        if last {
            h_proposed = by_error.then_some(h);
            proposed_ln_fac_old = ln_fac_old;
            h = t1 - t;
        }
        steps += 1;

        stage!(ys; y, h; A21, k1);
        f(&ys, &mut k2);
        stage!(ys; y, h; A31, k1; A32, k2);
        f(&ys, &mut k3);
        stage!(ys; y, h; A41, k1; A42, k2; A43, k3);
        f(&ys, &mut k4);
        stage!(ys; y, h; A51, k1; A52, k2; A53, k3; A54, k4);
        f(&ys, &mut k5);
        stage!(y_stiff; y, h; A61, k1; A62, k2; A63, k3; A64, k4; A65, k5);
        f(&y_stiff, &mut k6);
        stage!(y_new; y, h; A71, k1; A73, k3; A74, k4; A75, k5; A76, k6);
        f(&y_new, &mut k7);

        // The error estimate h · Σ eⱼ kⱼ is formed and scaled in the same pass
        // as its norm, never stored.
        let (a1, a3, a4, a5, a6, a7) = (arr(&k1), arr(&k3), arr(&k4), arr(&k5), arr(&k6), arr(&k7));
        let (y0, y1) = (arr(&y), arr(&y_new));
        let mut scaled = [0.0; N_STATES];
        for i in 0..N_STATES {
            let e =
                h * (E1 * a1[i] + E3 * a3[i] + E4 * a4[i] + E5 * a5[i] + E6 * a6[i] + E7 * a7[i]);
            scaled[i] = e / (atol + y0[i].abs().max(y1[i].abs()) * rtol);
        }
        let err = scaled.iter().fold(0.0, |sum, e| sum + e * e);
        let err = (err / N_STATES as f64).sqrt();

        // Lund-stabilized PI controller (Hairer's DOPRI5):
        // fac = err^α · fac_old^(−β) / safety, formed as one exp of a sum of
        // logarithms (one `ln` and one `exp` per step instead of two `powf`;
        // the same value to a few ulps).
        let ln_err = err.ln();
        let fac_raw = (alpha * ln_err - BETA * ln_fac_old).exp() / SAFETY;
        let fac = fac_raw.clamp(1.0 / FAC_MAX, 1.0 / FAC_MIN);
        let mut h_new = h / fac;
        if err <= 1.0 && err.is_finite() {
            ln_fac_old = ln_err.max(ln_fac_floor);
            work.accepted += 1;
            if work.accepted.is_multiple_of(NSTIFF) || stiff_hits > 0 {
                let num = (k7 - k6).norm_squared();
                let den = (y_new - y_stiff).norm_squared();
                let h_lamb = if den > 0.0 {
                    h * (num / den).sqrt()
                } else {
                    0.0
                };
                if h_lamb > STIFF_LIMIT {
                    non_stiff = 0;
                    stiff_hits += 1;
                    if stiff_hits == 15 && settings.stiffness_detection {
                        return Err(SolveError::Stiff { method, t_days: t });
                    }
                } else {
                    non_stiff += 1;
                    if non_stiff == 6 {
                        stiff_hits = 0;
                    }
                }
            }
            // Dense output for the output times inside this step.
            let t_new = if last { t1 } else { t + h };
            if next_out < outputs.len() && outputs[next_out] <= t_new {
                // Hairer's CONT coefficients, in one pass over the components.
                let mut cont = [[0.0; N_STATES]; 4];
                let (a1, a3, a4, a5, a6, a7) =
                    (arr(&k1), arr(&k3), arr(&k4), arr(&k5), arr(&k6), arr(&k7));
                let (y0, y1) = (arr(&y), arr(&y_new));
                for i in 0..N_STATES {
                    let ydiff = y1[i] - y0[i];
                    let bspl = a1[i] * h - ydiff;
                    cont[0][i] = ydiff;
                    cont[1][i] = bspl;
                    cont[2][i] = ydiff - a7[i] * h - bspl;
                    cont[3][i] = h
                        * (D1 * a1[i]
                            + D3 * a3[i]
                            + D4 * a4[i]
                            + D5 * a5[i]
                            + D6 * a6[i]
                            + D7 * a7[i]);
                }
                let [c0, c1, c2, c3] = &cont;
                while let Some(&to) = outputs.get(next_out).filter(|&&to| to <= t_new) {
                    let theta = (to - t) / h;
                    let theta1 = 1.0 - theta;
                    let o = &mut ys.data.0[0];
                    for i in 0..N_STATES {
                        o[i] = y0[i]
                            + (c0[i] + (c1[i] + (c2[i] + c3[i] * theta1) * theta) * theta1) * theta;
                    }
                    emit(to, &ys);
                    next_out += 1;
                }
            }
            k1 = k7;
            y = y_new;
            t = t_new;
            if last {
                break;
            }
            by_error = fac_raw > 1.0 / FAC_MAX;
            if h_new.abs() > h_max {
                h_new = h_max;
                by_error = false;
            }
            if rejected_last {
                h_new = h_new.min(h);
            }
            rejected_last = false;
        } else {
            let fac11 = (alpha * ln_err).exp();
            h_new = h / (1.0 / FAC_MIN).min(fac11 / SAFETY);
            by_error = fac11 / SAFETY < 1.0 / FAC_MIN;
            if !err.is_finite() {
                h_new = h * FAC_MIN;
                by_error = false;
            }
            rejected_last = true;
            // Unlike Hairer's count, a rejection before the first accepted
            // step counts too: with a carried-over first step it is a real
            // cost of the restart, not noise from the starting guess.
            work.rejected += 1;
        }
        h = h_new;
    }
    Ok((
        y,
        h_proposed.map(|h| Carried {
            h,
            ln_fac_old: proposed_ln_fac_old,
        }),
    ))
}
