//! Pictures of the follicles: the scalp map (`map.rs`: the head from above,
//! one dot per follicle) and the close-up patch (`patch.rs`: 1 cm² drawn as
//! hairs), each as a GIF animation (`animation.rs`) and as a contact-sheet
//! PNG of chosen times, arms side by side. The page around them (title, date,
//! arm names, legend, the non-clinical footer) is SVG (`chrome.rs`) drawn by
//! resvg with the bundled fonts, the same stack as the charts; GIF frames use
//! one fixed palette (`palette.rs`).
//!
//! Every picture carries the non-clinical label in its pixels (the footer of
//! every frame) and in its metadata (a GIF comment, the PNG's `Disclaimer`
//! iTXt).
//!
//! ```no_run
//! # fn demo(frames: Vec<Vec<hairsim::follicles::Frame>>) -> Result<(), Box<dyn std::error::Error>> {
//! use hairsim::follicles::render::{self, Reel};
//! use hairsim::i18n::Lang;
//! use hairsim::follicles::scalp::ScalpLayout;
//! let scalp = ScalpLayout::new(264.0, 1)?;
//! // `frames`: per arm, one Frame per time, every follicle of the scalp.
//! let looks: Vec<Vec<_>> = frames.iter().map(|f| f.iter().map(render::map_frame).collect()).collect();
//! let reel = Reel { title: "Scalp map", scenario: "pattern", lang: Lang::En, arms: &looks };
//! let gif = render::map_gif(&scalp, &reel)?;
//! let sheet = render::map_sheet(&scalp, &reel, &render::nearest(&reel, &[0.0, 3652.5])?)?;
//! # let _ = (gif, sheet);
//! # Ok(())
//! # }
//! ```

use std::borrow::Cow;

use super::scalp::{Patch, ScalpLayout};
use super::view::{FollicleView, Frame};
use crate::charts::raster;
use crate::i18n::{Key, Lang};

mod animation;
mod chrome;
mod map;
mod palette;
mod patch;

pub use animation::comments;
use chrome::{Grid, Texts};
pub use palette::Look;

/// Pixels per cm of the animated map (about 1.3 follicles per pixel, so a
/// pixel shows the local mix of hair states as a shade).
const MAP_PPC: f32 = 14.0;
/// Pixels per cm of the contact sheet's maps (about 2 follicles per pixel).
const SHEET_PPC: f32 = 12.0;
/// Side of the animated patch, px.
const PATCH_PX: u32 = 420;
/// Side of a contact sheet's patch, px.
const SHEET_PATCH_PX: u32 = 280;
/// Width kept for a contact sheet's dates.
const ROW_LABEL_PX: u32 = 130;
/// Time each frame is shown, hundredths of a second.
const DELAY_CS: u16 = 8;

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Nothing to draw.
    #[error("there is no arm or no frame to draw")]
    Empty,
    /// The arms were not given at the same times.
    #[error("arm {arm} has {got} frames where the first arm has {want}")]
    Frames { arm: usize, got: usize, want: usize },
    /// A frame does not hold one follicle per site.
    #[error("a frame of arm {arm} has {got} follicles for {want} sites")]
    Follicles { arm: usize, got: usize, want: usize },
    /// A picture larger than a GIF can hold.
    #[error("a {0} × {1} px picture is too large for a GIF")]
    TooLarge(u32, u32),
    /// A time to show is not a number.
    #[error("the time {0} is not a number of days")]
    Time(f64),
    /// resvg could not draw the page.
    #[error("the page could not be drawn")]
    Raster(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The GIF encoder failed.
    #[error("the GIF could not be encoded")]
    Gif(#[from] gif::EncodingError),
    /// The PNG encoder failed.
    #[error("the PNG could not be encoded")]
    Png(#[from] png::EncodingError),
}

impl From<raster::RasterError> for RenderError {
    fn from(e: raster::RasterError) -> Self {
        RenderError::Raster(Box::new(e))
    }
}

/// What to draw: every arm's frames at the same times, each follicle seen
/// as a [`FollicleView`] (the patch) or as its [`Look`] (the map).
#[derive(Debug)]
pub struct Reel<'a, V = FollicleView> {
    /// The picture's title (scenario text is escaped where it is drawn).
    pub title: &'a str,
    /// The scenario's name, for the non-clinical footer.
    pub scenario: &'a str,
    /// The language of the page's text.
    pub lang: Lang,
    /// Per arm, one frame per time, every arm at the same times.
    pub arms: &'a [Vec<Frame<V>>],
}

// Not derived: a derive would ask `V: Copy` of the references' targets.
impl<V> Clone for Reel<'_, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V> Copy for Reel<'_, V> {}

impl<V> Reel<'_, V> {
    /// The number of times, after checking every arm has them all.
    fn times(&self) -> Result<usize, RenderError> {
        let want = self.arms.first().map_or(0, Vec::len);
        if want == 0 {
            return Err(RenderError::Empty);
        }
        for (arm, frames) in self.arms.iter().enumerate() {
            if frames.len() != want {
                return Err(RenderError::Frames {
                    arm,
                    got: frames.len(),
                    want,
                });
            }
        }
        Ok(want)
    }

    fn names(&self) -> Vec<&str> {
        self.arms
            .iter()
            .map(|f| f.first().map_or("", |f| f.arm.as_str()))
            .collect()
    }

    fn t_days(&self, i: usize) -> f64 {
        self.arms
            .first()
            .and_then(|f| f.get(i))
            .map_or(0.0, |f| f.t_days)
    }

    /// Checks that every frame has `sites` follicles (or, for a patch cut
    /// from the whole scalp, `alt` follicles).
    fn check_follicles(&self, sites: usize, alt: usize) -> Result<(), RenderError> {
        for (arm, frames) in self.arms.iter().enumerate() {
            if let Some(f) = frames
                .iter()
                .find(|f| f.follicles.len() != sites && f.follicles.len() != alt)
            {
                return Err(RenderError::Follicles {
                    arm,
                    got: f.follicles.len(),
                    want: sites,
                });
            }
        }
        Ok(())
    }
}

