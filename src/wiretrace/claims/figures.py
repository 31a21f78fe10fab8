"""Figures: numbers with what they count, how hedged they are and the date they hold for.

Numbers are found with a regular expression (digits are unambiguous, and regexes are fast); what
they count comes from the parse (`nummod`: "12,400 workers", or "estimates deaths at 3,000"). Counts
of the same thing are compared across outlets, so the counted noun is mapped to a broad family
(`data/counted_nouns.tsv`) and the event to "lost" where it is a loss: "soldiers killed", "residents lost" and
"deaths" are all "people lost", told apart by their demonym (`data/demonyms.tsv`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from wiretrace.claims.lexicon import COUNTED_NOUN_FAMILY, DEMONYM_WORDS, DEMONYMS
from wiretrace.claims.nlp import lemma
from wiretrace.claims.numbers import NUMBER, is_year, number_value
from wiretrace.ingest.dates import MONTH_NAME

Span = tuple[int, int]

_QUALIFIER = re.compile(
    r"(?:\b(at least|at most|more than|less than|fewer than|over|under|almost|nearly|about|around|roughly|"
    r"approximately|some|up to|as many as|as few as|close to|an estimated|a total of|upwards of|~)\s*)$",
    re.IGNORECASE,
)
_AS_OF = re.compile(r"\b(?:as of|as at)\s+((?:[\w,]+\s?){1,4})", re.IGNORECASE)
_LOSS_WORDS = frozenset(["kill", "lose", "die", "death", "casualty", "dead"])


_CANONICAL_NOUN = COUNTED_NOUN_FAMILY
_DEMONYMS = DEMONYMS
"""Country name -> demonym ("Kenya" -> "Kenyan"), for a figure whose counting verb has the country as subject."""
_DEMONYM_WORDS = DEMONYM_WORDS


@dataclass(frozen=True)
class Figure:
    """One number in the text, with its reading."""

    span: Span
    value: float
    unit: str | None
    subject: str | None
    qualifier: str | None
    as_of: str | None


def find_figures(text: str, sentence: Span, doc, published: str | None) -> list[Figure]:
    """Figures in one parsed sentence (`doc` parses `text[sentence]`)."""
    base = sentence[0]
    chunk = text[sentence[0] : sentence[1]]
    figures = []
    for match in NUMBER.finditer(chunk):
        if match["word"] or _is_not_a_count(chunk, match):
            continue
        value = number_value(match)
        if value is None:  # beyond any plausible count: the number stays text in its sentence's claims
            continue
        qualifier = _QUALIFIER.search(chunk, 0, match.start())
        token = _token_at(doc, match.start("num"))
        unit, subject = _what_is_counted(token, match)
        start = base + (qualifier.start(1) if qualifier else match.start())
        figures.append(Figure((start, base + match.end()), value, unit, subject,
                              qualifier.group(1).lower() if qualifier else None, _as_of(chunk, published)))
    return figures


def _is_not_a_count(chunk: str, match: re.Match[str]) -> bool:
    """Years, dates, ages, times and ordinals are numbers but not figures."""
    after = chunk[match.end() : match.end() + 12].lower()
    before = chunk[max(0, match.start() - 10) : match.start()].lower()
    if is_year(match):
        return True
    if re.search(rf"\b{MONTH_NAME}\.?\s*$", before) or re.match(r"(st|nd|rd|th)\b", after):
        return True
    return bool(re.match(r"[-\s]?(year|month|day)s?[-\s]old|\s?(a\.m|p\.m)|:\d", after))


def _token_at(doc, offset: int):
    for token in doc:
        if token.idx <= offset < token.idx + len(token):
            return token
    return None


def _what_is_counted(token, match: re.Match[str]) -> tuple[str | None, str | None]:
    """Unit and subject: the noun the number modifies (or is set against) and the event it undergoes."""
    if match["cur"]:
        return match["cur"].strip(), None
    if match["pct"]:
        return "%", None
    if token is None:
        return None, None
    noun = _counted_noun(token)
    if noun is None:
        return None, None
    base = lemma(noun).lower()
    unit = _CANONICAL_NOUN.get(base, _CANONICAL_NOUN.get(base.rstrip("s"), noun.text.lower()))
    anchor = _anchor(noun)
    event = _event(anchor)
    loss = event in _LOSS_WORDS or base.rstrip("s") in _LOSS_WORDS
    words = [_demonym(noun) or _demonym(anchor), unit, "lost" if loss else event]
    return unit, " ".join(w for w in words if w)


_GENERIC = frozenset(["number", "total", "figure", "tally", "count", "sum"])


def _anchor(noun):
    """`a total of 12,400 workers`: the noun that carries the verb is "total"."""
    while noun.dep_ == "pobj" and noun.head.lower_ == "of" and lemma(noun.head.head).lower() in _GENERIC:
        noun = noun.head.head
    return noun


def _counted_noun(token):
    """`12,400 workers` -> workers; `estimates deaths at 3,000` -> deaths."""
    while token.dep_ in ("compound", "quantmod") and token.head.i != token.i:
        token = token.head
    if token.dep_ == "nummod" and lemma(token.head).lower() in _GENERIC and token.head.dep_ == "pobj":
        token = token.head
    elif token.dep_ == "nummod" and token.head.pos_ in ("NOUN", "PROPN"):
        return token.head
    if token.dep_ == "pobj" and token.head.lower_ in ("at", "to"):
        verb = token.head.head
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if obj is not None and obj.pos_ == "NOUN":
            return obj
        if verb.pos_ == "NOUN":
            return verb
    if token.dep_ == "pobj" and token.head.lower_ == "including":
        return _counted_noun_of_head(token.head.head)
    return None


def _counted_noun_of_head(token):
    return token if token.pos_ == "NOUN" else None


def _event(noun) -> str | None:
    """The verb the counted noun is subject or object of, as a lemma."""
    head = noun.head
    if noun.dep_ in ("nsubj", "nsubjpass", "dobj") and head.pos_ in ("VERB", "AUX"):
        return lemma(head).lower()
    return None


def _demonym(noun) -> str | None:
    """Whose: an adjective on the noun ("Kenyan workers") or the verb's subject ("Kenya has lost")."""
    for child in noun.children:
        if child.ent_type_ == "NORP" or child.text in _DEMONYM_WORDS:
            return child.text
    head = noun.head
    if noun.dep_ == "dobj":
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return _DEMONYMS.get(subject.text, subject.text if subject.ent_type_ == "NORP" else None)
    return None


