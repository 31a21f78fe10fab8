"""The web app and JSON API, through FastAPI's TestClient on a real store."""

from __future__ import annotations

import json
import os
import re
import tempfile

import pytest
from conftest import import_or_skip

import_or_skip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrace.cli import COMMANDS, build_parser  # noqa: E402
from wiretrace.models import Claim  # noqa: E402
from wiretrace.pipeline import ingest  # noqa: E402
from wiretrace.store import open_store  # noqa: E402
from wiretrace.web import present  # noqa: E402
from wiretrace.web.app import WebOptions, create_app, make_templates, render_dossier  # noqa: E402

TOKEN = "s3cret-token"

BRIDGE = """Harbour bridge to close for three weeks of repairs

The Kelmar harbour bridge will close on Monday for three weeks of repairs, the city council said on Friday.
"The cables are worn and we cannot wait any longer," said council engineer Mira Voss.
About 12,000 vehicles cross the bridge each day, according to the council.

Original url: <https://harbourtimes.example/2024/05/03/bridge-repairs>
"""

FERRY = """Ferry service added while harbour bridge is shut

A temporary ferry will run every twenty minutes while the Kelmar harbour bridge is closed for repairs.
Council engineer Mira Voss said the repairs would take about three weeks.
Operators expect up to 4,000 passengers a day on the ferry route.
"""

EVIL = {
    "url": "javascript:alert(1)",
    "title": "<script>alert('title')</script> Harbour council votes",
    "outlet": "<img src=x onerror=alert(3)>",
    "published": "2024-05-02",
    "text": "The harbour council voted on Thursday to close the old ferry pier. <script>alert(document.cookie)</script> "
            "Residents said the pier <img src=x onerror=alert(2)> had been unsafe for years. "
            "See <a href=\"javascript:alert(4)\">this link</a> for details.",
}

# A dossier in the `build_dossier(...).to_dict()` contract, with hostile strings where article text goes.
FIXTURE_DOSSIER = {
    "story": {"id": "s-fixture", "title": "Bridge closure <b>story</b>", "articles": ["a1", "a2", "a3"],
              "outlets": ["Harbour Times", "Kelmar Post", "<img src=x onerror=alert(9)>"],
              "first_seen": "2024-05-03", "last_seen": "2024-05-05"},
    "claims": [
        {"id": "g1", "text": "The bridge closes for three weeks", "status": "corroborated", "articles": ["a1", "a2"],
         "independent_sources": 2, "primary_source": "city council",
         "mentions": [
             {"article": "a1", "outlet": "Harbour Times", "text": "close on Monday for three weeks", "start": 10,
              "end": 40, "stance": "agree", "speaker": "city council"},
             {"article": "a2", "outlet": "Kelmar Post", "text": "about three weeks", "start": 5, "end": 22,
              "stance": "partial", "speaker": "Mira Voss"},
         ]},
        {"id": "g2", "text": "12,000 vehicles cross each day <script>alert(5)</script>", "status": "disputed",
         "articles": ["a1", "a3"], "independent_sources": 2, "primary_source": None,
         "independent_of": ["Harbour Times", "<img src=x onerror=alert(9)>"],
         "mentions": [
             {"article": "a1", "outlet": "Harbour Times", "text": "About 12,000 vehicles", "start": 0, "end": 21,
              "stance": "agree", "speaker": None},
             {"article": "a3", "outlet": "<img src=x onerror=alert(9)>", "text": "20,000 vehicles <script>x</script>",
              "start": 3, "end": 18, "stance": "contradict", "speaker": None},
         ]},
    ],
    "discrepancies": [
        {"type": "number", "articles": ["a1", "a3"], "detail": "Harbour Times gives 12,000, another outlet 20,000",
         "mentions": [
             {"article": "a1", "outlet": "Harbour Times", "text": "About 12,000 vehicles", "start": 0, "end": 21,
              "stance": "agree", "speaker": None},
             {"article": "a3", "outlet": "Kelmar Post", "text": "20,000 vehicles <img src=x onerror=alert(6)>",
              "start": 3, "end": 18, "stance": "contradict", "speaker": None},
         ]},
    ],
    "leads": [
        {"key": "lead-1", "type": "hedge", "articles": ["a1", "a2"], "confidence": 0.14,
         "detail": "Kelmar Post says \"reportedly\"", "reason": "hedge: <script>alert(8)</script> says 'reportedly'",
         "mentions": [
             {"article": "a2", "outlet": "Kelmar Post", "text": "reportedly closes", "start": 0, "end": 17,
              "stance": "agree", "speaker": None},
         ]},
    ],
    "provenance": {
        "nodes": [{"id": "harbour-times", "label": "Harbour Times", "kind": "outlet"},
                  {"id": "kelmar-post", "label": "Kelmar Post", "kind": "outlet"},
                  {"id": "council", "label": "city council <script>", "kind": "agency", "primary": True},
                  {"id": "voss", "label": "Mira Voss", "kind": "person"}],
        "edges": [{"from": "harbour-times", "to": "council", "kind": "cites"},
                  {"from": "kelmar-post", "to": "voss", "kind": "quotes"},
                  {"from": "voss", "to": "council", "kind": "cites"}],
    },
    "figures": [
        {"subject": "vehicles a day", "unit": "vehicles", "points": [
            {"value": 12000, "as_of": "2024-05-03", "article": "a1", "outlet": "Harbour Times", "source": "council",
             "text": "About 12,000 vehicles"},
            {"value": 20000, "as_of": "2024-05-04", "article": "a3", "outlet": "Kelmar Post", "source": "Kelmar Post",
             "text": "20,000 vehicles"},
            {"value": 12000, "as_of": None, "article": "a2", "outlet": "Kelmar Post", "source": "Kelmar Post",
             "text": "12,000"},
        ]},
    ],
    "timeline": [{"date": "2024-05-06", "text": "Bridge closes", "article": "a1"},
                 {"date": "2024-05-03", "text": "Council announces <script>alert(7)</script>", "article": "a1"}],
}