/// For each of `times_days`, the index of the reel's frame nearest to it.
pub fn nearest<V>(reel: &Reel<V>, times_days: &[f64]) -> Result<Vec<usize>, RenderError> {
    let n = reel.times()?;
    times_days
        .iter()
        .map(|&t| {
            if !t.is_finite() {
                return Err(RenderError::Time(t));
            }
            Ok((0..n)
                .min_by(|&a, &b| {
                    (reel.t_days(a) - t)
                        .abs()
                        .total_cmp(&(reel.t_days(b) - t).abs())
                })
                .unwrap_or(0))
        })
        .collect()
}

fn map_legend(lang: Lang) -> Vec<(palette::Rgb, &'static str)> {
    Look::ALL
        .iter()
        .map(|l| (l.colour(), lang.get(l.key())))
        .collect()
}

fn patch_legend(lang: Lang) -> Vec<(palette::Rgb, &'static str)> {
    let mut legend = map_legend(lang);
    legend.insert(2, (palette::CLUB, lang.get(Key::LookClub)));
    legend
}

/// What the map keeps of `frame`: each follicle's look.
pub fn map_frame(frame: &Frame) -> Frame<Look> {
    Frame {
        t_days: frame.t_days,
        arm: frame.arm.clone(),
        follicles: frame.follicles.iter().map(Look::of).collect(),
    }
}

/// The palette indices of an RGB picture.
fn indices(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .map(|p| palette::index([p[0], p[1], p[2]]))
        .collect()
}

/// The reel's number of frames, each with one look per site of `scalp`.
fn map_frames(scalp: &ScalpLayout, reel: &Reel<Look>) -> Result<usize, RenderError> {
    let count = reel.times()?;
    let sites = scalp.sites().len();
    reel.check_follicles(sites, sites)?;
    Ok(count)
}

/// The map's page: one column of `head`s per arm, `rows` rows, `row_label_w`
/// at the left for the rows' dates.
fn map_grid(head: &map::Head, reel: &Reel<Look>, rows: usize, row_label_w: u32) -> Grid {
    let (cell_w, cell_h) = head.size();
    Grid {
        cell_w,
        cell_h,
        cols: reel.arms.len(),
        rows,
        row_label_w,
    }
}

