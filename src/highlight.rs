//! Build-time syntax highlighting of code blocks into CSS classes.
//!
//! Highlighting is by far the most expensive per-page step (about twenty
//! times the rest of a page's work), so a [`Highlighter`] is built once per
//! build, shared read-only across rayon threads, and remembers every block it
//! has highlighted: translations of a page repeat the same code, and
//! `aula serve` reuses the instance between rebuilds. The syntax set is loaded
//! on first use, so a site without code never pays for it.
//!
//! Output carries classes only (`hl-…`), never inline styles, so one
//! stylesheet from [`Highlighter::stylesheet`] serves both colour schemes and
//! a strict content security policy. This module must never panic on any code
//! or language name, and never touch the disk.

use std::collections::HashMap;
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use syntect::highlighting::{
    Color, FontStyle, Highlighter as ThemeHighlighter, Style, Theme, ThemeSet,
};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// Build-time syntax highlighting into CSS classes (no inline styles).
///
/// Built once per build and shared read-only across threads; it is
/// `Send + Sync`. The syntax set loads lazily on the first highlighted block.
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    /// The light and dark themes, with colours raised to 4.5:1 contrast.
    themes: OnceLock<(Theme, Theme)>,
    /// Classes of each scope stack seen so far: matching a stack against
    /// both themes is the costly part, and stacks recur across blocks.
    looks: Mutex<HashMap<Vec<Scope>, Arc<str>>>,
    /// Finished `<pre>` blocks keyed by a hash of (language, code).
    cache: Mutex<HashMap<u64, Arc<str>>>,
}

