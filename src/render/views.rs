//! View models: what each template sees, as typed serde structs built in
//! this one place from the assembled site and a page's rendered Markdown.
//!
//! Values many pages share (a language's site, navigation and section
//! lists; a course's outline) are serialised once per build into
//! `tera::Value`s, which are cheap to clone, and never rebuilt per page. A
//! page's context never holds another page's body. Templates and their
//! variables are documented in `docs/theming.md`; this module never
//! renders and never reads files.

use super::campus;
use crate::content::front::FrontMatter;
use crate::content::{Kind, Section};
use crate::i18n::I18n;
use crate::markdown::{Rendered, TocEntry};
use crate::site::Site;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use tera::{Context, Value};

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    default_language: &'a str,
    base_url: &'a str,
    languages: &'a [LangView<'a>],
}

#[derive(Serialize)]
struct LangView<'a> {
    code: &'a str,
    name: &'a str,
    url: String,
    title: &'a str,
    description: &'a str,
    /// The language's home and section list URLs (what `nav` is on its
    /// pages), so pages outside the language tree (404) can offer them.
    nav: BTreeMap<&'static str, String>,
}

/// A page in a list: a section's, the home page's, an itinerary's or a
/// course outline's.
#[derive(Serialize)]
pub(super) struct ItemView<'a> {
    key: &'a str,
    title: &'a str,
    url: &'a str,
    summary: &'a str,
    kind: &'a str,
    pub duration: Option<u32>,
    module_count: usize,
    level: &'a str,
    objectives: &'a [String],
    /// Language of the item's text: differs from the list's language for
    /// untranslated pages.
    lang: &'a str,
    /// A course's module keys in order: what the progress script counts.
    modules: Vec<&'a str>,
    /// An itinerary's number of courses and the credential it leads to.
    course_count: usize,
    credential: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct LinkView<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

#[derive(Serialize)]
pub(super) struct TranslationView<'a> {
    code: &'a str,
    name: &'a str,
    pub url: String,
    current: bool,
    /// A real translation exists in this language.
    exists: bool,
    /// Language of the text at `url` (differs from `code` when the link
    /// leads to a fallback).
    text_lang: &'a str,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

/// `page` in every page template.
#[derive(Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    front: &'a FrontMatter,
    kind: &'a str,
    key: &'a str,
    url: &'a str,
    toc: &'a [TocEntry],
    has_code: bool,
    /// At least one self-check question: the template loads quiz.js.
    has_quiz: bool,
    word_count: usize,
    reading_minutes: usize,
    /// The language of the text when it is not the page's own (a missing
    /// translation shown from another language), else "": templates mark
    /// every piece of that text with it.
    content_lang: &'a str,
    noindex: bool,
}

/// "Module N of M".
#[derive(Serialize)]
struct PositionView {
    index: usize,
    total: usize,
}

/// `section` on a section's list page.
#[derive(Serialize)]
struct SectionView<'a> {
    name: Section,
    items: &'a Value,
}

/// Context values shared by many pages, built once per build.
pub struct Shared {
    /// Per language: site, nav, home lists, section lists.
    langs: HashMap<String, LangShared>,
    /// (course, language) to outline value, and its fingerprint once
    /// asked for.
    outlines: HashMap<(usize, String), (Value, OnceLock<u64>)>,
    /// The list of all languages with their home URLs.
    languages: Value,
}

struct LangShared {
    /// The language has an Atom feed.
    has_feed: bool,
    site: Value,
    nav: Value,
    home: Value,
    sections: BTreeMap<Section, Value>,
    /// [`Shared::language_fingerprint`], once asked for.
    fingerprint: OnceLock<u64>,
}

impl Shared {
    pub fn build(site: &Site) -> Shared {
        let cfg = &site.config;
        let lang_list: Vec<LangView<'_>> = cfg
            .languages
            .iter()
            .map(|l| LangView {
                code: &l.code,
                name: &l.name,
                url: site.pages[site.home(&l.code)].url.clone(),
                title: &l.title,
                description: &l.description,
                nav: nav(site, &l.code),
            })
            .collect();
        let mut outlines = HashMap::new();
        for c in 0..site.courses.len() {
            for lang in &cfg.languages {
                let outline = campus::outline(site, c, &lang.code);
                outlines.insert((c, lang.code.clone()), (outline, OnceLock::new()));
            }
        }
        let langs = cfg
            .languages
            .iter()
            .map(|lang| (lang.code.clone(), language(site, &lang.code, &lang_list)))
            .collect();
        Shared {
            langs,
            outlines,
            languages: Value::from_serializable(&lang_list),
        }
    }

