//! Packages for learning platforms (`src/outputs/scorm.rs`, `lms.rs`) on
//! the `lms` fixture: a course with questions of every kind in every
//! language (titles that need escaping), one without questions, and one
//! with a question in Portuguese only. The SCORM 1.2 and Common Cartridge
//! 1.1 manifests are parsed and checked against what the standards require
//! and against their zips; every QTI item against its quiz block in the
//! Markdown, by answering it through the item's own response processing;
//! both packages are unpacked and every link inside resolves; the SCORM
//! package is the offline package plus a launch page and the adapter.

use crate::common::*;
use roxmltree::{Document, Node};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SCORM_NS: &str = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
const ADLCP_NS: &str = "http://www.adlnet.org/xsd/adlcp_rootv1p2";
const CC_NS: &str = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1";
const LOM_NS: &str = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest";
const QTI_NS: &str = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2";
const ASSESSMENT: &str = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment";

const LANGS: [&str; 3] = ["es", "en", "pt"];
const COURSES: [&str; 3] = ["quizzed", "plain", "partial"];

/// The `lms` fixture, built.
fn built() -> (tempfile::TempDir, PathBuf) {
    let site = site("lms");
    build_ok(site.path());
    let public = site.path().join("public");
    (site, public)
}

/// The folder of a course of the fixture (its slug is its folder's name).
fn course_dir(lang: &str, course: &str) -> String {
    let section = if lang == "en" { "courses" } else { "cursos" };
    format!("{lang}/{section}/{course}")
}

/// A zip's files by name.
fn read_zip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    use std::io::Read as _;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).expect("an entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("readable");
            (f.name().to_owned(), data)
        })
        .collect()
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        files
            .get(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone(),
    )
    .expect("UTF-8")
}

/// One quiz block of the sources.
#[derive(Debug)]
struct Quiz {
    question: String,
    kind: String,
    explanation: Option<String>,
    /// Text, correct, feedback.
    options: Vec<(String, bool, Option<String>)>,
}

/// A course of the fixture in one language, as its Markdown says.
struct Source {
    title: String,
    summary: String,
    license: String,
    /// Translation key, title and quiz blocks of each module, in order.
    modules: Vec<(String, String, Vec<Quiz>)>,
}

fn front(md: &str) -> toml::Table {
    let inner = md
        .strip_prefix("+++\n")
        .and_then(|r| r.split_once("\n+++"))
        .expect("front matter")
        .0;
    inner.parse().expect("TOML front matter")
}

fn string(t: &toml::Table, key: &str) -> String {
    t.get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

/// The `quiz-true` / `quiz-false` strings of the built-in theme.
fn true_false(lang: &str) -> (String, String) {
    let ftl = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("themes/default/locales/{lang}/quiz.ftl")),
    )
    .expect("quiz.ftl");
    let get = |k: &str| {
        ftl.lines()
            .find_map(|l| l.strip_prefix(k))
            .expect("the string")
            .trim()
            .to_owned()
    };
    (get("quiz-true = "), get("quiz-false = "))
}

