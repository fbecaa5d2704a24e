//! The model's structure read off its own equations: which quantity changes
//! which, and in which direction. The mechanism map of the HTML report is
//! drawn from this, so it follows the model as states and mechanisms are added.
//!
//! The only declared fact is the order of the follicle cycle, [`CYCLE`].
//! Everything else is probed numerically at a reference state (a patient's
//! steady state): a state *s* influences
//! - the length of phase *X* when nudging *s* changes the rate at which
//!   follicles leave *X* (probed with every follicle in *X*, so the outflow of
//!   *X* is the only flow), and
//! - another non-cycle state *t* when nudging *s* changes dy*t*/dt.
//!
//! Nudges go upwards, so a dependence that a clamp hides below zero (an Emax
//! of a signal at 0) is still seen.

use super::{ix, HairModel, State, N_STATES, STATES};

/// The follicle cycle, in order: the last phase leads back to the first.
pub const CYCLE: [usize; 4] = [ix::ANAGEN, ix::CATAGEN, ix::TELOGEN, ix::KENOGEN];

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

/// Whether `i` is a phase of the cycle.
pub fn in_cycle(i: usize) -> bool {
    CYCLE.contains(&i)
}

/// The states outside the cycle, in table order: the signals, exposures and
/// the terminal fraction.
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

/// Every influence of the model at the reference state `y` (in table order of
/// the acting state, then of what it acts on).
pub fn influences(model: &HairModel, y: &State) -> Vec<Influence> {
    let mut out = Vec::new();
    for s in non_cycle_states() {
        let mut nudged = *y;
        nudged[s] += nudge(y, s);
        for phase in CYCLE {
            // Every follicle in `phase`: its outflow is the only flow.
            let occupy = |base: &State| {
                let mut v = *base;
                for p in CYCLE {
                    v[p] = if p == phase { 1.0 } else { 0.0 };
                }
                v
            };
            let before = -rates_of_change(model, &occupy(y))[phase];
            let after = -rates_of_change(model, &occupy(&nudged))[phase];
            // Leaving faster means a shorter phase.
            if let Some(d) = direction(after, before) {
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
            if let Some(d) = direction(before[t], after[t]) {
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

/// The state's identifier ([`STATES`]).
pub fn name(i: usize) -> &'static str {
    STATES.get(i).map_or("", |s| s.name)
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

    /// If a phase is added to the model without being put in `CYCLE`, the
    /// cycle is broken here: each phase's outflow must reach the next.
    #[test]
    fn each_phase_of_the_cycle_flows_into_the_next() {
        let (model, y) = moderate();
        for (k, &phase) in CYCLE.iter().enumerate() {
            let next = CYCLE[(k + 1) % CYCLE.len()];
            let mut v = y;
            for p in CYCLE {
                v[p] = if p == phase { 1.0 } else { 0.0 };
            }
            let dy = rates_of_change(&model, &v);
            assert!(
                dy[phase] < 0.0 && dy[next] > 0.0,
                "{} → {}",
                name(phase),
                name(next)
            );
            assert!(
                (dy[phase] + dy[next]).abs() < 1e-12,
                "{} leaks",
                name(phase)
            );
        }
    }

    #[test]
    fn the_known_mechanisms_are_found_with_their_directions() {
        let (model, y) = moderate();
        let all = influences(&model, &y);
        use Direction::{Down, Up};
        use Effect::{PhaseLength, State as On};
        assert!(has(&all, ix::DHT, PhaseLength(ix::ANAGEN), Down));
        assert!(has(&all, ix::DHT, PhaseLength(ix::KENOGEN), Up));
        assert!(has(&all, ix::DHT, On(ix::TERMINAL), Down));
        assert!(has(&all, ix::GROWTH_FACTOR, PhaseLength(ix::ANAGEN), Up));
        assert!(has(&all, ix::GROWTH_FACTOR, PhaseLength(ix::TELOGEN), Down));
        assert!(has(&all, ix::MINOXIDIL, PhaseLength(ix::KENOGEN), Down));
        assert!(has(&all, ix::INFLAMMATION, PhaseLength(ix::ANAGEN), Down));
        assert!(has(&all, ix::FINASTERIDE, On(ix::DHT), Down));
        // Catagen has a fixed length; nothing acts on it.
        assert!(!all.iter().any(|i| i.on == PhaseLength(ix::CATAGEN)));
        // The explicit-PK states do nothing in the default variant.
        assert!(!all.iter().any(|i| ix::EXPLICIT_PK_ONLY.contains(&i.from)));
    }
}
