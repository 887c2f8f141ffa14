//! Content: from the files under `content/` to parsed [`Document`]s.
//!
//! Walks the folder once, classifies each Markdown file by its place (the
//! table of kinds in [`kinds`]), splits and parses its front matter, and keeps
//! the list of other files as assets. Reading happens in parallel; the
//! result is sorted, so nothing downstream depends on walk or thread order.
//! This stage only reads.

pub mod front;
pub mod kinds;

pub use kinds::{Kind, Section};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use front::FrontMatter;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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
    /// The whole file; the body is `source[body_start..]`. The front
    /// matter only in a load that keeps no bodies
    /// ([`ReadCache::front_matter_only`]).
    pub source: String,
    pub body_start: usize,
    /// 1-based line of the first body line.
    pub body_line: usize,
    /// In-process hash of the file's whole text, computed once when the
    /// file is read, so rebuilds can tell unchanged documents apart
    /// without rehashing them.
    pub fingerprint: u64,
    /// The load kept the front matter only
    /// ([`ReadCache::front_matter_only`]): `source` holds no body.
    front_only: bool,
}

impl Document {
    /// The Markdown body. Panics on a document loaded without it
    /// ([`ReadCache::front_matter_only`]): read it with
    /// [`Document::read_body`].
    pub fn body(&self) -> &str {
        assert!(
            !self.front_only,
            "the body of {} was not loaded: read it with read_body",
            self.path.display()
        );
        &self.source[self.body_start..]
    }

    /// The Markdown body: the one held, or, when the load kept the front
    /// matter only, the file read again from `root` (the site's root). A
    /// file that changed since the load is an error: its front matter was
    /// read from another text.
    pub fn read_body(&self, root: &Path) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        if !self.front_only {
            return Ok(self.body().into());
        }
        let mut text = self.read_again(root)?;
        if crate::memo::fingerprint(&text) != self.fingerprint {
            return Err(Diagnostic::error(format!(
                "{} changed while aula was building the site",
                crate::diagnostic::slashed(&self.path)
            ))
            .file(&self.path)
            .help("build again once the file is saved"));
        }
        text.replace_range(..self.body_start, "");
        Ok(text.into())
    }

    /// The whole file's text, for a message that shows one of its lines:
    /// `source`, or, when the load kept the front matter only, the file
    /// read again from `root` (the site's root), else (it cannot be read
    /// now) the front matter alone.
    pub fn text(&self, root: &Path) -> std::borrow::Cow<'_, str> {
        match self.front_only.then(|| self.read_again(root)) {
            Some(Ok(text)) => text.into(),
            _ => self.source.as_str().into(),
        }
    }

    /// Whether the load kept the body ([`Document::body`] has it).
    pub fn holds_body(&self) -> bool {
        !self.front_only
    }

    /// The file read again, as the load read it ([`read_text`]).
    fn read_again(&self, root: &Path) -> Result<String, Diagnostic> {
        read_text(&root.join(&self.path), &self.path)
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
    /// Shared: a rebuild reuses unchanged documents without copying them.
    pub documents: Vec<std::sync::Arc<Document>>,
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
    load_cached(config, drafts, &mut ReadCache::default())
}

/// What a file's metadata and place looked like when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    key: String,
    lang: String,
    kind: Kind,
    drafts: bool,
}

/// A parsed file: a shared document, nothing (a draft), or its error.
pub type Parsed = Result<Option<std::sync::Arc<Document>>, Diagnostic>;

/// One file of a previous load.
struct Entry {
    stamp: Stamp,
    /// When the file was read: a modification time this close to it may
    /// hide a later edit within the file system's timestamp precision.
    read_at: std::time::SystemTime,
    /// Hash of the bytes read.
    content: u64,
    parsed: Parsed,
}

/// How long after its last modification a file's stamp is trusted: two
/// writes within one timestamp tick (coarse on some file systems) keep the
/// same size and time, so a file read that soon is hashed again next time
/// (the "racy clean" rule git uses for its index).
const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