def _stance_model_missing() -> str | None:
    try:
        from wiretrace.ml.stance.model import resolve_model_path

        resolve_model_path()
    except Exception as exc:  # noqa: BLE001 - any failure to find the model means: skip the model tests
        return f"the stance model is not available here: {exc}"
    return None


# The stance model ships in the package: under CI its absence fails the tests instead of skipping them.
needs_models = pytest.mark.skipif(bool(_stance_model_missing()) and not os.environ.get("CI"),
                                  reason=str(_stance_model_missing()))


@pytest.fixture(scope="module")
def web_store(tmp_path_factory):
    """A store with three small articles (one hostile) and a few hand-written claims on the first."""
    folder = tmp_path_factory.mktemp("web") / "articles"
    folder.mkdir()
    (folder / "bridge.txt").write_text(BRIDGE)
    (folder / "ferry.txt").write_text(FERRY)
    (folder / "evil.jsonl").write_text(json.dumps(EVIL) + "\n")
    db = folder.parent / "web.db"
    store = open_store(str(db))
    report = ingest(store, [str(folder)])
    assert not report.failed and len(report.ingested) == 3
    by_title = {a.title: a for a in store.list_articles()}
    bridge = next(a for t, a in by_title.items() if t and t.startswith("Harbour bridge"))
    quote = '"The cables are worn and we cannot wait any longer,"'
    q_start = bridge.text.index(quote)
    sentence_end = bridge.text.index("Mira Voss.") + len("Mira Voss.")
    figure = "About 12,000 vehicles"
    f_start = bridge.text.index(figure)
    claims = [
        Claim("c-quote", bridge.id, "quote", quote, q_start, q_start + len(quote), speaker="Mira Voss",
              attribution=["Harbour Times", "Mira Voss"], sentence_start=q_start, sentence_end=sentence_end),
        Claim("c-figure", bridge.id, "figure", figure, f_start, f_start + len(figure), value=12000.0,
              unit="vehicles", subject="vehicles a day"),
    ]
    store.put_claims(bridge.id, claims, [], "test")
    store.close()
    ids = {"bridge": bridge.id, "evil": next(a.id for a in by_title.values() if a.url == EVIL["url"])}
    return db, ids


@pytest.fixture(scope="module")
def client(web_store):
    db, _ = web_store
    with TestClient(create_app(str(db), token=TOKEN)) as c:
        yield c


@pytest.fixture(scope="module")
def ids(web_store):
    return web_store[1]


# -- headers and errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/articles", "/api/articles", "/openapi.json", "/nope", "/static/app.js"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script(client, ids):
    for path in ["/", "/articles", f"/articles/{ids['bridge']}", "/check", "/upload"]:
        html = client.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], path
        assert ' style="' not in html, path


