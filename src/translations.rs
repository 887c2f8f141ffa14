//! Translation status: which translation is up to date, outdated, missing.
//!
//! A translation records what it was made from in its front matter:
//! `translation_of = "<hash>"`, the [`source_hash`] of the source page at
//! the time. The source of a page is its one version without
//! `translation_of` (the default language's when there are several). A
//! translation is *outdated* when the source's hash has changed since.
//!
//! What counts as a change: the source's `title`, `summary`, `objectives`
//! and body, after normalising line endings to `\n`, removing trailing
//! white space on every line and blank lines at the end. Editing anything
//! else (a date, the weight, the slug, white space at line ends) does not
//! make translations outdated.
//!
//! This module only reads the assembled site; it never writes.

use crate::config::Config;
use crate::content::{Kind, Section};
use crate::diagnostic::Diagnostic;
use crate::site::Site;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// A stable 64-bit FNV-1a hash of the translatable parts of a page, as 16
/// hex digits. Stable across platforms and aula versions (it is written
/// into authors' files), which `std`'s hasher does not promise.
pub fn source_hash(front: &crate::content::front::FrontMatter, body: &str) -> String {
    let mut text = String::new();
    text.push_str(front.title.trim());
    text.push('\n');
    text.push_str(front.summary.trim());
    text.push('\n');
    for o in front.objectives() {
        text.push_str(o.trim());
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&normalise(body));
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `\r\n` to `\n`, no white space at line ends, no blank lines at the end.
fn normalise(body: &str) -> String {
    let body = body.strip_prefix('\u{feff}').unwrap_or(body);
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let trimmed = out.trim_end_matches('\n').len();
    out.truncate(trimmed);
    out
}

/// The state of one page in one language.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Status {
    /// The original the others are translated from.
    Source {
        path: String,
        hash: String,
    },
    UpToDate {
        path: String,
    },
    /// The source changed after this translation was made.
    Outdated {
        path: String,
        translated_from: String,
        current: String,
    },
    /// A translation without `translation_of`: aula cannot tell.
    Untracked {
        path: String,
    },
    /// No file in this language (shown with a notice or omitted).
    Missing,
}

impl Status {
    /// Counts as translated for the completion percentages.
    fn complete(&self) -> bool {
        matches!(
            self,
            Status::Source { .. } | Status::UpToDate { .. } | Status::Untracked { .. }
        )
    }
}

/// One page (translation key) across languages.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct PageStatus {
    pub key: String,
    pub kind: &'static str,
    pub section: &'static str,
    /// The row of the matrix it counts in: the course for a course's pages.
    pub group: String,
    pub title: String,
    pub source_lang: String,
    pub languages: BTreeMap<String, Status>,
}

/// One row of a section's matrix.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct MatrixRow {
    pub group: String,
    pub title: String,
    pub pages: usize,
    /// Language to percentage of pages translated and not outdated.
    pub complete: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct SectionMatrix {
    pub section: &'static str,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Default, Hash, Serialize)]
pub struct Summary {
    pub pages: usize,
    pub up_to_date: usize,
    pub outdated: usize,
    pub untracked: usize,
    pub missing: usize,
}

/// The whole translation report: `aula check --translations` prints it,
/// and the built site carries it as the translators' status page.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Report {
    pub languages: Vec<String>,
    pub pages: Vec<PageStatus>,
    pub sections: Vec<SectionMatrix>,
    pub summary: Summary,
}

impl Report {
    pub fn new(site: &Site) -> Report {
        Report::with_hashes(site, &|i| {
            source_hash(site.pages[i].front(), site.pages[i].body())
        })
    }

