"""Untrusted data at rest, end to end: hostile strings in every article field go through the whole pipeline
(clustering, sentence index, claim extraction) and out through the CLI and the web pages, verbatim and inert.

The store-level checks (bound parameters, FTS terms) and the static audit of the package (no eval, shell or
unpickling of data) are in tests/test_web_hostile.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import import_or_skip

from wiretrace.pipeline import ingest
from wiretrace.store import open_store


def hostile_records(canary: Path) -> list[dict]:
    sentence = "The harbour council voted on Monday to repair the old bridge, officials said."
    return [
        {"title": "'); DROP TABLE articles; --", "outlet": f"$(touch {canary})", "url": "file:///etc/passwd",
         "author": "Robert'); DELETE FROM claims; --", "published": "2024-05-01",
         "text": f"{sentence} The mayor said \"'; DROP TABLE sentences; --\" was a joke. `touch {canary}` and "
                 f"$(rm -rf {canary.parent}) are words here. NEAR(a b) OR * AND \"unbalanced"},
        {"title": "{{ 7*7 }} {% for x in range(3) %}loop{% endfor %} ${7*7} #{7*7} {0.__class__} %s%n",
         "outlet": "../../../../etc/passwd", "url": f"../../../../{canary.name}", "author": "|| touch " + str(canary),
         "text": f"{sentence} Officials quoted {{{{ config }}}} and {{{{ ''.__class__.__mro__ }}}} verbatim. "
                 "Residents wrote %(name)s and \\x00 and \\'; -- in letters to the council."},
    ]


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("untrusted")
    canary = folder / "canary"
    records = hostile_records(canary)
    source = folder / "hostile.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = folder / "store.db"
    store = open_store(str(db))
    report = ingest(store, [str(source)])  # every stage: clustering, sentence index, claims
    assert not report.failed and len(report.ingested) == len(records)
    store.close()
    return db, records, canary


def test_fields_come_back_verbatim_and_nothing_ran(hostile_store):
    db, records, canary = hostile_store
    store = open_store(str(db))
    try:
        assert store.integrity_check() == "ok"
        articles = {a.title: a for a in store.list_articles()}
        for record in records:
            article = articles[record["title"]]
            assert (article.outlet, article.url, article.author) == (record["outlet"], record["url"], record["author"])
            assert article.text.startswith("The harbour council")
        tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"articles", "claims", "sentences", "stories"} <= tables
        assert store.get_claims(), "claims were extracted from the hostile articles"
    finally:
        store.close()
    assert not canary.exists() and not (Path.cwd() / "canary").exists()


def test_cli_prints_hostile_fields_as_data(hostile_store):
    db, records, canary = hostile_store
    proc = subprocess.run([sys.executable, "-m", "wiretrace.cli", "--db", str(db), "articles", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert {a["title"] for a in listed} == {r["title"] for r in records}
    assert not canary.exists()


def test_web_pages_render_template_syntax_literally(hostile_store):
    import_or_skip("fastapi")
    from fastapi.testclient import TestClient

    from wiretrace.web.app import create_app

    db, records, _ = hostile_store
    with TestClient(create_app(str(db))) as client:
        listing = client.get("/articles").text
        assert "{{ 7*7 }}" in listing and "${7*7}" in listing  # data, never rendered as a template
        for article in client.get("/api/articles").json()["items"]:
            page = client.get(f"/articles/{article['id']}").text
            assert 'href="file:' not in page and 'href="../' not in page
            assert "{{ config }}" in page or "{{ 7*7 }}" in page or "DROP TABLE" in page
