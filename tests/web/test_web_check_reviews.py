"""A check verdict reviewed on the check page (token-gated form) and seen by the API and the CLI's contract."""

from __future__ import annotations

import pytest
from conftest import import_or_skip, shared_path

import_or_skip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrace.pipeline import ingest  # noqa: E402
from wiretrace.store import open_store  # noqa: E402
from wiretrace.web.app import create_app  # noqa: E402

TOKEN = "check-rev1ew-token"
CLAIM = "Putin signed an official decree banning resignations"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("check-rev") / "rev.db")
    with open_store(db) as store:
        ingest(store, [str(shared_path("corpus", "seeds"))])
    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


def test_check_page_review_needs_the_token_then_shows_on_page_and_api(client):
    verdict = client.post("/api/check", json={"claim": CLAIM}).json()
    assert verdict["review"] is None and len(verdict["key"]) == 16
    page = client.get("/check", params={"claim": CLAIM}).text
    assert f'name="key" value="{verdict["key"]}"' in page and 'action="/check/reviews"' in page
    form = {"key": verdict["key"], "status": "confirmed", "note": "read <i>both</i>", "by": "desk", "claim": CLAIM}
    assert client.post("/check/reviews", data=form, follow_redirects=False).status_code == 401
    assert client.post("/check/reviews", data={**form, "token": "nope"}, follow_redirects=False).status_code == 401
    made = client.post("/check/reviews", data={**form, "token": TOKEN}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/check?claim=Putin+signed")
    again = client.get(made.headers["location"]).text
    assert "review-confirmed" in again and "read &lt;i&gt;both&lt;/i&gt;" in again and "<i>both" not in again
    reviewed = client.post("/api/check", json={"claim": CLAIM}).json()
    assert reviewed["key"] == verdict["key"] and reviewed["review"]["status"] == "confirmed"
    assert reviewed["review"]["by"] == "desk"


def test_check_page_has_no_review_form_without_a_token(tmp_path):
    db = str(tmp_path / "ro.db")
    with open_store(db) as store:
        ingest(store, [str(shared_path("corpus", "seeds"))])
    with TestClient(create_app(db)) as c:
        page = c.get("/check", params={"claim": CLAIM}).text
        assert 'id="verdict"' in page and 'action="/check/reviews"' not in page
