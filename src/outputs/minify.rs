//! Minified HTML and CSS, with `[output] minify = true` (the default): a
//! pass over [`Files`] that rewrites every `.html` page with
//! `html-minifier` and every `.css` file with `minifier` (the CSS
//! minifier rustdoc uses).
//!
//! The HTML minifier only removes what cannot change meaning: comments,
//! whitespace between tags, runs of whitespace collapsed to one space or
//! one line break. It keeps the content of `<pre>` and `<textarea>`
//! byte for byte, leaves `<code>` alone (a theme may set `white-space:
//! pre` on it), keeps every attribute's quotes and every end tag, and
//! leaves `<script type="application/ld+json">` untouched, so JSON-LD
//! stays exactly what serde wrote. In stylesheets, the CSS minifier
//! removes comments and the whitespace the CSS grammar does not need; it
//! tokenizes, so strings, `url()` and the spaces `calc()` requires are
//! kept, and it changes no value.
//!
//! docs/performance.md has the cost and the bytes saved, and why these
//! two crates. A file the minifier cannot read is kept as it was (never
//! an error: the page is still valid, just not minified). In `aula
//! serve`, a file whose bytes did not change is not minified again.

use super::{Data, Files};
use crate::diagnostic::Diagnostic;
use crate::memo::{Derived, DerivedEntry};
use rayon::prelude::*;
use std::sync::Arc;

/// What [`pass`] keeps for the next build: each file after minifying.
pub type Memory = Derived<Arc<[u8]>>;

/// Minifies every HTML page and stylesheet of `files`.
pub fn pass(files: Files, previous: &Memory) -> (Files, Memory, Vec<Diagnostic>) {
    let map = files.into_map();
    let made: Vec<DerivedEntry<Arc<[u8]>>> = map
        .par_iter()
        .filter_map(|(path, data)| {
            let how: fn(&[u8]) -> Option<Vec<u8>> = if path.ends_with(".html") {
                html
            } else if path.ends_with(".css") {
                css
            } else {
                return None;
            };
            match data {
                Data::Bytes(b) => Some(
                    previous
                        .get_or_make(path, b, 0, || how(b).map_or_else(|| b.clone(), Arc::from)),
                ),
                Data::Copy(_) | Data::Written(_) => None,
            }
        })
        .collect();
    let mut map = map;
    for (path, (_, _, bytes)) in &made {
        map.insert(path.clone(), Data::Bytes(bytes.clone()));
    }
    (
        Files::from_pass(map),
        Derived::from_results(made),
        Vec::new(),
    )
}

/// One HTML document minified; `None` when it cannot be read.
pub fn html(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut m = html_minifier::HTMLMinifier::new();
    m.set_minify_code(false);
    // Inline scripts and styles are the theme's own, already small; the
    // minifier's JavaScript and CSS rewriting is not worth its risk.
    m.set_minify_js(false);
    m.set_minify_css(false);
    m.digest(bytes).ok()?;
    m.into_html().ok()
}

/// One stylesheet minified; `None` when it cannot be read.
pub fn css(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let minified = minifier::css::minify(text).ok()?;
    Some(minified.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min(s: &str) -> String {
        String::from_utf8(html(s.as_bytes()).expect("minifies")).expect("utf-8")
    }

    #[test]
    fn pre_keeps_its_whitespace_and_json_ld_its_text() {
        let page = "<!doctype html>\n<html lang=\"es\">\n  <head>\n    <!-- a comment -->\n    <script type=\"application/ld+json\">{\"name\": \"a  b\",\n \"x\": 1}</script>\n  </head>\n  <body>\n    <p>one    two</p>\n<pre><code>  fn main() {\n      x   y\n  }\n</code></pre>\n    <p><code>a   b</code> <a href=\"x.html\">link</a></p>\n  </body>\n</html>\n";
        let out = min(page);
        assert!(out.len() < page.len());
        assert!(!out.contains("a comment"), "{out}");
        assert!(out.contains("<p>one two</p>"), "{out}");
        assert!(
            out.contains("<pre><code>  fn main() {\n      x   y\n  }\n</code></pre>"),
            "{out}"
        );
        assert!(
            out.contains("{\"name\": \"a  b\",\n \"x\": 1}"),
            "JSON-LD untouched: {out}"
        );
        assert!(out.contains("<code>a   b</code>"), "{out}");
        assert!(out.contains("<a href=\"x.html\">link</a>"), "{out}");
    }

    #[test]
    fn css_is_smaller_and_keeps_its_rules() {
        let sheet = "/* colours */\n:root {\n  --ink: #222222;\n}\n\n.a  >  b {\n  margin: 0px  0px;\n  width: calc(100% - 2rem);\n}\n@media (prefers-reduced-motion: reduce) {\n  * { animation: none; }\n}\n";
        let out = String::from_utf8(css(sheet.as_bytes()).expect("parses")).expect("utf-8");
        assert!(out.len() < sheet.len() * 3 / 4, "{out}");
        assert!(out.contains("calc(100% - 2rem)"), "{out}");
        assert!(out.contains("prefers-reduced-motion:reduce"), "{out}");
        assert!(!out.contains("colours"), "{out}");
    }

    #[test]
    fn unreadable_input_is_left_alone() {
        assert_eq!(css(b"\xff\xfe"), None);
        for odd in ["", "<", "<p", "<pre>", "<!--", "<script>", "<a href='x"] {
            let _ = html(odd.as_bytes());
        }
    }
}
