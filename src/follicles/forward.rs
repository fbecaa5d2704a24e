//! The chain's own forward equation: the expected share of the follicles in
//! each compartment *and* kind, integrated along the same [`Clocks`]. It is
//! what the automaton's mean must follow exactly; the ODE is its closure in
//! which every kind is spread over the phases like the whole, so the gap
//! between the two is what that closure costs (measured in
//! docs/FOLLICLES.md).

use super::chain::StartShares;
use super::clock::{
    Clocks, Jump, CATAGEN, HELD, KENOGEN, KENOGEN_NICHE_LOST, RELEASED_CLOCK, TELOGEN,
};
use super::signals::PhaseShares;
use crate::model::{ANAGEN_STAGES, RELEASED_STAGES};

/// Compartments per kind: the anagen stages, held, catagen, telogen, kenogen.
const CYCLE: usize = ANAGEN_STAGES + 4;
/// Kinds, in [`super::Kind`] order: terminal, primed, miniaturized, niche lost.
const KINDS: usize = 4;
const NICHE_LOST: usize = 3;

/// Shares by kind and compartment, and the share lost.
#[derive(Debug, Clone, Copy)]
struct Occupancy {
    p: [[f64; CYCLE]; KINDS],
    /// The stages a shedding event releases anagen follicles into, by kind.
    released: [[f64; RELEASED_STAGES]; KINDS],
    lost: f64,
}

impl Occupancy {
    fn axpy(&self, a: f64, d: &Occupancy) -> Occupancy {
        let mut o = *self;
        for (ok, dk) in o.p.iter_mut().zip(&d.p) {
            for (x, y) in ok.iter_mut().zip(dk) {
                *x += a * y;
            }
        }
        for (ok, dk) in o.released.iter_mut().zip(&d.released) {
            for (x, y) in ok.iter_mut().zip(dk) {
                *x += a * y;
            }
        }
        o.lost += a * d.lost;
        o
    }

    fn shares(&self) -> PhaseShares {
        let present = (1.0 - self.lost).max(1e-12);
        let sum = |range: std::ops::Range<usize>| -> f64 {
            self.p
                .iter()
                .map(|k| k[range.clone()].iter().sum::<f64>())
                .sum()
        };
        let released = |kinds: std::ops::Range<usize>| -> f64 {
            self.released[kinds]
                .iter()
                .map(|k| k.iter().sum::<f64>())
                .sum()
        };
        let terminal: f64 = self.p[..2]
            .iter()
            .map(|k| k.iter().sum::<f64>())
            .sum::<f64>()
            + released(0..2);
        PhaseShares {
            anagen: sum(0..HELD as usize + 1) / present,
            catagen: sum(CATAGEN as usize..CATAGEN as usize + 1) / present,
            // Released follicles hold their club hair: telogen, as in the ODE.
            telogen: (sum(TELOGEN as usize..TELOGEN as usize + 1) + released(0..KINDS)) / present,
            kenogen: sum(KENOGEN as usize..KENOGEN as usize + 1) / present,
            terminal: terminal / present,
        }
    }
}

