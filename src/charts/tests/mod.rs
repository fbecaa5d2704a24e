//! Chart tests on a synthetic result: every chart in both formats, determinism,
//! and the degenerate inputs that must fail cleanly or still draw. `visible.rs`
//! checks every shipped chart for arms that cannot be seen.

mod visible;

use super::*;
use crate::schedule::{Schedule, Treatment};
use crate::simulation::{ArmResult, TreatmentMarks};
use crate::solve::{SolveStats, SolverSettings};
use crate::trajectory::{Observables, Trajectory, N_COLUMNS};
use crate::treatment::TreatmentKind;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// `kind` at `dose` on `schedule`, as the simulation marks it.
fn marks(kind: TreatmentKind, dose: f64, schedule: Schedule) -> TreatmentMarks {
    let treatment = Treatment {
        kind,
        dose,
        schedule,
    };
    TreatmentMarks {
        kind: kind.name().to_string(),
        label: treatment.label(),
        treatment,
        windows: Vec::new(),
        sessions: Vec::new(),
    }
}

/// A treatment taken every day over `from..to` days.
fn continuous(kind: TreatmentKind, dose: f64, from: f64, to: f64) -> TreatmentMarks {
    let schedule = Schedule {
        start_days: from,
        stop_days: Some(to),
        every_days: 1.0,
        sessions: None,
        adherence: 1.0,
    };
    TreatmentMarks {
        windows: vec![(from, to)],
        ..marks(kind, dose, schedule)
    }
}

/// A treatment given as sessions on `days` (at least one).
fn sessions(kind: TreatmentKind, days: &[f64]) -> TreatmentMarks {
    let first = days.first().copied().unwrap_or(0.0);
    let schedule = Schedule {
        start_days: first,
        stop_days: None,
        every_days: days.get(1).map_or(1.0, |d| d - first),
        sessions: u32::try_from(days.len()).ok(),
        adherence: 1.0,
    };
    TreatmentMarks {
        sessions: days.to_vec(),
        ..marks(kind, 1.0, schedule)
    }
}

/// Plausible observables for one arm: `gain` is the hair count change reached
/// after two years, `spike` the extra shedding in the first weeks.
fn arm(name: &str, treatments: Vec<TreatmentMarks>, gain: f64, spike: f64, dht: f64) -> ArmResult {
    let session_days: Vec<f64> = treatments.iter().flat_map(|t| t.sessions.clone()).collect();
    let mut times_days = Vec::new();
    let mut rows = Vec::new();
    for k in 0..=365 {
        let t = 2.0 * f64::from(k);
        let ramp = 1.0 - (-t / 120.0).exp();
        let wave = 0.004 * (t / 90.0).sin();
        let pulse: f64 = session_days
            .iter()
            .filter(|&&s| t >= s)
            .map(|&s| (-(t - s) / 10.0).exp())
            .sum();
        let burst = spike * (-((t - 24.0) / 12.0).powi(2)).exp();
        let anagen = 0.85 + 0.03 * gain * ramp + wave - 0.0004 * burst;
        let catagen = 0.01 + 0.0002 * burst;
        let telogen = 0.09 - 0.02 * gain * ramp - wave;
        let kenogen = 1.0 - anagen - catagen - telogen;
        times_days.push(t);
        rows.push(Observables {
            anagen,
            catagen,
            telogen,
            kenogen,
            hair_count: 88_000.0 * (1.0 + gain * ramp - 0.00004 * t),
            hair_density_per_cm2: 160.0,
            shedding_per_day: 80.0 * (1.0 - 0.3 * gain * ramp) + burst,
            mean_diameter_um: 70.0,
            terminal_vellus_ratio: 4.0,
            dht: 1.0 - (1.0 - dht) * (1.0 - (-t / 5.0).exp()),
            inflammation: 0.3 + 0.05 * (t / 60.0).sin() + 0.2 * pulse,
            growth_factor: pulse,
            stimulation: 0.6 * pulse,
            follicles_present: 100_000.0 - 0.5 * t,
            niche_intact: 0.9,
            androgen_sensitivity: 1.0,
            macrophage_m2: 0.4,
            native_hair_count: 88_000.0 * (1.0 + gain * ramp - 0.00004 * t),
            graft_hair_count: 0.0,
            graft_follicles: 0.0,
            growth_speed_mm_per_day: 0.33 * (1.0 + 0.1 * pulse),
            hair_mass_index: 60.0 * (1.0 + gain * ramp),
        });
    }
    ArmResult {
        name: name.to_string(),
        treatments,
        trajectory: Trajectory { times_days, rows },
        stats: SolveStats::default(),
        grafts: None,
    }
}

