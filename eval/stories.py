"""Score event clustering on any labeled JSONL against a TF-IDF + agglomerative baseline.

Each line: {"id", "cluster", "title", "text", "published", "outlet"}. Prints B-cubed precision, recall
and F1 and pairwise F1 for wiretrace's events, the baseline and the all-singletons floor. Without a file,
the labeled PolNeAR set is built from ../shared at run time (see `eval/polnear.py`).

    python eval/stories.py --split dev          # report here; tune thresholds with --split train
    python eval/stories.py --split all /tmp/a.jsonl /tmp/b.jsonl

The split is deterministic and by gold event, in time: events are ordered by their first article's date (then
id) and the first events holding half of the articles are `train`, the rest `dev`, so no event is cut in two
and thresholds chosen on train are reported on later news. After each table one summary line gives the gain
of wiretrace and the baseline over the singletons floor (B-cubed rewards singletons when most gold events
have one article, as in PolNeAR; pairwise F1 does not).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

from wiretrace.ml.embedder import LEAD_TOKENS, MiniLMEmbedder
from wiretrace.models import Article
from wiretrace.stories.cluster import ClusterOptions, cluster_articles
from wiretrace.stories.dedupe import find_copies
from wiretrace.stories.embed import article_lead


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998) over the gold items."""
    pred_sets, gold_sets = defaultdict(set), defaultdict(set)
    for k in gold:
        pred_sets[pred[k]].add(k)
        gold_sets[gold[k]].add(k)
    p = np.mean([len(pred_sets[pred[k]] & gold_sets[gold[k]]) / len(pred_sets[pred[k]]) for k in gold])
    r = np.mean([len(pred_sets[pred[k]] & gold_sets[gold[k]]) / len(gold_sets[gold[k]]) for k in gold])
    return float(p), float(r), float(2 * p * r / (p + r))


def pairwise_f1(pred: dict[str, str], gold: dict[str, str]) -> float:
    """F1 over same-cluster pairs: strict, and not inflated by singletons the way B-cubed is."""
    tp = fp = fn = 0
    for a, b in combinations(sorted(gold), 2):
        same_pred, same_gold = pred[a] == pred[b], gold[a] == gold[b]
        tp += same_pred and same_gold
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return 2 * tp / max(2 * tp + fp + fn, 1)


def wiretrace_events(articles: list[Article], threads: int) -> dict[str, str]:
    from wiretrace.ml.embedder import EmbedOptions

    vectors = MiniLMEmbedder(EmbedOptions(max_tokens=LEAD_TOKENS, threads=threads)).embed([article_lead(a) for a in articles])
    by_id = {a.id: vectors[i] for i, a in enumerate(articles)}
    copies = find_copies(articles, vectors=vectors)
    grouping, _ = cluster_articles(articles, by_id, copies, ClusterOptions())
    return {a: e.id for e in grouping.events for a in e.articles}


def baseline_events(articles: list[Article], threshold: float) -> dict[str, str]:
    """TF-IDF of the whole text, average-linkage agglomerative clustering with a cosine distance cut."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(
        [f"{a.title or ''} {a.text}" for a in articles]
    )
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=threshold)
    labels = model.fit_predict(matrix.toarray())
    return {a.id: str(labels[i]) for i, a in enumerate(articles)}


def read(path: Path | None, split: str = "all") -> tuple[list[Article], dict[str, str]]:
    """Articles and gold clusters of one split of a labeled JSONL, or of PolNeAR and its labels when `path` is None."""
    if path is None:
        from polnear import read_corpus, read_labels

        labels = read_labels()
        records = [dict(r, cluster=labels[r["id"]]) for r in read_corpus() if r["id"] in labels]
    else:
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles, gold = [], {}
    for r in split_records(records, split):
        articles.append(Article(id=r["id"], text=r["text"], title=r.get("title"),
                                published=r.get("published"), outlet=r.get("outlet")))
        gold[r["id"]] = str(r["cluster"])
    return articles, gold


def split_records(records: list[dict], split: str) -> list[dict]:
    """The `train` or `dev` half of labeled records, whole gold events in time order; `all` keeps every one."""
    if split == "all":
        return records
    first: dict[str, tuple[str, str]] = {}
    sizes: dict[str, int] = defaultdict(int)
    for r in records:
        cluster = str(r["cluster"])
        key = (str(r.get("published") or ""), cluster)
        first[cluster] = min(first.get(cluster, key), key)
        sizes[cluster] += 1
    train, seen = set(), 0
    for cluster in sorted(first, key=first.__getitem__):
        if seen >= len(records) / 2:
            break
        train.add(cluster)
        seen += sizes[cluster]
    return [r for r in records if (str(r["cluster"]) in train) == (split == "train")]


def evaluate(name: str, articles: list[Article], gold: dict[str, str], args: argparse.Namespace) -> None:
    """Print the table of one labeled file (rows wiretrace, baseline, singletons) and its summary line."""
    multi = sum(1 for c in set(gold.values()) if list(gold.values()).count(c) > 1)
    print(f"{name} [{args.split}]: {len(articles)} articles, {len(set(gold.values()))} gold events "
          f"({multi} with more than one article)")
    runs = {
        "wiretrace": lambda: wiretrace_events(articles, args.threads),
        "baseline": lambda: baseline_events(articles, args.baseline_threshold),
        "singletons": lambda: {a.id: a.id for a in articles},
    }
    print(f"{'system':12} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'pair-F1':>7} {'events':>6} {'secs':>6}")
    results = {}
    for system, run in runs.items():
        start = time.perf_counter()
        pred = run()
        p, r, f = bcubed(pred, gold)
        seconds = time.perf_counter() - start
        results[system] = (f, pairwise_f1(pred, gold))
        print(f"{system:12} {p:6.3f} {r:6.3f} {f:6.3f} {results[system][1]:7.3f} {len(set(pred.values())):6} "
              f"{seconds:6.1f}")
    floor = results["singletons"][0]
    print(f"summary {name} [{args.split}]: wiretrace B3-F1 {results['wiretrace'][0]:.3f} "
          f"({results['wiretrace'][0] - floor:+.3f} over singletons {floor:.3f}), pair-F1 {results['wiretrace'][1]:.3f}; "
          f"baseline B3-F1 {results['baseline'][0]:.3f} ({results['baseline'][0] - floor:+.3f}), "
          f"pair-F1 {results['baseline'][1]:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path, nargs="*", help="JSONL files of labeled articles (default: PolNeAR)")
    parser.add_argument("--split", choices=("train", "dev", "all"), default="dev",
                        help="which half to score (default dev; choose thresholds on train)")
    parser.add_argument("--baseline-threshold", type=float, default=0.8, help="cosine distance cut of the baseline")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for path in args.labels or [None]:
        articles, gold = read(path, args.split)
        evaluate(path.name if path else "polnear-events", articles, gold, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
