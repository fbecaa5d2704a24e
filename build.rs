//! Records the compiler and solver-crate versions for `sim bench` footers.

use std::process::Command;

fn lock_version(lock: &str, name: &str) -> String {
    let needle = format!("name = \"{name}\"\nversion = \"");
    lock.find(&needle)
        .and_then(|i| {
            let rest = &lock[i + needle.len()..];
            rest.find('"').map(|j| rest[..j].to_string())
        })
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "rustc (unknown)".into());
    println!("cargo:rustc-env=HAIRSIM_RUSTC_VERSION={version}");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    println!(
        "cargo:rustc-env=HAIRSIM_SOLVER_CRATES=ode_solvers {} · diffsol {} · nalgebra {}/{}",
        lock_version(&lock, "ode_solvers"),
        lock_version(&lock, "diffsol"),
        lock_version(&lock, "nalgebra"),
        lock.match_indices("name = \"nalgebra\"\nversion = \"")
            .nth(1)
            .map(|(i, m)| {
                let rest = &lock[i + m.len()..];
                rest[..rest.find('"').unwrap_or(0)].to_string()
            })
            .unwrap_or_else(|| "?".into())
    );
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
}
