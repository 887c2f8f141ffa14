//! The build pipeline, stage by stage:
//! config -> theme + strings + templates -> content -> site -> Markdown ->
//! checks -> templates -> files -> output.
//!
//! Each stage is a function of the previous stage's result. Errors of a
//! stage are collected and reported together; nothing is written unless
//! the whole build succeeded. Independent per-page work runs on rayon.

use crate::cache::{Cache, ThemeState};
use crate::config::Config;
use crate::content;
use crate::diagnostic::{self, Diagnostic};
use crate::i18n::I18n;
use crate::markdown::{self, LinkError, LinkTarget, Rendered};
use crate::output::{self, Data, Files};
use crate::render::{self, Renderer, Shared};
use crate::site::{LinkStyle, Site};
use crate::theme::Theme;
use crate::{feeds, translations};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Folder with `aula.toml`.
    pub root: PathBuf,
    /// Output folder; `ROOT/public` when `None`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub links: LinkStyle,
    /// `false` for `aula check`: validate everything, write nothing.
    pub write: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    pub pages_by_language: BTreeMap<String, usize>,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Wall time of each stage, in order, for `--verbose`.
    pub stages: Vec<(&'static str, Duration)>,
    pub output: PathBuf,
    /// Pages shown in a fallback language (missing translations, `notice`).
    pub fallback_pages: usize,
    /// Which translations are up to date, outdated or missing.
    pub translations: translations::Report,
}

/// Records the wall time between successive stages.
struct Stopwatch {
    last: Instant,
    stages: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch {
            last: Instant::now(),
            stages: Vec::new(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.last));
        self.last = now;
    }
}

/// Builds the site and, when `opts.write`, replaces the output folder
/// with it. On failure, returns every error found (sorted), with the
/// warnings after them, and writes nothing.
pub fn build(opts: &Options) -> Result<Report, Vec<Diagnostic>> {
    if opts.write {
        // Refused before any work: a wrong --output must not cost a build.
        let out = opts
            .output
            .clone()
            .unwrap_or_else(|| opts.root.join("public"));
        output::guard(&out, &opts.root).map_err(|d| vec![d])?;
    }
    let (files, mut report) = render_site(opts)?;
    if opts.write {
        let start = Instant::now();
        report.files = output::write(&report.output, &opts.root, &files).map_err(|d| vec![d])?;
        report.stages.push(("write output", start.elapsed()));
        report.elapsed += start.elapsed();
    }
    Ok(report)
}

/// Keeps a site in memory across rebuilds, for `aula serve`: each
/// [`Session::build`] returns the complete set of output files, redoing
/// only the work whose inputs changed (see [`crate::cache`]).
pub struct Session {
    opts: Options,
    cache: Cache,
}

impl Session {
    pub fn new(opts: Options) -> Session {
        Session {
            opts,
            cache: Cache::default(),
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Builds the site from what is on disk now; never writes.
    pub fn build(&mut self) -> Result<(Arc<Files>, Report), Vec<Diagnostic>> {
        let (files, report) = render_with(&self.opts, &mut self.cache)?;
        Ok((Arc::new(files), report))
    }
}

/// Everything up to (not including) writing: the output files in memory.
pub fn render_site(opts: &Options) -> Result<(Files, Report), Vec<Diagnostic>> {
    render_with(opts, &mut Cache::default())
}

/// [`render_site`] reusing what `cache` holds from a previous build.
fn render_with(opts: &Options, cache: &mut Cache) -> Result<(Files, Report), Vec<Diagnostic>> {
    let start = Instant::now();
    let mut watch = Stopwatch::new();
    let config = Config::load(&opts.root)?;
    // Everything a page may depend on in the configuration and options.
    let config_fingerprint = crate::cache::fingerprint(&(
        std::fs::read_to_string(opts.root.join(crate::config::CONFIG_FILE)).unwrap_or_default(),
        opts.drafts,
        opts.links == LinkStyle::File,
    ));
    let out_dir = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));

