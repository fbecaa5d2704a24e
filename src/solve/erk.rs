//! hairsim's one explicit Runge–Kutta engine: everything an explicit method
//! needs that is not its tableau. It owns the step loop of a segment, the
//! step size and controller memory carried across segments, Hairer's
//! starting step (HINIT, with the method's order), the step guard, step
//! acceptance and rejection with Hairer's Lund-stabilized PI controller
//! (constants per method), Hairer's stiffness test where the method has one,
//! the output rows read off the method's dense output, and the statistics.
//!
//! A method is a [`ExplicitPair`]: its stage storage, one step (fill the
//! stages, write `y_new`, return the error norm), its dense output and its
//! FSAL hand-over. `rk4`, `dopri5`, `tsit45` and `dop853` are implemented on
//! it (see their modules); adding a method is one impl.
//!
//! Why one engine: the per-step bookkeeping (controller, row handling, carry,
//! stats) was written once for `dopri5` without allocation and tuned; every
//! explicit method gets the same behaviour and cost instead of each crate's
//! own (`ode_solvers` stops and allocates at every row, `diffsol` costs ≈ 3.6
//! RHS evaluations of overhead per evaluation).
//!
//! **Active components.** In the default model (`Pk::Effect`) the four
//! explicit-PK states (12..16) stay exactly 0 and their derivatives are
//! exactly 0, so the engine instantiates the methods' loops for the first
//! [`ACTIVE_EFFECT`] components only (a quarter less work in every stage
//! sum, error estimate and interpolation). The skipped components would have
//! contributed exact zeros, so results are bit for bit those of the full
//! loops; the error norm still divides by `N_STATES`.

use super::{check_step, initial_step, Carried, Segment};
use super::{SolveError, SolveStats};
use crate::model::{ix, HairModel, Pk, State, N_STATES};

/// `out = base + Σ (h·cⱼ)·kⱼ` over components `0..N`, in place, one pass
/// over the fixed-size arrays inside the vectors (no nalgebra temporaries, no
/// bounds checks once `N` is known), for every method on this engine.
///
/// Why this form: each term is one fused multiply-add (`f64::mul_add`, one
/// rounding), and the terms enter oldest first, so the stage that was just
/// evaluated enters last, in a single FMA, instead of through a sum, a
/// product with `h` and an addition of `base`. (Accumulating each stage's
/// share into all later arguments as soon as it is known was tried too; it
/// did not pay: BENCHMARKS.md, third pass.) `mul_add` is the exactly rounded
/// FMA on every target (an instruction where the CPU has one, which
/// `step_loop`'s AVX2 clone uses), so results are the same bits on every
/// machine.
macro_rules! stage {
    ($n:expr; $out:expr; $base:expr, $h:expr; $($c:expr, $k:expr);+ $(;)?) => {{
        let h: f64 = $h;
        let (o, b) = (&mut $out.data.0[0], &$base.data.0[0]);
        for i in 0..$n {
            let mut acc = b[i];
            $(acc = $k.data.0[0][i].mul_add(h * $c, acc);)+
            o[i] = acc;
        }
    }};
}
pub(super) use stage;

/// `Σ (h·cⱼ)·aⱼ[i]` for one component `i` of the arrays `aⱼ`, as a chain of
/// fused multiply-adds (one rounding a term, half the instructions of
/// separate products and sums): the error estimates and dense-output
/// coefficients of the methods on this engine. `h·cⱼ` does not depend on
/// `i`, so it is computed once per step, outside the component loop.
macro_rules! dot {
    ($i:expr; $h:expr; $c0:expr, $a0:expr $(; $c:expr, $a:expr)* $(;)?) => {{
        let h: f64 = $h;
        #[allow(unused_mut)]
        let mut acc = $a0[$i] * (h * $c0);
        $(acc = $a[$i].mul_add(h * $c, acc);)*
        acc
    }};
}
pub(super) use dot;

