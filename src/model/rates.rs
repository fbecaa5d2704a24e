//! What one follicle does at one state of the signals: the mean durations
//! of the cycle's compartments and the probabilities of what happens at a
//! kenogen → anagen re-entry ([`Rates`]), which `HairModel::rates_of` computes
//! and the equations, the steady state and the exports read.

use super::kinds::compartment::{CATAGEN, HELD, KENOGEN, TELOGEN};
use super::{emax, ix, HairModel, ANAGEN_STAGES, N_STATES, RELEASED_STAGES};
use crate::symbolic::Scalar;

/// Every transition of one follicle at one state of the signals: mean
/// durations (each stage is left at rate 1 / its mean duration) and the
/// probabilities of what happens at a kenogen → anagen re-entry. The ODE is
/// the mean-field average of the Markov chain these define.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates<T = f64> {
    /// Effective programmed anagen, days: the [`ANAGEN_STAGES`] stages
    /// together, each left at rate `ANAGEN_STAGES / anagen_days`.
    pub anagen_days: T,
    /// Mean time in the held stage after the programmed anagen, days.
    pub anagen_held_days: T,
    /// Catagen duration, days.
    pub catagen_days: T,
    /// Effective telogen duration, days.
    pub telogen_days: T,
    /// Effective kenogen duration, days.
    pub kenogen_days: T,
    /// Probability, at re-entry, that a terminal follicle not susceptible to
    /// DHT miniaturizes (M1 inflammation alone).
    pub miniaturization_per_cycle: T,
    /// Probability, at re-entry, that a terminal follicle not susceptible to
    /// DHT (and not miniaturized) becomes susceptible: primed.
    pub priming_per_cycle: T,
    /// Probability, at re-entry, that a primed terminal follicle
    /// miniaturizes (DHT and M1 inflammation).
    pub primed_miniaturization_per_cycle: T,
    /// Probability, at re-entry, that a miniaturized follicle whose niche
    /// is intact is restored to terminal (a follicle whose niche is lost
    /// never is: the niche is the ceiling on restoration).
    pub restoration_per_cycle: T,
    /// The part of `restoration_per_cycle` that an untreated scalp has: these
    /// follicles are restored at full DHT, so they return unprimed; the rest,
    /// restored by a treatment, return primed (still susceptible).
    pub untreated_restoration_per_cycle: T,
    /// Probability, at re-entry, that a miniaturized follicle that is not
    /// restored loses its niche (the arrector pili muscle detaches).
    pub niche_loss_per_cycle: T,
    /// Mean kenogen of a follicle whose niche is lost, days: without the
    /// nerve's signal its stem cells are slow to start a new anagen, and
    /// treatments do not speed them (the untreated scalp's kenogen, divided
    /// by `niche_lost_entry_factor`).
    pub niche_lost_kenogen_days: T,
    /// Probability, at each attempted re-entry, that a follicle whose niche is
    /// lost drops out for good instead (fibrosis).
    pub dropout_per_cycle: T,
    /// Mean time a follicle released from anagen by a shedding event spends
    /// in each of the [`RELEASED_STAGES`] released stages, days (its catagen
    /// and club-hair telogen together); it then sheds into kenogen. Which
    /// follicles an event releases is [`crate::treatment::TreatmentKind::apply_session`]'s.
    pub released_stage_days: T,
}

impl<T: Scalar> Rates<T> {
    /// Rate at which a follicle leaves each anagen stage, per day.
    #[inline(always)]
    pub fn anagen_stage_rate(&self) -> T {
        T::lit(ANAGEN_STAGES as f64) / self.anagen_days
    }

    /// Mean anagen of a follicle, days: the programmed stages and the held stage.
    pub fn anagen_total_days(&self) -> T {
        self.anagen_days + self.anagen_held_days
    }

    /// Exit rate of each of the cycle's compartments (anagen's stages, held,
    /// catagen, telogen, kenogen: [`super::compartment`] up to kenogen), per
    /// day, of a follicle whose niche is intact (`niche`) or lost.
    pub fn cycle_exit_rates(&self, niche: bool) -> [T; KENOGEN + 1] {
        let one = T::lit(1.0);
        let mut rate = [self.anagen_stage_rate(); KENOGEN + 1];
        rate[HELD] = one / self.anagen_held_days;
        rate[CATAGEN] = one / self.catagen_days;
        rate[TELOGEN] = one / self.telogen_days;
        rate[KENOGEN] = one
            / if niche {
                self.kenogen_days
            } else {
                self.niche_lost_kenogen_days
            };
        rate
    }
}

