//! Images: written by hand as `<img … loading="lazy" />`, with the alt text
//! gathered as plain text from whatever markup it holds, and the source
//! checked and rewritten like a link's destination (see [`super::links`]).
//!
//! An image whose source is refused must never vanish silently: its error
//! is recorded and its alt text stays on the page as text.

use pulldown_cmark::{CowStr, Event};

use super::links::{Dest, push_href};
use super::renderer::Renderer;
use crate::highlight::push_escaped;

/// An image being read: its source is known, its alt text is still coming.
pub(super) struct OpenImage {
    /// Nesting depth of tags inside the image's alt text.
    depth: usize,
    /// `None` when the destination could not be resolved.
    src: Option<String>,
    title: String,
    alt: String,
}

impl<'a> Renderer<'a, '_> {
    pub(super) fn start_image(&mut self, dest_url: CowStr<'a>, title: CowStr<'a>, offset: usize) {
        let dest = if self.rejects_scheme(&dest_url, offset, "image") {
            Dest::Drop
        } else {
            self.destination(&dest_url, offset)
        };
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
        let Some(src) = image.src else {
            // The error is already recorded; keep the words.
            self.emit(Event::Text(image.alt.into()));
            return;
        };
        let mut html = String::with_capacity(src.len() + image.alt.len() + 48);
        html.push_str("<img src=\"");
        push_href(&mut html, &src);
        html.push_str("\" alt=\"");
        push_escaped(&mut html, &image.alt);
        if !image.title.is_empty() {
            html.push_str("\" title=\"");
            push_escaped(&mut html, &image.title);
        }
        html.push_str("\" loading=\"lazy\" />");
        self.emit(Event::InlineHtml(html.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::md;

    #[test]
    fn images_are_lazy_with_escaped_alt() {
        let r = md("![A \"quoted\" <b>*alt*</b>](<pics/a b.png> \"T&C\")\n");
        assert!(
            r.html.contains(
                "<img src=\"pics/a%20b.png\" alt=\"A “quoted” alt\" title=\"T&amp;C\" loading=\"lazy\" />"
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
            r.html
                .contains("<img src=\"ni%C3%B1o.png\" alt=\"Un niño\" loading=\"lazy\" />"),
            "{}",
            r.html
        );
        assert!(r.html.contains("src=\"/a/%C3%B3%20b.png\""), "{}", r.html);
        let paths: Vec<&str> = r.assets.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["niño.png"]);
    }
}
