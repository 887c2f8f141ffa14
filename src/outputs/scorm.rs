//! Packages for learning platforms, per course and language, made from the
//! offline package's files ([`super::packages::entries`]):
//!
//! | file | what |
//! |---|---|
//! | `<course>/<slug>.scorm.zip` | SCORM 1.2: the offline package, a launch page (`scorm.html`) with the runtime adapter (`scorm.js`), `imsmanifest.xml` |
//! | `<course>/<slug>.imscc` | IMS Common Cartridge 1.1: the pages as web content, each module's questions as a QTI 1.2 assessment, `imsmanifest.xml` |
//!
//! Written when `[packages] scorm` / `common_cartridge` are on. The XML is
//! made in [`super::lms`]; what a platform reports back is the adapter's
//! business (`scorm.js`, documented in docs/lms.md).

use super::lms::{self, Course, Module};
use super::packages::{self, Entry};
use super::{Files, Input};
use crate::content::Kind;
use crate::diagnostic::Diagnostic;
use crate::text::html_escaped;
use rayon::prelude::*;
use std::borrow::Cow;

/// The runtime adapter of the launch page.
const ADAPTER: &str = include_str!("scorm.js");

pub fn scorm_zip(course_dir: &str) -> String {
    packages::course_zip(course_dir).replace(".zip", ".scorm.zip")
}

pub fn cartridge(course_dir: &str) -> String {
    let zip = packages::course_zip(course_dir);
    format!("{}.imscc", zip.trim_end_matches(".zip"))
}

pub fn add(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let site = input.site;
    let want = site.config.packages;
    if !want.scorm && !want.common_cartridge {
        return Vec::new();
    }
    let base = site.config.base_url.as_deref();
    let courses: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind == Kind::Course && site.pages[i].course.is_some())
        .collect();
    let made: Vec<Result<Vec<(String, Vec<u8>)>, Diagnostic>> = {
        let all: &Files = files;
        courses
            .par_iter()
            .map(|&i| {
                let (entries, _) = packages::entries(all, &site.pages[i].dir, base)?;
                let mut out = Vec::new();
                if want.scorm {
                    out.push((scorm_zip(&site.pages[i].dir), scorm(input, i, &entries)?));
                }
                if want.common_cartridge {
                    out.push((cartridge(&site.pages[i].dir), common_cartridge(input, i, &entries)?));
                }
                Ok(out)
            })
            .collect()
    };
    let mut diags = Vec::new();
    for r in made {
        match r {
            Ok(zips) => {
                for (path, bytes) in zips {
                    if let Err(d) = files.add_generated(path, bytes) {
                        diags.push(d);
                    }
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags
}

/// Course page `i` as the manifests see it, with the package's files.
fn course<'a>(input: &'a Input, i: usize, files: Vec<String>) -> Course<'a> {
    let site = input.site;
    let p = &site.pages[i];
    let inside = format!("{}/", p.dir);
    let modules = p
        .course
        .and_then(|c| site.courses[c].modules.get(&p.lang))
        .map(|ms| {
            ms.iter()
                .map(|&m| Module {
                    title: &site.pages[m].front().title,
                    href: format!(
                        "{}/index.html",
                        site.pages[m].dir.strip_prefix(&inside).unwrap_or(&site.pages[m].dir)
                    ),
                    questions: input.bodies[m].quiz_items.iter().collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let key = p.key.strip_suffix("/_index").unwrap_or(&p.key);
    Course {
        identifier: format!("aula-{key}-{}", p.lang),
        title: &p.front().title,
        lang: &p.text_lang,
        description: &p.front().summary,
        license: p.front().course().map_or("", |c| c.license.as_str()),
        modules,
        files,
    }
}

fn names(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|(n, _)| n.clone()).collect()
}

fn zip(entries: &[Entry]) -> Result<Vec<u8>, Diagnostic> {
    packages::zip(entries, |_| false).map_err(|e| {
        Diagnostic::error(format!("could not make a course package: {e}"))
            .help("this is a bug in aula: please report it with the site that shows it")
    })
}

/// The SCORM 1.2 package of course page `i`.
fn scorm(input: &Input, i: usize, entries: &[Entry]) -> Result<Vec<u8>, Diagnostic> {
    let mut all = entries.to_vec();
    all.retain(|(n, _)| n != "scorm.html" && n != "scorm.js" && n != "imsmanifest.xml");
    let mut files = names(&all);
    files.extend(["scorm.html".to_string(), "scorm.js".to_string()]);
    files.sort();
    let c = course(input, i, files);
    let keys: Vec<&str> = input.site.pages[i]
        .course
        .and_then(|k| input.site.courses[k].modules.get(&input.site.pages[i].lang))
        .map(|ms| ms.iter().map(|&m| input.site.pages[m].key.as_str()).collect())
        .unwrap_or_default();
    let questions = c.questions();
    let mastery = if questions > 0 {
        format!(r#" data-mastery="{}""#, lms::MASTERY)
    } else {
        String::new()
    };
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
<noscript><p><a href="index.html">{title}</a></p></noscript>
<script src="scorm.js" data-modules="{modules}" data-questions="{questions}"{mastery}></script>
</body>
</html>
"#,
        lang = html_escaped(c.lang),
        title = html_escaped(c.title),
        modules = html_escaped(&keys.join("|")),
    );
    all.push(("scorm.html".into(), Cow::Owned(launch.into_bytes())));
    all.push(("scorm.js".into(), Cow::Borrowed(ADAPTER.as_bytes())));
    all.push((
        "imsmanifest.xml".into(),
        Cow::Owned(lms::scorm_manifest(&c).into_bytes()),
    ));
    all.sort_by(|a, b| a.0.cmp(&b.0));
    zip(&all)
}

/// The Common Cartridge 1.1 of course page `i`.
fn common_cartridge(input: &Input, i: usize, entries: &[Entry]) -> Result<Vec<u8>, Diagnostic> {
    let mut all = entries.to_vec();
    all.retain(|(n, _)| n != "imsmanifest.xml" && !n.starts_with("assessments/"));
    let mut files = names(&all);
    let c0 = course(input, i, Vec::new());
    for (n, m) in c0.modules.iter().enumerate() {
        if m.questions.is_empty() {
            continue;
        }
        let path = lms::assessment_path(n);
        let xml = lms::qti_assessment(&format!("{}-{}", c0.identifier, n + 1), m.title, &m.questions);
        files.push(path.clone());
        all.push((path, Cow::Owned(xml.into_bytes())));
    }
    files.sort();
    let c = Course { files, ..c0 };
    all.push((
        "imsmanifest.xml".into(),
        Cow::Owned(lms::cc_manifest(&c).into_bytes()),
    ));
    all.sort_by(|a, b| a.0.cmp(&b.0));
    zip(&all)
}