/// The one place that builds a whole result, so solver changes touch only here.
fn result_with(arms: Vec<ArmResult>) -> SimulationResult {
    SimulationResult {
        scenario: "chart-demo".to_string(),
        description: "Untreated scalp against five illustrative treatment arms over two years"
            .to_string(),
        duration_days: 730.0,
        endpoint_times_days: vec![182.625, 365.25, 730.0],
        solver: SolverSettings::default(),
        arms,
        population: None,
    }
}

fn fixture() -> SimulationResult {
    let prp_days = [0.0, 28.0, 56.0, 240.0, 420.0, 600.0];
    let lllt_days: Vec<f64> = (0..104).map(|w| 7.0 * f64::from(w)).collect();
    result_with(vec![
        arm("untreated", Vec::new(), -0.02, 0.0, 1.0),
        arm(
            "finasteride",
            vec![continuous(TreatmentKind::Finasteride, 1.0, 0.0, 730.0)],
            0.06,
            0.0,
            0.35,
        ),
        arm(
            "minoxidil",
            vec![continuous(TreatmentKind::MinoxidilTopical, 5.0, 0.0, 730.0)],
            0.08,
            140.0,
            1.0,
        ),
        arm(
            "combination",
            vec![
                continuous(TreatmentKind::Finasteride, 1.0, 0.0, 365.0),
                continuous(TreatmentKind::MinoxidilTopical, 5.0, 0.0, 730.0),
            ],
            0.12,
            120.0,
            0.35,
        ),
        arm(
            "prp",
            vec![sessions(TreatmentKind::Prp, &prp_days)],
            0.03,
            0.0,
            1.0,
        ),
        arm(
            "lllt",
            vec![sessions(TreatmentKind::LowLevelLaser, &lllt_days)],
            0.02,
            0.0,
            1.0,
        ),
    ])
}

fn svg_text(result: &SimulationResult, kind: ChartKind) -> String {
    let bytes = render(result, kind, ImageFormat::Svg).expect("svg renders");
    String::from_utf8(bytes).expect("svg is UTF-8")
}

#[test]
fn every_svg_has_title_footer_and_arm_names() {
    let result = fixture();
    for kind in ChartKind::ALL.into_iter().filter(|k| k.applies_to(&result)) {
        let svg = svg_text(&result, kind);
        assert!(svg.starts_with("<svg"), "{kind:?}");
        assert!(
            svg.contains(&crate::label::footer(&result.scenario)),
            "footer in {kind:?}"
        );
        assert!(
            svg.contains(&title(&result, kind, Lang::En)),
            "title in {kind:?}"
        );
        for arm in &result.arms {
            assert!(svg.contains(&arm.name), "arm {} in {kind:?}", arm.name);
        }
    }
}

/// `--lang ja`: every chart's title, footer and axis names come from the
/// Japanese table, no English chart text is left, and the PNG renders the
/// Japanese with the bundled IPAex Gothic (not as empty boxes: it differs
/// from the same chart with the text blanked out).
#[test]
fn japanese_charts_have_japanese_text_throughout() {
    let result = fixture();
    let kinds: Vec<ChartKind> = ChartKind::ALL
        .into_iter()
        .filter(|k| k.applies_to(&result))
        .collect();
    let files = render_all(&result, &kinds, &[ImageFormat::Svg], Lang::Ja).expect("renders");
    for file in &files {
        let svg = String::from_utf8(file.bytes.clone()).expect("UTF-8");
        let kind = file.kind;
        assert!(svg.contains(&Lang::Ja.footer(&result.scenario)), "{kind:?}");
        assert!(svg.contains(&title(&result, kind, Lang::Ja)), "{kind:?}");
        for english in ["Time (months)", "Hair count", "not clinical", "months"] {
            assert!(!svg.contains(english), "{kind:?} still says {english:?}");
        }
    }
    let png = render_all(
        &result,
        &[ChartKind::HairCount],
        &[ImageFormat::Png],
        Lang::Ja,
    )
    .expect("renders");
    assert_eq!(png[0].bytes[..8], PNG_SIGNATURE);
    let svg = String::from_utf8(files[0].bytes.clone()).expect("UTF-8");
    let blanked = svg.replace(Lang::Ja.get(Key::LaneHead), "");
    let a = raster::rgb(&svg).expect("rasterizes");
    let b = raster::rgb(&blanked).expect("rasterizes");
    assert!(a.rgb != b.rgb, "the Japanese lane heading drew nothing");
}

#[test]
fn every_png_is_a_png() {
    let result = fixture();
    for kind in ChartKind::ALL {
        let png = render(&result, kind, ImageFormat::Png).expect("png renders");
        assert!(png.len() > 10_000, "{kind:?} is only {} bytes", png.len());
        assert_eq!(png[..8], PNG_SIGNATURE, "{kind:?}");
    }
}

