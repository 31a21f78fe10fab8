"""A full `wiretrace ingest` against bare spaCy over the same texts, both as fresh processes, in one run.

Usage: python bench/ingest_vs_spacy.py [DIR] [--model NAME] [--repeat N]

DIR defaults to ../shared/corpus/polnear/dev/text. Each repeat runs, one after the other, in fresh
processes: `wiretrace ingest DIR` into a new SQLite store (read, clean, copies, embeddings, stories,
sentence index, claims) and `nlp.pipe` of the whole spaCy pipeline over the same texts (load included).
Timing both in the same run keeps the ratio meaningful on a machine that other jobs share; the absolute
seconds are not. Prints both wall times, their ratio (spaCy / ingest: above 1 means ingest is faster)
and the peak RSS of the ingest (of its largest process, from `wait4`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear" / "dev" / "text"
BARE_SPACY = """
import sys
from pathlib import Path
import spacy
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.txt"))]
nlp = spacy.load(sys.argv[2])
for _doc in nlp.pipe(texts):
    pass
"""


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one fresh child process (its largest process, workers included)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    from wiretrace.claims.nlp import DEFAULT_MODEL

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, nargs="?", default=DEFAULT_DIR)
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"spaCy package for the baseline ({DEFAULT_MODEL})")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    n = len(list(args.dir.rglob("*.txt")))
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="wiretrace-vs-spacy-") as tmp:
            ingest = [sys.executable, "-m", "wiretrace.cli", "--db", str(Path(tmp) / "bench.db"), "ingest", str(args.dir)]
            ours, our_rss = _timed(ingest)
        theirs, _rss = _timed([sys.executable, "-c", BARE_SPACY, str(args.dir), args.model])
        print(f"{n} articles: wiretrace ingest {ours:.1f} s (peak RSS {our_rss:.0f} MiB), bare spaCy "
              f"{args.model} nlp.pipe {theirs:.1f} s; ratio spaCy/ingest {theirs / ours:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
