//! The model's structure read off its own equations: which quantity changes
//! which, and in which direction. The mechanism map of the HTML report is
//! drawn from this, so it follows the model as states and mechanisms are added.
//!
//! The only declared facts are the order of the follicle cycle, [`CYCLE`]
//! (its four phases, each named by the first of its compartments, which
//! [`phase_states`] lists), and the two groups of follicles the map shows
//! ([`Follicles`]). Everything else is probed numerically at a reference
//! state (a patient's steady state): a state *s* influences
//! - the length of phase *X* when nudging *s* changes the rate at which
//!   follicles leave *X* (probed with every follicle in *X*, so the outflow of
//!   *X* is the only flow);
//! - a group of follicles when nudging *s* changes how many of them each
//!   re-entry into anagen makes or unmakes (probed with every follicle in
//!   kenogen, each kind as many as at the reference state); and
//! - another state *t* that is not a follicle state when nudging *s* changes
//!   dy*t*/dt.
//!
//! The follicles of every kind pass the same phases; the map shows them once,
//! as the terminal kind's compartments ([`representative`]).
//!
//! Nudges go upwards, so a dependence that a clamp hides below zero (an Emax
//! of a signal at 0) is still seen.

use super::kinds::compartment::{ANAGEN_1, CATAGEN, HELD, KENOGEN, RELEASED_1, TELOGEN};
use super::{follicle_state, HairModel, Kind, State, N_FOLLICLE_STATES, N_STATES, STATES};

/// The follicle cycle, in order: the last phase leads back to the first. Each
/// phase is named by its first compartment ([`phase_states`]) among the
/// terminal follicles'.
pub const CYCLE: [usize; 4] = [
    follicle_state(Kind::Terminal, ANAGEN_1),
    follicle_state(Kind::Terminal, CATAGEN),
    follicle_state(Kind::Terminal, TELOGEN),
    follicle_state(Kind::Terminal, KENOGEN),
];

/// The identifiers of the phases of [`CYCLE`].
const PHASE_NAMES: [&str; 4] = ["anagen", "catagen", "telogen", "kenogen"];

/// The compartments of the phase named by `phase` (an entry of [`CYCLE`]):
/// anagen's stages and its held stage, or the one compartment of the others.
pub fn phase_states(phase: usize) -> Vec<usize> {
    if phase == CYCLE[0] {
        (ANAGEN_1..=HELD)
            .map(|c| follicle_state(Kind::Terminal, c))
            .collect()
    } else {
        vec![phase]
    }
}

/// The state that stands for `i` on the map: for a follicle state, the
/// terminal kind's first compartment of its phase (or of the released
/// stages); any other state stands for itself.
pub fn representative(i: usize) -> usize {
    if i >= N_FOLLICLE_STATES {
        return i;
    }
    let c = i % super::compartment::COUNT;
    let first = match c {
        c if c <= HELD => ANAGEN_1,
        c if c >= RELEASED_1 => RELEASED_1,
        c => c,
    };
    follicle_state(Kind::Terminal, first)
}

/// The follicles the map counts by what they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Follicles {
    /// Terminal follicles, primed by DHT or not.
    Terminal,
    /// Follicles whose stem-cell niche is lost.
    NicheLost,
}

impl Follicles {
    /// Both groups.
    pub const ALL: [Follicles; 2] = [Follicles::Terminal, Follicles::NicheLost];

    /// Whether follicles of kind `k` belong to the group.
    pub fn includes(self, k: Kind) -> bool {
        match self {
            Follicles::Terminal => k.terminal(),
            Follicles::NicheLost => !k.niche(),
        }
    }

    /// Identifier (worded by `crate::i18n`).
    pub fn name(self) -> &'static str {
        match self {
            Follicles::Terminal => "terminal_fraction",
            Follicles::NicheLost => "niche_lost",
        }
    }
}

/// Which way a change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Raises the target (for a phase: makes it last longer).
    Up,
    /// Lowers the target (for a phase: makes it shorter).
    Down,
}

