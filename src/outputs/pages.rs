//! Pages: every page's `index.html` through its kind's template, plus the
//! pages outside the language tree (the root language chooser and
//! `404.html`). A page is rendered again only when something it shows
//! changed: its own text, its language's shared lists, its course's
//! outline, any URL, the configuration or the theme.

use super::{Data, Files, Finish, Input};
use crate::diagnostic::Diagnostic;
use crate::memo::{Entry, Memo};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Renders every page into `files`; returns this build's memo and errors.
pub fn add(
    input: &Input,
    previous: &Memo<Arc<[u8]>>,
    files: &mut Files,
) -> (Memo<Arc<[u8]>>, Vec<Diagnostic>) {
    let site = input.site;
    let inputs = page_inputs(input);
    let results: Vec<_> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            previous.get_or_make(&site.pages[i].dir, &inputs[i], || {
                input.page_html(i).map(|html| Arc::from(html.into_bytes()))
            })
        })
        .collect();
    let mut memo = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for (page, r) in site.pages.iter().zip(results) {
        match r {
            Ok((fp, bytes)) => {
                let path = format!("{}/index.html", page.dir);
                if let Err(e) = files.add_generated(path, Arc::clone(&bytes)) {
                    errors.push(e);
                }
                memo.push((page.dir.clone(), (fp, bytes)));
            }
            Err(d) => errors.push(d),
        }
    }
    (Memo::from_results(memo), merge_repeated(errors))
}

/// Renders every page and hands each to `finish` as soon as it is
/// rendered (`aula build` writes it then, so no page is held until the
/// end); adds what `finish` keeps to `files`. Returns the errors. Keeps
/// no memo: a build that writes is not rebuilt.
pub fn add_finished(input: &Input, files: &mut Files, finish: &dyn Finish) -> Vec<Diagnostic> {
    let site = input.site;
    let results: Vec<Result<(String, Data), Diagnostic>> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let html = input.page_html(i)?.into_bytes();
            let path = format!("{}/index.html", site.pages[i].dir);
            let data = finish.finish(&path, html.into())?;
            Ok((path, data))
        })
        .collect();
    let mut errors = Vec::new();
    for r in results {
        if let Err(d) =
            r.and_then(|(path, data)| files.add(path, data).map_err(|c| super::taken(&c.path)))
        {
            errors.push(d);
        }
    }
    merge_repeated(errors)
}

/// Each page's cache inputs: the global fingerprint, its own document, its
/// language's shared values and its course's outline.
fn page_inputs(input: &Input) -> Vec<(u64, u64, u64, u64)> {
    let site = input.site;
    let language: HashMap<&str, u64> = site
        .config
        .languages
        .par_iter()
        .map(|l| (l.code.as_str(), input.shared.language_fingerprint(&l.code)))
        .collect();
    // Each course outline once per language, in parallel: serialising them
    // is most of a rebuild's fingerprinting.
    let pairs: HashSet<(usize, &str)> = site
        .pages
        .iter()
        .filter_map(|p| p.course.map(|c| (c, p.lang.as_str())))
        .collect();
    let outlines: HashMap<(usize, &str), u64> = pairs
        .into_par_iter()
        .map(|(c, lang)| ((c, lang), input.shared.outline_fingerprint(c, lang)))
        .collect();
    site.pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let lang = p.lang.as_str();
            let outline = p
                .course
                .and_then(|c| outlines.get(&(c, lang)).copied())
                .unwrap_or(0);
            (
                input.fingerprints.global,
                input.fingerprints.docs[i],
                language.get(lang).copied().unwrap_or(0),
                outline,
            )
        })
        .collect()
}

/// The root chooser and `404.html`: they depend on the configuration, the
/// theme and URLs only.
/// What they were made from is pushed onto `memo`.
pub fn add_root(
    input: &Input,
    previous: &Memo<Arc<[u8]>>,
    memo: &mut Vec<Entry<Arc<[u8]>>>,
    files: &mut Files,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (path, template) in [("index.html", "chooser.html"), ("404.html", "404.html")] {
        let made = previous.get_or_make(path, &input.fingerprints.global, || {
            let ctx = input.shared.root_context(input.site, "");
            input
                .renderer
                .render(template, &ctx, input.theme, None)
                .map(|html| Arc::<[u8]>::from(html.into_bytes()))
        });
        match made {
            Ok((fp, bytes)) => {
                if let Err(e) = files.add_generated(path, Arc::clone(&bytes)) {
                    errors.push(e);
                }
                memo.push((path.to_string(), (fp, bytes)));
            }
            Err(d) => errors.push(d),
        }
    }
    errors
}

/// One template mistake fails every page that uses the template; report
/// it once, naming the first page and how many others failed with it.
fn merge_repeated(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut merged: Vec<Diagnostic> = Vec::new();
    for d in errors {
        let same = |m: &&mut Diagnostic| {
            m.file == d.file && m.line == d.line && m.column == d.column && m.message == d.message
        };
        match merged.iter_mut().find(same) {
            Some(first) => {
                if let Some(r) = first.rendering.as_mut() {
                    r.others += 1;
                }
            }
            None => merged.push(d),
        }
    }
    merged
}
