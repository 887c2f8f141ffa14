//! What Pagefind reads of a page, made by aula from its own HTML.
//!
//! Pagefind's `add_html_file` parses every page again with lol_html to
//! find the text to index; on the corpus that parse was more than a third
//! of the indexing (docs/performance.md). aula wrote the HTML and has a
//! tokenizer for it (`outputs::html`), so it makes the same *digest*
//! Pagefind's parser makes (1.6, `fossick/parser.rs`) and hands it to
//! `add_custom_record`: the text of `<main>` without the excluded parts,
//! block elements ended as sentences, headings weighted (`h1` 7 … `h6` 2),
//! and the page's `title` (its first `h1`) and `image` (the first image
//! after it) as metadata. The index Pagefind makes from it is byte for
//! byte the index it makes from the HTML (tested on the sample campus in
//! `tests/integration/search.rs`); only the anchors of headings (which
//! aula's search box does not show) are left out.
//!
//! Of Pagefind's `data-pagefind-*` attributes only `data-pagefind-ignore`
//! and `data-pagefind-weight` are read: aula's templates use none, and an
//! author's raw HTML gets the two that change what a page is found by.
//! Badly nested raw HTML (`raw_html = "allow"`, a `<p>` left open inside
//! another) is read as written, where lol_html recovers in its own way:
//! every word is still indexed, sentence ends may differ.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::outputs::html::{Tag, Token, VOID, tokens};

/// One page for `PagefindIndex::add_custom_record`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    /// `<html lang>` in lowercase (`unknown` without one), as Pagefind
    /// reads it.
    pub language: String,
    /// The text to index, with Pagefind's weight markers.
    pub content: String,
    /// `title` and, with an image after the title, `image` and `image_alt`.
    pub meta: BTreeMap<String, String>,
}

/// Elements Pagefind never indexes, inside the root.
const REMOVE: [&str; 11] = [
    "head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe",
    "template",
];

/// Elements ended as a sentence: a space before, a full stop after when
/// the text does not end with punctuation already.
const SENTENCE: [&str; 13] = [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li", "article", "section",
];

/// A character that a sentence may not end on without a full stop.
static SENTENCE_CHARS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("[\\w'\"\\)\\$\\*]").expect("regex"));
static NEWLINES: LazyLock<Regex> = LazyLock::new(|| Regex::new("(\n|\r\n)+").expect("regex"));
static TRIM_NEWLINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("^[\n\r\\s]+|[\n\r\\s]+$").expect("regex"));
static EXTRANEOUS_SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s{2,}").expect("regex"));

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Indexing,
    /// Not indexed, but its children are read (for the title and image).
    Ignored,
    /// Neither it nor anything in it is read.
    Excluded,
}

/// An open element inside the root and the text gathered in it so far.
struct Node {
    tag: String,
    status: Status,
    weight: Option<String>,
    value: String,
}

/// Where the parse is: the open elements (the first is the document), and
/// the metadata found.
struct Parse<'a> {
    root: &'a str,
    excluded_tags: Vec<&'a str>,
    excluded_classes: Vec<&'a str>,
    open: Vec<Node>,
    inside_root: usize,
    language: Option<String>,
    title: Option<String>,
    image: Option<(String, String)>,
}

/// The record of one page: the text inside `root` (an element name, `main`
/// in aula) without the elements matched by `exclude` (element names or
/// `.class`), and without what Pagefind never indexes.
pub fn record(html: &str, root: &str, exclude: &[&str]) -> Record {
    let (classes, tags): (Vec<&str>, Vec<&str>) = exclude.iter().partition(|s| s.starts_with('.'));
    let mut p = Parse {
        root,
        excluded_tags: tags.into_iter().chain(REMOVE).collect(),
        excluded_classes: classes.into_iter().map(|c| &c[1..]).collect(),
        open: vec![Node {
            tag: String::new(),
            status: Status::Indexing,
            weight: None,
            value: String::new(),
        }],
        inside_root: 0,
        language: None,
        title: None,
        image: None,
    };
    for token in tokens(html) {
        match token {
            Token::Start(tag) => p.start(&tag),
            Token::End(name, _) => p.end(&name),
            Token::Text(text) if p.inside_root > 0 => {
                if let Some(node) = p.open.last_mut() {
                    node.value.push_str(text);
                }
            }
            Token::Text(_) | Token::Other(_) => {}
        }
    }
    // Elements left open are closed into their parents as they are, as
    // Pagefind does at the end of a document.
    while p.open.len() > 1 {
        let node = p.open.pop().expect("more than one");
        if node.status == Status::Indexing {
            p.open
                .last_mut()
                .expect("parent")
                .value
                .push_str(&node.value);
        }
    }
    let mut meta = BTreeMap::new();
    if let Some((src, alt)) = p.image {
        meta.insert("image".to_string(), src);
        meta.insert("image_alt".to_string(), alt);
    }
    if let Some(title) = p.title {
        meta.insert("title".to_string(), title);
    }
    Record {
        language: p
            .language
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| "unknown".to_string()),
        content: normalize(&p.open[0].value),
        meta,
    }
}

