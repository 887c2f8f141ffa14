//! The Markdown stages: each page's Markdown to HTML (links resolved in
//! the linking page's language, self-check questions labelled in it), the
//! checks that need every page rendered
//! (anchors, assets), and the translation status report that needs every
//! page's source hash. Pure functions of the site and the cache.

use super::cache::{Cache, Memo, fingerprint};
use crate::diagnostic::{self, Diagnostic, Kind};
use crate::i18n::I18n;
use crate::markdown::{self, LinkError, LinkTarget, Rendered, quiz};
use crate::outputs::Fingerprints;
use crate::outputs::assets::join;
use crate::site::Site;
use crate::translations;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The fingerprints cached outputs are keyed on.
pub(super) fn fingerprints(site: &Site, theme_fp: u64, config_fp: u64) -> Fingerprints {
    // What every page's links resolve against: all URLs and languages.
    let urls = fingerprint(
        &site
            .pages
            .iter()
            .map(|p| (&p.key, &p.lang, &p.url, &p.text_lang, p.is_generated()))
            .collect::<Vec<_>>(),
    );
    let docs = site
        .pages
        .iter()
        .map(|p| {
            let doc = p.doc().map(|d| (d.fingerprint, d.source.len(), &d.path));
            fingerprint(&(doc, &p.dir, &p.lang, &p.text_lang))
        })
        .collect();
    Fingerprints {
        global: fingerprint(&(theme_fp, urls, config_fp)),
        urls,
        docs,
    }
}

/// The UI strings of self-check questions in each site language, with
/// their fingerprint: rendered HTML depends on them.
fn quiz_labels(site: &Site, i18n: &I18n) -> HashMap<String, (quiz::Labels, u64)> {
    let mut args = fluent_bundle::FluentArgs::new();
    for (name, value) in quiz::Labels::SCORE_ARGS {
        args.set(name, value);
    }
    site.config
        .languages
        .iter()
        .map(|l| {
            let labels = quiz::Labels::new(|id| i18n.translate(&l.code, id, Some(&args)).ok());
            let fp = fingerprint(&labels);
            (l.code.clone(), (labels, fp))
        })
        .collect()
}

/// Markdown to HTML for every page, in parallel; links are resolved to
/// relative URLs in the linking page's language. A page whose source,
/// place, link targets and quiz strings are unchanged reuses its previous
/// result.
pub(super) fn render_all(
    site: &Site,
    cache: &mut Cache,
    fps: &Fingerprints,
    config_fp: u64,
    i18n: &I18n,
) -> Vec<Arc<Rendered>> {
    let previous = std::mem::take(&mut cache.markdown);
    let highlighter = &cache.highlighter;
    let labels = quiz_labels(site, i18n);
    let no_labels = (quiz::Labels::default(), 0);
    let results: Vec<(u64, Arc<Rendered>)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let Some(doc) = page.doc() else {
                return (0, Arc::new(Rendered::default()));
            };
            let (labels, labels_fp) = labels.get(&page.lang).unwrap_or(&no_labels);
            let inputs = (fps.docs[i], fps.urls, config_fp, labels_fp);
            let made = previous.get_or_make(&page.dir, &inputs, || {
                let resolve = |path: &str| -> Result<LinkTarget, LinkError> {
                    site.resolve(i, path)
                        .map(|t| {
                            let target = &site.pages[t.page];
                            LinkTarget {
                                href: site.href(i, &target.url),
                                page: t.page,
                                lang: (target.text_lang != page.lang)
                                    .then(|| target.text_lang.clone()),
                            }
                        })
                        .map_err(|(message, help)| LinkError { message, help })
                };
                // A page shown in another language's text marks its labels.
                let marked;
                let labels = if page.text_lang == page.lang {
                    labels
                } else {
                    marked = labels.marked(&page.lang);
                    &marked
                };
                let opts = markdown::Options {
                    highlighter,
                    resolve: &resolve,
                    first_line: doc.body_line,
                    raw_html: site.config.markdown.raw_html,
                    quiz: quiz::Context {
                        key: &page.key,
                        labels,
                    },
                };
                Ok::<_, ()>(Arc::new(markdown::render(doc.body(), &opts)))
            });
            made.expect("rendering Markdown cannot fail")
        })
        .collect();
    cache.markdown = Memo::from_results(
        site.pages
            .iter()
            .zip(&results)
            .map(|(p, (fp, r))| (p.dir.clone(), (*fp, Arc::clone(r)))),
    );
    results.into_iter().map(|(_, r)| r).collect()
}

