"""Full-text search over articles, claims and stories, through each store's sentence index.

The sentence index (SQLite FTS5, PostgreSQL tsvector) ranks sentences; an article scores by its best
sentence, a claim by the sentence it lies in, a story by its best article. Titles are matched too,
since a title is not a sentence of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wiretrace.errors import UsageError
from wiretrace.store import Store

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchOptions:
    """How much a search reads and returns.

    Attributes:
        sentences: best sentences read from the index; results come from these.
        limit: most results of each kind.
        max_terms: most words of a query used (a pasted paragraph is cut, not refused).
    """

    sentences: int = 200
    limit: int = 20
    max_terms: int = 16


def query_terms(query: str, options: SearchOptions) -> list[str]:
    """The words of a query, lower-cased, at most `max_terms`; raises `UsageError` for none."""
    terms = list(dict.fromkeys(w.lower() for w in _WORD.findall(query or "")))[: options.max_terms]
    if not terms:
        raise UsageError(f"search {query!r}: give at least one word to search for")
    return terms


def search(store: Store, query: str, options: SearchOptions | None = None) -> dict[str, Any]:
    """`{"query", "articles", "claims", "stories"}`, each best first, each item with its `score`."""
    options = options or SearchOptions()
    terms = query_terms(query, options)
    hits = store.search_sentences(terms, limit=options.sentences)
    best: dict[str, float] = {}
    passages: dict[str, Any] = {}
    for hit in hits:  # best first: the first hit of an article is its best
        if hit.article not in best:
            best[hit.article], passages[hit.article] = hit.score, hit
    articles = {a.id: a for a in store.list_articles()}
    top = max(best.values(), default=1.0) or 1.0
    for a in articles.values():  # a title holding every word ranks with the best sentence
        if a.title and all(t in a.title.lower() for t in terms):
            best[a.id] = max(best.get(a.id, 0.0), top)
    ranked = sorted(best, key=lambda i: (-best[i], i))[: options.limit]
    return {
        "query": query,
        "articles": [_article_item(articles[i], best[i], passages.get(i)) for i in ranked if i in articles],
        "claims": _claims(store, hits, options.limit),
        "stories": _stories(store, best, terms, options.limit),
    }


def _article_item(article: Any, score: float, passage: Any) -> dict[str, Any]:
    return {"id": article.id, "title": article.title, "outlet": article.outlet, "published": article.published,
            "url": article.url, "score": round(score, 4),
            "passage": None if passage is None else {"text": passage.text, "start": passage.start, "end": passage.end}}


def _claims(store: Store, hits: list[Any], limit: int) -> list[dict[str, Any]]:
    """Claims lying in the best sentences, in the sentences' order."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    by_article: dict[str, list[Any]] = {}
    for hit in hits:
        if hit.article not in by_article:
            by_article[hit.article] = store.get_claims(hit.article)
        for claim in by_article[hit.article]:
            if claim.id not in seen and claim.start < hit.end and hit.start < claim.end:
                seen.add(claim.id)
                found.append({"id": claim.id, "article": claim.article, "kind": claim.kind, "text": claim.text,
                              "start": claim.start, "end": claim.end, "speaker": claim.speaker,
                              "score": round(hit.score, 4)})
        if len(found) >= limit:
            break
    return found[:limit]


def _stories(store: Store, best: dict[str, float], terms: list[str], limit: int) -> list[dict[str, Any]]:
    """Stories scored by their best matching article, or by a title holding every word."""
    scored = []
    for story in store.get_stories():
        score = max((best.get(a, 0.0) for a in story.articles), default=0.0)
        if story.title and all(t in story.title.lower() for t in terms):
            score = max(score, max(best.values(), default=1.0) or 1.0)
        if score > 0:
            scored.append({"id": story.id, "title": story.title, "articles": len(story.articles),
                           "outlets": story.outlets, "score": round(score, 4)})
    return sorted(scored, key=lambda s: (-s["score"], s["id"]))[:limit]
