//! Diagnostics: every problem aula reports to a person.
//!
//! A [`Diagnostic`] carries its context as data (file, line, column, the
//! offending source line, a `help` text) and prints itself the way rustc
//! does. Stages never print; they return diagnostics, and the command line
//! decides how to show them. Nothing here touches the disk.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot succeed.
    Error,
    /// The build succeeds but something deserves attention.
    Warning,
}

/// One problem, with everything a person needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Path as shown to the user: relative to the site root when possible.
    pub file: Option<PathBuf>,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// The text of `line`, shown under the location with a caret.
    pub source_line: Option<String>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            source_line: None,
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Points at `line`/`column` and, when `source` (the whole file) is
    /// given, remembers that line's text for the caret display.
    pub fn at(mut self, line: usize, column: usize, source: Option<&str>) -> Self {
        self.line = Some(line);
        self.column = Some(column.max(1));
        if let Some(src) = source {
            self.source_line = src
                .lines()
                .nth(line.saturating_sub(1))
                .map(|l| l.trim_end_matches('\r').to_string());
        }
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A sort key that keeps reports stable from run to run.
    fn sort_key(&self) -> (Severity, Option<&Path>, usize, usize, &str) {
        (
            self.severity,
            self.file.as_deref(),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            &self.message,
        )
    }
}

/// Sorts diagnostics (errors first, then by file and position) and drops
/// exact duplicates, so parallel stages still report deterministically.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags.dedup();
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if let Some(file) = &self.file {
            let shown = file.display().to_string().replace('\\', "/");
            match (self.line, self.column) {
                (Some(l), Some(c)) => writeln!(f, "{pad}--> {shown}:{l}:{c}")?,
                (Some(l), None) => writeln!(f, "{pad}--> {shown}:{l}")?,
                _ => writeln!(f, "{pad}--> {shown}")?,
            }
        }
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let col = self.column.unwrap_or(1);
            // Tabs would shift the caret; show them as single spaces.
            let text = text.replace('\t', " ");
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {text}")?;
            writeln!(f, "{pad} | {}^", " ".repeat(col.saturating_sub(1)))?;
        }
        if let Some(help) = &self.help {
            // Continuation lines line up under the first line's text.
            let indent = format!("\n{pad}         ");
            writeln!(f, "{pad} = help: {}", help.replace('\n', &indent))?;
        }
        Ok(())
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column-in-chars).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The closest candidate to `word` if it is close enough to be a likely
/// typo, for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let src = "+++\ntitel = \"x\"\n+++\n";
        let d = Diagnostic::error("unknown key `titel` in front matter")
            .file("content/x.es.md")
            .at(2, 1, Some(src))
            .help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "error: unknown key `titel` in front matter\n --> content/x.es.md:2:1\n  |\n2 | titel = \"x\"\n  | ^\n  = help: did you mean `title`?\n"
        );
    }

    #[test]
    fn line_col_counts_chars_not_bytes() {
        assert_eq!(line_col("añb\nxyz", 4), (1, 4));
        assert_eq!(line_col("añb\nxyz", 6), (2, 2));
        assert_eq!(line_col("", 10), (1, 1));
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "slug"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "slug"]), None);
    }
}
