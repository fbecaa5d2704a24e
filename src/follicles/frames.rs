//! What the renderers call: one arm's follicles, one per [`Site`], followed
//! through time and seen at chosen times, either as [`Frame`]s or, for the
//! whole scalp over decades, through [`follow`] (each follicle's views handed
//! to the caller, who keeps only what it draws).
//!
//! Each site's follicle runs on the clocks of its region: the rates of the
//! arm's ODE solution with the scalp's androgen sensitivity multiplied by
//! the site's `androgen_factor` (rounded to 1/256, so that a smooth field
//! costs one table per level, not per follicle). Site `i` draws from the
//! same stream as follicle `i` of `sim follicles`, so a run is reproducible
//! from the scenario's seed whatever the number of threads.
//!
//! The follicles are walked region by region, each through every time: a
//! region's table (about 1.6 MB for 20 years) is built, walked by its
//! follicles while it is in cache, and dropped, so a few tables are alive at
//! once instead of the scalp's three hundred (half a gigabyte per arm).
//!
//! Transplants: the follicles of the sites are the native ones. Grafts are
//! not followed one by one yet (every view has `graft: false`); a renderer
//! that shows a transplant places them itself (on empty front sites, taking
//! them from donor sites), from the ODE's graft count.

use super::chain::Walker;
use super::clock::{Clocks, LOST};
use super::population::stream;
use super::signals::ArmSignals;
use super::view::{FollicleView, Frame, Phase, Site};
use super::{FollicleError, FollicleSettings};
use crate::scenario::Scenario;
use rayon::prelude::*;

/// Levels per unit of `androgen_factor` (the factor is rounded to these).
const FACTOR_LEVELS: f64 = 256.0;

/// Follicles of one region walked by one task: enough to share a large
/// region between the cores, few enough that a task's views stay small.
const CHUNK: usize = 256;

/// One arm's follicles followed through time, what the caller kept of each.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed<R> {
    /// The arm's name as written in the scenario (untrusted text).
    pub arm: String,
    /// Per site, in site order, what `see` returned for its follicle.
    pub sites: Vec<R>,
}

/// Follow the follicle of each of `sites` in arm `arm` (0-based, scenario
/// order) of `scenario` through `times_days` (not decreasing, within the
/// scenario), each drawn from the arm's starting state with `settings.seed`
/// and `settings.durations` (`settings.follicles` is ignored: there is one
/// follicle per site). `see(site, views)` gets each follicle's views, one per
/// time, and returns what the caller keeps of it.
pub fn follow<R: Send>(
    scenario: &Scenario,
    settings: &FollicleSettings,
    arm: usize,
    sites: &[Site],
    times_days: &[f64],
    see: impl Fn(usize, &[FollicleView]) -> R + Sync,
) -> Result<Followed<R>, FollicleError> {
    let signals = ArmSignals::solve(scenario, arm)?;
    let regions = regions(sites)?;
    let start = signals.start();
    let (durations, growth) = (settings.durations, signals.growth_mm_per_day());
    let walk = |clocks: &Clocks, i: usize, views: &mut Vec<FollicleView>| {
        let mut w = Walker::start(
            &start,
            clocks,
            &durations,
            0.0,
            stream(settings.seed, arm, i),
        );
        views.clear();
        for &t in times_days {
            w.advance(clocks, &durations, t);
            views.push(view(&w, t, growth));
        }
    };
    let kept: Vec<Vec<(usize, R)>> = regions
        .par_iter()
        .map(|(level, members)| {
            let clocks = signals.clocks(*level as f64 / FACTOR_LEVELS)?;
            check_times(times_days, clocks.horizon())?;
            Ok(members
                .par_chunks(CHUNK)
                .map(|chunk| {
                    let mut views = Vec::with_capacity(times_days.len());
                    chunk
                        .iter()
                        .map(|&i| {
                            walk(&clocks, i, &mut views);
                            (i, see(i, &views))
                        })
                        .collect::<Vec<_>>()
                })
                .flatten()
                .collect())
        })
        .collect::<Result<_, FollicleError>>()?;
    let mut kept: Vec<(usize, R)> = kept.into_iter().flatten().collect();
    kept.sort_unstable_by_key(|&(i, _)| i);
    Ok(Followed {
        arm: signals.name.clone(),
        sites: kept.into_iter().map(|(_, r)| r).collect(),
    })
}

/// The sites grouped by their rounded androgen factor: (level, site
/// indices), by level.
fn regions(sites: &[Site]) -> Result<Vec<(i64, Vec<usize>)>, FollicleError> {
    let mut levels = Vec::with_capacity(sites.len());
    for (i, s) in sites.iter().enumerate() {
        if !s.androgen_factor.is_finite() || s.androgen_factor < 0.0 {
            return Err(FollicleError::BadSite(s.androgen_factor));
        }
        levels.push(((s.androgen_factor * FACTOR_LEVELS).round() as i64, i));
    }
    levels.sort_unstable();
    let mut regions: Vec<(i64, Vec<usize>)> = Vec::new();
    for (level, i) in levels {
        match regions.last_mut() {
            Some((l, members)) if *l == level => members.push(i),
            _ => regions.push((level, vec![i])),
        }
    }
    Ok(regions)
}

/// Frame times must not go back and must stay within `horizon` days.
fn check_times(times_days: &[f64], horizon: f64) -> Result<(), FollicleError> {
    let mut after = 0.0;
    for &t_days in times_days {
        if t_days.is_nan() || t_days < after || t_days > horizon + 1e-9 {
            return Err(FollicleError::FrameTime {
                t_days,
                after,
                horizon,
            });
        }
        after = t_days;
    }
    Ok(())
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
/// in site order: [`follow`], every view kept.
pub fn frames(
    scenario: &Scenario,
    settings: &FollicleSettings,
    arm: usize,
    sites: &[Site],
    times_days: &[f64],
) -> Result<Vec<Frame>, FollicleError> {
    let followed = follow(scenario, settings, arm, sites, times_days, |_, v| {
        v.to_vec()
    })?;
    Ok(times_days
        .iter()
        .enumerate()
        .map(|(k, &t_days)| Frame {
            t_days,
            arm: followed.arm.clone(),
            follicles: followed
                .sites
                .iter()
                .filter_map(|v| v.get(k).copied())
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_grouped_by_level_and_bad_factors_refused() {
        let site = |f: f64| Site {
            x_cm: 0.0,
            y_cm: 0.0,
            androgen_factor: f,
            donor: false,
        };
        let r = regions(&[site(1.0), site(0.5), site(1.001), site(0.5)]).unwrap();
        assert_eq!(r, vec![(128, vec![1, 3]), (256, vec![0, 2])]);
        assert!(matches!(
            regions(&[site(f64::NAN)]),
            Err(FollicleError::BadSite(_))
        ));
        assert!(check_times(&[0.0, 5.0, 5.0, 10.0], 10.0).is_ok());
        assert!(check_times(&[0.0, 5.0, 4.0], 10.0).is_err());
        assert!(check_times(&[11.0], 10.0).is_err());
        assert!(check_times(&[f64::NAN], 10.0).is_err());
    }
}
