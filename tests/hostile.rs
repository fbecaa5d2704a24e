//! Issue 5: hostile scenario files. Every file in `tests/hostile/` (one case per
//! file: `NN_name.toml`, or `.bin` for bytes that are not text) goes through the
//! real binary, which must refuse it with exit code 2 and exactly the message
//! pinned in `NN_name.expected`, and must write nothing under `--out`. Cases
//! that cannot be committed as files (a missing file, a folder, a 2 MiB file, a
//! device, a pipe, …) are made in a temp dir; their goldens are in
//! `tests/hostile/generated/`, with the temp dir written as `<DIR>`.
//!
//! To re-pin after a deliberate change of wording: `UPDATE_GOLDEN=1 cargo test
//! --release --test hostile`, then review the diff of `tests/hostile/`.

mod common;
use common::{root, sim};
use std::fs;
use std::path::{Path, PathBuf};

fn hostile_dir() -> PathBuf {
    root().join("tests").join("hostile")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

/// stderr without the banner (the four lines from the first `─` rule to the second).
fn message(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let mut rules = 0;
    let mut out = String::new();
    for line in text.lines() {
        if rules < 2 {
            if line.starts_with('─') {
                rules += 1;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Compare with (or, when updating, write) a golden file; returns a failure note.
fn check_golden(golden: &Path, actual: &str) -> Option<String> {
    if updating() {
        fs::create_dir_all(golden.parent()?).ok()?;
        fs::write(golden, actual).ok()?;
        return None;
    }
    let expected = fs::read_to_string(golden).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{}:\n--- expected\n{expected}--- actual\n{actual}",
            golden.display()
        )
    })
}

/// `sim check FILE` and `sim run FILE --out DIR`: exit 2, pinned message, nothing written.
fn refuse(file_arg: &str, golden: &Path, replace: Option<&str>) -> Option<String> {
    let normalize = |s: String| match replace {
        Some(dir) => s.replace(dir, "<DIR>"),
        None => s,
    };
    let out = sim().args(["check", file_arg]).output().unwrap();
    let msg = normalize(message(&out.stderr));
    if out.status.code() != Some(2) {
        return Some(format!(
            "{file_arg}: `sim check` exited {:?}, not 2:\n{msg}",
            out.status.code()
        ));
    }
    if let Some(fail) = check_golden(golden, &msg) {
        return Some(fail);
    }
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("out");
    let out = sim()
        .args(["run", file_arg, "--out"])
        .arg(&dest)
        .output()
        .unwrap();
    let run_msg = normalize(message(&out.stderr));
    let first = msg.lines().next().unwrap_or_default();
    if out.status.code() != Some(2) || !run_msg.contains(first) || dest.exists() {
        return Some(format!(
            "{file_arg}: `sim run` exited {:?}, wrote {}, said:\n{run_msg}",
            out.status.code(),
            dest.exists()
        ));
    }
    None
}

fn finish(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} hostile case(s) failed (UPDATE_GOLDEN=1 re-pins deliberate changes):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_hostile_file_is_refused_with_its_pinned_message() {
    let mut cases: Vec<PathBuf> = fs::read_dir(hostile_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml" || x == "bin"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 50, "only {} hostile cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let golden = case.with_extension("expected");
        if let Some(f) = refuse(&format!("tests/hostile/{name}"), &golden, None) {
            failures.push(f);
        }
    }
    finish(failures);
}

#[test]
fn files_that_cannot_be_committed_are_refused_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let dir_s = dir.display().to_string();
    let gen = hostile_dir().join("generated");
    let mut cases: Vec<(&str, String)> = Vec::new();

    cases.push(("missing", format!("{dir_s}/missing.toml")));

    fs::create_dir(dir.join("folder.toml")).unwrap();
    cases.push(("directory", format!("{dir_s}/folder.toml")));

    let mut big = String::from("[scenario]\nname = \"big\"\nduration = \"1 year\"\n");
    while big.len() <= 2 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding\n");
    }
    fs::write(dir.join("big.toml"), &big).unwrap();
    cases.push(("oversized", format!("{dir_s}/big.toml")));

    fs::write(dir.join("plain"), "x").unwrap();
    cases.push(("parent_is_a_file", format!("{dir_s}/plain/x.toml")));

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("loop.toml"), dir.join("loop.toml")).unwrap();
        cases.push(("symlink_loop", format!("{dir_s}/loop.toml")));
    }
    #[cfg(target_os = "linux")]
    {
        // A device that never ends: must be refused, not read until memory runs out.
        cases.push(("device", "/dev/zero".to_string()));
        // A pipe: opening it would block forever waiting for a writer.
        let fifo = dir.join("pipe.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            cases.push(("fifo", format!("{dir_s}/pipe.toml")));
        }
        // A regular file whose read fails (EIO). Tests run as root, where
        // permission bits do not stop reads, so "unreadable" is shown this way.
        cases.push(("unreadable", "/proc/self/mem".to_string()));
    }

    let mut failures = Vec::new();
    for (name, path) in &cases {
        let golden = gen.join(format!("{name}.expected"));
        if let Some(f) = refuse(path, &golden, Some(&dir_s)) {
            failures.push(f);
        }
    }
    finish(failures);
}
