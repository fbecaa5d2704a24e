//! Criterion benches on the same scenario files the tests use: one RHS
//! evaluation, each method on the richest arm of combo.toml, and the whole
//! combo scenario.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hairsim::model::HairModel;
use hairsim::scenario::{self, Scenario};
use hairsim::simulation::{output_grid, simulate, simulate_arm};
use hairsim::solve::{Method, SolverSettings};
use hairsim::steady_state::steady_state;
use std::path::Path;

fn combo() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/combo.toml");
    match scenario::load(&path) {
        Ok(s) => s,
        Err(e) => panic!("benches need scenarios/combo.toml: {e}"),
    }
}

fn rhs(c: &mut Criterion) {
    let sc = combo();
    let p = sc.patient.params;
    let model = HairModel::untreated(p);
    let y = steady_state(&p, sc.patient.terminal_fraction_start);
    let mut dy = y;
    c.bench_function("rhs/one_evaluation", |b| {
        b.iter(|| {
            model.derivatives(black_box(&y), &mut dy);
            black_box(&dy);
        })
    });
}

fn methods(c: &mut Criterion) {
    let sc = combo();
    let arm = &sc.arms[sc.arms.len() - 1];
    let grid = output_grid(sc.duration_days, sc.output_interval_days);
    let mut group = c.benchmark_group("combo_richest_arm");
    for method in Method::ALL {
        let s = SolverSettings {
            method,
            ..sc.solver
        };
        group.bench_function(method.name(), |b| {
            b.iter(|| simulate_arm(black_box(arm), sc.duration_days, &grid, &s))
        });
    }
    group.finish();
}

fn whole(c: &mut Criterion) {
    let sc = combo();
    c.bench_function("combo/all_arms", |b| b.iter(|| simulate(black_box(&sc))));
}

criterion_group!(benches, rhs, methods, whole);
criterion_main!(benches);
