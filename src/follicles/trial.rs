//! Why trials need many patients: the hairs a phototrichogram counts in a
//! 1 cm² target area, for many simulated patients who differ only in chance.
//!
//! Every patient has the same scalp, the same course and the same treatment;
//! each patch's follicles run on the patient's own random streams. The spread
//! of their counts is therefore sampling noise alone: about √200 ≈ 14 hairs
//! for a patch of 200 follicles. A trial measures each patient's change over
//! 12 months, and the spread (SD) of that change is what decides how many
//! patients it needs; the published SDs of that change (literature,
//! issue 22) are set beside the simulated one.

use super::view::{FollicleView, Phase};

/// A published spread of the 48-week change in a 1 cm² target-area count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedSd {
    /// Who and what, short.
    pub label: &'static str,
    /// The SD of the change, hairs/cm².
    pub sd: f64,
}

/// SDs of the 48-week change in hairs/cm² (Olsen et al. 2002, men; Lucky et
/// al. 2004, women; as tabulated in PMC6691938, tables 2 and 3).
pub const PUBLISHED_SDS: [PublishedSd; 4] = [
    PublishedSd {
        label: "men, placebo (Olsen 2002)",
        sd: 21.7,
    },
    PublishedSd {
        label: "men, 5 % minoxidil (Olsen 2002)",
        sd: 25.4,
    },
    PublishedSd {
        label: "women, placebo (Lucky 2004)",
        sd: 14.6,
    },
    PublishedSd {
        label: "women, 5 % minoxidil (Lucky 2004)",
        sd: 19.5,
    },
];

/// The months over which a trial measures the change.
pub const CHANGE_MONTHS: f64 = 12.0;

/// One arm's patients counted in their patch over time.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialNoise {
    /// The arm's name (scenario text).
    pub arm: String,
    /// The scenario's name.
    pub scenario: String,
    /// Count times, days.
    pub times_days: Vec<f64>,
    /// Per patient, hairs counted per cm² at each time.
    pub patients: Vec<Vec<f64>>,
    /// The ODE's terminal hairs per cm² over the whole scalp at each time.
    pub whole_scalp: Vec<f64>,
}

/// The hairs a phototrichogram counts among `follicles` per cm² of their
/// `area_cm2`: terminal shafts present (growing, regressing or resting;
/// kenogen and lost follicles show none).
pub fn patch_count(follicles: &[FollicleView], area_cm2: f64) -> f64 {
    let n = follicles
        .iter()
        .filter(|v| v.present && v.terminal && v.phase != Phase::Kenogen && v.shaft_mm > 0.0)
        .count();
    n as f64 / area_cm2
}

impl TrialNoise {
    /// The patients' mean count at each time.
    pub fn mean(&self) -> Vec<f64> {
        let n = self.patients.len().max(1) as f64;
        (0..self.times_days.len())
            .map(|k| self.patients.iter().filter_map(|p| p.get(k)).sum::<f64>() / n)
            .collect()
    }

    /// Each patient's change from the first time to [`CHANGE_MONTHS`] later
    /// (the time nearest to it), with that time; None when the course is
    /// shorter.
    pub fn changes(&self) -> Option<(f64, Vec<f64>)> {
        let start = *self.times_days.first()?;
        let target = start + CHANGE_MONTHS * 365.25 / 12.0;
        if *self.times_days.last()? < target - 1.0 {
            return None;
        }
        let k = (0..self.times_days.len()).min_by(|&a, &b| {
            (self.times_days[a] - target)
                .abs()
                .total_cmp(&(self.times_days[b] - target).abs())
        })?;
        let changes = self
            .patients
            .iter()
            .filter_map(|p| Some(p.get(k)? - p.first()?))
            .collect();
        Some((self.times_days[k], changes))
    }

    /// The SD (n − 1) of the patients' 12-month change.
    pub fn change_sd(&self) -> Option<f64> {
        let (_, c) = self.changes()?;
        if c.len() < 2 {
            return None;
        }
        let mean = c.iter().sum::<f64>() / c.len() as f64;
        let var = c.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (c.len() - 1) as f64;
        Some(var.sqrt())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Patients whose counts are binomial around a slow decline, as the
    /// simulator's would be.
    pub(crate) fn noise(patients: usize) -> TrialNoise {
        let times: Vec<f64> = (0..=24).map(|m| m as f64 * 365.25 / 12.0).collect();
        let mut state = 12345u64;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let whole: Vec<f64> = times.iter().map(|t| 220.0 - t / 100.0).collect();
        let patients = (0..patients)
            .map(|_| {
                whole
                    .iter()
                    .map(|&m| {
                        let p = m / 264.0;
                        (0..264).filter(|_| uniform() < p).count() as f64
                    })
                    .collect()
            })
            .collect();
        TrialNoise {
            arm: "untreated".into(),
            scenario: "test".into(),
            times_days: times,
            patients,
            whole_scalp: whole,
        }
    }

    #[test]
    fn the_spread_of_the_change_is_binomial_sampling_noise() {
        let t = noise(400);
        let sd = t.change_sd().unwrap();
        // Two independent binomial counts of 264 at p ≈ 0.83: SD of the
        // difference √(2·264·p(1−p)) ≈ 8.6.
        let p: f64 = 220.0 / 264.0;
        let expected = (2.0 * 264.0 * p * (1.0 - p)).sqrt();
        assert!(
            (sd - expected).abs() < 0.15 * expected,
            "{sd} vs {expected}"
        );
        let (at, c) = t.changes().unwrap();
        assert!((at - 365.25).abs() < 1.0);
        assert_eq!(c.len(), 400);
        let mean = t.mean();
        assert!((mean[0] - 220.0).abs() < 2.0, "{}", mean[0]);
    }

    #[test]
    fn too_short_a_course_has_no_change() {
        let mut t = noise(3);
        t.times_days.truncate(6);
        assert_eq!(t.changes(), None);
        assert_eq!(t.change_sd(), None);
    }

    #[test]
    fn counted_hairs_are_terminal_shafts_present() {
        let v = FollicleView {
            phase: Phase::Telogen,
            terminal: true,
            present: true,
            graft: false,
            shaft_mm: 40.0,
        };
        let follicles = [
            v,
            FollicleView {
                phase: Phase::Kenogen,
                shaft_mm: 0.0,
                ..v
            },
            FollicleView {
                terminal: false,
                ..v
            },
            FollicleView {
                present: false,
                ..v
            },
            FollicleView {
                phase: Phase::Anagen,
                ..v
            },
        ];
        assert!((patch_count(&follicles, 0.5) - 4.0).abs() < 1e-12);
    }
}
