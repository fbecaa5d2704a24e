//! "Why trials need many patients": the 1 cm² patch count of many simulated
//! patients who differ only in chance, beside the whole scalp's mean (left),
//! and the spread of the 12-month change a trial would measure beside the
//! published spreads (right).

use plotters::style::RGBColor;

use super::axis::{self, Axis, DAYS_PER_MONTH};
use super::frame::{self, Area, Drawn, LegendItem, Swatch};
use super::plot::{self, PlotSpec};
use super::style::{self, Dash};
use super::{render_one, ChartError, Figure, ImageFormat};
use crate::follicles::trial::{TrialNoise, CHANGE_MONTHS, PUBLISHED_SDS};
use crate::i18n::{Key, Lang};

/// Patients drawn per arm (all of them are counted).
const DRAWN: usize = 60;

/// The chart's file stem.
pub const NAME: &str = "trial_noise";

/// Renders the chart for one [`TrialNoise`] per arm, as SVG or PNG. Pure.
pub fn render_trial_noise(
    arms: &[TrialNoise],
    format: ImageFormat,
    lang: Lang,
) -> Result<Vec<u8>, ChartError> {
    let first = arms.first().ok_or(ChartError::NoArms { chart: NAME })?;
    if let Some(a) = arms.iter().find(|a| a.times_days.is_empty()) {
        return Err(ChartError::EmptyTrajectory {
            chart: NAME,
            arm: a.arm.clone(),
        });
    }
    let footer = lang.footer(&first.scenario);
    render_one(
        &TrialFigure { arms, lang },
        NAME,
        (1200, 720),
        format,
        &footer,
    )
}

struct TrialFigure<'a> {
    arms: &'a [TrialNoise],
    lang: Lang,
}

impl Figure for TrialFigure<'_> {
    fn draw(&self, root: &Area) -> Drawn {
        draw(root, self.arms, self.lang)
    }
}

fn draw(root: &Area, arms: &[TrialNoise], lang: Lang) -> Drawn {
    let patients = arms.first().map_or(0, |a| a.patients.len()).to_string();
    let scenario = arms.first().map_or("", |a| a.scenario.as_str());
    let title = lang.fill(Key::TrialTitle, &[("scenario", scenario)]);
    let subtitle = lang.fill(Key::TrialSubtitle, &[("patients", &patients)]);
    let footer = lang.footer(scenario);
    let body = frame::page(root, &title, &subtitle, &footer)?;
    let mut legend: Vec<LegendItem> = frame::arm_legend(
        &arms.iter().map(|a| a.arm.as_str()).collect::<Vec<_>>(),
        false,
    );
    legend.push(LegendItem {
        label: lang.get(Key::TrialWholeScalp).into(),
        swatch: Swatch::Line(style::ArmStyle {
            colour: style::INK,
            dash: Dash::Dashed,
            solid_fill: true,
        }),
    });
    legend.push(LegendItem {
        label: lang.get(Key::TrialPublishedSd).into(),
        swatch: Swatch::Block(style::AXIS),
    });
    let body = frame::legend(&body, &legend)?;
    let (w, _) = frame::dims(&body);
    let (left, right) = body.split_horizontally((w as f64 * 0.6) as i32);
    counts(&left, arms, lang)?;
    spreads(&right, arms, lang)
}

/// Each patient's count over time in the arm's colour, faint, with the
/// whole-scalp mean over them.
fn counts(area: &Area, arms: &[TrialNoise], lang: Lang) -> Drawn {
    let last = arms
        .iter()
        .filter_map(|a| a.times_days.last())
        .fold(0.0f64, |m, &t| m.max(t));
    let x = axis::time_axis(0.0, last, 8);
    let values = arms
        .iter()
        .flat_map(|a| a.patients.iter().flatten().chain(&a.whole_scalp))
        .copied();
    // Zoomed on the counts (not from 0), so the spread between patients shows.
    let (lo, hi) = axis::extent(values, &[]);
    let y = axis::value_axis(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), 6.0);
    let area = frame::panel_title(area, lang.get(Key::TrialPanelCount), style::INK, "")?;
    let chart = plot::plot(
        &area,
        &PlotSpec::new(
            &x,
            &y,
            lang.get(Key::AxisTimeMonths),
            lang.get(Key::TrialAxisCount),
        ),
    )?;
    let months = |a: &TrialNoise, v: &[f64]| -> Vec<(f64, f64)> {
        a.times_days
            .iter()
            .zip(v)
            .map(|(t, v)| (t / DAYS_PER_MONTH, *v))
            .collect()
    };
    for (i, a) in arms.iter().enumerate() {
        let faint = pale(style::arm_style(i).colour, 0.3);
        for p in a.patients.iter().take(DRAWN) {
            plot::line(&chart, &months(a, p), faint, Dash::Solid, 1)?;
        }
    }
    for (i, a) in arms.iter().enumerate() {
        let st = style::arm_style(i);
        plot::line(&chart, &months(a, &a.mean()), st.colour, Dash::Solid, 3)?;
        plot::line(
            &chart,
            &months(a, &a.whole_scalp),
            style::INK,
            Dash::Dashed,
            2,
        )?;
    }
    Ok(())
}

