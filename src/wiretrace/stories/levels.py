"""The running state of one clustering level: clusters, their active window and the join rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from wiretrace.stories.names import NameFrequencies, name_overlap
from wiretrace.stories.signals import SameEventModel


@dataclass(frozen=True)
class ClusterOptions:
    """Settings of the two clustering levels.

    Attributes:
        event_model: the same-event model and its join threshold (`assets/same-event.json`, fitted by
            `eval/fit_events.py` on the train splits of NeuS and labelled PolNeAR, with and without titles
            and dates).
        event_days: an event takes articles up to this many days from its date range. It only bounds the
            candidates: within it the days between are one signal of the model, so an event that runs for
            a week keeps its later reports, and a long window costs little because the model, not a
            cosine, decides.
        event_candidates: the events closest by centroid cosine that the model scores for each article.
        min_lead_cosine: an article joins no event whose closest recent member's lead cosine is under this,
            whatever the model says. The word signals weigh much in the model, and where every text shares
            one vocabulary (an outlet's boilerplate; `bench/stories.py`'s corpus, whose event words the word
            reader does not see) they are high for unrelated articles. Of the train sets' true pairs, 1% or
            fewer fall under 0.2 (0.27-0.63 at the first percentile; NeuS title-less 0.31).
        recent_members: the last members of an event that the closest-member signals look at (bounds the
            cost for large events).
        top_words: an article's words (by TF-IDF) whose share in an event's members is a signal.
        story_threshold: minimum score for an event to join a story.
        name_weight: share of the story score given to name overlap (the rest is embedding cosine).
        story_days: a story takes events up to this many days after its last one.
        day_penalty: story score subtracted per day between an event and the story's date range.
        top_names: names per article that count for the overlap.
    """

    event_model: SameEventModel = field(default_factory=SameEventModel.load)
    event_days: int = 7
    event_candidates: int = 10
    min_lead_cosine: float = 0.2
    recent_members: int = 16
    top_words: int = 40
    story_threshold: float = 0.6
    name_weight: float = 0.2
    story_days: int = 30
    day_penalty: float = 0.03
    top_names: int = 15


@dataclass
class Cluster:
    """Running state of one event or story: vector sum, name counts and date range.

    Events also count the words and numbers their members hold (how many members hold each); a restored
    event is `filled` from its members' texts only when it first comes up as a candidate.
    """

    id: str
    members: list[str]
    vector: np.ndarray
    names: Counter
    first: date | None
    last: date | None
    parent: str | None = None
    index: int = -1
    words: Counter = field(default_factory=Counter)
    terms: dict[str, float] = field(default_factory=dict)
    numbers: Counter = field(default_factory=Counter)
    filled: bool = True

    def add(self, member: str, vector: np.ndarray, names: Iterable[str], day: date | None) -> None:
        """Take one member: its vector joins the sum, its names the counts, its day the range."""
        self.members.append(member)
        self.vector = self.vector + vector
        self.names.update(names)
        self.stretch(day)

    def stretch(self, day: date | None) -> None:
        """Widen the date range to include `day`."""
        if day is not None:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)


def gap_days(day: date | None, cluster: Cluster) -> int:
    """Days between `day` and the cluster's date range (0 inside it, or when either is undated)."""
    if day is None or cluster.first is None or cluster.last is None:
        return 0
    if day < cluster.first:
        return (cluster.first - day).days
    return max((day - cluster.last).days, 0)


_NO_DAY = np.iinfo(np.int64).min // 4
_GEMV_ROWS = 1024  # larger matrix-vector products make OpenBLAS start threads, slower than the product itself


