//! Patient profiles: `healthy`, three grades of male androgenetic alopecia
//! (AGA), a healthy woman's scalp and three of female pattern hair loss (FPHL).
//!
//! A profile is a set of parameter overrides on the healthy reference plus the
//! patient's current miniaturization (terminal fraction). Each arm starts from
//! the profile's computed steady state (see [`crate::steady_state`]).

use crate::params::{ParamError, Parameters};
use serde::Serialize;

/// A named patient profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Profile {
    /// Name as written in scenario files.
    pub name: &'static str,
    /// One line for `sim model` and the docs.
    pub description: &'static str,
    /// Parameter overrides on the healthy reference.
    pub overrides: &'static [(&'static str, f64)],
    /// Share of follicles still terminal at the start. `None`: the equilibrium
    /// of the profile itself (the healthy scalp is not progressing).
    pub terminal_fraction_start: Option<f64>,
}

/// All shipped profiles.
///
/// AGA grades differ in androgen sensitivity and micro-inflammation (the
/// biopsy-prevalence scale: ~0.4 in controls, ~0.7 in AGA, Whiting 1993) and
/// start part-way down the miniaturization path: their terminal:vellus ratio is
/// below 4:1 (Whiting 1993, secondary), so untreated they keep declining.
pub const PROFILES: &[Profile] = &[
    Profile {
        name: "healthy",
        description: "non-balding scalp: no androgen sensitivity, at equilibrium",
        overrides: &[],
        terminal_fraction_start: None,
    },
    Profile {
        name: "aga_mild",
        description: "mild androgenetic alopecia (sensitivity 0.5, T:V ≈ 3.5:1)",
        overrides: &[("dht_sensitivity", 0.5), ("inflammation_baseline", 0.6)],
        terminal_fraction_start: Some(0.78),
    },
    Profile {
        name: "aga_moderate",
        description: "moderate androgenetic alopecia (sensitivity 1.0, T:V ≈ 2.3:1)",
        overrides: &[("dht_sensitivity", 1.0), ("inflammation_baseline", 0.7)],
        terminal_fraction_start: Some(0.70),
    },
    Profile {
        name: "aga_severe",
        description: "severe androgenetic alopecia (sensitivity 1.6, T:V ≈ 1.2:1)",
        overrides: &[("dht_sensitivity", 1.6), ("inflammation_baseline", 0.8)],
        terminal_fraction_start: Some(0.55),
    },
    // Women: an oestrogen signal (a hypothesis: it lengthens anagen and falls
    // at menopause) and a weaker, less certain role of DHT (women's frontal
    // follicles: androgen receptor ≈ 40 % lower, 5α-reductase ≈ 3× lower,
    // aromatase 6× higher than men's, Sawaya & Price 1997). The pattern
    // (diffuse thinning, frontal hairline kept) is a matter of where on the
    // scalp, which this one-compartment scalp does not have. Kenogen is
    // longer in female AGA (1–5 months, in 16 % of follicles: Rebora &
    // Guarrera 2004, Dermatology, one woman followed 2 years), which
    // leaves minoxidil its room without DHT (Lucky 2004's gains).
    Profile {
        name: "healthy_female",
        description: "a healthy woman's scalp: oestrogen at its premenopausal level, no androgen sensitivity, at equilibrium",
        overrides: &[("oestrogen_baseline", 1.0)],
        terminal_fraction_start: None,
    },
    Profile {
        name: "fphl_mild",
        description: "mild female pattern hair loss (oestrogen 1, sensitivity 0.3, kenogen 60 d, T:V ≈ 4:1)",
        overrides: &[
            ("oestrogen_baseline", 1.0),
            ("dht_sensitivity", 0.3),
            ("inflammation_baseline", 0.55),
            ("kenogen_days", 60.0),
        ],
        terminal_fraction_start: Some(0.80),
    },
    Profile {
        name: "fphl_moderate",
        description: "moderate female pattern hair loss (oestrogen 1, sensitivity 0.5, kenogen 70 d, T:V ≈ 2.7:1)",
        overrides: &[
            ("oestrogen_baseline", 1.0),
            ("dht_sensitivity", 0.5),
            ("inflammation_baseline", 0.65),
            ("kenogen_days", 70.0),
        ],
        terminal_fraction_start: Some(0.73),
    },
    Profile {
        name: "fphl_postmenopausal",
        description: "female pattern hair loss after menopause (oestrogen 0.2, sensitivity 0.05, kenogen 70 d, T:V ≈ 1.9:1)",
        overrides: &[
            ("oestrogen_baseline", 0.2),
            ("dht_sensitivity", 0.05),
            ("inflammation_baseline", 0.8),
            ("kenogen_days", 70.0),
        ],
        terminal_fraction_start: Some(0.65),
    },
];

impl Profile {
    /// The profile of a scenario that names none.
    pub const DEFAULT_NAME: &'static str = "aga_moderate";

    /// The healthy reference with this profile's overrides applied.
    pub fn parameters(&self) -> Result<Parameters, ParamError> {
        let mut p = Parameters::default();
        for (name, value) in self.overrides {
            p.set(name, *value)?;
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::names::lookup;

    #[test]
    fn every_profile_builds_and_names_are_unique() {
        for (i, p) in PROFILES.iter().enumerate() {
            p.parameters().unwrap();
            assert!(PROFILES[i + 1..].iter().all(|q| q.name != p.name));
        }
        for name in [
            "healthy",
            "aga_mild",
            "aga_moderate",
            "aga_severe",
            "healthy_female",
            "fphl_mild",
            "fphl_moderate",
            "fphl_postmenopausal",
        ] {
            assert!(lookup::<Profile>(name).is_ok());
        }
    }

    #[test]
    fn the_default_profile_exists() {
        assert!(lookup::<Profile>(Profile::DEFAULT_NAME).is_ok());
    }

    #[test]
    fn severity_is_ordered() {
        let s: Vec<f64> = ["aga_mild", "aga_moderate", "aga_severe"]
            .iter()
            .map(|n| {
                lookup::<Profile>(n)
                    .unwrap()
                    .terminal_fraction_start
                    .unwrap()
            })
            .collect();
        assert!(s[0] > s[1] && s[1] > s[2]);
    }
}
