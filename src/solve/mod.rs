//! Integrating the model over one segment between two stop points, with the
//! method and tolerances of one settings struct, whichever crate provides the
//! method.
//!
//! Three backends sit behind [`advance_with_outputs`]: hairsim's own
//! allocation-free loops, the explicit Runge–Kutta engine (`erk`) with its
//! methods classic RK4 (`rk4`), Dormand–Prince (`dopri5`, the default),
//! Tsitouras (`tsit45`) and DOP853 (`dop853`), and the stiff Rosenbrock
//! method RODAS (`rodas4`; see `rosenbrock`); `ode_solvers` (its own `Rk4`,
//! `Dopri5` and `Dop853` as `ode_solvers_rk4`, `ode_solvers_dopri5`,
//! `ode_solvers_dop853`; see `ode_solvers_adapter`) and `diffsol` (`bdf`,
//! `tr_bdf2`, `esdirk34`, and its `tsit45` as `diffsol_tsit45`; see
//! `diffsol_adapter`). The crates use
//! different nalgebra versions, so each adapter keeps its crate's types to
//! itself; the right-hand side is [`HairModel::derivatives`], written once,
//! and the implicit methods get its Jacobian from [`HairModel::jacobian_times`].
//!
//! A segment never contains a dose event in its interior (the caller
//! guarantees it), so every method restarts cleanly at each event. Output
//! times inside a segment are read off the method's dense output (its
//! interpolant over the step that covers them) where the method has one
//! (hairsim's own methods and the diffsol ones); the `ode_solvers` methods instead stop
//! and restart at every output time, so their rows are exact step ends.

mod diffsol_adapter;
mod dop853;
mod dopri5;
mod erk;
mod ode_solvers_adapter;
mod rk4;
mod rosenbrock;
mod tsit45;

use crate::model::{HairModel, State, N_STATES, STATE_NAMES};
use serde::Serialize;
use std::fmt;

/// Integration method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Classic fixed-step Runge–Kutta of order 4, hairsim's own (the
    /// explicit engine), output rows from cubic Hermite interpolation.
    Rk4,
    /// Dormand–Prince 5(4), adaptive, hairsim's own (the explicit engine; the default).
    Dopri5,
    /// Dormand–Prince 8(5,3), adaptive, for tight tolerances, hairsim's own
    /// (the explicit engine; Hairer's DOP853 with its 7th-order dense output).
    Dop853,
    /// Variable-order BDF (orders 1–5), implicit, for stiff problems (`diffsol`).
    Bdf,
    /// TR-BDF2, an L-stable singly diagonally implicit Runge–Kutta of order 2 (`diffsol`).
    TrBdf2,
    /// ESDIRK3(4), an L-stable singly diagonally implicit Runge–Kutta of order 3 (`diffsol`).
    Esdirk34,
    /// Tsitouras 5(4), adaptive explicit Runge–Kutta, hairsim's own (the
    /// explicit engine).
    Tsit45,
    /// `ode_solvers`' own Dormand–Prince 5(4): the same method as `dopri5`,
    /// kept for comparison; it stops at every output time and allocates per segment.
    OdeSolversDopri5,
    /// RODAS 4(3), an L-stable, stiffly accurate Rosenbrock method for stiff
    /// problems: hairsim's own allocation-free loop, with a finite-difference
    /// Jacobian once per step.
    Rodas4,
    /// `ode_solvers`' own classic RK4: the same method as `rk4`, kept for
    /// comparison; it stops at every output time and allocates per segment.
    OdeSolversRk4,
    /// `ode_solvers`' own DOP853: the same method as `dop853`, kept for
    /// comparison (and as `sim bench`'s independent reference); it stops at
    /// every output time and allocates per segment.
    OdeSolversDop853,
    /// `diffsol`'s Tsitouras 5(4): the same method as `tsit45`, kept for comparison.
    DiffsolTsit45,
}

/// Which code integrates a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// hairsim's own allocation-free loops (`rk4`, `dopri5`, `tsit45`,
    /// `dop853` on the explicit engine; `rodas4`).
    Hairsim,
    /// `ode_solvers`.
    OdeSolvers,
    /// `diffsol`.
    Diffsol,
}

impl Method {
    /// Every method.
    pub const ALL: [Method; 12] = [
        Method::Rk4,
        Method::Dopri5,
        Method::Dop853,
        Method::Bdf,
        Method::TrBdf2,
        Method::Esdirk34,
        Method::Tsit45,
        Method::OdeSolversDopri5,
        Method::Rodas4,
        Method::OdeSolversRk4,
        Method::OdeSolversDop853,
        Method::DiffsolTsit45,
    ];

