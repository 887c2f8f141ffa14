//! Answers one HTTP request from the site in memory.
//!
//! A request URL is decoded and checked ([`site_path`]) and then looked up
//! as a key of [`Files`]: nothing else on disk can ever be reached, so
//! `..`, encoded slashes or backslashes cannot leave the site, whatever
//! the decoding does. HTML responses get the live-reload snippet (and the
//! error overlay while the newest build fails); no other bytes are
//! changed. Never panics on a request: every failure is a status code.

use super::live::{Live, Snapshot};
use super::server::Request;
use crate::output::Data;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

/// Where the live-reload script is served, and the event stream.
pub const SCRIPT_PATH: &str = "/__aula/live.js";
pub const EVENTS_PATH: &str = "/__aula/events";

/// The script, served only by `aula serve`; pages load it through the
/// tag [`snippet`] injects.
const SCRIPT: &str = include_str!("live.js");

/// What to send back for one request.
pub enum Answer {
    Response(Response),
    /// A live-reload stream: the events `live` queues for this page.
    Events(Receiver<Arc<str>>),
}

/// One response; the connection layer adds `Content-Length` and, for
/// `HEAD`, leaves out the body.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

pub enum Body {
    Bytes(Vec<u8>),
    /// A file of the site as built, shared, not copied, per request.
    Shared(Arc<[u8]>),
    /// A copied source file and its length when opened.
    File(std::fs::File, u64),
}

impl Response {
    pub fn text(status: u16, body: &str) -> Response {
        bytes(
            status,
            "text/plain; charset=utf-8",
            body.as_bytes().to_vec(),
        )
    }
}

/// Answers `request`; hands event-stream requests over to `live`. With
/// `local_only` (the server listens on a loopback address), requests must
/// name a loopback host, see [`local_host`].
pub fn handle(request: &Request, live: &Live, local_only: bool) -> Answer {
    Answer::Response(match request.method.as_str() {
        _ if local_only && request.host.as_deref().is_some_and(|h| !local_host(h)) => {
            Response::text(
                403,
                "aula serve answers only requests for localhost or a loopback address\n",
            )
        }
        "GET" | "HEAD" => {
            let url = request.target.as_str();
            let path = url.split(['?', '#']).next().unwrap_or("");
            if path == EVENTS_PATH && request.method == "GET" {
                return Answer::Events(live.subscribe());
            }
            if path == SCRIPT_PATH {
                bytes(200, content_type(SCRIPT_PATH), SCRIPT.as_bytes().to_vec())
            } else {
                respond(url, &live.snapshot_for(site_path(url).as_deref()))
            }
        }
        _ => {
            let mut r = Response::text(405, "method not allowed\n");
            r.headers.push(("Allow", "GET, HEAD".into()));
            r
        }
    })
}

/// The response for a GET of `url` against one snapshot of the site.
fn respond(url: &str, snap: &Snapshot) -> Response {
    let Some(key) = site_path(url) else {
        return not_found(snap);
    };
    if let Some(data) = snap.files.get(&key) {
        return match file(&key, data, snap) {
            Some(r) => r,
            None => not_found(snap),
        };
    }
    // `es/cursos/x` names a folder: redirect so relative links resolve.
    if snap.files.contains_key(&format!("{key}/index.html")) {
        let (path, query) = match url.split_once('?') {
            Some((p, q)) => (p, format!("?{q}")),
            None => (url.split('#').next().unwrap_or(url), String::new()),
        };
        let to = format!("{path}/{query}");
        // The target came through the parser, which allows no control
        // characters; checked again since it goes into a header.
        if !to.chars().any(char::is_control) {
            let mut r = Response::text(301, "moved\n");
            r.headers.push(("Location", to));
            return r;
        }
    }
    not_found(snap)
}

