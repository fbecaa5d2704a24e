//! Criterion benches of the follicle-level simulator on the shipped
//! `scenarios/combo.toml` (six arms, three years): cost per follicle count
//! (should be linear in follicles, as each follicle's transitions are), and
//! the figure, 100,000 follicles × 6 arms.

mod common;
use common::load;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hairsim::follicles::{simulate_follicles, FollicleSettings};
use std::hint::black_box;

fn follicles(c: &mut Criterion) {
    let sc = load("combo");
    let mut group = c.benchmark_group("follicles_combo_6_arms");
    group.sample_size(10);
    for n in [10_000u32, 100_000, 1_000_000] {
        let settings = FollicleSettings {
            follicles: n,
            ..FollicleSettings::default()
        };
        group.bench_with_input(BenchmarkId::from_parameter(n), &settings, |b, s| {
            b.iter(|| simulate_follicles(black_box(&sc), s))
        });
    }
    group.finish();
}

criterion_group!(benches, follicles);
criterion_main!(benches);
