"""PostgreSQL backend: the same `Store` for a database many machines share.

Chosen by a `postgresql://` URL (extra `[postgres]`: psycopg 3 and its pool). Sentences are searched with PostgreSQL
full-text search (a GIN-indexed tsvector), and embeddings are kept as float32 bytes, plus a pgvector
column where the extension is installed so that nearest-neighbour search can run in the database.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Self

import numpy as np

from wiretrace.errors import AmbiguousId, NotFound, StoreError, StoreUnavailable
from wiretrace.models import Article, Claim, CopyLink, Entity, Event, SentenceHit, Story
from wiretrace.store import reviews_sql
from wiretrace.store.reviews_sql import ReviewQueries

MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, text TEXT NOT NULL,
        title TEXT, url TEXT, outlet TEXT, published TEXT, author TEXT, language TEXT,
        words INTEGER NOT NULL DEFAULT 0, path TEXT, format TEXT, ingested_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE embeddings (
        article_id TEXT NOT NULL, model TEXT NOT NULL, dim INTEGER NOT NULL, vector BYTEA NOT NULL,
        PRIMARY KEY (article_id, model)
    );
    CREATE TABLE copies (article_id TEXT PRIMARY KEY, group_id TEXT NOT NULL, copy_of TEXT, similarity REAL NOT NULL);
    CREATE TABLE events (
        id TEXT PRIMARY KEY, story_id TEXT, title TEXT NOT NULL, articles TEXT NOT NULL, first_seen TEXT, last_seen TEXT
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, events TEXT NOT NULL, articles TEXT NOT NULL, outlets TEXT NOT NULL,
        first_seen TEXT, last_seen TEXT, size INTEGER NOT NULL
    );
    CREATE TABLE claims (
        id TEXT PRIMARY KEY, article_id TEXT NOT NULL, kind TEXT NOT NULL, start INTEGER NOT NULL,
        "end" INTEGER NOT NULL, data TEXT NOT NULL
    );
    CREATE INDEX claims_article ON claims(article_id, start);
    CREATE TABLE entities (article_id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE extractions (article_id TEXT PRIMARY KEY, version TEXT NOT NULL);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
    """,
    """
    CREATE TABLE sentences (
        id BIGSERIAL PRIMARY KEY, article_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        text TEXT NOT NULL, tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
    );
    CREATE INDEX sentences_article ON sentences(article_id);
    CREATE INDEX sentences_tsv ON sentences USING GIN (tsv);
    CREATE TABLE sentence_index (article_id TEXT PRIMARY KEY, version TEXT NOT NULL)
    """,
    reviews_sql.MIGRATION,
]


def _article(row: tuple) -> Article:
    (id_, text, title, url, outlet, published, author, language, words, path, fmt) = row
    return Article(id=id_, text=text, title=title, url=url, outlet=outlet, published=published, author=author,
                   language=language, words=words, path=path, format=fmt)


_ARTICLE_COLUMNS = "id, text, title, url, outlet, published, author, language, words, path, format"


WAIT_ENV = "WIRETRACE_PG_WAIT"
DEFAULT_WAIT_S = 10.0


def wait_seconds() -> float:
    """How long to wait for the server to come back before a one-line error (`WIRETRACE_PG_WAIT`, seconds)."""
    raw = os.environ.get(WAIT_ENV, "")
    try:
        return max(0.1, float(raw)) if raw else DEFAULT_WAIT_S
    except ValueError:
        return DEFAULT_WAIT_S


