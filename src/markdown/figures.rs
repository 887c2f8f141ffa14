//! Implicit figures and image sizes. An image alone in its paragraph with a
//! title (`![A map](map.png "The valley in 1900")`) becomes a `<figure>`
//! whose `<figcaption>` is the title, as Pandoc does; any local image gets
//! its `width` and `height` from its file's header, so the page does not
//! jump while images load.
//!
//! The sizes come from the caller ([`super::Options::media`]): this module
//! reads no file. [`image_size`] is the pure function the caller uses on a
//! file's first bytes. It must never panic on a truncated or hostile file.

use super::links::push_href;
use super::renderer::Renderer;
use crate::highlight::push_escaped;
use crate::images::Responsive;

/// An image that may become a figure: everything to write it either way.
pub(super) struct Figure {
    pub(super) src: String,
    pub(super) alt: String,
    pub(super) title: String,
    pub(super) size: Option<(u32, u32)>,
    pub(super) responsive: Option<Responsive>,
}

/// `<img … loading="lazy" decoding="async" />`, with `title` when given
/// (not for figures, whose caption says it), the size when known, and for
/// a resized image its `srcset`/`sizes` (inside a `<picture>` with a WebP
/// `<source>` when there are WebP files).
pub(super) fn img_tag(
    src: &str,
    alt: &str,
    title: Option<&str>,
    size: Option<(u32, u32)>,
    responsive: Option<&Responsive>,
) -> String {
    let mut html = String::with_capacity(src.len() + alt.len() + 96);
    let webp = responsive.filter(|r| !r.webp.is_empty());
    if let Some(r) = webp {
        html.push_str("<picture><source type=\"image/webp\"");
        push_candidates(&mut html, &r.webp, &r.sizes);
        html.push('>');
    }
    html.push_str("<img src=\"");
    push_href(&mut html, src);
    html.push_str("\" alt=\"");
    push_escaped(&mut html, alt);
    html.push('"');
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        html.push_str(" title=\"");
        push_escaped(&mut html, title);
        html.push('"');
    }
    match (responsive, size) {
        (Some(r), _) => {
            push_candidates(&mut html, &r.srcset, &r.sizes);
            html.push_str(&format!(" width=\"{}\" height=\"{}\"", r.width, r.height));
        }
        (None, Some((w, h))) => html.push_str(&format!(" width=\"{w}\" height=\"{h}\"")),
        (None, None) => {}
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\" />");
    if webp.is_some() {
        html.push_str("</picture>");
    }
    html
}

/// ` srcset="a-480w.png 480w, a.png 800w" sizes="…"`, nothing when there
/// are no candidates.
fn push_candidates(html: &mut String, candidates: &[(String, u32)], sizes: &str) {
    if candidates.is_empty() {
        return;
    }
    html.push_str(" srcset=\"");
    for (i, (path, width)) in candidates.iter().enumerate() {
        if i > 0 {
            html.push_str(", ");
        }
        // The paths are file names, not URLs: a `%` in one is a `%`.
        push_href(html, &path.replace('%', "%25"));
        html.push_str(&format!(" {width}w"));
    }
    html.push_str("\" sizes=\"");
    push_escaped(html, sizes);
    html.push('"');
}

impl Renderer<'_, '_> {
    /// The paragraph held only the image: write it as a figure.
    pub(super) fn close_figure(&mut self) {
        let Some(f) = self.figure.take() else {
            return;
        };
        let mut html = String::from("<figure>\n");
        html.push_str(&img_tag(
            &f.src,
            &f.alt,
            None,
            f.size,
            f.responsive.as_ref(),
        ));
        html.push_str("\n<figcaption>");
        push_escaped(&mut html, &f.title);
        html.push_str("</figcaption>\n</figure>\n");
        self.trusted(html);
    }

    /// More followed the image in its paragraph: write it as an image.
    pub(super) fn flush_figure(&mut self) {
        let Some(f) = self.figure.take() else {
            return;
        };
        self.open_paragraph();
        self.trusted(img_tag(
            &f.src,
            &f.alt,
            Some(&f.title),
            f.size,
            f.responsive.as_ref(),
        ));
    }
}

/// Width and height of an image from its first bytes (PNG, JPEG, GIF,
/// WebP and the other formats `imagesize` reads; SVG from its `width` and
/// `height`, or its `viewBox`). `name` is the file name, for SVG.
pub fn image_size(bytes: &[u8], name: &str) -> Option<(u32, u32)> {
    if name
        .rsplit('.')
        .next()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        return svg_size(&String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]));
    }
    let size = imagesize::blob_size(bytes).ok()?;
    let w = u32::try_from(size.width).ok()?;
    let h = u32::try_from(size.height).ok()?;
    (w > 0 && h > 0).then_some((w, h))
}

fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..];
    let tag = &tag[..tag.find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let mut rest = tag;
        loop {
            let at = rest.find(name)?;
            let before = rest[..at].chars().last();
            rest = &rest[at + name.len()..];
            if before.is_some_and(|c| c.is_ascii_whitespace()) {
                let v = rest.trim_start().strip_prefix('=')?.trim_start();
                let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                let v = &v[1..];
                return Some(&v[..v.find(q)?]);
            }
        }
    };
    let px = |v: &str| -> Option<u32> {
        let n: f64 = v.trim().trim_end_matches("px").parse().ok()?;
        (n.is_finite() && (1.0..100_000.0).contains(&n)).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (attr("width").and_then(px), attr("height").and_then(px)) {
        return Some((w, h));
    }
    let nums: Vec<f64> = attr("viewBox")?
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums[..] {
        [_, _, w, h] => Some((px(&w.to_string())?, px(&h.to_string())?)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{md, render_full};
    use super::*;
    use crate::config::RawHtml;
    use crate::markdown::FileInfo;
    use crate::markdown::Shortcodes;

    #[test]
    fn sizes_from_headers() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0,
            0, 1, 0x2c, 0, 0, 0, 0xc8, 8, 2, 0, 0, 0,
        ];
        assert_eq!(image_size(&png, "a.png"), Some((300, 200)));
        let gif = b"GIF89a\x40\x01\xf0\x00\x00\x00";
        assert_eq!(image_size(gif, "a.gif"), Some((320, 240)));
        assert_eq!(
            image_size(
                b"<?xml?><svg xmlns='x' width=\"64px\" height='32'>",
                "a.svg"
            ),
            Some((64, 32))
        );
        assert_eq!(
            image_size(b"<svg viewBox=\"0 0 120.4 80\">", "a.SVG"),
            Some((120, 80))
        );
        for junk in [
            &b""[..],
            b"\x89PNG",
            b"<svg width='-3' height='nan'>",
            b"GIF8",
        ] {
            assert_eq!(
                image_size(junk, "x.svg").or(image_size(junk, "x.png")),
                None
            );
        }
    }

    #[test]
    fn an_image_alone_with_a_title_is_a_figure() {
        let media = |p: &str| {
            (p == "img/a.png").then_some(FileInfo {
                bytes: 10,
                size: Some((640, 480)),
            })
        };
        let r = render_full(
            "Intro.\n\n![A valley](img/a.png \"The valley in 1900\")\n\n![B](b.png \"T\") and text\n\n![No title](img/a.png)\n",
            RawHtml::Sanitize,
            &media,
            Shortcodes::NONE,
            "",
        );
        insta::assert_snapshot!(r.html);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn a_figure_needs_its_paragraph_to_itself() {
        let r = md("[![A](a.png \"T\")](https://x.org/)\n\n- ![A](a.png \"T\")\n");
        assert!(!r.html.contains("<figure"), "{}", r.html);
    }
}
