//! Output: writing the rendered site to disk, atomically.
//!
//! Everything is written into a hidden temporary folder next to the
//! output folder; only when every file is written does the new folder
//! take the old one's place. On Linux and macOS the two folders are
//! exchanged in one step (`renameat2(RENAME_EXCHANGE)`, `RENAME_SWAP`),
//! so a reader of `public/` always sees the old site or the new one;
//! elsewhere (or on a file system that cannot exchange) the old folder is
//! renamed aside and the new one into place, and a build killed between
//! the two renames is repaired by the next one. A failed or interrupted
//! build therefore never leaves a half-written `public/`.
//!
//! One build at a time writes an output folder: a lock file next to it
//! (`.public.aula-lock`, an OS file lock, so a crashed build releases it)
//! makes a second build wait, and stop with "another build is writing"
//! if the first takes too long. The replaced site is set aside under a
//! name of the build's own and handed back as a [`Cleanup`]:
//! [`Cleanup::finish`] removes it and returns a warning when it could not
//! be removed (the new site is in place all the same);
//! [`Cleanup::detach`] leaves the removal to a process of its own
//! ([`remove_old_site`]), so `aula build` ends as soon as the new site is
//! in place. Every later build retries what could not be removed. No
//! state outlives a call. Folders are created once each, in sorted
//! order, and files are written in parallel.
//!
//! Never writes outside the output folder's parent, and there only names
//! that start with `.NAME.aula-` (NAME being the output folder's name).

use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The content of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// Shared, so an unchanged page can be kept from one build to the next.
    Bytes(std::sync::Arc<[u8]>),
    /// Copied from a source file (colocated assets).
    Copy(PathBuf),
    /// Already finished and written into the temporary folder of the
    /// output being built, at this path (`aula build` writes most files
    /// as soon as they are made): read back from there when another
    /// output needs it, never written again.
    Written(PathBuf),
}

impl Data {
    /// The file's bytes: shared, or read from the file it names.
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Data::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Data::Copy(p) | Data::Written(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
        }
    }

    /// The file's length in bytes.
    pub fn size(&self) -> std::io::Result<u64> {
        match self {
            Data::Bytes(b) => Ok(b.len() as u64),
            Data::Copy(p) | Data::Written(p) => std::fs::metadata(p).map(|m| m.len()),
        }
    }
}

/// All output files by path relative to the output folder (`/`-separated).
pub type Files = BTreeMap<String, Data>;

/// How long a build waits for another one writing the same output folder
/// before it gives up: writing takes seconds even for large sites.
const LOCK_WAIT: Duration = Duration::from_secs(120);

/// The removal of a replaced site, after [`write()`] put the new one in
/// place. [`Cleanup::finish`] removes it now (and says what could not be
/// removed); [`Cleanup::detach`] hands it to a process of its own, so the
/// build does not wait for it; dropping it removes it now.
pub struct Cleanup {
    place: Place,
    /// The replaced site, set aside under a name of this process.
    replaced: Option<PathBuf>,
    /// Leftovers of earlier builds that could not be removed.
    warnings: Vec<Diagnostic>,
}

impl Cleanup {
    /// Removes the replaced site and returns warnings for what could not
    /// be removed. The new site is in place whatever this says. Takes the
    /// output's lock (released when the new site was put in place) for
    /// it, so it never removes what another build is removing.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let mut warnings = std::mem::take(&mut self.warnings);
        if let Some(old) = self.replaced.take() {
            match Lock::acquire(&self.place, LOCK_WAIT) {
                Ok(_lock) => match std::fs::remove_dir_all(&old) {
                    // Another build removed it meanwhile, as a leftover.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => warnings.push(not_removed(&old, &e)),
                    Ok(()) => {}
                },
                // Another build holds the output for minutes: it removes
                // the old site as a leftover.
                Err(_) => warnings.push(
                    Diagnostic::warning(
                        "the new site is in place; the previous one is left for the next build, which removes it",
                    )
                    .file(&old),
                ),
            }
        }
        warnings
    }

    /// Leaves the removal to `program` run as `program ARGS OUTPUT PID`
    /// (aula's hidden `remove-old-site` command, which calls
    /// [`remove_old_site`]), without waiting for it; returns the warnings
    /// about earlier leftovers. What the other process cannot remove, the
    /// next build reports and retries. When no process can be started,
    /// removes it here ([`Cleanup::finish`]).
    pub fn detach(mut self, program: &Path, args: &[&str]) -> Vec<Diagnostic> {
        if self.replaced.is_none() {
            return self.finish();
        }
        let spawned = std::process::Command::new(program)
            .args(args)
            .arg(&self.place.out)
            .arg(std::process::id().to_string())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        match spawned {
            // Not waited for: it outlives this process, which the system
            // then reaps.
            Ok(_child) => {
                self.replaced = None;
                std::mem::take(&mut self.warnings)
            }
            Err(_) => self.finish(),
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if self.replaced.is_some() {
            let rest = Cleanup {
                place: Place::of(&self.place.out),
                replaced: self.replaced.take(),
                warnings: Vec::new(),
            };
            rest.finish();
        }
    }
}

