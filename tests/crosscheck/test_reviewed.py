"""Reviews laid over a dossier's discrepancies and leads."""

from __future__ import annotations

from wiretrace.crosscheck.reviewed import discrepancy_findings, with_reviews
from wiretrace.models import Review


def item(key: str, kind: str = "number") -> dict:
    return {"key": key, "type": kind, "detail": f"detail {key}", "mentions": [{"text": "t", "outlet": "o"}]}


DOSSIER = {"story": {"title": "A story"}, "discrepancies": [item("k1", "speaker")], "leads": [item("k2"), item("k3")]}


def test_a_confirmed_lead_is_listed_and_a_dismissed_one_hidden():
    reviews = {"k2": Review("k2", "confirmed"), "k3": Review("k3", "dismissed")}
    shown = with_reviews(DOSSIER, reviews)
    assert [d["key"] for d in shown["discrepancies"]] == ["k1", "k2"]
    assert shown["leads"] == [] and shown["dismissed_hidden"] == 1
    everything = with_reviews(DOSSIER, reviews, show_dismissed=True)
    assert [d["key"] for d in everything["leads"]] == ["k3"]
    assert everything["leads"][0]["review"]["status"] == "dismissed"


def test_leads_are_findings_a_review_can_name():
    assert [key for key, _kind, _about in discrepancy_findings(DOSSIER)] == ["k1", "k2", "k3"]
