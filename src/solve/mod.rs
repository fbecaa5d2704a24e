//! The solve core: integrating any autonomous system of ODEs from stop to
//! stop, with the method and tolerances of one settings struct, whichever
//! code provides the method. It knows nothing of hair: a problem is anything
//! implementing [`Rhs`].
//!
//! - [`problem`]: the contract ([`Rhs`]: `dy = f(y)`, the components that can
//!   move, optionally the Jacobian's sparsity or an exact Jacobian-vector
//!   product) and the state type [`Vector`].
//! - [`SolverSettings`]: method, tolerances, step budget; every value checked
//!   when it is set.
//! - [`Integrator`]: the state `(t, y)`, the step memory between advances, the
//!   budget and the work counts ([`SolveStats`]) of one problem, and
//!   [`Integrator::advance_to`].
//! - [`Method`]: an [`Algorithm`] and its [`Provider`]. hairsim's own
//!   allocation-free loops: the explicit Runge–Kutta engine (`erk`) with
//!   classic RK4 (`rk4`), Dormand–Prince (`dopri5`, the default), Tsitouras
//!   (`tsit45`) and DOP853 (`dop853`), and the Rosenbrock method RODAS
//!   (`rosenbrock`, `rodas4`). The crates' code, kept as references:
//!   `ode_solvers` (`ode_solvers_rk4`, `ode_solvers_dopri5`,
//!   `ode_solvers_dop853`; see `ode_solvers_adapter`) and `diffsol` (`bdf`,
//!   `tr_bdf2`, `esdirk34`, `diffsol_tsit45`; see `diffsol_adapter`). diffsol
//!   uses another nalgebra version, so its adapter keeps its types to itself.
//! - [`test_problems`]: problems with closed-form solutions, for tests and benches.
//!
//! A problem, integrated through a dose:
//!
//! ```
//! use hairsim::solve::{Integrator, Method, Rhs, SolverSettings, Vector};
//!
//! /// `y' = −y`.
//! struct Decay;
//!
//! impl Rhs<1> for Decay {
//!     fn eval(&self, y: &Vector<1>, dy: &mut Vector<1>) {
//!         dy[0] = -y[0];
//!     }
//! }
//!
//! let settings = SolverSettings::new(Method::DOPRI5).with_rtol(1e-8)?;
//! let mut integrator = Integrator::new(Decay, 0.0, Vector::<1>::new(1.0), settings);
//! let mut rows = Vec::new();
//! integrator.advance_to(1.0, &[0.5], &mut |t, y| rows.push((t, y[0])))?;
//! integrator.y_mut()[0] += 1.0; // a dose: a jump between two advances
//! integrator.advance_to(2.0, &[], &mut |_, _| {})?;
//! let exact = (-2.0_f64).exp() + (-1.0_f64).exp();
//! assert!((integrator.y()[0] - exact).abs() < 1e-7);
//! assert!((rows[0].1 - (-0.5_f64).exp()).abs() < 1e-7);
//! assert_eq!(integrator.stats().segments, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Output times inside an advance are read off the method's dense output
//! (its interpolant over the step that covers them) where the method has one
//! (hairsim's own methods and the diffsol ones); the `ode_solvers` methods
//! instead stop and restart at every output time, so their rows are exact
//! step ends.

mod auto;
mod diffsol_adapter;
mod dop853;
mod dopri5;
mod erk;
mod integrator;
mod lu;
mod method;
mod ode_solvers_adapter;
pub mod problem;
mod rk4;
mod rosenbrock;
mod settings;
#[cfg(test)]
mod tableau;
pub mod test_problems;
mod tsit45;

pub use auto::SwitchStats;
pub use integrator::Integrator;
pub use method::{Algorithm, DiffsolMethod, Method, OdeSolversMethod, OwnMethod, Provider};
pub use problem::{AsArray, ComponentSet, Rhs, Sparsity, Vector};
pub use settings::{SettingsError, SolverSettings};

