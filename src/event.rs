//! Shedding events (`[[arm.event]]`): a fever or severe illness, major
//! stress, a crash diet, a childbirth. They are not treatments, but they act
//! the same way, so an event becomes treatments of the arm and every later
//! stage (schedule, simulation, exports, charts) follows:
//!
//! - a fever, stress or a crash diet pushes a share of the anagen follicles
//!   out of anagen at once (Headington 1993's *immediate anagen release*):
//!   a jump of the state, one at the event (four fortnightly ones over a crash
//!   diet's first two months, as the diet bites);
//! - a childbirth ends a pregnancy (the 40 weeks before it, clipped to the
//!   scenario's start): pregnancy's oestrogen holds follicles in anagen, and
//!   delivery releases the held ones.
//!
//! The released follicles pass the model's released stages and shed their
//! club hairs weeks later (see `model::states::RELEASED_STAGES`).

use crate::model::{compartment, follicle_state, Kind, N_STATES};
use crate::params::Parameters;
use crate::schedule::{Schedule, Treatment};
use crate::symbolic::Scalar;
use crate::treatment::TreatmentKind;
use serde::Serialize;

/// What triggers the shedding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShedEvent {
    /// A high fever or severe illness.
    Fever,
    /// Major psychological stress.
    Stress,
    /// A crash diet (rapid weight loss with loss of body cell mass).
    CrashDiet,
    /// A childbirth, after a pregnancy of [`ShedEvent::PREGNANCY_DAYS`].
    Childbirth,
}

impl ShedEvent {
    /// Every event, in the order messages list them.
    pub const ALL: [ShedEvent; 4] = [
        ShedEvent::Fever,
        ShedEvent::Stress,
        ShedEvent::CrashDiet,
        ShedEvent::Childbirth,
    ];

    /// A pregnancy's length before its childbirth: 40 weeks.
    pub const PREGNANCY_DAYS: f64 = 280.0;

    /// The crash diet's releases: this many, this far apart (two months).
    pub const CRASH_DIET_STEPS: u32 = 4;
    /// Days between the crash diet's releases.
    pub const CRASH_DIET_EVERY_DAYS: f64 = 14.0;

    /// Largest severity accepted (1 = the typical event).
    pub const MAX_SEVERITY: f64 = 3.0;

