//! Taking courses away: the offline zips work unzipped from disk (every
//! `href` and `src` names a file inside the package, or is an absolute
//! address), EPUBs pass epubcheck, the printable course carries the answer
//! key, course pages offer the downloads with their sizes, and two builds
//! give the same bytes.

use crate::common::*;
use aula::build;
use std::path::{Path, PathBuf};

/// The sample campus built into a temp folder.
fn sample() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("tempdir");
    let mut opts = options(root);
    opts.output = Some(out.path().join("public"));
    if let Err(e) = build::build(&opts) {
        panic!("the sample campus does not build:\n{}", render(&e));
    }
    let public = out.path().join("public");
    (out, public)
}

/// Whether `names` has `stem.ext` at the root, under its plain name or
/// its fingerprinted one (`stem.3f2a9c1e.ext`).
fn has_root(names: &[String], stem: &str, ext: &str) -> bool {
    names.iter().any(|n| {
        !n.contains('/')
            && n.strip_prefix(&format!("{stem}."))
                .and_then(|rest| {
                    rest.strip_suffix(&format!(".{ext}"))
                        .or((rest == ext).then_some(""))
                })
                .is_some_and(|hash| {
                    hash.is_empty()
                        || hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
                })
    })
}

fn all_with(public: &Path, ext: &str) -> Vec<String> {
    files(public)
        .into_iter()
        .filter(|f| f.ends_with(ext))
        .collect()
}

#[test]
fn every_zip_works_unzipped_from_disk() {
    let (_out, public) = sample();
    let zips: Vec<String> = all_with(&public, ".zip")
        .into_iter()
        .filter(|z| !z.ends_with(".scorm.zip"))
        .collect();
    // 3 courses and 3 languages: a course zip each, and a campus zip each
    // (the SCORM packages are lms.rs's).
    assert_eq!(zips.len(), 3 * 3 + 3, "{zips:?}");
    for z in &zips {
        let dir = tempfile::tempdir().expect("tempdir");
        let bytes = std::fs::read(public.join(z)).expect("zip");
        let names = unzip(&bytes, dir.path());
        assert!(
            names.contains(&"index.html".to_string()),
            "{z} has index.html at its root"
        );
        // As published: fingerprinted names (`style.3f2a9c1e.css`).
        assert!(has_root(&names, "style", "css"), "{z} has its CSS");
        assert!(has_root(&names, "aula", "js"), "{z} has its script");
        assert!(
            !names
                .iter()
                .any(|n| n.ends_with(".zip") || n.ends_with(".epub") || n.ends_with(".imscc")),
            "{z} holds no other package"
        );
        assert_eq!(broken_in_package(dir.path()), Vec::<String>::new(), "{z}");
    }
    // A course package: the course page at its root, its modules and the
    // printable course, quiz.js for its questions; other pages are
    // addresses on the live site.
    let dir = tempfile::tempdir().expect("tempdir");
    let names = unzip(
        &std::fs::read(public.join("es/cursos/docencia-hibrida/docencia-hibrida.zip"))
            .expect("zip"),
        dir.path(),
    );
    for n in ["primeros-pasos/index.html", "print/index.html"] {
        assert!(names.contains(&n.to_string()), "{n} in {names:?}");
    }
    assert!(has_root(&names, "quiz", "js"), "quiz.js in {names:?}");
    let index = read(dir.path(), "index.html");
    assert!(index.contains("href=\"primeros-pasos/index.html\""));
    assert!(
        index.contains("href=\"https://campus.example.org/es/guias/\""),
        "home sections on the live site"
    );
    assert!(
        !index.contains("docencia-hibrida.zip"),
        "the package does not offer itself"
    );
    // The campus zip of a language has its home at the root.
    let dir = tempfile::tempdir().expect("tempdir");
    let names = unzip(
        &std::fs::read(public.join("en/en.zip")).expect("zip"),
        dir.path(),
    );
    assert!(names.contains(&"courses/hybrid-teaching/index.html".to_string()));
    assert!(read(dir.path(), "index.html").contains("<html lang=\"en\""));
}

