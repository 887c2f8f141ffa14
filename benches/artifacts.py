#!/usr/bin/env python3
"""What each artifact adds to a full build: the same corpus built with
everything off, with one artifact family on at a time, and with aula's
defaults, interleaved (benches/ab.py), on release binaries with and
without the `search` feature.

    python3 benches/artifacts.py                      # 3,000 pages, 5 runs each (~15 min on 2 cores)
    python3 benches/artifacts.py --modules 300 --runs 3
    python3 benches/artifacts.py --corpus /tmp/n1000  # reuse a corpus from gen_corpus.py

Variants (every one also measures page weights, which cannot be turned off):
  none       no search, no packages, [output] minify = fingerprint = false
  minify     + minify and fingerprint (the defaults of [output])
  print+epub + printable courses and EPUBs ([packages] print, epub)
  offline    + offline course zips ([packages] offline)
  search     + the Pagefind index (the default `search` feature)
  default    aula's defaults: all of the above
Needs cargo, python3 and GNU time (/usr/bin/time).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

OFF = {"offline": False, "epub": False, "print": False}
VARIANTS = [
    # name, binary, [packages], [output]
    ("none", "nosearch", OFF, {"minify": False, "fingerprint": False}),
    ("minify", "nosearch", OFF, {}),
    ("print+epub", "nosearch", {**OFF, "epub": True, "print": True}, {"minify": False, "fingerprint": False}),
    ("offline", "nosearch", {**OFF, "offline": True}, {"minify": False, "fingerprint": False}),
    ("search", "full", OFF, {"minify": False, "fingerprint": False}),
    ("default", "full", {}, {}),
]


def toml_table(name, values):
    if not values:
        return ""
    lines = [f"\n[{name}]"] + [f"{k} = {'true' if v else 'false'}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def build(args, target_dir, dest):
    subprocess.run(["cargo", "build", "--release", "--quiet", "--target-dir", target_dir] + args,
                   cwd=REPO, check=True)
    shutil.copy(os.path.join(target_dir, "release", "aula"), dest)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modules", type=int, default=1000, help="modules per language")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", help="a corpus made by gen_corpus.py (its aula/ layout is used)")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="aula-artifacts-")
    try:
        bins = {"full": os.path.join(work, "aula-full"), "nosearch": os.path.join(work, "aula-nosearch")}
        # One target folder: only aula itself is compiled twice.
        target = os.path.join(REPO, "target")
        build(["--no-default-features", "--features", "serve"], target, bins["nosearch"])
        build([], target, bins["full"])
        corpus = a.corpus
        if not corpus:
            corpus = os.path.join(work, "corpus")
            subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--modules", str(a.modules),
                            "--out", corpus, "--layouts", "aula"], check=True)
        source = os.path.join(corpus, "aula")
        base_toml = open(os.path.join(source, "aula.toml")).read()
        commands = []
        for name, binary, packages, output in VARIANTS:
            root = os.path.join(work, "site-" + name.replace("+", "-"))
            # A copy: aula refuses a content/ that links outside the site.
            shutil.copytree(os.path.join(source, "content"), os.path.join(root, "content"))
            with open(os.path.join(root, "aula.toml"), "w") as f:
                f.write(base_toml + toml_table("packages", packages) + toml_table("output", output))
            commands.append(f"{name}={bins[binary]} build -q --root {root} --output {{out}}")
        subprocess.run([sys.executable, os.path.join(HERE, "ab.py"), "--runs", str(a.runs)] + commands,
                       check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
