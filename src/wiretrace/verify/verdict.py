"""The verdict: evidence grouped by independent source, each side weighed, and a paragraph saying why."""

from __future__ import annotations

import math
from collections.abc import Sequence

from wiretrace.crosscheck.independence import is_named, normal_name
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


def _primary(chain: Sequence[str]) -> str | None:
    """The innermost named source of a sentence's chain (outlet first), as the dossier reads it."""
    for link in reversed(chain[1:]):
        if is_named(link):
            return normal_name(link)
    return None


def merge_primaries(evidence: Sequence[Evidence]) -> None:
    """Count articles that retell one named primary source as that one source (sets `source` in place).

    An article counts once, for the source of its strongest sentence taking a side: articles whose
    strongest sentences trace to the same named source (`crosscheck.independence`: "the independent
    newspaper Daily Ledger" and "Daily Ledger" are both Daily Ledger) share a source, and one retelling an
    outlet whose own article is in the evidence ("the Evening Courier") joins that article's source. Unnamed
    attributions ("a source close to the ministry", "officials") leave an article with its copy group.
    """
    strongest: dict[str, Evidence] = {}
    for e in evidence:
        if e.stance != "neutral" and e.score > getattr(strongest.get(e.article), "score", -1.0):
            strongest[e.article] = e
    outlets = {normal_name(e.outlet).casefold(): e.source for e in evidence if e.outlet}
    retelling: dict[str, tuple[str, set[str]]] = {}  # folded name -> (name, articles)
    for article, item in strongest.items():
        name = _primary(item.source_chain)
        if name:
            retelling.setdefault(name.casefold(), (name, set()))[1].add(article)
    for folded, (name, members) in retelling.items():
        outlet_source = outlets.get(folded)
        if outlet_source is None and len({strongest[a].source for a in members}) < 2:
            continue  # one source's own informants: nothing to merge
        key = outlet_source or PRIMARY_PREFIX + name
        for e in evidence:
            if e.article in members:
                e.source = key
