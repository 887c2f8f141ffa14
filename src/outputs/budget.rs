//! Page weight: every built HTML page measured the way a server sends it,
//! against the limits of `[budget]` in `aula.toml`.
//!
//! HTTP compresses each response on its own, so a page's weight is its
//! compressed HTML plus each stylesheet it links, compressed separately
//! (each stylesheet is compressed once per build, however many pages link
//! it). Both encodings a host offers are measured: brotli at quality
//! [`BROTLI_QUALITY`] with a window just large enough for the file, and
//! gzip at level [`GZIP_LEVEL`] (zlib's default, nginx and Apache
//! setups). Quality 4 is a moderate, on-the-fly setting: quality 5
//! (Apache's default) takes 2.4 times as long on aula's pages for 5 %
//! fewer bytes, so the numbers here are a slight overestimate of what a
//! host compressing at a higher quality sends, and precompressed files
//! (`[output] precompress`, quality 10) come out about 13 % smaller: a
//! page within budget here is within it on any host that compresses.
//!
//! Images are not compressed again by HTTP; a page's images above the
//! fold count at their stored size towards the per-page limit. *Above the
//! fold* is kept simple and predictable: the first [`FOLD_IMAGES`] `<img>`
//! of the page in document order, lazy or not (a phone's first screen
//! holds one or two), plus any later image not marked `loading="lazy"`,
//! since the browser fetches those at load too. An image counts once per
//! page, when it is a file of the site: by the `srcset` candidate a phone
//! fetches (the narrowest at least [`PHONE_PIXELS`] wide, a 360 px screen
//! at 2x, else the widest), or by its `src` when it has no `srcset`.
//!
//! This module only reads [`Files`]; it adds no file and never writes.
//! The report reaches people through `aula build`'s summary, warnings for
//! pages over budget, `aula build --budget-report FILE` and
//! `aula check --budget [--format json]`. Measurements are kept between
//! `aula serve` rebuilds for files whose bytes did not change.

use super::tags::{self, resolve};
use super::{Data, Files};
use crate::config::Budget;
use crate::diagnostic::Diagnostic;
use crate::memo::{Derived, DerivedEntry};
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::sync::Arc;

/// The device pixels across a phone's screen: 360 CSS pixels at 2x.
pub const PHONE_PIXELS: u32 = 720;

/// The `srcset` candidate a phone fetches: the narrowest `w` candidate at
/// least [`PHONE_PIXELS`] wide, else the widest; `None` without `w`
/// candidates.
fn phone_candidate(srcset: &str) -> Option<&str> {
    let candidates: Vec<(u32, &str)> = srcset
        .split(',')
        .filter_map(|c| {
            let mut parts = c.split_ascii_whitespace();
            let url = parts.next()?;
            let width = parts.next()?.strip_suffix('w')?.parse::<u32>().ok()?;
            Some((width, url))
        })
        .collect();
    let fit = candidates
        .iter()
        .filter(|(w, _)| *w >= PHONE_PIXELS)
        .min_by_key(|(w, _)| *w);
    let widest = candidates.iter().max_by_key(|(w, _)| *w);
    fit.or(widest).map(|&(_, url)| url)
}

/// How many of a page's first images count as above the fold.
pub const FOLD_IMAGES: usize = 2;

/// Brotli quality of the measurement (see the module's doc).
pub const BROTLI_QUALITY: u32 = 4;
/// Gzip level: zlib's default, Apache's `mod_deflate` and common nginx
/// configurations.
pub const GZIP_LEVEL: u32 = 6;

/// The smallest brotli window (log2 bytes, 10 to 24) that holds `len`
/// bytes: a larger one gives the same output for a small file but costs
/// time to set up.
pub fn brotli_window(len: usize) -> u32 {
    (10..24).find(|&w| (1usize << w) - 16 >= len).unwrap_or(24)
}

/// One file's bytes as stored and as sent with each encoding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub raw: u64,
    /// Measured only for a report ([`Gzip::Measure`]): the limits are in
    /// brotli, and gzip would cost a third of the measuring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gzip: Option<u64>,
    pub brotli: u64,
}

