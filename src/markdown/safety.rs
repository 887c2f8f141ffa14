//! What keeps an author's text from running script in a learner's browser:
//! URL schemes that run code (refused in links and images, as an error at
//! the link), heading attributes that are harmless (the others are refused
//! under the escape policy), and [`unsafe_markup`], the check the tests and
//! fuzz targets run over rendered HTML. Raw HTML has its own file,
//! [`super::raw_html`].
//!
//! The checks are pure functions on strings; they must never let a
//! spelling through that a browser would run, even at the cost of refusing
//! a harmless one.

use super::MarkdownError;
use super::headings::HeadingAttrs;
use super::renderer::Renderer;

/// URL schemes that run code when a learner follows or loads the link.
/// `data:` is allowed only for images (`data:image/png;base64,…`).
///
/// Browsers strip leading and trailing control characters and spaces,
/// remove tabs and line breaks anywhere, and compare schemes without regard
/// to case, so `" JaVa\tScRiPt:"` is `javascript:` to them and to this check.
/// Character references (`&#106;avascript:`) were already decoded by the
/// parser; percent escapes (`java%73cript:`) are not a scheme to a browser but
/// are checked decoded too, to be safe.
pub(super) fn dangerous_scheme(dest: &str) -> Option<&'static str> {
    fn check(dest: &str) -> Option<&'static str> {
        let cleaned: String = dest
            .trim_start_matches(|c: char| c <= ' ' || c.is_whitespace())
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .take(64)
            .collect::<String>()
            .to_ascii_lowercase();
        let (scheme, rest) = cleaned.split_once(':')?;
        match scheme {
            "javascript" => Some("javascript:"),
            "vbscript" => Some("vbscript:"),
            "data" if !rest.trim_start().starts_with("image/") => Some("data:"),
            _ => None,
        }
    }
    check(dest).or_else(|| {
        if dest.contains('%') {
            check(&super::links::percent_decode(dest))
        } else {
            None
        }
    })
}

/// Heading attributes (`## Title {lang=en}`) that cannot run script or
/// change where the page sends the reader; others need `raw_html = "allow"`.
fn is_safe_heading_attribute(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let plain = lower.starts_with(|c: char| c.is_ascii_lowercase())
        && lower
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    plain
        && (matches!(lower.as_str(), "lang" | "dir" | "title" | "translate")
            || (lower.starts_with("data-") && lower.len() > 5))
}

impl<'a> Renderer<'a, '_> {
    /// Records an error and returns `true` when `dest` would run script
    /// (see [`dangerous_scheme`]).
    pub(super) fn rejects_scheme(&mut self, dest: &str, offset: usize, what: &str) -> bool {
        let Some(scheme) = dangerous_scheme(dest) else {
            return false;
        };
        let (line, column) = self.locator.position(offset);
        let shown: String = dest.chars().take(40).collect();
        let more = if shown.len() < dest.len() { "…" } else { "" };
        self.out.errors.push(MarkdownError {
            line,
            column,
            message: format!(
                "{what} to a `{scheme}` URL: `{}{more}`",
                shown.escape_debug()
            ),
            help: format!(
                "a {scheme} URL can run code in the reader's browser, so aula refuses it; \
                 link to a page (`@/path.md`), a file next to the page, or an https:// address{}",
                if scheme == "data:" {
                    " (data: is allowed only for images, as data:image/…)"
                } else {
                    ""
                }
            ),
        });
        true
    }

    /// With the escape policy, keeps only heading attributes that cannot run
    /// script; each other one is an error at the heading.
    pub(super) fn safe_heading_attributes(
        &mut self,
        attrs: HeadingAttrs<'a>,
        offset: usize,
    ) -> HeadingAttrs<'a> {
        let mut kept = Vec::with_capacity(attrs.len());
        for (name, value) in attrs {
            if is_safe_heading_attribute(&name) {
                kept.push((name, value));
                continue;
            }
            let (line, column) = self.locator.position(offset);
            self.out.errors.push(MarkdownError {
                line,
                column,
                message: format!("heading attribute `{}` is not allowed", name.escape_debug()),
                help: "headings take `{#id .class}` and the attributes lang, dir, title, \
                       translate and data-*; anything else (such as onclick or style) needs \
                       raw_html = \"allow\" under [markdown] in aula.toml"
                    .to_owned(),
            });
        }
        kept
    }
}

