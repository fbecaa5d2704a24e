//! The hair-cycle ODE: states, the piecewise-constant treatment inputs, and the
//! right-hand side. Nothing else: no dosing logic, no I/O.
//!
//! Follicles move around the cycle anagen → catagen → telogen → kenogen → anagen.
//! Each transition is first order with an *effective* mean duration that the
//! signals stretch or shrink through bounded, monotone (Emax / Hill) factors.
//! A slow state, the terminal fraction, falls as DHT miniaturizes follicles
//! cycle by cycle and is restored slowly by growth signals. Equations are
//! written out in docs/MODEL.md.
//!
//! The states are listed once, in `states` (the table every index, name and
//! export derives from); `problem` hands the equations to the solve core as
//! its [`Rhs`](crate::solve::Rhs).

use crate::params::Parameters;
use crate::solve::{AsArray, Vector};
use crate::symbolic::{Scalar, Sym};
use crate::trajectory::Observables;

mod problem;
mod states;
pub mod structure;

pub use states::{ix, StateInfo, MOVED_BY_EFFECT_VARIANT, N_STATES, STATES, STATE_NAMES};

/// The state vector (stack allocated).
pub type State = Vector<N_STATES>;

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

/// Names of the treatment inputs, in the order of [`Inputs::values`].
pub const INPUT_NAMES: [&str; 7] = [
    "finasteride_mg_per_day",
    "dutasteride_mg_per_day",
    "minoxidil_percent",
    "dht_multiplier",
    "inflammation_multiplier",
    "growth_factor_hold",
    "stimulation_hold",
];

/// Treatment inputs that hold constant between two dose events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs<T = f64> {
    /// Finasteride taken, mg per day (dose × adherence ÷ interval).
    pub finasteride_mg_per_day: T,
    /// Dutasteride taken, mg per day.
    pub dutasteride_mg_per_day: T,
    /// Minoxidil as topical-equivalent concentration, %.
    pub minoxidil_percent: T,
    /// Multiplier on the DHT target from `custom` treatments (1 = none).
    pub dht_multiplier: T,
    /// Multiplier on the inflammation baseline from `custom` treatments (1 = none).
    pub inflammation_multiplier: T,
    /// Level at which `custom` treatments hold the growth-factor signal (0 = none).
    pub growth_factor_hold: T,
    /// Level at which `custom` treatments hold the stimulation signal (0 = none).
    pub stimulation_hold: T,
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

impl<T: Copy> Inputs<T> {
    /// The inputs in the order of [`INPUT_NAMES`].
    pub fn values(&self) -> [T; 7] {
        [
            self.finasteride_mg_per_day,
            self.dutasteride_mg_per_day,
            self.minoxidil_percent,
            self.dht_multiplier,
            self.inflammation_multiplier,
            self.growth_factor_hold,
            self.stimulation_hold,
        ]
    }
}

impl Inputs<Sym> {
    /// Every input as a symbol named after it.
    pub fn symbolic() -> Self {
        let [a, b, c, d, e, f, g] = INPUT_NAMES.map(Sym::input);
        Inputs {
            finasteride_mg_per_day: a,
            dutasteride_mg_per_day: b,
            minoxidil_percent: c,
            dht_multiplier: d,
            inflammation_multiplier: e,
            growth_factor_hold: f,
            stimulation_hold: g,
        }
    }
}

/// Effective mean phase durations and per-cycle hazards at one state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates<T = f64> {
    /// Effective anagen duration, days.
    pub anagen_days: T,
    /// Catagen duration, days.
    pub catagen_days: T,
    /// Effective telogen duration, days.
    pub telogen_days: T,
    /// Effective kenogen duration, days.
    pub kenogen_days: T,
    /// Probability per new cycle that a terminal follicle miniaturizes.
    pub miniaturization_per_cycle: T,
    /// Probability per new cycle that a miniaturized follicle is restored.
    pub restoration_per_cycle: T,
}

/// Saturating Emax fraction x / (x + ec50), 0 for x ≤ 0.
#[inline(always)]
fn emax<T: Scalar>(x: T, ec50: T) -> T {
    let x = x.max(T::lit(0.0));
    x / (x + ec50)
}

