//! Markdown to HTML for one page body, with what is learned on the way
//! (table of contents, anchors, links, assets, problems). It must never
//! touch the disk, know the site beyond the caller's resolver, or panic,
//! whatever the input.
//!
//! [`render`] parses the body once with pulldown-cmark and, in the same pass
//! over the events, gives headings unique ids and collects the table of
//! contents, rewrites `@/` internal links through the caller's resolver,
//! collects local assets, highlights code blocks, wraps tables so they scroll
//! on narrow screens and makes images lazy. Everything else is left to
//! pulldown-cmark's HTML writer, which pulls the events as it writes: a
//! page's events are never all held at once, so a huge page costs its
//! source, the parser's tree of it and its HTML (issue 13).
//!
//! It is also where an author's text is kept from running script in a
//! learner's browser: raw HTML follows the site's [`RawHtml`] policy (shown
//! as text by default), link and image destinations with a `javascript:`,
//! `vbscript:` or non-image `data:` URL are rejected in every spelling a
//! browser accepts, and with the escape policy heading attributes are
//! limited to harmless ones (no `onclick`).
//!
//! Problems in the text (unknown internal links, assets outside the page's
//! folder) are returned as [`MarkdownError`]s with a line and column in the
//! real source file, so that the build can report them all together.
//!
//! Where this stage sits in the build is described in `ARCHITECTURE.md` at
//! the repository root. Inside, one file per concern: `renderer` walks the
//! events and hands each kind to `headings` (ids, table of contents),
//! `links` (internal links, hrefs, local assets), `images`, `code`
//! (and `quiz`, for fenced blocks whose language is `quiz`: self-check
//! questions), `tables`, `footnotes`, `raw_html` and `safety` (URL schemes,
//! heading attributes); `locator` turns byte offsets into lines and columns.

use pulldown_cmark::{Options as CmarkOptions, Parser};
use std::borrow::Cow;
use std::sync::Arc;

use crate::config::RawHtml;
use crate::diagnostic::Kind;
use crate::highlight::Highlighter;
use crate::spill::{Slot, Spill};

mod code;
mod figures;
mod footnotes;
mod headings;
mod images;
mod links;
mod lint;
mod locator;
pub mod quiz;
mod raw_html;
mod renderer;
mod safety;
mod sanitize;
pub mod shortcodes;
mod tables;
#[cfg(test)]
mod tests;
mod vault;

pub use figures::image_size;
use renderer::Renderer;
pub use safety::unsafe_markup;
pub use shortcodes::{Call as ShortcodeCall, Shortcodes};

/// Where an internal link points, as the resolver found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    /// Relative to the linking page, without `#anchor`.
    pub href: String,
    /// The caller's index of the target page.
    pub page: usize,
    /// Language of the target's text, when it differs from the linking
    /// page's (an untranslated page): written as `hreflang`.
    pub lang: Option<String>,
}

/// Why an internal link could not be resolved, worded for the author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    pub message: String,
    pub help: String,
}

/// Resolves the path part of an `@/` link (relative to `content/`).
pub type Resolver<'a> = &'a (dyn Fn(&str) -> Result<LinkTarget, LinkError> + Sync);

/// The sizes and resized files of a local image, by its path relative to
/// the page's folder (as in [`AssetRef::path`]); `None` for an image that
/// is not resized (GIF, SVG, remote, unreadable).
pub type ImageLookup<'a> = &'a (dyn Fn(&str) -> Option<crate::images::Responsive> + Sync);

/// What [`render`] needs from the rest of the build.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    pub highlighter: &'a Highlighter,
    /// Called with the path part of an internal link: for
    /// `@/courses/x/01-a.md#sec` it gets `"courses/x/01-a.md"`.
    pub resolve: Resolver<'a>,
    /// Line number (1-based) in the source file of the body's first line, so
    /// positions point into the real file.
    pub first_line: usize,
    /// What to do with raw HTML in the body (`[markdown] raw_html`).
    pub raw_html: RawHtml,
    /// The page's key and the UI strings of self-check questions.
    pub quiz: quiz::Context<'a>,
    /// The page's title, to notice a body that repeats it as `# Title`.
    pub title: &'a str,
    /// The page's language, for shortcodes.
    pub lang: &'a str,
    /// What the caller knows of a local file, by its path relative to the
    /// page's folder (as in [`AssetRef::path`]): image sizes for `<img>`,
    /// file sizes for shortcodes.
    pub media: Media<'a>,
    /// The shortcodes the theme and site provide, and how to render one.
    pub shortcodes: Shortcodes<'a>,
    /// Sizes of local images, read before Markdown (see `crate::images`).
    pub images: ImageLookup<'a>,
}