fn quizzes(md: &str, lang: &str) -> Vec<Quiz> {
    md.split("```quiz\n")
        .skip(1)
        .map(|block| {
            let t: toml::Table = block
                .split("\n```")
                .next()
                .unwrap_or("")
                .parse()
                .expect("quiz TOML");
            let mut options: Vec<(String, bool, Option<String>)> = t
                .get("options")
                .and_then(|o| o.as_array())
                .map(|a| {
                    a.iter()
                        .map(|o| {
                            let o = o.as_table().expect("an option table");
                            (
                                string(o, "text"),
                                o.get("correct").and_then(|c| c.as_bool()).unwrap_or(false),
                                o.get("feedback")
                                    .and_then(|f| f.as_str())
                                    .map(str::to_owned),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            if let Some(answer) = t.get("answer").and_then(|a| a.as_bool()) {
                let (yes, no) = true_false(lang);
                options = vec![(yes, answer, None), (no, !answer, None)];
            }
            Quiz {
                question: string(&t, "question"),
                kind: t
                    .get("kind")
                    .and_then(|k| k.as_str())
                    .unwrap_or("single")
                    .to_owned(),
                explanation: t
                    .get("explanation")
                    .and_then(|e| e.as_str())
                    .map(str::to_owned),
                options,
            }
        })
        .collect()
}

fn source(course: &str, lang: &str) -> Source {
    let dir = fixture("lms").join("content/courses").join(course);
    let index =
        front(&std::fs::read_to_string(dir.join(format!("_index.{lang}.md"))).expect("course"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("course folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(&format!(".{lang}.md")) && !n.starts_with('_'))
        .collect();
    names.sort();
    let modules = names
        .iter()
        .map(|n| {
            let md = std::fs::read_to_string(dir.join(n)).expect("module");
            let stem = n.trim_end_matches(&format!(".{lang}.md"));
            (
                format!("courses/{course}/{stem}"),
                string(&front(&md), "title"),
                quizzes(&md, lang),
            )
        })
        .collect();
    Source {
        title: string(&index, "title"),
        summary: string(&index, "summary"),
        license: string(&index, "license"),
        modules,
    }
}

fn el<'a>(n: Node<'a, 'a>, ns: &str, name: &str) -> Vec<Node<'a, 'a>> {
    n.children()
        .filter(|c| c.has_tag_name((ns, name)))
        .collect()
}

fn one<'a>(n: Node<'a, 'a>, ns: &str, name: &str) -> Node<'a, 'a> {
    let found = el(n, ns, name);
    assert_eq!(found.len(), 1, "one <{name}> in <{}>", n.tag_name().name());
    found[0]
}

fn text_of(n: Node) -> String {
    n.text().unwrap_or_default().to_owned()
}

/// Every `<file href>` of a manifest's resources, and their identifiers.
fn resources<'a>(root: Node<'a, 'a>, ns: &str) -> (Vec<Node<'a, 'a>>, BTreeSet<String>) {
    let list = el(one(root, ns, "resources"), ns, "resource");
    let ids = list
        .iter()
        .map(|r| r.attribute("identifier").expect("resource id").to_owned())
        .collect();
    (list, ids)
}

/// Checks the SCORM 1.2 package of `course` in `lang`; returns its files.
fn check_scorm(public: &Path, lang: &str, course: &str) -> BTreeMap<String, Vec<u8>> {
    let dir = course_dir(lang, course);
    let what = format!("{dir}/{course}.scorm.zip");
    let files = read_zip(&public.join(&what));
    let src = source(course, lang);
    let xml = text(&files, "imsmanifest.xml");
    let doc = Document::parse(&xml).unwrap_or_else(|e| panic!("{what}: manifest: {e}"));
    let root = doc.root_element();
    assert!(root.has_tag_name((SCORM_NS, "manifest")), "{what}");
    assert!(root.attribute("identifier").is_some_and(|i| !i.is_empty()));
    let meta = one(root, SCORM_NS, "metadata");
    assert_eq!(
        text_of(one(meta, SCORM_NS, "schema")),
        "ADL SCORM",
        "{what}"
    );
    assert_eq!(
        text_of(one(meta, SCORM_NS, "schemaversion")),
        "1.2",
        "{what}"
    );
    let orgs = one(root, SCORM_NS, "organizations");
    let org = one(orgs, SCORM_NS, "organization");
    assert_eq!(
        orgs.attribute("default"),
        org.attribute("identifier"),
        "{what}"
    );
    assert_eq!(text_of(one(org, SCORM_NS, "title")), src.title, "{what}");
    let (res, ids) = resources(root, SCORM_NS);
    for r in &res {
        assert_eq!(r.attribute("type"), Some("webcontent"), "{what}");
        assert_eq!(r.attribute((ADLCP_NS, "scormtype")), Some("sco"), "{what}");
        let href = r.attribute("href").expect("a SCO has an href");
        assert!(files.contains_key(href), "{what}: {href}");
    }
    let items = el(org, SCORM_NS, "item");
    assert_eq!(items.len(), src.modules.len(), "{what}: an item per module");
    let questions: usize = src.modules.iter().map(|m| m.2.len()).sum();
    for (item, (key, title, _)) in items.iter().zip(&src.modules) {
        assert_eq!(text_of(one(*item, SCORM_NS, "title")), *title, "{what}");
        let target = item.attribute("identifierref").expect("identifierref");
        assert!(ids.contains(target), "{what}: {target} resolves");
        let page = item
            .attribute("parameters")
            .and_then(|p| p.strip_prefix("?page="))
            .expect("?page=");
        assert!(
            text(&files, page).contains(&format!("<article data-key=\"{key}\"")),
            "{what}: item {title} opens {key}"
        );
        let mastery = el(*item, ADLCP_NS, "masteryscore");
        if questions > 0 {
            assert_eq!(mastery.len(), 1, "{what}: a mastery score");
            assert_eq!(text_of(mastery[0]), "80");
        } else {
            assert!(
                mastery.is_empty(),
                "{what}: no mastery score without questions"
            );
        }
    }
    // Every file is listed, and every listed file is there.
    let listed: BTreeSet<String> = res
        .iter()
        .flat_map(|r| el(*r, SCORM_NS, "file"))
        .map(|f| f.attribute("href").expect("href").to_owned())
        .collect();
    let zipped: BTreeSet<String> = files
        .keys()
        .filter(|n| *n != "imsmanifest.xml")
        .cloned()
        .collect();
    assert_eq!(listed, zipped, "{what}: <file> elements and the zip");
    for f in ["scorm.html", "scorm.js", "index.html"] {
        assert!(files.contains_key(f), "{what}: {f}");
    }
    let launch = text(&files, "scorm.html");
    assert!(launch.contains(&format!("<html lang=\"{lang}\"")), "{what}");
    assert_eq!(
        launch.contains("data-mastery=\"80\""),
        questions > 0,
        "{what}: the launch page knows the mastery score"
    );
    files
}

/// Checks the Common Cartridge of `course` in `lang`; returns its files.
fn check_cartridge(public: &Path, lang: &str, course: &str) -> BTreeMap<String, Vec<u8>> {
    let dir = course_dir(lang, course);
    let what = format!("{dir}/{course}.imscc");
    let files = read_zip(&public.join(&what));
    let src = source(course, lang);
    let xml = text(&files, "imsmanifest.xml");
    let doc = Document::parse(&xml).unwrap_or_else(|e| panic!("{what}: manifest: {e}"));
    let root = doc.root_element();
    assert!(root.has_tag_name((CC_NS, "manifest")), "{what}");
    let meta = one(root, CC_NS, "metadata");
    assert_eq!(text_of(one(meta, CC_NS, "schema")), "IMS Common Cartridge");
    assert_eq!(text_of(one(meta, CC_NS, "schemaversion")), "1.1.0");
    let lom = one(meta, LOM_NS, "lom");
    let general = one(lom, LOM_NS, "general");
    let title = one(one(general, LOM_NS, "title"), LOM_NS, "string");
    assert_eq!(text_of(title), src.title, "{what}: LOM title");
    assert_eq!(title.attribute("language"), Some(lang));
    assert_eq!(text_of(one(general, LOM_NS, "language")), lang);
    let description = one(one(general, LOM_NS, "description"), LOM_NS, "string");
    assert_eq!(text_of(description), src.summary, "{what}: LOM description");
    let rights = one(lom, LOM_NS, "rights");
    let restricted = one(
        one(rights, LOM_NS, "copyrightAndOtherRestrictions"),
        LOM_NS,
        "value",
    );
    assert_eq!(
        text_of(restricted),
        if src.license.is_empty() { "no" } else { "yes" }
    );
    let licence = one(one(rights, LOM_NS, "description"), LOM_NS, "string");
    assert_eq!(text_of(licence), src.license, "{what}: LOM licence");
    // The organization: the course as the root, its page, then a module
    // per item with its page and, when it has questions, its assessment.
    let org = one(one(root, CC_NS, "organizations"), CC_NS, "organization");
    assert_eq!(org.attribute("structure"), Some("rooted-hierarchy"));
    let top = one(org, CC_NS, "item");
    let children = el(top, CC_NS, "item");
    assert_eq!(children.len(), 1 + src.modules.len(), "{what}");
    assert_eq!(text_of(one(children[0], CC_NS, "title")), src.title);
    let (res, ids) = resources(root, CC_NS);
    let by_id: BTreeMap<&str, Node> = res
        .iter()
        .map(|r| (r.attribute("identifier").expect("id"), *r))
        .collect();
    let mut refs: Vec<&str> = vec![children[0].attribute("identifierref").expect("course page")];
    for (item, (key, title, quizzes)) in children[1..].iter().zip(&src.modules) {
        assert_eq!(text_of(one(*item, CC_NS, "title")), *title, "{what}");
        let inner = el(*item, CC_NS, "item");
        assert_eq!(
            inner.len(),
            1 + usize::from(!quizzes.is_empty()),
            "{what}: {title}"
        );
        let page = by_id[inner[0].attribute("identifierref").expect("a page")];
        assert_eq!(page.attribute("type"), Some("webcontent"));
        let href = page.attribute("href").expect("href");
        assert!(
            text(&files, href).contains(&format!("<article data-key=\"{key}\"")),
            "{what}: {title} is {key}"
        );
        if let Some(quiz) = inner.get(1) {
            let r = by_id[quiz.attribute("identifierref").expect("an assessment")];
            assert_eq!(r.attribute("type"), Some(ASSESSMENT), "{what}");
            let file = one(r, CC_NS, "file").attribute("href").expect("href");
            check_assessment(&text(&files, file), quizzes, &format!("{what}: {file}"));
        }
        refs.extend(inner.iter().filter_map(|i| i.attribute("identifierref")));
    }
    for d in res.iter().flat_map(|r| el(*r, CC_NS, "dependency")) {
        refs.push(d.attribute("identifierref").expect("identifierref"));
    }
    for r in refs {
        assert!(ids.contains(r), "{what}: {r} resolves");
    }
    let listed: BTreeSet<String> = res
        .iter()
        .flat_map(|r| el(*r, CC_NS, "file"))
        .map(|f| f.attribute("href").expect("href").to_owned())
        .collect();
    let zipped: BTreeSet<String> = files
        .keys()
        .filter(|n| *n != "imsmanifest.xml")
        .cloned()
        .collect();
    assert_eq!(listed, zipped, "{what}: <file> elements and the zip");
    for r in &res {
        if let Some(href) = r.attribute("href") {
            assert!(files.contains_key(href), "{what}: {href}");
        }
    }
    assert_eq!(
        files.keys().any(|n| n.starts_with("assessments/")),
        src.modules.iter().any(|m| !m.2.is_empty()),
        "{what}: assessments exactly when there are questions"
    );
    files
}

/// What a QTI item's response processing gives for the options `chosen`:
/// the score (clamped to the outcome's 0..100) and the feedback shown.
fn respond(item: Node, chosen: &BTreeSet<String>) -> (f64, Vec<String>) {
    fn holds(n: Node, chosen: &BTreeSet<String>) -> bool {
        let mut parts = n.children().filter(Node::is_element);
        match n.tag_name().name() {
            "varequal" => chosen.contains(n.text().unwrap_or_default().trim()),
            "not" => !parts.all(|p| holds(p, chosen)),
            "and" | "conditionvar" => parts.all(|p| holds(p, chosen)),
            "or" => parts.any(|p| holds(p, chosen)),
            "other" => true,
            other => panic!("unexpected condition <{other}>"),
        }
    }
    let mut score = 0.0;
    let mut shown = Vec::new();
    let processing = one(item, QTI_NS, "resprocessing");
    for c in el(processing, QTI_NS, "respcondition") {
        if !holds(one(c, QTI_NS, "conditionvar"), chosen) {
            continue;
        }
        for s in el(c, QTI_NS, "setvar") {
            assert_eq!(s.attribute("varname"), Some("SCORE"));
            let v: f64 = text_of(s).trim().parse().expect("a number");
            match s.attribute("action") {
                Some("Set") => score = v,
                Some("Add") => score += v,
                other => panic!("setvar action {other:?}"),
            }
        }
        for f in el(c, QTI_NS, "displayfeedback") {
            let id = f.attribute("linkrefid").expect("linkrefid");
            let fb = el(item, QTI_NS, "itemfeedback")
                .into_iter()
                .find(|i| i.attribute("ident") == Some(id))
                .unwrap_or_else(|| panic!("itemfeedback {id}"));
            let text = fb
                .descendants()
                .find(|n| n.has_tag_name((QTI_NS, "mattext")))
                .map(text_of)
                .unwrap_or_default();
            shown.push(text);
        }
        if c.attribute("continue") == Some("No") {
            break;
        }
    }
    (score.clamp(0.0, 100.0), shown)
}

/// Checks a QTI assessment against the quiz blocks it was made from.
fn check_assessment(xml: &str, quizzes: &[Quiz], what: &str) {
    let doc = Document::parse(xml).unwrap_or_else(|e| panic!("{what}: {e}"));
    let root = doc.root_element();
    assert!(root.has_tag_name((QTI_NS, "questestinterop")), "{what}");
    let section = one(one(root, QTI_NS, "assessment"), QTI_NS, "section");
    let items = el(section, QTI_NS, "item");
    assert_eq!(items.len(), quizzes.len(), "{what}: an item per question");
    for (item, q) in items.iter().zip(quizzes) {
        let profile = item
            .descendants()
            .filter(|n| n.has_tag_name((QTI_NS, "qtimetadatafield")))
            .find(|f| text_of(one(*f, QTI_NS, "fieldlabel")) == "cc_profile")
            .map(|f| text_of(one(f, QTI_NS, "fieldentry")))
            .expect("cc_profile");
        let want = match q.kind.as_str() {
            "multiple" => "cc.multiple_response.v0p1",
            "truefalse" => "cc.true_false.v0p1",
            _ => "cc.multiple_choice.v0p1",
        };
        assert_eq!(profile, want, "{what}: {}", q.question);
        let presentation = one(*item, QTI_NS, "presentation");
        let question = one(one(presentation, QTI_NS, "material"), QTI_NS, "mattext");
        assert_eq!(text_of(question), q.question, "{what}");
        let lid = one(presentation, QTI_NS, "response_lid");
        let multiple = q.kind == "multiple";
        assert_eq!(
            lid.attribute("rcardinality"),
            Some(if multiple { "Multiple" } else { "Single" })
        );
        let labels = el(one(lid, QTI_NS, "render_choice"), QTI_NS, "response_label");
        let texts: Vec<String> = labels
            .iter()
            .map(|l| text_of(one(one(*l, QTI_NS, "material"), QTI_NS, "mattext")))
            .collect();
        let want: Vec<String> = q.options.iter().map(|o| o.0.clone()).collect();
        assert_eq!(texts, want, "{what}: options of {}", q.question);
        let ids: Vec<String> = labels
            .iter()
            .map(|l| l.attribute("ident").expect("ident").to_owned())
            .collect();
        // Every way to answer, scored as aula's own check scores it.
        let n = ids.len();
        let rights = q.options.iter().filter(|o| o.1).count();
        for mask in 0..(1u32 << n) {
            let picked: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
            if !multiple && picked.len() != 1 {
                continue;
            }
            let chosen: BTreeSet<String> = picked.iter().map(|&i| ids[i].clone()).collect();
            let (score, shown) = respond(*item, &chosen);
            let right = picked.iter().filter(|&&i| q.options[i].1).count();
            let wrong = picked.len() - right;
            let expected = if multiple {
                100.0 * right.saturating_sub(wrong) as f64 / rights as f64
            } else if right == 1 {
                100.0
            } else {
                0.0
            };
            assert!(
                (score - expected).abs() < 0.01,
                "{what}: {} with {picked:?} scores {score}, aula says {expected}",
                q.question
            );
            let mut want: Vec<String> = q.explanation.iter().cloned().collect();
            want.extend(picked.iter().filter_map(|&i| q.options[i].2.clone()));
            let (mut a, mut b) = (shown.clone(), want.clone());
            a.sort();
            b.sort();
            assert_eq!(a, b, "{what}: feedback of {} with {picked:?}", q.question);
        }
    }
}

#[test]
fn scorm_manifests_have_a_module_per_item_and_list_every_file() {
    let (_site, public) = built();
    for lang in LANGS {
        for course in COURSES {
            check_scorm(&public, lang, course);
        }
    }
}

#[test]
fn cartridges_have_lom_a_rooted_hierarchy_and_every_file() {
    let (_site, public) = built();
    for lang in LANGS {
        for course in COURSES {
            check_cartridge(&public, lang, course);
        }
    }
}

#[test]
fn every_qti_item_answers_as_its_quiz_block() {
    let (_site, public) = built();
    let mut checked = 0;
    for lang in LANGS {
        let files = check_cartridge(&public, lang, "quizzed");
        let src = source("quizzed", lang);
        check_assessment(
            &text(&files, "assessments/module-01.xml"),
            &src.modules[0].2,
            lang,
        );
        checked += src.modules[0].2.len();
    }
    assert_eq!(
        checked, 9,
        "three questions of three kinds in three languages"
    );
}

#[test]
fn every_link_inside_both_packages_resolves() {
    let (_site, public) = built();
    for lang in LANGS {
        for course in COURSES {
            let dir = course_dir(lang, course);
            for name in [format!("{course}.scorm.zip"), format!("{course}.imscc")] {
                let out = tempfile::tempdir().expect("tempdir");
                let bytes = std::fs::read(public.join(&dir).join(&name)).expect("package");
                unzip(&bytes, out.path());
                assert_eq!(
                    broken_in_package(out.path()),
                    Vec::<String>::new(),
                    "{dir}/{name}"
                );
            }
        }
    }
}

#[test]
fn the_scorm_package_is_the_offline_package_with_a_launch_page() {
    let (_site, public) = built();
    for lang in LANGS {
        let dir = course_dir(lang, "quizzed");
        let offline = read_zip(&public.join(format!("{dir}/quizzed.zip")));
        let scorm = read_zip(&public.join(format!("{dir}/quizzed.scorm.zip")));
        let added: BTreeSet<&str> = scorm
            .keys()
            .filter(|k| !offline.contains_key(*k))
            .map(String::as_str)
            .collect();
        assert_eq!(
            added,
            BTreeSet::from(["imsmanifest.xml", "scorm.html", "scorm.js"]),
            "{dir}"
        );
        for (name, bytes) in &offline {
            let other = &scorm[name];
            if name.ends_with(".html") {
                // The page loads the adapter first; nothing else differs.
                let page = String::from_utf8(other.clone()).expect("UTF-8");
                let tag = page
                    .lines()
                    .find(|l| {
                        l.starts_with("<script src=\"")
                            && l.contains("scorm.js\" defer data-modules=")
                    })
                    .unwrap_or_else(|| panic!("{dir}: {name} loads the adapter"));
                let depth = name.matches('/').count();
                assert!(
                    tag.starts_with(&format!("<script src=\"{}scorm.js\"", "../".repeat(depth)))
                );
                let without = page.replacen(&format!("{tag}\n"), "", 1);
                assert!(without.as_bytes() == bytes.as_slice(), "{dir}: {name}");
                let at = |s: &str| page.find(s).unwrap_or(usize::MAX);
                assert!(
                    at("scorm.js") < at("aula.js"),
                    "{dir}: {name}: the adapter runs first"
                );
            } else {
                assert!(other == bytes, "{dir}: {name}");
            }
        }
    }
}

#[test]
fn a_course_without_questions_has_no_mastery_score_and_no_assessment() {
    let (_site, public) = built();
    for lang in LANGS {
        let scorm = check_scorm(&public, lang, "plain");
        assert!(!text(&scorm, "imsmanifest.xml").contains("masteryscore"));
        assert!(text(&scorm, "scorm.html").contains("data-questions=\"0\""));
        let cc = check_cartridge(&public, lang, "plain");
        let manifest = text(&cc, "imsmanifest.xml");
        assert!(!manifest.contains(ASSESSMENT), "{lang}: no QTI resource");
        assert!(!cc.keys().any(|k| k.starts_with("assessments/")));
        // No licence in the front matter: LOM says so.
        assert!(manifest.contains("<lomimscc:value>no</lomimscc:value>"));
    }
}

#[test]
fn a_question_in_one_language_goes_only_into_that_languages_packages() {
    let (_site, public) = built();
    for lang in LANGS {
        let scorm = check_scorm(&public, lang, "partial");
        let cc = check_cartridge(&public, lang, "partial");
        let pt = lang == "pt";
        assert_eq!(
            text(&scorm, "imsmanifest.xml").contains("<adlcp:masteryscore>80<"),
            pt,
            "{lang}"
        );
        assert_eq!(cc.contains_key("assessments/module-01.xml"), pt, "{lang}");
        assert_eq!(
            text(&cc, "imsmanifest.xml").contains(ASSESSMENT),
            pt,
            "{lang}"
        );
    }
}

#[test]
fn titles_with_markup_characters_are_escaped_in_every_manifest() {
    let (_site, public) = built();
    let dir = course_dir("en", "quizzed");
    let scorm = read_zip(&public.join(format!("{dir}/quizzed.scorm.zip")));
    let cc = read_zip(&public.join(format!("{dir}/quizzed.imscc")));
    let title = "Q&amp;A &lt;basics&gt; &quot;quoted&quot;";
    assert!(text(&scorm, "imsmanifest.xml").contains(title));
    assert!(text(&cc, "imsmanifest.xml").contains(title));
    assert!(text(&cc, "imsmanifest.xml").contains("Questions &lt;first&gt;"));
    let qti = text(&cc, "assessments/module-01.xml");
    assert!(qti.contains("HD video &lt;1080p&gt;"));
    assert!(qti.contains("&quot;even&quot;"));
    assert!(
        text(&scorm, "scorm.html")
            .contains("<title>Q&amp;A &lt;basics&gt; &quot;quoted&quot;</title>")
    );
}