def _as_of(chunk: str, published: str | None) -> str | None:
    """The date a figure holds for, from "as of Monday", resolved against the publication date."""
    match = _AS_OF.search(chunk)
    if match is None or not published:
        return None
    import dateparser

    expression = match.group(1).strip(" ,")
    base = datetime.fromisoformat(published[:10])
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
    words = expression.split()
    for n in range(len(words), 0, -1):  # "Monday, Kenya has" -> try "Monday, Kenya", then "Monday"
        parsed = dateparser.parse(" ".join(words[:n]).strip(","), settings=settings, languages=["en"])
        if parsed is not None:
            return parsed.date().isoformat()
    return None


def link_rounded(figures: list[tuple[str, Figure]]) -> dict[str, str]:
    """Map the id of each rounded or hedged figure to the id of the exact figure it restates.

    "over 12,400 workers" restates "12,430 workers" when both count the same thing and differ by under 2%.
    """
    links: dict[str, str] = {}
    for fid, fig in figures:
        for oid, other in figures:
            if oid == fid or fig.unit != other.unit or fig.subject != other.subject or not fig.unit:
                continue
            close = abs(fig.value - other.value) <= 0.02 * max(fig.value, other.value)
            if close and _roundness(fig.value) > _roundness(other.value):
                links[fid] = oid
    return links


def _roundness(value: float) -> int:
    """Trailing zeros of an integer value: 12,400 -> 2, 12,430 -> 1."""
    number, zeros = int(value), 0
    while number and number % 10 == 0:
        number //= 10
        zeros += 1
    return zeros