/// The site key a request URL names (`es/cursos/x/index.html`), or
/// `None` when the URL cannot name a file of the site: it must be an
/// absolute path whose decoded segments are not empty, `.` or `..` and
/// hold no backslash or NUL. `dir/` names `dir/index.html`.
pub fn site_path(url: &str) -> Option<String> {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    let rest = raw.strip_prefix('/')?;
    let decoded = String::from_utf8(crate::text::percent_decode(rest, true)?).ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let folder = decoded.is_empty() || decoded.ends_with('/');
    let trimmed = decoded.strip_suffix('/').unwrap_or(&decoded);
    let mut key = String::with_capacity(decoded.len() + 10);
    if !trimmed.is_empty() {
        for seg in trimmed.split('/') {
            if seg.is_empty() || seg == "." || seg == ".." || seg.chars().any(char::is_control) {
                return None;
            }
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str(seg);
        }
    }
    if folder {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

/// Whether a `Host` header names this machine: `localhost`, a name under
/// `.localhost`, or a loopback address, with any port. A page on another
/// site that points its own name at 127.0.0.1 (DNS rebinding) sends its
/// own name here, and is refused, so it cannot read the author's drafts.
pub fn local_host(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, port))
                if port.is_empty()
                    || port
                        .strip_prefix(':')
                        .is_some_and(|p| p.parse::<u16>().is_ok()) =>
            {
                ip
            }
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.parse::<u16>().is_ok() => name,
            Some(_) => return false,
            None => &host,
        }
    };
    let name = name.strip_suffix('.').unwrap_or(name);
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The response for one file of the site; `None` when a copied source
/// file has disappeared since the build, 503 when it cannot be opened now
/// (out of file descriptors).
fn file(key: &str, data: &Data, snap: &Snapshot) -> Option<Response> {
    let kind = content_type(key);
    if is_html(key) {
        let body = match data {
            Data::Bytes(b) => inject(b, snap),
            Data::Copy(p) | Data::Written(p) => inject(&std::fs::read(p).ok()?, snap),
        };
        return Some(bytes(200, kind, body));
    }
    Some(match data {
        Data::Bytes(b) => Response {
            status: 200,
            headers: headers(kind),
            body: Body::Shared(Arc::clone(b)),
        },
        Data::Copy(p) | Data::Written(p) => {
            let f = match std::fs::File::open(p) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
                Err(_) => return Some(busy()),
            };
            let meta = f.metadata().ok()?;
            if !meta.is_file() {
                return None;
            }
            Response {
                status: 200,
                headers: headers(kind),
                body: Body::File(f, meta.len()),
            }
        }
    })
}

fn busy() -> Response {
    let mut r = Response::text(503, "aula serve is busy; try again\n");
    r.headers.push(("Retry-After", "1".into()));
    r
}

/// `404.html` of the site with status 404, or a plain page when the site
/// has none (or no build has succeeded yet).
fn not_found(snap: &Snapshot) -> Response {
    let page = match snap.files.get("404.html") {
        Some(Data::Bytes(b)) => Some(b.to_vec()),
        Some(Data::Copy(p) | Data::Written(p)) => std::fs::read(p).ok(),
        None => None,
    };
    let page = page.map(|p| rebase(&p)).unwrap_or_else(|| {
        b"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>404</title></head>\n<body><h1>404</h1><p>aula serve: no page at this address.</p></body></html>\n".to_vec()
    });
    bytes(404, "text/html; charset=utf-8", inject(&page, snap))
}

/// `404.html` is served at whatever depth the missing URL had; its links
/// are relative to the site root, which `aula serve` serves at `/`.
/// A `<base href>` pointing at the published `base_url` would send the
/// author to the live site, so it is replaced by `/` here (serve only).
fn rebase(html: &[u8]) -> Vec<u8> {
    const BASE: &[u8] = b"<base href=\"/\">";
    if let Some(start) = find_ci(html, b"<base ", false)
        && let Some(len) = html[start..].iter().position(|&c| c == b'>')
    {
        return [&html[..start], BASE, &html[start + len + 1..]].concat();
    }
    if let Some(start) = find_ci(html, b"<head", false)
        && let Some(len) = html[start..].iter().position(|&c| c == b'>')
    {
        let at = start + len + 1;
        return [&html[..at], BASE, &html[at..]].concat();
    }
    html.to_vec()
}

/// The page with the serve-only snippet before its last `</body>` (or at
/// the end when it has none).
pub fn inject(html: &[u8], snap: &Snapshot) -> Vec<u8> {
    let snippet = snippet(snap);
    let at = find_ci(html, b"</body>", true).unwrap_or(html.len());
    [&html[..at], snippet.as_bytes(), &html[at..]].concat()
}

/// The script tag (with the build's number, see [`Snapshot::generation`])
/// and, while the newest build fails, the overlay panel with its
/// diagnostics (escaped), which `live.js` updates or removes.
pub fn snippet(snap: &Snapshot) -> String {
    let overlay = snap.failure.as_deref().map(overlay).unwrap_or_default();
    format!(
        "{overlay}<script src=\"{SCRIPT_PATH}?v={}\"></script>\n",
        snap.generation
    )
}

fn overlay(text: &str) -> String {
    format!(
        "<div id=\"__aula_overlay\" role=\"alert\" style=\"position:fixed;z-index:2147483647;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;margin:0;padding:1em;background:#1d1f21;color:#f0f0f0;border-top:4px solid #e5484d;font:14px/1.4 ui-monospace,monospace\">\
<strong>aula serve: the build failed; this is the last good version of the page.</strong>\
<pre style=\"white-space:pre-wrap;margin:.5em 0 0\">{}</pre></div>\n",
        escape(text)
    )
}

pub use crate::text::html_escaped as escape;

