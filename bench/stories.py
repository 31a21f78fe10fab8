"""Time and memory of copy detection + two-level clustering on generated corpora, vs a baseline.

Articles are generated from word mixtures: each planted event has its own names and vocabulary, each
article mixes event words with common words, and some articles are planted copies (lightly edited).
Embeddings are precomputed random vectors clustered around event centres and cached in the store the
way `embed_articles` caches real ones (embedding 100k real texts on 2 cores would measure the model, not
the clustering); real model throughput is measured separately with `--embed`.

What is timed is `cluster_store` on a SQLite store holding the articles and their vectors: reading them,
copy detection, events, stories and writing the grouping back. Each measurement runs in its own process,
so max RSS belongs to that run alone; each prints its wall time and its CPU time (all cores, its worker
processes included), so runs that use different numbers of cores can be compared per core too.

Two baselines, so that each comparison is of equal work:
- `baseline`: average-linkage agglomerative clustering on the same planted vectors (the same input as
  wiretrace, which also does copy detection, stories and the store reads and writes on top);
- `baseline-tfidf`: the whole job from texts, TF-IDF included. wiretrace's figure leaves out embedding
  the texts, so the comparison line adds the model's time for that many leads (measured with `--embed`,
  or the README's 267 leads/s on 2 cores where `--embed` is not given).

    python bench/stories.py --sizes 10000 100000 --embed 256
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from wiretrace.models import Article
from wiretrace.pipeline import cluster_store
from wiretrace.store import open_store

COMMON = ("the a of to and in said on for that with was is by at from as it his her have has will "
          "officials government week report people year new after told percent state city").split()
POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear" / "train" / "text"


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
            vector = centre + rng.normal(scale=0.6, size=dim)
            vectors.append(vector / np.linalg.norm(vector))
            labels.append(event)
            last = text
        event += 1
    return articles, np.asarray(vectors, dtype=np.float32), np.asarray(labels)


class CachedOnly:
    """An embedder whose vectors are all in the store already; being asked for one is a bench bug."""

    name = "bench-planted"
    dim = 384

    def embed(self, texts):
        """Never reached when every vector is cached."""
        raise AssertionError(f"{len(texts)} texts were not in the embedding cache")


def run_wiretrace(n: int) -> str:
    """Stored articles → copies, events, stories (stored); store set-up is not timed."""
    articles, vectors, _ = generate(n)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        store.put_articles(articles)
        store.put_embeddings(CachedOnly.name, {a.id: vectors[i] for i, a in enumerate(articles)})
        del articles, vectors
        seconds, grouping = _timed(lambda: cluster_store(store, embedder=CachedOnly()))
        store.close()
    return f"{seconds:.1f} s, {len(grouping.events)} events, {len(grouping.stories)} stories"


def _agglomerate(distances: np.ndarray, threshold: float) -> int:
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=threshold)
    return len(set(model.fit_predict(distances)))


def run_baseline(n: int) -> str:
    """Average-linkage agglomerative clustering on the cosine distances of the same planted vectors."""
    vectors = generate(n)[1]
    seconds, clusters = _timed(lambda: _agglomerate(1.0 - vectors @ vectors.T, 0.5))
    return f"{seconds:.1f} s, {clusters} clusters"


def run_baseline_tfidf(n: int) -> str:
    """TF-IDF of the texts, then the same clustering on their cosine distances (in memory)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [a.text for a in generate(n)[0]]

    def cluster() -> int:
        matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
        return _agglomerate(1.0 - (matrix @ matrix.T).toarray(), 0.8)  # sparse product: dense TF-IDF is n x vocab

    seconds, clusters = _timed(cluster)
    return f"{seconds:.1f} s, {clusters} clusters"


def run_embed(n: int) -> str:
    """MiniLM on 2 threads: real PolNeAR sentences (or generated ones where ../shared is absent)."""
    from wiretrace.ml.embedder import EmbedOptions, MiniLMEmbedder

    if POLNEAR.exists():
        texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:200]]
        sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) >= 5][:n]
    else:
        sentences = [" ".join(a.text.split()[:25]) for a in generate(n)[0]]
    embedder = MiniLMEmbedder(EmbedOptions(threads=2))
    embedder.embed(sentences[:16])  # load and warm up
    seconds, _ = _timed(lambda: embedder.embed(sentences))
    tokens = np.mean([len(s.split()) for s in sentences])
    return f"{seconds:.1f} s, {len(sentences) / seconds:.0f} sentences/s (mean {tokens:.0f} words)"


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children, every core counted."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


CPU: dict[str, float] = {}


def _timed(func):
    start, cpu = time.perf_counter(), _cpu_seconds()
    result = func()
    CPU["seconds"] = _cpu_seconds() - cpu
    return time.perf_counter() - start, result


RUNS = {"wiretrace": run_wiretrace, "baseline": run_baseline, "baseline-tfidf": run_baseline_tfidf,
        "embed": run_embed}


def measure(system: str, n: int, trace: bool) -> dict:
    """Run one measurement in this process and return its figures."""
    if trace:
        tracemalloc.start()
    summary = RUNS[system](n)
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = float(summary.split(" s")[0])
    return {"system": system, "n": n, "seconds": seconds, "cpu_seconds": round(CPU["seconds"], 1),
            "max_rss_mib": round(rss), "traced_peak_mib": peak, "summary": summary}


def in_child(system: str, n: int, trace: bool) -> dict:
    """`measure` in a fresh interpreter, so max RSS is this run's alone."""
    command = [sys.executable, __file__, "--child", system, str(n)] + (["--tracemalloc"] if trace else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    traced = f"  traced peak {result['traced_peak_mib']:6.0f} MiB" if trace else ""
    print(f"{system:14} n={n:<7} {result['summary']:44} CPU {result['cpu_seconds']:6.1f} s"
          f"  max RSS {result['max_rss_mib']:6} MiB{traced}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline-max", type=int, default=10_000, help="largest size the baseline runs on")
    parser.add_argument("--embed", type=int, default=0, help="also time the real model on this many sentences")
    parser.add_argument("--tracemalloc", action="store_true", help="also report tracemalloc's peak (slower)")
    parser.add_argument("--child", nargs=2, metavar=("SYSTEM", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]), args.tracemalloc)))
        return 0
    embed_rate = float(in_child("embed", args.embed, False)["summary"].split(", ")[1].split()[0]) if args.embed else 267.0
    for n in args.sizes:
        ours = in_child("wiretrace", n, args.tracemalloc)
        if n > args.baseline_max:
            continue
        same = in_child("baseline", n, args.tracemalloc)
        tfidf = in_child("baseline-tfidf", n, args.tracemalloc)
        print(f"same vectors, n={n}: baseline / wiretrace wall {same['seconds'] / ours['seconds']:.1f}×,"
              f" CPU {same['cpu_seconds'] / ours['cpu_seconds']:.1f}×")
        whole = ours["seconds"] + n / embed_rate
        print(f"from texts, n={n}: wiretrace {ours['seconds']:.1f} s + embedding {n} leads at {embed_rate:.0f}/s"
              f" = {whole:.1f} s; TF-IDF baseline {tfidf['seconds']:.1f} s; baseline / wiretrace {tfidf['seconds'] / whole:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
