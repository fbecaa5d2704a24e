//! One test per rule: each invalid case its own small scenario, checked for
//! its message and location.

use super::*;
use crate::model::Pk;

const HEAD: &str = "[scenario]\nname = \"t\"\nduration = \"1 year\"\n";

fn err(text: &str) -> ScenarioError {
    match parse_and_validate("t.toml", text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// The error for `text`, whose message must contain `part`.
fn says(text: &str, part: &str) -> ScenarioError {
    let e = err(text);
    assert!(e.message.contains(part), "expected {part:?} in:\n{e}");
    e
}

/// As [`says`], and on line `line`.
fn says_at(text: &str, part: &str, line: usize) {
    assert_eq!(says(text, part).line, line, "line of {part:?}");
}

fn with_arm(treatment: &str) -> String {
    format!("{HEAD}[[arm]]\nname = \"a\"\n[[arm.treatment]]\n{treatment}\n")
}

#[test]
fn a_minimal_scenario_is_valid() {
    let s =
        parse_and_validate("t.toml", &format!("{HEAD}[[arm]]\nname = \"untreated\"\n")).unwrap();
    assert_eq!(s.arms.len(), 1);
    assert!((s.duration_days - 365.25).abs() < 1e-9);
    assert_eq!(s.patient.profile.name, "aga_moderate");
}

#[test]
fn empty_file() {
    assert!(err("  \n").message.contains("empty"));
}

#[test]
fn unknown_key_names_line_column_and_suggestion() {
    let e = err("[scenario]\nname = \"t\"\nduratoin = \"1 year\"\n");
    assert_eq!((e.line, e.column), (3, 1));
    assert!(e.help.unwrap().contains("did you mean `duration`"));
}

#[test]
fn wrong_type() {
    says_at(
        &with_arm("kind = \"prp\"\nsessions = \"three\""),
        "invalid type",
        8,
    );
}

#[test]
fn negative_duration() {
    let e = says(
        "[scenario]\nname = \"t\"\nduration = \"-3 days\"\n[[arm]]\nname = \"a\"\n",
        "non-negative",
    );
    assert_eq!((e.line, e.column), (3, 12));
}

#[test]
fn duration_without_unit() {
    says(
        "[scenario]\nname = \"t\"\nduration = \"365\"\n[[arm]]\nname = \"a\"\n",
        "write a number and a unit",
    );
}

#[test]
fn adherence_above_one() {
    says_at(
        &with_arm("kind = \"finasteride\"\nadherence = 1.2"),
        "adherence must be between 0 and 1",
        8,
    );
}

#[test]
fn dose_after_the_end() {
    says(
        &with_arm("kind = \"prp\"\nstart = \"2 years\""),
        "after the end",
    );
}

#[test]
fn duplicate_arm_names() {
    says_at(
        &format!("{HEAD}[[arm]]\nname = \"a\"\n[[arm]]\nname = \"a\"\n"),
        "duplicate arm name",
        7,
    );
}

#[test]
fn unknown_treatment_kind_suggests() {
    let e = says(&with_arm("kind = \"finasterid\""), "unknown treatment kind");
    assert!(e.help.unwrap().contains("did you mean `finasteride`"));
}

#[test]
fn dose_unit_must_match_kind() {
    says(
        &with_arm("kind = \"finasteride\"\ndose = \"5%\""),
        "doses are in mg",
    );
    says(
        &with_arm("kind = \"finasteride\"\ndose = \"-1 mg\""),
        "greater than 0",
    );
}

#[test]
fn stop_before_start() {
    says(
        &with_arm("kind = \"finasteride\"\nstart = \"100 days\"\nstop = \"50 days\""),
        "not after start",
    );
}

#[test]
fn sessions_for_a_continuous_drug() {
    says(
        &with_arm("kind = \"finasteride\"\nsessions = 3"),
        "taken continuously",
    );
}

#[test]
fn custom_needs_its_keys_and_others_refuse_them() {
    says(
        &with_arm("kind = \"custom\"\ndelivery = \"sessions\"\neffect = 1.0"),
        "needs `target`",
    );
    says(
        &with_arm("kind = \"prp\"\ntarget = \"dht\""),
        "only applies to `custom`",
    );
    says(
        &with_arm("kind = \"custom\"\ntarget = \"dht\"\ndelivery = \"continuous\"\neffect = -2.0"),
        "not valid for target",
    );
}

#[test]
fn every_is_refused_for_continuous_custom() {
    says(&with_arm("kind = \"custom\"\ntarget = \"growth_factor\"\ndelivery = \"continuous\"\neffect = 0.5\nevery = \"weekly\""), "`every` does not apply");
}

#[test]
fn unknown_parameter_override_suggests() {
    let e = says(&format!("{HEAD}[patient]\nprofile = \"healthy\"\n[patient.parameters]\nanagen_dayz = 900.0\n[[arm]]\nname = \"a\"\n"), "unknown parameter `anagen_dayz`");
    assert!(e.help.unwrap().contains("did you mean `anagen_days`"));
}

#[test]
fn out_of_range_parameter_override() {
    says(
        &format!(
            "{HEAD}[patient]\n[patient.parameters]\nanagen_days = -5.0\n[[arm]]\nname = \"a\"\n"
        ),
        "out of range",
    );
}

#[test]
fn unknown_profile_and_solver_suggest() {
    let e = err(&format!(
        "{HEAD}[patient]\nprofile = \"aga_moderat\"\n[[arm]]\nname = \"a\"\n"
    ));
    assert!(e.help.unwrap().contains("did you mean `aga_moderate`"));
    let e = err(&format!(
        "{HEAD}[solver]\nmethod = \"dopri\"\n[[arm]]\nname = \"a\"\n"
    ));
    assert!(e.help.unwrap().contains("did you mean `dopri5`"));
}

#[test]
fn unknown_delivery_suggests() {
    let e = says(
        &with_arm("kind = \"custom\"\ntarget = \"dht\"\ndelivery = \"session\"\neffect = 1.0"),
        "unknown delivery `session`",
    );
    assert!(e.help.unwrap().starts_with("did you mean `sessions`?"));
}

#[test]
fn unknown_distribution_suggests() {
    let e = says(
        &format!("{HEAD}[population]\nsize = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"lognorm\"\ncv = 0.1\n[[arm]]\nname = \"a\"\n"),
        "unknown distribution `lognorm`",
    );
    assert!(e.help.unwrap().starts_with("did you mean `lognormal`?"));
}

#[test]
fn the_default_output_interval_is_a_day() {
    let s = parse_and_validate("t.toml", &format!("{HEAD}[[arm]]\nname = \"a\"\n")).unwrap();
    assert_eq!(
        s.output_interval_days,
        Scenario::DEFAULT_OUTPUT_INTERVAL_DAYS
    );
}

#[test]
fn unknown_pk_model_is_located_and_suggests() {
    let e = err(&format!(
        "{HEAD}[model]\npk = \"explict\"\n[[arm]]\nname = \"a\"\n"
    ));
    assert_eq!(e.line, 5, "{e}");
    assert!(e.help.unwrap().contains("did you mean `explicit`"));
    let e = err(&format!(
        "{HEAD}[model]\npkk = \"explicit\"\n[[arm]]\nname = \"a\"\n"
    ));
    assert!(e.to_string().contains("unknown field `pkk`"), "{e}");
}

#[test]
fn explicit_pk_reaches_every_arm() {
    let sc = parse_and_validate(
        "t.toml",
        &format!(
            "{HEAD}[model]\npk = \"explicit\"\n[[arm]]\nname = \"a\"\n[[arm]]\nname = \"b\"\n"
        ),
    )
    .unwrap();
    assert!(sc.arms.iter().all(|a| a.pk == Pk::Explicit));
}

#[test]
fn bad_tolerances() {
    for bad in ["rtol = 0.0", "rtol = 2.0", "atol = -1.0", "max_steps = 0"] {
        let e = err(&format!("{HEAD}[solver]\n{bad}\n[[arm]]\nname = \"a\"\n"));
        assert_eq!(e.line, 5, "{bad}: {e}");
    }
}

#[test]
fn scenario_name_must_be_a_safe_folder_name() {
    for bad in ["../evil", "a/b", ".hidden", ""] {
        let text =
            format!("[scenario]\nname = {bad:?}\nduration = \"1 year\"\n[[arm]]\nname = \"a\"\n");
        assert!(
            err(&text).message.contains("invalid scenario name"),
            "{bad}"
        );
    }
}

#[test]
fn an_arm_may_use_its_own_profile_with_the_shared_overrides() {
    let text = format!("{HEAD}[patient]\nprofile = \"aga_mild\"\n[patient.parameters]\nanagen_days = 1000.0\n[[arm]]\nname = \"a\"\nprofile = \"healthy\"\n[[arm]]\nname = \"b\"\n");
    let s = parse_and_validate("t.toml", &text).unwrap();
    assert_eq!(s.arms[0].patient.profile.name, "healthy");
    assert_eq!(s.arms[0].patient.terminal_fraction_start, None);
    assert!((s.arms[0].patient.params.anagen_days - 1000.0).abs() < 1e-12);
    assert_eq!(s.arms[1].patient.profile.name, "aga_mild");
}

/// Regression (issue 5): tables made only by a sub-table header or by dotted
/// keys have no span in toml, and used to fail with a baffling type error.
#[test]
fn tables_made_by_subtables_or_dotted_keys_load() {
    let text = "scenario.name = \"t\"\nscenario.duration = \"1 year\"\n[patient.parameters]\nanagen_days = 900.0\n[[arm]]\nname = \"a\"\n";
    let s = parse_and_validate("t.toml", text).unwrap();
    assert!((s.patient.params.anagen_days - 900.0).abs() < 1e-12);
}

#[test]
fn no_arms() {
    assert!(err(HEAD).message.contains("no arms"));
}

#[test]
fn endpoint_after_the_end() {
    says(
        &format!("{HEAD}[plot]\nendpoints = [\"2 years\"]\n[[arm]]\nname = \"a\"\n"),
        "after the end",
    );
}

#[test]
fn too_many_output_rows() {
    says("[scenario]\nname = \"t\"\nduration = \"200 years\"\noutput_interval = \"0.001 days\"\n[[arm]]\nname = \"a\"\n", "more than the limit");
}

/// Every remaining rule, one case each: (scenario text, expected message part, line).
#[test]
fn each_remaining_rule_has_its_own_located_error() {
    let arm = |t: &str| with_arm(t);
    let cases: Vec<(String, &str, usize)> = vec![
        (format!("{HEAD}[patient]\nterminal_fraction_start = 1.5\n[[arm]]\nname = \"a\"\n"), "terminal_fraction_start must be between 0 and 1", 5),
        ("[scenario]\nname = \"t\"\nduration = \"10 days\"\noutput_interval = \"20 days\"\n[[arm]]\nname = \"a\"\n".to_string(), "output_interval is longer", 4),
        ("[scenario]\nname = \"t\"\nduration = \"0 days\"\n[[arm]]\nname = \"a\"\n".to_string(), "longer than zero", 3),
        ("[scenario]\nname = \"t\"\nduration = \"300 years\"\n[[arm]]\nname = \"a\"\n".to_string(), "limit of 200 years", 3),
        (arm("kind = \"finasteride\"\nstop = \"100 days\"\nduration = \"50 days\""), "either `stop` or `duration`", 8),
        (arm("kind = \"prp\"\nsessions = 3\nstop = \"100 days\""), "either `sessions` or `stop`", 8),
        (arm("kind = \"prp\"\nsessions = 0"), "sessions must be a whole number", 8),
        (arm("kind = \"laser\""), "unknown treatment kind", 7),
        (arm("kind = \"low_level_laser\"\nevery = \"0.001 days\""), "more than the limit", 8),
        (arm("kind = \"finasteride\"\ndose = \"5000 mg\""), "at most 1000", 8),
        (arm("kind = \"prp\"\ndose = \"big\""), "cannot read \"big\" as a dose", 8),
        (arm("kind = \"prp\"\nevery = \"0 days\""), "longer than zero", 8),
        (arm("kind = \"prp\"\nstart = \"soon\""), "as a duration", 8),
        (arm("kind = \"custom\"\ntarget = \"hair\"\ndelivery = \"sessions\"\neffect = 1.0"), "unknown target", 8),
        (arm("kind = \"custom\"\ntarget = \"dht\"\ndelivery = \"sometimes\"\neffect = 1.0"), "unknown delivery", 9),
        (arm("kind = \"custom\"\ntarget = \"stimulation\"\ndelivery = \"sessions\"\neffect = -1.0"), "not valid for target", 10),
        (format!("{HEAD}[[arm]]\nname = \"  \"\n"), "invalid arm name", 5),
        (format!("{HEAD}[plot]\ncharts = [\"hair_counts\"]\n[[arm]]\nname = \"a\"\n"), "unknown chart", 5),
        (format!("{HEAD}[solver]\nrk4_step = \"-1 days\"\n[[arm]]\nname = \"a\"\n"), "non-negative", 5),
        ("name = \"t\"\n".to_string(), "unknown field `name`", 1),
        ("[scenario\nname = \"t\"\n".to_string(), "invalid table header", 1),
    ];
    for (text, part, line) in cases {
        let e = err(&text);
        assert!(
            e.to_string().contains(part),
            "expected {part:?} in:\n{e}\nfor:\n{text}"
        );
        assert_eq!(e.line, line, "line of {part:?}: {e}");
    }
}

#[test]
fn population_rules() {
    let pop = |body: &str| format!("{HEAD}[population]\n{body}\n[[arm]]\nname = \"a\"\n");
    let cases: Vec<(String, &str)> = vec![
        (pop("size = 0"), "population size must be from 1"),
        (pop("size = 10\nseed = -1"), "seed must be a whole number"),
        (pop("size = 10\nresponder_threshold = nan"), "responder_threshold must be"),
        (pop("size = 10\nresponder_time = \"2 years\""), "after the end"),
        (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_dayz\"\ndistribution = \"normal\"\ncv = 0.1"), "unknown parameter `anagen_dayz`"),
        (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"gaussian\"\ncv = 0.1"), "unknown distribution"),
        (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\""), "needs `cv`"),
        (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\"\ncv = -0.1"), "cv must be from 0 to 5"),
        (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"uniform\"\nmin = 900.0\nmax = 800.0"), "at least min"),
        (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"uniform\"\nmin = 800.0\nmax = 900.0\ncv = 0.1"), "does not apply"),
        (pop("size = 10\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\"\ncv = 0.1\n[[population.vary]]\nparameter = \"anagen_days\"\ndistribution = \"normal\"\ncv = 0.2"), "varied twice"),
        ("[scenario]\nname = \"t\"\nduration = \"100 years\"\n[population]\nsize = 10\n[[arm]]\nname = \"a\"\n".to_string(), "more than the limit"),
    ];
    for (text, part) in cases {
        let e = err(&text);
        assert!(e.to_string().contains(part), "expected {part:?} in:\n{e}");
    }
    let ok = parse_and_validate("t.toml", &pop("size = 10\n[[population.vary]]\nparameter = \"terminal_fraction_start\"\ndistribution = \"uniform\"\nmin = 0.5\nmax = 0.8")).unwrap();
    let p = ok.population.unwrap();
    assert_eq!((p.size, p.seed), (10, 1));
    assert!((p.responder_threshold - 0.10).abs() < 1e-12);
}

