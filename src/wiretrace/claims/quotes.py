"""Direct quotes: where they are, and which attribution (hence which speaker) each belongs to.

Quote marks in scraped news are a mix of straight and curly, sometimes both in one quote ("...”), so
a straight mark opens or closes depending on the characters around it. A quote never crosses a
paragraph; one left open runs to the end of its paragraph (the news convention for quotes that go on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from wiretrace.claims.attributions import Attribution

Span = tuple[int, int]

_OPEN, _CLOSE, _EITHER = "“«", "”»", '"'
# Two apostrophes stand for a double quote in some archives ("''It's over,'' he said.").
_MARK = re.compile(r"''|[\"“”«»]")


@dataclass(frozen=True)
class Quote:
    """A direct quote (marks included) and the attribution it was matched to, if any."""

    span: Span
    attribution: Attribution | None = None
    continued: bool = False


def find_quote_spans(text: str, min_words: int = 1) -> list[Span]:
    """Spans of quoted passages, quote marks included, in text order."""
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        opened: int | None = None
        for match in _MARK.finditer(para.group()):
            pos = para.start() + match.start()
            if opened is None and _opens(text, pos):
                opened = pos
            elif opened is not None and _closes(text, pos):
                spans.append((opened, pos + len(match.group())))
                opened = None
        if opened is not None:
            spans.append((opened, para.end()))
    return [s for s in spans if len(text[s[0] : s[1]].split()) >= min_words]


def _opens(text: str, pos: int) -> bool:
    char = text[pos]
    if char in _OPEN:
        return True
    if char in _CLOSE:
        return False
    before = text[pos - 1] if pos else " "
    return before.isspace() or before in "([{—–-:/" or pos == 0


def _closes(text: str, pos: int) -> bool:
    return text[pos] in _CLOSE or text[pos] in (_EITHER, "'")


def attach_quotes(
    text: str, quotes: Sequence[Span], attributions: Sequence[Attribution], sentences: Sequence[Span]
) -> tuple[list[Quote], list[Attribution]]:
    """Match each quote to an attribution and widen attribution contents to whole quotes.

    A quote takes the attribution whose content it overlaps, else one whose cue sits in the same
    sentence, else (a quote standing alone in its paragraph, or following a quote in its paragraph)
    the previous quote's attribution.
    """
    widened = [_widen(a, quotes) for a in attributions]
    matched: list[Quote] = []
    previous: Quote | None = None
    for span in quotes:
        match = _overlapping(span, widened) or _same_sentence(span, widened, sentences)
        continued = False
        if match is None and previous and previous.attribution and _continues(text, previous, span):
            match, continued = previous.attribution, True
        previous = Quote(span, match, continued)
        matched.append(previous)
    return _with_quotes_as_content(matched, widened)


def _with_quotes_as_content(
    quotes: list[Quote], attributions: list[Attribution]
) -> tuple[list[Quote], list[Attribution]]:
    """Add each quote to the content of the attribution it was matched to."""
    extra: dict[int, list[Span]] = {}
    for quote in quotes:
        if quote.attribution is not None:
            extra.setdefault(id(quote.attribution), []).append(quote.span)
    new: dict[int, Attribution] = {}
    for attribution in attributions:
        pieces = list(attribution.content)
        for span in extra.get(id(attribution), []):
            if not any(p[0] < span[1] and span[0] < p[1] for p in pieces):
                pieces.append(span)
        new[id(attribution)] = replace(attribution, content=tuple(sorted(pieces)))
    quotes = [replace(q, attribution=new[id(q.attribution)]) if q.attribution else q for q in quotes]
    return quotes, list(new.values())


def _widen(attribution: Attribution, quotes: Sequence[Span]) -> Attribution:
    """Replace content pieces that fall inside a quote by the whole quote."""
    pieces: list[Span] = []
    for piece in attribution.content:
        hits = [q for q in quotes if q[0] < piece[1] and piece[0] < q[1]]
        new = (min([piece[0], *(q[0] for q in hits)]), max([piece[1], *(q[1] for q in hits)])) if hits else piece
        if new not in pieces:
            pieces.append(new)
    return replace(attribution, content=tuple(pieces))


def _overlapping(span: Span, attributions: Sequence[Attribution]) -> Attribution | None:
    for attribution in attributions:
        cue_inside = span[0] <= attribution.cue[0] < span[1]
        if not cue_inside and any(p[0] < span[1] and span[0] < p[1] for p in attribution.content):
            return attribution
    return None


def _same_sentence(span: Span, attributions: Sequence[Attribution], sentences: Sequence[Span]) -> Attribution | None:
    """An attribution whose cue is in a sentence the quote touches (`"A," he said, "B."`)."""
    touched = [s for s in sentences if s[0] < span[1] and span[0] < s[1]]
    if not touched:
        return None
    lo, hi = touched[0][0], touched[-1][1]
    for attribution in attributions:
        cue = attribution.cue
        inside_quote = span[0] <= cue[0] < span[1]
        if lo <= cue[0] < hi and not inside_quote:
            return attribution
    return None


def _continues(text: str, previous: Quote, span: Span) -> bool:
    """Whether a quote with no cue continues the previous one.

    It does when it follows in the same paragraph with at most the previous quote's cue in between, or
    stands as a paragraph of its own right after it.
    """
    between = text[previous.span[1] : span[0]]
    if "\n" not in between:
        cue = previous.attribution.cue if previous.attribution else (-1, -1)
        return len(between.split()) <= 3 or previous.span[1] <= cue[0] < span[0]
    if between.count("\n\n") > 1 or between.strip():
        return False
    line_start = text.rfind("\n", 0, span[0]) + 1
    line_end = text.find("\n", span[1])
    line_end = len(text) if line_end < 0 else line_end
    rest = text[line_start : span[0]] + text[span[1] : line_end]
    return not rest.strip(" .,")
