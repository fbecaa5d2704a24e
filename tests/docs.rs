//! The docs stay true to the code: the generated tables in docs/MODEL.md match
//! `sim model --markdown`, and the README's scenario example is a valid scenario.

mod common;
use common::{root, sim};
use std::fs;

const BEGIN: &str = "<!-- BEGIN GENERATED: sim model --markdown -->\n";
const END: &str = "<!-- END GENERATED -->";

#[test]
fn model_md_tables_match_sim_model() {
    let doc = fs::read_to_string(root().join("docs/MODEL.md")).unwrap();
    let start = doc
        .find(BEGIN)
        .expect("docs/MODEL.md has the generated section")
        + BEGIN.len();
    let end = doc[start..].find(END).expect("generated section is closed") + start;
    let out = sim().args(["model", "--markdown"]).assert().success();
    let generated = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    if std::env::var_os("HAIRSIM_UPDATE_DOCS").is_some() {
        let updated = format!("{}{generated}{}", &doc[..start], &doc[end..]);
        fs::write(root().join("docs/MODEL.md"), updated).unwrap();
        return;
    }
    assert!(
        doc[start..end].trim() == generated.trim(),
        "docs/MODEL.md is out of date: run `HAIRSIM_UPDATE_DOCS=1 cargo test --release --test docs` and commit it"
    );
}

#[test]
fn readme_states_the_disclaimer_first_and_its_toml_example_is_valid() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let first_para = readme
        .split("\n\n")
        .find(|p| !p.trim_start().starts_with('#'))
        .unwrap_or("");
    assert!(
        first_para.contains("not clinical guidance"),
        "README opens with the disclaimer"
    );
    assert!(readme.contains("cargo run --release -- run scenarios/combo.toml"));
    assert!(readme.contains("cargo test --release"));
    let ci = fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(
        ci.contains("cargo test --release"),
        ".ci/run runs the README's test command"
    );
    let mut examples = 0;
    for block in readme.split("```toml\n").skip(1) {
        let text = block.split("```").next().unwrap();
        hairsim::scenario::parse("README.md", text)
            .unwrap_or_else(|e| panic!("README example: {e}"));
        examples += 1;
    }
    assert!(examples >= 1, "README shows a scenario example");
}
