//! Search: a search page in every language (`<lang>/search/`) and, with
//! the `search` cargo feature, one Pagefind bundle under `pagefind/` that
//! indexes every page in its own language.
//!
//! The bundle is Pagefind's (1.6): its script and WebAssembly search it in
//! the browser. aula makes the index files itself, in three steps:
//! `digest` reads each page's text from the HTML as published (minified,
//! what Pagefind's own parser would read of `public/`); `words` gives the
//! words Pagefind indexes for each word of it (normalised, without
//! diacritics, stemmed, compound parts); `bundle` writes one language's
//! word index, fragments and metadata file in Pagefind's format. The
//! browser's files (`pagefind.js`, a WebAssembly stemmer per language)
//! still come from the Pagefind library (`assets`). Each page is indexed
//! in its own `<html lang>`, and the browser loads only the language of
//! the page that searches. Notice pages (a missing translation shown in
//! another language) are not indexed at all: their text is indexed once,
//! in its own language, so a Portuguese search never returns a
//! Spanish-only page. Pages aula generates (lists with no text of their
//! own) are not indexed either.
//!
//! The index is made last, once the packages are made and (in `aula
//! build`) the Markdown bodies freed: languages are indexed one at a time
//! on the job's thread ([`Job::spawn`]), each language's pages read (back
//! from the output's temporary folder, in `aula build`) in batches, in
//! parallel, while the build writes the other files; no page's text is
//! held before. In `aula build` each file of the bundle is written into
//! the output's temporary folder as soon as it is made
//! ([`Job::writing_into`]) and only its path is kept. A build kept in
//! memory (`build::Session`, tests) keeps the bundle for the next under
//! the fingerprint of the indexed pages' bytes. The theme's `search.js`
//! (not Pagefind's UI) loads the bundle only once the learner types.

#[cfg(feature = "search")]
mod bundle;
#[cfg(feature = "search")]
pub mod digest;
#[cfg(feature = "search")]
mod page_words;
#[cfg(feature = "search")]
mod words;

use super::{Files, Input};
use crate::diagnostic::{Diagnostic, Kind};
use crate::memo::Memo;
use crate::output::Data;
use crate::render::views::search_dir;
use serde::Serialize;
use std::sync::Arc;

/// The bundle's folder at the site root.
pub const BUNDLE: &str = "pagefind";

/// Files by path from the site root: the bundle, its files' bytes or
/// (in a build that writes) where each was written.
type Named = Vec<(String, Data)>;

/// The files of the bundle, kept between builds.
pub type Bundle = Arc<Named>;

/// Whether this binary indexes (the `search` cargo feature).
pub const ENABLED: bool = cfg!(feature = "search");

/// The indexing of one build, made by [`job`] once every page is
/// published (shaped as written) and handed to [`finish`]: it holds the
/// pages as [`Files`] has them (shared bytes, or the path of the file
/// written) and nothing else, so it can run while other files are
/// written, reading each language's pages only when it indexes them.
pub struct Job {
    pages: Pages,
    /// The bundle is kept for a next build (a build in memory): the
    /// pages' bytes are its fingerprint.
    memo: bool,
    /// The output's temporary folder, where each language's index files
    /// are written as soon as they are made (a build that writes).
    folder: Option<std::path::PathBuf>,
}

/// What a [`Job`] made: the bundle with its fingerprint, or why not.
pub type Made = Result<(u64, Bundle), Failed>;

/// Why a [`Job`] made no bundle.
#[derive(Debug, PartialEq, Eq)]
pub enum Failed {
    /// A page written into the output's temporary folder could not be
    /// read back, or a file of the bundle not written there.
    Unreadable(String),
    /// Something aula or Pagefind should never do.
    Bug(String),
}

/// The pages to index, by the language Pagefind will read in their
/// `<html lang>`, expected to be the page's own language in lowercase
/// (the theme's `base.html` writes it): each page's URL from the site
/// root with a leading `/`, its place among the site's pages and its
/// published bytes. In page order.
type Pages = std::collections::BTreeMap<String, Vec<(String, Published)>>;

/// A page to index as [`Files`] has it.
struct Published {
    /// Its place among the site's pages.
    #[cfg_attr(not(feature = "search"), allow(dead_code))]
    at: usize,
    data: Data,
}

