//! What the renderers call: one arm's follicles, one per [`Site`], followed
//! through time and seen as [`Frame`]s.
//!
//! Each site's follicle runs on the clocks of its region: the rates of the
//! arm's ODE solution with the scalp's androgen sensitivity multiplied by
//! the site's `androgen_factor` (rounded to 1/256, so that a smooth field
//! costs one table per level, not per follicle). Site `i` draws from the
//! same stream as follicle `i` of `sim follicles`, so a run is reproducible
//! from the scenario's seed whatever the number of threads.
//!
//! Transplants: the follicles of the sites are the native ones. Grafts are
//! not followed one by one yet (every view has `graft: false`); a renderer
//! that shows a transplant places them itself (on empty front sites, taking
//! them from donor sites), from the ODE's graft count.

use super::chain::{Durations, Walker};
use super::clock::{Clocks, LOST};
use super::population::stream;
use super::signals::ArmSignals;
use super::view::{FollicleView, Frame, Phase, Site};
use super::{FollicleError, FollicleSettings};
use crate::scenario::Scenario;
use rayon::prelude::*;

/// Levels per unit of `androgen_factor` (the factor is rounded to these).
const FACTOR_LEVELS: f64 = 256.0;

/// One arm's follicles at the sites, advanced frame by frame.
#[derive(Debug, Clone)]
pub struct Scalp {
    arm: String,
    walkers: Vec<Walker>,
    /// Index into `clocks` of each site's region.
    region: Vec<usize>,
    clocks: Vec<Clocks>,
    durations: Durations,
    /// Growth speeds of a terminal and a miniaturized shaft, mm/day.
    growth: (f64, f64),
    /// The last frame's time, days.
    t: f64,
}

impl Scalp {
    /// Solve arm `arm` (0-based, scenario order) of `scenario` and place one
    /// follicle at each site, drawn from the arm's starting state with
    /// `settings.seed` and `settings.durations` (`settings.follicles` is
    /// ignored: there is one follicle per site).
    pub fn new(
        scenario: &Scenario,
        settings: &FollicleSettings,
        arm: usize,
        sites: &[Site],
    ) -> Result<Scalp, FollicleError> {
        let signals = ArmSignals::solve(scenario, arm)?;
        let mut levels: Vec<i64> = Vec::new();
        let mut region = Vec::with_capacity(sites.len());
        for s in sites {
            if !s.androgen_factor.is_finite() || s.androgen_factor < 0.0 {
                return Err(FollicleError::BadSite(s.androgen_factor));
            }
            let level = (s.androgen_factor * FACTOR_LEVELS).round() as i64;
            let k = match levels.iter().position(|&l| l == level) {
                Some(k) => k,
                None => {
                    levels.push(level);
                    levels.len() - 1
                }
            };
            region.push(k);
        }
        let clocks = levels
            .par_iter()
            .map(|&l| signals.clocks(l as f64 / FACTOR_LEVELS))
            .collect::<Result<Vec<_>, _>>()?;
        let start = signals.start();
        let durations = settings.durations;
        let walkers = region
            .par_iter()
            .enumerate()
            .map(|(i, &k)| {
                Walker::start(
                    &start,
                    &clocks[k],
                    &durations,
                    0.0,
                    stream(settings.seed, arm, i),
                )
            })
            .collect();
        Ok(Scalp {
            arm: signals.name.clone(),
            walkers,
            region,
            clocks,
            durations,
            growth: signals.growth_mm_per_day(),
            t: 0.0,
        })
    }

    /// The last time the follicles can be followed to, days (the scenario's duration).
    pub fn horizon_days(&self) -> f64 {
        self.clocks.first().map_or(0.0, Clocks::horizon)
    }

    /// Advance every follicle to `t_days` and see them. Times must not
    /// decrease from one call to the next and stay within the scenario.
    pub fn frame_at(&mut self, t_days: f64) -> Result<Frame, FollicleError> {
        let horizon = self.horizon_days();
        if t_days.is_nan() || t_days < self.t || t_days > horizon + 1e-9 {
            return Err(FollicleError::FrameTime {
                t_days,
                after: self.t,
                horizon,
            });
        }
        self.t = t_days;
        let (clocks, durations, growth) = (&self.clocks, &self.durations, self.growth);
        let follicles = self
            .walkers
            .par_iter_mut()
            .zip(&self.region)
            .map(|(w, &k)| {
                w.advance(&clocks[k], durations, t_days);
                view(w, t_days, growth)
            })
            .collect();
        Ok(Frame {
            t_days,
            arm: self.arm.clone(),
            follicles,
        })
    }
}

/// What can be seen of a walker's follicle at `t`.
fn view(w: &Walker, t: f64, (terminal_speed, vellus_speed): (f64, f64)) -> FollicleView {
    let f = &w.follicle;
    let terminal = f.kind.terminal();
    let speed = if terminal {
        terminal_speed
    } else {
        vellus_speed
    };
    let phase = f.phase();
    let grown_until = match phase {
        Phase::Anagen => t,
        Phase::Catagen | Phase::Telogen => f.anagen_end,
        Phase::Kenogen => f.anagen_start,
    };
    FollicleView {
        phase,
        terminal,
        present: f.stage != LOST,
        graft: false,
        shaft_mm: (speed * (grown_until - f.anagen_start)).max(0.0) as f32,
    }
}

/// Frames of arm `arm` at `times_days` (not decreasing), one view per site
/// in site order: [`Scalp::new`] then [`Scalp::frame_at`] for each time.
pub fn frames(
    scenario: &Scenario,
    settings: &FollicleSettings,
    arm: usize,
    sites: &[Site],
    times_days: &[f64],
) -> Result<Vec<Frame>, FollicleError> {
    let mut scalp = Scalp::new(scenario, settings, arm, sites)?;
    times_days.iter().map(|&t| scalp.frame_at(t)).collect()
}
