//! Quick updates of a [`Session`] (`aula serve`): when the watcher reports
//! that only page bodies changed, the site of the last build is updated
//! instead of built again.
//!
//! Only the reported files are read ([`ReadCache::reread`]); when each
//! one's front matter is the same text as before, the assembled [`Site`]
//! cannot change (assembly reads front matter, keys and places only), so
//! the last site is kept and only its documents are swapped. Then only
//! the pages that show a changed document are rendered (their Markdown,
//! their page, their completion page), and the passes (minify,
//! fingerprint, measure, precompress) run over those pages with the root
//! stylesheets and scripts they are rewritten against. Every other file
//! is the last build's, shared.
//!
//! The translators' status page depends on every page's text: it is left
//! for [`Session::finish`], which the server calls right after it has
//! told the browsers to reload, and which a request for that page waits
//! for. The warnings are brought up to date there too.
//!
//! Anything else (a new, removed or renamed file, front matter, an asset,
//! the theme, `aula.toml`, a code block that appears or goes, a build in
//! error) takes the ordinary build, [`Session::build`]. Both give the
//! same bytes: every file made here is made by the same functions, from
//! the same values, as in a build (the random-edit test compares them).
//!
//! [`ReadCache::reread`]: crate::content::ReadCache::reread

use super::cache::Counters;
use super::markdown::{self, Setting, Tools};
use super::{Report, Session, Stopwatch, passes};
use crate::content::Document;
use crate::diagnostic::{self, Diagnostic, Kind};
use crate::images::Catalog;
use crate::markdown::Rendered;
use crate::output::{self, Data};
use crate::outputs::{self, Files, Fingerprints, Input};
use crate::render::certificate;
use crate::render::views::Shared;
use crate::site::{PageSource, Site};
use crate::translations;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// What a good build leaves for quick updates: the values between its
/// stages, and the files it served.
pub(super) struct Last {
    pub site: Site,
    pub bodies: Vec<Arc<Rendered>>,
    pub status: translations::Report,
    pub shared: Shared,
    pub fingerprints: Fingerprints,
    pub images: Catalog,
    pub setting: Setting,
    pub config_fp: u64,
    /// Warnings of the outputs and the passes (not of Markdown, UI
    /// strings or anchors, which are made again from the site).
    pub output_warnings: Vec<Diagnostic>,
    /// The warnings of the last build or update, as reported.
    pub warnings: Vec<Diagnostic>,
    /// The files served.
    pub files: Arc<output::Files>,
    /// The static files and `syntax.css` before the passes, made on the
    /// first quick update: what pages are rewritten against and measured
    /// with.
    pub support: Option<output::Files>,
    /// What the passes keep between quick updates.
    pub passes: passes::Memory,
    /// Pages whose text changed since the status page was made.
    pub stale: BTreeSet<usize>,
}

/// A rebuild's result: the files to serve now, and those of them that
/// are still being made ([`Session::finish`] makes them).
pub struct Update {
    pub files: Arc<output::Files>,
    pub report: Report,
    /// Output paths whose bytes in `files` are not up to date yet.
    pub deferred: Vec<String>,
}

/// A finished build: the files to serve and what was done.
pub type Built = (Arc<output::Files>, Report);

/// A changed document: as the last build had it, and as it is now.
type Swap = (Arc<Document>, Arc<Document>);

/// Why a quick update is not possible: the ordinary build takes over.
struct Fallback;

impl Session {
    /// Rebuilds after the watcher reported `changed` (absolute paths):
    /// a quick update when only page bodies changed, else [`Session::build`].
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update, Vec<Diagnostic>> {
        if self.preview
            && !self.opts.strict
            && let Some(last) = self.cache.last.take()
        {
            match self.quick(last, changed) {
                Ok(update) => return Ok(update),
                Err(Fallback) => self.counters.fallbacks += 1,
            }
        }
        let (files, report) = self.build()?;
        Ok(Update {
            files,
            report,
            deferred: Vec::new(),
        })
    }

