//! The campus views: a course's outline (shared by the course page and
//! its modules, and what a last module's completion panel shows), an
//! itinerary's courses and totals, the certificate links, and the
//! schema.org JSON-LD of course and module pages.
//!
//! Part of the view models (`views.rs`): built from the assembled site
//! only, never rendered here, never reading files.

use super::views::{ItemView, LinkView, item_view};
use crate::content::Kind;
use crate::site::{Site, course_key};
use serde::Serialize;
use tera::Value;

/// A course's outline in one language: shared by the course page and all
/// its modules.
#[derive(Serialize)]
struct OutlineView<'a> {
    key: &'a str,
    title: &'a str,
    url: &'a str,
    summary: &'a str,
    level: &'a str,
    license: &'a str,
    /// The licence's deed, for the licences aula knows.
    license_url: Option<&'static str>,
    duration: Option<u32>,
    prerequisites: Vec<LinkView<'a>>,
    modules: Vec<ItemView<'a>>,
    /// The itineraries that list this course, each with the course that
    /// follows this one there.
    itineraries: Vec<PathView<'a>>,
    /// The course's self-declared completion page.
    certificate: String,
    /// Its badge's Open Badges files, without extension, when published.
    open_badges: Option<String>,
}

/// One itinerary seen from one of its courses.
#[derive(Serialize)]
struct PathView<'a> {
    title: &'a str,
    url: &'a str,
    /// The next course of the itinerary, if this is not its last.
    next: Option<LinkView<'a>>,
    /// The itinerary's completion page (shown after its last course).
    certificate: String,
}

/// `itinerary` on an itinerary's page.
#[derive(Serialize)]
pub(super) struct ItineraryView<'a> {
    courses: Vec<ItemView<'a>>,
    /// The sum of its courses' durations in this language, in minutes.
    duration: Option<u32>,
    certificate: String,
    /// Its credential's Open Badges files, without extension, when published.
    open_badges: Option<String>,
}

/// The Open Badges files of page `i` (relative to the site root, without
/// extension), when they are published: with `[issuer]` and `base_url`.
fn open_badges(site: &Site, i: usize) -> Option<String> {
    let cfg = &site.config;
    if cfg.issuer.is_none() || cfg.base_url.is_none() {
        return None;
    }
    site.badge_files(i)
}

/// The URL of the completion page inside a page's folder.
fn certificate_url(site: &Site, dir: &str) -> String {
    site.links.url(&format!("{dir}/certificate"))
}

/// The deed of common open licences, by the name authors write.
pub fn license_url(license: &str) -> Option<&'static str> {
    let norm: String = license
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let url = match norm.as_str() {
        "ccby4.0" => "https://creativecommons.org/licenses/by/4.0/",
        "ccbysa4.0" => "https://creativecommons.org/licenses/by-sa/4.0/",
        "ccbync4.0" => "https://creativecommons.org/licenses/by-nc/4.0/",
        "ccbyncsa4.0" => "https://creativecommons.org/licenses/by-nc-sa/4.0/",
        "ccbynd4.0" => "https://creativecommons.org/licenses/by-nd/4.0/",
        "ccbyncnd4.0" => "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        "cc01.0" | "cc0" => "https://creativecommons.org/publicdomain/zero/1.0/",
        _ => return None,
    };
    Some(url)
}

/// A course's outline in one language.
pub(super) fn outline(site: &Site, c: usize, lang: &str) -> Value {
    let key = &site.courses[c].key;
    let Some(ci) = site.page_or_fallback(key, lang) else {
        return Value::none();
    };
    let course = &site.pages[ci];
    let fields = course.front().course();
    let link = |i: usize| LinkView {
        title: &site.pages[i].front().title,
        url: &site.pages[i].url,
    };
    let prerequisites = fields
        .map(|f| f.prerequisites.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| site.page_or_fallback(&course_key(r), lang))
        .map(link)
        .collect();
    let itineraries = site.courses[c]
        .itineraries
        .iter()
        .filter_map(|k| site.page_or_fallback(k, lang))
        .map(|it| {
            let listed = site.pages[it]
                .front()
                .itinerary()
                .map_or(&[][..], |i| i.courses.as_slice());
            let pos = listed.iter().position(|r| course_key(r) == *key);
            let next = pos
                .and_then(|p| listed.get(p + 1))
                .and_then(|r| site.page_or_fallback(&course_key(r), lang))
                .map(link);
            PathView {
                title: &site.pages[it].front().title,
                url: &site.pages[it].url,
                next,
                certificate: certificate_url(site, &site.pages[it].dir),
            }
        })
        .collect();
    let license = fields.map_or("", |f| f.license.as_str());
    let view = OutlineView {
        key: &course.key,
        title: &course.front().title,
        url: &course.url,
        summary: &course.front().summary,
        level: fields.map_or("", |f| f.level.as_str()),
        license,
        license_url: license_url(license),
        duration: site.course_minutes(c, lang),
        prerequisites,
        modules: site.courses[c]
            .modules
            .get(lang)
            .map(|m| m.iter().map(|&i| item_view(site, i)).collect())
            .unwrap_or_default(),
        itineraries,
        certificate: certificate_url(site, &course.dir),
        open_badges: open_badges(site, ci),
    };
    Value::from_serializable(&view)
}

