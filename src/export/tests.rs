//! The exports are traced from the simulator's own equations; these tests
//! prove the trace evaluates to the same numbers, and that both writers
//! produce well-formed, labelled files.

use super::*;
use crate::model::{Inputs, INPUT_NAMES};
use crate::profile::PROFILES;
use crate::scenario;
use crate::solve::AsArray;
use crate::symbolic::Node;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn shipped() -> Vec<Scenario> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("scenarios").expect("scenarios/ exists") {
        let path = entry.expect("readable").path();
        if path.extension().is_some_and(|e| e == "toml") {
            out.push(scenario::load(&path).expect("shipped scenarios are valid"));
        }
    }
    assert!(out.len() >= 8, "found {} scenarios", out.len());
    out
}

fn combo() -> Scenario {
    scenario::load(std::path::Path::new("scenarios/combo.toml")).expect("combo ships")
}

/// Evaluate `s` with leaves read from a numeric model, state and inputs.
fn eval(g: &Graph, s: Sym, p: &Parameters, y: &State, u: &Inputs) -> f64 {
    g.eval(s, &|n| match n {
        Node::Param(name) => p.get(name).expect("known parameter"),
        Node::State(i) => y[i],
        Node::Input(name) => {
            let k = INPUT_NAMES
                .iter()
                .position(|x| *x == name)
                .expect("known input");
            u.values()[k]
        }
        other => panic!("not a leaf: {other:?}"),
    })
}

fn random_state(rng: &mut ChaCha8Rng) -> State {
    let mut y = State::zeros();
    // Every follicle state, the released ones included, some share.
    let shares: [f64; crate::model::N_FOLLICLE_STATES] =
        std::array::from_fn(|_| rng.random_range(0.001..1.0));
    let sum: f64 = shares.iter().sum();
    for (i, v) in shares.iter().enumerate() {
        y[i] = v / sum;
    }
    y[ix::OESTROGEN] = rng.random_range(0.0..12.0);
    for i in ix::DHT..N_STATES {
        y[i] = rng.random_range(0.0..3.0);
    }
    y
}

fn random_inputs(rng: &mut ChaCha8Rng) -> Inputs {
    Inputs {
        finasteride_mg_per_day: rng.random_range(0.0..5.0),
        dutasteride_mg_per_day: rng.random_range(0.0..0.5),
        spironolactone_mg_per_day: rng.random_range(0.0..200.0),
        minoxidil_percent: rng.random_range(0.0..10.0),
        dht_multiplier: rng.random_range(0.2..2.0),
        inflammation_multiplier: rng.random_range(0.2..2.0),
        growth_factor_hold: rng.random_range(0.0..2.0),
        stimulation_hold: rng.random_range(0.0..2.0),
        pregnancy: rng.random_range(0.0..1.0),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-13 * a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn the_traced_equations_compute_what_the_simulator_computes() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for pk in Pk::ALL {
        let (g, (dy, obs)) = trace(|| {
            let model = HairModel::symbolic(pk);
            let y = symbolic_state();
            let mut dy = [Sym::lit(0.0); N_STATES];
            model.derivatives_of(&y, &mut dy);
            (dy, model.observe_of(&y))
        });
        for profile in PROFILES {
            let p = profile.parameters().expect("profile is valid");
            for _ in 0..50 {
                let (y, u) = (random_state(&mut rng), random_inputs(&mut rng));
                let mut model = HairModel::untreated(p).with_pk(pk);
                model.inputs = u;
                let mut want = State::zeros();
                model.derivatives(&y, &mut want);
                for i in 0..N_STATES {
                    let got = eval(&g, dy[i], &p, &y, &u);
                    assert!(
                        close(got, want[i]),
                        "{pk:?} d{}/dt: {got} vs {}",
                        STATE_NAMES[i].0,
                        want[i]
                    );
                }
                let want = model.observe(&y).values();
                for (k, s) in obs.values().iter().enumerate() {
                    let got = eval(&g, *s, &p, &y, &u);
                    assert!(close(got, want[k]), "{}: {got} vs {}", COLUMNS[k], want[k]);
                }
            }
        }
    }
}

#[test]
fn traced_session_jumps_and_inputs_match_the_numeric_ones() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for sc in shipped() {
        for arm in &sc.arms {
            let m = ArmModel::new(&sc, arm);
            let stops = timeline(arm, sc.duration_days);
            let later: Vec<_> = stops[1..]
                .iter()
                .filter(|s| !s.sessions.is_empty() || s.inputs.is_some())
                .collect();
            assert_eq!(m.events.len(), later.len(), "{} / {}", sc.name, arm.name);
            for (e, stop) in m.events.iter().zip(later) {
                assert!((e.t_days - stop.t_days).abs() < 1e-12);
                assert_eq!(e.inputs, stop.inputs);
                let y = random_state(&mut rng);
                let mut want = y;
                stop.apply_sessions(arm, &arm.patient.params, want.as_array_mut());
                let mut got = y;
                for (i, s) in &e.jumps {
                    got[*i] = eval(&m.graph, *s, &arm.patient.params, &y, &Inputs::default());
                }
                for i in 0..N_STATES {
                    assert!(close(got[i], want[i]), "{}: state {i}", e.label);
                }
            }
        }
    }
}

