//! The live state of `aula serve`: the site being served, the newest
//! build's failure (if any) and the browsers listening for changes.
//!
//! Requests take a [`Snapshot`] (two `Arc` clones) and never hold the
//! lock while answering; a rebuild swaps the snapshot and queues the
//! event for every browser in the same critical section, so a browser
//! that connects meanwhile learns either the old state and then the
//! event, or the new state. Events are server-sent events
//! (`text/event-stream`): `reload` after a good build, `error` (the
//! diagnostics as text) after a failed one, and on connecting the current
//! state as `ok` (with the build's number) or `error`.
//!
//! Nothing here touches a socket: each browser's connection thread
//! writes the events queued for it (see `server.rs`), so a browser that
//! stops reading holds up no one. A browser whose queue is full is
//! dropped from the list, and its connection closed once the queue is
//! written: every stream gets every event or is closed, and the page
//! catches up when it reconnects (`ok` carries the build number).

use crate::output::Files;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
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

/// Events that may wait for one browser; a browser this far behind is
/// not reading and is dropped. Builds take longer than a browser takes to
/// read an event, so a reading browser never has more than one or two.
const QUEUE: usize = 16;

type Client = SyncSender<Arc<str>>;

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

    /// Starts an event stream: the returned queue first holds the current
    /// state, then every event until the stream is dropped or closed.
    pub fn subscribe(&self) -> Receiver<Arc<str>> {
        let mut inner = self.lock();
        let state = match &inner.snap.failure {
            Some(text) => event("error", text),
            None => event("ok", &inner.snap.generation.to_string()),
        };
        let (tx, rx) = sync_channel(QUEUE);
        if tx.try_send(format!("retry: 500\n\n{state}").into()).is_ok() {
            inner.clients.push(tx);
        }
        rx
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

/// Queues `msg` for every client, forgetting those whose connection is
/// gone and those too far behind (their connection then closes).
fn broadcast(clients: &mut Vec<Client>, msg: &str) {
    let msg: Arc<str> = msg.into();
    clients.retain(|c| match c.try_send(Arc::clone(&msg)) {
        Ok(()) => true,
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
    });
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

    fn received(rx: &Receiver<Arc<str>>) -> String {
        rx.try_iter().map(|e| e.to_string()).collect()
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
        let rx = live.subscribe();
        assert_eq!(received(&rx), "retry: 500\n\nevent: ok\ndata: 0\n\n");

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

    #[test]
    fn a_subscriber_that_falls_behind_gets_everything_queued_then_the_end() {
        let live = Live::new(Arc::new(Files::new()), None);
        let rx = live.subscribe();
        for _ in 0..QUEUE + 5 {
            live.publish(Arc::new(Files::new()));
        }
        assert!(live.lock().clients.is_empty(), "dropped once full");
        let got: Vec<Arc<str>> = rx.try_iter().collect();
        assert_eq!(
            got.len(),
            QUEUE,
            "greeting and events, in order, none skipped"
        );
        assert!(got[1].contains("data: 1\n"));
        assert!(got[QUEUE - 1].contains(&format!("data: {}\n", QUEUE - 1)));
        assert!(matches!(
            rx.try_recv(),
            Err(std::sync::mpsc::TryRecvError::Disconnected)
        ));
    }
}
