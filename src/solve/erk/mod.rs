//! hairsim's one explicit Runge–Kutta engine: everything an explicit method
//! needs that is not its tableau. It owns the step loop of an advance,
//! Hairer's starting step (HINIT, with the method's order), the step guard,
//! step acceptance and rejection with Hairer's Lund-stabilized PI controller
//! (constants per method), Hairer's stiffness test where the method has one,
//! the output rows read off the method's dense output, and the work counts;
//! the step size and controller memory it hands from one advance to the next
//! live in the [`Integrator`].
//!
//! A method is an [`ExplicitPair`]: its stage storage, one step (fill the
//! stages, write `y_new`, return the error norm), its dense output and its
//! FSAL hand-over. `rk4`, `dopri5`, `tsit45` and `dop853` are implemented on
//! it (see their modules); adding a method is one impl.
//!
//! Why one engine: the per-step bookkeeping (controller, rows, carried step,
//! counts) was written once, without allocation, and tuned; every explicit
//! method gets the same behaviour and cost instead of each crate's own
//! (`ode_solvers` stops and allocates at every row, `diffsol` costs ≈ 3.6
//! right-hand-side evaluations of overhead per evaluation).
//!
//! **Active components.** When the problem says its components
//! `R::ACTIVE..N` are inert ([`Rhs::tail_inert`]) and they are exactly +0.0,
//! the loops are compiled for the first `R::ACTIVE` components only (the
//! hair model's default variant: 12 of 16, a quarter less work in every stage
//! sum, error estimate and interpolation). The skipped components would have
//! contributed exact zeros, so results are bit for bit those of the full
//! loops; the error norm still divides by `N`.

use super::problem::{Rhs, Vector};

mod step_loop;

pub(super) use step_loop::{advance, stages_only};

/// How one advance runs Hairer's stiffness test (for the methods that have
/// one, [`ExplicitPair::STIFF_LIMIT`]): every `every` accepted steps, and
/// after every step once a test was positive; the problem is stiff after
/// `hits` positive tests with fewer than six negative ones in between.
#[derive(Debug, Clone, Copy)]
pub(in crate::solve) struct StiffnessTest {
    /// Accepted steps between two tests (≥ 1) while none is positive.
    pub every: u64,
    /// Positive tests that make the problem stiff.
    pub hits: u32,
    /// The bound on `h·|λ|` above which a test is positive (`None`: the
    /// method's [`ExplicitPair::STIFF_LIMIT`], for methods that have one).
    pub limit: Option<f64>,
    /// Whether the advance then stops with [`SolveError::Stiff`](super::SolveError::Stiff)
    /// (else the test goes on counting, and nothing happens).
    pub stop: bool,
}

impl StiffnessTest {
    /// Hairer's DOPRI5 and DOP853: every 1000 steps, stiff after 15 positive
    /// tests; stopping if `stop`.
    pub(in crate::solve) fn hairer(stop: bool) -> Self {
        StiffnessTest {
            every: 1000,
            hits: 15,
            limit: None,
            stop,
        }
    }
}

