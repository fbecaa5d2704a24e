//! Criterion bench of the scalp-map animation (issue 22's figure: a 20-year
//! animation with monthly frames, 100,000 follicles per arm, ≤ 10 s with its
//! encoding) on `scenarios/pattern.toml`: the whole map (the ODE, following
//! the three arms' follicles, the GIF and the contact sheet), and the GIF's
//! drawing and encoding alone, for one arm and for the three side by side.

mod common;
use common::load;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hairsim::follicles::pictures::{pictures, Drawn, PictureOptions};
use hairsim::follicles::render::Look;
use hairsim::follicles::render::{map_frame, map_gif, Reel};
use hairsim::follicles::scalp::ScalpLayout;
use hairsim::follicles::{frames, FollicleSettings, Frame};
use hairsim::i18n::Lang;
use std::hint::black_box;

fn scalp_map(c: &mut Criterion) {
    let sc = load("pattern");
    let settings = FollicleSettings::default();
    let mut group = c.benchmark_group("scalp_map_20y_monthly");
    group.sample_size(10);
    let options = PictureOptions {
        drawn: Drawn {
            map: true,
            patch: false,
        },
        ..PictureOptions::default()
    };
    group.bench_function("whole_map_3_arms", |b| {
        b.iter(|| pictures(black_box(&sc), &settings, &options))
    });
    let layout = match ScalpLayout::new(sc.patient.params.follicle_density_per_cm2, settings.seed) {
        Ok(l) => l,
        Err(e) => panic!("the scalp layout: {e}"),
    };
    let month = 365.25 / 12.0;
    let times: Vec<f64> = (0..=240).map(|m| f64::from(m) * month).collect();
    let arms: Vec<Vec<Frame<Look>>> = (0..sc.arms.len())
        .map(
            |arm| match frames(&sc, &settings, arm, layout.sites(), &times) {
                Ok(f) => f.iter().map(map_frame).collect(),
                Err(e) => panic!("following arm {arm}: {e}"),
            },
        )
        .collect();
    for n in [1usize, 3] {
        let reel = Reel {
            title: "Scalp map",
            scenario: "pattern",
            lang: Lang::En,
            arms: &arms[..n],
        };
        group.bench_with_input(BenchmarkId::new("gif_arms", n), &reel, |b, reel| {
            b.iter(|| map_gif(black_box(&layout), reel))
        });
    }
    group.finish();
}

criterion_group!(benches, scalp_map);
criterion_main!(benches);
