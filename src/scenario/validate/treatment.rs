//! `[[arm.treatment]]`: the kind (a built-in name, or `custom` with its
//! target, delivery and effect), the dose in the kind's unit, and the
//! schedule; defaults are the constants on [`Schedule`] and [`TreatmentKind`].

use super::{Ctx, MAX_SESSIONS, R};
use crate::event::ShedEvent;
use crate::scenario::raw::{RawDose, RawTreatment};
use crate::schedule::{Schedule, Treatment};
use crate::treatment::{Delivery, Target, TreatmentKind};
use crate::units::{self, DoseUnit};
use toml::Spanned;

pub(super) fn treatment(
    ctx: &Ctx,
    raw: &Spanned<RawTreatment>,
    duration_days: f64,
) -> R<Treatment> {
    let t = raw.get_ref();
    let kind = kind(ctx, t)?;
    let dose = dose(ctx, &kind, t.dose.as_ref())?;
    let start_days = match &t.start {
        Some(v) => start(ctx, v, duration_days)?,
        None => Schedule::DEFAULT_START_DAYS,
    };
    let stop_days = stop(ctx, t, start_days)?;
    let every_days = every(ctx, t, &kind)?;
    let sessions = sessions(ctx, t, &kind, stop_days.is_some())?;
    if kind.delivery() == Delivery::Sessions {
        let end = stop_days.unwrap_or(duration_days).min(duration_days);
        let count = sessions.map_or((end - start_days) / every_days, f64::from);
        if count > MAX_SESSIONS {
            let span = t.every.as_ref().map_or(raw.span(), |v| v.span());
            return ctx.err(span, format!("this schedule expands to about {count:.0} sessions, more than the limit of {MAX_SESSIONS:.0}"), Some("use a longer `every` or fewer `sessions`".into()));
        }
        // A donor region gives a few thousand grafts in a lifetime, whatever
        // the number of procedures.
        if kind == TreatmentKind::HairTransplant
            && count.floor().max(1.0) * dose > TreatmentKind::MAX_GRAFTS
        {
            let span = t
                .sessions
                .as_ref()
                .map(|v| v.span())
                .or(t.every.as_ref().map(|v| v.span()))
                .unwrap_or(raw.span());
            return ctx.err(span, format!("this schedule transplants about {:.0} grafts in all, more than a donor region can give (at most {:.0})", count.floor().max(1.0) * dose, TreatmentKind::MAX_GRAFTS), Some("give fewer `sessions`, or fewer grafts per session".into()));
        }
    }
    let adherence = match &t.adherence {
        Some(v) => adherence(ctx, v)?,
        None => Schedule::DEFAULT_ADHERENCE,
    };
    Ok(Treatment {
        kind,
        dose,
        schedule: Schedule {
            start_days,
            stop_days,
            every_days,
            sessions,
            adherence,
        },
    })
}

/// `kind`: a built-in name, whose treatment takes none of the `custom` keys.
fn kind(ctx: &Ctx, raw: &RawTreatment) -> R<TreatmentKind> {
    let k = &raw.kind;
    if k.get_ref() == TreatmentKind::CUSTOM {
        return custom(ctx, raw);
    }
    // Shedding events are not treatments: point to their own table.
    let event = ShedEvent::ALL.into_iter().find(|e| e.name() == k.get_ref());
    if event.is_some() || k.get_ref() == TreatmentKind::Pregnancy.name() {
        let name = event.map_or(ShedEvent::Childbirth.name(), ShedEvent::name);
        return ctx.err(
            k.span(),
            format!("`{}` is a shedding event, not a treatment", k.get_ref()),
            Some(format!(
                "write it as [[arm.event]] with kind = \"{name}\" and at = \"6 months\" (a pregnancy comes with its childbirth)"
            )),
        );
    }
    let kind = *ctx.named::<TreatmentKind>(k)?;
    let custom_keys = [
        ("target", raw.target.as_ref().map(|v| v.span())),
        ("delivery", raw.delivery.as_ref().map(|v| v.span())),
        ("effect", raw.effect.as_ref().map(|v| v.span())),
    ];
    if let Some((key, Some(span))) = custom_keys.into_iter().find(|(_, s)| s.is_some()) {
        return ctx.err(
            span,
            format!(
                "`{key}` only applies to `custom` treatments, not `{}`",
                k.get_ref()
            ),
            Some(format!("remove `{key}`, or set kind = \"custom\"")),
        );
    }
    Ok(kind)
}

