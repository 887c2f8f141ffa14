//! Self-check questions: a fenced block whose info string is `quiz`,
//! holding TOML, becomes a question a learner answers without script.
//!
//! The block is read with a closed serde schema ([`Question`] with its
//! [`Choice`]s), checked (a question, at least two options, the right
//! number of correct ones, no empty or repeated text), and written as one
//! `<div class="quiz">`: a `<fieldset>` whose `<legend>` holds the
//! self-assessment label, the question and how to answer it, with radio
//! buttons (`single`, `truefalse`) or checkboxes (`multiple`); a "Check"
//! button that stays `hidden` until `quiz.js` shows it; an empty live region
//! for that script's verdict; and the answer key (each option right or
//! wrong with its feedback, then the explanation) in a closed `<details>`.
//! Without script the learner opens the key and compares; with it,
//! `quiz.js` checks in place, reading the key and the localized strings the
//! `div` carries in `data-` attributes. No `<form>`: nothing is submitted,
//! and Markdown never makes one (see `safety`).
//!
//! A question's id is the page's translation key and its position among
//! the page's questions (`courses/x/01-a#2`), so it is the same in every
//! language; its HTML id is `aula-quiz-N`.
//!
//! Problems are [`MarkdownError`]s at their line and column in the real
//! file: a TOML error's span inside the block is mapped back through the
//! pieces of text the parser gave (a block inside a list or a quote has
//! its indentation removed). This file must never write unescaped text,
//! know more of the site than the page's key and the labels, or panic.

use serde::Deserialize;
use toml::Spanned;

use super::MarkdownError;
use super::headings::AnchorSlot;
use super::renderer::Renderer;
use crate::diagnostic::{Kind as DiagnosticKind, did_you_mean};
use crate::text::push_html_escaped;

/// One question, as its author writes it: the closed schema of a quiz
/// block. Keys are documented in `docs/courses.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    question: Spanned<String>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    explanation: Option<Spanned<String>>,
    /// Only for `truefalse` without options: which of the generated
    /// True and False options is correct.
    #[serde(default)]
    answer: Option<Spanned<bool>>,
    #[serde(default)]
    options: Vec<Spanned<Choice>>,
}

/// One `[[options]]` table of a question.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    text: Spanned<String>,
    #[serde(default)]
    correct: Option<Spanned<bool>>,
    #[serde(default)]
    feedback: Option<Spanned<String>>,
}

/// The kinds of question, by the name authors write.
const KINDS: [(&str, Kind); 3] = [
    ("single", Kind::Single),
    ("multiple", Kind::Multiple),
    ("truefalse", Kind::TrueFalse),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Single,
    Multiple,
    TrueFalse,
}

impl Kind {
    fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("single", |(n, _)| n)
    }
}

/// The UI strings a question shows, indexed by [`Label`].
const MESSAGES: [&str; 14] = [
    "quiz-label",
    "quiz-hint-single",
    "quiz-hint-multiple",
    "quiz-hint-truefalse",
    "quiz-true",
    "quiz-false",
    "quiz-check",
    "quiz-show-answer",
    "quiz-correct",
    "quiz-wrong",
    "quiz-right-option",
    "quiz-wrong-option",
    "quiz-score",
    "quiz-choose",
];

/// Index into [`MESSAGES`] and [`Labels`].
#[derive(Debug, Clone, Copy)]
enum Label {
    SelfCheck,
    HintSingle,
    HintMultiple,
    HintTrueFalse,
    True,
    False,
    Check,
    ShowAnswer,
    Correct,
    Wrong,
    RightOption,
    WrongOption,
    Score,
    Choose,
}

/// The UI strings of questions in one language (the theme's `quiz.ftl`),
/// made once per language by the build and handed to [`super::render`]
/// through [`super::Options`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Labels {
    texts: Vec<String>,
    /// The language of the strings, set when it is not the language of the
    /// page's text (a missing translation shown from another language):
    /// every label is then marked with it.
    lang: Option<String>,
    /// Messages no language has: an error on pages with a question.
    missing: Vec<&'static str>,
}

impl Labels {
    /// The placeholders `quiz-score` is formatted with: the score and the
    /// total are numbers only `quiz.js` knows, so it replaces them.
    pub const SCORE_ARGS: [(&'static str, &'static str); 2] =
        [("score", "{score}"), ("total", "{total}")];

    /// Looks every message up with `lookup` (which formats it with
    /// [`Labels::SCORE_ARGS`]); a message it cannot find is remembered and
    /// reported on each page that has a question.
    pub fn new(lookup: impl Fn(&str) -> Option<String>) -> Labels {
        let mut missing = Vec::new();
        let texts = MESSAGES
            .iter()
            .map(|&id| {
                lookup(id).unwrap_or_else(|| {
                    missing.push(id);
                    id.to_owned()
                })
            })
            .collect();
        Labels {
            texts,
            lang: None,
            missing,
        }
    }

