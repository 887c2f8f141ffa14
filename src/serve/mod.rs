//! `aula serve`: the author's loop.
//!
//! Builds the site into memory ([`build::Session`]), serves it on
//! 127.0.0.1, watches the sources and rebuilds after every change, and
//! tells open pages to reload through server-sent events. A failed build
//! keeps the last good site: its errors go to the terminal and over every
//! page until a later build succeeds.
//!
//! It never writes to disk, and the live-reload script exists only in this
//! server's responses, never in `aula build` output. Only keys of the
//! built `Files` can be served (see `http.rs`).
//!
//! Threads: one accepts connections and a thread per connection answers
//! it, within the limits of `server.rs`; one thread rebuilds; the
//! watcher's own threads debounce; the calling thread waits for Ctrl-C and
//! then shuts the rest down.

mod http;
mod live;
mod server;
mod watch;

use crate::build::{self, Report, Session};
use crate::diagnostic::{Diagnostic, Severity};
use crate::output::Files;
use live::Live;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver};
use std::time::Instant;
use watch::{Message, Watch};

/// What to serve and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The build options (`write` is ignored: serve never writes).
    pub build: build::Options,
    /// Address to listen on; loopback unless the author insists.
    pub bind: IpAddr,
    /// Port to try first; 0 lets the system choose.
    pub port: u16,
    pub quiet: bool,
    pub verbose: bool,
}

/// When the asked-for port is taken, the next ones are tried before
/// letting the system choose, so the URL stays memorable.
const PORT_TRIES: u16 = 10;

/// Serves until Ctrl-C. Fails only when there is nothing to serve (no
/// `aula.toml`) or the server cannot start; build errors are shown and
/// served around instead.
pub fn run(opts: Options) -> Result<(), Vec<Diagnostic>> {
    let mut build_opts = opts.build.clone();
    build_opts.write = false;
    let config = build_opts.root.join(crate::config::CONFIG_FILE);
    let root = std::fs::canonicalize(&build_opts.root).unwrap_or_else(|_| build_opts.root.clone());

    // Watch before the first build, so an edit made during it is seen.
    let (to_rebuild, changes) = mpsc::channel();
    let watch = Watch::start(&root, to_rebuild.clone());
    let mut session = Session::preview(build_opts);
    let log = Log {
        quiet: opts.quiet,
        verbose: opts.verbose,
    };
    let (files, failure, warnings) = match build(&mut session) {
        Ok((files, report)) => {
            log.diagnostics(&report.warnings);
            log.built(&report);
            (files, None, rendered(&report.warnings))
        }
        Err(errors) if !config.is_file() => return Err(errors),
        Err(errors) => {
            log.failed(&errors);
            (
                Arc::new(Files::new()),
                Some(rendered(&errors)),
                String::new(),
            )
        }
    };
    let watch = watch.map_err(|d| vec![d])?;
    let (listener, moved_from) = listen(opts.bind, opts.port).map_err(|d| vec![d])?;
    let addr = listener
        .local_addr()
        .map_err(|e| vec![io_error("cannot read the server address", &e)])?;
    let live = Arc::new(Live::new(files, failure));

    // Before the URL is out: whoever sees it may press Ctrl-C at once.
    let (_keep, stop) = catch_ctrl_c(&log);
    if !opts.bind.is_loopback() {
        log.always(&format!(
            "warning: serving on {}: anyone who can reach this machine can read the site{}\n  = help: leave out --bind to serve on 127.0.0.1 only",
            opts.bind,
            if opts.build.drafts { ", drafts included" } else { "" }
        ));
    }
    log.always(&format!(
        "serving {} at {}{} (Ctrl-C to stop)",
        root.display(),
        url(addr),
        match moved_from {
            Some(p) => format!(" (port {p} is in use)"),
            None => String::new(),
        }
    ));

    {
        let live = Arc::clone(&live);
        std::thread::Builder::new()
            .name("aula-rebuild".into())
            .spawn(move || rebuild_loop(session, watch, &changes, &live, &log, &root, warnings))
            .map_err(|e| vec![io_error("cannot start the rebuild thread", &e)])?;
    }
    let server = {
        let live = Arc::clone(&live);
        let local_only = opts.bind.is_loopback();
        server::Server::start(listener, move |request| {
            http::handle(request, &live, local_only)
        })
        .map_err(|e| vec![io_error("cannot start the server", &e)])?
    };

    let _ = stop.recv();
    let _ = to_rebuild.send(Message::Stop);
    server.stop();
    // Ends every live-reload stream: their threads close the connections.
    live.close();
    log.info("stopped");
    Ok(())
}