/// What an influence acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The level of a state outside the cycle (its index).
    State(usize),
    /// How long follicles stay in a phase of [`CYCLE`] (the phase's index).
    PhaseLength(usize),
    /// How many follicles of a group each re-entry into anagen makes.
    Follicles(Follicles),
}

/// One arrow of the map: `from` (a state index) changes `on` in `direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Influence {
    /// The state that acts.
    pub from: usize,
    /// What it acts on.
    pub on: Effect,
    /// Which way.
    pub direction: Direction,
}

/// Whether `i` is a compartment of the cycle (of any kind of follicle; the
/// released stages are a side chain, not the cycle).
pub fn in_cycle(i: usize) -> bool {
    i < N_FOLLICLE_STATES && i % super::compartment::COUNT <= KENOGEN
}

/// The states that are not follicles of a kind, in table order: the
/// follicles lost, the signals and exposures. They are what acts in the map
/// (the follicle states are where it acts: phases and kinds).
pub fn signal_states() -> impl Iterator<Item = usize> {
    N_FOLLICLE_STATES..N_STATES
}

/// The relative change below which two probes count as equal.
const SAME: f64 = 1e-9;

/// A nudge of state `s` at `y`: relative to its size, never zero.
fn nudge(y: &State, s: usize) -> f64 {
    1e-3 * y[s].abs().max(1.0)
}

/// `Some(direction)` of `after` against `before`, or `None` when equal.
pub(crate) fn direction(before: f64, after: f64) -> Option<Direction> {
    let scale = before.abs().max(after.abs()).max(1e-300);
    if !before.is_finite() || !after.is_finite() || (after - before).abs() <= SAME * scale {
        None
    } else if after > before {
        Some(Direction::Up)
    } else {
        Some(Direction::Down)
    }
}

/// dy/dt of `model` at `y`.
pub(crate) fn rates_of_change(model: &HairModel, y: &State) -> State {
    let mut dy = State::zeros();
    model.derivatives(y, &mut dy);
    dy
}

/// `base` with every follicle in compartment `i` of the cycle.
fn occupy(base: &State, i: usize) -> State {
    let mut v = *base;
    for c in 0..N_FOLLICLE_STATES {
        v[c] = 0.0;
    }
    v[i] = 1.0;
    v
}

/// `base` with each kind's follicles in its kenogen, as many of each kind
/// as at `base`.
fn occupy_kenogen(base: &State) -> State {
    let mut v = *base;
    for kind in Kind::ALL {
        let first = follicle_state(kind, 0);
        let all: f64 = (first..first + super::compartment::COUNT)
            .map(|i| base[i])
            .sum();
        for c in first..first + super::compartment::COUNT {
            v[c] = 0.0;
        }
        v[follicle_state(kind, KENOGEN)] = all;
    }
    v
}

/// Follicles leaving kenogen per day in `dy` of [`occupy_kenogen`] (nothing
/// enters kenogen there).
fn leaving_kenogen(dy: &State) -> f64 {
    -Kind::ALL
        .iter()
        .map(|&k| dy[follicle_state(k, KENOGEN)])
        .sum::<f64>()
}

/// The mean time a follicle spends in `phase`: the sum of the mean times in
/// its compartments, each the inverse of the rate at which follicles leave
/// it when every follicle is there (then nothing flows in, so its outflow is
/// its only flow). A chain's compartments are passed one after the other.
fn phase_days(model: &HairModel, y: &State, phase: usize) -> f64 {
    phase_states(phase)
        .iter()
        .map(|&i| 1.0 / -rates_of_change(model, &occupy(y, i))[i])
        .sum()
}

/// Whether `t` changes only as follicles re-enter anagen (the follicles
/// lost): it moves with every follicle in kenogen and stands still with
/// every follicle in anagen.
fn changes_at_reentry(model: &HairModel, y: &State, t: usize) -> bool {
    let in_anagen = rates_of_change(model, &occupy(y, CYCLE[0]))[t];
    let in_kenogen = rates_of_change(model, &occupy_kenogen(y))[t];
    in_anagen == 0.0 && in_kenogen != 0.0
}