/// `Σ xᵢ²`, kept in four interleaved partial sums (component `i` goes to
/// sum `i % 4`; the four are combined pairwise at the end).
///
/// Why: the error norm is the last thing a step computes before the
/// controller, and the next step cannot start until it is known. One running
/// sum over 12 components is a chain of 12 dependent additions; four partial
/// sums (one SIMD register of fused multiply-adds) cut it to three plus two.
/// `N` is a multiple of 4 (12 or 16), and the components a shortened loop
/// skips are exact zeros, so 12 and 16 components give the same bits.
#[inline(always)]
pub(super) fn sum_sq<const N: usize>(x: &[f64; N]) -> f64 {
    const { assert!(N.is_multiple_of(4)) };
    let mut acc = [0.0_f64; 4];
    for chunk in x.chunks_exact(4) {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a = v.mul_add(v, *a);
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Components the default model (`Pk::Effect`) moves: all but the explicit-PK ones.
pub(super) const ACTIVE_EFFECT: usize = 12;

// The explicit-PK states must be the last ones for the shortened loops to skip them.
const _: () = {
    let mut i = 0;
    while i < ix::EXPLICIT_PK_ONLY.len() {
        assert!(ix::EXPLICIT_PK_ONLY[i] >= ACTIVE_EFFECT);
        i += 1;
    }
};

/// The right-hand side as a method's stages call it.
///
/// Why a trait and not `FnMut`: the engine's evaluation (the model's
/// equations plus the evaluation count) must be inlined into the step loop,
/// so that it is compiled inside `step_loop`'s AVX2 clone and scheduled with
/// the stage sums around it. A closure cannot be marked `#[inline(always)]`
/// on stable Rust, and LLVM declined to inline one called seven times a step:
/// it ran as baseline SSE2 code behind a call. Closures still implement it
/// (the unit tests drive the methods with test problems that way).
pub(super) trait Rhs {
    /// `dy = f(y)`.
    fn eval(&mut self, y: &State, dy: &mut State);
}

impl<F: FnMut(&State, &mut State)> Rhs for F {
    #[inline(always)]
    fn eval(&mut self, y: &State, dy: &mut State) {
        self(y, dy)
    }
}

/// The model's right-hand side, counted: what the engine integrates.
struct CountedRhs<'a> {
    model: &'a HairModel,
    /// Kept in the segment's [`Work`], so that a failed segment reports it too.
    evals: &'a mut u64,
}

impl Rhs for CountedRhs<'_> {
    #[inline(always)]
    fn eval(&mut self, y: &State, dy: &mut State) {
        *self.evals += 1;
        self.model.derivatives(y, dy);
    }
}

/// Step-size controller constants of a method (Hairer's codes): the new step
/// is `h / fac` with `fac = err^alpha · fac_old^(−beta) / safety`, clamped so
/// that `h_new / h` stays in `[fac_min, fac_max]`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Controller {
    /// Safety factor.
    pub safety: f64,
    /// Exponent of the error: 1/(q+1) − 0.75·BETA for DOPRI5 (q the lower order).
    pub alpha: f64,
    /// PI (Lund) stabilization exponent on the previous error (0: plain I controller).
    pub beta: f64,
    /// Smallest step ratio.
    pub fac_min: f64,
    /// Largest step ratio.
    pub fac_max: f64,
}

/// How a method chooses its steps.
#[derive(Debug, Clone, Copy)]
pub(super) enum StepRule {
    /// Error-controlled, starting from HINIT with the method's order.
    Adaptive {
        /// Order used by HINIT.
        order: i32,
        /// Controller constants.
        controller: Controller,
    },
    /// The segment split evenly into steps no longer than `rk4_step_days`,
    /// every step accepted.
    Fixed,
}

/// Hairer's stiffness test: every `NSTIFF` accepted steps, estimate
/// `h·|λ|` from the last two stages; stiff after 15 positive tests in a row.
const NSTIFF: u64 = 1000;

