//! Files for machines: `sitemap.xml`, one Atom feed per language and
//! `robots.txt`.
//!
//! These are the only places that need absolute URLs, so they are produced
//! only when `base_url` is set. Only real translations appear in them: a
//! page shown in a fallback language is not a translation. Pure: site in,
//! file contents out; entries are sorted, so output is deterministic.

use super::{Files, Input};
use crate::diagnostic::Diagnostic;
use crate::site::Site;
use crate::text::xml_escaped;
use std::fmt::Write as _;

/// Adds the sitemap, `robots.txt` and every language's feed; without
/// `base_url`, a warning that they were not written.
pub fn add(input: &Input, files: &mut Files) -> Vec<Diagnostic> {
    let site = input.site;
    let Some(base) = site.config.base_url.as_deref() else {
        return vec![
            Diagnostic::warning("base_url is not set: sitemap.xml, robots.txt and the Atom feeds were not written")
                .kind(crate::diagnostic::Kind::Config)
                .file(crate::config::CONFIG_FILE)
                .help("they need absolute addresses: add base_url = \"https://your.site/path/\" to aula.toml"),
        ];
    };
    let mut made = vec![
        ("sitemap.xml".to_string(), sitemap(site, base)),
        ("robots.txt".to_string(), robots(base)),
    ];
    for lang in &site.config.languages {
        if let Some(feed) = atom(site, base, &lang.code) {
            made.push((format!("{}/atom.xml", lang.code), feed));
        }
    }
    made.into_iter()
        .filter_map(|(path, text)| files.add_generated(path, text.into_bytes()).err())
        .collect()
}

fn absolute(base: &str, dir: &str) -> String {
    format!("{base}{dir}/")
}

/// `sitemap.xml`: every real page, with `xhtml:link` alternates for its
/// real translations and `lastmod` from `updated`.
pub fn sitemap(site: &Site, base: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut indexes: Vec<usize> = (0..site.pages.len())
        .filter(|&i| !site.pages[i].is_fallback())
        .collect();
    indexes.sort_by(|&a, &b| site.pages[a].dir.cmp(&site.pages[b].dir));
    for i in indexes {
        let p = &site.pages[i];
        let _ = writeln!(
            out,
            "  <url>\n    <loc>{}</loc>",
            xml_escaped(&absolute(base, &p.dir))
        );
        if let Some(d) = &p.front().updated {
            let _ = writeln!(out, "    <lastmod>{}</lastmod>", xml_escaped(&d.0));
        }
        let real: Vec<usize> = site.translations[&p.key]
            .values()
            .copied()
            .filter(|&j| !site.pages[j].is_fallback())
            .collect();
        if real.len() > 1 {
            for j in real {
                let q = &site.pages[j];
                let _ = writeln!(
                    out,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    xml_escaped(&q.lang),
                    xml_escaped(&absolute(base, &q.dir))
                );
            }
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: everything may be crawled; the sitemap's address.
pub fn robots(base: &str) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n")
}

/// Atom date from a TOML date or date-time.
fn atom_date(d: &str) -> String {
    if d.len() == 10 {
        format!("{d}T00:00:00Z")
    } else if d.contains('T') || d.contains(' ') {
        let d = d.replacen(' ', "T", 1);
        if d.ends_with('Z') || d[10..].contains('+') || d[10..].contains('-') {
            d
        } else {
            format!("{d}Z")
        }
    } else {
        d.to_string()
    }
}

/// The Atom feed of one language: its real modules and guidelines that
/// carry an `updated` date, newest first (then by URL, for stable output).
/// `None` when the language has no dated page.
pub fn atom(site: &Site, base: &str, lang: &str) -> Option<String> {
    let mut entries = site.feed_pages(lang);
    if entries.is_empty() {
        return None;
    }
    let date = |i: usize| {
        site.pages[i]
            .front()
            .updated
            .as_ref()
            .map(|d| atom_date(&d.0))
            .unwrap_or_default()
    };
    entries.sort_by(|&a, &b| {
        date(b)
            .cmp(&date(a))
            .then_with(|| site.pages[a].dir.cmp(&site.pages[b].dir))
    });
    let language = site.config.language(lang)?;
    let home = absolute(base, lang);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escaped(lang)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml_escaped(&language.title));
    if !language.description.is_empty() {
        let _ = writeln!(
            out,
            "  <subtitle>{}</subtitle>",
            xml_escaped(&language.description)
        );
    }
    let _ = writeln!(out, "  <id>{}</id>", xml_escaped(&home));
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escaped(&home)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}atom.xml\"/>",
        xml_escaped(&home)
    );
    let _ = writeln!(
        out,
        "  <updated>{}</updated>",
        xml_escaped(&date(entries[0]))
    );
    for i in entries {
        let p = &site.pages[i];
        let url = absolute(base, &p.dir);
        out.push_str("  <entry>\n");
        let _ = writeln!(out, "    <title>{}</title>", xml_escaped(&p.front().title));
        let _ = writeln!(out, "    <id>{}</id>", xml_escaped(&url));
        let _ = writeln!(
            out,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            xml_escaped(&url)
        );
        let _ = writeln!(out, "    <updated>{}</updated>", xml_escaped(&date(i)));
        let author = p
            .front()
            .course()
            .and_then(|c| c.authors.first())
            .map(String::as_str)
            .unwrap_or(&language.title);
        let _ = writeln!(
            out,
            "    <author><name>{}</name></author>",
            xml_escaped(author)
        );
        if !p.front().summary.is_empty() {
            let _ = writeln!(
                out,
                "    <summary>{}</summary>",
                xml_escaped(&p.front().summary)
            );
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml_escaped("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;"
        );
    }

    #[test]
    fn atom_dates_are_rfc3339() {
        assert_eq!(atom_date("2026-10-01"), "2026-10-01T00:00:00Z");
        assert_eq!(atom_date("2026-10-01T08:30:00"), "2026-10-01T08:30:00Z");
        assert_eq!(
            atom_date("2026-10-01T08:30:00-03:00"),
            "2026-10-01T08:30:00-03:00"
        );
    }
}
