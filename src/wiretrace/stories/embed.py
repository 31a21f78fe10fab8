"""Lead embeddings of articles: what events and stories are clustered on.

The lead (title plus first paragraphs) is embedded, not the body; vectors are cached in the store per
model name, so an article is embedded once per model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wiretrace.ml.embedder import Embedder
from wiretrace.models import Article
from wiretrace.store import Store

LEAD_PARAGRAPHS = 2
LEAD_CHARS = 1500
EMBED_CHUNK = 2048  # articles embedded and stored at a time by `embed_articles`


def article_lead(article: Article, paragraphs: int = LEAD_PARAGRAPHS) -> str:
    """Title plus the first paragraphs: what an editor reads to know what happened.

    The lead, not the whole body, is embedded because the model sees only 256 tokens anyway and the
    happening is stated up front; later paragraphs drift into background shared by many events.
    """
    parts = [p.strip() for p in article.text.split("\n") if len(p.strip()) > 40]
    lead = " ".join(parts[:paragraphs])[:LEAD_CHARS]
    title = (article.title or "").strip()
    return f"{title}. {lead}" if title and not lead.startswith(title) else lead or title


def embed_articles(store: Store, articles: Sequence[Article], embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the articles' leads, computed only for those not yet cached under this model."""
    cached = store.get_embeddings(embedder.name, [a.id for a in articles])
    missing = [a for a in articles if a.id not in cached]
    # In chunks: the tokenizer's encodings of 100k leads alone take gigabytes, and each stored chunk
    # is progress an interrupted run keeps.
    for start in range(0, len(missing), EMBED_CHUNK):
        chunk = missing[start : start + EMBED_CHUNK]
        vectors = embedder.embed([article_lead(a) for a in chunk])
        fresh = {a.id: vectors[i] for i, a in enumerate(chunk)}
        store.put_embeddings(embedder.name, fresh)
        cached.update(fresh)
    return cached
