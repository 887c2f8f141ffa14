//! Reading back the HTML aula wrote: a small tokenizer, the rewriting of
//! URL attributes (for packages, the EPUB and the printable course, whose
//! files sit elsewhere than the pages they are made from), XHTML for the
//! EPUB, and the URL arithmetic they share.
//!
//! The input is aula's own output (templates and the Markdown renderer),
//! which quotes every attribute and escapes text; with `raw_html = "allow"`
//! an author's markup is in it too, so nothing here may assume balanced
//! tags or panic on any input. Unchanged parts are copied byte for byte.

use std::borrow::Cow;

use crate::text::push_xml_escaped;
use crate::text::{percent_decode, push_html_escaped};

/// One piece of an HTML document.
#[derive(Debug)]
pub enum Token<'a> {
    /// Text as written (entities not decoded).
    Text(&'a str),
    Start(Tag<'a>),
    /// An end tag: lowercased name and the tag as written.
    End(Cow<'a, str>, &'a str),
    /// A comment, doctype or processing instruction, as written.
    Other(&'a str),
}

/// A start tag.
#[derive(Debug)]
pub struct Tag<'a> {
    /// Lowercased (borrowed from the HTML when it was written so).
    pub name: Cow<'a, str>,
    pub attrs: Vec<Attr<'a>>,
    pub self_closing: bool,
    /// The whole tag as written.
    pub raw: &'a str,
}

#[derive(Debug)]
pub struct Attr<'a> {
    /// Lowercased (borrowed from the HTML when it was written so).
    pub name: Cow<'a, str>,
    /// Decoded value (borrowed when it has no character reference);
    /// `None` for a bare attribute (`hidden`).
    pub value: Option<Cow<'a, str>>,
    /// The attribute as written, without the space before it.
    pub raw: &'a str,
}

/// Elements whose content is text up to their end tag.
const RAW_TEXT: [&str; 2] = ["script", "style"];

/// Elements that have no end tag.
pub const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Splits `html` into tokens, one at a time; never fails (what is not a
/// tag is text).
pub fn tokens(html: &str) -> Tokens<'_> {
    Tokens {
        html,
        i: 0,
        text_start: 0,
        queued: [None, None],
    }
}

/// The tokens of one document, made as they are read (no list of them is
/// built: a page has thousands).
pub struct Tokens<'a> {
    html: &'a str,
    /// Where reading goes on.
    i: usize,
    /// Where the text not yet given out starts.
    text_start: usize,
    /// Tokens found by the last step, given out before reading further:
    /// a tag after the text before it, the text of a `script` or `style`.
    queued: [Option<Token<'a>>; 2],
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(t) = self.queued[0].take() {
            self.queued[0] = self.queued[1].take();
            return Some(t);
        }
        let html = self.html;
        let b = html.as_bytes();
        while self.i < b.len() {
            let Some(at) = memchr::memchr(b'<', &b[self.i..]) else {
                self.i = b.len();
                break;
            };
            let i = self.i + at;
            self.i = i;
            let next = b.get(i + 1).copied().unwrap_or(0);
            let end = if next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?'
            {
                tag_end(b, i)
            } else {
                None
            };
            let Some(end) = end else {
                self.i += 1;
                continue;
            };
            let text = (self.text_start < i).then(|| Token::Text(&html[self.text_start..i]));
            let raw = &html[i..end];
            self.i = end;
            self.text_start = end;
            let mut found: [Option<Token<'a>>; 2] = [None, None];
            if next == b'!' || next == b'?' {
                found[0] = Some(Token::Other(raw));
            } else if next == b'/' {
                let len = raw[2..]
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'-')
                    .count();
                found[0] = Some(Token::End(lowercase(&raw[2..2 + len]), raw));
            } else {
                let tag = parse_tag(raw);
                let raw_text = RAW_TEXT.contains(&&*tag.name) && !tag.self_closing;
                let close = raw_text.then(|| format!("</{}", tag.name));
                found[0] = Some(Token::Start(tag));
                if let Some(close) = close {
                    // Everything up to `</name` is text.
                    let rest = &html[self.i..];
                    let at = find_ci(rest, &close).unwrap_or(rest.len());
                    if at > 0 {
                        found[1] = Some(Token::Text(&rest[..at]));
                    }
                    self.i += at;
                    self.text_start = self.i;
                }
            }
            let [first, second] = found;
            return match text {
                Some(text) => {
                    self.queued = [first, second];
                    Some(text)
                }
                None => {
                    self.queued = [second, None];
                    first
                }
            };
        }
        if self.text_start < b.len() {
            let text = &html[self.text_start..];
            self.text_start = b.len();
            return Some(Token::Text(text));
        }
        None
    }
}

