//! The numerics of Hairer's DOP853: the explicit Runge–Kutta method of
//! Dormand & Prince of order 8 with embedded estimates of orders 5 and 3 and
//! a continuous extension of order 7 (Hairer, Nørsett & Wanner, *Solving
//! Ordinary Differential Equations I*, 2nd ed., §II.5 and §II.6; Hairer's
//! Fortran code `dop853.f`, version of 25 April 1996 with the corrections of
//! 4 March 2002). One step is the twelve stages of `dop853.f` (the first is
//! the previous step's last evaluation, FSAL), then `f(y_new)`: twelve
//! evaluations of the right-hand side per step. The error norm is Hairer's
//! combination of the two embedded estimates, and the dense output his
//! `CONTD8`, which costs three more evaluations on the steps where output is
//! wanted.
//!
//! Only the numerics live here; the step loop (initial step, controller,
//! stiffness test, output times, stop points) is the generic engine's, which
//! drives [`Stages`] through `k1_mut`, `step`, `dense` and `advance`, with the
//! controller constants and the HINIT order below.
//!
//! Written like `dopri5`: the vectors' fixed-size arrays, one pass over the
//! components per stage, the sums formed as chains of fused multiply-adds
//! (the engine's `stage!` and `dot!`: the terms of `dop853.f` in its order,
//! each rounded once, so the last bits differ from the Fortran code's), and
//! nothing allocated. Each pass covers only the leading `n = f.active()`
//! components (the engine shortens it while a problem's inert components are
//! 0); components `n..` of the vectors written here are never touched. The
//! coefficients are in `tableau`.
//!
//! Problems are autonomous, so the nodes `cᵢ` are not needed (the tests
//! check the tableau against them).

use super::erk::{
    dot, stage, sum_sq, Controller, DenseOutput, Eval, ExplicitPair, Start, StepRule,
};
use super::problem::{AsArray, Vector};
use tableau::*;

mod tableau;
#[cfg(test)]
mod tests;

/// Order used by Hairer's starting-step rule (HINIT) for DOP853 (`IORD = 8`).
pub(super) const ORDER: i32 = 8;
/// Safety factor of the step-size controller (`SAFE`, `dop853.f` default).
pub(super) const SAFE: f64 = 0.9;
/// Smallest step ratio `h_new / h` (`FAC1`, `dop853.f` default).
pub(super) const FAC1: f64 = 0.333;
/// Largest step ratio `h_new / h` (`FAC2`, `dop853.f` default).
pub(super) const FAC2: f64 = 6.0;
/// Lund stabilization exponent (`BETA`; `dop853.f` default 0: no PI memory).
pub(super) const BETA: f64 = 0.0;
/// Exponent of the error in the step-size factor (`EXPO1 = 1/8 − 0.2·BETA`).
pub(super) const EXPO1: f64 = 1.0 / 8.0 - 0.2 * BETA;
/// Hairer's stiffness threshold for DOP853: a step counts as stiff when
/// [`Stages::stiffness_h_lambda`] exceeds it (`HLAMB > 6.1` in `dop853.f`).
pub(super) const STIFF_LIMIT: f64 = 6.1;

/// The stage vectors of one step, kept from [`Stages::step`] for
/// [`Stages::dense`], [`Stages::advance`] and the stiffness test. `kᵢ` is
/// the right-hand side at stage `i` (`k13 = f(y_new)`, `k14`–`k16` the
/// dense-output stages).
pub(super) struct Stages<const N: usize> {
    k1: Vector<N>,
    k2: Vector<N>,
    k3: Vector<N>,
    k4: Vector<N>,
    k5: Vector<N>,
    k6: Vector<N>,
    k7: Vector<N>,
    k8: Vector<N>,
    k9: Vector<N>,
    k10: Vector<N>,
    k11: Vector<N>,
    k12: Vector<N>,
    k13: Vector<N>,
    k14: Vector<N>,
    k15: Vector<N>,
    k16: Vector<N>,
    /// The argument of the stage being formed. Only components `0..N` are
    /// written, so the others keep their start value 0 (the engine runs with
    /// N < 16 only while those states are 0 and inert).
    arg: Vector<N>,
    /// Σ (y_new − stage-12 argument)² over `0..n`, from the last `step`: the
    /// denominator of the stiffness quotient.
    stiff_den: f64,
    /// The `n` of the last `step`, for the numerator of the stiffness quotient.
    n: usize,
}

