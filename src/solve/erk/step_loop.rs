//! The engine's step loop: one advance of an [`ExplicitPair`] method, with
//! Hairer's starting step, PI controller and stiffness test, output rows from
//! the dense output, and the step memory carried between advances; and the
//! stages alone, for the overhead bench.

use super::{Controller, Counted, DenseOutput, Eval, ExplicitPair, Start, StepRule, StiffnessTest};
use crate::solve::integrator::{Integrator, Rows, StepMemory};
use crate::solve::problem::{AsArray, Rhs, Vector};
use crate::solve::{check_step, initial_step, SolveError, SolverSettings};

/// Integrate from the integrator's time to `t_stop` with method `P`, with
/// at most `budget` steps, emitting `rows` from the dense output and
/// running the stiffness `test`. Updates the integrator's state, step memory
/// and work counts (also on failure, when its state is the last accepted
/// step; when the failure is [`SolveError::Stiff`], that is the step that
/// found the problem stiff, and the step memory holds its size).
pub(in crate::solve) fn advance<P: ExplicitPair<N>, R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    t_stop: f64,
    budget: u64,
    rows: &mut Rows<'_, N>,
    test: StiffnessTest,
) -> Result<(), SolveError> {
    const { assert!(R::ACTIVE <= N) };
    let mut work = Work::default();
    // Exactly +0.0 (bits), so that skipping them reproduces the full loops bit for bit.
    let trim = R::ACTIVE < N
        && integ.rhs.tail_inert()
        && integ.y.as_array()[R::ACTIVE..]
            .iter()
            .all(|v| v.to_bits() == 0);
    let run = (t_stop, budget, test);
    let result = if trim {
        step_loop::<P, R, N, true>(integ, run, &mut work, rows)
    } else {
        step_loop::<P, R, N, false>(integ, run, &mut work, rows)
    };
    integ.stats.rhs_evaluations += work.evals;
    integ.stats.accepted_steps += work.accepted;
    integ.stats.rejected_steps += work.rejected;
    result
}

/// `steps` steps of size `h` from `y0` with method `P`'s own step code and
/// nothing else: no controller, no rows, no checks, no carried state; each
/// step's error norm is computed (it is part of the method's arithmetic) and
/// dropped. What the full engine costs above this is what the controller,
/// the rows and the bookkeeping cost (`benches/overhead.rs`). The components
/// covered are those an advance from `y0` would cover; compiled as
/// [`step_loop`] is.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub(in crate::solve) fn stages_only<P: ExplicitPair<N>, R: Rhs<N>, const N: usize>(
    rhs: &R,
    y0: &Vector<N>,
    h: f64,
    steps: usize,
) -> Vector<N> {
    let trim = R::ACTIVE < N
        && rhs.tail_inert()
        && y0.as_array()[R::ACTIVE..].iter().all(|v| v.to_bits() == 0);
    let mut evals = 0;
    if trim {
        stages_loop::<P, N>(&mut Counted::<R, true>::new(rhs, &mut evals), y0, h, steps)
    } else {
        stages_loop::<P, N>(&mut Counted::<R, false>::new(rhs, &mut evals), y0, h, steps)
    }
}

#[inline(always)]
fn stages_loop<P: ExplicitPair<N>, const N: usize>(
    f: &mut impl Eval<N>,
    y0: &Vector<N>,
    h: f64,
    steps: usize,
) -> Vector<N> {
    let mut stages = P::default();
    let (mut y, mut y_new) = (*y0, Vector::<N>::zeros());
    f.eval(&y, stages.k1_mut());
    for _ in 0..steps {
        let err = stages.step(f, Start::new(&y, h, (1e-6, 1e-9)), &mut y_new);
        std::hint::black_box(err);
        stages.advance();
        y = y_new;
    }
    y
}

/// Work done in one advance, kept even when it fails.
#[derive(Default)]
struct Work {
    evals: u64,
    accepted: u64,
    rejected: u64,
}

/// What one advance integrates: the problem, the settings, the stop, the
/// steps left and the stiffness test.
struct Run<'a, R> {
    rhs: &'a R,
    settings: &'a SolverSettings,
    t1: f64,
    budget: u64,
    test: StiffnessTest,
}

