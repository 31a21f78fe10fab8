"""A story page never blocks on its dossier: it says it is being built, refreshes, then shows it."""

from __future__ import annotations

import time

from conftest import import_or_skip, shared_path

import_or_skip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrace.pipeline import ingest  # noqa: E402
from wiretrace.store import open_store  # noqa: E402
from wiretrace.web.app import WebOptions, create_app  # noqa: E402


def test_story_page_answers_at_once_while_its_dossier_is_built(tmp_path):
    db = str(tmp_path / "seeds.db")
    with open_store(db) as store:
        ingest(store, [str(shared_path("corpus", "seeds"))])
        story = max(store.get_stories(), key=lambda s: len(s.articles))
    with TestClient(create_app(db, options=WebOptions(dossier_wait=0.0))) as client:
        first = client.get(f"/stories/{story.id}")
        assert first.status_code == 200
        assert "Building the dossier" in first.text and 'http-equiv="refresh"' in first.text
        assert client.get("/articles").status_code == 200  # other pages answer while it is built
        deadline = time.monotonic() + 120
        while "Building the dossier" in (page := client.get(f"/stories/{story.id}").text):
            assert time.monotonic() < deadline, "the dossier was never built"
            time.sleep(0.2)
        assert 'http-equiv="refresh"' not in page
        assert client.get(f"/api/stories/{story.id}/dossier").json()["story"]["id"] == story.id
        assert client.get("/stories/no-such-story").status_code == 404


def test_without_a_wait_the_page_is_the_dossier(tmp_path):
    db = str(tmp_path / "seeds.db")
    with open_store(db) as store:
        ingest(store, [str(shared_path("corpus", "seeds"))])
        story = store.get_stories()[0]
    with TestClient(create_app(db)) as client:
        page = client.get(f"/stories/{story.id}").text
        assert "Building the dossier" not in page and 'http-equiv="refresh"' not in page