def test_unknown_article_is_json_404_for_api_and_a_page_for_html(client):
    r = client.get("/api/articles/ffffffffffff")
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "NotFound"
    assert "ffffffffffff" in r.json()["error"]["message"]
    page = client.get("/articles/ffffffffffff")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text


def test_unknown_route_is_friendly(client):
    assert client.get("/api/nothing").json()["error"]["type"] == "HTTPError"
    assert "Not found" in client.get("/nothing").text


def test_openapi_lists_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ["/api/stories", "/api/stories/{story_id}/dossier", "/api/articles", "/api/articles/{article_id}",
                 "/api/check", "/api/ingest"]:
        assert path in paths
    assert "multipart/form-data" in paths["/api/ingest"]["post"]["requestBody"]["content"]


# -- articles -------------------------------------------------------------------------------------------
def test_articles_api_pages_and_matches_the_cli_contract(client, web_store):
    db, _ = web_store
    first = client.get("/api/articles", params={"limit": 2, "offset": 0}).json()
    assert first["total"] == 3 and first["limit"] == 2 and first["offset"] == 0 and len(first["items"]) == 2
    rest = client.get("/api/articles", params={"limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 1
    store = open_store(str(db))
    try:
        cli = [{**{k: v for k, v in a.summary().items() if k != "path"}, "problems": {}} for a in store.list_articles()]
        assert first["items"] + rest["items"] == cli  # the `articles --json` contract less the server path
    finally:
        store.close()
    assert client.get("/api/articles", params={"offset": 10}).json()["items"] == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 100000}, {"offset": -1}, {"limit": "x"}])
def test_bad_pagination_is_a_json_422(client, params):
    r = client.get("/api/articles", params=params)
    assert r.status_code == 422 and r.json()["error"]["type"] == "ValidationError"


def test_article_api_is_the_show_contract(client, ids):
    data = client.get(f"/api/articles/{ids['bridge'][:8]}").json()
    assert data["id"] == ids["bridge"] and "text" in data and "language" in data
    claims = client.get(f"/api/articles/{ids['bridge']}/claims").json()
    assert {c["id"] for c in claims} == {"c-quote", "c-figure"}


def test_article_page_highlights_claims_and_speaker(client, ids):
    html = client.get(f"/articles/{ids['bridge']}").text
    assert 'id="c-c-quote"' in html and 'id="c-c-figure"' in html
    assert re.search(r'<span class="hl-quote" title="quote by Mira Voss">&#34;The cables are worn', html)
    assert re.search(r'<span class="hl-speaker"[^>]*>Mira Voss</span>', html)
    assert '<span class="hl-figure"' in html
    assert 'href="https://harbourtimes.example/2024/05/03/bridge-repairs"' in html


def test_article_page_marks_a_linked_passage(client, ids):
    article = client.get(f"/api/articles/{ids['bridge']}").json()
    start = article["text"].index("About 12,000")
    r = client.get(f"/articles/{ids['bridge']}", params={"start": start, "end": start + 12})
    assert re.search(r'<span class="anchor" id="passage"></span><span class="hl-figure hl-passage"[^>]*>About 12,000', r.text)


def test_hostile_article_renders_inert(client, ids):
    html = client.get(f"/articles/{ids['evil']}").text
    body = html.split("<main>", 1)[1]
    assert "<script" not in body and "<img" not in body and "<a href=\"javascript" not in body
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert 'href="javascript:' not in html and "href='javascript:" not in html
    assert '<span class="inert-url">javascript:alert(1)</span>' in body
    listing = client.get("/articles").text
    assert "<img src=x" not in listing and "&lt;img src=x onerror=alert(3)&gt;" in listing


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"),
    ("http://example.org", "http://example.org"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("data:text/html,<b>x</b>", None),
    ("//evil.example/x", None),
    ("/relative", None),
    ("https:///nohost", None),
    (None, None),
])
def test_safe_url(url, expected):
    assert present.safe_url(url) == expected


def test_segments_split_overlapping_spans():
    spans = [present.Span(0, 10, "statement", "c-s"), present.Span(4, 8, "quote", "c-q"), present.Span(6, 12, "passage")]
    segments = present.segment_text("0123456789abcdef", spans)
    assert "".join(s.text for s in segments) == "0123456789abcdef"
    assert [(s.text, s.kinds) for s in segments] == [
        ("0123", ["statement"]), ("45", ["quote", "statement"]), ("67", ["passage", "quote", "statement"]),
        ("89", ["passage", "statement"]), ("ab", ["passage"]), ("cdef", []),
    ]
    assert segments[0].anchors == ["c-s"] and segments[1].anchors == ["c-q"]


