"""Score `check` verdicts on labeled claim sets, against a BM25 + NLI majority-vote baseline.

Usage:
    python eval/verify.py ../shared/eval/climate-fever-even.jsonl ../shared/eval/averitec-dev-even.json
    python eval/verify.py --split dev …   # the half `check`'s thresholds were not chosen on (--split train)

Any file of the same shape works: Climate-FEVER JSONL (each claim's evidence sentences are its corpus)
or an AVeriTeC JSON list (each claim's question/answer pairs are its corpus). Both methods see the same
corpus and the same stance model; only retrieval and aggregation differ:
- wiretrace: MiniLM rerank, stance model + explicit checks, verdict by independent source;
- baseline: BM25 top-5, stance model argmax per sentence; both entailment and contradiction among them:
  disputed, otherwise the majority stance (ties: not enough evidence);
- floor: the most frequent gold verdict of the file for every claim.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import time
from collections import Counter
from pathlib import Path

from wiretrace.models import SentenceHit
from wiretrace.verify import VERDICTS, CheckOptions, decide, judge

CF_LABELS = {"SUPPORTS": "supported", "REFUTES": "refuted", "DISPUTED": "disputed",
             "NOT_ENOUGH_INFO": "not-enough-evidence"}
AV_LABELS = {"Supported": "supported", "Refuted": "refuted", "Conflicting Evidence/Cherrypicking": "disputed",
             "Not Enough Evidence": "not-enough-evidence"}


def load(path: Path) -> list[tuple[str, list[tuple[str, str]], str]]:
    """(claim, [(sentence, source)], gold verdict) triples from either file shape."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        items = []
        for row in json.loads(text):
            corpus = []
            for q in row.get("questions") or []:
                for a in q.get("answers") or []:
                    answer = (a.get("answer") or "").strip()
                    if answer:
                        source = a.get("source_url") or "unknown"
                        corpus.append((f"{q.get('question', '').strip()} {answer}", source))
            items.append((row["claim"], corpus, AV_LABELS[row["label"]]))
        return items
    items = []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            corpus = [(e["evidence"], e.get("article") or e.get("evidence_id", "")) for e in row["evidences"]]
            items.append((row["claim"], corpus, CF_LABELS[row["claim_label"]]))
    return items


def bm25_top(claim: str, corpus: list[tuple[str, str]], k: int = 5) -> list[int]:
    """Indices of the k best BM25 matches (k1=1.2, b=0.75) of the claim in a small corpus."""
    def tokens(s: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", s.lower())

    docs = [tokens(t) for t, _ in corpus]
    avg = sum(map(len, docs)) / max(len(docs), 1)
    df = Counter(w for d in docs for w in set(d))
    n = len(docs)
    scores = []
    for d in docs:
        tf = Counter(d)
        score = 0.0
        for w in set(tokens(claim)):
            if w in tf:
                idf = math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5))
                score += idf * tf[w] * 2.2 / (tf[w] + 1.2 * (1 - 0.75 + 0.75 * len(d) / max(avg, 1)))
        scores.append(score)
    return sorted(range(n), key=lambda i: -scores[i])[:k]


def baseline_verdict(claim: str, corpus: list[tuple[str, str]], model) -> str:
    top = bm25_top(claim, corpus)
    if not top:
        return "not-enough-evidence"
    probs = model.predict_batch([(corpus[i][0], claim) for i in top])
    labels = list(model.labels)
    votes = Counter(labels[int(row.argmax())] for row in probs)
    if votes["entailment"] and votes["contradiction"]:
        return "disputed"
    (first, count), *rest = votes.most_common()
    if rest and rest[0][1] == count:
        return "not-enough-evidence"
    return {"entailment": "supported", "contradiction": "refuted", "neutral": "not-enough-evidence"}[first]


def wiretrace_verdict(claim: str, corpus: list[tuple[str, str]], model, embedder, options: CheckOptions) -> str:
    if not corpus:
        return "not-enough-evidence"
    vectors = embedder.embed([claim] + [t for t, _ in corpus])
    sims = vectors[1:] @ vectors[0]
    ranked = sorted(
        ((SentenceHit(str(i), 0, len(t), t, 0.0), float(sims[i])) for i, (t, _) in enumerate(corpus)),
        key=lambda x: -x[1],
    )[: options.rerank_top]
    evidence = judge(claim, ranked, model, options)
    for item in evidence:
        item.source = corpus[int(item.article)][1]
        item.outlet = item.source
    return decide(claim, evidence).verdict


def in_split(claim: str, split: str) -> bool:
    """Whether a claim is in the half asked for: odd SHA-1 digests are dev, even ones train."""
    if split == "all":
        return True
    odd = int(hashlib.sha1(claim.encode("utf-8")).hexdigest(), 16) % 2 == 1
    return odd == (split == "dev")


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(gold), 1)
    f1s, precision = [], {}
    for label in VERDICTS:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
        if tp + fp:
            precision[label] = tp / (tp + fp)
    # Precision per verdict: how often a "supported" or "refuted" a user is shown is right.
    return {"accuracy": acc, "macro_f1": sum(f1s) / max(len(f1s), 1), "precision": precision}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N claims of each file")
    parser.add_argument("--model", help="another stance ONNX model file")
    parser.add_argument("--stance-threshold", type=float, default=CheckOptions.stance_threshold)
    parser.add_argument("--min-relevance", type=float, default=CheckOptions.min_relevance)
    parser.add_argument("--split", choices=("all", "train", "dev"), default="all",
                        help="half of each file by a SHA-1 of the claim: tune on train, report dev")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from wiretrace.ml.embedder import MiniLMEmbedder
    from wiretrace.ml.stance.model import load_stance_model

    model = load_stance_model(args.model)
    embedder = MiniLMEmbedder()
    options = CheckOptions(stance_threshold=args.stance_threshold, min_relevance=args.min_relevance)
    report = {}
    for path in args.files:
        items = [item for item in load(path) if in_split(item[0], args.split)][: args.limit or None]
        started = time.perf_counter()
        gold = [g for _, _, g in items]
        ours = [wiretrace_verdict(c, corpus, model, embedder, options) for c, corpus, _ in items]
        base = [baseline_verdict(c, corpus, model) for c, corpus, _ in items]
        report[path.name] = {
            "claims": len(items),
            "wiretrace": scores(gold, ours),
            "baseline (BM25 top-5 + NLI majority)": scores(gold, base),
            "floor (majority class)": scores(gold, [Counter(gold).most_common(1)[0][0]] * len(gold)),
            "gold": dict(Counter(gold)),
            "predicted": dict(Counter(ours)),
            "seconds": round(time.perf_counter() - started, 1),
        }
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    for name, r in report.items():
        print(f"{name}: {r['claims']} claims, {r['seconds']} s")
        for method in ("wiretrace", "baseline (BM25 top-5 + NLI majority)", "floor (majority class)"):
            s = r[method]
            shown = "  ".join(f"{v} {p:.2f}" for v, p in s["precision"].items())
            print(f"  {method:40} accuracy {s['accuracy']:.3f}  macro-F1 {s['macro_f1']:.3f}  precision: {shown}")
        print(f"  gold {r['gold']}  predicted {r['predicted']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
