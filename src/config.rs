//! The site configuration, `aula.toml`.
//!
//! Parsed once at the start of a build into a read-only [`Config`]. Unknown
//! keys are errors with a hint, because a silently ignored typo in a
//! configuration file is the worst kind of bug for a publisher. This module
//! reads exactly one file and never writes.

use crate::diagnostic::Diagnostic;
use crate::section::Section;
use crate::slug::slugify;
use crate::tomlerr::{Fragment, diagnose};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "aula.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: Option<String>,
    default_language: String,
    theme: Option<String>,
    languages: BTreeMap<String, RawLanguage>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    translations: TranslationConfig,
    issuer: Option<Issuer>,
    #[serde(default)]
    packages: PackagesConfig,
    #[serde(default)]
    images: ImagesConfig,
    #[serde(default)]
    budget: Budget,
    #[serde(default)]
    output: OutputConfig,
}

/// `[output]`: how the files of `public/` are written (see
/// `outputs::minify`, `outputs::fingerprint`, `outputs::precompress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Minify HTML pages and stylesheets.
    #[serde(default = "yes")]
    pub minify: bool,
    /// Put a hash of their content into the names of stylesheets and
    /// scripts (`style.3f2a9c1e.css`), so hosts may cache them for ever.
    #[serde(default = "yes")]
    pub fingerprint: bool,
    /// Write `.br` and `.gz` siblings of text files for hosts that serve
    /// precompressed files (nginx `gzip_static`, `brotli_static`).
    #[serde(default)]
    pub precompress: bool,
}

fn yes() -> bool {
    true
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            minify: true,
            fingerprint: true,
            precompress: false,
        }
    }
}

/// `[packages]`: what each course offers to take away or to import into
/// a learning platform. `aula serve` builds none of them (a preview).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PackagesConfig {
    /// A zip of each course that works opened from disk.
    pub offline: bool,
    /// An EPUB 3 of each course.
    pub epub: bool,
    /// The whole course on one printable page.
    pub print: bool,
    /// A zip of each language's whole campus (`<lang>/<lang>.zip`).
    pub campus: bool,
    /// A SCORM 1.2 package of each course.
    pub scorm: bool,
    /// An IMS Common Cartridge 1.1 of each course.
    pub common_cartridge: bool,
}

impl Default for PackagesConfig {
    fn default() -> Self {
        PackagesConfig {
            offline: true,
            epub: true,
            print: true,
            campus: false,
            scorm: false,
            common_cartridge: false,
        }
    }
}

/// `[budget]`: how heavy a page may be, in KB (1,024 bytes), measured as
/// a server sends it (see `outputs::budget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// A module page's HTML plus the stylesheets it links, brotli.
    #[serde(default = "Budget::default_module_kb")]
    pub module_kb: u64,
    /// Any page's HTML and stylesheets (brotli) plus the images it loads
    /// eagerly (above the fold), as stored.
    #[serde(default = "Budget::default_page_kb")]
    pub page_kb: u64,
}

impl Budget {
    /// The most a limit may say: 100 MB, far above any page worth sending.
    pub const MAX_KB: u64 = 100_000;
    fn default_module_kb() -> u64 {
        14
    }
    fn default_page_kb() -> u64 {
        100
    }
    /// A limit in bytes.
    pub fn bytes(kb: u64) -> u64 {
        kb.min(Budget::MAX_KB) * 1024
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            module_kb: Budget::default_module_kb(),
            page_kb: Budget::default_page_kb(),
        }
    }
}

/// `[images]`: how colocated PNG and JPEG images are resized (the
/// `images` module does it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// `false`: images are copied as they are, with no size attributes.
    pub enabled: bool,
    /// Widths in pixels to resize to; sorted and without duplicates once
    /// loaded.
    pub widths: Vec<u32>,
    /// JPEG quality, 1 to 100.
    pub quality: u8,
    /// The `sizes` attribute: how wide images are shown.
    pub sizes: String,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            enabled: true,
            widths: vec![480, 960, 1440],
            quality: 80,
            // The default theme's text column: 44rem less 1rem of padding
            // on each side.
            sizes: "(min-width: 44rem) 42rem, calc(100vw - 2rem)".into(),
        }
    }
}

