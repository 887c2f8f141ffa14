//! Raw HTML written in Markdown, blocks and inline: the one place that
//! applies the site's [`RawHtml`] policy (`[markdown] raw_html`). With
//! `allow` it passes through; with `sanitize`, the default, it passes
//! through to be sanitized with the whole page at its end (see
//! [`super::sanitize`]), each removal reported here as it is read; with
//! `escape` it is shown as the text the author typed, and HTML comments are
//! dropped.
//!
//! With `escape`, no tag an author writes may ever reach the page as markup.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::renderer::Renderer;
use crate::config::RawHtml;

/// Raw HTML as pulldown-cmark found it: a whole HTML block (all its lines)
/// or one inline tag or comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RawPlace {
    Block,
    Inline,
}

/// The single place that decides what happens to raw HTML written in
/// Markdown, blocks and inline, and returns the events to emit instead.
///
/// With [`RawHtml::Allow`] it passes through unchanged. With
/// [`RawHtml::Escape`] (the default) it becomes text, so `<b>x</b>` shows as
/// written and `<script>` never reaches the page: an HTML block becomes a
/// paragraph of that text, inline HTML stays inline. HTML comments are
/// invisible either way, so with `Escape` they are dropped rather than shown
/// (translators' notes in `<!-- … -->` stay notes); dropping text can never
/// make a page less safe.
fn raw_html(html: CowStr<'_>, place: RawPlace, policy: RawHtml) -> Vec<Event<'_>> {
    match (policy, place) {
        (RawHtml::Escape | RawHtml::Sanitize, _) if is_only_comment(&html) => Vec::new(),
        (RawHtml::Allow | RawHtml::Sanitize, RawPlace::Block) => vec![Event::Html(html)],
        (RawHtml::Allow | RawHtml::Sanitize, RawPlace::Inline) => vec![Event::InlineHtml(html)],
        (RawHtml::Escape, RawPlace::Inline) => vec![Event::Text(html)],
        (RawHtml::Escape, RawPlace::Block) => {
            let text = html.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                return Vec::new();
            }
            vec![
                Event::Start(Tag::Paragraph),
                Event::Text(text.to_owned().into()),
                Event::End(TagEnd::Paragraph),
            ]
        }
    }
}

/// `<!-- … -->` and nothing else (surrounding whitespace aside).
fn is_only_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

impl<'a> Renderer<'a, '_> {
    /// Emits raw HTML as the policy says; text it turns into is prose.
    pub(super) fn raw_html(&mut self, html: CowStr<'a>, place: RawPlace) {
        if self.opts.raw_html == RawHtml::Sanitize && !is_only_comment(&html) {
            self.sanitize_page = true;
        }
        for event in raw_html(html, place, self.opts.raw_html) {
            match event {
                Event::Text(text) => self.text(text),
                other => {
                    self.open_paragraph();
                    self.emit(other)
                }
            }
        }
    }

    /// Inline raw HTML found at `offset`.
    pub(super) fn inline_html(&mut self, html: CowStr<'a>, offset: usize) {
        if self.opts.raw_html == RawHtml::Sanitize {
            self.sanitize_report(&html, offset);
        }
        self.raw_html(html, RawPlace::Inline);
    }

    /// An HTML block is gathered whole and decided on at its end.
    pub(super) fn start_html_block(&mut self) {
        self.html_block = Some(String::new());
    }

    /// One line of an HTML block (or a block pulldown-cmark gave without a
    /// start), found at `offset`.
    pub(super) fn html_block_part(&mut self, html: CowStr<'a>, offset: usize) {
        if self.opts.raw_html == RawHtml::Sanitize {
            self.sanitize_report(&html, offset);
        }
        match &mut self.html_block {
            Some(block) => block.push_str(&html),
            None => self.raw_html(html, RawPlace::Block),
        }
    }

    pub(super) fn end_html_block(&mut self) {
        let block = self.html_block.take().unwrap_or_default();
        self.raw_html(block.into(), RawPlace::Block);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{md, safe};
    use crate::config::RawHtml;
    use crate::markdown::unsafe_markup;

    #[test]
    fn raw_html_passes_through() {
        let r = md("<aside class=\"x\">\nhi\n</aside>\n\nA <kbd>K</kbd>.\n");
        assert!(
            r.html.contains("<aside class=\"x\">\nhi\n</aside>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<kbd>K</kbd>"), "{}", r.html);
    }

    #[test]
    fn sanitize_is_the_default_policy() {
        assert_eq!(RawHtml::default(), RawHtml::Sanitize);
    }

    #[test]
    fn escaped_html_block_becomes_a_paragraph_of_text() {
        let r = safe("<aside class=\"x\">\nhi\n</aside>\n\nA <kbd>K</kbd>.\n");
        assert_eq!(
            r.html,
            "<p>&lt;aside class=\"x\"&gt;\nhi\n&lt;/aside&gt;</p>\n<p>A &lt;kbd&gt;K&lt;/kbd&gt;.</p>\n"
        );
        assert!(r.errors.is_empty());
    }

    #[test]
    fn escaped_script_never_reaches_the_page() {
        for body in [
            "<script>alert(1)</script>\n",
            "Text <script>alert(1)</script> inline.\n",
            "</script><script>alert(1)</script>\n",
            "<img src=x onerror=alert(1)>\n",
            "Hi <img src=x onerror=alert(1)> there\n",
            "<!-- c --> <script>alert(1)</script>\n",
            "<svg><script>alert(1)</script></svg>\n",
            "> <iframe src=\"javascript:alert(1)\"></iframe>\n",
            "- <a href=\"javascript:alert(1)\">x</a>\n",
            "| a |\n|---|\n| <b onmouseover=alert(1)>x</b> |\n",
        ] {
            let html = safe(body).html;
            assert_eq!(unsafe_markup(&html), None, "{body:?} gave {html}");
            assert!(
                unsafe_markup(&md(body).html).is_some(),
                "raw_html = allow passes {body:?} through"
            );
        }
    }

    #[test]
    fn escaped_policy_drops_html_comments() {
        let r = safe("Before\n\n<!-- note for translators -->\n\nMid <!-- inline --> end\n");
        assert_eq!(r.html, "<p>Before</p>\n<p>Mid  end</p>\n");
    }
}
