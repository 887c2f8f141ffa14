//! Helpers shared by the integration tests.

use aula::build::{self, Options, Report};
use aula::diagnostic::Diagnostic;
use aula::site::LinkStyle;
use std::io::Read as _;
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

/// A copy of the repository's sample campus (its site files, not its
/// code or output) in a temporary folder.
pub fn sample_campus() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().expect("tempdir");
    for part in [
        "aula.toml",
        "content",
        "locales",
        "static",
        "templates",
        "themes",
    ] {
        let from = repo.join(part);
        if from.is_dir() {
            copy_tree(&from, &site.path().join(part));
        } else if from.is_file() {
            std::fs::copy(&from, site.path().join(part)).expect("copy");
        }
    }
    site
}

pub fn options(root: &Path) -> Options {
    Options {
        root: root.to_path_buf(),
        output: None,
        drafts: false,
        links: LinkStyle::Directory,
        write: true,
        strict: false,
        budget_gzip: aula::outputs::budget::Gzip::Skip,
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

/// Calls `f(page, page_folder, reference, decoded_path)` for every
/// `href`/`src` of every HTML file under `root` that names a local file
/// (not http(s), mailto, data or a fragment of the same page).
pub fn each_local_reference(root: &Path, mut f: impl FnMut(&str, &Path, &str, &str)) {
    for rel in files(root).into_iter().filter(|f| f.ends_with(".html")) {
        let html = read(root, &rel);
        let dir = Path::new(&rel).parent().unwrap_or(Path::new(""));
        for r in references(&html) {
            if ["http://", "https://", "mailto:", "#", "data:"]
                .iter()
                .any(|p| r.starts_with(p))
            {
                continue;
            }
            let path = percent_decode(r.split(['#', '?']).next().unwrap_or(""));
            f(&rel, dir, &r, &path);
        }
    }
}

/// Checks every internal reference of every HTML file under `public`
/// resolves to an existing file; returns the broken ones.
pub fn broken_references(public: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    each_local_reference(public, |rel, dir, r, path| {
        let mut target = public.join(dir).join(path.replace("&amp;", "&"));
        if path.is_empty() || path.ends_with('/') || target.is_dir() {
            target = target.join("index.html");
        }
        if !target.is_file() {
            broken.push(format!("{rel}: {r}"));
        }
    });
    broken
}

/// Decodes `%XX` escapes in an href (UTF-8), as a browser does.
pub fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `text` with the content hashes of fingerprinted names taken out
/// (`style.3f2a9c1e.css` -> `style.css`), so snapshots do not change with
/// every edit of a stylesheet.
pub fn unhash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('.') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let hashed = after.len() > 9
            && after.as_bytes()[..8]
                .iter()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            && (after[8..].starts_with(".css") || after[8..].starts_with(".js"));
        if hashed {
            rest = &after[8..];
        } else {
            out.push('.');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The output path of the fingerprinted copy of the root file `name`
/// (`style.css` -> `style.3f2a9c1e.css`).
pub fn hashed(public: &Path, name: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').expect("a name with an extension");
    files(public)
        .into_iter()
        .find(|f| {
            !f.contains('/')
                && f.strip_prefix(stem)
                    .and_then(|r| r.strip_suffix(ext))
                    .is_some_and(|h| h.len() == 10 && h.starts_with('.') && h.ends_with('.'))
        })
        .unwrap_or_else(|| panic!("no fingerprinted {name} in {}", public.display()))
}

/// Unpacks zip `bytes` into `to`; the names of its files, in zip order.
pub fn unzip(bytes: &[u8], to: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("an entry");
        let name = f.name().to_string();
        assert!(
            !name.starts_with('/') && !name.split('/').any(|s| s == ".."),
            "{name} stays inside the package"
        );
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("readable entry");
        let path = to.join(&name);
        std::fs::create_dir_all(path.parent().expect("has a folder")).expect("mkdir");
        std::fs::write(&path, data).expect("write");
        names.push(name);
    }
    names
}

/// References in a package's HTML that do not name a file inside it.
pub fn broken_in_package(dir: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    let root = dir.canonicalize().expect("dir");
    each_local_reference(dir, |rel, here, r, path| {
        // From disk a folder shows a listing: links must name files.
        if path.is_empty() || path.ends_with('/') {
            broken.push(format!("{rel}: {r} (a folder)"));
            return;
        }
        let target = dir.join(here).join(path);
        let inside = target.canonicalize().is_ok_and(|t| t.starts_with(&root));
        if !target.is_file() || !inside {
            broken.push(format!("{rel}: {r}"));
        }
    });
    broken
}

/// What a build left beside the output folder in `dir`: temporary or set
/// aside folders (`.public.aula-tmp-…`, `.public.aula-old-…`).
pub fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read the site folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("aula-tmp") || n.contains("aula-old"))
        .collect()
}
