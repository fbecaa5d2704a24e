//! The report's prose, from templates of the message table filled with the
//! scenario and its results: the scenario in words, and a short narrative
//! per arm (how far DHT fell, when shedding peaked, the change at each
//! endpoint against untreated). Returns HTML fragments; every piece of
//! scenario text in them went through [`crate::escape::html`].

use crate::endpoints::Endpoint;
use crate::escape::html;
use crate::i18n::{Key, Lang};
use crate::scenario::Scenario;
use crate::schedule::Treatment;
use crate::simulation::ArmResult;
use crate::treatment::{Delivery, TreatmentKind};
use crate::units::DoseUnit;
use std::fmt::Write as _;

/// A signed percentage with a real minus sign: `+3.2`, `−1.0`.
pub fn signed(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let s = format!("{v:+.1}");
    s.replacen('-', "−", 1)
}

/// A treatment kind in words.
pub fn kind_words(kind: &TreatmentKind, lang: Lang) -> String {
    lang.identifier(kind.name())
}

/// A dose in the kind's unit after a space, or "" for a standard session.
fn dose_words(t: &Treatment, lang: Lang) -> String {
    match t.kind.dose_unit() {
        DoseUnit::Mg => format!(" {} mg", t.dose),
        DoseUnit::Percent => format!(" {} %", t.dose),
        DoseUnit::Relative if (t.dose - 1.0).abs() > 1e-12 => {
            format!(
                " {}",
                lang.fill(Key::DoseRelative, &[("value", &t.dose.to_string())])
            )
        }
        DoseUnit::Relative => String::new(),
        DoseUnit::Grafts => format!(
            " {}",
            lang.fill(Key::LaneGrafts, &[("value", &t.dose.to_string())])
        ),
        DoseUnit::Cells => format!(
            " {}",
            lang.fill(Key::LaneCells, &[("value", &t.dose.to_string())])
        ),
    }
}

/// "daily", "every 4 weeks".
fn every_words(days: f64, lang: Lang) -> String {
    if (days - 1.0).abs() < 1e-9 {
        lang.get(Key::TreatDaily).to_string()
    } else {
        lang.fill(Key::TreatEvery, &[("every", &lang.duration(days))])
    }
}

/// "the start", "1 week".
fn start_words(days: f64, lang: Lang) -> String {
    if days.abs() < 1e-9 {
        lang.get(Key::TreatFromStart).to_string()
    } else {
        lang.duration(days)
    }
}

/// One treatment's schedule in words.
fn treatment_words(t: &Treatment, duration_days: f64, lang: Lang) -> String {
    let s = &t.schedule;
    let stop = match s.stop_days {
        Some(d) if d < duration_days => lang.duration(d),
        _ => lang.get(Key::TreatUntil).to_string(),
    };
    let treatment = kind_words(&t.kind, lang);
    let dose = dose_words(t, lang);
    let every = every_words(s.every_days, lang);
    let start = start_words(s.start_days, lang);
    let mut text = match (t.kind.delivery(), s.sessions) {
        (Delivery::Continuous, _) => lang.fill(
            Key::TreatContinuous,
            &[
                ("treatment", &treatment),
                ("dose", &dose),
                ("every", &every),
                ("start", &start),
                ("stop", &stop),
            ],
        ),
        (Delivery::Sessions, Some(n)) => lang.fill(
            Key::TreatSessionsCount,
            &[
                ("treatment", &treatment),
                ("dose", &dose),
                ("count", &n.to_string()),
                ("every", &every),
                ("start", &start),
            ],
        ),
        (Delivery::Sessions, None) => lang.fill(
            Key::TreatSessionsOpen,
            &[
                ("treatment", &treatment),
                ("dose", &dose),
                ("every", &every),
                ("start", &start),
                ("stop", &stop),
            ],
        ),
    };
    if s.adherence < 1.0 {
        let percent = format!("{:.0}", 100.0 * s.adherence);
        text = format!(
            "{text} ({})",
            lang.fill(Key::TreatAdherence, &[("percent", &percent)])
        );
    }
    text
}

