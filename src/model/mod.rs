//! The hair-cycle ODE: states, the piecewise-constant treatment inputs, and the
//! right-hand side. Nothing else: no dosing logic, no I/O.
//!
//! Follicles move around the cycle anagen → catagen → telogen → kenogen → anagen.
//! Anagen is a chain of [`ANAGEN_STAGES`] stages (so its duration is gamma
//! distributed, and follicles finish the anagen they started) followed by a
//! *held* stage, where minoxidil keeps follicles growing past their
//! programmed end for as long as it acts (when it stops, the held follicles
//! enter catagen together: the shedding wave); the growth factor and
//! stimulation lengthen the programme itself.
//! Every transition has an *effective* mean duration that the signals stretch
//! or shrink through bounded, monotone (Emax / Hill) factors. At each kenogen
//! → anagen re-entry a follicle may change what it is: terminal follicles
//! miniaturize; miniaturized ones whose stem-cell niche is intact are
//! restored or lose their niche; those whose niche is lost start anagen more
//! slowly, are never restored, and may drop out for good. The M1 / M2
//! macrophage balance shortens anagen, miniaturizes and erodes the niche.
//! A shedding event (`crate::event`) pushes anagen follicles into their own
//! chain of *released* stages, which they leave weeks later for kenogen; an
//! oestrogen signal (a hypothesis) lengthens anagen, and at pregnancy level
//! holds follicles in the held stage.
//! Equations are written out in docs/MODEL.md.
//!
//! Every transition is a rate or a per-cycle probability in [`Rates`], so a
//! follicle-level Markov chain can be read off the same numbers; the ODE
//! counts the follicles of each kind (terminal, primed, miniaturized, niche
//! lost) in each compartment ([`kinds`]), which makes it that chain's exact
//! forward equation.
//!
//! The states are listed once, in `states` (the table every index, name and
//! export derives from); `problem` hands the equations to the solve core as
//! its [`Rhs`](crate::solve::Rhs).

use crate::params::Parameters;
use crate::solve::{AsArray, Vector};
use crate::symbolic::{Scalar, Sym};
use crate::trajectory::Observables;
use crate::units::DAYS_PER_YEAR;

mod cycle;
mod graft;
pub mod kinds;
mod problem;
mod rates;
mod states;
pub mod structure;

pub use kinds::{compartment, follicle_state, Census, Kind, KINDS, N_FOLLICLE_STATES};
pub use rates::Rates;
pub use states::{
    ix, StateInfo, ANAGEN_STAGES, FOLLICLE_STATES, GRAFT_CYCLE_STATES, MOVED_BY_EFFECT_VARIANT,
    N_STATES, RELEASED_STAGES, STATES, STATE_NAMES,
};

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
pub const INPUT_NAMES: [&str; 9] = [
    "finasteride_mg_per_day",
    "dutasteride_mg_per_day",
    "spironolactone_mg_per_day",
    "minoxidil_percent",
    "dht_multiplier",
    "inflammation_multiplier",
    "growth_factor_hold",
    "stimulation_hold",
    "pregnancy",
];

/// Treatment inputs that hold constant between two dose events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs<T = f64> {
    /// Finasteride taken, mg per day (dose × adherence ÷ interval).
    pub finasteride_mg_per_day: T,
    /// Dutasteride taken, mg per day.
    pub dutasteride_mg_per_day: T,
    /// Spironolactone taken, mg per day.
    pub spironolactone_mg_per_day: T,
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
    /// 1 while pregnant (the 40 weeks before a `childbirth` event), else 0.
    pub pregnancy: T,
}

impl Default for Inputs {
    fn default() -> Self {
        Inputs {
            finasteride_mg_per_day: 0.0,
            dutasteride_mg_per_day: 0.0,
            spironolactone_mg_per_day: 0.0,
            minoxidil_percent: 0.0,
            dht_multiplier: 1.0,
            inflammation_multiplier: 1.0,
            growth_factor_hold: 0.0,
            stimulation_hold: 0.0,
            pregnancy: 0.0,
        }
    }
}

