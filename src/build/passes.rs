//! The passes over the finished [`Files`], in order: minify (HTML, CSS),
//! fingerprint (stylesheet and script names), measure (page weight
//! against `[budget]`), precompress (`.br`, `.gz`). Each is a function of
//! the files the previous one returns; measuring comes after minifying
//! and renaming so it sees the bytes that are published, and
//! precompressing comes last so the siblings match their files.
//!
//! Minify and fingerprint ([`shape`]) run before the packages, so the
//! printable courses, EPUBs and zips are made from the pages as published;
//! each file the packages make is shaped the same way as it is added
//! ([`Shaped`], or [`Writer`] in `aula build`, which also measures,
//! precompresses and writes it at once). Measure and precompress
//! ([`settle`]) run last. In `aula build` the [`Writer`] exists before
//! the pages are rendered, so each page is written as soon as it is.
//!
//! Each pass keeps what it made for the next `aula serve` rebuild, by
//! output path and the bytes it was made from ([`crate::memo::Derived`]):
//! a rebuild redoes only the files that changed.

use super::Stopwatch;
use crate::diagnostic::Diagnostic;
use crate::output;
use crate::outputs::{self, Data, Files, budget, fingerprint, minify, precompress};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// What the passes keep between builds.
#[derive(Default)]
pub struct Memory {
    minify: minify::Memory,
    fingerprint: fingerprint::Memory,
    budget: budget::Memory,
    precompress: precompress::Memory,
}

/// Runs the passes `[output]` asks for, and the measurement, over `files`.
pub(super) fn run(
    site: &Site,
    files: Files,
    memory: &mut Memory,
    gzip: budget::Gzip,
    watch: &mut Stopwatch,
) -> (Files, budget::Report, Vec<Diagnostic>) {
    let (files, _, mut diags) = shape(site, files, memory, watch);
    let (files, report, more) = settle(site, files, memory, gzip, watch);
    diags.extend(more);
    (files, report, diags)
}

/// The passes that change what files say, in memory: minify, then
/// fingerprint. Returns the files and how to shape, the same way, the
/// files made after them (the packages).
pub(super) fn shape(
    site: &Site,
    files: Files,
    memory: &mut Memory,
    watch: &mut Stopwatch,
) -> (Files, Shaped, Vec<Diagnostic>) {
    let output = site.config.output;
    let mut diags = Vec::new();
    let files = if output.minify {
        let (files, kept, errors) = minify::pass(files, &memory.minify);
        memory.minify = kept;
        diags.extend(errors);
        watch.lap("minify HTML and CSS");
        files
    } else {
        files
    };
    let mut renames = BTreeMap::new();
    let files = if output.fingerprint {
        renames = fingerprint::renames(&files);
        let (files, kept, errors) = fingerprint::pass(files, &memory.fingerprint);
        memory.fingerprint = kept;
        diags.extend(errors);
        watch.lap("fingerprint stylesheets and scripts");
        files
    } else {
        files
    };
    let shaped = Shaped {
        renames,
        minify: output.minify,
    };
    (files, shaped, diags)
}

/// The measurement and the last pass, in memory: page weights, then
/// precompressed copies.
pub(super) fn settle(
    site: &Site,
    files: Files,
    memory: &mut Memory,
    gzip: budget::Gzip,
    watch: &mut Stopwatch,
) -> (Files, budget::Report, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (report, over, kept) = outputs::budget::measure(site, &files, &memory.budget, gzip);
    memory.budget = kept;
    diags.extend(over);
    watch.lap("measure page weight");
    let files = if site.config.output.precompress {
        let (files, kept, errors) = precompress::pass(files, &memory.precompress);
        memory.precompress = kept;
        diags.extend(errors);
        watch.lap("precompress");
        files
    } else {
        files
    };
    (files, report, diags)
}

/// Shapes a file made after [`shape`] as it shaped the others, in memory.
pub(super) struct Shaped {
    renames: BTreeMap<String, String>,
    minify: bool,
}

