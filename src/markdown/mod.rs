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

use crate::config::RawHtml;
use crate::highlight::Highlighter;

mod code;
mod footnotes;
mod headings;
mod images;
mod links;
mod locator;
pub mod quiz;
mod raw_html;
mod renderer;
mod safety;
mod tables;
#[cfg(test)]
mod tests;

use renderer::Renderer;
pub use safety::unsafe_markup;

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
}

/// One entry of a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

/// The rendered body and everything learned while rendering it.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// h2 entries with nested h3 children; h1 and h4+ are left out, and an
    /// h3 before any h2 becomes top-level.
    pub toc: Vec<TocEntry>,
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
    /// At least one fenced or indented code block (quiz blocks are not code).
    pub has_code: bool,
    /// How many self-check questions (quiz blocks) the page has.
    pub quizzes: usize,
    /// Words of prose (text, not code), for reading time.
    pub word_count: usize,
}

/// Renders one page body. Never panics; see [`Rendered`] for what it returns.
pub fn render(body: &str, opts: &Options) -> Rendered {
    let mut renderer = Renderer::new(body, opts);
    let html = renderer.write(Parser::new_ext(body, cmark_options()).into_offset_iter());
    renderer.finish(html)
}

fn cmark_options() -> CmarkOptions {
    CmarkOptions::ENABLE_TABLES
        | CmarkOptions::ENABLE_FOOTNOTES
        | CmarkOptions::ENABLE_STRIKETHROUGH
        | CmarkOptions::ENABLE_TASKLISTS
        | CmarkOptions::ENABLE_HEADING_ATTRIBUTES
        | CmarkOptions::ENABLE_SMART_PUNCTUATION
}