/// See [`Options::media`].
pub type Media<'a> = &'a (dyn Fn(&str) -> Option<FileInfo> + Sync);

/// An [`ImageLookup`] that knows no image.
pub fn no_images(_: &str) -> Option<crate::images::Responsive> {
    None
}

/// A [`Media`] that knows no file.
pub fn no_media(_: &str) -> Option<FileInfo> {
    None
}

/// What is known of a local file a page uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FileInfo {
    pub bytes: u64,
    /// Width and height in CSS pixels, for images whose header says so.
    pub size: Option<(u32, u32)>,
}

impl<'a> Options<'a> {
    /// Options for a page with no title, no known files and no shortcodes,
    /// under the default raw-HTML policy: for tests, benchmarks, fuzzing.
    pub fn new(
        highlighter: &'a Highlighter,
        resolve: Resolver<'a>,
        quiz: quiz::Context<'a>,
    ) -> Self {
        Options {
            highlighter,
            resolve,
            first_line: 1,
            raw_html: RawHtml::default(),
            quiz,
            title: "",
            lang: "en",
            media: &no_media,
            shortcodes: Shortcodes::NONE,
            images: &no_images,
        }
    }
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    /// Plain text of the heading (markup removed, not escaped).
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A resolved `@/` link, kept for the anchor check done by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    pub page: usize,
    pub anchor: Option<String>,
    pub line: usize,
    pub column: usize,
    /// The whole original destination, e.g. `"@/a.md#b"`.
    pub raw: String,
}

/// A relative reference to a local file that the caller copies next to the
/// page. `path` is relative to the page's folder, percent-decoded, without
/// `#fragment` or `?query`, and has no `.`, `..` or empty segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRef {
    pub path: String,
    pub line: usize,
    pub column: usize,
}

/// A problem in the Markdown text, positioned in the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownError {
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// Something in the text that builds but would silently look wrong, or
/// that sanitizing changed: a warning (an error under `--strict`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownWarning {
    pub kind: Kind,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// The rendered body and everything learned while rendering it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body's HTML; empty once [`Rendered::pack`]ed: read it with
    /// [`Rendered::html`] (the field is private to `markdown` so that no
    /// reader elsewhere can see an emptied body).
    html: String,
    /// The HTML compressed (LZ4, its length first), once packed: in
    /// memory, or set aside on disk.
    packed: Option<Packed>,
    /// h2 entries with nested h3 children; h1 and h4+ are left out, and an
    /// h3 before any h2 becomes top-level. Empty once packed: read it
    /// with [`Rendered::toc`].
    toc: Vec<TocEntry>,
    /// The table of contents as JSON, compressed like the HTML, once
    /// packed (none when it is empty).
    packed_toc: Option<Packed>,
    /// Every id defined in the page (headings of all levels, explicit and
    /// generated, and footnote definitions `fn-N`), in document order.
    pub anchors: Vec<String>,
    /// The ids the author set with `{#id}`, in document order: the ones
    /// that must stay identical across translations.
    pub explicit_ids: Vec<String>,
    /// Every resolved `@/` link.
    pub links: Vec<InternalLink>,
    /// Relative local references (images and links) that are not `@/`, not
    /// `#frag`, not absolute and have no URL scheme.
    pub assets: Vec<AssetRef>,
    pub errors: Vec<MarkdownError>,
    /// In source order within each concern; the build sorts them.
    pub warnings: Vec<MarkdownWarning>,
    /// At least one fenced or indented code block (quiz blocks are not code).
    pub has_code: bool,
    /// How many self-check questions (quiz blocks) the page has.
    pub quizzes: usize,
    /// Each self-check question as plain data, in page order: what answer
    /// keys (EPUB, print) are written from. Empty when a block had errors.
    pub quiz_items: Vec<quiz::QuizItem>,
    /// Words of prose (text, not code), for reading time.
    pub word_count: usize,
}

/// Renders one page body. Never panics; see [`Rendered`] for what it returns.
///
/// Shortcodes are found first, outside code, and each replaced by a
/// placeholder that keeps the line count (see [`shortcodes`]); the
/// placeholders are replaced by their HTML at the end, like the blocks aula
/// writes itself when raw HTML is sanitized (see `vault`).
pub fn render(body: &str, opts: &Options) -> Rendered {
    let body = vault::neutral(body);
    let expanded = shortcodes::expand(&body, opts);
    let text = expanded.text;
    let mut renderer = Renderer::new(&text, opts, expanded.outputs);
    let html = renderer.write(Parser::new_ext(&text, cmark_options()).into_offset_iter());
    let mut out = renderer.finish(html);
    out.merge(expanded.found);
    out
}