/// Elements that run script or load active content, or that change where
/// the page's links and forms go.
const ACTIVE_ELEMENTS: [&str; 11] = [
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "svg",
    "math",
];

/// Attributes whose value a browser loads or navigates to.
const URL_ATTRIBUTES: [&str; 8] = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
];

/// The first piece of `html` that could run script: an element such as
/// `<script>` or `<iframe>`, an event-handler attribute (`onclick=…`), or a
/// URL attribute with a `javascript:`-like value (character references
/// decoded, as a browser does). `None` when there is none.
///
/// A conservative scanner for tests and fuzzing, not a sanitizer: it flags
/// such markup even inside `<textarea>` or `<!-- -->`-free raw-text places
/// where a browser would not run it, and it knows nothing of CSS.
pub fn unsafe_markup(html: &str) -> Option<String> {
    for tag in start_tags(html) {
        let name = &tag.name;
        if ACTIVE_ELEMENTS.contains(&name.as_str()) {
            return Some(format!("<{name}>"));
        }
        for (attr, value) in &tag.attrs {
            if attr.starts_with("on") {
                return Some(format!("<{name} {attr}=…>"));
            }
            if URL_ATTRIBUTES.contains(&attr.as_str())
                && let Some(scheme) = dangerous_scheme(&decode_references(value))
            {
                return Some(format!("<{name} {attr}=\"{scheme}…\">"));
            }
        }
    }
    None
}

/// One start tag of raw HTML: its name, attributes and where it starts.
pub(super) struct StartTag {
    pub(super) at: usize,
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
}

/// The start tags of a piece of raw HTML, comments skipped. Lenient: a
/// tag cut off at the end of the piece is still given.
pub(super) fn start_tags(html: &str) -> Vec<StartTag> {
    let mut tags = Vec::new();
    let mut pos = 0;
    while let Some(lt) = html[pos..].find('<') {
        let at = pos + lt;
        let rest = &html[at + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            pos = after.find("-->").map_or(html.len(), |e| at + 4 + e + 3);
            continue;
        }
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        pos = at + 1 + name_len;
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let mut attrs = Vec::new();
        let mut rest = &html[pos..];
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with(['>', '<']) {
                break;
            }
            let end = rest
                .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/' | '<'))
                .unwrap_or(rest.len())
                .max(1.min(rest.len()));
            let attr = rest[..end].to_ascii_lowercase();
            rest = rest[end..].trim_start_matches(|c: char| c.is_ascii_whitespace());
            let mut value = String::new();
            if let Some(v) = rest.strip_prefix('=') {
                let v = v.trim_start_matches(|c: char| c.is_ascii_whitespace());
                let (val, after) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let body = &v[1..];
                        match body.find(q) {
                            Some(close) => (&body[..close], &body[close + 1..]),
                            None => (body, ""),
                        }
                    }
                    _ => {
                        let close = v
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(v.len());
                        (&v[..close], &v[close..])
                    }
                };
                value = val.to_owned();
                rest = after;
            }
            attrs.push((attr, value));
        }
        pos = html.len() - rest.len();
        tags.push(StartTag { at, name, attrs });
    }
    tags
}