#[test]
fn without_base_url_links_out_of_a_package_become_text() {
    let site = site("basic");
    let toml = site.path().join("aula.toml");
    let text = std::fs::read_to_string(&toml).expect("aula.toml");
    std::fs::write(
        &toml,
        text.replace("base_url = \"https://fixture.example.org/\"\n", ""),
    )
    .expect("write");
    build_ok(site.path());
    let public = site.path().join("public");
    let zips = all_with(&public, ".zip");
    assert!(!zips.is_empty());
    for z in &zips {
        let dir = tempfile::tempdir().expect("tempdir");
        unzip(&std::fs::read(public.join(z)).expect("zip"), dir.path());
        assert_eq!(broken_in_package(dir.path()), Vec::<String>::new(), "{z}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let names = unzip(
        &std::fs::read(public.join("es/cursos/alfa-es/alfa-es.zip")).expect("zip"),
        dir.path(),
    );
    assert!(
        names.contains(&"01-intro/diagram.png".to_string()),
        "{names:?}"
    );
    let module = read(dir.path(), "01-intro/index.html");
    assert!(module.contains("src=\"diagram.png\""));
    assert!(module.contains("<a>"), "a link out of the package is text");
}

#[test]
fn course_pages_offer_downloads_with_their_sizes() {
    let (_out, public) = sample();
    let page = read(&public, "es/cursos/docencia-hibrida/index.html");
    let zip = std::fs::metadata(public.join("es/cursos/docencia-hibrida/docencia-hibrida.zip"))
        .expect("zip")
        .len();
    let epub = std::fs::metadata(public.join("es/cursos/docencia-hibrida/docencia-hibrida.epub"))
        .expect("epub")
        .len();
    let size = aula::text::human_bytes;
    assert!(
        page.contains("docencia-hibrida.zip\" download>"),
        "zip offered"
    );
    assert!(
        page.contains(&format!("ZIP, {}", size(zip, "es"))),
        "zip size shown"
    );
    assert!(
        page.contains(&format!("EPUB, {}", size(epub, "es"))),
        "EPUB size shown"
    );
    assert!(
        page.contains("docencia-hibrida/print/"),
        "printable page offered"
    );
    // A module page does not offer them.
    let module = read(
        &public,
        "es/cursos/docencia-hibrida/primeros-pasos/index.html",
    );
    assert!(!module.contains("docencia-hibrida.zip"));
}

#[test]
fn printable_course_has_every_module_and_the_answer_key() {
    let (_out, public) = sample();
    let html = read(&public, "en/courses/hybrid-teaching/print/index.html");
    for m in [
        "First steps",
        "Synchronous",
        "Low-bandwidth",
        "Online assessment",
    ] {
        assert!(html.contains(m), "{m} in the printable course");
    }
    assert!(html.contains("id=\"answers\""), "answer key");
    assert!(
        html.contains("href=\"#answer-1\""),
        "questions link to their answers"
    );
    assert!(
        html.contains("class=\"quiz-right\""),
        "the key says what is right"
    );
    for bad in [
        "<script",
        "<form",
        "<input",
        "<button",
        "class=\"pager\"",
        "class=\"primary\"",
    ] {
        assert!(!html.contains(bad), "no {bad} on the printable page");
    }
    // Links to other pages carry their address for paper.
    assert!(html.contains("data-url=\"https://campus.example.org/"));
    // Ids of different modules stay unique on one page.
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids are unique");
}

#[test]
fn epubs_hold_the_modules_in_order_and_the_answer_key() {
    let (_out, public) = sample();
    let bytes =
        std::fs::read(public.join("pt/cursos/ensino-hibrido/ensino-hibrido.epub")).expect("epub");
    // The mimetype first, stored, as EPUB requires.
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(&bytes[8..10], &[0, 0], "stored, not compressed");
    let dir = tempfile::tempdir().expect("tempdir");
    let names = unzip(&bytes, dir.path());
    assert!(names.contains(&"OEBPS/text/answers.xhtml".to_string()));
    for n in names
        .iter()
        .filter(|n| n.ends_with(".xhtml") || n.ends_with(".opf") || n.ends_with(".xml"))
    {
        let text = read(dir.path(), n);
        if let Err(e) = roxmltree::Document::parse_with_options(
            &text,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        ) {
            panic!("{n} is not well-formed XML: {e}");
        }
        assert!(!text.contains("<script") && !text.contains("<input"), "{n}");
    }
    let opf = read(dir.path(), "OEBPS/content.opf");
    assert!(opf.contains("<dc:language>pt</dc:language>"));
    assert!(opf.contains("<dc:identifier id=\"uid\">urn:uuid:"));
    let spine: Vec<&str> = opf.matches("<itemref idref=\"").collect();
    assert!(spine.len() >= 5, "course, modules and answers");
}

#[test]
fn images_go_into_the_epub() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let dir = tempfile::tempdir().expect("tempdir");
    let names = unzip(
        &std::fs::read(public.join("en/courses/alfa-en/alfa-en.epub")).expect("epub"),
        dir.path(),
    );
    assert!(
        names.contains(&"OEBPS/images/1.png".to_string()),
        "{names:?}"
    );
    let opf = read(dir.path(), "OEBPS/content.opf");
    assert!(opf.contains("href=\"images/1.png\" media-type=\"image/png\""));
    assert!(read(dir.path(), "OEBPS/text/ch-01.xhtml").contains("src=\"../images/1.png\""));
}