impl Highlighter {
    /// A highlighter with nothing loaded yet; cheap.
    pub fn new() -> Self {
        Self {
            syntaxes: OnceLock::new(),
            themes: OnceLock::new(),
            looks: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Full block HTML:
    /// `<pre class="code" data-lang="python"><code>…spans…</code></pre>`.
    ///
    /// `lang` is the first word of a fenced block's info string. When it is
    /// `None` (or blank) the code is plain escaped text and `data-lang` is
    /// omitted; an unknown language also gives plain escaped text but keeps
    /// `data-lang`. Results are cached, so the same block in the same language
    /// is highlighted only once per instance.
    pub fn highlight(&self, code: &str, lang: Option<&str>) -> String {
        let lang = lang.map(str::trim).filter(|l| !l.is_empty());
        let Some(lang) = lang else {
            return render_block(code, None, None);
        };
        let key = cache_key(code, lang);
        if let Some(hit) = self.lock_cache().get(&key) {
            return hit.to_string();
        }
        // Highlight without holding the lock, so other threads keep going; two
        // threads meeting the same new block at the same moment may both do
        // the work, and the first result stays.
        let syntaxes = self.syntaxes();
        let syntax = syntaxes.find_syntax_by_token(lang);
        let themes = self.themes();
        let html: Arc<str> = render_block(
            code,
            Some(lang),
            syntax.map(|s| (s, syntaxes, themes, &self.looks)),
        )
        .into();
        let mut cache = self.lock_cache();
        // A long `aula serve` session sees every edited version of every
        // block; past this many entries the cache starts afresh.
        if cache.len() >= MAX_CACHED_BLOCKS {
            cache.clear();
        }
        Arc::clone(cache.entry(key).or_insert(html)).to_string()
    }

    /// One stylesheet for both colour schemes: the light theme (InspiredGitHub)
    /// and the dark one (base16-ocean.dark), each inside its own media query.
    ///
    /// The two themes style different sets of selectors (the light one
    /// ~130, the dark one ~65), so light token rules left at top level would
    /// leak into dark mode (dark blue on dark grey, light diff backgrounds).
    /// Only `pre.code` gets the light colours at top level, as the fallback
    /// for browsers without `prefers-color-scheme`; the token rules sit in
    /// `@media not all and (prefers-color-scheme: dark)` and
    /// `@media (prefers-color-scheme: dark)`, so exactly one set applies.
    /// Deterministic.
    pub fn stylesheet(&self) -> String {
        let (light, dark) = self.themes();
        let mut css = block_css(light);
        css.push_str("\n@media not all and (prefers-color-scheme: dark) {\n");
        css.push_str(&token_css(light, 'l'));
        css.push_str("}\n\n@media (prefers-color-scheme: dark) {\n");
        css.push_str(&block_css(dark));
        css.push_str(&token_css(dark, 'd'));
        css.push_str("}\n");
        css
    }

    fn themes(&self) -> &(Theme, Theme) {
        self.themes.get_or_init(|| {
            let mut set = ThemeSet::load_defaults();
            let mut take = |name: &str| readable(&set.themes.remove(name).unwrap_or_default());
            (take(LIGHT_THEME), take(DARK_THEME))
        })
    }

    /// Whether a fence language names a syntax (by name or file extension,
    /// in any letter case), as [`Self::highlight`] looks it up.
    pub fn knows(&self, lang: &str) -> bool {
        self.syntaxes().find_syntax_by_token(lang).is_some()
    }

    /// Up to three known fence languages nearest to `lang`, nearest first:
    /// for "did you mean" hints on a typo'd fence.
    pub fn nearest(&self, lang: &str) -> Vec<String> {
        let lang = lang.to_ascii_lowercase();
        let mut tokens: Vec<String> = self
            .syntaxes()
            .syntaxes()
            .iter()
            .flat_map(|s| {
                std::iter::once(s.name.to_ascii_lowercase())
                    .chain(s.file_extensions.iter().map(|e| e.to_ascii_lowercase()))
            })
            .filter(|t| !t.contains([' ', '.']) && t.len() > 1)
            .collect();
        tokens.sort();
        tokens.dedup();
        let mut scored: Vec<(f64, String)> = tokens
            .into_iter()
            .map(|t| {
                // A known name the typo starts with (`python[´p`) wins.
                let prefix = lang.starts_with(t.as_str()) && t.len() >= 2;
                let score = strsim::jaro_winkler(&lang, &t) + if prefix { 1.0 } else { 0.0 };
                (score, t)
            })
            .filter(|(score, _)| *score > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.into_iter().take(3).map(|(_, t)| t).collect()
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(two_face::syntax::extra_newlines)
    }

    /// Forgets the highlighted blocks kept for reuse (the rest stays):
    /// a build that renders no more Markdown frees them.
    pub fn forget_blocks(&self) {
        *self.lock_cache() = HashMap::new();
    }

    fn lock_cache(&self) -> MutexGuard<'_, HashMap<u64, Arc<str>>> {
        // A panic elsewhere while holding the lock cannot leave the map half
        // written (insert is atomic from our point of view), so keep using it.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Highlighter")
            .field("syntaxes_loaded", &self.syntaxes.get().is_some())
            .field("cached_blocks", &self.lock_cache().len())
            .finish()
    }
}

/// Upper bound of the highlight cache (a few tens of MB of HTML at most).
const MAX_CACHED_BLOCKS: usize = 20_000;

fn cache_key(code: &str, lang: &str) -> u64 {
    // `DefaultHasher::new()` uses fixed keys, so keys are stable for the
    // lifetime of the process, which is all the cache needs.
    let mut hasher = DefaultHasher::new();
    lang.hash(&mut hasher);
    code.hash(&mut hasher);
    hasher.finish()
}

fn render_block(
    code: &str,
    lang: Option<&str>,
    syntax: Option<(&SyntaxReference, &SyntaxSet, &(Theme, Theme), &Looks)>,
) -> String {
    let mut out = String::with_capacity(code.len() * 2 + 64);
    // Focusable: the block scrolls sideways on narrow screens (WCAG 2.1.1).
    out.push_str("<pre class=\"code\" tabindex=\"0\"");
    if let Some(lang) = lang {
        out.push_str(" data-lang=\"");
        push_escaped(&mut out, lang);
        out.push('"');
    }
    out.push_str("><code>");
    match syntax
        .and_then(|(syntax, set, themes, looks)| styled_spans(code, syntax, set, themes, looks))
    {
        Some(spans) => out.push_str(&spans),
        None => push_escaped(&mut out, code),
    }
    out.push_str("</code></pre>\n");
    out
}

/// The code as flat spans whose classes name the token's look in each
/// theme (`lc795da3` = light colour #795da3, `db` = bold in dark mode), or
/// `None` if syntect gives up on any line (the caller then falls back to
/// plain text). The source is parsed once and coloured by both themes;
/// neighbouring tokens that look the same share one span. Compared with one
/// nested span per scope, this is several times less HTML per block.
type Looks = Mutex<HashMap<Vec<Scope>, Arc<str>>>;

fn styled_spans(
    code: &str,
    syntax: &SyntaxReference,
    set: &SyntaxSet,
    themes: &(Theme, Theme),
    looks: &Looks,
) -> Option<String> {
    // Built only when a stack is new to this highlighter.
    let mut theme_highlighters: Option<(ThemeHighlighter, ThemeHighlighter)> = None;
    let mut parse = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let lock = || {
        looks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    let mut out = String::with_capacity(code.len() * 3);
    let mut open: Arc<str> = Arc::from("");
    for line in LinesWithEndings::from(code) {
        let ops = parse.parse_line(line, set).ok()?;
        let mut pos = 0;
        let ends = ops
            .iter()
            .map(|(at, op)| (*at, Some(op)))
            .chain(std::iter::once((line.len(), None)));
        for (at, op) in ends {
            if at > pos {
                let text = line.get(pos..at)?;
                let known = lock().get(stack.as_slice()).cloned();
                let classes = match known {
                    Some(c) => c,
                    None => {
                        let (light, dark) = theme_highlighters.get_or_insert_with(|| {
                            (
                                ThemeHighlighter::new(&themes.0),
                                ThemeHighlighter::new(&themes.1),
                            )
                        });
                        let mut c = String::new();
                        push_look(
                            &mut c,
                            'l',
                            light.style_for_stack(stack.as_slice()),
                            light.get_default(),
                        );
                        push_look(
                            &mut c,
                            'd',
                            dark.style_for_stack(stack.as_slice()),
                            dark.get_default(),
                        );
                        let c: Arc<str> = Arc::from(c);
                        lock().insert(stack.as_slice().to_vec(), Arc::clone(&c));
                        c
                    }
                };
                if classes != open {
                    if !open.is_empty() {
                        out.push_str("</span>");
                    }
                    if !classes.is_empty() {
                        out.push_str("<span class=\"");
                        out.push_str(&classes);
                        out.push_str("\">");
                    }
                    open = classes;
                }
                push_escaped(&mut out, text);
                pos = at;
            }
            if let Some(op) = op {
                stack.apply(op).ok()?;
            }
        }
    }
    if !open.is_empty() {
        out.push_str("</span>");
    }
    Some(out)
}

/// Appends the classes that make `style` differ from the theme's default
/// look: `{t}c{rgb}` colour, `{t}g{rgb}` background, `{t}b` bold, `{t}i`
/// italic, `{t}u` underline, where `t` is `l` (light) or `d` (dark).
fn push_look(out: &mut String, theme: char, style: Style, default: Style) {
    let mut add = |kind: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(theme);
        out.push_str(kind);
    };
    if style.foreground != default.foreground {
        add(&format!("c{}", hex(style.foreground)));
    }
    if style.background != default.background {
        add(&format!("g{}", hex(style.background)));
    }
    if style.font_style.contains(FontStyle::BOLD) {
        add("b");
    }
    if style.font_style.contains(FontStyle::ITALIC) {
        add("i");
    }
    if style.font_style.contains(FontStyle::UNDERLINE) {
        add("u");
    }
}

fn hex(c: Color) -> String {
    format!("{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// Colours of the block itself: syntect styles `.hl-code`, but our `<pre>`
/// carries the class `code`.
fn block_css(theme: &Theme) -> String {
    let mut css = String::from("pre.code {\n");
    if let Some(c) = theme.settings.foreground {
        css.push_str(&format!(" color: #{:02x}{:02x}{:02x};\n", c.r, c.g, c.b));
    }
    if let Some(c) = theme.settings.background {
        css.push_str(&format!(
            " background-color: #{:02x}{:02x}{:02x};\n",
            c.r, c.g, c.b
        ));
    }
    css.push_str("}\n");
    css
}

/// Rules for every class [`push_look`] can write for `theme`: one per
/// colour the theme uses (a token's colour always comes from one of its
/// rules), plus the font styles. Sorted, so the output is deterministic.
fn token_css(theme: &Theme, prefix: char) -> String {
    let mut colours = std::collections::BTreeSet::new();
    let mut backgrounds = std::collections::BTreeSet::new();
    for item in &theme.scopes {
        if let Some(c) = item.style.foreground {
            colours.insert(hex(c));
        }
        if let Some(c) = item.style.background {
            backgrounds.insert(hex(c));
        }
    }
    let mut css = String::new();
    for c in colours {
        css.push_str(&format!(".{prefix}c{c} {{ color: #{c}; }}\n"));
    }
    for c in backgrounds {
        css.push_str(&format!(".{prefix}g{c} {{ background-color: #{c}; }}\n"));
    }
    css.push_str(&format!(".{prefix}b {{ font-weight: bold; }}\n.{prefix}i {{ font-style: italic; }}\n.{prefix}u {{ text-decoration: underline; }}\n"));
    css
}

/// The theme with every token colour moved toward black (on a light
/// background) or white (on a dark one) just far enough to reach WCAG AA
/// contrast, 4.5:1, against the block's background.
fn readable(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let bg = theme.settings.background.unwrap_or(Color::WHITE);
    for item in &mut theme.scopes {
        let back = item.style.background.unwrap_or(bg);
        if let Some(fg) = &mut item.style.foreground {
            *fg = with_contrast(*fg, back);
        }
    }
    theme
}

fn with_contrast(fg: Color, bg: Color) -> Color {
    let target: u8 = if luminance(bg) > 0.18 { 0 } else { 255 };
    let mut c = fg;
    for step in 1..=32u16 {
        if contrast(c, bg) >= 4.6 {
            break;
        }
        let mix = |v: u8| {
            let (v, t) = (u16::from(v), u16::from(target));
            ((v * (32 - step) + t * step) / 32) as u8
        };
        c = Color {
            r: mix(fg.r),
            g: mix(fg.g),
            b: mix(fg.b),
            a: fg.a,
        };
    }
    c
}

/// WCAG relative luminance.
fn luminance(c: Color) -> f64 {
    let ch = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b)
}

/// WCAG contrast ratio of two colours (1 to 21).
fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

pub(crate) use crate::text::push_html_escaped as push_escaped;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn is_send_and_sync() {
        assert_send_sync::<Highlighter>();
    }

    #[test]
    fn new_does_not_load_syntaxes() {
        let h = Highlighter::new();
        assert!(h.syntaxes.get().is_none());
        let _ = h.highlight("plain", None);
        assert!(
            h.syntaxes.get().is_none(),
            "plain text must not load syntect"
        );
    }

    #[test]
    fn python_gets_prefixed_classes_and_no_inline_style() {
        let h = Highlighter::new();
        let html = h.highlight("def f(x):\n    return x < 1\n", Some("python"));
        assert!(
            html.starts_with("<pre class=\"code\" tabindex=\"0\" data-lang=\"python\"><code>"),
            "{html}"
        );
        assert!(html.ends_with("</code></pre>\n"), "{html}");
        // `def`: a light and a dark colour, no nested spans.
        assert!(html.contains("><span class=\"lc"), "{html}");
        assert!(html.contains(" dc"), "{html}");
        assert!(
            !html.contains("<span class=\"lc") || !html.contains("<span><span"),
            "{html}"
        );
        assert!(html.contains("&lt;"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn toml_is_highlighted() {
        let h = Highlighter::new();
        let html = h.highlight("[site]\ntitle = \"Aula\"\n", Some("toml"));
        assert!(html.contains("data-lang=\"toml\""), "{html}");
        assert!(html.contains("<span class=\"l"), "{html}");
    }

    #[test]
    fn language_token_is_case_insensitive() {
        let h = Highlighter::new();
        assert!(
            h.highlight("x = 1\n", Some("Python"))
                .contains("<span class=")
        );
    }

    #[test]
    fn unknown_or_missing_language_is_escaped_text() {
        let h = Highlighter::new();
        let unknown = h.highlight("a < b && c\n", Some("no-such-lang"));
        assert_eq!(
            unknown,
            "<pre class=\"code\" tabindex=\"0\" data-lang=\"no-such-lang\"><code>a &lt; b &amp;&amp; c\n</code></pre>\n"
        );
        let none = h.highlight("<b>\n", None);
        assert_eq!(
            none,
            "<pre class=\"code\" tabindex=\"0\"><code>&lt;b&gt;\n</code></pre>\n"
        );
        assert_eq!(h.highlight("x\n", Some("  ")), h.highlight("x\n", None));
    }

    #[test]
    fn language_attribute_is_escaped() {
        let h = Highlighter::new();
        let html = h.highlight("x\n", Some("\"><script>"));
        assert!(
            html.contains("data-lang=\"&quot;&gt;&lt;script&gt;\""),
            "{html}"
        );
    }

    #[test]
    fn repeated_blocks_come_from_the_cache() {
        let h = Highlighter::new();
        let first = h.highlight("print(1)\n", Some("python"));
        let second = h.highlight("print(1)\n", Some("python"));
        assert_eq!(first, second);
        assert_eq!(h.lock_cache().len(), 1);
        let _ = h.highlight("print(1)\n", Some("py"));
        assert_eq!(h.lock_cache().len(), 2, "the language is part of the key");
    }

    #[test]
    fn every_class_written_has_a_rule() {
        let h = Highlighter::new();
        let css = h.stylesheet();
        let code = "[site]\ntitle = \"x\" # c\n\ndef f(a: int) -> str:\n    return f\"{a}\" if a else None\n";
        for lang in ["toml", "python", "rust", "html", "bash", "json"] {
            let html = h.highlight(code, Some(lang));
            for class in html
                .split("class=\"")
                .skip(2)
                .filter_map(|r| r.split('"').next())
            {
                for c in class.split(' ') {
                    assert!(
                        css.contains(&format!(".{c} {{")),
                        "{lang}: no rule for .{c}"
                    );
                }
            }
        }
    }

    #[test]
    fn tokens_meet_aa_contrast_in_both_themes() {
        let h = Highlighter::new();
        let (light, dark) = h.themes();
        for theme in [light, dark] {
            let bg = theme.settings.background.unwrap_or(Color::WHITE);
            for item in &theme.scopes {
                if let Some(fg) = item.style.foreground {
                    let back = item.style.background.unwrap_or(bg);
                    assert!(contrast(fg, back) >= 4.5, "{} on {}", hex(fg), hex(back));
                }
            }
        }
    }

    #[test]
    fn spans_are_flat_and_much_smaller_than_scope_stacks() {
        let h = Highlighter::new();
        let code = "def greet(name: str) -> str:\n    return f\"Hola, {name}\"\n".repeat(10);
        let html = h.highlight(&code, Some("python"));
        assert!(!html.contains("</span></span>"), "no nesting: {html}");
        // syntect's own one-span-per-scope HTML of the same block.
        let set = h.syntaxes();
        let syntax = set.find_syntax_by_token("python").expect("python");
        let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
            syntax,
            set,
            syntect::html::ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code.as_str()) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .expect("parses");
        }
        let scoped = generator.finalize();
        assert!(
            html.len() * 3 < scoped.len(),
            "{} vs {} bytes",
            html.len(),
            scoped.len()
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        let h = Highlighter::new();
        for code in [
            "",
            "\n",
            "no newline",
            "\u{0}\u{0}",
            "\r\n\r\n",
            "\"\"\"unclosed",
        ] {
            for lang in [
                None,
                Some("python"),
                Some("toml"),
                Some("rust"),
                Some("html"),
            ] {
                let html = h.highlight(code, lang);
                assert!(html.ends_with("</code></pre>\n"));
            }
        }
    }

    #[test]
    fn stylesheet_covers_both_schemes_deterministically() {
        let h = Highlighter::new();
        let css = h.stylesheet();
        assert!(
            css.contains("@media (prefers-color-scheme: dark) {"),
            "{css}"
        );
        assert!(css.starts_with("pre.code {"), "{css}");
        assert!(!css.contains("style="), "{css}");
        assert_eq!(css, Highlighter::new().stylesheet());
        let (light, dark) = css
            .split_once("@media (prefers-color-scheme: dark)")
            .expect("a dark block");
        // Light token rules apply only outside dark mode, and the reverse.
        let first_token_rule = light.find(".lc").unwrap_or(0);
        assert!(
            light[..first_token_rule].contains("@media not all and (prefers-color-scheme: dark)")
        );
        assert!(light.contains(".lb { font-weight: bold; }") && !light.contains(".dc"));
        assert!(dark.contains(".db { font-weight: bold; }") && !dark.contains(".lc"));
    }
}
