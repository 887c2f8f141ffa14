//! Open Badges: what a badge *is*, published so that learning platforms
//! (Moodle, Badgr, Canvas Credentials) can import it.
//!
//! | file | what |
//! |---|---|
//! | `badges/issuer.json` | Open Badges 2.0 `Issuer` profile, from `[issuer]` |
//! | `badges/issuer.profile.json` | Open Badges 3.0 issuer `Profile` |
//! | `<lang>/badges/<key>.json` | Open Badges 2.0 `BadgeClass` of a course's `[badge]` or an itinerary's `[credential]` |
//! | `<lang>/badges/<key>.achievement.json` | Open Badges 3.0 `Achievement` definition of the same |
//!
//! Ids must be absolute URLs, so nothing is written without `base_url`
//! (one warning says so) and nothing without `[issuer]` (a campus that
//! awards nothing formally). A static site cannot *issue* a badge to a
//! learner: that needs a learner's identity and a signature, which no
//! static host has; `docs/courses.md` says so.

use super::{Files, Input};
use crate::config::Issuer;
use crate::diagnostic::{Diagnostic, Kind as DiagnosticKind};
use crate::site::Site;
use serde_json::{Value, json};

const OB2_CONTEXT: &str = "https://w3id.org/openbadges/v2";
const VC2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

pub const ISSUER_OB2: &str = "badges/issuer.json";
pub const ISSUER_OB3: &str = "badges/issuer.profile.json";

/// Adds every Open Badges file; a warning when `base_url` is missing.
pub fn add(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let site = input.site;
    let Some(issuer) = site.config.issuer.as_ref() else {
        return Vec::new();
    };
    let awards: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.badge_files(i).is_some())
        .collect();
    if awards.is_empty() {
        return Vec::new();
    }
    let Some(base) = site.config.base_url.as_deref() else {
        return vec![
            Diagnostic::warning(format!(
                "{} badges and credentials are not published as Open Badges: `base_url` is not set",
                awards.len()
            ))
            .kind(DiagnosticKind::Config)
            .file(crate::config::CONFIG_FILE)
            .help("Open Badges ids are absolute URLs: set base_url = \"https://…/\" in aula.toml to publish them"),
        ];
    };
    let mut errors = Vec::new();
    let mut put = |path: String, value: &Value| {
        let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
        bytes.push(b'\n');
        if let Err(e) = files.add_generated(path, bytes) {
            errors.push(e);
        }
    };
    put(ISSUER_OB2.into(), &issuer_profile(issuer, base, false));
    put(ISSUER_OB3.into(), &issuer_profile(issuer, base, true));
    for i in awards {
        let Some(award) = Award::of(site, i, base) else {
            continue;
        };
        let stem = site.badge_files(i).unwrap_or_default();
        put(format!("{stem}.json"), &award.badge_class(issuer, base));
        put(
            format!("{stem}.achievement.json"),
            &award.achievement(issuer, base),
        );
    }
    errors
}

/// The issuer's profile: an Open Badges 2.0 `Issuer`, or with `v3` an
/// Open Badges 3.0 `Profile` (an array of contexts and types, the image as
/// an object).
fn issuer_profile(issuer: &Issuer, base: &str, v3: bool) -> Value {
    let (context, id, kind) = if v3 {
        (
            json!([VC2_CONTEXT, OB3_CONTEXT]),
            ISSUER_OB3,
            json!(["Profile"]),
        )
    } else {
        (json!(OB2_CONTEXT), ISSUER_OB2, json!("Issuer"))
    };
    let mut v = json!({
        "@context": context,
        "type": kind,
        "id": format!("{base}{id}"),
        "name": issuer.name,
        "url": issuer.url,
    });
    optional(&mut v, "email", issuer.email.as_deref().map(Value::from));
    optional(
        &mut v,
        "description",
        issuer.description.as_deref().map(Value::from),
    );
    let image = issuer.image.as_deref().map(|im| format!("{base}{im}"));
    optional(
        &mut v,
        "image",
        image.map(|url| {
            if v3 {
                json!({ "id": url, "type": "Image" })
            } else {
                url.into()
            }
        }),
    );
    v
}

fn optional(v: &mut Value, key: &str, value: Option<Value>) {
    if let (Some(map), Some(value)) = (v.as_object_mut(), value) {
        map.insert(key.into(), value);
    }
}