    /// Fingerprint of everything shared that any page of `lang` may show
    /// (site, navigation, section lists, feed, languages). Serialising
    /// the lists costs in proportion to the site, so it is done once per
    /// language and kept: a `Shared` never changes once built.
    pub fn language_fingerprint(&self, lang: &str) -> u64 {
        use crate::memo::fingerprint_serialized as fp;
        let Some(ls) = self.langs.get(lang) else {
            return crate::memo::fingerprint(&[fp(&self.languages)]);
        };
        *ls.fingerprint.get_or_init(|| {
            crate::memo::fingerprint(&[
                fp(&self.languages),
                u64::from(ls.has_feed),
                fp(&ls.site),
                fp(&ls.nav),
                fp(&ls.home),
            ])
        })
    }

    /// Fingerprint of a course's outline in `lang` (its course page and
    /// modules show it; prev/next come from the same order), computed
    /// once and kept.
    pub fn outline_fingerprint(&self, course: usize, lang: &str) -> u64 {
        self.outlines
            .get(&(course, lang.to_string()))
            .map_or(0, |(outline, fingerprint)| {
                *fingerprint.get_or_init(|| crate::memo::fingerprint_serialized(outline))
            })
    }

    /// The start of the context of a page in `lang`'s tree that is not a
    /// [`Site`] page (the search page): `lang`, `root`, `site`, `nav`.
    pub fn language_context(&self, lang: &str, root: &str) -> Context {
        let ls = &self.langs[lang];
        let mut ctx = Context::new();
        ctx.insert("lang", lang);
        ctx.insert("root", root);
        ctx.insert_value("site", ls.site.clone());
        ctx.insert_value("nav", ls.nav.clone());
        ctx
    }

    /// The context of pages outside the language tree (chooser, 404,
    /// translators' status page), in the default language.
    pub fn root_context(&self, site: &Site, root: &str) -> Context {
        let lang = &site.config.default_language;
        let mut ctx = Context::new();
        ctx.insert("lang", lang);
        ctx.insert("root", root);
        ctx.insert_value("site", self.langs[lang.as_str()].site.clone());
        ctx.insert_value("languages", self.languages.clone());
        ctx
    }

    /// A course's outline in `lang` (what `course` is on its pages).
    pub fn outline(&self, course: usize, lang: &str) -> Value {
        self.outlines
            .get(&(course, lang.to_string()))
            .map_or_else(Value::none, |(outline, _)| outline.clone())
    }

    /// The context of a page of `lang` that is not a [`Site`] page (the
    /// printable course): `lang`, `root`, `site` and `nav`.
    pub fn lang_context(&self, lang: &str, root: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("lang", lang);
        ctx.insert("root", root);
        if let Some(ls) = self.langs.get(lang) {
            ctx.insert_value("site", ls.site.clone());
            ctx.insert_value("nav", ls.nav.clone());
        }
        ctx
    }
}

