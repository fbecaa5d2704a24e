//! Dormand–Prince 5(4) on hairsim's explicit engine (`erk`): the tableau,
//! error estimate, 4th-order dense output and stiffness-test quantities of
//! Hairer's DOPRI5 (and `ode_solvers::Dopri5`), with stage vectors in one
//! struct so that nothing is allocated per step. The controller constants
//! and the starting-step order are Hairer's too.
//!
//! Why not `ode_solvers` for this: its `integrate` allocates a `Vec` of seven
//! stage vectors per call and pushes every accepted step (or every dense
//! output) into a growing `Vec`, so it cannot pass the no-allocation test, and
//! its dense output can only emit an evenly spaced grid from the segment start.
//! `ode_solvers`' own `Dopri5` stays available as `ode_solvers_dopri5`.

use super::erk::{
    dot, stage, sum_sq, Controller, DenseOutput, Eval, ExplicitPair, Start, StepRule,
};
use super::problem::{AsArray, Vector};

// Butcher tableau (Dormand & Prince 1980), as in Hairer's DOPRI5. Problems
// are autonomous, so the nodes c_i are not needed (the tests check them
// against the rows).
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

const BETA: f64 = 0.04;

/// The seven stage derivatives (k7 = f(y_new), FSAL) and the stage arguments
/// kept for the stiffness test.
pub(super) struct Stages<const N: usize> {
    k: [Vector<N>; 7],
    /// Argument of stages 2–5.
    ys: Vector<N>,
    /// Argument of stage 6, kept for the stiffness test.
    y_stiff: Vector<N>,
}

impl<const N: usize> Default for Stages<N> {
    fn default() -> Self {
        let z = Vector::<N>::zeros();
        Stages {
            k: [z; 7],
            ys: z,
            y_stiff: z,
        }
    }
}

/// Hairer's CONT coefficients of one step.
pub(super) struct Dense<const N: usize>([[f64; N]; 4]);

impl<const N: usize> ExplicitPair<N> for Stages<N> {
    type Dense = Dense<N>;
    // Hairer's DOPRI5: safety 0.9, β 0.04, α = 1/5 − 0.75 β, step ratio in [0.2, 10].
    const RULE: StepRule = StepRule::Adaptive {
        order: 5,
        controller: Controller {
            safety: 0.9,
            alpha: 0.2 - BETA * 0.75,
            beta: BETA,
            fac_min: 0.2,
            fac_max: 10.0,
        },
    };
    const STIFF_LIMIT: Option<f64> = Some(3.25);

    fn k1_mut(&mut self) -> &mut Vector<N> {
        &mut self.k[0]
    }

    #[inline(always)]
    fn step(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &mut Vector<N>) -> f64 {
        let Start { y, h, rtol, atol } = at;
        let n = f.active();
        let [k1, k2, k3, k4, k5, k6, k7] = &mut self.k;
        let (ys, y_stiff) = (&mut self.ys, &mut self.y_stiff);
        stage!(n; ys; y, h; A21, k1);
        f.eval(ys, k2);
        stage!(n; ys; y, h; A31, k1; A32, k2);
        f.eval(ys, k3);
        stage!(n; ys; y, h; A41, k1; A42, k2; A43, k3);
        f.eval(ys, k4);
        stage!(n; ys; y, h; A51, k1; A52, k2; A53, k3; A54, k4);
        f.eval(ys, k5);
        stage!(n; y_stiff; y, h; A61, k1; A62, k2; A63, k3; A64, k4; A65, k5);
        f.eval(y_stiff, k6);
        stage!(n; y_new; y, h; A71, k1; A73, k3; A74, k4; A75, k5; A76, k6);
        f.eval(y_new, k7);

        // The error estimate h · Σ eⱼ kⱼ is formed and scaled in the same pass
        // as its norm, never stored; the skipped components would add 0.
        let [a1, a3, a4, a5, a6, a7] = [&*k1, k3, k4, k5, k6, k7].map(|k| k.as_array());
        let (y0, y1) = (y.as_array(), y_new.as_array());
        let mut scaled = [0.0; N];
        for i in 0..n {
            let e = dot!(i; h; E1, a1; E3, a3; E4, a4; E5, a5; E6, a6; E7, a7);
            scaled[i] = e / y0[i].abs().max(y1[i].abs()).mul_add(rtol, atol);
        }
        (sum_sq(&scaled, n) / N as f64).sqrt()
    }

