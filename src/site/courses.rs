//! Courses inside the assembled site: each course's modules in order per
//! language, the links between them (previous, next, "module N of M"),
//! the section lists, and the checks of course references written in
//! front matter (`prerequisites`, an itinerary's `courses`).
//!
//! Every cross-page fact about courses is computed here, once, so that
//! rendering never scans siblings. Part of assembling; never renders.

use super::{Page, Site};
use crate::content::{Kind, Section};
use crate::diagnostic::Diagnostic;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A course and its modules in order, per language.
#[derive(Debug)]
pub struct Course {
    pub key: String,
    /// Language to module pages ordered by (weight, key).
    pub modules: BTreeMap<String, Vec<usize>>,
    /// Keys of the itineraries that list this course, sorted.
    pub itineraries: Vec<String>,
}

/// Where a module sits in its course's outline, in its own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleNav {
    pub prev: Option<usize>,
    pub next: Option<usize>,
    /// 1-based position in the outline.
    pub index: usize,
    pub total: usize,
}

/// Turns `courses/x`, `courses/x/_index` or `courses/x/_index.md` into the
/// course's translation key.
pub fn course_key(r: &str) -> String {
    let r = r.trim().trim_matches('/');
    let r = r.strip_prefix("@/").unwrap_or(r);
    let r = r.strip_suffix(".md").unwrap_or(r);
    if r.ends_with("/_index") {
        r.to_string()
    } else {
        format!("{r}/_index")
    }
}

/// The order of modules and section lists: by `weight`, unweighted last,
/// then by key.
pub fn order_key(p: &Page) -> (bool, i64, &str) {
    let weight = p.front().weight;
    (weight.is_none(), weight.unwrap_or(0), p.key.as_str())
}

/// One course per course folder, in key order, and for each page with a
/// URL the course it belongs to.
pub(super) fn collect(pages: &[Page]) -> (Vec<Course>, HashMap<String, usize>) {
    let mut courses = Vec::new();
    let mut index = HashMap::new();
    for p in pages.iter().filter(|p| p.kind == Kind::Course) {
        if let std::collections::hash_map::Entry::Vacant(slot) = index.entry(p.folder().to_string())
        {
            slot.insert(courses.len());
            courses.push(Course {
                key: p.key.clone(),
                modules: BTreeMap::new(),
                itineraries: Vec::new(),
            });
        }
    }
    (courses, index)
}

/// Every course reference in front matter must name a course.
pub(super) fn check_references(
    pages: &[Page],
    exists: &dyn Fn(&str) -> bool,
    courses: &[Course],
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for p in pages.iter().filter(|p| !p.is_fallback()) {
        let Some(doc) = p.doc() else { continue };
        let front = &doc.front;
        let refs = front
            .course()
            .map(|c| c.prerequisites.iter().map(|k| ("prerequisites", k)))
            .into_iter()
            .flatten()
            .chain(
                front
                    .itinerary()
                    .map(|i| i.courses.iter().map(|k| ("courses", k)))
                    .into_iter()
                    .flatten(),
            );
        for (field, r) in refs {
            if exists(&course_key(r)) {
                continue;
            }
            let line = doc
                .source
                .lines()
                .position(|l| l.contains(r.as_str()))
                .map(|l| l + 1)
                .unwrap_or(1);
            let known: Vec<&str> = courses
                .iter()
                .map(|c| c.key.trim_end_matches("/_index"))
                .collect();
            let hint = crate::diagnostic::did_you_mean(r, known.iter().copied())
                .map(|s| format!("did you mean \"{s}\"?"))
                .unwrap_or_else(|| {
                    format!(
                        "use a course folder key such as \"{}\"",
                        known.first().unwrap_or(&"courses/<name>")
                    )
                });
            errors.push(
                Diagnostic::error(format!(
                    "`{field}` names a course that does not exist: \"{r}\""
                ))
                .file(&doc.path)
                .at(line, 1, Some(&doc.source))
                .help(hint),
            );
        }
    }
    errors
}

