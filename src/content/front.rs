//! Front matter: splitting it off a Markdown file and reading it into a
//! typed, closed schema per kind of page.
//!
//! Every kind has its own struct with `deny_unknown_fields`, so a key that
//! belongs to another kind (say `duration` on a guideline) is reported
//! like a typo, with the keys that *are* allowed. Pure: text in, values or
//! diagnostics out.

use super::Kind;
use crate::diagnostic::{Diagnostic, line_col};
use crate::tomlerr::{Fragment, diagnose};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A date or date-time written as a TOML value (`updated = 2026-10-01`) or
/// as a string; kept as the text the author wrote, normalised to TOML's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Date(pub String);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Toml(toml::value::Datetime),
            Text(String),
        }
        let text = match Either::deserialize(d)? {
            Either::Toml(dt) => dt.to_string(),
            Either::Text(s) => s,
        };
        match text.parse::<toml::value::Datetime>() {
            Ok(dt) if dt.date.is_some() => Ok(Date(dt.to_string())),
            _ => Err(serde::de::Error::custom(format!(
                "`{text}` is not a date: write it as 2026-10-01"
            ))),
        }
    }
}

/// A badge a course awards (Open Badges come later; this is the promise).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Badge {
    pub name: String,
    /// What the badge stands for, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// What a learner does to earn it.
    #[serde(default)]
    pub criteria: String,
    /// An image file next to the course's `_index` file (PNG or SVG).
    #[serde(default)]
    pub image: Option<String>,
}

/// The credential an itinerary leads to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub name: String,
    /// What the credential stands for, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// What a learner does to earn it.
    #[serde(default)]
    pub criteria: String,
    #[serde(default)]
    pub hours: Option<u32>,
    /// Its level, in the campus's words (`introductory`, `EQF 5`, ...).
    #[serde(default)]
    pub level: String,
    /// An image file next to the itinerary's file (PNG or SVG).
    #[serde(default)]
    pub image: Option<String>,
}

/// When a module counts as done in the learner's progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Completion {
    /// When the learner marks it done.
    #[default]
    Manual,
    /// Also when every self-check question on it is answered correctly.
    Quiz,
}

/// A module's own keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModuleFields {
    pub duration: Option<u32>,
    pub objectives: Vec<String>,
    pub completion: Completion,
}

/// A course's own keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CourseFields {
    pub level: String,
    pub authors: Vec<String>,
    pub license: String,
    /// Course keys, as written (`courses/x`); checked when the site is assembled.
    pub prerequisites: Vec<String>,
    pub badge: Option<Badge>,
}

/// A guideline's own keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GuidelineFields {
    pub audience: String,
    pub version: String,
}

/// An itinerary's own keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ItineraryFields {
    /// Course keys in order, as written; checked when the site is assembled.
    pub courses: Vec<String>,
    pub credential: Option<Credential>,
}

/// The keys only one kind accepts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum KindFields {
    /// Home, section lists and free pages have no keys of their own.
    Plain {},
    Module(ModuleFields),
    Course(CourseFields),
    Guideline(GuidelineFields),
    Itinerary(ItineraryFields),
}

impl Default for KindFields {
    fn default() -> Self {
        KindFields::Plain {}
    }
}

/// A page's front matter: the keys every kind shares, and its kind's own.
/// A key another kind accepts is rejected while parsing, so a guideline
/// simply has no `badge` to look at.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FrontMatter {
    pub title: String,
    pub slug: Option<String>,
    pub summary: String,
    pub draft: bool,
    pub updated: Option<Date>,
    pub tags: Vec<String>,
    pub weight: Option<i64>,
    pub extra: toml::Table,
    /// Hash of the source page this translation was made from.
    pub translation_of: Option<String>,
    #[serde(flatten)]
    pub fields: KindFields,
}

impl FrontMatter {
    pub fn module(&self) -> Option<&ModuleFields> {
        match &self.fields {
            KindFields::Module(m) => Some(m),
            _ => None,
        }
    }
    pub fn course(&self) -> Option<&CourseFields> {
        match &self.fields {
            KindFields::Course(c) => Some(c),
            _ => None,
        }
    }
    pub fn itinerary(&self) -> Option<&ItineraryFields> {
        match &self.fields {
            KindFields::Itinerary(i) => Some(i),
            _ => None,
        }
    }
    /// A module's learning objectives; none for other kinds.
    pub fn objectives(&self) -> &[String] {
        self.module().map_or(&[], |m| &m.objectives)
    }
    /// A module's duration in minutes.
    pub fn duration(&self) -> Option<u32> {
        self.module().and_then(|m| m.duration)
    }
}

/// Which closed schema a kind's front matter is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Home,
    Page,
    Module,
    Course,
    Guideline,
    Itinerary,
}

