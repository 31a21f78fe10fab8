"""Latency of `check` (p50, p95) on stores of 1k and 100k articles, after the models are loaded.

Stores are generated from real sentences (PolNeAR articles in ../shared, shuffled into new articles)
so that full-text search sees real vocabulary; article vectors are real MiniLM lead embeddings of the
PolNeAR articles, jittered, because embedding 100k texts on 2 cores would time the model rather than
`check`. Claims are real sentences of those articles, lightly reworded.

Baseline in the same run: BM25 top-5 sentences + the same stance model, majority stance — no dense
retrieval, no rerank, no source grouping.

    python bench/check.py --sizes 1000 100000 --claims 40 [--store-dir /tmp/wiretrace-bench]

Building the 100k store takes minutes (1.8 M sentences into full-text search); --store-dir keeps the
built stores there and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from wiretrace.claims.sentences import split_sentences
from wiretrace.crosscheck.checks import content_words
from wiretrace.ml.embedder import MiniLMEmbedder
from wiretrace.ml.stance.model import load_stance_model
from wiretrace.models import Article
from wiretrace.store.sqlite import SQLiteStore
from wiretrace.stories.embed import article_lead
from wiretrace.verify import SENTENCE_INDEX_VERSION, Checker

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear"


def real_articles() -> list[Article]:
    files = sorted(SHARED.glob("*/text/*.txt"))
    if not files:
        sys.exit(f"bench/check.py: {SHARED} has no articles; it needs ../shared")
    out = []
    for path in files:
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        out.append(Article(id=path.stem[:16], text=body.strip(), title=title.strip()))
    return out


def build_store(path: str, size: int, pool: list[Article], vectors: np.ndarray, model_name: str,
                seed: int = 3) -> SQLiteStore:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    sentences = [a.text[s:e] for a in pool for s, e in split_sentences(a.text) if e - s > 30]
    store = SQLiteStore(path)
    batch_articles, batch_vectors = [], {}
    for i in range(size):
        base = i % len(pool)
        text = pool[i].text if i < len(pool) else "\n\n".join(rng.sample(sentences, 18))
        article = Article(id=f"k{i:07d}", text=text, title=pool[base].title, outlet=f"outlet{i % 40}",
                          published=f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}")
        batch_articles.append(article)
        jitter = vectors[base] + nrng.normal(scale=0.02, size=vectors.shape[1]).astype(np.float32)
        batch_vectors[article.id] = jitter / np.linalg.norm(jitter)
        if len(batch_articles) == 2000 or i == size - 1:
            store.put_articles(batch_articles)
            store.put_embeddings(model_name, batch_vectors)
            for a in batch_articles:
                spans = [(s, e, a.text[s:e]) for s, e in split_sentences(a.text) if e - s > 15]
                store.put_sentences(a.id, spans, SENTENCE_INDEX_VERSION)
            batch_articles, batch_vectors = [], {}
    return store


def claims_from(pool: list[Article], n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        article = rng.choice(pool)
        spans = [(s, e) for s, e in split_sentences(article.text) if 60 < e - s < 200]
        if spans:
            s, e = rng.choice(spans)
            words = article.text[s:e].split()
            out.append(" ".join(words[: max(6, len(words) - 4)]))
    return out


def baseline_check(store, model, claim: str) -> str:
    hits = store.search_sentences(sorted(content_words(claim)), 5)
    if not hits:
        return "not-enough-evidence"
    probs = model.predict_batch([(h.text, claim) for h in hits])
    votes = probs.argmax(axis=1)
    return ["supported", "not-enough-evidence", "refuted"][int(np.bincount(votes, minlength=3).argmax())]


def percentiles(times: list[float]) -> tuple[float, float]:
    return float(np.percentile(times, 50) * 1000), float(np.percentile(times, 95) * 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--claims", type=int, default=40)
    parser.add_argument("--store-dir", type=Path, help="keep built stores here and reuse them (default: temporary)")
    args = parser.parse_args()
    pool = real_articles()
    embedder = MiniLMEmbedder()
    started = time.perf_counter()
    vectors = embedder.embed([article_lead(a) for a in pool])
    print(f"embedded {len(pool)} real leads in {time.perf_counter() - started:.1f} s")
    model = load_stance_model()
    claims = claims_from(pool, args.claims)
    print(f"{'articles':>9} {'build s':>8} {'wiretrace p50':>14} {'p95':>8} {'baseline p50':>13} {'p95':>8} {'ratio p50':>10}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            kept = args.store_dir / f"check-{size}.db" if args.store_dir else None
            if kept is not None and kept.exists():
                store = SQLiteStore(kept)
            else:
                store = build_store(str(kept or Path(tmp) / "bench.db"), size, pool, vectors, embedder.name)
            build = time.perf_counter() - started
            checker = Checker(store, embedder=embedder, stance_model=model)
            checker.check(claims[0])  # warm: loads the vector matrix
            ours, base = [], []
            for claim in claims:
                t = time.perf_counter()
                checker.check(claim)
                ours.append(time.perf_counter() - t)
                t = time.perf_counter()
                baseline_check(store, model, claim)
                base.append(time.perf_counter() - t)
            (o50, o95), (b50, b95) = percentiles(ours), percentiles(base)
            print(f"{size:>9} {build:>8.1f} {o50:>11.0f} ms {o95:>5.0f} ms {b50:>10.0f} ms {b95:>5.0f} ms {o50 / b50:>9.2f}x")
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
