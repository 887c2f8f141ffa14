//! Offline packages: for every course and language a zip of the course's
//! folder as built (`<course>/<slug>.zip`: the course page, its modules,
//! the printable course, their images, and the CSS and scripts they
//! load), and for every language a zip of its whole tree
//! (`<lang>/<lang>.zip`). Each package has `index.html` at its root (the
//! course page, or the language's home), links that name files
//! (`m/index.html`), so it works unzipped and opened from disk, and is
//! what Kolibri imports as an HTML5 app.
//!
//! Made from the files of the build (`Files`) as the site publishes them
//! (minified, stylesheets and scripts under their fingerprinted names;
//! in `aula build` read back from the output's temporary folder), after
//! pages, EPUBs and printable pages exist: the package's folder is moved to the zip's root,
//! files outside it that its pages load (style.css, aula.js, quiz.js,
//! syntax.css) keep their place under that root, and every `href` and
//! `src` is rewritten: to the file inside the package, or, for a page not
//! in it (home, other courses, another language), to its absolute address
//! under `base_url`, or with no `base_url` the link's `href` is removed so
//! it reads as plain text rather than breaking.
//!
//! Then the course pages offer the downloads with their sizes: the course
//! page inside a course's own zip is the one rendered before (it does not
//! offer the package it is in), and the site's course page is rendered
//! again with `course.downloads` (see [`crate::render::downloads`]) and
//! replaces the first one. The language zips are made last, from those
//! final pages. Zips are deterministic: sorted entries, fixed timestamps
//! and permissions, deflate.

use super::html::{self, Edit, Token};
use super::{Data, Files, Finish, Input};
use crate::diagnostic::Diagnostic;
use crate::render::downloads::Download;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;

/// A package's bytes and the warnings about files it leaves out.
type Made = Result<(Vec<u8>, Vec<Diagnostic>), Diagnostic>;

/// A course's or a language's zips by site path, finished, and the
/// warnings about files they leave out.
type Zips = Result<(Vec<(String, Data)>, Vec<Diagnostic>), Diagnostic>;

