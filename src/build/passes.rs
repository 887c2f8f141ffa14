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
use std::collections::{BTreeMap, HashMap};
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
pub(super) fn stream(
    site: &Site,
    files: Files,
    gzip: budget::Gzip,
    tree: &output::Tree,
    watch: &mut Stopwatch,
) -> Result<Streamed, Diagnostic> {
    let output = site.config.output;
    let mut map = files.into_map();
    let mut diags = Vec::new();
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
        fingerprint::renames(&map)
    } else {
        Default::default()
    };
    // Every file under its final name: a second, different file for a
    // name is an error, as in `run`.
    let mut finals: HashMap<String, &Data> = HashMap::with_capacity(map.len());
    for (path, data) in &map {
        let name = renames.get(path).unwrap_or(path);
        match finals.get(name) {
            Some(other) if *other != data => diags.push(fingerprint::clash(name)),
            _ => {
                finals.insert(name.clone(), data);
            }
        }
    }
    let stored = |data: &Data| match data {
        Data::Bytes(b) => b.len() as u64,
        Data::Copy(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
    };
    let sheets: BTreeMap<String, budget::Sizes> = finals
        .par_iter()
        .filter(|(name, _)| name.ends_with(".css"))
        .filter_map(|(name, data)| {
            let sizes = match data {
                Data::Bytes(b) => budget::Measured::sheet(b, gzip).sizes(),
                Data::Copy(p) => budget::Measured::sheet(&std::fs::read(p).ok()?, gzip).sizes(),
            };
            Some((name.clone(), sizes))
        })
        .collect();
    let lengths: HashMap<String, u64> = finals
        .iter()
        .filter(|(name, _)| !name.ends_with(".html"))
        .map(|(name, data)| (name.clone(), stored(data)))
        .collect();
    let taken: HashMap<String, Data> = if output.precompress {
        finals
            .iter()
            .filter(|(name, _)| name.ends_with(".br") || name.ends_with(".gz"))
            .map(|(name, data)| (name.clone(), (*data).clone()))
            .collect()
    } else {
        HashMap::new()
    };
    drop(finals);
    watch.lap("minify and fingerprint stylesheets and scripts");
    let done: Vec<Result<Done, Diagnostic>> = map
        .into_par_iter()
        .map(|(path, data)| {
            let name = renames.get(&path).cloned().unwrap_or_else(|| path.clone());
            let bytes = match data {
                Data::Copy(_) => {
                    tree.put(&name, &data)?;
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
            let bytes: Arc<[u8]> = match html.then(|| fingerprint::rewrite(&path, &bytes, &renames))
            {
                Some(Some(new)) => new.into(),
                _ => bytes,
            };
            let measured =
                html.then(|| (name.clone(), budget::Measured::page(&name, &bytes, gzip)));
            tree.put_bytes(&name, &bytes)?;
            let mut files = 1;
            let mut clashes = Vec::new();
            if output.precompress && precompress::wanted(&name, bytes.len()) {
                for (ext, made) in [
                    ("br", precompress::brotli(&bytes)),
                    ("gz", precompress::gzip(&bytes)),
                ] {
                    let sibling = format!("{name}.{ext}");
                    match taken.get(&sibling) {
                        Some(Data::Bytes(b)) if **b == *made => {}
                        Some(_) => clashes.push(precompress::clash(&name, ext)),
                        None => {
                            tree.put_bytes(&sibling, &made)?;
                            files += 1;
                        }
                    }
                }
            }
            Ok(Done {
                measured,
                clashes,
                files,
            })
        })
        .collect();
    let mut measured = Vec::new();
    let mut written = 0;
    for d in done {
        let d = d?;
        measured.extend(d.measured);
        diags.extend(d.clashes);
        written += d.files;
    }
    watch.lap("minify, fingerprint, measure and write pages");
    measured.sort_by(|a, b| a.0.cmp(&b.0));
    let pages: Vec<(&String, &budget::Measured)> = measured.iter().map(|(p, m)| (p, m)).collect();
    let linked: std::collections::BTreeSet<&String> =
        pages.iter().flat_map(|(_, m)| m.stylesheets()).collect();
    let sheets: BTreeMap<String, budget::Sizes> = sheets
        .into_iter()
        .filter(|(name, _)| linked.contains(name))
        .collect();
    let (report, over) = budget::assemble(site, &pages, sheets, |name| lengths.get(name).copied());
    diags.extend(over);
    watch.lap("measure page weight");
    Ok(Streamed {
        budget: report,
        diags,
        written,
    })
}

/// What [`stream`] keeps of one file.
#[derive(Default)]
struct Done {
    measured: Option<(String, budget::Measured)>,
    clashes: Vec<Diagnostic>,
    /// Files written: the file and its precompressed copies.
    files: usize,
}