impl Entry {
    /// Whether the stamp alone proves the file unchanged.
    fn trusted(&self, stamp: &Stamp) -> bool {
        self.stamp == *stamp
            && stamp
                .modified
                .and_then(|m| m.checked_add(SETTLE))
                .is_some_and(|settled| settled <= self.read_at)
    }
}

/// Parsed files of a previous [`load_cached`], by absolute path.
#[derive(Default)]
pub struct ReadCache {
    files: std::collections::HashMap<PathBuf, Entry>,
    /// Files read from disk so far (not reused from the cache).
    reads: usize,
    /// Its documents keep their front matter only
    /// ([`ReadCache::front_matter_only`]).
    front_only: bool,
}

impl ReadCache {
    /// A cache whose documents keep their front matter only, for a build
    /// that keeps nothing for a next one (`aula build`): the bodies are
    /// most of the sources' memory, and each is read again when it is
    /// rendered ([`Document::read_body`]).
    pub fn front_matter_only() -> ReadCache {
        ReadCache {
            front_only: true,
            ..ReadCache::default()
        }
    }

    /// How many files this cache has read from disk, over all loads.
    pub fn reads(&self) -> usize {
        self.reads
    }

    /// Whether the last load read `path` (a Markdown file) or a file under
    /// it (a folder).
    pub fn covers(&self, path: &Path) -> bool {
        self.files.keys().any(|k| k.starts_with(path))
    }

    /// Reads again one Markdown file of the last load that is known to
    /// have changed (the watcher said so), in its place: the document is
    /// exactly what [`load_cached`] would make of it now. The other files
    /// are neither read nor looked at. `abs` is the path the load walked.
    /// Returns the document the last load had and the one there is now
    /// (either may be a draft left out, `None`, or a file in error);
    /// `None` when `abs` was not a Markdown file of the last load.
    pub fn reread(
        &mut self,
        config: &Config,
        abs: &Path,
        drafts: bool,
    ) -> Option<(Parsed, Parsed)> {
        let old = self.files.get(abs)?;
        let source = Source {
            abs: abs.to_path_buf(),
            shown: shown(config, abs),
            key: old.stamp.key.clone(),
            lang: old.stamp.lang.clone(),
            kind: old.stamp.kind,
        };
        let before = old.parsed.clone();
        let (old_content, old_drafts) = (old.content, old.stamp.drafts);
        // A fresh read: the watcher saw a change, whatever the stamp says.
        let mut entry = read_cached(source, drafts, self.front_only, None);
        if entry.content == old_content && old_drafts == drafts && before.is_ok() {
            // Saved unchanged: the very same document, as a load keeps it.
            entry.parsed = before.clone();
        }
        self.reads += 1;
        let after = entry.parsed.clone();
        self.files.insert(abs.to_path_buf(), entry);
        Some((before, after))
    }
}

