//! The table of page kinds: the one place that says, for every kind of
//! page, where its files sit, which front-matter schema it reads, which
//! template renders it, how its URL is made, which list shows it and
//! whether it belongs to a course.
//!
//! Everything else asks this table instead of matching on kinds or
//! spelling section names: adding a kind is one entry here, its schema in
//! [`super::front`], its view model in `render/views.rs`, its template and
//! its locale strings (see `ARCHITECTURE.md`, "Adding a page kind"). This
//! module is data only: it never reads files.

use super::front::{self, FrontMatter};
use crate::diagnostic::Diagnostic;
pub use crate::section::{Section, policy_group};
use serde::Serialize;

/// What a page is, decided by where its file sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Home,
    /// The list page of a section: `courses/_index.md` and friends.
    Section,
    Course,
    Module,
    Guideline,
    Itinerary,
    Page,
}

/// How a kind's output folder is made (below the language's folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRule {
    /// `<lang>/`
    LanguageRoot,
    /// `<lang>/<section segment>/`
    SectionRoot,
    /// `<lang>/<section segment>/<slug>/`
    InSection,
    /// `<lang>/<section segment>/<course slug>/<slug>/`
    InCourse,
    /// `<lang>/<folders, slugified>/<slug>/`
    Folders,
}

/// One segment of a place pattern.
#[derive(Debug, Clone, Copy)]
pub enum Seg {
    /// Exactly this name.
    Is(&'static str),
    /// Any name.
    Any,
    /// The folder of any section.
    AnySection,
}

/// Everything aula knows about one kind of page.
#[derive(Debug)]
pub struct KindSpec {
    pub kind: Kind,
    /// Its name in templates (`page.kind`) and messages.
    pub name: &'static str,
    /// Where its files sit: the translation key's segments. Empty for
    /// the catch-all kind (free pages).
    pub place: &'static [Seg],
    /// The template that renders it.
    pub template: &'static str,
    pub url: UrlRule,
    /// The section its URL and translation policy belong to.
    pub section: Option<Section>,
    /// The section list that shows it (a course is listed in courses).
    pub listed_in: Option<Section>,
    /// A module: ordered inside its course's outline.
    pub in_course: bool,
    /// Dated pages of this kind go into the language's Atom feed.
    pub in_feed: bool,
    /// Its front-matter schema.
    pub schema: front::Schema,
}

use Seg::{Any, AnySection, Is};

/// The kinds, in the order places are tried: the first match wins, and
/// the last entry (free pages) matches everything else.
pub const KINDS: [KindSpec; 7] = [
    KindSpec {
        kind: Kind::Home,
        name: "home",
        place: &[Is("_index")],
        template: "home.html",
        url: UrlRule::LanguageRoot,
        section: None,
        listed_in: None,
        in_course: false,
        in_feed: false,
        schema: front::Schema::Home,
    },
    KindSpec {
        kind: Kind::Section,
        name: "section",
        place: &[AnySection, Is("_index")],
        template: "section.html",
        url: UrlRule::SectionRoot,
        section: None,
        listed_in: None,
        in_course: false,
        in_feed: false,
        schema: front::Schema::Page,
    },
    KindSpec {
        kind: Kind::Course,
        name: "course",
        place: &[Is("courses"), Any, Is("_index")],
        template: "course.html",
        url: UrlRule::InSection,
        section: Some(Section::Courses),
        listed_in: Some(Section::Courses),
        in_course: false,
        in_feed: false,
        schema: front::Schema::Course,
    },
    KindSpec {
        kind: Kind::Module,
        name: "module",
        place: &[Is("courses"), Any, Any],
        template: "module.html",
        url: UrlRule::InCourse,
        section: Some(Section::Courses),
        listed_in: None,
        in_course: true,
        in_feed: true,
        schema: front::Schema::Module,
    },
    KindSpec {
        kind: Kind::Guideline,
        name: "guideline",
        place: &[Is("guidelines"), Any],
        template: "guideline.html",
        url: UrlRule::InSection,
        section: Some(Section::Guidelines),
        listed_in: Some(Section::Guidelines),
        in_course: false,
        in_feed: true,
        schema: front::Schema::Guideline,
    },
    KindSpec {
        kind: Kind::Itinerary,
        name: "itinerary",
        place: &[Is("itineraries"), Any],
        template: "itinerary.html",
        url: UrlRule::InSection,
        section: Some(Section::Itineraries),
        listed_in: Some(Section::Itineraries),
        in_course: false,
        in_feed: false,
        schema: front::Schema::Itinerary,
    },
    KindSpec {
        kind: Kind::Page,
        name: "page",
        place: &[],
        template: "page.html",
        url: UrlRule::Folders,
        section: None,
        listed_in: None,
        in_course: false,
        in_feed: false,
        schema: front::Schema::Page,
    },
];

impl Kind {
    /// This kind's entry in [`KINDS`].
    pub fn spec(self) -> &'static KindSpec {
        KINDS
            .iter()
            .find(|s| s.kind == self)
            .expect("every kind has an entry in KINDS")
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Parses front matter with this kind's schema.
    pub fn parse_front(self, toml: &str) -> Result<FrontMatter, toml::de::Error> {
        self.spec().schema.parse(toml)
    }
}

/// Templates every theme must provide: one per kind, plus the pages
/// outside the language tree.
pub fn required_templates() -> impl Iterator<Item = &'static str> {
    ["base.html"]
        .into_iter()
        .chain(KINDS.iter().map(|k| k.template))
        .chain(["404.html", "chooser.html"])
}

