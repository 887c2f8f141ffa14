//! Incremental builds (`build::Session`, used by `aula serve`) must give
//! exactly what a full build gives. A seeded sequence of random edits to a
//! fixture site is applied; after each, the long-lived session's result is
//! compared byte for byte with a fresh full build.

use crate::common::*;
use aula::build::{self, Session};
use aula::output::{Data, Files};
use std::path::Path;

/// A tiny deterministic generator (no dependency, reproducible failures).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() as usize) % items.len()]
    }
}

fn bytes(files: &Files, root: &Path) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|(k, v)| {
            let b = match v {
                Data::Bytes(b) => b.to_vec(),
                Data::Copy(p) => {
                    let p = if p.is_absolute() {
                        p.clone()
                    } else {
                        root.join(p)
                    };
                    std::fs::read(&p).unwrap_or_default()
                }
                Data::Written(p) => panic!("a build in memory wrote {}", p.display()),
            };
            (k.clone(), b)
        })
        .collect()
}

fn edit(root: &Path, rng: &mut Lcg, step: usize) -> String {
    let modules = [
        "content/courses/alpha/01-intro.es.md",
        "content/courses/alpha/01-intro.pt.md",
        "content/courses/alpha/02-practice.en.md",
        "content/guidelines/access.es.md",
        "content/about.pt.md",
    ];
    let file = *rng.pick(&modules);
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let choice = rng.next() % 16;
    if choice >= 10 {
        return edit_campus(root, choice, step);
    }
    match choice {
        0 | 1 => {
            std::fs::write(&path, format!("{text}\nParagraph {step}.\n")).expect("append");
            format!("append to {file}")
        }
        2 => {
            std::fs::write(
                &path,
                text.replacen("title = \"", &format!("title = \"T{step} "), 1),
            )
            .expect("title");
            format!("retitle {file}")
        }
        3 => {
            let w = rng.next() % 5;
            let t = if text.contains("weight = ") {
                let mut out = String::new();
                for l in text.lines() {
                    if l.starts_with("weight = ") {
                        out.push_str(&format!("weight = {w}\n"));
                    } else {
                        out.push_str(l);
                        out.push('\n');
                    }
                }
                out
            } else {
                text.clone()
            };
            std::fs::write(&path, t).expect("weight");
            format!("reweight {file} to {w}")
        }
        4 => {
            let p = root.join(format!(
                "content/courses/alpha/0{}-new{step}.es.md",
                3 + step % 5
            ));
            std::fs::write(
                &p,
                format!("+++\ntitle = \"Nuevo {step}\"\nduration = {step}\n+++\n\n## Sección\n"),
            )
            .expect("new");
            format!("add {}", p.display())
        }
        5 => {
            // Remove a page added earlier, if any.
            let dir = root.join("content/courses/alpha");
            let added: Vec<_> = std::fs::read_dir(&dir)
                .expect("ls")
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().contains("-new"))
                .collect();
            match added.first() {
                Some(p) => {
                    std::fs::remove_file(p).expect("rm");
                    format!("remove {}", p.display())
                }
                None => "nothing to remove".into(),
            }
        }
        6 => {
            let p = root.join("locales/es/site.ftl");
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, format!("footer-text = Pie {step}\n")).expect("ftl");
            "override a UI string".into()
        }
        7 => {
            let p = root.join("aula.toml");
            let c = std::fs::read_to_string(&p).expect("config");
            std::fs::write(
                &p,
                c.replacen(
                    "title = \"Test campus",
                    &format!("title = \"Test campus {step}"),
                    1,
                ),
            )
            .expect("config");
            "edit aula.toml".into()
        }
        8 => {
            std::fs::write(
                &path,
                text.replace("slug = ", &format!("slug = \"s{step}\"\n# ")),
            )
            .expect("slug");
            format!("reslug {file}")
        }
        _ => {
            // A translation appears or disappears.
            let p = root.join("content/guidelines/access.pt.md");
            if p.exists() {
                std::fs::remove_file(&p).expect("rm");
                "remove the pt guideline (notice page appears)".into()
            } else {
                std::fs::write(&p, "+++\ntitle = \"Guia\"\n+++\n\n## Tabelas {#tables}\n")
                    .expect("write");
                "add the pt guideline back".into()
            }
        }
    }
}

/// Replaces the first occurrence of `from` by `to` in a file of the site.
fn swap_text(root: &Path, file: &str, from: &str, to: &str) {
    let p = root.join(file);
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
}

