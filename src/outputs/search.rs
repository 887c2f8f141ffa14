//! Search: a search page in every language (`<lang>/search/`) and, with
//! the `search` cargo feature, one Pagefind bundle under `pagefind/` that
//! indexes every page in its own language.
//!
//! Pagefind is used as a library (`pagefind::api`): each page's HTML,
//! already rendered into [`Files`], is handed to it with the page's own
//! URL; Pagefind reads `<html lang>` and splits the bundle by language
//! (one index, metadata file and WebAssembly stemmer per language, all
//! under the one `pagefind/` folder), and the browser loads only the
//! language of the page that searches. Notice pages (a missing
//! translation shown in another language) are not indexed at all: their
//! text is indexed once, in its own language, so a Portuguese search never
//! returns a Spanish-only page. Pages aula generates (lists with no text
//! of their own) are not indexed either.
//!
//! Pagefind is async (tokio); it runs on a small current-thread runtime
//! made for the build and dropped after it. The bundle is cached between
//! `aula serve` rebuilds under the fingerprint of every indexed page's
//! HTML. The theme's `search.js` (not Pagefind's UI) loads the bundle
//! only once the learner types. Never writes to disk. See
//! `docs/search.md`.

use super::{Files, Input};
use crate::diagnostic::{Diagnostic, Kind};
use crate::memo::Memo;
use crate::output::Data;
use crate::render::views::search_dir;
use serde::Serialize;
use std::sync::Arc;

/// The bundle's folder at the site root.
pub const BUNDLE: &str = "pagefind";

/// Files by path from the site root, with their bytes: the pages handed
/// to Pagefind, or the bundle it made.
type Named = Vec<(String, Arc<[u8]>)>;

/// The files of the bundle, kept between builds.
pub type Bundle = Arc<Named>;

/// Whether this binary indexes (the `search` cargo feature).
pub const ENABLED: bool = cfg!(feature = "search");

/// Adds the search pages and, when [`ENABLED`] and `indexing`, the index of
/// every page already in `files`. Runs after the pages output. Returns
/// this build's memo of the bundle and the problems found.
///
/// `indexing` is false for `aula serve` and `aula check`: indexing costs
/// about 5 ms of CPU per page, more than the rest of the build, and
/// Pagefind cannot update an index, so every edit would index the whole
/// site again; their search pages say search is built by `aula build`.
pub fn add(
    input: &Input,
    previous: &Memo<Bundle>,
    indexing: bool,
    files: &mut Files,
) -> (Memo<Bundle>, Vec<Diagnostic>) {
    let mut diags = pages(input, ENABLED && indexing, files);
    let mut memo = Vec::new();
    if ENABLED && indexing {
        let docs = indexed_pages(input, files);
        let made = previous.get_or_make(BUNDLE, &docs, || index(&docs).map(Arc::new));
        match made {
            Ok((fp, bundle)) => {
                for (path, bytes) in bundle.iter() {
                    if let Err(d) = files.add_generated(path.clone(), Arc::clone(bytes)) {
                        diags.push(d);
                    }
                }
                memo.push((BUNDLE.to_string(), (fp, bundle)));
            }
            Err(message) => diags.push(
                Diagnostic::error(format!("the search index could not be built: {message}"))
                    .kind(Kind::Other)
                    .help("this is a bug in aula or Pagefind: please report it with the site that shows it; `cargo build --no-default-features` builds aula without search"),
            ),
        }
    }
    (Memo::from_results(memo), diags)
}

/// Every indexed page as (URL from the site root with a leading `/`, HTML):
/// pages with text of their own, in the language they are written in.
fn indexed_pages(input: &Input, files: &Files) -> Named {
    input
        .site
        .pages
        .iter()
        .filter(|p| !p.is_fallback() && !p.is_generated())
        .filter_map(|p| match files.get(&format!("{}/index.html", p.dir)) {
            Some(Data::Bytes(b)) => Some((format!("/{}", p.url), Arc::clone(b))),
            _ => None,
        })
        .collect()
}

/// What Pagefind reads of a page: `<main>` without the navigation
/// (breadcrumbs, table of contents, pager, course outline), lists of other
/// pages and metadata lines, so a page is found by its own text.
#[cfg(feature = "search")]
const EXCLUDE: [&str; 6] = ["nav", ".cards", ".meta", ".kicker", ".pdone", ".completion"];