    /// Name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            ShedEvent::Fever => "fever",
            ShedEvent::Stress => "stress",
            ShedEvent::CrashDiet => "crash_diet",
            ShedEvent::Childbirth => "childbirth",
        }
    }

    /// The event as the arm's treatments, happening at `at_days` with
    /// `severity` (1 = typical).
    pub fn treatments(self, at_days: f64, severity: f64) -> Vec<Treatment> {
        let once = |start_days: f64, sessions: u32, every_days: f64, dose: f64| Treatment {
            kind: TreatmentKind::Event { event: self },
            dose,
            schedule: Schedule {
                start_days,
                stop_days: None,
                every_days,
                sessions: Some(sessions),
                adherence: 1.0,
            },
        };
        match self {
            ShedEvent::Fever | ShedEvent::Stress => vec![once(at_days, 1, 1.0, severity)],
            // Each step releases its share of what is still in anagen, so the
            // four together release the diet's share.
            ShedEvent::CrashDiet => vec![once(
                at_days,
                Self::CRASH_DIET_STEPS,
                Self::CRASH_DIET_EVERY_DAYS,
                severity / f64::from(Self::CRASH_DIET_STEPS),
            )],
            ShedEvent::Childbirth => vec![
                Treatment {
                    kind: TreatmentKind::Pregnancy,
                    dose: 1.0,
                    schedule: Schedule {
                        start_days: (at_days - Self::PREGNANCY_DAYS).max(0.0),
                        stop_days: Some(at_days),
                        every_days: 1.0,
                        sessions: None,
                        adherence: 1.0,
                    },
                },
                once(at_days, 1, 1.0, severity),
            ],
        }
    }

    /// The jump at one release of strength `dose` (the severity, or a share
    /// of it): generic so that the exports record it as event assignments.
    pub fn apply<T: Scalar>(self, p: &Parameters<T>, dose: T, y: &mut [T; N_STATES]) {
        let one = T::lit(1.0);
        // A share `base` at severity 1; severities compound it, so the share
        // stays below 1 however severe.
        let share = |base: T| one - (one - base).max(T::lit(0.0)).powf(dose);
        // Each kind's follicles go to its own first released stage.
        let mut release = |kind: Kind, from: usize, share: T| {
            let (from, to) = (
                follicle_state(kind, from),
                follicle_state(kind, compartment::RELEASED_1),
            );
            let moved = y[from] * share;
            y[from] = y[from] - moved;
            y[to] = y[to] + moved;
        };
        // Immediate anagen release: the same share of every anagen compartment.
        let anagen_share = share(match self {
            ShedEvent::Fever => p.fever_anagen_release,
            ShedEvent::Stress => p.stress_anagen_release,
            ShedEvent::CrashDiet => p.crash_diet_anagen_release,
            ShedEvent::Childbirth => p.childbirth_anagen_release,
        });
        for kind in Kind::ALL {
            // A delivery first releases what pregnancy's oestrogen held.
            if self == ShedEvent::Childbirth {
                release(kind, compartment::HELD, share(p.childbirth_held_release));
            }
            for c in compartment::ANAGEN_1..=compartment::HELD {
                release(kind, c, anagen_share);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Census, FOLLICLE_STATES};

    #[test]
    fn a_release_moves_anagen_follicles_to_the_released_stage_and_keeps_the_count() {
        let p = Parameters::default();
        let y0 = crate::steady_state::steady_state(&p, None);
        let anagen = |y: &[f64; N_STATES]| Census::of(y).anagen;
        let mut y = *crate::solve::AsArray::as_array(&y0);
        let before = anagen(&y);
        ShedEvent::Fever.apply(&p, 1.0, &mut y);
        assert!((anagen(&y) - before * (1.0 - p.fever_anagen_release)).abs() < 1e-12);
        assert!((Census::of(&y).released - before * p.fever_anagen_release).abs() < 1e-12);
        for kind in Kind::ALL {
            let anagen_of = |y: &[f64]| -> f64 {
                (compartment::ANAGEN_1..=compartment::HELD)
                    .map(|c| y[follicle_state(kind, c)])
                    .sum()
            };
            let released = y[follicle_state(kind, compartment::RELEASED_1)];
            assert!(
                (released + anagen_of(&y) - anagen_of(y0.as_slice())).abs() < 1e-12,
                "{kind:?} keeps its kind"
            );
        }
        let total: f64 = FOLLICLE_STATES.iter().map(|&i| y[i]).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // Severity compounds: twice as severe releases 1 − (1 − f)², below 1.
        let mut z = *crate::solve::AsArray::as_array(&y0);
        ShedEvent::Fever.apply(&p, 2.0, &mut z);
        let f = p.fever_anagen_release;
        assert!((anagen(&z) - before * (1.0 - f) * (1.0 - f)).abs() < 1e-12);
    }

    #[test]
    fn a_childbirth_is_a_pregnancy_then_a_release_and_a_crash_diet_four_steps() {
        let t = ShedEvent::Childbirth.treatments(300.0, 1.0);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].kind, TreatmentKind::Pregnancy);
        assert!((t[0].schedule.start_days - 20.0).abs() < 1e-12);
        assert_eq!(t[0].schedule.stop_days, Some(300.0));
        let early = ShedEvent::Childbirth.treatments(100.0, 1.0);
        assert!(early[0].schedule.start_days.abs() < 1e-12);
        let diet = ShedEvent::CrashDiet.treatments(30.0, 1.0);
        assert_eq!(diet[0].schedule.sessions, Some(4));
        // Four quarter-strength steps release the same share as one full one.
        let p = Parameters::default();
        let mut a = [0.0; N_STATES];
        let third = follicle_state(Kind::Primed, compartment::ANAGEN_1 + 2);
        a[third] = 1.0;
        let mut b = a;
        for _ in 0..4 {
            ShedEvent::CrashDiet.apply(&p, diet[0].dose, &mut a);
        }
        ShedEvent::CrashDiet.apply(&p, 1.0, &mut b);
        let released = follicle_state(Kind::Primed, compartment::RELEASED_1);
        assert!((a[released] - b[released]).abs() < 1e-12);
        assert!(b[released] > 0.0);
    }
}