/// Whether to measure gzip too (for `--budget-report` and
/// `aula check --budget`), or brotli alone (every other build).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Gzip {
    #[default]
    Skip,
    Measure,
}

impl Sizes {
    /// Measures `bytes` with brotli, and with gzip when asked.
    pub fn of(bytes: &[u8], gzip: Gzip) -> Sizes {
        Sizes {
            raw: bytes.len() as u64,
            gzip: (gzip == Gzip::Measure).then(|| gzip_len(bytes)),
            brotli: brotli_len(bytes),
        }
    }

    fn add(self, other: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + other.raw,
            gzip: self.gzip.zip(other.gzip).map(|(a, b)| a + b),
            brotli: self.brotli + other.brotli,
        }
    }
}

/// One HTML page's weight.
#[derive(Debug, Clone, Serialize)]
pub struct PageWeight {
    /// Output path, `es/cursos/x/index.html`.
    pub path: String,
    /// The source file (`content/…`), `null` for pages aula generates.
    pub source: Option<String>,
    /// The page kind (`module`, `course`, …), or `other` for the chooser,
    /// `404.html` and the translators' page.
    pub kind: String,
    /// The HTML alone.
    pub html: Sizes,
    /// The stylesheets it links, as output paths.
    pub stylesheets: Vec<String>,
    /// HTML plus each stylesheet, each compressed on its own.
    pub total: Sizes,
    /// Its images above the fold (see the module's doc), as output paths.
    pub images: Vec<String>,
    /// Their stored bytes.
    pub image_bytes: u64,
    /// `total.brotli + image_bytes`: what the per-page limit applies to.
    pub weight: u64,
    /// Over the module limit (module pages only).
    pub over_module: bool,
    /// Over the per-page limit.
    pub over_page: bool,
}

impl PageWeight {
    pub fn over(&self) -> bool {
        self.over_module || self.over_page
    }
}

/// Every page's weight, sorted by output path.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub brotli_quality: u32,
    pub gzip_level: u32,
    /// The limits in force, in bytes.
    pub module_limit: u64,
    pub page_limit: u64,
    /// Each linked stylesheet, measured once.
    pub stylesheets: BTreeMap<String, Sizes>,
    pub pages: Vec<PageWeight>,
}

impl Report {
    /// Pages over either limit.
    pub fn over(&self) -> impl Iterator<Item = &PageWeight> {
        self.pages.iter().filter(|p| p.over())
    }

    /// The `n` heaviest pages by brotli bytes of HTML + CSS, heaviest first.
    pub fn heaviest(&self, n: usize) -> Vec<&PageWeight> {
        let mut pages: Vec<&PageWeight> = self.pages.iter().collect();
        pages.sort_by(|a, b| {
            b.total
                .brotli
                .cmp(&a.total.brotli)
                .then(a.path.cmp(&b.path))
        });
        pages.truncate(n);
        pages
    }

    /// The median module page's brotli bytes of HTML + CSS (the lower
    /// middle one for an even count), if there are module pages.
    pub fn median_module(&self) -> Option<u64> {
        let mut sizes: Vec<u64> = self
            .pages
            .iter()
            .filter(|p| p.kind == "module")
            .map(|p| p.total.brotli)
            .collect();
        sizes.sort_unstable();
        sizes.get(sizes.len().saturating_sub(1) / 2).copied()
    }

    /// One line for the build summary: the heaviest pages and the median
    /// module page; `None` for a site without pages.
    pub fn summary(&self) -> Option<String> {
        let heaviest = self.heaviest(3);
        if heaviest.is_empty() {
            return None;
        }
        let list: Vec<String> = heaviest
            .iter()
            .map(|p| format!("{} {}", page_url(&p.path), kb(p.total.brotli)))
            .collect();
        let median = self
            .median_module()
            .map(|m| format!("; median module page {}", kb(m)))
            .unwrap_or_default();
        let over = self.over().count();
        let over = match over {
            0 => String::new(),
            1 => "; 1 page over budget".into(),
            n => format!("; {n} pages over budget"),
        };
        Some(format!(
            "heaviest pages (brotli, HTML + CSS): {}{median}{over}",
            list.join(", ")
        ))
    }
}

