"""Throughput of claim extraction in articles per second.

Usage: python bench/claims.py DIR [--limit N] [--n-process N]

Reads every `*.txt` under DIR (e.g. ../shared/corpus/polnear) and runs the full extraction (sentences,
spaCy parse, attributions, quotes, figures, hedges, entities) as `extract_store` does, without a store.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from wiretrace.claims import ExtractOptions, extract_many
from wiretrace.claims.nlp import load_model
from wiretrace.models import Article


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--n-process", type=int, default=0, help="spaCy processes (0: ExtractOptions default)")
    args = parser.parse_args()
    paths = sorted(args.dir.rglob("*.txt"))[: args.limit]
    articles = [Article(id=str(i), text=p.read_text(encoding="utf-8")) for i, p in enumerate(paths)]
    options = ExtractOptions(n_process=args.n_process)
    load_model(options.model)
    started = time.perf_counter()
    results = extract_many(articles, options)
    seconds = time.perf_counter() - started
    claims = sum(len(c) for c, _e in results)
    print(f"{len(articles)} articles, {claims} claims in {seconds:.1f} s: {len(articles) / seconds:.1f} articles/s "
          f"(n_process={args.n_process})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
