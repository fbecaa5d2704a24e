//! How to solve: one settings struct for every method, valid by construction.
//!
//! Every value is set through a method that checks it and names the bad
//! value in its error (`rtol must be between 0 and 1 (exclusive), got 2`),
//! so an [`Integrator`](super::Integrator) never sees a tolerance of zero or
//! a step budget of none. Scenario files and the command line both build
//! their settings here; the messages read well after a flag name
//! (`--rtol must be …`) or a file location.

use super::Method;
use serde::Serialize;

/// How to solve. Fields a method does not use are ignored (the tolerances by
/// `rk4`, the fixed step by the adaptive methods).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SolverSettings {
    method: Method,
    rtol: f64,
    atol: f64,
    max_steps: u32,
    rk4_step_days: f64,
    #[serde(skip)]
    stiffness_detection: bool,
}

/// A solver setting out of its range.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// `rtol` must lie in (0, 1).
    #[error("rtol must be between 0 and 1 (exclusive), got {0}")]
    Rtol(f64),
    /// `atol` must be finite and positive.
    #[error("atol must be a finite number > 0, got {0}")]
    Atol(f64),
    /// `max_steps` must allow at least one step.
    #[error("max_steps must be at least 1, got 0")]
    MaxSteps,
    /// The fixed step must be finite and positive.
    #[error("rk4_step must be a finite number of days > 0, got {0}")]
    Rk4Step(f64),
}

/// `auto` (which never stops on stiffness: it switches) with the defaults of
/// [`SolverSettings::new`].
impl Default for SolverSettings {
    fn default() -> Self {
        SolverSettings::new(Method::AUTO)
    }
}

impl SolverSettings {
    /// `method` with the default tolerances (rtol 1e-6, atol 1e-9), a budget
    /// of 1,000,000 steps per integrator, a fixed step of 0.5 days and
    /// stiffness detection on.
    pub fn new(method: Method) -> Self {
        SolverSettings {
            method,
            rtol: 1e-6,
            atol: 1e-9,
            max_steps: 1_000_000,
            rk4_step_days: 0.5,
            stiffness_detection: true,
        }
    }

    /// The same settings with another method.
    pub fn with_method(self, method: Method) -> Self {
        SolverSettings { method, ..self }
    }

    /// The relative tolerance, in (0, 1).
    pub fn with_rtol(self, rtol: f64) -> Result<Self, SettingsError> {
        if rtol.is_finite() && rtol > 0.0 && rtol < 1.0 {
            Ok(SolverSettings { rtol, ..self })
        } else {
            Err(SettingsError::Rtol(rtol))
        }
    }

    /// The absolute tolerance, finite and > 0.
    pub fn with_atol(self, atol: f64) -> Result<Self, SettingsError> {
        if atol.is_finite() && atol > 0.0 {
            Ok(SolverSettings { atol, ..self })
        } else {
            Err(SettingsError::Atol(atol))
        }
    }

    /// The most steps (accepted + rejected) one integrator may take, ≥ 1.
    pub fn with_max_steps(self, max_steps: u32) -> Result<Self, SettingsError> {
        if max_steps >= 1 {
            Ok(SolverSettings { max_steps, ..self })
        } else {
            Err(SettingsError::MaxSteps)
        }
    }

    /// The longest step of the fixed-step methods, days, finite and > 0
    /// (shrunk so that each advance is split evenly).
    pub fn with_rk4_step_days(self, days: f64) -> Result<Self, SettingsError> {
        if days.is_finite() && days > 0.0 {
            Ok(SolverSettings {
                rk4_step_days: days,
                ..self
            })
        } else {
            Err(SettingsError::Rk4Step(days))
        }
    }

    /// Whether `dopri5`/`dop853` and their `ode_solvers` versions, when
    /// chosen explicitly, stop with
    /// [`SolveError::Stiff`](super::SolveError::Stiff) when Hairer's
    /// stiffness test fires (every 1000 steps). On by default so that `sim
    /// run` suggests `auto` or an implicit method; `sim bench` turns it off so
    /// that an explicit method's cost on a stiff problem is measured, not
    /// refused. `auto` ignores it: its test switches methods, never stops.
    pub fn with_stiffness_detection(self, on: bool) -> Self {
        SolverSettings {
            stiffness_detection: on,
            ..self
        }
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Relative tolerance.
    pub fn rtol(&self) -> f64 {
        self.rtol
    }

    /// Absolute tolerance.
    pub fn atol(&self) -> f64 {
        self.atol
    }

    /// Most steps (accepted + rejected) one integrator may take.
    pub fn max_steps(&self) -> u32 {
        self.max_steps
    }

    /// Longest step of the fixed-step methods, days.
    pub fn rk4_step_days(&self) -> f64 {
        self.rk4_step_days
    }

    /// Whether the explicit methods stop when Hairer's stiffness test fires.
    pub fn stiffness_detection(&self) -> bool {
        self.stiffness_detection
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_value_is_refused_and_named() {
        let s = SolverSettings::default();
        for bad in [0.0, 1.0, 2.0, -1e-6, f64::NAN, f64::INFINITY] {
            let e = s.with_rtol(bad).unwrap_err();
            assert!(matches!(e, SettingsError::Rtol(v) if v.to_bits() == bad.to_bits()));
            assert!(e.to_string().starts_with("rtol must be between 0 and 1"));
        }
        assert_eq!(
            s.with_rtol(2.0).unwrap_err().to_string(),
            "rtol must be between 0 and 1 (exclusive), got 2"
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = s.with_atol(bad).unwrap_err().to_string();
            assert!(
                e.starts_with("atol must be a finite number > 0, got"),
                "{e}"
            );
        }
        assert_eq!(s.with_max_steps(0), Err(SettingsError::MaxSteps));
        for bad in [0.0, -0.5, f64::NAN, f64::INFINITY] {
            let e = s.with_rk4_step_days(bad).unwrap_err().to_string();
            assert!(e.starts_with("rk4_step must be"), "{e}");
        }
    }

    #[test]
    fn good_values_are_kept_and_the_rest_left_alone() {
        let s = SolverSettings::new(Method::DOP853)
            .with_rtol(1e-10)
            .and_then(|s| s.with_atol(1e-14))
            .and_then(|s| s.with_max_steps(7))
            .and_then(|s| s.with_rk4_step_days(0.25))
            .expect("valid")
            .with_stiffness_detection(false);
        assert_eq!(s.method(), Method::DOP853);
        assert!((s.rtol() - 1e-10).abs() < 1e-25 && (s.atol() - 1e-14).abs() < 1e-29);
        assert_eq!(s.max_steps(), 7);
        assert!((s.rk4_step_days() - 0.25).abs() < 1e-15);
        assert!(!s.stiffness_detection());
        assert_eq!(s.with_method(Method::BDF).max_steps(), 7);
    }

    #[test]
    fn serialized_as_summary_json_shows_it() {
        let json = serde_json::to_string(&SolverSettings::default()).expect("serializes");
        assert_eq!(
            json,
            r#"{"method":"auto","rtol":1e-6,"atol":1e-9,"max_steps":1000000,"rk4_step_days":0.5}"#
        );
    }
}