/// The shared values of one language.
fn language(site: &Site, code: &str, lang_list: &[LangView<'_>]) -> LangShared {
    let cfg = &site.config;
    let lang = cfg.language(code).expect("a configured language");
    let mut sections = BTreeMap::new();
    for section in Section::ALL {
        let list: Vec<Value> = site
            .sections
            .get(code)
            .and_then(|s| s.get(&section))
            .map(|pages| pages.iter().map(|&i| item(site, i)).collect())
            .unwrap_or_default();
        sections.insert(section, Value::from(list));
    }
    let site_view = SiteView {
        title: &lang.title,
        description: &lang.description,
        default_language: &cfg.default_language,
        base_url: cfg.base_url.as_deref().unwrap_or(""),
        languages: lang_list,
    };
    LangShared {
        has_feed: cfg.base_url.is_some() && !site.feed_pages(code).is_empty(),
        site: Value::from_serializable(&site_view),
        nav: Value::from_serializable(&nav(site, code)),
        // `home` on the home page: every section's list, by section name.
        home: Value::from_serializable(&sections),
        sections,
        fingerprint: OnceLock::new(),
    }
}

/// The output folder of a language's search page (`es/search`), written
/// by `outputs::search` and linked from `nav.search`.
pub fn search_dir(lang: &str) -> String {
    format!("{lang}/search")
}

/// `nav`: a language's home, section list and search page URLs, by name.
fn nav(site: &Site, code: &str) -> BTreeMap<&'static str, String> {
    let mut nav = BTreeMap::new();
    nav.insert("home", site.pages[site.home(code)].url.clone());
    nav.insert("search", site.links.url(&search_dir(code)));
    for section in Section::ALL {
        let url = site
            .section_page(section, code)
            .map(|i| site.pages[i].url.clone())
            .unwrap_or_default();
        nav.insert(section.folder(), url);
    }
    nav
}

fn item(site: &Site, i: usize) -> Value {
    Value::from_serializable(&item_view(site, i))
}

pub(super) fn item_view(site: &Site, i: usize) -> ItemView<'_> {
    let p = &site.pages[i];
    let f = p.front();
    let (duration, module_count) = match p.course {
        Some(c) if p.kind == Kind::Course => (
            site.course_minutes(c, &p.lang),
            site.courses[c].modules.get(&p.lang).map_or(0, Vec::len),
        ),
        _ => (f.duration(), 0),
    };
    ItemView {
        key: &p.key,
        title: &f.title,
        url: &p.url,
        summary: &f.summary,
        kind: p.kind.name(),
        duration,
        module_count,
        level: f.course().map_or("", |c| c.level.as_str()),
        objectives: f.objectives(),
        lang: &p.text_lang,
        modules: match p.course {
            Some(c) if p.kind == Kind::Course => site.courses[c]
                .modules
                .get(&p.lang)
                .map(|m| m.iter().map(|&j| site.pages[j].key.as_str()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        course_count: f.itinerary().map_or(0, |i| i.courses.len()),
        credential: f
            .itinerary()
            .and_then(|i| i.credential.as_ref())
            .map(|c| c.name.as_str()),
    }
}

/// Title shown for generated pages that have no source file.
fn generated_title(site: &Site, i18n: &I18n, i: usize) -> String {
    let p = &site.pages[i];
    match p.kind {
        Kind::Home => site
            .config
            .language(&p.lang)
            .map(|l| l.title.clone())
            .unwrap_or_default(),
        _ => {
            let name = p.folder();
            i18n.translate(&p.lang, &format!("nav-{name}"), None)
                .unwrap_or_else(|_| name.to_string())
        }
    }
}

/// The language switcher: the page in each language (real or a notice
/// page), else the first real translation along its fallback chain, else
/// that language's home.
pub(super) fn translations<'a>(site: &'a Site, i: usize) -> Vec<TranslationView<'a>> {
    let p = &site.pages[i];
    site.config
        .languages
        .iter()
        .map(|l| {
            let target = site
                .page_or_fallback(&p.key, &l.code)
                .unwrap_or_else(|| site.home(&l.code));
            let t = &site.pages[target];
            let exists = t.key == p.key && t.lang == l.code && !t.is_fallback();
            TranslationView {
                code: &l.code,
                name: &l.name,
                url: t.url.clone(),
                current: l.code == p.lang,
                exists: exists || p.is_generated(),
                text_lang: &t.text_lang,
            }
        })
        .collect()
}

/// Search engines see real translations only: a notice page is `noindex`
/// with a canonical link to the text it shows.
fn search_links(site: &Site, base: &str, i: usize, ctx: &mut Context) {
    let p = &site.pages[i];
    let source = &site.pages[site.text_source(i)];
    ctx.insert("canonical", &format!("{base}{}/", source.dir));
    let mut alternates = Vec::new();
    if !p.is_fallback() {
        let real = |lang: &str| {
            site.page(&p.key, lang)
                .filter(|&j| !site.pages[j].is_fallback())
        };
        for l in &site.config.languages {
            if let Some(j) = real(&l.code) {
                alternates.push(Alternate {
                    hreflang: l.code.clone(),
                    href: format!("{base}{}/", site.pages[j].dir),
                });
            }
        }
        let default = real(&site.config.default_language).unwrap_or(i);
        if alternates.len() > 1 {
            alternates.push(Alternate {
                hreflang: "x-default".into(),
                href: format!("{base}{}/", site.pages[default].dir),
            });
        } else {
            alternates.clear();
        }
    }
    ctx.insert("alternates", &alternates);
}