impl outputs::Finish for Shaped {
    fn finish(&self, path: &str, bytes: Arc<[u8]>) -> Result<Data, Diagnostic> {
        Ok(Data::Bytes(shape_page(
            path,
            bytes,
            self.minify,
            &self.renames,
        )))
    }
}

/// A file at `path` minified (when `minify` and it is a page) and its
/// references to the stylesheets and scripts `renames` renames rewritten:
/// the same steps as the minify and fingerprint passes, for one file.
fn shape_page(
    path: &str,
    bytes: Arc<[u8]>,
    minify: bool,
    renames: &BTreeMap<String, String>,
) -> Arc<[u8]> {
    if !path.ends_with(".html") {
        return bytes;
    }
    let bytes: Arc<[u8]> = match minify.then(|| minify::html(&bytes)) {
        Some(Some(small)) => small.into(),
        _ => bytes,
    };
    match fingerprint::rewrite(path, &bytes, renames) {
        Some(new) => new.into(),
        None => bytes,
    }
}

/// What a build that writes did: the weights, the diagnostics of the
/// passes and the number of files written.
pub(super) struct Streamed {
    pub budget: budget::Report,
    pub diags: Vec<Diagnostic>,
    pub written: usize,
}

/// The passes for a build that writes: each file goes through all of them
/// (minify, fingerprint, measure, precompress) and straight into the
/// tree, and its bytes are dropped; [`Files`] keeps [`Data::Written`] in
/// their place, which a later output (the packages) reads back from the
/// disk. Only the stylesheets and scripts, which the pages refer to by
/// their new names, are done first. Gives the same files and the same
/// report as [`shape`] and [`settle`] in memory (a test compares them);
/// keeps nothing for a next build.
pub(super) struct Writer {
    plan: Plan,
    output: crate::config::OutputConfig,
    gzip: budget::Gzip,
    tree: output::Tree,
    /// What was written so far.
    done: Mutex<Written>,
}

/// The files a [`Writer`] wrote, by final name (a file written again
/// replaces its first version), with its pages' weights.
#[derive(Default)]
struct Written {
    names: BTreeSet<String>,
    measured: BTreeMap<String, budget::Measured>,
    clashes: Vec<Diagnostic>,
}

impl Writer {
    /// The temporary folder it writes into.
    pub(super) fn folder(&self) -> &std::path::Path {
        self.tree.folder()
    }

    /// A writer into `tree`, its plan made from `sheets`: the site's
    /// stylesheets and scripts at the root of the output, the files that
    /// pages name by their fingerprinted names. Pages can then be written
    /// as they are rendered ([`outputs::Finish`]); [`Writer::write_all`]
    /// makes the plan again from every file.
    pub(super) fn new(
        site: &Site,
        sheets: Files,
        gzip: budget::Gzip,
        tree: output::Tree,
    ) -> Writer {
        let output = site.config.output;
        let (plan, _) = Plan::make(&mut sheets.into_map(), output, gzip);
        Writer {
            plan,
            output,
            gzip,
            tree,
            done: Mutex::new(Written::default()),
        }
    }