impl<T: Copy> Inputs<T> {
    /// The inputs in the order of [`INPUT_NAMES`].
    pub fn values(&self) -> [T; 9] {
        [
            self.finasteride_mg_per_day,
            self.dutasteride_mg_per_day,
            self.spironolactone_mg_per_day,
            self.minoxidil_percent,
            self.dht_multiplier,
            self.inflammation_multiplier,
            self.growth_factor_hold,
            self.stimulation_hold,
            self.pregnancy,
        ]
    }
}

impl Inputs<Sym> {
    /// Every input as a symbol named after it.
    pub fn symbolic() -> Self {
        let [a, b, s, c, d, e, f, g, h] = INPUT_NAMES.map(Sym::input);
        Inputs {
            finasteride_mg_per_day: a,
            dutasteride_mg_per_day: b,
            spironolactone_mg_per_day: s,
            minoxidil_percent: c,
            dht_multiplier: d,
            inflammation_multiplier: e,
            growth_factor_hold: f,
            stimulation_hold: g,
            pregnancy: h,
        }
    }
}

/// Saturating Emax fraction x / (x + ec50), 0 for x ≤ 0.
#[inline(always)]
fn emax<T: Scalar>(x: T, ec50: T) -> T {
    let x = x.max(T::lit(0.0));
    x / (x + ec50)
}

/// The positive part of `x`, made smooth at 0: `max(x, 0)³ / (x² + w²)`
/// with w = [`M1_EXCESS_WIDTH`]. A PRP or exosome session moves M2 above M1,
/// and a hard `max(x, 0)` would put a kink in the niche's loss rate there,
/// which costs every high-order solver its order at each crossing (the two
/// tight reference solves of `sim bench` then disagree by more than 1e-9).
/// This one has two continuous derivatives, is exactly 0 for x ≤ 0 (a
/// healthy scalp, M1 = M2, stays at rest) and differs from `x` by less than
/// w²/x above 0: 1.3e-3 at the untreated excess of 0.3.
#[inline(always)]
fn smooth_positive_part<T: Scalar>(x: T) -> T {
    let w = T::lit(M1_EXCESS_WIDTH);
    let xp = x.max(T::lit(0.0));
    xp * xp * xp / (x * x + w * w)
}

/// Width over which [`smooth_positive_part`] rounds the M1 excess off
/// (M1 and M2 are indices of order 1).
const M1_EXCESS_WIDTH: f64 = 0.02;

/// First-order rate constant for a half-life in days.
#[inline(always)]
pub fn rate_for_half_life<T: Scalar>(days: T) -> T {
    T::lit(std::f64::consts::LN_2) / days
}

