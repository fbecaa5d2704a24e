//! An arm's timeline: where the integrator must stop and what happens there.
//!
//! [`crate::schedule::expand`] lists dose events; this turns them into
//! *stops*: the times at which something changes (a session jumps the state,
//! or continuous treatments switch on or off so that the inputs change), each
//! with the sessions given there and the new inputs. The simulation integrates
//! from stop to stop; the exporters write the same stops as SBML events and
//! Python segment boundaries, so all three agree on when and what.

use crate::model::{Inputs, N_STATES};
use crate::params::Parameters;
use crate::scenario::{Arm, Patient};
use crate::schedule::{expand, Action};
use crate::symbolic::Scalar;

/// Two times closer than this (days) are the same stop.
pub const SAME_TIME_DAYS: f64 = 1e-9;

/// One stop of the integrator.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// Time, days.
    pub t_days: f64,
    /// Treatments (indices into the arm's list) giving a session here, in
    /// declaration order. Applied to the state before the inputs change.
    pub sessions: Vec<usize>,
    /// The inputs from here on, when they change here.
    pub inputs: Option<Inputs>,
}

impl Stop {
    /// A stop where nothing happens (the horizon, or a split of a long segment).
    pub fn empty(t_days: f64) -> Stop {
        Stop {
            t_days,
            sessions: Vec::new(),
            inputs: None,
        }
    }

    /// Apply this stop's sessions of `arm`'s treatments to the state `y`, in
    /// declaration order: the one session loop, run with numbers by the
    /// simulation and with symbols by the exporters (`params` the patient's
    /// values or their symbols).
    pub fn apply_sessions<T: Scalar>(
        &self,
        arm: &Arm,
        params: &Parameters<T>,
        y: &mut [T; N_STATES],
    ) {
        for &k in &self.sessions {
            let tr = &arm.treatments[k];
            tr.kind.apply_session(params, T::lit(tr.dose), y);
        }
    }
}

/// The inputs implied by the continuous treatments that are on.
pub fn inputs_for(arm: &Arm, patient: &Patient, on: &[bool]) -> Inputs {
    let mut inputs = Inputs::default();
    for (tr, _) in arm.treatments.iter().zip(on).filter(|(_, on)| **on) {
        tr.kind
            .add_continuous(&patient.params, tr.dose_per_day(), &mut inputs);
    }
    inputs
}

/// Every stop of `arm` over `[0, duration_days]`, sorted: always one at 0
/// (the day-0 doses), one wherever a session is given or the inputs change,
/// and one at the horizon. A stop and a restart of the same dose at the same
/// time change nothing, so a compact schedule and the same doses written out
/// give the same stops. The model starts with untreated inputs.
pub fn timeline(arm: &Arm, duration_days: f64) -> Vec<Stop> {
    let events = expand(&arm.treatments, duration_days);
    let mut stops = vec![Stop::empty(0.0)];
    let mut on = vec![false; arm.treatments.len()];
    let mut inputs = Inputs::default();
    let mut i = 0;
    while let Some(first) = events.get(i) {
        let t = first.time_days;
        let mut sessions = Vec::new();
        while let Some(e) = events.get(i).filter(|e| e.time_days <= t + SAME_TIME_DAYS) {
            match e.action {
                Action::Start => on[e.treatment] = true,
                Action::Stop => on[e.treatment] = false,
                Action::Session => sessions.push(e.treatment),
            }
            i += 1;
        }
        let next = inputs_for(arm, &arm.patient, &on);
        let changed = (next != inputs).then_some(next);
        inputs = next;
        if sessions.is_empty() && changed.is_none() {
            continue;
        }
        match stops.last_mut() {
            Some(last) if t - last.t_days <= SAME_TIME_DAYS => {
                last.sessions.extend(sessions);
                last.inputs = changed.or(last.inputs);
            }
            _ => stops.push(Stop {
                t_days: t,
                sessions,
                inputs: changed,
            }),
        }
    }
    if stops
        .last()
        .is_none_or(|last| duration_days - last.t_days > SAME_TIME_DAYS)
    {
        stops.push(Stop::empty(duration_days));
    }
    stops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn arm(treatments: &str) -> (Arm, f64) {
        let text = format!(
            "[scenario]\nname = \"t\"\nduration = \"200 days\"\noutput_interval = \"10 days\"\n\
             [[arm]]\nname = \"a\"\n{treatments}"
        );
        let sc = parse("t.toml", &text).unwrap();
        (sc.arms[0].clone(), sc.duration_days)
    }

    #[test]
    fn untreated_arms_stop_only_at_the_ends() {
        let (a, d) = arm("");
        assert_eq!(timeline(&a, d), vec![Stop::empty(0.0), Stop::empty(200.0)]);
    }

    #[test]
    fn day_zero_doses_and_sessions_share_the_first_stop() {
        let (a, d) = arm(
            "[[arm.treatment]]\nkind = \"finasteride\"\ndose = \"1 mg\"\n\
             [[arm.treatment]]\nkind = \"prp\"\nevery = \"60 days\"\nsessions = 2\n",
        );
        let stops = timeline(&a, d);
        let times: Vec<f64> = stops.iter().map(|s| s.t_days).collect();
        assert_eq!(times, vec![0.0, 60.0, 200.0]);
        assert_eq!(stops[0].sessions, vec![1]);
        let u = stops[0].inputs.expect("finasteride starts at day 0");
        assert!((u.finasteride_mg_per_day - 1.0).abs() < 1e-12);
        assert_eq!(stops[1].sessions, vec![1]);
        assert_eq!(stops[1].inputs, None);
    }

    #[test]
    fn stopping_a_drug_changes_the_inputs_back() {
        let (a, d) = arm(
            "[[arm.treatment]]\nkind = \"minoxidil_topical\"\ndose = \"5%\"\n\
             start = \"10 days\"\nstop = \"100 days\"\n",
        );
        let stops = timeline(&a, d);
        let times: Vec<f64> = stops.iter().map(|s| s.t_days).collect();
        assert_eq!(times, vec![0.0, 10.0, 100.0, 200.0]);
        assert!(stops[1]
            .inputs
            .is_some_and(|u| (u.minoxidil_percent - 5.0).abs() < 1e-12));
        assert_eq!(stops[2].inputs, Some(Inputs::default()));
    }
}
