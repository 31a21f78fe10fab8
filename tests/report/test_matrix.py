"""The claims × outlets matrix: one rule, the same cells in the HTML report and on the web page."""

from __future__ import annotations

import re

from conftest import import_or_skip

from wiretrace.report import to_html
from wiretrace.report.matrix import claim_matrix

# Outlet "Daily Two" both agrees and contradicts; "Wire One" agrees; "Third Post" names no mention.
DOSSIER = {
    "story": {"id": "s-1", "title": "Bridge closes", "articles": ["a1", "a2", "a3"],
              "outlets": ["Wire One", "Daily Two", "Third Post"], "first_seen": "2024-05-03",
              "last_seen": "2024-05-04", "article_outlets": {"a1": "Wire One", "a2": "Daily Two", "a3": "Daily Two"}},
    "claims": [{"id": "g1", "text": "The bridge closes on Monday.", "kind": "statement", "status": "disputed",
                "independent_sources": 2, "articles": ["a1", "a2", "a3"], "primary_source": None,
                "mentions": [
                    {"claim": "c1", "article": "a1", "outlet": "Wire One", "stance": "agree", "text": "closes",
                     "start": 0, "end": 6, "speaker": None},
                    {"claim": "c2", "article": "a2", "outlet": "Daily Two", "stance": "agree", "text": "closes",
                     "start": 0, "end": 6, "speaker": None},
                    {"claim": "c3", "article": "a3", "outlet": "Daily Two", "stance": "contradict",
                     "text": "stays open", "start": 2, "end": 12, "speaker": None},
                ]}],
    "discrepancies": [], "provenance": {"nodes": [], "edges": []}, "figures": [], "timeline": [],
}


def test_contradiction_wins_over_agreement_in_a_cell():
    outlets, rows = claim_matrix(DOSSIER)
    assert outlets == ["Wire One", "Daily Two", "Third Post"]
    assert [c.state for c in rows[0].cells] == ["agree", "contradict", "silent"]
    assert rows[0].cells[1].mention["claim"] == "c3" and rows[0].cells[1].count == 2


def test_mention_outlets_missing_from_the_story_get_a_column():
    dossier = {**DOSSIER, "story": {**DOSSIER["story"], "outlets": []}}
    outlets, rows = claim_matrix(dossier)
    assert outlets == ["Wire One", "Daily Two"]
    assert [c.state for c in rows[0].cells] == ["agree", "contradict"]


def test_html_report_shows_the_contradiction():
    html = to_html(DOSSIER)
    row = re.search(r"<tr><td>The bridge closes on Monday\.</td>.*?</tr>", html, re.S).group(0)
    assert re.findall(r"<td class=(\w+)>", row) == ["agree", "contradict", "silent"]


def test_web_page_shows_the_contradiction():
    import_or_skip("fastapi")
    from wiretrace.web.app import make_templates, render_dossier

    html = render_dossier(make_templates(), DOSSIER).body.decode()
    assert re.findall(r'class="cell cell-(\w+)"', html.split('<table class="matrix">', 1)[1]) == [
        "agree", "contradict", "silent"]
