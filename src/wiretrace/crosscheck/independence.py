"""Independence: which sources a claim really rests on, and the status that follows.

Copies of one report count once (their copy group is the mention's `source`), and mentions whose
attribution chains end in the same named primary source ("Reuters") count once too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from wiretrace.claims.lexicon import DEMONYM_WORDS
from wiretrace.crosscheck.mentions import Mention
from wiretrace.models import Claim

VAGUE_SPEAKERS = re.compile(
    r"^(he|she|they|it|we|i|you|the source|a source|another source|sources|one source|the sources|an? insider"
    r"|another (\w+ )?insider|one of (its|their|the) sources|someone|a spokes\w+)$",
    re.I,
)
_GENERIC_HEADS = re.compile(
    r"\b(sources?|insiders?|officials?|officers?|employees?|people|persons?|experts?|analysts?|residents?"
    r"|witnesses?|staffers?|aides?|diplomats?|lawmakers?|acquaintance)\b",
    re.I,
)
_DESCRIPTOR = re.compile(
    r"^.*?\b(?:outlet|publication|newspaper|agency|site|website|channel|broadcaster|magazine|tabloid|daily)\s+"
    r"(?=[A-Za-z]*[A-Z])",
)
_SPEAKER_SKIP = frozenset({"The", "A", "An", "One", "Another", "Former", "Senior"}) | DEMONYM_WORDS


def speaker_key(speaker: str | None) -> set[str]:
    """What identifies a speaker beyond their role: names and organisations (capitalized words, acronyms)."""
    if not speaker or VAGUE_SPEAKERS.match(speaker.strip()):
        return set()
    words = re.findall(r"\b([A-Z][A-Za-z]+|[A-Z]{2,})\b", speaker)
    return {w.lower() for w in words if w not in _SPEAKER_SKIP}


def is_named(link: str) -> bool:
    """Whether an attribution link names someone traceable (not "a source", not "officials")."""
    if VAGUE_SPEAKERS.match(link.strip()) or _GENERIC_HEADS.search(link):
        return False
    return bool(re.search(r"\b[a-z]*[A-Z]", link))


def normal_name(name: str) -> str:
    """Display name of a source: no article, no possessive, no descriptor ("independent publication X")."""
    name = _DESCRIPTOR.sub("", name.strip())
    return re.sub(r"^(the|a|an)\s+|[’']s$", "", name, flags=re.I).strip()


def primary_of(claim: Claim, outlet: str | None = None) -> str | None:
    """The innermost named source of a mention's attribution chain ("Reuters"), if it names one.

    Anonymous links ("a source close to the administration", "a former police officer") are skipped: they
    cannot be traced, so the named outlet or body that relayed them is the primary source on record.
    """
    chain = list(claim.attribution)
    if chain and outlet and chain[0] == outlet:
        chain = chain[1:]
    for link in reversed(chain):
        if is_named(link):
            return normal_name(link)
    return None


def independent_sources(mentions: Sequence[Mention]) -> list[str]:
    """Distinct sources: copies count once, and mentions tracing to one primary source count once."""
    keys: list[str] = []
    primaries: dict[str, str] = {}
    for m in mentions:
        primary = primary_of(m.claim, m.outlet)
        if primary:
            primaries.setdefault(m.source, primary.lower())
    for m in mentions:
        key = primaries.get(m.source, f"copy:{m.source}")
        if key not in keys:
            keys.append(key)
    return keys


def group_status(mentions: Sequence[Mention]) -> tuple[str, int]:
    """Status from independent sources on each side."""
    agree = independent_sources([m for m in mentions if m.stance != "contradict"])
    against = independent_sources([m for m in mentions if m.stance == "contradict"])
    total = len(independent_sources(mentions))
    if against and len(against) >= len(agree):
        return "contradicted", total
    if against:
        return "disputed", total
    return ("corroborated" if len(agree) >= 2 else "single-source"), total


def primary_source(mentions: Sequence[Mention]) -> str | None:
    """The primary source most mentions trace to (ties: the earliest article's)."""
    named = [primary_of(m.claim, m.outlet) for m in mentions]
    counts = Counter(p for p in named if p)
    if not counts:
        speakers = [m.claim.speaker for m in mentions if m.claim.speaker and speaker_key(m.claim.speaker)]
        return speakers[0] if speakers else None
    top = max(counts.values())
    return next(p for p in named if p and counts[p] == top)