    // Theme loading and template parsing do not depend on content: overlap them.
    let previous_theme = cache.theme.take();
    let mut content_cache = std::mem::take(&mut cache.content);
    let (front, back) = rayon::join(
        || -> Result<ThemeState, Vec<Diagnostic>> {
            let theme = Theme::load(&config)?;
            let fingerprint = crate::cache::fingerprint(&(
                crate::cache::theme_fingerprint(&theme),
                config_fingerprint,
            ));
            if let Some(prev) = previous_theme.filter(|p| p.fingerprint == fingerprint) {
                return Ok(prev);
            }
            let i18n = Arc::new(I18n::load(&config, &theme)?);
            let renderer = Renderer::new(&theme, Arc::clone(&i18n))?;
            Ok(ThemeState {
                fingerprint,
                theme,
                i18n,
                renderer,
            })
        },
        || content::load_cached(&config, opts.drafts, &mut content_cache),
    );
    cache.content = content_cache;
    let (state, content) = match (front, back) {
        (Ok(f), Ok(c)) => (f, c),
        (f, c) => {
            let mut errs = Vec::new();
            match f {
                Ok(state) => cache.theme = Some(state),
                Err(e) => errs.extend(e),
            }
            if let Err(e) = c {
                errs.extend(e);
            }
            return Err(finish(errs));
        }
    };
    let theme_fingerprint = state.fingerprint;
    // Held here for this build and given back to the cache when it succeeds.
    let (theme, i18n, renderer) = (&state.theme, &state.i18n, &state.renderer);
    if content.documents.is_empty() {
        return Err(vec![Diagnostic::error("content/ holds no pages").file("content").help(
            "add content/_index.<lang>.md (the home page) and more Markdown files; `aula new DIR` shows a working layout",
        )]);
    }
    watch.lap("load config, theme, templates and content");
    let site = Site::assemble(config, content, opts.links).map_err(finish)?;
    watch.lap("assemble site");

    // What every page's links resolve against: all URLs and languages.
    let url_fingerprint = crate::cache::fingerprint(
        &site
            .pages
            .iter()
            .map(|p| (&p.doc.key, &p.doc.lang, &p.url, &p.text_lang, p.synthetic))
            .collect::<Vec<_>>(),
    );
    let doc_fingerprints: Vec<u64> = site
        .pages
        .iter()
        .map(|p| {
            crate::cache::fingerprint(&(
                p.doc.fingerprint,
                p.doc.source.len(),
                &p.doc.path,
                &p.dir,
                &p.doc.lang,
                &p.text_lang,
            ))
        })
        .collect();
    watch.lap("fingerprint pages");
    let bodies = render_markdown(
        &site,
        cache,
        &doc_fingerprints,
        (url_fingerprint, config_fingerprint),
    );
    watch.lap("render Markdown");
    let mut errors = check(&site, &bodies);
    if !errors.is_empty() {
        return Err(finish(errors));
    }

