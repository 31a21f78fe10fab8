"""Capitalized names in article text and how much two texts' names overlap, weighted by rarity."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wiretrace.stories.levels import Cluster

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*|\b[A-Z]{2,5}\b", re.M)
_NOT_NAME_WORDS = """
the a an but and or if in on at for of to by with from as this that these those it its he she they we
his her their our you your mr mrs ms dr sen rep gov president monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november december
after before when while there here what who why how also however still even just now so then yet
according said says
"""
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())


def names_in(text: str, top: int = 15) -> list[str]:
    """The `top` most frequent capitalized names of a text, lower-cased (ties broken alphabetically).

    A regex, not spaCy's NER: it is 100 times faster and, for overlap between articles, good enough.
    """
    counts = Counter(
        n.lower() for n in _NAME.findall(text) if n.lower() not in _NOT_NAMES and len(n) > 2
    )
    return [n for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _names_of(texts: list[str], top: int) -> list[list[str]]:
    return [names_in(text, top) for text in texts]


class NameFrequencies:
    """Document frequencies of names, so shared rare names weigh more than shared common ones."""

    def __init__(self, docs: int = 0, counts: dict[str, int] | None = None):
        self.docs = docs
        self.counts = Counter(counts or {})

    def add(self, names: Iterable[str]) -> None:
        """Count one more document with these names."""
        self.docs += 1
        self.counts.update(set(names))

    def idf(self, name: str) -> float:
        """Smoothed inverse document frequency; unseen names get the highest weight."""
        return math.log((1 + self.docs) / (1 + self.counts.get(name, 0))) + 1.0


def name_overlap(names: Sequence[str], cluster: Cluster, freq: NameFrequencies,
                 weights: Sequence[float] | None = None) -> float:
    """Rarity-weighted share of the article's names that the cluster's members usually carry.

    `weights` (the names' idf, in order) may be passed in when one article is scored against many clusters.
    """
    if not names:
        return 0.0
    size = len(cluster.members)
    weights = [freq.idf(n) for n in names] if weights is None else weights
    shared = sum(w * min(1.0, cluster.names.get(n, 0) / size) for n, w in zip(names, weights, strict=True))
    return shared / sum(weights)
