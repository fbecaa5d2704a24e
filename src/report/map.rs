//! The mechanism map: an SVG drawn from the model's structure
//! ([`crate::model::structure`]) and the treatments' own targets
//! ([`TreatmentKind::targets`]), never by hand. The hair cycle is a column of
//! phase boxes on the right (each leading to the next, the last back to the
//! first) with the follicles by what they are below it (terminal; niche
//! lost), whose numbers change as follicles re-enter anagen; the states that act on them
//! stand in columns to their left by how many steps away they act, and the
//! scenario's treatments stand leftmost. One arrow per influence: solid blue
//! where it raises a level or lengthens a phase, dashed orange where it lowers
//! or shortens. A state or mechanism added to the model appears here by itself.

use super::{words, Input};
use crate::escape::{html, xml};
use crate::i18n::{Key, Lang};
use crate::model::structure::{self, Direction, Effect, Follicles, Influence, CYCLE};
use crate::model::{HairModel, State};
use crate::params::Parameters;
use crate::treatment::TreatmentKind;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const BOX_W: f64 = 190.0;
const BOX_H: f64 = 40.0;
const ROW: f64 = 62.0;
const COL: f64 = 250.0;
const TOP: f64 = 64.0;
const UP: &str = "#0072B2";
const DOWN: &str = "#D55E00";

/// A treatment of the scenario as the map shows it.
pub struct MapTreatment {
    /// Its name in words (or the scenario's label for `custom`).
    pub label: String,
    /// What it is.
    pub kind: TreatmentKind,
}

/// One arrow in words, for the list under the map.
pub struct Arrow {
    /// Who acts.
    pub from: String,
    /// The verb.
    pub verb: &'static str,
    /// On what.
    pub to: String,
    /// Which way.
    pub direction: Direction,
}

/// The map's SVG and its arrows in words.
pub struct Map {
    /// The SVG element.
    pub svg: String,
    /// Every arrow, in drawing order.
    pub arrows: Vec<Arrow>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Treatment(usize),
    State(usize),
    Follicles(Follicles),
}

/// The patient the map is probed on besides the scenario's own: moderate
/// AGA, so that the androgen pathway shows even for a healthy scalp (where
/// DHT has no effect at all).
const REFERENCE_PROFILE: &str = "aga_moderate";

