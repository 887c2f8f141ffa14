//! Memory of the previous build, so the next one redoes only what changed:
//! the theme layer, one [`Memo`] per kind of result, the read cache.
//!
//! Nothing here decides *what* depends on what by watching files: every
//! cached result is made through [`Memo::get_or_make`] (see
//! [`crate::memo`]). A full build is a build with an empty cache, so
//! incremental and full builds run the same code and give the same bytes.
//! Holds values; never renders, never reads files.

use crate::config::Config;
use crate::highlight::Highlighter;
use crate::i18n::I18n;
use crate::markdown::Rendered;
pub use crate::memo::{Entry, Memo, fingerprint, fingerprint_serialized};
use crate::render::Renderer;
use crate::theme::Theme;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Parsed theme, strings and templates, kept while their inputs are
/// unchanged.
pub struct ThemeState {
    pub theme: Theme,
    pub i18n: Arc<I18n>,
    pub renderer: Renderer,
}

/// Results of the previous build.
#[derive(Default)]
pub struct Cache {
    /// Kept across builds: it caches highlighted code blocks itself.
    pub highlighter: Highlighter,
    /// The theme layer and the fingerprint of its inputs.
    pub theme: Option<(u64, ThemeState)>,
    pub markdown: Memo<Arc<Rendered>>,
    pub pages: Memo<Arc<[u8]>>,
    /// Pages outside the language tree (chooser, 404, status) by output path.
    pub root_pages: Memo<Arc<[u8]>>,
    /// The search bundle, under the fingerprint of the indexed pages.
    pub search: Memo<crate::outputs::search::Bundle>,
    /// Translation source hash by document fingerprint.
    pub source_hashes: HashMap<u64, String>,
    /// Parsed content files, reused while they are unchanged.
    pub content: crate::content::ReadCache,
    /// Resized images (on disk, and in memory for `aula serve`); `None`
    /// until the first build knows the site's root.
    pub images: Option<crate::images::Cache>,
    /// What the passes over the finished files (minify, fingerprint,
    /// measure, precompress) made, by the bytes they made it from.
    pub passes: super::passes::Memory,
    /// What the last good build left for quick updates (`aula serve`).
    pub(super) last: Option<super::quick::Last>,
}

/// How much work a `Session` has done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Builds that assembled the site (every build but a quick update).
    pub builds: usize,
    /// Quick updates: the last site kept, only changed pages rendered.
    pub quick: usize,
    /// Updates that could not be quick and took a build.
    pub fallbacks: usize,
    /// Content files read from disk.
    pub files_read: usize,
}

/// Fingerprint of the parsed configuration and the build options: what
/// every page may depend on outside its own file.
pub fn config_fingerprint(config: &Config, drafts: bool, links: crate::site::LinkStyle) -> u64 {
    fingerprint(&(config, drafts, links))
}

/// Fingerprint of everything the theme layer provides.
pub fn theme_fingerprint(theme: &Theme) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for (name, file) in &theme.templates {
        name.hash(&mut h);
        file.text.hash(&mut h);
    }
    for (lang, file) in &theme.locales {
        lang.hash(&mut h);
        file.text.hash(&mut h);
    }
    for (name, bytes) in &theme.statics {
        name.hash(&mut h);
        bytes.hash(&mut h);
    }
    h.finish()
}
