//! Resized images: for every PNG and JPEG a page uses, the files its
//! `srcset` names (see [`crate::images`]), next to the page's copy of the
//! original. Each source is decoded at most once per build, whatever the
//! number of pages (translations) that show it, and not at all when the
//! cache holds every variant; sources are processed in parallel.
//!
//! A source that cannot be read or decoded is an error at the first line
//! that uses it; nothing is written (the build stops before writing).

use super::assets::join;
use super::{Data, Files, Input};
use crate::diagnostic::{Diagnostic, Kind};
use crate::images::{self, Cache, Made, Stats};
use crate::markdown::AssetRef;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};

pub fn add(input: &Input, cache: &mut Cache, files: &mut Files) -> (Vec<Diagnostic>, Stats) {
    let site = input.site;
    let catalog = input.images;
    // Every use of every resized source, in page order.
    let mut uses: BTreeMap<String, Vec<(usize, &AssetRef)>> = BTreeMap::new();
    for (i, body) in input.bodies.iter().enumerate() {
        for a in &body.assets {
            let source = join(site.pages[i].folder(), &a.path);
            if catalog.get(&source).is_some() {
                uses.entry(source).or_default().push((i, a));
            }
        }
    }
    let config = catalog.config();
    let content = site.config.content_dir();
    let shared: &Cache = cache;
    let results: Vec<_> = uses
        .par_iter()
        .map(|(source, _)| {
            let made = match catalog.get(source) {
                Some(Ok(info)) => {
                    let wanted = images::variants(info, &config.widths);
                    images::make(&content.join(source), info, &wanted, config.quality, shared)
                }
                Some(Err(e)) => Err(e.clone()),
                None => Ok((Vec::new(), Stats::default())),
            };
            (source, made)
        })
        .collect();

    let mut errors = Vec::new();
    let mut stats = Stats::default();
    let mut used = HashSet::new();
    let mut remember = Vec::new();
    for (source, made) in results {
        let pages = &uses[source];
        let made = match made {
            Ok((made, s)) => {
                stats += s;
                made
            }
            Err(why) => {
                let (i, a) = pages[0];
                let page = &site.pages[i];
                errors.push(
                    Diagnostic::error(format!("cannot use the image `{}`: {why}", a.path))
                        .file(page.path())
                        .at(a.line, a.column, Some(&page.text(&site.config.root)))
                        .kind(Kind::Asset)
                        .help(format!(
                            "content/{source} is damaged or is not the format its name says: open it in an image editor and export it again as PNG or JPEG, or replace it (GIF and SVG files are copied as they are)"
                        )),
                );
                continue;
            }
        };
        for (i, a) in pages {
            let page = &site.pages[*i];
            for done in &made {
                let out = format!(
                    "{}/{}",
                    page.dir,
                    images::variant_path(&a.path, &done.variant)
                );
                let data = match &done.made {
                    Made::Bytes(b) => Data::Bytes(b.clone()),
                    Made::File(p) => Data::Copy(p.clone()),
                };
                if files.add(out.clone(), data).is_err() {
                    errors.push(
                        Diagnostic::error(format!(
                            "the resized image {out} would replace another file"
                        ))
                        .file(page.path())
                        .at(a.line, a.column, Some(&page.text(&site.config.root)))
                        .kind(Kind::Asset)
                        .help("rename the image: aula writes its resized copies next to it as NAME-480w.png and so on"),
                    );
                }
            }
        }
        for done in made {
            used.insert(done.key.clone());
            remember.push((done.key, done.made));
        }
    }
    cache.remember(&remember);
    cache.retain(&used);
    (errors, stats)
}
