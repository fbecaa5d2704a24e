//! The model's states: the follicle states by kind and compartment
//! ([`super::kinds`]) and one table, from which the indices ([`ix`]), their
//! number ([`N_STATES`]), the names and units ([`STATES`], [`STATE_NAMES`])
//! and the explicit-PK set ([`ix::EXPLICIT_PK_ONLY`]) all derive.
//!
//! **Adding a state** is one line here (its index name, identifier, unit,
//! and `explicit_pk_only` if only the stiff variant moves it) plus its
//! equation in `HairModel::derivatives_of`; its initial value is 0 unless
//! `steady_state` says otherwise, and the exports, `sim model` and every
//! solver follow. The order is the reader's: first the native follicles,
//! counted by kind and compartment ([`super::kinds`]: for each kind, anagen's
//! stages, the held stage, catagen, telogen, kenogen and the stages a
//! shedding event releases into), then the table below: the follicles lost,
//! the androgen sensitivity and oestrogen, the pathways that act on the
//! follicles (DHT and the drugs that lower it;
//! the signals that lengthen anagen and the drug that joins them; the
//! macrophages), the transplanted follicles (a second population, all zero
//! until a `hair_transplant` session), and last the states only the stiff explicit-PK variant
//! moves. The exports and `sim bench`'s CSV list the states in this order;
//! no result depends on it. A new state may go where it reads best: the
//! default variant's solves skip the explicit-PK states while they come last
//! (a speed-up the solver finds by itself), and an order can cost time
//! through the CPU's store forwarding (BENCHMARKS.md measures one that cost
//! 13–20 %), which is the solver core's to fix, not a rule of this table.

use super::kinds::{compartment, FOLLICLE_STATE_NAMES, KINDS, N_FOLLICLE_STATES};

/// A state as documented and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateInfo {
    /// Identifier (SBML species, Python variable, `sim model`).
    pub name: &'static str,
    /// Unit, or what the number is relative to.
    pub unit: &'static str,
    /// Whether only the explicit-PK variant moves it (it stays 0 otherwise).
    pub explicit_pk_only: bool,
}

