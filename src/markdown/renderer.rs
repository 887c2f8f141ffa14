//! The walk over pulldown-cmark's events that [`render`](super::render)
//! runs: each event goes to the concern that owns it (headings, links,
//! images, code, tables, footnotes, raw HTML), what they emit is written as
//! HTML by pulldown-cmark's writer, and the words of prose are counted on
//! the way.
//!
//! The writer pulls events through the renderer as it writes, so only the
//! events made from one parser event are ever held, never the page's: a
//! page's memory is its source, pulldown-cmark's tree of it and the HTML.
//! It must never decide what an element looks like or whether it is safe
//! (that belongs to the element's own file), and never panic, in whatever
//! order the events come.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd, html};

use super::code::OpenCode;
use super::figures::Figure;
use super::headings::{AnchorSlot, OpenHeading, build_toc, insert_heading_ids};
use super::images::OpenImage;
use super::locator::Locator;
use super::raw_html::RawPlace;
use super::shortcodes::Output;
use super::tables::OpenTable;
use super::vault::{self, CALL_OPEN, Piece};
use super::{Options, Rendered, sanitize};
use crate::config::RawHtml;

/// Where the current paragraph stands. Its `<p>` is held back until its
/// first content is known: an image alone in it becomes a figure, and a
/// block shortcode must not sit inside a `<p>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Para {
    /// Not in a paragraph.
    Outside,
    /// Started, `<p>` not written yet.
    Held,
    /// `<p>` written.
    Open,
    /// Closed early for a block shortcode; reopened if text follows.
    Suspended,
}

pub(super) struct Renderer<'a, 'o> {
    pub(super) opts: &'o Options<'o>,
    pub(super) locator: Locator<'a>,
    /// Events made from the current parser event, not yet written.
    pending: VecDeque<Event<'a>>,
    pub(super) out: Rendered,
    /// The heading being read.
    pub(super) heading: Option<OpenHeading>,
    pub(super) headings: Vec<OpenHeading>,
    pub(super) anchor_slots: Vec<AnchorSlot>,
    pub(super) code: Option<OpenCode>,
    pub(super) image: Option<OpenImage>,
    /// For each open link, whether its `<a>` was emitted.
    pub(super) links_kept: Vec<bool>,
    pub(super) table: Option<OpenTable>,
    /// Footnote label to number, in order of first mention.
    pub(super) footnotes: HashMap<String, usize>,
    /// The lines of the HTML block being read, decided on at its end.
    pub(super) html_block: Option<String>,
    /// Whether the last text ended inside a word (see `count_words`).
    in_word: bool,
    body_len: usize,
    pub(super) para: Para,
    /// An image that was alone in its paragraph so far: a figure if the
    /// paragraph ends now.
    pub(super) figure: Option<Figure>,
    /// Shortcode output by placeholder number.
    calls: Vec<Output>,
    /// HTML aula writes itself, held aside while the page's raw HTML is
    /// sanitized (`None` when nothing will be sanitized).
    kept: Option<Vec<String>>,
    /// The page had raw HTML and the policy is `sanitize`.
    pub(super) sanitize_page: bool,
}

impl<'a, 'o> Renderer<'a, 'o> {
    pub(super) fn new(body: &'a str, opts: &'o Options<'o>, calls: Vec<Output>) -> Self {
        Self {
            opts,
            locator: Locator::new(body, opts.first_line),
            pending: VecDeque::new(),
            out: Rendered::default(),
            heading: None,
            headings: Vec::new(),
            anchor_slots: Vec::new(),
            code: None,
            image: None,
            links_kept: Vec::new(),
            table: None,
            footnotes: HashMap::new(),
            html_block: None,
            in_word: false,
            body_len: body.len(),
            para: Para::Outside,
            figure: None,
            calls,
            kept: (opts.raw_html == RawHtml::Sanitize && body.contains('<')).then(Vec::new),
            sanitize_page: false,
        }
    }

