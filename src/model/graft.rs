//! The transplanted follicles (`hair_transplant`): a second population with
//! its own phases, terminal share and androgen sensitivity, counted in
//! fractions of the starting native follicles so that the two add up.
//!
//! A graft arrives holding the shaft it was moved with and sheds it within
//! weeks (post-operative telogen, mean `graft_shedding_days`); it then rests
//! (three stages, so that regrowth starts after a delay rather than at once,
//! mean `graft_resting_days` together: about 10 % of the grafts regrow by
//! month 2, half by month 4, 95 % by month 9). Leaving the rest it starts its first
//! anagen if its arrector pili muscle re-attached to the bulge, or is lost:
//! the seed's hypothesis that re-attachment decides survival, with M1 activity
//! above M2 hindering it. The first regrown shaft is fine and thickens
//! (mean `graft_maturation_days`); from then on the graft cycles like a native
//! follicle with an intact niche, through the same equations with the donor
//! region's androgen sensitivity (`graft_dht_sensitivity`, 0: donor
//! dominance), so minoxidil, growth factors and inflammation act on it and
//! DHT by default does not. Grafts are never primed (susceptible to DHT):
//! only M1 inflammation miniaturizes them, whatever their sensitivity. The established grafts' anagen is one
//! compartment (exponential), a simplification of the native follicles' chain.

use super::rates::GRAFT;
use super::{emax, ix, HairModel, Rates, N_STATES};
use crate::symbolic::Scalar;

/// What the grafts contribute to the readouts, in the native follicles'
/// units (fractions of the starting native follicles).
#[derive(Debug, Clone, Copy)]
pub(super) struct GraftReadout<T> {
    /// Grafts present (every compartment but the lost).
    pub present: T,
    /// Grafts in anagen (first and later).
    pub anagen: T,
    /// Grafts in catagen.
    pub catagen: T,
    /// Grafts in telogen, post-operative and later.
    pub telogen: T,
    /// Grafts resting or in kenogen (no shaft).
    pub kenogen: T,
    /// Terminal (and regrowing) shafts counted as hairs.
    pub hairs: T,
    /// Every shaft, terminal or not.
    pub shafts: T,
    /// Grafts counted as terminal follicles (present and not miniaturized).
    pub terminal: T,
    /// Shafts shed per day.
    pub shedding: T,
    /// Sum of the shafts' diameters, µm.
    pub diameter_sum: T,
    /// Sum of the shafts' squared diameters, µm².
    pub diameter_sq_sum: T,
    /// Sum of the anagen shafts' growth speeds before the growth-factor gain, mm/day.
    pub speed_sum: T,
}

impl<T: Scalar> HairModel<T> {
    /// Effective durations and hazards of the transplanted follicles.
    #[inline(always)]
    pub fn graft_rates_of(&self, y: &[T; N_STATES]) -> Rates<T> {
        self.rates_for(y, self.params.graft_dht_sensitivity, &GRAFT)
    }

    /// Probability that a graft's arrector pili muscle re-attaches as it
    /// leaves its post-operative rest.
    #[inline(always)]
    pub fn graft_reattachment_of(&self, y: &[T; N_STATES]) -> T {
        let p = &self.params;
        (p.graft_reattachment * (-(p.graft_detachment_m1 * self.m1_excess_of(y))).exp())
            .named("graft_reattachment_probability")
    }

    /// The transplanted follicles' share of dy/dt.
    #[inline(always)]
    pub(super) fn graft_derivatives_of(&self, y: &[T; N_STATES], dy: &mut [T; N_STATES]) {
        let p = &self.params;
        let one = T::lit(1.0);
        let r = self.graft_rates_of(y);
        let shed = (y[ix::GRAFT_SHEDDING] / p.graft_shedding_days).named("graft_postop_shedding");
        let rest_rate = T::lit(3.0) / p.graft_resting_days;
        let rested_1 = rest_rate * y[ix::GRAFT_RESTING_1];
        let rested_2 = rest_rate * y[ix::GRAFT_RESTING_2];
        let woken = (rest_rate * y[ix::GRAFT_RESTING_3]).named("graft_rest_end");
        let survive = woken * self.graft_reattachment_of(y);
        let matured = (y[ix::GRAFT_REGROWING] / p.graft_maturation_days).named("graft_matured");
        let to_catagen = y[ix::GRAFT_ANAGEN] / r.anagen_total_days();
        let to_telogen = y[ix::GRAFT_CATAGEN] / r.catagen_days;
        let to_kenogen = y[ix::GRAFT_TELOGEN] / r.telogen_days;
        let re_entry = (y[ix::GRAFT_KENOGEN] / r.kenogen_days).named("graft_re_entry");
        dy[ix::GRAFT_SHEDDING] = -shed;
        dy[ix::GRAFT_RESTING_1] = shed - rested_1;
        dy[ix::GRAFT_RESTING_2] = rested_1 - rested_2;
        dy[ix::GRAFT_RESTING_3] = rested_2 - woken;
        dy[ix::GRAFT_REGROWING] = survive - matured;
        dy[ix::GRAFT_ANAGEN] = matured + re_entry - to_catagen;
        dy[ix::GRAFT_CATAGEN] = to_catagen - to_telogen;
        dy[ix::GRAFT_TELOGEN] = to_telogen - to_kenogen;
        dy[ix::GRAFT_KENOGEN] = to_kenogen - re_entry;
        dy[ix::GRAFT_LOST] = woken - survive;
        // A matured graft is terminal; at each re-entry terminal grafts may
        // miniaturize and miniaturized ones be restored (the kinds assumed
        // spread over the phases like the whole, as for the native follicles).
        // Grafts are never primed: donor follicles are not susceptible to
        // DHT, so only M1 inflammation miniaturizes them (a native primed
        // follicle's DHT hazard does not apply), and a restored graft returns
        // unprimed.
        let share = self.graft_terminal_share_of(y);
        dy[ix::GRAFT_TERMINAL] = matured
            + re_entry
                * ((one - share) * r.restoration_per_cycle - share * r.miniaturization_per_cycle);
    }

