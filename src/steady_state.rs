//! The untreated state a patient starts from, computed from the profile's
//! parameters (never typed in by hand).
//!
//! With no treatment the signals sit at their baselines (DHT 1, M1 and M2 at
//! theirs, growth factor and stimulation 0, the androgen sensitivity at its
//! starting value, oestrogen at the profile's), which fixes every transition. A healthy scalp loses no
//! follicles, and its phases are then at equilibrium: each holds its mean
//! duration over the cycle length, and nothing moves. In androgenetic
//! alopecia some follicles lose their stem-cell niche and a share of those
//! drops out at each attempted re-entry, so no equilibrium exists. The start
//! has the kinds of follicle (terminal, primed, miniaturized, niche lost) in
//! the proportions where miniaturization, restoration, niche loss and
//! dropout balance, each kind spread over the cycle in its own mode: the
//! follicles with an intact niche in the healthy cycle's shares, those whose
//! niche is lost in the *quasi-stationary* mode of their longer kenogen and
//! their dropout (the shares their cycle keeps while they decline at one
//! slow rate λ). Every phase then starts at rest (the niche-lost follicles'
//! share of it decaying at λ), whatever the kinds do: the follicles a
//! re-entry moves from one kind to another stay in the phase.
//! A profile that gives its own terminal fraction starts there instead, with
//! the niche share that balances it.

use crate::model::{compartment, follicle_state, ix, HairModel, Kind, Rates, State};
use crate::params::Parameters;

/// How many compartments the cycle has (anagen's stages to kenogen).
const CYCLE: usize = compartment::KENOGEN + 1;

/// The initial state: the signals at their baselines, the kinds of follicle
/// balanced (the terminal fraction as given, if given), the phases in the
/// cycle's (quasi-)stationary distribution, and no follicle lost yet.
pub fn steady_state(params: &Parameters, terminal_fraction: Option<f64>) -> State {
    let model = HairModel::untreated(*params);
    let mut y = State::zeros();
    y[ix::DHT] = 1.0;
    y[ix::MACROPHAGE_M1] = params.inflammation_baseline;
    y[ix::MACROPHAGE_M2] = params.macrophage_m2_baseline;
    y[ix::ANDROGEN_SENSITIVITY] = params.dht_sensitivity;
    y[ix::OESTROGEN] = params.oestrogen_baseline;
    let r = model.rates(&y);
    let (intact, lost) = (cycle_shares(&r, true), cycle_shares(&r, false));
    // Follicles leaving kenogen per niche-lost follicle, relative to one
    // with its niche, each kind in its own mode.
    let kenogen = compartment::KENOGEN;
    let q = lost[kenogen] * r.cycle_exit_rates(false)[kenogen]
        / (intact[kenogen] * r.cycle_exit_rates(true)[kenogen]);
    let kinds = balanced_kinds(&r, terminal_fraction, q);
    for kind in Kind::ALL {
        let (weight, shares) = match kind {
            Kind::Terminal => (kinds.terminal - kinds.primed, intact),
            Kind::Primed => (kinds.primed, intact),
            Kind::Miniaturized => (kinds.niche - kinds.terminal, intact),
            Kind::NicheLost => (1.0 - kinds.niche, lost),
        };
        for (c, share) in shares.into_iter().enumerate() {
            y[follicle_state(kind, c)] = weight * share;
        }
    }
    y
}

/// The shares of the follicles present that the re-entries leave unchanged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kinds {
    /// Terminal share τ.
    pub terminal: f64,
    /// Primed terminal share π (DHT-susceptible; π ≤ τ).
    pub primed: f64,
    /// Intact-niche share ν (τ ≤ ν).
    pub niche: f64,
}

