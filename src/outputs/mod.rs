//! Outputs: one module per family of files in `public/`, each a function
//! from the built site ([`Input`]) to files in the shared [`Files`]
//! collection plus diagnostics.
//!
//! | module | files |
//! |---|---|
//! | [`pages`] | every page's `index.html`, the root chooser and `404.html` |
//! | [`feeds`] | `sitemap.xml`, `robots.txt`, `<lang>/atom.xml` |
//! | [`certificates`] | `<course or itinerary>/certificate/index.html`, self-declared completion pages |
//! | [`badges`] | Open Badges 2.0 and 3.0 JSON of badges, credentials and their issuer |
//! | [`assets`] | files colocated with the Markdown that uses them |
//! | [`images`] | resized copies of the colocated PNG and JPEG images |
//! | [`statics`] | the theme's and the site's `static/` files |
//! | [`syntax_css`] | `syntax.css`, when any page has code |
//! | [`status`] | `translations/index.html`, the translators' status page |
//! | [`mod@print`] | `<course>/print/index.html`, the whole course on one page |
//! | [`epub`] | `<course>/<slug>.epub`, the course as an EPUB 3 book |
//! | [`scorm`] | `<course>/<slug>.scorm.zip` (SCORM 1.2), `<course>/<slug>.imscc` (Common Cartridge 1.1); XML in [`lms`] |
//! | [`packages`] | `<course>/<slug>.zip`, `<lang>/<lang>.zip`: offline packages |
//! | [`search`] | `<lang>/search/index.html`; with the `search` feature, the Pagefind bundle `pagefind/` |
//! | [`minify`] | a pass: HTML pages and stylesheets minified (`[output] minify`) |
//! | [`fingerprint`] | a pass: root stylesheets and scripts renamed with a content hash, references rewritten (`[output] fingerprint`) |
//! | [`budget`] | no file: every HTML page's compressed weight, checked against `[budget]` |
//! | [`precompress`] | a pass: `.br` and `.gz` siblings of text files (`[output] precompress`) |
//!
//! The passes run in that order after every module has added its files
//! (`build::passes`); [`tags`] is their shared scanner of start tags.
//!
//! A new artifact (packages, search, badges) is one more module here, or
//! one pass over [`Files`]; see `ARCHITECTURE.md`. Outputs never write to
//! disk themselves: the printable courses, EPUBs and packages, made after
//! minification and fingerprints, hand each file to a [`Finish`], which
//! in `aula build` writes it at once (`build::passes::Writer`).

pub mod assets;
pub mod badges;
pub mod book;
pub mod budget;
pub mod certificates;
pub mod epub;
pub mod feeds;
pub mod fingerprint;
pub mod html;
pub mod images;
pub mod lms;
pub mod minify;
pub mod packages;
pub mod pages;
pub mod precompress;
pub mod print;
pub mod scorm;
pub mod search;
pub mod statics;
pub mod status;
pub mod syntax_css;
pub mod tags;

use crate::diagnostic::Diagnostic;
use crate::i18n::I18n;
use crate::markdown::Rendered;
use crate::render::Renderer;
use crate::render::views::Shared;
use crate::site::Site;
use crate::theme::Theme;
use std::sync::Arc;

pub use crate::output::Data;

/// Everything the outputs are made from.
pub struct Input<'a> {
    pub site: &'a Site,
    /// Rendered Markdown of each page, by page index.
    pub bodies: &'a [Arc<Rendered>],
    pub theme: &'a Theme,
    pub i18n: &'a I18n,
    pub renderer: &'a Renderer,
    pub shared: &'a Shared,
    pub status: &'a crate::translations::Report,
    pub fingerprints: &'a Fingerprints,
    /// Headers of the colocated images and the `[images]` settings.
    pub images: &'a crate::images::Catalog,
}

impl Input<'_> {
    /// Page `i`'s `index.html`, rendered with its template.
    pub fn page_html(&self, i: usize) -> Result<String, Diagnostic> {
        crate::render::page(
            self.renderer,
            self.theme,
            self.i18n,
            self.site,
            self.shared,
            i,
            &self.bodies[i],
        )
    }

    /// The completion page of course or itinerary `i`.
    pub fn certificate_html(&self, i: usize) -> Result<String, Diagnostic> {
        crate::render::certificate_page(
            self.renderer,
            self.theme,
            self.i18n,
            self.site,
            self.shared,
            i,
            &self.bodies[i],
        )
    }
}

