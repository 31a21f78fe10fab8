"""Reports: a story dossier rendered as JSON (the contract), Markdown, or one self-contained HTML file.

Article text is untrusted: every piece of it is escaped in HTML and made inert in Markdown, and its bidi
control characters are shown (`report.visible`), so a title cannot reorder itself.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from wiretrace.crosscheck.dossier import Dossier
from wiretrace.errors import UsageError
from wiretrace.report.matrix import claim_matrix
from wiretrace.report.visible import show_bidi

FORMATS = ("json", "md", "html")


# -- rendering ------------------------------------------------------------------------------------------
def render(dossier: Dossier | dict[str, Any], fmt: str) -> str:
    """The dossier (or its contract, reviews laid over it) as JSON, Markdown or self-contained HTML."""
    data = dossier if isinstance(dossier, dict) else dossier.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "md":
        return to_markdown(data)
    if fmt == "html":
        return to_html(data)
    raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _md(text: Any) -> str:
    """Markdown-inert text: no HTML, links or emphasis can come from an article."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(show_bidi(str(text)).split()))


def _confidence(disc: dict[str, Any]) -> str:
    return f" (confidence {disc['confidence']:.2f})" if disc.get("confidence") else ""


def to_markdown(d: dict[str, Any]) -> str:
    """A readable Markdown report."""
    story = d["story"]
    lines = [f"# {_md(story['title'])}", "",
             f"{len(story['articles'])} articles from {len(story['outlets'])} outlets, "
             f"{story['first_seen'] or '?'} to {story['last_seen'] or '?'}.", ""]
    lines += [f"> Warning: {_md(w)}" for w in d.get("warnings", [])] + ([""] if d.get("warnings") else [])
    lines += ["## Claims", ""]
    if not d["claims"]:
        lines.append("None found.")
    for claim in d["claims"]:
        counted = ", ".join(claim.get("independent_of") or [])
        lines.append(f"- **{claim['status']}** ({claim['independent_sources']} independent"
                     f"{': ' + _md(counted) if counted else ''}) {_md(claim['text'])}"
                     + (f" — primary source: {_md(claim['primary_source'])}" if claim["primary_source"] else ""))
        for m in claim["mentions"]:
            who = f", speaker: {_md(m['speaker'])}" if m["speaker"] else ""
            lines.append(f"  - {m['stance']} · {_md(m['outlet'])}{who}: {_md(m['text'])}")
    lines += ["", "## Discrepancies", ""]
    for disc in d["discrepancies"] or []:
        review = disc.get("review")
        mark = f" [{review['status']}{': ' + _md(review['note']) if review['note'] else ''}]" if review else ""
        lines.append(f"- **{disc['type']}** `{disc.get('key', '')}`{mark}{_confidence(disc)}: "
                     f"{_md(disc.get('reason') or disc['detail'])}")
        for m in disc["mentions"]:
            lines.append(f"  - {_md(m['outlet'])}: {_md(m['text'])}")
    if not d["discrepancies"]:
        lines.append("None found.")
    if d.get("leads"):
        lines += ["", "### Leads (low confidence, not checked)", ""]
        lines += [f"- {disc['type']}{_confidence(disc)}: {_md(disc.get('reason') or disc['detail'])}"
                  for disc in d["leads"]]
    if d.get("dismissed_hidden"):
        lines.append(f"\n{d['dismissed_hidden']} dismissed discrepancies hidden (show them with --show-dismissed).")
    lines += ["", "## Provenance", ""]
    labels = {n["id"]: n["label"] for n in d["provenance"]["nodes"]}
    for e in d["provenance"]["edges"]:
        lines.append(f"- {_md(labels[e['from']])} —{e['kind']}→ {_md(labels[e['to']])}")
    if not d["provenance"]["edges"]:
        lines.append("No citations found.")
    primaries = [n["label"] for n in d["provenance"]["nodes"] if n["primary"]]
    lines.append(f"\nPrimary sources: {', '.join(_md(p) for p in primaries) or 'none identified'}")
    lines += ["", "## Figures", ""]
    for series in d["figures"]:
        points = "; ".join(f"{p['value']:,.0f} ({p['as_of'] or 'undated'}, {_md(p['source'] or '?')})"
                           for p in series["points"])
        lines.append(f"- {_md(series['subject'])}: {points}")
    if not d["figures"]:
        lines.append("None found.")
    lines += ["", "## Timeline", ""]
    for entry in d["timeline"]:
        lines.append(f"- {entry['date']}: {_md(entry['text'])}")
    if not d["timeline"]:
        lines.append("No dated events.")
    return show_bidi("\n".join(lines) + "\n")  # also the few values not passed through _md (dates, as-of)