/// Every influence at the steady state of each of `patients`, once each.
fn all_influences(patients: &[Parameters]) -> Vec<Influence> {
    let mut out: Vec<Influence> = Vec::new();
    for p in patients {
        let y: State = crate::steady_state::steady_state(p, Some(0.7));
        for i in structure::influences(&HairModel::untreated(*p), &y) {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    out.sort_by_key(|i| (i.from, target(i.on)));
    out
}

/// Draw the map for `params` (the scenario's patient) and `treatments`.
pub fn draw(params: &Parameters, treatments: &[MapTreatment], lang: Lang) -> Map {
    let mut patients = vec![*params];
    if let Some(reference) = crate::profile::PROFILES
        .iter()
        .find(|p| p.name == REFERENCE_PROFILE)
        .and_then(|p| p.parameters().ok())
    {
        patients.push(reference);
    }
    let influences = all_influences(&patients);
    let y: State = crate::steady_state::steady_state(params, Some(0.7));
    let targets: Vec<Vec<(usize, Direction)>> = treatments
        .iter()
        .map(|t| t.kind.targets(params, &y))
        .collect();

    // Depth of each state: 1 when it acts on the cycle or the follicles,
    // else one more than the shallowest state it acts on.
    let sink = |e: Effect| matches!(e, Effect::PhaseLength(_) | Effect::Follicles(_));
    let mut depth: BTreeMap<usize, usize> = BTreeMap::new();
    for i in &influences {
        if sink(i.on) {
            depth.insert(i.from, 1);
        }
    }
    loop {
        let mut changed = false;
        for i in &influences {
            if let Effect::State(t) = i.on {
                if let Some(&d) = depth.get(&t) {
                    if let std::collections::btree_map::Entry::Vacant(e) = depth.entry(i.from) {
                        e.insert(d + 1);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (s, _) in targets.iter().flatten() {
        if !structure::in_cycle(*s) {
            depth.entry(*s).or_insert(1);
        }
    }
    let max_depth = depth.values().copied().max().unwrap_or(1);
    let cycle_x = 20.0 + COL * (max_depth as f64 + 1.0);
    let width = cycle_x + BOX_W + 70.0;

    // Positions.
    let mut pos: BTreeMap<Node, (f64, f64)> = BTreeMap::new();
    for (k, &p) in CYCLE.iter().enumerate() {
        pos.insert(Node::State(p), (cycle_x, TOP + ROW * k as f64));
    }
    for (k, g) in Follicles::ALL.into_iter().enumerate() {
        let row = (CYCLE.len() + k) as f64;
        pos.insert(Node::Follicles(g), (cycle_x, TOP + ROW * row + 26.0));
    }
    let mut rows_used = (CYCLE.len() + Follicles::ALL.len()) as f64 + 0.5;
    // Each column in the order of the mean height of what its boxes act on,
    // placed from the cycle outwards, so that arrows cross as little as a
    // simple rule allows.
    let mean_y = |pos: &BTreeMap<Node, (f64, f64)>, on: &mut dyn Iterator<Item = Node>| {
        let ys: Vec<f64> = on.filter_map(|t| pos.get(&t).map(|p| p.1)).collect();
        if ys.is_empty() {
            f64::INFINITY
        } else {
            ys.iter().sum::<f64>() / ys.len() as f64
        }
    };
    for d in 1..=max_depth {
        let mut col: Vec<(f64, usize)> = depth
            .iter()
            .filter(|(_, &v)| v == d)
            .map(|(&s, _)| {
                let mut on = influences
                    .iter()
                    .filter(|i| i.from == s)
                    .map(|i| target(i.on));
                (mean_y(&pos, &mut on), s)
            })
            .collect();
        col.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let x = cycle_x - COL * d as f64;
        for (k, (_, s)) in col.iter().enumerate() {
            pos.insert(Node::State(*s), (x, TOP + ROW * k as f64));
        }
        rows_used = rows_used.max(col.len() as f64);
    }
    let mut order: Vec<(f64, usize)> = targets
        .iter()
        .enumerate()
        .map(|(k, t)| (mean_y(&pos, &mut t.iter().map(|&(s, _)| Node::State(s))), k))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut treat_pos = vec![(20.0, TOP); treatments.len()];
    for (row, &(_, k)) in order.iter().enumerate() {
        treat_pos[k] = (20.0, TOP + ROW * row as f64);
    }
    rows_used = rows_used.max(treatments.len() as f64);
    let height = TOP + ROW * rows_used + 20.0;

    let label = |n: Node| match n {
        Node::Treatment(k) => treatments[k].label.clone(),
        Node::State(s) => lang.identifier(structure::name(s)),
        Node::Follicles(g) => lang.identifier(g.name()),
    };
    let mut svg = String::new();
    let cycle_words: Vec<String> = CYCLE.iter().map(|&p| label(Node::State(p))).collect();
    let alt = lang.fill(
        Key::MapAlt,
        &[("cycle", &(cycle_words.join(" → ") + " → …"))],
    );
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-labelledby="map-title"><title id="map-title">{}</title>"##,
        xml(&alt)
    );
    svg.push_str(r##"<defs><marker id="ah-up" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#0072B2"/></marker><marker id="ah-down" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#D55E00"/></marker><marker id="ah-cycle" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>"##);
    // Column heads.
    let head = |svg: &mut String, x: f64, text: &str| {
        let _ = write!(
            svg,
            r#"<text class="map-head" x="{x:.0}" y="{:.0}">{}</text>"#,
            TOP - 22.0,
            xml(text)
        );
    };
    if !treatments.is_empty() {
        head(&mut svg, 20.0, lang.get(Key::MapTreatments));
    }
    if max_depth >= 1 && !depth.is_empty() {
        head(&mut svg, cycle_x - COL, lang.get(Key::MapSignals));
    }
    head(&mut svg, cycle_x, lang.get(Key::MapCycle));

    // The cycle's own arrows.
    for k in 0..CYCLE.len() {
        let (x, y0) = pos[&Node::State(CYCLE[k])];
        if k + 1 < CYCLE.len() {
            let _ = write!(
                svg,
                r#"<path class="cycle" d="M{:.0},{:.0}V{:.0}" marker-end="url(#ah-cycle)"/>"#,
                x + BOX_W / 2.0,
                y0 + BOX_H,
                y0 + ROW - 2.0
            );
        } else {
            let (_, top) = pos[&Node::State(CYCLE[0])];
            let right = x + BOX_W + 40.0;
            let _ = write!(
                svg,
                r#"<path class="cycle" d="M{:.0},{:.0}H{right:.0}V{:.0}H{:.0}" marker-end="url(#ah-cycle)"/>"#,
                x + BOX_W,
                y0 + BOX_H / 2.0,
                top + BOX_H / 2.0,
                x + BOX_W + 2.0
            );
        }
    }

    // Arrows: treatments, then states, in table order.
    let mut arrows = Vec::new();
    let edge = |svg: &mut String, from: (f64, f64), to: (f64, f64), dir: Direction, title: &str| {
        let (x0, y0) = (from.0 + BOX_W, from.1 + BOX_H / 2.0);
        let (x1, y1) = (to.0 - 3.0, to.1 + BOX_H / 2.0);
        let (colour, marker, dash) = match dir {
            Direction::Up => (UP, "ah-up", ""),
            Direction::Down => (DOWN, "ah-down", r#" stroke-dasharray="7 4""#),
        };
        let mid = (x0 + x1) / 2.0;
        let _ = write!(
            svg,
            r#"<path class="edge" d="M{x0:.1},{y0:.1}C{mid:.1},{y0:.1} {mid:.1},{y1:.1} {x1:.1},{y1:.1}" stroke="{colour}"{dash} marker-end="url(#{marker})"><title>{}</title></path>"#,
            xml(title)
        );
    };
    let verb = |on: Effect, d: Direction| -> Key {
        match (on, d) {
            (Effect::PhaseLength(_), Direction::Up) => Key::MapLengthens,
            (Effect::PhaseLength(_), Direction::Down) => Key::MapShortens,
            (Effect::Follicles(Follicles::Terminal), Direction::Up) => Key::MapRestores,
            (Effect::Follicles(Follicles::Terminal), Direction::Down) => Key::MapMiniaturizes,
            (_, Direction::Up) => Key::MapRaises,
            (_, Direction::Down) => Key::MapLowers,
        }
    };
    for (k, t) in targets.iter().enumerate() {
        for &(s, d) in t {
            let Some(&to) = pos.get(&Node::State(s)) else {
                continue;
            };
            let a = Arrow {
                from: label(Node::Treatment(k)),
                verb: lang.get(verb(Effect::State(s), d)),
                to: label(Node::State(s)),
                direction: d,
            };
            edge(
                &mut svg,
                treat_pos[k],
                to,
                d,
                &format!("{} {} {}", a.from, a.verb, a.to),
            );
            arrows.push(a);
        }
    }
    for &Influence {
        from,
        on,
        direction,
    } in &influences
    {
        let (Some(&a), Some(&b)) = (pos.get(&Node::State(from)), pos.get(&target(on))) else {
            continue;
        };
        let arrow = Arrow {
            from: label(Node::State(from)),
            verb: lang.get(verb(on, direction)),
            to: label(target(on)),
            direction,
        };
        edge(
            &mut svg,
            a,
            b,
            direction,
            &format!("{} {} {}", arrow.from, arrow.verb, arrow.to),
        );
        arrows.push(arrow);
    }

    // Boxes on top of the arrows.
    let phase_fill = ["#CCEDE3", "#F6D9C6", "#FBF7CF", "#CCE3F0"];
    let node_box = |svg: &mut String, (x, y0): (f64, f64), text: &str, class: &str, fill: &str| {
        // A label too long for its box is squeezed to fit rather than cut.
        let fit = if text_width(text) > BOX_W - 12.0 {
            format!(
                r#" textLength="{:.0}" lengthAdjust="spacingAndGlyphs""#,
                BOX_W - 12.0
            )
        } else {
            String::new()
        };
        let _ = write!(
            svg,
            r#"<g class="{class}"><rect x="{x:.0}" y="{y0:.0}" width="{BOX_W:.0}" height="{BOX_H:.0}" rx="7" fill="{fill}"/><text x="{:.0}" y="{:.0}"{fit}>{}</text></g>"#,
            x + BOX_W / 2.0,
            y0 + BOX_H / 2.0 + 5.0,
            xml(text)
        );
    };
    for (k, p) in treat_pos.iter().enumerate() {
        node_box(
            &mut svg,
            *p,
            &label(Node::Treatment(k)),
            "node treatment",
            "#FDEFD2",
        );
    }
    for (&n, &p) in &pos {
        let (class, fill) = match n {
            Node::Follicles(_) => ("node terminal", "#EEEEEE"),
            Node::State(s) => match CYCLE.iter().position(|&c| c == s) {
                Some(k) => ("node phase", phase_fill[k % phase_fill.len()]),
                None => ("node signal", "#E8F3FA"),
            },
            Node::Treatment(_) => ("node treatment", "#FDEFD2"),
        };
        node_box(&mut svg, p, &label(n), class, fill);
    }
    svg.push_str("</svg>");
    Map { svg, arrows }
}

/// The map section: a lead, the map with its key, and every arrow in words.
pub(super) fn section(body: &mut String, input: &Input) {
    let lang = input.lang;
    let sc = input.scenario;
    let mut seen: Vec<&str> = Vec::new();
    let mut treatments = Vec::new();
    for t in sc.arms.iter().flat_map(|a| &a.treatments) {
        if !seen.contains(&t.kind.name()) || matches!(t.kind, TreatmentKind::Custom { .. }) {
            seen.push(t.kind.name());
            treatments.push(MapTreatment {
                label: words::kind_words(&t.kind, lang),
                kind: t.kind,
            });
        }
    }
    let m = draw(&sc.patient.params, &treatments, lang);
    let _ = write!(
        body,
        r#"<p>{}</p><figure class="map-figure">{}<figcaption><span class="key up">{}</span> <span class="key down">{}</span><br>{}</figcaption></figure><details><summary>{}</summary><ul class="arrows">"#,
        html(lang.get(Key::MapLead)),
        m.svg,
        html(lang.get(Key::MapLegendSpeeds)),
        html(lang.get(Key::MapLegendSlows)),
        html(lang.get(Key::MapTransitionNote)),
        html(lang.get(Key::MapInWords)),
    );
    for a in &m.arrows {
        let class = match a.direction {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        let _ = write!(
            body,
            r#"<li class="{class}">{} → {} → {}</li>"#,
            html(&a.from),
            html(a.verb),
            html(&a.to)
        );
    }
    body.push_str("</ul></details>");
}

/// About how wide `text` is at the map's 14 px: DejaVu Sans averages a
/// little over half an em a character; CJK characters are a full em.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.len_utf8() >= 3 { 14.0 } else { 8.0 })
        .sum()
}

/// The box an effect is drawn to (a phase's box for its length).
fn target(on: Effect) -> Node {
    match on {
        Effect::State(t) | Effect::PhaseLength(t) => Node::State(t),
        Effect::Follicles(g) => Node::Follicles(g),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_draws_each_treatment_s_arrow_and_the_signals_on_the_cycle() {
        let p = Parameters::default();
        let treatments = [
            MapTreatment {
                label: "finasteride".into(),
                kind: TreatmentKind::Finasteride,
            },
            MapTreatment {
                label: "<PRP>".into(),
                kind: TreatmentKind::Prp,
            },
        ];
        let map = draw(&p, &treatments, Lang::En);
        let says = |from: &str, verb: &str, to: &str| {
            map.arrows
                .iter()
                .any(|a| a.from == from && a.verb == verb && a.to == to)
        };
        assert!(says("finasteride", "raises", "finasteride exposure"));
        assert!(says("finasteride exposure", "lowers", "scalp DHT"));
        assert!(says("scalp DHT", "shortens", "anagen"));
        assert!(says(
            "scalp DHT",
            "miniaturizes",
            "terminal (not miniaturized) follicles"
        ));
        assert!(says(
            "<PRP>",
            "lowers",
            "M1 macrophages (micro-inflammation)"
        ));
        assert!(says("<PRP>", "raises", "M2 macrophages (repair)"));
        assert!(map.svg.contains("&lt;PRP&gt;") && !map.svg.contains("<PRP>"));
        assert!(map.svg.starts_with("<svg") && map.svg.ends_with("</svg>"));
    }
}
