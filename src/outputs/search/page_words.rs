//! The words of one page, read from its record as Pagefind 1.6's
//! `parse_digest`, `tidy_meta_and_filters` and `parse_meta_words` read
//! them (`fossick/mod.rs`, MIT licence): each word of text with its
//! position and weight (from the `___PAGEFIND_…` markers of `digest`),
//! the words of the metadata by field, the text the fragment shows and
//! the anchors. `bundle` packs them into the index.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use pagefind_stem::Stemmer;
use regex::Regex;
use serde::Serialize;

use super::digest::Record;
use super::words::{self, Indexable};

/// Pagefind's weight of a word outside any weighted element (1.0 × 24).
const WEIGHT_MULTIPLIER: f32 = 24.0;
const WEIGHT_MAX: f32 = 10.0;

static PRIVATE_PAGEFIND: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("___PAGEFIND_[\\S]+\\s?").expect("regex"));

/// A word's occurrence on a page.
pub(super) struct Position {
    pub(super) position: u32,
    pub(super) weight: u8,
    pub(super) original: Option<String>,
}

/// A word's occurrence in a page's metadata.
pub(super) struct MetaPosition {
    pub(super) field: u16,
    pub(super) position: u32,
    pub(super) original: Option<String>,
}

/// A heading's anchor in a page's fragment (only from an explicit
/// `___PAGEFIND_ANCHOR___` marker: aula's digest makes none).
#[derive(Serialize)]
pub(super) struct Anchor {
    pub(super) element: String,
    pub(super) id: String,
    pub(super) text: String,
    pub(super) location: u32,
}

/// A page read: its words and what its fragment shows.
pub(super) struct Read<'a> {
    pub(super) url: &'a str,
    pub(super) words: HashMap<String, Vec<Position>>,
    pub(super) meta: BTreeMap<String, String>,
    pub(super) meta_words: HashMap<String, Vec<MetaPosition>>,
    pub(super) content: String,
    pub(super) anchors: Vec<Anchor>,
    pub(super) word_count: usize,
}

/// The words of one page's record (Pagefind's `parse_digest`,
/// `tidy_meta_and_filters` and `parse_meta_words`), with the words of
/// text already seen on this thread taken from `known`.
pub(super) fn read<'a>(
    url: &'a str,
    record: &Record,
    stemmer: Option<&Stemmer>,
    known: &mut HashMap<String, Vec<Indexable>>,
) -> Read<'a> {
    let mut map: HashMap<String, Vec<Position>> = HashMap::new();
    let mut anchors = Vec::new();
    let mut content = String::with_capacity(record.content.len());
    let mut total: usize = 0;
    let mut weights = Weights(vec![WEIGHT_MULTIPLIER as u8]);
    for word in record.content.split_whitespace() {
        if word.starts_with('_') {
            if let Some(rest) = word.strip_prefix("___PAGEFIND_ANCHOR___") {
                anchors.extend(anchor(rest, total as u32));
                continue;
            }
            if weights.marker(word) {
                continue;
            }
        }
        let base = if word.contains('\u{200B}') {
            std::borrow::Cow::Owned(word.replace('\u{200B}', ""))
        } else {
            std::borrow::Cow::Borrowed(word)
        };
        if base.is_empty() {
            continue;
        }
        content.push_str(&base);
        content.push(' ');
        let indexable = match known.get(&*base) {
            Some(found) => found,
            None => known
                .entry(base.to_string())
                .or_insert_with(|| words::of_word(&base, stemmer)),
        };
        add(&mut map, indexable, total as u32, weights.current());
        total += 1;
    }
    if content.ends_with(' ') {
        content.pop();
    }
    let meta: BTreeMap<String, String> = record
        .meta
        .iter()
        .map(|(k, v)| (k.clone(), PRIVATE_PAGEFIND.replace_all(v, "").into_owned()))
        .collect();
    Read {
        url,
        words: map,
        meta_words: meta_words(&meta, stemmer),
        meta,
        content,
        anchors,
        // Pagefind counts one word on a page without any.
        word_count: total.max(1),
    }
}