/// Toggles between two spellings of a line in a file.
fn toggle(root: &Path, file: &str, a: &str, b: &str) {
    let text = std::fs::read_to_string(root.join(file)).expect("read");
    if text.contains(a) {
        swap_text(root, file, a, b);
    } else {
        swap_text(root, file, b, a);
    }
}

/// Edits of the campus layer: itineraries, prerequisites, course fields,
/// badges and the configuration.
fn edit_campus(root: &Path, choice: u64, step: usize) -> String {
    match choice {
        10 => {
            let it = "content/itineraries/path.es.md";
            toggle(
                root,
                it,
                r#"["courses/alpha", "courses/beta"]"#,
                r#"["courses/beta", "courses/alpha"]"#,
            );
            "reorder the es itinerary's courses".into()
        }
        11 => {
            let beta = "content/courses/beta/_index.en.md";
            toggle(
                root,
                beta,
                "prerequisites = []",
                r#"prerequisites = ["courses/alpha"]"#,
            );
            "toggle beta's prerequisite".into()
        }
        12 => {
            let alpha = "content/courses/alpha/_index.es.md";
            swap_text(root, alpha, "level = \"", &format!("level = \"L{step} "));
            swap_text(
                root,
                alpha,
                "authors = [",
                &format!("authors = [\"A{step}\", "),
            );
            "edit alpha's level and authors".into()
        }
        13 => {
            let alpha = "content/courses/alpha/_index.es.md";
            swap_text(
                root,
                alpha,
                "name = \"Badge",
                &format!("name = \"B{step} Badge"),
            );
            "rename alpha's badge".into()
        }
        14 => {
            toggle(
                root,
                "aula.toml",
                "[translations]\nmissing = \"omit\"",
                "[translations]\nmissing = \"notice\"",
            );
            "switch the missing-translation policy".into()
        }
        _ => {
            toggle(
                root,
                "aula.toml",
                "courses = \"cursos\"",
                "courses = \"cursos-v2\"",
            );
            "rename the es courses section".into()
        }
    }
}

/// A second course with a prerequisite, in an itinerary with the first, so
/// that random edits reach course references.
fn add_campus_layer(root: &Path) {
    let beta = root.join("content/courses/beta");
    std::fs::create_dir_all(&beta).expect("mkdir");
    std::fs::write(
        beta.join("_index.en.md"),
        "+++\ntitle = \"Course Beta\"\nprerequisites = [\"courses/alpha\"]\n+++\n\nBeta.\n",
    )
    .expect("beta");
    std::fs::write(
        beta.join("01-one.en.md"),
        "+++\ntitle = \"Beta one\"\nduration = 15\n+++\n\n## One\n",
    )
    .expect("beta module");
    swap_text(
        root,
        "content/itineraries/path.es.md",
        r#"["courses/alpha"]"#,
        r#"["courses/alpha", "courses/beta"]"#,
    );
    let config = std::fs::read_to_string(root.join("aula.toml")).expect("config");
    std::fs::write(
        root.join("aula.toml"),
        format!("{config}\n[translations]\nmissing = \"notice\"\n"),
    )
    .expect("config");
}

