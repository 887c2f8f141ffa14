//! The assembled site: every page with its URL, its translations, courses
//! with their ordered modules, and the section lists.
//!
//! Built once from the parsed documents and then only read. This is where
//! URLs are decided (DESIGN.md §3) and where collisions, bad slugs and
//! dangling course references are caught. The per-course outlines are
//! computed here once, so rendering never scans course siblings per page.

use crate::config::{Config, Language};
use crate::content::{Content, Document, Kind, SECTIONS, front::FrontMatter};
use crate::diagnostic::Diagnostic;
use crate::slug::slugify;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// How the generator writes links to pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkStyle {
    /// `cursos/x/`: pretty, for web servers that serve `index.html`.
    #[default]
    Directory,
    /// `cursos/x/index.html`: for browsing `public/` from disk.
    File,
}

/// One output page.
#[derive(Debug)]
pub struct Page {
    pub doc: Arc<Document>,
    /// Link target relative to the site root (`es/cursos/x/`).
    pub url: String,
    /// Output folder relative to the site root (`es/cursos/x`).
    pub dir: String,
    /// For courses and modules: index into [`Site::courses`].
    pub course: Option<usize>,
    /// Made by aula (a home or section list with no source file).
    pub synthetic: bool,
    /// Language the text is written in: the page's language, except for a
    /// page shown in a fallback language (missing-translation `notice`).
    pub text_lang: String,
}

impl Page {
    /// Whether this page shows another language's text because it is not
    /// translated (policy `notice`).
    pub fn is_fallback(&self) -> bool {
        self.text_lang != self.doc.lang
    }
    pub fn kind(&self) -> Kind {
        self.doc.kind
    }
    pub fn front(&self) -> &FrontMatter {
        &self.doc.front
    }
    /// Relative path from this page to the site root (`../../`).
    pub fn root(&self) -> String {
        "../".repeat(self.dir.split('/').filter(|s| !s.is_empty()).count())
    }
}

/// A course and its modules in order, per language.
#[derive(Debug)]
pub struct Course {
    pub key: String,
    /// Language to module pages ordered by (weight, key).
    pub modules: BTreeMap<String, Vec<usize>>,
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
    /// Language to section name to pages listed there, in order.
    pub sections: BTreeMap<String, BTreeMap<&'static str, Vec<usize>>>,
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
        let mut errors = Vec::new();
        let mut docs = content.documents;
        add_synthetic(&config, &mut docs);
        let text_langs = add_fallbacks(&config, &mut docs);
        docs.sort_by(|a, b| (&a.key, &a.lang).cmp(&(&b.key, &b.lang)));

