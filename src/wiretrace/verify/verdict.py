"""The verdict: evidence grouped by independent source, each side weighed, and a paragraph saying why."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from wiretrace.claims.lexicon import DEMONYMS
from wiretrace.models import Claim
from wiretrace.verify.evidence import Evidence, Verdict
from wiretrace.verify.options import CheckOptions

VERDICTS = ("supported", "refuted", "disputed", "not-enough-evidence")
_HEADS = {"supported": "Supported", "refuted": "Refuted", "disputed": "Disputed",
          "not-enough-evidence": "Not enough evidence"}


def decide(claim: str, evidence: list[Evidence], options: CheckOptions | None = None) -> Verdict:
    """Group evidence by independent source and weigh the sides.

    Each source counts once, on one side: the side of its strongest sentence (one article does not
    dispute itself; a weaker sentence of it that leans the other way is outweighed). A side's strength
    is the chance that at least one of its sources is right (1 - prod(1 - p)). Both sides strong means
    `disputed`. Sorts `evidence` in place: sentences taking a side first, strongest first.
    """
    options = options or CheckOptions()
    support, refute = sides(evidence)
    verdict, confidence = weigh(support, refute, evidence, options)
    evidence.sort(key=lambda e: (e.stance == "neutral", -e.score))
    return Verdict(claim, verdict, float(min(max(confidence, 0.0), 1.0)), explain(verdict, evidence, support, refute),
                   evidence)


def sides(evidence: Sequence[Evidence]) -> tuple[dict[str, float], dict[str, float]]:
    """Strength of each source's strongest non-neutral sentence, split into (supporting, refuting) sources."""
    strongest: dict[str, tuple[float, str]] = {}
    for item in evidence:
        if item.stance != "neutral" and item.score > strongest.get(item.source, (0.0, ""))[0]:
            strongest[item.source] = (item.score, item.stance)
    support = {k: v for k, (v, stance) in strongest.items() if stance == "supports"}
    refute = {k: v for k, (v, stance) in strongest.items() if stance == "refutes"}
    return support, refute


def weigh(support: dict[str, float], refute: dict[str, float], evidence: Sequence[Evidence],
          options: CheckOptions) -> tuple[str, float]:
    """The verdict label and its (unclipped) confidence from the two sides' sources."""
    s = 1 - math.prod(1 - v for v in support.values())
    r = 1 - math.prod(1 - v for v in refute.values())
    if support and refute and min(s, r) >= max(options.dispute_ratio * max(s, r), options.dispute_min):
        return "disputed", min(s, r) / max(s, r) * options.disputed_confidence_span + options.disputed_confidence_base
    if s > r:
        return "supported", s * (1 - r * options.opposition_discount)
    if r > s:
        return "refuted", r * (1 - s * options.opposition_discount)
    best = max((e.relevance for e in evidence), default=0.0)
    return "not-enough-evidence", 1 - options.no_evidence_relevance_discount * best


def explain(verdict: str, evidence: list[Evidence], support: dict[str, float], refute: dict[str, float]) -> str:
    """One paragraph naming the sources on each side (a named primary source with the outlets that retell it)."""
    names: dict[str, set[str]] = {}
    for e in evidence:
        names.setdefault(e.source, set()).add(e.outlet or e.article)

    def name(source: str) -> str:
        outlets = ", ".join(sorted(names[source]))
        if source.startswith(PRIMARY_PREFIX):
            return f"{source[len(PRIMARY_PREFIX):]}, as told by {outlets}"
        return outlets

    def listing(side: dict[str, float]) -> str:
        return "; ".join(sorted(name(k) for k in side))

    parts = []
    if support:
        parts.append(f"{len(support)} independent source(s) support it ({listing(support)})")
    if refute:
        parts.append(f"{len(refute)} independent source(s) contradict it ({listing(refute)})")
    if not parts:
        if evidence:
            return "Related sentences were found, but none of them supports or contradicts the claim."
        return "Nothing in the store is about this claim."
    notes = sorted({n for e in evidence if e.stance != "neutral" for n in e.notes})
    tail = f" Checks applied: {'; '.join(notes)}." if notes else ""
    return (f"{_HEADS[verdict]}: " + "; ".join(parts) + ". Copies of one report, and outlets retelling one named"
            " source, count as one source." + tail)


def source_chain(item: Evidence, claims: Sequence[Claim]) -> list[str]:
    """Who said it, outer to primary: the attribution of an overlapping extracted claim, or the outlet.

    Args:
        item: judged evidence with its `outlet` set.
        claims: the extracted claims of the evidence's article.
    """
    best: list[str] = []
    for claim in claims:
        if claim.start < item.end and item.start < claim.end and len(claim.attribution) > len(best):
            best = list(claim.attribution)
    outlet = item.outlet or ""
    if best and best[0] != outlet and outlet:
        best = [outlet, *best]
    return best or ([outlet] if outlet else [])


