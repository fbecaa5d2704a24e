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
//! allocated). The step-size controller and the loop over a segment belong to
//! the generic engine that drives this module.
//!
//! Every routine is generic over `N`, the number of leading components it
//! integrates (the engine uses 12, the effect-compartment model whose
//! explicit-PK states stay 0, or 16). Components `N..` of the caller's vectors
//! are never written and what `f` writes there is ignored. Stages 2–6 take
//! those components from `y` and the seventh from `y_new`, so the caller keeps
//! them equal in both (for the model with N = 12: all 0, and they stay 0).

use super::erk::{dot, stage, sum_sq, Controller, DenseOutput, ExplicitPair, Rhs, StepRule};
use crate::model::{State, N_STATES};

/// Order of the propagated solution (for Hairer's starting-step estimate).
pub(super) const ORDER: i32 = 5;

// Butcher tableau, to the digits of OrdinaryDiffEq.jl's `Tsit5ConstantCache`
// (`tsit_tableaus.jl`), which diffsol's `tsit45` tableau repeats: the free
// nodes c2 = 0.161, c3 = 0.327, c4 = 0.9, c5 = 0.9800255409045097, c6 = c7 = 1
// of the paper, the first column chosen so that each row sums to its node.
// The model is autonomous, so the nodes themselves are not needed here (the
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

/// The components of a state as a plain array (no bounds checks in loops).
fn arr(s: &State) -> &[f64; N_STATES] {
    &s.data.0[0]
}

/// The seven stage derivatives of one step, and the stage argument they share.
#[derive(Debug, Clone, Default)]
pub(super) struct Stages {
    k1: State,
    k2: State,
    k3: State,
    k4: State,
    k5: State,
    k6: State,
    k7: State,
    /// Argument of stages 2–6 (components `N..` copied from `y`).
    ys: State,
}

impl Stages {
    /// k1 = f(y) at the step start (FSAL slot); the engine fills it.
    pub(super) fn k1_mut(&mut self) -> &mut State {
        &mut self.k1
    }

    /// One step of size `h` from `y` (`k1` must hold f(y)): fills the stages,
    /// writes `y_new` and returns Hairer's RMS error norm
    /// `sqrt( Σᵢ (errᵢ / (atol + max(|yᵢ|, |y_newᵢ|) · rtol))² / N_STATES )`.
    /// Writes only components `0..N` of `y_new`; evaluates `f` six times (the
    /// seventh stage is at `y_new`, kept for the next step: FSAL).
    #[inline(always)]
    pub(super) fn step<const N: usize>(
        &mut self,
        f: &mut impl Rhs,
        y: &State,
        h: f64,
        y_new: &mut State,
        rtol: f64,
        atol: f64,
    ) -> f64 {
        const { assert!(N <= N_STATES) };
        let Stages {
            k1,
            k2,
            k3,
            k4,
            k5,
            k6,
            k7,
            ys,
        } = self;
        // The components the step skips are held at their value in `y`.
        ys.data.0[0][N..].copy_from_slice(&y.data.0[0][N..]);
        stage!(N; ys; y, h; A21, k1);
        f.eval(ys, k2);
        stage!(N; ys; y, h; A31, k1; A32, k2);
        f.eval(ys, k3);
        stage!(N; ys; y, h; A41, k1; A42, k2; A43, k3);
        f.eval(ys, k4);
        stage!(N; ys; y, h; A51, k1; A52, k2; A53, k3; A54, k4);
        f.eval(ys, k5);
        stage!(N; ys; y, h; A61, k1; A62, k2; A63, k3; A64, k4; A65, k5);
        f.eval(ys, k6);
        stage!(N; y_new; y, h; B1, k1; B2, k2; B3, k3; B4, k4; B5, k5; B6, k6);
        f.eval(y_new, k7);

        // The error estimate h · Σ Eⱼ kⱼ is formed, scaled and squared in one
        // pass, never stored.
        let (a1, a2, a3, a4, a5, a6, a7) = (
            arr(k1),
            arr(k2),
            arr(k3),
            arr(k4),
            arr(k5),
            arr(k6),
            arr(k7),
        );
        let (y0, y1) = (arr(y), arr(y_new));
        let mut scaled = [0.0; N];
        for i in 0..N {
            let e = dot!(i; h; E1, a1; E2, a2; E3, a3; E4, a4; E5, a5; E6, a6; E7, a7);
            scaled[i] = e / y0[i].abs().max(y1[i].abs()).mul_add(rtol, atol);
        }
        (sum_sq(&scaled) / N_STATES as f64).sqrt()
    }

