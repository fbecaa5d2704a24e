//! The integrator of one problem: it owns the state `(t, y)`, the method's
//! step-size memory between advances, the step budget and the work counts,
//! and integrates with [`Integrator::advance_to`] from stop to stop.
//!
//! Between two advances the caller may change the state or the problem (a
//! dose is a jump in `y`, a new daily dose a change of the problem's
//! inputs): every advance restarts the method from the current state, so a
//! step never crosses a stop, and the step size the controller had reached
//! carries over. Which code integrates is chosen per advance from the
//! settings' [`Method`], so a method can be swapped between two advances
//! ([`Integrator::set_method`]) and the next one goes on from the same state,
//! budget and counts: the hand-over an automatic stiff/non-stiff switch needs.

use super::auto::{self, Switcher};
use super::erk::StiffnessTest;
use super::method::{Method, OwnMethod};
use super::problem::{Rhs, Vector};
use super::rosenbrock::Columns;
use super::{
    diffsol_adapter, dop853, dopri5, erk, ode_solvers_adapter, rk4, rosenbrock, tsit45, SolveError,
    SolveStats, SolverSettings,
};

/// Most fixed steps in one advance of `rk4` or `ode_solvers_rk4`:
/// `ode_solvers_rk4` keeps every step of an integration until it ends, so a
/// tiny step over a long span would hold gigabytes. Longer advances of both
/// fixed-step methods are split into even pieces, each restarted like an
/// advance, so both take the same steps (at 0.5-day steps only spans over 13
/// years are split).
const MAX_FIXED_STEPS_PER_PIECE: f64 = 10_000.0;

/// What the explicit engine's controller carries from one advance to the
/// next: the step it proposed for going on past the stop, and its memory,
/// ln of the last accepted error norm (floored as Hairer's FACOLD).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct StepMemory {
    pub(super) h: f64,
    pub(super) ln_fac_old: f64,
}

/// Integrates one problem `R` of `N` components from stop to stop.
#[derive(Debug, Clone)]
pub struct Integrator<R, const N: usize> {
    pub(super) rhs: R,
    pub(super) settings: SolverSettings,
    pub(super) t: f64,
    pub(super) y: Vector<N>,
    /// Set by the explicit adaptive methods at the end of an advance;
    /// cleared by every other method.
    pub(super) memory: Option<StepMemory>,
    pub(super) stats: SolveStats,
    /// `rodas4`'s grouping of the Jacobian's columns, made on its first advance.
    pub(super) columns: Option<Columns<N>>,
    /// `auto`'s method in use and its hysteresis, kept between advances.
    pub(super) switcher: Switcher<N>,
}

/// The output rows of one advance: the times (sorted, strictly inside it),
/// the next one due, and where the rows go.
pub(super) struct Rows<'a, const N: usize> {
    times: &'a [f64],
    next: usize,
    emit: &'a mut dyn FnMut(f64, &Vector<N>),
}

impl<const N: usize> Rows<'_, N> {
    /// The next row time, if it is at or before `t`.
    #[inline(always)]
    pub(super) fn due(&self, t: f64) -> Option<f64> {
        self.times.get(self.next).copied().filter(|&to| to <= t)
    }

    /// Emit the row due at `to` with the state `y` there.
    #[inline(always)]
    pub(super) fn emit(&mut self, to: f64, y: &Vector<N>) {
        (self.emit)(to, y);
        self.next += 1;
    }
}

impl<R: Rhs<N>, const N: usize> Integrator<R, N> {
    /// An integrator of `rhs` from `y0` at `t0`, with a fresh budget of
    /// `settings.max_steps()` steps and no work done.
    pub fn new(rhs: R, t0: f64, y0: Vector<N>, settings: SolverSettings) -> Self {
        Integrator {
            rhs,
            settings,
            t: t0,
            y: y0,
            memory: None,
            stats: SolveStats::default(),
            columns: None,
            switcher: Switcher::default(),
        }
    }

