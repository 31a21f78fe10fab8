"""Fit the same-event model (`wiretrace/stories/assets/same-event.json`) on labelled train splits only.

For each train set, articles are taken in the order clustering takes them and compared with the gold events
built so far (teacher forcing): each candidate event the clusterer would score gives one example, labelled
by whether the article belongs to it. A logistic regression over the features of `wiretrace.stories.signals`
is fitted on them, each set weighing the same; then the join threshold is the one whose whole clustering
scores the best mean B3-F1 over the train sets. Two regressions: `dated` on the dated sets (the train half of
labelled PolNeAR, as is and title-less, NeuS train with planted dates, 20 events a day, as is and
title-less: busy days of look-alike events, and 12,000 articles of bench/pipeline.py's generated stream
drawn with seed 101, not the bench's 0: as many articles a day as its 100k run, events of one template that
differ in their names, places and figures), `undated` on the undated ones (NeuS train as is and title-less,
PolNeAR train date-less and both). Nothing of NeuS val or PolNeAR dev is read.

    python eval/fit_events.py --cache /tmp/wt-stories-cache            # writes the JSON
    python eval/fit_events.py --cache /tmp/wt-stories-cache --dry-run  # prints it only
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from stories import bcubed, lead_vectors, pairwise_f1, read, wiretrace_groups

from wiretrace.models import Article
from wiretrace.stories.cluster import _signal_text
from wiretrace.stories.dedupe import earliest_key, parse_day
from wiretrace.stories.events import EventLevel
from wiretrace.stories.levels import ClusterOptions
from wiretrace.stories.names import NameFrequencies
from wiretrace.stories.signals import FEATURES, MODEL_FILE, Regression, WordFrequencies, read_signals

ROOT = Path(__file__).resolve().parents[1]
NEUS_TRAIN = ROOT.parent / "shared" / "corpus" / "neus" / "train.jsonl"
PLANTED = 20  # NeuS train events a day when dates are planted: a busy day of look-alike events
# The generated dense stream of bench/pipeline.py, drawn with another seed than the bench's (0): as many
# articles a day as its 100k run (about 270), over fewer days.
STREAM, STREAM_SEED, STREAM_ARTICLES, STREAM_DAYS = "stream", 101, 12_000, 44
SETS = {  # regression: (file, drop titles, drop dates or plant them); None is labelled PolNeAR
    "dated": [(None, False, False), (None, True, False), (NEUS_TRAIN, False, "plant"), (NEUS_TRAIN, True, "plant"),
              (STREAM, False, False)],
    "undated": [(NEUS_TRAIN, False, False), (NEUS_TRAIN, True, False), (None, False, True), (None, True, True)],
}


def examples(articles: list[Article], vectors: np.ndarray, gold: dict[str, str],
             options: ClusterOptions) -> tuple[list[list[float]], list[int]]:
    """Features and labels of every (article, candidate gold event) the clusterer would score."""
    by_id = {a.id: a for a in articles}
    vector_of = {a.id: vectors[i] for i, a in enumerate(articles)}
    days = {a.id: parse_day(a.published) for a in articles}
    order = sorted(articles, key=lambda a: earliest_key(days[a.id], a.id))
    read_one = lambda i: read_signals([_signal_text(by_id[i])], options.top_names)[0]  # noqa: E731
    level = EventLevel(options, vectors.shape[1], options.event_model, read_one, vector_of)
    names, words = NameFrequencies(), WordFrequencies()
    events, xs, ys = {}, [], []
    signals = read_signals([_signal_text(a) for a in order], options.top_names)
    for article, sig in zip(order, signals, strict=True):
        names.add(sig.names)
        words.add(sig.words)
        vector, label = vector_of[article.id], gold[article.id]
        for cluster, x in level.candidates(vector, sig, days[article.id], names, words):
            xs.append(x)
            ys.append(int(cluster is events.get(label)))
        event = events.get(label) or level.start(article.id, vector)
        events[label] = event
        level.take(event, article.id, vector, sig, days[article.id])
    return xs, ys


def load_sets(cache: Path | None, limit: int, kind: str) -> list[tuple[str, list[Article], np.ndarray, dict]]:
    """The train sets of one regression with their lead vectors; NeuS train cut to `limit` events if asked."""
    out = []
    for path, no_titles, no_dates in SETS[kind]:
        if path == STREAM:
            articles, gold = planted_stream_set()
            out.append((f"generated-stream-seed-{STREAM_SEED}", articles, lead_vectors(articles, 2, cache), gold))
            continue
        plant = PLANTED if no_dates == "plant" else 0
        articles, gold = read(path, "all" if path else "train", "event", no_titles, no_dates is True, plant,
                              limit if path else 0)
        suffix = f"-planted-{plant}-a-day" if plant else "-no-dates" * no_dates
        name = f"{'neus-train' if path else 'polnear-train'}{'-no-titles' * no_titles}{suffix}"
        out.append((name, articles, lead_vectors(articles, 2, cache), gold))
    return out


def planted_stream_set() -> tuple[list[Article], dict[str, str]]:
    """Articles and planted events of the generated dense stream (bench/pipeline.py's generator)."""
    import random

    sys.path.insert(0, str(ROOT / "bench"))
    from pipeline import planted_stream

    articles, gold = [], {}
    stream = planted_stream(STREAM_ARTICLES, random.Random(STREAM_SEED), STREAM_DAYS)
    for number, day, title, paragraphs, event in stream:
        key = f"stream-{number:06d}"
        articles.append(Article(id=key, text="\n\n".join(paragraphs), title=title, published=day.isoformat()))
        gold[key] = str(event)
    return articles, gold


def fit(sets: list, options: ClusterOptions, c: float) -> Regression:
    """Logistic regression over the examples of every set, each set weighing the same in total."""
    from sklearn.linear_model import LogisticRegression

    xs, ys, ws = [], [], []
    for name, articles, vectors, gold in sets:
        x, y = examples(articles, vectors, gold, options)
        xs += x
        ys += y
        ws += [1.0 / max(len(y), 1)] * len(y)
        print(f"  {name}: {len(y)} examples, {sum(y)} positive", file=sys.stderr)
    weights = np.array(ws) * len(ws) / len(sets)
    model = LogisticRegression(C=c, max_iter=2000).fit(np.array(xs), np.array(ys), sample_weight=weights)
    return Regression(tuple(round(float(w), 4) for w in model.coef_[0]), round(float(model.intercept_[0]), 4))


def choose_threshold(sets: list, options: ClusterOptions, kind: str, grid: list[float]) -> float:
    """The threshold with the best mean B3-F1 of the whole clustering over the sets (printed as a table)."""
    table = []
    for threshold in grid:
        regression = replace(getattr(options.event_model, kind), threshold=threshold)
        opts = replace(options, event_model=replace(options.event_model, **{kind: regression}))
        scores = []
        for _, articles, vectors, gold in sets:
            pred = wiretrace_groups(articles, vectors, "event", opts)
            scores.append((bcubed(pred, gold)[2], pairwise_f1(pred, gold)))
        table.append((threshold, scores))
        print(f"  threshold {threshold:.2f}: " + " ".join(f"{b:.3f}/{p:.3f}" for b, p in scores), file=sys.stderr)
    return max(table, key=lambda row: (np.mean([b for b, _ in row[1]]), -abs(row[0] - 0.5)))[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--neus-events", type=int, default=0, help="use only this many NeuS train events")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularization of the regressions")
    parser.add_argument("--only", choices=("dated", "undated"), help="fit one regression, keep the other")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[round(0.1 + 0.05 * i, 2) for i in range(15)],
                        help="the join thresholds tried (fewer run faster)")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    options, out, names = ClusterOptions(), json.loads(MODEL_FILE.read_text(encoding="utf-8")), []
    for kind in [args.only] if args.only else ("dated", "undated"):
        sets = load_sets(args.cache, args.neus_events, kind)
        print(f"{kind}: " + ", ".join(f"{name} ({len(a)})" for name, a, *_ in sets), file=sys.stderr)
        regression = fit(sets, options, args.c)
        print(f"  weights {dict(zip(FEATURES, regression.weights, strict=True))} bias {regression.bias}",
              file=sys.stderr)
        options = replace(options, event_model=replace(options.event_model, **{kind: regression}))
        threshold = choose_threshold(sets, options, kind, args.thresholds)
        options = replace(options, event_model=replace(options.event_model,
                                                       **{kind: replace(regression, threshold=threshold)}))
        out[kind] = {"weights": list(regression.weights), "bias": regression.bias, "threshold": threshold}
        names.append(f"{kind}: {', '.join(name for name, *_ in sets)}")
    if args.only:  # the other regression's sets, from the record of the fit that made it
        names += [part for part in out["trained_on"].split("; ") if part.startswith(("dated:", "undated:"))
                  and not part.startswith(f"{args.only}:")]
    out["trained_on"] = (f"eval/fit_events.py{' --neus-events %d' % args.neus_events if args.neus_events else ''} "
                         f"on {'; '.join(names)}; thresholds by mean B3-F1 over them")
    text = json.dumps(out, indent=1) + "\n"
    print(text)
    if not args.dry_run:
        MODEL_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
