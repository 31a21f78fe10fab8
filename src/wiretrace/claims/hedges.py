"""Hedges and modality: the words that make a claim less than certain.

They are kept per claim so that a later stage can notice when one outlet repeats a claim with its
hedge dropped ("reportedly banned" becoming "banned").
"""

from __future__ import annotations

import re

HEDGE_WORDS =(
    "reportedly allegedly alleged purportedly supposedly apparently likely unlikely possibly probably"
    " perhaps presumably may might could would unconfirmed unofficial unofficially informal rumor rumors"
    " rumour rumours rumored speculation suspected estimated estimate estimates approximately roughly"
    " claimed claims seems seemed appears appeared believed thought"
).split()
HEDGE_PHRASES = ("is said to", "are said to", "was said to", "were said to", "according to unconfirmed",
                 "it is understood", "is understood to", "appears to", "seems to", "are thought to",
                 "is thought to", "are believed to", "is believed to")
_WORD = re.compile(r"\b(" + "|".join(sorted(HEDGE_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_PHRASE = re.compile(r"\b(" + "|".join(re.escape(p) for p in HEDGE_PHRASES) + r")\b", re.IGNORECASE)
# "likely" right after a determiner, a preposition or a count modifies the noun after it ("552 likely voters")
_ATTRIBUTIVE = re.compile(r"(?:\b(?:the|a|an|his|her|their|its|our|my|your|among|of|for|with|between)|\d)\s+"
                          r"(?:un)?likely$", re.IGNORECASE)
_CONDITIONAL = re.compile(r"(?:^|[\s,“\"])(if|unless)\s", re.IGNORECASE)


def find_hedges(text: str) -> list[str]:
    """Hedge words and phrases in a claim, lower-cased, in order, each once; "conditional" for if-clauses.

    Example:
        >>> find_hedges("The mayor reportedly banned protests, which would likely backfire")
        ['reportedly', 'would', 'likely']
    """
    found: list[tuple[int, str]] = [(m.start(), m.group(1).lower()) for m in _PHRASE.finditer(text)]
    covered = [(m.start(), m.end()) for m in _PHRASE.finditer(text)]
    for match in _WORD.finditer(text):
        if match.group(1).lower() in ("likely", "unlikely") and _ATTRIBUTIVE.search(text[: match.end()]):
            continue  # "among likely voters", "the likely nominee": a kind of voter, no doubt about a claim
        if not any(s <= match.start() < e for s, e in covered):
            found.append((match.start(), match.group(1).lower()))
    if _CONDITIONAL.search(text):
        found.append((_CONDITIONAL.search(text).start(1), "conditional"))
    seen: list[str] = []
    for _pos, word in sorted(found):
        if word not in seen:
            seen.append(word)
    return seen
