"""Crash safety: `wiretrace ingest` killed with SIGKILL at random points, then run again.

After every kill the store passes `PRAGMA integrity_check`, every stored article is exactly the article the
input gives (nothing half-written: articles arrive in whole transactions of `batch_size`), derived rows
point only at stored articles, and a re-run finishes the set, later stages included.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wiretrace.ingest import IngestOptions, build_article
from wiretrace.ingest.readers import ReadOptions, expand_paths, read_documents

ARTICLES = 300
KILLS = 12  # SIGKILLs that land while `wiretrace ingest` runs, alternately in the article and later stages
SEED = 20240512
BATCH = IngestOptions().batch_size
# Kills survived across all rounds; the README figure comes from here (printed with -s).
SURVIVED: list[str] = []

WORDS = ("harbour council bridge ferry mayor vote repair budget island storm river school road police court museum "
         "tram station library winter flood pier market tunnel").split()


def make_batch(folder: Path, count: int, seed: int) -> None:
    """`count` distinct short articles as text, HTML and JSONL files."""
    rng = random.Random(seed)
    folder.mkdir()
    records = []
    for i in range(count):
        title = f"Report {i}: the {rng.choice(WORDS)} and the {rng.choice(WORDS)}"
        paragraphs = [f"{' '.join(rng.choice(WORDS) for _ in range(18)).capitalize()} in case {i}-{j}, officials said."
                      for j in range(3)]
        if i % 10 == 9:
            records.append({"title": title, "text": "\n\n".join(paragraphs), "url": f"https://news.example/{i}"})
        elif i % 10 == 8:
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            (folder / f"a{i:04d}.html").write_text(
                f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>",
                encoding="utf-8")
        else:
            (folder / f"a{i:04d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (folder / "z-records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def expected_articles(folder: Path) -> list:
    """The articles the batch gives, in ingest order."""
    options = IngestOptions()
    found = []
    for path in expand_paths([str(folder)]):
        for doc in read_documents(path, ReadOptions()):
            found.append(build_article(doc, options))
    return found


def start_ingest(db: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "wiretrace.cli", "--db", str(db), "ingest", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def kill(proc: subprocess.Popen) -> bool:
    """SIGKILL the run; True if it was still running (a real kill point)."""
    alive = proc.poll() is None
    if alive:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    return alive


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def check_store(db: Path, expected: list, previous: set[str]) -> set[str]:
    """The invariants that hold after any kill; returns the stored ids."""
    if not db.exists():
        return set()
    conn = sqlite3.connect(db, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM articles ORDER BY seq").fetchall() if _has_table(conn, "articles") else []
        by_id = {a.id: a for a in expected}
        order = [a.id for a in expected]
        stored = [r["id"] for r in rows]
        assert len(stored) == len(set(stored))
        for row in rows:  # intact: exactly what the input gives, every field
            article = by_id[row["id"]]
            assert (row["text"], row["title"], row["url"], row["path"], row["words"]) == (
                article.text, article.title, article.url, article.path, article.words)
        # Whole transactions only: the stored set is the first k articles, k a multiple of the batch size.
        k = len(stored)
        assert set(stored) == set(order[:k]) and (k % BATCH == 0 or k == len(order)), k
        assert previous <= set(stored), "a committed article was lost"
        ids = set(stored)
        if _has_table(conn, "claims"):
            extracted = {r[0] for r in conn.execute("SELECT article_id FROM extractions")}
            assert {r[0] for r in conn.execute("SELECT DISTINCT article_id FROM claims")} <= extracted <= ids
            indexed = {r[0] for r in conn.execute("SELECT article_id FROM sentence_index")}
            assert {r[0] for r in conn.execute("SELECT DISTINCT article_id FROM sentences")} <= indexed <= ids
            assert {r[0] for r in conn.execute("SELECT article_id FROM copies")} <= ids
            fts = conn.execute("SELECT COUNT(*) FROM sentences_fts").fetchone()[0]
            assert fts == conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
        return ids
    finally:
        conn.close()


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def check_complete(db: Path, expected: list) -> None:
    """After a run that finished: every article stored and every later stage done for each."""
    from wiretrace.claims import EXTRACTOR_VERSION
    from wiretrace.store import open_store
    from wiretrace.verify import SENTENCE_INDEX_VERSION

    ids = {a.id for a in expected}
    assert check_store(db, expected, set()) == ids
    store = open_store(str(db))
    try:
        assert {a for e in store.get_events() for a in e.articles} == ids
        assert store.indexed_articles(SENTENCE_INDEX_VERSION) == ids
        assert store.extracted_articles(EXTRACTOR_VERSION) == ids
        assert store.integrity_check() == "ok"
    finally:
        store.close()


def test_rerun_finishes_later_stages_left_by_a_killed_run(tmp_path):
    """Articles committed, later stages never run (the kill came after the last article batch): a re-run
    that finds every article unchanged must still bring the later stages up to date."""
    from wiretrace.pipeline import ingest, stages_pending
    from wiretrace.store import open_store

    folder = tmp_path / "batch"
    make_batch(folder, 20, SEED)
    store = open_store(str(tmp_path / "s.db"))
    try:
        first = ingest(store, [str(folder)], update=False)
        assert len(first.ingested) == 20 and stages_pending(store)
        again = ingest(store, [str(folder)])
        assert not again.ingested and len(again.unchanged) == 20
        assert not stages_pending(store)
    finally:
        store.close()
    check_complete(tmp_path / "s.db", expected_articles(folder))


@pytest.mark.slow
def test_sigkill_at_random_points_then_rerun(tmp_path):
    folder = tmp_path / "batch"
    make_batch(folder, ARTICLES, SEED)
    expected = expected_articles(folder)
    assert len(expected) == ARTICLES
    rng = random.Random(SEED)
    # Time one whole run here: when the last article batch is committed, and when the later stages end,
    # so that kill times fall in start-up and reading, in the article batches and in the later stages.
    started = time.monotonic()
    proc = start_ingest(tmp_path / "timing.db", folder)
    while proc.poll() is None and stored_count(tmp_path / "timing.db") < ARTICLES:
        time.sleep(0.02)
    articles_done = time.monotonic() - started
    assert proc.wait(timeout=600) == 0
    full_run = time.monotonic() - started
    rounds, attempts = 0, 0
    db, stored = None, set()
    while len(SURVIVED) < KILLS and attempts < 4 * KILLS:
        if db is None:  # a fresh store for each round
            db, stored, rounds = tmp_path / f"round{rounds}.db", set(), rounds + 1
        attempts += 1
        proc = start_ingest(db, folder)
        phase = "articles" if attempts % 2 else "later stages"
        delay = rng.uniform(0.0, articles_done) if phase == "articles" else rng.uniform(articles_done, full_run)
        time.sleep(delay)
        if kill(proc):
            SURVIVED.append(f"kill {len(SURVIVED) + 1}: {phase}, {delay:.1f} s in, {stored_count(db)} stored")
            stored = check_store(db, expected, stored)
        else:  # the run finished first: it must have finished everything; the next round starts afresh
            check_complete(db, expected)
            db = None
    # The re-run completes the set.
    if db is not None:
        proc = start_ingest(db, folder)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "database is locked" not in err
        check_complete(db, expected)
    print(f"\nkill points survived: {len(SURVIVED)} in {rounds} rounds ({attempts} attempts; a whole run takes "
          f"{full_run:.1f} s, its articles are stored after {articles_done:.1f} s)")
    for line in SURVIVED:
        print("  ", line)
    assert len(SURVIVED) >= KILLS, SURVIVED
