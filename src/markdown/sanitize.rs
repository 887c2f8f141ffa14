//! The `sanitize` raw-HTML policy (the default): an author's HTML is kept,
//! less anything that could run script, load active content or send the
//! reader somewhere unsafe. The removing is done by `ammonia`, a
//! whitelist sanitizer built on html5ever, the HTML5 parser of Servo: it
//! parses the page the way a browser does, so no spelling trick survives
//! it. aula runs it over the whole rendered page once the page has raw
//! HTML (HTML blocks are often opened and closed in different Markdown
//! blocks, so a piece alone cannot be judged), with the HTML aula writes
//! itself held aside (see `vault`).
//!
//! ammonia does not say what it removed, so [`Renderer::sanitize_report`]
//! looks at each piece of raw HTML as it is read, with the same lists, and
//! reports each removal as a warning at its line. The report explains; the
//! guarantee is ammonia's. Never let the two lists drift apart: both come
//! from the constants below.

use std::collections::HashSet;

use super::MarkdownWarning;
use super::renderer::Renderer;
use super::safety::{StartTag, start_tags};
use crate::diagnostic::Kind;

/// Elements kept: ammonia's defaults (text, structure, tables, lists,
/// `details`, `figure`, `abbr`, `kbd`, `sub`/`sup`, images, links) plus
/// `section`.
const EXTRA_TAGS: [&str; 1] = ["section"];

/// Attributes kept on every element.
const GENERIC_ATTRIBUTES: [&str; 7] = ["class", "id", "lang", "dir", "title", "translate", "role"];

/// Attributes kept on some elements, beyond ammonia's defaults.
const TAG_ATTRIBUTES: [(&str, &[&str]); 8] = [
    ("img", &["loading"]),
    ("div", &["tabindex"]),
    ("details", &["open"]),
    ("ol", &["reversed"]),
    ("td", &["headers"]),
    ("th", &["headers"]),
    ("time", &["datetime"]),
    ("abbr", &["title"]),
];

/// Elements removed with everything inside them.
const CLEAN_CONTENT: [&str; 2] = ["script", "style"];

/// Elements ammonia keeps by default, for the report.
const DEFAULT_TAGS: [&str; 75] = [
    "a",
    "abbr",
    "acronym",
    "area",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "map",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Attributes ammonia keeps by default on some elements, for the report.
const DEFAULT_TAG_ATTRIBUTES: [(&str, &[&str]); 17] = [
    ("a", &["href", "hreflang"]),
    ("bdo", &["dir"]),
    ("blockquote", &["cite"]),
    ("col", &["align", "char", "charoff", "span"]),
    ("colgroup", &["align", "char", "charoff", "span"]),
    ("del", &["cite", "datetime"]),
    ("hr", &["align", "size", "width"]),
    ("img", &["align", "alt", "height", "src", "width"]),
    ("ins", &["cite", "datetime"]),
    ("ol", &["start"]),
    ("q", &["cite"]),
    ("table", &["align", "char", "charoff", "summary"]),
    ("tbody", &["align", "char", "charoff"]),
    (
        "td",
        &["align", "char", "charoff", "colspan", "headers", "rowspan"],
    ),
    ("tfoot", &["align", "char", "charoff"]),
    (
        "th",
        &[
            "align", "char", "charoff", "colspan", "headers", "rowspan", "scope",
        ],
    ),
    ("thead", &["align", "char", "charoff"]),
];

/// URL schemes ammonia keeps by default; relative URLs are kept too.
const SCHEMES: [&str; 25] = [
    "bitcoin",
    "ftp",
    "ftps",
    "geo",
    "http",
    "https",
    "im",
    "irc",
    "ircs",
    "magnet",
    "mailto",
    "mms",
    "mx",
    "news",
    "nntp",
    "openpgp4fpr",
    "sip",
    "sms",
    "smsto",
    "ssh",
    "tel",
    "url",
    "webcal",
    "wtai",
    "xmpp",
];

/// Attributes whose value is a URL.
const URL_ATTRIBUTES: [&str; 3] = ["href", "src", "cite"];

/// `html` (a whole rendered page) with everything the lists above do not
/// allow removed.
pub(super) fn clean(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(EXTRA_TAGS)
        .add_generic_attributes(GENERIC_ATTRIBUTES)
        .add_generic_attribute_prefixes(["data-", "aria-"])
        .clean_content_tags(CLEAN_CONTENT.into_iter().collect::<HashSet<_>>())
        .url_schemes(SCHEMES.into_iter().collect::<HashSet<_>>())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true);
    for (tag, attrs) in TAG_ATTRIBUTES {
        builder.add_tag_attributes(tag, attrs.iter().copied());
    }
    builder.clean(html).to_string()
}

fn tag_allowed(name: &str) -> bool {
    DEFAULT_TAGS.contains(&name) || EXTRA_TAGS.contains(&name)
}

fn attribute_allowed(tag: &str, attr: &str) -> bool {
    GENERIC_ATTRIBUTES.contains(&attr)
        || ["data-", "aria-"]
            .iter()
            .any(|p| attr.len() > p.len() && attr.starts_with(p))
        || TAG_ATTRIBUTES
            .iter()
            .chain(DEFAULT_TAG_ATTRIBUTES.iter())
            .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
}

