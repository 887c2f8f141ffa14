//! Templates: from the site model and rendered Markdown to HTML pages.
//!
//! Tera is set up once per build (templates parsed once, the `t()` Fluent
//! function registered once) and then shared read-only by every thread.
//! Values that many pages share, such as a course's outline, the site and
//! navigation data of a language, are built once as `tera::Value`s (cheap
//! to clone: arrays and maps are reference-counted) and never rebuilt per
//! page. A page's template context never contains another page's body.

use crate::content::Kind;
use crate::diagnostic::Diagnostic;
use crate::i18n::{I18n, fluent_value};
use crate::markdown::Rendered;
use crate::site::Site;
use crate::theme::Theme;
use fluent_bundle::FluentArgs;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tera::{Context, Kwargs, State, Tera, Value};

/// Templates every theme must provide.
pub const REQUIRED: [&str; 10] = [
    "base.html",
    "home.html",
    "section.html",
    "course.html",
    "module.html",
    "guideline.html",
    "itinerary.html",
    "page.html",
    "404.html",
    "chooser.html",
];

pub struct Renderer {
    tera: Tera,
    /// Template name to the file it came from, for messages.
    files: HashMap<String, std::path::PathBuf>,
}

impl Renderer {
    pub fn new(theme: &Theme, i18n: Arc<I18n>) -> Result<Renderer, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.register_function(
            "t",
            move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
                translate(&i18n, &kwargs, state)
            },
        );
        let files: HashMap<String, std::path::PathBuf> = theme
            .templates
            .iter()
            .map(|(n, f)| (n.clone(), f.shown.clone()))
            .collect();
        let mut errors = Vec::new();
        for name in REQUIRED {
            if !theme.templates.contains_key(name) {
                errors.push(
                    Diagnostic::error(format!("template `{name}` is missing"))
                        .file("templates")
                        .help(format!("add templates/{name} to the site or the theme")),
                );
            }
        }
        if let Err(e) = tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(n, f)| (n.as_str(), f.text.as_str())),
        ) {
            errors.push(tera_error(&e, &files, theme, None));
        }
        if errors.is_empty() {
            Ok(Renderer { tera, files })
        } else {
            Err(errors)
        }
    }

    /// Renders one template; `page` names the content file for messages.
    pub fn render(
        &self,
        template: &str,
        ctx: &Context,
        theme: &Theme,
        page: Option<&Path>,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| tera_error(&e, &self.files, theme, page))
    }
}

/// The `t(key=…, …)` template function: other named arguments become
/// Fluent variables; the language is the context's `lang`.
fn translate(i18n: &I18n, kwargs: &Kwargs, state: &State) -> tera::TeraResult<String> {
    let key: String = kwargs.must_get::<String>("key")?;
    // `lang=` overrides the page language (the chooser and 404 show
    // each language's own words); it is not a Fluent variable.
    let lang: String = match kwargs.get::<String>("lang")? {
        Some(l) => l,
        None => state.get::<String>("lang")?.unwrap_or_default(),
    };
    let mut args = FluentArgs::new();
    let mut any = false;
    for (k, v) in kwargs.iter() {
        let k = k.to_string();
        if k != "key" && k != "lang" {
            args.set(k, fluent_value(v));
            any = true;
        }
    }
    i18n.translate(&lang, &key, any.then_some(&args))
        .map_err(|e| tera::Error::message(e.to_string()))
}

