//! Faults around writing the output: readers during rebuilds, builds at
//! the same time, and an old site that cannot be removed. Each test would
//! fail with the two-rename swap and no lock that aula had before.

use crate::common::*;
use aula::output::{self, Data, Files};
use std::path::Path;
use std::process::{Command, Output};

/// aula's own names next to an output folder called `public`.
fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public.aula-"))
        .collect()
}

/// [`leftovers`] once the removals that `aula build` left to processes of
/// their own have ended (or 30 s have passed): what stays for good.
fn settled_leftovers(parent: &Path) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let left = leftovers(parent);
        if left.is_empty() || std::time::Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A small site in memory whose every file says `version` (few folders:
/// removing one can take milliseconds on a busy disk).
fn small_site(version: usize) -> Files {
    let mut files = Files::new();
    files.insert(
        "index.html".into(),
        Data::Bytes(format!("v{version}").into_bytes().into()),
    );
    for i in 0..20 {
        files.insert(
            format!("es/page-{i}.html"),
            Data::Bytes(format!("v{version}").into_bytes().into()),
        );
    }
    files
}

#[cfg(target_os = "linux")]
#[test]
fn readers_never_see_the_output_missing_during_rebuilds() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    output::write(&out, dir.path(), &small_site(0)).expect("first write");
    let stop = AtomicBool::new(false);
    let (reads, misses) = (AtomicUsize::new(0), AtomicUsize::new(0));
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let page = out.join("index.html");
            while !stop.load(Ordering::Relaxed) {
                match std::fs::read(&page) {
                    Ok(_) => reads.fetch_add(1, Ordering::Relaxed),
                    Err(_) => misses.fetch_add(1, Ordering::Relaxed),
                };
            }
        });
        for version in 1..=200 {
            output::write(&out, dir.path(), &small_site(version)).expect("rewrite");
        }
        stop.store(true, Ordering::Relaxed);
    });
    let (reads, misses) = (reads.into_inner(), misses.into_inner());
    eprintln!("200 rebuilds: {reads} reads of public/index.html, {misses} missed");
    assert!(reads > 0, "the reader never ran");
    assert_eq!(misses, 0, "public/index.html was missing {misses} times");
    assert_eq!(read(&out, "index.html"), "v200");
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn writes_from_several_threads_at_once_all_succeed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for t in 0..4 {
            let (out, failures) = (&out, &failures);
            scope.spawn(move || {
                for i in 0..40 {
                    match output::write(
                        out,
                        out.parent().expect("parent"),
                        &small_site(t * 100 + i),
                    ) {
                        Ok((_, cleanup)) => {
                            let warnings = cleanup.finish();
                            assert!(warnings.is_empty(), "{warnings:?}");
                        }
                        Err(e) => failures.lock().expect("lock").push(e.to_string()),
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // One whole site, never a mix of two.
    let all = files(&out);
    assert_eq!(all.len(), 21);
    let version = read(&out, "index.html");
    for f in &all {
        assert_eq!(read(&out, f), version, "{f} is from another build");
    }
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

fn aula_build(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aula"))
        .args(["--quiet", "build", "--root"])
        .arg(root)
        .output()
        .expect("run aula")
}

#[test]
fn concurrent_builds_into_one_output_all_succeed() {
    let site = site("basic");
    let public = site.path().join("public");
    assert!(aula_build(site.path()).status.success());
    let expected = files(&public);
    for round in 0..20 {
        let builds: Vec<_> = (0..3)
            .map(|_| {
                let root = site.path().to_path_buf();
                std::thread::spawn(move || aula_build(&root))
            })
            .collect();
        for b in builds {
            let out = b.join().expect("build thread");
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(files(&public), expected, "round {round}");
    }
    assert_eq!(settled_leftovers(site.path()), Vec::<String>::new());
}

// ---- An old site that cannot be removed ---------------------------------

#[cfg(unix)]
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `aula build` as a user file modes apply to: `nobody` (through
/// `setpriv`) when the tests run as root. `None`, with the reason, when
/// that is impossible.
#[cfg(unix)]
fn build_as_user(root: &Path) -> Result<(Option<i32>, String), String> {
    let aula = env!("CARGO_BIN_EXE_aula");
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", aula]);
        c
    } else {
        Command::new(aula)
    };
    let out = cmd
        .arg("build")
        .arg("--root")
        .arg(root)
        .output()
        .map_err(|e| format!("cannot run aula as an unprivileged user (setpriv: {e})"))?;
    Ok((
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn an_old_site_that_cannot_be_removed_is_a_warning_and_is_retried() {
    let site = site("basic");
    let root = site.path();
    if is_root() {
        for e in walkdir::WalkDir::new(root).into_iter().flatten() {
            std::os::unix::fs::chown(e.path(), Some(65534), Some(65534)).expect("chown");
        }
    }
    let first = match build_as_user(root) {
        Ok(r) => r,
        Err(reason) => {
            eprintln!("skipped: {reason}");
            return;
        }
    };
    assert_eq!(first.0, Some(0), "{}", first.1);
    // A read-only folder inside the old site: its file cannot be deleted.
    let locked = root.join("public/locked");
    std::fs::create_dir(&locked).expect("mkdir");
    std::fs::write(locked.join("file"), "x").expect("write");
    if is_root() {
        for p in [&locked, &locked.join("file")] {
            std::os::unix::fs::chown(p, Some(65534), Some(65534)).expect("chown");
        }
    }
    set_mode(&locked, 0o555);

    // The build ends once the new site is in place; the old one's removal
    // (by a process of its own) fails without failing anything.
    let (code, stderr) = build_as_user(root).expect("ran before");
    assert_eq!(code, Some(0), "the new site is in place:\n{stderr}");
    assert!(!stderr.contains("left untouched"), "{stderr}");
    assert!(!stderr.contains("build failed"), "{stderr}");
    assert!(root.join("public/index.html").is_file());
    assert!(
        !root.join("public/locked").exists(),
        "the new site is in place"
    );

    // The next build waits for that removal, finds what it left, tries
    // again and says so, naming the folder.
    let (code, stderr) = build_as_user(root).expect("ran before");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("a previous site left by an earlier build could not be removed"),
        "{stderr}"
    );
    let stuck: Vec<String> = leftovers(root)
        .into_iter()
        .filter(|n| root.join(n).join("locked").is_dir())
        .collect();
    assert_eq!(stuck.len(), 1, "{stuck:?}");
    assert!(stderr.contains(&stuck[0]), "names the folder: {stderr}");

    // Writable again: the next build removes it.
    set_mode(&root.join(&stuck[0]).join("locked"), 0o755);
    let (code, stderr) = build_as_user(root).expect("ran before");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("could not be removed"), "{stderr}");
    assert_eq!(settled_leftovers(root), Vec::<String>::new());
}
