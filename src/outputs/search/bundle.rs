//! Pagefind's index of one language, written by aula.
//!
//! The files are the ones Pagefind 1.6 writes (`index/mod.rs`,
//! `fossick/mod.rs`, `output/mod.rs`; MIT licence) for the records aula
//! hands it, so Pagefind's own script and WebAssembly read them: the
//! metadata file (`pagefind.<hash>.pf_meta`), the word index in chunks
//! (`index/<hash>.pf_index`) and one fragment per page
//! (`fragment/<hash>.pf_fragment`), CBOR or JSON behind Pagefind's
//! `pagefind_dcd` signature, gzipped, named by the SHA-1 of their bytes.
//! Each page's words come from `page_words`; Pagefind itself still makes
//! the browser's side (`pagefind.js`, the WebAssembly of each language):
//! see `assets` in the parent module.
//!
//! What writing it here saves (docs/performance.md): each distinct word
//! is normalised and stemmed once per language and thread instead of at
//! each of its occurrences; no page is copied (Pagefind's API copies each
//! page's words twice); the files are gzipped at level 6 instead of 9
//! (0.2 % larger on the 3,000-page corpus). The tests at the bottom
//! compare every file with the one Pagefind makes from the same records.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use minicbor::Encode;
use rayon::prelude::*;
use serde::Serialize;
use sha1::{Digest, Sha1};

use super::digest::Record;
use super::page_words::{Anchor, MetaPosition, Position, Read, read};
use super::words::{self, Indexable};
use super::{BUNDLE, Named};
use crate::output::Data;
use pagefind_stem::Stemmer;

/// Pagefind's word index chunk size, in locations.
const CHUNK_SIZE: usize = 20_000;

/// gzip level of every file (Pagefind uses 9).
const LEVEL: u32 = 6;

/// Where a language's files go as they are made.
#[derive(Debug, Clone, Copy)]
pub enum Out<'a> {
    /// Kept in memory (a build in memory, tests).
    Memory,
    /// Written at once under this folder (the output's temporary folder)
    /// and kept as their paths: indexing holds no file's bytes (at 31,500
    /// pages the fragments alone are 123 MiB).
    Folder(&'a Path),
}

/// A file of the bundle that could not be written: what went wrong.
#[derive(Debug)]
pub struct Unwritten(pub String);

impl Out<'_> {
    /// Creates the bundle's folders, so that files can be put there.
    fn prepare(self) -> Result<(), Unwritten> {
        if let Out::Folder(folder) = self {
            for sub in ["fragment", "index"] {
                let path = folder.join(BUNDLE).join(sub);
                std::fs::create_dir_all(&path).map_err(|e| {
                    Unwritten(format!(
                        "the folder {} could not be made: {e}",
                        path.display()
                    ))
                })?;
            }
        }
        Ok(())
    }

    /// The file at `path` (from the site root) with `bytes`, as kept.
    fn put(self, path: String, bytes: Vec<u8>) -> Result<(String, Data), Unwritten> {
        match self {
            Out::Memory => Ok((path, Data::Bytes(Arc::from(bytes)))),
            Out::Folder(folder) => {
                let at = folder.join(&path);
                std::fs::write(&at, bytes).map_err(|e| {
                    Unwritten(format!(
                        "the file {} could not be written: {e}",
                        at.display()
                    ))
                })?;
                Ok((path, Data::Written(at)))
            }
        }
    }
}

/// One language's files and what the entry file says of it.
pub struct Indexed {
    /// Paths from the site root.
    pub files: Named,
    /// The metadata file's hash (`<lang>_<hex>`).
    pub hash: String,
    /// Pages in the index.
    pub page_count: usize,
}

/// The JSON of a page's fragment, in Pagefind's field order.
#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    content: &'a str,
    word_count: usize,
    filters: BTreeMap<String, Vec<String>>,
    meta: &'a BTreeMap<String, String>,
    anchors: &'a [Anchor],
}

#[derive(Encode)]
struct WordIndex {
    #[n(0)]
    words: Vec<PackedWord>,
}

#[derive(Encode)]
struct PackedWord {
    #[n(0)]
    word: String,
    #[n(1)]
    pages: Vec<PackedPage>,
    #[n(2)]
    additional_variants: Vec<PackedVariant>,
}

#[derive(Encode)]
struct PackedVariant {
    #[n(0)]
    form: String,
    #[n(1)]
    pages: Vec<PackedPage>,
}

#[derive(Encode)]
struct PackedPage {
    #[n(0)]
    page_number: usize,
    #[n(1)]
    locs: Vec<i32>,
    #[n(2)]
    meta_locs: Vec<i32>,
}

#[derive(Encode)]
struct MetaIndex {
    #[n(0)]
    version: String,
    #[n(1)]
    pages: Vec<MetaPage>,
    #[n(2)]
    index_chunks: Vec<MetaChunk>,
    #[n(3)]
    filters: Vec<()>,
    #[n(4)]
    sorts: Vec<()>,
    #[n(5)]
    meta_fields: Vec<String>,
}

#[derive(Encode)]
struct MetaChunk {
    #[n(0)]
    from: String,
    #[n(1)]
    to: String,
    #[n(2)]
    hash: String,
}

#[derive(Encode)]
struct MetaPage {
    #[n(0)]
    hash: String,
    #[n(1)]
    word_count: u32,
    #[n(2)]
    group_hash: String,
}

/// One page's words as index entries and its fragment ([`pack`]).
struct Packed {
    words: HashMap<String, PackedWord>,
    /// `<lang>_<sha1>` of the fragment's JSON.
    hash: String,
    /// The fragment's JSON, gzipped.
    gz: Vec<u8>,
    word_count: usize,
}

