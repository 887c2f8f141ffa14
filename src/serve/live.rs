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
//! A quick rebuild publishes the site before its site-wide pages (the
//! translators' status page) are made again: those paths are *pending*
//! until [`Live::settle`] brings their new bytes, and a request for one
//! waits for them rather than get the old page.
//!
//! Nothing here touches a socket: each browser's connection thread
//! writes the events queued for it (see `server.rs`), so a browser that
//! stops reading holds up no one. A browser whose queue is full is
//! dropped from the list, and its connection closed once the queue is
//! written: every stream gets every event or is closed, and the page
//! catches up when it reconnects (`ok` carries the build number).

use crate::output::Files;
use std::collections::BTreeSet;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

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

/// How long a request for a pending path waits for it before it is
/// answered from what is there (a rebuild that never settles must not
/// hang the browser).
const PENDING_WAIT: Duration = Duration::from_secs(10);

pub struct Live {
    inner: Mutex<Inner>,
    /// Signalled when pending paths are settled.
    settled: Condvar,
}

struct Inner {
    snap: Snapshot,
    clients: Vec<Client>,
    /// Paths of `snap.files` whose bytes are being made again.
    pending: BTreeSet<String>,
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
                pending: BTreeSet::new(),
            }),
            settled: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the server down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot to answer a request for the site path `key` from:
    /// once `key` is not pending any more.
    pub fn snapshot_for(&self, key: Option<&str>) -> Snapshot {
        let mut inner = self.lock();
        let Some(key) = key else {
            return inner.snap.clone();
        };
        let deadline = Instant::now() + PENDING_WAIT;
        while inner.pending.contains(key) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            inner = match self.settled.wait_timeout(inner, left) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        inner.snap.clone()
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

    /// `pending`: paths of `files` still being made ([`Live::settle`]).
    pub fn publish(&self, files: Arc<Files>, pending: Vec<String>) {
        let mut inner = self.lock();
        inner.snap = Snapshot {
            files,
            failure: None,
            generation: inner.snap.generation + 1,
        };
        inner.pending = pending.into_iter().collect();
        let msg = event("reload", &inner.snap.generation.to_string());
        broadcast(&mut inner.clients, &msg);
        self.settled.notify_all();
    }

    /// The pending paths are made: serve `files` (the same build, complete)
    /// without reloading pages again; requests that waited are answered.
    pub fn settle(&self, files: Arc<Files>) {
        let mut inner = self.lock();
        if inner.snap.failure.is_none() {
            inner.snap.files = files;
        }
        inner.pending.clear();
        self.settled.notify_all();
    }

    /// A build failed: keep the site, show `text` over every page.
    pub fn fail(&self, text: &str) {
        let mut inner = self.lock();
        inner.snap.failure = Some(Arc::from(text));
        inner.pending.clear();
        let msg = event("error", text);
        broadcast(&mut inner.clients, &msg);
        self.settled.notify_all();
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
        assert_eq!(live.snapshot_for(None).failure.as_deref(), Some("error: x"));
        live.publish(Arc::new(Files::new()), Vec::new());
        assert_eq!(received(&rx), "event: reload\ndata: 1\n\n");
        assert!(live.snapshot_for(None).failure.is_none());

        drop(rx);
        live.publish(Arc::new(Files::new()), Vec::new());
        assert!(live.lock().clients.is_empty());
    }

    #[test]
    fn a_subscriber_that_falls_behind_gets_everything_queued_then_the_end() {
        let live = Live::new(Arc::new(Files::new()), None);
        let rx = live.subscribe();
        for _ in 0..QUEUE + 5 {
            live.publish(Arc::new(Files::new()), Vec::new());
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

    #[test]
    fn a_pending_path_is_answered_once_settled_others_at_once() {
        use crate::output::Data;
        let page = |text: &str| {
            let mut files = Files::new();
            files.insert("a/index.html".into(), Data::Bytes(text.as_bytes().into()));
            files.insert(
                "translations/index.html".into(),
                Data::Bytes(text.as_bytes().into()),
            );
            Arc::new(files)
        };
        let live = Arc::new(Live::new(page("old"), None));
        live.publish(page("new"), vec!["translations/index.html".into()]);
        let now = live.snapshot_for(Some("a/index.html"));
        assert!(matches!(now.files.get("a/index.html"), Some(Data::Bytes(b)) if &b[..] == b"new"));
        let waiter = {
            let live = Arc::clone(&live);
            std::thread::spawn(move || live.snapshot_for(Some("translations/index.html")))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "waits for the status page");
        live.settle(page("done"));
        let got = waiter.join().expect("waiter");
        assert!(matches!(
            got.files.get("translations/index.html"),
            Some(Data::Bytes(b)) if &b[..] == b"done"
        ));
    }
}
