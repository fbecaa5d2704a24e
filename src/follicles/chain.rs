//! One follicle through time: its compartment of the cycle, what it is
//! (terminal, primed, miniaturized, niche lost), and its next transition,
//! drawn against the [`Clocks`] by time rescaling. The re-entry rules are the
//! ODE's, read off the same [`Rates`](crate::model::Rates).

use super::clock::{
    Clocks, Jump, CATAGEN, HELD, KENOGEN, KENOGEN_NICHE_LOST, LOST, RELEASED, RELEASED_CLOCK,
    RELEASED_LAST, TELOGEN,
};
use super::view::Phase;
use crate::model::{compartment, ANAGEN_STAGES, KINDS};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};

pub use crate::model::Kind;

/// How the durations of the phases are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Durations {
    /// As the ODE: every compartment is left at its rate (anagen's stages
    /// make its duration gamma distributed). The automaton's mean is then
    /// the ODE's forward equation.
    #[default]
    Markov,
    /// As Halloy et al.: programmed anagen, catagen, telogen and kenogen each
    /// last a lognormal multiple of their mean (mean 1, this coefficient of
    /// variation; the held stage stays exponential). A departure from the
    /// ODE: a small CV synchronizes the follicles.
    LogNormal {
        /// Coefficient of variation, > 0.
        cv: f64,
    },
}

impl Durations {
    /// Largest coefficient of variation of lognormal durations.
    pub const MAX_CV: f64 = 3.0;

    /// Lognormal durations with this coefficient of variation, if it is
    /// above 0 and at most [`Durations::MAX_CV`].
    pub fn lognormal(cv: f64) -> Option<Durations> {
        (cv > 0.0 && cv <= Self::MAX_CV).then_some(Durations::LogNormal { cv })
    }
}

/// The shares one follicle's starting state is drawn from: the ODE's
/// starting state, by kind and compartment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StartShares {
    /// Shares of each kind's compartments ([`compartment`]); what they
    /// leave of 1 is the share of the follicles lost.
    pub by_kind: [[f64; compartment::COUNT]; KINDS],
}

impl StartShares {
    /// Draw a kind and a compartment (its stage) from a uniform `u`; past
    /// every share, a lost follicle.
    fn draw(&self, u: f64) -> (Kind, u8) {
        let mut acc = 0.0;
        for (kind, shares) in Kind::ALL.into_iter().zip(&self.by_kind) {
            for (c, &s) in shares.iter().enumerate() {
                acc += s.max(0.0);
                if u < acc {
                    return (kind, c as u8);
                }
            }
        }
        (Kind::NicheLost, LOST)
    }
}

/// One follicle's visible history: its compartment, kind, and the start and
/// end of its last anagen (for the shaft's length).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Follicle {
    /// Compartment, numbered as the model's ([`compartment`]): anagen stages
    /// `0..ANAGEN_STAGES`, held, catagen, telogen, kenogen, the stages a
    /// shedding event releases into; then lost.
    pub stage: u8,
    /// What it is.
    pub kind: Kind,
    /// When its current (or last) anagen started, days.
    pub anagen_start: f64,
    /// When its last anagen ended (catagen began), days; ignored in anagen.
    pub anagen_end: f64,
}

impl Follicle {
    /// The phase it shows: a released follicle holds its club hair until it
    /// sheds it, so it is in telogen (as in the ODE); a lost one is empty.
    pub fn phase(&self) -> Phase {
        match self.stage {
            CATAGEN => Phase::Catagen,
            TELOGEN | RELEASED..=RELEASED_LAST => Phase::Telogen,
            KENOGEN | LOST => Phase::Kenogen,
            _ => Phase::Anagen,
        }
    }

    /// Which clock its current compartment runs on.
    fn clock(&self) -> usize {
        match self.stage {
            KENOGEN if !self.kind.niche() => KENOGEN_NICHE_LOST,
            RELEASED..=RELEASED_LAST => RELEASED_CLOCK,
            s => s as usize,
        }
    }
}

/// A follicle and what it needs to go on: its random stream and the time of
/// its next transition.
#[derive(Debug, Clone)]
pub(crate) struct Walker {
    /// The follicle now.
    pub follicle: Follicle,
    /// Time of its next transition, days (infinite past the clocks' horizon).
    next: f64,
    /// The clocks' grid cell holding `next` (where the search for the one
    /// after it starts).
    next_cell: usize,
    /// Index of the next shedding event among the clocks' jumps, and its
    /// time (infinite when none is left).
    jump: usize,
    jump_t: f64,
    rng: ChaCha8Rng,
}

/// A unit-mean duration multiplier drawn for one phase.
fn unit_draw(durations: &Durations, rng: &mut ChaCha8Rng) -> f64 {
    match durations {
        Durations::Markov => -(1.0 - rng.random::<f64>()).ln(),
        Durations::LogNormal { cv } => LogNormal::from_mean_cv(1.0, *cv)
            .map(|d| d.sample(rng))
            .unwrap_or(1.0),
    }
}

