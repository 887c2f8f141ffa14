//! Trust: what a campus built by many hands can rely on.
//!
//! - Good-but-odd input builds (CRLF, BOM, accents in names, spaces in
//!   folders, a 5 MB page, deep nesting, an empty course).
//! - No contributor text runs script: every string of the `xss` fixture
//!   carries a payload, and the built pages have exactly the markup of the
//!   same site with the payloads replaced by plain words.
//! - Output is reproducible (no absolute path of the build machine, the same
//!   bytes from any folder) and atomic (a killed build leaves the previous
//!   `public/` byte for byte).
//! - Symbolic links inside the site are followed (those leading outside are
//!   errors: see errors.rs).
//! - Properties, with a low case count: parsers never panic, slugs are
//!   idempotent and never path separators, two pages never share a URL
//!   silently.

use crate::common::*;
use aula::build;
use aula::config::RawHtml;
use aula::content::{Kind, front};
use aula::highlight::Highlighter;
use aula::markdown::{self, LinkError, LinkTarget, unsafe_markup};
use aula::slug::slugify;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

// ---- Good but odd ------------------------------------------------------

/// A page of about `bytes` bytes of ordinary Markdown.
fn long_page(bytes: usize) -> String {
    let mut s = String::from("+++\r\ntitle = \"Página muy larga\"\r\n+++\r\n\r\n");
    let mut n = 0;
    while s.len() < bytes {
        n += 1;
        s.push_str(&format!(
            "## Sección {n}\r\n\r\nUn párrafo con *énfasis*, `código`, un [enlace](https://example.org/{n}) \
             y acentos: ñandú, canção, pingüino. Texto de relleno para llegar a cinco megas.\r\n\r\n\
             - uno\r\n- dos\r\n\r\n"
        ));
    }
    s
}

#[test]
fn odd_but_valid_inputs_build() {
    let site = site("odd");
    let root = site.path();
    // Guard against git turning the fixture's CRLF into LF on checkout.
    let home = std::fs::read(root.join("content/_index.es.md")).expect("read");
    assert!(
        home.starts_with(b"\xef\xbb\xbf+++\r\n"),
        "fixture keeps BOM and CRLF"
    );
    assert!(
        read(root, "aula.toml").contains("\r\n"),
        "aula.toml keeps CRLF"
    );
    for l in ["es", "en", "pt"] {
        std::fs::write(
            root.join(format!("content/larga.{l}.md")),
            long_page(5 << 20),
        )
        .expect("write long page");
    }

    let report = build_ok(root);
    let public = root.join("public");
    // The 5 MB pages are valid, and over the page budget: warned, not failed.
    let (budget, others): (Vec<_>, Vec<_>) = report
        .warnings
        .into_iter()
        .partition(|w| w.kind == aula::diagnostic::Kind::Budget);
    assert!(others.is_empty(), "{}", render(&others));
    assert_eq!(budget.len(), 3, "{}", render(&budget));
    // `broken_references` percent-decodes: `ni%C3%B1o%20feliz.png` finds `niño feliz.png`.
    let broken = broken_references(&public);
    assert_eq!(broken, Vec::<String>::new());

    let es_home = read(&public, "es/index.html");
    assert!(
        es_home.contains("Inicio con BOM"),
        "BOM is not part of the title"
    );
    assert!(!es_home.contains('\u{feff}'), "no BOM in output");
    for page in [
        "es/cursos/diseno-cao/index.html",
        "es/cursos/diseno-cao/01-nino/index.html",
        "es/cursos/diseno-cao/02-acao/index.html",
        "en/courses/diseno-cao/01-nino/index.html",
        "pt/cursos/vacio/index.html",
        "es/notas-de-clase/guia-rapida/index.html",
        "en/notas-de-clase/guia-rapida/index.html",
        "es/profundo/index.html",
    ] {
        assert!(
            public.join(page).is_file(),
            "{page} missing: {:?}",
            files(&public)
        );
    }
    let module = read(&public, "es/cursos/diseno-cao/01-nino/index.html");
    assert!(
        module.contains("El niño y la canção (es)"),
        "title with CRLF front matter"
    );
    assert!(
        module.contains("Ver acentos: áéíóú ñ ç"),
        "objectives parsed"
    );
    assert!(module.contains("id=\"paso-uno\""), "explicit id with CRLF");
    assert!(module.contains("<br"), "CRLF hard break");
    assert!(
        module.contains("src=\"ni%C3%B1o%20feliz.png\""),
        "image with ñ and a space in its name"
    );
    assert!(
        public
            .join("es/cursos/diseno-cao/01-nino/niño feliz.png")
            .is_file()
    );
    let empty = read(&public, "es/cursos/vacio/index.html");
    assert!(empty.contains("Curso vacío (es)"));
    let deep = read(&public, "es/profundo/index.html");
    assert!(
        deep.matches("<blockquote>").count() >= 60,
        "deep quotes kept"
    );
    assert!(deep.matches("<ul>").count() >= 60, "deep lists kept");
    assert!(deep.contains("id=\"fondo\""));
    let long = std::fs::metadata(public.join("es/larga/index.html")).expect("long page");
    assert!(long.len() > 5 << 20, "the 5 MB page is all there");
}