    watch.lap("check links and anchors");
    let status = {
        // Source hashes cost a pass over each body: compute only new ones.
        let wanted: Vec<usize> = (0..site.pages.len())
            .filter(|&i| {
                !site.pages[i].synthetic && !cache.source_hashes.contains_key(&doc_fingerprints[i])
            })
            .collect();
        let fresh: Vec<(u64, String)> = wanted
            .par_iter()
            .map(|&i| {
                let p = &site.pages[i];
                (
                    doc_fingerprints[i],
                    translations::source_hash(p.front(), p.doc.body()),
                )
            })
            .collect();
        let mut known = std::mem::take(&mut cache.source_hashes);
        known.extend(fresh);
        // Keep only what this site still has, so the memo cannot grow forever.
        let live: HashSet<u64> = doc_fingerprints.iter().copied().collect();
        known.retain(|k, _| live.contains(k));
        let report = translations::Report::with_hashes(&site, &|i| {
            known.get(&doc_fingerprints[i]).cloned().unwrap_or_default()
        });
        cache.source_hashes = known;
        report
    };
    watch.lap("translation status");
    let shared = Shared::build(&site);
    watch.lap("shared template context");
    // A page is rendered again only when something it shows changed: its
    // own text, the shared context of its language (and course), any URL,
    // the configuration or the theme.
    let global =
        crate::cache::fingerprint(&(theme_fingerprint, url_fingerprint, config_fingerprint));
    let language_fps: HashMap<&str, u64> = site
        .config
        .languages
        .par_iter()
        .map(|l| (l.code.as_str(), shared.language_fingerprint(&l.code)))
        .collect();
    // Each course outline once per language, in parallel: serialising them
    // is most of a rebuild's fingerprinting.
    let outline_pairs: HashSet<(usize, &str)> = site
        .pages
        .iter()
        .filter(|p| {
            matches!(
                p.kind(),
                crate::content::Kind::Course | crate::content::Kind::Module
            )
        })
        .filter_map(|p| p.course.map(|c| (c, p.doc.lang.as_str())))
        .collect();
    let outline_fps: HashMap<(usize, &str), u64> = outline_pairs
        .into_par_iter()
        .map(|(c, lang)| ((c, lang), shared.outline_fingerprint(c, lang)))
        .collect();
    let page_fingerprints: Vec<u64> = (0..site.pages.len())
        .map(|i| {
            let p = &site.pages[i];
            let lang = p.doc.lang.as_str();
            let outline = match (p.course, p.kind()) {
                (Some(c), crate::content::Kind::Course | crate::content::Kind::Module) => {
                    outline_fps.get(&(c, lang)).copied().unwrap_or(0)
                }
                _ => 0,
            };
            let language = language_fps.get(lang).copied().unwrap_or(0);
            crate::cache::fingerprint(&(global, doc_fingerprints[i], language, outline))
        })
        .collect();
    let previous = std::mem::take(&mut cache.pages);
    let pages: Vec<Result<Arc<[u8]>, Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let p = &site.pages[i];
            if let Some((fp, bytes)) = previous.get(p.dir.as_str()) {
                if *fp == page_fingerprints[i] {
                    return Ok(Arc::clone(bytes));
                }
            }
            render::page(renderer, theme, i18n, &site, &shared, i, &bodies[i])
                .map(|html| Arc::from(html.into_bytes()))
        })
        .collect();
    let mut files = Files::new();
    let mut template_errors = Vec::new();
    for (i, r) in pages.into_iter().enumerate() {
        match r {
            Ok(bytes) => {
                let p = &site.pages[i];
                cache
                    .pages
                    .insert(p.dir.clone(), (page_fingerprints[i], Arc::clone(&bytes)));
                files.insert(format!("{}/index.html", p.dir), Data::Bytes(bytes));
            }
            Err(d) => template_errors.push(d),
        }
    }
    errors.extend(merge_repeated(template_errors));
    watch.lap("render pages");
    // Root pages depend on the configuration, theme and URLs; the status
    // page also on the translation report.
    let all_docs = crate::cache::fingerprint(&(global, &status));
    let mut root_pages: Vec<(&'static str, u64, Option<&str>)> = vec![
        ("index.html", global, Some("chooser.html")),
        ("404.html", global, Some("404.html")),
    ];
    if theme.templates.contains_key("translations.html") {
        root_pages.push((render::STATUS_PAGE, all_docs, None));
    }
    for (path, fp, template) in root_pages {
        let bytes = match cache.root_pages.get(path).filter(|(old, _)| *old == fp) {
            Some((_, b)) => Ok(Arc::clone(b)),
            None => match template {
                Some(t) => render::root_page(renderer, theme, &site, &shared, t),
                None => render::status_page(renderer, theme, &site, &shared, &status),
            }
            .map(|html| Arc::<[u8]>::from(html.into_bytes())),
        };
        match bytes {
            Ok(b) => {
                cache.root_pages.insert(path, (fp, Arc::clone(&b)));
                files.insert(path.into(), Data::Bytes(b));
            }
            Err(d) => errors.push(d),
        }
    }
    watch.lap("render root and status pages");
    let mut machine_warnings = Vec::new();
    match site.config.base_url.as_deref() {
        Some(base) => {
            files.insert("sitemap.xml".into(), Data::Bytes(feeds::sitemap(&site, base).into_bytes().into()));
            files.insert("robots.txt".into(), Data::Bytes(feeds::robots(base).into_bytes().into()));
            for lang in &site.config.languages {
                if let Some(feed) = feeds::atom(&site, base, &lang.code) {
                    files.insert(format!("{}/atom.xml", lang.code), Data::Bytes(feed.into_bytes().into()));
                }
            }
        }
        None => machine_warnings.push(
            Diagnostic::warning("base_url is not set: sitemap.xml, robots.txt and the Atom feeds were not written")
                .file(crate::config::CONFIG_FILE)
                .help("they need absolute addresses: add base_url = \"https://your.site/path/\" to aula.toml"),
        ),
    }
    for (i, body) in bodies.iter().enumerate() {
        let page = &site.pages[i];
        for a in &body.assets {
            let src_rel = join(page.doc.dir(), &a.path);
            let out = format!("{}/{}", page.dir, a.path);
            let data = Data::Copy(site.config.content_dir().join(&src_rel));
            match files.get(&out) {
                Some(existing) if *existing != data => errors.push(
                    Diagnostic::error(format!(
                        "the file content/{src_rel} would replace the generated {out}"
                    ))
                    .file(&page.doc.path)
                    .at(a.line, a.column, Some(&page.doc.source))
                    .help("rename the file: a page's folder already has that name"),
                ),
                _ => {
                    files.insert(out, data);
                }
            }
        }
    }
    for (name, bytes) in &theme.statics {
        if files.contains_key(name) {
            errors.push(
                Diagnostic::error(format!(
                    "the static file {name} would replace a generated file"
                ))
                .file(format!("static/{name}"))
                .help("rename or move the static file"),
            );
            continue;
        }
        files.insert(name.clone(), Data::Bytes(bytes.as_slice().into()));
    }
    if bodies.iter().any(|b| b.has_code) {
        files.insert(
            "syntax.css".into(),
            Data::Bytes(cache.highlighter.stylesheet().into_bytes().into()),
        );
    }
    watch.lap("render templates");
    let mut warnings = i18n.fallback_warnings();
    let explicit: Vec<&[String]> = bodies.iter().map(|b| b.explicit_ids.as_slice()).collect();
    warnings.extend(translations::anchor_warnings(&site, &status, &explicit));
    warnings.extend(machine_warnings);
    if !errors.is_empty() {
        errors.append(&mut warnings);
        return Err(finish(errors));
    }

    diagnostic::sort(&mut warnings);
    let fallback_pages = site.pages.iter().filter(|p| p.is_fallback()).count();
    cache.theme = Some(state);
    let report = Report {
        pages_by_language: site
            .count_by_language()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        files: files.len(),
        warnings,
        elapsed: start.elapsed(),
        stages: watch.stages,
        output: out_dir,
        fallback_pages,
        translations: status,
    };
    Ok((files, report))
}

