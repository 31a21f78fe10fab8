"""SQLite backend: one file in WAL mode, versioned migrations, one transaction per write.

Writers take the lock up front (`BEGIN IMMEDIATE`) and wait on a busy timeout, so two ingests and a
reader can share one file without "database is locked" reaching the user.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import numpy as np

from wiretrace.errors import AmbiguousId, NotFound, StoreError
from wiretrace.models import Article, Claim, CopyLink, Entity, Event, SentenceHit, Story
from wiretrace.store import reviews_sql
from wiretrace.store.reviews_sql import ReviewQueries

BUSY_TIMEOUT_MS = 60_000
# Matching rows a full-text query may rank. BM25 costs about a microsecond per matching row, so the
# common words of a claim (in one sentence of ten in a large store) would dominate `check`; past this
# many, only sentences holding one of the query's rarer words are ranked (by all its words).
SEARCH_POSTINGS = 10_000

# Append only: a released migration is never edited, so every store can be brought up to date.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        title TEXT, url TEXT, outlet TEXT, published TEXT, author TEXT, language TEXT,
        words INTEGER NOT NULL DEFAULT 0, path TEXT, format TEXT,
        ingested_at REAL NOT NULL
    );
    CREATE TABLE embeddings (
        article_id TEXT NOT NULL, model TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,
        PRIMARY KEY (article_id, model)
    );
    CREATE TABLE copies (
        article_id TEXT PRIMARY KEY, group_id TEXT NOT NULL, copy_of TEXT, similarity REAL NOT NULL
    );
    CREATE TABLE events (
        id TEXT PRIMARY KEY, story_id TEXT, title TEXT NOT NULL, articles TEXT NOT NULL,
        first_seen TEXT, last_seen TEXT
    );
    CREATE TABLE stories (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, events TEXT NOT NULL, articles TEXT NOT NULL,
        outlets TEXT NOT NULL, first_seen TEXT, last_seen TEXT, size INTEGER NOT NULL
    );
    CREATE TABLE claims (
        id TEXT PRIMARY KEY, article_id TEXT NOT NULL, kind TEXT NOT NULL,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, data TEXT NOT NULL
    );
    CREATE INDEX claims_article ON claims(article_id, start);
    CREATE TABLE entities (article_id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE extractions (article_id TEXT PRIMARY KEY, version TEXT NOT NULL);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    """
    CREATE TABLE sentences (
        rowid INTEGER PRIMARY KEY, article_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX sentences_article ON sentences(article_id);
    CREATE TABLE sentence_index (article_id TEXT PRIMARY KEY, version TEXT NOT NULL);
    CREATE VIRTUAL TABLE sentences_fts USING fts5(
        text, content='sentences', content_rowid='rowid', tokenize='porter unicode61'
    );
    """,
    reviews_sql.MIGRATION,
]


def _is_lock_error(exc: sqlite3.OperationalError) -> bool:
    """Another connection holds the file ("database is locked" / "busy"): worth waiting and trying again."""
    return "locked" in str(exc) or "busy" in str(exc)


def _row_to_article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"], text=row["text"], title=row["title"], url=row["url"], outlet=row["outlet"],
        published=row["published"], author=row["author"], language=row["language"], words=row["words"],
        path=row["path"], format=row["format"],
    )


class SQLiteStore(ReviewQueries):
    """The embedded default store: a single SQLite file."""

    _mark = "?"

    def __init__(self, path: str | Path):
        self.url = str(path)
        self._term_rows: dict[str, int] = {}  # full-text rows per word, capped (see _match_query)
        self._term_rows_version: int | None = None
        try:
            if self.url != ":memory:":
                Path(self.url).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.url, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._use_wal()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.url}: cannot open the store: {exc}") from exc

    # -- plumbing -------------------------------------------------------------------------------------
    def _use_wal(self) -> None:
        """Switch the file to WAL, retrying while another process is switching it too.

        The switch needs the file to itself, and SQLite answers "database is locked" at once, without its
        busy handler, while another process opening the same new file is switching it (several ingests and
        a server starting on one new path).
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        delay = 0.01
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _is_lock_error(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the lock up front and retried if the file stays busy."""
        for attempt in range(5):
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _is_lock_error(exc):
                    raise StoreError(f"{self.url}: {exc}") from exc
                time.sleep(0.2 * (attempt + 1))
        else:
            raise StoreError(f"{self.url}: the store stayed locked by another writer; try again")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        version = self._conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.url}: store schema version {version} is newer than this wiretrace "
                f"({len(MIGRATIONS)}); upgrade wiretrace"
            )
        for number in range(version, len(MIGRATIONS)):
            with self._write() as conn:
                # Another process may have migrated while this one waited for the lock (two ingests and
                # a server starting on a new file): the version read under the lock decides.
                if conn.execute("PRAGMA user_version").fetchone()[0] > number:
                    continue
                # executescript would commit on its own; run statements one by one inside our transaction.
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number + 1}")

    def _run_write(self, sql: str, rows: list[tuple]) -> None:
        with self._write() as conn:
            conn.executemany(sql, rows)

    def _run_read(self, sql: str, params: Sequence) -> list[tuple]:
        return [tuple(r) for r in self._conn.execute(sql, tuple(params)).fetchall()]

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def schema_version(self) -> int:
        """The migration level of this file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def integrity_check(self) -> str:
        """SQLite's own consistency check: 'ok' when the file is sound."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    # -- articles -------------------------------------------------------------------------------------
    def put_articles(self, articles: Sequence[Article]) -> list[bool]:
        """Insert articles in one transaction; an id already stored is left as it is."""
        added = []
        with self._write() as conn:
            for a in articles:
                cur = conn.execute(
                    "INSERT OR IGNORE INTO articles (id, text, title, url, outlet, published, author, language,"
                    " words, path, format, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (a.id, a.text, a.title, a.url, a.outlet, a.published, a.author, a.language, a.words,
                     a.path, a.format, time.time()),
                )
                added.append(cur.rowcount == 1)
        return added

    def get_article(self, article_id: str) -> Article:
        """One article; a unique id prefix (as shown in listings) is accepted too."""
        row = self._conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None and article_id:
            bounds = (article_id, article_id + "\uffff")
            rows = self._conn.execute("SELECT * FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2", bounds)
            rows = rows.fetchall()
            if len(rows) > 1:
                count = self._conn.execute("SELECT COUNT(*) FROM articles WHERE id >= ? AND id < ?", bounds).fetchone()[0]
                shown = self._conn.execute(
                    "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", (*bounds, AmbiguousId.SHOWN)
                ).fetchall()
                raise AmbiguousId(article_id, "articles", [r[0] for r in shown], count)
            row = rows[0] if rows else None
        if row is None:
            raise NotFound(f"no article with id {article_id!r} in {self.url}")
        return _row_to_article(row)

    def list_articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """All articles in ingest order, or the given ids in that order."""
        if ids is None:
            rows = self._conn.execute("SELECT * FROM articles ORDER BY seq").fetchall()
            return [_row_to_article(r) for r in rows]
        wanted = list(ids)
        found: dict[str, Article] = {}
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk):
                found[row["id"]] = _row_to_article(row)
        return [found[i] for i in wanted if i in found]

    def count_articles(self) -> int:
        """Number of stored articles."""
        return int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # -- embeddings -----------------------------------------------------------------------------------
    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store float32 vectors as blobs."""
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (article_id, model, dim, vector) VALUES (?,?,?,?)",
                [(k, model, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()],
            )

    def get_embeddings(self, model: str, ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Vectors by article id."""
        rows = self._conn.execute("SELECT article_id, vector FROM embeddings WHERE model = ?", (model,))
        wanted = None if ids is None else set(ids)
        return {
            r[0]: np.frombuffer(r[1], dtype=np.float32)
            for r in rows
            if wanted is None or r[0] in wanted
        }

    # -- stories --------------------------------------------------------------------------------------
    def put_grouping(self, copies: Sequence[CopyLink], events: Sequence[Event], stories: Sequence[Story]) -> None:
        """Replace the whole grouping at once so readers never see half of one."""
        with self._write() as conn:
            conn.execute("DELETE FROM copies")
            conn.execute("DELETE FROM events")
            conn.execute("DELETE FROM stories")
            conn.executemany(
                "INSERT INTO copies VALUES (?,?,?,?)",
                [(c.article, c.group, c.copy_of, c.similarity) for c in copies],
            )
            conn.executemany(
                "INSERT INTO events VALUES (?,?,?,?,?,?)",
                [(e.id, e.story, e.title, json.dumps(e.articles), e.first_seen, e.last_seen) for e in events],
            )
            conn.executemany(
                "INSERT INTO stories VALUES (?,?,?,?,?,?,?,?)",
                [
                    (s.id, s.title, json.dumps(s.events), json.dumps(s.articles), json.dumps(s.outlets),
                     s.first_seen, s.last_seen, len(s.articles))
                    for s in stories
                ],
            )

    def get_copies(self) -> list[CopyLink]:
        """All copy links, by group."""
        rows = self._conn.execute("SELECT * FROM copies ORDER BY group_id, article_id")
        return [CopyLink(r["article_id"], r["group_id"], r["copy_of"], r["similarity"]) for r in rows]

    def get_events(self) -> list[Event]:
        """All events."""
        rows = self._conn.execute("SELECT * FROM events ORDER BY id")
        return [
            Event(r["id"], r["title"], json.loads(r["articles"]), r["first_seen"], r["last_seen"], r["story_id"])
            for r in rows
        ]

    def get_stories(self) -> list[Story]:
        """All stories, largest first, then by id for a stable order."""
        rows = self._conn.execute("SELECT * FROM stories ORDER BY size DESC, id")
        return [
            Story(r["id"], r["title"], json.loads(r["events"]), json.loads(r["articles"]), json.loads(r["outlets"]),
                  r["first_seen"], r["last_seen"])
            for r in rows
        ]

    # -- claims ---------------------------------------------------------------------------------------
    def put_claims(self, article_id: str, claims: Sequence[Claim], entities: Sequence[Entity], version: str) -> None:
        """Replace an article's claims and entities in one transaction."""
        with self._write() as conn:
            conn.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
            conn.executemany(
                'INSERT INTO claims (id, article_id, kind, start, "end", data) VALUES (?,?,?,?,?,?)',
                [(c.id, article_id, c.kind, c.start, c.end, json.dumps(c.to_dict())) for c in claims],
            )
            conn.execute(
                "INSERT OR REPLACE INTO entities VALUES (?,?)",
                (article_id, json.dumps([e.__dict__ for e in entities])),
            )
            conn.execute("INSERT OR REPLACE INTO extractions VALUES (?,?)", (article_id, version))

    def get_claims(self, article_id: str | None = None) -> list[Claim]:
        """Claims in text order."""
        if article_id is None:
            rows = self._conn.execute("SELECT data FROM claims ORDER BY article_id, start, id")
        else:
            rows = self._conn.execute(
                "SELECT data FROM claims WHERE article_id = ? ORDER BY start, id", (article_id,)
            )
        return [Claim.from_dict(json.loads(r[0])) for r in rows]

    def get_entities(self, article_id: str) -> list[Entity]:
        """Entities of one article (empty if not extracted yet)."""
        row = self._conn.execute("SELECT data FROM entities WHERE article_id = ?", (article_id,)).fetchone()
        return [] if row is None else [Entity(**e) for e in json.loads(row[0])]

    def extracted_articles(self, version: str) -> set[str]:
        """Articles already extracted by this version."""
        rows = self._conn.execute("SELECT article_id FROM extractions WHERE version = ?", (version,))
        return {r[0] for r in rows}

    # -- sentence index (retrieval for check) ----------------------------------------------------------
    def put_sentences(self, article_id: str, spans: Sequence[tuple[int, int, str]], version: str) -> None:
        """Replace one article's indexed sentences (start, end, text) in the full-text index."""
        with self._write() as conn:
            old = conn.execute("SELECT rowid, text FROM sentences WHERE article_id = ?", (article_id,)).fetchall()
            conn.executemany(
                "INSERT INTO sentences_fts (sentences_fts, rowid, text) VALUES ('delete', ?, ?)",
                [(r[0], r[1]) for r in old],
            )
            conn.execute("DELETE FROM sentences WHERE article_id = ?", (article_id,))
            for start, end, text in spans:
                cur = conn.execute(
                    'INSERT INTO sentences (article_id, start, "end", text) VALUES (?,?,?,?)',
                    (article_id, start, end, text),
                )
                conn.execute("INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)", (cur.lastrowid, text))
            conn.execute("INSERT OR REPLACE INTO sentence_index VALUES (?,?)", (article_id, version))
        self._term_rows = {}  # word counts of the full-text index (see _match_query)

    def indexed_articles(self, version: str) -> set[str]:
        """Articles whose sentences are indexed by this version."""
        rows = self._conn.execute("SELECT article_id FROM sentence_index WHERE version = ?", (version,))
        return {r[0] for r in rows}

    def search_sentences(
        self, terms: Sequence[str], limit: int = 50, article_ids: Iterable[str] | None = None
    ) -> list[SentenceHit]:
        """Best BM25 matches of any of the terms, best first (FTS5 ranks lower = better)."""
        # Each term is one quoted FTS5 string: no quotes inside, and no NUL (it would end the query early).
        words = [w for w in (t.replace('"', "").replace("\x00", "") for t in terms) if w.strip()]
        if not words:
            return []
        try:
            query = self._match_query(words)
            if query is None:  # no term occurs in any sentence
                return []
            if article_ids is None:  # rank inside the index first, then read only the best rows' text
                sql = (
                    'SELECT s.article_id, s.start, s."end", s.text, f.score FROM (SELECT rowid, bm25(sentences_fts)'
                    " AS score FROM sentences_fts WHERE sentences_fts MATCH ? ORDER BY score LIMIT ?) f"
                    " JOIN sentences s ON s.rowid = f.rowid ORDER BY f.score"
                )
                params: list = [query, limit]
            else:
                ids = list(article_ids)
                if not ids:
                    return []
                sql = (
                    'SELECT s.article_id, s.start, s."end", s.text, bm25(sentences_fts) AS score FROM sentences_fts '
                    "JOIN sentences s ON s.rowid = sentences_fts.rowid WHERE sentences_fts MATCH ? "
                    f"AND s.article_id IN ({','.join('?' * len(ids))}) ORDER BY score LIMIT ?"
                )
                params = [query, *ids, limit]
            rows = self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.url}: full-text search failed: {exc}") from exc
        return [SentenceHit(r[0], r[1], r[2], r[3], -float(r[4])) for r in rows]

    def _match_query(self, words: list[str]) -> str | None:
        """The FTS5 query for `words`, or None when none of them is in the index.

        All the words OR-ed; or, when together they would match more than SEARCH_POSTINGS rows, only
        rows that hold one of the rarest words, still ranked by all of them (rare words carry most of
        BM25's weight anyway). Row counts per word are cached until the index changes.
        """
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if self._term_rows_version != version:  # another connection wrote to the file
            self._term_rows, self._term_rows_version = {}, version
        for w in words:
            if w not in self._term_rows:  # counting stops past the budget: only rare words need a count
                self._term_rows[w] = self._conn.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM sentences_fts WHERE sentences_fts MATCH ? LIMIT ?)",
                    (f'"{w}"', SEARCH_POSTINGS + 1),
                ).fetchone()[0]
        counts = self._term_rows
        found = sorted((w for w in dict.fromkeys(words) if counts[w]), key=lambda w: (counts[w], -len(w), w))
        if not found:
            return None
        rare: list[str] = []
        total = 0
        for w in found:
            if rare and total + counts[w] > SEARCH_POSTINGS:
                break
            rare.append(w)
            total += counts[w]
        query = " OR ".join(f'"{w}"' for w in rare)
        if len(rare) < len(found):
            query = f"({query}) AND (" + " OR ".join(f'"{w}"' for w in found) + ")"
        return query

    def article_sentences(self, article_id: str) -> list[SentenceHit]:
        """All indexed sentences of one article, in text order."""
        rows = self._conn.execute(
            'SELECT article_id, start, "end", text FROM sentences WHERE article_id = ? ORDER BY start', (article_id,)
        )
        return [SentenceHit(r[0], r[1], r[2], r[3], 0.0) for r in rows]

    # -- meta -----------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        """A stored value or None."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a value."""
        with self._write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))
