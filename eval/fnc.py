r"""Score `check` on FNC-1-shaped files: a headline is the claim, its one article body the whole corpus.

Usage:
    python eval/fnc.py ../shared/eval/fnc1/dev_stances.csv ../shared/eval/fnc1/bodies.csv \
        --tune ../shared/eval/fnc1/train_stances.csv [--unseen]

The stance model trains on FNC-1 rows of the training file (`wiretrace.ml.stance.fnc`); FNC-1 reuses
headlines and bodies across its train/dev split, so the whole dev file is optimistic for it. `--unseen`
scores the dev pairs whose headline and body are in topics kept out of that training.

`check`'s verdict maps to the four FNC-1 stances: supported -> agree, refuted -> disagree, disputed or
not-enough-evidence with a relevant sentence -> discuss, nothing relevant -> unrelated. "Relevant" is a
threshold on the best sentence's relevance (wiretrace: MiniLM cosine; baseline: BM25 score); each method's
threshold is fitted on the `--tune` file (the labels' related/unrelated split, nothing else), never on the
file reported. Both methods see the same sentences (wiretrace's sentence splitter) and the same stance model:
- wiretrace: MiniLM rerank, stance model + explicit checks (`verify.judge`), verdict by `verify.decide`;
- baseline: BM25 top-5 sentences, stance model argmax per sentence, majority (entailment -> agree,
  contradiction -> disagree, neutral -> discuss);
- floor: every pair `unrelated` (the majority class).
Printed per method: accuracy, macro-F1 over the four stances, and the FNC-1 score (0.25 for a right
related/unrelated call, 0.75 more for the right stance of a related pair) relative to the best possible.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from wiretrace.claims.sentences import split_sentences
from wiretrace.ml.stance.fnc import read_bodies, read_rows, unseen_rows
from wiretrace.models import SentenceHit
from wiretrace.verify import CheckOptions, decide, judge

STANCES = ("agree", "disagree", "discuss", "unrelated")
VERDICT_STANCE = {"supported": "agree", "refuted": "disagree", "disputed": "discuss"}
MIN_SENTENCE_CHARS = 15  # as the sentence index (`verify.index`)


def sample(pairs: list, limit: int, seed: int = 13) -> list:
    """At most `limit` pairs, a seeded random sample (the files are not shuffled by stance)."""
    if not limit or limit >= len(pairs):
        return pairs
    return random.Random(seed).sample(pairs, limit)


class Bodies:
    """Each body's sentences, their MiniLM vectors and BM25 statistics, computed once per body."""

    def __init__(self, texts: dict[str, str], embedder):
        self.texts = texts
        self.embedder = embedder
        self._cache: dict[str, tuple[list[SentenceHit], np.ndarray]] = {}

    def get(self, body_id: str) -> tuple[list[SentenceHit], np.ndarray]:
        """The body's indexable sentences and their unit vectors."""
        if body_id not in self._cache:
            text = self.texts[body_id]
            hits = [SentenceHit(body_id, s, e, text[s:e], 0.0) for s, e in split_sentences(text)
                    if e - s > MIN_SENTENCE_CHARS]
            vectors = self.embedder.embed([h.text for h in hits]) if hits else np.zeros((0, self.embedder.dim))
            self._cache[body_id] = (hits, vectors)
        return self._cache[body_id]


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def bm25(claim: str, sentences: list[str]) -> list[float]:
    """BM25 (k1=1.2, b=0.75) of the claim against each sentence, the body being the collection."""
    docs = [tokens(t) for t in sentences]
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
    return scores


def wiretrace_reading(headline: str, body_id: str, bodies: Bodies, model, options: CheckOptions) -> tuple[str, float]:
    """(check's verdict, best relevance) of the headline against one body."""
    hits, vectors = bodies.get(body_id)
    if not hits:
        return "not-enough-evidence", 0.0
    sims = vectors @ bodies.embedder.embed([headline])[0]
    order = np.argsort(-sims, kind="stable")[: options.rerank_top]
    ranked = [(hits[i], float(sims[i])) for i in order]
    evidence = judge(headline, ranked, model, options)
    for item in evidence:
        item.source = item.outlet = body_id
    return decide(headline, evidence, options).verdict, float(sims[order[0]])


def baseline_reading(headline: str, body_id: str, bodies: Bodies, model) -> tuple[str, float]:
    """(majority stance of the BM25 top 5, best BM25 score)."""
    hits, _ = bodies.get(body_id)
    if not hits:
        return "discuss", 0.0
    scores = bm25(headline, [h.text for h in hits])
    top = sorted(range(len(hits)), key=lambda i: -scores[i])[:5]
    probs = model.predict_batch([(hits[i].text, headline) for i in top])
    labels = list(model.labels)
    votes = Counter(labels[int(row.argmax())] for row in probs)
    first = votes.most_common(1)[0][0]
    return {"entailment": "agree", "contradiction": "disagree", "neutral": "discuss"}[first], max(scores)