/// The table: `INDEX = "identifier", "unit" [, explicit_pk_only];`, each with
/// its doc line. Expands to the [`ix`] constants (in table order, after the
/// follicle states) and [`STATES`].
macro_rules! states {
    ($( $(#[doc = $doc:literal])* $ix:ident = $name:literal, $unit:expr $(, $flag:ident)?; )+) => {
        /// The table's rows, numbered in order (only their positions are used).
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(usize)]
        enum Row { $($ix,)+ }

        /// Named indices into [`State`](super::State): the table's rows, in
        /// order, after the follicle states ([`follicle_state`]).
        pub mod ix {
            $( $(#[doc = $doc])* pub const $ix: usize = super::N_FOLLICLE_STATES + super::Row::$ix as usize; )+
            /// The states only the explicit-PK variant moves (they stay 0 otherwise).
            pub const EXPLICIT_PK_ONLY: [usize; super::N_EXPLICIT_PK_ONLY] = super::explicit_pk_only();
        }

        /// The table's rows.
        const TABLE: [StateInfo; [$($name),+].len()] = [
            $( StateInfo { name: $name, unit: $unit, explicit_pk_only: states!(@flag $($flag)?) } ),+
        ];
    };
    (@flag) => { false };
    (@flag explicit_pk_only) => { true };
}

const FOLLICLES: &str = "fraction of the starting follicles";
const GRAFTS: &str = "transplanted follicles, fraction of the starting native follicles";

/// Anagen is a chain of this many stages of equal mean duration, so that its
/// duration is gamma (Erlang) distributed with a coefficient of variation of
/// 1/√6 ≈ 0.41 (illustrative assumption; Halloy et al. 2000 fitted a
/// lognormal with a mean and a spread, no published CV was found). Fixed at
/// compile time because the state vector is: the stages are compartments of
/// every kind ([`super::kinds::compartment`]), and changing the number is
/// this constant and the names there.
pub const ANAGEN_STAGES: usize = 6;

states! {
    // Follicles lost: with the follicle states they sum to 1.
    /// Follicles lost for good: their stem-cell niche was lost and they
    /// dropped out at a re-entry (fibrosis).
    FOLLICLES_LOST = "follicles_lost", FOLLICLES;
    /// Androgen sensitivity of the scalp; rises as androgenetic alopecia spreads.
    ANDROGEN_SENSITIVITY = "androgen_sensitivity", "dimensionless";
    /// Oestrogen signal (hypothesis: supports anagen; pregnancy's high level
    /// holds follicles in anagen); 0 in the male and `healthy` profiles.
    OESTROGEN = "oestrogen", "relative to a premenopausal woman";
    // The androgen pathway: DHT and the 5α-reductase inhibitors' effect compartments.
    /// Scalp DHT relative to untreated.
    DHT = "dht", "relative to untreated";
    /// Finasteride effect-compartment exposure, mg/day equivalent.
    FINASTERIDE = "finasteride_exposure", "mg/day equivalent";
    /// Dutasteride effect-compartment exposure, mg/day equivalent.
    DUTASTERIDE = "dutasteride_exposure", "mg/day equivalent";
    // The signals that lengthen anagen, and minoxidil's effect compartment.
    /// Growth-factor signal.
    GROWTH_FACTOR = "growth_factor", "dimensionless";
    /// Stimulation: HIF-1α activity, stabilized by hypoxia; it lengthens
    /// anagen and drives VEGF (the growth factor).
    STIMULATION = "stimulation", "dimensionless";
    /// Short hypoxia signal of a microneedling, laser or carboxytherapy session.
    HYPOXIA = "hypoxia", "dimensionless";
    /// Activity of injected dermal sheath cup cells (`cell_therapy`).
    CELL_THERAPY = "cell_therapy_activity", "dimensionless";
    /// Minoxidil effect-compartment exposure, topical-% equivalent.
    MINOXIDIL = "minoxidil_exposure", "topical % equivalent";
    // The perifollicular macrophages: the M1 / M2 balance.
    /// Pro-inflammatory (M1) macrophage activity: the micro-inflammation index.
    MACROPHAGE_M1 = "macrophage_m1", "dimensionless index";
    /// Reparative (M2) macrophage activity.
    MACROPHAGE_M2 = "macrophage_m2", "dimensionless index";
    // The transplanted follicles (`hair_transplant`): a second population,
    // counted like the first in fractions of the starting native follicles.
    /// Grafted follicles holding the shafts they were moved with, about to shed them (post-operative telogen).
    GRAFT_SHEDDING = "graft_shedding", GRAFTS;
    /// Grafted follicles resting after the shedding, first stage.
    GRAFT_RESTING_1 = "graft_resting_1", GRAFTS;
    /// Grafted follicles resting after the shedding, second stage.
    GRAFT_RESTING_2 = "graft_resting_2", GRAFTS;
    /// Grafted follicles resting after the shedding, last stage; they leave it for their first anagen if their arrector pili muscle re-attached, or are lost.
    GRAFT_RESTING_3 = "graft_resting_3", GRAFTS;
    /// Grafted follicles in their first anagen, the shaft still fine (maturing).
    GRAFT_REGROWING = "graft_regrowing", GRAFTS;
    /// Established grafted follicles in anagen.
    GRAFT_ANAGEN = "graft_anagen", GRAFTS;
    /// Grafted follicles in catagen.
    GRAFT_CATAGEN = "graft_catagen", GRAFTS;
    /// Grafted follicles in telogen.
    GRAFT_TELOGEN = "graft_telogen", GRAFTS;
    /// Grafted follicles in kenogen.
    GRAFT_KENOGEN = "graft_kenogen", GRAFTS;
    /// Grafts lost: their arrector pili muscle did not re-attach.
    GRAFT_LOST = "graft_lost", GRAFTS;
    /// Established grafts (past their first anagen) that are terminal; the
    /// others miniaturized (grafts are never primed: only M1 inflammation
    /// miniaturizes them).
    GRAFT_TERMINAL = "graft_terminal", GRAFTS;
    // The stiff variant's plasma kinetics (`[model] pk = "explicit"`).
    /// Explicit PK only: finasteride in the gut, mg.
    FINASTERIDE_GUT = "finasteride_gut", "mg (explicit PK only)", explicit_pk_only;
    /// Explicit PK only: finasteride in plasma, mg.
    FINASTERIDE_PLASMA = "finasteride_plasma", "mg (explicit PK only)", explicit_pk_only;
    /// Explicit PK only: dutasteride in the gut, mg.
    DUTASTERIDE_GUT = "dutasteride_gut", "mg (explicit PK only)", explicit_pk_only;
    /// Explicit PK only: dutasteride in plasma, mg.
    DUTASTERIDE_PLASMA = "dutasteride_plasma", "mg (explicit PK only)", explicit_pk_only;
}

/// How many stages the released follicles pass through between a shedding
/// event and the shedding of their club hair: the delay is Erlang
/// distributed with a coefficient of variation of 1/√6 ≈ 0.41, so the wave of
/// shedding starts weeks after the trigger rather than at once (Kligman
/// 1961: shedding 2–4 months after the trigger); illustrative assumption.
pub const RELEASED_STAGES: usize = 6;

/// The states that count native follicles: every kind's compartments and
/// the follicles lost. They always sum to 1 (every flux leaves one and
/// enters another).
pub const FOLLICLE_STATES: [usize; N_FOLLICLE_STATES + 1] = {
    let mut f = [ix::FOLLICLES_LOST; N_FOLLICLE_STATES + 1];
    let mut i = 0;
    while i < N_FOLLICLE_STATES {
        f[i] = i;
        i += 1;
    }
    f
};

/// The transplanted population's compartments, in the order a graft passes
/// through them (after its first anagen it cycles through the last four).
/// With the grafts lost they sum to every follicle ever transplanted.
pub const GRAFT_CYCLE_STATES: [usize; 9] = [
    ix::GRAFT_SHEDDING,
    ix::GRAFT_RESTING_1,
    ix::GRAFT_RESTING_2,
    ix::GRAFT_RESTING_3,
    ix::GRAFT_REGROWING,
    ix::GRAFT_ANAGEN,
    ix::GRAFT_CATAGEN,
    ix::GRAFT_TELOGEN,
    ix::GRAFT_KENOGEN,
];

/// Number of state variables.
pub const N_STATES: usize = N_FOLLICLE_STATES + TABLE.len();

/// Every state: the follicle states by kind and compartment, then the table.
pub const STATES: [StateInfo; N_STATES] = {
    let mut s = [StateInfo {
        name: "",
        unit: FOLLICLES,
        explicit_pk_only: false,
    }; N_STATES];
    let mut k = 0;
    while k < KINDS {
        let mut c = 0;
        while c < compartment::COUNT {
            s[k * compartment::COUNT + c].name = FOLLICLE_STATE_NAMES[k][c];
            c += 1;
        }
        k += 1;
    }
    let mut i = 0;
    while i < TABLE.len() {
        s[N_FOLLICLE_STATES + i] = TABLE[i];
        i += 1;
    }
    s
};

/// Names and units of the states, by index.
pub const STATE_NAMES: [(&str, &str); N_STATES] = {
    let mut n = [("", ""); N_STATES];
    let mut i = 0;
    while i < N_STATES {
        n[i] = (STATES[i].name, STATES[i].unit);
        i += 1;
    }
    n
};

/// How many states only the explicit-PK variant moves.
const N_EXPLICIT_PK_ONLY: usize = {
    let (mut n, mut i) = (0, 0);
    while i < N_STATES {
        if STATES[i].explicit_pk_only {
            n += 1;
        }
        i += 1;
    }
    n
};

const fn explicit_pk_only() -> [usize; N_EXPLICIT_PK_ONLY] {
    let mut out = [0; N_EXPLICIT_PK_ONLY];
    let (mut n, mut i) = (0, 0);
    while i < N_STATES {
        if STATES[i].explicit_pk_only {
            out[n] = i;
            n += 1;
        }
        i += 1;
    }
    out
}

/// The leading states the default (effect-compartment) variant can move:
/// all those before the explicit-PK-only ones when these come last, else
/// all of them (the solver then simply covers every state).
pub const MOVED_BY_EFFECT_VARIANT: usize = {
    let mut first = N_STATES;
    while first > 0 && STATES[first - 1].explicit_pk_only {
        first -= 1;
    }
    let mut i = 0;
    let mut all_after = true;
    while i < first {
        if STATES[i].explicit_pk_only {
            all_after = false;
        }
        i += 1;
    }
    if all_after {
        first
    } else {
        N_STATES
    }
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{follicle_state, Kind};

    #[test]
    fn indices_follow_the_table_and_names_are_unique() {
        assert_eq!(N_STATES, 92);
        assert_eq!(
            (
                ix::FOLLICLES_LOST,
                ix::MACROPHAGE_M2,
                ix::DUTASTERIDE_PLASMA
            ),
            (64, 76, 91)
        );
        assert_eq!(STATE_NAMES[ix::DHT], ("dht", "relative to untreated"));
        assert_eq!(
            STATES[follicle_state(Kind::Primed, compartment::KENOGEN)].name,
            "primed_kenogen"
        );
        for (i, s) in STATES.iter().enumerate() {
            assert!(!s.name.is_empty());
            assert!(STATES[..i].iter().all(|o| o.name != s.name), "{}", s.name);
        }
    }

    #[test]
    fn the_follicle_states_count_follicles() {
        let mut all = FOLLICLE_STATES.to_vec();
        all.dedup();
        assert_eq!(all.len(), FOLLICLE_STATES.len());
        assert!(all.iter().all(|&i| STATES[i].unit == FOLLICLES));
    }

    #[test]
    fn the_explicit_pk_set_and_the_default_variant_s_states_derive_from_the_table() {
        assert_eq!(
            ix::EXPLICIT_PK_ONLY,
            [
                ix::FINASTERIDE_GUT,
                ix::FINASTERIDE_PLASMA,
                ix::DUTASTERIDE_GUT,
                ix::DUTASTERIDE_PLASMA
            ]
        );
        assert_eq!(MOVED_BY_EFFECT_VARIANT, 88);
    }
}
