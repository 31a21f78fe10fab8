"""The one number reader: digits or number words, a scale word, a currency or percent sign, with bounds.

Figures (`claims.figures`) and the numeric checks (`crosscheck.checks`) read numbers with this one
pattern and this one table of scale words, so "5 mln" is five million to both. A value is made only
when it is finite and within `MAX_VALUE`: hostile text ("999…9 trillion", 300 nines) is kept as text
and never becomes `inf`, which would break every later comparison, rounding and chart.
"""

from __future__ import annotations

import math
import re

MAX_VALUE = 1e15
"""The largest value read as a number. The largest counts in news are money: national debts (~3.5e13 $)
and world GDP (~1e14 $); 1e15 leaves a tenfold margin. Anything larger is no plausible count."""

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "dozen": 12,
}
SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12,
          "k": 1e3, "m": 1e6}
"""Scale words. The one-letter ones ("5k", "$3m") count only written against the digits: "100 m" is metres."""

NUMBER = re.compile(
    r"(?<![\w.,/-])(?P<cur>[$€£]\s?)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<scale>\s*(?:thousand|million|mln|billion|bn|trillion)\b|(?:k|m)\b)?"
    r"(?P<pct>\s?(?:%|percent\b|per cent\b))?"
    r"|\b(?P<word>" + "|".join(WORD_NUMBERS) + r")\b",
    re.IGNORECASE,
)
"""Digits with an optional currency, scale and percent sign, or a number word (group `word`)."""

YEAR = re.compile(r"(1[89]|20)\d\d")


def number_value(match: re.Match[str]) -> float | None:
    """The value of a `NUMBER` match, or None when it is not finite or over `MAX_VALUE`.

    >>> number_value(NUMBER.search("about 1.5 million people"))
    1500000.0
    """
    if match["word"]:
        return float(WORD_NUMBERS[match["word"].lower()])
    scale = SCALES[match["scale"].strip().lower()] if match["scale"] else 1.0
    return bounded(float(match["num"].replace(",", "")) * scale)


def bounded(value: float) -> float | None:
    """`value` if it is a finite number within `MAX_VALUE`, else None."""
    return value if math.isfinite(value) and abs(value) <= MAX_VALUE else None


def is_year(match: re.Match[str]) -> bool:
    """"1998", "2023": four digits of a year, with no currency, scale or percent sign."""
    plain = not (match["cur"] or match["scale"] or match["pct"])
    return bool(match["num"] and plain and YEAR.fullmatch(match["num"]))