/// [`load`], reusing files from `cache` whose size, modification time and
/// place are unchanged, and leaving this load's files in it.
pub fn load_cached(
    config: &Config,
    drafts: bool,
    cache: &mut ReadCache,
) -> Result<Content, Vec<Diagnostic>> {
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
    // Symbolic links are followed, but only to places inside the site.
    let site_root = std::fs::canonicalize(&config.root).unwrap_or_else(|_| config.root.clone());
    let mut walker = walkdir::WalkDir::new(&dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(walk_error(config, &dir, &e));
                continue;
            }
        };
        if entry.path_is_symlink()
            && let Err(d) = check_link(config, &site_root, entry.path())
        {
            errors.push(d);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
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

    let previous = std::mem::take(&mut cache.files);
    let entries: Vec<(PathBuf, Entry)> = sources
        .into_par_iter()
        .map(|s| {
            let old = previous.get(&s.abs);
            (s.abs.clone(), read_cached(s, drafts, cache.front_only, old))
        })
        .collect();
    cache.reads += entries
        .iter()
        .filter(|(abs, e)| previous.get(abs).is_none_or(|o| o.read_at != e.read_at))
        .count();
    let mut documents = Vec::with_capacity(entries.len());
    for (abs, entry) in entries {
        match &entry.parsed {
            Ok(Some(doc)) => documents.push(std::sync::Arc::clone(doc)),
            Ok(None) => {}
            Err(d) => errors.push(d.clone()),
        }
        cache.files.insert(abs, entry);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    documents.sort_by(|a, b| (&a.key, &a.lang).cmp(&(&b.key, &b.lang)));
    Ok(Content { documents, assets })
}

/// A problem met while walking `content/`: a link loop, a broken link, a
/// folder aula may not read.
fn walk_error(config: &Config, dir: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dir.to_path_buf());
    let at = shown(config, &path);
    if let Some(ancestor) = e.loop_ancestor() {
        return Diagnostic::error(format!(
            "symbolic link loop: `{}` leads back to its own parent folder `{}`",
            crate::diagnostic::slashed(&at),
            crate::diagnostic::slashed(&shown(config, ancestor))
        ))
        .file(&at)
        .help(format!(
            "remove the link (`rm {}`) or point it at a folder that does not contain it",
            crate::diagnostic::slashed(&at)
        ));
    }
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    match e.io_error().map(std::io::Error::kind) {
        Some(std::io::ErrorKind::NotFound) if is_link => {
            let target = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            Diagnostic::error(format!(
                "broken symbolic link: `{}` points to `{target}`, which does not exist",
                crate::diagnostic::slashed(&at)
            ))
            .file(&at)
            .help("fix the link so it points at a file inside the site, or remove it")
        }
        Some(_) if is_link => {
            let target = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            let why = e.io_error().map(ToString::to_string).unwrap_or_default();
            Diagnostic::error(format!(
                "cannot follow symbolic link `{}` (to `{target}`): {why}",
                crate::diagnostic::slashed(&at)
            ))
            .file(&at)
            .help(
                "links that point at themselves or at each other cannot be followed: point the link at a real file or folder inside the site, or remove it",
            )
        }
        Some(std::io::ErrorKind::PermissionDenied) => Diagnostic::error(format!(
            "permission denied: aula may not read the folder `{}`",
            crate::diagnostic::slashed(&at)
        ))
        .file(&at)
        .help(format!(
            "let your user read and enter it (`chmod a+rx {}`), or move it out of content/",
            crate::diagnostic::slashed(&at)
        )),
        _ => Diagnostic::error(format!("cannot read content: {e}"))
            .file(&at)
            .help("check that the file exists and that you may read it"),
    }
}

/// A symbolic link under `content/` must lead to a place inside the site's
/// folder: a link to `/etc` or to another project would publish files the
/// author never meant to, and builds elsewhere would differ.
fn check_link(config: &Config, site_root: &Path, link: &Path) -> Result<(), Diagnostic> {
    let at = shown(config, link);
    let target = std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    match std::fs::canonicalize(link) {
        Ok(real) if real.starts_with(site_root) => Ok(()),
        Ok(_) => Err(Diagnostic::error(format!(
            "symbolic link `{}` points outside the site, to `{target}`",
            crate::diagnostic::slashed(&at)
        ))
        .file(&at)
        .help(
            "copy the file into content/ instead of linking to it, or point the link at a file inside the site's folder",
        )),
        Err(e) => Err(Diagnostic::error(format!(
            "cannot follow symbolic link `{}` to `{target}`: {e}",
            crate::diagnostic::slashed(&at)
        ))
        .file(&at)
        .help("fix the link so it points at a file inside the site, or remove it")),
    }
}

fn shown(config: &Config, path: &Path) -> PathBuf {
    path.strip_prefix(&config.root)
        .unwrap_or(path)
        .to_path_buf()
}

