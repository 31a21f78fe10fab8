"""One regression test per finding of issue #25 (each failed on the code before the fix)."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrace.claims.numbers import NUMBER, number_value  # noqa: E402
from wiretrace.models import Article  # noqa: E402
from wiretrace.store import open_store, redact_url  # noqa: E402
from wiretrace.web import present  # noqa: E402
from wiretrace.web.app import WebOptions, create_app  # noqa: E402
from wiretrace.web.security import allowed_hosts_for  # noqa: E402

HOSTILE_NUMBER = "The firm employs " + "9" * 300 + " trillion workers, the company said."


def _store(tmp_path, articles=()):
    db = str(tmp_path / "wt.db")
    store = open_store(db)
    store.put_articles(list(articles))
    store.close()
    return db


def test_1_store_password_never_reaches_a_client():
    admin = os.environ.get("WIRETRACE_TEST_PG")
    if not admin:
        pytest.skip("no PostgreSQL server (set WIRETRACE_TEST_PG=$(.ci/postgres.sh))")
    url = admin.replace("://wiretrace@", "://wiretrace:S3CRETPW@")  # trust auth: the password is sent, not checked
    with TestClient(create_app(url)) as client:
        for r in (client.get("/api/stories/nope"), client.get("/stories/nope"),
                  client.post("/api/check", json={"claim": "x happened", "story": "nope"}),
                  client.get("/api/articles/nope")):
            assert r.status_code in (400, 404) and "S3CRETPW" not in r.text, r.text
    assert "S3CRETPW" not in redact_url(url)


def test_2_implausible_numbers_stay_text_and_charts_take_inf():
    assert number_value(NUMBER.search(HOSTILE_NUMBER)) is None
    assert present._nice_ticks(0.0, float("inf")) == [0.0, 1.0]
    assert present.figure_chart({"points": [{"value": float("inf")}, {"value": 5.0}]}).series


def test_3_every_loopback_bind_checks_the_host(tmp_path):
    for bind in ("::1", "127.0.0.2", "localhost", "[::1]"):
        assert allowed_hosts_for(bind) is not None, bind
    assert allowed_hosts_for("0.0.0.0") is None and allowed_hosts_for("0.0.0.0", ["news.example"]) == ("news.example",)
    app = create_app(_store(tmp_path), options=WebOptions(allowed_hosts=allowed_hosts_for("::1")))
    with TestClient(app, base_url="http://[::1]:8000") as client:
        assert client.get("/api/articles").status_code == 200
        assert client.get("/api/articles", headers={"host": "evil.example"}).status_code == 400


def test_4_lone_surrogate_is_a_json_error(tmp_path):
    with TestClient(create_app(_store(tmp_path)), raise_server_exceptions=False) as client:
        r = client.post("/api/check", content=b'{"claim": "\\ud800 blast"}', headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500 and set(r.json()["error"]) >= {"type", "message"}


def test_5_no_server_paths_and_bidi_shown(tmp_path):
    article = Article(id="a" * 16, text="The council met on Monday to vote on the pier.", title="evil\u202etxt.exe",
                      outlet="Out\u2066let", path=str(tmp_path / "secret" / "a.txt"))
    db = _store(tmp_path, [article])
    with TestClient(create_app(db)) as client:
        missing = client.get("/api/articles/nope")
        assert missing.status_code == 404 and str(tmp_path) not in missing.text
        assert "path" not in client.get(f"/api/articles/{article.id}").json()
        page = client.get(f"/articles/{article.id}").text
        assert "\u202e" not in page and "[U+202E]" in page and "\u2066" not in page
