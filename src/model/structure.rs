//! The model's structure read off its own equations: which quantity changes
//! which, and in which direction. The mechanism map of the HTML report is
//! drawn from this, so it follows the model as states and mechanisms are added.
//!
//! The only declared fact is the order of the follicle cycle, [`CYCLE`]: its
//! four phases, each named by one state and made of the compartments
//! [`phase_states`] lists (anagen is the chain of stages and the held stage).
//! Everything else is probed numerically at a reference state (a patient's
//! steady state): a state *s* influences
//! - the length of phase *X* when nudging *s* changes the rate at which
//!   follicles leave *X* (probed with every follicle in *X*, so the outflow of
//!   *X* is the only flow), and
//! - another non-cycle state *t* when nudging *s* changes dy*t*/dt.
//!
//! Nudges go upwards, so a dependence that a clamp hides below zero (an Emax
//! of a signal at 0) is still seen.

use super::{ix, HairModel, State, ANAGEN_STAGE_STATES, CYCLE_STATES, N_STATES, STATES};

/// The follicle cycle, in order: the last phase leads back to the first. Each
/// phase is named by its first compartment ([`phase_states`]).
pub const CYCLE: [usize; 4] = [ix::ANAGEN_1, ix::CATAGEN, ix::TELOGEN, ix::KENOGEN];

/// The compartments of the phase named by `phase` (an entry of [`CYCLE`]):
/// anagen's stages and its held stage, or the one state of the others.
pub fn phase_states(phase: usize) -> Vec<usize> {
    if phase == ix::ANAGEN_1 {
        ANAGEN_STAGE_STATES
            .iter()
            .copied()
            .chain([ix::ANAGEN_HELD])
            .collect()
    } else {
        vec![phase]
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

/// Whether `i` is a compartment of the cycle.
pub fn in_cycle(i: usize) -> bool {
    CYCLE_STATES.contains(&i)
}

/// The states outside the cycle, in table order: the signals, exposures, the
/// terminal fraction, the niche and the follicles lost.
pub fn non_cycle_states() -> impl Iterator<Item = usize> {
    (0..N_STATES).filter(|&i| !in_cycle(i))
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
    for c in CYCLE_STATES {
        v[c] = 0.0;
    }
    v[i] = 1.0;
    v
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

/// Whether `t` changes only as follicles re-enter anagen (the kinds of
/// follicle: terminal, primed, niche, lost): it moves with every follicle in
/// kenogen and stands still with every follicle in anagen.
fn changes_at_reentry(model: &HairModel, y: &State, t: usize) -> bool {
    let in_anagen = rates_of_change(model, &occupy(y, CYCLE[0]))[t];
    let in_kenogen = rates_of_change(model, &occupy(y, ix::KENOGEN))[t];
    in_anagen == 0.0 && in_kenogen != 0.0
}

/// The change of `t` per follicle leaving kenogen. A signal that lengthens
/// kenogen slows every per-cycle change in time; per re-entry, what is left
/// is what it does to each follicle (DHT miniaturizes), which the map shows
/// apart from the phase lengths.
fn per_reentry(model: &HairModel, y: &State, t: usize) -> f64 {
    let dy = rates_of_change(model, &occupy(y, ix::KENOGEN));
    dy[t] / -dy[ix::KENOGEN]
}

/// Every influence of the model at the reference state `y` (in table order of
/// the acting state, then of what it acts on).
pub fn influences(model: &HairModel, y: &State) -> Vec<Influence> {
    let mut out = Vec::new();
    for s in non_cycle_states() {
        let mut nudged = *y;
        nudged[s] += nudge(y, s);
        for phase in CYCLE {
            let before = phase_days(model, y, phase);
            let after = phase_days(model, &nudged, phase);
            if let Some(d) = direction(before, after) {
                out.push(Influence {
                    from: s,
                    on: Effect::PhaseLength(phase),
                    direction: d,
                });
            }
        }
        let before = rates_of_change(model, y);
        let after = rates_of_change(model, &nudged);
        for t in non_cycle_states().filter(|&t| t != s) {
            let change = if changes_at_reentry(model, y, t) {
                direction(per_reentry(model, y, t), per_reentry(model, &nudged, t))
            } else {
                direction(before[t], after[t])
            };
            if let Some(d) = change {
                out.push(Influence {
                    from: s,
                    on: Effect::State(t),
                    direction: d,
                });
            }
        }
    }
    out
}

/// The state's identifier ([`STATES`]); a phase of [`CYCLE`] by its own name.
pub fn name(i: usize) -> &'static str {
    if i == ix::ANAGEN_1 {
        "anagen"
    } else {
        STATES.get(i).map_or("", |s| s.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
    /// of `CYCLE`, or out of order, the cycle is broken here: each
    /// compartment's outflow must reach the next (or, from kenogen, be lost
    /// for good), and the phases must cover every compartment.
    #[test]
    fn each_phase_of_the_cycle_flows_into_the_next() {
        let (model, y) = moderate();
        for (k, &c) in CYCLE_STATES.iter().enumerate() {
            let next = CYCLE_STATES[(k + 1) % CYCLE_STATES.len()];
            let dy = rates_of_change(&model, &occupy(&y, c));
            let (from, to) = (name(c), name(next));
            assert!(dy[c] < 0.0 && dy[next] > 0.0, "{from} → {to}");
            assert!(
                (dy[c] + dy[next] + dy[ix::FOLLICLES_LOST]).abs() < 1e-12,
                "{from} leaks"
            );
        }
        let mut first = CYCLE.iter().map(|&p| phase_states(p)[0]);
        assert!(first.all(|c| CYCLE_STATES.contains(&c)));
        let every: usize = CYCLE.iter().map(|&p| phase_states(p).len()).sum();
        assert_eq!(every, CYCLE_STATES.len());
    }

    #[test]
    fn the_known_mechanisms_are_found_with_their_directions() {
        let (model, y) = moderate();
        let all = influences(&model, &y);
        use Direction::{Down, Up};
        use Effect::{PhaseLength, State as On};
        assert!(has(&all, ix::DHT, PhaseLength(ix::ANAGEN_1), Down));
        assert!(has(&all, ix::DHT, PhaseLength(ix::KENOGEN), Up));
        assert!(has(&all, ix::DHT, On(ix::TERMINAL), Down));
        // Per follicle re-entering anagen, the drugs' signals protect it.
        assert!(has(&all, ix::DHT, On(ix::TERMINAL_PRIMED), Down));
        assert!(has(&all, ix::NICHE, On(ix::FOLLICLES_LOST), Down));
        assert!(has(&all, ix::GROWTH_FACTOR, PhaseLength(ix::ANAGEN_1), Up));
        assert!(has(&all, ix::GROWTH_FACTOR, PhaseLength(ix::TELOGEN), Down));
        assert!(has(&all, ix::MINOXIDIL, PhaseLength(ix::KENOGEN), Down));
        assert!(has(
            &all,
            ix::MACROPHAGE_M1,
            PhaseLength(ix::ANAGEN_1),
            Down
        ));
        assert!(has(&all, ix::FINASTERIDE, On(ix::DHT), Down));
        // Catagen has a fixed length; nothing acts on it.
        assert!(!all.iter().any(|i| i.on == PhaseLength(ix::CATAGEN)));
        // The explicit-PK states do nothing in the default variant.
        assert!(!all.iter().any(|i| ix::EXPLICIT_PK_ONLY.contains(&i.from)));
    }
}