/// The step loop of one advance, compiled for baseline x86-64 (SSE2) and for
/// AVX2 (+FMA) with run-time dispatch (`multiversion`, no `unsafe` here).
/// The right-hand side is inlined into it ([`Eval`]), so the equations are
/// compiled for the same target. The methods' sums are written with
/// `f64::mul_add`, the exactly rounded fused multiply-add, so both clones
/// give the same bits; the AVX2 clone does it in one instruction, the
/// baseline one calls libm's `fma`, which is slow on a CPU without FMA
/// (x86-64 before 2013) but still right.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn step_loop<P: ExplicitPair<N>, R: Rhs<N>, const N: usize, const TRIM: bool>(
    integ: &mut Integrator<R, N>,
    (t_stop, budget, test): (f64, u64, StiffnessTest),
    work: &mut Work,
    rows: &mut Rows<'_, N>,
) -> Result<(), SolveError> {
    let Integrator {
        rhs,
        settings,
        t,
        y,
        memory,
        ..
    } = integ;
    let run = Run {
        rhs: &*rhs,
        settings: &*settings,
        t1: t_stop,
        budget,
        test,
    };
    // The state is advanced in locals and written back once.
    let mut now = (*t, *y);
    let result = match P::RULE {
        StepRule::Adaptive { order, controller } => {
            adaptive::<P, R, N, TRIM>(&run, memory, &mut now, work, rows, (order, controller))
        }
        StepRule::Fixed => fixed::<P, R, N, TRIM>(&run, &mut now, work, rows),
    };
    (*t, *y) = now;
    result
}

/// Emit the rows due in the accepted step `[t, t_new]` of size `h`, from the
/// method's dense output.
#[inline(always)]
fn emit_rows<P: ExplicitPair<N>, const N: usize>(
    stages: &mut P,
    f: &mut impl Eval<N>,
    (y, y_new, out): (&Vector<N>, &Vector<N>, &mut Vector<N>),
    (t, t_new, h): (f64, f64, f64),
    rows: &mut Rows<'_, N>,
) {
    if rows.due(t_new).is_some() {
        let dense = stages.dense(f, Start::new(y, h, (0.0, 0.0)), y_new);
        while let Some(to) = rows.due(t_new) {
            dense.eval((to - t) / h, y, out, f.active());
            rows.emit(to, out);
        }
    }
}

