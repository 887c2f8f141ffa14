//! Heading ids and the table of contents: every heading gets a unique id
//! (the author's `{#id}` verbatim, otherwise a slug of its text), the page's
//! anchors are listed in document order and h2/h3 headings make the TOC.
//!
//! Ids are decided only once the whole page has been read, since an id the
//! author writes further down must win over a generated one; by then the
//! headings are written, so each id is inserted where the writer left its
//! place. This file must never change a heading's text or markup, only its
//! id.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::renderer::Renderer;
use super::{MarkdownError, TocEntry};
use crate::config::RawHtml;
use crate::highlight::push_escaped;
use crate::slug::slugify;

/// A heading as read so far: where its tag was written and its text.
pub(super) struct OpenHeading {
    /// Length of the HTML when the writer took the heading's `Start` event:
    /// its `<hN` tag follows, after a line break if the HTML had none.
    written_at: Option<usize>,
    pub(super) offset: usize,
    pub(super) level: u8,
    explicit_id: Option<String>,
    pub(super) text: String,
}

/// One entry of the page's anchors, in document order.
pub(super) enum AnchorSlot {
    /// Index into `Renderer::headings`; the id is known only at the end.
    Heading(usize),
    Fixed(String),
}

/// Attributes of a heading as pulldown-cmark gives them: `{lang=en}`.
pub(super) type HeadingAttrs<'a> = Vec<(CowStr<'a>, Option<CowStr<'a>>)>;