/// First-order rate constant for a half-life in days.
#[inline(always)]
pub fn rate_for_half_life<T: Scalar>(days: T) -> T {
    T::lit(std::f64::consts::LN_2) / days
}

/// The first-order rate constants (day⁻¹) of the model's half-lives,
/// `ln 2 / half-life`.
///
/// Why computed once, when the model is built: written in the equations,
/// these twelve divisions of constants ran on every evaluation wherever the
/// compiler could not hoist them out of the caller's loop (it could not while
/// the solvers called the equations through a closure), and the divider is
/// the slowest unit the right-hand side uses. For the symbolic model they are
/// the same expressions, so the exports do not change.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RateConstants<T> {
    dht: T,
    inflammation: T,
    growth_factor: T,
    stimulation: T,
    minoxidil_effect: T,
    finasteride_effect: T,
    dutasteride_effect: T,
    pk_effect: T,
    finasteride_absorption: T,
    finasteride_plasma: T,
    dutasteride_absorption: T,
    dutasteride_plasma: T,
}

impl<T: Scalar> RateConstants<T> {
    fn of(p: &Parameters<T>) -> Self {
        RateConstants {
            dht: rate_for_half_life(p.dht_half_life_days),
            inflammation: rate_for_half_life(p.inflammation_half_life_days),
            growth_factor: rate_for_half_life(p.growth_factor_half_life_days),
            stimulation: rate_for_half_life(p.stimulation_half_life_days),
            minoxidil_effect: rate_for_half_life(p.minoxidil_effect_half_life_days),
            finasteride_effect: rate_for_half_life(p.finasteride_effect_half_life_days),
            dutasteride_effect: rate_for_half_life(p.dutasteride_effect_half_life_days),
            pk_effect: rate_for_half_life(p.pk_effect_half_life_days),
            finasteride_absorption: rate_for_half_life(p.finasteride_absorption_half_life_days),
            finasteride_plasma: rate_for_half_life(p.finasteride_plasma_half_life_days),
            dutasteride_absorption: rate_for_half_life(p.dutasteride_absorption_half_life_days),
            dutasteride_plasma: rate_for_half_life(p.dutasteride_plasma_half_life_days),
        }
    }
}

/// The model: parameters plus the inputs of the current segment.
///
/// Generic over [`Scalar`]: `HairModel` (of `f64`) is what the solvers
/// integrate; `HairModel<Sym>` ([`HairModel::symbolic`]) runs the very same
/// equations to record them for the SBML and Python exports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HairModel<T = f64> {
    /// Parameters (private: `dht_ec50_pow` and `rates_per_day` are derived from them).
    params: Parameters<T>,
    /// EC50ⁿ of the DHT effect, computed once here rather than in every
    /// right-hand-side evaluation.
    dht_ec50_pow: T,
    /// First-order rate constants of the half-lives, computed once here.
    rates_per_day: RateConstants<T>,
    /// Treatment inputs, constant over the current segment.
    pub inputs: Inputs<T>,
    /// How finasteride and dutasteride reach their effect compartments.
    pub pk: Pk,
}

impl HairModel {
    /// A model with no treatment.
    pub fn untreated(params: Parameters) -> Self {
        HairModel {
            params,
            dht_ec50_pow: params.dht_ec50_relative.powf(params.dht_hill),
            rates_per_day: RateConstants::of(&params),
            inputs: Inputs::default(),
            pk: Pk::Effect,
        }
    }

    /// DHT effect normalized to 1 at untreated DHT: Hill(D) / Hill(1), bounded by 1 + EC50ⁿ.
    pub fn dht_effect(&self, dht: f64) -> f64 {
        self.dht_effect_of(dht)
    }

    /// Fraction of 5α-reductase activity removed by the current exposures (0–1).
    pub fn dht_inhibition(&self, y: &State) -> f64 {
        self.dht_inhibition_of(y.as_array())
    }

    /// Effective durations and hazards at state `y`.
    pub fn rates(&self, y: &State) -> Rates {
        self.rates_of(y.as_array())
    }

    /// What people read off a state.
    pub fn observe(&self, y: &State) -> Observables {
        self.observe_of(y.as_array())
    }

