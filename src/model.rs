//! The hair-cycle ODE: states, the piecewise-constant treatment inputs, and the
//! right-hand side. Nothing else: no dosing logic, no I/O.
//!
//! Follicles move around the cycle anagen → catagen → telogen → kenogen → anagen.
//! Each transition is first order with an *effective* mean duration that the
//! signals stretch or shrink through bounded, monotone (Emax / Hill) factors.
//! A slow state, the terminal fraction, falls as DHT miniaturizes follicles
//! cycle by cycle and is restored slowly by growth signals. Equations are
//! written out in docs/MODEL.md.

use crate::params::Parameters;
use crate::trajectory::Observables;
use ode_solvers::SVector;

/// Number of state variables.
pub const N_STATES: usize = 16;

/// The state vector (stack allocated).
pub type State = SVector<f64, N_STATES>;

/// Named indices into [`State`].
pub mod ix {
    /// Fraction of follicles in anagen.
    pub const ANAGEN: usize = 0;
    /// Fraction of follicles in catagen.
    pub const CATAGEN: usize = 1;
    /// Fraction of follicles in telogen.
    pub const TELOGEN: usize = 2;
    /// Fraction of follicles in kenogen.
    pub const KENOGEN: usize = 3;
    /// Fraction of follicles that are terminal (not miniaturized).
    pub const TERMINAL: usize = 4;
    /// Scalp DHT relative to untreated.
    pub const DHT: usize = 5;
    /// Micro-inflammation index.
    pub const INFLAMMATION: usize = 6;
    /// Growth-factor signal.
    pub const GROWTH_FACTOR: usize = 7;
    /// Stimulation / hypoxia signal.
    pub const STIMULATION: usize = 8;
    /// Finasteride effect-compartment exposure, mg/day equivalent.
    pub const FINASTERIDE: usize = 9;
    /// Dutasteride effect-compartment exposure, mg/day equivalent.
    pub const DUTASTERIDE: usize = 10;
    /// Minoxidil effect-compartment exposure, topical-% equivalent.
    pub const MINOXIDIL: usize = 11;
    /// Explicit PK only: finasteride in the gut, mg.
    pub const FINASTERIDE_GUT: usize = 12;
    /// Explicit PK only: finasteride in plasma, mg.
    pub const FINASTERIDE_PLASMA: usize = 13;
    /// Explicit PK only: dutasteride in the gut, mg.
    pub const DUTASTERIDE_GUT: usize = 14;
    /// Explicit PK only: dutasteride in plasma, mg.
    pub const DUTASTERIDE_PLASMA: usize = 15;
}

/// Names of the states, by index, for docs and diagnostics.
pub const STATE_NAMES: [(&str, &str); N_STATES] = [
    ("anagen", "fraction of follicles"),
    ("catagen", "fraction of follicles"),
    ("telogen", "fraction of follicles"),
    ("kenogen", "fraction of follicles"),
    ("terminal_fraction", "fraction of follicles"),
    ("dht", "relative to untreated"),
    ("inflammation", "dimensionless index"),
    ("growth_factor", "dimensionless"),
    ("stimulation", "dimensionless"),
    ("finasteride_exposure", "mg/day equivalent"),
    ("dutasteride_exposure", "mg/day equivalent"),
    ("minoxidil_exposure", "topical % equivalent"),
    ("finasteride_gut", "mg (explicit PK only)"),
    ("finasteride_plasma", "mg (explicit PK only)"),
    ("dutasteride_gut", "mg (explicit PK only)"),
    ("dutasteride_plasma", "mg (explicit PK only)"),
];

/// How the 5α-reductase inhibitors reach their effect compartments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pk {
    /// The daily dose feeds the effect compartment directly (the default; the
    /// four plasma/gut states stay at zero).
    #[default]
    Effect,
    /// The daily dose enters the gut as a zero-order (daily-average) input, is
    /// absorbed into plasma and eliminated with the drug's real half-life, and
    /// plasma drives the effect compartment. Fast plasma kinetics (hours)
    /// against a hair cycle of years make this variant stiff.
    Explicit,
}

impl Pk {
    /// Every variant.
    pub const ALL: [Pk; 2] = [Pk::Effect, Pk::Explicit];

