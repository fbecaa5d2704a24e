//! hairsim's own stiff solver: Hairer & Wanner's RODAS, a Rosenbrock method
//! of order 4 with an embedded order-3 estimate, L-stable and stiffly
//! accurate, with the coefficients, step-size controller (including
//! Gustafsson's predictive step) and continuous extension of Hairer's
//! `rodas.f`.
//!
//! Why a method of our own: on the stiff variant (`stiff_pk`) diffsol's `bdf`
//! spends about 0.9 µs of bookkeeping (dynamic vectors, generic machinery) per
//! right-hand-side evaluation that itself costs about 0.06 µs. A Rosenbrock
//! method needs no Newton iteration: each step is one LU factorisation of
//! `I/(γh) − J` and six linear solves with it (see `lu`), all on stack
//! matrices, so nothing is allocated inside the step loop (see `tests/alloc.rs`).
//!
//! The Jacobian comes from the right-hand side alone (the equations are
//! written once, in the problem's [`Rhs::eval`]): forward differences, with
//! the columns that share no non-zero row perturbed together when the
//! problem knows its [`Rhs::sparsity`] (for the hair model, read once off its
//! symbolic form: a Jacobian costs 7 evaluations instead of 16 and a step 13
//! in all). It is computed once per step at the step's start and reused,
//! with a smaller step, after a rejection. Problems are autonomous, so the
//! method's time-derivative terms (its `γᵢ` sums) vanish.
//!
//! Measured against `bdf` in BENCHMARKS.md ("`rodas4`"): about twice as fast
//! at matched error 1e-5…1e-4 on `stiff_pk`, even near 1e-7, slower below.

use super::integrator::{Integrator, Rows};
use super::lu::{Lu, Matrix};
use super::problem::{AsArray, ComponentSet, Rhs, Sparsity, Vector};
use super::{check_step, initial_step, SolveError};

// RODAS (Hairer & Wanner, `rodas.f`, METH = 1), in the transformed variables
// of its implementation: stage points `y + Σ aᵢⱼ kⱼ`, stage right-hand sides
// `f(stage) + Σ (cᵢⱼ/h) kⱼ`, each solved with `I/(γh) − J`. Rows 5 and 6 of the
// `a`s equal the weights (stiffly accurate), so the embedded solution is
// `stage 5 + k5` and the solution `embedded + k6`; `k6` is the error estimate.
const GAMMA: f64 = 0.25;
const A21: f64 = 1.544;
const A31: f64 = 0.946_678_528_081_582_6;
const A32: f64 = 0.255_701_169_898_328_4;
const A41: f64 = 3.314_825_187_068_521;
const A42: f64 = 2.896_124_015_972_201;
const A43: f64 = 0.998_641_913_997_781_7;
const A51: f64 = 1.221_224_509_226_641;
const A52: f64 = 6.019_134_481_288_629;
const A53: f64 = 12.537_083_329_320_87;
const A54: f64 = -0.687_886_036_105_895;
const C21: f64 = -5.668_8;
const C31: f64 = -2.430_093_356_833_875;
const C32: f64 = -0.206_359_915_709_191_5;
const C41: f64 = -0.107_352_905_815_137_5;
const C42: f64 = -9.594_562_251_023_355;
const C43: f64 = -20.470_286_148_096_16;
const C51: f64 = 7.496_443_313_967_647;
const C52: f64 = -10.246_804_314_643_52;
const C53: f64 = -33.999_903_528_199_05;
const C54: f64 = 11.708_908_932_061_6;
const C61: f64 = 8.083_246_795_921_522;
const C62: f64 = -7.981_132_988_064_893;
const C63: f64 = -31.521_594_328_743_71;
const C64: f64 = 16.319_305_431_231_36;
const C65: f64 = -6.058_818_238_834_054;
// Continuous extension (Hairer's D2j, D3j).
const D21: f64 = 10.126_235_083_445_86;
const D22: f64 = -7.487_995_877_610_167;
const D23: f64 = -34.800_918_615_557_47;
const D24: f64 = -7.992_771_707_568_823;
const D25: f64 = 1.025_137_723_295_662;
const D31: f64 = -0.676_280_339_280_125_3;
const D32: f64 = 6.087_714_651_680_015;
const D33: f64 = 16.430_843_208_924_78;
const D34: f64 = 24.767_225_114_183_86;
const D35: f64 = -6.594_389_125_716_872;