use serde::Serialize;

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Work done by an integrator (for the simulation: one arm).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SolveStats {
    /// Right-hand-side evaluations, including those spent on finite-difference
    /// Jacobian products by the implicit methods.
    pub rhs_evaluations: u64,
    /// Accepted steps.
    pub accepted_steps: u64,
    /// Rejected steps (error-test and Newton failures).
    pub rejected_steps: u64,
    /// Segments integrated: one per restart of the method (each advance;
    /// the `ode_solvers` methods restart at every output time too).
    pub segments: u64,
    /// Jacobian evaluations (implicit methods only; each costs one
    /// Jacobian-vector product per state).
    #[serde(skip_serializing_if = "is_zero")]
    pub jacobian_evaluations: u64,
    /// `auto`'s switches and each of its methods' share (`auto` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto: Option<SwitchStats>,
}

/// Work summed: over the arms of a scenario, or the runs of a study.
impl std::ops::AddAssign for SolveStats {
    fn add_assign(&mut self, other: SolveStats) {
        self.rhs_evaluations += other.rhs_evaluations;
        self.accepted_steps += other.accepted_steps;
        self.rejected_steps += other.rejected_steps;
        self.segments += other.segments;
        self.jacobian_evaluations += other.jacobian_evaluations;
        self.auto = match (self.auto, other.auto) {
            (Some(mut a), Some(b)) => {
                a += b;
                Some(a)
            }
            (a, b) => a.or(b),
        };
    }
}

impl SolveStats {
    /// Accepted plus rejected steps.
    pub fn steps(&self) -> u64 {
        self.accepted_steps + self.rejected_steps
    }
}

/// Why an advance failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The arm used up its step budget.
    #[error("{method} needed more than {max_steps} steps (stopped at day {t_days:.3}); raise [solver] max_steps or loosen rtol{}", if_stiff(*method))]
    TooManySteps {
        /// Method.
        method: Method,
        /// Simulated time reached, days.
        t_days: f64,
        /// The budget.
        max_steps: u32,
    },
    /// The step size became too small for floating point.
    #[error(
        "{method}: step size underflow at day {t_days:.3}; loosen rtol/atol or try --solver dop853{}", if_stiff(*method)
    )]
    StepSizeUnderflow {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
    },
    /// The explicit method detected stiffness.
    #[error("{method}: the problem became stiff at day {t_days:.3}; use --solver auto (the default: it switches to an implicit method while the problem is stiff) or an implicit method (bdf, rodas4, tr_bdf2 or esdirk34), or loosen tolerances")]
    Stiff {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
    },
    /// A state became NaN or infinite.
    #[error("{method}: {} is not finite at day {t_days:.3}; {}", component_label(*component, *name), non_finite_hint(*method))]
    NonFinite {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
        /// Index of the first bad component.
        component: usize,
        /// Its name, when the problem gives one ([`Rhs::component_name`]).
        name: Option<&'static str>,
    },
    /// The backend reported another failure (e.g. Newton iterations that do not converge).
    #[error("{method}: the solver failed at day {t_days:.3}: {message}; loosen rtol/atol or try another method")]
    Backend {
        /// Method.
        method: Method,
        /// Simulated time, days (the advance's start when unknown).
        t_days: f64,
        /// The backend's message.
        message: String,
    },
}

/// "state `name`", or "component i" for a problem that names none.
fn component_label(component: usize, name: Option<&'static str>) -> String {
    match name {
        Some(name) => format!("state `{name}`"),
        None => format!("component {component}"),
    }
}

/// For a method that cannot handle stiffness (an explicit one): what to use
/// if that is the trouble.
fn if_stiff(method: Method) -> &'static str {
    if method.is_implicit() || method.is_switching() {
        ""
    } else {
        "; if the problem is stiff, use --solver auto"
    }
}