// ---- XSS ---------------------------------------------------------------

/// The payloads in tests/fixtures/xss, longest first, each with the plain
/// word that replaces it in the reference build.
const PAYLOADS: [&str; 8] = [
    "<!-- ]]> &amp; &lt;",
    "</script><script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "' onmouseover='alert(3)",
    "<script>alert(4)</script>",
    "<img src=x onerror=alert(5)>",
    "<script>alert(6)</script>",
    "<!-- ]]>",
];

/// Each tag of an HTML or XML text as `name attr attr…` (values left out),
/// in order: the page's structure, without its text.
fn tag_shapes(html: &str) -> Vec<String> {
    let mut shapes = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            shapes.push("!--".into());
            continue;
        }
        let name_end = rest
            .char_indices()
            .find(|&(i, c)| c.is_ascii_whitespace() || c == '>' || (c == '/' && i > 0))
            .map_or(rest.len(), |(i, _)| i);
        let name = rest[..name_end].to_ascii_lowercase();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?')
        {
            continue;
        }
        rest = &rest[name_end..];
        let mut shape = name;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let end = rest
                .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
                .unwrap_or(rest.len())
                .max(1);
            shape.push(' ');
            shape.push_str(&rest[..end].to_ascii_lowercase());
            rest = rest[end..].trim_start();
            if let Some(v) = rest.strip_prefix('=') {
                let v = v.trim_start();
                rest = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => v[1..].find(q).map_or("", |c| &v[c + 2..]),
                    _ => {
                        let e = v
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(v.len());
                        &v[e..]
                    }
                };
            }
        }
        shapes.push(shape);
    }
    shapes
}

/// A copy of the `xss` fixture with `[markdown] raw_html = policy`.
fn xss_site(policy: &str) -> tempfile::TempDir {
    let dir = site("xss");
    let config = dir.path().join("aula.toml");
    let text = read(dir.path(), "aula.toml");
    std::fs::write(
        &config,
        format!("{text}\n[markdown]\nraw_html = \"{policy}\"\n"),
    )
    .expect("write");
    dir
}

/// Whether a built file shows a page body with raw HTML from the fixture.
fn shows_home_body(name: &str) -> bool {
    ["es/index.html", "en/index.html", "pt/index.html"].contains(&name)
}

#[test]
fn injected_script_in_front_matter_and_config_never_runs() {
    for policy in ["escape", "sanitize", "allow"] {
        xss_under(policy);
    }
}

