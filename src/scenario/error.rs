//! Scenario errors that point at the file, line and column, say what is wrong
//! and what would be valid, with a "did you mean" for misspellings.

use std::fmt;
use std::ops::Range;

/// A problem in a scenario file, located.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// File as given by the user.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Turns byte spans of one file into located errors.
pub struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl<'a> Locator<'a> {
    /// For the text of `file`.
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Locator { file, text }
    }

    /// 1-based (line, column) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// An error at `span` (or the start of the file).
    pub fn error(
        &self,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ScenarioError {
        let (line, column) = self.line_col(span.map_or(0, |s| s.start));
        ScenarioError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
            help,
        }
    }

    /// Convert a TOML / serde error, adding "did you mean" for unknown keys and
    /// values and a hint for the other common mistakes.
    pub fn from_toml(&self, e: &toml::de::Error) -> ScenarioError {
        let raw = e.message().trim();
        let (message, help) = explain_toml_message(raw);
        self.error(e.span(), message, help)
    }
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a misspelling.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean `x`? valid: a, b, c" for an unknown `word`.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    let valid = candidates
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(word, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? valid: {valid}"),
        None => format!("valid: {valid}"),
    }
}

/// The message and help for a TOML parser or serde message: the parser's terse
/// syntax messages get a plain explanation, serde's type messages a fix.
fn explain_toml_message(raw: &str) -> (String, Option<String>) {
    const SYNTAX: &str = "a scenario is TOML: `[table]` headers and `key = value` lines, strings in double quotes; compare with a shipped scenario and docs/SCENARIOS.md";
    if raw.is_empty() {
        return (
            "the TOML breaks off here (is the file truncated, or a value missing after `=`?)"
                .into(),
            Some(SYNTAX.into()),
        );
    }
    if let Some(help) = suggestion_for_serde_message(raw) {
        return (raw.into(), Some(help));
    }
    // toml's `Spanned` reports a table where a single value belongs this way.
    if raw.contains("expected a borrowed string") {
        return (
            "expected a single value here, not a table".into(),
            Some("write e.g. `start = \"30 days\"`; a dotted key such as `start.x = …` makes a table".into()),
        );
    }
    let help = if let Some(rest) = raw.strip_prefix("missing field ") {
        format!("add {rest}; docs/SCENARIOS.md lists every key with an example")
    } else if raw.contains("expected a string") {
        "write it as a quoted string, with a unit where it is a time or a dose, e.g. \"3 years\", \"1 mg\"".into()
    } else if raw.contains("expected a sequence") {
        "this key is a list: `[ … ]`, or for arms and treatments `[[arm]]` / `[[arm.treatment]]` tables (double brackets)".into()
    } else if raw.contains("expected struct") || raw.contains("expected a map") {
        "this key is a table: write it as a `[header]` section".into()
    } else if raw.contains("expected f64") {
        "write a plain number, e.g. 0.8 (no quotes, no unit)".into()
    } else if raw.contains("expected i64") || raw.contains("too large to fit") {
        "write a whole number within the documented range, without quotes".into()
    } else if raw.contains("recursion limit") {
        "the file nests arrays or tables too deeply; a scenario needs at most three levels".into()
    } else if raw.starts_with("invalid type") {
        "docs/SCENARIOS.md shows the type of every key".into()
    } else if raw.starts_with("duplicate key") {
        "remove one of the two; each key may appear once per table".into()
    } else {
        SYNTAX.into()
    };
    (raw.into(), Some(help))
}

/// Text between the first pair of backticks after `start`.
fn backticked(s: &str) -> Option<(&str, &str)> {
    let a = s.find('`')?;
    let rest = &s[a + 1..];
    let b = rest.find('`')?;
    Some((&rest[..b], &rest[b + 1..]))
}

/// serde says "unknown field `x`, expected one of `a`, `b`" (or "expected `a`");
/// turn that into a suggestion.
fn suggestion_for_serde_message(message: &str) -> Option<String> {
    let pos = message
        .find("unknown field")
        .or_else(|| message.find("unknown variant"))?;
    let (word, mut rest) = backticked(&message[pos..])?;
    let mut expected = Vec::new();
    while let Some((c, r)) = backticked(rest) {
        expected.push(c);
        rest = r;
    }
    if expected.is_empty() {
        return Some("this table takes no keys".to_string());
    }
    Some(did_you_mean(word, &expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("duratoin", "duration"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            closest("finasterid", ["finasteride", "dutasteride"]),
            Some("finasteride")
        );
        assert_eq!(closest("zzz", ["finasteride"]), None);
    }

    #[test]
    fn serde_unknown_field_message_gets_a_suggestion() {
        let m = "unknown field `duratoin`, expected one of `name`, `description`, `duration`";
        let help = suggestion_for_serde_message(m).unwrap();
        assert!(help.starts_with("did you mean `duration`?"), "{help}");
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "a = 1\nµé = 2\n";
        let loc = Locator::new("f.toml", text);
        assert_eq!(loc.line_col(0), (1, 1));
        assert_eq!(loc.line_col(6), (2, 1));
        let off = text.find('=').unwrap();
        assert_eq!(loc.line_col(off), (1, 3));
        let second_eq = text.rfind('=').unwrap();
        assert_eq!(loc.line_col(second_eq), (2, 4));
    }
}
