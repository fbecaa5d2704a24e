//! The pictures decoded as a viewer would: frame count, size, the label in
//! the metadata and in the pixels, and what the frames show.

use super::*;
use crate::follicles::view::Phase;

/// A toy course: follicles lost where the field is high, faster in arm 0.
fn reel_frames(scalp: &ScalpLayout, times: usize, arms: &[&str]) -> Vec<Vec<Frame>> {
    arms.iter()
        .enumerate()
        .map(|(a, name)| {
            (0..times)
                .map(|k| {
                    let follicles = scalp
                        .sites()
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let risk =
                                s.androgen_factor * k as f64 / times as f64 / (1.0 + a as f64);
                            let lost = (i % 97) as f64 / 97.0 < risk - 0.3;
                            FollicleView {
                                phase: if (i + k) % 10 == 0 {
                                    Phase::Kenogen
                                } else {
                                    Phase::Anagen
                                },
                                terminal: (i % 89) as f64 / 89.0 > risk - 0.1,
                                present: !lost,
                                graft: false,
                                shaft_mm: if (i + k) % 10 == 0 { 0.0 } else { 30.0 },
                            }
                        })
                        .collect();
                    Frame {
                        t_days: k as f64 * 365.25,
                        arm: name.to_string(),
                        follicles,
                    }
                })
                .collect()
        })
        .collect()
}

/// What the map keeps of `arms`.
fn looks(arms: &[Vec<Frame>]) -> Vec<Vec<Frame<Look>>> {
    arms.iter()
        .map(|frames| frames.iter().map(map_frame).collect())
        .collect()
}

fn scalp() -> ScalpLayout {
    ScalpLayout::new(264.0, 11).unwrap()
}

/// Pixels of the footer band (the bottom `FOOTER` rows) that are not the band's colour.
fn footer_ink(frame: &[u8], w: u32, h: u32) -> usize {
    let band = palette::index(palette::BAND);
    frame[((h - 24) * w) as usize..((h - 6) * w) as usize]
        .iter()
        .filter(|&&p| p != band)
        .count()
}

/// A reel of `arms` titled `title` for scenario "s", in English.
fn english<'a, V>(title: &'a str, arms: &'a [Vec<Frame<V>>]) -> Reel<'a, V> {
    Reel {
        title,
        scenario: "s",
        lang: Lang::En,
        arms,
    }
}

#[test]
fn the_map_animation_decodes_with_every_frame_labelled() {
    let scalp = scalp();
    let arms = looks(&reel_frames(
        &scalp,
        6,
        &["untreated", "<b>finasteride</b> & co"],
    ));
    let reel = Reel {
        title: "Scalp map",
        scenario: "test",
        lang: Lang::En,
        arms: &arms,
    };
    let gif = map_gif(&scalp, &reel).unwrap();
    let (w, h, frames, comments) = animation::tests::decode(&gif);
    let head = map::Head::new(&scalp, MAP_PPC);
    let grid = Grid {
        cell_w: head.size().0,
        cell_h: head.size().1,
        cols: 2,
        rows: 1,
        row_label_w: 0,
    };
    assert_eq!((w, h), grid.size());
    assert_eq!(frames.len(), 6);
    assert_eq!(comments, vec![crate::label::SHORT.as_bytes().to_vec()]);
    for f in &frames {
        assert!(footer_ink(f, w, h) > 300, "{}", footer_ink(f, w, h));
    }
    // The course shows: more bare skin in the untreated arm's last frame than
    // in its first, and more than in the other arm's.
    let lost = palette::index(Look::Lost.colour());
    let count = |f: &Vec<u8>, col: usize| {
        let c = grid.cell(col, 0);
        (c.y..c.y + c.h)
            .flat_map(|y| (c.x..c.x + c.w).map(move |x| (y * w + x) as usize))
            .filter(|&i| f[i] == lost)
            .count()
    };
    let (first, last) = (&frames[0], &frames[5]);
    assert!(count(last, 0) > count(first, 0) + 1000);
    assert!(count(last, 0) > count(last, 1));
    // The date changes from frame to frame.
    let d = grid.date_box();
    let date = |f: &Vec<u8>| -> Vec<u8> {
        (d.y..d.y + d.h)
            .flat_map(|y| f[(y * w + d.x) as usize..(y * w + d.x + d.w) as usize].to_vec())
            .collect()
    };
    assert_ne!(date(first), date(last));
}