impl<const N: usize> Default for Stages<N> {
    fn default() -> Self {
        let z = Vector::<N>::zeros();
        Stages {
            k1: z,
            k2: z,
            k3: z,
            k4: z,
            k5: z,
            k6: z,
            k7: z,
            k8: z,
            k9: z,
            k10: z,
            k11: z,
            k12: z,
            k13: z,
            k14: z,
            k15: z,
            k16: z,
            arg: z,
            stiff_den: 0.0,
            n: N,
        }
    }
}

impl<const N: usize> ExplicitPair<N> for Stages<N> {
    type Dense = Dense<N>;
    const RULE: StepRule = StepRule::Adaptive {
        order: ORDER,
        controller: Controller {
            safety: SAFE,
            alpha: EXPO1,
            beta: BETA,
            fac_min: FAC1,
            fac_max: FAC2,
        },
    };
    const STIFF_LIMIT: Option<f64> = Some(STIFF_LIMIT);

    /// k1 = f(y) at the step start (FSAL slot); the engine fills it.
    fn k1_mut(&mut self) -> &mut Vector<N> {
        &mut self.k1
    }

    /// One step of size `h` from `y` (`k1` must hold f(y)): fills stages
    /// 2–12, writes `y_new` (components `0..N`), evaluates f(y_new) into the
    /// FSAL stage, and returns Hairer's DOP853 error norm
    ///
    /// `err = |h| · E5 / √(N · (E5 + 0.01 · E3))`,
    ///
    /// where `E5 = Σ (e5ᵢ/skᵢ)²`, `E3 = Σ (e3ᵢ/skᵢ)²` are the squared scaled
    /// 5th- and 3rd-order estimates (without their factor h) and
    /// `skᵢ = atol + max(|yᵢ|, |y_newᵢ|) · rtol`; the sums run over `0..N`
    /// and are divided by `N`, as `dop853.f` divides by its N (the
    /// components left out are 0, so shortened loops give the same norm). The
    /// step is acceptable when `err ≤ 1`. A NaN in the stages gives a NaN
    /// norm.
    ///
    /// Unlike `dop853.f`, which evaluates f(y_new) only once a step is
    /// accepted, f(y_new) is evaluated on every call (also for a step the
    /// engine will reject): twelve evaluations per call.
    #[inline(always)]
    fn step(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &mut Vector<N>) -> f64 {
        let Start { y, h, rtol, atol } = at;
        let n = f.active();
        stage!(n; self.arg; y, h; A21, self.k1);
        f.eval(&self.arg, &mut self.k2);
        stage!(n; self.arg; y, h; A31, self.k1; A32, self.k2);
        f.eval(&self.arg, &mut self.k3);
        stage!(n; self.arg; y, h; A41, self.k1; A43, self.k3);
        f.eval(&self.arg, &mut self.k4);
        stage!(n; self.arg; y, h; A51, self.k1; A53, self.k3; A54, self.k4);
        f.eval(&self.arg, &mut self.k5);
        stage!(n; self.arg; y, h; A61, self.k1; A64, self.k4; A65, self.k5);
        f.eval(&self.arg, &mut self.k6);
        stage!(n; self.arg; y, h; A71, self.k1; A74, self.k4; A75, self.k5; A76, self.k6);
        f.eval(&self.arg, &mut self.k7);
        stage!(n; self.arg; y, h;
            A81, self.k1; A84, self.k4; A85, self.k5; A86, self.k6; A87, self.k7);
        f.eval(&self.arg, &mut self.k8);
        stage!(n; self.arg; y, h;
            A91, self.k1; A94, self.k4; A95, self.k5; A96, self.k6; A97, self.k7; A98, self.k8);
        f.eval(&self.arg, &mut self.k9);
        stage!(n; self.arg; y, h;
            A101, self.k1; A104, self.k4; A105, self.k5; A106, self.k6; A107, self.k7;
            A108, self.k8; A109, self.k9);
        f.eval(&self.arg, &mut self.k10);
        stage!(n; self.arg; y, h;
            A111, self.k1; A114, self.k4; A115, self.k5; A116, self.k6; A117, self.k7;
            A118, self.k8; A119, self.k9; A1110, self.k10);
        f.eval(&self.arg, &mut self.k11);
        stage!(n; self.arg; y, h;
            A121, self.k1; A124, self.k4; A125, self.k5; A126, self.k6; A127, self.k7;
            A128, self.k8; A129, self.k9; A1210, self.k10; A1211, self.k11);
        f.eval(&self.arg, &mut self.k12);

        // The solution, both error estimates and the stiffness denominator in
        // one pass; `arg` still holds the argument of stage 12.
        let [k1, k6, k7, k8, k9, k10, k11, k12] = [
            &self.k1, &self.k6, &self.k7, &self.k8, &self.k9, &self.k10, &self.k11, &self.k12,
        ]
        .map(|k| k.as_array());
        let (y0, a12) = (y.as_array(), self.arg.as_array());
        let y1 = y_new.as_array_mut();
        let (mut err5, mut err3, mut den) = ([0.0; N], [0.0; N], [0.0; N]);
        for i in 0..n {
            let b =
                dot!(i; 1.0; B1, k1; B6, k6; B7, k7; B8, k8; B9, k9; B10, k10; B11, k11; B12, k12);
            let yi = b.mul_add(h, y0[i]);
            y1[i] = yi;
            let sk = y0[i].abs().max(yi.abs()).mul_add(rtol, atol);
            let e3 = (b - BHH1 * k1[i] - BHH2 * k9[i] - BHH3 * k12[i]) / sk;
            err3[i] = e3;
            let e5 = dot!(i; 1.0;
                ER1, k1; ER6, k6; ER7, k7; ER8, k8; ER9, k9; ER10, k10; ER11, k11; ER12, k12);
            err5[i] = e5 / sk;
            let d = yi - a12[i];
            den[i] = d;
        }
        f.eval(y_new, &mut self.k13);
        let (err5, err3) = (sum_sq(&err5, n), sum_sq(&err3, n));
        self.stiff_den = sum_sq(&den, n);
        self.n = n;

        let mut deno = err5 + 0.01 * err3;
        if deno <= 0.0 {
            deno = 1.0;
        }
        h.abs() * err5 * (1.0 / (N as f64 * deno)).sqrt()
    }

