"""Link-only paragraphs (links to other stories, site furniture) leave the extracted text; others stay."""

from __future__ import annotations

import lxml.html
import pytest
from test_html import PARAGRAPHS, page

from wiretrace.ingest.html import HtmlOptions, extract_page
from wiretrace.ingest.links import drop_link_lines, line_key, link_blocks

TEASER = "COUNCIL DELAYS VOTE ON NEW BREAKWATER AFTER STORM DAMAGE"
SUBHEAD = "ISLANDERS WELCOME THE YEAR ROUND FERRY PLAN"
LINKED = 'The plan follows a <a href="/report">survey of island households</a> published last spring by the council.'


def _body(*extra: str) -> str:
    middle = "".join(extra)
    return "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + middle + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])


def test_a_link_only_paragraph_goes_and_a_subhead_and_a_linked_sentence_stay():
    html = page(_body(f'<p><a href="/breakwater"><strong>{TEASER}</strong></a></p>', f"<h2>{SUBHEAD}</h2>",
                      f"<p>{LINKED}</p>"))
    text = extract_page(html).text
    assert TEASER not in text
    assert SUBHEAD in text and "survey of island households" in text
    assert all(p in text for p in PARAGRAPHS)


def test_link_share_above_one_keeps_every_line():
    html = page(_body(f'<p><a href="/breakwater">{TEASER}</a></p>'))
    assert TEASER in extract_page(html, options=HtmlOptions(link_share=1.01)).text
    assert TEASER in extract_page(html, options=HtmlOptions(link_share=None)).text


@pytest.mark.parametrize(("block", "share", "found"), [
    ('<p><a href="/x">All of this is a link</a></p>', 0.9, True),
    ('<p>Our standards: <a href="/x">The trust principles of the publishing house</a></p>', 0.7, True),
    ('<p>Our standards: <a href="/x">The trust principles of the publishing house</a></p>', 0.9, False),
    (f"<p>{LINKED}</p>", 0.7, False),
    ("<p>No link at all in this paragraph</p>", 0.0, False),
])
def test_link_blocks_by_share_of_linked_text(block, share, found):
    tree = lxml.html.fromstring(f"<html><body><div>{block}</div></body></html>")
    keys = link_blocks(tree, share)
    assert bool(keys) is found
    if found:
        assert line_key(lxml.html.fromstring(block).text_content()) in keys


def test_a_line_missing_the_blocks_hidden_words_is_still_that_blocks():
    keys = frozenset({line_key("Our Standards: The Trust Principles., opens new tab")})
    text = "A paragraph of the article.\nOur Standards: The Trust Principles.\nAnother paragraph."
    assert drop_link_lines(text, keys) == "A paragraph of the article.\nAnother paragraph."
    assert drop_link_lines("Our", keys) == "Our"  # a word of a block is not the block


def test_dropping_is_idempotent_and_keeps_unmatched_text():
    keys = frozenset({line_key(TEASER)})
    text = f"{PARAGRAPHS[0]}\n{TEASER}\n{PARAGRAPHS[1]}"
    once = drop_link_lines(text, keys)
    assert drop_link_lines(once, keys) == once == f"{PARAGRAPHS[0]}\n{PARAGRAPHS[1]}"
    assert drop_link_lines(text, frozenset()) == text