/// `page`: the page's own front matter and rendered Markdown.
fn page_value(site: &Site, i18n: &I18n, i: usize, body: &Rendered) -> Value {
    let p = &site.pages[i];
    let toc = body.toc();
    let view = PageView {
        front: p.front(),
        kind: p.kind.name(),
        key: &p.key,
        url: &p.url,
        toc: &toc,
        has_code: body.has_code,
        has_quiz: body.quizzes > 0,
        word_count: body.word_count,
        reading_minutes: body.word_count.div_ceil(200).max(1),
        content_lang: if p.is_fallback() { &p.text_lang } else { "" },
        noindex: p.is_fallback(),
    };
    let mut map = Value::from_serializable(&view)
        .into_map()
        .unwrap_or_default();
    map.insert("content".into(), Value::safe_string(&body.html()));
    if p.is_generated() || p.front().title.is_empty() {
        map.insert("title".into(), Value::from(generated_title(site, i18n, i)));
    }
    Value::from(map)
}

/// What only one kind's template sees: `home`, `section`, `course` (and
/// for modules `prev`, `next`, `module`), `itinerary`.
fn kind_values(site: &Site, shared: &Shared, i: usize, ctx: &mut Context) {
    let p = &site.pages[i];
    let ls = &shared.langs[p.lang.as_str()];
    let link = |j: usize| {
        let q = &site.pages[j];
        Value::from_serializable(&LinkView {
            title: &q.front().title,
            url: &q.url,
        })
    };
    match p.kind {
        Kind::Home => ctx.insert_value("home", ls.home.clone()),
        Kind::Section => {
            let section = Section::from_folder(p.folder()).unwrap_or(Section::Courses);
            let view = SectionView {
                name: section,
                items: &ls.sections[&section],
            };
            ctx.insert("section", &view);
        }
        Kind::Course | Kind::Module => {
            if let Some(v) = p
                .course
                .and_then(|c| shared.outlines.get(&(c, p.lang.clone())))
                .map(|(outline, _)| outline)
            {
                ctx.insert_value("course", v.clone());
            }
            if let Some(nav) = p.nav {
                if let Some(j) = nav.prev {
                    ctx.insert_value("prev", link(j));
                }
                if let Some(j) = nav.next {
                    ctx.insert_value("next", link(j));
                }
                ctx.insert(
                    "module",
                    &PositionView {
                        index: nav.index,
                        total: nav.total,
                    },
                );
            }
            if let Some(json) = campus::json_ld(site, i) {
                ctx.insert("json_ld", &json);
            }
        }
        Kind::Itinerary => ctx.insert("itinerary", &campus::itinerary(site, i)),
        Kind::Guideline | Kind::Page => {}
    }
}

/// The whole template context of page `i`.
pub fn page_context(
    site: &Site,
    shared: &Shared,
    i18n: &I18n,
    i: usize,
    body: &Rendered,
) -> Context {
    let p = &site.pages[i];
    let lang = p.lang.as_str();
    let ls = &shared.langs[lang];
    let mut ctx = Context::new();
    ctx.insert("lang", lang);
    ctx.insert("root", &p.root());
    ctx.insert_value("site", ls.site.clone());
    ctx.insert_value("nav", ls.nav.clone());
    ctx.insert("translations", &translations(site, i));
    if let Some(base) = site.config.base_url.as_deref() {
        search_links(site, base, i, &mut ctx);
        if ls.has_feed {
            ctx.insert("feed", &format!("{}{lang}/atom.xml", p.root()));
        }
    }
    ctx.insert_value("page", page_value(site, i18n, i, body));
    kind_values(site, shared, i, &mut ctx);
    ctx
}
