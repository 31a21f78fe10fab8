"""The store: one protocol, a SQLite default and backends chosen by URL.

Every stage reads and writes through `Store`, so the same pipeline runs on one SQLite file or on a
shared PostgreSQL database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from wiretrace.errors import StoreError, UsageError
from wiretrace.models import Article, Claim, CopyLink, Entity, Event, Review, SentenceHit, Story

DEFAULT_DB = "wiretrace.db"


@runtime_checkable
class Store(Protocol):
    """What every backend provides. Each write method is one transaction: all or nothing."""

    url: str

    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Store:
        """`with open_store(…) as store:` closes the store when the block ends."""

    def __exit__(self, *exc_info: object) -> None:
        """Close the store."""

    # articles
    def put_articles(self, articles: Sequence[Article]) -> list[bool]:
        """Store articles; returns, per article, True if it was new (False if the id was already there)."""

    def get_article(self, article_id: str) -> Article:
        """One article with its text; raises `NotFound`."""

    def list_articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Articles (all, or those ids) in ingest order."""

    def count_articles(self) -> int:
        """How many articles are stored."""

    # embeddings
    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Cache one vector per article id for a model name."""

    def get_embeddings(self, model: str, ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Cached vectors for a model, by article id."""

    # stories
    def put_grouping(self, copies: Sequence[CopyLink], events: Sequence[Event], stories: Sequence[Story]) -> None:
        """Replace copy groups, events and stories in one transaction."""

    def get_copies(self) -> list[CopyLink]:
        """All copy links."""

    def get_events(self) -> list[Event]:
        """All events."""

    def get_stories(self) -> list[Story]:
        """All stories, largest first."""

    # claims
    def put_claims(self, article_id: str, claims: Sequence[Claim], entities: Sequence[Entity], version: str) -> None:
        """Replace one article's claims and entities, recording the extractor version that made them."""

    def get_claims(self, article_id: str | None = None) -> list[Claim]:
        """Claims of one article, or of all."""

    def get_entities(self, article_id: str) -> list[Entity]:
        """Entities of one article."""

    def extracted_articles(self, version: str) -> set[str]:
        """Ids of articles whose claims were made by this extractor version."""

    # sentence index
    def put_sentences(self, article_id: str, spans: Sequence[tuple[int, int, str]], version: str) -> None:
        """Replace one article's sentences (start, end, text) in the full-text index."""

    def indexed_articles(self, version: str) -> set[str]:
        """Articles whose sentences this index version holds."""

    def search_sentences(
        self, terms: Sequence[str], limit: int = 50, article_ids: Iterable[str] | None = None
    ) -> list[SentenceHit]:
        """BM25 search over sentences for any of the terms, best first (higher score = better)."""

    def article_sentences(self, article_id: str) -> list[SentenceHit]:
        """All indexed sentences of one article in text order."""

    # reviews (keyed by `models.finding_key`; untouched by re-clustering and re-ingest)
    def put_review(self, review: Review) -> None:
        """Store a review, replacing an earlier one of the same finding."""

    def get_reviews(self, keys: Iterable[str] | None = None) -> list[Review]:
        """Reviews (all, or of these keys), oldest first."""

    def put_findings(self, findings: Sequence[tuple[str, str, dict]]) -> None:
        """Record findings shown to someone, (key, kind, about) each, so a key prefix can name them."""

    def get_finding(self, key: str) -> dict | None:
        """What a recorded finding is about, or None."""

    def finding_keys(self, prefix: str, limit: int = 20) -> list[str]:
        """Keys of recorded findings and reviews starting with `prefix`, sorted, at most `limit`."""

    # small state
    def get_meta(self, key: str) -> str | None:
        """A stored string value (clustering state, settings)."""

    def set_meta(self, key: str, value: str) -> None:
        """Store a string value."""


_PASSWORD_IN_QUERY = re.compile(r"(?i)((?:^|[?&])(?:password|passfile|sslpassword)=)[^&#]*")


def redact_url(url: str) -> str:
    """A store location fit for any message, log line or page: its password replaced by `***`.

    The password may sit in the user part or the query; every message that names a store goes through here.

    >>> redact_url("postgresql://wiretrace:SECRET@db.example/news?sslmode=require")
    'postgresql://wiretrace:***@db.example/news?sslmode=require'
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, tail = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.split(':', 1)[0]}:***@{host}"
    tail = _PASSWORD_IN_QUERY.sub(r"\1***", tail)
    return f"{scheme}://{netloc}{slash}{tail}"


def scrub_secrets(text: str, url: str | None) -> str:
    """`text` with the store URL redacted and its password removed wherever it appears (as is or decoded)."""
    if not url:
        return text
    redacted = redact_url(url)
    text = text.replace(url, redacted)
    for secret in _secrets_of(url):
        text = text.replace(secret, "***")
    return text


def _secrets_of(url: str) -> list[str]:
    from urllib.parse import unquote

    scheme, sep, rest = url.partition("://")
    netloc = rest.partition("/")[0] if sep else ""
    userinfo = netloc.rpartition("@")[0]
    found = [userinfo.split(":", 1)[1]] if ":" in userinfo else []
    found += [m.group(0).split("=", 1)[1] for m in _PASSWORD_IN_QUERY.finditer(rest.partition("/")[2])]
    found = [s for raw in found for s in {raw, unquote(raw)}]
    return sorted((s for s in found if len(s) >= 3), key=len, reverse=True)  # 1-2 characters: would eat words


def resolve_db(db: str | None) -> str:
    """The store location: explicit value, else `WIRETRACE_DB`, else ./wiretrace.db."""
    return db or os.environ.get("WIRETRACE_DB") or DEFAULT_DB


def open_store(db: str | None = None, create: bool = True) -> Store:
    """Open (creating and migrating if needed) the store at a path or URL; also a context manager.

    `postgresql://…` URLs select the PostgreSQL backend (extra `[postgres]`); anything else is a SQLite file.
    With `create=False` (read commands) a SQLite file that is not there raises `StoreError` instead of
    leaving an empty store and its folder behind; the server of a PostgreSQL URL decides for itself.
    """
    location = resolve_db(db)
    if not create and location != ":memory:" and not location.startswith(("postgresql://", "postgres://")):
        path = Path(location)
        if not path.is_file() or path.stat().st_size == 0:
            raise StoreError(f"{location}: no store there; create one with: wiretrace --db {location} ingest PATH")
    if location.startswith(("postgresql://", "postgres://")):
        try:
            from wiretrace.store.postgres import PostgresStore
        except ImportError as exc:
            raise UsageError(
                f"{redact_url(location)!r}: the PostgreSQL store needs the 'postgres' extra: pip install 'wiretrace[postgres]'"
            ) from exc
        return PostgresStore(location)
    from wiretrace.store.sqlite import SQLiteStore

    return SQLiteStore(location)


__all__ = ["DEFAULT_DB", "Store", "open_store", "resolve_db"]