/// The method-specific part of an explicit Runge–Kutta method: its stages and
/// tableau, dense output and FSAL hand-over. Everything else is the engine's.
///
/// `N` is the number of active components: the loops touch components
/// `0..N` only and leave `N..16` of every vector as they are (0).
pub(super) trait ExplicitPair: Default {
    /// Dense output of one accepted step.
    type Dense: DenseOutput;
    /// How steps are chosen.
    const RULE: StepRule;
    /// Bound on `h·|λ|` of Hairer's stiffness test (`None`: no test).
    const STIFF_LIMIT: Option<f64> = None;

    /// The derivative at the step start (FSAL slot); the engine fills it once
    /// per segment, the method's [`advance`](Self::advance) after each step.
    fn k1_mut(&mut self) -> &mut State;

    /// One step of size `h` from `y` (k1 holds `f(y)`): fill the stages,
    /// write `y_new`, return Hairer's error norm (0 for a fixed-step method).
    fn step<const N: usize>(
        &mut self,
        f: &mut impl Rhs,
        y: &State,
        h: f64,
        y_new: &mut State,
        rtol: f64,
        atol: f64,
    ) -> f64;

    /// After an accepted step with rows in it: the dense-output coefficients
    /// (may evaluate `f`).
    fn dense<const N: usize>(
        &mut self,
        f: &mut impl Rhs,
        y: &State,
        y_new: &State,
        h: f64,
    ) -> Self::Dense;

    /// FSAL: make k1 the derivative at `y_new` for the next step.
    fn advance(&mut self);

    /// Hairer's stiffness quotient `h·|λ|` for the step of size `h` just
    /// accepted, from the last two stages (compared with `STIFF_LIMIT`).
    fn stiffness_h_lambda(&self, _h: f64, _y_new: &State) -> f64 {
        0.0
    }
}

/// A method's interpolant over one accepted step.
pub(super) trait DenseOutput {
    /// The state at `t + θ·h` (θ in [0, 1]) into `out`, components `0..N`;
    /// `y` is the state at the step start.
    fn eval<const N: usize>(&self, theta: f64, y: &State, out: &mut State);
}