# -- stories and dossiers -------------------------------------------------------------------------------
def test_stories_api_is_the_cli_contract(client, web_store):
    from wiretrace.stories.cluster import list_stories

    db, _ = web_store
    store = open_store(str(db))
    try:
        expected = list_stories(store)
    finally:
        store.close()
    page = client.get("/api/stories").json()
    assert page["items"] == expected and page["total"] == len(expected)
    html = client.get("/").text
    for story in expected:
        assert f'href="/stories/{story["id"]}"' in html
    if expected:
        one = client.get(f"/api/stories/{expected[0]['id']}").json()
        assert one == expected[0]


def test_unknown_story_is_404(client):
    r = client.get("/api/stories/zzz/dossier")
    assert r.status_code == 404 and "zzz" in r.json()["error"]["message"]
    assert client.get("/stories/zzz").status_code == 404


def test_dossier_page_from_a_fixture_dossier():
    html = render_dossier(make_templates(), FIXTURE_DOSSIER).body.decode()
    main = html.split("<main>", 1)[1]
    assert "<script" not in main and "<img src=x" not in main and "<b>story</b>" not in main
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in main and "&lt;img src=x onerror=alert(9)&gt;" in main
    assert "(Harbour Times, &lt;img src=x onerror=alert(9)&gt;)" in main  # the sources a claim rests on
    # the matrix: one row per claim, one cell per outlet, states from the mentions' stances
    rows = re.findall(r"<tr>\s*<td class=\"claim-cell\">.*?</tr>", main, re.S)
    assert len(rows) == 2
    assert re.findall(r'class="cell cell-(\w+)"', rows[0]) == ["agree", "partial", "silent"]
    assert re.findall(r'class="cell cell-(\w+)"', rows[1]) == ["agree", "silent", "contradict"]
    assert 'href="/articles/a3?start=3&amp;end=18#passage"' in rows[1]
    # discrepancies side by side, provenance and figure charts as SVG, the timeline in date order
    assert main.count('class="mention"') >= 2 and 'class="side-by-side"' in main
    assert main.count('<rect class="node') == 4 and main.count('class="edge') == 3
    assert main.count("<circle") == 3
    assert main.index("Council announces") < main.index("Bridge closes")
    # leads apart from the listed discrepancies, with their confidence and reason, escaped
    leads = main.split('id="leads"', 1)[1].split("</section>", 1)[0]
    assert "confidence 0.14" in leads and "&lt;script&gt;alert(8)&lt;/script&gt;" in leads
    assert 'data-key="lead-1"' in leads and main.index('id="leads"') > main.index("12,000, another outlet")


def test_matrix_prefers_contradiction_and_keeps_outlet_order():
    dossier = {"story": {"outlets": ["B", "A"]}, "claims": [{"mentions": [
        {"outlet": "A", "stance": "agree"}, {"outlet": "A", "stance": "contradict"}, {"outlet": "C", "stance": "odd"}]}]}
    outlets, rows = present.claim_matrix(dossier)
    assert outlets == ["B", "A", "C"]
    assert [c.state for c in rows[0].cells] == ["silent", "contradict", "mentioned"]
    assert rows[0].cells[1].count == 2


def test_graph_layout_is_layered_and_deterministic():
    provenance = FIXTURE_DOSSIER["provenance"]
    first = present.layout_graph(provenance["nodes"], provenance["edges"])
    again = present.layout_graph(list(reversed(provenance["nodes"])), provenance["edges"])
    x = {n.id: n.x for n in first.nodes}
    assert x["harbour-times"] == x["kelmar-post"] < x["voss"] < x["council"]
    assert {n.id: (n.x, n.y) for n in first.nodes} == {n.id: (n.x, n.y) for n in again.nodes}
    cyclic = present.layout_graph([{"id": "a"}, {"id": "b"}], [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}])
    assert len(cyclic.nodes) == 2 and len(cyclic.edges) == 2


def test_figure_chart_places_values():
    chart = present.figure_chart(FIXTURE_DOSSIER["figures"][0])
    points = {p.point["value"]: p for s in chart.series for p in s.points}
    assert points[20000].y < points[12000].y  # larger values higher up
    assert [t.text for t in chart.x_ticks] == ["2024-05-03", "2024-05-04", "undated"]
    assert all(chart.left <= p.x <= chart.right and chart.top <= p.y <= chart.bottom
               for s in chart.series for p in s.points)


