//! A small scanner of start tags in aula's own HTML output, for the passes
//! that read or rewrite references (`budget`, `fingerprint`): each tag's
//! name, its attributes, and where each attribute value sits, so a value
//! can be replaced without touching anything else.
//!
//! It is not an HTML parser. aula's templates and Markdown renderer write
//! plain attributes; comments and the raw text of `<script>`, `<style>`,
//! `<textarea>` and `<title>` are skipped, so JSON-LD or code that merely
//! mentions a tag is never taken for one. Anything it cannot read is
//! skipped, never an error; it never panics on any input.

use std::ops::Range;

/// One start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lowercase name: `link`, `img`, `h2`.
    pub name: String,
    pub attrs: Vec<Attr>,
}

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Lowercase name.
    pub name: String,
    /// The value with quotes removed and `&amp;` decoded; empty when the
    /// attribute has none.
    pub value: String,
    /// Where the raw value (inside any quotes) sits in the document.
    pub span: Range<usize>,
}

impl Tag {
    /// The value of attribute `name`, if present.
    pub fn get(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// Elements whose content is text up to their end tag, not markup.
const RAW_TEXT: [&str; 4] = ["script", "style", "textarea", "title"];

/// The start tags of `html` named in `wanted` (lowercase), in order.
/// Other tags are skipped without building anything, so scanning a page
/// of highlighted code costs little more than reading it.
pub fn tags(html: &str, wanted: &[&str]) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(open) = find(bytes, pos, b"<") {
        let rest = &bytes[open + 1..];
        if rest.starts_with(b"!--") {
            pos = find(bytes, open + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let name_len = rest
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 || !rest[0].is_ascii_alphabetic() {
            pos = open + 1;
            continue;
        }
        let name = &rest[..name_len];
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        let keep = wanted.iter().copied().find(|n| is(n));
        let (attrs, end) = attributes(html, open + 1 + name_len, keep.is_some());
        pos = end;
        if let Some(raw) = RAW_TEXT.iter().copied().find(|n| is(n)) {
            pos = raw_text_end(html, pos, raw);
        }
        if let Some(name) = keep {
            out.push(Tag {
                name: name.to_string(),
                attrs,
            });
        }
    }
    out
}

/// Where the raw text of element `name` that starts at `from` ends: at
/// its end tag, or the end of the document.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(lt) = find(bytes, at, b"</") {
        let after = &bytes[lt + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return lt;
        }
        at = lt + 2;
    }
    bytes.len()
}

/// Where `needle` first occurs in `hay` at or after `from`.
fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|at| from + at)
}

/// The attributes of the tag whose name ends at `from` (only when
/// `collect`), and where the tag ends (after its `>`, or the end of the
/// document).
fn attributes(html: &str, from: usize, collect: bool) -> (Vec<Attr>, usize) {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = from;
    let skip_space = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (out, b.len());
        }
        if b[i] == b'>' {
            return (out, i + 1);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        if i == start {
            i += 1; // a stray `=`
            continue;
        }
        let name_end = i;
        i = skip_space(i);
        let mut span = i..i;
        if i < b.len() && b[i] == b'=' {
            i = skip_space(i + 1);
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = b[i + 1..]
                        .iter()
                        .position(|&c| c == q)
                        .map_or(b.len(), |e| i + 1 + e);
                    span = i + 1..end;
                    i = (end + 1).min(b.len());
                }
                _ => {
                    let s = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    span = s..i;
                }
            }
        }
        if collect {
            // Spans end at ASCII bytes or the end: char boundaries.
            let name = html[start..name_end].to_ascii_lowercase();
            let value = html[span.clone()].replace("&amp;", "&");
            out.push(Attr { name, value, span });
        }
    }
}

/// A reference from the page at output path `page` as an output path;
/// `None` for other hosts, `data:` and anything leaving the site. A
/// folder reference (`x/`) means its `index.html`.
pub fn resolve(page: &str, reference: &str) -> Option<String> {
    let reference = reference.split(['#', '?']).next().unwrap_or("");
    if reference.is_empty() || reference.starts_with("//") {
        return None;
    }
    if let Some(colon) = reference.find(':')
        && !reference[..colon].contains('/')
    {
        return None; // a scheme: another host, data:, mailto:
    }
    let decoded = crate::text::percent_decode(reference, false)?;
    let decoded = String::from_utf8_lossy(&decoded);
    let mut parts: Vec<&str> = if decoded.starts_with('/') {
        Vec::new()
    } else {
        page.split('/').collect()
    };
    parts.pop(); // the page's own file name
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    if decoded.ends_with('/') {
        parts.push("index.html");
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_starts_at_from_and_needs_the_whole_needle() {
        let hay = b"a<!-- b -- c -->";
        assert_eq!(find(hay, 0, b"<"), Some(1));
        assert_eq!(find(hay, 2, b"<"), None);
        assert_eq!(find(hay, 0, b"-->"), Some(13));
        assert_eq!(find(hay, 14, b"-->"), None);
        assert_eq!(find(hay, hay.len() + 1, b"<"), None);
        assert_eq!(find(b"--", 0, b"-->"), None);
    }

    #[test]
    fn tags_with_values_and_where_they_sit() {
        let html = r#"<!doctype html><link rel="stylesheet" href="../s.css"><!-- <img src=no.png> -->
<script type="application/ld+json">{"x":"<img src=json.png>"}</script><IMG ALT='a > b' src=y&amp;z.png loading=lazy>"#;
        let t = tags(html, &["link", "img", "script", "h2"]);
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["link", "script", "img"]);
        let href = t[0].get("href").expect("href");
        assert_eq!(href.value, "../s.css");
        assert_eq!(&html[href.span.clone()], "../s.css");
        let img = &t[2];
        assert_eq!(img.get("alt").map(|a| a.value.as_str()), Some("a > b"));
        assert_eq!(img.get("src").map(|a| a.value.as_str()), Some("y&z.png"));
        assert_eq!(img.get("loading").map(|a| a.value.as_str()), Some("lazy"));
    }

    #[test]
    fn odd_markup_never_panics() {
        for html in [
            "",
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href='x",
            "< a>",
            "<1>",
            "<!--",
            "<script>",
            "<script></scr",
            "<é=ü>",
            "<a =>",
            "<p>é</p><a b=\"ü\">",
            "</",
            "<a/b/c>",
        ] {
            let _ = tags(html, &["a", "script"]);
        }
    }

    #[test]
    fn references_are_resolved_against_the_page() {
        assert_eq!(
            resolve("a/b/index.html", "/s.css").as_deref(),
            Some("s.css")
        );
        assert_eq!(
            resolve("a/b/index.html", "../c/").as_deref(),
            Some("a/c/index.html")
        );
        assert_eq!(
            resolve("a/b/index.html", "x%20y.png?v=1#f").as_deref(),
            Some("a/b/x y.png")
        );
        assert_eq!(resolve("index.html", "mailto:x@y"), None);
        assert_eq!(resolve("index.html", "https://cdn.example/x.css"), None);
        assert_eq!(resolve("index.html", "../up.css"), None);
    }
}