/// The weights of the elements the reading is in (Pagefind's weight
/// stack): the last is the current one.
struct Weights(Vec<u8>);

impl Weights {
    /// Opens or closes a weighted element when `word` is one of the
    /// digest's weight markers (and says whether it was).
    fn marker(&mut self, word: &str) -> bool {
        const WEIGHT: &str = "___PAGEFIND_WEIGHT___";
        const AUTO: &str = "___PAGEFIND_AUTO_WEIGHT___";
        if word.starts_with(WEIGHT) {
            let w = parse_weight(word, WEIGHT);
            self.0.push(if w <= 0.0 {
                0
            } else {
                ((w.clamp(0.0, WEIGHT_MAX) * WEIGHT_MULTIPLIER) as u8).max(1)
            });
        } else if word.starts_with(AUTO) {
            // An automatic (heading) weight only applies outside an
            // explicitly weighted element, whose weight it inherits.
            let w = if self.0.len() == 1 {
                (parse_weight(word, AUTO).clamp(0.0, WEIGHT_MAX) * WEIGHT_MULTIPLIER) as u8
            } else {
                self.0.last().copied().unwrap_or_default()
            };
            self.0.push(w);
        } else if word.starts_with("___END_PAGEFIND_WEIGHT___") {
            self.0.pop();
        } else {
            return false;
        }
        true
    }

    /// The current weight (1 when more elements were closed than opened).
    fn current(&self) -> u8 {
        self.0.last().copied().unwrap_or(1)
    }
}

/// A marker's weight as Pagefind reads it: every copy of `prefix`
/// removed, 1 when the rest is not a number.
fn parse_weight(marker: &str, prefix: &str) -> f32 {
    marker.replace(prefix, "").parse().unwrap_or(1.0)
}

/// The anchor of a `___PAGEFIND_ANCHOR___<element>:<n>:<id>` marker at
/// word `location`.
fn anchor(rest: &str, location: u32) -> Option<Anchor> {
    let rest = rest.replace("___PAGEFIND_ANCHOR___", "");
    let (element, id) = rest.split_once(':')?;
    let (_, element_id) = id.split_once(':')?;
    Some(Anchor {
        element: element.to_string(),
        id: element_id.to_string(),
        text: String::new(),
        location,
    })
}

/// Adds the entries of one word of text at `position`: a compound word's
/// parts share its weight among them (at least 1, none for weight 0).
fn add(
    map: &mut HashMap<String, Vec<Position>>,
    indexable: &[Indexable],
    position: u32,
    weight: u8,
) {
    let compounds = indexable.iter().filter(|w| w.is_compound_part).count();
    let partial = if compounds > 0 && weight > 0 {
        (weight / u8::try_from(compounds).unwrap_or(u8::MAX)).max(1)
    } else {
        0
    };
    for w in indexable {
        let at = Position {
            position,
            weight: if w.is_compound_part { partial } else { weight },
            original: w.original.clone(),
        };
        match map.get_mut(&w.stemmed) {
            Some(all) => all.push(at),
            None => {
                map.insert(w.stemmed.clone(), vec![at]);
            }
        }
    }
}

/// The words of the metadata, by field (in the fields' order) and
/// position within the field.
fn meta_words(
    meta: &BTreeMap<String, String>,
    stemmer: Option<&Stemmer>,
) -> HashMap<String, Vec<MetaPosition>> {
    let mut out: HashMap<String, Vec<MetaPosition>> = HashMap::new();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for w in words::indexable(word, stemmer) {
                out.entry(w.stemmed).or_default().push(MetaPosition {
                    field: field as u16,
                    position: position as u32,
                    original: w.original,
                });
            }
        }
    }
    out
}