// Controller of `rodas.f`: safety factor, step-ratio limits 1/6 ≤ h_new/h ≤ 5.
const SAFETY: f64 = 0.9;
const FAC_GROW: f64 = 5.0;
const FAC_SHRINK: f64 = 1.0 / 6.0;

/// `base + Σ cⱼ kⱼ` in one pass over the components (nalgebra's operators
/// would make a temporary vector per term).
macro_rules! combine {
    ($base:expr; $($c:expr, $k:expr);+) => {{
        let mut out = Vector::<N>::zeros();
        {
            let (o, b) = (out.as_array_mut(), $base.as_array());
            for i in 0..N {
                o[i] = b[i] + ($($c * $k.as_array()[i] +)+ 0.0);
            }
        }
        out
    }};
}

/// Integrate from the integrator's time to `t_stop` with at most `budget`
/// steps, emitting `rows` from the continuous extension. Updates the
/// integrator's state and work counts (also on failure, when its state is the
/// last accepted step).
pub(super) fn advance<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    t_stop: f64,
    budget: u64,
    rows: &mut Rows<'_, N>,
) -> Result<(), SolveError> {
    advance_watched(integ, (t_stop, budget), rows, None).map(|_| ())
}

/// What a caller that may hand the problem to another method (`auto`) asks
/// of an advance.
pub(super) struct Watch<'w, const N: usize> {
    /// The first step's size (else Hairer's starting step).
    pub start: Option<f64>,
    /// Called after each accepted step that does not end the advance, with
    /// the Jacobian the step used, the step's size and whether the controller
    /// wants the next step as large as it may grow (a step still climbing
    /// from a small start, not one sized by the error); `true` stops the
    /// advance there.
    pub after_step: &'w mut dyn FnMut(&Matrix<N>, f64, bool) -> bool,
}

/// [`advance`], watched: `Ok(Some(h))` when `watch` stopped it after an
/// accepted step (the state is that step's end, its rows emitted; `h` is the
/// step the controller proposed next), `Ok(None)` when it reached `t_stop`.
pub(super) fn advance_watched<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    (t_stop, budget): (f64, u64),
    rows: &mut Rows<'_, N>,
    watch: Option<Watch<'_, N>>,
) -> Result<Option<f64>, SolveError> {
    let mut work = Work::default();
    let result = step_loop(integ, (t_stop, budget), &mut work, rows, watch);
    integ.stats.rhs_evaluations += work.evals;
    integ.stats.accepted_steps += work.accepted;
    integ.stats.rejected_steps += work.rejected;
    integ.stats.jacobian_evaluations += work.jacobians;
    result
}

/// Work done in one advance, kept even when it fails.
#[derive(Default)]
struct Work {
    evals: u64,
    accepted: u64,
    rejected: u64,
    jacobians: u64,
}

/// The problem's right-hand side, counting evaluations, and its Jacobian.
struct Problem<'a, R, const N: usize> {
    rhs: &'a R,
    evals: &'a mut u64,
    /// Which Jacobian entries can be non-zero, and the columns that can be
    /// differenced together.
    columns: &'a Columns<N>,
}

