//! `sim follicles --map --patch` end to end on a shipped scenario: every
//! picture is written, the animations decode as a viewer reads them (frame
//! count, size, the non-clinical label as a comment and in the footer's
//! pixels) and the contact sheets carry the disclaimer. Heavy: run in release.

mod common;
use common::{scenario, sim};

/// Frame count, screen size, and the last frame's footer rows as RGBA.
fn decode(gif: &[u8]) -> (usize, (u32, u32), Vec<u8>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(gif).expect("a GIF");
    let (w, h) = (u32::from(decoder.width()), u32::from(decoder.height()));
    let mut first = Vec::new();
    let mut count = 0;
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        if count == 0 {
            assert_eq!((u32::from(frame.width), u32::from(frame.height)), (w, h));
            first = frame.buffer.to_vec();
        }
        count += 1;
    }
    let footer = first[(4 * w * (h - 24)) as usize..(4 * w * (h - 6)) as usize].to_vec();
    (count, (w, h), footer)
}

#[test]
fn map_and_patch_pictures_are_written_labelled_and_decodable() {
    let dir = tempfile::tempdir().expect("temp dir");
    sim()
        .args([
            "follicles",
            "--map",
            "--patch",
            "--follicles",
            "2000",
            "--out",
        ])
        .arg(dir.path())
        .arg(scenario("transplant"))
        .assert()
        .success();
    // 5 years, monthly, and the end: 61 frames.
    for name in ["scalp_map.gif", "patch.gif"] {
        let gif = std::fs::read(dir.path().join(name)).expect(name);
        let (frames, (w, h), footer) = decode(&gif);
        assert_eq!(frames, 61, "{name}");
        assert!(w >= 820 && h > 400, "{name}: {w} × {h}");
        assert_eq!(
            hairsim::follicles::render::comments(&gif),
            vec![hairsim::label::SHORT.as_bytes().to_vec()],
            "{name}"
        );
        // The footer band is not blank: the label's text is drawn in it.
        let band = footer
            .chunks_exact(4)
            .filter(|p| p[..3] != [0xF4, 0xF4, 0xF4])
            .count();
        assert!(band > 300, "{name}: {band} label pixels");
        assert!(gif.len() < 15 << 20, "{name}: {} bytes", gif.len());
    }
    for name in ["scalp_map.png", "patch.png", "trial_noise.png"] {
        let png = std::fs::read(dir.path().join(name)).expect(name);
        let reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .expect(name);
        assert!(
            reader
                .info()
                .utf8_text
                .iter()
                .any(|t| t.keyword == "Disclaimer"
                    && t.get_text()
                        .is_ok_and(|x| x.starts_with(hairsim::label::SHORT))),
            "{name}"
        );
    }
    let svg = std::fs::read_to_string(dir.path().join("trial_noise.svg")).expect("svg");
    assert!(svg.contains(hairsim::label::SHORT));
}

#[test]
fn without_the_flags_no_picture_is_drawn() {
    let dir = tempfile::tempdir().expect("temp dir");
    sim()
        .args(["follicles", "--follicles", "1000", "--out"])
        .arg(dir.path())
        .arg(scenario("transplant"))
        .assert()
        .success();
    assert!(!dir.path().join("scalp_map.gif").exists());
    assert!(!dir.path().join("patch.gif").exists());
}

#[test]
fn the_pictures_follow_lang_ja() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |lang: &str| {
        let out = dir.path().join(lang);
        sim()
            .args([
                "follicles",
                "--patch",
                "--follicles",
                "1000",
                "--lang",
                lang,
                "--out",
            ])
            .arg(&out)
            .arg(scenario("transplant"))
            .assert()
            .success();
        out
    };
    let (en, ja) = (run("en"), run("ja"));
    let svg = std::fs::read_to_string(ja.join("trial_noise.svg")).expect("svg");
    assert!(svg.contains("臨床試験に多くの患者が必要な理由"), "title");
    assert!(svg.contains("シナリオ:"), "footer");
    let chart = std::fs::read_to_string(ja.join("follicles.svg")).expect("chart");
    assert!(chart.contains("毛包を 1 つずつ") && chart.contains("成長期の割合"));
    let chart = std::fs::read_to_string(en.join("follicles.svg")).expect("chart");
    assert!(chart.contains("Follicle by follicle"));
    // The patch's pictures have the same size and frames, other text.
    let (a, b) = (
        std::fs::read(en.join("patch.gif")).expect("en gif"),
        std::fs::read(ja.join("patch.gif")).expect("ja gif"),
    );
    let ((fa, sa, _), (fb, sb, _)) = (decode(&a), decode(&b));
    assert_eq!((fa, sa), (fb, sb));
    assert_ne!(a, b);
    sim()
        .args(["follicles", "--lang", "jp"])
        .arg(scenario("transplant"))
        .assert()
        .failure()
        .code(2);
}
