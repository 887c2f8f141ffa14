//! Packages for learning platforms, per course and language, made from the
//! files of the course's offline package ([`super::packages::entries`]):
//!
//! | file | what |
//! |---|---|
//! | `<course>/<slug>.scorm.zip` | SCORM 1.2: the offline package, a launch page (`scorm.html`) and the runtime adapter (`scorm.js`), `imsmanifest.xml` |
//! | `<course>/<slug>.imscc` | IMS Common Cartridge 1.1: the offline package as web content, each module's questions as a QTI 1.2 assessment, `imsmanifest.xml` |
//!
//! Made when `[packages] scorm` / `common_cartridge` are on, by
//! [`super::packages::add`], which makes each course's files once for the
//! three packages. The XML is made in [`super::lms`]; what a platform is
//! told is the adapter's business (`scorm.js`, documented in docs/lms.md).
//!
//! In the SCORM package every page also loads the adapter, before its
//! other scripts: inside the launch page it does nothing, and where a
//! platform runs the package as an HTML5 app and offers it the SCORM API
//! (Kolibri), the pages report by themselves. Nothing else differs from
//! the offline package. This module never reads the disk.

use super::Input;
use super::lms::{self, Course, Module};
use super::packages::{self, Entry};
use crate::content::Kind;
use crate::diagnostic::Diagnostic;
use crate::text::html_escaped;
use std::borrow::Cow;

/// The runtime adapter.
const ADAPTER: &str = include_str!("scorm.js");
/// The SCORM package's launch page (its SCO) and the adapter's name.
const LAUNCH: &str = "scorm.html";
const SCRIPT: &str = "scorm.js";
const MANIFEST: &str = "imsmanifest.xml";

/// The SCORM package of the course in folder `course_dir`.
pub fn scorm_zip(course_dir: &str) -> String {
    let zip = packages::course_zip(course_dir);
    format!("{}.scorm.zip", zip.trim_end_matches(".zip"))
}

/// The Common Cartridge of the course in folder `course_dir`.
pub fn cartridge(course_dir: &str) -> String {
    let zip = packages::course_zip(course_dir);
    format!("{}.imscc", zip.trim_end_matches(".zip"))
}

/// The packages `[packages]` asks for of course page `i`, by site path,
/// made from its offline package's `entries` (sorted, links rewritten).
pub fn make(
    input: &Input,
    i: usize,
    entries: &[Entry],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let want = input.site.config.packages;
    let dir = &input.site.pages[i].dir;
    let mut out = Vec::new();
    if want.scorm {
        out.push((scorm_zip(dir), scorm(input, i, entries)?));
    }
    if want.common_cartridge {
        out.push((cartridge(dir), common_cartridge(input, i, entries)?));
    }
    Ok(out)
}

/// Whether page `i` is a course with a package of its own.
pub fn is_course(input: &Input, i: usize) -> bool {
    let p = &input.site.pages[i];
    p.kind == Kind::Course && p.course.is_some()
}

/// The module pages of course page `i`, in order, in its language.
fn module_pages<'a>(input: &Input<'a>, i: usize) -> &'a [usize] {
    let p = &input.site.pages[i];
    p.course
        .and_then(|c| input.site.courses[c].modules.get(&p.lang))
        .map_or(&[], Vec::as_slice)
}

/// Course page `i` as the manifests see it, with the package's files.
fn course<'a>(input: &'a Input, i: usize, files: Vec<String>) -> Course<'a> {
    let site = input.site;
    let p = &site.pages[i];
    let inside = format!("{}/", p.dir);
    let modules = module_pages(input, i)
        .iter()
        .map(|&m| {
            let dir = &site.pages[m].dir;
            Module {
                title: &site.pages[m].front().title,
                href: format!("{}/index.html", dir.strip_prefix(&inside).unwrap_or(dir)),
                questions: input.bodies[m].quiz_items.iter().collect(),
            }
        })
        .collect();
    let key = p.key.strip_suffix("/_index").unwrap_or(&p.key);
    Course {
        identifier: format!("aula-{key}-{}", p.lang),
        title: &p.front().title,
        lang: &p.text_lang,
        description: &p.front().summary,
        license: p.front().course().map_or("", |c| c.license.as_str()),
        quiz_label: input
            .i18n
            .translate(&p.lang, "quiz-label", None)
            .unwrap_or_default(),
        modules,
        files,
    }
}

fn names(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|(n, _)| n.clone()).collect()
}

fn zip(mut entries: Vec<Entry>) -> Result<Vec<u8>, Diagnostic> {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    packages::zip(&entries, |_| false).map_err(|e| {
        Diagnostic::error(format!("could not make a course package: {e}"))
            .help("this is a bug in aula: please report it with the site that shows it")
    })
}

