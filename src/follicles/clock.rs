//! The clocks a follicle's transitions run on: for each of the cycle's
//! compartments, the integrated exit rate (cumulative hazard) along an arm's
//! ODE solution, and the per-cycle probabilities at a re-entry. A follicle
//! leaves its compartment when the hazard it has accumulated there reaches a
//! unit-mean draw (time rescaling): exactly the Markov chain whose rates the
//! ODE averages, with time-varying rates.
//!
//! The rates are sampled on a time grid (daily for an arm) and integrated by
//! the trapezoidal rule; between grid points the cumulative hazard is linear.
//! The per-cycle probabilities are those of the last grid point at or before
//! the re-entry.

use crate::model::{compartment, Rates, ANAGEN_STAGES};

// A follicle's stage is its compartment, numbered as the model numbers a
// kind's compartments ([`compartment`]), or the follicles lost after them.
/// Index of the held-anagen compartment.
pub(crate) const HELD: u8 = compartment::HELD as u8;
/// Index of catagen.
pub(crate) const CATAGEN: u8 = compartment::CATAGEN as u8;
/// Index of telogen.
pub(crate) const TELOGEN: u8 = compartment::TELOGEN as u8;
/// Index of kenogen.
pub(crate) const KENOGEN: u8 = compartment::KENOGEN as u8;
/// Index of the first of the stages a shedding event releases anagen
/// follicles into (they hold their club hair and shed it into kenogen).
pub(crate) const RELEASED: u8 = compartment::RELEASED_1 as u8;
/// Index of the last released stage.
pub(crate) const RELEASED_LAST: u8 = compartment::RELEASED_LAST as u8;
/// Index of the follicles lost (absorbing), after every compartment.
pub(crate) const LOST: u8 = compartment::COUNT as u8;

/// Number of clocks: one per cycle compartment (anagen's stages to kenogen,
/// in [`compartment`] order), a second kenogen clock for follicles whose niche is lost, and one
/// for the released stages (all left at the same rate).
pub(crate) const N_CLOCKS: usize = ANAGEN_STAGES + 6;
/// The kenogen clock of a follicle whose niche is lost.
pub(crate) const KENOGEN_NICHE_LOST: usize = ANAGEN_STAGES + 4;
/// The clock of every released stage.
pub(crate) const RELEASED_CLOCK: usize = ANAGEN_STAGES + 5;

/// A shedding event at one time: the share of each anagen compartment (the
/// stages, then held) it releases, as the ODE's jump moves them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Jump {
    /// Time, days.
    pub t_days: f64,
    /// Share released from each anagen stage and, last, the held stage.
    pub released: [f64; ANAGEN_STAGES + 1],
}

/// Exit rates (per day) of every clock at one set of rates.
fn exit_rates(r: &Rates) -> [f64; N_CLOCKS] {
    let mut rate = [r.anagen_stage_rate(); N_CLOCKS];
    rate[HELD as usize] = 1.0 / r.anagen_held_days;
    rate[CATAGEN as usize] = 1.0 / r.catagen_days;
    rate[TELOGEN as usize] = 1.0 / r.telogen_days;
    rate[KENOGEN as usize] = 1.0 / r.kenogen_days;
    rate[KENOGEN_NICHE_LOST] = 1.0 / r.niche_lost_kenogen_days;
    rate[RELEASED_CLOCK] = 1.0 / r.released_stage_days;
    rate
}

/// Cumulative hazards of every clock on a time grid, and the rates there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clocks {
    /// Grid times, days, increasing.
    times: Vec<f64>,
    /// Cumulative hazard of each clock at each grid time (0 at the first),
    /// clock by clock (`cumulative[clock * times.len() + k]`), so that the
    /// search for a follicle's next transition runs over contiguous numbers.
    cumulative: Vec<f64>,
    /// The rates at each grid time.
    rates: Vec<Rates>,
    /// The shedding events, by time.
    jumps: Vec<Jump>,
}

impl Clocks {
    /// The clocks of rates sampled at `times` (increasing, at least two).
    /// Returns `None` if the grid is too short, not increasing, or a rate is
    /// not finite and non-negative.
    pub(crate) fn new(times: Vec<f64>, rates: Vec<Rates>) -> Option<Clocks> {
        if times.len() < 2 || times.len() != rates.len() {
            return None;
        }
        let n = times.len();
        let mut cumulative = vec![0.0; N_CLOCKS * n];
        let mut sum = [0.0; N_CLOCKS];
        let mut last = exit_rates(&rates[0]);
        for k in 1..n {
            let dt = times[k] - times[k - 1];
            let now = exit_rates(&rates[k]);
            if dt.is_nan() || dt <= 0.0 || now.iter().any(|r| !r.is_finite() || *r < 0.0) {
                return None;
            }
            for c in 0..N_CLOCKS {
                sum[c] += 0.5 * (last[c] + now[c]) * dt;
                cumulative[c * n + k] = sum[c];
            }
            last = now;
        }
        Some(Clocks {
            times,
            cumulative,
            rates,
            jumps: Vec::new(),
        })
    }

    /// The same clocks with these shedding events (sorted by time here).
    pub(crate) fn with_jumps(mut self, mut jumps: Vec<Jump>) -> Clocks {
        jumps.sort_by(|a, b| a.t_days.total_cmp(&b.t_days));
        self.jumps = jumps;
        self
    }

