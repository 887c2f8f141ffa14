//! Credentials, honestly static: the self-declared completion pages and
//! the Open Badges 2.0 / 3.0 definitions of badges and credentials.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// `basic` with an `[issuer]`, and an image for alpha's badge.
fn campus() -> tempfile::TempDir {
    let site = site("basic");
    let root = site.path();
    append(
        root,
        "aula.toml",
        "\n[issuer]\nname = \"Red Docente\"\nurl = \"https://red.example.org/\"\nemail = \"badges@red.example.org\"\n",
    );
    let index = root.join("content/courses/alpha/_index.es.md");
    let text = std::fs::read_to_string(&index).expect("read");
    std::fs::write(
        &index,
        text.replace(
            "name = \"Badge es\"",
            "name = \"Badge es\"\nimage = \"badge.svg\"",
        ),
    )
    .expect("write");
    std::fs::write(
        root.join("content/courses/alpha/badge.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("svg");
    site
}

fn append(root: &Path, file: &str, text: &str) {
    let p = root.join(file);
    let mut all = std::fs::read_to_string(&p).expect("read");
    all.push_str(text);
    std::fs::write(&p, all).expect("write");
}

fn json(root: &Path, rel: &str) -> Value {
    serde_json::from_str(&read(root, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The output file an absolute fixture URL stands for.
fn local(url: &Value) -> String {
    let url = url.as_str().expect("a URL string");
    let rel = url
        .strip_prefix("https://fixture.example.org/")
        .unwrap_or_else(|| panic!("{url} is not under base_url"));
    if rel.ends_with('/') {
        format!("public/{rel}index.html")
    } else {
        format!("public/{rel}")
    }
}

#[test]
fn every_course_and_itinerary_has_a_self_declared_completion_page() {
    let site = campus();
    build_ok(site.path());
    let root = site.path();
    for page in [
        "public/es/cursos/alfa-es/certificate/index.html",
        "public/en/courses/alfa-en/certificate/index.html",
        "public/pt/cursos/alfa-pt/certificate/index.html",
        "public/es/itinerarios/path/certificate/index.html",
        "public/en/itineraries/path/certificate/index.html",
    ] {
        assert!(root.join(page).is_file(), "{page}");
    }
    let html = read(root, "public/es/cursos/alfa-es/certificate/index.html");
    let main = main_of(&html);
    // Plainly labelled as self-declared and not verified.
    assert!(main.contains("Autodeclarado"), "{main}");
    assert!(main.contains("No es una credencial verificada"), "{main}");
    // The learner types a name into a labelled field; nothing is sent.
    assert!(
        main.contains(r#"<label for="cert-name">Nombre</label>"#),
        "{main}"
    );
    assert!(main.contains(r#"<input id="cert-name" name="name" type="text""#));
    assert!(!main.contains("<form"), "nothing is submitted anywhere");
    // What it certifies: the course, its modules in order, its badge.
    assert!(main.contains("Curso Alfa"));
    let first = main.find("Introducción").expect("first module");
    let second = main.find("Práctica guiada").expect("second module");
    assert!(first < second, "modules in weight order");
    assert!(main.contains("<strong>Badge es</strong>"));
    assert!(main.contains(r#"<img src="../badge.svg""#), "{main}");
    assert!(main.contains("Red Docente"), "the issuer is named");
    // Back to the course; kept out of search engines.
    assert!(
        main.contains(r#"href="../../../../es/cursos/alfa-es/""#),
        "{main}"
    );
    assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(!html.contains(r#"rel="canonical""#));
    // The language switcher leads to the other languages' completion pages.
    assert!(html.contains(r#"href="../../../../en/courses/alfa-en/certificate/""#));
    // The itinerary's page lists its courses and its credential's hours.
    let it = read(root, "public/es/itinerarios/path/certificate/index.html");
    assert!(it.contains("declara haber completado todos los cursos del itinerario"));
    assert!(it.contains("Micro-credential es"));
    assert!(it.contains("<li>Curso Alfa</li>"), "{it}");
    assert!(it.contains("20 h"), "credential hours");
    // Every link on every completion page resolves.
    assert_eq!(
        broken_references(&root.join("public")),
        Vec::<String>::new()
    );
}

#[test]
fn course_and_itinerary_pages_link_their_completion_page_and_badge_files() {
    let site = campus();
    build_ok(site.path());
    let html = read(site.path(), "public/es/cursos/alfa-es/index.html");
    assert!(html.contains(r#"href="../../../es/cursos/alfa-es/certificate/""#));
    assert!(
        html.contains(r#"href="../../../es/badges/courses-alpha.json""#),
        "{html}"
    );
    assert!(html.contains(r#"href="../../../es/badges/courses-alpha.achievement.json""#));
    let it = read(site.path(), "public/es/itinerarios/path/index.html");
    assert!(it.contains(r#"href="../../../es/badges/itineraries-path.json""#));
}

#[test]
fn open_badges_2_badge_classes_and_issuer() {
    let site = campus();
    build_ok(site.path());
    let root = site.path();
    let issuer = json(root, "public/badges/issuer.json");
    assert_eq!(issuer["@context"], "https://w3id.org/openbadges/v2");
    assert_eq!(issuer["type"], "Issuer");
    assert_eq!(
        issuer["id"],
        "https://fixture.example.org/badges/issuer.json"
    );
    assert_eq!(issuer["name"], "Red Docente");
    assert_eq!(issuer["url"], "https://red.example.org/");
    assert_eq!(issuer["email"], "badges@red.example.org");

    let badge = json(root, "public/es/badges/courses-alpha.json");
    assert_eq!(badge["@context"], "https://w3id.org/openbadges/v2");
    assert_eq!(badge["type"], "BadgeClass");
    assert_eq!(
        badge["id"],
        "https://fixture.example.org/es/badges/courses-alpha.json"
    );
    assert_eq!(badge["@language"], "es");
    assert_eq!(badge["name"], "Badge es");
    // Required by 2.0: a description (the course summary stands in).
    assert_eq!(badge["description"], "Course summary es");
    assert_eq!(badge["criteria"]["narrative"], "Finish all modules");
    assert!(root.join(local(&badge["criteria"]["id"])).is_file());
    assert_eq!(badge["issuer"], issuer["id"]);
    // The image is copied and its URL leads to it.
    assert!(
        root.join(local(&badge["image"])).is_file(),
        "{}",
        badge["image"]
    );
    // The other languages' versions are linked.
    let related: Vec<&str> = badge["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| r["@language"].as_str().expect("language"))
        .collect();
    assert_eq!(related, ["en", "pt"]);
    for r in badge["related"].as_array().expect("related") {
        assert!(root.join(local(&r["id"])).is_file(), "{}", r["id"]);
    }
    // An itinerary's credential is a badge class too.
    let cred = json(root, "public/en/badges/itineraries-path.json");
    assert_eq!(cred["type"], "BadgeClass");
    assert_eq!(cred["name"], "Micro-credential en");
}

#[test]
fn open_badges_3_achievements_and_profile() {
    let site = campus();
    build_ok(site.path());
    let root = site.path();
    let profile = json(root, "public/badges/issuer.profile.json");
    let contexts = [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ];
    assert_eq!(profile["@context"], serde_json::json!(contexts));
    assert_eq!(profile["type"], serde_json::json!(["Profile"]));
    assert_eq!(
        profile["id"],
        "https://fixture.example.org/badges/issuer.profile.json"
    );

    let a = json(root, "public/es/badges/courses-alpha.achievement.json");
    assert_eq!(a["@context"], serde_json::json!(contexts));
    assert_eq!(a["type"], serde_json::json!(["Achievement"]));
    assert_eq!(
        a["id"],
        "https://fixture.example.org/es/badges/courses-alpha.achievement.json"
    );
    assert_eq!(a["achievementType"], "Badge");
    assert_eq!(a["name"], "Badge es");
    assert_eq!(a["description"], "Course summary es");
    assert_eq!(a["criteria"]["narrative"], "Finish all modules");
    assert_eq!(a["inLanguage"], "es");
    assert_eq!(a["image"]["type"], "Image");
    assert!(root.join(local(&a["image"]["id"])).is_file());
    assert_eq!(a["creator"]["id"], profile["id"]);
    let related = a["related"].as_array().expect("language versions");
    assert_eq!(related.len(), 2);
    for r in related {
        assert_eq!(r["type"], serde_json::json!(["Related"]));
        assert!(root.join(local(&r["id"])).is_file(), "{}", r["id"]);
    }
    let cred = json(root, "public/pt/badges/itineraries-path.achievement.json");
    assert_eq!(cred["achievementType"], "MicroCredential");
}

#[test]
fn without_base_url_badges_are_skipped_with_one_warning() {
    let site = campus();
    let root = site.path();
    let toml = std::fs::read_to_string(root.join("aula.toml")).expect("read");
    std::fs::write(
        root.join("aula.toml"),
        toml.replace("base_url = \"https://fixture.example.org/\"\n", ""),
    )
    .expect("write");
    let report = build_ok(root);
    let about: Vec<String> = report
        .warnings
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("Open Badges"))
        .collect();
    assert_eq!(about.len(), 1, "{about:?}");
    assert!(about[0].contains("base_url"), "{}", about[0]);
    assert!(about[0].contains("aula.toml"), "{}", about[0]);
    assert!(!root.join("public/badges").exists());
    assert!(!root.join("public/es/badges").exists());
    // The completion pages do not need base_url.
    assert!(
        root.join("public/es/cursos/alfa-es/certificate/index.html")
            .is_file()
    );
    let html = read(root, "public/es/cursos/alfa-es/index.html");
    assert!(
        !html.contains("badges/"),
        "no link to files that are not there"
    );
}

#[test]
fn without_an_issuer_no_badge_files_and_no_warning() {
    let site = site("basic");
    let report = build_ok(site.path());
    assert!(!site.path().join("public/badges").exists());
    assert!(!site.path().join("public/es/badges").exists());
    assert!(
        report
            .warnings
            .iter()
            .all(|w| !w.to_string().contains("Open Badges")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn notice_pages_get_a_completion_page_but_no_badge_definition() {
    let site = campus();
    let root = site.path();
    std::fs::remove_file(root.join("content/courses/alpha/_index.pt.md")).expect("rm");
    build_ok(root);
    // The pt course page is a notice page showing another language's text;
    // its links (completion page) still resolve…
    assert!(
        root.join("public/pt/cursos/alpha/certificate/index.html")
            .is_file()
    );
    // …but no badge definition is published for a text that is not there.
    assert!(!root.join("public/pt/badges/courses-alpha.json").exists());
    let es = json(root, "public/es/badges/courses-alpha.json");
    let langs: Vec<&str> = es["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| r["@language"].as_str().expect("lang"))
        .collect();
    assert_eq!(langs, ["en"]);
    assert_eq!(
        broken_references(&root.join("public")),
        Vec::<String>::new()
    );
}
