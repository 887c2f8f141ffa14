//! The `aula` binary: exit codes, summaries, `new`, `check --format json`.

use crate::common::*;
use std::process::Command;

fn aula() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aula"))
}

#[test]
fn build_exits_zero_and_prints_a_summary() {
    let site = site("basic");
    let out = aula()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("built 30 pages (en 10, es 10, pt 10)"),
        "{stderr}"
    );
}

#[test]
fn failures_exit_one_and_usage_errors_two() {
    let site = site("basic");
    copy_tree(&fixture("invalid/broken_link"), site.path());
    let out = aula()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: broken internal link"));
    let out = aula().arg("frobnicate").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = aula()
        .args(["build", "--links", "sideways"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_writes_nothing_and_reports_json() {
    let site = site("basic");
    let out = aula()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(!site.path().join("public").exists(), "check never writes");
    copy_tree(&fixture("invalid/unknown_key"), site.path());
    let out = aula()
        .args(["check", "--format", "json", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["ok"], false);
    assert_eq!(json["diagnostics"][0]["file"], "content/about.es.md");
    assert_eq!(json["diagnostics"][0]["line"], 2);
    assert_eq!(json["diagnostics"][0]["help"], "did you mean `title`?");
}

#[test]
fn new_creates_a_campus_that_builds_in_three_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("campus");
    let out = aula().arg("new").arg(&root).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = build_ok(&root);
    assert_eq!(
        report.pages_by_language.keys().cloned().collect::<Vec<_>>(),
        ["en", "es", "pt"]
    );
    // Regression: every build of a new campus warned (no base_url), its
    // status report listed 10 untracked translations and its menu led to
    // an empty itineraries section.
    assert_eq!(render(&report.warnings), "");
    let t = &report.translations.summary;
    assert_eq!((t.outdated, t.missing, t.untracked), (0, 0, 0));
    assert!(read(&root, "public/en/itineraries/index.html").contains("my-first-itinerary/"));
    assert_eq!(
        broken_references(&root.join("public")),
        Vec::<String>::new()
    );
    assert_eq!(read(&root, ".gitignore"), "/public\n/.aula-cache\n");
    let again = aula().arg("new").arg(&root).output().expect("runs");
    assert_eq!(again.status.code(), Some(1), "never overwrites");
}

#[test]
fn new_with_theme_copies_the_theme() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("campus");
    let out = aula()
        .arg("new")
        .arg("--with-theme")
        .arg(&root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(root.join("themes/default/templates/module.html").is_file());
    build_ok(&root);
}

#[test]
fn help_text() {
    let out = aula().arg("--help").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

/// Regression: `aula build --output content` replaced content/ with the
/// built site and exited 0. Every source folder, anything inside one, the
/// root itself and a symlink to a source folder must be refused, with the
/// sources left byte for byte as they were.
#[test]
fn output_into_a_source_folder_is_refused_and_sources_survive() {
    let site = site("basic");
    for folder in [
        "themes/default/templates",
        "locales/es",
        "templates",
        "static",
    ] {
        let dir = site.path().join(folder);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("keep.txt"), "source").expect("write");
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.path().join("content"), site.path().join("link"))
        .expect("symlink");
    let snapshot = |root: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        files(root)
            .into_iter()
            .map(|f| {
                let bytes = std::fs::read(root.join(&f)).expect("read");
                (f, bytes)
            })
            .collect()
    };
    let before = snapshot(site.path());
    let mut places = vec![
        "content",
        "content/courses",
        "./content/../content",
        "public/../content",
        "themes",
        "themes/default",
        "locales",
        "templates",
        "static",
        ".",
        "..",
    ];
    if cfg!(unix) {
        places.push("link");
        places.push("link/new");
    }
    for place in places {
        let out = aula()
            .current_dir(site.path())
            .args(["build", "--output", place])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "--output {place}: {stderr}");
        assert!(
            stderr.contains("refusing to use"),
            "--output {place}: {stderr}"
        );
        assert!(
            stderr.contains("--output public"),
            "--output {place}: {stderr}"
        );
        assert_eq!(
            snapshot(site.path()),
            before,
            "--output {place} changed sources"
        );
    }
    // The same place given as an absolute path.
    let out = aula()
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(site.path().join("content/courses"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(site.path()), before);
}

/// Regression: with --root elsewhere, two paths that both failed to
/// resolve compared equal, and the first page's hash was printed with
/// exit 0.
#[test]
fn translation_hash_of_a_file_that_is_not_there_fails() {
    let site = site("basic");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let out = aula()
        .current_dir(elsewhere.path())
        .args(["translation-hash", "content/nope.es.md", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = aula()
        .current_dir(elsewhere.path())
        .args(["translation-hash", "content/about.es.md", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().len(), 16);
}

/// The 404 page carries every language's section URLs, so its script can
/// offer the same section in another language instead of guessing a URL.
#[test]
fn not_found_page_knows_each_languages_sections() {
    let site = site("basic");
    build_ok(site.path());
    let html = read(site.path(), "public/404.html");
    assert!(
        html.contains(r#"data-sections="es/cursos/ es/guias/ es/itinerarios/ en/courses/ en/guidelines/ en/itineraries/ pt/cursos/ pt/guias/ pt/itinerarios/""#),
        "{html}"
    );
}

/// Regression: a slug longer than a file name may be passed `aula check`
/// and then failed `aula build` with "File name too long" pointing at the
/// temporary output folder. Both now refuse it, naming the source file.
#[test]
fn check_and_build_agree_on_a_name_too_long() {
    let site = site("basic");
    copy_tree(&fixture("invalid/segment_too_long"), site.path());
    for command in ["check", "build"] {
        let out = aula()
            .args([command, "--root"])
            .arg(site.path())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains("is 300 bytes long") && stderr.contains("content/long.es.md:3:1"),
            "{command}: {stderr}"
        );
    }
}

/// `--verbose` prints every stage with its time and, where the system
/// reports it (Linux), the memory after it and the peak so far.
#[test]
fn verbose_build_prints_each_stage_with_its_time_and_memory() {
    let site = site("basic");
    let out = aula()
        .args(["build", "--verbose", "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stages: Vec<&str> = stderr.lines().filter(|l| l.contains(" ms  ")).collect();
    for name in [
        "render Markdown",
        "render, minify, measure and write pages",
        "minify, fingerprint, measure and write the other files",
        "packages",
        "put the new output in place",
    ] {
        assert!(
            stages.iter().any(|l| l.ends_with(&format!("  {name}"))),
            "{name}: {stderr}"
        );
    }
    let mut peak = 0;
    for line in &stages {
        let ms: f64 = line
            .split(" ms")
            .next()
            .unwrap()
            .trim()
            .parse()
            .expect("ms");
        assert!(ms >= 0.0, "{line}");
        if cfg!(target_os = "linux") {
            // `   12.3 ms     45 MiB (peak    60)  name`
            let after = line.split(" ms").nth(1).unwrap();
            let (now, rest) = after.trim_start().split_once(" MiB (peak").expect(line);
            let now: u64 = now.trim().parse().expect("resident");
            let this_peak: u64 = rest
                .split(')')
                .next()
                .unwrap()
                .trim()
                .parse()
                .expect("peak");
            assert!(now > 0 && now <= this_peak, "{line}");
            assert!(this_peak >= peak, "the peak never falls: {line}");
            peak = this_peak;
        }
    }
}