    /// Makes what the last quick update left: the status page and the
    /// warnings. `None` when nothing was left. After a build, prepares
    /// the next quick update instead (the static files it passes pages
    /// with, minified once), so that the first edit is as quick as the
    /// others.
    pub fn finish(&mut self) -> Option<Result<Built, Vec<Diagnostic>>> {
        let last = self.cache.last.as_ref()?;
        if last.stale.is_empty() {
            if last.support.is_none() && self.preview {
                let mut last = self.cache.last.take()?;
                self.prepare(&mut last);
                self.cache.last = Some(last);
            }
            return None;
        }
        let last = self.cache.last.take()?;
        Some(match self.complete(last) {
            Ok(done) => Ok(done),
            Err(Fallback) => self.build(),
        })
    }

    /// Makes the support files and passes them once, so their minified
    /// forms are kept. Nothing is lost if it fails: a quick update tries
    /// again.
    fn prepare(&self, last: &mut Last) {
        let Some((_, state)) = self.cache.theme.as_ref() else {
            return;
        };
        let input = Input {
            site: &last.site,
            bodies: &last.bodies,
            theme: &state.theme,
            i18n: &state.i18n,
            renderer: &state.renderer,
            shared: &last.shared,
            status: &last.status,
            fingerprints: &last.fingerprints,
            images: &last.images,
        };
        let Ok(support) = support(&input, &self.cache.highlighter) else {
            return;
        };
        let mut watch = Stopwatch::new();
        let passed = passes_over(
            &input,
            Files::new(),
            &support,
            &mut last.passes,
            self.opts.budget_gzip,
            &last.files,
            &mut watch,
        );
        if passed.is_ok() {
            last.support = Some(support);
        }
    }

    /// How much work the session has done, for tests and `--verbose`.
    pub fn counters(&self) -> Counters {
        Counters {
            files_read: self.cache.content.reads(),
            ..self.counters
        }
    }

    fn quick(&mut self, mut last: Last, changed: &[PathBuf]) -> Result<Update, Fallback> {
        let start = Instant::now();
        let mut watch = Stopwatch::new();
        let docs = self.changed_documents(&last.site, changed)?;
        watch.lap("read the changed files");
        if docs.is_empty() {
            // Saved unchanged, or only files no build reads.
            let deferred = self.deferred(&last);
            let report = report(&last, &self.opts, start, watch, last.files.len());
            let files = Arc::clone(&last.files);
            self.cache.last = Some(last);
            return Ok(Update {
                files,
                report,
                deferred,
            });
        }
        let affected = swap_documents(&mut last, &docs)?;
        let Some((_, state)) = self.cache.theme.as_ref() else {
            return Err(Fallback);
        };
        let tools = Tools {
            setting: &last.setting,
            fps: &last.fingerprints,
            config_fp: last.config_fp,
            highlighter: &self.cache.highlighter,
            tera: &state.renderer,
            images: &last.images,
        };
        for &i in &affected {
            let (_, body) = markdown::render_page(&last.site, i, &tools, &self.cache.markdown);
            same_site_wide_reads(&body, &last.bodies[i])?;
            last.bodies[i] = body;
        }
        watch.lap("render Markdown");
        if !markdown::check(&last.site, &last.bodies).is_empty() {
            // The build reports the errors, exactly as it always does.
            return Err(Fallback);
        }
        watch.lap("check links and anchors");
        let input = Input {
            site: &last.site,
            bodies: &last.bodies,
            theme: &state.theme,
            i18n: &state.i18n,
            renderer: &state.renderer,
            shared: &last.shared,
            status: &last.status,
            fingerprints: &last.fingerprints,
            images: &last.images,
        };
        let mut made = Files::new();
        for &i in &affected {
            render_page_files(&input, i, &mut made)?;
        }
        // The measure's warnings about these files are made again below.
        let mut measured: BTreeSet<PathBuf> = made.keys().map(PathBuf::from).collect();
        measured.extend(
            affected
                .iter()
                .map(|&i| last.site.pages[i].path().to_path_buf()),
        );
        watch.lap("render pages");
        let support = match last.support.take() {
            Some(r) => r,
            None => support(&input, &self.cache.highlighter)?,
        };
        let (files, warnings) = passes_over(
            &input,
            made,
            &support,
            &mut last.passes,
            self.opts.budget_gzip,
            &last.files,
            &mut watch,
        )?;
        replace_measures(&mut last.output_warnings, &measured, warnings);
        let mut served = (*last.files).clone();
        served.extend(files);
        let served = Arc::new(served);
        watch.lap("update the site");
        last.files = Arc::clone(&served);
        last.support = Some(support);
        last.stale.extend(affected);
        let deferred = self.deferred(&last);
        let report = report(&last, &self.opts, start, watch, served.len());
        self.cache.last = Some(last);
        self.counters.quick += 1;
        Ok(Update {
            files: served,
            report,
            deferred,
        })
    }

