//! Watching the site's sources for `aula serve`.
//!
//! Watches `aula.toml` (through the root folder, so editors that save by
//! renaming a new file into place are seen) and, recursively, the folders
//! a build reads: `content/`, `themes/`, `locales/`, `templates/`,
//! `static/`. Events are filtered to the ones that can change the site,
//! collected by a thread of its own ([`Batch`]) and sent as one batch of
//! paths as soon as the save is complete: a couple of milliseconds after
//! the last event, unless a file is still being written (on Linux, a
//! write is complete when the file is closed), so a save is seen at once
//! and still never half-written. Never reads the sources itself: the
//! rebuild decides what changed.

use crate::diagnostic::Diagnostic;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify_debouncer_full::notify::{
    self, Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

/// How long the watcher waits after the last event before it sends the
/// batch: an editor's save is one burst of events (truncate, write,
/// close; or write a temporary file, close, rename it into place), all
/// within well under a millisecond, so it reaches the rebuild as one batch
/// and is built once.
pub const SETTLE: Duration = Duration::from_millis(2);
/// How long a file that is open for writing may stay quiet before the
/// batch is sent anyway (a program that keeps a file open and writes to it
/// now and then).
pub const WRITING: Duration = Duration::from_millis(100);

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
    watcher: RecommendedWatcher,
    root: PathBuf,
    watched: BTreeSet<&'static str>,
}

/// The changes of one save (or one burst of saves) being collected.
#[derive(Default)]
pub struct Batch {
    /// Changed sources, in the order first seen.
    paths: Vec<PathBuf>,
    /// Files written to and not closed yet: their content may be half
    /// there (Linux only: other systems report no close).
    writing: BTreeSet<PathBuf>,
}

impl Batch {
    /// Takes in one event of the watcher.
    pub fn add(&mut self, root: &Path, event: &Event) {
        if !(counts(&event.kind) || event.need_rescan()) {
            return;
        }
        for p in event.paths.iter().filter(|p| relevant(root, p)) {
            if !self.paths.contains(p) {
                self.paths.push(p.clone());
            }
        }
        let close_reported = cfg!(any(target_os = "linux", target_os = "android"));
        match event.kind {
            EventKind::Modify(ModifyKind::Data(_)) if close_reported => {
                self.writing.extend(event.paths.iter().cloned());
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(RenameMode::From | RenameMode::Both)) => {
                for p in &event.paths {
                    self.writing.remove(p);
                }
            }
            _ => {}
        }
    }

    /// How long to wait for more events before sending the batch; `None`
    /// while there is nothing to send.
    pub fn wait(&self) -> Option<Duration> {
        match (self.paths.is_empty(), self.writing.is_empty()) {
            (true, _) => None,
            (false, true) => Some(SETTLE),
            (false, false) => Some(WRITING),
        }
    }

    /// The paths collected so far; the batch starts again empty.
    pub fn take(&mut self) -> Vec<PathBuf> {
        self.writing.clear();
        std::mem::take(&mut self.paths)
    }
}

/// Collects the watcher's events into batches until the watcher is gone.
fn collect(root: &Path, events: &mpsc::Receiver<notify::Result<Event>>, to: &Sender<Message>) {
    let mut batch = Batch::default();
    loop {
        let next = match batch.wait() {
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(wait) => events.recv_timeout(wait),
        };
        let msg = match next {
            Ok(Ok(event)) => {
                batch.add(root, &event);
                continue;
            }
            Ok(Err(e)) => Message::Trouble(vec![e.to_string()]),
            Err(RecvTimeoutError::Timeout) => Message::Changed(batch.take()),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if to.send(msg).is_err() {
            return;
        }
    }
}

impl Watch {
    /// Starts watching `root` (canonical); changes go to `to`.
    pub fn start(root: &Path, to: Sender<Message>) -> Result<Watch, Diagnostic> {
        let (events, received) = mpsc::channel();
        let watcher = notify::recommended_watcher(events).map_err(|e| trouble(root, &e))?;
        let batch_root = root.to_path_buf();
        std::thread::Builder::new()
            .name("aula-watch".into())
            .spawn(move || collect(&batch_root, &received, &to))
            .map_err(|e| trouble(root, &e))?;
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watch
            .watcher
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
                match self.watcher.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(name);
                    }
                    Err(e) => failed.push(trouble(&dir, &e)),
                }
            } else if !exists && self.watched.remove(name) {
                let _ = self.watcher.unwatch(&dir);
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

    #[cfg(target_os = "linux")]
    fn event(kind: EventKind, paths: &[&str]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_save_is_sent_once_it_is_closed_not_while_it_is_written() {
        use notify_debouncer_full::notify::event::{CreateKind, DataChange};
        let root = Path::new("/site");
        let page = "/site/content/a.es.md";
        let mut batch = Batch::default();
        assert_eq!(batch.wait(), None, "nothing to send");
        batch.add(
            root,
            &event(
                EventKind::Modify(ModifyKind::Data(DataChange::Any)),
                &[page],
            ),
        );
        assert_eq!(
            batch.wait(),
            Some(WRITING),
            "half written: wait for the close"
        );
        batch.add(
            root,
            &event(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                &[page],
            ),
        );
        assert_eq!(batch.wait(), Some(SETTLE), "closed: send almost at once");
        // The rebuild's own reads neither count nor hold the batch up.
        batch.add(
            root,
            &event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                &[page],
            ),
        );
        assert_eq!(batch.take(), vec![PathBuf::from(page)]);
        assert_eq!(batch.wait(), None);

        // An editor that writes a temporary file and renames it into place:
        // one batch with both names, sent as soon as the rename is seen.
        let tmp = "/site/content/.a.es.md.tmp";
        batch.add(root, &event(EventKind::Create(CreateKind::File), &[tmp]));
        batch.add(
            root,
            &event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &[tmp]),
        );
        batch.add(
            root,
            &event(
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                &[tmp],
            ),
        );
        batch.add(
            root,
            &event(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &[tmp, page],
            ),
        );
        assert_eq!(batch.wait(), Some(SETTLE));
        assert_eq!(batch.take(), vec![PathBuf::from(tmp), PathBuf::from(page)]);
    }
}
