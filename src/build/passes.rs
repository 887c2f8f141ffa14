//! The passes over the finished [`Files`], in order: minify (HTML, CSS),
//! fingerprint (stylesheet and script names), measure (page weight
//! against `[budget]`), precompress (`.br`, `.gz`). Each is a function of
//! the files the previous one returns; measuring comes after minifying
//! and renaming so it sees the bytes that are published, and
//! precompressing comes last so the siblings match their files.
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
use std::sync::Arc;

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
    let files = if output.fingerprint {
        let (files, kept, errors) = fingerprint::pass(files, &memory.fingerprint);
        memory.fingerprint = kept;
        diags.extend(errors);
        watch.lap("fingerprint stylesheets and scripts");
        files
    } else {
        files
    };
    let (report, over, kept) = outputs::budget::measure(site, &files, &memory.budget, gzip);
    memory.budget = kept;
    diags.extend(over);
    watch.lap("measure page weight");
    let files = if output.precompress {
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

/// What [`stream`] did: the weights, the diagnostics of the passes and
/// the number of files written.
pub(super) struct Streamed {
    pub budget: budget::Report,
    pub diags: Vec<Diagnostic>,
    pub written: usize,
}

/// The same passes as [`run`], for a build that writes: each file goes
/// through all of them (minify, fingerprint, measure, precompress) and
/// straight into `tree`, on every core at once, and its bytes are dropped
/// as soon as they are written. Only the stylesheets and scripts, which
/// the pages refer to by their new names, are done first. Gives the same
/// files and the same report as [`run`] (a test compares them); keeps
/// nothing for a next build.
///
/// `later` gives the files that are still being made while these are
/// written (the search bundle, whose indexing runs on its own thread) and
/// the problems of making them; it is called on a thread of its own as
/// the others start to be written, and its files go through the same
/// passes there, one at a time, as soon as they are made. Their paths
/// must not be among `files`' (they are written without the clash checks
/// of [`Plan::make`]): they are never fingerprinted, being in a folder.
pub(super) fn stream(
    site: &Site,
    files: Files,
    gzip: budget::Gzip,
    tree: &output::Tree,
    watch: &mut Stopwatch,
    later: impl FnOnce() -> (Files, Vec<Diagnostic>) + Send,
) -> Result<Streamed, Diagnostic> {
    let output = site.config.output;
    let mut map = files.into_map();
    let (plan, mut diags) = Plan::make(&mut map, output, gzip);
    watch.lap("minify and fingerprint stylesheets and scripts");
    let plan_ref = &plan;
    let finish = |(path, data): (String, Data), taken: &HashMap<String, Data>| {
        plan_ref.finish(&path, data, output, gzip, tree, taken)
    };
    let (pages, bundle) = std::thread::scope(|scope| {
        // The bundle is written on a thread of its own as soon as it is
        // made, beside the pages: its ~3,000 fragments share one folder,
        // and threads creating files in one folder wait for its lock
        // (spinning: ~1.4 CPU s on the 3,000-page corpus when the build's
        // threads wrote them).
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
                .map(|file| finish(file, &taken))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((done, more_diags))
        });
        let pages: Result<Vec<Done>, Diagnostic> = map
            .into_par_iter()
            .map(|file| finish(file, &plan_ref.taken))
            .collect();
        watch.lap("minify, fingerprint, measure and write pages");
        let bundle = bundle.join().unwrap_or_else(|_| {
            Err(
                Diagnostic::error("writing the search bundle failed unexpectedly")
                    .help("this is a bug in aula: please report it"),
            )
        });
        (pages, bundle)
    });
    let (bundle, more_diags) = bundle?;
    let mut measured = Vec::new();
    let mut written = 0;
    for d in pages?.into_iter().chain(bundle) {
        measured.extend(d.measured);
        diags.extend(d.clashes);
        written += d.files;
    }
    diags.extend(more_diags);
    watch.lap("search index and bundle (after the pages were written)");
    measured.sort_by(|a, b| a.0.cmp(&b.0));
    let pages: Vec<(&String, &budget::Measured)> = measured.iter().map(|(p, m)| (p, m)).collect();
    let linked: BTreeSet<&String> = pages.iter().flat_map(|(_, m)| m.stylesheets()).collect();
    let sheets: BTreeMap<String, budget::Sizes> = plan
        .sheets
        .into_iter()
        .filter(|(name, _)| linked.contains(name))
        .collect();
    let (report, over) =
        budget::assemble(site, &pages, sheets, |name| plan.lengths.get(name).copied());
    diags.extend(over);
    watch.lap("measure page weight");
    Ok(Streamed {
        budget: report,
        diags,
        written,
    })
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
                if let (true, Data::Bytes(b)) = (path.ends_with(".css"), &*data) {
                    if let Some(small) = minify::css(b) {
                        *data = Data::Bytes(small.into());
                    }
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
                    Data::Copy(p) => budget::Measured::sheet(&std::fs::read(p).ok()?, gzip).sizes(),
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

    /// One file through the passes and into `tree`: minified and its
    /// references rewritten (a page), measured (a page), written, and its
    /// precompressed copies written.
    fn finish(
        &self,
        path: &str,
        data: Data,
        output: crate::config::OutputConfig,
        gzip: budget::Gzip,
        tree: &output::Tree,
        taken: &HashMap<String, Data>,
    ) -> Result<Done, Diagnostic> {
        let name = self.renames.get(path).map_or(path, String::as_str);
        let bytes = match data {
            Data::Copy(_) => {
                tree.put(name, &data)?;
                return Ok(Done {
                    files: 1,
                    ..Done::default()
                });
            }
            Data::Bytes(b) => b,
        };
        let html = path.ends_with(".html");
        let bytes: Arc<[u8]> = match (html && output.minify).then(|| minify::html(&bytes)) {
            Some(Some(small)) => small.into(),
            _ => bytes,
        };
        let bytes: Arc<[u8]> = match html.then(|| fingerprint::rewrite(path, &bytes, &self.renames))
        {
            Some(Some(new)) => new.into(),
            _ => bytes,
        };
        let measured = html.then(|| (name.to_string(), budget::Measured::page(name, &bytes, gzip)));
        tree.put_bytes(name, &bytes)?;
        let mut done = Done {
            measured,
            clashes: Vec::new(),
            files: 1,
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
                        done.files += 1;
                    }
                }
            }
        }
        Ok(done)
    }
}

/// What [`stream`] keeps of one file.
#[derive(Default)]
struct Done {
    measured: Option<(String, budget::Measured)>,
    clashes: Vec<Diagnostic>,
    /// Files written: the file and its precompressed copies.
    files: usize,
}
