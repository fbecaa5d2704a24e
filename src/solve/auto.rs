//! `auto`, the default method: `dopri5` while the problem is not stiff,
//! `rodas4` while it is, the state handed from one to the other inside an
//! advance (cf. LSODA's Adams/BDF switching and DifferentialEquations.jl's
//! `AutoTsit5(Rosenbrock23())`).
//!
//! **To `rodas4`.** `dopri5` runs Hairer's stiffness test (`h·|λ|` of the
//! dominant mode from its last two stages, here against [`STIFF_LIMIT`])
//! every [`TEST_EVERY`] accepted steps, and after every step once a test was
//! positive; after [`STIFF_HITS`] positive tests (fewer than six negative
//! ones apart) it is held to its stability boundary, so `rodas4` takes over
//! from the end of that step with its step size.
//!
//! **Back to `dopri5`.** `rodas4` forms the Jacobian `J` at every step
//! anyway; one product `J·v` per step, with `v` carried from step to step (a
//! power iteration), estimates its spectral radius `ρ`. When
//! [`CALM_STEPS`] steps in a row sized by the error test (not still growing
//! from a small start) have `h·ρ` inside `dopri5`'s stability region
//! ([`BOUNDARY`]), an explicit step of the same size would be stable and
//! costs about a third as much, so `dopri5` takes over, starting a little
//! inside that boundary.
//!
//! **Hysteresis.** A visit to `rodas4` that never took a step at least
//! [`PAID`] × the boundary (a step `dopri5` could not have taken at twice
//! the cost) did not pay: the next switch to `rodas4` then needs twice as
//! many positive tests (up to [`MAX_HITS`]), so a problem on the edge does
//! not flip-flop; a visit that paid resets the count. Between advances (dose
//! events) the method in use carries over; the stiffness test's count starts
//! afresh in each advance, as in Hairer's code, so an advance shorter than
//! about [`TEST_EVERY`] + [`STIFF_HITS`] steps stays with `dopri5`, which is
//! then also the cheaper choice.
//!
//! Why `rodas4` rather than `bdf` as the stiff method: measured in
//! BENCHMARKS.md ("auto"). In short, it is hairsim's own allocation-free
//! code, fastest on `stiff_pk` at moderate tolerances, it can be stopped
//! after any step with its state and rows exact, and it forms the Jacobian
//! the spectral estimate needs at no extra cost.

use super::erk::{self, StiffnessTest};
use super::integrator::{Integrator, Rows, StepMemory};
use super::lu::Matrix;
use super::problem::{AsArray, Rhs, Vector};
use super::rosenbrock::{self, Watch};
use super::{dopri5, SolveError};
use serde::Serialize;

/// `dopri5`'s stability boundary along the negative real axis, in `h·|λ|`.
pub(super) const BOUNDARY: f64 = 3.3;

/// A stiffness test is positive above this `h·|λ|` (Hairer's 3.25, just
/// inside the boundary, suits a method that gives up; `dopri5`'s controller
/// can settle well inside it, e.g. at 2.8 on [`StiffSpell`], while a step
/// whose fastest mode decays by e^−2.5 or more is sized by stability, not
/// by the error, whenever that mode is at rest).
///
/// [`StiffSpell`]: super::test_problems::StiffSpell
pub(super) const STIFF_LIMIT: f64 = 2.5;

/// Accepted `dopri5` steps between two stiffness tests while none is
/// positive (Hairer's code: 1000, for a method that only reports stiffness).
pub(super) const TEST_EVERY: u64 = 10;

/// Positive stiffness tests that switch to `rodas4` (Hairer's 15).
pub(super) const STIFF_HITS: u32 = 15;

/// The most positive tests the hysteresis asks for.
pub(super) const MAX_HITS: u32 = 16 * STIFF_HITS;

/// Error-sized `rodas4` steps in a row inside `dopri5`'s stability region
/// that switch back.
pub(super) const CALM_STEPS: u32 = 5;

/// A `rodas4` step with `h·ρ` above this multiple of [`BOUNDARY`] is one that
/// `dopri5` could not have taken at twice its cost: the visit paid.
pub(super) const PAID: f64 = 2.0;

/// `dopri5`'s first step after a switch back, as a share of its stability
/// limit `BOUNDARY / ρ`.
const RESTART_SHARE: f64 = 0.8;

/// Floor added to every component of the power iteration's vector, so that
/// a mode it has not seen yet (one that a new dose makes dominant) can still
/// grow in it.
const POWER_FLOOR: f64 = 1e-4;

/// Which of the two methods integrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Explicit,
    Implicit,
}