/// Whether a URL attribute's value survives: relative, or a listed scheme.
fn url_allowed(value: &str) -> bool {
    let cleaned: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    if cleaned[..colon].contains(['/', '?', '#']) {
        return true;
    }
    let scheme = cleaned[..colon].to_ascii_lowercase();
    SCHEMES.contains(&scheme.as_str())
}

/// What sanitizing removes from one start tag, worded for the author, or
/// `None` when it is kept whole.
fn removals(tag: &StartTag) -> Option<(String, String)> {
    let name = &tag.name;
    if !tag_allowed(name) {
        let (what, help) = match name.as_str() {
            "script" => (
                "`<script>` removed with its content".to_owned(),
                "pages cannot run script written in Markdown; a site owner can add scripts to the theme".to_owned(),
            ),
            "style" => (
                "`<style>` removed with its content".to_owned(),
                "style belongs in the theme's CSS (themes/<name>/static/ or static/); use a class on the element instead".to_owned(),
            ),
            "iframe" | "object" | "embed" | "frame" | "applet" | "video" | "audio" => (
                format!("`<{name}>` removed"),
                "embedded players are written with a shortcode: {{ embed(url=\"https://…\") }} or {{ video(src=\"…\") }}, which load nothing until the learner asks".to_owned(),
            ),
            "form" | "input" | "button" | "select" | "textarea" | "option" | "label" | "fieldset" => (
                format!("form element `<{name}>` removed"),
                "forms send the learner's input somewhere; link to the form instead, or use a ```quiz block for self-check questions".to_owned(),
            ),
            _ => (
                format!("element `<{name}>` removed"),
                "raw HTML keeps text, structure, tables, lists, details, figures, abbr, kbd, sub/sup, images and links; write it with Markdown or one of those elements".to_owned(),
            ),
        };
        return Some((format!("raw HTML: {what}"), help));
    }
    let mut dropped = Vec::new();
    let mut bad_urls = Vec::new();
    for (attr, value) in &tag.attrs {
        if !attribute_allowed(name, attr) {
            dropped.push(format!("`{attr}`"));
        } else if URL_ATTRIBUTES.contains(&attr.as_str()) && !url_allowed(value) {
            let scheme = value.split(':').next().unwrap_or("").trim();
            bad_urls.push(format!("`{attr}` with a `{scheme}:` URL"));
        }
    }
    if dropped.is_empty() && bad_urls.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !dropped.is_empty() {
        parts.push(format!(
            "attribute{} {}",
            if dropped.len() == 1 { "" } else { "s" },
            dropped.join(", ")
        ));
    }
    parts.extend(bad_urls.iter().cloned());
    let help = if dropped.iter().any(|a| a.starts_with("`on")) {
        "event handlers (onclick, onerror…) run script, which Markdown pages cannot do"
    } else if dropped.iter().any(|a| a == "`style`") {
        "inline styles are removed; give the element a class and style it in the theme's CSS"
    } else if !bad_urls.is_empty() {
        "links may be relative or use a safe scheme such as https: or mailto:"
    } else {
        "elements keep class, id, lang, dir, title, data-* and aria-*, and the attributes their kind needs (href, src, alt, colspan…)"
    };
    Some((
        format!("raw HTML: {} removed from `<{name}>`", parts.join(" and ")),
        help.to_owned(),
    ))
}

impl Renderer<'_, '_> {
    /// Reports, as warnings, what sanitizing will remove from a piece of
    /// raw HTML found at `offset` in the body.
    pub(super) fn sanitize_report(&mut self, html: &str, offset: usize) {
        for tag in start_tags(html) {
            if let Some((message, help)) = removals(&tag) {
                let (line, column) = self.locator.position(offset + tag.at);
                self.out.warnings.push(MarkdownWarning {
                    kind: Kind::SanitizedHtml,
                    line,
                    column,
                    message,
                    help,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_lists_agree_with_ammonia() {
        for tag in DEFAULT_TAGS.iter().chain(EXTRA_TAGS.iter()) {
            let html = format!("<{tag} class=\"c\">x</{tag}>");
            let table_part = [
                "caption", "col", "colgroup", "tbody", "td", "th", "thead", "tr",
            ];
            let cleaned = if table_part.contains(tag) {
                clean(&format!("<table>{html}</table>"))
            } else {
                clean(&format!("<div>{html}</div>"))
            };
            assert!(cleaned.contains(&format!("<{tag}")), "{tag}: {cleaned}");
        }
        for tag in [
            "script", "iframe", "form", "input", "object", "embed", "style", "svg", "math", "base",
            "meta", "link",
        ] {
            let cleaned = clean(&format!("<div><{tag}>x</{tag}></div>"));
            assert!(!cleaned.contains(&format!("<{tag}")), "{tag}: {cleaned}");
            assert!(
                removals(&start_tags(&format!("<{tag}>"))[0]).is_some(),
                "{tag}"
            );
        }
    }

    #[test]
    fn tags_are_read_like_a_browser_would() {
        let tags = start_tags("<!-- <script> --><a href='x' onclick=y>t</a><img/src=x onerror=z");
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["a", "img"]);
        assert_eq!(tags[1].attrs[1].0, "onerror");
        assert!(url_allowed("../a.png") && url_allowed("https://x") && url_allowed("a/b:c"));
        assert!(!url_allowed(" JaVa\tscript:x") && !url_allowed("data:text/html,x"));
    }
}