/// The terminal share τ, the primed share π and the intact-niche share ν of
/// the follicles present that the re-entries leave unchanged (τ held at
/// `terminal` when given), when a niche-lost follicle leaves kenogen `q`
/// times as often as one with its niche. Per follicle leaving kenogen the
/// changes are
/// τ: (ν − τ) p_rest − (τ − π) p_mini − π p_primed + τ (1 − ν) q p_drop,
/// π: (ν − τ)(p_rest − p_rest,0) + (τ − π)(1 − p_mini) p_prime − π p_primed + π (1 − ν) q p_drop and
/// ν: −(ν − τ)(1 − p_rest) p_niche + ν (1 − ν) q p_drop (the last terms: the
/// follicles that drop out leave the denominator). Found by following these
/// from a full scalp (τ = ν = 1, π = 0) until they stop: the flow contracts
/// onto its stable balance, which has no closed form with the states free.
pub fn balanced_kinds(r: &Rates, terminal: Option<f64>, q: f64) -> Kinds {
    let b = q * r.dropout_per_cycle;
    let a = (1.0 - r.restoration_per_cycle) * r.niche_loss_per_cycle;
    let treated_restoration = r.restoration_per_cycle - r.untreated_restoration_per_cycle;
    let (mut tau, mut pi, mut nu) = (terminal.unwrap_or(1.0), 0.0, 1.0);
    // Each coefficient is at most a few per step, so a step of 0.2 is stable.
    let step = 0.2;
    for _ in 0..2_000_000 {
        let d_nu = -(nu - tau) * a + nu * (1.0 - nu) * b;
        let d_pi = (nu - tau) * treated_restoration
            + (tau - pi) * (1.0 - r.miniaturization_per_cycle) * r.priming_per_cycle
            - pi * r.primed_miniaturization_per_cycle
            + pi * (1.0 - nu) * b;
        let d_tau = match terminal {
            Some(_) => 0.0,
            None => {
                (nu - tau) * r.restoration_per_cycle
                    - (tau - pi) * r.miniaturization_per_cycle
                    - pi * r.primed_miniaturization_per_cycle
                    + tau * (1.0 - nu) * b
            }
        };
        let new_tau = (tau + step * d_tau).clamp(0.0, 1.0);
        let (new_pi, new_nu) = (
            (pi + step * d_pi).clamp(0.0, new_tau),
            (nu + step * d_nu).clamp(0.0, 1.0).max(new_tau),
        );
        let moved = (new_tau - tau).abs() + (new_pi - pi).abs() + (new_nu - nu).abs();
        (tau, pi, nu) = (new_tau, new_pi, new_nu);
        if moved < 1e-16 {
            break;
        }
    }
    Kinds {
        terminal: tau,
        primed: pi,
        niche: nu,
    }
}

/// Shares of the cycle's compartments (summing to 1) of follicles whose
/// niche is intact (`niche`) or lost, in the mode that decays at a single
/// rate λ: without a niche, follicles leave kenogen at their slower rate and
/// a fraction of them drops out. In that mode each compartment's inflow is its
/// predecessor's outflow and its content decays at λ, so x_{i+1} = r_i x_i /
/// (r_{i+1} − λ), and around the cycle (1 − lost) Π r_i / (r_i − λ) = 1, which
/// fixes λ in [0, min r_i). With nothing lost, λ = 0 and x_i ∝ 1 / r_i.
fn cycle_shares(r: &Rates, niche: bool) -> [f64; CYCLE] {
    let rate = r.cycle_exit_rates(niche);
    let lost = if niche { 0.0 } else { r.dropout_per_cycle };
    let lambda = decay_rate(&rate, lost);
    let mut x = [1.0; CYCLE];
    for i in 1..CYCLE {
        x[i] = rate[i - 1] * x[i - 1] / (rate[i] - lambda);
    }
    let sum: f64 = x.iter().sum();
    x.map(|v| v / sum)
}