/// The scalp-map animation: one frame per time, arms side by side.
pub fn map_gif(scalp: &ScalpLayout, reel: &Reel<Look>) -> Result<Vec<u8>, RenderError> {
    let count = map_frames(scalp, reel)?;
    let head = map::Head::new(scalp, MAP_PPC);
    let grid = map_grid(&head, reel, 1, 0);
    let (w, _) = grid.size();
    let heads: String = (0..grid.cols).map(|c| head.svg(grid.cell(c, 0))).collect();
    let names = reel.names();
    let legend = map_legend(reel.lang);
    let footer = reel.lang.footer(reel.scenario);
    let texts = Texts {
        title: reel.title,
        date: None,
        arms: &names,
        rows: &[],
        legend: &legend,
        footer: &footer,
    };
    let page = raster::rgb(&grid.svg(&texts, &heads))?;
    let base = indices(&page.rgb);
    let date_box = grid.date_box();
    let draw = |i: usize| -> Result<Vec<u8>, RenderError> {
        let mut frame = base.clone();
        for (col, frames) in reel.arms.iter().enumerate() {
            let cell = grid.cell(col, 0);
            // Neighbouring pixels mostly share a colour: look it up once.
            let first = Look::Terminal.colour();
            let mut last = (first, palette::index(first));
            head.dots(cell, &frames[i].follicles, |x, y, c| {
                if c != last.0 {
                    last = (c, palette::index(c));
                }
                frame[(y * w + x) as usize] = last.1;
            });
        }
        let date = raster::rgb(&chrome::date_svg(
            date_box,
            &chrome::date(reel.t_days(i), reel.lang),
        ))?;
        paste(&mut frame, w, date_box, &indices(&date.rgb));
        Ok(frame)
    };
    animation::encode(grid.size(), count, DELAY_CS, crate::label::SHORT, draw)
}

/// The scalp map at the reel's frames `rows` (see [`nearest`]): one row per
/// time, arms side by side, as a PNG.
pub fn map_sheet(
    scalp: &ScalpLayout,
    reel: &Reel<Look>,
    rows: &[usize],
) -> Result<Vec<u8>, RenderError> {
    let count = map_frames(scalp, reel)?;
    let rows: Vec<usize> = rows.iter().copied().filter(|&r| r < count).collect();
    if rows.is_empty() {
        return Err(RenderError::Empty);
    }
    let head = map::Head::new(scalp, SHEET_PPC);
    let grid = map_grid(&head, reel, rows.len(), ROW_LABEL_PX);
    let mut heads = String::new();
    for r in 0..rows.len() {
        for c in 0..grid.cols {
            heads.push_str(&head.svg(grid.cell(c, r)));
        }
    }
    let names = reel.names();
    let legend = map_legend(reel.lang);
    let footer = reel.lang.footer(reel.scenario);
    let labels: Vec<String> = rows
        .iter()
        .map(|&i| chrome::date(reel.t_days(i), reel.lang))
        .collect();
    let texts = Texts {
        title: reel.title,
        date: Some(reel.lang.get(Key::FollicleMapCaption)),
        arms: &names,
        rows: &labels,
        legend: &legend,
        footer: &footer,
    };
    let mut page = raster::rgb(&grid.svg(&texts, &heads))?;
    let w = page.width;
    for (r, &i) in rows.iter().enumerate() {
        for (col, frames) in reel.arms.iter().enumerate() {
            head.dots(grid.cell(col, r), &frames[i].follicles, |x, y, c| {
                let at = 3 * (y * w + x) as usize;
                page.rgb[at..at + 3].copy_from_slice(&c);
            });
        }
    }
    Ok(raster::encode(
        &page.rgb,
        page.width,
        page.height,
        crate::label::DISCLAIMER,
    )?)
}

/// The follicles of `patch` in `frame`: the frame itself when it holds only
/// the patch's follicles, else those at the patch's indices.
fn patch_views<'f>(patch: &Patch, frame: &'f Frame) -> Cow<'f, [FollicleView]> {
    if frame.follicles.len() == patch.indices.len() {
        Cow::Borrowed(&frame.follicles)
    } else {
        Cow::Owned(
            patch
                .indices
                .iter()
                .filter_map(|&i| frame.follicles.get(i).copied())
                .collect(),
        )
    }
}