@needs_models
def test_real_dossier_api_and_page(client):
    stories = client.get("/api/stories").json()["items"]
    assert stories, "clustering made no story from the test articles"
    story = stories[0]["id"]
    data = client.get(f"/api/stories/{story}/dossier").json()
    assert set(FIXTURE_DOSSIER) <= set(data) and data["story"]["id"] == story
    page = client.get(f"/stories/{story}")
    assert page.status_code == 200 and 'id="matrix"' in page.text and 'id="provenance"' in page.text
    assert "<img src=x" not in page.text.split("<main>", 1)[1]


# -- check ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "status"), [({"claim": ""}, 400), ({"claim": "x" * 3000}, 400), ({}, 422),
                                              ({"claim": "bridge closes", "since": "yesterday"}, 400)])
def test_check_rejects_bad_requests(client, body, status):
    r = client.post("/api/check", json=body)
    assert r.status_code == status and "error" in r.json()


@needs_models
def test_check_api_and_page_use_one_cached_checker(client, ids):
    r = client.post("/api/check", json={"claim": "The Kelmar harbour bridge will close for three weeks of repairs"})
    assert r.status_code == 200
    verdict = r.json()
    assert set(verdict) == {"key", "review", "claim", "verdict", "confidence", "explanation", "evidence", "warnings"}
    assert verdict["warnings"] == []
    # both articles say the bridge closes for (about) three weeks of repairs; the ferry's "every twenty minutes"
    # counts something else and must not be read as a changed number
    assert verdict["verdict"] == "supported", verdict
    assert not any(e["stance"] == "refutes" for e in verdict["evidence"]), [(e["stance"], e["score"], e.get("notes"), e["text"]) for e in verdict["evidence"]]
    assert any(e["stance"] == "supports" and "three weeks" in e["text"] for e in verdict["evidence"])
    checker = client.app.state.web.checker()
    page = client.get("/check", params={"claim": "The bridge will close for three weeks"})
    assert page.status_code == 200 and 'id="verdict"' in page.text
    assert client.app.state.web.checker() is checker
    for item in verdict["evidence"]:
        assert f'href="/articles/{item["article"]}?start={item["start"]}&amp;end={item["end"]}#passage"' in \
            client.get("/check", params={"claim": verdict["claim"]}).text
        break


@needs_models
def test_check_since_warns_in_the_api_and_on_the_page(client):
    claim = {"claim": "The Kelmar harbour bridge will close for three weeks of repairs", "since": "2024-01-01"}
    warnings = client.post("/api/check", json=claim).json()["warnings"]
    assert len(warnings) == 1 and "have no date and were left out" in warnings[0]  # the ferry article is undated
    page = client.get("/check", params=claim).text
    assert "have no date and were left out" in page


