//! Lessons brought in from other generators (tests/fixtures/imported: four
//! short open lessons written for Jekyll/Liquid and Hugo, front matter
//! turned into TOML, bodies left as they were): the build succeeds, and
//! every leftover that would look wrong on the page is a warning of its
//! class, with its line and the fix. The counts are recorded in the
//! snapshot; `--strict` refuses to publish them.

use crate::common::*;
use std::collections::BTreeMap;

#[test]
fn imported_lessons_warn_about_everything_that_would_look_wrong() {
    let site = site("imported");
    let report = build_ok(site.path());
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &report.warnings {
        *by_kind.entry(w.kind.name()).or_default() += 1;
    }
    let counts: String = by_kind.iter().map(|(k, n)| format!("{k}: {n}\n")).collect();
    insta::assert_snapshot!("imported_counts", counts);
    insta::assert_snapshot!("imported_messages", render(&report.warnings));

    let public = site.path().join("public");
    let page = |p: &str| read(&public, &format!("en/courses/text-analysis/{p}/index.html"));
    // What renders cleanly: raw HTML notices keep their class; nothing
    // escaped shows as tag soup, no script or iframe survives.
    let shell = page("01-the-shell");
    assert!(
        shell.contains("<div class=\"alert alert-info\">"),
        "{}",
        main_of(&shell)
    );
    let counting = page("02-counting");
    assert!(counting.contains("<abbr title=\"Old Bailey Online\">OBO</abbr>"));
    assert!(!counting.contains("onclick"));
    let mapping = page("03-mapping");
    assert!(!mapping.contains("<iframe"));
    let reading = page("04-reading");
    assert!(reading.contains("<details>") && reading.contains("<summary>"));
    for html in [&shell, &counting, &mapping, &reading] {
        assert!(!main_of(html).contains("&lt;div"), "no escaped HTML");
    }

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aula"))
        .args(["check", "--strict", "--root"])
        .arg(site.path())
        .output()
        .expect("run aula");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn following_every_help_gives_a_clean_strict_build() {
    let site = site("imported-fixed");
    let mut opts = options(site.path());
    opts.strict = true;
    let report = match aula::build::build(&opts) {
        Ok(r) => r,
        Err(e) => panic!("{}", render(&e)),
    };
    assert!(report.warnings.is_empty());
    let page = read(
        &site.path().join("public"),
        "en/courses/text-analysis/03-mapping/index.html",
    );
    let main = main_of(&page);
    for leftover in ["{%", "{{", "&lt;", "<iframe"] {
        assert!(!main.contains(leftover), "{leftover}: {main}");
    }
    assert!(main.contains("<figcaption>Places mentioned in the letters</figcaption>"));
    assert!(main.contains("class=\"callout callout-tip\""));
    assert!(main.contains("class=\"embed\""));
}