/// The change of `t` per follicle leaving kenogen. A signal that lengthens
/// kenogen slows every per-cycle change in time; per re-entry, what is left
/// is what it does to each follicle (DHT miniaturizes), which the map shows
/// apart from the phase lengths.
fn per_reentry(model: &HairModel, y: &State, t: usize) -> f64 {
    let dy = rates_of_change(model, &occupy_kenogen(y));
    dy[t] / leaving_kenogen(&dy)
}

/// The change in the number of follicles of `group` per follicle leaving
/// kenogen (what the re-entries make of them).
fn group_per_reentry(model: &HairModel, y: &State, group: Follicles) -> f64 {
    let dy = rates_of_change(model, &occupy_kenogen(y));
    let change: f64 = Kind::ALL
        .into_iter()
        .filter(|&k| group.includes(k))
        .flat_map(|k| {
            let first = follicle_state(k, 0);
            first..first + super::compartment::COUNT
        })
        .map(|i| dy[i])
        .sum();
    change / leaving_kenogen(&dy)
}

/// Every influence of the model at the reference state `y` (in table order of
/// the acting state, then of what it acts on).
pub fn influences(model: &HairModel, y: &State) -> Vec<Influence> {
    let mut out = Vec::new();
    // Which states change only at re-entry depends on `y` alone.
    let at_reentry: Vec<usize> = signal_states()
        .filter(|&t| changes_at_reentry(model, y, t))
        .collect();
    for s in signal_states() {
        let mut nudged = *y;
        nudged[s] += nudge(y, s);
        // An arrow wherever what is read before and after the nudge moved.
        let mut arrow = |on: Effect, before: f64, after: f64| {
            if let Some(d) = direction(before, after) {
                out.push(Influence {
                    from: s,
                    on,
                    direction: d,
                });
            }
        };
        for phase in CYCLE {
            let days = |v: &State| phase_days(model, v, phase);
            arrow(Effect::PhaseLength(phase), days(y), days(&nudged));
        }
        for group in Follicles::ALL {
            let per_cycle = |v: &State| group_per_reentry(model, v, group);
            arrow(Effect::Follicles(group), per_cycle(y), per_cycle(&nudged));
        }
        let (before, after) = (rates_of_change(model, y), rates_of_change(model, &nudged));
        for t in signal_states().filter(|&t| t != s) {
            if at_reentry.contains(&t) {
                let per_cycle = |v: &State| per_reentry(model, v, t);
                arrow(Effect::State(t), per_cycle(y), per_cycle(&nudged));
            } else {
                arrow(Effect::State(t), before[t], after[t]);
            }
        }
    }
    out
}