/// The SVG page of the patch at the reel's frames `rows`.
fn patch_page(
    scalp: &ScalpLayout,
    patch: &Patch,
    reel: &Reel,
    rows: &[usize],
    (side, date): (u32, Option<&str>),
) -> String {
    let grid = Grid {
        cell_w: side,
        cell_h: side,
        cols: reel.arms.len(),
        rows: rows.len(),
        row_label_w: if date.is_some() { 0 } else { ROW_LABEL_PX },
    };
    let sites = patch.sites(scalp);
    let mut content = String::new();
    for (r, &i) in rows.iter().enumerate() {
        for (col, frames) in reel.arms.iter().enumerate() {
            let views = patch_views(patch, &frames[i]);
            content.push_str(&patch::svg(patch, &sites, &views, grid.cell(col, r)));
        }
    }
    let names = reel.names();
    let lang = reel.lang;
    let legend = patch_legend(lang);
    let footer = lang.footer(reel.scenario);
    let labels: Vec<String> = rows
        .iter()
        .map(|&i| chrome::date(reel.t_days(i), lang))
        .collect();
    let caption = lang.fill(
        Key::FolliclePatchCaption,
        &[("n", &sites.len().to_string())],
    );
    let date_line = date.map_or(caption, |d| {
        lang.fill(Key::FolliclePatchDate, &[("date", d)])
    });
    grid.svg(
        &Texts {
            title: reel.title,
            date: Some(&date_line),
            arms: &names,
            rows: if date.is_some() { &[] } else { &labels },
            legend: &legend,
            footer: &footer,
        },
        &content,
    )
}

/// The close-up patch animation: arms side by side, one frame per time. The
/// reel's frames hold either the patch's follicles (in the order of
/// `patch.indices`) or the whole scalp's.
pub fn patch_gif(scalp: &ScalpLayout, patch: &Patch, reel: &Reel) -> Result<Vec<u8>, RenderError> {
    let count = reel.times()?;
    reel.check_follicles(patch.indices.len(), scalp.sites().len())?;
    let first = patch_page(scalp, patch, reel, &[0], (PATCH_PX, Some("")));
    let size = raster::rgb(&first)?;
    let draw = |i: usize| -> Result<Vec<u8>, RenderError> {
        let date = chrome::date(reel.t_days(i), reel.lang);
        let svg = patch_page(scalp, patch, reel, &[i], (PATCH_PX, Some(&date)));
        Ok(indices(&raster::rgb(&svg)?.rgb))
    };
    animation::encode(
        (size.width, size.height),
        count,
        DELAY_CS,
        crate::label::SHORT,
        draw,
    )
}

/// The close-up patch at the reel's frames `rows` as a PNG contact sheet.
pub fn patch_sheet(
    scalp: &ScalpLayout,
    patch: &Patch,
    reel: &Reel,
    rows: &[usize],
) -> Result<Vec<u8>, RenderError> {
    let count = reel.times()?;
    reel.check_follicles(patch.indices.len(), scalp.sites().len())?;
    let rows: Vec<usize> = rows.iter().copied().filter(|&r| r < count).collect();
    if rows.is_empty() {
        return Err(RenderError::Empty);
    }
    let svg = patch_page(scalp, patch, reel, &rows, (SHEET_PATCH_PX, None));
    Ok(raster::png(&svg, crate::label::DISCLAIMER)?)
}

/// Copies `src` (palette indices of `area`'s size) into `frame` at `area`.
fn paste(frame: &mut [u8], frame_w: u32, area: chrome::Rect, src: &[u8]) {
    for (row, line) in src.chunks_exact(area.w as usize).enumerate() {
        let at = ((area.y + row as u32) * frame_w + area.x) as usize;
        if let Some(dst) = frame.get_mut(at..at + line.len()) {
            dst.copy_from_slice(line);
        }
    }
}

#[cfg(test)]
mod tests;
