//! `sim report`: one self-contained HTML page that holds a scenario's results
//! for a class: the label, the scenario in words, the mechanism map, an
//! interactive explorer, the what-if slider, every chart as inline SVG, the
//! endpoint table, a narrative per arm, the cohort, the evidence and all that
//! reproduces it. Styles, script, fonts and data are inline; the page's
//! Content-Security-Policy allows no request at all and only its own script.
//!
//! Pure: scenario and results in, HTML text out. Scenario text reaches the
//! page only through [`crate::escape::html`] (markup) and
//! [`crate::escape::script_json`] (the data the script reads).
//!
//! The page is a list of [`Section`]s. A section that the scenario has to ask
//! for (the what-if slider, `[report.what_if]`) reads its setting from
//! [`crate::scenario::ReportSettings`]: the follicle animation and scalp map
//! (issue 22) are meant to come in the same way, as a variant of `Section`,
//! a function that writes it, and a key of `[report]`.

mod interactive;
mod map;
mod tables;
mod webfont;
mod words;

use crate::charts::{self, ChartError, ChartKind, ImageFormat};
use crate::endpoints;
use crate::escape::{html, script_json};
use crate::i18n::{Key, Lang};
use crate::population::VariedError;
use crate::scenario::Scenario;
use crate::simulation::SimulationResult;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

pub use webfont::WebFontError;

const CSS: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A chart failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// The what-if scan failed.
    #[error("the what-if scan of `{parameter}` failed")]
    WhatIf {
        /// The parameter.
        parameter: &'static str,
        /// Why.
        #[source]
        source: VariedError,
    },
    /// A font could not be embedded.
    #[error(transparent)]
    Font(#[from] WebFontError),
    /// The data could not be serialized.
    #[error("cannot serialize the report's data")]
    Json(#[from] serde_json::Error),
}

/// What a report is made from.
pub struct Input<'a> {
    /// The validated scenario.
    pub scenario: &'a Scenario,
    /// The scenario file exactly as read.
    pub text: &'a str,
    /// The scenario's path as given (for the command that reproduces it).
    pub file: &'a str,
    /// Its simulation.
    pub result: &'a SimulationResult,
    /// The language of every text.
    pub lang: Lang,
}

/// The sections, in page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The scenario in words.
    Scenario,
    /// The mechanism map.
    Map,
    /// The interactive explorer (arm toggles, hover).
    Explore,
    /// The what-if slider (when the scenario asks for it).
    WhatIf,
    /// Every chart as inline SVG.
    Charts,
    /// The endpoint table.
    Endpoints,
    /// A narrative per arm.
    Narrative,
    /// Cohort bands and responder rates (a note without a cohort).
    Cohort,
    /// Evidence grades of the treatments used.
    Evidence,
    /// Scenario text, version, solver settings.
    Reproduce,
}

impl Section {
    /// Every section, in page order.
    pub const ALL: [Section; 10] = [
        Section::Scenario,
        Section::Map,
        Section::Explore,
        Section::WhatIf,
        Section::Charts,
        Section::Endpoints,
        Section::Narrative,
        Section::Cohort,
        Section::Evidence,
        Section::Reproduce,
    ];

    /// The element id (stable: the browser test looks for it).
    pub fn id(self) -> &'static str {
        match self {
            Section::Scenario => "scenario",
            Section::Map => "mechanism-map",
            Section::Explore => "explore",
            Section::WhatIf => "what-if",
            Section::Charts => "charts",
            Section::Endpoints => "endpoints",
            Section::Narrative => "narrative",
            Section::Cohort => "cohort",
            Section::Evidence => "evidence",
            Section::Reproduce => "reproduce",
        }
    }

    fn heading(self) -> Key {
        match self {
            Section::Scenario => Key::SecScenario,
            Section::Map => Key::SecMap,
            Section::Explore => Key::SecExplore,
            Section::WhatIf => Key::SecWhatIf,
            Section::Charts => Key::SecCharts,
            Section::Endpoints => Key::SecEndpoints,
            Section::Narrative => Key::SecNarrative,
            Section::Cohort => Key::SecCohort,
            Section::Evidence => Key::SecEvidence,
            Section::Reproduce => Key::SecReproduce,
        }
    }

    /// Whether the page has this section for `scenario`.
    pub fn applies_to(self, scenario: &Scenario) -> bool {
        self != Section::WhatIf || scenario.report.what_if.is_some()
    }
}

