//! Footnotes, numbered in order of first mention (a reference or a
//! definition), with ids `fn-1`, `fn-2`… that headings never take (see
//! [`super::headings`]). References and definitions are written here;
//! pulldown-cmark's writer only closes a definition's `<div>`.
//!
//! A label must never give two numbers, and a number never two ids.

use pulldown_cmark::Event;

use super::headings::AnchorSlot;
use super::renderer::Renderer;

impl Renderer<'_, '_> {
    pub(super) fn footnote_reference(&mut self, label: &str) {
        let n = self.footnote_number(label);
        let html = format!("<sup class=\"footnote-reference\"><a href=\"#fn-{n}\">{n}</a></sup>");
        self.emit(Event::InlineHtml(html.into()));
    }

    pub(super) fn start_footnote_definition(&mut self, label: &str) {
        let n = self.footnote_number(label);
        self.anchor_slots.push(AnchorSlot::Fixed(format!("fn-{n}")));
        let html = format!(
            "<div class=\"footnote-definition\" id=\"fn-{n}\">\
             <sup class=\"footnote-definition-label\">{n}</sup>"
        );
        self.emit(Event::Html(html.into()));
    }

    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(label.to_owned()).or_insert(next)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::md;

    #[test]
    fn footnotes_get_prefixed_ids() {
        let r = md("## Notes\n\nText[^a] and more[^b].\n\n[^b]: Second.\n[^a]: First.\n");
        assert!(
            r.html
                .contains("<sup class=\"footnote-reference\"><a href=\"#fn-1\">1</a></sup>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<div class=\"footnote-definition\" id=\"fn-2\">"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<div class=\"footnote-definition\" id=\"fn-1\">"),
            "{}",
            r.html
        );
        assert_eq!(r.anchors, ["notes", "fn-2", "fn-1"]);
    }

    #[test]
    fn footnote_ids_are_reserved_from_headings() {
        let r = md("## Fn 1\n\nText[^x].\n\n[^x]: Note.\n");
        assert_eq!(r.anchors, ["fn-1-1", "fn-1"]);
    }
}
