//! Charts as files: the committed gallery (plots/combo/, plots/women/,
//! plots/shedding/) is exactly what `sim run scenarios/<name>.toml` produces
//! now, so the README never shows stale charts (if this fails after an
//! intended change, regenerate with `cargo run --release -- run
//! scenarios/<name>.toml` and commit plots/<name>/); every PNG
//! is its SVG's rendering; and the chart memory benchmark stays the largest
//! valid scenario. Whether every arm can be seen is checked in
//! `src/charts/tests/visible.rs`.

mod common;
use common::{files_in, root, shipped_scenarios, sim};
use std::fs;

/// The scenarios whose charts the README shows.
const GALLERY: [&str; 3] = ["combo", "women", "shedding"];

#[test]
fn committed_gallery_charts_are_up_to_date() {
    for stem in GALLERY {
        let fresh = tempfile::tempdir().unwrap();
        sim()
            .args(["run", &format!("scenarios/{stem}.toml"), "--out"])
            .arg(fresh.path())
            .assert()
            .success();
        let committed = root().join("plots").join(stem);
        let names = |d: &std::path::Path| -> Vec<String> {
            files_in(d)
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(&committed),
            names(fresh.path()),
            "plots/{stem}/ holds exactly the files sim writes"
        );
        for f in files_in(fresh.path()) {
            let name = f.file_name().unwrap();
            let old = fs::read(committed.join(name)).unwrap();
            assert!(old == fs::read(&f).unwrap(), "plots/{stem}/{} is stale: regenerate with `cargo run --release -- run scenarios/{stem}.toml`", name.to_string_lossy());
        }
    }
}

/// Width and height stated by an SVG's root element.
fn svg_size(svg: &str) -> (u32, u32) {
    let attr = |name: &str| -> u32 {
        let start = svg.find(&format!(" {name}=\"")).expect("size attribute") + name.len() + 3;
        let end = start + svg[start..].find('"').expect("closing quote");
        svg[start..end].parse().expect("whole pixels")
    };
    (attr("width"), attr("height"))
}

/// The SVG rasterized here, independently of the library: resvg with only the
/// bundled font files in its database, on white, as RGB8.
fn rasterize(svg: &str) -> (u32, u32, Vec<u8>) {
    use resvg::{tiny_skia, usvg};
    let mut db = usvg::fontdb::Database::new();
    for face in ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] {
        db.load_font_data(fs::read(root().join("assets/fonts").join(face)).unwrap());
    }
    let options = usvg::Options {
        fontdb: std::sync::Arc::new(db),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).expect("the SVG parses");
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    let rgb = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (size.width(), size.height(), rgb)
}

/// A PNG's size, RGB8 pixels and its `Disclaimer` text.
fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>, String) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .expect("a PNG");
    let disclaimer = reader
        .info()
        .utf8_text
        .iter()
        .find(|t| t.keyword == "Disclaimer")
        .map(|t| t.get_text().expect("UTF-8 text"))
        .expect("a Disclaimer chunk");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).expect("pixels");
    assert_eq!(frame.color_type, png::ColorType::Rgb);
    pixels.truncate(frame.buffer_size());
    (frame.width, frame.height, pixels, disclaimer)
}

/// Each PNG that `sim run` writes is its SVG's rendering: the same size, the
/// same pixels when the SVG is rasterized here, and the non-clinical footer both
/// as text in the SVG and as the PNG's metadata. Every shipped scenario.
#[test]
fn every_shipped_png_is_the_rendering_of_its_svg() {
    let mut checked = 0;
    for path in shipped_scenarios() {
        let out = tempfile::tempdir().unwrap();
        sim()
            .arg("run")
            .arg(&path)
            .args(["--format", "svg,png,json", "--out"])
            .arg(out.path())
            .assert()
            .success();
        let summary: serde_json::Value =
            serde_json::from_slice(&fs::read(out.path().join("summary.json")).unwrap()).unwrap();
        let footer = hairsim::label::footer(summary["scenario"].as_str().expect("scenario name"));
        for svg_path in files_in(out.path())
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        {
            let what = svg_path.display().to_string();
            let svg = fs::read_to_string(&svg_path).unwrap();
            let png_bytes = fs::read(svg_path.with_extension("png")).expect("a PNG beside the SVG");
            let (w, h, pixels, disclaimer) = decode(&png_bytes);
            assert_eq!((w, h), svg_size(&svg), "{what}: PNG and SVG sizes");
            assert!(
                svg.contains(&format!(">\n{footer}\n</text>")),
                "{what}: footer text"
            );
            assert_eq!(disclaimer, footer, "{what}: PNG metadata");
            let (rw, rh, rendered) = rasterize(&svg);
            assert_eq!((rw, rh), (w, h), "{what}: rasterized size");
            let differing = rendered.iter().zip(&pixels).filter(|(a, b)| a != b).count();
            assert_eq!(differing, 0, "{what}: the PNG is not the SVG's rendering");
            checked += 1;
        }
    }
    assert!(checked >= 8 * 6, "only {checked} charts checked");
}

/// The chart memory benchmark of docs/RELIABILITY.md is the largest valid grid:
/// it passes `sim check`, and one arm more is refused by the row limit.
#[test]
fn the_largest_scenario_is_valid_and_at_the_limit() {
    sim()
        .args(["check", "tests/data/largest.toml"])
        .assert()
        .success();
    let text = fs::read_to_string(root().join("tests/data/largest.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let more = dir.path().join("more.toml");
    fs::write(&more, format!("{text}\n[[arm]]\nname = \"one more\"\n")).unwrap();
    sim()
        .arg("check")
        .arg(&more)
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "more than the limit of 1000000 rows",
        ));
}