    /// The current time.
    pub fn t(&self) -> f64 {
        self.t
    }

    /// The current state.
    pub fn y(&self) -> &Vector<N> {
        &self.y
    }

    /// The current state, to change between advances (a jump: the next
    /// advance starts from the new state).
    pub fn y_mut(&mut self) -> &mut Vector<N> {
        &mut self.y
    }

    /// The problem.
    pub fn rhs(&self) -> &R {
        &self.rhs
    }

    /// The problem, to change between advances (e.g. its inputs). Its
    /// [`Rhs::sparsity`] must stay the same.
    pub fn rhs_mut(&mut self) -> &mut R {
        &mut self.rhs
    }

    /// The settings.
    pub fn settings(&self) -> &SolverSettings {
        &self.settings
    }

    /// The work done so far (also after a failed advance: the work up to the failure).
    pub fn stats(&self) -> &SolveStats {
        &self.stats
    }

    /// Integrate with another method from the next advance on, from the
    /// same state, with the same tolerances, budget and counts.
    pub fn set_method(&mut self, method: Method) {
        self.settings = self.settings.with_method(method);
    }

    /// Integrate from [`t`](Self::t) to `t_stop`, landing exactly on it,
    /// calling `emit(t, y)` at each time of `outputs` (sorted, strictly
    /// between `t` and `t_stop`) in order. Methods with dense output read
    /// those rows off their interpolant; the `ode_solvers` ones stop at each.
    ///
    /// On success the state is at `t_stop`. On failure the work so far is
    /// counted, and for hairsim's own methods the state is the last accepted
    /// step (the rows up to it emitted), so that another method can go on
    /// from there. An advance to a time not after `t` does nothing.
    pub fn advance_to(
        &mut self,
        t_stop: f64,
        outputs: &[f64],
        emit: &mut dyn FnMut(f64, &Vector<N>),
    ) -> Result<(), SolveError> {
        let len = t_stop - self.t;
        if len <= 0.0 {
            return Ok(());
        }
        let max_len = self.settings.rk4_step_days() * MAX_FIXED_STEPS_PER_PIECE;
        let pieces = (len / max_len).ceil();
        if self.settings.method().is_adaptive() || pieces <= 1.0 {
            return self.advance_piece(t_stop, outputs, emit);
        }
        // Even pieces; a row exactly at a piece's end is the state there.
        let (t0, n) = (self.t, pieces as u64);
        let mut rest = outputs;
        for k in 1..n {
            let end = t0 + len * k as f64 / pieces;
            let (inside, later) = rest.split_at(rest.partition_point(|&o| o < end));
            self.advance_piece(end, inside, emit)?;
            let (at_end, later) = later.split_at(later.partition_point(|&o| o <= end));
            for &o in at_end {
                emit(o, &self.y);
            }
            rest = later;
        }
        self.advance_piece(t_stop, rest, emit)
    }

