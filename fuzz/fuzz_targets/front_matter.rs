//! Front matter: split any text into fences and TOML, then parse it as
//! every kind of page. Must never panic; a successful split must give
//! ranges that lie inside the text on character boundaries.
#![no_main]

use aula::content::{Kind, front};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

const KINDS: [Kind; 7] = [
    Kind::Home,
    Kind::Section,
    Kind::Course,
    Kind::Module,
    Kind::Guideline,
    Kind::Itinerary,
    Kind::Page,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("content/fuzz.es.md");
    let Ok(split) = front::split(text, file) else {
        return;
    };
    let (a, b) = split.front;
    assert!(a <= b && b <= split.body_start && split.body_start <= text.len());
    assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
    assert!(text.is_char_boundary(split.body_start));
    assert!(split.body_line >= 2);
    for kind in KINDS {
        if let Err(d) = front::parse(text, &split, kind, file) {
            // Every error points into the file and says how to fix it.
            assert!(d.help.is_some(), "{d}");
            if let Some(line) = d.line {
                assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "{d}");
            }
            let _ = d.to_string();
        }
    }
});
