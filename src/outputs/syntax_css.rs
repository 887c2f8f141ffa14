//! `syntax.css`: the colours of highlighted code, light and dark, written
//! only when some page has a code block (pages link it only then).

use super::{Files, Input};
use crate::diagnostic::Diagnostic;
use crate::highlight::Highlighter;

pub fn add(input: &Input, highlighter: &Highlighter, files: &mut Files) -> Vec<Diagnostic> {
    if !input.bodies.iter().any(|b| b.has_code) {
        return Vec::new();
    }
    files
        .add_generated("syntax.css", highlighter.stylesheet().into_bytes())
        .err()
        .into_iter()
        .collect()
}