/// `s` in lowercase, borrowed when it already is (aula's own HTML).
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// The end (exclusive) of the tag, comment or declaration starting at `i`.
fn tag_end(b: &[u8], i: usize) -> Option<usize> {
    if b[i..].starts_with(b"<!--") {
        return memchr::memmem::find(&b[i + 4..], b"-->").map(|p| i + 4 + p + 3);
    }
    // `>` ends the tag outside quotes; a quote runs to the next of its kind.
    let mut j = i + 1;
    loop {
        let at = j + memchr::memchr3(b'>', b'"', b'\'', b.get(j..)?)?;
        match b[at] {
            b'>' => return Some(at + 1),
            quote => j = at + 1 + memchr::memchr(quote, &b[at + 1..])? + 1,
        }
    }
}

fn parse_tag(raw: &str) -> Tag<'_> {
    let b = raw.as_bytes();
    let mut i = 1;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = lowercase(&raw[1..i]);
    let mut attrs = Vec::new();
    let inner_end = b.len().saturating_sub(1);
    let self_closing = raw[..inner_end].trim_end().ends_with('/');
    loop {
        while i < inner_end && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= inner_end {
            break;
        }
        let start = i;
        while i < inner_end && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let attr_name = lowercase(&raw[start..i]);
        let mut j = i;
        while j < inner_end && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = None;
        if j < inner_end && b[j] == b'=' {
            j += 1;
            while j < inner_end && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let (vs, ve, next) = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close =
                        memchr::memchr(q, &b[j + 1..inner_end]).map_or(inner_end, |p| j + 1 + p);
                    (j + 1, close, (close + 1).min(inner_end))
                }
                _ => {
                    let mut k = j;
                    while k < inner_end && !b[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    (j, k, k)
                }
            };
            value = Some(decode_entities(&raw[vs..ve]));
            i = next;
        }
        if attr_name.is_empty() {
            i += 1;
            continue;
        }
        attrs.push(Attr {
            name: attr_name,
            value,
            raw: &raw[start..i],
        });
    }
    Tag {
        name,
        attrs,
        self_closing,
        raw,
    }
}

/// What to do with one attribute.
#[derive(Debug, PartialEq, Eq)]
pub enum Edit {
    Keep,
    Set(String),
    /// Sets the value and adds one more attribute after it.
    SetWith(String, &'static str, String),
    Remove,
}

/// Rewrites attributes: `f(tag, attribute, value)` for every attribute
/// with a value of every start tag. Everything else is copied as written.
pub fn rewrite_attrs(html: &str, mut f: impl FnMut(&str, &str, &str) -> Edit) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    for t in tokens(html) {
        match t {
            Token::Text(s) | Token::End(_, s) | Token::Other(s) => out.push_str(s),
            Token::Start(tag) => {
                let edits: Vec<Edit> = tag
                    .attrs
                    .iter()
                    .map(|a| match &a.value {
                        Some(v) => f(&tag.name, &a.name, v),
                        None => Edit::Keep,
                    })
                    .collect();
                if edits.iter().all(|e| *e == Edit::Keep) {
                    out.push_str(tag.raw);
                    continue;
                }
                out.push('<');
                out.push_str(&tag.name);
                for (a, e) in tag.attrs.iter().zip(edits) {
                    match e {
                        Edit::Keep => {
                            out.push(' ');
                            out.push_str(a.raw);
                        }
                        Edit::Set(v) => push_attr(&mut out, &a.name, &v),
                        Edit::SetWith(v, extra, extra_value) => {
                            push_attr(&mut out, &a.name, &v);
                            push_attr(&mut out, extra, &extra_value);
                        }
                        Edit::Remove => {}
                    }
                }
                out.push_str(if tag.self_closing { " />" } else { ">" });
            }
        }
    }
    out
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_html_escaped(out, value);
    out.push('"');
}

