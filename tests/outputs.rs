//! Issue 5: safe outputs. A run killed at any moment leaves only whole files; a
//! run that fails leaves earlier outputs untouched; unwritable folders and a
//! full disk give a clear error (exit code 1).

mod common;
use common::{files_in, root, run_fails, scenario, sim, sim_run};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const LABEL: &str = "Illustrative model — not clinical guidance";

/// Every file in `dir` is whole and labelled; returns the number of outputs
/// checked. Hidden `.NAME.tmp-PID` files (a killed run's staging) are allowed
/// and never taken for outputs.
fn assert_whole_and_labelled(dir: &Path) -> usize {
    let mut checked = 0;
    for f in files_in(dir) {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') {
            assert!(name.contains(".tmp-"), "unexpected hidden file {name}");
            continue;
        }
        let bytes = fs::read(&f).unwrap();
        match f.extension().and_then(|e| e.to_str()) {
            Some("csv") => {
                let text = String::from_utf8(bytes).expect("CSV is UTF-8");
                assert!(text.starts_with(&format!("# {LABEL}")), "{name}");
                assert!(text.ends_with('\n'), "{name} is torn");
                let mut lines = text.lines().skip(1);
                let width = lines.next().unwrap().split(',').count();
                for l in lines {
                    // Arm names here have no commas, so a plain split counts fields.
                    assert_eq!(l.split(',').count(), width, "{name}: torn row {l:?}");
                }
            }
            Some("json") => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON parses");
                assert!(v["disclaimer"].as_str().unwrap().starts_with(LABEL));
            }
            Some("svg") => {
                let text = String::from_utf8(bytes).expect("SVG is UTF-8");
                assert!(text.trim_end().ends_with("</svg>"), "{name} is torn");
                assert!(text.contains(LABEL), "{name} lacks the label");
            }
            Some("png") => {
                assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}");
                assert!(bytes.ends_with(b"IEND\xaeB`\x82"), "{name} is torn");
                let has_label = bytes.windows(10).any(|w| w == b"Disclaimer");
                assert!(has_label, "{name} lacks the Disclaimer chunk");
            }
            _ => panic!("unexpected file {name}"),
        }
        checked += 1;
    }
    checked
}

fn sim_path() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sim"))
}

/// Kill `sim run` at deterministic pseudo-random moments spanning a whole run
/// and check that every file present is whole and labelled after each kill.
#[test]
fn a_run_killed_at_any_moment_leaves_only_whole_files() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("prp");
    let run = || {
        Command::new(sim_path())
            .current_dir(root())
            .arg("run")
            .arg(scenario("prp"))
            .arg("--out")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // Whole runs first: the shortest sets the span of the kill delays (other
    // tests run in parallel, so one run's length is a noisy measure).
    let mut full = f64::INFINITY;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        assert!(run().wait().unwrap().success());
        full = full.min(start.elapsed().as_secs_f64());
    }
    let full = full.max(0.05);
    assert_eq!(assert_whole_and_labelled(&dir), 16);

    let mut seed: u64 = 0x5eed_1234;
    let mut kills = 0;
    for _ in 0..30 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let frac = (seed >> 11) as f64 / (1u64 << 53) as f64;
        let mut child = run();
        std::thread::sleep(Duration::from_secs_f64(frac * full));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        assert_whole_and_labelled(&dir);
    }
    // Delays span the shortest whole run, so nearly every run is cut short.
    assert!(kills >= 5, "only {kills} of 30 runs were killed mid-way");
    // The next run cleans the hidden leftovers of the killed ones.
    assert!(run().wait().unwrap().success());
    let hidden: Vec<_> = files_in(&dir)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "stale temp files left: {hidden:?}");
    assert_eq!(assert_whole_and_labelled(&dir), 16);
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_in(dir)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

/// The same scenario name as `baseline.toml`, with a step budget it cannot meet.
fn failing_baseline(dir: &Path) -> PathBuf {
    let text = fs::read_to_string(scenario("baseline"))
        .unwrap()
        .replace("[patient]", "[solver]\nmax_steps = 1\n\n[patient]");
    let p = dir.join("failing.toml");
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_failed_run_leaves_earlier_outputs_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sim_run("scenarios/baseline.toml", &[], &out)
        .assert()
        .success();
    let before = snapshot(&out);
    let bad = failing_baseline(tmp.path());
    let err = run_fails(&bad, &[], &out);
    for part in [
        "nothing was written",
        "arm `healthy`",
        "auto needed more than 1 steps",
        "max_steps",
    ] {
        assert!(err.contains(part), "{part:?} missing in:\n{err}");
    }
    assert_eq!(snapshot(&out), before);
}