/// One file of a zip: its name and bytes.
pub type Entry = (String, Cow<'static, [u8]>);

/// The course zip's path inside a course folder: the course's URL slug.
pub fn course_zip(course_dir: &str) -> String {
    let slug = course_dir.rsplit('/').next().unwrap_or("course");
    format!("{course_dir}/{slug}.zip")
}

/// A language's whole-campus zip.
pub fn language_zip(lang: &str) -> String {
    format!("{lang}/{lang}.zip")
}

/// Files never put into a package: other packages.
fn is_archive(path: &str) -> bool {
    [".zip", ".epub", ".imscc"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// Adds every course's packages, the course pages offering them, and
/// the language zips; each file goes through `finish` as it is made.
pub fn add(input: &Input, files: &mut Files, finish: &dyn Finish) -> Vec<Diagnostic> {
    let site = input.site;
    let want = site.config.packages;
    let mut diags = Vec::new();
    let courses: Vec<usize> = (0..site.pages.len())
        .filter(|&i| super::scorm::is_course(input, i))
        .collect();
    let base = site.config.base_url.as_deref();
    // Each course's files once, for its offline package and the packages
    // for learning platforms made from them (`scorm.rs`); made before the
    // course pages are rendered again, which offer them.
    let platforms = want.scorm || want.common_cartridge;
    let made: Vec<Zips> = {
        let all: &Files = files;
        courses
            .par_iter()
            .filter(|_| want.offline || platforms)
            .map(|&i| {
                let dir = &site.pages[i].dir;
                let (entries, warnings) = entries(all, dir, base)?;
                let mut zips = Vec::new();
                if want.offline {
                    zips.push(all.new_file(finish, course_zip(dir), zip_of(&entries, dir)?)?);
                }
                for (path, bytes) in super::scorm::make(input, i, &entries)? {
                    zips.push(all.new_file(finish, path, bytes)?);
                }
                Ok((zips, warnings))
            })
            .collect()
    };
    add_zips(files, made, &mut diags);
    let pages: Vec<Result<(String, Data), Diagnostic>> = {
        let all: &Files = files;
        courses
            .par_iter()
            .map(|&i| {
                let downloads = downloads(input, all, i);
                let html = crate::render::downloads::course_page(
                    input.renderer,
                    input.theme,
                    input.i18n,
                    site,
                    input.shared,
                    i,
                    &input.bodies[i],
                    &downloads,
                )?;
                let path = format!("{}/index.html", site.pages[i].dir);
                all.replacement(finish, path, html.into_bytes())
            })
            .collect()
    };
    for r in pages {
        if let Err(d) = r.and_then(|(path, data)| files.replace_generated(path, data)) {
            diags.push(d);
        }
    }
    let langs: Vec<Zips> = {
        let all: &Files = files;
        site.config
            .languages
            .par_iter()
            .filter(|_| want.campus)
            .map(|l| {
                let (bytes, warnings) = package(all, &l.code, base)?;
                let zip = all.new_file(finish, language_zip(&l.code), bytes)?;
                Ok((vec![zip], warnings))
            })
            .collect()
    };
    add_zips(files, langs, &mut diags);
    diags
}

/// Adds made zips to `files`, their warnings and errors to `diags`.
fn add_zips(files: &mut Files, made: Vec<Zips>, diags: &mut Vec<Diagnostic>) {
    for r in made {
        match r {
            Ok((zips, warnings)) => {
                diags.extend(warnings);
                diags.extend(files.add_finished(zips.into_iter().map(Ok)));
            }
            Err(d) => diags.push(d),
        }
    }
}

/// What course page `i` offers: its zip, EPUB and printable page, those
/// that exist, with their sizes.
fn downloads(input: &Input, files: &Files, i: usize) -> Vec<Download> {
    let site = input.site;
    let p = &site.pages[i];
    let print_dir = super::print::folder(&p.dir);
    let scorm = super::scorm::scorm_zip(&p.dir);
    let cartridge = super::scorm::cartridge(&p.dir);
    let found = [
        ("zip", course_zip(&p.dir), course_zip(&p.dir)),
        ("epub", super::epub::path(&p.dir), super::epub::path(&p.dir)),
        ("scorm", scorm.clone(), scorm),
        ("imscc", cartridge.clone(), cartridge),
        (
            "print",
            format!("{print_dir}/index.html"),
            site.links.url(&print_dir),
        ),
    ];
    found
        .into_iter()
        .filter_map(|(kind, file, url)| {
            let bytes = files.get(&file)?.size().ok()?;
            Some(Download::new(kind, url, bytes, &p.lang))
        })
        .collect()
}

/// The bytes of a built file, owned (for a package's entry).
pub fn read(data: &Data) -> Result<Cow<'static, [u8]>, Diagnostic> {
    borrow(data).map(|b| Cow::Owned(b.into_owned()))
}

/// The bytes of a built file: shared, or read from its file.
fn borrow(data: &Data) -> Result<Cow<'_, [u8]>, Diagnostic> {
    data.read().map_err(|e| {
        let path = match data {
            Data::Copy(p) | Data::Written(p) => p.display().to_string(),
            Data::Bytes(_) => String::new(),
        };
        Diagnostic::error(format!("could not read {path} for a package: {e}"))
            .kind(crate::diagnostic::Kind::Io)
            .help("check that the file is readable, then build again")
    })
}

/// The package of folder `prefix` (a course's, or a language's): the zip
/// and warnings for files left out.
fn package(files: &Files, prefix: &str, base: Option<&str>) -> Made {
    let (entries, warnings) = entries(files, prefix, base)?;
    Ok((zip_of(&entries, prefix)?, warnings))
}

/// The offline package of folder `prefix` from its entries.
fn zip_of(entries: &[Entry], prefix: &str) -> Result<Vec<u8>, Diagnostic> {
    zip(entries, |_| false).map_err(|e| {
        Diagnostic::error(format!("could not make the package of {prefix}: {e}"))
            .help("this is a bug in aula: please report it with the site that shows it")
    })
}

/// The files of the package of folder `prefix`, sorted, links rewritten
/// for the package, and warnings for files left out. A course's SCORM
/// package and Common Cartridge (`scorm.rs`) are made from the same files.
pub fn entries(
    files: &Files,
    prefix: &str,
    base: Option<&str>,
) -> Result<(Vec<Entry>, Vec<Diagnostic>), Diagnostic> {
    let inside = format!("{prefix}/");
    // Site path to the path in the package.
    let mut members: BTreeMap<String, String> = files
        .range(inside.clone()..)
        .take_while(|(p, _)| p.starts_with(&inside))
        .filter(|(p, _)| !is_archive(p))
        .map(|(p, _)| (p.clone(), p[inside.len()..].to_string()))
        .collect();
    let taken: BTreeSet<String> = members.values().cloned().collect();
    // What the package's pages load from outside its folder, and pages
    // outside it, are decided from their links.
    let mut warnings = Vec::new();
    let mut outside = BTreeSet::new();
    for (path, _) in members.iter().filter(|(p, _)| p.ends_with(".html")) {
        // A page copied from `static/` is not read for its links.
        let bytes = match files.get(path) {
            Some(data @ (Data::Bytes(_) | Data::Written(_))) => borrow(data)?,
            _ => continue,
        };
        let text = crate::text::lossy(&bytes);
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        for t in html::tokens(&text) {
            let Token::Start(tag) = t else { continue };
            if !loads(&tag) {
                continue;
            }
            for a in tag.attrs.iter().filter(|a| html::is_url_attr(&a.name)) {
                let Some(local) = a.value.as_deref().and_then(|v| html::resolve(dir, v)) else {
                    continue;
                };
                let file = local.file();
                if !file.starts_with(&inside) && files.contains_key(&file) && !is_archive(&file) {
                    outside.insert(file);
                }
            }
        }
    }
    for file in outside {
        if taken.contains(&file) {
            warnings.push(
                Diagnostic::warning(format!(
                    "the package of {prefix} leaves out {file}: a file of the package has the same name"
                ))
                .help("rename the file in the package's folder"),
            );
        } else {
            members.insert(file.clone(), file);
        }
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(members.len());
    for (site_path, pkg_path) in &members {
        let data = files
            .get(site_path)
            .expect("members are taken from the files");
        let bytes = if pkg_path.ends_with(".html") {
            let bytes = borrow(data)?;
            let text = crate::text::lossy(&bytes);
            let dir = site_path.rsplit_once('/').map_or("", |(d, _)| d);
            let out = html::rewrite_attrs(&text, |tag, attr, v| {
                if html::is_url_attr(attr) {
                    relink(tag, v, dir, pkg_path, &members, files, base)
                } else {
                    Edit::Keep
                }
            });
            Cow::Owned(out.into_bytes())
        } else {
            read(data)?
        };
        entries.push((pkg_path.clone(), bytes));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((entries, warnings))
}

/// Whether what a tag's URLs name is loaded with the page (a stylesheet,
/// a script, an image), rather than linked (pages, feeds).
fn loads(tag: &html::Tag) -> bool {
    match &*tag.name {
        "link" => tag.attrs.iter().any(|a| {
            a.name == "rel"
                && a.value.as_deref().is_some_and(|r| {
                    r.split_whitespace().any(|r| {
                        r.eq_ignore_ascii_case("stylesheet") || r.eq_ignore_ascii_case("icon")
                    })
                })
        }),
        "a" | "area" | "form" | "base" => false,
        _ => true,
    }
}

/// The address of a site path on the live site: `base` and the path,
/// without a final `index.html` (the host serves the folder).
pub fn absolute(base: &str, path: &str, fragment: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{base}{}{fragment}", html::encode_path(path))
}

/// One URL of a page in a package: to the file inside the package, else
/// to the live site, else removed.
fn relink(
    tag: &str,
    v: &str,
    dir: &str,
    pkg_path: &str,
    members: &BTreeMap<String, String>,
    files: &Files,
    base: Option<&str>,
) -> Edit {
    let Some(local) = html::resolve(dir, v) else {
        return Edit::Keep;
    };
    let mut file = local.file();
    // A folder linked without its slash (`../x`).
    if !members.contains_key(&file) && !files.contains_key(&file) {
        let index = format!("{file}/index.html");
        if members.contains_key(&index) {
            file = index;
        }
    }
    if let Some(target) = members.get(&file) {
        return Edit::Set(format!(
            "{}{}",
            html::relative_file(pkg_path, target),
            local.fragment
        ));
    }
    match base {
        Some(b) if matches!(tag, "a" | "area" | "link") => {
            Edit::Set(absolute(b, &local.path, &local.fragment))
        }
        _ => Edit::Remove,
    }
}

/// A zip of `entries` in the order given: deflated, except those `stored`
/// names, with a fixed time (1980-01-01) and permissions, so the same
/// entries always give the same bytes.
pub fn zip(entries: &[Entry], stored: impl Fn(&str) -> bool) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    let total: usize = entries.iter().map(|(_, b)| b.len()).sum();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(total / 3 + 1024)));
    for (name, bytes) in entries {
        let method = if stored(name) {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        w.start_file(name.as_str(), opts)
            .map_err(|e| e.to_string())?;
        w.write_all(bytes).map_err(|e| e.to_string())?;
    }
    let mut bytes = w
        .finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| e.to_string())?;
    made_on_unix(&mut bytes);
    Ok(bytes)
}

