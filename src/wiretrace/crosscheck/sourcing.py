"""Sourcing: the attribution chain the cross-check reads for each mention, and the report an article relays.

A claim's own chain often ends in an unnamed source ("the source", "four sources familiar with the
matter") while the article says elsewhere whose report it retells ("citing a report by independent
publication iStories"); that outlet is the article's *relay*, the traceable source of its unnamed claims.
Place names in a chain ("Russia continues to struggle", "Moscow admitted") are where something happened,
not who said it, and "the outlet" points back to the relay: both are read out of the chain here, so that
independence and provenance count and draw real sources.

When one unnamed speaker's words appear verbatim in several outlets, they came from one place: nobody
re-interviews an anonymous insider to the word. The relays of those outlets are then one origin
(`relay_aliases`): RadarOnline's Daily Mail report carries iStories' anonymous quotes, so its unnamed
claims count with iStories.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from wiretrace.crosscheck.independence import is_named, normal_name, unnamed_quote
from wiretrace.crosscheck.mentions import ClaimGroup, Mention
from wiretrace.crosscheck.provenance import OUTLET_NOUN, described_outlets, is_outlet
from wiretrace.models import Article, Claim

PLACE_LABELS = frozenset({"GPE", "LOC"})
_ANAPHOR = re.compile(rf"^(?:the|this|that)\s+(?:{OUTLET_NOUN}|report|tabloid|agency)$", re.I)  # "the outlet"


def story_places(claims: Iterable[Claim]) -> set[str]:
    """Lower-cased names the claims' entities tag as places (countries, cities, regions)."""
    places = set()
    for claim in claims:
        for entity in claim.entities:
            if entity.label in PLACE_LABELS:
                places.update({entity.text.lower(), (entity.norm or entity.text).lower()})
    return places


def is_place(link: str, places: set[str]) -> bool:
    """Whether a chain link is only a place name ("Russia", "the Kremlin" is not: it is an institution)."""
    return normal_name(link).lower() in places


def article_relay(claims: Sequence[Claim], outlet: str | None, places: set[str], outlets: set[str]) -> str | None:
    """The outlet an article most often names as a source of its claims (ties: the first named), if any.

    `outlets` are labels known to be outlets in this story (its own outlets and those its text describes
    as one); the article's own outlet does not count.
    """
    own = normal_name(outlet).lower() if outlet else None
    counts: Counter[str] = Counter()  # ties: the first counted wins (`most_common` keeps insertion order)
    first: dict[str, str] = {}
    for claim in claims:
        for link in claim.attribution:
            name = normal_name(link)
            if (not name or name.lower() == own or _ANAPHOR.match(link.strip()) or not is_named(link)
                    or is_place(link, places) or not (link in outlets or is_outlet(link))):
                continue
            counts[name.lower()] += 1
            first.setdefault(name.lower(), name)
    return first[counts.most_common(1)[0][0]] if counts else None


def read_chain(claim: Claim, relay: str | None, places: set[str]) -> tuple[str, ...]:
    """The claim's chain without place names, "the outlet" read as the article's relay (dropped without one)."""
    chain = []
    for link in claim.attribution:
        if is_place(link, places):
            continue
        if _ANAPHOR.match(link.strip()):
            if relay:
                chain.append(relay)
            continue
        chain.append(link)
    return tuple(chain)


def settle_sourcing(mentions: Sequence[Mention], articles: Sequence[Article],
                    claims: dict[str, list[Claim]]) -> None:
    """Give each mention its relay and the chain the cross-check reads (see the module docstring)."""
    every = [c for article in articles for c in claims.get(article.id, [])]
    places = story_places(every)
    outlets = {a.source_name for a in articles if a.source_name}
    # only a named link that is no place and does not read as an outlet already can be made one by the text
    unsure = {link for c in every for link in c.attribution
              if link and is_named(link) and not is_place(link, places) and not is_outlet(link)}
    outlets |= described_outlets(unsure - outlets, [a.text for a in articles])
    relays = {a.id: article_relay(claims.get(a.id, []), a.source_name, places, outlets) for a in articles}
    for mention in mentions:
        mention.relay = relays.get(mention.article.id)
        mention.chain = read_chain(mention.claim, mention.relay, places)


def relay_aliases(groups: Sequence[ClaimGroup]) -> dict[str, str]:
    """Relays found carrying another relay's unnamed quotes, each mapped (lower-cased) to that relay.

    In each group of an unnamed speaker's quote given by articles with different relays, the relay most
    of its articles have (ties: the first mention's) is the origin, and the others map to it.
    """
    aliases: dict[str, str] = {}
    for group in groups:
        if not unnamed_quote(group.mentions):
            continue
        by_article = {m.article.id: m.relay for m in group.mentions}
        relays = [r for r in by_article.values() if r]
        if len(set(map(str.lower, relays))) < 2:
            continue
        top = Counter(r.lower() for r in relays).most_common(1)[0][0]  # ties: the first mention's
        origin = next(r for r in relays if r.lower() == top)
        for relay in relays:
            if relay.lower() != origin.lower():
                aliases.setdefault(relay.lower(), origin)
    return aliases
