//! Issue 15: scenario text is untrusted, and comes back out of every output as
//! text, never as code. A corpus of hostile strings (quotes of every kind,
//! escape sequences, markup, format strings, line separators, non-ASCII, and
//! strings at the validator's length limits) is used as arm names and
//! descriptions; each scenario goes through the real binary: `sim check`,
//! `sim export python`, `sim export sbml` and `sim run`. One Python process
//! (tests/python/check_hostile.py) then checks every file: each module compiles
//! with warnings as errors, holds only definitions, imports printing nothing
//! and creating no file (an injected payload would create the sentinel), and
//! reads the strings back exactly; libsbml reads each SBML with no error and
//! the names back exactly; every SVG parses as XML; the CSV and JSON read the
//! names back; each report.html (`--format html`) holds only its own two
//! scripts, no event attribute and no link out, and reads back the
//! description, the arm names and the scenario file exactly. A property test does the same for random printable strings.
//!
//! Everything runs with an empty working directory, which must still be empty
//! at the end: nothing is written outside `--out`.

mod common;

use common::{python, root, sim};
use hairsim::scenario::validate::{MAX_ARMS, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file an injected payload would create, relative to the working directory.
const SENTINEL: &str = "pwned";

/// The arm name of issue 15, verbatim.
const ISSUE_ARM: &str = r#"a""";import os;os.system("echo PWNED");""""#;

/// The hostile strings: what each attacks, and the string.
fn corpus() -> Vec<(&'static str, String)> {
    let fixed: &[(&str, &str)] = &[
        ("the issue's docstring break-out", ISSUE_ARM),
        ("docstring break-out", r#"a""";open("pwned","w");""""#),
        ("single-quoted docstring", r#"a''';open("pwned","w");'''"#),
        ("double-quoted literal", r#"a";open("pwned","w");""#),
        ("single-quoted literal", r#"a';open("pwned","w");'"#),
        ("backslash eating an escape", r#"a\";open("pwned","w");#"#),
        ("f-string field", r#"{open("pwned","w")}"#),
        ("format strings", r#"%s %(x)s {0} {} {__import__("os")}"#),
        ("named escape", r"\N{LATIN SMALL LETTER A}"),
        ("unknown named escape", r"\N{NO SUCH CHARACTER}"),
        ("hex escapes, one truncated", r"\x41\x4"),
        ("other escapes", r"\u00e9 \U0001F600 \0 \n \t \a \\"),
        ("trailing backslash", r"ends with a backslash \"),
        ("lone double quote", "\""),
        ("lone single quote", "'"),
        ("triple quotes", "\"\"\"'''"),
        (
            "typographic quotes and backtick",
            "“smart” ‘single’ «guillemets» ＂full＂ `tick`",
        ),
        ("line separator", "line\u{2028}separator"),
        ("paragraph separator", "paragraph\u{2029}separator"),
        (
            "separator then code",
            "a\u{2028}open(\"pwned\",\"w\")\u{2029}#",
        ),
        ("script element", "</script><script>alert(1)</script>"),
        ("CDATA end", "x ]]> y"),
        ("CDATA section", "<![CDATA[x]]>"),
        ("XML comment", "<!-- c --> & --"),
        ("double hyphen", "a -- b"),
        ("comment end", "x-->"),
        ("entities", "&amp; &lt; &#0; &bogus; &#x110000;"),
        ("attribute break-out", "\"/><svg onload=alert(1)>"),
        ("processing instruction", "<?xml version=\"1.0\"?>"),
        ("HTML event handler", "<img src=x onerror=alert(1)>"),
        ("CSV separators", "a,b;c"),
        ("CSV quotes", "\"a\"\"b\",c"),
        ("JSON break-out", "\"},{\"name\":\"x"),
        ("Japanese", "毛周期シミュレーション（フィナステリド１mg）"),
        ("emoji", "💇 🧴💊 ❤️"),
        ("combining mark", "Cafe\u{301} au lait"),
        ("right-to-left scripts", "שלום مرحبا"),
        ("Greek and Latin", "Ωμέγα ünïcödé ß µm²"),
        ("astral CJK", "𠀋𡈽𡌛"),
        ("spreadsheet formula", "=HYPERLINK(\"http://x\",\"y\")"),
        ("leading double hyphen", "-- x"),
        ("leading comment end", "-->"),
    ];
    let mut v: Vec<(&str, String)> = fixed.iter().map(|(w, s)| (*w, s.to_string())).collect();
    let name = MAX_NAME_CHARS;
    let desc = MAX_DESCRIPTION_CHARS;
    v.push((
        "name limit, quotes and backslashes",
        "\"\\".repeat(name / 2),
    ));
    v.push(("name limit, Japanese", "毛".repeat(name)));
    v.push(("name limit, emoji", "😀".repeat(name)));
    v.push(("description limit, quotes", "'''\"\"\"\\<".repeat(desc / 8)));
    v.push(("description limit, emoji", "💊".repeat(desc)));
    v.push((
        "description limit, separators",
        "x\u{2028}\u{2029}y".repeat(desc / 4),
    ));
    v
}

/// Whether the validator accepts `s` as an arm name (it refuses names that
/// would be spreadsheet formulas, and longer ones); every string is also used
/// as a description.
fn arm_name_ok(s: &str) -> bool {
    s.chars().count() <= MAX_NAME_CHARS && !s.starts_with(['=', '+', '-', '@'])
}

/// `s` as a TOML string (the toml crate's own quoting).
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A short scenario; the first arm takes finasteride.
fn scenario_text(name: &str, description: &str, arms: &[&str]) -> String {
    let mut t = format!(
        "[scenario]\nname = {}\ndescription = {}\nduration = \"60 days\"\noutput_interval = \"10 days\"\n",
        toml_str(name),
        toml_str(description)
    );
    for (k, arm) in arms.iter().enumerate() {
        t.push_str(&format!("\n[[arm]]\nname = {}\n", toml_str(arm)));
        if k == 0 {
            t.push_str("[[arm.treatment]]\nkind = \"finasteride\"\ndose = \"1 mg\"\n");
        }
    }
    t
}

/// Run check_hostile.py on `manifest` in `work`; its report. The checker
/// prints nothing, so anything on its stdout or stderr came from an imported
/// module (`os.system` writes past Python's own redirection).
fn check(manifest: &Value, dir: &Path, work: &Path) -> Value {
    let path = dir.join("manifest.json");
    let report = dir.join("report.json");
    fs::write(&path, manifest.to_string()).expect("write manifest");
    let out = Command::new(python())
        .arg(root().join("tests").join("python").join("check_hostile.py"))
        .args([&path, &report])
        .current_dir(work)
        .output()
        .expect("run check_hostile.py");
    assert!(
        out.status.success(),
        "check_hostile.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = fs::read_to_string(&report).expect("check_hostile.py wrote its report");
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "importing the modules printed:\n{}{}\nreport: {text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("report is not JSON ({e}):\n{text}"))
}

fn assert_no_problems(report: &Value) {
    let problems = report["problems"].as_array().expect("problems");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems
            .iter()
            .map(|p| p.as_str().unwrap_or("?"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every file under `dir` called `name`.
fn find_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(find_named(&path, name));
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
    found
}

fn sorted_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("output folder exists")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

/// Every file name `sim run` may write: the charts and the data files.
fn output_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "timeseries.csv",
        "summary.json",
        "population.csv",
        "report.html",
    ]
    .map(String::from)
    .to_vec();
    for kind in hairsim::charts::ChartKind::ALL {
        names.push(format!("{}.svg", kind.name()));
        names.push(format!("{}.png", kind.name()));
    }
    names
}

/// One scenario of the test: its file, its name, description and arms.
struct Case {
    file: PathBuf,
    name: String,
    description: String,
    arms: Vec<String>,
}

fn write_case(dir: &Path, name: &str, description: &str, arms: &[&str]) -> Case {
    let file = dir.join(format!("{name}.toml"));
    fs::write(&file, scenario_text(name, description, arms)).expect("write scenario");
    Case {
        file,
        name: name.to_string(),
        description: description.to_string(),
        arms: arms.iter().map(|a| a.to_string()).collect(),
    }
}

/// `sim` with `work` as its working directory.
fn sim_in(work: &Path) -> assert_cmd::Command {
    let mut cmd = sim();
    cmd.current_dir(work);
    cmd
}

/// `sim export python` and `sim export sbml` of each case's first arm into
/// `mods`; the manifest entries of the modules and of the SBML files.
fn export_first_arms<'a>(
    cases: impl Iterator<Item = &'a Case>,
    mods: &Path,
    work: &Path,
) -> (Vec<Value>, Vec<Value>) {
    let (mut modules, mut sbml) = (Vec::new(), Vec::new());
    for case in cases {
        let arm = &case.arms[0];
        let module = mods.join(format!("{}.py", case.name));
        let xml = mods.join(format!("{}.xml", case.name));
        for (format, file) in [("python", &module), ("sbml", &xml)] {
            sim_in(work)
                .args(["export", format])
                .arg(&case.file)
                .args(["--arm", arm, "-o"])
                .arg(file)
                .assert()
                .success();
        }
        // Every first arm takes finasteride, except in the issue's file.
        let treatments = if case.name == "issue15" {
            json!([])
        } else {
            json!(["finasteride 1 mg daily"])
        };
        modules.push(json!({"path": module, "scenario": case.name,
            "description": case.description, "arm": arm, "treatments": treatments}));
        sbml.push(
            json!({"path": xml, "name": format!("hairsim: {} / {arm}", case.name),
            "arm": arm, "description": case.description}),
        );
    }
    (modules, sbml)
}

#[test]
fn hostile_strings_stay_text_in_every_export_and_output() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let [scen, mods, out, out_full, work] = ["scenarios", "modules", "out", "out_full", "work"]
        .map(|d| {
            let p = tmp.path().join(d);
            fs::create_dir(&p).expect("create folder");
            p
        });

    // One scenario per string: the string is the description and, where the
    // validator allows, the first arm's name.
    let corpus = corpus();
    let mut cases: Vec<Case> = corpus
        .iter()
        .enumerate()
        .map(|(i, (_, s))| {
            let first = if arm_name_ok(s) {
                s.as_str()
            } else {
                "plain arm"
            };
            write_case(&scen, &format!("h{i:02}"), s, &[first, "untreated"])
        })
        .collect();
    // Only the formulas, the leading hyphens and the description-length
    // strings are descriptions only.
    assert_eq!(
        corpus.iter().filter(|(_, s)| !arm_name_ok(s)).count(),
        6,
        "corpus strings refused as arm names"
    );
    // Issue 15's file exactly as reported, and a harmless control.
    let issue = scen.join("issue15.toml");
    fs::write(
        &issue,
        "[scenario]\nname = \"issue15\"\nduration = \"60 days\"\n\n[[arm]]\nname = 'a\"\"\";import os;os.system(\"echo PWNED\");\"\"\"'\n",
    )
    .expect("write scenario");
    cases.push(Case {
        file: issue,
        name: "issue15".into(),
        description: String::new(),
        arms: vec![ISSUE_ARM.into()],
    });
    let control = write_case(
        &scen,
        "control",
        "a harmless scenario",
        &["finasteride", "untreated"],
    );

    // Every arm-valid string in multi-arm scenarios, with every output format.
    let arm_names: Vec<&str> = corpus
        .iter()
        .map(|(_, s)| s.as_str())
        .filter(|s| arm_name_ok(s))
        .collect();
    let longest = corpus
        .iter()
        .map(|(_, s)| s.as_str())
        .max_by_key(|s| s.chars().count())
        .expect("corpus");
    let full: Vec<Case> = arm_names
        .chunks(MAX_ARMS)
        .enumerate()
        .map(|(k, chunk)| write_case(&scen, &format!("all{k}"), longest, chunk))
        .collect();

    let all_files: Vec<&PathBuf> = cases
        .iter()
        .chain([&control])
        .chain(&full)
        .map(|c| &c.file)
        .collect();
    sim_in(&work)
        .arg("check")
        .args(&all_files)
        .assert()
        .success();

    let (modules, sbml) = export_first_arms(cases.iter().chain([&control]), &mods, &work);

    // `sim run`: the one-per-string scenarios as SVG, CSV and JSON in one
    // process, the multi-arm ones with every format (PNG too) in another.
    let (mut runs, mut svgs) = (Vec::new(), 0);
    for (files, dest, formats) in [
        (
            cases.iter().chain([&control]).collect::<Vec<_>>(),
            &out,
            Some("svg,csv,json,html"),
        ),
        (full.iter().collect(), &out_full, None),
    ] {
        let mut cmd = sim_in(&work);
        cmd.arg("run")
            .args(files.iter().map(|c| &c.file))
            .arg("-o")
            .arg(dest);
        if let Some(f) = formats {
            cmd.args(["--format", f]);
        }
        cmd.assert().success();
        for case in files.iter().filter(|c| c.name != "control") {
            let dir = dest.join(&case.name);
            svgs += sorted_names(&dir)
                .iter()
                .filter(|f| f.ends_with(".svg"))
                .count();
            runs.push(json!({"dir": dir, "description": case.description,
                "arms": case.arms, "allowed": output_names(), "scenario": case.file}));
        }
    }

    let issue_module = mods.join("issue15.py");
    let manifest = json!({
        "sentinel": SENTINEL,
        "control": mods.join("control.py"),
        "simulate": [issue_module],
        "modules": modules,
        "sbml": sbml,
        "runs": runs,
    });
    let report = check(&manifest, tmp.path(), &work);
    println!("corpus of {} strings: {}", corpus.len(), report["counts"]);
    assert_no_problems(&report);
    let counts = &report["counts"];
    assert_eq!(counts["modules"], modules.len());
    assert_eq!(counts["sbml"], sbml.len());
    assert_eq!(counts["svg"], svgs);
    assert_eq!(counts["csv"], runs.len());
    assert_eq!(counts["json"], runs.len());
    // Every one-per-string scenario also has its report.
    assert_eq!(counts["html"], cases.len());
    assert_eq!(counts["simulated"], 1);

    assert!(
        sorted_names(&work).is_empty(),
        "something was written outside --out: {:?}",
        sorted_names(&work)
    );
    assert!(find_named(tmp.path(), SENTINEL).is_empty(), "a payload ran");
    assert_eq!(
        sorted_names(&out).len(),
        cases.len() + 1,
        "one folder per scenario under --out"
    );
}

/// Without `--out`, `sim run` writes only under `plots/<scenario name>/` of
/// the working directory, and `sim export` without `-o` writes nothing.
#[test]
fn outputs_without_out_stay_under_plots_and_arm_names_never_become_paths() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = tmp.path().join("work");
    fs::create_dir(&work).expect("create folder");
    let file = tmp.path().join("paths.toml");
    let arms = ["../../escaped", "a/b", "/etc/passwd", "..", "C:\\x", "~"];
    fs::write(&file, scenario_text("paths", "../../x", &arms)).expect("write scenario");
    sim_in(&work)
        .arg("run")
        .arg(&file)
        .args(["--format", "svg,csv,json"])
        .assert()
        .success();
    sim_in(&work)
        .args(["export", "python"])
        .arg(&file)
        .args(["--arm", "a/b"])
        .assert()
        .success();
    assert_eq!(sorted_names(&work), ["plots"]);
    assert_eq!(sorted_names(&work.join("plots")), ["paths"]);
    let written = sorted_names(&work.join("plots").join("paths"));
    assert!(
        written.contains(&"timeseries.csv".to_string()),
        "{written:?}"
    );
    assert!(
        written
            .iter()
            .all(|f| f.ends_with(".svg") || f.ends_with(".csv") || f.ends_with(".json")),
        "{written:?}"
    );
    assert!(
        !tmp.path().join("escaped").exists() && !tmp.path().join("x").exists(),
        "an arm name or the description became a path"
    );
}

/// A printable character, weighted towards the ones escaping must handle.
fn printable_char() -> impl Strategy<Value = char> {
    let special = vec![
        '"', '\'', '\\', '{', '}', '%', '<', '>', '&', ']', '#', 'N', 'x', 'u', '\u{2028}',
        '\u{2029}', '\u{a0}', '\u{301}', '毛', '😀',
    ];
    prop_oneof![
        3 => proptest::char::range(' ', '~'),
        2 => proptest::sample::select(special),
        // Any character outside Unicode's "Other" categories (controls, format
        // characters, unassigned, private use, surrogates).
        2 => proptest::string::string_regex("\\PC")
            .expect("valid regex")
            .prop_map(|s| s.chars().next().unwrap_or('?')),
    ]
}

/// Random printable text made valid the way a user would: trimmed, and (for an
/// arm name) not starting like a spreadsheet formula.
fn printable(max: usize, arm: bool) -> impl Strategy<Value = String> {
    proptest::collection::vec(printable_char(), 0..max).prop_map(move |chars| {
        let s: String = chars.into_iter().collect::<String>().trim().to_string();
        if arm && (s.is_empty() || s.starts_with(['=', '+', '-', '@'])) {
            format!("x{s}")
        } else {
            s
        }
    })
}

/// Cases per property run, and strings per case (one Python process each).
const PROPERTY_CASES: u32 = 6;
const STRINGS_PER_CASE: usize = 40;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: PROPERTY_CASES,
        max_shrink_iters: 24,
        ..ProptestConfig::default()
    })]

    /// Random printable arm names and descriptions, through the validator and
    /// the Python exporter (the library, as `sim export python` calls it): every
    /// module compiles, imports quietly and reads both strings back exactly.
    #[test]
    fn random_names_round_trip_through_the_python_export(
        pairs in proptest::collection::vec(
            (printable(MAX_NAME_CHARS, true), printable(MAX_DESCRIPTION_CHARS + 1, false)),
            STRINGS_PER_CASE,
        )
    ) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let work = tmp.path().join("work");
        fs::create_dir(&work).expect("create folder");
        let mut modules = Vec::new();
        for (k, (arm, description)) in pairs.iter().enumerate() {
            let text = scenario_text("prop", description, &[arm]);
            let sc = hairsim::scenario::parse("prop.toml", &text)
                .unwrap_or_else(|e| panic!("{arm:?} / {description:?} refused: {e}"));
            prop_assert_eq!(&sc.arms[0].name, arm);
            prop_assert_eq!(&sc.description, description);
            let model = hairsim::export::ArmModel::new(&sc, &sc.arms[0]);
            let path = tmp.path().join(format!("m{k}.py"));
            fs::write(&path, hairsim::export::python::to_python(&model)).expect("write module");
            modules.push(json!({"path": path, "scenario": "prop", "description": description,
                "arm": arm, "treatments": ["finasteride 1 mg daily"]}));
        }
        let control = tmp.path().join("m0.py");
        let report = check(
            &json!({"sentinel": SENTINEL, "control": control, "modules": modules}),
            tmp.path(),
            &work,
        );
        assert_no_problems(&report);
        prop_assert_eq!(&report["counts"]["modules"], &json!(STRINGS_PER_CASE));
        prop_assert!(sorted_names(&work).is_empty());
    }
}
