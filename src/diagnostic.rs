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

/// What a diagnostic is about, for tools (`aula check --format json`) and
/// for code that treats some problems specially, so that no code ever
/// parses message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Kind {
    /// `aula.toml`.
    Config,
    /// A front-matter value that is malformed or of the wrong type.
    FrontMatter,
    /// A key a closed schema (front matter, `aula.toml`) does not accept.
    UnknownKey,
    /// Where files sit, their names, slugs and URLs.
    Content,
    /// An internal `@/` link or its anchor.
    Link,
    /// A file a page uses, or a file that would clash with a page.
    Asset,
    /// Markdown the page cannot show as written (code fences, raw HTML).
    Markdown,
    /// Template syntax of another generator (Liquid, Hugo) left in the text.
    ForeignSyntax,
    /// A link or image starting with `/`: breaks under a sub-path and from disk.
    RootRelativeLink,
    /// A code fence whose language no syntax knows.
    CodeLanguage,
    /// A body whose first heading repeats the page title as a second `<h1>`.
    DuplicateTitle,
    /// An image without alternative text.
    MissingAlt,
    /// Raw HTML that sanitizing removed (script, event handlers, iframes…).
    SanitizedHtml,
    /// A template that does not parse or fails to render.
    Template,
    /// UI strings (Fluent).
    UiString,
    /// Translation state (outdated, anchors missing in a translation).
    Translation,
    /// Reading the sources or writing the output.
    Io,
    /// A page heavier than `[budget]` allows.
    Budget,
    #[default]
    Other,
}

impl Kind {
    /// Its name in machine-readable reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Config => "config",
            Kind::FrontMatter => "front-matter",
            Kind::UnknownKey => "unknown-key",
            Kind::Content => "content",
            Kind::Link => "link",
            Kind::Asset => "asset",
            Kind::Markdown => "markdown",
            Kind::ForeignSyntax => "foreign-syntax",
            Kind::RootRelativeLink => "root-relative-link",
            Kind::CodeLanguage => "code-language",
            Kind::DuplicateTitle => "duplicate-title",
            Kind::MissingAlt => "missing-alt",
            Kind::SanitizedHtml => "sanitized-html",
            Kind::Template => "template",
            Kind::UiString => "ui-string",
            Kind::Translation => "translation",
            Kind::Budget => "budget",
            Kind::Io => "io",
            Kind::Other => "other",
        }
    }
}

/// A template error is reported once for all the pages it failed: the
/// first page and how many more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendering {
    pub page: PathBuf,
    pub others: usize,
}

/// One problem, with everything a person needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    pub message: String,
    /// For template errors: the content page being rendered.
    pub rendering: Option<Rendering>,
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
            kind: Kind::Other,
            message: message.into(),
            rendering: None,
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

    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// Names the content page whose rendering failed.
    pub fn rendering(mut self, page: impl AsRef<Path>) -> Self {
        self.rendering = Some(Rendering {
            page: page.as_ref().to_path_buf(),
            others: 0,
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The message with the page whose rendering failed, if any: the
    /// first line of the printed diagnostic.
    pub fn headline(&self) -> String {
        match &self.rendering {
            None => self.message.clone(),
            Some(Rendering { page, others: 0 }) => {
                format!("{} (while rendering {})", self.message, slashed(page))
            }
            Some(Rendering { page, others }) => format!(
                "{} (while rendering {} and {others} other page{})",
                self.message,
                slashed(page),
                if *others == 1 { "" } else { "s" }
            ),
        }
    }

    /// Sets `kind` on every diagnostic that has none yet: a stage names
    /// the kind of everything it reports.
    pub fn default_kind(mut diags: Vec<Diagnostic>, kind: Kind) -> Vec<Diagnostic> {
        for d in &mut diags {
            if d.kind == Kind::Other {
                d.kind = kind;
            }
        }
        diags
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

/// A path as messages show it: with `/` on every system, as the site's
/// own paths and URLs are written.
pub fn slashed(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
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
        writeln!(f, "{label}: {}", self.headline())?;
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if let Some(file) = &self.file {
            let shown = slashed(file);
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
    fn the_page_being_rendered_is_data_not_text() {
        let mut d = Diagnostic::error("template error: x")
            .kind(Kind::Template)
            .rendering("content/a.md");
        assert_eq!(d.message, "template error: x");
        assert_eq!(
            d.headline(),
            "template error: x (while rendering content/a.md)"
        );
        d.rendering.as_mut().expect("set").others = 2;
        assert!(d.to_string().starts_with(
            "error: template error: x (while rendering content/a.md and 2 other pages)\n"
        ));
        let tagged = Diagnostic::default_kind(vec![d, Diagnostic::error("y")], Kind::Io);
        assert_eq!(tagged[0].kind, Kind::Template, "a kind already set stays");
        assert_eq!(tagged[1].kind, Kind::Io);
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
