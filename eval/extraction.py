"""Score HTML main-content extraction against a hand-made ground truth.

Usage:
    python eval/extraction.py PATH_TO_FUNDUS_DIR [--extractor NAME ...] [--json]
    python eval/extraction.py PATH_TO_FUNDUS_DIR --loo [--json]

The folder holds `html/*.html.gz` and `ground_truth.json` (file name -> {"body": [paragraphs],
"url": ..., ...}), the shape of ../shared/eval/fundus. Each page is scored with bag-of-words F1 of the
extracted text against the ground-truth body; the script prints mean and median F1 and pages/s per
extractor. `wiretrace` is the real ingest path (`build_article`: extraction, then `clean_text`), the
figure the README reports.

`--loo` is leave-one-outlet-out (the outlet is the file name before `_`): for each outlet, every
combination of wiretrace's tunable choices (`HtmlOptions`, `CleanOptions`; see `extraction_loo.py`)
is scored on the other outlets' pages, the best is kept (a tie goes to the one with fewer rules on),
and only that one runs on the held-out outlet, timed page by page against trafilatura on the same
pages. The mean over outlets of held-out F1 is the figure for outlets not tuned on.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

EXTRACTORS = ("wiretrace", "trafilatura", "trafilatura-fast", "resiliparse")


def tokens(text: str) -> Counter[str]:
    """Lowercased word tokens, as a bag."""
    return Counter(re.findall(r"\w+", text.casefold()))


def bow_f1(predicted: str, expected: str) -> float:
    """Bag-of-words F1 of predicted text against the expected text."""
    pred, gold = tokens(predicted), tokens(expected)
    overlap = sum((pred & gold).values())
    if not pred or not gold or not overlap:
        return 1.0 if not pred and not gold else 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def load_pages(folder: Path) -> list[tuple[str, str, dict]]:
    """(file name, html, truth) for every page in the ground truth that has an HTML file."""
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(truth):
        path = folder / "html" / name
        if not path.exists():
            print(f"warning: {path} is missing; skipped", file=sys.stderr)
            continue
        raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
        pages.append((name, raw.decode("utf-8", errors="replace"), truth[name]))
    return pages


def make_extractor(name: str) -> Callable[[str, str | None], str]:
    """A function (html, url) -> text for one extractor name."""
    if name == "wiretrace":
        from wiretrace.errors import NoArticle
        from wiretrace.ingest import build_article
        from wiretrace.models import RawDocument

        def run_wiretrace(html: str, url: str | None) -> str:
            try:
                return build_article(RawDocument(source="eval", format="html", html=html, url=url)).text
            except NoArticle:
                return ""

        return run_wiretrace
    if name in ("trafilatura", "trafilatura-fast"):
        import trafilatura

        fast = name == "trafilatura-fast"
        return lambda html, url: trafilatura.extract(html, url=url, fast=fast) or ""
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text

        return lambda html, url: extract_plain_text(html, main_content=True)
    raise ValueError(f"unknown extractor {name!r}; choose from {', '.join(EXTRACTORS)}")


def evaluate(pages: list[tuple[str, str, dict]], name: str) -> dict:
    """Per-page F1 and throughput of one extractor."""
    extract = make_extractor(name)
    extract(pages[0][1], None)  # warm up imports and caches so pages/s measures extraction only
    scores: dict[str, float] = {}
    started = time.perf_counter()
    for file_name, html, truth in pages:
        scores[file_name] = bow_f1(extract(html, truth.get("url")), "\n".join(truth["body"]))
    elapsed = time.perf_counter() - started
    values = list(scores.values())
    return {
        "extractor": name,
        "pages": len(values),
        "mean_f1": round(statistics.fmean(values), 4),
        "median_f1": round(statistics.median(values), 4),
        "pages_per_s": round(len(values) / elapsed, 1),
        "per_page": {k: round(v, 4) for k, v in scores.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder with html/*.html.gz and ground_truth.json")
    parser.add_argument("--extractor", action="append", choices=EXTRACTORS,
                        help="extractor to score (repeatable; default: all)")
    parser.add_argument("--json", action="store_true", help="print results (with per-page F1) as JSON")
    parser.add_argument("--loo", action="store_true",
                        help="leave-one-outlet-out: choose wiretrace's options on the other outlets, score the held-out one")
    args = parser.parse_args(argv)
    if not (args.folder / "ground_truth.json").exists():
        parser.error(f"{args.folder} has no ground_truth.json")
    pages = load_pages(args.folder)
    if not pages:
        parser.error(f"{args.folder} has no pages listed in ground_truth.json")
    if args.loo:
        from extraction_loo import leave_one_outlet_out, print_loo

        loo = leave_one_outlet_out(pages, make_extractor("trafilatura"), bow_f1)
        print(json.dumps(loo, indent=2)) if args.json else print_loo(loo)
        return 0
    results = [evaluate(pages, name) for name in args.extractor or EXTRACTORS]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'extractor':18} {'pages':>5} {'mean F1':>8} {'median F1':>9} {'pages/s':>8}")
    for r in results:
        print(f"{r['extractor']:18} {r['pages']:5d} {r['mean_f1']:8.3f} {r['median_f1']:9.3f} {r['pages_per_s']:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
