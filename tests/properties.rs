//! Property tests: random valid scenarios (every profile, every built-in kind,
//! custom treatments and shedding events) keep the model's invariants.

use hairsim::event::ShedEvent;
use hairsim::profile::PROFILES;
use hairsim::scenario;
use hairsim::simulation::simulate;
use hairsim::treatment::{Delivery, TreatmentKind};
use hairsim::units::DoseUnit;
use proptest::prelude::*;

/// A dose anywhere in a wide range of the kind's unit (transplants small
/// enough that a dozen sessions stay within a donor region's supply).
fn dose_for(kind: TreatmentKind, x: f64) -> String {
    match kind.dose_unit() {
        DoseUnit::Mg => format!("\"{:.3} mg\"", 0.01 + 5.0 * x),
        DoseUnit::Percent => format!("\"{:.2}%\"", 0.5 + 9.5 * x),
        DoseUnit::Relative => format!("{:.3}", 0.1 + 3.0 * x),
        DoseUnit::Grafts => format!("\"{:.0} grafts\"", 50.0 + 750.0 * x),
        DoseUnit::Cells => format!("\"{:.0} cells\"", 1e5 + 1e7 * x),
    }
}

prop_compose! {
    /// Any built-in kind (the library's own list), taken daily until a stop
    /// or given in sessions as the kind is.
    fn treatment()(k in 0..TreatmentKind::BUILT_IN.len(), dose in 0.0..1.0f64, start in 0u32..300,
                   every in 1u32..60, len in 1u32..400, adherence in 0.0..=1.0f64) -> String {
        let kind = TreatmentKind::BUILT_IN[k];
        let schedule = match kind.delivery() {
            Delivery::Continuous => format!("stop = \"{} days\"", start + len),
            Delivery::Sessions => format!("every = \"{every} days\"\nsessions = {}", 1 + len % 12),
        };
        format!("[[arm.treatment]]\nkind = \"{}\"\ndose = {}\nstart = \"{start} days\"\n{schedule}\nadherence = {adherence:.3}\n",
                kind.name(), dose_for(kind, dose))
    }
}

prop_compose! {
    /// A `custom` treatment on any target, continuous or in sessions, with an
    /// effect anywhere in its valid range.
    fn custom_treatment()(target in 0usize..4, sessions in any::<bool>(), x in 0.0..1.0f64,
                          start in 0u32..300, every in 1u32..60, len in 1u32..400,
                          adherence in 0.0..=1.0f64) -> String {
        let target_name = ["dht", "inflammation", "growth_factor", "stimulation"][target];
        // dht and inflammation are multiplied (effect ≥ −1); the signals are levels (≥ 0).
        let effect = if target < 2 { -1.0 + 3.0 * x } else { 3.0 * x };
        let schedule = if sessions {
            format!("delivery = \"sessions\"\nevery = \"{every} days\"\nsessions = {}", 1 + len % 12)
        } else {
            format!("delivery = \"continuous\"\nstop = \"{} days\"", start + len)
        };
        format!("[[arm.treatment]]\nkind = \"custom\"\ntarget = \"{target_name}\"\neffect = {effect:.4}\n\
                 start = \"{start} days\"\n{schedule}\nadherence = {adherence:.3}\n")
    }
}

prop_compose! {
    /// Any shedding event, at any time and severity.
    fn event()(k in 0..ShedEvent::ALL.len(), at in 0u32..450, severity in 0.1..=3.0f64) -> String {
        format!("[[arm.event]]\nkind = \"{}\"\nat = \"{at} days\"\nseverity = {severity:.3}\n",
                ShedEvent::ALL[k].name())
    }
}

prop_compose! {
    fn any_treatment()(t in prop_oneof![3 => treatment(), 1 => custom_treatment(), 1 => event()]) -> String { t }
}