/// The translation status of every page. Source hashes cost a pass over
/// each body: only new documents are hashed.
pub(super) fn translation_status(
    site: &Site,
    cache: &mut Cache,
    docs: &[u64],
) -> translations::Report {
    let wanted: Vec<usize> = (0..site.pages.len())
        .filter(|&i| !site.pages[i].is_generated() && !cache.source_hashes.contains_key(&docs[i]))
        .collect();
    let fresh: Vec<(u64, String)> = wanted
        .par_iter()
        .map(|&i| {
            let p = &site.pages[i];
            (docs[i], translations::source_hash(p.front(), p.body()))
        })
        .collect();
    let mut known = std::mem::take(&mut cache.source_hashes);
    known.extend(fresh);
    // Keep only what this site still has, so the memo cannot grow forever.
    let live: HashSet<u64> = docs.iter().copied().collect();
    known.retain(|k, _| live.contains(k));
    let report = translations::Report::with_hashes(site, &|i| {
        known.get(&docs[i]).cloned().unwrap_or_default()
    });
    cache.source_hashes = known;
    report
}

/// Checks that need every page rendered: anchors of internal links exist,
/// referenced assets exist; plus the Markdown stage's own errors.
pub(super) fn check(site: &Site, bodies: &[Arc<Rendered>]) -> Vec<Diagnostic> {
    // A page has a few dozen ids at most: a linear search beats building a
    // set for every page on every rebuild.
    let anchors: Vec<&[String]> = bodies.iter().map(|b| b.anchors.as_slice()).collect();
    let mut errors = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let page = &site.pages[i];
        let source = page.doc().map(|d| d.source.as_str());
        let at = |msg: String, line: usize, col: usize| {
            Diagnostic::error(msg)
                .file(page.path())
                .at(line, col, source)
        };
        for e in &body.errors {
            errors.push(
                at(e.message.clone(), e.line, e.column)
                    .kind(Kind::Markdown)
                    .help(e.help.clone()),
            );
        }
        for link in &body.links {
            let Some(anchor) = &link.anchor else { continue };
            if !anchors[link.page].iter().any(|a| a == anchor) {
                let target = &site.pages[link.page];
                let known: Vec<&str> = anchors[link.page].iter().map(String::as_str).collect();
                let help = match diagnostic::did_you_mean(anchor, known.iter().copied()) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None => format!(
                        "give the heading an explicit id that is the same in every language: `## Heading {{#{anchor}}}` in {}",
                        target.path().display()
                    ),
                };
                errors.push(
                    at(
                        format!(
                            "broken anchor `{}`: {} has no heading with id `{anchor}`",
                            link.raw,
                            target.path().display()
                        ),
                        link.line,
                        link.column,
                    )
                    .kind(Kind::Link)
                    .help(help),
                );
            }
        }
        for a in &body.assets {
            let rel = join(page.folder(), &a.path);
            if !site.assets.contains(&rel) {
                errors.push(
                    at(format!("missing file `{}`: content/{rel} does not exist", a.path), a.line, a.column)
                        .kind(Kind::Asset)
                        .help("put the file next to the Markdown file, or fix the name (names are case-sensitive)"),
                );
            }
        }
    }
    errors
}
