"""The event level: an article joins the event the same-event model gives the highest probability, or starts one.

Candidates are the events active around the article's day (all of them for an undated article), and of those
the `event_candidates` closest by centroid cosine, found by one exact matrix-vector product; each is then
scored on the signals of `wiretrace.stories.signals`. The join needs the model's probability, not a cosine,
to clear the bar, so a look-alike event of the same kind (a second earthquake, another arrest of the same
man) stays apart when its names and numbers differ, and a rewritten telling without a headline still joins
when its words match.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from operator import mul

import numpy as np

from wiretrace.stories.levels import Cluster, ClusterOptions, Level, gap_days
from wiretrace.stories.names import NameFrequencies, name_overlap
from wiretrace.stories.signals import FEATURES, SameEventModel, TextSignals, WordFrequencies


class EventLevel(Level):
    """Events: the `Level` machinery (active window, centroid matrix) with the same-event model as join rule."""

    def __init__(self, options: ClusterOptions, dim: int, model: SameEventModel,
                 signals_of: Callable[[str], TextSignals], vectors: dict[str, np.ndarray]):
        super().__init__("e", 1.0, options.event_days, options, dim)
        self.model = model
        self.signals_of = signals_of
        self.vectors = vectors
        self._tf: dict[str, dict[str, float]] = {}  # term vectors of recent members only
        self._filled: set[int] = set()  # clusters holding their word, term and number counts

    def _tf_of(self, member: str) -> dict[str, float]:
        if member not in self._tf:
            self._tf[member] = self.signals_of(member).tf_vector()
        return self._tf[member]

    def closest_member(self, vector: np.ndarray, keywords: dict[str, float], cluster: Cluster,
                       shared: dict[str, float]) -> tuple[float, float]:
        """The best embedding and term cosines to one of the event's last `recent_members` members.

        A single-link signal beside the average ones: a telling framed like one member (the left-leaning
        one) but not like the others still shows up; the model weighs it, so it cannot chain on its own.
        `shared` are the keywords some member holds (see `_shared`; the others add nothing).
        """
        recent = cluster.members[-self.options.recent_members :]
        best_vector = max(float(self.vectors[m] @ vector) for m in recent)
        norm = math.sqrt(sum(w * w for w in keywords.values())) or 1.0
        terms, weights, zeros = list(shared), list(shared.values()), [0.0] * len(shared)
        # The hottest loop at 100k articles: map over the member's term vector, in keyword order.
        best_terms = max(sum(map(mul, weights, map(self._tf_of(m).get, terms, zeros))) for m in recent) / norm
        return best_vector, best_terms

    def fill(self, cluster: Cluster) -> None:
        """Count a restored (or released) event's words and numbers from its members' texts."""
        if not cluster.filled:
            for member in cluster.members:
                signals = self.signals_of(member)
                _count(cluster, signals, signals.tf_vector())
            cluster.filled = True
        self._filled.add(cluster.index)

    def release_inactive(self) -> None:
        """Drop the word, term and number counts of events outside the active window.

        They are most of the memory at 100k articles (gigabytes), and an event out of the window is no
        candidate for the dated articles that follow in day order; if one comes up again (for an undated
        article) `fill` counts it anew from its members, to the same sums.
        """
        active = set(self._rows[: self._count].tolist())
        for index in self._filled - active:
            cluster = self.clusters[index]
            cluster.words, cluster.terms, cluster.numbers = Counter(), {}, Counter()
            cluster.filled = False
            for member in cluster.members[-self.options.recent_members :]:
                self._tf.pop(member, None)
        self._filled &= active

    def take(self, cluster: Cluster, member: str, vector: np.ndarray, signals: TextSignals,
             day: date | None) -> None:
        """Add an article to an event: its vector, names, words, numbers and day."""
        self.fill(cluster)
        tf = signals.tf_vector()
        _count(cluster, signals, tf)
        self._tf[member] = tf  # kept, not read again from the text, while `closest_member` may look at it
        self.add(cluster, member, vector, signals.names, day)
        if len(cluster.members) > self.options.recent_members:  # no longer looked at by `closest_member`
            self._tf.pop(cluster.members[-self.options.recent_members - 1], None)

    def start(self, member: str, dim_like: np.ndarray) -> Cluster:
        """A new, empty event named after its first article."""
        cluster = Cluster(f"e-{member.removeprefix('e-')}", [], np.zeros_like(dim_like), Counter(), None, None)
        self.append(cluster)
        return cluster

    def candidates(self, vector: np.ndarray, signals: TextSignals, day: date | None, names: NameFrequencies,
                   words: WordFrequencies) -> list[tuple[Cluster, list[float]]]:
        """The closest active events with the article's features against each, closest first."""
        before = self._active_day
        self._refresh(day)
        if self._active_day != before:
            self.release_inactive()
        if not self._count:
            return []
        cosines = self._cosines(vector)
        name_weights = [names.idf(n) for n in signals.names]
        keywords = words.keywords(signals.words, self.options.top_words, signals.buckets)
        out = []
        ranked = np.argsort(-cosines, kind="stable")[: self.options.event_candidates].tolist()
        for rank, k in enumerate(ranked):
            cluster = self.clusters[int(self._rows[k])]
            self.fill(cluster)
            mean = float(cosines[k]) * float(self._norms[k]) / len(cluster.members)
            shared = _shared(keywords, cluster)
            closest = self.closest_member(vector, keywords, cluster, shared)
            x = features((float(cosines[k]), mean, *closest), signals, keywords, name_weights, cluster, day, names,
                         shared)
            out.append((cluster, [*x, _margin(cosines, ranked, rank)]))
        return out

    def assign_article(self, member: str, vector: np.ndarray, signals: TextSignals, day: date | None,
                       names: NameFrequencies, words: WordFrequencies) -> Cluster:
        """Add an article to the most probable candidate event over its threshold, or to a new event."""
        best, best_p = None, 0.0
        for cluster, x in self.candidates(vector, signals, day, names, words):
            if x[_CLOSEST] < self.options.min_lead_cosine:
                continue  # unrelated leads: shared words alone must not join them (see `ClusterOptions`)
            regression = self.model.regression(x)
            p = regression.probability(x)
            if p >= regression.threshold and p >= best_p:
                best, best_p = cluster, p
        if best is None:
            best = self.start(member, vector)
        self.take(best, member, vector, signals, day)
        return best


