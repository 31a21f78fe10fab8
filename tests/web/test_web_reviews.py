"""Reviews in the web app (token-gated form and API, dismissed hidden with a toggle) and the ClaimReview block."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import import_or_skip, shared_path

import_or_skip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrace.pipeline import ingest  # noqa: E402
from wiretrace.store import open_store  # noqa: E402
from wiretrace.web.app import create_app  # noqa: E402

TOKEN = "rev1ew-token"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("rev") / "rev.db")
    with open_store(db) as store:
        ingest(store, [str(shared_path("corpus", "seeds"))])
        story = store.get_stories()[0].id
    with TestClient(create_app(db, token=TOKEN)) as client:
        yield client, story


def test_review_api_needs_the_token_then_hides_the_dismissed(seeded):
    client, story = seeded
    dossier = client.get(f"/api/stories/{story}/dossier").json()
    first = dossier["discrepancies"][0]
    assert first["review"] is None and dossier["dismissed_hidden"] == 0
    body = {"key": first["key"], "status": "dismissed", "note": "same <b>claim</b>", "by": "ann"}
    refused = client.post("/api/reviews", json=body)
    assert refused.status_code == 401
    wrong = client.post("/api/reviews", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    made = client.post("/api/reviews", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == 200 and made.json()["status"] == "dismissed"
    after = client.get(f"/api/stories/{story}/dossier").json()
    assert first["key"] not in [d["key"] for d in after["discrepancies"]] and after["dismissed_hidden"] == 1
    shown = client.get(f"/api/stories/{story}/dossier?show_dismissed=true").json()
    again = next(d for d in shown["discrepancies"] if d["key"] == first["key"])
    assert again["review"]["note"] == "same <b>claim</b>"
    page = client.get(f"/stories/{story}?show_dismissed=1").text
    assert "same &lt;b&gt;claim&lt;/b&gt;" in page and "Hide dismissed" in page
    assert "Show dismissed" in client.get(f"/stories/{story}").text
    bad = client.post("/api/reviews", json={**body, "status": "maybe"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400


def test_review_form_confirms_with_the_token_and_refuses_without(seeded):
    client, story = seeded
    page = client.get(f"/stories/{story}").text
    key = re.findall(r'name="key" value="([0-9a-f]{16})"', page)[-1]
    refused = client.post(f"/stories/{story}/reviews", data={"key": key, "status": "confirmed", "token": "x"})
    assert refused.status_code == 401
    done = client.post(f"/stories/{story}/reviews", data={"key": key, "status": "confirmed", "token": TOKEN,
                                                          "by": "bob"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith(f"#review-{key}")
    page = client.get(f"/stories/{story}").text
    assert f'id="review-{key}"' in page and "confirmed by bob" in page


def test_check_page_embeds_escaped_claimreview(seeded):
    client, _ = seeded
    claim = "Putin banned officials </script><script>alert(1)</script> from resigning"
    page = client.get("/check", params={"claim": claim}).text
    block = re.search(r'<script type="application/ld\+json" id="claimreview">(.*?)</script>', page, re.S)
    assert block and "</" not in block.group(1) and "<script>alert" not in page
    data = json.loads(block.group(1))
    assert data["@type"] == "ClaimReview" and data["claimReviewed"] == " ".join(claim.split())
    assert data["reviewRating"]["@type"] == "Rating" and data["itemReviewed"]["@type"] == "Claim"
    assert html.unescape(block.group(1)) == block.group(1)  # no HTML entities: JSON escapes only


def test_mentions_link_to_the_original_article_when_known(seeded):
    client, story = seeded
    dossier = client.get(f"/api/stories/{story}/dossier?show_dismissed=true").json()
    urls = {m["url"] for d in dossier["discrepancies"] for m in d["mentions"] if m["url"]}
    assert urls, "no mention of the story has a known URL"
    page = client.get(f"/stories/{story}?show_dismissed=1").text
    linked = set(re.findall(r'<a class="original-link" href="([^"]+)"', page))
    assert {html.escape(u) for u in urls} <= linked
    assert all(u.startswith(("http://", "https://")) for u in linked)