#[test]
fn day_zero_doses_are_in_the_initial_values() {
    let sc = combo();
    let arm = find_arm(&sc, Some("PRP")).expect("combo has a PRP arm");
    let m = ArmModel::new(&sc, arm);
    let start = steady_state(&arm.patient.params, arm.patient.terminal_fraction_start);
    let gf = m
        .states
        .iter()
        .find(|s| s.index == ix::GROWTH_FACTOR)
        .expect("growth factor is exported");
    assert!(gf.initial > start.as_array()[ix::GROWTH_FACTOR] + 0.5);
    assert!(m.events.iter().all(|e| e.t_days > 0.0));
}

#[test]
fn every_identifier_is_unique_and_states_follow_the_pk_variant() {
    for sc in shipped() {
        for arm in &sc.arms {
            let m = ArmModel::new(&sc, arm);
            let mut ids = identifiers(&m);
            let n = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(
                ids.len(),
                n,
                "{} / {}: duplicate identifiers",
                sc.name,
                arm.name
            );
            let expected = if arm.pk == Pk::Explicit {
                N_STATES
            } else {
                N_STATES - ix::EXPLICIT_PK_ONLY.len()
            };
            assert_eq!(m.states.len(), expected);
        }
    }
}

/// Names the Python module's functions use besides the model's identifiers,
/// and Python's keywords: an identifier equal to one would shadow it or not
/// parse.
const PYTHON_RESERVED: &[&str] = &[
    "math",
    "np",
    "solve_ivp",
    "max",
    "list",
    "t",
    "y",
    "u",
    "p",
    "after",
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
];