#[test]
fn rendering_is_deterministic() {
    let result = fixture();
    for kind in ChartKind::ALL {
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let a = render(&result, kind, format).expect("renders");
            let b = render(&result, kind, format).expect("renders");
            assert!(a == b, "{kind:?} {format:?} differs between runs");
        }
    }
}

#[test]
fn no_arms_is_an_error() {
    let result = result_with(Vec::new());
    for kind in ChartKind::ALL {
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let err = render(&result, kind, format).expect_err("no arms");
            assert!(matches!(err, ChartError::NoArms { .. }), "{err}");
        }
    }
}

#[test]
fn empty_trajectory_is_an_error_naming_the_arm() {
    let mut result = fixture();
    result.arms[2].trajectory = Trajectory::default();
    for kind in ChartKind::ALL {
        let err = render(&result, kind, ImageFormat::Png).expect_err("empty arm");
        assert!(
            matches!(&err, ChartError::EmptyTrajectory { arm, .. } if arm == "minoxidil"),
            "{err}"
        );
        assert!(err.to_string().contains(kind.name()));
    }
}

#[test]
fn non_finite_values_are_skipped() {
    let mut result = fixture();
    for arm in &mut result.arms {
        for (k, row) in arm.trajectory.rows.iter_mut().enumerate() {
            if k % 37 == 5 {
                row.hair_count = f64::NAN;
                row.shedding_per_day = f64::INFINITY;
                row.anagen = f64::NAN;
                row.dht = f64::NEG_INFINITY;
            }
        }
    }
    // A whole arm of NaN still draws (its lines are simply absent).
    for row in &mut result.arms[1].trajectory.rows {
        *row = Observables::from_values([f64::NAN; N_COLUMNS]);
    }
    result.arms[0].treatments.push(TreatmentMarks {
        windows: vec![(f64::NAN, 10.0), (-50.0, 5000.0)],
        sessions: vec![f64::NAN, -3.0, 1e12],
        ..sessions(TreatmentKind::Exosome, &[])
    });
    for kind in ChartKind::ALL {
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            render(&result, kind, format).expect("NaN is skipped, not fatal");
        }
    }
}

#[test]
fn single_arm_with_a_single_row_draws() {
    let mut one = arm("only", Vec::new(), 0.0, 0.0, 1.0);
    one.trajectory.times_days.truncate(1);
    one.trajectory.rows.truncate(1);
    let mut result = result_with(vec![one]);
    result.endpoint_times_days = vec![0.0];
    for kind in ChartKind::ALL {
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            render(&result, kind, format).expect("one row draws");
        }
    }
}

/// Eleven arms starting finasteride a month apart, named "`prefix` 0" to
/// "`prefix` 10", arm `i` with a shedding spike of `spike` × `i`.
fn eleven_arms(prefix: &str, spike: f64) -> Vec<ArmResult> {
    (0..11)
        .map(|i| {
            let gain = 0.01 * f64::from(i) - 0.03;
            let t = continuous(TreatmentKind::Finasteride, 1.0, 30.0 * f64::from(i), 730.0);
            arm(
                &format!("{prefix} {i}"),
                vec![t],
                gain,
                spike * f64::from(i),
                0.5,
            )
        })
        .collect()
}

#[test]
fn many_arms_and_no_endpoints_draw() {
    let mut result = result_with(eleven_arms("arm", 0.0));
    result.endpoint_times_days.clear();
    for kind in ChartKind::ALL.into_iter().filter(|k| k.applies_to(&result)) {
        let svg = svg_text(&result, kind);
        assert!(svg.contains("arm 10"), "{kind:?}");
    }
    let svg = svg_text(&result, ChartKind::Endpoints);
    assert!(svg.contains("No endpoint time"));
}

#[test]
fn hundreds_of_arms_do_not_panic() {
    let arms = (0..150)
        .map(|i| {
            let t = sessions(TreatmentKind::Prp, &[f64::from(i)]);
            let mut a = arm(&format!("a{i}"), vec![t], 0.01, 0.0, 1.0);
            a.trajectory.times_days.truncate(12);
            a.trajectory.rows.truncate(12);
            a
        })
        .collect();
    let mut result = result_with(arms);
    result.endpoint_times_days = vec![10.0, 20.0];
    for kind in ChartKind::ALL {
        render(&result, kind, ImageFormat::Png).expect("draws, however cramped");
    }
}

#[test]
fn arm_styles_repeat_colours_with_a_new_dash() {
    assert_eq!(style::arm_style(0).colour, style::arm_style(7).colour);
    assert_ne!(style::arm_style(0).dash, style::arm_style(7).dash);
    assert!((0..7).all(|i| style::arm_style(i).colour != style::OI_YELLOW));
}