    /// Established grafts (past their first anagen): the four cycling compartments.
    #[inline(always)]
    fn graft_established_of(&self, y: &[T; N_STATES]) -> T {
        y[ix::GRAFT_ANAGEN] + y[ix::GRAFT_CATAGEN] + y[ix::GRAFT_TELOGEN] + y[ix::GRAFT_KENOGEN]
    }

    /// Terminal share of the established grafts (1 while there are none).
    #[inline(always)]
    pub fn graft_terminal_share_of(&self, y: &[T; N_STATES]) -> T {
        let established = self.graft_established_of(y);
        let tiny = T::lit(1e-12);
        ((y[ix::GRAFT_TERMINAL] + tiny) / (established + tiny)).named("graft_terminal_share")
    }

    /// What the grafts add to the readouts.
    pub(super) fn graft_readout_of(&self, y: &[T; N_STATES]) -> GraftReadout<T> {
        let p = &self.params;
        let one = T::lit(1.0);
        let r = self.graft_rates_of(y);
        let share = self.graft_terminal_share_of(y);
        let cycling_shafts = y[ix::GRAFT_ANAGEN] + y[ix::GRAFT_CATAGEN] + y[ix::GRAFT_TELOGEN];
        let (d_t, d_v, d_r) = (
            p.terminal_diameter_um,
            p.vellus_diameter_um,
            p.graft_regrowing_diameter_um,
        );
        let established_diameter = share * d_t + (one - share) * d_v;
        let established_diameter_sq = share * d_t * d_t + (one - share) * d_v * d_v;
        let established_speed =
            share * p.terminal_growth_mm_per_day + (one - share) * p.vellus_growth_mm_per_day;
        let present = y[ix::GRAFT_SHEDDING]
            + y[ix::GRAFT_RESTING_1]
            + y[ix::GRAFT_RESTING_2]
            + y[ix::GRAFT_RESTING_3]
            + y[ix::GRAFT_REGROWING]
            + self.graft_established_of(y);
        GraftReadout {
            present,
            anagen: y[ix::GRAFT_REGROWING] + y[ix::GRAFT_ANAGEN],
            catagen: y[ix::GRAFT_CATAGEN],
            telogen: y[ix::GRAFT_SHEDDING] + y[ix::GRAFT_TELOGEN],
            kenogen: y[ix::GRAFT_RESTING_1]
                + y[ix::GRAFT_RESTING_2]
                + y[ix::GRAFT_RESTING_3]
                + y[ix::GRAFT_KENOGEN],
            hairs: y[ix::GRAFT_SHEDDING] + y[ix::GRAFT_REGROWING] + cycling_shafts * share,
            shafts: y[ix::GRAFT_SHEDDING] + y[ix::GRAFT_REGROWING] + cycling_shafts,
            terminal: present - self.graft_established_of(y) * (one - share),
            shedding: y[ix::GRAFT_SHEDDING] / p.graft_shedding_days
                + y[ix::GRAFT_TELOGEN] / r.telogen_days,
            diameter_sum: y[ix::GRAFT_SHEDDING] * d_t
                + y[ix::GRAFT_REGROWING] * d_r
                + cycling_shafts * established_diameter,
            diameter_sq_sum: y[ix::GRAFT_SHEDDING] * d_t * d_t
                + y[ix::GRAFT_REGROWING] * d_r * d_r
                + cycling_shafts * established_diameter_sq,
            speed_sum: y[ix::GRAFT_REGROWING] * p.terminal_growth_mm_per_day
                + y[ix::GRAFT_ANAGEN] * established_speed,
        }
    }
}

/// Growth-factor gain on the shafts' growth speed (1 without growth factor).
#[inline(always)]
pub(super) fn growth_speed_gain<T: Scalar>(model: &HairModel<T>, y: &[T; N_STATES]) -> T {
    let p = model.params();
    let gf = emax(y[ix::GROWTH_FACTOR], p.growth_factor_ec50).named("growth_factor_effect");
    (T::lit(1.0) + p.growth_factor_growth_speed * gf).named("growth_speed_gain")
}