/// Decodes the character references a browser decodes in an attribute
/// value that matter for schemes: numeric ones and `&colon;`, `&Tab;`,
/// `&NewLine;` (in any case), `&amp;`.
fn decode_references(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .unwrap_or(rest.len());
        let name = &rest[..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.and_then(char::from_u32)
        } else {
            match name.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::{md, safe};
    use super::*;

    #[test]
    fn schemes_in_browser_spellings() {
        for dest in [
            "javascript:x",
            "JAVASCRIPT:x",
            " \u{0}\u{1f}javascript:x",
            "java\tscr\nipt\r:x",
            "\u{a0}javascript:x",
            "jav%61script:x",
            "vbscript:x",
            "data:text/html,x",
            "data:,x",
        ] {
            assert!(dangerous_scheme(dest).is_some(), "{dest:?}");
        }
        for dest in [
            "https://x.org/javascript:",
            "./javascript:x",
            "javascript",
            "data:image/png;base64,AA",
            "Data: image/gif,x",
            "mailto:x@y.org",
            "",
            "#javascript:x",
        ] {
            assert_eq!(dangerous_scheme(dest), None, "{dest:?}");
        }
    }

    #[test]
    fn heading_attributes() {
        for ok in ["lang", "DIR", "title", "translate", "data-x", "data-a-b"] {
            assert!(is_safe_heading_attribute(ok), "{ok}");
        }
        for bad in [
            "onclick", "style", "data-", "x/onload", "href", "", "lang x", "dätä-x",
        ] {
            assert!(!is_safe_heading_attribute(bad), "{bad}");
        }
    }

    #[test]
    fn finds_active_markup() {
        for html in [
            "<p>a</p><script>x</script>",
            "<SCRIPT src=x>",
            "<p><img src=x onerror=alert(1)></p>",
            "<a href=\"jav&#x61;script:x\">",
            "<a title='a' href='javascript&colon;x'>",
            "<a href=java&Tab;script:x>",
            "<div/onclick=x>",
            "<iframe>",
            "<svg><g/onload=x>",
            "<a href=\"data:text/html,x\">",
        ] {
            assert!(unsafe_markup(html).is_some(), "{html}");
        }
        for html in [
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
            "<img src=\"data:image/png;base64,AA\" alt=\"javascript: a guide\" loading=\"lazy\" />",
            "<a href=\"../one/\" title=\"onclick\">on</a>",
            "<!-- <script> -->",
            "a < b and c<d",
            "<h2 id=\"x\" data-on=\"1\">",
            "<",
            "<a href=",
        ] {
            assert_eq!(unsafe_markup(html), None, "{html}");
        }
    }

    #[test]
    fn dangerous_link_schemes_are_errors_in_any_spelling() {
        let spellings = [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "<java\tscript:alert(1)>",
            "<\u{1}javascript:alert(1)>",
            "&#106;avascript:alert(1)",
            "&#x4A;&#x41;vascript:alert(1)",
            "java&Tab;script:alert(1)",
            "java&NewLine;script:alert(1)",
            "javascript&colon;alert(1)",
            "java%73cript:alert(1)",
            "vbscript:msgbox(1)",
            "VBScript:msgbox(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "DATA:text/html,<script>alert(1)</script>",
        ];
        for dest in spellings {
            for body in [format!("See [x]({dest}) now.\n"), format!("![x]({dest})\n")] {
                let r = safe(&body);
                assert_eq!(r.errors.len(), 1, "{body:?}: {:?}", r.errors);
                assert_eq!(
                    (r.errors[0].line, r.errors[0].column),
                    (1, body.find(['!', '[']).map_or(0, |i| i + 1)),
                    "{body:?}"
                );
                assert!(r.errors[0].help.contains("https://"), "{:?}", r.errors[0]);
                assert!(
                    !r.html.contains("href") && !r.html.contains("src"),
                    "{body:?}: {}",
                    r.html
                );
                let allowed = md(&body);
                assert_eq!(
                    allowed.errors.len(),
                    1,
                    "raw_html = allow still rejects {body:?}"
                );
            }
        }
        let r = safe("[x][r] and <javascript:alert(1)>\n\n[r]: javascript:alert(2)\n");
        assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
        assert!(
            r.errors[0]
                .message
                .starts_with("link to a `javascript:` URL"),
            "{:?}",
            r.errors
        );
    }

    #[test]
    fn safe_schemes_and_image_data_urls_are_kept() {
        let r = safe(
            "[a](https://x.org/javascript:x) [b](mailto:a@b.org) [c](#javascript) \
             ![d](data:image/png;base64,AA) [e](data:image/svg+xml,x) [f](javascript-guide.pdf)\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(
            r.html.contains("src=\"data:image/png;base64,AA\""),
            "{}",
            r.html
        );
        assert_eq!(r.assets.len(), 1);
    }

    #[test]
    fn escaped_policy_rejects_event_handler_heading_attributes() {
        let r =
            safe("## Title {#t .c lang=en data-x=1 onclick=\"alert(1)\"}\n\n## Two {x/onload=a}\n");
        assert!(
            r.html
                .contains("<h2 id=\"t\" class=\"c\" lang=\"en\" data-x=\"1\">Title</h2>"),
            "{}",
            r.html
        );
        assert!(
            !r.html.contains("onclick") && !r.html.contains("onload"),
            "{}",
            r.html
        );
        let errs: Vec<(usize, &str)> = r
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            errs,
            [
                (1, "heading attribute `onclick` is not allowed"),
                (3, "heading attribute `x/onload` is not allowed")
            ]
        );
        assert!(
            md("## T {onclick=x}\n").errors.is_empty(),
            "allow keeps them"
        );
    }
}
