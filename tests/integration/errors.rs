//! Every class of bad input gets its own fixture under
//! tests/fixtures/invalid/<case>/ (files laid over the valid `basic` site)
//! and a snapshot of the exact message: file, line, column, what is wrong
//! and how to fix it. Never a panic, never a touched public/.
//!
//! Two things git cannot carry are made when the case is laid over the
//! site: a `SYMLINKS` file lists links to create (`link -> target`, where
//! `$OUTSIDE` is a folder outside the site), and a `CHMOD` file lists
//! permissions to set (`path 000`). Cases with `CHMOD` run the `aula`
//! binary, as the unprivileged user `nobody` when the tests run as root
//! (root reads every file whatever its permissions), and snapshot what it
//! prints.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, bytes)
        })
        .collect()
}

/// Creates the links listed in the case's `SYMLINKS` and sets the modes of
/// its `CHMOD`; returns whether the case has `CHMOD`.
fn apply_manifests(root: &Path, outside: &Path) -> bool {
    let links = root.join("SYMLINKS");
    if let Ok(text) = std::fs::read_to_string(&links) {
        std::fs::remove_file(&links).expect("remove SYMLINKS");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (link, target) = line.split_once(" -> ").expect("`link -> target`");
            let target = match target.strip_prefix("$OUTSIDE/") {
                Some(name) => {
                    let t = outside.join(name);
                    std::fs::write(&t, "+++\ntitle = \"Outside\"\n+++\nNot part of the site.\n")
                        .expect("write outside file");
                    t
                }
                None => target.into(),
            };
            let link = root.join(link);
            let _ = std::fs::remove_file(&link);
            symlink(&target, &link);
        }
    }
    let modes = root.join("CHMOD");
    let Ok(text) = std::fs::read_to_string(&modes) else {
        return false;
    };
    std::fs::remove_file(&modes).expect("remove CHMOD");
    // `nobody` must be able to read everything else.
    chmod_tree(root);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (path, mode) = line.rsplit_once(' ').expect("`path mode`");
        let mode = u32::from_str_radix(mode, 8).expect("octal mode");
        set_mode(&root.join(path), mode);
    }
    true
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("create symlink");
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

// Cases with `SYMLINKS` or `CHMOD` need what only Unix has (links any
// user may make, read permissions per user): elsewhere they say so.
#[cfg(not(unix))]
fn symlink(_: &Path, link: &Path) {
    panic!("{}: the case's SYMLINKS need a Unix system", link.display());
}

#[cfg(not(unix))]
fn set_mode(path: &Path, _: u32) {
    panic!("{}: the case's CHMOD needs a Unix system", path.display());
}

/// Opens every folder and file of the tree to every user (and so undoes
/// a case's `CHMOD`, so the temp folder can be removed).
fn chmod_tree(root: &Path) {
    set_mode(root, 0o755);
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let Ok(e) = entry else { continue };
        if e.path_is_symlink() {
            continue;
        }
        if e.file_type().is_dir() {
            set_mode(e.path(), 0o755);
        } else {
            set_mode(e.path(), 0o644);
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `aula build` on `root` as a user the file modes apply to; returns
/// (exit code, stderr).
fn build_unprivileged(root: &Path) -> (Option<i32>, String) {
    let aula = env!("CARGO_BIN_EXE_aula");
    let root_arg = root.to_string_lossy().into_owned();
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", aula]);
        c
    } else {
        Command::new(aula)
    };
    let out = cmd
        .args(["build", "--root", &root_arg])
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run aula (and setpriv, from util-linux, when root)");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Builds `basic` with the case's files laid over it; returns the report.
fn errors_of(case: &str) -> String {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let before = contents(&public);
    let outside = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("invalid").join(case), site.path());
    let report = if apply_manifests(site.path(), outside.path()) {
        let (code, stderr) = build_unprivileged(site.path());
        chmod_tree(site.path());
        assert_eq!(code, Some(1), "{case}: exit code 1 expected:\n{stderr}");
        assert!(
            stderr.contains("= help:"),
            "{case}: says how to fix it: {stderr}"
        );
        stderr
    } else {
        let errs = match build(site.path()) {
            Ok(_) => panic!("{case}: the build should fail"),
            Err(e) => e,
        };
        assert!(
            errs.iter().any(|d| d.is_error()),
            "{case}: no error among diagnostics"
        );
        for d in errs.iter().filter(|d| d.is_error()) {
            assert!(
                d.help.is_some(),
                "{case}: every error says how to fix it: {d}"
            );
            assert!(d.file.is_some(), "{case}: every error names a file: {d}");
            assert_ne!(
                d.kind,
                aula::diagnostic::Kind::Other,
                "{case}: every error has a kind: {d}"
            );
        }
        render(&errs)
    };
    assert!(!report.contains("panicked"), "{case}: {report}");
    assert_eq!(contents(&public), before, "{case}: public/ changed");
    report.replace(&outside.path().display().to_string(), "$OUTSIDE")
}

/// Whether the case can be laid out on this system: elsewhere than on
/// Unix, links and file modes (`SYMLINKS`, `CHMOD`) and names with `?`
/// and other characters Windows forbids cannot be made; says so.
fn runs_here(case: &str) -> bool {
    if cfg!(unix) {
        return true;
    }
    let dir = fixture("invalid").join(case);
    let forbidden = walkdir::WalkDir::new(&dir).into_iter().flatten().any(|e| {
        e.file_name()
            .to_string_lossy()
            .contains(['?', '*', ':', '<', '>', '|', '"'])
    });
    let runs = !forbidden && !dir.join("SYMLINKS").exists() && !dir.join("CHMOD").exists();
    if !runs {
        eprintln!("skipped {case}: it needs links, file modes or file names that only Unix has");
    }
    runs
}

macro_rules! invalid {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                if !runs_here(stringify!($case)) {
                    return;
                }
                insta::assert_snapshot!(errors_of(stringify!($case)));
            }
        )*
        const CASES: &[&str] = &[$(stringify!($case)),*];
    };
}