/// What `auto` did: its switches, and the simulated time and steps (accepted
/// + rejected) of each of its two methods.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SwitchStats {
    /// Switches between the two methods, either way.
    pub switches: u64,
    /// Days integrated by `dopri5`.
    pub dopri5_days: f64,
    /// Steps taken by `dopri5`.
    pub dopri5_steps: u64,
    /// Days integrated by `rodas4`.
    pub rodas4_days: f64,
    /// Steps taken by `rodas4`.
    pub rodas4_steps: u64,
}

impl std::ops::AddAssign for SwitchStats {
    fn add_assign(&mut self, o: SwitchStats) {
        self.switches += o.switches;
        self.dopri5_days += o.dopri5_days;
        self.dopri5_steps += o.dopri5_steps;
        self.rodas4_days += o.rodas4_days;
        self.rodas4_steps += o.rodas4_steps;
    }
}

/// `auto`'s memory in an [`Integrator`]: the method in use, the power
/// iteration's vector, and the hysteresis.
#[derive(Debug, Clone)]
pub(super) struct Switcher<const N: usize> {
    phase: Phase,
    /// The power iteration's vector, max-norm 1 (plus the floor).
    v: Vector<N>,
    /// Error-sized `rodas4` steps in a row inside `dopri5`'s region.
    calm: u32,
    /// Positive stiffness tests the next switch to `rodas4` needs.
    hits: u32,
    /// Whether this visit to `rodas4` took a step `dopri5` could not have.
    paid: bool,
    /// The latest estimate of the spectral radius.
    rho: f64,
}

impl<const N: usize> Default for Switcher<N> {
    fn default() -> Self {
        Switcher {
            phase: Phase::Explicit,
            v: Vector::<N>::repeat(1.0),
            calm: 0,
            hits: STIFF_HITS,
            paid: false,
            rho: 0.0,
        }
    }
}

impl<const N: usize> Switcher<N> {
    /// After an accepted `rodas4` step of size `h` with Jacobian `jac`
    /// (`climbing`: the controller still grows it at its limit): whether to
    /// hand over to `dopri5`.
    fn calm_after(&mut self, jac: &Matrix<N>, h: f64, climbing: bool) -> bool {
        self.rho = power_step(jac, &mut self.v);
        let h_rho = h * self.rho;
        if h_rho > PAID * BOUNDARY {
            self.paid = true;
        }
        if h_rho >= BOUNDARY {
            self.calm = 0;
        } else if !climbing {
            self.calm += 1;
        }
        self.calm >= CALM_STEPS
    }

    /// Record the switch to `to`.
    fn switch(&mut self, to: Phase, stats: &mut SwitchStats) {
        match to {
            Phase::Implicit => {
                self.paid = false;
                self.v = Vector::<N>::repeat(1.0);
            }
            Phase::Explicit => {
                self.hits = if self.paid {
                    STIFF_HITS
                } else {
                    (2 * self.hits).min(MAX_HITS)
                };
            }
        }
        self.calm = 0;
        self.phase = to;
        stats.switches += 1;
    }
}

/// One step of the power iteration: `v ← J·v / ‖J·v‖∞` (plus the floor);
/// returns `‖J·v‖∞` for the `v` of max-norm 1 it started from, the estimate
/// of the spectral radius (0, and `v` reset, if `J·v` vanishes or is not
/// finite).
fn power_step<const N: usize>(jac: &Matrix<N>, v: &mut Vector<N>) -> f64 {
    // Plain products and sums: outside the engines' AVX2 clones `mul_add`
    // is a call to libm's `fma`.
    let mut w = [0.0; N];
    for (col, &vj) in jac.iter().zip(v.as_array()) {
        for (wi, &a) in w.iter_mut().zip(col) {
            *wi += a * vj;
        }
    }
    let scale = v.amax();
    let norm = w.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    if !(norm > 0.0 && norm.is_finite() && scale > 0.0) {
        *v = Vector::<N>::repeat(1.0);
        return 0.0;
    }
    for (vi, wi) in v.as_array_mut().iter_mut().zip(w) {
        *vi = wi / norm + POWER_FLOOR;
    }
    norm / scale
}