    /// After an accepted step from `y` to `y_new` of size `h` (the last
    /// [`Stages::step`]): Hairer's dense-output coefficients (`CONTD8`,
    /// order 7), at the cost of three more evaluations of `f`. Call it before
    /// [`Stages::advance`] or after, but before the next `step`.
    #[inline(always)]
    fn dense(&mut self, f: &mut impl Eval<N>, at: Start<'_, N>, y_new: &Vector<N>) -> Dense<N> {
        let Start { y, h, .. } = at;
        let n = f.active();
        stage!(n; self.arg; y, h;
            A141, self.k1; A147, self.k7; A148, self.k8; A149, self.k9; A1410, self.k10;
            A1411, self.k11; A1412, self.k12; A1413, self.k13);
        f.eval(&self.arg, &mut self.k14);
        stage!(n; self.arg; y, h;
            A151, self.k1; A156, self.k6; A157, self.k7; A158, self.k8; A1511, self.k11;
            A1512, self.k12; A1513, self.k13; A1514, self.k14);
        f.eval(&self.arg, &mut self.k15);
        stage!(n; self.arg; y, h;
            A161, self.k1; A166, self.k6; A167, self.k7; A168, self.k8; A169, self.k9;
            A1613, self.k13; A1614, self.k14; A1615, self.k15);
        f.eval(&self.arg, &mut self.k16);

        // The stages in the order of the columns of `D`.
        let ks = [
            &self.k1, &self.k6, &self.k7, &self.k8, &self.k9, &self.k10, &self.k11, &self.k12,
            &self.k13, &self.k14, &self.k15, &self.k16,
        ]
        .map(|k| k.as_array());
        let (k1, k13) = (ks[0], ks[8]);
        // `h·D` does not depend on the component: once per dense output.
        let hd = D.map(|row| row.map(|d| h * d));
        let (y0, y1) = (y.as_array(), y_new.as_array());
        let mut c = [[0.0; N]; 8];
        for i in 0..n {
            // As `dop853.f`: the first eight stages' part of each `D` row,
            // then the rest, times h.
            let ydiff = y1[i] - y0[i];
            let bspl = k1[i].mul_add(h, -ydiff);
            c[0][i] = y0[i];
            c[1][i] = ydiff;
            c[2][i] = bspl;
            c[3][i] = k13[i].mul_add(-h, ydiff) - bspl;
            for (row, hd) in c[4..].iter_mut().zip(&hd) {
                // As `dot!`: the first stage's product, then one fused
                // multiply-add a stage, in the table's order.
                let mut acc = ks[0][i] * hd[0];
                for (k, &hdj) in ks[1..].iter().zip(&hd[1..]) {
                    acc = k[i].mul_add(hdj, acc);
                }
                row[i] = acc;
            }
        }
        Dense { c }
    }

