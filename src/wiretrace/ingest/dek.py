"""The standfirst: the summary a news page prints under its headline.

Main-content extractors treat it as page furniture (it sits in the header, next to the byline), but it
is the article's own text and a reader reads it first. It is found by structure alone, with no
outlet's class names: the first block of prose after the page's first `h1` in document order, outside
figures, bylines and link lists, that the body does not already contain. It is looked for before
extraction (trafilatura prunes the tree it is given) and kept after it only if the body lacks it.
"""

from __future__ import annotations

import re
from typing import Any

from wiretrace.ingest.dates import MONTH_NAME

# Words a standfirst has: fewer is a label or a byline, more is the lead paragraph or a whole header.
DEK_MIN_WORDS, DEK_MAX_WORDS = 6, 80
# Share of the standfirst's word trigrams already in the body at which it is the lead paragraph
# (`HtmlOptions.dek_covered` overrides it; `eval/extraction.py --loo` chooses it).
DEK_COVERED = 0.8
# Elements after the headline looked at (a header with byline, share buttons and a photo has ~60).
DEK_LOOKAHEAD = 120
_BLOCKS = {"p", "h2", "h3", "div", "span", "section"}
_FURNITURE = ("figure", "figcaption", "picture", "time", "button", "nav", "aside", "form", "ul", "ol",
              "script", "style", "noscript", "iframe", "video", "svg", "a")
_NOT_IN = "ancestor-or-self::*[" + " or ".join(f"self::{t}" for t in _FURNITURE) + "]"
_BYLINE = re.compile(r"^(by|updated|published|posted)\b", re.I)
_CREDIT = re.compile(r"\b(photo(graph)?|illustration|image|picture|credit)s?(\s+by|:|/)", re.I)
# A dateline ("Thursday, February 29, 2024"): a month name and a year in a short block.
_DATE = re.compile(MONTH_NAME + r"\.?\s+\d{1,2}\b.{0,20}\b\d{4}\b|\b\d{1,2}\s+" + MONTH_NAME + r"\.?\s+\d{4}\b", re.I)
_DATE_MAX_WORDS = 15


def dek_candidate(tree: Any) -> str | None:
    """The first prose block after the first headline, or None (the page has no `h1`, or nothing fits)."""
    headlines = tree.xpath("//body//h1")
    if not headlines:
        return None
    title_words = set(_words(headlines[0].text_content()))
    for element in headlines[0].xpath(f"following::*[position() <= {DEK_LOOKAHEAD}]"):
        if element.tag not in _BLOCKS or element.xpath(".//p|.//div|.//h2|.//h3"):
            continue  # containers are judged by their blocks
        text = " ".join(element.text_content().split())
        words = _words(text)
        if len(words) < DEK_MIN_WORDS or _BYLINE.match(text) or _CREDIT.search(text):
            continue
        if len(words) < _DATE_MAX_WORDS and _DATE.search(text):
            continue
        if element.xpath(_NOT_IN) or set(words) <= title_words:
            continue
        return text if len(words) <= DEK_MAX_WORDS else None
    return None


def keep_dek(candidate: str | None, body: str, covered_at: float = DEK_COVERED) -> str | None:
    """The candidate standfirst unless the body already has it (then it was the lead paragraph).

    A standfirst often repeats a phrase of the body; the lead paragraph printed twice shares nearly all
    of its word trigrams, so `covered_at` (the share at which it counts as present) sits well above 0.5.
    """
    if not candidate:
        return None
    grams = _trigrams(_words(candidate))
    spaced = f" {' '.join(_words(body))} "  # a few dozen substring searches cost less than the body's trigram set
    covered = sum(f" {' '.join(g)} " in spaced for g in grams) / max(len(grams), 1)
    return candidate if covered < covered_at else None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