    /// One restart of the method from `t` to `t_stop`.
    fn advance_piece(
        &mut self,
        t_stop: f64,
        outputs: &[f64],
        emit: &mut dyn FnMut(f64, &Vector<N>),
    ) -> Result<(), SolveError> {
        let mut rows = Rows {
            times: outputs,
            next: 0,
            emit,
        };
        match self.settings.method() {
            Method::Hairsim(own) => {
                let budget = self.budget()?;
                let test = StiffnessTest::hairer(self.settings.stiffness_detection());
                let rows = &mut rows;
                match own {
                    OwnMethod::Rk4 => {
                        self.memory = None;
                        erk::advance::<rk4::Stages<N>, R, N>(self, t_stop, budget, rows, test)
                    }
                    OwnMethod::Dopri5 => {
                        erk::advance::<dopri5::Stages<N>, R, N>(self, t_stop, budget, rows, test)
                    }
                    OwnMethod::Dop853 => {
                        erk::advance::<dop853::Stages<N>, R, N>(self, t_stop, budget, rows, test)
                    }
                    OwnMethod::Tsit45 => {
                        erk::advance::<tsit45::Stages<N>, R, N>(self, t_stop, budget, rows, test)
                    }
                    OwnMethod::Rodas4 => {
                        self.memory = None;
                        rosenbrock::advance(self, t_stop, budget, rows)
                    }
                    OwnMethod::Auto => auto::advance(self, t_stop, rows),
                }?;
                self.stats.segments += 1;
            }
            Method::Diffsol(method) => {
                let budget = self.budget()?;
                self.memory = None;
                diffsol_adapter::advance(self, method, (t_stop, budget), &mut rows)?;
                self.stats.segments += 1;
            }
            Method::OdeSolvers(method) => {
                // No usable dense output: stop and restart at every output time.
                self.memory = None;
                for to in outputs.iter().copied().chain(std::iter::once(t_stop)) {
                    let budget = self.budget()?;
                    ode_solvers_adapter::advance(self, method, to, budget)?;
                    self.stats.segments += 1;
                    self.check_finite()?;
                    if to < t_stop {
                        rows.emit(to, &self.y);
                    }
                }
                return Ok(());
            }
        }
        self.check_finite()
    }

    /// Steps left in the budget (≥ 1), or the error that it is spent.
    pub(super) fn budget(&self) -> Result<u64, SolveError> {
        let max_steps = self.settings.max_steps();
        match u64::from(max_steps).saturating_sub(self.stats.steps()) {
            0 => Err(SolveError::TooManySteps {
                method: self.settings.method(),
                t_days: self.t,
                max_steps,
            }),
            left => Ok(left),
        }
    }

