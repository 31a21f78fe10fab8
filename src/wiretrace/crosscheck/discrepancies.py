"""Discrepancies: typed disagreements between two mentions of one claim group.

Each type is an explicit check on an aligned pair: another speaker, another number for the same
quantity at the same time, a dropped hedge, another date, or (when none of those explains it) a plain
contradiction read by the stance model.
"""

from __future__ import annotations

import re

from wiretrace.crosscheck import checks
from wiretrace.crosscheck.independence import speaker_key
from wiretrace.crosscheck.mentions import ClaimGroup, Discrepancy, Mention, effective_date
from wiretrace.ingest.dates import MONTH_NAME

STRONG_HEDGES = frozenset(
    "reportedly allegedly alleged purportedly supposedly apparently likely unlikely possibly probably"
    " unconfirmed unofficial unofficially informal rumor rumors rumour rumours rumored suspected".split()
)
_DATE_WORDS = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    + MONTH_NAME + r"\.?\s+\d{1,2}(?:,\s*\d{4})?)\b",
    re.I,
)


def find_discrepancies(group: ClaimGroup) -> list[Discrepancy]:
    """Typed disagreements between mentions of one group, each pair of articles reported once per type."""
    found: list[Discrepancy] = []
    seen: set[tuple[str, str, str]] = set()
    mentions = group.mentions
    for i, a in enumerate(mentions):
        for b in mentions[i + 1 :]:
            if a.article.id == b.article.id or a.source == b.source and a.claim.text == b.claim.text:
                continue
            for kind, detail in pair_discrepancies(a, b):
                key = (kind, *sorted((a.source, b.source)))  # copies of one report: reported once
                if key not in seen:
                    seen.add(key)
                    found.append(Discrepancy(kind, group.id, [a, b], detail))
    return found


def pair_discrepancies(a: Mention, b: Mention) -> list[tuple[str, str]]:
    """Every (type, detail) in which two mentions of one claim disagree; `fact` only when nothing else does."""
    out = []
    speaker = speaker_conflict(a, b)
    if speaker:
        out.append(("speaker", speaker))
    if figures_conflict(a, b):
        out.append(("number", f"{a.outlet} gives {_numbers_text(a)}, {b.outlet} gives {_numbers_text(b)}"))
    hedge = dropped_hedge(a, b) or dropped_hedge(b, a)
    if hedge and "contradict" not in (a.stance, b.stance):
        out.append(("hedge", hedge))
    dates = date_conflict(a, b)
    if dates:
        out.append(("date", dates))
    figures = a.claim.kind == "figure" or b.claim.kind == "figure"
    if not out and not figures and "contradict" in (a.stance, b.stance) and a.stance != b.stance:
        out.append(("fact", f"{b.outlet if b.stance == 'contradict' else a.outlet} contradicts the other account"))
    return out


def figures_conflict(a: Mention, b: Mention) -> bool:
    """Same quantity at the same time with incompatible values (other dates make a time series).

    Only figures are compared: a sentence's bare numbers ("5 a.m.", "14 were taken to hospital")
    count different things too often to be set against each other.
    """
    if a.claim.kind != "figure" or b.claim.kind != "figure" or a.claim.value is None or b.claim.value is None:
        return False
    if effective_date(a) != effective_date(b):
        return False
    first = checks.Number(a.claim.value, a.claim.qualifier is not None, 0, 0)
    second = checks.Number(b.claim.value, b.claim.qualifier is not None, 0, 0)
    return not checks.numbers_compatible(first, second)


def speaker_conflict(a: Mention, b: Mention) -> str | None:
    """Quotes or statements put in the mouths of two speakers who share no name (nor an acronym)."""
    if a.claim.kind not in ("quote", "statement") or b.claim.kind not in ("quote", "statement"):
        return None
    sa = a.claim.speaker_description or a.claim.speaker
    sb = b.claim.speaker_description or b.claim.speaker
    ka, kb = speaker_key(sa), speaker_key(sb)
    if not ka or not kb or ka & kb or _aliases(ka, kb):
        return None
    return f"{a.outlet} attributes it to {a.claim.speaker or sa!s}; {b.outlet} to {b.claim.speaker or sb!s}"


def _aliases(a: set[str], b: set[str]) -> bool:
    """An acronym on one side that spells a name on the other (WHO ~ World Health Organization)."""
    for x, y in ((a, b), (b, a)):
        initials = "".join(sorted(w[0] for w in y))
        if any(len(w) >= 2 and sorted(w) == sorted(initials[: len(w)]) for w in x):
            return True
    return False


def dropped_hedge(a: Mention, b: Mention) -> str | None:
    """`a` hedges strongly ("reportedly") and `b` states the same without any strong hedge."""
    strong = [h for h in a.claim.hedges if h in STRONG_HEDGES]
    if not strong or any(h in STRONG_HEDGES for h in b.claim.hedges):
        return None
    return f"{a.outlet} says \"{strong[0]}\"; {b.outlet} states it without the hedge"


def date_words(text: str) -> set[str]:
    """The days and dates a text names, lower-cased ("tuesday", "march 1")."""
    return {d.lower() for d in _DATE_WORDS.findall(text)}


def date_conflict(a: Mention, b: Mention) -> str | None:
    """Both name a day or date and none in common."""
    da, db = date_words(a.claim.text), date_words(b.claim.text)
    if da and db and not da & db:
        return f"{a.outlet} dates it {', '.join(sorted(da))}; {b.outlet} {', '.join(sorted(db))}"
    return None


def _numbers_text(m: Mention) -> str:
    if m.claim.kind == "figure" and m.claim.value is not None:
        qualifier = f"{m.claim.qualifier} " if m.claim.qualifier else ""
        return f"{qualifier}{m.claim.value:,.0f}"
    return ", ".join(f"{n.value:,.0f}" for n in checks.find_numbers(m.claim.text)) or "no number"
