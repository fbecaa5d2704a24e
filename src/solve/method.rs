//! Which method integrates: an [`Algorithm`] (the mathematics) and the
//! [`Provider`] whose code runs it, named together as a [`Method`].
//!
//! Several algorithms exist twice: hairsim's own allocation-free loops and a
//! crate's version kept as a reference (`dopri5` and `ode_solvers_dopri5`,
//! `tsit45` and `diffsol_tsit45`). A `Method` is one provider's variant with
//! that provider's own list of algorithms inside, so each provider's code
//! matches only on what it provides, with no catch-all arm: adding a method is
//! a compile error until its name, algorithm and integration are written.
//!
//! `auto` (the default) is hairsim's own too: one algorithm made of two,
//! `dopri5` while the problem is not stiff and `rodas4` while it is (see
//! `auto`).

use serde::Serialize;
use std::fmt;

/// A numerical method, whoever's code runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Classic fixed-step Runge–Kutta of order 4.
    Rk4,
    /// Dormand–Prince 5(4), adaptive.
    Dopri5,
    /// Dormand–Prince 8(5,3), adaptive, for tight tolerances.
    Dop853,
    /// Tsitouras 5(4), adaptive.
    Tsit45,
    /// RODAS 4(3), an L-stable, stiffly accurate Rosenbrock method.
    Rodas4,
    /// Variable-order BDF (orders 1–5), implicit.
    Bdf,
    /// Dormand–Prince 5(4) while the problem is not stiff, RODAS 4(3) while
    /// it is, switched on stiffness detection.
    Auto,
    /// TR-BDF2, an L-stable singly diagonally implicit Runge–Kutta of order 2.
    TrBdf2,
    /// ESDIRK3(4), an L-stable singly diagonally implicit Runge–Kutta of order 3.
    Esdirk34,
}

impl Algorithm {
    /// Whether every step solves a linear system (needs a Jacobian). Not
    /// `auto`'s: only its steps while the problem is stiff do
    /// ([`is_switching`](Self::is_switching)).
    pub fn is_implicit(self) -> bool {
        match self {
            Algorithm::Rk4
            | Algorithm::Dopri5
            | Algorithm::Dop853
            | Algorithm::Tsit45
            | Algorithm::Auto => false,
            Algorithm::Rodas4 | Algorithm::Bdf | Algorithm::TrBdf2 | Algorithm::Esdirk34 => true,
        }
    }

    /// Whether it switches between an explicit and an implicit method as the
    /// problem turns stiff and back (`auto`).
    pub fn is_switching(self) -> bool {
        match self {
            Algorithm::Auto => true,
            Algorithm::Rk4
            | Algorithm::Dopri5
            | Algorithm::Dop853
            | Algorithm::Tsit45
            | Algorithm::Rodas4
            | Algorithm::Bdf
            | Algorithm::TrBdf2
            | Algorithm::Esdirk34 => false,
        }
    }

    /// Whether the step adapts to `rtol`/`atol` (all but `rk4`, whose step
    /// is [`SolverSettings::rk4_step_days`](super::SolverSettings::rk4_step_days)).
    pub fn is_adaptive(self) -> bool {
        match self {
            Algorithm::Rk4 => false,
            Algorithm::Dopri5
            | Algorithm::Dop853
            | Algorithm::Tsit45
            | Algorithm::Rodas4
            | Algorithm::Bdf
            | Algorithm::TrBdf2
            | Algorithm::Esdirk34
            | Algorithm::Auto => true,
        }
    }
}

/// Whose code integrates a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// hairsim's own allocation-free loops (the explicit engine `erk` and `rosenbrock`).
    Hairsim,
    /// The `ode_solvers` crate.
    OdeSolvers,
    /// The `diffsol` crate.
    Diffsol,
}

/// The algorithms hairsim's own code provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnMethod {
    /// Classic RK4 on the explicit engine, rows from cubic Hermite interpolation.
    Rk4,
    /// Dormand–Prince 5(4) on the explicit engine.
    Dopri5,
    /// Hairer's DOP853 on the explicit engine, with its 7th-order dense output.
    Dop853,
    /// Tsitouras 5(4) on the explicit engine.
    Tsit45,
    /// RODAS 4(3), with a finite-difference Jacobian once per step.
    Rodas4,
    /// `dopri5` and `rodas4`, switched on stiffness (the default).
    Auto,
}

