//! Colocated assets: every file a page's Markdown uses (an image next to
//! the `.md`), and the images its front matter names (`[badge] image`,
//! `[credential] image`), copied next to that page's `index.html`. A
//! file that would replace a generated one, or that does not exist, is an
//! error at the line that names it.

use super::{Data, Files, Input};
use crate::diagnostic::{Diagnostic, Kind};

pub fn add(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let mut errors = markdown_assets(input, files);
    errors.extend(front_images(input, files));
    errors
}

/// The image a page's front matter names, if any.
pub fn front_image(page: &crate::site::Page) -> Option<&str> {
    let front = page.front();
    front
        .course()
        .and_then(|c| c.badge.as_ref()?.image.as_deref())
        .or_else(|| {
            front
                .itinerary()
                .and_then(|i| i.credential.as_ref()?.image.as_deref())
        })
}

/// Badge and credential images, next to the page that shows them.
fn front_images(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let site = input.site;
    let mut errors = Vec::new();
    for page in &site.pages {
        let (Some(image), Some(doc)) = (front_image(page), page.doc()) else {
            continue;
        };
        let src_rel = join(page.folder(), image);
        let line = doc
            .source
            .lines()
            .position(|l| l.trim_start().starts_with("image") && l.contains(image))
            .map_or(1, |l| l + 1);
        let at = |d: Diagnostic| {
            d.kind(Kind::Asset)
                .file(&doc.path)
                .at(line, 1, Some(&doc.source))
        };
        let plain =
            !image.is_empty() && !image.contains(['/', '\\', ':']) && !image.starts_with('.');
        if !plain || !site.assets.contains(&src_rel) {
            errors.push(at(Diagnostic::error(format!(
                "missing image `{image}`: content/{src_rel} does not exist"
            )))
            .help("put the image (PNG or SVG) next to the Markdown file and write its file name, e.g. image = \"badge.svg\""));
            continue;
        }
        let out = format!("{}/{image}", page.dir);
        let data = Data::Copy(site.config.content_dir().join(&src_rel));
        if files.add(out.clone(), data).is_err() {
            errors.push(
                at(Diagnostic::error(format!(
                    "the image content/{src_rel} would replace the generated {out}"
                )))
                .help("rename the image"),
            );
        }
    }
    errors
}

/// Files the pages' Markdown links to or shows.
fn markdown_assets(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let site = input.site;
    let mut errors = Vec::new();
    for (page, body) in site.pages.iter().zip(input.bodies) {
        for a in &body.assets {
            let src_rel = join(page.folder(), &a.path);
            let out = format!("{}/{}", page.dir, a.path);
            let data = Data::Copy(site.config.content_dir().join(&src_rel));
            if files.add(out.clone(), data).is_err() {
                let source = page.text(&site.config.root);
                errors.push(
                    Diagnostic::error(format!(
                        "the file content/{src_rel} would replace the generated {out}"
                    ))
                    .file(page.path())
                    .at(a.line, a.column, Some(&source))
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
