//! The repository's own sample campus is the project's face: it must
//! build with zero warnings and every link in it must resolve.

use crate::common::*;
use aula::build;
use std::path::Path;

#[test]
fn sample_campus_builds_without_warnings_and_links_resolve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("tempdir");
    let mut opts = options(root);
    opts.output = Some(out.path().join("public"));
    let report = match build::build(&opts) {
        Ok(r) => r,
        Err(e) => panic!("the sample campus does not build:\n{}", render(&e)),
    };
    assert!(report.warnings.is_empty(), "{}", render(&report.warnings));
    let counts = &report.pages_by_language;
    assert_eq!(counts.get("es"), counts.get("en"));
    assert_eq!(counts.get("es"), counts.get("pt"));
    let public = out.path().join("public");
    assert_eq!(broken_references(&public), Vec::<String>::new());
    // Valid under a Content-Security-Policy without 'unsafe-inline'.
    for f in files(&public).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read(&public, &f);
        assert!(!html.contains(" style=\""), "{f} has an inline style");
        assert!(!html.contains("<script>"), "{f} has an inline script");
    }
}

/// The top-level modules of `src/` form no import cycle: data flows one
/// way (ARCHITECTURE.md). Read from `crate::<module>` paths in the
/// sources, tests excluded.
#[test]
fn modules_import_each_other_one_way() {
    use std::collections::{BTreeMap, BTreeSet};
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).expect("inside src");
        let module = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("read source");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                edges.entry(module.clone()).or_default().insert(name);
            }
        }
    }
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(m) = stack.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if next == to {
                    return true;
                }
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        false
    };
    let cycles: Vec<String> = edges
        .iter()
        .flat_map(|(a, bs)| bs.iter().map(move |b| (a, b)))
        .filter(|(a, b)| reaches(b, a))
        .map(|(a, b)| format!("{a} -> {b}"))
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles between modules: {cycles:?}"
    );
}

/// Issue 10 item 8, data saver: the built sample campus asks no other host
/// for anything. Every `src`, every `<link>` the browser fetches
/// (stylesheets, icons, preloads), every CSS `url()` and `@import` is
/// relative; no web font is loaded.
#[test]
fn the_sample_campus_requests_nothing_from_another_host() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("tempdir");
    let mut opts = options(root);
    opts.output = Some(out.path().join("public"));
    if let Err(e) = build::build(&opts) {
        panic!("{}", render(&e));
    }
    let public = out.path().join("public");
    let external = |v: &str| {
        let v = v.trim().trim_matches(['"', '\'']);
        v.starts_with("//") || v.contains("://") || v.starts_with("data:font")
    };
    let mut found = Vec::new();
    for f in files(&public) {
        if f.ends_with(".html") {
            let html = read(&public, &f);
            for (i, _) in html.match_indices(" src=\"") {
                let v = &html[i + 6..];
                let v = &v[..v.find('"').unwrap_or(0)];
                if external(v) {
                    found.push(format!("{f}: src {v}"));
                }
            }
            for (i, _) in html.match_indices("<link ") {
                let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
                let fetched = [
                    "stylesheet",
                    "icon",
                    "preload",
                    "prefetch",
                    "modulepreload",
                    "manifest",
                ]
                .iter()
                .any(|r| tag.contains(&format!("rel=\"{r}\"")));
                let href = tag
                    .split("href=\"")
                    .nth(1)
                    .and_then(|h| h.split('"').next())
                    .unwrap_or("");
                if fetched && external(href) {
                    found.push(format!("{f}: {tag}>"));
                }
            }
        }
        if f.ends_with(".css") {
            let css = read(&public, &f);
            if css.contains("@import") || css.contains("@font-face") {
                found.push(format!("{f}: @import or @font-face"));
            }
            for (i, _) in css.match_indices("url(") {
                let v = &css[i + 4..];
                let v = &v[..v.find(')').unwrap_or(0)];
                if external(v) {
                    found.push(format!("{f}: url({v})"));
                }
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

/// `aula build` finishes each file on its way to disk (minify,
/// fingerprint, measure, precompress, write: `build::passes::stream`);
/// `aula serve` and `aula check` run the same passes over the files in
/// memory. Both must give the same files, bytes and weights: checked on
/// the sample campus (images, static files, packages), with and without
/// precompressed copies.
#[test]
fn a_written_build_equals_the_build_in_memory() {
    for precompress in [false, true] {
        let site = sample_campus();
        if precompress {
            let toml = site.path().join("aula.toml");
            let text =
                std::fs::read_to_string(&toml).expect("read") + "\n[output]\nprecompress = true\n";
            std::fs::write(&toml, text).expect("write");
        }
        let mut opts = options(site.path());
        opts.budget_gzip = aula::outputs::budget::Gzip::Measure;
        let written = match build::build(&opts) {
            Ok(r) => r,
            Err(e) => panic!("build: {}", render(&e)),
        };
        let (memory, in_memory) = match build::render_site(&opts) {
            Ok(r) => r,
            Err(e) => panic!("render: {}", render(&e)),
        };
        let public = site.path().join("public");
        let on_disk = files(&public);
        let expected: Vec<String> = memory.keys().cloned().collect();
        assert_eq!(on_disk, expected, "precompress = {precompress}");
        assert_eq!(written.files, memory.len());
        for (path, data) in memory.iter() {
            let want = match data {
                aula::output::Data::Bytes(b) => b.to_vec(),
                aula::output::Data::Copy(p) => std::fs::read(p).expect("source"),
                aula::output::Data::Written(p) => panic!("in memory, yet written: {}", p.display()),
            };
            assert!(
                std::fs::read(public.join(path)).expect("written") == want,
                "{path} differs (precompress = {precompress})"
            );
        }
        let json = |r: &aula::outputs::budget::Report| serde_json::to_string(r).expect("json");
        assert_eq!(json(&written.budget), json(&in_memory.budget));
        assert!(written.budget.pages.len() > 50);
        assert_eq!(written.warnings.len(), in_memory.warnings.len());
    }
}
