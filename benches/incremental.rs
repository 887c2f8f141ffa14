//! Incremental rebuild benchmark: the time `aula serve` spends rebuilding
//! after one module is edited (the build only; the HTTP/SSE part is
//! measured by benches/serve_latency.py when present).
//!
//! Run: `cargo bench --bench incremental` (generates a 1,000-module x 3
//! language corpus with benches/gen_corpus.py into target/), or set
//! AULA_BENCH_SITE to an existing site folder. AULA_BENCH_EDITS sets the
//! number of edits (default 15). Prints the median, min and max.

use aula::build::{Options, Session};
use aula::site::LinkStyle;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn corpus() -> PathBuf {
    if let Ok(p) = std::env::var("AULA_BENCH_SITE") {
        return PathBuf::from(p);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = manifest.join("target/bench-corpus/n1000");
    if !out.join("aula/aula.toml").exists() {
        let generator = manifest.join("benches/gen_corpus.py");
        let status = std::process::Command::new("python3")
            .arg(generator)
            .args(["--modules", "1000", "--layouts", "aula", "--out"])
            .arg(&out)
            .status()
            .expect("python3 runs the corpus generator");
        assert!(status.success(), "corpus generation failed");
    }
    out.join("aula")
}

fn main() {
    let root = corpus();
    let edits: usize = std::env::var("AULA_BENCH_EDITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let opts = Options {
        root: root.clone(),
        output: None,
        drafts: false,
        links: LinkStyle::Directory,
        write: false,
        strict: false,
        ..Options::default()
    };
    let mut session = Session::new(opts);
    let t = Instant::now();
    let (files, _) = session.build().expect("first build");
    let pages = files.keys().filter(|k| k.ends_with("index.html")).count();
    println!("site: {} ({pages} pages)", root.display());
    println!(
        "first (full, in memory) build: {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    let module = walkdir::WalkDir::new(root.join("content/courses"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .find(|p| {
            p.to_string_lossy().ends_with(".es.md")
                && !p.to_string_lossy().ends_with("_index.es.md")
        })
        .expect("a module to edit");
    let original = std::fs::read_to_string(&module).expect("read module");
    let mut times = Vec::new();
    let mut stages = Vec::new();
    for i in 0..edits {
        std::fs::write(&module, format!("{original}\nEdit number {i}.\n")).expect("edit");
        let t = Instant::now();
        let (_, report) = session.build().expect("rebuild");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        stages = report.stages;
    }
    println!("stages of the last rebuild:");
    for stage in stages {
        println!("{}", stage.line());
    }
    std::fs::write(&module, original).expect("restore");
    times.sort_by(f64::total_cmp);
    println!(
        "rebuild after editing {}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({edits} edits)",
        module.strip_prefix(&root).unwrap_or(&module).display(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
