//! Pages with no file of their own in their language: a home or section
//! list that `content/` lacks (generated), and, under the `notice`
//! policy, a page missing in a language, shown there with another
//! translation's text (fallback). Both are [`PageSource`] variants that
//! point at the real document, never copies dressed up as files.

use super::{Page, PageSource};
use crate::config::{Config, Missing};
use crate::content::{Kind, Section};
use std::collections::{BTreeMap, BTreeSet};

/// Adds a home and section list page for every language that lacks one.
pub(super) fn add_generated(config: &Config, pages: &mut Vec<Page>) {
    let existing: BTreeSet<(String, String)> = pages
        .iter()
        .map(|p| (p.key.clone(), p.lang.clone()))
        .collect();
    for lang in &config.languages {
        let keys = std::iter::once(("_index".to_string(), Kind::Home)).chain(
            Section::ALL
                .iter()
                .map(|s| (format!("{}/_index", s.folder()), Kind::Section)),
        );
        for (key, kind) in keys {
            if !existing.contains(&(key.clone(), lang.code.clone())) {
                pages.push(Page::new(
                    PageSource::Generated,
                    key,
                    lang.code.clone(),
                    kind,
                ));
            }
        }
    }
}

/// Under the `notice` policy, adds for every page missing in a language a
/// page showing its first available translation along that language's
/// fallback chain.
pub(super) fn add_fallbacks(config: &Config, pages: &mut Vec<Page>) {
    let mut by_key: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        by_key
            .entry(p.key.as_str())
            .or_default()
            .insert(p.lang.as_str(), i);
    }
    let mut added = Vec::new();
    for (key, langs) in &by_key {
        if config.policy(Section::of_key(key)) != Missing::Notice {
            continue;
        }
        for lang in &config.languages {
            if langs.contains_key(lang.code.as_str()) {
                continue;
            }
            let Some(&src) = lang.fallback.iter().find_map(|l| langs.get(l.as_str())) else {
                continue;
            };
            let PageSource::File(doc) = &pages[src].source else {
                continue;
            };
            added.push(Page::new(
                PageSource::Fallback(std::sync::Arc::clone(doc)),
                key.to_string(),
                lang.code.clone(),
                pages[src].kind,
            ));
        }
    }
    pages.extend(added);
}
