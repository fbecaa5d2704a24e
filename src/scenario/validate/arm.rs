//! `[[arm]]`: a printable, unique name, an optional profile of its own, and at
//! most [`MAX_TREATMENTS_PER_ARM`] treatments (see `treatment`) and as many
//! shedding events (see `event`).

use super::event::event;
use super::treatment::treatment;
use super::{
    is_invisible_format, patient, Ctx, MAX_ARMS, MAX_NAME_CHARS, MAX_TREATMENTS_PER_ARM, R,
};
use crate::model::Pk;
use crate::scenario::raw::{RawArm, RawFile, RawPatient};
use crate::scenario::{Arm, Patient};
use std::collections::BTreeSet;
use toml::Spanned;

/// Every arm: at least one, at most [`MAX_ARMS`], names unique.
pub(super) fn arms(
    ctx: &Ctx,
    raw: &RawFile,
    patient: &Patient,
    duration_days: f64,
    pk: Pk,
) -> R<Vec<Arm>> {
    if raw.arm.is_empty() {
        return Err(ctx.loc.error(
            Some(raw.scenario.name.span()),
            "the scenario has no arms",
            Some("add at least one `[[arm]]` table with a `name`".into()),
        ));
    }
    if raw.arm.len() > MAX_ARMS {
        return ctx.err(
            raw.arm[MAX_ARMS].get_ref().name.span(),
            format!(
                "the scenario has {} arms, more than the limit of {MAX_ARMS}",
                raw.arm.len()
            ),
            Some("split it into several scenario files".into()),
        );
    }
    let shared = Shared {
        patient,
        raw_patient: raw.patient.as_ref(),
        duration_days,
        pk,
    };
    let mut seen = BTreeSet::new();
    let mut arms = Vec::with_capacity(raw.arm.len());
    for a in &raw.arm {
        let arm = arm(ctx, a.get_ref(), &shared)?;
        if !seen.insert(arm.name.clone()) {
            return ctx.err(
                a.get_ref().name.span(),
                format!("duplicate arm name `{}`", arm.name),
                Some("give every arm a different name".into()),
            );
        }
        arms.push(arm);
    }
    Ok(arms)
}

/// What every arm takes from the rest of the file.
struct Shared<'a> {
    /// The scenario's patient, for arms that name no profile.
    patient: &'a Patient,
    /// `[patient]`, whose overrides an arm's own profile takes too.
    raw_patient: Option<&'a RawPatient>,
    duration_days: f64,
    pk: Pk,
}

fn arm(ctx: &Ctx, raw: &RawArm, shared: &Shared) -> R<Arm> {
    let name = arm_name(ctx, &raw.name)?;
    if let Some(t) = raw.treatment.get(MAX_TREATMENTS_PER_ARM) {
        return ctx.err(
            t.get_ref().kind.span(),
            format!(
                "arm `{name}` has {} treatments, more than the limit of {MAX_TREATMENTS_PER_ARM}",
                raw.treatment.len()
            ),
            Some("combine treatments, or split the arm".into()),
        );
    }
    let patient = match &raw.profile {
        Some(p) => patient::arm_patient(ctx, p, shared.raw_patient)?,
        None => shared.patient.clone(),
    };
    if let Some(e) = raw.event.get(MAX_TREATMENTS_PER_ARM) {
        return ctx.err(
            e.get_ref().kind.span(),
            format!(
                "arm `{name}` has {} events, more than the limit of {MAX_TREATMENTS_PER_ARM}",
                raw.event.len()
            ),
            Some("split the arm".into()),
        );
    }
    let mut treatments = raw
        .treatment
        .iter()
        .map(|t| treatment(ctx, t, shared.duration_days))
        .collect::<R<Vec<_>>>()?;
    // The events come after the treatments, so the treatments keep their
    // positions (the schedule's declaration order).
    for e in &raw.event {
        treatments.extend(event(ctx, e, shared.duration_days)?);
    }
    Ok(Arm {
        name,
        patient,
        treatments,
        pk: shared.pk,
    })
}

/// An arm name is shown in charts, the terminal and the CSV: printable, one
/// line, not able to pose as a spreadsheet formula. It never becomes a file name.
fn arm_name(ctx: &Ctx, v: &Spanned<String>) -> R<String> {
    let n = v.get_ref().trim();
    let help = Some(format!(
        "use 1–{MAX_NAME_CHARS} printable characters, e.g. \"finasteride + minoxidil\""
    ));
    if n.is_empty()
        || n.chars().any(|c| c.is_control() || is_invisible_format(c))
        || n.chars().count() > MAX_NAME_CHARS
    {
        return ctx.err(
            v.span(),
            format!("invalid arm name {:?}", v.get_ref()),
            help,
        );
    }
    if n.starts_with(['=', '+', '-', '@']) {
        return ctx.err(
            v.span(),
            format!("invalid arm name {n:?}: a name starting with `=`, `+`, `-` or `@` would run as a formula when timeseries.csv is opened in a spreadsheet"),
            Some("start the name with a letter or digit".into()),
        );
    }
    Ok(n.to_string())
}
