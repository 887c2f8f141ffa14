//! Fingerprinted stylesheets and scripts: every `.css` and `.js` file at
//! the root of the output (the theme's and the site's static files,
//! `syntax.css`) is written under a name holding a hash of its content,
//! `style.css` as `style.3f2a9c1e.css`, and every `href` and `src` of a
//! `<link>`, `<script>`, `<a>`, `<iframe>`, `<object>` or `<embed>` in the
//! HTML pages that points at it is rewritten to the new name. A changed
//! file gets a new name, so a host may let browsers keep these files for
//! a year (`Cache-Control: immutable`) and a learner on a slow link
//! downloads the stylesheet once, not on every visit.
//!
//! Only the hashed names are written: a page can reach a stylesheet or a
//! script only through its HTML, and every reference there is rewritten,
//! relative as before, so copies opened from disk (`file://`) work as
//! they did. Files in sub-folders (a site's `static/vendor/x.js`, images)
//! keep their names. The hash is CRC-32 of the bytes, as eight hex
//! digits: stable across platforms and aula versions. A pass over
//! [`Files`]; it never writes, and a page whose bytes did not change is
//! not scanned again in `aula serve`.

use super::tags::{self, resolve};
use super::{Data, Files};
use crate::diagnostic::Diagnostic;
use crate::memo::{Derived, DerivedEntry, fingerprint};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The tags whose `href` or `src` may point at a stylesheet or a script.
const REFERRERS: &[&str] = &["link", "script", "a", "iframe", "object", "embed"];

/// What [`pass`] keeps for the next build: each page after rewriting.
pub type Memory = Derived<Arc<[u8]>>;

/// Whether the file at output path `path` gets a fingerprinted name.
pub fn is_fingerprinted(path: &str) -> bool {
    !path.contains('/') && (path.ends_with(".css") || path.ends_with(".js"))
}

/// `name` with the hash of `bytes` before its extension:
/// `style.css` -> `style.3f2a9c1e.css`.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    let hash = format!("{:08x}", crc.sum());
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// Renames the root stylesheets and scripts of `files` and rewrites the
/// references to them in every HTML page.
pub fn pass(files: Files, previous: &Memory) -> (Files, Memory, Vec<Diagnostic>) {
    let map = files.into_map();
    let renames = renames(&map);
    let params = fingerprint(&renames);
    let pages: Vec<DerivedEntry<Arc<[u8]>>> = map
        .par_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, data)| match data {
            Data::Bytes(b) => Some(previous.get_or_make(path, b, params, || {
                rewrite(path, b, &renames).map_or_else(|| b.clone(), Arc::from)
            })),
            Data::Copy(_) | Data::Written(_) => None,
        })
        .collect();
    let mut rewritten: BTreeMap<&str, &Arc<[u8]>> = BTreeMap::new();
    for (path, (_, _, bytes)) in &pages {
        rewritten.insert(path, bytes);
    }
    let mut out = Files::new();
    let mut errors = Vec::new();
    for (path, data) in &map {
        let (path, data) = match (renames.get(path), rewritten.get(path.as_str())) {
            (Some(new), _) => (new.clone(), data.clone()),
            (None, Some(bytes)) => (path.clone(), Data::Bytes(Arc::clone(bytes))),
            (None, None) => (path.clone(), data.clone()),
        };
        if let Err(c) = out.add(path, data) {
            errors.push(clash(&c.path));
        }
    }
    (out, Derived::from_results(pages), errors)
}

/// The new name of every file of `map` that gets one, by its old name.
pub fn renames(map: &crate::output::Files) -> BTreeMap<String, String> {
    map.iter()
        .filter(|(path, _)| is_fingerprinted(path))
        .filter_map(|(path, data)| {
            let bytes = data.read().ok()?;
            Some((path.clone(), hashed_name(path, &bytes)))
        })
        .collect()
}

/// The message of a fingerprinted name that another file already has.
pub fn clash(path: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the static file {path} has the name aula gives another file's fingerprinted copy"
    ))
    .file(format!("static/{path}"))
    .kind(crate::diagnostic::Kind::Asset)
    .help("rename the static file, or set fingerprint = false in [output] of aula.toml")
}

/// The page at output path `page` with each `href` and `src` that points
/// at a renamed file pointing at its new name; `None` when nothing
/// changes (or the page is not UTF-8).
pub fn rewrite(page: &str, bytes: &[u8], renames: &BTreeMap<String, String>) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut edits: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
    for tag in tags::tags(text, REFERRERS) {
        for attr in tag
            .attrs
            .iter()
            .filter(|a| a.name == "href" || a.name == "src")
        {
            let Some(target) = resolve(page, &attr.value) else {
                continue;
            };
            let Some(new) = renames.get(&target) else {
                continue;
            };
            // Replace the file name where it is written: the value up to
            // any query or fragment ends with it (no escapes in the names
            // aula fingerprints; anything else is left as it is).
            let raw = &text[attr.span.clone()];
            let cut = raw.find(['?', '#']).unwrap_or(raw.len());
            if raw[..cut].ends_with(target.as_str()) {
                let end = attr.span.start + cut;
                edits.push((end - target.len()..end, new));
            }
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + edits.len() * 9);
    let mut at = 0;
    for (range, new) in edits {
        out.push_str(&text[at..range.start]);
        out.push_str(new);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renames() -> BTreeMap<String, String> {
        [
            ("style.css".to_string(), hashed_name("style.css", b"body{}")),
            ("aula.js".to_string(), hashed_name("aula.js", b"x")),
        ]
        .into()
    }

    #[test]
    fn names_hold_a_stable_hash() {
        assert_eq!(hashed_name("style.css", b""), "style.00000000.css");
        assert_eq!(hashed_name("a.js", b"abc"), "a.352441c2.js");
        assert!(is_fingerprinted("syntax.css"));
        assert!(!is_fingerprinted("es/cursos/x/demo.js"));
        assert!(!is_fingerprinted("logo.svg"));
    }

    #[test]
    fn references_are_rewritten_and_text_is_not() {
        let r = renames();
        let page = r#"<link rel="stylesheet" href="../../style.css?v=2"><p>style.css and <a href="../../aula.js">aula.js</a></p>
<pre><code>&lt;link href="style.css"&gt;</code></pre><script src="../../aula.js" defer></script><a href="../../other/style.css">x</a>"#;
        let out = rewrite("es/a/index.html", page.as_bytes(), &r).expect("changed");
        let out = String::from_utf8(out).expect("utf-8");
        let css = &r["style.css"];
        let js = &r["aula.js"];
        assert!(out.contains(&format!("href=\"../../{css}?v=2\"")), "{out}");
        assert!(
            out.contains(&format!("<script src=\"../../{js}\" defer>")),
            "{out}"
        );
        assert!(
            out.contains(&format!("<a href=\"../../{js}\">aula.js</a>")),
            "{out}"
        );
        assert!(out.contains("<p>style.css and"), "{out}");
        assert!(out.contains("&lt;link href=\"style.css\"&gt;"), "{out}");
        assert!(out.contains("href=\"../../other/style.css\""), "{out}");
        assert_eq!(rewrite("index.html", b"<p>nothing</p>", &r), None);
    }
}
