//! Warnings for what builds but would silently look wrong: template syntax
//! of another generator left in the text (found by [`super::shortcodes`],
//! worded here), links and images starting with `/`, code fences in a
//! language no syntax knows, a body that repeats the page title as a
//! second `<h1>`, and images without alternative text. Each says what was
//! probably meant and what to write instead.
//!
//! Warnings never change the page; `--strict` makes them errors. This file
//! must never decide how anything is rendered.

use super::renderer::Renderer;
use super::{MarkdownWarning, vault};
use crate::diagnostic::Kind;

/// Fence languages that ask for plain text on purpose.
const PLAIN: [&str; 9] = [
    "console",
    "text",
    "plain",
    "plaintext",
    "txt",
    "none",
    "output",
    "nohighlight",
    "raw",
];

/// Diagram and notation languages that other sites draw with a script:
/// aula shows their source.
const DRAWN: [&str; 9] = [
    "mermaid",
    "plantuml",
    "puml",
    "dot",
    "graphviz",
    "math",
    "tikz",
    "abc",
    "flowchart",
];

/// `text` shortened to `max` characters, for messages.
fn shown(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > max {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// What a tag of another generator probably was, and what to write
/// instead. A tag matches when its first word is one of `names`, or when
/// its text mentions one of `mentions` (only after `include` when
/// `include_only`). The first match wins.
struct Advice {
    names: &'static [&'static str],
    mentions: &'static [&'static str],
    include_only: bool,
    help: &'static str,
}

const ADVICE: &[Advice] = &[
    Advice {
        names: &["figure", "image", "img"],
        mentions: &["figure", "image", "img"],
        include_only: true,
        help: "write the figure as an image alone in its paragraph, with its caption as the title: \
               `![What the image shows](image.png \"Caption\")`, the image next to the page",
    },
    Advice {
        names: &[
            "youtube",
            "vimeo",
            "video",
            "gist",
            "tweet",
            "x",
            "instagram",
            "iframe",
        ],
        mentions: &["youtube", "video", "vimeo", "embed", "iframe"],
        include_only: true,
        help: "write `{{ video(src=\"lesson.mp4\", poster=\"poster.jpg\", duration=\"3:20\") }}` for a file, \
               or `{{ embed(url=\"https://…\", title=\"…\") }}` for a player on another site",
    },
    Advice {
        names: &[],
        mentions: &[
            "alert",
            "callout",
            "notice",
            "note",
            "tip",
            "warning",
            "caution",
            "hint",
            "admonition",
            "important",
            "danger",
            "info",
        ],
        include_only: false,
        help: "write a callout shortcode: `{% note() %}` … `{% end %}` (or `tip`, `warning`), \
               with Markdown inside",
    },
    Advice {
        names: &["highlight", "endhighlight", "code"],
        mentions: &[],
        include_only: false,
        help: "write a fenced code block: three backticks and the language (```python), the code, three backticks",
    },
    Advice {
        names: &["ref", "relref", "link", "post_url"],
        mentions: &["baseurl", "relative_url", "absolute_url", "site.url"],
        include_only: false,
        help: "link to pages as `[text](@/path/from/content.md)` and to files by a path relative to the page",
    },
    Advice {
        names: &["raw", "endraw"],
        mentions: &[],
        include_only: false,
        help: "remove it: aula shows `{{` and `{%` in code as written",
    },
    Advice {
        names: &[
            "if",
            "endif",
            "else",
            "elsif",
            "unless",
            "endunless",
            "for",
            "endfor",
            "assign",
            "capture",
            "endcapture",
            "comment",
            "endcomment",
            "case",
            "when",
            "endcase",
        ],
        mentions: &[],
        include_only: false,
        help: "template logic does not run in a page: keep the text that should show and remove the tags \
               (an HTML comment `<!-- … -->` keeps a note for translators)",
    },
];

/// What a piece of another generator's template syntax (`{% … %}`,
/// `{{ … }}`, `{{< … >}}`, `{{% … %}}`) probably was, and what to write
/// instead: (message, help). `known` lists aula's shortcodes.
pub(super) fn foreign(tag: &str, known: &[String]) -> (String, String) {
    let hugo = tag.starts_with("{{<") || tag.starts_with("{{%");
    let inner = tag
        .trim_start_matches(['{', '<', '%', '-'])
        .trim_end_matches(['}', '>', '%', '-'])
        .trim()
        .trim_start_matches('/')
        .trim();
    let word = inner
        .split(|c: char| c.is_whitespace() || c == '|')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let rest = inner[word.len().min(inner.len())..].to_ascii_lowercase();
    let system = if hugo {
        "Hugo shortcode"
    } else if tag.starts_with("{{") {
        "Liquid output tag"
    } else {
        "Liquid tag"
    };
    let message = format!(
        "{system} `{}` is not aula syntax: it is shown as text",
        shown(tag, 50)
    );
    let matches = |a: &Advice| {
        a.names.contains(&word.as_str())
            || ((!a.include_only || word == "include")
                && a.mentions
                    .iter()
                    .any(|m| rest.contains(m) || word.contains(m)))
    };
    let help = if let Some(a) = ADVICE.iter().find(|a| matches(a)) {
        a.help.to_owned()
    } else if ["page.", "site.", "include."]
        .iter()
        .any(|p| word.starts_with(p))
    {
        "variables are not filled in: write the text itself (the page title is already shown by the theme)"
            .to_owned()
    } else if word == "include" {
        "includes are not supported: paste the text into the page, or ask the site owner for a shortcode"
            .to_owned()
    } else {
        let list = if known.is_empty() {
            "none".to_owned()
        } else {
            known.join(", ")
        };
        format!(
            "write it in Markdown, or with one of aula's shortcodes ({list}) in Zola's syntax: \
             `{{{{ name(arg=\"…\") }}}}`, or `{{% name() %}}` … `{{% end %}}` around Markdown"
        )
    };
    (message, help)
}

