"""Score event clustering on any labeled JSONL against a TF-IDF + agglomerative baseline.

Each line: {"id", "cluster", "title", "text", "published", "outlet"} and optionally "story". Prints B-cubed
precision, recall and F1 and pairwise F1 for wiretrace's events (or, with `--level story`, its stories
against the "story" labels, or against the events where a file has none: then it shows how far stories
merge distinct events), the baseline and the all-singletons floor. Without a file, the labeled PolNeAR set
is built from ../shared at run time (see `eval/polnear.py`); `polnear` names it among files.

    python eval/stories.py --split dev          # report here; tune thresholds with --split train
    python eval/stories.py --split all ../shared/corpus/neus/val.jsonl polnear
    python eval/stories.py --split all --drop-titles --drop-dates ../shared/corpus/neus/val.jsonl

`--drop-titles` and `--drop-dates` score the title-less and date-less variants of each file (the lead
embedding is then of the first paragraphs alone; every article is undated). `--cache DIR` keeps lead vectors
between runs (keyed by the embedder and the lead text), which only saves time.

The split is deterministic and by gold event, in time: events are ordered by their first article's date (then
id) and the first events holding half of the articles are `train`, the rest `dev`, so no event is cut in two
and thresholds chosen on train are reported on later news. After each table one summary line gives the gain
of wiretrace and the baseline over the singletons floor (B-cubed rewards singletons when most gold events
have one article, as in PolNeAR; pairwise F1 does not).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from datetime import date
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


def lead_vectors(articles: list[Article], threads: int, cache: Path | None = None) -> np.ndarray:
    """Lead embeddings of the articles (as `embed_articles` makes them), read from and added to `cache`."""
    from wiretrace.ml.embedder import EmbedOptions

    embedder = MiniLMEmbedder(EmbedOptions(max_tokens=LEAD_TOKENS, threads=threads))
    leads = [article_lead(a) for a in articles]
    keys = [hashlib.sha1(f"{embedder.name}\n{lead}".encode()).hexdigest() for lead in leads]
    stored: dict[str, np.ndarray] = {}
    file = cache / f"{embedder.name}.npz" if cache else None
    if file and file.exists():
        with np.load(file) as data:
            stored = {k: data[k] for k in data.files}
    missing = sorted({k: lead for k, lead in zip(keys, leads, strict=True) if k not in stored}.items())
    if missing:
        fresh = embedder.embed([lead for _, lead in missing])
        stored.update({k: fresh[i] for i, (k, _) in enumerate(missing)})
        if file:
            file.parent.mkdir(parents=True, exist_ok=True)
            np.savez(file, **stored)
    return np.stack([stored[k] for k in keys]).astype(np.float32)


def wiretrace_groups(articles: list[Article], vectors: np.ndarray, level: str = "event",
                     options: ClusterOptions | None = None) -> dict[str, str]:
    """The events (or stories) wiretrace makes of the articles from their lead vectors, copies found first."""
    by_id = {a.id: vectors[i] for i, a in enumerate(articles)}
    copies = find_copies(articles, vectors=vectors)
    grouping, _ = cluster_articles(articles, by_id, copies, options or ClusterOptions())
    groups = grouping.events if level == "event" else grouping.stories
    return {a: g.id for g in groups for a in g.articles}


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


class BadFile(Exception):
    """A labeled file that cannot be read; the message names the file."""


def read_records(path: Path | None) -> list[dict]:
    """The records of a labeled JSONL, or of PolNeAR and its labels when `path` is None (or `polnear`)."""
    if path is None or str(path) == "polnear":
        from polnear import read_corpus, read_labels

        labels = read_labels()
        return [dict(r, cluster=labels[r["id"]]) for r in read_corpus() if r["id"] in labels]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadFile(f"{path}: cannot read labeled JSONL: {exc}") from exc
    for number, r in enumerate(records, 1):
        if not isinstance(r, dict) or not {"id", "cluster", "text"} <= set(r):
            raise BadFile(f"{path}: record {number} lacks one of id, cluster, text")
    return records


def planted_dates(records: list[dict], per_day: int, seed: int = 19) -> dict[str, str]:
    """A date for every record: gold events in a seeded random order, `per_day` of them a day.

    Each article falls on its event's day or the next. Makes a busy dated stream of an undated file (NeuS),
    where look-alike events may share a day.
    """
    rng = np.random.default_rng(seed)
    events = sorted({str(r["cluster"]) for r in records})
    day_of = {e: int(k) // per_day for k, e in zip(rng.permutation(len(events)), events, strict=True)}
    start = date(2020, 1, 1).toordinal()
    return {str(r["id"]): date.fromordinal(start + day_of[str(r["cluster"])] + int(rng.integers(0, 2))).isoformat()
            for r in records}


def read(path: Path | None, split: str = "all", level: str = "event", drop_titles: bool = False,
         drop_dates: bool = False, plant_dates: int = 0, events: int = 0) -> tuple[list[Article], dict[str, str]]:
    """Articles and gold groups of one split of a labeled file, with titles or dates removed (or planted).

    At the story level the gold is the "story" field where the file has one, else the event. `events` keeps
    only the first that many gold events (by id), before dates are planted.
    """
    articles, gold = [], {}
    records = split_records(read_records(path), split)
    if events:
        keep = set(sorted({str(r["cluster"]) for r in records})[:events])
        records = [r for r in records if str(r["cluster"]) in keep]
    planted = planted_dates(records, plant_dates) if plant_dates else {}
    for r in records:
        published = None if drop_dates else planted.get(str(r["id"]), r.get("published"))
        articles.append(Article(id=str(r["id"]), text=r["text"], title=None if drop_titles else r.get("title"),
                                published=published, outlet=r.get("outlet")))
        gold[str(r["id"])] = str(r.get("story") or r["cluster"]) if level == "story" else str(r["cluster"])
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
    sizes = defaultdict(int)
    for c in gold.values():
        sizes[c] += 1
    multi = sum(1 for n in sizes.values() if n > 1)
    kind = "events" if args.level == "event" else "stories"
    print(f"{name} [{args.split}]: {len(articles)} articles, {len(sizes)} gold {kind} "
          f"({multi} with more than one article)")
    runs = {
        "wiretrace": lambda: wiretrace_groups(articles, lead_vectors(articles, args.threads, args.cache), args.level),
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
    print(f"summary {name} [{args.split}, {args.level}]: wiretrace B3-F1 {results['wiretrace'][0]:.3f} "
          f"({results['wiretrace'][0] - floor:+.3f} over singletons {floor:.3f}), pair-F1 {results['wiretrace'][1]:.3f}; "
          f"baseline B3-F1 {results['baseline'][0]:.3f} ({results['baseline'][0] - floor:+.3f}), "
          f"pair-F1 {results['baseline'][1]:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path, nargs="*",
                        help="JSONL files of labeled articles; `polnear` for the PolNeAR set (the default)")
    parser.add_argument("--level", choices=("event", "story"), default="event")
    parser.add_argument("--drop-titles", action="store_true", help="score the title-less variant")
    parser.add_argument("--drop-dates", action="store_true", help="score the date-less variant")
    parser.add_argument("--plant-dates", type=int, default=0, metavar="N",
                        help="give each gold event a planted day, N events a day (a busy dated stream)")
    parser.add_argument("--cache", type=Path, help="directory keeping lead vectors between runs")
    parser.add_argument("--split", choices=("train", "dev", "all"), default="dev",
                        help="which half to score (default dev; choose thresholds on train)")
    parser.add_argument("--baseline-threshold", type=float, default=0.8, help="cosine distance cut of the baseline")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for path in args.labels or [None]:
        try:
            articles, gold = read(path, args.split, args.level, args.drop_titles, args.drop_dates, args.plant_dates)
        except BadFile as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        variant = "".join(f"-{v}" for v, on in (("no-titles", args.drop_titles), ("no-dates", args.drop_dates),
                                                 (f"planted-{args.plant_dates}-a-day", args.plant_dates)) if on)
        name = path.name if path and str(path) != "polnear" else "polnear-events"
        evaluate(f"{name}{variant}", articles, gold, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