/// `sha256-…` of `text`, for the Content-Security-Policy.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The whole page.
pub fn html_page(input: &Input) -> Result<String, ReportError> {
    let lang = input.lang;
    let sc = input.scenario;
    let result = input.result;
    let kinds: Vec<ChartKind> = sc
        .plot
        .charts
        .iter()
        .copied()
        .filter(|k| k.applies_to(result))
        .collect();
    let charts = charts::render_all(result, &kinds, &[ImageFormat::Svg], lang)?;
    let what_if = interactive::what_if(input)?;

    let sections: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| s.applies_to(sc))
        .collect();
    let mut body = String::new();
    let t = |k: Key| html(lang.get(k)).into_owned();
    let title = lang.fill(Key::ReportTitle, &[("scenario", &sc.name)]);
    let footer = lang.footer(&sc.name);

    let _ = write!(
        body,
        r##"<a class="skip" href="#main">{}</a><header class="label" role="note" id="label-top"><strong>{}</strong><span>{}</span></header><main id="main"><h1>{}</h1><p class="lead">{}</p>"##,
        t(Key::SkipToContent),
        t(Key::LabelShort),
        html(label_rest(lang)),
        html(&title),
        html(&lang.fill(Key::ReportLead, &[("scenario", &sc.name)])),
    );
    if !sc.description.is_empty() {
        let _ = write!(
            body,
            r#"<p class="description">{}</p>"#,
            html(&sc.description)
        );
    }
    let _ = write!(
        body,
        r#"<nav aria-labelledby="toc"><h2 id="toc">{}</h2><ol>"#,
        t(Key::Contents)
    );
    for s in &sections {
        let _ = write!(
            body,
            r##"<li><a href="#{}">{}</a></li>"##,
            s.id(),
            t(s.heading())
        );
    }
    body.push_str("</ol></nav>");

    let ends = endpoints::compute(result);
    for s in &sections {
        let _ = write!(
            body,
            r#"<section id="{id}" aria-labelledby="{id}-h"><h2 id="{id}-h">{}</h2>"#,
            t(s.heading()),
            id = s.id()
        );
        match s {
            Section::Scenario => body.push_str(&words::scenario(sc, lang)),
            Section::Map => map::section(&mut body, input),
            Section::Explore => interactive::explore_section(&mut body, input),
            Section::WhatIf => {
                if let Some(w) = &what_if {
                    interactive::what_if_section(&mut body, input, w);
                }
            }
            Section::Charts => {
                let _ = write!(body, "<p>{}</p>", t(Key::ChartsLead));
                for c in &charts {
                    let svg = String::from_utf8_lossy(&c.bytes);
                    let alt = chart_alt(c.kind, result, lang);
                    let _ = write!(
                        body,
                        r#"<figure class="chart" id="chart-{name}"><div role="img" aria-label="{alt}">{svg}</div><figcaption>{cap}</figcaption></figure>"#,
                        name = c.kind.name(),
                        alt = html(&alt),
                        cap = html(&charts::title(result, c.kind, lang)),
                    );
                }
            }
            Section::Endpoints => tables::endpoint_table(&mut body, input, &ends),
            Section::Narrative => tables::narrative_section(&mut body, input, &ends),
            Section::Cohort => tables::cohort_section(&mut body, input),
            Section::Evidence => tables::evidence_section(&mut body, input),
            Section::Reproduce => tables::reproduce_section(&mut body, input),
        }
        body.push_str("</section>");
    }
    let _ = write!(
        body,
        r#"<p class="print-note">{}</p></main><footer class="label" role="contentinfo" id="label-bottom">{}</footer>"#,
        t(Key::PrintNote),
        html(&footer)
    );

    let data = interactive::data(input, what_if);
    let json = script_json(&data)?;
    // Every character the page can show, for the font subsets.
    let fonts = webfont::font_faces(&format!("{body}{json}{title}0123456789.,:%+−–— ()"))?;
    let css = format!("{fonts}{CSS}");
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; font-src data:; img-src data:; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(&css)
    );
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<meta name=\"generator\" content=\"hairsim {version}\">\n<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n{body}\n<script type=\"application/json\" id=\"report-data\">{json}</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        lang = lang.name(),
        csp = html(&csp),
        version = crate::label::VERSION,
        title = html(&format!("{title} — {}", lang.get(Key::LabelShort))),
    ))
}

/// The full label without the short one it starts with (the page shows
/// the short one above it in bold).
fn label_rest(lang: Lang) -> &'static str {
    let full = lang.get(Key::LabelFull);
    full.strip_prefix(lang.get(Key::LabelShort))
        .map_or(full, |rest| {
            rest.trim_start_matches(['.', '。']).trim_start()
        })
}

