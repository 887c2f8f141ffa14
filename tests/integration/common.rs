//! Helpers shared by the integration tests.

use aula::build::{self, Options, Report};
use aula::diagnostic::Diagnostic;
use aula::site::LinkStyle;
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies `src` into `dst` recursively (overwriting files).
pub fn copy_tree(src: &Path, dst: &Path) {
    for entry in walkdir::WalkDir::new(src) {
        let entry = entry.expect("fixture is readable");
        let rel = entry.path().strip_prefix(src).expect("inside src");
        let to = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy file");
        }
    }
}

/// A fresh copy of a fixture site in a temp folder.
pub fn site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture(name), dir.path());
    dir
}

pub fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        output: None,
        drafts: false,
        links: LinkStyle::Directory,
        write: true,
        strict: false,
    }
}

pub fn build(root: &Path) -> Result<Report, Vec<Diagnostic>> {
    build::build(&options(root))
}

pub fn build_ok(root: &Path) -> Report {
    match build(root) {
        Ok(r) => r,
        Err(e) => panic!("build failed:\n{}", render(&e)),
    }
}

pub fn render(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// All files under `dir`, relative, `/`-separated, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    v.sort();
    v
}

/// The `<main>…</main>` part of a page, to keep snapshots about content.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

/// Every `href="…"` and `src="…"` value of an HTML text.
pub fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
            }
        }
    }
    out
}

/// Checks every internal reference of every HTML file under `public`
/// resolves to an existing file; returns the broken ones.
pub fn broken_references(public: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for rel in files(public).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read(public, &rel);
        let dir = Path::new(&rel)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        for r in references(&html) {
            if r.starts_with("http://")
                || r.starts_with("https://")
                || r.starts_with("mailto:")
                || r.starts_with('#')
                || r.starts_with("data:")
            {
                continue;
            }
            let path = percent_decode(r.split(['#', '?']).next().unwrap_or(""));
            let path = path.as_str();
            let mut target = public.join(&dir).join(path.replace("&amp;", "&"));
            if path.is_empty() || path.ends_with('/') || target.is_dir() {
                target = target.join("index.html");
            }
            if !target.is_file() {
                broken.push(format!("{rel}: {r}"));
            }
        }
    }
    broken
}

/// Decodes `%XX` escapes in an href (UTF-8), as a browser does.
pub fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