    /// The files [`Session::finish`] will make again.
    fn deferred(&self, last: &Last) -> Vec<String> {
        if last.files.contains_key(outputs::status::PATH) && !last.stale.is_empty() {
            vec![outputs::status::PATH.to_string()]
        } else {
            Vec::new()
        }
    }

    /// The documents the reported paths changed, old and new; a
    /// [`Fallback`] unless each is a Markdown file of the last build whose
    /// front matter kept its text. Paths the build never reads (hidden
    /// files, an editor's temporary file already renamed away) are left
    /// out; only the reported files are looked at.
    fn changed_documents(
        &mut self,
        site: &Site,
        changed: &[PathBuf],
    ) -> Result<Vec<Swap>, Fallback> {
        let root = &self.opts.root;
        let canonical = std::fs::canonicalize(root).map_err(|_| Fallback)?;
        let mut docs = Vec::new();
        let mut seen = BTreeSet::new();
        for path in changed {
            let rel = path
                .strip_prefix(&canonical)
                .or_else(|_| path.strip_prefix(root))
                .map_err(|_| Fallback)?;
            let mut parts = rel.components();
            if parts.next().is_none_or(|c| c.as_os_str() != "content") {
                return Err(Fallback);
            }
            let inside = parts.as_path();
            if inside.as_os_str().is_empty() {
                return Err(Fallback);
            }
            if inside
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            {
                continue; // never walked, never built
            }
            let walked = site.config.content_dir().join(inside);
            let name = inside.to_string_lossy().replace('\\', "/");
            let is_md = name.ends_with(".md");
            let exists = std::fs::symlink_metadata(&walked).is_ok();
            if !is_md || !exists {
                let known = site.assets.contains(&name)
                    || site
                        .assets
                        .range(format!("{name}/")..)
                        .next()
                        .is_some_and(|a| a.starts_with(&format!("{name}/")))
                    || self.cache.content.covers(&walked);
                if known || exists {
                    return Err(Fallback);
                }
                continue; // came and went: a temporary file
            }
            if !seen.insert(walked.clone()) {
                continue;
            }
            match self
                .cache
                .content
                .reread(&site.config, &walked, self.opts.drafts)
            {
                Some((Ok(Some(old)), Ok(Some(new))))
                    if old.source[..old.body_start] == new.source[..new.body_start] =>
                {
                    if old.source != new.source {
                        docs.push((old, new));
                    }
                }
                _ => return Err(Fallback),
            }
        }
        Ok(docs)
    }

