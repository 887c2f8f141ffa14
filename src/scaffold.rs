//! `aula new`: writes a small working three-language campus.
//!
//! The starter files are embedded in the binary (see build.rs), so the
//! command works from any folder. It never overwrites anything: the target
//! folder must be new or empty.

use crate::diagnostic::Diagnostic;
use crate::theme::{DEFAULT_THEME, SCAFFOLD};
use std::path::Path;

/// Writes the starter campus into `dir`; with `with_theme`, also a copy of
/// the default theme under `themes/default/` to customise.
pub fn create(dir: &Path, with_theme: bool) -> Result<usize, Diagnostic> {
    if dir.is_file() {
        return Err(Diagnostic::error(format!("{} is a file", dir.display()))
            .help("choose a new folder name"));
    }
    if dir.is_dir() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", dir.display())))?;
        if entries.next().is_some() {
            return Err(Diagnostic::error(format!(
                "{} already exists and is not empty",
                dir.display()
            ))
            .help("choose a new folder name; aula new never overwrites files"));
        }
    }
    let theme = DEFAULT_THEME
        .iter()
        .map(|(p, b)| (format!("themes/default/{p}"), *b));
    let files: Vec<(String, &[u8])> = SCAFFOLD
        .iter()
        .map(|(p, b)| (p.to_string(), *b))
        .chain(theme.filter(|_| with_theme))
        .collect();
    // build.rs skips dot files, so the ignore file is written from here.
    let files: Vec<(String, &[u8])> = files
        .into_iter()
        .chain(std::iter::once((
            ".gitignore".to_string(),
            &b"/public\n/.aula-cache\n"[..],
        )))
        .collect();
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(files.len())
}