/// Names of the intermediate quantities that depend on a population's
/// androgen sensitivity (the exports give each a variable of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RateNames {
    dht_effect: &'static str,
    anagen_days: &'static str,
    anagen_held_days: &'static str,
    kenogen_days: &'static str,
    miniaturization: &'static str,
    priming: &'static str,
    primed_miniaturization: &'static str,
    niche_loss: &'static str,
    niche_lost_kenogen_days: &'static str,
}

/// The native follicles' names.
const NATIVE: RateNames = RateNames {
    dht_effect: "dht_effect",
    anagen_days: "anagen_days_effective",
    anagen_held_days: "anagen_held_days",
    kenogen_days: "kenogen_days_effective",
    miniaturization: "miniaturization_probability",
    priming: "priming_probability",
    primed_miniaturization: "primed_miniaturization_probability",
    niche_loss: "niche_loss_probability",
    niche_lost_kenogen_days: "niche_lost_kenogen_days",
};

/// The transplanted follicles' names.
pub(super) const GRAFT: RateNames = RateNames {
    dht_effect: "graft_dht_effect",
    anagen_days: "graft_anagen_days_effective",
    anagen_held_days: "graft_anagen_held_days",
    kenogen_days: "graft_kenogen_days_effective",
    miniaturization: "graft_miniaturization_probability",
    priming: "graft_priming_probability",
    primed_miniaturization: "graft_primed_miniaturization_probability",
    niche_loss: "graft_niche_loss_probability",
    niche_lost_kenogen_days: "graft_niche_lost_kenogen_days",
};

impl<T: Scalar> HairModel<T> {
    /// Effective durations and hazards of the native follicles at state `y`.
    #[inline(always)]
    pub fn rates_of(&self, y: &[T; N_STATES]) -> Rates<T> {
        self.rates_for(y, y[ix::ANDROGEN_SENSITIVITY], &NATIVE)
    }

    /// Effective durations and hazards at state `y` of native follicles in a
    /// region of the scalp whose androgen sensitivity is `factor` times the
    /// scalp's (1: the ODE's follicle); the follicle-level simulator's map.
    pub fn rates_in_region(&self, y: &[T; N_STATES], factor: T) -> Rates<T> {
        self.rates_for(y, y[ix::ANDROGEN_SENSITIVITY] * factor, &NATIVE)
    }

