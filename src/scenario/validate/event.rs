//! `[[arm.event]]`: a shedding event's kind, when it happens (`at`, within
//! the scenario) and its severity (1 = typical, at most
//! [`ShedEvent::MAX_SEVERITY`]); it becomes treatments of the arm
//! ([`ShedEvent::treatments`]).

use super::{Ctx, R};
use crate::event::ShedEvent;
use crate::scenario::raw::RawEvent;
use crate::schedule::Treatment;
use crate::units;
use toml::Spanned;

pub(super) fn event(ctx: &Ctx, raw: &Spanned<RawEvent>, duration_days: f64) -> R<Vec<Treatment>> {
    let e = raw.get_ref();
    let kind = *ctx.named::<ShedEvent>(&e.kind)?;
    let at = ctx.duration(&e.at, "at")?;
    if at >= duration_days {
        return ctx.err(
            e.at.span(),
            format!(
                "event at {:?} is at or after the end of the scenario ({})",
                e.at.get_ref(),
                units::describe_days(duration_days)
            ),
            Some("put the event before the scenario ends, or lengthen [scenario] duration".into()),
        );
    }
    let severity = match &e.severity {
        Some(v) => {
            let s = *v.get_ref();
            if !(s > 0.0 && s <= ShedEvent::MAX_SEVERITY) {
                return ctx.err(
                    v.span(),
                    format!(
                        "severity must be greater than 0 and at most {}, got {s}",
                        ShedEvent::MAX_SEVERITY
                    ),
                    Some("1 is a typical event; 2 compounds it (a fever then releases 44 % of the anagen follicles instead of 25 %)".into()),
                );
            }
            s
        }
        None => 1.0,
    };
    Ok(kind.treatments(at, severity))
}