/// What cached outputs are keyed on, computed once per build.
#[derive(Debug, Default)]
pub struct Fingerprints {
    /// The theme, every URL, the configuration and the options: what any
    /// page may show beyond its own file and its language's lists.
    pub global: u64,
    /// Every page's key, language and URL: what links resolve against.
    pub urls: u64,
    /// Each page's own source and place, by page index.
    pub docs: Vec<u64>,
}

/// A second file wants a path that is already taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub path: String,
}

/// All output files by path relative to the output folder (`/`-separated),
/// sorted. The only way in is [`Files::add`], which refuses a second,
/// different file for a path already taken: no output silently replaces
/// another's file. Read access goes through `Deref` to the map.
#[derive(Debug, Default)]
pub struct Files(crate::output::Files);

impl Files {
    pub fn new() -> Files {
        Files::default()
    }

    /// Adds a file; adding the same data twice (one asset used by two
    /// translations) is fine, different data for a taken path is a clash.
    pub fn add(&mut self, path: String, data: Data) -> Result<(), Clash> {
        match self.0.get(&path) {
            Some(existing) if *existing != data => Err(Clash { path }),
            Some(_) => Ok(()),
            None => {
                self.0.insert(path, data);
                Ok(())
            }
        }
    }

    /// The files after a pass that changes contents but adds no path
    /// (minification): the map it took with [`Files::into_map`], edited.
    /// Passes that add or rename files go through [`Files::add`].
    pub fn from_pass(map: crate::output::Files) -> Files {
        Files(map)
    }

    /// The files under `folder` (the folder's own name, no `/`), and the
    /// others.
    pub fn split_folder(self, folder: &str) -> (Files, Files) {
        let prefix = format!("{folder}/");
        let (inside, outside) = self
            .0
            .into_iter()
            .partition(|(p, _)| p.starts_with(&prefix));
        (Files(inside), Files(outside))
    }

    /// The files as a plain sorted map, for writing or serving.
    pub fn into_map(self) -> crate::output::Files {
        self.0
    }

    /// Puts `data` in place of a file aula generated earlier in the build
    /// (a course page rendered again once its downloads' sizes are known;
    /// see [`Files::replacement`]).
    pub fn replace_generated(&mut self, path: String, data: Data) -> Result<(), Diagnostic> {
        match self.0.get_mut(&path) {
            Some(slot @ (Data::Bytes(_) | Data::Written(_))) => {
                *slot = data;
                Ok(())
            }
            _ => Err(not_generated(&path)),
        }
    }

    /// A file made after the passes, finished by `finish`, for a path no
    /// file has yet; added with [`Files::add_finished`]. Takes `&self`,
    /// so outputs can make their files in parallel.
    pub fn new_file(
        &self,
        finish: &dyn Finish,
        path: String,
        bytes: impl Into<Arc<[u8]>>,
    ) -> Result<(String, Data), Diagnostic> {
        if self.0.contains_key(&path) {
            return Err(Diagnostic::error(format!(
                "aula makes {path} (a printable course, book or package), but the site already has a file there"
            ))
            .kind(crate::diagnostic::Kind::Asset)
            .help(format!(
                "rename or move the site's own file (static/{path}, or a file next to the course's Markdown under content/)"
            )));
        }
        let data = finish.finish(&path, bytes.into())?;
        Ok((path, data))
    }

    /// The new content of a file aula generated earlier, finished by
    /// `finish`; put in place with [`Files::replace_generated`].
    pub fn replacement(
        &self,
        finish: &dyn Finish,
        path: String,
        bytes: impl Into<Arc<[u8]>>,
    ) -> Result<(String, Data), Diagnostic> {
        match self.0.get(&path) {
            Some(Data::Bytes(_) | Data::Written(_)) => {
                let data = finish.finish(&path, bytes.into())?;
                Ok((path, data))
            }
            _ => Err(not_generated(&path)),
        }
    }

    /// Adds files made with [`Files::new_file`]; returns the errors of
    /// making and of adding them, in order.
    pub fn add_finished(
        &mut self,
        made: impl IntoIterator<Item = Result<(String, Data), Diagnostic>>,
    ) -> Vec<Diagnostic> {
        made.into_iter()
            .filter_map(|r| {
                r.and_then(|(path, data)| self.add(path, data).map_err(|c| taken(&c.path)))
                    .err()
            })
            .collect()
    }

    /// Adds a file that aula generates itself under a path it controls.
    pub fn add_generated(
        &mut self,
        path: impl Into<String>,
        bytes: impl Into<Arc<[u8]>>,
    ) -> Result<(), Diagnostic> {
        self.add(path.into(), Data::Bytes(bytes.into()))
            .map_err(|c| taken(&c.path))
    }
}

