"""Reviews laid over a dossier: each discrepancy gets its `review`, dismissed ones are hidden unless asked.

Works on the dossier contract (a dict) rather than on `Dossier`, so a dossier built once and cached (the
web app) shows reviews made after it was built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wiretrace.models import Review


def with_reviews(data: Mapping[str, Any], reviews: Mapping[str, Review], show_dismissed: bool = False) -> dict[str, Any]:
    """A copy of the dossier contract with `review` set on each discrepancy and `dismissed_hidden` counted.

    Dismissed discrepancies are left out unless `show_dismissed`; the count says how many were, so no
    reader takes a hidden finding for a missing one.
    """
    shown, hidden = [], 0
    for item in data.get("discrepancies") or []:
        review = reviews.get(item["key"])
        if review is not None and review.status == "dismissed" and not show_dismissed:
            hidden += 1
            continue
        shown.append({**item, "review": review.to_dict() if review else None})
    return {**data, "discrepancies": shown, "dismissed_hidden": hidden}


def discrepancy_findings(data: Mapping[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(key, kind, about) of each discrepancy of a dossier contract, for `Store.put_findings`."""
    story = data.get("story") or {}
    return [(item["key"], "discrepancy", {
        "kind": "discrepancy", "type": item["type"], "detail": item["detail"], "story_title": story.get("title"),
        "texts": [m["text"] for m in item["mentions"]], "outlets": [m["outlet"] for m in item["mentions"]],
    }) for item in data.get("discrepancies") or []]