/// A fragment as put out: its short hash (its name), its file and word
/// count.
struct FragmentFile {
    name: String,
    file: (String, Data),
    word_count: usize,
}

/// Pages read and packed at a time: each batch's words are merged into
/// the language's index before the next batch is read, so indexing never
/// holds every page's words at once (as read, then as packed), only the
/// merged index and one batch: the search stage's peak at 3,162 pages
/// fell from 349 to below the build's 314 MiB (`--verbose`). The pages'
/// records are read batch by batch too.
const BATCH: usize = 128;

/// The index of one language's pages, for Pagefind `version`: each
/// page's URL from the site root and what `record` reads its record from
/// (the page's HTML, or the record itself). A page is read when its batch
/// is, so indexing holds the records of one batch, never all of them.
/// `None` when no page has a word to index; the first error `record`
/// gives, or a file `out` could not take, stops the indexing. Each
/// fragment goes `out` as soon as its page is merged, the word index once
/// it is encoded.
pub fn index<T: Sync, E: Send + From<Unwritten>>(
    language: &str,
    pages: &[(String, T)],
    version: &str,
    out: Out,
    record: impl for<'a> Fn(&str, &'a T) -> Result<Cow<'a, Record>, E> + Sync,
) -> Result<Option<Indexed>, E> {
    let pages = unique(pages);
    let readers = Readers::new(language);
    out.prepare()?;
    let merged = read_and_merge(language, &pages, &record, &readers, out)?;
    // The words seen are not needed to encode the index.
    drop(readers);
    if merged.fragments.is_empty() {
        return Ok(None);
    }
    let (word_map, fragments, fields) = merged.finish();
    let (index_chunks, mut index_files) = word_index(word_map, fields.number.as_deref(), language);
    let meta = MetaIndex {
        version: version.to_string(),
        pages: fragments
            .iter()
            .map(|f| MetaPage {
                hash: f.name.clone(),
                word_count: f.word_count as u32,
                group_hash: String::new(),
            })
            .collect(),
        index_chunks,
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields: fields.names,
    };
    let mut meta_bytes = Vec::new();
    let _ = minicbor::encode(meta, &mut meta_bytes);
    let meta_hash = format!(
        "{language}_{}",
        full_hash(&meta_bytes)
            .get(..language.len() + 8)
            .unwrap_or_default()
    );
    let page_count = fragments.len();
    let mut files: Named = fragments.into_iter().map(|f| f.file).collect();
    index_files.push((
        format!("{BUNDLE}/pagefind.{meta_hash}.pf_meta"),
        gzip(&meta_bytes),
    ));
    for (path, gz) in index_files {
        files.push(out.put(path, gz)?);
    }
    Ok(Some(Indexed {
        files,
        hash: meta_hash,
        page_count,
    }))
}

/// [`index`] of records already read.
#[cfg(test)]
pub fn index_records(language: &str, pages: &[(String, Record)], version: &str) -> Option<Indexed> {
    index(language, pages, version, Out::Memory, |_, r| {
        Ok::<_, Unwritten>(Cow::Borrowed(r))
    })
    .expect("nothing to write, nothing to read")
}

/// Each URL once: a URL given twice keeps the later page at the earlier
/// place, as Pagefind does.
fn unique<T>(pages: &[(String, T)]) -> Vec<&(String, T)> {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut unique: Vec<&(String, T)> = Vec::with_capacity(pages.len());
    for page in pages {
        match at.get(page.0.as_str()) {
            Some(&i) => unique[i] = page,
            None => {
                at.insert(&page.0, unique.len());
                unique.push(page);
            }
        }
    }
    unique
}

/// Each batch of `pages` read (their records, then their words, with the
/// readers' stemmers and words already seen), packed and merged in page
/// order. Metadata fields are numbered as they are first seen on a page
/// with words ([`Merged::finish`] puts them in Pagefind's order).
fn read_and_merge<T: Sync, E: Send + From<Unwritten>>(
    language: &str,
    pages: &[&(String, T)],
    record: &(impl for<'a> Fn(&str, &'a T) -> Result<Cow<'a, Record>, E> + Sync),
    readers: &Readers,
    out: Out,
) -> Result<Merged, E> {
    let read_batch = |batch| read_batch(batch, record, readers);
    let mut merged = Merged::default();
    let mut batches = pages.chunks(BATCH);
    let mut next = batches.next().map(read_batch).transpose()?;
    while let Some(read) = next.take() {
        for r in &read {
            for field in r.meta.keys() {
                if !merged.fields.contains(field) {
                    merged.fields.push(field.clone());
                }
            }
        }
        // The next batch is read while this one is packed and merged (in
        // page order): merging is sequential, reading is not.
        let (added, after) = rayon::join(
            || {
                let first = merged.fragments.len();
                let fields = &merged.fields;
                let packed: Vec<Packed> = read
                    .into_par_iter()
                    .enumerate()
                    .map(|(number, r)| pack(first + number, r, fields, language))
                    .collect();
                merged.add(packed, language, out)
            },
            || batches.next().map(read_batch).transpose(),
        );
        added?;
        next = after?;
    }
    Ok(merged)
}

/// The pages of a batch with words, read in parallel.
fn read_batch<'p, T: Sync, E: Send>(
    batch: &'p [&'p (String, T)],
    record: &(impl for<'a> Fn(&str, &'a T) -> Result<Cow<'a, Record>, E> + Sync),
    readers: &Readers,
) -> Result<Vec<Read<'p>>, E> {
    batch
        .par_iter()
        .map(|(url, page)| {
            let r = record(url, page)?;
            Ok(readers.with(|stemmer, known| read(url, &r, stemmer, known)))
        })
        .filter(|r: &Result<Read, E>| r.as_ref().map_or(true, |r| !r.words.is_empty()))
        .collect()
}

