//! SBML Level 3 Version 2 writer (with `quick-xml`, no C++ library).
//!
//! Layout, chosen for what COPASI, libroadrunner and libSBML read without
//! fuss: every state is a non-constant `<parameter>` with a `<rateRule>`;
//! named intermediates and the output columns that are not states are
//! `<assignmentRule>`s; model parameters are constant `<parameter>`s with
//! units and their source in `<notes>`; treatment inputs are non-constant
//! parameters that `<event>`s set; sessions are events that jump states.
//! `max(a, b)` is written as `piecewise`, which every SBML tool supports.
//! Time is in days (`timeUnits="day"`).
//!
//! Scenario text (names, description, treatment labels) reaches the document
//! only through [`escape::xml`], in the model's `name` and its notes; every
//! other attribute and text goes through quick-xml's writer, which applies the
//! same escaping.

use super::{ArmModel, EventDef};
use crate::escape;
use crate::label;
use crate::model::{Inputs, INPUT_NAMES, STATE_NAMES};
use crate::symbolic::{BinOp, Node, Sym};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;
use std::io;

type W = Writer<Vec<u8>>;

const SBML_NS: &str = "http://www.sbml.org/sbml/level3/version2/core";
const MATHML_NS: &str = "http://www.w3.org/1998/Math/MathML";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const TIME_URL: &str = "http://www.sbml.org/sbml/symbols/time";

/// A unit definition: id and its (kind, exponent, scale, multiplier) parts.
type UnitDef = (&'static str, &'static [(&'static str, i32, i32, f64)]);

/// The units the model uses, as SBML unit definitions.
const UNIT_DEFINITIONS: &[UnitDef] = &[
    ("day", &[("second", 1, 0, 86400.0)]),
    ("per_day", &[("second", -1, 0, 86400.0)]),
    ("per_year", &[("second", -1, 0, 31_557_600.0)]),
    ("hair", &[("item", 1, 0, 1.0)]),
    (
        "hair_per_cm2",
        &[("item", 1, 0, 1.0), ("metre", -2, -2, 1.0)],
    ),
    (
        "hair_per_day",
        &[("item", 1, 0, 1.0), ("second", -1, 0, 86400.0)],
    ),
    ("percent", &[("dimensionless", 1, 0, 0.01)]),
    ("follicle", &[("item", 1, 0, 1.0)]),
    ("cell", &[("item", 1, 0, 1.0)]),
    (
        "follicle_per_cm2",
        &[("item", 1, 0, 1.0), ("metre", -2, -2, 1.0)],
    ),
    ("micrometre", &[("metre", 1, -6, 1.0)]),
    (
        "mm_per_day",
        &[("metre", 1, -3, 1.0), ("second", -1, 0, 86400.0)],
    ),
    ("mg", &[("gram", 1, -3, 1.0)]),
    (
        "mg_per_day",
        &[("gram", 1, -3, 1.0), ("second", -1, 0, 86400.0)],
    ),
];

/// The SBML unit of a unit as hairsim writes it (parameter table, state
/// names), or `None` when there is no exact SBML equivalent.
pub fn unit_id(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "days" => "day",
        "per year" => "per_year",
        "%" | "topical % equivalent" => "percent",
        "follicles" => "follicle",
        "cells" => "cell",
        "per day" => "per_day",
        "follicles/cm²" => "follicle_per_cm2",
        "µm" => "micrometre",
        "mm/day" => "mm_per_day",
        "mg" | "mg (explicit PK only)" => "mg",
        "mg/day" | "mg/day equivalent" => "mg_per_day",
        "dimensionless"
        | "relative to a premenopausal woman"
        | "dimensionless index"
        | "fraction"
        | "fraction of follicles"
        | "fraction of the starting follicles"
        | "fraction of the follicles present"
        | "transplanted follicles, fraction of the starting native follicles"
        | "hairs per graft"
        | "per cycle"
        | "per cycle per unit index"
        | "per unit index"
        | "relative to untreated" => "dimensionless",
        _ => return None,
    })
}

/// Unit of a named intermediate or output column (`None` if not known here:
/// the parameter is then written without units, which SBML allows).
pub(crate) fn derived_unit(name: &str) -> Option<&'static str> {
    Some(match name {
        "anagen_days_effective"
        | "anagen_held_days"
        | "telogen_days_effective"
        | "kenogen_days_effective"
        | "niche_lost_kenogen_days"
        | "graft_anagen_days_effective"
        | "graft_anagen_held_days"
        | "graft_kenogen_days_effective"
        | "graft_niche_lost_kenogen_days" => "day",
        "terminal_reentry"
        | "primed_reentry"
        | "miniaturized_reentry"
        | "niche_lost_reentry"
        | "dropout"
        | "graft_postop_shedding"
        | "graft_rest_end"
        | "graft_matured"
        | "graft_re_entry" => "per_day",
        "follicles_present" | "graft_follicles" => "follicle",
        "hair_count" | "native_hair_count" | "graft_hair_count" => "hair",
        "growth_speed_mm_per_day" => "mm_per_day",
        "hair_density_per_cm2" => "hair_per_cm2",
        "shedding_per_day" => "hair_per_day",
        "mean_diameter_um" => "micrometre",
        "dht_ec50_pow"
        | "minoxidil_effect"
        | "growth_factor_effect"
        | "stimulation_effect"
        | "dht_effect"
        | "dht_inhibition"
        | "miniaturization_probability"
        | "priming_probability"
        | "primed_miniaturization_probability"
        | "restoration_probability"
        | "untreated_restoration_probability"
        | "niche_loss_probability"
        | "dropout_probability"
        | "m1_excess"
        | "cell_therapy_effect"
        | "androgen_receptor_block"
        | "oestrogen_effect"
        | "oestrogen_hold_effect"
        | "graft_dht_effect"
        | "graft_miniaturization_probability"
        | "graft_niche_loss_probability"
        | "graft_reattachment_probability"
        | "graft_terminal_share"
        | "growth_speed_gain"
        | "hair_mass_index"
        | "terminal_vellus_ratio"
        | "niche_intact"
        | "anagen"
        | "catagen"
        | "telogen"
        | "kenogen"
        | "inflammation" => "dimensionless",
        _ => return None,
    })
}

