//! Turning `toml` deserialisation errors into diagnostics.
//!
//! Shared by the site configuration and by front matter: both are TOML with
//! typed, closed schemas. The `toml` crate reports byte spans inside the
//! fragment it parsed; callers give the fragment's position in the real
//! file so the message points at the right line.

use crate::diagnostic::{Diagnostic, Kind, did_you_mean, line_col};
use std::path::Path;

/// Where a TOML fragment sits inside the file a person edits.
pub struct Fragment<'a> {
    pub file: &'a Path,
    /// The whole file, for the caret line.
    pub file_text: &'a str,
    /// Byte offset of the fragment inside `file_text`.
    pub offset: usize,
    /// What the fragment is, for messages: "front matter", "aula.toml".
    pub what: &'a str,
    /// The kind of its errors other than unknown keys.
    pub kind: Kind,
}

/// Converts a `toml` error into a diagnostic pointing into the real file,
/// with a "did you mean" hint for unknown keys.
pub fn diagnose(err: &toml::de::Error, frag: &Fragment) -> Diagnostic {
    let raw = err.message().trim().to_string();
    let (line, col) = match err.span() {
        Some(span) => line_col(frag.file_text, frag.offset + span.start),
        None => line_col(frag.file_text, frag.offset),
    };
    let (message, help) = explain(&raw, frag.what);
    let kind = if raw.starts_with("unknown field ") {
        Kind::UnknownKey
    } else {
        frag.kind
    };
    let mut d =
        Diagnostic::error(message)
            .kind(kind)
            .file(frag.file)
            .at(line, col, Some(frag.file_text));
    if let Some(h) = help {
        d = d.help(h);
    }
    d
}

/// Rewrites serde's wording into ours and finds a hint.
fn explain(raw: &str, what: &str) -> (String, Option<String>) {
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let words = backticked(rest);
        if let Some((key, expected)) = words.split_first() {
            let expected: Vec<&str> = expected.to_vec();
            let help = match did_you_mean(key, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if expected.is_empty() => format!("remove `{key}`"),
                None => format!(
                    "remove `{key}` or use one of: {}",
                    expected
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            return (format!("unknown key `{key}` in {what}"), Some(help));
        }
    }
    if let Some(rest) = raw.strip_prefix("missing field ")
        && let Some(key) = backticked(rest).first()
    {
        return (
            format!("missing key `{key}` in {what}"),
            Some(format!("add a line `{key} = ...`")),
        );
    }
    if raw.starts_with("invalid type") {
        let plain = raw
            .replace("expected u32", "expected a whole number")
            .replace("expected i64", "expected a whole number")
            .replace("expected a sequence", "expected a list like [\"a\", \"b\"]")
            .replace("invalid type: ", "");
        return (
            format!("wrong type in {what}: {plain}"),
            Some("check the quotes and brackets: strings are \"quoted\", lists are [\"a\", \"b\"], numbers are bare".into()),
        );
    }
    if raw.contains("is not a date") {
        return (
            format!("wrong value in {what}: {raw}"),
            Some("dates are written year-month-day, without quotes: updated = 2026-10-01".into()),
        );
    }
    (
        format!("invalid TOML in {what}: {raw}"),
        Some("see https://toml.io for the syntax; strings need \"double quotes\"".into()),
    )
}

fn backticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_hint() {
        let (m, h) = explain(
            "unknown field `titel`, expected one of `title`, `slug`",
            "front matter",
        );
        assert_eq!(m, "unknown key `titel` in front matter");
        assert_eq!(h.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn unknown_field_without_close_match_lists_keys() {
        let (_, h) = explain("unknown field `zzz`, expected `title` or `slug`", "x");
        assert_eq!(
            h.as_deref(),
            Some("remove `zzz` or use one of: `title`, `slug`")
        );
    }

    #[test]
    fn missing_field_says_what_to_add() {
        let (m, h) = explain("missing field `title`", "front matter");
        assert_eq!(m, "missing key `title` in front matter");
        assert_eq!(h.as_deref(), Some("add a line `title = ...`"));
    }
}
