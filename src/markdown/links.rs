//! Link and image destinations: `@/` internal links resolved through the
//! caller and rewritten to relative hrefs (with `hreflang` when the target
//! is shown in another language), relative references to local files
//! collected as assets after checking they stay inside the page's folder,
//! and hrefs written the way pulldown-cmark writes them.
//!
//! It must never touch the disk (whether an asset exists is the caller's
//! check) and never let a destination through that [`super::safety`]
//! rejects.

use pulldown_cmark::{CowStr, Event, LinkType, Tag};

use super::renderer::Renderer;
use super::{AssetRef, InternalLink, MarkdownError};
use crate::highlight::push_escaped;

/// What to do with a link or image destination.
pub(super) enum Dest {
    Keep,
    Rewrite(String),
    /// An internal link to a page in another language: `hreflang` added.
    RewriteLang(String, String),
    /// Unresolvable: render the text without the link.
    Drop,
}

impl<'a> Renderer<'a, '_> {
    pub(super) fn start_link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        // `<foo@bar.org>` and `<https://…>` carry no local path.
        let dest = if link_type == LinkType::Email {
            Dest::Keep
        } else if self.rejects_scheme(&dest_url, offset, "link") {
            Dest::Drop
        } else if link_type == LinkType::Autolink {
            Dest::Keep
        } else {
            self.destination(&dest_url, offset)
        };
        let dest_url = match dest {
            Dest::Keep => dest_url,
            Dest::Rewrite(href) => href.into(),
            Dest::RewriteLang(href, lang) => {
                // pulldown-cmark cannot add attributes: write the opening
                // tag; its End event still closes it.
                self.links_kept.push(true);
                self.emit(Event::InlineHtml(link_tag(&href, &lang, &title).into()));
                return;
            }
            Dest::Drop => {
                self.links_kept.push(false);
                return;
            }
        };
        self.links_kept.push(true);
        self.emit(Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }));
    }

    /// Closes the link, unless its opening was dropped.
    pub(super) fn end_link(&mut self) {
        if self.links_kept.pop().unwrap_or(true) {
            self.emit(Event::End(pulldown_cmark::TagEnd::Link));
        }
    }

    /// Resolves `@/` links and records local assets for a destination found
    /// at `offset`.
    pub(super) fn destination(&mut self, dest: &str, offset: usize) -> Dest {
        if let Some(rest) = dest.strip_prefix("@/") {
            return self.internal_link(dest, rest, offset);
        }
        self.lint_root_relative(dest, offset);
        let Some(path) = local_asset_path(dest) else {
            return Dest::Keep;
        };
        let (line, column) = self.locator.position(offset);
        match check_asset_path(&path) {
            Ok(()) => {
                // `./a.png` and `a//b.png` name the same files as `a.png` and
                // `a/b.png`; the caller joins the path to the page's folder.
                let path = path
                    .split('/')
                    .filter(|segment| !segment.is_empty() && *segment != ".")
                    .collect::<Vec<_>>()
                    .join("/");
                if !path.is_empty() {
                    self.out.assets.push(AssetRef { path, line, column });
                }
            }
            Err((message, help)) => self.out.errors.push(MarkdownError {
                line,
                column,
                message,
                help,
            }),
        }
        Dest::Keep
    }

    fn internal_link(&mut self, dest: &str, rest: &str, offset: usize) -> Dest {
        let (path, anchor) = match rest.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor).filter(|a| !a.is_empty())),
            None => (rest, None),
        };
        let (line, column) = self.locator.position(offset);
        if path.is_empty() {
            let here = anchor.map_or_else(|| "#anchor".to_owned(), |a| format!("#{a}"));
            self.out.errors.push(MarkdownError {
                line,
                column,
                message: format!("internal link `{dest}` names no page"),
                help: format!(
                    "write `@/path/from/content.md{here}`, or just `{here}` for a place on this page"
                ),
            });
            return Dest::Drop;
        }
        match (self.opts.resolve)(path) {
            Ok(target) => {
                let mut href = target.href;
                if let Some(anchor) = anchor {
                    href.push('#');
                    href.push_str(anchor);
                }
                self.out.links.push(InternalLink {
                    page: target.page,
                    anchor: anchor.map(str::to_owned),
                    line,
                    column,
                    raw: dest.to_owned(),
                });
                match target.lang {
                    Some(lang) => Dest::RewriteLang(href, lang),
                    None => Dest::Rewrite(href),
                }
            }
            Err(error) => {
                self.out.errors.push(MarkdownError {
                    line,
                    column,
                    message: error.message,
                    help: error.help,
                });
                Dest::Drop
            }
        }
    }
}