invalid!(
    asset_outside,
    asset_replaces_page,
    corrupt_image,
    asset_symlink_outside,
    bad_config,
    bad_date,
    bad_slug,
    bad_toml,
    broken_anchor,
    broken_link,
    broken_symlink,
    config_syntax,
    course_without_index,
    data_url_link,
    duplicate_heading_id,
    duplicate_key,
    empty_file,
    empty_internal_link,
    empty_title,
    file_name_empty_slug,
    folder_empty_slug,
    fluent_syntax,
    heading_attribute,
    invalid_utf8,
    javascript_link,
    kind_key,
    misplaced_file,
    missing_asset,
    missing_front_matter,
    missing_template,
    missing_title,
    missing_ui_string,
    prerequisite_cycle,
    quiz_completion_without_question,
    quiz_no_correct,
    quiz_option_without_text,
    quiz_unknown_key,
    relative_markdown_link,
    section_segment,
    shortcode_arguments,
    segment_too_long,
    slug_absolute,
    slug_backslash,
    slug_empty,
    slug_nul,
    symlink_chain_loop,
    symlink_loop,
    symlink_outside,
    template_runtime,
    template_syntax,
    theme_not_found,
    unclosed_front_matter,
    unknown_course,
    unknown_key,
    unknown_language,
    unknown_section,
    unknown_shortcode,
    unreadable_file,
    unreadable_folder,
    url_collision,
    wrong_type,
);

#[test]
fn every_invalid_fixture_has_a_test() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixture("invalid"))
        .expect("invalid fixtures")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut cases: Vec<&str> = CASES.to_vec();
    cases.sort();
    assert_eq!(dirs, cases);
}

#[test]
fn docs_errors_md_shows_every_case() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .expect("docs/errors.md");
    let missing: Vec<&str> = CASES
        .iter()
        .copied()
        .filter(|case| !doc.contains(&format!("[`{case}`]")))
        .collect();
    assert!(
        missing.is_empty(),
        "add these cases, with their snapshot text, to docs/errors.md: {missing:?}"
    );
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let site = site("basic");
    copy_tree(&fixture("invalid/unknown_key"), site.path());
    copy_tree(&fixture("invalid/wrong_type"), site.path());
    copy_tree(&fixture("invalid/kind_key"), site.path());
    let errs = build(site.path()).expect_err("three bad files");
    assert_eq!(
        errs.iter().filter(|d| d.is_error()).count(),
        3,
        "{}",
        render(&errs)
    );
}

#[test]
fn empty_content_folder_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(fixture("basic/aula.toml"), dir.path().join("aula.toml")).expect("copy");
    std::fs::create_dir(dir.path().join("content")).expect("mkdir");
    let errs = build(dir.path()).expect_err("no pages");
    insta::assert_snapshot!(render(&errs));
}

#[test]
fn missing_config_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let errs = build(dir.path()).expect_err("no aula.toml");
    assert!(errs[0].message.starts_with("cannot read aula.toml"));
    assert!(errs[0].help.as_deref().unwrap_or("").contains("aula new"));
}

#[test]
fn output_that_is_a_file_is_an_error() {
    let site = site("basic");
    std::fs::write(site.path().join("public"), "not a folder").expect("write");
    let errs = build(site.path()).expect_err("public is a file");
    assert!(errs[0].message.contains("is a file"), "{}", render(&errs));
    assert_eq!(
        read(site.path(), "public"),
        "not a folder",
        "the file is left alone"
    );
    // The headline names the folder as the system writes paths, the
    // `-->` line with `/`: one form for the snapshot on every system.
    let slashed = |s: &str| s.replace('\\', "/");
    let root = slashed(&site.path().display().to_string());
    insta::assert_snapshot!(slashed(&render(&errs)).replace(&root, "$ROOT"));
}

/// The command line turns every bad input into exit code 1 and a
/// "build failed" line, never a panic (exit 101).
#[test]
fn every_invalid_case_exits_1_through_the_command_line() {
    for case in CASES.iter().filter(|c| runs_here(c)) {
        let site = site("basic");
        let outside = tempfile::tempdir().expect("tempdir");
        copy_tree(&fixture("invalid").join(case), site.path());
        let (code, stderr) = if apply_manifests(site.path(), outside.path()) {
            let r = build_unprivileged(site.path());
            chmod_tree(site.path());
            r
        } else {
            let out = Command::new(env!("CARGO_BIN_EXE_aula"))
                .args(["build", "--root"])
                .arg(site.path())
                .output()
                .expect("run aula");
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        assert_eq!(code, Some(1), "{case}:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{case}:\n{stderr}");
        assert!(
            stderr.contains("build failed: ") && stderr.contains("error: "),
            "{case}:\n{stderr}"
        );
        assert!(
            !site.path().join("public").exists(),
            "{case}: wrote public/"
        );
    }
}
