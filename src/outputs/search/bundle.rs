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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::sync::Arc;

use minicbor::Encode;
use rayon::prelude::*;
use serde::Serialize;
use sha1::{Digest, Sha1};

use super::digest::Record;
use super::page_words::{Anchor, MetaPosition, Position, Read, read};
use super::words::{self, Indexable};
use super::{BUNDLE, Named};
use pagefind_stem::Stemmer;

/// Pagefind's word index chunk size, in locations.
const CHUNK_SIZE: usize = 20_000;

/// gzip level of every file (Pagefind uses 9).
const LEVEL: u32 = 6;

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
    gz: Arc<[u8]>,
    word_count: usize,
}

/// A fragment to write: its short hash (its name), gzipped JSON and word
/// count.
struct FragmentFile {
    name: String,
    gz: Arc<[u8]>,
    word_count: usize,
}

/// Pages read and packed at a time: each batch's words are merged into
/// the language's index before the next batch is read, so indexing never
/// holds every page's words at once (as read, then as packed), only the
/// merged index and one batch: the search stage's peak at 3,162 pages
/// fell from 349 to below the build's 314 MiB (`--verbose`).
const BATCH: usize = 128;

/// The index of one language's pages (URL from the site root, record), for
/// Pagefind `version`; `None` when no page has a word to index.
pub fn index(language: &str, pages: &[(String, Record)], version: &str) -> Option<Indexed> {
    let pages = unique(pages);
    // Pagefind numbers the metadata fields of the pages with words; each
    // page's words are packed with those numbers. Every page's fields are
    // the guess (the same set, unless a page without words has a field of
    // its own), checked after reading, and read again with the fields
    // found when they differ.
    let guess: Vec<String> = pages
        .iter()
        .flat_map(|(_, record)| record.meta.keys().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let readers = Readers::new(language);
    let (mut merged, found) = read_and_merge(language, &pages, &guess, &readers);
    let meta_fields = if found == guess {
        guess
    } else {
        merged = read_and_merge(language, &pages, &found, &readers).0;
        found
    };
    if merged.fragments.is_empty() {
        return None;
    }
    let (word_map, fragments) = merged.finish();
    let (index_chunks, mut index_files) = word_index(word_map, language);
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
        meta_fields,
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
    let mut files: Vec<(String, Arc<[u8]>)> = fragments
        .into_iter()
        .map(|f| {
            let path = format!("{BUNDLE}/fragment/{}.pf_fragment", f.name);
            (path, f.gz)
        })
        .collect();
    index_files.push((format!("{BUNDLE}/pagefind.{meta_hash}.pf_meta"), meta_bytes));
    files.par_extend(
        index_files
            .into_par_iter()
            .map(|(path, bytes)| (path, Arc::from(gzip(&bytes)))),
    );
    Some(Indexed {
        files,
        hash: meta_hash,
        page_count,
    })
}

/// Each URL once: a URL given twice keeps the later record at the earlier
/// place, as Pagefind does.
fn unique(pages: &[(String, Record)]) -> Vec<&(String, Record)> {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut unique: Vec<&(String, Record)> = Vec::with_capacity(pages.len());
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

/// Each batch of `pages` read (with the readers' stemmers and words
/// already seen), packed with `meta_fields` and merged in page order;
/// and the metadata fields of the pages with words.
fn read_and_merge(
    language: &str,
    pages: &[&(String, Record)],
    meta_fields: &[String],
    readers: &Readers,
) -> (Merged, Vec<String>) {
    let mut merged = Merged::default();
    let mut found = BTreeSet::new();
    for batch in pages.chunks(BATCH) {
        let read: Vec<Read> = batch
            .par_iter()
            .map(|(url, record)| readers.with(|stemmer, known| read(url, record, stemmer, known)))
            .filter(|r| !r.words.is_empty())
            .collect();
        found.extend(read.iter().flat_map(|r| r.meta.keys().cloned()));
        let first = merged.fragments.len();
        let packed: Vec<Packed> = read
            .into_par_iter()
            .enumerate()
            .map(|(number, r)| pack(first + number, r, meta_fields, language))
            .collect();
        merged.add(packed, language);
    }
    (merged, found.into_iter().collect())
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
    word_map: HashMap<String, PackedWord>,
    names: HashSet<String>,
    fragments: Vec<FragmentFile>,
}

impl Merged {
    /// Adds the next pages, in order.
    fn add(&mut self, packed: Vec<Packed>, language: &str) {
        for page in packed {
            for (word, entry) in page.words {
                match self.word_map.entry(word) {
                    std::collections::hash_map::Entry::Occupied(mut e) => {
                        let all = e.get_mut();
                        all.pages.extend(entry.pages);
                        for variant in entry.additional_variants {
                            all.variant(variant.form).pages.extend(variant.pages);
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(entry);
                    }
                }
            }
            let hash = page.hash;
            let mut len = language.len() + 8;
            while self.names.contains(&hash[..len]) && len < hash.len() {
                len += 1;
            }
            self.names.insert(hash[..len].to_string());
            self.fragments.push(FragmentFile {
                name: hash[..len].to_string(),
                gz: page.gz,
                word_count: page.word_count,
            });
        }
    }

    /// The word map with each word's pages in page order, and the fragments.
    fn finish(mut self) -> (HashMap<String, PackedWord>, Vec<FragmentFile>) {
        for word in self.word_map.values_mut() {
            word.pages.sort_by_key(|p| p.page_number);
            for variant in &mut word.additional_variants {
                variant.pages.sort_by_key(|p| p.page_number);
            }
        }
        (self.word_map, self.fragments)
    }
}

/// The word index in chunks: their entries in the metadata file and the
/// chunk files (path, bytes).
fn word_index(
    word_map: HashMap<String, PackedWord>,
    language: &str,
) -> (Vec<MetaChunk>, Vec<(String, Vec<u8>)>) {
    let chunks = chunk_index(word_map);
    let mut meta = chunk_meta(&chunks);
    let encoded: Vec<(Vec<u8>, String)> = chunks
        .into_par_iter()
        .map(|chunk| {
            let mut bytes = Vec::new();
            let _ = minicbor::encode(
                WordIndex {
                    words: delta(chunk),
                },
                &mut bytes,
            );
            let hash = format!("{language}_{}", full_hash(&bytes));
            (bytes, hash)
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
        gz: gzip(json.as_bytes()).into(),
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
fn chunk_index(word_map: HashMap<String, PackedWord>) -> Vec<Vec<PackedWord>> {
    let mut words: Vec<PackedWord> = word_map.into_values().collect();
    words.sort_by(|a, b| a.word.cmp(&b.word));
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    let mut size = 0;
    for word in words {
        size += word
            .pages
            .iter()
            .chain(word.additional_variants.iter().flat_map(|v| &v.pages))
            .map(|p| p.locs.len() + p.meta_locs.len() + 1)
            .sum::<usize>()
            + word.additional_variants.len();
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
fn chunk_meta(chunks: &[Vec<PackedWord>]) -> Vec<MetaChunk> {
    let mut named: Vec<MetaChunk> = chunks
        .iter()
        .map(|c| MetaChunk {
            from: c.first().map_or(String::new(), |w| w.word.clone()),
            to: c.last().map_or(String::new(), |w| w.word.clone()),
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
        index(language, pages, "1.6.0")
            .map(|i| i.files)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, bytes)| (name, gunzip(&bytes)))
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
    /// field that only a page without words has (the guess) is read again
    /// without it.
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
        let fields = vec!["author".to_string(), "title".to_string()];
        let (_, found) = read_and_merge("es", &pages, &fields, &readers);
        assert_eq!(
            found,
            vec!["title".to_string()],
            "the page without words is left out"
        );
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
