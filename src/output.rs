//! Output: writing the rendered site to disk, atomically.
//!
//! Everything is written into a hidden temporary folder next to the
//! output folder; only when every file is written is the old output moved
//! aside and the new one renamed into place. A failed or interrupted build
//! therefore never leaves a half-written `public/`. Folders are created
//! once each, in sorted order, and files are written in parallel.

use crate::diagnostic::Diagnostic;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The content of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// Shared, so an unchanged page can be kept from one build to the next.
    Bytes(std::sync::Arc<[u8]>),
    /// Copied from a source file (colocated assets).
    Copy(PathBuf),
}

/// All output files by path relative to the output folder (`/`-separated).
pub type Files = BTreeMap<String, Data>;

/// Writes `files` as the new content of `out`. Returns the number of files.
pub fn write(out: &Path, root: &Path, files: &Files) -> Result<usize, Diagnostic> {
    guard(out, root)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    std::fs::create_dir_all(parent)
        .map_err(|e| io_error(parent, &e, "cannot create the output's parent folder"))?;
    remove_leftovers(parent, &name);
    let tmp = parent.join(format!(".{name}.aula-tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.aula-old-{}", std::process::id()));
    let result = write_tree(&tmp, files).and_then(|()| swap(out, &tmp, &old));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result.map(|()| files.len())
}

/// Removes temporary folders that a killed build left next to the output.
/// Only names aula itself makes are touched; errors are ignored (a folder
/// still in use by a concurrent build is simply left).
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.aula-tmp-"), format!(".{name}.aula-old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let ours = prefixes.iter().any(|p| {
            file_name.strip_prefix(p.as_str()).is_some_and(|pid| {
                !pid.is_empty()
                    && pid.chars().all(|c| c.is_ascii_digit())
                    && pid != std::process::id().to_string()
            })
        });
        if ours && entry.path().is_dir() && !pid_alive(&file_name) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether the process whose id ends a leftover folder's name still runs
/// (Linux: /proc; elsewhere assumed gone).
fn pid_alive(folder: &str) -> bool {
    let pid = folder.rsplit('-').next().unwrap_or("");
    Path::new("/proc").join(pid).exists()
}

/// Folders of a site that hold its sources: the output may not be, hold or
/// lie inside any of them, since it is replaced wholesale.
pub const SOURCE_FOLDERS: [&str; 5] = ["content", "themes", "locales", "templates", "static"];

/// Refuses output folders whose replacement would destroy sources: the
/// site root itself or any folder above it, any source folder, anything
/// inside one, and any folder that holds one. Paths are compared after
/// resolving symlinks and `..`, so `content/../content` or a link to
/// `content/` is caught too.
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
    Ok(())
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

fn write_tree(tmp: &Path, files: &Files) -> Result<(), Diagnostic> {
    if tmp.exists() {
        std::fs::remove_dir_all(tmp)
            .map_err(|e| io_error(tmp, &e, "cannot clear a stale temporary folder"))?;
    }
    std::fs::create_dir(tmp)
        .map_err(|e| io_error(tmp, &e, "cannot create the temporary output folder"))?;
    let mut dirs = BTreeSet::new();
    for path in files.keys() {
        let mut p = path.as_str();
        while let Some((parent, _)) = p.rsplit_once('/') {
            if !dirs.insert(parent) {
                break;
            }
            p = parent;
        }
    }
    // BTreeSet order puts every parent before its children.
    for d in &dirs {
        let path = tmp.join(d);
        std::fs::create_dir(&path)
            .map_err(|e| io_error(&path, &e, "cannot create an output folder"))?;
    }
    files.par_iter().try_for_each(|(rel, data)| {
        let path = tmp.join(rel);
        match data {
            Data::Bytes(b) => std::fs::write(&path, &b[..])
                .map_err(|e| io_error(&path, &e, "cannot write an output file")),
            Data::Copy(src) => std::fs::copy(src, &path)
                .map(|_| ())
                .map_err(|e| io_error(src, &e, "cannot copy this file into the output")),
        }
    })
}

fn swap(out: &Path, tmp: &Path, old: &Path) -> Result<(), Diagnostic> {
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, old)
            .map_err(|e| io_error(out, &e, "cannot move the previous output aside"))?;
    }
    if let Err(e) = std::fs::rename(tmp, out) {
        if had_old {
            let _ = std::fs::rename(old, out);
        }
        return Err(io_error(out, &e, "cannot move the new output into place"));
    }
    if had_old {
        std::fs::remove_dir_all(old).map_err(|e| {
            io_error(
                old,
                &e,
                "the new site is in place, but the previous one could not be removed",
            )
        })?;
    }
    Ok(())
}

fn io_error(path: &Path, e: &std::io::Error, what: &str) -> Diagnostic {
    Diagnostic::error(format!("{what}: {e}")).file(path).help(
        "check that the folder exists, that you may write to it, and that the disk is not full",
    )
}

#[cfg(test)]
mod tests {
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
        assert_eq!(write(&out, dir.path(), &files).expect("write"), 2);
        assert_eq!(
            std::fs::read(out.join("es/cursos/a/index.html")).expect("read"),
            b"a"
        );
        files.remove("es/cursos/a/index.html");
        write(&out, dir.path(), &files).expect("rewrite");
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
