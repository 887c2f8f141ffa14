//! The printable course: for every course and language, one page with the
//! whole course (`<course>/print/index.html`, template `print.html`):
//! the course page's text, every module in order, self-check questions as
//! plain questions and the answer key at the end, for paper and "save as
//! PDF". Same `Book` as the EPUB.
//!
//! The modules' bodies are moved into one page, so their links are
//! rewritten: a link to a module of the course becomes a link inside the
//! page, ids get the module's prefix (`m2-…`) so they stay unique, and
//! any other relative link is made relative to `print/`. With `base_url`
//! set, each such link also carries its absolute address in `data-url`,
//! which the print stylesheet writes after the link on paper.
//! Guidelines need no page of their own: the theme's print stylesheet
//! already prints them whole (see `docs/offline.md`).

use super::Input;
use super::book::{self, Book, Chapter};
use super::html::{self, Edit};
use crate::diagnostic::Diagnostic;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize)]
struct ChapterView<'a> {
    anchor: String,
    number: usize,
    title: &'a str,
    objectives: &'a [String],
    duration: Option<u32>,
    text_lang: &'a str,
    html: String,
}

#[derive(Serialize)]
struct BookView<'a> {
    title: &'a str,
    summary: &'a str,
    /// The course page, relative to the printable page.
    course_url: String,
    /// The course page's absolute address, when `base_url` is set.
    address: String,
    has_code: bool,
    chapters: Vec<ChapterView<'a>>,
    answers: String,
}

/// The folder of a course page's printable page.
pub fn folder(course_dir: &str) -> String {
    format!("{course_dir}/print")
}

/// The printable page of one book: its path and bytes.
pub fn make(input: &Input, book: &Book) -> Result<(String, Vec<u8>), Diagnostic> {
    let dir = folder(&input.site.pages[book.course].dir);
    render(input, book, &dir).map(|html| (format!("{dir}/index.html"), html.into_bytes()))
}

fn anchor(ch: &Chapter) -> String {
    if ch.number == 0 {
        "intro".into()
    } else {
        format!("m{}", ch.number)
    }
}

fn render(input: &Input, book: &Book, dir: &str) -> Result<String, Diagnostic> {
    let site = input.site;
    let course = &site.pages[book.course];
    let words = book::Words::new(input, &book.lang);
    let base = site.config.base_url.as_deref();
    // Each chapter's page file, to its anchor.
    let anchors: HashMap<String, String> = book
        .chapters
        .iter()
        .map(|ch| {
            (
                format!("{}/index.html", site.pages[ch.page].dir),
                anchor(ch),
            )
        })
        .collect();
    let chapters = book
        .chapters
        .iter()
        .map(|ch| {
            let a = anchor(ch);
            let from = &site.pages[ch.page].dir;
            let body = html::rewrite_attrs(&ch.html, |tag, attr, v| {
                relink(tag, attr, v, from, dir, &a, &anchors, base)
            });
            let html = book::plain_questions(&body, ch, &words, &format!("{a}-"), &|n| {
                format!("#answer-{n}")
            });
            ChapterView {
                anchor: a,
                number: ch.number,
                title: &ch.title,
                objectives: &ch.objectives,
                duration: ch.duration,
                text_lang: &ch.text_lang,
                html,
            }
        })
        .collect();
    let answers = book::answer_key(book, &words, 2, &|ch, q| {
        format!("#{}-{}", anchor(ch), q.html_id)
    });
    let view = BookView {
        title: &course.front().title,
        summary: &course.front().summary,
        course_url: crate::site::relative(dir, &course.url),
        address: base.map_or(String::new(), |b| {
            format!("{b}{}", html::encode_path(&format!("{}/", course.dir)))
        }),
        has_code: book.chapters.iter().any(|c| input.bodies[c.page].has_code),
        chapters,
        answers,
    };
    let mut ctx = input.shared.lang_context(&book.lang, &root(dir));
    ctx.insert("book", &view);
    if let Some(c) = course.course {
        ctx.insert_value("course", input.shared.outline(c, &book.lang));
    }
    ctx.insert("page", course.front());
    input
        .renderer
        .render("print.html", &ctx, input.theme, Some(course.path()))
}

/// One attribute of a chapter's body, moved from the page at `from` into
/// the printable page at `dir`.
#[allow(clippy::too_many_arguments)]
fn relink(
    tag: &str,
    attr: &str,
    v: &str,
    from: &str,
    dir: &str,
    prefix: &str,
    anchors: &HashMap<String, String>,
    base: Option<&str>,
) -> Edit {
    match attr {
        "id" => return Edit::Set(format!("{prefix}-{v}")),
        "aria-labelledby" | "aria-describedby" | "for" | "headers" => {
            let ids: Vec<String> = v
                .split_whitespace()
                .map(|id| format!("{prefix}-{id}"))
                .collect();
            return Edit::Set(ids.join(" "));
        }
        a if !html::is_url_attr(a) => return Edit::Keep,
        _ => {}
    }
    if let Some(frag) = v.strip_prefix('#') {
        return if frag.is_empty() {
            Edit::Keep
        } else {
            Edit::Set(format!("#{prefix}-{frag}"))
        };
    }
    let Some(local) = html::resolve(from, v) else {
        return Edit::Keep;
    };
    if let Some(a) = anchors.get(&local.file()) {
        let frag = local.fragment.trim_start_matches('#');
        return Edit::Set(if frag.is_empty() {
            format!("#{a}")
        } else {
            format!("#{a}-{frag}")
        });
    }
    let url = format!(
        "{}{}",
        html::relative_file(&format!("{dir}/index.html"), &local.path),
        local.fragment
    );
    match base {
        Some(b) if tag == "a" => Edit::SetWith(
            url,
            "data-url",
            super::packages::absolute(b, &local.path, &local.fragment),
        ),
        _ => Edit::Set(url),
    }
}

/// The relative path from folder `dir` to the site root (`../../`).
pub fn root(dir: &str) -> String {
    "../".repeat(dir.split('/').filter(|s| !s.is_empty()).count())
}

/// For tests and tools: the printable page's URL relative to the site root.
pub fn url(site: &crate::site::Site, course_dir: &str) -> String {
    site.links.url(&folder(course_dir))
}