    /// The right-hand side dy/dt (days⁻¹). Always inlined: the solvers'
    /// step loops compile it in place, for their CPU target.
    #[inline(always)]
    pub fn derivatives(&self, y: &State, dy: &mut State) {
        self.derivatives_of(y.as_array(), dy.as_array_mut());
    }
}

/// Every state variable as a symbol (for export).
pub fn symbolic_state() -> [Sym; N_STATES] {
    std::array::from_fn(Sym::state)
}

impl HairModel<Sym> {
    /// The equations with every parameter, input and state a symbol: what the
    /// exporters trace (inside [`crate::symbolic::trace`]).
    pub fn symbolic(pk: Pk) -> Self {
        let params = Parameters::symbolic();
        HairModel {
            params,
            dht_ec50_pow: params
                .dht_ec50_relative
                .powf(params.dht_hill)
                .named("dht_ec50_pow"),
            rates_per_day: RateConstants::of(&params),
            inputs: Inputs::symbolic(),
            pk,
        }
    }
}

impl<T: Scalar> HairModel<T> {
    /// The same model with another pharmacokinetic variant.
    pub fn with_pk(self, pk: Pk) -> Self {
        HairModel { pk, ..self }
    }

    /// The parameters.
    pub fn params(&self) -> &Parameters<T> {
        &self.params
    }

    /// DHT effect normalized to 1 at untreated DHT: Hill(D) / Hill(1).
    #[inline(always)]
    pub fn dht_effect_of(&self, dht: T) -> T {
        let d = dht.max(T::lit(0.0)).powf(self.params.dht_hill);
        let k = self.dht_ec50_pow;
        d / (d + k) * (T::lit(1.0) + k)
    }

    /// Fraction of 5α-reductase activity removed by the exposures in `y`.
    #[inline(always)]
    pub fn dht_inhibition_of(&self, y: &[T; N_STATES]) -> T {
        let p = &self.params;
        let one = T::lit(1.0);
        let fin = p.finasteride_max_inhibition * emax(y[ix::FINASTERIDE], p.finasteride_ic50_mg);
        let dut = p.dutasteride_max_inhibition * emax(y[ix::DUTASTERIDE], p.dutasteride_ic50_mg);
        (one - (one - fin) * (one - dut)).named("dht_inhibition")
    }