    /// After an accepted step from `y` of size `h`: the dense-output
    /// coefficients for the step. Tsit5's interpolant is free: it needs no
    /// other evaluation of `f`, and its coefficients depend on the stages
    /// alone (it reproduces `y_new` at θ = 1 from them; [`Dense::eval`] takes
    /// `y`); `f`, `y` and `y_new` are taken for the engine's sake, which
    /// drives methods whose interpolants need them.
    #[inline(always)]
    pub(super) fn dense<const N: usize>(
        &mut self,
        _f: &mut impl Rhs,
        _y: &State,
        _y_new: &State,
        h: f64,
    ) -> Dense {
        const { assert!(N <= N_STATES) };
        let (a1, a2, a3, a4, a5, a6, a7) = (
            arr(&self.k1),
            arr(&self.k2),
            arr(&self.k3),
            arr(&self.k4),
            arr(&self.k5),
            arr(&self.k6),
            arr(&self.k7),
        );
        let mut d = [[0.0; N_STATES]; 4];
        let [d1, d2, d3, d4] = &mut d;
        for i in 0..N {
            d1[i] = h * a1[i];
            d2[i] = dot!(i; h; R12, a1; R22, a2; R32, a3; R42, a4; R52, a5; R62, a6; R72, a7);
            d3[i] = dot!(i; h; R13, a1; R23, a2; R33, a3; R43, a4; R53, a5; R63, a6; R73, a7);
            d4[i] = dot!(i; h; R14, a1; R24, a2; R34, a3; R44, a4; R54, a5; R64, a6; R74, a7);
        }
        Dense { d }
    }

    /// FSAL: make k1 = k7 for the next step.
    pub(super) fn advance(&mut self) {
        self.k1 = self.k7;
    }
}

/// Tsit5's dense output over one step, as a polynomial in θ per component:
/// `y(t + θh) = y + θ·(d₁ + θ·(d₂ + θ·(d₃ + θ·d₄)))`, with
/// `dₘ = h · Σᵢ Rᵢₘ kᵢ`.
#[derive(Debug, Clone)]
pub(super) struct Dense {
    d: [[f64; N_STATES]; 4],
}

impl Dense {
    /// The interpolant at `t + θh` (θ in [0, 1]) from the step start `y`,
    /// written into the first `N` components of `out` (the rest untouched).
    #[inline(always)]
    pub(super) fn eval<const N: usize>(&self, theta: f64, y: &State, out: &mut State) {
        const { assert!(N <= N_STATES) };
        let [d1, d2, d3, d4] = &self.d;
        let (y0, o) = (arr(y), &mut out.data.0[0]);
        for i in 0..N {
            let p = d4[i].mul_add(theta, d3[i]).mul_add(theta, d2[i]);
            o[i] = p.mul_add(theta, d1[i]).mul_add(theta, y0[i]);
        }
    }
}

// The engine's view of this module (see `erk`): the inherent functions above.
impl ExplicitPair for Stages {
    type Dense = Dense;
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
    fn k1_mut(&mut self) -> &mut State {
        Stages::k1_mut(self)
    }

    #[inline(always)]
    fn step<const N: usize>(
        &mut self,
        f: &mut impl Rhs,
        y: &State,
        h: f64,
        y_new: &mut State,
        rtol: f64,
        atol: f64,
    ) -> f64 {
        Stages::step::<N>(self, f, y, h, y_new, rtol, atol)
    }

    #[inline(always)]
    fn dense<const N: usize>(
        &mut self,
        f: &mut impl Rhs,
        y: &State,
        y_new: &State,
        h: f64,
    ) -> Dense {
        Stages::dense::<N>(self, f, y, y_new, h)
    }

    #[inline(always)]
    fn advance(&mut self) {
        Stages::advance(self);
    }
}

