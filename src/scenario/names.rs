//! Closed sets of names, as written in scenario files and on the command line:
//! profiles, `[model] pk`, solver methods, charts, treatment kinds, custom
//! targets and deliveries, shedding events, cohort distributions, output
//! formats, languages. One lookup,
//! with "did you mean", serves all of them, so a new value is found, listed and
//! suggested everywhere as soon as it is in its type's list.
//!
//! Every set's impl is here, in one table, so that the types (the solve core's
//! `Method`, the model's `Pk`, the charts' `ChartKind`, …) need not know about
//! scenario files.

use super::error::did_you_mean;
use crate::charts::ChartKind;
use crate::event::ShedEvent;
use crate::i18n::Lang;
use crate::model::Pk;
use crate::output::Format;
use crate::population::DistributionKind;
use crate::profile::{Profile, PROFILES};
use crate::solve::Method;
use crate::treatment::{Delivery, Target, TreatmentKind};

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

/// [`Named`] for types with an inherent `ALL` array and `name(self)`.
macro_rules! named_by_all {
    ($($type:ty => $what:literal),* $(,)?) => {$(
        impl Named for $type {
            const WHAT: &'static str = $what;
            fn all() -> &'static [Self] {
                &<$type>::ALL
            }
            fn name(&self) -> &'static str {
                <$type>::name(*self)
            }
        }
    )*};
}

named_by_all!(
    Method => "solver method",
    Pk => "pk model",
    ChartKind => "chart",
    Target => "target",
    Delivery => "delivery",
    DistributionKind => "distribution",
    Format => "format",
    Lang => "language",
    ShedEvent => "event kind",
);

impl Named for Profile {
    const WHAT: &'static str = "profile";
    fn all() -> &'static [Self] {
        PROFILES
    }
    fn name(&self) -> &'static str {
        self.name
    }
}

/// Looked up by name: the built-in kinds; `custom` is listed as a valid name
/// but is made from its extra keys, not from its name.
impl Named for TreatmentKind {
    const WHAT: &'static str = "treatment kind";
    fn all() -> &'static [Self] {
        &TreatmentKind::BUILT_IN
    }
    fn name(&self) -> &'static str {
        TreatmentKind::name(self)
    }
    fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = Self::BUILT_IN.iter().map(Self::name).collect();
        names.push(Self::CUSTOM);
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        round_trips::<ShedEvent>();
    }

    #[test]
    fn an_unknown_name_says_what_it_is_and_suggests() {
        let e = lookup::<Method>("dopri").unwrap_err();
        assert_eq!(e.to_string(), "unknown solver method `dopri`");
        assert!(e
            .help
            .starts_with("did you mean `dopri5`? valid: `auto`, `rk4`"));
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
