"""The story dossier: claim groups, discrepancies, provenance, figures and a timeline, in one report.

`build_dossier` gathers a story's articles and claims from the store and runs the cross-check; the
result renders as JSON (the contract), Markdown, or one self-contained HTML file that reads offline.
Article text is untrusted: every piece of it is escaped in HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.align import AlignOptions, ClaimGroup, Discrepancy, align_claims, primary_of
from wiretrace.errors import NotFound, UsageError
from wiretrace.models import Article, Claim, Story
from wiretrace.provenance import ProvenanceGraph, trace_provenance
from wiretrace.store import Store

FORMATS = ("json", "md", "html")
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_EXPLICIT_DATE = re.compile(
    r"\b((?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}"
    r"|(?:in\s+)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\s+\d{4})\b",
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
            "provenance": self.provenance.to_dict(),
            "figures": self.figures,
            "timeline": self.timeline,
        }


def find_story(store: Store, story_id: str) -> Story:
    """A story by id or unique id prefix; raises `NotFound`."""
    stories = store.get_stories()
    exact = [s for s in stories if s.id == story_id]
    matches = exact or [s for s in stories if story_id and s.id.startswith(story_id)]
    if len(matches) != 1:
        raise NotFound(f"no story {story_id!r} in {store.url}; list them with: wiretrace stories")
    return matches[0]


def build_dossier(
    store: Store, story_id: str, embedder: Any = None, model: Any = None, options: AlignOptions | None = None,
    device: str = "cpu",
) -> Dossier:
    """Cross-check one story's articles and gather the dossier (models not given are loaded on `device`)."""
    story = find_story(store, story_id)
    articles = sorted(store.list_articles(story.articles), key=lambda a: (a.published or "9999", a.id))
    claims = {a.id: store.get_claims(a.id) for a in articles}
    sources = {c.article: c.group for c in store.get_copies()}
    if embedder is None:
        from wiretrace.embed import EmbedOptions, MiniLMEmbedder

        embedder = MiniLMEmbedder(EmbedOptions(device=device))
    if model is None:
        from wiretrace.stance.model import load_stance_model

        model = load_stance_model(device=device)
    events = {a: e.id for e in store.get_events() if e.id in set(story.events) for a in e.articles}
    groups, discrepancies = align_claims(articles, claims, sources, embedder, model, options, events)
    shown = select_groups(groups)
    shown_ids = {g.id for g in shown}
    return Dossier(
        story=story,
        groups=shown,
        discrepancies=[d for d in discrepancies if d.group in shown_ids],
        provenance=trace_provenance(shown),
        figures=track_figures(articles, claims),
        timeline=build_timeline(articles, claims),
        outlets={a.id: a.source_name for a in articles},
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
            if claim.kind != "figure" or claim.value is None or not claim.subject:
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


# -- rendering ------------------------------------------------------------------------------------------
def render(dossier: Dossier, fmt: str) -> str:
    """The dossier as JSON, Markdown or self-contained HTML."""
    if fmt == "json":
        return json.dumps(dossier.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "md":
        return to_markdown(dossier.to_dict())
    if fmt == "html":
        return to_html(dossier.to_dict())
    raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _md(text: Any) -> str:
    """Markdown-inert text: no HTML, links or emphasis can come from an article."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(str(text).split()))


def to_markdown(d: dict[str, Any]) -> str:
    """A readable Markdown report."""
    story = d["story"]
    lines = [f"# {_md(story['title'])}", "",
             f"{len(story['articles'])} articles from {len(story['outlets'])} outlets, "
             f"{story['first_seen'] or '?'} to {story['last_seen'] or '?'}.", "", "## Claims", ""]
    for claim in d["claims"]:
        lines.append(f"- **{claim['status']}** ({claim['independent_sources']} independent) {_md(claim['text'])}"
                     + (f" — primary source: {_md(claim['primary_source'])}" if claim["primary_source"] else ""))
        for m in claim["mentions"]:
            who = f", speaker: {_md(m['speaker'])}" if m["speaker"] else ""
            lines.append(f"  - {m['stance']} · {_md(m['outlet'])}{who}: {_md(m['text'])}")
    lines += ["", "## Discrepancies", ""]
    for disc in d["discrepancies"] or []:
        lines.append(f"- **{disc['type']}**: {_md(disc['detail'])}")
        for m in disc["mentions"]:
            lines.append(f"  - {_md(m['outlet'])}: {_md(m['text'])}")
    if not d["discrepancies"]:
        lines.append("None found.")
    lines += ["", "## Provenance", ""]
    labels = {n["id"]: n["label"] for n in d["provenance"]["nodes"]}
    for e in d["provenance"]["edges"]:
        lines.append(f"- {_md(labels[e['from']])} —{e['kind']}→ {_md(labels[e['to']])}")
    primaries = [n["label"] for n in d["provenance"]["nodes"] if n["primary"]]
    lines.append(f"\nPrimary sources: {', '.join(_md(p) for p in primaries) or 'none identified'}")
    lines += ["", "## Figures", ""]
    for series in d["figures"]:
        points = "; ".join(f"{p['value']:,.0f} ({p['as_of'] or 'undated'}, {_md(p['source'] or '?')})"
                           for p in series["points"])
        lines.append(f"- {_md(series['subject'])}: {points}")
    lines += ["", "## Timeline", ""]
    for entry in d["timeline"]:
        lines.append(f"- {entry['date']}: {_md(entry['text'])}")
    return "\n".join(lines) + "\n"


_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ddd;margin-top:2em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;font-size:.9em}.agree{background:#d8f0d8}
.partial{background:#fff3c4}.contradict{background:#f6c9c9}.silent{color:#aaa}.pair{display:flex;gap:1em}
.pair blockquote{flex:1;margin:0;padding:.5em;background:#f6f6f6;border-left:3px solid #999}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;background:#eee;font-size:.85em}"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def to_html(d: dict[str, Any]) -> str:
    """One self-contained HTML page (inline CSS, no scripts), every piece of article text escaped."""
    story = d["story"]
    outlets = story["outlets"] or sorted(set(story.get("article_outlets", {}).values()))
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{_e(story['title'])}</title>",
             f"<style>{_CSS}</style><h1>{_e(story['title'])}</h1>",
             f"<p>{len(story['articles'])} articles, {len(outlets)} outlets, "
             f"{_e(story['first_seen'] or '?')} – {_e(story['last_seen'] or '?')}</p>",
             "<h2>Claims × outlets</h2><table><tr><th>claim</th><th>status</th>"]
    parts += [f"<th>{_e(o)}</th>" for o in outlets]
    parts.append("</tr>")
    for claim in d["claims"]:
        cells = {}
        for m in claim["mentions"]:
            cells.setdefault(m["outlet"], m["stance"])
        parts.append(f"<tr><td>{_e(claim['text'])}</td><td><span class=tag>{_e(claim['status'])}</span> "
                     f"{claim['independent_sources']}</td>")
        parts += [f"<td class={_e(cells.get(o, 'silent'))}>{_e(cells.get(o, 'silent'))}</td>" for o in outlets]
        parts.append("</tr>")
    parts.append("</table><h2>Discrepancies</h2>")
    for disc in d["discrepancies"]:
        quotes = "".join(f"<blockquote><b>{_e(m['outlet'])}</b><br>{_e(m['text'])}</blockquote>" for m in disc["mentions"])
        parts.append(f"<h3><span class=tag>{_e(disc['type'])}</span> {_e(disc['detail'])}</h3><div class=pair>{quotes}</div>")
    if not d["discrepancies"]:
        parts.append("<p>None found.</p>")
    labels = {n["id"]: n["label"] for n in d["provenance"]["nodes"]}
    parts.append("<h2>Provenance</h2><ul>")
    parts += [f"<li>{_e(labels[e['from']])} <i>{_e(e['kind'])}</i> {_e(labels[e['to']])}</li>"
              for e in d["provenance"]["edges"]]
    parts.append("</ul><p>Primary sources: " + _e(", ".join(n["label"] for n in d["provenance"]["nodes"] if n["primary"])
                 or "none identified") + "</p><h2>Figures</h2><ul>")
    for series in d["figures"]:
        points = "; ".join(f"{p['value']:,.0f} ({p['as_of'] or 'undated'}, {p['source'] or '?'})" for p in series["points"])
        parts.append(f"<li><b>{_e(series['subject'])}</b>: {_e(points)}</li>")
    parts.append("</ul><h2>Timeline</h2><ul>")
    parts += [f"<li>{_e(t['date'])}: {_e(t['text'])}</li>" for t in d["timeline"]]
    parts.append("</ul></html>")
    return "".join(parts)