/// The opening `<a>` of a link to a page shown in another language.
fn link_tag(href: &str, lang: &str, title: &str) -> String {
    let mut tag = String::from("<a href=\"");
    push_href(&mut tag, href);
    tag.push_str("\" hreflang=\"");
    push_escaped(&mut tag, lang);
    tag.push('"');
    if !title.is_empty() {
        tag.push_str(" title=\"");
        push_escaped(&mut tag, title);
        tag.push('"');
    }
    tag.push('>');
    tag
}

/// The local file a destination points to, if it is one: not a fragment,
/// not absolute, no URL scheme. Fragment and query are cut off and
/// percent-escapes decoded, since the file on disk has the decoded name.
pub(super) fn local_asset_path(dest: &str) -> Option<String> {
    let end = dest.find(['#', '?']).unwrap_or(dest.len());
    let path = &dest[..end];
    if path.is_empty() || path.starts_with('/') || has_scheme(path) {
        return None;
    }
    Some(percent_decode(path))
}

/// `scheme:` as in RFC 3986, at least two characters long so that a Windows
/// drive (`C:\…`) is treated as a (bad) path rather than a URL.
fn has_scheme(path: &str) -> bool {
    let Some(colon) = path.find(':') else {
        return false;
    };
    let scheme = &path[..colon];
    let mut chars = scheme.chars();
    scheme.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

pub(super) fn percent_decode(path: &str) -> String {
    if !path.contains('%') {
        return path.to_owned();
    }
    crate::text::percent_decode(path, false)
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| path.to_owned())
}

/// Rejects asset paths that could reach outside the page's folder, and
/// relative links to Markdown sources (which would be copied, not rendered).
pub(super) fn check_asset_path(path: &str) -> Result<(), (String, String)> {
    const WHERE: &str = "assets must sit in the page's folder or below it";
    if path.contains('\\') {
        return Err((
            format!("asset path `{path}` contains a backslash"),
            format!("use `/` between folder names; {WHERE}"),
        ));
    }
    if path.contains('\0') {
        return Err((
            "asset path contains a NUL character".to_owned(),
            format!("remove it; {WHERE}"),
        ));
    }
    if path.split('/').any(|segment| segment == "..") {
        return Err((
            format!("asset path `{path}` goes up with `..`"),
            format!("{WHERE}: move the file next to the page or into a subfolder"),
        ));
    }
    let is_markdown = path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"));
    if is_markdown {
        return Err((
            format!("relative link to the Markdown file `{path}`"),
            "link to pages as `@/path/from/content.md`, so the link follows the page's \
             language and is checked"
                .to_owned(),
        ));
    }
    Ok(())
}

