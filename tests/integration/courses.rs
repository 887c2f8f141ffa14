//! The campus layer on built pages: course structure, itineraries,
//! completion panels, licences, images and schema.org data.

use crate::common::*;
use std::path::Path;

/// `basic` plus a second course `beta` (one module, alpha as a
/// prerequisite) after alpha in the itinerary, and images for alpha's
/// badge and the itinerary's credential.
fn campus() -> tempfile::TempDir {
    let site = site("basic");
    let root = site.path();
    let beta = root.join("content/courses/beta");
    std::fs::create_dir_all(&beta).expect("mkdir");
    std::fs::write(
        beta.join("_index.es.md"),
        "+++\ntitle = \"Curso Beta\"\nprerequisites = [\"courses/alpha\"]\nlicense = \"CC BY 4.0\"\n+++\n\nBeta.\n",
    )
    .expect("beta");
    std::fs::write(
        beta.join("01-uno.es.md"),
        "+++\ntitle = \"Beta uno\"\nduration = 15\nobjectives = [\"Usar beta\"]\n+++\n\n## Uno\n",
    )
    .expect("beta module");
    edit(
        root,
        "content/itineraries/path.es.md",
        r#"["courses/alpha"]"#,
        r#"["courses/alpha", "courses/beta"]"#,
    );
    edit(
        root,
        "content/courses/alpha/_index.es.md",
        "name = \"Badge es\"",
        "name = \"Badge es\"\nimage = \"badge.svg\"",
    );
    std::fs::write(
        root.join("content/courses/alpha/badge.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("svg");
    site
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let p = root.join(file);
    let text = std::fs::read_to_string(&p).expect("read");
    assert!(text.contains(from), "{file} lacks {from}");
    std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
}

/// The JSON-LD of a built page, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("a JSON-LD block")
        + r#"<script type="application/ld+json">"#.len();
    let end = start + html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..end]).expect("valid JSON")
}

#[test]
fn course_pages_carry_schema_org_course_data() {
    let site = campus();
    build_ok(site.path());
    let html = read(site.path(), "public/es/cursos/alfa-es/index.html");
    let v = json_ld(&html);
    assert_eq!(v["@context"], "https://schema.org");
    assert_eq!(v["@type"], "Course");
    assert_eq!(v["name"], "Curso Alfa");
    assert_eq!(v["description"], "Course summary es");
    assert_eq!(v["inLanguage"], "es");
    assert_eq!(v["educationalLevel"], "intro");
    assert_eq!(
        v["license"],
        "https://creativecommons.org/licenses/by-sa/4.0/"
    );
    assert_eq!(v["url"], "https://fixture.example.org/es/cursos/alfa-es/");
    assert_eq!(v["author"][0]["name"], "Red Docente");
    let parts = v["hasPart"].as_array().expect("modules");
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["@type"], "LearningResource");
    assert!(
        v["timeRequired"]
            .as_str()
            .is_some_and(|t| t.starts_with("PT") && t.ends_with('M'))
    );
    let module = json_ld(&read(
        site.path(),
        "public/es/cursos/beta/01-uno/index.html",
    ));
    assert_eq!(module["@type"], "LearningResource");
    assert_eq!(module["timeRequired"], "PT15M");
    assert_eq!(module["teaches"][0], "Usar beta");
    assert_eq!(module["isPartOf"]["name"], "Curso Beta");
}

#[test]
fn json_ld_cannot_break_out_of_its_script_element() {
    let site = campus();
    edit(
        site.path(),
        "content/courses/alpha/_index.es.md",
        "title = \"Curso Alfa\"",
        "title = \"</script><script>alert(1)</script>\"",
    );
    build_ok(site.path());
    let html = read(site.path(), "public/es/cursos/alfa-es/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert_eq!(json_ld(&html)["name"], "</script><script>alert(1)</script>");
}

#[test]
fn course_page_links_licence_prerequisites_itineraries_and_badge() {
    let site = campus();
    build_ok(site.path());
    let beta = read(site.path(), "public/es/cursos/beta/index.html");
    assert!(
        beta.contains(
            r#"<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>"#
        ),
        "{beta}"
    );
    assert!(
        beta.contains(r#"href="../../../es/cursos/alfa-es/">Curso Alfa</a>"#),
        "prerequisite link: {beta}"
    );
    assert!(
        beta.contains("Itinerario docente"),
        "itineraries that list it: {beta}"
    );
    let alpha = read(site.path(), "public/es/cursos/alfa-es/index.html");
    assert!(
        // Minified: `alt=""` is written `alt`, the same empty attribute.
        alpha.contains(r#"<img src="badge.svg" alt width="96" height="96">"#),
        "{alpha}"
    );
    assert!(
        site.path()
            .join("public/es/cursos/alfa-es/badge.svg")
            .is_file(),
        "image copied"
    );
}

#[test]
fn the_last_module_ends_with_a_completion_panel() {
    let site = campus();
    build_ok(site.path());
    let last = read(
        site.path(),
        "public/es/cursos/alfa-es/02-practice/index.html",
    );
    let panel = &last[last
        .find(r#"<section class="completion""#)
        .expect("a completion panel")..];
    let up = "../../../../es/cursos";
    assert!(
        panel.contains(&format!(r#"href="{up}/alfa-es/">"#)),
        "back to the course: {panel}"
    );
    assert!(
        panel.contains(&format!(r#"href="{up}/beta/">Curso Beta</a>"#)),
        "next course of the itinerary: {panel}"
    );
    assert!(
        panel.contains(&format!(r#"href="{up}/alfa-es/certificate/""#)),
        "the course's completion page: {panel}"
    );
    let first = read(site.path(), "public/es/cursos/alfa-es/01-intro/index.html");
    assert!(
        !first.contains(r#"class="completion""#),
        "only the last module"
    );
    assert!(first.contains("Módulo 1 de 2"), "module N of M");
    let end = read(site.path(), "public/es/cursos/beta/01-uno/index.html");
    assert!(
        end.contains("es/itinerarios/path/certificate/"),
        "last course of the itinerary: its completion page: {end}"
    );
}

#[test]
fn itinerary_pages_total_their_courses() {
    let site = campus();
    build_ok(site.path());
    let html = read(site.path(), "public/es/itinerarios/path/index.html");
    let beta = html.find("Curso Beta").expect("beta listed");
    let alpha = html.find("Curso Alfa").expect("alpha listed");
    assert!(alpha < beta, "in the itinerary's order");
    assert!(html.contains("Micro-credential es"));
}

#[test]
fn the_home_page_leads_with_courses_and_itineraries() {
    let site = campus();
    build_ok(site.path());
    let html = read(site.path(), "public/es/index.html");
    let shelf = html
        .find(r#"<div class="campus">"#)
        .expect("the campus shelf");
    let body = html.find(r#"class="content""#).unwrap_or(html.len());
    assert!(
        shelf < body,
        "courses and itineraries come before the home's text"
    );
    assert!(html[shelf..].contains("Curso Beta") && html[shelf..].contains("Itinerario docente"));
}

#[test]
fn a_missing_badge_image_is_an_error_at_its_line() {
    let site = campus();
    std::fs::remove_file(site.path().join("content/courses/alpha/badge.svg")).expect("rm");
    let errors = build(site.path()).expect_err("missing image");
    let text = render(&errors);
    assert!(text.contains("missing image `badge.svg`"), "{text}");
    assert!(
        text.contains("content/courses/alpha/_index.es.md:"),
        "{text}"
    );
}
