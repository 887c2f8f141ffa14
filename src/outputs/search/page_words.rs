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
    let mut max = 0;
    let mut weights: Vec<u8> = vec![WEIGHT_MULTIPLIER as u8];
    for word in record.content.split_whitespace() {
        if word.starts_with('_') {
            if let Some(rest) = word.strip_prefix("___PAGEFIND_ANCHOR___") {
                if let Some((element, id)) =
                    rest.replace("___PAGEFIND_ANCHOR___", "").split_once(':')
                    && let Some((_, element_id)) = id.split_once(':')
                {
                    anchors.push(Anchor {
                        element: element.to_string(),
                        id: element_id.to_string(),
                        text: String::new(),
                        location: total as u32,
                    });
                }
                continue;
            }
            if word.starts_with("___PAGEFIND_WEIGHT___") {
                let w = word
                    .replace("___PAGEFIND_WEIGHT___", "")
                    .parse::<f32>()
                    .unwrap_or(1.0);
                weights.push(if w <= 0.0 {
                    0
                } else {
                    ((w.clamp(0.0, WEIGHT_MAX) * WEIGHT_MULTIPLIER) as u8).max(1)
                });
                continue;
            }
            if word.starts_with("___PAGEFIND_AUTO_WEIGHT___") {
                let w = if weights.len() == 1 {
                    let w = word
                        .replace("___PAGEFIND_AUTO_WEIGHT___", "")
                        .parse::<f32>()
                        .unwrap_or(1.0);
                    (w.clamp(0.0, WEIGHT_MAX) * WEIGHT_MULTIPLIER) as u8
                } else {
                    weights.last().copied().unwrap_or_default()
                };
                weights.push(w);
                continue;
            }
            if word.starts_with("___END_PAGEFIND_WEIGHT___") {
                weights.pop();
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
        let weight = *weights.last().unwrap_or(&1);
        let indexable = match known.get(&*base) {
            Some(found) => found,
            None => known
                .entry(base.to_string())
                .or_insert_with(|| words::of_word(&base, stemmer)),
        };
        let compounds = indexable.iter().filter(|w| w.is_compound_part).count();
        let partial = if compounds > 0 && weight > 0 {
            (weight / u8::try_from(compounds).unwrap_or(u8::MAX)).max(1)
        } else {
            0
        };
        for w in indexable {
            let position = Position {
                position: total as u32,
                weight: if w.is_compound_part { partial } else { weight },
                original: w.original.clone(),
            };
            match map.get_mut(&w.stemmed) {
                Some(all) => all.push(position),
                None => {
                    map.insert(w.stemmed.clone(), vec![position]);
                }
            }
        }
        max = total;
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
    let mut meta_words: HashMap<String, Vec<MetaPosition>> = HashMap::new();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for w in words::indexable(word, stemmer) {
                meta_words.entry(w.stemmed).or_default().push(MetaPosition {
                    field: field as u16,
                    position: position as u32,
                    original: w.original,
                });
            }
        }
    }
    Read {
        url,
        words: map,
        meta,
        meta_words,
        content,
        anchors,
        word_count: max + 1,
    }
}