/// Builds the Pagefind bundle from the pages' HTML.
#[cfg(feature = "search")]
fn index(pages: &Named) -> Result<Named, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .root_selector("main".to_string())
            .exclude_selectors(EXCLUDE.iter().map(|s| s.to_string()).collect())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for (url, html) in pages {
            let html = String::from_utf8_lossy(html).into_owned();
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .map_err(|e| format!("{url}: {e}"))?;
        }
        let made = index.get_files().await.map_err(|e| e.to_string())?;
        let mut out: Named = made
            .into_iter()
            .filter_map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                wanted(&name).then(|| (format!("{BUNDLE}/{name}"), Arc::from(f.contents)))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    })
}

#[cfg(not(feature = "search"))]
fn index(_: &Named) -> Result<Named, String> {
    Ok(Vec::new())
}

/// The bundle files the browser needs: Pagefind's own search UI, its
/// highlighter and playground are left out (the theme has its own box),
/// and its web worker (`search.js` searches on the page: one download
/// less, 43 KB).
#[cfg(feature = "search")]
fn wanted(name: &str) -> bool {
    !(name.starts_with("pagefind-ui.")
        || name.starts_with("pagefind-modular-ui.")
        || name.starts_with("pagefind-component-ui.")
        || name.starts_with("pagefind-highlight.")
        || name.starts_with("pagefind-worker.")
        || name.starts_with("playground/"))
}

#[derive(Serialize)]
struct PageView<'a> {
    title: String,
    url: &'a str,
    kind: &'static str,
    key: &'static str,
    summary: &'static str,
    has_code: bool,
    noindex: bool,
}

#[derive(Serialize)]
struct SwitchView<'a> {
    code: &'a str,
    name: &'a str,
    url: String,
    current: bool,
    exists: bool,
    text_lang: &'a str,
}

/// `search` in the search page's template.
#[derive(Serialize)]
struct SearchView<'a> {
    /// The index exists: the page loads `search.js`.
    enabled: bool,
    /// This aula can index, but this build did not (`aula serve`).
    skipped: bool,
    /// The bundle's script, from the site root.
    bundle: &'a str,
}

/// One search page per language, rendered with `search.html`.
fn pages(input: &Input, indexed: bool, files: &mut Files) -> Vec<Diagnostic> {
    if !input.theme.templates.contains_key("search.html") {
        return Vec::new();
    }
    let site = input.site;
    let langs = &site.config.languages;
    let mut errors = Vec::new();
    for lang in langs {
        let dir = search_dir(&lang.code);
        if let Some(p) = site.pages.iter().find(|p| p.dir == dir) {
            errors.push(
                Diagnostic::error(format!("this page takes {dir}/, the address of the search page"))
                    .file(p.path())
                    .kind(Kind::Content)
                    .help("give the page another `slug`: aula writes a search page at <language>/search/ in every language"),
            );
            continue;
        }
        let url = site.links.url(&dir);
        let mut ctx = input.shared.language_context(&lang.code, "../../");
        let title = input
            .i18n
            .translate(&lang.code, "search-title", None)
            .unwrap_or_else(|_| "Search".to_string());
        let page = PageView {
            title,
            url: &url,
            kind: "search",
            key: "",
            summary: "",
            has_code: false,
            noindex: false,
        };
        ctx.insert("page", &page);
        let switch: Vec<SwitchView> = langs
            .iter()
            .map(|l| SwitchView {
                code: &l.code,
                name: &l.name,
                url: site.links.url(&search_dir(&l.code)),
                current: l.code == lang.code,
                exists: true,
                text_lang: &l.code,
            })
            .collect();
        ctx.insert("translations", &switch);
        let bundle = format!("{BUNDLE}/pagefind.js");
        ctx.insert(
            "search",
            &SearchView {
                enabled: indexed,
                skipped: ENABLED && !indexed,
                bundle: &bundle,
            },
        );
        match input
            .renderer
            .render("search.html", &ctx, input.theme, None)
        {
            Ok(html) => {
                if let Err(d) = files.add_generated(format!("{dir}/index.html"), html.into_bytes())
                {
                    errors.push(d);
                }
            }
            Err(d) => errors.push(d),
        }
    }
    errors
}
