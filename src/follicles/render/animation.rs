//! GIF animations with the `gif` crate: one fixed global palette
//! (`palette.rs`), the non-clinical label in a comment extension before the
//! first frame, and every frame after the first reduced to the box of pixels
//! that changed, the unchanged ones inside it transparent. A map changes a few
//! per cent of its follicles from one month to the next, so this keeps a
//! 20-year monthly animation to a few megabytes.
//!
//! Frames are drawn and LZW-compressed in parallel, a batch at a time, and
//! written in order; the bytes do not depend on the thread count.

use gif::{AnyExtension, DisposalMethod, Encoder, Repeat};
use rayon::prelude::*;

use super::palette::{self, TRANSPARENT};
use super::RenderError;

/// Frames drawn at once: enough for two cores to share, few enough that the
/// batch's pixels stay small beside the whole animation.
const BATCH: usize = 16;

/// The GIF extension label of a comment.
const COMMENT: u8 = 0xFE;

/// An animation of `count` frames of `width` × `height` palette indices,
/// frame `i` drawn by `draw(i)`, each shown `delay_cs` hundredths of a second
/// (the last one three times as long), looping; `label` is written as a
/// comment.
pub(super) fn encode(
    (width, height): (u32, u32),
    count: usize,
    delay_cs: u16,
    label: &str,
    draw: impl Fn(usize) -> Result<Vec<u8>, RenderError> + Sync,
) -> Result<Vec<u8>, RenderError> {
    let w = u16::try_from(width).map_err(|_| RenderError::TooLarge(width, height))?;
    let h = u16::try_from(height).map_err(|_| RenderError::TooLarge(width, height))?;
    let mut encoder = Encoder::new(Vec::new(), w, h, palette::palette())?;
    encoder.set_repeat(Repeat::Infinite)?;
    encoder.write_raw_extension(AnyExtension(COMMENT), &[label.as_bytes()])?;
    let mut previous: Option<Vec<u8>> = None;
    for start in (0..count).step_by(BATCH) {
        let end = (start + BATCH).min(count);
        let frames: Vec<Vec<u8>> = (start..end)
            .into_par_iter()
            .map(&draw)
            .collect::<Result<_, _>>()?;
        let encoded: Vec<gif::Frame<'static>> = (0..frames.len())
            .into_par_iter()
            .map(|i| {
                let before = if i == 0 {
                    previous.as_deref()
                } else {
                    Some(frames[i - 1].as_slice())
                };
                let last = start + i + 1 == count;
                let mut frame = changes(before, &frames[i], w, h);
                frame.delay = if last {
                    delay_cs.saturating_mul(3)
                } else {
                    delay_cs
                };
                frame.make_lzw_pre_encoded();
                frame
            })
            .collect();
        for frame in &encoded {
            encoder.write_lzw_pre_encoded_frame(frame)?;
        }
        previous = frames.into_iter().last();
    }
    Ok(encoder.into_inner()?)
}

/// `now` as a GIF frame drawn over `before`: the whole picture when there is
/// no `before`, else the box of changed pixels with the unchanged ones
/// transparent (a single transparent pixel when nothing changed).
fn changes(before: Option<&[u8]>, now: &[u8], w: u16, h: u16) -> gif::Frame<'static> {
    let mut frame = gif::Frame {
        dispose: DisposalMethod::Keep,
        ..gif::Frame::default()
    };
    let Some(before) = before else {
        frame.width = w;
        frame.height = h;
        frame.buffer = now.to_vec().into();
        return frame;
    };
    let width = usize::from(w);
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for (y, (a, b)) in before
        .chunks_exact(width)
        .zip(now.chunks_exact(width))
        .enumerate()
    {
        if a == b {
            continue;
        }
        let first = a.iter().zip(b).position(|(p, q)| p != q).unwrap_or(0);
        let last = width
            - 1
            - a.iter()
                .rev()
                .zip(b.iter().rev())
                .position(|(p, q)| p != q)
                .unwrap_or(0);
        x0 = x0.min(first);
        x1 = x1.max(last);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    frame.transparent = Some(TRANSPARENT);
    if x0 == usize::MAX {
        frame.width = 1;
        frame.height = 1;
        frame.buffer = vec![TRANSPARENT].into();
        return frame;
    }
    let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut buffer = Vec::with_capacity(bw * bh);
    for y in y0..=y1 {
        let row = y * width;
        for x in x0..=x1 {
            let p = now[row + x];
            buffer.push(if p == before[row + x] { TRANSPARENT } else { p });
        }
    }
    // The box lies inside a w × h picture, so its numbers fit a u16.
    frame.left = x0 as u16;
    frame.top = y0 as u16;
    frame.width = bw as u16;
    frame.height = bh as u16;
    frame.buffer = buffer.into();
    frame
}

