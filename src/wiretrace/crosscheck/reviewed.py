"""Reviews laid over a dossier: each discrepancy gets its `review`, dismissed ones are hidden unless asked.

Works on the dossier contract (a dict) rather than on `Dossier`, so a dossier built once and cached (the
web app) shows reviews made after it was built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wiretrace.models import Review


def with_reviews(data: Mapping[str, Any], reviews: Mapping[str, Review], show_dismissed: bool = False) -> dict[str, Any]:
    """A copy of the dossier contract with `review` set on each discrepancy and lead, `dismissed_hidden` counted.

    Dismissed discrepancies and leads are left out unless `show_dismissed`; the count says how many were,
    so no reader takes a hidden finding for a missing one. A confirmed lead joins the listed discrepancies.
    """
    shown, leads, hidden = [], [], 0
    for listed, items in ((True, data.get("discrepancies") or []), (False, data.get("leads") or [])):
        for item in items:
            review = reviews.get(item["key"])
            if review is not None and review.status == "dismissed" and not show_dismissed:
                hidden += 1
                continue
            # a lead someone read and confirmed is checked: it is listed with the findings
            promoted = review is not None and review.status == "confirmed"
            (shown if listed or promoted else leads).append({**item, "review": review.to_dict() if review else None})
    return {**data, "discrepancies": shown, "leads": leads, "dismissed_hidden": hidden}


def discrepancy_findings(data: Mapping[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, kind, about) of each discrepancy and lead of a dossier contract, for `Store.put_findings`."""
    story = data.get("story") or {}
    return [(item["key"], "discrepancy", {
        "kind": "discrepancy", "type": item["type"], "detail": item["detail"], "story_title": story.get("title"),
        "texts": [m["text"] for m in item["mentions"]], "outlets": [m["outlet"] for m in item["mentions"]],
    }) for item in [*(data.get("discrepancies") or []), *(data.get("leads") or [])]]
