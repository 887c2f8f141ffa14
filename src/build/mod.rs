//! The build: the stages in order, from `aula.toml` to the files of the
//! site in memory, and then (for `aula build`) to `public/`.
//!
//! ```text
//! load (config, theme, content) -> assemble (Site) -> Markdown -> checks
//!   -> translation status -> shared views -> outputs (Files) -> write
//! ```
//!
//! Each stage is a function of the previous stages' results; `run` calls
//! them top to bottom. Errors of a stage are collected and reported
//! together; nothing is written unless the whole build succeeded. The
//! [`cache::Cache`] makes a rebuild (`aula serve`) redo only the work
//! whose inputs changed. See `ARCHITECTURE.md`.

pub mod cache;
mod load;
mod markdown;
mod passes;
mod quick;

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic, Kind};
use crate::images::Catalog;
use crate::output;
use crate::outputs::{self, Files, Input};
use crate::render::views::Shared;
use crate::site::{LinkStyle, Site};
use crate::translations;
use cache::{Cache, Counters, Memo};
pub use quick::Update;
use std::collections::BTreeMap;
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
    /// `--strict`: every warning is an error.
    pub strict: bool,
    /// Measure pages with gzip too, for a budget report (brotli alone
    /// otherwise).
    pub budget_gzip: outputs::budget::Gzip,
}

impl Options {
    /// The output folder: `--output`, else `ROOT/public`.
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    pub pages_by_language: BTreeMap<String, usize>,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Each stage's wall time and the memory after it, in order, for
    /// `--verbose`.
    pub stages: Vec<Stage>,
    pub output: PathBuf,
    /// Pages shown in a fallback language (missing translations, `notice`).
    pub fallback_pages: usize,
    /// Which translations are up to date, outdated or missing.
    pub translations: translations::Report,
    /// Resized images encoded by this build and taken from the cache.
    pub images: crate::images::Stats,
    /// The removal of the replaced output, still running after a written
    /// build: the new site is in place; [`output::Cleanup::finish`] says
    /// whether the old one could be removed.
    pub cleanup: Option<output::Cleanup>,
    /// Every HTML page's compressed weight against `[budget]`.
    pub budget: outputs::budget::Report,
}

impl Report {
    /// The report of a build of `site` that wrote `files` files; no
    /// images, page weights or removal of an old output.
    fn new(
        site: &Site,
        opts: &Options,
        start: Instant,
        watch: Stopwatch,
        files: usize,
        warnings: Vec<Diagnostic>,
        translations: translations::Report,
    ) -> Report {
        Report {
            pages_by_language: site
                .count_by_language()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            files,
            warnings,
            elapsed: start.elapsed(),
            stages: watch.stages,
            output: opts.output_dir(),
            fallback_pages: site.pages.iter().filter(|p| p.is_fallback()).count(),
            translations,
            images: crate::images::Stats::default(),
            cleanup: None,
            budget: outputs::budget::Report::default(),
        }
    }

    /// The one-line summary both `aula build` and `aula serve` print:
    /// `built 30 pages (en 10, es 10, pt 10) and 37 files`.
    pub fn summary(&self) -> String {
        let langs: Vec<String> = self
            .pages_by_language
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        let total: usize = self.pages_by_language.values().sum();
        format!(
            "built {total} pages ({}) and {} files",
            langs.join(", "),
            self.files
        )
    }
}

/// One stage of a build: its name, its wall time, and the process's
/// memory when it ended (where the system says: Linux).
#[derive(Debug, Clone, Copy)]
pub struct Stage {
    pub name: &'static str,
    pub time: Duration,
    pub memory: Option<Memory>,
}

/// The process's memory at one moment, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Resident now.
    pub resident: u64,
    /// The most it was resident at any moment until now.
    pub peak: u64,
}

impl Memory {
    /// This process's memory now: `VmRSS` and `VmHWM` of
    /// `/proc/self/status`; `None` where there is no such file.
    pub fn now() -> Option<Memory> {
        Memory::parse(&std::fs::read_to_string("/proc/self/status").ok()?)
    }

    /// The memory in a `/proc/<pid>/status` text (sizes in kB).
    fn parse(status: &str) -> Option<Memory> {
        let field = |name: &str| -> Option<u64> {
            let line = status.lines().find_map(|l| l.strip_prefix(name))?;
            let kb = line.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
            Some(kb * 1024)
        };
        Some(Memory {
            resident: field("VmRSS:")?,
            peak: field("VmHWM:")?,
        })
    }
}