/// The attributes that hold URLs aula or an author may write.
pub fn is_url_attr(attr: &str) -> bool {
    matches!(attr, "href" | "src" | "poster")
}

/// Decodes character references; unknown named ones stay as written.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|e| e + 1);
        let decoded = match end {
            Some(e) if rest.as_bytes()[e] == b';' => entity(&rest[1..e]).map(|c| (c, e + 1)),
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "shy" => '\u{ad}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bull" => '•',
        "middot" => '·',
        "deg" => '°',
        "times" => '×',
        "euro" => '€',
        "iexcl" => '¡',
        "iquest" => '¿',
        "ordf" => 'ª',
        "ordm" => 'º',
        "rarr" => '→',
        "larr" => '←',
        "check" => '✓',
        _ => return None,
    })
}

/// Writes `html` (a body fragment) as well-formed XHTML: void elements
/// closed, every attribute quoted and given a value, characters instead of
/// named entities, unclosed elements closed and stray end tags dropped.
/// `skip` names elements left out with their content (scripts, forms).
pub fn xhtml(html: &str, skip: &[&str]) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut open: Vec<String> = Vec::new();
    let mut skipping: Option<(String, usize)> = None;
    for t in tokens(html) {
        if let Some((name, depth)) = &mut skipping {
            match &t {
                Token::Start(tag) if tag.name == *name && !tag.self_closing => *depth += 1,
                Token::End(n, _) if n == name => {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                }
                _ => {}
            }
            continue;
        }
        match t {
            Token::Text(s) => push_xml_escaped(&mut out, &decode_entities(s)),
            Token::Other(_) => {}
            Token::Start(tag) => {
                if !is_xml_name(&tag.name) {
                    push_xml_escaped(&mut out, &decode_entities(tag.raw));
                    continue;
                }
                if skip.contains(&&*tag.name) {
                    if !tag.self_closing && !VOID.contains(&&*tag.name) {
                        skipping = Some((tag.name.into_owned(), 1));
                    }
                    continue;
                }
                out.push('<');
                out.push_str(&tag.name);
                let mut seen: Vec<&str> = Vec::new();
                for a in &tag.attrs {
                    if !is_xml_name(&a.name) || a.name.contains(':') || seen.contains(&&*a.name) {
                        continue;
                    }
                    seen.push(&a.name);
                    out.push(' ');
                    out.push_str(&a.name);
                    out.push_str("=\"");
                    push_xml_escaped(&mut out, a.value.as_deref().unwrap_or(&a.name));
                    out.push('"');
                }
                if VOID.contains(&&*tag.name) || tag.self_closing {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    open.push(tag.name.into_owned());
                }
            }
            Token::End(name, _) => {
                if let Some(at) = open.iter().rposition(|n| *n == name) {
                    while open.len() > at {
                        let n = open.pop().expect("checked by rposition");
                        out.push_str("</");
                        out.push_str(&n);
                        out.push('>');
                    }
                }
            }
        }
    }
    while let Some(n) = open.pop() {
        out.push_str("</");
        out.push_str(&n);
        out.push('>');
    }
    out
}

fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// A URL found in a page, resolved against the page's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// The target relative to the site root, decoded, without `#` or `?`
    /// (`es/cursos/x/` for a folder, `style.css` for a file).
    pub path: String,
    /// `#fragment` or "".
    pub fragment: String,
}

