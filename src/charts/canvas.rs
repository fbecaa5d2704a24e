//! The drawing backend of every chart: plotters' SVG backend, at sub-pixel
//! precision.
//!
//! plotters hands backends whole-pixel coordinates, and its SVG backend writes
//! them as they come, so a data line with a point in every pixel column would
//! wobble by up to half a pixel. [`Canvas`] gives plotters a page of the chart's
//! size in pixels and passes every drawing on to the SVG backend scaled by
//! [`SUBPIXELS`]; data lines and areas ([`FineShape`]) keep their fractional
//! coordinates down to that finer grid. The SVG states the chart's size in pixels with a
//! `viewBox` of the finer grid, so viewers and the PNG rasterizer show it at the
//! chart's size.

use plotters::element::{DashedPathElement, Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontFamily,
    FontStyle, FontTransform,
};

/// Steps of the SVG's coordinate grid per chart pixel.
pub(super) const SUBPIXELS: i32 = 4;

/// plotters' SVG backend behind a page of `size` pixels, drawn `SUBPIXELS` times finer.
pub(super) struct Canvas<'s> {
    svg: SVGBackend<'s>,
    size: (u32, u32),
}

type Failed = DrawingErrorKind<<SVGBackend<'static> as DrawingBackend>::ErrorType>;

impl<'s> Canvas<'s> {
    /// A page of `(w, h)` pixels written into `out`.
    pub(super) fn new(out: &'s mut String, (w, h): (u32, u32)) -> Self {
        let fine = |v: u32| v.saturating_mul(SUBPIXELS.unsigned_abs());
        Canvas {
            svg: SVGBackend::with_string(out, (fine(w), fine(h))),
            size: (w, h),
        }
    }

    /// Draws a shape given in (fractional) pixels of an area at `origin`.
    fn fine(&mut self, shape: &FineShape, origin: BackendCoord) -> Result<(), Failed> {
        let points: Vec<BackendCoord> = shape
            .points
            .iter()
            .map(|&(x, y)| {
                (
                    fine_f(f64::from(origin.0) + x),
                    fine_f(f64::from(origin.1) + y),
                )
            })
            .collect();
        let style = shape.style.stroke_width(fine_u(shape.style.stroke_width));
        match shape.outline {
            Outline::Filled => self.svg.fill_polygon(points, &style),
            Outline::Solid => self.svg.draw_path(points, &style),
            Outline::Dashed(on, off) => {
                let dashed = DashedPathElement::new(points.clone(), fine(on), fine(off), style);
                let size = self.svg.get_size();
                dashed.draw(points.into_iter(), &mut self.svg, size)
            }
        }
    }
}

/// A page coordinate on the finer grid.
fn fine(v: i32) -> i32 {
    v.saturating_mul(SUBPIXELS)
}

fn fine_u(v: u32) -> u32 {
    v.saturating_mul(SUBPIXELS.unsigned_abs())
}

fn fine_f(v: f64) -> i32 {
    // Page coordinates are a few thousand at most, so the cast cannot saturate
    // except for points pinned far off the page, where it does no harm.
    (v * f64::from(SUBPIXELS)).round() as i32
}

fn fine_point((x, y): BackendCoord) -> BackendCoord {
    (fine(x), fine(y))
}

/// A line style with its width on the finer grid.
struct Scaled<'t, S>(&'t S);

impl<S: BackendStyle> BackendStyle for Scaled<'_, S> {
    fn color(&self) -> BackendColor {
        self.0.color()
    }
    fn stroke_width(&self) -> u32 {
        fine_u(self.0.stroke_width())
    }
}

/// A text style with its size on the finer grid.
struct ScaledText<'t, T>(&'t T);

impl<T: BackendTextStyle> BackendTextStyle for ScaledText<'_, T> {
    type FontError = T::FontError;
    fn color(&self) -> BackendColor {
        self.0.color()
    }
    fn size(&self) -> f64 {
        self.0.size() * f64::from(SUBPIXELS)
    }
    fn transform(&self) -> FontTransform {
        self.0.transform()
    }
    fn style(&self) -> FontStyle {
        self.0.style()
    }
    fn anchor(&self) -> plotters_backend::text_anchor::Pos {
        self.0.anchor()
    }
    fn family(&self) -> FontFamily<'_> {
        self.0.family()
    }
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        self.0.layout_box(text)
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        draw: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        self.0.draw(text, pos, draw)
    }
}

impl<'s> DrawingBackend for Canvas<'s> {
    type ErrorType = <SVGBackend<'s> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (x, y) = fine_point(point);
        self.svg
            .draw_rect((x, y), (x + SUBPIXELS, y + SUBPIXELS), &color, true)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg
            .draw_line(fine_point(from), fine_point(to), &Scaled(style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg.draw_rect(
            fine_point(upper_left),
            fine_point(bottom_right),
            &Scaled(style),
            fill,
        )
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg
            .draw_path(path.into_iter().map(fine_point), &Scaled(style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg
            .draw_circle(fine_point(center), fine_u(radius), &Scaled(style), fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg
            .fill_polygon(vert.into_iter().map(fine_point), &Scaled(style))
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.svg
            .draw_text(text, &ScaledText(style), fine_point(pos))
    }
}

/// A polyline or filled polygon in fractional pixels of the area it is drawn
/// on, kept at sub-pixel precision (plotters' own shapes are rounded to whole
/// pixels).
pub(super) struct FineShape {
    pub points: Vec<(f64, f64)>,
    /// Colour, opacity and (for lines) width in px.
    pub style: ShapeStyle,
    pub outline: Outline,
}

/// How a [`FineShape`] is drawn.
#[derive(Debug, Clone, Copy)]
pub(super) enum Outline {
    /// A solid line.
    Solid,
    /// A dashed line: dash and gap length, px.
    Dashed(i32, i32),
    /// A filled polygon.
    Filled,
}

impl<'p> PointCollection<'p, BackendCoord> for &'p FineShape {
    type Point = &'p BackendCoord;
    type IntoIter = std::iter::Once<&'p BackendCoord>;
    /// The area's origin alone: plotters moves it to the page, which tells
    /// [`Drawable::draw`] where the area is.
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&(0, 0))
    }
}

impl<'s> Drawable<Canvas<'s>> for FineShape {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut origin: I,
        backend: &mut Canvas<'s>,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<<Canvas<'s> as DrawingBackend>::ErrorType>> {
        match origin.next() {
            Some(o) => backend.fine(self, o),
            None => Ok(()),
        }
    }
}

/// `svg` as written on the finer grid, with its stated size put back to the
/// chart's `(w, h)` pixels: the `viewBox` keeps the finer grid.
pub(super) fn page_size(svg: String, (w, h): (u32, u32)) -> Option<String> {
    let fine = |v: u32| v.saturating_mul(SUBPIXELS.unsigned_abs());
    let written = format!("<svg width=\"{}\" height=\"{}\" ", fine(w), fine(h));
    let stated = format!("<svg width=\"{w}\" height=\"{h}\" ");
    let rest = svg.strip_prefix(&written)?;
    Some(stated + rest)
}
