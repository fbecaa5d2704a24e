//! The follicle pictures of a scenario, as files' bytes: the scalp-map
//! animation and contact sheet, the crown patch's animation and contact
//! sheet, and the "why trials need many patients" chart.
//!
//! One scalp layout (sites at the patient's follicle density, placed from the
//! follicles' seed) serves every arm; each arm's follicles are followed by
//! the simulator at monthly frames; a transplant's grafts are placed from the
//! arm's ODE graft count (`grafts`). The patch is the crown's 1 cm² cut from
//! the same frames. The trial patients are separate patches of ODE-average
//! follicles (androgen factor 1, so their mean is the whole scalp's), one
//! patient per block of sites: each follicle has its own random stream, so
//! each patient has streams of its own.

use super::grafts::Transplant;
use super::render::{self, Look, Reel, RenderError};
use super::scalp::{Patch, ScalpError, ScalpLayout, PATCH_SIDE_CM};
use super::trial::{self, TrialNoise};
use super::view::{FollicleView, Frame, Site};
use super::{follow, frames, FollicleError, FollicleSettings};
use crate::charts::trial_noise::{self, render_trial_noise};
use crate::charts::{ChartError, ImageFormat};
use crate::i18n::{Key, Lang};
use crate::scenario::Scenario;
use crate::simulation::{simulate, SimError, SimulationResult};
use rayon::prelude::*;

/// Days per month (frames are monthly).
const MONTH_DAYS: f64 = 365.25 / 12.0;

/// Frames gathered at once from the follicles' looks.
const TIMES_AT_ONCE: usize = 16;

/// Most months the trial chart follows (a trial's horizon).
const TRIAL_MONTHS: f64 = 24.0;

/// Which pictures to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drawn {
    /// The scalp map (GIF and contact sheet).
    pub map: bool,
    /// The crown patch (GIF and contact sheet) and the trial chart.
    pub patch: bool,
}

impl Drawn {
    /// Whether anything is drawn.
    pub fn any(self) -> bool {
        self.map || self.patch
    }
}

/// What to draw besides the scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PictureOptions {
    /// Which pictures.
    pub drawn: Drawn,
    /// Days between animation frames.
    pub frame_days: f64,
    /// Simulated patients per arm in the trial chart.
    pub patients: usize,
    /// Times of the contact sheets: this many, evenly spread from start to end.
    pub sheet_rows: usize,
    /// The language of the pictures' text.
    pub lang: Lang,
}

impl Default for PictureOptions {
    fn default() -> Self {
        PictureOptions {
            drawn: Drawn {
                map: true,
                patch: true,
            },
            frame_days: MONTH_DAYS,
            patients: 100,
            sheet_rows: 5,
            lang: Lang::En,
        }
    }
}