/// `kind = "custom"`: needs `target`, `delivery` and an `effect` valid for the target.
fn custom(ctx: &Ctx, raw: &RawTreatment) -> R<TreatmentKind> {
    let missing = |key: &str, example: &str| {
        ctx.loc.error(
            Some(raw.kind.span()),
            format!("a `custom` treatment needs `{key}`"),
            Some(format!("add e.g. {key} = {example}")),
        )
    };
    let target_v = raw
        .target
        .as_ref()
        .ok_or_else(|| missing("target", "\"growth_factor\""))?;
    let delivery_v = raw
        .delivery
        .as_ref()
        .ok_or_else(|| missing("delivery", "\"sessions\""))?;
    let effect_v = raw
        .effect
        .as_ref()
        .ok_or_else(|| missing("effect", "0.5"))?;
    let target = *ctx.named::<Target>(target_v)?;
    let delivery = *ctx.named::<Delivery>(delivery_v)?;
    Ok(TreatmentKind::Custom {
        target,
        delivery,
        effect: effect(ctx, target, effect_v)?,
    })
}

/// A custom `effect`: finite; at least −1 for a multiplier on DHT or
/// inflammation, at least 0 for a growth-factor or stimulation level.
fn effect(ctx: &Ctx, target: Target, v: &Spanned<f64>) -> R<f64> {
    let effect = *v.get_ref();
    let lowest = if target.is_multiplicative() {
        -1.0
    } else {
        0.0
    };
    if effect.is_finite() && effect >= lowest {
        return Ok(effect);
    }
    let valid = if target.is_multiplicative() {
        "a finite number ≥ −1 (−0.3 lowers it by 30%)"
    } else {
        "a finite number ≥ 0 (the signal level, 1 ≈ one standard session)"
    };
    ctx.err(
        v.span(),
        format!(
            "effect {effect} is not valid for target `{}`",
            target.name()
        ),
        Some(format!("use {valid}")),
    )
}

/// `dose`: in the kind's unit, above 0 and at most [`TreatmentKind::max_dose`];
/// default [`TreatmentKind::default_dose`].
fn dose(ctx: &Ctx, kind: &TreatmentKind, raw: Option<&Spanned<RawDose>>) -> R<f64> {
    let Some(raw) = raw else {
        return Ok(kind.default_dose());
    };
    let want = kind.dose_unit();
    let example = match want {
        DoseUnit::Mg => format!("dose = \"{} mg\"", kind.default_dose()),
        DoseUnit::Percent => format!("dose = \"{}%\"", kind.default_dose()),
        DoseUnit::Relative => "dose = 1.0 (relative to a standard session)".to_string(),
        DoseUnit::Grafts => format!("dose = \"{} grafts\"", kind.default_dose()),
        DoseUnit::Cells => format!("dose = \"{} cells\"", kind.default_dose()),
    };
    let parsed = match raw.get_ref() {
        RawDose::Number(x) => units::Dose {
            amount: *x,
            unit: DoseUnit::Relative,
        },
        RawDose::Text(t) => units::parse_dose(t)
            .or_else(|e| ctx.err(raw.span(), e.to_string(), Some(example.clone())))?,
    };
    if parsed.unit != want {
        return ctx.err(
            raw.span(),
            format!(
                "`{}` doses are in {want}, but this dose is in {}",
                kind.name(),
                parsed.unit
            ),
            Some(example),
        );
    }
    let amount = parsed.amount;
    if !(amount.is_finite() && amount > 0.0) || amount > kind.max_dose() {
        return ctx.err(
            raw.span(),
            format!(
                "dose must be greater than 0 and at most {}, got {amount}",
                kind.max_dose()
            ),
            Some(example),
        );
    }
    Ok(amount)
}