#[test]
fn single_session_when_no_every() {
    let s =
        parse_and_validate("t.toml", &with_arm("kind = \"prp\"\nstart = \"100 days\"")).unwrap();
    assert_eq!(s.arms[0].treatments[0].schedule.sessions, Some(1));
}

#[test]
fn the_follicles_section_sets_n_seed_and_durations_and_defaults_without_it() {
    use crate::follicles::{Durations, FollicleSettings};
    let arm = "[[arm]]\nname = \"a\"\n";
    let s = parse_and_validate("t.toml", &format!("{HEAD}{arm}")).unwrap();
    assert_eq!(s.follicles, FollicleSettings::default());
    let text = format!(
        "{HEAD}[follicles]\nfollicles = 500\nseed = 9\ndurations = \"lognormal\"\ncv = 0.3\n{arm}"
    );
    let s = parse_and_validate("t.toml", &text).unwrap();
    assert_eq!(
        s.follicles,
        FollicleSettings {
            follicles: 500,
            seed: 9,
            durations: Durations::LogNormal { cv: 0.3 }
        }
    );
    let bad = |section: &str, part: &str| {
        says_at(&format!("{HEAD}[follicles]\n{section}\n{arm}"), part, 5);
    };
    bad("follicles = 0", "follicles must be a whole number from 1");
    bad("seed = -1", "seed must be a whole number");
    bad("durations = \"gamma\"", "unknown durations `gamma`");
    bad("durations = \"lognormal\"", "lognormal durations need a cv");
    bad("cv = 0.3", "cv applies only to durations = \"lognormal\"");
    says_at(
        &format!("{HEAD}[follicles]\ndurations = \"lognormal\"\ncv = 0\n{arm}"),
        "cv must be above 0",
        6,
    );
}
