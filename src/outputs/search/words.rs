//! The words Pagefind indexes for one word of text: Pagefind 1.6's rules
//! (`fossick/splitting.rs` and the stemmer choice of `fossick/mod.rs`,
//! MIT licence), ported so that aula can write the index itself
//! (`bundle`). The browser side of Pagefind stems and normalises a query
//! with the same rules, so they must not drift: the equality test in
//! `bundle` compares aula's index with the one Pagefind makes.
//!
//! A word of text (what `split_whitespace` gives) becomes its normalised,
//! diacritics-free, stemmed form; a compound word (`e-learning`,
//! `camelCase`, `sysconfig.is_python_build`) also gives its parts; emoji
//! and katakana runs give their own entries. The result depends only on
//! the word and the language, so `bundle` keeps it per distinct word.

use std::collections::HashSet;
use std::sync::LazyLock;

use convert_case::{Case, Casing};
use pagefind_stem::{Algorithm, Stemmer};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

const MAX_KATAKANA_SUFFIX_CHARS: usize = 16;
const MAX_DOTTED_TAIL_CHARS: usize = 64;

/// Symbols that count as part of a word (Unicode "Punctuation,
/// Connector"): Pagefind's `include_characters` when none are configured.
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

static EMOJI: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\p{Emoji}").expect("regex"));

/// One entry a word of text adds to the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indexable {
    /// The form looked up: normalised, without diacritics, stemmed.
    pub stemmed: String,
    /// A part of a compound word (weighted as a share of the word).
    pub is_compound_part: bool,
    /// The word before its diacritics were removed, when they were.
    pub original: Option<String>,
}

