//! Dosing schedules and their expansion into a sorted list of dose events.
//!
//! `expand` is the one pure function that turns compact schedules ("every 28
//! days, 3 sessions") into explicit events. The simulation stops the integrator
//! at every event, so an adaptive step can never jump over a dose. Events are
//! sorted by (time, declaration order); a row of output at an event time shows
//! the state *after* the event.

use crate::i18n::{Key, Lang};
use crate::treatment::{Delivery, TreatmentKind};
use crate::units::DoseUnit;

/// When and how often a treatment is given (validated: finite, ordered, in range).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// First dose or session, days from the scenario start.
    pub start_days: f64,
    /// End of treatment (exclusive), days; `None` means until the end of the scenario.
    pub stop_days: Option<f64>,
    /// Interval between doses or sessions, days.
    pub every_days: f64,
    /// Maximum number of sessions (sessions only); `None` means until stop / the end.
    pub sessions: Option<u32>,
    /// Share of doses actually taken, 0–1.
    pub adherence: f64,
}

impl Schedule {
    /// First dose when `start` is not given: the start of the scenario.
    pub const DEFAULT_START_DAYS: f64 = 0.0;
    /// Interval when `every` is not given: daily.
    pub const DEFAULT_EVERY_DAYS: f64 = 1.0;
    /// Share of doses taken when `adherence` is not given: all.
    pub const DEFAULT_ADHERENCE: f64 = 1.0;
}

/// A treatment in an arm: what, how much, when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Treatment {
    /// Kind (and custom settings).
    pub kind: TreatmentKind,
    /// Dose in the kind's unit (mg, %, or relative strength).
    pub dose: f64,
    /// Schedule.
    pub schedule: Schedule,
}

/// What happens at an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A continuous treatment begins.
    Start,
    /// A continuous treatment ends.
    Stop,
    /// One session is given.
    Session,
}

/// One dose event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Time, days.
    pub time_days: f64,
    /// Index of the treatment in the arm's declaration order.
    pub treatment: usize,
    /// What happens.
    pub action: Action,
}

/// Whether session `k` (0-based) is attended at adherence `a`.
///
/// Deterministic and evenly spread: the first session is always attended (for
/// a > 0) and after n sessions exactly ⌈n·a⌉ have been given.
pub fn session_attended(k: u32, adherence: f64) -> bool {
    let taken = |n: u32| (f64::from(n) * adherence - 1e-9).ceil();
    taken(k + 1) > taken(k)
}

/// Expand every treatment's schedule into events within `[0, horizon_days)`,
/// sorted by time, then declaration order (a stable sort keeps Start/Stop/Session
/// of one treatment in the order they were generated).
pub fn expand(treatments: &[Treatment], horizon_days: f64) -> Vec<Event> {
    let mut events = Vec::new();
    for (i, tr) in treatments.iter().enumerate() {
        let s = &tr.schedule;
        let end = s.stop_days.unwrap_or(horizon_days).min(horizon_days);
        if s.start_days >= end {
            continue;
        }
        match tr.kind.delivery() {
            Delivery::Continuous => {
                if s.adherence > 0.0 {
                    events.push(Event {
                        time_days: s.start_days,
                        treatment: i,
                        action: Action::Start,
                    });
                    if end < horizon_days {
                        events.push(Event {
                            time_days: end,
                            treatment: i,
                            action: Action::Stop,
                        });
                    }
                }
            }
            Delivery::Sessions => {
                let limit = s.sessions.unwrap_or(u32::MAX);
                let mut k = 0u32;
                while k < limit {
                    let t = s.start_days + f64::from(k) * s.every_days;
                    if t >= end {
                        break;
                    }
                    if session_attended(k, s.adherence) {
                        events.push(Event {
                            time_days: t,
                            treatment: i,
                            action: Action::Session,
                        });
                    }
                    k += 1;
                }
            }
        }
    }
    events.sort_by(|a, b| {
        a.time_days
            .total_cmp(&b.time_days)
            .then(a.treatment.cmp(&b.treatment))
    });
    events
}