_CLOSEST = FEATURES.index("max_cosine")


def _margin(cosines: np.ndarray, ranked: list[int], rank: int) -> float:
    """How far a candidate's centroid cosine stands above the best other candidate's (0 when it is alone).

    A ratio test in the manner of nearest-neighbour matching: when several active events sit as close as the
    best one (a run of look-alike campaign stories on undated copy), the closeness says less about which
    one the article tells, and a clear lead says more.
    """
    if len(ranked) < 2:
        return 0.0
    other = ranked[1] if rank == 0 else ranked[0]
    return float(cosines[ranked[rank]]) - float(cosines[other])


def _count(cluster: Cluster, signals: TextSignals, tf: dict[str, float]) -> None:
    cluster.words.update(signals.words.keys())
    cluster.numbers.update(signals.numbers)
    for word, weight in tf.items():
        cluster.terms[word] = cluster.terms.get(word, 0.0) + weight


def _shared(keywords: dict[str, float], cluster: Cluster) -> dict[str, float]:
    """The keywords some member of the event holds, in keyword order.

    An event's words and terms have the same keys, and summing over these alone gives the same floats as
    over all keywords, because the rest add exact zeros.
    """
    words = cluster.words
    return {t: w for t, w in keywords.items() if t in words}


def _cover(counts: Counter, size: int, weights: Iterable[float], held: Iterable[tuple[str, float]]) -> float:
    """Weighted share of the article's keys (`weights`, all of them) that the event's members hold.

    `held` are the (key, weight) pairs some member holds, in the same order: the others would add zeros.
    """
    total = shared = 0.0
    for weight in weights:
        total += weight
    for key, weight in held:
        shared += weight * min(1.0, counts[key] / size)
    return shared / total if total else 0.0


def features(cosines: tuple[float, float, float, float], signals: TextSignals, keywords: dict[str, float],
             name_weights: list[float], cluster: Cluster, day: date | None, names: NameFrequencies,
             shared: dict[str, float]) -> list[float]:
    """The article-versus-event features, in `signals.FEATURES` order.

    `cosines` are the embedding cosines to the centroid, to the average and the closest member, and the
    term cosine to the closest member; `shared` the keywords some member holds (see `_shared`).
    """
    centroid, mean, closest, closest_terms = cosines
    size = len(cluster.members)
    undated = day is None or cluster.first is None
    numbers = sorted(signals.numbers)
    norm = math.sqrt(sum(w * w for w in keywords.values())) or 1.0
    term_cosine = sum(w * cluster.terms[t] for t, w in shared.items()) / norm / size
    name_cover = name_overlap(list(signals.names), cluster, names, name_weights)
    number_cover = _cover(cluster.numbers, size, [1.0] * len(numbers),
                          [(n, 1.0) for n in numbers if n in cluster.numbers])
    return [
        centroid,
        mean,
        closest,
        _cover(cluster.words, size, keywords.values(), shared.items()),
        term_cosine,
        closest_terms,
        name_cover,
        number_cover,
        1.0 if signals.names and cluster.names and not name_cover else 0.0,
        1.0 if numbers and cluster.numbers and not number_cover else 0.0,
        0.0 if undated else math.log1p(gap_days(day, cluster)),
        1.0 if undated else 0.0,
        math.log(size),
    ]
