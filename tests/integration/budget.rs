//! Issue 10, items 2 and 3: page weight measured against `[budget]`,
//! minified output, fingerprinted stylesheets and scripts, precompressed
//! siblings. Every number is checked against the files on disk,
//! compressed here independently.

use crate::common::*;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

fn aula() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aula"))
}

fn bytes(root: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn gzip6(data: &[u8]) -> u64 {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    e.write_all(data).expect("in memory");
    e.finish().expect("in memory").len() as u64
}

fn brotli4(data: &[u8]) -> u64 {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 4, 22);
        w.write_all(data).expect("in memory");
    }
    out.len() as u64
}

/// The stylesheets a page links, as output paths: read here with a plain
/// search, not with aula's scanner.
fn linked_stylesheets(page: &str, html: &str) -> Vec<String> {
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
    html.split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| {
            let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
            for seg in href.split('/') {
                match seg {
                    ".." => {
                        parts.pop();
                    }
                    s => parts.push(s),
                }
            }
            parts.join("/")
        })
        .collect()
}

#[test]
fn budget_numbers_match_an_independent_compression_of_the_written_files() {
    let site = site("basic");
    // As for `aula build --budget-report`: gzip is measured too.
    let opts = aula::build::Options {
        budget_gzip: aula::outputs::budget::Gzip::Measure,
        ..options(site.path())
    };
    let report = aula::build::build(&opts).expect("builds");
    let public = site.path().join("public");
    let budget = &report.budget;
    let html_files: Vec<String> = files(&public)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert_eq!(budget.pages.len(), html_files.len(), "every page measured");
    assert!(budget.pages.iter().any(|p| p.kind == "module"));
    for page in &budget.pages {
        let html = bytes(&public, &page.path);
        assert_eq!(page.html.raw, html.len() as u64, "{}", page.path);
        assert_eq!(page.html.gzip, Some(gzip6(&html)), "{}", page.path);
        let br = brotli4(&html);
        assert!(
            page.html.brotli.abs_diff(br) <= br / 50 + 8,
            "{}: report {} vs {br}",
            page.path,
            page.html.brotli
        );
        let text = String::from_utf8(html).expect("utf-8");
        let sheets = linked_stylesheets(&page.path, &text);
        assert_eq!(page.stylesheets, sheets, "{}", page.path);
        let (mut raw, mut gz) = (page.html.raw, page.html.gzip.expect("measured"));
        for s in &sheets {
            let css = bytes(&public, s);
            raw += css.len() as u64;
            gz += gzip6(&css);
        }
        assert_eq!(
            (page.total.raw, page.total.gzip.expect("measured")),
            (raw, gz),
            "{}",
            page.path
        );
    }
    // The diagram is the first image of 01-intro: above the fold, though
    // lazy.
    let intro = budget
        .pages
        .iter()
        .find(|p| p.path == "es/cursos/alfa-es/01-intro/index.html")
        .expect("measured");
    assert_eq!(intro.images, ["es/cursos/alfa-es/01-intro/diagram.png"]);
    let png = bytes(&public, "es/cursos/alfa-es/01-intro/diagram.png");
    assert_eq!(intro.image_bytes, png.len() as u64);
    assert_eq!(intro.weight, intro.total.brotli + intro.image_bytes);
    assert_eq!(
        intro.source.as_deref(),
        Some("content/courses/alpha/01-intro.es.md")
    );
    assert!(budget.over().next().is_none(), "the fixture is light");
}