/// The `epubcheck` command, when installed: the Debian package installs a
/// jar as `/usr/bin/epubcheck`, run through `java -jar`.
fn epubcheck() -> Option<Vec<String>> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .map(|d| d.join("epubcheck"))
        .find(|p| p.is_file())?;
    let head = std::fs::read(&found).ok()?;
    if head.starts_with(b"PK") {
        Some(vec![
            "java".into(),
            "-jar".into(),
            found.display().to_string(),
        ])
    } else {
        Some(vec![found.display().to_string()])
    }
}

#[test]
fn epubcheck_passes_on_every_epub() {
    let Some(cmd) = epubcheck() else {
        if std::env::var("AULA_EPUBCHECK").as_deref() == Ok("required") {
            panic!("epubcheck is required (AULA_EPUBCHECK=required) but not installed");
        }
        eprintln!(
            "skipping epubcheck_passes_on_every_epub: epubcheck is not installed (apt-get install epubcheck)"
        );
        return;
    };
    let (_out, public) = sample();
    let basic = site("basic");
    build_ok(basic.path());
    let mut books: Vec<PathBuf> = all_with(&public, ".epub")
        .iter()
        .map(|e| public.join(e))
        .collect();
    let basic_public = basic.path().join("public");
    books.extend(
        all_with(&basic_public, ".epub")
            .iter()
            .map(|e| basic_public.join(e)),
    );
    assert!(books.len() >= 12, "{books:?}");
    for book in books {
        let out = std::process::Command::new(&cmd[0])
            .args(&cmd[1..])
            .arg("-q")
            .arg(&book)
            .output()
            .expect("run epubcheck");
        assert!(
            out.status.success(),
            "epubcheck fails on {}:\n{}{}",
            book.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn packages_are_the_same_bytes_in_two_builds() {
    let (_a, first) = sample();
    let (_b, second) = sample();
    let mut compared = 0;
    for f in files(&first).into_iter().filter(|f| {
        [".zip", ".epub", ".imscc", "print/index.html"]
            .iter()
            .any(|e| f.ends_with(e))
    }) {
        let a = std::fs::read(first.join(&f)).expect("first");
        let b = std::fs::read(second.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(a == b, "{f} differs between two builds");
        compared += 1;
    }
    // Per course and language a zip, an EPUB, a printable page, a SCORM
    // zip and a cartridge; a campus zip per language.
    assert!(compared >= 9 * 5 + 3, "{compared}");
}

/// A package is made from the site as published: its stylesheet and
/// scripts are the site's own files, minified, under their fingerprinted
/// names, byte for byte.
#[test]
fn a_package_holds_the_files_as_the_site_publishes_them() {
    let (_out, public) = sample();
    let dir = tempfile::tempdir().expect("tempdir");
    let names = unzip(
        &std::fs::read(public.join("es/cursos/docencia-hibrida/docencia-hibrida.zip"))
            .expect("zip"),
        dir.path(),
    );
    let roots: Vec<&String> = names
        .iter()
        .filter(|n| !n.contains('/') && (n.ends_with(".css") || n.ends_with(".js")))
        .collect();
    assert!(roots.len() >= 3, "style, aula and quiz: {roots:?}");
    for n in roots {
        assert!(
            !["style.css", "aula.js", "quiz.js"].contains(&n.as_str()),
            "{n} fingerprinted"
        );
        assert!(
            std::fs::read(dir.path().join(n)).ok() == std::fs::read(public.join(n)).ok(),
            "{n} is the published file"
        );
    }
    // The pages inside are the minified ones: no blank lines between tags.
    let module = read(dir.path(), "primeros-pasos/index.html");
    assert!(!module.contains(">\n\n<"), "minified");
}

/// Packages are made after the pages are written into the output's
/// temporary folder; a file of the site where a package goes still fails
/// the build with its path, and the failed build leaves the previous
/// output as it was and no temporary folder.
#[test]
fn a_file_where_a_package_goes_fails_the_build_and_writes_nothing() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let before = files(&public);
    let dir = site.path().join("static/es/cursos/alfa-es");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("alfa-es.zip"), "mine").expect("write");
    let errors = build(site.path()).expect_err("the package's path is taken");
    let text = render(&errors);
    assert!(text.contains("es/cursos/alfa-es/alfa-es.zip"), "{text}");
    assert!(
        text.contains("static/es/cursos/alfa-es/alfa-es.zip"),
        "{text}"
    );
    assert!(!text.contains("bug in aula"), "{text}");
    assert_eq!(files(&public), before, "the previous output is kept");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
}