/// Decides the kind of a translation key (`courses/x/01-intro`). A key
/// inside a section's folder that fits none of its kinds is an error,
/// which names the file as `rel` (its path inside `content/`).
pub fn classify(key: &str, rel: &str) -> Result<Kind, Diagnostic> {
    let parts: Vec<&str> = key.split('/').collect();
    let fits = |place: &[Seg]| {
        place.len() == parts.len()
            && place.iter().zip(&parts).all(|(seg, part)| match seg {
                Is(name) => name == part,
                Any => true,
                AnySection => Section::from_folder(part).is_some(),
            })
    };
    if let Some(spec) = KINDS.iter().find(|k| !k.place.is_empty() && fits(k.place)) {
        return Ok(spec.kind);
    }
    match Section::of_key(key) {
        Some(section) => Err(section.misplaced(rel)),
        None => Ok(Kind::Page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_entry() {
        for (i, a) in KINDS.iter().enumerate() {
            assert_eq!(a.kind.spec().name, a.name);
            assert!(KINDS[i + 1..].iter().all(|b| b.kind != a.kind));
        }
        assert!(KINDS.last().is_some_and(|k| k.place.is_empty()));
    }

    #[test]
    fn places_decide_kinds() {
        assert_eq!(classify("_index", "_index.md").ok(), Some(Kind::Home));
        assert_eq!(
            classify("guidelines/_index", "guidelines/_index.md").ok(),
            Some(Kind::Section)
        );
        assert_eq!(
            classify("courses/a/_index", "courses/a/_index.md").ok(),
            Some(Kind::Course)
        );
        assert_eq!(
            classify("courses/a/b", "courses/a/b.md").ok(),
            Some(Kind::Module)
        );
        assert_eq!(
            classify("itineraries/x", "itineraries/x.md").ok(),
            Some(Kind::Itinerary)
        );
        assert_eq!(
            classify("about/_index", "about/_index.md").ok(),
            Some(Kind::Page)
        );
        assert!(classify("courses/a/b/c", "courses/a/b/c.md").is_err());
        assert!(classify("guidelines/a/b", "guidelines/a/b.md").is_err());
    }

    #[test]
    fn section_segments_default_per_language() {
        assert_eq!(Section::Courses.default_segment("pt-BR"), "cursos");
        assert_eq!(Section::Guidelines.default_segment("en"), "guidelines");
        assert_eq!(Section::of_key("courses/x/_index"), Some(Section::Courses));
        assert_eq!(policy_group(None), "pages");
    }
}
