//! The assembled site: every page with its URL, its translations, courses
//! with their ordered modules, and the section lists.
//!
//! Built once from the parsed documents and then only read. URLs are
//! decided here ([`urls`]), course order and module navigation too
//! ([`courses`]); pages with no file of their own (a generated home, a
//! page shown in a fallback language) are [`PageSource`] variants, never
//! fake documents (`missing.rs`). Collisions, bad slugs and dangling course
//! references are caught here. See `ARCHITECTURE.md`.

pub mod courses;
mod missing;
pub mod urls;

pub use courses::{Course, ModuleNav, course_key, order_key};
pub use urls::{LinkStyle, relative};

use crate::config::Config;
use crate::content::front::FrontMatter;
use crate::content::{Content, Document, Kind, Section};
use crate::diagnostic::Diagnostic;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

/// Where a page's text comes from.
#[derive(Debug, Clone)]
pub enum PageSource {
    /// A file of `content/` in the page's own language.
    File(Arc<Document>),
    /// A page missing in its language, showing the text of another
    /// translation under the `notice` policy.
    Fallback(Arc<Document>),
    /// A home or section list that `content/` lacks, made by aula.
    Generated,
}

/// One output page.
#[derive(Debug)]
pub struct Page {
    /// Translation key (`courses/hybrid-teaching/01-first-steps`).
    pub key: String,
    /// The language whose tree the page is in.
    pub lang: String,
    pub kind: Kind,
    pub source: PageSource,
    /// Link target relative to the site root (`es/cursos/x/`).
    pub url: String,
    /// Output folder relative to the site root (`es/cursos/x`).
    pub dir: String,
    /// For courses and modules: index into [`Site::courses`].
    pub course: Option<usize>,
    /// For modules: their place in the course's outline.
    pub nav: Option<ModuleNav>,
    /// Language the text is written in: the page's language, except for a
    /// page shown in a fallback language.
    pub text_lang: String,
}

/// The front matter of pages that have none.
static NO_FRONT: std::sync::LazyLock<FrontMatter> = std::sync::LazyLock::new(FrontMatter::default);

impl Page {
    fn new(source: PageSource, key: String, lang: String, kind: Kind) -> Page {
        let text_lang = match &source {
            PageSource::Fallback(d) => d.lang.clone(),
            _ => lang.clone(),
        };
        Page {
            key,
            lang,
            kind,
            source,
            url: String::new(),
            dir: String::new(),
            course: None,
            nav: None,
            text_lang,
        }
    }

    /// The parsed file whose text the page shows, if any.
    pub fn doc(&self) -> Option<&Document> {
        match &self.source {
            PageSource::File(d) | PageSource::Fallback(d) => Some(d),
            PageSource::Generated => None,
        }
    }
    /// Whether this page shows another language's text because it is not
    /// translated (policy `notice`).
    pub fn is_fallback(&self) -> bool {
        matches!(self.source, PageSource::Fallback(_))
    }
    /// Made by aula, with no source file.
    pub fn is_generated(&self) -> bool {
        matches!(self.source, PageSource::Generated)
    }
    pub fn front(&self) -> &FrontMatter {
        self.doc().map_or(&NO_FRONT, |d| &d.front)
    }
    pub fn body(&self) -> &str {
        self.doc().map_or("", Document::body)
    }
    /// The text of the page's source file, for a message that shows one
    /// of its lines (see [`Document::text`]); empty for generated pages.
    pub fn text(&self, root: &Path) -> std::borrow::Cow<'_, str> {
        self.doc().map_or("".into(), |d| d.text(root))
    }
    /// The source file as shown in messages; empty for generated pages.
    pub fn path(&self) -> &Path {
        self.doc().map_or(Path::new(""), |d| d.path.as_path())
    }
    /// Folder of the source inside `content/` (`courses/x`), "" at the top.
    pub fn folder(&self) -> &str {
        self.key.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }
    /// The section the page belongs to (its policy group), if any.
    pub fn section(&self) -> Option<Section> {
        Section::of_key(&self.key)
    }
    /// Relative path from this page to the site root (`../../`).
    pub fn root(&self) -> String {
        "../".repeat(self.dir.split('/').filter(|s| !s.is_empty()).count())
    }
    fn describe(&self) -> String {
        match self.doc() {
            Some(d) => crate::diagnostic::slashed(&d.path),
            None => format!("the generated {} page", self.kind.name()),
        }
    }
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub links: LinkStyle,
    /// Sorted by (key, lang).
    pub pages: Vec<Page>,
    /// Key to language to page.
    pub translations: HashMap<String, BTreeMap<String, usize>>,
    pub courses: Vec<Course>,
    /// Language to section to pages listed there, in order.
    pub sections: BTreeMap<String, BTreeMap<Section, Vec<usize>>>,
    /// Non-Markdown files under content/.
    pub assets: BTreeSet<String>,
}