/// One file's measurement, kept between builds while its bytes are
/// unchanged: its sizes and, for a page, what it references.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    sizes: Sizes,
    refs: Arc<Refs>,
}

/// What [`measure`] keeps for the next build.
pub type Memory = Derived<Measured>;

/// Measures every HTML page in `files`; warns for each page over budget.
/// `previous` holds the last build's measurements; the returned
/// [`Memory`] holds this one's.
pub fn measure(
    site: &Site,
    files: &Files,
    previous: &Memory,
    gzip: Gzip,
) -> (Report, Vec<Diagnostic>, Memory) {
    let html: Vec<(&String, &Arc<[u8]>)> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .filter_map(|(path, data)| match data {
            Data::Bytes(b) => Some((path, b)),
            Data::Copy(_) | Data::Written(_) => None,
        })
        .collect();
    let measured: Vec<DerivedEntry<Measured>> = html
        .par_iter()
        .map(|(path, bytes)| {
            previous.get_or_make(path, bytes, gzip as u64, || {
                Measured::page(path, bytes, gzip)
            })
        })
        .collect();
    let css: BTreeSet<&String> = measured
        .iter()
        .flat_map(|(_, (_, _, m))| &m.refs.stylesheets)
        .filter(|p| files.contains_key(*p))
        .collect();
    let sheets: Vec<DerivedEntry<Measured>> = css
        .into_par_iter()
        .filter_map(|p| match files.get(p)? {
            Data::Bytes(b) => {
                Some(previous.get_or_make(p, b, gzip as u64, || Measured::sheet(b, gzip)))
            }
            Data::Copy(f) | Data::Written(f) => {
                let b: Arc<[u8]> = std::fs::read(f).ok()?.into();
                Some(previous.get_or_make(p, &b, gzip as u64, || Measured::sheet(&b, gzip)))
            }
        })
        .collect();
    let stylesheets: BTreeMap<String, Sizes> = sheets
        .iter()
        .map(|(p, (_, _, m))| (p.clone(), m.sizes))
        .collect();
    let pages: Vec<(&String, &Measured)> = measured.iter().map(|(p, (_, _, m))| (p, m)).collect();
    let (report, warnings) = assemble(site, &pages, stylesheets, |path| {
        files.get(path).map(|d| stored_len(Some(d)))
    });
    let memory = Derived::from_results(measured.into_iter().chain(sheets));
    (report, warnings, memory)
}

impl Measured {
    /// An HTML page at output path `path`: its sizes and references.
    pub fn page(path: &str, bytes: &[u8], gzip: Gzip) -> Measured {
        Measured {
            sizes: Sizes::of(bytes, gzip),
            refs: Arc::new(references(path, bytes)),
        }
    }

    /// A stylesheet: its sizes.
    pub fn sheet(bytes: &[u8], gzip: Gzip) -> Measured {
        Measured {
            sizes: Sizes::of(bytes, gzip),
            refs: Arc::default(),
        }
    }

    /// The stylesheets the page links, resolved to output paths.
    pub fn stylesheets(&self) -> &[String] {
        &self.refs.stylesheets
    }

    pub fn sizes(&self) -> Sizes {
        self.sizes
    }
}

