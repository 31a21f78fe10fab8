"""The story dossier: claim groups, discrepancies, provenance, figures and a timeline, in one record.

`build_dossier` gathers a story's articles and claims from the store and runs the cross-check;
`wiretrace.report` renders the result as JSON (the contract), Markdown or self-contained HTML.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.crosscheck.align import align_claims
from wiretrace.crosscheck.independence import primary_of
from wiretrace.crosscheck.mentions import ClaimGroup, Discrepancy
from wiretrace.crosscheck.options import AlignOptions, VetOptions
from wiretrace.crosscheck.provenance import ProvenanceGraph, trace_provenance
from wiretrace.crosscheck.vetting import vet_discrepancies
from wiretrace.ingest.dates import MONTH_NAME
from wiretrace.ingest.metadata import metadata_warnings
from wiretrace.models import Article, Claim, Story
from wiretrace.store import Store
from wiretrace.stories import find_story

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_EXPLICIT_DATE = re.compile(
    r"\b(" + MONTH_NAME + r"\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+" + MONTH_NAME + r"\.?\s+\d{4}"
    r"|(?:in\s+)" + MONTH_NAME + r"\s+\d{4})\b",
    re.I,
)
_RELATIVE_DAY = re.compile(r"\b(?:on|last|this)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)


@dataclass
class Dossier:
    """Everything wiretrace knows about one story."""

    story: Story
    groups: list[ClaimGroup]
    discrepancies: list[Discrepancy]
    provenance: ProvenanceGraph
    figures: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    outlets: dict[str, str] = field(default_factory=dict)  # article id -> outlet
    warnings: list[str] = field(default_factory=list)  # articles without an outlet or a date
    leads: list[Discrepancy] = field(default_factory=list)  # discrepancies too unsure to list

    def to_dict(self) -> dict[str, Any]:
        """The `dossier --format json` contract."""
        return {
            "story": {
                "id": self.story.id, "title": self.story.title, "articles": self.story.articles,
                "events": self.story.events, "outlets": self.story.outlets, "first_seen": self.story.first_seen,
                "last_seen": self.story.last_seen,
                "article_outlets": self.outlets,
            },
            "claims": [g.to_dict() for g in self.groups],
            "discrepancies": [d.to_dict() for d in self.discrepancies],
            "leads": [d.to_dict() for d in self.leads],
            "provenance": self.provenance.to_dict(),
            "figures": self.figures,
            "timeline": self.timeline,
            "warnings": self.warnings,
        }


def build_dossier(
    store: Store, story_id: str, embedder: Any = None, model: Any = None, options: AlignOptions | None = None,
    device: str = "cpu", vetting: VetOptions | None = None,
) -> Dossier:
    """Cross-check one story's articles and gather the dossier (models not given are loaded on `device`).

    Discrepancies are vetted (`crosscheck.vetting`): the confident ones are listed, most confident first,
    the unsure ones kept apart as `leads`, the rest dropped.
    """
    story = find_story(store, story_id)
    articles = sorted(store.list_articles(story.articles), key=lambda a: (a.published or "9999", a.id))
    claims = {a.id: store.get_claims(a.id) for a in articles}
    sources = {c.article: c.group for c in store.get_copies()}
    if embedder is None or model is None:  # loaded once per process, shared with `check` and the web app
        from wiretrace.ml import sentence_embedder, stance_model

        embedder = embedder or sentence_embedder(device)
        model = model or stance_model(device)
    events = {a: e.id for e in store.get_events() if e.id in set(story.events) for a in e.articles}
    groups, discrepancies = align_claims(articles, claims, sources, embedder, model, options, events)
    shown = select_groups(groups)
    shown_ids = {g.id for g in shown}
    listed, leads = vet_discrepancies([d for d in discrepancies if d.group in shown_ids], vetting)
    return Dossier(
        story=story,
        groups=shown,
        discrepancies=listed,
        leads=leads,
        provenance=trace_provenance(shown),
        figures=track_figures(articles, claims),
        timeline=build_timeline(articles, claims),
        outlets={a.id: a.source_name for a in articles},
        warnings=metadata_warnings(articles),
    )


def select_groups(groups: Sequence[ClaimGroup], limit: int = 120) -> list[ClaimGroup]:
    """Groups worth showing: every one seen in two or more articles, then the strongest single ones."""
    multi = [g for g in groups if len(g.articles) > 1]
    single = sorted(
        (g for g in groups if len(g.articles) == 1 and g.kind != "figure"
         and (g.kind == "quote" or g.mentions[0].claim.score >= 0.6)),
        key=lambda g: (-g.mentions[0].claim.score, g.id),
    )
    return (multi + single)[:limit] if len(multi) < limit else multi


# -- figures and timeline -----------------------------------------------------------------------------
def track_figures(articles: Sequence[Article], claims: dict[str, list[Claim]]) -> list[dict[str, Any]]:
    """Figures of the same quantity over time and sources: one series per (subject, unit)."""
    series: dict[tuple[str, str], dict[str, Any]] = {}
    by_id = {a.id: a for a in articles}
    for article_id, article_claims in claims.items():
        article = by_id[article_id]
        for claim in article_claims:
            if claim.kind != "figure" or claim.value is None or not claim.subject or not math.isfinite(claim.value):
                continue
            key = (claim.subject.lower(), (claim.unit or "").lower())
            entry = series.setdefault(key, {"subject": claim.subject, "unit": claim.unit, "points": []})
            entry["points"].append({
                "value": claim.value, "qualifier": claim.qualifier, "as_of": claim.as_of or article.published,
                "article": article.id, "outlet": article.outlet, "source": primary_of(claim, article.outlet) or article.outlet,
                "text": claim.text, "claim": claim.id,
            })
    for entry in series.values():
        entry["points"].sort(key=lambda p: (p["as_of"] or "9999", p["value"]))
    return sorted(series.values(), key=lambda s: (-len(s["points"]), s["subject"]))


def build_timeline(articles: Sequence[Article], claims: dict[str, list[Claim]]) -> list[dict[str, Any]]:
    """Dated events: publication dates, figures' dates, and sentences naming a date."""
    entries: dict[tuple[str, str], dict[str, Any]] = {}
    for article in articles:
        if article.published:
            entries[(article.published, "pub:" + article.id)] = {
                "date": article.published, "text": f"{article.outlet or 'An outlet'} publishes “{article.title or ''}”",
                "article": article.id, "kind": "publication",
            }
        for claim in claims.get(article.id, []):
            date = claim.as_of if claim.kind == "figure" else resolve_date(claim.text, article.published)
            if date:
                entries.setdefault((date, claim.text), {"date": date, "text": claim.text, "article": article.id,
                                                        "kind": claim.kind})
    return [entries[k] for k in sorted(entries)]


def resolve_date(text: str, published: str | None) -> str | None:
    """The date a sentence names: an explicit date, or a weekday resolved against the publication date."""
    match = _EXPLICIT_DATE.search(text)
    if match:
        from dateutil import parser

        raw = re.sub(r"^in\s+", "", match.group(1), flags=re.I)
        try:
            return parser.parse(raw, default=dt.datetime(2000, 1, 1)).date().isoformat()
        except (ValueError, OverflowError):
            return None
    match = _RELATIVE_DAY.search(text)
    if match and published:
        base = dt.date.fromisoformat(published)
        back = (base.weekday() - _WEEKDAYS.index(match.group(1).lower())) % 7
        return (base - dt.timedelta(days=back)).isoformat()
    return None
