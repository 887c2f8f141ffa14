//! Embeds the default theme and the `aula new` scaffold in the binary, so
//! `aula build` works on a site without a themes/ folder and `aula new`
//! works from any folder. Lists the files at compile time; no dependencies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for (name, dir) in [
        ("DEFAULT_THEME", "themes/default"),
        ("SCAFFOLD", "src/scaffold"),
    ] {
        let root = manifest.join(dir);
        println!("cargo:rerun-if-changed={}", root.display());
        let mut files = Vec::new();
        collect(&root, &root, &mut files);
        files.sort();
        writeln!(out, "pub static {name}: &[(&str, &[u8])] = &[").expect("write to String");
        for (rel, abs) in files {
            println!("cargo:rerun-if-changed={}", abs.display());
            writeln!(
                out,
                "    ({rel:?}, include_bytes!({:?})),",
                abs.display().to_string()
            )
            .expect("write to String");
        }
        writeln!(out, "];").expect("write to String");
    }
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !rel.starts_with('.') {
                files.push((rel, path));
            }
        }
    }
}
