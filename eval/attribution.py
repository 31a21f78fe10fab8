"""Score attribution extraction against brat standoff annotations (PolNeAR layout).

Usage: python eval/attribution.py DIR [--limit N] [--json]

Beside wiretrace it scores a reporting-verb baseline (`eval/attribution_baseline.py`) on the same files.

DIR holds `text/NAME.txt` and `attributions/NAME_ANNOTATOR.ann` with `Source`, `Cue` and `Content` spans
joined by `Attribution` relations, offsets into the raw text file. Extraction runs on the raw text, so
predicted offsets are directly comparable. Reports precision, recall and F1 of Source and Content spans
(exact and overlap match) and of quote->speaker pairs (gold pairs are attributions whose content holds a
quote mark).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from attribution_baseline import predict_text as baseline_predict

from wiretrace.claims import ExtractOptions, analyze_texts

Span = tuple[int, int]
QUOTE_MARKS = ("“", "”", '"', "''")  # '' is the double quote of some archives (NYT)


def read_gold(path: Path, text: str) -> dict[str, list]:
    """Source spans, content extents and (content, source) pairs of one .ann file."""
    spans: dict[str, tuple[str, Span]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, *ranges = re.split(r"[ ;]", parts[1])
            numbers = [int(x) for x in ranges]
            spans[parts[0]] = (label, (min(numbers), max(numbers)))
        elif line.startswith("E") and len(parts) >= 2:
            relations.append(dict(arg.split(":", 1) for arg in parts[1].split()[1:] if ":" in arg))
    sources = sorted({s for label, s in spans.values() if label == "Source"})
    contents = sorted({s for label, s in spans.values() if label == "Content"})
    pairs = []
    for rel in relations:
        if "Content" in rel and "Source" in rel and rel["Content"] in spans and rel["Source"] in spans:
            content = spans[rel["Content"]][1]
            if any(m in text[content[0] : content[1]] for m in QUOTE_MARKS):
                pairs.append((content, spans[rel["Source"]][1]))
    return {"source": sources, "content": contents, "pairs": pairs}


def predict(analysis) -> dict[str, list]:
    """The same three lists from our extraction."""
    sources = sorted({s.span for a in analysis.attributions for s in a.sources})
    contents = sorted({(min(p[0] for p in a.content), max(p[1] for p in a.content)) for a in analysis.attributions})
    pairs = sorted({(q.span, q.attribution.primary.span) for q in analysis.quotes
                    if q.attribution is not None and q.attribution.primary is not None})
    return {"source": sources, "content": contents, "pairs": pairs}


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_match(mode: str):
    return (lambda a, b: a == b) if mode == "exact" else overlaps


def pair_match(mode: str):
    same = span_match(mode)
    return lambda a, b: overlaps(a[0], b[0]) and same(a[1], b[1])


def count(pred: list, gold: list, match) -> tuple[int, int, int, int]:
    """(predicted that match some gold, predicted, gold matched by some prediction, gold)."""
    tp_p = sum(any(match(p, g) for g in gold) for p in pred)
    tp_g = sum(any(match(p, g) for p in pred) for g in gold)
    return tp_p, len(pred), tp_g, len(gold)


def prf(totals: tuple[int, int, int, int]) -> dict[str, float]:
    tp_p, n_p, tp_g, n_g = totals
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "predicted": n_p, "gold": n_g}


def evaluate(directory: Path, limit: int | None = None) -> dict:
    anns = sorted((directory / "attributions").glob("*.ann"))[:limit]
    texts, golds = [], []
    for ann in anns:
        name = ann.stem.rsplit("_", 1)[0]
        text_path = directory / "text" / f"{name}.txt"
        if not text_path.exists():
            text_path = directory / "text" / f"{ann.stem}.txt"
        text = text_path.read_text(encoding="utf-8")
        texts.append(text)
        golds.append(read_gold(ann, text))
    started = time.perf_counter()
    preds = [predict(a) for a in analyze_texts(texts, ExtractOptions())]
    seconds = time.perf_counter() - started
    result: dict = {"documents": len(anns), "seconds": round(seconds, 1)}
    result.update(score(preds, golds))
    result["baseline"] = score([baseline_predict(t) for t in texts], golds)
    return result


def score(preds: list[dict], golds: list[dict]) -> dict:
    """Precision, recall and F1 of each kind of span, exact and overlapping."""
    result = {}
    for kind in ("source", "content", "pairs"):
        for mode in ("exact", "overlap"):
            match = pair_match(mode) if kind == "pairs" else span_match(mode)
            sums = [count(p[kind], g[kind], match) for p, g in zip(preds, golds, strict=True)]
            result[f"{kind}_{mode}"] = prf(tuple(sum(x) for x in zip(*sums, strict=True)) if sums else (0, 0, 0, 0))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.dir / "attributions").is_dir():
        print(f"{args.dir}: no attributions/ folder", file=sys.stderr)
        return 2
    result = evaluate(args.dir, args.limit)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['documents']} documents, {result['seconds']} s")
    for key, value in result.items():
        if isinstance(value, dict) and key != "baseline":
            base = result["baseline"][key]
            print(f"{key:16} P {value['precision']:.3f}  R {value['recall']:.3f}  F1 {value['f1']:.3f}"
                  f"  (pred {value['predicted']}, gold {value['gold']})   baseline F1 {base['f1']:.3f}"
                  f" (P {base['precision']:.3f} R {base['recall']:.3f})")
    print("baseline: a reporting-verb rule over regex sentences (eval/attribution_baseline.py); floor: none"
          " predicted, F1 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