/// The courses of itinerary page `i`, in order, with their total time.
pub(super) fn itinerary(site: &Site, i: usize) -> ItineraryView<'_> {
    let p = &site.pages[i];
    let courses: Vec<ItemView> = p
        .front()
        .itinerary()
        .map(|it| it.courses.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| site.page_or_fallback(&course_key(r), &p.lang))
        .map(|j| item_view(site, j))
        .collect();
    let total: u32 = courses.iter().filter_map(|c| c.duration).sum();
    ItineraryView {
        courses,
        duration: (total > 0).then_some(total),
        certificate: certificate_url(site, &p.dir),
        open_badges: open_badges(site, i),
    }
}

/// schema.org JSON-LD for a course (`Course`) or module
/// (`LearningResource`) page, with absolute URLs when `base_url` is set;
/// none on notice pages.
pub(super) fn json_ld(site: &Site, i: usize) -> Option<String> {
    let p = &site.pages[i];
    if p.is_fallback() {
        return None; // a notice page is a copy, kept out of search engines
    }
    let value = match p.kind {
        Kind::Course => course_ld(site, i)?,
        Kind::Module => module_ld(site, i),
        _ => return None,
    };
    Some(script_safe(&value.to_string()))
}

/// A page's absolute folder URL, as in canonical links and the sitemap.
fn absolute(site: &Site, dir: &str) -> String {
    format!("{}{dir}/", site.config.base_url.as_deref().unwrap_or(""))
}

/// What every JSON-LD object of page `i` says: type, name, description,
/// language, URL, and how long it takes.
fn ld_common(site: &Site, i: usize, kind: &str, minutes: Option<u32>) -> serde_json::Value {
    let p = &site.pages[i];
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": kind,
        "name": p.front().title,
        "description": p.front().summary,
        "inLanguage": p.text_lang,
        "url": absolute(site, &p.dir),
    });
    if let Some(minutes) = minutes {
        v["timeRequired"] = format!("PT{minutes}M").into();
    }
    v
}

fn course_ld(site: &Site, i: usize) -> Option<serde_json::Value> {
    let p = &site.pages[i];
    let c = p.course?;
    let modules = site.courses[c]
        .modules
        .get(&p.lang)
        .map_or(&[][..], Vec::as_slice);
    let mut v = ld_common(site, i, "Course", site.course_minutes(c, &p.lang));
    v["hasPart"] = modules
        .iter()
        .map(|&m| {
            serde_json::json!({
                "@type": "LearningResource",
                "name": site.pages[m].front().title,
                "url": absolute(site, &site.pages[m].dir),
            })
        })
        .collect();
    v["teaches"] = modules
        .iter()
        .flat_map(|&m| site.pages[m].front().objectives())
        .map(|o| serde_json::Value::from(o.as_str()))
        .collect();
    if let Some(f) = p.front().course() {
        if !f.level.is_empty() {
            v["educationalLevel"] = f.level.clone().into();
        }
        if !f.license.is_empty() {
            v["license"] = license_url(&f.license)
                .map_or(f.license.clone(), String::from)
                .into();
        }
        if !f.authors.is_empty() {
            v["author"] = f
                .authors
                .iter()
                .map(|a| serde_json::json!({ "@type": "Person", "name": a }))
                .collect();
        }
    }
    if let Some(is) = &site.config.issuer {
        v["provider"] =
            serde_json::json!({ "@type": "Organization", "name": is.name, "url": is.url });
    }
    Some(v)
}

fn module_ld(site: &Site, i: usize) -> serde_json::Value {
    let p = &site.pages[i];
    let mut v = ld_common(site, i, "LearningResource", p.front().duration());
    v["learningResourceType"] = "module".into();
    v["teaches"] = p
        .front()
        .objectives()
        .iter()
        .map(|o| serde_json::Value::from(o.as_str()))
        .collect();
    if let Some(course) = p
        .course
        .and_then(|c| site.page_or_fallback(&site.courses[c].key, &p.lang))
    {
        v["isPartOf"] = serde_json::json!({
            "@type": "Course",
            "name": site.pages[course].front().title,
            "url": absolute(site, &site.pages[course].dir),
        });
    }
    v
}

/// JSON for a `<script>` element: `<`, `>`, `&` and `'` as JSON escapes,
/// so the data can never end or confuse the element.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\'' => out.push_str("\\u0027"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::license_url;

    #[test]
    fn common_licences_link_to_their_deed() {
        assert_eq!(
            license_url("CC BY-SA 4.0"),
            Some("https://creativecommons.org/licenses/by-sa/4.0/")
        );
        assert_eq!(
            license_url("cc0"),
            Some("https://creativecommons.org/publicdomain/zero/1.0/")
        );
        assert_eq!(license_url("All rights reserved"), None);
    }
}
