//! `aula serve`, through the binary: free port, content types, live reload
//! over server-sent events, the error overlay, path traversal, Ctrl-C, and
//! that `aula build` never carries the live-reload script.
//!
//! Every wait is bounded and polls or blocks on the socket, never sleeps
//! a fixed time, so the tests hold on a loaded 2-core machine.
#![cfg(feature = "serve")]

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Generous: a debug build on a busy machine; the tests end as soon as
/// the awaited thing happens.
const WAIT: Duration = Duration::from_secs(60);

/// A running `aula serve`, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
    /// Everything the server printed on stderr so far.
    log: Arc<Mutex<String>>,
}

impl Serve {
    fn start(root: &Path, port: u16) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aula"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("aula serve starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    log.lock().expect("log").push_str(&format!("{line}\n"));
                    let _ = tx.send(line);
                }
            });
        }
        let port = wait_for_url(&rx).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("no URL printed:\n{}", log.lock().expect("log"))
        });
        Serve { child, port, log }
    }

    fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Waits until the server has printed `text` (it prints after telling
    /// the browsers, so an event can come before its line).
    fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while !self.log().contains(text) {
            assert!(
                Instant::now() < deadline,
                "never printed {text:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn get(&self, path: &str) -> Reply {
        request(self.port, path)
    }

    fn events(&self) -> Events {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut w = stream.try_clone().expect("clone");
        w.write_all(
            b"GET /__aula/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n",
        )
        .expect("send");
        let mut events = Events {
            reader: BufReader::new(stream),
        };
        let status = events.line();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let mut content_type = String::new();
        loop {
            let line = events.line();
            if line.is_empty() {
                break;
            }
            if line.to_ascii_lowercase().starts_with("content-type:") {
                content_type = line;
            }
        }
        assert!(content_type.contains("text/event-stream"), "{content_type}");
        events
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for `serving … at http://127.0.0.1:PORT/`; returns the port.
fn wait_for_url(lines: &Receiver<String>) -> Option<u16> {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        let line = lines.recv_timeout(left).ok()?;
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            return rest.split('/').next()?.parse().ok();
        }
    }
}

/// The server-sent events of one connection.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self.reader.read_line(&mut line).expect("event stream open");
        assert!(n > 0, "event stream closed");
        line.trim_end_matches(['\r', '\n']).to_string()
    }

    /// The next event: its name and data.
    fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), Vec::new());
        loop {
            let line = self.line();
            if line.is_empty() {
                if !name.is_empty() {
                    return (name, data.join("\n"));
                }
            } else if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push(d.to_string());
            }
        }
    }

    /// Skips events until one called `name`; returns its data.
    fn until(&mut self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            let (n, data) = self.next();
            if n == name {
                return data;
            }
        }
        panic!("no `{name}` event in {WAIT:?}");
    }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One raw HTTP/1.1 GET: the path is sent exactly as given.
fn request(port: u16, path: &str) -> Reply {
    request_with(port, "GET", path)
}

fn request_with(port: u16, method: &str, path: &str) -> Reply {
    send(port, method, path, &format!("127.0.0.1:{port}"))
}

fn send(port: u16, method: &str, path: &str, host: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read reply");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad reply to {path}: {raw}"));
    Reply {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    }
}