/// The first-order rate constants (day⁻¹) of the model's half-lives,
/// `ln 2 / half-life`.
///
/// Why computed once, when the model is built: written in the equations,
/// these fourteen divisions of constants ran on every evaluation wherever the
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
    hypoxia: T,
    cell_therapy: T,
    oestrogen: T,
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
            hypoxia: rate_for_half_life(p.hypoxia_half_life_days),
            cell_therapy: rate_for_half_life(p.cell_therapy_half_life_days),
            oestrogen: rate_for_half_life(p.oestrogen_half_life_days),
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

    /// M1 activity in excess of M2 (0 when M2 balances it), smooth at 0.
    #[inline(always)]
    pub fn m1_excess_of(&self, y: &[T; N_STATES]) -> T {
        let zero = T::lit(0.0);
        smooth_positive_part(y[ix::MACROPHAGE_M1].max(zero) - y[ix::MACROPHAGE_M2].max(zero))
            .named("m1_excess")
    }

    /// What people read off a state: the native and the transplanted
    /// follicles together (each per-population column says which).
    pub fn observe_of(&self, y: &[T; N_STATES]) -> Observables<T> {
        let p = &self.params;
        let r = self.rates_of(y);
        let g = self.graft_readout_of(y);
        let c = Census::of(y);
        let native_shafts = c.shafts();
        let native_present = self.present_of(y);
        let present = native_present + g.present;
        let native_hairs = c.terminal_shafts;
        let hairs = native_hairs + g.hairs;
        let shafts = (native_shafts + g.shafts).max(T::lit(1e-12));
        let (d_t, d_v) = (p.terminal_diameter_um, p.vellus_diameter_um);
        let vellus_shafts = native_shafts - c.terminal_shafts;
        let diameter_sum = c.terminal_shafts * d_t + vellus_shafts * d_v + g.diameter_sum;
        let diameter_sq_sum =
            c.terminal_shafts * d_t * d_t + vellus_shafts * d_v * d_v + g.diameter_sq_sum;
        let anagen = c.anagen + g.anagen;
        let speed_sum = c.terminal_anagen * p.terminal_growth_mm_per_day
            + (c.anagen - c.terminal_anagen) * p.vellus_growth_mm_per_day
            + g.speed_sum;
        let terminal_follicles = c.terminal + g.terminal;
        // Cross-sections per cm² in mm² × 100 (Cohen's hair-mass index):
        // π/4 · d², d in µm → mm² is 1e-6.
        let mass_per_um2 = T::lit(std::f64::consts::PI / 4.0 * 1e-6 * 100.0);
        Observables {
            anagen: anagen / present,
            catagen: (c.catagen + g.catagen) / present,
            telogen: (c.telogen + c.released + g.telogen) / present,
            kenogen: (c.kenogen + g.kenogen) / present,
            hair_count: p.follicles * hairs,
            hair_density_per_cm2: p.follicle_density_per_cm2 * hairs,
            shedding_per_day: p.follicles
                * (c.telogen / r.telogen_days
                    + c.released_last / r.released_stage_days
                    + g.shedding),
            mean_diameter_um: diameter_sum / shafts,
            terminal_vellus_ratio: terminal_follicles / (present - terminal_follicles),
            follicles_present: p.follicles * present,
            niche_intact: (native_present - c.niche_lost) / native_present,
            dht: y[ix::DHT],
            androgen_sensitivity: y[ix::ANDROGEN_SENSITIVITY],
            inflammation: y[ix::MACROPHAGE_M1],
            macrophage_m2: y[ix::MACROPHAGE_M2],
            growth_factor: y[ix::GROWTH_FACTOR],
            stimulation: y[ix::STIMULATION],
            native_hair_count: p.follicles * native_hairs,
            graft_hair_count: p.follicles * g.hairs,
            graft_follicles: p.follicles * g.present,
            growth_speed_mm_per_day: speed_sum / anagen.max(T::lit(1e-12))
                * graft::growth_speed_gain(self, y),
            hair_mass_index: p.follicle_density_per_cm2 * diameter_sq_sum * mass_per_um2,
        }
    }

    /// Share of the starting follicles still present, floored just above 0
    /// so that shares of it stay finite when (almost) every follicle is lost.
    #[inline(always)]
    fn present_of(&self, y: &[T; N_STATES]) -> T {
        (T::lit(1.0) - y[ix::FOLLICLES_LOST]).max(T::lit(1e-12))
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

        self.follicle_derivatives_of(&r, y, dy);
        dy[ix::ANDROGEN_SENSITIVITY] = p.dht_sensitivity_rise_per_year / T::lit(DAYS_PER_YEAR);
        dy[ix::OESTROGEN] = k.oestrogen
            * (p.oestrogen_baseline + p.pregnancy_oestrogen * u.pregnancy - y[ix::OESTROGEN]);

        let dht_target = (one - self.dht_inhibition_of(y)) * u.dht_multiplier;
        dy[ix::DHT] = k.dht * (dht_target - y[ix::DHT]);
        dy[ix::MACROPHAGE_M1] = k.inflammation
            * (p.inflammation_baseline * u.inflammation_multiplier - y[ix::MACROPHAGE_M1]);
        dy[ix::MACROPHAGE_M2] = k.inflammation * (p.macrophage_m2_baseline - y[ix::MACROPHAGE_M2]);
        // Hypoxia stabilizes HIF-1α (the stimulation), which induces VEGF
        // (the growth factor).
        dy[ix::GROWTH_FACTOR] = k.growth_factor * (u.growth_factor_hold - y[ix::GROWTH_FACTOR])
            + p.hif_growth_factor_per_day * y[ix::STIMULATION];
        dy[ix::STIMULATION] = k.stimulation * (u.stimulation_hold - y[ix::STIMULATION])
            + p.hif_activation_per_day * y[ix::HYPOXIA];
        dy[ix::HYPOXIA] = -k.hypoxia * y[ix::HYPOXIA];
        dy[ix::CELL_THERAPY] = -k.cell_therapy * y[ix::CELL_THERAPY];
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
        self.graft_derivatives_of(y, dy);
    }
}