/// `[issuer]`: who publishes the campus's badges and credentials (Open
/// Badges issuer profile).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The institution or network's name.
    pub name: String,
    /// Its home page (absolute http(s) URL).
    pub url: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// An image file under `static/` (a logo), by its path there.
    #[serde(default)]
    pub image: Option<String>,
}

/// `[markdown]`: how Markdown is turned into HTML.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// What happens to raw HTML written inside Markdown.
    #[serde(default)]
    pub raw_html: RawHtml,
}

/// Policy for raw HTML in Markdown bodies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Shown as text: a contributor's Markdown can never run script.
    Escape,
    /// Kept, less what could run script or load active content (ammonia
    /// does the removing); each removal is a warning.
    #[default]
    Sanitize,
    /// Passed through unchanged: the site owner trusts every author.
    Allow,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    name: Option<String>,
    title: String,
    description: Option<String>,
    courses: Option<String>,
    guidelines: Option<String>,
    itineraries: Option<String>,
    /// Languages to show, in order, when a page is not translated.
    #[serde(default)]
    fallback: Vec<String>,
}

/// `[translations]`: what happens to pages missing in a language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationConfig {
    /// The policy for the whole site.
    #[serde(default)]
    pub missing: Missing,
    /// Per-section overrides: `courses`, `guidelines`, `itineraries`, `pages`.
    #[serde(default)]
    pub sections: BTreeMap<String, Missing>,
}

/// What a language gets for a page that is not translated into it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// The page is generated in the language's UI, showing the fallback
    /// text with a visible notice.
    #[default]
    Notice,
    /// No page; links go to the fallback language's page.
    Omit,
}

/// One site language, with its translated URL segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Language {
    /// Code as written in file suffixes and URLs: `es`, `en`, `pt`.
    pub code: String,
    /// The language's name in itself: `Español`.
    pub name: String,
    pub title: String,
    pub description: String,
    pub sections: Sections,
    /// Where to look, in order, for a page missing in this language: the
    /// configured `fallback` list, then the default language, then every
    /// other language (so a page written in any language reaches all).
    pub fallback: Vec<String>,
}

/// URL segment of each section in one language (`cursos`, `courses`).
pub type Sections = BTreeMap<Section, String>;

impl Language {
    /// This language's URL segment for `section`.
    pub fn segment(&self, section: Section) -> &str {
        self.sections.get(&section).map_or("", String::as_str)
    }
}

/// The whole, validated configuration.
#[derive(Debug, Clone, Hash)]
pub struct Config {
    /// Folder holding `aula.toml`, `content/`, `themes/`.
    pub root: PathBuf,
    /// Absolute site URL with a trailing slash, if the site has one.
    pub base_url: Option<String>,
    pub default_language: String,
    pub theme: String,
    /// The default language first, then the others by code.
    pub languages: Vec<Language>,
    pub markdown: MarkdownConfig,
    pub translations: TranslationConfig,
    /// Who issues the campus's badges; `None` when not configured.
    pub issuer: Option<Issuer>,
    pub packages: PackagesConfig,
    pub images: ImagesConfig,
    /// Page weight limits.
    pub budget: Budget,
    /// Minification, fingerprints, precompressed files.
    pub output: OutputConfig,
}

