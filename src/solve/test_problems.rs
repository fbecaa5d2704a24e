//! Problems with closed-form solutions, for the engines' tests, the
//! integration tests and the benches: each comes with its exact solution,
//! its interval and the error a method may leave at a given tolerance, and
//! [`max_error`] runs any of them through any method, the way the
//! simulation does (an [`Integrator`], output rows from dense output).
//!
//! None of them is the hair model: run through every method, they show that
//! the solve core needs nothing but the [`Rhs`] contract.
//!
//! - [`Chain`]: a decaying chain (Bateman's solution) in 6 of 8 components,
//!   the last two inert, so the explicit engine's shortened loops run too.
//! - [`LinearStiff`]: `y' = A y` with eigenvalues −1, −10, −1000 and a full
//!   matrix: stiff, for the implicit methods and the stiffness test.
//! - [`Oscillator`]: the harmonic oscillator, which neither decays nor
//!   forgives phase errors.
//! - [`Quadratic`]: `y₀' = −y₀²`, `y₁' = y₀`, nonlinear (Rosenbrock methods
//!   have order conditions that linear problems do not test).
//! - [`StiffSpell`]: a Prothero–Robinson problem whose stiffness rises a
//!   thousandfold in the middle of its interval and falls back, for `auto`'s
//!   switches both ways.

use super::{Integrator, Method, Rhs, SolveError, SolveStats, SolverSettings, Sparsity, Vector};
use nalgebra::{Matrix3, Vector3};

/// A problem with its exact solution.
pub trait TestProblem<const N: usize>: Rhs<N> {
    /// Short name, for messages and bench ids.
    fn name(&self) -> &'static str;
    /// The state at t = 0.
    fn y0(&self) -> Vector<N>;
    /// The exact solution at `t`.
    fn exact(&self, t: f64) -> Vector<N>;
    /// The end of the test interval.
    fn t_end(&self) -> f64;
    /// Largest error (max norm, any component, any output time) an adaptive
    /// method may leave at relative tolerance `rtol` (absolute tolerance
    /// `rtol` × 1e-3): the global error grows past the local tolerance by a
    /// problem-dependent factor.
    fn tolerance(&self, rtol: f64) -> f64;
}

/// The settings [`max_error`] uses: `method` at `rtol`, atol = rtol × 1e-3,
/// a fixed step of 0.002 for `rk4` (stable on [`LinearStiff`]: h·λ = 2),
/// stiffness detection off (the explicit methods are measured on the stiff
/// problem, not refused).
pub fn settings(method: Method, rtol: f64) -> Result<SolverSettings, super::SettingsError> {
    Ok(SolverSettings::new(method)
        .with_rtol(rtol)?
        .with_atol(rtol * 1e-3)?
        .with_rk4_step_days(0.002)?
        .with_stiffness_detection(false))
}

/// Solve `problem` over its interval with `settings`, in four advances (as a
/// simulation stops at dose events, here with nothing changed between
/// them), with output rows at twenty times read off the dense output. Returns the
/// largest error at the rows and the advance ends, and the work.
pub fn max_error<P: TestProblem<N> + Clone, const N: usize>(
    problem: &P,
    settings: &SolverSettings,
) -> Result<(f64, SolveStats), SolveError> {
    let t_end = problem.t_end();
    let mut integrator = Integrator::new(problem.clone(), 0.0, problem.y0(), *settings);
    let mut worst = 0.0_f64;
    let stops = [0.1, 0.35, 0.6, 1.0].map(|f| f * t_end);
    let rows: Vec<f64> = (1..20).map(|k| f64::from(k) / 20.0 * t_end).collect();
    for stop in stops {
        let t = integrator.t();
        let inside: Vec<f64> = rows
            .iter()
            .copied()
            .filter(|&r| r > t && r < stop)
            .collect();
        integrator.advance_to(stop, &inside, &mut |t, y| {
            worst = worst.max((y - problem.exact(t)).amax());
        })?;
        worst = worst.max((integrator.y() - problem.exact(stop)).amax());
    }
    Ok((worst, *integrator.stats()))
}

/// Rates of [`Chain`]: distinct, so that Bateman's formula holds.
const RATES: [f64; 6] = [1.0, 0.6, 1.7, 0.35, 2.4, 0.9];

/// A decaying chain `y₀' = −r₀ y₀`, `yᵢ' = rᵢ₋₁ yᵢ₋₁ − rᵢ yᵢ` in the first six
/// of eight components, from `y(0) = e₀`; components 6 and 7 are inert
/// ([`Rhs::tail_inert`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Chain;

impl Rhs<8> for Chain {
    const ACTIVE: usize = 6;

    #[inline(always)]
    fn eval(&self, y: &Vector<8>, dy: &mut Vector<8>) {
        dy.fill(0.0);
        dy[0] = -RATES[0] * y[0];
        for i in 1..RATES.len() {
            dy[i] = RATES[i - 1] * y[i - 1] - RATES[i] * y[i];
        }
    }

