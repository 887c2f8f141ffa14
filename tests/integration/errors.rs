//! Every class of bad input gets its own fixture under
//! tests/fixtures/invalid/<case>/ (files laid over the valid `basic` site)
//! and a snapshot of the exact message: file, line, column, what is wrong
//! and how to fix it. Never a panic, never a touched public/.

use crate::common::*;

/// Builds `basic` with the case's files laid over it; returns the report.
fn errors_of(case: &str) -> String {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let before = files(&public);
    copy_tree(&fixture("invalid").join(case), site.path());
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
    }
    assert_eq!(files(&public), before, "{case}: public/ changed");
    render(&errs)
}

macro_rules! invalid {
    ($($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                insta::assert_snapshot!(errors_of(stringify!($case)));
            }
        )*
        const CASES: &[&str] = &[$(stringify!($case)),*];
    };
}

invalid!(
    bad_config,
    bad_slug,
    bad_toml,
    broken_anchor,
    broken_link,
    fluent_syntax,
    invalid_utf8,
    kind_key,
    misplaced_file,
    missing_asset,
    missing_front_matter,
    missing_title,
    missing_ui_string,
    template_syntax,
    unclosed_front_matter,
    unknown_course,
    unknown_key,
    unknown_language,
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
}
