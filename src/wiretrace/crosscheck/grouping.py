"""Grouping: a story's mentions matched into claim groups.

Claims, quotes and statements are grouped by meaning (MiniLM cosine) and wording (shared content
words); figures by what they count (unit and subject) or the meaning of their sentences.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from wiretrace.crosscheck import checks
from wiretrace.crosscheck.independence import primary_of
from wiretrace.crosscheck.mentions import Mention, date_key
from wiretrace.crosscheck.options import AlignOptions
from wiretrace.models import Article, Claim


def collect_mentions(
    articles: Sequence[Article], claims: dict[str, list[Claim]], sources: dict[str, str], options: AlignOptions
) -> list[Mention]:
    """Mentions worth aligning: quotes, figures, and check-worthy statements, in article order."""
    mentions = []
    for article in articles:
        outlet = article.source_name
        for claim in claims.get(article.id, []):
            if claim.kind == "statement" and claim.score < options.min_statement_score:
                continue
            mentions.append(Mention(claim, article, outlet, sources.get(article.id, article.id)))
    return mentions


def group_mentions(mentions: list[Mention], vectors: np.ndarray, options: AlignOptions) -> list[list[int]]:
    """Greedy average-link grouping over linked pairs, strongest pairs first; deterministic."""
    n = len(mentions)
    if n == 0:
        return []
    sims = vectors @ vectors.T
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for i, j in linked_pairs(mentions, sims, options):
        gi, gj = group_of[i], group_of[j]
        if gi == gj or float(sims[np.ix_(members[gi], members[gj])].mean()) < options.group_cosine:
            continue
        for k in members[gj]:
            group_of[k] = gi
        members[gi] = sorted(members[gi] + members[gj])
        del members[gj]
    return sorted(members.values())


def linked_pairs(mentions: list[Mention], sims: np.ndarray, options: AlignOptions) -> list[tuple[int, int]]:
    """Pairs of mentions from different articles that are linked, most similar first (ties: index order)."""
    words = [checks.content_words(m.claim.text) for m in mentions]
    pairs = []
    for i in range(len(mentions)):
        for j in range(i + 1, len(mentions)):
            if mentions[i].article.id != mentions[j].article.id and _linked(sims[i, j], words[i], words[j], options):
                pairs.append((-float(sims[i, j]), i, j))
    return [(i, j) for _neg, i, j in sorted(pairs)]


def _linked(cosine: float, a: set[str], b: set[str], options: AlignOptions) -> bool:
    if cosine >= options.link_cosine:
        return True
    if not a or not b:
        return False
    share = len(a & b) / min(len(a), len(b))
    return cosine >= options.link_cosine_lexical and share >= options.link_overlap


def representative(indices: list[int], mentions: list[Mention], vectors: np.ndarray) -> int:
    """The most central mention (ties: earliest published, then text order)."""
    if len(indices) == 1:
        return indices[0]
    block = vectors[indices] @ vectors[indices].T
    centrality = block.mean(axis=1)
    best = max(
        range(len(indices)),
        key=lambda k: (round(float(centrality[k]), 4), -date_key(mentions[indices[k]].article), -k),
    )
    return indices[best]


# -- figures ------------------------------------------------------------------------------------------------
def group_figures(figures: list[Mention], embedder: Any, options: AlignOptions | None = None) -> list[list[Mention]]:
    """Figures of the same quantity together; the exact, best-sourced, earliest one first.

    Figures are grouped by what they count, not by their own words ("a total of 12,430" says nothing
    about what it counts): the same unit, and either related subjects ("residents" ⊂ "residents
    evacuated") or sentences that say the same thing.
    """
    options = options or AlignOptions()
    usable = [m for m in figures if m.claim.value is not None and m.claim.unit]
    if not usable:
        return []
    vectors = embedder.embed([figure_sentence(m) for m in usable])
    parent = list(range(len(usable)))
    for i, a in enumerate(usable):
        for j in range(i + 1, len(usable)):
            if same_quantity(a, usable[j], float(vectors[i] @ vectors[j]), options):
                parent[_root(parent, j)] = _root(parent, i)
    buckets: dict[int, list[Mention]] = {}
    for i, m in enumerate(usable):
        buckets.setdefault(_root(parent, i), []).append(m)
    ordered = [_reference_first(members) for members in buckets.values()]
    return sorted(ordered, key=lambda ms: (ms[0].article.id, ms[0].claim.start))


def same_quantity(a: Mention, b: Mention, cosine: float, options: AlignOptions) -> bool:
    """Two figures count the same thing: one unit, and related subjects or sentences this similar."""
    if a.claim.unit.lower() != b.claim.unit.lower():
        return False
    ka, kb = _subject_key(a.claim.subject or ""), _subject_key(b.claim.subject or "")
    related = bool(ka and kb and (ka <= kb or kb <= ka))
    return related or cosine >= options.figure_cosine


def _root(parent: list[int], i: int) -> int:
    """Union-find root with path halving."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _reference_first(members: list[Mention]) -> list[Mention]:
    """The representative first: the value most independent sources give, then exact, sourced, earliest."""
    backing: Counter[float] = Counter()
    for value in {m.claim.value for m in members}:
        backing[value] = len({m.source for m in members if m.claim.value == value})
    members.sort(key=lambda m: (-backing[m.claim.value], m.claim.qualifier is not None,
                                primary_of(m.claim, m.outlet) is None, date_key(m.article), m.claim.start))
    return members


def _subject_key(subject: str) -> frozenset[str]:
    return frozenset(checks.content_words(subject))


def figure_sentence(m: Mention) -> str:
    """The sentence a figure stands in (its own text where the sentence is not known)."""
    if m.claim.sentence_start is not None and m.claim.sentence_end is not None:
        return m.article.text[m.claim.sentence_start : m.claim.sentence_end]
    return m.claim.text
