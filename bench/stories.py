"""Time and memory of copy detection + two-level clustering on generated corpora, vs a baseline.

Articles are generated from word mixtures: each planted event has its own names and vocabulary, each
article mixes event words with common words, and some articles are planted copies (lightly edited).
Embeddings are precomputed random vectors clustered around event centres (embedding 100k real texts on
2 cores would measure the model, not the clustering); real model throughput is measured separately.

    python bench/stories.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

import numpy as np

from wiretrace.cluster import cluster_articles
from wiretrace.dedupe import find_copies
from wiretrace.models import Article

COMMON = ("the a of to and in said on for that with was is by at from as it his her have has will "
          "officials government week report people year new after told percent state city").split()


def generate(n: int, seed: int = 7, dim: int = 384) -> tuple[list[Article], np.ndarray, np.ndarray]:
    """`n` articles over a year in events of 1-8 articles; 5% are near-verbatim copies."""
    rng = np.random.default_rng(seed)
    articles, vectors, labels = [], [], []
    event = 0
    while len(articles) < n:
        size = int(rng.integers(1, 9))
        day = int(rng.integers(0, 365))
        names = [f"Name{event}x{k}" for k in range(4)]
        vocab = [f"w{event}v{k}" for k in range(30)]
        centre = rng.normal(size=dim)
        last = None
        for _ in range(min(size, n - len(articles))):
            i = len(articles)
            if last is not None and rng.random() < 0.05:
                text = last + " Additional reporting."
            else:
                words = list(rng.choice(COMMON, 120)) + list(rng.choice(vocab, 60)) + list(rng.choice(names, 20))
                rng.shuffle(words)
                text = " ".join(str(w) for w in words)
            published = np.datetime64("2016-01-01") + np.timedelta64(day + int(rng.integers(0, 3)), "D")
            articles.append(Article(id=f"b{i:07d}", text=text, title=f"{names[0]} {vocab[0]}",
                                    published=str(published), outlet=f"outlet{i % 7}"))
            vector = centre + rng.normal(scale=0.6, size=dim) * np.sqrt(1)
            vectors.append(vector / np.linalg.norm(vector))
            labels.append(event)
            last = text
        event += 1
    return articles, np.asarray(vectors, dtype=np.float32), np.asarray(labels)


def run_wiretrace(articles, vectors) -> int:
    copies = find_copies(articles, vectors=vectors)
    by_id = {a.id: vectors[i] for i, a in enumerate(articles)}
    grouping, _ = cluster_articles(articles, by_id, copies)
    return len(grouping.events)


def run_baseline(articles) -> int:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True).fit_transform([a.text for a in articles]).toarray()
    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=0.8)
    return len(set(model.fit_predict(matrix)))


def measure(label: str, func, *args) -> float:
    tracemalloc.start()
    start = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:28} {seconds:8.1f} s  traced peak {peak:6.0f} MiB  max RSS {rss:6.0f} MiB  ({result} clusters)",
          flush=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline-max", type=int, default=10_000, help="largest size the baseline runs on")
    args = parser.parse_args()
    for n in args.sizes:
        articles, vectors, _ = generate(n)
        ours = measure(f"wiretrace n={n}", run_wiretrace, articles, vectors)
        if n <= args.baseline_max:
            theirs = measure(f"tfidf+agglomerative n={n}", run_baseline, articles)
            print(f"speed-up over baseline at n={n}: {theirs / ours:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
