//! `course.downloads` on a course page: the offline package, the EPUB and
//! the printable course, each with its size.
//!
//! The sizes exist only once the packages are made, and the packages are
//! made from the rendered pages, so a course page is rendered twice: first
//! without downloads (that version goes into the course's own zip, which
//! does not offer itself), then, once the packages exist, again with them
//! (see `src/outputs/packages.rs`). Only course pages are rendered twice.
//! Builds values; never reads files.

use super::views;
use crate::i18n::I18n;
use crate::markdown::Rendered;
use crate::site::Site;
use crate::theme::Theme;
use serde::Serialize;
use tera::Value;

/// One download a course page offers.
#[derive(Debug, Clone, Serialize)]
pub struct Download {
    /// `zip`, `epub` or `print`.
    pub kind: &'static str,
    /// Relative to the site root, like every `url` templates see.
    pub url: String,
    pub bytes: u64,
    /// `bytes` for people: "84 KB", "1.2 MB" ("1,2 MB" in es and pt).
    pub size: String,
}

impl Download {
    pub fn new(kind: &'static str, url: String, bytes: u64, lang: &str) -> Download {
        Download {
            kind,
            url,
            bytes,
            size: crate::text::human_bytes(bytes, lang),
        }
    }
}

/// Course page `i` with `course.downloads`.
#[allow(clippy::too_many_arguments)]
pub fn course_page(
    renderer: &super::Renderer,
    theme: &Theme,
    i18n: &I18n,
    site: &Site,
    shared: &views::Shared,
    i: usize,
    body: &Rendered,
    downloads: &[Download],
) -> Result<String, crate::diagnostic::Diagnostic> {
    let p = &site.pages[i];
    let mut ctx = views::page_context(site, shared, i18n, i, body);
    if let Some(course) = ctx.get("course").cloned() {
        let mut map = course.into_map().unwrap_or_default();
        map.insert("downloads".into(), Value::from_serializable(&downloads));
        ctx.insert_value("course", Value::from(map));
    }
    let shown = p.doc().map(|d| d.path.as_path());
    renderer.render(p.kind.spec().template, &ctx, theme, shown)
}
