//! N follicles per arm, counted at the scenario's output times: the
//! automaton's phase fractions and terminal fraction with their standard
//! errors, beside the ODE's. Follicle `i` of arm `a` draws from its own
//! ChaCha8 stream ([`stream`]), and the counts are integers summed over
//! follicles, so a run gives the same numbers on any number of threads.

use super::chain::{Durations, StartShares, Walker};
use super::clock::{Clocks, LOST};
use super::signals::{ArmSignals, PhaseShares};
use super::view::Phase;
use super::{FollicleError, FollicleSettings};
use crate::model::{compartment, Rates, KINDS};
use crate::scenario::Scenario;
use crate::simulation::output_times;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// The random stream of follicle `follicle` of arm `arm`.
pub(crate) fn stream(seed: u64, arm: usize, follicle: usize) -> ChaCha8Rng {
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ (arm as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    rng.set_stream(follicle as u64);
    rng
}

/// The follicles of one arm at one time, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Counts {
    /// Follicles present (not lost).
    pub present: u32,
    /// In anagen (a stage or held).
    pub anagen: u32,
    /// In catagen.
    pub catagen: u32,
    /// In telogen.
    pub telogen: u32,
    /// In kenogen.
    pub kenogen: u32,
    /// Terminal (present and not miniaturized).
    pub terminal: u32,
}

/// A share estimated from counts, with its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The share.
    pub value: f64,
    /// Its binomial standard error.
    pub se: f64,
}

impl Counts {
    /// Anagen, catagen, telogen, kenogen and terminal shares of the
    /// follicles present, each with its standard error.
    pub fn shares(&self) -> [Estimate; 5] {
        let n = f64::from(self.present.max(1));
        [
            self.anagen,
            self.catagen,
            self.telogen,
            self.kenogen,
            self.terminal,
        ]
        .map(|c| {
            let p = f64::from(c) / n;
            Estimate {
                value: p,
                se: (p * (1.0 - p) / n).sqrt(),
            }
        })
    }
}

/// What one follicle adds to the counts: present, anagen, catagen,
/// telogen, kenogen, terminal.
fn contribution(f: &super::chain::Follicle) -> [i64; 6] {
    if f.stage == LOST {
        return [0; 6];
    }
    let mut c = [1, 0, 0, 0, 0, i64::from(f.kind.terminal())];
    c[match f.phase() {
        Phase::Anagen => 1,
        Phase::Catagen => 2,
        Phase::Telogen => 3,
        Phase::Kenogen => 4,
    }] = 1;
    c
}

/// Count `n` follicles drawn from `start` at the times `times` (within the
/// clocks, increasing); follicle `i` uses [`stream`]`(seed, arm, i)`.
///
/// A follicle's state holds from one transition to the next, so it is added
/// once per transition to a difference array over the output times (the
/// counts are its running sums): the cost grows with transitions, not with
/// output times.
pub(crate) fn count(
    clocks: &Clocks,
    start: &StartShares,
    durations: &Durations,
    times: &[f64],
    n: u32,
    seed: u64,
    arm: usize,
) -> Vec<Counts> {
    let t0 = times.first().copied().unwrap_or(0.0);
    let slots = times.len() + 1;
    let diff = (0..n as usize)
        .into_par_iter()
        .fold(
            || vec![[0i64; 6]; slots],
            |mut diff, i| {
                let mut w = Walker::start(start, clocks, durations, t0, stream(seed, arm, i));
                let mut from = 0;
                loop {
                    let next = w.next_time();
                    // The state holds at the output times before the transition.
                    let to = from + times[from..].partition_point(|&t| t < next);
                    let c = contribution(&w.follicle);
                    for k in 0..6 {
                        diff[from][k] += c[k];
                        diff[to][k] -= c[k];
                    }
                    if to == times.len() {
                        break;
                    }
                    w.step(clocks, durations);
                    from = to;
                }
                diff
            },
        )
        .reduce(
            || vec![[0i64; 6]; slots],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    for k in 0..6 {
                        x[k] += y[k];
                    }
                }
                a
            },
        );
    let mut sum = [0i64; 6];
    let as_count = |v: i64| u32::try_from(v).unwrap_or(0);
    diff[..times.len()]
        .iter()
        .map(|d| {
            for k in 0..6 {
                sum[k] += d[k];
            }
            Counts {
                present: as_count(sum[0]),
                anagen: as_count(sum[1]),
                catagen: as_count(sum[2]),
                telogen: as_count(sum[3]),
                kenogen: as_count(sum[4]),
                terminal: as_count(sum[5]),
            }
        })
        .collect()
}

/// Halloy's automaton (or any cycle at constant rates): `n` terminal
/// follicles starting in anagen, catagen, telogen and kenogen with the
/// shares `start`, counted at `times` (from 0, increasing). `None` if a rate
/// is not finite and positive or a time is outside `0..=` the last.
pub fn constant_rates(
    rates: Rates,
    start: [f64; 4],
    durations: Durations,
    times: &[f64],
    n: u32,
    seed: u64,
) -> Option<Vec<Counts>> {
    let horizon = times.last().copied()?;
    let clocks = Clocks::constant(rates, horizon.max(1.0))?;
    let mut by_kind = [[0.0; compartment::COUNT]; KINDS];
    by_kind[0][compartment::ANAGEN_1] = start[0];
    by_kind[0][compartment::CATAGEN] = start[1];
    by_kind[0][compartment::TELOGEN] = start[2];
    by_kind[0][compartment::KENOGEN] = start[3];
    let shares = StartShares { by_kind };
    Some(count(&clocks, &shares, &durations, times, n, seed, 0))
}

/// One arm followed follicle by follicle.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmFollicles {
    /// The arm's name as written in the scenario (untrusted text).
    pub name: String,
    /// The automaton's counts at the output times.
    pub counts: Vec<Counts>,
    /// The ODE's native shares at the same times.
    pub ode: Vec<PhaseShares>,
}

/// A scenario's arms followed follicle by follicle.
#[derive(Debug, Clone, PartialEq)]
pub struct FollicleResult {
    /// Scenario name.
    pub scenario: String,
    /// The settings used.
    pub settings: FollicleSettings,
    /// Output times, days.
    pub times_days: Vec<f64>,
    /// Arms in scenario order.
    pub arms: Vec<ArmFollicles>,
}

/// Follow `settings.follicles` follicles through every arm of `scenario`,
/// each arm driven by its own ODE solution, and count them at the output times.
pub fn simulate_follicles(
    scenario: &Scenario,
    settings: &FollicleSettings,
) -> Result<FollicleResult, FollicleError> {
    let times = output_times(scenario);
    let arms = (0..scenario.arms.len())
        .into_par_iter()
        .map(|a| {
            let signals = ArmSignals::solve(scenario, a)?;
            let clocks = signals.clocks(1.0)?;
            let start = signals.start();
            let counts = count(
                &clocks,
                &start,
                &settings.durations,
                &times,
                settings.follicles,
                settings.seed,
                a,
            );
            Ok(ArmFollicles {
                name: signals.name.clone(),
                counts,
                ode: times.iter().map(|&t| signals.shares_at(t)).collect(),
            })
        })
        .collect::<Result<Vec<_>, FollicleError>>()?;
    Ok(FollicleResult {
        scenario: scenario.name.clone(),
        settings: *settings,
        times_days: times,
        arms,
    })
}