impl<R: Rhs<N>, const N: usize> Problem<'_, R, N> {
    #[inline]
    fn eval(&mut self, y: &Vector<N>) -> Vector<N> {
        *self.evals += 1;
        let mut dy = Vector::<N>::zeros();
        self.rhs.eval(y, &mut dy);
        dy
    }

    /// Forward-difference Jacobian at `y`, where `fy = f(y)`: one evaluation
    /// per group of structurally independent columns (Curtis, Powell & Reid:
    /// columns that share no non-zero row are perturbed together and told
    /// apart by the sparsity pattern). The increment `√(u · max(10⁻⁵, |yⱼ|))`
    /// is `rodas.f`'s: it balances truncation against rounding for states of
    /// order one and keeps a floor for states near zero (drug amounts before
    /// the first dose).
    fn jacobian(&mut self, y: &Vector<N>, fy: &Vector<N>) -> Matrix<N> {
        let mut jac = [[0.0; N]; N];
        let columns = self.columns;
        let mut delta = [0.0; N];
        for &group in &columns.groups[..columns.n_groups] {
            let mut yp = *y;
            for j in bits::<N>(group) {
                delta[j] = (f64::EPSILON * y[j].abs().max(1e-5)).sqrt();
                yp[j] = y[j] + delta[j];
            }
            let fp = self.eval(&yp);
            for j in bits::<N>(group) {
                let inv = 1.0 / delta[j];
                let col = &mut jac[j];
                for i in bits::<N>(columns.rows[j]) {
                    col[i] = (fp[i] - fy[i]) * inv;
                }
            }
        }
        jac
    }
}

/// The indices of the set bits of `mask` below `N`, lowest first.
fn bits<const N: usize>(mask: ComponentSet) -> impl Iterator<Item = usize> {
    (0..N).filter(move |&i| mask & (1 << i) != 0)
}

/// The Jacobian's structure and a grouping of its columns.
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns<const N: usize> {
    /// `rows[j]`: bit `i` is set if `dyᵢ/dt` can depend on `yⱼ`.
    rows: [ComponentSet; N],
    /// Column sets (bit `j` = column `j`) whose row sets are disjoint.
    groups: [ComponentSet; N],
    /// Groups in use.
    n_groups: usize,
}

impl<const N: usize> Columns<N> {
    /// The structure `sparsity` (every entry when unknown), with its columns
    /// grouped greedily: each column joins the first group whose rows it does
    /// not touch.
    fn of(sparsity: Option<Sparsity<N>>) -> Columns<N> {
        let sparsity = sparsity.unwrap_or_else(Sparsity::dense);
        let rows: [ComponentSet; N] = std::array::from_fn(|j| sparsity.column(j));
        let mut groups: [ComponentSet; N] = [0; N];
        let mut touched: [ComponentSet; N] = [0; N];
        let mut n_groups = 0;
        for (j, &r) in rows.iter().enumerate() {
            let g = (0..n_groups)
                .find(|&g| touched[g] & r == 0)
                .unwrap_or(n_groups);
            n_groups = n_groups.max(g + 1);
            groups[g] |= 1 << j;
            touched[g] |= r;
        }
        Columns {
            rows,
            groups,
            n_groups,
        }
    }
}