/// Catches Ctrl-C (and SIGTERM): the first one asks for a clean stop
/// through the returned receiver, a second one exits at once. The sender
/// is returned too, so the receiver never wakes up for a handler that
/// could not be installed.
fn catch_ctrl_c(log: &Log) -> (mpsc::Sender<()>, Receiver<()>) {
    let (tx, rx) = mpsc::channel::<()>();
    let keep = tx.clone();
    let mut signalled = false;
    let handler = ctrlc::set_handler(move || {
        if signalled {
            std::process::exit(130);
        }
        signalled = true;
        let _ = tx.send(());
    });
    if let Err(e) = handler {
        log.always(&format!(
            "warning: cannot catch Ctrl-C ({e}); the server stops without cleaning up"
        ));
    }
    (keep, rx)
}

/// How long after a reload the rebuild loop waits for another save before
/// it makes the files a quick update left (the status page): the reloading
/// pages load first, and an author who saves again gets that save built
/// first.
const SETTLE_AFTER_RELOAD: std::time::Duration = std::time::Duration::from_millis(25);

/// Rebuilds after each batch of changes until told to stop.
fn rebuild_loop(
    mut session: Session,
    mut watch: Watch,
    changes: &Receiver<Message>,
    live: &Live,
    log: &Log,
    root: &Path,
    mut warnings: String,
) {
    // Ready the first edit's quick update while the author reads.
    if let Ok(Some((files, _))) = guarded(&mut session, |s| s.finish().transpose()) {
        live.settle(files);
    }
    let mut next = None;
    while let Some(msg) = next.take().or_else(|| changes.recv().ok()) {
        let mut changed = match msg {
            Message::Changed(paths) => paths,
            Message::Trouble(t) => {
                log.trouble(&t);
                continue;
            }
            Message::Stop => return,
        };
        // Changes that queued up during the last build join this one.
        while let Ok(more) = changes.try_recv() {
            match more {
                Message::Changed(paths) => changed.extend(paths),
                Message::Trouble(t) => log.trouble(&t),
                Message::Stop => return,
            }
        }
        for d in watch.refresh() {
            log.always(&d.to_string());
        }
        let start = Instant::now();
        match guarded(&mut session, |s| s.update(&changed)) {
            Ok(update) => {
                // One save can reach the watcher as two bursts (write, then
                // close); the second rebuild changes nothing and must not
                // reload the author's page again.
                if !live.is_current(&update.files) {
                    live.publish(update.files, update.deferred);
                }
                warnings = log.warnings_if_new(&update.report.warnings, warnings);
                log.rebuilt(&update.report, start, &changed, root);
            }
            Err(errors) => {
                let text = rendered(&errors);
                live.fail(&text);
                log.failed(&errors);
                warnings.clear();
                continue;
            }
        }
        // The pages are reloading: once they had a moment to load, the
        // site-wide files (the status page) and the warnings, which
        // requests for them wait for; unless the author saved again, which
        // is rebuilt first (its update leaves the same files to finish).
        match changes.recv_timeout(SETTLE_AFTER_RELOAD) {
            Ok(Message::Trouble(t)) => log.trouble(&t),
            Ok(msg) => {
                next = Some(msg);
                continue;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        match guarded(&mut session, |s| s.finish().transpose()) {
            Ok(None) => {}
            Ok(Some((files, report))) => {
                live.settle(files);
                log.stages(&report);
                warnings = log.warnings_if_new(&report.warnings, warnings);
            }
            Err(errors) => {
                let text = rendered(&errors);
                live.fail(&text);
                log.failed(&errors);
                warnings.clear();
            }
        }
    }
}

/// The first build.
fn build(session: &mut Session) -> Result<(Arc<Files>, Report), Vec<Diagnostic>> {
    guarded(session, Session::build)
}

/// One step of a rebuild. A panic in the pipeline (a bug) must not leave
/// the author with a server that silently stopped rebuilding: it is
/// reported like a build error, and the next change starts from a fresh
/// session, since the old one may hold half-updated state.
fn guarded<T>(
    session: &mut Session,
    step: impl FnOnce(&mut Session) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| step(session))) {
        Ok(result) => result,
        Err(panic) => {
            *session = Session::preview(session.options().clone());
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(vec![
                Diagnostic::error(format!("aula crashed while rebuilding: {what}")).help(
                    "this is a bug in aula; please report it with the change that caused it. The next change rebuilds from scratch",
                ),
            ])
        }
    }
}