/// Integrate from the integrator's time to `t_stop` with `dopri5` and
/// `rodas4`, switching between them as the problem turns stiff and back,
/// emitting `rows`. Each switch goes on from the last accepted step, with its
/// rows emitted, within the one step budget.
pub(super) fn advance<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    t_stop: f64,
    rows: &mut Rows<'_, N>,
) -> Result<(), SolveError> {
    let mut stats = integ.stats.auto.unwrap_or_default();
    let result = loop {
        let budget = match integ.budget() {
            Ok(b) => b,
            Err(e) => break Err(e),
        };
        let (t0, steps0) = (integ.t, integ.stats.steps());
        let phase = integ.switcher.phase;
        let outcome = match phase {
            Phase::Explicit => explicit(integ, t_stop, budget, rows),
            Phase::Implicit => implicit(integ, t_stop, budget, rows),
        };
        let (days, steps) = match phase {
            Phase::Explicit => (&mut stats.dopri5_days, &mut stats.dopri5_steps),
            Phase::Implicit => (&mut stats.rodas4_days, &mut stats.rodas4_steps),
        };
        *days += integ.t - t0;
        *steps += integ.stats.steps() - steps0;
        match outcome {
            Ok(Some(next)) => integ.switcher.switch(next, &mut stats),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    integ.stats.auto = Some(stats);
    result
}

/// `dopri5` to `t_stop`; `Some(Implicit)` when it found the problem stiff.
fn explicit<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    t_stop: f64,
    budget: u64,
    rows: &mut Rows<'_, N>,
) -> Result<Option<Phase>, SolveError> {
    let test = StiffnessTest {
        every: TEST_EVERY,
        hits: integ.switcher.hits,
        limit: Some(STIFF_LIMIT),
        stop: true,
    };
    match erk::advance::<dopri5::Stages<N>, R, N>(integ, t_stop, budget, rows, test) {
        Ok(()) => Ok(None),
        Err(SolveError::Stiff { .. }) => Ok(Some(Phase::Implicit)),
        Err(e) => Err(e),
    }
}

/// `rodas4` to `t_stop`; `Some(Explicit)` when `dopri5` can take over. A
/// switch from `dopri5` starts with the step it had reached (its memory).
fn implicit<R: Rhs<N>, const N: usize>(
    integ: &mut Integrator<R, N>,
    t_stop: f64,
    budget: u64,
    rows: &mut Rows<'_, N>,
) -> Result<Option<Phase>, SolveError> {
    let start = integ.memory.take().map(|m| m.h);
    let mut switcher = integ.switcher.clone();
    let mut after_step =
        |jac: &Matrix<N>, h: f64, climbing: bool| switcher.calm_after(jac, h, climbing);
    let watch = Watch {
        start,
        after_step: &mut after_step,
    };
    let result = rosenbrock::advance_watched(integ, (t_stop, budget), rows, Some(watch));
    integ.switcher = switcher;
    match result? {
        None => Ok(None),
        Some(h_next) => {
            let limit = RESTART_SHARE * BOUNDARY / integ.switcher.rho;
            integ.memory = Some(StepMemory {
                h: h_next.min(limit),
                ln_fac_old: 1e-4_f64.ln(),
            });
            Ok(Some(Phase::Explicit))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::test_problems::{self, LinearStiff, StiffSpell, TestProblem};
    use crate::solve::Method;

    #[test]
    fn the_power_iteration_finds_the_dominant_eigenvalue() {
        // LinearStiff's eigenvalues are −1, −10, −1000.
        let p = LinearStiff::default();
        let mut jac = [[0.0; 3]; 3];
        for (j, col) in jac.iter_mut().enumerate() {
            let mut e = Vector::<3>::zeros();
            e[j] = 1.0;
            let mut out = Vector::<3>::zeros();
            p.eval(&e, &mut out);
            col.copy_from_slice(out.as_slice());
        }
        let mut v = Vector::<3>::repeat(1.0);
        let mut rho = 0.0;
        for _ in 0..8 {
            rho = power_step(&jac, &mut v);
        }
        assert!((rho / 1000.0 - 1.0).abs() < 1e-3, "{rho}");
        // A vanishing product resets the vector.
        let mut v = Vector::<3>::repeat(1.0);
        assert_eq!(power_step(&[[0.0; 3]; 3], &mut v), 0.0);
        assert_eq!(v, Vector::<3>::repeat(1.0));
    }

    /// Through a stiff spell and out again: two switches, the error within
    /// the tolerance, and a fraction of `dopri5`'s steps and evaluations.
    #[test]
    fn auto_switches_into_the_stiff_spell_and_out_again() {
        let p = StiffSpell;
        let rtol = 1e-6;
        let auto = test_problems::settings(Method::AUTO, rtol).expect("valid");
        let (err, stats) = test_problems::max_error(&p, &auto).expect("auto solves it");
        assert!(err <= p.tolerance(rtol), "error {err:e}");
        let switching = stats.auto.expect("auto reports its switches");
        assert_eq!(switching.switches, 2, "{switching:?}");
        let (lo, hi) = p.stiff_spell();
        // Most of the spell with rodas4, nearly all the rest with dopri5.
        assert!(switching.rodas4_days > 0.8 * (hi - lo), "{switching:?}");
        assert!(
            switching.dopri5_days > 0.9 * (p.t_end() - (hi - lo)),
            "{switching:?}"
        );
        let total = switching.dopri5_days + switching.rodas4_days;
        assert!((total - p.t_end()).abs() < 1e-9, "{switching:?}");
        assert_eq!(
            switching.dopri5_steps + switching.rodas4_steps,
            stats.steps()
        );
        let dopri5 = test_problems::settings(Method::DOPRI5, rtol).expect("valid");
        let (_, explicit) = test_problems::max_error(&p, &dopri5).expect("dopri5 solves it");
        // rodas4's steps through the spell are short for an implicit method
        // (Rosenbrock methods lose order on Prothero–Robinson problems) but
        // still far longer than dopri5's, held to h·λ ≈ 2.8.
        assert!(
            2 * stats.steps() < explicit.steps()
                && 2 * stats.rhs_evaluations < explicit.rhs_evaluations,
            "auto {stats:?}, dopri5 {explicit:?}"
        );
    }

    /// Hysteresis: a visit to `rodas4` that never took a step `dopri5`
    /// could not have doubles the positive tests the next switch needs (up
    /// to [`MAX_HITS`]); a visit that did resets them.
    #[test]
    fn an_unpaid_visit_makes_the_next_switch_harder() {
        // Columns of a diagonal Jacobian with spectral radius 10.
        let jac = [[-1.0, 0.0], [0.0, -10.0]];
        let mut s = Switcher::<2>::default();
        let mut stats = SwitchStats::default();
        let calm_visit = |s: &mut Switcher<2>, first_h: f64| {
            let calm: Vec<bool> = std::iter::once(first_h)
                .chain(std::iter::repeat_n(0.1, CALM_STEPS as usize))
                .map(|h| s.calm_after(&jac, h, false))
                .collect();
            // Back after CALM_STEPS steps with h·ρ = 1, inside the region.
            assert_eq!(calm.iter().filter(|&&c| c).count(), 1, "{calm:?}");
            assert!(calm[calm.len() - 1]);
        };
        for round in 1..=5 {
            // h·ρ = 5: outside dopri5's region, but within twice it.
            s.switch(Phase::Implicit, &mut stats);
            calm_visit(&mut s, 0.5);
            s.switch(Phase::Explicit, &mut stats);
            assert_eq!(s.hits, (STIFF_HITS << round).min(MAX_HITS), "round {round}");
        }
        assert_eq!(s.hits, MAX_HITS);
        // h·ρ = 10, beyond twice the boundary: this visit paid.
        s.switch(Phase::Implicit, &mut stats);
        calm_visit(&mut s, 1.0);
        s.switch(Phase::Explicit, &mut stats);
        assert_eq!(s.hits, STIFF_HITS);
        assert_eq!(stats.switches, 12);
    }

    /// A problem that is never stiff never leaves `dopri5`, step for step.
    #[test]
    fn a_non_stiff_problem_runs_as_dopri5() {
        let p = test_problems::Oscillator;
        let auto = test_problems::settings(Method::AUTO, 1e-8).expect("valid");
        let dopri5 = test_problems::settings(Method::DOPRI5, 1e-8).expect("valid");
        let (ea, sa) = test_problems::max_error(&p, &auto).expect("solves");
        let (ed, sd) = test_problems::max_error(&p, &dopri5).expect("solves");
        assert_eq!(ea.to_bits(), ed.to_bits());
        assert_eq!(sa.rhs_evaluations, sd.rhs_evaluations);
        let switching = sa.auto.expect("reported");
        assert_eq!(switching.switches, 0);
        assert_eq!(switching.rodas4_steps, 0);
    }

    /// Stiff from the start: one switch, and far fewer steps than dopri5.
    #[test]
    fn a_stiff_problem_is_handed_to_rodas4_once() {
        let p = LinearStiff::default();
        let auto = test_problems::settings(Method::AUTO, 1e-6).expect("valid");
        let (err, stats) = test_problems::max_error(&p, &auto).expect("solves");
        assert!(err <= p.tolerance(1e-6), "{err:e}");
        let switching = stats.auto.expect("reported");
        assert_eq!(switching.switches, 1, "{switching:?}");
        assert!(stats.jacobian_evaluations > 0);
    }
}
