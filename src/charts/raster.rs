//! PNG from SVG: a chart's SVG text rasterized by resvg (usvg + tiny-skia) with
//! the bundled fonts, then encoded with the non-clinical label as metadata.
//!
//! A chart is drawn once, as SVG; the PNG is that drawing's pixels, so the two
//! formats cannot drift apart.

use resvg::{tiny_skia, usvg};

use super::fonts;

/// Why an SVG could not become a PNG.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RasterError {
    /// usvg rejected the SVG text.
    #[error("the SVG could not be read")]
    Parse(#[source] usvg::Error),
    /// The canvas is empty or too large to allocate.
    #[error("a {0} × {1} px canvas cannot be allocated")]
    Canvas(u32, u32),
    /// The PNG encoder failed.
    #[error("the PNG could not be encoded")]
    Encode(#[source] png::EncodingError),
}

/// The PNG rendering of `svg`, at the SVG's own size in pixels, carrying `label`
/// as iTXt metadata (`Disclaimer`).
pub(crate) fn png(svg: &str, label: &str) -> Result<Vec<u8>, RasterError> {
    let image = rgb(svg)?;
    encode(&image.rgb, image.width, image.height, label).map_err(RasterError::Encode)
}

/// An opaque RGB8 image.
pub(crate) struct Rgb {
    pub width: u32,
    pub height: u32,
    /// Row-major, three bytes per pixel.
    pub rgb: Vec<u8>,
}

/// The pixels of `svg` at its own size, on white.
pub(crate) fn rgb(svg: &str) -> Result<Rgb, RasterError> {
    let options = usvg::Options {
        fontdb: fonts::database(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(RasterError::Parse)?;
    let size = tree.size().to_int_size();
    let (w, h) = (size.width(), size.height());
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(RasterError::Canvas(w, h))?;
    // Charts paint their own white page; the fill makes every pixel opaque even
    // if one did not, so dropping alpha below loses nothing.
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    drop(tree);
    // Opaque, so premultiplied RGBA is plain RGBA: keep three bytes of four,
    // in place.
    let mut rgb = pixmap.take();
    let pixels = rgb.len() / 4;
    for i in 0..pixels {
        rgb.copy_within(4 * i..4 * i + 3, 3 * i);
    }
    rgb.truncate(3 * pixels);
    Ok(Rgb {
        width: w,
        height: h,
        rgb,
    })
}

/// PNG bytes of an opaque RGB8 image, carrying the non-clinical label as iTXt
/// metadata (`Disclaimer`, UTF-8) so the file is labelled even apart from its
/// pixels. The encoder writes no timestamp, so the bytes depend only on the
/// pixels and the label.
pub(crate) fn encode(
    rgb: &[u8],
    w: u32,
    h: u32,
    label: &str,
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Chosen by measurement on the six combo charts (docs/benchmarks/charts.md):
        // fdeflate with the Paeth filter encodes them in 9 ms for 1.09 MB; the
        // adaptive filter takes 17 ms for 1.04 MB, zlib level 1 with Up 16 ms
        // for 0.66 MB, level 6 86–98 ms for 0.40–0.47 MB.
        encoder.set_deflate_compression(png::DeflateCompression::FdeflateUltraFast);
        encoder.set_filter(png::Filter::Paeth);
        encoder.add_itxt_chunk("Disclaimer".to_string(), label.to_string())?;
        encoder.add_text_chunk(
            "Software".to_string(),
            format!("hairsim {}", crate::label::VERSION),
        )?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}