/// The adaptive step loop from the integrator's time to `t1`, stopping
/// exactly at `t1` (or where `watch` says).
fn step_loop<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    (t1, budget): (f64, u64),
    work: &mut Work,
    rows: &mut Rows<'_, N>,
    mut watch: Option<Watch<'_, N>>,
) -> Result<Option<f64>, SolveError> {
    let (rhs, settings) = (&integ.rhs, &integ.settings);
    let (t, y) = (&mut integ.t, &mut integ.y);
    let columns = &*integ
        .columns
        .get_or_insert_with(|| Columns::of(rhs.sparsity()));
    let mut rhs = Problem {
        rhs,
        evals: &mut work.evals,
        columns,
    };
    let (rtol, atol) = (settings.rtol(), settings.atol());
    let h_max = t1 - *t;
    let mut fy = rhs.eval(y);
    let mut h = match watch.as_ref().and_then(|w| w.start) {
        Some(h0) => h0.min(h_max),
        None => initial_step(&mut |y| rhs.eval(y), y, &fy, (rtol, atol), h_max, 4),
    };
    let mut jac = [[0.0; N]; N];
    let mut jac_current = false;
    let mut rejected_last = false;
    let mut steps = 0u64;
    // Gustafsson's predictive controller: the last accepted step and its error.
    let (mut h_acc, mut err_acc) = (h, 1.0_f64);
    loop {
        check_step(steps, budget, h, *t, settings)?;
        if !jac_current {
            jac = rhs.jacobian(y, &fy);
            work.jacobians += 1;
            jac_current = true;
        }
        let last = *t + 1.01 * h >= t1;
        if last {
            h = t1 - *t;
        }
        steps += 1;

        let Some(step) = attempt(&mut rhs, &jac, y, &fy, h) else {
            // Singular iteration matrix: retry with a smaller step.
            h *= 0.5;
            rejected_last = true;
            if work.accepted >= 1 {
                work.rejected += 1;
            }
            continue;
        };

        let mut err = 0.0;
        for i in 0..N {
            let sc = atol + y[i].abs().max(step.y_new[i].abs()) * rtol;
            let e = step.err[i] / sc;
            err += e * e;
        }
        let err = (err / N as f64).sqrt();

        if err <= 1.0 && err.is_finite() {
            let mut fac = (err.powf(0.25) / SAFETY).clamp(1.0 / FAC_GROW, 1.0 / FAC_SHRINK);
            if work.accepted >= 1 {
                let gus = (h_acc / h) * (err * err / err_acc).powf(0.25) / SAFETY;
                fac = fac.max(gus.clamp(1.0 / FAC_GROW, 1.0 / FAC_SHRINK));
            }
            h_acc = h;
            err_acc = err.max(1e-2);
            let mut h_new = h / fac;
            work.accepted += 1;
            let t_new = if last { t1 } else { *t + h };
            if rows.due(t_new).is_some() {
                let dense = Dense::new(y, &step);
                while let Some(to) = rows.due(t_new) {
                    rows.emit(to, &dense.at((to - *t) / h));
                }
            }
            *y = step.y_new;
            *t = t_new;
            if last {
                break;
            }
            let climbing = fac <= 1.0 / FAC_GROW;
            h_new = h_new.min(h_max);
            if rejected_last {
                h_new = h_new.min(h);
            }
            if let Some(w) = watch.as_mut() {
                if (w.after_step)(&jac, h, climbing) {
                    return Ok(Some(h_new));
                }
            }
            fy = rhs.eval(y);
            jac_current = false;
            rejected_last = false;
            h = h_new;
        } else {
            h = if err.is_finite() {
                h / (err.powf(0.25) / SAFETY).clamp(1.0 / FAC_GROW, 1.0 / FAC_SHRINK)
            } else {
                h * FAC_SHRINK
            };
            rejected_last = true;
            if work.accepted >= 1 {
                work.rejected += 1;
            }
        }
    }
    Ok(None)
}

/// RODAS's continuous extension over one accepted step (`rodas.f`'s
/// `CONTRO`): `y(θ) = (1−θ) y₀ + θ (y₁ + (1−θ)(q₁ + θ q₂))`, with `q₁`, `q₂`
/// fixed combinations of the stage increments.
///
/// Why this interpolant: it is exact at both ends and of order 3 inside the
/// step (its error `O(h⁴)`, one order below the step's local error `O(h⁵)`,
/// as `dopri5`'s order-4 dense output sits below its order 5), so output rows
/// are as accurate as the tolerance asks whenever the step resolves the
/// solution. On `stiff_pk` it was more accurate than the cubic Hermite
/// interpolant through `y₀`, `y₁`, `f(y₀)`, `f(y₁)` (grid error 7e-5 against
/// 1.6e-4 at rtol 1e-3, 1.3e-5 against 1.7e-5 at 1e-4). Neither is accurate
/// between steps where a very stiff component is slaved to a faster-moving
/// input: the method's stiff accuracy keeps the end points right while the
/// steps grow beyond the input's time scale (y' = −10⁶ (y − cos t) at
/// rtol 1e-6 takes 42 steps over 0..10, and both interpolants miss cos t by
/// up to 0.3 mid-step). In the hair model the stiff states (gut and plasma
/// drug) are driven by inputs that are constant between stops, so that case
/// does not arise.
struct Dense<const N: usize> {
    y0: Vector<N>,
    y1: Vector<N>,
    q1: Vector<N>,
    q2: Vector<N>,
}

