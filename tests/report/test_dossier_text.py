"""Rendered dossiers say what is missing: articles without outlet or date, and empty sections."""

from __future__ import annotations

import pytest

from wiretrace.report import to_html, to_markdown

EMPTY = {
    "story": {"id": "s", "title": "Bridge", "articles": ["a", "b"], "outlets": [], "first_seen": None,
              "last_seen": None},
    "claims": [], "discrepancies": [], "provenance": {"nodes": [], "edges": []}, "figures": [], "timeline": [],
    "warnings": ["2 of 2 articles have no outlet; state them", "2 of 2 articles have no date; state them"],
}


@pytest.mark.parametrize("render", [to_markdown, to_html])
def test_reports_carry_the_metadata_warnings(render):
    text = render(EMPTY)
    assert "2 of 2 articles have no outlet" in text and "2 of 2 articles have no date" in text


def test_markdown_says_when_a_section_is_empty():
    text = to_markdown(EMPTY)
    for section, empty in (("Claims", "None found."), ("Discrepancies", "None found."),
                           ("Provenance", "No citations found."), ("Figures", "None found."),
                           ("Timeline", "No dated events.")):
        assert f"## {section}\n\n{empty}" in text, section


def test_html_says_when_figures_and_timeline_are_empty():
    text = to_html(EMPTY)
    assert "<h2>Figures</h2><ul></ul><p>None found.</p>" in text and "<p>No dated events.</p>" in text