/// Identifiers are printed into the Python module and SBML as they are, so
/// each must be a plain ASCII identifier (a Python name and an SBML SId) that
/// shadows nothing the module uses.
#[test]
fn every_identifier_is_a_plain_name_in_python_and_sbml() {
    let plain = |id: &str| {
        let mut chars = id.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for sc in shipped() {
        for arm in &sc.arms {
            let m = ArmModel::new(&sc, arm);
            for id in identifiers(&m) {
                assert!(plain(id), "`{id}` is not a plain identifier");
                assert!(
                    !PYTHON_RESERVED.contains(&id),
                    "`{id}` is reserved in Python"
                );
            }
            assert!(
                plain(&m.id()) && m.id().starts_with("hairsim_"),
                "{}",
                m.id()
            );
        }
    }
}

/// Issue 15: the arm name of the report and a hostile description reach the
/// module only as escaped literals, and the raw docstring closes where it should.
#[test]
fn scenario_text_reaches_python_only_as_literals() {
    let arm = r#"a""";import os;os.system("echo PWNED");""""#;
    let description = "x\u{2028} ''' \"\"\" \\";
    let text = format!(
        "[scenario]\nname = \"s\"\ndescription = {}\nduration = \"30 days\"\n[[arm]]\nname = {}\n",
        toml::Value::String(description.into()),
        toml::Value::String(arm.into())
    );
    let sc = scenario::parse("s.toml", &text).expect("valid scenario");
    let py = python::to_python(&ArmModel::new(&sc, &sc.arms[0]));
    assert!(!py.contains(arm) && !py.contains(description));
    let arm_lit = crate::escape::python_str(arm);
    let first_line = format!(
        "r\"\"\"hairsim_s_a_import_os_os_system_echo_pwned: hairsim scenario \"s\", arm {arm_lit}, for scipy.\n"
    );
    assert!(py.starts_with(&first_line), "{}", &py[..200]);
    assert!(py.contains(&format!("\nARM = {arm_lit}\n")));
    let description_lit = crate::escape::python_str(description);
    assert!(py.contains(&format!("\nDESCRIPTION = {description_lit}\n")));
    let end = py
        .find("\"\"\"\n\nimport math\n")
        .expect("the docstring closes before the imports");
    assert!(!py[4..end].contains("\"\"\""), "the docstring closes early");
}

#[test]
fn every_unit_has_an_sbml_equivalent() {
    for p in PARAMETERS {
        assert!(sbml::unit_id(p.unit).is_some(), "{}: `{}`", p.name, p.unit);
    }
    for (name, unit) in STATE_NAMES {
        assert!(sbml::unit_id(unit).is_some(), "{name}: `{unit}`");
    }
    for sc in shipped() {
        for arm in &sc.arms {
            let m = ArmModel::new(&sc, arm);
            for (name, _) in m.intermediates.iter().chain(&m.outputs) {
                assert!(sbml::derived_unit(name).is_some(), "{name} has no unit");
            }
        }
    }
}

#[test]
fn arms_are_found_by_name_or_asked_for() {
    let sc = combo();
    assert!(find_arm(&sc, Some("minoxidil")).is_ok());
    let e = find_arm(&sc, None).expect_err("combo has several arms");
    assert!(e.to_string().contains("--arm") && e.to_string().contains("\"PRP\""));
    let e = find_arm(&sc, Some("prp")).expect_err("names are exact");
    assert!(matches!(e, ExportError::NoSuchArm { .. }));
}

#[test]
fn the_sbml_is_well_formed_and_labelled() {
    use quick_xml::events::Event;
    for sc in shipped() {
        for arm in &sc.arms {
            let m = ArmModel::new(&sc, arm);
            let xml = sbml::to_sbml(&m).expect("writing to memory");
            assert!(xml.contains("Illustrative model — not clinical guidance"));
            let mut reader = quick_xml::Reader::from_str(&xml);
            let (mut depth, mut rate_rules, mut events) = (0i32, 0, 0);
            loop {
                match reader.read_event() {
                    Ok(Event::Start(e)) => {
                        depth += 1;
                        match e.name().as_ref() {
                            "rateRule" => rate_rules += 1,
                            "event" => events += 1,
                            _ => {}
                        }
                    }
                    Ok(Event::End(_)) => depth -= 1,
                    Ok(Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{} / {}: {e}", sc.name, arm.name),
                }
            }
            assert_eq!(depth, 0);
            assert_eq!(rate_rules, m.states.len());
            assert_eq!(events, m.events.len());
        }
    }
}

#[test]
fn python_keeps_the_order_of_operations() {
    let sc = combo();
    let mut m = ArmModel::new(&sc, &sc.arms[0]);
    let (g, e) = trace(|| {
        let (a, b, c) = (
            Sym::param("anagen_days"),
            Sym::param("catagen_days"),
            Sym::state(0),
        );
        let x = a - (b - c);
        let y = a / (b * c);
        let z = -(a.powf(b));
        let w = (a + b) * c;
        (x, y, z, w)
    });
    m.graph = g;
    assert_eq!(
        python::expr_text(&m, e.0),
        "anagen_days - (catagen_days - terminal_anagen_1)"
    );
    assert_eq!(
        python::expr_text(&m, e.1),
        "anagen_days / (catagen_days * terminal_anagen_1)"
    );
    assert_eq!(python::expr_text(&m, e.2), "-(anagen_days ** catagen_days)");
    assert_eq!(
        python::expr_text(&m, e.3),
        "(anagen_days + catagen_days) * terminal_anagen_1"
    );
}

#[test]
fn the_python_module_is_labelled_and_lists_every_event() {
    for sc in shipped() {
        for arm in &sc.arms {
            let m = ArmModel::new(&sc, arm);
            let py = python::to_python(&m);
            assert!(py.contains("NOT CLINICAL GUIDANCE"));
            assert!(py.contains("def rhs(t, y, u, p=PARAMETERS):"));
            let events = py
                .lines()
                .skip_while(|l| *l != "EVENTS = [")
                .skip(1)
                .take_while(|l| *l != "]")
                .count();
            assert_eq!(events, m.events.len(), "{} / {}", sc.name, arm.name);
        }
    }
}
