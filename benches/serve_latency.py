#!/usr/bin/env python3
"""Edit-to-reload latency of `aula serve`.

Starts the release binary on a corpus, connects to the live-reload event
stream like a browser would, edits one module N times, and measures the
time from each file write to the `reload` server-sent event: watcher +
rebuild + swap + send, everything an author waits for. Also reports the
rebuild time the server prints for each edit, so the two can be told apart.

    python3 benches/serve_latency.py                 # 3,000-page corpus, 10 edits
    python3 benches/serve_latency.py --edits 20 --site /tmp/n1000/aula

The corpus is made with benches/gen_corpus.py when missing, and is
copied to a temporary folder first (unless --in-place), so a corpus that
others use is never edited. Only the Python standard library is needed.
"""

import argparse
import json
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WAIT = 60.0  # seconds; for one event or the first build, never reached when healthy


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, default=Path("/tmp/n1000/aula"),
                    help="site to serve (default: /tmp/n1000/aula, generated when missing)")
    ap.add_argument("--modules", type=int, default=1000,
                    help="modules for a generated corpus (3 pages each)")
    ap.add_argument("--edits", type=int, default=10, help="measured edits (after one warm-up)")
    ap.add_argument("--binary", type=Path, default=REPO / "target/release/aula")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release")
    ap.add_argument("--in-place", action="store_true",
                    help="edit the site itself (restored at the end) instead of a copy")
    ap.add_argument("--json", action="store_true", help="also print one JSON line with the results")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    if not (args.site / "aula.toml").is_file():
        generate(args.site, args.modules)

    with tempfile.TemporaryDirectory(prefix="aula-serve-latency-") as tmp:
        site = args.site
        if not args.in_place:
            site = Path(tmp) / "site"
            shutil.copytree(args.site, site, ignore=shutil.ignore_patterns("public", ".*"))
        results = measure(args.binary, site, args.edits)
    report(results, args)


def generate(site: Path, modules: int):
    gen = REPO / "benches/gen_corpus.py"
    out = site.parent
    print(f"generating a {modules}-module corpus in {out} ...", file=sys.stderr)
    subprocess.run([sys.executable, str(gen), "--modules", str(modules), "--out", str(out),
                    "--layouts", "aula"], check=True)


def measure(binary: Path, site: Path, edits: int):
    module = sorted((site / "content/courses").glob("*/m*.es.md"))[0]
    original = module.read_text(encoding="utf-8")
    server = subprocess.Popen([str(binary), "serve", "--root", str(site), "--port", "0"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in server.stderr],
                     daemon=True).start()
    try:
        port = None
        deadline = time.monotonic() + 600  # the first, full build
        while port is None:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            print(f"  server: {line}", file=sys.stderr)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
        events = EventStream(port)
        events.until("ok")

        results = []
        for i in range(edits + 1):
            text = original + f"\n\nEdit number {i} for the latency benchmark.\n"
            drain(lines)
            with open(module, "w", encoding="utf-8") as f:
                f.write(text)
            t0 = time.perf_counter()
            name = events.until("reload", also=("error",))
            t1 = time.perf_counter()
            if name == "error":
                raise SystemExit(f"the edit broke the build: {events.last_data}")
            rebuild = server_rebuild_ms(lines)
            if i == 0:
                print(f"  warm-up: {(t1 - t0) * 1000:.1f} ms", file=sys.stderr)
                continue
            results.append({"edit": i, "reload_ms": (t1 - t0) * 1000, "rebuild_ms": rebuild})
            print(f"  edit {i:2}: write -> reload {(t1 - t0) * 1000:8.1f} ms"
                  f"   (server rebuild {rebuild if rebuild is not None else '?'} ms)",
                  file=sys.stderr)
            time.sleep(0.2)  # let the debouncer see the build's own file reads go by
        return results
    finally:
        module.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def drain(lines: queue.Queue):
    while True:
        try:
            lines.get_nowait()
        except queue.Empty:
            return


def server_rebuild_ms(lines: queue.Queue):
    """The `rebuilt in N ms` line the server prints right after the event."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.05)
        except queue.Empty:
            continue
        m = re.search(r"rebuilt in (\d+) ms", line)
        if m:
            return int(m.group(1))
    return None


class EventStream:
    """A raw server-sent events client: `GET /__aula/events`."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.sock.sendall(b"GET /__aula/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Accept: text/event-stream\r\n\r\n")
        self.file = self.sock.makefile("rb")
        status = self.file.readline()
        if b" 200 " not in status:
            raise SystemExit(f"event stream refused: {status!r}")
        while self.file.readline().strip():
            pass
        self.last_data = ""

    def until(self, name: str, also=()):
        """Reads events until one named `name` (or one in `also`); returns its name."""
        event, data = None, []
        while True:
            line = self.file.readline()
            if not line:
                raise SystemExit("event stream closed")
            line = line.decode("utf-8").rstrip("\r\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and event:
                if event == name or event in also:
                    self.last_data = "\n".join(data)
                    return event
                event, data = None, []


def report(results, args):
    reload = [r["reload_ms"] for r in results]
    rebuild = [r["rebuild_ms"] for r in results if r["rebuild_ms"] is not None]
    print(f"\nwrite -> SSE reload over {len(reload)} edits: median {statistics.median(reload):.1f} ms,"
          f" min {min(reload):.1f}, max {max(reload):.1f}")
    if rebuild:
        print(f"server-side rebuild: median {statistics.median(rebuild):.1f} ms;"
              f" the rest is the watcher (about 2 ms), event delivery and this script")
    if args.json:
        print(json.dumps({
            "site": str(args.site), "edits": len(reload),
            "reload_ms_median": statistics.median(reload),
            "reload_ms_min": min(reload), "reload_ms_max": max(reload),
            "rebuild_ms_median": statistics.median(rebuild) if rebuild else None,
            "runs": results,
        }))


if __name__ == "__main__":
    main()