        let mut translations: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            translations
                .entry(d.key.clone())
                .or_default()
                .insert(d.lang.clone(), i);
        }

        // Slugs first: a module's URL needs its course's slug.
        let slugs: Vec<Option<String>> = docs
            .iter()
            .map(|d| own_slug(d).map_err(|e| errors.push(e)).ok())
            .collect();
        let slug_of = |key: &str, lang: &str| -> Option<&str> {
            let langs = translations.get(key)?;
            let i = langs
                .get(lang)
                .or_else(|| langs.get(&config.default_language))
                .or_else(|| langs.values().next())?;
            slugs[*i].as_deref()
        };

        let mut urls: Vec<Option<String>> = Vec::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            let Some(lang) = config.language(&d.lang) else {
                urls.push(None);
                continue;
            };
            let Some(slug) = slugs[i].as_deref() else {
                urls.push(None);
                continue;
            };
            let dir = match d.kind {
                Kind::Home => lang.code.clone(),
                Kind::Section => format!("{}/{}", lang.code, section_segment(lang, d.dir())),
                Kind::Course => format!("{}/{}/{slug}", lang.code, lang.sections.courses),
                Kind::Module => {
                    let course_key = format!("{}/_index", d.dir());
                    match slug_of(&course_key, &d.lang) {
                        Some(cs) => format!("{}/{}/{cs}/{slug}", lang.code, lang.sections.courses),
                        None => {
                            // Reported once, for the file itself, not for
                            // its copies in other languages (notice pages).
                            let copy = text_langs.contains_key(&(d.key.clone(), d.lang.clone()));
                            if !translations.contains_key(&course_key) && !copy {
                                errors.push(
                                    Diagnostic::error(format!(
                                        "module of a course that has no `{course_key}.<lang>.md`"
                                    ))
                                    .file(&d.path)
                                    .help(format!(
                                        "create content/{course_key}.{}.md with the course's title",
                                        d.lang
                                    )),
                                );
                            }
                            urls.push(None);
                            continue;
                        }
                    }
                }
                Kind::Guideline => format!("{}/{}/{slug}", lang.code, lang.sections.guidelines),
                Kind::Itinerary => format!("{}/{}/{slug}", lang.code, lang.sections.itineraries),
                Kind::Page => {
                    let mut parts = vec![lang.code.clone()];
                    parts.extend(d.dir().split('/').filter(|s| !s.is_empty()).map(slugify));
                    if parts.iter().any(String::is_empty) {
                        if !text_langs.contains_key(&(d.key.clone(), d.lang.clone())) {
                            errors.push(
                                Diagnostic::error(format!(
                                    "the folder path `{}` has a name that gives an empty URL segment",
                                    d.dir()
                                ))
                                .file(&d.path)
                                .help("rename the folder using letters or digits (accents are fine)"),
                            );
                        }
                        urls.push(None);
                        continue;
                    }
                    if d.key.ends_with("/_index") {
                        // A folder's own page: its slug names the folder.
                        parts.pop();
                    }
                    parts.push(slug.to_string());
                    parts.join("/")
                }
            };
            urls.push(Some(dir));
        }

        // Two pages on one URL is always a mistake.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, dir) in urls.iter().enumerate() {
            let Some(dir) = dir else { continue };
            if let Some(&j) = seen.get(dir.as_str()) {
                let (a, b) = (&docs[j], &docs[i]);
                errors.push(
                    Diagnostic::error(format!("two pages want the URL /{dir}/: {} and {}", describe(a), describe(b)))
                        .file(if b.path.as_os_str().is_empty() { &a.path } else { &b.path })
                        .help("give one of them a different `slug` in its front matter, or rename the file"),
                );
            } else {
                seen.insert(dir, i);
            }
        }

        // Courses and their modules, ordered once.
        let mut courses = Vec::new();
        let mut course_index: HashMap<String, usize> = HashMap::new();
        for d in docs.iter().filter(|d| d.kind == Kind::Course) {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                course_index.entry(d.dir().to_string())
            {
                slot.insert(courses.len());
                courses.push(Course {
                    key: d.key.clone(),
                    modules: BTreeMap::new(),
                });
            }
        }
        let mut course_of = vec![None; docs.len()];
        for (i, d) in docs.iter().enumerate() {
            if matches!(d.kind, Kind::Course | Kind::Module) && urls[i].is_some() {
                if let Some(&c) = course_index.get(d.dir()) {
                    course_of[i] = Some(c);
                }
            }
        }
        // References to courses from front matter must exist.
        for d in &docs {
            let refs = d
                .front
                .prerequisites
                .iter()
                .map(|k| ("prerequisites", k))
                .chain(d.front.courses.iter().map(|k| ("courses", k)));
            for (field, r) in refs {
                let key = course_key(r);
                if !translations.contains_key(&key) {
                    let line = d
                        .source
                        .lines()
                        .position(|l| l.contains(r.as_str()))
                        .map(|l| l + 1)
                        .unwrap_or(1);
                    let known: Vec<&str> = courses
                        .iter()
                        .map(|c| c.key.trim_end_matches("/_index"))
                        .collect();
                    let hint = crate::diagnostic::did_you_mean(r, known.iter().copied())
                        .map(|s| format!("did you mean \"{s}\"?"))
                        .unwrap_or_else(|| {
                            format!(
                                "use a course folder key such as \"{}\"",
                                known.first().unwrap_or(&"courses/<name>")
                            )
                        });
                    errors.push(
                        Diagnostic::error(format!(
                            "`{field}` names a course that does not exist: \"{r}\""
                        ))
                        .file(&d.path)
                        .at(line, 1, Some(&d.source))
                        .help(hint),
                    );
                }
            }
        }

        if !errors.is_empty() {
            return Err(errors);
        }

        let pages: Vec<Page> = docs
            .into_iter()
            .zip(urls)
            .zip(course_of)
            .map(|((doc, dir), course)| {
                let dir = dir.expect("every page has a URL once errors are ruled out");
                let url = match links {
                    LinkStyle::Directory => format!("{dir}/"),
                    LinkStyle::File => format!("{dir}/index.html"),
                };
                let synthetic = doc.path.as_os_str().is_empty();
                let text_lang = text_langs
                    .get(&(doc.key.clone(), doc.lang.clone()))
                    .cloned()
                    .unwrap_or_else(|| doc.lang.clone());
                Page {
                    doc,
                    url,
                    dir,
                    course,
                    synthetic,
                    text_lang,
                }
            })
            .collect();

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

    /// Fills the per-language section lists and course outlines. A page
    /// missing in a language under the `omit` policy is listed with its
    /// fallback language's page, so learners can still reach it.
    fn order_lists(&mut self) {
        let mut keys: BTreeMap<(&'static str, String), Vec<String>> = BTreeMap::new();
        let mut module_keys: Vec<Vec<String>> = vec![Vec::new(); self.courses.len()];
        let mut seen = BTreeSet::new();
        for p in &self.pages {
            if !seen.insert(p.doc.key.as_str()) {
                continue;
            }
            match p.kind() {
                Kind::Course => keys
                    .entry(("courses", String::new()))
                    .or_default()
                    .push(p.doc.key.clone()),
                Kind::Guideline => keys
                    .entry(("guidelines", String::new()))
                    .or_default()
                    .push(p.doc.key.clone()),
                Kind::Itinerary => keys
                    .entry(("itineraries", String::new()))
                    .or_default()
                    .push(p.doc.key.clone()),
                Kind::Module => {
                    if let Some(c) = p.course {
                        module_keys[c].push(p.doc.key.clone());
                    }
                }
                _ => {}
            }
        }
        let codes: Vec<String> = self
            .config
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        for lang in &codes {
            let mut per_lang: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
            for ((name, _), list) in &keys {
                let mut pages: Vec<usize> =
                    list.iter().filter_map(|k| self.listed(k, lang)).collect();
                pages.sort_by(|&a, &b| {
                    order_key(&self.pages[a].doc).cmp(&order_key(&self.pages[b].doc))
                });
                per_lang.insert(name, pages);
            }
            self.sections.insert(lang.clone(), per_lang);
            for (c, list) in module_keys.iter().enumerate() {
                let mut pages: Vec<usize> =
                    list.iter().filter_map(|k| self.listed(k, lang)).collect();
                pages.sort_by(|&a, &b| {
                    order_key(&self.pages[a].doc).cmp(&order_key(&self.pages[b].doc))
                });
                self.courses[c].modules.insert(lang.clone(), pages);
            }
        }
    }

    /// The page to list for `key` in `lang`: its own (or its notice page),
    /// else the first real page along the fallback chain.
    fn listed(&self, key: &str, lang: &str) -> Option<usize> {
        self.page(key, lang).or_else(|| self.chain_page(key, lang))
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
            self.page(&p.doc.key, &p.text_lang).unwrap_or(i)
        } else {
            i
        }
    }

    /// The page for `key` in `lang`, if that translation exists.
    pub fn page(&self, key: &str, lang: &str) -> Option<usize> {
        self.translations.get(key)?.get(lang).copied()
    }

    /// The home page of a language (always exists: synthesised if needed).
    pub fn home(&self, lang: &str) -> usize {
        self.page("_index", lang)
            .expect("a home page exists for every language")
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
            None => (stem.to_string(), page.doc.lang.clone()),
        };
        if !self.translations.contains_key(&key)
            && self.translations.contains_key(&format!("{key}/_index"))
        {
            key = format!("{key}/_index");
        }
        if key.is_empty() {
            key = "_index".into();
        }
        match self.translations.get(&key) {
            None => {
                let hint = crate::diagnostic::did_you_mean(&key, self.translations.keys().map(String::as_str))
                    .map(|s| format!("did you mean `@/{s}.md`?"))
                    .unwrap_or_else(|| "the path is relative to content/, e.g. `@/courses/hybrid-teaching/01-first-steps.md`".into());
                Err((
                    format!("broken internal link `@/{path}`: no page `{key}`"),
                    hint,
                ))
            }
            Some(langs) => match langs
                .get(&lang)
                .copied()
                .or_else(|| self.chain_page(&key, &lang))
            {
                Some(i) => Ok(Target { page: i }),
                None => Err((
                    format!(
                        "broken internal link `@/{path}`: the page has no `{lang}` translation"
                    ),
                    format!(
                        "it exists in {}; translate it or link to another page",
                        langs.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )),
            },
        }
    }

    /// Pages of one language, for summaries.
    pub fn count_by_language(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for p in &self.pages {
            *m.entry(p.doc.lang.as_str()).or_insert(0) += 1;
        }
        m
    }
}

