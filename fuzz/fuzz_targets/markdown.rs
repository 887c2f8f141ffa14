//! The whole Markdown-to-HTML render of one page body, under both raw-HTML
//! policies. Must never panic. With `raw_html = "escape"` (the default) no
//! input may produce a script element, an event-handler attribute or a
//! `javascript:` URL in the output.
#![no_main]

use aula::config::RawHtml;
use aula::highlight::Highlighter;
use aula::markdown::{self, LinkError, LinkTarget, Options};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn highlighter() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(Highlighter::new)
}

fn resolve(path: &str) -> Result<LinkTarget, LinkError> {
    if path.len().is_multiple_of(2) {
        Ok(LinkTarget {
            href: format!("../{}/", path.len()),
            page: path.len(),
            lang: (path.len() % 4 == 0).then(|| "es".to_owned()),
        })
    } else {
        Err(LinkError {
            message: format!("no page `{path}`"),
            help: "fix it".into(),
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let first_line = 1 + body.len() % 7;
    for raw_html in [RawHtml::Escape, RawHtml::Allow] {
        let labels = markdown::quiz::Labels::default();
        let opts = Options {
            first_line,
            raw_html,
            ..Options::new(highlighter(), &resolve, markdown::quiz::Context { key: "k", labels: &labels })
        };
        let r = markdown::render(body, &opts);
        let lines = body.split('\n').count();
        for e in &r.errors {
            assert!(e.line >= first_line && e.line < first_line + lines, "{e:?}");
            assert!(e.column >= 1 && !e.help.is_empty(), "{e:?}");
        }
        for a in &r.assets {
            assert!(
                !a.path.split('/').any(|s| s == ".." || s.is_empty()),
                "{a:?}"
            );
            assert!(!a.path.starts_with('/') && !a.path.contains('\\'), "{a:?}");
        }
        if raw_html == RawHtml::Escape
            && let Some(bad) = markdown::unsafe_markup(&r.html())
        {
            panic!("unsafe markup {bad:?} in escaped output:\n{}", r.html());
        }
    }
});