    /// Makes the plan from `files` (their stylesheets and scripts minified
    /// and renamed) and writes every file aula generated that is not yet
    /// written, in parallel: returns the files under their final names,
    /// each generated one as [`Data::Written`]. Copied files stay as they
    /// are until [`Writer::end`].
    pub(super) fn write_all(
        &mut self,
        files: Files,
        watch: &mut Stopwatch,
    ) -> Result<(Files, Vec<Diagnostic>), Diagnostic> {
        let mut map = files.into_map();
        // The pages' folders were made before the pages were written.
        self.tree.add_folders(
            map.iter()
                .filter(|(_, data)| !matches!(data, Data::Written(_)))
                .map(|(path, _)| path),
        )?;
        let (plan, mut diags) = Plan::make(&mut map, self.output, self.gzip);
        if plan.renames != self.plan.renames {
            return Err(Diagnostic::error(
                "the stylesheets and scripts changed while the pages were written",
            )
            .help("this is a bug in aula: please report it with the site that shows it"));
        }
        self.plan = plan;
        watch.lap("minify and fingerprint stylesheets and scripts");
        let writer = &*self;
        let written: Vec<(String, Data)> = map
            .into_par_iter()
            .map(|(path, data)| {
                let name = writer.plan.final_name(&path).to_string();
                if !matches!(data, Data::Written(_)) && writer.is_written(&name) {
                    // A file of the site named like a page's precompressed
                    // copy, which was written with the page.
                    writer.check_same(&name, &data);
                    return Ok((name.clone(), Data::Written(writer.tree.path(&name))));
                }
                match data {
                    Data::Bytes(b) => Ok((name, writer.write(&path, b)?)),
                    other => Ok((name, other)),
                }
            })
            .collect::<Result<_, Diagnostic>>()?;
        // Two files under one final name were reported by `Plan::make`.
        let mut files = Files::new();
        for (name, data) in written {
            let _ = files.add(name, data);
        }
        diags.extend(std::mem::take(&mut self.lock().clashes));
        watch.lap("minify, fingerprint, measure and write the other files");
        Ok((files, diags))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Written> {
        self.done.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a file of this name was written.
    fn is_written(&self, name: &str) -> bool {
        self.lock().names.contains(name)
    }

    /// A clash unless the file written as `name` has the bytes of `data`.
    fn check_same(&self, name: &str, data: &Data) {
        let written = std::fs::read(self.tree.path(name));
        let same = matches!((data.read(), written), (Ok(a), Ok(b)) if *a == b[..]);
        if !same {
            let (page, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            self.lock().clashes.push(precompress::clash(page, ext));
        }
    }

    /// Finishes one generated file and writes it (over its first version,
    /// for a page made again).
    fn write(&self, path: &str, bytes: Arc<[u8]>) -> Result<Data, Diagnostic> {
        let (name, done) = self.plan.finish(
            path,
            bytes,
            self.output,
            self.gzip,
            &self.tree,
            &self.plan.taken,
        )?;
        let mut w = self.lock();
        w.names.extend(done.written);
        if let Some((page, measured)) = done.measured {
            w.measured.insert(page, measured);
        }
        w.clashes.extend(done.clashes);
        Ok(Data::Written(self.tree.path(&name)))
    }

    /// Writes the copied files of `files` and, on a thread of its own,
    /// the files `later` gives (the search bundle, whose indexing runs
    /// beside the build; its paths must not be among `files`', being
    /// written without their clash checks, and are never fingerprinted,
    /// being in a folder); then assembles the page weights. Gives back
    /// the tree, every file written, for the caller to put in place.
    pub(super) fn end(
        self,
        site: &Site,
        files: Files,
        watch: &mut Stopwatch,
        later: impl FnOnce() -> (Files, Vec<Diagnostic>) + Send,
    ) -> Result<(Streamed, output::Tree), Diagnostic> {
        let copies: Vec<(String, Data)> = files
            .into_map()
            .into_iter()
            .filter(|(_, d)| matches!(d, Data::Copy(_)))
            .collect();
        let Writer {
            plan,
            output,
            gzip,
            tree: owned,
            done,
        } = self;
        let tree = &owned;
        let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
        let copied = copies.len();
        let (copies, bundle) = std::thread::scope(|scope| {
            // The bundle's ~3,000 fragments share one folder, and threads
            // creating files in one folder wait for its lock (spinning:
            // ~1.4 CPU s on the 3,000-page corpus when the build's threads
            // wrote them): one thread writes them, one at a time.
            let bundle = scope.spawn(|| -> Result<(Vec<Done>, Vec<Diagnostic>), Diagnostic> {
                let (more, more_diags) = later();
                let more = more.into_map();
                tree.add_folders(more.keys())?;
                let taken: HashMap<String, Data> = more
                    .iter()
                    .filter(|(name, _)| {
                        output.precompress && (name.ends_with(".br") || name.ends_with(".gz"))
                    })
                    .map(|(name, data)| (name.clone(), data.clone()))
                    .collect();
                let done = more
                    .into_iter()
                    .map(|(path, data)| plan.put(&path, data, output, gzip, tree, &taken))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((done, more_diags))
            });
            let copies: Result<(), Diagnostic> = copies
                .into_par_iter()
                .try_for_each(|(path, data)| tree.put(plan.final_name(&path), &data));
            watch.lap("copy files");
            let bundle = bundle.join().unwrap_or_else(|_| {
                Err(
                    Diagnostic::error("writing the search bundle failed unexpectedly")
                        .help("this is a bug in aula: please report it"),
                )
            });
            (copies, bundle)
        });
        copies?;
        let (bundle, more_diags) = bundle?;
        let mut diags = std::mem::take(&mut done.clashes);
        let mut written = done.names.len() + copied;
        for d in bundle {
            done.measured.extend(d.measured);
            diags.extend(d.clashes);
            written += d.written.len();
        }
        diags.extend(more_diags);
        watch.lap("search index and bundle (after the packages)");
        let pages: Vec<(&String, &budget::Measured)> = done.measured.iter().collect();
        let linked: BTreeSet<&String> = pages.iter().flat_map(|(_, m)| m.stylesheets()).collect();
        let sheets: BTreeMap<String, budget::Sizes> = plan
            .sheets
            .iter()
            .filter(|(name, _)| linked.contains(name))
            .map(|(name, sizes)| (name.clone(), *sizes))
            .collect();
        let (report, over) =
            budget::assemble(site, &pages, sheets, |name| plan.lengths.get(name).copied());
        diags.extend(over);
        watch.lap("measure page weight");
        let streamed = Streamed {
            budget: report,
            diags,
            written,
        };
        Ok((streamed, owned))
    }
}

/// The writer for the pages, whose folders [`Writer::new`]'s tree has
/// from the start: no folder is looked for on the way.
pub(super) struct Pages<'a>(pub &'a Writer);

impl outputs::Finish for Pages<'_> {
    fn finish(&self, path: &str, bytes: Arc<[u8]>) -> Result<Data, Diagnostic> {
        self.0.write(path, bytes)
    }
}

impl outputs::Finish for Writer {
    fn finish(&self, path: &str, bytes: Arc<[u8]>) -> Result<Data, Diagnostic> {
        // Files made after the others may be in new folders (`print/`).
        let folder = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        if !self.tree.path(folder).is_dir() {
            self.tree.add_folders([&path.to_string()])?;
        }
        self.write(path, bytes)
    }
}

/// What every file of a streamed build needs to know of the others,
/// made before the first page goes out.
struct Plan {
    /// New names of the fingerprinted stylesheets and scripts.
    renames: BTreeMap<String, String>,
    /// Every stylesheet's weight, by final name.
    sheets: BTreeMap<String, budget::Sizes>,
    /// Stored size of every file but the pages, by final name (images
    /// above the fold count by it).
    lengths: HashMap<String, u64>,
    /// Files of the site named like precompressed copies (`[output]
    /// precompress` only): an aula copy may not replace a different one.
    taken: HashMap<String, Data>,
}

impl Plan {
    /// Minifies the stylesheets of `map` in place (they are few, and the
    /// pages name them by their hash) and makes the plan; errors for two
    /// different files under one final name, as in [`run`].
    fn make(
        map: &mut crate::output::Files,
        output: crate::config::OutputConfig,
        gzip: budget::Gzip,
    ) -> (Plan, Vec<Diagnostic>) {
        if output.minify {
            for (path, data) in map.iter_mut() {
                if let (true, Data::Bytes(b)) = (path.ends_with(".css"), &*data)
                    && let Some(small) = minify::css(b)
                {
                    *data = Data::Bytes(small.into());
                }
            }
        }
        let renames = if output.fingerprint {
            fingerprint::renames(map)
        } else {
            BTreeMap::new()
        };
        let mut diags = Vec::new();
        let mut finals: HashMap<&String, &Data> = HashMap::with_capacity(map.len());
        for (path, data) in map.iter() {
            let name = renames.get(path).unwrap_or(path);
            match finals.get(name) {
                Some(other) if *other != data => diags.push(fingerprint::clash(name)),
                _ => {
                    finals.insert(name, data);
                }
            }
        }
        let sheets = finals
            .par_iter()
            .filter(|(name, _)| name.ends_with(".css"))
            .filter_map(|(name, data)| {
                let sizes = match data {
                    Data::Bytes(b) => budget::Measured::sheet(b, gzip).sizes(),
                    Data::Copy(p) | Data::Written(p) => {
                        budget::Measured::sheet(&std::fs::read(p).ok()?, gzip).sizes()
                    }
                };
                Some(((*name).clone(), sizes))
            })
            .collect();
        let lengths = finals
            .iter()
            .filter(|(name, _)| !name.ends_with(".html"))
            .map(|(name, data)| ((*name).clone(), budget::stored_len(Some(data))))
            .collect();
        let taken = finals
            .iter()
            .filter(|(name, _)| {
                output.precompress && (name.ends_with(".br") || name.ends_with(".gz"))
            })
            .map(|(name, data)| ((*name).clone(), (*data).clone()))
            .collect();
        let plan = Plan {
            renames,
            sheets,
            lengths,
            taken,
        };
        (plan, diags)
    }

