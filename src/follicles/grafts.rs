//! A transplant on the scalp map: which sites receive grafts and which donor
//! sites give them.
//!
//! The simulator follows the native follicles one per site; the ODE counts
//! the transplanted ones. On the map, as many sites as the ODE's grafts are a
//! share of its follicles at the start receive a graft, the front first (the
//! hairline, then backwards over the top), and as many donor sites, spread
//! over the donor region (the back and the sides) in a seeded order (as extractions are spread so the donor
//! region thins evenly), are left bare. The graft at a recipient site shows
//! the follicle of its donor site as the simulator follows it there, at the
//! donor region's low androgen sensitivity: donor dominance (Orentreich 1959)
//! without a rule of its own. The shedding of grafts after surgery is not
//! shown (the donor follicle keeps its own cycle): an illustrative placement,
//! not a model of healing.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::scalp::ScalpLayout;
use super::view::Frame;

/// Where a transplant's grafts go and come from, in the order they are used.
#[derive(Debug, Clone, PartialEq)]
pub struct Transplant {
    /// Non-donor sites, the front first.
    recipients: Vec<usize>,
    /// Donor sites, in a seeded order.
    donors: Vec<usize>,
}

impl Transplant {
    /// The plan for `layout`, donors ordered from `seed`.
    pub fn plan(layout: &ScalpLayout, seed: u64) -> Transplant {
        let sites = layout.sites();
        let mut recipients: Vec<usize> = (0..sites.len()).filter(|&i| !sites[i].donor).collect();
        recipients.sort_by(|&a, &b| sites[b].y_cm.total_cmp(&sites[a].y_cm));
        let mut donors: Vec<usize> = (0..sites.len()).filter(|&i| sites[i].donor).collect();
        donors.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        Transplant { recipients, donors }
    }

    /// The most grafts the plan can place.
    pub fn capacity(&self) -> usize {
        self.recipients.len().min(self.donors.len())
    }

    /// How many sites of a `sites`-site map hold grafts when the ODE has
    /// `grafts` transplanted follicles among `follicles` at the start.
    pub fn sites_for(&self, grafts: f64, follicles: f64, sites: usize) -> usize {
        if !(grafts > 0.0 && follicles > 0.0) {
            return 0;
        }
        let n = (grafts / follicles * sites as f64).round();
        (n.min(self.capacity() as f64)) as usize
    }

    /// `frame` (one view per site) with `count` grafts placed: each recipient
    /// shows its donor's follicle marked as a graft, each donor site is bare.
    pub fn apply(&self, frame: &mut Frame, count: usize) {
        for (&r, &d) in self.recipients.iter().zip(&self.donors).take(count) {
            let (Some(&donor), true) = (frame.follicles.get(d), r < frame.follicles.len()) else {
                continue;
            };
            frame.follicles[r] = super::FollicleView {
                graft: true,
                ..donor
            };
            frame.follicles[d].present = false;
            frame.follicles[d].shaft_mm = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::follicles::view::{FollicleView, Phase};

    #[test]
    fn grafts_fill_the_front_from_the_back() {
        let layout = ScalpLayout::new(264.0, 5).unwrap();
        let plan = Transplant::plan(&layout, 9);
        assert!(plan.capacity() > 10_000);
        let n = layout.sites().len();
        // 2,500 grafts among the ODE's 100,000 follicles: 2.5 % of the sites.
        let count = plan.sites_for(2500.0, 100_000.0, n);
        assert!((count as f64 - 0.025 * n as f64).abs() < 2.0, "{count}");
        assert_eq!(plan.sites_for(0.0, 100_000.0, n), 0);
        assert_eq!(plan.sites_for(1e9, 1.0, n), plan.capacity());
        let mut frame = Frame {
            t_days: 0.0,
            arm: "t".into(),
            follicles: (0..n)
                .map(|i| FollicleView {
                    phase: Phase::Anagen,
                    terminal: layout.sites()[i].donor,
                    present: true,
                    graft: false,
                    shaft_mm: 10.0,
                })
                .collect(),
        };
        plan.apply(&mut frame, count);
        let sites = layout.sites();
        let grafts: Vec<usize> = (0..n).filter(|&i| frame.follicles[i].graft).collect();
        assert_eq!(grafts.len(), count);
        // The grafts are at the front, terminal like their donors.
        assert!(grafts
            .iter()
            .all(|&i| sites[i].y_cm > 0.5 * layout.half_length_cm()));
        assert!(grafts.iter().all(|&i| frame.follicles[i].terminal));
        // The bare donor sites are in the donor region, spread out.
        let bare: Vec<usize> = (0..n).filter(|&i| !frame.follicles[i].present).collect();
        assert_eq!(bare.len(), count);
        assert!(bare.iter().all(|&i| sites[i].donor));
        assert!(bare
            .iter()
            .any(|&i| sites[i].y_cm < -0.5 * layout.half_length_cm()));
        let spread = bare
            .iter()
            .map(|&i| sites[i].x_cm)
            .fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(spread > 0.6 * layout.half_width_cm());
    }
}
