//! Classic fixed-step Runge–Kutta of order 4 on hairsim's explicit engine
//! (`erk`): four stages a step, no error control (the engine splits each
//! advance evenly into steps no longer than `rk4_step_days`), and output rows
//! from the cubic Hermite interpolant through both step ends and their
//! derivatives. The derivative at the step end is the next step's first
//! stage, so the interpolant costs no extra evaluation.
//!
//! `ode_solvers`' `Rk4` stays available as `ode_solvers_rk4`; it stops the
//! integrator at every output row instead.

use super::erk::{stage, DenseOutput, Eval, ExplicitPair, Start, StepRule};
use super::problem::{AsArray, Vector};

/// The four stage derivatives, `f(y_new)` (next step's k1) and the stage argument.
pub(super) struct Stages<const N: usize> {
    k: [Vector<N>; 5],
    ys: Vector<N>,
}

impl<const N: usize> Default for Stages<N> {
    fn default() -> Self {
        let z = Vector::<N>::zeros();
        Stages { k: [z; 5], ys: z }
    }
}

/// Cubic Hermite data of one step: `y_new − y` and `h·f` at both ends.
pub(super) struct Dense<const N: usize>([[f64; N]; 3]);

/// The classic tableau: nodes 0, ½, ½, 1; weights ⅙, ⅓, ⅓, ⅙.
const A21: f64 = 0.5;
const A32: f64 = 0.5;
const A43: f64 = 1.0;
#[cfg(test)]
const B: [f64; 4] = [1.0 / 6.0, 2.0 / 6.0, 2.0 / 6.0, 1.0 / 6.0];

impl<const N: usize> ExplicitPair<N> for Stages<N> {
    type Dense = Dense<N>;
    const RULE: StepRule = StepRule::Fixed;

    fn k1_mut(&mut self) -> &mut Vector<N> {
        &mut self.k[0]
    }

    /// The weights enter as `h/6` times 1, 2, 2, 1 ([`B`] is for the tests).
    #[inline(always)]
    fn step(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &mut Vector<N>) -> f64 {
        let Start { y, h, .. } = at;
        let n = f.active();
        let [k1, k2, k3, k4, k5] = &mut self.k;
        let ys = &mut self.ys;
        stage!(n; ys; y, A21 * h; 1.0, k1);
        f.eval(ys, k2);
        stage!(n; ys; y, A32 * h; 1.0, k2);
        f.eval(ys, k3);
        stage!(n; ys; y, A43 * h; 1.0, k3);
        f.eval(ys, k4);
        let sixth = h / 6.0;
        stage!(n; y_new; y, sixth; 1.0, k1; 2.0, k2; 2.0, k3; 1.0, k4);
        f.eval(y_new, k5);
        0.0
    }

    #[inline(always)]
    fn dense(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &Vector<N>) -> Dense<N> {
        let Start { y, h, .. } = at;
        let mut d = [[0.0; N]; 3];
        let [y0, y1, f0, f1] = [y, y_new, &self.k[0], &self.k[4]].map(|v| v.as_array());
        for i in 0..f.active() {
            d[0][i] = y1[i] - y0[i];
            d[1][i] = h * f0[i];
            d[2][i] = h * f1[i];
        }
        Dense(d)
    }

    #[inline(always)]
    fn advance(&mut self) {
        self.k[0] = self.k[4];
    }
}

impl<const N: usize> DenseOutput<N> for Dense<N> {
    /// `y + θ·Δ + θ(θ−1)·((1−2θ)·Δ + (θ−1)·h f₀ + θ·h f₁)`: the cubic through
    /// both ends with slopes `f₀`, `f₁`.
    #[inline(always)]
    fn eval(&self, theta: f64, y: &Vector<N>, out: &mut Vector<N>, n: usize) {
        let [dy, hf0, hf1] = &self.0;
        let (y0, o) = (y.as_array(), out.as_array_mut());
        let (tm1, c) = (theta - 1.0, 1.0 - 2.0 * theta);
        let w = theta * tm1;
        for i in 0..n {
            o[i] = y0[i] + theta * dy[i] + w * (c * dy[i] + tm1 * hf0[i] + theta * hf1[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::erk::Direct;
    use crate::solve::tableau::Tableau;
    use crate::solve::test_problems::{Chain, TestProblem};

    #[test]
    fn the_tableau_has_order_4() {
        let a = [
            [0.0; 4],
            [A21, 0.0, 0.0, 0.0],
            [0.0, A32, 0.0, 0.0],
            [0.0, 0.0, A43, 0.0],
        ];
        let t = Tableau {
            a,
            c: [0.0, 0.5, 0.5, 1.0],
        };
        assert!(t.row_sum_defect() < 1e-15);
        t.assert_order("b", &B, 4, 1e-15);
    }

    /// `n` steps over [0, 3] of the chain: the error at 3, the stages of
    /// the last step (k1 still at its start), its start and end, the step.
    fn solve(n: u32) -> (f64, Stages<8>, Vector<8>, Vector<8>, f64) {
        let mut f = Direct::all(&Chain);
        let mut s = Stages::default();
        let mut y = Chain.y0();
        let h = 3.0 / f64::from(n);
        let mut y_new = Vector::zeros();
        f.eval(&y, s.k1_mut());
        let mut prev = y;
        for k in 0..n {
            if k > 0 {
                s.advance();
            }
            s.step(&mut f, Start::new(&y, h, (0.0, 0.0)), &mut y_new);
            prev = y;
            y = y_new;
        }
        ((y - Chain.exact(3.0)).amax(), s, prev, y_new, h)
    }

    #[test]
    fn the_global_error_falls_as_the_fourth_power_of_the_step() {
        let (e1, ..) = solve(40);
        let (e2, ..) = solve(80);
        let order = (e1 / e2).log2();
        assert!((order - 4.0).abs() < 0.1, "observed order {order}");
    }

    #[test]
    fn the_interpolant_matches_both_ends_and_is_accurate_inside() {
        let (_, mut s, y0, y1, h) = solve(40);
        let d = s.dense(
            &mut Direct::all(&Chain),
            Start::new(&y0, h, (0.0, 0.0)),
            &y1,
        );
        let mut out = Vector::zeros();
        d.eval(0.0, &y0, &mut out, 8);
        assert!((out - y0).amax() < 1e-15);
        d.eval(1.0, &y0, &mut out, 8);
        assert!((out - y1).amax() < 1e-15);
        // Mid-step of the last step, against the exact solution.
        d.eval(0.5, &y0, &mut out, 8);
        let exact = Chain.exact(3.0 - 0.5 * h);
        assert!((out - exact).amax() < 1e-6, "{out:?} vs {exact:?}");
    }
}
