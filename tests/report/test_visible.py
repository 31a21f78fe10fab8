"""Reports show bidi control characters instead of letting article text reorder itself."""

from __future__ import annotations

import pytest

from wiretrace.report import to_html, to_markdown
from wiretrace.report.visible import BIDI_CONTROLS, show_bidi

RLO = "\u202e"


def test_every_control_is_shown_and_other_text_is_kept():
    shown = show_bidi("a" + BIDI_CONTROLS + "b\u05d0")  # Hebrew letters are text, not controls
    assert not set(shown) & set(BIDI_CONTROLS) and shown.startswith("a[U+202A]") and shown.endswith("b\u05d0")
    assert show_bidi(None) is None and show_bidi(3) == 3


@pytest.mark.parametrize("render", [to_markdown, to_html])
def test_reports_show_bidi_controls(render):
    dossier = {
        "story": {"id": "s", "title": f"evil{RLO}txt.exe", "articles": ["a"], "outlets": [f"Out{RLO}let"],
                  "first_seen": None, "last_seen": None},
        "claims": [{"id": "g", "text": f"A {RLO}claim", "status": "single-source", "independent_sources": 1,
                    "primary_source": f"Min{RLO}istry",
                    "mentions": [{"outlet": f"Out{RLO}let", "stance": "agree", "speaker": f"Sp{RLO}eaker",
                                  "text": f"A {RLO}claim"}]}],
        "discrepancies": [], "provenance": {"nodes": [], "edges": []},
        "figures": [{"subject": f"work{RLO}ers", "points": [{"value": 5.0, "as_of": f"May{RLO}", "source": "x"}]}],
        "timeline": [{"date": "2023-05-01", "text": f"met {RLO}today"}],
    }
    text = render(dossier)
    assert RLO not in text and text.count("U+202E") >= 7, text
