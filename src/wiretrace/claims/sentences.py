"""Sentence segmentation tuned for news text.

A rule-based splitter: it is ~100x faster than pysbd on our corpus, and unlike blingfire it knows that
"Gen." and "U.S." do not end a sentence, that a closing quote belongs to the sentence it closes, and
that `"Why?" Trump asked.` is one sentence. Every line break is a boundary, so datelines, headlines
and list items never run into the next sentence.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# Words that are almost always followed by a period that does not end a sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen gens col lt sgt capt cpt maj adm cmdr gov govs sen sens rep reps pres prof rev"
    " st ste jr sr inc corp co ltd bros vs v jan feb mar apr jun jul aug sep sept oct nov dec ft mt"
    " messrs dept est approx fig gen'l supt atty hon insp det cpl pvt".split()
)

# After "U.S." and similar acronyms a sentence ends only if one of these words follows.
SENTENCE_STARTERS = frozenset(
    "the a an he she it they we i you this that these those there but and so yet in on at for if when"
    " while after before since although however meanwhile his her its their our my as still now then".split()
)

SPEECH_VERBS_AFTER_QUOTE = frozenset((
    "said says asked asks added adds told tells wrote writes replied"
).split())

_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"
_BOUNDARY = re.compile(rf"([.!?…]+)([{re.escape(_CLOSERS)}]*)(\s+)(?=[{re.escape(_OPENERS)}]*[A-Z0-9])")
# "LONDON (Reuters) - ", "WASHINGTON — ", "ORLANDO, Fla. (Reuters) -": a segment of its own.
_DATELINE = re.compile(r"([A-Z][A-Z .'-]{2,30}(?:,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?)?\s*(?:\([^)]{1,40}\))?)\s*[-—–]+\s+")
_WORD_BEFORE = re.compile(r"([\w.'’-]*)$")
_WORDS_AFTER = re.compile(r"[\"'“‘(\[]*([\w’']+)\s+(\w+)")


def split_sentences(text: str) -> list[Span]:
    """Split text into sentence spans, character offsets into `text`, whitespace trimmed.

    Example:
        >>> [text[s:e] for s, e in split_sentences(text := 'Gen. Smith left. He said "No." Done.')]
        ['Gen. Smith left.', 'He said "No."', 'Done.']
    """
    spans: list[Span] = []
    for line_start, line_end in _lines(text):
        start = line_start
        dateline = _DATELINE.match(text, line_start, line_end)
        if dateline:
            spans.append((line_start, line_start + len(dateline.group(1).rstrip())))
            start = dateline.end()
        line = text[line_start:line_end]
        for match in _BOUNDARY.finditer(line):
            if line_start + match.start() >= start and _is_boundary(line, match):
                end = line_start + match.end(2)
                spans.append((start, end))
                start = line_start + match.end()
        if start < line_end:
            spans.append((start, line_end))
    return spans


def _lines(text: str) -> list[Span]:
    """Non-blank lines with surrounding whitespace trimmed."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        left = len(raw) - len(raw.lstrip())
        right = len(raw.rstrip())
        if right > left:
            spans.append((match.start() + left, match.start() + right))
    return spans


def _is_boundary(line: str, match: re.Match[str]) -> bool:
    """Whether a terminal punctuation candidate really ends the sentence."""
    punct, closers = match.group(1), match.group(2)
    before = _WORD_BEFORE.search(line, 0, match.start()).group(1)
    after = _WORDS_AFTER.match(line, match.end())
    next_word = after.group(1).lower() if after else ""
    if punct == ".":
        word = before.lower().rstrip(".")
        if word in ABBREVIATIONS or re.fullmatch(r"[A-Z]", before):
            return False
        if word in ("no", "nos") and next_word[:1].isdigit():
            return False
        if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", before):  # U.S., D.C., a.m.
            return next_word in SENTENCE_STARTERS
    # `"Why?" Trump asked.`: the question mark closes a quote inside a longer sentence.
    return not (closers and punct in "?!" and after and after.group(2).lower() in SPEECH_VERBS_AFTER_QUOTE)