/// The adapter's `<script>` element for a file at `path` in the package:
/// the course's facts in `data-*` attributes (docs/lms.md).
fn script_tag(input: &Input, i: usize, path: &str, defer: bool) -> String {
    let pages = module_pages(input, i);
    let keys: Vec<&str> = pages
        .iter()
        .map(|&m| input.site.pages[m].key.as_str())
        .collect();
    let counts: Vec<String> = pages
        .iter()
        .map(|&m| input.bodies[m].quiz_items.len().to_string())
        .collect();
    let any = pages
        .iter()
        .any(|&m| !input.bodies[m].quiz_items.is_empty());
    let mastery = if any {
        format!(r#" data-mastery="{}""#, lms::MASTERY)
    } else {
        String::new()
    };
    format!(
        r#"<script src="{up}{SCRIPT}"{defer} data-modules="{modules}" data-questions="{counts}"{mastery}></script>"#,
        up = "../".repeat(path.matches('/').count()),
        defer = if defer { " defer" } else { "" },
        modules = html_escaped(&keys.join("|")),
        counts = counts.join("|"),
    )
}

/// Page `html` at `path` with the adapter loaded before its own scripts
/// (the adapter restores the platform's marks before `aula.js` reads
/// them); unchanged when it has no `<head>` aula wrote.
fn with_adapter(html: &str, tag: &str) -> Option<String> {
    let at = html.find("<script src=").or_else(|| html.find("</head>"))?;
    let mut out = String::with_capacity(html.len() + tag.len() + 1);
    out.push_str(&html[..at]);
    out.push_str(tag);
    out.push('\n');
    out.push_str(&html[at..]);
    Some(out)
}

/// The SCORM 1.2 package of course page `i`.
fn scorm(input: &Input, i: usize, entries: &[Entry]) -> Result<Vec<u8>, Diagnostic> {
    let mut all: Vec<Entry> = entries
        .iter()
        .filter(|(n, _)| ![LAUNCH, SCRIPT, MANIFEST].contains(&n.as_str()))
        .map(|(n, bytes)| {
            let page = n
                .ends_with(".html")
                .then(|| std::str::from_utf8(bytes).ok())
                .flatten()
                .and_then(|html| with_adapter(html, &script_tag(input, i, n, true)));
            match page {
                Some(html) => (n.clone(), Cow::Owned(html.into_bytes())),
                None => (n.clone(), bytes.clone()),
            }
        })
        .collect();
    let mut files = names(&all);
    files.extend([LAUNCH.to_owned(), SCRIPT.to_owned()]);
    files.sort();
    let c = course(input, i, files);
    let launch = format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>html, body, iframe {{ margin: 0; border: 0; width: 100%; height: 100%; display: block; }}</style>
</head>
<body>
<iframe id="aula-course" title="{title}"></iframe>
<noscript><p><a href="{course}">{title}</a></p></noscript>
{script}
</body>
</html>
"#,
        lang = html_escaped(c.lang),
        title = html_escaped(c.title),
        course = lms::COURSE_PAGE,
        script = script_tag(input, i, LAUNCH, false),
    );
    all.push((LAUNCH.into(), Cow::Owned(launch.into_bytes())));
    all.push((SCRIPT.into(), Cow::Borrowed(ADAPTER.as_bytes())));
    all.push((
        MANIFEST.into(),
        Cow::Owned(lms::scorm_manifest(&c).into_bytes()),
    ));
    zip(all)
}

/// The Common Cartridge 1.1 of course page `i`.
fn common_cartridge(input: &Input, i: usize, entries: &[Entry]) -> Result<Vec<u8>, Diagnostic> {
    let mut all: Vec<Entry> = entries
        .iter()
        .filter(|(n, _)| n != MANIFEST && !n.starts_with("assessments/"))
        .cloned()
        .collect();
    let mut files = names(&all);
    let c = course(input, i, Vec::new());
    for (n, m) in c.modules.iter().enumerate() {
        if m.questions.is_empty() {
            continue;
        }
        let path = lms::assessment_path(n);
        let ident = format!("{}-{}", c.identifier, n + 1);
        let xml = lms::qti_assessment(&ident, &c.quiz_title(m), &m.questions);
        files.push(path.clone());
        all.push((path, Cow::Owned(xml.into_bytes())));
    }
    files.sort();
    let c = Course { files, ..c };
    all.push((
        MANIFEST.into(),
        Cow::Owned(lms::cc_manifest(&c).into_bytes()),
    ));
    zip(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_follow_the_course_zip() {
        assert_eq!(scorm_zip("es/cursos/x"), "es/cursos/x/x.scorm.zip");
        assert_eq!(cartridge("es/cursos/x"), "es/cursos/x/x.imscc");
    }

    #[test]
    fn the_adapter_loads_before_the_pages_scripts() {
        let tag = r#"<script src="scorm.js" defer></script>"#;
        let page = "<head>\n<script type=\"application/ld+json\">{}</script>\n<script src=\"aula.js\" defer></script>\n</head>";
        let out = with_adapter(page, tag).expect("a page");
        assert!(out.find("scorm.js") < out.find("aula.js"));
        assert_eq!(out.replacen(&format!("{tag}\n"), "", 1), page);
        let plain = "<head><title>t</title></head><body></body>";
        assert_eq!(
            with_adapter(plain, tag).as_deref(),
            Some(
                "<head><title>t</title><script src=\"scorm.js\" defer></script>\n</head><body></body>"
            )
        );
        assert_eq!(with_adapter("not html", tag), None);
    }
}