/// Integrate one segment with method `P`, calling `emit` at each time of
/// `outputs` (sorted, strictly inside the segment) with the dense-output
/// state. Returns the state at `t1` and what to carry into the next segment
/// (see [`Carried`]; `None` for a fixed-step method).
pub(super) fn integrate<P: ExplicitPair>(
    seg: Segment<'_>,
    carried: Option<Carried>,
    stats: &mut SolveStats,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<(State, Option<Carried>), SolveError> {
    let mut work = Work::default();
    // Exactly +0.0 (bits), so that skipping them reproduces the full loops bit for bit.
    let explicit_pk_at_rest = ix::EXPLICIT_PK_ONLY
        .iter()
        .all(|&i| seg.y0[i].to_bits() == 0);
    let result = if seg.model.pk == Pk::Effect && explicit_pk_at_rest {
        step_loop::<P, ACTIVE_EFFECT>(seg, carried, &mut work, outputs, emit)
    } else {
        step_loop::<P, N_STATES>(seg, carried, &mut work, outputs, emit)
    };
    stats.rhs_evaluations += work.evals;
    stats.accepted_steps += work.accepted;
    stats.rejected_steps += work.rejected;
    result
}

/// `steps` steps of size `h` from `y0` with method `P`'s own step code and
/// nothing else: no controller, no rows, no checks, no carried state; each
/// step's error norm is computed (it is part of the method's arithmetic) and
/// dropped. What the full engine costs above this is what the controller,
/// the rows and the bookkeeping cost (`benches/overhead.rs`). The default
/// model's 12 active components, as in a solve of it; compiled as
/// [`step_loop`] is.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
pub(super) fn stages_only<P: ExplicitPair>(
    model: &HairModel,
    y0: &State,
    h: f64,
    steps: usize,
) -> State {
    let mut evals = 0;
    let mut f = CountedRhs {
        model,
        evals: &mut evals,
    };
    let mut stages = P::default();
    let (mut y, mut y_new) = (*y0, State::zeros());
    f.eval(&y, stages.k1_mut());
    for _ in 0..steps {
        let err = stages.step::<ACTIVE_EFFECT>(&mut f, &y, h, &mut y_new, 1e-6, 1e-9);
        std::hint::black_box(err);
        stages.advance();
        y = y_new;
    }
    y
}

/// Work done in one segment, kept even when it fails.
#[derive(Default)]
struct Work {
    evals: u64,
    accepted: u64,
    rejected: u64,
}

/// The step loop of one segment, compiled for baseline x86-64 (SSE2) and for
/// AVX2 (+FMA) with run-time dispatch (`multiversion`, no `unsafe` here).
/// The right-hand side is inlined into it ([`Rhs`]), so the model's
/// equations are compiled for the same target. The methods' sums are written
/// with `f64::mul_add`, the exactly rounded fused multiply-add, so both
/// clones give the same bits; the AVX2 clone does it in one instruction, the
/// baseline one calls libm's `fma`, which is slow on a CPU without FMA
/// (x86-64 before 2013) but still right. First measured on the richest combo
/// arm with `dopri5` at rtol 1e-6 (callgrind, instructions per solve), before
/// the sums were fused: 2.458 M (SSE2 only) → 2.148 M (AVX2 clone), −12.6%.
#[multiversion::multiversion(targets("x86_64+avx2+fma"))]
fn step_loop<P: ExplicitPair, const N: usize>(
    seg: Segment<'_>,
    carried: Option<Carried>,
    work: &mut Work,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<(State, Option<Carried>), SolveError> {
    match P::RULE {
        StepRule::Adaptive { order, controller } => {
            adaptive::<P, N>(seg, carried, work, outputs, emit, order, controller)
        }
        StepRule::Fixed => fixed::<P, N>(seg, work, outputs, emit).map(|y| (y, None)),
    }
}

/// Emit the rows of `outputs[*next_out..]` that fall in the accepted step
/// `[t, t_new]` of size `h`, from the method's dense output.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn emit_rows<P: ExplicitPair, const N: usize>(
    stages: &mut P,
    f: &mut impl Rhs,
    (y, y_new, out): (&State, &State, &mut State),
    (t, t_new, h): (f64, f64, f64),
    outputs: &[f64],
    next_out: &mut usize,
    emit: &mut dyn FnMut(f64, &State),
) {
    if *next_out < outputs.len() && outputs[*next_out] <= t_new {
        let dense = stages.dense::<N>(f, y, y_new, h);
        while let Some(&to) = outputs.get(*next_out).filter(|&&to| to <= t_new) {
            let theta = (to - t) / h;
            dense.eval::<N>(theta, y, out);
            emit(to, out);
            *next_out += 1;
        }
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn adaptive<P: ExplicitPair, const N: usize>(
    seg: Segment<'_>,
    carried: Option<Carried>,
    work: &mut Work,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
    order: i32,
    ctl: Controller,
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
    let mut f = CountedRhs {
        model,
        evals: &mut work.evals,
    };

    let mut stages = P::default();
    let mut y = y0;
    let mut t = t0;
    f.eval(&y, stages.k1_mut());
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
        None => {
            let k1 = *stages.k1_mut();
            initial_step(
                &mut |y| {
                    let mut dy = State::zeros();
                    f.eval(y, &mut dy);
                    dy
                },
                &y,
                &k1,
                (rtol, atol),
                h_max,
                order,
            )
        }
    };
    let mut ln_fac_old = carried.map_or(ln_fac_floor, |c| c.ln_fac_old);
    let mut by_error = carried.is_some();
    let mut h_proposed = None;
    let mut proposed_ln_fac_old = ln_fac_old;

    let (mut y_new, mut out) = (State::zeros(), State::zeros());
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

        let err = stages.step::<N>(&mut f, &y, h, &mut y_new, rtol, atol);

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
            if let Some(limit) = P::STIFF_LIMIT {
                if work.accepted.is_multiple_of(NSTIFF) || stiff_hits > 0 {
                    let h_lamb = stages.stiffness_h_lambda(h, &y_new);
                    if h_lamb > limit {
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
            }
            let t_new = if last { t1 } else { t + h };
            emit_rows::<P, N>(
                &mut stages,
                &mut f,
                (&y, &y_new, &mut out),
                (t, t_new, h),
                outputs,
                &mut next_out,
                emit,
            );
            stages.advance();
            y = y_new;
            t = t_new;
            if last {
                break;
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
    Ok((
        y,
        h_proposed.map(|h| Carried {
            h,
            ln_fac_old: proposed_ln_fac_old,
        }),
    ))
}

/// Fixed steps: the segment split evenly into the fewest steps no longer
/// than `rk4_step_days`; step `k` starts at `t0 + k·h` (no drift from summing
/// steps) and the last one ends exactly at `t1`.
#[inline(always)]
fn fixed<P: ExplicitPair, const N: usize>(
    seg: Segment<'_>,
    work: &mut Work,
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
    let len = t1 - t0;
    let n = (len / settings.rk4_step_days).ceil().max(1.0);
    if !n.is_finite() || n > budget as f64 {
        return Err(SolveError::TooManySteps {
            method: settings.method,
            t_days: t0,
            max_steps: settings.max_steps,
        });
    }
    // Exact: n ≤ budget ≤ u32::MAX.
    let n = n as u64;
    let h_step = len / n as f64;
    let mut f = CountedRhs {
        model,
        evals: &mut work.evals,
    };
    let mut stages = P::default();
    let mut y = y0;
    f.eval(&y, stages.k1_mut());
    let (mut y_new, mut out) = (State::zeros(), State::zeros());
    let mut next_out = 0;
    for k in 0..n {
        let t = t0 + k as f64 * h_step;
        let last = k + 1 == n;
        let t_new = if last {
            t1
        } else {
            t0 + (k + 1) as f64 * h_step
        };
        let h = t_new - t;
        check_step(k, budget, h, t, settings)?;
        stages.step::<N>(&mut f, &y, h, &mut y_new, 0.0, 0.0);
        work.accepted += 1;
        emit_rows::<P, N>(
            &mut stages,
            &mut f,
            (&y, &y_new, &mut out),
            (t, t_new, h),
            outputs,
            &mut next_out,
            emit,
        );
        stages.advance();
        y = y_new;
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::super::test_model::treated_model;
    use super::super::{advance, stages_only, Method, SolveStats, SolverSettings};

    /// `stages_only` runs the method itself: 60 days of fixed steps from the
    /// untreated steady state onto finasteride and minoxidil land near a
    /// tight adaptive solve, closer with 6-hour steps than with 12-hour ones;
    /// methods off the engine give `None`.
    #[test]
    fn stages_only_integrates_with_the_methods_own_steps() {
        let (model, y0) = treated_model();
        let tight = SolverSettings {
            method: Method::Dop853,
            rtol: 1e-12,
            atol: 1e-14,
            ..SolverSettings::default()
        };
        let exact = advance(&model, 0.0, 60.0, y0, &tight, &mut SolveStats::default())
            .expect("reference solve");
        assert!((exact - y0).amax() > 1e-3, "a real transient");
        for method in [Method::Rk4, Method::Dopri5, Method::Tsit45, Method::Dop853] {
            let off = |h: f64, steps: usize| {
                let y = stages_only(method, &model, &y0, h, steps).expect("an engine method");
                (y - exact).amax()
            };
            // Measured: rk4 6.2e-6 → 1.1e-6, dopri5 1.6e-6 → 1.3e-7,
            // tsit45 2.1e-6 → 1.6e-7, dop853 1.5e-7 → 7.6e-9 (the fast DHT
            // transient keeps 12 h and 6 h steps short of the asymptotic
            // orders); a wrong stage would leave errors near 1e-3.
            let (coarse, fine) = (off(0.5, 120), off(0.25, 240));
            assert!(fine < 1e-5, "{method}: off by {fine:e}");
            assert!(fine < coarse / 4.0, "{method}: {coarse:e} → {fine:e}");
        }
        assert!(stages_only(Method::Bdf, &model, &y0, 1.0, 60).is_none());
        assert!(stages_only(Method::OdeSolversDopri5, &model, &y0, 1.0, 60).is_none());
    }
}
