//! Virtual cohorts: every arm simulated for every virtual patient, summarised as
//! percentile bands and responder rates without keeping every trajectory.
//!
//! Patient `i` draws its random numbers from its own ChaCha8 stream (seed,
//! stream `i`), so a patient is the same whatever the thread count and whatever
//! arm it is put in: arms compare like with like. Patients are simulated in
//! parallel in fixed blocks and fed to the streaming estimators in patient
//! order, so the summary is identical for any `RAYON_NUM_THREADS`. Memory grows
//! with arms × output times, never with the number of patients.

pub mod quantile;

use crate::params::{self, ParamError, ParamInfo, PARAMETERS};
use crate::scenario::{Arm, Patient, Scenario};
use crate::simulation::{output_times, simulate_arm, SimError};
use quantile::P2;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use serde::Serialize;

/// Quantiles reported for every band: 5th, 25th, 50th, 75th, 95th percentile.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Standard-normal draws kept per normal/lognormal variation. A value outside
/// the parameter's range is rejected and the next draw taken (exact truncation);
/// a fixed count keeps every arm's use of the stream identical.
const NORMAL_DRAWS: usize = 32;

/// Patients simulated in parallel before their results are fed, in order, to
/// the estimators. Fixed, so results never depend on the thread count.
const BLOCK: usize = 64;

/// How one quantity varies across patients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "distribution")]
pub enum Distribution {
    /// Lognormal with the arm's value as its mean and this coefficient of variation.
    LogNormal {
        /// Coefficient of variation (sd / mean).
        cv: f64,
    },
    /// Normal with the arm's value as its mean, sd = cv × value, truncated to the valid range.
    Normal {
        /// Coefficient of variation (sd / mean).
        cv: f64,
    },
    /// Uniform between two absolute values, ignoring the arm's value.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

impl Distribution {
    /// Largest coefficient of variation accepted.
    pub const MAX_CV: f64 = 5.0;
}

/// A distribution's family, as named in `[[population.vary]] distribution`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistributionKind {
    /// `lognormal`: takes `cv`.
    LogNormal,
    /// `normal`: takes `cv`.
    Normal,
    /// `uniform`: takes `min` and `max`.
    Uniform,
}

impl DistributionKind {
    /// Every family.
    pub const ALL: [DistributionKind; 3] = [
        DistributionKind::LogNormal,
        DistributionKind::Normal,
        DistributionKind::Uniform,
    ];

    /// Name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            DistributionKind::LogNormal => "lognormal",
            DistributionKind::Normal => "normal",
            DistributionKind::Uniform => "uniform",
        }
    }
}

/// What a variation changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Varied {
    /// A model parameter.
    Parameter(&'static ParamInfo),
    /// The patient's starting terminal fraction (miniaturization severity).
    TerminalFractionStart,
}

impl Varied {
    /// The name of [`Varied::TerminalFractionStart`].
    pub const TERMINAL_FRACTION_START: &'static str = "terminal_fraction_start";

    /// The starting terminal fraction that a variation centres on when the
    /// arm's profile has none of its own (the healthy profile, which starts at
    /// its own equilibrium).
    pub const TERMINAL_FRACTION_BASE: f64 = 0.85;

    /// What the name `name` varies: a parameter or `terminal_fraction_start`.
    pub fn find(name: &str) -> Option<Varied> {
        if name == Self::TERMINAL_FRACTION_START {
            Some(Varied::TerminalFractionStart)
        } else {
            params::info(name).map(Varied::Parameter)
        }
    }

