//! Which parameter matters most for an endpoint: normalized local sensitivities
//! and Morris elementary effects.
//!
//! The endpoint is one arm's hair count at time T relative to its own start,
//! E = HC(T) / HC(0) (so scale-only parameters such as `follicles` have no
//! effect). Local sensitivities are S = (p / E) ∂E/∂p by central finite
//! differences of the real simulation at tight tolerance (one-sided at a range
//! bound). The global method is Morris elementary effects (Morris 1991, with
//! the μ* of Campolongo et al. 2007): each parameter moves over ±`spread` of its
//! value, and μ* ranks parameters by their mean absolute effect across the
//! space. We use Morris rather than Sobol indices because the model has ~50
//! parameters: Morris screens them with r·(k+1) runs (about a thousand), where
//! Sobol's variance decomposition would need tens of thousands; Morris ranks
//! reliably but does not apportion variance, which is what screening needs.

use crate::params::{ParamError, Parameters, PARAMETERS};
use crate::population::VariedError;
use crate::scenario::{Arm, Scenario};
use crate::simulation::{simulate_arm, SimError};
use crate::solve::{Method, SolverSettings};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// Relative step of the central differences.
pub const RELATIVE_STEP: f64 = 1e-3;

/// Settings of the Morris screening.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MorrisOptions {
    /// Trajectories r (each costs k + 1 runs).
    pub trajectories: u32,
    /// Grid levels p (Δ = p / (2 (p − 1))).
    pub levels: u32,
    /// Each parameter ranges over value × (1 ± spread), within its valid range.
    pub spread: f64,
    /// Seed of the trajectories.
    pub seed: u64,
}

impl MorrisOptions {
    /// Fewest trajectories: σ needs two.
    pub const MIN_TRAJECTORIES: u32 = 2;
    /// Most trajectories (each costs a run per parameter).
    pub const MAX_TRAJECTORIES: u32 = 10_000;
}

impl Default for MorrisOptions {
    fn default() -> Self {
        MorrisOptions {
            trajectories: 20,
            levels: 4,
            spread: 0.5,
            seed: 1,
        }
    }
}

/// One parameter's sensitivities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// Parameter name.
    pub name: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Value in the arm.
    pub value: f64,
    /// Normalized local sensitivity (p / E) ∂E/∂p (0 for a parameter whose value is 0).
    pub local: f64,
    /// Morris μ*: mean |elementary effect|, in % of the nominal endpoint per full move across the range.
    pub mu_star_pct: f64,
    /// Morris σ of the elementary effects, same unit (non-linearity or interactions).
    pub sigma_pct: f64,
}

/// The analysis of one arm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityResult {
    /// Scenario name.
    pub scenario: String,
    /// Arm analysed.
    pub arm: String,
    /// Endpoint time, days.
    pub endpoint_days: f64,
    /// Nominal endpoint E = HC(T) / HC(0).
    pub endpoint_ratio: f64,
    /// Morris settings.
    pub morris: MorrisOptions,
    /// Every parameter, sorted by |local| (largest first).
    pub parameters: Vec<Sensitivity>,
}

/// Tight settings so finite differences measure the model, not the solver.
fn tight() -> SolverSettings {
    SolverSettings::new(Method::DOP853)
        .with_rtol(1e-11)
        .and_then(|s| s.with_atol(1e-13))
        .unwrap_or_default()
}

/// E = HC(T) / HC(0) for `arm` with parameters `params`.
pub fn endpoint(
    arm: &Arm,
    params: &Parameters,
    t_days: f64,
    settings: &SolverSettings,
) -> Result<f64, SimError> {
    let mut arm = arm.clone();
    arm.patient.params = *params;
    let r = simulate_arm(&arm, t_days, &[0.0, t_days], settings)?;
    let rows = &r.trajectory.rows;
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) => Ok(b.hair_count / a.hair_count),
        _ => Ok(f64::NAN),
    }
}

/// Normalized local sensitivity of every parameter (in table order).
pub fn local(arm: &Arm, t_days: f64) -> Result<Vec<f64>, SimError> {
    let s = tight();
    let base = arm.patient.params;
    let e0 = endpoint(arm, &base, t_days, &s)?;
    PARAMETERS
        .par_iter()
        .map(|meta| {
            let p = base.get(meta.name).unwrap_or(meta.default);
            if p == 0.0 {
                return Ok(0.0);
            }
            let h = RELATIVE_STEP * p.abs();
            let at = |v: f64| -> Result<Option<f64>, SimError> {
                let mut q = base;
                if q.set(meta.name, v).is_err() {
                    return Ok(None);
                }
                endpoint(arm, &q, t_days, &s).map(Some)
            };
            let (up, down) = (at(p + h)?, at(p - h)?);
            let slope = match (up, down) {
                (Some(u), Some(d)) => (u - d) / (2.0 * h),
                (Some(u), None) => (u - e0) / h,
                (None, Some(d)) => (e0 - d) / h,
                (None, None) => 0.0,
            };
            Ok(slope * p / e0)
        })
        .collect()
}