/// The algorithms taken from `ode_solvers`: references that stop at every
/// output time and allocate per segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OdeSolversMethod {
    /// `ode_solvers::Rk4`.
    Rk4,
    /// `ode_solvers::Dopri5`.
    Dopri5,
    /// `ode_solvers::Dop853` (also `sim bench`'s independent reference).
    Dop853,
}

/// The algorithms taken from `diffsol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiffsolMethod {
    /// Variable-order BDF.
    Bdf,
    /// TR-BDF2.
    TrBdf2,
    /// ESDIRK3(4).
    Esdirk34,
    /// diffsol's Tsitouras 5(4), a reference for hairsim's `tsit45`.
    Tsit45,
}

/// A method as named in scenario files and on the command line: a provider
/// and one of its algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// hairsim's own code.
    Hairsim(OwnMethod),
    /// `ode_solvers`' code.
    OdeSolvers(OdeSolversMethod),
    /// `diffsol`'s code.
    Diffsol(DiffsolMethod),
}

impl Method {
    /// `rk4`.
    pub const RK4: Method = Method::Hairsim(OwnMethod::Rk4);
    /// `dopri5`.
    pub const DOPRI5: Method = Method::Hairsim(OwnMethod::Dopri5);
    /// `dop853`.
    pub const DOP853: Method = Method::Hairsim(OwnMethod::Dop853);
    /// `tsit45`.
    pub const TSIT45: Method = Method::Hairsim(OwnMethod::Tsit45);
    /// `rodas4`.
    pub const RODAS4: Method = Method::Hairsim(OwnMethod::Rodas4);
    /// `auto` (the default): `dopri5` and `rodas4`, switched on stiffness.
    pub const AUTO: Method = Method::Hairsim(OwnMethod::Auto);
    /// `ode_solvers_rk4`.
    pub const ODE_SOLVERS_RK4: Method = Method::OdeSolvers(OdeSolversMethod::Rk4);
    /// `ode_solvers_dopri5`.
    pub const ODE_SOLVERS_DOPRI5: Method = Method::OdeSolvers(OdeSolversMethod::Dopri5);
    /// `ode_solvers_dop853`.
    pub const ODE_SOLVERS_DOP853: Method = Method::OdeSolvers(OdeSolversMethod::Dop853);
    /// `bdf`.
    pub const BDF: Method = Method::Diffsol(DiffsolMethod::Bdf);
    /// `tr_bdf2`.
    pub const TR_BDF2: Method = Method::Diffsol(DiffsolMethod::TrBdf2);
    /// `esdirk34`.
    pub const ESDIRK34: Method = Method::Diffsol(DiffsolMethod::Esdirk34);
    /// `diffsol_tsit45`.
    pub const DIFFSOL_TSIT45: Method = Method::Diffsol(DiffsolMethod::Tsit45);

    /// Every method, in the order `sim bench` reports them.
    pub const ALL: [Method; 13] = [
        Method::AUTO,
        Method::RK4,
        Method::DOPRI5,
        Method::DOP853,
        Method::BDF,
        Method::TR_BDF2,
        Method::ESDIRK34,
        Method::TSIT45,
        Method::ODE_SOLVERS_DOPRI5,
        Method::RODAS4,
        Method::ODE_SOLVERS_RK4,
        Method::ODE_SOLVERS_DOP853,
        Method::DIFFSOL_TSIT45,
    ];

