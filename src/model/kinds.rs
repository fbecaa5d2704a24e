//! What a follicle is (its [`Kind`]) and where it is in its cycle (its
//! compartment, [`compartment`]). The ODE counts the native follicles of
//! each kind in each compartment, so that it is the exact forward equation
//! of the follicle-level chain (`crate::follicles`): a follicle that changed
//! kind restarts anagen, and a follicle whose niche is lost waits longer in
//! kenogen, and each kind is counted where it is rather than assumed spread
//! over the phases like the whole. [`Census`] sums the counts the readouts use.

use super::states::{ANAGEN_STAGES, RELEASED_STAGES};
use super::N_STATES;
use crate::symbolic::Scalar;

/// What a follicle is. It changes only as the follicle re-enters anagen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Terminal, not (yet) susceptible to DHT.
    Terminal,
    /// Terminal and susceptible to DHT (primed): it miniaturizes at a
    /// re-entry unless DHT is kept low.
    Primed,
    /// Miniaturized, its stem-cell niche intact (it may be restored).
    Miniaturized,
    /// Miniaturized, its niche lost: slow to re-enter anagen, never
    /// restored, and it may drop out for good.
    NicheLost,
}

impl Kind {
    /// Every kind, in the order of the state table.
    pub const ALL: [Kind; KINDS] = [
        Kind::Terminal,
        Kind::Primed,
        Kind::Miniaturized,
        Kind::NicheLost,
    ];

    /// Terminal (a thick, long shaft).
    pub const fn terminal(self) -> bool {
        matches!(self, Kind::Terminal | Kind::Primed)
    }

    /// Its stem-cell niche is intact.
    pub const fn niche(self) -> bool {
        !matches!(self, Kind::NicheLost)
    }

    /// Identifier, as in the state names.
    pub const fn name(self) -> &'static str {
        KIND_NAMES[self as usize]
    }
}

/// How many kinds there are.
pub const KINDS: usize = 4;

const KIND_NAMES: [&str; KINDS] = ["terminal", "primed", "miniaturized", "niche_lost"];

/// The compartments of one kind's cycle, in the order a follicle passes
/// them: the anagen stages, the held stage, catagen, telogen, kenogen; then
/// the stages a shedding event releases anagen follicles into (they hold
/// their club hair and shed it into kenogen).
pub mod compartment {
    use super::{ANAGEN_STAGES, RELEASED_STAGES};
    /// The first anagen stage (the others follow it).
    pub const ANAGEN_1: usize = 0;
    /// Held past the programmed anagen (minoxidil, pregnancy).
    pub const HELD: usize = ANAGEN_STAGES;
    /// Catagen.
    pub const CATAGEN: usize = HELD + 1;
    /// Telogen.
    pub const TELOGEN: usize = HELD + 2;
    /// Kenogen (empty).
    pub const KENOGEN: usize = HELD + 3;
    /// The first released stage (the others follow it).
    pub const RELEASED_1: usize = KENOGEN + 1;
    /// The last released stage: its follicles shed into kenogen.
    pub const RELEASED_LAST: usize = RELEASED_1 + RELEASED_STAGES - 1;
    /// Compartments per kind.
    pub const COUNT: usize = RELEASED_LAST + 1;
}

/// The state index of kind `kind`'s compartment `c` (a [`compartment`]).
pub const fn follicle_state(kind: Kind, c: usize) -> usize {
    kind as usize * compartment::COUNT + c
}

/// How many states count native follicles by kind and compartment; they
/// come first in the state vector.
pub const N_FOLLICLE_STATES: usize = KINDS * compartment::COUNT;

/// `"<kind>_<compartment>"` for every compartment of one kind, in order.
macro_rules! compartment_names {
    ($($kind:literal),+) => {
        [$([
            concat!($kind, "_anagen_1"),
            concat!($kind, "_anagen_2"),
            concat!($kind, "_anagen_3"),
            concat!($kind, "_anagen_4"),
            concat!($kind, "_anagen_5"),
            concat!($kind, "_anagen_6"),
            concat!($kind, "_anagen_held"),
            concat!($kind, "_catagen"),
            concat!($kind, "_telogen"),
            concat!($kind, "_kenogen"),
            concat!($kind, "_released_1"),
            concat!($kind, "_released_2"),
            concat!($kind, "_released_3"),
            concat!($kind, "_released_4"),
            concat!($kind, "_released_5"),
            concat!($kind, "_released_6"),
        ]),+]
    };
}

/// The identifiers of the follicle states, by kind and compartment (the
/// array's type checks them against [`ANAGEN_STAGES`] and [`RELEASED_STAGES`]).
pub(super) const FOLLICLE_STATE_NAMES: [[&str; compartment::COUNT]; KINDS] =
    compartment_names!("terminal", "primed", "miniaturized", "niche_lost");