    /// [`Report::new`] with the source hash of page `i` supplied by the
    /// caller (a build session memoises them).
    pub fn with_hashes(site: &Site, hash_of: &(dyn Fn(usize) -> String + Sync)) -> Report {
        let languages: Vec<String> = site
            .config
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        let mut keys: Vec<&String> = site.translations.keys().collect();
        keys.sort();
        let mut pages = Vec::new();
        let mut summary = Summary::default();
        for key in keys {
            let real: BTreeMap<&str, usize> = site.translations[key]
                .iter()
                .filter(|(_, i)| !site.pages[**i].is_fallback() && !site.pages[**i].is_generated())
                .map(|(l, &i)| (l.as_str(), i))
                .collect();
            let Some(source) = pick_source(&site.config, site, &real) else {
                continue;
            };
            let src = &site.pages[source];
            let hash = hash_of(source);
            let mut statuses = BTreeMap::new();
            for lang in &languages {
                let status = match real.get(lang.as_str()) {
                    None => Status::Missing,
                    Some(&i) if i == source => Status::Source {
                        path: shown(site, i),
                        hash: hash.clone(),
                    },
                    Some(&i) => match &site.pages[i].front().translation_of {
                        None => Status::Untracked {
                            path: shown(site, i),
                        },
                        Some(h) if *h == hash => Status::UpToDate {
                            path: shown(site, i),
                        },
                        Some(h) => Status::Outdated {
                            path: shown(site, i),
                            translated_from: h.clone(),
                            current: hash.clone(),
                        },
                    },
                };
                match status {
                    Status::Source { .. } => {}
                    Status::UpToDate { .. } => summary.up_to_date += 1,
                    Status::Outdated { .. } => summary.outdated += 1,
                    Status::Untracked { .. } => summary.untracked += 1,
                    Status::Missing => summary.missing += 1,
                }
                statuses.insert(lang.clone(), status);
            }
            summary.pages += 1;
            let section = src.section();
            let group = match (section, src.kind) {
                (Some(Section::Courses), Kind::Course | Kind::Module) => key
                    .rsplit_once('/')
                    .map_or(key.clone(), |(d, _)| d.to_string()),
                _ => key.clone(),
            };
            pages.push(PageStatus {
                key: key.clone(),
                kind: src.kind.name(),
                section: crate::content::kinds::policy_group(section),
                group,
                title: src.front().title.clone(),
                source_lang: src.lang.clone(),
                languages: statuses,
            });
        }
        let sections = matrix(site, &pages, &languages);
        Report {
            languages,
            pages,
            sections,
            summary,
        }
    }

    /// Whether anything needs a translator's attention.
    pub fn has_work(&self) -> bool {
        self.summary.outdated > 0 || self.summary.missing > 0
    }

    /// The human-readable report.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "translations: {} pages in {} languages: {} up to date, {} outdated, {} missing, {} untracked",
            self.summary.pages,
            self.languages.len(),
            self.summary.up_to_date,
            self.summary.outdated,
            self.summary.missing,
            self.summary.untracked
        );
        for p in &self.pages {
            for (lang, s) in &p.languages {
                let line = match s {
                    Status::Outdated {
                        path,
                        translated_from,
                        current,
                    } => format!(
                        "  outdated   {path}: the {} source changed (translated from {translated_from}, now {current})",
                        p.source_lang
                    ),
                    Status::Missing => format!(
                        "  missing    {} in {lang} (source: {})",
                        p.key, p.source_lang
                    ),
                    Status::Untracked { path } => format!("  untracked  {path}: no translation_of"),
                    _ => continue,
                };
                let _ = writeln!(out, "{line}");
            }
        }
        for section in &self.sections {
            let width = section
                .rows
                .iter()
                .map(|r| r.group.len())
                .max()
                .unwrap_or(0)
                .max(12);
            let _ = write!(out, "\n{:<width$}", section.section);
            for l in &self.languages {
                let _ = write!(out, " {l:>5}");
            }
            out.push('\n');
            for row in &section.rows {
                let _ = write!(out, "{:<width$}", row.group);
                for l in &self.languages {
                    let _ = write!(out, " {:>4}%", row.complete.get(l).copied().unwrap_or(0));
                }
                out.push('\n');
            }
        }
        if self.summary.outdated > 0 || self.summary.untracked > 0 {
            let _ = writeln!(
                out,
                "\nAfter updating a translation, set translation_of = \"<hash>\" in its front matter;\n`aula translation-hash <source file>` prints the current hash."
            );
        }
        out
    }
}

fn shown(site: &Site, i: usize) -> String {
    crate::diagnostic::slashed(site.pages[i].path())
}

/// The original among a page's translations: the one without
/// `translation_of`, preferring the default language, then config order.
fn pick_source(config: &Config, site: &Site, real: &BTreeMap<&str, usize>) -> Option<usize> {
    let ordered: Vec<usize> = config
        .languages
        .iter()
        .filter_map(|l| real.get(l.code.as_str()).copied())
        .collect();
    ordered
        .iter()
        .copied()
        .find(|&i| site.pages[i].front().translation_of.is_none())
        .or_else(|| ordered.first().copied())
}

