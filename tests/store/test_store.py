import sqlite3
import threading

import numpy as np
import pytest

from wiretrace.errors import NotFound, StoreError
from wiretrace.models import Article, Claim, CopyLink, Entity, Event, Story
from wiretrace.store import open_store, resolve_db
from wiretrace.store.sqlite import MIGRATIONS, SQLiteStore


def make_article(n: int, text: str | None = None) -> Article:
    return Article(id=f"a{n:04d}", text=text or f"Article number {n} says something.", title=f"T{n}", words=5)


def test_new_store_is_wal_and_migrated(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    assert store.schema_version() == len(MIGRATIONS)
    mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.integrity_check() == "ok"


def test_put_articles_is_idempotent(store):
    assert store.put_articles([make_article(1), make_article(2)]) == [True, True]
    assert store.put_articles([make_article(1), make_article(3)]) == [False, True]
    assert store.count_articles() == 3
    assert [a.id for a in store.list_articles()] == ["a0001", "a0002", "a0003"]


def test_get_article_by_id_and_unique_prefix(store):
    store.put_articles([make_article(1), make_article(22)])
    assert store.get_article("a0001").title == "T1"
    assert store.get_article("a0022").id == "a0022"
    with pytest.raises(NotFound):
        store.get_article("a00")  # ambiguous prefix
    with pytest.raises(NotFound):
        store.get_article("zzz")


def test_list_articles_by_ids_keeps_requested_order(store):
    store.put_articles([make_article(i) for i in range(5)])
    assert [a.id for a in store.list_articles(["a0003", "a0001", "missing"])] == ["a0003", "a0001"]


def test_failed_write_rolls_back_everything(store):
    store.put_articles([make_article(1)])
    with pytest.raises(ZeroDivisionError), store._write() as conn:
        conn.execute("DELETE FROM articles")
        raise ZeroDivisionError
    assert store.count_articles() == 1


def test_embeddings_round_trip(store):
    vec = np.arange(4, dtype=np.float32) / 3
    store.put_embeddings("m", {"a": vec, "b": vec * 2})
    got = store.get_embeddings("m")
    assert set(got) == {"a", "b"}
    np.testing.assert_allclose(got["b"], vec * 2)
    assert store.get_embeddings("m", ["a"]).keys() == {"a"}
    assert store.get_embeddings("other") == {}


def test_grouping_is_replaced_whole(store):
    copies = [CopyLink("a", "g1", None, 1.0), CopyLink("b", "g1", "a", 0.9)]
    events = [Event("e1", "Ev", ["a", "b"], "2023-01-01", "2023-01-02", story="s1")]
    stories = [Story("s1", "St", ["e1"], ["a", "b"], ["X"], "2023-01-01", "2023-01-02")]
    store.put_grouping(copies, events, stories)
    assert store.get_copies() == copies
    assert store.get_events() == events
    assert store.get_stories() == stories
    store.put_grouping([], [], [])
    assert store.get_stories() == [] and store.get_copies() == []


def test_claims_replace_per_article_and_record_version(store):
    ent = Entity("Putin", "PERSON", "Vladimir Putin", 0, 5)
    c1 = Claim(id="c1", article="a", kind="quote", text="x", start=0, end=1, speaker="s", entities=[ent])
    c2 = Claim(id="c2", article="a", kind="figure", text="y", start=2, end=3, value=5.0)
    store.put_claims("a", [c1, c2], [ent], version="v1")
    assert store.get_claims("a") == [c1, c2]
    assert store.get_entities("a") == [ent]
    store.put_claims("a", [c2], [], version="v2")
    assert store.get_claims() == [c2]
    assert store.extracted_articles("v2") == {"a"}
    assert store.extracted_articles("v1") == set()


def test_meta(store):
    assert store.get_meta("k") is None
    store.set_meta("k", "1")
    store.set_meta("k", "2")
    assert store.get_meta("k") == "2"


def test_two_connections_write_concurrently(tmp_path):
    path = tmp_path / "c.db"
    SQLiteStore(path).close()
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            s = SQLiteStore(path)
            for i in range(50):
                s.put_articles([make_article(offset + i)])
            s.close()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 1000,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert SQLiteStore(path).count_articles() == 150


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)


def test_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        open_store(str(path))


def test_resolve_db_order(monkeypatch):
    monkeypatch.setenv("WIRETRACE_DB", "/tmp/env.db")
    assert resolve_db("x.db") == "x.db"
    assert resolve_db(None) == "/tmp/env.db"
    monkeypatch.delenv("WIRETRACE_DB")
    assert resolve_db(None) == "wiretrace.db"


def test_sentence_index_search_and_replace(store):
    store.put_sentences("a", [(0, 30, "Putin banned officials from resigning."), (31, 60, "The weather was mild.")], "v1")
    store.put_sentences("b", [(0, 25, "Officials may not resign now.")], "v1")
    hits = store.search_sentences(["resign", "officials"], limit=10)
    assert {h.article for h in hits} == {"a", "b"}
    assert all(h.score > 0 for h in hits) and hits == sorted(hits, key=lambda h: -h.score)
    assert [h.article for h in store.search_sentences(["officials"], 10, article_ids=["b"])] == ["b"]
    assert store.search_sentences([], 10) == []
    store.search_sentences(['"quote"', "it's", "a:b*", "(x"], 10)  # odd characters must not break the query
    store.put_sentences("a", [(0, 10, "Nothing here.")], "v2")
    assert store.search_sentences(["banned"], 10) == []
    assert store.indexed_articles("v1") == {"b"} and store.indexed_articles("v2") == {"a"}
    assert [h.text for h in store.article_sentences("a")] == ["Nothing here."]


def test_source_name_is_outlet_then_host_never_title():
    from wiretrace.models import Article

    assert Article(id="a1", text="x", outlet="The Moscow Times", title="T").source_name == "The Moscow Times"
    assert Article(id="a1", text="x", url="https://www.radaronline.com/p/1", title="T").source_name == "radaronline.com"
    assert Article(id="abcdef123456", text="x", title="Caption").source_name == "unknown outlet (abcdef12)"
