//! Connections of `aula serve`: accepting, reading request heads within
//! limits, writing answers, keeping live-reload streams.
//!
//! A thread per connection, up to a limit that follows the process's
//! file-descriptor limit; a slow or stalled client only ever holds its
//! own thread. What one client can take is bounded: the request line
//! (8 KiB, else 414) and head (32 KiB and 100 headers, else 431), the time
//! to send a head (10 s, else 408), idle time between requests, and the
//! time each 64 KiB of an answer may take to go out (10 s, then the
//! connection is closed). When every slot is taken, the longest-idle connection (then
//! the oldest live-reload stream, whose page reconnects and catches up)
//! is closed to make room, and when none can be, the newcomer gets 503.
//! The accepting thread never stops: running out of descriptors closes
//! an idle connection and waits a moment.
//!
//! Never reads a request body (no request aula answers has one) and never
//! decides what to answer: that is `http.rs`.

use super::http::{Answer, Body, Response};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Longest request line (method, URL, version); longer gets 414.
pub const MAX_LINE: usize = 8 * 1024;
/// Longest request head (line and headers); longer gets 431.
pub const MAX_HEAD: usize = 32 * 1024;
/// Most header fields in one request; more gets 431.
pub const MAX_HEADERS: usize = 100;
/// Most connections at once (fewer when descriptors are scarce).
pub const MAX_CONNECTIONS: usize = 256;
/// From the first byte of a request to the end of its head; else 408.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may wait for its next request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long each [`PIECE`] of an answer may take to go out before the
/// client is dropped as stalled.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Answers go out in pieces of at most this many bytes.
const PIECE: usize = 64 * 1024;
/// How long a connection being closed after an answer may go on sending.
const LINGER: Duration = Duration::from_secs(1);
/// How often a live-reload stream checks that its page is still there.
const STREAM_CHECK: Duration = Duration::from_secs(1);
/// Descriptors kept for the rest of the process (watcher, rebuilds).
#[cfg(unix)]
const RESERVED_FDS: u64 = 32;
/// Connection threads need little: answers are built on the heap.
const STACK: usize = 256 * 1024;

/// One request head, as `http.rs` needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent (`/es/x/?a=1`).
    pub target: String,
    /// The `Host` header, if any (lossily decoded).
    pub host: Option<String>,
    /// Whether the connection stays open after the answer.
    keep_alive: bool,
}

/// The accepting side of the server; dropping it does not stop it, see
/// [`Server::stop`].
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accepting: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts accepting on `listener`; every request goes to `answer`.
    pub fn start(
        listener: TcpListener,
        answer: impl Fn(&Request) -> Answer + Send + Sync + 'static,
    ) -> std::io::Result<Server> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            answer: Box::new(answer),
            slots: Mutex::new(Slots::default()),
            max: connection_limit(),
        });
        let accepting = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("aula-accept".into())
                .spawn(move || accept_loop(&listener, &shared, &stop))?
        };
        Ok(Server {
            addr,
            stop,
            accepting: Some(accepting),
        })
    }

    /// Stops accepting (connections already open end on their own).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        if TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok()
            && let Some(t) = self.accepting.take()
        {
            let _ = t.join();
        }
    }
}

/// What the accepting thread and the connection threads share.
struct Shared {
    answer: Box<dyn Fn(&Request) -> Answer + Send + Sync>,
    slots: Mutex<Slots>,
    max: usize,
}

/// Open connections by age (ids grow), with what each is doing.
#[derive(Default)]
struct Slots {
    next: u64,
    open: BTreeMap<u64, Slot>,
}

struct Slot {
    stream: Arc<TcpStream>,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for (the first byte of) a request.
    Idle,
    /// Reading a request or writing an answer.
    Busy,
    /// A live-reload stream.
    Streaming,
}

impl Shared {
    fn slots(&self) -> MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, id: u64, state: State) {
        if let Some(slot) = self.slots().open.get_mut(&id) {
            slot.state = state;
        }
    }

    /// Closes the longest-idle connection, or else the oldest live-reload
    /// stream; `false` when every connection is busy.
    fn evict(&self) -> bool {
        let victim = {
            let mut slots = self.slots();
            let pick = |s: State| {
                slots
                    .open
                    .iter()
                    .find(|(_, slot)| slot.state == s)
                    .map(|(id, _)| *id)
            };
            let id = pick(State::Idle).or_else(|| pick(State::Streaming));
            id.and_then(|id| slots.open.remove(&id))
        };
        match victim {
            Some(slot) => {
                // Its thread sees the end of the connection and leaves.
                let _ = slot.stream.shutdown(Shutdown::Both);
                true
            }
            None => false,
        }
    }
}