/// Turns a Tera error into a diagnostic naming the template, its line, and
/// the content page being rendered.
fn tera_error(
    e: &tera::Error,
    files: &HashMap<String, std::path::PathBuf>,
    theme: &Theme,
    page: Option<&Path>,
) -> Diagnostic {
    use std::error::Error as _;
    let mut chain = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let (report, kind) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) => (Some(r), "template syntax error"),
        tera::ErrorKind::RenderingError(r) => (Some(r), "template error"),
        _ => (None, "template error"),
    };
    // Some tera errors carry a whole formatted report in their text
    // ("error: …\n --> page.html:3:12\n…"): keep its first line as the
    // message and its location as ours.
    let mut located: Option<(String, usize, usize)> = None;
    let mut msg = match report {
        Some(r) => format!("{kind}: {}", r.message()),
        None => {
            let text = e.kind().to_string();
            located = text.lines().find_map(|l| {
                let loc = l.trim_start().strip_prefix("--> ")?;
                let mut parts = loc.rsplitn(3, ':');
                let col = parts.next()?.trim().parse::<usize>().ok()?;
                let line = parts.next()?.trim().parse::<usize>().ok()?;
                Some((parts.next()?.to_string(), line, col))
            });
            let first = text.lines().next().unwrap_or("").trim();
            format!("{kind}: {}", first.strip_prefix("error: ").unwrap_or(first))
        }
    };
    for c in chain {
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    if let Some(p) = page {
        msg.push_str(&format!(" (while rendering {})", p.display()));
    }
    let mut d = Diagnostic::error(msg);
    let position = report
        .map(|r| {
            (
                r.filename().to_string(),
                r.span().start_line,
                r.span().start_col + 1,
            )
        })
        .or(located);
    if let Some((name, line, col)) = position {
        let file = files
            .get(&name)
            .cloned()
            .unwrap_or_else(|| name.clone().into());
        let text = theme.templates.get(&name).map(|f| f.text.as_str());
        d = d.file(file).at(line, col, text);
    }
    d.help("check the template at that line; every variable a template uses is described in docs/theming.md")
}

// ---- Template context -------------------------------------------------

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    default_language: &'a str,
    base_url: &'a str,
    languages: &'a [LangCtx<'a>],
}

#[derive(Serialize)]
struct LangCtx<'a> {
    code: &'a str,
    name: &'a str,
    url: String,
    title: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct Nav {
    home: String,
    courses: String,
    guidelines: String,
    itineraries: String,
}

#[derive(Serialize)]
struct Item<'a> {
    key: &'a str,
    title: &'a str,
    url: &'a str,
    summary: &'a str,
    kind: &'a str,
    duration: Option<u32>,
    module_count: usize,
    level: &'a str,
    objectives: &'a [String],
    /// Language of the item's text: differs from the list's language for
    /// untranslated pages.
    lang: &'a str,
}

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Translation<'a> {
    code: &'a str,
    name: &'a str,
    url: String,
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

#[derive(Serialize)]
struct PageCtx<'a> {
    #[serde(flatten)]
    front: &'a crate::content::front::FrontMatter,
    kind: &'a str,
    key: &'a str,
    url: &'a str,
    toc: &'a [crate::markdown::TocEntry],
    has_code: bool,
    word_count: usize,
    reading_minutes: usize,
}

/// Context values shared by many pages, built once per build.
pub struct Shared {
    /// Per language: site, nav, home lists, section lists.
    langs: HashMap<String, LangShared>,
    /// (course, language) to outline value.
    outlines: HashMap<(usize, String), Value>,
    /// Per language: the list of all languages with their home URLs.
    languages: Value,
}

struct LangShared {
    /// The language has an Atom feed (see [`crate::feeds::entries`]).
    has_feed: bool,
    site: Value,
    nav: Value,
    home: Value,
    sections: HashMap<&'static str, Value>,
}

