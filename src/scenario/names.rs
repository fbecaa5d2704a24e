//! Closed sets of names, as written in scenario files and on the command line:
//! profiles, `[model] pk`, solver methods, charts, treatment kinds, custom
//! targets and deliveries, cohort distributions, output formats. One lookup,
//! with "did you mean", serves all of them, so a new value is found, listed and
//! suggested everywhere as soon as it is in its type's list.
//!
//! Types owned elsewhere (`Method`, `Pk`, `ChartKind`) get their impls here, so
//! that the solve core, the model and the charts do not depend on scenario files.

use super::error::did_you_mean;
use crate::charts::ChartKind;
use crate::model::Pk;
use crate::solve::Method;

/// A value that is written by its name.
pub trait Named: Sized + 'static {
    /// What one value is called in messages, e.g. "solver method".
    const WHAT: &'static str;

    /// Every value that can be looked up by its name alone, in the order
    /// messages list them.
    fn all() -> &'static [Self];

    /// The name as written.
    fn name(&self) -> &'static str;

    /// Every valid name, in the order messages list them.
    fn names() -> Vec<&'static str> {
        Self::all().iter().map(Self::name).collect()
    }
}

/// A name that is not in its set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{word}`")]
pub struct UnknownName {
    /// What was looked up, e.g. "solver method".
    pub what: &'static str,
    /// The name as written.
    pub word: String,
    /// "did you mean `x`? valid: …".
    pub help: String,
}

/// The value called `word`, or an error naming the closest valid name.
pub fn lookup<T: Named>(word: &str) -> Result<&'static T, UnknownName> {
    T::all()
        .iter()
        .find(|v| v.name() == word)
        .ok_or_else(|| UnknownName {
            what: T::WHAT,
            word: word.to_string(),
            help: did_you_mean(word, &T::names()),
        })
}

impl Named for Method {
    const WHAT: &'static str = "solver method";
    fn all() -> &'static [Self] {
        &Method::ALL
    }
    fn name(&self) -> &'static str {
        Method::name(*self)
    }
}

impl Named for Pk {
    const WHAT: &'static str = "pk model";
    fn all() -> &'static [Self] {
        &Pk::ALL
    }
    fn name(&self) -> &'static str {
        Pk::name(*self)
    }
}

impl Named for ChartKind {
    const WHAT: &'static str = "chart";
    fn all() -> &'static [Self] {
        &ChartKind::ALL
    }
    fn name(&self) -> &'static str {
        ChartKind::name(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;
    use crate::population::DistributionKind;
    use crate::profile::Profile;
    use crate::treatment::{Delivery, Target, TreatmentKind};

    /// Every value is found by its own name, and names are unique.
    fn round_trips<T: Named + PartialEq + std::fmt::Debug>() {
        let names = T::names();
        for v in T::all() {
            assert_eq!(lookup::<T>(v.name()), Ok(v), "{}", T::WHAT);
            assert_eq!(names.iter().filter(|n| **n == v.name()).count(), 1);
        }
    }

    #[test]
    fn every_set_round_trips() {
        round_trips::<Method>();
        round_trips::<Pk>();
        round_trips::<ChartKind>();
        round_trips::<Profile>();
        round_trips::<TreatmentKind>();
        round_trips::<Target>();
        round_trips::<Delivery>();
        round_trips::<DistributionKind>();
        round_trips::<Format>();
    }

    #[test]
    fn an_unknown_name_says_what_it_is_and_suggests() {
        let e = lookup::<Method>("dopri").unwrap_err();
        assert_eq!(e.to_string(), "unknown solver method `dopri`");
        assert!(e.help.starts_with("did you mean `dopri5`? valid: `rk4`"));
    }

    #[test]
    fn a_far_name_gets_only_the_list() {
        let e = lookup::<Delivery>("zzzzzzzz").unwrap_err();
        assert_eq!(e.help, "valid: `continuous`, `sessions`");
    }

    /// `custom` is a treatment kind by name, but needs its keys to be a value.
    #[test]
    fn custom_is_listed_but_not_looked_up() {
        assert!(TreatmentKind::names().contains(&"custom"));
        assert!(lookup::<TreatmentKind>("custom").is_err());
    }
}