    /// The shedding events, by time.
    pub(crate) fn jumps(&self) -> &[Jump] {
        &self.jumps
    }

    /// Constant rates from 0 to `horizon_days`.
    pub(crate) fn constant(rates: Rates, horizon_days: f64) -> Option<Clocks> {
        Clocks::new(vec![0.0, horizon_days], vec![rates, rates])
    }

    /// The last time the clocks know, days.
    pub(crate) fn horizon(&self) -> f64 {
        self.times[self.times.len() - 1]
    }

    /// Index of the grid cell holding `t` (clamped to the grid).
    pub(crate) fn cell(&self, t: f64) -> usize {
        self.times
            .partition_point(|&g| g <= t)
            .saturating_sub(1)
            .min(self.times.len() - 2)
    }

    /// The cumulative hazards of `clock` at the grid times.
    fn column(&self, clock: usize) -> &[f64] {
        let n = self.times.len();
        &self.cumulative[clock * n..(clock + 1) * n]
    }

    /// Cumulative hazard of `clock` at time `t` (within the grid).
    #[cfg(test)]
    fn hazard(&self, clock: usize, t: f64) -> f64 {
        self.hazard_in(clock, t, self.cell(t))
    }

    /// Cumulative hazard of `clock` at time `t`, which is in grid cell `k`.
    pub(crate) fn hazard_in(&self, clock: usize, t: f64, k: usize) -> f64 {
        let h = self.column(clock);
        let (t0, t1) = (self.times[k], self.times[k + 1]);
        h[k] + (h[k + 1] - h[k]) * ((t - t0) / (t1 - t0)).clamp(0.0, 1.0)
    }

    /// The time at which `clock`'s cumulative hazard reaches `target`, or
    /// infinity if it does not within the grid.
    #[cfg(test)]
    fn time_when(&self, clock: usize, target: f64) -> f64 {
        self.time_when_from(clock, target, 0).0
    }

    /// [`Clocks::time_when`] for a time known to be in cell `from` or later,
    /// and the cell it is in.
    pub(crate) fn time_when_from(&self, clock: usize, target: f64, from: usize) -> (f64, usize) {
        let h = self.column(clock);
        let j = from + h[from..].partition_point(|&x| x < target);
        if j == 0 {
            return (self.times[0], 0);
        }
        if j == h.len() {
            return (f64::INFINITY, j - 2);
        }
        let (h0, h1) = (h[j - 1], h[j]);
        let (t0, t1) = (self.times[j - 1], self.times[j]);
        (
            t0 + (t1 - t0) * ((target - h0) / (h1 - h0)).clamp(0.0, 1.0),
            j - 1,
        )
    }

    /// The rates in force at `t` (those of the last grid point at or before it).
    pub(crate) fn rates_at(&self, t: f64) -> &Rates {
        let k = self.times.partition_point(|&g| g <= t).saturating_sub(1);
        &self.rates[k]
    }

    /// The rates in force in grid cell `k` (those of its start).
    pub(crate) fn rates_in(&self, k: usize) -> &Rates {
        &self.rates[k]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn rates(anagen: f64, telogen: f64, kenogen: f64) -> Rates {
        Rates {
            anagen_days: anagen,
            anagen_held_days: 1.0,
            catagen_days: 14.0,
            telogen_days: telogen,
            kenogen_days: kenogen,
            miniaturization_per_cycle: 0.0,
            priming_per_cycle: 0.0,
            primed_miniaturization_per_cycle: 0.0,
            restoration_per_cycle: 0.0,
            untreated_restoration_per_cycle: 0.0,
            niche_loss_per_cycle: 0.0,
            niche_lost_kenogen_days: 2.0 * kenogen,
            dropout_per_cycle: 0.0,
            released_stage_days: telogen / 6.0,
        }
    }

    #[test]
    fn the_hazard_integrates_the_rate_and_time_when_inverts_it() {
        let (a, b) = (rates(600.0, 100.0, 50.0), rates(600.0, 50.0, 50.0));
        let clocks = Clocks::new(vec![0.0, 10.0, 20.0], vec![a, b, b]).unwrap();
        let c = TELOGEN as usize;
        // Trapezoid: (1/100 + 1/50)/2 × 10 = 0.15, then 0.2 more.
        assert!((clocks.hazard(c, 10.0) - 0.15).abs() < 1e-12);
        assert!((clocks.hazard(c, 20.0) - 0.35).abs() < 1e-12);
        for t in [0.0, 3.0, 10.0, 17.5] {
            assert!((clocks.time_when(c, clocks.hazard(c, t)) - t).abs() < 1e-9);
        }
        assert!(clocks.time_when(c, 0.36).is_infinite());
        assert_eq!(clocks.rates_at(9.9).telogen_days, 100.0);
        assert_eq!(clocks.rates_at(10.0).telogen_days, 50.0);
    }

    #[test]
    fn a_grid_that_does_not_increase_or_a_bad_rate_is_refused() {
        let a = rates(600.0, 100.0, 50.0);
        assert!(Clocks::new(vec![0.0, 0.0], vec![a, a]).is_none());
        assert!(Clocks::new(vec![0.0], vec![a]).is_none());
        assert!(Clocks::new(vec![0.0, 1.0], vec![a, rates(600.0, 0.0, 50.0)]).is_none());
        assert!(Clocks::new(vec![0.0, 1.0], vec![a, rates(600.0, -1.0, 50.0)]).is_none());
    }
}
