//! Small text codecs shared by the Markdown renderer, the highlighter,
//! the outputs and the dev server: HTML escaping, percent-decoding and
//! reading bytes as text, written once.
//! Pure functions; no allocation beyond their output.

/// `bytes` as text, invalid UTF-8 replaced by U+FFFD (as
/// `String::from_utf8_lossy`), but checked first with `str::from_utf8`,
/// which reads ASCII a word at a time: about twice as fast on the pages
/// aula reads back, which are always valid.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Appends `s` to `out`, escaped for HTML text and quoted attribute values.
pub fn push_html_escaped(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped for HTML text and quoted attribute values.
pub fn html_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    push_html_escaped(&mut out, s);
    out
}

/// Decodes `%XX` escapes. With `strict`, a `%` not followed by two hex
/// digits makes the whole input invalid (`None`); otherwise it is kept
/// as written.
pub fn percent_decode(s: &str, strict: bool) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None if strict && bytes[i] == b'%' => return None,
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    Some(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Appends `s` escaped for XML text and attribute values, dropping the
/// characters XML 1.0 forbids (controls but tab and line breaks, U+FFFE,
/// U+FFFF): feeds, sitemaps, EPUB documents.
pub fn push_xml_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

/// `s` escaped for XML (see [`push_xml_escaped`]).
pub fn xml_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml_escaped(&mut out, s);
    out
}

/// A file size for people: `850 KB`, `12.3 MB` (`12,3 MB` where the
/// decimal separator is a comma).
pub fn human_bytes(bytes: u64, lang: &str) -> String {
    let (value, unit) = match bytes {
        b if b >= 1_000_000_000 => (b as f64 / 1e9, "GB"),
        b if b >= 1_000_000 => (b as f64 / 1e6, "MB"),
        b => (((b as f64) / 1e3).ceil().max(1.0), "KB"),
    };
    let text = if unit == "KB" {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    let comma = !matches!(
        lang.split('-').next(),
        Some("en" | "ja" | "zh" | "ko" | "he" | "th")
    );
    let text = if comma { text.replace('.', ",") } else { text };
    format!("{text}\u{a0}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever the bytes, the same text as `from_utf8_lossy`,
        /// borrowed when they are valid UTF-8.
        #[test]
        fn lossy_is_from_utf8_lossy(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let text = lossy(&bytes);
            proptest::prop_assert_eq!(&*text, &*String::from_utf8_lossy(&bytes));
            proptest::prop_assert_eq!(
                matches!(text, std::borrow::Cow::Borrowed(_)),
                std::str::from_utf8(&bytes).is_ok()
            );
        }
    }

    #[test]
    fn xml_escapes_and_drops_what_xml_forbids() {
        assert_eq!(
            xml_escaped("a<b>&\"c'\u{1}\t\u{fffe}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\t"
        );
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_bytes(12_345_678, "en"), "12.3\u{a0}MB");
        assert_eq!(human_bytes(12_345_678, "es"), "12,3\u{a0}MB");
        assert_eq!(human_bytes(850_001, "pt"), "851\u{a0}KB");
        assert_eq!(human_bytes(84_300, "en"), "85\u{a0}KB");
        assert_eq!(human_bytes(0, "en"), "1\u{a0}KB");
        assert_eq!(human_bytes(2_500_000_000, "pt"), "2,5\u{a0}GB");
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            html_escaped(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn percent_decoding_strict_and_lenient() {
        assert_eq!(
            percent_decode("a%20b%C3%B1", true),
            Some("a bñ".as_bytes().to_vec())
        );
        assert_eq!(percent_decode("100%", true), None);
        assert_eq!(percent_decode("100%zz", false), Some(b"100%zz".to_vec()));
    }
}