PRIMARY_PREFIX = "primary:"
# Capitalised words that name no one: sentence-initial determiners, numbers, honorifics.
_UNNAMING = frozenset("the a an another one two three four five several some many most his her their its our this "
                      "that these those mr mrs ms dr sir president prime minister secretary chancellor senator sen "
                      "governor gov mayor general gen spokesman spokeswoman spokesperson chief director ceo king "
                      "queen judge rep".split())
_PREPOSITIONS = frozenset("of to with at in from near for by on about close familiar".split())
_DEMONYM_WORDS = frozenset(w.casefold() for w in DEMONYMS.values())
_DETERMINERS = frozenset("the his her their its our this that these those".split())
_INDEFINITE = frozenset("a an another one two three four five six several some many most few other others".split())
_GROUP_NOUNS = frozenset("source sources official officials insider insiders people person residents analysts "
                         "experts diplomats aides staff staffers members figures estimates reports".split())


def named_words(phrase: str) -> frozenset[str]:
    """The words of an attribution that name someone: "independent Russian publication iStories" -> {istories}.

    Empty when the attribution names no one: an indefinite one ("a source close to the Kremlin", "two
    workers"), a group described by where it sits ("Kremlin sources familiar with …"), or one with no
    capitalised word but demonyms ("another Russian insider", "the source"). Otherwise its capitalised
    words, less demonyms, determiners and honorifics.
    """
    words = re.findall(r"[\w’'.-]+", phrase)
    while words and words[0].casefold() in _DETERMINERS:
        words = words[1:]
    if not words or words[0].casefold() in _INDEFINITE or words[0][0].isdigit():
        return frozenset()
    capital = [i for i, w in enumerate(words) if any(c.isupper() for c in w)]
    if not capital:
        return frozenset()
    first_lower = next((i for i, w in enumerate(words) if not any(c.isupper() for c in w)), len(words))
    if capital[0] == 0 and first_lower < len(words) and words[first_lower].casefold() in _GROUP_NOUNS:
        return frozenset()  # "Kremlin sources", "White House officials"
    if capital[0] > 0 and (capital[-1] != len(words) - 1 or _PREPOSITIONS & {w.casefold() for w in words[:capital[0]]}):
        return frozenset()  # "people close to Putin": the head is no name
    return frozenset(w.casefold().strip(".") for w in (words[i] for i in capital)
                     if w.casefold() not in _UNNAMING and w.casefold() not in _DEMONYM_WORDS)


def _primary(chain: Sequence[str]) -> tuple[str, frozenset[str]] | None:
    """The most primary named attribution of a source chain (outlet first), or None."""
    for phrase in reversed(chain[1:]):
        words = named_words(phrase)
        if words:
            return phrase, words
    return None


def merge_primaries(evidence: Sequence[Evidence]) -> None:
    """Count articles that retell one named primary source as that one source (sets `source` in place).

    An article counts once, for the source of its strongest sentence taking a side: two articles whose
    strongest sentences both end in the same named source ("iStories", "independent Russian publication
    iStories") share a source; one retelling an outlet whose own article is in the evidence ("the
    Northgate Herald") joins that article's source. Unnamed attributions ("the source", "officials") leave
    an article with its copy group: nothing says two of them are one person.
    """
    strongest: dict[str, Evidence] = {}
    for e in evidence:
        if e.stance != "neutral" and e.score > getattr(strongest.get(e.article), "score", -1.0):
            strongest[e.article] = e
    outlets = {named_words(e.outlet): e.source for e in evidence if e.outlet and named_words(e.outlet)}
    groups: list[tuple[frozenset[str], str, set[str]]] = []  # (named words, shortest phrase, articles)
    for article, item in strongest.items():
        found = _primary(item.source_chain)
        if found is None:
            continue
        phrase, words = found
        for g, (other, shortest, members) in enumerate(groups):
            if words <= other or other <= words:
                groups[g] = (words | other, min(phrase, shortest, key=len), members | {article})
                break
        else:
            groups.append((words, phrase, {article}))
    for words, phrase, members in groups:
        # An outlet is retold when the attribution holds its whole name ("the Northgate Herald"), not a
        # part of it ("Moscow" is not The Moscow Times).
        outlet_source = next((src for w, src in outlets.items() if w <= words), None)
        if len({strongest[a].source for a in members}) < 2 and outlet_source is None:
            continue  # one source's own informants: nothing to merge
        key = outlet_source or PRIMARY_PREFIX + re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
        for e in evidence:
            if e.article in members:
                e.source = key
