//! Translation workflow on tests/fixtures/translations: a course complete
//! in es, partial in pt (module two missing), absent in en; a guideline in
//! es and en only, with pt falling back to en first (`fallback = ["en"]`).

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn built(extra_config: &str) -> tempfile::TempDir {
    let site = site("translations");
    if !extra_config.is_empty() {
        let path = site.path().join("aula.toml");
        let config = std::fs::read_to_string(&path).expect("config");
        std::fs::write(&path, format!("{config}\n{extra_config}")).expect("write config");
    }
    build_ok(site.path());
    site
}

fn head_of(html: &str) -> &str {
    let start = html.find("<head>").expect("has <head>");
    let end = html.find("</head>").expect("has </head>") + "</head>".len();
    &html[start..end]
}

fn links_with(html: &str, attr: &str) -> Vec<String> {
    html.lines()
        .filter(|l| l.contains(attr))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn notice_policy_renders_missing_pages_in_the_target_ui() {
    let site = built("");
    let public = site.path().join("public");
    // en has no course at all: every page exists with a notice, from es.
    let en = read(&public, "en/courses/alpha/02-two/index.html");
    assert!(en.contains("<html lang=\"en\""), "English UI");
    assert!(
        en.contains("This page has not been translated into English yet; it is shown in Spanish.")
    );
    assert!(
        en.contains("<div class=\"content\" lang=\"es\">"),
        "the Spanish text is marked as Spanish"
    );
    assert!(en.contains("<h1 lang=\"es\">Dos</h1>"));
    insta::assert_snapshot!("notice_head_en_module", unhash(head_of(&en)));
    // pt has module one but not two.
    let pt = read(&public, "pt/cursos/alfa-pt/02-two/index.html");
    assert!(pt.contains(
        "Esta página ainda não foi traduzida para o português; mostramos a versão em espanhol."
    ));
    // pt's guideline follows pt's chain to en before es.
    let guide = read(&public, "pt/guias/guide/index.html");
    assert!(
        guide.contains("<h1 lang=\"en\">Guide</h1>"),
        "pt -> en before es"
    );
    assert!(guide.contains("mostramos a versão em inglês"));
}

#[test]
fn notice_pages_are_noindex_with_canonical_to_their_source() {
    let site = built("");
    let public = site.path().join("public");
    let head = read(&public, "pt/cursos/alfa-pt/02-two/index.html");
    let head = head_of(&head);
    assert!(head.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(head.contains(
        "<link rel=\"canonical\" href=\"https://t.example.org/campus/es/cursos/alfa/dos/\">"
    ));
    assert!(
        !head.contains("hreflang"),
        "a fallback page lists no translations: {head}"
    );
}

#[test]
fn hreflang_lists_only_real_translations() {
    let site = built("");
    let public = site.path().join("public");
    let es = read(&public, "es/cursos/alfa/uno/index.html");
    let alternates = links_with(head_of(&es), "rel=\"alternate\" hreflang");
    assert_eq!(
        alternates,
        [
            "<link rel=\"alternate\" hreflang=\"es\" href=\"https://t.example.org/campus/es/cursos/alfa/uno/\">",
            "<link rel=\"alternate\" hreflang=\"pt\" href=\"https://t.example.org/campus/pt/cursos/alfa-pt/um/\">",
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://t.example.org/campus/es/cursos/alfa/uno/\">",
        ]
    );
    insta::assert_snapshot!("real_translation_head_es_module", unhash(head_of(&es)));
    // Module two exists only in es: no alternates at all.
    let two = read(&public, "es/cursos/alfa/dos/index.html");
    assert!(!head_of(&two).contains("hreflang"));
    assert!(!head_of(&two).contains("noindex"));
}

#[test]
fn switcher_goes_to_the_same_page_or_its_notice_page() {
    let site = built("");
    let public = site.path().join("public");
    let pt = read(&public, "pt/cursos/alfa-pt/um/index.html");
    assert!(pt.contains(
        "href=\"../../../../es/cursos/alfa/uno/\" lang=\"es\" hreflang=\"es\">Español</a>"
    ));
    assert!(
        pt.contains("href=\"../../../../en/courses/alpha/01-one/\" lang=\"en\" hreflang=\"en\">English<span class=\"vh\" lang=\"pt\"> (sem tradução, em espanhol)</span>"),
        "en is a notice page showing Spanish, marked as such"
    );
}

#[test]
fn omit_policy_writes_no_page_and_links_to_the_fallback() {
    let site = built("[translations]\nmissing = \"omit\"\n");
    let public = site.path().join("public");
    assert!(
        !public.join("en/courses/alpha").exists(),
        "no en course pages"
    );
    assert!(!public.join("pt/cursos/alfa-pt/02-two").exists());
    assert!(
        public.join("pt/cursos/alfa-pt/um/index.html").is_file(),
        "real translations stay"
    );
    // The pt outline lists module two, linking to the es page, marked.
    let pt = read(&public, "pt/cursos/alfa-pt/um/index.html");
    assert!(pt.contains("href=\"../../../../es/cursos/alfa/dos/\" lang=\"es\" hreflang=\"es\">Dos</a> <span class=\"lang-mark\">(em espanhol)</span>"));
    // An @/ link from the pt home to module two resolves to the es page.
    let home = read(&public, "pt/index.html");
    assert!(
        home.contains("href=\"../es/cursos/alfa/dos/#practice\" hreflang=\"es\""),
        "marked with its language: {}",
        main_of(&home)
    );
    // The en course list shows the es course, marked.
    let courses = read(&public, "en/courses/index.html");
    assert!(courses.contains("lang=\"es\" hreflang=\"es\">Curso Alfa</a>"));
    assert_eq!(broken_references(&public), Vec::<String>::new());
}

#[test]
fn policy_can_be_overridden_per_section() {
    let site = built(
        "[translations]\nmissing = \"omit\"\n[translations.sections]\nguidelines = \"notice\"\n",
    );
    let public = site.path().join("public");
    assert!(!public.join("en/courses/alpha").exists(), "courses: omit");
    assert!(
        public.join("pt/guias/guide/index.html").is_file(),
        "guidelines: notice"
    );
}

fn aula(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aula"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("runs")
}

fn pt_one_status(root: &Path) -> String {
    let out = aula(root, &["check", "--translations", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let pages = json["translations"]["pages"]
        .as_array()
        .expect("pages")
        .clone();
    let one = pages
        .iter()
        .find(|p| p["key"] == "courses/alpha/01-one")
        .expect("module one");
    one["languages"]["pt"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn outdated_flips_on_body_change_not_on_trailing_white_space() {
    let site = site("translations");
    assert_eq!(pt_one_status(site.path()), "up-to-date");
    let es = site.path().join("content/courses/alpha/01-one.es.md");
    let text = std::fs::read_to_string(&es).expect("read");
    std::fs::write(
        &es,
        format!("{}   \n\n\n", text.trim_end().replace('\n', "  \r\n")),
    )
    .expect("write");
    assert_eq!(
        pt_one_status(site.path()),
        "up-to-date",
        "white space at line ends and CRLF are not changes"
    );
    std::fs::write(&es, format!("{text}\nUna frase nueva.\n")).expect("write");
    assert_eq!(
        pt_one_status(site.path()),
        "outdated",
        "a new sentence is a change"
    );
}

#[test]
fn translation_hash_command_prints_the_recorded_hash() {
    let site = site("translations");
    let out = aula(
        site.path(),
        &["translation-hash", "content/courses/alpha/01-one.es.md"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let pt = read(site.path(), "content/courses/alpha/01-one.pt.md");
    assert!(pt.contains(&format!("translation_of = \"{hash}\"")));
}

#[test]
fn json_report_schema() {
    let site = site("translations");
    let out = aula(
        site.path(),
        &["check", "--translations", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "not strict: missing pages do not fail"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    insta::assert_json_snapshot!(json);
}

#[test]
fn strict_fails_when_work_remains() {
    let site = site("translations");
    let out = aula(site.path(), &["check", "--translations", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("missing    courses/alpha/02-two in en (source: es)"),
        "{text}"
    );
}

#[test]
fn missing_explicit_anchor_in_a_translation_is_reported() {
    let site = site("translations");
    let report = build_ok(site.path());
    let text = render(&report.warnings);
    assert!(text.contains("the source content/guidelines/guide.es.md has the anchor `#tables` but this translation does not"));
    assert!(text.contains("--> content/guidelines/guide.en.md"));
}

#[test]
fn status_page_is_built_and_hidden_from_search() {
    let site = built("");
    let html = read(&site.path().join("public"), "translations/index.html");
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(html.contains("Estado de las traducciones"));
    assert!(html.contains("courses/alpha"));
    let home = read(&site.path().join("public"), "es/index.html");
    assert!(
        !home.contains("translations/"),
        "not linked from learner navigation"
    );
}

#[test]
fn sitemap_is_valid_xml_with_real_alternates_only() {
    let site = built("");
    let xml = read(&site.path().join("public"), "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<&str> = root
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://t.example.org/campus/es/cursos/alfa/dos/"));
    assert!(
        !locs.iter().any(|l| l.contains("/en/courses/alpha/")),
        "notice pages are not in the sitemap"
    );
    let alternates: Vec<&str> = root
        .descendants()
        .filter(|n| {
            n.tag_name().name() == "link"
                && n.tag_name().namespace() == Some("http://www.w3.org/1999/xhtml")
        })
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert!(alternates.contains(&"https://t.example.org/campus/pt/cursos/alfa-pt/um/"));
    assert!(!alternates.iter().any(|l| l.contains("02-two")));
    assert!(xml.contains("<lastmod>2026-10-01</lastmod>"));
    let robots = read(&site.path().join("public"), "robots.txt");
    assert!(robots.contains("Sitemap: https://t.example.org/campus/sitemap.xml"));
}

#[test]
fn atom_feeds_parse_and_list_dated_modules_and_guidelines() {
    let site = built("");
    let public = site.path().join("public");
    let xml = read(&public, "es/atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("feed is well-formed XML");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "entry")
        .filter_map(|e| {
            e.children()
                .find(|c| c.tag_name().name() == "title")
                .and_then(|t| t.text())
        })
        .collect();
    assert_eq!(titles, ["Dos", "Uno", "Guía"], "newest first");
    // en has only a dated guideline of its own; notice pages are not entries.
    let en = read(&public, "en/atom.xml");
    roxmltree::Document::parse(&en).expect("en feed parses");
    assert!(en.contains("<title>Guide</title>") && !en.contains("<title>Dos</title>"));
}

#[test]
fn no_base_url_means_no_machine_files_and_a_warning() {
    let site = site("translations");
    let path = site.path().join("aula.toml");
    let config = std::fs::read_to_string(&path)
        .expect("config")
        .replace("base_url = \"https://t.example.org/campus/\"\n", "");
    std::fs::write(&path, config).expect("write");
    let report = build_ok(site.path());
    let public = site.path().join("public");
    assert!(
        !public.join("sitemap.xml").exists()
            && !public.join("robots.txt").exists()
            && !public.join("es/atom.xml").exists()
    );
    assert!(render(&report.warnings).contains(
        "base_url is not set: sitemap.xml, robots.txt and the Atom feeds were not written"
    ));
    let head = read(&public, "es/cursos/alfa/uno/index.html");
    assert!(!head_of(&head).contains("canonical"));
}

#[test]
fn chooser_and_404_work_without_script_and_load_small_scripts() {
    let site = built("");
    let public = site.path().join("public");
    let chooser = read(&public, "index.html");
    for (code, name) in [("es", "Español"), ("en", "English"), ("pt", "Português")] {
        assert!(chooser.contains(&format!(
            "<a href=\"{code}/\" hreflang=\"{code}\" data-lang=\"{code}\">{name}</a>"
        )));
    }
    let chooser_js = hashed(&public, "chooser.js");
    assert!(chooser.contains(&format!("<script src=\"{chooser_js}\" defer></script>")));
    assert!(!chooser.contains("<script>"), "no inline script");
    let nf = read(&public, "404.html");
    assert!(
        nf.contains("href=\"es/\"") && nf.contains("href=\"en/\"") && nf.contains("href=\"pt/\"")
    );
    assert!(nf.contains(&hashed(&public, "notfound.js")));
    assert!(read(&public, &chooser_js).contains("localStorage"));
}