impl<'a> Renderer<'a, '_> {
    pub(super) fn start_heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        mut attrs: HeadingAttrs<'a>,
        offset: usize,
    ) {
        if self.opts.raw_html != RawHtml::Allow {
            attrs = self.safe_heading_attributes(attrs, offset);
        }
        self.heading = Some(OpenHeading {
            written_at: None,
            offset,
            level: heading_level(level),
            explicit_id: id.filter(|id| !id.is_empty()).map(CowStr::into_string),
            text: String::new(),
        });
        self.emit(Event::Start(Tag::Heading {
            level,
            id: None,
            classes,
            attrs,
        }));
    }

    pub(super) fn end_heading(&mut self, end: TagEnd) {
        self.emit(Event::End(end));
        if let Some(heading) = self.heading.take() {
            self.anchor_slots
                .push(AnchorSlot::Heading(self.headings.len()));
            self.headings.push(heading);
        }
    }

    /// The writer is about to write the open heading's tag, at `offset` in
    /// the HTML.
    pub(super) fn heading_written_at(&mut self, offset: usize) {
        if let Some(heading) = &mut self.heading {
            heading.written_at = Some(offset);
        }
    }

    /// Adds to the title of the heading being read, if any.
    pub(super) fn heading_text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        }
    }

    /// Gives every heading its id. Explicit ids and footnote ids are
    /// reserved first, so a generated id never takes a name the author chose
    /// later in the page.
    pub(super) fn assign_heading_ids(&mut self) -> Vec<String> {
        let mut used: HashSet<String> =
            self.footnotes.values().map(|n| format!("fn-{n}")).collect();
        for heading in &self.headings {
            let Some(id) = &heading.explicit_id else {
                continue;
            };
            self.out.explicit_ids.push(id.clone());
            if !used.insert(id.clone()) {
                let (line, column) = self.locator.position(heading.offset);
                self.out.errors.push(MarkdownError {
                    line,
                    column,
                    message: format!("the id `{id}` is used twice in this page"),
                    help: "give each heading a different `{#id}`; footnotes use `fn-1`, `fn-2`…"
                        .to_owned(),
                });
            }
        }
        self.headings
            .iter()
            .map(|heading| match &heading.explicit_id {
                Some(id) => id.clone(),
                None => unique_id(&heading.text, &mut used),
            })
            .collect()
    }

    /// Every id defined in the page, in document order, given the headings'
    /// ids from [`Self::assign_heading_ids`].
    pub(super) fn anchors(&self, ids: &[String]) -> Vec<String> {
        self.anchor_slots
            .iter()
            .map(|slot| match slot {
                AnchorSlot::Heading(i) => ids.get(*i).cloned().unwrap_or_default(),
                AnchorSlot::Fixed(id) => id.clone(),
            })
            .collect()
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

fn unique_id(text: &str, used: &mut HashSet<String>) -> String {
    let mut base = slugify(text);
    if base.is_empty() {
        base.push_str("section");
    }
    let mut id = base.clone();
    let mut n = 0usize;
    while used.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    used.insert(id.clone());
    id
}

/// Writes each heading's ` id="…"` into `html` right after its `<hN`,
/// where pulldown-cmark's writer puts an id (before classes and other
/// attributes), escaped as it escapes one. In place: the page's HTML, which
/// can be hundreds of megabytes, is shifted within its buffer, not copied.
pub(super) fn insert_heading_ids(html: String, headings: &[OpenHeading], ids: &[String]) -> String {
    // In document order, so the offsets ascend.
    let inserts: Vec<(usize, String)> = headings
        .iter()
        .zip(ids)
        .filter_map(|(heading, id)| {
            let at = after_tag_name(&html, heading.written_at?)?;
            let mut attr = String::with_capacity(id.len() + 6);
            attr.push_str(" id=\"");
            push_escaped(&mut attr, id);
            attr.push('"');
            Some((at, attr))
        })
        .collect();
    if inserts.is_empty() {
        return html;
    }
    let mut bytes = html.into_bytes();
    let old_len = bytes.len();
    let mut shift: usize = inserts.iter().map(|(_, attr)| attr.len()).sum();
    bytes.resize(old_len + shift, 0);
    // From the back: move the text after each insertion point to its final
    // place, then write the attribute in the gap left before it.
    let mut end = old_len;
    for (at, attr) in inserts.iter().rev() {
        bytes.copy_within(*at..end, at + shift);
        shift -= attr.len();
        bytes[at + shift..at + shift + attr.len()].copy_from_slice(attr.as_bytes());
        end = *at;
    }
    String::from_utf8(bytes)
        .expect("whole attributes inserted after ASCII `<hN` keep the HTML UTF-8")
}

/// The offset just after the `<hN` of a heading tag whose writing began at
/// `written_at` (the writer puts a line break first when the HTML does not
/// end with one), or `None` if no heading tag is there.
fn after_tag_name(html: &str, written_at: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let start = written_at + usize::from(bytes.get(written_at) == Some(&b'\n'));
    match bytes.get(start..start + 3)? {
        [b'<', b'h', b'1'..=b'6'] => Some(start + 3),
        _ => None,
    }
}

pub(super) fn build_toc(headings: &[OpenHeading], ids: &[String]) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for (heading, id) in headings.iter().zip(ids) {
        let entry = TocEntry {
            level: heading.level,
            id: id.clone(),
            title: heading.text.trim().to_owned(),
            children: Vec::new(),
        };
        match heading.level {
            2 => toc.push(entry),
            3 => match toc.last_mut() {
                Some(parent) if parent.level == 2 => parent.children.push(entry),
                _ => toc.push(entry),
            },
            _ => {}
        }
    }
    toc
}

#[cfg(test)]
mod tests {
    use super::super::tests::md;

    #[test]
    fn heading_ids_from_text_with_accents() {
        let r = md("## Docencia híbrida\n\n### ¿Qué es la IA?\n");
        assert!(
            r.html
                .contains("<h2 id=\"docencia-hibrida\">Docencia híbrida</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h3 id=\"que-es-la-ia\">"), "{}", r.html);
    }

    #[test]
    fn duplicate_headings_get_numbered() {
        let r = md("## Intro\n\n## Intro\n\n#### Intro\n");
        assert_eq!(r.anchors, ["intro", "intro-1", "intro-2"]);
    }