/// `c` mixed with white, `keep` of it kept: an opaque pale line, so that
/// overlapping patients stay a pale band rather than adding up to a solid
/// colour.
fn pale(c: RGBColor, keep: f64) -> RGBColor {
    let m = |v: u8| (255.0 - (255.0 - f64::from(v)) * keep) as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// The simulated SD of the 12-month change per arm beside the published SDs.
fn spreads(area: &Area, arms: &[TrialNoise], lang: Lang) -> Drawn {
    let simulated: Vec<(String, Option<f64>)> = arms
        .iter()
        .map(|a| (a.arm.clone(), a.change_sd()))
        .collect();
    let mut labels: Vec<String> = simulated.iter().map(|(n, _)| n.clone()).collect();
    labels.extend(PUBLISHED_SDS.iter().map(|p| p.label.to_string()));
    let x = Axis::categories(vec![String::new(); labels.len()]);
    let values = simulated
        .iter()
        .filter_map(|s| s.1)
        .chain(PUBLISHED_SDS.iter().map(|p| p.sd));
    // Room above the tallest bar for the labels written upwards from each bar.
    let y = axis::non_negative_axis(values, 2.4, 5.0);
    let months = format!("{CHANGE_MONTHS:.0}");
    let title = lang.fill(Key::TrialPanelSd, &[("months", &months)]);
    let area = frame::panel_title(area, &title, style::INK, "")?;
    let spec = PlotSpec {
        x_labels: false,
        x_grid: false,
        ..PlotSpec::new(&x, &y, "", "")
    };
    let chart = plot::plot(&area, &spec)?;
    for (i, (_, sd)) in simulated.iter().enumerate() {
        if let Some(sd) = sd {
            plot::bar(
                &chart,
                (i as f64 + 0.15, i as f64 + 0.85),
                *sd,
                style::arm_style(i),
            )?;
        }
    }
    let grey = style::ArmStyle {
        colour: style::AXIS,
        dash: Dash::Solid,
        solid_fill: true,
    };
    let k = simulated.len();
    for (j, p) in PUBLISHED_SDS.iter().enumerate() {
        let i = (k + j) as f64;
        plot::bar(&chart, (i + 0.15, i + 0.85), p.sd, grey)?;
    }
    // Bar labels written upwards from the bars' tops, so long names fit.
    let (plot_area, to_px) = plot::pixel_map(&chart);
    let sds = simulated
        .iter()
        .map(|s| s.1)
        .chain(PUBLISHED_SDS.iter().map(|p| Some(p.sd)));
    for (i, (label, sd)) in labels.iter().zip(sds).enumerate() {
        let (px, base) = to_px.at((i as f64 + 0.5, sd.unwrap_or(0.0)));
        let text = match sd {
            Some(sd) => lang.fill(
                if i < k {
                    Key::TrialBarSimulated
                } else {
                    Key::TrialBar
                },
                &[("label", label), ("sd", &format!("{sd:.1}"))],
            ),
            None => lang.fill(Key::TrialBarShort, &[("label", label), ("months", &months)]),
        };
        let st = style::text(style::NOTE_PX, style::INK);
        let up = f64::from(frame::text_width(&text, &st)) / 2.0 + 8.0;
        frame::put_vertical_text(
            &plot_area,
            &text,
            (px.round() as i32, (base - up).round() as i32),
            &st,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::follicles::trial::tests::noise;

    #[test]
    fn the_chart_draws_every_arm_and_the_published_sds() {
        let mut b = noise(30);
        b.arm = "<finasteride>".into();
        let arms = [noise(30), b];
        let svg = String::from_utf8(render_trial_noise(&arms, ImageFormat::Svg, Lang::En).unwrap())
            .unwrap();
        assert!(svg.contains(crate::label::SHORT));
        assert!(svg.contains("&lt;finasteride&gt;"));
        for p in PUBLISHED_SDS {
            assert!(svg.contains(&format!("{:.1}", p.sd)), "{}", p.label);
        }
        assert!(svg.contains("(simulated)"));
        let png = render_trial_noise(&arms, ImageFormat::Png, Lang::En).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn the_chart_s_text_follows_the_language() {
        let arms = [noise(30)];
        let svg = |lang| {
            String::from_utf8(render_trial_noise(&arms, ImageFormat::Svg, lang).unwrap()).unwrap()
        };
        let (en, ja) = (svg(Lang::En), svg(Lang::Ja));
        for key in [
            Key::TrialWholeScalp,
            Key::TrialPublishedSd,
            Key::TrialPanelCount,
            Key::TrialAxisCount,
        ] {
            assert!(en.contains(Lang::En.get(key)), "{key:?}");
            assert!(ja.contains(Lang::Ja.get(key)), "{key:?}");
            assert!(!ja.contains(Lang::En.get(key)), "{key:?}");
        }
        assert!(ja.contains("臨床試験に多くの患者が必要な理由") && ja.contains("シミュレーション"));
        assert!(ja.contains("シナリオ:"));
    }

    #[test]
    fn no_arm_is_an_error() {
        assert!(matches!(
            render_trial_noise(&[], ImageFormat::Svg, Lang::En),
            Err(ChartError::NoArms { .. })
        ));
    }
}