    /// Name as written in scenario files (`[model] pk`).
    pub fn name(self) -> &'static str {
        match self {
            Pk::Effect => "effect",
            Pk::Explicit => "explicit",
        }
    }

    /// Parse a name.
    pub fn from_name(s: &str) -> Option<Pk> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// Treatment inputs that hold constant between two dose events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs {
    /// Finasteride taken, mg per day (dose × adherence ÷ interval).
    pub finasteride_mg_per_day: f64,
    /// Dutasteride taken, mg per day.
    pub dutasteride_mg_per_day: f64,
    /// Minoxidil as topical-equivalent concentration, %.
    pub minoxidil_percent: f64,
    /// Multiplier on the DHT target from `custom` treatments (1 = none).
    pub dht_multiplier: f64,
    /// Multiplier on the inflammation baseline from `custom` treatments (1 = none).
    pub inflammation_multiplier: f64,
    /// Level at which `custom` treatments hold the growth-factor signal (0 = none).
    pub growth_factor_hold: f64,
    /// Level at which `custom` treatments hold the stimulation signal (0 = none).
    pub stimulation_hold: f64,
}

impl Default for Inputs {
    fn default() -> Self {
        Inputs {
            finasteride_mg_per_day: 0.0,
            dutasteride_mg_per_day: 0.0,
            minoxidil_percent: 0.0,
            dht_multiplier: 1.0,
            inflammation_multiplier: 1.0,
            growth_factor_hold: 0.0,
            stimulation_hold: 0.0,
        }
    }
}

/// Effective mean phase durations and per-cycle hazards at one state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Effective anagen duration, days.
    pub anagen_days: f64,
    /// Catagen duration, days.
    pub catagen_days: f64,
    /// Effective telogen duration, days.
    pub telogen_days: f64,
    /// Effective kenogen duration, days.
    pub kenogen_days: f64,
    /// Probability per new cycle that a terminal follicle miniaturizes.
    pub miniaturization_per_cycle: f64,
    /// Probability per new cycle that a miniaturized follicle is restored.
    pub restoration_per_cycle: f64,
}

/// Saturating Emax fraction x / (x + ec50), 0 for x ≤ 0.
fn emax(x: f64, ec50: f64) -> f64 {
    let x = x.max(0.0);
    x / (x + ec50)
}

/// First-order rate constant for a half-life in days.
pub fn rate_for_half_life(days: f64) -> f64 {
    std::f64::consts::LN_2 / days
}

/// The model: parameters plus the inputs of the current segment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HairModel {
    /// Parameters (private: `dht_ec50_pow` is derived from them).
    params: Parameters,
    /// EC50ⁿ of the DHT effect, computed once here rather than in every
    /// right-hand-side evaluation.
    dht_ec50_pow: f64,
    /// Treatment inputs, constant over the current segment.
    pub inputs: Inputs,
    /// How finasteride and dutasteride reach their effect compartments.
    pub pk: Pk,
}

impl HairModel {
    /// A model with no treatment.
    pub fn untreated(params: Parameters) -> Self {
        HairModel {
            params,
            dht_ec50_pow: params.dht_ec50_relative.powf(params.dht_hill),
            inputs: Inputs::default(),
            pk: Pk::Effect,
        }
    }

    /// The same model with another pharmacokinetic variant.
    pub fn with_pk(self, pk: Pk) -> Self {
        HairModel { pk, ..self }
    }

    /// The parameters.
    pub fn params(&self) -> &Parameters {
        &self.params
    }

    /// DHT effect normalized to 1 at untreated DHT: Hill(D) / Hill(1), bounded by 1 + EC50ⁿ.
    pub fn dht_effect(&self, dht: f64) -> f64 {
        let d = dht.max(0.0).powf(self.params.dht_hill);
        let k = self.dht_ec50_pow;
        d / (d + k) * (1.0 + k)
    }

    /// Fraction of 5α-reductase activity removed by the current exposures (0–1).
    pub fn dht_inhibition(&self, y: &State) -> f64 {
        let p = &self.params;
        let fin = p.finasteride_max_inhibition * emax(y[ix::FINASTERIDE], p.finasteride_ic50_mg);
        let dut = p.dutasteride_max_inhibition * emax(y[ix::DUTASTERIDE], p.dutasteride_ic50_mg);
        1.0 - (1.0 - fin) * (1.0 - dut)
    }