def stance_of(verdict: str, relevance: float, threshold: float) -> str:
    if relevance < threshold:
        return "unrelated"
    return VERDICT_STANCE.get(verdict, verdict if verdict in STANCES else "discuss")


def fit_threshold(relevances: list[float], related: list[bool]) -> float:
    """The relevance cut that best separates related from unrelated pairs (accuracy), midpoint between values."""
    values = sorted(set(relevances))
    cuts = [values[0] - 1e-6] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)] + [values[-1] + 1e-6]
    best = max(cuts, key=lambda t: sum((r >= t) == y for r, y in zip(relevances, related, strict=True)))
    return float(best)


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(len(gold), 1)
    f1 = {}
    for label in STANCES:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    got = best = 0.0
    for g, p in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if (g == "unrelated") == (p == "unrelated"):
            got += 0.25
            if g != "unrelated" and g == p:
                got += 0.75
    return {"accuracy": acc, "macro_f1": sum(f1.values()) / len(STANCES), "fnc_score": got / max(best, 1e-9),
            **{f"f1_{k}": v for k, v in f1.items()}}


def read_all(pairs, bodies, model, options) -> tuple[list, list]:
    ours = [wiretrace_reading(h, b, bodies, model, options) for h, b, _ in pairs]
    base = [baseline_reading(h, b, bodies, model) for h, b, _ in pairs]
    return ours, base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stances", type=Path, help="an FNC-1 stances CSV (Headline, Body ID, Stance)")
    parser.add_argument("bodies", type=Path, help="the bodies CSV (Body ID, articleBody)")
    parser.add_argument("--tune", type=Path, help="stances CSV the relevance thresholds are fitted on")
    parser.add_argument("--tune-limit", type=int, default=1500, help="pairs sampled from --tune (default 1500)")
    parser.add_argument("--limit", type=int, default=0, help="score a seeded sample of N pairs (default: all)")
    parser.add_argument("--threshold", type=float, help="wiretrace relevance cut (instead of fitting one)")
    parser.add_argument("--baseline-threshold", type=float, help="baseline BM25 cut (instead of fitting one)")
    parser.add_argument("--unseen", action="store_true",
                        help="score only pairs whose headline and body the stance model never trained on "
                             "(FNC-1 reuses both across its splits; see wiretrace.ml.stance.fnc)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.tune is None and (args.threshold is None or args.baseline_threshold is None):
        parser.error("give --tune FILE (thresholds fitted there) or both --threshold and --baseline-threshold")

    from wiretrace.ml import sentence_embedder, stance_model

    model, embedder = stance_model(), sentence_embedder()
    options = CheckOptions()
    bodies = Bodies(read_bodies(args.bodies), embedder)
    started = time.perf_counter()
    cut, base_cut = args.threshold, args.baseline_threshold
    if args.tune is not None:
        if args.tune.resolve() == args.stances.resolve():
            parser.error("--tune must not be the file reported")
        tune = sample(read_rows(args.tune), args.tune_limit)
        related = [s != "unrelated" for _, _, s in tune]
        ours, base = read_all(tune, bodies, model, options)
        cut = fit_threshold([r for _, r in ours], related) if cut is None else cut
        base_cut = fit_threshold([r for _, r in base], related) if base_cut is None else base_cut
    pairs = read_rows(args.stances)
    if args.unseen:
        pairs = unseen_rows(pairs)
    pairs = sample(pairs, args.limit)
    gold = [s for _, _, s in pairs]
    ours, base = read_all(pairs, bodies, model, options)
    report = {
        "file": args.stances.name + (" (unseen by the stance model)" if args.unseen else ""), "pairs": len(pairs), "tuned_on": args.tune.name if args.tune else None,
        "thresholds": {"wiretrace": cut, "baseline": base_cut},
        "wiretrace": scores(gold, [stance_of(v, r, cut) for v, r in ours]),
        "baseline": scores(gold, [stance_of(v, r, base_cut) for v, r in base]),
        "floor": scores(gold, ["unrelated"] * len(gold)),
        "gold": dict(Counter(gold)),
        "predicted": dict(Counter(stance_of(v, r, cut) for v, r in ours)),
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    print(f"{report['file']}: {report['pairs']} pairs, thresholds fitted on {report['tuned_on']}, {report['seconds']} s")
    for method in ("wiretrace", "baseline", "floor"):
        s = report[method]
        per = "  ".join(f"{k} {s[f'f1_{k}']:.3f}" for k in STANCES)
        print(f"  {method:10} accuracy {s['accuracy']:.3f}  macro-F1 {s['macro_f1']:.3f}  "
              f"fnc-score {s['fnc_score']:.3f}   F1: {per}")
    print(f"  gold {report['gold']}  predicted {report['predicted']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
