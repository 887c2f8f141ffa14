//! Markdown to HTML for one page body.
//!
//! [`render`] parses the body once with pulldown-cmark and, in the same pass
//! over the events, gives headings unique ids and collects the table of
//! contents, rewrites `@/` internal links through the caller's resolver,
//! collects local assets, highlights code blocks, wraps tables so they scroll
//! on narrow screens and makes images lazy. Everything else is left to
//! pulldown-cmark's HTML writer.
//!
//! It is also where an author's text is kept from running script in a
//! learner's browser: raw HTML follows the site's [`RawHtml`] policy (shown
//! as text by default, see `raw_html()`), link and image destinations with a
//! `javascript:`, `vbscript:` or non-image `data:` URL are rejected in every
//! spelling a browser accepts, and with the escape policy heading attributes
//! are limited to harmless ones (no `onclick`).
//!
//! It is pure: it never reads or writes the disk and knows nothing about the
//! site beyond the resolver callback. It must never panic, whatever the input;
//! problems in the text (unknown internal links, assets outside the page's
//! folder) are returned as [`MarkdownError`]s with a line and column in the
//! real source file, so that the build can report them all together.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options as CmarkOptions,
    Parser, Tag, TagEnd, html,
};

use crate::config::RawHtml;
use crate::highlight::Highlighter;
use crate::slug::slugify;

mod safety;
use crate::highlight::push_escaped;
pub use safety::unsafe_markup;
use safety::{dangerous_scheme, is_safe_heading_attribute};

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
    /// At least one fenced or indented code block.
    pub has_code: bool,
    /// Words of prose (text, not code), for reading time.
    pub word_count: usize,
}

/// Renders one page body. Never panics; see [`Rendered`] for what it returns.
pub fn render(body: &str, opts: &Options) -> Rendered {
    let mut renderer = Renderer::new(body, opts);
    for (event, range) in Parser::new_ext(body, cmark_options()).into_offset_iter() {
        renderer.event(event, range.start);
    }
    renderer.finish()
}

fn cmark_options() -> CmarkOptions {
    CmarkOptions::ENABLE_TABLES
        | CmarkOptions::ENABLE_FOOTNOTES
        | CmarkOptions::ENABLE_STRIKETHROUGH
        | CmarkOptions::ENABLE_TASKLISTS
        | CmarkOptions::ENABLE_HEADING_ATTRIBUTES
        | CmarkOptions::ENABLE_SMART_PUNCTUATION
}

/// Raw HTML as pulldown-cmark found it: a whole HTML block (all its lines)
/// or one inline tag or comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawPlace {
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
        (RawHtml::Allow, RawPlace::Block) => vec![Event::Html(html)],
        (RawHtml::Allow, RawPlace::Inline) => vec![Event::InlineHtml(html)],
        (RawHtml::Escape, _) if is_only_comment(&html) => Vec::new(),
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

struct OpenHeading {
    /// Index of its `Start` event in `Renderer::events`, patched with the id.
    event: usize,
    offset: usize,
    level: u8,
    explicit_id: Option<String>,
    text: String,
}

struct OpenCode {
    lang: Option<String>,
    text: String,
}

struct OpenImage {
    /// Nesting depth of tags inside the image's alt text.
    depth: usize,
    /// `None` when the destination could not be resolved.
    src: Option<String>,
    title: String,
    alt: String,
}

enum AnchorSlot {
    /// Index into `Renderer::headings`; the id is known only at the end.
    Heading(usize),
    Fixed(String),
}

/// What to do with a link or image destination.
enum Dest {
    Keep,
    Rewrite(String),
    /// An internal link to a page in another language: `hreflang` added.
    RewriteLang(String, String),
    /// Unresolvable: render the text without the link.
    Drop,
}

struct Renderer<'a, 'o> {
    opts: &'o Options<'o>,
    locator: Locator<'a>,
    events: Vec<Event<'a>>,
    out: Rendered,
    heading: Option<OpenHeading>,
    headings: Vec<OpenHeading>,
    anchor_slots: Vec<AnchorSlot>,
    code: Option<OpenCode>,
    image: Option<OpenImage>,
    /// For each open link, whether its `<a>` was emitted.
    links_kept: Vec<bool>,
    /// Column alignments of the open table, the cell being written and
    /// whether it is in the header row.
    table: Option<(Vec<Alignment>, usize, bool)>,
    footnotes: HashMap<String, usize>,
    in_word: bool,
    /// The lines of the HTML block being read, decided on at its end.
    html_block: Option<String>,
}