    /// The same strings, marked as written in `lang`.
    pub fn marked(&self, lang: &str) -> Labels {
        Labels {
            lang: Some(lang.to_owned()),
            ..self.clone()
        }
    }

    fn get(&self, label: Label) -> &str {
        self.texts.get(label as usize).map_or("", String::as_str)
    }

    /// Writes a label, marked with its language when it differs from the
    /// text around it.
    fn write(&self, out: &mut String, label: Label) {
        match &self.lang {
            Some(lang) => {
                out.push_str("<span lang=\"");
                push_html_escaped(out, lang);
                out.push_str("\">");
                push_html_escaped(out, self.get(label));
                out.push_str("</span>");
            }
            None => push_html_escaped(out, self.get(label)),
        }
    }
}

/// Placeholders (the message ids themselves), for tests and tools that
/// render for no one; the build always passes the page's language.
impl Default for Labels {
    fn default() -> Labels {
        Labels::new(|id| Some(id.to_owned()))
    }
}

/// What a question needs from the page.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The page's translation key, the first part of each question's id.
    pub key: &'a str,
    pub labels: &'a Labels,
}

/// Where a quiz block's text came from in the page body.
#[derive(Debug, Default)]
pub(super) struct Place {
    /// Where the block (its opening fence) starts.
    fence: usize,
    /// (offset in the gathered text, offset in the body) of each piece of
    /// text the parser gave, in order.
    pieces: Vec<(usize, usize)>,
}

impl Place {
    pub(super) fn new(fence: usize) -> Place {
        Place {
            fence,
            pieces: Vec::new(),
        }
    }

    /// Records that the text gathered so far, `gathered` bytes, continues
    /// with a piece found at `offset` in the body.
    pub(super) fn piece(&mut self, gathered: usize, offset: usize) {
        self.pieces.push((gathered, offset));
    }

    /// The body offset of `at`, an offset in the gathered text.
    fn body_offset(&self, at: usize) -> usize {
        match self.pieces.partition_point(|&(start, _)| start <= at) {
            0 => self.fence,
            i => {
                let (start, offset) = self.pieces[i - 1];
                offset + (at - start)
            }
        }
    }
}

/// A problem found in a block: where (an offset in the block's text, or
/// the fence when there is none), what and how to fix it.
#[derive(Debug)]
struct Problem {
    at: Option<usize>,
    message: String,
    help: String,
}

fn problem(at: Option<usize>, message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem {
        at,
        message: message.into(),
        help: help.into(),
    }
}

/// A question that passed every check, ready to write.
#[derive(Debug)]
struct Checked {
    kind: Kind,
    question: String,
    explanation: Option<String>,
    options: Vec<Answer>,
}

#[derive(Debug)]
struct Answer {
    /// The author's text, or a label (True, False) for generated options.
    text: Text,
    correct: bool,
    feedback: Option<String>,
}

#[derive(Debug)]
enum Text {
    Author(String),
    Label(Label),
}

impl Renderer<'_, '_> {
    /// The HTML of a quiz block with text `text` found at `place`; its
    /// problems go to the page's errors (and the HTML is then empty, since
    /// the build stops).
    pub(super) fn quiz(&mut self, text: &str, place: &Place) -> String {
        self.out.quizzes += 1;
        let n = self.out.quizzes;
        let id = format!("aula-quiz-{n}");
        self.anchor_slots.push(AnchorSlot::Fixed(id.clone()));
        let ctx = self.opts.quiz;
        let mut problems: Vec<Problem> = ctx
            .labels
            .missing
            .iter()
            .map(|m| {
                problem(
                    None,
                    format!("no UI string `{m}` in any language, needed by this quiz block"),
                    format!("add `{m} = ...` to locales/<lang>/quiz.ftl (the default theme has every quiz string)"),
                )
            })
            .collect();
        let html = match read(text).and_then(check) {
            Ok(question) if problems.is_empty() => {
                let question_id = format!("{}#{n}", ctx.key);
                self.out
                    .quiz_items
                    .push(item(&question, &id, &question_id, ctx.labels));
                write(&question, &id, &question_id, ctx.labels)
            }
            Ok(_) => String::new(),
            Err(mut found) => {
                problems.append(&mut found);
                String::new()
            }
        };
        for p in problems {
            let offset = p.at.map_or(place.fence, |at| place.body_offset(at));
            let (line, column) = self.locator.position(offset);
            self.out.errors.push(MarkdownError {
                line,
                column,
                message: p.message,
                help: p.help,
            });
        }
        html
    }
}