    /// Every name [`Varied::find`] knows, parameters first.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = PARAMETERS.iter().map(|p| p.name).collect();
        names.push(Self::TERMINAL_FRACTION_START);
        names
    }

    /// Name as written in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            Varied::Parameter(p) => p.name,
            Varied::TerminalFractionStart => Self::TERMINAL_FRACTION_START,
        }
    }

    /// Its unit, for tables and charts.
    pub fn unit(&self) -> &'static str {
        match self {
            Varied::Parameter(p) => p.unit,
            Varied::TerminalFractionStart => "fraction of follicles",
        }
    }

    /// Whether a value is valid for this quantity.
    pub fn allows(&self, v: f64) -> bool {
        match self {
            Varied::Parameter(p) => p.range.contains(v),
            Varied::TerminalFractionStart => Patient::allows_terminal_fraction(v),
        }
    }

    /// Its value for `patient`.
    pub fn value_in(&self, patient: &Patient) -> f64 {
        match self {
            Varied::Parameter(p) => patient.params.get(p.name).unwrap_or(p.default),
            Varied::TerminalFractionStart => patient
                .terminal_fraction_start
                .unwrap_or(Self::TERMINAL_FRACTION_BASE),
        }
    }

    /// `patient` with this quantity set to `v`, or why `v` is not valid.
    pub fn apply(&self, patient: &mut Patient, v: f64) -> Result<(), ParamError> {
        match self {
            Varied::Parameter(p) => patient.params.set(p.name, v),
            Varied::TerminalFractionStart if self.allows(v) => {
                patient.terminal_fraction_start = Some(v);
                Ok(())
            }
            Varied::TerminalFractionStart => Err(ParamError::OutOfRange {
                name: Self::TERMINAL_FRACTION_START.to_string(),
                value: v,
                expected: "between 0 and 1 (exclusive)",
            }),
        }
    }
}

/// One varied quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Variation {
    /// What varies.
    pub varied: Varied,
    /// How.
    pub distribution: Distribution,
}

/// A validated `[population]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// Virtual patients.
    pub size: u32,
    /// Seed of every patient's random stream.
    pub seed: u64,
    /// Hair-count change from the arm's start that counts as a response (0.10 = +10%).
    pub responder_threshold: f64,
    /// When response is judged, days.
    pub responder_time_days: f64,
    /// What varies and how.
    pub vary: Vec<Variation>,
}

impl Population {
    /// Seed when `seed` is not given.
    pub const DEFAULT_SEED: u64 = 1;
    /// Response threshold when `responder_threshold` is not given (+10 %).
    pub const DEFAULT_RESPONDER_THRESHOLD: f64 = 0.10;
    /// When response is judged if `responder_time` is not given, months (or
    /// the end of a shorter scenario).
    pub const DEFAULT_RESPONDER_MONTHS: f64 = 12.0;
}

/// One patient's random numbers: per variation, either standard-normal draws or one uniform.
#[derive(Debug, Clone, PartialEq)]
pub enum Draw {
    /// Standard-normal draws, tried in order until one lands in the valid range.
    Normals(Box<[f64; NORMAL_DRAWS]>),
    /// A uniform number in [0, 1).
    Uniform(f64),
}

/// The random numbers of patient `index` (independent of arms and threads).
pub fn draws(pop: &Population, index: u32) -> Vec<Draw> {
    let mut rng = ChaCha8Rng::seed_from_u64(pop.seed);
    rng.set_stream(u64::from(index));
    pop.vary
        .iter()
        .map(|v| match v.distribution {
            Distribution::Uniform { .. } => Draw::Uniform(rng.random::<f64>()),
            _ => {
                let mut z = [0.0; NORMAL_DRAWS];
                for x in &mut z {
                    *x = rng.sample(StandardNormal);
                }
                Draw::Normals(Box::new(z))
            }
        })
        .collect()
}

/// The value of one variation for one patient, around the arm's value `base`.
pub fn value(v: &Variation, base: f64, draw: &Draw) -> f64 {
    let candidate = |z: f64| match v.distribution {
        Distribution::LogNormal { cv } => {
            let s2 = (1.0 + cv * cv).ln();
            base * (s2.sqrt() * z - s2 / 2.0).exp()
        }
        Distribution::Normal { cv } => base * (1.0 + cv * z),
        Distribution::Uniform { min, max } => min + z * (max - min),
    };
    match draw {
        Draw::Uniform(u) => candidate(*u),
        Draw::Normals(zs) => zs
            .iter()
            .map(|z| candidate(*z))
            .find(|x| v.varied.allows(*x))
            .unwrap_or(base),
    }
}