    /// Effective durations and hazards at state `y`.
    #[inline(always)]
    pub fn rates_of(&self, y: &[T; N_STATES]) -> Rates<T> {
        let p = &self.params;
        let one = T::lit(1.0);
        let minox = emax(y[ix::MINOXIDIL], p.minoxidil_ec50_percent).named("minoxidil_effect");
        let gf = emax(y[ix::GROWTH_FACTOR], p.growth_factor_ec50).named("growth_factor_effect");
        let stim = emax(y[ix::STIMULATION], p.stimulation_ec50).named("stimulation_effect");
        let dht = (p.dht_sensitivity * self.dht_effect_of(y[ix::DHT])).named("dht_effect");
        let infl = y[ix::INFLAMMATION].max(T::lit(0.0));

        let shortening =
            one + p.dht_anagen_shortening * dht + p.inflammation_anagen_shortening * infl;
        let prolongation = one
            + p.minoxidil_anagen_prolongation * minox
            + p.growth_factor_anagen_prolongation * gf
            + p.stimulation_anagen_prolongation * stim;
        let telogen_shortening = one
            + p.minoxidil_telogen_shortening * minox
            + p.growth_factor_telogen_shortening * gf
            + p.stimulation_telogen_shortening * stim;
        let entry = one
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
            anagen_days: (p.anagen_days * prolongation / shortening).named("anagen_days_effective"),
            catagen_days: p.catagen_days,
            telogen_days: (p.telogen_days / telogen_shortening).named("telogen_days_effective"),
            kenogen_days: (p.kenogen_days * (one + p.dht_kenogen_lengthening * dht) / entry)
                .named("kenogen_days_effective"),
            miniaturization_per_cycle: (one - (-mini_hazard).exp())
                .named("miniaturization_probability"),
            restoration_per_cycle: (one - (-rest_hazard).exp()).named("restoration_probability"),
        }
    }

    /// What people read off a state.
    pub fn observe_of(&self, y: &[T; N_STATES]) -> Observables<T> {
        let p = &self.params;
        let one = T::lit(1.0);
        let r = self.rates_of(y);
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
                + (one - terminal) * p.vellus_diameter_um,
            terminal_vellus_ratio: terminal / (one - terminal),
            dht: y[ix::DHT],
            inflammation: y[ix::INFLAMMATION],
            growth_factor: y[ix::GROWTH_FACTOR],
            stimulation: y[ix::STIMULATION],
        }
    }

    /// The right-hand side dy/dt (days⁻¹). The one place the equations are
    /// written: simulation calls it with numbers, export with symbols.
    #[inline(always)]
    pub fn derivatives_of(&self, y: &[T; N_STATES], dy: &mut [T; N_STATES]) {
        let p = &self.params;
        let u = &self.inputs;
        let k = &self.rates_per_day;
        let one = T::lit(1.0);
        let r = self.rates_of(y);

        let to_catagen = (y[ix::ANAGEN] / r.anagen_days).named("anagen_to_catagen");
        let to_telogen = (y[ix::CATAGEN] / r.catagen_days).named("catagen_to_telogen");
        let shed = (y[ix::TELOGEN] / r.telogen_days).named("telogen_to_kenogen");
        let to_anagen = (y[ix::KENOGEN] / r.kenogen_days).named("kenogen_to_anagen");
        dy[ix::ANAGEN] = to_anagen - to_catagen;
        dy[ix::CATAGEN] = to_catagen - to_telogen;
        dy[ix::TELOGEN] = to_telogen - shed;
        dy[ix::KENOGEN] = shed - to_anagen;

        // Conversions happen as follicles start a new cycle: `to_anagen` per day.
        let terminal = y[ix::TERMINAL];
        dy[ix::TERMINAL] = to_anagen
            * (r.restoration_per_cycle * (one - terminal) - r.miniaturization_per_cycle * terminal);

        let dht_target = (one - self.dht_inhibition_of(y)) * u.dht_multiplier;
        dy[ix::DHT] = k.dht * (dht_target - y[ix::DHT]);
        dy[ix::INFLAMMATION] = k.inflammation
            * (p.inflammation_baseline * u.inflammation_multiplier - y[ix::INFLAMMATION]);
        dy[ix::GROWTH_FACTOR] = k.growth_factor * (u.growth_factor_hold - y[ix::GROWTH_FACTOR]);
        dy[ix::STIMULATION] = k.stimulation * (u.stimulation_hold - y[ix::STIMULATION]);
        match self.pk {
            Pk::Effect => {
                dy[ix::FINASTERIDE] =
                    k.finasteride_effect * (u.finasteride_mg_per_day - y[ix::FINASTERIDE]);
                dy[ix::DUTASTERIDE] =
                    k.dutasteride_effect * (u.dutasteride_mg_per_day - y[ix::DUTASTERIDE]);
                for i in ix::EXPLICIT_PK_ONLY {
                    dy[i] = T::lit(0.0);
                }
            }
            Pk::Explicit => {
                // Gut → plasma → elimination; plasma × elimination rate is the
                // drug cleared per day, which equals the dose rate at steady
                // state, so it drives the effect compartment in mg/day.
                let k_effect = k.pk_effect;
                for (dose, gut, plasma, effect, ka, ke) in [
                    (
                        u.finasteride_mg_per_day,
                        ix::FINASTERIDE_GUT,
                        ix::FINASTERIDE_PLASMA,
                        ix::FINASTERIDE,
                        k.finasteride_absorption,
                        k.finasteride_plasma,
                    ),
                    (
                        u.dutasteride_mg_per_day,
                        ix::DUTASTERIDE_GUT,
                        ix::DUTASTERIDE_PLASMA,
                        ix::DUTASTERIDE,
                        k.dutasteride_absorption,
                        k.dutasteride_plasma,
                    ),
                ] {
                    dy[gut] = dose - ka * y[gut];
                    dy[plasma] = ka * y[gut] - ke * y[plasma];
                    dy[effect] = k_effect * (ke * y[plasma] - y[effect]);
                }
            }
        }
        dy[ix::MINOXIDIL] = k.minoxidil_effect * (u.minoxidil_percent - y[ix::MINOXIDIL]);
    }
}