/// Turns `courses/x`, `courses/x/_index` or `courses/x/_index.md` into the
/// course's translation key.
pub fn course_key(r: &str) -> String {
    let r = r.trim().trim_matches('/');
    let r = r.strip_prefix("@/").unwrap_or(r);
    let r = r.strip_suffix(".md").unwrap_or(r);
    if r.ends_with("/_index") {
        r.to_string()
    } else {
        format!("{r}/_index")
    }
}

/// The order of modules and section lists: by `weight`, unweighted last, then by key.
pub fn order_key(d: &Document) -> (bool, i64, &str) {
    (
        d.front.weight.is_none(),
        d.front.weight.unwrap_or(0),
        d.key.as_str(),
    )
}

fn describe(d: &Document) -> String {
    if d.path.as_os_str().is_empty() {
        format!("the generated {} page", d.kind.name())
    } else {
        d.path.display().to_string()
    }
}

fn section_segment<'a>(lang: &'a Language, folder: &str) -> &'a str {
    match folder {
        "guidelines" => &lang.sections.guidelines,
        "itineraries" => &lang.sections.itineraries,
        _ => &lang.sections.courses,
    }
}

/// The URL segment a document asks for: its `slug`, or its file name.
fn own_slug(d: &Document) -> Result<String, Diagnostic> {
    if matches!(d.kind, Kind::Home | Kind::Section) {
        return Ok(String::new());
    }
    let name = if d.kind == Kind::Course || d.key.ends_with("/_index") {
        d.dir().rsplit('/').next().unwrap_or("")
    } else {
        d.key.rsplit('/').next().unwrap_or("")
    };
    match &d.front.slug {
        Some(s) => {
            let clean = slugify(s);
            // Accents and capitals are transliterated (`niño` -> `nino`);
            // anything that could name another folder is refused.
            let escapes = s
                .chars()
                .any(|c| matches!(c, '/' | '\\' | '.') || c.is_control() || c.is_whitespace());
            if escapes || clean.is_empty() {
                let line = d
                    .source
                    .lines()
                    .position(|l| l.trim_start().starts_with("slug"))
                    .map(|l| l + 1)
                    .unwrap_or(1);
                let help = if clean.is_empty() {
                    "use lowercase ASCII letters, digits and dashes".to_string()
                } else {
                    format!("write slug = \"{clean}\"")
                };
                Err(
                    Diagnostic::error(format!("slug {s:?} is not a URL segment"))
                        .file(&d.path)
                        .at(line, 1, Some(&d.source))
                        .help(help),
                )
            } else {
                Ok(clean)
            }
        }
        None => {
            let clean = slugify(name);
            if clean.is_empty() {
                Err(
                    Diagnostic::error(format!("the file name `{name}` gives an empty URL segment"))
                        .file(&d.path)
                        .help("add slug = \"some-name\" to the front matter or rename the file"),
                )
            } else {
                Ok(clean)
            }
        }
    }
}

