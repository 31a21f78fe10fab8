"""Vetting: each candidate discrepancy checked again, given a calibrated confidence and a one-line reason.

`find_discrepancies` proposes candidates from single cues (two figures of one unit, two speakers, a hedge
word, two dates, a stance-model contradiction). Read by hand, most were not discrepancies: different
quantities that share a unit, different people's different quotes, "likely voters" read as a hedge, a
hedge on another clause, weekdays of different events, one quote translated twice. `vet` asks of each
the question its type needs (the same quantity? the same quote? the same claim? the same event?) and
gives it the precision that candidates answering the same way had on labelled train stories
(`VetOptions.confidence`); the dossier lists the confident ones and shows the rest apart as leads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from wiretrace.claims.hedges import find_hedges
from wiretrace.crosscheck import checks
from wiretrace.crosscheck.independence import speaker_key
from wiretrace.crosscheck.mentions import Discrepancy, Mention
from wiretrace.crosscheck.options import VetOptions

_NOT_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april june july august"
    " september october november december today republican republicans democratic democrat democrats gop"
    " presumptive presidential president senator sen rep gov governor".split())
"""Capitalized words that name no one: a weekday read as a speaker, a party in a description of a person."""
_PLUS = re.compile(r"^\s*(?:-?\s*plus\b|\+)", re.I)
_MIN_QUALIFIERS = frozenset({"at least", "more than", "over", "upwards of"})
_MAX_QUALIFIERS = frozenset({"at most", "less than", "fewer than", "under", "up to", "as many as"})


def vet(found: Discrepancy, options: VetOptions) -> Discrepancy | None:
    """The discrepancy with `confidence`, `reason` and `id` set, or None when it does not stand."""
    a, b = found.mentions[:2]
    verdict = _CHECKS[found.type](a, b, options)
    if verdict is None:
        return None
    strict, reason = verdict
    if a.outlet == b.outlet:
        strict = False  # two reports of one outlet: mostly two moments or two events (train: 0 real of 59)
    confidence = options.confidence_of(found.type, strict)
    if confidence < options.lead_confidence:
        return None
    return dataclasses.replace(found, confidence=confidence, reason=reason,
                               id="d" + hashlib.sha256(found.key.encode()).hexdigest()[:12])


shared = checks.shared_words


def sentence_of(m: Mention) -> str:
    """A mention's sentence: a figure's whole sentence, else the claim text."""
    c = m.claim
    if c.kind == "figure" and c.sentence_start is not None and c.sentence_end is not None:
        return m.article.text[c.sentence_start:c.sentence_end]
    return c.text


def figure_number(m: Mention) -> checks.Number:
    """A figure as a `Number`: its qualifier as a bound ("more than 1 million" is at least), "15-plus" too."""
    c = m.claim
    qualifier = (c.qualifier or "").lower()
    after = m.article.text[c.end:c.end + 8] if m.article.text else ""
    bound = "min" if qualifier in _MIN_QUALIFIERS or _PLUS.match(after) or c.text.rstrip().endswith("+") else \
        "max" if qualifier in _MAX_QUALIFIERS else None
    return checks.Number(float(c.value or 0.0), bool(qualifier) and bound is None, 0, 0, bound)


def figure_text(m: Mention) -> str:
    """A figure as the article wrote it, with a trailing "-plus" kept ("15-plus", not a bare 15)."""
    after = m.article.text[m.claim.end:m.claim.end + 8] if m.article.text else ""
    plus = _PLUS.match(after)
    return m.claim.text + (after[:plus.end()] if plus else "")


def _number(a: Mention, b: Mention, options: VetOptions) -> tuple[bool, str] | None:
    first, second = figure_number(a), figure_number(b)
    if checks.numbers_compatible(first, second) or _stated_alike(first, sentence_of(b)) \
            or _stated_alike(second, sentence_of(a)):
        return None  # "a dozen" and 12; "more than $1 million" and $1.1 million; "90-plus" and 95
    same = same_quantity(a, b)
    if same is False:
        return None  # people employed and people evacuated
    alike = shared(sentence_of(a), sentence_of(b))
    if not same and alike < options.figure_overlap / 2:
        return None  # two quantities that share a unit
    unit = f" {a.claim.unit}" if a.claim.unit else ""
    return bool(same) or alike >= options.figure_overlap, (f"number: {a.outlet} gives {figure_text(a)}{unit}, "
                                                           f"{b.outlet} gives {figure_text(b)}")


def same_quantity(a: Mention, b: Mention) -> bool | None:
    """Whether two figures count one thing, from what the extractor read them to count (`Claim.subject`).

    A figure's subject is its counted noun and, where the parser found one, the event the noun undergoes
    and whose it is ("people evacuate", "Kenyan workers lost"). The same event is the same quantity
    (True); two different events are two quantities (False); without an event on both sides there is no
    telling from the subject (None), and the sentences' shared words decide. ("Kenyan workers" and
    "workers lost" are no telling: whose is not what happened.)
    """
    extra = []
    for m in (a, b):
        unit = set((m.claim.unit or "").lower().split())
        # the event is a lower-case lemma; a demonym ("Kenyan") says whose, not what happened
        extra.append({w for w in (m.claim.subject or "").split() if w not in unit and w.islower()})
    if extra[0] and extra[1]:
        return bool(extra[0] & extra[1])
    # one side's event as a noun by the other's figure: "evacuate" and "forcing the evacuation of 1,200"
    for events, other in ((extra[0], b), (extra[1], a)):
        near = _words(_around(other))
        if events and any(w.startswith(e[:6]) for e in events for w in near):
            return True
    return None


def _around(m: Mention, reach: int = 60) -> str:
    """The article's text within `reach` characters of a figure."""
    text = m.article.text or ""
    return text[max(0, m.claim.start - reach):m.claim.end + reach]


