//! What builds but would silently look wrong: each class of warning has a
//! fixture under tests/fixtures/warnings/<case>/ (files laid over the valid
//! `basic` site) and a snapshot of its exact text; `--strict` turns them
//! into errors. Also: the default shortcodes and implicit figures as a
//! built page shows them, and shortcodes left alone inside code.

use crate::common::*;
use aula::diagnostic::Kind;
use std::process::Command;

/// Builds `basic` with the case's files laid over it; returns the site and
/// its warnings.
fn built_with(case: &str) -> (tempfile::TempDir, Vec<aula::diagnostic::Diagnostic>) {
    let site = site("basic");
    copy_tree(&fixture("warnings").join(case), site.path());
    let report = build_ok(site.path());
    (site, report.warnings)
}

fn warnings_of(case: &str, kind: Kind) -> String {
    let (_site, warnings) = built_with(case);
    assert!(!warnings.is_empty(), "{case}: no warning");
    for w in &warnings {
        assert_eq!(w.kind, kind, "{case}: only {kind:?} warnings: {w}");
        assert!(w.help.is_some() && w.line.is_some(), "{case}: {w}");
    }
    render(&warnings)
}

macro_rules! warning {
    ($($case:ident: $kind:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                insta::assert_snapshot!(warnings_of(stringify!($case), Kind::$kind));
            }
        )*
        const CASES: &[&str] = &[$(stringify!($case)),*];
    };
}

warning!(
    code_language: CodeLanguage,
    duplicate_title: DuplicateTitle,
    foreign_hugo: ForeignSyntax,
    foreign_liquid: ForeignSyntax,
    missing_alt: MissingAlt,
    root_relative_link: RootRelativeLink,
    sanitized_html: SanitizedHtml,
);

#[test]
fn every_warning_fixture_has_a_test_and_is_in_the_docs() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixture("warnings"))
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs, CASES);
    let doc = read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        "docs/errors.md",
    );
    for case in CASES {
        assert!(
            doc.contains(&format!("[`{case}`]")),
            "docs/errors.md lacks {case}"
        );
    }
}

#[test]
fn strict_turns_every_warning_into_an_error_and_writes_nothing() {
    for case in CASES {
        let site = site("basic");
        copy_tree(&fixture("warnings").join(case), site.path());
        for args in [&["build", "--strict"][..], &["check", "--strict"]] {
            let out = Command::new(env!("CARGO_BIN_EXE_aula"))
                .args(args)
                .arg("--root")
                .arg(site.path())
                .output()
                .expect("run aula");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{case} {args:?}:\n{stderr}");
            assert!(
                stderr.contains("error: ") && !stderr.contains("warning: "),
                "{case}:\n{stderr}"
            );
        }
        assert!(
            !site.path().join("public").exists(),
            "{case}: wrote public/"
        );
        // Without --strict the same site builds.
        let out = Command::new(env!("CARGO_BIN_EXE_aula"))
            .args(["build", "--root"])
            .arg(site.path())
            .output()
            .expect("run aula");
        assert_eq!(out.status.code(), Some(0), "{case}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("warning: "),
            "{case}"
        );
    }
}

/// A page that uses every default shortcode, an implicit figure, and
/// shortcodes inside code.
const SHORTCODES: &str = r#"+++
title = "Shortcodes"
+++

![A diagram](diagram.png "The diagram, with a caption")

{% note() %}
Some **bold** text and [a link](@/about.md).
{% end %}

{% tip(title="A better way") %}
Use `{{ tip() }}` sparingly.
{% end %}

{% warning() %}
Mind the gap.
{% end %}

{% figure(caption="Two diagrams", credit="Drawings: A. Author, CC BY 4.0") %}
![First diagram](diagram.png)
![Second diagram](diagram.png)
{% end %}

{{ video(src="diagram.png", poster="diagram.png", title="Intro lecture", duration="3:20") }}

{{ video(src="https://www.youtube.com/watch?v=abc", title="Remote lecture") }}

{{ embed(url="https://www.openstreetmap.org/#map=5/0/0", player="https://www.openstreetmap.org/export/embed.html", title="A map") }}

Inline `{{ video() }}` and a block:

```text
{% note() %}not run{% end %} {{ embed(url="x") }} {% include x.html %}
```
"#;

#[test]
fn default_shortcodes_and_figures_render() {
    let site = site("basic");
    std::fs::write(
        site.path().join("content/courses/alpha/sc.en.md"),
        SHORTCODES,
    )
    .expect("write");
    let report = build_ok(site.path());
    assert!(report.warnings.is_empty(), "{}", render(&report.warnings));
    let html = read(
        &site.path().join("public"),
        "en/courses/alfa-en/sc/index.html",
    );
    let main = main_of(&html);
    assert!(
        main.contains("<code>{% note() %}not run{% end %} {{ embed(url=&quot;x&quot;) }}"),
        "{main}"
    );
    assert!(main.contains("<code>{{ video() }}</code>"), "{main}");
    assert!(
        !main.contains("<iframe"),
        "nothing is embedded before a click"
    );
    insta::assert_snapshot!(main);
}

#[test]
fn shortcode_files_are_copied_and_checked() {
    let site = site("basic");
    std::fs::write(
        site.path().join("content/courses/alpha/sc.en.md"),
        "+++\ntitle = \"V\"\n+++\n\n{{ video(src=\"gone.mp4\", title=\"Gone\") }}\n\n{{ embed(url=\"javascript:alert(1)\", title=\"x\") }}\n",
    )
    .expect("write");
    let errors = build(site.path()).expect_err("missing file and a script URL");
    let text = render(&errors);
    assert!(text.contains("missing file `gone.mp4`"), "{text}");
    assert!(text.contains("`url` is a `javascript:` URL"), "{text}");
}

#[test]
fn the_sample_campus_checks_clean_under_strict() {
    let out = Command::new(env!("CARGO_BIN_EXE_aula"))
        .args(["check", "--strict", "--root", env!("CARGO_MANIFEST_DIR")])
        .output()
        .expect("run aula");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("warning: ") && !stderr.contains("error: "),
        "{stderr}"
    );
}
