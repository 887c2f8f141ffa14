//! The walk over pulldown-cmark's events that [`render`](super::render)
//! runs: each event goes to the concern that owns it (headings, links,
//! images, code, tables, footnotes, raw HTML), what they emit is written as
//! HTML by pulldown-cmark's writer, and the words of prose are counted on
//! the way.
//!
//! It must never decide what an element looks like or whether it is safe:
//! that belongs to the element's own file. And it must never panic, in
//! whatever order the events come.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd, html};

use super::code::OpenCode;
use super::headings::{AnchorSlot, OpenHeading, build_toc};
use super::images::OpenImage;
use super::locator::Locator;
use super::raw_html::RawPlace;
use super::tables::OpenTable;
use super::{Options, Rendered};

pub(super) struct Renderer<'a, 'o> {
    pub(super) opts: &'o Options<'o>,
    pub(super) locator: Locator<'a>,
    /// Everything to be written, in order; heading ids are patched into
    /// their `Start` events at the end.
    pub(super) events: Vec<Event<'a>>,
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
}

impl<'a, 'o> Renderer<'a, 'o> {
    pub(super) fn new(body: &'a str, opts: &'o Options<'o>) -> Self {
        Self {
            opts,
            locator: Locator::new(body, opts.first_line),
            events: Vec::with_capacity(body.len() / 16 + 16),
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
        }
    }

    /// Queues an event for the HTML writer.
    pub(super) fn emit(&mut self, event: Event<'a>) {
        self.events.push(event);
    }

    /// Takes one parser event; `offset` is where it starts in the body.
    pub(super) fn event(&mut self, event: Event<'a>, offset: usize) {
        if self.image.is_some() {
            self.image_event(event);
            return;
        }
        if self.code.is_some() {
            self.code_event(event);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(text),
            Event::Code(text) => self.code_span(text),
            Event::Html(html) => self.html_block_part(html),
            Event::InlineHtml(html) => self.raw_html(html, RawPlace::Inline),
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            event @ (Event::SoftBreak | Event::HardBreak) => {
                self.in_word = false;
                self.emit(event);
            }
            other => self.emit(other),
        }
    }

    fn start(&mut self, tag: Tag<'a>, offset: usize) {
        if !is_inline(&tag) {
            self.in_word = false;
        }
        match tag {
            Tag::HtmlBlock => self.start_html_block(),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => self.start_heading(level, id, classes, attrs, offset),
            Tag::CodeBlock(kind) => self.start_code_block(kind),
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

    /// Prose: counted, and part of the open heading's title.
    pub(super) fn text(&mut self, text: CowStr<'a>) {
        self.count_words(&text);
        self.heading_text(&text);
        self.emit(Event::Text(text));
    }

    /// Inline code: part of the open heading's title, not counted as words.
    fn code_span(&mut self, text: CowStr<'a>) {
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

    /// Closes what is still open, gives headings their ids and writes the
    /// HTML.
    pub(super) fn finish(mut self) -> Rendered {
        self.close_open();
        let ids = self.assign_heading_ids();
        self.out.anchors = self.anchors(&ids);
        self.out.toc = build_toc(&self.headings, &ids);
        let mut html = String::with_capacity(self.body_len * 3 / 2 + 64);
        html::push_html(&mut html, self.events.into_iter());
        self.out.html = html;
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
        if let Some(block) = self.html_block.take() {
            self.raw_html(block.into(), RawPlace::Block);
        }
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
