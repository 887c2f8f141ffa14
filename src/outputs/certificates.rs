//! Completion pages: `<dir>/certificate/index.html` for every course and
//! itinerary page, where a learner types a name and prints a
//! self-declared certificate (see `render::certificate`). Rendered again
//! only when the page's own inputs change, like the pages themselves.

use super::{Files, Input};
use crate::diagnostic::Diagnostic;
use crate::memo::{Entry, Memo};
use crate::render::certificate;
use crate::site::course_key;
use rayon::prelude::*;
use std::sync::Arc;

/// Renders every completion page into `files`; what they were made from
/// is pushed onto `memo`.
pub fn add(
    input: &Input,
    previous: &Memo<Arc<[u8]>>,
    memo: &mut Vec<Entry<Arc<[u8]>>>,
    files: &mut Files,
) -> Vec<Diagnostic> {
    let site = input.site;
    let made: Vec<_> = (0..site.pages.len())
        .into_par_iter()
        .filter(|&i| certificate::has_certificate(site, i))
        .map(|i| {
            let dir = certificate::dir(&site.pages[i].dir);
            let r = previous.get_or_make(&dir, &cache_inputs(input, i), || {
                input
                    .certificate_html(i)
                    .map(|html| Arc::from(html.into_bytes()))
            });
            (dir, r)
        })
        .collect();
    let mut errors = Vec::new();
    for (dir, r) in made {
        match r {
            Ok((fp, bytes)) => {
                if let Err(e) = files.add_generated(format!("{dir}/index.html"), Arc::clone(&bytes))
                {
                    errors.push(e);
                }
                memo.push((dir, (fp, bytes)));
            }
            Err(d) => errors.push(d),
        }
    }
    errors
}

/// What a completion page shows beyond the configuration, the theme and
/// URLs: its page's own file, its language's shared values, and the
/// outline of its course or of each course of its itinerary.
fn cache_inputs(input: &Input, i: usize) -> (u64, u64, u64, u64) {
    let site = input.site;
    let p = &site.pages[i];
    let shared = input.shared;
    let courses: Vec<usize> = match p.course {
        Some(c) => vec![c],
        None => p
            .front()
            .itinerary()
            .map_or(&[][..], |it| it.courses.as_slice())
            .iter()
            .filter_map(|r| site.page_or_fallback(&course_key(r), &p.lang))
            .filter_map(|j| site.pages[j].course)
            .collect(),
    };
    let outlines: Vec<u64> = courses
        .iter()
        .map(|&c| shared.outline_fingerprint(c, &p.lang))
        .collect();
    (
        input.fingerprints.global,
        input.fingerprints.docs[i],
        shared.language_fingerprint(&p.lang),
        crate::memo::fingerprint(&outlines),
    )
}