/// One template mistake fails every page that uses the template; report
/// it once, naming the first page and how many others failed with it.
fn merge_repeated(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    const MARK: &str = " (while rendering ";
    let mut merged: Vec<(Diagnostic, usize)> = Vec::new();
    for d in errors {
        let core = |d: &Diagnostic| d.message.split(MARK).next().unwrap_or("").to_string();
        match merged.iter_mut().find(|(m, _)| {
            m.file == d.file && m.line == d.line && m.column == d.column && core(m) == core(&d)
        }) {
            Some((_, n)) => *n += 1,
            None => merged.push((d, 0)),
        }
    }
    merged
        .into_iter()
        .map(|(mut d, others)| {
            if others > 0 && d.message.ends_with(')') {
                d.message.pop();
                d.message.push_str(&format!(
                    " and {others} other page{})",
                    if others == 1 { "" } else { "s" }
                ));
            }
            d
        })
        .collect()
}

fn finish(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort(&mut errors);
    errors
}

fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}

/// Markdown to HTML for every page, in parallel; links are resolved to
/// relative URLs in the linking page's language. A page whose source, place
/// and link targets are unchanged reuses its previous result.
fn render_markdown(
    site: &Site,
    cache: &mut Cache,
    docs: &[u64],
    env: (u64, u64),
) -> Vec<Arc<Rendered>> {
    let previous = std::mem::take(&mut cache.markdown);
    let highlighter = &cache.highlighter;
    let bodies: Vec<(u64, Arc<Rendered>)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let fp = crate::cache::fingerprint(&(docs[i], env));
            if page.synthetic {
                return (fp, Arc::new(Rendered::default()));
            }
            if let Some((old, r)) = previous.get(page.dir.as_str()) {
                if *old == fp {
                    return (fp, Arc::clone(r));
                }
            }
            let resolve = |path: &str| -> Result<LinkTarget, LinkError> {
                site.resolve(i, path)
                    .map(|t| {
                        let target = &site.pages[t.page];
                        LinkTarget {
                            href: site.href(i, &target.url),
                            page: t.page,
                            lang: (target.text_lang != page.doc.lang)
                                .then(|| target.text_lang.clone()),
                        }
                    })
                    .map_err(|(message, help)| LinkError { message, help })
            };
            let opts = markdown::Options {
                highlighter,
                resolve: &resolve,
                first_line: page.doc.body_line,
                raw_html: site.config.markdown.raw_html,
            };
            (fp, Arc::new(markdown::render(page.doc.body(), &opts)))
        })
        .collect();
    for (page, (fp, r)) in site.pages.iter().zip(&bodies) {
        cache
            .markdown
            .insert(page.dir.clone(), (*fp, Arc::clone(r)));
    }
    bodies.into_iter().map(|(_, r)| r).collect()
}

