//! A course as a book, shared by the EPUB ([`super::epub`]) and the
//! printable course ([`super::print`]): the course page and its modules
//! in order, each body with its self-check questions written as plain
//! questions (no form, no script), and the answer key that goes at the
//! end. Made from the rendered Markdown and the quiz data
//! ([`crate::markdown::quiz::QuizItem`]); never reads files, never
//! decides where the book's files go (the callers' links say that).

use super::Input;
use crate::markdown::quiz::QuizItem;
use crate::site::Site;
use crate::text::{html_escaped, push_html_escaped};
use fluent_bundle::FluentArgs;
use rayon::prelude::*;

/// One part of the book: the course page's own text, then each module.
pub struct Chapter<'a> {
    /// Page index.
    pub page: usize,
    /// 0 for the course page, then the module's place in the outline.
    pub number: usize,
    pub title: String,
    /// The body as rendered for the page (links relative to its folder),
    /// borrowed from the build's rendered Markdown (unpacked when packed).
    pub html: std::borrow::Cow<'a, str>,
    pub objectives: Vec<String>,
    pub duration: Option<u32>,
    /// The language of the text when it is not the book's (a missing
    /// translation shown from another language), else "".
    pub text_lang: String,
    /// Each question of the chapter, numbered across the book.
    pub questions: Vec<(usize, QuizItem)>,
}

/// A course in one language, as a book.
pub struct Book<'a> {
    /// The course page's index.
    pub course: usize,
    pub lang: String,
    pub chapters: Vec<Chapter<'a>>,
}

impl<'a> Book<'a> {
    /// The book of course `c` in `lang`, if the course has a page there.
    pub fn new(input: &Input<'a>, c: usize, lang: &str) -> Option<Book<'a>> {
        let site = input.site;
        let bodies = input.bodies;
        let course = site.page(&site.courses[c].key, lang)?;
        let modules = site.courses[c]
            .modules
            .get(lang)
            .cloned()
            .unwrap_or_default();
        let mut chapters = Vec::with_capacity(modules.len() + 1);
        let mut asked = 0;
        for (number, page) in std::iter::once(course).chain(modules).enumerate() {
            let p = &site.pages[page];
            let body = &bodies[page];
            let questions = body
                .quiz_items
                .iter()
                .map(|q| {
                    asked += 1;
                    (asked, q.clone())
                })
                .collect();
            chapters.push(Chapter {
                page,
                number,
                title: p.front().title.clone(),
                html: body.html(),
                objectives: p.front().objectives().to_vec(),
                duration: p.front().duration(),
                text_lang: if p.is_fallback() {
                    p.text_lang.clone()
                } else {
                    String::new()
                },
                questions,
            });
        }
        Some(Book {
            course,
            lang: lang.to_string(),
            chapters,
        })
    }

    /// Every question of the book, in order.
    pub fn questions(&self) -> impl Iterator<Item = (&Chapter<'a>, usize, &QuizItem)> {
        self.chapters
            .iter()
            .flat_map(|c| c.questions.iter().map(move |(n, q)| (c, *n, q)))
    }

    /// The latest `updated` date (`YYYY-MM-DD`) of the course and its
    /// modules: the book's date, taken from the content, never the clock.
    pub fn updated(&self, site: &Site) -> Option<String> {
        self.chapters
            .iter()
            .filter_map(|c| site.pages[c.page].front().updated.as_ref())
            .map(|d| d.0.trim())
            .filter(|d| {
                d.len() >= 10
                    && d.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                        if i == 4 || i == 7 {
                            *b == b'-'
                        } else {
                            b.is_ascii_digit()
                        }
                    })
            })
            .map(|d| d[..10].to_string())
            .max()
    }
}

/// `make` applied to every course's book in every language it has a page
/// in, in parallel: each book is made once for the printable page and the
/// EPUB and dropped as soon as `make` is done with it, so the books of all
/// courses are never in memory at once.
pub fn each<T: Send>(input: &Input, make: impl Fn(&Book) -> T + Sync) -> Vec<T> {
    let site = input.site;
    let jobs: Vec<(usize, &str)> = (0..site.courses.len())
        .flat_map(|c| {
            site.config
                .languages
                .iter()
                .map(move |l| (c, l.code.as_str()))
        })
        .collect();
    jobs.par_iter()
        .filter_map(|&(c, lang)| Book::new(input, c, lang).map(|b| make(&b)))
        .collect()
}

/// The words of answer keys and plain questions in one language.
pub struct Words {
    pub self_check: String,
    pub right: String,
    pub wrong: String,
    pub answer_key: String,
    pub see_answer: String,
    pub back: String,
}

