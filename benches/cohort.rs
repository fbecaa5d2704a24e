//! Criterion benches of virtual cohorts on the shipped `scenarios/cohort.toml`:
//! cost per patient count (should be linear) for the whole six-arm cohort.

mod common;
use common::load;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hairsim::population;
use std::hint::black_box;

fn patients(c: &mut Criterion) {
    let sc = load("cohort");
    let mut group = c.benchmark_group("cohort_patients");
    group.sample_size(10);
    for n in [16u32, 64, 256] {
        let Some(mut pop) = sc.population.clone() else {
            panic!("cohort.toml has a [population]");
        };
        pop.size = n;
        group.bench_with_input(BenchmarkId::from_parameter(n), &pop, |b, pop| {
            b.iter(|| population::run(black_box(&sc), pop, &|_| {}))
        });
    }
    group.finish();
}

criterion_group!(benches, patients);
criterion_main!(benches);