/// The λ of [`cycle_shares`], by bisection: the left side of
/// ln(1 − lost) + Σ ln(r_i / (r_i − λ)) = 0 rises from ln(1 − lost) ≤ 0 at
/// λ = 0 to +∞ as λ nears the smallest rate.
fn decay_rate(rate: &[f64; CYCLE], lost: f64) -> f64 {
    if lost <= 0.0 {
        return 0.0;
    }
    let around =
        |lambda: f64| (1.0 - lost).ln() + rate.iter().map(|r| (r / (r - lambda)).ln()).sum::<f64>();
    let (mut lo, mut hi) = (0.0, rate.iter().copied().fold(f64::INFINITY, f64::min));
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if around(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FOLLICLE_STATES, N_STATES};
    use crate::profile::PROFILES;

    fn derivatives(p: &Parameters, y: &State) -> State {
        let mut dy = State::zeros();
        HairModel::untreated(*p).derivatives(y, &mut dy);
        dy
    }

    #[test]
    fn a_healthy_scalp_starts_at_rest() {
        let healthy = PROFILES.iter().find(|p| p.name == "healthy").unwrap();
        let p = healthy.parameters().unwrap();
        let y = steady_state(&p, None);
        let dy = derivatives(&p, &y);
        assert!(dy.amax() < 1e-14, "{dy:?}");
        let r = HairModel::untreated(p).rates(&y);
        let cycle = r.anagen_total_days() + r.catagen_days + r.telogen_days + r.kenogen_days;
        let kenogen = crate::model::Census::of(crate::solve::AsArray::as_array(&y)).kenogen;
        assert!((kenogen - r.kenogen_days / cycle).abs() < 1e-12);
    }

    /// Every profile starts with each kind in its own mode: past anagen's
    /// first stage each compartment decays at the kind's rate λ (0 with an
    /// intact niche; a little above for the niche-lost, who drop out), and
    /// summed over the kinds so does the first stage (the re-entries only
    /// move follicles between kinds); the follicle states sum to 1 and the
    /// signals are at rest.
    #[test]
    fn every_profile_starts_with_each_kind_in_its_own_mode() {
        for profile in PROFILES {
            let p = profile.parameters().unwrap();
            for start in [None, profile.terminal_fraction_start] {
                let y = steady_state(&p, start);
                let dy = derivatives(&p, &y);
                let mut first_stage = 0.0;
                for kind in Kind::ALL {
                    let at = |c| follicle_state(kind, c);
                    let kenogen = at(compartment::KENOGEN);
                    let lambda = if y[kenogen] > 0.0 {
                        -dy[kenogen] / y[kenogen]
                    } else {
                        0.0
                    };
                    assert!(
                        (-1e-15..1e-3).contains(&lambda),
                        "{}: λ {lambda}",
                        profile.name
                    );
                    if kind.niche() {
                        assert!(lambda.abs() < 1e-15, "{} {kind:?}", profile.name);
                    }
                    for c in compartment::ANAGEN_1 + 1..=compartment::KENOGEN {
                        assert!(
                            (dy[at(c)] + lambda * y[at(c)]).abs() < 1e-15,
                            "{} {kind:?} compartment {c}",
                            profile.name
                        );
                    }
                    let first = at(compartment::ANAGEN_1);
                    first_stage += dy[first] + lambda * y[first];
                }
                assert!(
                    first_stage.abs() < 1e-15,
                    "{}: {first_stage:e}",
                    profile.name
                );
                let total: f64 = FOLLICLE_STATES.iter().map(|&i| y[i]).sum();
                assert!((total - 1.0).abs() < 1e-12);
                for i in ix::DHT..N_STATES {
                    assert!(dy[i].abs() < 1e-15, "{}: state {i}", profile.name);
                }
            }
        }
    }

    /// The three balance equations hold at the computed kinds, with
    /// π ≤ τ ≤ ν; a given terminal share is kept.
    #[test]
    fn the_balanced_kinds_solve_their_equations() {
        for (p_mini, p_prime, p_primed, p_rest, p_rest0, p_niche, p_drop) in [
            (0.01, 0.05, 0.95, 0.03, 0.03, 0.1, 0.2),
            (0.0, 0.0, 0.0, 0.03, 0.03, 0.2, 0.1),
            (0.01, 0.08, 0.9, 0.0, 0.0, 0.2, 0.1),
            (0.05, 0.3, 0.5, 0.06, 0.03, 0.1, 0.3),
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
            (0.0, 0.02, 0.3, 0.04, 0.01, 0.0, 0.1),
            (0.02, 0.02, 0.95, 0.04, 0.04, 0.1, 0.0),
        ] {
            let r = Rates {
                anagen_days: 1.0,
                anagen_held_days: 1.0,
                catagen_days: 1.0,
                telogen_days: 1.0,
                kenogen_days: 1.0,
                miniaturization_per_cycle: p_mini,
                priming_per_cycle: p_prime,
                primed_miniaturization_per_cycle: p_primed,
                restoration_per_cycle: p_rest,
                untreated_restoration_per_cycle: p_rest0,
                niche_loss_per_cycle: p_niche,
                niche_lost_kenogen_days: 2.0,
                dropout_per_cycle: p_drop,
                released_stage_days: 1.0,
            };
            let b = 0.5 * p_drop;
            let f_nu = |k: Kinds| {
                -(k.niche - k.terminal) * (1.0 - p_rest) * p_niche + k.niche * (1.0 - k.niche) * b
            };
            let f_tau = |k: Kinds| {
                (k.niche - k.terminal) * p_rest
                    - (k.terminal - k.primed) * p_mini
                    - k.primed * p_primed
                    + k.terminal * (1.0 - k.niche) * b
            };
            let f_pi = |k: Kinds| {
                (k.niche - k.terminal) * (p_rest - p_rest0)
                    + (k.terminal - k.primed) * (1.0 - p_mini) * p_prime
                    - k.primed * p_primed
                    + k.primed * (1.0 - k.niche) * b
            };
            let ordered = |k: Kinds| {
                (0.0..=k.terminal).contains(&k.primed)
                    && (k.primed..=k.niche).contains(&k.terminal)
                    && k.niche <= 1.0
            };
            let k = balanced_kinds(&r, None, 0.5);
            assert!(ordered(k), "{k:?}");
            assert!(
                f_tau(k).abs() < 1e-13 && f_pi(k).abs() < 1e-13 && f_nu(k).abs() < 1e-13,
                "{k:?}"
            );
            let k = balanced_kinds(&r, Some(0.6), 0.5);
            assert!((k.terminal - 0.6).abs() < 1e-15 && ordered(k), "{k:?}");
            assert!(f_pi(k).abs() < 1e-13 && f_nu(k).abs() < 1e-13, "{k:?}");
        }
    }
}