fn chart_alt(kind: ChartKind, result: &SimulationResult, lang: Lang) -> String {
    let key = match kind {
        ChartKind::HairCount => Key::AltHairCount,
        ChartKind::Phases => Key::AltPhases,
        ChartKind::Shedding => Key::AltShedding,
        ChartKind::Signals => Key::AltSignals,
        ChartKind::HairQuality => Key::AltHairQuality,
        ChartKind::Endpoints => Key::AltEndpoints,
        ChartKind::Summary => Key::AltSummary,
        ChartKind::Responders => Key::AltResponders,
    };
    lang.fill(key, &[("duration", &lang.duration(result.duration_days))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulation::simulate;

    const HOSTILE: &str = "</script><b>bold</b> & \"q\"";

    fn scenario(what_if: bool) -> (Scenario, String) {
        let mut text = format!(
            "[scenario]\nname = \"t\"\ndescription = {desc}\nduration = \"6 months\"\noutput_interval = \"7 days\"\n\
             [plot]\nendpoints = [\"3 months\"]\n\
             [[arm]]\nname = \"untreated\"\n\
             [[arm]]\nname = {arm}\n[[arm.treatment]]\nkind = \"finasteride\"\ndose = \"1 mg\"\n",
            desc = toml::Value::String(HOSTILE.into()),
            arm = toml::Value::String(format!("{HOSTILE} arm")),
        );
        if what_if {
            text.push_str("[report.what_if]\nparameter = \"dht_sensitivity\"\nrange = \"0.5..1.5\"\nsteps = 3\n");
        }
        let sc = crate::scenario::parse("t.toml", &text).expect("valid scenario");
        (sc, text)
    }

    fn page(what_if: bool, lang: Lang) -> String {
        let (sc, text) = scenario(what_if);
        let result = simulate(&sc).expect("simulates");
        html_page(&Input {
            scenario: &sc,
            text: &text,
            file: "t.toml",
            result: &result,
            lang,
        })
        .expect("a page")
    }

    /// The text between `open` (after its tag ends) and `close`.
    fn between<'a>(page: &'a str, open: &str, close: &str) -> &'a str {
        let start = page.find(open).expect("opening tag");
        let body = &page[start..];
        let body = &body[body.find('>').expect("tag end") + 1..];
        &body[..body.find(close).expect("closing tag")]
    }

    #[test]
    fn the_page_needs_nothing_from_outside_and_its_csp_admits_its_own_code() {
        let page = page(true, Lang::En);
        for attr in ["src=", "href=\"h", "href='", "url(h", "url(/", "@import"] {
            assert!(!page.contains(attr), "{attr} in the page");
        }
        assert_eq!(
            page.matches("url(").count(),
            page.matches("url(data:").count() + page.matches("url(#").count()
        );
        let script = between(&page, "<script>", "</script>");
        let style = between(&page, "<style>", "</style>");
        assert_eq!(script, SCRIPT);
        let meta = &page[page.find("Content-Security-Policy").expect("a CSP")..];
        let meta = &meta[..meta.find('>').expect("meta ends")];
        assert!(meta.contains(&*html("default-src 'none';")), "{meta}");
        for text in [script, style] {
            let hash = csp_hash(text);
            assert!(meta.contains(&*html(&hash)), "{hash} not in {meta}");
        }
    }

    #[test]
    fn every_section_is_there_once_and_the_slider_only_when_asked_for() {
        for (what_if, lang) in [(true, Lang::En), (false, Lang::Ja)] {
            let page = page(what_if, lang);
            for s in Section::ALL {
                let n = page.matches(&format!("<section id=\"{}\"", s.id())).count();
                let want = usize::from(s != Section::WhatIf || what_if);
                assert_eq!(n, want, "{s:?} with what_if = {what_if}");
            }
            assert!(page.matches(lang.get(Key::LabelShort)).count() >= 2);
            assert!(page.contains(&format!("<html lang=\"{}\">", lang.name())));
        }
    }

    #[test]
    fn scenario_text_is_escaped_in_markup_and_in_the_data() {
        let page = page(true, Lang::En);
        assert!(!page.contains("<b>bold"), "markup from the scenario");
        assert!(page.contains("&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot;"));
        // Only the page's own two scripts end.
        assert_eq!(page.matches("</script>").count(), 2);
        let data = between(&page, "<script type=\"application/json\"", "</script>");
        let value: serde_json::Value = serde_json::from_str(data).expect("JSON");
        assert_eq!(value["arms"][1]["name"], format!("{HOSTILE} arm"));
        // The scenario file shown is the file, escaped.
        assert!(page.contains(&*html(&scenario(true).1)));
    }

    #[test]
    fn the_what_if_data_moves_with_the_parameter() {
        let (sc, text) = scenario(true);
        let result = simulate(&sc).expect("simulates");
        let input = Input {
            scenario: &sc,
            text: &text,
            file: "t.toml",
            result: &result,
            lang: Lang::En,
        };
        let w = interactive::what_if(&input)
            .expect("scan")
            .expect("asked for");
        let data = serde_json::to_value(interactive::data(&input, Some(w))).expect("JSON");
        let hair = &data["what_if"]["hair"];
        let end = |arm: usize, v: usize| {
            hair[arm][v]
                .as_array()
                .and_then(|c| c.last())
                .and_then(|x| x.as_f64())
                .expect("a value")
        };
        // Untreated: a scalp more sensitive to DHT loses more hair.
        assert!(
            end(0, 0) > end(0, 2) + 0.1,
            "{} vs {}",
            end(0, 0),
            end(0, 2)
        );
        assert_eq!(
            data["what_if"]["values"],
            serde_json::json!([0.5, 1.0, 1.5])
        );
    }
}
