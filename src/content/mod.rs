//! Content: from the files under `content/` to parsed [`Document`]s.
//!
//! Walks the folder once, classifies each Markdown file by its place (the
//! table in DESIGN.md §2), splits and parses its front matter, and keeps
//! the list of other files as assets. Reading happens in parallel; the
//! result is sorted, so nothing downstream depends on walk or thread order.
//! This stage only reads.

pub mod front;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use front::FrontMatter;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What a page is, decided by where its file sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Home,
    /// The list page of a section: `courses/_index.md` and friends.
    Section,
    Course,
    Module,
    Guideline,
    Itinerary,
    Page,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Home => "home",
            Kind::Section => "section",
            Kind::Course => "course",
            Kind::Module => "module",
            Kind::Guideline => "guideline",
            Kind::Itinerary => "itinerary",
            Kind::Page => "page",
        }
    }
}

/// The sections with a translated URL segment.
pub const SECTIONS: [&str; 3] = ["courses", "guidelines", "itineraries"];

/// One Markdown file, read and parsed.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path shown in messages, relative to the site root (`content/…`).
    pub path: PathBuf,
    /// Translation key: the path inside `content/` without language suffix
    /// and extension (`courses/hybrid-teaching/01-first-steps`).
    pub key: String,
    pub lang: String,
    pub kind: Kind,
    pub front: FrontMatter,
    /// The whole file; the body is `source[body_start..]`.
    pub source: String,
    pub body_start: usize,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

impl Document {
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }

    /// Folder of the source file inside `content/` (`courses/x`), "" at the top.
    pub fn dir(&self) -> &str {
        self.key.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
    }
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Sorted by (key, lang).
    pub documents: Vec<Document>,
    /// Non-Markdown files, as paths relative to `content/` with `/`.
    pub assets: BTreeSet<String>,
}

/// Where a file sits, before reading it.
struct Source {
    abs: PathBuf,
    shown: PathBuf,
    key: String,
    lang: String,
    kind: Kind,
}

/// Reads and parses all of `content/`. Drafts are dropped unless `drafts`.
pub fn load(config: &Config, drafts: bool) -> Result<Content, Vec<Diagnostic>> {
    let dir = config.content_dir();
    let mut errors = Vec::new();
    let mut sources = Vec::new();
    let mut assets = BTreeSet::new();
    if !dir.is_dir() {
        return Err(vec![
            Diagnostic::error("no content/ folder").file(&config.root).help(
                "create content/_index.<lang>.md for the home page, or start from `aula new DIR`",
            ),
        ]);
    }
    let walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.clone());
                let help = if e.loop_ancestor().is_some() {
                    "a symbolic link points back to one of its own parent folders: remove it"
                } else {
                    "check that the file exists and that you may read it"
                };
                errors.push(
                    Diagnostic::error(format!("cannot read content: {e}"))
                        .file(shown(config, &path))
                        .help(help),
                );
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = match entry.path().strip_prefix(&dir) {
            Ok(r) => r.to_string_lossy().replace('\\', "/"),
            Err(_) => continue,
        };
        if !rel.ends_with(".md") {
            assets.insert(rel);
            continue;
        }
        match classify(config, &rel) {
            Ok((key, lang, kind)) => sources.push(Source {
                abs: entry.path().to_path_buf(),
                shown: shown(config, entry.path()),
                key,
                lang,
                kind,
            }),
            Err(d) => errors.push(d.file(shown(config, entry.path()))),
        }
    }

    let parsed: Vec<Result<Option<Document>, Diagnostic>> =
        sources.into_par_iter().map(|s| read(s, drafts)).collect();
    let mut documents = Vec::with_capacity(parsed.len());
    for r in parsed {
        match r {
            Ok(Some(doc)) => documents.push(doc),
            Ok(None) => {}
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    documents.sort_by(|a, b| (&a.key, &a.lang).cmp(&(&b.key, &b.lang)));
    Ok(Content { documents, assets })
}

fn shown(config: &Config, path: &Path) -> PathBuf {
    path.strip_prefix(&config.root)
        .unwrap_or(path)
        .to_path_buf()
}

fn read(s: Source, drafts: bool) -> Result<Option<Document>, Diagnostic> {
    let bytes = std::fs::read(&s.abs).map_err(|e| {
        Diagnostic::error(format!("cannot read file: {e}"))
            .file(&s.shown)
            .help("check that the file exists and that you may read it")
    })?;
    let source = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        let (line, col) = crate::diagnostic::line_col(&text, offset);
        Diagnostic::error(format!(
            "the file is not valid UTF-8 (first bad byte at offset {offset})"
        ))
        .file(&s.shown)
        .at(line, col, None)
        .help("save the file as UTF-8 in your editor")
    })?;
    let split = front::split(&source, &s.shown)?;
    let front = front::parse(&source, &split, s.kind, &s.shown)?;
    if front.draft && !drafts {
        return Ok(None);
    }
    Ok(Some(Document {
        path: s.shown,
        key: s.key,
        lang: s.lang,
        kind: s.kind,
        front,
        source,
        body_start: split.body_start,
        body_line: split.body_line,
    }))
}

