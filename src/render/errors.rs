//! Template errors as diagnostics: the template file, its line and
//! column, and the content page being rendered. Pure.

use crate::diagnostic::Diagnostic;
use crate::theme::Theme;
use std::collections::HashMap;
use std::path::Path;

/// Turns a Tera error into a diagnostic naming the template, its line, and
/// the content page being rendered.
pub(super) fn tera_error(
    e: &tera::Error,
    files: &HashMap<String, std::path::PathBuf>,
    theme: &Theme,
    page: Option<&Path>,
) -> Diagnostic {
    use std::error::Error as _;
    let mut chain = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let (report, kind) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) => (Some(r), "template syntax error"),
        tera::ErrorKind::RenderingError(r) => (Some(r), "template error"),
        _ => (None, "template error"),
    };
    // Some tera errors carry a whole formatted report in their text
    // ("error: …\n --> page.html:3:12\n…"): keep its first line as the
    // message and its location as ours.
    let mut located: Option<(String, usize, usize)> = None;
    let mut msg = match report {
        Some(r) => format!("{kind}: {}", r.message()),
        None => {
            let text = e.kind().to_string();
            located = text.lines().find_map(|l| {
                let loc = l.trim_start().strip_prefix("--> ")?;
                let mut parts = loc.rsplitn(3, ':');
                let col = parts.next()?.trim().parse::<usize>().ok()?;
                let line = parts.next()?.trim().parse::<usize>().ok()?;
                Some((parts.next()?.to_string(), line, col))
            });
            let first = text.lines().next().unwrap_or("").trim();
            format!("{kind}: {}", first.strip_prefix("error: ").unwrap_or(first))
        }
    };
    for c in chain {
        if !msg.contains(&c) {
            msg.push_str(": ");
            msg.push_str(&c);
        }
    }
    let mut d = Diagnostic::error(msg).kind(crate::diagnostic::Kind::Template);
    if let Some(p) = page {
        d = d.rendering(p);
    }
    let position = report
        .map(|r| {
            (
                r.filename().to_string(),
                r.span().start_line,
                r.span().start_col + 1,
            )
        })
        .or(located);
    if let Some((name, line, col)) = position {
        let file = files
            .get(&name)
            .cloned()
            .unwrap_or_else(|| name.clone().into());
        let text = theme.templates.get(&name).map(|f| f.text.as_str());
        d = d.file(file).at(line, col, text);
    }
    d.help("check the template at that line; every variable a template uses is described in docs/theming.md")
}