impl<'a, 'o> Renderer<'a, 'o> {
    fn new(body: &'a str, opts: &'o Options<'o>) -> Self {
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
            in_word: false,
            html_block: None,
        }
    }

    fn event(&mut self, event: Event<'a>, offset: usize) {
        if self.image.is_some() {
            self.image_event(event);
            return;
        }
        if let Some(code) = &mut self.code {
            match event {
                Event::End(TagEnd::CodeBlock) => self.close_code(),
                Event::Text(text) => code.text.push_str(&text),
                // Nothing else occurs inside a code block.
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(text),
            Event::Code(text) => {
                if let Some(heading) = &mut self.heading {
                    heading.text.push_str(&text);
                }
                self.events.push(Event::Code(text));
            }
            Event::Html(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => self.raw_html(html, RawPlace::Block),
            },
            Event::InlineHtml(html) => self.raw_html(html, RawPlace::Inline),
            Event::FootnoteReference(label) => {
                let n = self.footnote_number(&label);
                let html =
                    format!("<sup class=\"footnote-reference\"><a href=\"#fn-{n}\">{n}</a></sup>");
                self.events.push(Event::InlineHtml(html.into()));
            }
            event @ (Event::SoftBreak | Event::HardBreak) => {
                self.in_word = false;
                self.events.push(event);
            }
            other => self.events.push(other),
        }
    }

    fn text(&mut self, text: CowStr<'a>) {
        self.count_words(&text);
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(&text);
        }
        self.events.push(Event::Text(text));
    }

    fn raw_html(&mut self, html: CowStr<'a>, place: RawPlace) {
        for event in raw_html(html, place, self.opts.raw_html) {
            match event {
                Event::Text(text) => self.text(text),
                other => self.events.push(other),
            }
        }
    }

    fn start(&mut self, tag: Tag<'a>, offset: usize) {
        if !is_inline(&tag) {
            self.in_word = false;
        }
        match tag {
            Tag::HtmlBlock => self.html_block = Some(String::new()),
            Tag::Heading {
                level,
                id,
                classes,
                mut attrs,
            } => {
                if self.opts.raw_html == RawHtml::Escape {
                    attrs = self.safe_heading_attributes(attrs, offset);
                }
                self.heading = Some(OpenHeading {
                    event: self.events.len(),
                    offset,
                    level: heading_level(level),
                    explicit_id: id.filter(|id| !id.is_empty()).map(CowStr::into_string),
                    text: String::new(),
                });
                self.events.push(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes,
                    attrs,
                }));
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .next()
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned),
                    CodeBlockKind::Indented => None,
                };
                self.out.has_code = true;
                self.code = Some(OpenCode {
                    lang,
                    text: String::new(),
                });
            }
            Tag::Table(alignments) => {
                // The wrapper scrolls sideways on narrow screens; focusable,
                // so keyboard users can scroll it too (WCAG 2.1.1).
                self.events.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\"><table>".into(),
                ));
                // Tables are written here rather than by pulldown-cmark,
                // whose column alignment is an inline `style`: a class
                // keeps pages valid under a strict Content-Security-Policy.
                self.table = Some((alignments, 0, false));
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.1 = 0;
                    t.2 = true;
                }
                self.events.push(Event::Html("<thead><tr>".into()));
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.1 = 0;
                    t.2 = false;
                }
                self.events.push(Event::Html("<tr>".into()));
            }
            Tag::TableCell => {
                let (cell, head) = match &self.table {
                    Some((aligns, n, head)) => (aligns.get(*n).copied(), *head),
                    None => (None, false),
                };
                let tag = if head { "th" } else { "td" };
                let html = match cell {
                    Some(Alignment::Left) => format!("<{tag} class=\"al-left\">"),
                    Some(Alignment::Center) => format!("<{tag} class=\"al-center\">"),
                    Some(Alignment::Right) => format!("<{tag} class=\"al-right\">"),
                    _ => format!("<{tag}>"),
                };
                self.events.push(Event::Html(html.into()));
            }
            Tag::FootnoteDefinition(label) => {
                let n = self.footnote_number(&label);
                self.anchor_slots.push(AnchorSlot::Fixed(format!("fn-{n}")));
                let html = format!(
                    "<div class=\"footnote-definition\" id=\"fn-{n}\">\
                     <sup class=\"footnote-definition-label\">{n}</sup>"
                );
                self.events.push(Event::Html(html.into()));
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => {
                // `<foo@bar.org>` and `<https://…>` carry no local path.
                let dest = if link_type == LinkType::Email {
                    Dest::Keep
                } else if self.rejects_scheme(&dest_url, offset, "link") {
                    Dest::Drop
                } else if link_type == LinkType::Autolink {
                    Dest::Keep
                } else {
                    self.destination(&dest_url, offset)
                };
                let dest_url = match dest {
                    Dest::Keep => dest_url,
                    Dest::Rewrite(href) => href.into(),
                    Dest::RewriteLang(href, lang) => {
                        // pulldown-cmark cannot add attributes: write the
                        // opening tag; its End event still closes it.
                        let mut tag = String::from("<a href=\"");
                        push_href(&mut tag, &href);
                        tag.push_str("\" hreflang=\"");
                        push_escaped(&mut tag, &lang);
                        tag.push('"');
                        if !title.is_empty() {
                            tag.push_str(" title=\"");
                            push_escaped(&mut tag, &title);
                            tag.push('"');
                        }
                        tag.push('>');
                        self.links_kept.push(true);
                        self.events.push(Event::InlineHtml(tag.into()));
                        return;
                    }
                    Dest::Drop => {
                        self.links_kept.push(false);
                        return;
                    }
                };
                self.links_kept.push(true);
                self.events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let dest = if self.rejects_scheme(&dest_url, offset, "image") {
                    Dest::Drop
                } else {
                    self.destination(&dest_url, offset)
                };
                let src = match dest {
                    Dest::Keep => Some(dest_url.into_string()),
                    Dest::Rewrite(href) | Dest::RewriteLang(href, _) => Some(href),
                    Dest::Drop => None,
                };
                self.image = Some(OpenImage {
                    depth: 0,
                    src,
                    title: title.into_string(),
                    alt: String::new(),
                });
            }
            other => self.events.push(Event::Start(other)),
        }
    }

    fn end(&mut self, end: TagEnd) {
        if !matches!(
            end,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Superscript
                | TagEnd::Subscript
        ) {
            self.in_word = false;
        }
        match end {
            TagEnd::HtmlBlock => {
                let block = self.html_block.take().unwrap_or_default();
                self.raw_html(block.into(), RawPlace::Block);
            }
            TagEnd::Heading(_) => {
                self.events.push(Event::End(end));
                if let Some(heading) = self.heading.take() {
                    self.anchor_slots
                        .push(AnchorSlot::Heading(self.headings.len()));
                    self.headings.push(heading);
                }
            }
            TagEnd::Table => {
                self.table = None;
                self.events
                    .push(Event::Html("</tbody></table>\n</div>\n".into()));
            }
            TagEnd::TableHead => {
                self.events
                    .push(Event::Html("</tr></thead><tbody>\n".into()));
            }
            TagEnd::TableRow => {
                self.events.push(Event::Html("</tr>\n".into()));
            }
            TagEnd::TableCell => {
                let head = self.table.as_ref().is_some_and(|t| t.2);
                if let Some(t) = &mut self.table {
                    t.1 += 1;
                }
                self.events
                    .push(Event::Html(if head { "</th>" } else { "</td>" }.into()));
            }
            TagEnd::Link => {
                if self.links_kept.pop().unwrap_or(true) {
                    self.events.push(Event::End(end));
                }
            }
            _ => self.events.push(Event::End(end)),
        }
    }

    /// Inside an image: collect the alt text, emit the `<img>` at its end.
    fn image_event(&mut self, event: Event<'a>) {
        let Some(image) = &mut self.image else {
            return;
        };
        match event {
            Event::Start(_) => image.depth += 1,
            Event::End(_) if image.depth > 0 => image.depth -= 1,
            Event::End(_) => self.close_image(),
            Event::Text(text) | Event::Code(text) => image.alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
            _ => {}
        }
    }

    fn close_image(&mut self) {
        let Some(image) = self.image.take() else {
            return;
        };
        let Some(src) = image.src else {
            // The error is already recorded; keep the words.
            self.events.push(Event::Text(image.alt.into()));
            return;
        };
        let mut html = String::with_capacity(src.len() + image.alt.len() + 48);
        html.push_str("<img src=\"");
        push_href(&mut html, &src);
        html.push_str("\" alt=\"");
        push_escaped(&mut html, &image.alt);
        if !image.title.is_empty() {
            html.push_str("\" title=\"");
            push_escaped(&mut html, &image.title);
        }
        html.push_str("\" loading=\"lazy\" />");
        self.events.push(Event::InlineHtml(html.into()));
    }

    fn close_code(&mut self) {
        if let Some(code) = self.code.take() {
            let html = self
                .opts
                .highlighter
                .highlight(&code.text, code.lang.as_deref());
            self.events.push(Event::Html(html.into()));
        }
    }

    /// Records an error and returns `true` when `dest` would run script
    /// (see [`dangerous_scheme`]).
    fn rejects_scheme(&mut self, dest: &str, offset: usize, what: &str) -> bool {
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
    fn safe_heading_attributes(
        &mut self,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        offset: usize,
    ) -> Vec<(CowStr<'a>, Option<CowStr<'a>>)> {
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

    /// Resolves `@/` links and records local assets for a destination found
    /// at `offset`.
    fn destination(&mut self, dest: &str, offset: usize) -> Dest {
        if let Some(rest) = dest.strip_prefix("@/") {
            return self.internal_link(dest, rest, offset);
        }
        let Some(path) = local_asset_path(dest) else {
            return Dest::Keep;
        };
        let (line, column) = self.locator.position(offset);
        match check_asset_path(&path) {
            Ok(()) => {
                // `./a.png` and `a//b.png` name the same files as `a.png` and
                // `a/b.png`; the caller joins the path to the page's folder.
                let path = path
                    .split('/')
                    .filter(|segment| !segment.is_empty() && *segment != ".")
                    .collect::<Vec<_>>()
                    .join("/");
                if !path.is_empty() {
                    self.out.assets.push(AssetRef { path, line, column });
                }
            }
            Err((message, help)) => self.out.errors.push(MarkdownError {
                line,
                column,
                message,
                help,
            }),
        }
        Dest::Keep
    }

    fn internal_link(&mut self, dest: &str, rest: &str, offset: usize) -> Dest {
        let (path, anchor) = match rest.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor).filter(|a| !a.is_empty())),
            None => (rest, None),
        };
        let (line, column) = self.locator.position(offset);
        if path.is_empty() {
            let here = anchor.map_or_else(|| "#anchor".to_owned(), |a| format!("#{a}"));
            self.out.errors.push(MarkdownError {
                line,
                column,
                message: format!("internal link `{dest}` names no page"),
                help: format!(
                    "write `@/path/from/content.md{here}`, or just `{here}` for a place on this page"
                ),
            });
            return Dest::Drop;
        }
        match (self.opts.resolve)(path) {
            Ok(target) => {
                let mut href = target.href;
                if let Some(anchor) = anchor {
                    href.push('#');
                    href.push_str(anchor);
                }
                self.out.links.push(InternalLink {
                    page: target.page,
                    anchor: anchor.map(str::to_owned),
                    line,
                    column,
                    raw: dest.to_owned(),
                });
                match target.lang {
                    Some(lang) => Dest::RewriteLang(href, lang),
                    None => Dest::Rewrite(href),
                }
            }
            Err(error) => {
                self.out.errors.push(MarkdownError {
                    line,
                    column,
                    message: error.message,
                    help: error.help,
                });
                Dest::Drop
            }
        }
    }

    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(label.to_owned()).or_insert(next)
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

    fn finish(mut self) -> Rendered {
        // A code block or image left open (cannot happen with a well-behaved
        // parser) still gets rendered rather than lost.
        if self.code.is_some() {
            self.close_code();
        }
        if self.image.is_some() {
            self.close_image();
        }
        if let Some(block) = self.html_block.take() {
            self.raw_html(block.into(), RawPlace::Block);
        }
        let ids = self.assign_heading_ids();
        self.out.anchors = self
            .anchor_slots
            .iter()
            .map(|slot| match slot {
                AnchorSlot::Heading(i) => ids.get(*i).cloned().unwrap_or_default(),
                AnchorSlot::Fixed(id) => id.clone(),
            })
            .collect();
        self.out.toc = build_toc(&self.headings, &ids);
        let mut html = String::with_capacity(self.locator.text.len() * 3 / 2 + 64);
        html::push_html(&mut html, self.events.into_iter());
        self.out.html = html;
        self.out
    }

    /// Gives every heading its id and patches it into the heading's `Start`
    /// event. Explicit ids and footnote ids are reserved first, so a
    /// generated id never takes a name the author chose later in the page.
    fn assign_heading_ids(&mut self) -> Vec<String> {
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
        let mut ids = Vec::with_capacity(self.headings.len());
        for heading in &self.headings {
            let id = match &heading.explicit_id {
                Some(id) => id.clone(),
                None => unique_id(&heading.text, &mut used),
            };
            if let Some(Event::Start(Tag::Heading { id: slot, .. })) =
                self.events.get_mut(heading.event)
            {
                *slot = Some(id.clone().into());
            }
            ids.push(id);
        }
        ids
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

/// Word separators for the word count: ASCII whitespace only, which is
/// enough for reading time and lets the count work on bytes.
fn is_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
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

fn build_toc(headings: &[OpenHeading], ids: &[String]) -> Vec<TocEntry> {
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

/// The local file a destination points to, if it is one: not a fragment,
/// not absolute, no URL scheme. Fragment and query are cut off and
/// percent-escapes decoded, since the file on disk has the decoded name.
fn local_asset_path(dest: &str) -> Option<String> {
    let end = dest.find(['#', '?']).unwrap_or(dest.len());
    let path = &dest[..end];
    if path.is_empty() || path.starts_with('/') || has_scheme(path) {
        return None;
    }
    Some(percent_decode(path))
}

/// `scheme:` as in RFC 3986, at least two characters long so that a Windows
/// drive (`C:\…`) is treated as a (bad) path rather than a URL.
fn has_scheme(path: &str) -> bool {
    let Some(colon) = path.find(':') else {
        return false;
    };
    let scheme = &path[..colon];
    let mut chars = scheme.chars();
    scheme.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn percent_decode(path: &str) -> String {
    if !path.contains('%') {
        return path.to_owned();
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(b'%'), Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_owned())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Rejects asset paths that could reach outside the page's folder, and
/// relative links to Markdown sources (which would be copied, not rendered).
fn check_asset_path(path: &str) -> Result<(), (String, String)> {
    const WHERE: &str = "assets must sit in the page's folder or below it";
    if path.contains('\\') {
        return Err((
            format!("asset path `{path}` contains a backslash"),
            format!("use `/` between folder names; {WHERE}"),
        ));
    }
    if path.contains('\0') {
        return Err((
            "asset path contains a NUL character".to_owned(),
            format!("remove it; {WHERE}"),
        ));
    }
    if path.split('/').any(|segment| segment == "..") {
        return Err((
            format!("asset path `{path}` goes up with `..`"),
            format!("{WHERE}: move the file next to the page or into a subfolder"),
        ));
    }
    let is_markdown = path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"));
    if is_markdown {
        return Err((
            format!("relative link to the Markdown file `{path}`"),
            "link to pages as `@/path/from/content.md`, so the link follows the page's \
             language and is checked"
                .to_owned(),
        ));
    }
    Ok(())
}

/// Writes a URL into a double-quoted attribute the way pulldown-cmark writes
/// link hrefs: bytes outside the URL-safe set are percent-encoded (existing
/// escapes are kept), `&` and `'` become entities.
///
/// Works byte by byte and never slices `url`: every byte of a multi-byte
/// character is encoded on its own (`ó` is `%C3%B3`), and slicing at those
/// bytes would split the character.
fn push_href(out: &mut String, url: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in url.bytes() {
        let safe = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'?'
                    | b'@'
                    | b'_'
                    | b'~'
            );
        match b {
            _ if safe => out.push(char::from(b)),
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#x27;"),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
}

/// Turns byte offsets into 1-based line and character column in the source
/// file. The line table is built on first use, since many pages need none.
struct Locator<'a> {
    text: &'a str,
    first_line: usize,
    line_starts: Vec<usize>,
    /// The last answer (line index, offset, column), so that many positions
    /// on one long line are counted incrementally rather than from its start.
    last: Option<(usize, usize, usize)>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        Self {
            text,
            first_line,
            line_starts: Vec::new(),
            last: None,
        }
    }

    fn position(&mut self, offset: usize) -> (usize, usize) {
        if self.line_starts.is_empty() {
            self.line_starts.push(0);
            // `match_indices` with a char searches with memchr.
            self.line_starts
                .extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
        }
        let offset = offset.min(self.text.len());
        let index = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(index).copied().unwrap_or(0);
        let (from, base) = match self.last {
            Some((last_index, last_offset, last_column))
                if last_index == index && last_offset <= offset =>
            {
                (last_offset, last_column)
            }
            _ => (line_start, 1),
        };
        let column = base
            + self
                .text
                .get(from..offset)
                .map_or(offset - from, |s| s.chars().count());
        self.last = Some((index, offset, column));
        let line = self
            .first_line
            .saturating_sub(1)
            .saturating_add(index)
            .saturating_add(1);
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(path: &str) -> Result<LinkTarget, LinkError> {
        match path {
            "courses/x/01-a.md" => Ok(LinkTarget {
                href: "../01-a/".to_owned(),
                page: 7,
                lang: None,
            }),
            "guidelines/access.md" => Ok(LinkTarget {
                href: "../../guidelines/access/".to_owned(),
                page: 3,
                lang: None,
            }),
            "untranslated.md" => Ok(LinkTarget {
                href: "../../../es/x/".to_owned(),
                page: 4,
                lang: Some("es".to_owned()),
            }),
            _ => Err(LinkError {
                message: format!("no page `{path}`"),
                help: "check the path under content/".to_owned(),
            }),
        }
    }

    fn render_with(body: &str, first_line: usize) -> Rendered {
        let highlighter = Highlighter::new();
        let opts = Options {
            highlighter: &highlighter,
            resolve: &resolve,
            first_line,
            raw_html: crate::config::RawHtml::Allow,
        };
        render(body, &opts)
    }

    fn md(body: &str) -> Rendered {
        render_with(body, 1)
    }

    /// Renders with the default raw-HTML policy, `escape`.
    fn safe(body: &str) -> Rendered {
        let highlighter = Highlighter::new();
        let opts = Options {
            highlighter: &highlighter,
            resolve: &resolve,
            first_line: 1,
            raw_html: RawHtml::default(),
        };
        render(body, &opts)
    }

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
    fn table_alignment_is_a_class_not_an_inline_style() {
        let r = md("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n");
        assert!(!r.html.contains("style="), "{}", r.html);
        assert!(r.html.contains("<th class=\"al-left\">a</th><th class=\"al-center\">b</th><th class=\"al-right\">c</th><th>d</th>"), "{}", r.html);
        assert!(
            r.html
                .contains("<td class=\"al-right\">3</td><td>4</td></tr>"),
            "{}",
            r.html
        );
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

    #[test]
    fn link_to_a_page_in_another_language_carries_hreflang() {
        let r = md("See [the page](@/untranslated.md#part \"Its title\").\n");
        assert!(
            r.html.contains(
                "<a href=\"../../../es/x/#part\" hreflang=\"es\" title=\"Its title\">the page</a>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn internal_link_is_rewritten_with_anchor() {
        let r = md(
            "See [the module](@/courses/x/01-a.md#sec \"Title\") and [g](@/guidelines/access.md).\n",
        );
        assert!(
            r.html
                .contains("<a href=\"../01-a/#sec\" title=\"Title\">the module</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a href=\"../../guidelines/access/\">g</a>"),
            "{}",
            r.html
        );
        assert_eq!(
            r.links[0],
            InternalLink {
                page: 7,
                anchor: Some("sec".to_owned()),
                line: 1,
                column: 5,
                raw: "@/courses/x/01-a.md#sec".to_owned(),
            }
        );
        assert_eq!(r.links[1].anchor, None);
        assert!(r.errors.is_empty());
        assert!(r.assets.is_empty());
    }

    #[test]
    fn unresolved_link_reports_line_and_column() {
        let r = render_with("First line.\n\nSé [gone](@/missing.md#x) now.\n", 5);
        assert_eq!(
            r.errors,
            [MarkdownError {
                line: 7,
                column: 4,
                message: "no page `missing.md`".to_owned(),
                help: "check the path under content/".to_owned(),
            }]
        );
        assert!(r.links.is_empty());
        assert!(!r.html.contains("<a"), "{}", r.html);
        assert!(r.html.contains("Sé gone now."), "{}", r.html);
    }

    #[test]
    fn empty_internal_paths_are_errors_without_calling_the_resolver() {
        let r = md("[a](@/) and [b](@/#x)\n");
        assert_eq!(r.errors.len(), 2);
        assert!(r.errors[1].help.contains("`#x`"), "{:?}", r.errors[1]);
    }

    #[test]
    fn assets_are_collected_and_dotdot_rejected() {
        let body = "![A photo](img/photo.png)\n\
                    [slides](files/my%20slides.pdf#page=2) [ext](https://x.org/a.png)\n\
                    [m](mailto:a@b.org) [abs](/x.png) [frag](#top) [d](data:image/png;base64,AA)\n\
                    ![up](../secret.png) [win](dir\\file.png) [q](./notes.txt?v=1) <me@x.org>\n";
        let r = md(body);
        let assets: Vec<(&str, usize, usize)> = r
            .assets
            .iter()
            .map(|a| (a.path.as_str(), a.line, a.column))
            .collect();
        assert_eq!(
            assets,
            [
                ("img/photo.png", 1, 1),
                ("files/my slides.pdf", 2, 1),
                ("notes.txt", 4, 42)
            ]
        );
        let errors: Vec<(usize, usize)> = r.errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(errors, [(4, 1), (4, 22)]);
        assert!(r.errors[0].message.contains("../secret.png"));
        assert!(
            r.errors[0]
                .help
                .contains("assets must sit in the page's folder or below it")
        );
        assert!(r.errors[1].message.contains("backslash"));
    }

    #[test]
    fn asset_paths_are_normalised() {
        let r = md("![a](./img//a.png) [b](sub/./b.pdf) [c](./) [d](.)\n");
        let paths: Vec<&str> = r.assets.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["img/a.png", "sub/b.pdf"]);
        assert!(r.html.contains("src=\"./img//a.png\""), "{}", r.html);
    }

    #[test]
    fn encoded_dotdot_is_rejected_too() {
        let r = md("![x](a/%2e%2e/%2E%2E/b.png)\n");
        assert!(r.assets.is_empty());
        assert_eq!(r.errors.len(), 1);
    }

    #[test]
    fn relative_markdown_link_is_an_error() {
        let r = md("[next](02-next.md)\n");
        assert!(r.assets.is_empty());
        assert!(r.errors[0].help.contains("@/"), "{:?}", r.errors);
    }

    #[test]
    fn images_are_lazy_with_escaped_alt() {
        let r = md("![A \"quoted\" <b>*alt*</b>](<pics/a b.png> \"T&C\")\n");
        assert!(
            r.html.contains(
                "<img src=\"pics/a%20b.png\" alt=\"A “quoted” alt\" title=\"T&amp;C\" loading=\"lazy\" />"
            ),
            "{}",
            r.html
        );
        assert_eq!(r.assets[0].path, "pics/a b.png");
    }

    #[test]
    fn image_with_non_ascii_file_name_does_not_panic() {
        // Found by the markdown fuzz target: encoding the first byte of `ó`
        // and then slicing the URL at its second byte panicked.
        let r = md("![Un niño](niño.png) ![x](</a/ó b.png>)\n");
        assert!(
            r.html
                .contains("<img src=\"ni%C3%B1o.png\" alt=\"Un niño\" loading=\"lazy\" />"),
            "{}",
            r.html
        );
        assert!(r.html.contains("src=\"/a/%C3%B3%20b.png\""), "{}", r.html);
        let paths: Vec<&str> = r.assets.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["niño.png"]);
    }

    #[test]
    fn code_blocks_are_highlighted_with_classes() {
        let r =
            md("```python\ndef f():\n    return 1\n```\n\n```toml\n[site]\ntitle = \"x\"\n```\n");
        assert!(r.has_code);
        let python = r.html.find("data-lang=\"python\"").expect("python block");
        let toml = r.html.find("data-lang=\"toml\"").expect("toml block");
        assert!(
            r.html[python..toml].contains("<span class=\"lc"),
            "{}",
            r.html
        );
        assert!(r.html[toml..].contains("<span class=\"l"), "{}", r.html);
        assert!(!r.html.contains("style="), "{}", r.html);
    }

    #[test]
    fn unknown_language_is_escaped_text() {
        let r = md("```klingon extra words\nif a < b { qapla }\n```\n");
        assert!(
            r.html.contains(
                "<pre class=\"code\" tabindex=\"0\" data-lang=\"klingon\"><code>if a &lt; b { qapla }\n</code></pre>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn indented_code_has_no_language() {
        let r = md("Text\n\n    <tag>\n");
        assert!(r.has_code);
        assert!(
            r.html
                .contains("<pre class=\"code\" tabindex=\"0\"><code>&lt;tag&gt;\n</code></pre>"),
            "{}",
            r.html
        );
        assert!(!md("no code").has_code);
    }

    #[test]
    fn tables_are_wrapped() {
        let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            r.html
                .starts_with("<div class=\"table-wrap\" tabindex=\"0\"><table>"),
            "{}",
            r.html
        );
        assert!(
            r.html.trim_end().ends_with("</table>\n</div>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn smart_punctuation() {
        let r = md("\"Hola\" -- it's... ok\n");
        assert_eq!(r.html, "<p>“Hola” – it’s… ok</p>\n");
    }

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

    #[test]
    fn task_lists() {
        let r = md("- [x] done\n- [ ] todo\n");
        assert!(
            r.html
                .contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<input disabled=\"\" type=\"checkbox\"/>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn strikethrough() {
        assert_eq!(md("~~old~~").html, "<p><del>old</del></p>\n");
    }

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
    fn escape_is_the_default_policy() {
        assert_eq!(RawHtml::default(), RawHtml::Escape);
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

    #[test]
    fn word_count_skips_code_and_joins_smart_quotes() {
        let r = md(
            "# Title here\n\nOne *two* thr**ee** don't.\n\n```\nnot counted at all\n```\n\n- four `code`\n",
        );
        // Title here (2) + One two three don't (4) + four (1)
        assert_eq!(r.word_count, 7);
    }

    #[test]
    fn first_line_zero_does_not_underflow() {
        let r = render_with("[x](@/nope.md)", 0);
        assert_eq!((r.errors[0].line, r.errors[0].column), (1, 1));
    }

    #[test]
    fn columns_count_characters_on_long_lines() {
        let line = "é".repeat(50);
        let body = format!("{line} [a](@/x.md) {line} [b](@/y.md) [c](@/z.md)\n");
        let r = md(&body);
        let columns: Vec<usize> = r.errors.iter().map(|e| e.column).collect();
        assert_eq!(columns, [52, 115, 127]);
    }

    #[test]
    fn never_panics_on_hostile_input() {
        let huge = "word ".repeat(200_000);
        let cases = [
            String::new(),
            "```".to_owned(),
            "```python\nunclosed fence\n".to_owned(),
            ">".repeat(200) + " deep",
            (0..200)
                .map(|i| format!("{}- item\n", "  ".repeat(i)))
                .collect(),
            (0..200)
                .map(|i| format!("{}1. item\n", "   ".repeat(i)))
                .collect(),
            "## !!!\n".to_owned(),
            "#\n##\n### #\n".to_owned(),
            huge,
            "[a](@/) [b](@/#x) ![c](@/) [d](@) [e](@/#)".to_owned(),
            "nul \0 in \0 text [x](\0) ![y](a\0b.png) ## \0\n# \0 {#\0}\n".to_owned(),
            "[^1]\n\n[^1]: [^1]\n".to_owned(),
            "![![![nested](a.png)](b.png)](c.png)".to_owned(),
            "| a |\n|---|\n| ![x](../y.png) |\n".to_owned(),
            "\r\n\r\n[x](../a)\r\n".to_owned(),
            "<div>\n<!-- unclosed\n".to_owned(),
            "- [ ] ```\n".to_owned(),
            "\u{feff}# BOM {#}\n".to_owned(),
        ];
        for body in &cases {
            for first_line in [0, 1, usize::MAX] {
                let r = render_with(body, first_line);
                assert!(r.word_count <= body.len());
            }
        }
    }

    #[test]
    fn snapshot_representative_document() {
        let body = r#"# Primeros pasos

Bienvenida a la **docencia híbrida**. Lee la [guía](@/guidelines/access.md#intro) antes de empezar.[^1]

## Objetivos {#goals}

1. Planificar una sesión
2. Elegir herramientas
   - vídeo
   - foro

## Herramientas

| Herramienta | Uso | Coste |
|:------------|:---:|------:|
| Foro        | debate | 0 € |
| Vídeo       | clase  | 5 € |

### Un ejemplo en Python

```python
def saludo(nombre: str) -> str:
    return f"Hola, {nombre} <3"
```

![Aula con pizarra](img/aula.jpg "Una aula")

Siguiente: [módulo 1](@/courses/x/01-a.md).

[^1]: Basado en la experiencia de 2024.
"#;
        let r = render_with(body, 4);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        insta::assert_snapshot!(r.html);
    }
}