    /// Name as written in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        self.describe().0
    }

    /// Parse a method name.
    pub fn from_name(s: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.name() == s)
    }

    /// The numerical method.
    pub fn algorithm(self) -> Algorithm {
        self.describe().1
    }

    /// Name and algorithm of each method, in one place.
    fn describe(self) -> (&'static str, Algorithm) {
        match self {
            Method::Hairsim(m) => match m {
                OwnMethod::Rk4 => ("rk4", Algorithm::Rk4),
                OwnMethod::Dopri5 => ("dopri5", Algorithm::Dopri5),
                OwnMethod::Dop853 => ("dop853", Algorithm::Dop853),
                OwnMethod::Tsit45 => ("tsit45", Algorithm::Tsit45),
                OwnMethod::Rodas4 => ("rodas4", Algorithm::Rodas4),
                OwnMethod::Auto => ("auto", Algorithm::Auto),
            },
            Method::OdeSolvers(m) => match m {
                OdeSolversMethod::Rk4 => ("ode_solvers_rk4", Algorithm::Rk4),
                OdeSolversMethod::Dopri5 => ("ode_solvers_dopri5", Algorithm::Dopri5),
                OdeSolversMethod::Dop853 => ("ode_solvers_dop853", Algorithm::Dop853),
            },
            Method::Diffsol(m) => match m {
                DiffsolMethod::Bdf => ("bdf", Algorithm::Bdf),
                DiffsolMethod::TrBdf2 => ("tr_bdf2", Algorithm::TrBdf2),
                DiffsolMethod::Esdirk34 => ("esdirk34", Algorithm::Esdirk34),
                DiffsolMethod::Tsit45 => ("diffsol_tsit45", Algorithm::Tsit45),
            },
        }
    }

    /// Whose code integrates it.
    pub fn provider(self) -> Provider {
        match self {
            Method::Hairsim(_) => Provider::Hairsim,
            Method::OdeSolvers(_) => Provider::OdeSolvers,
            Method::Diffsol(_) => Provider::Diffsol,
        }
    }

    /// Whether every step solves a linear system (needs a Jacobian).
    pub fn is_implicit(self) -> bool {
        self.algorithm().is_implicit()
    }

    /// Whether it switches between an explicit and an implicit method (`auto`).
    pub fn is_switching(self) -> bool {
        self.algorithm().is_switching()
    }

    /// Whether the step adapts to `rtol`/`atol` (all but `rk4` and `ode_solvers_rk4`).
    pub fn is_adaptive(self) -> bool {
        self.algorithm().is_adaptive()
    }

    /// Whether output times inside an advance come from the method's dense
    /// output (else the integrator stops at each of them: the `ode_solvers`
    /// methods, whose dense output can only emit an evenly spaced grid).
    pub fn has_dense_output(self) -> bool {
        match self.provider() {
            Provider::Hairsim | Provider::Diffsol => true,
            Provider::OdeSolvers => false,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Serialized as its name, as written in scenario files.
impl Serialize for Method {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        for m in Method::ALL {
            assert_eq!(Method::from_name(m.name()), Some(m));
            let same = Method::ALL.iter().filter(|o| o.name() == m.name()).count();
            assert_eq!(same, 1, "{m}");
        }
        assert_eq!(Method::from_name("dopri"), None);
    }

    #[test]
    fn the_crates_versions_name_their_provider_and_share_the_algorithm() {
        for (own, reference) in [
            (Method::RK4, Method::ODE_SOLVERS_RK4),
            (Method::DOPRI5, Method::ODE_SOLVERS_DOPRI5),
            (Method::DOP853, Method::ODE_SOLVERS_DOP853),
            (Method::TSIT45, Method::DIFFSOL_TSIT45),
        ] {
            assert_eq!(own.algorithm(), reference.algorithm());
            assert_eq!(own.provider(), Provider::Hairsim);
            assert_ne!(reference.provider(), Provider::Hairsim);
        }
        assert!(Method::BDF.is_implicit() && !Method::DOPRI5.is_implicit());
        assert!(!Method::ODE_SOLVERS_RK4.is_adaptive() && Method::RODAS4.is_adaptive());
        assert!(Method::AUTO.is_switching() && !Method::AUTO.is_implicit());
        assert_eq!(Method::from_name("auto"), Some(Method::AUTO));
    }

    #[test]
    fn serialized_as_the_name() {
        let json = serde_json::to_string(&Method::DIFFSOL_TSIT45).expect("serializes");
        assert_eq!(json, "\"diffsol_tsit45\"");
    }
}