impl Config {
    /// Reads and validates `ROOT/aula.toml`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![
                Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}"))
                    .file(&path)
                    .help("run aula in the site's folder, pass --root DIR, or create a site with `aula new DIR`"),
            ]
        })?;
        Config::parse(root, &text)
    }

    /// Validates configuration text; `root` is only recorded.
    pub fn parse(root: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let frag = Fragment {
            file: Path::new(CONFIG_FILE),
            file_text: text,
            offset: 0,
            what: CONFIG_FILE,
            kind: crate::diagnostic::Kind::Config,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| vec![diagnose(&e, &frag)])?;
        let at = Locator { text };
        let mut errors = check_language_tables(&raw, &at);
        let base_url = base_url(raw.base_url.as_deref(), &at, &mut errors);
        let theme = raw.theme.unwrap_or_else(|| "default".into());
        if slugify(&theme) != theme {
            errors.push(
                at.error(
                    format!("theme `{theme}` is not a plain folder name"),
                    "",
                    "theme",
                )
                .help("name a folder of themes/ using lowercase letters, digits and dashes"),
            );
        }
        let default = raw.default_language;
        let mut languages: Vec<Language> = raw
            .languages
            .into_iter()
            .map(|(code, lang)| language(code, lang, &at, &mut errors))
            .collect();
        languages.sort_by(|a, b| (a.code != default, &a.code).cmp(&(b.code != default, &b.code)));
        complete_fallbacks(&mut languages, &default, &at, &mut errors);
        if let Some(issuer) = &raw.issuer {
            let url = issuer.url.trim();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                errors.push(
                    at.error(
                        format!("[issuer] url `{url}` is not an absolute http(s) URL"),
                        "[issuer]",
                        "url",
                    )
                    .help("write the issuer's home page, e.g. url = \"https://red.example.org/\""),
                );
            }
        }
        check_budget(&raw.budget, &at, &mut errors);
        for name in raw.translations.sections.keys() {
            if Section::from_folder(name).is_none() && name != "pages" {
                errors.push(
                    at.error(
                        format!("unknown section `{name}` in [translations.sections]"),
                        "",
                        name,
                    )
                    .help("sections are courses, guidelines, itineraries and pages"),
                );
            }
        }
        let images = images(raw.images, &at, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            root: root.to_path_buf(),
            base_url,
            default_language: default,
            theme,
            languages,
            markdown: raw.markdown,
            translations: raw.translations,
            issuer: raw.issuer,
            packages: raw.packages,
            images,
            budget: raw.budget,
            output: raw.output,
        })
    }

    /// Every table of `aula.toml` with the keys it accepts, for docs and
    /// their sync test.
    pub fn schema() -> [(&'static str, &'static [&'static str]); 9] {
        use crate::keys::of;
        [
            ("", of::<RawConfig>()),
            ("languages.<code>", of::<RawLanguage>()),
            ("translations", of::<TranslationConfig>()),
            ("markdown", of::<MarkdownConfig>()),
            ("issuer", of::<Issuer>()),
            ("packages", of::<PackagesConfig>()),
            ("images", of::<ImagesConfig>()),
            ("budget", of::<Budget>()),
            ("output", of::<OutputConfig>()),
        ]
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// Like [`Config::language`], but a regional code falls back to its
    /// base language: `es-419` and `es-MX` to `es`, `pt-BR` to `pt`
    /// (case-insensitive), unless the region is configured itself.
    pub fn resolve_language(&self, code: &str) -> Option<&Language> {
        if let Some(l) = self
            .languages
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(code))
        {
            return Some(l);
        }
        let base = code.split(['-', '_']).next()?;
        if base.len() == code.len() {
            return None;
        }
        self.languages
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(base))
    }

    /// The missing-translation policy of a section (`None`: free pages).
    pub fn policy(&self, section: Option<Section>) -> Missing {
        self.translations
            .sections
            .get(crate::section::policy_group(section))
            .copied()
            .unwrap_or(self.translations.missing)
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
}

/// `[images]` checked: widths from 16 to 8,192 pixels, sorted; quality 1 to 100.
fn images(mut raw: ImagesConfig, at: &Locator, errors: &mut Vec<Diagnostic>) -> ImagesConfig {
    if let Some(w) = raw.widths.iter().find(|w| !(16..=8192).contains(*w)) {
        errors.push(
            at.error(
                format!("[images] width {w} is out of range"),
                "[images]",
                "widths",
            )
            .help("write widths in pixels from 16 to 8192, e.g. widths = [480, 960, 1440]"),
        );
    }
    if !(1..=100).contains(&raw.quality) {
        errors.push(
            at.error(
                format!("[images] quality {} is out of range", raw.quality),
                "[images]",
                "quality",
            )
            .help("write a JPEG quality from 1 to 100; 80 is a good balance"),
        );
    }
    raw.widths.sort_unstable();
    raw.widths.dedup();
    raw
}

/// Points diagnostics at lines of `aula.toml`.
struct Locator<'a> {
    text: &'a str,
}