/// What reading a page keeps on each of rayon's threads: the language's
/// stemmer and the words of text already seen (`page_words::read`).
struct Readers {
    language: String,
    slots: Vec<std::sync::Mutex<Reader>>,
}

type Reader = (Option<Stemmer>, HashMap<String, Vec<Indexable>>);

impl Readers {
    fn new(language: &str) -> Readers {
        Readers {
            language: language.to_string(),
            slots: (0..rayon::current_num_threads())
                .map(|_| std::sync::Mutex::new((words::stemmer(language), HashMap::new())))
                .collect(),
        }
    }

    /// Runs `f` with this thread's reader (a fresh one off rayon's
    /// threads, or if the slot is busy).
    fn with<T>(
        &self,
        f: impl FnOnce(Option<&Stemmer>, &mut HashMap<String, Vec<Indexable>>) -> T,
    ) -> T {
        let slot = rayon::current_thread_index()
            .and_then(|i| self.slots.get(i))
            .and_then(|m| m.try_lock().ok());
        match slot {
            Some(mut reader) => {
                let (stemmer, known) = &mut *reader;
                f(stemmer.as_ref(), known)
            }
            None => f(words::stemmer(&self.language).as_ref(), &mut HashMap::new()),
        }
    }
}

/// Every page's entries under their words and the fragments named by the
/// shortest unique prefix of their hash, pages added in order.
#[derive(Default)]
struct Merged {
    word_map: HashMap<String, Held>,
    names: HashSet<String>,
    fragments: Vec<FragmentFile>,
    /// The metadata fields of the pages with words, numbered in the order
    /// they were first seen.
    fields: Vec<String>,
}

/// One word's pages in the merged index, held compactly until the index
/// is encoded (a language of the 3,162-page corpus has ~320,000
/// word-page entries, counted when this was written; as [`PackedPage`]s
/// each had two vectors of its own; as 4-byte numbers, a language of
/// the 10,500-page corpus held 60 MiB).
/// Each form's pages in one buffer ([`hold`]), its forms in the order
/// they were first seen.
#[derive(Default)]
struct Held {
    plain: Vec<u8>,
    variants: Vec<(String, Vec<u8>)>,
}

/// Appends `pages` to a word's buffer, each number a variable-length
/// integer (LEB128, zigzag for the sign): each page as its number, the
/// count of its locations, the locations (each as its difference from
/// the one before: mostly one byte), the count of its metadata
/// locations and those, the same way.
fn hold(buffer: &mut Vec<u8>, pages: Vec<PackedPage>) {
    for p in pages {
        put_number(buffer, p.page_number as i64);
        put_run(buffer, &p.locs);
        put_run(buffer, &p.meta_locs);
    }
}

fn put_run(buffer: &mut Vec<u8>, run: &[i32]) {
    put_number(buffer, run.len() as i64);
    let mut before = 0i64;
    for &n in run {
        put_number(buffer, i64::from(n) - before);
        before = i64::from(n);
    }
}

fn put_number(buffer: &mut Vec<u8>, n: i64) {
    let mut zigzag = ((n << 1) ^ (n >> 63)) as u64;
    while zigzag >= 0x80 {
        buffer.push((zigzag as u8) | 0x80);
        zigzag >>= 7;
    }
    buffer.push(zigzag as u8);
}

/// The next number [`put_number`] wrote in `rest`.
fn take_number(rest: &mut &[u8]) -> Option<i64> {
    let mut zigzag = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, tail) = rest.split_first()?;
        *rest = tail;
        zigzag |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64));
        }
    }
    None
}

/// The next run [`put_run`] wrote in `rest`.
fn take_run(rest: &mut &[u8]) -> Option<Vec<i32>> {
    let count = usize::try_from(take_number(rest)?).ok()?;
    let mut run = Vec::with_capacity(count.min(rest.len()));
    let mut before = 0i64;
    for _ in 0..count {
        before += take_number(rest)?;
        run.push(i32::try_from(before).ok()?);
    }
    Some(run)
}

/// Steps over the next run [`put_run`] wrote in `rest`: its length.
fn skip_run(rest: &mut &[u8]) -> Option<usize> {
    let count = usize::try_from(take_number(rest)?).ok()?;
    for _ in 0..count {
        let end = rest.iter().position(|&b| b < 0x80)?;
        *rest = &rest[end + 1..];
    }
    Some(count)
}

/// The pages of a buffer [`hold`] made, as written: each page's number,
/// locations and metadata locations.
fn held(buffer: &[u8]) -> impl Iterator<Item = (i32, Vec<i32>, Vec<i32>)> {
    let mut rest = buffer;
    std::iter::from_fn(move || {
        let page_number = i32::try_from(take_number(&mut rest)?).ok()?;
        Some((page_number, take_run(&mut rest)?, take_run(&mut rest)?))
    })
}

/// The pages of a buffer [`hold`] made, in page order, their metadata
/// fields numbered by `number` (when given; see [`renumber`]).
fn unhold(buffer: &[u8], number: Option<&[usize]>) -> Vec<PackedPage> {
    let mut pages: Vec<PackedPage> = held(buffer)
        .map(|(page_number, locs, mut meta_locs)| {
            if let Some(number) = number {
                renumber(&mut meta_locs, number);
            }
            PackedPage {
                page_number: page_number as usize,
                locs,
                meta_locs,
            }
        })
        .collect();
    // Pages are added in order: this keeps them so, whatever comes.
    pages.sort_by_key(|p| p.page_number);
    pages
}