    /// The status page and the warnings, after a quick update.
    fn complete(&mut self, mut last: Last) -> Result<Built, Fallback> {
        let start = Instant::now();
        let mut watch = Stopwatch::new();
        let status =
            markdown::translation_status(&last.site, &mut self.cache, &last.fingerprints.docs);
        let Some((_, state)) = self.cache.theme.as_ref() else {
            return Err(Fallback);
        };
        watch.lap("translation status");
        let input = Input {
            site: &last.site,
            bodies: &last.bodies,
            theme: &state.theme,
            i18n: &state.i18n,
            renderer: &state.renderer,
            shared: &last.shared,
            status: &status,
            fingerprints: &last.fingerprints,
            images: &last.images,
        };
        let mut made = Files::new();
        let mut memo = Vec::new();
        if !outputs::status::add(&input, &self.cache.root_pages, &mut memo, &mut made).is_empty() {
            return Err(Fallback);
        }
        watch.lap("render the status page");
        let support = last.support.take().ok_or(Fallback)?;
        let (files, output_warnings) = passes_over(
            &input,
            made,
            &support,
            &mut last.passes,
            self.opts.budget_gzip,
            &last.files,
            &mut watch,
        )?;
        let measured = BTreeSet::from([PathBuf::from(outputs::status::PATH)]);
        replace_measures(&mut last.output_warnings, &measured, output_warnings);
        let mut served = (*last.files).clone();
        served.extend(files);
        let served = Arc::new(served);
        last.warnings = warnings(&input, &last.output_warnings);
        watch.lap("warnings");
        last.files = Arc::clone(&served);
        last.support = Some(support);
        last.status = status;
        last.stale.clear();
        let report = report(&last, &self.opts, start, watch, served.len());
        self.cache.last = Some(last);
        Ok((served, report))
    }
}

/// A page's `index.html` and, for a course or an itinerary, its
/// completion page, as `outputs::pages` and `outputs::certificates` make
/// them.
fn render_page_files(input: &Input, i: usize, files: &mut Files) -> Result<(), Fallback> {
    let site = input.site;
    let page = &site.pages[i];
    let html = input.page_html(i).map_err(|_| Fallback)?;
    files
        .add_generated(format!("{}/index.html", page.dir), html.into_bytes())
        .map_err(|_| Fallback)?;
    if certificate::has_certificate(site, i) {
        let html = input.certificate_html(i).map_err(|_| Fallback)?;
        let dir = certificate::dir(&page.dir);
        files
            .add_generated(format!("{dir}/index.html"), html.into_bytes())
            .map_err(|_| Fallback)?;
    }
    Ok(())
}

/// The files the passes need to see beside the pages, before the passes:
/// the theme's and the site's static files and `syntax.css` (the root
/// ones are what pages are rewritten against; stylesheets count in a
/// page's weight).
fn support(
    input: &Input,
    highlighter: &crate::highlight::Highlighter,
) -> Result<output::Files, Fallback> {
    let mut files = Files::new();
    let mut diags = outputs::statics::add(input, &mut files);
    diags.extend(outputs::syntax_css::add(input, highlighter, &mut files));
    if !diags.is_empty() {
        return Err(Fallback);
    }
    Ok(files.into_map())
}

/// Images count in a page's weight when it shows them above the fold.
const IMAGES: [&str; 8] = [
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".ico",
];

/// The passes over `made`, with the `support` files and the site's images
/// beside them: the files made from `made`, and the passes' warnings. Each
/// root file they give back must be what `served` has, byte for byte, and
/// there must be as many: else the pages would be rewritten against other
/// names.
fn passes_over(
    input: &Input,
    made: Files,
    support: &output::Files,
    memory: &mut passes::Memory,
    gzip: outputs::budget::Gzip,
    served: &output::Files,
    watch: &mut Stopwatch,
) -> Result<(output::Files, Vec<Diagnostic>), Fallback> {
    let mut all = made.into_map();
    let wanted: BTreeSet<String> = all
        .keys()
        .flat_map(|k| [k.clone(), format!("{k}.br"), format!("{k}.gz")])
        .collect();
    for (path, data) in support {
        if all.insert(path.clone(), data.clone()).is_some() {
            return Err(Fallback);
        }
    }
    for (path, data) in served {
        if IMAGES.iter().any(|e| path.ends_with(e)) && !all.contains_key(path) {
            all.insert(path.clone(), data.clone());
        }
    }
    let (files, _, diags) = passes::run(input.site, Files::from_pass(all), memory, gzip, watch);
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(Diagnostic::is_error);
    if !errors.is_empty() {
        return Err(Fallback);
    }
    let at_root = |path: &str| !path.contains('/');
    let mut out = BTreeMap::new();
    let mut root_files = 0;
    for (path, data) in files.into_map() {
        if wanted.contains(&path) {
            out.insert(path, data);
        } else if at_root(&path) {
            match served.get(&path) {
                Some(d) if same(d, &data) => {
                    root_files += usize::from(FROM_ROOTS.iter().any(|e| path.ends_with(e)));
                }
                _ => return Err(Fallback),
            }
        }
    }
    let served_roots = served
        .keys()
        .filter(|p| at_root(p) && FROM_ROOTS.iter().any(|e| p.ends_with(e)))
        .count();
    if root_files != served_roots {
        return Err(Fallback);
    }
    Ok((out, warnings))
}

