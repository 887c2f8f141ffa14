//! Precompressed siblings, with `[output] precompress = true`: for every
//! text file aula generates (HTML, CSS, scripts, XML, JSON, SVG, plain
//! text) of at least [`MIN_BYTES`], a brotli `FILE.br` and a gzip
//! `FILE.gz` beside it, for servers that send a ready compressed file
//! instead of compressing on every request (nginx `gzip_static` and
//! `brotli_static`; see docs/deploy.md). Brotli at quality
//! [`BROTLI_QUALITY`], gzip at level 9: slower than on-the-fly
//! compression, paid once per build, smaller on the wire.
//!
//! Runs last, after minification and fingerprints, so the siblings hold
//! exactly the bytes of the file beside them. A pass over [`Files`]; it
//! never writes, and in `aula serve` a file whose bytes did not change is
//! not compressed again. A sibling that would replace a file of the site
//! is an error.

use super::{Data, Files};
use crate::diagnostic::{Diagnostic, Kind};
use crate::memo::{Derived, DerivedEntry};
use rayon::prelude::*;
use std::io::Write;
use std::sync::Arc;

/// Brotli quality of the `.br` files: one below the maximum, which takes
/// about twice as long for under 1 % fewer bytes on aula's pages.
pub const BROTLI_QUALITY: u32 = 10;
/// Gzip level of the `.gz` files: zlib's maximum.
pub const GZIP_LEVEL: u32 = 9;
/// Smaller files are not worth a sibling: the saving would be a few
/// bytes, and servers skip compressing them anyway.
pub const MIN_BYTES: usize = 512;

/// The extensions of the files that get siblings.
const TEXT: [&str; 9] = [
    ".html",
    ".css",
    ".js",
    ".xml",
    ".json",
    ".svg",
    ".txt",
    ".webmanifest",
    ".map",
];

/// The `.br` and `.gz` forms of one file.
pub type Pair = (Arc<[u8]>, Arc<[u8]>);

/// What [`pass`] keeps for the next build.
pub type Memory = Derived<Pair>;

/// Whether the file at `path` gets siblings.
pub fn wanted(path: &str, len: usize) -> bool {
    len >= MIN_BYTES && TEXT.iter().any(|ext| path.ends_with(ext))
}

/// Adds a `.br` and a `.gz` sibling for each text file of `files`.
pub fn pass(mut files: Files, previous: &Memory) -> (Files, Memory, Vec<Diagnostic>) {
    let made: Vec<DerivedEntry<Pair>> = files
        .par_iter()
        .filter_map(|(path, data)| match data {
            Data::Bytes(b) if wanted(path, b.len()) => {
                Some(previous.get_or_make(path, b, 0, || (brotli(b).into(), gzip(b).into())))
            }
            _ => None,
        })
        .collect();
    let mut errors = Vec::new();
    for (path, (_, _, (br, gz))) in &made {
        for (ext, bytes) in [("br", br), ("gz", gz)] {
            let sibling = format!("{path}.{ext}");
            if files.add(sibling, Data::Bytes(bytes.clone())).is_err() {
                errors.push(clash(path, ext));
            }
        }
    }
    (files, Derived::from_results(made), errors)
}

/// The message of a static file named like a precompressed copy.
pub fn clash(path: &str, ext: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the file {path}.{ext} would replace the precompressed copy of {path}"
    ))
    .kind(Kind::Asset)
    .file(format!("static/{path}.{ext}"))
    .help("remove the .br or .gz file from static/ (aula writes them), or set precompress = false in [output] of aula.toml")
}

/// `bytes` compressed with brotli at [`BROTLI_QUALITY`].
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        lgwin: 22,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut input = bytes;
    // Compressing from memory into memory cannot fail.
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out
}

/// `bytes` compressed with gzip at [`GZIP_LEVEL`] (no name, time 0: the
/// same bytes give the same file).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    // Writing into memory cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn siblings_decompress_to_the_same_bytes() {
        let mut files = Files::new();
        let page = "<p>aula campus</p>\n".repeat(100);
        files
            .add_generated("es/index.html", page.as_bytes().to_vec())
            .expect("new");
        files
            .add_generated("tiny.css", b"a{}".to_vec())
            .expect("new");
        files
            .add_generated("logo.png", vec![0u8; 4096])
            .expect("new");
        let (files, _, errors) = pass(files, &Memory::default());
        assert!(errors.is_empty());
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "es/index.html",
                "es/index.html.br",
                "es/index.html.gz",
                "logo.png",
                "tiny.css"
            ]
        );
        let get = |p: &str| match &files[p] {
            Data::Bytes(b) => b.to_vec(),
            Data::Copy(_) | Data::Written(_) => unreachable!("generated"),
        };
        let mut gz = Vec::new();
        flate2::read::GzDecoder::new(&get("es/index.html.gz")[..])
            .read_to_end(&mut gz)
            .expect("gzip");
        assert_eq!(gz, page.as_bytes());
        let mut br = Vec::new();
        brotli::Decompressor::new(&get("es/index.html.br")[..], 4096)
            .read_to_end(&mut br)
            .expect("brotli");
        assert_eq!(br, page.as_bytes());
    }
}
