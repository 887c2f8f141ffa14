//! EPUB 3 books: for every course and language, `<course>/<slug>.epub`
//! with the course page's text and the modules in order as XHTML
//! chapters, their images, a navigation document, and the answer key of
//! the self-check questions at the end (no forms, no script). Same
//! `Book` as the printable course.
//!
//! Deterministic: entries in a fixed order with fixed timestamps,
//! `dcterms:modified` from the content's latest `updated` date (never the
//! clock), and `dc:identifier` a UUID made from the site's `base_url`,
//! the course's key and the language. Checked with `epubcheck` in the
//! tests. Bodies become XHTML through [`html::xhtml`]; links to the
//! course's modules become links between chapters, images are carried
//! into the book, and links to other pages become absolute addresses
//! (with `base_url`) or plain text.

use super::book::{self, Book, Chapter};
use super::html::{self, Edit};
use super::packages::{self, Entry};
use super::{Files, Input};
use crate::diagnostic::Diagnostic;
use crate::text::push_xml_escaped;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The EPUB's file name inside a course folder: the course's URL slug.
pub fn path(course_dir: &str) -> String {
    let slug = course_dir.rsplit('/').next().unwrap_or("course");
    format!("{course_dir}/{slug}.epub")
}

/// The EPUB of one book: its path and bytes. `files` holds the pages and
/// images it is made from.
pub fn one(input: &Input, book: &Book, files: &Files) -> Result<(String, Vec<u8>), Diagnostic> {
    let out = path(&input.site.pages[book.course].dir);
    make(input, book, files).map(|bytes| (out, bytes))
}

/// What the book's pages may not hold: scripts and form controls.
const LEFT_OUT: [&str; 11] = [
    "script", "noscript", "form", "button", "input", "select", "textarea", "iframe", "object",
    "embed", "template",
];

/// The media type of an image EPUB 3 readers must support.
fn image_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

fn chapter_file(ch: &Chapter) -> String {
    format!("ch-{:02}.xhtml", ch.number)
}

