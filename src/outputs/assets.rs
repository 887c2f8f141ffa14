//! Colocated assets: every file a page's Markdown uses (an image next to
//! the `.md`), copied next to that page's `index.html`. A file that would
//! replace a generated one is an error at the line that uses it.

use super::{Data, Files, Input};
use crate::diagnostic::Diagnostic;

pub fn add(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let site = input.site;
    let mut errors = Vec::new();
    for (page, body) in site.pages.iter().zip(input.bodies) {
        for a in &body.assets {
            let src_rel = join(page.folder(), &a.path);
            let out = format!("{}/{}", page.dir, a.path);
            let data = Data::Copy(site.config.content_dir().join(&src_rel));
            if files.add(out.clone(), data).is_err() {
                let source = page.doc().map(|d| d.source.as_str());
                errors.push(
                    Diagnostic::error(format!(
                        "the file content/{src_rel} would replace the generated {out}"
                    ))
                    .file(page.path())
                    .at(a.line, a.column, source)
                    .kind(crate::diagnostic::Kind::Asset)
                    .help("rename the file: a page's folder already has that name"),
                );
            }
        }
    }
    errors
}

/// `dir/rel`, or `rel` at the top of `content/`.
pub fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_string()
    } else {
        format!("{dir}/{rel}")
    }
}
