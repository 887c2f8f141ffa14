//! Images: written by hand as `<img … loading="lazy" />`, with the alt text
//! gathered as plain text from whatever markup it holds, and the source
//! checked and rewritten like a link's destination (see [`super::links`]).
//!
//! An image whose source is refused must never vanish silently: its error
//! is recorded and its alt text stays on the page as text.
//!
//! A local PNG or JPEG also gets `width`, `height`, `srcset` and `sizes`
//! from the caller's image lookup (sizes read before Markdown, see
//! `crate::images`), and a `<picture>` with a WebP `<source>` when WebP
//! files are made for it. Every image is `loading="lazy"` (the first one
//! too: see `docs/authoring.md`) and `decoding="async"`. An image without
//! alt text is a warning.

use pulldown_cmark::{CowStr, Event};

use super::figures::{Figure, img_tag};
use super::links::Dest;
use super::renderer::{Para, Renderer};
use super::vault;
use crate::images::Responsive;

/// An image being read: its source is known, its alt text is still coming.
pub(super) struct OpenImage {
    /// Nesting depth of tags inside the image's alt text.
    depth: usize,
    /// `None` when the destination could not be resolved.
    src: Option<String>,
    title: String,
    alt: String,
    offset: usize,
    /// The local file, as an asset path, for its size.
    local: Option<String>,
    responsive: Option<Responsive>,
}

impl<'a> Renderer<'a, '_> {
    pub(super) fn start_image(&mut self, dest_url: CowStr<'a>, title: CowStr<'a>, offset: usize) {
        let assets = self.out.assets.len();
        let dest = if self.rejects_scheme(&dest_url, offset, "image") {
            Dest::Drop
        } else {
            self.destination(&dest_url, offset)
        };
        let local = self.out.assets[assets..].last().map(|a| a.path.clone());
        let responsive = local.as_deref().and_then(|p| (self.opts.images)(p));
        let src = match dest {
            Dest::Keep => Some(dest_url.into_string()),
            Dest::Rewrite(href) | Dest::RewriteLang(href, _) => Some(href),
            Dest::Drop => None,
        };
        self.image = Some(OpenImage {
            depth: 0,
            src,
            title: title.into_string(),
            alt: String::new(),
            offset,
            local,
            responsive,
        });
    }

    /// Inside an image: collect the alt text, emit the `<img>` at its end.
    pub(super) fn image_event(&mut self, event: Event<'a>) {
        let Some(image) = &mut self.image else {
            return;
        };
        match event {
            Event::Start(_) => image.depth += 1,
            Event::End(_) if image.depth > 0 => image.depth -= 1,
            Event::End(_) => self.close_image(),
            Event::Text(text) | Event::Code(text) => image.alt.push_str(&text),
            Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
            _ => {}
        }
    }

    pub(super) fn close_image(&mut self) {
        let Some(image) = self.image.take() else {
            return;
        };
        let alt = vault::strip(&image.alt).into_owned();
        let Some(src) = image.src else {
            // The error is already recorded; keep the words.
            self.open_paragraph();
            self.emit(Event::Text(alt.into()));
            return;
        };
        if alt.trim().is_empty() {
            self.lint_missing_alt(&src, image.offset);
        }
        let size = image
            .local
            .as_deref()
            .and_then(|p| (self.opts.media)(p))
            .and_then(|f| f.size);
        if self.para == Para::Held && !image.title.trim().is_empty() {
            self.figure = Some(Figure {
                src,
                alt,
                title: image.title,
                size,
                responsive: image.responsive,
            });
            return;
        }
        self.open_paragraph();
        self.trusted(img_tag(
            &src,
            &alt,
            Some(&image.title),
            size,
            image.responsive.as_ref(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::md;
    use super::super::{Options, quiz, render};
    use crate::config::RawHtml;
    use crate::highlight::Highlighter;
    use crate::images::Responsive;

    #[test]
    fn resized_images_get_srcset_sizes_and_their_size_and_png_a_webp_source() {
        let highlighter = Highlighter::new();
        let lookup = |path: &str| {
            let webp = path.ends_with(".png");
            Some(Responsive {
                width: 800,
                height: 600,
                srcset: vec![(format!("{path}-480w"), 480), (path.to_string(), 800)],
                webp: if webp {
                    vec![("p-480w.webp".into(), 480)]
                } else {
                    Vec::new()
                },
                sizes: "100vw".into(),
            })
        };
        let labels = quiz::Labels::default();
        let opts = Options {
            raw_html: RawHtml::Escape,
            images: &lookup,
            ..Options::new(
                &highlighter,
                &|_| unreachable!("no links"),
                quiz::Context {
                    key: "k",
                    labels: &labels,
                },
            )
        };
        let r = render("![Una foto](<a 100%.jpg>)\n\n![](p.png)\n", &opts);
        assert!(
            r.html.contains(
                "<img src=\"a%20100%.jpg\" alt=\"Una foto\" srcset=\"a%20100%25.jpg-480w 480w, a%20100%25.jpg 800w\" sizes=\"100vw\" width=\"800\" height=\"600\" loading=\"lazy\" decoding=\"async\" />"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains(
                "<picture><source type=\"image/webp\" srcset=\"p-480w.webp 480w\" sizes=\"100vw\"><img src=\"p.png\" alt=\"\" srcset="
            ),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("decoding=\"async\" /></picture>"),
            "{}",
            r.html
        );
        let warned: Vec<_> = r.warnings.iter().map(|w| w.line).collect();
        assert_eq!(warned, [3], "one warning: the image without alt text");
    }

    #[test]
    fn images_are_lazy_with_escaped_alt() {
        let r = md("![A \"quoted\" <b>*alt*</b>](<pics/a b.png> \"T&C\") in text\n");
        assert!(
            r.html.contains(
                "<img src=\"pics/a%20b.png\" alt=\"A “quoted” alt\" title=\"T&amp;C\" loading=\"lazy\" decoding=\"async\" />"
            ),
            "{}",
            r.html
        );
        assert_eq!(r.assets[0].path, "pics/a b.png");
    }

    #[test]
    fn image_with_non_ascii_file_name_does_not_panic() {
        // Found by the markdown fuzz target: encoding the first byte of `ó`
        // and then slicing the URL at its second byte panicked.
        let r = md("![Un niño](niño.png) ![x](</a/ó b.png>)\n");
        assert!(
            r.html.contains(
                "<img src=\"ni%C3%B1o.png\" alt=\"Un niño\" loading=\"lazy\" decoding=\"async\" />"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("src=\"/a/%C3%B3%20b.png\""), "{}", r.html);
        let paths: Vec<&str> = r.assets.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["niño.png"]);
    }
}