/// Images carried into the book, in order of first use.
#[derive(Default)]
struct Images {
    /// Site path to the name in the book (`images/3.png`).
    names: BTreeMap<String, String>,
    order: Vec<(String, String, &'static str)>,
}

impl Images {
    fn add(&mut self, site_path: &str, media: &'static str) -> String {
        if let Some(n) = self.names.get(site_path) {
            return n.clone();
        }
        let ext = site_path
            .rsplit_once('.')
            .map_or("", |(_, e)| e)
            .to_ascii_lowercase();
        let name = format!("images/{}.{ext}", self.order.len() + 1);
        self.names.insert(site_path.to_string(), name.clone());
        self.order
            .push((site_path.to_string(), name.clone(), media));
        name
    }
}

fn make(input: &Input, book: &Book, files: &Files) -> Result<Vec<u8>, Diagnostic> {
    let site = input.site;
    let course = &site.pages[book.course];
    let words = book::Words::new(input, &book.lang);
    let base = site.config.base_url.as_deref();
    let t = |key: &str| {
        input
            .i18n
            .translate(&book.lang, key, None)
            .unwrap_or_default()
    };
    let chapter_of: BTreeMap<String, String> = book
        .chapters
        .iter()
        .map(|ch| {
            (
                format!("{}/index.html", site.pages[ch.page].dir),
                chapter_file(ch),
            )
        })
        .collect();
    let mut images = Images::default();
    let mut entries: Vec<Entry> = Vec::new();
    let has_answers = book.questions().next().is_some();
    for ch in &book.chapters {
        let from = &site.pages[ch.page].dir;
        let body = html::rewrite_attrs(&ch.html, |tag, attr, v| match attr {
            "loading" | "decoding" | "srcset" | "sizes" => Edit::Remove,
            a if html::is_url_attr(a) => {
                relink(tag, v, from, &chapter_of, files, &mut images, base)
            }
            _ => Edit::Keep,
        });
        let body = book::plain_questions(&body, ch, &words, "", &|n| {
            format!("answers.xhtml#answer-{n}")
        });
        let mut x = chapter_heading(input, book, ch);
        x.push_str(&html::xhtml(&body, &LEFT_OUT));
        let lang = if ch.text_lang.is_empty() {
            &book.lang
        } else {
            &ch.text_lang
        };
        entries.push((
            format!("OEBPS/text/{}", chapter_file(ch)),
            document(lang, &ch.title, "../style.css", &x)
                .into_bytes()
                .into(),
        ));
    }
    if has_answers {
        let key = book::answer_key(book, &words, 1, &|ch, q| {
            format!("{}#{}", chapter_file(ch), q.html_id)
        });
        entries.push((
            "OEBPS/text/answers.xhtml".into(),
            document(
                &book.lang,
                &words.answer_key,
                "../style.css",
                &html::xhtml(&key, &[]),
            )
            .into_bytes()
            .into(),
        ));
    }
    for (site_path, name, _) in &images.order {
        let data = files.get(site_path).ok_or_else(|| {
            Diagnostic::error(format!(
                "the image {site_path} is not among the built files"
            ))
            .help("this is a bug in aula: please report it with the site that shows it")
        })?;
        entries.push((format!("OEBPS/{name}"), packages::read(data)?));
    }
    entries.push((
        "OEBPS/nav.xhtml".into(),
        nav(book, site, &words, &t("book-contents"))
            .into_bytes()
            .into(),
    ));
    entries.push(("OEBPS/style.css".into(), STYLE.as_bytes().into()));
    entries.push((
        "OEBPS/content.opf".into(),
        package_document(input, book, &images, has_answers)
            .into_bytes()
            .into(),
    ));
    entries.push(("META-INF/container.xml".into(), CONTAINER.as_bytes().into()));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.insert(
        0,
        ("mimetype".into(), b"application/epub+zip".as_slice().into()),
    );
    packages::zip(&entries, |name| name == "mimetype").map_err(|e| {
        Diagnostic::error(format!("could not make the EPUB of {}: {e}", course.dir))
            .file(course.path())
            .help("this is a bug in aula: please report it with the site that shows it")
    })
}

/// What opens a chapter: the course's title, summary and facts, or
/// "Module N: title" and its objectives.
fn chapter_heading(input: &Input, book: &Book, ch: &book::Chapter) -> String {
    let base = input.site.config.base_url.as_deref();
    let t = |key: &str, args: Option<&fluent_bundle::FluentArgs>| {
        input
            .i18n
            .translate(&book.lang, key, args)
            .unwrap_or_default()
    };
    let mut x = String::with_capacity(1024);
    let tag = |x: &mut String, open: &str, text: &str, close: &str| {
        x.push_str(open);
        push_xml_escaped(x, text);
        x.push_str(close);
    };
    if ch.number > 0 {
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("index", ch.number);
        let title = format!("{}: {}", t("book-module", Some(&args)), ch.title);
        tag(&mut x, "<h1>", &title, "</h1>\n");
        if !ch.objectives.is_empty() {
            tag(
                &mut x,
                "<section class=\"objectives\">\n<h2>",
                &t("objectives", None),
                "</h2>\n<ul>\n",
            );
            for o in &ch.objectives {
                tag(&mut x, "<li>", o, "</li>\n");
            }
            x.push_str("</ul>\n</section>\n");
        }
        return x;
    }
    let course = &input.site.pages[book.course];
    let front = course.front();
    tag(&mut x, "<h1>", &ch.title, "</h1>\n");
    if !front.summary.is_empty() {
        tag(&mut x, "<p class=\"lead\">", &front.summary, "</p>\n");
    }
    let Some(f) = front.course() else {
        return x;
    };
    let mut authors = fluent_bundle::FluentArgs::new();
    authors.set("count", f.authors.len());
    let online = base.map(|b| format!("{b}{}", html::encode_path(&format!("{}/", course.dir))));
    let facts = [
        (t("level", None), f.level.clone()),
        (t("authors", Some(&authors)), f.authors.join(", ")),
        (t("license", None), f.license.clone()),
        (t("print-online", None), online.unwrap_or_default()),
    ];
    x.push_str("<dl>\n");
    for (label, value) in facts.iter().filter(|(_, v)| !v.is_empty()) {
        tag(&mut x, "<dt>", label, "</dt>");
        tag(&mut x, "<dd>", value, "</dd>\n");
    }
    x.push_str("</dl>\n");
    x
}

/// One URL of a chapter's body.
fn relink(
    tag: &str,
    v: &str,
    from: &str,
    chapter_of: &BTreeMap<String, String>,
    files: &Files,
    images: &mut Images,
    base: Option<&str>,
) -> Edit {
    if v.starts_with('#') {
        return Edit::Keep;
    }
    let Some(local) = html::resolve(from, v) else {
        return Edit::Keep;
    };
    let file = local.file();
    if let Some(ch) = chapter_of.get(&file) {
        return Edit::Set(format!("{ch}{}", local.fragment));
    }
    if tag != "a"
        && let (Some(media), true) = (image_type(&file), files.contains_key(&file))
    {
        return Edit::Set(format!("../{}", images.add(&file, media)));
    }
    match base {
        Some(b) if tag == "a" => Edit::Set(packages::absolute(b, &local.path, &local.fragment)),
        _ => Edit::Remove,
    }
}

/// An XHTML content document.
fn document(lang: &str, title: &str, css: &str, body: &str) -> String {
    let mut d = String::with_capacity(body.len() + 512);
    d.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"");
    push_xml_escaped(&mut d, lang);
    d.push_str("\" xml:lang=\"");
    push_xml_escaped(&mut d, lang);
    d.push_str("\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>");
    push_xml_escaped(&mut d, title);
    d.push_str("</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"");
    push_xml_escaped(&mut d, css);
    d.push_str("\"/>\n</head>\n<body>\n");
    d.push_str(body);
    d.push_str("\n</body>\n</html>\n");
    d
}

fn nav(book: &Book, site: &crate::site::Site, words: &book::Words, contents: &str) -> String {
    let mut x = String::new();
    x.push_str("<nav epub:type=\"toc\" id=\"toc\">\n<h1>");
    push_xml_escaped(&mut x, contents);
    x.push_str("</h1>\n<ol>\n");
    for ch in &book.chapters {
        let p = &site.pages[ch.page];
        let _ = write!(x, "<li><a href=\"text/{}\"", chapter_file(ch));
        if p.is_fallback() {
            x.push_str(" lang=\"");
            push_xml_escaped(&mut x, &p.text_lang);
            x.push('"');
        }
        x.push('>');
        push_xml_escaped(&mut x, &ch.title);
        x.push_str("</a></li>\n");
    }
    if book.questions().next().is_some() {
        x.push_str("<li><a href=\"text/answers.xhtml\">");
        push_xml_escaped(&mut x, &words.answer_key);
        x.push_str("</a></li>\n");
    }
    x.push_str("</ol>\n</nav>\n");
    document(&book.lang, contents, "style.css", &x)
}

fn package_document(input: &Input, book: &Book, images: &Images, has_answers: bool) -> String {
    let site = input.site;
    let course = &site.pages[book.course];
    let front = course.front();
    let base = site.config.base_url.as_deref().unwrap_or("");
    let modified = book
        .updated(site)
        .map_or("1980-01-01T00:00:00Z".to_string(), |d| {
            format!("{d}T00:00:00Z")
        });
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"");
    push_xml_escaped(&mut x, &book.lang);
    x.push_str("\">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    let _ = writeln!(
        x,
        "<dc:identifier id=\"uid\">urn:uuid:{}</dc:identifier>",
        uuid(&format!(
            "{base}\n{}\n{}",
            site.courses[course.course.unwrap_or(0)].key,
            book.lang
        ))
    );
    x.push_str("<dc:title>");
    push_xml_escaped(&mut x, &front.title);
    x.push_str("</dc:title>\n<dc:language>");
    push_xml_escaped(&mut x, &book.lang);
    x.push_str("</dc:language>\n");
    if let Some(f) = front.course() {
        for a in &f.authors {
            x.push_str("<dc:creator>");
            push_xml_escaped(&mut x, a);
            x.push_str("</dc:creator>\n");
        }
        if !f.license.is_empty() {
            x.push_str("<dc:rights>");
            push_xml_escaped(&mut x, &f.license);
            x.push_str("</dc:rights>\n");
        }
    }
    if !front.summary.is_empty() {
        x.push_str("<dc:description>");
        push_xml_escaped(&mut x, &front.summary);
        x.push_str("</dc:description>\n");
    }
    if let Some(lang) = site.config.language(&book.lang) {
        x.push_str("<dc:publisher>");
        push_xml_escaped(&mut x, &lang.title);
        x.push_str("</dc:publisher>\n");
    }
    if !base.is_empty() {
        x.push_str("<dc:source>");
        push_xml_escaped(
            &mut x,
            &format!("{base}{}", html::encode_path(&format!("{}/", course.dir))),
        );
        x.push_str("</dc:source>\n");
    }
    let _ = writeln!(x, "<meta property=\"dcterms:modified\">{modified}</meta>");
    x.push_str("</metadata>\n<manifest>\n");
    x.push_str("<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n");
    x.push_str("<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n");
    for ch in &book.chapters {
        let _ = writeln!(
            x,
            "<item id=\"ch{:02}\" href=\"text/{}\" media-type=\"application/xhtml+xml\"/>",
            ch.number,
            chapter_file(ch)
        );
    }
    if has_answers {
        x.push_str("<item id=\"answers\" href=\"text/answers.xhtml\" media-type=\"application/xhtml+xml\"/>\n");
    }
    for (i, (_, name, media)) in images.order.iter().enumerate() {
        let _ = writeln!(
            x,
            "<item id=\"img{}\" href=\"{name}\" media-type=\"{media}\"/>",
            i + 1
        );
    }
    x.push_str("</manifest>\n<spine>\n");
    for ch in &book.chapters {
        let _ = writeln!(x, "<itemref idref=\"ch{:02}\"/>", ch.number);
    }
    if has_answers {
        x.push_str("<itemref idref=\"answers\"/>\n");
    }
    x.push_str("</spine>\n</package>\n");
    x
}

