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
