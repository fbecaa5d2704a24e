//! The committed gallery (plots/combo/) is exactly what `sim run
//! scenarios/combo.toml` produces now, so the README never shows stale charts.
//! If this fails after an intended change, regenerate with
//! `cargo run --release -- run scenarios/combo.toml` and commit plots/combo/.

mod common;
use common::{files_in, root, sim};
use std::fs;

#[test]
fn committed_combo_charts_are_up_to_date() {
    let fresh = tempfile::tempdir().unwrap();
    sim()
        .args(["run", "scenarios/combo.toml", "--out"])
        .arg(fresh.path())
        .assert()
        .success();
    let committed = root().join("plots/combo");
    let names = |d: &std::path::Path| -> Vec<String> {
        files_in(d)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        names(&committed),
        names(fresh.path()),
        "plots/combo/ holds exactly the files sim writes"
    );
    for f in files_in(fresh.path()) {
        let name = f.file_name().unwrap();
        let old = fs::read(committed.join(name)).unwrap();
        assert!(old == fs::read(&f).unwrap(), "plots/combo/{} is stale: regenerate with `cargo run --release -- run scenarios/combo.toml`", name.to_string_lossy());
    }
}