impl Locator<'_> {
    /// An error at the first line starting with `key` after the line
    /// starting with `table` ("" for the top of the file).
    fn error(&self, message: String, table: &str, key: &str) -> Diagnostic {
        let start = self
            .text
            .lines()
            .position(|l| !table.is_empty() && l.trim_start().starts_with(table))
            .unwrap_or(0);
        let line = self
            .text
            .lines()
            .enumerate()
            .skip(start)
            .find(|(_, l)| l.trim_start().starts_with(key))
            .map(|(i, _)| i + 1)
            .unwrap_or(start + 1);
        Diagnostic::error(message)
            .kind(crate::diagnostic::Kind::Config)
            .file(CONFIG_FILE)
            .at(line, 1, Some(self.text))
    }
}

/// At least one language, valid codes, and a table for the default one.
fn check_language_tables(raw: &RawConfig, at: &Locator) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if raw.languages.is_empty() {
        errors.push(
            at.error("no languages configured".into(), "", "[languages")
                .help("add a table per language, e.g. [languages.es] with title = \"...\""),
        );
    }
    for code in raw.languages.keys() {
        let valid = !code.is_empty()
            && code.len() <= 12
            && code
                .split('-')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
            && code.parse::<unic_langid::LanguageIdentifier>().is_ok();
        if !valid {
            errors.push(
                at.error(
                    format!("`{code}` is not a language code"),
                    "",
                    &format!("[languages.{code}"),
                )
                .help("use a BCP 47 code such as `es`, `en`, `pt` or `pt-BR`"),
            );
        }
    }
    if !raw.languages.is_empty() && !raw.languages.contains_key(&raw.default_language) {
        let known: Vec<&str> = raw.languages.keys().map(String::as_str).collect();
        let d = &raw.default_language;
        errors.push(
            at.error(
                format!("default_language `{d}` has no [languages.{d}] table"),
                "",
                "default_language",
            )
            .help(format!("use one of: {}", known.join(", "))),
        );
    }
    errors
}

/// Each `[budget]` limit is a whole number of KB from 1 to
/// [`Budget::MAX_KB`]; TOML already refused other types and negatives.
fn check_budget(budget: &Budget, at: &Locator, errors: &mut Vec<Diagnostic>) {
    for (key, kb, default) in [
        ("module_kb", budget.module_kb, Budget::default_module_kb()),
        ("page_kb", budget.page_kb, Budget::default_page_kb()),
    ] {
        if kb == 0 || kb > Budget::MAX_KB {
            errors.push(
                at.error(
                    format!("[budget] {key} = {kb} is not a usable limit"),
                    "[budget]",
                    key,
                )
                .help(format!(
                    "write a whole number of KB from 1 to {}, e.g. {key} = {default} (the default), or remove the line",
                    Budget::MAX_KB
                )),
            );
        }
    }
}

/// `base_url`, absolute and with a trailing slash, or none.
fn base_url(raw: Option<&str>, at: &Locator, errors: &mut Vec<Diagnostic>) -> Option<String> {
    match raw.map(str::trim) {
        None | Some("") => None,
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            Some(if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            })
        }
        Some(url) => {
            errors.push(
                at.error(
                    format!("base_url `{url}` is not an absolute http(s) URL"),
                    "",
                    "base_url",
                )
                .help(
                    "write it like base_url = \"https://example.org/campus/\", or remove the line",
                ),
            );
            None
        }
    }
}

