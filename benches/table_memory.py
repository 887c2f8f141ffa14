#!/usr/bin/env python3
"""Peak memory of `aula check` and `aula build` on pathological pages.

Generates four one-page sites in a temporary folder and reports, for each,
the input size and the peak resident set size of `aula check` and
`aula build` (median over --runs runs, each a fresh process):

  * baseline: a small page (a few paragraphs and a small table);
  * wide table: one table of 10,000 columns x 400 rows (~19 MB), with
    left, center, right and no alignment cycling over the columns
    (issue 13, item 6, reported at 2.9 GB);
  * plain page: ~50 MB of paragraphs of words and a heading every 50;
  * marked-up page: ~50 MB of prose with emphasis, inline code, links and
    apostrophes on every line, so many more Markdown events per byte
    (issue 13 reported 1.2 GB for a 50 MB page).

    cargo build --release
    python3 benches/table_memory.py                 # 3 runs each, ~2 min
    python3 benches/table_memory.py --runs 5 --aula /tmp/aula-old

Peak RSS is GNU time's %M (/usr/bin/time, Debian package `time`: the
kernel's ru_maxrss of the aula process, all its threads). Without GNU time
the script falls back to os.wait4's ru_maxrss, which on Linux may include
this script's own peak (a few MiB, since pages are written as a stream).
Otherwise only the Python standard library and the aula binary are needed.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

AULA_TOML = """base_url = "https://example.org/"
default_language = "es"

[languages.es]
title = "Memoria"
description = "Páginas patológicas para medir memoria."
"""

FRONT = '+++\ntitle = "{title}"\n+++\n\n'


def baseline_page(f):
    para = (
        "La docencia híbrida combina sesiones presenciales y en línea; "
        "esta página sirve de referencia para medir el coste fijo.\n\n"
    )
    f.write(FRONT.format(title="Base") + "## Intro\n\n" + para * 20)
    f.write("| a | b | c |\n|:--|:-:|--:|\n" + "| 1 | 2 | 3 |\n" * 10)


def table_page(f, columns, rows):
    aligns = [":--", ":-:", "--:", "---"]
    f.write(FRONT.format(title="Tabla ancha"))
    f.write("|" + "|".join(f"c{c}" for c in range(columns)) + "|\n")
    f.write("|" + "|".join(aligns[c % 4] for c in range(columns)) + "|\n")
    row = "|" + "|".join(f" {c % 100} " for c in range(columns)) + "|\n"
    for _ in range(rows):
        f.write(row)


def plain_page(f, size):
    words = (
        "aprender enseñar campus curso módulo lectura práctica foro vídeo "
        "evaluación objetivo sesión herramienta guía itinerario "
    ).split()
    para = (" ".join(words * 4) + "\n") * 5 + "\n"
    f.write(FRONT.format(title="Página larga"))
    n = 0
    while f.tell() < size:
        if n % 50 == 0:
            f.write(f"## Sección {n // 50}\n\n")
        f.write(para)
        n += 1


def marked_up_page(f, size):
    line = (
        "La *docencia* híbrida d'un **curso** usa `foro` y "
        "[vídeo](https://example.org/v) cada día.\n"
    )
    para = line * 4 + "\n"
    f.write(FRONT.format(title="Página con marcas"))
    n = 0
    while f.tell() < size:
        if n % 50 == 0:
            f.write(f"## Sección {n // 50}\n\n")
        f.write(para)
        n += 1


def make_site(base, name, write):
    """A one-page site; `write` fills content/_index.md. Written as a
    stream, so that this script stays small next to what it measures."""
    site = os.path.join(base, name)
    os.makedirs(os.path.join(site, "content"))
    with open(os.path.join(site, "aula.toml"), "w", encoding="utf-8") as f:
        f.write(AULA_TOML)
    page = os.path.join(site, "content", "_index.md")
    with open(page, "w", encoding="utf-8") as f:
        write(f)
    return site, os.path.getsize(page)


GNU_TIME = "/usr/bin/time"


def run(argv, work):
    """Runs argv; returns (exit code, wall seconds, peak RSS in bytes, log).

    With GNU time, the peak is its %M. Without, it is the ru_maxrss that
    os.wait4 reports for the child; the kernel may carry this script's own
    peak over into a spawned child, so small results are then upper bounds."""
    log = os.path.join(work, "log")
    stats = os.path.join(work, "time")
    if os.access(GNU_TIME, os.X_OK):
        argv = [GNU_TIME, "-o", stats, "-f", "%M"] + argv
    with open(log, "wb") as err:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ]
        start = time.monotonic()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.monotonic() - start
    peak_kib = usage.ru_maxrss
    if argv[0] == GNU_TIME:
        with open(stats, encoding="utf-8") as f:
            peak_kib = int(f.read().split()[-1])
    return os.waitstatus_to_exitcode(status), wall, peak_kib * 1024, log


def mib(n):
    return n / (1024 * 1024)


def size_text(n):
    return f"{mib(n):,.1f} MiB" if n >= 1 << 20 else f"{n / 1024:,.1f} KiB"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--aula", default=os.path.join(ROOT, "target", "release", "aula"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--columns", type=int, default=10_000)
    ap.add_argument("--rows", type=int, default=400)
    ap.add_argument("--page-mb", type=float, default=50, help="size of the two big pages")
    a = ap.parse_args()
    aula = os.path.abspath(a.aula)
    if not os.access(aula, os.X_OK):
        sys.exit(f"no aula binary at {aula}: run `cargo build --release` first")

    work = tempfile.mkdtemp(prefix="aula-mem-")
    try:
        cases = [
            ("baseline", baseline_page),
            (f"table {a.columns:,} x {a.rows}", lambda f: table_page(f, a.columns, a.rows)),
            (f"plain {a.page_mb:g} MB", lambda f: plain_page(f, int(a.page_mb * 1_000_000))),
            (
                f"marked-up {a.page_mb:g} MB",
                lambda f: marked_up_page(f, int(a.page_mb * 1_000_000)),
            ),
        ]
        print(f"aula: {aula}, {a.runs} runs each, median peak RSS\n")
        print("| page | input | command | peak RSS MiB | RSS / input | wall s |")
        print("|---|---:|---|---:|---:|---:|")
        for i, (name, write) in enumerate(cases):
            site, size = make_site(work, f"site{i}", write)
            out = os.path.join(work, f"out{i}")
            commands = {
                "check": [aula, "check", "-q", "--root", site],
                "build": [aula, "build", "-q", "--root", site, "--output", out],
            }
            for command, argv in commands.items():
                rss, walls = [], []
                for _ in range(a.runs):
                    code, wall, peak, log = run(argv, work)
                    if code != 0:
                        with open(log, encoding="utf-8", errors="replace") as f:
                            sys.exit(f"{name}: `{' '.join(argv)}` failed ({code}):\n{f.read()}")
                    rss.append(peak)
                    walls.append(wall)
                peak = statistics.median(rss)
                # The ratio means little for a page smaller than the program.
                ratio = f"{peak / size:,.1f}" if size >= 1 << 20 else "–"
                print(
                    f"| {name} | {size_text(size)} | {command} | {mib(peak):,.0f} "
                    f"| {ratio} | {statistics.median(walls):.2f} |",
                    flush=True,
                )
            shutil.rmtree(site)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
