//! The self-declared completion page of a course or an itinerary
//! (`<dir>/certificate/`): what it is for (the title, its hours and level,
//! its modules or courses, the badge or credential it stands for) and the
//! page around it. The learner types a name and prints; nothing is sent
//! or stored, and the page says plainly that nobody verified it.
//!
//! A view model like `views.rs`: built from the assembled site only,
//! never rendered here, never reading files.

use super::views::{self, Shared};
use crate::content::Kind;
use crate::i18n::I18n;
use crate::markdown::Rendered;
use crate::site::{Site, course_key};
use serde::Serialize;
use tera::Context;

/// The folder of the completion page of the page whose folder is `dir`.
pub fn dir(dir: &str) -> String {
    format!("{dir}/certificate")
}

/// Whether page `i` has a completion page: every course and itinerary
/// page, notice pages included (their links must lead somewhere).
pub fn has_certificate(site: &Site, i: usize) -> bool {
    matches!(site.pages[i].kind, Kind::Course | Kind::Itinerary)
}

/// `certificate` on a completion page.
#[derive(Serialize)]
struct CertificateView<'a> {
    /// `course` or `itinerary`.
    kind: &'a str,
    title: &'a str,
    /// Back to the course or itinerary page.
    url: &'a str,
    /// Total time in minutes: the modules' or the courses' durations.
    duration: Option<u32>,
    level: &'a str,
    /// The modules of a course, or the courses of an itinerary, in order.
    parts: Vec<&'a str>,
    award: Option<AwardView<'a>>,
    issuer: Option<&'a str>,
}

/// The badge (course) or credential (itinerary) the page stands for.
#[derive(Serialize)]
struct AwardView<'a> {
    name: &'a str,
    description: &'a str,
    criteria: &'a str,
    /// Relative to the completion page: the image sits in the parent's
    /// folder.
    image: Option<String>,
}

/// The whole template context of page `i`'s completion page: the page's
/// own context one folder deeper, with `certificate`.
pub fn context(site: &Site, shared: &Shared, i18n: &I18n, i: usize, body: &Rendered) -> Context {
    let p = &site.pages[i];
    let mut ctx = views::page_context(site, shared, i18n, i, body);
    ctx.insert("root", &format!("../{}", p.root()));
    // A learner's own printout is no page for search engines.
    ctx.remove("canonical");
    ctx.insert("alternates", &Vec::<()>::new());
    ctx.remove("json_ld");
    ctx.remove("feed");
    let mut translations = views::translations(site, i);
    for (t, l) in translations.iter_mut().zip(&site.config.languages) {
        if let Some(j) = site.page_or_fallback(&p.key, &l.code) {
            t.url = site.links.url(&dir(&site.pages[j].dir));
        }
    }
    ctx.insert("translations", &translations);
    ctx.insert("certificate", &view(site, i));
    ctx
}

fn view(site: &Site, i: usize) -> CertificateView<'_> {
    let p = &site.pages[i];
    let f = p.front();
    let title = |j: usize| site.pages[j].front().title.as_str();
    let (duration, level, parts, award) = match p.kind {
        Kind::Itinerary => {
            let courses: Vec<usize> = f
                .itinerary()
                .map_or(&[][..], |it| it.courses.as_slice())
                .iter()
                .filter_map(|r| site.page_or_fallback(&course_key(r), &p.lang))
                .collect();
            let minutes: u32 = courses
                .iter()
                .filter_map(|&j| site.pages[j].course)
                .filter_map(|c| site.course_minutes(c, &p.lang))
                .sum();
            let credential = f.itinerary().and_then(|it| it.credential.as_ref());
            (
                // The credential's own hours, when given, are what it awards.
                credential
                    .and_then(|c| c.hours)
                    .map(|h| h * 60)
                    .or((minutes > 0).then_some(minutes)),
                credential.map_or("", |c| c.level.as_str()),
                courses.into_iter().map(title).collect(),
                credential.map(|c| AwardView {
                    name: &c.name,
                    description: &c.description,
                    criteria: &c.criteria,
                    image: c.image.as_ref().map(|im| format!("../{im}")),
                }),
            )
        }
        _ => {
            let modules = p
                .course
                .and_then(|c| site.courses[c].modules.get(&p.lang))
                .map(|m| m.iter().map(|&j| title(j)).collect())
                .unwrap_or_default();
            let course = f.course();
            (
                p.course.and_then(|c| site.course_minutes(c, &p.lang)),
                course.map_or("", |c| c.level.as_str()),
                modules,
                course.and_then(|c| c.badge.as_ref()).map(|b| AwardView {
                    name: &b.name,
                    description: &b.description,
                    criteria: &b.criteria,
                    image: b.image.as_ref().map(|im| format!("../{im}")),
                }),
            )
        }
    };
    CertificateView {
        kind: p.kind.name(),
        title: &f.title,
        url: &p.url,
        duration,
        level,
        parts,
        award,
        issuer: site.config.issuer.as_ref().map(|is| is.name.as_str()),
    }
}