/// Decides key, language and kind from a path inside `content/`.
fn classify(config: &Config, rel: &str) -> Result<(String, String, Kind), Diagnostic> {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let (key, lang) = split_language(config, stem)?;
    let parts: Vec<&str> = key.split('/').collect();
    let kind = match parts.as_slice() {
        ["_index"] => Kind::Home,
        [section, "_index"] if SECTIONS.contains(section) => Kind::Section,
        ["courses", _, "_index"] => Kind::Course,
        ["courses", _, _] => Kind::Module,
        ["courses", ..] => {
            return Err(Diagnostic::error(format!("`{rel}` is not a place a course file can be"))
                .help("a course is a folder courses/<course>/ with _index.<lang>.md and one file per module; modules cannot be nested deeper"));
        }
        ["guidelines", _] => Kind::Guideline,
        ["itineraries", _] => Kind::Itinerary,
        [section @ ("guidelines" | "itineraries"), _, ..] => {
            return Err(
                Diagnostic::error(format!("`{rel}` is nested inside {section}/"))
                    .help(format!("put the file directly in content/{section}/")),
            );
        }
        _ => Kind::Page,
    };
    Ok((key.to_string(), lang, kind))
}

/// Splits `name.es` into (`name`, `es`); a name without a language suffix
/// belongs to the default language. A suffix that looks like a language
/// tag but is not configured is an error, not silently part of the name.
fn split_language<'a>(config: &Config, stem: &'a str) -> Result<(&'a str, String), Diagnostic> {
    if let Some((base, suffix)) = stem.rsplit_once('.') {
        if !base.is_empty() && !base.ends_with('/') {
            if let Some(lang) = config.resolve_language(suffix) {
                return Ok((base, lang.code.clone()));
            }
            if looks_like_language(suffix) {
                let known: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
                return Err(Diagnostic::error(format!("unknown language suffix `.{suffix}`"))
                    .help(format!(
                        "configured languages are {}; add [languages.{suffix}] to aula.toml or rename the file",
                        known.join(", ")
                    )));
            }
        }
    }
    Ok((stem, config.default_language.clone()))
}

fn looks_like_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            Path::new("."),
            "default_language = \"es\"\n[languages.es]\ntitle = \"a\"\n[languages.en]\ntitle = \"b\"\n",
        )
        .expect("valid")
    }

    #[test]
    fn classifies_by_place() {
        let c = config();
        let k = |p: &str| classify(&c, p).expect(p);
        assert_eq!(
            k("_index.en.md"),
            ("_index".into(), "en".into(), Kind::Home)
        );
        assert_eq!(
            k("courses/_index.md"),
            ("courses/_index".into(), "es".into(), Kind::Section)
        );
        assert_eq!(k("courses/a/_index.es.md").2, Kind::Course);
        assert_eq!(
            k("courses/a/01-x.en.md"),
            ("courses/a/01-x".into(), "en".into(), Kind::Module)
        );
        assert_eq!(k("guidelines/g.md").2, Kind::Guideline);
        assert_eq!(k("itineraries/i.es.md").2, Kind::Itinerary);
        assert_eq!(k("about.en.md").2, Kind::Page);
        assert_eq!(
            k("about.es-419.md").1,
            "es",
            "regional suffixes map to their base"
        );
        assert_eq!(
            k("help/faq/v1.2.md"),
            ("help/faq/v1.2".into(), "es".into(), Kind::Page)
        );
    }

    #[test]
    fn unknown_language_suffix_is_an_error() {
        let e = classify(&config(), "about.fr.md").expect_err("fr not configured");
        assert_eq!(e.message, "unknown language suffix `.fr`");
        assert!(e.help.as_deref().unwrap_or("").contains("es, en"));
    }

    #[test]
    fn misplaced_files_are_errors() {
        assert!(classify(&config(), "courses/a/b/c.md").is_err());
        assert!(classify(&config(), "courses/x.md").is_err());
        assert!(classify(&config(), "guidelines/a/b.md").is_err());
    }
}
