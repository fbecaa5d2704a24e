//! What one follicle does at one state of the signals: the mean durations
//! of the cycle's compartments and the probabilities of what happens at a
//! kenogen → anagen re-entry ([`Rates`]), which `HairModel::rates_of` computes
//! and the equations, the steady state and the exports read.

use super::{ANAGEN_STAGES, CYCLE_STATES};
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
    /// nerve's signal its stem cells are slow to start a new anagen.
    pub niche_lost_kenogen_days: T,
    /// Probability, at each attempted re-entry, that a follicle whose niche is
    /// lost drops out for good instead (fibrosis).
    pub dropout_per_cycle: T,
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

    /// Exit rate of each of the cycle's compartments ([`CYCLE_STATES`]), per
    /// day, when a share `niche` of the follicles in kenogen has its niche.
    pub fn cycle_exit_rates(&self, niche: T) -> [T; CYCLE_STATES.len()] {
        let one = T::lit(1.0);
        let mut rate = [self.anagen_stage_rate(); CYCLE_STATES.len()];
        rate[ANAGEN_STAGES] = one / self.anagen_held_days;
        rate[ANAGEN_STAGES + 1] = one / self.catagen_days;
        rate[ANAGEN_STAGES + 2] = one / self.telogen_days;
        rate[ANAGEN_STAGES + 3] =
            niche / self.kenogen_days + (one - niche) / self.niche_lost_kenogen_days;
        rate
    }
}
