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
use crate::outputs::{self, Files, Input, budget, fingerprint, minify, precompress};

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
    input: &Input,
    files: Files,
    memory: &mut Memory,
    watch: &mut Stopwatch,
) -> (Files, budget::Report, Vec<Diagnostic>) {
    let output = input.site.config.output;
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
    let (report, over, kept) = outputs::budget::measure(input, &files, &memory.budget);
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