impl<const N: usize> Dense<N> {
    fn new(y0: &Vector<N>, step: &Step<N>) -> Dense<N> {
        let [k1, k2, k3, k4, k5] = &step.k;
        let zero = Vector::<N>::zeros();
        Dense {
            y0: *y0,
            y1: step.y_new,
            q1: combine!(zero; D21, k1; D22, k2; D23, k3; D24, k4; D25, k5),
            q2: combine!(zero; D31, k1; D32, k2; D33, k3; D34, k4; D35, k5),
        }
    }

    /// The state at `t + θ h`, θ ∈ [0, 1].
    fn at(&self, theta: f64) -> Vector<N> {
        let theta1 = 1.0 - theta;
        let mut out = Vector::<N>::zeros();
        for i in 0..N {
            out[i] = theta1 * self.y0[i]
                + theta * (self.y1[i] + theta1 * (self.q1[i] + theta * self.q2[i]));
        }
        out
    }
}

/// One attempted step: the solution, its error estimate, and the stage
/// increments the continuous extension needs.
struct Step<const N: usize> {
    y_new: Vector<N>,
    err: Vector<N>,
    k: [Vector<N>; 5],
}

/// The six stages of RODAS from `y` (where `f(y) = fy` and the Jacobian is
/// `jac`) with step `h`; `None` when `I/(γh) − J` is singular.
fn attempt<R: Rhs<N>, const N: usize>(
    rhs: &mut Problem<'_, R, N>,
    jac: &Matrix<N>,
    y: &Vector<N>,
    fy: &Vector<N>,
    h: f64,
) -> Option<Step<N>> {
    // I/(γh) − J on the plain column arrays.
    let diag = 1.0 / (GAMMA * h);
    let mut e = *jac;
    for (j, ec) in e.iter_mut().enumerate() {
        for v in ec.iter_mut() {
            *v = -*v;
        }
        ec[j] += diag;
    }
    let lu = Lu::factor(&mut e)?;
    let solve = |b: Vector<N>| Some(lu.solve(b));
    let hi = 1.0 / h;

    let k1 = solve(*fy)?;
    let f2 = rhs.eval(&combine!(y; A21, k1));
    let k2 = solve(combine!(f2; C21 * hi, k1))?;
    let f3 = rhs.eval(&combine!(y; A31, k1; A32, k2));
    let k3 = solve(combine!(f3; C31 * hi, k1; C32 * hi, k2))?;
    let f4 = rhs.eval(&combine!(y; A41, k1; A42, k2; A43, k3));
    let k4 = solve(combine!(f4; C41 * hi, k1; C42 * hi, k2; C43 * hi, k3))?;
    let u5 = combine!(y; A51, k1; A52, k2; A53, k3; A54, k4);
    let f5 = rhs.eval(&u5);
    let k5 = solve(combine!(f5; C51 * hi, k1; C52 * hi, k2; C53 * hi, k3; C54 * hi, k4))?;
    let embedded = combine!(u5; 1.0, k5);
    let f6 = rhs.eval(&embedded);
    let k6 =
        solve(combine!(f6; C61 * hi, k1; C62 * hi, k2; C63 * hi, k3; C64 * hi, k4; C65 * hi, k5))?;
    Some(Step {
        y_new: combine!(embedded; 1.0, k6),
        err: k6,
        k: [k1, k2, k3, k4, k5],
    })
}

#[cfg(test)]
mod tests;