impl std::fmt::Debug for Cleanup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cleanup")
            .field("replaced", &self.replaced)
            .finish()
    }
}

/// Writes `files` as the new content of `out`. Returns the number of
/// files and the removal of the replaced site, still to be done.
pub fn write(out: &Path, root: &Path, files: &Files) -> Result<(usize, Cleanup), Diagnostic> {
    let tree = Tree::begin(out, root, files.keys())?;
    files
        .par_iter()
        .try_for_each(|(rel, data)| tree.put(rel, data))?;
    Ok((files.len(), tree.commit()?))
}

/// A new site being written: the temporary folder next to the output,
/// with the lock held. Files go in one by one, from any thread
/// ([`Tree::put`]); [`Tree::commit`] puts the folder in place of the
/// output. Dropped without a commit (an error, a failed check), it
/// removes the temporary folder and the output stays as it was.
pub struct Tree {
    place: Place,
    tmp: PathBuf,
    lock: Option<Lock>,
    /// Leftovers of earlier builds that could not be removed.
    stuck: Vec<Diagnostic>,
}

impl Tree {
    /// Takes the lock of `out`, clears what earlier builds left and
    /// creates the temporary folder with every folder that the files at
    /// `paths` (relative, `/`-separated) need, so that writing never waits
    /// for a folder.
    pub fn begin<'a>(
        out: &Path,
        root: &Path,
        paths: impl IntoIterator<Item = &'a String>,
    ) -> Result<Tree, Diagnostic> {
        guard(out, root)?;
        let place = Place::of(out);
        std::fs::create_dir_all(&place.parent).map_err(|e| {
            io_error(
                &place.parent,
                &e,
                "cannot create the output's parent folder",
            )
        })?;
        let lock = Lock::acquire(&place, LOCK_WAIT)?;
        let stuck = place.tidy();
        let tmp = place.named(Kind::Tmp);
        let tree = Tree {
            place,
            tmp,
            lock: Some(lock),
            stuck,
        };
        create_folders(&tree.tmp, paths)?;
        Ok(tree)
    }

    /// Creates the folders that files at `paths` need and that
    /// [`Tree::begin`] was not told of (files made while others are
    /// written: the search bundle).
    pub fn add_folders<'a>(
        &self,
        paths: impl IntoIterator<Item = &'a String>,
    ) -> Result<(), Diagnostic> {
        add_folders(&self.tmp, paths)
    }

    /// Writes one file at `rel` (its folder exists: it was among the
    /// paths given to [`Tree::begin`] or [`Tree::add_folders`]).
    pub fn put(&self, rel: &str, data: &Data) -> Result<(), Diagnostic> {
        match data {
            Data::Bytes(b) => self.put_bytes(rel, b),
            Data::Written(_) => Ok(()),
            Data::Copy(src) => {
                let path = self.tmp.join(rel);
                std::fs::copy(src, &path)
                    .map(|_| ())
                    .map_err(|e| io_error(src, &e, "cannot copy this file into the output"))
            }
        }
    }

    /// The temporary folder the new site is written into.
    pub fn folder(&self) -> &Path {
        &self.tmp
    }

    /// Where the file at `rel` is written.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.join(rel)
    }

    /// Writes `bytes` as the file at `rel`.
    pub fn put_bytes(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.tmp.join(rel);
        std::fs::write(&path, bytes).map_err(|e| io_error(&path, &e, "cannot write an output file"))
    }

    /// Puts the written folder in place of the output. Returns the
    /// removal of the replaced site, still to be done.
    pub fn commit(mut self) -> Result<Cleanup, Diagnostic> {
        let replaced = swap(&self.place, &self.tmp)?;
        // The new site is in place: from here on nothing can fail the build.
        self.lock.take();
        self.tmp = PathBuf::new();
        Ok(Cleanup {
            place: Place::of(&self.place.out),
            replaced,
            warnings: std::mem::take(&mut self.stuck),
        })
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Removes what the build of process `pid` set aside next to `out` (its
/// replaced site, under `.NAME.aula-trash-PID` or, where it could not be
/// renamed, `-tmp-`/`-old-`), once that build has let go of the lock.
/// Only those names are touched; a previous site set aside by a killed
/// build is put back first, as every build does. Errors are left to the
/// next build, which retries and reports them.
pub fn remove_old_site(out: &Path, pid: u32) {
    let place = Place::of(out);
    let Ok(_lock) = Lock::acquire(&place, LOCK_WAIT) else {
        return;
    };
    place.recover();
    for kind in Kind::ALL {
        let path = place.named_for(kind, pid);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

fn not_removed(old: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::warning(format!(
        "the new site is in place, but the previous one could not be removed: {e}"
    ))
    .file(old)
    .help("aula tries again on the next build; if this persists, make the folder writable or remove it by hand")
}

/// The output folder, its parent and the names of aula's folders and
/// lock file beside it.
struct Place {
    out: PathBuf,
    parent: PathBuf,
    name: String,
}

/// aula's folders next to the output, by what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A new site being written (incomplete until swapped in).
    Tmp,
    /// The previous site, moved aside while the new one is renamed into
    /// place (only where folders cannot be exchanged in one step).
    Old,
    /// A replaced site, to be deleted.
    Trash,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Tmp, Kind::Old, Kind::Trash];

    fn word(self) -> &'static str {
        match self {
            Kind::Tmp => "tmp",
            Kind::Old => "old",
            Kind::Trash => "trash",
        }
    }
}

impl Place {
    fn of(out: &Path) -> Place {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        Place {
            out: out.to_path_buf(),
            parent,
            name,
        }
    }

    /// This process's folder of `kind`.
    fn named(&self, kind: Kind) -> PathBuf {
        self.named_for(kind, std::process::id())
    }

    /// The folder of `kind` of process `pid`.
    fn named_for(&self, kind: Kind, pid: u32) -> PathBuf {
        self.parent
            .join(format!(".{}.aula-{}-{}", self.name, kind.word(), pid))
    }

    fn lock_file(&self) -> PathBuf {
        self.parent.join(format!(".{}.aula-lock", self.name))
    }

    /// aula's folders next to the output, left by earlier builds.
    fn leftovers(&self) -> Vec<(Kind, PathBuf)> {
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        let mut found: Vec<(Kind, PathBuf)> = entries
            .flatten()
            .filter_map(|entry| {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                let rest = file_name.strip_prefix(&format!(".{}.aula-", self.name))?;
                let (word, pid) = rest.rsplit_once('-')?;
                let kind = Kind::ALL.into_iter().find(|k| k.word() == word)?;
                let ours = !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit());
                (ours && entry.file_type().is_ok_and(|t| t.is_dir())).then(|| (kind, entry.path()))
            })
            .collect();
        found.sort();
        found
    }

    /// With the lock held: puts back a previous site that a build killed
    /// between its two renames left aside, then removes every other
    /// leftover (all are stale, since no other build writes). Returns
    /// warnings for those that cannot be removed.
    fn tidy(&self) -> Vec<Diagnostic> {
        self.recover();
        self.leftovers()
            .into_iter()
            .filter_map(|(_, path)| {
                std::fs::remove_dir_all(&path).err().map(|e| {
                    Diagnostic::warning(format!(
                        "a previous site left by an earlier build could not be removed: {e}"
                    ))
                    .file(&path)
                    .help("aula tries again on every build; make the folder writable or remove it by hand")
                })
            })
            .collect()
    }

    /// With the lock held: when there is no output folder but a previous
    /// site set aside by a build that was killed before it put the new one
    /// in place, moves that site back, so the output is what it was.
    fn recover(&self) {
        if std::fs::symlink_metadata(&self.out).is_ok() {
            return;
        }
        let newest = self
            .leftovers()
            .into_iter()
            .filter(|(kind, _)| *kind == Kind::Old)
            .max_by_key(|(_, p)| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        if let Some((_, old)) = newest {
            let _ = std::fs::rename(old, &self.out);
        }
    }
}

/// The right to write one output folder: an exclusive OS lock on a file
/// next to it, held until dropped (or until the process ends, however it
/// ends).
struct Lock {
    path: PathBuf,
    /// Holds the lock; `None` where the system or file system has none.
    _file: Option<File>,
}

impl Lock {
    fn acquire(place: &Place, wait: Duration) -> Result<Lock, Diagnostic> {
        let path = place.lock_file();
        let deadline = Instant::now() + wait;
        // Short at first: the holder is often a build's last moments.
        let mut pause = Duration::from_millis(1);
        loop {
            let mut options = std::fs::OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            #[cfg(windows)]
            {
                // Without FILE_SHARE_DELETE (std's default has it): the file
                // cannot be removed while anyone has it open (see `Drop`).
                use std::os::windows::fs::OpenOptionsExt;
                const FILE_SHARE_READ_WRITE: u32 = 0x1 | 0x2;
                options.share_mode(FILE_SHARE_READ_WRITE);
            }
            let file = options
                .open(&path)
                .map_err(|e| io_error(&path, &e, "cannot create the output's lock file"))?;
            match try_lock(&file) {
                // The build that held it may have removed the file meanwhile
                // (see `Drop`): then this lock guards nothing; start over.
                Ok(true) if same_file(&file, &path) => {
                    return Ok(Lock {
                        path,
                        _file: Some(file),
                    });
                }
                Ok(true) => continue,
                Ok(false) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Ok(false) => {
                    return Err(Diagnostic::error(format!(
                        "another build is writing {}",
                        place.out.display()
                    ))
                    .file(&path)
                    .help(format!(
                        "wait for it to finish and build again; it still held the lock after {} s",
                        wait.as_secs()
                    )));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
                    return Ok(Lock { path, _file: None });
                }
                Err(e) => {
                    return Err(io_error(&path, &e, "cannot lock the output's lock file"));
                }
            }
        }
    }
}

/// Takes an exclusive lock on `file` without waiting: `false` when
/// someone else holds it. An OS lock (`flock` on Unix, `LockFileEx` on
/// Windows), which the system releases when the process ends, however it
/// ends.
fn try_lock(file: &File) -> std::io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

impl Drop for Lock {
    /// Removes the lock file, so none is left beside the output. On Unix
    /// while still holding the lock: a build waiting on it notices
    /// (`same_file`). Elsewhere after closing it: the removal fails while
    /// a waiting build has the file open (it then takes the lock and
    /// removes the file in its turn), so no build can lock a removed file.
    fn drop(&mut self) {
        #[cfg(not(unix))]
        drop(self._file.take());
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere a file that someone has open is never removed (see `Drop`),
/// so it is always the same.
#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

/// Folders of a site that hold its sources: the output may not be, hold or
/// lie inside any of them, since it is replaced wholesale.
pub const SOURCE_FOLDERS: [&str; 5] = ["content", "themes", "locales", "templates", "static"];

/// Refuses output folders whose replacement would destroy sources: the
/// site root itself or any folder above it, any source folder, anything
/// inside one, and any folder that holds one. Paths are compared after
/// resolving symlinks and `..`, so `content/../content` or a link to
/// `content/` is caught too. Called before a build starts; an output
/// that a killed build left set aside is put back here.
pub fn guard(out: &Path, root: &Path) -> Result<(), Diagnostic> {
    if out.is_file() {
        return Err(Diagnostic::error(format!(
            "the output path {} is a file, not a folder",
            out.display()
        ))
        .file(out)
        .help("remove the file or choose another folder with --output"));
    }
    let (out_abs, root_abs) = (resolve(out), resolve(root));
    let refuse = |what: String| {
        Err(Diagnostic::error(format!(
            "refusing to use {} as the output folder: {what}; building would replace it and delete those files",
            out.display()
        ))
        .file(out)
        .help("choose an output folder of its own, e.g. --output public (the default)"))
    };
    if root_abs.starts_with(&out_abs) {
        return refuse("it holds the site's aula.toml and sources".into());
    }
    for folder in SOURCE_FOLDERS {
        let src = root_abs.join(folder);
        if out_abs.starts_with(&src) {
            return refuse(format!("it is or lies inside the site's {folder}/ folder"));
        }
    }
    if out.join("aula.toml").exists() || out.join("content").is_dir() {
        return refuse("it holds another site's sources".into());
    }
    repair(out);
    Ok(())
}

/// Puts back the previous site when a build was killed between its two
/// renames (see [`Place::recover`]), so that a build that then fails
/// leaves the output as it was. Skipped while another build writes.
fn repair(out: &Path) {
    let place = Place::of(out);
    if std::fs::symlink_metadata(out).is_ok()
        || !place.leftovers().iter().any(|(kind, _)| *kind == Kind::Old)
    {
        return;
    }
    if let Ok(_lock) = Lock::acquire(&place, Duration::ZERO) {
        place.recover();
    }
}

/// `path` made absolute with symlinks and `..` resolved, also when its
/// last components do not exist yet: the longest existing prefix is
/// canonicalised and the rest is applied lexically.
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut base = abs.as_path();
    let mut rest = Vec::new();
    let mut resolved = loop {
        if let Ok(c) = std::fs::canonicalize(base) {
            break c;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => break base.to_path_buf(),
        }
    };
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    resolved
}

/// Creates `tmp` (empty) and every folder the files at `paths` need.
fn create_folders<'a>(
    tmp: &Path,
    paths: impl IntoIterator<Item = &'a String>,
) -> Result<(), Diagnostic> {
    if tmp.exists() {
        std::fs::remove_dir_all(tmp)
            .map_err(|e| io_error(tmp, &e, "cannot clear a stale temporary folder"))?;
    }
    std::fs::create_dir(tmp)
        .map_err(|e| io_error(tmp, &e, "cannot create the temporary output folder"))?;
    add_folders(tmp, paths)
}

/// Creates under `tmp` the folders the files at `paths` need; folders
/// that exist already are fine.
fn add_folders<'a>(
    tmp: &Path,
    paths: impl IntoIterator<Item = &'a String>,
) -> Result<(), Diagnostic> {
    let mut dirs = BTreeSet::new();
    for path in paths {
        let mut p = path.as_str();
        while let Some((parent, _)) = p.rsplit_once('/') {
            if !dirs.insert(parent) {
                break;
            }
            p = parent;
        }
    }
    // Level by level, each level in parallel: a folder's parent is made
    // before it, and the file system's per-folder cost (a few hundred µs
    // on a busy ext4) is paid on every core.
    let mut levels: Vec<Vec<&str>> = Vec::new();
    for d in dirs {
        let depth = d.matches('/').count();
        if levels.len() <= depth {
            levels.resize_with(depth + 1, Vec::new);
        }
        levels[depth].push(d);
    }
    for level in levels {
        level.par_iter().try_for_each(|d| {
            let path = tmp.join(d);
            match std::fs::create_dir(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    Err(io_error(&path, &e, "cannot create an output folder"))
                }
                _ => Ok(()),
            }
        })?;
    }
    Ok(())
}