/// `done` of `total` as a whole percentage, rounded to the nearest (4 of 6
/// is 67), but never 100 while a page is left nor 0 once one is done.
fn percent(done: usize, total: usize) -> u32 {
    let total = total.max(1);
    let nearest = (done * 200 + total) / (2 * total);
    let (low, high) = (usize::from(done > 0), if done < total { 99 } else { 100 });
    u32::try_from(nearest.clamp(low, high)).expect("at most 100")
}

fn matrix(site: &Site, pages: &[PageStatus], languages: &[String]) -> Vec<SectionMatrix> {
    let mut groups: BTreeMap<&'static str, BTreeMap<&str, Vec<&PageStatus>>> = BTreeMap::new();
    for p in pages {
        groups
            .entry(p.section)
            .or_default()
            .entry(p.group.as_str())
            .or_default()
            .push(p);
    }
    groups
        .into_iter()
        .map(|(section, rows)| SectionMatrix {
            section,
            rows: rows
                .into_iter()
                .map(|(group, members)| {
                    let title = members
                        .iter()
                        .find(|p| p.kind == "course" || p.key == group)
                        .map_or_else(|| group.to_string(), |p| p.title.clone());
                    let complete = languages
                        .iter()
                        .map(|l| {
                            let done = members
                                .iter()
                                .filter(|p| p.languages.get(l).is_some_and(Status::complete))
                                .count();
                            (l.clone(), percent(done, members.len()))
                        })
                        .collect();
                    let _ = site;
                    MatrixRow {
                        group: group.to_string(),
                        title,
                        pages: members.len(),
                        complete,
                    }
                })
                .collect(),
        })
        .collect()
}

/// Warnings for explicit anchors of a source page that a translation lacks:
/// links to `page#anchor` from that language would break or land elsewhere.
pub fn anchor_warnings(
    site: &Site,
    report: &Report,
    explicit_ids: &[&[String]],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in &report.pages {
        let Some(src) = site.page(&p.key, &p.source_lang) else {
            continue;
        };
        let source_ids: BTreeSet<&String> = explicit_ids[src].iter().collect();
        if source_ids.is_empty() {
            continue;
        }
        for (lang, status) in &p.languages {
            if matches!(status, Status::Missing | Status::Source { .. }) {
                continue;
            }
            let Some(i) = site.page(&p.key, lang) else {
                continue;
            };
            let page = &site.pages[i];
            let ids: BTreeSet<&String> = explicit_ids[i].iter().collect();
            for id in source_ids.difference(&ids) {
                out.push(
                    Diagnostic::warning(format!(
                        "the source {} has the anchor `#{id}` but this translation does not",
                        shown(site, src)
                    ))
                    .file(page.path())
                    .help(format!(
                        "add {{#{id}}} to the matching heading, so links to #{id} work in every language"
                    )),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front::FrontMatter;

    fn front(title: &str) -> FrontMatter {
        FrontMatter {
            title: title.into(),
            ..FrontMatter::default()
        }
    }

    #[test]
    fn hash_ignores_line_end_white_space_and_crlf() {
        let a = source_hash(&front("T"), "Hola\n\nmundo\n");
        assert_eq!(
            a,
            source_hash(&front("T"), "Hola  \r\n\r\nmundo\n\n\n   \n")
        );
        assert_ne!(
            a,
            source_hash(&front("T"), "Hola\n\nmundo!\n"),
            "a body change is a change"
        );
        assert_ne!(
            a,
            source_hash(&front("T2"), "Hola\n\nmundo\n"),
            "a title change is a change"
        );
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn percentages_round_to_nearest_and_never_hide_a_missing_page() {
        assert_eq!(percent(4, 6), 67, "was shown as 66");
        assert_eq!(percent(5, 6), 83);
        assert_eq!(percent(1, 2), 50);
        assert_eq!(percent(199, 200), 99, "one page left is not 100");
        assert_eq!(percent(1, 300), 1, "one page done is not 0");
        assert_eq!((percent(0, 3), percent(3, 3), percent(0, 0)), (0, 100, 0));
    }

    #[test]
    fn hash_is_stable_across_versions() {
        // Written into authors' files: this value must never change.
        assert_eq!(
            source_hash(&front("Título"), "Cuerpo.\n"),
            "dd342a94be836c73"
        );
    }
}