/// What a word adds to the size of its chunk ([`chunk_index`]): each
/// page's locations and metadata locations and one, and one per variant.
fn chunk_size(held_word: &Held) -> usize {
    // Counted from the runs' lengths, without decoding them.
    let size = |buffer: &[u8]| -> usize {
        let mut rest = buffer;
        let mut size = 0;
        while take_number(&mut rest).is_some() {
            match (skip_run(&mut rest), skip_run(&mut rest)) {
                (Some(locs), Some(meta)) => size += locs + meta + 1,
                _ => break,
            }
        }
        size
    };
    size(&held_word.plain)
        + held_word
            .variants
            .iter()
            .map(|(_, b)| size(b) + 1)
            .sum::<usize>()
}

impl Held {
    /// The word, as encoded in its chunk.
    fn unhold(self, word: String, number: Option<&[usize]>) -> PackedWord {
        PackedWord {
            word,
            pages: unhold(&self.plain, number),
            additional_variants: self
                .variants
                .into_iter()
                .map(|(form, buffer)| PackedVariant {
                    form,
                    pages: unhold(&buffer, number),
                })
                .collect(),
        }
    }
}

impl Merged {
    /// Adds the next pages, in order, each fragment put `out`.
    fn add(&mut self, packed: Vec<Packed>, language: &str, out: Out) -> Result<(), Unwritten> {
        for page in packed {
            for (word, entry) in page.words {
                let held = self.word_map.entry(word).or_default();
                hold(&mut held.plain, entry.pages);
                for variant in entry.additional_variants {
                    let at = match held.variants.iter().position(|(f, _)| *f == variant.form) {
                        Some(at) => at,
                        None => {
                            held.variants.push((variant.form, Vec::new()));
                            held.variants.len() - 1
                        }
                    };
                    hold(&mut held.variants[at].1, variant.pages);
                }
            }
            let hash = page.hash;
            let mut len = language.len() + 8;
            while self.names.contains(&hash[..len]) && len < hash.len() {
                len += 1;
            }
            let name = hash[..len].to_string();
            let path = format!("{BUNDLE}/fragment/{name}.pf_fragment");
            self.names.insert(name.clone());
            self.fragments.push(FragmentFile {
                name,
                file: out.put(path, page.gz)?,
                word_count: page.word_count,
            });
        }
        Ok(())
    }

    /// The word map, the fragments, the metadata fields as Pagefind
    /// numbers them (in order) and, when that is not the order they were
    /// first seen in, each field's new number.
    fn finish(self) -> (HashMap<String, Held>, Vec<FragmentFile>, Fields) {
        let mut sorted = self.fields.clone();
        sorted.sort();
        let number: Vec<usize> = self
            .fields
            .iter()
            .map(|f| sorted.binary_search(f).unwrap_or(0))
            .collect();
        let renumbered = number.iter().enumerate().any(|(i, n)| i != *n);
        let fields = Fields {
            names: sorted,
            number: renumbered.then_some(number),
        };
        (self.word_map, self.fragments, fields)
    }
}

/// The metadata fields of an index: their names in Pagefind's order and,
/// when they were first numbered otherwise, each old number's new one.
struct Fields {
    names: Vec<String>,
    number: Option<Vec<usize>>,
}

/// Metadata locations ([`meta_locs`]) with each field `f` numbered
/// `number[f]`, the fields' runs in the new order.
fn renumber(locs: &mut Vec<i32>, number: &[usize]) {
    let mut runs: Vec<(usize, &[i32])> = Vec::new();
    let mut rest: &[i32] = locs;
    while let Some((&marker, after)) = rest.split_first() {
        let end = after.iter().position(|&l| l < 0).unwrap_or(after.len());
        let field = (-(marker + 1)) as usize;
        runs.push((number.get(field).copied().unwrap_or(field), &after[..end]));
        rest = &after[end..];
    }
    runs.sort_by_key(|(field, _)| *field);
    let mut out = Vec::with_capacity(locs.len());
    for (field, run) in runs {
        out.push(-(field as i32) - 1);
        out.extend_from_slice(run);
    }
    *locs = out;
}

/// The word index in chunks: their entries in the metadata file and the
/// chunk files (path, gzipped bytes).
fn word_index(
    word_map: HashMap<String, Held>,
    number: Option<&[usize]>,
    language: &str,
) -> (Vec<MetaChunk>, Vec<(String, Vec<u8>)>) {
    let chunks = chunk_index(word_map);
    let mut meta = chunk_meta(&chunks);
    let encoded: Vec<(Vec<u8>, String)> = chunks
        .into_par_iter()
        .map(|chunk| {
            let words = chunk
                .into_iter()
                .map(|(word, held)| held.unhold(word, number))
                .collect();
            let mut bytes = Vec::new();
            let _ = minicbor::encode(
                WordIndex {
                    words: delta(words),
                },
                &mut bytes,
            );
            let hash = format!("{language}_{}", full_hash(&bytes));
            // Only the gzipped bytes are kept until every chunk is named.
            (gzip(&bytes), hash)
        })
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(encoded.len());
    let mut names: BTreeSet<String> = BTreeSet::new();
    for (i, (bytes, hash)) in encoded.into_iter().enumerate() {
        // Pagefind lengthens a colliding chunk name by two characters.
        let mut len = language.len() + 8;
        while names.contains(&hash[..len]) && len + 2 <= hash.len() {
            len += 2;
        }
        names.insert(hash[..len].to_string());
        meta[i].hash = hash[..len].to_string();
        files.push((format!("{BUNDLE}/index/{}.pf_index", &hash[..len]), bytes));
    }
    (meta, files)
}

/// Pagefind's signature and `bytes`, gzipped.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3 + 64),
        flate2::Compression::new(LEVEL),
    );
    // Writing into a Vec cannot fail.
    let _ = gz.write_all(b"pagefind_dcd");
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// SHA-1 in Pagefind's spelling: each byte in lowercase hex *without*
/// a leading zero (`{:x?}`), so `0a` is written `a`.
fn full_hash(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(40);
    for b in Sha1::digest(bytes) {
        let _ = write!(out, "{b:x}");
    }
    out
}