const WHAT: &str = "quiz block";

/// The block's TOML into a [`Question`]: syntax first, then the schema.
fn read(text: &str) -> Result<Question, Vec<Problem>> {
    let root = toml::de::DeTable::parse(text).map_err(|e| {
        vec![problem(
            e.span().map(|s| s.start),
            format!("invalid TOML in {WHAT}: {}", e.message().trim()),
            "see https://toml.io for the syntax; text needs \"double quotes\", and each option starts with `[[options]]`",
        )]
    })?;
    if let Some(p) = single_bracket_options(&root) {
        return Err(vec![p]);
    }
    Question::deserialize(toml::de::Deserializer::from(root))
        .map_err(|e| vec![schema_problem(&e, text)])
}

/// `[options]` (one table) where `[[options]]` (a list of them) is meant:
/// serde would only say "expected a sequence".
fn single_bracket_options(root: &Spanned<toml::de::DeTable<'_>>) -> Option<Problem> {
    let (key, value) = root
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == "options")?;
    value.get_ref().is_table().then(|| {
        problem(
            Some(key.span().start),
            format!("wrong type in {WHAT}: `options` is one table, not a list of options"),
            "start each option with `[[options]]`, in double brackets",
        )
    })
}

/// A schema error (unknown or missing key, wrong type) worded as front
/// matter's are, with a better hint for a key written on the wrong level.
fn schema_problem(e: &toml::de::Error, text: &str) -> Problem {
    let d = crate::tomlerr::diagnose(
        e,
        &crate::tomlerr::Fragment {
            file: std::path::Path::new(""),
            file_text: text,
            offset: 0,
            what: WHAT,
            kind: DiagnosticKind::Markdown,
        },
    );
    let span = e.span();
    let mut help = d.help.unwrap_or_default();
    if d.kind == DiagnosticKind::UnknownKey {
        let key = span
            .clone()
            .and_then(|s| text.get(s))
            .unwrap_or("")
            .trim_matches(['"', '\'']);
        if crate::keys::of::<Choice>().contains(&key) {
            help = format!(
                "`{key}` belongs to an option: write it under the option's `[[options]]` line, after its `text`"
            );
        } else if crate::keys::of::<Question>().contains(&key) {
            help = format!(
                "`{key}` belongs to the question, not to an option: move it above the first `[[options]]`"
            );
        }
    }
    problem(span.map(|s| s.start), d.message, help)
}

/// Checks a question as written; every problem found is returned.
fn check(q: Question) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let kind = match &q.kind {
        None => Some(Kind::Single),
        Some(k) => {
            match KINDS.iter().find(|(name, _)| *name == k.get_ref()) {
                Some((_, kind)) => Some(*kind),
                None => {
                    let names = KINDS.iter().map(|(n, _)| *n);
                    let help = match did_you_mean(k.get_ref(), names) {
                    Some(s) => format!("did you mean `kind = \"{s}\"`?"),
                    None => "use `single` (one correct option), `multiple` (one or more) or `truefalse`".to_owned(),
                };
                    problems.push(problem(
                        Some(k.span().start),
                        format!("unknown kind of question `{}`", k.get_ref()),
                        help,
                    ));
                    None
                }
            }
        }
    };
    let mut not_empty = |s: &Spanned<String>, what: &str| {
        if s.get_ref().trim().is_empty() {
            problems.push(problem(
                Some(s.span().start),
                format!("empty {what} in {WHAT}"),
                format!(
                    "write the {what} between the quotes, or remove the line if it is optional"
                ),
            ));
        }
    };
    not_empty(&q.question, "`question`");
    if let Some(e) = &q.explanation {
        not_empty(e, "`explanation`");
    }
    for o in &q.options {
        not_empty(&o.get_ref().text, "option `text`");
        if let Some(f) = &o.get_ref().feedback {
            not_empty(f, "`feedback`");
        }
    }
    repeated_options(&q.options, &mut problems);
    let options = match kind {
        Some(kind) => options(kind, &q, &mut problems),
        None => Vec::new(),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Checked {
        kind: kind.unwrap_or(Kind::Single),
        question: q.question.into_inner(),
        explanation: q.explanation.map(Spanned::into_inner),
        options,
    })
}

/// Two options with the same text: a copy the author forgot to change.
fn repeated_options(options: &[Spanned<Choice>], problems: &mut Vec<Problem>) {
    for (i, o) in options.iter().enumerate() {
        let text = o.get_ref().text.get_ref().trim();
        if text.is_empty() {
            continue;
        }
        if let Some(first) = options[..i]
            .iter()
            .position(|p| p.get_ref().text.get_ref().trim() == text)
        {
            problems.push(problem(
                Some(o.get_ref().text.span().start),
                format!(
                    "options {} and {} have the same text `{text}`",
                    first + 1,
                    i + 1
                ),
                "give each option its own text, or remove the copy",
            ));
        }
    }
}

