//! An arm's ODE solution as the follicles see it: the states on a daily grid
//! (and at the scenario's output times), from which the [`Clocks`] of a
//! region of the scalp, the follicles' starting shares and the ODE's own
//! phase fractions are read.

use super::chain::StartShares;
use super::clock::{Clocks, Jump};
use super::FollicleError;
use crate::model::{
    compartment, follicle_state, Census, HairModel, Kind, State, ANAGEN_STAGES, KINDS, N_STATES,
};
use crate::scenario::{Arm, Scenario};
use crate::simulation::{integrate_arm, output_grid, output_times};
use crate::solve::{AsArray, SolveStats};
use crate::timeline::timeline;
use crate::timeline::SAME_TIME_DAYS;

/// Grid step of the rates the follicles run on, days. The signals change
/// over weeks (the fastest, a session's hypoxia, over days), so a day keeps
/// the trapezoidal hazard's error far below the automaton's sampling noise.
pub const SIGNAL_STEP_DAYS: f64 = 1.0;

/// The ODE's native phase fractions (of the follicles present) and terminal
/// fraction at one time.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PhaseShares {
    /// Anagen (the stages and the held stage).
    pub anagen: f64,
    /// Catagen.
    pub catagen: f64,
    /// Telogen.
    pub telogen: f64,
    /// Kenogen.
    pub kenogen: f64,
    /// Terminal fraction.
    pub terminal: f64,
}

impl PhaseShares {
    /// The native follicles' shares in the ODE's state `y` (released
    /// follicles hold their club hair until they shed it: telogen).
    pub fn of(y: &[f64; N_STATES]) -> PhaseShares {
        let c = Census::of(y);
        let present = c.present().max(1e-12);
        PhaseShares {
            anagen: c.anagen / present,
            catagen: c.catagen / present,
            telogen: (c.telogen + c.released) / present,
            kenogen: c.kenogen / present,
            terminal: c.terminal / present,
        }
    }

    /// The values in the order anagen, catagen, telogen, kenogen, terminal.
    pub fn values(&self) -> [f64; 5] {
        [
            self.anagen,
            self.catagen,
            self.telogen,
            self.kenogen,
            self.terminal,
        ]
    }
}

/// One arm's ODE solution on the follicles' grid.
#[derive(Debug, Clone)]
pub(crate) struct ArmSignals {
    /// The arm's name.
    pub name: String,
    times: Vec<f64>,
    states: Vec<State>,
    models: Vec<HairModel>,
    /// The arm's shedding events, as shares of the anagen compartments.
    jumps: Vec<Jump>,
}

impl ArmSignals {
    /// Solve arm `arm` of `scenario` on a daily grid and its output times.
    pub fn solve(scenario: &Scenario, arm: usize) -> Result<ArmSignals, FollicleError> {
        let a = scenario
            .arms
            .get(arm)
            .ok_or(FollicleError::NoArm(arm, scenario.arms.len()))?;
        let mut grid = output_grid(scenario.duration_days, SIGNAL_STEP_DAYS);
        grid.extend(output_times(scenario));
        grid.sort_by(f64::total_cmp);
        grid.dedup_by(|b, a| (*b - *a).abs() <= SAME_TIME_DAYS);
        let mut s = ArmSignals {
            name: a.name.clone(),
            times: Vec::with_capacity(grid.len()),
            states: Vec::with_capacity(grid.len()),
            models: Vec::with_capacity(grid.len()),
            jumps: jumps(a, scenario.duration_days),
        };
        let mut stats = SolveStats::default();
        integrate_arm(
            a,
            scenario.duration_days,
            &grid,
            &scenario.solver,
            &mut stats,
            |t, model, y| {
                // Two rows at one time (a dose on the grid) keep the later.
                if s.times.last().is_some_and(|&l| t - l <= SAME_TIME_DAYS) {
                    s.times.pop();
                    s.states.pop();
                    s.models.pop();
                }
                s.times.push(t);
                s.states.push(*y);
                s.models.push(*model);
            },
        )?;
        Ok(s)
    }

    /// The clocks of native follicles whose androgen sensitivity is `factor`
    /// times the scalp's.
    pub fn clocks(&self, factor: f64) -> Result<Clocks, FollicleError> {
        let rates = self
            .states
            .iter()
            .zip(&self.models)
            .map(|(y, m)| m.rates_in_region(y.as_array(), factor))
            .collect();
        Clocks::new(self.times.clone(), rates)
            .map(|c| c.with_jumps(self.jumps.clone()))
            .ok_or_else(|| FollicleError::BadRates {
                arm: self.name.clone(),
            })
    }

    /// What the follicles start from: the ODE's state at the first time.
    pub fn start(&self) -> StartShares {
        let y = &self.states[0];
        let mut by_kind = [[0.0; compartment::COUNT]; KINDS];
        for (kind, shares) in Kind::ALL.into_iter().zip(by_kind.iter_mut()) {
            for (c, share) in shares.iter_mut().enumerate() {
                *share = y[follicle_state(kind, c)];
            }
        }
        StartShares { by_kind }
    }

    /// The ODE's native shares at grid time `t` (the nearest grid point).
    pub fn shares_at(&self, t: f64) -> PhaseShares {
        let k = self
            .times
            .partition_point(|&g| g < t - SAME_TIME_DAYS)
            .min(self.times.len() - 1);
        PhaseShares::of(self.states[k].as_array())
    }

    /// Growth speeds of a terminal and a miniaturized shaft, mm/day.
    pub fn growth_mm_per_day(&self) -> (f64, f64) {
        let p = self.models[0].params();
        (p.terminal_growth_mm_per_day, p.vellus_growth_mm_per_day)
    }
}

/// The arm's shedding events as the chain applies them: at each stop of its
/// timeline, the share of every anagen compartment its sessions move out of
/// it, read by applying them to a probe state (the ODE's own jump, so the
/// two cannot disagree). Stops that release nothing are left out.
fn jumps(arm: &Arm, duration_days: f64) -> Vec<Jump> {
    // Every kind is released alike: one kind's compartments are the probe.
    let anagen: Vec<usize> = (compartment::ANAGEN_1..=compartment::HELD)
        .map(|c| follicle_state(Kind::Terminal, c))
        .collect();
    timeline(arm, duration_days)
        .into_iter()
        .filter(|stop| !stop.sessions.is_empty())
        .filter_map(|stop| {
            let mut y = [0.0; N_STATES];
            for &i in &anagen {
                y[i] = 1.0;
            }
            stop.apply_sessions(arm, &arm.patient.params, &mut y);
            let mut released = [0.0; ANAGEN_STAGES + 1];
            for (r, &i) in released.iter_mut().zip(&anagen) {
                *r = (1.0 - y[i]).clamp(0.0, 1.0);
            }
            released.iter().any(|&r| r > 0.0).then_some(Jump {
                t_days: stop.t_days,
                released,
            })
        })
        .collect()
}
