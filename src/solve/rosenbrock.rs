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
//! `I/(γh) − J` and six linear solves with it, all on 16 × 16 stack matrices,
//! so nothing is allocated inside the step loop (see `tests/alloc.rs`).
//!
//! The Jacobian comes from the right-hand side alone (the equations are
//! written once, in [`crate::model::HairModel::derivatives`]): forward
//! differences, with the columns that share no non-zero row perturbed
//! together (the sparsity is read once off the symbolic model), so a Jacobian
//! costs 7 evaluations instead of 16 and a step 13 in all. It is computed
//! once per step at the step's start and reused, with a smaller step, after a
//! rejection. The model is autonomous, so the method's time-derivative terms
//! (its `γᵢ` sums) vanish.
//!
//! Measured against `bdf` in BENCHMARKS.md ("`rodas4`"): about twice as fast
//! at matched error 1e-5…1e-4 on `stiff_pk`, even near 1e-7, slower below.

use super::SolverSettings;
use super::{check_step, initial_step, Segment};
use super::{SolveError, SolveStats};
use crate::model::{symbolic_state, HairModel, Pk, State, N_STATES};
use crate::symbolic::{trace, Node, Sym};
use nalgebra::SMatrix;
use std::sync::OnceLock;

/// A 16 × 16 matrix on the stack: the Jacobian and the iteration matrix.
type Matrix = SMatrix<f64, N_STATES, N_STATES>;

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
        let mut out = State::zeros();
        {
            let o = &mut out.data.0[0];
            for i in 0..N_STATES {
                o[i] = $base.data.0[0][i] + ($($c * $k.data.0[0][i] +)+ 0.0);
            }
        }
        out
    }};
}