_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ddd;margin-top:2em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;font-size:.9em}.agree{background:#d8f0d8}
.partial{background:#fff3c4}.contradict{background:#f6c9c9}.silent{color:#aaa}.pair{display:flex;gap:1em}
.pair blockquote{flex:1;margin:0;padding:.5em;background:#f6f6f6;border-left:3px solid #999}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;background:#eee;font-size:.85em}
.warn{background:#fff3c4;padding:.3em .6em}"""


def _e(text: Any) -> str:
    return html.escape("" if text is None else show_bidi(str(text)), quote=True)


def to_html(d: dict[str, Any]) -> str:
    """One self-contained HTML page (inline CSS, no scripts), every piece of article text escaped."""
    story = d["story"]
    outlets, rows = claim_matrix(d)
    named = story["outlets"] or sorted(set(story.get("article_outlets", {}).values()))
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{_e(story['title'])}</title>",
             f"<style>{_CSS}</style><h1>{_e(story['title'])}</h1>",
             f"<p>{len(story['articles'])} articles, {len(named)} outlets, "
             f"{_e(story['first_seen'] or '?')} – {_e(story['last_seen'] or '?')}</p>",
             *(f"<p class=warn>Warning: {_e(w)}</p>" for w in d.get("warnings", [])),
             "<h2>Claims × outlets</h2><table><tr><th>claim</th><th>status</th>"]
    parts += [f"<th>{_e(o)}</th>" for o in outlets]
    parts.append("</tr>")
    for row in rows:
        claim = row.claim
        parts.append(f"<tr><td>{_e(claim['text'])}</td><td><span class=tag>{_e(claim['status'])}</span> "
                     f"<span title=\"{_e(', '.join(claim.get('independent_of') or []))}\">"
                     f"{claim['independent_sources']}</span></td>")
        parts += [f"<td class={_e(cell.state)}>{_e(cell.state)}</td>" for cell in row.cells]
        parts.append("</tr>")
    parts.append("</table><h2>Discrepancies</h2>")
    for disc in d["discrepancies"]:
        quotes = "".join(f"<blockquote><b>{_e(m['outlet'])}</b><br>{_e(m['text'])}</blockquote>" for m in disc["mentions"])
        parts.append(f"<h3><span class=tag>{_e(disc['type'])}</span>{_e(_confidence(disc))} "
                     f"{_e(disc.get('reason') or disc['detail'])}</h3><div class=pair>{quotes}</div>")
    if not d["discrepancies"]:
        parts.append("<p>None found.</p>")
    if d.get("leads"):
        parts.append("<h3>Leads (low confidence, not checked)</h3><ul>")
        parts += [f"<li><span class=tag>{_e(x['type'])}</span>{_e(_confidence(x))} {_e(x.get('reason') or x['detail'])}"
                  "</li>" for x in d["leads"]]
        parts.append("</ul>")
    labels = {n["id"]: n["label"] for n in d["provenance"]["nodes"]}
    parts.append("<h2>Provenance</h2><ul>")
    parts += [f"<li>{_e(labels[e['from']])} <i>{_e(e['kind'])}</i> {_e(labels[e['to']])}</li>"
              for e in d["provenance"]["edges"]]
    parts.append("</ul><p>Primary sources: " + _e(", ".join(n["label"] for n in d["provenance"]["nodes"] if n["primary"])
                 or "none identified") + "</p><h2>Figures</h2><ul>")
    for series in d["figures"]:
        points = "; ".join(f"{p['value']:,.0f} ({p['as_of'] or 'undated'}, {p['source'] or '?'})" for p in series["points"])
        parts.append(f"<li><b>{_e(series['subject'])}</b>: {_e(points)}</li>")
    parts.append("</ul>" + ("" if d["figures"] else "<p>None found.</p>") + "<h2>Timeline</h2><ul>")
    parts += [f"<li>{_e(t['date'])}: {_e(t['text'])}</li>" for t in d["timeline"]]
    parts.append("</ul>" + ("" if d["timeline"] else "<p>No dated events.</p>") + "</html>")
    return "".join(parts)
