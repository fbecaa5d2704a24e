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
use super::view::{FollicleView, Frame};

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
    pub fn apply<V: Graft>(&self, frame: &mut Frame<V>, count: usize) {
        let n = frame.follicles.len();
        self.apply_at(&mut frame.follicles, count, |i| (i < n).then_some(i));
    }

    /// [`Transplant::apply`] to the follicles of some sites only: `sites`
    /// (increasing site indices) holds one entry of `follicles` each. A
    /// recipient whose donor is not among them keeps its own follicle.
    pub fn apply_to<V: Graft>(&self, sites: &[usize], follicles: &mut [V], count: usize) {
        self.apply_at(follicles, count, |i| sites.binary_search(&i).ok());
    }

    /// The donor sites whose grafts go to some of `sites` (increasing site
    /// indices), with as many grafts as the plan can place.
    pub fn donors_to(&self, sites: &[usize]) -> Vec<usize> {
        self.recipients
            .iter()
            .zip(&self.donors)
            .filter(|(r, _)| sites.binary_search(r).is_ok())
            .map(|(_, &d)| d)
            .collect()
    }

    /// The first `count` grafts placed on `follicles`, site `i` at `at(i)`.
    /// Recipients and donors are distinct sites, so the order of the pairs
    /// does not matter.
    fn apply_at<V: Graft>(
        &self,
        follicles: &mut [V],
        count: usize,
        at: impl Fn(usize) -> Option<usize>,
    ) {
        for (&r, &d) in self.recipients.iter().zip(&self.donors).take(count) {
            let Some(d) = at(d) else {
                continue;
            };
            if let Some(r) = at(r) {
                follicles[r] = follicles[d].grafted();
            }
            follicles[d] = follicles[d].taken();
        }
    }
}

/// What a transplant does to what is seen of a follicle.
pub trait Graft: Copy {
    /// The donor's follicle seen at a recipient site.
    fn grafted(self) -> Self;
    /// A donor site once its follicle is taken: bare skin.
    fn taken(self) -> Self;
}

impl Graft for FollicleView {
    fn grafted(self) -> Self {
        FollicleView {
            graft: true,
            ..self
        }
    }

    fn taken(self) -> Self {
        FollicleView {
            present: false,
            shaft_mm: 0.0,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::follicles::view::Phase;

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

    #[test]
    fn grafts_placed_on_some_sites_are_those_placed_on_the_whole_map() {
        let layout = ScalpLayout::new(264.0, 5).unwrap();
        let plan = Transplant::plan(&layout, 9);
        let n = layout.sites().len();
        let frame = Frame {
            t_days: 0.0,
            arm: "t".into(),
            follicles: (0..n)
                .map(|i| FollicleView {
                    phase: Phase::Anagen,
                    terminal: i % 3 != 0,
                    present: true,
                    graft: false,
                    shaft_mm: i as f32,
                })
                .collect(),
        };
        // A strip of the front (where grafts go) and a strip of the back.
        let mut some: Vec<usize> = (0..n)
            .filter(|&i| {
                let y = layout.sites()[i].y_cm;
                (y > 0.8 * layout.half_length_cm()) || y < -0.9 * layout.half_length_cm()
            })
            .collect();
        some.extend(plan.donors_to(&some));
        some.sort_unstable();
        some.dedup();
        for count in [0, 100, 2_000, plan.capacity()] {
            let mut whole = frame.clone();
            plan.apply(&mut whole, count);
            let mut part: Vec<FollicleView> = some.iter().map(|&i| frame.follicles[i]).collect();
            plan.apply_to(&some, &mut part, count);
            let expected: Vec<FollicleView> = some.iter().map(|&i| whole.follicles[i]).collect();
            assert_eq!(part, expected, "{count} grafts");
            assert_eq!(part.iter().any(|v| v.graft), count > 0);
        }
    }
}