/// Two of aula's own files want one path.
pub(crate) fn taken(path: &str) -> Diagnostic {
    Diagnostic::error(format!("two generated files want the path {path}"))
        .help("this is a bug in aula or its theme: please report it with the site that shows it")
}

/// A file to replace is not one aula generated.
fn not_generated(path: &str) -> Diagnostic {
    Diagnostic::error(format!("no generated file {path} to replace"))
        .help("this is a bug in aula or its theme: please report it with the site that shows it")
}

/// What becomes of a file made after the passes have shaped the others
/// (printable courses, EPUBs, packages, and course pages rendered again
/// with their downloads' sizes): it is shaped the same way (a page
/// minified, its references to renamed stylesheets and scripts
/// rewritten), and in a build that writes it is written at once and
/// kept as [`Data::Written`]. So the packages are made from the pages as
/// the site publishes them, and a build need not hold every page until
/// the end (`build::passes`).
pub trait Finish: Sync {
    /// The file at `path` with `bytes`, finished: what [`Files`] keeps.
    fn finish(&self, path: &str, bytes: Arc<[u8]>) -> Result<Data, Diagnostic>;
}

/// Files kept as they are made (tests of the outputs).
pub struct AsMade;

impl Finish for AsMade {
    fn finish(&self, _: &str, bytes: Arc<[u8]>) -> Result<Data, Diagnostic> {
        Ok(Data::Bytes(bytes))
    }
}

impl std::ops::Deref for Files {
    type Target = crate::output::Files;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finishes every file by upper-casing it, so a test sees it ran.
    struct Upper;

    impl Finish for Upper {
        fn finish(&self, _: &str, bytes: Arc<[u8]>) -> Result<Data, Diagnostic> {
            Ok(Data::Bytes(bytes.to_ascii_uppercase().into()))
        }
    }

    fn bytes(files: &Files, path: &str) -> Vec<u8> {
        files[path].read().expect("in memory").into_owned()
    }

    #[test]
    fn a_new_file_is_finished_and_may_not_take_a_path() {
        let mut files = Files::new();
        files
            .add_generated("a/index.html", b"page".to_vec())
            .unwrap();
        let made = files.new_file(&Upper, "a/a.zip".into(), b"zip".to_vec());
        let (path, data) = made.expect("a free path");
        assert_eq!(
            (path.as_str(), data),
            ("a/a.zip", Data::Bytes(b"ZIP"[..].into()))
        );
        let taken = files
            .new_file(&Upper, "a/index.html".into(), b"x".to_vec())
            .expect_err("taken");
        assert!(taken.message.contains("a/index.html"), "{}", taken.message);
        assert!(
            taken
                .help
                .as_deref()
                .unwrap_or("")
                .contains("static/a/index.html")
        );
        let errors = files.add_finished([
            files.new_file(&Upper, "a/b.zip".into(), b"b".to_vec()),
            Ok(("a/index.html".to_string(), Data::Bytes(b"other"[..].into()))),
        ]);
        assert_eq!(errors.len(), 1, "the second one is taken");
        assert_eq!(bytes(&files, "a/b.zip"), b"B");
        assert_eq!(bytes(&files, "a/index.html"), b"page");
    }

    #[test]
    fn only_a_generated_file_is_replaced() {
        let mut files = Files::new();
        files
            .add_generated("c/index.html", b"first".to_vec())
            .unwrap();
        files
            .add("c/logo.png".into(), Data::Copy("logo.png".into()))
            .unwrap();
        let (path, data) = files
            .replacement(&Upper, "c/index.html".into(), b"second".to_vec())
            .expect("generated");
        files.replace_generated(path, data).expect("replaced");
        assert_eq!(bytes(&files, "c/index.html"), b"SECOND");
        for path in ["c/logo.png", "c/none.html"] {
            assert!(
                files
                    .replacement(&Upper, path.into(), b"x".to_vec())
                    .is_err(),
                "{path}"
            );
            assert!(
                files
                    .replace_generated(path.into(), Data::Bytes(b"x"[..].into()))
                    .is_err(),
                "{path}"
            );
        }
        // A file already written (`aula build`) is replaced the same way.
        files
            .replace_generated("c/index.html".into(), Data::Written("/tmp/x".into()))
            .expect("generated");
        assert!(
            files
                .replacement(&AsMade, "c/index.html".into(), b"3".to_vec())
                .is_ok()
        );
    }
}