/// One language with its section segments (checked to be URL segments).
fn language(
    code: String,
    lang: RawLanguage,
    at: &Locator,
    errors: &mut Vec<Diagnostic>,
) -> Language {
    let named = [lang.courses, lang.guidelines, lang.itineraries];
    let sections: Sections = Section::ALL
        .into_iter()
        .zip(named)
        .map(|(section, value)| {
            let value = value.unwrap_or_else(|| section.default_segment(&code).to_string());
            if value.is_empty() || slugify(&value) != value {
                errors.push(
                    at.error(
                        format!(
                            "section name `{value}` in [languages.{code}] is not a URL segment"
                        ),
                        &format!("[languages.{code}]"),
                        section.folder(),
                    )
                    .help(format!(
                        "use lowercase ASCII letters, digits and dashes, e.g. `{}`",
                        slugify(&value)
                    )),
                );
            }
            (section, value)
        })
        .collect();
    Language {
        name: lang.name.unwrap_or_else(|| native_name(&code).to_string()),
        title: lang.title,
        description: lang.description.unwrap_or_default(),
        code,
        sections,
        fallback: lang.fallback,
    }
}

/// Fallback chains: what was written, validated, then the default
/// language and every other language.
fn complete_fallbacks(
    languages: &mut [Language],
    default: &str,
    at: &Locator,
    errors: &mut Vec<Diagnostic>,
) {
    let codes: Vec<String> = languages.iter().map(|l| l.code.clone()).collect();
    for lang in languages.iter_mut() {
        let mut chain: Vec<String> = Vec::new();
        for want in std::mem::take(&mut lang.fallback) {
            let found = codes
                .iter()
                .find(|c| c.eq_ignore_ascii_case(&want))
                .or_else(|| {
                    let base = want.split(['-', '_']).next().unwrap_or(&want);
                    codes.iter().find(|c| c.eq_ignore_ascii_case(base))
                });
            match found {
                Some(c) if *c != lang.code => {
                    if !chain.contains(c) {
                        chain.push(c.clone());
                    }
                }
                Some(_) => errors.push(
                    at.error(
                        format!("[languages.{}] falls back to itself", lang.code),
                        "",
                        "fallback",
                    )
                    .help("list other languages only, e.g. fallback = [\"es\", \"en\"]"),
                ),
                None => errors.push(
                    at.error(
                        format!(
                            "fallback language `{want}` of [languages.{}] is not configured",
                            lang.code
                        ),
                        "",
                        "fallback",
                    )
                    .help(format!("use one of: {}", codes.join(", "))),
                ),
            }
        }
        for c in std::iter::once(default).chain(codes.iter().map(String::as_str)) {
            if c != lang.code && !chain.iter().any(|x| x == c) {
                chain.push(c.to_string());
            }
        }
        lang.fallback = chain;
    }
}