/// Position of `needle` (ASCII, lower case) in `hay`, ignoring ASCII case;
/// the last occurrence when `last`.
fn find_ci(hay: &[u8], needle: &[u8], last: bool) -> Option<usize> {
    let n = needle.len();
    if hay.len() < n {
        return None;
    }
    let hit = |i: &usize| hay[*i..*i + n].eq_ignore_ascii_case(needle);
    if last {
        (0..=hay.len() - n).rev().find(hit)
    } else {
        (0..=hay.len() - n).find(hit)
    }
}

fn is_html(key: &str) -> bool {
    let ext = extension(key);
    ext.eq_ignore_ascii_case("html") || ext.eq_ignore_ascii_case("htm")
}

fn extension(key: &str) -> &str {
    let name = key.rsplit('/').next().unwrap_or(key);
    name.rsplit_once('.').map(|(_, e)| e).unwrap_or("")
}

/// The Content-Type for a site path, from its extension.
pub fn content_type(key: &str) -> &'static str {
    match extension(key).to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" | "xsl" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "txt" | "ftl" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "vtt" => "text/vtt; charset=utf-8",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        "epub" => "application/epub+zip",
        "odt" => "application/vnd.oasis.opendocument.text",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

fn bytes(status: u16, kind: &'static str, body: Vec<u8>) -> Response {
    Response {
        status,
        headers: headers(kind),
        body: Body::Bytes(body),
    }
}

/// Every response is fresh (`no-store`): the site changes under the
/// browser while an author works.
fn headers(kind: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", kind.into()),
        ("Cache-Control", "no-store".into()),
        ("X-Content-Type-Options", "nosniff".into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Files;

    fn snap(failure: Option<&str>) -> Snapshot {
        Snapshot {
            files: Arc::new(Files::new()),
            failure: failure.map(Arc::from),
            generation: 7,
        }
    }

    #[test]
    fn site_paths_map_folders_to_index() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/style.css").as_deref(), Some("style.css"));
        assert_eq!(
            site_path("/es/cursos/x/?a=1#b").as_deref(),
            Some("es/cursos/x/index.html")
        );
        assert_eq!(site_path("/es/cursos/x").as_deref(), Some("es/cursos/x"));
        assert_eq!(
            site_path("/pt/m%C3%B3dulo/").as_deref(),
            Some("pt/módulo/index.html")
        );
    }

    #[test]
    fn site_paths_never_climb_out() {
        for url in [
            "/../aula.toml",
            "/%2e%2e/aula.toml",
            "/%2E%2E/aula.toml",
            "/es/..%2f..%2faula.toml",
            "/es/%2e%2e%2F%2e%2e%2Faula.toml",
            "/..\\aula.toml",
            "/..%5caula.toml",
            "/es/./x",
            "//etc/passwd",
            "/es//x",
            "/a%00b",
            "/%",
            "/%zz",
            "/%c3",
            "aula.toml",
            "http://x/aula.toml",
            "*",
            "",
        ] {
            assert_eq!(site_path(url), None, "{url}");
        }
    }

    #[test]
    fn only_loopback_hosts_are_local() {
        for h in [
            "localhost",
            "localhost:1111",
            "LocalHost.:80",
            "a.localhost:1",
            "127.0.0.1:1111",
            "127.1.2.3",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(local_host(h), "{h}");
        }
        for h in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "10.0.0.1:1111",
            "0.0.0.0",
            "[::2]:1",
            "[::1]x",
            "[::1]é",
            "[::1]:",
            "localhost:x",
            "",
        ] {
            assert!(!local_host(h), "{h}");
        }
    }

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(content_type("es/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a/b.SVG"), "image/svg+xml");
        assert_eq!(content_type("x.woff2"), "font/woff2");
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("Makefile"), "application/octet-stream");
        assert_eq!(content_type("dir.d/noext"), "application/octet-stream");
    }

    #[test]
    fn injects_before_the_last_body_end_tag() {
        let out = inject(b"<p></BODY> x </body></html>", &snap(None));
        let out = String::from_utf8(out).expect("utf-8");
        assert!(
            out.ends_with("x <script src=\"/__aula/live.js?v=7\"></script>\n</body></html>"),
            "{out}"
        );
        let out = String::from_utf8(inject(b"<p>no body", &snap(None))).expect("utf-8");
        assert!(out.starts_with("<p>no body<script"), "{out}");
    }

    #[test]
    fn overlay_escapes_diagnostics() {
        let out = String::from_utf8(inject(b"<body></body>", &snap(Some("error: <b>&\"x'"))))
            .expect("utf-8");
        assert!(out.contains("error: &lt;b&gt;&amp;&quot;x&#39;"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(out.contains("id=\"__aula_overlay\""));
    }

    #[test]
    fn not_found_page_is_rebased_on_the_server_root() {
        let out = rebase(b"<html><head>\n<base href=\"https://x.org/\">\n</head>");
        assert_eq!(out, b"<html><head>\n<base href=\"/\">\n</head>");
        let out = rebase(b"<HTML><head lang=x><title>");
        assert_eq!(out, b"<HTML><head lang=x><base href=\"/\"><title>");
    }
}