/// Notes in each course the itineraries that list it.
pub(super) fn link_itineraries(
    pages: &[Page],
    courses: &mut [Course],
    index: &HashMap<String, usize>,
) {
    for p in pages
        .iter()
        .filter(|p| p.kind == Kind::Itinerary && !p.is_fallback())
    {
        let listed = p
            .front()
            .itinerary()
            .map_or(&[][..], |i| i.courses.as_slice());
        for r in listed {
            let key = course_key(r);
            let folder = key.trim_end_matches("/_index");
            if let Some(&c) = index.get(folder)
                && !courses[c].itineraries.contains(&p.key)
            {
                courses[c].itineraries.push(p.key.clone());
            }
        }
    }
    for c in courses {
        c.itineraries.sort();
    }
}

/// Prerequisites may not go round in a circle: a course that needs itself,
/// directly or through others, could never be started.
pub(super) fn check_cycles(pages: &[Page]) -> Vec<Diagnostic> {
    // Course key to (its prerequisites as keys, the page that says so).
    let mut graph: BTreeMap<&str, (Vec<String>, &Page)> = BTreeMap::new();
    for p in pages
        .iter()
        .filter(|p| p.kind == Kind::Course && !p.is_fallback())
    {
        let prereqs = p
            .front()
            .course()
            .map_or(&[][..], |c| c.prerequisites.as_slice());
        let entry = graph.entry(p.key.as_str()).or_insert((Vec::new(), p));
        if entry.0.is_empty() && !prereqs.is_empty() {
            // Point at a file that writes the prerequisites.
            entry.1 = p;
        }
        for r in prereqs {
            let k = course_key(r);
            if !entry.0.contains(&k) {
                entry.0.push(k);
            }
        }
    }
    let mut errors = Vec::new();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for &start in graph.keys() {
        let mut path = vec![start.to_string()];
        if let Some(cycle) = find_cycle(&graph, start, &mut path) {
            let mut members = cycle.clone();
            members.sort();
            if !reported.insert(members.join(" ")) {
                continue;
            }
            let (_, page) = &graph[cycle[0].as_str()];
            let shown: Vec<&str> = cycle
                .iter()
                .map(|k| k.trim_end_matches("/_index"))
                .collect();
            let doc = page.doc();
            let line = doc
                .and_then(|d| {
                    d.source
                        .lines()
                        .position(|l| l.trim_start().starts_with("prerequisites"))
                })
                .map_or(1, |l| l + 1);
            errors.push(
                Diagnostic::error(format!(
                    "prerequisites go round in a circle: {} -> {}",
                    shown.join(" -> "),
                    shown[0]
                ))
                .kind(crate::diagnostic::Kind::Content)
                .file(page.path())
                .at(line, 1, doc.map(|d| d.source.as_str()))
                .help("remove one of these prerequisites: a course cannot need itself"),
            );
        }
    }
    errors
}

/// A cycle through `path`'s last course back to `path[0]`, if any.
fn find_cycle(
    graph: &BTreeMap<&str, (Vec<String>, &Page)>,
    start: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    let last = path.last()?.clone();
    for next in graph
        .get(last.as_str())
        .map_or(&[][..], |(n, _)| n.as_slice())
    {
        if next == start {
            return Some(path.clone());
        }
        if path.contains(next) || !graph.contains_key(next.as_str()) {
            continue;
        }
        path.push(next.clone());
        if let Some(c) = find_cycle(graph, start, path) {
            return Some(c);
        }
        path.pop();
    }
    None
}