/// One page's words as index entries, numbered, and its fragment.
fn pack(number: usize, read: Read, meta_fields: &[String], language: &str) -> Packed {
    let fields: Vec<u16> = read
        .meta
        .keys()
        .map(|k| meta_fields.iter().position(|f| f == k).unwrap_or(0) as u16)
        .collect();
    let mut local: HashMap<String, PackedWord> = HashMap::with_capacity(read.words.len());
    for (word, positions) in read.words {
        let (plain, variants) = by_form(positions, |p: &mut Position| p.original.take());
        let packed = PackedWord::of(&mut local, word);
        if !plain.is_empty() {
            packed.pages.push(packed_page(plain, number));
        }
        for (form, positions) in variants {
            let page = packed_page(positions, number);
            packed.variant(form).pages.push(page);
        }
    }
    for (word, mut positions) in read.meta_words {
        for p in &mut positions {
            p.field = fields.get(p.field as usize).copied().unwrap_or(p.field);
        }
        let (plain, variants) = by_form(positions, |p: &mut MetaPosition| p.original.take());
        let packed = PackedWord::of(&mut local, word);
        if !plain.is_empty() {
            set_meta_locs(&mut packed.pages, number, meta_locs(plain));
        }
        for (form, positions) in variants {
            let locs = meta_locs(positions);
            set_meta_locs(&mut packed.variant(form).pages, number, locs);
        }
    }
    let fragment = Fragment {
        url: read.url,
        content: &read.content,
        word_count: read.word_count,
        filters: BTreeMap::new(),
        meta: &read.meta,
        anchors: &read.anchors,
    };
    let json = serde_json::to_string(&fragment).unwrap_or_default();
    let hash = format!("{language}_{}", full_hash(json.as_bytes()));
    Packed {
        words: local,
        hash,
        gz: gzip(json.as_bytes()),
        word_count: read.word_count,
    }
}

/// Occurrences without diacritics, and the others by their original
/// form (in order: Pagefind lists a word's variants in that order).
fn by_form<P>(
    positions: Vec<P>,
    mut original: impl FnMut(&mut P) -> Option<String>,
) -> (Vec<P>, BTreeMap<String, Vec<P>>) {
    let mut plain = Vec::new();
    let mut variants: BTreeMap<String, Vec<P>> = BTreeMap::new();
    for mut p in positions {
        match original(&mut p) {
            Some(form) => variants.entry(form).or_default().push(p),
            None => plain.push(p),
        }
    }
    (plain, variants)
}

impl PackedWord {
    /// The entry of `word` in `map`, made empty if there is none.
    fn of(map: &mut HashMap<String, PackedWord>, word: String) -> &mut PackedWord {
        map.entry(word).or_insert_with_key(|word| PackedWord {
            word: word.clone(),
            pages: Vec::new(),
            additional_variants: Vec::new(),
        })
    }

    /// The variant `form` of this word, added without pages if new.
    fn variant(&mut self, form: String) -> &mut PackedVariant {
        let at = match self.additional_variants.iter().position(|v| v.form == form) {
            Some(at) => at,
            None => {
                self.additional_variants.push(PackedVariant {
                    form,
                    pages: Vec::new(),
                });
                self.additional_variants.len() - 1
            }
        };
        &mut self.additional_variants[at]
    }
}

/// Sets the metadata locations of page `number` in `pages`, adding it.
fn set_meta_locs(pages: &mut Vec<PackedPage>, number: usize, locs: Vec<i32>) {
    match pages.iter_mut().find(|p| p.page_number == number) {
        Some(p) => p.meta_locs = locs,
        None => pages.push(PackedPage {
            page_number: number,
            locs: Vec::new(),
            meta_locs: locs,
        }),
    }
}

/// A word's locations on one page: the most common weight (25) first,
/// then by weight, each run delta-encoded, a weight change written as
/// `-(weight + 1)` and an absolute position.
fn packed_page(mut positions: Vec<Position>, number: usize) -> PackedPage {
    positions.sort_by_key(|p| (if p.weight == 25 { 0 } else { p.weight }, p.position));
    let mut current = 25;
    let mut locs = Vec::with_capacity(positions.len());
    let mut last = 0;
    for Position {
        position, weight, ..
    } in positions
    {
        if weight != current {
            locs.push(-(weight as i32) - 1);
            locs.push(position as i32);
            current = weight;
        } else {
            locs.push((position - last) as i32);
        }
        last = position;
    }
    PackedPage {
        page_number: number,
        locs,
        meta_locs: Vec::new(),
    }
}

/// Metadata locations: by field, `-(field + 1)` before each field's
/// delta-encoded positions.
fn meta_locs(mut positions: Vec<MetaPosition>) -> Vec<i32> {
    positions.sort_by_key(|p| (p.field, p.position));
    let mut current: Option<u16> = None;
    let mut last = 0;
    let mut out = Vec::with_capacity(positions.len() + 8);
    for p in positions {
        if Some(p.field) != current {
            out.push(-(p.field as i32 + 1));
            current = Some(p.field);
            last = 0;
        }
        out.push((p.position - last) as i32);
        last = p.position;
    }
    out
}

