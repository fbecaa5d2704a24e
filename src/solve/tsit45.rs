//! The numerics of Tsitouras' 5(4) explicit Runge–Kutta pair (Ch. Tsitouras,
//! "Runge–Kutta pairs of order 5(4) satisfying only the first column
//! simplifying assumption", Comput. Math. Appl. 62 (2011) 770–775), the method
//! of OrdinaryDiffEq.jl's `Tsit5` and diffsol's `tsit45`: seven stages, first
//! same as last (the seventh stage is `f` at the new solution and becomes the
//! next step's first), a 5th-order propagated solution, a 4th-order embedded
//! error estimate and a free 4th-order dense output.
//!
//! Only one step at a time lives here: the stages, the error norm and the
//! dense-output coefficients, written like `dopri5` (in-place stage sums over
//! the fixed-size arrays inside the vectors, one pass per stage, nothing
//! allocated). The step-size controller and the loop over an advance belong to
//! the generic engine that drives this module.
//!
//! Every routine covers the `n = f.active()` leading components (all of
//! them, or the problem's active ones while the rest are inert). Components
//! `n..` of the caller's vectors are never written and what `f` writes there
//! is ignored. Stages 2–6 take those components from `y` and the seventh from
//! `y_new`, so the caller keeps them equal in both (the engine shortens the
//! loops only while they are all 0, and they stay 0).

use super::erk::{
    dot, stage, sum_sq, Controller, DenseOutput, Eval, ExplicitPair, Start, StepRule,
};
use super::problem::{AsArray, Vector};

/// Order of the propagated solution (for Hairer's starting-step estimate).
pub(super) const ORDER: i32 = 5;

// Butcher tableau, to the digits of OrdinaryDiffEq.jl's `Tsit5ConstantCache`
// (`tsit_tableaus.jl`), which diffsol's `tsit45` tableau repeats: the free
// nodes c2 = 0.161, c3 = 0.327, c4 = 0.9, c5 = 0.9800255409045097, c6 = c7 = 1
// of the paper, the first column chosen so that each row sums to its node.
// Problems are autonomous, so the nodes themselves are not needed here (the
// tests check them against the rows).
const A21: f64 = 0.161;
const A31: f64 = -0.008480655492356989;
const A32: f64 = 0.335480655492357;
const A41: f64 = 2.8971530571054935;
const A42: f64 = -6.359448489975075;
const A43: f64 = 4.3622954328695815;
const A51: f64 = 5.325864828439257;
const A52: f64 = -11.748883564062828;
const A53: f64 = 7.4955393428898365;
const A54: f64 = -0.09249506636175525;
const A61: f64 = 5.86145544294642;
const A62: f64 = -12.92096931784711;
const A63: f64 = 8.159367898576159;
const A64: f64 = -0.071584973281401;
const A65: f64 = -0.028269050394068383;
// Weights of the 5th-order solution (= the seventh row, FSAL; b7 = 0).
const B1: f64 = 0.09646076681806523;
const B2: f64 = 0.01;
const B3: f64 = 0.4798896504144996;
const B4: f64 = 1.379008574103742;
const B5: f64 = -3.290069515436081;
const B6: f64 = 2.324710524099774;
// Error weights E = b̂ − b (OrdinaryDiffEq's `btilde`): the estimate is
// h · Σ Eᵢ kᵢ, the embedded 4th-order solution minus the propagated one. They
// sum to 0 (E7 = b̂7 = +1/66, b7 = 0); the tests check that b + E is of order 4.
const E1: f64 = -0.001_780_011_052_225_777;
const E2: f64 = -0.0008164344596567469;
const E3: f64 = 0.007880878010261995;
const E4: f64 = -0.1447110071732629;
const E5: f64 = 0.5823571654525552;
const E6: f64 = -0.45808210592918697;
const E7: f64 = 0.015151515151515152;
// Dense output (OrdinaryDiffEq's `Tsit5Interp`): y(t + θh) = y + h Σᵢ bᵢ(θ) kᵢ
// with bᵢ(θ) = Rᵢ₁θ + Rᵢ₂θ² + Rᵢ₃θ³ + Rᵢ₄θ⁴; R11 = 1 and Rᵢ₁ = 0 for i > 1.
const R12: f64 = -2.763706197274826;
const R13: f64 = 2.9132554618219126;
const R14: f64 = -1.0530884977290216;
const R22: f64 = 0.13169999999999998;
const R23: f64 = -0.2234;
const R24: f64 = 0.1017;
const R32: f64 = 3.9302962368947516;
const R33: f64 = -5.941033872131505;
const R34: f64 = 2.490627285651253;
const R42: f64 = -12.411077166933676;
const R43: f64 = 30.33818863028232;
const R44: f64 = -16.548102889244902;
const R52: f64 = 37.50931341651104;
const R53: f64 = -88.1789048947664;
const R54: f64 = 47.37952196281928;
const R62: f64 = -27.896526289197286;
const R63: f64 = 65.09189467479366;
const R64: f64 = -34.87065786149661;
const R72: f64 = 1.5;
const R73: f64 = -4.0;
const R74: f64 = 2.5;

