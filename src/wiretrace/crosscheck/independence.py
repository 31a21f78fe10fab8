"""Independence: which sources a claim really rests on, and the status that follows.

Copies of one report count once (their copy group is the mention's `source`), mentions whose
attribution chains end in the same named primary source ("Reuters") count once too, and so do unnamed
claims of articles that retell one outlet's report (their relay, `sourcing`).
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
_LEADING_WORD = re.compile(r"^(?:the|a|an|this|that|these|those|both|each|all|its|their|his|her|our|one|another)(?:\s+|$)",
                           re.I)
REPORTIVE_HEDGES = frozenset({"reportedly"})  # hedges that say the outlet relays someone else's report
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
    # a capital that only starts the phrase ("The outcome", "Both") names no one
    return bool(re.search(r"\b[a-z]*[A-Z]", _LEADING_WORD.sub("", link.strip())))


def normal_name(name: str) -> str:
    """Display name of a source: no article, no possessive, no descriptor ("independent publication X")."""
    name = _DESCRIPTOR.sub("", name.strip())
    return re.sub(r"^(the|a|an)\s+|[’']s$", "", name, flags=re.I).strip()


def primary_of(claim: Claim, outlet: str | None = None, chain: Sequence[str] | None = None) -> str | None:
    """The innermost named source of a mention's attribution chain ("Reuters"), if it names one.

    Anonymous links ("a source close to the administration", "a former police officer") are skipped: they
    cannot be traced, so the named outlet or body that relayed them is the primary source on record.
    `chain` is the chain to read where the cross-check has settled one (`Mention.sources`).
    """
    for link in reversed(_past_outlet(claim.attribution if chain is None else chain, outlet)):
        if is_named(link):
            return normal_name(link)
    return None


def origin_of(m: Mention, aliases: dict[str, str] | None = None) -> tuple[str, str] | None:
    """A mention's traceable origin as (key, name): its chain's primary, else its article's relay.

    The relay stands in only for what the article says others told it: a claim with an unnamed source in
    its chain ("four sources familiar with the matter") or marked "reportedly". A claim in the article's
    own voice (background, its own reporting) stays the article's. A relay found carrying another relay's
    unnamed quotes counts as that relay (`sourcing.relay_aliases`).
    """
    primary = primary_of(m.claim, m.outlet, m.sources) or (m.relay if relayed(m) else None)
    if not primary:
        return None
    seen: set[str] = set()
    while aliases and primary.lower() in aliases and primary.lower() not in seen:
        seen.add(primary.lower())
        primary = aliases[primary.lower()]
    return primary.lower(), primary


def relayed(m: Mention) -> bool:
    """Whether a mention's claim is something the article was told: an unnamed link in its chain, or "reportedly"."""
    told = any(link.strip() and not is_named(link) for link in _past_outlet(m.sources, m.outlet))
    return told or bool(REPORTIVE_HEDGES & set(m.claim.hedges))


def _past_outlet(chain: Sequence[str], outlet: str | None) -> list[str]:
    """The chain without the reporting outlet's own name at its head."""
    chain = list(chain)
    return chain[1:] if chain and outlet and chain[0] == outlet else chain


def independent_sources(mentions: Sequence[Mention], aliases: dict[str, str] | None = None) -> list[str]:
    """The distinct sources, one name each (see `source_keys`), in mention order."""
    return list(dict(source_keys(mentions, aliases)).values())


def source_keys(mentions: Sequence[Mention], aliases: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Each mention's source as (key, name): copies share one, and so do mentions tracing to one origin.

    Keys, not names, tell sources apart: two articles of one outlet that are not copies are two sources.
    An unnamed speaker's quote counts once however many outlets print it: the same words of an anonymous
    insider come from one place (the origin most of its mentions trace to names it).
    """
    keys: dict[str, str] = {}  # copy group -> origin key
    names: dict[str, str] = {}
    for m in mentions:
        origin = origin_of(m, aliases)
        if origin:
            keys.setdefault(m.source, origin[0])
            names.setdefault(origin[0], origin[1])
    if unnamed_quote(mentions):
        counts = Counter(keys[m.source] for m in mentions if m.source in keys)  # ties: the first mention's
        shared = counts.most_common(1)[0][0] if counts else f"copy:{mentions[0].source}"
        names.setdefault(shared, mentions[0].outlet)
        keys = {m.source: shared for m in mentions}
    out = []
    for m in mentions:
        key = keys.get(m.source, f"copy:{m.source}")
        out.append((key, names.setdefault(key, m.outlet)))
    return out


def unnamed_quote(mentions: Sequence[Mention]) -> bool:
    """Whether mentions are of one quote whose speaker none names ("a source", "an insider", "officials")."""
    return bool(mentions) and all(m.claim.kind == "quote" and not speaker_key(m.claim.speaker) for m in mentions)


def group_status(mentions: Sequence[Mention], aliases: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Status from independent sources on each side, and the sources counted.

    A source on both sides (two retellings of one report that differ) is no independent contradiction:
    the difference is a discrepancy of the retelling, listed as such, and the claim rests on that source.
    """
    keys = source_keys(mentions, aliases)  # over the whole group: one unnamed quote is one origin on both sides
    agree = {k for m, (k, _) in zip(mentions, keys, strict=True) if m.stance != "contradict"}
    against = {k for m, (k, _) in zip(mentions, keys, strict=True) if m.stance == "contradict"} - agree
    total = list(dict(keys).values())
    if against and len(against) >= len(agree):
        return "contradicted", total
    if against:
        return "disputed", total
    return ("corroborated" if len(agree) >= 2 else "single-source"), total


def primary_source(mentions: Sequence[Mention], aliases: dict[str, str] | None = None) -> str | None:
    """The origin most mentions trace to (ties: the earliest article's); an unnamed quote's speaker otherwise."""
    named = [origin_of(m, aliases) for m in mentions]
    counts = Counter(o[0] for o in named if o)
    if not counts:
        # a speaker read out of the chain (a place: "Moscow admitted") is no source
        speakers = [m.claim.speaker for m in mentions
                    if m.claim.speaker and speaker_key(m.claim.speaker) and m.claim.speaker in m.sources]
        return speakers[0] if speakers else None
    top = max(counts.values())
    return next(o[1] for o in named if o and counts[o[0]] == top)
