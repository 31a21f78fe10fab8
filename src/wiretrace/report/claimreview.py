"""A check verdict as schema.org `ClaimReview` JSON-LD, the form fact-checkers publish verdicts in.

Properties used (https://schema.org/ClaimReview): `claimReviewed`, `reviewRating` (a `Rating` whose
`alternateName` is the verdict), `itemReviewed` (a `Claim` whose `appearance` lists the evidence
articles that support or refute it, by URL), `author` (an `Organization`) and `datePublished`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

CONTEXT = "https://schema.org"


def claim_review(verdict: Mapping[str, Any], urls: Mapping[str, str | None], organization: str,
                 date: str) -> dict[str, Any]:
    """The ClaimReview of a `check --json` verdict; `urls` maps article ids to their original URLs.

    Evidence without a stance (neutral) or without a known URL is left out of `appearance`: a Claim
    appears where it is made or denied, and schema.org wants a link there.
    """
    appearance = []
    for item in verdict.get("evidence") or []:
        url = urls.get(item["article"])
        if item["stance"] != "neutral" and url and url not in {a["url"] for a in appearance}:
            appearance.append({"@type": "CreativeWork", "url": url, "publisher": item.get("outlet") or None})
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": verdict["claim"],
        "reviewRating": {"@type": "Rating", "alternateName": verdict["verdict"],
                         "ratingExplanation": verdict.get("explanation", "")},
        "itemReviewed": {"@type": "Claim", "appearance": [{k: v for k, v in a.items() if v} for a in appearance]},
        "author": {"@type": "Organization", "name": organization},
        "datePublished": date,
    }


def json_ld_script(data: Any) -> str:
    """JSON-LD safe inside an HTML `<script type="application/ld+json">`.

    `<`, `>` and `&` become JSON unicode escapes, so no `</script>` or `<!--` in article text can end or
    bend the block; the JSON still parses to the same data.
    """
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
