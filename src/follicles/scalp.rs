//! The scalp seen from above (nose up): where each follicle sits, and how its
//! region scales the androgen sensitivity of the ODE's follicle.
//!
//! The outline is an oval of [`AREA_CM2`] (the hair-bearing scalp flattened
//! onto the page with its area kept: about 100,000 follicles at the default
//! density of 264 per cm²). Sites lie on a jittered grid (one per cell of
//! `1/density` cm², at a random point of the cell), so their density is the
//! parameter's everywhere and never clumps; the same seed gives the same sites.
//!
//! **The regional field is an illustrative assumption.** No numeric map of the
//! scalp's androgen sensitivity has been published. Frontal follicles carry
//! more androgen receptor and 5α-reductase than occipital ones (Sawaya & Price
//! 1997), occipital follicles keep their resistance when moved (Orentreich
//! 1959), and male-pattern loss takes the temples and the vertex first, then
//! the whole top, sparing a wreath at the sides and back. So the field's shape
//! is 1.0 over the crown, the mid-front and the temples, 0.85 over the rest of
//! the top, 0.25 over the sides and the back (the donor region), with smooth
//! transitions (a few cm wide) between them. That shape is then scaled so its
//! mean over the follicles is 1: the map's follicles as a whole are then as
//! sensitive as the ODE's single follicle, so the map's population stays
//! comparable to the ODE's (close, not equal: the response to DHT is not
//! linear in the sensitivity).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::view::Site;

/// Area of the scalp's outline, cm²: about 100,000 follicles at 264 per cm².
pub const AREA_CM2: f64 = 380.0;

/// Length over width of the outline (a head seen from above is longer than
/// wide).
const ASPECT: f64 = 1.25;

/// Side of the close-up patch, cm (a phototrichogram's 1 cm² target area).
pub const PATCH_SIDE_CM: f32 = 1.0;

/// More follicles than this is a density no renderer is meant for.
const MAX_SITES: f64 = 5.0e6;

/// The field's shape over the top, before scaling to a mean of 1.
const TOP: f64 = 0.85;
/// The field's shape at its hot spots: crown, mid-front, temples.
const HOT: f64 = 1.0;
/// The field's shape over the donor region (sides and back).
const DONOR: f64 = 0.25;

/// Why a scalp cannot be laid out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScalpError {
    /// The density is not a positive number, or so large that the sites
    /// would not fit in memory.
    #[error("follicle density must be a positive number of at most {max} per cm² (got {0})", max = MAX_SITES / AREA_CM2)]
    Density(f64),
}

/// The scalp's follicle sites, in a fixed order (row by row from the back).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalpLayout {
    sites: Vec<Site>,
    half_width_cm: f32,
    half_length_cm: f32,
    density_per_cm2: f64,
}

/// A square of the scalp seen close up: which sites of the scalp it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// Centre of the square, cm (as [`Site`]).
    pub centre_cm: (f32, f32),
    /// Side of the square, cm.
    pub side_cm: f32,
    /// Indices into [`ScalpLayout::sites`] of the sites inside the square.
    pub indices: Vec<usize>,
}

impl ScalpLayout {
    /// The scalp at `density_per_cm2` follicles per cm², sites placed from
    /// `seed`.
    pub fn new(density_per_cm2: f64, seed: u64) -> Result<ScalpLayout, ScalpError> {
        if !(density_per_cm2.is_finite()
            && density_per_cm2 > 0.0
            && density_per_cm2 * AREA_CM2 <= MAX_SITES)
        {
            return Err(ScalpError::Density(density_per_cm2));
        }
        let half_width = (AREA_CM2 / (std::f64::consts::PI * ASPECT)).sqrt();
        let half_length = half_width * ASPECT;
        let cell = 1.0 / density_per_cm2.sqrt();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let cols = (2.0 * half_width / cell).ceil() as usize;
        let rows = (2.0 * half_length / cell).ceil() as usize;
        let mut points = Vec::with_capacity((density_per_cm2 * AREA_CM2 * 1.01) as usize);
        for row in 0..rows {
            for col in 0..cols {
                // Both draws are made for every cell, inside or not, so a
                // site's position does not depend on which cells before it
                // fell outside the outline.
                let jx: f64 = rng.random();
                let jy: f64 = rng.random();
                let x = -half_width + (col as f64 + jx) * cell;
                let y = -half_length + (row as f64 + jy) * cell;
                if (x / half_width).powi(2) + (y / half_length).powi(2) <= 1.0 {
                    points.push((x, y));
                }
            }
        }
        let shapes: Vec<f64> = points
            .iter()
            .map(|&(x, y)| shape(x / half_width, y / half_length))
            .collect();
        let mean = shapes.iter().sum::<f64>() / shapes.len().max(1) as f64;
        let sites = points
            .iter()
            .zip(&shapes)
            .map(|(&(x, y), &s)| Site {
                x_cm: x as f32,
                y_cm: y as f32,
                androgen_factor: s / mean,
                donor: s < (DONOR + TOP) / 2.0,
            })
            .collect();
        Ok(ScalpLayout {
            sites,
            half_width_cm: half_width as f32,
            half_length_cm: half_length as f32,
            density_per_cm2,
        })
    }

    /// Every site, row by row from the back of the head.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// Half the outline's width (ear to ear), cm.
    pub fn half_width_cm(&self) -> f32 {
        self.half_width_cm
    }

    /// Half the outline's length (nape to forehead), cm.
    pub fn half_length_cm(&self) -> f32 {
        self.half_length_cm
    }

    /// The density the sites were laid out at, per cm².
    pub fn density_per_cm2(&self) -> f64 {
        self.density_per_cm2
    }