/// The options of a question of a known kind, checked against the kind.
fn options(kind: Kind, q: &Question, problems: &mut Vec<Problem>) -> Vec<Answer> {
    if let Some(answer) = &q.answer {
        let at = Some(answer.span().start);
        if kind != Kind::TrueFalse {
            problems.push(problem(
                at,
                format!(
                    "`answer` is only for true/false questions, and this one is `{}`",
                    kind.name()
                ),
                "mark the right options with `correct = true`, or set `kind = \"truefalse\"`",
            ));
        } else if !q.options.is_empty() {
            problems.push(problem(
                at,
                "a true/false question has `answer` or `[[options]]`, not both",
                "remove `answer` and mark one option `correct = true`, or remove the options (True and False are then written for you)",
            ));
        } else {
            let yes = *answer.get_ref();
            return vec![
                Answer {
                    text: Text::Label(Label::True),
                    correct: yes,
                    feedback: None,
                },
                Answer {
                    text: Text::Label(Label::False),
                    correct: !yes,
                    feedback: None,
                },
            ];
        }
    }
    let count = q.options.len();
    let first_option = q.options.first().map(|o| o.span().start);
    if count < 2 {
        let help = match kind {
            Kind::TrueFalse => {
                "write `answer = true` (or `false`) and no options, or two `[[options]]` with one `correct = true`"
            }
            _ => "add `[[options]]` tables, each with its `text`, until there are at least two",
        };
        problems.push(problem(
            first_option.or(Some(q.question.span().start)),
            format!("a question needs at least two options; this one has {count}"),
            help,
        ));
        return Vec::new();
    }
    if kind == Kind::TrueFalse && count > 2 {
        problems.push(problem(
            Some(q.options[2].span().start),
            format!("a true/false question has exactly two options; this one has {count}"),
            "keep two options (or write `answer = true` or `false` and none), or set `kind = \"single\"`",
        ));
    }
    let correct: Vec<&Spanned<bool>> = q
        .options
        .iter()
        .filter_map(|o| o.get_ref().correct.as_ref())
        .filter(|c| *c.get_ref())
        .collect();
    match correct.as_slice() {
        [] => problems.push(problem(
            first_option,
            "no option of this question is marked correct",
            "add `correct = true` to the right option (to each right option for `kind = \"multiple\"`)",
        )),
        [_, second, ..] if kind != Kind::Multiple => problems.push(problem(
            Some(second.span().start),
            format!(
                "a `{}` question has one correct option, and {} are marked `correct = true`",
                kind.name(),
                correct.len()
            ),
            "keep `correct = true` on one option only, or set `kind = \"multiple\"` if several are right",
        )),
        _ => {}
    }
    q.options
        .iter()
        .map(|o| {
            let o = o.get_ref();
            Answer {
                text: Text::Author(o.text.get_ref().clone()),
                correct: o.correct.as_ref().is_some_and(|c| *c.get_ref()),
                feedback: o.feedback.as_ref().map(|f| f.get_ref().clone()),
            }
        })
        .collect()
}

/// One self-check question as plain data (text, not HTML): what the
/// answer keys of the EPUB and the printable course are written from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuizItem {
    /// `key#N`, the same in every language.
    pub id: String,
    /// The HTML id of the question's `div` in the page (`aula-quiz-N`).
    pub html_id: String,
    /// `single`, `multiple` or `truefalse`.
    pub kind: &'static str,
    pub question: String,
    /// How to answer, in the page's language ("Choose one answer.").
    pub hint: String,
    pub options: Vec<QuizOption>,
    pub explanation: Option<String>,
}

/// One option of a [`QuizItem`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuizOption {
    pub text: String,
    pub correct: bool,
    pub feedback: Option<String>,
}

fn item(q: &Checked, html_id: &str, question_id: &str, labels: &Labels) -> QuizItem {
    let hint = match q.kind {
        Kind::Single => Label::HintSingle,
        Kind::Multiple => Label::HintMultiple,
        Kind::TrueFalse => Label::HintTrueFalse,
    };
    QuizItem {
        id: question_id.to_owned(),
        html_id: html_id.to_owned(),
        kind: q.kind.name(),
        question: q.question.trim().to_owned(),
        hint: labels.get(hint).to_owned(),
        options: q
            .options
            .iter()
            .map(|o| QuizOption {
                text: match &o.text {
                    Text::Author(s) => s.trim().to_owned(),
                    Text::Label(l) => labels.get(*l).to_owned(),
                },
                correct: o.correct,
                feedback: o.feedback.as_ref().map(|f| f.trim().to_owned()),
            })
            .collect(),
        explanation: q.explanation.as_ref().map(|e| e.trim().to_owned()),
    }
}