    /// Queues HTML that aula wrote itself: held aside as a placeholder
    /// while the page is to be sanitized, so that the sanitizer never
    /// judges it.
    pub(super) fn trusted(&mut self, html: String) {
        match &mut self.kept {
            Some(kept) => {
                let marker = vault::kept_marker(kept.len());
                kept.push(html);
                self.emit(Event::Html(marker.into()));
            }
            None => self.emit(Event::Html(html.into())),
        }
    }

    /// Writes the held (or suspended) paragraph's `<p>`.
    pub(super) fn open_paragraph(&mut self) {
        if matches!(self.para, Para::Held | Para::Suspended) {
            self.para = Para::Open;
            self.emit(Event::Start(Tag::Paragraph));
        }
    }

    /// Queues an event for the HTML writer.
    pub(super) fn emit(&mut self, event: Event<'a>) {
        self.pending.push_back(event);
    }

    /// Renders the parser's events to HTML, heading ids not yet in it.
    pub(super) fn write(
        &mut self,
        parser: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    ) -> String {
        let written = Cell::new(0);
        let mut html = String::with_capacity(self.body_len * 3 / 2 + 64);
        let sink = Sink {
            html: &mut html,
            written: &written,
        };
        let feed = Feed {
            renderer: self,
            parser,
            written: &written,
            closed: false,
        };
        html::write_html_fmt(sink, feed).expect("a Sink never fails to write");
        html
    }

