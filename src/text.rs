//! Small text codecs shared by the Markdown renderer, the highlighter and
//! the dev server: HTML escaping and percent-decoding, written once.
//! Pure functions; no allocation beyond their output.

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

#[cfg(test)]
mod tests {
    use super::*;

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