def _stated_alike(number: checks.Number, sentence: str) -> bool:
    """Whether the other sentence states a number compatible with this one (words too: "a dozen")."""
    return any(checks.numbers_compatible(number, other) for other in checks.find_numbers(sentence))


def _speaker(a: Mention, b: Mention, options: VetOptions) -> tuple[bool, str] | None:
    ka, kb = _who(a), _who(b)
    if not ka or not kb or ka & kb:
        return None  # a weekday or a party is no speaker; one shared name is one person
    alike = shared(a.claim.text, b.claim.text)
    if alike < options.quote_overlap / 2:
        return None  # different people saying different things
    # The same quote, not the same topic: two quotes that share runs of words, long enough that the
    # runs are not a slogan ("make America great again") or a stock phrase ("did not respond").
    quotes = a.claim.kind == "quote" and b.claim.kind == "quote"
    same = quotes and same_wording(a.claim.text, b.claim.text) >= options.quote_wording \
        and min(len(_words(a.claim.text)), len(_words(b.claim.text))) >= options.quote_words
    return same and alike >= options.quote_overlap, (f"speaker: the same words are given to "
                                                     f"{_name(a)} by {a.outlet} and to {_name(b)} by {b.outlet}")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def same_wording(a: str, b: str) -> float:
    """The share of the shorter text's word pairs (bigrams) that the other has: 1.0 for one quote, near 0 for two."""
    pairs = [set(zip(w, w[1:], strict=False)) for w in (_words(a), _words(b))]
    shorter, longer = sorted(pairs, key=len)
    return len(shorter & longer) / len(shorter) if shorter else 0.0


def _who(m: Mention) -> set[str]:
    """A speaker's name words; none when the parser took words of the quote itself for its speaker."""
    name = m.claim.speaker_description or m.claim.speaker or ""
    if name and name.lower() in m.claim.text.lower():
        return set()  # "nothing" said "If she gets to pick her judges, nothing you can do"
    return {w for w in speaker_key(name) if w not in _NOT_NAMES}


def _name(m: Mention) -> str:
    return m.claim.speaker_description or m.claim.speaker or "someone"


def _hedge(a: Mention, b: Mention, options: VetOptions) -> tuple[bool, str] | None:
    for hedged, plain in ((a, b), (b, a)):
        # read again, not from the store: claims extracted before "among likely voters" stopped being a
        # hedge keep it
        words = [h for h in find_hedges(sentence_of(hedged)) if h in options.hedge_words]
        if words and not any(h in options.hedge_words for h in find_hedges(sentence_of(plain))):
            alike = shared(sentence_of(hedged), sentence_of(plain))
            if alike >= options.hedge_overlap / 2:
                return alike >= options.hedge_overlap, (f"hedge: {hedged.outlet} says '{words[0]}'; "
                                                        f"{plain.outlet} states it as fact")
    return None


def _date(a: Mention, b: Mention, options: VetOptions) -> tuple[bool, str] | None:
    from wiretrace.crosscheck.discrepancies import date_words

    da, db = date_words(a.claim.text), date_words(b.claim.text)
    if any(x in y or y in x for x in da for y in db):
        return None  # "Sept. 11" and "Sept. 11, 2001"
    alike = shared(a.claim.text, b.claim.text)
    if alike < options.date_overlap / 2:
        return None  # the days of two different events
    return alike >= options.date_overlap, (f"date: {a.outlet} dates it {', '.join(sorted(da))}, "
                                           f"{b.outlet} {', '.join(sorted(db))}")


def _fact(a: Mention, b: Mention, options: VetOptions) -> tuple[bool, str] | None:
    alike = shared(a.claim.text, b.claim.text)
    if alike >= options.paraphrase_overlap:
        return None  # one wording restated: the stance model misread a small change
    if a.claim.kind == "quote" and b.claim.kind == "quote" and alike >= options.paraphrase_overlap / 2:
        return None  # one quote in two translations or paraphrases
    return False, f"fact: {b.outlet if b.stance == 'contradict' else a.outlet} contradicts the other account"


_CHECKS = {"number": _number, "speaker": _speaker, "hedge": _hedge, "date": _date, "fact": _fact}


def vet_discrepancies(found: list[Discrepancy], options: VetOptions | None = None
                      ) -> tuple[list[Discrepancy], list[Discrepancy]]:
    """(listed, leads): the vetted candidates at or above `list_confidence`, and the rest kept as leads.

    Each list runs most confident first (ties: by key, so the order is the same on every run).
    """
    options = options or VetOptions()
    vetted = [v for v in (vet(d, options) for d in found) if v is not None]
    vetted.sort(key=lambda d: (-d.confidence, d.key))
    listed = [d for d in vetted if d.confidence >= options.list_confidence]
    return listed, [d for d in vetted if d.confidence < options.list_confidence]