/// Why a language was not indexed.
#[cfg_attr(not(feature = "search"), allow(dead_code))]
enum Unindexed {
    Failed(Failed),
    /// A page's `<html lang>` is not its expected language (a theme that
    /// writes another): the pages must be read before they are grouped.
    Moved,
}

#[cfg(feature = "search")]
impl From<bundle::Unwritten> for Failed {
    fn from(e: bundle::Unwritten) -> Failed {
        Failed::Unreadable(e.0)
    }
}

#[cfg(feature = "search")]
impl From<bundle::Unwritten> for Unindexed {
    fn from(e: bundle::Unwritten) -> Unindexed {
        Unindexed::Failed(e.into())
    }
}

impl Job {
    /// Indexes, or (a build in memory) takes the bundle from `previous`
    /// when no indexed page changed. Languages are indexed one at a time,
    /// each language's pages read in batches on all cores (the next batch
    /// read while one is merged): a language's words are held until its
    /// index is made, so memory holds one language's index, and two
    /// batches of pages, while the rest of the build runs.
    pub fn run(self, previous: &Memo<Bundle>) -> Made {
        let make = || {
            let folder = self.folder.as_deref();
            let languages = match self.by_language() {
                Ok(parts) => parts,
                Err(Unindexed::Failed(failed)) => return Err(failed),
                Err(Unindexed::Moved) => {
                    forget_written(folder)?;
                    by_read_language(&self.pages)?
                }
            };
            let (names, parts): (Vec<String>, Vec<Part>) = languages.into_iter().unzip();
            let languages: Vec<(&str, Part)> =
                names.iter().map(String::as_str).zip(parts).collect();
            let indexed: Vec<&str> = languages
                .iter()
                .filter(|(_, part)| part.entry.is_some())
                .map(|(l, _)| *l)
                .collect();
            let assets = assets(&indexed).map_err(Failed::Bug)?;
            assemble(languages, assets)
                .map(Arc::new)
                .map_err(Failed::Bug)
        };
        if self.memo {
            previous.get_or_make(BUNDLE, &Fingerprint(&self.pages), make)
        } else {
            make().map(|bundle| (0, bundle))
        }
    }

    /// The job, writing each language's files into `folder` (the output's
    /// temporary folder) as soon as they are made, so that the bundle's
    /// bytes are never all held.
    pub fn writing_into(self, folder: &std::path::Path) -> Job {
        Job {
            folder: Some(folder.to_path_buf()),
            ..self
        }
    }

    /// Every language's index, in order, each in the language it was
    /// expected in; the first that fails stops them.
    fn by_language(&self) -> Result<Vec<(String, Part)>, Unindexed> {
        let folder = self.folder.as_deref();
        self.pages
            .iter()
            .map(|(language, pages)| {
                Ok((language.clone(), index_language(language, pages, folder)?))
            })
            .collect()
    }

    /// Starts [`Job::run`] on a thread of its own (named `search`).
    pub fn spawn(self, previous: Memo<Bundle>) -> Running {
        let thread = std::thread::Builder::new()
            .name("search".to_string())
            .spawn(move || self.run(&previous));
        Running { thread }
    }
}

/// The fingerprint of the pages a [`Job`] indexes: their languages, URLs
/// and bytes (a build in memory holds them all).
struct Fingerprint<'a>(&'a Pages);

impl std::hash::Hash for Fingerprint<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for (language, pages) in self.0 {
            language.hash(state);
            for (url, page) in pages {
                url.hash(state);
                match &page.data {
                    Data::Bytes(bytes) => bytes.hash(state),
                    Data::Copy(path) | Data::Written(path) => path.hash(state),
                }
            }
        }
    }
}

/// A [`Job`] running on its own thread.
pub struct Running {
    thread: std::io::Result<std::thread::JoinHandle<Made>>,
}