/// Reads and parses a file unless `old` proves it unchanged: by its stamp
/// when that is trusted, else by the hash of its bytes.
fn read_cached(s: Source, drafts: bool, front_only: bool, old: Option<&Entry>) -> Entry {
    let meta = std::fs::metadata(&s.abs).ok();
    let stamp = Stamp {
        len: meta.as_ref().map_or(0, |m| m.len()),
        modified: meta.as_ref().and_then(|m| m.modified().ok()),
        key: s.key.clone(),
        lang: s.lang.clone(),
        kind: s.kind,
        drafts,
    };
    let read_at = std::time::SystemTime::now();
    if let Some(old) = old.filter(|o| o.trusted(&stamp)) {
        return Entry {
            stamp,
            read_at: old.read_at,
            content: old.content,
            parsed: old.parsed.clone(),
        };
    }
    let (content, parsed) = match read_text(&s.abs, &s.shown) {
        Err(d) => (0, Err(d)),
        Ok(source) => {
            let content = crate::memo::fingerprint(&source);
            let same_place = |o: &&Entry| {
                o.content == content
                    && (&o.stamp.key, &o.stamp.lang, o.stamp.kind, o.stamp.drafts)
                        == (&stamp.key, &stamp.lang, stamp.kind, stamp.drafts)
            };
            match old.filter(same_place) {
                Some(o) => (content, o.parsed.clone()),
                None => (
                    content,
                    parse(s, source, content, drafts, front_only)
                        .map(|d| d.map(std::sync::Arc::new)),
                ),
            }
        }
    };
    Entry {
        stamp,
        read_at,
        content,
        parsed,
    }
}

/// The text of a source file at `abs` (`shown` in messages), which must
/// be UTF-8.
fn read_text(abs: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(abs).map_err(|e| read_error(shown, &e))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes());
        let (line, col) = crate::diagnostic::line_col(&text, offset);
        Diagnostic::error(format!(
            "the file is not valid UTF-8 (first bad byte at offset {offset})"
        ))
        .file(shown)
        .at(line, col, None)
        .help("save the file as UTF-8 in your editor")
    })
}

/// Splits and parses a source file's text; `None` for a draft when
/// drafts are not built. `front_only`: the document keeps its front
/// matter, not its body.
fn parse(
    s: Source,
    mut source: String,
    fingerprint: u64,
    drafts: bool,
    front_only: bool,
) -> Result<Option<Document>, Diagnostic> {
    let split = front::split(&source, &s.shown)?;
    let front = front::parse(&source, &split, s.kind, &s.shown)?;
    if front.draft && !drafts {
        return Ok(None);
    }
    if front_only {
        source.truncate(split.body_start);
        source.shrink_to_fit();
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
        fingerprint,
        front_only,
    }))
}

/// Why a file under `content/` could not be read, and what to do.
fn read_error(shown: &Path, e: &std::io::Error) -> Diagnostic {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => Diagnostic::error(format!(
            "permission denied: aula may not read `{}`",
            crate::diagnostic::slashed(shown)
        ))
        .file(shown)
        .help(format!(
            "make the file readable (`chmod a+r {}`), or move it out of content/",
            crate::diagnostic::slashed(shown)
        )),
        _ => Diagnostic::error(format!("cannot read file: {e}"))
            .file(shown)
            .help("check that the file exists and that you may read it"),
    }
}

/// Decides key, language and kind from a path inside `content/`.
fn classify(config: &Config, rel: &str) -> Result<(String, String, Kind), Diagnostic> {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let (key, lang) = split_language(config, stem)?;
    let kind = kinds::classify(key, rel)?;
    Ok((key.to_string(), lang, kind))
}

