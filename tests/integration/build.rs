//! A valid trilingual fixture builds into the expected files, with
//! relative links that all resolve, deterministically and atomically.

use crate::common::*;
use aula::build;
use aula::site::LinkStyle;

#[test]
fn every_kind_of_page_in_three_languages() {
    let site = site("basic");
    let report = build_ok(site.path());
    assert!(report.warnings.is_empty(), "{}", render(&report.warnings));
    let public = site.path().join("public");
    // The search bundle's names are content hashes, and it exists only
    // with the `search` feature: tests/integration/search.rs checks it.
    let listed: Vec<String> = files(&public)
        .into_iter()
        .filter(|f| !f.starts_with("pagefind/"))
        .collect();
    insta::assert_snapshot!(unhash(&listed.join("\n")));
    for (lang, home) in [("es", "Inicio"), ("en", "Home"), ("pt", "Início")] {
        let html = read(&public, &format!("{lang}/index.html"));
        assert!(
            html.contains(&format!("<html lang=\"{lang}\"")),
            "{lang} home has its lang"
        );
        assert!(html.contains(home));
    }
    let en_course = read(&public, "en/courses/alfa-en/index.html");
    assert!(en_course.contains("Alpha course"));
    assert!(
        en_course.contains("Introduction") && en_course.contains("Guided practice"),
        "outline lists modules"
    );
}

#[test]
fn internal_links_resolve_to_same_language_with_anchors() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let es = read(&public, "es/cursos/alfa-es/01-intro/index.html");
    assert!(
        es.contains("href=\"../02-practice/#steps\""),
        "module link with anchor"
    );
    assert!(
        es.contains("href=\"../../../guias/access/#tables\""),
        "link into another section"
    );
    let pt = read(&public, "pt/cursos/alfa-pt/01-intro/index.html");
    assert!(pt.contains("href=\"../../../guias/access/#tables\""));
    let en = read(
        &public,
        "en/cursos/alfa-en/01-intro/index.html"
            .replace("cursos", "courses")
            .as_str(),
    );
    assert!(
        en.contains("href=\"../../../guidelines/access/#tables\""),
        "en uses en section names"
    );
}

#[test]
fn every_link_is_relative_and_resolves() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    for rel in files(&public).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read(&public, &rel);
        for r in references(&html) {
            assert!(!r.starts_with('/'), "{rel} has a root-absolute link {r}");
        }
    }
    assert_eq!(broken_references(&public), Vec::<String>::new());
}

#[test]
fn file_links_mode_points_at_index_html() {
    let site = site("basic");
    let mut opts = options(site.path());
    opts.links = LinkStyle::File;
    build::build(&opts).expect("builds");
    let public = site.path().join("public");
    let es = read(&public, "es/cursos/alfa-es/01-intro/index.html");
    assert!(es.contains("href=\"../02-practice/index.html#steps\""));
    assert_eq!(broken_references(&public), Vec::<String>::new());
}

#[test]
fn rebuilds_are_byte_identical() {
    let site = site("basic");
    let mut opts = options(site.path());
    opts.output = Some(site.path().join("one"));
    build::build(&opts).expect("first build");
    opts.output = Some(site.path().join("two"));
    build::build(&opts).expect("second build");
    let (one, two) = (site.path().join("one"), site.path().join("two"));
    assert_eq!(files(&one), files(&two));
    for f in files(&one) {
        assert_eq!(
            std::fs::read(one.join(&f)).ok(),
            std::fs::read(two.join(&f)).ok(),
            "{f} differs"
        );
    }
}

#[test]
fn failed_build_keeps_previous_output() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let before: Vec<(String, Vec<u8>)> = files(&public)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(public.join(&f)).expect("read")))
        .collect();
    std::fs::write(
        site.path().join("content/about.es.md"),
        "+++\ntitle = \"x\"\nbroken = \n+++\n",
    )
    .expect("write");
    assert!(build(site.path()).is_err());
    let after: Vec<(String, Vec<u8>)> = files(&public)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(public.join(&f)).expect("read")))
        .collect();
    assert!(before == after, "public/ changed after a failed build");
    let names = leftovers(site.path());
    assert!(names.is_empty(), "temporary folders left behind: {names:?}");
}