#[test]
fn time_axis_ends_on_a_round_month() {
    let axis = axis::time_axis(0.0, 730.0, 12);
    assert_eq!(axis.hi, 24.0);
    assert_eq!(axis.labels.first().map(String::as_str), Some("0"));
    assert_eq!(axis.labels.last().map(String::as_str), Some("24"));
}

#[test]
fn long_runs_read_in_years_short_ones_in_months() {
    let five = axis::time_axis(0.0, 5.0 * 365.25, 12);
    assert!(!five.years);
    assert_eq!(five.labels.last().map(String::as_str), Some("60"));
    assert_eq!(axis::time_title(&five, Lang::En), "Time (months)");
    let twenty = axis::time_axis(0.0, 20.0 * 365.25, 12);
    assert!(twenty.years);
    // Ticks sit on whole years (positions stay in months) and read as years.
    assert!(twenty
        .ticks
        .iter()
        .all(|t| (t / 12.0 - (t / 12.0).round()).abs() < 1e-9));
    assert_eq!(twenty.labels.last().map(String::as_str), Some("20"));
    assert_eq!(axis::time_title(&twenty, Lang::En), "Time (years)");
    assert_eq!(axis::time_title(&twenty, Lang::Ja), "時間（年）");
}

#[test]
fn value_axis_covers_the_data_with_round_ticks() {
    let axis = axis::value_axis(93.2, 112.7, 6.0);
    assert!(axis.lo <= 93.2 && axis.hi >= 112.7);
    assert!(axis.ticks.len() >= 4 && axis.ticks.len() <= 12);
    let degenerate = axis::value_axis(f64::NAN, f64::NAN, 6.0);
    assert!(degenerate.lo < degenerate.hi);
}

#[test]
fn spread_labels_keep_their_distance() {
    let placed = frame::spread(&[100, 102, 101, 300], 18, 0, 400);
    let mut sorted = placed.clone();
    sorted.sort();
    assert!(sorted.windows(2).all(|w| w[1] - w[0] >= 18), "{placed:?}");
    assert_eq!(placed[3], 300);
}

/// Writes every chart as PNG and SVG for a look by eye:
/// `HAIRSIM_CHART_PREVIEW=/tmp/charts_preview cargo test --lib charts -- --ignored`.
#[test]
#[ignore = "writes preview files; run by hand"]
fn write_previews() {
    let dir = std::env::var_os("HAIRSIM_CHART_PREVIEW")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("charts_preview"));
    std::fs::create_dir_all(&dir).expect("preview dir");
    let many = eleven_arms("arm number", 10.0);
    let one = vec![arm("only arm", Vec::new(), 0.01, 0.0, 1.0)];
    for (prefix, result) in [
        ("", fixture()),
        ("many_", result_with(many)),
        ("one_", result_with(one)),
    ] {
        for kind in ChartKind::ALL {
            for format in [ImageFormat::Svg, ImageFormat::Png] {
                let bytes = render(&result, kind, format).expect("renders");
                let path = dir.join(format!("{prefix}{}.{}", kind.name(), format.extension()));
                std::fs::write(path, bytes).expect("write preview");
            }
        }
    }
}

/// With a cohort, the banded charts and the responder chart draw every arm.
#[test]
fn cohort_bands_and_responders_render() {
    let mut result = fixture();
    let arms = result
        .arms
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let pct = a.trajectory.hair_count_percent_of_start();
            crate::population::ArmPopulation {
                name: a.name.clone(),
                times_days: a.trajectory.times_days.clone(),
                hair_count_pct: pct
                    .iter()
                    .map(|(_, v)| [v - 4.0, v - 1.0, *v, v + 1.0, v + 4.0])
                    .collect(),
                shedding_per_day: a
                    .trajectory
                    .rows
                    .iter()
                    .map(|r| {
                        let v = r.shedding_per_day;
                        [0.8 * v, 0.9 * v, v, 1.1 * v, 1.2 * v]
                    })
                    .collect(),
                responders: 10 * i as u32,
                responder_rate: 0.1 * i as f64,
            }
        })
        .collect();
    result.population = Some(crate::population::PopulationSummary {
        size: 100,
        seed: 1,
        quantiles: crate::population::QUANTILES,
        responder_threshold: 0.1,
        responder_time_days: 365.25,
        arms,
    });
    for kind in [
        ChartKind::HairCount,
        ChartKind::Shedding,
        ChartKind::Responders,
    ] {
        assert!(kind.applies_to(&result));
        let svg = svg_text(&result, kind);
        assert!(
            svg.contains("virtual patients"),
            "{kind:?} names the cohort"
        );
        for arm in &result.arms {
            assert!(svg.contains(&arm.name), "arm {} in {kind:?}", arm.name);
        }
        let png = render(&result, kind, ImageFormat::Png).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