impl Shared {
    pub fn build(site: &Site) -> Shared {
        let cfg = &site.config;
        // The same list for every language's `site.languages` and for the
        // root pages' `languages`: built once.
        let lang_list: Vec<LangCtx<'_>> = cfg
            .languages
            .iter()
            .map(|l| LangCtx {
                code: &l.code,
                name: &l.name,
                url: site.pages[site.home(&l.code)].url.clone(),
                title: &l.title,
                description: &l.description,
            })
            .collect();
        let languages = Value::from_serializable(&lang_list);
        let mut outlines = HashMap::new();
        for (c, course) in site.courses.iter().enumerate() {
            for lang in &cfg.languages {
                outlines.insert(
                    (c, lang.code.clone()),
                    course_value(site, c, &lang.code, &course.key),
                );
            }
        }
        let mut langs = HashMap::new();
        for lang in &cfg.languages {
            let code = lang.code.as_str();
            let section_url = |name: &str| {
                site.page(&format!("{name}/_index"), code)
                    .map(|i| site.pages[i].url.clone())
                    .unwrap_or_default()
            };
            let nav = Nav {
                home: site.pages[site.home(code)].url.clone(),
                courses: section_url("courses"),
                guidelines: section_url("guidelines"),
                itineraries: section_url("itineraries"),
            };
            let mut sections = HashMap::new();
            for name in crate::content::SECTIONS {
                let list: Vec<Value> = site
                    .sections
                    .get(code)
                    .and_then(|s| s.get(name))
                    .map(|pages| pages.iter().map(|&i| item_value(site, i)).collect())
                    .unwrap_or_default();
                sections.insert(name, Value::from(list));
            }
            let mut home = tera::Map::default();
            for name in crate::content::SECTIONS {
                home.insert(name.into(), sections[name].clone());
            }
            let site_ctx = SiteCtx {
                title: &lang.title,
                description: &lang.description,
                default_language: &cfg.default_language,
                base_url: cfg.base_url.as_deref().unwrap_or(""),
                languages: &lang_list,
            };
            langs.insert(
                lang.code.clone(),
                LangShared {
                    has_feed: cfg.base_url.is_some()
                        && !crate::feeds::entries(site, code).is_empty(),
                    site: Value::from_serializable(&site_ctx),
                    nav: Value::from_serializable(&nav),
                    home: Value::from(home),
                    sections,
                },
            );
        }
        Shared {
            langs,
            outlines,
            languages,
        }
    }

    /// Fingerprint of everything shared that any page of `lang` may show
    /// (site, navigation, section lists, feed, languages).
    pub fn language_fingerprint(&self, lang: &str) -> u64 {
        use crate::cache::fingerprint_serialized as fp;
        let mut parts = vec![fp(&self.languages)];
        if let Some(ls) = self.langs.get(lang) {
            parts.extend([
                u64::from(ls.has_feed),
                fp(&ls.site),
                fp(&ls.nav),
                fp(&ls.home),
            ]);
        }
        crate::cache::fingerprint(&parts)
    }

    /// Fingerprint of a course's outline in `lang` (its course page and
    /// modules show it; prev/next come from it).
    pub fn outline_fingerprint(&self, course: usize, lang: &str) -> u64 {
        self.outlines
            .get(&(course, lang.to_string()))
            .map_or(0, crate::cache::fingerprint_serialized)
    }
}

/// Total minutes of a course's modules in one language.
fn course_minutes(site: &Site, course: usize, lang: &str) -> Option<u32> {
    let mods = site.courses[course].modules.get(lang)?;
    let total: u32 = mods
        .iter()
        .filter_map(|&m| site.pages[m].front().duration)
        .sum();
    (total > 0).then_some(total)
}

fn item_value(site: &Site, i: usize) -> Value {
    let p = &site.pages[i];
    let f = p.front();
    let (duration, module_count) = match p.course {
        Some(c) if p.kind() == Kind::Course => (
            course_minutes(site, c, &p.doc.lang),
            site.courses[c].modules.get(&p.doc.lang).map_or(0, Vec::len),
        ),
        _ => (f.duration, 0),
    };
    Value::from_serializable(&Item {
        key: &p.doc.key,
        title: &f.title,
        url: &p.url,
        summary: &f.summary,
        kind: p.kind().name(),
        duration,
        module_count,
        level: &f.level,
        objectives: &f.objectives,
        lang: &p.text_lang,
    })
}

/// A course's outline in one language: built once, shared by the course
/// page and all its modules.
fn course_value(site: &Site, c: usize, lang: &str, key: &str) -> Value {
    let Some(ci) = site.page(key, lang).or_else(|| site.chain_page(key, lang)) else {
        return Value::none();
    };
    let course = &site.pages[ci];
    let modules: Vec<Value> = site.courses[c]
        .modules
        .get(lang)
        .map(|m| m.iter().map(|&i| item_value(site, i)).collect())
        .unwrap_or_default();
    let prerequisites: Vec<Value> = course
        .front()
        .prerequisites
        .iter()
        .filter_map(|r| {
            let k = crate::site::course_key(r);
            let i = site.page(&k, lang).or_else(|| site.chain_page(&k, lang))?;
            Some(Value::from_serializable(&Link {
                title: &site.pages[i].front().title,
                url: &site.pages[i].url,
            }))
        })
        .collect();
    let mut map = tera::Map::default();
    map.insert("key".into(), Value::from(course.doc.key.as_str()));
    map.insert("title".into(), Value::from(course.front().title.as_str()));
    map.insert("url".into(), Value::from(course.url.as_str()));
    map.insert(
        "summary".into(),
        Value::from(course.front().summary.as_str()),
    );
    map.insert("level".into(), Value::from(course.front().level.as_str()));
    map.insert(
        "duration".into(),
        course_minutes(site, c, lang)
            .map(Value::from)
            .unwrap_or_else(Value::none),
    );
    map.insert("prerequisites".into(), Value::from(prerequisites));
    map.insert("modules".into(), Value::from(modules));
    Value::from(map)
}