/// The arm as patient `draws` experiences it. [`value`] only returns valid
/// values, so an error here means a variation whose base value is out of range.
pub fn patient_arm(arm: &Arm, pop: &Population, draws: &[Draw]) -> Result<Arm, ParamError> {
    let mut arm = arm.clone();
    for (v, d) in pop.vary.iter().zip(draws) {
        let base = v.varied.value_in(&arm.patient);
        v.varied.apply(&mut arm.patient, value(v, base, d))?;
    }
    Ok(arm)
}

/// Five streaming quantile estimators of one series at one time.
#[derive(Debug, Clone)]
struct Quantiles([P2; 5]);

impl Quantiles {
    fn new() -> Self {
        Quantiles(QUANTILES.map(P2::new))
    }
    fn add(&mut self, x: f64) {
        self.0.iter_mut().for_each(|e| e.add(x));
    }
    fn estimate(&self) -> [f64; 5] {
        [0, 1, 2, 3, 4].map(|i| self.0[i].estimate())
    }
}

/// Percentile bands of one arm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmPopulation {
    /// Arm name.
    pub name: String,
    /// Output times, days.
    pub times_days: Vec<f64>,
    /// Hair count as % of each patient's own start: [p5, p25, p50, p75, p95] per time.
    pub hair_count_pct: Vec<[f64; 5]>,
    /// Hairs shed per day: [p5, p25, p50, p75, p95] per time.
    pub shedding_per_day: Vec<[f64; 5]>,
    /// Patients with a hair-count change ≥ the threshold at the responder time.
    pub responders: u32,
    /// responders / size.
    pub responder_rate: f64,
}

/// Everything kept of a cohort run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationSummary {
    /// Virtual patients.
    pub size: u32,
    /// Seed.
    pub seed: u64,
    /// Quantiles of every band.
    pub quantiles: [f64; 5],
    /// Response threshold (fraction).
    pub responder_threshold: f64,
    /// When response is judged, days.
    pub responder_time_days: f64,
    /// Per arm, in scenario order.
    pub arms: Vec<ArmPopulation>,
}

/// Why a cohort run failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("virtual patient {patient}")]
pub struct PopulationError {
    /// 0-based patient index (re-run it with the same seed to reproduce).
    pub patient: u32,
    /// What failed.
    #[source]
    pub source: VariedError,
}

