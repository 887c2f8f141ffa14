//! The theme's static files (CSS, scripts, icons), with the site's own
//! `static/` layered over them, copied to the output root. A static file
//! may not replace a generated one.

use super::{Data, Files, Input};
use crate::diagnostic::Diagnostic;

pub fn add(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, bytes) in &input.theme.statics {
        if files
            .add(name.clone(), Data::Bytes(bytes.as_slice().into()))
            .is_err()
        {
            errors.push(
                Diagnostic::error(format!(
                    "the static file {name} would replace a generated file"
                ))
                .file(format!("static/{name}"))
                .kind(crate::diagnostic::Kind::Asset)
                .help("rename or move the static file"),
            );
        }
    }
    errors
}
