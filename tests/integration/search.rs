//! Search (src/outputs/search.rs): a search page in every language, and
//! with the `search` feature one Pagefind bundle split by language that
//! indexes every page with text of its own and no notice page.

use crate::common::*;
#[cfg(feature = "search")]
use std::path::Path;

#[test]
fn every_language_has_a_search_page_linked_from_the_header() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    for (lang, label) in [("es", "Buscar"), ("en", "Search"), ("pt", "Pesquisar")] {
        let page = read(&public, &format!("{lang}/search/index.html"));
        assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{lang}");
        assert!(page.contains("id=\"aula-search\""), "{lang}: the box");
        let home = read(&public, &format!("{lang}/index.html"));
        assert!(
            home.contains(&format!("<a href=\"../{lang}/search/\">{label}</a>")),
            "{lang}: the header links the search page"
        );
    }
    // The search pages' own links (home, courses, other languages, CSS,
    // scripts) resolve, with directory links and with file links.
    let broken: Vec<String> = broken_references(&public)
        .into_iter()
        .filter(|b| b.contains("/search/"))
        .collect();
    assert_eq!(broken, Vec::<String>::new());
    let mut opts = options(site.path());
    opts.links = aula::site::LinkStyle::File;
    opts.output = Some(site.path().join("file-links"));
    aula::build::build(&opts).expect("builds with file links");
    let es = read(&site.path().join("file-links"), "es/index.html");
    assert!(es.contains("href=\"../es/search/index.html\""));
}

#[test]
fn a_page_at_the_search_address_is_an_error_that_names_it() {
    let site = site("basic");
    std::fs::write(
        site.path().join("content/search.es.md"),
        "+++\ntitle = \"Mi búsqueda\"\n+++\n\nTexto.\n",
    )
    .expect("write page");
    let errors = build(site.path()).expect_err("the search page's address is taken");
    let text = render(&errors);
    assert!(
        text.contains("es/search/, the address of the search page"),
        "{text}"
    );
    assert!(text.contains("search.es.md"), "{text}");
}

/// The JSON inside one of Pagefind's gzipped files (`pagefind_dcd` + data).
#[cfg(feature = "search")]
fn unpack(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let bytes = std::fs::read(path).expect("bundle file");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_end(&mut out)
        .expect("gzip");
    assert!(out.starts_with(b"pagefind_dcd"), "{}", path.display());
    out.split_off("pagefind_dcd".len())
}

/// Every fragment of the index: its language (from its name) and JSON.
#[cfg(feature = "search")]
fn fragments(public: &Path) -> Vec<(String, serde_json::Value)> {
    let folder = public.join("pagefind/fragment");
    files(&folder)
        .into_iter()
        .map(|f| {
            let lang = f.split('_').next().expect("lang_hash").to_string();
            let json = serde_json::from_slice(&unpack(&folder.join(&f))).expect("fragment JSON");
            (lang, json)
        })
        .collect()
}

/// Pages in the index, by language: the `url` of every fragment.
#[cfg(feature = "search")]
fn indexed(public: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut by_lang = std::collections::BTreeMap::<String, Vec<String>>::new();
    for (lang, json) in fragments(public) {
        let url = json["url"].as_str().expect("url").to_string();
        by_lang.entry(lang).or_default().push(url);
    }
    for urls in by_lang.values_mut() {
        urls.sort();
    }
    by_lang
}

#[cfg(feature = "search")]
#[test]
fn index_files_exist_for_every_language() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let entry: serde_json::Value =
        serde_json::from_str(&read(&public, "pagefind/pagefind-entry.json")).expect("entry JSON");
    let all = files(&public.join("pagefind"));
    for lang in ["es", "en", "pt"] {
        let meta = &entry["languages"][lang];
        assert!(
            meta["page_count"].as_u64().unwrap_or(0) > 0,
            "{lang}: {entry}"
        );
        assert_eq!(meta["wasm"], lang, "{lang} is stemmed by its own stemmer");
        let hash = meta["hash"].as_str().expect("hash");
        assert!(all.contains(&format!("pagefind.{hash}.pf_meta")), "{lang}");
        assert!(all.contains(&format!("wasm.{lang}.pagefind")), "{lang}");
        for dir in ["index/", "fragment/"] {
            assert!(
                all.iter().any(|f| f.starts_with(&format!("{dir}{lang}_"))),
                "{lang} has {dir}"
            );
        }
    }
    assert!(all.contains(&"pagefind.js".to_string()));
    // Pagefind's own UI is not shipped: the theme has its own box.
    assert!(!all.iter().any(|f| f.contains("-ui.")), "{all:?}");
    // Nor its web worker: search.js searches on the page.
    assert!(!all.contains(&"pagefind-worker.js".to_string()));
    // Each page in its own language, by its URL; the search page and the
    // drafts are not in it.
    let by_lang = indexed(&public);
    assert!(by_lang["es"].contains(&"/es/cursos/alfa-es/01-intro/".to_string()));
    assert!(by_lang["pt"].iter().all(|u| u.starts_with("/pt/")));
    assert!(by_lang["en"].iter().all(|u| u.starts_with("/en/")));
    assert!(!by_lang.values().flatten().any(|u| u.contains("/search/")));
    let search = read(&public, "es/search/index.html");
    assert!(search.contains("data-bundle=\"../../pagefind/pagefind.js\""));
    // The search script under its fingerprinted name (search.1a2b3c4d.js).
    let script = search
        .split("<script src=\"../../")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a script tag");
    assert!(
        script.starts_with("search.") && script.ends_with(".js"),
        "{script}"
    );
    assert!(public.join(script).is_file(), "{script} exists");
    assert!(public.join("pagefind/pagefind.js").is_file());
}

