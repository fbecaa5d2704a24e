//! Classic fixed-step Runge–Kutta of order 4 on hairsim's explicit engine
//! (`erk`): four stages a step, no error control (the engine splits each
//! segment evenly into steps no longer than `rk4_step_days`), and output rows
//! from the cubic Hermite interpolant through both step ends and their
//! derivatives. The derivative at the step end is the next step's first
//! stage, so the interpolant costs no extra evaluation.
//!
//! `ode_solvers`' `Rk4` stays available as `ode_solvers_rk4`; it stops the
//! integrator at every output row instead.

use super::dopri5::arr;
use super::erk::{stage, DenseOutput, ExplicitPair, Rhs, StepRule};
use crate::model::{State, N_STATES};

/// The four stage derivatives, `f(y_new)` (next step's k1) and the stage argument.
#[derive(Default)]
pub(super) struct Stages {
    k: [State; 5],
    ys: State,
}

/// Cubic Hermite data of one step: `y_new − y` and `h·f` at both ends.
pub(super) struct Dense([[f64; N_STATES]; 3]);

impl ExplicitPair for Stages {
    type Dense = Dense;
    const RULE: StepRule = StepRule::Fixed;

    fn k1_mut(&mut self) -> &mut State {
        &mut self.k[0]
    }

    #[inline(always)]
    fn step<const N: usize>(
        &mut self,
        f: &mut impl Rhs,
        y: &State,
        h: f64,
        y_new: &mut State,
        _rtol: f64,
        _atol: f64,
    ) -> f64 {
        let [k1, k2, k3, k4, k5] = &mut self.k;
        let ys = &mut self.ys;
        let half = 0.5 * h;
        stage!(N; ys; y, half; 1.0, k1);
        f.eval(ys, k2);
        stage!(N; ys; y, half; 1.0, k2);
        f.eval(ys, k3);
        stage!(N; ys; y, h; 1.0, k3);
        f.eval(ys, k4);
        let sixth = h / 6.0;
        stage!(N; y_new; y, sixth; 1.0, k1; 2.0, k2; 2.0, k3; 1.0, k4);
        f.eval(y_new, k5);
        0.0
    }

    #[inline(always)]
    fn dense<const N: usize>(
        &mut self,
        _f: &mut impl Rhs,
        y: &State,
        y_new: &State,
        h: f64,
    ) -> Dense {
        let mut d = [[0.0; N_STATES]; 3];
        let (y0, y1, f0, f1) = (arr(y), arr(y_new), arr(&self.k[0]), arr(&self.k[4]));
        for i in 0..N {
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

impl DenseOutput for Dense {
    /// `y + θ·Δ + θ(θ−1)·((1−2θ)·Δ + (θ−1)·h f₀ + θ·h f₁)`: the cubic through
    /// both ends with slopes `f₀`, `f₁`.
    #[inline(always)]
    fn eval<const N: usize>(&self, theta: f64, y: &State, out: &mut State) {
        let [dy, hf0, hf1] = &self.0;
        let (y0, o) = (arr(y), &mut out.data.0[0]);
        let (tm1, c) = (theta - 1.0, 1.0 - 2.0 * theta);
        let w = theta * tm1;
        for i in 0..N {
            o[i] = y0[i] + theta * dy[i] + w * (c * dy[i] + tm1 * hf0[i] + theta * hf1[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y₀' = −y₀ (closed form e^(−t)) and y₁' = 1 (linear, reproduced exactly).
    fn f(y: &State, dy: &mut State) {
        *dy = State::zeros();
        dy[0] = -y[0];
        dy[1] = 1.0;
    }

    /// `n` steps over [0, 1]: the error at 1, the stages of the last step
    /// (k1 still at its start), its start and end, and the step.
    fn solve(n: u32) -> (f64, Stages, State, State, f64) {
        let mut s = Stages::default();
        let mut y = State::zeros();
        y[0] = 1.0;
        let h = 1.0 / f64::from(n);
        let mut y_new = State::zeros();
        f(&y, s.k1_mut());
        let mut prev = y;
        for k in 0..n {
            if k > 0 {
                s.advance();
            }
            s.step::<2>(
                &mut |y: &State, dy: &mut State| f(y, dy),
                &y,
                h,
                &mut y_new,
                0.0,
                0.0,
            );
            prev = y;
            y = y_new;
        }
        ((y[0] - (-1.0_f64).exp()).abs(), s, prev, y_new, h)
    }

    #[test]
    fn the_global_error_falls_as_the_fourth_power_of_the_step() {
        let (e1, ..) = solve(10);
        let (e2, ..) = solve(20);
        let order = (e1 / e2).log2();
        assert!((order - 4.0).abs() < 0.1, "observed order {order}");
    }

    #[test]
    fn the_interpolant_matches_both_ends_and_is_accurate_inside() {
        let (_, mut s, y0, y1, h) = solve(10);
        let d = s.dense::<2>(&mut |y: &State, dy: &mut State| f(y, dy), &y0, &y1, h);
        let mut out = State::zeros();
        d.eval::<2>(0.0, &y0, &mut out);
        assert!((out[0] - y0[0]).abs() < 1e-15);
        d.eval::<2>(1.0, &y0, &mut out);
        assert!((out[0] - y1[0]).abs() < 1e-15);
        // Mid-step of the last step, against the exact solution e^(−t).
        d.eval::<2>(0.5, &y0, &mut out);
        let exact = (-(1.0 - 0.5 * h)).exp();
        assert!((out[0] - exact).abs() < 1e-5, "{} vs {exact}", out[0]);
        assert!(
            (out[1] - (1.0 - 0.5 * h)).abs() < 1e-12,
            "linear part exact"
        );
    }
}
