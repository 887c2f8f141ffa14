//! URLs: the segment each page asks for (its `slug` or file name), the
//! output folder each kind's [`UrlRule`] gives it, the check that no two
//! pages share one and that every name fits the file system, and the
//! shortest relative link between two folders.
//!
//! Part of assembling the site; never touches the disk.

use super::Page;
use crate::config::Language;
use crate::content::kinds::UrlRule;
use crate::content::{Kind, Section};
use crate::diagnostic::Diagnostic;
use crate::slug::slugify;
use std::collections::HashMap;

/// How the generator writes links to pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum LinkStyle {
    /// `cursos/x/`: shorter addresses, for web servers that serve a
    /// folder's `index.html`.
    Directory,
    /// `cursos/x/index.html`: works on every static host and opened from
    /// disk (a USB stick, an unzipped copy), where a folder link would
    /// show a file listing. The default.
    #[default]
    File,
}

impl LinkStyle {
    /// The link to a page whose output folder is `dir`.
    pub fn url(self, dir: &str) -> String {
        match self {
            LinkStyle::Directory => format!("{dir}/"),
            LinkStyle::File => format!("{dir}/index.html"),
        }
    }
}

/// The longest name most file systems allow for one path segment, in bytes.
pub const MAX_SEGMENT: usize = 255;

/// The output folder of `page` below the site root, by its kind's
/// [`UrlRule`]. `course_slug` is the slug of the course a module belongs
/// to; `None` when it has no course page (then the module has no URL).
pub(super) fn folder(
    page: &Page,
    lang: &Language,
    slug: &str,
    course_slug: Option<&str>,
) -> Result<Option<String>, Diagnostic> {
    let spec = page.kind.spec();
    let section = |s: Option<Section>| s.map_or("", |s| lang.segment(s));
    let dir = match spec.url {
        UrlRule::LanguageRoot => lang.code.clone(),
        UrlRule::SectionRoot => format!(
            "{}/{}",
            lang.code,
            section(Section::from_folder(page.folder()))
        ),
        UrlRule::InSection => format!("{}/{}/{slug}", lang.code, section(spec.section)),
        UrlRule::InCourse => match course_slug {
            Some(cs) => format!("{}/{}/{cs}/{slug}", lang.code, section(spec.section)),
            None => return Ok(None),
        },
        UrlRule::Folders => {
            let mut parts = vec![lang.code.clone()];
            parts.extend(
                page.folder()
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(slugify),
            );
            if parts.iter().any(String::is_empty) {
                return Err(Diagnostic::error(format!(
                    "the folder path `{}` has a name that gives an empty URL segment",
                    page.folder()
                ))
                .file(page.path())
                .help("rename the folder using letters or digits (accents are fine)"));
            }
            if page.key.ends_with("/_index") {
                // A folder's own page: its slug names the folder.
                parts.pop();
            }
            parts.push(slug.to_string());
            parts.join("/")
        }
    };
    Ok(Some(dir))
}

/// The URL segment a page asks for: its `slug`, or its file name. A page
/// shown in a fallback language takes the language-neutral file name (a
/// slug is written for its own language).
pub(super) fn own_slug(p: &Page) -> Result<String, Diagnostic> {
    if matches!(p.kind, Kind::Home | Kind::Section) {
        return Ok(String::new());
    }
    let name = if p.kind == Kind::Course || p.key.ends_with("/_index") {
        p.folder().rsplit('/').next().unwrap_or("")
    } else {
        p.key.rsplit('/').next().unwrap_or("")
    };
    let written = p.doc().filter(|_| !p.is_fallback()).and_then(|d| {
        d.front
            .slug
            .as_deref()
            .map(|s| (s, d.source.as_str(), &d.path))
    });
    let Some((s, source, path)) = written else {
        let clean = slugify(name);
        if clean.is_empty() {
            return Err(Diagnostic::error(format!(
                "the file name `{name}` gives an empty URL segment"
            ))
            .file(p.path())
            .help("add slug = \"some-name\" to the front matter or rename the file"));
        }
        return Ok(clean);
    };
    let clean = slugify(s);
    // Accents and capitals are transliterated (`niño` -> `nino`); anything
    // that could name another folder is refused.
    let escapes = s
        .chars()
        .any(|c| matches!(c, '/' | '\\' | '.') || c.is_control() || c.is_whitespace());
    if escapes || clean.is_empty() {
        let line = source
            .lines()
            .position(|l| l.trim_start().starts_with("slug"))
            .map(|l| l + 1)
            .unwrap_or(1);
        let help = if clean.is_empty() {
            "use lowercase ASCII letters, digits and dashes".to_string()
        } else {
            format!("write slug = \"{clean}\"")
        };
        return Err(
            Diagnostic::error(format!("slug {s:?} is not a URL segment"))
                .file(path)
                .at(line, 1, Some(source))
                .help(help),
        );
    }
    Ok(clean)
}