#[test]
fn over_budget_fails_check_budget_and_names_the_page() {
    let site = site("over-budget");
    let out = aula()
        .args(["check", "--budget", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("warning: module page es/cursos/heavy/01-long/"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/courses/heavy/01-long.es.md"),
        "names the source: {stderr}"
    );
    assert!(stderr.contains("module_kb (now 2) in [budget]"), "{stderr}");
    assert!(
        stderr.contains("warning: page es/cursos/heavy/01-long/ weighs")
            && stderr.contains("with 1 image above the fold")
            && stderr.contains("page_kb (now 10) in [budget]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("check failed: 1 page over budget"),
        "{stderr}"
    );
    // Without --budget, the same site passes with a warning; build warns.
    let out = aula()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let out = aula()
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--budget-report")
        .arg(site.path().join("budget.json"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("heaviest pages (brotli, HTML + CSS): es/cursos/heavy/01-long/"),
        "{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&bytes(site.path(), "budget.json")).expect("JSON");
    let pages = json["pages"].as_array().expect("pages");
    assert!(pages.len() >= 3);
    // The map is the page's first image (and its second): above the
    // fold, lazy or not, counted once.
    let module = pages
        .iter()
        .find(|p| p["path"] == "es/cursos/heavy/01-long/index.html")
        .expect("module measured");
    assert_eq!(
        module["images"],
        serde_json::json!(["es/cursos/heavy/01-long/mapa.png"])
    );
    let png = bytes(site.path(), "public/es/cursos/heavy/01-long/mapa.png");
    assert_eq!(module["image_bytes"], png.len() as u64);
    assert_eq!(
        module["weight"].as_u64(),
        Some(module["total"]["brotli"].as_u64().expect("brotli") + png.len() as u64)
    );
    for p in pages {
        for part in ["html", "total"] {
            for enc in ["raw", "gzip", "brotli"] {
                assert!(p[part][enc].as_u64().is_some(), "{p}");
            }
        }
        assert!(p["image_bytes"].as_u64().is_some());
    }
    assert!(!site.path().join("public/budget.json").exists());
}

#[test]
fn a_build_without_a_report_measures_brotli_alone() {
    let site = site("basic");
    let report = build_ok(site.path());
    assert!(!report.budget.pages.is_empty());
    assert!(report.budget.pages.iter().all(|p| p.total.gzip.is_none()));
    assert!(report.budget.pages.iter().all(|p| p.total.brotli > 0));
    let json = serde_json::to_value(&report.budget).expect("JSON");
    assert!(json["pages"][0]["total"].get("gzip").is_none(), "{json}");
}

#[test]
fn check_budget_json_reports_every_page() {
    let site = site("over-budget");
    let out = aula()
        .args(["check", "--budget", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["ok"], false);
    let over: Vec<&serde_json::Value> = json["budget"]["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .filter(|p| p["over_module"] == true)
        .collect();
    assert_eq!(over.len(), 1);
    assert_eq!(over[0]["over_page"], true);
    assert_eq!(over[0]["source"], "content/courses/heavy/01-long.es.md");
    assert!(over[0]["total"]["gzip"].as_u64().is_some_and(|g| g > 0));
    let kinds: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"budget"), "{kinds:?}");
}

fn is_hashed(name: &str, stem: &str, ext: &str) -> bool {
    name.strip_prefix(stem)
        .and_then(|r| r.strip_prefix('.'))
        .and_then(|r| r.strip_suffix(ext))
        .and_then(|r| r.strip_suffix('.'))
        .is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[test]
fn stylesheets_and_scripts_are_fingerprinted_and_every_reference_resolves() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let all = files(&public);
    let root: Vec<&str> = all
        .iter()
        .map(String::as_str)
        .filter(|f| !f.contains('/'))
        .collect();
    for (stem, ext) in [
        ("style", "css"),
        ("syntax", "css"),
        ("aula", "js"),
        ("chooser", "js"),
        ("notfound", "js"),
    ] {
        assert!(
            root.iter().any(|f| is_hashed(f, stem, ext)),
            "{stem}.<hash>.{ext} in {root:?}"
        );
        assert!(
            !root.contains(&format!("{stem}.{ext}").as_str()),
            "no unhashed {stem}.{ext}"
        );
    }
    let mut checked = 0;
    for rel in all.iter().filter(|f| f.ends_with(".html")) {
        let html = read(&public, rel);
        let dir = public.join(rel).parent().expect("in public").to_path_buf();
        for r in references(&html) {
            let path = r.split(['#', '?']).next().unwrap_or("");
            if !(path.ends_with(".css") || path.ends_with(".js")) || path.contains(':') {
                continue;
            }
            let name = path.rsplit('/').next().unwrap_or("");
            assert!(
                name.split('.').count() == 3,
                "{rel} references an unhashed {r}"
            );
            assert!(dir.join(path).is_file(), "{rel}: {r} does not resolve");
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked} references checked");
    // Same content, same name: two builds agree.
    let again = tempfile::tempdir().expect("temp");
    copy_tree(site.path(), again.path());
    std::fs::remove_dir_all(again.path().join("public")).expect("rm");
    build_ok(again.path());
    let names = |p: &Path| -> Vec<String> {
        files(&p.join("public"))
            .into_iter()
            .filter(|f| !f.contains('/'))
            .collect()
    };
    assert_eq!(names(site.path()), names(again.path()));
}

#[test]
fn minified_pages_keep_pre_and_json_ld() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let html = read(&public, "es/cursos/alfa-es/01-intro/index.html");
    assert!(!html.contains("\n\n"), "blank lines removed");
    assert!(!html.contains("<!--"), "comments removed");
    // The code block keeps its line breaks and indentation.
    assert!(html.contains("<pre"), "{html}");
    let pre = &html[html.find("<pre").expect("pre")..];
    let pre = &pre[..pre.find("</pre>").expect("end")];
    assert!(pre.contains("\n    "), "indentation kept: {pre}");
    // JSON-LD is valid JSON after minification.
    let mut found = 0;
    for file in files(&public).iter().filter(|f| f.ends_with(".html")) {
        let html = read(&public, file);
        for part in html.split("<script type=\"application/ld+json\">").skip(1) {
            let json = part.split("</script>").next().expect("closed");
            serde_json::from_str::<serde_json::Value>(json)
                .unwrap_or_else(|e| panic!("{file}: {e}: {json}"));
            found += 1;
        }
    }
    assert!(found > 0, "some page has JSON-LD");
    let css = files(&public)
        .into_iter()
        .find(|f| f.starts_with("style.") && f.ends_with(".css"))
        .expect("style");
    let css = read(&public, &css);
    assert!(!css.contains("/*"), "CSS comments removed");
    assert!(css.lines().count() < 10, "CSS minified");
}

#[test]
fn output_table_turns_passes_off_and_precompress_on() {
    let site = site("basic");
    let toml = site.path().join("aula.toml");
    let mut text = std::fs::read_to_string(&toml).expect("toml");
    text.push_str("\n[output]\nminify = false\nfingerprint = false\nprecompress = true\n");
    std::fs::write(&toml, text).expect("write");
    build_ok(site.path());
    let public = site.path().join("public");
    let all = files(&public);
    assert!(all.contains(&"style.css".to_string()));
    assert!(read(&public, "es/index.html").contains("href=\"../style.css\""));
    let mut siblings = 0;
    for f in &all {
        let (Some(orig), gz) = (
            f.strip_suffix(".gz").or(f.strip_suffix(".br")),
            f.ends_with(".gz"),
        ) else {
            continue;
        };
        let compressed = bytes(&public, f);
        let mut plain = Vec::new();
        if gz {
            flate2::read::GzDecoder::new(&compressed[..])
                .read_to_end(&mut plain)
                .expect("gzip");
        } else {
            brotli::Decompressor::new(&compressed[..], 4096)
                .read_to_end(&mut plain)
                .expect("brotli");
        }
        assert_eq!(plain, bytes(&public, orig), "{f}");
        siblings += 1;
    }
    assert!(siblings > 40, "{siblings}");
    assert!(all.contains(&"es/index.html.br".to_string()));
    assert!(all.contains(&"style.css.gz".to_string()));
    assert!(
        !all.iter().any(|f| f.ends_with(".png.gz")),
        "no siblings for images"
    );
}

/// `aula build` writes each page and its precompressed copies as soon as
/// the page is rendered, before the site's other files: a static file or
/// a page's own file named like a page's copy is still an error, and the
/// failed build leaves no output.
#[test]
fn a_file_named_like_a_pages_precompressed_copy_fails_a_written_build() {
    for (at, link) in [
        ("static/es/index.html.br", false),
        ("content/index.html.br", true),
    ] {
        let site = site("basic");
        let toml = site.path().join("aula.toml");
        let text =
            std::fs::read_to_string(&toml).expect("read") + "\n[output]\nprecompress = true\n";
        std::fs::write(&toml, text).expect("write");
        let file = site.path().join(at);
        std::fs::create_dir_all(file.parent().expect("folder")).expect("mkdir");
        std::fs::write(&file, "not brotli").expect("write");
        if link {
            let home = site.path().join("content/_index.es.md");
            let text = std::fs::read_to_string(&home).expect("read") + "\n[copia](index.html.br)\n";
            std::fs::write(&home, text).expect("write");
        }
        let errors = build(site.path()).expect_err("the copy's name is taken");
        let text = render(&errors);
        assert!(
            text.contains("es/index.html.br would replace the precompressed copy of es/index.html"),
            "{at}: {text}"
        );
        assert!(!site.path().join("public").exists(), "{at}: no output");
        assert_eq!(leftovers(site.path()), Vec::<String>::new(), "{at}");
    }
}