    /// Effective durations and hazards at state `y`.
    pub fn rates(&self, y: &State) -> Rates {
        let p = &self.params;
        let minox = emax(y[ix::MINOXIDIL], p.minoxidil_ec50_percent);
        let gf = emax(y[ix::GROWTH_FACTOR], p.growth_factor_ec50);
        let stim = emax(y[ix::STIMULATION], p.stimulation_ec50);
        let dht = p.dht_sensitivity * self.dht_effect(y[ix::DHT]);
        let infl = y[ix::INFLAMMATION].max(0.0);

        let shortening =
            1.0 + p.dht_anagen_shortening * dht + p.inflammation_anagen_shortening * infl;
        let prolongation = 1.0
            + p.minoxidil_anagen_prolongation * minox
            + p.growth_factor_anagen_prolongation * gf
            + p.stimulation_anagen_prolongation * stim;
        let telogen_shortening = 1.0
            + p.minoxidil_telogen_shortening * minox
            + p.growth_factor_telogen_shortening * gf
            + p.stimulation_telogen_shortening * stim;
        let entry = 1.0
            + p.minoxidil_anagen_entry * minox
            + p.growth_factor_anagen_entry * gf
            + p.stimulation_anagen_entry * stim;
        let mini_hazard =
            p.dht_miniaturization_per_cycle * dht + p.inflammation_miniaturization_per_cycle * infl;
        let rest_hazard = p.restoration_per_cycle
            + p.minoxidil_restoration_per_cycle * minox
            + p.growth_factor_restoration_per_cycle * gf
            + p.stimulation_restoration_per_cycle * stim;
        Rates {
            anagen_days: p.anagen_days * prolongation / shortening,
            catagen_days: p.catagen_days,
            telogen_days: p.telogen_days / telogen_shortening,
            kenogen_days: p.kenogen_days * (1.0 + p.dht_kenogen_lengthening * dht) / entry,
            miniaturization_per_cycle: 1.0 - (-mini_hazard).exp(),
            restoration_per_cycle: 1.0 - (-rest_hazard).exp(),
        }
    }

    /// What people read off a state.
    pub fn observe(&self, y: &State) -> Observables {
        let p = &self.params;
        let r = self.rates(y);
        let terminal = y[ix::TERMINAL];
        let with_hair = y[ix::ANAGEN] + y[ix::CATAGEN] + y[ix::TELOGEN];
        Observables {
            anagen: y[ix::ANAGEN],
            catagen: y[ix::CATAGEN],
            telogen: y[ix::TELOGEN],
            kenogen: y[ix::KENOGEN],
            hair_count: p.follicles * with_hair * terminal,
            hair_density_per_cm2: p.follicle_density_per_cm2 * with_hair * terminal,
            shedding_per_day: p.follicles * y[ix::TELOGEN] / r.telogen_days,
            mean_diameter_um: terminal * p.terminal_diameter_um
                + (1.0 - terminal) * p.vellus_diameter_um,
            terminal_vellus_ratio: terminal / (1.0 - terminal),
            dht: y[ix::DHT],
            inflammation: y[ix::INFLAMMATION],
            growth_factor: y[ix::GROWTH_FACTOR],
            stimulation: y[ix::STIMULATION],
        }
    }

