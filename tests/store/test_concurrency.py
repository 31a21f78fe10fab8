"""Concurrency: two ingests and the web app on one SQLite store at once.

No "database is locked" may reach a user (writers take the lock up front and wait on a busy timeout;
readers never wait in WAL mode), and the final store holds the union of what both ingests read.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import import_or_skip

import_or_skip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrace.ingest import build_article  # noqa: E402
from wiretrace.ingest.readers import ReadOptions, expand_paths, read_documents  # noqa: E402
from wiretrace.web.app import create_app  # noqa: E402

WORDS = ("harbour council bridge ferry mayor vote repair budget island storm river school road police court museum "
         "tram station library winter flood pier market tunnel").split()
LOCKED = ("database is locked", "database table is locked", "stayed locked", "SQLITE_BUSY")

# Stage 1 only (no models), with tiny transactions so the two writers fight for the lock all the time.
INGEST_ONLY = textwrap.dedent("""
    import json, sys
    from wiretrace.ingest import IngestOptions, ingest_paths
    from wiretrace.store import open_store
    store = open_store(sys.argv[1])
    report = ingest_paths(store, sys.argv[2:], IngestOptions(batch_size=2))
    store.close()
    print(json.dumps(report.to_dict()))
""")


def make_articles(folder: Path, numbers: range, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in numbers:
        title = f"Bulletin {i}: {rng.choice(WORDS)} news"
        paragraphs = [f"{' '.join(rng.choice(WORDS) for _ in range(15)).capitalize()} in item {i}-{j}, officials said."
                      for j in range(3)]
        (folder / f"b{i:04d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def expected_ids(*folders: Path) -> set[str]:
    ids = set()
    for folder in folders:
        for path in expand_paths([str(folder)]):
            for doc in read_documents(path, ReadOptions()):
                ids.add(build_article(doc).id)
    return ids


def batches(tmp_path: Path, size: int, overlap: int) -> tuple[Path, Path]:
    """Two folders of `size` articles each, sharing `overlap` identical ones."""
    a, b = tmp_path / "a", tmp_path / "b"
    make_articles(a, range(0, size), seed=1)
    make_articles(b, range(size - overlap, 2 * size - overlap), seed=1)
    for i in range(size - overlap, size):  # the shared ones: same bytes in both folders
        (b / f"b{i:04d}.txt").write_bytes((a / f"b{i:04d}.txt").read_bytes())
    return a, b


class Reader(threading.Thread):
    """The web app, asked for pages and API lists in a loop while the ingests run."""

    def __init__(self, client: TestClient):
        super().__init__(daemon=True)
        self.client = client
        self.stop = threading.Event()
        self.requests = 0
        self.problems: list[str] = []
        self.counts: list[int] = []

    def run(self) -> None:
        paths = ["/api/articles?limit=500", "/articles", "/", "/api/stories"]
        while not self.stop.is_set():
            for path in paths:
                r = self.client.get(path)
                self.requests += 1
                if r.status_code != 200 or any(word in r.text for word in LOCKED):
                    self.problems.append(f"{path}: {r.status_code} {r.text[:300]}")
                elif path.startswith("/api/articles"):
                    self.counts.append(r.json()["total"])
            time.sleep(0.01)


def run_concurrently(commands: list[list[str]], db: Path) -> tuple[list[subprocess.CompletedProcess], Reader]:
    """Start the writers and the web reader together; wait for the writers."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for cmd in commands]
    with TestClient(create_app(str(db))) as client:  # opens (and may create) the store as the writers start
        reader = Reader(client)
        reader.start()
        results = []
        for proc, cmd in zip(procs, commands, strict=True):
            out, err = proc.communicate(timeout=900)
            results.append(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
        time.sleep(0.2)
        reader.stop.set()
        reader.join(timeout=60)
    return results, reader


def assert_no_lock_errors(results: list[subprocess.CompletedProcess], reader: Reader) -> None:
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
        for word in LOCKED:
            assert word not in result.stdout + result.stderr, result.stderr[-2000:]
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert reader.requests > 0 and not reader.problems, reader.problems[:3]
    assert reader.counts == sorted(reader.counts), "a reader saw the article count go down"


def stored_ids(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {r[0] for r in conn.execute("SELECT id FROM articles")}


OPEN_STORE = "import sys; from wiretrace.store import open_store; open_store(sys.argv[1]).close(); print('ok')"


def test_many_processes_create_one_new_store_at_once(tmp_path):
    """Each process sees no schema and migrates; the one that waited for the lock must not migrate again."""
    for attempt in range(3):
        db = tmp_path / f"new{attempt}.db"
        procs = [subprocess.Popen([sys.executable, "-c", OPEN_STORE, str(db)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(6)]
        outcomes = [proc.communicate(timeout=120) for proc in procs]
        assert all(out.strip() == "ok" for out, _ in outcomes), [err for _, err in outcomes if err]
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] >= 2
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_switching_to_wal_waits_out_a_lock_sqlite_will_not_wait_for(tmp_path):
    """Two processes switching one new file to WAL: SQLite refuses the loser at once ("database is locked")
    instead of calling its busy handler, so opening the store must retry the switch itself (seen in CI)."""
    from wiretrace.store.sqlite import SQLiteStore

    class RefusesTwice:
        def __init__(self, conn):
            self.conn, self.refusals = conn, 2

        def execute(self, sql, *args):
            if "journal_mode" in sql and self.refusals:
                self.refusals -= 1
                raise sqlite3.OperationalError("database is locked")
            return self.conn.execute(sql, *args)

    store = SQLiteStore(tmp_path / "a.db")
    store._conn = RefusesTwice(store._conn)
    store._use_wal()
    assert store._conn.refusals == 0
    store._conn = store._conn.conn
    store.close()


def test_two_writers_and_a_web_reader_on_a_fresh_store(tmp_path):
    """Both writers and the app open a store that does not exist yet, then write in tiny transactions."""
    a, b = batches(tmp_path, size=80, overlap=20)
    db = tmp_path / "shared.db"
    commands = [[sys.executable, "-c", INGEST_ONLY, str(db), str(a)],
                [sys.executable, "-c", INGEST_ONLY, str(db), str(b)]]
    results, reader = run_concurrently(commands, db)
    assert_no_lock_errors(results, reader)
    reports = [json.loads(r.stdout) for r in results]
    union = expected_ids(a, b)
    assert len(union) == 140
    assert stored_ids(db) == union
    # Each shared article was added by exactly one of the two writers.
    added = [set(r["ingested"]) for r in reports]
    assert not added[0] & added[1] and added[0] | added[1] == union


@pytest.mark.slow
def test_two_cli_ingests_and_a_web_reader(tmp_path):
    """The whole `wiretrace ingest` (later stages too) twice at once, with the app reading."""
    from wiretrace.claims import EXTRACTOR_VERSION
    from wiretrace.store import open_store
    from wiretrace.verify import SENTENCE_INDEX_VERSION

    a, b = batches(tmp_path, size=120, overlap=20)
    db = tmp_path / "shared.db"
    commands = [[sys.executable, "-m", "wiretrace.cli", "--db", str(db), "ingest", str(folder)] for folder in (a, b)]
    results, reader = run_concurrently(commands, db)
    assert_no_lock_errors(results, reader)
    union = expected_ids(a, b)
    assert stored_ids(db) == union
    store = open_store(str(db))
    try:
        assert {x for e in store.get_events() for x in e.articles} == union
        assert store.indexed_articles(SENTENCE_INDEX_VERSION) == union
        assert store.extracted_articles(EXTRACTOR_VERSION) == union
    finally:
        store.close()
    print(f"\nconcurrent writers: 2, web requests during the run: {reader.requests}")
