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

use super::erk::{dot, stage, sum_sq, Controller, DenseOutput, ExplicitPair, Rhs, StepRule};
use crate::model::{State, N_STATES};

// Butcher tableau (Dormand & Prince 1980), as in Hairer's DOPRI5. The model is
// autonomous, so the nodes c_i are not needed.
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

/// The components of a state as a plain array (no bounds checks in loops).
pub(super) fn arr(s: &State) -> &[f64; N_STATES] {
    &s.data.0[0]
}

/// The seven stage derivatives (k7 = f(y_new), FSAL) and the stage arguments
/// kept for the stiffness test.
#[derive(Default)]
pub(super) struct Stages {
    k: [State; 7],
    /// Argument of stages 2–5.
    ys: State,
    /// Argument of stage 6, kept for the stiffness test.
    y_stiff: State,
}

/// Hairer's CONT coefficients of one step.
pub(super) struct Dense([[f64; N_STATES]; 4]);

impl ExplicitPair for Stages {
    type Dense = Dense;
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
        rtol: f64,
        atol: f64,
    ) -> f64 {
        let [k1, k2, k3, k4, k5, k6, k7] = &mut self.k;
        let (ys, y_stiff) = (&mut self.ys, &mut self.y_stiff);
        stage!(N; ys; y, h; A21, k1);
        f.eval(ys, k2);
        stage!(N; ys; y, h; A31, k1; A32, k2);
        f.eval(ys, k3);
        stage!(N; ys; y, h; A41, k1; A42, k2; A43, k3);
        f.eval(ys, k4);
        stage!(N; ys; y, h; A51, k1; A52, k2; A53, k3; A54, k4);
        f.eval(ys, k5);
        stage!(N; y_stiff; y, h; A61, k1; A62, k2; A63, k3; A64, k4; A65, k5);
        f.eval(y_stiff, k6);
        stage!(N; y_new; y, h; A71, k1; A73, k3; A74, k4; A75, k5; A76, k6);
        f.eval(y_new, k7);

        // The error estimate h · Σ eⱼ kⱼ is formed and scaled in the same pass
        // as its norm, never stored; the skipped components would add 0.
        let (a1, a3, a4, a5, a6, a7) = (arr(k1), arr(k3), arr(k4), arr(k5), arr(k6), arr(k7));
        let (y0, y1) = (arr(y), arr(y_new));
        let mut scaled = [0.0; N];
        for i in 0..N {
            let e = dot!(i; h; E1, a1; E3, a3; E4, a4; E5, a5; E6, a6; E7, a7);
            scaled[i] = e / y0[i].abs().max(y1[i].abs()).mul_add(rtol, atol);
        }
        (sum_sq(&scaled) / N_STATES as f64).sqrt()
    }

    #[inline(always)]
    fn dense<const N: usize>(
        &mut self,
        _f: &mut impl Rhs,
        y: &State,
        y_new: &State,
        h: f64,
    ) -> Dense {
        // Hairer's CONT coefficients, in one pass over the components.
        let mut cont = [[0.0; N_STATES]; 4];
        let [k1, _, k3, k4, k5, k6, k7] = &self.k;
        let (a1, a3, a4, a5, a6, a7) = (arr(k1), arr(k3), arr(k4), arr(k5), arr(k6), arr(k7));
        let (y0, y1) = (arr(y), arr(y_new));
        for i in 0..N {
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

    fn stiffness_h_lambda(&self, h: f64, y_new: &State) -> f64 {
        let num = (self.k[6] - self.k[5]).norm_squared();
        let den = (y_new - self.y_stiff).norm_squared();
        if den > 0.0 {
            h * (num / den).sqrt()
        } else {
            0.0
        }
    }
}

impl DenseOutput for Dense {
    #[inline(always)]
    fn eval<const N: usize>(&self, theta: f64, y: &State, out: &mut State) {
        let [c0, c1, c2, c3] = &self.0;
        let (y0, o) = (arr(y), &mut out.data.0[0]);
        let theta1 = 1.0 - theta;
        for i in 0..N {
            let p = c3[i].mul_add(theta1, c2[i]).mul_add(theta, c1[i]);
            o[i] = p.mul_add(theta1, c0[i]).mul_add(theta, y0[i]);
        }
    }
}