/// Integrate one segment from `t0` to `t1`, calling `emit` at each time of
/// `outputs` (sorted, strictly inside the segment) with the dense-output
/// state. `budget` (≥ 1) is the number of steps left for the arm.
pub(super) fn integrate(
    seg: Segment<'_>,
    stats: &mut SolveStats,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<State, SolveError> {
    let mut work = Work::default();
    let model = seg.model;
    let mut rhs = Rhs {
        f: |y: &State, dy: &mut State| model.derivatives(y, dy),
        evals: 0,
        columns: Columns::of(model.pk),
    };
    let span = (seg.t0, seg.t1);
    let result = step_loop(
        &mut rhs,
        span,
        seg.y0,
        seg.settings,
        seg.budget,
        &mut work,
        outputs,
        emit,
    );
    stats.rhs_evaluations += rhs.evals;
    stats.accepted_steps += work.accepted;
    stats.rejected_steps += work.rejected;
    stats.jacobian_evaluations += work.jacobians;
    result
}

/// Work done in one segment, kept even when it fails.
#[derive(Default)]
struct Work {
    accepted: u64,
    rejected: u64,
    jacobians: u64,
}

/// The right-hand side (the model's, or a test problem's), counting evaluations.
struct Rhs<F> {
    f: F,
    evals: u64,
    /// Which Jacobian entries can be non-zero, and the columns that can be
    /// differenced together.
    columns: &'static Columns,
}

impl<F: FnMut(&State, &mut State)> Rhs<F> {
    #[inline]
    fn eval(&mut self, y: &State) -> State {
        self.evals += 1;
        let mut dy = State::zeros();
        (self.f)(y, &mut dy);
        dy
    }

    /// Forward-difference Jacobian at `y`, where `fy = f(y)`: one evaluation
    /// per group of structurally independent columns (Curtis, Powell & Reid:
    /// columns that share no non-zero row are perturbed together and told
    /// apart by the sparsity pattern). The increment `√(u · max(10⁻⁵, |yⱼ|))`
    /// is `rodas.f`'s: it balances truncation against rounding for states of
    /// order one and keeps a floor for states near zero (drug amounts before
    /// the first dose).
    fn jacobian(&mut self, y: &State, fy: &State) -> Matrix {
        let mut jac = Matrix::zeros();
        let columns = self.columns;
        let mut delta = [0.0; N_STATES];
        for &group in &columns.groups[..columns.n_groups] {
            let mut yp = *y;
            for j in bits(group) {
                delta[j] = (f64::EPSILON * y[j].abs().max(1e-5)).sqrt();
                yp[j] = y[j] + delta[j];
            }
            let fp = self.eval(&yp);
            for j in bits(group) {
                let inv = 1.0 / delta[j];
                let col = &mut jac.data.0[j];
                for i in bits(columns.rows[j]) {
                    col[i] = (fp[i] - fy[i]) * inv;
                }
            }
        }
        jac
    }
}

/// The indices of the set bits of `mask`, lowest first.
fn bits(mask: u32) -> impl Iterator<Item = usize> {
    (0..N_STATES).filter(move |&i| mask & (1 << i) != 0)
}

/// The Jacobian's structure and a grouping of its columns.
#[derive(Debug)]
struct Columns {
    /// `rows[j]`: bit `i` is set if `dyᵢ/dt` can depend on `yⱼ`.
    rows: [u32; N_STATES],
    /// Column sets (bit `j` = column `j`) whose row sets are disjoint.
    groups: [u32; N_STATES],
    /// Groups in use.
    n_groups: usize,
}

impl Columns {
    /// Every entry possibly non-zero, one column per group (for test problems
    /// with no symbolic form).
    #[cfg(test)]
    const DENSE: Columns = Columns {
        rows: [(1 << N_STATES) - 1; N_STATES],
        groups: {
            let mut g = [0; N_STATES];
            let mut j = 0;
            while j < N_STATES {
                g[j] = 1 << j;
                j += 1;
            }
            g
        },
        n_groups: N_STATES,
    };

    /// The structure of the model's right-hand side for `pk`, read once per
    /// process off its symbolic trace (the same equations with symbols: a
    /// state that does not appear in an expression cannot change it, whatever
    /// the parameter and input values). Computed on first use (that call
    /// allocates while tracing; the step loop never does).
    fn of(pk: Pk) -> &'static Columns {
        static EFFECT: OnceLock<Columns> = OnceLock::new();
        static EXPLICIT: OnceLock<Columns> = OnceLock::new();
        let cell = match pk {
            Pk::Effect => &EFFECT,
            Pk::Explicit => &EXPLICIT,
        };
        cell.get_or_init(|| Columns::traced(pk))
    }

    fn traced(pk: Pk) -> Columns {
        let (graph, dy) = trace(|| {
            let model = HairModel::<Sym>::symbolic(pk);
            let y = symbolic_state();
            let mut dy = y;
            model.derivatives_of(&y, &mut dy);
            dy
        });
        let mut rows = [0u32; N_STATES];
        for (i, d) in dy.iter().enumerate() {
            for s in graph.reachable(&[*d]) {
                if let Node::State(j) = graph.node(s) {
                    rows[j] |= 1 << i;
                }
            }
        }
        Columns::grouped(rows)
    }

    /// Greedy grouping: each column joins the first group whose rows it does
    /// not touch.
    fn grouped(rows: [u32; N_STATES]) -> Columns {
        let mut groups = [0u32; N_STATES];
        let mut touched = [0u32; N_STATES];
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

/// The adaptive step loop over `t0..t1` (`span`), stopping exactly at `t1`.
#[allow(clippy::too_many_arguments)]
fn step_loop<F: FnMut(&State, &mut State)>(
    rhs: &mut Rhs<F>,
    (t0, t1): (f64, f64),
    y0: State,
    settings: &SolverSettings,
    budget: u64,
    work: &mut Work,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<State, SolveError> {
    let (rtol, atol) = (settings.rtol, settings.atol);
    let h_max = t1 - t0;
    {
        let mut y = y0;
        let mut t = t0;
        let mut fy = rhs.eval(&y);
        let mut h = initial_step(&mut |y| rhs.eval(y), &y, &fy, (rtol, atol), h_max, 4);
        let mut jac = Matrix::zeros();
        let mut jac_current = false;
        let mut next_out = 0;
        let mut rejected_last = false;
        let mut steps = 0u64;
        // Gustafsson's predictive controller: the last accepted step and its error.
        let (mut h_acc, mut err_acc) = (h, 1.0_f64);
        loop {
            check_step(steps, budget, h, t, settings)?;
            if !jac_current {
                jac = rhs.jacobian(&y, &fy);
                work.jacobians += 1;
                jac_current = true;
            }
            let last = t + 1.01 * h >= t1;
            if last {
                h = t1 - t;
            }
            steps += 1;

            let Some(step) = attempt(rhs, &jac, &y, &fy, h) else {
                // Singular iteration matrix: retry with a smaller step.
                h *= 0.5;
                rejected_last = true;
                if work.accepted >= 1 {
                    work.rejected += 1;
                }
                continue;
            };

            let mut err = 0.0;
            for i in 0..N_STATES {
                let sc = atol + y[i].abs().max(step.y_new[i].abs()) * rtol;
                let e = step.err[i] / sc;
                err += e * e;
            }
            let err = (err / N_STATES as f64).sqrt();

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
                let t_new = if last { t1 } else { t + h };
                if next_out < outputs.len() && outputs[next_out] <= t_new {
                    let dense = Dense::new(&y, &step);
                    while let Some(&to) = outputs.get(next_out).filter(|&&to| to <= t_new) {
                        emit(to, &dense.at((to - t) / h));
                        next_out += 1;
                    }
                }
                y = step.y_new;
                t = t_new;
                if last {
                    break;
                }
                fy = rhs.eval(&y);
                jac_current = false;
                h_new = h_new.min(h_max);
                if rejected_last {
                    h_new = h_new.min(h);
                }
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
        Ok(y)
    }
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
/// up to 0.3 mid-step). In this model the stiff states (gut and plasma drug) are driven
/// by inputs that are constant within a segment, so that case does not arise.
struct Dense {
    y0: State,
    y1: State,
    q1: State,
    q2: State,
}

impl Dense {
    fn new(y0: &State, step: &Step) -> Dense {
        let [k1, k2, k3, k4, k5] = &step.k;
        let zero = State::zeros();
        Dense {
            y0: *y0,
            y1: step.y_new,
            q1: combine!(zero; D21, k1; D22, k2; D23, k3; D24, k4; D25, k5),
            q2: combine!(zero; D31, k1; D32, k2; D33, k3; D34, k4; D35, k5),
        }
    }

    /// The state at `t + θ h`, θ ∈ [0, 1].
    fn at(&self, theta: f64) -> State {
        let theta1 = 1.0 - theta;
        let mut out = State::zeros();
        for i in 0..N_STATES {
            out[i] = theta1 * self.y0[i]
                + theta * (self.y1[i] + theta1 * (self.q1[i] + theta * self.q2[i]));
        }
        out
    }
}

/// One attempted step: the solution, its error estimate, and the stage
/// increments the continuous extension needs.
struct Step {
    y_new: State,
    err: State,
    k: [State; 5],
}

/// The six stages of RODAS from `y` (where `f(y) = fy` and the Jacobian is
/// `jac`) with step `h`; `None` when `I/(γh) − J` is singular.
fn attempt<F: FnMut(&State, &mut State)>(
    rhs: &mut Rhs<F>,
    jac: &Matrix,
    y: &State,
    fy: &State,
    h: f64,
) -> Option<Step> {
    // I/(γh) − J on the plain column arrays (nalgebra's negation iterates
    // element by element through a generic iterator).
    let diag = 1.0 / (GAMMA * h);
    let mut e = [[0.0; N_STATES]; N_STATES];
    for (j, (ec, jc)) in e.iter_mut().zip(&jac.data.0).enumerate() {
        for (v, &x) in ec.iter_mut().zip(jc) {
            *v = -x;
        }
        ec[j] += diag;
    }
    let lu = Lu::factor(e)?;
    let solve = |b: State| Some(lu.solve(b));
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

/// LU factorisation with partial pivoting of a 16 × 16 matrix, in place on
/// its column-major array. Written out instead of nalgebra's `lu()` because
/// nalgebra's generic column operations made the factorisation and the six
/// solves per step cost more than the twenty-two right-hand-side evaluations;
/// fixed-length loops over contiguous columns let the compiler vectorise.
struct Lu {
    /// Columns: `L` (unit diagonal, not stored) below the diagonal, `U` on and above.
    a: [[f64; N_STATES]; N_STATES],
    /// Row swapped with row `k` at elimination step `k`.
    pivots: [usize; N_STATES],
    /// `1 / U[k][k]`.
    inv_diag: [f64; N_STATES],
}

impl Lu {
    /// Factor `m`; `None` when a pivot is zero or not finite (singular matrix).
    fn factor(mut a: [[f64; N_STATES]; N_STATES]) -> Option<Lu> {
        let mut pivots = [0; N_STATES];
        let mut inv_diag = [0.0; N_STATES];
        for k in 0..N_STATES {
            let mut p = k;
            let mut best = a[k][k].abs();
            for (i, v) in a[k].iter().enumerate().skip(k + 1) {
                if v.abs() > best {
                    best = v.abs();
                    p = i;
                }
            }
            if best == 0.0 || !best.is_finite() {
                return None;
            }
            pivots[k] = p;
            if p != k {
                for col in a.iter_mut() {
                    col.swap(k, p);
                }
            }
            let inv = 1.0 / a[k][k];
            inv_diag[k] = inv;
            let (left, right) = a.split_at_mut(k + 1);
            let pivot_col = &mut left[k];
            for v in pivot_col.iter_mut().skip(k + 1) {
                *v *= inv;
            }
            for col in right.iter_mut() {
                let ukj = col[k];
                if ukj != 0.0 {
                    for i in k + 1..N_STATES {
                        col[i] -= pivot_col[i] * ukj;
                    }
                }
            }
        }
        Some(Lu {
            a,
            pivots,
            inv_diag,
        })
    }

    /// Solve `A x = b`.
    fn solve(&self, b: State) -> State {
        let mut x = b.data.0[0];
        for (k, &p) in self.pivots.iter().enumerate() {
            x.swap(k, p & (N_STATES - 1));
        }
        // Forward: L y = P b (unit diagonal), column by column.
        for j in 0..N_STATES {
            let xj = x[j];
            if xj != 0.0 {
                let col = &self.a[j];
                for i in j + 1..N_STATES {
                    x[i] -= col[i] * xj;
                }
            }
        }
        // Backward: U x = y.
        for j in (0..N_STATES).rev() {
            x[j] *= self.inv_diag[j];
            let xj = x[j];
            let col = &self.a[j];
            for i in 0..j {
                x[i] -= col[i] * xj;
            }
        }
        State::from_array_storage(nalgebra::ArrayStorage([x]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::Method;

    fn settings(rtol: f64) -> SolverSettings {
        SolverSettings {
            method: Method::Rodas4,
            rtol,
            atol: rtol * 1e-3,
            ..SolverSettings::default()
        }
    }

    /// Adaptive solve of `f` over `0..t1`, with the dense-output rows at `outputs`.
    fn solve(
        f: impl FnMut(&State, &mut State),
        t1: f64,
        y0: State,
        s: &SolverSettings,
        budget: u64,
        outputs: &[f64],
    ) -> (Result<State, SolveError>, Work, Vec<(f64, State)>) {
        let mut rhs = Rhs {
            f,
            evals: 0,
            columns: &Columns::DENSE,
        };
        let mut work = Work::default();
        let mut rows = Vec::new();
        let r = step_loop(
            &mut rhs,
            (0.0, t1),
            y0,
            s,
            budget,
            &mut work,
            outputs,
            &mut |t, y| rows.push((t, *y)),
        );
        (r, work, rows)
    }

    /// `y₀' = −y₀²`, `y₁' = y₀` from (1, 0): `y₀ = 1/(1+t)`, `y₁ = ln(1+t)`.
    fn nonlinear(y: &State, dy: &mut State) {
        dy.fill(0.0);
        dy[0] = -y[0] * y[0];
        dy[1] = y[0];
    }

    fn start(values: &[f64]) -> State {
        let mut y = State::zeros();
        for (i, v) in values.iter().enumerate() {
            y[i] = *v;
        }
        y
    }

    /// Error at t = 1 with `n` fixed steps (Jacobian recomputed each step).
    fn fixed_step_error(n: u32) -> f64 {
        let mut rhs = Rhs {
            f: nonlinear,
            evals: 0,
            columns: &Columns::DENSE,
        };
        let h = 1.0 / f64::from(n);
        let mut y = start(&[1.0, 0.0]);
        for _ in 0..n {
            let fy = rhs.eval(&y);
            let jac = rhs.jacobian(&y, &fy);
            y = attempt(&mut rhs, &jac, &y, &fy, h).expect("regular").y_new;
        }
        (y[0] - 0.5).abs().max((y[1] - 2f64.ln()).abs())
    }

    /// Order 4: halving a fixed step cuts the error by about 2⁴ = 16.
    #[test]
    fn halving_the_step_cuts_the_error_sixteenfold() {
        let (e1, e2, e3) = (
            fixed_step_error(8),
            fixed_step_error(16),
            fixed_step_error(32),
        );
        for (a, b) in [(e1, e2), (e2, e3)] {
            let ratio = a / b;
            assert!(
                (12.0..22.0).contains(&ratio),
                "ratio {ratio} ({a:e} → {b:e})"
            );
        }
    }

    /// L-stable and stiffly accurate: one step of h = 1 on y' = −10⁶ y lands
    /// on the equilibrium instead of amplifying the transient.
    #[test]
    fn one_huge_step_on_a_very_stiff_decay_lands_on_the_equilibrium() {
        let mut rhs = Rhs {
            f: |y: &State, dy: &mut State| *dy = y * -1e6,
            evals: 0,
            columns: &Columns::DENSE,
        };
        let y = start(&[1.0]);
        let fy = rhs.eval(&y);
        let jac = rhs.jacobian(&y, &fy);
        let step = attempt(&mut rhs, &jac, &y, &fy, 1.0).expect("regular");
        // R(z) → 0 like c/z (c ≈ 8.8 for RODAS): an explicit method's or the
        // trapezoidal rule's factor would be huge or −1.
        let y1 = step.y_new[0];
        assert!(y1.abs() < 1e-5, "{y1}");
        let mut rhs = Rhs {
            f: |y: &State, dy: &mut State| *dy = y * -1e8,
            evals: 0,
            columns: &Columns::DENSE,
        };
        let fy = rhs.eval(&y);
        let jac = rhs.jacobian(&y, &fy);
        let y2 = attempt(&mut rhs, &jac, &y, &fy, 1.0)
            .expect("regular")
            .y_new[0];
        assert!((y2 / y1 - 0.01).abs() < 1e-3, "{y2} vs {y1}: R(z) ~ 1/z");
    }

    /// y' = −10⁶ (y − cos t), written autonomously with t as a state: after the
    /// initial layer the solution follows cos t, and the adaptive loop steps
    /// with it instead of at the stiff time scale of 10⁻⁶.
    #[test]
    fn a_stiff_problem_tracking_cos_t_takes_few_steps_and_stays_accurate() {
        let f = |y: &State, dy: &mut State| {
            dy.fill(0.0);
            dy[0] = -1e6 * (y[0] - y[1].cos());
            dy[1] = 1.0;
        };
        let (r, work, _) = solve(f, 10.0, start(&[0.0, 0.0]), &settings(1e-6), 10_000, &[]);
        let y = r.expect("solves");
        // The slow manifold is y = cos t + 10⁻⁶ sin t + O(10⁻¹²).
        let exact = |t: f64| t.cos() + 1e-6 * t.sin();
        assert!(
            (y[0] - exact(10.0)).abs() < 1e-6,
            "{} vs {}",
            y[0],
            exact(10.0)
        );
        assert!((y[1] - 10.0).abs() < 1e-9);
        assert!(work.accepted < 300, "{} steps", work.accepted);
        assert_eq!(work.jacobians, work.accepted + work.rejected);
    }

    /// The dense output (order 3) between steps is as accurate as the
    /// tolerance asks, and the segment ends exactly at t1.
    #[test]
    fn dense_output_rows_follow_the_solution() {
        let outputs: Vec<f64> = (1..40).map(|k| 0.1 * f64::from(k)).collect();
        let (r, _, rows) = solve(
            nonlinear,
            4.0,
            start(&[1.0, 0.0]),
            &settings(1e-7),
            10_000,
            &outputs,
        );
        let y = r.expect("solves");
        assert!((y[0] - 0.2).abs() < 1e-6);
        assert_eq!(rows.len(), outputs.len());
        for (t, yo) in rows {
            assert!((yo[0] - 1.0 / (1.0 + t)).abs() < 1e-6, "y0 at {t}");
            assert!((yo[1] - (1.0 + t).ln()).abs() < 1e-6, "y1 at {t}");
        }
    }

    #[test]
    fn the_step_budget_is_enforced() {
        let (r, work, _) = solve(
            nonlinear,
            100.0,
            start(&[1.0, 0.0]),
            &settings(1e-10),
            3,
            &[],
        );
        assert!(matches!(r, Err(SolveError::TooManySteps { .. })), "{r:?}");
        assert_eq!(work.accepted + work.rejected, 3);
    }

    #[test]
    fn a_singular_matrix_is_reported_as_none() {
        assert!(Lu::factor([[0.0; N_STATES]; N_STATES]).is_none());
        let mut a = [[0.0; N_STATES]; N_STATES];
        for (j, col) in a.iter_mut().enumerate() {
            col[(j + 1) % N_STATES] = 2.0; // a permutation: needs pivoting
        }
        let lu = Lu::factor(a).expect("regular");
        let b = State::from_fn(|i, _| i as f64);
        let x = lu.solve(b);
        let m = Matrix::from_array_storage(nalgebra::ArrayStorage(a));
        assert!((m * x - b).amax() < 1e-12);
    }
}

#[cfg(test)]
mod structure_tests {
    use super::*;
    use crate::params::Parameters;

    /// The grouped Jacobian equals the dense one on the real model (both PK
    /// variants, treated, away from any steady state), and needs fewer
    /// evaluations.
    #[test]
    fn the_grouped_jacobian_matches_the_dense_one() {
        for pk in Pk::ALL {
            let mut model = HairModel::untreated(Parameters::default()).with_pk(pk);
            model.inputs.finasteride_mg_per_day = 1.0;
            model.inputs.dutasteride_mg_per_day = 0.5;
            model.inputs.minoxidil_percent = 5.0;
            let y = State::from_fn(|i, _| 0.05 + 0.07 * i as f64);
            let f = |y: &State, dy: &mut State| model.derivatives(y, dy);
            let mut dense = Rhs {
                f,
                evals: 0,
                columns: &Columns::DENSE,
            };
            let mut grouped = Rhs {
                f,
                evals: 0,
                columns: Columns::of(pk),
            };
            let fy = dense.eval(&y);
            let (a, b) = (dense.jacobian(&y, &fy), grouped.jacobian(&y, &fy));
            let scale = a.amax();
            assert!(
                (a - b).amax() <= 1e-12 * scale,
                "{pk:?}: {}",
                (a - b).amax()
            );
            assert!(
                grouped.evals < dense.evals - 1,
                "{pk:?}: {} groups",
                grouped.evals
            );
            eprintln!("{pk:?}: {} groups", Columns::of(pk).n_groups);
        }
    }
}