/// What to try when a method's state blows up. A fixed step that is too long
/// for the fastest time scale makes an explicit method unstable, which is
/// the usual cause (e.g. `rk4` on a stiff problem); extreme parameter values
/// are the other.
fn non_finite_hint(method: Method) -> &'static str {
    if !method.is_adaptive() {
        "the fixed step is too long for the problem's fastest time scale, so the method went unstable: use a shorter rk4_step or --solver auto (adaptive, and implicit while the problem is stiff), or check parameter overrides for extreme values"
    } else if method.is_implicit() || method.is_switching() {
        "tighten rtol/atol, or check parameter overrides for extreme values"
    } else {
        "tighten rtol/atol, use --solver auto if the problem is stiff, or check parameter overrides for extreme values"
    }
}

/// For `benches/overhead.rs`: `steps` steps of size `h` from `y0` with an
/// explicit method's own step code on hairsim's engine and nothing else (no
/// controller, rows or checks); `None` for the other methods. Not part of
/// the supported API.
#[doc(hidden)]
pub fn stages_only<R: Rhs<N>, const N: usize>(
    method: Method,
    rhs: &R,
    y0: &Vector<N>,
    h: f64,
    steps: usize,
) -> Option<Vector<N>> {
    let stages = match method {
        Method::Hairsim(own) => match own {
            OwnMethod::Rk4 => erk::stages_only::<rk4::Stages<N>, R, N>,
            OwnMethod::Dopri5 => erk::stages_only::<dopri5::Stages<N>, R, N>,
            OwnMethod::Tsit45 => erk::stages_only::<tsit45::Stages<N>, R, N>,
            OwnMethod::Dop853 => erk::stages_only::<dop853::Stages<N>, R, N>,
            OwnMethod::Rodas4 | OwnMethod::Auto => return None,
        },
        Method::OdeSolvers(_) | Method::Diffsol(_) => return None,
    };
    Some(stages(rhs, y0, h, steps))
}

/// Hairer's starting step (HINIT) for a method of order `order`, capped by
/// the advance's length: sizes the first step from estimates of `y'` and `y''`
/// (one extra evaluation of `f`). Shared by hairsim's own methods.
fn initial_step<const N: usize>(
    f: &mut impl FnMut(&Vector<N>) -> Vector<N>,
    y: &Vector<N>,
    f0: &Vector<N>,
    (rtol, atol): (f64, f64),
    h_max: f64,
    order: i32,
) -> f64 {
    let (mut d0, mut d1) = (0.0, 0.0);
    for i in 0..N {
        let sc = atol + y[i].abs() * rtol;
        d0 += (y[i] / sc).powi(2);
        d1 += (f0[i] / sc).powi(2);
    }
    let mut h0 = if d0 < 1e-10 || d1 < 1e-10 {
        1e-6
    } else {
        0.01 * (d0 / d1).sqrt()
    };
    h0 = h0.min(h_max);
    let f1 = f(&(y + f0 * h0));
    let mut d2 = 0.0;
    for i in 0..N {
        let sc = atol + y[i].abs() * rtol;
        d2 += ((f1[i] - f0[i]) / sc).powi(2);
    }
    let d2 = d2.sqrt() / h0;
    let h1 = if d1.sqrt().max(d2) <= 1e-15 {
        1e-6_f64.max(h0 * 1e-3)
    } else {
        (0.01 / d1.sqrt().max(d2)).powf(1.0 / f64::from(order))
    };
    (100.0 * h0).min(h1).min(h_max)
}

/// Stop a step loop that has used its step budget or whose step has shrunk
/// below the resolution of `t` (shared by hairsim's own methods).
fn check_step(
    steps: u64,
    budget: u64,
    h: f64,
    t: f64,
    settings: &SolverSettings,
) -> Result<(), SolveError> {
    let method = settings.method();
    if steps >= budget {
        return Err(SolveError::TooManySteps {
            method,
            t_days: t,
            max_steps: settings.max_steps(),
        });
    }
    if 0.1 * h.abs() <= f64::EPSILON * t.abs() {
        return Err(SolveError::StepSizeUnderflow { method, t_days: t });
    }
    Ok(())
}