    /// Name as written in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Rk4 => "rk4",
            Method::Dopri5 => "dopri5",
            Method::Dop853 => "dop853",
            Method::Bdf => "bdf",
            Method::TrBdf2 => "tr_bdf2",
            Method::Esdirk34 => "esdirk34",
            Method::Tsit45 => "tsit45",
            Method::OdeSolversDopri5 => "ode_solvers_dopri5",
            Method::Rodas4 => "rodas4",
            Method::OdeSolversRk4 => "ode_solvers_rk4",
            Method::OdeSolversDop853 => "ode_solvers_dop853",
            Method::DiffsolTsit45 => "diffsol_tsit45",
        }
    }

    /// Parse a method name.
    pub fn from_name(s: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }

    /// The crate that integrates this method.
    pub fn backend(self) -> Backend {
        match self {
            Method::Rk4 | Method::Dopri5 | Method::Tsit45 | Method::Dop853 | Method::Rodas4 => {
                Backend::Hairsim
            }
            Method::OdeSolversDopri5 | Method::OdeSolversRk4 | Method::OdeSolversDop853 => {
                Backend::OdeSolvers
            }
            Method::Bdf | Method::TrBdf2 | Method::Esdirk34 | Method::DiffsolTsit45 => {
                Backend::Diffsol
            }
        }
    }

    /// Whether the method solves a linear system per step (needs a Jacobian).
    pub fn is_implicit(self) -> bool {
        matches!(
            self,
            Method::Bdf | Method::TrBdf2 | Method::Esdirk34 | Method::Rodas4
        )
    }

    /// Whether the method adapts its step to `rtol`/`atol` (all but `rk4`
    /// and `ode_solvers_rk4`, whose step is `rk4_step_days`).
    pub fn is_adaptive(self) -> bool {
        !matches!(self, Method::Rk4 | Method::OdeSolversRk4)
    }

    /// Whether output times inside a segment come from the method's dense
    /// output (else the integrator stops at each of them).
    pub fn has_dense_output(self) -> bool {
        self.backend() != Backend::OdeSolvers
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to solve. One struct for every method; fields a method does not use are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolverSettings {
    /// Method.
    pub method: Method,
    /// Relative tolerance (adaptive methods).
    pub rtol: f64,
    /// Absolute tolerance (adaptive methods).
    pub atol: f64,
    /// Most steps (accepted + rejected) one arm may take.
    pub max_steps: u32,
    /// Largest step of the fixed-step method, days (shrunk to fit each segment evenly).
    pub rk4_step_days: f64,
    /// Whether `dopri5`/`dop853` stop with [`SolveError::Stiff`] when their
    /// stiffness test fires (Hairer's test, every 1000 steps). On by default
    /// so `sim run` suggests an implicit method; `sim bench` turns it off so
    /// an explicit method's cost on a stiff problem is measured, not refused.
    #[serde(skip)]
    pub stiffness_detection: bool,
}

impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings {
            method: Method::Dopri5,
            rtol: 1e-6,
            atol: 1e-9,
            max_steps: 1_000_000,
            rk4_step_days: 0.5,
            stiffness_detection: true,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Work done by the solver for one arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SolveStats {
    /// Right-hand-side evaluations, including those spent on finite-difference
    /// Jacobian products by the implicit methods.
    pub rhs_evaluations: u64,
    /// Accepted steps.
    pub accepted_steps: u64,
    /// Rejected steps (error-test and Newton failures).
    pub rejected_steps: u64,
    /// Segments integrated (one per interval between stop points).
    pub segments: u64,
    /// Jacobian evaluations (implicit methods only; each costs one
    /// Jacobian-vector product per state).
    #[serde(skip_serializing_if = "is_zero")]
    pub jacobian_evaluations: u64,
}

/// Work summed: over the arms of a scenario, or the runs of a study.
impl std::ops::AddAssign for SolveStats {
    fn add_assign(&mut self, other: SolveStats) {
        self.rhs_evaluations += other.rhs_evaluations;
        self.accepted_steps += other.accepted_steps;
        self.rejected_steps += other.rejected_steps;
        self.segments += other.segments;
        self.jacobian_evaluations += other.jacobian_evaluations;
    }
}

impl SolveStats {
    /// Accepted plus rejected steps.
    pub fn steps(&self) -> u64 {
        self.accepted_steps + self.rejected_steps
    }
}

/// Why a segment could not be integrated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The arm used up its step budget.
    #[error("{method} needed more than {max_steps} steps (stopped at day {t_days:.3}); raise [solver] max_steps, loosen rtol, or, if the problem is stiff, try --solver bdf")]
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
        "{method}: step size underflow at day {t_days:.3}; loosen rtol/atol or try --solver dop853 (or --solver bdf if the problem is stiff)"
    )]
    StepSizeUnderflow {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
    },
    /// The explicit method detected stiffness.
    #[error("{method}: the problem became stiff at day {t_days:.3}; use an implicit method (--solver bdf, rodas4, tr_bdf2 or esdirk34) or loosen tolerances")]
    Stiff {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
    },
    /// A state became NaN or infinite.
    #[error("{method}: state `{state}` is not finite at day {t_days:.3}; {}", non_finite_hint(*method))]
    NonFinite {
        /// Method.
        method: Method,
        /// Simulated time, days.
        t_days: f64,
        /// Name of the first bad state.
        state: &'static str,
    },
    /// The backend reported another failure (e.g. Newton iterations that do not converge).
    #[error("{method}: the solver failed at day {t_days:.3}: {message}; loosen rtol/atol or try another method")]
    Backend {
        /// Method.
        method: Method,
        /// Simulated time, days (the segment start when unknown).
        t_days: f64,
        /// The backend's message.
        message: String,
    },
}