/// Writes a URL into a double-quoted attribute the way pulldown-cmark writes
/// link hrefs: bytes outside the URL-safe set are percent-encoded (existing
/// escapes are kept), `&` and `'` become entities.
///
/// Works byte by byte and never slices `url`: every byte of a multi-byte
/// character is encoded on its own (`ó` is `%C3%B3`), and slicing at those
/// bytes would split the character.
pub(super) fn push_href(out: &mut String, url: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in url.bytes() {
        let safe = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'?'
                    | b'@'
                    | b'_'
                    | b'~'
            );
        match b {
            _ if safe => out.push(char::from(b)),
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#x27;"),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{md, render_with};
    use super::super::{InternalLink, MarkdownError};

    #[test]
    fn link_to_a_page_in_another_language_carries_hreflang() {
        let r = md("See [the page](@/untranslated.md#part \"Its title\").\n");
        assert!(
            r.html.contains(
                "<a href=\"../../../es/x/#part\" hreflang=\"es\" title=\"Its title\">the page</a>"
            ),
            "{}",
            r.html
        );
    }

    #[test]
    fn internal_link_is_rewritten_with_anchor() {
        let r = md(
            "See [the module](@/courses/x/01-a.md#sec \"Title\") and [g](@/guidelines/access.md).\n",
        );
        assert!(
            r.html
                .contains("<a href=\"../01-a/#sec\" title=\"Title\">the module</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a href=\"../../guidelines/access/\">g</a>"),
            "{}",
            r.html
        );
        assert_eq!(
            r.links[0],
            InternalLink {
                page: 7,
                anchor: Some("sec".to_owned()),
                line: 1,
                column: 5,
                raw: "@/courses/x/01-a.md#sec".to_owned(),
            }
        );
        assert_eq!(r.links[1].anchor, None);
        assert!(r.errors.is_empty());
        assert!(r.assets.is_empty());
    }

    #[test]
    fn unresolved_link_reports_line_and_column() {
        let r = render_with("First line.\n\nSé [gone](@/missing.md#x) now.\n", 5);
        assert_eq!(
            r.errors,
            [MarkdownError {
                line: 7,
                column: 4,
                message: "no page `missing.md`".to_owned(),
                help: "check the path under content/".to_owned(),
            }]
        );
        assert!(r.links.is_empty());
        assert!(!r.html.contains("<a"), "{}", r.html);
        assert!(r.html.contains("Sé gone now."), "{}", r.html);
    }

    #[test]
    fn empty_internal_paths_are_errors_without_calling_the_resolver() {
        let r = md("[a](@/) and [b](@/#x)\n");
        assert_eq!(r.errors.len(), 2);
        assert!(r.errors[1].help.contains("`#x`"), "{:?}", r.errors[1]);
    }

    #[test]
    fn assets_are_collected_and_dotdot_rejected() {
        let body = "![A photo](img/photo.png)\n\
                    [slides](files/my%20slides.pdf#page=2) [ext](https://x.org/a.png)\n\
                    [m](mailto:a@b.org) [abs](/x.png) [frag](#top) [d](data:image/png;base64,AA)\n\
                    ![up](../secret.png) [win](dir\\file.png) [q](./notes.txt?v=1) <me@x.org>\n";
        let r = md(body);
        let assets: Vec<(&str, usize, usize)> = r
            .assets
            .iter()
            .map(|a| (a.path.as_str(), a.line, a.column))
            .collect();
        assert_eq!(
            assets,
            [
                ("img/photo.png", 1, 1),
                ("files/my slides.pdf", 2, 1),
                ("notes.txt", 4, 42)
            ]
        );
        let errors: Vec<(usize, usize)> = r.errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(errors, [(4, 1), (4, 22)]);
        assert!(r.errors[0].message.contains("../secret.png"));
        assert!(
            r.errors[0]
                .help
                .contains("assets must sit in the page's folder or below it")
        );
        assert!(r.errors[1].message.contains("backslash"));
    }

    #[test]
    fn asset_paths_are_normalised() {
        let r = md("![a](./img//a.png) [b](sub/./b.pdf) [c](./) [d](.)\n");
        let paths: Vec<&str> = r.assets.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["img/a.png", "sub/b.pdf"]);
        assert!(r.html.contains("src=\"./img//a.png\""), "{}", r.html);
    }

    #[test]
    fn encoded_dotdot_is_rejected_too() {
        let r = md("![x](a/%2e%2e/%2E%2E/b.png)\n");
        assert!(r.assets.is_empty());
        assert_eq!(r.errors.len(), 1);
    }

    #[test]
    fn relative_markdown_link_is_an_error() {
        let r = md("[next](02-next.md)\n");
        assert!(r.assets.is_empty());
        assert!(r.errors[0].help.contains("@/"), "{:?}", r.errors);
    }
}
