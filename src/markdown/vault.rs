//! Placeholders for HTML that aula writes itself (highlighted code,
//! self-check questions, figures, shortcode output) while the page's raw
//! HTML is sanitized: the sanitizer sees a placeholder character pair, not
//! the markup, so it can be strict with authors without breaking what the
//! theme and aula produce. The placeholders are swapped back after
//! sanitizing.
//!
//! Placeholders use characters of Unicode's private use area. An author's
//! text never holds them: [`neutral`] replaces any it finds first, so no
//! text can name a placeholder. It must never let a placeholder through to
//! the page, nor put vaulted HTML anywhere but where its placeholder was.

use std::borrow::Cow;

/// Opens and closes a shortcode placeholder in the Markdown source.
pub(super) const CALL_OPEN: char = '\u{E000}';
pub(super) const CALL_CLOSE: char = '\u{E001}';
/// Opens and closes a placeholder for vaulted HTML in the rendered page.
const KEPT_OPEN: char = '\u{E002}';
const KEPT_CLOSE: char = '\u{E003}';

fn is_marker(c: char) -> bool {
    ('\u{E000}'..='\u{E003}').contains(&c)
}

/// The body with every placeholder character the author typed replaced by
/// U+FFFD, so that only aula makes placeholders.
pub(super) fn neutral(body: &str) -> Cow<'_, str> {
    if body.contains(is_marker) {
        Cow::Owned(body.replace(is_marker, "\u{FFFD}"))
    } else {
        Cow::Borrowed(body)
    }
}

/// The placeholder of shortcode call `n`.
pub(super) fn call_marker(n: usize) -> String {
    format!("{CALL_OPEN}{n}{CALL_CLOSE}")
}

/// The placeholder of vaulted block `n`.
pub(super) fn kept_marker(n: usize) -> String {
    format!("{KEPT_OPEN}{n}{KEPT_CLOSE}")
}

/// A piece of text between shortcode placeholders, or one placeholder.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Piece<'t> {
    Text(&'t str),
    Call(usize),
}

/// Splits `text` at shortcode placeholders.
pub(super) fn pieces(text: &str) -> Vec<Piece<'_>> {
    split(text, CALL_OPEN, CALL_CLOSE)
}

fn split(text: &str, open: char, close: char) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        let after = &rest[start + open.len_utf8()..];
        let Some(end) = after.find(close) else { break };
        let Ok(n) = after[..end].parse::<usize>() else {
            break;
        };
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        out.push(Piece::Call(n));
        rest = &after[end + close.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Replaces every placeholder of `html` with its HTML: vaulted blocks from
/// `kept`, shortcode output from `calls` (for placeholders that reached the
/// page outside text, such as inside raw HTML). A placeholder with no
/// entry is dropped.
pub(super) fn restore(html: String, kept: &[String], calls: &[String]) -> String {
    if !html.contains(is_marker) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + kept.iter().map(String::len).sum::<usize>());
    for piece in split(&html, KEPT_OPEN, KEPT_CLOSE) {
        match piece {
            Piece::Text(text) => {
                for inner in split(text, CALL_OPEN, CALL_CLOSE) {
                    match inner {
                        Piece::Text(t) => out.push_str(&t.replace(is_marker, "")),
                        Piece::Call(n) => out.push_str(calls.get(n).map_or("", String::as_str)),
                    }
                }
            }
            Piece::Call(n) => out.push_str(kept.get(n).map_or("", String::as_str)),
        }
    }
    out
}

/// `text` without placeholders (for alt texts and heading titles).
pub(super) fn strip(text: &str) -> Cow<'_, str> {
    if text.contains(is_marker) {
        let mut out = String::with_capacity(text.len());
        for piece in pieces(text) {
            if let Piece::Text(t) = piece {
                out.push_str(&t.replace(is_marker, ""));
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_cannot_type_placeholders() {
        let typed = format!("a{}b{}", call_marker(0), kept_marker(1));
        let n = neutral(&typed);
        assert!(!n.contains(is_marker), "{n}");
        assert_eq!(
            restore(n.into_owned(), &["X".into(), "Y".into()], &["Z".into()]),
            "a\u{FFFD}0\u{FFFD}b\u{FFFD}1\u{FFFD}"
        );
    }

    #[test]
    fn restores_both_kinds_and_drops_unknown() {
        let html = format!(
            "<p>{}</p>{}{}",
            kept_marker(0),
            call_marker(0),
            kept_marker(9)
        );
        assert_eq!(
            restore(html, &["<pre>k</pre>".into()], &["<aside>c</aside>".into()]),
            "<p><pre>k</pre></p><aside>c</aside>"
        );
        assert_eq!(
            pieces(&format!("a{}b", call_marker(3))),
            [Piece::Text("a"), Piece::Call(3), Piece::Text("b")]
        );
        assert_eq!(strip(&format!("T{}", call_marker(0))), "T");
    }
}
