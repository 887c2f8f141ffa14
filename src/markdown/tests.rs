//! Tests of [`render`] as a whole: helpers the concern files' tests share
//! (a fixed resolver, `md` for `raw_html = "allow"`, `safe` for the default
//! escape policy), and what belongs to no single concern: Markdown
//! extensions, the word count, hostile input and a snapshot of a whole page.

use super::{LinkError, LinkTarget, Options, Rendered, quiz, render};
use crate::config::RawHtml;
use crate::highlight::Highlighter;

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

pub(super) fn render_with(body: &str, first_line: usize) -> Rendered {
    let highlighter = Highlighter::new();
    let labels = quiz::Labels::default();
    let opts = Options {
        first_line,
        raw_html: RawHtml::Allow,
        ..Options::new(
            &highlighter,
            &resolve,
            quiz::Context {
                key: "courses/x/01-a",
                labels: &labels,
            },
        )
    };
    render(body, &opts)
}

/// Renders with every option given.
pub(super) fn render_full(
    body: &str,
    raw_html: RawHtml,
    media: super::Media,
    shortcodes: super::Shortcodes,
    title: &str,
) -> Rendered {
    let highlighter = Highlighter::new();
    let labels = quiz::Labels::default();
    let opts = Options {
        raw_html,
        title,
        lang: "es",
        media,
        shortcodes,
        ..Options::new(
            &highlighter,
            &resolve,
            quiz::Context {
                key: "courses/x/01-a",
                labels: &labels,
            },
        )
    };
    render(body, &opts)
}

pub(super) fn md(body: &str) -> Rendered {
    render_with(body, 1)
}

/// Renders with the strictest raw-HTML policy, `escape`.
pub(super) fn safe(body: &str) -> Rendered {
    let highlighter = Highlighter::new();
    let labels = quiz::Labels::default();
    let opts = Options {
        raw_html: RawHtml::Escape,
        ..Options::new(
            &highlighter,
            &resolve,
            quiz::Context {
                key: "courses/x/01-a",
                labels: &labels,
            },
        )
    };
    render(body, &opts)
}

#[test]
fn smart_punctuation() {
    let r = md("\"Hola\" -- it's... ok\n");
    assert_eq!(r.html, "<p>“Hola” – it’s… ok</p>\n");
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
fn word_count_skips_code_and_joins_smart_quotes() {
    let r = md(
        "# Title here\n\nOne *two* thr**ee** don't.\n\n```\nnot counted at all\n```\n\n- four `code`\n",
    );
    // Title here (2) + One two three don't (4) + four (1)
    assert_eq!(r.word_count, 7);
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

#[test]
fn a_packed_body_reads_back_the_same_html_and_holds_less() {
    let body =
        "## Sesión\n\nUn párrafo con *énfasis* y un [enlace](https://example.org).\n\n".repeat(40);
    let mut r = md(&body);
    let (html, toc) = (r.html.clone(), r.toc.clone());
    assert_eq!(r.html(), html.as_str(), "not packed: the field itself");
    assert_eq!(toc.len(), 40);
    r.pack(None);
    assert!(
        r.html.is_empty() && r.toc.is_empty(),
        "the fields are emptied: readers must use html() and toc()"
    );
    assert_eq!(r.html(), html.as_str());
    assert_eq!(r.toc(), toc);
    let packed = match &r.packed {
        Some(super::Packed::Held(bytes)) => bytes.len(),
        other => panic!("held in memory without a spill: {other:?}"),
    };
    assert!(
        packed > 0 && packed * 4 < html.len(),
        "{packed} of {}",
        html.len()
    );
    r.pack(None);
    assert_eq!(r.html(), html.as_str(), "packing twice changes nothing");
    let mut empty = md("");
    empty.pack(None);
    assert_eq!(empty.html(), "");
}

#[test]
fn a_body_set_aside_on_disk_reads_back_the_same_html_and_holds_only_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let spill = std::sync::Arc::new(crate::spill::Spill::create(&dir.path().join("b")).unwrap());
    let body = "## Sesión\n\nUn párrafo con *énfasis*.\n\n".repeat(20);
    let mut r = md(&body);
    let (html, toc) = (r.html.clone(), r.toc.clone());
    r.pack(Some(&spill));
    assert!(r.html.is_empty() && r.toc.is_empty());
    assert_eq!(r.toc(), toc);
    assert!(
        matches!(r.packed, Some(super::Packed::Spilled(..))),
        "{:?}",
        r.packed
    );
    assert_eq!(r.html(), html.as_str());
    let copy = r.clone();
    assert_eq!(copy.html(), html.as_str(), "a clone reads the same place");
    assert_eq!(spill.check(), Ok(()));
}

#[test]
fn a_body_the_disk_does_not_give_back_is_empty_and_fails_the_spill_check() {
    let dir = tempfile::tempdir().unwrap();
    let spill = std::sync::Arc::new(crate::spill::Spill::create(&dir.path().join("b")).unwrap());
    let mut r = md("Un párrafo.");
    // A slot past the end of the file: the read fails as a disk's would.
    r.packed = Some(super::Packed::Spilled(
        std::sync::Arc::clone(&spill),
        crate::spill::Slot::past_the_end_for_tests(),
    ));
    assert_eq!(r.html(), "");
    assert!(spill.check().is_err());
    r.packed_toc = r.packed.clone();
    assert!(r.toc().is_empty(), "nor its table of contents");
}

#[test]
fn slimming_drops_what_only_the_checks_read() {
    let mut r = md("## Uno {#uno}\n\nVer [dos](@/courses/x/_index.md#a).\n\n[^1]\n\n[^1]: Nota.\n");
    let (toc, words) = (r.toc.clone(), r.word_count);
    assert!(!r.anchors.is_empty() && !r.explicit_ids.is_empty());
    r.slim();
    assert!(r.anchors.is_empty() && r.explicit_ids.is_empty() && r.links.is_empty());
    assert!(r.errors.is_empty() && r.warnings.is_empty());
    assert_eq!(
        (r.toc, r.word_count),
        (toc, words),
        "what the pages read stays"
    );
}