/// The scenario section's body.
pub fn scenario(sc: &Scenario, lang: Lang) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<p>{}</p>",
        html(&lang.fill(
            Key::ScenarioDuration,
            &[
                ("arms", &sc.arms.len().to_string()),
                ("duration", &lang.duration(sc.duration_days)),
                ("interval", &lang.duration(sc.output_interval_days)),
            ],
        ))
    );
    let profile = lang.identifier(sc.patient.profile.name);
    let mut patient = lang.fill(Key::ScenarioPatient, &[("profile", &profile)]);
    let start = sc
        .patient
        .terminal_fraction_start
        .or(sc.patient.profile.terminal_fraction_start);
    if let Some(f) = start {
        let percent = format!("{:.0}", 100.0 * f);
        patient.push(' ');
        patient.push_str(&lang.fill(Key::ScenarioPatientStart, &[("percent", &percent)]));
    }
    let _ = write!(
        out,
        "<p>{}</p><p>{}</p><ul class=\"arms\">",
        html(&patient),
        html(lang.get(Key::ScenarioArms))
    );
    for arm in &sc.arms {
        let mut parts: Vec<String> = arm
            .treatments
            .iter()
            .map(|t| treatment_words(t, sc.duration_days, lang))
            .collect();
        if parts.is_empty() {
            parts.push(lang.get(Key::ArmUntreated).to_string());
        }
        if arm.patient.profile.name != sc.patient.profile.name {
            let p = lang.identifier(arm.patient.profile.name);
            parts.push(lang.fill(Key::ArmOwnProfile, &[("profile", &p)]));
        }
        let _ = write!(
            out,
            "<li><strong>{}</strong>: {}</li>",
            html(&arm.name),
            html(&parts.join("; "))
        );
    }
    out.push_str("</ul>");
    out
}

/// The narrative of one arm: sentences from its trajectory and endpoints.
pub fn narrative(arm: &ArmResult, ends: &[Endpoint], duration_days: f64, lang: Lang) -> String {
    let mut s: Vec<String> = Vec::new();
    let rows = &arm.trajectory.rows;
    let times = &arm.trajectory.times_days;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return String::new();
    };
    if arm.treatments.is_empty() {
        let change = signed(100.0 * (last.hair_count / first.hair_count - 1.0));
        s.push(lang.fill(
            Key::NarrUntreated,
            &[
                ("change", &change),
                ("duration", &lang.duration(duration_days)),
            ],
        ));
    } else {
        let (t_min, min) = times
            .iter()
            .zip(rows)
            .map(|(t, r)| (*t, r.dht))
            .fold((0.0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a });
        let max = rows.iter().map(|r| r.dht).fold(f64::NEG_INFINITY, f64::max);
        let base = first.dht.max(1e-12);
        if 1.0 - min / base > 0.01 {
            let percent = format!("{:.0}", 100.0 * (1.0 - min / base));
            s.push(lang.fill(
                Key::NarrDhtFell,
                &[("percent", &percent), ("time", &lang.time(t_min))],
            ));
        } else if max / base - 1.0 > 0.01 {
            let percent = format!("{:.0}", 100.0 * (max / base - 1.0));
            s.push(lang.fill(Key::NarrDhtRose, &[("percent", &percent)]));
        } else {
            s.push(lang.get(Key::NarrDhtSame).to_string());
        }
        let (t_peak, peak) = times
            .iter()
            .zip(rows)
            .map(|(t, r)| (*t, r.shedding_per_day))
            .fold(
                (0.0, f64::NEG_INFINITY),
                |a, b| if b.1 > a.1 { b } else { a },
            );
        if peak > 1.15 * first.shedding_per_day && t_peak > 0.0 {
            s.push(lang.fill(
                Key::NarrShedPeak,
                &[
                    ("value", &format!("{peak:.0}")),
                    ("when", &crate::charts::when(t_peak, lang)),
                    ("start", &format!("{:.0}", first.shedding_per_day)),
                ],
            ));
        } else {
            s.push(lang.get(Key::NarrShedNone).to_string());
        }
    }
    if ends.is_empty() {
        s.push(lang.get(Key::NarrNoEndpoint).to_string());
    }
    for e in ends {
        let time = lang.time(e.time_days);
        let change = signed(e.hair_count_change_pct);
        s.push(match e.change_vs_untreated_pct {
            Some(d) if !arm.treatments.is_empty() => lang.fill(
                Key::NarrEndpointVsUntreated,
                &[("time", &time), ("change", &change), ("diff", &signed(d))],
            ),
            _ => lang.fill(Key::NarrEndpoint, &[("time", &time), ("change", &change)]),
        });
    }
    let sep = if lang == Lang::Ja { "" } else { " " };
    html(&s.join(sep)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_numbers_use_a_real_minus() {
        assert_eq!(signed(-1.25), "−1.2");
        assert_eq!(signed(3.0), "+3.0");
        assert_eq!(signed(f64::NAN), "—");
    }
}