/// Where an internal link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub page: usize,
}

impl Site {
    pub fn assemble(
        config: Config,
        content: Content,
        links: LinkStyle,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut pages: Vec<Page> = content
            .documents
            .into_iter()
            .map(|d| {
                let (key, lang, kind) = (d.key.clone(), d.lang.clone(), d.kind);
                Page::new(PageSource::File(d), key, lang, kind)
            })
            .collect();
        missing::add_generated(&config, &mut pages);
        missing::add_fallbacks(&config, &mut pages);
        pages.sort_by(|a, b| (&a.key, &a.lang).cmp(&(&b.key, &b.lang)));
        let mut translations: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
        for (i, p) in pages.iter().enumerate() {
            translations
                .entry(p.key.clone())
                .or_default()
                .insert(p.lang.clone(), i);
        }
        let (dirs, mut errors) = place_pages(&config, &pages, &translations);
        errors.extend(urls::check_collisions(&pages, &dirs));
        let (mut courses, course_index) = courses::collect(&pages);
        let exists = |key: &str| translations.contains_key(key);
        errors.extend(courses::check_references(&pages, &exists, &courses));
        errors.extend(courses::check_cycles(&pages));
        courses::link_itineraries(&pages, &mut courses, &course_index);
        if !errors.is_empty() {
            return Err(errors);
        }
        for (p, dir) in pages.iter_mut().zip(dirs) {
            p.dir = dir.expect("every page has a URL once errors are ruled out");
            p.url = links.url(&p.dir);
            if matches!(p.kind, Kind::Course | Kind::Module) {
                p.course = course_index.get(p.folder()).copied();
            }
        }
        let mut site = Site {
            config,
            links,
            pages,
            translations,
            courses,
            sections: BTreeMap::new(),
            assets: content.assets,
        };
        site.order_lists();
        Ok(site)
    }

    /// The first real translation of `key` along `lang`'s fallback chain.
    pub fn chain_page(&self, key: &str, lang: &str) -> Option<usize> {
        let langs = self.translations.get(key)?;
        let chain = &self.config.language(lang)?.fallback;
        chain
            .iter()
            .filter_map(|l| langs.get(l))
            .copied()
            .find(|&i| !self.pages[i].is_fallback())
    }

    /// The real page whose text a page shows: itself, or for a notice page
    /// the translation it falls back to.
    pub fn text_source(&self, i: usize) -> usize {
        let p = &self.pages[i];
        if p.is_fallback() {
            self.page(&p.key, &p.text_lang).unwrap_or(i)
        } else {
            i
        }
    }

    /// The page for `key` in `lang`, if that translation exists.
    pub fn page(&self, key: &str, lang: &str) -> Option<usize> {
        self.translations.get(key)?.get(lang).copied()
    }

    /// The page of `key` to show in `lang`: its own, else the first real
    /// translation along the fallback chain.
    pub fn page_or_fallback(&self, key: &str, lang: &str) -> Option<usize> {
        self.listed(key, lang)
    }

    /// The home page of a language (always exists: generated if needed).
    pub fn home(&self, lang: &str) -> usize {
        self.page("_index", lang)
            .expect("a home page exists for every language")
    }

    /// The list page of a section in a language (always exists).
    pub fn section_page(&self, section: Section, lang: &str) -> Option<usize> {
        self.page(&format!("{}/_index", section.folder()), lang)
    }

    /// Link from page `from` to the site-root-relative `url`, as short as possible.
    pub fn href(&self, from: usize, url: &str) -> String {
        relative(&self.pages[from].dir, url)
    }