/// The translation-policy section of a key: `courses`, `guidelines`,
/// `itineraries` or `pages`.
pub fn policy_section(key: &str) -> &'static str {
    match key.split('/').next() {
        Some("courses") => "courses",
        Some("guidelines") => "guidelines",
        Some("itineraries") => "itineraries",
        _ => "pages",
    }
}

/// Under the `notice` policy, adds for every page missing in a language a
/// copy of its first available translation along that language's fallback
/// chain. Returns (key, language) -> language of the text shown.
fn add_fallbacks(
    config: &Config,
    docs: &mut Vec<Arc<Document>>,
) -> HashMap<(String, String), String> {
    let mut by_key: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_key
            .entry(d.key.as_str())
            .or_default()
            .insert(d.lang.as_str(), i);
    }
    let mut added = Vec::new();
    let mut text_langs = HashMap::new();
    for (key, langs) in &by_key {
        if config.policy(policy_section(key)) != crate::config::Missing::Notice {
            continue;
        }
        for lang in &config.languages {
            if langs.contains_key(lang.code.as_str()) {
                continue;
            }
            let Some(&src) = lang.fallback.iter().find_map(|l| langs.get(l.as_str())) else {
                continue;
            };
            let mut doc = Document::clone(&docs[src]);
            text_langs.insert((doc.key.clone(), lang.code.clone()), doc.lang.clone());
            doc.lang = lang.code.clone();
            // A slug is written for its own language: the fallback page
            // takes the language-neutral file name instead.
            doc.front.slug = None;
            added.push(Arc::new(doc));
        }
    }
    docs.extend(added);
    text_langs
}