impl Treatment {
    /// Mean amount per day while taken (continuous kinds): dose × adherence ÷ interval.
    pub fn dose_per_day(&self) -> f64 {
        self.dose * self.schedule.adherence / self.schedule.every_days
    }

    /// A short human label, e.g. "finasteride 1 mg daily" or "prp, 3 sessions every 4 weeks".
    pub fn label(&self) -> String {
        self.label_in(Lang::En)
    }

    /// [`Treatment::label`] in `lang` (the charts' treatment lanes). English
    /// keeps the kinds' scenario-file names, as the CSV and JSON show them;
    /// other languages word them.
    pub fn label_in(&self, lang: Lang) -> String {
        let s = &self.schedule;
        let word = |id: &str| match lang {
            Lang::En => id.to_string(),
            _ => lang.identifier(id),
        };
        let what = match self.kind {
            TreatmentKind::Custom { target, effect, .. } => {
                format!("{} {} {effect:+}", word(self.kind.name()), target.name())
            }
            kind => word(kind.name()),
        };
        let dose = match self.kind.dose_unit() {
            DoseUnit::Mg => format!(" {} mg", self.dose),
            DoseUnit::Percent => format!(" {}%", self.dose),
            DoseUnit::Relative if (self.dose - 1.0).abs() > 1e-12 => {
                format!(
                    " {}",
                    lang.fill(Key::LaneStrength, &[("value", &self.dose.to_string())])
                )
            }
            DoseUnit::Relative => String::new(),
            DoseUnit::Grafts => {
                format!(
                    " {}",
                    lang.fill(Key::LaneGrafts, &[("value", &self.dose.to_string())])
                )
            }
            DoseUnit::Cells => {
                format!(
                    " {}",
                    lang.fill(Key::LaneCells, &[("value", &self.dose.to_string())])
                )
            }
        };
        let every = if (s.every_days - 1.0).abs() < 1e-12 {
            lang.get(Key::TreatDaily).to_string()
        } else {
            // English says "every month", not "every 1 month".
            let span = lang.duration(s.every_days);
            let span = match lang {
                Lang::En => span.strip_prefix("1 ").map_or(span.clone(), str::to_string),
                _ => span,
            };
            lang.fill(Key::TreatEvery, &[("every", &span)])
        };
        let parts: [(&str, &str); 3] = [("what", &what), ("dose", &dose), ("every", &every)];
        let mut label = match (self.kind.delivery(), s.sessions, self.kind) {
            (Delivery::Sessions, Some(1), _) => lang.fill(Key::LaneOneSession, &parts),
            (Delivery::Sessions, Some(n), _) => {
                let count = n.to_string();
                let mut args = parts.to_vec();
                args.push(("count", &count));
                lang.fill(Key::LaneSessionsCount, &args)
            }
            (Delivery::Sessions, None, _) => lang.fill(Key::LaneSessionsOpen, &parts),
            (Delivery::Continuous, _, TreatmentKind::Custom { .. }) => {
                lang.fill(Key::LaneCustomContinuous, &parts)
            }
            (Delivery::Continuous, _, _) => lang.fill(Key::LaneContinuous, &parts),
        };
        if s.adherence < 1.0 {
            let percent = format!("{:.0}", 100.0 * s.adherence);
            label.push_str(&lang.fill(Key::LaneAdherence, &[("percent", &percent)]));
        }
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched(start: f64, stop: Option<f64>, every: f64, sessions: Option<u32>) -> Schedule {
        Schedule {
            start_days: start,
            stop_days: stop,
            every_days: every,
            sessions,
            adherence: 1.0,
        }
    }

    #[test]
    fn sessions_expand_in_order() {
        let prp = Treatment {
            kind: TreatmentKind::Prp,
            dose: 1.0,
            schedule: sched(10.0, None, 28.0, Some(3)),
        };
        let ev = expand(&[prp], 365.0);
        let times: Vec<f64> = ev.iter().map(|e| e.time_days).collect();
        assert_eq!(times, vec![10.0, 38.0, 66.0]);
        assert!(ev.iter().all(|e| e.action == Action::Session));
    }

    #[test]
    fn sessions_stop_at_stop_and_at_horizon() {
        let laser = Treatment {
            kind: TreatmentKind::LowLevelLaser,
            dose: 1.0,
            schedule: sched(0.0, Some(21.0), 7.0, None),
        };
        assert_eq!(expand(&[laser], 365.0).len(), 3); // 0, 7, 14; 21 is excluded
        let laser = Treatment {
            schedule: sched(0.0, None, 7.0, None),
            ..laser
        };
        assert_eq!(expand(&[laser], 28.0).len(), 4); // 0, 7, 14, 21
    }

    #[test]
    fn continuous_gives_start_and_stop_inside_horizon_only() {
        let fin = Treatment {
            kind: TreatmentKind::Finasteride,
            dose: 1.0,
            schedule: sched(0.0, Some(365.0), 1.0, None),
        };
        let ev = expand(&[fin], 730.0);
        assert_eq!(ev.len(), 2);
        assert_eq!((ev[0].action, ev[1].action), (Action::Start, Action::Stop));
        assert_eq!(expand(&[fin], 300.0).len(), 1);
    }

    #[test]
    fn ties_keep_declaration_order_and_sort_is_by_time() {
        let a = Treatment {
            kind: TreatmentKind::Prp,
            dose: 1.0,
            schedule: sched(28.0, None, 28.0, Some(2)),
        };
        let b = Treatment {
            kind: TreatmentKind::Microneedling,
            dose: 1.0,
            schedule: sched(0.0, None, 14.0, Some(3)),
        };
        let ev = expand(&[a, b], 365.0);
        let got: Vec<(f64, usize)> = ev.iter().map(|e| (e.time_days, e.treatment)).collect();
        assert_eq!(
            got,
            vec![(0.0, 1), (14.0, 1), (28.0, 0), (28.0, 1), (56.0, 0)]
        );
    }

    #[test]
    fn adherence_spreads_missed_sessions_evenly() {
        let given: Vec<bool> = (0..8).map(|k| session_attended(k, 0.75)).collect();
        assert_eq!(given.iter().filter(|g| **g).count(), 6);
        assert!(given[0]);
        assert!((0..10).all(|k| session_attended(k, 1.0)));
        assert!((0..10).all(|k| !session_attended(k, 0.0)));
        let half: Vec<bool> = (0..4).map(|k| session_attended(k, 0.5)).collect();
        assert_eq!(half, vec![true, false, true, false]);
    }

    #[test]
    fn labels_read_naturally() {
        let fin = Treatment {
            kind: TreatmentKind::Finasteride,
            dose: 1.0,
            schedule: sched(0.0, None, 1.0, None),
        };
        assert_eq!(fin.label(), "finasteride 1 mg daily");
        let prp = Treatment {
            kind: TreatmentKind::Prp,
            dose: 1.0,
            schedule: sched(0.0, None, 28.0, Some(3)),
        };
        assert_eq!(prp.label(), "prp, 3 sessions every 4 weeks");
        let monthly = Treatment {
            dose: 2.0,
            schedule: sched(0.0, None, crate::units::DAYS_PER_MONTH, None),
            ..prp
        };
        assert_eq!(monthly.label(), "prp at ×2 strength, sessions every month");
        // The charts' Japanese lanes word the kind and the spans.
        assert_eq!(fin.label_in(Lang::Ja), "フィナステリド 1 mg 毎日");
        assert_eq!(
            prp.label_in(Lang::Ja),
            "PRP（多血小板血漿）、4 週ごとに 3 回"
        );
        assert_eq!(
            monthly.label_in(Lang::Ja),
            "PRP（多血小板血漿） 強さ ×2、1 か月ごと"
        );
    }
}