    /// The name a file at `path` is written under.
    fn final_name<'p>(&'p self, path: &'p str) -> &'p str {
        self.renames.get(path).map_or(path, String::as_str)
    }

    /// One file through the passes and into `tree`, as [`Plan::finish`]
    /// does for generated files; a copied file is copied.
    fn put(
        &self,
        path: &str,
        data: Data,
        output: crate::config::OutputConfig,
        gzip: budget::Gzip,
        tree: &output::Tree,
        taken: &HashMap<String, Data>,
    ) -> Result<Done, Diagnostic> {
        match data {
            Data::Bytes(b) => Ok(self.finish(path, b, output, gzip, tree, taken)?.1),
            other => {
                let name = self.final_name(path);
                tree.put(name, &other)?;
                Ok(Done {
                    written: vec![name.to_string()],
                    ..Done::default()
                })
            }
        }
    }

    /// One generated file through the passes and into `tree`: minified
    /// and its references rewritten (a page), measured (a page), written,
    /// and its precompressed copies written. Returns its final name.
    fn finish(
        &self,
        path: &str,
        bytes: Arc<[u8]>,
        output: crate::config::OutputConfig,
        gzip: budget::Gzip,
        tree: &output::Tree,
        taken: &HashMap<String, Data>,
    ) -> Result<(String, Done), Diagnostic> {
        let name = self.final_name(path);
        let html = path.ends_with(".html");
        let bytes = shape_page(path, bytes, output.minify, &self.renames);
        let measured = html.then(|| (name.to_string(), budget::Measured::page(name, &bytes, gzip)));
        tree.put_bytes(name, &bytes)?;
        let mut done = Done {
            measured,
            clashes: Vec::new(),
            written: vec![name.to_string()],
        };
        if output.precompress && precompress::wanted(name, bytes.len()) {
            for (ext, made) in [
                ("br", precompress::brotli(&bytes)),
                ("gz", precompress::gzip(&bytes)),
            ] {
                let sibling = format!("{name}.{ext}");
                match taken.get(&sibling) {
                    Some(Data::Bytes(b)) if **b == *made => {}
                    Some(_) => done.clashes.push(precompress::clash(name, ext)),
                    None => {
                        tree.put_bytes(&sibling, &made)?;
                        done.written.push(sibling);
                    }
                }
            }
        }
        Ok((name.to_string(), done))
    }
}

/// What one file's passes did.
#[derive(Default)]
struct Done {
    measured: Option<(String, budget::Measured)>,
    clashes: Vec<Diagnostic>,
    /// The names written: the file and its precompressed copies.
    written: Vec<String>,
}