impl Parse<'_> {
    fn start(&mut self, tag: &Tag) {
        let attr = |name: &str| -> Option<&str> {
            tag.attrs
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.value.as_deref().unwrap_or(""))
        };
        if tag.name == "html"
            && let Some(lang) = attr("lang")
        {
            self.language = Some(lang.to_lowercase());
        }
        let is_root = tag.name == self.root;
        if self.inside_root == 0 && !is_root {
            return;
        }
        let status = match attr("data-pagefind-ignore") {
            None => Status::Indexing,
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "" | "index" | "true" => Status::Ignored,
                _ => Status::Excluded,
            },
        };
        let parent = self.open.last_mut().expect("the document");
        let parent_status = parent.status;
        // Pagefind marks an element with an `id` in its parent's text (an
        // anchor); aula leaves the anchors out but keeps the space around
        // the marker, which ends the word before it.
        if status == Status::Indexing && attr("id").is_some() {
            parent.value.push_str("  ");
        }
        if status != Status::Excluded && tag.name == "br" {
            parent.value.push(' ');
        }
        let mut node = Node {
            tag: tag.name.to_string(),
            status: if parent_status == Status::Excluded {
                parent_status
            } else {
                status
            },
            weight: attr("data-pagefind-weight").map(str::to_string),
            value: String::new(),
        };
        // The exclusions apply inside the root. Pagefind marks the element
        // being read, which for an element without content is its parent.
        let excluded = self.inside_root > 0
            && (self.excluded_tags.contains(&&*tag.name)
                || attr("class").is_some_and(|c| {
                    c.split_ascii_whitespace()
                        .any(|c| self.excluded_classes.contains(&c))
                }));
        let has_content = !(VOID.contains(&&*tag.name) || tag.self_closing);
        if !has_content {
            if excluded {
                self.open.last_mut().expect("the document").status = Status::Ignored;
            }
            if node.status != Status::Excluded
                && tag.name == "img"
                && self.image.is_none()
                && self.title.is_some()
                && let Some(src) = attr("src")
            {
                self.image = Some((normalize(src), normalize(attr("alt").unwrap_or_default())));
            }
            return;
        }
        if excluded {
            node.status = Status::Ignored;
        }
        self.open.push(node);
        self.inside_root += 1;
    }

    fn end(&mut self, name: &str) {
        if self.inside_root == 0 {
            return;
        }
        // An end tag without its start is skipped; one that closes an
        // ancestor closes what is open inside it first.
        let Some(at) = self.open[1..].iter().rposition(|n| n.tag == name) else {
            return;
        };
        while self.open.len() > at + 1 {
            self.close();
        }
    }

    /// Ends the innermost open element into its parent.
    fn close(&mut self) {
        let mut node = self.open.pop().expect("an open element");
        self.inside_root -= 1;
        if node.status == Status::Excluded {
            return;
        }
        if node.tag == "h1" && self.title.is_none() && !node.value.trim().is_empty() {
            self.title = Some(normalize(&node.value));
        }
        if node.status == Status::Ignored {
            return;
        }
        if SENTENCE.contains(&node.tag.as_str()) {
            node.value.insert(0, ' ');
            let mut last = [0u8; 4];
            if let Some(c) = node.value.chars().next_back()
                && SENTENCE_CHARS.is_match(c.encode_utf8(&mut last))
            {
                node.value.push('.');
            }
            node.value.push(' ');
        }
        let weight = match (&node.weight, node.tag.as_str()) {
            (Some(w), _) => Some(("___PAGEFIND_WEIGHT___", w.as_str())),
            (None, "h1") => Some(("___PAGEFIND_AUTO_WEIGHT___", "7")),
            (None, "h2") => Some(("___PAGEFIND_AUTO_WEIGHT___", "6")),
            (None, "h3") => Some(("___PAGEFIND_AUTO_WEIGHT___", "5")),
            (None, "h4") => Some(("___PAGEFIND_AUTO_WEIGHT___", "4")),
            (None, "h5") => Some(("___PAGEFIND_AUTO_WEIGHT___", "3")),
            (None, "h6") => Some(("___PAGEFIND_AUTO_WEIGHT___", "2")),
            _ => None,
        };
        let parent = &mut self.open.last_mut().expect("the document").value;
        match weight {
            Some((marker, w)) => {
                for part in [
                    " ",
                    marker,
                    w,
                    " ",
                    &node.value,
                    " ___END_PAGEFIND_WEIGHT___ ",
                ] {
                    parent.push_str(part);
                }
            }
            None => parent.push_str(&node.value),
        }
    }
}

