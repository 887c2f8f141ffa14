//! The build pipeline, stage by stage:
//! config -> theme + strings + templates -> content -> site -> Markdown ->
//! checks -> templates -> files -> output.
//!
//! Each stage is a function of the previous stage's result. Errors of a
//! stage are collected and reported together; nothing is written unless
//! the whole build succeeded. Independent per-page work runs on rayon.

use crate::config::Config;
use crate::content;
use crate::diagnostic::{self, Diagnostic};
use crate::highlight::Highlighter;
use crate::i18n::I18n;
use crate::markdown::{self, LinkError, LinkTarget, Rendered};
use crate::output::{self, Data, Files};
use crate::render::{self, Renderer, Shared};
use crate::site::{LinkStyle, Site};
use crate::theme::Theme;
use crate::{feeds, translations};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
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
/// [`Session::build`] returns the complete set of output files.
pub struct Session {
    opts: Options,
}

impl Session {
    pub fn new(opts: Options) -> Session {
        Session { opts }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Builds the site from what is on disk now; never writes.
    pub fn build(&mut self) -> Result<(Arc<Files>, Report), Vec<Diagnostic>> {
        let (files, report) = render_site(&self.opts)?;
        Ok((Arc::new(files), report))
    }
}

/// Everything up to (not including) writing: the output files in memory.
pub fn render_site(opts: &Options) -> Result<(Files, Report), Vec<Diagnostic>> {
    let start = Instant::now();
    let mut watch = Stopwatch::new();
    let config = Config::load(&opts.root)?;
    let out_dir = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));

    // Theme loading and template parsing do not depend on content: overlap them.
    let (front, back) = rayon::join(
        || -> Result<_, Vec<Diagnostic>> {
            let theme = Theme::load(&config)?;
            let i18n = Arc::new(I18n::load(&config, &theme)?);
            let renderer = Renderer::new(&theme, Arc::clone(&i18n))?;
            Ok((theme, i18n, renderer))
        },
        || content::load(&config, opts.drafts),
    );
    let ((theme, i18n, renderer), content) = match (front, back) {
        (Ok(f), Ok(c)) => (f, c),
        (f, c) => {
            let mut errs = f.err().unwrap_or_default();
            errs.extend(c.err().unwrap_or_default());
            return Err(finish(errs));
        }
    };
    if content.documents.is_empty() {
        return Err(vec![Diagnostic::error("content/ holds no pages").file("content").help(
            "add content/_index.<lang>.md (the home page) and more Markdown files; `aula new DIR` shows a working layout",
        )]);
    }
    watch.lap("load config, theme, templates and content");
    let site = Site::assemble(config, content, opts.links).map_err(finish)?;
    watch.lap("assemble site");

    let highlighter = Highlighter::new();
    let bodies = render_markdown(&site, &highlighter);
    watch.lap("render Markdown");
    let mut errors = check(&site, &bodies);
    if !errors.is_empty() {
        return Err(finish(errors));
    }

    let status = translations::Report::new(&site);
    let shared = Shared::build(&site);
    let pages: Vec<Result<String, Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| render::page(&renderer, &theme, &i18n, &site, &shared, i, &bodies[i]))
        .collect();
    let mut files = Files::new();
    let mut template_errors = Vec::new();
    for (i, r) in pages.into_iter().enumerate() {
        match r {
            Ok(html) => {
                files.insert(
                    format!("{}/index.html", site.pages[i].dir),
                    Data::Bytes(html.into_bytes().into()),
                );
            }
            Err(d) => template_errors.push(d),
        }
    }
    errors.extend(merge_repeated(template_errors));
    for (template, path) in [("chooser.html", "index.html"), ("404.html", "404.html")] {
        match render::root_page(&renderer, &theme, &site, &shared, template) {
            Ok(html) => {
                files.insert(path.into(), Data::Bytes(html.into_bytes().into()));
            }
            Err(d) => errors.push(d),
        }
    }
    // The translators' status page: optional for themes.
    if theme.templates.contains_key("translations.html") {
        match render::status_page(&renderer, &theme, &site, &shared, &status) {
            Ok(html) => {
                files.insert(
                    render::STATUS_PAGE.into(),
                    Data::Bytes(html.into_bytes().into()),
                );
            }
            Err(d) => errors.push(d),
        }
    }
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
            files.insert(
                format!("{}/{}", page.dir, a.path),
                Data::Copy(site.config.content_dir().join(src_rel)),
            );
        }
    }
    for (name, bytes) in &theme.statics {
        files.insert(name.clone(), Data::Bytes(bytes.as_slice().into()));
    }
    if bodies.iter().any(|b| b.has_code) {
        files.insert(
            "syntax.css".into(),
            Data::Bytes(highlighter.stylesheet().into_bytes().into()),
        );
    }
    watch.lap("render templates");
    let mut warnings = i18n.fallback_warnings();
    warnings.extend(translations::anchor_warnings(&site, &status));
    warnings.extend(machine_warnings);
    if !errors.is_empty() {
        errors.append(&mut warnings);
        return Err(finish(errors));
    }

    diagnostic::sort(&mut warnings);
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
        fallback_pages: site.pages.iter().filter(|p| p.is_fallback()).count(),
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
/// relative URLs in the linking page's language.
fn render_markdown(site: &Site, highlighter: &Highlighter) -> Vec<Rendered> {
    site.pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            if page.synthetic {
                return Rendered::default();
            }
            let resolve = |path: &str| -> Result<LinkTarget, LinkError> {
                site.resolve(i, path)
                    .map(|t| LinkTarget {
                        href: site.href(i, &site.pages[t.page].url),
                        page: t.page,
                    })
                    .map_err(|(message, help)| LinkError { message, help })
            };
            let opts = markdown::Options {
                highlighter,
                resolve: &resolve,
                first_line: page.doc.body_line,
                raw_html: site.config.markdown.raw_html,
            };
            markdown::render(page.doc.body(), &opts)
        })
        .collect()
}

/// Checks that need every page rendered: anchors of internal links exist,
/// referenced assets exist; plus the Markdown stage's own errors.
fn check(site: &Site, bodies: &[Rendered]) -> Vec<Diagnostic> {
    let anchors: Vec<HashSet<&str>> = bodies
        .iter()
        .map(|b| b.anchors.iter().map(String::as_str).collect())
        .collect();
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
            if !anchors[link.page].contains(anchor.as_str()) {
                let target = &site.pages[link.page];
                let known: Vec<&str> = anchors[link.page].iter().copied().collect();
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
