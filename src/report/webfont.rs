//! The report's fonts: the bundled faces cut down to the characters the page
//! uses and embedded as `data:` URLs, so the page looks as the charts were
//! measured (DejaVu Sans, IPAex Gothic for Japanese) with no request and no
//! system font, and stays small (IPAex Gothic alone is 6 MB).
//!
//! Subsetting is skera's (the fontations port of HarfBuzz's hb-subset), which
//! keeps the `cmap` browsers need; the PDF-oriented subsetters drop it.

use crate::charts::fonts::{BOLD_TTF, IPAEX, IPAEX_TTF, REGULAR_TTF};
use base64::Engine;
use skera::{subset_font, Plan, SubsetFlags, DEFAULT_LAYOUT_FEATURES};
use skrifa::raw::collections::IntSet;
use skrifa::raw::types::{NameId, Tag};
use skrifa::raw::FontRef;
use std::collections::BTreeSet;

/// Why a face could not be cut down.
#[derive(Debug, thiserror::Error)]
pub enum WebFontError {
    /// The bundled file did not parse.
    #[error("the bundled font `{0}` could not be read")]
    Read(&'static str),
    /// The subsetter failed.
    #[error("the bundled font `{family}` could not be subset: {reason}")]
    Subset {
        /// The family.
        family: &'static str,
        /// The subsetter's message.
        reason: String,
    },
}

/// `font` with only the glyphs of `chars` (and what layout needs with them).
pub fn subset(
    font: &[u8],
    family: &'static str,
    chars: &BTreeSet<char>,
) -> Result<Vec<u8>, WebFontError> {
    let face = FontRef::new(font).map_err(|_| WebFontError::Read(family))?;
    let mut unicodes = IntSet::<u32>::empty();
    unicodes.extend(chars.iter().map(|&c| u32::from(c)));
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let mut features = IntSet::<Tag>::empty();
    features.extend(DEFAULT_LAYOUT_FEATURES.iter().copied());
    let mut names = IntSet::<NameId>::empty();
    names.insert_range(NameId::from(0)..=NameId::from(6));
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    let plan = Plan::new(
        &IntSet::empty(),
        &unicodes,
        &face,
        SubsetFlags::SUBSET_FLAGS_DEFAULT,
        &IntSet::empty(),
        &scripts,
        &features,
        &names,
        &languages,
    );
    subset_font(&face, &plan).map_err(|e| WebFontError::Subset {
        family,
        reason: e.to_string(),
    })
}

/// `@font-face` rules for the characters of `text`: DejaVu Sans regular and
/// bold, and IPAex Gothic when `text` has a character DejaVu lacks.
pub fn font_faces(text: &str) -> Result<String, WebFontError> {
    let chars: BTreeSet<char> = text.chars().filter(|c| !c.is_control()).collect();
    let dejavu = covered(REGULAR_TTF, &chars);
    let rest: BTreeSet<char> = chars.difference(&dejavu).copied().collect();
    let mut css = String::new();
    for (data, weight) in [(REGULAR_TTF, "normal"), (BOLD_TTF, "bold")] {
        css.push_str(&face_rule(
            "DejaVu Sans",
            weight,
            &subset(data, "DejaVu Sans", &dejavu)?,
        ));
    }
    let japanese = covered(IPAEX_TTF, &rest);
    if !japanese.is_empty() {
        css.push_str(&face_rule(
            IPAEX,
            "normal",
            &subset(IPAEX_TTF, IPAEX, &japanese)?,
        ));
    }
    Ok(css)
}

/// The characters of `chars` that `font` has a glyph for.
fn covered(font: &[u8], chars: &BTreeSet<char>) -> BTreeSet<char> {
    use skrifa::MetadataProvider;
    let Ok(face) = skrifa::FontRef::new(font) else {
        return BTreeSet::new();
    };
    let map = face.charmap();
    chars
        .iter()
        .copied()
        .filter(|&c| map.map(c).is_some())
        .collect()
}

fn face_rule(family: &str, weight: &str, data: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    format!(
        "@font-face{{font-family:\"{family}\";font-weight:{weight};font-style:normal;\
         src:url(data:font/ttf;base64,{b64}) format(\"truetype\");}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use skrifa::MetadataProvider;

    #[test]
    fn a_subset_keeps_its_characters_mapped_and_is_small() {
        let chars: BTreeSet<char> = "毛周期 Hair 123".chars().collect();
        let cut = subset(IPAEX_TTF, IPAEX, &chars).expect("subsets");
        assert!(cut.len() < 40_000, "{} bytes", cut.len());
        let face = skrifa::FontRef::new(&cut).expect("parses");
        for c in chars {
            assert!(face.charmap().map(c).is_some(), "{c:?} lost its glyph");
        }
        assert!(face.charmap().map('髪').is_none());
    }

    #[test]
    fn japanese_text_adds_the_ipaex_face() {
        assert!(!font_faces("Hair count").expect("faces").contains(IPAEX));
        assert!(font_faces("毛髪数").expect("faces").contains(IPAEX));
    }
}