impl Schema {
    /// Every key the schema accepts, for docs and their sync test.
    pub fn keys(self) -> &'static [&'static str] {
        use crate::keys::of;
        match self {
            Schema::Home => of::<HomeSchema>(),
            Schema::Page => of::<PageSchema>(),
            Schema::Module => of::<ModuleSchema>(),
            Schema::Course => of::<CourseSchema>(),
            Schema::Guideline => of::<GuidelineSchema>(),
            Schema::Itinerary => of::<ItinerarySchema>(),
        }
    }

    /// Keys of the tables inside front matter (`[badge]`, `[credential]`).
    pub fn table_keys() -> [(&'static str, &'static [&'static str]); 2] {
        use crate::keys::of;
        [("badge", of::<Badge>()), ("credential", of::<Credential>())]
    }

    pub fn parse(self, toml_text: &str) -> Result<FrontMatter, toml::de::Error> {
        fn de<T: for<'de> Deserialize<'de> + Into<FrontMatter>>(
            s: &str,
        ) -> Result<FrontMatter, toml::de::Error> {
            toml::from_str::<T>(s).map(Into::into)
        }
        match self {
            Schema::Home => de::<HomeSchema>(toml_text),
            Schema::Page => de::<PageSchema>(toml_text),
            Schema::Module => de::<ModuleSchema>(toml_text),
            Schema::Course => de::<CourseSchema>(toml_text),
            Schema::Guideline => de::<GuidelineSchema>(toml_text),
            Schema::Itinerary => de::<ItinerarySchema>(toml_text),
        }
    }
}

/// Declares one closed front-matter struct per kind: the common keys plus
/// the kind's own, which go into its [`KindFields`] variant.
macro_rules! kind_schema {
    ($name:ident => $variant:ident($fields:ident) { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            title: String,
            #[serde(default)] slug: Option<String>,
            #[serde(default)] summary: String,
            #[serde(default)] draft: bool,
            #[serde(default)] updated: Option<Date>,
            #[serde(default)] tags: Vec<String>,
            #[serde(default)] weight: Option<i64>,
            #[serde(default)] extra: toml::Table,
            #[serde(default)] translation_of: Option<String>,
            $( #[serde(default)] $field: $ty, )*
        }
        impl From<$name> for FrontMatter {
            fn from(v: $name) -> FrontMatter {
                FrontMatter {
                    title: v.title, slug: v.slug, summary: v.summary, draft: v.draft,
                    updated: v.updated, tags: v.tags, weight: v.weight, extra: v.extra,
                    translation_of: v.translation_of,
                    fields: KindFields::$variant($fields { $( $field: v.$field, )* }),
                }
            }
        }
    };
}

/// Free pages and section lists: the common keys only.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageSchema {
    title: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    updated: Option<Date>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    weight: Option<i64>,
    #[serde(default)]
    extra: toml::Table,
    #[serde(default)]
    translation_of: Option<String>,
}

impl From<PageSchema> for FrontMatter {
    fn from(v: PageSchema) -> FrontMatter {
        FrontMatter {
            title: v.title,
            slug: v.slug,
            summary: v.summary,
            draft: v.draft,
            updated: v.updated,
            tags: v.tags,
            weight: v.weight,
            extra: v.extra,
            translation_of: v.translation_of,
            fields: KindFields::Plain {},
        }
    }
}

kind_schema!(ModuleSchema => Module(ModuleFields) {
    duration: Option<u32>,
    objectives: Vec<String>,
    completion: Completion,
});
kind_schema!(CourseSchema => Course(CourseFields) {
    level: String,
    authors: Vec<String>,
    license: String,
    prerequisites: Vec<String>,
    badge: Option<Badge>,
});
kind_schema!(GuidelineSchema => Guideline(GuidelineFields) {
    audience: String,
    version: String
});
kind_schema!(ItinerarySchema => Itinerary(ItineraryFields) { courses: Vec<String>, credential: Option<Credential> });

/// The home page takes fewer keys: it has no slug, weight or tags.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeSchema {
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    updated: Option<Date>,
    #[serde(default)]
    extra: toml::Table,
    #[serde(default)]
    translation_of: Option<String>,
}

impl From<HomeSchema> for FrontMatter {
    fn from(v: HomeSchema) -> FrontMatter {
        FrontMatter {
            title: v.title,
            summary: v.summary,
            updated: v.updated,
            extra: v.extra,
            translation_of: v.translation_of,
            ..FrontMatter::default()
        }
    }
}

/// Byte ranges of the two parts of a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// The TOML between the `+++` lines.
    pub front: (usize, usize),
    /// Everything after the closing `+++` line.
    pub body_start: usize,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Finds the `+++` fences. Tolerates a UTF-8 byte-order mark and CRLF.