/// Pagefind's stemmer for a language code (`pt-BR` uses `pt`'s), if it has
/// one.
pub fn stemmer(lang: &str) -> Option<Stemmer> {
    let algorithm = match lang.split('-').next().unwrap_or_default() {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "ne" => Algorithm::Nepali,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "pl" => Algorithm::Polish,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Everything one word of text is indexed under: the word itself, then
/// katakana suffixes, compound parts, emoji, and the compound tails after
/// dots (Pagefind's `get_indexable_words` followed by `get_dotted_tails`).
pub fn of_word(raw: &str, stemmer: Option<&Stemmer>) -> Vec<Indexable> {
    let mut words = indexable(raw, stemmer);
    let tails = dotted_tails(raw, stemmer, &words);
    words.extend(tails);
    words
}

/// Pagefind's `get_indexable_words`: also what a word of metadata is
/// indexed under.
pub fn indexable(raw: &str, stemmer: Option<&Stemmer>) -> Vec<Indexable> {
    let mut results = Vec::new();
    let normalized = normalize_word(raw);
    if !normalized.is_empty() {
        results.push(stem_word(&normalized, stemmer, false));
    }
    for suffix in katakana_suffixes(raw) {
        let plain = normalize_diacritics(suffix);
        results.push(Indexable {
            stemmed: plain.clone().unwrap_or_else(|| suffix.to_string()),
            original: plain.map(|_| suffix.to_string()),
            is_compound_part: true,
        });
    }
    let possibly_compound =
        raw.chars().any(|c| !c.is_alphanumeric()) || raw.chars().skip(1).any(char::is_uppercase);
    if !possibly_compound {
        return results;
    }
    let (parts, extras) = discrete_words(raw);
    if !normalized.is_empty()
        && (parts.contains(char::is_whitespace) || !normalized.starts_with(&parts))
    {
        for part in parts.split_whitespace().filter(|w| w.len() > 1) {
            let plain = normalize_diacritics(part);
            let stemmed = match stemmer {
                Some(s) => s.stem(plain.as_deref().unwrap_or(part)).into_owned(),
                None => plain.clone().unwrap_or_else(|| part.to_string()),
            };
            results.push(Indexable {
                stemmed,
                original: plain.map(|_| part.to_string()),
                is_compound_part: true,
            });
        }
    }
    for extra in extras.into_iter().flatten() {
        results.push(Indexable {
            stemmed: extra,
            original: None,
            is_compound_part: false,
        });
    }
    results
}

/// The compound tails after each dot of a word (`is_python_build` of
/// `sysconfig.is_python_build`) not already among `existing`.
fn dotted_tails(raw: &str, stemmer: Option<&Stemmer>, existing: &[Indexable]) -> Vec<Indexable> {
    let mut tails = Vec::new();
    if !raw.contains('.') {
        return tails;
    }
    let seen: HashSet<&str> = existing.iter().map(|w| w.stemmed.as_str()).collect();
    let mut seen_tails: HashSet<String> = HashSet::new();
    for (i, _) in raw.match_indices('.') {
        let rest = &raw[i + 1..];
        let tail = match rest.char_indices().nth(MAX_DOTTED_TAIL_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let compound = tail.chars().any(|c| !c.is_alphanumeric())
            || tail.chars().skip(1).any(char::is_uppercase);
        if !compound {
            continue;
        }
        let normalized = normalize_word(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let word = stem_word(&normalized, stemmer, true);
        if !seen.contains(word.stemmed.as_str()) && seen_tails.insert(word.stemmed.clone()) {
            tails.push(word);
        }
    }
    tails
}

/// Letters and digits (and [`WORD_SYMBOLS`]) in lower case.
fn normalize_word(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for mut c in raw.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            c.make_ascii_lowercase();
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
    out
}

fn stem_word(normalized: &str, stemmer: Option<&Stemmer>, is_compound_part: bool) -> Indexable {
    let plain = normalize_diacritics(normalized);
    let stemmed = match stemmer {
        Some(s) => s.stem(plain.as_deref().unwrap_or(normalized)).into_owned(),
        None => plain.clone().unwrap_or_else(|| normalized.to_string()),
    };
    Indexable {
        stemmed,
        original: plain.map(|_| normalized.to_string()),
        is_compound_part,
    }
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

/// Every suffix of a katakana run (Pagefind indexes them so that a query
/// for a part of the run is found by prefix).
fn katakana_suffixes(word: &str) -> Vec<&str> {
    if word.chars().count() < 3 || !word.chars().all(is_katakana) {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut suffixes = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(MAX_KATAKANA_SUFFIX_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && seen.insert(suffix) {
            suffixes.push(suffix);
        }
    }
    suffixes
}

/// The word without its diacritics (`café` → `cafe`), when it had any.
/// Kana voiced sound marks are kept (they tell words apart).
fn normalize_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    let stripped: String = word
        .nfd()
        .filter(|c| {
            !unicode_normalization::char::is_combining_mark(*c)
                || matches!(*c, '\u{3099}' | '\u{309A}')
        })
        .collect();
    let normalized = if stripped
        .chars()
        .any(|c| matches!(c, '\u{3099}' | '\u{309A}'))
    {
        stripped.nfc().collect::<String>()
    } else {
        stripped
    };
    (normalized != word).then_some(normalized)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        unicode_normalization::char::is_combining_mark(c) || {
            let mut decomposes = false;
            unicode_normalization::char::decompose_canonical(c, |part| {
                decomposes = decomposes || part != c;
            });
            decomposes
        }
    })
}

/// The parts of a compound word, in lower case and separated by spaces,
/// and its emoji.
fn discrete_words(s: &str) -> (String, Option<Vec<String>>) {
    let words = s
        .replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let extras = EMOJI.is_match(s).then(|| {
        s.graphemes(true)
            .filter(|g| emojis::get(g).is_some())
            .map(str::to_string)
            .collect()
    });
    (words, extras)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(raw: &str, lang: &str) -> Vec<String> {
        of_word(raw, stemmer(lang).as_ref())
            .into_iter()
            .map(|w| w.stemmed)
            .collect()
    }

    #[test]
    fn a_word_is_lowercased_stemmed_and_loses_its_diacritics() {
        let words = of_word("Educación,", stemmer("es").as_ref());
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].stemmed, "educ");
        assert_eq!(words[0].original.as_deref(), Some("educación"));
        assert!(!words[0].is_compound_part);
        assert_eq!(stems("teaching", "en"), ["teach"]);
    }

    #[test]
    fn compound_words_give_their_parts() {
        assert_eq!(stems("e-learning", "en"), ["elearn", "learn"]);
        assert_eq!(stems("camelCase", "en"), ["camelcas", "camel", "case"]);
        let dotted = stems("sysconfig.is_python_build", "en");
        assert!(
            dotted.contains(&"is_python_build".to_string()),
            "{dotted:?}"
        );
    }

    #[test]
    fn languages_without_a_stemmer_keep_the_word() {
        assert!(stemmer("gn").is_none());
        assert_eq!(stems("Teaching", "gn"), ["teaching"]);
        assert!(stemmer("pt-BR").is_some());
    }

    #[test]
    fn emoji_and_katakana_are_indexed() {
        assert!(stems("🎓", "es").contains(&"🎓".to_string()));
        assert!(stems("カタカナ", "ja").contains(&"タカナ".to_string()));
    }
}