impl Running {
    /// Waits for the bundle.
    pub fn finish(self) -> Made {
        self.thread
            .map_err(|e| Failed::Bug(format!("no thread for indexing: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(Failed::Bug("the indexing thread panicked".to_string())))
    }
}

/// Adds the search pages to `files`, saying whether the site is indexed
/// (when [`ENABLED`] and `indexing`; the index itself is made by a
/// [`job`] once the pages are published).
///
/// `indexing` is false for `aula serve` and `aula check`: the index is
/// made whole, so every edit would index the whole site again; their
/// search pages say search is built by `aula build`.
pub fn add(input: &Input, indexing: bool, files: &mut Files) -> Vec<Diagnostic> {
    pages(input, ENABLED && indexing, files)
}

/// The indexing of every page with text of its own (not a notice page,
/// nor a list aula generates), as `files` has it once the pages are
/// published (minified, perhaps written): `None` without the `search`
/// feature. `memo`: the bundle is kept for a next build.
pub fn job(input: &Input, files: &Files, memo: bool) -> Option<Job> {
    if !ENABLED {
        return None;
    }
    let mut pages = Pages::new();
    for (at, p) in input.site.pages.iter().enumerate() {
        if p.is_fallback() || p.is_generated() {
            continue;
        }
        // A page that failed to render is not in `files` (its error is).
        if let Some(data) = files.get(&format!("{}/index.html", p.dir)) {
            let page = Published {
                at,
                data: data.clone(),
            };
            let url = format!("/{}", p.url);
            pages
                .entry(p.lang.to_lowercase())
                .or_default()
                .push((url, page));
        }
    }
    Some(Job {
        pages,
        memo,
        folder: None,
    })
}

/// Adds the bundle a [`Job`] made to `files`; returns this build's memo
/// of it and the problems found.
pub fn finish(made: Option<Made>, files: &mut Files) -> (Memo<Bundle>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut memo = Vec::new();
    match made {
        None => {}
        Some(Ok((fp, bundle))) => {
            for (path, data) in bundle.iter() {
                if let Err(c) = files.add(path.clone(), data.clone()) {
                    diags.push(super::taken(&c.path));
                }
            }
            memo.push((BUNDLE.to_string(), (fp, bundle)));
        }
        Some(Err(Failed::Unreadable(message))) => diags.push(
            Diagnostic::error(format!("the search index could not be built: {message}"))
                .kind(Kind::Io)
                .help("check that the disk has room and that nothing else changes the output folder while aula builds, then build again"),
        ),
        Some(Err(Failed::Bug(message))) => diags.push(
            Diagnostic::error(format!("the search index could not be built: {message}"))
                .kind(Kind::Other)
                .help("this is a bug in aula or Pagefind: please report it with the site that shows it; `cargo build --no-default-features` builds aula without search"),
        ),
    }
    (Memo::from_results(memo), diags)
}

#[cfg(feature = "search")]
use digest::Record;

/// What Pagefind is given of a page (`digest`), read from its bytes.
#[cfg(feature = "search")]
fn record(url: &str, page: &Data) -> Result<Record, Failed> {
    let html = page
        .read()
        .map_err(|e| Failed::Unreadable(format!("the page {url} could not be read back: {e}")))?;
    Ok(digest::record(&crate::text::lossy(&html), ROOT, &EXCLUDE))
}

/// The element whose text is indexed.
#[cfg(feature = "search")]
pub const ROOT: &str = "main";

/// What Pagefind reads of a page: `<main>` without the navigation
/// (breadcrumbs, table of contents, pager, course outline), lists of other
/// pages, metadata lines and a course's downloads (added to the published
/// page by the packages), so a page is found by its own text.
#[cfg(feature = "search")]
pub const EXCLUDE: [&str; 7] = [
    "nav",
    ".cards",
    ".meta",
    ".kicker",
    ".pdone",
    ".completion",
    ".downloads",
];

/// One language's index files and its line in the entry file: the
/// metadata file's hash and the number of pages (none when no page of the
/// language has a word to index).
struct Part {
    files: Named,
    entry: Option<(String, usize)>,
}

impl Part {
    /// No page with a word to index.
    const NONE: Part = Part {
        files: Vec::new(),
        entry: None,
    };

    #[cfg(feature = "search")]
    fn of(indexed: Option<bundle::Indexed>) -> Part {
        match indexed {
            Some(i) => Part {
                files: i.files,
                entry: Some((i.hash, i.page_count)),
            },
            None => Part::NONE,
        }
    }
}

/// The version of Pagefind whose files `bundle` writes; [`assets`] checks
/// that the Pagefind aula is built with is that one.
#[cfg_attr(not(feature = "search"), allow(dead_code))]
const PAGEFIND_VERSION: &str = "1.6.0";

/// The index of one language's pages, each read as its batch is; a page
/// whose `<html lang>` is another language stops it ([`Unindexed::Moved`]).
#[cfg(feature = "search")]
fn index_language(
    language: &str,
    pages: &[(String, Published)],
    folder: Option<&std::path::Path>,
) -> Result<Part, Unindexed> {
    let out = folder.map_or(bundle::Out::Memory, bundle::Out::Folder);
    bundle::index(language, pages, PAGEFIND_VERSION, out, |url, page| {
        let r = record(url, &page.data).map_err(Unindexed::Failed)?;
        if r.language == language {
            Ok(std::borrow::Cow::Owned(r))
        } else {
            Err(Unindexed::Moved)
        }
    })
    .map(Part::of)
}

#[cfg(not(feature = "search"))]
fn index_language(
    _: &str,
    _: &[(String, Published)],
    _: Option<&std::path::Path>,
) -> Result<Part, Unindexed> {
    Ok(Part::NONE)
}

/// Removes the files languages indexed before a page said another
/// language wrote into `folder`: every language is indexed again.
/// Nothing else is in the bundle's folder yet (the site's own files
/// there are written with the bundle).
fn forget_written(folder: Option<&std::path::Path>) -> Result<(), Failed> {
    let Some(bundle) = folder.map(|f| f.join(BUNDLE)) else {
        return Ok(());
    };
    match std::fs::remove_dir_all(&bundle) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Failed::Unreadable(format!(
            "the folder {} could not be emptied: {e}",
            bundle.display()
        ))),
        _ => Ok(()),
    }
}

/// Every language's index when a page's `<html lang>` is not its own
/// language: every page read first, in page order, and grouped by the
/// language its HTML gives, as Pagefind groups them (all the pages'
/// records held at once).
#[cfg(feature = "search")]
fn by_read_language(pages: &Pages) -> Result<Vec<(String, Part)>, Failed> {
    use rayon::prelude::*;
    let mut all: Vec<&(String, Published)> = pages.values().flatten().collect();
    all.sort_by_key(|(_, page)| page.at);
    let read: Vec<(String, Record)> = all
        .par_iter()
        .map(|(url, page)| Ok((url.clone(), record(url, &page.data)?)))
        .collect::<Result<_, Failed>>()?;
    let mut by_language = std::collections::BTreeMap::<String, Vec<(String, Record)>>::new();
    for (url, r) in read {
        by_language
            .entry(r.language.clone())
            .or_default()
            .push((url, r));
    }
    by_language
        .iter()
        .map(|(language, pages)| {
            let indexed = bundle::index(
                language,
                pages,
                PAGEFIND_VERSION,
                bundle::Out::Memory,
                |_, r| Ok::<_, Failed>(std::borrow::Cow::Borrowed(r)),
            )?;
            Ok((language.clone(), Part::of(indexed)))
        })
        .collect()
}

#[cfg(not(feature = "search"))]
fn by_read_language(_: &Pages) -> Result<Vec<(String, Part)>, Failed> {
    Ok(Vec::new())
}

/// The browser's side of the bundle, made by Pagefind: its script and
/// the WebAssembly of each language.
struct Assets {
    files: Named,
    /// Languages with a WebAssembly stemmer of their own.
    wasm: std::collections::BTreeSet<String>,
}

/// Pagefind's browser files for `languages`: Pagefind is asked for the
/// bundle of one one-word page per language, and everything but that
/// page's index is kept.
#[cfg(feature = "search")]
fn assets(languages: &[&str]) -> Result<Assets, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| e.to_string())?;
    let made = runtime.block_on(async {
        let config = PagefindServiceConfig::builder().build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for language in languages {
            index
                .add_custom_record(
                    format!("/{language}/"),
                    "aula".to_string(),
                    language.to_string(),
                    None,
                    None,
                    None,
                )
                .await
                .map_err(|e| e.to_string())?;
        }
        index.get_files().await.map_err(|e| e.to_string())
    })?;
    let mut assets = Assets {
        files: Vec::new(),
        wasm: Default::default(),
    };
    for f in made {
        let name = f.filename.to_string_lossy().replace('\\', "/");
        if name == "pagefind-entry.json" {
            let entry: serde_json::Value =
                serde_json::from_slice(&f.contents).map_err(|e| format!("{ENTRY}: {e}"))?;
            if entry["version"] != PAGEFIND_VERSION {
                return Err(format!(
                    "aula writes the index of Pagefind {PAGEFIND_VERSION} but is built with Pagefind {}",
                    entry["version"]
                ));
            }
        } else if let Some(language) = name
            .strip_prefix("wasm.")
            .and_then(|n| n.strip_suffix(".pagefind"))
        {
            if language != "unknown" {
                assets.wasm.insert(language.to_string());
            }
            assets.files.push((
                format!("{BUNDLE}/{name}"),
                Data::Bytes(Arc::from(f.contents)),
            ));
        } else if wanted(&name) && !name.ends_with(".pf_meta") && !name.contains('/') {
            assets.files.push((
                format!("{BUNDLE}/{name}"),
                Data::Bytes(Arc::from(f.contents)),
            ));
        }
    }
    Ok(assets)
}

