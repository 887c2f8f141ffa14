//! Images: written by hand as `<img … loading="lazy" />`, with the alt text
//! gathered as plain text from whatever markup it holds, and the source
//! checked and rewritten like a link's destination (see [`super::links`]).
//!
//! An image whose source is refused must never vanish silently: its error
//! is recorded and its alt text stays on the page as text.

use pulldown_cmark::{CowStr, Event};

use super::figures::{Figure, img_tag};
use super::links::Dest;
use super::renderer::{Para, Renderer};
use super::vault;

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
            });
            return;
        }
        self.open_paragraph();
        self.trusted(img_tag(&src, &alt, Some(&image.title), size));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::md;

    #[test]
    fn images_are_lazy_with_escaped_alt() {
        let r = md("![A \"quoted\" <b>*alt*</b>](<pics/a b.png> \"T&C\") in text\n");
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