#[test]
fn an_output_folder_that_is_a_file_or_under_a_file_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plain");
    fs::write(&file, "x").unwrap();
    for out in [file.clone(), file.join("sub")] {
        let err = run_fails("scenarios/baseline.toml", &["--format", "csv"], &out);
        assert!(
            err.contains(&format!("cannot write {}", out.display())),
            "{err}"
        );
        assert_eq!(fs::read(&file).unwrap(), b"x");
    }
}

/// A folder where an output file should go: nothing is replaced, not even the
/// files that could have been written (outputs change together or not at all).
#[test]
fn a_folder_in_the_way_changes_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sim_run("scenarios/baseline.toml", &["--format", "csv,json"], &out)
        .assert()
        .success();
    fs::write(out.join("timeseries.csv"), "old").unwrap();
    fs::remove_file(out.join("summary.json")).unwrap();
    fs::create_dir(out.join("summary.json")).unwrap();
    let err = run_fails("scenarios/baseline.toml", &["--format", "csv,json"], &out);
    assert!(
        err.contains("summary.json: a folder of that name is in the way"),
        "{err}"
    );
    assert_eq!(fs::read(out.join("timeseries.csv")).unwrap(), b"old");
}

/// A small tmpfs mounted for the test: a real full disk and a real read-only
/// folder. Needs root (as in CI); skipped with a note elsewhere.
struct Mount(PathBuf);

impl Mount {
    fn new(at: &Path, options: &str) -> Option<Mount> {
        fs::create_dir_all(at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            Some(Mount(at.to_path_buf()))
        } else {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            None
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_a_clear_error_and_keeps_earlier_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(m) = Mount::new(&tmp.path().join("tiny"), "size=64k") else {
        return;
    };
    // Earlier outputs that fit; the new CSV (six arms, three years daily) does not.
    fs::write(m.0.join("timeseries.csv"), "old csv").unwrap();
    fs::write(m.0.join("summary.json"), "old json").unwrap();
    let err = run_fails("scenarios/combo.toml", &["--format", "csv,json"], &m.0);
    assert!(
        err.contains("timeseries.csv: No space left on device"),
        "{err}"
    );
    assert_eq!(fs::read(m.0.join("timeseries.csv")).unwrap(), b"old csv");
    assert_eq!(fs::read(m.0.join("summary.json")).unwrap(), b"old json");
    assert_eq!(files_in(&m.0).len(), 2, "temp files left behind");
}

#[cfg(target_os = "linux")]
#[test]
fn a_read_only_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(m) = Mount::new(&tmp.path().join("ro"), "ro,size=64k") else {
        return;
    };
    let err = run_fails("scenarios/baseline.toml", &["--format", "csv"], &m.0);
    assert!(err.contains("Read-only file system"), "{err}");
}

/// Names with markup, quotes and commas reach every output escaped: SVG text is
/// XML-escaped, the CSV field is quoted, JSON carries the exact name.
#[test]
fn markup_and_quotes_in_names_are_escaped_in_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("esc.toml");
    fs::write(
        &file,
        "[scenario]\nname = \"esc\"\ndescription = \"<script>alert(1)</script> & co\"\nduration = \"60 days\"\n\
         [[arm]]\nname = \"A<B & C\\\"D, E\"\n[[arm]]\nname = \"untreated\"\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    sim_run(&file, &[], &out).assert().success();
    let name = "A<B & C\"D, E";
    for f in files_in(&out) {
        let text = fs::read_to_string(&f).unwrap_or_default();
        match f.extension().and_then(|e| e.to_str()) {
            Some("svg") => {
                assert!(!text.contains("<script"), "{}", f.display());
                assert!(!text.contains("A<B"), "{}", f.display());
            }
            Some("csv") => {
                assert!(text
                    .lines()
                    .nth(2)
                    .unwrap()
                    .starts_with("\"A<B & C\"\"D, E\","));
            }
            Some("json") => {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(v["arms"][0]["name"], name);
                assert_eq!(v["description"], "<script>alert(1)</script> & co");
            }
            _ => {}
        }
    }
    let hair = fs::read_to_string(out.join("hair_count.svg")).unwrap();
    assert!(hair.contains("A&lt;B &amp; C&quot;D, E"));
}

/// The memory benchmark of docs/RELIABILITY.md stays a valid scenario.
#[test]
fn the_memory_benchmark_scenario_is_valid() {
    sim()
        .args(["check", "tests/data/century.toml"])
        .assert()
        .success();
}

/// An output name that is a symlink to a file elsewhere: the rename replaces
/// the link itself, so nothing outside the output folder is ever written.
#[cfg(unix)]
#[test]
fn a_symlinked_output_is_replaced_not_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("precious.txt");
    fs::write(&outside, "keep me").unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("timeseries.csv")).unwrap();
    sim_run("scenarios/baseline.toml", &["--format", "csv"], &out)
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&outside).unwrap(), "keep me");
    let meta = fs::symlink_metadata(out.join("timeseries.csv")).unwrap();
    assert!(meta.file_type().is_file());
}