/// Why the pictures could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// The ODE failed.
    #[error(transparent)]
    Simulation(#[from] SimError),
    /// The follicles could not be followed.
    #[error(transparent)]
    Follicles(#[from] FollicleError),
    /// The scalp could not be laid out.
    #[error(transparent)]
    Layout(#[from] ScalpError),
    /// A picture could not be drawn.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The trial chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// The pictures of `scenario` that `options` asks for: (file name, bytes).
pub fn pictures(
    scenario: &Scenario,
    settings: &FollicleSettings,
    options: &PictureOptions,
) -> Result<Vec<(String, Vec<u8>)>, PictureError> {
    let ode = simulate(scenario)?;
    let layout = ScalpLayout::new(
        scenario.patient.params.follicle_density_per_cm2,
        settings.seed,
    )?;
    let times = frame_times(scenario.duration_days, options.frame_days);
    let patch = layout.crown_patch();
    let drawn = options.drawn;
    let scalp = scalp_frames(
        scenario,
        settings,
        &layout,
        &ode,
        &times,
        drawn.patch.then_some(&patch),
    )?;
    let mut files = Vec::new();
    let lang = options.lang;
    let title = |key| lang.fill(key, &[("scenario", &scenario.name)]);
    let reel = Reel {
        title: &title(Key::FollicleMapTitle),
        scenario: &scenario.name,
        lang,
        arms: &scalp.map,
    };
    let rows = render::nearest(
        &reel,
        &sheet_times(scenario.duration_days, options.sheet_rows),
    )?;
    if drawn.map {
        files.push(("scalp_map.gif".into(), render::map_gif(&layout, &reel)?));
        files.push((
            "scalp_map.png".into(),
            render::map_sheet(&layout, &reel, &rows)?,
        ));
    }
    if !drawn.patch {
        return Ok(files);
    }
    let patch_reel = Reel {
        title: &title(Key::FolliclePatchTitle),
        scenario: &scenario.name,
        lang,
        arms: &scalp.patch,
    };
    files.push((
        "patch.gif".to_string(),
        render::patch_gif(&layout, &patch, &patch_reel)?,
    ));
    files.push((
        "patch.png".to_string(),
        render::patch_sheet(&layout, &patch, &patch_reel, &rows)?,
    ));
    drop(scalp);
    let noise = trial_noise(
        scenario,
        settings,
        &ode,
        &patch.sites(&layout),
        options.patients,
    )?;
    for format in [ImageFormat::Svg, ImageFormat::Png] {
        let name = format!("{}.{}", trial_noise::NAME, format.extension());
        files.push((name, render_trial_noise(&noise, format, lang)?));
    }
    Ok(files)
}

/// Every `step` days from 0, and the end.
fn frame_times(duration: f64, step: f64) -> Vec<f64> {
    let step = if step.is_finite() && step > 0.0 {
        step
    } else {
        MONTH_DAYS
    };
    let mut t: Vec<f64> = (0..)
        .map(|k| k as f64 * step)
        .take_while(|&t| t < duration - 1e-6)
        .collect();
    t.push(duration);
    t
}

/// `rows` times evenly spread over `0..=duration`.
fn sheet_times(duration: f64, rows: usize) -> Vec<f64> {
    let rows = rows.max(2);
    (0..rows)
        .map(|k| duration * k as f64 / (rows - 1) as f64)
        .collect()
}

/// Every arm's scalp at the frame times, with its transplant's grafts: per
/// arm, per time.
struct ScalpFrames {
    /// What the map shows of every follicle: one byte each, so 20 years of
    /// monthly frames hold 24 MB per arm where the views would hold 190 MB.
    map: Vec<Vec<Frame<Look>>>,
    /// The patch's follicles (in the order of its indices), when asked for.
    patch: Vec<Vec<Frame>>,
}

/// Every arm's follicles at the sites of `layout` followed to `times`: their
/// looks, and the views of `patch`'s follicles. The follicles are followed
/// region by region ([`follow`]), each keeping its looks, so an arm's views
/// are never all held at once.
fn scalp_frames(
    scenario: &Scenario,
    settings: &FollicleSettings,
    layout: &ScalpLayout,
    ode: &SimulationResult,
    times: &[f64],
    patch: Option<&Patch>,
) -> Result<ScalpFrames, PictureError> {
    let plan = Transplant::plan(layout, settings.seed);
    let sites = layout.sites().len();
    // The sites whose views are kept: the patch's, and the donors of its
    // grafts (a graft shows its donor's follicle), by site.
    let mut kept: Vec<usize> = patch.map_or_else(Vec::new, |p| p.indices.clone());
    kept.sort_unstable();
    kept.extend(plan.donors_to(&kept));
    kept.sort_unstable();
    kept.dedup();
    // The arms side by side: each one's ODE solve and gathering overlap
    // another's walk.
    let arms = (0..scenario.arms.len()).into_par_iter().map(|arm| {
        let followed = follow(
            scenario,
            settings,
            arm,
            layout.sites(),
            times,
            |i, views| {
                let looks: Box<[Look]> = views.iter().map(Look::of).collect();
                (
                    looks,
                    kept.binary_search(&i).is_ok().then(|| views.to_vec()),
                )
            },
        )?;
        let grafts: Vec<usize> = match ode.arms.get(arm) {
            Some(result) => {
                let start = result
                    .trajectory
                    .rows
                    .first()
                    .map_or(0.0, |r| r.follicles_present);
                times
                    .iter()
                    .map(|&t| {
                        let grafts = result.trajectory.at(t).map_or(0.0, |r| r.graft_follicles);
                        plan.sites_for(grafts, start, sites)
                    })
                    .collect()
            }
            None => vec![0; times.len()],
        };
        let (name, plan, grafts) = (&followed.arm, &plan, &grafts);
        // From each follicle's looks to each time's: a few times at once, so
        // that each follicle's looks are read once per block, not per time.
        let map = times
            .par_chunks(TIMES_AT_ONCE)
            .enumerate()
            .flat_map_iter(|(block, block_times)| {
                let k0 = block * TIMES_AT_ONCE;
                let mut at: Vec<Vec<Look>> = block_times
                    .iter()
                    .map(|_| Vec::with_capacity(sites))
                    .collect();
                for (looks, _) in &followed.sites {
                    for (j, follicles) in at.iter_mut().enumerate() {
                        follicles.push(looks[k0 + j]);
                    }
                }
                at.into_iter().enumerate().map(move |(j, follicles)| {
                    let mut frame = Frame {
                        t_days: times[k0 + j],
                        arm: name.clone(),
                        follicles,
                    };
                    plan.apply(&mut frame, grafts[k0 + j]);
                    frame
                })
            })
            .collect();
        let Some(patch) = patch else {
            return Ok((map, Vec::new()));
        };
        let views: Vec<&[FollicleView]> = followed
            .sites
            .iter()
            .filter_map(|(_, v)| v.as_deref())
            .collect();
        let at: Vec<usize> = patch
            .indices
            .iter()
            .filter_map(|i| kept.binary_search(i).ok())
            .collect();
        let close = (0..times.len())
            .map(|k| {
                let mut now: Vec<FollicleView> = views.iter().map(|v| v[k]).collect();
                plan.apply_to(&kept, &mut now, grafts[k]);
                Frame {
                    t_days: times[k],
                    arm: name.clone(),
                    follicles: at.iter().map(|&p| now[p]).collect(),
                }
            })
            .collect();
        Ok((map, close))
    });
    let (map, patch_frames): (Vec<_>, Vec<_>) = arms
        .collect::<Result<Vec<_>, PictureError>>()?
        .into_iter()
        .unzip();
    Ok(ScalpFrames {
        map,
        patch: if patch.is_some() {
            patch_frames
        } else {
            Vec::new()
        },
    })
}

/// The trial chart's data: per arm, `patients` patches of `patch`'s size.
fn trial_noise(
    scenario: &Scenario,
    settings: &FollicleSettings,
    ode: &SimulationResult,
    patch: &[Site],
    patients: usize,
) -> Result<Vec<TrialNoise>, PictureError> {
    let times = frame_times(
        scenario.duration_days.min(TRIAL_MONTHS * MONTH_DAYS),
        MONTH_DAYS,
    );
    let per = patch.len().max(1);
    let sites: Vec<Site> = (0..patients.max(2))
        .flat_map(|_| {
            patch.iter().map(|s| Site {
                androgen_factor: 1.0,
                ..*s
            })
        })
        .collect();
    let area = f64::from(PATCH_SIDE_CM * PATCH_SIDE_CM);
    (0..scenario.arms.len())
        .map(|arm| {
            let frames = frames(scenario, settings, arm, &sites, &times)?;
            let mut counts = vec![Vec::with_capacity(times.len()); sites.len() / per];
            for frame in &frames {
                for (p, views) in frame.follicles.chunks(per).enumerate() {
                    if let Some(c) = counts.get_mut(p) {
                        c.push(trial::patch_count(views, area));
                    }
                }
            }
            let trajectory = ode.arms.get(arm).map(|a| &a.trajectory);
            Ok(TrialNoise {
                arm: scenario.arms[arm].name.clone(),
                scenario: scenario.name.clone(),
                whole_scalp: times
                    .iter()
                    .map(|&t| {
                        trajectory
                            .and_then(|tr| tr.at(t))
                            .map_or(f64::NAN, |r| r.hair_density_per_cm2)
                    })
                    .collect(),
                times_days: times.clone(),
                patients: counts,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_monthly_and_end_at_the_end() {
        let t = frame_times(365.25, MONTH_DAYS);
        assert_eq!(t.len(), 13);
        assert!((t[12] - 365.25).abs() < 1e-9 && (t[11] - 11.0 * MONTH_DAYS).abs() < 1e-9);
        let t = frame_times(40.0, MONTH_DAYS);
        assert_eq!(t.len(), 3);
        assert!(frame_times(10.0, f64::NAN).len() == 2);
        let s = sheet_times(7305.0, 5);
        assert_eq!(s.len(), 5);
        assert!((s[2] - 3652.5).abs() < 1e-9);
    }
}