#[inline(always)]
fn adaptive<P: ExplicitPair<N>, R: Rhs<N>, const N: usize, const TRIM: bool>(
    run: &Run<'_, R>,
    memory: &mut Option<StepMemory>,
    (t, y): &mut (f64, Vector<N>),
    work: &mut Work,
    rows: &mut Rows<'_, N>,
    (order, ctl): (i32, Controller),
) -> Result<(), SolveError> {
    let (rhs, settings, t1, budget) = (run.rhs, run.settings, run.t1, run.budget);
    let method = settings.method();
    let (rtol, atol) = (settings.rtol(), settings.atol());
    let h_max = t1 - *t;
    let mut f = Counted::<R, TRIM>::new(rhs, &mut work.evals);

    let mut stages = P::default();
    f.eval(y, stages.k1_mut());
    // After a dose the state jumps but the time scales of the problem do not,
    // so the step the controller reached before the stop is a far better start
    // than Hairer's estimate, which guesses from two evaluations at the new
    // state (one of them extra), picks ~1/25 of the settled step after a
    // microneedling session and then needs four or five steps to grow back.
    // A too-large start is caught by the error test like any other step. Only
    // a step the error test chose is carried (`by_error`): one held at the
    // growth limit or the advance's length (a solution at rest) says nothing
    // about the time scale after the jump, and starting from it would take
    // the first steps of a fresh transient far larger than Hairer's code does.
    // The PI controller's memory (the last accepted error) is carried with the
    // step: reset to Hairer's 1e-4 it would cut the second step by a third.
    // The problem is autonomous, so nothing else depends on the restart time.
    let ln_fac_floor = 1e-4_f64.ln();
    let carried = memory.take().filter(|c| c.h > 0.0 && c.h.is_finite());
    let mut h = match carried {
        Some(c) => c.h.min(h_max),
        None => {
            let k1 = *stages.k1_mut();
            initial_step(
                &mut |y| {
                    let mut dy = Vector::<N>::zeros();
                    f.eval(y, &mut dy);
                    dy
                },
                y,
                &k1,
                (rtol, atol),
                h_max,
                order,
            )
        }
    };
    let mut ln_fac_old = carried.map_or(ln_fac_floor, |c| c.ln_fac_old);
    let mut by_error = carried.is_some();
    // What the step before the end proposed, for the next advance.
    let mut proposed = None;

    let (mut y_new, mut out) = (Vector::<N>::zeros(), Vector::<N>::zeros());
    let mut rejected_last = false;
    let mut steps = 0u64;
    let (mut stiff_hits, mut non_stiff) = (0u32, 0u32);
    // Accepted steps to the next stiffness test (a count down rather than a
    // remainder: `every` is not a constant).
    let mut to_test = run.test.every.max(1);
    let mut stiff = false;
    loop {
        check_step(steps, budget, h, *t, settings)?;
        let last = *t + 1.01 * h >= t1;
        if last {
            proposed = by_error.then_some(StepMemory { h, ln_fac_old });
            h = t1 - *t;
        }
        steps += 1;

        let err = stages.step(&mut f, Start::new(y, h, (rtol, atol)), &mut y_new);

        // Lund-stabilized PI controller (Hairer's DOPRI5 / DOP853):
        // h_new / h = safety · err^(−α) · fac_old^β, clamped to
        // [fac_min, fac_max], formed as one exp of a sum of logarithms and
        // two multiplications (Hairer's code: two `powf` and two divisions;
        // the same value to a few ulps). The next step waits for this value,
        // so it is kept short.
        let ln_err = err.ln();
        let ratio_raw = ctl.safety * (ctl.beta * ln_fac_old - ctl.alpha * ln_err).exp();
        let mut h_new = h * ratio_raw.clamp(ctl.fac_min, ctl.fac_max);
        if err <= 1.0 && err.is_finite() {
            ln_fac_old = ln_err.max(ln_fac_floor);
            work.accepted += 1;
            if let Some(limit) = run.test.limit.or(P::STIFF_LIMIT) {
                to_test -= 1;
                if to_test == 0 || stiff_hits > 0 {
                    if to_test == 0 {
                        to_test = run.test.every.max(1);
                    }
                    let h_lamb = stages.stiffness_h_lambda(h, &y_new);
                    if h_lamb > limit {
                        non_stiff = 0;
                        stiff_hits += 1;
                        stiff = stiff_hits == run.test.hits && run.test.stop;
                    } else {
                        non_stiff += 1;
                        if non_stiff == 6 {
                            stiff_hits = 0;
                        }
                    }
                }
            }
            let t_new = if last { t1 } else { *t + h };
            emit_rows(
                &mut stages,
                &mut f,
                (y, &y_new, &mut out),
                (*t, t_new, h),
                rows,
            );
            stages.advance();
            *y = y_new;
            *t = t_new;
            if last {
                break;
            }
            if stiff {
                // The step is kept; the next method may start with its size.
                *memory = Some(StepMemory { h, ln_fac_old });
                return Err(SolveError::Stiff { method, t_days: *t });
            }
            by_error = ratio_raw < ctl.fac_max;
            if h_new.abs() > h_max {
                h_new = h_max;
                by_error = false;
            }
            if rejected_last {
                h_new = h_new.min(h);
            }
            rejected_last = false;
        } else {
            let shrink = ctl.safety * (-ctl.alpha * ln_err).exp();
            h_new = h * shrink.max(ctl.fac_min);
            by_error = shrink > ctl.fac_min;
            if !err.is_finite() {
                h_new = h * ctl.fac_min;
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
    *memory = proposed;
    Ok(())
}

/// Fixed steps: the advance split evenly into the fewest steps no longer
/// than `rk4_step_days`; step `k` starts at `t0 + k·h` (no drift from
/// summing steps) and the last one ends exactly at `t1`.
#[inline(always)]
fn fixed<P: ExplicitPair<N>, R: Rhs<N>, const N: usize, const TRIM: bool>(
    run: &Run<'_, R>,
    (t, y): &mut (f64, Vector<N>),
    work: &mut Work,
    rows: &mut Rows<'_, N>,
) -> Result<(), SolveError> {
    let (rhs, settings, t1, budget) = (run.rhs, run.settings, run.t1, run.budget);
    let t0 = *t;
    let len = t1 - t0;
    let n = (len / settings.rk4_step_days()).ceil().max(1.0);
    if !n.is_finite() || n > budget as f64 {
        return Err(SolveError::TooManySteps {
            method: settings.method(),
            t_days: t0,
            max_steps: settings.max_steps(),
        });
    }
    // Exact: n ≤ budget ≤ u32::MAX.
    let n = n as u64;
    let h_step = len / n as f64;
    let mut f = Counted::<R, TRIM>::new(rhs, &mut work.evals);
    let mut stages = P::default();
    f.eval(y, stages.k1_mut());
    let (mut y_new, mut out) = (Vector::<N>::zeros(), Vector::<N>::zeros());
    for k in 0..n {
        let t_k = t0 + k as f64 * h_step;
        let last = k + 1 == n;
        let t_new = if last {
            t1
        } else {
            t0 + (k + 1) as f64 * h_step
        };
        let h = t_new - t_k;
        check_step(k, budget, h, t_k, settings)?;
        stages.step(&mut f, Start::new(y, h, (0.0, 0.0)), &mut y_new);
        work.accepted += 1;
        emit_rows(
            &mut stages,
            &mut f,
            (y, &y_new, &mut out),
            (t_k, t_new, h),
            rows,
        );
        stages.advance();
        *y = y_new;
        *t = t_new;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::solve::test_problems::{Chain, TestProblem};
    use crate::solve::{stages_only, Integrator, Method, Rhs, SolverSettings, Vector};

    /// `stages_only` runs the method itself: fixed steps on the chain land
    /// near the exact solution, closer with half the step; methods off the
    /// engine give `None`.
    #[test]
    fn stages_only_integrates_with_the_methods_own_steps() {
        let y0 = Chain.y0();
        let exact = Chain.exact(3.0);
        for (method, order) in [
            (Method::RK4, 4),
            (Method::DOPRI5, 5),
            (Method::TSIT45, 5),
            (Method::DOP853, 8),
        ] {
            let off = |h: f64, steps: usize| {
                let y = stages_only(method, &Chain, &y0, h, steps).expect("an engine method");
                (y - exact).amax()
            };
            let (coarse, fine) = (off(0.3, 10), off(0.15, 20));
            // At least 2^(order − 1) smaller at half the step.
            assert!(fine < 1e-4, "{method}: off by {fine:e}");
            assert!(
                fine * f64::from(1 << (order - 1)) < coarse,
                "{method}: {coarse:e} → {fine:e}"
            );
        }
        for method in [Method::BDF, Method::ODE_SOLVERS_DOPRI5, Method::RODAS4] {
            assert!(stages_only(method, &Chain, &y0, 0.1, 10).is_none());
        }
    }

    /// The chain's inert tail is skipped: the same run with the tail
    /// declared live gives the same bits.
    #[test]
    fn shortened_loops_give_the_bits_of_the_full_ones() {
        #[derive(Clone, Copy)]
        struct Live;
        impl Rhs<8> for Live {
            fn eval(&self, y: &Vector<8>, dy: &mut Vector<8>) {
                Chain.eval(y, dy);
            }
        }
        for method in [Method::RK4, Method::DOPRI5, Method::TSIT45, Method::DOP853] {
            let settings = SolverSettings::new(method)
                .with_rtol(1e-9)
                .expect("valid rtol");
            let rows: Vec<f64> = (1..30).map(|k| 0.2 * f64::from(k)).collect();
            let mut a = Integrator::new(Chain, 0.0, Chain.y0(), settings);
            let mut b = Integrator::new(Live, 0.0, Chain.y0(), settings);
            let (mut ra, mut rb) = (Vec::new(), Vec::new());
            a.advance_to(6.0, &rows, &mut |t, y| ra.push((t, *y)))
                .expect("solves");
            b.advance_to(6.0, &rows, &mut |t, y| rb.push((t, *y)))
                .expect("solves");
            let bits = |v: &Vector<8>| v.map(f64::to_bits);
            assert_eq!(bits(a.y()), bits(b.y()), "{method}");
            assert_eq!(a.stats(), b.stats(), "{method}");
            assert_eq!(ra.len(), rows.len());
            for ((ta, ya), (tb, yb)) in ra.iter().zip(&rb) {
                assert!(ta == tb && bits(ya) == bits(yb), "{method} at {ta}");
            }
        }
    }
}