    fn check_finite(&self) -> Result<(), SolveError> {
        match self.y.iter().position(|v| !v.is_finite()) {
            Some(i) => Err(SolveError::NonFinite {
                method: self.settings.method(),
                t_days: self.t,
                component: i,
                name: self.rhs.component_name(i),
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::test_problems::{
        self, Chain, LinearStiff, Oscillator, Quadratic, StiffSpell, TestProblem,
    };

    /// Every method, whoever provides it, reaches its tolerance on every
    /// test problem (none of them the hair model), through the integrator.
    #[test]
    fn every_method_solves_every_test_problem() {
        fn check<P: TestProblem<N> + Clone, const N: usize>(p: &P) {
            for method in Method::ALL {
                let rtol = 1e-7;
                let s = test_problems::settings(method, rtol).expect("valid settings");
                let (err, stats) = test_problems::max_error(p, &s)
                    .unwrap_or_else(|e| panic!("{method} on {}: {e}", p.name()));
                // rk4's error follows its 0.002 step, not the tolerance.
                let limit = if method.is_adaptive() {
                    p.tolerance(rtol)
                } else {
                    p.tolerance(1e-6)
                };
                assert!(
                    err <= limit,
                    "{method} on {}: error {err:e} > {limit:e} ({stats:?})",
                    p.name()
                );
                assert!(stats.accepted_steps > 0 && stats.rhs_evaluations > 0);
                // `auto` forms Jacobians while it is with `rodas4` only.
                let implicit = match stats.auto {
                    Some(a) => a.rodas4_steps > 0,
                    None => method.is_implicit(),
                };
                assert_eq!(stats.jacobian_evaluations > 0, implicit, "{method}");
                assert_eq!(stats.auto.is_some(), method.is_switching(), "{method}");
            }
        }
        check(&Chain);
        check(&LinearStiff::default());
        check(&Oscillator);
        check(&Quadratic);
        check(&StiffSpell);
    }

    #[test]
    fn the_budget_is_shared_by_every_advance_and_named_when_spent() {
        let s = SolverSettings::new(Method::DOPRI5)
            .with_rtol(1e-10)
            .and_then(|s| s.with_max_steps(30))
            .expect("valid");
        let mut integ = Integrator::new(Oscillator, 0.0, Oscillator.y0(), s);
        let mut spent = None;
        for k in 1..=100 {
            if let Err(e) = integ.advance_to(f64::from(k), &[], &mut |_, _| {}) {
                spent = Some(e);
                break;
            }
        }
        assert!(
            matches!(spent, Some(SolveError::TooManySteps { max_steps: 30, .. })),
            "{spent:?}"
        );
        assert_eq!(integ.stats().steps(), 30);
    }

    #[test]
    fn a_method_can_take_over_from_another() {
        let s = test_problems::settings(Method::DOPRI5, 1e-8).expect("valid");
        let p = LinearStiff::default();
        let mut integ = Integrator::new(p, 0.0, p.y0(), s);
        integ
            .advance_to(0.01, &[], &mut |_, _| {})
            .expect("the transient, explicitly");
        let before = *integ.stats();
        integ.set_method(Method::RODAS4);
        integ
            .advance_to(4.0, &[], &mut |_, _| {})
            .expect("the rest, implicitly");
        assert!((integ.y() - p.exact(4.0)).amax() < 1e-6);
        assert!(integ.stats().jacobian_evaluations > 0);
        assert!(integ.stats().rhs_evaluations > before.rhs_evaluations);
        assert_eq!(integ.stats().segments, 2);
    }

    #[test]
    fn a_jump_between_advances_restarts_from_the_new_state() {
        for method in Method::ALL {
            let s = test_problems::settings(method, 1e-9).expect("valid");
            let mut integ = Integrator::new(Oscillator, 0.0, Oscillator.y0(), s);
            integ.advance_to(1.0, &[], &mut |_, _| {}).expect("solves");
            // Back to the start of the orbit: from here the solution is (cos, −sin) of t − 1.
            *integ.y_mut() = Oscillator.y0();
            integ.advance_to(2.0, &[], &mut |_, _| {}).expect("solves");
            let limit = if method.is_adaptive() { 1e-6 } else { 1e-8 };
            assert!(
                (integ.y() - Oscillator.exact(1.0)).amax() < limit,
                "{method}"
            );
        }
    }

    #[test]
    fn long_fixed_step_advances_are_split_into_bounded_pieces() {
        let s = SolverSettings::new(Method::RK4)
            .with_rk4_step_days(0.0001)
            .expect("valid");
        let mut integ = Integrator::new(Oscillator, 0.0, Oscillator.y0(), s);
        let rows = [0.25, 1.0, 2.0, 2.5];
        let mut seen = Vec::new();
        integ
            .advance_to(2.5 + 1e-3, &rows, &mut |t, y| seen.push((t, *y)))
            .expect("solves");
        // 25,010 steps in pieces of at most 10,000: three pieces.
        assert_eq!(integ.stats().segments, 3);
        assert_eq!(integ.stats().accepted_steps, 25_011);
        assert_eq!(seen.iter().map(|r| r.0).collect::<Vec<_>>(), rows);
        for (t, y) in seen {
            assert!((y - Oscillator.exact(t)).amax() < 1e-9, "row at {t}");
        }
    }

    #[test]
    fn a_non_finite_state_is_named() {
        #[derive(Clone, Copy)]
        struct Blowup;
        impl Rhs<2> for Blowup {
            fn eval(&self, y: &Vector<2>, dy: &mut Vector<2>) {
                dy[0] = y[0] * y[0];
                dy[1] = 0.0;
            }
            fn component_name(&self, i: usize) -> Option<&'static str> {
                ["x", "unused"].get(i).copied()
            }
        }
        let s = SolverSettings::new(Method::RK4)
            .with_rk4_step_days(0.5)
            .expect("valid");
        let mut integ = Integrator::new(Blowup, 0.0, Vector::<2>::new(1.0, 0.0), s);
        let e = integ
            .advance_to(40.0, &[], &mut |_, _| {})
            .expect_err("blows up")
            .to_string();
        assert!(
            e.starts_with("rk4: state `x` is not finite at day 40.000"),
            "{e}"
        );
    }
}