impl Walker {
    /// A follicle drawn from `start` at time `t0`, its first transition drawn.
    pub fn start(
        start: &StartShares,
        clocks: &Clocks,
        durations: &Durations,
        t0: f64,
        mut rng: ChaCha8Rng,
    ) -> Walker {
        let (kind, stage) = start.draw(rng.random::<f64>());
        // Where it is in its anagen only sets its shaft's length: an
        // illustrative age from the mean durations.
        let r = clocks.rates_at(t0);
        let u = rng.random::<f64>();
        let anagen = r.anagen_days + r.anagen_held_days;
        let anagen_start = match stage {
            s if s < HELD => t0 - (s as f64 + u) * r.anagen_days / ANAGEN_STAGES as f64,
            HELD => t0 - r.anagen_days - u * r.anagen_held_days,
            CATAGEN => t0 - u * r.catagen_days - anagen,
            _ => t0 - r.catagen_days - u * r.telogen_days - anagen,
        };
        let follicle = Follicle {
            stage,
            kind,
            anagen_start,
            anagen_end: anagen_start + anagen,
        };
        let jump = clocks.jumps().partition_point(|j| j.t_days <= t0);
        let mut w = Walker {
            follicle,
            next: f64::INFINITY,
            next_cell: clocks.cell(t0),
            jump,
            jump_t: clocks.jumps().get(jump).map_or(f64::INFINITY, |j| j.t_days),
            rng,
        };
        // A lognormal anagen is one draw for the stages left (a uniform part
        // of the current one); a lognormal catagen, telogen or kenogen is a
        // uniform part of one draw.
        let left = match durations {
            Durations::LogNormal { .. } if stage < HELD => {
                (ANAGEN_STAGES - stage as usize) as f64 - u
            }
            Durations::LogNormal { .. } => 1.0 - u,
            Durations::Markov => 1.0,
        };
        w.draw_next(clocks, durations, t0, w.next_cell, left);
        w
    }

    /// Time of its next transition or shedding event, days (infinite if
    /// none before the clocks' horizon).
    pub fn next_time(&self) -> f64 {
        self.next.min(self.jump_t)
    }

    /// Draw the time of the next transition out of the current compartment,
    /// entered (or resumed) at `t`, in grid cell `cell`; `stages` scales a
    /// lognormal draw: how many anagen stages it covers in anagen, what part
    /// of the phase is left otherwise.
    fn draw_next(
        &mut self,
        clocks: &Clocks,
        durations: &Durations,
        t: f64,
        cell: usize,
        stages: f64,
    ) {
        if self.follicle.stage == LOST {
            self.next = f64::INFINITY;
            return;
        }
        let clock = self.follicle.clock();
        // The held and the released stages are exponential whatever the
        // phases' durations.
        let exponential = matches!(self.follicle.stage, HELD | RELEASED..=RELEASED_LAST);
        let scale = match durations {
            Durations::LogNormal { .. } if !exponential => stages,
            _ => 1.0,
        };
        let draw = if exponential {
            unit_draw(&Durations::Markov, &mut self.rng)
        } else {
            unit_draw(durations, &mut self.rng) * scale
        };
        let target = clocks.hazard_in(clock, t, cell) + draw;
        (self.next, self.next_cell) = clocks.time_when_from(clock, target, cell);
    }

    /// Apply every transition up to and including `until`.
    pub fn advance(&mut self, clocks: &Clocks, durations: &Durations, until: f64) {
        while self.next_time() <= until {
            self.step(clocks, durations);
        }
    }

    /// Apply the next transition or shedding event (at
    /// [`Walker::next_time`], which must be finite).
    pub fn step(&mut self, clocks: &Clocks, durations: &Durations) {
        if self.jump_t <= self.next {
            if let Some(&j) = clocks.jumps().get(self.jump) {
                self.release(clocks, durations, &j);
            }
            self.jump += 1;
            self.jump_t = clocks
                .jumps()
                .get(self.jump)
                .map_or(f64::INFINITY, |j| j.t_days);
            return;
        }
        let (t, cell) = (self.next, self.next_cell);
        self.transition(clocks, durations, t, cell);
        // A whole phase starts: in anagen, one draw covers every stage.
        let whole = if self.follicle.stage < HELD {
            ANAGEN_STAGES as f64
        } else {
            1.0
        };
        self.draw_next(clocks, durations, t, cell, whole);
    }