impl Renderer<'_, '_> {
    fn warn(&mut self, kind: Kind, offset: usize, message: String, help: String) {
        let (line, column) = self.locator.position(offset);
        self.out.warnings.push(MarkdownWarning {
            kind,
            line,
            column,
            message,
            help,
        });
    }

    /// A link or image whose destination starts with `/`.
    pub(super) fn lint_root_relative(&mut self, dest: &str, offset: usize) {
        if !dest.starts_with('/') || dest.starts_with("//") {
            return;
        }
        let last = dest
            .split(['#', '?'])
            .next()
            .unwrap_or("")
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        let looks_like_file = last.contains('.') && !last.ends_with(".html");
        let help = if looks_like_file {
            format!(
                "put the file next to the page and write its name (`{last}`), or a path relative to the page"
            )
        } else {
            format!(
                "link to the page as `@/path/from/content.md` (e.g. `@/{}.md`), which follows the reader's language and is checked",
                dest.trim_matches('/').trim_end_matches(".html")
            )
        };
        self.warn(
            Kind::RootRelativeLink,
            offset,
            format!(
                "`{}` starts with `/`: it breaks when the campus is served under a sub-path or opened from disk",
                shown(dest, 60)
            ),
            help,
        );
    }

    /// A fenced code block's language that no syntax knows.
    pub(super) fn lint_code_language(&mut self, lang: &str, offset: usize) {
        let lower = lang.to_ascii_lowercase();
        if lower == "quiz" || PLAIN.contains(&lower.as_str()) || self.opts.highlighter.knows(lang) {
            return;
        }
        if DRAWN.contains(&lower.as_str()) {
            self.warn(
                Kind::CodeLanguage,
                offset,
                format!("`{lang}` blocks are not drawn: the block is shown as its source code"),
                format!(
                    "export the diagram as an SVG or PNG next to the page and show it as `![description](diagram.svg)`; \
                     if showing the source is what you want, write ```text instead of ```{lang}"
                ),
            );
            return;
        }
        let nearest = self.opts.highlighter.nearest(lang);
        let help = if nearest.is_empty() {
            "check the spelling (the language is the first word after the backticks), or write ```text for plain text".to_owned()
        } else {
            let names: Vec<String> = nearest.iter().map(|n| format!("`{n}`")).collect();
            format!(
                "did you mean {}? The language is the first word after the backticks; ```text shows plain text",
                names.join(", ")
            )
        };
        self.warn(
            Kind::CodeLanguage,
            offset,
            format!(
                "no syntax knows the code language `{}`: the block is not highlighted",
                shown(lang, 40)
            ),
            help,
        );
    }

    /// An image without alternative text.
    pub(super) fn lint_missing_alt(&mut self, src: &str, offset: usize) {
        self.warn(
            Kind::MissingAlt,
            offset,
            format!("image `{}` has no alternative text", shown(src, 60)),
            "say what the image shows between the brackets: `![A map of the river basin](map.png)`; \
             people who cannot see it, and everyone when it fails to load, read that instead"
                .to_owned(),
        );
    }

    /// The body's first heading is an `<h1>` that repeats the page title.
    pub(super) fn lint_title(&mut self) {
        let Some(first) = self.headings.first() else {
            return;
        };
        if first.level != 1 || self.opts.title.trim().is_empty() {
            return;
        }
        let norm = |s: &str| -> String {
            vault::strip(s)
                .chars()
                .filter(|c| c.is_alphanumeric() || c.is_whitespace())
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        if norm(&first.text) != norm(self.opts.title) {
            return;
        }
        let offset = first.offset;
        self.warn(
            Kind::DuplicateTitle,
            offset,
            format!(
                "the first heading repeats the page title `{}`: the page shows it twice, as two <h1>",
                shown(self.opts.title, 60)
            ),
            "remove this heading: the theme already shows `title` from the front matter as the page's heading"
                .to_owned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::foreign;

    #[test]
    fn foreign_syntax_says_what_to_write() {
        let known = vec!["note".to_owned(), "video".to_owned()];
        for (tag, wants) in [
            (
                "{% include figure.html filename=\"a.png\" caption=\"x\" %}",
                "![What the image shows]",
            ),
            ("{{< figure src=\"a.png\" >}}", "alone in its paragraph"),
            ("{{% notice warning %}}", "{% note() %}"),
            ("{% include youtube.html id=\"x\" %}", "embed(url="),
            ("{{ site.baseurl }}", "@/path"),
            ("{{ '/assets/x.png' | relative_url }}", "@/path"),
            ("{% highlight python %}", "fenced code block"),
            ("{{ page.title }}", "write the text itself"),
            ("{% if x %}", "template logic"),
            ("{{< ref \"a.md\" >}}", "@/path"),
            ("{% weird %}", "note, video"),
        ] {
            let (message, help) = foreign(tag, &known);
            assert!(help.contains(wants), "{tag}: {help}");
            assert!(message.contains("is not aula syntax"), "{message}");
        }
    }
}
