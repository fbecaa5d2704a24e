//! The report's tables and prose sections: endpoints, the narrative per arm,
//! the virtual cohort, the evidence behind each treatment, and what
//! reproduces the report. Scenario text goes through [`html`] only.

use super::{words, Input};
use crate::endpoints::{self, UNTREATED_ARM};
use crate::escape::html;
use crate::i18n::{Key, Lang};
use std::fmt::Write as _;

/// The endpoint table: change from start, and against untreated.
pub(super) fn endpoint_table(body: &mut String, input: &Input, ends: &[Vec<endpoints::Endpoint>]) {
    let lang = input.lang;
    let result = input.result;
    let has_untreated = result.arms.iter().any(|a| a.name == UNTREATED_ARM);
    let _ = write!(body, "<p>{}</p>", html(lang.get(Key::EndpointsLead)));
    if !has_untreated {
        let _ = write!(body, "<p>{}</p>", html(lang.get(Key::NoUntreatedArm)));
    }
    let _ = write!(
        body,
        r#"<div class="table-wrap"><table class="endpoints"><thead><tr><th scope="col">{}</th>"#,
        html(lang.get(Key::ColArm))
    );
    for &t in &result.endpoint_times_days {
        let time = lang.time(t);
        let _ = write!(
            body,
            r#"<th scope="col">{}</th>"#,
            html(&lang.fill(Key::ColVsStart, &[("time", &time)]))
        );
        if has_untreated {
            let _ = write!(
                body,
                r#"<th scope="col">{}</th>"#,
                html(&lang.fill(Key::ColVsUntreated, &[("time", &time)]))
            );
        }
    }
    body.push_str("</tr></thead><tbody>");
    for (arm, e) in result.arms.iter().zip(ends) {
        let _ = write!(body, r#"<tr><th scope="row">{}</th>"#, html(&arm.name));
        for &t in &result.endpoint_times_days {
            let ep = e.iter().find(|x| (x.time_days - t).abs() < 1e-9);
            let _ = write!(
                body,
                "<td>{}</td>",
                ep.map_or("—".into(), |x| words::signed(x.hair_count_change_pct)
                    + " %")
            );
            if has_untreated {
                let v = ep.and_then(|x| x.change_vs_untreated_pct);
                let _ = write!(
                    body,
                    "<td>{}</td>",
                    v.map_or("—".into(), |x| words::signed(x) + " %")
                );
            }
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
}

/// Responder rates and the cohort's median and 5–95 % band at each endpoint.
pub(super) fn cohort_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let result = input.result;
    let Some(pop) = &result.population else {
        let _ = write!(body, "<p>{}</p>", html(lang.get(Key::CohortNone)));
        return;
    };
    let lead = lang.fill(
        Key::CohortLead,
        &[
            ("size", &pop.size.to_string()),
            ("seed", &pop.seed.to_string()),
            (
                "threshold",
                &format!("{:+.0}", 100.0 * pop.responder_threshold),
            ),
            ("time", &lang.time(pop.responder_time_days)),
        ],
    );
    let _ = write!(
        body,
        r#"<p>{}</p><div class="table-wrap"><table class="cohort"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>"#,
        html(&lead),
        html(lang.get(Key::ColArm)),
        html(lang.get(Key::ColResponders))
    );
    for &t in &result.endpoint_times_days {
        let _ = write!(
            body,
            r#"<th scope="col">{}</th>"#,
            html(&lang.fill(Key::ColMedianBand, &[("time", &lang.time(t))]))
        );
    }
    body.push_str("</tr></thead><tbody>");
    for a in &pop.arms {
        let _ = write!(
            body,
            r#"<tr><th scope="row">{}</th><td>{:.1} %</td>"#,
            html(&a.name),
            100.0 * a.responder_rate
        );
        for &t in &result.endpoint_times_days {
            let cell = a
                .times_days
                .iter()
                .position(|x| (x - t).abs() < 1e-6)
                .map(|i| a.hair_count_pct[i].map(|q| q - 100.0))
                .map_or("—".into(), |q| {
                    format!(
                        "{} % ({} … {})",
                        words::signed(q[2]),
                        words::signed(q[0]),
                        words::signed(q[4])
                    )
                });
            let _ = write!(body, "<td>{cell}</td>");
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
}

/// The evidence grade and sources of every treatment kind used.
pub(super) fn evidence_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let _ = write!(
        body,
        r#"<p>{}</p><div class="table-wrap"><table class="evidence"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        html(lang.get(Key::EvidenceLead)),
        html(lang.get(Key::ColTreatment)),
        html(lang.get(Key::ColGrade)),
        html(lang.get(Key::ColSource)),
    );
    let mut seen: Vec<&str> = Vec::new();
    for t in input.scenario.arms.iter().flat_map(|a| &a.treatments) {
        if seen.contains(&t.kind.name()) {
            continue;
        }
        seen.push(t.kind.name());
        let source = t
            .kind
            .mechanism()
            .map_or(String::new(), |m| format!("{} — {}", m.moves, m.evidence));
        let note = if lang == Lang::En {
            ""
        } else {
            lang.get(Key::SourceInEnglish)
        };
        let _ = write!(
            body,
            r#"<tr><th scope="row">{}</th><td class="grade grade-{:?}">{}</td><td lang="en">{} <span lang="{}">{}</span></td></tr>"#,
            html(&words::kind_words(&t.kind, lang)),
            t.kind.evidence(),
            html(t.kind.evidence().words(lang)),
            html(&source),
            lang.name(),
            html(note),
        );
    }
    body.push_str("</tbody></table></div>");
}

/// The command, version, solver settings and the scenario text as read.
pub(super) fn reproduce_section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let s = &input.result.solver;
    let solver = lang.fill(
        Key::ReproduceSolverLine,
        &[
            ("method", s.method().name()),
            ("rtol", &format!("{:e}", s.rtol())),
            ("atol", &format!("{:e}", s.atol())),
            ("max_steps", &s.max_steps().to_string()),
        ],
    );
    let lang_flag = if lang == Lang::En {
        String::new()
    } else {
        format!(" --lang {}", lang.name())
    };
    let command = format!("sim report {}{lang_flag}", input.file);
    let _ = write!(
        body,
        r#"<p>{}</p><dl class="reproduce"><dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd>hairsim {}</dd><dt>{}</dt><dd>{}</dd></dl><h3>{}</h3><pre class="scenario-text"><code>{}</code></pre><p>{}</p>"#,
        html(lang.get(Key::ReproduceLead)),
        html(lang.get(Key::ReproduceCommand)),
        html(&command),
        html(lang.get(Key::ReproduceVersion)),
        crate::label::VERSION,
        html(lang.get(Key::ReproduceSolver)),
        html(&solver),
        html(lang.get(Key::ReproduceText)),
        html(input.text),
        html(&lang.fill(Key::GeneratedBy, &[("version", crate::label::VERSION)])),
    );
}

/// One short narrative per arm, from its results.
pub(super) fn narrative_section(
    body: &mut String,
    input: &Input,
    ends: &[Vec<endpoints::Endpoint>],
) {
    let result = input.result;
    body.push_str("<dl class=\"narrative\">");
    for (arm, e) in result.arms.iter().zip(ends) {
        let _ = write!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            html(&arm.name),
            words::narrative(arm, e, result.duration_days, input.lang)
        );
    }
    body.push_str("</dl>");
}