prop_compose! {
    fn scenario_text()(profile in 0usize..PROFILES.len(), method in 0usize..3, treatments in prop::collection::vec(any_treatment(), 0..5))
                      -> String {
        let profile = PROFILES[profile].name;
        let method = ["dopri5", "dop853", "rk4"][method];
        // Tight enough that the solver's error stays well inside the
        // invariants' 1e-9 margins (at 1e-7 the intact-niche count of a
        // correct solution wobbled up by 2e-8).
        format!("[scenario]\nname = \"p\"\nduration = \"500 days\"\noutput_interval = \"5 days\"\n\
                 [patient]\nprofile = \"{profile}\"\n[solver]\nmethod = \"{method}\"\nrtol = 1e-10\natol = 1e-12\n\
                 [[arm]]\nname = \"a\"\n{}", treatments.concat())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_scenarios_keep_the_invariants(text in scenario_text()) {
        let sc = scenario::parse("p.toml", &text).expect("generated scenarios are valid");
        let r = simulate(&sc).expect("simulates");
        let again = simulate(&sc).expect("simulates");
        prop_assert_eq!(&r, &again, "identical run to run");
        let rows = &r.arms[0].trajectory.rows;
        for w in rows.windows(2) {
            // Lost follicles never come back, and no treatment restores a
            // niche: the count of native follicles with an intact niche never
            // rises (a transplant adds a population of its own).
            // (The modelled scalp is the androgen-sensitive one: a transplant
            // brings its grafts from outside it, so they are counted apart.)
            let native = |r: &hairsim::trajectory::Observables| r.follicles_present - r.graft_follicles;
            prop_assert!(native(&w[1]) <= native(&w[0]) * (1.0 + 1e-12));
            let intact = |r: &hairsim::trajectory::Observables| r.niche_intact * native(r);
            prop_assert!(intact(&w[1]) <= intact(&w[0]) * (1.0 + 1e-9));
        }
        for row in rows {
            // Every terminal follicle has its niche: τ ≤ ν (τ = T:V / (1 + T:V)).
            let terminal = row.terminal_vellus_ratio / (1.0 + row.terminal_vellus_ratio);
            prop_assert!(terminal <= row.niche_intact + 1e-6, "τ {} above ν {}", terminal, row.niche_intact);
            prop_assert!((0.0..=1.0 + 1e-9).contains(&row.niche_intact));
            let sum = row.anagen + row.catagen + row.telogen + row.kenogen;
            prop_assert!((sum - 1.0).abs() < 1e-6, "phases sum to {}", sum);
            for f in [row.anagen, row.catagen, row.telogen, row.kenogen] {
                prop_assert!(f >= -1e-9, "negative phase {}", f);
            }
            prop_assert!(row.values().iter().all(|v| v.is_finite()));
            prop_assert!(row.hair_count > 0.0);
        }
    }

    /// More DHT suppression never lowers the hair count: every DHT effect in the
    /// model is monotone (anagen shortening, kenogen lengthening, miniaturization).
    /// Checked for finasteride, dutasteride and a custom DHT effect (more
    /// suppression = a more negative effect), on every solver.
    #[test]
    fn more_dht_suppression_never_lowers_the_hair_count(low in 0.01..1.0f64, extra in 0.0..1.0f64, profile in 0usize..3,
                                                        kind in 0usize..3, method in 0usize..3) {
        let profile = ["aga_mild", "aga_moderate", "aga_severe"][profile];
        let method = ["dopri5", "dop853", "rk4"][method];
        let treatment = |x: f64| match kind {
            0 => format!("kind = \"finasteride\"\ndose = \"{:.4} mg\"", 5.0 * x),
            1 => format!("kind = \"dutasteride\"\ndose = \"{:.4} mg\"", 2.0 * x),
            _ => format!("kind = \"custom\"\ntarget = \"dht\"\ndelivery = \"continuous\"\neffect = {:.4}", -0.5 * x),
        };
        let text = |x: f64| format!("[scenario]\nname = \"m\"\nduration = \"2 years\"\noutput_interval = \"10 days\"\n\
            [patient]\nprofile = \"{profile}\"\n[solver]\nmethod = \"{method}\"\nrtol = 1e-8\n\
            [[arm]]\nname = \"a\"\n[[arm.treatment]]\n{}\n", treatment(x));
        let a = simulate(&scenario::parse("m.toml", &text(low)).unwrap()).unwrap();
        let b = simulate(&scenario::parse("m.toml", &text(low + extra.max(1e-3))).unwrap()).unwrap();
        for (x, y) in a.arms[0].trajectory.rows.iter().zip(&b.arms[0].trajectory.rows) {
            prop_assert!(y.hair_count >= x.hair_count * (1.0 - 1e-9));
        }
    }
}

/// Pieces of scenario syntax and hostile values for mutated files.
const SNIPPETS: [&str; 24] = [
    "nan",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e308",
    "\"0 days\"",
    "\"200 years\"",
    "\"1e-9 days\"",
    "[[arm]]\nname = \"x\"\n",
    "[[arm.treatment]]\nkind = \"prp\"\n",
    "[solver]\n",
    "[plot]\n",
    "\"custom\"",
    "=",
    "\n",
    "[",
    "]",
    "\"",
    "{",
    ".",
    "\u{202e}",
    "\u{0}",
    "max_steps = 1\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A cheap stand-in for the fuzzer that runs in every `cargo test`: shipped
    /// scenarios with random cuts and insertions never make parse, validation or a
    /// short simulation panic.
    #[test]
    fn mutated_scenarios_never_panic(file in 0usize..6, edits in prop::collection::vec((0.0..1.0f64, 0usize..24, 0usize..20), 1..8)) {
        let name = ["baseline", "combo", "finasteride", "minoxidil", "prp", "stop_treatment"][file];
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
        let mut text = std::fs::read_to_string(path).unwrap();
        for (at, snippet, cut) in edits {
            let mut i = (at * text.len() as f64) as usize;
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + cut).min(text.len());
            while !text.is_char_boundary(j) {
                j -= 1;
            }
            text.replace_range(i..j, SNIPPETS[snippet]);
        }
        if let Ok(sc) = scenario::parse("m.toml", &text) {
            let _ = simulate(&hairsim::simulation::shortened(&sc, 60.0, 20_000));
        }
    }
}