#[test]
fn serves_pages_and_styles_on_a_free_port() {
    let site = site("basic");
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let serve = Serve::start(site.path(), port);
    assert_ne!(serve.port, port, "must not share a taken port");
    assert!(
        serve.log().contains(&format!("port {port} is in use")),
        "{}",
        serve.log()
    );

    let page = serve.get("/es/about/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains("About page in es."), "{}", page.body);
    assert!(
        page.body
            .contains("<script src=\"/__aula/live.js?v=0\"></script>\n</body>")
    );
    assert!(!page.body.contains("__aula_overlay"));

    // The stylesheet the page links, under its fingerprinted name.
    let at = page.body.find("/style.").expect("links the stylesheet");
    let style = &page.body[at + 1..];
    let style = &style[..style.find(".css").expect("a .css name") + 4];
    let css = serve.get(&format!("/{style}"));
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.contains("__aula"));

    let head = request_with(serve.port, "HEAD", &format!("/{style}"));
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), css.header("content-length"));
    assert!(head.body.is_empty());
    assert_eq!(request_with(serve.port, "POST", "/").status, 405);

    let png = serve.get("/es/cursos/alfa-es/01-intro/diagram.png");
    assert_eq!(png.status, 200, "a colocated asset, served from content/");
    assert_eq!(png.header("content-type"), Some("image/png"));
    let source = std::fs::read(site.path().join("content/courses/alpha/diagram.png")).expect("png");
    assert_eq!(
        png.header("content-length"),
        Some(source.len().to_string().as_str())
    );

    let script = serve.get("/__aula/live.js?v=0");
    assert_eq!(script.status, 200);
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.body.contains("EventSource(\"/__aula/events\")"));

    let missing = serve.get("/es/no-such-page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        missing.body.contains("<base href=\"/\">"),
        "{}",
        missing.body
    );

    let folder = serve.get("/es/about?x=1");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/es/about/?x=1"));
}

#[test]
fn an_edit_reloads_the_page_with_the_new_content() {
    let site = site("basic");
    let serve = Serve::start(site.path(), 0);
    let mut events = serve.events();
    events.until("ok");

    let page = site.path().join("content/about.es.md");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(
        &page,
        text.replace("About page in es.", "Edited while serving."),
    )
    .expect("edit");
    events.until("reload");

    let reply = serve.get("/es/about/");
    assert_eq!(reply.status, 200);
    assert!(
        reply.body.contains("Edited while serving."),
        "{}",
        reply.body
    );
    serve.wait_for_log("rebuilt in");
}

/// Editors that save by writing a temporary file and renaming it into
/// place reload the page once; the translators' status page, made after
/// the reload is sent, shows the edit when the page asks for it.
#[test]
fn a_save_by_renaming_reloads_once_and_the_status_page_follows() {
    let site = site("basic");
    let serve = Serve::start(site.path(), 0);
    let status_before = serve.get("/translations/");
    assert_eq!(status_before.status, 200);
    let mut events = serve.events();
    events.until("ok");

    let page = site.path().join("content/about.es.md");
    let text = std::fs::read_to_string(&page).expect("read");
    let tmp = site.path().join("content/about.es.md.tmp");
    std::fs::write(
        &tmp,
        text.replace("About page in es.", "Renamed into place."),
    )
    .expect("write");
    std::fs::rename(&tmp, &page).expect("rename");
    events.until("reload");
    let reply = serve.get("/es/about/");
    assert!(reply.body.contains("Renamed into place."), "{}", reply.body);
    let status = serve.get("/translations/");
    assert_eq!(status.status, 200);
    assert_ne!(status.body, status_before.body, "the es text changed");

    // No second reload for the same save. (Under load the two steps can
    // reach the watcher apart; the temporary file alone then rebuilds to
    // the same site, which reloads nothing.)
    let stream = events.reader.get_ref();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut more = String::new();
    let next = events.reader.read_line(&mut more);
    assert!(next.is_err(), "a second event: {more:?}");
}

#[test]
fn a_broken_edit_keeps_the_last_good_page_and_fixing_it_recovers() {
    let site = site("basic");
    let serve = Serve::start(site.path(), 0);
    let mut events = serve.events();
    events.until("ok");

    let page = site.path().join("content/about.es.md");
    let good = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, good.replace("title =", "titel = \"<b>\"\nx =")).expect("break");
    let error = events.until("error");
    assert!(error.contains("unknown key `titel`"), "{error}");
    assert!(error.contains("content/about.es.md:2:1"), "{error}");

    let reply = serve.get("/es/about/");
    assert_eq!(reply.status, 200);
    assert!(
        reply.body.contains("About page in es."),
        "the last good page"
    );
    assert!(
        reply.body.contains("id=\"__aula_overlay\""),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("unknown key `titel`"));
    assert!(
        reply.body.contains("titel = &quot;&lt;b&gt;&quot;"),
        "escaped"
    );
    assert!(!reply.body.contains("\"<b>\""), "never raw");
    serve.wait_for_log("still serving the last good site");

    // A browser that connects now learns of the failure at once.
    assert!(serve.events().until("error").contains("titel"));

    std::fs::write(&page, good.replace("About page in es.", "Fixed.")).expect("fix");
    events.until("reload");
    let reply = serve.get("/es/about/");
    assert!(reply.body.contains("Fixed."), "{}", reply.body);
    assert!(!reply.body.contains("__aula_overlay"), "{}", reply.body);
    assert_eq!(serve.events().next().0, "ok");
}