/// A connection's place in [`Slots`], given back when its thread ends.
struct Conn {
    id: u64,
    stream: Arc<TcpStream>,
    shared: Arc<Shared>,
}

impl Conn {
    fn set(&self, state: State) {
        self.shared.set(self.id, state);
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.shared.slots().open.remove(&self.id);
    }
}

/// Connections the process's descriptor limit allows: two descriptors
/// each (the socket, a file being sent), after a reserve.
fn connection_limit() -> usize {
    #[cfg(unix)]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
        if let Some(fds) = limit.current {
            let fit = fds.saturating_sub(RESERVED_FDS) / 2;
            return usize::try_from(fit)
                .unwrap_or(MAX_CONNECTIONS)
                .clamp(4, MAX_CONNECTIONS);
        }
    }
    MAX_CONNECTIONS
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::Interrupted | std::io::ErrorKind::ConnectionAborted
                ) =>
            {
                continue;
            }
            // Out of descriptors (or memory): free one, give the system a
            // moment, and go on. The waiting connection stays queued.
            Err(_) => {
                let freed = shared.evict();
                std::thread::sleep(Duration::from_millis(if freed { 2 } else { 50 }));
                continue;
            }
        };
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let full = shared.slots().open.len() >= shared.max;
        if full && !shared.evict() {
            refuse(&stream);
            continue;
        }
        let stream = Arc::new(stream);
        let conn = {
            let mut slots = shared.slots();
            let id = slots.next;
            slots.next += 1;
            slots.open.insert(
                id,
                Slot {
                    stream: Arc::clone(&stream),
                    state: State::Idle,
                },
            );
            Conn {
                id,
                stream,
                shared: Arc::clone(shared),
            }
        };
        // If no thread can be had, `conn` is dropped and the client closed.
        let _ = std::thread::Builder::new()
            .name("aula-http".into())
            .stack_size(STACK)
            .spawn(move || serve(&conn));
    }
}

