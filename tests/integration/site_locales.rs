//! A site's own `locales/<lang>/*.ftl` and `templates/`, next to
//! `aula.toml`, layered over the theme's: a site string replaces the
//! theme's string with the same key, message by message, and a key only
//! the site has works in the site's templates.

use crate::common::*;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn footer(html: &str) -> &str {
    let start = html.find("<footer").expect("page has a footer");
    &html[start..]
}

#[test]
fn a_site_string_overrides_the_theme_string_of_the_same_key() {
    let site = site("basic");
    let root = site.path();
    write(
        root,
        "locales/en/site.ftl",
        "footer-text = Published by the Faculty of Education.\n",
    );
    let report = build_ok(root);
    assert_eq!(render(&report.warnings), "");
    let public = root.join("public");
    let en = read(&public, "en/index.html");
    assert!(footer(&en).contains("<p>Published by the Faculty of Education.</p>"));
    assert!(
        !en.contains("Made with aula."),
        "the theme's text is replaced"
    );
    // Message by message: the theme's other English strings stay.
    assert!(en.contains("Skip to content"));
    // Other languages keep the theme's text.
    assert!(footer(&read(&public, "es/index.html")).contains("Hecho con aula."));
}

#[test]
fn a_site_only_key_works_in_a_site_template_and_in_other_messages() {
    let site = site("basic");
    let root = site.path();
    for (lang, tagline, label) in [
        ("es", "Aprender sin interrupciones", "Reutiliza este texto"),
        ("en", "Learning without interruptions", "Reuse this text"),
        ("pt", "Aprender sem interrupções", "Reutilize este texto"),
    ] {
        write(
            root,
            &format!("locales/{lang}/campus.ftl"),
            &format!(
                "campus-tagline = {tagline}\ncampus-reuse = {label}\nfooter-text = {{ campus-tagline }}.\n"
            ),
        );
    }
    // A site template that replaces the theme's partial of the same name.
    write(
        root,
        "templates/partials/tags.html",
        "<p class=\"reuse\">{{ t(key=\"campus-reuse\") }}</p>\n",
    );
    let report = build_ok(root);
    assert_eq!(render(&report.warnings), "");
    let public = root.join("public");
    let module = |lang: &str| {
        let dir = public.join(lang);
        files(&dir)
            .into_iter()
            .find(|f| {
                (f.starts_with("cursos/") || f.starts_with("courses/"))
                    && f.ends_with("/index.html")
                    && f.matches('/').count() == 3
            })
            .map(|f| read(&dir, &f))
            .unwrap_or_else(|| panic!("a module page in {lang}"))
    };
    assert!(module("es").contains("<p class=\"reuse\">Reutiliza este texto</p>"));
    assert!(module("en").contains("<p class=\"reuse\">Reuse this text</p>"));
    assert!(module("pt").contains("<p class=\"reuse\">Reutilize este texto</p>"));
    // A theme key overridden with a reference to a site-only key.
    assert!(footer(&read(&public, "pt/index.html")).contains("<p>Aprender sem interrupções.</p>"));
}
