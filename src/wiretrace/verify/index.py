"""The sentence full-text index `check` searches (a pipeline stage run after ingest)."""

from __future__ import annotations

from collections.abc import Sequence

from wiretrace.claims.sentences import split_sentences
from wiretrace.models import Article
from wiretrace.store import Store

SENTENCE_INDEX_VERSION = "sent-1"
# Sentences of this many characters or fewer are not indexed: headings, bylines and fragments that
# match many queries and state nothing. Part of what an index version means, so it is a constant and
# not a check option: changing it needs a new SENTENCE_INDEX_VERSION (hand-set with the index).
MIN_SENTENCE_CHARS = 15


def index_sentences(store: Store, articles: Sequence[Article] | None = None) -> int:
    """Put the sentences of not-yet-indexed articles in the full-text index; returns how many articles."""
    done = store.indexed_articles(SENTENCE_INDEX_VERSION)
    todo = [a for a in (articles if articles is not None else store.list_articles()) if a.id not in done]
    for article in todo:
        spans = [(s, e, article.text[s:e]) for s, e in split_sentences(article.text) if e - s > MIN_SENTENCE_CHARS]
        store.put_sentences(article.id, spans, SENTENCE_INDEX_VERSION)
    return len(todo)