fn xss_under(policy: &str) {
    let hostile = xss_site(policy);
    build_ok(hostile.path());
    // The same site with every payload replaced by a plain word.
    let plain = xss_site(policy);
    for f in files(plain.path()) {
        if f.ends_with(".md") || f.ends_with(".toml") {
            let mut text = read(plain.path(), &f);
            for p in PAYLOADS {
                text = text.replace(p, "plain");
            }
            std::fs::write(plain.path().join(&f), text).expect("write");
        }
    }
    build_ok(plain.path());

    // The search index names its files by content hash: other text, other
    // names. search.js shows that text as text (titles) or as text and
    // <mark> only (excerpts), never as markup.
    let pages = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut all = contents(dir);
        all.retain(|name, _| !name.starts_with("pagefind/"));
        all
    };
    let bad = pages(&hostile.path().join("public"));
    let good = pages(&plain.path().join("public"));
    assert_eq!(
        bad.keys().collect::<Vec<_>>(),
        good.keys().collect::<Vec<_>>(),
        "{policy}: payloads change no file name"
    );
    let mut checked = 0;
    for (name, bytes) in &bad {
        if !(name.ends_with(".html") || name.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        // `allow` passes bodies' raw HTML on purpose: what must hold is
        // that front matter and configuration never become markup, in
        // feeds and in every page's head (title, description, JSON-LD).
        let head = |t: std::borrow::Cow<'_, str>| -> String {
            match (policy, t.find("</head>")) {
                ("allow", Some(end)) => t[..end].to_owned(),
                _ => t.into_owned(),
            }
        };
        let text = head(text);
        let good_text = head(String::from_utf8_lossy(&good[name]));
        for raw in ["<script>alert", "<img src=x onerror", "onmouseover='alert"] {
            assert!(!text.contains(raw), "{policy}: {name}: unescaped `{raw}`");
        }
        let shapes = tag_shapes(&text);
        assert!(
            !shapes
                .iter()
                .any(|s| s.split(' ').skip(1).any(|a| a.starts_with("on"))),
            "{policy}: {name}: an event-handler attribute"
        );
        if name.ends_with(".html") {
            // (`404.html` has its own `<base>`.)
            assert_eq!(
                unsafe_markup(&text),
                unsafe_markup(&good_text),
                "{policy}: {name}"
            );
        }
        // Sanitizing keeps an author's harmless tags (`<img src=x>` less
        // its handler), which the plain site has not: compare structure
        // only where no raw HTML is kept.
        if policy == "escape" || (policy == "sanitize" && !shows_home_body(name)) {
            assert_eq!(
                shapes,
                tag_shapes(&good_text),
                "{policy}: {name}: the payloads changed the markup"
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "{policy}: only {checked} pages checked");
    let module = String::from_utf8_lossy(&bad["es/cursos/evil/01-one/index.html"]).into_owned();
    assert!(
        module.contains("Module &lt;&#x2F;script&gt;") || module.contains("Module &lt;/script&gt;"),
        "{policy}: the title is shown as text: {}",
        main_of(&module)
    );
}

// ---- Reproducible and atomic --------------------------------------------

#[test]
fn output_names_no_absolute_path_of_the_build_machine() {
    let site = site("basic");
    build_ok(site.path());
    let mut paths: Vec<String> = vec![
        site.path().display().to_string(),
        env!("CARGO_MANIFEST_DIR").to_string(),
    ];
    if let Ok(canon) = std::fs::canonicalize(site.path()) {
        paths.push(canon.display().to_string());
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| h.len() > 1) {
        paths.push(home.to_string_lossy().into_owned());
    }
    let tmp = std::env::temp_dir().display().to_string();
    paths.push(tmp);
    let out = contents(&site.path().join("public"));
    assert!(out.len() > 20);
    for (name, bytes) in &out {
        for p in &paths {
            assert!(!contains(bytes, p.as_bytes()), "{name} contains `{p}`");
        }
        assert!(!contains(bytes, b"/tmp/"), "{name} contains /tmp/");
    }
}

#[test]
fn builds_in_different_folders_are_byte_identical() {
    let a = site("basic");
    let b = site("basic");
    let nested = b.path().join("deeper folder/with ñ");
    std::fs::create_dir_all(&nested).expect("mkdir");
    copy_tree(&fixture("basic"), &nested);
    build_ok(a.path());
    build_ok(&nested);
    assert_eq!(
        contents(&a.path().join("public")),
        contents(&nested.join("public"))
    );
}

/// A site big enough that a debug build takes a noticeable time.
fn big_site(root: &Path, version: &str) {
    std::fs::copy(fixture("basic/aula.toml"), root.join("aula.toml")).expect("config");
    let content = root.join("content");
    let course = content.join("courses/big");
    std::fs::create_dir_all(&course).expect("mkdir");
    for l in ["es", "en", "pt"] {
        std::fs::write(
            content.join(format!("_index.{l}.md")),
            format!("+++\ntitle = \"Home {l} {version}\"\n+++\nHome.\n"),
        )
        .expect("write");
        std::fs::write(
            course.join(format!("_index.{l}.md")),
            format!("+++\ntitle = \"Big {l} {version}\"\n+++\nA big course.\n"),
        )
        .expect("write");
        for m in 0..400 {
            let body = format!(
                "+++\ntitle = \"Module {m} {l} {version}\"\nweight = {m}\n+++\n\n## Part {m}\n\n{}\n\n```python\ndef f{m}(x):\n    return x * {m}  # {version}\n```\n",
                "Some words to render in a paragraph. ".repeat(40)
            );
            std::fs::write(course.join(format!("m{m:03}.{l}.md")), body).expect("write");
        }
    }
}

#[test]
fn killed_build_leaves_previous_public_byte_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    big_site(root, "v1");
    let aula = env!("CARGO_BIN_EXE_aula");
    let build = || {
        Command::new(aula)
            .args(["--quiet", "build", "--root"])
            .arg(root)
            .spawn()
            .expect("spawn aula")
    };
    let status = build().wait().expect("first build");
    assert!(status.success());
    let public = root.join("public");
    let before = contents(&public);
    assert!(before.len() > 1200);

    big_site(root, "v2");
    // Kill early (while rendering), as soon as the temporary output appears,
    // and once it holds files (while writing).
    for (moment, files_in_tmp) in [
        ("rendering", None),
        ("start of writing", Some(0)),
        ("mid-write", Some(200)),
    ] {
        let mut child = build();
        let pid = child.id();
        let tmp = root.join(format!(".public.aula-tmp-{pid}"));
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("poll") {
                panic!(
                    "the build finished ({status}) before it could be killed {moment}: make the site bigger"
                );
            }
            let ready = match files_in_tmp {
                None => start.elapsed() > Duration::from_millis(150),
                Some(n) => std::fs::read_dir(tmp.join("en/courses/big"))
                    .map(|d| d.count() > n)
                    .unwrap_or(n == 0 && tmp.exists()),
            };
            if ready {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "build never reached {moment}"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().expect("kill");
        child.wait().expect("reap");
        assert!(
            contents(&public) == before,
            "killed {moment}: public/ changed"
        );
        let _ = std::fs::remove_dir_all(&tmp);
    }
    let status = build().wait().expect("last build");
    assert!(status.success());
    assert_ne!(
        contents(&public),
        before,
        "a complete build replaces public/"
    );
}

// ---- Properties ----------------------------------------------------------

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const KINDS: [Kind; 7] = [
    Kind::Home,
    Kind::Section,
    Kind::Course,
    Kind::Module,
    Kind::Guideline,
    Kind::Itinerary,
    Kind::Page,
];

fn parse_front(text: &str) {
    let file = Path::new("content/p.es.md");
    if let Ok(split) = front::split(text, file) {
        assert!(split.body_start <= text.len());
        for kind in KINDS {
            if let Err(d) = front::parse(text, &split, kind, file) {
                assert!(d.help.is_some(), "{d}");
                let _ = d.to_string();
            }
        }
    }
}

/// Pieces of Markdown and HTML that tend to interact.
fn markdownish() -> impl Strategy<Value = String> {
    let pieces = vec![
        "#",
        "## ",
        " ",
        "\n",
        "\r\n",
        "\n\n",
        "*",
        "_",
        "`",
        "```",
        "```python\n",
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        ">",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "javascript:",
        "JaVa\tScRiPt:",
        "&#106;",
        "data:text/html,",
        "data:image/png,",
        "@/",
        "@/a.md",
        "a.md",
        "#x",
        "{#id}",
        "{onclick=x}",
        "{lang=en .c}",
        "|",
        "|---|",
        "---",
        "- ",
        "1. ",
        "> ",
        "\\",
        "&amp;",
        "é",
        "ñ",
        "\t",
        "\u{0}",
        "[^1]",
        "[^1]: ",
        "~~",
        "https://x.org/",
        "../",
        "img.png",
        "\"",
        "'",
        "=",
        ":",
        "<a href=",
        " onerror=",
        "<img src=x ",
        "<div>",
        "</div>",
        "text",
        "- [ ] ",
        "    ",
        "\u{feff}",
        "%2e%2e/",
        "![a](",
        "ñ.png)",
        "<ó b.png>",
        "```quiz\n",
        "question = \"<script>q\"\n",
        "[[options]]\n",
        "text = \"a\"\n",
        "correct = true\n",
        "kind = \"multiple\"\n",
        "answer = false\n",
        "feedback = \"<img src=x onerror=y>\"\n",
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..60).prop_map(|v| v.concat())
}

fn resolve(path: &str) -> Result<LinkTarget, LinkError> {
    if path == "a.md" {
        Ok(LinkTarget {
            href: "../a/".into(),
            page: 0,
            lang: None,
        })
    } else {
        Err(LinkError {
            message: format!("no page `{path}`"),
            help: "fix the path".into(),
        })
    }
}

fn render_markdown(body: &str, raw_html: RawHtml) -> markdown::Rendered {
    static HIGHLIGHTER: std::sync::OnceLock<Highlighter> = std::sync::OnceLock::new();
    let labels = markdown::quiz::Labels::default();
    let opts = markdown::Options {
        first_line: 5,
        raw_html,
        ..markdown::Options::new(
            HIGHLIGHTER.get_or_init(Highlighter::new),
            &resolve,
            markdown::quiz::Context {
                key: "k",
                labels: &labels,
            },
        )
    };
    markdown::render(body, &opts)
}

/// A small site as (path under content/, front matter lines) pairs.
fn small_site() -> impl Strategy<Value = Vec<(String, String)>> {
    let names = prop::sample::select(vec!["a", "A", "á", "a-", "b", "01-a", "x y", "ñ", "n"]);
    let slugs = prop::option::of(prop::sample::select(vec![
        "a", "b", "n", "cursos", "courses",
    ]));
    let places = prop::sample::select(vec![
        "",
        "notes/",
        "Notes/",
        "guidelines/",
        "courses/c/",
        "courses/C/",
    ]);
    let langs = prop::sample::select(vec!["es", "en", "pt"]);
    prop::collection::vec((places, names, slugs, langs), 1..8).prop_map(|pages| {
        let mut out = Vec::new();
        for (place, name, slug, lang) in pages {
            let slug = slug
                .map(|s| format!("slug = \"{s}\"\n"))
                .unwrap_or_default();
            let extra = if place.starts_with("courses/") {
                "weight = 1\n"
            } else {
                ""
            };
            out.push((format!("{place}{name}.{lang}.md"), format!("{slug}{extra}")));
            if let Some(course) = place.strip_prefix("courses/") {
                out.push((format!("courses/{course}_index.{lang}.md"), String::new()));
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn front_matter_parsing_never_panics(s in "\\PC*") {
        parse_front(&s);
        parse_front(&format!("+++\n{s}"));
    }

    #[test]
    fn front_matter_shaped_text_never_panics(
        toml in "([a-z_]{1,8} = (\"[^\"\n]{0,8}\"|[0-9-]{1,4}|\\[\\]|true|[{}]|'.{0,3}')\r?\n|\\[[a-z]{1,5}\\]\n|#.{0,5}\n){0,6}",
        bom in any::<bool>(),
        body in "\\PC{0,40}",
    ) {
        let text = format!("{}+++\n{toml}+++\n{body}", if bom { "\u{feff}" } else { "" });
        parse_front(&text);
    }

    #[test]
    fn markdown_rendering_never_panics_nor_lets_script_through(body in markdownish()) {
        let escaped = render_markdown(&body, RawHtml::Escape);
        prop_assert_eq!(unsafe_markup(&escaped.html()), None, "{:?} gave {}", body, escaped.html());
        for e in &escaped.errors {
            prop_assert!(e.line >= 5 && e.column >= 1 && !e.help.is_empty(), "{:?}", e);
        }
        let sanitized = render_markdown(&body, RawHtml::Sanitize);
        prop_assert_eq!(unsafe_markup(&sanitized.html()), None, "{:?} gave {}", body, sanitized.html());
        for w in &sanitized.warnings {
            prop_assert!(w.line >= 5 && w.column >= 1 && !w.help.is_empty(), "{:?}", w);
        }
        let _ = render_markdown(&body, RawHtml::Allow);
    }

    #[test]
    fn markdown_never_panics_on_any_text(body in "\\PC*") {
        let _ = render_markdown(&body, RawHtml::Escape);
        let sanitized = render_markdown(&body, RawHtml::Sanitize);
        prop_assert_eq!(unsafe_markup(&sanitized.html()), None, "{:?} gave {}", body, sanitized.html());
    }

    #[test]
    fn slugify_is_idempotent_and_never_a_path(s in any::<String>()) {
        let once = slugify(&s);
        prop_assert_eq!(slugify(&once), once.clone());
        prop_assert!(
            once.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{:?} from {:?}", once, s
        );
        prop_assert!(!once.contains(['/', '\\', '.', '\0']) && !once.starts_with('-'));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..config() })]

    #[test]
    fn two_pages_never_share_a_url_silently(pages in small_site()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::copy(fixture("basic/aula.toml"), root.join("aula.toml")).expect("config");
        for (i, (path, front)) in pages.iter().enumerate() {
            let file = root.join("content").join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(&file, format!("+++\ntitle = \"Page {i}\"\n{front}+++\nBody {i}.\n"))
                .expect("write");
        }
        let mut opts = options(root);
        opts.write = false;
        match build::render_site(&opts) {
            Ok((files, report)) => {
                // Each page of a language writes one `<lang>/…/index.html`;
                // two pages on one path would leave fewer files than pages.
                // (Completion pages are not pages of the report.)
                for (lang, pages) in &report.pages_by_language {
                    let outputs = files
                        .keys()
                        .filter(|k| k.starts_with(&format!("{lang}/")) && k.ends_with("/index.html"))
                        .filter(|k| !k.ends_with("/certificate/index.html"))
                        // A course's printable page is not a page of its own.
                        .filter(|k| !k.ends_with("/print/index.html"))
                        // Not a page of the site: written in every language.
                        .filter(|k| **k != format!("{lang}/search/index.html"))
                        .count();
                    prop_assert_eq!(*pages, outputs, "{}: {:?}", lang, files.keys().collect::<Vec<_>>());
                }
            }
            Err(errors) => {
                prop_assert!(errors.iter().any(|d| d.is_error() && d.help.is_some()), "{}", render(&errors));
                let same: Vec<_> = pages.iter().map(|(p, _)| p).collect();
                for d in errors.iter().filter(|d| d.message.starts_with("two pages want the URL")) {
                    prop_assert!(d.file.is_some(), "{d} ({same:?})");
                }
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed() {
    let site = site("basic");
    let root = site.path();
    std::fs::create_dir_all(root.join("shared")).expect("mkdir");
    std::fs::write(
        root.join("shared/faq.es.md"),
        "+++\ntitle = \"Preguntas\"\n+++\nTexto compartido.\n",
    )
    .expect("write");
    std::os::unix::fs::symlink("../shared/faq.es.md", root.join("content/faq.es.md"))
        .expect("symlink");
    build_ok(root);
    assert!(read(&root.join("public"), "es/faq/index.html").contains("Texto compartido."));
}