#[test]
fn incremental_builds_equal_full_builds_after_random_edits() {
    let site = site("basic");
    let root = site.path();
    add_campus_layer(root);
    let opts = options(root);
    let mut session = Session::new(opts.clone());
    session.build().expect("first build");
    let mut rng = Lcg(0x5eed);
    let mut kinds = std::collections::BTreeSet::new();
    for step in 0..80 {
        let what = edit(root, &mut rng, step);
        kinds.insert(what.split(' ').take(2).collect::<Vec<_>>().join(" "));
        let incremental = session.build();
        let full = build::render_site(&opts);
        match (incremental, full) {
            (Ok((inc, _)), Ok((full, _))) => {
                let (a, b) = (bytes(&inc, root), bytes(&full, root));
                let names =
                    |v: &[(String, Vec<u8>)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
                assert_eq!(
                    names(&a),
                    names(&b),
                    "step {step} ({what}): different files"
                );
                for ((name, x), (_, y)) in a.iter().zip(&b) {
                    assert!(
                        x == y,
                        "step {step} ({what}): {name} differs from a full build"
                    );
                }
            }
            (Err(a), Err(b)) => assert_eq!(render(&a), render(&b), "step {step} ({what})"),
            (a, b) => panic!(
                "step {step} ({what}): incremental ok={} but full ok={}",
                a.is_ok(),
                b.is_ok()
            ),
        }
    }
    for kind in [
        "reorder the",
        "toggle beta's",
        "edit alpha's",
        "rename alpha's",
        "switch the",
        "rename the",
        "edit aula.toml",
    ] {
        assert!(
            kinds.contains(kind),
            "the sequence never did `{kind}`: {kinds:?}"
        );
    }
}

/// Regression: the read cache trusted size and modification time, so an
/// edit that kept both (two saves within one timestamp tick) was missed
/// by `aula serve`.
#[test]
fn an_edit_that_keeps_size_and_time_is_seen() {
    let site = site("basic");
    let root = site.path();
    let mut session = Session::new(options(root));
    let path = root.join("content/about.es.md");
    let text = std::fs::read_to_string(&path).expect("read");
    // Saved just now (copying the fixture keeps its old time on Windows).
    std::fs::write(&path, &text).expect("save");
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    session.build().expect("first build");
    let edited = text
        .replacen("title = \"", "title = \"X", 1)
        .replacen("\n\n", "\n", 1);
    assert_eq!(edited.len(), text.len(), "the edit keeps the size");
    std::fs::write(&path, &edited).expect("edit");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(modified))
        .expect("keep the time");
    let (files, _) = session.build().expect("second build");
    let page = bytes(&files, root)
        .into_iter()
        .find(|(name, _)| name == "es/about/index.html")
        .expect("about page");
    let html = String::from_utf8_lossy(&page.1).into_owned();
    assert!(html.contains("<h1>X"), "the new title is shown: {html}");
}

#[test]
fn a_broken_edit_then_a_fix_recovers() {
    let site = site("basic");
    let root = site.path();
    let mut session = Session::new(options(root));
    let (before, _) = session.build().expect("first build");
    let about = root.join("content/about.es.md");
    let good = std::fs::read_to_string(&about).expect("read");
    std::fs::write(&about, "+++\ntitle = \"x\nbroken\n+++\n").expect("break");
    assert!(session.build().is_err());
    std::fs::write(&about, &good).expect("fix");
    let (after, _) = session.build().expect("recovers");
    assert_eq!(bytes(&before, root), bytes(&after, root));
}