/// d(occupancy)/dt at `t`.
fn derivative(clocks: &Clocks, t: f64, y: &Occupancy) -> Occupancy {
    let rate = clocks.exit_rates_at(t);
    let r = clocks.rates_at(t);
    let mut d = Occupancy {
        p: [[0.0; CYCLE]; KINDS],
        released: [[0.0; RELEASED_STAGES]; KINDS],
        lost: 0.0,
    };
    let mut re_entry = [0.0; KINDS];
    for (k, (dk, yk)) in d.p.iter_mut().zip(&y.p).enumerate() {
        let mut inflow = 0.0;
        for c in 0..CYCLE {
            let clock = if c == KENOGEN as usize && k == NICHE_LOST {
                KENOGEN_NICHE_LOST
            } else {
                c
            };
            let out = rate[clock] * yk[c];
            dk[c] = inflow - out;
            inflow = out;
        }
        re_entry[k] = inflow;
        // The released stages shed into kenogen.
        let mut inflow = 0.0;
        for (dr, yr) in d.released[k].iter_mut().zip(&y.released[k]) {
            let out = rate[RELEASED_CLOCK] * yr;
            *dr = inflow - out;
            inflow = out;
        }
        dk[KENOGEN as usize] += inflow;
    }
    let [terminal, primed, mini, lost] = re_entry;
    let to_mini = terminal * r.miniaturization_per_cycle;
    let to_primed = (terminal - to_mini) * r.priming_per_cycle;
    let primed_mini = primed * r.primed_miniaturization_per_cycle;
    let restored = mini * r.restoration_per_cycle;
    let restored_unprimed = mini
        * r.untreated_restoration_per_cycle
            .min(r.restoration_per_cycle);
    let niche_lost = (mini - restored) * r.niche_loss_per_cycle;
    let dropout = lost * r.dropout_per_cycle;
    d.p[0][0] += terminal - to_mini - to_primed + restored_unprimed;
    d.p[1][0] += primed - primed_mini + to_primed + restored - restored_unprimed;
    d.p[2][0] += mini - restored - niche_lost + to_mini + primed_mini;
    d.p[NICHE_LOST][0] += lost - dropout + niche_lost;
    d.lost = dropout;
    d
}

/// The expected shares at `times` (increasing, within the clocks) of
/// follicles drawn from `start`: classical RK4 on substeps of each grid cell.
pub(crate) fn forward(clocks: &Clocks, start: &StartShares, times: &[f64]) -> Vec<PhaseShares> {
    let (t, p, n) = (start.terminal, start.primed, start.niche);
    let kinds = [t - p, p, n - t, 1.0 - n];
    let mut y = Occupancy {
        p: kinds.map(|w| std::array::from_fn(|c| w * start.compartments[c])),
        released: [[0.0; RELEASED_STAGES]; KINDS],
        lost: start.compartments[CYCLE],
    };
    let t0 = times.first().copied().unwrap_or(0.0);
    let jumps = clocks.jumps();
    let mut jump = jumps.partition_point(|j| j.t_days <= t0);
    let grid = clocks.times();
    let mut now = times.first().copied().unwrap_or(0.0);
    let mut out = Vec::with_capacity(times.len());
    for &target in times {
        while now < target {
            // Step to the next grid point or output time, whichever comes first.
            let next_grid = grid[grid.partition_point(|&g| g <= now).min(grid.len() - 1)];
            let end = if next_grid > now {
                next_grid.min(target)
            } else {
                target
            };
            let end = jumps.get(jump).map_or(end, |j| end.min(j.t_days.max(now)));
            let fastest = clocks.exit_rates_at(now).into_iter().fold(0.0, f64::max);
            let n = ((end - now) * fastest / 0.25).ceil().max(1.0);
            let h = (end - now) / n;
            for _ in 0..n as usize {
                let k1 = derivative(clocks, now, &y);
                let k2 = derivative(clocks, now + h / 2.0, &y.axpy(h / 2.0, &k1));
                let k3 = derivative(clocks, now + h / 2.0, &y.axpy(h / 2.0, &k2));
                let k4 = derivative(clocks, now + h, &y.axpy(h, &k3));
                y = y
                    .axpy(h / 6.0, &k1)
                    .axpy(h / 3.0, &k2)
                    .axpy(h / 3.0, &k3)
                    .axpy(h / 6.0, &k4);
                now += h;
            }
            now = end;
            while let Some(j) = jumps.get(jump).filter(|j| j.t_days <= now) {
                release(&mut y, j);
                jump += 1;
            }
        }
        while let Some(j) = jumps.get(jump).filter(|j| j.t_days <= now) {
            release(&mut y, j);
            jump += 1;
        }
        out.push(y.shares());
    }
    out
}

/// A shedding event: its share of every kind's anagen compartments moves to
/// the first released stage.
fn release(y: &mut Occupancy, jump: &Jump) {
    for (pk, rk) in y.p.iter_mut().zip(y.released.iter_mut()) {
        for (c, share) in jump.released.iter().enumerate() {
            let moved = pk[c] * share;
            pk[c] -= moved;
            rk[0] += moved;
        }
    }
}