/// Why a run of an arm with varied values (a virtual patient, a scan value,
/// a sensitivity step) failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VariedError {
    /// A varied value could not be applied.
    #[error(transparent)]
    Value(#[from] ParamError),
    /// The simulation failed.
    #[error(transparent)]
    Simulation(#[from] SimError),
}

/// Per patient and arm: hair count % of start and shedding at every output time, and the response.
type PatientArm = (Vec<f64>, Vec<f64>, bool);

fn simulate_patient(
    scenario: &Scenario,
    pop: &Population,
    times: &[f64],
    index: u32,
) -> Result<Vec<PatientArm>, PopulationError> {
    let d = draws(pop, index);
    let failed = |source: VariedError| PopulationError {
        patient: index,
        source,
    };
    scenario
        .arms
        .iter()
        .map(|arm| {
            let arm = patient_arm(arm, pop, &d).map_err(|e| failed(e.into()))?;
            let r = simulate_arm(&arm, scenario.duration_days, times, &scenario.solver)
                .map_err(|e| failed(e.into()))?;
            let start = r.trajectory.rows.first().map_or(f64::NAN, |o| o.hair_count);
            let pct: Vec<f64> = r
                .trajectory
                .rows
                .iter()
                .map(|o| 100.0 * o.hair_count / start)
                .collect();
            let shed: Vec<f64> = r
                .trajectory
                .rows
                .iter()
                .map(|o| o.shedding_per_day)
                .collect();
            let responds = r
                .trajectory
                .at(pop.responder_time_days)
                .is_some_and(|o| o.hair_count / start - 1.0 >= pop.responder_threshold);
            Ok((pct, shed, responds))
        })
        .collect()
}

/// Simulate the cohort. `progress` is called with the number of patients done
/// (from the calling thread, after each block).
pub fn run(
    scenario: &Scenario,
    pop: &Population,
    progress: &dyn Fn(u64),
) -> Result<PopulationSummary, PopulationError> {
    let times = output_times(scenario);
    let n_arms = scenario.arms.len();
    let mut hair: Vec<Vec<Quantiles>> = vec![vec![Quantiles::new(); times.len()]; n_arms];
    let mut shed: Vec<Vec<Quantiles>> = vec![vec![Quantiles::new(); times.len()]; n_arms];
    let mut responders = vec![0u32; n_arms];
    let size = pop.size as usize;
    for block in (0..size).step_by(BLOCK) {
        let end = (block + BLOCK).min(size);
        let results: Vec<Result<Vec<PatientArm>, PopulationError>> = (block..end)
            .into_par_iter()
            .map(|i| simulate_patient(scenario, pop, &times, i as u32))
            .collect();
        let block: Vec<Vec<PatientArm>> = results.into_iter().collect::<Result<_, _>>()?;
        // Each estimator sees this block's patients in patient order; estimators
        // are independent, so they are fed in parallel without changing a bit.
        for a in 0..n_arms {
            hair[a]
                .par_iter_mut()
                .zip(shed[a].par_iter_mut())
                .enumerate()
                .for_each(|(row, (h, s))| {
                    for patient in &block {
                        let (pct, sh, _) = &patient[a];
                        h.add(pct[row]);
                        s.add(sh[row]);
                    }
                });
            responders[a] += block.iter().map(|p| u32::from(p[a].2)).sum::<u32>();
        }
        progress(end as u64);
    }
    let arms = scenario
        .arms
        .iter()
        .enumerate()
        .map(|(a, arm)| ArmPopulation {
            name: arm.name.clone(),
            times_days: times.clone(),
            hair_count_pct: hair[a].iter().map(Quantiles::estimate).collect(),
            shedding_per_day: shed[a].iter().map(Quantiles::estimate).collect(),
            responders: responders[a],
            responder_rate: f64::from(responders[a]) / f64::from(pop.size.max(1)),
        })
        .collect();
    Ok(PopulationSummary {
        size: pop.size,
        seed: pop.seed,
        quantiles: QUANTILES,
        responder_threshold: pop.responder_threshold,
        responder_time_days: pop.responder_time_days,
        arms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::PROFILES;

    fn patient() -> Patient {
        let profile = &PROFILES[0];
        Patient {
            profile,
            params: profile.parameters().unwrap(),
            terminal_fraction_start: None,
        }
    }

    #[test]
    fn a_varied_parameter_is_set() {
        let mut p = patient();
        let v = Varied::find("anagen_days").unwrap();
        v.apply(&mut p, 900.0).unwrap();
        assert!((v.value_in(&p) - 900.0).abs() < 1e-12);
    }

    #[test]
    fn a_parameter_out_of_its_range_is_refused() {
        let mut p = patient();
        let e = Varied::find("anagen_days").unwrap().apply(&mut p, -1.0);
        assert!(matches!(e, Err(ParamError::OutOfRange { .. })));
    }

    #[test]
    fn a_terminal_fraction_of_one_is_refused_and_named() {
        let mut p = patient();
        let e = Varied::TerminalFractionStart
            .apply(&mut p, 1.0)
            .unwrap_err();
        assert!(e.to_string().contains("terminal_fraction_start"), "{e}");
        assert_eq!(p.terminal_fraction_start, None, "the patient is unchanged");
    }

    #[test]
    fn a_profile_at_equilibrium_varies_around_the_documented_base() {
        assert_eq!(
            Varied::TerminalFractionStart.value_in(&patient()),
            Varied::TERMINAL_FRACTION_BASE
        );
    }

    #[test]
    fn every_name_is_found() {
        for name in Varied::names() {
            assert_eq!(Varied::find(name).map(|v| v.name()), Some(name));
        }
    }
}