/// The question as HTML that works without script (see the module docs).
fn write(q: &Checked, id: &str, question_id: &str, labels: &Labels) -> String {
    let mut h = String::with_capacity(1024);
    let attr = |h: &mut String, name: &str, value: &str| {
        h.push(' ');
        h.push_str(name);
        h.push_str("=\"");
        push_html_escaped(h, value);
        h.push('"');
    };
    h.push_str("<div class=\"quiz\"");
    attr(&mut h, "id", id);
    attr(&mut h, "data-quiz", question_id);
    attr(&mut h, "data-kind", q.kind.name());
    attr(&mut h, "data-correct", labels.get(Label::Correct));
    attr(&mut h, "data-wrong", labels.get(Label::Wrong));
    attr(&mut h, "data-score", labels.get(Label::Score));
    attr(&mut h, "data-choose", labels.get(Label::Choose));
    if let Some(lang) = &labels.lang {
        attr(&mut h, "data-lang", lang);
    }
    h.push_str(">\n<fieldset>\n<legend><span class=\"quiz-label\">");
    labels.write(&mut h, Label::SelfCheck);
    h.push_str("</span> <span class=\"quiz-q\">");
    push_html_escaped(&mut h, q.question.trim());
    h.push_str("</span> <span class=\"quiz-hint\">");
    let hint = match q.kind {
        Kind::Single => Label::HintSingle,
        Kind::Multiple => Label::HintMultiple,
        Kind::TrueFalse => Label::HintTrueFalse,
    };
    labels.write(&mut h, hint);
    h.push_str("</span></legend>\n<ul class=\"quiz-options\">\n");
    let input = if q.kind == Kind::Multiple {
        "checkbox"
    } else {
        "radio"
    };
    let text = |h: &mut String, t: &Text| match t {
        Text::Author(s) => push_html_escaped(h, s.trim()),
        Text::Label(l) => labels.write(h, *l),
    };
    for (i, o) in q.options.iter().enumerate() {
        h.push_str("<li><label><input type=\"");
        h.push_str(input);
        h.push('"');
        attr(&mut h, "name", id);
        attr(&mut h, "value", &(i + 1).to_string());
        h.push_str("> ");
        text(&mut h, &o.text);
        h.push_str("</label></li>\n");
    }
    h.push_str("</ul>\n</fieldset>\n<p class=\"quiz-actions\"><button type=\"button\" class=\"quiz-check\" hidden>");
    labels.write(&mut h, Label::Check);
    h.push_str("</button></p>\n<p class=\"quiz-status\" role=\"status\" aria-live=\"polite\"></p>\n<details class=\"quiz-key\">\n<summary>");
    labels.write(&mut h, Label::ShowAnswer);
    h.push_str("</summary>\n<ul>\n");
    for o in &q.options {
        let (class, verdict) = if o.correct {
            ("quiz-right", Label::RightOption)
        } else {
            ("quiz-wrong", Label::WrongOption)
        };
        h.push_str("<li class=\"");
        h.push_str(class);
        h.push_str("\"><strong>");
        labels.write(&mut h, verdict);
        h.push_str(":</strong> ");
        text(&mut h, &o.text);
        if let Some(f) = &o.feedback {
            h.push_str("<br><span class=\"quiz-fb\">");
            push_html_escaped(&mut h, f.trim());
            h.push_str("</span>");
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n");
    if let Some(e) = &q.explanation {
        h.push_str("<p class=\"quiz-explanation\">");
        push_html_escaped(&mut h, e.trim());
        h.push_str("</p>\n");
    }
    h.push_str("</details>\n</div>\n");
    h
}

#[cfg(test)]
mod tests {
    use fluent_bundle::concurrent::FluentBundle;
    use fluent_bundle::{FluentArgs, FluentResource};

    use super::super::{Options, Rendered, render};
    use super::{Context, Labels};
    use crate::config::RawHtml;
    use crate::highlight::Highlighter;

    /// The default theme's strings in `lang`.
    fn labels(lang: &str) -> Labels {
        let path = format!("locales/{lang}/quiz.ftl");
        let (_, bytes) = crate::theme::DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == path)
            .expect("the default theme has quiz.ftl");
        let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
        let resource = FluentResource::try_new(text).expect("valid Fluent");
        let mut bundle = FluentBundle::new_concurrent(vec![lang.parse().expect("a language tag")]);
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).expect("no clashes");
        let mut args = FluentArgs::new();
        for (name, value) in Labels::SCORE_ARGS {
            args.set(name, value);
        }
        Labels::new(|id| {
            let pattern = bundle.get_message(id)?.value()?;
            let mut errors = Vec::new();
            let s = bundle.format_pattern(pattern, Some(&args), &mut errors);
            errors.is_empty().then(|| s.into_owned())
        })
    }

    fn quiz_with(body: &str, labels: &Labels, first_line: usize) -> Rendered {
        let highlighter = Highlighter::new();
        let resolve = |_: &str| unreachable!("no links in these tests");
        let opts = Options {
            first_line,
            raw_html: RawHtml::Escape,
            ..Options::new(
                &highlighter,
                &resolve,
                Context {
                    key: "courses/x/01-a",
                    labels,
                },
            )
        };
        render(body, &opts)
    }

    fn quiz(body: &str) -> Rendered {
        quiz_with(body, &labels("en"), 1)
    }

    const SINGLE: &str = r#"```quiz
question = "¿Qué canal consume menos datos?"
kind = "single"            # single | multiple | truefalse
explanation = "Texto y PDF liviano llegan aunque la red sea mala."

[[options]]
text = "Un video en alta definición"
feedback = "Un video HD consume cientos de MB por hora."

[[options]]
text = "Un mensaje con un PDF liviano"
correct = true
feedback = "Correcto: pocos KB, y se puede leer sin conexión."
```
"#;

    #[test]
    fn snapshot_single() {
        let r = quiz_with(SINGLE, &labels("es"), 1);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        insta::assert_snapshot!(r.html);
    }

    #[test]
    fn snapshot_multiple() {
        let r = quiz(
            r#"```quiz
question = "Which of these make a recorded lecture lighter to download?"
kind = "multiple"
explanation = "Audio and short parts cut the weight; a higher resolution adds to it."

[[options]]
text = "Splitting it into parts of five to eight minutes"
correct = true

[[options]]
text = "Offering an audio-only version"
correct = true
feedback = "An audio file is a tenth of the video's size or less."

[[options]]
text = "Recording it in 4K"
feedback = "4K multiplies the size of every minute."
```
"#,
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        insta::assert_snapshot!(r.html);
    }

    #[test]
    fn snapshot_truefalse_with_answer() {
        let r = quiz_with(
            "```quiz\nquestion = \"Um PDF escaneado pesa mais que um PDF de texto.\"\nkind = \"truefalse\"\nanswer = true\nexplanation = \"A digitalização guarda cada página como imagem.\"\n```\n",
            &labels("pt"),
            1,
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        insta::assert_snapshot!(r.html);
    }

    #[test]
    fn truefalse_with_two_written_options() {
        let r = quiz(
            "```quiz\nquestion = \"Q\"\nkind = \"truefalse\"\n[[options]]\ntext = \"Yes\"\n[[options]]\ntext = \"No\"\ncorrect = true\nfeedback = \"Right.\"\n```\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.html.contains("data-kind=\"truefalse\""), "{}", r.html);
        assert_eq!(r.html.matches("type=\"radio\"").count(), 2, "{}", r.html);
        assert!(r.html.contains("<li class=\"quiz-right\"><strong>Right answer:</strong> No<br><span class=\"quiz-fb\">Right.</span></li>"), "{}", r.html);
    }

    #[test]
    fn questions_are_numbered_on_the_page_and_are_not_code() {
        let one = "```quiz\nquestion = \"Q\"\nanswer = false\nkind = \"truefalse\"\n```\n";
        let r = quiz(&format!("# Title\n\n{one}\n## Quiz\n\n{one}"));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.quizzes, 2);
        assert!(!r.has_code, "quiz blocks need no syntax.css");
        for n in [1, 2] {
            assert!(
                r.html.contains(&format!(
                    "id=\"aula-quiz-{n}\" data-quiz=\"courses/x/01-a#{n}\""
                )),
                "{}",
                r.html
            );
            assert!(
                r.anchors.contains(&format!("aula-quiz-{n}")),
                "{:?}",
                r.anchors
            );
        }
        assert_eq!(r.toc.len(), 1, "questions are not headings");
        assert_eq!(quiz("no quiz\n\n```toml\nquestion = 1\n```\n").quizzes, 0);
    }

    #[test]
    fn every_text_is_escaped() {
        let r = quiz(
            "```quiz\nquestion = \"<script>alert(1)</script>\"\nexplanation = \"<b onclick=x>\"\n[[options]]\ntext = \"<img src=x onerror=alert(1)>\"\ncorrect = true\nfeedback = \"\\\"><svg onload=x>\"\n[[options]]\ntext = \"&amp;\"\n```\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(crate::markdown::unsafe_markup(&r.html), None, "{}", r.html);
        assert!(
            r.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{}",
            r.html
        );
        assert!(r.html.contains("> &amp;amp;</label>"), "{}", r.html);
    }

    #[test]
    fn labels_of_another_language_than_the_text_are_marked() {
        let labels = labels("pt").marked("pt");
        let r = quiz_with(
            "```quiz\nquestion = \"¿Sí?\"\nkind = \"truefalse\"\nanswer = true\n```\n",
            &labels,
            1,
        );
        assert!(r.html.contains("data-lang=\"pt\""), "{}", r.html);
        assert!(
            r.html.contains(
                "<span class=\"quiz-label\"><span lang=\"pt\">Autoavaliação</span></span>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("> <span lang=\"pt\">Verdadeiro</span></label>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<summary><span lang=\"pt\">Ver a resposta</span></summary>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn every_language_has_every_string() {
        for lang in ["es", "en", "pt"] {
            let l = labels(lang);
            assert!(l.missing.is_empty(), "{lang}: {:?}", l.missing);
            assert!(
                l.get(super::Label::Score).contains("{score}")
                    && l.get(super::Label::Score).contains("{total}"),
                "{lang}"
            );
        }
    }

    #[test]
    fn a_string_missing_everywhere_is_an_error_on_pages_with_a_quiz() {
        let labels = Labels::new(|id| (id != "quiz-check").then(|| id.to_owned()));
        let r = quiz_with(SINGLE, &labels, 3);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!((r.errors[0].line, r.errors[0].column), (3, 1));
        assert!(
            r.errors[0].message.contains("`quiz-check`"),
            "{:?}",
            r.errors
        );
        assert!(quiz_with("no quiz", &labels, 1).errors.is_empty());
    }

    /// Each class of mistake, with the line and column it is reported at
    /// (the block starts on line 1 of the file, its fence on line 10).
    #[test]
    fn mistakes_are_reported_at_their_line() {
        let cases: &[(&str, &str, &str)] = &[
            ("question = \"Q\n", "11:14", "invalid TOML in quiz block"),
            (
                "question = \"Q\"\nquestion = \"R\"\n",
                "12:1",
                "invalid TOML in quiz block",
            ),
            (
                "question = \"Q\"\nexplaination = \"x\"\n",
                "12:1",
                "unknown key `explaination`",
            ),
            (
                "question = \"Q\"\nfeedback = \"x\"\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \"b\"\n",
                "12:1",
                "unknown key `feedback`",
            ),
            (
                "question = \"Q\"\n[[options]]\ntext = \"a\"\nexplanation = \"x\"\n",
                "14:1",
                "unknown key `explanation`",
            ),
            (
                "kind = \"single\"\n[[options]]\ntext = \"a\"\n",
                "11:1",
                "missing key `question`",
            ),
            (
                "question = \"Q\"\n[[options]]\ncorrect = true\n",
                "12:1",
                "missing key `text`",
            ),
            (
                "question = \"Q\"\n[[options]]\ntext = \"a\"\ncorrect = \"yes\"\n",
                "14:11",
                "wrong type in quiz block",
            ),
            (
                "question = \"Q\"\n[options]\ntext = \"a\"\n",
                "12:2",
                "wrong type in quiz block: `options` is one table",
            ),
            (
                "question = \"Q\"\nkind = \"multi\"\n",
                "12:8",
                "unknown kind of question `multi`",
            ),
            (
                "question = \"  \"\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \"b\"\n",
                "11:12",
                "empty `question`",
            ),
            (
                "question = \"Q\"\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \"\"\n",
                "16:8",
                "empty option `text`",
            ),
            (
                "question = \"Q\"\n[[options]]\ntext = \"a\"\ncorrect = true\n",
                "12:1",
                "at least two options; this one has 1",
            ),
            (
                "question = \"Q\"\nkind = \"truefalse\"\n",
                "11:12",
                "at least two options; this one has 0",
            ),
            (
                "question = \"Q\"\n[[options]]\ntext = \"a\"\n[[options]]\ntext = \"b\"\n",
                "12:1",
                "no option of this question is marked correct",
            ),
            (
                "question = \"Q\"\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \"b\"\ncorrect = true\n",
                "17:11",
                "a `single` question has one correct option, and 2",
            ),
            (
                "question = \"Q\"\nkind = \"truefalse\"\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \"b\"\n[[options]]\ntext = \"c\"\n",
                "18:1",
                "exactly two options; this one has 3",
            ),
            (
                "question = \"Q\"\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \" a \"\n",
                "16:8",
                "options 1 and 2 have the same text `a`",
            ),
            (
                "question = \"Q\"\nanswer = true\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \"b\"\n",
                "12:10",
                "`answer` is only for true/false questions",
            ),
            (
                "question = \"Q\"\nkind = \"truefalse\"\nanswer = true\n[[options]]\ntext = \"a\"\ncorrect = true\n[[options]]\ntext = \"b\"\n",
                "13:10",
                "`answer` or `[[options]]`, not both",
            ),
        ];
        for (toml, at, message) in cases {
            let body = format!("```quiz\n{toml}```\n");
            let r = quiz_with(&body, &labels("en"), 10);
            let found: Vec<String> = r
                .errors
                .iter()
                .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
                .collect();
            assert!(
                found.len() == 1
                    && found[0].starts_with(&format!("{at} "))
                    && found[0].contains(message),
                "{toml}\nwanted {at} {message}\nfound {found:#?}"
            );
            assert!(r.errors.iter().all(|e| !e.help.is_empty()));
            assert!(
                r.html.is_empty(),
                "nothing is written for a bad block: {}",
                r.html
            );
        }
    }

    #[test]
    fn hints_point_to_the_right_place() {
        let help = |toml: &str| {
            let r = quiz(&format!("```quiz\n{toml}```\n"));
            r.errors.first().map(|e| e.help.clone()).unwrap_or_default()
        };
        assert_eq!(
            help("question = \"Q\"\nexplaination = \"x\"\n"),
            "did you mean `explanation`?"
        );
        assert!(
            help("question = \"Q\"\nfeedback = \"x\"\n")
                .starts_with("`feedback` belongs to an option")
        );
        assert!(
            help("question = \"Q\"\n[[options]]\ntext = \"a\"\nkind = \"single\"\n")
                .starts_with("`kind` belongs to the question")
        );
        assert_eq!(
            help("question = \"Q\"\nkind = \"true_false\"\n"),
            "did you mean `kind = \"truefalse\"`?"
        );
        assert_eq!(
            help("question = \"Q\"\n[[options]]\ntxt = \"a\"\n"),
            "did you mean `text`?"
        );
    }

    #[test]
    fn blocks_inside_lists_and_quotes_report_real_columns() {
        let r = quiz(
            "- item\n\n  ```quiz\n  question = \"Q\"\n  kind = \"multi\"\n  ```\n\n> ```quiz\n> question = \"Q\"\n> [[options]]\n> txt = \"a\"\n> ```\n",
        );
        let found: Vec<(usize, usize)> = r.errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(found, [(5, 10), (11, 3)], "{:?}", r.errors);
    }

    #[test]
    fn several_mistakes_in_one_block_are_reported_together() {
        let r = quiz(
            "```quiz\nquestion = \"\"\n[[options]]\ntext = \"a\"\nfeedback = \"\"\n[[options]]\ntext = \"a\"\n```\n",
        );
        let lines: Vec<usize> = r.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 5, 7, 3], "{:?}", r.errors);
    }

    #[test]
    fn odd_blocks_never_panic() {
        let cases = [
            "```quiz",
            "```quiz\n",
            "```quiz\nquestion = \"unclosed fence\"\n",
            "```quiz\r\nquestion = \"Q\"\r\nkind = \"x\"\r\n```\r\n",
            "```quiz\n\tquestion = \"Q\"\n\t[[options]]\n```\n",
            "- > - ```quiz\n  >   question = 'é'\n  >   kind = 'ñ'\n",
            "```quiz\n[[options]]\n[[options]]\n[[options]]\n```\n",
            "```quiz\noptions = []\nquestion = \"Q\"\n```\n",
            "```quiz\noptions = [{ text = \"a\", correct = true }, { text = \"b\" }]\nquestion = \"Q\"\n```\n",
            "```quiz\nquestion = \"Q\"\nanswer = true\n```\n",
            "```quiz\n\u{0}\u{feff}é = \"\n```\n",
            "````quiz\n```\nquestion = 1\n````\n",
            "~~~quiz extra words\nquestion = \"\"\"\nmulti\nline\"\"\"\n~~~\n",
        ];
        for body in cases {
            for first_line in [0, 1, usize::MAX] {
                let r = quiz_with(body, &labels("en"), first_line);
                for e in &r.errors {
                    assert!(e.column >= 1 && !e.help.is_empty(), "{body:?}: {e:?}");
                }
            }
        }
        let inline = quiz(
            "```quiz\noptions = [{ text = \"a\", correct = true }, { text = \"b\" }]\nquestion = \"Q\"\n```\n",
        );
        assert!(
            inline.errors.is_empty(),
            "inline tables are options too: {:?}",
            inline.errors
        );
    }
}