pub fn split(text: &str, file: &Path) -> Result<Split, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let first = lines.next();
    match first {
        Some((_, l)) if l.trim_end() == "+++" => {}
        _ => {
            let msg = if text[start..].trim().is_empty() {
                "empty file: a page needs front matter with at least a title"
            } else {
                "missing front matter: the file must start with a `+++` line"
            };
            return Err(Diagnostic::error(msg)
                .file(file)
                .at(1, 1, Some(text))
                .help("start the file with:\n+++\ntitle = \"Page title\"\n+++"));
        }
    }
    let front_start = lines.pos;
    for (line_start, l) in lines.by_ref() {
        if l.trim_end() == "+++" {
            let body_start = lines.pos;
            let body_line = line_col(text, body_start).0
                + usize::from(body_start == text.len() && !text.ends_with('\n'));
            return Ok(Split {
                front: (front_start, line_start),
                body_start,
                body_line,
            });
        }
    }
    Err(
        Diagnostic::error("unclosed front matter: no closing `+++` line")
            .file(file)
            .at(1, 1, Some(text))
            .help("add a line with only `+++` after the last front-matter key"),
    )
}

/// Lines with their start offsets, keeping the position after each.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let end = rest
            .find('\n')
            .map(|i| start + i + 1)
            .unwrap_or(self.text.len());
        self.pos = end;
        Some((start, self.text[start..end].trim_end_matches(['\n', '\r'])))
    }
}

/// Parses the front matter of a file of the given kind.
pub fn parse(
    text: &str,
    split: &Split,
    kind: Kind,
    file: &Path,
) -> Result<FrontMatter, Diagnostic> {
    let toml_text = &text[split.front.0..split.front.1];
    let frag = Fragment {
        file,
        file_text: text,
        offset: split.front.0,
        what: "front matter",
        kind: crate::diagnostic::Kind::FrontMatter,
    };
    let front = kind.parse_front(toml_text).map_err(|e| {
        let mut d = diagnose(&e, &frag);
        if d.kind == crate::diagnostic::Kind::UnknownKey {
            match kind {
                Kind::Page => d.message.push_str(" of a page"),
                _ => d.message.push_str(&format!(" of a {} page", kind.name())),
            }
        }
        d
    })?;
    if front.title.trim().is_empty() {
        let line = toml_text
            .lines()
            .position(|l| l.trim_start().starts_with("title"))
            .unwrap_or(0);
        let (l, _) = line_col(text, split.front.0);
        return Err(Diagnostic::error("the title is empty")
            .file(file)
            .at(l + line, 1, Some(text))
            .help("write a title, e.g. title = \"Planning for continuity\""));
    }
    Ok(front)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("content/x.es.md")
    }

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\nBody\r\n";
        let s = split(text, p()).expect("valid");
        assert_eq!(&text[s.front.0..s.front.1], "title = \"A\"\r\n");
        assert_eq!(&text[s.body_start..], "Body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_and_missing_are_errors() {
        let e = split("+++\ntitle = \"A\"\n", p()).expect_err("unclosed");
        assert!(e.message.starts_with("unclosed front matter"));
        let e = split("# Title\n", p()).expect_err("missing");
        assert!(e.message.starts_with("missing front matter"));
        let e = split("  \n", p()).expect_err("empty");
        assert!(e.message.starts_with("empty file"));
    }

    #[test]
    fn kind_specific_keys_are_closed() {
        let text = "+++\ntitle = \"G\"\nduration = 30\n+++\n";
        let s = split(text, p()).expect("split");
        let e = parse(text, &s, Kind::Guideline, p()).expect_err("duration is a module key");
        assert_eq!(
            e.message,
            "unknown key `duration` in front matter of a guideline page"
        );
        assert_eq!(e.line, Some(3));
        let m = parse(text, &s, Kind::Module, p()).expect("modules take duration");
        assert_eq!(m.duration(), Some(30));
    }

    #[test]
    fn type_errors_point_at_the_value_line() {
        let text = "+++\ntitle = \"M\"\nweight = \"first\"\n+++\n";
        let s = split(text, p()).expect("split");
        let e = parse(text, &s, Kind::Module, p()).expect_err("weight is a number");
        assert_eq!(e.line, Some(3));
        assert!(
            e.message.starts_with("wrong type in front matter"),
            "{}",
            e.message
        );
    }

    #[test]
    fn dates_accept_toml_dates_and_strings() {
        let text = "+++\ntitle = \"M\"\nupdated = 2026-10-01\n+++\n";
        let s = split(text, p()).expect("split");
        let f = parse(text, &s, Kind::Page, p()).expect("valid");
        assert_eq!(f.updated, Some(Date("2026-10-01".into())));
        let text = "+++\ntitle = \"M\"\nupdated = \"yesterday\"\n+++\n";
        let s = split(text, p()).expect("split");
        assert!(parse(text, &s, Kind::Page, p()).is_err());
    }
}
