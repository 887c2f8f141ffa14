//! Themes: where templates, UI strings and static files come from.
//!
//! A theme is `themes/<name>/{templates,locales,static}`; the site's own
//! `templates/`, `locales/` and `static/` are layered on top (same name
//! wins). The default theme embedded in the binary is always the bottom
//! layer of the `default` theme, so a bare `content/` + `aula.toml` builds
//! and a site's `themes/default/` may hold only the files it changes. Reads files;
//! never writes.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

pub use embedded::{DEFAULT_THEME, SCAFFOLD};

/// A text file of the theme or the site, with the path shown in messages.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub shown: PathBuf,
    pub text: String,
}

/// Every input the theme layer provides, already layered.
#[derive(Debug, Default)]
pub struct Theme {
    /// Template name (`module.html`, `partials/x.html`) to file.
    pub templates: BTreeMap<String, TextFile>,
    /// (language, file name) to Fluent file; site files come after theme
    /// files with the same language so they override message by message.
    pub locales: Vec<(String, TextFile)>,
    /// Static files to copy to the output root, relative path to bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
        let mut theme = Theme::default();
        let mut errors = Vec::new();
        let dir = config.root.join("themes").join(&config.theme);
        if config.theme == "default" {
            // The built-in copy first: a site's themes/default/ may hold
            // only the files it changes.
            theme.add_embedded(&mut errors);
            if dir.is_dir() {
                theme.add_dir(&config.root, &dir, &mut errors);
            }
        } else if dir.is_dir() {
            theme.add_dir(&config.root, &dir, &mut errors);
        } else {
            return Err(vec![
                Diagnostic::error(format!("theme `{}` not found", config.theme))
                    .file(crate::config::CONFIG_FILE)
                    .help(format!(
                        "create themes/{}/ or remove the `theme` line to use the default theme",
                        config.theme
                    )),
            ]);
        }
        // The site's own files override the theme's.
        theme.add_dir(&config.root, &config.root, &mut errors);
        if errors.is_empty() {
            Ok(theme)
        } else {
            Err(errors)
        }
    }

    fn add_embedded(&mut self, errors: &mut Vec<Diagnostic>) {
        for (rel, bytes) in embedded::DEFAULT_THEME {
            let shown = PathBuf::from("(embedded default theme)").join(rel);
            self.add(rel, shown, bytes.to_vec(), errors);
        }
    }

    /// Adds `templates/`, `locales/` and `static/` found under `dir`.
    fn add_dir(&mut self, root: &Path, dir: &Path, errors: &mut Vec<Diagnostic>) {
        for sub in ["templates", "locales", "static"] {
            let base = dir.join(sub);
            if !base.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        errors.push(
                            Diagnostic::error(format!("cannot read theme files: {e}")).file(&base),
                        );
                        continue;
                    }
                };
                if !entry.file_type().is_file() {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel.split('/').any(|p| p.starts_with('.')) {
                    continue;
                }
                let shown = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(entry.path())
                    .to_path_buf();
                match std::fs::read(entry.path()) {
                    Ok(bytes) => self.add(&rel, shown, bytes, errors),
                    Err(e) => {
                        errors.push(Diagnostic::error(format!("cannot read file: {e}")).file(shown))
                    }
                }
            }
        }
    }

    fn add(&mut self, rel: &str, shown: PathBuf, bytes: Vec<u8>, errors: &mut Vec<Diagnostic>) {
        let text = |bytes: Vec<u8>, errors: &mut Vec<Diagnostic>| match String::from_utf8(bytes) {
            Ok(t) => Some(t),
            Err(_) => {
                errors.push(
                    Diagnostic::error("the file is not valid UTF-8")
                        .file(&shown)
                        .help("save it as UTF-8"),
                );
                None
            }
        };
        if let Some(name) = rel.strip_prefix("templates/") {
            if let Some(text) = text(bytes, errors) {
                self.templates.insert(
                    name.to_string(),
                    TextFile {
                        shown: shown.clone(),
                        text,
                    },
                );
            }
        } else if let Some(rest) = rel.strip_prefix("locales/") {
            if let Some((lang, file)) = rest.split_once('/')
                && file.ends_with(".ftl")
                && !file.contains('/')
                && let Some(text) = text(bytes, errors)
            {
                self.locales.push((
                    lang.to_string(),
                    TextFile {
                        shown: shown.clone(),
                        text,
                    },
                ));
            }
        } else if let Some(name) = rel.strip_prefix("static/") {
            self.statics.insert(name.to_string(), bytes);
        }
    }
}