/// What to try when a method's state blows up. A fixed step that is too long
/// for the fastest time scale makes an explicit method unstable, which is
/// the usual cause (e.g. `rk4` on `stiff_pk.toml`, whose plasma kinetics take
/// hours); extreme parameter overrides are the other.
fn non_finite_hint(method: Method) -> &'static str {
    if !method.is_adaptive() {
        "the fixed step is too long for the model's fastest time scale, so the method went unstable (with [model] pk = \"explicit\" plasma kinetics take hours): use a shorter rk4_step, an implicit method if the model is stiff (--solver bdf) or an adaptive one (--solver dopri5), or check parameter overrides for extreme values"
    } else if method.is_implicit() {
        "tighten rtol/atol, or check parameter overrides for extreme values"
    } else {
        "tighten rtol/atol, use an implicit method if the problem is stiff (--solver bdf or rodas4), or check parameter overrides for extreme values"
    }
}

/// Integrate `y0` from `t0` to `t1` (no dose event strictly inside) and
/// return the state at `t1`. Adds the work to `stats`; the step budget is
/// shared by all segments of an arm.
pub fn advance(
    model: &HairModel,
    t0: f64,
    t1: f64,
    y0: State,
    settings: &SolverSettings,
    stats: &mut SolveStats,
) -> Result<State, SolveError> {
    let mut fresh = StepCarry::default();
    advance_with_outputs(
        model,
        t0,
        t1,
        y0,
        settings,
        stats,
        &mut fresh,
        &[],
        &mut |_, _| {},
    )
}

/// [`advance`], also calling `emit(t, y)` at each time of `outputs` (sorted,
/// strictly between `t0` and `t1`), in order.
///
/// `carry` takes `dopri5`'s step size and controller memory from one segment
/// of an arm to the next (see [`StepCarry`]).
#[allow(clippy::too_many_arguments)]
pub fn advance_with_outputs(
    model: &HairModel,
    t0: f64,
    t1: f64,
    y0: State,
    settings: &SolverSettings,
    stats: &mut SolveStats,
    carry: &mut StepCarry,
    outputs: &[f64],
    emit: &mut dyn FnMut(f64, &State),
) -> Result<State, SolveError> {
    if t1 - t0 <= 0.0 {
        return Ok(y0);
    }
    let method = settings.method;
    let budget = |stats: &SolveStats| {
        let left = u64::from(settings.max_steps).saturating_sub(stats.steps());
        if left == 0 {
            Err(SolveError::TooManySteps {
                method,
                t_days: t0,
                max_steps: settings.max_steps,
            })
        } else {
            Ok(left)
        }
    };
    let carried = carry.next.take();
    let segment = |t0, t1, y0, budget| Segment {
        model,
        t0,
        t1,
        y0,
        settings,
        budget,
    };
    let y = match method.backend() {
        Backend::Hairsim => {
            let seg = segment(t0, t1, y0, budget(stats)?);
            match method {
                Method::Rodas4 => rosenbrock::integrate(seg, stats, outputs, emit)?,
                Method::Rk4 => {
                    let (y, _) = erk::integrate::<rk4::Stages>(seg, None, stats, outputs, emit)?;
                    y
                }
                _ => {
                    let (y, next) = match method {
                        Method::Tsit45 => {
                            erk::integrate::<tsit45::Stages>(seg, carried, stats, outputs, emit)?
                        }
                        Method::Dop853 => {
                            erk::integrate::<dop853::Stages>(seg, carried, stats, outputs, emit)?
                        }
                        _ => erk::integrate::<dopri5::Stages>(seg, carried, stats, outputs, emit)?,
                    };
                    carry.next = next;
                    y
                }
            }
        }
        Backend::Diffsol => {
            let seg = segment(t0, t1, y0, budget(stats)?);
            diffsol_adapter::advance(seg, stats, outputs, emit)?
        }
        Backend::OdeSolvers => {
            // No usable dense output: stop and restart at every output time.
            let mut y = y0;
            let mut t = t0;
            for &to in outputs.iter().chain(std::iter::once(&t1)) {
                let seg = segment(t, to, y, budget(stats)?);
                y = ode_solvers_adapter::advance(seg, stats)?;
                stats.segments += 1;
                check_finite(method, to, &y)?;
                if to < t1 {
                    emit(to, &y);
                }
                t = to;
            }
            return Ok(y);
        }
    };
    stats.segments += 1;
    check_finite(method, t1, &y)?;
    Ok(y)
}

