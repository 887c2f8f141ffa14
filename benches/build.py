#!/usr/bin/env python3
"""Full-build benchmark for aula: wall time (median of N runs), pages/s and
peak memory, on the repo's sample campus and on synthetic corpora made by
../shared/bench/gen-corpus.py (the same generator used to time Hugo and Zola).

Usage (from the repo root):
    python3 benches/build.py                 # sample + 300 and 3,000 pages, 5 runs each
    python3 benches/build.py --modules 100 1000 10000 --runs 5
Results go to stdout as a Markdown table; paste them into docs/performance.md.
Needs: cargo, python3, GNU time (/usr/bin/time) for peak memory.
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen-corpus.py")
AULA = os.path.join(ROOT, "target", "release", "aula")


def run(site, out, runs):
    times, rss, pages = [], [], 0
    for _ in range(runs):
        cmd = [AULA, "build", "--quiet", "--root", site, "--output", out]
        if os.path.exists("/usr/bin/time"):
            cmd = ["/usr/bin/time", "-f", "MAXRSS %M"] + cmd
        import time
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(f"build of {site} failed:\n{p.stderr}")
        times.append(dt)
        m = re.search(r"MAXRSS (\d+)", p.stderr)
        if m:
            rss.append(int(m.group(1)) / 1024)
    for dirpath, _, files in os.walk(out):
        pages += sum(1 for f in files if f == "index.html")
    return times, rss, pages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--modules", type=int, nargs="*", default=[100, 1000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="aula-bench-")
    rows = []
    try:
        sites = [("sample campus (repo)", ROOT)]
        for n in args.modules:
            dest = os.path.join(work, f"n{n}")
            subprocess.run([sys.executable, GEN, "--modules", str(n), "--out", dest, "--layouts", "aula"],
                           check=True, capture_output=True)
            sites.append((f"{n} modules x 3 languages", os.path.join(dest, "aula")))
        for name, site in sites:
            out = os.path.join(work, "out")
            run(site, out, 1)  # warm the page cache
            times, rss, pages = run(site, out, args.runs)
            med = statistics.median(times)
            rows.append((name, pages, med, min(times), max(times), pages / med,
                         statistics.median(rss) if rss else float("nan")))
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {cpu}; runs per row: {args.runs}\n")
    print("| site | pages | median s | min s | max s | pages/s | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, pages, med, lo, hi, pps, mem in rows:
        print(f"| {name} | {pages} | {med:.3f} | {lo:.3f} | {hi:.3f} | {pps:.0f} | {mem:.0f} |")


if __name__ == "__main__":
    main()