impl Stage {
    /// The stage's line in `--verbose` output:
    /// `  1351.2 ms   291 MiB (peak   520)  render Markdown`.
    pub fn line(&self) -> String {
        let mib = |b: u64| b / (1024 * 1024);
        let memory = match self.memory {
            Some(m) => format!("{:>5} MiB (peak {:>5})  ", mib(m.resident), mib(m.peak)),
            None => String::new(),
        };
        format!(
            "{:>8.1} ms  {memory}{}",
            self.time.as_secs_f64() * 1000.0,
            self.name
        )
    }
}

/// Records the wall time between successive stages, and the memory at
/// the end of each.
struct Stopwatch {
    last: Instant,
    stages: Vec<Stage>,
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
        self.stages.push(Stage {
            name,
            time: now - self.last,
            memory: Memory::now(),
        });
        self.last = now;
    }
}

/// Builds the site and, when `opts.write`, replaces the output folder
/// with it. On failure, returns every error found (sorted), with the
/// warnings after them, and writes nothing.
pub fn build(opts: &Options) -> Result<Report, Vec<Diagnostic>> {
    if opts.write {
        // Refused before any work: a wrong --output must not cost a build.
        output::guard(&opts.output_dir(), &opts.root)
            .map_err(|d| Diagnostic::default_kind(vec![d], Kind::Io))?;
    }
    let sink = if opts.write { Sink::Disk } else { Sink::Memory };
    let (finished, mut report) = run(opts, &mut Cache::default(), false, sink)?;
    if let Finished::Written(tree) = finished {
        let start = Instant::now();
        let cleanup = tree
            .commit()
            .map_err(|d| Diagnostic::default_kind(vec![d], Kind::Io))?;
        report.cleanup = Some(cleanup);
        report.stages.push(Stage {
            name: "put the new output in place",
            time: start.elapsed(),
            memory: Memory::now(),
        });
        report.elapsed += start.elapsed();
    }
    Ok(report)
}

/// Where the finished files go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    /// Kept in memory ([`Files`]): `aula serve`, `aula check`, tests.
    Memory,
    /// Written into the output's temporary folder as each is finished,
    /// and dropped: `aula build`. Put in place only when the build
    /// succeeds.
    Disk,
}

impl Sink {
    /// A build that writes keeps nothing for a next one, so it holds as
    /// little as it can: documents keep their front matter only (each
    /// body is read again to render it), bodies are packed and set aside
    /// on disk as they are rendered, and the Markdown memos and what only
    /// the checks read are dropped once all are checked.
    fn keeps_nothing(self) -> bool {
        self == Sink::Disk
    }
}

/// The files a build made, as its [`Sink`] wants them.
enum Finished {
    Files(Files),
    /// Every file is in the temporary folder; the caller commits it.
    Written(output::Tree),
}

impl Finished {
    fn files(self) -> Files {
        match self {
            Finished::Files(files) => files,
            // `run` writes only for a `Sink::Disk`, which only `build` asks for.
            Finished::Written(_) => Files::new(),
        }
    }
}

/// Keeps a site in memory across rebuilds, for `aula serve`: each
/// [`Session::build`] returns the complete set of output files, redoing
/// only the work whose inputs changed (see [`cache`]).
pub struct Session {
    opts: Options,
    cache: Cache,
    /// A preview (`aula serve`): no packages to take away, so an edit
    /// is shown as soon as its pages are rendered.
    preview: bool,
    counters: Counters,
}

impl Session {
    pub fn new(opts: Options) -> Session {
        let images = crate::images::Cache::new(&opts.root, true);
        Session {
            opts,
            cache: Cache {
                images: Some(images),
                ..Cache::default()
            },
            preview: false,
            counters: Counters::default(),
        }
    }