/// What `dopri5` carries from one segment of an arm to the next, so that the
/// restart after a dose goes on with the step size and step-size controller
/// memory it had reached instead of estimating a first step again. Start each
/// arm from `StepCarry::default()` (Hairer's starting step) and pass the same
/// value to each of its segments; the other methods ignore it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepCarry {
    next: Option<Carried>,
}

/// The step the error controller proposed for going on past the last stop,
/// and the controller's memory: ln of the last accepted error norm, floored as
/// Hairer's FACOLD.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Carried {
    h: f64,
    ln_fac_old: f64,
}

/// One segment handed to a backend: the model with its inputs, the span, the
/// start state, the settings, and the steps left in the arm's budget (≥ 1).
#[derive(Clone, Copy)]
struct Segment<'a> {
    model: &'a HairModel,
    t0: f64,
    t1: f64,
    y0: State,
    settings: &'a SolverSettings,
    budget: u64,
}

/// For `benches/overhead.rs`: `steps` steps of size `h` from `y0` with an
/// explicit method's own step code on hairsim's engine and nothing else (no
/// controller, rows or checks), in the default model; `None` for the other
/// methods. Not part of the supported API.
#[doc(hidden)]
pub fn stages_only(
    method: Method,
    model: &HairModel,
    y0: &State,
    h: f64,
    steps: usize,
) -> Option<State> {
    Some(match method {
        Method::Rk4 => erk::stages_only::<rk4::Stages>(model, y0, h, steps),
        Method::Dopri5 => erk::stages_only::<dopri5::Stages>(model, y0, h, steps),
        Method::Tsit45 => erk::stages_only::<tsit45::Stages>(model, y0, h, steps),
        Method::Dop853 => erk::stages_only::<dop853::Stages>(model, y0, h, steps),
        _ => return None,
    })
}

fn check_finite(method: Method, t_days: f64, y: &State) -> Result<(), SolveError> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(SolveError::NonFinite {
            method,
            t_days,
            state: STATE_NAMES[i].0,
        }),
        None => Ok(()),
    }
}

/// Hairer's starting step (HINIT) for a method of order `order`, capped by
/// the segment length: sizes the first step from estimates of `y'` and `y''`
/// (one extra evaluation of `f`). Shared by hairsim's own methods.
fn initial_step(
    f: &mut impl FnMut(&State) -> State,
    y: &State,
    f0: &State,
    (rtol, atol): (f64, f64),
    h_max: f64,
    order: i32,
) -> f64 {
    let (mut d0, mut d1) = (0.0, 0.0);
    for i in 0..N_STATES {
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
    for i in 0..N_STATES {
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
    let method = settings.method;
    if steps >= budget {
        return Err(SolveError::TooManySteps {
            method,
            t_days: t,
            max_steps: settings.max_steps,
        });
    }
    if 0.1 * h.abs() <= f64::EPSILON * t.abs() {
        return Err(SolveError::StepSizeUnderflow { method, t_days: t });
    }
    Ok(())
}

/// What the explicit methods' unit tests integrate.
#[cfg(test)]
pub(crate) mod test_model {
    use crate::model::{HairModel, State};
    use crate::profile::PROFILES;
    use crate::steady_state::steady_state;

    /// The `aga_moderate` profile at its untreated steady state, put on
    /// finasteride 1 mg/day and minoxidil 5 % (as `tests/alloc.rs`): a
    /// transient over months, with the effect-compartment model (states
    /// 12–15 stay 0).
    pub(crate) fn treated_model() -> (HairModel, State) {
        let profile = PROFILES
            .iter()
            .find(|p| p.name == "aga_moderate")
            .expect("profile exists");
        let params = profile.parameters().expect("valid profile");
        let mut model = HairModel::untreated(params);
        model.inputs.finasteride_mg_per_day = 1.0;
        model.inputs.minoxidil_percent = 5.0;
        (
            model,
            steady_state(&params, profile.terminal_fraction_start),
        )
    }
}
