//! Tests of the Rosenbrock engine: its order, very stiff problems, dense output, the step budget and the grouped Jacobian.

use super::*;
use crate::solve::test_problems::{Chain, Quadratic, TestProblem};
use crate::solve::{Method, SolverSettings};

fn settings(rtol: f64) -> SolverSettings {
    crate::solve::test_problems::settings(Method::RODAS4, rtol).expect("valid")
}

/// Error at the end of `Quadratic`'s interval with `n` fixed steps
/// (Jacobian recomputed each step).
fn fixed_step_error(n: u32) -> f64 {
    let (columns, mut evals) = (Columns::of(None), 0);
    let mut rhs = Problem {
        rhs: &Quadratic,
        evals: &mut evals,
        columns: &columns,
    };
    let h = 1.0 / f64::from(n);
    let mut y = Quadratic.y0();
    for _ in 0..n {
        let fy = rhs.eval(&y);
        let jac = rhs.jacobian(&y, &fy);
        y = attempt(&mut rhs, &jac, &y, &fy, h).expect("regular").y_new;
    }
    (y - Quadratic.exact(1.0)).amax()
}

/// Order 4 on a nonlinear problem: halving a fixed step cuts the error
/// by about 2⁴ = 16.
#[test]
fn halving_the_step_cuts_the_error_sixteenfold() {
    let (e1, e2, e3) = (
        fixed_step_error(8),
        fixed_step_error(16),
        fixed_step_error(32),
    );
    for (a, b) in [(e1, e2), (e2, e3)] {
        let ratio = a / b;
        assert!(
            (12.0..22.0).contains(&ratio),
            "ratio {ratio} ({a:e} → {b:e})"
        );
    }
}

/// `y' = −λ y`.
struct Decay(f64);

impl Rhs<1> for Decay {
    fn eval(&self, y: &Vector<1>, dy: &mut Vector<1>) {
        dy[0] = -self.0 * y[0];
    }
}

/// One step of size 1 on `y' = −λ y` from 1.
fn one_step(lambda: f64) -> f64 {
    let (columns, mut evals) = (Columns::of(None), 0);
    let mut rhs = Problem {
        rhs: &Decay(lambda),
        evals: &mut evals,
        columns: &columns,
    };
    let y = Vector::<1>::new(1.0);
    let fy = rhs.eval(&y);
    let jac = rhs.jacobian(&y, &fy);
    attempt(&mut rhs, &jac, &y, &fy, 1.0)
        .expect("regular")
        .y_new[0]
}

/// L-stable and stiffly accurate: one step of h = 1 on y' = −10⁶ y lands
/// on the equilibrium instead of amplifying the transient.
#[test]
fn one_huge_step_on_a_very_stiff_decay_lands_on_the_equilibrium() {
    // R(z) → 0 like c/z (c ≈ 8.8 for RODAS): an explicit method's or the
    // trapezoidal rule's factor would be huge or −1.
    let y1 = one_step(1e6);
    assert!(y1.abs() < 1e-5, "{y1}");
    let y2 = one_step(1e8);
    assert!((y2 / y1 - 0.01).abs() < 1e-3, "{y2} vs {y1}: R(z) ~ 1/z");
}

/// y' = −10⁶ (y − cos t), written autonomously with t as a state.
struct Tracking;

impl Rhs<2> for Tracking {
    fn eval(&self, y: &Vector<2>, dy: &mut Vector<2>) {
        dy[0] = -1e6 * (y[0] - y[1].cos());
        dy[1] = 1.0;
    }
}

/// After the initial layer the solution follows cos t, and the adaptive
/// loop steps with it instead of at the stiff time scale of 10⁻⁶.
#[test]
fn a_stiff_problem_tracking_cos_t_takes_few_steps_and_stays_accurate() {
    let mut integ = Integrator::new(Tracking, 0.0, Vector::<2>::zeros(), settings(1e-6));
    integ.advance_to(10.0, &[], &mut |_, _| {}).expect("solves");
    let (y, stats) = (integ.y(), integ.stats());
    // The slow manifold is y = cos t + 10⁻⁶ sin t + O(10⁻¹²).
    let exact = |t: f64| t.cos() + 1e-6 * t.sin();
    assert!(
        (y[0] - exact(10.0)).abs() < 1e-6,
        "{} vs {}",
        y[0],
        exact(10.0)
    );
    assert!((y[1] - 10.0).abs() < 1e-9);
    assert!(stats.accepted_steps < 300, "{} steps", stats.accepted_steps);
    assert_eq!(stats.jacobian_evaluations, stats.steps());
}

/// The dense output (order 3) between steps is as accurate as the
/// tolerance asks, and the advance ends exactly at its stop.
#[test]
fn dense_output_rows_follow_the_solution() {
    let outputs: Vec<f64> = (1..40).map(|k| 0.1 * f64::from(k)).collect();
    let mut integ = Integrator::new(Quadratic, 0.0, Quadratic.y0(), settings(1e-7));
    let mut rows = Vec::new();
    integ
        .advance_to(4.0, &outputs, &mut |t, y| rows.push((t, *y)))
        .expect("solves");
    assert!((integ.y() - Quadratic.exact(4.0)).amax() < 1e-6);
    assert_eq!(rows.len(), outputs.len());
    for (t, y) in rows {
        assert!((y - Quadratic.exact(t)).amax() < 1e-6, "row at {t}");
    }
}

#[test]
fn the_step_budget_is_enforced() {
    let s = settings(1e-10).with_max_steps(3).expect("valid");
    let mut integ = Integrator::new(Quadratic, 0.0, Quadratic.y0(), s);
    let r = integ.advance_to(100.0, &[], &mut |_, _| {});
    assert!(matches!(r, Err(SolveError::TooManySteps { .. })), "{r:?}");
    assert_eq!(integ.stats().steps(), 3);
}

/// With the problem's sparsity, columns that share no row are differenced
/// together: the same Jacobian as the dense one, for fewer evaluations.
#[test]
fn the_grouped_jacobian_matches_the_dense_one() {
    let y = Chain.exact(0.4);
    let jacobian = |columns: &Columns<8>| {
        let mut evals = 0;
        let mut rhs = Problem {
            rhs: &Chain,
            evals: &mut evals,
            columns,
        };
        let fy = rhs.eval(&y);
        let jac = rhs.jacobian(&y, &fy);
        (jac, evals)
    };
    let (dense, dense_evals) = jacobian(&Columns::of(None));
    let grouped_columns = Columns::of(Chain.sparsity());
    let (grouped, grouped_evals) = jacobian(&grouped_columns);
    for j in 0..8 {
        for i in 0..8 {
            assert!((dense[j][i] - grouped[j][i]).abs() <= 1e-12, "({i}, {j})");
        }
    }
    // A bidiagonal chain: two groups (even and odd columns) plus f(y).
    assert_eq!(grouped_columns.n_groups, 2);
    assert_eq!((dense_evals, grouped_evals), (9, 3));
}