impl Words {
    pub fn new(input: &Input, lang: &str) -> Words {
        let t = |key: &str| {
            input
                .i18n
                .translate(lang, key, None::<&FluentArgs>)
                .unwrap_or_else(|_| key.to_string())
        };
        Words {
            self_check: t("quiz-label"),
            right: t("quiz-right-option"),
            wrong: t("quiz-wrong-option"),
            answer_key: t("book-answer-key"),
            see_answer: t("book-see-answer"),
            back: t("book-back-to-question"),
        }
    }
}

/// `html` with each self-check question of `chapter` replaced by a plain
/// question: its number, text, hint and options, and a link to its answer
/// (`answer_href(number)`). `id_prefix` goes before the question's id.
/// A question whose markup is not found is left as it is.
pub fn plain_questions(
    html: &str,
    chapter: &Chapter,
    words: &Words,
    id_prefix: &str,
    answer_href: &dyn Fn(usize) -> String,
) -> String {
    let mut out = html.to_string();
    for (n, q) in &chapter.questions {
        let marker = format!(" data-quiz=\"{}\"", html_escaped(&q.id));
        let Some(at) = out.find(&marker) else {
            continue;
        };
        let Some(start) = out[..at].rfind("<div class=\"quiz\"") else {
            continue;
        };
        let end_mark = "</details>\n</div>\n";
        let Some(end) = out[at..].find(end_mark).map(|e| at + e + end_mark.len()) else {
            continue;
        };
        let mut h = String::with_capacity(512);
        h.push_str("<div class=\"quiz quiz-plain\" id=\"");
        push_html_escaped(&mut h, &format!("{id_prefix}{}", q.html_id));
        h.push_str("\">\n<p class=\"quiz-q\"><strong>");
        push_html_escaped(&mut h, &words.self_check);
        h.push_str(&format!(" {n}.</strong> "));
        push_html_escaped(&mut h, &q.question);
        h.push_str(" <em class=\"quiz-hint\">");
        push_html_escaped(&mut h, &q.hint);
        h.push_str("</em></p>\n<ol class=\"quiz-options\" type=\"a\">\n");
        for o in &q.options {
            h.push_str("<li>");
            push_html_escaped(&mut h, &o.text);
            h.push_str("</li>\n");
        }
        h.push_str("</ol>\n<p class=\"quiz-see\"><a href=\"");
        push_html_escaped(&mut h, &answer_href(*n));
        h.push_str("\">");
        push_html_escaped(&mut h, &words.see_answer);
        h.push_str("</a></p>\n</div>\n");
        out.replace_range(start..end, &h);
    }
    out
}

/// The answer key: every question with each option right or wrong, its
/// feedback and the explanation, under a heading of `level`, each with a
/// link back to its question (`question_href(chapter, question)`).
/// Written as XHTML that is also valid HTML. Empty when the book has no
/// questions.
pub fn answer_key(
    book: &Book,
    words: &Words,
    level: u8,
    question_href: &dyn Fn(&Chapter, &QuizItem) -> String,
) -> String {
    let mut h = String::new();
    if book.questions().next().is_none() {
        return h;
    }
    let sub = level + 1;
    h.push_str(&format!(
        "<section class=\"answer-key\" id=\"answers\">\n<h{level}>"
    ));
    push_html_escaped(&mut h, &words.answer_key);
    h.push_str(&format!("</h{level}>\n"));
    for (chapter, n, q) in book.questions() {
        h.push_str(&format!(
            "<div class=\"answer\" id=\"answer-{n}\">\n<h{sub}>"
        ));
        push_html_escaped(&mut h, &words.self_check);
        h.push_str(&format!(" {n} · "));
        push_html_escaped(&mut h, &chapter.title);
        h.push_str(&format!("</h{sub}>\n<p class=\"quiz-q\">"));
        push_html_escaped(&mut h, &q.question);
        h.push_str("</p>\n<ul>\n");
        for o in &q.options {
            let (class, verdict) = if o.correct {
                ("quiz-right", &words.right)
            } else {
                ("quiz-wrong", &words.wrong)
            };
            h.push_str(&format!("<li class=\"{class}\"><strong>"));
            push_html_escaped(&mut h, verdict);
            h.push_str(":</strong> ");
            push_html_escaped(&mut h, &o.text);
            if let Some(f) = &o.feedback {
                h.push_str("<br><span class=\"quiz-fb\">");
                push_html_escaped(&mut h, f);
                h.push_str("</span>");
            }
            h.push_str("</li>\n");
        }
        h.push_str("</ul>\n");
        if let Some(e) = &q.explanation {
            h.push_str("<p class=\"quiz-explanation\">");
            push_html_escaped(&mut h, e);
            h.push_str("</p>\n");
        }
        h.push_str("<p class=\"quiz-back\"><a href=\"");
        push_html_escaped(&mut h, &question_href(chapter, q));
        h.push_str("\">");
        push_html_escaped(&mut h, &words.back);
        h.push_str("</a></p>\n</div>\n");
    }
    h.push_str("</section>\n");
    h
}
