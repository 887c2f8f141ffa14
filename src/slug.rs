//! URL and HTML-id slugs.
//!
//! Every generated URL segment and heading id goes through [`slugify`], so its
//! output must be safe to put into a path and an attribute as it is: plain
//! ASCII letters, digits and single dashes. It must never produce a path
//! separator, a dot (so no `..`), NUL or whitespace, whatever the input, and
//! it must be idempotent so that a slug written by hand in front matter
//! survives a second pass unchanged. An empty result is possible (input made
//! only of punctuation); callers decide what to use instead.

/// ASCII URL/id slug: transliterate with deunicode, lowercase, every run of
/// characters outside `[a-z0-9]` becomes a single `-`, and `-` is trimmed at
/// both ends.
///
/// Idempotent; the output never contains `/`, `\`, `.`, NUL or whitespace and
/// may be empty. `"Docencia híbrida"` becomes `"docencia-hibrida"`.
pub fn slugify(s: &str) -> String {
    // Characters deunicode cannot transliterate become a separator rather
    // than its default "[?]" placeholder.
    let ascii = deunicode::deunicode_with_tofu_cow(s, "-");
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for b in ascii.bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn transliterates_spanish_and_portuguese() {
        assert_eq!(slugify("Docencia híbrida"), "docencia-hibrida");
        assert_eq!(slugify("¿Qué es la IA?"), "que-es-la-ia");
        assert_eq!(slugify("Ação & Reflexão"), "acao-reflexao");
        assert_eq!(slugify("Año 2024: niños"), "ano-2024-ninos");
        assert_eq!(slugify("Straße"), "strasse");
    }

    #[test]
    fn path_traversal_becomes_harmless() {
        assert_eq!(slugify("../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("..\\windows\\system32"), "windows-system32");
        assert_eq!(slugify("a/./b"), "a-b");
    }

    #[test]
    fn collapses_and_trims_separators() {
        assert_eq!(slugify("  --Hello,   World!--  "), "hello-world");
        assert_eq!(slugify("a\u{0}b\tc\nd"), "a-b-c-d");
    }

    #[test]
    fn may_be_empty() {
        assert_eq!(slugify(""), "");
        assert_eq!(slugify("¿?¡! … —"), "");
        assert_eq!(slugify("\u{0}"), "");
    }

    #[test]
    fn idempotent_and_safe_on_tricky_strings() {
        let tricky = [
            "",
            "-",
            "---a---",
            "Docencia híbrida",
            "¿Qué es la IA?",
            "Ação & Reflexão",
            "../etc/passwd",
            "..\\..\\x",
            "a\u{0}b",
            "\u{feff}BOM and zero\u{200b}width",
            "日本語のテキスト",
            "Привет, мир",
            "emoji 🚀 rocket 🦄",
            "tab\tnew\nline\r\ncrlf",
            "UPPER lower MiXeD 123",
            "x.y.z",
            "ﬁ ligature ǅ",
            "\u{10ffff}\u{e000}",
            "a_b+c=d%20e",
        ];
        for s in tricky {
            let once = slugify(s);
            assert_eq!(slugify(&once), once, "not idempotent for {s:?}");
            assert!(
                once.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "unexpected character in {once:?} (from {s:?})"
            );
            assert!(!once.starts_with('-') && !once.ends_with('-'), "{once:?}");
            assert!(!once.contains("--"), "{once:?}");
        }
    }
}
