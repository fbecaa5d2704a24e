//! The native follicles' equations: each kind's cycle, and what the
//! follicles become as they re-enter anagen. Every term is a follicle of one
//! kind in one compartment leaving at its rate, so the equations are the
//! forward equation of the follicle-level chain (`crate::follicles`).

use super::kinds::compartment::{
    ANAGEN_1, CATAGEN, HELD, KENOGEN, RELEASED_1, RELEASED_LAST, TELOGEN,
};
use super::{follicle_state, ix, HairModel, Kind, Rates, KINDS, N_STATES};
use crate::symbolic::Scalar;

/// The exports' names of each kind's flow out of kenogen.
const RE_ENTRY_NAMES: [&str; KINDS] = [
    "terminal_reentry",
    "primed_reentry",
    "miniaturized_reentry",
    "niche_lost_reentry",
];

impl<T: Scalar> HairModel<T> {
    /// The follicle states' and the follicles lost's share of dy/dt, at the
    /// native follicles' rates `r`.
    #[inline(always)]
    pub(super) fn follicle_derivatives_of(
        &self,
        r: &Rates<T>,
        y: &[T; N_STATES],
        dy: &mut [T; N_STATES],
    ) {
        let zero = T::lit(0.0);
        let stage_rate = r.anagen_stage_rate();
        let mut re_entry = [zero; KINDS];
        for kind in Kind::ALL {
            let at = |c: usize| follicle_state(kind, c);
            // Anagen's stages are left at one rate; a follicle held past its
            // programmed anagen leaves the held stage for catagen.
            let mut inflow = zero;
            for c in ANAGEN_1..HELD {
                let out = stage_rate * y[at(c)];
                dy[at(c)] = inflow - out;
                inflow = out;
            }
            let to_catagen = y[at(HELD)] / r.anagen_held_days;
            let to_telogen = y[at(CATAGEN)] / r.catagen_days;
            let shed = y[at(TELOGEN)] / r.telogen_days;
            dy[at(HELD)] = inflow - to_catagen;
            dy[at(CATAGEN)] = to_catagen - to_telogen;
            dy[at(TELOGEN)] = to_telogen - shed;
            // Follicles a shedding event pushed out of anagen pass their own
            // stages and shed into kenogen.
            let mut released = zero;
            for c in RELEASED_1..=RELEASED_LAST {
                let out = y[at(c)] / r.released_stage_days;
                dy[at(c)] = released - out;
                released = out;
            }
            // Without its niche a follicle is slow to start a new anagen.
            let kenogen_days = if kind.niche() {
                r.kenogen_days
            } else {
                r.niche_lost_kenogen_days
            };
            let exit = (y[at(KENOGEN)] / kenogen_days).named(RE_ENTRY_NAMES[kind as usize]);
            dy[at(KENOGEN)] = shed + released - exit;
            re_entry[kind as usize] = exit;
        }

        // What the re-entering follicles become: terminal ones not yet
        // susceptible to DHT may miniaturize (M1 inflammation) or become
        // susceptible (primed), whatever the DHT level; primed ones
        // miniaturize unless DHT is low; miniaturized ones with an intact
        // niche are restored or, if not, may lose their niche; those without
        // it may drop out for good. What an untreated scalp restores (at full
        // DHT) returns unprimed; a treatment's extra restoration returns
        // primed (still susceptible).
        let [terminal, primed, miniaturized, niche_lost] = re_entry;
        let to_miniaturized = terminal * r.miniaturization_per_cycle;
        let to_primed = (terminal - to_miniaturized) * r.priming_per_cycle;
        let primed_miniaturized = primed * r.primed_miniaturization_per_cycle;
        let restored = miniaturized * r.restoration_per_cycle;
        let restored_unprimed = miniaturized * r.untreated_restoration_per_cycle;
        let lose_niche = (miniaturized - restored) * r.niche_loss_per_cycle;
        let dropout = (niche_lost * r.dropout_per_cycle).named("dropout");
        let into = [
            terminal - to_miniaturized - to_primed + restored_unprimed,
            primed - primed_miniaturized + to_primed + restored - restored_unprimed,
            miniaturized - restored - lose_niche + to_miniaturized + primed_miniaturized,
            niche_lost - dropout + lose_niche,
        ];
        for (kind, inflow) in Kind::ALL.into_iter().zip(into) {
            let first = follicle_state(kind, ANAGEN_1);
            dy[first] = dy[first] + inflow;
        }
        dy[ix::FOLLICLES_LOST] = dropout;
    }
}