    /// Effective durations and hazards at state `y` of a population of
    /// follicles with androgen sensitivity `sensitivity`: one set of
    /// equations for the native and the transplanted follicles, whose
    /// intermediate quantities are named after the population (`names`).
    #[inline(always)]
    pub(super) fn rates_for(
        &self,
        y: &[T; N_STATES],
        sensitivity: T,
        names: &RateNames,
    ) -> Rates<T> {
        let p = &self.params;
        let (zero, one) = (T::lit(0.0), T::lit(1.0));
        let minox = emax(y[ix::MINOXIDIL], p.minoxidil_ec50_percent).named("minoxidil_effect");
        let gf = emax(y[ix::GROWTH_FACTOR], p.growth_factor_ec50).named("growth_factor_effect");
        let stim = emax(y[ix::STIMULATION], p.stimulation_ec50).named("stimulation_effect");
        let cells = emax(y[ix::CELL_THERAPY], p.cell_therapy_ec50).named("cell_therapy_effect");
        // Spironolactone blocks the androgen receptor: DHT acts less, DHT
        // itself is unchanged. The block follows the dose at once: it sets in
        // and wears off within days (canrenone's half-life is about 16 h),
        // against a hair cycle of months.
        let block = (p.spironolactone_max_block
            * emax(
                self.inputs.spironolactone_mg_per_day,
                p.spironolactone_ic50_mg,
            ))
        .named("androgen_receptor_block");
        let dht = (sensitivity.max(zero) * self.dht_effect_of(y[ix::DHT]) * (one - block))
            .named(names.dht_effect);
        let oestrogen = y[ix::OESTROGEN].max(zero);
        let oestrogen_support = emax(oestrogen, p.oestrogen_ec50).named("oestrogen_effect");
        // Steep (Hill 4): only pregnancy-level oestrogen holds follicles.
        let (o2, h2) = (
            oestrogen * oestrogen,
            p.oestrogen_hold_ec50 * p.oestrogen_hold_ec50,
        );
        let oestrogen_hold = (o2 * o2 / (o2 * o2 + h2 * h2)).named("oestrogen_hold_effect");
        let m1 = y[ix::MACROPHAGE_M1].max(zero);
        let m1_excess = self.m1_excess_of(y);

        let shortening =
            one + p.dht_anagen_shortening * dht + p.inflammation_anagen_shortening * m1;
        // Minoxidil holds follicles past their programmed anagen (they are
        // released together when it stops: Van Neste 2020); the growth factor
        // and stimulation lengthen the programme itself, so their effect fades
        // with them, follicle by follicle (no withdrawal wave is reported).
        let hold =
            p.minoxidil_anagen_prolongation * minox + p.oestrogen_anagen_hold * oestrogen_hold;
        let lengthening = one
            + p.oestrogen_anagen_prolongation * oestrogen_support
            + p.growth_factor_anagen_prolongation * gf
            + p.stimulation_anagen_prolongation * stim;
        let telogen_shortening = one
            + p.minoxidil_telogen_shortening * minox
            + p.growth_factor_telogen_shortening * gf
            + p.stimulation_telogen_shortening * stim
            + p.cell_therapy_telogen_shortening * cells;
        let entry = one
            + p.minoxidil_anagen_entry * minox
            + p.growth_factor_anagen_entry * gf
            + p.stimulation_anagen_entry * stim
            + p.cell_therapy_anagen_entry * cells;
        let inflammation_mini_hazard = p.inflammation_miniaturization_per_cycle * m1;
        let primed_mini_hazard = p.dht_miniaturization_per_cycle * dht + inflammation_mini_hazard;
        let priming_hazard = p.susceptibility_per_cycle * sensitivity.max(zero);
        let rest_hazard = p.restoration_per_cycle
            + p.minoxidil_restoration_per_cycle * minox
            + p.growth_factor_restoration_per_cycle * gf
            + p.stimulation_restoration_per_cycle * stim
            + p.cell_therapy_restoration_per_cycle * cells;
        let niche_hazard = p.niche_loss_dht_per_cycle * dht + p.niche_loss_m1_per_cycle * m1_excess;
        let kenogen_days = (p.kenogen_days * (one + p.dht_kenogen_lengthening * dht) / entry)
            .named(names.kenogen_days);
        let anagen_days = (p.anagen_days * lengthening / shortening).named(names.anagen_days);
        Rates {
            anagen_days,
            // Held for minoxidil's share of the programmed anagen; the
            // release time alone when nothing holds.
            anagen_held_days: (p.anagen_release_days + hold * anagen_days)
                .named(names.anagen_held_days),
            catagen_days: p.catagen_days,
            telogen_days: (p.telogen_days / telogen_shortening).named("telogen_days_effective"),
            kenogen_days,
            miniaturization_per_cycle: (one - (-inflammation_mini_hazard).exp())
                .named(names.miniaturization),
            priming_per_cycle: (one - (-priming_hazard).exp()).named(names.priming),
            primed_miniaturization_per_cycle: (one - (-primed_mini_hazard).exp())
                .named(names.primed_miniaturization),
            restoration_per_cycle: (one - (-rest_hazard).exp()).named("restoration_probability"),
            untreated_restoration_per_cycle: (one - (-p.restoration_per_cycle).exp())
                .named("untreated_restoration_probability"),
            niche_loss_per_cycle: (one - (-niche_hazard).exp()).named(names.niche_loss),
            // Without its niche a follicle's stem cells no longer hear the
            // signals that speed re-entry (nor a drug that lowers DHT): it
            // keeps the untreated scalp's pace. Were it sped up, a treatment
            // would bring these follicles sooner to their dropout and cost
            // follicles.
            niche_lost_kenogen_days: (p.kenogen_days
                * (one + p.dht_kenogen_lengthening * sensitivity.max(zero))
                / p.niche_lost_entry_factor)
                .named(names.niche_lost_kenogen_days),
            dropout_per_cycle: (one - (-p.niche_lost_dropout_per_cycle).exp())
                .named("dropout_probability"),
            released_stage_days: p.released_telogen_days / T::lit(RELEASED_STAGES as f64),
        }
    }
}