/// The name of a language in itself, for switchers; the code otherwise.
fn native_name(code: &str) -> &str {
    match code.split('-').next().unwrap_or(code) {
        "es" => "Español",
        "en" => "English",
        "pt" => "Português",
        "fr" => "Français",
        "ht" => "Kreyòl ayisyen",
        "qu" => "Runa Simi",
        "gn" => "Avañe'ẽ",
        _ => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
default_language = "es"
[languages.es]
title = "Campus"
[languages.en]
title = "Campus"
courses = "courses"
"#;

    #[test]
    fn parses_and_orders_default_first() {
        let c = Config::parse(Path::new("."), OK).expect("valid config");
        let codes: Vec<_> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["es", "en"]);
        assert_eq!(c.languages[0].segment(Section::Courses), "cursos");
        assert_eq!(c.languages[0].name, "Español");
        assert_eq!(c.theme, "default");
        assert_eq!(c.base_url, None);
    }

    #[test]
    fn unknown_key_is_an_error_with_hint() {
        let text = format!("base_ulr = \"https://x.org\"\n{OK}");
        let errs = Config::parse(Path::new("."), &text).expect_err("typo must fail");
        assert_eq!(errs[0].message, "unknown key `base_ulr` in aula.toml");
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn default_language_must_exist() {
        let text = OK.replace("default_language = \"es\"", "default_language = \"fr\"");
        let errs = Config::parse(Path::new("."), &text).expect_err("must fail");
        assert!(errs[0].message.contains("default_language `fr`"));
        assert_eq!(errs[0].line, Some(2));
    }

    #[test]
    fn fallback_chains_are_completed_in_order() {
        let text = format!("{OK}\n[languages.pt]\ntitle = \"c\"\nfallback = [\"en\"]\n");
        let c = Config::parse(Path::new("."), &text).expect("valid");
        let chain = |code: &str| {
            c.language(code)
                .map(|l| l.fallback.clone())
                .unwrap_or_default()
        };
        assert_eq!(chain("pt"), ["en", "es"]);
        assert_eq!(chain("en"), ["es", "pt"]);
        assert_eq!(chain("es"), ["en", "pt"]);
    }

    #[test]
    fn fallback_to_unknown_language_is_an_error() {
        let text = OK.replace("courses = \"courses\"", "fallback = [\"fr\"]");
        let errs = Config::parse(Path::new("."), &text).expect_err("fr not configured");
        assert!(
            errs[0].message.contains("fallback language `fr`"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn translation_policy_per_section() {
        let text = format!(
            "{OK}\n[translations]\nmissing = \"omit\"\n[translations.sections]\ncourses = \"notice\"\n"
        );
        let c = Config::parse(Path::new("."), &text).expect("valid");
        assert_eq!(c.translations.missing, Missing::Omit);
        assert_eq!(c.policy(Some(Section::Courses)), Missing::Notice);
        assert_eq!(c.policy(Some(Section::Guidelines)), Missing::Omit);
    }

    #[test]
    fn regional_codes_map_to_their_base() {
        let c = Config::parse(Path::new("."), OK).expect("valid");
        let code = |x: &str| c.resolve_language(x).map(|l| l.code.as_str());
        assert_eq!(code("es-419"), Some("es"));
        assert_eq!(code("es-MX"), Some("es"));
        assert_eq!(code("EN_gb"), Some("en"));
        assert_eq!(code("pt-BR"), None, "pt is not configured here");
        assert_eq!(code("esx"), None);
    }

    #[test]
    fn budget_defaults_and_limits() {
        let c = Config::parse(Path::new("."), OK).expect("valid");
        assert_eq!(c.budget, Budget::default());
        assert_eq!((c.budget.module_kb, c.budget.page_kb), (14, 100));
        let text = format!("{OK}[budget]\nmodule_kb = 20\n");
        let c = Config::parse(Path::new("."), &text).expect("valid");
        assert_eq!((c.budget.module_kb, c.budget.page_kb), (20, 100));
    }

    #[test]
    fn bad_budget_values_are_errors_at_their_line() {
        let text = format!("{OK}[budget]\nmodule_kb = 0\npage_kb = 999999\n");
        let errs = Config::parse(Path::new("."), &text).expect_err("must fail");
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0].line, Some(9));
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("module_kb = 14")
        );
        assert_eq!(errs[1].line, Some(10));
        for bad in ["-3", "\"14 KB\"", "1.5"] {
            let text = format!("{OK}[budget]\nmodule_kb = {bad}\n");
            let errs = Config::parse(Path::new("."), &text).expect_err(bad);
            assert_eq!(errs[0].line, Some(9), "{bad}: {errs:?}");
        }
    }

    #[test]
    fn base_url_gets_trailing_slash() {
        let text = format!("base_url = \"https://x.org/campus\"\n{OK}");
        let c = Config::parse(Path::new("."), &text).expect("valid");
        assert_eq!(c.base_url.as_deref(), Some("https://x.org/campus/"));
    }

    #[test]
    fn section_segments_must_be_slugs() {
        let text = OK
            .replace("courses = \"courses\"", "courses = \"Cursos Híbridos\"")
            .replace("[languages.es]\n", "[languages.es]\ncourses = \"cursos\"\n");
        let errs = Config::parse(Path::new("."), &text).expect_err("must fail");
        assert!(errs[0].message.contains("not a URL segment"));
        assert_eq!(
            errs[0].line,
            Some(8),
            "the line in [languages.en], not es's `courses`"
        );
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("cursos-hibridos")
        );
    }
}