impl Site {
    /// Fills the per-language section lists and course outlines, then each
    /// module's place in its outline. A page missing in a language under
    /// the `omit` policy is listed with its fallback language's page, so
    /// learners can still reach it.
    pub(super) fn order_lists(&mut self) {
        let mut keys: BTreeMap<Section, Vec<String>> = BTreeMap::new();
        let mut module_keys: Vec<Vec<String>> = vec![Vec::new(); self.courses.len()];
        let mut seen = BTreeSet::new();
        for p in &self.pages {
            if !seen.insert(p.key.as_str()) {
                continue;
            }
            let spec = p.kind.spec();
            if let Some(section) = spec.listed_in {
                keys.entry(section).or_default().push(p.key.clone());
            }
            if let (true, Some(c)) = (spec.in_course, p.course) {
                module_keys[c].push(p.key.clone());
            }
        }
        let codes: Vec<String> = self
            .config
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect();
        for lang in &codes {
            let per_lang: BTreeMap<Section, Vec<usize>> = keys
                .iter()
                .map(|(&section, list)| (section, self.ordered(list, lang)))
                .collect();
            self.sections.insert(lang.clone(), per_lang);
            for (c, list) in module_keys.iter().enumerate() {
                let pages = self.ordered(list, lang);
                self.courses[c].modules.insert(lang.clone(), pages);
            }
        }
        self.link_modules();
    }

    /// The pages listed for `keys` in `lang`, in [`order_key`] order.
    fn ordered(&self, keys: &[String], lang: &str) -> Vec<usize> {
        let mut pages: Vec<usize> = keys.iter().filter_map(|k| self.listed(k, lang)).collect();
        pages.sort_by(|&a, &b| order_key(&self.pages[a]).cmp(&order_key(&self.pages[b])));
        pages
    }

    /// Sets every module's previous, next and position from its own
    /// language's outline.
    fn link_modules(&mut self) {
        let mut navs = Vec::new();
        for course in &self.courses {
            for (lang, mods) in &course.modules {
                for (pos, &m) in mods.iter().enumerate() {
                    if self.pages[m].lang != *lang {
                        continue; // listed from another language (`omit`)
                    }
                    navs.push((
                        m,
                        ModuleNav {
                            prev: pos.checked_sub(1).map(|p| mods[p]),
                            next: mods.get(pos + 1).copied(),
                            index: pos + 1,
                            total: mods.len(),
                        },
                    ));
                }
            }
        }
        for (m, nav) in navs {
            self.pages[m].nav = Some(nav);
        }
    }

    /// The page to list for `key` in `lang`: its own (or its notice page),
    /// else the first real page along the fallback chain.
    pub(super) fn listed(&self, key: &str, lang: &str) -> Option<usize> {
        self.page(key, lang).or_else(|| self.chain_page(key, lang))
    }

    /// The Open Badges files of page `i` without their extension
    /// (`es/badges/courses-x`), when it is a real (not notice) course
    /// page with a `[badge]` or itinerary page with a `[credential]`.
    /// Named by the translation key, so the URL stays the same when a
    /// title or slug changes. Whether they are written depends on
    /// `[issuer]` and `base_url` (see `outputs::badges`).
    pub fn badge_files(&self, i: usize) -> Option<String> {
        let p = &self.pages[i];
        let f = p.front();
        let awarded = f.course().is_some_and(|c| c.badge.is_some())
            || f.itinerary().is_some_and(|it| it.credential.is_some());
        if !awarded || p.is_fallback() {
            return None;
        }
        let name = p
            .key
            .strip_suffix("/_index")
            .unwrap_or(&p.key)
            .replace('/', "-");
        Some(format!("{}/badges/{name}", p.lang))
    }

    /// Total minutes of a course's modules in one language.
    pub fn course_minutes(&self, course: usize, lang: &str) -> Option<u32> {
        let mods = self.courses[course].modules.get(lang)?;
        let total: u32 = mods
            .iter()
            .filter_map(|&m| self.pages[m].front().duration())
            .sum();
        (total > 0).then_some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_keys_accept_several_spellings() {
        for r in [
            "courses/x",
            "courses/x/",
            "courses/x/_index",
            "@/courses/x/_index.md",
        ] {
            assert_eq!(course_key(r), "courses/x/_index", "{r}");
        }
    }
}
