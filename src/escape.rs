//! Escaping for every language hairsim generates: the one way scenario text
//! (arm names, descriptions, treatment labels) reaches generated code and
//! markup. Scenario files are untrusted (they are shared on course sites and
//! by mail), so a generator never pastes their text raw: it calls the function
//! of its output language here, which returns text that language reads back as
//! exactly the original string and that cannot end the construct it sits in.
//!
//! - [`python_str`]: a double-quoted Python string literal; [`python_comment`]
//!   for text after `#` (fixed text only; scenario text goes in a literal).
//! - [`xml`]: XML text or a quoted attribute value (quick-xml's escaping).
//! - [`html`]: HTML text or a quoted attribute value; [`script_json`]: JSON
//!   that is safe inside an HTML `<script>` element.
//!
//! CSV fields (`output::csv::field`), JSON (serde_json) and the SVG of charts
//! (plotters) have their own escaping where they are written.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `s` as a double-quoted Python string literal that Python reads back as
/// exactly `s`, e.g. `"a\"\"\"b"` for `a"""b`.
///
/// Quotes and backslashes are escaped (so `\N{…}`, `\x..` and a trailing
/// backslash in `s` stay text), and so is every character that is not plainly
/// printable, in Python's own escape syntax: control characters, U+2028 and
/// U+2029 (line breaks to editors and to `str.splitlines`), bidirectional and
/// other format characters, combining marks, unassigned code points. Printable
/// non-ASCII text (Japanese, emoji) is kept as it is: the module is UTF-8, the
/// default encoding of Python source.
pub fn python_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => push_python_char(&mut out, c),
        }
    }
    out.push('"');
    out
}

/// `s` as the text of a Python `#` comment: unchanged when it is printable, as
/// fixed text (units, sources, event labels) always is. Anything that could end
/// the comment or hide in it (a line break, U+2028, a control or format
/// character) is written in Python escape syntax instead, so the comment can
/// never spill into code.
pub fn python_comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_python_char(&mut out, c);
    }
    out
}

/// `c` as itself when printable, else as a Python escape (`\n`, `\xNN`,
/// `\uNNNN`, `\UNNNNNNNN`). Rust's `escape_debug` decides what is printable:
/// it leaves a character alone exactly when it is printable and not a
/// combining mark.
fn push_python_char(out: &mut String, c: char) {
    let mut debug = c.escape_debug();
    let printable = debug.next() == Some(c) && debug.next().is_none();
    let code = u32::from(c);
    let _ = match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        // Quotes and backslashes are escaped by the literal, left alone in comments.
        '\'' | '"' | '\\' => out.write_char(c),
        _ if printable => out.write_char(c),
        _ if code <= 0xFF => write!(out, "\\x{code:02x}"),
        _ if code <= 0xFFFF => write!(out, "\\u{code:04x}"),
        _ => write!(out, "\\U{code:08x}"),
    };
}

/// `s` as XML character data or a quoted attribute value (SBML, SVG): `<`,
/// `>`, `&`, `'`, `"` become entities (quick-xml's [`escape`]), and tab and
/// line breaks character references, so attribute-value normalization cannot
/// turn them into spaces. Characters XML 1.0 cannot hold at all (the C0
/// controls other than tab and line breaks, U+FFFE, U+FFFF) become U+FFFD; the
/// scenario validator refuses them, so scenario text never loses one.
///
/// [`escape`]: quick_xml::escape::escape
pub fn xml(s: &str) -> Cow<'_, str> {
    let legal: Cow<'_, str> = if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(
            s.chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    };
    let escaped = quick_xml::escape::escape(legal);
    if escaped.contains(['\n', '\t']) {
        Cow::Owned(escaped.replace('\n', "&#10;").replace('\t', "&#9;"))
    } else {
        escaped
    }
}

/// XML 1.0's `Char` production (surrogates cannot occur in a Rust string).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` as HTML text or a quoted attribute value: the same five entities as
/// [`xml`] (`&apos;` is an HTML5 entity), which is all HTML needs outside
/// `<script>` and `<style>`. For data inside `<script>` use [`script_json`].
pub fn html(s: &str) -> Cow<'_, str> {
    xml(s)
}