#[test]
fn unchanged_pages_are_reused_not_rendered_again() {
    let site = site("basic");
    let root = site.path();
    let mut session = Session::new(options(root));
    let (first, _) = session.build().expect("first");
    let path = root.join("content/guidelines/access.en.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("{text}\nMore.\n")).expect("edit");
    let (second, _) = session.build().expect("second");
    let same = |name: &str| match (first.get(name), second.get(name)) {
        (Some(Data::Bytes(a)), Some(Data::Bytes(b))) => std::sync::Arc::ptr_eq(a, b),
        _ => false,
    };
    assert!(
        !same("en/guidelines/access/index.html"),
        "the edited page is rendered again"
    );
    assert!(
        same("es/cursos/alfa-es/01-intro/index.html"),
        "an unrelated page is reused as is"
    );
    assert!(
        same("pt/guias/access/index.html"),
        "a translation of the edited page is reused"
    );
}

/// A fresh preview build (what `aula serve` starts with): the reference a
/// long-lived preview session must match.
fn full_preview(opts: &build::Options) -> Result<(std::sync::Arc<Files>, String), String> {
    Session::preview(opts.clone())
        .build()
        .map(|(files, report)| (files, render(&report.warnings)))
        .map_err(|e| render(&e))
}

/// An edit as an author makes it, mostly to a page's body, and the paths
/// the watcher would report for it.
fn edit_body(root: &Path, rng: &mut Lcg, step: usize) -> (String, Vec<std::path::PathBuf>) {
    let files = [
        "content/courses/alpha/01-intro.es.md",
        "content/courses/alpha/01-intro.pt.md",
        "content/courses/alpha/02-practice.en.md",
        "content/courses/alpha/_index.es.md",
        "content/guidelines/access.es.md",
        "content/guidelines/access.en.md",
        "content/itineraries/path.es.md",
        "content/about.pt.md",
        "content/_index.en.md",
    ];
    let file = *rng.pick(&files);
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let write = |t: &str| std::fs::write(&path, t).expect("write");
    let what = match rng.next() % 14 {
        0..=2 => {
            write(&format!("{text}\nParagraph {step}.\n"));
            "append a paragraph"
        }
        3 => {
            write(&format!("{text}\n## Heading {step} {{#h{step}}}\n"));
            "append a heading"
        }
        4 => {
            write(&format!(
                "{text}\nSee [the tables](@/guidelines/access.md#tables).\n"
            ));
            "link to an anchor"
        }
        5 => {
            // Other pages link to #tables: the build fails, and recovers.
            let g = root.join("content/guidelines/access.en.md");
            let t = std::fs::read_to_string(&g).expect("read");
            let t = if t.contains("{#tables}") {
                t.replace("{#tables}", "{#tablas}")
            } else {
                t.replace("{#tablas}", "{#tables}")
            };
            std::fs::write(&g, t).expect("write");
            return ("toggle a linked anchor".into(), vec![g]);
        }
        6 => {
            write(&format!("{text}\n```rust\nfn f{step}() {{}}\n```\n"));
            "append code"
        }
        7 => {
            // Next to the image; elsewhere the file is missing (an error).
            let m = root.join("content/courses/alpha/02-practice.en.md");
            let t = std::fs::read_to_string(&m).expect("read");
            std::fs::write(&m, format!("{t}\n![Figure {step}](diagram.png)\n")).expect("write");
            return ("show an image".into(), vec![m]);
        }
        8 => {
            write(&text.replacen("title = \"", &format!("title = \"T{step} "), 1));
            "retitle"
        }
        9 => {
            // Saved by writing a temporary file and renaming it into place.
            let tmp = path.with_extension("md.tmp");
            std::fs::write(&tmp, format!("{text}\nRenamed {step}.\n")).expect("tmp");
            std::fs::rename(&tmp, &path).expect("rename");
            return ("save by renaming".into(), vec![tmp, path]);
        }
        10 => {
            write(&text);
            "save unchanged"
        }
        11 => {
            let p = root.join("content/guidelines/access.pt.md");
            if p.exists() {
                std::fs::remove_file(&p).expect("rm");
            } else {
                std::fs::write(&p, "+++\ntitle = \"Guia\"\n+++\n\n## Tabelas {#tables}\n")
                    .expect("write");
            }
            return ("toggle the pt guideline".into(), vec![p]);
        }
        12 => {
            // The es guideline is shown in place of a missing pt one.
            let g = root.join("content/guidelines/access.es.md");
            let t = std::fs::read_to_string(&g).expect("read");
            std::fs::write(&g, format!("{t}\nFallback text {step}.\n")).expect("write");
            return ("edit a fallback's text".into(), vec![g]);
        }
        _ => {
            // At the last blank line, in the body.
            let at = text.rfind("\n\n").unwrap_or(text.len());
            write(&format!("{}\n\nLine {step}.{}", &text[..at], &text[at..]));
            "insert lines"
        }
    };
    (format!("{what} in {file}"), vec![path])
}

#[test]
fn quick_updates_equal_full_builds_after_random_body_edits() {
    let site = site("basic");
    let root = site.path();
    add_campus_layer(root);
    // Every page over its budget: warnings that follow each edit's size.
    let config = std::fs::read_to_string(root.join("aula.toml")).expect("config");
    std::fs::write(
        root.join("aula.toml"),
        format!("{config}\n[budget]\nmodule_kb = 1\npage_kb = 1\n"),
    )
    .expect("config");
    let mut opts = options(root);
    opts.write = false;
    let mut session = Session::preview(opts.clone());
    let (_, first) = session.build().expect("first build");
    assert!(
        first.warnings.iter().any(|w| w.message.contains("budget")),
        "{:?}",
        first.warnings
    );
    let mut rng = Lcg(0xb0d1);
    for step in 0..80 {
        let (what, changed) = edit_body(root, &mut rng, step);
        let update = session.update(&changed);
        let full = full_preview(&opts);
        let (update, (full, full_warnings)) = match (update, full) {
            (Ok(u), Ok(f)) => (u, f),
            (Err(a), Err(b)) => {
                assert_eq!(render(&a), b, "step {step} ({what})");
                continue;
            }
            (a, b) => panic!(
                "step {step} ({what}): update ok={} but full ok={}",
                a.is_ok(),
                b.is_ok()
            ),
        };
        let (a, b) = (bytes(&update.files, root), bytes(&full, root));
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&a),
            names(&b),
            "step {step} ({what}): different files"
        );
        for ((name, x), (_, y)) in a.iter().zip(&b) {
            assert!(
                x == y || update.deferred.contains(name),
                "step {step} ({what}): {name} differs from a full build"
            );
        }
        let (files, warnings) = match session.finish() {
            Some(done) => {
                let (files, report) = done.expect("the status page renders");
                (files, render(&report.warnings))
            }
            None => (update.files, render(&update.report.warnings)),
        };
        assert!(
            bytes(&files, root) == b,
            "step {step} ({what}): the finished site differs from a full build"
        );
        if warnings != full_warnings {
            let (a, b): (Vec<&str>, Vec<&str>) =
                (warnings.lines().collect(), full_warnings.lines().collect());
            let only_a: Vec<_> = a.iter().filter(|l| !b.contains(l)).collect();
            let only_b: Vec<_> = b.iter().filter(|l| !a.contains(l)).collect();
            panic!(
                "step {step} ({what}): warnings differ\nonly quick: {only_a:#?}\nonly full: {only_b:#?}\n{} vs {} lines",
                a.len(),
                b.len()
            );
        }
    }
    let done = session.counters();
    assert!(
        done.quick >= 30 && done.fallbacks >= 10,
        "both paths are exercised: {done:?}"
    );
}