    /// A shedding event: a follicle in anagen is released with the share the
    /// ODE's jump moves from its compartment; its shaft stops growing.
    fn release(&mut self, clocks: &Clocks, durations: &Durations, jump: &Jump) {
        let stage = self.follicle.stage;
        if stage > HELD {
            return;
        }
        if self.rng.random::<f64>() < jump.released[stage as usize] {
            let t = jump.t_days;
            self.follicle.stage = RELEASED;
            self.follicle.anagen_end = t;
            self.draw_next(clocks, durations, t, clocks.cell(t), 1.0);
        }
    }

    /// Leave the current compartment at `t`, in grid cell `cell`.
    fn transition(&mut self, clocks: &Clocks, durations: &Durations, t: f64, cell: usize) {
        let f = &mut self.follicle;
        f.stage = match f.stage {
            s if s + 1 < HELD && *durations == Durations::Markov => s + 1,
            s if s < HELD => HELD,
            HELD => {
                f.anagen_end = t;
                CATAGEN
            }
            CATAGEN => TELOGEN,
            TELOGEN | RELEASED_LAST => KENOGEN,
            s @ RELEASED..=RELEASED_LAST => s + 1,
            _ => {
                let r = clocks.rates_in(cell);
                let u = self.rng.random::<f64>();
                match f.kind {
                    Kind::NicheLost if u < r.dropout_per_cycle => LOST,
                    Kind::NicheLost => 0,
                    kind => {
                        f.kind = re_entry(kind, r, u, self.rng.random::<f64>());
                        0
                    }
                }
            }
        };
        if f.stage == 0 {
            f.anagen_start = t;
        }
    }
}

/// What a follicle with an intact niche becomes at a re-entry (`u`, `v`
/// uniform draws): the ODE's rules.
fn re_entry(kind: Kind, r: &crate::model::Rates, u: f64, v: f64) -> Kind {
    match kind {
        Kind::Terminal if u < r.miniaturization_per_cycle => Kind::Miniaturized,
        Kind::Terminal if v < r.priming_per_cycle => Kind::Primed,
        Kind::Primed if u < r.primed_miniaturization_per_cycle => Kind::Miniaturized,
        Kind::Miniaturized if u < r.restoration_per_cycle => {
            // What an untreated scalp restores returns unprimed; a treatment's
            // extra restoration returns primed.
            if u < r.untreated_restoration_per_cycle {
                Kind::Terminal
            } else {
                Kind::Primed
            }
        }
        Kind::Miniaturized if v < r.niche_loss_per_cycle => Kind::NicheLost,
        k => k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rates;

    /// Every per-cycle probability distinct, so each rule's threshold shows.
    fn rates() -> Rates {
        Rates {
            miniaturization_per_cycle: 0.1,
            priming_per_cycle: 0.2,
            primed_miniaturization_per_cycle: 0.3,
            restoration_per_cycle: 0.4,
            untreated_restoration_per_cycle: 0.1,
            niche_loss_per_cycle: 0.5,
            dropout_per_cycle: 0.2,
            ..crate::follicles::clock::tests::rates(600.0, 90.0, 30.0)
        }
    }

    #[test]
    fn re_entry_follows_the_ode_s_rules() {
        let r = rates();
        assert_eq!(re_entry(Kind::Terminal, &r, 0.05, 0.9), Kind::Miniaturized);
        assert_eq!(re_entry(Kind::Terminal, &r, 0.5, 0.1), Kind::Primed);
        assert_eq!(re_entry(Kind::Terminal, &r, 0.5, 0.5), Kind::Terminal);
        assert_eq!(re_entry(Kind::Primed, &r, 0.2, 0.0), Kind::Miniaturized);
        assert_eq!(re_entry(Kind::Primed, &r, 0.4, 0.0), Kind::Primed);
        assert_eq!(re_entry(Kind::Miniaturized, &r, 0.05, 0.0), Kind::Terminal);
        assert_eq!(re_entry(Kind::Miniaturized, &r, 0.3, 0.0), Kind::Primed);
        assert_eq!(re_entry(Kind::Miniaturized, &r, 0.5, 0.4), Kind::NicheLost);
        assert_eq!(
            re_entry(Kind::Miniaturized, &r, 0.5, 0.6),
            Kind::Miniaturized
        );
    }

    #[test]
    fn a_start_is_drawn_by_kind_and_compartment() {
        let mut by_kind = [[0.0; compartment::COUNT]; KINDS];
        by_kind[0][compartment::KENOGEN] = 0.2;
        by_kind[1][compartment::RELEASED_1 + 1] = 0.3;
        by_kind[3][0] = 0.4;
        let start = StartShares { by_kind };
        assert_eq!(start.draw(0.1), (Kind::Terminal, KENOGEN));
        assert_eq!(start.draw(0.45), (Kind::Primed, RELEASED + 1));
        assert_eq!(start.draw(0.85), (Kind::NicheLost, 0));
        assert_eq!(start.draw(0.95).1, LOST);
    }
}