/// Binds `bind:port`, or the next free port after it, or any free port.
/// Returns the listener and, when it is not on `port`, the port asked for.
fn listen(bind: IpAddr, port: u16) -> Result<(TcpListener, Option<u16>), Diagnostic> {
    let bind_error = |e: std::io::Error| {
        Diagnostic::error(format!("cannot listen on {bind} port {port}: {e}"))
            .help("choose another address with --bind or another port with --port")
    };
    if port == 0 {
        return TcpListener::bind((bind, 0))
            .map(|l| (l, None))
            .map_err(bind_error);
    }
    for p in port..=port.saturating_add(PORT_TRIES) {
        match TcpListener::bind((bind, p)) {
            Ok(l) => return Ok((l, (p != port).then_some(port))),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(bind_error(e)),
        }
    }
    TcpListener::bind((bind, 0))
        .map(|l| (l, Some(port)))
        .map_err(bind_error)
}

/// The address to open in a browser (`0.0.0.0` is not one).
fn url(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{}/", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{}/", addr.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", addr.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", addr.port()),
    }
}

/// Diagnostics as the terminal shows them, for the overlay.
fn rendered(diags: &[Diagnostic]) -> String {
    let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    text.join("\n").trim_end().to_string()
}

fn io_error(what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("{what}: {e}"))
}

/// What serve prints, on stderr like every other command.
#[derive(Clone, Copy)]
struct Log {
    quiet: bool,
    verbose: bool,
}

impl Log {
    fn always(&self, line: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }

    fn info(&self, line: &str) {
        if !self.quiet {
            self.always(line);
        }
    }

    fn diagnostics(&self, diags: &[Diagnostic]) {
        let mut err = std::io::stderr().lock();
        for d in diags {
            if self.quiet && d.severity == Severity::Warning {
                continue;
            }
            let _ = writeln!(err, "{d}");
        }
    }

    fn built(&self, report: &Report) {
        self.stages(report);
        self.info(&format!(
            "{} in memory in {:.2} s",
            report.summary(),
            report.elapsed.as_secs_f64()
        ));
    }

    fn rebuilt(&self, report: &Report, start: Instant, changed: &[PathBuf], root: &Path) {
        self.stages(report);
        let shown: Vec<String> = changed
            .iter()
            .map(|p| shown(p, root))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let what = match shown.as_slice() {
            [] => String::new(),
            [one] => format!(" ({one})"),
            [one, rest @ ..] => format!(" ({one} and {} more)", rest.len()),
        };
        self.info(&format!(
            "rebuilt in {} ms{what}",
            start.elapsed().as_millis()
        ));
    }

    /// Prints `now` when it differs from the warnings shown last (`shown`);
    /// returns what is shown now.
    fn warnings_if_new(&self, now: &[Diagnostic], shown: String) -> String {
        let text = rendered(now);
        if text != shown {
            self.diagnostics(now);
        }
        text
    }

    fn stages(&self, report: &Report) {
        if self.verbose {
            for stage in &report.stages {
                self.always(&stage.line());
            }
        }
    }

    fn failed(&self, errors: &[Diagnostic]) {
        self.diagnostics(errors);
        let n = errors.iter().filter(|d| d.is_error()).count();
        self.always(&format!(
            "build failed: {n} error{}; still serving the last good site",
            if n == 1 { "" } else { "s" }
        ));
    }

    fn trouble(&self, lines: &[String]) {
        for l in lines {
            self.always(&format!("warning: watching for changes: {l}"));
        }
    }
}

/// A changed path as the author knows it: relative to the site root
/// (both canonical).
fn shown(path: &Path, root: &Path) -> String {
    match path.strip_prefix(root) {
        // The root itself: the watcher lost track and rescanned.
        Ok(rel) if rel.as_os_str().is_empty() => "the whole site".into(),
        Ok(rel) => crate::diagnostic::slashed(rel),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn urls_name_a_reachable_host() {
        let at = |ip: IpAddr| url(SocketAddr::new(ip, 1111));
        assert_eq!(at(Ipv4Addr::LOCALHOST.into()), "http://127.0.0.1:1111/");
        assert_eq!(at(Ipv4Addr::UNSPECIFIED.into()), "http://127.0.0.1:1111/");
        assert_eq!(at(Ipv6Addr::UNSPECIFIED.into()), "http://[::1]:1111/");
        assert_eq!(at(Ipv6Addr::LOCALHOST.into()), "http://[::1]:1111/");
    }

    #[test]
    fn a_taken_port_moves_to_a_free_one() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = taken.local_addr().expect("addr").port();
        let (l, moved) = listen(Ipv4Addr::LOCALHOST.into(), port).expect("listen");
        assert_eq!(moved, Some(port));
        assert_ne!(l.local_addr().expect("addr").port(), port);
    }
}