/// Marks every entry of a finished zip as made on Unix, as the `zip` crate
/// does everywhere but on Windows (where it writes MS-DOS, with no option):
/// so a campus built on Windows has the same bytes as one built on Linux,
/// and the 0644 permissions stay meaningful. Patches the "version made by"
/// system byte of each central directory header (no checksum covers it).
fn made_on_unix(zip: &mut [u8]) {
    const CENTRAL: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    const UNIX: u8 = 3;
    // The zip crate's reader finds the central directory (zip64 too).
    let Ok(mut at) = zip::ZipArchive::new(std::io::Cursor::new(&*zip))
        .map(|archive| archive.central_directory_start() as usize)
    else {
        return;
    };
    let u16_at = |z: &[u8], at: usize| {
        z.get(at..at + 2)
            .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    while zip.get(at..at + 4) == Some(&CENTRAL[..]) {
        zip[at + 5] = UNIX;
        at += 46 + u16_at(zip, at + 28) + u16_at(zip, at + 30) + u16_at(zip, at + 32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system byte of every central directory header, set to `to`
    /// when given.
    fn systems(zip: &mut [u8], to: Option<u8>) -> Vec<u8> {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(&*zip)).expect("a valid zip");
        let mut at = archive.central_directory_start() as usize;
        let mut out = Vec::new();
        while zip[at..at + 4] == [0x50, 0x4b, 0x01, 0x02] {
            out.push(zip[at + 5]);
            if let Some(to) = to {
                zip[at + 5] = to;
            }
            let len = |o: usize| u16::from_le_bytes([zip[at + o], zip[at + o + 1]]) as usize;
            at += 46 + len(28) + len(30) + len(32);
        }
        out
    }

    #[test]
    fn zips_say_unix_and_0644_on_every_system() {
        let entries: Vec<Entry> = ["mimetype", "a/b.html", "c.css"]
            .iter()
            .map(|n| (n.to_string(), format!("bytes of {n}").into_bytes().into()))
            .collect();
        let mut zip = zip(&entries, |n| n == "mimetype").expect("zip");
        assert_eq!(systems(&mut zip, None), vec![3, 3, 3], "made on Unix");
        // As the zip crate writes them on Windows.
        systems(&mut zip, Some(0));
        made_on_unix(&mut zip);
        assert_eq!(systems(&mut zip, None), vec![3, 3, 3], "marked");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&zip)).expect("reads back");
        for i in 0..archive.len() {
            let file = archive.by_index(i).expect("entry");
            assert_eq!(file.unix_mode(), Some(0o100644), "{}", file.name());
        }
    }

    #[test]
    fn what_is_not_a_zip_is_left_alone() {
        let entries: Vec<Entry> = vec![("a".into(), Cow::Borrowed(&b"x"[..]))];
        let whole = zip(&entries, |_| false).expect("zip");
        for mut broken in [
            b"PK\x05\x06".to_vec(),
            whole[..whole.len() - 3].to_vec(),
            vec![0x50; 40],
            vec![],
        ] {
            let before = broken.clone();
            made_on_unix(&mut broken);
            assert_eq!(broken, before);
        }
    }
}
