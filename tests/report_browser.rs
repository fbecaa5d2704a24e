//! The HTML report in a real browser: `sim report` on every shipped scenario
//! (and combo in Japanese), opened from disk in Debian's headless Chromium
//! with every request but the page's own file failed. The browser is driven
//! over the DevTools protocol by tests/python/browser_check.py, which reports
//! facts; this file judges them: no console error or exception, no request,
//! every section present, the label on top and visible in the screenshot,
//! alt text on every figure, hover and keyboard readouts, the arm toggles and
//! the what-if slider changing what is drawn, and a sensible print page count.
//!
//! Chromium comes from tools/browser-env (Debian's `chromium` package), which
//! .ci/run calls; the test fails, never skips, without it. A page built to be
//! broken checks that the checks can fail.

mod common;

use common::{chromium, python, root, scenario, shipped_scenarios, sim};
use hairsim::i18n::{Key, Lang};
use hairsim::report::Section;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// What the browser met on one page.
fn open(report: &Path, out: &Path) -> Value {
    let script = root().join("tests").join("python").join("browser_check.py");
    let o = Command::new(python())
        .arg(&script)
        .arg(chromium())
        .arg(report)
        .arg(out)
        .output()
        .expect("python runs");
    assert!(
        o.status.success(),
        "browser_check.py failed on {}:\n{}",
        report.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("browser_check.py prints JSON")
}

/// `sim report SCENARIO --lang LANG --out DIR`; the report's path.
fn report(scenario: &Path, lang: Lang, dir: &Path) -> std::path::PathBuf {
    sim()
        .arg("report")
        .arg(scenario)
        .args(["--lang", lang.name(), "--out"])
        .arg(dir)
        .assert()
        .success();
    dir.join("report.html")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Share of the pixels in the top `rows` rows of a PNG screenshot that are
/// the label's background (#FFF4D6), and of those that are dark (its text).
fn label_pixels(png_file: &Path, rows: u32) -> (f64, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).expect("screenshot exists"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let (mut bg, mut dark, mut n) = (0usize, 0usize, 0usize);
    for y in 0..rows.min(info.height) {
        for x in 0..info.width {
            let i = (y as usize * info.line_size) + x as usize * channels;
            let (r, g, b) = (buf[i], buf[i + 1], buf[i + 2]);
            n += 1;
            if r.abs_diff(0xFF) < 4 && g.abs_diff(0xF4) < 4 && b.abs_diff(0xD6) < 4 {
                bg += 1;
            }
            if u32::from(r) + u32::from(g) + u32::from(b) < 3 * 110 {
                dark += 1;
            }
        }
    }
    (bg as f64 / n as f64, dark as f64 / n as f64)
}

/// Every check of one report.
fn check(report: &Path, out: &Path, sections: &[&str], lang: Lang) {
    let f = open(report, out);
    let name = report.display();
    assert_eq!(
        strings(&f["errors"]),
        Vec::<String>::new(),
        "{name}: console errors"
    );
    assert_eq!(
        strings(&f["requests"]),
        Vec::<String>::new(),
        "{name}: requests left the page"
    );
    assert_eq!(strings(&f["sections"]), sections, "{name}: sections");
    assert_eq!(f["lang"], lang.name(), "{name}");
    assert_eq!(
        f["figures_without_alt"], 0,
        "{name}: figures without alt text"
    );

    // The label: first on the page, not covered, and drawn.
    let short = lang.get(Key::LabelShort);
    let top = &f["label_top"];
    assert_eq!(top["top"].as_f64(), Some(0.0), "{name}: {top}");
    assert_eq!(top["onTop"], true, "{name}: the label is covered: {top}");
    assert!(
        top["text"].as_str().is_some_and(|t| t.contains(short)),
        "{name}: {top}"
    );
    assert!(
        f["label_bottom"]
            .as_str()
            .is_some_and(|t| t.contains(short)),
        "{name}: footer {}",
        f["label_bottom"]
    );
    let height = top["height"].as_f64().unwrap_or(0.0);
    assert!(height > 30.0, "{name}: label {height} px high");
    let (bg, dark) = label_pixels(&out.join("top.png"), height as u32 - 4);
    assert!(
        bg > 0.5,
        "{name}: only {bg:.2} of the label band is its colour"
    );
    assert!(
        dark > 0.01,
        "{name}: no text drawn in the label ({dark:.3} dark)"
    );

    // The fonts came from the page itself.
    let fonts = strings(&f["fonts"]);
    assert!(
        fonts.iter().any(|x| x == "DejaVu Sans"),
        "{name}: {fonts:?}"
    );
    if lang == Lang::Ja {
        assert!(
            fonts.iter().any(|x| x == "IPAexGothic"),
            "{name}: {fonts:?}"
        );
    }

    // Hover, keys, toggles, slider.
    let i = &f["interaction"];
    let lines = |v: &Value| strings(v);
    let arms = lines(&i["before"]["explore"]).len();
    assert!(arms >= 1, "{name}: the explorer drew nothing");
    assert_eq!(i["before"]["readout"], "", "{name}");
    let hovered = i["hovered"]["readout"].as_str().unwrap_or("");
    assert!(
        !hovered.is_empty(),
        "{name}: hovering the chart shows no values"
    );
    let keyed = i["keyed"]["readout"].as_str().unwrap_or("");
    assert!(
        !keyed.is_empty() && keyed != hovered,
        "{name}: End did not move the readout"
    );
    if arms > 1 {
        let toggled = lines(&i["toggled"]["explore"]);
        assert_eq!(
            toggled.len(),
            arms - 1,
            "{name}: Space on the 2nd arm's box"
        );
        assert_eq!(i["toggled"]["checked"][1], false, "{name}");
    }
    let slider = &i["slider"];
    if sections.contains(&Section::WhatIf.id()) {
        assert_eq!(slider["value"], "2", "{name}: two ArrowRight from Home");
        let (a, b) = (&slider["start"], &slider["moved"]);
        assert_eq!(
            lines(&a["whatIf"]).len(),
            lines(&b["whatIf"]).len(),
            "{name}"
        );
        assert_ne!(
            a["whatIf"], b["whatIf"],
            "{name}: the slider changed no line"
        );
        assert_ne!(a["whatIfValue"], b["whatIfValue"], "{name}");
        assert_ne!(a["whatIfTable"], b["whatIfTable"], "{name}");
    } else {
        assert!(
            slider.is_null(),
            "{name}: a slider without [report.what_if]"
        );
    }

    // Printing: the interactive parts are hidden, the rest fits a few pages.
    let pages = f["pdf_pages"].as_u64().unwrap_or(0);
    assert!((3..=40).contains(&pages), "{name}: {pages} printed pages");
}

fn expected_sections(path: &Path) -> Vec<&'static str> {
    let sc = hairsim::scenario::load(path).expect("shipped scenario is valid");
    Section::ALL
        .into_iter()
        .filter(|s| s.applies_to(&sc))
        .map(Section::id)
        .collect()
}

#[test]
fn every_shipped_scenario_s_report_works_offline_in_chromium() {
    for path in shipped_scenarios() {
        let dir = tempfile::tempdir().unwrap();
        let html = report(&path, Lang::En, &dir.path().join("out"));
        check(
            &html,
            &dir.path().join("browser"),
            &expected_sections(&path),
            Lang::En,
        );
    }
}

#[test]
fn the_combo_report_works_in_japanese() {
    let path = scenario("combo");
    let dir = tempfile::tempdir().unwrap();
    let html = report(&path, Lang::Ja, &dir.path().join("out"));
    check(
        &html,
        &dir.path().join("browser"),
        &expected_sections(&path),
        Lang::Ja,
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains(Lang::Ja.get(Key::LabelShort)));
}

/// The checks themselves: a page that loads something from outside, throws,
/// and has no sections or label must fail them.
#[test]
fn a_broken_page_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        r#"<!DOCTYPE html><html lang="en"><body><h1>broken</h1>
<img src="https://example.invalid/pixel.png" alt="">
<svg width="10" height="10"></svg>
<script>console.error("boom"); missing_function();</script></body></html>"#,
    )
    .unwrap();
    let f = open(&page, &dir.path().join("browser"));
    let requests = strings(&f["requests"]);
    assert!(
        requests.iter().any(|r| r.contains("example.invalid")),
        "the outside image was not seen: {requests:?}"
    );
    let errors = strings(&f["errors"]);
    assert!(errors.iter().any(|e| e.contains("boom")), "{errors:?}");
    assert!(
        errors.iter().any(|e| e.contains("missing_function")),
        "{errors:?}"
    );
    assert_eq!(strings(&f["sections"]), Vec::<String>::new());
    assert!(f["label_top"].is_null());
    assert_eq!(f["figures_without_alt"], 1);
    let result = std::panic::catch_unwind(|| {
        check(&page, &dir.path().join("again"), &["scenario"], Lang::En)
    });
    assert!(result.is_err(), "check() passed a broken page");
}

/// Scenario text that would be markup or script if it were not escaped
/// stays text in the browser: nothing runs, nothing is fetched.
#[test]
fn a_hostile_scenario_s_report_runs_nothing_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hostile.toml");
    std::fs::write(
        &file,
        r#"[scenario]
name = "hostile"
description = "</script><script>console.error('ran')</script> <img src=x onerror=console.error('ran')>"
duration = "90 days"

[[arm]]
name = "\"/><svg onload=console.error('ran')>"
[[arm.treatment]]
kind = "custom"
target = "dht"
delivery = "continuous"
effect = -0.5

[[arm]]
name = "<iframe src=\"https://example.invalid/\"></iframe>"

[[arm]]
name = "untreated"
"#,
    )
    .unwrap();
    let html = report(&file, Lang::En, &dir.path().join("out"));
    check(
        &html,
        &dir.path().join("browser"),
        &expected_sections(&file),
        Lang::En,
    );
}