/// The seven stage derivatives of one step, and the stage argument they share.
#[derive(Debug, Clone)]
pub(super) struct Stages<const N: usize> {
    /// k1 … k7.
    k: [Vector<N>; 7],
    /// Argument of stages 2–6 (components `n..` copied from `y`).
    ys: Vector<N>,
}

impl<const N: usize> Default for Stages<N> {
    fn default() -> Self {
        Stages {
            k: [Vector::zeros(); 7],
            ys: Vector::zeros(),
        }
    }
}

impl<const N: usize> ExplicitPair<N> for Stages<N> {
    type Dense = Dense<N>;
    const RULE: StepRule = StepRule::Adaptive {
        order: ORDER,
        // A 5(4) pair like DOPRI5: Hairer's DOPRI5 controller constants.
        controller: Controller {
            safety: 0.9,
            alpha: 0.2 - 0.04 * 0.75,
            beta: 0.04,
            fac_min: 0.2,
            fac_max: 10.0,
        },
    };

    /// One step of size `h` from `y` (`k1` must hold f(y)): fills the stages,
    /// writes `y_new` and returns Hairer's RMS error norm
    /// `sqrt( Σᵢ (errᵢ / (atol + max(|yᵢ|, |y_newᵢ|) · rtol))² / N )`.
    /// Writes only components `0..n` of `y_new`; evaluates `f` six times (the
    /// seventh stage is at `y_new`, kept for the next step: FSAL).
    #[inline(always)]
    fn step(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &mut Vector<N>) -> f64 {
        let Start { y, h, rtol, atol } = at;
        let n = f.active();
        let [k1, k2, k3, k4, k5, k6, k7] = &mut self.k;
        let ys = &mut self.ys;
        // The components the step skips are held at their value in `y`.
        ys.as_array_mut()[n..].copy_from_slice(&y.as_array()[n..]);
        stage!(n; ys; y, h; A21, k1);
        f.eval(ys, k2);
        stage!(n; ys; y, h; A31, k1; A32, k2);
        f.eval(ys, k3);
        stage!(n; ys; y, h; A41, k1; A42, k2; A43, k3);
        f.eval(ys, k4);
        stage!(n; ys; y, h; A51, k1; A52, k2; A53, k3; A54, k4);
        f.eval(ys, k5);
        stage!(n; ys; y, h; A61, k1; A62, k2; A63, k3; A64, k4; A65, k5);
        f.eval(ys, k6);
        stage!(n; y_new; y, h; B1, k1; B2, k2; B3, k3; B4, k4; B5, k5; B6, k6);
        f.eval(y_new, k7);

        // The error estimate h · Σ Eⱼ kⱼ is formed, scaled and squared in one
        // pass, never stored.
        let [a1, a2, a3, a4, a5, a6, a7] =
            [&*k1, &*k2, &*k3, &*k4, &*k5, &*k6, &*k7].map(|k| k.as_array());
        let (y0, y1) = (y.as_array(), y_new.as_array());
        let mut scaled = [0.0; N];
        for i in 0..n {
            let e = dot!(i; h; E1, a1; E2, a2; E3, a3; E4, a4; E5, a5; E6, a6; E7, a7);
            scaled[i] = e / y0[i].abs().max(y1[i].abs()).mul_add(rtol, atol);
        }
        (sum_sq(&scaled, n) / N as f64).sqrt()
    }

    /// After an accepted step from `y` of size `h`: the dense-output
    /// coefficients for the step. Tsit5's interpolant is free: it needs no
    /// other evaluation of `f`, and its coefficients depend on the stages
    /// alone (it reproduces `y_new` at θ = 1 from them; [`Dense::eval`] takes
    /// `y`); `f`, `y` and `y_new` are taken for the engine's sake, which
    /// drives methods whose interpolants need them.
    #[inline(always)]
    fn dense(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, _y_new: &Vector<N>) -> Dense<N> {
        let Start { y: _, h, .. } = at;
        let [a1, a2, a3, a4, a5, a6, a7] = self.k.each_ref().map(|k| k.as_array());
        let mut d = [[0.0; N]; 4];
        let [d1, d2, d3, d4] = &mut d;
        for i in 0..f.active() {
            d1[i] = h * a1[i];
            d2[i] = dot!(i; h; R12, a1; R22, a2; R32, a3; R42, a4; R52, a5; R62, a6; R72, a7);
            d3[i] = dot!(i; h; R13, a1; R23, a2; R33, a3; R43, a4; R53, a5; R63, a6; R73, a7);
            d4[i] = dot!(i; h; R14, a1; R24, a2; R34, a3; R44, a4; R54, a5; R64, a6; R74, a7);
        }
        Dense { d }
    }