    /// Resolves the path of an `@/` link (`courses/x/01-a.md`) for page `from`.
    pub fn resolve(&self, from: usize, path: &str) -> Result<Target, (String, String)> {
        let page = &self.pages[from];
        let trimmed = path.trim_start_matches('/');
        let stem = trimmed.strip_suffix(".md").unwrap_or(trimmed);
        let explicit = stem
            .rsplit_once('.')
            .and_then(|(base, suffix)| Some((base, self.config.resolve_language(suffix)?)));
        let (mut key, lang) = match explicit {
            Some((base, l)) => (base.to_string(), l.code.clone()),
            None => (stem.to_string(), page.lang.clone()),
        };
        if !self.translations.contains_key(&key)
            && self.translations.contains_key(&format!("{key}/_index"))
        {
            key = format!("{key}/_index");
        }
        if key.is_empty() {
            key = "_index".into();
        }
        let Some(langs) = self.translations.get(&key) else {
            let hint = crate::diagnostic::did_you_mean(&key, self.translations.keys().map(String::as_str))
                .map(|s| format!("did you mean `@/{s}.md`?"))
                .unwrap_or_else(|| "the path is relative to content/, e.g. `@/courses/hybrid-teaching/01-first-steps.md`".into());
            return Err((
                format!("broken internal link `@/{path}`: no page `{key}`"),
                hint,
            ));
        };
        match langs
            .get(&lang)
            .copied()
            .or_else(|| self.chain_page(&key, &lang))
        {
            Some(i) => Ok(Target { page: i }),
            None => Err((
                format!("broken internal link `@/{path}`: the page has no `{lang}` translation"),
                format!(
                    "it exists in {}; translate it or link to another page",
                    langs.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// The pages of a language's Atom feed: its real pages of the kinds
    /// that go into feeds and that carry an `updated` date.
    pub fn feed_pages(&self, lang: &str) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| {
                let p = &self.pages[i];
                p.lang == lang
                    && !p.is_fallback()
                    && p.kind.spec().in_feed
                    && p.front().updated.is_some()
            })
            .collect()
    }

    /// Pages of one language, for summaries.
    pub fn count_by_language(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for p in &self.pages {
            *m.entry(p.lang.as_str()).or_insert(0) += 1;
        }
        m
    }
}

/// Every page's output folder (`None` where it has none, with the error
/// that says why unless a copy of another page's file is to blame).
fn place_pages(
    config: &Config,
    pages: &[Page],
    translations: &HashMap<String, BTreeMap<String, usize>>,
) -> (Vec<Option<String>>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    // Slugs first: a module's URL needs its course's slug.
    let slugs: Vec<Option<String>> = pages
        .iter()
        .map(|p| urls::own_slug(p).map_err(|e| errors.push(e)).ok())
        .collect();
    let slug_of = |key: &str, lang: &str| -> Option<&str> {
        let langs = translations.get(key)?;
        let i = langs
            .get(lang)
            .or_else(|| langs.get(&config.default_language))
            .or_else(|| langs.values().next())?;
        slugs[*i].as_deref()
    };
    let mut dirs = Vec::with_capacity(pages.len());
    for (p, slug) in pages.iter().zip(&slugs) {
        let (Some(lang), Some(slug)) = (config.language(&p.lang), slug) else {
            dirs.push(None);
            continue;
        };
        let course_key = format!("{}/_index", p.folder());
        let course_slug = slug_of(&course_key, &p.lang);
        // Reported once, for the file itself, not for its notice copies.
        let report = !p.is_fallback();
        match urls::folder(p, lang, slug, course_slug) {
            Ok(Some(dir)) => {
                if let Err(e) = urls::check_length(p, &dir) {
                    errors.push(e);
                    dirs.push(None);
                    continue;
                }
                dirs.push(Some(dir));
            }
            Ok(None) => {
                if report && !translations.contains_key(&course_key) {
                    errors.push(
                        Diagnostic::error(format!(
                            "module of a course that has no `{course_key}.<lang>.md`"
                        ))
                        .file(p.path())
                        .help(format!(
                            "create content/{course_key}.{}.md with the course's title",
                            p.lang
                        )),
                    );
                }
                dirs.push(None);
            }
            Err(e) => {
                if report {
                    errors.push(e);
                }
                dirs.push(None);
            }
        }
    }
    (dirs, errors)
}
