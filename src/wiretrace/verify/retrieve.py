"""Candidate sentences for a claim: full-text and dense search fused by reciprocal rank, then a rerank.

BM25 over every stored sentence (the store's full-text index) finds sentences sharing the claim's rare
words; dense vectors of the articles (the MiniLM lead vectors clustering stores) find articles about
it in other words. The two ranked lists are fused by reciprocal rank and the best candidates reranked
by the cosine of their MiniLM vectors to the claim's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from wiretrace.crosscheck import checks, lexicon
from wiretrace.errors import NotFound, UsageError
from wiretrace.models import SentenceHit
from wiretrace.store import Store
from wiretrace.verify.options import CheckOptions


@dataclass(frozen=True)
class DenseIndex:
    """The stored article vectors as one matrix: row i is the unit vector of `ids[i]`."""

    matrix: np.ndarray
    ids: list[str]


def load_dense_index(store: Store, embedder: Any) -> DenseIndex:
    """The article vectors the embedder made, or those of its sibling (same model, quantized or not)."""
    vectors = store.get_embeddings(embedder.name)
    if not vectors:  # articles embedded on another device: same model, quantized or not
        from wiretrace.ml.embedder import sibling_name

        vectors = store.get_embeddings(sibling_name(embedder.name))
    ids = sorted(vectors)
    dim = getattr(embedder, "dim", 384)
    matrix = np.stack([vectors[i] for i in ids]) if vectors else np.zeros((0, dim), np.float32)
    return DenseIndex(matrix, ids)


def allowed_articles(store: Store, options: CheckOptions) -> tuple[set[str] | None, list[str]]:
    """Articles evidence may come from under --story/--since (None for all), and warnings.

    The warning counts the articles --since left out for having no date: silence would read as "no
    evidence", when the store may hold it undated.
    """
    allowed: set[str] | None = None
    if options.story:
        from wiretrace.stories import find_story

        try:
            allowed = set(find_story(store, options.story).articles)
        except NotFound as exc:  # a bad --story is the caller's mistake, reported as a usage error
            raise UsageError(str(exc)) from exc
    if not options.since:
        return allowed, []
    since = parse_date(options.since)
    scope = [a for a in store.list_articles() if allowed is None or a.id in allowed]
    dated = {a.id for a in scope if a.published and a.published >= since}
    undated = sum(1 for a in scope if not a.published)
    where = f"of story {options.story} " if options.story else ""
    warnings = [f"--since {options.since}: {undated} of {len(scope)} articles {where}have no date and were left out;"
                " state dates with: wiretrace ingest --manifest FILE or --published DATE"] if undated else []
    return dated, warnings


def parse_date(value: str) -> str:
    """An ISO date (YYYY-MM-DD) normalised; raises `UsageError` naming the bad --since value."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise UsageError(f"--since {value!r} is not a date; use YYYY-MM-DD") from exc


def query_terms(claim: str, limit: int) -> list[str]:
    """The claim's most distinctive words for full-text search.

    An OR query scores every sentence that holds any term, so common words make it slow on large
    stores; long words are usually the rare, telling ones.
    """
    words = sorted(checks.content_words(claim), key=lambda w: (-len(w), w)) or claim.lower().split()
    return sorted(words[:limit])


def retrieve(store: Store, claim: str, embedder: Any, index: DenseIndex, options: CheckOptions,
             allowed: set[str] | None, side: Executor) -> tuple[np.ndarray, list[SentenceHit], list[SentenceHit]]:
    """The claim's vector, its candidates, and the sentences using the opposite of one of its words.

    Candidates are BM25 hits fused with the densest articles' sentences; the third list is
    `contrast_hits`.

    The claim is embedded and the article vectors scanned on the `side` thread while full-text search
    runs on this one: both wait in native code (onnxruntime, numpy, SQLite) that releases the GIL, so
    on two cores the dense half costs nothing extra. The side thread never touches the store (one
    SQLite connection belongs to one thread).
    """
    dense = side.submit(densest_articles, claim, embedder, index, options, allowed)
    terms = query_terms(claim, options.max_query_terms)
    pool = store.search_sentences(terms, options.fts_pool, allowed)
    bm25 = lexical_rank(terms, pool, options)[: options.bm25_candidates]
    claim_vector, dense_ids = dense.result()
    dense_hits = [store.article_sentences(article_id) for article_id in dense_ids]
    return claim_vector, fuse(claim, bm25, dense_hits, options), contrast_hits(store, claim, terms, options, allowed)


def contrast_hits(store: Store, claim: str, terms: Sequence[str], options: CheckOptions,
                  allowed: set[str] | None) -> list[SentenceHit]:
    """Sentences about the claim that use the opposite of one of its words ("unofficial" for "official").

    They share fewer words with the claim than its restatements do, so BM25 and the rerank would leave
    them out behind five sentences that merely repeat the rest of it; yet they are the ones that
    decide the claim. At most `contrast_candidates`, each sharing `contrast_min_shared` content words.
    """
    wanted = contrast_terms(claim)
    if not wanted or not options.contrast_candidates:
        return []
    claim_words = checks.content_words(claim)
    exact = set(wanted)  # the full-text index stems: "informal" also finds "informed"
    pool = [hit for hit in store.search_sentences(wanted, options.fts_pool, allowed)
            if exact & set(re.findall(r"[a-z]+", hit.text.lower()))
            and len(claim_words & checks.content_words(hit.text)) >= options.contrast_min_shared]
    return lexical_rank(terms, pool, options)[: options.contrast_candidates]