#[test]
fn a_site_whose_first_build_fails_is_served_once_fixed() {
    let site = site("basic");
    let page = site.path().join("content/about.es.md");
    let good = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, good.replace("title =", "titel =")).expect("break");
    let serve = Serve::start(site.path(), 0);
    let reply = serve.get("/es/about/");
    assert_eq!(reply.status, 404, "nothing built yet");
    assert!(reply.body.contains("unknown key `titel`"), "{}", reply.body);

    let mut events = serve.events();
    events.until("error");
    std::fs::write(&page, &good).expect("fix");
    events.until("reload");
    let reply = serve.get("/es/about/");
    assert_eq!(reply.status, 200);
    assert!(!reply.body.contains("__aula_overlay"));
}

#[test]
fn serve_without_a_site_fails_at_once() {
    let empty = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_aula"))
        .args(["serve", "--port", "0", "--root"])
        .arg(empty.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aula serve starts");
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("aula serve kept running without a site");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("aula.toml"), "{stderr}");
}

#[test]
fn path_traversal_never_leaves_the_site() {
    let site = site("basic");
    // Something worth stealing next to the site, and the site's own sources.
    std::fs::write(site.path().join("content/secret.txt"), "SECRET").expect("write");
    let serve = Serve::start(site.path(), 0);
    for path in [
        "/../aula.toml",
        "/%2e%2e/aula.toml",
        "/%2E%2E/%2e%2e/aula.toml",
        "/es/..%2f..%2faula.toml",
        "/es/%2e%2e%2f%2e%2e%2faula.toml",
        "/..\\aula.toml",
        "/..%5caula.toml",
        "/es/..%5c..%5caula.toml",
        "/aula.toml",
        "/aula.toml%00.html",
        "/content/about.es.md",
        "/content/secret.txt",
        "/es/cursos/alpha/../../../aula.toml",
        "//aula.toml",
        "/./aula.toml",
        "/%252e%252e/aula.toml",
        "http://127.0.0.1/../aula.toml",
    ] {
        let reply = serve.get(path);
        assert!(
            [400, 404].contains(&reply.status),
            "{path}: {}\n{}",
            reply.status,
            reply.body
        );
        for leak in ["default_language", "+++", "SECRET"] {
            assert!(!reply.body.contains(leak), "{path} leaked {leak}");
        }
    }
    // The server is still fine.
    assert_eq!(serve.get("/es/about/").status, 200);
}

#[test]
fn other_sites_cannot_read_the_preview_through_dns_rebinding() {
    let site = site("basic");
    let serve = Serve::start(site.path(), 0);
    let port = serve.port;
    for host in ["attacker.example", &format!("attacker.example:{port}")] {
        let reply = send(port, "GET", "/es/about/", host);
        assert_eq!(reply.status, 403, "{host}");
        assert!(!reply.body.contains("About page"), "{host}");
    }
    for host in [format!("localhost:{port}"), format!("[::1]:{port}")] {
        assert_eq!(send(port, "GET", "/es/about/", &host).status, 200, "{host}");
    }
}

#[test]
fn build_output_never_contains_the_live_reload_script() {
    let site = site("basic");
    build_ok(site.path());
    let public = site.path().join("public");
    let all = files(&public);
    assert!(all.iter().any(|f| f.ends_with(".html")));
    for f in all {
        let bytes = std::fs::read(public.join(&f)).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        for mark in ["__aula", "EventSource", "live.js"] {
            assert!(!text.contains(mark), "{f} contains {mark}");
        }
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = site("basic");
    let mut serve = Serve::start(site.path(), 0);
    let mut events = serve.events();
    events.until("ok");
    let pid = serve.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = serve.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{}", serve.log());
    // The event stream was closed, not left hanging.
    let mut rest = String::new();
    let _ = events.reader.read_to_string(&mut rest);
    serve.wait_for_log("stopped");
}