/// The report and the over-budget warnings from every page's measurement
/// (by output path, sorted), the measured stylesheets, and `stored`,
/// which gives the stored size of any output file (`None`: no such file).
pub fn assemble(
    site: &Site,
    measured: &[(&String, &Measured)],
    stylesheets: BTreeMap<String, Sizes>,
    stored: impl Fn(&str) -> Option<u64>,
) -> (Report, Vec<Diagnostic>) {
    let budget = site.config.budget;
    let pages: HashMap<String, usize> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("{}/index.html", p.dir), i))
        .collect();
    let module_limit = Budget::bytes(budget.module_kb);
    let page_limit = Budget::bytes(budget.page_kb);
    let mut warnings = Vec::new();
    let mut report_pages = Vec::with_capacity(measured.len());
    for (path, m) in measured {
        let page = pages.get(*path).map(|&i| &site.pages[i]);
        let source = page
            .filter(|p| !p.is_generated())
            .map(|p| crate::diagnostic::slashed(p.path()));
        let kind = page.map_or("other", |p| p.kind.name()).to_string();
        let linked: Vec<String> = m
            .refs
            .stylesheets
            .iter()
            .filter(|s| stylesheets.contains_key(*s))
            .cloned()
            .collect();
        let total = linked
            .iter()
            .filter_map(|s| stylesheets.get(s))
            .fold(m.sizes, |acc, s| acc.add(*s));
        let sized: Vec<(String, u64)> = m
            .refs
            .images
            .iter()
            .filter_map(|i| stored(i).map(|len| (i.clone(), len)))
            .collect();
        let image_bytes = sized.iter().map(|(_, len)| len).sum();
        let images: Vec<String> = sized.into_iter().map(|(i, _)| i).collect();
        let weight = total.brotli + image_bytes;
        let pw = PageWeight {
            path: (*path).clone(),
            source,
            over_module: kind == "module" && total.brotli > module_limit,
            over_page: weight > page_limit,
            kind,
            html: m.sizes,
            stylesheets: linked,
            total,
            images,
            image_bytes,
            weight,
        };
        warnings.extend(over_budget(&pw, budget));
        report_pages.push(pw);
    }
    let report = Report {
        brotli_quality: BROTLI_QUALITY,
        gzip_level: GZIP_LEVEL,
        module_limit,
        page_limit,
        stylesheets,
        pages: report_pages,
    };
    (report, warnings)
}

/// A warning for each limit `page` is over, at its source file.
fn over_budget(page: &PageWeight, budget: Budget) -> Vec<Diagnostic> {
    let file = page.source.clone().unwrap_or_else(|| page.path.clone());
    let url = page_url(&page.path);
    let mut out = Vec::new();
    if page.over_module {
        out.push(
            Diagnostic::warning(format!(
                "module page {url} weighs {} (brotli, HTML + CSS), over the {} KB budget for module pages",
                kb(page.total.brotli),
                budget.module_kb
            ))
            .kind(crate::diagnostic::Kind::Budget)
            .file(&file)
            .help(format!(
                "split the module into two, or move long tables and code into a page it links; to allow heavier modules, raise module_kb (now {}) in [budget] of aula.toml",
                budget.module_kb
            )),
        );
    }
    if page.over_page {
        out.push(
            Diagnostic::warning(format!(
                "page {url} weighs {} with {} image{} above the fold ({} HTML + CSS, brotli), over the {} KB page budget",
                kb(page.weight),
                page.images.len(),
                if page.images.len() == 1 { "" } else { "s" },
                kb(page.total.brotli),
                budget.page_kb
            ))
            .kind(crate::diagnostic::Kind::Budget)
            .file(&file)
            .help(format!(
                "make the images at the top of the page smaller (fewer pixels, WebP or JPEG) or move them down (the first two images count, and later ones not marked loading=\"lazy\"); to allow heavier pages, raise page_kb (now {}) in [budget] of aula.toml",
                budget.page_kb
            )),
        );
    }
    out
}

/// `es/cursos/x/index.html` as people see it: `es/cursos/x/`.
fn page_url(path: &str) -> &str {
    match path.strip_suffix("index.html") {
        Some("") => "/",
        Some(dir) => dir,
        None => path,
    }
}

/// Bytes as KB (1,024 bytes) with one decimal.
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

pub fn stored_len(data: Option<&Data>) -> u64 {
    data.and_then(|d| d.size().ok()).unwrap_or(0)
}

/// Gzip (RFC 1952) length at [`GZIP_LEVEL`].
pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut enc =
        flate2::write::GzEncoder::new(Counter::default(), flate2::Compression::new(GZIP_LEVEL));
    // Writing into a counter cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().map_or(0, |c| c.0)
}

