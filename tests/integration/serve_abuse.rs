//! `aula serve` under abuse, through the binary on 127.0.0.1: running out
//! of file descriptors, clients that never read a large download,
//! oversized request heads, and many live-reload streams. Each test is
//! bounded in time and prints how many ordinary requests were answered
//! while the abuse went on (`cargo test serve_abuse -- --nocapture`).
#![cfg(feature = "serve")]

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Generous for a debug build on a busy 2-core machine; every wait ends
/// as soon as the awaited thing happens.
const WAIT: Duration = Duration::from_secs(30);

/// A running `aula serve`, killed when dropped.
struct Serve {
    child: Child,
    port: u16,
}

impl Serve {
    /// Starts `aula serve` on a free port, with at most `fds` open file
    /// descriptors when given (through the shell's `ulimit -n`).
    fn start(root: &Path, fds: Option<u32>) -> Serve {
        let aula = env!("CARGO_BIN_EXE_aula");
        let mut cmd = match fds {
            Some(n) => {
                let mut c = Command::new("sh");
                c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), aula]);
                c
            }
            None => Command::new(aula),
        };
        let mut child = cmd
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("aula serve starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + WAIT;
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                        break rest.split('/').next().and_then(|p| p.parse().ok());
                    }
                }
                Err(_) => break None,
            }
        };
        let Some(port) = port else {
            let _ = child.kill();
            panic!("aula serve printed no URL");
        };
        Serve { child, port }
    }

    fn connect(&self) -> TcpStream {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        let s = TcpStream::connect_timeout(&addr, WAIT).expect("connect");
        s.set_read_timeout(Some(WAIT)).expect("timeout");
        s
    }

    /// One GET with `Connection: close`: the status, or `None` when no
    /// answer came within [`WAIT`].
    fn get(&self, path: &str) -> Option<u16> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut s = TcpStream::connect_timeout(&addr, WAIT).ok()?;
        s.set_read_timeout(Some(WAIT)).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .ok()?;
        status(&mut s)
    }

    /// Resident memory of the server in KiB (Linux).
    fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads an answer to its end; returns its status.
fn status(s: &mut TcpStream) -> Option<u16> {
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// `n` GETs of a page, one after another; how many were answered 200.
fn ordinary_requests(serve: &Serve, n: usize) -> usize {
    (0..n)
        .filter(|_| serve.get("/es/about/") == Some(200))
        .count()
}

/// Opens a live-reload stream and reads up to its first event.
fn open_stream(serve: &Serve) -> Option<BufReader<TcpStream>> {
    let mut s = serve.connect();
    s.write_all(b"GET /__aula/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut r = BufReader::new(s);
    matches!(next_event(&mut r), Said::Event(_)).then_some(r)
}

/// What a live-reload stream said next.
#[derive(Debug, PartialEq, Eq)]
enum Said {
    Event(String),
    Closed,
    /// Nothing within the read timeout.
    Silence,
}

fn next_event(r: &mut BufReader<TcpStream>) -> Said {
    let mut line = String::new();
    loop {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) => return Said::Closed,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Said::Silence;
            }
            Err(_) => return Said::Closed,
        }
        if let Some(name) = line.strip_prefix("event: ") {
            return Said::Event(name.trim_end().to_string());
        }
    }
}

/// Reads a stream until `reload`, its end or silence.
fn until_reload(r: &mut BufReader<TcpStream>) -> Said {
    loop {
        match next_event(r) {
            Said::Event(name) if name != "reload" => continue,
            other => return other,
        }
    }
}

fn edit(site: &Path) {
    let page = site.join("content/about.es.md");
    let text = std::fs::read_to_string(&page).expect("read");
    std::fs::write(&page, format!("{text}\nEdited.\n")).expect("edit");
}

/// Hundreds of connections that never send a byte, far beyond `fds`
/// descriptors (Unix only: `ulimit -n`; Windows has no such limit), then ordinary requests; prints and returns how many of
/// those were answered during the flood and after it.
#[cfg(unix)]
fn flood(fds: u32) -> (usize, usize) {
    let site = site("basic");
    let serve = Serve::start(site.path(), Some(fds));
    assert_eq!(serve.get("/es/about/"), Some(200));
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], serve.port));
    let deadline = Instant::now() + WAIT;
    let idle: Vec<TcpStream> = (0..300)
        .take_while(|_| Instant::now() < deadline)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok())
        .collect();
    let during = ordinary_requests(&serve, 20);
    let held = idle.len();
    drop(idle);
    let after = ordinary_requests(&serve, 5);
    eprintln!(
        "descriptor exhaustion (ulimit -n {fds}, {held} idle connections): {during}/20 requests answered during, {after}/5 after"
    );
    (during, after)
}

#[cfg(unix)]
#[test]
fn running_out_of_descriptors_does_not_stop_the_server() {
    // 64: the connection limit (16 here) keeps the server below it.
    assert_eq!(flood(64), (20, 5), "ulimit -n 64");
    // 14: even 4 connections exhaust it (about 9 are the server's own),
    // so accepting fails with EMFILE again and again, and must go on.
    assert_eq!(flood(14), (20, 5), "ulimit -n 14");
}