/// The index is made from the pages as published, after the packages
/// added each course's downloads box to its page: the course's own text
/// is found, the box (file names and sizes) is not indexed.
#[cfg(feature = "search")]
#[test]
fn a_courses_downloads_box_is_published_but_not_indexed() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let page = read(&public, "es/cursos/alfa-es/index.html");
    assert!(page.contains("class=\"downloads\""), "the box is published");
    let course = fragments(&public)
        .into_iter()
        .find(|(_, json)| json["url"] == "/es/cursos/alfa-es/")
        .and_then(|(_, json)| Some(json["content"].as_str()?.to_string()))
        .expect("the course page is indexed");
    assert!(!course.is_empty());
    for word in ["ZIP", "EPUB", "KB"] {
        assert!(!course.contains(word), "{word} is indexed: {course}");
    }
}

#[cfg(feature = "search")]
#[test]
fn notice_pages_are_not_indexed() {
    // translations: module two exists in es only; en and pt show it as a
    // notice page, and the guideline is missing in pt (shown from en).
    let site = site("translations");
    build_ok(site.path());
    let public = site.path().join("public");
    let by_lang = indexed(&public);
    let notice: Vec<String> = files(&public)
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .filter(|f| read(&public, f).contains("<meta name=\"robots\" content=\"noindex\">"))
        .map(|f| format!("/{}", f.trim_end_matches("index.html")))
        .collect();
    assert!(
        notice
            .iter()
            .any(|u| u.starts_with("/pt/") && u.contains("02-two")),
        "the fixture has a Portuguese notice page: {notice:?}"
    );
    for url in by_lang.values().flatten() {
        assert!(!notice.contains(url), "notice page {url} is indexed");
    }
    // The Spanish original is indexed, once, in Spanish.
    let dos: Vec<&String> = by_lang
        .values()
        .flatten()
        .filter(|u| u.contains("/dos/") || u.contains("/02-two/"))
        .collect();
    assert_eq!(dos.len(), 1, "{dos:?}");
    assert!(dos[0].starts_with("/es/"), "{dos:?}");
    // Pagefind counts the same pages.
    let entry: serde_json::Value =
        serde_json::from_str(&read(&public, "pagefind/pagefind-entry.json")).expect("entry JSON");
    for (lang, urls) in &by_lang {
        assert_eq!(entry["languages"][lang]["page_count"], urls.len(), "{lang}");
    }
}

#[cfg(not(feature = "search"))]
#[test]
fn without_the_search_feature_the_page_says_search_is_unavailable() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    assert!(!public.join("pagefind").exists());
    let page = read(&public, "es/search/index.html");
    assert!(
        page.contains("Este campus se generó sin búsqueda."),
        "{page}"
    );
    assert!(!page.contains("../../search."), "no script to load");
    assert!(!page.contains("data-bundle"));
}

#[cfg(feature = "search")]
#[test]
fn serve_and_check_do_not_index_and_the_page_says_where_search_is_built() {
    // `aula serve` and `aula check` build without writing: no index (it
    // would be made again on every edit), and the search page says so.
    let site = site("basic");
    let mut opts = options(site.path());
    opts.write = false;
    let (files, _) = aula::build::render_site(&opts).expect("builds");
    assert!(!files.keys().any(|k| k.starts_with("pagefind/")));
    let page = match &files["en/search/index.html"] {
        aula::output::Data::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("{other:?}"),
    };
    assert!(page.contains("Search is built by `aula build`"), "{page}");
    assert!(!page.contains("../../search."));
}

/// Every file of one Pagefind index, by name, with the fragments read
/// (their anchors left out) instead of their gzipped bytes.
#[cfg(feature = "search")]
fn comparable(
    files: Vec<pagefind::api::SyntheticFile>,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    use std::io::Read;
    let mut out = std::collections::BTreeMap::new();
    let mut fragments = std::collections::BTreeMap::new();
    for f in files {
        let name = f.filename.to_string_lossy().replace('\\', "/");
        if name.starts_with("fragment/") {
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(f.contents.as_slice())
                .read_to_end(&mut json)
                .expect("gzip");
            let mut v: serde_json::Value =
                serde_json::from_slice(&json["pagefind_dcd".len()..]).expect("fragment JSON");
            v.as_object_mut().expect("object").remove("anchors");
            let url = v["url"].as_str().expect("url").to_string();
            fragments.insert(url, v);
        } else if name.starts_with("index/") || name.starts_with("wasm.") {
            out.insert(name, serde_json::Value::from(f.contents));
        }
    }
    out.insert(
        "fragments".to_string(),
        serde_json::Value::from_iter(fragments.into_values()),
    );
    out
}

