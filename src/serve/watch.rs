//! Watching the site's sources for `aula serve`.
//!
//! Watches `aula.toml` (through the root folder, so editors that save by
//! renaming a new file into place are seen) and, recursively, the folders
//! a build reads: `content/`, `themes/`, `locales/`, `templates/`,
//! `static/`. Events are debounced (notify-debouncer-full), filtered to
//! the ones that can change the site, and sent as one batch of paths.
//! Never reads the sources itself: the rebuild decides what changed.

use crate::diagnostic::Diagnostic;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long a path must stay quiet before its change counts: long enough
/// for an editor's save (truncate + write, or write + rename: well under
/// a millisecond), short enough to be invisible next to the rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(10);
/// How often the debouncer looks at its queue; a change is reported
/// between `DEBOUNCE` and `DEBOUNCE + TICK` after its last event.
const TICK: Duration = Duration::from_millis(5);

/// The folders below the root that a build reads.
pub const FOLDERS: [&str; 5] = crate::output::SOURCE_FOLDERS;

/// What the watcher tells the rebuild loop.
pub enum Message {
    /// These sources changed (absolute paths).
    Changed(Vec<PathBuf>),
    /// The watcher itself failed (e.g. too many watches).
    Trouble(Vec<String>),
    /// Shut down.
    Stop,
}

pub struct Watch {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: BTreeSet<&'static str>,
}

impl Watch {
    /// Starts watching `root` (canonical); changes go to `to`.
    pub fn start(root: &Path, to: Sender<Message>) -> Result<Watch, Diagnostic> {
        let filter_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let msg = match result {
                Ok(events) => {
                    let paths: Vec<PathBuf> = events
                        .iter()
                        .filter(|e| counts(&e.kind) || e.need_rescan())
                        .flat_map(|e| e.paths.iter())
                        .filter(|p| relevant(&filter_root, p))
                        .cloned()
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    Message::Changed(paths)
                }
                Err(errors) => Message::Trouble(errors.iter().map(|e| e.to_string()).collect()),
            };
            let _ = to.send(msg);
        };
        let debouncer =
            new_debouncer(DEBOUNCE, Some(TICK), handler).map_err(|e| trouble(root, &e))?;
        let mut watch = Watch {
            debouncer,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watch
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| trouble(root, &e))?;
        if let Some(d) = watch.refresh().into_iter().next() {
            return Err(d);
        }
        Ok(watch)
    }

    /// Watches source folders created since the last call and forgets
    /// removed ones (so a folder deleted and made again is watched again).
    /// Returns the folders that could not be watched.
    pub fn refresh(&mut self) -> Vec<Diagnostic> {
        let mut failed = Vec::new();
        for name in FOLDERS {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            if exists && !self.watched.contains(name) {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(name);
                    }
                    Err(e) => failed.push(trouble(&dir, &e)),
                }
            } else if !exists && self.watched.remove(name) {
                let _ = self.debouncer.unwatch(&dir);
            }
        }
        failed
    }
}

fn trouble(path: &Path, e: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(format!("cannot watch {} for changes: {e}", path.display())).help(
        "on Linux, a large site may need more inotify watches: `sysctl fs.inotify.max_user_watches=524288`",
    )
}

/// Whether an event kind can mean new content. Opening or reading a file
/// (which every build does) cannot; writing, creating, removing and
/// renaming can.
fn counts(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether a changed path is a source of the site: `aula.toml`, or a file
/// inside one of [`FOLDERS`] that is not an editor's scratch file.
pub fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(first) = parts.next() else {
        // The root itself: only a rescan reports it.
        return true;
    };
    let first = first.as_os_str();
    if first == crate::config::CONFIG_FILE {
        return parts.next().is_none();
    }
    if !FOLDERS.iter().any(|f| first == *f) {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !scratch(&name)
}

/// Files editors write next to the one being edited, and remove again.
fn scratch(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with(".#")
        || name.starts_with(".goutputstream-")
        || name == "4913"
        || [".swp", ".swx", ".swo", ".kate-swp"]
            .iter()
            .any(|s| name.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_are_relevant() {
        let root = Path::new("/site");
        for p in [
            "/site/aula.toml",
            "/site/content/courses/a/01.es.md",
            "/site/content",
            "/site/themes/default/templates/base.html",
            "/site/locales/es/main.ftl",
            "/site/templates/module.html",
            "/site/static/logo.svg",
            "/site",
        ] {
            assert!(relevant(root, Path::new(p)), "{p}");
        }
        for p in [
            "/site/public/index.html",
            "/site/.git/index",
            "/site/README.md",
            "/site/aula.toml~",
            "/site/content/.01.es.md.swp",
            "/site/content/01.es.md~",
            "/site/content/.#01.es.md",
            "/site/content/4913",
            "/elsewhere/content/x.md",
        ] {
            assert!(!relevant(root, Path::new(p)), "{p}");
        }
    }

    #[test]
    fn reading_files_does_not_count() {
        assert!(!counts(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!counts(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(counts(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(counts(&EventKind::Modify(
            notify_debouncer_full::notify::event::ModifyKind::Any
        )));
        assert!(counts(&EventKind::Remove(
            notify_debouncer_full::notify::event::RemoveKind::Any
        )));
    }
}