/// Puts the finished `tmp` in place of the output. Returns where the
/// replaced site now is (to be deleted), if there was one.
fn swap(place: &Place, tmp: &Path) -> Result<Option<PathBuf>, Diagnostic> {
    swap_with(place, tmp, exchange)
}

/// [`swap`] with the way to exchange two folders given (tests pass one
/// that cannot, to take the two-rename path).
fn swap_with(
    place: &Place,
    tmp: &Path,
    exchange: fn(&Path, &Path) -> std::io::Result<bool>,
) -> Result<Option<PathBuf>, Diagnostic> {
    let out = &place.out;
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return std::fs::rename(tmp, out)
                .map(|()| None)
                .map_err(|e| io_error(out, &e, "cannot move the new output into place"));
        }
        Err(e) => return Err(io_error(out, &e, "cannot read the previous output")),
        Ok(_) => {}
    }
    let trash = place.named(Kind::Trash);
    match exchange(tmp, out) {
        // `tmp` now holds the previous site.
        Ok(true) => {
            let old = if std::fs::rename(tmp, &trash).is_ok() {
                trash
            } else {
                tmp.to_path_buf()
            };
            return Ok(Some(old));
        }
        Ok(false) => {}
        Err(e) => return Err(io_error(out, &e, "cannot move the new output into place")),
    }
    let old = place.named(Kind::Old);
    std::fs::rename(out, &old)
        .map_err(|e| io_error(out, &e, "cannot move the previous output aside"))?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(io_error(out, &e, "cannot move the new output into place"));
    }
    Ok(Some(if std::fs::rename(&old, &trash).is_ok() {
        trash
    } else {
        old
    }))
}

