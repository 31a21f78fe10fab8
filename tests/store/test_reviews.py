"""Reviews and findings in both stores, and reviews surviving re-clustering and re-ingest."""

from __future__ import annotations

import json

import pytest

from tests.conftest import shared_path
from wiretrace.cli import main
from wiretrace.models import Review, finding_key


def test_a_review_is_replaced_not_duplicated(store):
    key = finding_key("discrepancy", "number", ["a said 4", "b said 5"])
    store.put_findings([(key, "discrepancy", {"type": "number"})])
    store.put_review(Review(key, "confirmed", "holds", "ann", "2026-01-01T00:00:00+00:00", {"type": "number"}))
    store.put_review(Review(key, "dismissed", "misread", "bob", "2026-01-02T00:00:00+00:00", {"type": "number"}))
    assert [(r.status, r.note, r.by) for r in store.get_reviews()] == [("dismissed", "misread", "bob")]
    assert store.get_reviews([key])[0].about == {"type": "number"}
    assert store.get_reviews(["0" * 16]) == []


def test_finding_keys_by_prefix(store):
    keys = ["ab00000000000001", "ab00000000000002", "cd00000000000003"]
    store.put_findings([(k, "discrepancy", {}) for k in keys[:2]])
    store.put_review(Review(keys[2], "confirmed", at="2026-01-01"))
    assert store.finding_keys("ab") == keys[:2]
    assert store.finding_keys("cd") == keys[2:]
    assert store.finding_keys("ab%") == []  # not hex: no LIKE or range tricks
    assert store.get_finding(keys[0]) == {}
    assert store.get_finding("ef00000000000000") is None


def test_finding_key_ignores_order_case_and_spacing():
    assert finding_key("discrepancy", "date", ["B  on Monday", "a on Tuesday"]) == finding_key(
        "discrepancy", "date", ["A on Tuesday", "b on monday"])
    assert finding_key("discrepancy", "date", ["x"]) != finding_key("discrepancy", "number", ["x"])


def _dossier(db: str, capsys, *extra: str) -> dict:
    assert main(["--db", db, "stories", "--json"]) == 0
    story = json.loads(capsys.readouterr().out)[0]["id"]
    assert main(["--db", db, "dossier", story, "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_reviews_survive_reclustering_and_reingest(backend, tmp_path, capsys, request):
    db = str(tmp_path / "r.db") if backend == "sqlite" else request.getfixturevalue("postgres_url")
    seeds = str(shared_path("corpus", "seeds"))
    assert main(["--db", db, "ingest", seeds]) == 0
    capsys.readouterr()
    before = _dossier(db, capsys)
    first, second = before["discrepancies"][:2]
    assert first["review"] is None and len(first["key"]) == 16
    assert main(["--db", db, "review", first["key"], "--dismiss", "--note", "same claim", "--by", "ann"]) == 0
    assert main(["--db", db, "review", second["key"][:10], "--confirm"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "cluster"]) == 0
    assert main(["--db", db, "ingest", seeds]) == 0
    capsys.readouterr()
    after = _dossier(db, capsys)
    keys = [d["key"] for d in after["discrepancies"]]
    assert first["key"] not in keys and after["dismissed_hidden"] == 1
    assert next(d for d in after["discrepancies"] if d["key"] == second["key"])["review"]["status"] == "confirmed"
    shown = _dossier(db, capsys, "--show-dismissed")
    again = next(d for d in shown["discrepancies"] if d["key"] == first["key"])
    assert (again["review"]["status"], again["review"]["note"], again["review"]["by"]) == ("dismissed", "same claim", "ann")
    assert shown["dismissed_hidden"] == 0
