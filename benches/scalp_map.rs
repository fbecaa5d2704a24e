//! Criterion bench of the scalp-map animation (issue 22's figure: a 20-year
//! animation with monthly frames, 100,000 follicles per arm, ≤ 10 s with its
//! encoding): `scenarios/pattern.toml`'s follicles are followed once, outside
//! the timing; what is timed is drawing and encoding the GIF, for one arm and
//! for the scenario's three arms side by side.

mod common;
use common::load;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hairsim::follicles::render::{map_gif, Reel};
use hairsim::follicles::scalp::ScalpLayout;
use hairsim::follicles::{frames, FollicleSettings, Frame};
use std::hint::black_box;

fn scalp_map(c: &mut Criterion) {
    let sc = load("pattern");
    let settings = FollicleSettings::default();
    let layout = match ScalpLayout::new(sc.patient.params.follicle_density_per_cm2, settings.seed) {
        Ok(l) => l,
        Err(e) => panic!("the scalp layout: {e}"),
    };
    let month = 365.25 / 12.0;
    let times: Vec<f64> = (0..=240).map(|m| f64::from(m) * month).collect();
    let arms: Vec<Vec<Frame>> = (0..sc.arms.len())
        .map(
            |arm| match frames(&sc, &settings, arm, layout.sites(), &times) {
                Ok(f) => f,
                Err(e) => panic!("following arm {arm}: {e}"),
            },
        )
        .collect();
    let mut group = c.benchmark_group("scalp_map_gif_20y_monthly");
    group.sample_size(10);
    for n in [1usize, 3] {
        let reel = Reel {
            title: "Scalp map",
            scenario: "pattern",
            arms: &arms[..n],
        };
        group.bench_with_input(BenchmarkId::new("arms", n), &reel, |b, reel| {
            b.iter(|| map_gif(black_box(&layout), reel))
        });
    }
    group.finish();
}

criterion_group!(benches, scalp_map);
criterion_main!(benches);