/// Answers 503 to a connection there is no room for, without waiting.
fn refuse(stream: &TcpStream) {
    let _ = stream.set_nonblocking(true);
    let body = "aula serve is busy: too many connections; try again\n";
    let _ = (&*stream).write_all(
        format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let _ = stream.shutdown(Shutdown::Write);
}

/// One connection: requests and answers until either side closes.
fn serve(conn: &Conn) {
    let stream = &*conn.stream;
    let _ = stream.set_nodelay(true);
    // Bytes read beyond one head (a pipelined next request).
    let mut buf = Vec::with_capacity(1024);
    loop {
        conn.set(State::Idle);
        let request = match read_head(stream, &mut buf, conn) {
            Next::Request(r) => r,
            Next::Closed => return,
            Next::Reject(status, why) => {
                let r = Response::text(status, why);
                let _ = write_response(stream, r, false, true);
                linger(stream);
                return;
            }
        };
        let head_only = request.method == "HEAD";
        match (conn.shared.answer)(&request) {
            Answer::Response(r) => {
                let close = !request.keep_alive;
                if write_response(stream, r, head_only, close).is_err() || close {
                    linger(stream);
                    return;
                }
            }
            Answer::Events(events) => {
                conn.set(State::Streaming);
                stream_events(stream, &events);
                return;
            }
        }
    }
}

enum Next {
    Request(Request),
    Closed,
    Reject(u16, &'static str),
}

/// Reads the next request head into `buf` (which may already hold some
/// of it), within the size and time limits.
fn read_head(mut stream: &TcpStream, buf: &mut Vec<u8>, conn: &Conn) -> Next {
    let waiting_since = Instant::now();
    let mut started: Option<Instant> = None;
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            if started.is_none() {
                started = Some(Instant::now());
                conn.set(State::Busy);
            }
            match parse(buf) {
                Parsed::Complete(request, len) => {
                    buf.drain(..len);
                    return Next::Request(request);
                }
                Parsed::Partial => {}
                Parsed::Reject(status, why) => return Next::Reject(status, why),
            }
        }
        let deadline = match started {
            Some(t) => t + HEAD_TIMEOUT,
            None => waiting_since + IDLE_TIMEOUT,
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return match started {
                Some(_) => Next::Reject(408, "request timeout: the request head took too long\n"),
                None => Next::Closed,
            };
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut chunk) {
            Ok(0) => return Next::Closed,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::Interrupted
                        | std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Next::Closed,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Complete(Request, usize),
    Partial,
    Reject(u16, &'static str),
}

const TOO_LONG_LINE: &str = "URI too long: the request line is limited to 8 KiB\n";
const TOO_LARGE_HEAD: &str = "request header fields too large: at most 32 KiB and 100 fields\n";

/// Parses a request head at the start of `buf`, if it is all there.
fn parse(buf: &[u8]) -> Parsed {
    let line = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    if line > MAX_LINE {
        return Parsed::Reject(414, TOO_LONG_LINE);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) if len <= MAX_HEAD => len,
        Ok(httparse::Status::Complete(_)) => return Parsed::Reject(431, TOO_LARGE_HEAD),
        Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD => {
            return Parsed::Reject(431, TOO_LARGE_HEAD);
        }
        Ok(httparse::Status::Partial) => return Parsed::Partial,
        Err(httparse::Error::TooManyHeaders) => return Parsed::Reject(431, TOO_LARGE_HEAD),
        Err(_) => return Parsed::Reject(400, "bad request\n"),
    };
    let (Some(method), Some(target), Some(version)) = (req.method, req.path, req.version) else {
        return Parsed::Reject(400, "bad request\n");
    };
    let field = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    let connection = field("Connection").unwrap_or_default().to_ascii_lowercase();
    // A body is never read, so the connection cannot be reused after one.
    let body = field("Transfer-Encoding").is_some()
        || field("Content-Length").is_some_and(|l| l.trim() != "0");
    let keep_alive = version == 1 && !connection.contains("close") && !body;
    Parsed::Complete(
        Request {
            method: method.to_string(),
            target: target.to_string(),
            host: field("Host"),
            keep_alive,
        },
        len,
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes one answer within [`WRITE_TIMEOUT`] per [`PIECE`].
fn write_response(
    stream: &TcpStream,
    response: Response,
    head_only: bool,
    close: bool,
) -> std::io::Result<()> {
    let len = match &response.body {
        Body::Bytes(b) => b.len() as u64,
        Body::Shared(b) => b.len() as u64,
        Body::File(_, len) => *len,
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {len}\r\n"));
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    if head_only {
        return send(stream, head.as_bytes(), WRITE_TIMEOUT);
    }
    match response.body {
        Body::Bytes(b) => send(stream, &[head.as_bytes(), &b].concat(), WRITE_TIMEOUT),
        Body::Shared(b) => {
            send(stream, head.as_bytes(), WRITE_TIMEOUT)?;
            send(stream, &b, WRITE_TIMEOUT)
        }
        Body::File(file, len) => {
            send(stream, head.as_bytes(), WRITE_TIMEOUT)?;
            // By hand, not `io::copy`: on Linux that uses `sendfile`,
            // which ignores the write timeout.
            let mut file = file.take(len);
            let mut chunk = vec![0u8; PIECE];
            let mut copied = 0u64;
            loop {
                let n = match file.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                };
                send(stream, &chunk[..n], WRITE_TIMEOUT)?;
                copied += n as u64;
            }
            if copied < len {
                // The file shrank since it was measured: the answer is short.
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            Ok(())
        }
    }
}

/// Writes `bytes` in pieces of at most [`PIECE`], and fails once a piece
/// has not gone out within `limit`: a client that takes in less than
/// 64 KiB in that time is stalled. The socket's write timeout alone is
/// not such a bound: it limits the waiting in one call, and a client
/// that never reads still takes a few bytes now and then (its receive
/// queue gets compacted), so each call returns a short count and the
/// next waits the whole timeout again (three times in a row, with 2 s,
/// on this project's Linux machines).
fn send(mut stream: &TcpStream, bytes: &[u8], limit: Duration) -> std::io::Result<()> {
    stream.set_write_timeout(Some(limit))?;
    for piece in bytes.chunks(PIECE) {
        let began = Instant::now();
        let mut rest = piece;
        let mut shortened = false;
        loop {
            match stream.write(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
            if rest.is_empty() {
                break;
            }
            let left = limit.saturating_sub(began.elapsed());
            if left.is_zero() {
                return Err(std::io::ErrorKind::TimedOut.into());
            }
            stream.set_write_timeout(Some(left))?;
            shortened = true;
        }
        if shortened {
            stream.set_write_timeout(Some(limit))?;
        }
    }
    Ok(())
}

/// Closes after an answer: the client gets what was written even when it
/// is still sending (what it sends meanwhile is read and dropped, within
/// [`LINGER`] and 256 KiB), instead of a reset that could discard the
/// answer.
fn linger(mut stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut chunk = [0u8; 4096];
    let mut left = 256 * 1024usize;
    while left > 0 {
        // A deadline for all of it, not a timeout per read: a client that
        // sends a byte now and then would otherwise hold the thread for
        // 256 Ki reads.
        let wait = deadline.saturating_duration_since(Instant::now());
        if wait.is_zero() || stream.set_read_timeout(Some(wait)).is_err() {
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// A live-reload stream: the event-stream head, then every event `live`
/// queues for this page, until the page goes, the server closes it, or
/// a write stalls. It either gets every event or is closed.
fn stream_events(stream: &TcpStream, events: &Receiver<Arc<str>>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n";
    if send(stream, head.as_bytes(), WRITE_TIMEOUT).is_err() {
        return;
    }
    loop {
        match events.recv_timeout(STREAM_CHECK) {
            Ok(event) => {
                if send(stream, event.as_bytes(), WRITE_TIMEOUT).is_err() {
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) if page_is_there(stream) => {}
            Err(_) => break,
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Whether the page at the other end of a live-reload stream still
/// listens: it never sends anything, so end of stream or data means no.
fn page_is_there(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let mut byte = [0u8; 1];
    let there =
        matches!(stream.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    there && stream.set_nonblocking(false).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: &str, keep_alive: bool) -> Request {
        Request {
            method: "GET".into(),
            target: target.into(),
            host: Some("localhost".into()),
            keep_alive,
        }
    }

    #[test]
    fn parses_a_request_head_and_what_follows_it() {
        let raw = b"GET /es/?a=1 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /next";
        assert_eq!(
            parse(raw),
            Parsed::Complete(request("/es/?a=1", true), raw.len() - 9)
        );
        assert_eq!(parse(b"GET /es/ HTTP/1.1\r\nHost: local"), Parsed::Partial);
        let close = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: Close\r\n\r\n";
        assert!(matches!(parse(close), Parsed::Complete(r, _) if !r.keep_alive));
        let old = b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
        assert!(matches!(parse(old), Parsed::Complete(r, _) if !r.keep_alive));
        let body = b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc";
        assert!(matches!(parse(body), Parsed::Complete(r, _) if !r.keep_alive));
    }

    #[test]
    fn oversized_or_broken_heads_are_refused() {
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_LINE));
        assert!(matches!(
            parse(long_line.as_bytes()),
            Parsed::Reject(414, _)
        ));
        // Still arriving, already too long.
        let partial = format!("GET /{}", "a".repeat(MAX_LINE));
        assert!(matches!(parse(partial.as_bytes()), Parsed::Reject(414, _)));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n", "a".repeat(MAX_HEAD));
        assert!(matches!(parse(big.as_bytes()), Parsed::Reject(431, _)));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: y\r\n")).collect();
        let many = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert!(matches!(parse(many.as_bytes()), Parsed::Reject(431, _)));
        for bad in [
            &b"\x00\x01\x02 / HTTP/1.1\r\n\r\n"[..],
            b"GET / HTTP/9.9\r\n\r\n",
            b"GET /\r\n\r\n",
        ] {
            assert!(matches!(parse(bad), Parsed::Reject(400, _)), "{bad:?}");
        }
    }

    #[test]
    fn every_status_sent_has_a_reason() {
        for s in [200, 301, 400, 403, 404, 405, 408, 414, 431, 503] {
            assert!(!reason(s).is_empty(), "{s}");
        }
    }

    #[test]
    fn a_client_that_stops_reading_is_dropped_within_the_limit() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        // Far more than the socket buffers hold; the client never reads.
        let limit = Duration::from_secs(2);
        let started = Instant::now();
        let failed = send(&server, &vec![7u8; 64 << 20], limit);
        let took = started.elapsed();
        drop(client);
        let kind = failed.expect_err("a stalled client fails the write").kind();
        assert!(
            matches!(
                kind,
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ),
            "{kind:?}"
        );
        // The socket's write timeout alone would wait `limit` per call,
        // twice or more here: a short write first, then nothing.
        assert!(took < limit * 7 / 4, "dropped after {took:?}");
    }

    #[test]
    fn a_client_that_reads_gets_the_whole_answer() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let mut client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            client.read_to_end(&mut got).expect("read");
            got
        });
        let body: Vec<u8> = (0..(3 * PIECE + 5)).map(|i| (i % 251) as u8).collect();
        send(&server, &body, Duration::from_secs(10)).expect("sent");
        drop(server);
        assert_eq!(reader.join().expect("reader"), body);
    }

    #[test]
    fn closing_waits_a_bounded_time_for_a_client_that_keeps_sending() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let mut client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        let stop = Arc::new(AtomicBool::new(false));
        let dripping = {
            let stop = Arc::clone(&stop);
            // A byte every 50 ms: each read gets one well within any
            // per-read timeout, so only a deadline ends the wait.
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) && client.write_all(b"x").is_ok() {
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let started = Instant::now();
        linger(&server);
        let took = started.elapsed();
        stop.store(true, Ordering::SeqCst);
        drop(server);
        dripping.join().expect("client");
        assert!(took < LINGER * 3, "closing took {took:?}");
    }
}