/// The hot path of `aula serve`: a body edit reads the one file, keeps
/// the assembled site and leaves the status page until after the reload.
#[test]
fn a_body_edit_reads_one_file_and_does_not_assemble_the_site() {
    let site = site("basic");
    let root = site.path();
    let mut opts = options(root);
    opts.write = false;
    let mut session = Session::preview(opts.clone());
    let (before, _) = session.build().expect("first build");
    let start = session.counters();
    assert_eq!(start.builds, 1);

    let path = root.join("content/courses/alpha/01-intro.es.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("{text}\nA new paragraph.\n")).expect("edit");
    let update = session.update(&[path]).expect("update");
    let now = session.counters();
    assert_eq!(now.builds, 1, "no build: the site is not assembled again");
    assert_eq!(now.quick, 1);
    assert_eq!(
        now.files_read,
        start.files_read + 1,
        "only the edited file is read"
    );
    let page = |files: &Files, name: &str| match files.get(name) {
        Some(Data::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        _ => panic!("no {name}"),
    };
    assert!(
        page(&update.files, "es/cursos/alfa-es/01-intro/index.html").contains("A new paragraph.")
    );
    assert_eq!(update.deferred, ["translations/index.html"]);
    let same = |name: &str| match (before.get(name), update.files.get(name)) {
        (Some(Data::Bytes(a)), Some(Data::Bytes(b))) => std::sync::Arc::ptr_eq(a, b),
        _ => false,
    };
    assert!(
        same("en/about/index.html"),
        "other pages are shared, not rendered"
    );
    assert!(same("sitemap.xml"), "site-wide files are kept");

    // The status page, made after the reload, is what a full build makes.
    let (finished, _) = session
        .finish()
        .expect("status page left")
        .expect("renders");
    let (full, _) = full_preview(&opts).expect("full build");
    let status = "translations/index.html";
    assert_eq!(page(&finished, status), page(&full, status));
    assert_ne!(
        page(&finished, status),
        page(&before, status),
        "the source changed"
    );
    assert!(session.finish().is_none(), "nothing left");

    // Regression: a save that changes nothing, then an edit, stays quick.
    let path = root.join("content/about.en.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, &text).expect("save unchanged");
    let unchanged = session.update(std::slice::from_ref(&path)).expect("update");
    assert!(std::sync::Arc::ptr_eq(&unchanged.files, &finished));
    std::fs::write(&path, format!("{text}\nMore.\n")).expect("edit");
    session.update(&[path]).expect("update");
    assert_eq!(session.counters().builds, 1, "still quick");
}

/// Anything but a body edit takes the ordinary build.
#[test]
fn a_front_matter_edit_or_a_new_file_assembles_the_site_again() {
    let site = site("basic");
    let root = site.path();
    let mut session = Session::preview(options(root));
    session.build().expect("first build");
    let path = root.join("content/about.es.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replacen("title = \"", "title = \"New ", 1)).expect("edit");
    session.update(std::slice::from_ref(&path)).expect("update");
    let added = root.join("content/more.es.md");
    std::fs::write(&added, "+++\ntitle = \"More\"\n+++\n\nMore.\n").expect("add");
    let (files, _) = session
        .update(&[added])
        .map(|u| (u.files, u.report))
        .expect("update");
    assert!(files.contains_key("es/more/index.html"));
    let done = session.counters();
    assert_eq!((done.builds, done.quick, done.fallbacks), (3, 0, 2));
}