/// A folder name longer than file systems allow fails only when the file
/// is written; caught here, `aula check` and `aula build` agree.
pub(super) fn check_length(page: &Page, dir: &str) -> Result<(), Diagnostic> {
    let Some(long) = dir.split('/').find(|s| s.len() > MAX_SEGMENT) else {
        return Ok(());
    };
    let short: String = long.chars().take(40).collect();
    let mut d = Diagnostic::error(format!(
        "the URL segment `{short}…` is {} bytes long; file systems allow {MAX_SEGMENT}",
        long.len()
    ))
    .file(page.path())
    .help("give the page a shorter `slug` in its front matter, or rename the file or folder");
    let slug_line = page.doc().and_then(|doc| {
        let line = doc
            .source
            .lines()
            .position(|l| l.trim_start().starts_with("slug"))?;
        Some((line + 1, doc.source.as_str()))
    });
    if let Some((line, source)) = slug_line {
        d = d.at(line, 1, Some(source));
    }
    Err(d)
}

/// Two pages on one URL is always a mistake.
pub(super) fn check_collisions(pages: &[Page], dirs: &[Option<String>]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, dir) in dirs.iter().enumerate() {
        let Some(dir) = dir else { continue };
        match seen.get(dir.as_str()) {
            Some(&j) => {
                let (a, b) = (&pages[j], &pages[i]);
                let at = if b.is_generated() { a.path() } else { b.path() };
                errors.push(
                    Diagnostic::error(format!(
                        "two pages want the URL /{dir}/: {} and {}",
                        a.describe(),
                        b.describe()
                    ))
                    .file(at)
                    .help("give one of them a different `slug` in its front matter, or rename the file"),
                );
            }
            None => {
                seen.insert(dir, i);
            }
        }
    }
    errors
}

/// Shortest relative link from the folder `from_dir` to `to_url` (both
/// relative to the site root; `to_url` ends in `/` or `index.html`).
pub fn relative(from_dir: &str, to_url: &str) -> String {
    let (to_dir, file) = match to_url.rsplit_once('/') {
        Some((d, f)) => (d, f),
        None => ("", to_url),
    };
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to_dir.split('/').filter(|s| !s.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for seg in &to[common..] {
        out.push_str(seg);
        out.push('/');
    }
    out.push_str(file);
    if out.is_empty() { "./".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_are_shortest() {
        assert_eq!(relative("es/cursos/x/a", "es/cursos/x/b/"), "../b/");
        assert_eq!(relative("es/cursos/x", "es/cursos/x/b/"), "b/");
        assert_eq!(relative("es/cursos/x/a", "es/cursos/x/a/"), "./");
        assert_eq!(
            relative("es/cursos/x/a", "es/cursos/x/a/index.html"),
            "index.html"
        );
        assert_eq!(relative("es", "en/"), "../en/");
        assert_eq!(relative("", "es/"), "es/");
        assert_eq!(relative("es/a", "style.css"), "../../style.css");
    }
}