    /// A session for `aula serve`: as [`Session::new`], without the
    /// course packages, EPUBs and printable courses (`[packages]`).
    pub fn preview(opts: Options) -> Session {
        Session {
            preview: true,
            ..Session::new(opts)
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Builds the site from what is on disk now; never writes.
    pub fn build(&mut self) -> Result<(Arc<output::Files>, Report), Vec<Diagnostic>> {
        self.counters.builds += 1;
        let (files, report) = run(&self.opts, &mut self.cache, self.preview, Sink::Memory)?;
        let files = Arc::new(files.files().into_map());
        if let Some(last) = &mut self.cache.last {
            last.files = Arc::clone(&files);
        }
        Ok((files, report))
    }
}

/// Everything up to (not including) writing: the output files in memory.
pub fn render_site(opts: &Options) -> Result<(Files, Report), Vec<Diagnostic>> {
    run(opts, &mut Cache::default(), false, Sink::Memory).map(|(f, r)| (f.files(), r))
}

/// The stages, in order, reusing what `cache` holds from a previous build.
fn run(
    opts: &Options,
    cache: &mut Cache,
    preview: bool,
    sink: Sink,
) -> Result<(Finished, Report), Vec<Diagnostic>> {
    let start = Instant::now();
    let mut watch = Stopwatch::new();
    cache.last = None;
    let loaded = load_site(opts, cache, sink, &mut watch)?;
    let (tree, spill) = take_the_output(opts, sink)?;
    let keep = match sink {
        Sink::Memory => markdown::Bodies::Plain,
        Sink::Disk => markdown::Bodies::Packed(spill.as_ref()),
    };
    let mut marked = match render_markdown(&loaded, cache, opts, keep, &mut watch) {
        Ok(marked) => marked,
        Err(errors) => {
            cache.theme = Some((loaded.theme_fp, loaded.state));
            return Err(errors);
        }
    };
    // A build that writes lets go of the shared context once its pages
    // and packages are made, before the search index.
    let mut shared = Some(marked.shared);
    let (site, state) = (loaded.site, loaded.state);
    let input = Input {
        site: &site,
        bodies: &marked.bodies,
        theme: &state.theme,
        i18n: &state.i18n,
        renderer: &state.renderer,
        shared: shared.as_ref().expect("taken only after the last page"),
        status: &marked.status,
        fingerprints: &loaded.fingerprints,
        images: &loaded.images,
    };
    // Only a build that writes indexes for search: `aula serve` and
    // `aula check` skip it (it costs more CPU than the rest of the build).
    // A build that writes has its writer (`Sink::Disk`); one in memory not.
    let writer = tree
        .map(|tree| begin_writing(&input, cache, tree, opts, &mut watch))
        .transpose()?;
    let index = opts.write && !preview;
    let (files, mut diags, image_stats) =
        make_outputs(&input, cache, &mut watch, writer.as_ref(), index);
    let (finished, budget, report_files, more) = match writer {
        None => in_memory(&input, files, cache, index, preview, opts, &mut watch),
        Some(writer) => {
            // Nothing is kept for a next build: what the cache holds
            // (root pages, images) is freed before the packages.
            *cache = Cache::default();
            let (writer, files, search, diags) = write(&input, writer, files, index, &mut watch)?;
            // The Markdown bodies and the shared context are freed before
            // the search index is made (and the file the bodies were set
            // aside in closed), once it is sure that every one was read
            // back.
            drop(std::mem::take(&mut marked.bodies));
            shared = None;
            spill.map_or(Ok(()), |s| s.check()).map_err(unspilled)?;
            write_the_rest(&site, writer, files, search, diags, &mut watch)?
        }
    };
    diags.extend(more);
    cache.theme = Some((loaded.theme_fp, state));
    let (output_warnings, warnings) = sort_out(diags, marked.warnings, opts.strict)?;
    // For quick updates (`aula serve`): the outputs' own warnings.
    let report = Report {
        images: image_stats,
        budget,
        ..Report::new(
            &site,
            opts,
            start,
            watch,
            report_files,
            warnings,
            marked.status,
        )
    };
    if preview {
        cache.last = Some(quick::Last {
            site,
            bodies: marked.bodies,
            status: report.translations.clone(),
            shared: shared.expect("kept by a build in memory"),
            fingerprints: loaded.fingerprints,
            images: loaded.images,
            setting: marked.setting,
            config_fp: loaded.config_fp,
            output_warnings,
            warnings: report.warnings.clone(),
            files: Arc::default(),
            support: None,
            passes: passes::Memory::default(),
            stale: Default::default(),
        });
    }
    Ok((finished, report))
}

/// The output's temporary folder (with its lock) and the file of bodies
/// set aside in it.
type Taken = (Option<output::Tree>, Option<Arc<crate::spill::Spill>>);

/// For a build that writes, the output's lock and temporary folder,
/// taken before the Markdown stage, and the file there where each body
/// is set aside as soon as it is rendered.
fn take_the_output(opts: &Options, sink: Sink) -> Result<Taken, Vec<Diagnostic>> {
    if sink == Sink::Memory {
        return Ok((None, None));
    }
    let tree = output::Tree::begin(&opts.output_dir(), &opts.root, &[]).map_err(io)?;
    let spill = spill_in(&tree);
    Ok((Some(tree), spill))
}

/// The file in the output's temporary folder where a build that writes
/// sets its packed bodies aside; none (they stay in memory) when it
/// cannot be made.
fn spill_in(tree: &output::Tree) -> Option<Arc<crate::spill::Spill>> {
    crate::spill::Spill::create(&tree.path(".aula-bodies"))
        .ok()
        .map(Arc::new)
}

/// A body set aside on disk that could not be read back, as the errors
/// of a failed build.
fn unspilled(message: String) -> Vec<Diagnostic> {
    io(Diagnostic::error(format!(
        "a page's rendered text, set aside on disk while building, could not be read back: {message}"
    ))
    .help("check that the disk that holds the output folder works and has room, then build again"))
}

/// What every stage after loading reads: the site and what was read
/// with it.
struct Loaded {
    config_fp: u64,
    theme_fp: u64,
    state: cache::ThemeState,
    site: Site,
    fingerprints: outputs::Fingerprints,
    images: Catalog,
}

/// The configuration, theme and content read, the site assembled, its
/// pages fingerprinted and its images' sizes read.
fn load_site(
    opts: &Options,
    cache: &mut Cache,
    sink: Sink,
    watch: &mut Stopwatch,
) -> Result<Loaded, Vec<Diagnostic>> {
    if sink.keeps_nothing() {
        cache.content = crate::content::ReadCache::front_matter_only();
    }
    let config = Config::load(&opts.root).map_err(|e| Diagnostic::default_kind(e, Kind::Config))?;
    let config_fp = cache::config_fingerprint(&config, opts.drafts, opts.links);
    let (theme_fp, state, content) = load::inputs(&config, config_fp, opts.drafts, cache)?;
    watch.lap("load config, theme, templates and content");
    let site = Site::assemble(config, content, opts.links)
        .map_err(|e| finish(Diagnostic::default_kind(e, Kind::Content)))?;
    watch.lap("assemble site");
    let fingerprints = markdown::fingerprints(&site, theme_fp, config_fp);
    watch.lap("fingerprint pages");
    let images = Catalog::read(
        &site.config.content_dir(),
        &site.assets,
        &site.config.images,
    );
    watch.lap("read image sizes");
    Ok(Loaded {
        config_fp,
        theme_fp,
        state,
        site,
        fingerprints,
        images,
    })
}

/// What the Markdown stage gives the outputs.
struct Marked {
    bodies: Vec<Arc<crate::markdown::Rendered>>,
    setting: markdown::Setting,
    /// The Markdown warnings, located, then those of missing UI strings
    /// and of anchors a translation lacks.
    warnings: Vec<Diagnostic>,
    status: translations::Report,
    shared: Shared,
}

/// Every page's Markdown rendered and checked (links, anchors, assets:
/// errors fail the build here, with the warnings after them), the
/// translation status and the template context many pages share.
fn render_markdown(
    loaded: &Loaded,
    cache: &mut Cache,
    opts: &Options,
    keep: markdown::Bodies,
    watch: &mut Stopwatch,
) -> Result<Marked, Vec<Diagnostic>> {
    let (site, state) = (&loaded.site, &loaded.state);
    let (bodies, setting) = markdown::render_all(
        site,
        cache,
        &loaded.fingerprints,
        loaded.config_fp,
        (&state.theme, &state.renderer, &state.i18n),
        &loaded.images,
        keep,
    );
    watch.lap("render Markdown");
    let mut bodies = bodies;
    let mut errors = markdown::check(site, &bodies);
    let mut warnings = markdown::warnings(site, &bodies);
    if !errors.is_empty() {
        errors.extend(strict(warnings, opts.strict));
        return Err(finish(errors));
    }
    watch.lap("check links and anchors");
    let status = markdown::translation_status(site, cache, &loaded.fingerprints.docs);
    warnings.extend(string_and_anchor_warnings(
        site,
        &bodies,
        &status,
        &state.i18n,
    ));
    watch.lap("translation status");
    if let markdown::Bodies::Packed(_) = keep {
        forget_the_markdown(cache);
        // No memo shares them now: what only the checks read goes,
        // before the shared context takes its place.
        for body in &mut bodies {
            if let Some(body) = Arc::get_mut(body) {
                body.slim();
            }
        }
    }
    let shared = Shared::build(site);
    watch.lap("shared template context");
    Ok(Marked {
        bodies,
        setting,
        warnings,
        status,
        shared,
    })
}

/// In a build that keeps nothing for a next one, once every body is
/// rendered: the Markdown memo and the highlighted blocks (a second copy
/// of each block's HTML) are freed before the pages are rendered.
fn forget_the_markdown(cache: &mut Cache) {
    cache.markdown = Default::default();
    cache.source_hashes = Default::default();
    cache.highlighter.forget_blocks();
}

/// Warnings of missing UI strings (shown from another language) and of
/// links to anchors a translation lacks, after the Markdown warnings.
fn string_and_anchor_warnings(
    site: &Site,
    bodies: &[Arc<crate::markdown::Rendered>],
    status: &translations::Report,
    i18n: &crate::i18n::I18n,
) -> Vec<Diagnostic> {
    let explicit: Vec<&[String]> = bodies.iter().map(|b| b.explicit_ids.as_slice()).collect();
    let anchors = translations::anchor_warnings(site, status, &explicit);
    let mut warnings = Diagnostic::default_kind(i18n.fallback_warnings(), Kind::UiString);
    warnings.extend(Diagnostic::default_kind(anchors, Kind::Translation));
    warnings
}

/// What [`in_memory`] and [`write`] give: the files, the page weights,
/// how many files there are, and the diagnostics of the passes, the
/// packages and the search bundle.
type Delivered = (Finished, outputs::budget::Report, usize, Vec<Diagnostic>);

/// The rest of a build kept in memory: the passes that shape files
/// (minify, fingerprint), the packages (not in a preview) shaped the same
/// way, the search bundle of the published pages (when `index`), then
/// page weights and precompressed copies.
fn in_memory(
    input: &Input,
    files: Files,
    cache: &mut Cache,
    index: bool,
    preview: bool,
    opts: &Options,
    watch: &mut Stopwatch,
) -> Delivered {
    let site = input.site;
    let (mut files, shaped, mut diags) = passes::shape(site, files, &mut cache.passes, watch);
    if !preview {
        diags.extend(make_packages(input, &mut files, &shaped, watch));
    }
    let job = index
        .then(|| outputs::search::job(input, &files, true))
        .flatten();
    let indexing = job.map(|job| job.spawn(std::mem::take(&mut cache.search)));
    let (search, more) =
        outputs::search::finish(indexing.map(outputs::search::Running::finish), &mut files);
    cache.search = search;
    diags.extend(more);
    watch.lap("search index (after the packages)");
    let (files, budget, more) =
        passes::settle(site, files, &mut cache.passes, opts.budget_gzip, watch);
    diags.extend(more);
    let count = files.len();
    (Finished::Files(files), budget, count, diags)
}

/// The start of a build that writes: the output's temporary folder with
/// the folders of the pages, and the writer that takes each page there as
/// soon as it is rendered, its plan made from the stylesheets and scripts
/// the pages name (made here once more for it: few small files).
fn begin_writing(
    input: &Input,
    cache: &Cache,
    tree: output::Tree,
    opts: &Options,
    watch: &mut Stopwatch,
) -> Result<passes::Writer, Vec<Diagnostic>> {
    let mut sheets = Files::new();
    // Their problems are reported when they are made for the site.
    let _ = outputs::statics::add(input, &mut sheets);
    let _ = outputs::syntax_css::add(input, &cache.highlighter, &mut sheets);
    let pages: Vec<String> = input
        .site
        .pages
        .iter()
        .map(|p| format!("{}/index.html", p.dir))
        .collect();
    tree.add_folders(&pages).map_err(io)?;
    watch.lap("create the output folders");
    Ok(passes::Writer::new(
        input.site,
        sheets,
        opts.budget_gzip,
        tree,
    ))
}

/// The rest of a build that writes, into the output's temporary folder
/// (which a failed build then removes): every file not yet written is
/// finished and written and its bytes dropped ([`passes::Writer`]); then
/// the packages, which read the pages they need back from the disk, each
/// file written as it is made. Returns the writer, the files (as
/// written), the files of the search bundle's folder, still to be written
/// with the bundle, and (when `index`) the indexing of the published
/// pages, and the diagnostics.
fn write(
    input: &Input,
    mut writer: passes::Writer,
    files: Files,
    index: bool,
    watch: &mut Stopwatch,
) -> Result<(passes::Writer, Files, Search, Vec<Diagnostic>), Vec<Diagnostic>> {
    // The bundle's folder is written once the bundle is made, with
    // whatever else the site has in it (a clash is found then).
    let (bundle, files) = files.split_folder(outputs::search::BUNDLE);
    let (mut files, mut diags) = writer.write_all(files, watch).map_err(io)?;
    diags.extend(make_packages(input, &mut files, &writer, watch));
    let job = index
        .then(|| outputs::search::job(input, &files, false))
        .flatten()
        .map(|job| job.writing_into(writer.folder()));
    Ok((writer, files, (bundle, job), diags))
}

/// The search bundle's folder still to be written, and the indexing.
type Search = (Files, Option<outputs::search::Job>);

/// The end of a build that writes: the search index made from the pages
/// as written, read back language by language on a thread of its own
/// (each language's files written as they are made), and the rest of
/// its bundle written with the site's files of its folder; then the
/// page weights.
fn write_the_rest(
    site: &Site,
    writer: passes::Writer,
    files: Files,
    (mut bundle, job): Search,
    mut diags: Vec<Diagnostic>,
    watch: &mut Stopwatch,
) -> Result<Delivered, Vec<Diagnostic>> {
    let indexing = job.map(|job| job.spawn(Default::default()));
    let later = move || {
        let (_, diags) =
            outputs::search::finish(indexing.map(outputs::search::Running::finish), &mut bundle);
        (bundle, diags)
    };
    let (streamed, tree) = writer.end(site, files, watch, later).map_err(io)?;
    diags.extend(streamed.diags);
    Ok((
        Finished::Written(tree),
        streamed.budget,
        streamed.written,
        diags,
    ))
}

/// An input or output error, as the errors of a failed build.
fn io(d: Diagnostic) -> Vec<Diagnostic> {
    finish(Diagnostic::default_kind(vec![d], Kind::Io))
}

/// Every output module in turn but the packages and the search index,
/// into one [`Files`] (the pages written at once by `writer`, in a build
/// that writes); errors and warnings together. `index`: the search pages
/// say the site is indexed.
fn make_outputs(
    input: &Input,
    cache: &mut Cache,
    watch: &mut Stopwatch,
    writer: Option<&passes::Writer>,
    index: bool,
) -> (Files, Vec<Diagnostic>, crate::images::Stats) {
    let mut files = Files::new();
    let mut diags = match writer {
        None => {
            let (pages, diags) = outputs::pages::add(input, &cache.pages, &mut files);
            cache.pages = pages;
            watch.lap("render pages");
            diags
        }
        // Each page is written as soon as it is rendered.
        Some(writer) => {
            let diags = outputs::pages::add_finished(input, &mut files, &passes::Pages(writer));
            watch.lap("render, minify, measure and write pages");
            diags
        }
    };
    let mut roots = Vec::new();
    let previous = &cache.root_pages;
    diags.extend(outputs::pages::add_root(
        input, previous, &mut roots, &mut files,
    ));
    watch.lap("render root pages");
    diags.extend(outputs::status::add(
        input, previous, &mut roots, &mut files,
    ));
    watch.lap("render the translators' status page");
    diags.extend(outputs::certificates::add(
        input, previous, &mut roots, &mut files,
    ));
    cache.root_pages = Memo::from_results(roots);
    watch.lap("render completion pages");
    diags.extend(outputs::feeds::add(input, &mut files));
    diags.extend(outputs::assets::add(input, &mut files));
    diags.extend(outputs::badges::add(input, &mut files));
    diags.extend(outputs::statics::add(input, &mut files));
    diags.extend(outputs::syntax_css::add(
        input,
        &cache.highlighter,
        &mut files,
    ));
    watch.lap("render templates");
    let images = cache
        .images
        .get_or_insert_with(|| crate::images::Cache::new(&input.site.config.root, false));
    let (image_diags, image_stats) = outputs::images::add(input, images, &mut files);
    diags.extend(image_diags);
    watch.lap("resize images");
    diags.extend(outputs::search::add(input, index, &mut files));
    (files, diags, image_stats)
}

/// Printable courses, EPUBs and packages (`[packages]`), each file
/// finished by `finish` as it is made.
fn make_packages(
    input: &Input,
    files: &mut Files,
    finish: &dyn outputs::Finish,
    watch: &mut Stopwatch,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // Printable pages and EPUBs first: the packages and the course pages'
    // download sizes are made from them.
    let want = input.site.config.packages;
    if want.print || want.epub {
        let all: &Files = files;
        let made = outputs::book::each(input, |book| {
            let new = |r: Result<(String, Vec<u8>), Diagnostic>| {
                r.and_then(|(path, bytes)| all.new_file(finish, path, bytes))
            };
            (
                want.print.then(|| new(outputs::print::make(input, book))),
                want.epub.then(|| new(outputs::epub::one(input, book, all))),
            )
        });
        let (print, epub): (Vec<_>, Vec<_>) = made.into_iter().unzip();
        diags.extend(files.add_finished(print.into_iter().flatten()));
        diags.extend(files.add_finished(epub.into_iter().flatten()));
    }
    watch.lap("printable courses and EPUBs");
    diags.extend(outputs::packages::add(input, files, finish));
    watch.lap("packages");
    diags
}

/// The build's verdict on its diagnostics: `diags` from the outputs and
/// passes, `more` warnings of the earlier stages. Errors (and, under
/// `--strict`, warnings) fail the build with all of them, sorted;
/// otherwise returns the outputs' own warnings and all warnings, sorted.
fn sort_out(
    diags: Vec<Diagnostic>,
    more: Vec<Diagnostic>,
    strict_mode: bool,
) -> Result<(Vec<Diagnostic>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (mut errors, output_warnings): (Vec<_>, Vec<_>) =
        diags.into_iter().partition(Diagnostic::is_error);
    let mut warnings = output_warnings.clone();
    warnings.extend(more);
    if strict_mode && !warnings.is_empty() {
        errors.extend(strict(std::mem::take(&mut warnings), true));
    }
    if !errors.is_empty() {
        errors.append(&mut warnings);
        return Err(finish(errors));
    }
    diagnostic::sort(&mut warnings);
    Ok((output_warnings, warnings))
}

/// Under `--strict`, warnings become errors (same kind, text and place).
fn strict(mut warnings: Vec<Diagnostic>, strict: bool) -> Vec<Diagnostic> {
    if strict {
        for w in &mut warnings {
            w.severity = diagnostic::Severity::Error;
        }
    }
    warnings
}

fn finish(mut errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort(&mut errors);
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_read_from_the_status_file() {
        let status = "Name:\taula\nVmPeak:\t 900 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1024 kB\nThreads:\t3\n";
        assert_eq!(
            Memory::parse(status),
            Some(Memory {
                resident: 1024 * 1024,
                peak: 2048 * 1024
            })
        );
        assert_eq!(Memory::parse("VmRSS:\t1 kB\n"), None, "no peak");
        assert_eq!(Memory::parse("VmRSS:\tlots\nVmHWM:\t1 kB\n"), None);
        if cfg!(target_os = "linux") {
            let m = Memory::now().expect("Linux has /proc/self/status");
            assert!(m.resident > 0 && m.resident <= m.peak);
        }
    }

    #[test]
    fn a_stage_line_has_its_time_and_memory_when_known() {
        let mut stage = Stage {
            name: "render Markdown",
            time: Duration::from_micros(1_351_200),
            memory: Some(Memory {
                resident: 291 << 20,
                peak: 520 << 20,
            }),
        };
        assert_eq!(
            stage.line(),
            "  1351.2 ms    291 MiB (peak   520)  render Markdown"
        );
        stage.memory = None;
        assert_eq!(stage.line(), "  1351.2 ms  render Markdown");
    }
}
