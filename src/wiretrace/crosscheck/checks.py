"""Explicit checks that a stance model gets wrong on news: numbers, negation, allegations.

They are pure functions over two strings, shared by `check` (claim vs evidence) and the cross-check
(mention vs mention). Each returns a small fact, and the caller decides how much it weighs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wiretrace.claims.numbers import NUMBER, is_year, number_value

_APPROX = re.compile(
    r"\b(about|around|roughly|nearly|almost|approximately|some|more than|over|at least|up to|under|fewer than"
    r"|less than|close to|an estimated|estimated|~)\s*$",
    re.I,
)
_MIN_BOUND = re.compile(r"\b(more than|over|at least|upwards of)\s*$", re.I)
_MAX_BOUND = re.compile(r"\b(up to|under|fewer than|less than|at most)\s*$", re.I)
NEGATIONS = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|cannot|denied|denies|deny|false|fake"
    r"|untrue)\b|n't\b",
    re.I,
)
ALLEGATION = re.compile(
    r"\b(alleged(ly)?|allegation|rumou?rs?|rumou?red|unconfirmed|unverified|claims? that|purported(ly)?"
    r"|speculat\w+|hoax|conspiracy theor\w+|falsely|debunked)\b",
    re.I,
)
_STOP = frozenset(
    "a an the of and or to in on at for by with from as is are was were be been being has have had that this"
    " these those it its their his her they he she we you i not no but if than then so such which who whom"
    " what when where while also after before over under about into out up down more most some any all"
    " would will can could should may might must do does did said says say".split()
)


@dataclass(frozen=True)
class Number:
    """A number in text: its value, whether it is approximate, and where it is."""

    value: float
    approximate: bool
    start: int
    end: int
    bound: str | None = None  # "min" for "over/at least N", "max" for "under/up to N"


def find_numbers(text: str, skip_years: bool = True) -> list[Number]:
    """Numbers with their qualifiers ("about 199,000" is approximate); years are skipped by default."""
    found = []
    for match in NUMBER.finditer(text):
        value = number_value(match)
        if value is None or (skip_years and is_year(match)):
            continue
        before = text[max(0, match.start() - 25) : match.start()]
        approx = bool(_APPROX.search(before))
        bound = "min" if _MIN_BOUND.search(before) else "max" if _MAX_BOUND.search(before) else None
        found.append(Number(value, approx or bool(match["scale"]), match.start(), match.end(), bound))
    return found


def numbers_compatible(a: Number, b: Number) -> bool:
    """Whether two mentions can be the same quantity: equal, or within rounding of an approximate one."""
    if a.value == b.value:
        return True
    for bounded, other in ((a, b), (b, a)):
        if bounded.bound == "min" and other.bound is None and other.value > bounded.value:
            return True
        if bounded.bound == "max" and other.bound is None and other.value < bounded.value:
            return True
    if not (a.approximate or b.approximate):
        return False
    big = max(abs(a.value), abs(b.value))
    return abs(a.value - b.value) <= 0.05 * big


def number_agreement(claim: str, evidence: str) -> bool | None:
    """Whether the numbers of a claim are borne out by the evidence.

    Returns True if every claim number has a compatible one in the evidence, False if one has only
    incompatible ones there, None when there is nothing to compare.
    """
    claim_numbers = [n for n in find_numbers(claim) if n.value >= 10 or not n.approximate]
    evidence_numbers = find_numbers(evidence)
    if not claim_numbers or not evidence_numbers:
        return None
    verdicts = [_borne_out(n, counted_unit(claim, n), evidence, evidence_numbers) for n in claim_numbers]
    if False in verdicts:
        return False
    return True if True in verdicts else None


_UNIT = re.compile(r"\s*(?:-?\s*plus\b|\+)?[\s-]*(?:[a-z]+-)?([a-z]+)", re.I)


def counted_unit(text: str, number: Number) -> str | None:
    """The word a number counts ("3 weeks" -> "week", "12,000 vehicles" -> "vehicle"), None if it is bare.

    Two numbers are only read as one quantity stated twice when they count the same thing: "every twenty
    minutes" says nothing against "for three weeks".
    """
    match = _UNIT.match(text, number.end)
    if not match or match[1].lower() in _STOP:
        return None
    return _stem(match[1].lower()).removesuffix("s")


def _borne_out(number: Number, unit: str | None, evidence: str, stated: list[Number]) -> bool | None:
    """True if the evidence states a compatible number, False if it states the same kind only differently."""
    if any(numbers_compatible(number, other) for other in stated):
        return True
    units = [counted_unit(evidence, other) for other in stated]
    if unit is not None and all(u is not None and u != unit for u in units):
        return None  # the evidence counts other things: nothing to compare
    return False


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning (stop words and short tokens dropped, crude stemming)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {_stem(w) for w in words if w not in _STOP and len(w) > 2}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def overlap(claim: str, evidence: str) -> float:
    """Share of the claim's content words found in the evidence."""
    words = content_words(claim)
    if not words:
        return 0.0
    return len(words & content_words(evidence)) / len(words)


def shared_words(a: str, b: str) -> float:
    """How far two texts are the same words: the smaller share of either's content words in the other.

    Digits are left out, so two sentences about one quantity that give it differently still match.
    """
    a, b = re.sub(r"\d[\d,.]*", " ", a), re.sub(r"\d[\d,.]*", " ", b)
    return min(overlap(a, b), overlap(b, a))


def negated(text: str) -> bool:
    """Whether the text contains a negation cue."""
    return bool(NEGATIONS.search(text))


def mentions_allegation(text: str) -> bool:
    """Whether the text reports an allegation or rumour rather than asserting it."""
    return bool(ALLEGATION.search(text))


_SPEECH = r"(?:said|says|told(?:\s+\w+){0,2}|added|stated|reported|announced|claimed|insisted|warned|confirmed)"
_TRAILING_FRAME = re.compile(
    r",\s+[^,]{1,90}?\b" + _SPEECH + r"\b(?:(?!\bthat\b)[^,;]){0,60}(?:,\s+(?:citing|quoting)\b[^,]{0,90})?[.!?\"”]*\s*$", re.I)
_LEADING_FRAME = re.compile(r"^(?:[^\"“,]{1,40},\s+)?[^\"“,]{1,120}?\b" + _SPEECH + r"\s+(?:that\s+)?", re.I)
_CLAUSE_BREAK = re.compile(r",?\s+and\s+that\s+|;\s+|,\s+but\s+", re.I)


def clauses(text: str, min_words: int = 3) -> list[str]:
    """The asserted clauses of a reported statement, without the reporting frame.

    "X said air levels were falling and that there was "no risk to drinking water."" asserts two
    things; read whole, the second is diluted by the first and by the frame, and a stance model misses
    that another outlet's "ammonia reached the drinking water supply" contradicts it. Only a frame at
    the start or end is removed and only "and that" / ";" / ", but" split, so a clause is never cut
    inside its own subject or object.
    """
    body = _TRAILING_FRAME.sub("", text.strip())
    body = _LEADING_FRAME.sub("", body, count=1)
    parts = []
    for piece in _CLAUSE_BREAK.split(body):
        piece = re.sub(r"[\"“”]", "", piece).strip(" ,.;:")
        if len(piece.split()) >= min_words:
            parts.append(piece[0].upper() + piece[1:] + ".")
    return parts or [text]