def contrast_terms(claim: str) -> list[str]:
    """The words of the lexicon's contrast sets opposite to the claim's words, with their common inflections."""
    found: list[str] = []
    for word in dict.fromkeys(w.lower() for w in re.findall(r"[A-Za-z]+", claim)):
        for form in (word, word[:-1], word[:-2], word[:-3]):
            if len(form) > 2 and lexicon.contrasts(form):
                for other in lexicon.opposites(form):
                    found += [other, f"{other}s", f"{other}d" if other.endswith("e") else f"{other}ed"]
                break
    return sorted(set(found))


def lexical_rank(terms: Sequence[str], pool: Sequence[SentenceHit], options: CheckOptions) -> list[SentenceHit]:
    """The full-text pool ordered by a BM25 computed here, the same whatever store found the hits.

    Document frequencies and the mean length come from the pool itself: every sentence holding a
    query term is in it while it is not cut at `fts_pool`, so they are the corpus's for these terms.
    Ties go to the earlier (article, offset), so the order is total.
    """
    if not pool:
        return []
    wanted = set(terms)  # already content words, stemmed as the sentences' words are below
    words = [checks.content_words(hit.text) for hit in pool]
    lengths = [max(1, len(w)) for w in words]
    mean = sum(lengths) / len(lengths)
    df = {term: sum(term in w for w in words) for term in wanted}
    size = len(pool)
    k1, b = options.lexical_k1, options.lexical_b

    def score(i: int) -> float:
        norm = k1 * (1 - b + b * lengths[i] / mean)
        return sum(math.log(1 + (size - df[t] + 0.5) / (df[t] + 0.5)) * (k1 + 1) / (1 + norm)
                   for t in wanted if t in words[i])

    scores = [score(i) for i in range(size)]
    order = sorted(range(size), key=lambda i: (-scores[i], pool[i].article, pool[i].start))
    return [pool[i] for i in order]


def densest_articles(claim: str, embedder: Any, index: DenseIndex, options: CheckOptions,
                     allowed: set[str] | None) -> tuple[np.ndarray, list[str]]:
    """The claim's vector and the articles whose lead vectors are closest to it, best first."""
    claim_vector = embedder.embed([claim])[0]
    matrix, ids = index.matrix, index.ids
    found: list[str] = []
    if len(ids):
        scores = matrix @ claim_vector
        top = min(options.dense_articles * options.dense_overfetch, len(ids))
        best = np.argpartition(-scores, top - 1)[:top]  # a full sort of 100k scores costs more than the rest
        for i in best[np.argsort(-scores[best], kind="stable")]:
            if allowed is None or ids[i] in allowed:
                found.append(ids[i])
            if len(found) >= options.dense_articles:
                break
    return claim_vector, found


def fuse(claim: str, bm25: Sequence[SentenceHit], dense: Sequence[Sequence[SentenceHit]],
         options: CheckOptions) -> list[SentenceHit]:
    """Reciprocal-rank fusion of BM25 hits and the sentences of the dense articles, best first.

    Args:
        claim: the claim; a dense article's sentence counts only if it shares a content word with it.
        bm25: full-text hits, best first; hit i scores 1 / (rrf_k + i).
        dense: each dense article's sentences, best article first; all sentences of article i score
            1 / (rrf_k + i).
        options: `rrf_k` and `rerank_candidates` (how many come back).
    """
    candidates: dict[tuple[str, int], SentenceHit] = {}
    fused: dict[tuple[str, int], float] = {}
    for rank, hit in enumerate(bm25):
        key = (hit.article, hit.start)
        candidates[key] = hit
        fused[key] = fused.get(key, 0.0) + 1.0 / (options.rrf_k + rank)
    claim_words = checks.content_words(claim)
    for rank, hits in enumerate(dense):
        for hit in hits:
            if claim_words & checks.content_words(hit.text):
                key = (hit.article, hit.start)
                candidates.setdefault(key, hit)
                fused[key] = fused.get(key, 0.0) + 1.0 / (options.rrf_k + rank)
    order = sorted(fused, key=lambda k: (-fused[k], k))
    return [candidates[k] for k in order[: options.rerank_candidates]]


def rerank(embedder: Any, claim_vector: np.ndarray, hits: list[SentenceHit],
           options: CheckOptions, reserved: Sequence[SentenceHit] = ()) -> list[tuple[SentenceHit, float]]:
    """Order candidates by cosine similarity to the claim; keep the best `rerank_top`.

    The `reserved` sentences (contrast hits) not among them are kept too, whatever their rank.
    """
    seen = {(h.article, h.start) for h in hits}
    extra = [h for h in reserved if (h.article, h.start) not in seen]
    hits = hits + extra
    if not hits:
        return []
    # Copies of one wire report repeat sentences word for word: each distinct text is embedded once.
    texts = list(dict.fromkeys(h.text for h in hits))
    by_text = dict(zip(texts, embedder.embed(texts) @ claim_vector, strict=True))
    similarity = np.array([by_text[h.text] for h in hits])
    order = list(np.argsort(-similarity, kind="stable")[: options.rerank_top])
    wanted = {(h.article, h.start) for h in reserved}
    order += [i for i in range(len(hits)) if i not in order and (hits[i].article, hits[i].start) in wanted]
    return [(hits[i], float(similarity[i])) for i in order]