/// A UUID (version 5 layout, from FNV-1a rather than SHA-1) that is the
/// same for the same text on every machine and build.
fn uuid(text: &str) -> String {
    let fnv = |seed: u64| {
        let mut h = seed;
        for b in text.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    let hi = fnv(0xcbf2_9ce4_8422_2325);
    let lo = fnv(0x8422_2325_cbf2_9ce4);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">
<rootfiles>
<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>
</rootfiles>
</container>
";

/// Plain styles: reading systems bring their own fonts and colours.
const STYLE: &str = "body { line-height: 1.5; }
h1 { font-size: 1.6em; }
pre { white-space: pre-wrap; font-size: .9em; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: .2em .4em; }
.quiz-plain, .answer { border: 1px solid #999; padding: .3em .8em; margin: 1em 0; }
.quiz-hint { font-size: .9em; }
.quiz-right strong { color: #075e2e; }
.quiz-wrong strong { color: #8a1c1c; }
dt { font-weight: bold; }
";

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_are_stable_and_well_formed() {
        let u = super::uuid("https://x/\ncourses/a/_index\nes");
        assert_eq!(u, super::uuid("https://x/\ncourses/a/_index\nes"));
        assert_ne!(u, super::uuid("https://x/\ncourses/a/_index\nen"));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
    }
}