    /// The right-hand side dy/dt (days⁻¹).
    pub fn derivatives(&self, y: &State, dy: &mut State) {
        let p = &self.params;
        let u = &self.inputs;
        let r = self.rates(y);

        let to_catagen = y[ix::ANAGEN] / r.anagen_days;
        let to_telogen = y[ix::CATAGEN] / r.catagen_days;
        let shed = y[ix::TELOGEN] / r.telogen_days;
        let to_anagen = y[ix::KENOGEN] / r.kenogen_days;
        dy[ix::ANAGEN] = to_anagen - to_catagen;
        dy[ix::CATAGEN] = to_catagen - to_telogen;
        dy[ix::TELOGEN] = to_telogen - shed;
        dy[ix::KENOGEN] = shed - to_anagen;

        // Conversions happen as follicles start a new cycle: `to_anagen` per day.
        let terminal = y[ix::TERMINAL];
        dy[ix::TERMINAL] = to_anagen
            * (r.restoration_per_cycle * (1.0 - terminal) - r.miniaturization_per_cycle * terminal);

        let dht_target = (1.0 - self.dht_inhibition(y)) * u.dht_multiplier;
        dy[ix::DHT] = rate_for_half_life(p.dht_half_life_days) * (dht_target - y[ix::DHT]);
        dy[ix::INFLAMMATION] = rate_for_half_life(p.inflammation_half_life_days)
            * (p.inflammation_baseline * u.inflammation_multiplier - y[ix::INFLAMMATION]);
        dy[ix::GROWTH_FACTOR] = rate_for_half_life(p.growth_factor_half_life_days)
            * (u.growth_factor_hold - y[ix::GROWTH_FACTOR]);
        dy[ix::STIMULATION] = rate_for_half_life(p.stimulation_half_life_days)
            * (u.stimulation_hold - y[ix::STIMULATION]);
        match self.pk {
            Pk::Effect => {
                dy[ix::FINASTERIDE] = rate_for_half_life(p.finasteride_effect_half_life_days)
                    * (u.finasteride_mg_per_day - y[ix::FINASTERIDE]);
                dy[ix::DUTASTERIDE] = rate_for_half_life(p.dutasteride_effect_half_life_days)
                    * (u.dutasteride_mg_per_day - y[ix::DUTASTERIDE]);
                for i in [
                    ix::FINASTERIDE_GUT,
                    ix::FINASTERIDE_PLASMA,
                    ix::DUTASTERIDE_GUT,
                    ix::DUTASTERIDE_PLASMA,
                ] {
                    dy[i] = 0.0;
                }
            }
            Pk::Explicit => {
                // Gut → plasma → elimination; plasma × elimination rate is the
                // drug cleared per day, which equals the dose rate at steady
                // state, so it drives the effect compartment in mg/day.
                let k_effect = rate_for_half_life(p.pk_effect_half_life_days);
                for (dose, gut, plasma, effect, ka, ke) in [
                    (
                        u.finasteride_mg_per_day,
                        ix::FINASTERIDE_GUT,
                        ix::FINASTERIDE_PLASMA,
                        ix::FINASTERIDE,
                        rate_for_half_life(p.finasteride_absorption_half_life_days),
                        rate_for_half_life(p.finasteride_plasma_half_life_days),
                    ),
                    (
                        u.dutasteride_mg_per_day,
                        ix::DUTASTERIDE_GUT,
                        ix::DUTASTERIDE_PLASMA,
                        ix::DUTASTERIDE,
                        rate_for_half_life(p.dutasteride_absorption_half_life_days),
                        rate_for_half_life(p.dutasteride_plasma_half_life_days),
                    ),
                ] {
                    dy[gut] = dose - ka * y[gut];
                    dy[plasma] = ka * y[gut] - ke * y[plasma];
                    dy[effect] = k_effect * (ke * y[plasma] - y[effect]);
                }
            }
        }
        dy[ix::MINOXIDIL] = rate_for_half_life(p.minoxidil_effect_half_life_days)
            * (u.minoxidil_percent - y[ix::MINOXIDIL]);
    }

    /// The Jacobian of [`HairModel::derivatives`] times `v`, by a central
    /// finite difference along `v` (two right-hand-side evaluations). The
    /// implicit methods assemble their Jacobian from these products, so the
    /// right-hand side stays the only place the equations are written.
    pub fn jacobian_times(&self, y: &State, v: &State, jv: &mut State) {
        let v_norm = v.amax();
        if v_norm == 0.0 {
            jv.fill(0.0);
            return;
        }
        // Step near the cube root of machine epsilon, relative to the state's
        // size: balances truncation (O(ε²)) against rounding (O(u/ε)).
        let eps = f64::EPSILON.cbrt() * (1.0 + y.amax()) / v_norm;
        let (mut plus, mut minus) = (State::zeros(), State::zeros());
        self.derivatives(&(y + v * eps), &mut plus);
        self.derivatives(&(y - v * eps), &mut minus);
        *jv = (plus - minus) / (2.0 * eps);
    }
}