/// Checks that need every page rendered: anchors of internal links exist,
/// referenced assets exist; plus the Markdown stage's own errors.
fn check(site: &Site, bodies: &[Arc<Rendered>]) -> Vec<Diagnostic> {
    // A page has a few dozen ids at most: a linear search beats building a
    // set for every page on every rebuild.
    let anchors: Vec<&[String]> = bodies.iter().map(|b| b.anchors.as_slice()).collect();
    let mut errors = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let page = &site.pages[i];
        let at = |msg: String, line: usize, col: usize| {
            Diagnostic::error(msg)
                .file(&page.doc.path)
                .at(line, col, Some(&page.doc.source))
        };
        for e in &body.errors {
            errors.push(at(e.message.clone(), e.line, e.column).help(e.help.clone()));
        }
        for link in &body.links {
            let Some(anchor) = &link.anchor else { continue };
            if !anchors[link.page].iter().any(|a| a == anchor) {
                let target = &site.pages[link.page];
                let known: Vec<&str> = anchors[link.page].iter().map(String::as_str).collect();
                let help = match diagnostic::did_you_mean(anchor, known.iter().copied()) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None => format!(
                        "give the heading an explicit id that is the same in every language: `## Heading {{#{anchor}}}` in {}",
                        target.doc.path.display()
                    ),
                };
                errors.push(
                    at(
                        format!(
                            "broken anchor `{}`: {} has no heading with id `{anchor}`",
                            link.raw,
                            target.doc.path.display()
                        ),
                        link.line,
                        link.column,
                    )
                    .help(help),
                );
            }
        }
        for a in &body.assets {
            let rel = join(page.doc.dir(), &a.path);
            if !site.assets.contains(&rel) {
                errors.push(
                    at(format!("missing file `{}`: content/{rel} does not exist", a.path), a.line, a.column)
                        .help("put the file next to the Markdown file, or fix the name (names are case-sensitive)"),
                );
            }
        }
    }
    errors
}