#[cfg(not(feature = "search"))]
fn assets(_: &[&str]) -> Result<Assets, String> {
    Ok(Assets {
        files: Vec::new(),
        wasm: Default::default(),
    })
}

/// The entry file the browser reads first (Pagefind's
/// `PagefindEntryMeta`, fields in its order).
#[derive(Serialize)]
struct Entry<'a> {
    version: &'a str,
    languages: std::collections::BTreeMap<&'a str, EntryLanguage<'a>>,
    include_characters: &'a [char],
}

#[derive(Serialize)]
struct EntryLanguage<'a> {
    hash: &'a str,
    wasm: Option<&'a str>,
    page_count: usize,
}

/// The entry file.
const ENTRY: &str = "pagefind/pagefind-entry.json";

/// The bundle: every language's index, Pagefind's browser files and the
/// entry file that lists the languages. No two files may share a name.
fn assemble(languages: Vec<(&str, Part)>, assets: Assets) -> Result<Named, String> {
    let mut out = std::collections::BTreeMap::<String, Data>::new();
    let mut entry = Entry {
        version: PAGEFIND_VERSION,
        languages: Default::default(),
        include_characters: &WORD_SYMBOLS,
    };
    let mut files = assets.files;
    for (language, part) in &languages {
        if let Some((hash, page_count)) = &part.entry {
            entry.languages.insert(
                language,
                EntryLanguage {
                    hash,
                    wasm: assets.wasm.contains(*language).then_some(*language),
                    page_count: *page_count,
                },
            );
        }
    }
    let bytes = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
    files.push((ENTRY.to_string(), Data::Bytes(Arc::from(bytes))));
    for (path, bytes) in files
        .into_iter()
        .chain(languages.into_iter().flat_map(|(_, p)| p.files))
    {
        if out.insert(path.clone(), bytes).is_some() {
            return Err(format!("two files of the search bundle are named {path}"));
        }
    }
    Ok(out.into_iter().collect())
}