/// Bytes of a packed body (its HTML, its TOC), LZ4-compressed with
/// their length first: in memory, or set aside on disk.
#[derive(Debug, Clone)]
enum Packed {
    Held(Box<[u8]>),
    Spilled(Arc<Spill>, Slot),
}

impl Packed {
    /// `bytes` compressed, set aside in `spill` when there is one (kept
    /// in memory when the disk refuses them).
    fn new(bytes: &[u8], spill: Option<&Arc<Spill>>) -> Packed {
        let packed = lz4_flex::block::compress_prepend_size(bytes);
        let spilled = spill.and_then(|s| Some(Packed::Spilled(Arc::clone(s), s.put(&packed)?)));
        spilled.unwrap_or_else(|| Packed::Held(packed.into()))
    }

    /// The bytes packed; `None` when the disk does not give them back
    /// (the spill keeps the failure).
    fn unpack(&self) -> Option<Vec<u8>> {
        let packed = match self {
            Packed::Held(bytes) => Cow::Borrowed(&bytes[..]),
            Packed::Spilled(spill, slot) => Cow::Owned(spill.get(*slot)?),
        };
        Some(
            lz4_flex::block::decompress_size_prepended(&packed)
                .expect("aula packed this block itself"),
        )
    }
}

impl Rendered {
    /// The body's HTML, unpacked if it was packed. A body set aside on a
    /// disk that fails to give it back is empty: the spill keeps the
    /// failure, which fails the build ([`Spill::check`]).
    pub fn html(&self) -> Cow<'_, str> {
        match &self.packed {
            None => Cow::Borrowed(&self.html),
            Some(packed) => Cow::Owned(
                packed
                    .unpack()
                    .map(|b| String::from_utf8(b).expect("aula packed a String"))
                    .unwrap_or_default(),
            ),
        }
    }

    /// The table of contents, unpacked if it was packed (empty, like
    /// [`Rendered::html`], when the disk fails to give it back).
    pub fn toc(&self) -> Cow<'_, [TocEntry]> {
        match &self.packed_toc {
            None => Cow::Borrowed(&self.toc),
            Some(packed) => Cow::Owned(
                packed
                    .unpack()
                    .map(|b| serde_json::from_slice(&b).expect("aula packed a TOC"))
                    .unwrap_or_default(),
            ),
        }
    }

    /// A body that could not be read: no HTML, one error at its first
    /// line.
    pub fn unread(message: String, help: Option<String>) -> Rendered {
        Rendered {
            errors: vec![MarkdownError {
                line: 1,
                column: 1,
                message,
                help: help.unwrap_or_default(),
            }],
            ..Rendered::default()
        }
    }

    /// Compresses the HTML, for a build that holds every body until its
    /// pages and books are made (`aula build`): the benchmark corpus's
    /// bodies pack to 40 % (docs/performance.md). With `spill`, the
    /// packed bytes are set aside there, and memory keeps only where
    /// (in memory when the disk refuses them).
    pub fn pack(&mut self, spill: Option<&Arc<Spill>>) {
        if self.packed.is_none() && !self.html.is_empty() {
            let html = std::mem::take(&mut self.html);
            self.packed = Some(Packed::new(html.as_bytes(), spill));
        }
        if self.packed_toc.is_none() && !self.toc.is_empty() {
            let toc = std::mem::take(&mut self.toc);
            let json = serde_json::to_vec(&toc).expect("a TOC is plain data");
            self.packed_toc = Some(Packed::new(&json, spill));
        }
    }

    /// Drops what only the build's checks read (anchors, the author's
    /// ids, links, errors, warnings), once they are done, in a build that
    /// keeps nothing for a next one.
    pub fn slim(&mut self) {
        self.anchors = Vec::new();
        self.explicit_ids = Vec::new();
        self.links = Vec::new();
        self.errors = Vec::new();
        self.warnings = Vec::new();
    }

    /// Adds what rendering a shortcode's body (or finding calls) found.
    fn merge(&mut self, other: Rendered) {
        self.anchors.extend(other.anchors);
        self.explicit_ids.extend(other.explicit_ids);
        self.links.extend(other.links);
        self.assets.extend(other.assets);
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
        self.has_code |= other.has_code;
        self.quizzes += other.quizzes;
        self.word_count += other.word_count;
    }
}

fn cmark_options() -> CmarkOptions {
    CmarkOptions::ENABLE_TABLES
        | CmarkOptions::ENABLE_FOOTNOTES
        | CmarkOptions::ENABLE_STRIKETHROUGH
        | CmarkOptions::ENABLE_TASKLISTS
        | CmarkOptions::ENABLE_HEADING_ATTRIBUTES
        | CmarkOptions::ENABLE_SMART_PUNCTUATION
}