impl Local {
    /// The file the URL names: `index.html` inside a folder.
    pub fn file(&self) -> String {
        if self.path.is_empty() || self.path.ends_with('/') {
            format!("{}index.html", self.path)
        } else {
            self.path.clone()
        }
    }
}

/// What a URL in a page at folder `dir` (`es/cursos/x`, "" at the root)
/// points at: `None` for absolute URLs (with a scheme or `//`), in-page
/// `#fragments`, empty values and paths that climb above the site root.
pub fn resolve(dir: &str, url: &str) -> Option<Local> {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") || has_scheme(url) {
        return None;
    }
    let (before_frag, fragment) = match url.find('#') {
        Some(at) => (&url[..at], url[at..].to_string()),
        None => (url, String::new()),
    };
    let path_part = before_frag.split('?').next().unwrap_or("");
    let decoded = String::from_utf8(percent_decode(path_part, false)?).ok()?;
    let mut segs: Vec<&str> = if decoded.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    let is_dir = decoded.is_empty()
        || decoded.ends_with('/')
        || decoded.ends_with("/.")
        || decoded.ends_with("/..")
        || decoded == "."
        || decoded == "..";
    for s in decoded.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    let mut path = segs.join("/");
    if is_dir && !path.is_empty() {
        path.push('/');
    }
    Some(Local { path, fragment })
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(at) => {
            let scheme = &url[..at];
            !scheme.is_empty()
                && !scheme.contains(['/', '?', '#'])
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// A relative URL from the file `from` to the file `to` (both relative
/// to one root, `/`-separated), percent-encoded where needed.
pub fn relative_file(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = match from.rsplit_once('/') {
        Some((d, _)) => d.split('/').collect(),
        None => Vec::new(),
    };
    let to_segs: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_segs)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_segs.len().saturating_sub(1));
    let mut out = "../".repeat(from_dir.len() - common);
    let rest: Vec<String> = to_segs[common..]
        .iter()
        .map(|s| encode_segment(s))
        .collect();
    out.push_str(&rest.join("/"));
    out
}