/// Exchanges two folders in one step. `Ok(false)` when this system or
/// file system cannot (the caller then renames twice).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::OPNOTSUPP, Errno::NOTSUP].contains(&e) => {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

fn io_error(path: &Path, e: &std::io::Error, what: &str) -> Diagnostic {
    Diagnostic::error(format!("{what}: {e}")).file(path).help(
        "check that the folder exists, that you may write to it, and that the disk is not full",
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn data_is_read_from_memory_or_from_its_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("page.html");
        std::fs::write(&file, b"written").expect("write");
        let shared = Data::Bytes(b"shared"[..].into());
        assert!(matches!(
            shared.read(),
            Ok(std::borrow::Cow::Borrowed(b"shared"))
        ));
        assert_eq!(shared.size().ok(), Some(6));
        for data in [Data::Copy(file.clone()), Data::Written(file.clone())] {
            assert_eq!(&*data.read().expect("read"), b"written");
            assert_eq!(data.size().ok(), Some(7));
        }
        let gone = Data::Written(dir.path().join("gone"));
        assert!(gone.read().is_err());
        assert!(gone.size().is_err());
    }

    use super::*;

    #[test]
    fn writes_then_replaces_atomically() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert(
            "es/cursos/a/index.html".into(),
            Data::Bytes(b"a"[..].into()),
        );
        files.insert("index.html".into(), Data::Bytes(b"root"[..].into()));
        assert_eq!(write(&out, dir.path(), &files).expect("write").0, 2);
        assert_eq!(
            std::fs::read(out.join("es/cursos/a/index.html")).expect("read"),
            b"a"
        );
        files.remove("es/cursos/a/index.html");
        let (_, cleanup) = write(&out, dir.path(), &files).expect("rewrite");
        assert!(cleanup.finish().is_empty());
        assert!(
            !out.join("es").exists(),
            "stale files are gone after a rebuild"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn a_detached_removal_is_left_to_the_other_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert("index.html".into(), Data::Bytes(b"v1"[..].into()));
        write(&out, dir.path(), &files).expect("write").1.finish();
        files.insert("index.html".into(), Data::Bytes(b"v2"[..].into()));
        let (_, cleanup) = write(&out, dir.path(), &files).expect("rewrite");
        // `true` removes nothing: whatever is gone was removed by this process.
        assert!(cleanup.detach(Path::new("true"), &[]).is_empty());
        let trash = format!(".public.aula-trash-{}", std::process::id());
        assert_eq!(names(dir.path()), vec![trash.clone(), "public".into()]);
        assert_eq!(std::fs::read(out.join("index.html")).expect("new"), b"v2");
        // What `aula remove-old-site OUT PID` runs: only that build's
        // folders go; another build's and anything else stay.
        let other = dir.path().join(".public.aula-trash-1");
        std::fs::create_dir(&other).expect("mkdir");
        std::fs::create_dir(dir.path().join("notes")).expect("mkdir");
        remove_old_site(&out, std::process::id());
        assert_eq!(
            names(dir.path()),
            vec![".public.aula-trash-1", "notes", "public"]
        );
    }

    #[test]
    fn a_removal_that_cannot_start_a_process_is_done_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert("index.html".into(), Data::Bytes(b"v1"[..].into()));
        write(&out, dir.path(), &files).expect("write").1.finish();
        let (_, cleanup) = write(&out, dir.path(), &files).expect("rewrite");
        let missing = dir.path().join("no-such-program");
        assert!(cleanup.detach(&missing, &[]).is_empty());
        assert_eq!(names(dir.path()), vec!["public"]);
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert("index.html".into(), Data::Bytes(b"old"[..].into()));
        write(&out, dir.path(), &files).expect("write");
        files.insert("x.png".into(), Data::Copy(dir.path().join("missing.png")));
        assert!(write(&out, dir.path(), &files).is_err());
        assert_eq!(std::fs::read(out.join("index.html")).expect("read"), b"old");
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        // No process has this id (above the kernel's pid_max).
        let stale = dir.path().join(".public.aula-tmp-4294967");
        std::fs::create_dir(&stale).expect("mkdir");
        let keep = dir.path().join(".public.aula-tmp-notapid");
        std::fs::create_dir(&keep).expect("mkdir");
        let mut files = Files::new();
        files.insert("index.html".into(), Data::Bytes(b"x"[..].into()));
        write(&dir.path().join("public"), dir.path(), &files).expect("write");
        assert!(!stale.exists(), "a dead build's folder is removed");
        assert!(keep.exists(), "folders aula did not name are left alone");
    }

    #[test]
    fn a_site_set_aside_by_a_killed_build_is_put_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        // Killed between its two renames: no public/, the old site aside.
        let aside = dir.path().join(".public.aula-old-4294967");
        std::fs::create_dir(&aside).expect("mkdir");
        std::fs::write(aside.join("index.html"), "old").expect("write");
        // What every build does first, also one that then fails to render.
        guard(&out, dir.path()).expect("public/ is fine");
        assert_eq!(std::fs::read(out.join("index.html")).expect("read"), b"old");
        assert!(!aside.exists());
    }

    #[test]
    fn without_an_exchange_two_renames_replace_the_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let place = Place::of(&dir.path().join("public"));
        let (tmp, out) = (dir.path().join("new"), &place.out);
        for (folder, text) in [(&tmp, "new"), (out, "old")] {
            std::fs::create_dir(folder).expect("mkdir");
            std::fs::write(folder.join("index.html"), text).expect("write");
        }
        let old = swap_with(&place, &tmp, |_, _| Ok(false))
            .expect("swap")
            .expect("an old site");
        assert_eq!(old, place.named(Kind::Trash));
        assert_eq!(std::fs::read(out.join("index.html")).expect("read"), b"new");
        assert_eq!(std::fs::read(old.join("index.html")).expect("read"), b"old");
        assert!(!tmp.exists() && !place.named(Kind::Old).exists());
    }

    #[test]
    fn a_second_writer_waits_then_says_who_holds_the_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        let place = Place::of(&dir.path().join("public"));
        let held = Lock::acquire(&place, Duration::ZERO).expect("first lock");
        let e = Lock::acquire(&place, Duration::from_millis(50))
            .err()
            .expect("second lock must wait, then fail");
        assert!(
            e.message.starts_with("another build is writing "),
            "{}",
            e.message
        );
        assert!(e.message.ends_with("public"), "{}", e.message);
        drop(held);
        assert!(!place.lock_file().exists(), "no lock file left behind");
        Lock::acquire(&place, Duration::ZERO).expect("free again");
    }

    #[test]
    fn waiting_writers_take_the_lock_in_turn_and_never_together() {
        let dir = tempfile::tempdir().expect("tempdir");
        let place = Place::of(&dir.path().join("public"));
        let held = Lock::acquire(&place, Duration::ZERO).expect("first lock");
        let inside = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    // Each has the file open and waits while the first holds it.
                    let lock = Lock::acquire(&place, Duration::from_secs(60)).expect("in turn");
                    let before = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    assert_eq!(before, 0, "two writers held the lock at once");
                    std::thread::sleep(Duration::from_millis(20));
                    inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    drop(lock);
                });
            }
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
        });
        assert!(!place.lock_file().exists(), "no lock file left behind");
    }

    #[test]
    fn refuses_to_overwrite_sources_or_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("aula.toml"), "").expect("write");
        assert!(write(dir.path(), dir.path(), &Files::new()).is_err());
        for place in [
            "content",
            "content/courses",
            "themes",
            "locales",
            "templates",
            "static/img",
            "public/../content",
            "..",
        ] {
            let e = guard(&dir.path().join(place), dir.path()).expect_err(place);
            assert!(e.message.contains("refusing"), "{place}: {}", e.message);
        }
        guard(&dir.path().join("public"), dir.path()).expect("public/ is fine");
        guard(&dir.path().join("content-out"), dir.path()).expect("a sibling is fine");
        #[cfg(unix)]
        {
            std::fs::create_dir(dir.path().join("content")).expect("mkdir");
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path().join("content"), &link).expect("symlink");
            assert!(guard(&link, dir.path()).is_err(), "a link to content/");
            assert!(guard(&link.join("x"), dir.path()).is_err(), "inside a link");
        }
        let f = dir.path().join("file");
        std::fs::write(&f, "").expect("write");
        let e = write(&f, dir.path(), &Files::new()).expect_err("a file");
        assert!(e.message.contains("is a file"));
    }
}
