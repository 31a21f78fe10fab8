"""Contrast sets: words that cannot both describe one fact (official/unofficial, praised/denounced).

Source: written by hand for wiretrace (no WordNet, no downloaded list). The qualifier sets come from the
distortions the project's issue 17 names (official/unofficial, confirmed/alleged, fired/imprisoned) and
from how news reports hedge an outcome (formal/informal, temporary/permanent, partial/full); the
antonym sets are common English opposites of the kind summary editors swap (rise/fall, win/lose,
accept/reject) and the verbs of praise and blame news uses for reactions. Words are matched on their
spaCy lemma or lower-cased form, so "praised" and "praises" both count as "praise".

Each set maps a word to its class; two words of one set and different classes contradict each other,
unless the text holding one also holds the other's class (then it speaks of both).
"""

from __future__ import annotations

from functools import lru_cache

QUALIFIERS: dict[str, dict[str, str]] = {
    "official": {w: "official" for w in ("official", "officially", "formal", "formally")}
    | {w: "unofficial" for w in ("unofficial", "unofficially", "informal", "informally", "unwritten", "tacit")},
    "confirmed": {w: "confirmed" for w in ("confirmed", "verified", "proven")}
    | {w: "alleged" for w in ("alleged", "allegedly", "unconfirmed", "unverified", "suspected", "rumored",
                              "rumoured", "purported", "purportedly")},
    "legal": {w: "legal" for w in ("legal", "legally", "lawful", "lawfully")}
    | {w: "illegal" for w in ("illegal", "illegally", "unlawful", "unlawfully")},
    "public": {w: "public" for w in ("public", "publicly", "openly")}
    | {w: "secret" for w in ("secret", "secretly", "private", "privately", "covert", "covertly")},
    "duration": {w: "permanent" for w in ("permanent", "permanently", "indefinite", "indefinitely")}
    | {w: "temporary" for w in ("temporary", "temporarily", "interim")},
    "extent": {w: "full" for w in ("full", "fully", "complete", "completely", "total", "totally", "entire")}
    | {w: "partial" for w in ("partial", "partially", "partly")},
    "will": {w: "voluntary" for w in ("voluntary", "voluntarily")}
    | {w: "forced" for w in ("forced", "compulsory", "mandatory", "involuntary")},
    "sanction": {w: "dismissed" for w in ("fire", "fired", "firing", "dismiss", "dismissed", "sack", "sacked",
                                          "oust", "ousted")}
    | {w: "jailed" for w in ("imprison", "imprisoned", "jail", "jailed", "prison", "arrest", "arrested",
                             "detain", "detained")}
    | {w: "killed" for w in ("execute", "executed", "kill", "killed")},
}
"""Qualifiers: how official, certain, lasting or severe a fact is. A claim's qualifier that the evidence
does not state is not borne out by it (`check` then does not count that sentence as support)."""

_PAIRS = [
    ("praise hail applaud laud commend welcome celebrate endorse admire", "denounce condemn criticize criticise"
     " slam blast decry deplore disaster catastrophe catastrophic ashamed disgrace shameful"),
    ("support", "oppose"), ("approve", "reject veto"), ("approve back greenlight", "cancel scrap axe shelve"), ("accept", "reject refuse decline"),
    ("increase rise raise grow gain boost expand increasing", "decrease fall drop decline lower shrink reduce cut"
     " decreasing"),
    ("win", "lose"), ("allow permit legalize", "ban prohibit forbid"), ("open", "close"),
    ("start begin", "end stop finish"), ("include", "exclude"), ("agree", "disagree"), ("like love enjoy",
     "dislike hate"), ("success succeed successful", "failure fail unsuccessful"), ("strong", "weak"),
    ("high higher highest", "low lower lowest"), ("more", "less fewer"), ("positive", "negative"),
    ("good better best", "bad worse worst"), ("easy", "difficult hard"), ("cheap inexpensive", "expensive costly"),
    ("early earlier", "late later"), ("before", "after"), ("buy", "sell"), ("hire", "fire"), ("arrive", "depart"),
    ("advance", "retreat"), ("import", "export"), ("profit", "loss"), ("surplus", "deficit"),
    ("majority", "minority"), ("maximum", "minimum"), ("first", "last"), ("same", "different"),
    ("true", "false"), ("safe", "dangerous unsafe"), ("happy pleased satisfied", "unhappy disappointed"
     " dissatisfied sad"), ("available", "unavailable"), ("possible", "impossible"), ("likely", "unlikely"),
    ("able", "unable"), ("necessary", "unnecessary"), ("correct", "incorrect wrong"), ("complete", "incomplete"),
    ("remember", "forget"), ("add", "remove"), ("optimistic", "pessimistic"), ("improve", "worsen deteriorate"),
    ("strengthen", "weaken"), ("outperform", "underperform"), ("upgrade", "downgrade"), ("rich wealthy", "poor"),
    ("young", "old"), ("large big", "small"), ("long", "short"), ("fast quick", "slow"), ("hot warm", "cold"),
    ("wide", "narrow"), ("interested", "uninterested bored"), ("bullish", "bearish"), ("internal", "external"),
    ("domestic", "foreign"), ("above", "below"), ("male", "female"), ("man men", "woman women"),
    ("boy", "girl"), ("son", "daughter"), ("brother", "sister"), ("husband", "wife"), ("father", "mother"),
    ("morning", "evening night"), ("yesterday", "tomorrow"), ("north northern", "south southern"),
    ("east eastern", "west western"), ("inside", "outside"), ("friend", "enemy"), ("ally", "enemy"),
    ("victory", "defeat"), ("guilty", "innocent"), ("present", "absent"),
    ("confident", "unsure uncertain"), ("clear", "unclear"), ("simple", "complex complicated"),
    ("deny", "admit confirm"), ("alive survive survivor", "dead die death"), ("acquit", "convict"),
]
ANTONYMS: dict[str, dict[str, str]] = {
    f"antonym:{i}": {w: side for side, words in (("a", a), ("b", b)) for w in words.split()}
    for i, (a, b) in enumerate(_PAIRS)
}
"""Opposites: a retelling that puts one where its source has the other reverses the fact."""


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[str, str, str]]]:
    """Word -> [(kind, set name, class)] over both tables."""
    index: dict[str, list[tuple[str, str, str]]] = {}
    for kind, table in (("qualifier", QUALIFIERS), ("antonym", ANTONYMS)):
        for name, words in table.items():
            for word, cls in words.items():
                index.setdefault(word, []).append((kind, name, cls))
    return index


def contrasts(word: str) -> list[tuple[str, str, str]]:
    """The contrast sets a word (lemma or lower-cased form) belongs to: [(kind, set name, class)]."""
    return _index().get(word.lower(), [])


def opposites(word: str) -> list[str]:
    """Every word of another class in the word's contrast sets ("official" -> "unofficial", "informal", …)."""
    found: list[str] = []
    for kind, name, cls in contrasts(word):
        table = QUALIFIERS if kind == "qualifier" else ANTONYMS
        found += [w for w, other in table[name].items() if other != cls and w not in found]
    return found