#[test]
fn contact_sheets_are_pngs_with_the_disclaimer() {
    let scalp = scalp();
    let arms = reel_frames(&scalp, 4, &["a", "b", "c"]);
    let reel = english("t", &arms);
    let rows = nearest(&reel, &[0.0, 400.0, 1e9]).unwrap();
    assert_eq!(rows, vec![0, 1, 3]);
    let patch = scalp.crown_patch();
    let map_arms = looks(&arms);
    let map_reel = Reel {
        title: "t",
        scenario: "s",
        lang: Lang::En,
        arms: &map_arms,
    };
    for png in [
        map_sheet(&scalp, &map_reel, &rows).unwrap(),
        patch_sheet(&scalp, &patch, &reel, &rows).unwrap(),
    ] {
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert!(info.width > 800 && info.height > 800);
        assert!(info.utf8_text.iter().any(
            |t| t.keyword == "Disclaimer" && t.get_text().unwrap() == crate::label::DISCLAIMER
        ));
    }
}

#[test]
fn the_patch_animation_takes_the_patch_or_the_whole_scalp() {
    let scalp = scalp();
    let patch = scalp.crown_patch();
    let whole = reel_frames(&scalp, 3, &["a", "b"]);
    let cut: Vec<Vec<Frame>> = whole
        .iter()
        .map(|arm| {
            arm.iter()
                .map(|f| Frame {
                    follicles: patch.indices.iter().map(|&i| f.follicles[i]).collect(),
                    ..f.clone()
                })
                .collect()
        })
        .collect();
    let a = patch_gif(&scalp, &patch, &english("p", &whole)).unwrap();
    let b = patch_gif(&scalp, &patch, &english("p", &cut)).unwrap();
    assert_eq!(a, b);
    let (w, h, frames, comments) = animation::tests::decode(&a);
    assert_eq!(frames.len(), 3);
    assert_eq!(comments.len(), 1);
    assert!(footer_ink(&frames[2], w, h) > 300);
}

#[test]
fn mismatched_frames_are_errors() {
    let scalp = scalp();
    let mut arms = looks(&reel_frames(&scalp, 2, &["a", "b"]));
    arms[1].pop();
    let reel = english("t", &arms);
    assert!(matches!(
        map_gif(&scalp, &reel),
        Err(RenderError::Frames {
            arm: 1,
            got: 1,
            want: 2
        })
    ));
    let mut arms = looks(&reel_frames(&scalp, 2, &["a"]));
    arms[0][1].follicles.pop();
    let reel = english("t", &arms);
    assert!(matches!(
        map_gif(&scalp, &reel),
        Err(RenderError::Follicles { arm: 0, .. })
    ));
    assert!(matches!(
        map_gif(
            &scalp,
            &Reel {
                title: "t",
                scenario: "s",
                lang: Lang::En,
                arms: &[]
            }
        ),
        Err(RenderError::Empty)
    ));
    assert!(matches!(
        nearest(&reel, &[f64::NAN]),
        Err(RenderError::Time(_))
    ));
}

#[test]
fn the_pages_text_follows_the_language() {
    let scalp = scalp();
    let patch = scalp.crown_patch();
    let arms = reel_frames(&scalp, 2, &["a"]);
    let page = |lang| {
        let reel = Reel {
            title: "t",
            scenario: "s",
            lang,
            arms: &arms,
        };
        patch_page(&scalp, &patch, &reel, &[0, 1], (SHEET_PATCH_PX, None))
    };
    let (en, ja) = (page(Lang::En), page(Lang::Ja));
    assert!(en.contains("year 1, month 0") && en.contains("terminal hair"));
    assert!(en.contains("scenario: s"));
    assert!(ja.contains("1 年 0 か月") && ja.contains("終毛") && ja.contains("棍毛"));
    assert!(ja.contains("シナリオ: s") && ja.contains("毛包"));
    assert!(!ja.contains("terminal hair") && !ja.contains("year"));
    for ((_, e), (_, j)) in map_legend(Lang::En).iter().zip(map_legend(Lang::Ja)) {
        assert_ne!(*e, j);
    }
}
