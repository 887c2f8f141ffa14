//! Encode time and size of each image format aula could write, per image
//! and width: the numbers behind the format choice in `src/images.rs`.
//!
//! ```sh
//! cargo bench --bench images -- photo.jpg graphic.png   # median of 5 runs each
//! AULA_BENCH_RUNS=9 cargo bench --bench images -- *.png
//! ```
//!
//! For each image: its decode time, then for each width of the default
//! `[images] widths` below the image's own (and the full size), the resize
//! time and, for JPEG (quality 80), PNG and lossless WebP, the encode time
//! and the bytes. Prints a Markdown table.

use aula::images::{self, Format};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[0]), ms(v[v.len() - 1]))
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (T, (f64, f64, f64)) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    (last.expect("at least one run"), median(times))
}

fn main() {
    let runs: usize = std::env::var("AULA_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .max(1);
    let files: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if files.is_empty() {
        eprintln!("usage: cargo bench --bench images -- IMAGE...");
        return;
    }
    println!("runs per cell: {runs}; times in ms: median (min–max)\n");
    println!("| image | bytes | size | step | width | format | ms | bytes out |");
    println!("|---|---:|---|---|---:|---|---:|---:|");
    for file in files {
        let bytes = std::fs::read(&file).expect("read image");
        let info = images::probe(&bytes).expect("PNG or JPEG");
        let name = std::path::Path::new(&file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let size = format!("{}x{}", info.width, info.height);
        let (pixels, t) = time(runs, || images::decode(&bytes, &info).expect("decode"));
        println!(
            "| {name} | {} | {size} | decode | {} | {:?} | {:.1} ({:.1}–{:.1}) | |",
            bytes.len(),
            info.width,
            info.format,
            t.0,
            t.1,
            t.2
        );
        let mut widths: Vec<u32> = [480, 960, 1440]
            .into_iter()
            .filter(|&w| w < info.width)
            .collect();
        widths.push(info.width);
        for w in widths {
            let h = (u64::from(info.height) * u64::from(w) / u64::from(info.width)) as u32;
            let (small, t) = time(runs, || images::resize(&pixels, w, h.max(1)));
            println!(
                "| {name} | | | resize | {w} | | {:.1} ({:.1}–{:.1}) | |",
                t.0, t.1, t.2
            );
            for format in [Format::Jpeg, Format::Png, Format::Webp] {
                let (out, t) = time(runs, || images::encode(&small, format, 80).expect("encode"));
                println!(
                    "| {name} | | | encode | {w} | {format:?} | {:.1} ({:.1}–{:.1}) | {} |",
                    t.0,
                    t.1,
                    t.2,
                    out.len()
                );
            }
        }
    }
}