/// `start`: before the end of the scenario.
fn start(ctx: &Ctx, v: &Spanned<String>, duration_days: f64) -> R<f64> {
    let d = ctx.duration(v, "start")?;
    if d >= duration_days {
        return ctx.err(
            v.span(),
            format!(
                "start {:?} is at or after the end of the scenario ({})",
                v.get_ref(),
                units::describe_days(duration_days)
            ),
            Some(
                "start treatments before the scenario ends, or lengthen [scenario] duration".into(),
            ),
        );
    }
    Ok(d)
}

/// `stop` (after start) or `duration` (a length), not both; `None`: to the end.
fn stop(ctx: &Ctx, t: &RawTreatment, start_days: f64) -> R<Option<f64>> {
    match (&t.stop, &t.duration) {
        (Some(a), Some(_)) => ctx.err(a.span(), "give either `stop` or `duration`, not both", None),
        (Some(v), None) => {
            let d = ctx.duration(v, "stop")?;
            if d <= start_days {
                return ctx.err(
                    v.span(),
                    format!("stop {:?} is not after start", v.get_ref()),
                    Some("stop must come after start; `duration` gives a length instead".into()),
                );
            }
            Ok(Some(d))
        }
        (None, Some(v)) => Ok(Some(start_days + ctx.positive_duration(v, "duration")?)),
        (None, None) => Ok(None),
    }
}

/// `every`: longer than zero, and not for a continuous `custom` treatment;
/// default [`Schedule::DEFAULT_EVERY_DAYS`].
fn every(ctx: &Ctx, t: &RawTreatment, kind: &TreatmentKind) -> R<f64> {
    let continuous_custom = matches!(
        kind,
        TreatmentKind::Custom {
            delivery: Delivery::Continuous,
            ..
        }
    );
    match &t.every {
        Some(v) if continuous_custom => ctx.err(v.span(), "`every` does not apply to a continuous `custom` treatment: it holds its effect from start to stop", Some("remove `every`, or set delivery = \"sessions\"".into())),
        Some(v) => ctx.positive_duration(v, "every"),
        None => Ok(Schedule::DEFAULT_EVERY_DAYS),
    }
}

/// `sessions`: session treatments only, 1 to [`MAX_SESSIONS`], not with a
/// stop. A session treatment with neither `sessions` nor `every` is one session.
fn sessions(ctx: &Ctx, t: &RawTreatment, kind: &TreatmentKind, has_stop: bool) -> R<Option<u32>> {
    match (&t.sessions, kind.delivery()) {
        (Some(v), Delivery::Continuous) => ctx.err(
            v.span(),
            format!(
                "`sessions` does not apply to `{}`, which is taken continuously",
                kind.name()
            ),
            Some("use `stop` or `duration` to end it".into()),
        ),
        (Some(v), Delivery::Sessions) => {
            let count = ctx.count(
                v,
                MAX_SESSIONS as u32,
                |n| format!("sessions must be a whole number from 1 to {MAX_SESSIONS:.0}, got {n}"),
                None,
            )?;
            if has_stop {
                return ctx.err(
                    v.span(),
                    "give either `sessions` or `stop`/`duration`, not both",
                    None,
                );
            }
            Ok(Some(count))
        }
        (None, Delivery::Sessions) if t.every.is_none() => Ok(Some(1)),
        (None, _) => Ok(None),
    }
}

/// `adherence`: a share from 0 to 1.
fn adherence(ctx: &Ctx, v: &Spanned<f64>) -> R<f64> {
    let a = *v.get_ref();
    if !(0.0..=1.0).contains(&a) {
        return ctx.err(
            v.span(),
            format!("adherence must be between 0 and 1, got {a}"),
            Some("0.8 means 80% of doses or sessions are taken".into()),
        );
    }
    Ok(a)
}