/// Splits `name.es` into (`name`, `es`); a name without a language suffix
/// belongs to the default language. A suffix that looks like a language
/// tag but is not configured is an error, not silently part of the name.
fn split_language<'a>(config: &Config, stem: &'a str) -> Result<(&'a str, String), Diagnostic> {
    if let Some((base, suffix)) = stem.rsplit_once('.')
        && !base.is_empty()
        && !base.ends_with('/')
    {
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
    fn unreadable_file_message_names_the_file_and_the_fix() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let d = read_error(Path::new("content/secret.es.md"), &e);
        assert_eq!(
            d.message,
            "permission denied: aula may not read `content/secret.es.md`"
        );
        assert!(
            d.help
                .as_deref()
                .unwrap_or("")
                .contains("chmod a+r content/secret.es.md")
        );
        let e = std::io::Error::from(std::io::ErrorKind::InvalidData);
        assert!(
            read_error(Path::new("x"), &e)
                .message
                .starts_with("cannot read file")
        );
    }

    #[test]
    fn misplaced_files_are_errors() {
        assert!(classify(&config(), "courses/a/b/c.md").is_err());
        assert!(classify(&config(), "courses/x.md").is_err());
        assert!(classify(&config(), "guidelines/a/b.md").is_err());
    }

    /// A site root with one page, and the page as loaded with `cache`.
    fn one_page(text: &str, mut cache: ReadCache) -> (tempfile::TempDir, Document) {
        let root = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(root.path().join("content")).expect("mkdir");
        std::fs::write(root.path().join("content/about.es.md"), text).expect("write");
        let config = Config::parse(
            root.path(),
            "default_language = \"es\"\n[languages.es]\ntitle = \"a\"\n",
        )
        .expect("valid");
        let mut docs = load_cached(&config, false, &mut cache)
            .expect("loads")
            .documents;
        let doc = std::sync::Arc::unwrap_or_clone(docs.remove(0));
        (root, doc)
    }

    const PAGE: &str = "+++\ntitle = \"Sobre\"\n+++\n\nUn párrafo.\n\n![Un diagrama](d.png)\n";
    const BODY: &str = "\nUn párrafo.\n\n![Un diagrama](d.png)\n";

    #[test]
    fn a_load_of_front_matter_only_reads_each_body_again_when_asked() {
        let (root, whole) = one_page(PAGE, ReadCache::default());
        let (_, light) = one_page(PAGE, ReadCache::front_matter_only());
        assert_eq!(light.source, "+++\ntitle = \"Sobre\"\n+++\n");
        assert_eq!(
            (
                &light.front,
                light.body_start,
                light.body_line,
                light.fingerprint
            ),
            (
                &whole.front,
                whole.body_start,
                whole.body_line,
                whole.fingerprint
            ),
            "the same document but for the body"
        );
        assert_eq!(whole.read_body(root.path()).expect("held"), BODY);
        assert_eq!(light.read_body(root.path()).expect("read again"), BODY);
        assert_eq!(
            light.text(root.path()),
            PAGE,
            "a message still shows body lines"
        );
        assert_eq!(whole.text(root.path()), PAGE);
    }

    #[test]
    fn a_body_changed_or_gone_since_the_load_is_an_error_not_another_text() {
        let (root, light) = one_page(PAGE, ReadCache::front_matter_only());
        let file = root.path().join("content/about.es.md");
        std::fs::write(&file, PAGE.replace("párrafo", "parágrafo")).expect("write");
        let e = light.read_body(root.path()).expect_err("changed");
        assert_eq!(
            e.message,
            "content/about.es.md changed while aula was building the site"
        );
        assert_eq!(
            e.help.as_deref(),
            Some("build again once the file is saved")
        );
        std::fs::remove_file(&file).expect("rm");
        let e = light.read_body(root.path()).expect_err("gone");
        assert!(e.is_error() && e.help.is_some(), "{e}");
        assert_eq!(e.file.as_deref(), Some(Path::new("content/about.es.md")));
        assert_eq!(
            light.text(root.path()),
            light.source,
            "a message about a file gone since: the front matter, no panic"
        );
    }

    #[test]
    #[should_panic(expected = "was not loaded")]
    fn a_body_not_held_is_never_read_as_empty() {
        let (_root, light) = one_page(PAGE, ReadCache::front_matter_only());
        let _ = light.body();
    }
}