    fn tail_inert(&self) -> bool {
        true
    }

    fn sparsity(&self) -> Option<Sparsity<8>> {
        Some(Sparsity::from_fn(|i, j| i < 6 && (i == j || i == j + 1)))
    }
}

impl TestProblem<8> for Chain {
    fn name(&self) -> &'static str {
        "chain"
    }

    fn y0(&self) -> Vector<8> {
        Vector::<8>::from_fn(|i, _| if i == 0 { 1.0 } else { 0.0 })
    }

    /// Bateman's solution.
    fn exact(&self, t: f64) -> Vector<8> {
        let mut y = Vector::<8>::zeros();
        for n in 0..RATES.len() {
            let prod: f64 = RATES[..n].iter().product();
            let mut sum = 0.0;
            for (i, &ri) in RATES.iter().enumerate().take(n + 1) {
                let den: f64 = (0..=n).filter(|&j| j != i).map(|j| RATES[j] - ri).product();
                sum += (-ri * t).exp() / den;
            }
            y[n] = prod * sum;
        }
        y
    }

    fn t_end(&self) -> f64 {
        6.0
    }

    fn tolerance(&self, rtol: f64) -> f64 {
        100.0 * rtol
    }
}

/// `y' = A y` with `A = V diag(−1, −10, −1000) V⁻¹` for a full, well
/// conditioned `V`: every component sees the stiff mode.
#[derive(Debug, Clone, Copy)]
pub struct LinearStiff {
    a: Matrix3<f64>,
}

/// The eigenvalues of [`LinearStiff`].
const LAMBDA: [f64; 3] = [-1.0, -10.0, -1000.0];

fn eigenvectors() -> (Matrix3<f64>, Matrix3<f64>) {
    #[rustfmt::skip]
    let v = Matrix3::new(
        1.0, 1.0, 0.0,
        0.0, 1.0, 1.0,
        1.0, 0.0, 1.0,
    );
    #[rustfmt::skip]
    let v_inv = Matrix3::new(
         0.5, -0.5,  0.5,
         0.5,  0.5, -0.5,
        -0.5,  0.5,  0.5,
    );
    (v, v_inv)
}

impl Default for LinearStiff {
    fn default() -> Self {
        let (v, v_inv) = eigenvectors();
        LinearStiff {
            a: v * Matrix3::from_diagonal(&Vector3::from(LAMBDA)) * v_inv,
        }
    }
}

impl Rhs<3> for LinearStiff {
    #[inline(always)]
    fn eval(&self, y: &Vector<3>, dy: &mut Vector<3>) {
        *dy = self.a * y;
    }
}

impl TestProblem<3> for LinearStiff {
    fn name(&self) -> &'static str {
        "linear_stiff"
    }

    fn y0(&self) -> Vector<3> {
        Vector::<3>::new(1.0, 0.0, 2.0)
    }

    fn exact(&self, t: f64) -> Vector<3> {
        let (v, v_inv) = eigenvectors();
        let decay = Vector3::from(LAMBDA.map(|l| (l * t).exp()));
        v * Matrix3::from_diagonal(&decay) * v_inv * self.y0()
    }

    fn t_end(&self) -> f64 {
        4.0
    }

    fn tolerance(&self, rtol: f64) -> f64 {
        100.0 * rtol
    }
}

/// `y₀' = y₁`, `y₁' = −y₀` from (1, 0): `y = (cos t, −sin t)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Oscillator;

impl Rhs<2> for Oscillator {
    #[inline(always)]
    fn eval(&self, y: &Vector<2>, dy: &mut Vector<2>) {
        dy[0] = y[1];
        dy[1] = -y[0];
    }

    fn component_name(&self, i: usize) -> Option<&'static str> {
        ["position", "velocity"].get(i).copied()
    }
}

impl TestProblem<2> for Oscillator {
    fn name(&self) -> &'static str {
        "oscillator"
    }

    fn y0(&self) -> Vector<2> {
        Vector::<2>::new(1.0, 0.0)
    }

    fn exact(&self, t: f64) -> Vector<2> {
        Vector::<2>::new(t.cos(), -t.sin())
    }

    fn t_end(&self) -> f64 {
        4.0 * std::f64::consts::PI
    }

    /// Two periods: the phase error accumulates, so a wider factor.
    fn tolerance(&self, rtol: f64) -> f64 {
        1000.0 * rtol
    }
}

/// `y₀' = −y₀²`, `y₁' = y₀` from (1, 0): `y₀ = 1/(1+t)`, `y₁ = ln(1+t)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quadratic;

impl Rhs<2> for Quadratic {
    #[inline(always)]
    fn eval(&self, y: &Vector<2>, dy: &mut Vector<2>) {
        dy[0] = -y[0] * y[0];
        dy[1] = y[0];
    }
}

