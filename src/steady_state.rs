//! The untreated steady state a patient starts from, computed from the profile's
//! parameters (never typed in by hand).
//!
//! With no treatment the signals sit at their baselines (DHT 1, inflammation at
//! its baseline, growth factor and stimulation 0), which fixes every phase
//! duration. A cycle of first-order phases then has fractions equal to each
//! phase's mean duration over the cycle length. The terminal fraction is the
//! patient's current miniaturization for AGA profiles, or its own equilibrium
//! restoration / (restoration + miniaturization) for a non-progressing scalp.

use crate::model::{ix, HairModel, State};
use crate::params::Parameters;

/// The initial state: fast states at equilibrium, terminal fraction as given
/// (or at its equilibrium when `terminal_fraction` is `None`).
pub fn steady_state(params: &Parameters, terminal_fraction: Option<f64>) -> State {
    let model = HairModel::untreated(*params);
    let mut y = State::zeros();
    y[ix::DHT] = 1.0;
    y[ix::INFLAMMATION] = params.inflammation_baseline;
    let r = model.rates(&y);
    let cycle = r.anagen_days + r.catagen_days + r.telogen_days + r.kenogen_days;
    y[ix::ANAGEN] = r.anagen_days / cycle;
    y[ix::CATAGEN] = r.catagen_days / cycle;
    y[ix::TELOGEN] = r.telogen_days / cycle;
    y[ix::KENOGEN] = r.kenogen_days / cycle;
    y[ix::TERMINAL] = terminal_fraction.unwrap_or_else(|| {
        let sum = r.restoration_per_cycle + r.miniaturization_per_cycle;
        if sum > 0.0 {
            r.restoration_per_cycle / sum
        } else {
            1.0
        }
    });
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::PROFILES;

    #[test]
    fn derivatives_vanish_at_the_steady_state_of_every_profile() {
        for profile in PROFILES {
            let p = profile.parameters().unwrap();
            let y = steady_state(&p, None);
            let mut dy = State::zeros();
            HairModel::untreated(p).derivatives(&y, &mut dy);
            assert!(dy.amax() < 1e-14, "{}: {dy:?}", profile.name);
            let phases: f64 = (0..4).map(|i| y[i]).sum();
            assert!((phases - 1.0).abs() < 1e-12);
        }
    }
}
