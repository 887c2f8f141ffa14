//! Fenced and indented code blocks: the text is gathered whole and handed to
//! the [`Highlighter`](crate::highlight::Highlighter) with the fence's
//! language (its first word), which returns the finished `<pre>` block.
//!
//! Code is never counted as prose, never part of the table of contents, and
//! never looked at for links, headings or raw HTML: inside a block, every
//! event but its text and its end is ignored. A block whose language is
//! `quiz` is a self-check question, not code: it goes to `quiz`.

use pulldown_cmark::{CodeBlockKind, Event, TagEnd};

use super::quiz::Place;
use super::renderer::Renderer;

/// A code block being read.
pub(super) struct OpenCode {
    lang: Option<String>,
    text: String,
    /// For a quiz block: where its text came from, for error positions.
    quiz: Option<Place>,
}

impl<'a> Renderer<'a, '_> {
    pub(super) fn start_code_block(&mut self, kind: CodeBlockKind<'a>, offset: usize) {
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info
                .split(|c: char| c.is_whitespace() || c == ',')
                .next()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            CodeBlockKind::Indented => None,
        };
        if let Some(lang) = &lang {
            self.lint_code_language(lang, offset);
        }
        let quiz = (lang.as_deref() == Some("quiz")).then(|| Place::new(offset));
        self.out.has_code |= quiz.is_none();
        self.code = Some(OpenCode {
            lang,
            text: String::new(),
            quiz,
        });
    }

    /// Inside a code block: gather its text, highlight it at its end.
    /// `offset` is where the event starts in the body.
    pub(super) fn code_event(&mut self, event: Event<'a>, offset: usize) {
        let Some(code) = &mut self.code else {
            return;
        };
        match event {
            Event::End(TagEnd::CodeBlock) => self.close_code(),
            Event::Text(text) => {
                if let Some(place) = &mut code.quiz {
                    place.piece(code.text.len(), offset);
                }
                code.text.push_str(&text);
            }
            // Nothing else occurs inside a code block.
            _ => {}
        }
    }

    pub(super) fn close_code(&mut self) {
        if let Some(code) = self.code.take() {
            let html = match &code.quiz {
                Some(place) => self.quiz(&code.text, place),
                None => self
                    .opts
                    .highlighter
                    .highlight(&code.text, code.lang.as_deref()),
            };
            self.trusted(html);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::md;

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
}
