//! The model's states: one table, from which the indices ([`ix`]), their
//! number ([`N_STATES`]), the names and units ([`STATES`], [`STATE_NAMES`])
//! and the explicit-PK set ([`ix::EXPLICIT_PK_ONLY`]) all derive.
//!
//! **Adding a state** is one line here (its index name, identifier, unit,
//! and `explicit_pk_only` if only the stiff variant moves it) plus its
//! equation in `HairModel::derivatives_of`; its initial value is 0 unless
//! `steady_state` says otherwise, and the exports, `sim model` and every
//! solver follow. The order is the reader's: the follicle cycle (anagen's
//! stages, catagen, telogen, kenogen, the follicles a shedding event
//! released, and the follicles lost), what follicles
//! are (terminal, and of those the DHT-primed; miniaturized; niche intact or
//! lost), then the pathways that act on them (DHT and the drugs that lower it;
//! the signals that lengthen anagen and the drug that joins them; the
//! macrophages), the transplanted follicles (a second population, all zero
//! until a `hair_transplant` session), and last the states only the stiff explicit-PK variant
//! moves. The exports and `sim bench`'s CSV list the states in this order;
//! no result depends on it. A new state may go where it reads best: the
//! default variant's solves skip the explicit-PK states while they come last
//! (a speed-up the solver finds by itself), and an order can cost time
//! through the CPU's store forwarding (BENCHMARKS.md measures one that cost
//! 13–20 %), which is the solver core's to fix, not a rule of this table.

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
/// its doc line. Expands to the [`ix`] constants (in table order) and
/// [`STATES`].
macro_rules! states {
    ($( $(#[doc = $doc:literal])* $ix:ident = $name:literal, $unit:expr $(, $flag:ident)?; )+) => {
        /// The table's rows, numbered in order (only their positions are used).
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(usize)]
        enum Row { $($ix,)+ }

        /// Named indices into [`State`](super::State), in table order.
        pub mod ix {
            $( $(#[doc = $doc])* pub const $ix: usize = super::Row::$ix as usize; )+
            /// The states only the explicit-PK variant moves (they stay 0 otherwise).
            pub const EXPLICIT_PK_ONLY: [usize; super::N_EXPLICIT_PK_ONLY] = super::explicit_pk_only();
        }

        /// Every state, in table order.
        pub const STATES: [StateInfo; [$($name),+].len()] = [
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
/// compile time because the state vector is: the stages are rows of the table
/// below ([`ANAGEN_STAGE_STATES`] lists them), and changing the number is
/// those rows and this constant.
pub const ANAGEN_STAGES: usize = 6;

states! {
    // The follicle cycle: fractions of the follicles the scalp had at the
    // start; with the follicles lost they sum to 1.
    /// Follicles in the first sixth of their programmed anagen.
    ANAGEN_1 = "anagen_1", FOLLICLES;
    /// Follicles in the second sixth of their programmed anagen.
    ANAGEN_2 = "anagen_2", FOLLICLES;
    /// Follicles in the third sixth of their programmed anagen.
    ANAGEN_3 = "anagen_3", FOLLICLES;
    /// Follicles in the fourth sixth of their programmed anagen.
    ANAGEN_4 = "anagen_4", FOLLICLES;
    /// Follicles in the fifth sixth of their programmed anagen.
    ANAGEN_5 = "anagen_5", FOLLICLES;
    /// Follicles in the last sixth of their programmed anagen.
    ANAGEN_6 = "anagen_6", FOLLICLES;
    /// Follicles past their programmed anagen, held growing by minoxidil.
    ANAGEN_HELD = "anagen_held", FOLLICLES;
    /// Follicles in catagen.
    CATAGEN = "catagen_follicles", FOLLICLES;
    /// Follicles in telogen.
    TELOGEN = "telogen_follicles", FOLLICLES;
    /// Follicles in kenogen (empty).
    KENOGEN = "kenogen_follicles", FOLLICLES;
    /// Follicles pushed out of anagen by a shedding event (a fever, a
    /// childbirth, a crash diet, stress), first stage of their catagen and
    /// club-hair telogen.
    RELEASED_1 = "released_1", FOLLICLES;
    /// Released follicles, second stage.
    RELEASED_2 = "released_2", FOLLICLES;
    /// Released follicles, third stage.
    RELEASED_3 = "released_3", FOLLICLES;
    /// Released follicles, fourth stage.
    RELEASED_4 = "released_4", FOLLICLES;
    /// Released follicles, fifth stage.
    RELEASED_5 = "released_5", FOLLICLES;
    /// Released follicles, last stage: they shed their club hair into kenogen.
    RELEASED_6 = "released_6", FOLLICLES;
    /// Follicles lost for good: their stem-cell niche was lost and they
    /// dropped out at a re-entry (fibrosis).
    FOLLICLES_LOST = "follicles_lost", FOLLICLES;
    // What the follicles are.
    /// Fraction of the follicles present that are terminal (not miniaturized).
    TERMINAL = "terminal_fraction", "fraction of the follicles present";
    /// Fraction of the follicles present that are terminal *and* susceptible
    /// to DHT (primed): they miniaturize at their next re-entry unless DHT is
    /// kept low; among the terminal follicles.
    TERMINAL_PRIMED = "terminal_primed", "fraction of the follicles present";
    /// Fraction of the follicles present whose stem-cell niche is intact
    /// (arrector pili muscle attached, sympathetic nerve present); every
    /// terminal follicle is among them.
    NICHE = "niche_intact", "fraction of the follicles present";
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

/// The anagen stages, in order (a follicle passes through each).
pub const ANAGEN_STAGE_STATES: [usize; ANAGEN_STAGES] = [
    ix::ANAGEN_1,
    ix::ANAGEN_2,
    ix::ANAGEN_3,
    ix::ANAGEN_4,
    ix::ANAGEN_5,
    ix::ANAGEN_6,
];

/// How many stages the released follicles pass through between a shedding
/// event and the shedding of their club hair: the delay is Erlang
/// distributed with a coefficient of variation of 1/√6 ≈ 0.41, so the wave of
/// shedding starts weeks after the trigger rather than at once (Kligman
/// 1961: shedding 2–4 months after the trigger); illustrative assumption.
pub const RELEASED_STAGES: usize = 6;

/// The released follicles' stages, in order.
pub const RELEASED_STATES: [usize; RELEASED_STAGES] = [
    ix::RELEASED_1,
    ix::RELEASED_2,
    ix::RELEASED_3,
    ix::RELEASED_4,
    ix::RELEASED_5,
    ix::RELEASED_6,
];

/// The cycle's compartments in the order a follicle passes through them: the
/// anagen stages, the held stage, catagen, telogen, kenogen.
pub const CYCLE_STATES: [usize; ANAGEN_STAGES + 4] = {
    let mut c = [0; ANAGEN_STAGES + 4];
    let mut k = 0;
    while k < ANAGEN_STAGES {
        c[k] = ANAGEN_STAGE_STATES[k];
        k += 1;
    }
    c[ANAGEN_STAGES] = ix::ANAGEN_HELD;
    c[ANAGEN_STAGES + 1] = ix::CATAGEN;
    c[ANAGEN_STAGES + 2] = ix::TELOGEN;
    c[ANAGEN_STAGES + 3] = ix::KENOGEN;
    c
};

/// The states that count follicles: the cycle's compartments, the released
/// follicles and the follicles lost. They always sum to 1 (every flux leaves
/// one and enters another).
pub const FOLLICLE_STATES: [usize; ANAGEN_STAGES + RELEASED_STAGES + 5] = {
    let mut f = [ix::FOLLICLES_LOST; ANAGEN_STAGES + RELEASED_STAGES + 5];
    let mut k = 0;
    while k < CYCLE_STATES.len() {
        f[k] = CYCLE_STATES[k];
        k += 1;
    }
    let mut j = 0;
    while j < RELEASED_STAGES {
        f[k + j] = RELEASED_STATES[j];
        j += 1;
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
pub const N_STATES: usize = STATES.len();

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

    #[test]
    fn indices_follow_the_table_and_names_are_unique() {
        assert_eq!(N_STATES, 47);
        assert_eq!(
            (ix::ANAGEN_1, ix::MACROPHAGE_M2, ix::DUTASTERIDE_PLASMA),
            (0, 31, 46)
        );
        assert_eq!(STATE_NAMES[ix::DHT], ("dht", "relative to untreated"));
        for (i, s) in STATES.iter().enumerate() {
            assert!(STATES[..i].iter().all(|o| o.name != s.name), "{}", s.name);
        }
    }

    #[test]
    fn the_anagen_stages_follow_each_other_and_the_follicle_states_are_the_cycle() {
        for (k, &i) in ANAGEN_STAGE_STATES.iter().enumerate() {
            assert_eq!(i, ix::ANAGEN_1 + k);
            assert_eq!(STATES[i].name, format!("anagen_{}", k + 1));
        }
        assert_eq!(ANAGEN_STAGE_STATES[ANAGEN_STAGES - 1] + 1, ix::ANAGEN_HELD);
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
        assert_eq!(MOVED_BY_EFFECT_VARIANT, 43);
    }
}
