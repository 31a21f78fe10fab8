"""A reporting-verb baseline for attribution, what one would write without a parser.

Each sentence (split at . ! ? followed by a space and a capital or a quote) with a reporting verb from a
short list ("said", "told", "according to", …) is an attribution: its source the run of capitalised
words (or the pronoun) next to the verb, before it or, for "according to" and "said X", after it; its
content the rest of the sentence. A quoted span in such a sentence is paired with that source.
It shares nothing with wiretrace's extractor, so `eval/attribution.py` prints it beside it.
"""

from __future__ import annotations

import re

Span = tuple[int, int]
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’']*|$)")
_VERB = re.compile(
    r"\b(said|says|say|told|tells|added|stated|announced|explained|noted|wrote|argued|claimed|insisted"
    r"|warned|reported|according to)\b", re.I)
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*|\b(?:he|she|they|it|we|I)\b)\s*,?\s*$")
_NAME_AFTER = re.compile(r"^\s*((?:[A-Z][\w.'’-]*\s*){1,4}|(?:he|she|they|it|we)\b)")
_QUOTE = re.compile(r"[“\"]([^“”\"]{3,})[”\"]")


def _source(sentence: str, verb: re.Match[str]) -> Span | None:
    """The source span (relative to the sentence) next to the verb."""
    before = _NAME_BEFORE.search(sentence[: verb.start()])
    if before and verb[1].lower() != "according to":
        return before.start(1), before.end(1)
    after = _NAME_AFTER.match(sentence[verb.end():])
    if after:
        return verb.end() + after.start(1), verb.end() + after.end(1)
    return None


def predict_text(text: str) -> dict[str, list]:
    """Source spans, content extents and (quote, source) pairs, in raw-text offsets."""
    sources, contents, pairs = set(), set(), set()
    for sentence in _SENTENCE.finditer(text):
        s = sentence.group()
        verb = _VERB.search(s)
        if not verb:
            continue
        span = _source(s, verb)
        if span is None:
            continue
        base = sentence.start()
        source = (base + span[0], base + span[1])
        lead = len(s) - len(s.lstrip())
        content = (base + lead, base + len(s.rstrip()))
        sources.add(source)
        contents.add(content)
        for quote in _QUOTE.finditer(s):
            pairs.add(((base + quote.start(), base + quote.end()), source))
    return {"source": sorted(sources), "content": sorted(contents), "pairs": sorted(pairs)}