    /// FSAL: make k1 = k7 for the next step.
    fn advance(&mut self) {
        self.k[0] = self.k[6];
    }

    /// k1 = f(y) at the step start (FSAL slot); the engine fills it.
    fn k1_mut(&mut self) -> &mut Vector<N> {
        &mut self.k[0]
    }
}

/// Tsit5's dense output over one step, as a polynomial in θ per component:
/// `y(t + θh) = y + θ·(d₁ + θ·(d₂ + θ·(d₃ + θ·d₄)))`, with
/// `dₘ = h · Σᵢ Rᵢₘ kᵢ`.
#[derive(Debug, Clone)]
pub(super) struct Dense<const N: usize> {
    d: [[f64; N]; 4],
}

impl<const N: usize> DenseOutput<N> for Dense<N> {
    /// The interpolant at `t + θh` (θ in [0, 1]) from the step start `y`,
    /// written into the first `n` components of `out` (the rest untouched).
    #[inline(always)]
    fn eval(&self, theta: f64, y: &Vector<N>, out: &mut Vector<N>, n: usize) {
        let [d1, d2, d3, d4] = &self.d;
        let (y0, o) = (y.as_array(), out.as_array_mut());
        for i in 0..n {
            let p = d4[i].mul_add(theta, d3[i]).mul_add(theta, d2[i]);
            o[i] = p.mul_add(theta, d1[i]).mul_add(theta, y0[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::erk::Direct;
    use crate::solve::tableau::Tableau;
    use crate::solve::test_problems::{Chain, TestProblem};

    /// Nodes of the paper (c₁ = 0).
    const C: [f64; 7] = [0.0, 0.161, 0.327, 0.9, 0.9800255409045097, 1.0, 1.0];
    const B: [f64; 7] = [B1, B2, B3, B4, B5, B6, 0.0];

    /// The tableau (the seventh row is b) and b̂ = b + E.
    fn tableau() -> (Tableau<7>, [f64; 7]) {
        let a = [
            [0.0; 7],
            [A21, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [A31, A32, 0.0, 0.0, 0.0, 0.0, 0.0],
            [A41, A42, A43, 0.0, 0.0, 0.0, 0.0],
            [A51, A52, A53, A54, 0.0, 0.0, 0.0],
            [A61, A62, A63, A64, A65, 0.0, 0.0],
            B,
        ];
        let e = [E1, E2, E3, E4, E5, E6, E7];
        (Tableau { a, c: C }, std::array::from_fn(|i| B[i] + e[i]))
    }

    #[test]
    fn rows_sum_to_the_nodes_and_the_error_weights_to_zero() {
        let (t, _) = tableau();
        assert!(t.row_sum_defect() < 1e-15, "{:e}", t.row_sum_defect());
        let e_sum = E1 + E2 + E3 + E4 + E5 + E6 + E7;
        assert!(e_sum.abs() < 1e-15, "Σ E = {e_sum}");
    }

    #[test]
    fn the_solution_has_order_5_and_the_embedded_one_order_4() {
        let (t, b_hat) = tableau();
        t.assert_order("b", &B, 5, 1e-13);
        t.assert_order("b̂", &b_hat, 4, 1e-13);
    }

    /// bᵢ(θ) of the dense output.
    fn dense_weights(theta: f64) -> [f64; 7] {
        let r = [
            [1.0, R12, R13, R14],
            [0.0, R22, R23, R24],
            [0.0, R32, R33, R34],
            [0.0, R42, R43, R44],
            [0.0, R52, R53, R54],
            [0.0, R62, R63, R64],
            [0.0, R72, R73, R74],
        ];
        std::array::from_fn(|i| {
            theta * (r[i][0] + theta * (r[i][1] + theta * (r[i][2] + theta * r[i][3])))
        })
    }

    #[test]
    fn the_dense_weights_end_at_b_and_have_order_4() {
        let (t, _) = tableau();
        let w1 = dense_weights(1.0);
        for i in 0..7 {
            assert!(
                (w1[i] - B[i]).abs() < 1e-13,
                "b{}(1) = {} vs {}",
                i + 1,
                w1[i],
                B[i]
            );
        }
        for k in 0..=10 {
            let theta = f64::from(k) / 10.0;
            let r = t.residuals(&dense_weights(theta), theta);
            for (order, res) in r.iter().enumerate().take(4) {
                assert!(*res < 1e-13, "θ = {theta}, order {}: {res:e}", order + 1);
            }
        }
    }

    /// Slopes log2(e(h) / e(h/2)) of a sequence of errors at halved steps.
    fn slopes(errors: &[f64]) -> Vec<f64> {
        errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect()
    }

    /// The errors fall at least like hᵖ at every halving and like hᵖ (within
    /// −0.4/+0.6) at the last one. Tsit5 was built for small principal error
    /// terms, so the next power of h shows at the larger steps: the slopes
    /// come down towards p rather than sit on it.
    fn assert_slope(what: &str, errors: &[f64], p: f64) {
        let s = slopes(errors);
        let last = s[s.len() - 1];
        assert!(
            s.iter().all(|&q| q > p - 0.4) && (p - 0.4..p + 0.6).contains(&last),
            "{what}: errors {errors:?}, slopes {s:?}, expected {p}"
        );
    }

    #[test]
    fn fixed_steps_converge_with_order_5() {
        let t_end = 2.0;
        let mut errors = Vec::new();
        for n in [5u32, 10, 20, 40] {
            let h = t_end / f64::from(n);
            let mut stages = Stages::default();
            let mut y = Chain.y0();
            let mut y_new = y;
            let mut f = Direct::all(&Chain);
            f.eval(&y, stages.k1_mut());
            for _ in 0..n {
                stages.step(&mut f, Start::new(&y, h, (1e-6, 1e-9)), &mut y_new);
                stages.advance();
                y = y_new;
            }
            errors.push((y - Chain.exact(t_end)).amax());
        }
        assert_slope("global error", &errors, 5.0);
    }

    /// Over one step of size h from the exact solution: the local error of the
    /// solution (O(h⁶), order 5), of the dense output at the midpoint (O(h⁵),
    /// order 4) and the error estimate (O(h⁵), the 4th-order embedded pair).
    #[test]
    fn one_step_local_errors_have_the_expected_orders() {
        let t0 = 0.3;
        let (mut local, mut mid, mut est) = (Vec::new(), Vec::new(), Vec::new());
        // h = 0.2 … 0.025: the local error reaches 1e-13 (0.0125 would
        // reach round-off).
        for k in 0..4 {
            let h = 0.2 / f64::from(1u32 << k);
            let y = Chain.exact(t0);
            let mut stages = Stages::default();
            let mut f = Direct::all(&Chain);
            f.eval(&y, stages.k1_mut());
            let mut y_new = y;
            // atol = 1, rtol = 0: the norm is the RMS of the raw estimate.
            let err = stages.step(&mut f, Start::new(&y, h, (0.0, 1.0)), &mut y_new);
            let dense = stages.dense(&mut f, Start::new(&y, h, (0.0, 0.0)), &y_new);
            let mut y_mid = Vector::zeros();
            dense.eval(0.5, &y, &mut y_mid, 8);
            local.push((y_new - Chain.exact(t0 + h)).amax());
            mid.push((y_mid - Chain.exact(t0 + 0.5 * h)).amax());
            est.push(err);
        }
        assert_slope("local error", &local, 6.0);
        assert_slope("dense midpoint error", &mid, 5.0);
        assert_slope("error estimate", &est, 5.0);
    }

    #[test]
    fn the_dense_output_spans_the_step_and_skips_inert_components() {
        let y = Chain.exact(0.1);
        let h = 0.25;
        let mut stages = Stages::default();
        // The chain's 6 active components only.
        let mut f = Direct::leading(&Chain, 6);
        f.eval(&y, stages.k1_mut());
        let mut y_new = Vector::from_element(7.0);
        stages.step(&mut f, Start::new(&y, h, (1e-6, 1e-9)), &mut y_new);
        let dense = stages.dense(&mut f, Start::new(&y, h, (0.0, 0.0)), &y_new);
        let (mut at0, mut at1) = (Vector::from_element(-3.0), Vector::from_element(-3.0));
        dense.eval(0.0, &y, &mut at0, 6);
        dense.eval(1.0, &y, &mut at1, 6);
        for i in 0..6 {
            assert!((at0[i] - y[i]).abs() < 1e-15);
            assert!((at1[i] - y_new[i]).abs() < 1e-14);
            assert!((y_new[i] - Chain.exact(0.1 + h)[i]).abs() < 1e-5);
        }
        for i in 6..8 {
            assert!(
                y_new[i] == 7.0 && at0[i] == -3.0 && at1[i] == -3.0,
                "component {i}"
            );
        }
    }
}