    /// FSAL: make k1 = f(y_new) for the next step.
    fn advance(&mut self) {
        self.k1 = self.k13;
    }

    /// Hairer's stiffness quotient for DOP853 on the last step of size `h`:
    /// `|h| · ‖f(y_new) − k12‖ / ‖y_new − g12‖`, with `g12` the argument of
    /// stage 12 (both at x + h), an estimate of `h·|λ|` for the dominant
    /// eigenvalue λ; 0 when the denominator is 0 (where `dop853.f` keeps its
    /// previous value). Compare with [`STIFF_LIMIT`]. Valid until the next
    /// [`Stages::step`] (`dense` and `advance` leave it alone).
    fn stiffness_h_lambda(&self, h: f64, _y_new: &Vector<N>) -> f64 {
        if self.stiff_den > 0.0 {
            let num = self
                .k13
                .iter()
                .zip(self.k12.iter())
                .take(self.n)
                .fold(0.0, |s, (a, b)| s + (a - b) * (a - b));
            h.abs() * (num / self.stiff_den).sqrt()
        } else {
            0.0
        }
    }
}

/// The dense output of one accepted step: Hairer's eight `CONT` rows, each a
/// full state (components `n..` unused).
pub(super) struct Dense<const N: usize> {
    c: [[f64; N]; 8],
}

impl<const N: usize> DenseOutput<N> for Dense<N> {
    /// The solution at `x + θh` (θ in [0, 1]) by Hairer's `CONTD8`, into the
    /// components `0..n` of `out`.
    #[inline(always)]
    fn eval(&self, theta: f64, _y: &Vector<N>, out: &mut Vector<N>, n: usize) {
        let s1 = 1.0 - theta;
        let [c0, c1, c2, c3, c4, c5, c6, c7] = &self.c;
        let o = out.as_array_mut();
        for i in 0..n {
            let conpar = c7[i]
                .mul_add(theta, c6[i])
                .mul_add(s1, c5[i])
                .mul_add(theta, c4[i]);
            let p = conpar.mul_add(s1, c3[i]).mul_add(theta, c2[i]);
            o[i] = p.mul_add(s1, c1[i]).mul_add(theta, c0[i]);
        }
    }
}