/// The native follicles summed the ways the readouts need them, as
/// fractions of the starting follicles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Census<T = f64> {
    /// In anagen (its stages and the held stage), every kind.
    pub anagen: T,
    /// In catagen.
    pub catagen: T,
    /// In telogen (not counting the released).
    pub telogen: T,
    /// In kenogen.
    pub kenogen: T,
    /// Released by a shedding event and still holding their club hair.
    pub released: T,
    /// In the last released stage (they shed from it).
    pub released_last: T,
    /// Terminal follicles (terminal or primed), every compartment.
    pub terminal: T,
    /// Terminal follicles holding a shaft (every compartment but kenogen).
    pub terminal_shafts: T,
    /// Terminal follicles in anagen.
    pub terminal_anagen: T,
    /// Follicles whose niche is lost.
    pub niche_lost: T,
}

impl<T: Scalar> Census<T> {
    /// The sums over the follicle states of `y`.
    pub fn of(y: &[T; N_STATES]) -> Self {
        let zero = T::lit(0.0);
        let mut c = Census {
            anagen: zero,
            catagen: zero,
            telogen: zero,
            kenogen: zero,
            released: zero,
            released_last: zero,
            terminal: zero,
            terminal_shafts: zero,
            terminal_anagen: zero,
            niche_lost: zero,
        };
        for kind in Kind::ALL {
            let at = |c: usize| y[follicle_state(kind, c)];
            let anagen = (compartment::ANAGEN_1..=compartment::HELD).fold(zero, |s, i| s + at(i));
            let released =
                (compartment::RELEASED_1..=compartment::RELEASED_LAST).fold(zero, |s, i| s + at(i));
            let (catagen, telogen, kenogen) = (
                at(compartment::CATAGEN),
                at(compartment::TELOGEN),
                at(compartment::KENOGEN),
            );
            c.anagen = c.anagen + anagen;
            c.catagen = c.catagen + catagen;
            c.telogen = c.telogen + telogen;
            c.kenogen = c.kenogen + kenogen;
            c.released = c.released + released;
            c.released_last = c.released_last + at(compartment::RELEASED_LAST);
            if kind.terminal() {
                let shafts = anagen + catagen + telogen + released;
                c.terminal = c.terminal + shafts + kenogen;
                c.terminal_shafts = c.terminal_shafts + shafts;
                c.terminal_anagen = c.terminal_anagen + anagen;
            }
            if !kind.niche() {
                c.niche_lost = c.niche_lost + anagen + catagen + telogen + kenogen + released;
            }
        }
        c
    }

    /// Every native follicle present.
    pub fn present(&self) -> T {
        self.anagen + self.catagen + self.telogen + self.kenogen + self.released
    }

    /// Every native follicle holding a shaft (every phase but kenogen; the
    /// released hold their club hair).
    pub fn shafts(&self) -> T {
        self.anagen + self.catagen + self.telogen + self.released
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_s_compartments_are_named_after_it_in_order() {
        for kind in Kind::ALL {
            let names = FOLLICLE_STATE_NAMES[kind as usize];
            for (s, name) in names.iter().take(ANAGEN_STAGES).enumerate() {
                assert_eq!(*name, format!("{}_anagen_{}", kind.name(), s + 1));
            }
            assert_eq!(
                names[compartment::KENOGEN],
                format!("{}_kenogen", kind.name())
            );
            assert_eq!(
                names[compartment::RELEASED_LAST],
                format!("{}_released_{RELEASED_STAGES}", kind.name())
            );
        }
        assert_eq!(
            follicle_state(Kind::NicheLost, compartment::RELEASED_LAST),
            N_FOLLICLE_STATES - 1
        );
    }

    #[test]
    fn the_census_counts_each_follicle_once_by_phase_and_by_kind() {
        let mut y = [0.0; N_STATES];
        for (i, v) in y.iter_mut().enumerate().take(N_FOLLICLE_STATES) {
            *v = (i + 1) as f64;
        }
        let c = Census::of(&y);
        let all: f64 = y[..N_FOLLICLE_STATES].iter().sum();
        assert!((c.present() - all).abs() < 1e-9);
        let by_kind = |k: Kind| -> f64 {
            (0..compartment::COUNT)
                .map(|c| y[follicle_state(k, c)])
                .sum()
        };
        assert!((c.terminal - by_kind(Kind::Terminal) - by_kind(Kind::Primed)).abs() < 1e-9);
        assert!((c.niche_lost - by_kind(Kind::NicheLost)).abs() < 1e-9);
        let kenogen = |k: Kind| y[follicle_state(k, compartment::KENOGEN)];
        assert!(
            (c.terminal_shafts - c.terminal + kenogen(Kind::Terminal) + kenogen(Kind::Primed))
                .abs()
                < 1e-9
        );
    }
}
