//! The model's states: one table, from which the indices ([`ix`]), their
//! number ([`N_STATES`]), the names and units ([`STATES`], [`STATE_NAMES`])
//! and the explicit-PK set ([`ix::EXPLICIT_PK_ONLY`]) all derive.
//!
//! **Adding a state** is one line here (its index name, identifier, unit,
//! and `explicit_pk_only` if only the stiff variant moves it) plus its
//! equation in `HairModel::derivatives_of`; its initial value is 0 unless
//! `steady_state` says otherwise, and the exports, `sim model` and every
//! solver follow. The order is the reader's: the follicle cycle, what
//! follicles are, then the pathways that act on them (DHT and the drugs that
//! lower it; the signals that lengthen anagen and the drug that joins them;
//! inflammation), and last the states only the stiff explicit-PK variant
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

const FOLLICLES: &str = "fraction of follicles";

states! {
    // The follicle cycle (the four fractions sum to 1).
    /// Fraction of follicles in anagen.
    ANAGEN = "anagen", FOLLICLES;
    /// Fraction of follicles in catagen.
    CATAGEN = "catagen", FOLLICLES;
    /// Fraction of follicles in telogen.
    TELOGEN = "telogen", FOLLICLES;
    /// Fraction of follicles in kenogen.
    KENOGEN = "kenogen", FOLLICLES;
    // What the follicles are.
    /// Fraction of follicles that are terminal (not miniaturized).
    TERMINAL = "terminal_fraction", FOLLICLES;
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
    /// Stimulation / hypoxia signal.
    STIMULATION = "stimulation", "dimensionless";
    /// Minoxidil effect-compartment exposure, topical-% equivalent.
    MINOXIDIL = "minoxidil_exposure", "topical % equivalent";
    // Inflammation.
    /// Micro-inflammation index.
    INFLAMMATION = "inflammation", "dimensionless index";
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
        assert_eq!(N_STATES, 16);
        assert_eq!(
            (ix::ANAGEN, ix::INFLAMMATION, ix::DUTASTERIDE_PLASMA),
            (0, 11, 15)
        );
        assert_eq!(STATE_NAMES[ix::DHT], ("dht", "relative to untreated"));
        for (i, s) in STATES.iter().enumerate() {
            assert!(STATES[..i].iter().all(|o| o.name != s.name), "{}", s.name);
        }
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
        assert_eq!(MOVED_BY_EFFECT_VARIANT, 12);
    }
}