/// The state's identifier ([`STATES`]); a follicle state by the phase (or
/// the released stage) it stands for ([`representative`]).
pub fn name(i: usize) -> &'static str {
    if i < N_FOLLICLE_STATES {
        let c = representative(i) % super::compartment::COUNT;
        if let Some(k) = CYCLE
            .iter()
            .position(|&p| p % super::compartment::COUNT == c)
        {
            return PHASE_NAMES[k];
        }
        return "released_1";
    }
    STATES.get(i).map_or("", |s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ix, KINDS};
    use crate::params::Parameters;
    use crate::steady_state::steady_state;

    fn moderate() -> (HairModel, State) {
        let p = Parameters {
            dht_sensitivity: 1.0,
            inflammation_baseline: 0.7,
            ..Parameters::default()
        };
        (HairModel::untreated(p), steady_state(&p, Some(0.7)))
    }

    fn has(all: &[Influence], from: usize, on: Effect, direction: Direction) -> bool {
        all.contains(&Influence {
            from,
            on,
            direction,
        })
    }

    /// If a compartment is added to the cycle without being put in a phase
    /// of `CYCLE`, or out of order, the cycle is broken here: in every kind,
    /// each compartment's outflow must reach the next (from kenogen: anagen's
    /// first stage of some kind, or the follicles lost), and the phases must
    /// cover every compartment.
    #[test]
    fn each_phase_of_the_cycle_flows_into_the_next() {
        let (model, y) = moderate();
        let cycle: Vec<usize> = (0..=KENOGEN).collect();
        for kind in Kind::ALL {
            for (k, &c) in cycle.iter().enumerate() {
                let from = follicle_state(kind, c);
                let dy = rates_of_change(&model, &occupy(&y, from));
                let next: f64 = if c == KENOGEN {
                    Kind::ALL
                        .iter()
                        .map(|&to| dy[follicle_state(to, ANAGEN_1)])
                        .sum()
                } else {
                    dy[follicle_state(kind, cycle[k + 1])]
                };
                assert!(dy[from] < 0.0 && next > 0.0, "{kind:?} {}", name(from));
                assert!(
                    (dy[from] + next + dy[ix::FOLLICLES_LOST]).abs() < 1e-12,
                    "{kind:?} {} leaks",
                    name(from)
                );
            }
        }
        let mut first = CYCLE.iter().map(|&p| phase_states(p)[0]);
        assert!(first.all(in_cycle));
        let every: usize = CYCLE.iter().map(|&p| phase_states(p).len()).sum();
        assert_eq!(every, cycle.len());
        assert_eq!(
            (0..N_FOLLICLE_STATES).filter(|&i| in_cycle(i)).count(),
            KINDS * cycle.len()
        );
    }

    #[test]
    fn every_follicle_state_stands_for_its_phase() {
        let held = follicle_state(Kind::NicheLost, HELD);
        assert_eq!(representative(held), CYCLE[0]);
        assert_eq!(name(held), "anagen");
        assert_eq!(name(follicle_state(Kind::Primed, KENOGEN)), "kenogen");
        assert_eq!(
            name(follicle_state(Kind::Primed, RELEASED_1 + 3)),
            "released_1"
        );
        assert_eq!(name(ix::DHT), "dht");
    }

    #[test]
    fn the_known_mechanisms_are_found_with_their_directions() {
        let (model, y) = moderate();
        let all = influences(&model, &y);
        use Direction::{Down, Up};
        use Effect::{Follicles as Of, PhaseLength, State as On};
        let [anagen, catagen, telogen, kenogen] = CYCLE;
        assert!(has(&all, ix::DHT, PhaseLength(anagen), Down));
        assert!(has(&all, ix::DHT, PhaseLength(kenogen), Up));
        // Per follicle re-entering anagen: DHT miniaturizes and costs
        // niches, the growth signals restore, M1 miniaturizes.
        assert!(has(&all, ix::DHT, Of(Follicles::Terminal), Down));
        assert!(has(&all, ix::DHT, Of(Follicles::NicheLost), Up));
        assert!(has(&all, ix::GROWTH_FACTOR, Of(Follicles::Terminal), Up));
        assert!(has(&all, ix::MACROPHAGE_M1, Of(Follicles::Terminal), Down));
        assert!(has(&all, ix::MACROPHAGE_M1, Of(Follicles::NicheLost), Up));
        assert!(has(&all, ix::MACROPHAGE_M2, Of(Follicles::NicheLost), Down));
        assert!(has(&all, ix::GROWTH_FACTOR, PhaseLength(anagen), Up));
        assert!(has(&all, ix::GROWTH_FACTOR, PhaseLength(telogen), Down));
        assert!(has(&all, ix::MINOXIDIL, PhaseLength(kenogen), Down));
        assert!(has(&all, ix::MACROPHAGE_M1, PhaseLength(anagen), Down));
        assert!(has(&all, ix::FINASTERIDE, On(ix::DHT), Down));
        // Catagen has a fixed length; nothing acts on it.
        assert!(!all.iter().any(|i| i.on == PhaseLength(catagen)));
        // The explicit-PK states do nothing in the default variant.
        assert!(!all.iter().any(|i| ix::EXPLICIT_PK_ONLY.contains(&i.from)));
    }
}