/// Unit of a treatment input.
fn input_unit(name: &str) -> &'static str {
    match name {
        "finasteride_mg_per_day" | "dutasteride_mg_per_day" | "spironolactone_mg_per_day" => {
            "mg_per_day"
        }
        "minoxidil_percent" => "percent",
        _ => "dimensionless",
    }
}

/// The arm as an SBML L3V2 document.
pub fn to_sbml(m: &ArmModel) -> io::Result<String> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("sbml")
        .with_attributes([("xmlns", SBML_NS), ("level", "3"), ("version", "2")])
        .write_inner_content(|w| {
            let name = format!("hairsim: {} / {}", m.scenario, m.arm);
            w.create_element("model")
                .with_attribute(("id", m.id().as_str()))
                .with_attribute(Attribute {
                    key: QName("name"),
                    value: escape::xml(&name),
                })
                .with_attribute(("timeUnits", "day"))
                .write_inner_content(|w| model_body(w, m))?;
            Ok(())
        })?;
    Ok(String::from_utf8_lossy(&w.into_inner()).into_owned())
}

fn model_body(w: &mut W, m: &ArmModel) -> io::Result<()> {
    let treatments = if m.treatments.is_empty() {
        "none".to_string()
    } else {
        m.treatments.join("; ")
    };
    notes(
        w,
        &[
            label::DISCLAIMER.to_string(),
            format!(
                "Scenario `{}` ({}), arm `{}`. Treatments: {treatments}. Pharmacokinetics: {}.",
                m.scenario,
                m.description,
                m.arm,
                m.pk.name()
            ),
            format!(
                "Generated by hairsim {} from the same equations `sim run` integrates. \
                 Time in days over 0–{} days. Initial values are this patient's untreated \
                 steady state computed by hairsim with the day-0 doses applied; after \
                 changing a parameter the start is no longer an equilibrium.",
                label::VERSION,
                m.duration_days
            ),
        ],
    )?;

    w.create_element("listOfUnitDefinitions")
        .write_inner_content(|w| {
            for (id, parts) in UNIT_DEFINITIONS {
                w.create_element("unitDefinition")
                    .with_attribute(("id", *id))
                    .write_inner_content(|w| {
                        w.create_element("listOfUnits").write_inner_content(|w| {
                            for (kind, exponent, scale, multiplier) in *parts {
                                w.create_element("unit")
                                    .with_attributes([
                                        ("kind", *kind),
                                        ("exponent", &exponent.to_string()),
                                        ("scale", &scale.to_string()),
                                        ("multiplier", &multiplier.to_string()),
                                    ])
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                        Ok(())
                    })?;
            }
            Ok(())
        })?;

    w.create_element("listOfParameters")
        .write_inner_content(|w| parameters(w, m))?;

    w.create_element("listOfRules").write_inner_content(|w| {
        for (name, s) in m.intermediates.iter().chain(&m.outputs) {
            w.create_element("assignmentRule")
                .with_attribute(("variable", *name))
                .write_inner_content(|w| math(w, m, *s))?;
        }
        for st in &m.states {
            w.create_element("rateRule")
                .with_attribute(("variable", st.id))
                .write_inner_content(|w| math(w, m, st.rate))?;
        }
        Ok(())
    })?;

    if !m.events.is_empty() {
        w.create_element("listOfEvents").write_inner_content(|w| {
            for (k, e) in m.events.iter().enumerate() {
                event(w, m, k + 1, e)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn parameters(w: &mut W, m: &ArmModel) -> io::Result<()> {
    for (info, value) in m.parameters() {
        let mut el = w.create_element("parameter").with_attributes([
            ("id", info.name),
            ("name", info.meaning),
            ("value", &value.to_string()),
            ("constant", "true"),
        ]);
        if let Some(u) = unit_id(info.unit) {
            el = el.with_attribute(("units", u));
        }
        el.write_inner_content(|w| {
            notes(
                w,
                &[format!(
                    "Unit: {}. Source: {}.",
                    info.unit,
                    info.source.trim_end_matches('.')
                )],
            )
        })?;
    }
    for st in &m.states {
        let mut el = w.create_element("parameter").with_attributes([
            ("id", st.id),
            ("name", format!("state: {} ({})", st.id, st.unit).as_str()),
            ("value", &st.initial.to_string()),
            ("constant", "false"),
        ]);
        if let Some(u) = unit_id(st.unit) {
            el = el.with_attribute(("units", u));
        }
        el.write_empty()?;
    }
    for (name, value) in INPUT_NAMES.iter().zip(m.initial_inputs.values()) {
        w.create_element("parameter")
            .with_attributes([
                ("id", *name),
                ("name", format!("treatment input: {name}").as_str()),
                ("value", &value.to_string()),
                ("units", input_unit(name)),
                ("constant", "false"),
            ])
            .write_empty()?;
    }
    for (name, _) in m.intermediates.iter().chain(&m.outputs) {
        let mut el = w
            .create_element("parameter")
            .with_attributes([("id", *name), ("constant", "false")]);
        if let Some(u) = derived_unit(name) {
            el = el.with_attribute(("units", u));
        }
        el.write_empty()?;
    }
    Ok(())
}

fn event(w: &mut W, m: &ArmModel, k: usize, e: &EventDef) -> io::Result<()> {
    w.create_element("event")
        .with_attributes([
            ("id", format!("event_{k}").as_str()),
            ("name", format!("day {}: {}", e.t_days, e.label).as_str()),
            ("useValuesFromTriggerTime", "true"),
        ])
        .write_inner_content(|w| {
            w.create_element("trigger")
                .with_attributes([("initialValue", "true"), ("persistent", "true")])
                .write_inner_content(|w| {
                    math_with(w, |w| {
                        apply(w, "geq", |w| {
                            time(w)?;
                            number(w, e.t_days)
                        })
                    })
                })?;
            w.create_element("listOfEventAssignments")
                .write_inner_content(|w| {
                    for (i, s) in &e.jumps {
                        w.create_element("eventAssignment")
                            .with_attribute(("variable", STATE_NAMES[*i].0))
                            .write_inner_content(|w| math(w, m, *s))?;
                    }
                    if let Some(u) = e.inputs {
                        input_assignments(w, &u)?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(())
}

fn input_assignments(w: &mut W, u: &Inputs) -> io::Result<()> {
    for (name, value) in INPUT_NAMES.iter().zip(u.values()) {
        w.create_element("eventAssignment")
            .with_attribute(("variable", *name))
            .write_inner_content(|w| math_with(w, |w| number(w, value)))?;
    }
    Ok(())
}

fn notes(w: &mut W, paragraphs: &[String]) -> io::Result<()> {
    w.create_element("notes").write_inner_content(|w| {
        w.create_element("body")
            .with_attribute(("xmlns", XHTML_NS))
            .write_inner_content(|w| {
                for p in paragraphs {
                    w.create_element("p")
                        .write_text_content(BytesText::from_escaped(escape::xml(p)))?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(())
}

fn math_with(w: &mut W, body: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
    w.create_element("math")
        .with_attribute(("xmlns", MATHML_NS))
        .write_inner_content(body)?;
    Ok(())
}

/// `<math>` holding the definition of `s` (a named intermediate is written
/// out here, and referred to by name everywhere else).
fn math(w: &mut W, m: &ArmModel, s: Sym) -> io::Result<()> {
    let s = match m.graph.node(s) {
        Node::Named(_, inner) => inner,
        _ => s,
    };
    math_with(w, |w| expr(w, m, s))
}

fn apply(w: &mut W, op: &str, args: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
    w.create_element("apply").write_inner_content(|w| {
        w.create_element(op).write_empty()?;
        args(w)
    })?;
    Ok(())
}

fn time(w: &mut W) -> io::Result<()> {
    w.create_element("csymbol")
        .with_attributes([("encoding", "text"), ("definitionURL", TIME_URL)])
        .write_text_content(BytesText::new("time"))?;
    Ok(())
}

fn ci(w: &mut W, id: &str) -> io::Result<()> {
    w.create_element("ci")
        .write_text_content(BytesText::new(id))?;
    Ok(())
}

/// A MathML number: decimal where Rust's shortest round-trip form has no
/// exponent, e-notation otherwise (both read back as exactly `v`).
fn number(w: &mut W, v: f64) -> io::Result<()> {
    let text = format!("{v:?}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            w.create_element("cn")
                .with_attribute(("type", "e-notation"))
                .write_inner_content(|w| {
                    w.write_event(Event::Text(BytesText::new(mantissa)))?;
                    w.create_element("sep").write_empty()?;
                    w.write_event(Event::Text(BytesText::new(exponent)))?;
                    Ok(())
                })?;
        }
        None => {
            w.create_element("cn")
                .with_attribute(("type", "real"))
                .write_text_content(BytesText::new(&text))?;
        }
    }
    Ok(())
}

fn expr(w: &mut W, m: &ArmModel, s: Sym) -> io::Result<()> {
    if let Some(id) = m.name_of(s) {
        return ci(w, id);
    }
    match m.graph.node(s) {
        Node::Lit(v) => number(w, v),
        Node::Neg(a) => apply(w, "minus", |w| expr(w, m, a)),
        Node::Exp(a) => apply(w, "exp", |w| expr(w, m, a)),
        Node::Bin(BinOp::Max, a, b) => {
            // max(a, b) = piecewise(a if a > b, otherwise b)
            w.create_element("piecewise").write_inner_content(|w| {
                w.create_element("piece").write_inner_content(|w| {
                    expr(w, m, a)?;
                    apply(w, "gt", |w| {
                        expr(w, m, a)?;
                        expr(w, m, b)
                    })
                })?;
                w.create_element("otherwise")
                    .write_inner_content(|w| expr(w, m, b))?;
                Ok(())
            })?;
            Ok(())
        }
        Node::Bin(op, a, b) => {
            let tag = match op {
                BinOp::Add => "plus",
                BinOp::Sub => "minus",
                BinOp::Mul => "times",
                BinOp::Div => "divide",
                BinOp::Pow => "power",
                BinOp::Max => "max",
            };
            apply(w, tag, |w| {
                expr(w, m, a)?;
                expr(w, m, b)
            })
        }
        // Leaves and named nodes were handled by `name_of`.
        Node::Param(p) | Node::Input(p) | Node::Named(p, _) => ci(w, p),
        Node::State(i) => ci(w, STATE_NAMES[i].0),
    }
}