impl TestProblem<2> for Quadratic {
    fn name(&self) -> &'static str {
        "quadratic"
    }

    fn y0(&self) -> Vector<2> {
        Vector::<2>::new(1.0, 0.0)
    }

    fn exact(&self, t: f64) -> Vector<2> {
        Vector::<2>::new(1.0 / (1.0 + t), (1.0 + t).ln())
    }

    fn t_end(&self) -> f64 {
        4.0
    }

    fn tolerance(&self, rtol: f64) -> f64 {
        100.0 * rtol
    }
}

/// Where [`StiffSpell`] is stiff, and how stiff.
const SPELL: (f64, f64) = (10.0, 20.0);
const SPELL_LAMBDA: f64 = 1000.0;

/// `y₁' = −λ(s) (y₁ − cos s) − sin s` with a clock `y₀ = s` (`y₀' = 1`), from
/// (0, 1): `y = (t, cos t)` whatever `λ`. `λ(s) = 1 + 1000 σ(s)`, with `σ` a
/// smooth step up at s = 10 and down at s = 20 (widths ≈ 0.5), so the problem
/// is not stiff, then stiff (an explicit method is held to steps of 0.003
/// while the solution allows 0.1), then not stiff again.
#[derive(Debug, Clone, Copy, Default)]
pub struct StiffSpell;

impl StiffSpell {
    /// `λ(s)`.
    fn lambda(s: f64) -> f64 {
        let sigma = 0.5 * ((2.0 * (s - SPELL.0)).tanh() - (2.0 * (s - SPELL.1)).tanh());
        1.0 + SPELL_LAMBDA * sigma
    }

    /// The stiff spell, (start, end).
    pub fn stiff_spell(&self) -> (f64, f64) {
        SPELL
    }
}

impl Rhs<2> for StiffSpell {
    #[inline(always)]
    fn eval(&self, y: &Vector<2>, dy: &mut Vector<2>) {
        let s = y[0];
        dy[0] = 1.0;
        dy[1] = -Self::lambda(s) * (y[1] - s.cos()) - s.sin();
    }

    fn component_name(&self, i: usize) -> Option<&'static str> {
        ["clock", "y"].get(i).copied()
    }
}

impl TestProblem<2> for StiffSpell {
    fn name(&self) -> &'static str {
        "stiff_spell"
    }

    fn y0(&self) -> Vector<2> {
        Vector::<2>::new(0.0, 1.0)
    }

    fn exact(&self, t: f64) -> Vector<2> {
        Vector::<2>::new(t, t.cos())
    }

    fn t_end(&self) -> f64 {
        30.0
    }

    fn tolerance(&self, rtol: f64) -> f64 {
        100.0 * rtol
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each closed form solves its equations (a central difference of the
    /// exact solution against `f`) and starts at `y0`.
    fn solves_its_equations<P: TestProblem<N>, const N: usize>(p: &P) {
        assert!((p.exact(0.0) - p.y0()).amax() < 1e-15, "{}", p.name());
        for t in [0.05, 0.8, 2.5] {
            let dt = 1e-6;
            let fd = (p.exact(t + dt) - p.exact(t - dt)) / (2.0 * dt);
            let mut dy = Vector::<N>::zeros();
            p.eval(&p.exact(t), &mut dy);
            assert!(
                (fd - dy).amax() <= 1e-6 * (1.0 + dy.amax()),
                "{} at {t}: {fd:?} vs {dy:?}",
                p.name()
            );
        }
    }

    #[test]
    fn every_closed_form_solves_its_equations() {
        solves_its_equations(&Chain);
        solves_its_equations(&LinearStiff::default());
        solves_its_equations(&Oscillator);
        solves_its_equations(&Quadratic);
        solves_its_equations(&StiffSpell);
    }

    #[test]
    fn the_stiff_spell_is_stiff_in_the_middle_only() {
        for (s, stiff) in [(5.0, false), (15.0, true), (25.0, false)] {
            let lambda = StiffSpell::lambda(s);
            assert_eq!(lambda > 100.0, stiff, "λ({s}) = {lambda}");
        }
    }

    #[test]
    fn the_chain_tail_is_inert_and_its_sparsity_covers_every_dependence() {
        let y = Chain.exact(0.7);
        let mut dy = Vector::<8>::zeros();
        Chain.eval(&y, &mut dy);
        assert!(dy[6] == 0.0 && dy[7] == 0.0);
        let s = Chain.sparsity().expect("known");
        for j in 0..8 {
            let mut yp = y;
            yp[j] += 0.1;
            let mut dp = Vector::<8>::zeros();
            Chain.eval(&yp, &mut dp);
            for i in 0..8 {
                if dp[i] != dy[i] {
                    assert!(s.column(j) & (1 << i) != 0, "dy{i}/dy{j}");
                }
            }
        }
    }
}