/// Adds a home and section list page for every language that lacks one.
fn add_synthetic(config: &Config, docs: &mut Vec<Arc<Document>>) {
    let existing: BTreeSet<(String, String)> = docs
        .iter()
        .map(|d| (d.key.clone(), d.lang.clone()))
        .collect();
    for lang in &config.languages {
        let keys = std::iter::once(("_index".to_string(), Kind::Home)).chain(
            SECTIONS
                .iter()
                .map(|s| (format!("{s}/_index"), Kind::Section)),
        );
        for (key, kind) in keys {
            if existing.contains(&(key.clone(), lang.code.clone())) {
                continue;
            }
            docs.push(Arc::new(Document {
                path: PathBuf::new(),
                key,
                lang: lang.code.clone(),
                kind,
                front: FrontMatter::default(),
                source: String::new(),
                body_start: 0,
                body_line: 1,
                fingerprint: 0,
            }));
        }
    }
}

/// Shortest relative link from the folder `from_dir` to `to_url` (both
/// relative to the site root; `to_url` ends in `/` or `index.html`).
pub fn relative(from_dir: &str, to_url: &str) -> String {
    let (to_dir, file) = match to_url.rsplit_once('/') {
        Some((d, f)) => (d, f),
        None => ("", to_url),
    };
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to_dir.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for seg in &to[common..] {
        out.push_str(seg);
        out.push('/');
    }
    out.push_str(file);
    if out.is_empty() { "./".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_are_shortest() {
        assert_eq!(relative("es/cursos/x/a", "es/cursos/x/b/"), "../b/");
        assert_eq!(relative("es/cursos/x", "es/cursos/x/b/"), "b/");
        assert_eq!(relative("es/cursos/x/a", "es/cursos/x/a/"), "./");
        assert_eq!(
            relative("es/cursos/x/a", "es/cursos/x/a/index.html"),
            "index.html"
        );
        assert_eq!(relative("es", "en/"), "../en/");
        assert_eq!(relative("", "es/"), "es/");
        assert_eq!(relative("es/a", "style.css"), "../../style.css");
    }

    #[test]
    fn course_keys_accept_several_spellings() {
        for r in [
            "courses/x",
            "courses/x/",
            "courses/x/_index",
            "@/courses/x/_index.md",
        ] {
            assert_eq!(course_key(r), "courses/x/_index", "{r}");
        }
    }
}