/// Brotli length at [`BROTLI_QUALITY`] and [`brotli_window`].
pub fn brotli_len(bytes: &[u8]) -> u64 {
    let mut out = Counter::default();
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY as i32,
        lgwin: brotli_window(bytes.len()) as i32,
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut input = bytes;
    match brotli::BrotliCompress(&mut input, &mut out, &params) {
        Ok(_) => out.0,
        Err(_) => 0,
    }
}

/// A writer that only counts: the compressed bytes are not kept.
#[derive(Default)]
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The files a page makes the browser fetch before it can show it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refs {
    /// `<link rel="stylesheet" href>`, as output paths, in order.
    stylesheets: Vec<String>,
    /// `<img src>` above the fold (see the module's doc), as output
    /// paths, unique.
    images: Vec<String>,
}

/// Scans `html` (the page at output path `page`) for stylesheets and
/// images above the fold.
fn references(page: &str, html: &[u8]) -> Refs {
    let text = crate::text::lossy(html);
    let mut refs = Refs::default();
    let mut images_seen = 0;
    for tag in tags::tags(&text, &["link", "img"]) {
        let value = |k: &str| tag.get(k).map(|a| a.value.as_str());
        let (target, list) = if tag.name == "link" {
            let sheet = value("rel")
                .unwrap_or("")
                .split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("stylesheet"));
            (value("href").filter(|_| sheet), &mut refs.stylesheets)
        } else {
            images_seen += 1;
            let lazy = value("loading").is_some_and(|l| l.eq_ignore_ascii_case("lazy"));
            let above = images_seen <= FOLD_IMAGES || !lazy;
            let fetched = value("srcset").and_then(phone_candidate).or(value("src"));
            (fetched.filter(|_| above), &mut refs.images)
        };
        if let Some(path) = target.and_then(|t| resolve(page, t))
            && !list.contains(&path)
        {
            list.push(path);
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_fetches_the_narrowest_candidate_wide_enough() {
        let set = "a-480.jpg 480w, a-800.jpg 800w, a-1200.jpg 1200w";
        assert_eq!(phone_candidate(set), Some("a-800.jpg"));
        assert_eq!(
            phone_candidate("a-480.jpg 480w, a-320.jpg 320w"),
            Some("a-480.jpg")
        );
        assert_eq!(phone_candidate("a.jpg 2x"), None);
        let html = br#"<img src="big.jpg" srcset="s.jpg 480w, m.jpg 960w" width="1200">"#;
        assert_eq!(references("es/x/index.html", html).images, ["es/x/m.jpg"]);
    }

    #[test]
    fn references_are_resolved_against_the_page() {
        let html = br#"<!doctype html><link rel="stylesheet" href="../../style.css">
<LINK REL='preload stylesheet' href=../../syntax.css?v=1>
<link rel="icon" href="../../icon.png"><link rel="stylesheet" href="https://cdn.example/x.css">
<img alt="a > b" src="diagram%20one.png"><img src="early.png" loading="lazy">
<img src="diagram%20one.png"><img src="data:image/png;base64,AAAA"><img src="../../../../../x.png">
<img src="late.png" loading="lazy"><img src="eager.png">"#;
        let refs = references("es/cursos/x/index.html", html);
        assert_eq!(refs.stylesheets, ["es/style.css", "es/syntax.css"]);
        assert_eq!(
            refs.images,
            [
                "es/cursos/x/diagram one.png",
                "es/cursos/x/early.png",
                "es/cursos/x/eager.png"
            ]
        );
    }

    #[test]
    fn sizes_shrink_text_and_count_headers() {
        let text = "aula ".repeat(1000);
        let s = Sizes::of(text.as_bytes(), Gzip::Measure);
        assert_eq!(Sizes::of(text.as_bytes(), Gzip::Skip).gzip, None);
        let gz = s.gzip.unwrap_or_default();
        assert_eq!(s.raw, 5000);
        assert!(gz > 18 && gz < 200, "{s:?}");
        assert!(s.brotli > 0 && s.brotli < gz, "{s:?}");
        let empty = Sizes::of(b"", Gzip::Measure);
        assert_eq!(empty.gzip, Some(20), "gzip header and trailer");
    }
}
