//! The Markdown stages: each page's Markdown to HTML (links resolved in
//! the linking page's language, self-check questions labelled in it), the
//! checks that need every page rendered
//! (anchors, assets), and the translation status report that needs every
//! page's source hash. Pure functions of the site and the cache.

use super::cache::{Cache, Memo, fingerprint};
use crate::content::front::Completion;
use crate::diagnostic::{self, Diagnostic, Kind};
use crate::i18n::I18n;
use crate::images::Catalog;
use crate::markdown::{self, FileInfo, LinkError, LinkTarget, Rendered, Shortcodes, quiz};
use crate::outputs::Fingerprints;
use crate::outputs::assets::join;
use crate::render::Renderer;
use crate::site::Site;
use crate::spill::Spill;
use crate::theme::Theme;
use crate::translations;
use rayon::prelude::*;
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap, HashSet};
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
    let docs = site.pages.iter().map(doc_fingerprint).collect();
    Fingerprints {
        global: fingerprint(&(theme_fp, urls, config_fp)),
        urls,
        docs,
    }
}

/// A page's own source and place: what `Fingerprints::docs` holds.
pub(super) fn doc_fingerprint(p: &crate::site::Page) -> u64 {
    let doc = p.doc().map(|d| (d.fingerprint, d.source.len(), &d.path));
    fingerprint(&(doc, &p.dir, &p.lang, &p.text_lang))
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

/// File extensions whose size (and, for images, dimensions) pages and
/// shortcodes may use.
const MEDIA: [&str; 14] = [
    "png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "mp4", "webm", "ogv", "mp3", "ogg", "m4a",
    "pdf",
];

/// Size and image dimensions of every media file under `content/`, by its
/// path there. Only headers are read.
fn media_index(site: &Site, images: &Catalog) -> BTreeMap<String, FileInfo> {
    let content = site.config.root.join("content");
    let wanted: Vec<&String> = site
        .assets
        .iter()
        .filter(|a| {
            a.rsplit_once('.')
                .is_some_and(|(_, e)| MEDIA.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    wanted
        .par_iter()
        .filter_map(|rel| {
            let path = content.join(rel.as_str());
            let bytes = std::fs::metadata(&path).ok()?.len();
            // PNG and JPEG headers were read once already, for resizing
            // (with the EXIF orientation applied): only other formats are
            // read here.
            let size = match images.get(rel) {
                Some(Ok(info)) => Some((info.width, info.height)),
                _ => header(&path).and_then(|h| markdown::image_size(&h, rel)),
            };
            Some(((*rel).clone(), FileInfo { bytes, size }))
        })
        .collect()
}

/// The first bytes of a file, enough for image headers (a JPEG's size can
/// sit after large metadata).
fn header(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(256 * 1024)
        .read_to_end(&mut buf)
        .ok()?;
    Some(buf)
}

/// Fingerprint of the media files under a page's folder: a page's HTML
/// depends on their sizes.
fn media_fingerprint(index: &BTreeMap<String, FileInfo>, folder: &str) -> u64 {
    let prefix = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    fingerprint(
        &index
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .collect::<Vec<_>>(),
    )
}

/// Fingerprint of what shortcodes render with: their templates and every
/// UI string.
fn shortcodes_fingerprint(theme: &Theme) -> u64 {
    let templates: Vec<(&String, &String)> = theme
        .templates
        .iter()
        .filter(|(n, _)| n.starts_with("shortcodes/"))
        .map(|(n, f)| (n, &f.text))
        .collect();
    let locales: Vec<(&String, &String)> =
        theme.locales.iter().map(|(l, f)| (l, &f.text)).collect();
    fingerprint(&(templates, locales))
}

/// What rendering any page's Markdown needs besides the page itself:
/// made once per build (the media index reads file headers) and kept by
/// a `Session` for the pages a quick update renders again.
pub(super) struct Setting {
    labels: HashMap<String, (quiz::Labels, u64)>,
    media: BTreeMap<String, FileInfo>,
    names: Vec<String>,
    shortcodes_fp: u64,
    images_fp: u64,
}

/// The [`Setting`] of a build of `site`.
pub(super) fn setting(site: &Site, theme: &Theme, i18n: &I18n, images: &Catalog) -> Setting {
    Setting {
        labels: quiz_labels(site, i18n),
        media: media_index(site, images),
        names: crate::render::shortcode_names(theme),
        shortcodes_fp: shortcodes_fingerprint(theme),
        images_fp: images.fingerprint(),
    }
}

/// What [`render_page`] reads besides the site and the page.
pub(super) struct Tools<'a> {
    pub setting: &'a Setting,
    pub fps: &'a Fingerprints,
    pub config_fp: u64,
    pub highlighter: &'a crate::highlight::Highlighter,
    pub tera: &'a Renderer,
    pub images: &'a Catalog,
}

/// Markdown to HTML for every page, in parallel; links are resolved to
/// relative URLs in the linking page's language. A page whose source,
/// place, link targets, quiz strings, media files and shortcodes are
/// unchanged reuses its previous result. `keep`: what is done with each
/// body as soon as it is made.
pub(super) fn render_all(
    site: &Site,
    cache: &mut Cache,
    fps: &Fingerprints,
    config_fp: u64,
    theme: (&Theme, &Renderer, &I18n),
    images: &Catalog,
    keep: Bodies,
) -> (Vec<Arc<Rendered>>, Setting) {
    let (theme, tera, i18n) = theme;
    let previous = std::mem::take(&mut cache.markdown);
    let setting = setting(site, theme, i18n, images);
    let tools = Tools {
        setting: &setting,
        fps,
        config_fp,
        highlighter: &cache.highlighter,
        tera,
        images,
    };
    let mut results: Vec<(u64, Arc<Rendered>, Option<String>)> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            let (fp, mut body, hash) = render_and_hash(site, i, &tools, &previous);
            if let Bodies::Packed(spill) = keep {
                // Just made, so not shared: a build that packs keeps no memo.
                if let Some(body) = Arc::get_mut(&mut body) {
                    body.pack(spill);
                }
            }
            (fp, body, hash)
        })
        .collect();
    // Bodies read again here are not read a third time for the status.
    for (i, (_, _, hash)) in results.iter_mut().enumerate() {
        if let Some(hash) = hash.take() {
            cache.source_hashes.insert(fps.docs[i], hash);
        }
    }
    cache.markdown = Memo::from_results(
        site.pages
            .iter()
            .zip(&results)
            .map(|(p, (fp, r, _))| (p.dir.clone(), (*fp, Arc::clone(r)))),
    );
    let bodies = results.into_iter().map(|(_, r, _)| r).collect();
    (bodies, setting)
}

/// What the Markdown stage does with each body once it is rendered.
#[derive(Clone, Copy)]
pub(super) enum Bodies<'a> {
    /// Kept as made (a build kept in memory, whose memo serves the next).
    Plain,
    /// Packed ([`Rendered::pack`]) and, with a spill, set aside on disk:
    /// a build that writes holds every body until its books are made.
    Packed(Option<&'a Arc<Spill>>),
}

/// One page's Markdown to HTML, or its previous result when made from the
/// same inputs; with the fingerprint of the inputs.
pub(super) fn render_page(
    site: &Site,
    i: usize,
    tools: &Tools,
    previous: &Memo<Arc<Rendered>>,
) -> (u64, Arc<Rendered>) {
    let (fp, body, _) = render_and_hash(site, i, tools, previous);
    (fp, body)
}

/// [`render_page`], and, for a body not held (a load of front matter
/// only, which reads each body here), the page's translation source hash
/// taken from the text read for it: the status cannot read it again for
/// free. A held body's hash is left to the status, which memoises it.
fn render_and_hash(
    site: &Site,
    i: usize,
    tools: &Tools,
    previous: &Memo<Arc<Rendered>>,
) -> (u64, Arc<Rendered>, Option<String>) {
    let page = &site.pages[i];
    let Some(doc) = page.doc() else {
        return (0, Arc::new(Rendered::default()), None);
    };
    let setting = tools.setting;
    let no_labels = (quiz::Labels::default(), 0);
    let (labels, labels_fp) = setting.labels.get(&page.lang).unwrap_or(&no_labels);
    let media = &setting.media;
    let media_fp = media_fingerprint(media, page.folder());
    let inputs = (
        (
            tools.fps.docs[i],
            tools.fps.urls,
            tools.config_fp,
            labels_fp,
        ),
        (media_fp, setting.shortcodes_fp, setting.images_fp),
    );
    let render_shortcode =
        |call: &markdown::ShortcodeCall| tools.tera.shortcode(call.name, call.context);
    let mut hash = None;
    let made = previous.get_or_make(&page.dir, &inputs, || {
        let text = match doc.read_body(&site.config.root) {
            Ok(text) => text,
            Err(d) => return Ok(Arc::new(Rendered::unread(d.message, d.help))),
        };
        if !doc.holds_body() {
            hash = Some(translations::source_hash(&doc.front, &text));
        }
        let resolve = |path: &str| -> Result<LinkTarget, LinkError> {
            site.resolve(i, path)
                .map(|t| {
                    let target = &site.pages[t.page];
                    LinkTarget {
                        href: site.href(i, &target.url),
                        page: t.page,
                        lang: (target.text_lang != page.lang).then(|| target.text_lang.clone()),
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
        let image = |path: &str| tools.images.responsive(&join(page.folder(), path), path);
        let opts = markdown::Options {
            highlighter: tools.highlighter,
            resolve: &resolve,
            first_line: doc.body_line,
            raw_html: site.config.markdown.raw_html,
            quiz: quiz::Context {
                key: &page.key,
                labels,
            },
            title: &page.front().title,
            lang: &page.lang,
            media: &|path: &str| media.get(&join(page.folder(), path)).copied(),
            shortcodes: Shortcodes {
                names: &setting.names,
                render: &render_shortcode,
                depth: 0,
            },
            images: &image,
        };
        Ok::<_, ()>(Arc::new(markdown::render(&text, &opts)))
    });
    let (fp, body) = made.expect("rendering Markdown cannot fail");
    (fp, body, hash)
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

/// What the Markdown stage found that builds but would look wrong: each
/// page's warnings, located in its source file.
pub(super) fn warnings(site: &Site, bodies: &[Arc<Rendered>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let page = &site.pages[i];
        // Read only for a page with something to say (it may be read again).
        let text = OnceCell::new();
        let source = || Some(text.get_or_init(|| page.text(&site.config.root)).as_ref());
        for w in &body.warnings {
            out.push(
                Diagnostic::warning(w.message.clone())
                    .file(page.path())
                    .at(w.line, w.column, source())
                    .kind(w.kind)
                    .help(w.help.clone()),
            );
        }
    }
    out
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
        // Read only for a page with an error (it may be read again).
        let text = OnceCell::new();
        let source = || Some(text.get_or_init(|| page.text(&site.config.root)).as_ref());
        let at = |msg: String, line: usize, col: usize| {
            Diagnostic::error(msg)
                .file(page.path())
                .at(line, col, source())
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
                        crate::diagnostic::slashed(target.path())
                    ),
                };
                errors.push(
                    at(
                        format!(
                            "broken anchor `{}`: {} has no heading with id `{anchor}`",
                            link.raw,
                            crate::diagnostic::slashed(target.path())
                        ),
                        link.line,
                        link.column,
                    )
                    .kind(Kind::Link)
                    .help(help),
                );
            }
        }
        let by_quiz = page
            .front()
            .module()
            .is_some_and(|m| m.completion == Completion::Quiz);
        if by_quiz && body.quizzes == 0 && !page.is_fallback() {
            let line = source()
                .and_then(|s| {
                    s.lines()
                        .position(|l| l.trim_start().starts_with("completion"))
                })
                .map_or(1, |l| l + 1);
            errors.push(
                at(
                    "`completion = \"quiz\"` but the module has no self-check question".into(),
                    line,
                    1,
                )
                .kind(Kind::FrontMatter)
                .help("add a ```quiz block, or remove the line to let learners mark the module done themselves"),
            );
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