/// Symbols Pagefind counts as part of a word (its `include_characters`).
#[cfg(feature = "search")]
use words::WORD_SYMBOLS;
#[cfg(not(feature = "search"))]
const WORD_SYMBOLS: [char; 0] = [];

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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> (String, Data) {
        (path.to_string(), Data::Bytes(Arc::from(text.as_bytes())))
    }

    fn bytes(data: &Data) -> Vec<u8> {
        data.read().expect("readable").into_owned()
    }

    fn part(hash: &str, pages: usize, files: &[(&str, &str)]) -> Part {
        Part {
            files: files.iter().map(|(p, t)| file(p, t)).collect(),
            entry: Some((hash.to_string(), pages)),
        }
    }

    /// The entry file lists every language with an index, with its
    /// WebAssembly only where Pagefind has one; the files of all languages
    /// and Pagefind's own are put together.
    #[test]
    fn the_languages_indexes_and_pagefinds_files_make_one_bundle() {
        let assets = Assets {
            files: vec![
                file("pagefind/pagefind.js", "script"),
                file("pagefind/wasm.es.pagefind", "es"),
            ],
            wasm: ["es".to_string()].into(),
        };
        let languages = vec![
            (
                "es",
                part("es_1", 2, &[("pagefind/pagefind.es_1.pf_meta", "es")]),
            ),
            (
                "gn",
                part("gn_1", 1, &[("pagefind/pagefind.gn_1.pf_meta", "gn")]),
            ),
            ("pt", Part::NONE),
        ];
        let bundle = assemble(languages, assets).expect("assembles");
        let names: Vec<&str> = bundle.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                ENTRY,
                "pagefind/pagefind.es_1.pf_meta",
                "pagefind/pagefind.gn_1.pf_meta",
                "pagefind/pagefind.js",
                "pagefind/wasm.es.pagefind",
            ]
        );
        let entry: serde_json::Value = serde_json::from_slice(&bytes(&bundle[0].1)).unwrap();
        assert_eq!(entry["version"], PAGEFIND_VERSION);
        assert_eq!(entry["languages"]["es"]["page_count"], 2);
        assert_eq!(entry["languages"]["es"]["wasm"], "es");
        assert_eq!(entry["languages"]["gn"]["hash"], "gn_1");
        assert!(entry["languages"]["gn"]["wasm"].is_null());
        assert!(entry["languages"].get("pt").is_none(), "no words, no index");
    }

    /// A page in `lang` whose `<html lang>` says `says`.
    #[cfg(feature = "search")]
    fn html(says: &str, word: &str) -> Data {
        Data::Bytes(Arc::from(format!(
            "<!DOCTYPE html><html lang=\"{says}\"><body><main><h1>{word}</h1><p>{word} {says}</p></main></body></html>"
        ).into_bytes()))
    }

    /// A job of `pages`: (expected language, language its HTML says,
    /// word), in page order.
    #[cfg(feature = "search")]
    fn job_of(pages: &[(&str, &str, &str)], memo: bool) -> Job {
        let mut grouped = Pages::new();
        for (at, (lang, says, word)) in pages.iter().enumerate() {
            let page = Published {
                at,
                data: html(says, word),
            };
            grouped
                .entry(lang.to_string())
                .or_default()
                .push((format!("/{lang}/{word}/"), page));
        }
        Job {
            pages: grouped,
            memo,
            folder: None,
        }
    }

    #[cfg(feature = "search")]
    fn job() -> Job {
        job_of(
            &[
                ("en", "en", "garden"),
                ("es", "es", "jardín"),
                ("pt", "pt", "jardim"),
            ],
            false,
        )
    }

    /// On a thread of its own, the job makes the bundle it makes on the
    /// calling thread: an index and a stemmer of each language.
    #[cfg(feature = "search")]
    #[test]
    fn a_job_on_its_own_thread_makes_the_same_bundle() {
        let alone = job().run(&Memo::default()).expect("indexes").1;
        let langs: Vec<&str> = alone
            .iter()
            .filter_map(|(p, _)| p.strip_prefix("pagefind/wasm.")?.strip_suffix(".pagefind"))
            .collect();
        // Pagefind adds its stemmer-less `unknown` to every bundle.
        assert_eq!(langs, ["en", "es", "pt", "unknown"]);
        let metas = alone
            .iter()
            .filter(|(p, _)| p.ends_with(".pf_meta"))
            .count();
        assert_eq!(metas, 3);
        let made = job().spawn(Memo::default()).finish();
        assert_eq!(made.expect("indexes").1, alone);
    }

    /// A page whose `<html lang>` is not its language (a theme that
    /// writes another) is indexed in the language its HTML says, as
    /// Pagefind groups pages, in page order.
    #[cfg(feature = "search")]
    #[test]
    fn a_page_whose_html_says_another_language_is_indexed_in_that_one() {
        let moved = job_of(
            &[
                ("es", "es", "jardín"),
                ("es", "en", "garden"),
                ("en", "en", "tree"),
            ],
            false,
        );
        let read = job_of(
            &[
                ("es", "es", "jardín"),
                ("en", "en", "garden"),
                ("en", "en", "tree"),
            ],
            false,
        );
        // The URLs are the same: each page's URL comes from its language.
        let urls = |job: &Job| {
            let mut all: Vec<String> = job
                .pages
                .values()
                .flatten()
                .map(|(u, _)| u.clone())
                .collect();
            all.sort();
            all
        };
        assert_ne!(urls(&moved), urls(&read), "the URLs name the language");
        let moved = moved.run(&Memo::default()).expect("indexes").1;
        let pages: Vec<&str> = moved
            .iter()
            .filter_map(|(p, _)| {
                p.strip_prefix("pagefind/pagefind.")?
                    .strip_suffix(".pf_meta")
            })
            .map(|hash| &hash[..2])
            .collect();
        assert_eq!(pages, ["en", "es"], "an index of each language");
        let entry: serde_json::Value = serde_json::from_slice(&bytes(
            &moved.iter().find(|(p, _)| p == ENTRY).expect("entry").1,
        ))
        .expect("JSON");
        assert_eq!(entry["languages"]["en"]["page_count"], 2);
        assert_eq!(entry["languages"]["es"]["page_count"], 1);
    }

    /// Written into the output's folder as made, the bundle is the one
    /// kept in memory; when a page says another language, what the
    /// first indexing wrote is removed, so the folder holds exactly the
    /// bundle's files.
    #[cfg(feature = "search")]
    #[test]
    fn a_bundle_written_as_made_is_the_bundle_in_memory_and_nothing_more() {
        let moved = [
            ("es", "es", "jardín"),
            ("es", "en", "garden"),
            ("en", "en", "tree"),
            ("pt", "pt", "jardim"),
        ];
        for pages in [&moved[..], &moved[2..]] {
            let kept = job_of(pages, false)
                .run(&Memo::default())
                .expect("indexes")
                .1;
            let dir = tempfile::tempdir().unwrap();
            let written = job_of(pages, false)
                .writing_into(dir.path())
                .spawn(Memo::default())
                .finish()
                .expect("indexes")
                .1;
            let names = |b: &Named| b.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
            assert_eq!(names(&written), names(&kept));
            for ((path, data), (_, same)) in written.iter().zip(kept.iter()) {
                assert_eq!(bytes(data), bytes(same), "{path}");
            }
            let mut on_disk: Vec<String> = walkdir::WalkDir::new(dir.path())
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    let rel = e.path().strip_prefix(dir.path()).unwrap();
                    rel.to_string_lossy().replace('\\', "/")
                })
                .collect();
            on_disk.sort();
            let streamed: Vec<String> = written
                .iter()
                .filter(|(_, d)| matches!(d, Data::Written(_)))
                .map(|(p, _)| p.clone())
                .collect();
            // Pages grouped again are indexed in memory (a rare theme).
            assert_eq!(streamed.is_empty(), pages.len() == moved.len());
            assert_eq!(on_disk, streamed, "no file of the first indexing is left");
        }
    }

    /// A written page that cannot be read back is an input/output error
    /// naming the page, not a bug.
    #[cfg(feature = "search")]
    #[test]
    fn a_page_that_cannot_be_read_back_is_an_io_error() {
        let mut job = job();
        let gone = std::env::temp_dir().join("aula-no-such-folder/es/jardin/index.html");
        job.pages.get_mut("es").expect("es")[0].1.data = Data::Written(gone);
        match job.run(&Memo::default()) {
            Err(Failed::Unreadable(message)) => {
                assert!(message.contains("/es/jardín/"), "{message}")
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
        let (_, diags) = finish(
            Some(Err(Failed::Unreadable("x".to_string()))),
            &mut Files::new(),
        );
        assert_eq!(diags[0].kind, Kind::Io);
    }

    /// A build kept in memory keeps the bundle under the fingerprint of
    /// the pages' bytes: the same pages reuse it, a changed page not.
    #[cfg(feature = "search")]
    #[test]
    fn the_bundle_is_reused_for_the_same_pages_only() {
        let pages = [("es", "es", "jardín"), ("en", "en", "garden")];
        let (fp, bundle) = job_of(&pages, true).run(&Memo::default()).expect("indexes");
        let memo = Memo::from_results([(BUNDLE.to_string(), (fp, Arc::clone(&bundle)))]);
        let (again, reused) = job_of(&pages, true).run(&memo).expect("reused");
        assert_eq!(again, fp);
        assert!(Arc::ptr_eq(&reused, &bundle), "not made again");
        let changed = [("es", "es", "jardines"), ("en", "en", "garden")];
        let (other, made) = job_of(&changed, true).run(&memo).expect("indexes");
        assert_ne!(other, fp);
        assert!(!Arc::ptr_eq(&made, &bundle));
    }

    #[test]
    fn two_files_of_one_name_are_an_error() {
        let assets = Assets {
            files: vec![file("pagefind/pagefind.js", "one")],
            wasm: Default::default(),
        };
        let languages = vec![("es", part("es_1", 1, &[("pagefind/pagefind.js", "two")]))];
        let err = assemble(languages, assets).unwrap_err();
        assert!(err.contains("pagefind/pagefind.js"), "{err}");
    }
}