    #[test]
    fn explicit_ids_are_verbatim_and_reserved() {
        let r = md("## Setup\n\n## Custom {#Setup_X}\n\n## Other {#setup-1 .wide}\n\n## Setup\n");
        assert_eq!(r.anchors, ["setup", "Setup_X", "setup-1", "setup-2"]);
        assert!(
            r.html
                .contains("<h2 id=\"setup-1\" class=\"wide\">Other</h2>"),
            "{}",
            r.html
        );
        assert!(r.errors.is_empty());
    }

    #[test]
    fn explicit_ids_are_listed_apart() {
        let r = md("## A {#a}\n\n## B\n\n```\n## C {#c}\n```\n\n### D {.x #d}\n");
        assert_eq!(r.explicit_ids, ["a", "d"]);
    }

    #[test]
    fn duplicate_explicit_id_is_an_error() {
        let r = md("## A {#x}\n\n## B {#x}\n");
        assert_eq!(r.errors.len(), 1);
        assert_eq!((r.errors[0].line, r.errors[0].column), (3, 1));
    }

    #[test]
    fn empty_heading_slug_becomes_section() {
        let r = md("## ¿?!\n\n## ***\n\n## …\n");
        assert_eq!(r.anchors, ["section", "section-1", "section-2"]);
        let r = md("## ¿?\n\n## !!\n");
        assert_eq!(r.anchors, ["section", "section-1"]);
    }

    #[test]
    fn heading_keeps_inline_markup() {
        let r = md("## Use `cargo` *now*\n");
        assert!(
            r.html
                .contains("<h2 id=\"use-cargo-now\">Use <code>cargo</code> <em>now</em></h2>"),
            "{}",
            r.html
        );
        assert_eq!(r.toc[0].title, "Use cargo now");
    }

    #[test]
    fn ids_are_inserted_where_the_writer_puts_them() {
        // Headings are written before their ids are known; each id goes
        // right after `<hN`: also when the writer put a line break before
        // the tag (in a list item), in containers, after a table or raw
        // HTML, before classes and attributes, and escaped.
        let r = md("Text <b>x</b>\n\n\
                    ## One {.c lang=en}\n\
                    > ## Quoted\n\n\
                    - ## Listed\n\n\
                    | a |\n|---|\n| 1 |\n\n\
                    ## A&B {#a&b}\n\
                    <br>\n\n\
                    # Last\n");
        for tag in [
            "</p>\n<h2 id=\"one\" class=\"c\" lang=\"en\">One</h2>\n",
            "<blockquote>\n<h2 id=\"quoted\">Quoted</h2>\n</blockquote>\n",
            "<li>\n<h2 id=\"listed\">Listed</h2>\n</li>\n",
            "</div>\n<h2 id=\"a&amp;b\">A&amp;B</h2>\n",
            "<br>\n<h1 id=\"last\">Last</h1>\n",
        ] {
            assert!(r.html.contains(tag), "{tag:?} not in {}", r.html);
        }
        assert_eq!(r.html.matches(" id=").count(), 5, "{}", r.html);
    }

    #[test]
    fn toc_nests_h3_under_h2() {
        let r =
            md("# Title\n\n### Early\n\n## One\n\n### One a\n\n#### Deep\n\n### One b\n\n## Two\n");
        let shape: Vec<(&str, Vec<&str>)> = r
            .toc
            .iter()
            .map(|e| {
                (
                    e.id.as_str(),
                    e.children.iter().map(|c| c.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("early", vec![]),
                ("one", vec!["one-a", "one-b"]),
                ("two", vec![]),
            ]
        );
        assert_eq!(r.toc[1].level, 2);
        assert_eq!(r.toc[1].children[0].level, 3);
        assert_eq!(
            r.anchors,
            ["title", "early", "one", "one-a", "deep", "one-b", "two"]
        );
    }
}