/// Replaces the page-weight warnings about `measured` (output paths and
/// source files) in `kept` with `fresh`, the passes' warnings of the files
/// just measured.
fn replace_measures(
    kept: &mut Vec<Diagnostic>,
    measured: &BTreeSet<PathBuf>,
    fresh: Vec<Diagnostic>,
) {
    kept.retain(|d| {
        d.kind != Kind::Budget || d.file.as_ref().is_none_or(|f| !measured.contains(f))
    });
    kept.extend(fresh);
}

/// How the root files of [`support`] that pages are rewritten against
/// end, after the passes.
const FROM_ROOTS: [&str; 6] = [".css", ".js", ".css.br", ".css.gz", ".js.br", ".js.gz"];

fn same(a: &Data, b: &Data) -> bool {
    match (a, b) {
        (Data::Bytes(x), Data::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
        (x, y) => x == y,
    }
}

/// Every warning a build of this site reports, in the order a build
/// gives them (see `build::run`).
/// Puts each changed document in place of the one it replaces in the
/// last build's site; returns the pages that show one (sorted, each
/// once), their fingerprints updated. A document no page shows cannot be
/// updated in place.
fn swap_documents(last: &mut Last, docs: &[Swap]) -> Result<Vec<usize>, Fallback> {
    let mut affected = Vec::new();
    for (old, new) in docs {
        let before = affected.len();
        for (i, page) in last.site.pages.iter_mut().enumerate() {
            match &mut page.source {
                PageSource::File(d) | PageSource::Fallback(d) if Arc::ptr_eq(d, old) => {
                    *d = Arc::clone(new);
                    affected.push(i);
                }
                _ => {}
            }
        }
        if affected.len() == before {
            return Err(Fallback);
        }
    }
    affected.sort_unstable();
    affected.dedup();
    for &i in &affected {
        last.fingerprints.docs[i] = markdown::doc_fingerprint(&last.site.pages[i]);
    }
    Ok(affected)
}

/// What the site-wide files read from a page's body must stay as it was:
/// the files the page uses (where they are named in the text only places
/// errors, and the last build had none), and whether syntax.css is made.
fn same_site_wide_reads(new: &Rendered, old: &Rendered) -> Result<(), Fallback> {
    let same_paths = new
        .assets
        .iter()
        .map(|a| &a.path)
        .eq(old.assets.iter().map(|a| &a.path));
    if !same_paths || new.has_code != old.has_code {
        return Err(Fallback);
    }
    Ok(())
}

fn warnings(input: &Input, output_warnings: &[Diagnostic]) -> Vec<Diagnostic> {
    let (site, bodies) = (input.site, input.bodies);
    let mut warnings = output_warnings.to_vec();
    warnings.extend(markdown::warnings(site, bodies));
    warnings.extend(super::string_and_anchor_warnings(
        site,
        bodies,
        input.status,
        input.i18n,
    ));
    diagnostic::sort(&mut warnings);
    warnings
}

fn report(
    last: &Last,
    opts: &super::Options,
    start: Instant,
    watch: Stopwatch,
    files: usize,
) -> Report {
    Report::new(
        &last.site,
        opts,
        start,
        watch,
        files,
        last.warnings.clone(),
        last.status.clone(),
    )
}