    #[inline(always)]
    fn dense(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &Vector<N>) -> Dense<N> {
        let Start { y, h, .. } = at;
        // Hairer's CONT coefficients, in one pass over the components.
        let mut cont = [[0.0; N]; 4];
        let [k1, _, k3, k4, k5, k6, k7] = &self.k;
        let [a1, a3, a4, a5, a6, a7] = [k1, k3, k4, k5, k6, k7].map(|k| k.as_array());
        let (y0, y1) = (y.as_array(), y_new.as_array());
        for i in 0..f.active() {
            let ydiff = y1[i] - y0[i];
            let bspl = a1[i].mul_add(h, -ydiff);
            cont[0][i] = ydiff;
            cont[1][i] = bspl;
            cont[2][i] = a7[i].mul_add(-h, ydiff) - bspl;
            cont[3][i] = dot!(i; h; D1, a1; D3, a3; D4, a4; D5, a5; D6, a6; D7, a7);
        }
        Dense(cont)
    }

    #[inline(always)]
    fn advance(&mut self) {
        self.k[0] = self.k[6];
    }

    fn stiffness_h_lambda(&self, h: f64, y_new: &Vector<N>) -> f64 {
        let num = (self.k[6] - self.k[5]).norm_squared();
        let den = (y_new - self.y_stiff).norm_squared();
        if den > 0.0 {
            h * (num / den).sqrt()
        } else {
            0.0
        }
    }
}

impl<const N: usize> DenseOutput<N> for Dense<N> {
    #[inline(always)]
    fn eval(&self, theta: f64, y: &Vector<N>, out: &mut Vector<N>, n: usize) {
        let [c0, c1, c2, c3] = &self.0;
        let (y0, o) = (y.as_array(), out.as_array_mut());
        let theta1 = 1.0 - theta;
        for i in 0..n {
            let p = c3[i].mul_add(theta1, c2[i]).mul_add(theta, c1[i]);
            o[i] = p.mul_add(theta1, c0[i]).mul_add(theta, y0[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::tableau::Tableau;

    /// The nodes of DOPRI5 (c₇ = 1: the FSAL stage at the step end).
    const C: [f64; 7] = [0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0, 1.0];

    fn tableau() -> (Tableau<7>, [f64; 7], [f64; 7]) {
        let b = [A71, 0.0, A73, A74, A75, A76, 0.0];
        let a = [
            [0.0; 7],
            [A21, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            [A31, A32, 0.0, 0.0, 0.0, 0.0, 0.0],
            [A41, A42, A43, 0.0, 0.0, 0.0, 0.0],
            [A51, A52, A53, A54, 0.0, 0.0, 0.0],
            [A61, A62, A63, A64, A65, 0.0, 0.0],
            b,
        ];
        // E = b − b̂ (Hairer's convention), so the embedded weights are b − E.
        let e = [E1, 0.0, E3, E4, E5, E6, E7];
        let b_hat = std::array::from_fn(|i| b[i] - e[i]);
        (Tableau { a, c: C }, b, b_hat)
    }

    #[test]
    fn rows_sum_to_the_nodes() {
        let (t, ..) = tableau();
        assert!(t.row_sum_defect() < 1e-15, "{:e}", t.row_sum_defect());
    }

    #[test]
    fn the_solution_has_order_5_and_the_embedded_one_order_4() {
        let (t, b, b_hat) = tableau();
        t.assert_order("b", &b, 5, 1e-14);
        t.assert_order("b̂", &b_hat, 4, 1e-14);
    }

    /// Hairer's dense output is `y + θ(Δ + (1−θ)(bspl + θ(…)))` with
    /// `Δ = y₁ − y₀ = h Σ bᵢkᵢ`: per stage, the weights
    /// `bᵢ(θ) = θ bᵢ + θ(1−θ)(… )`. They must sum to θ and satisfy the
    /// conditions through order 4 at every θ (a 4th-order interpolant).
    #[test]
    fn the_dense_output_has_order_4() {
        let (t, b, _) = tableau();
        let d = [D1, 0.0, D3, D4, D5, D6, D7];
        // As `Dense::eval` with the CONT rows written per stage:
        // cont0 = Δ, cont1 = h k1 − Δ, cont2 = Δ − h k7 − cont1, cont3 = h Σ dᵢ kᵢ.
        let weights = |theta: f64| -> [f64; 7] {
            let th1 = 1.0 - theta;
            std::array::from_fn(|i| {
                let delta = b[i];
                let k1 = if i == 0 { 1.0 } else { 0.0 };
                let k7 = if i == 6 { 1.0 } else { 0.0 };
                let c1 = k1 - delta;
                let c2 = delta - k7 - c1;
                let c3 = d[i];
                theta * (delta + th1 * (c1 + theta * (c2 + th1 * c3)))
            })
        };
        for k in 0..=10 {
            let theta = f64::from(k) / 10.0;
            let r = t.residuals(&weights(theta), theta);
            for (order, res) in r.iter().enumerate().take(4) {
                assert!(
                    *res < 1e-14,
                    "θ = {theta}: order {} residual {res:e}",
                    order + 1
                );
            }
        }
    }
}