#[test]
fn clients_that_never_read_a_large_download_hold_up_no_one() {
    let site = site("basic");
    // A 64 MiB colocated asset: far more than socket buffers hold.
    let asset = site.path().join("content/courses/alpha/diagram.png");
    let big = 64 * 1024 * 1024;
    std::fs::write(&asset, vec![7u8; big]).expect("write asset");
    // Not a real PNG: with image resizing on it would be a build error.
    let toml = site.path().join("aula.toml");
    let config = std::fs::read_to_string(&toml).expect("read aula.toml");
    std::fs::write(&toml, config + "\n[images]\nenabled = false\n").expect("write aula.toml");
    let serve = Serve::start(site.path(), None);
    let url = "/es/cursos/alfa-es/01-intro/diagram.png";
    let mut stalled: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = serve.connect();
            write!(s, "GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").expect("send");
            s
        })
        .collect();
    let mut events = open_stream(&serve).expect("a live-reload stream opens");
    let during = ordinary_requests(&serve, 20);
    edit(site.path());
    let reloaded = until_reload(&mut events) == Said::Event("reload".into());
    eprintln!(
        "slow readers (8 stalled 64 MiB downloads): {during}/20 requests answered during, live reload {}",
        if reloaded { "delivered" } else { "lost" }
    );
    assert_eq!(during, 20, "requests while downloads stall");
    assert!(reloaded, "the reload reached the page");
    // A stalled download is dropped once 64 KiB of it has not gone out
    // within 10 s (the server's write timeout), even though a client that
    // never reads still takes in a few bytes now and then: reading now
    // ends well short of the file. Twice that, so a loaded CI machine
    // (where the server may reach a stalled request late) cannot make it
    // flaky.
    std::thread::sleep(Duration::from_secs(20));
    let s = &mut stalled[0];
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut got = 0usize;
    let mut chunk = vec![0u8; 1 << 16];
    while let Ok(n) = s.read(&mut chunk) {
        if n == 0 {
            break;
        }
        got += n;
    }
    assert!(
        got < big,
        "a stalled download was closed ({got} of {big} bytes)"
    );
}

#[test]
fn oversized_request_heads_are_refused_and_cost_little_memory() {
    let site = site("basic");
    let serve = Serve::start(site.path(), None);
    let before = serve.rss_kib();

    let mut s = serve.connect();
    write!(
        s,
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(100_000)
    )
    .expect("send");
    assert_eq!(status(&mut s), Some(414), "a 100 kB request line");

    let many: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    let mut s = serve.connect();
    write!(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n").expect("send");
    assert_eq!(status(&mut s), Some(431), "200 header fields");

    // Four clients each sending a 100 MB header, all at once.
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let mut s = serve.connect();
            std::thread::spawn(move || {
                let mut w = s.try_clone().expect("clone");
                let writer = std::thread::spawn(move || {
                    let _ = w.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
                    let chunk = vec![b'a'; 1 << 20];
                    for _ in 0..100 {
                        if w.write_all(&chunk).is_err() {
                            break;
                        }
                    }
                });
                let answer = status(&mut s);
                let _ = writer.join();
                answer
            })
        })
        .collect();
    let during = ordinary_requests(&serve, 20);
    for s in senders {
        assert_eq!(s.join().expect("sender"), Some(431), "a 100 MB header");
    }
    let after = serve.rss_kib();
    eprintln!(
        "oversized heads (4 × 100 MB headers): {during}/20 requests answered during; memory {before:?} -> {after:?} KiB"
    );
    assert_eq!(during, 20);
    if let (Some(before), Some(after)) = (before, after) {
        assert!(
            after < before + 64 * 1024,
            "memory grew from {before} to {after} KiB"
        );
    }
}

#[test]
fn every_live_reload_stream_gets_the_reload_or_is_closed() {
    let site = site("basic");
    let serve = Serve::start(site.path(), None);
    let streams: Vec<BufReader<TcpStream>> = (0..300).filter_map(|_| open_stream(&serve)).collect();
    assert_eq!(streams.len(), 300, "every stream was greeted");
    edit(site.path());
    let (mut reloaded, mut closed, mut silent) = (0, 0, 0);
    let deadline = Instant::now() + WAIT;
    for mut s in streams {
        let left = deadline.saturating_duration_since(Instant::now());
        s.get_ref()
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .expect("timeout");
        match until_reload(&mut s) {
            Said::Event(_) => reloaded += 1,
            Said::Closed => closed += 1,
            Said::Silence => silent += 1,
        }
    }
    let during = ordinary_requests(&serve, 20);
    eprintln!(
        "300 live-reload streams: {reloaded} got the reload, {closed} were closed, {silent} neither; {during}/20 requests answered"
    );
    assert_eq!(silent, 0, "streams that got neither the reload nor closed");
    assert!(reloaded >= 200, "only {reloaded} streams got the reload");
    assert_eq!(during, 20);
}