# -- ingest ---------------------------------------------------------------------------------------------
def _upload(client, name: str, data: bytes, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/ingest", files=[("files", (name, data, "application/octet-stream"))], headers=headers)


def test_ingest_needs_the_token(client):
    r = _upload(client, "a.txt", b"x", token=None)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert _upload(client, "a.txt", b"x", token="wrong").status_code == 401


def test_ingest_without_a_configured_token_explains_how_to_set_one(web_store):
    db, _ = web_store
    with TestClient(create_app(str(db))) as c:
        r = _upload(c, "a.txt", b"x", token="anything")
        assert r.status_code == 403 and "WIRETRACE_TOKEN" in r.json()["error"]["message"]
        assert "WIRETRACE_TOKEN" in c.get("/upload").text


def test_ingest_uploads_under_generated_names(client, tmp_path, monkeypatch):
    text = b"Tide gauge installed at Kelmar harbour\n\nEngineers installed a new tide gauge at the harbour mouth on Tuesday.\n"
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # where the upload folder is made
    r = _upload(client, "../../../../tmp/evil/../x.txt", text)
    assert r.status_code == 200
    report = r.json()
    assert len(report["ingested"]) == 1 and report["failed"] == []
    assert "path" not in client.get(f"/api/articles/{report['ingested'][0]}").json()  # no server path in the API
    # stored relative to the upload folder: no server path reaches `articles`, `show` or a manifest
    assert client.app.state.web.store.get_article(report["ingested"][0]).path == "upload-001.txt"
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary folder is removed after ingest
    again = _upload(client, "copy.txt", text).json()
    assert again["unchanged"] == report["ingested"]


def test_ingest_failures_name_the_clients_file_not_the_temp_path(client):
    report = _upload(client, "dir\\photo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4).json()
    assert [f["path"] for f in report["failed"]] == ["photo.png"]
    assert "wiretrace-upload-" not in json.dumps(report)


def test_ingest_needs_files(client):
    r = client.post("/api/ingest", data={"x": "1"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400 and "no files" in r.json()["error"]["message"]


def test_upload_form_ingests_with_the_token_field(client):
    text = b"Harbour lights replaced\n\nThe council replaced the harbour lights along the north quay on Wednesday night.\n"
    r = client.post("/upload", data={"token": TOKEN}, files=[("files", ("lights.txt", text, "text/plain"))])
    assert r.status_code == 200 and "1 ingested" in r.text
    denied = client.post("/upload", data={"token": "nope"}, files=[("files", ("l.txt", text, "text/plain"))])
    assert denied.status_code == 401 and "Not allowed" in denied.text


def test_oversized_requests_are_refused_early(web_store):
    db, _ = web_store
    app = create_app(str(db), token=TOKEN, options=WebOptions(max_upload_bytes=10_000, max_body_bytes=2_000))
    with TestClient(app) as c:
        big = _upload(c, "big.txt", b"a" * 400_000)
        assert big.status_code == 413 and big.json()["error"]["type"] == "HTTPError"
        assert big.headers["content-security-policy"]

        def chunks():
            for _ in range(100):
                yield b"b" * 10_000

        streamed = c.post("/api/ingest", content=chunks(),
                          headers={"Authorization": f"Bearer {TOKEN}", "content-type": "multipart/form-data; boundary=x"})
        assert streamed.status_code == 413
        assert c.post("/api/check", json={"claim": "x" * 5000}).status_code == 413
        assert c.post("/upload", content=b"c" * 400_000,
                      headers={"content-type": "multipart/form-data; boundary=x"}).status_code == 413


def test_loopback_only_hosts(web_store):
    db, _ = web_store
    app = create_app(str(db), options=WebOptions(allowed_hosts=("127.0.0.1", "localhost")))
    with TestClient(app, base_url="http://localhost:8000") as c:
        assert c.get("/api/articles").status_code == 200
        assert c.get("/api/articles", headers={"host": "attacker.example"}).status_code == 400


# -- the command ----------------------------------------------------------------------------------------
def test_serve_is_a_command_with_safe_defaults():
    assert "serve" in COMMANDS
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and args.token is None


def test_ingest_manifest_field_states_metadata_by_client_file_name(client):
    text = b"Tide gauge installed at Kelmar harbour\n\nEngineers installed a new tide gauge at the harbour mouth on Friday.\n"
    manifest = b"path,outlet,published\ngauge.txt,Kelmar Courier,2021-04-09\ngone.txt,X,2021-01-01\n"
    r = client.post("/api/ingest", files=[("files", ("gauge.txt", text)), ("manifest", ("m.csv", manifest))],
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    report = r.json()
    article = client.get(f"/api/articles/{report['ingested'][0]}").json()
    assert (article["outlet"], article["published"]) == ("Kelmar Courier", "2021-04-09")
    assert len(report["warnings"]) == 1 and "gone.txt" in report["warnings"][0]
    assert "wiretrace-upload-" not in json.dumps(report)


def test_ingest_outlet_and_published_fields_state_them_for_every_file(client):
    text = b"Kelmar pier lamps relit\n\nVolunteers relit the twelve lamps on the Kelmar pier on Saturday evening.\n"
    manifest = b"path,outlet\nlamps.txt,Pier Gazette\n"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    r = client.post("/api/ingest", data={"outlet": "Kelmar Courier", "published": "April 10, 2021"},
                    files=[("files", ("lamps.txt", text)), ("manifest", ("m.csv", manifest))], headers=headers)
    article = client.get(f"/api/articles/{r.json()['ingested'][0]}").json()
    assert (article["outlet"], article["published"]) == ("Pier Gazette", "2021-04-10")  # the manifest cell wins
    bad = client.post("/api/ingest", data={"published": "soon"}, files=[("files", ("x.txt", text))], headers=headers)
    assert bad.status_code == 400 and "'soon' is not a date" in bad.json()["error"]["message"]