/// The texts of the comment extensions of `gif` (where the animations carry
/// the non-clinical label), found by walking its blocks; reading stops at
/// the first block that is not an extension or an image, or at the end of
/// the bytes.
pub fn comments(gif: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let byte = |i: usize| gif.get(i).copied();
    // Header (6), screen descriptor (7), global colour table.
    let Some(screen) = byte(10) else {
        return out;
    };
    let mut i = 13;
    if screen & 0x80 != 0 {
        i += 3 << ((screen & 7) + 1);
    }
    // Sub-blocks from `i` appended to `text`; the index after them.
    let sub_blocks = |mut i: usize, text: &mut Vec<u8>| -> Option<usize> {
        while byte(i)? != 0 {
            let n = usize::from(byte(i)?);
            text.extend_from_slice(gif.get(i + 1..i + 1 + n)?);
            i += n + 1;
        }
        Some(i + 1)
    };
    loop {
        match byte(i) {
            Some(0x21) => {
                let mut text = Vec::new();
                let label = byte(i + 1);
                let Some(next) = sub_blocks(i + 2, &mut text) else {
                    break;
                };
                if label == Some(COMMENT) {
                    out.push(text);
                }
                i = next;
            }
            Some(0x2C) => {
                let Some(flags) = byte(i + 9) else {
                    break;
                };
                i += 10;
                if flags & 0x80 != 0 {
                    i += 3 << ((flags & 7) + 1);
                }
                // The LZW code size, then the image's sub-blocks.
                let Some(next) = sub_blocks(i + 1, &mut Vec::new()) else {
                    break;
                };
                i = next;
            }
            _ => break,
        }
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The frames of `gif` composited as a viewer shows them (palette
    /// indices), with the screen size and the comments.
    pub(crate) fn decode(gif: &[u8]) -> (u32, u32, Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options.read_info(gif).unwrap();
        let (w, h) = (usize::from(decoder.width()), usize::from(decoder.height()));
        let mut screen = vec![0u8; w * h];
        let mut frames = Vec::new();
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            let (fw, fl, ft) = (
                usize::from(frame.width),
                usize::from(frame.left),
                usize::from(frame.top),
            );
            for (i, &p) in frame.buffer.iter().enumerate() {
                if Some(p) != frame.transparent {
                    screen[(ft + i / fw) * w + fl + i % fw] = p;
                }
            }
            frames.push(screen.clone());
        }
        (w as u32, h as u32, frames, super::comments(gif))
    }

    #[test]
    fn frames_decode_to_what_was_drawn_with_the_label_as_a_comment() {
        let (w, h) = (40u32, 30u32);
        let draw = |i: usize| -> Result<Vec<u8>, RenderError> {
            let mut f = vec![0u8; (w * h) as usize];
            // A moving square and one frame equal to its predecessor.
            let at = i.min(3) * 5;
            for y in at..at + 4 {
                for x in at..at + 6 {
                    f[y * w as usize + x] = 7;
                }
            }
            Ok(f)
        };
        let gif = encode((w, h), 5, 10, crate::label::SHORT, draw).unwrap();
        let (dw, dh, frames, comments) = decode(&gif);
        assert_eq!((dw, dh), (w, h));
        assert_eq!(frames.len(), 5);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f, &draw(i).unwrap(), "frame {i}");
        }
        assert_eq!(comments, vec![crate::label::SHORT.as_bytes().to_vec()]);
        // Cut anywhere, the bytes are read without a panic.
        for n in (0..gif.len()).step_by(7) {
            assert!(super::comments(&gif[..n]).len() <= 1);
        }
    }

    #[test]
    fn too_large_a_picture_is_an_error_not_a_panic() {
        let r = encode((70_000, 10), 1, 10, "x", |_| Ok(vec![0; 700_000]));
        assert!(matches!(r, Err(RenderError::TooLarge(70_000, 10))));
    }
}