/// Percent-encodes what a path segment may not hold as written.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            )
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A site path (`es/cursos/x/`) as a URL path, percent-encoded.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_segment)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens, each as written, put back together.
    fn rejoined(html: &str) -> String {
        tokens(html)
            .map(|t| match t {
                Token::Text(s) | Token::End(_, s) | Token::Other(s) => s,
                Token::Start(tag) => tag.raw,
            })
            .collect()
    }

    #[test]
    fn tokens_come_in_document_order() {
        let html = "a<p class=\"x\">b<!-- c --><script>if (a<b) {}</script></p><style></style>d";
        let kinds: Vec<String> = tokens(html)
            .map(|t| match t {
                Token::Text(s) => format!("text {s}"),
                Token::Start(tag) => format!("start {}", tag.name),
                Token::End(n, _) => format!("end {n}"),
                Token::Other(s) => format!("other {s}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "text a",
                "start p",
                "text b",
                "other <!-- c -->",
                "start script",
                "text if (a<b) {}",
                "end script",
                "end p",
                "start style",
                "end style",
                "text d"
            ]
        );
        assert_eq!(rejoined(html), html);
    }

    proptest::proptest! {
        /// Every byte of any input is in exactly one token, in order.
        #[test]
        fn tokens_put_back_together_are_the_input(html in "[<>/!a-c\"'= -]{0,40}|(<script>|</script>|<p>|x){0,6}") {
            proptest::prop_assert_eq!(rejoined(&html), html);
        }

        /// Where a tag ends, found with memchr, is where reading one byte
        /// at a time finds it: quotes of either kind hide `>`, a comment
        /// runs to `-->`, an unclosed tag or quote has no end.
        #[test]
        fn tags_end_where_a_byte_at_a_time_reading_ends_them(
            html in "[<>!\"'a= é-]{0,30}"
        ) {
            let b = html.as_bytes();
            for i in (0..b.len()).filter(|&i| b[i] == b'<') {
                proptest::prop_assert_eq!(tag_end(b, i), tag_end_bytewise(b, i), "at {}", i);
            }
        }
    }

    /// [`tag_end`] as first written, a byte at a time: the oracle.
    fn tag_end_bytewise(b: &[u8], i: usize) -> Option<usize> {
        if b[i..].starts_with(b"<!--") {
            let rest = &b[i + 4..];
            return rest
                .windows(3)
                .position(|w| w == b"-->")
                .map(|p| i + 4 + p + 3);
        }
        let mut quote = 0u8;
        for (j, &c) in b.iter().enumerate().skip(i + 1) {
            match c {
                b'"' | b'\'' if quote == 0 => quote = c,
                c if c == quote => quote = 0,
                b'>' if quote == 0 => return Some(j + 1),
                _ => {}
            }
        }
        None
    }

    #[test]
    fn resolves_relative_urls_against_the_folder() {
        let r = resolve("es/cursos/x/m", "../../../../style.css").unwrap();
        assert_eq!(r.path, "style.css");
        let r = resolve("es/cursos/x/m", "../#top").unwrap();
        assert_eq!(
            (r.path.as_str(), r.fragment.as_str()),
            ("es/cursos/x/", "#top")
        );
        assert_eq!(r.file(), "es/cursos/x/index.html");
        assert_eq!(resolve("es", "../../x"), None);
        assert_eq!(resolve("es", "https://a.b/"), None);
        assert_eq!(resolve("es", "mailto:a@b"), None);
        assert_eq!(resolve("es", "#x"), None);
        assert_eq!(resolve("es/a", "a%20b.png").unwrap().path, "es/a/a b.png");
        assert_eq!(resolve("", "es/").unwrap().path, "es/");
    }

    #[test]
    fn relative_file_paths() {
        assert_eq!(relative_file("index.html", "m/index.html"), "m/index.html");
        assert_eq!(relative_file("m/index.html", "index.html"), "../index.html");
        assert_eq!(relative_file("m/index.html", "m/a b.png"), "a%20b.png");
        assert_eq!(relative_file("a/b/index.html", "a/c/x.png"), "../c/x.png");
    }

    #[test]
    fn rewrites_only_what_is_asked() {
        let html =
            r#"<p class="x">a &amp; b <a href="../">up</a><img src=a.png alt="" hidden></p>"#;
        let out = rewrite_attrs(html, |_, a, v| match (a, v) {
            ("href", _) => Edit::Set("../index.html".into()),
            ("src", _) => Edit::Remove,
            _ => Edit::Keep,
        });
        assert_eq!(
            out,
            r#"<p class="x">a &amp; b <a href="../index.html">up</a><img alt="" hidden></p>"#
        );
    }

    #[test]
    fn xhtml_is_well_formed() {
        let html = "<p>a<br>b &nbsp;&copy; &bogus; <img src=\"x.png\" alt=\"\" loading=lazy><details open><summary>s</summary><p>x</details></div><script>x<y</script>";
        let out = xhtml(html, &["script"]);
        assert_eq!(
            out,
            "<p>a<br/>b \u{a0}© &amp;bogus; <img src=\"x.png\" alt=\"\" loading=\"lazy\"/><details open=\"open\"><summary>s</summary><p>x</p></details></p>"
        );
        assert!(roxmltree::Document::parse(&format!("<r>{out}</r>")).is_ok());
    }

    #[test]
    fn odd_markup_never_panics() {
        for s in [
            "<",
            "<a",
            "<a href=\"x",
            "</",
            "<!--",
            "<p =x>",
            "&#xD800;",
            "&#;",
            "<script>",
            "<a b='c>",
        ] {
            let _ = tokens(s).count();
            let _ = xhtml(s, &[]);
            let _ = rewrite_attrs(s, |_, _, _| Edit::Set("y".into()));
        }
    }
}