/// Entities decoded, ends trimmed, runs of newlines and of spaces made one
/// space: Pagefind's `normalize_content`.
fn normalize(text: &str) -> String {
    let text = html_escape::decode_html_entities(text);
    let text = TRIM_NEWLINES.replace_all(&text, "");
    let text = NEWLINES.replace_all(&text, " ");
    EXTRANEOUS_SPACES.replace_all(&text, " ").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(body: &str) -> Record {
        record(
            &format!(
                "<!DOCTYPE html><html lang=\"ES\"><head><title>T</title></head><body><nav>Menú</nav>{body}</body></html>"
            ),
            "main",
            &["nav", ".cards", ".meta"],
        )
    }

    #[test]
    fn headings_are_weighted_and_blocks_end_as_sentences() {
        let r = of(
            "<main><h1>Gobernanza</h1><p>Texto del <em>módulo</em></p><h2 id=\"a\">Más</h2><p>¿Listo?</p></main>",
        );
        assert_eq!(r.language, "es");
        assert_eq!(
            r.content,
            "___PAGEFIND_AUTO_WEIGHT___7 Gobernanza. ___END_PAGEFIND_WEIGHT___ Texto del módulo. ___PAGEFIND_AUTO_WEIGHT___6 Más. ___END_PAGEFIND_WEIGHT___ ¿Listo?"
        );
        assert_eq!(r.meta["title"], "Gobernanza");
    }

    #[test]
    fn only_the_root_is_read_without_its_excluded_parts() {
        let r = of(
            "<p>fuera</p><main><h1>T</h1><div class=\"cards x\"><p>tarjeta</p></div><p class=\"meta\">5 min</p><script>var x = 1;</script><nav>migas</nav><p>dentro<br>línea</p></main><footer>pie</footer>",
        );
        assert_eq!(
            r.content,
            "___PAGEFIND_AUTO_WEIGHT___7 T. ___END_PAGEFIND_WEIGHT___ dentro línea."
        );
    }

    #[test]
    fn an_element_with_an_id_ends_the_word_before_it() {
        let r = of("<main><p>palabra<span id=\"x\">pegada</span><b>junta</b></p></main>");
        assert_eq!(r.content, "palabra pegadajunta.");
    }

    #[test]
    fn entities_are_decoded_and_spaces_made_one() {
        let r = of("<main><p>a &amp; b\n\n  c&nbsp;&lt;d&gt;</p>\n\n</main>");
        // No full stop: the text ended on `;` before its entities were decoded.
        assert_eq!(r.content, "a & b c\u{a0}<d>");
    }

    #[test]
    fn pagefind_attributes_in_raw_html_are_honoured() {
        let r = of(
            "<main><p data-pagefind-ignore>oculto</p><div data-pagefind-ignore=\"all\"><h1>No</h1></div><p data-pagefind-weight=\"3\">peso</p></main>",
        );
        assert_eq!(
            r.content,
            "___PAGEFIND_WEIGHT___3 peso. ___END_PAGEFIND_WEIGHT___"
        );
        assert!(!r.meta.contains_key("title"), "an excluded h1 is no title");
    }

    #[test]
    fn the_first_image_after_the_title_is_metadata() {
        let r = of(
            "<main><img src=\"a.png\" alt=\"antes\"><h1>T</h1><p><img src=\"b&amp;c.png\" alt=\"Un  gráfico\"></p><img src=\"c.png\"></main>",
        );
        assert_eq!(r.meta["image"], "b&c.png");
        assert_eq!(r.meta["image_alt"], "Un gráfico");
    }

    #[test]
    fn broken_markup_never_panics_and_keeps_the_text() {
        for html in [
            "<main><p>abierto <em>sin cerrar",
            "</p></main><main></div>texto",
            "<main><img class=\"meta\"><p>x</p></main>",
            "<html><main>",
            "",
        ] {
            let r = record(html, "main", &[".meta"]);
            assert!(r.content.len() <= html.len(), "{html}: {r:?}");
        }
        assert_eq!(
            record("<main><p>abierto <em>sin cerrar", "main", &[]).content,
            "abierto sin cerrar"
        );
    }
}