    /// Takes one parser event; `offset` is where it starts in the body.
    fn event(&mut self, event: Event<'a>, offset: usize) {
        if self.image.is_some() {
            self.image_event(event);
            return;
        }
        if self.code.is_some() {
            self.code_event(event, offset);
            return;
        }
        if self.figure.is_some() {
            if matches!(event, Event::End(TagEnd::Paragraph)) {
                self.para = Para::Outside;
                self.close_figure();
                return;
            }
            self.flush_figure();
        }
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(text),
            Event::Code(text) => self.code_span(text),
            Event::Html(html) => self.html_block_part(html, offset),
            Event::InlineHtml(html) => self.inline_html(html, offset),
            Event::FootnoteReference(label) => {
                self.open_paragraph();
                self.footnote_reference(&label)
            }
            Event::TaskListMarker(checked) => {
                self.open_paragraph();
                let checked = if checked { " checked=\"\"" } else { "" };
                self.trusted(format!(
                    "<input disabled=\"\" type=\"checkbox\"{checked}/>\n"
                ));
            }
            event @ (Event::SoftBreak | Event::HardBreak) => {
                self.in_word = false;
                if self.para != Para::Suspended {
                    self.open_paragraph();
                    self.emit(event);
                }
            }
            other => {
                self.open_paragraph();
                self.emit(other)
            }
        }
    }

    fn start(&mut self, tag: Tag<'a>, offset: usize) {
        if !is_inline(&tag) {
            self.in_word = false;
        }
        match &tag {
            Tag::Paragraph => {
                self.para = Para::Held;
                return;
            }
            // An image first in its paragraph may be a figure.
            Tag::Image { .. } if self.para == Para::Held => {}
            _ => self.open_paragraph(),
        }
        match tag {
            Tag::HtmlBlock => self.start_html_block(),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => self.start_heading(level, id, classes, attrs, offset),
            Tag::CodeBlock(kind) => self.start_code_block(kind, offset),
            Tag::Table(alignments) => self.start_table(alignments),
            Tag::TableHead => self.start_table_head(),
            Tag::TableRow => self.start_table_row(),
            Tag::TableCell => self.start_table_cell(),
            Tag::FootnoteDefinition(label) => self.start_footnote_definition(&label),
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => self.start_link(link_type, dest_url, title, id, offset),
            Tag::Image {
                dest_url, title, ..
            } => self.start_image(dest_url, title, offset),
            other => self.emit(Event::Start(other)),
        }
    }

    fn end(&mut self, end: TagEnd) {
        if !is_inline_end(end) {
            self.in_word = false;
        }
        match end {
            TagEnd::Paragraph => {
                if self.para == Para::Open {
                    self.emit(Event::End(end));
                }
                self.para = Para::Outside;
            }
            TagEnd::HtmlBlock => self.end_html_block(),
            TagEnd::Heading(_) => self.end_heading(end),
            TagEnd::Table => self.end_table(),
            TagEnd::TableHead => self.end_table_head(),
            TagEnd::TableRow => self.end_table_row(),
            TagEnd::TableCell => self.end_table_cell(),
            TagEnd::Link => self.end_link(),
            _ => self.emit(Event::End(end)),
        }
    }

    /// Prose: counted, and part of the open heading's title. Shortcode
    /// placeholders in it are replaced by their output.
    pub(super) fn text(&mut self, text: CowStr<'a>) {
        if !self.calls.is_empty() && text.contains(CALL_OPEN) {
            self.text_with_calls(&text);
            return;
        }
        self.open_paragraph();
        self.count_words(&text);
        self.heading_text(&text);
        self.emit(Event::Text(text));
    }

    fn text_with_calls(&mut self, text: &str) {
        for piece in vault::pieces(text) {
            match piece {
                Piece::Text(t) => {
                    if self.para == Para::Suspended && t.trim().is_empty() {
                        continue;
                    }
                    self.open_paragraph();
                    self.count_words(t);
                    self.heading_text(t);
                    self.emit(Event::Text(t.to_owned().into()));
                }
                Piece::Call(n) => {
                    let Some(output) = self.calls.get(n) else {
                        continue;
                    };
                    let (html, block) = (output.html.clone(), output.block);
                    if block {
                        match self.para {
                            Para::Open => {
                                self.emit(Event::End(TagEnd::Paragraph));
                                self.para = Para::Suspended;
                            }
                            Para::Held => self.para = Para::Suspended,
                            Para::Outside | Para::Suspended => {}
                        }
                    } else {
                        self.open_paragraph();
                    }
                    self.trusted(html);
                }
            }
        }
    }

    /// Inline code: part of the open heading's title, not counted as words.
    fn code_span(&mut self, text: CowStr<'a>) {
        self.open_paragraph();
        self.heading_text(&text);
        self.emit(Event::Code(text));
    }

    /// Counts words across consecutive text events, so that a word split by
    /// inline markup or smart punctuation (`don’t` arrives in three pieces)
    /// counts once.
    fn count_words(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
            return;
        };
        // A word starts at every non-space byte that follows a space. Written
        // without a loop-carried flag and summed in u8 lanes (chunks of at
        // most 255 pairs cannot overflow) so that it vectorises: the plain
        // loop was the most expensive part of rendering after parsing.
        let pairs = bytes.len() - 1;
        let starts: usize = bytes[..pairs]
            .chunks(255)
            .zip(bytes[1..].chunks(255))
            .map(|(before, after)| {
                let in_chunk: u8 = before
                    .iter()
                    .zip(after)
                    .map(|(&a, &b)| u8::from(is_space(a) & !is_space(b)))
                    .fold(0, u8::wrapping_add);
                usize::from(in_chunk)
            })
            .sum();
        self.out.word_count += starts + usize::from(!self.in_word && !is_space(first));
        self.in_word = !is_space(last);
    }

    /// Gives headings their ids, now that the whole page is known, and
    /// writes them into `html`, the output of [`Self::write`].
    ///
    /// Then, when the page had raw HTML under the `sanitize` policy, the
    /// whole page is sanitized, and what aula wrote itself is put back.
    pub(super) fn finish(mut self, html: String) -> Rendered {
        let ids = self.assign_heading_ids();
        self.out.anchors = self.anchors(&ids);
        self.out.toc = build_toc(&self.headings, &ids);
        self.lint_title();
        let mut html = insert_heading_ids(html, &self.headings, &ids);
        if self.sanitize_page {
            html = sanitize::clean(&html);
        }
        let kept = self.kept.take().unwrap_or_default();
        let calls: Vec<String> = std::mem::take(&mut self.calls)
            .into_iter()
            .map(|c| c.html)
            .collect();
        self.out.html = vault::restore(html, &kept, &calls);
        self.out
    }

    /// A code block, image or HTML block left open (cannot happen with a
    /// well-behaved parser) still gets rendered rather than lost.
    fn close_open(&mut self) {
        if self.code.is_some() {
            self.close_code();
        }
        if self.image.is_some() {
            self.close_image();
        }
        if self.figure.is_some() {
            self.flush_figure();
        }
        if let Some(block) = self.html_block.take() {
            self.raw_html(block.into(), RawPlace::Block);
        }
    }
}