#[test]
fn drafts_only_with_the_flag() {
    let site = site("basic");
    build_ok(site.path());
    assert!(!site.path().join("public/es/draft").exists());
    let mut opts = options(site.path());
    opts.drafts = true;
    build::build(&opts).expect("builds");
    assert!(site.path().join("public/es/draft/index.html").is_file());
}

#[test]
fn module_page_main_snapshot() {
    let site = site("basic");
    build_ok(site.path());
    let html = read(
        &site.path().join("public"),
        "es/cursos/alfa-es/01-intro/index.html",
    );
    insta::assert_snapshot!(main_of(&html));
}

#[test]
fn colocated_assets_are_copied_next_to_each_page() {
    let site = site("basic");
    build_ok(site.path());
    for p in [
        "es/cursos/alfa-es/01-intro",
        "en/courses/alfa-en/01-intro",
        "pt/cursos/alfa-pt/01-intro",
    ] {
        assert!(
            site.path()
                .join("public")
                .join(p)
                .join("diagram.png")
                .is_file(),
            "{p}"
        );
    }
}

#[test]
fn highlighting_uses_classes_and_one_stylesheet() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let html = read(&public, "es/cursos/alfa-es/02-practice/index.html");
    assert!(
        html.contains("<span class=\"l"),
        "toml block is highlighted with classes"
    );
    assert!(!html.contains("style=\""), "no inline styles");
    let syntax = hashed(&public, "syntax.css");
    assert!(html.contains(&syntax), "links {syntax}");
    let css = read(&public, &syntax);
    assert!(css.contains("prefers-color-scheme:dark"), "minified: {css}");
}

#[test]
fn module_pages_link_prev_and_next() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let first = read(&public, "es/cursos/alfa-es/01-intro/index.html");
    assert!(first.contains("rel=\"next\"") && !first.contains("rel=\"prev\""));
    let second = read(&public, "es/cursos/alfa-es/02-practice/index.html");
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
}

#[test]
fn language_switcher_links_translations() {
    let site = site("basic");
    build_ok(site.path());
    let html = read(
        &site.path().join("public"),
        "pt/cursos/alfa-pt/02-practice/index.html",
    );
    assert!(html.contains("href=\"../../../../es/cursos/alfa-es/02-practice/\""));
    assert!(html.contains("href=\"../../../../en/courses/alfa-en/02-practice/\""));
}

#[test]
fn a_partial_default_theme_overrides_only_its_files() {
    let site = site("basic");
    let dir = site.path().join("themes/default/templates");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("page.html"),
        "<!doctype html><html lang=\"{{ lang }}\"><title>{{ page.title }}</title><main>CUSTOM {{ page.title }}</main></html>",
    )
    .expect("write");
    build_ok(site.path());
    let public = site.path().join("public");
    assert!(read(&public, "es/about/index.html").contains("CUSTOM"));
    assert!(
        read(&public, "es/cursos/alfa-es/01-intro/index.html").contains("class=\"outline\""),
        "other templates stay built in"
    );
}

#[test]
fn a_folder_page_takes_its_slug() {
    let site = site("basic");
    let dir = site.path().join("content/help");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("_index.pt.md"),
        "+++\ntitle = \"Ajuda\"\nslug = \"ajuda\"\n+++\n",
    )
    .expect("write");
    std::fs::write(dir.join("faq.pt.md"), "+++\ntitle = \"Perguntas\"\n+++\n").expect("write");
    build_ok(site.path());
    let public = site.path().join("public");
    assert!(public.join("pt/ajuda/index.html").is_file());
    assert!(
        public.join("pt/help/faq/index.html").is_file(),
        "children keep the folder name"
    );
}