class PostgresStore(ReviewQueries):
    """A store in a PostgreSQL database, behind the same protocol as `SQLiteStore`.

    Connections come from a small pool that checks each one before handing it out, so a server restart
    costs the next request nothing but a reconnect: `serve` and long ingests need no restart. While the
    server is down, each operation waits up to `wait_s` (`WIRETRACE_PG_WAIT`, default 10 s) for a
    connection and then raises `StoreUnavailable` (the web app answers 503). A transaction cut off
    mid-way is rolled back by the server; everything committed before it stays.
    """

    _mark = "%s"

    def __init__(self, url: str, wait_s: float | None = None):
        import psycopg

        self.url = url
        self._psycopg = psycopg
        self.wait_s = wait_seconds() if wait_s is None else wait_s
        try:  # one direct connection first: its error says why (refused, bad password, no database)
            psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(self.wait_s))).close()
        except psycopg.Error as exc:
            raise StoreError(f"{_redact(url)}: cannot connect to PostgreSQL: {_first_line(exc)}") from exc
        self._pool = _open_pool(url, self.wait_s)
        self.has_pgvector = False
        self._migrate()

    @contextmanager
    def _connection(self) -> Iterator:
        """A checked connection from the pool; an unreachable server becomes `StoreUnavailable`."""
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection(timeout=self.wait_s) as conn:
                yield conn
        except PoolTimeout as exc:
            raise StoreUnavailable(
                f"{_redact(self.url)}: PostgreSQL is unreachable (waited {self.wait_s:g} s); try again later"
            ) from exc
        except self._psycopg.OperationalError as exc:
            raise StoreUnavailable(f"{_redact(self.url)}: PostgreSQL connection lost: {_first_line(exc)}") from exc

    @contextmanager
    def _write(self) -> Iterator:
        """One transaction: all of it or none of it; database errors become `StoreError`."""
        with self._connection() as conn:
            try:
                with conn.transaction(), conn.cursor() as cur:
                    yield cur
            except self._psycopg.OperationalError:
                raise
            except self._psycopg.Error as exc:
                raise StoreError(f"{_redact(self.url)}: {_first_line(exc)}") from exc

    def _query(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        with self._connection() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def _run_write(self, sql: str, rows: list[tuple]) -> None:
        with self._write() as cur:
            cur.executemany(sql, rows)

    def _run_read(self, sql: str, params: Sequence) -> list[tuple]:
        return self._query(sql, list(params))

    def _migrate(self) -> None:
        with self._write() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(7172010)")  # one migrator at a time
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cur.execute("SELECT version FROM schema_version")
            row = cur.fetchone()
            version = row[0] if row else 0
            if row is None:
                cur.execute("INSERT INTO schema_version VALUES (0)")
            if version > len(MIGRATIONS):
                raise StoreError(f"{_redact(self.url)}: schema version {version} is newer than this wiretrace")
            for number in range(version, len(MIGRATIONS)):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        cur.execute(statement)
                cur.execute("UPDATE schema_version SET version = %s", (number + 1,))
        self.has_pgvector = self._enable_pgvector()

    def _enable_pgvector(self) -> bool:
        """Add a pgvector column for embeddings when the extension is installed on the server."""
        try:
            with self._write() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS vector")
                cur.execute("ALTER TABLE embeddings ADD COLUMN IF NOT EXISTS vec vector")
        except StoreError:
            return False
        return True

    def schema_version(self) -> int:
        """The migration level of the database."""
        return int(self._query("SELECT version FROM schema_version")[0][0])

    def close(self) -> None:
        """Close the pool and its connections."""
        self._pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- articles -------------------------------------------------------------------------------------
    def put_articles(self, articles: Sequence[Article]) -> list[bool]:
        """Insert articles in one transaction; ids already stored are left alone."""
        added = []
        with self._write() as cur:
            for a in articles:
                cur.execute(
                    f"INSERT INTO articles ({_ARTICLE_COLUMNS}, ingested_at) VALUES "
                    "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (id) DO NOTHING",
                    (a.id, a.text, a.title, a.url, a.outlet, a.published, a.author, a.language, a.words, a.path,
                     a.format, time.time()),
                )
                added.append(cur.rowcount == 1)
        return added

    def get_article(self, article_id: str) -> Article:
        """One article by id or unique prefix."""
        rows = self._query(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = %s", (article_id,))
        if not rows and article_id:
            pattern = article_id.replace("%", "").replace("_", r"\_") + "%"
            rows = self._query(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id LIKE %s ORDER BY id LIMIT 2",
                               (pattern,))
            if len(rows) > 1:
                count = self._query("SELECT COUNT(*) FROM articles WHERE id LIKE %s", (pattern,))[0][0]
                shown = self._query("SELECT id FROM articles WHERE id LIKE %s ORDER BY id LIMIT %s",
                                    (pattern, AmbiguousId.SHOWN))
                raise AmbiguousId(article_id, "articles", [r[0] for r in shown], count)
        if not rows:
            raise NotFound(f"no article with id {article_id!r} in {_redact(self.url)}")
        return _article(rows[0])

    def list_articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """All articles in ingest order, or the given ids in the given order."""
        if ids is None:
            return [_article(r) for r in self._query(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq")]
        wanted = list(ids)
        rows = self._query(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ANY(%s)", (wanted,))
        found = {r[0]: _article(r) for r in rows}
        return [found[i] for i in wanted if i in found]

    def count_articles(self) -> int:
        """Number of stored articles."""
        return int(self._query("SELECT COUNT(*) FROM articles")[0][0])

    # -- embeddings -----------------------------------------------------------------------------------
    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store float32 vectors (and the pgvector copy when available)."""
        rows = [(k, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()]
        with self._write() as cur:
            cur.executemany(
                "INSERT INTO embeddings (article_id, model, dim, vector) VALUES (%s,%s,%s,%s) "
                "ON CONFLICT (article_id, model) DO UPDATE SET dim = EXCLUDED.dim, vector = EXCLUDED.vector",
                rows,
            )
            if self.has_pgvector:
                cur.executemany(
                    "UPDATE embeddings SET vec = %s::vector WHERE article_id = %s AND model = %s",
                    [("[" + ",".join(f"{x:.7g}" for x in np.asarray(v, np.float32)) + "]", k, model)
                     for k, v in vectors.items()],
                )

    def get_embeddings(self, model: str, ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Vectors by article id."""
        if ids is None:
            rows = self._query("SELECT article_id, vector FROM embeddings WHERE model = %s", (model,))
        else:
            rows = self._query("SELECT article_id, vector FROM embeddings WHERE model = %s AND article_id = ANY(%s)",
                               (model, list(ids)))
        return {r[0]: np.frombuffer(bytes(r[1]), dtype=np.float32) for r in rows}

    # -- stories --------------------------------------------------------------------------------------
    def put_grouping(self, copies: Sequence[CopyLink], events: Sequence[Event], stories: Sequence[Story]) -> None:
        """Replace the grouping in one transaction."""
        with self._write() as cur:
            cur.execute("DELETE FROM copies")
            cur.execute("DELETE FROM events")
            cur.execute("DELETE FROM stories")
            cur.executemany("INSERT INTO copies VALUES (%s,%s,%s,%s)",
                            [(c.article, c.group, c.copy_of, c.similarity) for c in copies])
            cur.executemany("INSERT INTO events VALUES (%s,%s,%s,%s,%s,%s)",
                            [(e.id, e.story, e.title, json.dumps(e.articles), e.first_seen, e.last_seen) for e in events])
            cur.executemany(
                "INSERT INTO stories VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                [(s.id, s.title, json.dumps(s.events), json.dumps(s.articles), json.dumps(s.outlets), s.first_seen,
                  s.last_seen, len(s.articles)) for s in stories],
            )

    def get_copies(self) -> list[CopyLink]:
        """All copy links."""
        rows = self._query("SELECT article_id, group_id, copy_of, similarity FROM copies ORDER BY group_id, article_id")
        return [CopyLink(r[0], r[1], r[2], float(r[3])) for r in rows]

    def get_events(self) -> list[Event]:
        """All events."""
        rows = self._query("SELECT id, title, articles, first_seen, last_seen, story_id FROM events ORDER BY id")
        return [Event(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5]) for r in rows]

    def get_stories(self) -> list[Story]:
        """All stories, largest first."""
        rows = self._query("SELECT id, title, events, articles, outlets, first_seen, last_seen FROM stories "
                           "ORDER BY size DESC, id")
        return [Story(r[0], r[1], json.loads(r[2]), json.loads(r[3]), json.loads(r[4]), r[5], r[6]) for r in rows]

    # -- claims ---------------------------------------------------------------------------------------
    def put_claims(self, article_id: str, claims: Sequence[Claim], entities: Sequence[Entity], version: str) -> None:
        """Replace an article's claims and entities."""
        with self._write() as cur:
            cur.execute("DELETE FROM claims WHERE article_id = %s", (article_id,))
            cur.executemany('INSERT INTO claims (id, article_id, kind, start, "end", data) VALUES (%s,%s,%s,%s,%s,%s)',
                            [(c.id, article_id, c.kind, c.start, c.end, json.dumps(c.to_dict())) for c in claims])
            cur.execute("INSERT INTO entities VALUES (%s,%s) ON CONFLICT (article_id) DO UPDATE SET data = EXCLUDED.data",
                        (article_id, json.dumps([e.__dict__ for e in entities])))
            cur.execute("INSERT INTO extractions VALUES (%s,%s) ON CONFLICT (article_id) DO UPDATE SET "
                        "version = EXCLUDED.version", (article_id, version))

    def get_claims(self, article_id: str | None = None) -> list[Claim]:
        """Claims in text order."""
        if article_id is None:
            rows = self._query("SELECT data FROM claims ORDER BY article_id, start, id")
        else:
            rows = self._query("SELECT data FROM claims WHERE article_id = %s ORDER BY start, id", (article_id,))
        return [Claim.from_dict(json.loads(r[0])) for r in rows]

    def get_entities(self, article_id: str) -> list[Entity]:
        """Entities of one article."""
        rows = self._query("SELECT data FROM entities WHERE article_id = %s", (article_id,))
        return [Entity(**e) for e in json.loads(rows[0][0])] if rows else []

    def extracted_articles(self, version: str) -> set[str]:
        """Articles extracted by this version."""
        return {r[0] for r in self._query("SELECT article_id FROM extractions WHERE version = %s", (version,))}

    # -- sentence index -------------------------------------------------------------------------------
    def put_sentences(self, article_id: str, spans: Sequence[tuple[int, int, str]], version: str) -> None:
        """Replace one article's indexed sentences."""
        with self._write() as cur:
            cur.execute("DELETE FROM sentences WHERE article_id = %s", (article_id,))
            cur.executemany('INSERT INTO sentences (article_id, start, "end", text) VALUES (%s,%s,%s,%s)',
                            [(article_id, s, e, t) for s, e, t in spans])
            cur.execute("INSERT INTO sentence_index VALUES (%s,%s) ON CONFLICT (article_id) DO UPDATE SET "
                        "version = EXCLUDED.version", (article_id, version))

    def indexed_articles(self, version: str) -> set[str]:
        """Articles whose sentences this version indexed."""
        return {r[0] for r in self._query("SELECT article_id FROM sentence_index WHERE version = %s", (version,))}

    def search_sentences(
        self, terms: Sequence[str], limit: int = 50, article_ids: Iterable[str] | None = None
    ) -> list[SentenceHit]:
        """Full-text search for any of the terms, best first."""
        words = [t for t in terms if t.strip()]
        if not words:
            return []
        query = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        sql = ('SELECT article_id, start, "end", text, ts_rank_cd(tsv, q) AS score FROM sentences, '
               "to_tsquery('english', %s) q WHERE tsv @@ q ")
        params: list = [query]
        if article_ids is not None:
            sql += "AND article_id = ANY(%s) "
            params.append(list(article_ids))
        sql += "ORDER BY score DESC, article_id, start LIMIT %s"
        params.append(limit)
        try:
            rows = self._query(sql, params)
        except self._psycopg.Error as exc:
            raise StoreError(f"{_redact(self.url)}: full-text search failed: {exc}") from exc
        return [SentenceHit(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]

    def article_sentences(self, article_id: str) -> list[SentenceHit]:
        """All indexed sentences of one article in text order."""
        rows = self._query('SELECT article_id, start, "end", text FROM sentences WHERE article_id = %s ORDER BY start',
                           (article_id,))
        return [SentenceHit(r[0], r[1], r[2], r[3], 0.0) for r in rows]

    # -- meta -----------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A stored value or None."""
        rows = self._query("SELECT value FROM meta WHERE key = %s", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a value."""
        with self._write() as cur:
            cur.execute("INSERT INTO meta VALUES (%s,%s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                        (key, value))


def _open_pool(url: str, wait_s: float):  # noqa: ANN202 - psycopg_pool.ConnectionPool, imported lazily
    """A pool of up to 4 autocommit connections, each checked (a round trip) before it is handed out."""
    try:
        from psycopg_pool import ConnectionPool
    except ImportError as exc:
        raise StoreError(
            f"{_redact(url)}: the PostgreSQL store needs the 'postgres' extra: pip install 'wiretrace[postgres]'"
        ) from exc
    pool = ConnectionPool(url, min_size=1, max_size=4, kwargs={"autocommit": True}, timeout=wait_s,
                          check=ConnectionPool.check_connection, reconnect_timeout=max(60.0, wait_s), open=False,
                          name="wiretrace")
    pool.open(wait=True, timeout=max(1.0, wait_s))
    return pool


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    from wiretrace.store import redact_url

    return redact_url(url)
