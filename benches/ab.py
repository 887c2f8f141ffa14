#!/usr/bin/env python3
"""A/B timing of build variants, interleaved so that a change in the
machine's load hits every variant alike.

Each variant is NAME=COMMAND (run by the shell; `{out}` is replaced by a
fresh output folder, removed before every run). Runs go A B C A B C ...;
the report gives, per variant, the median and min-max wall time, median
CPU time (user + system), peak RSS (GNU time) and the output's size.

    python3 benches/ab.py --runs 7 \
      'glibc=target/release/aula build -q --root /tmp/c/n1000/aula --output {out}' \
      'jemalloc=LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 target/release/aula build -q --root /tmp/c/n1000/aula --output {out}'

Corpora come from `benches/build.py --corpus-dir DIR` (kept there) or
`python3 benches/gen_corpus.py --modules N --out DIR`. Needs GNU time (/usr/bin/time).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def du(path):
    total = 0
    for d, _, fs in os.walk(path):
        for f in fs:
            try:
                total += os.lstat(os.path.join(d, f)).st_size
            except OSError:
                pass
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("variants", nargs="+", help="NAME=COMMAND; {out} = output folder")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    a = ap.parse_args()
    variants = []
    for v in a.variants:
        name, _, cmd = v.partition("=")
        if not cmd:
            sys.exit(f"not NAME=COMMAND: {v}")
        variants.append((name, cmd))
    work = tempfile.mkdtemp(prefix="aula-ab-")
    res = {n: {"wall": [], "cpu": [], "rss": [], "bytes": 0} for n, _ in variants}
    try:
        for i in range(a.warmup + a.runs):
            for name, cmd in variants:
                out = os.path.join(work, "out")
                shutil.rmtree(out, ignore_errors=True)
                os.sync()  # do not make the next build pay for this deletion
                tf = os.path.join(work, "time")
                full = f"/usr/bin/time -o {tf} -f '%U %S %M' sh -c {sh_quote(cmd.replace('{out}', out))}"
                t0 = time.perf_counter()
                p = subprocess.run(full, shell=True, capture_output=True, text=True)
                wall = time.perf_counter() - t0
                if p.returncode != 0:
                    sys.exit(f"{name} failed:\n{p.stderr[-2000:]}")
                u, s, m = open(tf).read().split()[-3:]
                if i >= a.warmup:
                    r = res[name]
                    r["wall"].append(wall)
                    r["cpu"].append(float(u) + float(s))
                    r["rss"].append(int(m) / 1024)
                    r["bytes"] = du(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(f"{a.runs} interleaved runs per variant; load average now {load}\n")
    print("| variant | median s | min–max s | CPU s | peak RSS MiB | output MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in variants:
        r = res[name]
        print(f"| {name} | {statistics.median(r['wall']):.3f} | {min(r['wall']):.3f}–{max(r['wall']):.3f} "
              f"| {statistics.median(r['cpu']):.2f} | {statistics.median(r['rss']):,.0f} | {r['bytes'] / 1e6:,.1f} |")


def sh_quote(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"


if __name__ == "__main__":
    main()
