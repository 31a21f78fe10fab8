"""Search, filters, sorting, pagination that keeps them, and the .csv/.json twins of the lists."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import import_or_skip, shared_path

import_or_skip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrace.pipeline import ingest  # noqa: E402
from wiretrace.store import open_store  # noqa: E402
from wiretrace.web.app import WebOptions, create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("lists") / "lists.db")
    with open_store(db) as store:
        ingest(store, [str(shared_path("corpus", "seeds"))])
    with TestClient(create_app(db, options=WebOptions(page_size=2))) as c:
        yield c


def test_search_api_finds_articles_claims_and_stories(client):
    found = client.get("/api/search", params={"q": "Kremlin resign"}).json()
    assert found["articles"] and found["claims"] and found["stories"]
    assert all("kremlin" in (a["passage"]["text"] + (a["title"] or "")).lower() for a in found["articles"])
    scores = [a["score"] for a in found["articles"]]
    assert scores == sorted(scores, reverse=True)
    assert client.get("/api/search", params={"q": "  ...  "}).status_code == 400
    assert client.get("/api/search", params={"q": "zzzqqqxx"}).json()["articles"] == []


def test_search_page_escapes_the_query(client):
    page = client.get("/search", params={"q": "Kremlin <script>x</script>"}).text
    assert "<script>x" not in page and "&lt;script&gt;x" in page and 'id="search-articles"' in page


def test_article_filter_sort_and_exports(client):
    every = client.get("/articles.json").json()
    outlet = next(a["outlet"] for a in every if a["outlet"])
    only = client.get("/articles.json", params={"outlet": outlet}).json()
    assert only and all(a["outlet"] == outlet for a in only)
    by_words = client.get("/articles.json", params={"sort": "words", "order": "desc"}).json()
    assert [a["words"] for a in by_words] == sorted((a["words"] for a in every), reverse=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/articles.csv", params={"outlet": outlet}).text)))
    assert [r["id"] for r in rows] == [a["id"] for a in only]
    dated = client.get("/articles.json", params={"since": "2023-01-01", "until": "2023-12-31"}).json()
    assert all(a["published"] and "2023" <= a["published"][:4] <= "2023" for a in dated)
    assert client.get("/articles", params={"sort": "nonsense"}).status_code == 400
    assert "path" not in every[0]


def test_pager_keeps_the_filters_and_links_the_exports(client):
    page = client.get("/articles", params={"sort": "title", "order": "desc"}).text
    assert "sort=title&amp;order=desc&amp;offset=2" in page
    assert 'href="/articles.csv?sort=title&amp;order=desc&amp;"' in page
    stories = client.get("/stories.csv", params={"sort": "title"}).text.splitlines()
    assert stories[0] == "id,title,articles,events,outlets,first_seen,last_seen" and len(stories) > 1


def test_dossier_filters_by_discrepancy_type(client):
    story = client.get("/stories.json").json()[0]["id"]
    full = client.get(f"/api/stories/{story}/dossier").json()
    kind = full["discrepancies"][0]["type"]
    page = client.get(f"/stories/{story}", params={"type": kind}).text
    shown = page.count('class="discrepancy')
    assert shown == sum(1 for d in full["discrepancies"] if d["type"] == kind)
    assert client.get(f"/stories/{story}", params={"review": "maybe"}).status_code == 400


def test_csv_downloads_guard_spreadsheet_formulas(tmp_path):
    import json

    record = {"title": '=HYPERLINK("http://evil.example","open")', "outlet": "+cmd|' /C calc'!A0",
              "text": "The harbour council voted on Thursday to close the old ferry pier, the mayor said."}
    (tmp_path / "in.jsonl").write_text(json.dumps(record) + "\n")
    db = str(tmp_path / "formula.db")
    with open_store(db) as store:
        ingest(store, [str(tmp_path / "in.jsonl")])
    with TestClient(create_app(db)) as c:
        (row,) = csv.DictReader(io.StringIO(c.get("/articles.csv").text))
        assert row["title"] == "'" + record["title"] and row["outlet"] == "'" + record["outlet"]
        assert row["words"].isdigit()
        assert c.get("/articles.json").json()[0]["title"] == record["title"]  # JSON keeps the text as it is