impl DenseOutput for Dense {
    #[inline(always)]
    fn eval<const N: usize>(&self, theta: f64, y: &State, out: &mut State) {
        Dense::eval::<N>(self, theta, y, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nodes of the paper (c₁ = 0).
    const C: [f64; 7] = [0.0, 0.161, 0.327, 0.9, 0.9800255409045097, 1.0, 1.0];

    /// The tableau as matrices: A (7×7, the seventh row is b), b, b̂ = b + E.
    fn tableau() -> ([[f64; 7]; 7], [f64; 7], [f64; 7]) {
        let b = [B1, B2, B3, B4, B5, B6, 0.0];
        let a = [
            [0.0; 7],
            [A21, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [A31, A32, 0.0, 0.0, 0.0, 0.0, 0.0],
            [A41, A42, A43, 0.0, 0.0, 0.0, 0.0],
            [A51, A52, A53, A54, 0.0, 0.0, 0.0],
            [A61, A62, A63, A64, A65, 0.0, 0.0],
            b,
        ];
        let e = [E1, E2, E3, E4, E5, E6, E7];
        let mut bh = [0.0; 7];
        for i in 0..7 {
            bh[i] = b[i] + e[i];
        }
        (a, b, bh)
    }

    fn mat_vec(a: &[[f64; 7]; 7], v: &[f64; 7]) -> [f64; 7] {
        let mut out = [0.0; 7];
        for i in 0..7 {
            out[i] = (0..7).map(|j| a[i][j] * v[j]).sum();
        }
        out
    }

    fn mul(u: &[f64; 7], v: &[f64; 7]) -> [f64; 7] {
        let mut out = [0.0; 7];
        for i in 0..7 {
            out[i] = u[i] * v[i];
        }
        out
    }

    fn dot(u: &[f64; 7], v: &[f64; 7]) -> f64 {
        (0..7).map(|i| u[i] * v[i]).sum()
    }

    /// The order conditions through order 5 (rooted trees, in the usual
    /// notation with Σⱼ aᵢⱼ = cᵢ): (weight vector Φ(t), 1/γ(t), order).
    fn conditions(a: &[[f64; 7]; 7]) -> Vec<([f64; 7], f64, u32)> {
        let one = [1.0; 7];
        let c = C;
        let c2 = mul(&c, &c);
        let c3 = mul(&c2, &c);
        let c4 = mul(&c3, &c);
        let ac = mat_vec(a, &c);
        let ac2 = mat_vec(a, &c2);
        let ac3 = mat_vec(a, &c3);
        let aac = mat_vec(a, &ac);
        let aac2 = mat_vec(a, &ac2);
        let aaac = mat_vec(a, &aac);
        let a_cac = mat_vec(a, &mul(&c, &ac));
        vec![
            (one, 1.0, 1),
            (c, 1.0 / 2.0, 2),
            (c2, 1.0 / 3.0, 3),
            (ac, 1.0 / 6.0, 3),
            (c3, 1.0 / 4.0, 4),
            (mul(&c, &ac), 1.0 / 8.0, 4),
            (ac2, 1.0 / 12.0, 4),
            (aac, 1.0 / 24.0, 4),
            (c4, 1.0 / 5.0, 5),
            (mul(&c2, &ac), 1.0 / 10.0, 5),
            (mul(&c, &ac2), 1.0 / 15.0, 5),
            (mul(&c, &aac), 1.0 / 30.0, 5),
            (mul(&ac, &ac), 1.0 / 20.0, 5),
            (ac3, 1.0 / 20.0, 5),
            (a_cac, 1.0 / 40.0, 5),
            (aac2, 1.0 / 60.0, 5),
            (aaac, 1.0 / 120.0, 5),
        ]
    }

    #[test]
    fn rows_sum_to_the_nodes_and_weights_to_one() {
        let (a, b, bh) = tableau();
        for i in 0..7 {
            let row: f64 = a[i].iter().sum();
            assert!(
                (row - C[i]).abs() < 1e-15,
                "row {}: {row} vs {}",
                i + 1,
                C[i]
            );
        }
        assert!((b.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert!((bh.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        let e_sum = E1 + E2 + E3 + E4 + E5 + E6 + E7;
        assert!(e_sum.abs() < 1e-15, "Σ E = {e_sum}");
    }

    #[test]
    fn the_solution_has_order_5_and_the_embedded_one_order_4() {
        let (a, b, bh) = tableau();
        for (k, (phi, rhs, order)) in conditions(&a).iter().enumerate() {
            let r = dot(&b, phi) - rhs;
            assert!(r.abs() < 1e-13, "b, condition {k} (order {order}): {r:e}");
            let rh = dot(&bh, phi) - rhs;
            if *order <= 4 {
                assert!(rh.abs() < 1e-13, "b̂, condition {k} (order {order}): {rh:e}");
            }
        }
        // The embedded solution is not of order 5, else the estimate would vanish.
        let worst = conditions(&a)
            .iter()
            .filter(|(_, _, order)| *order == 5)
            .map(|(phi, rhs, _)| (dot(&bh, phi) - rhs).abs())
            .fold(0.0, f64::max);
        assert!(worst > 1e-4, "b̂ misses an order-5 condition: {worst:e}");
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
        let mut w = [0.0; 7];
        for i in 0..7 {
            w[i] = theta * (r[i][0] + theta * (r[i][1] + theta * (r[i][2] + theta * r[i][3])));
        }
        w
    }

    #[test]
    fn the_dense_weights_sum_to_theta_end_at_b_and_have_order_4() {
        let (a, b, _) = tableau();
        let w1 = dense_weights(1.0);
        for i in 0..7 {
            assert!(
                (w1[i] - b[i]).abs() < 1e-13,
                "b{}(1) = {} vs {}",
                i + 1,
                w1[i],
                b[i]
            );
        }
        for k in 0..=10 {
            let theta = f64::from(k) / 10.0;
            let w = dense_weights(theta);
            let sum: f64 = w.iter().sum();
            assert!((sum - theta).abs() < 1e-13, "Σ bᵢ({theta}) = {sum}");
            // Conditions of order ≤ 4 for the interpolant: Σ bᵢ(θ) Φᵢ(t) = θ^ρ(t)/γ(t).
            for (phi, rhs, order) in conditions(&a).iter().filter(|(_, _, o)| *o <= 4) {
                let r = dot(&w, phi) - theta.powi(*order as i32) * rhs;
                assert!(r.abs() < 1e-13, "θ = {theta}, order {order}: {r:e}");
            }
        }
    }

    /// A decaying chain y₀' = −p y₀, y₁' = p y₀ − q y₁, y₂' = q y₁ − r y₂ in
    /// components 0..3 of the state (the others 0), and its exact solution
    /// from y(0) = (1, 0, 0).
    const P: f64 = 1.0;
    const Q: f64 = 2.5;
    const R: f64 = 0.7;

    fn chain(y: &State, dy: &mut State) {
        dy.fill(0.0);
        dy[0] = -P * y[0];
        dy[1] = P * y[0] - Q * y[1];
        dy[2] = Q * y[1] - R * y[2];
    }

    fn chain_exact(t: f64) -> State {
        let (ep, eq, er) = ((-P * t).exp(), (-Q * t).exp(), (-R * t).exp());
        let mut y = State::zeros();
        y[0] = ep;
        y[1] = P / (Q - P) * (ep - eq);
        y[2] = P
            * Q
            * (ep / ((Q - P) * (R - P)) + eq / ((P - Q) * (R - Q)) + er / ((P - R) * (Q - R)));
        y
    }

    fn max_diff(u: &State, v: &State) -> f64 {
        (u - v).amax()
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
    fn the_exact_chain_solves_its_equations() {
        let (t, dt) = (0.8, 1e-6);
        let mut dy = State::zeros();
        chain(&chain_exact(t), &mut dy);
        let fd = (chain_exact(t + dt) - chain_exact(t - dt)) / (2.0 * dt);
        assert!(max_diff(&fd, &dy) < 1e-8);
        assert!(
            max_diff(
                &chain_exact(0.0),
                &State::from_fn(|i, _| f64::from(u8::from(i == 0)))
            ) < 1e-15
        );
    }

    #[test]
    fn fixed_steps_converge_with_order_5() {
        let t_end = 2.0;
        let mut errors = Vec::new();
        for n in [5u32, 10, 20, 40, 80] {
            let h = t_end / f64::from(n);
            let mut stages = Stages::default();
            let mut y = chain_exact(0.0);
            let mut y_new = y;
            chain(&y, stages.k1_mut());
            for _ in 0..n {
                stages.step::<16>(&mut chain, &y, h, &mut y_new, 1e-6, 1e-9);
                stages.advance();
                y = y_new;
            }
            errors.push(max_diff(&y, &chain_exact(t_end)));
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
        for k in 0..5 {
            let h = 0.4 / f64::from(1u32 << k);
            let y = chain_exact(t0);
            let mut stages = Stages::default();
            chain(&y, stages.k1_mut());
            let mut y_new = y;
            // atol = 1, rtol = 0: the norm is the RMS of the raw estimate.
            let err = stages.step::<16>(&mut chain, &y, h, &mut y_new, 0.0, 1.0);
            let dense = stages.dense::<16>(&mut chain, &y, &y_new, h);
            let mut y_mid = State::zeros();
            dense.eval::<16>(0.5, &y, &mut y_mid);
            local.push(max_diff(&y_new, &chain_exact(t0 + h)));
            mid.push(max_diff(&y_mid, &chain_exact(t0 + 0.5 * h)));
            est.push(err);
        }
        assert_slope("local error", &local, 6.0);
        assert_slope("dense midpoint error", &mid, 5.0);
        assert_slope("error estimate", &est, 5.0);
    }

    #[test]
    fn the_dense_output_spans_the_step() {
        let y = chain_exact(0.1);
        let h = 0.25;
        let mut stages = Stages::default();
        chain(&y, stages.k1_mut());
        let mut y_new = y;
        stages.step::<16>(&mut chain, &y, h, &mut y_new, 1e-6, 1e-9);
        let dense = stages.dense::<16>(&mut chain, &y, &y_new, h);
        let (mut at0, mut at1) = (State::zeros(), State::zeros());
        dense.eval::<16>(0.0, &y, &mut at0);
        dense.eval::<16>(1.0, &y, &mut at1);
        assert!(max_diff(&at0, &y) < 1e-15);
        assert!(
            max_diff(&at1, &y_new) < 1e-14,
            "{:e}",
            max_diff(&at1, &y_new)
        );
    }

    #[test]
    fn a_step_skips_the_components_past_n() {
        let y = chain_exact(0.1);
        let h = 0.25;
        let mut stages = Stages::default();
        chain(&y, stages.k1_mut());
        let mut y_new = State::from_element(7.0);
        stages.step::<12>(&mut chain, &y, h, &mut y_new, 1e-6, 1e-9);
        let dense = stages.dense::<12>(&mut chain, &y, &y_new, h);
        let mut out = State::from_element(-3.0);
        dense.eval::<12>(0.5, &y, &mut out);
        for i in 12..N_STATES {
            assert!((y_new[i] - 7.0).abs() < 1e-15, "y_new[{i}] = {}", y_new[i]);
            assert!((out[i] + 3.0).abs() < 1e-15, "out[{i}] = {}", out[i]);
        }
        let exact = chain_exact(0.1 + h);
        for i in 0..3 {
            assert!(
                (y_new[i] - exact[i]).abs() < 1e-5,
                "y_new[{i}] = {}",
                y_new[i]
            );
        }
    }

    /// One step of 3 days over the first `N` components from `y`: the new
    /// state, the error norm, the dense output at θ = 0.3 and the next k1.
    fn one_step<const N: usize>(
        f: &mut impl FnMut(&State, &mut State),
        y: &State,
    ) -> (State, f64, State, State) {
        let (h, rtol, atol) = (3.0, 1e-6, 1e-9);
        let mut stages = Stages::default();
        f(y, stages.k1_mut());
        let mut y_new = *y;
        let err = stages.step::<N>(f, y, h, &mut y_new, rtol, atol);
        let mut y_mid = *y;
        stages
            .dense::<N>(f, y, &y_new, h)
            .eval::<N>(0.3, y, &mut y_mid);
        stages.advance();
        (y_new, err, y_mid, *stages.k1_mut())
    }

    #[test]
    fn a_step_of_the_hair_model_is_the_same_with_12_or_16_components() {
        // Treatment moves the state off the untreated steady state.
        let (model, y) = super::super::test_model::treated_model();
        let mut f = |y: &State, dy: &mut State| model.derivatives(y, dy);
        let mut k = State::zeros();
        f(&y, &mut k);
        for i in 12..N_STATES {
            assert!(
                y[i].abs() < 1e-300 && k[i].abs() < 1e-300,
                "state {i} moves"
            );
        }
        assert!(k.amax() > 1e-6, "the step is not at rest");

        let r12 = one_step::<12>(&mut f, &y);
        let r16 = one_step::<16>(&mut f, &y);
        // Identical to the bit: the skipped components are 0 throughout.
        let bits = |v: &State| v.map(f64::to_bits);
        assert_eq!(bits(&r12.0), bits(&r16.0), "y_new");
        assert_eq!(r12.1.to_bits(), r16.1.to_bits(), "error norm");
        assert_eq!(bits(&r12.2), bits(&r16.2), "dense output");
        assert_eq!(bits(&r12.3), bits(&r16.3), "FSAL stage");
        assert!(r16.1 > 0.0 && r16.1.is_finite(), "error norm {}", r16.1);
        assert!(max_diff(&r16.0, &y) > 1e-9, "the state moved");
    }
}
