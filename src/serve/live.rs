//! The live state of `aula serve`: the site being served, the newest
//! build's failure (if any) and the browsers listening for changes.
//!
//! Requests take a [`Snapshot`] (two `Arc` clones) and never hold the
//! lock while answering; a rebuild swaps the snapshot and tells every
//! browser in the same critical section, so a browser that connects
//! meanwhile learns either the old state and then the event, or the new
//! state. Events are server-sent events (`text/event-stream`), written by
//! hand on the raw connection: `reload` after a good build, `error` (the
//! diagnostics as text) after a failed one, and on connecting the current
//! state as `ok` (with the build's number) or `error`.

use crate::output::Files;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};

/// One consistent view of what to serve.
#[derive(Clone)]
pub struct Snapshot {
    /// The last site that built successfully.
    pub files: Arc<Files>,
    /// The diagnostics of the newest build, while it failed.
    pub failure: Option<Arc<str>>,
    /// Counts successful builds. Pages carry the one they were served
    /// from and the `ok` event tells the current one, so a page that
    /// missed a `reload` (served just before a rebuild, or from a hidden
    /// tab that had closed its stream) reloads when it connects.
    pub generation: u64,
}

/// Browsers beyond this many are dropped, oldest first: a page that
/// reconnects in a loop must not pile up connections.
const MAX_CLIENTS: usize = 64;

type Client = Box<dyn Write + Send + 'static>;

pub struct Live {
    inner: Mutex<Inner>,
}

struct Inner {
    snap: Snapshot,
    clients: Vec<Client>,
}

impl Live {
    pub fn new(files: Arc<Files>, failure: Option<String>) -> Live {
        Live {
            inner: Mutex::new(Inner {
                snap: Snapshot {
                    files,
                    failure: failure.map(Arc::from),
                    generation: 0,
                },
                clients: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the server down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn snapshot(&self) -> Snapshot {
        self.lock().snap.clone()
    }

    /// Starts an event stream on a connection whose request was just
    /// read, and tells it the current state.
    pub fn subscribe(&self, mut client: Client) {
        let mut inner = self.lock();
        let state = match &inner.snap.failure {
            Some(text) => event("error", text),
            None => event("ok", &inner.snap.generation.to_string()),
        };
        let greeting = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 500\n\n{state}"
        );
        if client
            .write_all(greeting.as_bytes())
            .and_then(|()| client.flush())
            .is_ok()
        {
            if inner.clients.len() >= MAX_CLIENTS {
                inner.clients.remove(0);
            }
            inner.clients.push(client);
        }
    }

    /// A build succeeded: serve `files` and reload every page.
    /// Whether `files` is what is being served already, with no failure
    /// shown (unchanged pages share their bytes, so this is cheap).
    pub fn is_current(&self, files: &Files) -> bool {
        use crate::output::Data;
        let inner = self.lock();
        let served = &inner.snap.files;
        inner.snap.failure.is_none()
            && served.len() == files.len()
            && served.iter().zip(files).all(|((ka, a), (kb, b))| {
                ka == kb
                    && match (a, b) {
                        (Data::Bytes(x), Data::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
                        (x, y) => x == y,
                    }
            })
    }

    pub fn publish(&self, files: Arc<Files>) {
        let mut inner = self.lock();
        inner.snap = Snapshot {
            files,
            failure: None,
            generation: inner.snap.generation + 1,
        };
        let msg = event("reload", &inner.snap.generation.to_string());
        broadcast(&mut inner.clients, &msg);
    }

    /// A build failed: keep the site, show `text` over every page.
    pub fn fail(&self, text: &str) {
        let mut inner = self.lock();
        inner.snap.failure = Some(Arc::from(text));
        let msg = event("error", text);
        broadcast(&mut inner.clients, &msg);
    }

    /// Ends every event stream (on shutdown).
    pub fn close(&self) {
        self.lock().clients.clear();
    }
}

/// Sends `msg` to every client, forgetting those whose connection is gone.
fn broadcast(clients: &mut Vec<Client>, msg: &str) {
    clients.retain_mut(|c| c.write_all(msg.as_bytes()).and_then(|()| c.flush()).is_ok());
}

/// One server-sent event; each line of `data` becomes a `data:` line.
pub fn event(name: &str, data: &str) -> String {
    let mut s = format!("event: {name}\n");
    for line in data.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        s.push_str("data: ");
        s.push_str(&line.replace('\r', " "));
        s.push('\n');
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// A client that forwards what it is sent, or fails when told to.
    struct Probe(mpsc::Sender<Vec<u8>>);
    impl Write for Probe {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .send(b.to_vec())
                .map_err(|_| std::io::Error::other("gone"))?;
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn received(rx: &mpsc::Receiver<Vec<u8>>) -> String {
        String::from_utf8(rx.try_iter().flatten().collect()).expect("utf-8")
    }

    #[test]
    fn an_identical_build_is_current_a_changed_one_is_not() {
        use crate::output::Data;
        let mut files = Files::new();
        files.insert("a/index.html".into(), Data::Bytes(b"one"[..].into()));
        files.insert("sitemap.xml".into(), Data::Bytes(b"map"[..].into()));
        let live = Live::new(Arc::new(files.clone()), None);
        // Same shared bytes, and equal bytes in a fresh allocation.
        files.insert("sitemap.xml".into(), Data::Bytes(b"map"[..].into()));
        assert!(live.is_current(&files));
        files.insert("a/index.html".into(), Data::Bytes(b"two"[..].into()));
        assert!(!live.is_current(&files));
        let failed = Live::new(Arc::new(Files::new()), Some("broken".into()));
        assert!(
            !failed.is_current(&Files::new()),
            "a fix must clear the overlay"
        );
    }

    #[test]
    fn events_split_lines() {
        assert_eq!(event("reload", "3"), "event: reload\ndata: 3\n\n");
        assert_eq!(
            event("error", "a\nb\r\nc\rd"),
            "event: error\ndata: a\ndata: b\ndata: c d\n\n"
        );
    }

    #[test]
    fn subscribers_get_state_then_changes_and_dead_ones_are_dropped() {
        let live = Live::new(Arc::new(Files::new()), None);
        let (tx, rx) = mpsc::channel();
        live.subscribe(Box::new(Probe(tx)));
        let hello = received(&rx);
        assert!(hello.starts_with("HTTP/1.1 200 OK\r\n"), "{hello}");
        assert!(hello.contains("Content-Type: text/event-stream\r\n"));
        assert!(hello.ends_with("event: ok\ndata: 0\n\n"), "{hello}");

        live.fail("error: x");
        assert_eq!(received(&rx), "event: error\ndata: error: x\n\n");
        assert_eq!(live.snapshot().failure.as_deref(), Some("error: x"));
        live.publish(Arc::new(Files::new()));
        assert_eq!(received(&rx), "event: reload\ndata: 1\n\n");
        assert!(live.snapshot().failure.is_none());

        drop(rx);
        live.publish(Arc::new(Files::new()));
        assert!(live.lock().clients.is_empty());
    }
}