/// aula hands Pagefind the text of each page (`search::digest`) instead
/// of the page to parse. The index must be the one Pagefind makes from the
/// HTML: every page of the sample campus (lists, notices, courses, print
/// pages, quizzes, code) indexed both ways gives the same word index files
/// byte for byte and the same fragments (text, word count, title, image),
/// the headings' anchors aside.
#[cfg(feature = "search")]
#[test]
fn the_index_of_aulas_digest_is_the_index_pagefind_makes_from_the_html() {
    use aula::outputs::search::{EXCLUDE, ROOT, digest};
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let site = sample_campus();
    build_ok(site.path());
    let public = site.path().join("public");
    let mut pages = Vec::new();
    for lang in ["es", "en", "pt"] {
        for f in files(&public.join(lang)) {
            if f.ends_with("index.html") {
                let url = format!("/{lang}/{}", f.trim_end_matches("index.html"));
                pages.push((url, read(&public.join(lang), &f)));
            }
        }
    }
    assert!(pages.len() > 80, "{} pages", pages.len());
    // And what an author's raw HTML may bring.
    for (i, main) in [
        "<h1>Título</h1><p>palabra<span id=\"x\">pegada</span> y <b>negrita</b>cerca</p>",
        "<h1>T</h1><p data-pagefind-ignore>oculto</p><div data-pagefind-ignore=\"all\"><p>fuera</p></div><p data-pagefind-weight=\"3\">peso</p>",
        "<h1>T &amp; U</h1><p>línea<br>otra&nbsp;más\n\n  y &lt;etiqueta&gt;</p><img src=\"a&amp;b.png\" alt=\"Un  gráfico\">",
        "<h2>Sin título</h2><ul><li>uno</li><li>dos?</li></ul><table><tr><td>celda</td><td>(nota)</td></tr></table>",
        "<div>uno <em>sin cerrar</div><p>dos</p>",
        "<h1>T</h1><p>antes <img class=\"meta\" src=\"x.png\"> después</p><p>visible</p>",
    ]
    .iter()
    .enumerate()
    {
        let page = format!(
            "<!DOCTYPE html><html lang=\"es\"><head><title>P</title></head><body><nav>menú</nav><main>{main}</main><footer>pie</footer></body></html>"
        );
        pages.push((format!("/es/raw-{i}/"), page));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let (from_html, from_digest) = runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .root_selector(ROOT.to_string())
            .exclude_selectors(EXCLUDE.iter().map(|s| s.to_string()).collect())
            .build();
        let mut html = PagefindIndex::new(Some(config)).expect("index");
        let mut ours = PagefindIndex::new(None).expect("index");
        for (url, page) in &pages {
            html.add_html_file(None, Some(url.clone()), page.clone())
                .await
                .expect("html");
            let r = digest::record(page, ROOT, &EXCLUDE);
            ours.add_custom_record(url.clone(), r.content, r.language, Some(r.meta), None, None)
                .await
                .expect("record");
        }
        (
            html.get_files().await.expect("files"),
            ours.get_files().await.expect("files"),
        )
    });
    let (a, b) = (comparable(from_html), comparable(from_digest));
    let (fa, fb) = (&a["fragments"], &b["fragments"]);
    let fa = fa.as_array().expect("array");
    let fb = fb.as_array().expect("array");
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(fb) {
        assert_eq!(x, y, "fragment of {}", x["url"]);
    }
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same index files (their names are hashes of their bytes)"
    );
    assert!(a == b);
}

/// The bundle is written after the other files (its indexing runs while
/// they are written): a static file in its folder is still found as a
/// clash, and the failed build leaves no output.
#[cfg(feature = "search")]
#[test]
fn a_static_file_where_the_bundle_goes_is_an_error_and_nothing_is_written() {
    let site = site("basic");
    let dir = site.path().join("static/pagefind");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("pagefind.js"), "// mine\n").expect("write");
    std::fs::write(dir.join("notes.txt"), "mine\n").expect("write");
    let errors = build(site.path()).expect_err("the bundle's script is taken");
    let text = render(&errors);
    assert!(text.contains("pagefind/pagefind.js"), "{text}");
    assert!(!site.path().join("public").exists(), "no output");
    assert_eq!(leftovers(site.path()), Vec::<String>::new());
    // Without the clash, the site's own file in that folder is written
    // beside the bundle.
    std::fs::remove_file(dir.join("pagefind.js")).expect("rm");
    build_ok(site.path());
    let public = site.path().join("public");
    assert_eq!(read(&public, "pagefind/notes.txt"), "mine\n");
    assert!(public.join("pagefind/pagefind.js").is_file());
}