class Level:
    """One clustering level: clusters, the active window and the join rule.

    Vector sums and date ranges of all clusters are mirrored in numpy arrays, and the clusters active
    around the current day are copied into one centroid matrix, rebuilt when the day changes and
    updated row by row as members join, so scoring an article is one matrix-vector product.
    """

    def __init__(self, prefix: str, threshold: float, days: int, options: ClusterOptions, dim: int):
        self.prefix, self.threshold, self.days, self.options = prefix, threshold, days, options
        self.clusters: list[Cluster] = []
        self._first = np.zeros(64, dtype=np.int64)
        self._last = np.zeros(64, dtype=np.int64)
        self._active_day: int | None = None
        self._rows = np.zeros(64, dtype=np.int64)  # cluster index of each active row
        self._matrix = np.zeros((64, dim), dtype=np.float32)
        self._norms = np.zeros(64, dtype=np.float32)
        self._count = 0
        self._row_of: dict[int, int] = {}

    def append(self, cluster: Cluster) -> None:
        """Take a cluster (new or restored) into the level; it is active until the day next changes."""
        cluster.index = len(self.clusters)
        self.clusters.append(cluster)
        if cluster.index >= len(self._first):
            self._first, self._last = (np.resize(a, 2 * len(a)) for a in (self._first, self._last))
        self._activate(cluster.index)
        self.sync(cluster)

    def sync(self, cluster: Cluster) -> None:
        """Mirror a cluster's changed vector and dates into the arrays."""
        self._first[cluster.index] = cluster.first.toordinal() if cluster.first else _NO_DAY
        self._last[cluster.index] = cluster.last.toordinal() if cluster.last else _NO_DAY
        row = self._row_of.get(cluster.index)
        if row is not None:
            self._matrix[row] = cluster.vector
            self._norms[row] = np.linalg.norm(cluster.vector)

    def add(self, cluster: Cluster, member: str, vector: np.ndarray, names: Iterable[str], day: date | None) -> None:
        """Add a member to a cluster of this level."""
        cluster.add(member, vector, names, day)
        self.sync(cluster)

    def _activate(self, index: int) -> None:
        if self._count == len(self._rows):
            self._rows = np.resize(self._rows, 2 * self._count)
            self._norms = np.resize(self._norms, 2 * self._count)
            self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
        self._rows[self._count] = index
        self._row_of[index] = self._count
        self._count += 1

    def _refresh(self, day: date | None) -> None:
        """Rebuild the active rows for `day`: clusters whose date range is within `days` of it."""
        key = day.toordinal() if day else -1
        if key == self._active_day:
            return
        self._active_day = key
        size = len(self.clusters)
        first, last = self._first[:size], self._last[:size]
        active = (first == _NO_DAY) | ((key >= first - self.days) & (key <= last + self.days))
        indices = (np.arange(size) if day is None else np.flatnonzero(active)).tolist()
        self._count = 0
        self._row_of = {}
        for index in indices:
            self._activate(index)
        if indices:
            self._matrix[: self._count] = np.stack([self.clusters[i].vector for i in indices])
            self._norms[: self._count] = np.linalg.norm(self._matrix[: self._count], axis=1)

    def _cosines(self, vector: np.ndarray) -> np.ndarray:
        matrix = self._matrix[: self._count]
        dots = np.concatenate([matrix[i : i + _GEMV_ROWS] @ vector for i in range(0, self._count, _GEMV_ROWS)])
        return dots / np.maximum(self._norms[: self._count], 1e-12)

    def assign(self, member: str, vector: np.ndarray, names: list[str], day: date | None,
               freq: NameFrequencies) -> Cluster:
        """Add a member to the best-scoring active cluster, or to a new one; returns the cluster."""
        best, best_score = None, self.threshold
        self._refresh(day)
        if self._count:
            cosines = self._cosines(vector)
            weights = [freq.idf(n) for n in names]
            w, penalty = self.options.name_weight, self.options.day_penalty
            for k in np.argsort(-cosines, kind="stable")[:10].tolist():
                cluster = self.clusters[int(self._rows[k])]
                cosine, gap = float(cosines[k]), gap_days(day, cluster)
                if (1 - w) * cosine + w - penalty * gap < best_score:
                    continue  # even full name overlap could not lift it to the best so far
                overlap = name_overlap(names, cluster, freq, weights)
                score = (1 - w) * cosine + w * overlap - penalty * gap
                if score >= best_score:
                    best, best_score = cluster, score
        if best is None:
            name = f"{self.prefix}-{member.removeprefix('e-')}"
            best = Cluster(name, [], np.zeros_like(vector), Counter(), None, None)
            self.append(best)
        self.add(best, member, vector, names, day)
        return best
