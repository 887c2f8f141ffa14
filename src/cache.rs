//! Memory of the previous build, so the next one redoes only what changed.
//!
//! Nothing here decides *what* depends on what by watching files: every
//! cached result is stored under a fingerprint of all the data it was made
//! from, and reused only when the new build computes the same fingerprint.
//! A full build is simply a build with an empty cache, so incremental and
//! full builds run the same code and give the same bytes.

use crate::highlight::Highlighter;
use crate::i18n::I18n;
use crate::markdown::Rendered;
use crate::render::Renderer;
use crate::theme::Theme;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Parsed theme, strings and templates, kept while the theme's files are
/// unchanged.
pub struct ThemeState {
    pub fingerprint: u64,
    pub theme: Theme,
    pub i18n: Arc<I18n>,
    pub renderer: Renderer,
}

/// A page's identity across builds: its output folder (`es/cursos/x`).
pub type PageKey = String;

/// A cached result with the fingerprint of the inputs that made it.
pub type Fingerprinted<T> = (u64, T);

/// Results of the previous build, by page output folder.
#[derive(Default)]
pub struct Cache {
    /// Kept across builds: it caches highlighted code blocks itself.
    pub highlighter: Highlighter,
    pub theme: Option<ThemeState>,
    pub markdown: HashMap<PageKey, Fingerprinted<Arc<Rendered>>>,
    pub pages: HashMap<PageKey, Fingerprinted<Arc<[u8]>>>,
    /// Translation source hash by document fingerprint.
    pub source_hashes: HashMap<u64, String>,
    /// Parsed content files, reused while their metadata is unchanged.
    pub content: crate::content::ReadCache,
    /// Pages outside the language tree (chooser, 404, status) by output path.
    pub root_pages: HashMap<&'static str, Fingerprinted<Arc<[u8]>>>,
}

/// An in-process fingerprint of anything hashable (not stable across
/// runs; never written anywhere).
pub fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A fingerprint of a serialisable value (template context parts).
pub fn fingerprint_serialized<T: serde::Serialize + ?Sized>(value: &T) -> u64 {
    struct HashWriter(std::hash::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = HashWriter(std::hash::DefaultHasher::new());
    // Through serde_json's sorted maps: tera's maps iterate in a random
    // order, which must not change the fingerprint. Serialising our own
    // types cannot fail; if it did, a unique fingerprint forces a render.
    let sorted = serde_json::to_value(value);
    if sorted
        .and_then(|v| serde_json::to_writer(&mut w, &v))
        .is_err()
    {
        w.0.write_u64(rand_like());
    }
    w.0.finish()
}

/// A value that differs between calls, to defeat the cache on failure.
fn rand_like() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
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