    /// The 1 cm² square at the crown (the vertex, where trials place their
    /// target area): about `density` sites.
    pub fn crown_patch(&self) -> Patch {
        let centre = (0.0, CROWN_V as f32 * self.half_length_cm);
        let half = PATCH_SIDE_CM / 2.0;
        let indices = self
            .sites
            .iter()
            .enumerate()
            .filter(|(_, s)| (s.x_cm - centre.0).abs() < half && (s.y_cm - centre.1).abs() < half)
            .map(|(i, _)| i)
            .collect();
        Patch {
            centre_cm: centre,
            side_cm: PATCH_SIDE_CM,
            indices,
        }
    }
}

impl Patch {
    /// The patch's sites, in the order of [`Patch::indices`].
    pub fn sites(&self, scalp: &ScalpLayout) -> Vec<Site> {
        self.indices
            .iter()
            .filter_map(|&i| scalp.sites.get(i).copied())
            .collect()
    }
}

/// Where the crown (vertex) lies, as a fraction of the half-length behind the
/// centre.
const CROWN_V: f64 = -0.3;

/// The field's shape at `(u, v)`, the position as fractions of the half-width
/// and half-length (u towards the right ear, v towards the forehead).
fn shape(u: f64, v: f64) -> f64 {
    // The top: an oval reaching past the forehead but short of the sides and
    // the back, so what it leaves out is the horseshoe-shaped wreath.
    let rho = ((u / 0.7).powi(2) + ((v - 0.3) / 1.0).powi(2)).sqrt();
    let top = smoothstep(1.0 + 0.08, 1.0 - 0.08, rho);
    let bump = |cu: f64, cv: f64, r: f64| (-((u - cu).powi(2) + (v - cv).powi(2)) / (r * r)).exp();
    let hot = bump(0.0, CROWN_V, 0.25)
        .max(bump(0.0, 0.75, 0.2))
        .max(bump(-0.45, 0.78, 0.18))
        .max(bump(0.45, 0.78, 0.18));
    let upper = TOP + (HOT - TOP) * hot;
    DONOR + (upper - DONOR) * top
}

/// 0 at `from`, 1 at `to`, smooth between (Hermite), either direction.
fn smoothstep(from: f64, to: f64, x: f64) -> f64 {
    let t = ((x - from) / (to - from)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalp() -> ScalpLayout {
        ScalpLayout::new(264.0, 7).unwrap()
    }

    #[test]
    fn about_a_hundred_thousand_sites_at_the_default_density() {
        let s = scalp();
        let n = s.sites().len() as f64;
        assert!((n - 264.0 * AREA_CM2).abs() < 0.01 * n, "{n}");
        assert!(s
            .sites()
            .iter()
            .all(
                |p| (p.x_cm / s.half_width_cm()).powi(2) + (p.y_cm / s.half_length_cm()).powi(2)
                    <= 1.0 + 1e-5
            ));
    }

    #[test]
    fn the_same_seed_gives_the_same_sites_and_another_seed_others() {
        assert_eq!(scalp(), scalp());
        assert_ne!(
            scalp().sites()[..50],
            ScalpLayout::new(264.0, 8).unwrap().sites()[..50]
        );
    }

    #[test]
    fn the_field_averages_one_and_is_high_on_top_and_low_in_the_wreath() {
        let s = scalp();
        let f: Vec<f64> = s.sites().iter().map(|p| p.androgen_factor).collect();
        let mean = f.iter().sum::<f64>() / f.len() as f64;
        assert!((mean - 1.0).abs() < 1e-9, "{mean}");
        let at = |u: f64, v: f64| shape(u, v);
        // Crown, mid-front and temples are the hot spots; sides and back are
        // the donor region, a quarter as sensitive.
        for (u, v) in [(0.0, CROWN_V), (0.0, 0.75), (0.45, 0.78), (-0.45, 0.78)] {
            assert!((at(u, v) - HOT).abs() < 0.02, "{u} {v} {}", at(u, v));
        }
        for (u, v) in [(0.95, 0.0), (-0.95, 0.0), (0.0, -0.95), (0.6, -0.7)] {
            assert!((at(u, v) - DONOR).abs() < 1e-9, "{u} {v}");
        }
        // Smooth: no step larger than a tenth between sites 1 mm apart.
        for i in 0..400 {
            let u = -1.0 + i as f64 / 200.0;
            assert!((at(u, 0.2) - at(u + 0.01, 0.2)).abs() < 0.1);
        }
    }

    #[test]
    fn donor_sites_are_the_sides_and_back() {
        let s = scalp();
        let donors: Vec<&Site> = s.sites().iter().filter(|p| p.donor).collect();
        let share = donors.len() as f64 / s.sites().len() as f64;
        assert!((0.2..0.6).contains(&share), "{share}");
        assert!(donors.iter().all(|p| p.androgen_factor < 1.0));
        // None at the crown or the mid-front.
        assert!(donors
            .iter()
            .all(|p| p.x_cm.abs() > 3.0 || p.y_cm < -4.0 || p.y_cm > 11.0));
    }

    #[test]
    fn the_crown_patch_holds_about_the_density() {
        let s = scalp();
        let patch = s.crown_patch();
        let n = patch.indices.len() as f64;
        assert!((n - 264.0).abs() < 30.0, "{n}");
        let sites = patch.sites(&s);
        assert_eq!(sites.len(), patch.indices.len());
        assert!(sites.iter().all(|p| p.androgen_factor > 1.0 && !p.donor));
    }

    #[test]
    fn bad_densities_are_refused() {
        for d in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e9] {
            assert!(matches!(
                ScalpLayout::new(d, 1),
                Err(ScalpError::Density(_))
            ));
        }
    }
}