/// `value` as JSON that can be embedded in an HTML `<script>` element: `<`,
/// `>` and `&` are written `\u003c`, `\u003e`, `\u0026` (so no `</script>` or
/// `<!--` can close or change the element), and U+2028, U+2029 `\u2028`,
/// `\u2029` (line terminators to older JavaScript). JSON reads the result back
/// as the same value: those characters can only occur inside JSON strings,
/// where the escapes mean the same characters.
pub fn script_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_literals_escape_quotes_backslashes_and_invisible_characters() {
        let cases = [
            ("combo", "\"combo\""),
            ("a\"\"\"b", "\"a\\\"\\\"\\\"b\""),
            ("it's", "\"it's\""),
            ("ends with \\", "\"ends with \\\\\""),
            (
                "\\N{BULLET} \\x41 {x} %s",
                "\"\\\\N{BULLET} \\\\x41 {x} %s\"",
            ),
            ("a\nb\r\tc\0", "\"a\\nb\\r\\tc\\x00\""),
            ("\u{7f}\u{85}\u{a0}", "\"\\x7f\\x85\\xa0\""),
            ("x\u{2028}y\u{2029}z", "\"x\\u2028y\\u2029z\""),
            ("\u{202e}evil", "\"\\u202eevil\""),
            ("e\u{301}", "\"e\\u0301\""),
            ("\u{e0001}", "\"\\U000e0001\""),
            ("毛周期 😀 µm²", "\"毛周期 😀 µm²\""),
        ];
        for (text, literal) in cases {
            assert_eq!(python_str(text), literal, "{text:?}");
        }
    }

    #[test]
    fn a_python_literal_has_no_unescaped_quote_inside() {
        for text in ["\"", "\\\"", "\\", "\"\"\"", "'''", "\\\\\"", "a\"\\"] {
            let lit = python_str(text);
            let inner = &lit[1..lit.len() - 1];
            // Every quote inside is preceded by an odd number of backslashes.
            let mut backslashes = 0;
            for c in inner.chars() {
                if c == '"' {
                    assert_eq!(backslashes % 2, 1, "{text:?} → {lit}");
                }
                backslashes = if c == '\\' { backslashes + 1 } else { 0 };
            }
            assert_eq!(backslashes % 2, 0, "{text:?} → {lit} ends in an escape");
        }
    }

    #[test]
    fn python_comments_keep_printable_text_and_cannot_end_early() {
        assert_eq!(
            python_comment("per day; Kligman 1959, \"x\" \\ µm²"),
            "per day; Kligman 1959, \"x\" \\ µm²"
        );
        let c = python_comment("a\nimport os\r\u{2028}\u{85}b");
        assert_eq!(c, "a\\nimport os\\r\\u2028\\x85b");
        assert!(!c.contains(['\n', '\r', '\u{2028}', '\u{85}']));
    }

    #[test]
    fn xml_escapes_markup_and_replaces_what_xml_cannot_hold() {
        assert_eq!(
            xml("<a href='x'>&\"]]>--></a>"),
            "&lt;a href=&apos;x&apos;&gt;&amp;&quot;]]&gt;--&gt;&lt;/a&gt;"
        );
        assert_eq!(xml("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
        assert_eq!(
            xml("x\u{0}\u{1b}\u{FFFE}\u{FFFF}y"),
            "x\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}y"
        );
        assert!(matches!(xml("plain 毛 😀 \u{2028}"), Cow::Borrowed(_)));
        let text = "a < b & \"c\" 'd'";
        assert_eq!(
            quick_xml::escape::unescape(&xml(text)).expect("valid entities"),
            text
        );
    }

    #[test]
    fn html_escapes_the_five_markup_characters() {
        assert_eq!(
            html("<img src=x onerror='alert(1)'>&"),
            "&lt;img src=x onerror=&apos;alert(1)&apos;&gt;&amp;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script_and_reads_back_exactly() {
        let names = vec![
            "</script><script>alert(1)</script>".to_string(),
            "<!-- x --> & ]]>".to_string(),
            "line\u{2028}para\u{2029}end \"q\" \\".to_string(),
            "毛周期 😀".to_string(),
        ];
        let json = script_json(&names).expect("strings serialize");
        assert!(
            !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
            "{json}"
        );
        let back: Vec<String> = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(back, names);
        assert_eq!(script_json("<").expect("serializes"), "\"\\u003c\"");
    }

    /// Characters that end a line somewhere: in Python, an editor or `splitlines`.
    const BREAKS: [char; 5] = ['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'];

    proptest::proptest! {
        /// Any string at all: the Python literal is one line of printable text
        /// whose only unescaped quotes are its ends; XML and `<script>` JSON
        /// read back exactly (XML: for the characters XML can hold).
        #[test]
        fn every_string_escapes_to_one_safe_line(s in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "\\PC*",
            "[\"'\\\\\u{2028}<>&\n\r]*",
        ]) {
            let lit = python_str(&s);
            let inner = &lit[1..lit.len() - 1];
            let mut backslashes = 0;
            for c in inner.chars() {
                proptest::prop_assert!(c != '"' || backslashes % 2 == 1, "{lit}");
                proptest::prop_assert!(!BREAKS.contains(&c), "{}", lit);
                backslashes = if c == '\\' { backslashes + 1 } else { 0 };
            }
            proptest::prop_assert_eq!(backslashes % 2, 0);
            let comment = python_comment(&s);
            proptest::prop_assert!(!comment.contains(BREAKS), "{}", comment);
            if s.chars().all(is_xml_char) {
                let escaped = xml(&s);
                proptest::prop_assert!(!escaped.contains(['<', '>', '"', '\'', '\n', '\t', '\r']), "{}", escaped);
                let back = quick_xml::escape::unescape(&escaped).expect("valid entities");
                proptest::prop_assert_eq!(back.as_ref(), s.as_str());
            }
            let json = script_json(&s).expect("strings serialize");
            proptest::prop_assert!(!json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{}", json);
            proptest::prop_assert_eq!(serde_json::from_str::<String>(&json).expect("valid JSON"), s);
        }
    }
}