/// A course's badge or an itinerary's credential in one language.
struct Award<'a> {
    /// `<base><lang>/badges/<key>` : the two files' common stem.
    stem: String,
    name: &'a str,
    description: &'a str,
    criteria: String,
    /// The course or itinerary page, absolute.
    page_url: String,
    image: Option<String>,
    lang: &'a str,
    tags: &'a [String],
    /// `Badge` for a course, `MicroCredential` for an itinerary.
    achievement_type: &'static str,
    /// The same award in the site's other languages: (language, stem).
    others: Vec<(&'a str, String)>,
}

impl<'a> Award<'a> {
    fn of(site: &'a Site, i: usize, base: &str) -> Option<Award<'a>> {
        let p = &site.pages[i];
        let f = p.front();
        let (name, description, criteria, image, achievement_type) =
            match (f.course().and_then(|c| c.badge.as_ref()), f.itinerary()) {
                (Some(b), _) => (&b.name, &b.description, &b.criteria, &b.image, "Badge"),
                (None, Some(it)) => {
                    let c = it.credential.as_ref()?;
                    (
                        &c.name,
                        &c.description,
                        &c.criteria,
                        &c.image,
                        "MicroCredential",
                    )
                }
                _ => return None,
            };
        let page_url = format!("{base}{}/", p.dir);
        let others = site
            .config
            .languages
            .iter()
            .filter(|l| l.code != p.lang)
            .filter_map(|l| site.page(&p.key, &l.code))
            .filter_map(|j| Some((site.pages[j].lang.as_str(), site.badge_files(j)?)))
            .map(|(lang, stem)| (lang, format!("{base}{stem}")))
            .collect();
        Some(Award {
            stem: format!("{base}{}", site.badge_files(i)?),
            name,
            // Both specifications require a description: the page's
            // summary stands in for a missing one.
            description: if description.is_empty() {
                &f.summary
            } else {
                description
            },
            criteria: if criteria.is_empty() {
                format!("{} {page_url}", f.title)
            } else {
                criteria.clone()
            },
            image: image.as_ref().map(|im| format!("{base}{}/{im}", p.dir)),
            page_url,
            lang: &p.text_lang,
            tags: &f.tags,
            achievement_type,
            others,
        })
    }

    /// Open Badges 2.0 `BadgeClass`.
    fn badge_class(&self, issuer: &Issuer, base: &str) -> Value {
        let mut v = json!({
            "@context": OB2_CONTEXT,
            "type": "BadgeClass",
            "id": format!("{}.json", self.stem),
            "@language": self.lang,
            "name": self.name,
            "description": self.description,
            "criteria": { "id": self.page_url, "narrative": self.criteria },
            "issuer": format!("{base}{ISSUER_OB2}"),
            "tags": self.tags,
        });
        // An image is required by 2.0: the issuer's logo stands in.
        let image = self
            .image
            .clone()
            .or_else(|| issuer.image.as_deref().map(|im| format!("{base}{im}")));
        optional(&mut v, "image", image.map(Value::from));
        let related: Vec<Value> = self
            .others
            .iter()
            .map(|(lang, stem)| json!({ "id": format!("{stem}.json"), "@language": lang }))
            .collect();
        if !related.is_empty() {
            optional(&mut v, "related", Some(Value::from(related)));
        }
        v
    }

    /// Open Badges 3.0 `Achievement` definition.
    fn achievement(&self, issuer: &Issuer, base: &str) -> Value {
        let mut v = json!({
            "@context": [VC2_CONTEXT, OB3_CONTEXT],
            "id": format!("{}.achievement.json", self.stem),
            "type": ["Achievement"],
            "achievementType": self.achievement_type,
            "name": self.name,
            "description": self.description,
            "criteria": { "id": self.page_url, "narrative": self.criteria },
            "inLanguage": self.lang,
            "creator": {
                "id": format!("{base}{ISSUER_OB3}"),
                "type": ["Profile"],
                "name": issuer.name,
                "url": issuer.url,
            },
        });
        if !self.tags.is_empty() {
            optional(&mut v, "tag", Some(Value::from(self.tags.to_vec())));
        }
        optional(
            &mut v,
            "image",
            self.image
                .as_ref()
                .map(|im| json!({ "id": im, "type": "Image", "caption": self.name })),
        );
        let related: Vec<Value> = self
            .others
            .iter()
            .map(|(lang, stem)| {
                json!({
                    "id": format!("{stem}.achievement.json"),
                    "type": ["Related"],
                    "inLanguage": lang,
                })
            })
            .collect();
        if !related.is_empty() {
            optional(&mut v, "related", Some(Value::from(related)));
        }
        v
    }
}