/// The event source of pulldown-cmark's HTML writer: each parser event goes
/// through the renderer, and what it emits is handed out one event at a
/// time. The writer writes an event before asking for the next, so the
/// length of the HTML at that moment is where a heading's tag begins.
struct Feed<'r, 'a, 'o, I> {
    renderer: &'r mut Renderer<'a, 'o>,
    parser: I,
    written: &'r Cell<usize>,
    /// Whether what the page left open has been closed.
    closed: bool,
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Feed<'_, 'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.renderer.pending.pop_front() {
                if matches!(event, Event::Start(Tag::Heading { .. })) {
                    self.renderer.heading_written_at(self.written.get());
                }
                return Some(event);
            }
            match self.parser.next() {
                Some((event, range)) => self.renderer.event(event, range.start),
                None if !self.closed => {
                    self.closed = true;
                    self.renderer.close_open();
                }
                None => return None,
            }
        }
    }
}

/// Where the writer writes: the page's HTML, with its length kept where the
/// [`Feed`] can read it.
struct Sink<'s> {
    html: &'s mut String,
    written: &'s Cell<usize>,
}

impl fmt::Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.html.push_str(s);
        self.written.set(self.html.len());
        Ok(())
    }
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
    )
}

fn is_inline_end(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

/// Word separators for the word count: ASCII whitespace only, which is
/// enough for reading time and lets the count work on bytes.
fn is_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use pulldown_cmark::Parser;

    use super::super::{Options, cmark_options, quiz};
    use super::{Feed, Renderer};
    use crate::config::RawHtml;
    use crate::highlight::Highlighter;

    #[test]
    fn events_reach_the_writer_as_they_are_read() {
        // Regression (issue 13): every event of a page was held until its
        // end, ~90 bytes each, so a 19 MB table of 4 million cells took
        // gigabytes. Each parser event of a table gives one event to write,
        // so the writer must have had all but one of those read so far.
        let columns = 300;
        let mut body = format!("|{}\n", "c|".repeat(columns));
        body.push_str(&format!("|{}\n", ":-:|".repeat(columns)));
        for _ in 0..40 {
            body.push_str(&format!("|{}\n", " 7 |".repeat(columns)));
        }
        let highlighter = Highlighter::new();
        let resolve = |_: &str| unreachable!("no internal links here");
        let labels = quiz::Labels::default();
        let opts = Options {
            raw_html: RawHtml::Escape,
            ..Options::new(
                &highlighter,
                &resolve,
                quiz::Context {
                    key: "k",
                    labels: &labels,
                },
            )
        };
        let mut renderer = Renderer::new(&body, &opts, Vec::new());
        let read = Cell::new(0usize);
        let parser = Parser::new_ext(&body, cmark_options())
            .into_offset_iter()
            .inspect(|_| read.set(read.get() + 1));
        let written = Cell::new(0);
        let mut feed = Feed {
            renderer: &mut renderer,
            parser,
            written: &written,
            closed: false,
        };
        let mut handed = 0usize;
        for _ in &mut feed {
            handed += 1;
            assert!(
                read.get() <= handed + 1,
                "{} events read before the writer got its {handed}th",
                read.get()
            );
        }
        assert!(handed > 41 * columns * 3, "{handed}");
    }
}