/// `out = base + Σ (h·cⱼ)·kⱼ` over components `0..n`, in place, one pass
/// over the fixed-size arrays inside the vectors (no nalgebra temporaries, no
/// bounds checks once `n` is known), for every method on this engine.
///
/// Why this form: each term is one fused multiply-add (`f64::mul_add`, one
/// rounding), and the terms enter oldest first, so the stage that was just
/// evaluated enters last, in a single FMA, instead of through a sum, a
/// product with `h` and an addition of `base`. `mul_add` is the exactly
/// rounded FMA on every target (an instruction where the CPU has one, which
/// `step_loop`'s AVX2 clone uses), so results are the same bits on every
/// machine.
macro_rules! stage {
    ($n:expr; $out:expr; $base:expr, $h:expr; $($c:expr, $k:expr);+ $(;)?) => {{
        let h: f64 = $h;
        let n: usize = $n;
        let (o, b) = ($out.as_array_mut(), $base.as_array());
        for i in 0..n {
            let mut acc = b[i];
            $(acc = $k.as_array()[i].mul_add(h * $c, acc);)+
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

/// `Σ xᵢ²` over `x[..n]`, kept in four interleaved partial sums (component
/// `i` goes to sum `i % 4`; the four are combined pairwise at the end).
///
/// Why: the error norm is the last thing a step computes before the
/// controller, and the next step cannot start until it is known. One running
/// sum over 12 components is a chain of 12 dependent additions; four partial
/// sums (one SIMD register of fused multiply-adds) cut it to three plus two.
/// Components a shortened loop skips are exact zeros and would not change a
/// partial sum, so the shortened and full loops give the same bits.
#[inline(always)]
pub(super) fn sum_sq<const N: usize>(x: &[f64; N], n: usize) -> f64 {
    let mut acc = [0.0_f64; 4];
    let chunks = x[..n].chunks_exact(4);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (a, &v) in acc.iter_mut().zip(chunk) {
            *a = v.mul_add(v, *a);
        }
    }
    for (a, &v) in acc.iter_mut().zip(rest) {
        *a = v.mul_add(v, *a);
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// The right-hand side as a method's stages call it: the evaluation and the
/// number of leading components the loops cover.
///
/// Why a trait and not `FnMut`: the evaluation must be inlined into the step
/// loop, so that it is compiled inside `step_loop`'s AVX2 clone and
/// scheduled with the stage sums around it; LLVM declined to inline a
/// closure called seven times a step. And the component count must be a
/// constant in each compiled loop, which a type parameter gives.
pub(super) trait Eval<const N: usize> {
    /// `dy = f(y)`.
    fn eval(&mut self, y: &Vector<N>, dy: &mut Vector<N>);
    /// The leading components the loops cover (a constant once inlined).
    fn active(&self) -> usize;
}

/// A problem's right-hand side, counted: what the engine integrates. `TRIM`:
/// the loops cover `R::ACTIVE` components, else all `N`.
pub(super) struct Counted<'a, R, const TRIM: bool> {
    pub(super) rhs: &'a R,
    /// Kept in the advance's [`Work`], so that a failed advance reports it too.
    pub(super) evals: &'a mut u64,
}

impl<'a, R, const TRIM: bool> Counted<'a, R, TRIM> {
    /// `rhs`, each evaluation counted in `evals`.
    pub(super) fn new(rhs: &'a R, evals: &'a mut u64) -> Self {
        Counted { rhs, evals }
    }
}

impl<R: Rhs<N>, const N: usize, const TRIM: bool> Eval<N> for Counted<'_, R, TRIM> {
    #[inline(always)]
    fn eval(&mut self, y: &Vector<N>, dy: &mut Vector<N>) {
        *self.evals += 1;
        self.rhs.eval(y, dy);
    }

    #[inline(always)]
    fn active(&self) -> usize {
        if TRIM {
            R::ACTIVE
        } else {
            N
        }
    }
}

/// A problem's right-hand side for the methods' unit tests: not counted,
/// covering the first `n` components (all, if `n` is larger).
#[cfg(test)]
pub(super) struct Direct<'a, R> {
    rhs: &'a R,
    n: usize,
}

#[cfg(test)]
impl<'a, R> Direct<'a, R> {
    /// Every component.
    pub(super) fn all(rhs: &'a R) -> Self {
        Direct { rhs, n: usize::MAX }
    }

    /// The first `n` components.
    pub(super) fn leading(rhs: &'a R, n: usize) -> Self {
        Direct { rhs, n }
    }
}

#[cfg(test)]
impl<R: Rhs<N>, const N: usize> Eval<N> for Direct<'_, R> {
    fn eval(&mut self, y: &Vector<N>, dy: &mut Vector<N>) {
        self.rhs.eval(y, dy);
    }

    fn active(&self) -> usize {
        self.n.min(N)
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
    /// The advance split evenly into steps no longer than `rk4_step_days`,
    /// every step accepted.
    Fixed,
}

/// Where a step starts: the state, the step size, and the tolerances of its
/// error norm.
#[derive(Clone, Copy)]
pub(super) struct Start<'a, const N: usize> {
    /// The state at the step start.
    pub y: &'a Vector<N>,
    /// The step size.
    pub h: f64,
    /// Relative tolerance of the error norm.
    pub rtol: f64,
    /// Absolute tolerance of the error norm.
    pub atol: f64,
}

impl<'a, const N: usize> Start<'a, N> {
    /// A step of `h` from `y`, its error measured with `(rtol, atol)`.
    pub(super) fn new(y: &'a Vector<N>, h: f64, (rtol, atol): (f64, f64)) -> Self {
        Start { y, h, rtol, atol }
    }
}

/// The method-specific part of an explicit Runge–Kutta method: its stages and
/// tableau, dense output and FSAL hand-over. Everything else is the engine's.
///
/// The loops touch components `0..f.active()` only and leave the others of
/// every vector as they are (0).
pub(super) trait ExplicitPair<const N: usize>: Default {
    /// Dense output of one accepted step.
    type Dense: DenseOutput<N>;
    /// How steps are chosen.
    const RULE: StepRule;
    /// Bound on `h·|λ|` of Hairer's stiffness test (`None`: no test).
    const STIFF_LIMIT: Option<f64> = None;

    /// The derivative at the step start (FSAL slot); the engine fills it once
    /// per advance, the method's [`advance`](Self::advance) after each step.
    fn k1_mut(&mut self) -> &mut Vector<N>;

    /// One step from `at` (k1 holds `f(at.y)`): fill the stages, write
    /// `y_new`, return Hairer's error norm (0 for a fixed-step method).
    fn step(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &mut Vector<N>) -> f64;

    /// After an accepted step from `at` to `y_new` with rows in it: the
    /// dense-output coefficients (may evaluate `f`).
    fn dense(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &Vector<N>) -> Self::Dense;

    /// FSAL: make k1 the derivative at `y_new` for the next step.
    fn advance(&mut self);

    /// Hairer's stiffness quotient `h·|λ|` for the step of size `h` just
    /// accepted, from the last two stages (compared with `STIFF_LIMIT`).
    fn stiffness_h_lambda(&self, _h: f64, _y_new: &Vector<N>) -> f64 {
        0.0
    }
}

/// A method's interpolant over one accepted step.
pub(super) trait DenseOutput<const N: usize> {
    /// The state at `t + θ·h` (θ in [0, 1]) into components `0..n` of
    /// `out`; `y` is the state at the step start.
    fn eval(&self, theta: f64, y: &Vector<N>, out: &mut Vector<N>, n: usize);
}