/// Title shown for generated pages that have no source file.
fn fallback_title(site: &Site, i18n: &I18n, i: usize) -> String {
    let p = &site.pages[i];
    match p.kind() {
        Kind::Home => site
            .config
            .language(&p.doc.lang)
            .map(|l| l.title.clone())
            .unwrap_or_default(),
        _ => {
            let name = p.doc.dir();
            i18n.translate(&p.doc.lang, &format!("nav-{name}"), None)
                .unwrap_or_else(|_| name.to_string())
        }
    }
}

/// Builds the context of page `i` and renders it.
pub fn page(
    renderer: &Renderer,
    theme: &Theme,
    i18n: &I18n,
    site: &Site,
    shared: &Shared,
    i: usize,
    body: &Rendered,
) -> Result<String, Diagnostic> {
    let p = &site.pages[i];
    let lang = p.doc.lang.as_str();
    let ls = &shared.langs[lang];
    let mut ctx = Context::new();
    ctx.insert("lang", lang);
    ctx.insert("root", &p.root());
    ctx.insert_value("site", ls.site.clone());
    ctx.insert_value("nav", ls.nav.clone());

    let translations: Vec<Translation> = site
        .config
        .languages
        .iter()
        .map(|l| {
            // The page in that language (real or a notice page), else the
            // first real translation along its fallback chain, else home.
            let target = site
                .page(&p.doc.key, &l.code)
                .or_else(|| site.chain_page(&p.doc.key, &l.code))
                .unwrap_or_else(|| site.home(&l.code));
            let t = &site.pages[target];
            let exists = t.doc.key == p.doc.key && t.doc.lang == l.code && !t.is_fallback();
            Translation {
                code: &l.code,
                name: &l.name,
                url: t.url.clone(),
                current: l.code == lang,
                exists: exists || p.synthetic,
                text_lang: &t.text_lang,
            }
        })
        .collect();
    ctx.insert("translations", &translations);

    // Search engines see real translations only: a notice page is
    // `noindex` with a canonical link to the text it shows.
    if let Some(base) = site.config.base_url.as_deref() {
        let source = &site.pages[site.text_source(i)];
        ctx.insert("canonical", &format!("{base}{}/", source.dir));
        let mut alternates = Vec::new();
        if !p.is_fallback() {
            for l in &site.config.languages {
                if let Some(j) = site
                    .page(&p.doc.key, &l.code)
                    .filter(|&j| !site.pages[j].is_fallback())
                {
                    alternates.push(Alternate {
                        hreflang: l.code.clone(),
                        href: format!("{base}{}/", site.pages[j].dir),
                    });
                }
            }
            let default = site
                .page(&p.doc.key, &site.config.default_language)
                .filter(|&j| !site.pages[j].is_fallback())
                .unwrap_or(i);
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
        if ls.has_feed {
            ctx.insert("feed", &format!("{}{lang}/atom.xml", p.root()));
        }
    }

    let words = body.word_count;
    let page_ctx = PageCtx {
        front: p.front(),
        kind: p.kind().name(),
        key: &p.doc.key,
        url: &p.url,
        toc: &body.toc,
        has_code: body.has_code,
        word_count: words,
        reading_minutes: words.div_ceil(200).max(1),
    };
    let mut page_map = Value::from_serializable(&page_ctx)
        .into_map()
        .unwrap_or_default();
    page_map.insert("content".into(), Value::safe_string(&body.html));
    // The language of the text when it is not the page's own (a missing
    // translation shown from another language), else "": templates mark
    // every piece of that text with it.
    let content_lang = if p.is_fallback() {
        p.text_lang.as_str()
    } else {
        ""
    };
    page_map.insert("content_lang".into(), Value::from(content_lang));
    page_map.insert("noindex".into(), Value::from(p.is_fallback()));
    if p.synthetic || p.front().title.is_empty() {
        page_map.insert("title".into(), Value::from(fallback_title(site, i18n, i)));
    }
    ctx.insert_value("page", Value::from(page_map));

    match p.kind() {
        Kind::Home => ctx.insert_value("home", ls.home.clone()),
        Kind::Section => {
            let name = crate::content::SECTIONS
                .iter()
                .copied()
                .find(|s| *s == p.doc.dir())
                .unwrap_or("courses");
            let mut m = tera::Map::default();
            m.insert("name".into(), Value::from(name));
            m.insert("items".into(), ls.sections[name].clone());
            ctx.insert_value("section", Value::from(m));
        }
        Kind::Course | Kind::Module => {
            if let Some(c) = p.course {
                if let Some(v) = shared.outlines.get(&(c, lang.to_string())) {
                    ctx.insert_value("course", v.clone());
                }
                if p.kind() == Kind::Module {
                    let mods = site.courses[c]
                        .modules
                        .get(lang)
                        .map(Vec::as_slice)
                        .unwrap_or(&[]);
                    let pos = mods.binary_search_by(|&m| {
                        crate::site::order_key(&site.pages[m].doc)
                            .cmp(&crate::site::order_key(&p.doc))
                    });
                    if let Ok(pos) = pos {
                        let link = |j: usize| {
                            let q = &site.pages[j];
                            Value::from_serializable(&Link {
                                title: &q.front().title,
                                url: &q.url,
                            })
                        };
                        if pos > 0 {
                            ctx.insert_value("prev", link(mods[pos - 1]));
                        }
                        if let Some(&n) = mods.get(pos + 1) {
                            ctx.insert_value("next", link(n));
                        }
                    }
                }
            }
        }
        Kind::Itinerary => {
            let courses: Vec<Value> = p
                .front()
                .courses
                .iter()
                .filter_map(|r| {
                    let k = crate::site::course_key(r);
                    site.page(&k, lang)
                        .or_else(|| site.chain_page(&k, lang))
                        .map(|j| item_value(site, j))
                })
                .collect();
            let mut m = tera::Map::default();
            m.insert("courses".into(), Value::from(courses));
            ctx.insert_value("itinerary", Value::from(m));
        }
        Kind::Guideline | Kind::Page => {}
    }
    let template = format!("{}.html", p.kind().name());
    let shown = if p.synthetic {
        None
    } else {
        Some(p.doc.path.as_path())
    };
    renderer.render(&template, &ctx, theme, shown)
}

/// Renders a page outside the language tree (`chooser.html`, `404.html`).
pub fn root_page(
    renderer: &Renderer,
    theme: &Theme,
    site: &Site,
    shared: &Shared,
    template: &str,
) -> Result<String, Diagnostic> {
    let lang = &site.config.default_language;
    let mut ctx = Context::new();
    ctx.insert("lang", lang);
    ctx.insert("root", "");
    ctx.insert_value("site", shared.langs[lang.as_str()].site.clone());
    ctx.insert_value("languages", shared.languages.clone());
    renderer.render(template, &ctx, theme, None)
}

/// Where the translators' status page is written.
pub const STATUS_PAGE: &str = "translations/index.html";

/// The translators' status page (`translations.html`): not linked from
/// learner navigation, `noindex`, in the default language.
pub fn status_page(
    renderer: &Renderer,
    theme: &Theme,
    site: &Site,
    shared: &Shared,
    report: &crate::translations::Report,
) -> Result<String, Diagnostic> {
    let lang = &site.config.default_language;
    let mut ctx = Context::new();
    ctx.insert("lang", lang);
    ctx.insert("root", "../");
    ctx.insert_value("site", shared.langs[lang.as_str()].site.clone());
    ctx.insert_value("languages", shared.languages.clone());
    ctx.insert("report", report);
    renderer.render("translations.html", &ctx, theme, None)
}