/// The words in order, cut into chunks of about [`CHUNK_SIZE`] locations.
fn chunk_index(word_map: HashMap<String, Held>) -> Vec<Vec<(String, Held)>> {
    let mut words: Vec<(String, Held)> = word_map.into_iter().collect();
    words.sort_by(|a, b| a.0.cmp(&b.0));
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    let mut size = 0;
    for word in words {
        size += chunk_size(&word.1);
        chunk.push(word);
        if size >= CHUNK_SIZE {
            chunks.push(std::mem::take(&mut chunk));
            size = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    chunks
}

/// Each chunk's first and last word, shortened to the prefixes that tell
/// neighbouring chunks apart.
fn chunk_meta(chunks: &[Vec<(String, Held)>]) -> Vec<MetaChunk> {
    let mut named: Vec<MetaChunk> = chunks
        .iter()
        .map(|c| MetaChunk {
            from: c.first().map_or(String::new(), |w| w.0.clone()),
            to: c.last().map_or(String::new(), |w| w.0.clone()),
            hash: String::new(),
        })
        .collect();
    for i in 1..named.len() {
        let (a, b) = prefixes(&named[i - 1].to, &named[i].from);
        if a >= named[i - 1].from {
            named[i - 1].to = a;
        }
        named[i].from = b;
    }
    named
}

/// The shortest prefixes of `a` and `b` that differ (one character past
/// their common prefix).
fn prefixes(a: &str, b: &str) -> (String, String) {
    let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
    (
        a.chars().take(common + 1).collect(),
        b.chars().take(common + 1).collect(),
    )
}

/// Page numbers as differences from the previous page of the same word.
fn delta(mut chunk: Vec<PackedWord>) -> Vec<PackedWord> {
    fn pages(pages: &mut [PackedPage]) {
        let mut last = 0;
        for p in pages {
            let n = p.page_number;
            p.page_number = n - last;
            last = n;
        }
    }
    for word in &mut chunk {
        pages(&mut word.pages);
        for v in &mut word.additional_variants {
            pages(&mut v.pages);
        }
    }
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Read as _;

    fn record(language: &str, content: &str, meta: &[(&str, &str)]) -> Record {
        Record {
            language: language.to_string(),
            content: content.to_string(),
            meta: meta
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// A record already read, as [`index`] reads it.
    fn borrowed<'a>(_: &str, r: &'a Record) -> Result<Cow<'a, Record>, Unwritten> {
        Ok(Cow::Borrowed(r))
    }

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("gzip");
        out
    }

    /// The index files Pagefind itself makes of `pages`, unzipped.
    fn pagefinds(pages: &[(String, Record)]) -> BTreeMap<String, Vec<u8>> {
        use pagefind::api::PagefindIndex;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let made = runtime.block_on(async {
            let mut index = PagefindIndex::new(None).expect("index");
            for (url, r) in pages {
                index
                    .add_custom_record(
                        url.clone(),
                        r.content.clone(),
                        r.language.clone(),
                        Some(r.meta.clone()),
                        None,
                        None,
                    )
                    .await
                    .expect("record");
            }
            index.get_files().await.expect("files")
        });
        made.into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| name.contains(".pf_"))
            .map(|(name, bytes)| (format!("{BUNDLE}/{name}"), gunzip(&bytes)))
            .collect()
    }

    /// The index files aula makes of `pages` (all in `language`), unzipped.
    fn auls(language: &str, pages: &[(String, Record)]) -> BTreeMap<String, Vec<u8>> {
        index_records(language, pages, "1.6.0")
            .map(|i| i.files)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, data)| (name, gunzip(&data.read().expect("in memory"))))
            .collect()
    }

    fn assert_same(language: &str, pages: &[(String, Record)]) {
        let theirs = pagefinds(pages);
        let ours = auls(language, pages);
        let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(&ours), names(&theirs), "the same files");
        for (name, bytes) in &theirs {
            assert!(ours[name] == *bytes, "{name} differs");
        }
    }

    fn page(url: &str, r: Record) -> (String, Record) {
        (url.to_string(), r)
    }

    /// Every rule of Pagefind's, on one page or another: diacritics (in
    /// text and metadata), compound words, dotted tails, emoji, katakana,
    /// explicit, zero, bad and automatic weights, too many weight ends,
    /// anchors, zero-width spaces, markers in metadata, a page without
    /// words (left out), a URL given twice (the later record wins).
    #[test]
    fn the_index_is_the_index_pagefind_makes_of_the_same_records() {
        let es = "es";
        let pages = vec![
            page(
                "/es/a/",
                record(
                    es,
                    "___PAGEFIND_AUTO_WEIGHT___7 Educación abierta. ___END_PAGEFIND_WEIGHT___ \
                     La educación e-learning y camelCase, sysconfig.is_python_build, café Café CAFÉ \
                     🎓 カタカナ Straße İstanbul ﬁn 3.14 2026-12-04 _privado __init__ a\u{200B}b \u{200B} \
                     ___PAGEFIND_WEIGHT___0 cero ___END_PAGEFIND_WEIGHT___ \
                     ___PAGEFIND_WEIGHT___3.5 peso ___PAGEFIND_AUTO_WEIGHT___6 dentro \
                     ___END_PAGEFIND_WEIGHT___ ___END_PAGEFIND_WEIGHT___ \
                     ___PAGEFIND_WEIGHT___abc raro ___END_PAGEFIND_WEIGHT___ \
                     ___PAGEFIND_WEIGHT___3___PAGEFIND_AUTO_WEIGHT___ mixto ___END_PAGEFIND_WEIGHT___ \
                     ___PAGEFIND_AUTO_WEIGHT___2___PAGEFIND_AUTO_WEIGHT___ doble ___END_PAGEFIND_WEIGHT___ \
                     ___PAGEFIND_ANCHOR___h2:0:intro después ___PAGEFIND_ANCHOR___sin \
                     ___END_PAGEFIND_WEIGHT___ ___END_PAGEFIND_WEIGHT___ fin. educación",
                    &[
                        ("title", "Educación abierta"),
                        ("image", "/img/a.png"),
                        ("image_alt", "Café ___PAGEFIND_x y más"),
                    ],
                ),
            ),
            page(
                "/es/b/",
                record(
                    es,
                    "Gobernanza universitaria sostenible, café.",
                    &[("title", "B")],
                ),
            ),
            page(
                "/es/vacia/",
                record(
                    es,
                    "___PAGEFIND_AUTO_WEIGHT___7 ___END_PAGEFIND_WEIGHT___",
                    &[],
                ),
            ),
            page(
                "/es/b/",
                record(es, "Gobernanza otra vez: Educación.", &[("title", "B")]),
            ),
            page("/es/c/", record(es, "educación educacion EDUCACIÓN", &[])),
        ];
        assert_same(es, &pages);
        // Languages without a stemmer, or with a region.
        assert_same(
            "gn",
            &[page("/gn/", record("gn", "Ñe'ẽ Teaching avañe'ẽ", &[]))],
        );
        assert_same(
            "pt-br",
            &[page("/pt/", record("pt-br", "Educação híbrida", &[]))],
        );
    }

    /// More than one chunk of the word index: chunk names and the
    /// prefixes that tell chunks apart in the metadata file.
    #[test]
    fn a_large_index_is_chunked_as_pagefind_chunks_it() {
        let pages: Vec<(String, Record)> = (0..12)
            .map(|p| {
                let text: Vec<String> = (0..3_000)
                    .map(|w| format!("palabra{}x{}", (w * 7 + p) % 4_000, w % 13))
                    .collect();
                page(&format!("/es/{p}/"), record("es", &text.join(" "), &[]))
            })
            .collect();
        let ours = auls("es", &pages);
        assert!(
            ours.keys().filter(|n| n.ends_with(".pf_index")).count() > 1,
            "several chunks"
        );
        assert_same("es", &pages);
    }

    /// Pages are read, packed and merged [`BATCH`] at a time: words,
    /// their variants and the fragments' names across batches come out
    /// as Pagefind makes them of all the pages at once.
    #[test]
    fn more_pages_than_a_batch_are_indexed_as_pagefind_indexes_them() {
        let forms = [
            "educación",
            "Educación",
            "educacion",
            "café",
            "Café",
            "gobernanza",
        ];
        let pages: Vec<(String, Record)> = (0..BATCH * 2 + 17)
            .map(|p| {
                let text: Vec<String> = (0..40)
                    .map(|w| match (p + w) % 5 {
                        0 => forms[(p * 3 + w) % forms.len()].to_string(),
                        1 => format!("módulo{}", (p * 7 + w) % 90),
                        _ => format!("palabra{}", (p + w * 11) % 300),
                    })
                    .collect();
                let title = format!("Página {} café", p % 17);
                page(
                    &format!("/es/{p}/"),
                    record("es", &text.join(" "), &[("title", &title)]),
                )
            })
            .collect();
        assert_same("es", &pages);
    }

    /// Pagefind numbers only the metadata fields of pages with words: a
    /// field that only a page without words has is not numbered.
    #[test]
    fn a_field_of_a_page_without_words_is_not_numbered() {
        let mut pages: Vec<(String, Record)> = (0..BATCH + 3)
            .map(|p| {
                page(
                    &format!("/es/{p}/"),
                    record(
                        "es",
                        &format!("texto número {p}"),
                        &[("title", "Título común")],
                    ),
                )
            })
            .collect();
        pages.insert(
            5,
            page(
                "/es/vacia/",
                record(
                    "es",
                    "___PAGEFIND_AUTO_WEIGHT___7 ___END_PAGEFIND_WEIGHT___",
                    &[("author", "Ana"), ("title", "Vacía")],
                ),
            ),
        );
        assert_same("es", &pages);
        let readers = Readers::new("es");
        let pages = unique(&pages);
        let merged = read_and_merge("es", &pages, &borrowed, &readers, Out::Memory).expect("read");
        assert_eq!(
            merged.fields,
            vec!["title".to_string()],
            "the page without words is left out"
        );
    }

    /// Fields are numbered as they are first seen, batch by batch: fields
    /// first seen in a later batch, out of Pagefind's (sorted) order, are
    /// renumbered with every word's metadata locations, as Pagefind
    /// numbers them having read all the pages.
    #[test]
    fn fields_first_seen_in_a_later_batch_are_numbered_as_pagefind_numbers_them() {
        let pages: Vec<(String, Record)> = (0..BATCH * 2 + 5)
            .map(|p| {
                let title = format!("Título {} común", p % 7);
                let alt = format!("gráfico {p} común");
                let mut meta = vec![("title", title.as_str())];
                if p > BATCH {
                    meta.push(("image_alt", &alt));
                    meta.push(("image", "/es/g.png"));
                }
                if p == BATCH * 2 + 1 {
                    meta.push(("author", "Ana común"));
                }
                page(
                    &format!("/es/{p}/"),
                    record("es", &format!("texto común número {p}"), &meta),
                )
            })
            .collect();
        let readers = Readers::new("es");
        let unique = unique(&pages);
        let merged = read_and_merge("es", &unique, &borrowed, &readers, Out::Memory).expect("read");
        assert_eq!(merged.fields, ["title", "image", "image_alt", "author"]);
        assert_same("es", &pages);
    }

    /// The first error reading a page's record stops the indexing.
    #[test]
    fn an_error_reading_a_record_is_the_indexings_error() {
        let pages: Vec<(String, usize)> =
            (0..BATCH + 2).map(|p| (format!("/es/{p}/"), p)).collect();
        let made = index("es", &pages, "1.6.0", Out::Memory, |_, &p| {
            if p == BATCH + 1 {
                Err(Unwritten(format!("page {p} unreadable")))
            } else {
                Ok(Cow::Owned(record("es", "texto", &[])))
            }
        });
        assert_eq!(
            made.err().map(|e| e.0),
            Some(format!("page {} unreadable", BATCH + 1))
        );
    }

    /// Written into a folder, a language's files are the ones kept in
    /// memory, each file kept as its path; a folder that cannot take them
    /// is the indexing's error, naming the file.
    #[test]
    fn files_written_as_made_are_the_files_kept_in_memory() {
        let pages: Vec<(String, Record)> = (0..BATCH + 3)
            .map(|p| {
                page(
                    &format!("/es/{p}/"),
                    record("es", &format!("jardín {p} árbol"), &[]),
                )
            })
            .collect();
        let in_memory = index_records("es", &pages, "1.6.0").expect("indexed");
        let dir = tempfile::tempdir().unwrap();
        let written = index("es", &pages, "1.6.0", Out::Folder(dir.path()), borrowed)
            .expect("written")
            .expect("indexed");
        assert_eq!(written.hash, in_memory.hash);
        assert_eq!(written.files.len(), in_memory.files.len());
        for ((path, data), (same, kept)) in written.files.iter().zip(&in_memory.files) {
            assert_eq!(path, same);
            assert_eq!(data, &Data::Written(dir.path().join(path)));
            assert_eq!(data.read().unwrap(), kept.read().unwrap(), "{path}");
        }
        let file = dir.path().join("a-file");
        std::fs::write(&file, "not a folder").unwrap();
        let failed = index("es", &pages, "1.6.0", Out::Folder(&file), borrowed);
        let message = failed.err().expect("an error").0;
        assert!(message.contains("a-file"), "{message}");
    }

    /// Numbers of any size and sign come back from a held buffer.
    #[test]
    fn held_numbers_of_any_size_come_back() {
        let extremes = vec![i32::MIN, -1, 0, 1, 63, 64, 8191, 8192, i32::MAX, i32::MIN];
        let mut buffer = Vec::new();
        hold(
            &mut buffer,
            vec![PackedPage {
                page_number: i32::MAX as usize,
                locs: extremes.clone(),
                meta_locs: extremes.clone(),
            }],
        );
        let back: Vec<_> = held(&buffer).collect();
        assert_eq!(back, [(i32::MAX, extremes.clone(), extremes)]);
        let mut run = Vec::new();
        put_run(&mut run, &[1000, 1001, 1003]);
        assert_eq!(
            run.len(),
            5,
            "the count, 1000 in two bytes, then a byte each"
        );
    }

    /// A word's pages held in one buffer come back as they went in, with
    /// their metadata fields renumbered when asked, and count in their
    /// chunk's size as the pages themselves do.
    #[test]
    fn held_pages_come_back_as_they_went_in() {
        let pages = || {
            vec![
                PackedPage {
                    page_number: 0,
                    locs: vec![3, 1, -8, 40_000],
                    meta_locs: vec![],
                },
                PackedPage {
                    page_number: 7,
                    locs: vec![],
                    meta_locs: vec![-1, 0, 2, -3, 5],
                },
                PackedPage {
                    page_number: 130,
                    locs: vec![0],
                    meta_locs: vec![-2, 4],
                },
            ]
        };
        let mut held = Held::default();
        hold(&mut held.plain, pages());
        hold(&mut held.plain, Vec::new());
        held.variants.push(("Café".to_string(), Vec::new()));
        hold(&mut held.variants[0].1, pages().split_off(2));
        let back = unhold(&held.plain, None);
        let fields = |p: &[PackedPage]| {
            p.iter()
                .map(|p| (p.page_number, p.locs.clone(), p.meta_locs.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(&back), fields(&pages()));
        let size: usize = pages()
            .iter()
            .chain(&pages()[2..])
            .map(|p| p.locs.len() + p.meta_locs.len() + 1)
            .sum();
        assert_eq!(chunk_size(&held), size + 1, "and one for the variant");
        // Fields 0, 1, 2 become 2, 0, 1: each run moves with its field.
        let renumbered = unhold(&held.plain, Some(&[2, 0, 1]));
        assert_eq!(renumbered[1].meta_locs, vec![-2, 5, -3, 0, 2]);
        assert_eq!(renumbered[2].meta_locs, vec![-1, 4]);
    }

    #[test]
    fn pagefinds_hash_drops_leading_zeros() {
        // SHA-1 of "abc" is a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d.
        assert_eq!(full_hash(b"abc"), "a9993e36476816aba3e25717850c26c9cd0d89d");
        // SHA-1 of "" is da39a3ee 5e6b4b0d 3255bfef 95601890 afd80709.
        assert_eq!(full_hash(b""), "da39a3ee5e6b4bd3255bfef95601890afd879");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Pages made of tricky words in any order are indexed as
        /// Pagefind indexes them.
        #[test]
        fn any_page_is_indexed_as_pagefind_indexes_it(
            pages in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "educación", "Educación", "e-learning", "camelCase", "a.b.cD", "café",
                        "🎓", "x", "___PAGEFIND_AUTO_WEIGHT___5", "___PAGEFIND_WEIGHT___2",
                        "___END_PAGEFIND_WEIGHT___", "___PAGEFIND_WEIGHT___0", "ñandú",
                        "gobernanza", "sostenible.", "IA", "2026", "U.S.A.", "¿qué?", "—",
                    ]),
                    0..40,
                ),
                1..6,
            ),
            title in proptest::sample::select(vec!["", "Título", "Café con leche", "IA e-learning"]),
        ) {
            let pages: Vec<(String, Record)> = pages
                .iter()
                .enumerate()
                .map(|(i, words)| {
                    let meta: &[(&str, &str)] = if title.is_empty() { &[] } else { &[("title", title)] };
                    page(&format!("/es/{i}/"), record("es", &words.join(" "), meta))
                })
                .collect();
            let theirs = pagefinds(&pages);
            let ours = auls("es", &pages);
            prop_assert_eq!(ours, theirs);
        }
    }
}
