//! Sections of the campus: the folders of `content/` whose URL segment is
//! translated per language (`courses/` is `/es/cursos/`). Shared by the
//! configuration (which names the segments) and the table of kinds.
//! Data only.

use crate::diagnostic::Diagnostic;
use serde::Serialize;

/// A section of the campus: a folder of `content/` whose URL segment is
/// translated per language (`courses/` is `/es/cursos/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Courses,
    Guidelines,
    Itineraries,
}

impl Section {
    /// Every section, in menu order.
    pub const ALL: [Section; 3] = [Section::Courses, Section::Guidelines, Section::Itineraries];

    /// Its folder under `content/`, which is also its name in
    /// `aula.toml`, in templates (`nav.courses`) and in messages.
    pub fn folder(self) -> &'static str {
        match self {
            Section::Courses => "courses",
            Section::Guidelines => "guidelines",
            Section::Itineraries => "itineraries",
        }
    }

    pub fn from_folder(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.folder() == name)
    }

    /// The section a translation key lives in (`courses/x/01` is in
    /// courses); `None` for free pages.
    pub fn of_key(key: &str) -> Option<Section> {
        Section::from_folder(key.split('/').next().unwrap_or(""))
    }

    /// URL segment when `aula.toml` does not name one.
    pub fn default_segment(self, lang: &str) -> &'static str {
        let iberian = matches!(lang.split('-').next().unwrap_or(lang), "es" | "pt");
        match (self, iberian) {
            (Section::Courses, true) => "cursos",
            (Section::Guidelines, true) => "guias",
            (Section::Itineraries, true) => "itinerarios",
            (s, false) => s.folder(),
        }
    }

    /// The error for a file inside the section's folder that matches no
    /// kind's place.
    pub(crate) fn misplaced(self, rel: &str) -> Diagnostic {
        match self {
            Section::Courses => Diagnostic::error(format!("`{rel}` is not a place a course file can be"))
                .help("a course is a folder courses/<course>/ with _index.<lang>.md and one file per module; modules cannot be nested deeper"),
            s => Diagnostic::error(format!("`{rel}` is nested inside {}/", s.folder()))
                .help(format!("put the file directly in content/{}/", s.folder())),
        }
    }
}

/// The name under which translation policies and status reports group
/// pages: a section's folder, or `pages` for everything else.
pub fn policy_group(section: Option<Section>) -> &'static str {
    section.map_or("pages", Section::folder)
}