/// Morris μ* and σ (in % of the nominal endpoint) of every parameter (table order).
pub fn morris(
    arm: &Arm,
    t_days: f64,
    opts: &MorrisOptions,
) -> Result<Vec<(f64, f64)>, VariedError> {
    let settings = SolverSettings::default();
    let base = arm.patient.params;
    let e0 = endpoint(arm, &base, t_days, &settings)?;
    let k = PARAMETERS.len();
    let bounds: Vec<(f64, f64)> = PARAMETERS
        .iter()
        .map(|meta| {
            let v = base.get(meta.name).unwrap_or(meta.default);
            let (mut lo, mut hi) = (v * (1.0 - opts.spread), v * (1.0 + opts.spread));
            if !meta.range.contains(lo) {
                lo = v;
            }
            if !meta.range.contains(hi) {
                hi = v;
            }
            (lo, hi)
        })
        .collect();
    let levels = f64::from(opts.levels.max(2));
    let delta = levels / (2.0 * (levels - 1.0));
    // Every point lies between two valid values of each parameter.
    let params_at = |x: &[f64]| -> Result<Parameters, ParamError> {
        let mut p = base;
        for ((meta, (lo, hi)), xi) in PARAMETERS.iter().zip(&bounds).zip(x) {
            p.set(meta.name, lo + xi * (hi - lo))?;
        }
        Ok(p)
    };
    let effects: Vec<Vec<f64>> = (0..opts.trajectories)
        .into_par_iter()
        .map(|r| {
            let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
            rng.set_stream(u64::from(r));
            // Base point on the grid such that x + Δ stays in [0, 1].
            let low_levels = (levels / 2.0).floor() as u32;
            let mut x: Vec<f64> = (0..k)
                .map(|_| f64::from(rng.random_range(0..low_levels.max(1))) / (levels - 1.0))
                .collect();
            let mut order: Vec<usize> = (0..k).collect();
            for i in (1..k).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let mut ee = vec![0.0; k];
            let mut f = endpoint(arm, &params_at(&x)?, t_days, &settings)?;
            for &i in &order {
                x[i] += delta;
                let g = endpoint(arm, &params_at(&x)?, t_days, &settings)?;
                ee[i] = 100.0 * (g - f) / e0 / delta;
                f = g;
            }
            Ok(ee)
        })
        .collect::<Result<_, VariedError>>()?;
    let r = effects.len().max(1) as f64;
    Ok((0..k)
        .map(|i| {
            let mean_abs = effects.iter().map(|e| e[i].abs()).sum::<f64>() / r;
            let mean = effects.iter().map(|e| e[i]).sum::<f64>() / r;
            let var =
                effects.iter().map(|e| (e[i] - mean).powi(2)).sum::<f64>() / (r - 1.0).max(1.0);
            (mean_abs, var.sqrt())
        })
        .collect())
}

/// Local and Morris sensitivities of `arm` (of `scenario`) at `t_days`.
pub fn analyse(
    scenario: &Scenario,
    arm: &Arm,
    t_days: f64,
    opts: &MorrisOptions,
) -> Result<SensitivityResult, VariedError> {
    let locals = local(arm, t_days)?;
    let global = morris(arm, t_days, opts)?;
    let endpoint_ratio = endpoint(arm, &arm.patient.params, t_days, &tight())?;
    let mut parameters: Vec<Sensitivity> = PARAMETERS
        .iter()
        .zip(locals)
        .zip(global)
        .map(|((meta, local), (mu, sigma))| Sensitivity {
            name: meta.name,
            unit: meta.unit,
            value: arm.patient.params.get(meta.name).unwrap_or(meta.default),
            local,
            mu_star_pct: mu,
            sigma_pct: sigma,
        })
        .collect();
    parameters.sort_by(|a, b| {
        b.local
            .abs()
            .total_cmp(&a.local.abs())
            .then(a.name.cmp(b.name))
    });
    Ok(SensitivityResult {
        scenario: scenario.name.clone(),
        arm: arm.name.clone(),
        endpoint_days: t_days,
        endpoint_ratio,
        morris: *opts,
        parameters,
    })
}
